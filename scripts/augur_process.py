"""A built `augur` binary run from Python: `augur serve` on a free port of 127.0.0.1 for
recording answers, and `augur predict` for the onnxruntime oracle. Used by
scripts/example_tools.py, scripts/check_examples.py and scripts/record_answers.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def binary() -> str:
    """$AUGUR_BIN, else the debug build, else the release build."""
    for candidate in (os.environ.get("AUGUR_BIN"), ROOT / ".build/debug/augur", ROOT / ".build/release/augur"):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    raise SystemExit("error: no augur binary; run 'swift build' or set AUGUR_BIN")


class Server:
    """`augur serve FOLDER` on 127.0.0.1; `request()` answers (status, headers, body bytes)."""

    def __init__(self, folder: Path, augur: str | None = None):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.process = subprocess.Popen(
            [augur or binary(), "serve", str(folder), "--port", str(self.port), "--log-level", "error", "--reload-interval", "0"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(400):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1).read()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit(f"{folder}: augur serve exited: {self.process.stderr.read().decode()}")
                time.sleep(0.05)
        self.close()
        raise SystemExit(f"{folder}: augur serve did not answer")

    def request(self, method: str, path: str, body: str | None):
        data = None if body is None else body.encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as answer:
                return answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@contextlib.contextmanager
def serving(folder: Path, augur: str | None = None):
    server = Server(folder, augur)
    try:
        yield server
    finally:
        server.close()


def model_io(folder: Path, route: str, rows: list, augur: str | None = None) -> dict:
    """`augur predict --config FOLDER --route ROUTE --model-io` on `rows`: the model's input and
    output tensors, {"inputs": {name: rows}, "outputs": {name: rows}}."""
    done = subprocess.run([augur or binary(), "predict", "--config", str(folder), "--route", route, "--input", "-",
                           "--format", "json", "--model-io"],
                          input=json.dumps(rows).encode(), capture_output=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{folder.name}/{route}: augur predict failed: {done.stderr.decode()}")
    return json.loads(done.stdout)
