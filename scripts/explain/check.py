#!/usr/bin/env python3
"""POST /{route}/explain against shap itself, for tree ensembles and (below) linear models.

Trees: for every tree fixture whose model is one tree ensemble node reading the model input
(and for the re-encoded variants of scripts/explain/variants.py: BRANCH_GT/GTE, AVERAGE,
TreeEnsemble of ai.onnx.ml 5), Augur's contributions,
base values and output values must equal shap.TreeExplainer's (feature_perturbation=
"tree_path_dependent") on the same trees with the same node covers, and onnxruntime's raw
margins (the model with post_transform NONE).

  scripts/explain/check.py AUGUR_BINARY [--only NAME ...]   (run with .venv-explain/bin/python)
  scripts/explain/check.py --offline [--only NAME ...]      (no server: the conversion only)

Per model: a service folder with
- reference.csv: header f0..f{F-1}; the fixture's input rows, rows drawn uniformly within each
  column's observed range (fixed seed; integers for integer-looking columns), then rows built
  to reach every leaf no row reached yet, so that no node has a zero cover (shap refuses zero
  covers). Numbers exact in the input's type; a missing value is the text NaN.
- augur.yaml: models: m: {path, reference} (absolute); route r with one parameter
  fK: {type: float, nullable: true} per model column, features [f0, …]; classifiers add
  output: {probabilities: true}.
then `AUGUR_BINARY serve DIR --port P --reload-interval 0`, and the fixture's input rows posted
as one array to /r/explain (NaN as null; rows with ±∞ are left out).

The answer must be {"predictions": [one per row], "model": {…}}, each prediction the one POST /r
gives plus "explanation": {"method": "tree_path_dependent", "output_space": "margin" (or
"probability" for a classifier without transform),
"transform": post_transform in lower case, then either "base_value", "output_value",
"contributions" (regressors with one target; two-class models whose leaves score one class),
or "classes": [{"label", …}] in class order (more than two classes), or "targets":
[{"target": k, …}] (several targets)}. contributions: one {"parameter", "value" (the posted
number, null for null), "contribution"} per parameter, sorted by |contribution| descending.
One object posted answers that prediction with "model" beside it.

The trees are read from the ONNX file by scripts/explain/onnx_trees.py, which also counts the
covers; before anything is compared with Augur, shap's expected_value + Σ shap_values must equal
onnxruntime's raw margin for every row (this proves the conversion).

Linear models (scripts/explain/onnx_linear.py): every fixture with one LinearClassifier or
LinearRegressor node and no tree ensemble, behind whatever preprocessing the graph does, with
one float [N, F] model input (and the linear variants of scripts/explain/variants.py: a
one-row LinearClassifier, a two-class one with unpaired rows, a two-target LinearRegressor).
The same service and requests; reference.csv holds the fixture's rows and uniform rows up to
REFERENCE_ROWS (as above, without the leaf-reaching rows). Expected: shap.LinearExplainer((coef,
intercept), shap.maskers.Independent(Z_ref, max_samples=len(Z_ref))) with coef and intercept the
node's own, Z_ref and Z what the linear node reads for the reference rows and the posted rows
(onnxruntime on a copy of the model whose output is the node's input); "method": "linear",
"output_space": "margin", the forms as onnx_linear.py lists them. Each parameter's contribution
is the sum over the linear columns its model column moves (one column each for scalers,
imputers and casts; a linear column moved by several model columns is skipped). Output values
are onnxruntime's raw scores from the node with post_transform NONE.

Tolerances, per score column with S = max(1, |base value|, max |raw margin| over the rows):
contributions, base values and output values |a - b| <= 1e-5·|b| + 1e-6·S; additivity
|base + Σ contributions - output value| <= 1e-6·S.
"""
from __future__ import annotations

import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(HERE))
from checklib import check, finish, free_port  # noqa: E402
import onnx_linear  # noqa: E402
import onnx_trees  # noqa: E402
import variants  # noqa: E402

