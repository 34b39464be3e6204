#!/usr/bin/env python3
"""Generate Augur's ONNX conformance fixtures into Tests/Fixtures/.

Trains small, deterministic models on data scikit-learn ships (load_*) or on
synthetic data, exports them to ONNX (skl2onnx / onnxmltools) or builds small
graphs by hand with onnx.helper, runs onnxruntime (1 intra-op thread) on a small
input batch, and writes one folder per case:

    Tests/Fixtures/<case>/model.onnx, input.json, expected.json

The whole Tests/Fixtures/ directory is deleted and rewritten on every run.
The JSON formats are documented in scripts/fixture_io.py.

Usage: .venv/bin/python scripts/make_fixtures.py [--only SUBSTRING] [--ops-out PATH]
Requires the pinned packages in scripts/requirements-fixtures.txt.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixture_io import dump_json, model_op_types, seq_map_json, tensor_json  # noqa: E402

warnings.filterwarnings("ignore")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests" / "Fixtures"

# Default opsets for skl2onnx conversions (pinned for reproducibility).
TARGET_OPSET = {"": 21, "ai.onnx.ml": 3}
# onnxmltools 1.14 supports main-domain opsets up to 15.
ONNXMLTOOLS_OPSET = 15

CASES = []  # (name, builder)
SKIPPED = []  # (name, reason)
WRITTEN = []  # (name, size_bytes)
ALL_OPS: set = set()


def case(name):
    def deco(fn):
        CASES.append((name, fn))
        return fn

    return deco


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def ort_session(model: onnx.ModelProto) -> ort.InferenceSession:
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.log_severity_level = 3
    return ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])


def output_json(ort_output_meta, value):
    if isinstance(value, list):
        # ZipMap: sequence of maps. onnxruntime type string e.g. seq(map(int64,tensor(float)))
        t = ort_output_meta.type
        if "map(int64" in t:
            key_type = "int64"
        elif "map(string" in t:
            key_type = "string"
        else:
            raise ValueError(f"unsupported sequence output type {t}")
        return seq_map_json(value, key_type)
    return tensor_json(value)


def emit(name: str, model: onnx.ModelProto, feeds: dict, check=None):
    """Check `model`, run onnxruntime on `feeds`, write the fixture folder."""
    # Keep model.onnx byte-for-byte reproducible: converters use a random uuid as graph
    # name and emit opset_import in set (hash-seed dependent) order.
    model.graph.name = name
    imports = sorted(((i.domain, i.version) for i in model.opset_import))
    del model.opset_import[:]
    model.opset_import.extend(helper.make_opsetid(d, v) for d, v in imports)
    onnx.checker.check_model(model)
    sess = ort_session(model)
    in_names = [i.name for i in sess.get_inputs()]
    missing = set(in_names) ^ set(feeds)
    if missing:
        raise ValueError(f"{name}: feeds/input mismatch {missing}")
    outs = sess.run(None, feeds)
    out_meta = sess.get_outputs()

    folder = FIXTURES / name
    folder.mkdir(parents=True)
    model_bytes = model.SerializeToString()
    (folder / "model.onnx").write_bytes(model_bytes)
    dump_json({"inputs": {n: tensor_json(feeds[n]) for n in in_names}}, folder / "input.json")
    dump_json(
        {"outputs": {m.name: output_json(m, v) for m, v in zip(out_meta, outs)}},
        folder / "expected.json",
    )
    size = sum(p.stat().st_size for p in folder.iterdir())
    WRITTEN.append((name, size))
    ops = model_op_types(model)
    ALL_OPS.update(ops)

    rows = next(iter(feeds.values())).shape[0] if next(iter(feeds.values())).ndim else 1
    ins = ",".join(f"{i.name}:{i.type.replace('tensor(', '').rstrip(')')}{list(feeds[i.name].shape)}" for i in sess.get_inputs())
    outs_s = ",".join(
        f"{m.name}:{'seq_map' if isinstance(v, list) else str(np.asarray(v).dtype) + str(list(np.asarray(v).shape))}"
        for m, v in zip(out_meta, outs)
    )
    opnames = sorted({f"{o[1]}" + (f"@{o[0]}" if o[0] != "ai.onnx" else "") for o in ops})
    extra = ""
    if check is not None:
        try:
            extra = " | " + check(dict(zip([m.name for m in out_meta], outs)))
        except Exception as e:  # sanity check only, never fatal
            extra = f" | check error: {e}"
    print(
        f"{name:42s} {size / 1024:7.1f} KB rows={rows:<3d} in[{ins}] out[{outs_s}] ops={'/'.join(opnames)}{extra}",
        flush=True,
    )


def convert_sk(model, initial_types, target_opset=None, options=None):
    from skl2onnx import convert_sklearn

    return convert_sklearn(
        model,
        initial_types=initial_types,
        target_opset=target_opset or TARGET_OPSET,
        options=options,
    )


def f32(a):
    return np.asarray(a, dtype=np.float32)


def tree_thresholds(model: onnx.ModelProto, n: int = 3):
    """(feature_id, threshold) pairs taken from the first tree-ensemble node's attributes."""
    for node in model.graph.node:
        if node.op_type not in ("TreeEnsembleClassifier", "TreeEnsembleRegressor", "TreeEnsemble"):
            continue
        attrs = {a.name: a for a in node.attribute}
        feats = list(attrs["nodes_featureids"].ints)
        if "nodes_values" in attrs:
            vals = list(attrs["nodes_values"].floats)
        elif "nodes_values_as_tensor" in attrs:
            vals = numpy_helper.to_array(attrs["nodes_values_as_tensor"].t).tolist()
        else:
            vals = numpy_helper.to_array(attrs["nodes_splits"].t).tolist()
        if "nodes_modes" in attrs and attrs["nodes_modes"].type == onnx.AttributeProto.STRINGS:
            modes = [m.decode() for m in attrs["nodes_modes"].strings]
            branch = [i for i, m in enumerate(modes) if m != "LEAF" and m != "BRANCH_MEMBER"]
        else:
            modes = numpy_helper.to_array(attrs["nodes_modes"].t).tolist()
            branch = [i for i, m in enumerate(modes) if m != 6]
        if not branch:
            return []
        picked, seen = [], set()
        step = max(1, len(branch) // (n * 2 + 1))
        for idx in branch[::step]:
            key = (feats[idx], vals[idx])
            if key in seen:
                continue
            seen.add(key)
            picked.append(key)
            if len(picked) == n:
                break
        return picked
    return []


def threshold_rows(model, base_row, n=3, dtype=np.float32):
    rows = []
    for feat, val in tree_thresholds(model, n):
        r = np.array(base_row, dtype=dtype).copy()
        r[feat] = val
        rows.append(r)
    return rows


def tree_batch(X_rows, model, dtype=np.float32, nan=True, n_thr=3):
    """Typical rows + zeros + negatives + NaN rows + rows hitting exact thresholds."""
    X_rows = np.asarray(X_rows, dtype=np.float64)
    k = X_rows.shape[1]
    rows = [r for r in X_rows]
    rows.append(np.zeros(k))
    rows.append(-np.abs(X_rows[0]) - 1.0)
    if nan:
        rows.append(np.full(k, np.nan))
        r = X_rows[1].copy()
        r[0] = np.nan
        rows.append(r)
    rows.extend(threshold_rows(model, X_rows[2], n_thr, dtype=np.float64 if dtype == np.float64 else np.float32))
    return np.array(rows, dtype=dtype)


def pick(X, n, seed=0):
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(X), size=n, replace=False)
    return np.asarray(X)[np.sort(idx)]


def diff_check(native_fn, onnx_out_name, rows_ok, n_regular=None):
    """Sanity check against the native model (never fatal, only printed).

    Reports max |native - onnxruntime| over the first n_regular rows (ordinary data
    rows) and how many edge rows (zeros/negatives/exact thresholds) differ. Edge
    rows may legitimately differ: onnxruntime compares against float32 thresholds.
    Rows not in rows_ok (NaN rows the native model handles differently) are ignored.
    """

    def chk(outs):
        a = np.asarray(native_fn(), dtype=np.float64)
        o = outs[onnx_out_name]
        if isinstance(o, list):
            keys = list(o[0].keys())
            o = np.array([[r[kk] for kk in keys] for r in o])
        b = np.asarray(o, dtype=np.float64).reshape(a.shape)
        d = np.abs(a - b).reshape(len(a), -1).max(axis=1)
        ok = np.asarray(rows_ok, bool)
        n = len(a) if n_regular is None else n_regular
        reg = ok & (np.arange(len(a)) < n)
        edge = ok & ~reg
        msg = f"native vs ort: max diff {d[reg].max():.2e} on {int(reg.sum())} rows"
        if edge.any():
            msg += f", {int((d[edge] > 1e-4).sum())}/{int(edge.sum())} edge rows differ"
        return msg

    return chk


def label_check(native_fn, onnx_out_name, rows_ok):
    def chk(outs):
        a = np.asarray(native_fn()).ravel()
        b = np.asarray(outs[onnx_out_name]).ravel()
        ok = a[rows_ok] == b[rows_ok]
        return f"labels agree {int(ok.sum())}/{len(ok)}"

    return chk


def finite_rows(X):
    X = np.asarray(X, dtype=np.float64)
    return ~np.isnan(X).any(axis=1)


def datasets():
    from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine

    return {
        "iris": load_iris(),
        "wine": load_wine(),
        "bc": load_breast_cancer(),
        "diabetes": load_diabetes(),
    }


DS = None


def ds(name):
    global DS
    if DS is None:
        DS = datasets()
    return DS[name]


def FT(k, name="input"):
    from skl2onnx.common.data_types import FloatTensorType

    return [(name, FloatTensorType([None, k]))]


def DT(k, name="input"):
    from skl2onnx.common.data_types import DoubleTensorType

    return [(name, DoubleTensorType([None, k]))]


# --------------------------------------------------------------------------
# tree models (scikit-learn)
# --------------------------------------------------------------------------


