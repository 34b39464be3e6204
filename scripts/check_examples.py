#!/usr/bin/env python3
"""onnxruntime as the oracle for the examples: every row of every successful POST in
examples/<name>/requests.json goes through the built augur (`augur predict --config …
--model-io`, the route's own decoder, features and plan), and onnxruntime runs the same
model on the very input tensors Augur built. Every output must agree: labels exactly,
numbers within 1e-5 relative or 1e-6 absolute.

What the answers look like (labels, probabilities, rounding, validation errors) is checked
by the Swift tests against golden files; this checks only what needs an independent runtime.

Usage: .venv/bin/python scripts/check_examples.py [--augur BIN] [EXAMPLE ...]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort

sys.path.insert(0, str(Path(__file__).resolve().parent))
from augur_process import model_io  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DTYPES = {"tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(int64)": np.int64,
          "tensor(int32)": np.int32, "tensor(string)": object, "tensor(bool)": np.bool_}


def feeds(session: ort.InferenceSession, inputs: dict) -> dict:
    out = {}
    for spec in session.get_inputs():
        rows = inputs[spec.name]
        dtype = DTYPES[spec.type]
        if dtype in (np.float32, np.float64):
            rows = json.loads(json.dumps(rows), parse_constant=float)
            rows = [[math.nan if v is None else v for v in r] if isinstance(r, list) else (math.nan if r is None else r) for r in rows]
        array = np.array(rows, dtype=dtype)
        if len(spec.shape) == 2 and array.ndim == 1:
            array = array.reshape(-1, 1)
        out[spec.name] = array
    return out


def same(expected, actual, where: str) -> str | None:
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or sorted(map(str, expected)) != sorted(actual):
            return f"{where}: keys {sorted(map(str, expected))} against {actual}"
        return next((p for k, v in expected.items() if (p := same(v, actual[str(k)], f"{where}.{k}"))), None)
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{where}: {len(expected)} entries against {actual}"
        return next((p for i, (e, a) in enumerate(zip(expected, actual)) if (p := same(e, a, f"{where}[{i}]"))), None)
    if isinstance(expected, (bool, str)) or actual is None or isinstance(actual, (bool, str)):
        if isinstance(expected, float) and not math.isfinite(expected) and actual is None:
            return None
        return None if expected == actual else f"{where}: onnxruntime {expected!r}, augur {actual!r}"
    if isinstance(expected, int) and isinstance(actual, int):
        return None if expected == actual else f"{where}: onnxruntime {expected}, augur {actual}"
    return None if math.isclose(expected, actual, rel_tol=1e-5, abs_tol=1e-6) else f"{where}: onnxruntime {expected}, augur {actual}"


def rows_of(body):
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get("instances"), list):
        return body["instances"]
    return [body]


def check(folder: Path, augur: str | None) -> tuple[int, int]:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    passed = failed = 0
    for request in json.loads((folder / "requests.json").read_text(encoding="utf-8")):
        if request["method"] != "POST" or request["status"] != 200 or not rows_of(request["body"]):
            continue
        route = request["path"].split("?")[0].strip("/")
        io = model_io(folder, route, rows_of(request["body"]), augur)
        expected = session.run(None, feeds(session, io["inputs"]))
        problem = None
        for name, value in zip(names, expected):
            value = [dict(m) for m in value] if isinstance(value, list) else value.tolist()
            problem = problem or same(value, io["outputs"].get(name), f"{name}")
        if problem:
            failed += 1
            print(f"FAIL {folder.name}/{request['name']}: {problem}")
        else:
            passed += 1
    return passed, failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--augur", help="the augur binary (default: scripts/augur_process.py's choice)")
    parser.add_argument("examples", nargs="*")
    args = parser.parse_args()
    folders = [EXAMPLES / n for n in args.examples] if args.examples else sorted(p.parent for p in EXAMPLES.glob("*/augur.yaml"))
    passed = failed = 0
    for folder in folders:
        p, f = check(folder, args.augur)
        passed, failed = passed + p, failed + f
    print(f"examples against onnxruntime: {passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