FIXTURES = ROOT / "Tests" / "Fixtures"
REFERENCE_ROWS = 200
SEED = 20240611
RTOL, ATOL, ADDITIVITY = 1e-5, 1e-6, 1e-6
BUDGET_SECONDS = 240          # the whole run; test.sh gives it 300
START_SECONDS = 20            # for one server to answer /readyz
TREE_PREFIXES = ("rf_", "extra_trees_", "decision_tree_", "gb_", "hist_gb_", "lightgbm_", "xgboost_", "tree_")
# Fixture names that suggest a linear model (checked, or skipped with the reason, beside every
# fixture holding a LinearClassifier / LinearRegressor node).
LINEAR_PREFIXES = ("linear_", "logistic_", "ridge", "lasso", "simple_imputer_")
NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


# -- the fixture ---------------------------------------------------------------------------------

def fixture_rows(folder: Path):
    """(input name, rows as float64 [N, F]) from input.json."""
    inputs = json.loads((folder / "input.json").read_text())["inputs"]
    if len(inputs) != 1:
        raise onnx_trees.Unsupported(f"{len(inputs)} inputs in input.json")
    (name, tensor), = inputs.items()
    if len(tensor["shape"]) != 2:
        raise onnx_trees.Unsupported(f"input shape {tensor['shape']} (need [N, F])")
    if any(isinstance(v, str) and v not in NON_FINITE for v in tensor["data"]):
        raise onnx_trees.Unsupported("text input (the explanation covers numeric model inputs)")
    data = [NON_FINITE[v] if isinstance(v, str) else float(v) for v in tensor["data"]]
    return name, np.asarray(data, dtype=np.float64).reshape(tensor["shape"])


def raw_margins(model_path: Path, ensemble, input_name: str, X) -> np.ndarray:
    """onnxruntime's raw scores: the tree node's own score output with post_transform NONE,
    as the columns the explanation covers ([N, n_outputs])."""
    model = onnx.load(str(model_path))
    node = next(n for n in model.graph.node if n.op_type in onnx_trees.TREE_OPS)
    onnx_trees.score_model(model, node, node.output[1] if node.op_type == "TreeEnsembleClassifier" else node.output[0])
    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    out = np.asarray(session.run(None, {input_name: X.astype(ensemble.input_dtype)})[0], dtype=np.float64)
    out = out.reshape(len(X), -1)
    if ensemble.form == "single" and ensemble.class_labels is not None:
        return out[:, 1:2]  # a one-score two-class model: [?, s]; s is the positive class's margin
    if out.shape[1] != ensemble.n_outputs:
        raise onnx_trees.Unsupported(f"onnxruntime gives {out.shape[1]} score columns, the trees {ensemble.n_outputs}")
    return out


# -- the reference ------------------------------------------------------------------------------

def sampler(X, dtype, rng):
    """(uniform, lo, hi, integral): uniform(n) draws n rows uniformly within each column's
    observed range in X (integers for integer-looking columns), exact in `dtype`."""
    columns = X.shape[1]
    lo, hi, integral = np.zeros(columns), np.zeros(columns), np.zeros(columns, bool)
    for j in range(columns):
        v = X[:, j][np.isfinite(X[:, j])]
        if len(v):
            lo[j], hi[j] = v.min(), v.max()
            integral[j] = bool(np.all(v == np.round(v)))

    def uniform(n):
        rows = lo + (hi - lo) * rng.random((n, columns))
        for j in np.where(integral)[0]:
            rows[:, j] = rng.integers(int(lo[j]), int(hi[j]) + 1, size=n)
        return rows.astype(dtype).astype(np.float64)

    return uniform, lo, hi, integral


