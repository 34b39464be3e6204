#!/usr/bin/env python3
"""The MLflow scoring protocol against a live `augur serve examples/loan`: MLflow's own
ScoringServerClient (pinned MLflow in .venv-mlflow) and the cases of MLflow's
tests/pyfunc/test_scoring_server.py (malformed JSON, wrong shapes, two format fields, CSV,
content types and charsets, params).

Usage: .venv-mlflow/bin/python scripts/protocols/mlflow_scoring.py HOST:PORT
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
from mlflow.pyfunc.scoring_server.client import ScoringServerClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check import case, expect, summary  # noqa: E402

HOST, PORT = sys.argv[1].rsplit(":", 1)
BASE = f"http://{HOST}:{PORT}"
FRAME = pd.DataFrame({"ApplicantIncome": [5849.0, 2583.0], "CoapplicantIncome": [0.0, 2358.0], "LoanAmount": [128.0, 120.0],
                      "Credit_History": [1, 0], "Property_Area": ["Urban", "Semiurban"]})


def post(body, content_type="application/json"):
    data = body if isinstance(body, bytes) else (body.encode() if isinstance(body, str) else json.dumps(body).encode())
    request = urllib.request.Request(BASE + "/invocations", data=data, method="POST")
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers.get("Content-Type"), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), error.read()


def own(rows):
    request = urllib.request.Request(BASE + "/loan_status", data=json.dumps(rows).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)["predictions"]


RECORDS = json.loads(FRAME.to_json(orient="records"))


@case("ScoringServerClient: ping, version, invoke a DataFrame, predictions equal the route's")
def _():
    client = ScoringServerClient(host=HOST, port=int(PORT))
    client.wait_server_ready(timeout=10)
    client.ping()
    expect(client.get_version() == "0.3.0", client.get_version())
    response = client.invoke(FRAME)
    expect(response["predictions"] == own(RECORDS), response)
    frame = response.get_predictions()
    expect(list(frame["prediction"]) == [p["prediction"] for p in own(RECORDS)], frame)


@case("dataframe_split, dataframe_records, instances, inputs (rows and columns), with and without charset")
def _():
    expected = {"predictions": own(RECORDS)}
    split = json.loads(FRAME.to_json(orient="split"))
    for body in [{"dataframe_split": split}, {"dataframe_records": RECORDS}, {"instances": RECORDS}, {"inputs": RECORDS},
                 {"inputs": {k: [r[k] for r in RECORDS] for k in RECORDS[0]}}]:
        for content_type in ["application/json", "application/json; charset=UTF-8"]:
            status, _, answer = post(body, content_type)
            expect(status == 200 and json.loads(answer) == expected, (body, answer))


@case("CSV with a header, as pandas writes it")
def _():
    status, _, answer = post(FRAME.to_csv(index=False), "text/csv")
    expect(status == 200 and json.loads(answer) == {"predictions": own(RECORDS)}, answer)
    status, _, answer = post("", "text/csv")
    expect(status == 400 and json.loads(answer)["error_code"] == "BAD_REQUEST", answer)


@case("malformed JSON, non-objects, no or two format fields, wrong shapes: 400 BAD_REQUEST")
def _():
    for body in ["this is,,,, not valid json", "1", '"1"', "[1]", '{"not": "a serialized dataframe"}',
                 '{"dataframe_records": [], "dataframe_split": {"data": []}}',
                 json.dumps({"dataframe_split": RECORDS}), json.dumps({"dataframe_records": json.loads(FRAME.to_json(orient="split"))}),
                 json.dumps({"dataframe_split": {"index": [1, 2], "data": [[1], [2], [3]]}})]:
        status, content_type, answer = post(body)
        error = json.loads(answer)
        expect(status == 400 and error["error_code"] == "BAD_REQUEST" and error["message"], (body, answer))
    status, _, answer = post('{"dataframe_split": {"columns": ["a"], "data": [[1], [2, 3]]}}')
    expect("not a valid dataframe representation" in json.loads(answer)["message"], answer)
    status, _, answer = post({"inputs": [1, 2]})
    expect(status == 400, answer)


@case("invalid values: 400 INVALID_PARAMETER_VALUE listing every problem")
def _():
    rows = [dict(RECORDS[0], ApplicantIncome=-1), dict(RECORDS[1], Property_Area="Downtown")]
    status, _, answer = post({"dataframe_records": rows})
    error = json.loads(answer)
    expect(status == 400 and error["error_code"] == "INVALID_PARAMETER_VALUE", answer)
    expect("row 0, 'ApplicantIncome'" in error["message"] and "row 1, 'Property_Area'" in error["message"], answer)


@case("content types: unsupported type, unknown parameter, non-UTF-8 charset, none: 415")
def _():
    for content_type in ["not_a_supported_content_type", "application/json; something=something", "text/csv; charset=latin-1", None,
                         "text/plain"]:
        status, _, answer = post({"dataframe_records": RECORDS}, content_type)
        expect(status == 415 and answer, (content_type, status, answer))


@case("params: ignored (no route takes them), the answer unchanged")
def _():
    status, _, answer = post({"dataframe_records": RECORDS, "params": {"k": 1}})
    expect(status == 200 and json.loads(answer) == {"predictions": own(RECORDS)}, answer)


sys.exit(summary("MLflow scoring protocol (ScoringServerClient, test_scoring_server.py cases)"))
