#!/usr/bin/env bash
# Re-runs every examples/<name>/train.py: trains the model (fixed seeds), writes model.onnx,
# checks augur.yaml against it, and regenerates requests.json and the Requests section of the
# example's README.md. Deterministic: a second run rewrites the same bytes (--check verifies
# that by running twice and comparing sha256 sums). Needs .venv (scripts/setup-venv.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || { echo "error: .venv is missing; run scripts/setup-venv.sh first" >&2; exit 1; }
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONHASHSEED=0

run_all() {
  for train in examples/*/train.py; do
    "$PY" "$train"
  done
}

sums() {
  sha256sum examples/*/model.onnx examples/*/requests.json examples/*/README.md
}

run_all
if [ "${1:-}" = "--check" ]; then
  first=$(sums)
  run_all > /dev/null
  if [ "$first" != "$(sums)" ]; then
    diff <(echo "$first") <(sums) >&2 || true
    echo "error: a second run wrote different bytes" >&2
    exit 1
  fi
  echo "deterministic: a second run wrote the same bytes"
fi
