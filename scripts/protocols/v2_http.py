#!/usr/bin/env python3
"""Open Inference Protocol v2 over REST, with tritonclient.http (binary tensors by default)
and the kserve SDK's REST client, against a live `augur serve` of the protocol test service
(scripts/protocols/service/: the loan route and its raw model `loan`).

Usage: .venv-protocols/bin/python scripts/protocols/v2_http.py HOST:PORT
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

import numpy as np
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check import case, expect, summary  # noqa: E402

ADDRESS = sys.argv[1]
client = httpclient.InferenceServerClient(url=ADDRESS)

ROWS = [
    {"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"},
    {"ApplicantIncome": 2583, "CoapplicantIncome": 2358, "LoanAmount": 120, "Credit_History": 0, "Property_Area": "Semiurban"},
    {"ApplicantIncome": 3000, "LoanAmount": 66, "Credit_History": 1, "Property_Area": "Rural"},
]


def own(rows):
    """The own route's answer for `rows` (a batch)."""
    request = urllib.request.Request(f"http://{ADDRESS}/loan_status", data=json.dumps(rows).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)["predictions"]


def route_inputs(rows, binary=True):
    names = ["ApplicantIncome", "CoapplicantIncome", "LoanAmount", "Credit_History", "Property_Area"]
    inputs = []
    for name in names:
        if name == "Property_Area":
            array = np.array([r[name].encode() for r in rows], dtype=np.object_)
            tensor = httpclient.InferInput(name, [len(rows)], "BYTES")
        elif name == "Credit_History":
            array = np.array([r[name] for r in rows], dtype=np.int64)
            tensor = httpclient.InferInput(name, [len(rows)], "INT64")
        else:
            array = np.array([r.get(name, 0) for r in rows], dtype=np.float64)
            tensor = httpclient.InferInput(name, [len(rows)], "FP64")
        tensor.set_data_from_numpy(array, binary_data=binary)
        inputs.append(tensor)
    return inputs


@case("server live, ready and metadata")
def _():
    expect(client.is_server_live() and client.is_server_ready())
    metadata = client.get_server_metadata()
    expect(metadata["name"] == "augur" and "binary_tensor_data" in metadata["extensions"], metadata)


@case("model ready and metadata, route and raw model")
def _():
    expect(client.is_model_ready("loan_status") and client.is_model_ready("loan"))
    route = client.get_model_metadata("loan_status")
    expect([i["name"] for i in route["inputs"]][:3] == ["ApplicantIncome", "CoapplicantIncome", "LoanAmount"], route)
    expect({o["name"]: o["datatype"] for o in route["outputs"]}["label"] == "BYTES", route)
    raw = client.get_model_metadata("loan")
    expect(raw["inputs"] == [{"name": "input", "datatype": "FP32", "shape": [-1, 4]}], raw)
    version = route["versions"][0]
    expect(client.get_model_metadata("loan_status", model_version=version)["name"] == "loan_status")
    expect(not client.is_model_ready("loan_status", model_version="no-such-version"))


def text(values):
    """BYTES elements as str (binary outputs come back as bytes, JSON ones as str)."""
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def check_route_answer(result, rows):
    expected = own(rows)
    labels = text(result.as_numpy("label"))
    expect(labels == [p["prediction"] for p in expected], (labels, expected))
    expect(result.as_numpy("class").tolist() == [p["class"] for p in expected])
    classes = text(result.as_numpy("classes"))
    probabilities = result.as_numpy("probabilities")
    for row, p in zip(probabilities, expected):
        expect([float(np.float32(p["probabilities"][c])) for c in classes] == row.tolist(), (row, p))
    expect(result.as_numpy("probability").tolist() == [float(np.float32(p["probability"])) for p in expected])


@case("route infer, binary tensors (tritonclient's default), three rows, BYTES strings")
def _():
    result = client.infer("loan_status", route_inputs(ROWS), request_id="abc")
    expect(result.get_response()["id"] == "abc")
    check_route_answer(result, ROWS)


@case("route infer, JSON tensors, one row")
def _():
    outputs = [httpclient.InferRequestedOutput(n, binary_data=False) for n in ("label", "class", "probability", "probabilities", "classes")]
    result = client.infer("loan_status", route_inputs(ROWS[:1], binary=False), outputs=outputs)
    expect(all("data" in o for o in result.get_response()["outputs"]))
    check_route_answer(result, ROWS[:1])


