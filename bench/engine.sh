#!/usr/bin/env bash
# The engine benchmark, Augur vs onnxruntime, in one command.
#
#   bench/engine.sh            build Augur (release), make the models, measure, write
#                              bench/results/engine-<date>.{json,md}
#
# Environment:
#   AUGUR_VENV      Python venv to use (default: .venv in the repo, created by
#                   scripts/setup-venv.sh from scripts/requirements-fixtures.txt when absent)
#   BENCH_SECONDS   timed seconds per measurement (default 2)
#   BENCH_BATCH     rows per batch in batch mode (default 1000)
#   BENCH_LIMIT     whole-run limit in seconds (default 570); every step is bounded by what is left
#   BENCH_SKIP_BUILD=1   use the binaries already built (in BENCH_BIN, default .build/release)
#   BENCH_REUSE_MODELS=1 keep bench/work/models when its manifest is there
#   BENCH_ROUNDS    rounds of each measurement (default 2; runs are interleaved Augur, ORT, Augur, ORT)
#
# Everything it starts runs under `timeout` and ends with it. Models, inputs and the 1M-row CSV
# go to bench/work/ (ignored by git).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
START=$(date +%s)
LIMIT=${BENCH_LIMIT:-570}
END=$((START + LIMIT))
SECS=${BENCH_SECONDS:-2}
BATCH=${BENCH_BATCH:-1000}
ROUNDS=${BENCH_ROUNDS:-2}
WORK="$ROOT/bench/work"
MODELS="$WORK/models"
STAMP=$(date -u +%Y-%m-%d-%H%M)
RESULTS="$ROOT/bench/results"
RAW="$WORK/results-$STAMP.jsonl"
VENV=${AUGUR_VENV:-$ROOT/.venv}
BIN=${BENCH_BIN:-$ROOT/.build/release}
# onnxruntime and pandas are measured without this workplace's OpenBLAS overrides (they slow
# numpy); nothing else changes them.
ORT_ENV=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1)

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"


ensure_venv() {
    if [[ ! -x $VENV/bin/python ]]; then
        [[ $VENV == "$ROOT/.venv" ]] || { log "AUGUR_VENV=$VENV has no bin/python"; exit 1; }
        log "creating .venv (scripts/setup-venv.sh: pinned scripts/requirements-fixtures.txt)"
        bounded -t 400 "$WORK/pip.log" "$WORK/pip.log" scripts/setup-venv.sh
        ((RC == 0)) || { cat "$WORK/pip.log" >&2; log "creating the venv failed ($RC)"; exit 1; }
    fi
    PY="$VENV/bin/python"
}

build() {
    if [[ ${BENCH_SKIP_BUILD:-0} == 1 ]]; then log "skipping the build"; return 0; fi
    build_release 480 augur augur-bench
}

# record ID ROUND ENGINE cmd...: runs one measurement, appends its JSON line (or the error) to RAW.
record() {
    local id=$1 round=$2 engine=$3 out rc
    shift 3
    bounded -t 120 "$WORK/stdout.txt" "$WORK/stderr.txt" "$@"
    rc=$RC
    out=$(tail -1 "$WORK/stdout.txt")
    "$PY" - "$id" "$round" "$engine" "$rc" "$out" "$WORK/stderr.txt" >>"$RAW" <<'EOF'
import json, sys
id_, round_, engine, rc, out, err = sys.argv[1:7]
line = out.strip().splitlines()[-1] if out.strip() else ""
try:
    result = json.loads(line) if rc == "0" else None
except ValueError:
    result = None
error = None if result else (open(err).read().strip()[-600:] or f"exit status {rc}")
print(json.dumps({"id": id_, "round": int(round_), "engine": engine, "result": result, "error": error}))
EOF
    if ((rc == 0)); then log "  $engine $id #$round: $(tail -c 180 <<<"$out")"; else log "  $engine $id #$round FAILED ($rc): $(tail -c 300 "$WORK/stderr.txt")"; fi
}

engine_pair() {  # ID MODEL ARGS...: Augur then onnxruntime, ROUNDS times
    local id=$1 model=$2 round
    shift 2
    for ((round = 1; round <= ROUNDS; round++)); do
        record "$id" "$round" augur "$BIN/augur-bench" "$MODELS/$model.onnx" --input "$MODELS/$model.f32" "$@"
        record "$id" "$round" onnxruntime "${ORT_ENV[@]}" "$PY" bench/engine_ort.py "$MODELS/$model.onnx" --input "$MODELS/$model.f32" "$@"
    done
}

