#!/usr/bin/env python3
"""Turn bench/engine.sh's raw measurements into bench/results/engine-<date>.{json,md}.

Usage: engine_report.py --raw RESULTS.jsonl --facts FACTS.json --manifest MANIFEST.json
                        --work WORKDIR --out PREFIX [--seconds S --batch B]

Every measurement was run in rounds (Augur, onnxruntime, Augur, onnxruntime, …); each round's
ratio compares the two runs of that round, so the VM's speed drift shows instead of hiding.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

TARGETS = {  # id -> (description, metric, threshold, higher is better)
    "batch_a_rf25": ("25-tree forest: batch rows/s ≥ 2× onnxruntime", "ratio", 2.0, True),
    "batch_b_gbr300": ("300-tree GBM: batch rows/s ≥ 2× onnxruntime", "ratio", 2.0, True),
    "batch_c_rf500": ("500-tree forest: batch rows/s ≥ 2× onnxruntime", "ratio", 2.0, True),
    "batch_d_linear": ("linear: batch rows/s ≥ 1× onnxruntime", "ratio", 1.0, True),
    "batch_e_svc_rbf": ("SVM (RBF, ~500 support vectors, 20 features): batch rows/s ≥ 1× onnxruntime", "ratio", 1.0, True),
    "batch_f_knn": ("k-NN (10,000 training rows, k=5): batch rows/s ≥ 1× onnxruntime", "ratio", 1.0, True),
    "single_a_rf25": ("25-tree forest: single-row median latency < 2 µs", "median_us", 2.0, False),
    "csv_t1": ("predict on the 1M-row CSV (1 thread) faster than pandas + onnxruntime", "ratio", 1.0, False),
    "csv_t2": ("predict on the 1M-row CSV (2 threads) faster than pandas + onnxruntime", "ratio", 1.0, False),
    # Load time of the batch runs (file read, decode, checks, compile) over onnxruntime's.
    "batch_c_rf500 load": ("500-tree forest (616k nodes): loads faster than onnxruntime", "load_ratio", 1.0, False),
}


def load_runs(path: Path) -> dict:
    """id -> engine -> {round: record}."""
    runs: dict = {}
    for line in path.read_text().splitlines():
        if line.strip():
            r = json.loads(line)
            runs.setdefault(r["id"], {}).setdefault(r["engine"], {})[r["round"]] = r
    return runs


def checksums_agree(a: dict | None, b: dict | None) -> bool | None:
    """Sums of every output agree within 1e-5 of the sum of absolute values (per-element 1e-5)."""
    if not a or not b or len(a["checksums"]) != len(b["checksums"]):
        return None
    return all(abs(x[0] - y[0]) <= 1e-5 * max(x[1], y[1]) + 1e-9 for x, y in zip(a["checksums"], b["checksums"]))


def engine_rows(runs: dict, kind: str) -> list[dict]:
    rows = []
    for id_, by_engine in runs.items():
        if not id_.startswith(kind + "_"):
            continue
        rounds = sorted(set(by_engine.get("augur", {})) | set(by_engine.get("onnxruntime", {})))
        entry = {"id": id_, "model": id_[len(kind) + 1:], "rounds": []}
        for n in rounds:
            a = by_engine.get("augur", {}).get(n, {})
            o = by_engine.get("onnxruntime", {}).get(n, {})
            ar, orr = a.get("result"), o.get("result")
            entry["rounds"].append({
                "round": n, "augur": ar, "onnxruntime": orr,
                "augur_error": a.get("error"), "onnxruntime_error": o.get("error"),
                "ratio": round(ar["rows_per_s"] / orr["rows_per_s"], 3) if ar and orr else None,
                "median_ratio": round(ar["median_us"] / orr["median_us"], 3) if ar and orr and orr["median_us"] else None,
                "load_ratio": round(ar["load_ms"] / orr["load_ms"], 3) if ar and orr and orr.get("load_ms") else None,
                "outputs_agree": checksums_agree(ar, orr),
            })
        rows.append(entry)
    return rows


def csv_rows(runs: dict) -> list[dict]:
    base = runs.get("csv_pandas", {}).get("pandas+onnxruntime", {})
    rows = []
    for id_ in ("csv_t1", "csv_t2", "csv_pandas"):
        engine = "pandas+onnxruntime" if id_ == "csv_pandas" else "augur"
        entry = {"id": id_, "engine": engine, "rounds": []}
        for n, rec in sorted(runs.get(id_, {}).get(engine, {}).items()):
            b = base.get(n, {}).get("result")
            r = rec.get("result")
            entry["rounds"].append({
                "round": n, "result": r, "error": rec.get("error"),
                "ratio": round(r["wall_s"] / b["wall_s"], 3) if r and b else None,
            })
        rows.append(entry)
    return rows


def compare_csv_outputs(work: Path) -> dict | None:
    """Labels and probabilities of `augur predict` vs the pandas + onnxruntime script."""
    a_path, o_path = work / "augur-out-t1.json", work / "ort-out.json"
    if not a_path.exists() or not o_path.exists():
        return None
    try:
        a, o = json.loads(a_path.read_text()), json.loads(o_path.read_text())
    except ValueError as e:
        return {"error": str(e)}
    out = {}
    for key, expected in o.items():
        got = a.get(key)
        if got is None or len(got) != len(expected):
            out[key] = {"error": f"missing or {len(got or [])} rows vs {len(expected)}"}
        elif expected and isinstance(expected[0], list):
            diff = max(abs(x - y) for gr, er in zip(got, expected) for x, y in zip(gr, er))
            out[key] = {"rows": len(expected), "max_abs_diff": diff}
        else:
            out[key] = {"rows": len(expected), "mismatches": sum(x != y for x, y in zip(got, expected))}
    return out


def target_status(batch, single, csv) -> list[dict]:
    by_id = {r["id"]: r for r in batch + single + csv}
    status = []
    for id_, (text, metric, threshold, higher) in TARGETS.items():
        values = []
        for rnd in by_id.get(id_.split(" ")[0], {}).get("rounds", []):
            if metric == "median_us":
                values.append(rnd["augur"]["median_us"] if rnd.get("augur") else None)
            else:
                values.append(rnd.get(metric))
        known = [v for v in values if v is not None]
        met = None if not known or len(known) < len(values) else all(
            (v >= threshold) if higher else (v < threshold) for v in known)
        status.append({"target": text, "id": id_, "metric": metric, "threshold": threshold, "values": values, "met": met})
    return status


def fmt(v, digits=2):
    if v is None:
        return "—"
    if isinstance(v, float) and abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.{digits}f}" if isinstance(v, float) else str(v)


def pair(rounds, pick, digits=2):
    return " / ".join(fmt(pick(r), digits) for r in rounds) or "—"


def markdown(report: dict) -> str:
    f, s = report["facts"], report["settings"]
    lines = [f"# Engine benchmark: Augur vs onnxruntime ({report['date']})", "",
             f"Single thread on both sides (onnxruntime: intra_op = inter_op = 1, sequential). "
             f"Each measurement ran {s['rounds']} times, interleaved Augur, onnxruntime, Augur, …; "
             f"cells show run 1 / run 2, ratios compare runs of the same round. {s['seconds']} s timed per run "
             f"after a warm-up; batch mode uses {s['batch']}-row batches.", "",
             "| machine | |", "| --- | --- |"]
    for key in ("nproc", "cpu_model", "mem_total", "kernel", "swift", "onnxruntime", "python", "numpy",
                "scikit_learn", "skl2onnx", "pandas", "git_branch", "git_commit", "load_average_start", "load_average_end"):
        lines.append(f"| {key} | {f.get(key)} |")
    lines += ["", "## Models", "", "| id | model | file size | tree nodes |", "| --- | --- | --- | --- |"]
    for m in report["models"]:
        lines.append(f"| {m['name']} | {m['description']} | {m['bytes'] / 1e6:.2f} MB | {m['tree_nodes']} |")
    lines += ["", f"## Batch throughput (rows/s, batches of {s['batch']} rows)", "",
              "| model | Augur rows/s | onnxruntime rows/s | Augur/ORT | Augur µs/call (median) | ORT µs/call (median) | outputs agree |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in report["batch"]:
        rd = r["rounds"]
        lines.append(f"| {r['model']} | {pair(rd, lambda x: x['augur'] and x['augur']['rows_per_s'])} | "
                     f"{pair(rd, lambda x: x['onnxruntime'] and x['onnxruntime']['rows_per_s'])} | "
                     f"{pair(rd, lambda x: x['ratio'])} | {pair(rd, lambda x: x['augur'] and x['augur']['median_us'], 1)} | "
                     f"{pair(rd, lambda x: x['onnxruntime'] and x['onnxruntime']['median_us'], 1)} | {pair(rd, lambda x: x['outputs_agree'])} |")
    lines += ["", "## Model load (ms, in the batch runs: read the file, decode, check, compile)", "",
              "| model | Augur load ms | onnxruntime load ms | Augur/ORT |", "| --- | --- | --- | --- |"]
    for r in report["batch"]:
        rd = r["rounds"]
        lines.append(f"| {r['model']} | {pair(rd, lambda x: x['augur'] and x['augur'].get('load_ms'), 1)} | "
                     f"{pair(rd, lambda x: x['onnxruntime'] and x['onnxruntime'].get('load_ms'), 1)} | "
                     f"{pair(rd, lambda x: x['load_ratio'], 3)} |")
    lines += ["", "## Single-row latency (µs per call; one-row input)", "",
              "| model | Augur median | Augur p99 | ORT median | ORT p99 | median Augur/ORT | calls/s Augur/ORT | outputs agree |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in report["single"]:
        rd = r["rounds"]
        lines.append(f"| {r['model']} | {pair(rd, lambda x: x['augur'] and x['augur']['median_us'], 3)} | "
                     f"{pair(rd, lambda x: x['augur'] and x['augur']['p99_us'], 3)} | "
                     f"{pair(rd, lambda x: x['onnxruntime'] and x['onnxruntime']['median_us'], 3)} | "
                     f"{pair(rd, lambda x: x['onnxruntime'] and x['onnxruntime']['p99_us'], 3)} | "
                     f"{pair(rd, lambda x: x['median_ratio'], 3)} | {pair(rd, lambda x: x['ratio'])} | {pair(rd, lambda x: x['outputs_agree'])} |")
    lines += ["", "## 1M-row CSV end to end (model a, whole process: start, load, parse, run, write JSON)", "",
              "| pipeline | wall s | max RSS MB | time / pandas+ORT | phases (run 1) |", "| --- | --- | --- | --- | --- |"]
    names = {"csv_t1": "augur predict --threads 1", "csv_t2": "augur predict --threads 2",
             "csv_pandas": "pandas.read_csv + onnxruntime + json"}
    for r in report["csv"]:
        rd = r["rounds"]
        first = rd[0]["result"] if rd and rd[0]["result"] else {}
        phases = ", ".join(f"{k[:-2]} {v:.2f}s" for k, v in first.items() if k.endswith("_s") and k != "wall_s")
        if first.get("writer"):
            phases += f" (writer: {first['writer']})"
        lines.append(f"| {names[r['id']]} | {pair(rd, lambda x: x['result'] and x['result']['wall_s'], 3)} | "
                     f"{pair(rd, lambda x: x['result'] and x['result']['max_rss_mb'], 0)} | {pair(rd, lambda x: x['ratio'], 3)} | {phases or '—'} |")
    if report.get("csv_outputs"):
        lines += ["", f"CSV outputs, Augur vs pandas + onnxruntime: `{json.dumps(report['csv_outputs'])}`"]
    lines += ["", "## Targets", "", "| target | run values | met |", "| --- | --- | --- |"]
    for t in report["targets"]:
        met = {True: "yes", False: "**no**", None: "not measured"}[t["met"]]
        lines.append(f"| {t['target']} | {' / '.join(fmt(v, 3) for v in t['values']) or '—'} | {met} |")
    errors = [(r["id"], x["round"], e) for r in report["batch"] + report["single"] for x in r["rounds"]
              for e in (x["augur_error"], x["onnxruntime_error"]) if e]
    errors += [(r["id"], x["round"], x["error"]) for r in report["csv"] for x in r["rounds"] if x["error"]]
    if errors:
        lines += ["", "## Failures", ""] + [f"- {i} run {n}: `{e.splitlines()[-1][:300]}`" for i, n, e in errors]
    return "\n".join(lines) + "\n"


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--raw", type=Path, required=True)
    p.add_argument("--facts", type=Path, required=True)
    p.add_argument("--manifest", type=Path, required=True)
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--batch", type=int, default=1000)
    p.add_argument("--rounds", type=int, default=2)
    args = p.parse_args()
    runs = load_runs(args.raw)
    facts = json.loads(args.facts.read_text())
    facts["load_average_end"] = open("/proc/loadavg").read().split()[:3]
    batch, single, csv = engine_rows(runs, "batch"), engine_rows(runs, "single"), csv_rows(runs)
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "facts": facts,
        "settings": {"seconds": args.seconds, "batch": args.batch, "rounds": args.rounds},
        "models": json.loads(args.manifest.read_text())["models"],
        "batch": batch, "single": single, "csv": csv, "csv_outputs": compare_csv_outputs(args.work),
        "targets": target_status(batch, single, csv),
    }
    args.out.with_suffix(".json").write_text(json.dumps(report, indent=1) + "\n")
    args.out.with_suffix(".md").write_text(markdown(report))
    print(markdown(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
