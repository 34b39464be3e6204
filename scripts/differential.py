#!/usr/bin/env python3
"""Seeded differential test: `augur predict` against onnxruntime on random edge-case rows.

For each fixture model (Tests/Fixtures/<case>/model.onnx) this generates a batch of rows from
the seed, runs onnxruntime (1 intra-op thread) on it, writes the rows as JSON (the
`augur predict` row format), runs `augur predict`, and compares every output row by row.

Rows mix
  * normal values at the scale of the fixture's own input.json (per input column),
  * values seen in the fixture's input.json,
  * NaN (JSON null) for float inputs, +0.0 / -0.0, +-1e30, +-3e38 (+-1e300 for double inputs),
    float32 (and for double inputs float64) denormals,
  * tree thresholds exactly (nodes_values / nodes_values_as_tensor / nodes_splits /
    membership_values read from the model, for the feature they test) and their float32
    neighbours (np.nextafter; float64 neighbours too for double inputs),
  * for string inputs: the categories named in the model and the fixture, and unknown strings,
plus a few all-NaN / all-zero / all-huge rows at the start of the batch.

Comparison: integer, bool and string outputs exactly; numbers within 1e-5 relative or 1e-6
absolute; `null` from augur only where onnxruntime gives a non-finite number (augur writes
non-finite numbers as null); ZipMap outputs key by key (keys compared as strings).
onnxruntime's own float32 results can depend on the batch (its GEMM blocks 200 rows
differently from 1, so sums round differently, and a sum that overflows float32 may be finite
one way and inf/NaN the other): a row that differs from the batch result is scored again by
onnxruntime on its own and passes if augur matches that (counted as ort_row_alone=N); if
onnxruntime's batch and single-row answers differ from each other and augur matches neither,
the row has no reference and is counted as ort_unstable=N, not failed.
When onnxruntime rejects NaN for a model (e.g. Binarizer), the rows are drawn without NaN.

Usage:
  scripts/differential.py --augur .build/debug/augur [--seed S|random] [--rows 200]
                          [--cases a,b,...|all] [--threads N] [--keep DIR] [--verbose]
  (`--cases all` also runs the hand-built ops_* graphs, some of whose outputs are not one
  entry per row; those fail on structure by design.)

Prints one line per case and finally `differential: N passed, M failed`; exits 1 when any
case fails (including a model augur cannot load), 2 on bad arguments.
Requires the pinned packages in scripts/requirements-fixtures.txt (numpy, onnx, onnxruntime).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
from onnx import TensorProto, numpy_helper  # noqa: E402

warnings.filterwarnings("ignore", category=RuntimeWarning)  # float32 overflow of huge test values is intended

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FIXTURES = Path(os.environ.get("AUGUR_FIXTURES", ROOT / "Tests" / "Fixtures"))
DEFAULT_SEED = 20240917

DEFAULT_CASES = [
    "rf_classifier_binary_loan",
    "rf_regressor",
    "gb_classifier_multiclass",
    "gb_regressor",
    "hist_gb_classifier",
    "extra_trees_regressor",
    "decision_tree_classifier",
    "tree_regressor_double",
    "tree_ensemble_opset5",
    "lightgbm_classifier_binary",
    "lightgbm_regressor",
    "xgboost_classifier_multiclass",
    "xgboost_regressor",
    "xgboost_regressor_open_width",
    "logistic_regression_multiclass",
    "linear_regression_double",
    "mlp_classifier",
    "standard_scaler_logistic",
    "column_transformer_pipeline",
    "one_hot_encoder_string",
    "simple_imputer_mean",
    "svm_svc_rbf_multiclass_proba",
    "svm_svc_sigmoid_binary",
    "svm_svr_rbf",
    "neighbors_knn_classifier",
    "gaussian_process_regressor",
    "gaussian_process_regressor_cdist",
    "neighbors_radius_regressor",
    "adaboost_regressor",
    "catboost_classifier_binary",
    "catboost_regressor",
    "text_count_vectorizer_lr",
    "text_tfidf_bigrams_nb",
    "text_tfidf_char",
]

REL_TOL = 1e-5
ABS_TOL = 1e-6
AUGUR_TIMEOUT = 120  # seconds per augur run (debug builds are slow, but not that slow)

ELEM_DTYPES = {
    TensorProto.FLOAT: np.float32,
    TensorProto.DOUBLE: np.float64,
    TensorProto.INT64: np.int64,
    TensorProto.INT32: np.int32,
    TensorProto.BOOL: np.bool_,
    TensorProto.STRING: object,
}

TREE_OPS = ("TreeEnsembleClassifier", "TreeEnsembleRegressor", "TreeEnsemble")
PASS_THROUGH_OPS = ("Cast", "Identity")

UNKNOWN_STRINGS = ["", "__unknown__", "zzz", "NaN", "null", "missing ", " ", "Ürban", "a,b\"c\\d\n", "x" * 300]


class CaseError(Exception):
    """The case cannot be run (bad fixture, onnxruntime failure, augur failure)."""


# ------------------------------------------------------------------------------------------
# model analysis
# ------------------------------------------------------------------------------------------


@dataclass
class InputSpec:
    name: str
    elem: int
    dtype: type
    trailing: list[int]  # feature dims after the batch dim ([] for a rank-1 input)
    width: int
    # per flat column: values seen in the fixture, finite-value mean/std
    seen: list[list] = field(default_factory=list)
    mean: list[float] = field(default_factory=list)
    std: list[float] = field(default_factory=list)
    # per flat column: tree thresholds testing that column (float64 values)
    thresholds: list[list[float]] = field(default_factory=list)
    # strings / ints named anywhere in the model (categories, label-encoder keys)
    categories: list = field(default_factory=list)
    # NaN (missing) values are generated unless onnxruntime rejects them for this model
    allow_nan: bool = True

    @property
    def is_float(self) -> bool:
        return self.elem in (TensorProto.FLOAT, TensorProto.DOUBLE)


def _attr(node, name):
    for a in node.attribute:
        if a.name == name:
            return a
    return None


def _attr_floats(node, *names):
    """The first present attribute of `names` as floats (a FLOATS list or a TENSOR)."""
    for name in names:
        a = _attr(node, name)
        if a is None:
            continue
        if a.type == onnx.AttributeProto.TENSOR:
            return [float(v) for v in numpy_helper.to_array(a.t).ravel().tolist()]
        return [float(v) for v in a.floats]
    return None


def tree_thresholds(node) -> list[tuple[int, float]]:
    """(feature id, threshold) for every branch node of a tree-ensemble node."""
    feats_a = _attr(node, "nodes_featureids")
    if feats_a is None:
        return []
    feats = list(feats_a.ints)
    out: list[tuple[int, float]] = []
    if node.op_type == "TreeEnsemble":  # ai.onnx.ml opset 5: every nodes_* entry is a branch
        splits = _attr_floats(node, "nodes_splits") or []
        modes_a = _attr(node, "nodes_modes")
        modes = numpy_helper.to_array(modes_a.t).ravel().tolist() if modes_a is not None else [0] * len(feats)
        members = _attr_floats(node, "membership_values") or []
        groups, cur = [], []
        for v in members:
            if math.isnan(v):
                groups.append(cur)
                cur = []
            else:
                cur.append(v)
        if cur:
            groups.append(cur)
        gi = 0
        for f, s, m in zip(feats, splits, modes):
            if m == 6:  # BRANCH_MEMBER
                if gi < len(groups):
                    out.extend((f, v) for v in groups[gi])
                gi += 1
            elif not math.isnan(s):
                out.append((f, s))
        return out
    vals = _attr_floats(node, "nodes_values_as_tensor", "nodes_values")
    if vals is None:
        return []
    modes_a = _attr(node, "nodes_modes")
    modes = [m.decode() for m in modes_a.strings] if modes_a is not None else ["BRANCH_LEQ"] * len(feats)
    for f, v, m in zip(feats, vals, modes):
        if m != "LEAF" and not math.isnan(v):
            out.append((f, v))
    return out


def graph_input_of(tensor_name: str, producers: dict, graph_inputs: set) -> str | None:
    """Follow Cast/Identity back to a graph input, if the tensor is a (cast) graph input."""
    seen = set()
    while tensor_name not in graph_inputs:
        if tensor_name in seen:
            return None
        seen.add(tensor_name)
        node = producers.get(tensor_name)
        if node is None or node.op_type not in PASS_THROUGH_OPS or not node.input:
            return None
        tensor_name = node.input[0]
    return tensor_name


def model_strings_and_ints(model: onnx.ModelProto) -> tuple[list[str], list[int]]:
    strings, ints = [], []
    for node in model.graph.node:
        for a in node.attribute:
            if a.name in ("cats_strings", "keys_strings", "values_strings", "default_string", "classes_strings"):
                vals = a.strings if a.type == onnx.AttributeProto.STRINGS else [a.s]
                strings.extend(v.decode("utf-8", "replace") for v in vals)
            elif a.name in ("cats_int64s", "keys_int64s"):
                ints.extend(int(v) for v in a.ints)
    return sorted(set(strings)), sorted(set(ints))


def _decode_fixture_values(tensor: dict) -> list:
    out = []
    for v in tensor.get("data", []):
        if isinstance(v, str) and tensor.get("type") in ("float32", "float64"):
            out.append({"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}.get(v, math.nan))
        else:
            out.append(v)
    return out


def analyse(model: onnx.ModelProto, fixture_inputs: dict) -> list[InputSpec]:
    initializers = {t.name for t in model.graph.initializer}
    specs: list[InputSpec] = []
    for vi in model.graph.input:
        if vi.name in initializers:
            continue
        tt = vi.type.tensor_type
        if not vi.type.HasField("tensor_type") or tt.elem_type not in ELEM_DTYPES:
            raise CaseError(f"input '{vi.name}' has a type the row format cannot express")
        dims = [d.dim_value if d.HasField("dim_value") else None for d in tt.shape.dim] if tt.HasField("shape") else [None, None]
        if not dims:
            raise CaseError(f"input '{vi.name}' is a scalar")
        trailing = dims[1:]
        shape = (fixture_inputs.get(vi.name) or {}).get("shape") or []
        if len(dims) == 2 and trailing[0] is None:
            # An open width ([N, ?], or no shape): augur takes it from the rows; use the fixture's.
            trailing = [shape[1] if len(shape) == 2 else 1]
        if any(d is None for d in trailing):
            raise CaseError(f"input '{vi.name}' has unknown feature dimensions {dims}")
        width = int(np.prod(trailing)) if trailing else 1
        specs.append(InputSpec(vi.name, tt.elem_type, ELEM_DTYPES[tt.elem_type], list(trailing), width))

    strings, ints = model_strings_and_ints(model)
    producers = {o: n for n in model.graph.node for o in n.output}
    names = {s.name for s in specs}
    by_name = {s.name: s for s in specs}
    for s in specs:
        s.thresholds = [[] for _ in range(s.width)]
        s.seen = [[] for _ in range(s.width)]
        fx = fixture_inputs.get(s.name)
        if fx is not None:
            vals = _decode_fixture_values(fx)
            for i, v in enumerate(vals):
                s.seen[i % s.width].append(v)
        for col in range(s.width):
            finite = [float(v) for v in s.seen[col] if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)]
            if finite:
                arr = np.array(finite)
                s.mean.append(float(arr.mean()))
                s.std.append(float(arr.std()) or max(1.0, abs(float(arr.mean())) * 0.1))
            else:
                s.mean.append(0.0)
                s.std.append(1.0)
        if s.elem == TensorProto.STRING:
            fx_strings = sorted({v for col in s.seen for v in col if isinstance(v, str)})
            s.categories = sorted(set(strings) | set(fx_strings))
        elif s.elem in (TensorProto.INT64, TensorProto.INT32):
            fx_ints = sorted({int(v) for col in s.seen for v in col if isinstance(v, int)})
            s.categories = sorted(set(ints) | set(fx_ints))

    for node in model.graph.node:
        if node.op_type not in TREE_OPS or not node.input:
            continue
        src = graph_input_of(node.input[0], producers, names)
        if src is None:
            continue
        spec = by_name[src]
        for feat, thr in tree_thresholds(node):
            if 0 <= feat < spec.width:
                spec.thresholds[feat].append(thr)
    for s in specs:
        s.thresholds = [sorted(set(t)) for t in s.thresholds]
    return specs


# ------------------------------------------------------------------------------------------
# row generation
# ------------------------------------------------------------------------------------------

F32 = np.float32
F32_DENORMALS = [float(np.nextafter(F32(0), F32(1))), float(F32(np.finfo(F32).tiny) / F32(2)), float(np.finfo(F32).tiny)]


def threshold_candidates(t: float, dtype) -> list[float]:
    """The threshold in the input's precision and its neighbours (float32, and float64 for doubles)."""
    t32 = F32(t)
    out = [float(t32), float(np.nextafter(t32, F32(np.inf))), float(np.nextafter(t32, F32(-np.inf)))]
    if dtype is np.float64:
        t64 = np.float64(t)
        out += [float(t64), float(np.nextafter(t64, np.inf)), float(np.nextafter(t64, -np.inf))]
    # JSON rows cannot carry +-inf (LightGBM writes infinite thresholds); keep the finite neighbours
    return [v for v in out if math.isfinite(v)] or [0.0]


