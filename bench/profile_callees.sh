#!/usr/bin/env bash
# Callees of the functions whose name matches REGEX in a callgrind profile, in Ir per request.
#
#   bench/profile_callees.sh PROFILE N REGEX
set -euo pipefail
callgrind_annotate --inclusive=yes --tree=calling --threshold=100 --auto=no "$1" 2>/dev/null | swift demangle --simplified |
    awk -v n="$2" -v re="$3" '
        function ir(s) { gsub(",", "", s); return s / n }
        /^ *[0-9,]+ .*\*  / { p = ($0 ~ re) && ($0 !~ /\x272/) }
        /^$/ { p = 0 }
        p {
            line = $0; sub(/ \[\/.*/, "", line)
            cost = line; sub(/^ */, "", cost); sub(/ .*/, "", cost)
            name = line; sub(/^ *[0-9,]+ \([ 0-9.%]+\) +/, "", name)
            gsub(/\/work\/wt-perf\/(Sources|\.build\/checkouts)\//, "", name)
            printf "%9.0f  %s\n", ir(cost), substr(name, 1, 170)
        }'
