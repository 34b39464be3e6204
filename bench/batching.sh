#!/usr/bin/env bash
# Adaptive batching and the compute pool on big models, same run.
#
#   bench/batching.sh [BIN_DIR]     (default .build/release; needs augur and bench/work/models/{b_gbr300,c_rf500}.onnx,
#                                     which `.venv/bin/python bench/engine_models.py bench/work/models` makes)
#
# 1. Throughput: bench/engine_models.py's 300-tree GradientBoostingRegressor (depth 5, 10
#    features) and 500-tree RandomForestRegressor (depth 12, 20 features), each behind a route of
#    float parameters, served without and with `batching: {max_batch_rows: 64, max_delay_ms: 2}`
#    and loaded with `augur loadtest --connections N` for N in 8, 64 and 256 (BATCH_SECONDS each,
#    default 5), alternating off/on: requests/s, p50, p99, mean batch (augur_batch_rows).
# 2. Small requests beside big ones: the 500-tree forest without batching, one-row requests on 8
#    connections alone, then while 2 other connections send 1,000-row requests (MIXED_SECONDS,
#    default 8): the one-row requests' p50/p99. With AUGUR_BEFORE=/path/to/older/augur, the same
#    on that binary too (the "before" of a change), interleaved.
# Prints tables and writes bench/results/batching.json.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BIN=${1:-$ROOT/.build/release}
MODELS=$ROOT/bench/work/models
WORK=$ROOT/bench/work/batching
SECONDS_PER=${BATCH_SECONDS:-5}
MIXED=${MIXED_SECONDS:-8}
for m in b_gbr300 c_rf500; do
    [[ -f $MODELS/$m.onnx ]] || { echo "missing $MODELS/$m.onnx: run .venv/bin/python bench/engine_models.py bench/work/models" >&2; exit 1; }
done
rm -rf "$WORK"; mkdir -p "$WORK"
# config NAME MODEL FEATURES MODE: a route NAME of FEATURES float parameters over MODEL.
config() {
    local dir=$WORK/$1-$4
    mkdir -p "$dir"
    cp "$MODELS/$2.onnx" "$dir/model.onnx"
    {
        echo "models:"
        echo "  m: model.onnx"
        echo "routes:"
        echo "  $1:"
        echo "    model: m"
        [[ $4 == on ]] && echo "    batching: {max_batch_rows: 64, max_delay_ms: 2, max_queue_rows: 100000}"
        echo "    parameters:"
        for i in $(seq 0 $(($3 - 1))); do echo "      f$i: {type: float, example: 0.$i}"; done
        echo -n "    features: ["
        for i in $(seq 0 $(($3 - 1))); do echo -n "f$i"; [[ $i -lt $(($3 - 1)) ]] && echo -n ", "; done
        echo "]"
    } >"$dir/augur.yaml"
    echo "$dir"
}
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true' EXIT
serve() { # BINARY DIR PORT
    "$1" serve "$2" --port "$3" --log-level warning --reload-interval 0 >"$2.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 200); do curl -s -o /dev/null "http://127.0.0.1:$3/healthz" && return; sleep 0.05; done
    echo "server on $3 did not start" >&2; exit 1
}
load() { # PORT ROUTE CONNECTIONS SECONDS JSON [BODY]
    "$BIN/augur" loadtest "http://127.0.0.1:$1" --route "$2" --connections "$3" --duration "$4" --json "$5" \
        ${6:+--body "$6"} >/dev/null 2>&1 || true
}

# 1. Throughput, batching off and on.
port=18400
for model in b_gbr300:gbr:10 c_rf500:rf:20; do
    IFS=: read -r file name features <<<"$model"
    for mode in off on; do
        port=$((port + 1))
        serve "$BIN/augur" "$(config "$name" "$file" "$features" "$mode")" $port
        echo "$port" >"$WORK/$name-$mode.port"
    done
    for c in 8 64 256; do
        for mode in off on; do
            load "$(cat "$WORK/$name-$mode.port")" "$name" $c "$SECONDS_PER" "$WORK/$name-$mode-$c.json"
        done
    done
    curl -s "http://127.0.0.1:$(cat "$WORK/$name-on.port")/metrics" >"$WORK/$name-metrics.txt"
done