def special_floats(dtype, allow_nan: bool = True) -> list[float]:
    vals = ([math.nan] if allow_nan else []) + [0.0, -0.0, 1e30, -1e30, 3e38, -3e38] + F32_DENORMALS + [-v for v in F32_DENORMALS]
    if dtype is np.float64:
        vals += [1e300, -1e300, 5e-324, -5e-324, 2.2250738585072014e-308]
    return vals


def gen_float(rng, spec: InputSpec, col: int) -> float:
    dtype = spec.dtype
    thr = spec.thresholds[col]
    r = rng.random()
    if thr and r < 0.40:
        t = thr[int(rng.integers(len(thr)))]
        cands = threshold_candidates(t, dtype)
        # half exact thresholds, half neighbours
        v = cands[0] if rng.random() < 0.5 else cands[int(rng.integers(len(cands)))]
        # (cands[0] is the threshold itself whenever it is finite)
    elif r < 0.55:
        sp = special_floats(dtype, spec.allow_nan)
        v = sp[int(rng.integers(len(sp)))]
    elif r < 0.65 and spec.seen[col] and math.isfinite(
            v := float(spec.seen[col][int(rng.integers(len(spec.seen[col])))])):
        pass  # a value from the fixture's input.json (JSON rows cannot carry +-inf; NaN only as null)
    else:
        v = float(rng.normal(spec.mean[col], spec.std[col]))
    return float(dtype(v))  # exactly representable in the input's precision


