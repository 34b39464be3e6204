"""Connection-level behaviour of a live `augur serve` (issue 11), with real clients and raw sockets:

  * an over-limit body (8 MiB, 64 MiB) sent whole before reading (urllib, http.client) reads its 413;
  * a half-sent head gets 408 and is closed within server.header_timeout; an idle kept-alive
    connection is closed after server.idle_timeout; a stalled body gets 408 within server.body_timeout;
  * connections over server.max_connections get 503 and are closed;
  * server.tls serves HTTPS with a self-signed certificate made here; unreadable or invalid files
    stop the start with a configuration error;
  * SIGTERM under load: every request sent on an accepted connection is answered, exit status 0.

    .venv/bin/python scripts/connections/check.py [AUGUR_BINARY]     (about 25 s)
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / ".build/debug/augur")
LOAN = ROOT / "examples/loan"
ROW = json.dumps(json.load(open(LOAN / "requests.json"))[0]["body"]) if (LOAN / "requests.json").exists() else None
FAILURES: list[str] = []


def check(condition: bool, what: str) -> None:
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        FAILURES.append(what)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config(folder: Path, server: str) -> Path:
    """examples/loan's configuration with `server` (YAML lines) as its server: section
    (none with OLD_SERVER=1, to show what a server without these settings does)."""
    if os.environ.get("OLD_SERVER"):
        server = "  port: 8000\n"
    text = (LOAN / "augur.yaml").read_text().replace("  loan: {path: model.onnx, reference: train.csv}", f"  loan: {LOAN / 'model.onnx'}")
    (folder / "augur.yaml").write_text("server:\n" + server + text)
    return folder / "augur.yaml"


class Serve:
    def __init__(self, path: Path, scheme: str = "http", context: ssl.SSLContext | None = None, extra: tuple = ()):
        self.port = free_port()
        self.process = subprocess.Popen([BIN, "serve", str(path), "--port", str(self.port), "--log-level", "error",
                                         "--reload-interval", "0", *extra], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{scheme}://127.0.0.1:{self.port}/healthz", timeout=1, context=context).read()
                return
            except (OSError, ssl.SSLError):
                if self.process.poll() is not None:
                    raise SystemExit(f"augur serve exited: {self.process.stderr.read().decode()}")
                time.sleep(0.05)
        raise SystemExit("augur serve did not answer")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def raw(port: int) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(10)
    return s


def read_until_closed(s: socket.socket, limit: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and when it closed (seconds from now)."""
    start, data = time.monotonic(), b""
    s.settimeout(limit)
    try:
        while chunk := s.recv(65536):
            data += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    return data, time.monotonic() - start


def body_limit(port: int) -> None:
    for size in (8 << 20, 64 << 20):
        for path in ("/loan_status", "/v2/models/loan_status/infer", "/invocations"):
            started = time.monotonic()
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=b"1" * size,
                                             headers={"Content-Type": "application/json"})
            try:
                urllib.request.urlopen(request, timeout=10)
                status = 200
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError as error:
                status = repr(error)
            took = time.monotonic() - started
            expected = 400 if path == "/invocations" else 413  # MLflow's scoring server answers 400
            check(status == expected and took < 3, f"urllib, {size >> 20} MiB to {path}: {status} in {took:.2f} s")
    # http.client keeps the connection alive (no Connection: close): the answer must still arrive.
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", "/loan_status", body=b"1" * (8 << 20), headers={"Content-Type": "application/json"})
        answer = connection.getresponse()
        status, close = answer.status, answer.getheader("Connection")
    except OSError as error:
        status, close = repr(error), None
    check(status == 413 and close == "close" and time.monotonic() - started < 3,
          f"http.client keep-alive, 8 MiB: {status}, Connection: {close}")


def timeouts(port: int) -> None:
    s = raw(port)
    s.sendall(b"POST /loan_status HTTP/1.1\r\nHost: x\r\nContent-")
    data, took = read_until_closed(s, 5)
    check(data.startswith(b"HTTP/1.1 408") and b"request_timeout" in data and 0.8 < took < 2,
          f"half a head: {data[:12]!r}, closed after {took:.2f} s (header_timeout 1)")
    s = raw(port)
    data, took = read_until_closed(s, 5)
    check(data == b"" and took < 2.5, f"nothing sent: closed silently after {took:.2f} s")
    s = raw(port)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    data, took = read_until_closed(s, 6)
    check(data.startswith(b"HTTP/1.1 200") and 2.5 < took < 4.5, f"idle keep-alive: closed after {took:.2f} s (idle_timeout 3)")
    s = raw(port)
    s.sendall(b"POST /loan_status HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\"")
    data, took = read_until_closed(s, 5)
    check(data.startswith(b"HTTP/1.1 408") and 0.8 < took < 2.5, f"stalled body: {data[:12]!r} after {took:.2f} s (body_timeout 1)")


