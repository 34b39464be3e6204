#!/usr/bin/env python3
"""Turns bench/http_bench.py's raw results into bench/results/http-<date>.{json,png} and the
HTTP section of BENCHMARKS.md (between its http markers; the rest of the file is kept).

Usage: http_report.py --raw RAW.json --facts FACTS.json --out PREFIX --benchmarks BENCHMARKS.md

Each round's ratios compare runs of the same round (the stacks took turns), so the shared
machine's drift shows as a spread between rounds instead of hiding in one number.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

NAMES = {"augur": "Augur", "hello": "Hummingbird hello-world (ceiling)", "fastapi_sklearn": "FastAPI + scikit-learn",
         "fastapi_onnxruntime": "FastAPI + onnxruntime", "bentoml": "BentoML + scikit-learn",
         "augur_v2": "Augur, V2 REST (raw model)", "mlserver": "MLServer + scikit-learn, V2 REST",
         "augur_grpc": "Augur, V2 gRPC (raw model)", "mlserver_grpc": "MLServer + scikit-learn, V2 gRPC"}
# Python stacks answering the own-route body; MLServer answers the V2 body and is compared with augur_v2
# (REST) and augur_grpc (gRPC, both driven by augur-grpc-load instead of wrk).
PYTHON = ("fastapi_sklearn", "fastapi_onnxruntime", "bentoml")
BEGIN, END = "<!-- http-benchmark:begin -->", "<!-- http-benchmark:end -->"


def by(runs, stack, conns):
    return {r["round"]: r for r in runs if r["stack"] == stack and r["conns"] == conns}


def ratio(a, b):
    return round(a / b, 2) if a and b else None


def summarize(raw: dict) -> dict:
    runs, out = raw["runs"], {"per_conns": {}, "launch": {}, "memory": {}}
    rounds = sorted({r["round"] for r in runs})
    for c in raw["conns"]:
        rows = {}
        for s in raw["stacks"]:
            mine = by(runs, s, c)
            if not mine:
                continue
            per_round = []
            for n in rounds:
                r = mine.get(n)
                if not r:
                    continue
                best = max((by(runs, p, c).get(n, {}).get("rps", 0) for p in PYTHON), default=0)
                hello = by(runs, "hello", c).get(n, {}).get("rps")
                per_round.append({k: r[k] for k in ("round", "rps", "p50_us", "p99_us", "p999_us", "non_2xx",
                                                     "connect_errors", "read_errors", "write_errors", "timeouts",
                                                     "cpu_us_per_request", "requests")}
                                 | {"vs_best_python": ratio(r["rps"], best), "vs_hello": ratio(r["rps"], hello),
                                    "vs_fastapi_onnxruntime": ratio(r["rps"], by(runs, "fastapi_onnxruntime", c).get(n, {}).get("rps")),
                                    "vs_fastapi_sklearn": ratio(r["rps"], by(runs, "fastapi_sklearn", c).get(n, {}).get("rps")),
                                    "vs_mlserver": ratio(r["rps"], by(runs, "mlserver_grpc" if s.endswith("_grpc") else "mlserver", c)
                                                         .get(n, {}).get("rps"))})
            rows[s] = per_round
        out["per_conns"][str(c)] = rows
    for s in raw["stacks"]:
        ms = raw["launches"].get(s) or []
        out["launch"][s] = {"samples_ms": ms, "median_ms": round(statistics.median(ms), 1) if ms else None}
        mine = [r for r in runs if r["stack"] == s]
        if mine:
            out["memory"][s] = {"idle_rss_mb": min(r["idle_rss_mb"] for r in mine),
                                "peak_rss_mb": max(r["peak_rss_mb"] for r in mine)}
    return out


def fmt(values, unit=""):
    vals = [v for v in values if v is not None]
    return " / ".join(f"{v:,}{unit}" if isinstance(v, int) else f"{v:,.1f}{unit}" if v >= 100 else f"{v:g}{unit}" for v in vals) or "–"


def targets(summary: dict) -> list[tuple[str, str, bool | None]]:
    pc, rows = summary["per_conns"], []

    def vals(c, stack, key):
        return [r[key] for r in pc.get(str(c), {}).get(stack, []) if r.get(key) is not None]

    def check(desc, values, ok):
        rows.append((desc, fmt(values), all(ok(v) for v in values) if values else None))

    check("throughput ≥ 8× FastAPI + onnxruntime at 64 connections", vals(64, "augur", "vs_fastapi_onnxruntime"), lambda v: v >= 8)
    check("throughput ≥ 50× FastAPI + scikit-learn at 64 connections", vals(64, "augur", "vs_fastapi_sklearn"), lambda v: v >= 50)
    check("p99 at 8 connections < 1.5 ms (µs)", vals(8, "augur", "p99_us"), lambda v: v < 1500)
    launch = summary["launch"].get("augur", {}).get("median_ms")
    check("launch → first prediction ≤ 50 ms (median, ms)", [launch] if launch is not None else [], lambda v: v <= 50)
    idle = summary["memory"].get("augur", {}).get("idle_rss_mb")
    check("idle RSS ≤ 40 MB (MB)", [idle] if idle is not None else [], lambda v: v <= 40)
    for c in (8, 64):
        check(f"≥ 0.8 of the hello-world ceiling at {c} connections", vals(c, "augur", "vs_hello"), lambda v: v >= 0.8)
    check("V2 REST: throughput ≥ 20× MLServer at 64 connections", vals(64, "augur_v2", "vs_mlserver"), lambda v: v >= 20)
    if vals(64, "augur_grpc", "vs_mlserver"):
        check("V2 gRPC: throughput ≥ 20× MLServer's gRPC at 64 calls in flight", vals(64, "augur_grpc", "vs_mlserver"), lambda v: v >= 20)
    return rows


def markdown(raw, facts, summary, chart: str, json_name: str) -> str:
    f, lines = facts, []
    lines += [BEGIN, "## HTTP benchmark: Augur vs the Python serving stacks", "",
              f"`bench/run.sh`, {raw['date']}; raw results [`{json_name}`]({json_name}). Every stack serves the same loan "
              "model (examples/loan: random forest, 25 trees, depth 7) the same JSON body on 127.0.0.1: "
              f"`{json.dumps(raw['body'])}`; the two V2 stacks (Augur's raw model `loan`, MLServer's) the V2 JSON tensor "
              f"`{json.dumps(raw.get('v2_body'))}`. wrk: 2 threads, {raw['warmup']:g} s warm-up then {raw['seconds']:g} s measured, "
              f"{raw['rounds']} rounds taking turns (round 1 in order, round 2 reversed); each cell shows round 1 / round 2. "
              "wrk runs on the same 2 cores as the server, so every stack shares the CPU with the load generator. "
              "The gRPC stacks (ModelInfer with the same tensor as protobuf) are driven by augur-grpc-load instead of wrk "
              "(a Swift closed loop: as many calls in flight as the row's connections, over 2 HTTP/2 connections); "
              "their × MLServer compares with MLServer's gRPC.", "",
              f"Machine: {f.get('nproc')} cores, {f.get('cpu_model')}, {f.get('mem_total')}, Linux {f.get('kernel')}; "
              f"load average at start {' '.join(f.get('load_average_start', []))}. Versions: {f.get('swift')}; "
              f"Python {f.get('python')}, FastAPI {f.get('fastapi')}, pydantic {f.get('pydantic')}, uvicorn {f.get('uvicorn')} "
              f"(uvloop {f.get('uvloop')}, httptools {f.get('httptools')}), scikit-learn {f.get('scikit_learn')}, "
              f"onnxruntime {f.get('onnxruntime')} (1 thread), BentoML {f.get('bentoml')}; {f.get('wrk')}. "
              f"Git {f.get('git_commit')}; Augur binary {f.get('augur_binary', 'unrecorded')}.", "", f"![throughput and p99 per stack]({chart})", ""]
    for c, rows in summary["per_conns"].items():
        lines += [f"### {c} connections", "",
                  "| stack | requests/s | × best Python | × hello | × MLServer | p50 µs | p99 µs | p99.9 µs | CPU µs/request | errors |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for s, rs in rows.items():
            errs = sum(r["non_2xx"] + r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"] for r in rs)
            lines.append(f"| {NAMES.get(s, s)} | {fmt([r['rps'] for r in rs])} | {fmt([r['vs_best_python'] for r in rs])} | "
                         f"{fmt([r['vs_hello'] for r in rs])} | {fmt([r['vs_mlserver'] for r in rs])} | {fmt([r['p50_us'] for r in rs])} | {fmt([r['p99_us'] for r in rs])} | "
                         f"{fmt([r['p999_us'] for r in rs])} | {fmt([r['cpu_us_per_request'] for r in rs])} | {errs} |")
        lines.append("")
    lines += ["### Start-up and memory", "", "| stack | launch → first prediction, median ms (samples) | idle RSS MB | peak RSS MB |",
              "|---|---|---|---|"]
    for s in raw["stacks"]:
        l, m = summary["launch"].get(s, {}), summary["memory"].get(s, {})
        lines.append(f"| {NAMES.get(s, s)} | {l.get('median_ms', '–')} ({', '.join(f'{v:g}' for v in l.get('samples_ms', []))}) | "
                     f"{m.get('idle_rss_mb', '–')} | {m.get('peak_rss_mb', '–')} |")
    lines += ["", "RSS is summed over the server's process tree (VmRSS after start-up and 1 s idle; VmHWM after the load).", ""]
    for s, e in raw.get("errors", {}).items():
        lines.append(f"- {NAMES.get(s, s)} was not measured (or not fully): {e}")
    lines += ["", "### Targets", "", "| target | Augur (per round) | met |", "|---|---|---|"]
    for desc, value, ok in targets(summary):
        lines.append(f"| {desc} | {value} | {'yes' if ok else 'no' if ok is False else 'not measured'} |")
    lines += ["", END]
    return "\n".join(lines)


def chart(summary: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    conns = list(summary["per_conns"])
    stacks = [s for s in NAMES if any(s in summary["per_conns"][c] for c in conns)]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.8))
    width = 0.8 / max(len(stacks), 1)
    for i, s in enumerate(stacks):
        xs = [j + i * width for j in range(len(conns))]
        rps = [statistics.median([r["rps"] for r in summary["per_conns"][c].get(s, [])] or [0]) for c in conns]
        p99 = [statistics.median([r["p99_us"] / 1000 for r in summary["per_conns"][c].get(s, [])] or [0]) for c in conns]
        axes[0].bar(xs, rps, width, label=NAMES[s])
        axes[1].bar(xs, p99, width, label=NAMES[s])
    for ax, title in ((axes[0], "requests/s (higher is better)"), (axes[1], "p99 latency, ms (lower is better)")):
        ax.set_xticks([j + width * (len(stacks) - 1) / 2 for j in range(len(conns))], [f"{c} connections" for c in conns])
        ax.set_yscale("log")
        ax.set_title(title)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(stacks), fontsize=8)
    fig.suptitle("Loan model over HTTP, median of rounds (log scale)")
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.savefig(path, dpi=110)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--raw", type=Path, required=True)
    p.add_argument("--facts", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True, help="prefix: writes PREFIX.json and PREFIX.png")
    p.add_argument("--benchmarks", type=Path, required=True)
    p.add_argument("--date", required=True)
    a = p.parse_args()
    raw, facts = json.loads(a.raw.read_text()), json.loads(a.facts.read_text())
    raw["date"] = a.date
    summary = summarize(raw)
    json_path, png_path = a.out.with_suffix(".json"), a.out.with_suffix(".png")
    json_path.write_text(json.dumps({"facts": facts, "summary": summary, "raw": raw, "targets": targets(summary)}, indent=1))
    chart(summary, png_path)
    rel = lambda p: str(p.resolve().relative_to(a.benchmarks.resolve().parent))  # noqa: E731
    section = markdown(raw, facts, summary, rel(png_path), rel(json_path))
    text = a.benchmarks.read_text() if a.benchmarks.exists() else "# Benchmarks\n\n"
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    a.benchmarks.write_text(text)
    print(section)


if __name__ == "__main__":
    main()
