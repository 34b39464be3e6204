#!/usr/bin/env python3
"""Loan approval: the random forest of seed 001, trained on synthetic applicants.

The seed's model (a FastAPI service on AWS Lambda) is a RandomForestClassifier with 25 trees
of depth at most 7 on four columns of the Kaggle loan-prediction data set:

    TotalIncome     ApplicantIncome + CoapplicantIncome (USD per month)
    LoanAmount      thousands of USD
    Credit_History  1 if the credit history meets the guidelines, else 0
    Property_Area   Rural = 0, Semiurban = 1, Urban = 2 (LabelEncoder order)

The data set is not redistributable here, so this script draws 614 applicants (its size)
whose incomes, amounts, credit histories, areas and approval rates look like it: about 71%
approved, few of those without a credit history. Writes model.onnx, requests.json and the
request section of README.md. Run with the project's .venv: scripts/make_examples.sh.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "scripts"))
from example_tools import TARGET_OPSET, finalize, record, sanity_check  # noqa: E402

AREAS = ["Rural", "Semiurban", "Urban"]  # codes 0, 1, 2


def applicants(n=614, seed=1):
    """Synthetic applicants: (X with the model's four columns, y approved 0/1)."""
    rng = np.random.default_rng(seed)
    applicant = rng.lognormal(np.log(3800), 0.55, n).clip(150, 81000).round()
    coapplicant = np.where(rng.random(n) < 0.45, 0.0, rng.lognormal(np.log(1800), 0.6, n).round())
    total = applicant + coapplicant
    amount = (20 + 0.021 * total * rng.lognormal(0, 0.3, n)).clip(9, 700).round()
    credit = (rng.random(n) < 0.84).astype(float)
    area = rng.choice(3, n, p=[0.29, 0.38, 0.33]).astype(float)
    years_of_income = amount * 1000 / (total * 12)
    logit = (-2.0 + 3.6 * credit + 0.5 * (area == 1) - 0.2 * (area == 0)
             + 0.8 * np.log(total / 5000) - 0.6 * (years_of_income - 2))
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    return np.column_stack([total, amount, credit, area]), y


def train():
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import cross_val_score

    X, y = applicants()
    model = RandomForestClassifier(n_estimators=25, min_samples_split=25, max_depth=7, max_features=1,
                                   random_state=0, n_jobs=1)
    accuracy = cross_val_score(model, X, y, cv=5).mean()
    model.fit(X, y)
    print(f"loan: {len(y)} applicants, {y.mean():.0%} approved, cross-validated accuracy {accuracy:.1%}")
    return model


def export(model):
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    onx = convert_sklearn(model, initial_types=[("input", FloatTensorType([None, 4]))], target_opset=TARGET_OPSET)
    size = finalize(onx, "loan", HERE)
    rows = np.array([[5849, 128, 1, 2], [6091, 128, 1, 0], [3000, 66, 0, 2]], dtype=np.float32)
    sanity_check(HERE, {"input": rows}, model.predict_proba(rows), output=1)
    print(f"loan: model.onnx {size} bytes")


REQUESTS = [
    {"name": "single", "title": "One application (POST an object)", "method": "POST", "path": "/loan_status",
     "body": {"ApplicantIncome": 5849, "CoapplicantIncome": 0, "LoanAmount": 128, "Loan_Amount_Term": 360,
              "Credit_History": 1, "Property_Area": "Urban"},
     "status": 200},
    {"name": "batch", "title": "Several applications (POST an array)", "method": "POST", "path": "/loan_status",
     "body": [
         {"ApplicantIncome": 4583, "CoapplicantIncome": 1508, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Rural"},
         {"ApplicantIncome": 2583, "CoapplicantIncome": 2358, "LoanAmount": 120, "Credit_History": 0, "Property_Area": "Urban"},
         {"ApplicantIncome": 3036, "CoapplicantIncome": 2504, "LoanAmount": 158, "Loan_Amount_Term": 360,
          "Credit_History": 1, "Property_Area": "Semiurban"},
     ],
     "status": 200},
    {"name": "query", "title": "One application as a query string (GET)", "method": "GET",
     "path": "/loan_status?ApplicantIncome=3000&LoanAmount=66&Credit_History=1&Property_Area=Semiurban",
     "status": 200},
    {"name": "invalid", "title": "Every problem at once (422)", "method": "POST", "path": "/loan_status",
     "body": {"ApplicantIncome": -100, "LoanAmount": 0, "Credit_History": 2, "Property_Area": "Downtown", "Gender": "Male"},
     "status": 422,
     "issues": [("greater_than_equal", ["body", "ApplicantIncome"]), ("greater_than", ["body", "LoanAmount"]),
                ("enum", ["body", "Credit_History"]), ("enum", ["body", "Property_Area"]),
                ("extra_forbidden", ["body", "Gender"])]},
    {"name": "rule", "title": "A loan too large for the income (422, rule)", "method": "POST", "path": "/loan_status",
     "body": {"ApplicantIncome": 2000, "LoanAmount": 250, "Credit_History": 1, "Property_Area": "Urban"},
     "status": 422, "issues": [("rule_failed", ["body", "LoanAmount"])]},
    {"name": "batch_invalid_row", "title": "A batch with one bad row (422, row index in loc)", "method": "POST",
     "path": "/loan_status",
     "body": [
         {"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"},
         {"ApplicantIncome": 4583, "LoanAmount": 128, "Loan_Amount_Term": 6, "Credit_History": 1},
     ],
     "status": 422,
     "issues": [("greater_than_equal", ["body", 1, "Loan_Amount_Term"]),
                ("missing", ["body", 1, "Property_Area"])]},
]


def write_reference():
    """train.csv: the training rows in the model's input columns, the reference data
    explanations count node covers on (`reference:` in augur.yaml)."""
    X, _ = applicants()
    header = ["TotalIncome", "LoanAmount", "Credit_History", "Property_Area"]
    np.savetxt(HERE / "train.csv", X, delimiter=",", header=",".join(header), comments="", fmt="%.10g")


if __name__ == "__main__":
    export(train())
    write_reference()
    record(HERE, REQUESTS)