def loan_data(n=400, seed=42):
    rng = np.random.default_rng(seed)
    income = rng.lognormal(8.6, 0.5, n).round(0)  # TotalIncome
    loan = rng.normal(140, 55, n).clip(20, 600).round(0)  # LoanAmount (thousands)
    credit = (rng.random(n) < 0.84).astype(float)  # Credit_History 0/1
    area = rng.integers(0, 3, n).astype(float)  # Property_Area 0/1/2
    logit = -2.2 + 3.0 * credit + 0.00012 * income - 0.006 * loan + 0.5 * (area == 1)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    X = np.column_stack([income, loan, credit, area])
    return X, y


@case("rf_classifier_binary_loan")
def _():
    from sklearn.ensemble import RandomForestClassifier

    X, y = loan_data()
    m = RandomForestClassifier(n_estimators=25, max_depth=7, min_samples_leaf=3, random_state=0, n_jobs=1).fit(X, y)
    onx = convert_sk(m, FT(4))
    base = np.array(
        [
            [5849, 128, 1, 2],
            [4583, 128, 1, 0],
            [3000, 66, 1, 2],
            [4941, 120, 0, 1],
            [9613, 267, 1, 2],
            [2333, 95, 0, 0],
            [12841, 349, 1, 1],
            [1800, 40, 1, 0],
        ],
        dtype=np.float64,
    )
    Xin = tree_batch(base, onx, n_thr=4)
    ok = finite_rows(Xin)
    emit("rf_classifier_binary_loan", onx, {"input": Xin}, diff_check(lambda: m.predict_proba(Xin), "output_probability", ok, len(base)))


def _rf_iris(zipmap=True, string_labels=False):
    from sklearn.ensemble import RandomForestClassifier

    d = ds("iris")
    y = d.target_names[d.target] if string_labels else d.target
    m = RandomForestClassifier(n_estimators=10, max_depth=5, random_state=1, n_jobs=1).fit(d.data, y)
    opts = None if zipmap else {id(m): {"zipmap": False}}
    onx = convert_sk(m, FT(4), options=opts)
    Xin = tree_batch(pick(d.data, 10, 3), onx)
    ok = finite_rows(Xin)
    return m, onx, Xin, ok


@case("rf_classifier_multiclass")
def _():
    m, onx, Xin, ok = _rf_iris()
    emit("rf_classifier_multiclass", onx, {"input": Xin}, diff_check(lambda: m.predict_proba(Xin), "output_probability", ok, 10))


@case("rf_classifier_multiclass_nozipmap")
def _():
    m, onx, Xin, ok = _rf_iris(zipmap=False)
    emit("rf_classifier_multiclass_nozipmap", onx, {"input": Xin}, diff_check(lambda: m.predict_proba(Xin), "probabilities", ok, 10))


@case("rf_classifier_string_labels")
def _():
    m, onx, Xin, ok = _rf_iris(string_labels=True)
    emit("rf_classifier_string_labels", onx, {"input": Xin}, label_check(lambda: m.predict(Xin), "output_label", ok))


@case("rf_regressor")
def _():
    from sklearn.ensemble import RandomForestRegressor

    d = ds("diabetes")
    m = RandomForestRegressor(n_estimators=10, max_depth=6, min_samples_leaf=2, random_state=0, n_jobs=1).fit(d.data, d.target)
    onx = convert_sk(m, FT(10))
    Xin = tree_batch(pick(d.data, 10, 4), onx)
    emit("rf_regressor", onx, {"input": Xin}, diff_check(lambda: m.predict(Xin).reshape(-1, 1), "variable", finite_rows(Xin), 10))


@case("rf_regressor_multioutput")
def _():
    from sklearn.datasets import make_regression
    from sklearn.ensemble import RandomForestRegressor

    X, y = make_regression(n_samples=300, n_features=5, n_informative=4, n_targets=2, noise=5.0, random_state=7)
    m = RandomForestRegressor(n_estimators=8, max_depth=5, random_state=0, n_jobs=1).fit(X, y)
    onx = convert_sk(m, FT(5))
    Xin = tree_batch(pick(X, 10, 5), onx)
    emit("rf_regressor_multioutput", onx, {"input": Xin}, diff_check(lambda: m.predict(Xin), "variable", finite_rows(Xin), 10))


@case("extra_trees_classifier")
def _():
    from sklearn.ensemble import ExtraTreesClassifier

    d = ds("wine")
    m = ExtraTreesClassifier(n_estimators=10, max_depth=5, random_state=0, n_jobs=1).fit(d.data, d.target)
    onx = convert_sk(m, FT(13))
    Xin = tree_batch(pick(d.data, 10, 6), onx)
    emit("extra_trees_classifier", onx, {"input": Xin}, diff_check(lambda: m.predict_proba(Xin), "output_probability", finite_rows(Xin), 10))


@case("extra_trees_regressor")
def _():
    from sklearn.ensemble import ExtraTreesRegressor

    d = ds("diabetes")
    m = ExtraTreesRegressor(n_estimators=10, max_depth=6, min_samples_leaf=3, random_state=0, n_jobs=1).fit(d.data, d.target)
    onx = convert_sk(m, FT(10))
    Xin = tree_batch(pick(d.data, 10, 7), onx)
    emit("extra_trees_regressor", onx, {"input": Xin}, diff_check(lambda: m.predict(Xin).reshape(-1, 1), "variable", finite_rows(Xin), 10))


@case("decision_tree_classifier")
def _():
    from sklearn.tree import DecisionTreeClassifier

    d = ds("bc")
    m = DecisionTreeClassifier(max_depth=6, random_state=0).fit(d.data, d.target)
    onx = convert_sk(m, FT(30))
    Xin = tree_batch(pick(d.data, 10, 8), onx, n_thr=4)
    emit("decision_tree_classifier", onx, {"input": Xin}, diff_check(lambda: m.predict_proba(Xin), "output_probability", finite_rows(Xin), 10))


@case("decision_tree_regressor")
def _():
    from sklearn.tree import DecisionTreeRegressor

    d = ds("diabetes")
    m = DecisionTreeRegressor(max_depth=6, min_samples_leaf=3, random_state=0).fit(d.data, d.target)
    onx = convert_sk(m, FT(10))
    Xin = tree_batch(pick(d.data, 10, 9), onx, n_thr=4)
    emit("decision_tree_regressor", onx, {"input": Xin}, diff_check(lambda: m.predict(Xin).reshape(-1, 1), "variable", finite_rows(Xin), 10))


@case("gb_classifier_binary")
def _():
    from sklearn.ensemble import GradientBoostingClassifier

    d = ds("bc")
    m = GradientBoostingClassifier(n_estimators=30, max_depth=3, random_state=0).fit(d.data, d.target)
    onx = convert_sk(m, FT(30))
    Xin = tree_batch(pick(d.data, 10, 10), onx)
    emit("gb_classifier_binary", onx, {"input": Xin}, diff_check(lambda: m.predict_proba(np.nan_to_num(Xin)), "output_probability", finite_rows(Xin), 10))


@case("gb_classifier_multiclass")
def _():
    from sklearn.ensemble import GradientBoostingClassifier

    d = ds("wine")
    m = GradientBoostingClassifier(n_estimators=15, max_depth=3, random_state=0).fit(d.data, d.target)
    onx = convert_sk(m, FT(13))
    Xin = tree_batch(pick(d.data, 10, 11), onx)
    emit("gb_classifier_multiclass", onx, {"input": Xin}, diff_check(lambda: m.predict_proba(np.nan_to_num(Xin)), "output_probability", finite_rows(Xin), 10))


@case("gb_regressor")
def _():
    from sklearn.ensemble import GradientBoostingRegressor

    d = ds("diabetes")
    m = GradientBoostingRegressor(n_estimators=50, max_depth=3, random_state=0).fit(d.data, d.target)
    onx = convert_sk(m, FT(10))
    Xin = tree_batch(pick(d.data, 10, 12), onx)
    emit("gb_regressor", onx, {"input": Xin}, diff_check(lambda: m.predict(np.nan_to_num(Xin)).reshape(-1, 1), "variable", finite_rows(Xin), 10))


def _with_missing(X, frac, seed):
    rng = np.random.default_rng(seed)
    X = np.array(X, dtype=np.float64)
    X[rng.random(X.shape) < frac] = np.nan
    return X


@case("hist_gb_classifier")
def _():
    from sklearn.ensemble import HistGradientBoostingClassifier

    d = ds("bc")
    Xtr = _with_missing(d.data, 0.05, 1)
    m = HistGradientBoostingClassifier(max_iter=20, max_depth=4, max_leaf_nodes=12, random_state=0).fit(Xtr, d.target)
    onx = convert_sk(m, FT(30))
    Xin = tree_batch(pick(d.data, 10, 13), onx)
    emit("hist_gb_classifier", onx, {"input": Xin}, diff_check(lambda: m.predict_proba(Xin.astype(np.float32)), "output_probability", np.ones(len(Xin), bool), 10))


@case("hist_gb_classifier_multiclass")
def _():
    from sklearn.ensemble import HistGradientBoostingClassifier

    d = ds("iris")
    Xtr = _with_missing(d.data, 0.05, 2)
    m = HistGradientBoostingClassifier(max_iter=10, max_depth=3, max_leaf_nodes=8, random_state=0).fit(Xtr, d.target)
    onx = convert_sk(m, FT(4))
    Xin = tree_batch(pick(d.data, 10, 14), onx)
    emit("hist_gb_classifier_multiclass", onx, {"input": Xin}, diff_check(lambda: m.predict_proba(Xin.astype(np.float32)), "output_probability", np.ones(len(Xin), bool), 10))


@case("hist_gb_regressor")
def _():
    from sklearn.ensemble import HistGradientBoostingRegressor

    d = ds("diabetes")
    Xtr = _with_missing(d.data, 0.05, 3)
    m = HistGradientBoostingRegressor(max_iter=25, max_depth=4, max_leaf_nodes=12, random_state=0).fit(Xtr, d.target)
    onx = convert_sk(m, FT(10))
    Xin = tree_batch(pick(d.data, 10, 15), onx)
    emit("hist_gb_regressor", onx, {"input": Xin}, diff_check(lambda: m.predict(Xin.astype(np.float32)).reshape(-1, 1), "variable", np.ones(len(Xin), bool), 10))