def connection_cap(port: int, cap: int) -> None:
    held = []
    for _ in range(cap):
        s = raw(port)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        s.recv(4096)
        held.append(s)
    extra = raw(port)
    data, took = read_until_closed(extra, 5)
    check(data.startswith(b"HTTP/1.1 503") and b"too_many_connections" in data and took < 2.5,
          f"connection {cap + 1} of max_connections {cap}: {data[:12]!r}, closed after {took:.2f} s")
    held.pop().close()
    time.sleep(0.2)
    s = raw(port)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    check(s.recv(4096).startswith(b"HTTP/1.1 200"), "a slot freed: the next connection is served")
    for s in held + [s]:
        s.close()


def tls(folder: Path) -> None:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    path = config(folder, "  tls:\n    certificate: cert.pem\n    key: key.pem\n")
    context = ssl.create_default_context(cafile=str(cert))
    grpc_port = free_port()
    server = Serve(path, "https", context, ("--grpc-port", str(grpc_port)))
    try:
        triton = ROOT / ".venv-protocols/bin/python"
        if triton.exists():  # the gRPC port gets the same certificate (tritonclient.grpc, ssl=True)
            probe = subprocess.run([str(triton), "-c", "import sys, tritonclient.grpc as g; c = g.InferenceServerClient("
                                    f"'127.0.0.1:{grpc_port}', ssl=True, root_certificates='{cert}'); "
                                    "print(c.is_server_live() and c.is_model_ready('loan_status'))"],
                                   capture_output=True, text=True, timeout=30)
            check(probe.stdout.strip() == "True", f"TLS: gRPC over TLS (tritonclient.grpc): {probe.stdout.strip() or probe.stderr.strip()[-200:]}")
        request = urllib.request.Request(f"https://127.0.0.1:{server.port}/loan_status", data=ROW.encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5, context=context) as answer:
            check(answer.status == 200 and b"prediction" in answer.read(), "TLS: a prediction over HTTPS, certificate verified")
        curl = subprocess.run(["curl", "-sS", "--cacert", str(cert), f"https://127.0.0.1:{server.port}/healthz"],
                              capture_output=True, text=True)
        check('"ok"' in curl.stdout, f"TLS: curl --cacert: {curl.stdout.strip() or curl.stderr.strip()}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{server.port}/healthz", timeout=3).read()
            check(False, "TLS: plain HTTP is not served")
        except (OSError, http.client.HTTPException):
            check(True, "TLS: plain HTTP is not served")
    finally:
        server.stop()
    (folder / "garbage.pem").write_text("not a key\n")
    subprocess.run(["openssl", "genrsa", "-out", str(folder / "other-key.pem"), "2048"], check=True, capture_output=True)
    for key_file, expected in (("missing.pem", "cannot read"), ("garbage.pem", "is not a PEM private key"),
                               ("cert.pem", "is not a PEM private key"), ("other-key.pem", "does not go with the certificate")):
        bad = folder / "bad"
        bad.mkdir(exist_ok=True)
        path = config(bad, f"  tls:\n    certificate: {cert}\n    key: {folder / key_file}\n")
        run = subprocess.run([BIN, "serve", str(path), "--port", str(free_port())], capture_output=True, text=True, timeout=20)
        message = (run.stderr + run.stdout).strip()
        check(run.returncode != 0 and expected in message and "augur.yaml:4: server.tls.key:" in message,
              f"TLS key {key_file}: start refused: {message.splitlines()[-1] if message else run.returncode}")


def graceful_shutdown(folder: Path) -> None:
    path = config(folder, "  drain_timeout: 5\n")
    server = Serve(path)
    stop = threading.Event()
    counts = {"answered": 0, "refused": 0, "lost": 0}
    lost: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        connection = None
        while not stop.is_set():
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
                    connection.connect()
            except OSError:
                with lock:
                    counts["refused"] += 1  # not accepted: the listener is closed
                connection = None
                time.sleep(0.01)
                continue
            try:
                connection.request("POST", "/loan_status", body=ROW, headers={"Content-Type": "application/json"})
                answer = connection.getresponse()
                answer.read()
                with lock:
                    counts["answered"] += answer.status == 200
                if answer.getheader("Connection") == "close":
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    counts["lost"] += 1
                    lost.append(repr(error))
                connection.close()
                connection = None

    threads = [threading.Thread(target=client) for _ in range(16)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    before = counts["answered"]
    sent = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    try:
        status = server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        status = "still running"
    took = time.monotonic() - sent
    stop.set()
    for thread in threads:
        thread.join()
    server.stop()
    check(before > 50, f"load before SIGTERM: {before} answered")
    check(counts["lost"] == 0, f"SIGTERM under load: {counts['answered']} answered, {counts['lost']} sent and not answered {lost[:3]}")
    check(status == 0 and took < 5, f"SIGTERM: exit status {status} after {took:.2f} s")


def main() -> None:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        cap = 20
        path = config(folder, f"  header_timeout: 1\n  idle_timeout: 3\n  body_timeout: 1\n  max_connections: {cap}\n")
        server = Serve(path)
        try:
            body_limit(server.port)
            timeouts(server.port)
            connection_cap(server.port, cap)
        finally:
            server.stop()
        (folder / "tls").mkdir()
        tls(folder / "tls")
        (folder / "drain").mkdir()
        graceful_shutdown(folder / "drain")
    if FAILURES:
        raise SystemExit(f"{len(FAILURES)} connection check(s) failed")
    print("connection checks passed")


if __name__ == "__main__":
    main()
