"""Prints onnxruntime's outputs for the small tree-ensemble cases the Swift tree tests quote.

Run with the project venv: .venv/bin/python scripts/tree_ort_cases.py
Each case builds one ai.onnx.ml node with onnx.helper and runs it on one CPU thread.
"""

import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

NAN = float("nan")


def run(node, dtype, outputs, X, ml):
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("X", dtype, None)], outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21), helper.make_opsetid("ai.onnx.ml", ml)])
    model.ir_version = 10
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    try:
        session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
        return [r.tolist() for r in session.run(None, {"X": X})]
    except Exception as error:  # noqa: BLE001
        return f"error: {str(error)[:160]}"


def stump(mode="BRANCH_LEQ", threshold=0.5, **attributes):
    """Tree 0: node 0 tests x0 against the threshold; true -> leaf 1, false -> leaf 2."""
    base = dict(nodes_treeids=[0, 0, 0], nodes_nodeids=[0, 1, 2], nodes_featureids=[0, 0, 0],
                nodes_modes=[mode, "LEAF", "LEAF"], nodes_values=[threshold, 0, 0],
                nodes_truenodeids=[1, 0, 0], nodes_falsenodeids=[2, 0, 0])
    base.update(attributes)
    return base


def classifier(weights, labels=(5, 7), X=((0.0,), (1.0,)), **attributes):
    """weights: (leaf node id, class id, weight) triples."""
    nodes, ids, values = zip(*weights) if weights else ((), (), ())
    attrs = stump(class_treeids=[0] * len(nodes), class_nodeids=list(nodes), class_ids=list(ids),
                  class_weights=list(values), **attributes)
    if isinstance(labels[0], str):
        attrs["classlabels_strings"] = list(labels)
        label_type = TensorProto.STRING
    else:
        attrs["classlabels_int64s"] = list(labels)
        label_type = TensorProto.INT64
    node = helper.make_node("TreeEnsembleClassifier", ["X"], ["L", "S"], domain="ai.onnx.ml", **attrs)
    outputs = [helper.make_tensor_value_info("L", label_type, None), helper.make_tensor_value_info("S", TensorProto.FLOAT, None)]
    return run(node, TensorProto.FLOAT, outputs, np.array(X, dtype=np.float32), 3)


def regressor(attrs, X, dtype=np.float32):
    node = helper.make_node("TreeEnsembleRegressor", ["X"], ["Y"], domain="ai.onnx.ml", **attrs)
    onnx_type = TensorProto.FLOAT if dtype == np.float32 else TensorProto.DOUBLE
    return run(node, onnx_type, [helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)], np.array(X, dtype=dtype), 3)


def ensemble(attrs, X, dtype=np.float32):
    attrs = dict(attrs)
    for key in ("nodes_splits", "leaf_weights", "membership_values"):
        if key in attrs:
            attrs[key] = numpy_helper.from_array(np.array(attrs[key], dtype=dtype), key)
    attrs["nodes_modes"] = numpy_helper.from_array(np.array(attrs["nodes_modes"], dtype=np.uint8), "nodes_modes")
    node = helper.make_node("TreeEnsemble", ["X"], ["Y"], domain="ai.onnx.ml", **attrs)
    onnx_type = TensorProto.FLOAT if dtype == np.float32 else TensorProto.DOUBLE
    return run(node, onnx_type, [helper.make_tensor_value_info("Y", onnx_type, None)], np.array(X, dtype=dtype), 5)


