#!/usr/bin/env python3
"""Customer churn: a scikit-learn ColumnTransformer pipeline with one named ONNX input a column.

The pipeline most tabular projects end up with: median imputation and standard scaling of the
numeric columns, constant imputation and one-hot encoding (unknown categories ignored) of the
text columns, then a LogisticRegression. Exported with one ONNX input per column, named like
the column: float [N, 1] for numbers, int64 [N, 1] for the count of support calls, string
[N, 1] for categories. augur.yaml then needs no features block: each input takes the
parameter of the same name. Missing numbers (null) reach the model as NaN and are imputed by
it; a missing payment method is the empty string, which the model imputes as "missing".

Data: 2,000 synthetic telecom customers whose churn rises with month-to-month contracts,
fibre, electronic checks, support calls and high charges, and falls with tenure. Writes
model.onnx, requests.json and the request section of README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "scripts"))
from example_tools import TARGET_OPSET, finalize, record, sanity_check  # noqa: E402

FLOATS = ["tenure_months", "monthly_charges"]
INTS = ["support_calls"]
STRINGS = ["contract", "internet_service", "payment_method"]
CONTRACTS = ["Month-to-month", "One year", "Two year"]
INTERNET = ["DSL", "Fiber optic", "No internet"]
PAYMENTS = ["Electronic check", "Mailed check", "Bank transfer", "Credit card"]


def customers(n=2000, seed=5):
    """Synthetic customers: (DataFrame with the six columns, y churned 0/1)."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    contract = rng.choice(CONTRACTS, n, p=[0.55, 0.21, 0.24])
    internet = rng.choice(INTERNET, n, p=[0.34, 0.44, 0.22])
    payment = rng.choice(PAYMENTS, n, p=[0.34, 0.23, 0.22, 0.21])
    tenure = np.where(contract == "Month-to-month", rng.exponential(18, n), rng.uniform(1, 72, n)).round().clip(0, 72)
    base = np.select([internet == "Fiber optic", internet == "DSL"], [80.0, 55.0], 22.0)
    charges = (base + rng.normal(0, 12, n)).clip(18, 120).round(2)
    calls = rng.poisson(1.2, n)
    logit = (-1.3 + 1.3 * (contract == "Month-to-month") - 0.9 * (contract == "Two year") - 0.035 * tenure
             + 0.015 * (charges - 65) + 0.35 * calls + 0.5 * (internet == "Fiber optic")
             + 0.45 * (payment == "Electronic check"))
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    df = pd.DataFrame({"tenure_months": tenure, "monthly_charges": charges, "support_calls": calls,
                       "contract": contract, "internet_service": internet, "payment_method": payment})
    for c in FLOATS:  # some numbers were never recorded
        df.loc[rng.random(n) < 0.05, c] = np.nan
    df.loc[rng.random(n) < 0.05, "payment_method"] = ""
    df[STRINGS] = df[STRINGS].astype(object)
    return df, y


def pipeline():
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    text = Pipeline([("impute", SimpleImputer(strategy="constant", missing_values="", fill_value="missing")),
                     ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False))])
    columns = ColumnTransformer([("numeric", numeric, FLOATS + INTS), ("text", text, STRINGS)])
    return Pipeline([("columns", columns), ("classifier", LogisticRegression(max_iter=1000))])


def train():
    from sklearn.model_selection import cross_val_score

    df, y = customers()
    model = pipeline()
    auc = cross_val_score(model, df, y, cv=5, scoring="roc_auc").mean()
    model.fit(df, y)
    print(f"pipeline: {len(y)} customers, {y.mean():.0%} churned, cross-validated ROC AUC {auc:.2f}")
    return model


def export(model):
    import pandas as pd
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType, Int64TensorType, StringTensorType

    types = ([(c, FloatTensorType([None, 1])) for c in FLOATS] + [(c, Int64TensorType([None, 1])) for c in INTS]
             + [(c, StringTensorType([None, 1])) for c in STRINGS])
    # No ZipMap: probabilities come out as a [N, 2] tensor, the other shape Augur maps to labels.
    options = {id(model.steps[-1][1]): {"zipmap": False}}
    onx = convert_sklearn(model, initial_types=types, options=options, target_opset=TARGET_OPSET)
    size = finalize(onx, "pipeline", HERE)
    rows = pd.DataFrame({"tenure_months": [3.0, np.nan], "monthly_charges": [95.5, 60.0], "support_calls": [4, 0],
                         "contract": ["Month-to-month", "Two year"], "internet_service": ["Fiber optic", "DSL"],
                         "payment_method": ["Electronic check", "Crypto wallet"]})
    feeds = {c: rows[c].to_numpy().astype(np.float32).reshape(-1, 1) for c in FLOATS}
    feeds.update({c: rows[c].to_numpy().astype(np.int64).reshape(-1, 1) for c in INTS})
    feeds.update({c: rows[c].to_numpy().astype(object).reshape(-1, 1) for c in STRINGS})
    sanity_check(HERE, feeds, model.predict_proba(rows), output=1)
    print(f"pipeline: model.onnx {size} bytes")


REQUESTS = [
    {"name": "single", "title": "One customer (POST an object)", "method": "POST", "path": "/churn",
     "body": {"tenure_months": 3, "monthly_charges": 95.5, "support_calls": 4, "contract": "Month-to-month",
              "internet_service": "Fiber optic", "payment_method": "Electronic check"},
     "status": 200},
    {"name": "batch", "title": "Missing values and an unknown payment method (POST an array)", "method": "POST",
     "path": "/churn",
     "body": [
         {"tenure_months": 60, "monthly_charges": 24.9, "support_calls": 0, "contract": "Two year",
          "internet_service": "No internet", "payment_method": "Bank transfer"},
         {"tenure_months": None, "support_calls": 1, "contract": "One year", "internet_service": "DSL",
          "payment_method": "Crypto wallet"},
         {"tenure_months": 14, "monthly_charges": 70, "support_calls": 2, "contract": "Month-to-month",
          "internet_service": "DSL"},
     ],
     "status": 200},
    {"name": "query", "title": "One customer as a query string (GET)", "method": "GET",
     "path": "/churn?tenure_months=30&monthly_charges=89.9&support_calls=3&contract=One%20year"
             "&internet_service=Fiber%20optic&payment_method=Credit%20card",
     "status": 200},
    {"name": "invalid", "title": "Wrong values (422)", "method": "POST", "path": "/churn",
     "body": {"customer_id": "7590-VHVEG", "tenure_months": "long", "support_calls": -1, "contract": "Monthly",
              "internet_service": "Fiber optic", "payment_method": 42},
     "status": 422,
     "issues": [("float_type", ["body", "tenure_months"]), ("greater_than_equal", ["body", "support_calls"]),
                ("enum", ["body", "contract"]), ("string_type", ["body", "payment_method"]),
                ("extra_forbidden", ["body", "customer_id"])]},
]


def write_reference():
    """train.csv: the training customers in the model's input columns, the reference data
    explanations take their means from (`reference:` in augur.yaml). An unknown payment method
    is written as "missing", what the model's imputer turns "" into (an empty CSV cell would
    be a missing value, which a text input cannot take)."""
    df, _ = customers()
    df = df.copy()
    df.loc[df["payment_method"] == "", "payment_method"] = "missing"
    df.to_csv(HERE / "train.csv", index=False, na_rep="NaN")


if __name__ == "__main__":
    export(train())
    write_reference()
    record(HERE, REQUESTS)
