#!/usr/bin/env python3
"""GET /metrics read by Prometheus's own Python parser (prometheus_client.parser) after known
traffic: the counts must be exact.

  scripts/metrics/check.py AUGUR_BINARY        (run with .venv-protocols/bin/python)
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import tritonclient.grpc as grpcclient
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
GOOD = {"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}
sys.path.insert(0, str(ROOT / "scripts"))
from checklib import call, check, finish, free_port  # noqa: E402




def samples(text):
    """{(name, frozenset(labels)): value} for every sample."""
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return out


V2_ROUTE = {"inputs": [
    {"name": "ApplicantIncome", "datatype": "FP64", "shape": [2], "data": [5849, 4583]},
    {"name": "LoanAmount", "datatype": "FP64", "shape": [2], "data": [128, 128]},
    {"name": "Credit_History", "datatype": "INT64", "shape": [2], "data": [1, 1]},
    {"name": "Property_Area", "datatype": "BYTES", "shape": [2], "data": ["Urban", "Rural"]}]}
V2_RAW = {"inputs": [{"name": "input", "datatype": "FP32", "shape": [4, 4], "data": [5849, 128, 1, 2] * 4}]}


def grpc_rows(port, count):
    """A V2 gRPC infer of `count` rows on the loan_status route (tritonclient)."""
    client = grpcclient.InferenceServerClient(f"127.0.0.1:{port}")
    inputs = []
    for name, datatype, values in [("ApplicantIncome", "FP64", [5849.0] * count), ("LoanAmount", "FP64", [128.0] * count),
                                   ("Credit_History", "INT64", [1] * count), ("Property_Area", "BYTES", [b"Urban"] * count)]:
        tensor = grpcclient.InferInput(name, [count], datatype)
        tensor.set_data_from_numpy(np.array(values, dtype=np.object_ if datatype == "BYTES" else
                                            (np.int64 if datatype == "INT64" else np.float64)))
        inputs.append(tensor)
    client.infer("loan_status", inputs)
    client.close()


def value(table, name, **labels):
    return table.get((name, frozenset(labels.items())))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    augur = str(Path(sys.argv[1]).resolve())
    port, grpc_port = free_port(), free_port()
    log = open(Path(tempfile.mkdtemp(prefix="augur-metrics-")) / "serve.log", "w+")
    server = subprocess.Popen([augur, "serve", str(ROOT / "examples" / "loan"), "--port", str(port), "--reload-interval", "0",
                               "--grpc-port", str(grpc_port)],
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for _ in range(200):
            try:
                if call(port, "/readyz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        statuses = [call(port, "/loan_status", GOOD)[0] for _ in range(5)]
        statuses.append(call(port, "/loan_status", [GOOD, GOOD, GOOD])[0])
        statuses.append(call(port, "/loan_status", {"ApplicantIncome": -5, "LoanAmount": "lots"})[0])
        statuses.append(call(port, "/nowhere")[0])
        statuses.append(call(port, "/v1/models/loan_status:predict", {"instances": [GOOD, GOOD]})[0])
        statuses.append(call(port, "/v2/models/loan_status/infer", V2_ROUTE)[0])
        statuses.append(call(port, "/v2/models/loan/infer", V2_RAW)[0])
        check("the traffic answered as expected", statuses == [200] * 6 + [422, 404, 200, 200, 200], statuses)
        grpc_rows(grpc_port, 3)
        status, body = call(port, "/metrics")
        text = body.decode()
        check("GET /metrics answers 200", status == 200, text[:500])
        table = samples(text)
        check("Prometheus's parser reads it", len(table) > 20, text[:500])
        check("requests by endpoint, method and status: 6 × 200 and 1 × 422 on /loan_status",
              value(table, "augur_http_requests_total", endpoint="loan_status", method="POST", status="200") == 6
              and value(table, "augur_http_requests_total", endpoint="loan_status", method="POST", status="422") == 1,
              {k: v for k, v in table.items() if k[0] == "augur_http_requests_total"})
        check("a path that is no endpoint counts as 'other' (the label set stays bounded)",
              value(table, "augur_http_requests_total", endpoint="other", method="GET", status="404") == 1)
        check("the duration histogram counted the 7 route requests",
              value(table, "augur_http_request_duration_seconds_count", endpoint="loan_status") == 7
              and value(table, "augur_http_request_duration_seconds_bucket", endpoint="loan_status", le="+Inf") == 7)
        errors = {dict(k[1])["type"]: v for k, v in table.items() if k[0] == "augur_http_errors_total" and dict(k[1]).get("endpoint") == "loan_status"}
        check("errors by type: the 422's problems, each once", errors.get("greater_than_equal") == 1 and errors.get("float_type") == 1
              and errors.get("missing") == 2, errors)
        rows = [v for k, v in table.items() if k[0] == "augur_rows_predicted_total" and dict(k[1]).get("route") == "loan_status"]
        check("rows predicted on the route: 5 single + a batch of 3 + 2 through KServe v1 + 2 through V2 REST + 3 through V2 gRPC = 15",
              rows == [15], rows)
        raw = [(dict(k[1]), v) for k, v in table.items() if k[0] == "augur_rows_predicted_total" and dict(k[1]).get("route") == ""]
        check("rows predicted through the raw V2 model 'loan': 4, under an empty route and the model's name",
              len(raw) == 1 and raw[0][1] == 4 and raw[0][0].get("model_name") == "loan", raw)
        info = [dict(k[1]) for k, v in table.items() if k[0] == "augur_model_info" and v == 1]
        check("augur_model_info names the model, its version and sha256", len(info) == 1 and info[0].get("model") == "loan"
              and len(info[0].get("sha256", "")) == 64, info)
        check("process metrics", (value(table, "process_resident_memory_bytes") or 0) > 1e6
              and (value(table, "process_open_fds") or 0) > 3 and abs((value(table, "process_start_time_seconds") or 0) - time.time()) < 600,
              [k for k in table if k[0].startswith("process_")])
        check("in flight: the scrape itself", value(table, "augur_http_requests_in_flight") == 1)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)

    # --metrics-port: /metrics alone on its own port, not on the API's.
    port, metrics_port = free_port(), free_port()
    server = subprocess.Popen([augur, "serve", str(ROOT / "examples" / "loan"), "--port", str(port), "--metrics-port", str(metrics_port)],
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for _ in range(200):
            try:
                if call(port, "/readyz")[0] == 200 and call(metrics_port, "/metrics")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        call(port, "/loan_status", GOOD)
        status, body = call(metrics_port, "/metrics")
        table = samples(body.decode()) if status == 200 else {}
        check("--metrics-port: /metrics answers there, counting the API's requests",
              value(table, "augur_http_requests_total", endpoint="loan_status", method="POST", status="200") == 1, body[:300])
        check("--metrics-port: the API's port has no /metrics, the metrics port nothing else",
              call(port, "/metrics")[0] == 404 and call(metrics_port, "/loan_status", GOOD)[0] == 404)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)
    finish("metrics checks")


if __name__ == "__main__":
    main()