def reference_rows(X, ensemble, rng):
    """The fixture's rows (NaN included), uniform rows up to REFERENCE_ROWS, then rows that
    reach every leaf not reached yet (with NaN where only a missing value gets there). Values
    are exact in the input's type. Returns (rows, unreachable): leaves no row can reach."""
    dtype = ensemble.input_dtype
    uniform, lo, hi, integral = sampler(X, dtype, rng)
    rows = np.vstack([X.astype(dtype).astype(np.float64), uniform(max(0, REFERENCE_ROWS - len(X)))])
    ensemble.set_covers(rows)
    unreachable, added = set(), []
    for _ in range(10_000):
        todo = [leaf for leaf in ensemble.uncovered_leaves() if leaf not in unreachable]
        if not todo:
            break
        tree, leaf = todo[0]
        box = ensemble.leaf_box(tree, leaf)
        row = None if box is None else _row_in(box, uniform(1)[0], lo, hi, integral, dtype, rng)
        if row is None or ensemble.leaves(row[None, :])[tree, 0] != leaf:
            unreachable.add((tree, leaf))
            continue
        added.append(row)
        ensemble.set_covers(np.vstack([rows] + added))
    rows = np.vstack([rows] + added)
    ensemble.set_covers(rows)
    return rows, sorted(unreachable)


def _row_in(box, row, lo, hi, integral, dtype, rng):
    """`row` moved into box ({feature: (low, high, nan)}: low < x <= high, or NaN where nan),
    preferring values within the column's observed range (integers for integer columns), NaN
    only where no number fits; None if it cannot be."""
    row = row.copy()
    for f, (a, b, nan_ok) in box.items():
        if f >= len(row):
            return None
        if a < row[f] <= b:
            continue
        candidates = []
        ca, cb = max(a, lo[f]), min(b, hi[f])
        if a < b:
            if integral[f] and math.floor(cb) > a and math.floor(cb) >= ca:
                candidates.append(float(rng.integers(math.floor(a) + 1 if math.isfinite(a) else math.ceil(ca),
                                                     math.floor(cb) + 1)))
            if ca <= cb:
                candidates.append(ca + (cb - ca) * rng.random())
            if math.isfinite(b):
                candidates.append(b)
            if math.isfinite(a):
                candidates += [float(np.nextafter(dtype(a), dtype(np.inf))), a + max(1.0, abs(a))]
            else:
                candidates.append(b - max(1.0, abs(b)))
        for v in candidates:
            v = float(dtype(v))
            if a < v <= b and math.isfinite(v):
                row[f] = v
                break
        else:
            if not nan_ok:
                return None
            row[f] = math.nan
    return row


def number(v: float) -> str:
    """Exact text for a value of the input's type (its float64 repr round-trips); NaN for a
    missing value."""
    if math.isnan(v):
        return "NaN"
    return str(int(v)) if v == int(v) and abs(v) < 1e15 else repr(float(v))


# -- the service --------------------------------------------------------------------------------

def write_service(folder: Path, model: Path, ensemble, columns: int, reference) -> list[str]:
    names = [f"f{j}" for j in range(columns)]
    (folder / "model.onnx").write_bytes(model.read_bytes())
    with open(folder / "reference.csv", "w") as out:
        out.write(",".join(names) + "\n")
        for row in reference:
            out.write(",".join(number(v) for v in row) + "\n")
    lines = ["models:",
             f"  m: {{path: {json.dumps(str(folder / 'model.onnx'))}, reference: {json.dumps(str(folder / 'reference.csv'))}}}",
             "routes:", "  r:", "    model: m", "    parameters:"]
    lines += [f"      {n}: {{type: float, nullable: true}}" for n in names]
    lines.append(f"    features: [{', '.join(names)}]")
    if ensemble.class_labels is not None:
        lines.append("    output: {probabilities: true}")
    (folder / "augur.yaml").write_text("\n".join(lines) + "\n")
    return names


def call(port, path, body):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Server:
    def __init__(self, augur: str, folder: Path):
        self.port = free_port()
        self.log_path = folder / "serve.log"
        self.log = open(self.log_path, "w+")
        self.process = subprocess.Popen([augur, "serve", str(folder), "--port", str(self.port), "--reload-interval", "0"],
                                        stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def ready(self) -> str | None:
        """None once /readyz answers 200, else why not."""
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return f"augur serve exited with {self.process.returncode}: {self.tail()}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=2) as r:
                    if r.status == 200:
                        return None
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.1)
        return f"no 200 from /readyz within {START_SECONDS} s: {self.tail()}"

    def tail(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-1200:]

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self.log.close()


# -- the comparison -----------------------------------------------------------------------------

