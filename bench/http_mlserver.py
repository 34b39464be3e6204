#!/usr/bin/env python3
"""Starts MLServer (mlserver-sklearn) on 127.0.0.1:PORT serving the loan forest as model 'loan'.

Usage (bench/http_bench.py runs it with bench/work/venv-mlserver's python): http_mlserver.py WORK PORT

The forest is retrained with this venv's scikit-learn by bench/http_train.py's code (MLServer
pins a newer scikit-learn than the FastAPI stacks, so their pickle does not load here) and
saved with joblib into WORK/mlserver/loan/model.joblib; MLServer runs one process
(parallel_workers 0, as uvicorn's one worker), its gRPC and metrics ports next to PORT.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    work, port = Path(sys.argv[1]), int(sys.argv[2])
    folder = work / "mlserver"
    model = folder / "loan" / "model.joblib"
    model.parent.mkdir(parents=True, exist_ok=True)
    if not model.exists():
        subprocess.run([sys.executable, str(ROOT / "bench/http_train.py"), str(model)], check=True)
    (folder / "settings.json").write_text(json.dumps({
        "host": "127.0.0.1", "http_port": port, "grpc_port": port + 1000, "metrics_port": port + 2000,
        "parallel_workers": 0, "debug": False}))
    (folder / "loan" / "model-settings.json").write_text(json.dumps({
        "name": "loan", "implementation": "mlserver_sklearn.SKLearnModel",
        "parameters": {"uri": "./model.joblib", "version": "v1"}}))
    os.chdir(folder)
    mlserver = str(Path(sys.executable).parent / "mlserver")
    os.execv(mlserver, [mlserver, "start", "."])


if __name__ == "__main__":
    main()
