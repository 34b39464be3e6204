#!/usr/bin/env python3
"""Re-runs examples/loan/train.py's training and pickles the scikit-learn estimator.

Usage: http_train.py OUT.pkl

The forest is the one examples/loan/model.onnx was exported from (same synthetic applicants,
same hyper-parameters, random_state 0), so every stack of bench/run.sh serves the same model.
train.py's export helpers need onnx, which the serving venv does not have: they are stubbed.
"""

from __future__ import annotations

import importlib.util
import pickle
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    stub = types.ModuleType("example_tools")
    for name in ("TARGET_OPSET", "finalize", "record", "sanity_check"):
        setattr(stub, name, None)
    sys.modules["example_tools"] = stub
    spec = importlib.util.spec_from_file_location("loan_train", ROOT / "examples/loan/train.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.train()
    Path(sys.argv[1]).write_bytes(pickle.dumps(model))


if __name__ == "__main__":
    main()
