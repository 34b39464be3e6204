"""Fixture models re-encoded into forms no fixture has, each computing the same function, so that
scripts/explain/check.py also covers them: BRANCH_GT/BRANCH_GTE splits, AVERAGE aggregation
and the TreeEnsemble operator of ai.onnx.ml 5.

  mirrored: every split negated (LEQ → GT, LT → GTE) with its children swapped and
            nodes_missing_value_tracks_true flipped, so NaN still goes the same way
  averaged: a regressor's leaf weights times the tree count, aggregate_function AVERAGE
  opset5:   a one-target regressor without base_values as TreeEnsemble (ai.onnx.ml 5)

And linear models in shapes no fixture has (these compute other functions than the fixture):

  one_row:     a two-class LinearClassifier with opposite rows kept as its second row alone
               (classCount 1, labels unchanged): explained at the top level by that score
  unpaired:    a two-class LinearClassifier whose first row is no longer the negated second
               (halved, intercept shifted): explained per class
  two_targets: a one-target LinearRegressor given a second target (weights reversed and
               halved, intercept doubled): explained per target

VARIANTS (trees) and LINEAR_VARIANTS name each variant "<fixture>~<transformations>"; build()
writes its model.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper

import onnx_trees

VARIANTS = {
    "rf_regressor~averaged": ("rf_regressor", ["averaged"]),
    "gb_regressor~averaged": ("gb_regressor", ["averaged"]),
    "xgboost_classifier_binary~mirrored": ("xgboost_classifier_binary", ["mirrored"]),
    "gb_classifier_multiclass~mirrored": ("gb_classifier_multiclass", ["mirrored"]),
    "lightgbm_regressor~opset5": ("lightgbm_regressor", ["opset5"]),
    "rf_regressor~mirrored~averaged~opset5": ("rf_regressor", ["mirrored", "averaged", "opset5"]),
}
LINEAR_VARIANTS = {
    "logistic_regression_binary~one_row": ("logistic_regression_binary", ["one_row"]),
    "linear_svc_binary~unpaired": ("linear_svc_binary", ["unpaired"]),
    "ridge~two_targets": ("ridge", ["two_targets"]),
}
MIRROR = {"BRANCH_LEQ": "BRANCH_GT", "BRANCH_LT": "BRANCH_GTE"}
MODE5 = {"BRANCH_LEQ": 0, "BRANCH_LT": 1, "BRANCH_GTE": 2, "BRANCH_GT": 3}
AGGREGATE5 = {"AVERAGE": 0, "SUM": 1}


def _tree_node(model):
    return next(n for n in model.graph.node if n.op_type in onnx_trees.TREE_OPS)


def _get(node, name):
    for a in node.attribute:
        if a.name == name:
            return a
    return None


def _set(node, name, value):
    a = _get(node, name)
    if a is not None:
        node.attribute.remove(a)
    node.attribute.append(helper.make_attribute(name, value))


def mirrored(model):
    node = _tree_node(model)
    modes = [m.decode() for m in _get(node, "nodes_modes").strings]
    if any(m not in MIRROR and m != "LEAF" for m in modes):
        raise ValueError(f"cannot mirror modes {set(modes)}")
    true_ids, false_ids = list(_get(node, "nodes_truenodeids").ints), list(_get(node, "nodes_falsenodeids").ints)
    tracks_attr = _get(node, "nodes_missing_value_tracks_true")
    tracks = list(tracks_attr.ints) if tracks_attr is not None else [0] * len(modes)
    for i, m in enumerate(modes):
        if m != "LEAF":
            modes[i] = MIRROR[m]
            true_ids[i], false_ids[i] = false_ids[i], true_ids[i]
            tracks[i] = 1 - tracks[i]
    _set(node, "nodes_modes", modes)
    _set(node, "nodes_truenodeids", true_ids)
    _set(node, "nodes_falsenodeids", false_ids)
    _set(node, "nodes_missing_value_tracks_true", tracks)
    return model


def averaged(model):
    node = _tree_node(model)
    if node.op_type != "TreeEnsembleRegressor" or _get(node, "target_weights") is None:
        raise ValueError("averaged: a TreeEnsembleRegressor with float target_weights")
    trees = len(set(_get(node, "nodes_treeids").ints))
    weights = np.asarray(_get(node, "target_weights").floats, dtype=np.float32) * np.float32(trees)
    _set(node, "target_weights", [float(w) for w in weights])
    _set(node, "aggregate_function", "AVERAGE")
    return model


def opset5(model):
    node = _tree_node(model)
    a = {x.name: helper.get_attribute_value(x) for x in node.attribute}
    if node.op_type != "TreeEnsembleRegressor" or int(a.get("n_targets", 1)) != 1 or any(a.get("base_values", [])):
        raise ValueError("opset5: a one-target TreeEnsembleRegressor without base_values")
    modes = [m.decode() for m in a["nodes_modes"]]
    tree_ids, node_ids = a["nodes_treeids"], a["nodes_nodeids"]
    tracks = a.get("nodes_missing_value_tracks_true") or [0] * len(modes)
    row = {(t, n): i for i, (t, n) in enumerate(zip(tree_ids, node_ids))}
    weight = {}
    for t, n, w in zip(a["target_treeids"], a["target_nodeids"], a["target_weights"]):
        weight[(t, n)] = weight.get((t, n), 0.0) + w
    inner = [i for i, m in enumerate(modes) if m != "LEAF"]
    leaves = [i for i, m in enumerate(modes) if m == "LEAF"]
    inner_index = {i: k for k, i in enumerate(inner)}
    leaf_index = {i: k for k, i in enumerate(leaves)}
    children = {(tree_ids[i], c) for i in inner for c in (a["nodes_truenodeids"][i], a["nodes_falsenodeids"][i])}
    roots = [i for i in inner if (tree_ids[i], node_ids[i]) not in children]
    if len(roots) != len(set(tree_ids)):
        raise ValueError("opset5: every tree needs a branch at its root")

    def link(i, child):
        j = row[(tree_ids[i], child)]
        return (leaf_index[j], 1) if modes[j] == "LEAF" else (inner_index[j], 0)

    true_links = [link(i, a["nodes_truenodeids"][i]) for i in inner]
    false_links = [link(i, a["nodes_falsenodeids"][i]) for i in inner]
    splits = np.asarray([a["nodes_values"][i] for i in inner], dtype=np.float32)
    ensemble = helper.make_node(
        "TreeEnsemble", [node.input[0]], ["variable"], domain="ai.onnx.ml",
        nodes_featureids=[a["nodes_featureids"][i] for i in inner],
        nodes_splits=numpy_helper.from_array(splits),
        nodes_modes=numpy_helper.from_array(np.asarray([MODE5[modes[i]] for i in inner], dtype=np.uint8)),
        nodes_truenodeids=[k for k, _ in true_links], nodes_trueleafs=[f for _, f in true_links],
        nodes_falsenodeids=[k for k, _ in false_links], nodes_falseleafs=[f for _, f in false_links],
        nodes_missing_value_tracks_true=[tracks[i] for i in inner],
        leaf_targetids=[0] * len(leaves),
        leaf_weights=numpy_helper.from_array(np.asarray([weight.get((tree_ids[i], node_ids[i]), 0.0) for i in leaves], dtype=np.float32)),
        tree_roots=[inner_index[i] for i in roots],
        aggregate_function=AGGREGATE5[a.get("aggregate_function", b"SUM").decode()],
        post_transform=0, n_targets=1)
    graph_input = next(i for i in model.graph.input if i.name == node.input[0])
    graph = helper.make_graph([ensemble], "opset5", [graph_input],
                              [helper.make_tensor_value_info("variable", onnx.TensorProto.FLOAT, [None, 1])])
    out = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21), helper.make_opsetid("ai.onnx.ml", 5)])
    out.ir_version = 10
    return out


def _linear_node(model, op_type):
    nodes = [n for n in model.graph.node if n.op_type == op_type]
    if len(nodes) != 1:
        raise ValueError(f"need one {op_type}, the model has {len(nodes)}")
    return nodes[0]


def _two_class_rows(node):
    coef = np.asarray(_get(node, "coefficients").floats, dtype=np.float32)
    intercepts = np.asarray(_get(node, "intercepts").floats, dtype=np.float32)
    if len(intercepts) != 2 or len(coef) % 2:
        raise ValueError("need a two-row LinearClassifier")
    return coef.reshape(2, -1), intercepts


def one_row(model):
    node = _linear_node(model, "LinearClassifier")
    coef, intercepts = _two_class_rows(node)
    _set(node, "coefficients", [float(w) for w in coef[1]])
    _set(node, "intercepts", [float(intercepts[1])])
    return model


def unpaired(model):
    node = _linear_node(model, "LinearClassifier")
    coef, intercepts = _two_class_rows(node)
    coef[0] = coef[0] * np.float32(0.5)
    intercepts[0] = intercepts[0] + np.float32(0.25)
    _set(node, "coefficients", [float(w) for w in coef.ravel()])
    _set(node, "intercepts", [float(b) for b in intercepts])
    return model


def two_targets(model):
    node = _linear_node(model, "LinearRegressor")
    a = {x.name: helper.get_attribute_value(x) for x in node.attribute}
    if int(a.get("targets", 1)) != 1:
        raise ValueError("two_targets: a one-target LinearRegressor")
    coef = np.asarray(a["coefficients"], dtype=np.float32)
    intercept = np.float32((a.get("intercepts") or [0.0])[0])
    _set(node, "coefficients", [float(w) for w in np.concatenate([coef, coef[::-1] * np.float32(0.5)])])
    _set(node, "intercepts", [float(intercept), float(intercept * np.float32(2))])
    _set(node, "targets", 2)
    for output in model.graph.output:
        if output.name == node.output[0]:
            dims = output.type.tensor_type.shape.dim
            if len(dims) == 2:
                dims[1].dim_value = 2
    return model


def build(name: str, fixtures: Path, target: Path) -> Path:
    """Writes variant `name`'s model (VARIANTS or LINEAR_VARIANTS) to target/model.onnx;
    returns the fixture folder whose input.json it takes."""
    fixture, steps = VARIANTS[name] if name in VARIANTS else LINEAR_VARIANTS[name]
    model = onnx.load(str(fixtures / fixture / "model.onnx"))
    for step in steps:
        model = {"mirrored": mirrored, "averaged": averaged, "opset5": opset5,
                 "one_row": one_row, "unpaired": unpaired, "two_targets": two_targets}[step](model)
    onnx.checker.check_model(model)
    target.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(target / "model.onnx"))
    return fixtures / fixture
