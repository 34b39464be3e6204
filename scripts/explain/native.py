#!/usr/bin/env python3
"""POST /{route}/explain against the TreeSHAP built into the libraries that trained the trees:
LightGBM's `Booster.predict(X, pred_contrib=True)` and XGBoost's
`Booster.predict(DMatrix(X), pred_contribs=True)`.

  .venv/bin/python scripts/explain/native.py AUGUR_BINARY

Both libraries run path-dependent TreeSHAP with their own node covers: LightGBM the rows that
reached each node at training (internal_count / leaf_count), XGBoost the sum of the hessians
(trees_to_dataframe()'s Cover). Augur counts covers by running a model's reference rows through
the trees. So where the covers are row counts and the reference rows are the training rows, the
three must give the same contributions. Models (500 synthetic rows of 5 float32 features, fixed
seed, cast to float32 before training so that the split thresholds see the same values as the
ONNX trees; no missing values, no categorical features):

  lightgbm_regressor  LGBMRegressor, bagging_fraction=1, feature_fraction=1, min_data_in_leaf 20 (default)
  lightgbm_binary     LGBMClassifier (objective binary), the same settings; explained in log-odds
  xgboost_regressor   XGBRegressor, objective reg:squarederror (hessian 1: Cover = rows),
                      min_child_weight=1, subsample=1, colsample_bytree=1
  xgboost_binary      XGBClassifier (binary:logistic) as a control of the premise check: its Cover
                      is a sum of p(1-p), not a row count, so it is reported and skipped

Each is converted to ONNX with onnxmltools (as scripts/make_fixtures.py does: opset 15,
FloatTensorType [None, 5]). The premise is checked first: the ONNX trees are read by
scripts/explain/onnx_trees.py and the training rows run through them (its cover counting); every
node's count must equal LightGBM's internal_count/leaf_count (dump_model()) or XGBoost's Cover,
walking the native tree and the ONNX tree together (same split feature at every node). A model
whose native covers are not these counts is printed as skipped, not failed. Then a service:
model.onnx, train.csv (the training rows, header f0..f4, float32 values written exactly) and
augur.yaml with `models: m: {path: model.onnx, reference: train.csv}` and a route r with
parameters f0..f4 {type: float}, features [f0, f1, f2, f3, f4] (classifiers:
output: {probabilities: true}); `AUGUR_BINARY serve DIR --port P --reload-interval 0`, and 20 other
rows from the same generator posted as one array to /r/explain.

Compared, per row: each parameter's contribution with the native column for that feature, the
base_value with the native last column (LightGBM: the expected value; XGBoost: the bias, which
holds base_score), and the output_value with the sum of the native row (the raw margin), each
within 1e-5·|native| + 1e-6·S, S = max(1, |native base|, max |native margin| over the rows).
One line per model; exit status 1 on any mismatch.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(HERE))
from checklib import check, finish  # noqa: E402
import onnx_trees  # noqa: E402
from check import Server, call, number  # noqa: E402  (scripts/explain/check.py's service helpers)

warnings.filterwarnings("ignore")
SEED = 20240612
TRAIN_ROWS, EXPLAIN_ROWS, FEATURES = 500, 20, 5
RTOL, ATOL = 1e-5, 1e-6
ONNXMLTOOLS_OPSET = 15            # as scripts/make_fixtures.py
NAMES = [f"f{j}" for j in range(FEATURES)]


class Skip(Exception):
    """The model's native covers are not row counts: the comparison would not be like for like."""


# -- data and models ----------------------------------------------------------------------------

