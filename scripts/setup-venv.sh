#!/usr/bin/env bash
# Creates .venv with the pinned Python tools used by tests, fixture generation and benchmarks
# (onnxruntime, onnx, scikit-learn, skl2onnx, onnxmltools, LightGBM, XGBoost), and .venv-mlflow
# with a pinned MLflow for the Model Registry tests (scripts/requirements-mlflow.txt; a venv of its
# own because MLflow's numpy, scikit-learn and protobuf conflict with the fixture pins). Never
# needed to build or run Augur itself.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -r scripts/requirements-fixtures.txt
scripts/mlflow-server.sh setup