# csv_run ID ROUND ENGINE cmd...: times one end-to-end run of a whole process (wall clock, max RSS).
csv_run() {
    local id=$1 round=$2 engine=$3 t0 t1 rc rss=""
    shift 3
    rm -f "$WORK/rss.txt"
    local timer=()
    [[ -x /usr/bin/time ]] && timer=(/usr/bin/time -f %M -o "$WORK/rss.txt")
    t0=$(date +%s%N)
    bounded -t 120 "$WORK/stdout.txt" "$WORK/stderr.txt" "${timer[@]}" "$@"
    t1=$(date +%s%N)
    rc=$RC
    rss=$(tail -1 "$WORK/rss.txt" 2>/dev/null || true)
    "$PY" - "$id" "$round" "$engine" "$rc" "$(( (t1 - t0) / 1000 ))" "${rss:-0}" "$WORK/stdout.txt" "$WORK/stderr.txt" >>"$RAW" <<'EOF'
import json, sys
id_, round_, engine, rc, micros, rss, out, err = sys.argv[1:9]
text = open(out).read().strip()
try:
    phases = json.loads(text.splitlines()[-1]) if text else {}
except ValueError:
    phases = {}
ok = rc == "0"
result = {"wall_s": int(micros) / 1e6, "max_rss_mb": round(int(rss) / 1024, 1) if rss.isdigit() else None, **phases} if ok else None
error = None if ok else (open(err).read().strip()[-600:] or f"exit status {rc}")
print(json.dumps({"id": id_, "round": int(round_), "engine": engine, "result": result, "error": error}))
EOF
    if ((rc == 0)); then log "  $engine $id #$round: $(( (t1 - t0) / 1000000 )) ms"; else log "  $engine $id #$round FAILED ($rc): $(tail -c 300 "$WORK/stderr.txt")"; fi
}

csv_end_to_end() {
    local round csv="$MODELS/loan_rows.csv" model="$MODELS/a_rf25.onnx"
    for ((round = 1; round <= ROUNDS; round++)); do
        for threads in 1 2; do
            csv_run "csv_t$threads" "$round" augur "$BIN/augur" predict \
                --model "$model" --input "$csv" --output "$WORK/augur-out-t$threads.json" --threads "$threads"
        done
        csv_run csv_pandas "$round" pandas+onnxruntime "${ORT_ENV[@]}" "$PY" bench/engine_ort.py predict-csv \
            "$model" "$csv" "$WORK/ort-out.json"
    done
}

facts() {
    "$PY" - "$WORK/facts.json" "$START" <<'EOF'
import json, os, platform, subprocess, sys
def cmd(*args):
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception as e:
        return f"unavailable ({e})"
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
mem = next((l.split(":", 1)[1].strip() for l in open("/proc/meminfo") if l.startswith("MemTotal")), "unknown")
import onnxruntime, numpy, sklearn, skl2onnx, pandas
facts = {
    "nproc": os.cpu_count(), "cpu_model": cpu, "mem_total": mem, "kernel": platform.release(),
    "swift": cmd("swift", "--version").splitlines()[0] if cmd("swift", "--version") else "unknown",
    "onnxruntime": onnxruntime.__version__, "python": platform.python_version(), "numpy": numpy.__version__,
    "scikit_learn": sklearn.__version__, "skl2onnx": skl2onnx.__version__, "pandas": pandas.__version__,
    "git_commit": cmd("git", "rev-parse", "--short", "HEAD"), "git_branch": cmd("git", "rev-parse", "--abbrev-ref", "HEAD"),
    "load_average_start": open("/proc/loadavg").read().split()[:3],
}
json.dump(facts, open(sys.argv[1], "w"), indent=1)
EOF
}

main() {
    mkdir -p "$WORK" "$MODELS" "$RESULTS"
    : >"$RAW"
    ensure_venv
    build
    if [[ ${BENCH_REUSE_MODELS:-0} == 1 && -f $MODELS/manifest.json ]]; then
        log "reusing the models in $MODELS"
    else
        log "training and exporting models into $MODELS"
        bounded -t 240 "$WORK/models.log" "$WORK/models.log" "$PY" bench/engine_models.py "$MODELS"
        cat "$WORK/models.log" >&2
        ((RC == 0)) || { log "making the models failed ($RC)"; exit 1; }
    fi
    facts
    local m
    log "batch throughput (batch $BATCH, ${SECS}s each)"
    for m in a_rf25 b_gbr300 c_rf500 d_linear e_svc_rbf f_knn; do
        engine_pair "batch_$m" "$m" --batch "$BATCH" --seconds "$SECS"
    done
    log "single-row latency (${SECS}s each)"
    for m in a_rf25 a_rf25_zipmap b_gbr300 c_rf500 d_linear e_svc_rbf f_knn; do
        engine_pair "single_$m" "$m" --single --seconds "$SECS"
    done
    log "1M-row CSV end to end"
    csv_end_to_end
    log "writing the report"
    bounded -t 120 "$WORK/report.txt" "$WORK/report.err" "$PY" bench/engine_report.py --raw "$RAW" --facts "$WORK/facts.json" \
        --manifest "$MODELS/manifest.json" --work "$WORK" --out "$RESULTS/engine-$STAMP" \
        --seconds "$SECS" --batch "$BATCH" --rounds "$ROUNDS"
    ((RC == 0)) || { cat "$WORK/report.err" >&2; log "the report failed ($RC)"; exit 1; }
    cat "$WORK/report.txt"
    log "done: $RESULTS/engine-$STAMP.md"
}

main "$@"
