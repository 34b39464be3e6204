#!/usr/bin/env bash
# Creates .venv with the pinned Python tools used by tests, fixture generation and benchmarks
# (onnxruntime, onnx, scikit-learn, skl2onnx, onnxmltools, LightGBM, XGBoost). Never needed
# to build or run Augur itself.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -r scripts/requirements-fixtures.txt
