#!/usr/bin/env python3
"""Loan approval with a support vector machine: the story of examples/loan, another model.

The same 614 synthetic applicants as examples/loan (its `applicants()`, imported from
examples/loan/train.py, not copied) and the same four model columns (TotalIncome, LoanAmount,
Credit_History, Property_Area code), but a scikit-learn Pipeline of a StandardScaler and an
SVC with an RBF kernel (C = 1, gamma = "scale") and Platt-scaled probabilities
(probability=True) instead of the random forest. skl2onnx exports it as Scaler →
SVMClassifier → ZipMap. Writes model.onnx, requests.json and the request section of
README.md. Run with the project's .venv: scripts/make_examples.sh.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "scripts"))
from example_tools import TARGET_OPSET, finalize, record, sanity_check  # noqa: E402


def loan_example():
    """examples/loan/train.py as a module (its folder name is not a package; nothing runs on import)."""
    spec = importlib.util.spec_from_file_location("loan_train", HERE.parent / "loan" / "train.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def train():
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    X, y = loan_example().applicants()
    model = Pipeline([("scale", StandardScaler()),
                      ("svc", SVC(kernel="rbf", C=1.0, gamma="scale", probability=True, random_state=0))])
    accuracy = cross_val_score(model, X, y, cv=5).mean()
    model.fit(X, y)
    svc = model.named_steps["svc"]
    print(f"loan-svm: {len(y)} applicants, {y.mean():.0%} approved, cross-validated accuracy {accuracy:.1%}, "
          f"{len(svc.support_)} support vectors ({svc.n_support_[0]} refused, {svc.n_support_[1]} approved)")
    return model


def export(model):
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    onx = convert_sklearn(model, initial_types=[("input", FloatTensorType([None, 4]))], target_opset=TARGET_OPSET)
    size = finalize(onx, "loan_svm", HERE)
    rows = np.array([[5849, 128, 1, 2], [6091, 128, 1, 0], [3000, 66, 0, 2]], dtype=np.float32)
    sanity_check(HERE, {"input": rows}, model.predict_proba(rows), output=1)
    print(f"loan-svm: model.onnx {size} bytes")


# The loan example's requests (the same route), and the answer an SVM gives to /explain.
REQUESTS = [r for r in loan_example().REQUESTS if r["name"] in ("single", "batch", "query", "invalid", "rule")] + [
    {"name": "explain", "title": "No explanations for a support vector machine (404)", "method": "POST",
     "path": "/loan_status/explain",
     "body": {"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"},
     "status": 404, "issues": [("explanation_unavailable", [])]},
]


if __name__ == "__main__":
    export(train())
    record(HERE, REQUESTS)
