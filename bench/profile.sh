#!/usr/bin/env bash
# Instructions per request under callgrind: Augur serving examples/loan vs the hello route.
#
#   bench/profile.sh [augur|hello] [N]     (default: both, N=2000)
#   PROFILE_ARGS="..." bench/profile.sh hello    extra arguments for the server
#   PROFILE_CONFIG=DIR bench/profile.sh augur    serve DIR instead of examples/loan (its route
#                                                must be loan_status and take the same body)
#
# Starts the release binary (BENCH_BIN, default .build/release) under
# `valgrind --tool=callgrind`, sends 200 warm-up requests on one keep-alive connection, zeroes
# the counters (callgrind_control -z), sends N identical requests (bench/profile_load.py),
# dumps (callgrind_control -d) and prints total Ir / N. Profiles are left in
# bench/work/profile/callgrind.<stack>.out.* for callgrind_annotate.
#
# valgrind 3.19 reads DWARF 4 only; Swift emits DWARF 4 but clang (the C targets of swift-nio,
# Yams, ...) emits DWARF 5 by default, which makes valgrind give up ("Possibly corrupted
# debuginfo file"). Build with:  swift build -c release -Xcc -gdwarf-4
# valgrind 3.19 also dies in libdispatch's dispatch_main() (rt_sigsuspend with a read-only
# mask): bench/valgrind/sigsuspend_shim.c is preloaded to pass it a copy.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BIN=${BENCH_BIN:-$ROOT/.build/release}
OUT=$ROOT/bench/work/profile
N=${2:-2000}
mkdir -p "$OUT"
SHIM=$OUT/sigsuspend_shim.so
[[ $SHIM -nt bench/valgrind/sigsuspend_shim.c ]] || cc -O2 -shared -fPIC -o "$SHIM" bench/valgrind/sigsuspend_shim.c
STACKS=${1:-augur hello}

profile() {
    local name=$1 port path pid log
    case $name in
        augur) port=18181; path=/loan_status; cmd=("$BIN/augur" serve "${PROFILE_CONFIG:-examples/loan}" --log-level warning --port $port) ;;
        hello) port=18190; path=/hello; cmd=("$BIN/augur-hello" --port $port) ;;
    esac
    # shellcheck disable=SC2206
    cmd+=(${PROFILE_ARGS:-})
    log=$OUT/valgrind.$name.log
    rm -f "$OUT"/callgrind.$name.out*
    # valgrind runs code ~50× slower, which would make every prediction look long enough for
    # the compute pool (RunCost): keep the inline path that real runs take.
    AUGUR_INLINE_BUDGET_US=${AUGUR_INLINE_BUDGET_US:-100000} LD_PRELOAD=$SHIM valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.$name.out" "${cmd[@]}" >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 600); do
        python3 bench/profile_load.py $port $path 1 >/dev/null 2>&1 && break
        kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }
        sleep 0.2
    done
    python3 bench/profile_load.py $port $path 200 >/dev/null
    callgrind_control -z $pid >/dev/null 2>&1
    python3 bench/profile_load.py $port $path "$N" >"$OUT/$name.response.json"
    callgrind_control -d "measured" $pid >/dev/null 2>&1
    kill -TERM $pid; wait $pid || true
    local dump
    dump=$(grep -l "^desc: Trigger: dump measured" "$OUT"/callgrind.$name.out* | head -1)
    local ir
    ir=$(awk '/^summary:/{print $2}' "$dump")
    printf '%s: %s Ir over %d requests = %d Ir/request (%s)\n' "$name" "$ir" "$N" $((ir / N)) "${dump#"$ROOT"/}"
}

for s in $STACKS; do profile "$s"; done