def gen_string(rng, spec: InputSpec) -> str:
    if spec.categories and rng.random() < 0.8:
        return spec.categories[int(rng.integers(len(spec.categories)))]
    return UNKNOWN_STRINGS[int(rng.integers(len(UNKNOWN_STRINGS)))]


def gen_int(rng, spec: InputSpec) -> int:
    info = np.iinfo(spec.dtype)
    r = rng.random()
    if spec.categories and r < 0.7:
        return int(spec.categories[int(rng.integers(len(spec.categories)))])
    if r < 0.8:
        return int([0, -1, 1, info.max, info.min][int(rng.integers(5))])
    return int(rng.integers(-100, 100))


def gen_cell(rng, spec: InputSpec, col: int, edge: str | None):
    if spec.is_float:
        if edge == "nan" and not spec.allow_nan:
            edge = "zero"
        if edge is not None:
            return float(spec.dtype({"nan": math.nan, "zero": 0.0, "negzero": -0.0, "huge": 3e38, "neghuge": -3e38,
                                     "big": 1e30, "negbig": -1e30, "denormal": F32_DENORMALS[0]}[edge]))
        return gen_float(rng, spec, col)
    if spec.elem == TensorProto.STRING:
        return "" if edge is not None else gen_string(rng, spec)
    if spec.elem == TensorProto.BOOL:
        return bool(rng.integers(2))
    return 0 if edge is not None else gen_int(rng, spec)


