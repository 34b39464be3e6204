#!/usr/bin/env bash
# A real MLflow tracking server on 127.0.0.1 for the MLflow Model Registry tests
# (Tests/AugurStoreTests/MLflowClientTests.swift).
#
#   scripts/mlflow-server.sh setup         create or update .venv-mlflow (scripts/requirements-mlflow.txt)
#   scripts/mlflow-server.sh start [DIR]   setup if needed, start `mlflow server` on a free port with its
#                                          SQLite store and artifacts in DIR (default: a new temp dir),
#                                          register the test models (scripts/mlflow_register.py), then print
#                                          on stdout, for `eval`:
#                                            MLFLOW_TRACKING_URI=http://127.0.0.1:PORT
#                                            MLFLOW_SERVER_PID=PID      (leader of the server's process group)
#                                            MLFLOW_ARTIFACTS_DIR=DIR/artifacts
#                                            MLFLOW_WORK_DIR=DIR
#   scripts/mlflow-server.sh stop PID [DIR]  stop the server started as PID (its process group), remove DIR
#
# Progress goes to stderr. Bounded: the server must answer /health within MLFLOW_START_SECONDS
# (default 180) and registration must finish within MLFLOW_REGISTER_SECONDS (default 600), or the
# server is stopped and the script fails. Telemetry is off; all traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-mlflow
REQUIREMENTS=scripts/requirements-mlflow.txt
export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true PYTHONWARNINGS=ignore

log() { echo "mlflow-server: $*" >&2; }

setup() {
  local stamp="$VENV/.requirements.sha256" want
  want=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
  if [ -x "$VENV/bin/mlflow" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  local t0=$SECONDS
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  log "installing $REQUIREMENTS into $VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQUIREMENTS" >&2
  echo "$want" > "$stamp"
  log "$VENV ready in $((SECONDS - t0)) s"
}

stop() {
  local pid=${1:?usage: mlflow-server.sh stop PID [DIR]} dir=${2:-}
  # The whole process group: uvicorn's worker outlives mlflow's CLI if only the leader dies.
  if kill -TERM -- "-$pid" 2>/dev/null; then
    for _ in $(seq 1 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 -- "-$pid" 2>/dev/null; then kill -KILL -- "-$pid" 2>/dev/null || true; fi
    log "stopped the server (process group $pid)"
  fi
  if [ -n "$dir" ] && [ -f "$dir/.augur-mlflow-test" ]; then rm -rf "$dir"; fi
}

start() {
  setup
  local dir=${1:-} pid port t0
  if [ -z "$dir" ]; then dir=$(mktemp -d "${TMPDIR:-/tmp}/augur-mlflow.XXXXXX"); fi
  mkdir -p "$dir/artifacts"
  dir=$(cd "$dir" && pwd)
  touch "$dir/.augur-mlflow-test"
  port=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  t0=$SECONDS
  # setsid: the server (mlflow's CLI, uvicorn and its worker) gets a process group of its own,
  # whose id is $pid, so that `stop` ends exactly it.
  setsid "$VENV/bin/mlflow" server --host 127.0.0.1 --port "$port" --workers 1 \
    --backend-store-uri "sqlite:///$dir/mlflow.db" --artifacts-destination "$dir/artifacts" \
    > "$dir/server.log" 2>&1 < /dev/null &
  pid=$!
  local deadline=$((SECONDS + ${MLFLOW_START_SECONDS:-180}))
  until curl -sf "http://127.0.0.1:$port/health" > /dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      log "the server did not become healthy; its log ($dir/server.log):"
      tail -20 "$dir/server.log" >&2 || true
      stop "$pid"
      return 1
    fi
    sleep 0.5
  done
  log "server $pid healthy at http://127.0.0.1:$port after $((SECONDS - t0)) s"
  t0=$SECONDS
  if ! MLFLOW_TRACKING_URI="http://127.0.0.1:$port" timeout "${MLFLOW_REGISTER_SECONDS:-600}" \
      "$VENV/bin/python" scripts/mlflow_register.py > "$dir/register.log" 2>&1; then
    log "registering the test models failed; its log ($dir/register.log):"
    tail -20 "$dir/register.log" >&2 || true
    stop "$pid"
    return 1
  fi
  log "$(tail -1 "$dir/register.log") in $((SECONDS - t0)) s"
  printf 'MLFLOW_TRACKING_URI=%q\n' "http://127.0.0.1:$port"
  printf 'MLFLOW_SERVER_PID=%q\n' "$pid"
  printf 'MLFLOW_ARTIFACTS_DIR=%q\n' "$dir/artifacts"
  printf 'MLFLOW_WORK_DIR=%q\n' "$dir"
}

case "${1:-}" in
  setup) setup ;;
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: scripts/mlflow-server.sh setup | start [DIR] | stop PID [DIR]" >&2; exit 2 ;;
esac
