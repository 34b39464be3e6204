"""The BentoML stack of bench/run.sh: the pickled scikit-learn loan forest behind BentoML.

    HTTP_MODEL=bench/work/loan.pkl bentoml serve bench.http_bento:Loan --port N

POST /predictions takes the same body as the FastAPI stacks and Augur's /loan_status.
"""

from __future__ import annotations

import os
import pickle

import bentoml
import numpy as np

AREAS = {"Rural": 0.0, "Semiurban": 1.0, "Urban": 2.0}
LABELS = {0: "Not approved", 1: "Approved"}


@bentoml.service(workers=1, logging={"access": {"enabled": False}})  # no access log, as the others
class Loan:
    def __init__(self) -> None:
        with open(os.environ["HTTP_MODEL"], "rb") as f:
            self.model = pickle.load(f)

    @bentoml.api
    def predictions(self, ApplicantIncome: float, LoanAmount: float, Credit_History: int, Property_Area: str,
                    CoapplicantIncome: float = 0, Loan_Amount_Term: int = 360) -> dict:
        row = [ApplicantIncome + CoapplicantIncome, LoanAmount, float(Credit_History), AREAS[Property_Area]]
        p = self.model.predict_proba(np.array([row]))[0]
        label = int(p[1] >= 0.5)
        return {"prediction": LABELS[label], "probability": float(p[label])}
