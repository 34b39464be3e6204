"""An ONNX linear model (the one LinearClassifier or LinearRegressor node of a graph without tree
ensembles) as shap's LinearExplainer takes it, for checking Augur's `method: linear`
explanations (scripts/explain/check.py).

The linear node may sit behind preprocessing in the graph (scalers, imputers, casts, Mul/Add):
what it reads is computed by onnxruntime on a copy of the model whose one output is the node's
input tensor ("the linear input", Z). shap is given the node's own coefficients (row-major
scores × columns) and intercepts, and shap.maskers.Independent over the reference rows' linear
input, unsampled; with independent features shap's values are coef_kj · (z_j − mean_j) and its
expected value coef_k · mean + intercept_k (shap/explainers/_linear.py, interventional).

Scores ("outputs"), as the explanation reports them:
  LinearRegressor, 1 target                  one score, at the top level     (form "single")
  LinearRegressor, T > 1 targets             every target                    (form "targets")
  LinearClassifier, 1 coefficient row        that score, at the top level    (form "single")
  LinearClassifier, 2 rows exactly opposite  the second (class 1) score      (form "single")
    (weights and intercepts negated: scikit-learn's binary LogisticRegression / LinearSVC)
  any other LinearClassifier                 every class, with its label     (form "classes")
all raw scores, before the post_transform.

Which model input column each linear-input column comes from is found the way Augur finds it:
by changing one input column at a time and seeing which linear-input columns move. A linear
column moved by several input columns (or by none) is outside this check (Unsupported).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper

import onnx_trees
from onnx_trees import ML_DOMAIN, ONNX_FLOAT_TYPES, TRANSFORMS, TREE_OPS, Unsupported

LINEAR_OPS = ("LinearClassifier", "LinearRegressor")


def _session(model: onnx.ModelProto) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.log_severity_level = 3
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def _attrs(node) -> dict:
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _text(v) -> str:
    return v.decode() if isinstance(v, bytes) else str(v)


@dataclass
class Linear:
    op_type: str
    input_name: str
    input_dtype: type            # the model input's precision (np.float32 / np.float64)
    form: str                    # "single" | "classes" | "targets"
    post_transform: str          # NONE, LOGISTIC, SOFTMAX, SOFTMAX_ZERO, PROBIT
    class_labels: list | None    # classifiers: the labels of the explained scores (all labels for "single")
    coef: np.ndarray             # (n_outputs, width): the explained scores' rows
    intercept: np.ndarray        # (n_outputs,)
    score_columns: list          # the explained scores' columns in onnxruntime's score output (post_transform NONE)
    model: onnx.ModelProto
    node_index: int
    method = "linear"

    @property
    def n_outputs(self) -> int:
        return len(self.intercept)

    @property
    def width(self) -> int:
        return self.coef.shape[1]

    @property
    def transform(self) -> str:
        return TRANSFORMS[self.post_transform]

    @property
    def node(self):
        return self.model.graph.node[self.node_index]

    # -- onnxruntime ---------------------------------------------------------------------------

    def linear_input(self, X) -> np.ndarray:
        """What the linear node reads for model input rows X: float64 [N, width]."""
        name = self.node.input[0]
        if name == self.input_name:
            z = np.asarray(X).astype(self.input_dtype)
        else:
            prefix = onnx.ModelProto()
            prefix.CopyFrom(self.model)
            del prefix.graph.output[:]
            prefix.graph.output.append(helper.make_empty_tensor_value_info(name))
            z = _session(prefix).run(None, {self.input_name: np.asarray(X).astype(self.input_dtype)})[0]
        z = np.asarray(z, dtype=np.float64)
        if z.ndim != 2 or z.shape[0] != len(X):
            raise Unsupported(f"the {self.op_type} reads a {list(z.shape)} tensor for {len(X)} rows (need [N, F])")
        return z

    def raw_margins(self, X) -> np.ndarray:
        """onnxruntime's raw scores of the explained outputs: the linear node's score output with
        post_transform NONE ([N, n_outputs])."""
        model = onnx.ModelProto()
        model.CopyFrom(self.model)
        node = model.graph.node[self.node_index]
        onnx_trees.score_model(model, node, node.output[1] if node.op_type == "LinearClassifier" else node.output[0])
        out = _session(model).run(None, {self.input_name: np.asarray(X).astype(self.input_dtype)})[0]
        out = np.asarray(out, dtype=np.float64).reshape(len(X), -1)
        if self.score_columns == [-1]:
            # One coefficient row: onnxruntime writes [s] or a second class beside it ([1 - s, s]
            # or [-s, s]); s is the last column either way.
            return out[:, -1:]
        if out.shape[1] <= max(self.score_columns):
            raise Unsupported(f"onnxruntime gives {out.shape[1]} score columns, need column {max(self.score_columns)}")
        return out[:, self.score_columns]

    def formula(self, Z) -> np.ndarray:
        """The explained scores straight from the coefficients: Z · coefᵀ + intercept."""
        return np.asarray(Z, dtype=np.float64) @ self.coef.T + self.intercept

    # -- lineage -------------------------------------------------------------------------------

    def lineage(self, X, Z) -> list[list[int]]:
        """For each model input column c, the linear-input columns that change with it (each
        column moved by exactly one input column; else Unsupported). X: at least 2 rows with
        distinct values in each column."""
        X = np.asarray(X, dtype=np.float64)
        moved_by = [[] for _ in range(Z.shape[1])]
        for c in range(X.shape[1]):
            changed = np.zeros(Z.shape[1], dtype=bool)
            for shift in sorted({1, max(1, len(X) // 2)}):
                Xs = X.copy()
                Xs[:, c] = np.roll(X[:, c], shift)
                Zs = self.linear_input(Xs)
                changed |= ~np.all((Zs == Z) | (np.isnan(Zs) & np.isnan(Z)), axis=0)
            for j in np.where(changed)[0]:
                moved_by[j].append(c)
        mixed = {j: cs for j, cs in enumerate(moved_by) if len(cs) > 1}
        if mixed:
            j, cs = next(iter(mixed.items()))
            raise Unsupported(f"the preprocessing mixes columns (linear column {j} moves with input columns {cs}); "
                              f"Augur's grouping of such columns is not reproduced here")
        unmoved = [j for j, cs in enumerate(moved_by) if not cs]
        if unmoved:
            raise Unsupported(f"linear columns {unmoved[:5]} move with no input column")
        groups = [[] for _ in range(X.shape[1])]
        for j, (c,) in enumerate(moved_by):
            groups[c].append(j)
        return groups

    # -- shap ----------------------------------------------------------------------------------

    def explain(self, Z_reference, Z):
        """(expected_value (n_outputs,), shap values (n_rows, width, n_outputs)) from
        shap.LinearExplainer with the reference rows' linear input as independent background."""
        import shap  # imported here so the conversion alone needs only onnx and numpy

        Z_reference = np.asarray(Z_reference, dtype=np.float64)
        masker = shap.maskers.Independent(Z_reference, max_samples=len(Z_reference))
        if self.n_outputs == 1:
            # A 1-D coef: expected_value is a number and shap_values (N, width).
            explainer = shap.LinearExplainer((self.coef[0].copy(), float(self.intercept[0])), masker)
            expected = np.atleast_1d(np.asarray(explainer.expected_value, dtype=np.float64))
            phi = np.asarray(explainer.shap_values(np.asarray(Z, dtype=np.float64)), dtype=np.float64)[:, :, None]
        else:
            # A 2-D coef (outputs × width): expected_value (outputs,), shap_values (N, width, outputs).
            explainer = shap.LinearExplainer((self.coef.copy(), self.intercept.copy()), masker)
            expected = np.asarray(explainer.expected_value, dtype=np.float64).reshape(-1)
            phi = np.asarray(explainer.shap_values(np.asarray(Z, dtype=np.float64)), dtype=np.float64)
        want = (len(Z), self.width, self.n_outputs)
        if expected.shape != (self.n_outputs,) or phi.shape != want:
            raise ValueError(f"shap gave expected_value {expected.shape}, shap_values {phi.shape}; want "
                             f"({self.n_outputs},), {want}")
        return expected, phi


