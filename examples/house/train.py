#!/usr/bin/env python3
"""House prices: the linear model of seed 002, trained on synthetic houses.

The seed's FastAPI service feeds [square_feet, num_bedrooms, num_bathrooms] to a scikit-learn
LinearRegression "following a basic Kaggle model". This script draws 500 houses with
realistic sizes, room counts and prices (USD), fits the same model, and writes model.onnx,
requests.json and the request section of README.md. Run with the project's .venv:
scripts/make_examples.sh.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "scripts"))
from example_tools import TARGET_OPSET, finalize, record, sanity_check  # noqa: E402


def houses(n=500, seed=2):
    """Synthetic houses: (X = square_feet, num_bedrooms, num_bathrooms; y = price in USD)."""
    rng = np.random.default_rng(seed)
    square_feet = (rng.lognormal(np.log(1800), 0.4, n).clip(400, 8000) / 10).round() * 10
    bedrooms = (square_feet / 550 + rng.normal(0, 0.7, n)).round().clip(1, 7)
    bathrooms = ((bedrooms * 0.6 + rng.normal(0, 0.5, n)) * 2).round().clip(2, 10) / 2
    price = 40_000 + 165 * square_feet + 7_500 * bedrooms + 14_000 * bathrooms + rng.normal(0, 30_000, n)
    return np.column_stack([square_feet, bedrooms, bathrooms]), price.round(-2)


def train():
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import cross_val_score

    X, y = houses()
    model = LinearRegression()
    r2 = cross_val_score(model, X, y, cv=5, scoring="r2").mean()
    model.fit(X, y)
    coef = ", ".join(f"{c:,.0f}" for c in model.coef_)
    print(f"house: {len(y)} houses, median price {np.median(y):,.0f} USD, R² {r2:.2f}; coefficients {coef}, "
          f"intercept {model.intercept_:,.0f}")
    return model


def export(model):
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    onx = convert_sklearn(model, initial_types=[("input", FloatTensorType([None, 3]))], target_opset=TARGET_OPSET)
    size = finalize(onx, "house", HERE)
    rows = np.array([[1800, 3, 2], [950, 2, 1], [3400, 5, 3.5]], dtype=np.float32)
    sanity_check(HERE, {"input": rows}, model.predict(rows).reshape(-1, 1), output=0)
    print(f"house: model.onnx {size} bytes")


REQUESTS = [
    {"name": "single", "title": "One house (POST an object)", "method": "POST", "path": "/house_price",
     "body": {"square_feet": 1800, "num_bedrooms": 3, "num_bathrooms": 2}, "status": 200},
    {"name": "batch", "title": "Several houses (POST {\"instances\": [...]})", "method": "POST", "path": "/house_price",
     "body": {"instances": [
         {"square_feet": 950, "num_bedrooms": 2, "num_bathrooms": 1},
         {"square_feet": 2400, "num_bedrooms": 4, "num_bathrooms": 2.5},
         {"square_feet": 3400, "num_bedrooms": 5, "num_bathrooms": 3.5},
     ]},
     "status": 200},
    {"name": "query", "title": "One house as a query string (GET)", "method": "GET",
     "path": "/house_price?square_feet=1250&num_bedrooms=2&num_bathrooms=1.5", "status": 200},
    {"name": "invalid", "title": "Wrong types and ranges (422)", "method": "POST", "path": "/house_price",
     "body": {"square_feet": 0, "num_bedrooms": 2.5, "num_bathrooms": "two"},
     "status": 422,
     "issues": [("greater_than", ["body", "square_feet"]), ("int_from_float", ["body", "num_bedrooms"]),
                ("float_type", ["body", "num_bathrooms"])]},
    {"name": "rule", "title": "Bathrooms not in half steps, and too many bedrooms for the size (422, rules)",
     "method": "POST", "path": "/house_price",
     "body": {"square_feet": 300, "num_bedrooms": 6, "num_bathrooms": 1.3},
     "status": 422,
     "issues": [("rule_failed", ["body", "num_bathrooms"]), ("rule_failed", ["body", "square_feet"])]},
]


if __name__ == "__main__":
    export(train())
    record(HERE, REQUESTS)
