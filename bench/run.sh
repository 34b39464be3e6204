#!/usr/bin/env bash
# The HTTP benchmark, Augur vs the Python serving stacks, in one command.
#
#   bench/run.sh             build Augur (release), set up bench/work/venv-http, measure every
#                            stack on 127.0.0.1, write bench/results/http-<date>.{json,png} and the
#                            HTTP section of BENCHMARKS.md
#   bench/run.sh --engine    then also run the engine comparison (bench/engine.sh)
#   bench/run.sh --explain   then also run the explanation benchmark (bench/explain.py in .venv-explain:
#                            TreeSHAP µs/row, Augur vs shap's C++ TreeExplainer, bench/results/explain.json)
#   bench/run.sh --batching  then also run the batching benchmark (bench/batching.sh: the 300-tree GBR
#                            and the 500-tree forest with batching off and on at 8/64/256 connections,
#                            and one-row requests beside 1,000-row ones; bench/results/batching.json)
#
# Stacks, all serving examples/loan's forest with the same JSON body: Augur (`augur serve
# examples/loan`), a Hummingbird hello-world route (augur-hello: the framework ceiling), FastAPI +
# pydantic + scikit-learn pickle, FastAPI + pydantic + onnxruntime (1 thread), both on uvicorn with
# 1 worker, and BentoML + scikit-learn when it installs (in its own venv, bench/work/venv-bento);
# and the Open Inference Protocol v2 over REST: Augur's raw model `loan` against MLServer 1.7.1 +
# mlserver-sklearn (bench/work/venv-mlserver, one process), both with the same JSON tensor body;
# and the same over gRPC (ModelInfer; augur_grpc, mlserver_grpc), driven by augur-grpc-load
# (Sources/augur-grpc-load: a Swift closed-loop client, C calls in flight over 2 HTTP/2 connections).
#
# Environment:
#   BENCH_SKIP_BUILD=1   use binaries already built: BENCH_BIN (default .build/release) for augur,
#                        BENCH_HELLO_BIN (default BENCH_BIN) for augur-hello
#   BENCH_SECONDS        measured seconds per wrk run (default 8; a 2 s warm-up precedes each)
#   BENCH_ROUNDS         rounds, the stacks taking turns (default 2)
#   BENCH_LAUNCHES       launches per stack for launch → first prediction (default 5)
#   BENCH_STACKS         comma-separated subset (default augur,hello,fastapi_sklearn,fastapi_onnxruntime,bentoml,augur_v2,mlserver,
#                        augur_grpc,mlserver_grpc)
#   BENCH_LIMIT          whole-run limit in seconds (default 1500); every step is bounded by what is left
#
# Every server is started by bench/http_bench.py in its own session and stopped by its PID at
# the end of its turn, on an error, at the time limit or on Ctrl-C (the trap in bench/lib.sh stops the
# measuring process, which stops its server). Only 127.0.0.1 is contacted.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
START=$(date +%s)
LIMIT=${BENCH_LIMIT:-1500}
END=$((START + LIMIT))
WORK="$ROOT/bench/work"
RESULTS="$ROOT/bench/results"
STAMP=$(date -u +%Y-%m-%d-%H%M)
BIN=${BENCH_BIN:-$ROOT/.build/release}
HELLO_BIN=${BENCH_HELLO_BIN:-$BIN}
VENV="$WORK/venv-http"
BENTO_VENV="$WORK/venv-bento"
MLSERVER_VENV="$WORK/venv-mlserver"
STACKS=${BENCH_STACKS:-augur,hello,fastapi_sklearn,fastapi_onnxruntime,bentoml,augur_v2,mlserver,augur_grpc,mlserver_grpc}
ENGINE=0
EXPLAIN=0
BATCHING=0
for arg in "$@"; do
    case $arg in
        --engine) ENGINE=1 ;;
        --explain) EXPLAIN=1 ;;
        --batching) BATCHING=1 ;;
        -h | --help) sed -n '2,30p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done
# onnxruntime and numpy run without this workplace's OpenBLAS overrides, as in bench/engine.sh.
PYENV=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1)