def find_linear_node(model: onnx.ModelProto):
    """(index of the one linear node, the one graph input), or Unsupported."""
    ops = [n.op_type for n in model.graph.node]
    trees = [op for op in ops if op in TREE_OPS]
    if trees:
        raise Unsupported(f"a tree ensemble ({trees[0]}) beside the linear model")
    nodes = [i for i, n in enumerate(model.graph.node) if n.op_type in LINEAR_OPS and n.domain == ML_DOMAIN]
    if len(nodes) != 1:
        raise Unsupported(f"{len(nodes)} LinearClassifier/LinearRegressor nodes (need exactly 1); "
                          f"ops {', '.join(dict.fromkeys(ops))}")
    initializers = {i.name for i in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in initializers]
    if len(inputs) != 1:
        raise Unsupported(f"{len(inputs)} model inputs (need one [N, F] input)")
    return nodes[0], inputs[0]


def load(path, sample_rows) -> Linear:
    """The model at `path`; sample_rows (model input rows) tell the linear input's width."""
    model = onnx.load(str(path))
    index, graph_input = find_linear_node(model)
    tensor = graph_input.type.tensor_type
    if tensor.elem_type not in ONNX_FLOAT_TYPES:
        raise Unsupported(f"input element type {onnx.TensorProto.DataType.Name(tensor.elem_type)} (need float or double)")
    if len(tensor.shape.dim) != 2:
        raise Unsupported(f"input of rank {len(tensor.shape.dim)} (need [N, F])")
    node = model.graph.node[index]
    a = _attrs(node)
    post = _text(a.get("post_transform", b"NONE"))
    if post not in TRANSFORMS:
        raise Unsupported(f"post_transform {post}")
    coefficients = np.asarray(a.get("coefficients", []), dtype=np.float32)
    intercepts = a.get("intercepts")
    linear = Linear(op_type=node.op_type, input_name=graph_input.name, input_dtype=ONNX_FLOAT_TYPES[tensor.elem_type],
                    form="single", post_transform=post, class_labels=None, coef=np.zeros((0, 0)),
                    intercept=np.zeros(0), score_columns=[0], model=model, node_index=index)
    width = linear.linear_input(np.asarray(sample_rows)[:1]).shape[1]
    if width == 0 or len(coefficients) % width:
        raise Unsupported(f"{len(coefficients)} coefficients for a linear input of {width} columns")
    rows = len(coefficients) // width
    coef = coefficients.reshape(rows, width).astype(np.float64)
    if intercepts is None:
        b = np.zeros(rows)
    elif len(intercepts) != rows:
        raise Unsupported(f"{len(intercepts)} intercepts for {rows} coefficient rows")
    else:
        b = np.asarray(intercepts, dtype=np.float32).astype(np.float64)
    if node.op_type == "LinearRegressor":
        if int(a.get("targets", 1)) != rows:
            raise Unsupported(f"targets {a.get('targets', 1)} but {rows} coefficient rows")
        linear.form = "single" if rows == 1 else "targets"
        linear.coef, linear.intercept, linear.score_columns = coef, b, list(range(rows))
        return linear
    labels = a.get("classlabels_ints") or [_text(s) for s in a.get("classlabels_strings") or []]
    linear.class_labels = list(labels)
    if rows == 1:
        linear.coef, linear.intercept, linear.score_columns = coef, b, [-1]
    elif rows == 2 and np.array_equal(coef[0], -coef[1]) and b[0] == -b[1]:
        linear.coef, linear.intercept, linear.score_columns = coef[1:], b[1:], [1]
    else:
        if len(labels) != rows:
            raise Unsupported(f"{len(labels)} class labels for {rows} coefficient rows")
        linear.form = "classes"
        linear.coef, linear.intercept, linear.score_columns = coef, b, list(range(rows))
    return linear