class Diff:
    """Collects problems and the largest differences of one fixture."""

    def __init__(self):
        self.problems: list[str] = []
        self.max = {"contribution": 0.0, "base": 0.0, "output": 0.0, "additivity": 0.0}

    def close(self, what, kind, got, want, scale) -> bool:
        if not isinstance(got, (int, float)) or isinstance(got, bool) or not math.isfinite(got):
            self.problems.append(f"{what}: {got!r} is not a finite number (want {want:.9g})")
            return False
        d = abs(got - want)
        self.max[kind] = max(self.max[kind], d)
        if d > RTOL * abs(want) + ATOL * scale:
            self.problems.append(f"{what}: {got!r}, shap/onnxruntime {want:.9g} (|Δ| {d:.3g})")
            return False
        return True

    def fail(self, message):
        self.problems.append(message)

    def report(self, limit=12) -> str:
        """The problems, the same mistake in several rows once (with how many times)."""
        groups = {}
        for p in self.problems:
            key = re.sub(r"(predictions|row) ?\[?\d+\]?", r"\1 *", p.split(": ")[0])
            groups.setdefault(key, []).append(p)
        lines = [ps[0] + (f"  [and {len(ps) - 1} more like it]" if len(ps) > 1 else "") for ps in groups.values()]
        return "\n     ".join(lines[:limit]) + (f"\n     … {len(lines) - limit} more" if len(lines) > limit else "")


def explained_as(model) -> tuple[str, str]:
    """(method, output_space) the explanation must name. A classifier whose trees add up
    probabilities (no transform: random forests) explains them in probability; every other
    model (linear models included) explains its margin."""
    if isinstance(model, onnx_linear.Linear):
        return "linear", "margin"
    space = "probability" if model.class_labels is not None and model.transform == "none" else "margin"
    return "tree_path_dependent", space


def compare_explanation(diff: Diff, where: str, exp, ensemble, names, x_row, phi_row, expected, margin_row, scales):
    """One prediction's `explanation` against shap (phi_row [F, K], expected [K]) and the raw
    margins (margin_row [K])."""
    if not isinstance(exp, dict):
        diff.fail(f"{where}: no explanation object: {json.dumps(exp)[:200]}")
        return
    method, space = explained_as(ensemble)
    for key, want in (("method", method), ("output_space", space), ("transform", ensemble.transform)):
        if exp.get(key) != want:
            diff.fail(f"{where}.{key}: {exp.get(key)!r}, want {want!r}")
    if ensemble.form == "single":
        parts = [(exp, 0, where)]
        for key in ("classes", "targets"):
            if key in exp:
                diff.fail(f"{where}: has '{key}'; a one-score model is explained at the top level")
    else:
        key = ensemble.form
        items = exp.get(key)
        if not isinstance(items, list) or len(items) != ensemble.n_outputs:
            diff.fail(f"{where}.{key}: want a list of {ensemble.n_outputs}, got {json.dumps(items)[:200]}")
            return
        for k in ("base_value", "output_value", "contributions"):
            if k in exp:
                diff.fail(f"{where}: top-level '{k}' beside '{key}'")
        parts = [(item, k, f"{where}.{key}[{k}]") for k, item in enumerate(items)]
        for k, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            if key == "classes":
                label = ensemble.class_labels[k]
                if str(item.get("label")) != str(label):
                    diff.fail(f"{where}.classes[{k}].label: {item.get('label')!r}, want the class label {label!r}")
            elif item.get("target") != k:
                diff.fail(f"{where}.targets[{k}].target: {item.get('target')!r}, want {k}")
    for part, k, at in parts:
        if not isinstance(part, dict):
            diff.fail(f"{at}: not an object")
            continue
        scale = scales[k]
        base, output, contributions = part.get("base_value"), part.get("output_value"), part.get("contributions")
        diff.close(f"{at}.base_value", "base", base, expected[k], scale)
        diff.close(f"{at}.output_value (onnxruntime's raw margin)", "output", output, margin_row[k], scale)
        if not isinstance(contributions, list):
            diff.fail(f"{at}.contributions: not a list")
            continue
        by_name = {}
        for c in contributions:
            if not isinstance(c, dict) or not isinstance(c.get("parameter"), str):
                diff.fail(f"{at}.contributions: an entry without a parameter: {c!r}")
                continue
            if c["parameter"] in by_name:
                diff.fail(f"{at}.contributions: '{c['parameter']}' twice")
            by_name[c["parameter"]] = c
        if sorted(by_name) != sorted(names):
            diff.fail(f"{at}.contributions: parameters {sorted(by_name)}, want {sorted(names)}")
        for j, name in enumerate(names):
            c = by_name.get(name)
            if c is None:
                continue
            diff.close(f"{at}.contributions[{name}].contribution", "contribution", c.get("contribution"), phi_row[j, k], scale)
            value, want = c.get("value"), x_row[j]
            if math.isnan(want):
                if value is not None:
                    diff.fail(f"{at}.contributions[{name}].value: {value!r}, want null (posted null)")
            elif not isinstance(value, (int, float)) or abs(value - want) > 1e-7 * max(1.0, abs(want)):
                diff.fail(f"{at}.contributions[{name}].value: {value!r}, want the posted {want!r}")
        magnitudes = [abs(c.get("contribution")) for c in contributions
                      if isinstance(c, dict) and isinstance(c.get("contribution"), (int, float))]
        if any(a < b for a, b in zip(magnitudes, magnitudes[1:])):
            diff.fail(f"{at}.contributions: not sorted by |contribution| descending: {magnitudes}")
        if isinstance(base, (int, float)) and isinstance(output, (int, float)) and len(magnitudes) == len(contributions):
            total = base + sum(c["contribution"] for c in contributions)
            d = abs(total - output)
            diff.max["additivity"] = max(diff.max["additivity"], d)
            if d > ADDITIVITY * scale:
                diff.fail(f"{at}: base_value + Σ contributions = {total!r} ≠ output_value {output!r} (|Δ| {d:.3g})")