def data(n, seed):
    """float32 features on different scales, a regression target and a binary label."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, FEATURES)) * np.array([1.0, 2.0, 0.5, 10.0, 1.0]) + np.array([0, 1, 0, 50, -2])
    X = X.astype(np.float32)
    x = X.astype(np.float64)
    margin = x[:, 0] + 0.4 * x[:, 1] * x[:, 2] + np.sin(x[:, 3] / 5) - 0.5 * (x[:, 4] > -2)
    y = (margin + 0.3 * rng.standard_normal(n)).astype(np.float32)
    label = (rng.random(n) < 1 / (1 + np.exp(-2 * margin))).astype(np.int64)
    return X, y, label


def onnx_types():
    from onnxmltools.convert.common.data_types import FloatTensorType

    return [("input", FloatTensorType([None, FEATURES]))]


LGBM_COMMON = dict(n_estimators=25, num_leaves=15, learning_rate=0.2, bagging_fraction=1.0, bagging_freq=0,
                   feature_fraction=1.0, random_state=0, n_jobs=1, deterministic=True, force_row_wise=True, verbose=-1)
XGB_COMMON = dict(n_estimators=25, max_depth=4, learning_rate=0.3, min_child_weight=1, subsample=1.0,
                  colsample_bytree=1.0, random_state=0, n_jobs=1, tree_method="hist")


def lightgbm_model(kind, X, y, label):
    import lightgbm as lgb
    from onnxmltools import convert_lightgbm

    if kind == "regressor":
        model = lgb.LGBMRegressor(**LGBM_COMMON).fit(X, y)
    else:
        model = lgb.LGBMClassifier(objective="binary", **LGBM_COMMON).fit(X, label)
    onx = convert_lightgbm(model, initial_types=onnx_types(), target_opset=ONNXMLTOOLS_OPSET, zipmap=True)
    booster = model.booster_

    def native(rows):
        out = np.asarray(booster.predict(rows, pred_contrib=True), dtype=np.float64)
        return out[:, :FEATURES], out[:, FEATURES]        # last column: the expected value

    return onx, native, lambda ensemble: lightgbm_covers(booster, ensemble)


def xgboost_model(kind, X, y, label):
    import xgboost as xgb
    from onnxmltools import convert_xgboost

    if kind == "regressor":
        model = xgb.XGBRegressor(objective="reg:squarederror", **XGB_COMMON).fit(X, y)
    else:
        model = xgb.XGBClassifier(objective="binary:logistic", **XGB_COMMON).fit(X, label)
    onx = convert_xgboost(model, initial_types=onnx_types(), target_opset=ONNXMLTOOLS_OPSET)
    booster = model.get_booster()

    def native(rows):
        out = np.asarray(booster.predict(xgb.DMatrix(rows), pred_contribs=True), dtype=np.float64)
        return out[:, :FEATURES], out[:, FEATURES]        # last column: the bias (base_score included)

    return onx, native, lambda ensemble: xgboost_covers(booster, ensemble)


MODELS = {
    "lightgbm_regressor": lambda *d: lightgbm_model("regressor", *d),
    "lightgbm_binary": lambda *d: lightgbm_model("binary", *d),
    "xgboost_regressor": lambda *d: xgboost_model("regressor", *d),
    "xgboost_binary": lambda *d: xgboost_model("binary", *d),
}


# -- the premise: native covers = rows counted through the ONNX trees ---------------------------

def walk(native_root, onnx_tree, children, cover, feature, what):
    """Walks a native tree and the ONNX tree (shap layout: left = the `x <= t` / `x < t` side)
    together. Returns [(path, native cover, ONNX count)] where they differ; raises ValueError when
    the shapes differ."""
    differ = []
    stack = [(native_root, 0, "root")]
    while stack:
        node, i, path = stack.pop()
        kids = children(node)
        left, right = onnx_tree["children_left"][i], onnx_tree["children_right"][i]
        if (kids is None) != (left < 0):
            raise ValueError(f"{what} {path}: a leaf on one side only")
        if kids is not None and feature(node) != onnx_tree["features"][i]:
            raise ValueError(f"{what} {path}: splits on feature {feature(node)} natively, {onnx_tree['features'][i]} in ONNX")
        count = onnx_tree["node_sample_weight"][i]
        if cover(node) != count:
            differ.append((f"{what} {path}", cover(node), count))
        if kids is not None:
            stack += [(kids[0], left, path + "L"), (kids[1], right, path + "R")]
    return differ


def lightgbm_covers(booster, ensemble):
    trees = booster.dump_model()["tree_info"]
    if len(trees) != len(ensemble.trees):
        raise ValueError(f"{len(trees)} LightGBM trees, {len(ensemble.trees)} ONNX trees")
    differ = []
    for k, (info, t) in enumerate(zip(trees, ensemble.trees)):
        differ += walk(info["tree_structure"], t,
                       lambda n: (n["left_child"], n["right_child"]) if "split_index" in n else None,
                       lambda n: n["internal_count"] if "split_index" in n else n["leaf_count"],
                       lambda n: n["split_feature"], f"tree {k}")
    return differ


def xgboost_covers(booster, ensemble):
    frame = booster.trees_to_dataframe()
    nodes = {row.ID: row for row in frame.itertuples()}
    roots = sorted(frame["Tree"].unique())
    if len(roots) != len(ensemble.trees):
        raise ValueError(f"{len(roots)} XGBoost trees, {len(ensemble.trees)} ONNX trees")
    differ = []
    for k, t in zip(roots, ensemble.trees):
        differ += walk(nodes[f"{k}-0"], t,
                       lambda n: None if n.Feature == "Leaf" else (nodes[n.Yes], nodes[n.No]),
                       lambda n: float(n.Cover),
                       lambda n: int(n.Feature[1:]), f"tree {k}")
    return differ


# -- the service and the comparison ------------------------------------------------------------

def write_service(folder: Path, onx, X, classifier: bool):
    (folder / "model.onnx").write_bytes(onx.SerializeToString())
    with open(folder / "train.csv", "w") as out:
        out.write(",".join(NAMES) + "\n")
        for row in X.astype(np.float64).tolist():
            out.write(",".join(number(v) for v in row) + "\n")
    lines = ["models:", f"  m: {{path: {json.dumps(str(folder / 'model.onnx'))}, reference: {json.dumps(str(folder / 'train.csv'))}}}",
             "routes:", "  r:", "    model: m", "    parameters:"]
    lines += [f"      {n}: {{type: float}}" for n in NAMES]
    lines.append(f"    features: [{', '.join(NAMES)}]")
    if classifier:
        lines.append("    output: {probabilities: true}")
    (folder / "augur.yaml").write_text("\n".join(lines) + "\n")


def compare(port, rows, phi, base, problems) -> dict:
    """Augur's explanations of `rows` against the native contributions phi [N, F] and base [N]."""
    margin = base + phi.sum(axis=1)
    scale = max(1.0, float(np.max(np.abs(base))), float(np.max(np.abs(margin))))
    worst = {"contribution": 0.0, "base": 0.0, "output": 0.0}

    def close(what, kind, got, want):
        if not isinstance(got, (int, float)) or isinstance(got, bool) or not math.isfinite(got):
            problems.append(f"{what}: {got!r} is not a finite number (native {want:.9g})")
            return
        d = abs(got - want)
        worst[kind] = max(worst[kind], d)
        if d > RTOL * abs(want) + ATOL * scale:
            problems.append(f"{what}: Augur {got!r}, native {want:.9g} (|Δ| {d:.3g})")

    body = [dict(zip(NAMES, row)) for row in rows.astype(np.float64).tolist()]
    status, text = call(port, "/r/explain", body)
    if status != 200:
        problems.append(f"POST /r/explain: {status} {text[:600]!r}")
        return worst
    predictions = json.loads(text).get("predictions")
    if not isinstance(predictions, list) or len(predictions) != len(rows):
        problems.append(f"POST /r/explain: want {len(rows)} predictions, got {text[:400]!r}")
        return worst
    for i, prediction in enumerate(predictions):
        exp = prediction.get("explanation") if isinstance(prediction, dict) else None
        where = f"row {i}"
        if not isinstance(exp, dict) or not isinstance(exp.get("contributions"), list):
            problems.append(f"{where}: want an explanation with top-level contributions (one score), got {json.dumps(exp)[:300]}")
            continue
        if exp.get("output_space") != "margin":
            problems.append(f"{where}: output_space {exp.get('output_space')!r}, want 'margin' (the native contributions are raw scores)")
        close(f"{where} base_value", "base", exp.get("base_value"), base[i])
        close(f"{where} output_value", "output", exp.get("output_value"), margin[i])
        by_name = {c.get("parameter"): c.get("contribution") for c in exp["contributions"] if isinstance(c, dict)}
        if sorted(by_name) != NAMES:
            problems.append(f"{where}: contributions for {sorted(by_name)}, want {NAMES}")
        for j, name in enumerate(NAMES):
            if name in by_name:
                close(f"{where} {name}", "contribution", by_name[name], phi[i, j])
    return worst


