#!/usr/bin/env bash
# The AWS Lambda benchmark, Augur vs FastAPI + Mangum, both under the runtime interface emulator.
#
#   bench/lambda.sh          set up bench/work/venv-lambda, pack Augur's function.zip per binary,
#                            measure on 127.0.0.1, write bench/results/lambda-<UTC date>.{json,md}
#
# The Python function is bench/lambda_app.py (bench/http_apps.py's FastAPI + pydantic + onnxruntime
# loan app behind Mangum, run by awslambdaric); its venv comes from bench/requirements-lambda.txt
# (awslambdaric installs from its manylinux wheel: no apt packages needed). Augur's functions are
# zips written by `augur build examples/loan --lambda --binary BINARY`, packed by a debug augur
# (any augur with `build --lambda`). What is measured, and how: bench/lambda.py's header.
# Builds no Swift: it uses binaries that exist, and waits while a Swift compiler is running (only
# the Runtime API floor, bench/lambda_floor.c, is compiled, with cc).
#
# Environment:
#   BENCH_LAMBDA_BINARIES  comma-separated NAME=PATH augur binaries to pack and measure (default:
#                          static=.build-static/release/augur, release=.build/release/augur,
#                          debug=.build/debug/augur; each kept only if it exists and has `augur lambda`)
#   BENCH_LAMBDA_ZIPS      comma-separated NAME=ZIP packages already written: measured as given,
#                          nothing is packed (overrides BENCH_LAMBDA_BINARIES)
#   BENCH_PACKER           the augur that runs `build --lambda` (default .build/debug/augur)
#   BENCH_FLOOR            1 (default): also measure bench/lambda_floor.c, a C runtime answering a
#                          fixed body (compiled with cc): the Runtime API hop alone; 0: not
#   BENCH_ROUNDS           rounds, the stacks taking turns A B A B (default 2)
#   BENCH_COLD             fresh emulators per stack and round (default 10)
#   BENCH_WARMUP, BENCH_WARM   warm-up and measured warm invocations (default 50, 500)
#   BENCH_QUIET_WAIT       before each turn, seconds to wait at most while other processes keep more
#                          than 0.3 cores busy (default 300; then it measures anyway and says so)
#   BENCH_LIMIT            whole-run limit in seconds (default 1500)
#
# Every emulator and function is started by bench/lambda.py in its own session and stopped by
# PID at the end of its turn, on an error, at the time limit or on Ctrl-C (the trap in
# bench/lib.sh stops bench/lambda.py, which stops its emulator). Only 127.0.0.1 is contacted.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
START=$(date +%s)
LIMIT=${BENCH_LIMIT:-1500}
END=$((START + LIMIT))
WORK="$ROOT/bench/work"
LWORK="$WORK/lambda"
RESULTS="$ROOT/bench/results"
STAMP=$(date -u +%Y-%m-%d-%H%M)
VENV="$WORK/venv-lambda"
REQ="$ROOT/bench/requirements-lambda.txt"
PACKER=${BENCH_PACKER:-$ROOT/.build/debug/augur}
BINARIES=${BENCH_LAMBDA_BINARIES:-static=$ROOT/.build-static/release/augur,release=$ROOT/.build/release/augur,debug=$ROOT/.build/debug/augur}
for arg in "$@"; do
    case $arg in
        -h | --help) sed -n '2,33p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done
# onnxruntime and numpy run without this workplace's OpenBLAS overrides, as in bench/run.sh.
PYENV=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1)

KILL_AFTER=20
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

label() {
    case $1 in
        static) echo "Augur (static release)" ;;
        release) echo "Augur (release, dynamic)" ;;
        debug) echo "Augur (debug build, not optimised)" ;;
        *) echo "Augur ($1)" ;;
    esac
}

