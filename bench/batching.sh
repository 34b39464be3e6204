#!/usr/bin/env bash
# Adaptive batching on a big model: requests/s and latency with batching off and on, same run.
#
#   bench/batching.sh [BIN_DIR]     (default .build/release; needs augur and bench/work/models/b_gbr300.onnx,
#                                     which bench/engine.sh or bench/explain.py makes)
#
# Serves bench/engine_models.py's 300-tree GradientBoostingRegressor (depth 5, 10 features)
# behind a route of 10 float parameters twice, without and with
# `batching: {max_batch_rows: 64, max_delay_ms: 2}`, and loads each with `augur loadtest
# --connections N` for N in 8, 64 and 256 (BATCH_SECONDS each, default 5), alternating off/on.
# Prints requests/s, p50 and p99 and the mean batch (from augur_batch_rows) to a table and
# bench/results/batching.json.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BIN=${1:-$ROOT/.build/release}
MODEL=$ROOT/bench/work/models/b_gbr300.onnx
WORK=$ROOT/bench/work/batching
SECONDS_PER=${BATCH_SECONDS:-5}
[[ -f $MODEL ]] || { echo "missing $MODEL: run bench/engine.sh or bench/explain.py first" >&2; exit 1; }
mkdir -p "$WORK/off" "$WORK/on"
for mode in off on; do
    cp "$MODEL" "$WORK/$mode/model.onnx"
    {
        echo "models:"
        echo "  gbr: model.onnx"
        echo "routes:"
        echo "  gbr:"
        echo "    model: gbr"
        [[ $mode == on ]] && echo "    batching: {max_batch_rows: 64, max_delay_ms: 2, max_queue_rows: 100000}"
        echo "    parameters:"
        for i in $(seq 0 9); do echo "      f$i: {type: float, example: 0.$i}"; done
        echo "    features: [f0, f1, f2, f3, f4, f5, f6, f7, f8, f9]"
    } >"$WORK/$mode/augur.yaml"
done
start() {
    "$BIN/augur" serve "$WORK/$1" --port "$2" --log-level warning --reload-interval 0 >"$WORK/$1.log" 2>&1 &
    echo $!
}
OFF=$(start off 18401); ON=$(start on 18402)
trap 'kill $OFF $ON 2>/dev/null || true' EXIT
for port in 18401 18402; do
    for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.05; done
done
: >"$WORK/runs.txt"
for c in 8 64 256; do
    for mode in off on; do
        port=$([[ $mode == off ]] && echo 18401 || echo 18402)
        "$BIN/augur" loadtest "http://127.0.0.1:$port" --route gbr --connections $c --duration "$SECONDS_PER" \
            --json "$WORK/$mode-$c.json" >/dev/null 2>&1 || true
        echo "$c $mode" >>"$WORK/runs.txt"
    done
done
curl -s "http://127.0.0.1:18402/metrics" >"$WORK/metrics.txt"
python3 - "$WORK" "$ROOT/bench/results/batching.json" <<'PY'
import json, os, re, sys, datetime
work, out = sys.argv[1], sys.argv[2]
metrics = open(os.path.join(work, "metrics.txt")).read()
def value(name):
    m = re.search(name + r'\{route="gbr"\} ([0-9.e+]+)', metrics)
    return float(m.group(1)) if m else 0.0
mean_batch = value("augur_batch_rows_sum") / max(1.0, value("augur_batch_rows_count"))
rows = []
print("| connections | batching | req/s | p50 ms | p99 ms | errors |")
print("|---:|---|---:|---:|---:|---:|")
for c in (8, 64, 256):
    for mode in ("off", "on"):
        d = json.load(open(os.path.join(work, f"{mode}-{c}.json")))["steps"][0]
        rows.append({"connections": c, "batching": mode, "rate": d["rate"], "p50_ms": d["p50_ms"], "p99_ms": d["p99_ms"], "errors": d["errors"]})
        print(f"| {c} | {mode} | {d['rate']:,.0f} | {d['p50_ms']:.2f} | {d['p99_ms']:.2f} | {d['errors']} |")
print(f"mean batch (requests weighted) with batching on, all steps: {mean_batch:.1f} rows")
json.dump({"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M+00:00"), "nproc": os.cpu_count(),
           "model": "b_gbr300 (300 trees, depth 5, 10 features)", "runs": rows, "mean_batch_rows": mean_batch},
          open(out, "w"), indent=1)
PY