EDGE_ROWS = ["nan", "zero", "negzero", "huge", "neghuge", "big", "negbig", "denormal"]


def generate(rng, specs: list[InputSpec], n_rows: int):
    """Rows as {name: [width values]} (Python scalars), in batch order."""
    rows = []
    for i in range(n_rows):
        edge = EDGE_ROWS[i] if i < len(EDGE_ROWS) and n_rows > 2 * len(EDGE_ROWS) else None
        rows.append({s.name: [gen_cell(rng, s, c, edge) for c in range(s.width)] for s in specs})
    return rows


def ort_feeds(specs: list[InputSpec], rows) -> dict:
    feeds = {}
    n = len(rows)
    for s in specs:
        flat = [v for r in rows for v in r[s.name]]
        if s.dtype is object:
            arr = np.array(flat, dtype=object)
        else:
            arr = np.array(flat, dtype=s.dtype)
        feeds[s.name] = arr.reshape([n] + s.trailing)
    return feeds


def json_cell(v):
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def json_rows(rng, specs: list[InputSpec], rows) -> list[dict]:
    out = []
    for r in rows:
        obj = {}
        for s in specs:
            vals = [json_cell(v) for v in r[s.name]]
            if s.width == 1:
                # both spellings are accepted for a one-value input: 5 and [5]
                obj[s.name] = vals if rng.random() < 0.25 else vals[0]
            else:
                obj[s.name] = vals
        out.append(obj)
    return out