def without_explanation(prediction):
    return {k: v for k, v in prediction.items() if k != "explanation"} if isinstance(prediction, dict) else prediction


def compare_answers(diff: Diff, port, names, X, ensemble, phi, expected, margins, scales):
    rows = [{n: (None if math.isnan(v) else v) for n, v in zip(names, row)} for row in X.tolist()]
    status, body = call(port, "/r/explain", rows)
    if status != 200:
        diff.fail(f"POST /r/explain (array of {len(rows)}): {status} {body[:600]!r}")
        return
    answer = json.loads(body)
    predictions = answer.get("predictions") if isinstance(answer, dict) else None
    if not isinstance(predictions, list) or len(predictions) != len(rows):
        diff.fail(f"POST /r/explain: want {{'predictions': [{len(rows)} objects], 'model': …}}, got {body[:400]!r}")
        return
    if not isinstance(answer.get("model"), dict):
        diff.fail("POST /r/explain: no 'model' object")
    for i, prediction in enumerate(predictions):
        exp = prediction.get("explanation") if isinstance(prediction, dict) else None
        compare_explanation(diff, f"predictions[{i}].explanation", exp, ensemble, names, X[i], phi[i], expected, margins[i], scales)
    # The route's normal answer, unchanged beside the explanation.
    status, plain = call(port, "/r", rows)
    plain = json.loads(plain) if status == 200 else None
    if plain is None or [without_explanation(p) for p in predictions] != plain.get("predictions") \
            or answer.get("model") != plain.get("model"):
        diff.fail(f"POST /r/explain without its explanations differs from POST /r ({status}): "
                  f"{json.dumps([without_explanation(p) for p in predictions[:1]])[:300]} vs {json.dumps(plain)[:300]}")
    # One object: the same prediction, at the top level.
    status, body = call(port, "/r/explain", rows[0])
    single = json.loads(body) if status == 200 else None
    if not isinstance(single, dict) or {k: v for k, v in single.items() if k != "model"} != predictions[0] \
            or single.get("model") != answer.get("model"):
        diff.fail(f"POST /r/explain (one object): {status} {body[:300]!r}; want predictions[0] plus 'model'")


# -- the run ------------------------------------------------------------------------------------

