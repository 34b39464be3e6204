#!/usr/bin/env python3
"""Train and export the engine-benchmark models (fixed seeds) into OUTDIR.

Writes, for every model NAME listed in MODELS:

    OUTDIR/NAME.onnx         the model (skl2onnx, opsets {"": 21, "ai.onnx.ml": 3})
    OUTDIR/NAME.f32          a pool of input rows: raw little-endian float32, row-major,
                             FEATURES values per row (augur-bench --input, engine_ort.py --input)

and also OUTDIR/loan_rows.csv (1,000,000 rows for model a, header = feature names) and
OUTDIR/manifest.json describing all of it. Nothing here is committed (bench/work/ is ignored).

Usage: .venv/bin/python bench/engine_models.py OUTDIR [--csv-rows N] [--pool-rows N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import helper  # noqa: E402

warnings.filterwarnings("ignore")

TARGET_OPSET = {"": 21, "ai.onnx.ml": 3}
LOAN_FEATURES = ["TotalIncome", "LoanAmount", "Credit_History", "Property_Area"]


def loan_data(n: int, seed: int):
    """A loan-approval-like table: income, loan amount, credit history 0/1, area 0/1/2."""
    rng = np.random.default_rng(seed)
    income = rng.lognormal(8.6, 0.5, n).round(2)
    loan = rng.normal(140, 55, n).clip(20, 600).round(0)
    credit = (rng.random(n) < 0.84).astype(float)
    area = rng.integers(0, 3, n).astype(float)
    logit = -2.2 + 3.0 * credit + 0.00012 * income - 0.006 * loan + 0.5 * (area == 1)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    return np.column_stack([income, loan, credit, area]), y


def regression_data(n: int, features: int, seed: int):
    """Standard-normal features, a linear target on half of them plus a few interactions."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, features))
    w = np.random.default_rng(1000 + features).standard_normal(features) * (np.arange(features) < max(1, features // 2))
    y = X @ w + 0.5 * X[:, 0] * X[:, 1 % features] + np.sin(2 * X[:, -1]) + 0.3 * rng.standard_normal(n)
    return X, y


def convert(model, features: int, name: str, options=None) -> onnx.ModelProto:
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    onx = convert_sklearn(model, initial_types=[("input", FloatTensorType([None, features]))],
                          target_opset=TARGET_OPSET, options=options)
    # Reproducible bytes: converters use a random graph name and set-ordered opset imports.
    onx.graph.name = name
    imports = sorted((i.domain, i.version) for i in onx.opset_import)
    del onx.opset_import[:]
    onx.opset_import.extend(helper.make_opsetid(d, v) for d, v in imports)
    onnx.checker.check_model(onx)
    return onx


def build_models():
    """(name, description, features, [onnx models by suffix], pool generator) per benchmark model."""
    from sklearn.ensemble import GradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor
    from sklearn.linear_model import LinearRegression

    X, y = loan_data(20_000, seed=42)
    rf25 = RandomForestClassifier(n_estimators=25, max_depth=7, min_samples_leaf=3, random_state=0, n_jobs=2).fit(X, y)
    yield ("a_rf25", "RandomForestClassifier 25 trees depth 7, 4 features (binary loan model), ZipMap off", 4,
           convert(rf25, 4, "a_rf25", {id(rf25): {"zipmap": False}}), lambda n: loan_data(n, seed=7)[0])
    yield ("a_rf25_zipmap", "the same forest with ZipMap on (probabilities as maps)", 4,
           convert(rf25, 4, "a_rf25_zipmap"), lambda n: loan_data(n, seed=7)[0])

    X, y = regression_data(5_000, 10, seed=1)
    gbr = GradientBoostingRegressor(n_estimators=300, max_depth=5, learning_rate=0.05, random_state=0).fit(X, y)
    yield ("b_gbr300", "GradientBoostingRegressor 300 trees depth 5, 10 features", 10,
           convert(gbr, 10, "b_gbr300"), lambda n: regression_data(n, 10, seed=11)[0])

    X, y = regression_data(4_000, 20, seed=2)
    rf500 = RandomForestRegressor(n_estimators=500, max_depth=12, min_samples_leaf=3, random_state=0, n_jobs=2).fit(X, y)
    yield ("c_rf500", "RandomForestRegressor 500 trees depth 12, 20 features", 20,
           convert(rf500, 20, "c_rf500"), lambda n: regression_data(n, 20, seed=12)[0])

    X, y = regression_data(2_000, 20, seed=3)
    lin = LinearRegression().fit(X, y)
    yield ("d_linear", "LinearRegression, 20 features (float32)", 20,
           convert(lin, 20, "d_linear"), lambda n: regression_data(n, 20, seed=13)[0])

    from sklearn.svm import SVC

    X, y = regression_data(1_300, 20, seed=4)
    svc = SVC(kernel="rbf", C=4.0, gamma="scale").fit(X, (y > np.median(y)).astype(np.int64))
    yield ("e_svc_rbf", f"SVC, RBF kernel, {int(svc.n_support_.sum())} support vectors, 20 features (binary, decision scores)", 20,
           convert(svc, 20, "e_svc_rbf"), lambda n: regression_data(n, 20, seed=14)[0])

    from sklearn.neighbors import KNeighborsRegressor

    X, y = regression_data(10_000, 20, seed=5)
    knn = KNeighborsRegressor(n_neighbors=5).fit(X, y)
    yield ("f_knn", "KNeighborsRegressor, k=5, 10,000 training rows, 20 features (pairwise distances through Scan)", 20,
           convert(knn, 20, "f_knn"), lambda n: regression_data(n, 20, seed=15)[0])


def write_csv(path: Path, rows: int, seed: int) -> None:
    """The 1M-row loan CSV: income with cents, the rest integers, as a person would export it."""
    X, _ = loan_data(rows, seed=seed)
    with path.open("w") as f:
        f.write(",".join(LOAN_FEATURES) + "\n")
        chunk = 100_000
        for start in range(0, rows, chunk):
            part = X[start:start + chunk]
            lines = [f"{a:.2f},{int(b)},{int(c)},{int(d)}" for a, b, c, d in part.tolist()]
            f.write("\n".join(lines) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    parser.add_argument("--pool-rows", type=int, default=100_000, help="rows in each NAME.f32 input pool")
    args = parser.parse_args()
    args.outdir.mkdir(parents=True, exist_ok=True)

    manifest = {"models": [], "csv": None}
    for name, description, features, onx, pool in build_models():
        started = time.perf_counter()
        path = args.outdir / f"{name}.onnx"
        path.write_bytes(onx.SerializeToString())
        rows = np.ascontiguousarray(pool(args.pool_rows), dtype="<f4")
        rows.tofile(args.outdir / f"{name}.f32")
        nodes = sum(len(a.ints) for n in onx.graph.node for a in n.attribute if a.name == "nodes_nodeids")
        manifest["models"].append({
            "name": name, "description": description, "model": path.name, "features": features,
            "input": f"{name}.f32", "pool_rows": int(rows.shape[0]), "bytes": path.stat().st_size,
            "tree_nodes": nodes, "ops": sorted({n.op_type for n in onx.graph.node}),
        })
        print(f"{name:16s} {path.stat().st_size / 1e6:7.2f} MB  nodes={nodes:<8d} "
              f"ops={','.join(sorted({n.op_type for n in onx.graph.node}))} ({time.perf_counter() - started:.1f}s export)",
              file=sys.stderr, flush=True)

    csv = args.outdir / "loan_rows.csv"
    write_csv(csv, args.csv_rows, seed=2024)
    manifest["csv"] = {"path": csv.name, "rows": args.csv_rows, "model": "a_rf25.onnx", "columns": LOAN_FEATURES}
    (args.outdir / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"loan_rows.csv    {csv.stat().st_size / 1e6:7.2f} MB  rows={args.csv_rows}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