def main():
    both = [(1, 0, 0.8), (1, 1, 0.2), (2, 0, 0.3), (2, 1, 0.7)]
    cases = {
        "both classes": classifier(both),
        "both classes, strings": classifier(both, labels=("a", "b")),
        "class 1 only": classifier([(1, 1, 0.2), (2, 1, 0.7)]),
        "class 1 only, mixed": classifier([(1, 1, -0.2), (2, 1, 0.7)]),
        "class 1 only, mixed, logistic": classifier([(1, 1, -0.2), (2, 1, 0.7)], post_transform="LOGISTIC"),
        "class 1 only, probit": classifier([(1, 1, 0.2), (2, 1, 0.7)], post_transform="PROBIT"),
        "class 0 only": classifier([(1, 0, 0.2), (2, 0, 0.7)]),
        "class 0 only, mixed": classifier([(1, 0, -0.2), (2, 0, 0.7)]),
        "class 0 only, mixed, logistic": classifier([(1, 0, -0.2), (2, 0, 0.7)], post_transform="LOGISTIC"),
        "class 0 only, mixed, softmax": classifier([(1, 0, -0.2), (2, 0, 0.7)], post_transform="SOFTMAX"),
        "leaf without weights": classifier([(1, 0, 0.2)]),
        "two base values, class 1": classifier([(1, 1, 0.2), (2, 1, 0.7)], base_values=[0.1, 0.3]),
        "two base values, both": classifier(both, base_values=[0.1, 0.3]),
        "two base values, class 0": classifier([(1, 0, 0.2), (2, 0, 0.7)], base_values=[0.1, 0.3]),
        "one base value, class 1": classifier([(1, 1, 0.2), (2, 1, 0.7)], base_values=[0.1]),
        "one base value, both": classifier(both, base_values=[0.1]),
        "one base value, class 0": classifier([(1, 0, -0.2), (2, 0, 0.7)], base_values=[0.5]),
        "one base value, class 0, logistic": classifier([(1, 0, -0.2), (2, 0, 0.7)], base_values=[0.5], post_transform="LOGISTIC"),
        "three classes": classifier([(1, 0, 0.2), (2, 2, 0.7)], labels=(5, 7, 9)),
        "three classes, ties": classifier([(1, 0, 0.5), (1, 2, 0.5), (2, 0, -1), (2, 2, -1)], labels=(5, 7, 9)),
        "three classes, softmax": classifier([(1, 0, 0.2), (2, 2, 0.7)], labels=(5, 7, 9), post_transform="SOFTMAX"),
        "three classes, base": classifier([(1, 0, 0.2), (2, 2, 0.7)], labels=(5, 7, 9), base_values=[1.0, 2.0, -3.0]),
        "one class": classifier([(1, 0, 0.2), (2, 0, 0.7)], labels=(5,)),
        "one class, logistic": classifier([(1, 0, -0.2), (2, 0, 0.7)], labels=(5,), post_transform="LOGISTIC"),
        "one class, two base values": classifier([(1, 0, -0.2), (2, 0, 0.7)], labels=(5,), base_values=[0.5, 1.0]),
    }
    targets = dict(target_treeids=[0, 0], target_nodeids=[1, 2], target_ids=[0, 1], target_weights=[1.0, 4.0])
    two_trees = dict(nodes_treeids=[0, 0, 0, 1, 1, 1], nodes_nodeids=[0, 1, 2, 0, 1, 2], nodes_featureids=[0] * 6,
                     nodes_modes=["BRANCH_LEQ", "LEAF", "LEAF"] * 2, nodes_values=[0.5, 0, 0, 0.25, 0, 0],
                     nodes_truenodeids=[1, 0, 0, 1, 0, 0], nodes_falsenodeids=[2, 0, 0, 2, 0, 0],
                     target_treeids=[0, 0, 1, 1], target_nodeids=[1, 2, 1, 2])
    rows = [[0.0], [1.0], [0.2], [0.3]]
    cases.update({
        "min, two targets, base": regressor(stump(n_targets=2, aggregate_function="MIN", base_values=[10.0, 20.0], **targets), rows),
        "average, two trees, two targets": regressor(dict(two_trees, target_ids=[0, 1, 0, 0], target_weights=[1.0, 4.0, 2.0, 8.0],
                                                          n_targets=2, base_values=[10.0, 20.0], aggregate_function="AVERAGE"), rows),
        "first weight only": regressor(stump(n_targets=1, target_treeids=[0, 0, 0], target_nodeids=[1, 1, 2], target_ids=[0, 0, 0],
                                             target_weights=[1.0, 2.0, 4.0]), rows),
        "one target, probit": regressor(stump(n_targets=1, target_treeids=[0, 0], target_nodeids=[1, 2], target_ids=[0, 0],
                                              target_weights=[0.1, 0.4], post_transform="PROBIT"), rows),
        "two targets, softmax": regressor(stump(n_targets=2, post_transform="SOFTMAX", **targets), rows),
        "weightless leaf uses its value": regressor(stump(nodes_values=[0.5, 5.0, 6.0], n_targets=1, base_values=[3.0],
                                                          target_treeids=[0], target_nodeids=[1], target_ids=[0],
                                                          target_weights=[1.0]), rows),
        "double input, BRANCH_LT 1.0": regressor(stump("BRANCH_LT", 1.0, n_targets=1, target_treeids=[0, 0], target_nodeids=[1, 2],
                                                       target_ids=[0, 0], target_weights=[1.0, 4.0]), [[0.99999999], [1.0]], np.float64),
    })
    member = dict(n_targets=1, tree_roots=[0], nodes_modes=[6], nodes_featureids=[0], nodes_splits=[0.0],
                  nodes_truenodeids=[0], nodes_trueleafs=[1], nodes_falsenodeids=[1], nodes_falseleafs=[1],
                  leaf_targetids=[0, 0], leaf_weights=[1.0, 4.0])
    cases.update({
        "member {1, 3}": ensemble(dict(member, membership_values=[1.0, 3.0, NAN]), [[1], [1.5], [3], [2], [NAN], [-1], [0]]),
        "member {1, 3, 100}": ensemble(dict(member, membership_values=[1.0, 3.0, 100.0, NAN]),
                                       [[1], [1.5], [3], [2], [NAN], [100], [100.5], [3.9], [-0.5], [1e10]]),
        "single-leaf tree at root 1": ensemble(dict(n_targets=1, tree_roots=[0, 1], nodes_modes=[0, 0], nodes_featureids=[0, 0],
                                                    nodes_splits=[0.5, 0.0], nodes_truenodeids=[0, 2], nodes_trueleafs=[1, 1],
                                                    nodes_falsenodeids=[1, 2], nodes_falseleafs=[1, 1], leaf_targetids=[0, 0, 0],
                                                    leaf_weights=[1.0, 4.0, 100.0]), [[0], [1], [NAN]]),
    })
    for name, result in cases.items():
        print(f"{name}: {result}")


if __name__ == "__main__":
    main()