setup() {
    [[ -x $ROOT/.tools/aws-lambda-rie ]] || { log "no .tools/aws-lambda-rie (scripts/setup-venv.sh extracts it)"; exit 1; }
    local stamp
    stamp=$(sha256sum "$REQ" | cut -c1-16)
    if [[ -x $VENV/bin/python && $(cat "$VENV/.bench-stamp" 2>/dev/null) == "$stamp" ]]; then return 0; fi
    log "installing bench/requirements-lambda.txt into bench/work/venv-lambda"
    [[ -x $VENV/bin/python ]] || python3 -m venv "$VENV"
    bounded -t 600 "$WORK/pip-venv-lambda.log" "$WORK/pip-venv-lambda.log" "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQ"
    ((RC == 0)) || { tail -5 "$WORK/pip-venv-lambda.log" >&2; log "the Lambda venv did not install"; exit 1; }
    echo "$stamp" >"$VENV/.bench-stamp"
}

# pack: fills ZIPS (NAME:LABEL=ZIP,…) from BENCH_LAMBDA_ZIPS, or packs every usable binary.
ZIPS=()
pack() {
    local spec name path
    if [[ -n ${BENCH_LAMBDA_ZIPS:-} ]]; then
        IFS=, read -ra specs <<<"$BENCH_LAMBDA_ZIPS"
        for spec in "${specs[@]}"; do ZIPS+=("${spec%%=*}:$(label "${spec%%=*}")=${spec#*=}"); done
        return 0
    fi
    [[ -x $PACKER ]] || { log "no packer $PACKER (set BENCH_PACKER to an augur with build --lambda)"; exit 1; }
    IFS=, read -ra specs <<<"$BINARIES"
    for spec in "${specs[@]}"; do
        name=${spec%%=*} path=${spec#*=}
        if [[ ! -x $path ]]; then log "$name: no $path, skipped"; continue; fi
        if ! "$path" --help 2>&1 | grep -qE '^ +lambda '; then log "$name: $path has no \`augur lambda\` (older code), skipped"; continue; fi
        log "$name: augur build examples/loan --lambda --binary ${path#"$ROOT"/}"
        bounded -t 300 "$LWORK/pack-$name.log" "$LWORK/pack-$name.log" "$PACKER" build examples/loan --lambda -o "$LWORK/augur-$name.zip" --binary "$path"
        cat "$LWORK/pack-$name.log" >&2
        ((RC == 0)) || { log "$name: packing failed ($RC), skipped"; continue; }
        ZIPS+=("$name:$(label "$name")=$LWORK/augur-$name.zip")
    done
    ((${#ZIPS[@]} > 0)) || { log "no Augur package to measure"; exit 1; }
}

main() {
    mkdir -p "$WORK" "$LWORK" "$RESULTS"
    setup
    pack
    local args=() zip
    for zip in "${ZIPS[@]}"; do args+=(--augur "$zip"); done
    if [[ ${BENCH_FLOOR:-1} == 1 ]] && command -v cc >/dev/null; then args+=(--floor); else log "no Runtime API floor (BENCH_FLOOR=0 or no cc)"; fi
    log "measuring: ${ZIPS[*]} and FastAPI + Mangum"
    bounded "$LWORK/lambda-bench.log" "$LWORK/lambda-bench.log" "${PYENV[@]}" "$VENV/bin/python" bench/lambda.py "${args[@]}" \
        --python-venv "$VENV" --rounds "${BENCH_ROUNDS:-2}" --cold "${BENCH_COLD:-10}" --warmup "${BENCH_WARMUP:-50}" \
        --warm "${BENCH_WARM:-500}" --quiet-wait "${BENCH_QUIET_WAIT:-300}" --limit $((END - $(date +%s) - 30)) --work "$LWORK" --out "$RESULTS/lambda-$STAMP.json"
    cat "$LWORK/lambda-bench.log" >&2
    ((RC == 0)) || { log "the measurement failed ($RC)"; [[ -s $RESULTS/lambda-$STAMP.json ]] || exit 1; }
    log "done: $RESULTS/lambda-$STAMP.{json,md}"
}

main "$@"