def tree_fixtures():
    for folder in sorted(FIXTURES.iterdir()):
        model = folder / "model.onnx"
        if not model.exists():
            continue
        ops = {n.op_type for n in onnx.load(str(model)).graph.node}
        if folder.name.startswith(TREE_PREFIXES) or ops & set(onnx_trees.TREE_OPS):
            yield folder


def linear_fixtures():
    """Fixtures with a LinearClassifier / LinearRegressor node, or a name that suggests a linear
    model, and no tree ensemble (those are the tree part's)."""
    for folder in sorted(FIXTURES.iterdir()):
        model = folder / "model.onnx"
        if not model.exists():
            continue
        ops = {n.op_type for n in onnx.load(str(model)).graph.node}
        if ops & set(onnx_trees.TREE_OPS) or folder.name.startswith(TREE_PREFIXES):
            continue
        if folder.name.startswith(LINEAR_PREFIXES) or ops & set(onnx_linear.LINEAR_OPS):
            yield folder


def cases(work: Path):
    """(kind, name, model, fixture folder with input.json) for every tree fixture, every tree
    variant, every linear fixture and every linear variant (scripts/explain/variants.py); kind is
    "trees" or "linear"; a model that cannot be built is (kind, name, None, reason)."""
    def built(kind, table):
        for name in table:
            try:
                folder = variants.build(name, FIXTURES, work / "variants" / name)
                yield kind, name, work / "variants" / name / "model.onnx", folder
            except (ValueError, onnx.checker.ValidationError) as error:
                yield kind, name, None, f"cannot build: {error}"

    for folder in tree_fixtures():
        yield "trees", folder.name, folder / "model.onnx", folder
    yield from built("trees", variants.VARIANTS)
    for folder in linear_fixtures():
        yield "linear", folder.name, folder / "model.onnx", folder
    yield from built("linear", variants.LINEAR_VARIANTS)


def skip(name, reason, skipped) -> bool:
    skipped.append((name, str(reason)))
    print(f"skip {name}: {reason}")
    return False


def run_case(name, model_path, folder, augur, work, skipped) -> bool:
    """Checks one tree model; False when it was skipped."""
    try:
        if model_path is None:
            raise onnx_trees.Unsupported(folder)
        ensemble = onnx_trees.load(model_path)
        input_name, X = fixture_rows(folder)
        if input_name != ensemble.input_name:
            raise onnx_trees.Unsupported(f"input.json feeds '{input_name}', the trees read '{ensemble.input_name}'")
        if X.shape[1] < ensemble.n_features:
            raise onnx_trees.Unsupported(f"{X.shape[1]} input columns, the trees read {ensemble.n_features}")
    except onnx_trees.Unsupported as reason:
        return skip(name, reason, skipped)
    X = X[~np.isinf(X).any(axis=1)]                     # JSON carries NaN as null, not ±∞
    X = X.astype(ensemble.input_dtype).astype(np.float64)
    rng = np.random.default_rng(SEED)
    reference, unreachable = reference_rows(X, ensemble, rng)
    if unreachable:
        skipped.append((name, f"{len(unreachable)} leaves no row reaches (zero covers)"))
        print(f"skip {name}: {len(unreachable)} leaves no row reaches, e.g. tree/leaf {unreachable[:3]}")
        return False
    expected, phi = ensemble.explain(X)
    margins = raw_margins(model_path, ensemble, input_name, X)
    against_augur(name, model_path, ensemble, X, reference, phi, expected, margins, augur, work)
    return True