# shellcheck source=bench/lib.sh
KILL_AFTER=20
source "$ROOT/bench/lib.sh"


build() {
    if [[ ${BENCH_SKIP_BUILD:-0} == 1 ]]; then log "skipping the build ($BIN/augur, $HELLO_BIN/augur-hello)"; return 0; fi
    build_release 900 augur augur-hello augur-grpc-load
}

# venv DIR REQUIREMENTS: creates DIR and installs the pinned REQUIREMENTS unless already done.
venv() {
    local dir=$1 req=$2 stamp
    stamp=$(sha256sum "$req" | cut -c1-16)
    if [[ -x $dir/bin/python && $(cat "$dir/.bench-stamp" 2>/dev/null) == "$stamp" ]]; then return 0; fi
    log "installing $req into ${dir#"$ROOT"/}"
    [[ -x $dir/bin/python ]] || python3 -m venv "$dir"
    bounded -t 600 "$WORK/pip-$(basename "$dir").log" "$WORK/pip-$(basename "$dir").log" "$dir/bin/pip" install -q --disable-pip-version-check -r "$req"
    if ((RC == 0)); then echo "$stamp" >"$dir/.bench-stamp"; else tail -5 "$WORK/pip-$(basename "$dir").log" >&2; fi
    return 0
}

setup() {
    command -v wrk >/dev/null || { log "installing wrk"; { apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }; } >"$WORK/apt.log" 2>&1 || { log "wrk is missing and did not install"; exit 1; }; }
    venv "$VENV" bench/requirements-http.txt
    [[ -f $VENV/.bench-stamp ]] || { log "the FastAPI venv did not install"; exit 1; }
    if [[ ,$STACKS, == *,bentoml,* ]]; then
        venv "$BENTO_VENV" bench/requirements-bento.txt
        if [[ ! -f $BENTO_VENV/.bench-stamp ]] || ! "$BENTO_VENV/bin/python" -c "import bentoml" 2>/dev/null; then
            log "BentoML did not install: skipping it"
            STACKS=$(sed -e 's/,*bentoml//' <<<"$STACKS")
        fi
    fi
    if [[ ,$STACKS, == *,mlserver,* || ,$STACKS, == *,mlserver_grpc,* ]]; then
        venv "$MLSERVER_VENV" bench/requirements-mlserver.txt
        [[ -f $MLSERVER_VENV/.bench-stamp ]] || { log "MLServer did not install: skipping it"; STACKS=$(sed -e 's/,*mlserver_grpc//; s/,*mlserver//' <<<"$STACKS"); }
    fi
    log "training the scikit-learn forest of examples/loan/train.py into bench/work/loan.pkl"
    bounded -t 120 "$WORK/train.log" "$WORK/train.log" "${PYENV[@]}" "$VENV/bin/python" bench/http_train.py "$WORK/loan.pkl"
    ((RC == 0)) || { cat "$WORK/train.log" >&2; log "training failed"; exit 1; }
}

facts() {
    local bento=none
    [[ -x $BENTO_VENV/bin/python ]] && bento=$("$BENTO_VENV/bin/python" -c "import bentoml; print(bentoml.__version__)" 2>/dev/null || echo none)
    "$VENV/bin/python" - "$WORK/http-facts.json" "$bento" "$(wrk -v 2>&1 | head -1)" "$BIN/augur" <<'EOF'
import json, os, platform, subprocess, sys, time
from importlib.metadata import version
def cmd(*args):
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception as e:
        return f"unavailable ({e})"
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
mem = next((l.split(":", 1)[1].strip() for l in open("/proc/meminfo") if l.startswith("MemTotal")), "unknown")
facts = {"nproc": os.cpu_count(), "cpu_model": cpu, "mem_total": mem, "kernel": platform.release(),
         "swift": (cmd("swift", "--version").splitlines() or ["unknown"])[0], "python": platform.python_version(),
         **{k.replace("-", "_"): version(k) for k in ("fastapi", "pydantic", "uvicorn", "uvloop", "httptools",
                                                      "scikit-learn", "onnxruntime", "numpy", "matplotlib")},
         "bentoml": sys.argv[2], "wrk": sys.argv[3],
         "augur_binary": f"{sys.argv[4]} (built {time.strftime('%Y-%m-%d %H:%M', time.gmtime(os.path.getmtime(sys.argv[4])))} UTC)",
         "git_commit": cmd("git", "rev-parse", "--short", "HEAD"), "load_average_start": open("/proc/loadavg").read().split()[:3]}
json.dump(facts, open(sys.argv[1], "w"), indent=1)
EOF
}

