"""The Python Lambda function of bench/lambda.sh: bench/http_apps.py's FastAPI + onnxruntime loan
app behind Mangum, what a Python user would deploy instead of `augur build --lambda`.

    bootstrap:  exec VENV/bin/python -m awslambdaric lambda_app.handler

The function's folder (LAMBDA_TASK_ROOT, the working directory) holds this file, http_apps.py
and model.onnx (bench/lambda.py copies them there). The app is bench/http_apps.py unchanged,
with HTTP_BACKEND=onnx (an InferenceSession on examples/loan/model.onnx, 1 intra-op and 1
inter-op thread): a pydantic model of the applicant's fields, the four features computed as
examples/loan/augur.yaml does, the label and its probability. Its POST /predictions is also
mounted at POST /loan_status, the path Augur's function answers, so both get the same event.
Mangum runs without lifespan events (`lifespan="off"`), as a Lambda handler usually does.
"""

from __future__ import annotations

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
os.environ.setdefault("HTTP_BACKEND", "onnx")
os.environ.setdefault("HTTP_MODEL", str(HERE / "model.onnx"))

from mangum import Mangum  # noqa: E402

from http_apps import app, predictions  # noqa: E402

app.post("/loan_status")(predictions)
handler = Mangum(app, lifespan="off")