def _as_tensor_double_tree(onx, estimators, tree_weight, classifier):
    """Rewrite skl2onnx's tree node to carry exact float64 *_as_tensor attributes.

    skl2onnx 1.19.1 never emits the ai.onnx.ml v3 *_as_tensor attributes: for a
    DoubleTensorType input it writes float32 nodes_values / target_weights and
    declares a double output, which onnxruntime 1.23.2 rejects (the spec says
    TreeEnsembleRegressor.Y / TreeEnsembleClassifier.Z are float).  Here the
    float lists are replaced by nodes_values_as_tensor / target_weights_as_tensor
    (or class_weights_as_tensor) holding the sklearn model's float64 values, and
    the score output is declared float as the spec requires.
    """
    node = next(n for n in onx.graph.node if n.op_type.startswith("TreeEnsemble"))
    attrs = {a.name: a for a in node.attribute}
    tids, nids = list(attrs["nodes_treeids"].ints), list(attrs["nodes_nodeids"].ints)
    modes = [m.decode() for m in attrs["nodes_modes"].strings]
    values = np.array(
        [0.0 if modes[i] == "LEAF" else estimators[t].tree_.threshold[n] for i, (t, n) in enumerate(zip(tids, nids))],
        dtype=np.float64,
    )
    prefix = "class" if classifier else "target"
    wt, wn, wi = (list(attrs[f"{prefix}_{k}"].ints) for k in ("treeids", "nodeids", "ids"))
    weights = []
    for t, n, c in zip(wt, wn, wi):
        v = estimators[t].tree_.value[n]
        weights.append((v[0, c] / v[0].sum()) * tree_weight if classifier else v[c, 0] * tree_weight)
    weights = np.array(weights, dtype=np.float64)
    old_vals = np.array(attrs["nodes_values"].floats, dtype=np.float64)
    old_w = np.array(attrs[f"{prefix}_weights"].floats, dtype=np.float64)
    if not (np.allclose(values, old_vals, rtol=1e-6, atol=1e-6) and np.allclose(weights, old_w, rtol=1e-5, atol=1e-6)):
        raise ValueError("float64 tree attributes do not match skl2onnx's float32 ones")
    keep = [a for a in node.attribute if a.name not in ("nodes_values", f"{prefix}_weights")]
    del node.attribute[:]
    node.attribute.extend(keep)
    node.attribute.extend(
        [
            helper.make_attribute("nodes_values_as_tensor", numpy_helper.from_array(values, "nodes_values_as_tensor")),
            helper.make_attribute(f"{prefix}_weights_as_tensor", numpy_helper.from_array(weights, f"{prefix}_weights_as_tensor")),
        ]
    )
    for imp in onx.opset_import:
        if imp.domain == "ai.onnx.ml":
            imp.version = 3  # *_as_tensor attributes exist from ai.onnx.ml v3
    score_out = node.output[1] if classifier else node.output[0]
    for out in onx.graph.output:
        if out.name == score_out:
            out.type.tensor_type.elem_type = TensorProto.FLOAT
    return onx


@case("tree_regressor_double")
def _():
    from sklearn.ensemble import RandomForestRegressor

    d = ds("diabetes")
    m = RandomForestRegressor(n_estimators=5, max_depth=5, random_state=0, n_jobs=1).fit(d.data, d.target)
    onx = convert_sk(m, DT(10), target_opset={"": 15, "ai.onnx.ml": 3})
    onx = _as_tensor_double_tree(onx, m.estimators_, 1.0 / len(m.estimators_), classifier=False)
    Xin = tree_batch(pick(d.data, 10, 16), onx, dtype=np.float64)
    emit("tree_regressor_double", onx, {"input": Xin}, diff_check(lambda: m.predict(Xin).reshape(-1, 1), "variable", finite_rows(Xin), 10))


@case("tree_classifier_double")
def _():
    from sklearn.tree import DecisionTreeClassifier

    d = ds("iris")
    m = DecisionTreeClassifier(max_depth=4, random_state=0).fit(d.data, d.target)
    onx = convert_sk(m, DT(4), target_opset={"": 15, "ai.onnx.ml": 3}, options={id(m): {"zipmap": False}})
    onx = _as_tensor_double_tree(onx, [m], 1.0, classifier=True)
    Xin = tree_batch(pick(d.data, 10, 17), onx, dtype=np.float64)
    emit("tree_classifier_double", onx, {"input": Xin}, diff_check(lambda: m.predict_proba(Xin), "probabilities", finite_rows(Xin), 10))


# --------------------------------------------------------------------------
# hand-built TreeEnsemble (ai.onnx.ml opset 5)
# --------------------------------------------------------------------------


def _tree_ensemble_model(aggregate, n_targets, dtype, name):
    np_t = np.float32 if dtype == TensorProto.FLOAT else np.float64
    nan = np.nan
    # tree 0: node0 MEMBER f2 in {1,3,5} -> node1 else leaf0 ; node1 f0 <= 0.5 -> leaf1 else leaf2
    # tree 1: node2 f1 > 2.0 (missing -> true) -> leaf5 else node3 ; node3 MEMBER f2 in {2,4} -> leaf4 else leaf3
    # tree 2: node4 f0 < -1.0 -> leaf6 else leaf7
    # A root whose true child is leaf k and false child is node k (same index) is mis-read
    # as a single-leaf tree by onnxruntime 1.23.2 (microsoft/onnxruntime#24679), so the
    # indices are chosen to avoid that collision.
    modes = np.array([6, 0, 3, 6, 1], dtype=np.uint8)
    node = helper.make_node(
        "TreeEnsemble",
        ["X"],
        ["Y"],
        domain="ai.onnx.ml",
        n_targets=n_targets,
        aggregate_function=aggregate,
        post_transform=0,
        tree_roots=[0, 2, 4],
        nodes_modes=helper.make_tensor("nodes_modes", TensorProto.UINT8, (5,), modes),
        nodes_featureids=[2, 0, 1, 2, 0],
        nodes_splits=numpy_helper.from_array(np.array([nan, 0.5, 2.0, nan, -1.0], dtype=np_t), "nodes_splits"),
        nodes_truenodeids=[1, 1, 5, 4, 6],
        nodes_trueleafs=[0, 1, 1, 1, 1],
        nodes_falsenodeids=[0, 2, 3, 3, 7],
        nodes_falseleafs=[1, 1, 0, 1, 1],
        nodes_missing_value_tracks_true=[0, 1, 1, 0, 0],
        membership_values=numpy_helper.from_array(np.array([1, 3, 5, nan, 2, 4, nan], dtype=np_t), "membership_values"),
        leaf_targetids=[0, 0, 1, 0, 1, 0, 0, 1] if n_targets > 1 else [0] * 8,
        leaf_weights=numpy_helper.from_array(np.array([1.5, 10.0, -2.25, -7.0, 0.125, 100.0, 1000.0, 3.0], dtype=np_t), "leaf_weights"),
    )
    graph = helper.make_graph(
        [node],
        name,
        [helper.make_tensor_value_info("X", dtype, [None, 3])],
        [helper.make_tensor_value_info("Y", dtype, [None, n_targets])],
    )
    model = helper.make_model_gen_version(
        graph, opset_imports=[helper.make_opsetid("", 21), helper.make_opsetid("ai.onnx.ml", 5)], producer_name="augur-fixtures"
    )
    X = np.array(
        [
            [0.0, 0.0, 1.0],
            [0.5, 2.0, 3.0],
            [0.6, 2.1, 5.0],
            [-1.0, 1.0, 2.0],
            [-1.5, 3.0, 4.0],
            [2.0, nan, 6.0],
            [nan, 0.0, nan],
            [0.25, -3.0, 0.0],
            [nan, nan, nan],
            [-0.999, 2.0, 4.0],
            [1.0, 5.0, 1.0000001],
            [0.5, 1.99, 3.0],
        ],
        dtype=np_t,
    )
    return model, X


@case("tree_ensemble_opset5")
def _():
    model, X = _tree_ensemble_model(aggregate=1, n_targets=2, dtype=TensorProto.FLOAT, name="tree_ensemble_sum")
    emit("tree_ensemble_opset5", model, {"X": X})


@case("tree_ensemble_opset5_average")
def _():
    model, X = _tree_ensemble_model(aggregate=0, n_targets=2, dtype=TensorProto.FLOAT, name="tree_ensemble_avg")
    emit("tree_ensemble_opset5_average", model, {"X": X})


@case("tree_ensemble_opset5_max_double")
def _():
    model, X = _tree_ensemble_model(aggregate=3, n_targets=1, dtype=TensorProto.DOUBLE, name="tree_ensemble_max")
    emit("tree_ensemble_opset5_max_double", model, {"X": X})


# --------------------------------------------------------------------------
# linear models, SVM, MLP
# --------------------------------------------------------------------------


def linear_batch(X_rows, k_extra_scale=1.0):
    X_rows = np.asarray(X_rows, dtype=np.float64)
    rows = [r for r in X_rows]
    rows.append(np.zeros(X_rows.shape[1]))
    rows.append(-X_rows[0] * k_extra_scale)
    rows.append(X_rows[1] * 10.0)
    return np.array(rows, dtype=np.float32)


@case("logistic_regression_binary")
def _():
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression

    X, y = make_classification(n_samples=300, n_features=6, n_informative=4, random_state=3)
    m = LogisticRegression(max_iter=1000).fit(X, y)
    onx = convert_sk(m, FT(6))
    Xin = linear_batch(pick(X, 10, 20))
    emit("logistic_regression_binary", onx, {"input": Xin}, diff_check(lambda: m.predict_proba(Xin), "output_probability", finite_rows(Xin)))


def _lr_multi(zipmap):
    from sklearn.linear_model import LogisticRegression

    d = ds("iris")
    m = LogisticRegression(max_iter=1000).fit(d.data, d.target)
    onx = convert_sk(m, FT(4), options=None if zipmap else {id(m): {"zipmap": False}})
    Xin = linear_batch(pick(d.data, 10, 21))
    return m, onx, Xin


@case("logistic_regression_multiclass")
def _():
    m, onx, Xin = _lr_multi(True)
    emit("logistic_regression_multiclass", onx, {"input": Xin}, diff_check(lambda: m.predict_proba(Xin), "output_probability", finite_rows(Xin)))


