#!/usr/bin/env bash
# augur loadtest's own overhead: its request rate against wrk's on the same server, same run.
#
#   bench/loadtest.sh [BIN_DIR]      (default .build/release; needs augur, augur-hello, wrk)
#
# The server is augur-hello (POST /hello: the framework ceiling, so the load generator is the
# bottleneck as much as it can be), on 127.0.0.1. For 1, 4 and 16 connections, alternately
# (wrk, augur loadtest, wrk, augur loadtest, …, 3 rounds of 5 s each), wrk -t2 and
# `augur loadtest --connections N --duration 5` send the same body; the medians of the rates and
# their ratio are printed and written to bench/results/loadtest.json.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BIN=${1:-$ROOT/.build/release}
OUT=$ROOT/bench/results/loadtest.json
WORK=$ROOT/bench/work/loadtest
mkdir -p "$WORK"
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
PORT=18299
echo '{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}' >"$WORK/body.json"
"$BIN/augur-hello" --port $PORT >"$WORK/hello.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -s -o /dev/null -X POST "http://127.0.0.1:$PORT/hello" -d '{}' && break; sleep 0.05; done
ROUNDS=${LOADTEST_ROUNDS:-3}
SECONDS_PER=${LOADTEST_SECONDS:-5}
: >"$WORK/runs.txt"
for c in 1 4 16; do
    threads=$((c < 2 ? 1 : 2))
    for round in $(seq "$ROUNDS"); do
        wrk_rate=$(BENCH_BODY="$WORK/body.json" wrk -t$threads -c$c -d${SECONDS_PER}s -s bench/http_wrk.lua "http://127.0.0.1:$PORT/hello" \
            | python3 -c 'import json,sys; line=[l for l in sys.stdin if l.startswith("{")][-1]; d=json.loads(line); print(d["requests"]/(d["duration_us"]/1e6))')
        "$BIN/augur" loadtest "http://127.0.0.1:$PORT" --route hello --body "$WORK/body.json" --connections $c \
            --duration "$SECONDS_PER" --json "$WORK/augur.json" >/dev/null 2>&1 || true
        augur_rate=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["steps"][0]["rate"])' "$WORK/augur.json")
        echo "$c $round $wrk_rate $augur_rate" | tee -a "$WORK/runs.txt"
    done
done
python3 - "$WORK/runs.txt" "$OUT" <<'PY'
import json, statistics, sys, datetime, os, subprocess
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
result = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M+00:00"), "server": "augur-hello POST /hello",
          "nproc": os.cpu_count(), "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[0] if True else "",
          "connections": []}
print("| connections | wrk req/s | augur loadtest req/s | augur / wrk |")
print("|---:|---:|---:|---:|")
for c in sorted({int(r[0]) for r in rows}):
    wrk = statistics.median(float(r[2]) for r in rows if int(r[0]) == c)
    augur = statistics.median(float(r[3]) for r in rows if int(r[0]) == c)
    result["connections"].append({"connections": c, "wrk_rate": wrk, "augur_rate": augur, "ratio": augur / wrk,
                                  "runs": [[float(r[2]), float(r[3])] for r in rows if int(r[0]) == c]})
    print(f"| {c} | {wrk:,.0f} | {augur:,.0f} | {augur / wrk:.2f} |")
json.dump(result, open(sys.argv[2], "w"), indent=1)
PY
