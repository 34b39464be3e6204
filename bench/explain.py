#!/usr/bin/env python3
"""The explanation benchmark: per-row speed of exact path-dependent TreeSHAP, one thread, Augur
against shap's TreeExplainer (its C++ core, feature_perturbation="tree_path_dependent") on the
same trees with the same node covers, in the same run, reported as ratios.

  .venv-explain/bin/python bench/explain.py AUGUR [--runs 5] [--out bench/results/explain.json]

AUGUR is an augur binary (a release build for numbers worth quoting: .build/release/augur).

Models:
  loan     examples/loan/model.onnx (scikit-learn RandomForestClassifier, 25 trees, depth ≤ 7,
           4 features), reference examples/loan/train.csv (614 rows), all 614 rows explained.
  b_gbr300 bench/engine_models.py's GradientBoostingRegressor (300 trees, depth 5, 10 features),
           bench/work/models/b_gbr300.onnx as bench/engine.sh leaves it; when that file is missing
           it is made the same way (engine_models.build_models(), with .venv's python, which has
           skl2onnx). Reference bench/work/explain/b_gbr300_train.csv: its training rows,
           engine_models.regression_data(5000, 10, seed=1), header f0..f9, float32 values written
           exactly; the first 2,000 rows are explained. (2,000 rows alone leave about 1,100 of the
           ~9,600 leaves with no row, and shap's path-dependent TreeSHAP refuses zero covers: the
           model was trained with min_samples_leaf=1, so only its own training rows reach every
           leaf. Covers are counted on all 5,000 rows, by both.)

Per model:
  Augur  `AUGUR inspect MODEL --reference CSV --rows N --json`, --runs times; its
         microseconds_per_row is the explanation loop alone (TreeSHAP over the N rows on one
         thread, after loading and counting covers on all the CSV's rows). Median of the runs.
  shap   the trees read from the same ONNX file by scripts/explain/onnx_trees.py, covers counted
         by running the same CSV rows through them (node_sample_weight), as shap's own dict
         format; shap.TreeExplainer(model, feature_perturbation="tree_path_dependent") built once,
         then shap_values(X[:N], check_additivity=False) timed with time.perf_counter, --runs
         times; median. The first timed call runs cold (no warm-up), as each Augur run is a fresh
         process. OMP/OpenBLAS/MKL/numba threads are set to 1 before numpy loads (and
         threadpoolctl limits them to 1 around the timing); shap's dense_tree_path_dependent is a
         plain loop over rows on the calling thread, which the script checks three ways: the
         installed cext/tree_shap.h has no OpenMP or threads, the _cext library links no OpenMP
         runtime, and the process's CPU time during each call is no more than its wall time (+10%).
  Check  the global importance (mean |contribution| per column over the N rows, averaged over the
         scores some leaf weights) must agree to 1e-6 relative; otherwise the script fails with
         exit status 1 and writes nothing.

Prints a table (model, rows, Augur µs/row, shap µs/row, ratio shap/Augur) and writes
bench/results/explain.json (facts, samples, medians, importances).
"""
from __future__ import annotations

import os

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS",
                    "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
for _name in THREAD_VARIABLES:
    os.environ[_name] = "1"

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from importlib.metadata import version  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts" / "explain"))
sys.path.insert(0, str(ROOT / "bench"))
import onnx_trees  # noqa: E402

WORK = ROOT / "bench" / "work"
GBR_MODEL = WORK / "models" / "b_gbr300.onnx"          # where bench/engine.sh's engine_models.py puts it
GBR_REFERENCE = WORK / "explain" / "b_gbr300_train.csv"
GBR_TRAINING_ROWS, GBR_TRAINING_SEED = 5000, 1          # engine_models.build_models(): regression_data(5_000, 10, seed=1)
FIXTURE_PYTHON = ROOT / ".venv" / "bin" / "python"    # has skl2onnx (engine_models' converter)
RTOL = 1e-6
MAKE_GBR = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import engine_models
for name, description, features, onx, pool in engine_models.build_models():
    if name == "b_gbr300":
        Path(sys.argv[2]).write_bytes(onx.SerializeToString())
        break
else:
    sys.exit("engine_models.build_models() made no b_gbr300")