@case("logistic_regression_multiclass_nozipmap")
def _():
    m, onx, Xin = _lr_multi(False)
    emit("logistic_regression_multiclass_nozipmap", onx, {"input": Xin}, diff_check(lambda: m.predict_proba(Xin), "probabilities", finite_rows(Xin)))


@case("linear_regression_float")
def _():
    from sklearn.linear_model import LinearRegression

    d = ds("diabetes")
    m = LinearRegression().fit(d.data, d.target)
    onx = convert_sk(m, FT(10))
    Xin = linear_batch(pick(d.data, 10, 22))
    emit("linear_regression_float", onx, {"input": Xin}, diff_check(lambda: m.predict(Xin).reshape(-1, 1), "variable", finite_rows(Xin)))


@case("linear_regression_double")
def _():
    from sklearn.linear_model import LinearRegression

    d = ds("diabetes")
    m = LinearRegression().fit(d.data, d.target)
    onx = convert_sk(m, DT(10))
    Xin = linear_batch(pick(d.data, 10, 23)).astype(np.float64)
    emit("linear_regression_double", onx, {"input": Xin}, diff_check(lambda: m.predict(Xin).reshape(-1, 1), "variable", finite_rows(Xin)))


@case("ridge")
def _():
    from sklearn.datasets import make_regression
    from sklearn.linear_model import Ridge

    X, y = make_regression(n_samples=200, n_features=8, noise=3.0, random_state=4)
    m = Ridge(alpha=1.5).fit(X, y)
    onx = convert_sk(m, FT(8))
    Xin = linear_batch(pick(X, 10, 24))
    emit("ridge", onx, {"input": Xin}, diff_check(lambda: m.predict(Xin).reshape(-1, 1), "variable", finite_rows(Xin)))


@case("lasso")
def _():
    from sklearn.linear_model import Lasso

    d = ds("diabetes")
    m = Lasso(alpha=0.1).fit(d.data, d.target)
    onx = convert_sk(m, FT(10))
    Xin = linear_batch(pick(d.data, 10, 25))
    emit("lasso", onx, {"input": Xin}, diff_check(lambda: m.predict(Xin).reshape(-1, 1), "variable", finite_rows(Xin)))


@case("linear_svc")
def _():
    from sklearn.svm import LinearSVC

    d = ds("iris")
    m = LinearSVC(C=1.0, max_iter=20000, random_state=0).fit(d.data, d.target)
    onx = convert_sk(m, FT(4))
    Xin = linear_batch(pick(d.data, 10, 26))
    emit("linear_svc", onx, {"input": Xin}, label_check(lambda: m.predict(Xin), "label", finite_rows(Xin)))


@case("linear_svc_binary")
def _():
    from sklearn.datasets import make_classification
    from sklearn.svm import LinearSVC

    X, y = make_classification(n_samples=200, n_features=5, n_informative=3, random_state=8)
    m = LinearSVC(C=0.5, max_iter=20000, random_state=0).fit(X, y)
    onx = convert_sk(m, FT(5))
    Xin = linear_batch(pick(X, 10, 27))
    emit("linear_svc_binary", onx, {"input": Xin}, label_check(lambda: m.predict(Xin), "label", finite_rows(Xin)))


@case("linear_svr")
def _():
    from sklearn.svm import LinearSVR

    d = ds("diabetes")
    m = LinearSVR(C=10.0, epsilon=0.0, max_iter=50000, random_state=0).fit(d.data * 10, d.target)
    onx = convert_sk(m, FT(10))
    Xin = linear_batch(pick(d.data * 10, 10, 28))
    emit("linear_svr", onx, {"input": Xin}, diff_check(lambda: m.predict(Xin).reshape(-1, 1), "variable", finite_rows(Xin)))


@case("mlp_classifier")
def _():
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler

    d = ds("iris")
    Xs = StandardScaler().fit_transform(d.data)
    m = MLPClassifier(hidden_layer_sizes=(8, 6), max_iter=600, random_state=0).fit(Xs, d.target)
    onx = convert_sk(m, FT(4))
    Xin = linear_batch(pick(Xs, 10, 29))
    emit("mlp_classifier", onx, {"input": Xin}, diff_check(lambda: m.predict_proba(Xin), "output_probability", finite_rows(Xin)))


@case("mlp_classifier_binary")
def _():
    from sklearn.datasets import make_classification
    from sklearn.neural_network import MLPClassifier

    X, y = make_classification(n_samples=300, n_features=6, n_informative=4, random_state=9)
    m = MLPClassifier(hidden_layer_sizes=(10,), activation="tanh", max_iter=500, random_state=0).fit(X, y)
    onx = convert_sk(m, FT(6))
    Xin = linear_batch(pick(X, 10, 30))
    emit("mlp_classifier_binary", onx, {"input": Xin}, diff_check(lambda: m.predict_proba(Xin), "output_probability", finite_rows(Xin)))


@case("mlp_regressor")
def _():
    from sklearn.datasets import make_regression
    from sklearn.neural_network import MLPRegressor

    X, y = make_regression(n_samples=300, n_features=5, noise=2.0, random_state=10)
    m = MLPRegressor(hidden_layer_sizes=(10, 5), max_iter=800, random_state=0).fit(X, y / 100.0)
    onx = convert_sk(m, FT(5))
    Xin = linear_batch(pick(X, 10, 31))
    emit("mlp_regressor", onx, {"input": Xin}, diff_check(lambda: m.predict(Xin).reshape(-1, 1), "variable", finite_rows(Xin)))


# --------------------------------------------------------------------------
# preprocessing
# --------------------------------------------------------------------------


@case("standard_scaler_logistic")
def _():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    d = ds("wine")
    m = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(d.data, d.target)
    onx = convert_sk(m, FT(13))
    Xin = linear_batch(pick(d.data, 10, 40))
    emit("standard_scaler_logistic", onx, {"input": Xin}, diff_check(lambda: m.predict_proba(Xin), "output_probability", finite_rows(Xin)))


@case("minmax_scaler_ridge")
def _():
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler

    d = ds("diabetes")
    m = make_pipeline(MinMaxScaler(), Ridge(alpha=0.5)).fit(d.data, d.target)
    onx = convert_sk(m, FT(10))
    Xin = linear_batch(pick(d.data, 10, 41))
    emit("minmax_scaler_ridge", onx, {"input": Xin}, diff_check(lambda: m.predict(Xin).reshape(-1, 1), "variable", finite_rows(Xin)))


@case("robust_scaler_linear")
def _():
    from sklearn.datasets import make_regression
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import RobustScaler

    X, y = make_regression(n_samples=200, n_features=6, noise=1.0, random_state=11)
    X = X * np.array([1, 10, 100, 0.1, 5, 1]) + np.array([0, 5, -50, 1, 0, 3])
    m = make_pipeline(RobustScaler(), LinearRegression()).fit(X, y)
    onx = convert_sk(m, FT(6))
    Xin = linear_batch(pick(X, 10, 42))
    emit("robust_scaler_linear", onx, {"input": Xin}, diff_check(lambda: m.predict(Xin).reshape(-1, 1), "variable", finite_rows(Xin)))


def _normalizer(norm):
    from sklearn.preprocessing import Normalizer

    d = ds("iris")
    m = Normalizer(norm=norm).fit(d.data)
    onx = convert_sk(m, FT(4))
    Xin = linear_batch(pick(d.data, 8, 43))
    Xin = np.vstack([Xin, f32([[3.0, -4.0, 0.0, 0.0], [-1.0, -1.0, -1.0, -1.0], [0.0, 0.0, 0.0, 2.5]])])
    # zero row excluded from the native comparison: sklearn maps it to 0
    ok = np.abs(Xin).sum(axis=1) > 0
    emit(f"normalizer_{norm}", onx, {"input": Xin}, diff_check(lambda: m.transform(Xin), "variable", ok))


for _norm in ("l1", "l2", "max"):
    case(f"normalizer_{_norm}")(lambda _n=_norm: _normalizer(_n))


@case("binarizer")
def _():
    from sklearn.preprocessing import Binarizer

    d = ds("iris")
    m = Binarizer(threshold=1.5).fit(d.data)
    onx = convert_sk(m, FT(4))
    Xin = linear_batch(pick(d.data, 8, 44))
    # no NaN row: onnxruntime's Binarizer kernel rejects NaN input with an error
    Xin = np.vstack([Xin, f32([[1.5, 1.5000001, 1.4999999, -1.5], [-0.0, 2.0, 0.0, 1.5]])])
    emit("binarizer", onx, {"input": Xin}, diff_check(lambda: m.transform(Xin), "variable", finite_rows(Xin)))


@case("one_hot_encoder_string")
def _():
    from skl2onnx.common.data_types import StringTensorType
    from sklearn.preprocessing import OneHotEncoder

    Xtr = np.array(
        [["Urban", "Graduate"], ["Rural", "Not Graduate"], ["Semiurban", "Graduate"], ["Urban", "Not Graduate"], ["Rural", "Graduate"]],
        dtype=object,
    )
    m = OneHotEncoder(handle_unknown="ignore").fit(Xtr)
    onx = convert_sk(m, [("input", StringTensorType([None, 2]))])
    Xin = np.array(
        [
            ["Urban", "Graduate"],
            ["Semiurban", "Not Graduate"],
            ["Rural", "Graduate"],
            ["Downtown", "Graduate"],  # unknown category
            ["Urban", "PhD"],  # unknown category
            ["", ""],  # unknown (empty) strings
            ["urban", "graduate"],  # case differs -> unknown
            ["Rural", "Not Graduate"],
        ],
        dtype=object,
    )
    emit("one_hot_encoder_string", onx, {"input": Xin}, diff_check(lambda: m.transform(Xin).toarray(), "variable", np.ones(len(Xin), bool)))


