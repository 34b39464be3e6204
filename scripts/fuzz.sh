#!/usr/bin/env bash
# Fuzz Augur's ONNX loader (Sources/augur-fuzz/FuzzLoader.swift) with libFuzzer for a bounded
# time, then replay the saved crash inputs in Tests/FuzzRegressions/ with the normal build.
#
# Usage: scripts/fuzz.sh [--fuzz-only | --replay-only]
#
# Environment:
#   FUZZ_SECONDS     fuzzing time budget in seconds (default 60; 0 skips fuzzing)
#   FUZZ_SCRATCH     SwiftPM scratch folder of the fuzzer build (default .build-fuzz)
#   FUZZ_ASAN        1: AddressSanitizer too, 0: libFuzzer only, auto (default): ASan when it
#                    builds and runs here, otherwise libFuzzer only
#   FUZZ_CORPUS      keep the working corpus in this folder across runs (default: a temp folder)
#   FUZZ_ARGS        extra libFuzzer flags (e.g. "-seed=1 -detect_leaks=0")
#   FUZZ_REGRESSIONS folder of saved crash inputs (default Tests/FuzzRegressions)
#   FUZZ_MUTATOR     structure (default): the custom mutator of Sources/augur-fuzz/ModelMutator.swift
#                    decodes each ONNX ModelProto, mutates tensor dims, data lengths, element
#                    types, attribute ints/floats/lists, node names and ids, declared shapes,
#                    opsets and op types, and re-encodes it (one mutation in four stays
#                    libFuzzer's byte-level one); bytes: libFuzzer's byte-level mutations only
#   FUZZ_MUTANTS     seeded structure-aware mutants of every seed file run by the replay step
#                    (default 20; deterministic, no libFuzzer needed; 0 skips)
#   FUZZ_RSS_MB      libFuzzer -rss_limit_mb (default 6144: a tensor at the engine's cap of
#                    2^28 elements is 2 GiB of int64, and some kernels hold two)
#
# Steps:
#   1. swift build --scratch-path .build-fuzz --product augur-fuzz \
#        -Xswiftc -sanitize=fuzzer[,address] -Xswiftc -DFUZZING
#      The sanitizers go in ONE -sanitize= flag: with two separate flags swift-driver keeps only
#      the last, and "-sanitize=fuzzer -sanitize=address" silently drops coverage
#      instrumentation (libFuzzer then warns "Is the code instrumented for coverage?").
#      SwiftPM links every Swift executable with `--defsym main=augur_fuzz_main` (the renamed
#      @main entry point), which the -DFUZZING build does not have, so the link fails with
#      "undefined symbol 'augur_fuzz_main'". Unless FuzzLoader.swift defines that entry point
#      itself, this script compiles a 3-line C shim (augur_fuzz_main → LLVMFuzzerRunDriver)
#      and links it in with -Xlinker.
#   2. Seeds a temp corpus with Tests/Fixtures/*/model.onnx, the hand-made hostile models of
#      Tests/HostileModels/ (scripts/make_hostile_models.py) and Tests/FuzzRegressions/*,
#      runs -max_total_time=$FUZZ_SECONDS -timeout=10 -rss_limit_mb=$FUZZ_RSS_MB with artifacts
#      written to a temp folder, and copies any crash/timeout/oom/leak input into
#      Tests/FuzzRegressions/ (the libFuzzer log goes to $FUZZ_SCRATCH/fuzz-last.log).
#   3. Replay: swift build --product augur-fuzz (normal build, .build/) and
#      .build/debug/augur-fuzz Tests/FuzzRegressions/* Tests/HostileModels/* must exit 0, and so
#      must .build/debug/augur-fuzz --mutate $FUZZ_MUTANTS over the hostile models and fixtures
#      (a few seconds: the same structure-aware mutations, from fixed seeds).
#
# Exit status: 0 when fuzzing found nothing and every regression input replays cleanly.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

MODE=all
case "${1:-}" in
    "") ;;
    --fuzz-only) MODE=fuzz ;;
    --replay-only) MODE=replay ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | cut -c3-; exit 0 ;;
    *) echo "fuzz.sh: unknown argument '$1' (use --fuzz-only or --replay-only)" >&2; exit 2 ;;
esac

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
SCRATCH=${FUZZ_SCRATCH:-.build-fuzz}
FUZZ_ASAN=${FUZZ_ASAN:-auto}
REGRESSIONS=${FUZZ_REGRESSIONS:-Tests/FuzzRegressions}
HOSTILE=Tests/HostileModels
FUZZ_MUTANTS=${FUZZ_MUTANTS:-20}
FUZZ_RSS_MB=${FUZZ_RSS_MB:-6144}
case "${FUZZ_MUTATOR:-structure}" in
    structure) unset AUGUR_FUZZ_MUTATOR ;;
    bytes) export AUGUR_FUZZ_MUTATOR=bytes ;;
    *) echo "fuzz.sh: FUZZ_MUTATOR must be structure or bytes, not '${FUZZ_MUTATOR}'" >&2; exit 2 ;;
