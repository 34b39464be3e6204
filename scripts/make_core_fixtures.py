#!/usr/bin/env python3
"""Edge-case fixtures for Augur's ai.onnx core operators, with onnxruntime's outputs.

Usage: .venv/bin/python scripts/make_core_fixtures.py [OUTDIR]   (default Tests/CoreFixtures)

Each case is a tiny model (onnx.helper) exercising what the core kernels must match
onnxruntime on: NaN handling, ties, integer division and powers, string casts,
broadcasting patterns, legacy and current axes forms. Same folder layout as Tests/Fixtures.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto as TP
from onnx import helper as h

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixture_io import dump_json, tensor_json  # noqa: E402

NAN, INF = np.nan, np.inf
CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def model(nodes, feeds, outputs, opset, initializers=()):
    inputs = [h.make_tensor_value_info(n, h.np_dtype_to_tensor_dtype(v.dtype), v.shape) for n, v in feeds.items()]
    outs = [onnx.ValueInfoProto(name=o) for o in outputs]
    graph = h.make_graph(nodes, "g", inputs, outs, initializer=list(initializers))
    m = h.make_model(graph, opset_imports=[h.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def emit(root: Path, name: str, m, feeds):
    sess = ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"])
    results = sess.run(None, feeds)
    folder = root / name
    folder.mkdir(parents=True)
    onnx.save(m, folder / "model.onnx")
    dump_json({"inputs": {k: tensor_json(v) for k, v in feeds.items()}}, folder / "input.json")
    names = [o.name for o in sess.get_outputs()]
    dump_json({"outputs": {n: tensor_json(np.asarray(r)) for n, r in zip(names, results)}}, folder / "expected.json")


def f32(x):
    return np.array(x, np.float32)


def i64(x):
    return np.array(x, np.int64)


@case
def topk_ties_nan(root):
    x = f32([[3, 1, -INF, 3, 2], [5, 5, 5, 1, 0]])  # NaN order in onnxruntime depends on its selection algorithm
    nodes = [h.make_node("TopK", ["x", "k"], ["v", "i"], axis=1),
             h.make_node("TopK", ["x", "k"], ["sv", "si"], axis=-1, largest=0)]
    emit(root, name(), model(nodes, {"x": x, "k": i64([3])}, ["v", "i", "sv", "si"], 11), {"x": x, "k": i64([3])})


@case
def topk_axis0_opset1(root):
    x = f32([[1, 9], [7, 7], [3, 8]])
    emit(root, name(), model([h.make_node("TopK", ["x"], ["v", "i"], axis=0, k=2)], {"x": x}, ["v", "i"], 9), {"x": x})


@case
def cast_strings(root):
    f = f32([1.0, 0.1, 1e20, 1 / 3, NAN, INF, -INF, 2.5e-5, 123456789, 1e-7])
    d = np.array([0.1 + 0.2, 1e300, 123456789012, 1 / 3], np.float64)
    s = np.array(["1.5", "  2", "inf", "-INF", "1e3", "+3", "1.5abc", "0x10"], object)
    i = i64([-5, 2**62, 0])
    nodes = [h.make_node("Cast", ["f"], ["fs"], to=TP.STRING), h.make_node("Cast", ["d"], ["ds"], to=TP.STRING),
             h.make_node("Cast", ["s"], ["sf"], to=TP.FLOAT), h.make_node("Cast", ["s"], ["sd"], to=TP.DOUBLE),
             h.make_node("Cast", ["i"], ["is"], to=TP.STRING), h.make_node("Cast", ["is"], ["ii"], to=TP.INT64)]
    feeds = {"f": f, "d": d, "s": s, "i": i}
    emit(root, name(), model(nodes, feeds, ["fs", "ds", "sf", "sd", "is", "ii"], 13), feeds)


@case
def cast_numeric(root):
    f = f32([NAN, 1e20, -1e20, 2.7, -2.7, 0.0])
    i = i64([2**40 + 5, -1, 2**62 + 2**12, 0, 7, -3])  # exact in the JSON reader's doubles
    b = np.array([True, False, True, False, True, True])
    nodes = [h.make_node("Cast", ["f"], ["fi"], to=TP.INT64), h.make_node("Cast", ["f"], ["fi32"], to=TP.INT32),
             h.make_node("Cast", ["f"], ["fb"], to=TP.BOOL), h.make_node("Cast", ["i"], ["i32"], to=TP.INT32),
             h.make_node("Cast", ["i"], ["if"], to=TP.FLOAT), h.make_node("Cast", ["b"], ["bf"], to=TP.DOUBLE),
             h.make_node("CastLike", ["i", "f"], ["like"])]
    feeds = {"f": f, "i": i, "b": b}
    emit(root, name(), model(nodes, feeds, ["fi", "fi32", "fb", "i32", "if", "bf", "like"], 15), feeds)


@case
def integer_div_pow(root):
    a, b = i64([7, -7, 7, -7, 9]), i64([2, 2, -2, -2, 3])
    a32, b32 = a.astype(np.int32), b.astype(np.int32)
    base, exp = i64([2, 3, -2, 2, 0]), i64([3, 2, 3, -1, 0])
    fe, fb = f32([0.5, 2, 0.5, 1, 3]), f32([2, 3, 4, 5, 6])
    nodes = [h.make_node("Div", ["a", "b"], ["q"]), h.make_node("Div", ["a32", "b32"], ["q32"]),
             h.make_node("Pow", ["base", "exp"], ["p"]), h.make_node("Pow", ["base", "fe"], ["pf"]),
             h.make_node("Pow", ["fb", "exp"], ["fp"]), h.make_node("Pow", ["fb", "fe"], ["ff"])]
    feeds = {"a": a, "b": b, "a32": a32, "b32": b32, "base": base, "exp": exp, "fe": fe, "fb": fb}
    emit(root, name(), model(nodes, feeds, ["q", "q32", "p", "pf", "fp", "ff"], 15), feeds)


@case
def max_min_argmax_nan(root):
    x, y, z = f32([[1, NAN, 3, -INF]]), f32([[NAN], [2]]), f32([0.5, 2, 1, 0])
    m = f32([[1, NAN, 3], [NAN, 1, 2], [1, 2, NAN], [4, 4, 1]])
    nodes = [h.make_node("Max", ["x", "y", "z"], ["mx"]), h.make_node("Min", ["x", "y", "z"], ["mn"]),
             h.make_node("Sum", ["x", "y", "z"], ["sm"]), h.make_node("Mean", ["x", "y"], ["me"]),
             h.make_node("ArgMax", ["m"], ["am"], axis=1), h.make_node("ArgMin", ["m"], ["an"], axis=-1, keepdims=0),
             h.make_node("ArgMax", ["m"], ["al"], axis=1, select_last_index=1, keepdims=0),
             h.make_node("ArgMax", ["m"], ["a0"], axis=0)]
    feeds = {"x": x, "y": y, "z": z, "m": m}
    emit(root, name(), model(nodes, feeds, ["mx", "mn", "sm", "me", "am", "an", "al", "a0"], 13), feeds)


@case
def broadcast_patterns(root):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 3)).astype(np.float32)
    row, col = rng.normal(size=(3,)).astype(np.float32), rng.normal(size=(4, 1)).astype(np.float32)
    t, u = rng.normal(size=(2, 1, 3)).astype(np.float32), rng.normal(size=(4, 1)).astype(np.float32)
    c = np.array([[True], [False], [True], [False]])
    s1, s2 = np.array(["a", "b", "c"], object), np.array([["a"], ["c"], ["x"], ["b"]], object)
    nodes = [h.make_node("Add", ["x", "row"], ["r1"]), h.make_node("Mul", ["x", "col"], ["r2"]),
             h.make_node("Div", ["t", "u"], ["r3"]), h.make_node("Where", ["c", "x", "row"], ["r4"]),
             h.make_node("Equal", ["s1", "s2"], ["r5"]), h.make_node("Greater", ["x", "col"], ["r6"]),
             h.make_node("Where", ["c", "s1", "s2"], ["r7"])]
    feeds = {"x": x, "row": row, "col": col, "t": t, "u": u, "c": c, "s1": s1, "s2": s2}
    emit(root, name(), model(nodes, feeds, [f"r{k}" for k in range(1, 8)], 19), feeds)


@case
def softmax_axes(root):
    x = np.random.default_rng(2).normal(size=(2, 3, 4)).astype(np.float32) * 5
    x[1, 2, 3] = 1000
    feeds = {"x": x}
    for opset in (11, 13):
        nodes = [h.make_node("Softmax", ["x"], ["s1"], axis=1), h.make_node("LogSoftmax", ["x"], ["l1"], axis=1),
                 h.make_node("Softmax", ["x"], ["s0"], axis=0), h.make_node("Softmax", ["x"], ["sd"])]
        emit(root, f"{name()}_opset{opset}", model(nodes, feeds, ["s1", "l1", "s0", "sd"], opset), feeds)


@case
def reductions(root):
    x = np.random.default_rng(3).normal(size=(2, 3, 4)).astype(np.float32)
    xi = np.arange(24, dtype=np.int64).reshape(2, 3, 4) - 7
    axes, empty = i64([-1, 0]), i64([])
    feeds = {"x": x, "xi": xi}
    nodes18 = [h.make_node(op, ["x", "axes"], [f"{op}_f"], keepdims=0) for op in ("ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd")]
    nodes18 += [h.make_node(op, ["xi", "axes"], [f"{op}_i"]) for op in ("ReduceSum", "ReduceMax", "ReduceProd")]
    nodes18 += [h.make_node("ReduceSum", ["x", "empty"], ["noop"], noop_with_empty_axes=1),
                h.make_node("ReduceMean", ["x"], ["all"], keepdims=0)]
    inits = [onnx.numpy_helper.from_array(axes, "axes"), onnx.numpy_helper.from_array(empty, "empty")]
    outs = [n.output[0] for n in nodes18]
    emit(root, f"{name()}_opset18", model(nodes18, feeds, outs, 18, inits), feeds)
    nodes11 = [h.make_node(op, ["x"], [f"{op}_f"], axes=[1, -1]) for op in ("ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd")]
    emit(root, f"{name()}_opset11", model(nodes11, feeds, [n.output[0] for n in nodes11], 11), feeds)


@case
def shape_ops(root):
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    s = np.array([["a", "b", "c"], ["d", "e", "f"]], object)
    ints = lambda n, v: onnx.numpy_helper.from_array(i64(v), n)  # noqa: E731
    inits = [ints("shp", [0, -1]), ints("starts", [-1, 3]), ints("ends", [-100, -5]), ints("axes", [0, 2]),
             ints("steps", [-1, -2]), ints("idx", [[-1, 0], [1, 1]]), ints("reps", [1, 2, 1]), ints("exp", [3, 1, 1, 4]),
             ints("uax", [0, -1]), ints("sq", [0]), ints("cshape", [2, 3])]
    nodes = [h.make_node("Reshape", ["x", "shp"], ["reshaped"]),
             h.make_node("Slice", ["x", "starts", "ends", "axes", "steps"], ["sliced"]),
             h.make_node("Gather", ["x", "idx"], ["gathered"], axis=1), h.make_node("Gather", ["s", "idx"], ["sgather"], axis=1),
             h.make_node("Tile", ["x", "reps"], ["tiled"]), h.make_node("Expand", ["x", "exp"], ["expanded"]),
             h.make_node("Transpose", ["x"], ["tr"], perm=[2, 0, 1]), h.make_node("Transpose", ["s"], ["str"]),
             h.make_node("Unsqueeze", ["x", "uax"], ["unsq"]), h.make_node("Squeeze", ["unsq", "sq"], ["sq1"]),
             h.make_node("Concat", ["x", "x"], ["cat"], axis=-1), h.make_node("Concat", ["s", "s"], ["scat"], axis=0),
             h.make_node("Shape", ["x"], ["shape"], start=-2), h.make_node("Size", ["x"], ["size"]),
             h.make_node("Flatten", ["x"], ["flat"], axis=2), h.make_node("ConstantOfShape", ["cshape"], ["cos"],
                                                                         value=onnx.numpy_helper.from_array(i64([7]))),
             h.make_node("Constant", [], ["const"], value_floats=[1.5, 2.5])]
    feeds = {"x": x, "s": s}
    emit(root, name(), model(nodes, feeds, [n.output[0] for n in nodes], 15, inits), feeds)


@case
def shape_ops_opset11(root):
    x = np.arange(6, dtype=np.float32).reshape(1, 2, 3)
    nodes = [h.make_node("Squeeze", ["x"], ["sq"]), h.make_node("Unsqueeze", ["x"], ["unsq"], axes=[-1, 0]),
             h.make_node("Range", ["a", "b", "c"], ["rng"]), h.make_node("Range", ["ai", "bi", "ci"], ["rngi"])]
    inits = [onnx.numpy_helper.from_array(f32(v), n) for n, v in (("a", 1.0), ("b", 2.9), ("c", 0.3))]
    inits += [onnx.numpy_helper.from_array(i64(v), n) for n, v in (("ai", 10), ("bi", -3), ("ci", -4))]
    emit(root, name(), model(nodes, {"x": x}, [n.output[0] for n in nodes], 11, inits), {"x": x})


@case
def slice_opset9(root):
    x = np.arange(6, dtype=np.float32).reshape(1, 2, 3)
    nodes = [h.make_node("Slice", ["x"], ["sl"], starts=[1, -2], ends=[100, -1], axes=[2, 1]),
             h.make_node("Slice", ["x"], ["all"], starts=[0, 0, -2], ends=[1, 2, 3])]
    emit(root, name(), model(nodes, {"x": x}, ["sl", "all"], 9), {"x": x})


@case
def gemm_matmul(root):
    rng = np.random.default_rng(4)
    a, b = rng.normal(size=(3, 5)).astype(np.float32), rng.normal(size=(4, 3)).astype(np.float32)
    cn, cm = rng.normal(size=(4,)).astype(np.float32), rng.normal(size=(5, 1)).astype(np.float32)
    p, q = rng.normal(size=(2, 1, 3, 4)).astype(np.float32), rng.normal(size=(3, 4, 2)).astype(np.float32)
    v = rng.normal(size=(4,)).astype(np.float32)
    d, e = rng.normal(size=(2, 3)), rng.normal(size=(3, 2))
    nodes = [h.make_node("Gemm", ["a", "b", "cn"], ["g1"], transA=1, transB=1, alpha=0.5, beta=2.0),
             h.make_node("Gemm", ["a", "b", "cm"], ["g2"], transA=1, transB=1),
             h.make_node("Gemm", ["d", "e"], ["g3"]),
             h.make_node("MatMul", ["p", "q"], ["m1"]), h.make_node("MatMul", ["v", "q"], ["m2"]),
             h.make_node("MatMul", ["p", "v"], ["m3"])]
    feeds = {"a": a, "b": b, "cn": cn, "cm": cm, "p": p, "q": q, "v": v, "d": d, "e": e}
    emit(root, name(), model(nodes, feeds, ["g1", "g2", "g3", "m1", "m2", "m3"], 13), feeds)


@case
def unary_edge_cases(root):
    x = f32([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, NAN, -0.0, INF, -INF, -3, 30, -30])
    xi = np.array([-5, 0, 7, -(2**31)], np.int32)
    ops = ["Round", "Sign", "Relu", "Floor", "Ceil", "Reciprocal", "Softplus", "Erf", "Sigmoid", "Tanh", "Abs", "Neg", "Exp"]
    nodes = [h.make_node(op, ["x"], [op]) for op in ops]
    nodes += [h.make_node("LeakyRelu", ["x"], ["leaky"], alpha=0.2), h.make_node("HardSigmoid", ["x"], ["hard"]),
              h.make_node("IsInf", ["x"], ["isneg"], detect_positive=0), h.make_node("IsNaN", ["x"], ["isnan"]),
              h.make_node("Abs", ["xi"], ["absi"]), h.make_node("Sign", ["xi"], ["signi"]), h.make_node("Neg", ["xi"], ["negi"]),
              h.make_node("Clip", ["x", "lo", "hi"], ["clip"]), h.make_node("Clip", ["x", "hi", "lo"], ["clipswap"]),
              h.make_node("Clip", ["xi", "", "ihi"], ["clipi"])]
    inits = [onnx.numpy_helper.from_array(f32(v), n) for n, v in (("lo", -1.0), ("hi", 2.0))]
    inits.append(onnx.numpy_helper.from_array(np.array(3, np.int32), "ihi"))
    feeds = {"x": x, "xi": xi}
    emit(root, name(), model(nodes, feeds, [n.output[0] for n in nodes], 13, inits), feeds)


@case
def clip_opset6(root):
    x = f32([[-5, 0.5, 5, NAN]])
    emit(root, name(), model([h.make_node("Clip", ["x"], ["y"], min=-1.0, max=1.0)], {"x": x}, ["y"], 6), {"x": x})


_current = []


def name():
    return _current[-1]


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "Tests" / "CoreFixtures"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for fn in CASES:
        _current.append(fn.__name__)
        fn(root)
    print(f"{len(list(root.iterdir()))} core fixtures written to {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
