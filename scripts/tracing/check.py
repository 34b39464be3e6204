#!/usr/bin/env python3
"""Spans exported over OTLP/HTTP, received by a real OTLP receiver: a minimal collector built on
the `opentelemetry-proto` package's ExportTraceService messages, started here.

  scripts/tracing/check.py AUGUR_BINARY        (run with .venv-protocols/bin/python)

Checks, on the loan example served with --otlp-endpoint: a request with a caller's `traceparent`
continues that trace (same trace id, the server span's parent is the caller's span, the response
and the JSON access log name the server span); a request without one starts a trace; a route's
stages (decode, features, inference, encode) are children of the server span, in order and within
it; a 422 has a decode span and nothing after it; a batched route's inference span carries the
batch; the resource names the service; spans still queued are flushed on SIGTERM.
"""
import gzip
import http.server
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from checklib import check, finish, free_port  # noqa: E402

GOOD = {"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}
CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"


class Collector:
    """An OTLP/HTTP receiver: POST /v1/traces with a protobuf ExportTraceServiceRequest, answered
    with an ExportTraceServiceResponse. Keeps every span with its resource's attributes."""

    def __init__(self):
        self.spans = []
        self.requests = []
        self.lock = threading.Lock()
        collector = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                with collector.lock:
                    collector.requests.append((self.path, self.headers.get("Content-Type")))
                if self.path != "/v1/traces":
                    self.send_response(404)
                    self.end_headers()
                    return
                export = trace_service_pb2.ExportTraceServiceRequest()
                export.ParseFromString(body)
                with collector.lock:
                    for resource_spans in export.resource_spans:
                        resource = {a.key: value_of(a.value) for a in resource_spans.resource.attributes}
                        for scope_spans in resource_spans.scope_spans:
                            for span in scope_spans.spans:
                                collector.spans.append((resource, span))
                answer = trace_service_pb2.ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, predicate, seconds=10):
        deadline = time.time() + seconds
        while time.time() < deadline:
            with self.lock:
                spans = list(self.spans)
            if predicate(spans):
                return spans
            time.sleep(0.05)
        with self.lock:
            return list(self.spans)


def value_of(any_value):
    kind = any_value.WhichOneof("value")
    return getattr(any_value, kind) if kind else None


def attributes(span):
    return {a.key: value_of(a.value) for a in span.attributes}


