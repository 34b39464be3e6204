#!/usr/bin/env python3
"""Open Inference Protocol v2 over gRPC with tritonclient.grpc (raw_input_contents in,
raw_output_contents out) against a live `augur serve examples/loan --grpc-port P`; the
answers must equal the REST route's. (tritonclient.grpc and kserve cannot share a process.)

Usage: .venv-protocols/bin/python scripts/protocols/v2_grpc.py HTTP_HOST:PORT GRPC_HOST:PORT
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

import numpy as np
import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check import case, expect, summary  # noqa: E402

HTTP, GRPC = sys.argv[1], sys.argv[2]
client = grpcclient.InferenceServerClient(url=GRPC)
ROWS = [
    {"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"},
    {"ApplicantIncome": 2583, "CoapplicantIncome": 2358, "LoanAmount": 120, "Credit_History": 0, "Property_Area": "Semiurban"},
]


def own(rows):
    request = urllib.request.Request(f"http://{HTTP}/loan_status", data=json.dumps(rows).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)["predictions"]


def route_inputs(rows):
    inputs = []
    for name, datatype in [("ApplicantIncome", "FP64"), ("CoapplicantIncome", "FP64"), ("LoanAmount", "FP64"),
                           ("Credit_History", "INT64"), ("Property_Area", "BYTES")]:
        values = [r.get(name, 0) for r in rows]
        array = np.array([v.encode() for v in values], dtype=np.object_) if datatype == "BYTES" else \
            np.array(values, dtype=np.int64 if datatype == "INT64" else np.float64)
        tensor = grpcclient.InferInput(name, [len(rows)], datatype)
        tensor.set_data_from_numpy(array)
        inputs.append(tensor)
    return inputs


def expected_rows():
    return own([{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"},
                {"ApplicantIncome": 4941, "LoanAmount": 120, "Credit_History": 0, "Property_Area": "Semiurban"}])


def bad_input():
    tensor = grpcclient.InferInput("input", [1, 4], "FP64")
    tensor.set_data_from_numpy(np.zeros((1, 4), dtype=np.float64))
    return tensor


@case("live, ready, server and model metadata")
def _():
    expect(client.is_server_live() and client.is_server_ready())
    expect(client.get_server_metadata().name == "augur")
    expect(client.is_model_ready("loan_status") and client.is_model_ready("loan") and not client.is_model_ready("nope"))
    metadata = client.get_model_metadata("loan")
    expect([(i.name, i.datatype, list(i.shape)) for i in metadata.inputs] == [("input", "FP32", [-1, 4])], metadata)


@case("route infer: the REST route's labels, classes and probabilities")
def _():
    result = client.infer("loan_status", route_inputs(ROWS), request_id="g1")
    expected = own(ROWS)
    expect(result.get_response().id == "g1")
    expect([b.decode() for b in result.as_numpy("label")] == [p["prediction"] for p in expected])
    expect(result.as_numpy("class").tolist() == [p["class"] for p in expected])
    expect(result.as_numpy("probability").tolist() == [float(np.float32(p["probability"])) for p in expected])


@case("requested outputs, raw model, errors, server alive")
def _():
    result = client.infer("loan_status", route_inputs(ROWS), outputs=[grpcclient.InferRequestedOutput("probabilities")])
    expect([o.name for o in result.get_response().outputs] == ["probabilities"])
    expect(result.as_numpy("probabilities").shape == (2, 2))
    features = np.array([[5849, 128, 1, 2], [4941, 120, 0, 1]], dtype=np.float32)
    raw = grpcclient.InferInput("input", [2, 4], "FP32")
    raw.set_data_from_numpy(features)
    expect(client.infer("loan", [raw]).as_numpy("output_label").tolist() == [p["class"] for p in expected_rows()])
    for call, status in [(lambda: client.infer("nope", [raw]), "NOT_FOUND"),
                         (lambda: client.infer("loan", [bad_input()]), "INVALID_ARGUMENT"),
                         (lambda: client.infer("loan_status", route_inputs([dict(ROWS[0], ApplicantIncome=-1)])), "INVALID_ARGUMENT")]:
        try:
            call()
            raise AssertionError("expected an error")
        except InferenceServerException as error:
            expect(status in str(error.status()), (error.status(), error.message()))
    expect(client.is_server_live())


sys.exit(summary("V2 gRPC (tritonclient.grpc)"))
