"""Self (exclusive) Ir per request by function from callgrind profiles (bench/profile.sh).

    python3 bench/profile_self.py N PROFILE [PROFILE2] [--top K]
        self cost per request, one profile or two side by side (sorted by the difference)
    python3 bench/profile_self.py N PROFILE --callers REGEX [--top K]
        calls per request into functions matching REGEX (mangled names), by caller

Reads the callgrind format directly (callgrind_annotate 3.19 shows only `clone` as exclusive
for these multi-threaded dumps); names are demangled with `swift demangle --simplified`.
"""
import argparse
import collections
import re
import subprocess


def parse(path: str) -> tuple[collections.Counter, collections.Counter]:
    """(self cost by function, call count by (caller, callee)) with mangled names."""
    names: dict[str, str] = {}
    costs: collections.Counter = collections.Counter()
    calls: collections.Counter = collections.Counter()
    fn = cfn = None
    skip = False

    def name(line: str, prefix: str) -> str:
        m = re.match(prefix + r"=\((\d+)\)(?: (.*))?", line)
        if m.group(2):
            names[m.group(1)] = m.group(2)
        return names.get(m.group(1), m.group(1))

    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("fn="):
                fn = name(line, "fn")
            elif line.startswith("cfn="):
                cfn = name(line, "cfn")
            elif line.startswith("calls="):
                calls[(fn, cfn)] += int(line[6:].split()[0])
                skip = True  # the next cost line is the call's inclusive cost
            elif line[:1] in "0123456789+-*":
                if skip:
                    skip = False
                    continue
                parts = line.split()
                if len(parts) >= 2 and fn is not None:
                    costs[fn] += int(parts[1])
    return costs, calls


def demangle(names) -> dict[str, str]:
    names = sorted(names)
    out = subprocess.run(["swift", "demangle", "--simplified"], input="\n".join(names),
                         capture_output=True, text=True).stdout.split("\n")
    return dict(zip(names, out))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, help="requests in the profile")
    parser.add_argument("profiles", nargs="+")
    parser.add_argument("--top", type=int, default=60)
    parser.add_argument("--callers", metavar="REGEX")
    a = parser.parse_args()
    parsed = [parse(p) for p in a.profiles]
    if a.callers:
        counts = collections.Counter()
        for (caller, callee), c in parsed[0][1].items():
            if callee and re.search(a.callers, callee):
                counts[caller] += c
        pretty = demangle(counts)
        for caller, c in counts.most_common(a.top):
            print(f"{c / a.n:8.2f}  {pretty.get(caller, caller)[:160]}")
        return
    merged = []
    for costs, _ in parsed:
        pretty = demangle(costs)
        m = collections.Counter()
        for k, v in costs.items():
            m[pretty.get(k, k)] += v / a.n
        merged.append(m)
    print("total Ir/request: " + " vs ".join(f"{sum(m.values()):,.0f}" for m in merged))
    keys = set().union(*merged)
    if len(merged) == 2:
        order = sorted(keys, key=lambda k: -(merged[0][k] - merged[1][k]))
    else:
        order = sorted(keys, key=lambda k: -merged[0][k])
    for k in order[:a.top]:
        cols = " ".join(f"{m[k]:9,.0f}" for m in merged)
        delta = f" {merged[0][k] - merged[1][k]:+9,.0f}" if len(merged) == 2 else ""
        print(f"{cols}{delta}  {k[:150]}")


if __name__ == "__main__":
    main()
