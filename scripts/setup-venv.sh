#!/usr/bin/env bash
# Creates .venv with the pinned Python tools used by tests, fixture generation and benchmarks
# (onnxruntime, onnx, scikit-learn, skl2onnx, onnxmltools, LightGBM, XGBoost), and .venv-mlflow
# with a pinned MLflow for the Model Registry tests (scripts/requirements-mlflow.txt; a venv of its
# own because MLflow's numpy, scikit-learn and protobuf conflict with the fixture pins). Never
# needed to build or run Augur itself.
# Also .venv-protocols (Python 3.11) with the protocol clients of the Open Inference Protocol and
# KServe v1 tests: tritonclient[http,grpc] and kserve (scripts/requirements-protocols.txt; its own
# venv because kserve needs newer numpy and pandas than the fixture pins).
# And .venv-schemathesis with schemathesis (scripts/requirements-schemathesis.txt), and the AWS
# Lambda runtime interface emulator in .tools/ (from the aws-sam-cli wheel).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -r scripts/requirements-fixtures.txt
scripts/mlflow-server.sh setup
if [ ! -x .venv-protocols/bin/python ]; then
  "$(command -v python3.11 || command -v python3)" -m venv .venv-protocols
fi
.venv-protocols/bin/pip install -q --disable-pip-version-check -r scripts/requirements-protocols.txt
if [ ! -x .venv-schemathesis/bin/python ]; then
  python3 -m venv .venv-schemathesis
fi
.venv-schemathesis/bin/pip install -q --disable-pip-version-check -r scripts/requirements-schemathesis.txt
# .venv-deploy: kubernetes-validate and cfn-lint for scripts/k8s/check.py and scripts/lambda/check.py
# (scripts/requirements-deploy.txt).
if [ ! -x .venv-deploy/bin/python ]; then
  python3 -m venv .venv-deploy
fi
.venv-deploy/bin/pip install -q --disable-pip-version-check -r scripts/requirements-deploy.txt
# The AWS Lambda runtime interface emulator for scripts/lambda/check.py: the static binary inside
# the aws-sam-cli wheel (pinned), extracted to .tools/aws-lambda-rie. Never used at serving time.
if [ ! -x .tools/aws-lambda-rie ]; then
  mkdir -p .tools
  RIE_TMP=$(mktemp -d)
  .venv/bin/pip download -q --disable-pip-version-check --no-deps "aws-sam-cli==1.170.0" -d "$RIE_TMP"
  .venv/bin/python - "$RIE_TMP" <<'EOF_RIE'
import glob, os, sys, zipfile
wheel = zipfile.ZipFile(glob.glob(os.path.join(sys.argv[1], "aws_sam_cli-*.whl"))[0])
with open(".tools/aws-lambda-rie", "wb") as out:
    out.write(wheel.read("samcli/local/rapid/aws-lambda-rie-x86_64"))
os.chmod(".tools/aws-lambda-rie", 0o755)
EOF_RIE
  rm -rf "$RIE_TMP"
fi
# HAProxy for scripts/scaleout/check.py (replicas behind a real load balancer), from Debian.
if ! command -v haproxy >/dev/null; then
  { apt-get install -y haproxy || { apt-get update && apt-get install -y haproxy; }; } >/dev/null
fi
# Container tools for scripts/image/check.py, from Debian: podman (with runc: crun cannot set
# rlimits here), umoci, the distribution 2.8 registry and htpasswd for its basic auth.
if ! command -v podman >/dev/null || ! command -v umoci >/dev/null || ! command -v docker-registry >/dev/null || ! command -v htpasswd >/dev/null; then
  IMAGE_TOOLS="podman runc umoci docker-registry apache2-utils"
  { apt-get install -y $IMAGE_TOOLS || { apt-get update && apt-get install -y $IMAGE_TOOLS; }; } >/dev/null
fi
# .venv-ui (Python 3.11): Playwright and axe-playwright-python for scripts/ui/check.py
# (scripts/requirements-ui.txt), driving Debian's Chromium (never `playwright install`).
if [ ! -x .venv-ui/bin/python ]; then
  "$(command -v python3.11 || command -v python3)" -m venv .venv-ui
fi
.venv-ui/bin/pip install -q --disable-pip-version-check -r scripts/requirements-ui.txt
if ! command -v chromium >/dev/null; then
  { apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }; } >/dev/null
fi
# .venv-explain (Python 3.11): shap, onnx and onnxruntime for scripts/explain/check.py, the
# explanations checked against shap's TreeExplainer (scripts/requirements-explain.txt).
if [ ! -x .venv-explain/bin/python ]; then
  "$(command -v python3.11 || command -v python3)" -m venv .venv-explain
fi
.venv-explain/bin/pip install -q --disable-pip-version-check -r scripts/requirements-explain.txt
# zlib's headers for the CZlib module (gzip image layers, deflated Lambda zips).
if [ ! -f /usr/include/zlib.h ]; then
  { apt-get install -y zlib1g-dev || { apt-get update && apt-get install -y zlib1g-dev; }; } >/dev/null
fi