@case("requested outputs only, in the requested order, binary and JSON mixed")
def _():
    outputs = [httpclient.InferRequestedOutput("probabilities", binary_data=True), httpclient.InferRequestedOutput("label", binary_data=False)]
    result = client.infer("loan_status", route_inputs(ROWS), outputs=outputs)
    names = [o["name"] for o in result.get_response()["outputs"]]
    expect(names == ["probabilities", "label"], names)
    expect(text(result.as_numpy("label")) == [p["prediction"] for p in own(ROWS)])


@case("raw model infer: FP32 [N, 4] in, label and probabilities out, equal to the route's")
def _():
    codes = {"Rural": 0, "Semiurban": 1, "Urban": 2}
    features = np.array([[r["ApplicantIncome"] + r.get("CoapplicantIncome", 0), r["LoanAmount"], r["Credit_History"], codes[r["Property_Area"]]]
                         for r in ROWS], dtype=np.float32)
    tensor = httpclient.InferInput("input", list(features.shape), "FP32")
    tensor.set_data_from_numpy(features)
    result = client.infer("loan", [tensor])
    expected = own(ROWS)
    expect(result.as_numpy("output_label").tolist() == [p["class"] for p in expected])
    expect(result.as_numpy("output_probability")[:, 1].tolist() == [float(np.float32(p["probabilities"]["Approved"])) for p in expected])


def error_of(call):
    try:
        call()
    except InferenceServerException as error:
        return error
    raise AssertionError("expected an error")


@case("errors: unknown model 404, bad datatype and shape 400, validation lists every problem")
def _():
    unknown = error_of(lambda: client.infer("nope", route_inputs(ROWS)))
    expect(unknown.status() == "404" or "not served" in unknown.message(), unknown)
    wrong = httpclient.InferInput("input", [1, 4], "FP64")
    wrong.set_data_from_numpy(np.zeros((1, 4), dtype=np.float64))
    bad_type = error_of(lambda: client.infer("loan", [wrong]))
    expect("datatype FP64" in bad_type.message() and "FP32" in bad_type.message(), bad_type)
    narrow = httpclient.InferInput("input", [1, 3], "FP32")
    narrow.set_data_from_numpy(np.zeros((1, 3), dtype=np.float32))
    expect("shape [1, 3]" in error_of(lambda: client.infer("loan", [narrow])).message())
    bad_rows = [dict(ROWS[0], ApplicantIncome=-5, Property_Area="Downtown"), dict(ROWS[1], Credit_History=7)]
    invalid = error_of(lambda: client.infer("loan_status", route_inputs(bad_rows))).message()
    expect(invalid.startswith("3 problems:"), invalid)
    expect("row 0, 'ApplicantIncome'" in invalid and "row 0, 'Property_Area'" in invalid and "row 1, 'Credit_History'" in invalid, invalid)
    expect(client.is_server_live())


@case("kserve SDK REST client: v2 ready, metadata, infer")
def _():
    import asyncio

    from kserve import InferenceRESTClient, InferInput, InferRequest, RESTConfig

    async def run():
        rest = InferenceRESTClient(RESTConfig(protocol="v2", timeout=30))
        base = f"http://{ADDRESS}"
        expect(await rest.is_server_ready(base))
        expect(await rest.is_model_ready(base, "loan_status"))
        inputs = []
        for name, datatype, values in [("ApplicantIncome", "FP64", [5849.0]), ("LoanAmount", "FP64", [128.0]),
                                       ("Credit_History", "INT64", [1]), ("Property_Area", "BYTES", ["Urban"])]:
            tensor = InferInput(name=name, shape=[1], datatype=datatype)
            tensor.set_data_from_numpy(np.array(values, dtype=np.object_ if datatype == "BYTES" else None))
            inputs.append(tensor)
        response = await rest.infer(base, InferRequest(model_name="loan_status", infer_inputs=inputs), model_name="loan_status")
        label = next(o for o in response.outputs if o.name == "label")
        expect([str(x) for x in label.data] == [own(ROWS[:1])[0]["prediction"]], label.data)
        await rest.close()

    asyncio.run(run())


sys.exit(summary("V2 REST (tritonclient.http, kserve)"))