# ------------------------------------------------------------------------------------------
# comparison
# ------------------------------------------------------------------------------------------


@dataclass
class Stats:
    max_abs: float = 0.0
    max_rel: float = 0.0
    numbers: int = 0
    label_mismatches: int = 0
    value_mismatches: int = 0
    structure: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    example_rows: list[int] = field(default_factory=list)

    def example(self, text: str):
        if len(self.examples) < 5:
            self.examples.append(text)

    @property
    def mismatches(self) -> int:
        return self.label_mismatches + self.value_mismatches + len(self.structure)

    def merge(self, other: "Stats", row: int | None = None):
        self.max_abs = max(self.max_abs, other.max_abs)
        self.max_rel = max(self.max_rel, other.max_rel)
        self.numbers += other.numbers
        self.label_mismatches += other.label_mismatches
        self.value_mismatches += other.value_mismatches
        self.structure += other.structure
        for e in other.examples:
            if len(self.examples) < 5:
                self.examples.append(e)
                if row is not None and row not in self.example_rows:
                    self.example_rows.append(row)


def nested_shape(v) -> tuple:
    shape = []
    while isinstance(v, list):
        shape.append(len(v))
        v = v[0] if v else None
    return tuple(shape)


def flatten(v) -> list:
    if isinstance(v, list):
        return [x for item in v for x in flatten(item)]
    return [v]


def compare_number(expected: float, got, stats: Stats, where: str, f32: bool = False):
    """`f32`: the output is float32, so augur printed the shortest float32 round-trip text;
    read it back as float32 before comparing (3e+38 means float32(3e38), not the double 3e38)."""
    stats.numbers += 1
    if not math.isfinite(expected):
        if got is not None:
            stats.value_mismatches += 1
            stats.example(f"{where}: onnxruntime {expected!r}, augur {got!r} (expected null)")
        return
    if got is None or isinstance(got, (bool, str)) or not isinstance(got, (int, float)):
        stats.value_mismatches += 1
        stats.example(f"{where}: onnxruntime {expected!r}, augur {got!r}")
        return
    got = float(np.float32(got)) if f32 else float(got)
    d = abs(got - expected)
    rel = d / abs(expected) if expected != 0 else (0.0 if d == 0 else math.inf)
    stats.max_abs = max(stats.max_abs, d)
    if d > 0 and abs(expected) > ABS_TOL:  # relative error of tiny values is noise
        stats.max_rel = max(stats.max_rel, rel)
    if not (d <= ABS_TOL or d <= REL_TOL * abs(expected)):
        stats.value_mismatches += 1
        stats.example(f"{where}: onnxruntime {expected!r}, augur {got!r} (abs {d:.3g}, rel {rel:.3g})")


def compare_label(expected, got, stats: Stats, where: str, kind: str):
    if kind == "b":
        ok = isinstance(got, bool) and got == bool(expected)
    elif kind in "iu":
        ok = isinstance(got, int) and not isinstance(got, bool) and got == int(expected)
    else:
        exp = expected.decode() if isinstance(expected, bytes) else str(expected)
        ok = isinstance(got, str) and got == exp
        expected = exp
    if not ok:
        stats.label_mismatches += 1
        stats.example(f"{where}: onnxruntime {expected!r}, augur {got!r}")


