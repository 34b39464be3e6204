#!/usr/bin/env bash
# schemathesis (every check, fixed seed, bounded examples) against a live `augur serve` of every
# example, each on a free port of 127.0.0.1, with the protocol endpoints' {model} set to the
# example's first route. Needs .venv-schemathesis (scripts/setup-venv.sh).
#   scripts/schemathesis/run.sh [AUGUR_BINARY]      (default .build/debug/augur)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-.build/debug/augur}
ST=${SCHEMATHESIS:-$PWD/.venv-schemathesis/bin/schemathesis}
# shellcheck source=scripts/serve-lib.sh
source scripts/serve-lib.sh
status=0
for example in examples/*/; do
  example=${example%/}
  [[ -f $example/augur.yaml ]] || continue
  PORT=$(free_port)
  LOG=$(mktemp)
  "$BIN" serve "$example" --port "$PORT" --log-level warning --reload-interval 0 >"$LOG" 2>&1 &
  SERVER=$!
  wait_healthy "$PORT" "$SERVER" "$LOG"
  route=$(curl -sf "http://127.0.0.1:$PORT/v1/models" | python3 -c 'import json, sys; print(json.load(sys.stdin)["models"][0])')
  echo "-- $example (model $route)"
  if ! AUGUR_ST_MODEL=$route SCHEMATHESIS_HOOKS=hooks PYTHONPATH=scripts/schemathesis timeout 300 "$ST" --config-file scripts/schemathesis/schemathesis.toml \
      run "http://127.0.0.1:$PORT/openapi.json" --no-color >"$LOG.st" 2>&1; then
    status=1
    sed -n '/FAILURES/,$p' "$LOG.st"
  else
    grep -E "^Test cases:|generated" "$LOG.st" | tail -2
  fi
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null || { echo "the server stopped answering"; cat "$LOG"; status=1; }
  kill "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  rm -f "$LOG" "$LOG.st"
done
exit $status
