#!/usr/bin/env python3
"""server.auth with the real clients against a live `augur serve` whose configuration has
`server.auth` and `server.cors`: tritonclient.http and tritonclient.grpc (headers= as
metadata), MLflow's error shape, probes open, a CORS preflight answered before authentication.

Usage: .venv-protocols/bin/python scripts/protocols/auth.py HTTP_HOST:PORT GRPC_HOST:PORT KEY ORIGIN
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check import case, expect, summary  # noqa: E402

HTTP, GRPC, KEY, ORIGIN = sys.argv[1:5]
ROW = {"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}


def call(path, body=None, headers=None, method=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://{HTTP}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def status_of(function):
    try:
        function()
        return "OK"
    except InferenceServerException as error:
        return str(error.status())


@case("own route: 401 with WWW-Authenticate, 403, then served with either header")
def _():
    status, headers, body = call("/loan_status", ROW)
    expect(status == 401 and headers.get("WWW-Authenticate") == "Bearer", (status, headers))
    expect(json.loads(body)["detail"][0]["type"] == "unauthorized")
    expect(call("/loan_status", ROW, {"Authorization": "Bearer wrong-key-0123456789"})[0] == 403)
    for headers in [{"Authorization": f"Bearer {KEY}"}, {"X-API-Key": KEY}]:
        status, _, body = call("/loan_status", ROW, headers)
        expect(status == 200 and json.loads(body)["prediction"] == "Approved", (status, body))


@case("probes and docs open")
def _():
    for path in ["/healthz", "/livez", "/readyz", "/v2/health/live", "/v2/health/ready", "/ping", "/health", "/openapi.json", "/docs"]:
        expect(call(path)[0] == 200, path)
    document = json.loads(call("/openapi.json")[2])
    expect(set(document["components"]["securitySchemes"]) == {"bearerAuth", "apiKeyHeader"})


@case("V2 REST (tritonclient.http): headers= carries the key")
def _():
    client = httpclient.InferenceServerClient(url=HTTP)
    expect(client.is_server_live() and client.is_server_ready())
    expect(status_of(lambda: client.get_model_metadata("loan_status")) == "401")
    expect(status_of(lambda: client.get_model_metadata("loan_status", headers={"Authorization": "Bearer wrong-key-0123456789"})) == "403")
    expect(client.get_model_metadata("loan_status", headers={"Authorization": f"Bearer {KEY}"})["name"] == "loan_status")


@case("V2 gRPC (tritonclient.grpc): metadata authorization / x-api-key")
def _():
    client = grpcclient.InferenceServerClient(url=GRPC)
    expect(client.is_server_live() and client.is_server_ready())
    expect(status_of(lambda: client.get_model_metadata("loan_status")) == "StatusCode.UNAUTHENTICATED")
    expect(status_of(lambda: client.get_model_metadata("loan_status", headers={"x-api-key": "wrong-key-0123456789"})) == "StatusCode.PERMISSION_DENIED")
    for headers in [{"authorization": f"Bearer {KEY}"}, {"x-api-key": KEY}]:
        expect(client.get_model_metadata("loan_status", headers=headers).name == "loan_status")


@case("MLflow and KServe v1 refuse in their own shapes")
def _():
    status, _, body = call("/invocations", {"dataframe_records": [ROW]})
    expect(status == 401 and json.loads(body)["error_code"] == "UNAUTHENTICATED", body)
    status, _, body = call("/v1/models/loan_status:predict", {"instances": [ROW]}, {"X-API-Key": "wrong-key-0123456789"})
    expect(status == 403 and "error" in json.loads(body), body)
    expect(call("/invocations", {"dataframe_records": [ROW]}, {"X-API-Key": KEY})[0] == 200)


@case("CORS: preflight answered without a key; refusals readable by the page")
def _():
    status, headers, _ = call("/loan_status", method="OPTIONS", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type, authorization"})
    expect(status == 204 and headers.get("Access-Control-Allow-Origin") == ORIGIN, (status, headers))
    status, headers, _ = call("/loan_status", ROW, {"Origin": ORIGIN})
    expect(status == 401 and headers.get("Access-Control-Allow-Origin") == ORIGIN, (status, headers))
    status, _, _ = call("/loan_status", method="OPTIONS", headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"})
    expect(status == 400)


sys.exit(summary("server.auth and server.cors (tritonclient.http, tritonclient.grpc)"))