@case("one_hot_encoder_int64")
def _():
    from skl2onnx.common.data_types import Int64TensorType
    from sklearn.preprocessing import OneHotEncoder

    Xtr = np.array([[0, 10], [1, 20], [2, 10], [0, 30], [1, 30], [5, 20]], dtype=np.int64)
    m = OneHotEncoder(handle_unknown="ignore").fit(Xtr)
    onx = convert_sk(m, [("input", Int64TensorType([None, 2]))])
    Xin = np.array([[0, 10], [1, 30], [2, 20], [5, 10], [3, 10], [0, 99], [-1, -1], [1, 20]], dtype=np.int64)
    emit("one_hot_encoder_int64", onx, {"input": Xin}, diff_check(lambda: m.transform(Xin).toarray(), "variable", np.ones(len(Xin), bool)))


def _imputer_rows():
    d = ds("iris")
    Xin = pick(d.data, 8, 45).astype(np.float32)
    Xin[0, 1] = np.nan
    Xin[2, 0] = np.nan
    Xin[2, 3] = np.nan
    Xin[5, :] = np.nan
    Xin = np.vstack([Xin, f32([[0.0, -1.0, 0.0, -2.5]])])
    return Xin


@case("simple_imputer_mean")
def _():
    from sklearn.impute import SimpleImputer

    d = ds("iris")
    m = SimpleImputer(strategy="mean").fit(_with_missing(d.data, 0.1, 5))
    onx = convert_sk(m, FT(4))
    Xin = _imputer_rows()
    emit("simple_imputer_mean", onx, {"input": Xin}, diff_check(lambda: m.transform(Xin), "variable", np.ones(len(Xin), bool)))


@case("simple_imputer_constant")
def _():
    from sklearn.impute import SimpleImputer

    d = ds("iris")
    m = SimpleImputer(strategy="constant", fill_value=-1.0).fit(d.data)
    onx = convert_sk(m, FT(4))
    Xin = _imputer_rows()
    emit("simple_imputer_constant", onx, {"input": Xin}, diff_check(lambda: m.transform(Xin), "variable", np.ones(len(Xin), bool)))


@case("label_encoder_sklearn")
def _():
    from skl2onnx.common.data_types import StringTensorType
    from sklearn.preprocessing import LabelEncoder

    m = LabelEncoder().fit(["setosa", "versicolor", "virginica", "Iris"])
    onx = convert_sk(m, [("input", StringTensorType([None]))])
    Xin = np.array(["virginica", "setosa", "Iris", "versicolor", "setosa", "unknown", ""], dtype=object)
    emit("label_encoder_sklearn", onx, {"input": Xin})


def _hand_model(nodes, inputs, outputs, opsets, name, initializers=()):
    """Build a model; output shapes left as None are filled in by strict ONNX shape inference."""
    graph = helper.make_graph(nodes, name, inputs, outputs, initializer=list(initializers))
    model = helper.make_model_gen_version(
        graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets], producer_name="augur-fixtures"
    )
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    for out in inferred.graph.output:
        for dim in out.type.tensor_type.shape.dim:
            if dim.HasField("dim_param") and dim.dim_param.startswith("unk__"):
                dim.ClearField("dim_param")
    del model.graph.output[:]
    model.graph.output.extend(inferred.graph.output)
    return model


@case("label_encoder_opset2")
def _():
    nodes = [
        helper.make_node(
            "LabelEncoder", ["category"], ["code"], domain="ai.onnx.ml",
            keys_strings=["Urban", "Rural", "Semiurban"], values_int64s=[2, 0, 1], default_int64=-1,
        ),
        helper.make_node(
            "LabelEncoder", ["code_in"], ["name"], domain="ai.onnx.ml",
            keys_int64s=[0, 1, 2], values_strings=["Rural", "Semiurban", "Urban"], default_string="_Unused",
        ),
        helper.make_node(
            "LabelEncoder", ["score"], ["score_mapped"], domain="ai.onnx.ml",
            keys_floats=[0.5, 1.0, -2.0], values_floats=[10.0, 20.0, 30.0], default_float=-1.0,
        ),
    ]
    model = _hand_model(
        nodes,
        [
            helper.make_tensor_value_info("category", TensorProto.STRING, [None, 1]),
            helper.make_tensor_value_info("code_in", TensorProto.INT64, [None, 1]),
            helper.make_tensor_value_info("score", TensorProto.FLOAT, [None, 1]),
        ],
        [
            helper.make_tensor_value_info("code", TensorProto.INT64, [None, 1]),
            helper.make_tensor_value_info("name", TensorProto.STRING, [None, 1]),
            helper.make_tensor_value_info("score_mapped", TensorProto.FLOAT, [None, 1]),
        ],
        [("", 17), ("ai.onnx.ml", 2)],
        "label_encoder_v2",
    )
    feeds = {
        "category": np.array([["Urban"], ["Rural"], ["Semiurban"], ["Metro"], [""], ["urban"], ["Rural"], ["Urban"]], dtype=object),
        "code_in": np.array([[0], [1], [2], [3], [-1], [2], [0], [100]], dtype=np.int64),
        "score": f32([[0.5], [1.0], [-2.0], [0.0], [np.nan], [0.50001], [1.0], [-2.0]]),
    }
    emit("label_encoder_opset2", model, feeds)


@case("label_encoder_opset4")
def _():
    nodes = [
        helper.make_node(
            "LabelEncoder", ["category"], ["code"], domain="ai.onnx.ml",
            keys_tensor=helper.make_tensor("keys_tensor", TensorProto.STRING, [3], [b"Urban", b"Rural", b"Semiurban"]),
            values_tensor=helper.make_tensor("values_tensor", TensorProto.INT64, [3], [2, 0, 1]),
            default_tensor=helper.make_tensor("default_tensor", TensorProto.INT64, [1], [-7]),
        ),
        helper.make_node(
            "LabelEncoder", ["code_in"], ["weight"], domain="ai.onnx.ml",
            keys_tensor=helper.make_tensor("keys_tensor", TensorProto.INT64, [3], [0, 1, 2]),
            values_tensor=helper.make_tensor("values_tensor", TensorProto.DOUBLE, [3], [0.25, 0.5, 0.75]),
            default_tensor=helper.make_tensor("default_tensor", TensorProto.DOUBLE, [1], [-1.0]),
        ),
    ]
    model = _hand_model(
        nodes,
        [
            helper.make_tensor_value_info("category", TensorProto.STRING, [None]),
            helper.make_tensor_value_info("code_in", TensorProto.INT64, [None]),
        ],
        [
            helper.make_tensor_value_info("code", TensorProto.INT64, [None]),
            helper.make_tensor_value_info("weight", TensorProto.DOUBLE, [None]),
        ],
        [("", 21), ("ai.onnx.ml", 4)],
        "label_encoder_v4",
    )
    feeds = {
        "category": np.array(["Urban", "Rural", "Semiurban", "Metro", "", "urban", "Rural", "Urban"], dtype=object),
        "code_in": np.array([0, 1, 2, 3, -1, 2, 0, 100], dtype=np.int64),
    }
    emit("label_encoder_opset4", model, feeds)


@case("category_mapper")
def _():
    nodes = [
        helper.make_node(
            "CategoryMapper", ["category"], ["code"], domain="ai.onnx.ml",
            cats_strings=["Rural", "Semiurban", "Urban"], cats_int64s=[10, 20, 30], default_int64=-1,
        ),
        helper.make_node(
            "CategoryMapper", ["code_in"], ["name"], domain="ai.onnx.ml",
            cats_strings=["Rural", "Semiurban", "Urban"], cats_int64s=[10, 20, 30], default_string="unknown",
        ),
    ]
    model = _hand_model(
        nodes,
        [
            helper.make_tensor_value_info("category", TensorProto.STRING, [None, 1]),
            helper.make_tensor_value_info("code_in", TensorProto.INT64, [None, 1]),
        ],
        [
            helper.make_tensor_value_info("code", TensorProto.INT64, [None, 1]),
            helper.make_tensor_value_info("name", TensorProto.STRING, [None, 1]),
        ],
        [("", 17), ("ai.onnx.ml", 1)],
        "category_mapper",
    )
    feeds = {
        "category": np.array([["Urban"], ["Rural"], ["Semiurban"], ["Metro"], [""], ["Urban"]], dtype=object),
        "code_in": np.array([[30], [10], [20], [0], [-1], [31]], dtype=np.int64),
    }
    emit("category_mapper", model, feeds)


# --------------------------------------------------------------------------
# ColumnTransformer pipelines with one named input per column
# --------------------------------------------------------------------------

NUM_COLS = ["applicant_income", "loan_amount", "loan_term"]
CAT_COLS = ["property_area", "education"]


def _ct_frame(n=300, seed=12):
    import pandas as pd

    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "applicant_income": rng.lognormal(8.4, 0.6, n).round(0),
            "loan_amount": rng.normal(140, 50, n).clip(10, 600).round(0),
            "loan_term": rng.choice([120.0, 180.0, 360.0, 480.0], n, p=[0.1, 0.1, 0.7, 0.1]),
            "property_area": rng.choice(["Urban", "Rural", "Semiurban"], n),
            "education": rng.choice(["Graduate", "Not Graduate"], n, p=[0.75, 0.25]),
        }
    )
    for c in NUM_COLS:
        df.loc[rng.random(n) < 0.05, c] = np.nan
    for c in CAT_COLS:
        df.loc[rng.random(n) < 0.05, c] = ""
    df[CAT_COLS] = df[CAT_COLS].astype(object)
    score = (
        0.0002 * df["applicant_income"].fillna(4000)
        - 0.01 * df["loan_amount"].fillna(140)
        + 0.8 * (df["property_area"] == "Semiurban")
        + 0.5 * (df["education"] == "Graduate")
    )
    y_cls = (score + rng.normal(0, 0.5, n) > score.median()).astype(np.int64).to_numpy()
    y_reg = (score * 100 + rng.normal(0, 20, n)).to_numpy()
    return df, y_cls, y_reg