def run_model(name, build, augur, work, X, y, label, rows):
    onx, native, covers = build(X, y, label)
    folder = work / name
    folder.mkdir()
    (folder / "model.onnx").write_bytes(onx.SerializeToString())
    ensemble = onnx_trees.load(folder / "model.onnx")
    ensemble.set_covers(X)
    try:
        differ = covers(ensemble)
    except ValueError as error:
        check(f"{name}: the native trees and the ONNX trees have the same shape", False, str(error))
        return None
    if differ:
        where, want, got = differ[0]
        nodes = sum(len(t["features"]) for t in ensemble.trees)
        raise Skip(f"{len(differ)} of {nodes} nodes have a native cover that is not the count of training rows "
                   f"reaching them, e.g. {where}: cover {want:g}, rows {got:g}")
    phi, base = native(rows)
    classifier = ensemble.class_labels is not None
    write_service(folder, onx, X, classifier)
    problems = []
    server = Server(augur, folder)
    try:
        problem = server.ready()
        worst = compare(server.port, rows, phi, base, problems) if problem is None else {}
        if problem:
            problems.append(problem)
    finally:
        server.stop()
    summary = (f"{name}: {len(ensemble.trees)} trees ({ensemble.op_type}, {ensemble.transform}), covers = training row "
               f"counts at all {sum(len(t['features']) for t in ensemble.trees)} nodes; {len(rows)} rows, native base "
               f"{base[0]:.6g}")
    if worst:
        summary += (f"; max |Δ| contributions {worst['contribution']:.2g}, base {worst['base']:.2g}, "
                    f"output {worst['output']:.2g}")
    check(summary, not problems, "\n     ".join(problems[:12]) + (f"\n     … {len(problems) - 12} more" if len(problems) > 12 else ""))
    return not problems


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    augur = str(Path(sys.argv[1]).resolve())
    if not os.access(augur, os.X_OK):
        sys.exit(f"error: {augur} is not an executable")
    started = time.monotonic()
    X, y, label = data(TRAIN_ROWS, SEED)
    rows, _, _ = data(EXPLAIN_ROWS, SEED + 1)
    work = Path(tempfile.mkdtemp(prefix="augur-explain-native-"))
    compared, skipped = 0, []
    try:
        for name, build in MODELS.items():
            try:
                if run_model(name, build, augur, work, X, y, label, rows) is not None:
                    compared += 1
            except Skip as reason:
                skipped.append(name)
                print(f"skip {name}: {reason}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    check("LightGBM and XGBoost regressors were both compared",
          compared >= 2 and not {"lightgbm_regressor", "xgboost_regressor"} & set(skipped))
    finish(f"native TreeSHAP checks ({compared} models, {len(skipped)} skipped, {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
