# Shared by bench/engine.sh and bench/run.sh (sourced; needs START, END and LIMIT set).

log() { printf '[%4ds] %s\n' "$(($(date +%s) - START))" "$*" >&2; }

CHILD=""
KILL_AFTER=${KILL_AFTER:-5}

# Ctrl-C or TERM: stop the running measurement (which stops its server), then exit.
stop() {
    log "interrupted; stopping"
    if [[ -n $CHILD ]]; then kill -TERM "$CHILD" 2>/dev/null || true; wait "$CHILD" 2>/dev/null || true; fi
    exit 130
}
trap stop INT TERM
# bounded [-t CAP] OUT ERR cmd...: runs cmd (stdout to OUT, stderr to ERR; the same file for
# both when equal) under `timeout`, for at most CAP seconds and never past the whole run's
# limit; sets RC. Runs in the background and waits, so an interrupt reaches the trap at once and
# the trap can stop it.
bounded() {
    local cap=$LIMIT
    if [[ $1 == -t ]]; then cap=$2; shift 2; fi
    local out=$1 err=$2 left=$((END - $(date +%s)))
    shift 2
    RC=0
    if ((left <= 5)); then log "out of time before: $*"; RC=124; return 0; fi
    ((left < cap)) && cap=$left
    if [[ $out == "$err" ]]; then
        timeout --kill-after="$KILL_AFTER" "$cap" "$@" >"$out" 2>&1 </dev/null &
    else
        timeout --kill-after="$KILL_AFTER" "$cap" "$@" >"$out" 2>"$err" </dev/null &
    fi
    CHILD=$!
    wait "$CHILD" || RC=$?
    CHILD=""
}

# build_release CAP PRODUCT...: one release build per product (`swift build` honours only the
# last --product flag; later builds reuse the first's libraries); exits on failure.
build_release() {
    local cap=$1 product
    shift
    for product in "$@"; do
        log "swift build -c release --product $product"
        bounded -t "$cap" "$WORK/build.log" "$WORK/build.log" swift build -c release --product "$product"
        grep -E "error|warning:|Build" "$WORK/build.log" | tail -5 >&2 || true
        ((RC == 0)) || { tail -20 "$WORK/build.log" >&2; log "the release build failed ($RC)"; exit 1; }
    done
}