def request(port, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data,
                                 headers={**({"Content-Type": "application/json"} if data else {}), **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def serve(augur, folder, port, endpoint, log, env=None):
    server = subprocess.Popen([augur, "serve", str(folder), "--port", str(port), "--reload-interval", "0",
                               "--otlp-endpoint", endpoint, "--log-format", "json"],
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                              env={**os.environ, **(env or {})})
    for _ in range(300):
        try:
            if request(port, "/readyz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.05)
    raise SystemExit("augur serve did not start:\n" + Path(log.name).read_text()[-2000:])


def by_id(spans):
    return {s.span_id.hex(): s for _, s in spans}


def children(spans, parent):
    return sorted([s for _, s in spans if s.parent_span_id == parent.span_id], key=lambda s: s.start_time_unix_nano)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    augur = str(Path(sys.argv[1]).resolve())
    work = Path(tempfile.mkdtemp(prefix="augur-tracing-"))
    collector = Collector()
    endpoint = f"http://127.0.0.1:{collector.port}"
    log = open(work / "serve.log", "w+")
    port = free_port()
    # Export every 100 ms, so the check does not wait the default 5 s.
    server = serve(augur, ROOT / "examples" / "loan", port, endpoint, log, {"OTEL_BSP_SCHEDULE_DELAY": "100"})
    try:
        status, headers, _ = request(port, "/loan_status", GOOD,
                                     {"traceparent": f"00-{CALLER_TRACE}-{CALLER_SPAN}-01", "tracestate": "vendor=abc"})
        check("a traced request answers 200", status == 200, status)
        answered = headers.get("traceparent", "")
        parts = answered.split("-")
        check("the response's traceparent continues the caller's trace with the server's own span",
              len(parts) == 4 and parts[1] == CALLER_TRACE and parts[2] != CALLER_SPAN and parts[3] == "01", answered)
        server_span_id = parts[2] if len(parts) == 4 else ""
        status, fresh_headers, _ = request(port, "/loan_status", GOOD)
        fresh = fresh_headers.get("traceparent", "").split("-")
        check("a request without traceparent starts a trace", status == 200 and len(fresh) == 4 and fresh[1] != CALLER_TRACE, fresh)
        status, _, _ = request(port, "/loan_status", {"ApplicantIncome": -5})
        check("an invalid request answers 422", status == 422, status)
        request(port, "/healthz")

        spans = collector.wait(lambda spans: len({s.name for _, s in spans if s.kind == trace_pb2.Span.SPAN_KIND_SERVER}) >= 2
                               and sum(1 for _, s in spans if s.kind == trace_pb2.Span.SPAN_KIND_SERVER) >= 4)
        check("spans arrive at POST /v1/traces as protobuf",
              any(path == "/v1/traces" and kind == "application/x-protobuf" for path, kind in collector.requests), collector.requests)
        ids = by_id(spans)
        root = ids.get(server_span_id)
        check("the server span of the continued request was exported", root is not None, list(ids))
        if root is not None:
            attrs = attributes(root)
            check("it is a SERVER span named after the request, child of the caller's span",
                  root.name == "POST /loan_status" and root.kind == trace_pb2.Span.SPAN_KIND_SERVER
                  and root.trace_id.hex() == CALLER_TRACE and root.parent_span_id.hex() == CALLER_SPAN, root)
            check("its attributes: method, path, status, route, model, version, rows, request id",
                  attrs.get("http.request.method") == "POST" and attrs.get("url.path") == "/loan_status"
                  and attrs.get("http.response.status_code") == 200 and attrs.get("augur.route") == "loan_status"
                  and attrs.get("augur.model.name") == "loan" and attrs.get("augur.model.version")
                  and attrs.get("augur.rows") == 1 and attrs.get("augur.request_id"), attrs)
            check("the caller's tracestate is kept", root.trace_state == "vendor=abc", root.trace_state)
            stages = children(spans, root)
            names = [s.name for s in stages]
            check("its stages are child spans: decode, features, inference, encode", names == ["decode", "features", "inference", "encode"], names)
            inside = all(root.start_time_unix_nano <= s.start_time_unix_nano <= s.end_time_unix_nano <= root.end_time_unix_nano for s in stages)
            ordered = all(a.end_time_unix_nano <= b.start_time_unix_nano for a, b in zip(stages, stages[1:]))
            check("the stages lie within the request span, one after the other", inside and ordered,
                  [(s.name, s.start_time_unix_nano, s.end_time_unix_nano) for s in [root] + stages])
            check("the stages share the trace", all(s.trace_id == root.trace_id for s in stages))
        resources = [r for r, s in spans if s.kind == trace_pb2.Span.SPAN_KIND_SERVER]
        check("the resource names the service: service.name augur, service.version",
              resources and all(r.get("service.name") == "augur" and r.get("service.version") for r in resources), resources[:1])
        fresh_root = ids.get(fresh[2]) if len(fresh) == 4 else None
        check("the new trace's server span has no parent", fresh_root is not None and fresh_root.parent_span_id == b""
              and fresh_root.trace_id.hex() == fresh[1])
        invalid = [s for _, s in spans if s.kind == trace_pb2.Span.SPAN_KIND_SERVER and attributes(s).get("http.response.status_code") == 422]
        check("the 422: a decode span and nothing after it; a 4xx is not a server error",
              len(invalid) == 1 and [c.name for c in children(spans, invalid[0])] == ["decode"]
              and invalid[0].status.code != trace_pb2.Status.STATUS_CODE_ERROR, invalid)
        health = [s for _, s in spans if s.name == "GET /healthz"]
        check("every request has its server span (GET /healthz)", len(health) == 1 and not children(spans, health[0]))

        lines = [json.loads(line) for line in Path(log.name).read_text().splitlines() if line.startswith("{")]
        logged = [line for line in lines if line.get("span_id") == server_span_id]
        check("the JSON access log names the exported span and its trace", len(logged) == 1
              and logged[0].get("trace_id") == CALLER_TRACE and logged[0].get("parent_id") == CALLER_SPAN, lines[-5:])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)

    # A batched route: the inference span carries the batch. Spans queued at SIGTERM (a schedule
    # delay of 60 s) are exported as the server shuts down.
    folder = work / "batched"
    folder.mkdir()
    for name in ["model.onnx", "train.csv"]:
        (folder / name).write_bytes((ROOT / "examples" / "loan" / name).read_bytes())
    config = (ROOT / "examples" / "loan" / "augur.yaml").read_text()
    config = config.replace("    model: loan\n", "    model: loan\n    batching: {max_batch_rows: 16, max_delay_ms: 1}\n", 1)
    (folder / "augur.yaml").write_text(config)
    before = len(collector.spans)
    port = free_port()
    server = serve(augur, folder, port, endpoint, log, {"OTEL_BSP_SCHEDULE_DELAY": "60000"})
    try:
        status, headers, _ = request(port, "/loan_status", [GOOD, GOOD])
        check("the batched route answers", status == 200, status)
        batched_id = headers.get("traceparent", "-").split("-")[2] if headers.get("traceparent") else ""
        time.sleep(0.3)
        check("with a 60 s schedule delay nothing is exported yet", len(collector.spans) == before, len(collector.spans) - before)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        code = server.wait(15)
    spans = collector.wait(lambda spans: batched_id in by_id(spans), seconds=5)
    check("SIGTERM: the server exits cleanly and flushes its queued spans first", code == 0 and batched_id in by_id(spans), code)
    root = by_id(spans).get(batched_id)
    if root is not None:
        stages = children(spans, root)
        inference = [s for s in stages if s.name == "inference"]
        check("batched: decode, inference, encode (features are built with the batch)",
              [s.name for s in stages] == ["decode", "inference", "encode"], [s.name for s in stages])
        check("batched: the inference span carries the batch's rows and queue wait",
              len(inference) == 1 and attributes(inference[0]).get("augur.batch.rows") == 2
              and attributes(inference[0]).get("augur.batch.queue_wait_seconds") is not None,
              inference and attributes(inference[0]))
    collector.server.shutdown()
    finish("tracing checks")


if __name__ == "__main__":
    main()