esac
SWIFTC=$(command -v swiftc || true)
CLANG=${CLANG:-}
if [[ -z "$CLANG" ]]; then
    # The toolchain's clang matches the compiler-rt (libFuzzer) that swiftc links.
    if [[ -n "$SWIFTC" && -x "$(dirname "$(readlink -f "$SWIFTC")")/clang" ]]; then
        CLANG="$(dirname "$(readlink -f "$SWIFTC")")/clang"
    else
        CLANG=clang
    fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/augur-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
status=0

log() { printf 'fuzz.sh: %s\n' "$*" >&2; }

# ---------------------------------------------------------------------------------------------
# 1. libFuzzer build
# ---------------------------------------------------------------------------------------------

shim_flags=()
prepare_shim() {
    if grep -qsE 'augur_fuzz_main|LLVMFuzzerRunDriver' Sources/augur-fuzz/*.swift; then
        return  # the Swift target provides its own entry point under FUZZING
    fi
    mkdir -p "$SCRATCH"
    local src="$SCRATCH/augur-fuzz-main.c" obj="$SCRATCH/augur-fuzz-main.o"
    cat >"$work/augur-fuzz-main.c" <<'EOF'
// Generated by scripts/fuzz.sh. SwiftPM links executables with --defsym main=augur_fuzz_main;
// in the -DFUZZING build there is no @main, so route that entry point to libFuzzer's driver.
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *, size_t));
int augur_fuzz_main(int argc, char **argv) { return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput); }
EOF
    # Keep the object at a stable path with stable contents so SwiftPM's link step stays cached.
    if ! cmp -s "$work/augur-fuzz-main.c" "$src" || [[ ! -f "$obj" ]]; then
        cp "$work/augur-fuzz-main.c" "$src"
        "$CLANG" -c -O1 -fPIC "$src" -o "$obj"
    fi
    shim_flags=(-Xlinker "$ROOT/$obj")
}

build_fuzzer() {  # $1 = sanitizer list, e.g. fuzzer,address
    log "building augur-fuzz with -sanitize=$1 in $SCRATCH"
    swift build --scratch-path "$SCRATCH" --product augur-fuzz \
        -Xswiftc "-sanitize=$1" -Xswiftc -DFUZZING "${shim_flags[@]}" \
        >"$work/build.log" 2>&1 || { grep -v 'Cannot export local symbol' "$work/build.log" | tail -25 >&2; return 1; }
    grep -v 'Cannot export local symbol' "$work/build.log" | tail -1 >&2
}

FUZZER_BIN=""
build_and_check() {
    prepare_shim
    local sans=()
    case "$FUZZ_ASAN" in
        1|yes|true) sans=(fuzzer,address) ;;
        0|no|false) sans=(fuzzer) ;;
        *) sans=(fuzzer,address fuzzer) ;;
    esac
    local s bin
    for s in "${sans[@]}"; do
        if ! build_fuzzer "$s"; then
            log "build with -sanitize=$s failed"
            continue
        fi
        bin="$(swift build --scratch-path "$SCRATCH" --show-bin-path)/augur-fuzz"
        # Smoke test: the instrumented binary must start, find coverage and run one input.
        mkdir -p "$work/smoke"
        printf '\x08\x07' >"$work/smoke/seed"
        if "$bin" -runs=10 "$work/smoke" >"$work/smoke.log" 2>&1 \
            && ! grep -q 'Is the code instrumented for coverage' "$work/smoke.log"; then
            FUZZER_BIN=$bin
            log "fuzzer ready: $bin (-sanitize=$s)"
            return 0
        fi
        log "fuzzer built with -sanitize=$s does not run here:"
        tail -15 "$work/smoke.log" >&2
    done
    return 1
}

# ---------------------------------------------------------------------------------------------
# 2. bounded fuzzing run
# ---------------------------------------------------------------------------------------------

run_fuzzer() {
    local corpus=${FUZZ_CORPUS:-$work/corpus} artifacts=$work/artifacts seeds=0 f name
    mkdir -p "$corpus" "$artifacts"
    for f in Tests/Fixtures/*/model.onnx; do
        [[ -f "$f" ]] || continue
        name=$(basename "$(dirname "$f")")
        cp "$f" "$corpus/fixture-$name.onnx"
        seeds=$((seeds + 1))
    done
    for f in "$HOSTILE"/*.onnx; do
        [[ -f "$f" ]] || continue
        cp "$f" "$corpus/hostile-$(basename "$f")"
        seeds=$((seeds + 1))
    done
    if [[ -d "$REGRESSIONS" ]]; then
        for f in "$REGRESSIONS"/*; do
            [[ -f "$f" ]] || continue
            cp "$f" "$corpus/regression-$(basename "$f")"
            seeds=$((seeds + 1))
        done
    fi
    log "corpus: $seeds seed files in $corpus; fuzzing for ${FUZZ_SECONDS}s (${FUZZ_MUTATOR:-structure} mutations)"
    local rc=0
    # shellcheck disable=SC2086
    "$FUZZER_BIN" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb="$FUZZ_RSS_MB" \
        -artifact_prefix="$artifacts/" -print_final_stats=1 ${FUZZ_ARGS:-} "$corpus" \
        >"$work/fuzz.log" 2>&1 || rc=$?
    cp "$work/fuzz.log" "$SCRATCH/fuzz-last.log"
    grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
        "$work/fuzz.log" >&2 || true
    local found=()
    for f in "$artifacts"/*; do
        [[ -f "$f" ]] && found+=("$f")
    done
    if ((${#found[@]} == 0)) && ((rc == 0)); then
        log "no crashes in ${FUZZ_SECONDS}s (log: $SCRATCH/fuzz-last.log)"
        return 0
    fi
    log "libFuzzer exited with status $rc; ${#found[@]} artifact(s)"
    mkdir -p "$REGRESSIONS"
    for f in "${found[@]}"; do
        cp "$f" "$REGRESSIONS/$(basename "$f").onnx"
        log "saved $REGRESSIONS/$(basename "$f").onnx ($(wc -c <"$f") bytes)"
    done
    # The report: the error, the top frames of the first stack and the summary.
    awk '/ERROR: |Fatal error|deadly signal|ALARM|out-of-memory|Swift runtime failure|SUMMARY: / { print; hit = 1; next }
         hit && /^ +#[0-9]+ / && frames < 16 { print; frames++ }' "$work/fuzz.log" | head -30 | cut -c1-240 >&2 || true
    log "full log: $SCRATCH/fuzz-last.log"
    return 1
}

# ---------------------------------------------------------------------------------------------
# 3. replay of saved inputs with the normal build
# ---------------------------------------------------------------------------------------------

replay() {
    local files=() f
    if [[ -d "$REGRESSIONS" ]]; then
        for f in "$REGRESSIONS"/*; do
            [[ -f "$f" && "$(basename "$f")" != .* ]] && files+=("$f")
        done
    fi
    local seeds=() hostile=0
    for f in "$HOSTILE"/*.onnx; do
        [[ -f "$f" ]] && { files+=("$f"); seeds+=("$f"); hostile=$((hostile + 1)); }
    done
    for f in Tests/Fixtures/*/model.onnx; do
        [[ -f "$f" ]] && seeds+=("$f")
    done
    if ((${#files[@]} == 0)); then
        log "replay: no files in $REGRESSIONS or $HOSTILE"
        return 0
    fi
    log "replay: building augur-fuzz (normal build)"
    swift build --product augur-fuzz >"$work/replay-build.log" 2>&1 || { tail -25 "$work/replay-build.log" >&2; return 1; }
    local bin rc=0
    bin="$(swift build --show-bin-path)/augur-fuzz"
    timeout 300 "$bin" "${files[@]}" >"$work/replay.log" || rc=$?
    if ((rc != 0)); then
        tail -5 "$work/replay.log" >&2
        log "replay: FAILED (exit $rc) on ${#files[@]} file(s) in $REGRESSIONS and $HOSTILE"
        return 1
    fi
    log "replay: ${#files[@]} file(s) OK ($hostile hostile models)"
    if ((FUZZ_MUTANTS > 0 && ${#seeds[@]} > 0)); then
        timeout 600 "$bin" --mutate "$FUZZ_MUTANTS" "${seeds[@]}" >"$work/mutants.log" || rc=$?
        if ((rc != 0)); then
            tail -3 "$work/mutants.log" >&2
            log "replay: a seeded mutant crashed (exit $rc); rerun: $bin --mutate $FUZZ_MUTANTS <file> to find it"
            return 1
        fi
        log "replay: $(tail -1 "$work/mutants.log")"
    fi
}

if [[ "$MODE" != replay ]] && ((FUZZ_SECONDS > 0)); then
    if build_and_check; then
        run_fuzzer || status=1
    else
        log "could not build a working libFuzzer binary"
        status=1
    fi
fi
if [[ "$MODE" != fuzz ]]; then
    replay || status=1
fi
exit $status
