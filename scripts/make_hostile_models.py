#!/usr/bin/env python3
"""Writes Tests/HostileModels/*.onnx: model files built to crash a loader that trusts sizes.

Each is the loan example's model (examples/loan/model.onnx: input 'input' float [N, 4], the
loan route's outputs) with one hostile part added, so it still fits the loan route and a hot
reload has to refuse it on its own merits; `declared_dims_overflow` is a small model of its own.
They are the seeds of the structure-aware fuzzer (scripts/fuzz.sh), replayed by it, and the
inputs of HostileModelTests (ONNX import) and HostileReloadTests (a running server).

Usage: .venv/bin/python scripts/make_hostile_models.py   (deterministic: same bytes every run)
"""
import os
import struct

import onnx
from onnx import TensorProto, helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "HostileModels")
LOAN = os.path.join(ROOT, "examples", "loan", "model.onnx")


def loan(opset=13):
    model = onnx.load(LOAN)
    for entry in model.opset_import:
        if entry.domain == "":
            entry.version = opset
    return model


def raw_tensor(name, data_type, dims, raw):
    t = TensorProto()
    t.name = name
    t.data_type = data_type
    t.dims.extend(dims)
    t.raw_data = raw
    return t


def scalar(name, data_type, value):
    fmt = {TensorProto.FLOAT: "<f", TensorProto.DOUBLE: "<d"}[data_type]
    return raw_tensor(name, data_type, [], struct.pack(fmt, value))


def with_initializer(tensor, consumer_op=None):
    model = loan()
    model.graph.initializer.append(tensor)
    if consumer_op:
        model.graph.node.append(helper.make_node(consumer_op, [tensor.name], ["hostile_out"], name="hostile"))
    return model


def raw_data_overflow_double():
    # 2^61+1 elements pass a plain overflow check; count * 8 bytes overflows.
    return with_initializer(raw_tensor("hostile", TensorProto.DOUBLE, [2**61 + 1], b"\0" * 16), "Identity")


def raw_data_overflow_int64():
    return with_initializer(raw_tensor("hostile", TensorProto.INT64, [2**62], b"\0" * 8), "Identity")


def zero_dim_overflow():
    # No elements at all, but the dimensions after the zero multiply past Int.max (Flatten folds them).
    model = with_initializer(raw_tensor("hostile", TensorProto.FLOAT, [0, 2**40, 2**40, 2**40], b""))
    model.graph.node.append(helper.make_node("Flatten", ["hostile"], ["hostile_out"], name="hostile", axis=1))
    return model


def range_model(data_type, limit):
    model = loan()
    model.graph.initializer.extend([scalar("start", data_type, 0.0), scalar("limit", data_type, limit),
                                    scalar("delta", data_type, 1.0)])
    model.graph.node.append(helper.make_node("Range", ["start", "limit", "delta"], ["hostile_out"], name="hostile"))
    return model


def range_negative_infinite():
    # (limit - start) / delta = -inf: folded at load, Int(-inf) traps.
    return range_model(TensorProto.FLOAT, float("-inf"))


def range_huge_negative():
    return range_model(TensorProto.DOUBLE, -1e300)


def feature_vectorizer_huge():
    # Loads (the width only has to add up without overflow) and then allocates 4 TiB per row.
    model = loan()
    tree = next(n for n in model.graph.node if n.op_type == "TreeEnsembleClassifier")
    tree.input[0] = "wide"
    vectorizer = helper.make_node("FeatureVectorizer", ["input"], ["wide"], name="hostile", domain="ai.onnx.ml",
                                  inputdimensions=[2**40])
    model.graph.node.insert(0, vectorizer)
    return model


def concat_static_overflow():
    # Each Concat doubles the static width: 4 * 2^62 overflows in shape inference.
    model = loan()
    previous = "input"
    for i in range(62):
        out = f"hostile_{i}"
        model.graph.node.append(helper.make_node("Concat", [previous, previous], [out], name=out, axis=1))
        previous = out
    return model


def expand_over_cap():
    # Expand to 2^29 elements: above the element cap, refused before anything is allocated.
    model = loan()
    model.graph.initializer.extend([
        raw_tensor("one", TensorProto.FLOAT, [1], struct.pack("<f", 1.0)),
        raw_tensor("shape", TensorProto.INT64, [1], struct.pack("<q", 2**29)),
    ])
    model.graph.node.append(helper.make_node("Expand", ["one", "shape"], ["hostile_out"], name="hostile"))
    return model


def constant_of_shape_over_cap():
    model = loan()
    model.graph.initializer.append(raw_tensor("shape", TensorProto.INT64, [3], struct.pack("<3q", 2**20, 2**20, 2**20)))
    model.graph.node.append(helper.make_node("ConstantOfShape", ["shape"], ["hostile_out"], name="hostile"))
    return model


def declared_dims_overflow():
    # A declared input whose row width (2^32 * 2^32) overflows: `augur predict` sized rows by it.
    x = helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 2**32, 2**32])
    y = helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)
    graph = helper.make_graph([helper.make_node("Identity", ["X"], ["Y"], name="identity")], "hostile", [x], [y])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)


MODELS = [raw_data_overflow_double, raw_data_overflow_int64, zero_dim_overflow, range_negative_infinite,
          range_huge_negative, feature_vectorizer_huge, concat_static_overflow, expand_over_cap,
          constant_of_shape_over_cap, declared_dims_overflow]


def main():
    os.makedirs(OUT, exist_ok=True)
    for make in MODELS:
        path = os.path.join(OUT, make.__name__ + ".onnx")
        with open(path, "wb") as f:
            f.write(make().SerializeToString())
        print(f"{path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