def run_linear_case(name, model_path, folder, augur, work, skipped) -> bool:
    """Checks one linear model; False when it was skipped."""
    try:
        if model_path is None:
            raise onnx_trees.Unsupported(folder)
        input_name, X = fixture_rows(folder)
        linear = onnx_linear.load(model_path, X)
        if input_name != linear.input_name:
            raise onnx_trees.Unsupported(f"input.json feeds '{input_name}', the model reads '{linear.input_name}'")
        X = X[~np.isinf(X).any(axis=1)]                 # JSON carries NaN as null, not ±∞
        X = X.astype(linear.input_dtype).astype(np.float64)
        uniform = sampler(X, linear.input_dtype, np.random.default_rng(SEED))[0]
        reference = np.vstack([X, uniform(max(0, REFERENCE_ROWS - len(X)))])
        Z_reference, Z = linear.linear_input(reference), linear.linear_input(X)
        if np.isnan(Z_reference).any():
            raise onnx_trees.Unsupported("the linear model reads NaN in the reference rows (shap's mean would be NaN)")
        groups = linear.lineage(reference, Z_reference)
    except onnx_trees.Unsupported as reason:
        return skip(name, reason, skipped)
    expected, phi_columns = linear.explain(Z_reference, Z)
    # Per model input column (parameter): the sum over the linear columns it moves.
    phi = np.stack([phi_columns[:, g, :].sum(axis=1) for g in groups], axis=1)
    margins = linear.raw_margins(X)
    against_augur(name, model_path, linear, X, reference, phi, expected, margins, augur, work,
                  detail=f"linear input {linear.width} columns" + ("" if all(len(g) == 1 for g in groups)
                                                                   else " (grouped per input column)"))
    return True


def against_augur(name, model_path, model, X, reference, phi, expected, margins, augur, work, detail=""):
    """Checks shap (expected [K], phi [N, F, K]) against onnxruntime's raw margins [N, K], then
    Augur's answers for X against both; prints one ok/FAIL line."""
    diff = Diff()
    scales = [max(1.0, abs(float(expected[k])), float(np.max(np.abs(margins[:, k])))) for k in range(model.n_outputs)]
    # The conversion itself: shap's additivity must land on onnxruntime's raw scores.
    for i in range(len(X)):
        for k in range(model.n_outputs):
            diff.close(f"conversion: row {i} score {k}: shap expected_value + Σ shap_values vs onnxruntime",
                       "output", float(expected[k] + phi[i, :, k].sum()), margins[i, k], scales[k])
    conversion = diff.max["output"]
    if augur is not None and not diff.problems:
        service = work / "services" / name
        service.mkdir(parents=True)
        names = write_service(service, model_path, model, X.shape[1], reference)
        diff.max["output"] = 0.0
        server = Server(augur, service)
        try:
            problem = server.ready()
            if problem:
                diff.fail(problem)
            else:
                compare_answers(diff, server.port, names, X, model, phi, expected, margins, scales)
        finally:
            server.stop()
    m = diff.max
    summary = (f"{name}: {len(X)} rows, {model.n_outputs} score(s) ({model.op_type}, {model.form}, "
               f"{model.transform}{', ' + detail if detail else ''}), {len(reference)} reference rows; "
               f"shap vs onnxruntime max |Δ| {conversion:.2g}")
    if augur is not None:
        summary += (f"; Augur vs shap max |Δ| contributions {m['contribution']:.2g}, base {m['base']:.2g}, "
                    f"output {m['output']:.2g}, additivity {m['additivity']:.2g}")
    check(summary, not diff.problems, diff.report())


def main():
    args = sys.argv[1:]
    offline = "--offline" in args
    only = set()
    if "--only" in args:
        only = set(args[args.index("--only") + 1:])
        args = args[:args.index("--only")]
    args = [a for a in args if a != "--offline"]
    if (offline and args) or (not offline and len(args) != 1):
        sys.exit(__doc__)
    augur = None if offline else str(Path(args[0]).resolve())
    if augur is not None and not os.access(augur, os.X_OK):
        sys.exit(f"error: {augur} is not an executable")
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="augur-explain-"))
    skipped, checked = [], 0
    try:
        for kind, name, model_path, folder in cases(work):
            if only and name not in only:
                continue
            if time.monotonic() - started > BUDGET_SECONDS:
                check(f"{name}: within the time budget", False, f"{BUDGET_SECONDS} s used up before it")
                continue
            run = run_case if kind == "trees" else run_linear_case
            checked += run(name, model_path, folder, augur, work, skipped)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if skipped:
        print(f"skipped {len(skipped)}: " + "; ".join(f"{n} ({r})" for n, r in skipped))
    check("at least one model was checked", checked > 0)
    finish(f"explanation checks ({checked} models, {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
