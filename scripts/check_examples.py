#!/usr/bin/env python3
"""Replays every examples/<name>/requests.json against the Python reference of the service.

Loads each example's augur.yaml with scripts/augur_reference.py (strict: unknown keys, types,
feature count and binding against the committed model.onnx), sends every recorded request,
and matches the answer the way the server's replay test must (examples/README.md):
status equal; objects match when each expected key matches (more keys allowed); arrays match
element by element with equal length; numbers within 1e-5 relative or 1e-6 absolute; other
values exactly. Trains nothing and writes nothing.

Usage: .venv/bin/python scripts/check_examples.py [EXAMPLE ...]
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from augur_reference import Service  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def mismatch(expect, actual, where="$"):
    """None when `actual` matches `expect`, else where and how it differs."""
    if isinstance(expect, dict):
        if not isinstance(actual, dict):
            return f"{where}: expected an object, got {json.dumps(actual)}"
        for key, value in expect.items():
            if key not in actual:
                return f"{where}: missing key '{key}'"
            problem = mismatch(value, actual[key], f"{where}.{key}")
            if problem:
                return problem
        return None
    if isinstance(expect, list):
        if not isinstance(actual, list) or len(actual) != len(expect):
            return f"{where}: expected {len(expect)} elements, got {json.dumps(actual)}"
        for i, (e, a) in enumerate(zip(expect, actual)):
            problem = mismatch(e, a, f"{where}[{i}]")
            if problem:
                return problem
        return None
    numeric = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)  # noqa: E731
    if numeric(expect) and numeric(actual):
        close = math.isclose(expect, actual, rel_tol=1e-5, abs_tol=1e-6)
        return None if close else f"{where}: expected {expect}, got {actual}"
    return None if expect == actual and type(expect) is type(actual) else f"{where}: expected {expect!r}, got {actual!r}"


def check(folder: Path) -> tuple[int, int]:
    service = Service(folder / "augur.yaml")
    passed = failed = 0
    for request in json.loads((folder / "requests.json").read_text(encoding="utf-8")):
        status, body = service.request(request["method"], request["path"], request["body"])
        problem = (f"status {status}, expected {request['status']}" if status != request["status"]
                   else mismatch(request["expect"], body))
        if problem:
            failed += 1
            print(f"FAIL {folder.name}/{request['name']}: {problem}")
        else:
            passed += 1
    return passed, failed


def main(names):
    folders = [EXAMPLES / n for n in names] if names else sorted(p.parent for p in EXAMPLES.glob("*/augur.yaml"))
    passed = failed = 0
    for folder in folders:
        p, f = check(folder)
        passed, failed = passed + p, failed + f
    print(f"examples: {passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