def check_structure(name: str, expected, got, n_rows: int) -> str | None:
    """Whole-output problems (not one entry per row, wrong kind); None when rows can be compared."""
    if not isinstance(got, list) or len(got) != n_rows:
        return (f"output '{name}': expected a list of {n_rows} rows, got {type(got).__name__}"
                f"{' of ' + str(len(got)) if isinstance(got, list) else ''}")
    if isinstance(expected, list):
        if len(expected) != n_rows:
            return f"output '{name}': onnxruntime gave {len(expected)} maps for {n_rows} rows"
        return None
    arr = np.asarray(expected)
    if arr.ndim == 0 or arr.shape[0] != n_rows:
        return f"output '{name}': onnxruntime shape {arr.shape} for {n_rows} rows"
    return None


def compare_row(name: str, expected, i: int, got_row, stats: Stats, where_row: int):
    """Row `i` of onnxruntime's output `expected` against augur's entry `got_row`."""
    if isinstance(expected, list):  # ZipMap: one dict per row
        e_map = expected[i]
        if not isinstance(got_row, dict):
            stats.structure.append(f"output '{name}' row {where_row}: expected an object, got {got_row!r:.80}")
            return
        e_str = {str(k): float(v) for k, v in e_map.items()}
        if set(e_str) != set(got_row):
            stats.structure.append(f"output '{name}' row {where_row}: keys {sorted(got_row)} != onnxruntime {sorted(e_str)}")
            return
        for k, v in e_str.items():
            compare_number(v, got_row[k], stats, f"{name}[{where_row}][{k!r}]", f32=True)
        return
    arr = np.asarray(expected)
    row_shape = arr.shape[1:]
    kind = arr.dtype.kind
    if nested_shape(got_row) != row_shape:
        stats.structure.append(f"output '{name}' row {where_row}: shape {nested_shape(got_row)} != onnxruntime {row_shape}")
        return
    e_flat = arr[i].ravel().tolist() if row_shape else [arr[i].item() if kind != "O" else arr[i]]
    for j, (e, v) in enumerate(zip(e_flat, flatten(got_row))):
        where = f"{name}[{where_row}]" + (f"[{j}]" if row_shape else "")
        if kind == "f":
            compare_number(float(e), v, stats, where, f32=arr.dtype == np.float32)
        else:
            compare_label(e, v, stats, where, kind if kind in "biu" else "s")


def ort_rows_agree(batch, i: int, single) -> bool:
    """Whether onnxruntime's row `i` of a batch output equals its output for that row alone
    (NaN equal to NaN, numbers within the tolerance)."""
    def same(x, y) -> bool:
        if isinstance(x, (float, np.floating)) or isinstance(y, (float, np.floating)):
            x, y = float(x), float(y)
            if math.isnan(x) or math.isnan(y):
                return math.isnan(x) and math.isnan(y)
            if math.isinf(x) or math.isinf(y):
                return x == y
            return abs(x - y) <= ABS_TOL or abs(x - y) <= REL_TOL * abs(y)
        return x == y

    if isinstance(batch, list):
        a, b = batch[i], single[0]
        return set(a) == set(b) and all(same(a[k], b[k]) for k in a)
    a, b = np.asarray(batch)[i], np.asarray(single)[0]
    return a.shape == b.shape and all(same(x, y) for x, y in zip(a.ravel().tolist(), b.ravel().tolist()))


# ------------------------------------------------------------------------------------------
# one case
# ------------------------------------------------------------------------------------------


def ort_session(model_bytes: bytes) -> ort.InferenceSession:
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.log_severity_level = 4
    return ort.InferenceSession(model_bytes, so, providers=["CPUExecutionProvider"])


def first_lines(text: str, n: int = 3, width: int = 300) -> str:
    lines = [ln[:width] for ln in text.strip().splitlines()[:n]]
    return " | ".join(lines) if lines else "(no output)"


def has_nan(rows, specs) -> bool:
    return any(isinstance(v, float) and math.isnan(v) for r in rows for s in specs if s.is_float for v in r[s.name])


