"""An ONNX tree ensemble as shap's own tree format, for checking Augur's explanations against
shap's TreeExplainer (scripts/explain/check.py).

Reads the one TreeEnsembleRegressor / TreeEnsembleClassifier (ai.onnx.ml 1-3) or TreeEnsemble
(ai.onnx.ml 5) node of a model and builds, per tree, the dict that shap's SingleTree accepts
(shap/explainers/_tree.py: children_left, children_right, children_default, features,
thresholds, values, node_sample_weight; root at index 0, leaves with -1 children). Node covers
are not taken from the model: `set_covers(reference)` runs reference rows through the trees
and counts the rows reaching each node, as Augur does with a model's `reference:` CSV.

shap's trees go left when x <= threshold and take children_default for NaN. ONNX modes map as:
  BRANCH_LEQ  x <= t   left = true child,  threshold = the largest input value not above t (t)
  BRANCH_LT   x <  t   left = true child,  threshold = the largest input value below t
  BRANCH_GT   x >  t   left = false child, threshold = the largest input value not above t (t)
  BRANCH_GTE  x >= t   left = false child, threshold = the largest input value below t
("input value": a float32 for float32 inputs, a float64 for float64 inputs; shap compares in
float64, where float32 values are exact). NaN compares
false, so it takes the true child only where nodes_missing_value_tracks_true is 1, the false
child otherwise (what onnxruntime does). BRANCH_EQ, BRANCH_NEQ and BRANCH_MEMBER splits, and
MIN/MAX aggregation, have no TreeSHAP counterpart here: such models raise Unsupported.

Leaf values are per score column ("output"): a regressor's targets, a multiclass classifier's
classes, or the single score of a two-class classifier whose leaves carry weights for one class
only (the positive class's margin, as onnxruntime reads it: its column 1 with post_transform
NONE). AVERAGE aggregation divides leaf values by the tree count. The ONNX base_values are the
base offset. Everything is the raw score, before the post_transform.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import onnx
from onnx import helper, numpy_helper

ML_DOMAIN = "ai.onnx.ml"
TREE_OPS = ("TreeEnsembleRegressor", "TreeEnsembleClassifier", "TreeEnsemble")
TRANSFORMS = {"NONE": "none", "LOGISTIC": "logistic", "SOFTMAX": "softmax",
              "SOFTMAX_ZERO": "softmax_zero", "PROBIT": "probit"}
# TreeEnsemble (ai.onnx.ml 5) numbers its enums.
OPSET5_TRANSFORMS = {0: "NONE", 1: "SOFTMAX", 2: "LOGISTIC", 3: "SOFTMAX_ZERO", 4: "PROBIT"}
OPSET5_AGGREGATES = {0: "AVERAGE", 1: "SUM", 2: "MIN", 3: "MAX"}
OPSET5_MODES = {0: "BRANCH_LEQ", 1: "BRANCH_LT", 2: "BRANCH_GTE", 3: "BRANCH_GT",
                4: "BRANCH_EQ", 5: "BRANCH_NEQ", 6: "BRANCH_MEMBER"}
ONNX_FLOAT_TYPES = {onnx.TensorProto.FLOAT: np.float32, onnx.TensorProto.DOUBLE: np.float64}


class Unsupported(Exception):
    """The model is outside what this conversion (and path-dependent TreeSHAP) covers."""


@dataclass
class Ensemble:
    op_type: str
    input_name: str
    input_dtype: type            # np.float32 or np.float64: the precision comparisons run in
    n_features: int              # 1 + the largest feature index a split reads
    form: str                    # "single" | "classes" | "targets" (the explanation's shape)
    post_transform: str          # NONE, LOGISTIC, SOFTMAX, SOFTMAX_ZERO, PROBIT
    aggregate: str               # SUM or AVERAGE
    class_labels: list | None    # classifiers: the model's labels in class order
    base_offset: np.ndarray      # (n_outputs,)
    trees: list[dict] = field(default_factory=list)
    covered: bool = False

    @property
    def n_outputs(self) -> int:
        return len(self.base_offset)

    @property
    def transform(self) -> str:
        return TRANSFORMS[self.post_transform]

    # -- traversal ---------------------------------------------------------------------------

    def leaves(self, X) -> np.ndarray:
        """(n_trees, n_rows) leaf index each row reaches in each tree; X in the input's
        precision (float32 values are exact in float64, so comparisons match)."""
        X = np.asarray(X, dtype=np.float64)
        return np.stack([_route(t, X) for t in self.trees]) if self.trees else np.zeros((0, len(X)), int)

    def set_covers(self, reference) -> np.ndarray:
        """Counts the reference rows reaching each node (node_sample_weight). Returns the
        number of nodes no row reaches, over all trees."""
        X = np.asarray(reference, dtype=self.input_dtype).astype(np.float64)
        empty = 0
        for t in self.trees:
            counts = np.zeros(len(t["features"]), dtype=np.float64)
            for path in _paths(t, X):
                np.add.at(counts, path, 1.0)
            t["node_sample_weight"] = counts
            empty += int((counts == 0).sum())
        self.covered = True
        return empty

    def uncovered_leaves(self):
        """[(tree index, leaf index)] of leaves with a zero cover."""
        out = []
        for i, t in enumerate(self.trees):
            leaves = np.where(t["children_left"] < 0)[0]
            out += [(i, int(j)) for j in leaves if t["node_sample_weight"][j] == 0]
        return out

    def leaf_box(self, tree_index: int, leaf: int):
        """{feature: (lo, hi, nan)}: a row reaches `leaf` of tree `tree_index` when each listed
        feature has lo < x <= hi, or is NaN where `nan` is true (every split on it along the
        path sends NaN the leaf's way). None when no row can."""
        t = self.trees[tree_index]
        parent = {}
        for node in range(len(t["features"])):
            if t["children_left"][node] >= 0:
                parent[int(t["children_left"][node])] = (node, True)
                parent[int(t["children_right"][node])] = (node, False)
        box = {}
        node = leaf
        while node in parent:
            p, left = parent[node]
            f, thr = int(t["features"][p]), float(t["thresholds"][p])
            lo, hi, nan = box.get(f, (-np.inf, np.inf, True))
            lo, hi = (lo, min(hi, thr)) if left else (max(lo, thr), hi)
            box[f] = (lo, hi, nan and int(t["children_default"][p]) == node)
            node = p
        return None if any(lo >= hi and not nan for lo, hi, nan in box.values()) else box

    def margins(self, X) -> np.ndarray:
        """(n_rows, n_outputs) raw scores straight from the converted trees."""
        X = np.asarray(X, dtype=np.float64)
        out = np.tile(self.base_offset, (len(X), 1)).astype(np.float64)
        for t in self.trees:
            out += t["values"][_route(t, X)]
        return out

    # -- shap ----------------------------------------------------------------------------------

    def shap_model(self) -> dict:
        """The dict shap.TreeExplainer takes (TreeEnsemble's `"trees" in model` branch)."""
        if not self.covered:
            raise ValueError("set_covers(reference) first")
        trees = [{k: t[k].copy() for k in ("children_left", "children_right", "children_default",
                                          "features", "thresholds", "values", "node_sample_weight")}
                 for t in self.trees]
        return {"trees": trees, "base_offset": self.base_offset.astype(np.float64).copy(),
                "tree_output": "raw_value", "input_dtype": np.float64, "internal_dtype": np.float64}

    def explain(self, X):
        """(expected_value (n_outputs,), shap values (n_rows, n_features, n_outputs)) by shap's
        path-dependent TreeSHAP."""
        import shap  # imported here so the conversion alone needs only onnx and numpy

        explainer = shap.TreeExplainer(self.shap_model(), feature_perturbation="tree_path_dependent")
        X = np.asarray(X, dtype=np.float64)
        if X.shape[1] < self.n_features:
            raise ValueError(f"{X.shape[1]} columns; the trees read {self.n_features}")
        values = np.asarray(explainer.shap_values(X, check_additivity=False), dtype=np.float64)
        if values.ndim == 2:
            values = values[:, :, None]
        expected = np.atleast_1d(np.asarray(explainer.expected_value, dtype=np.float64))
        return expected, values


def _route(t, X):
    """Leaf index per row (shap's semantics: NaN → children_default, else x <= thr → left)."""
    node = np.zeros(len(X), dtype=np.int64)
    for _ in range(len(t["features"])):
        inner = t["children_left"][node] >= 0
        if not inner.any():
            break
        rows = np.where(inner)[0]
        n = node[rows]
        x = X[rows, t["features"][n]]
        nxt = np.where(np.isnan(x), t["children_default"][n],
                       np.where(x <= t["thresholds"][n], t["children_left"][n], t["children_right"][n]))
        node[rows] = nxt
    return node


def _paths(t, X):
    """For each depth, the node index of every row still descending (for counting covers)."""
    node = np.zeros(len(X), dtype=np.int64)
    active = np.arange(len(X))
    while len(active):
        yield node[active]
        n = node[active]
        inner = t["children_left"][n] >= 0
        active, n = active[inner], n[inner]
        x = X[active, t["features"][n]]
        node[active] = np.where(np.isnan(x), t["children_default"][n],
                                np.where(x <= t["thresholds"][n], t["children_left"][n], t["children_right"][n]))


def below(t: float, dtype) -> float:
    """The largest value of the input's type strictly below t (x < t ⇔ x <= below(t))."""
    if dtype == np.float32:
        f = np.float32(t)
        if float(f) >= t:
            f = np.nextafter(f, np.float32(-np.inf))
        return float(f)
    return float(np.nextafter(np.float64(t), -np.inf))


def at_most(t: float, dtype) -> float:
    """The largest value of the input's type not above t (x <= t ⇔ x <= at_most(t))."""
    if dtype == np.float32:
        f = np.float32(t)
        if float(f) > t:
            f = np.nextafter(f, np.float32(-np.inf))
        return float(f)
    return float(t)


def _attrs(node):
    out = {}
    for a in node.attribute:
        v = helper.get_attribute_value(a)
        if isinstance(v, onnx.TensorProto):
            v = numpy_helper.to_array(v)
        elif isinstance(v, bytes):
            v = v.decode()
        elif isinstance(v, list) and v and isinstance(v[0], bytes):
            v = [x.decode() for x in v]
        out[a.name] = v
    return out


def _pick(a, name, default=None):
    """An attribute or its *_as_tensor twin, as a float64 array."""
    if name + "_as_tensor" in a:
        return np.asarray(a[name + "_as_tensor"], dtype=np.float64).ravel()
    if name in a:
        return np.asarray(a[name], dtype=np.float64).ravel()
    return default


def find_tree_node(model: onnx.ModelProto):
    """The model's one tree-ensemble node reading a graph input directly, or Unsupported."""
    nodes = [n for n in model.graph.node if n.op_type in TREE_OPS and n.domain == ML_DOMAIN]
    if len(nodes) != 1:
        raise Unsupported(f"{len(nodes)} tree-ensemble nodes (need exactly 1)")
    node = nodes[0]
    inputs = {i.name: i for i in model.graph.input}
    if node.input[0] not in inputs:
        raise Unsupported(f"the {node.op_type} reads '{node.input[0]}', computed inside the graph, not a model input")
    initializers = {i.name for i in model.graph.initializer}
    real_inputs = [name for name in inputs if name not in initializers]
    if len(real_inputs) != 1:
        raise Unsupported(f"{len(real_inputs)} model inputs (need one [N, F] input)")
    return node, inputs[node.input[0]]


def load(path) -> Ensemble:
    model = onnx.load(str(path))
    node, graph_input = find_tree_node(model)
    elem = graph_input.type.tensor_type.elem_type
    if elem not in ONNX_FLOAT_TYPES:
        raise Unsupported(f"input element type {onnx.TensorProto.DataType.Name(elem)} (need float or double)")
    dtype = ONNX_FLOAT_TYPES[elem]
    a = _attrs(node)
    if node.op_type == "TreeEnsemble":
        trees, n_outputs, post, agg, base, labels, form = _opset5(a, dtype)
    else:
        trees, n_outputs, post, agg, base, labels, form = _classic(node.op_type, a, dtype)
    if agg not in ("SUM", "AVERAGE"):
        raise Unsupported(f"aggregate_function {agg} (TreeSHAP needs a sum of trees)")
    if agg == "AVERAGE":
        for t in trees:
            t["values"] = t["values"] / len(trees)
    n_features = 1 + max((int(t["features"].max()) for t in trees if len(t["features"])), default=-1)
    return Ensemble(op_type=node.op_type, input_name=graph_input.name, input_dtype=dtype,
                    n_features=max(n_features, 0), form=form, post_transform=post, aggregate=agg,
                    class_labels=labels, base_offset=base, trees=trees)


def _classic(op_type, a, dtype):
    """TreeEnsembleRegressor / TreeEnsembleClassifier (ai.onnx.ml 1-3)."""
    tree_ids = np.asarray(a["nodes_treeids"], dtype=np.int64)
    node_ids = np.asarray(a["nodes_nodeids"], dtype=np.int64)
    feature_ids = np.asarray(a["nodes_featureids"], dtype=np.int64)
    thresholds = _pick(a, "nodes_values", np.zeros(len(tree_ids)))
    modes = list(a["nodes_modes"])
    true_ids = np.asarray(a["nodes_truenodeids"], dtype=np.int64)
    false_ids = np.asarray(a["nodes_falsenodeids"], dtype=np.int64)
    tracks = np.asarray(a.get("nodes_missing_value_tracks_true") or [0] * len(tree_ids), dtype=np.int64)
    bad = sorted({m for m in modes if m not in ("BRANCH_LEQ", "BRANCH_LT", "BRANCH_GT", "BRANCH_GTE", "LEAF")})
    if bad:
        raise Unsupported(f"split modes {', '.join(bad)}")
    post = a.get("post_transform", "NONE")
    base_values = _pick(a, "base_values", np.zeros(0))

    if op_type == "TreeEnsembleRegressor":
        agg = a.get("aggregate_function", "SUM")
        prefix = "target"
        n_targets = int(a.get("n_targets", 1))
        out_of = lambda ids: ids  # noqa: E731
        n_outputs, labels = n_targets, None
        form = "single" if n_targets == 1 else "targets"
        if len(base_values) not in (0, n_targets):
            raise Unsupported(f"{len(base_values)} base_values for {n_targets} targets")
        base = base_values if len(base_values) else np.zeros(n_targets)
    else:
        agg = "SUM"
        prefix = "class"
        labels = list(a.get("classlabels_int64s") or a.get("classlabels_strings") or [])
        n_classes = len(labels)
        used = sorted(set(int(i) for i in a["class_ids"]))
        if n_classes > 2:
            n_outputs, form = n_classes, "classes"
            out_of = lambda ids: ids  # noqa: E731
            if len(base_values) not in (0, n_classes):
                raise Unsupported(f"{len(base_values)} base_values for {n_classes} classes")
            base = base_values if len(base_values) else np.zeros(n_classes)
        elif n_classes == 2 and len(used) == 1:
            # One score: onnxruntime's "binary case", [?, s] in its two columns.
            n_outputs, form = 1, "single"
            out_of = lambda ids: np.zeros_like(ids)  # noqa: E731
            if len(base_values) == 0:
                base = np.zeros(1)
            elif len(base_values) == 1 and used == [0]:
                base = base_values[:1]
            else:
                raise Unsupported(f"a one-score binary classifier with weights for class {used[0]} "
                                  f"and {len(base_values)} base_values (onnxruntime's handling is irregular)")
        elif n_classes == 2:
            n_outputs, form = 2, "classes"
            out_of = lambda ids: ids  # noqa: E731
            if len(base_values):
                # onnxruntime then writes -(base[1] + score0) and base[1] + score0: not a per-class sum.
                raise Unsupported("a two-class classifier with weights for both classes and base_values")
            base = np.zeros(2)
        else:
            raise Unsupported(f"{n_classes} class labels")

    w_tree = np.asarray(a[prefix + "_treeids"], dtype=np.int64)
    w_node = np.asarray(a[prefix + "_nodeids"], dtype=np.int64)
    w_ids = out_of(np.asarray(a[prefix + "_ids"], dtype=np.int64))
    w_val = _pick(a, prefix + "_weights")
    if len(w_ids) and (w_ids.min() < 0 or w_ids.max() >= n_outputs):
        raise Unsupported(f"{prefix}_ids outside 0..{n_outputs - 1}")

    trees = []
    for tid in sorted(set(tree_ids.tolist())):
        rows = np.where(tree_ids == tid)[0]
        index = {int(node_ids[r]): int(r) for r in rows}  # node id → attribute row
        children = {int(x) for r in rows if modes[r] != "LEAF" for x in (true_ids[r], false_ids[r])}
        roots = [nid for nid in index if nid not in children]
        if len(roots) != 1:
            raise Unsupported(f"tree {tid} has {len(roots)} roots")
        leaf_values = {}
        for k in np.where(w_tree == tid)[0]:
            v = leaf_values.setdefault(int(w_node[k]), np.zeros(n_outputs))
            v[int(w_ids[k])] += w_val[k]

        def describe(nid):
            r = index[nid]
            if modes[r] == "LEAF":
                return None
            mode, t = modes[r], float(thresholds[r])
            thr = below(t, dtype) if mode in ("BRANCH_LT", "BRANCH_GTE") else at_most(t, dtype)
            true_left = mode in ("BRANCH_LEQ", "BRANCH_LT")
            t_child, f_child = int(true_ids[r]), int(false_ids[r])
            left, right = (t_child, f_child) if true_left else (f_child, t_child)
            default = t_child if tracks[r] else f_child
            return int(feature_ids[r]), thr, left, right, default

        trees.append(_build(roots[0], index.__contains__, describe,
                            lambda nid: leaf_values.get(nid, np.zeros(n_outputs)), n_outputs, f"tree {tid}"))
    return trees, n_outputs, post, agg, np.asarray(base, dtype=np.float64), labels, form


def _opset5(a, dtype):
    """TreeEnsemble (ai.onnx.ml 5): nodes and leaves in separate arrays, trees by their roots."""
    modes = [OPSET5_MODES.get(int(m), str(m)) for m in np.asarray(a["nodes_modes"]).ravel()]
    bad = sorted({m for m in modes if m not in ("BRANCH_LEQ", "BRANCH_LT", "BRANCH_GT", "BRANCH_GTE")})
    if bad:
        raise Unsupported(f"split modes {', '.join(bad)}")
    splits = np.asarray(a["nodes_splits"], dtype=np.float64).ravel()
    features = np.asarray(a["nodes_featureids"], dtype=np.int64)
    true_ids, false_ids = np.asarray(a["nodes_truenodeids"]), np.asarray(a["nodes_falsenodeids"])
    true_leaf, false_leaf = np.asarray(a["nodes_trueleafs"]), np.asarray(a["nodes_falseleafs"])
    tracks = np.asarray(a.get("nodes_missing_value_tracks_true") or [0] * len(modes), dtype=np.int64)
    leaf_targets = np.asarray(a["leaf_targetids"], dtype=np.int64)
    leaf_weights = np.asarray(a["leaf_weights"], dtype=np.float64).ravel()
    n_targets = int(a.get("n_targets", 1))
    post = OPSET5_TRANSFORMS[int(a.get("post_transform", 0))]
    agg = OPSET5_AGGREGATES[int(a.get("aggregate_function", 1))]
    form = "single" if n_targets == 1 else "targets"

    # Keys: ("n", i) an interior node, ("l", i) a leaf.
    def describe(key):
        kind, i = key
        if kind == "l":
            return None
        t = float(splits[i])
        mode = modes[i]
        thr = below(t, dtype) if mode in ("BRANCH_LT", "BRANCH_GTE") else at_most(t, dtype)
        tc = ("l" if true_leaf[i] else "n", int(true_ids[i]))
        fc = ("l" if false_leaf[i] else "n", int(false_ids[i]))
        left, right = (tc, fc) if mode in ("BRANCH_LEQ", "BRANCH_LT") else (fc, tc)
        return int(features[i]), thr, left, right, tc if tracks[i] else fc

    def value(key):
        v = np.zeros(n_targets)
        v[int(leaf_targets[key[1]])] += leaf_weights[key[1]]
        return v

    trees = [_build(("n", int(r)), lambda k: True, describe, value, n_targets, f"tree {j}")
             for j, r in enumerate(np.asarray(a["tree_roots"]).ravel())]
    return trees, n_targets, post, agg, np.zeros(n_targets), None, form


def _build(root, exists, describe, leaf_value, n_outputs, name):
    """Lays a tree out in shap's arrays, root first (depth-first)."""
    order, slot = [], {}
    stack = [root]
    info = {}
    while stack:
        key = stack.pop()
        if not exists(key):
            raise Unsupported(f"{name}: missing node {key}")
        if key in slot:
            raise Unsupported(f"{name}: node {key} reached twice (not a tree)")
        slot[key] = len(order)
        order.append(key)
        info[key] = describe(key)
        if info[key] is not None:
            _, _, left, right, _ = info[key]
            stack += [right, left]
    n = len(order)
    t = {"children_left": np.full(n, -1, np.int32), "children_right": np.full(n, -1, np.int32),
         "children_default": np.full(n, -1, np.int32), "features": np.full(n, -1, np.int32),
         "thresholds": np.zeros(n, np.float64), "values": np.zeros((n, n_outputs), np.float64),
         "node_sample_weight": np.zeros(n, np.float64)}
    for key in order:
        i = slot[key]
        if info[key] is None:
            t["values"][i] = leaf_value(key)
        else:
            f, thr, left, right, default = info[key]
            t["features"][i], t["thresholds"][i] = f, thr
            t["children_left"][i], t["children_right"][i] = slot[left], slot[right]
            t["children_default"][i] = slot[default]
    return t


def score_model(model, node, score: str):
    """`model` (changed in place) answering only `node`'s output `score`, with the node's
    post_transform set to NONE: the raw scores, for checking explained margins."""
    from onnx import helper
    for a in node.attribute:
        if a.name == "post_transform":
            if a.type == onnx.AttributeProto.INT:
                a.i = 0
            else:
                a.s = b"NONE"
    del model.graph.output[:]
    model.graph.output.append(helper.make_empty_tensor_value_info(score))
    return model