"""


def fail(message: str):
    print(f"FAIL {message}", file=sys.stderr)
    sys.exit(1)


# -- the models ---------------------------------------------------------------------------------

def gbr_model() -> Path:
    if GBR_MODEL.exists():
        return GBR_MODEL
    if not FIXTURE_PYTHON.exists():
        fail(f"{GBR_MODEL.relative_to(ROOT)} is missing and there is no {FIXTURE_PYTHON.relative_to(ROOT)} to make it "
             "(scripts/setup-venv.sh, or bench/engine.sh)")
    print(f"making {GBR_MODEL.relative_to(ROOT)} (bench/engine_models.py's b_gbr300, with .venv)", file=sys.stderr)
    GBR_MODEL.parent.mkdir(parents=True, exist_ok=True)
    partial = GBR_MODEL.with_suffix(".onnx.partial")
    made = subprocess.run([str(FIXTURE_PYTHON), "-c", MAKE_GBR, str(ROOT / "bench"), str(partial)],
                          capture_output=True, text=True, timeout=600)
    if made.returncode != 0:
        fail(f"making b_gbr300 failed: {made.stderr[-1500:]}")
    partial.rename(GBR_MODEL)
    return GBR_MODEL


def exact(v: float) -> str:
    """A float32 value as text that reads back to it exactly (as float32 or float64)."""
    return repr(float(v))


def gbr_reference() -> Path:
    import engine_models  # numpy and onnx only; the generator the model was trained on

    X, _ = engine_models.regression_data(GBR_TRAINING_ROWS, 10, seed=GBR_TRAINING_SEED)
    X = X.astype(np.float32)
    GBR_REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    with open(GBR_REFERENCE, "w") as out:
        out.write(",".join(f"f{j}" for j in range(X.shape[1])) + "\n")
        for row in X.tolist():
            out.write(",".join(exact(v) for v in row) + "\n")
    return GBR_REFERENCE


def read_csv(path: Path):
    header = path.open().readline().strip().split(",")
    return header, np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)


# -- shap's threading ---------------------------------------------------------------------------

def shap_single_thread_evidence() -> list[str]:
    """What shows shap's path-dependent TreeSHAP runs on the calling thread alone; fails when
    the installed sources say otherwise."""
    import shap

    package = Path(shap.__file__).parent
    evidence = []
    header = package / "cext" / "tree_shap.h"
    if header.exists():
        text = header.read_text(errors="replace")
        threaded = re.findall(r"#pragma omp|omp_set|std::thread|pthread_create|std::async", text)
        if threaded:
            fail(f"{header} uses threads ({sorted(set(threaded))}): this benchmark assumes one thread")
        body = re.search(r"inline void dense_tree_path_dependent\(.*?\n}\n", text, re.S)
        if not body or "for (unsigned i = 0; i < data.num_X; ++i)" not in body.group(0):
            fail("shap's dense_tree_path_dependent is not the serial loop over rows this benchmark checked")
        evidence.append("shap/cext/tree_shap.h: no OpenMP or threads; dense_tree_path_dependent loops over rows serially")
    else:
        evidence.append("shap/cext/tree_shap.h not installed: the source was not checked")
    library = next(iter(package.glob("_cext*.so")), None)
    if library is not None:
        needed = subprocess.run(["readelf", "-d", str(library)], capture_output=True, text=True).stdout
        libs = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", needed)
        if any(re.search(r"gomp|libomp|iomp|tbb", lib) for lib in libs):
            fail(f"{library.name} links an OpenMP/TBB runtime: {libs}")
        if libs:
            evidence.append(f"{library.name} links no OpenMP/TBB runtime ({', '.join(libs)})")
    return evidence


# -- the measurements ---------------------------------------------------------------------------

def run_augur(augur: str, model: Path, csv: Path, rows: int, runs: int):
    results = []
    for _ in range(runs):
        done = subprocess.run([augur, "inspect", str(model), "--reference", str(csv), "--rows", str(rows), "--json"],
                              capture_output=True, text=True, timeout=1200)
        if done.returncode != 0:
            fail(f"augur inspect {model.name} exited with {done.returncode}: {done.stderr[-1500:]}")
        try:
            answer = json.loads(done.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            fail(f"augur inspect {model.name} --json printed no JSON line: {done.stdout[-800:]!r}")
        if answer.get("rows") != rows:
            fail(f"augur inspect {model.name} explained {answer.get('rows')} rows, not {rows}")
        results.append(answer)
    importances = [{e["column"]: e["mean_abs_contribution"] for e in r["importance"]} for r in results]
    if any(i != importances[0] for i in importances):
        fail(f"augur inspect {model.name}: the importance differs between runs: {importances}")
    return results


def run_shap(ensemble, X, runs: int):
    import shap
    from threadpoolctl import threadpool_limits

    explainer = shap.TreeExplainer(ensemble.shap_model(), feature_perturbation="tree_path_dependent")
    walls, cpus, values = [], [], None
    with threadpool_limits(limits=1):
        for _ in range(runs):
            cpu0, wall0 = time.process_time(), time.perf_counter()
            values = explainer.shap_values(X, check_additivity=False)
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            walls.append(wall)
            cpus.append(cpu)
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 2:
        values = values[:, :, None]
    if not np.all(np.isfinite(values)):
        fail("shap gave non-finite values")
    return walls, cpus, values, np.atleast_1d(np.asarray(explainer.expected_value, dtype=np.float64))


def weighted_outputs(ensemble) -> list[int]:
    """The score columns some leaf gives a weight to (what Augur averages its importance over)."""
    return [k for k in range(ensemble.n_outputs) if any(np.any(t["values"][:, k] != 0) for t in ensemble.trees)]


def tree_facts(ensemble) -> dict:
    def depth(t, node=0):
        left, right = t["children_left"][node], t["children_right"][node]
        return 0 if left < 0 else 1 + max(depth(t, left), depth(t, right))
    nodes = sum(len(t["features"]) for t in ensemble.trees)
    leaves = sum(int((t["children_left"] < 0).sum()) for t in ensemble.trees)
    return {"op_type": ensemble.op_type, "trees": len(ensemble.trees), "nodes": nodes, "leaves": leaves,
            "max_depth": max(depth(t) for t in ensemble.trees), "features": ensemble.n_features,
            "scores": ensemble.n_outputs, "post_transform": ensemble.post_transform}


def measure(name: str, description: str, model: Path, csv: Path, rows: int, augur: str, runs: int) -> dict:
    header, table = read_csv(csv)
    ensemble = onnx_trees.load(model)
    table = table.astype(ensemble.input_dtype).astype(np.float64)
    if rows > len(table):
        fail(f"{name}: {rows} rows asked, {csv.name} has {len(table)}")
    if len(table) > 10_000:
        fail(f"{name}: {csv.name} has {len(table)} rows; augur keeps 10,000 of them (thinned), so covers would differ")
    ensemble.set_covers(table)
    uncovered = ensemble.uncovered_leaves()
    if uncovered:
        fail(f"{name}: {len(uncovered)} leaves no row of {csv.name} reaches; shap's path-dependent TreeSHAP refuses "
             f"zero covers (e.g. tree/leaf {uncovered[:3]})")
    X = table[:rows]
    print(f"{name}: augur inspect ×{runs} …", file=sys.stderr, flush=True)
    augur_runs = run_augur(augur, model, csv, rows, runs)
    print(f"{name}: shap ×{runs} …", file=sys.stderr, flush=True)
    walls, cpus, values, expected = run_shap(ensemble, X, runs)

    # The same global importance, column by column.
    outputs = weighted_outputs(ensemble)
    shap_importance = np.abs(values[:, :, outputs]).mean(axis=(0, 2))
    augur_importance = {e["column"]: e["mean_abs_contribution"] for e in augur_runs[0]["importance"]}
    if len(header) != ensemble.n_features or sorted(augur_importance) != sorted(header):
        fail(f"{name}: augur ranks columns {sorted(augur_importance)}, the CSV has {header}")
    worst, rows_out = 0.0, []
    scale = float(shap_importance.max()) if len(shap_importance) else 0.0
    for j, column in enumerate(header):
        got, want = augur_importance.get(column), float(shap_importance[j])
        if not isinstance(got, (int, float)):
            fail(f"{name}: augur gives no importance for column {column!r}: {augur_importance}")
        diff = abs(got - want)
        relative = diff / abs(want) if want else (0.0 if diff == 0 else float("inf"))
        worst = max(worst, relative if want else 0.0)
        if diff > RTOL * abs(want) + 1e-12 * scale:
            fail(f"{name}: column {column!r}: augur mean |contribution| {got!r}, shap {want!r} "
                 f"(relative difference {relative:.3g} > {RTOL:g})")
        rows_out.append({"column": column, "augur": got, "shap": want})

    augur_us = [r["microseconds_per_row"] for r in augur_runs]
    shap_us = [w * 1e6 / rows for w in walls]
    cpu_ratio = max(c / w for c, w in zip(cpus, walls) if w > 0)
    if cpu_ratio > 1.10:
        fail(f"{name}: shap's calls used {cpu_ratio:.2f}× their wall time in CPU: more than one thread ran")
    augur_median, shap_median = statistics.median(augur_us), statistics.median(shap_us)
    return {"model": name, "description": description, "path": str(model.relative_to(ROOT)),
            "reference": str(csv.relative_to(ROOT)), "reference_rows": len(table), "rows": rows,
            **tree_facts(ensemble), "augur_targets": augur_runs[0]["targets"], "shap_outputs": int(values.shape[2]),
            "importance_outputs": outputs,
            "augur_us_per_row": augur_us, "augur_seconds": [r["seconds"] for r in augur_runs],
            "shap_us_per_row": shap_us, "shap_cpu_over_wall_max": cpu_ratio,
            "augur_us_per_row_median": augur_median, "shap_us_per_row_median": shap_median,
            "ratio_shap_over_augur": shap_median / augur_median,
            "importance": rows_out, "importance_max_relative_difference": worst,
            "shap_expected_value": expected.tolist()}


def facts(augur: str) -> dict:
    def cmd(*args):
        try:
            return subprocess.run(args, capture_output=True, text=True, timeout=30).stdout.strip()
        except Exception as error:  # noqa: BLE001 - a fact, not a failure
            return f"unavailable ({error})"
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
    built = time.strftime("%Y-%m-%d %H:%M", time.gmtime(os.path.getmtime(augur)))
    return {"nproc": os.cpu_count(), "cpu_model": cpu, "kernel": platform.release(), "python": platform.python_version(),
            "shap": version("shap"), "numpy": version("numpy"), "onnx": version("onnx"),
            "augur_binary": f"{augur} (built {built} UTC)", "git_commit": cmd("git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"),
            "threads": {v: os.environ[v] for v in THREAD_VARIABLES},
            "load_average_start": open("/proc/loadavg").read().split()[:3]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("augur")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "explain.json")
    args = parser.parse_args()
    augur = str(Path(args.augur).resolve())
    if not os.access(augur, os.X_OK):
        fail(f"{augur} is not an executable")
    evidence = shap_single_thread_evidence()
    models = [("loan", "examples/loan: RandomForestClassifier, 25 trees, depth ≤ 7, 4 features",
               ROOT / "examples" / "loan" / "model.onnx", ROOT / "examples" / "loan" / "train.csv", 614),
              ("b_gbr300", "bench/engine_models.py: GradientBoostingRegressor, 300 trees, depth 5, 10 features",
               gbr_model(), gbr_reference(), 2000)]
    started = time.monotonic()
    results = [measure(name, description, model, csv, rows, augur, args.runs)
               for name, description, model, csv, rows in models]
    evidence.append(f"CPU time / wall time of each timed shap call ≤ "
                    f"{max(r['shap_cpu_over_wall_max'] for r in results):.2f}")
    out = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="minutes"), "runs": args.runs,
           "method": "exact path-dependent TreeSHAP, one thread, covers counted on the reference CSV's rows",
           "facts": facts(augur), "shap_single_thread": evidence, "models": results,
           "seconds": round(time.monotonic() - started, 1)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1) + "\n")

    print("| model | rows | Augur µs/row | shap µs/row | ratio shap/Augur |\n|---|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['model']} ({r['trees']} trees, depth {r['max_depth']}) | {r['rows']} | {r['augur_us_per_row_median']:.1f} | "
              f"{r['shap_us_per_row_median']:.1f} | {r['ratio_shap_over_augur']:.2f} |")
    print(f"\nmedians of {args.runs} runs each; Augur: {augur}")
    for r in results:
        print(f"{r['model']}: importance agrees with shap (max relative difference {r['importance_max_relative_difference']:.2g}, "
              f"{len(r['importance'])} columns; covers on {r['reference_rows']} rows of {r['reference']}; "
              f"Augur {r['augur_targets']} score column(s), shap {r['shap_outputs']})")
    print("shap single-threaded (verified): " + "; ".join(evidence))
    print(f"written {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