# 2. One-row requests alone and beside 1,000-row requests, on this binary and AUGUR_BEFORE.
"$ROOT/.venv/bin/python" - "$WORK/big.json" <<'PY'
import json, random, sys
random.seed(7)
json.dump([{f"f{i}": round(random.gauss(0, 1), 4) for i in range(20)} for _ in range(1000)], open(sys.argv[1], "w"))
PY
binaries=("now:$BIN/augur")
[[ -n ${AUGUR_BEFORE:-} ]] && binaries+=("before:$AUGUR_BEFORE")
for entry in "${binaries[@]}"; do
    label=${entry%%:*}; binary=${entry#*:}
    port=$((port + 1))
    dir=$(config rf "c_rf500" 20 off); mv "$dir" "$WORK/mixed-$label"
    serve "$binary" "$WORK/mixed-$label" $port
    echo "$port" >"$WORK/mixed-$label.port"
done
for round in 1 2; do
    for entry in "${binaries[@]}"; do
        label=${entry%%:*}; p=$(cat "$WORK/mixed-$label.port")
        load "$p" rf 8 "$MIXED" "$WORK/mixed-$label-alone-$round.json"
        load "$p" rf 2 $((MIXED + 2)) "$WORK/mixed-$label-big-$round.json" "$WORK/big.json" &
        bg=$!
        sleep 1
        load "$p" rf 8 "$MIXED" "$WORK/mixed-$label-beside-$round.json"
        wait $bg
    done
done

python3 - "$WORK" "$ROOT/bench/results/batching.json" <<'PY'
import datetime, glob, json, os, re, sys
work, out = sys.argv[1], sys.argv[2]
def step(path):
    return json.load(open(path))["steps"][0]
result = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M+00:00"), "nproc": os.cpu_count(),
          "throughput": [], "mixed": []}
models = {"gbr": "b_gbr300 (300 trees, depth 5, 10 features)", "rf": "c_rf500 (500 trees, depth 12, 20 features)"}
print("| model | connections | batching | req/s | p50 ms | p99 ms | errors | on ÷ off |")
print("|---|---:|---|---:|---:|---:|---:|---:|")
for name, description in models.items():
    metrics = open(os.path.join(work, f"{name}-metrics.txt")).read()
    def value(metric):
        m = re.search(metric + r'\{route="' + name + r'"\} ([0-9.e+]+)', metrics)
        return float(m.group(1)) if m else 0.0
    mean_batch = value("augur_batch_rows_sum") / max(1.0, value("augur_batch_rows_count"))
    for c in (8, 64, 256):
        off = step(os.path.join(work, f"{name}-off-{c}.json"))
        for mode in ("off", "on"):
            d = step(os.path.join(work, f"{name}-{mode}-{c}.json"))
            ratio = d["rate"] / off["rate"] if off["rate"] else 0
            result["throughput"].append({"model": description, "connections": c, "batching": mode, "rate": d["rate"],
                                         "p50_ms": d["p50_ms"], "p99_ms": d["p99_ms"], "errors": d["errors"]})
            print(f"| {name} | {c} | {mode} | {d['rate']:,.0f} | {d['p50_ms']:.2f} | {d['p99_ms']:.2f} | {d['errors']} | "
                  + (f"{ratio:.2f}×" if mode == "on" else "") + " |")
    print(f"mean batch ({name}, requests weighted, all steps with batching on): {mean_batch:.1f} rows")
    result[f"mean_batch_rows_{name}"] = mean_batch
print()
print("| binary | round | one-row alone p50 / p99 ms | beside 1,000-row requests p50 / p99 ms | one-row req/s beside | 1,000-row req/s |")
print("|---|---:|---:|---:|---:|---:|")
for path in sorted(glob.glob(os.path.join(work, "mixed-*-alone-*.json"))):
    label, round_ = re.search(r"mixed-(\w+)-alone-(\d)\.json", path).groups()
    alone, beside = step(path), step(path.replace("-alone-", "-beside-"))
    big = step(path.replace("-alone-", "-big-"))
    result["mixed"].append({"binary": label, "round": int(round_), "alone": alone, "beside": beside, "big_rate": big["rate"]})
    print(f"| {label} | {round_} | {alone['p50_ms']:.2f} / {alone['p99_ms']:.2f} | {beside['p50_ms']:.2f} / {beside['p99_ms']:.2f} | "
          f"{beside['rate']:,.0f} | {big['rate']:,.1f} |")
json.dump(result, open(out, "w"), indent=1, default=str)
PY