def run_case(case: str, args, seed: int, workdir: Path) -> tuple[bool, str, list[str]]:
    folder = args.fixtures / case
    model_path = folder / "model.onnx"
    if not model_path.is_file():
        raise CaseError(f"no fixture model {model_path}")
    model = onnx.load(str(model_path))
    fixture_inputs = {}
    if (folder / "input.json").is_file():
        fixture_inputs = json.loads((folder / "input.json").read_text())["inputs"]
    specs = analyse(model, fixture_inputs)
    try:
        sess = ort_session(model_path.read_bytes())
    except Exception as e:  # noqa: BLE001
        raise CaseError(f"onnxruntime cannot load the model: {first_lines(str(e), 2)}")

    notes = []
    rng = np.random.default_rng([seed, zlib.crc32(case.encode())])
    rows = generate(rng, specs, args.rows)
    try:
        expected_list = sess.run(None, ort_feeds(specs, rows))
    except Exception as e:  # noqa: BLE001
        if not has_nan(rows, specs):
            raise CaseError(f"onnxruntime failed: {first_lines(str(e), 2)}")
        # The model does not accept missing values (e.g. Binarizer): same rows without NaN.
        for s in specs:
            s.allow_nan = False
        rng = np.random.default_rng([seed, zlib.crc32(case.encode())])
        rows = generate(rng, specs, args.rows)
        notes.append(f"no NaN (onnxruntime rejects it: {first_lines(str(e), 1, 120)})")
        try:
            expected_list = sess.run(None, ort_feeds(specs, rows))
        except Exception as e2:  # noqa: BLE001
            raise CaseError(f"onnxruntime failed: {first_lines(str(e2), 2)}")
    out_names = [o.name for o in sess.get_outputs()]
    expected = dict(zip(out_names, expected_list))

    case_dir = workdir / case
    case_dir.mkdir(parents=True, exist_ok=True)
    rows_path, out_path = case_dir / "rows.json", case_dir / "augur.json"
    j_rows = json_rows(rng, specs, rows)
    rows_path.write_text(json.dumps(j_rows, allow_nan=False) + "\n")
    cmd = [str(args.augur), "predict", "--model", str(model_path), "--input", str(rows_path), "--output", str(out_path)]
    if args.threads != 1:
        cmd += ["--threads", str(args.threads)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=AUGUR_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise CaseError(f"augur predict timed out after {AUGUR_TIMEOUT}s")
    if proc.returncode != 0:
        sig = f" (signal {-proc.returncode})" if proc.returncode < 0 else ""
        raise CaseError(f"augur predict exited {proc.returncode}{sig}: {first_lines(proc.stderr or proc.stdout)}")
    try:
        got = json.loads(out_path.read_text())
    except Exception as e:  # noqa: BLE001
        raise CaseError(f"augur output is not JSON: {e}")
    if not isinstance(got, dict):
        raise CaseError("augur output is not a JSON object")

    n = len(rows)
    stats = Stats()
    missing = [k for k in out_names if k not in got]
    extra = [k for k in got if k not in expected]
    if missing:
        stats.structure.append(f"outputs missing from augur: {missing}")
    if extra:
        stats.structure.append(f"outputs augur has but onnxruntime does not: {extra}")
    comparable = []
    for name in out_names:
        if name in got:
            problem = check_structure(name, expected[name], got[name], n)
            if problem:
                stats.structure.append(problem)
            else:
                comparable.append(name)

    # Row by row. onnxruntime's own answer can depend on the batch (MLAS GEMM blocks a
    # 200-row batch differently from one row, so float32 sums round differently, and a sum
    # that overflows float32 can be finite in one and inf/NaN in the other): a row that
    # differs from the batch result is scored again by onnxruntime alone and passes if augur
    # matches that.
    # If onnxruntime disagrees with itself (batch vs alone) and augur matches neither, the row
    # has no reference answer (typically float32 overflow: inf - inf is NaN in one summation
    # order and -inf in another, which also moves the argmax label); it is counted as
    # ort_unstable=N and not failed.
    batch_dependent = unstable = 0
    for i in range(n):
        row_stats = Stats()
        for name in comparable:
            compare_row(name, expected[name], i, got[name][i], row_stats, i)
        if row_stats.mismatches:
            single = dict(zip(out_names, sess.run(None, ort_feeds(specs, rows[i:i + 1]))))
            alone = Stats()
            for name in comparable:
                compare_row(name, single[name], 0, got[name][i], alone, i)
            if not alone.mismatches:
                batch_dependent += 1
                row_stats = alone
            elif not all(ort_rows_agree(expected[name], i, single[name]) for name in comparable):
                unstable += 1
                row_stats = Stats(max_abs=0.0)
        stats.merge(row_stats, i)

    ok = stats.mismatches == 0
    line = (f"rows={n} max_abs={stats.max_abs:.3g} max_rel={stats.max_rel:.3g} "
            f"label_mismatches={stats.label_mismatches} value_mismatches={stats.value_mismatches}")
    if batch_dependent:
        line += f" ort_row_alone={batch_dependent}"
    if unstable:
        line += f" ort_unstable={unstable}"
    details = [f"note: {n}" for n in notes] + stats.structure[:5] + stats.examples
    if not ok:
        # the input rows of the first mismatches, to reproduce
        for idx in stats.example_rows[:3]:
            details.append(f"row {idx} input: {json.dumps(j_rows[idx], allow_nan=False)[:400]}")
        details.append(f"rows: {case}/rows.json, augur output: {case}/augur.json")
    return ok, line, details


# ------------------------------------------------------------------------------------------
# main
# ------------------------------------------------------------------------------------------


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--augur", required=True, type=Path, help="path to the augur executable")
    ap.add_argument("--seed", default=str(DEFAULT_SEED), help=f"integer seed or 'random' (default {DEFAULT_SEED})")
    ap.add_argument("--rows", type=int, default=200, help="rows per case (default 200)")
    ap.add_argument("--cases", default=None, help="comma-separated fixture names, or 'all' (default: the built-in list)")
    ap.add_argument("--threads", type=int, default=1, help="passed to augur predict --threads (default 1)")
    ap.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES, help="fixture root (default Tests/Fixtures or $AUGUR_FIXTURES)")
    ap.add_argument("--keep", type=Path, default=None, help="keep rows.json / augur.json per case in this folder")
    ap.add_argument("--verbose", "-v", action="store_true", help="print mismatch examples for passing cases too")
    args = ap.parse_args(argv)
    if args.rows < 1:
        ap.error("--rows must be at least 1")
    if args.seed == "random":
        args.seed_value = secrets.randbits(32)
    else:
        try:
            args.seed_value = int(args.seed, 0)
        except ValueError:
            ap.error(f"--seed must be an integer or 'random', not {args.seed!r}")
    if args.cases in (None, ""):
        args.case_list = list(DEFAULT_CASES)
    elif args.cases == "all":
        args.case_list = sorted(p.name for p in args.fixtures.iterdir() if (p / "model.onnx").is_file())
    else:
        args.case_list = [c.strip() for c in args.cases.split(",") if c.strip()]
    if not args.augur.exists():
        ap.error(f"--augur {args.augur} does not exist (build it with `swift build`)")
    args.augur = args.augur.resolve()
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    seed = args.seed_value
    print(f"differential: seed {seed} (rerun with --seed {seed}), {args.rows} rows per case, "
          f"onnxruntime {ort.__version__}, augur {args.augur}", flush=True)
    start = time.monotonic()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        workdir = args.keep
        cleanup = None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="augur-differential-")
        workdir = Path(cleanup.name)
    passed = failed = 0
    failed_names = []
    width = max(len(c) for c in args.case_list)
    try:
        for case in args.case_list:
            t0 = time.monotonic()
            try:
                ok, line, details = run_case(case, args, seed, workdir)
            except CaseError as e:
                ok, line, details = False, f"ERROR {e}", []
            except Exception as e:  # noqa: BLE001 - a harness bug must not hide the other cases
                ok, line, details = False, f"ERROR (harness) {type(e).__name__}: {e}", []
            status = "ok  " if ok else "FAIL"
            print(f"{status} {case:<{width}}  {line}  ({time.monotonic() - t0:.1f}s)", flush=True)
            for d in details:
                if not ok or args.verbose or d.startswith("note: "):
                    print(f"       {d}", flush=True)
            if ok:
                passed += 1
            else:
                failed += 1
                failed_names.append(case)
        if failed and cleanup is not None:
            # keep the failing cases' rows for reproduction
            keep = Path(tempfile.mkdtemp(prefix="augur-differential-failed-"))
            for case in failed_names:
                if (workdir / case).is_dir():
                    shutil.copytree(workdir / case, keep / case)
            print(f"differential: rows of failing cases kept in {keep}", flush=True)
    finally:
        if cleanup is not None:
            cleanup.cleanup()
    print(f"differential: seed {seed}, {time.monotonic() - start:.1f}s", flush=True)
    print(f"differential: {passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
