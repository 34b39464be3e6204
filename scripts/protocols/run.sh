#!/usr/bin/env bash
# The standard protocols against a live `augur serve examples/loan` on a free port of 127.0.0.1,
# with the real clients: tritonclient.http and the kserve SDK (V2 REST, .venv-protocols),
# tritonclient.grpc (V2 gRPC, on --grpc-port), the
# kserve SDK and test_server.py's cases (KServe v1), MLflow's ScoringServerClient and
# test_scoring_server.py's cases (.venv-mlflow). Then the server must still answer. Then the same
# example with server.auth (a key file) and server.cors, with auth.py (both tritonclients).
#   scripts/protocols/run.sh [AUGUR_BINARY]      (default .build/debug/augur)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-.build/debug/augur}
# shellcheck source=scripts/serve-lib.sh
source scripts/serve-lib.sh
PORT=$(free_port)
GRPC_PORT=$(free_port)
LOG=$(mktemp)
"$BIN" serve examples/loan --port "$PORT" --grpc-port "$GRPC_PORT" --log-level warning --reload-interval 0 >"$LOG" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -f "$LOG"' EXIT
wait_healthy "$PORT" "$SERVER" "$LOG"
status=0
.venv-protocols/bin/python scripts/protocols/v2_http.py "127.0.0.1:$PORT" || status=1
.venv-protocols/bin/python scripts/protocols/v2_grpc.py "127.0.0.1:$PORT" "127.0.0.1:$GRPC_PORT" || status=1
.venv-protocols/bin/python scripts/protocols/kserve_v1.py "127.0.0.1:$PORT" || status=1
.venv-mlflow/bin/python scripts/protocols/mlflow_scoring.py "127.0.0.1:$PORT" || status=1
curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null || { echo "the server stopped answering"; cat "$LOG"; exit 1; }

# The same example with server.auth (a key file) and server.cors, on two more ports.
AUTH_DIR=$(mktemp -d)
cp examples/loan/model.onnx examples/loan/train.csv "$AUTH_DIR/"
KEY=$(python3 -c 'import secrets; print(secrets.token_hex(24))')
printf '# clients\n%s\n' "$KEY" >"$AUTH_DIR/keys.txt"
{ printf 'server:\n  auth: {api_keys_file: keys.txt}\n  cors: {allow_origins: ["http://localhost:3000"]}\n'; cat examples/loan/augur.yaml; } >"$AUTH_DIR/augur.yaml"
AUTH_PORT=$(free_port)
AUTH_GRPC_PORT=$(free_port)
"$BIN" serve "$AUTH_DIR" --port "$AUTH_PORT" --grpc-port "$AUTH_GRPC_PORT" --log-level warning --reload-interval 0 >"$LOG" 2>&1 &
AUTH_SERVER=$!
trap 'kill "$SERVER" "$AUTH_SERVER" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$LOG" "$AUTH_DIR"' EXIT
wait_healthy "$AUTH_PORT" "$AUTH_SERVER" "$LOG"
.venv-protocols/bin/python scripts/protocols/auth.py "127.0.0.1:$AUTH_PORT" "127.0.0.1:$AUTH_GRPC_PORT" "$KEY" "http://localhost:3000" || status=1
exit $status
