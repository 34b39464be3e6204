#!/usr/bin/env bash
# Every test: unit and fixture tests (swift test), onnx's own operator tests, the examples and a
# seeded differential test against onnxruntime, the standard protocols with their real clients,
# `augur lambda` under the AWS Lambda runtime interface emulator, the Kubernetes and KServe
# manifests against their schemas, drift monitoring and the prediction log against numpy, the
# container images under umoci, podman and a real
# registry, three replicas behind HAProxy through a rolling restart, a
# bounded fuzz run of the model loader, the end-user forms in headless Chromium (with axe), and
# the MLflow Model Registry client against a real `mlflow server` on 127.0.0.1. Needs .venv,
# .venv-mlflow, .venv-protocols, .venv-deploy, .venv-ui,
# .venv-explain and .venv-schemathesis (scripts/setup-venv.sh); schemathesis runs every check on every example.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || { echo "error: .venv is missing; run scripts/setup-venv.sh first" >&2; exit 1; }

echo "== onnx operator test cases"
rm -rf .build-onnx-node-tests
"$PY" scripts/onnx_node_tests.py .build-onnx-node-tests | tail -1

echo "== build"
swift build --build-tests

echo "== examples: the model inputs Augur builds for every documented request, run by onnxruntime"
"$PY" scripts/check_examples.py --augur .build/debug/augur

echo "== standard protocols with their real clients (tritonclient, kserve, MLflow's ScoringServerClient)"
scripts/protocols/run.sh .build/debug/augur

echo "== connections: 413 to urllib, timeouts, max_connections, TLS, SIGTERM under load (scripts/connections/check.py)"
timeout 120 "$PY" scripts/connections/check.py .build/debug/augur

echo "== AWS Lambda: augur lambda under the runtime interface emulator (scripts/lambda/check.py)"
timeout 180 "$PY" scripts/lambda/check.py .build/debug/augur

echo "== Kubernetes and KServe manifests: kubernetes-validate --strict, KServe's CRD schemas (scripts/k8s/check.py)"
timeout 180 .venv-deploy/bin/python scripts/k8s/check.py .build/debug/augur

echo "== end-user pages in Chromium: forms, errors, CSV batch, languages, axe, phone size, page weight (scripts/ui/check.py)"
timeout 180 .venv-ui/bin/python scripts/ui/check.py .build/debug/augur

echo "== metrics: GET /metrics after known traffic, read by Prometheus's parser (scripts/metrics/check.py)"
timeout 60 .venv-protocols/bin/python scripts/metrics/check.py .build/debug/augur

echo "== Grafana dashboard: every metric and label it queries, against a live scrape (scripts/metrics/dashboard_check.py)"
timeout 60 .venv-protocols/bin/python scripts/metrics/dashboard_check.py .build/debug/augur

echo "== tracing: spans over OTLP/HTTP to a collector built on opentelemetry-proto (scripts/tracing/check.py)"
timeout 120 .venv-protocols/bin/python scripts/tracing/check.py .build/debug/augur

echo "== monitoring: drift scores recomputed with numpy window by window, the prediction log under load, rotation and a kill, augur drift (scripts/monitoring/check.py)"
timeout 180 "$PY" scripts/monitoring/check.py .build/debug/augur

echo "== explanations: POST /{route}/explain against shap's TreeExplainer on the same trees and covers, and its LinearExplainer on the same coefficients and reference means (scripts/explain/check.py)"
timeout 300 .venv-explain/bin/python scripts/explain/check.py .build/debug/augur

echo "== explanations: POST /{route}/explain against LightGBM's pred_contrib and XGBoost's pred_contribs, covers = training row counts (scripts/explain/native.py)"
timeout 120 .venv/bin/python scripts/explain/native.py .build/debug/augur

echo "== MLflow tracking server for the registry tests and the image check (scripts/mlflow-server.sh)"
MLFLOW_SERVER_ENV=$(scripts/mlflow-server.sh start)
eval "$MLFLOW_SERVER_ENV"
trap 'scripts/mlflow-server.sh stop "$MLFLOW_SERVER_PID" "$MLFLOW_WORK_DIR"' EXIT
trap 'exit 130' INT TERM
export AUGUR_MLFLOW_URI="$MLFLOW_TRACKING_URI" AUGUR_REQUIRE_MLFLOW=1

echo "== container images: augur build -o/--push/--dockerfile under umoci, podman and docker-registry (scripts/image/check.py)"
timeout 600 "$PY" scripts/image/check.py .build/debug/augur

echo "== scale-out: three replicas behind HAProxy, an alias move and a rolling restart under load (scripts/scaleout/check.py)"
timeout 120 "$PY" scripts/scaleout/check.py .build/debug/augur

echo "== schemathesis: every check on every example's OpenAPI document (scripts/schemathesis/run.sh)"
scripts/schemathesis/run.sh .build/debug/augur

echo "== differential test against onnxruntime"
"$PY" scripts/differential.py --augur .build/debug/augur

echo "== fuzz the loader (${FUZZ_SECONDS:-60} s)"
FUZZ_SECONDS=${FUZZ_SECONDS:-60} scripts/fuzz.sh

echo "== swift test"
export AUGUR_ONNX_NODE_TESTS="$PWD/.build-onnx-node-tests"
export AUGUR_ONNX_NODE_SUMMARY="$PWD/.build-onnx-node-tests/summary.txt"
swift test