def _ct(estimator):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    pre = ColumnTransformer(
        [
            ("num", Pipeline([("imp", SimpleImputer(strategy="median")), ("sc", StandardScaler())]), NUM_COLS),
            (
                "cat",
                Pipeline(
                    [
                        ("imp", SimpleImputer(strategy="constant", missing_values="", fill_value="missing")),
                        ("ohe", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
                    ]
                ),
                CAT_COLS,
            ),
        ]
    )
    return Pipeline([("pre", pre), ("model", estimator)])


def _ct_inputs():
    import pandas as pd

    nan = np.nan
    df = pd.DataFrame(
        {
            "applicant_income": [5849, 4583, 3000, nan, 2583, 6000, 0, 12841, 3036, 1800],
            "loan_amount": [128, 128, 66, 120, nan, 141, 0, 349, 158, -5],
            "loan_term": [360, 360, 360, 180, 360, nan, 0, 360, 480, 120],
            "property_area": ["Urban", "Rural", "Urban", "Semiurban", "", "Urban", "Downtown", "Semiurban", "Rural", "Urban"],
            "education": ["Graduate", "Graduate", "Not Graduate", "Graduate", "Graduate", "", "Graduate", "PhD", "Not Graduate", "Graduate"],
        }
    )
    df[NUM_COLS] = df[NUM_COLS].astype(np.float64)
    df[CAT_COLS] = df[CAT_COLS].astype(object)
    feeds = {c: df[c].to_numpy().astype(np.float32).reshape(-1, 1) for c in NUM_COLS}
    feeds.update({c: df[c].to_numpy().astype(object).reshape(-1, 1) for c in CAT_COLS})
    return df, feeds


def _ct_types():
    from skl2onnx.common.data_types import FloatTensorType, StringTensorType

    return [(c, FloatTensorType([None, 1])) for c in NUM_COLS] + [(c, StringTensorType([None, 1])) for c in CAT_COLS]


@case("column_transformer_pipeline")
def _():
    from sklearn.linear_model import LogisticRegression

    df, y, _ = _ct_frame()
    m = _ct(LogisticRegression(max_iter=1000)).fit(df, y)
    onx = convert_sk(m, _ct_types())
    dfin, feeds = _ct_inputs()
    emit("column_transformer_pipeline", onx, feeds, diff_check(lambda: m.predict_proba(dfin), "output_probability", np.ones(len(dfin), bool)))


@case("column_transformer_regressor")
def _():
    from sklearn.ensemble import RandomForestRegressor

    df, _, y = _ct_frame()
    m = _ct(RandomForestRegressor(n_estimators=10, max_depth=5, random_state=0, n_jobs=1)).fit(df, y)
    onx = convert_sk(m, _ct_types())
    dfin, feeds = _ct_inputs()
    emit("column_transformer_regressor", onx, feeds, diff_check(lambda: m.predict(dfin).reshape(-1, 1), "variable", np.ones(len(dfin), bool)))


# --------------------------------------------------------------------------
# LightGBM / XGBoost (onnxmltools)
# --------------------------------------------------------------------------


def _onnxml_types(k):
    from onnxmltools.convert.common.data_types import FloatTensorType

    return [("input", FloatTensorType([None, k]))]


def _lgbm(kind):
    import lightgbm as lgb
    from onnxmltools import convert_lightgbm

    common = dict(n_estimators=20, num_leaves=12, max_depth=5, learning_rate=0.2, random_state=0, n_jobs=1, deterministic=True, force_row_wise=True, verbose=-1)
    if kind == "binary":
        d = ds("bc")
        m = lgb.LGBMClassifier(**common)
    elif kind == "multiclass":
        d = ds("iris")
        m = lgb.LGBMClassifier(**{**common, "n_estimators": 10, "min_child_samples": 5})
    else:
        d = ds("diabetes")
        m = lgb.LGBMRegressor(**common)
    Xtr = _with_missing(d.data, 0.05, 6)
    m.fit(Xtr, d.target)
    onx = convert_lightgbm(m, initial_types=_onnxml_types(d.data.shape[1]), target_opset=ONNXMLTOOLS_OPSET, zipmap=True)
    Xin = tree_batch(pick(d.data, 10, 50), onx)
    return m, onx, Xin


@case("lightgbm_classifier_binary")
def _():
    m, onx, Xin = _lgbm("binary")
    emit("lightgbm_classifier_binary", onx, {"input": Xin}, diff_check(lambda: m.predict_proba(Xin), "probabilities", np.ones(len(Xin), bool), 10))


@case("lightgbm_classifier_multiclass")
def _():
    m, onx, Xin = _lgbm("multiclass")
    emit("lightgbm_classifier_multiclass", onx, {"input": Xin}, diff_check(lambda: m.predict_proba(Xin), "probabilities", np.ones(len(Xin), bool), 10))


@case("lightgbm_regressor")
def _():
    m, onx, Xin = _lgbm("regressor")
    emit("lightgbm_regressor", onx, {"input": Xin}, diff_check(lambda: m.predict(Xin).reshape(-1, 1), "variable", np.ones(len(Xin), bool), 10))


def _xgb(kind, initial_types=None):
    import xgboost as xgb
    from onnxmltools import convert_xgboost

    common = dict(n_estimators=20, max_depth=4, learning_rate=0.3, random_state=0, n_jobs=1, tree_method="hist")
    if kind == "binary":
        d = ds("bc")
        m = xgb.XGBClassifier(**common)
    elif kind == "multiclass":
        d = ds("iris")
        m = xgb.XGBClassifier(**{**common, "n_estimators": 10})
    else:
        d = ds("diabetes")
        m = xgb.XGBRegressor(**common)
    Xtr = _with_missing(d.data, 0.05, 7)
    m.fit(Xtr, d.target)
    onx = convert_xgboost(m, initial_types=initial_types or _onnxml_types(d.data.shape[1]), target_opset=ONNXMLTOOLS_OPSET)
    Xin = tree_batch(pick(d.data, 10, 51), onx)
    return m, onx, Xin


@case("xgboost_classifier_binary")
def _():
    m, onx, Xin = _xgb("binary")
    emit("xgboost_classifier_binary", onx, {"input": Xin}, diff_check(lambda: m.predict_proba(Xin), "probabilities", np.ones(len(Xin), bool), 10))


@case("xgboost_classifier_multiclass")
def _():
    m, onx, Xin = _xgb("multiclass")
    emit("xgboost_classifier_multiclass", onx, {"input": Xin}, diff_check(lambda: m.predict_proba(Xin), "probabilities", np.ones(len(Xin), bool), 10))


@case("xgboost_regressor")
def _():
    m, onx, Xin = _xgb("regressor")
    emit("xgboost_regressor", onx, {"input": Xin}, diff_check(lambda: m.predict(Xin).reshape(-1, 1), "variable", np.ones(len(Xin), bool), 10))


@case("xgboost_regressor_open_width")
def _():
    # Exported with a dynamic feature count, [N, ?]: every row gives the width.
    from onnxmltools.convert.common.data_types import FloatTensorType

    m, onx, Xin = _xgb("regressor", [("input", FloatTensorType([None, None]))])
    emit("xgboost_regressor_open_width", onx, {"input": Xin}, diff_check(lambda: m.predict(Xin).reshape(-1, 1), "variable", np.ones(len(Xin), bool), 10))


# --------------------------------------------------------------------------
# hand-built core-op graphs
# --------------------------------------------------------------------------


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def init(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)


F, D, I64, I32, B, S = TensorProto.FLOAT, TensorProto.DOUBLE, TensorProto.INT64, TensorProto.INT32, TensorProto.BOOL, TensorProto.STRING


@case("ops_broadcast_arith")
def _():
    n = helper.make_node
    nodes = [
        n("Add", ["X", "b3"], ["add_k"]),
        n("Sub", ["X", "C"], ["sub_n1"]),
        n("Mul", ["X", "C"], ["mul_n1"]),
        n("Mul", ["X", "s"], ["mul_scalar"]),
        n("Div", ["X", "b3"], ["div_k"]),
        n("Div", ["X", "C"], ["div_n1"]),
        n("Pow", ["X", "e3"], ["pow_k"]),
        n("Pow", ["X", "two"], ["pow_scalar"]),
        n("Sub", ["row1", "X"], ["sub_1k"]),
        n("Add", ["col", "row"], ["outer"]),  # [N,1] + [1,3] -> [N,3]
        n("Abs", ["X"], ["abs"]),
        n("Neg", ["X"], ["neg"]),
        n("Max", ["X", "C", "b3"], ["max3"]),
        n("Min", ["X", "b3"], ["min2"]),
        n("Sum", ["X", "C", "b3"], ["sum3"]),
    ]
    nodes.insert(0, n("Identity", ["C"], ["col"]))
    init_ = [
        init("b3", f32([0.5, -1.0, 2.0])),
        init("e3", f32([2.0, 0.5, -1.0])),
        init("s", np.array(-2.5, dtype=np.float32)),
        init("two", np.array(2.0, dtype=np.float32)),
        init("row1", f32([[1.0, 2.0, 3.0]])),
        init("row", f32([[10.0, 20.0, 30.0]])),
    ]
    outs = ["add_k", "sub_n1", "mul_n1", "mul_scalar", "div_k", "div_n1", "pow_k", "pow_scalar", "sub_1k", "outer", "abs", "neg", "max3", "min2", "sum3"]
    model = _hand_model(
        nodes, [vi("X", F, [None, 3]), vi("C", F, [None, 1])], [vi(o, F, None) for o in outs], [("", 17)], "broadcast_arith", init_
    )
    X = f32([[1, 2, 3], [-1, -2, -3], [0, 0, 0], [0.5, 4, -0.25], [1e-3, 1e3, 7], [-4, 9, 0.1], [2.5, -0.0, 1], [100, 0.25, -8]])
    C = f32([[2], [-1], [0], [0.5], [3], [0], [-4], [1]])
    emit("ops_broadcast_arith", model, {"X": X, "C": C})


@case("ops_unary_math")
def _():
    n = helper.make_node
    ops = ["Exp", "Log", "Sqrt", "Sigmoid", "Tanh", "Relu", "Floor", "Ceil", "Round", "Sign", "Reciprocal", "Erf", "Softplus"]
    nodes, outs = [], []
    for op in ops:
        # Erf reads its own NaN-free input: onnxruntime 1.23.2 returns Erf(NaN) = 1.
        nodes.append(n(op, ["E" if op == "Erf" else "X"], [op.lower()]))
        outs.append(op.lower())
    nodes.append(n("LeakyRelu", ["X"], ["leaky_relu"], alpha=0.1))
    outs.append("leaky_relu")
    nodes.append(n("IsNaN", ["X"], ["isnan"]))
    nodes.append(n("IsInf", ["X"], ["isinf"]))
    model = _hand_model(
        nodes,
        [vi("X", F, [None, 4]), vi("E", F, [None, 4])],
        [vi(o, F, None) for o in outs] + [vi("isnan", B, None), vi("isinf", B, None)],
        [("", 17)],
        "unary_math",
    )
    X = f32(
        [
            [0.0, 1.0, -1.0, 2.5],
            [-2.5, 0.5, 1.5, -0.5],
            [10.0, -10.0, 100.0, 1e-6],
            [3.7, -3.7, 4.5, -4.5],
            [np.nan, np.inf, -np.inf, -0.0],
            [88.0, -88.0, 20.0, -20.0],
            [0.25, 2.0, 1e-30, 6.5],
            [-1e-3, 1e3, 0.1, 7.0],
        ]
    )
    E = np.where(np.isnan(X), np.float32(0.3), X).astype(np.float32)
    emit("ops_unary_math", model, {"X": X, "E": E})


@case("ops_compare_logic_where")
def _():
    n = helper.make_node
    nodes = [
        n("Equal", ["A", "B"], ["eq"]),
        n("Less", ["A", "t"], ["lt"]),
        n("Greater", ["A", "B"], ["gt"]),
        n("LessOrEqual", ["A", "B"], ["le"]),
        n("GreaterOrEqual", ["A", "t"], ["ge"]),
        n("Not", ["lt"], ["not_lt"]),
        n("And", ["lt", "gt"], ["and"]),
        n("Or", ["eq", "gt"], ["or"]),
        n("Xor", ["lt", "gt"], ["xor"]),
        n("Where", ["gt", "A", "B"], ["where"]),
        n("Where", ["lt", "A", "zero"], ["where_scalar"]),
        n("Equal", ["K", "kref"], ["eq_int"]),
        n("Equal", ["Sx", "sref"], ["eq_str"]),
        n("Where", ["eq_int", "K", "minus1"], ["where_int"]),
    ]
    init_ = [
        init("t", f32([0.0, 1.0, 2.0])),
        init("zero", np.array(0.0, dtype=np.float32)),
        init("kref", np.array([3], dtype=np.int64)),
        init("minus1", np.array(-1, dtype=np.int64)),
        helper.make_tensor("sref", S, [], [b"yes"]),
    ]
    bool_outs = ["eq", "lt", "gt", "le", "ge", "not_lt", "and", "or", "xor", "eq_int", "eq_str"]
    model = _hand_model(
        nodes,
        [vi("A", F, [None, 3]), vi("B", F, [None, 3]), vi("K", I64, [None, 1]), vi("Sx", S, [None, 1])],
        [vi(o, B, None) for o in bool_outs] + [vi("where", F, None), vi("where_scalar", F, None), vi("where_int", I64, None)],
        [("", 19)],  # Equal on strings needs opset 19
        "compare_logic",
        init_,
    )
    a = f32([[0, 1, 2], [-1, 1.5, 2], [0, 0.5, 3], [np.nan, 1, 1], [5, -5, 2], [0, 1, 2.0000002], [-0.0, 2, 1.9999999], [1, 1, 1]])
    b = f32([[0, 0, 3], [-1, 2, 2], [1, 0.5, -3], [np.nan, np.nan, 1], [4, -6, 2], [0.0, 1, 2], [0.0, 3, 2], [2, 1, 0]])
    k = np.array([[3], [2], [3], [0], [-3], [3], [4], [3]], dtype=np.int64)
    sx = np.array([["yes"], ["no"], ["Yes"], [""], ["yes"], ["yes "], ["y"], ["yes"]], dtype=object)
    emit("ops_compare_logic_where", model, {"A": a, "B": b, "K": k, "Sx": sx})


@case("ops_softmax_argmax_topk")
def _():
    n = helper.make_node
    nodes = [
        n("Softmax", ["X"], ["softmax"], axis=-1),
        n("Softmax", ["X"], ["softmax_axis0"], axis=0),
        n("LogSoftmax", ["X"], ["log_softmax"], axis=1),
        n("ArgMax", ["X"], ["argmax"], axis=1, keepdims=1),
        n("ArgMin", ["X"], ["argmin"], axis=1, keepdims=0),
        n("ArgMax", ["X"], ["argmax_last"], axis=-1, keepdims=0, select_last_index=1),
        n("ArgMax", ["X"], ["argmax_axis0"], axis=0, keepdims=1),
        n("TopK", ["X", "k2"], ["topk_values", "topk_indices"], axis=-1, largest=1, sorted=1),
        n("TopK", ["X", "k3"], ["bottomk_values", "bottomk_indices"], axis=1, largest=0, sorted=1),
    ]
    model = _hand_model(
        nodes,
        [vi("X", F, [None, 4])],
        [
            vi("softmax", F, None), vi("softmax_axis0", F, None), vi("log_softmax", F, None),
            vi("argmax", I64, None), vi("argmin", I64, None), vi("argmax_last", I64, None), vi("argmax_axis0", I64, None),
            vi("topk_values", F, None), vi("topk_indices", I64, None), vi("bottomk_values", F, None), vi("bottomk_indices", I64, None),
        ],
        [("", 13)],
        "softmax_argmax_topk",
        [init("k2", np.array([2], dtype=np.int64)), init("k3", np.array([3], dtype=np.int64))],
    )
    X = f32(
        [
            [1, 2, 3, 4],
            [4, 3, 2, 1],
            [1, 1, 1, 1],  # all ties
            [0, 5, 5, 0],  # ties at max and min
            [-1, -2, -3, -0.5],
            [100, 0, -100, 50],  # softmax overflow guard
            [0.1, 0.2, 0.2, 0.1],
            [-1000, -1000, -999, -1001],
        ]
    )
    emit("ops_softmax_argmax_topk", model, {"X": X})


@case("ops_softmax_opset11")
def _():
    # opset < 13 Softmax coerces the input to 2-D at `axis` (here 1 -> softmax over the flattened [2*3])
    n = helper.make_node
    nodes = [
        n("Softmax", ["X"], ["softmax_axis1"], axis=1),
        n("Softmax", ["X"], ["softmax_default"]),
        n("LogSoftmax", ["X"], ["log_softmax_axis2"], axis=2),
    ]
    model = _hand_model(
        nodes,
        [vi("X", F, [None, 2, 3])],
        [vi("softmax_axis1", F, None), vi("softmax_default", F, None), vi("log_softmax_axis2", F, None)],
        [("", 11)],
        "softmax_opset11",
    )
    X = f32(np.arange(24).reshape(4, 2, 3) * 0.25 - 2.0)
    emit("ops_softmax_opset11", model, {"X": X})


def _reduce_inputs():
    return f32([[1, 2, 3, 4], [-1, -2, -3, -4], [0, 0, 0, 0], [0.5, 10, -7, 2], [np.inf, 1, 2, 3], [5, 5, 5, 5], [-0.25, 8, 1e6, -1e6], [3, -3, 3, -3]])


@case("ops_reduce_opset18")
def _():
    n = helper.make_node
    nodes = [
        n("ReduceSum", ["X", "ax1"], ["sum_axis1_keep"], keepdims=1),
        n("ReduceSum", ["X"], ["sum_all"], keepdims=0),
        n("ReduceMean", ["X", "ax1"], ["mean_axis1"], keepdims=0),
        n("ReduceMean", ["X", "ax0"], ["mean_axis0_keep"], keepdims=1),
        n("ReduceMax", ["X", "axm1"], ["max_axis_neg1"], keepdims=0),
        n("ReduceMax", ["X", "ax0"], ["max_axis0"], keepdims=0),
        n("ReduceMin", ["X", "ax1"], ["min_axis1"], keepdims=1),
        n("ReduceProd", ["X", "ax1"], ["prod_axis1"], keepdims=0),
        n("ReduceSum", ["X", "empty"], ["sum_noop"], keepdims=1, noop_with_empty_axes=1),
        n("ReduceL2", ["X", "ax1"], ["l2_axis1"], keepdims=0),
        n("ReduceLogSumExp", ["X", "ax1"], ["logsumexp_axis1"], keepdims=0),
    ]
    outs = ["sum_axis1_keep", "sum_all", "mean_axis1", "mean_axis0_keep", "max_axis_neg1", "max_axis0", "min_axis1", "prod_axis1", "sum_noop", "l2_axis1", "logsumexp_axis1"]
    model = _hand_model(
        nodes,
        [vi("X", F, [None, 4])],
        [vi(o, F, None) for o in outs],
        [("", 18)],
        "reduce_opset18",
        [
            init("ax1", np.array([1], dtype=np.int64)),
            init("ax0", np.array([0], dtype=np.int64)),
            init("axm1", np.array([-1], dtype=np.int64)),
            init("empty", np.array([], dtype=np.int64)),
        ],
    )
    emit("ops_reduce_opset18", model, {"X": _reduce_inputs()})


@case("ops_reduce_opset11")
def _():
    n = helper.make_node
    nodes = [
        n("ReduceSum", ["X"], ["sum_axis1_keep"], axes=[1], keepdims=1),
        n("ReduceSum", ["X"], ["sum_all"], keepdims=0),
        n("ReduceMean", ["X"], ["mean_axis1"], axes=[1], keepdims=0),
        n("ReduceMean", ["X"], ["mean_axis0_keep"], axes=[0]),
        n("ReduceMax", ["X"], ["max_axis_neg1"], axes=[-1], keepdims=0),
        n("ReduceMin", ["X"], ["min_axis1"], axes=[1], keepdims=1),
        n("ReduceProd", ["X"], ["prod_axis1"], axes=[1], keepdims=0),
        n("ReduceSumSquare", ["X"], ["sumsq_axis1"], axes=[1], keepdims=0),
    ]
    outs = ["sum_axis1_keep", "sum_all", "mean_axis1", "mean_axis0_keep", "max_axis_neg1", "min_axis1", "prod_axis1", "sumsq_axis1"]
    model = _hand_model(nodes, [vi("X", F, [None, 4])], [vi(o, F, None) for o in outs], [("", 11)], "reduce_opset11")
    emit("ops_reduce_opset11", model, {"X": _reduce_inputs()})


@case("ops_shape_gather_slice")
def _():
    n = helper.make_node
    i64 = lambda name, v: init(name, np.array(v, dtype=np.int64))  # noqa: E731
    nodes = [
        n("Shape", ["X"], ["shape"]),
        n("Shape", ["X"], ["shape_tail"], start=-1),
        n("Gather", ["X", "cols"], ["gather_cols"], axis=1),
        n("Gather", ["X", "row0"], ["gather_row0"], axis=0),
        n("Gather", ["X", "negidx"], ["gather_neg"], axis=1),
        n("Slice", ["X", "s_start", "s_end", "s_axes", "s_steps"], ["slice_step2"]),
        n("Slice", ["X", "r_start", "r_end", "s_axes", "r_steps"], ["slice_reverse"]),
        n("Slice", ["X", "c_start", "c_end"], ["slice_clamped"]),
        n("Reshape", ["X", "shape3"], ["reshape_3d"]),
        n("Reshape", ["X", "shape0"], ["reshape_zero"]),
        n("Flatten", ["reshape_3d"], ["flatten_axis1"], axis=1),
        n("Flatten", ["reshape_3d"], ["flatten_axis2"], axis=2),
        n("Unsqueeze", ["X", "ax1"], ["unsqueeze"]),
        n("Squeeze", ["unsqueeze", "ax1"], ["squeeze"]),
        n("Concat", ["X", "gather_cols"], ["concat_axis1"], axis=1),
        n("Concat", ["X", "X"], ["concat_axis0"], axis=0),
        n("Transpose", ["reshape_3d"], ["transpose"], perm=[0, 2, 1]),
        n("Size", ["X"], ["size"]),
        n("Expand", ["C", "exp_shape"], ["expand"]),
        n("Tile", ["C", "reps"], ["tile"]),
        n("Constant", [], ["const"], value=helper.make_tensor("v", F, [2], [1.5, -2.0])),
        n("ConstantOfShape", ["shape"], ["zeros_like"], value=helper.make_tensor("v", F, [1], [0.0])),
        n("Range", ["r0", "r_lim", "r_delta"], ["range"]),
    ]
    init_ = [
        i64("cols", [0, 2, 5]),
        i64("row0", 0),
        i64("negidx", [-1, -6]),
        i64("s_start", [1]), i64("s_end", [5]), i64("s_axes", [1]), i64("s_steps", [2]),
        i64("r_start", [-1]), i64("r_end", [-1000000]), i64("r_steps", [-1]),
        i64("c_start", [0, 4]), i64("c_end", [2, 100]),
        i64("shape3", [-1, 3, 2]),
        i64("shape0", [0, -1]),
        i64("ax1", [1]),
        i64("exp_shape", [1, 4]),
        i64("reps", [1, 3]),
        init("r0", np.array(1.0, np.float32)), init("r_lim", np.array(4.0, np.float32)), init("r_delta", np.array(0.75, np.float32)),
    ]
    outs = [
        ("shape", I64), ("shape_tail", I64), ("gather_cols", F), ("gather_row0", F), ("gather_neg", F), ("slice_step2", F),
        ("slice_reverse", F), ("slice_clamped", F), ("reshape_3d", F), ("reshape_zero", F), ("flatten_axis1", F), ("flatten_axis2", F),
        ("unsqueeze", F), ("squeeze", F), ("concat_axis1", F), ("concat_axis0", F), ("transpose", F), ("size", I64),
        ("expand", F), ("tile", F), ("const", F), ("zeros_like", F), ("range", F),
    ]
    model = _hand_model(nodes, [vi("X", F, [None, 6]), vi("C", F, [None, 1])], [vi(o, t, None) for o, t in outs], [("", 15)], "shape_ops", init_)  # Shape(start=) needs 15
    X = f32(np.arange(30).reshape(5, 6) * 0.5 - 3)
    C = f32([[1], [-2], [0], [3.5], [7]])
    emit("ops_shape_gather_slice", model, {"X": X, "C": C})


@case("ops_shape_opset11")
def _():
    # attribute forms: Squeeze/Unsqueeze axes attribute (opset < 13)
    n = helper.make_node
    nodes = [
        n("Unsqueeze", ["X"], ["unsqueeze"], axes=[0, 2]),
        n("Squeeze", ["unsqueeze"], ["squeeze"], axes=[0, 2]),
        n("Squeeze", ["C"], ["squeeze_col"], axes=[1]),
        n("Reshape", ["X", "shape"], ["reshape"]),
        n("Concat", ["X", "C"], ["concat"], axis=-1),
        n("Gather", ["X", "idx"], ["gather2d"], axis=1),
    ]
    model = _hand_model(
        nodes,
        [vi("X", F, [None, 3]), vi("C", F, [None, 1])],
        [vi(o, F, None) for o in ["unsqueeze", "squeeze", "squeeze_col", "reshape", "concat", "gather2d"]],
        [("", 11)],
        "shape_opset11",
        [init("shape", np.array([-1], dtype=np.int64)), init("idx", np.array([[0, 1], [2, 2]], dtype=np.int64))],
    )
    X = f32([[1, 2, 3], [4, 5, 6], [-1, 0, 1], [0.5, 0.25, 0.125]])
    C = f32([[10], [20], [30], [40]])
    emit("ops_shape_opset11", model, {"X": X, "C": C})


@case("ops_clip_cast_gemm")
def _():
    n = helper.make_node
    nodes = [
        n("Clip", ["X", "lo", "hi"], ["clip"]),
        n("Clip", ["X", "lo"], ["clip_min_only"]),
        n("Clip", ["X", "", "hi"], ["clip_max_only"]),
        n("Cast", ["X"], ["cast_int64"], to=I64),
        n("Cast", ["X"], ["cast_int32"], to=I32),
        n("Cast", ["X"], ["cast_double"], to=D),
        n("Cast", ["X"], ["cast_bool"], to=B),
        n("Cast", ["cast_bool"], ["bool_to_float"], to=F),
        n("Cast", ["K"], ["int64_to_float"], to=F),
        n("CastLike", ["X", "like_i32"], ["castlike_int32"]),
        n("CastLike", ["K", "like_f64"], ["castlike_double"]),
        n("Gemm", ["X", "W", "Cb"], ["gemm_transB"], transB=1, alpha=0.5, beta=2.0),
        n("Gemm", ["Xt", "W2", "Cs"], ["gemm_transA"], transA=1, alpha=1.0, beta=-1.0),
        n("Transpose", ["X"], ["Xt"], perm=[1, 0]),
        n("Gemm", ["X", "W2"], ["gemm_noC"]),
        n("MatMul", ["X", "W2"], ["matmul"]),
    ]
    rng = np.random.default_rng(0)
    init_ = [
        init("lo", np.array(-1.0, np.float32)),
        init("hi", np.array(1.0, np.float32)),
        init("like_i32", np.array([0], np.int32)),
        init("like_f64", np.array([0.0], np.float64)),
        init("W", f32(rng.normal(size=(4, 3)).round(3))),
        init("Cb", f32([0.1, -0.2, 0.3, 0.0])),
        init("W2", f32(rng.normal(size=(3, 2)).round(3))),
        init("Cs", np.array(0.5, np.float32)),
    ]
    outs = [
        ("clip", F), ("clip_min_only", F), ("clip_max_only", F), ("cast_int64", I64), ("cast_int32", I32), ("cast_double", D),
        ("cast_bool", B), ("bool_to_float", F), ("int64_to_float", F), ("castlike_int32", I32), ("castlike_double", D),
        ("gemm_transB", F), ("gemm_transA", F), ("gemm_noC", F), ("matmul", F),
    ]
    # Topological order: Transpose must precede the Gemm that uses Xt.
    nodes = [nd for nd in nodes if nd.op_type == "Transpose"] + [nd for nd in nodes if nd.op_type != "Transpose"]
    model = _hand_model(nodes, [vi("X", F, [None, 3]), vi("K", I64, [None, 1])], [vi(o, t, None) for o, t in outs], [("", 17)], "clip_cast_gemm", init_)
    X = f32([[0.5, -0.5, 2.0], [-3.7, 3.7, 0.0], [1.0, -1.0, 0.999], [2.5, -2.5, -0.0], [100.9, -100.9, 0.1], [1e-8, -1e-8, 7.0]])
    K = np.array([[0], [1], [-5], [123456789], [2**40], [-1]], dtype=np.int64)
    emit("ops_clip_cast_gemm", model, {"X": X, "K": K})


# --------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="only build cases whose name contains this substring (does not wipe other fixtures)")
    ap.add_argument("--ops-out", default=None, help="also write the (domain, op_type, opset) list to this file")
    args = ap.parse_args()

    t0 = time.time()
    if args.only:
        for name, _ in CASES:
            if args.only in name and (FIXTURES / name).exists():
                shutil.rmtree(FIXTURES / name)
    else:
        if FIXTURES.exists():
            shutil.rmtree(FIXTURES)
    FIXTURES.mkdir(parents=True, exist_ok=True)

    for name, fn in CASES:
        if args.only and args.only not in name:
            continue
        try:
            fn()
        except Exception as e:  # a converter that cannot export the model: skip with a reason
            if (FIXTURES / name).exists():
                shutil.rmtree(FIXTURES / name)
            SKIPPED.append((name, f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"))
            print(f"{name:42s} SKIPPED: {SKIPPED[-1][1]}", flush=True)

    total = sum(s for _, s in WRITTEN)
    print(f"{len(WRITTEN)} cases written ({total / 1024 / 1024:.2f} MB), {len(SKIPPED)} skipped, {time.time() - t0:.1f}s")
    if args.ops_out:
        lines = [f"{d}\t{op}\t{v}" for d, op, v in sorted(ALL_OPS)]
        Path(args.ops_out).write_text("domain\top_type\topset\n" + "\n".join(lines) + "\n")
    return 1 if SKIPPED and not args.only else 0


if __name__ == "__main__":
    sys.exit(main())
