"""The FastAPI stacks of bench/run.sh: the seeds' canonical loan app, two back ends.

    HTTP_BACKEND=sklearn HTTP_MODEL=bench/work/loan.pkl  uvicorn bench.http_apps:app
    HTTP_BACKEND=onnx    HTTP_MODEL=examples/loan/model.onnx uvicorn bench.http_apps:app

POST /predictions takes the applicant's fields (the body Augur's /loan_status takes), computes
the model's four columns as examples/loan/augur.yaml does (TotalIncome, LoanAmount,
Credit_History, Property_Area code) and answers the label and its probability.
"""

from __future__ import annotations

import os
import pickle
from typing import Literal

import numpy as np
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

AREAS = {"Rural": 0.0, "Semiurban": 1.0, "Urban": 2.0}
LABELS = {0: "Not approved", 1: "Approved"}


class Applicant(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ApplicantIncome: float = Field(ge=0)
    CoapplicantIncome: float = Field(default=0, ge=0)
    LoanAmount: float = Field(gt=0)
    Loan_Amount_Term: int = Field(default=360, ge=12, le=480)
    Credit_History: Literal[0, 1]
    Property_Area: Literal["Urban", "Semiurban", "Rural"]


class Prediction(BaseModel):
    prediction: str
    probability: float


def features(a: Applicant) -> list[float]:
    return [a.ApplicantIncome + a.CoapplicantIncome, a.LoanAmount, float(a.Credit_History), AREAS[a.Property_Area]]


def sklearn_predictor(path: str):
    with open(path, "rb") as f:
        model = pickle.load(f)

    def predict(row: list[float]) -> tuple[int, float]:
        p = model.predict_proba(np.array([row]))[0]
        label = int(p[1] >= 0.5)
        return label, float(p[label])

    return predict


def onnx_predictor(path: str):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])

    def predict(row: list[float]) -> tuple[int, float]:
        label, probabilities = session.run(None, {"input": np.array([row], dtype=np.float32)})
        k = int(label[0])
        return k, float(probabilities[0][k])

    return predict


BACKEND = os.environ.get("HTTP_BACKEND", "sklearn")
PREDICT = (onnx_predictor if BACKEND == "onnx" else sklearn_predictor)(os.environ["HTTP_MODEL"])
app = FastAPI(title=f"loan ({BACKEND})")


@app.post("/predictions")
def predictions(applicant: Applicant) -> Prediction:
    label, probability = PREDICT(features(applicant))
    return Prediction(prediction=LABELS[label], probability=probability)