main() {
    mkdir -p "$WORK" "$RESULTS"
    build
    [[ -x $BIN/augur ]] || { log "no $BIN/augur (build it, or set BENCH_BIN)"; exit 1; }
    if [[ ! -x $HELLO_BIN/augur-hello ]]; then
        log "no $HELLO_BIN/augur-hello: the hello-world ceiling is skipped"
        STACKS=$(sed -e 's/,*hello//' <<<"$STACKS")
    fi
    setup
    facts
    log "measuring: $STACKS"
    local raw="$WORK/http-raw-$STAMP.json"
    bounded "$WORK/http-bench.log" "$WORK/http-bench.log" "${PYENV[@]}" "$VENV/bin/python" bench/http_bench.py --out "$raw" --work "$WORK" \
        --stacks "$STACKS" --augur "$BIN/augur" --hello "$HELLO_BIN/augur-hello" --grpc-load "$BIN/augur-grpc-load" --venv "$VENV" \
        --bento-venv "$BENTO_VENV" --mlserver-venv "$MLSERVER_VENV" --pickle "$WORK/loan.pkl" --seconds "${BENCH_SECONDS:-8}" \
        --rounds "${BENCH_ROUNDS:-2}" --launches "${BENCH_LAUNCHES:-5}" --deadline $((END - 60))
    cat "$WORK/http-bench.log" >&2
    ((RC == 0)) || { log "the measurement failed ($RC)"; [[ -s $raw ]] || exit 1; }
    log "writing the report"
    bounded -t 120 "$WORK/http-report.log" "$WORK/http-report.log" "$VENV/bin/python" bench/http_report.py --raw "$raw" \
        --facts "$WORK/http-facts.json" --out "$RESULTS/http-$STAMP" --benchmarks "$ROOT/BENCHMARKS.md" --date "$STAMP"
    ((RC == 0)) || { cat "$WORK/http-report.log" >&2; log "the report failed ($RC)"; exit 1; }
    log "done: BENCHMARKS.md, $RESULTS/http-$STAMP.{json,png}"
    if ((ENGINE)); then
        log "the engine comparison (bench/engine.sh)"
        BENCH_LIMIT=$((END - $(date +%s))) bench/engine.sh
    fi
    if ((EXPLAIN)); then
        [[ -x $ROOT/.venv-explain/bin/python ]] || { log "no .venv-explain (scripts/setup-venv.sh): the explanation benchmark is skipped"; return 0; }
        log "the explanation benchmark (bench/explain.py)"
        bounded -t 900 "$WORK/explain.log" "$WORK/explain.err" "${PYENV[@]}" "$ROOT/.venv-explain/bin/python" bench/explain.py "$BIN/augur"
        cat "$WORK/explain.log"
        ((RC == 0)) || { tail -20 "$WORK/explain.err" >&2; log "the explanation benchmark failed ($RC)"; exit 1; }
    fi
    if ((BATCHING)); then
        log "the batching benchmark (bench/batching.sh)"
        [[ -f bench/work/models/c_rf500.onnx ]] || "${PYENV[@]}" "$ROOT/.venv/bin/python" bench/engine_models.py bench/work/models --csv-rows 1000 --pool-rows 2000
        bounded -t 900 "$WORK/batching.log" "$WORK/batching.err" bench/batching.sh "$BIN"
        cat "$WORK/batching.log"
        ((RC == 0)) || { tail -20 "$WORK/batching.err" >&2; log "the batching benchmark failed ($RC)"; exit 1; }
    fi
}

main "$@"
