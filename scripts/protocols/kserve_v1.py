#!/usr/bin/env python3
"""KServe v1 against a live `augur serve examples/loan`: the kserve SDK's REST client (v1)
and the cases of kserve's python/kserve/test/test_server.py in plain HTTP.

Usage: .venv-protocols/bin/python scripts/protocols/kserve_v1.py HOST:PORT
"""

from __future__ import annotations

import asyncio
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check import case, expect, summary  # noqa: E402

BASE = f"http://{sys.argv[1]}"
ROW = {"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}


def http(method, path, body=None, content_type="application/json"):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None and content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def own(rows):
    status, body = http("POST", "/loan_status", rows)
    expect(status == 200, body)
    return json.loads(body)["predictions"]


@case("list models, model ready, unknown model 404")
def _():
    expect(http("GET", "/v1/models") == (200, b'{"models":["loan_status"]}'))
    expect(http("GET", "/v1/models/loan_status") == (200, b'{"name":"loan_status","ready":true}'))
    status, body = http("GET", "/v1/models/InvalidModel")
    expect(status == 404 and json.loads(body) == {"error": "Model with name InvalidModel does not exist."}, body)


@case("predict with instances and with inputs: the route's rows, compact JSON")
def _():
    status, body = http("POST", "/v1/models/loan_status:predict", {"instances": [ROW, dict(ROW, Credit_History=0)]})
    expect(status == 200 and json.loads(body) == {"predictions": own([ROW, dict(ROW, Credit_History=0)])}, body)
    expect(b": " not in body and b", " not in body)
    status, body = http("POST", "/v1/models/loan_status:predict", {"inputs": [ROW], "instances": "ignored"})
    expect(status == 200 and json.loads(body)["predictions"] == own([ROW]), body)


@case("errors: bad JSON, instances not a list, missing key, invalid rows (every problem), unknown model, wrong method")
def _():
    status, body = http("POST", "/v1/models/loan_status:predict", b"{nope")
    expect(status == 400 and json.loads(body)["error"].startswith("Unrecognized request format"), body)
    status, body = http("POST", "/v1/models/loan_status:predict", {"instances": {"a": 1}})
    expect(status == 400 and "Expected 'instances' to be a list" in json.loads(body)["error"], body)
    status, body = http("POST", "/v1/models/loan_status:predict", {"rows": []})
    expect(status == 400 and "instances" in json.loads(body)["error"], body)
    status, body = http("POST", "/v1/models/loan_status:predict", {"instances": [dict(ROW, ApplicantIncome=-1), dict(ROW, Property_Area="X")]})
    message = json.loads(body)["error"]
    expect(status == 400 and message.startswith("2 problems:") and "row 0, 'ApplicantIncome'" in message and "row 1, 'Property_Area'" in message, body)
    expect(http("POST", "/v1/models/nope:predict", {"instances": [ROW]})[0] == 404)
    expect(http("GET", "/v1/models/loan_status:predict")[0] == 404)
    expect(http("GET", "/v1/models/loan_status")[0] == 200)


@case("kserve SDK REST client, protocol v1")
def _():
    from kserve import InferenceRESTClient, RESTConfig

    async def run():
        client = InferenceRESTClient(RESTConfig(protocol="v1", timeout=30))
        expect(await client.is_model_ready(BASE, "loan_status"))
        response = await client.infer(BASE, {"instances": [ROW]}, model_name="loan_status")
        expect(response["predictions"] == own([ROW]), response)
        await client.close()

    asyncio.run(run())


sys.exit(summary("KServe v1 (kserve SDK, test_server.py cases)"))
