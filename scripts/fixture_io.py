"""Shared helpers for writing Augur ONNX test fixtures.

Fixture folder layout (one folder per case):
    model.onnx     the model
    input.json     {"inputs": {"<input name>": TENSOR}}
    expected.json  {"outputs": {"<output name>": TENSOR | SEQ_MAP}}

TENSOR  = {"type": T, "shape": [...], "data": [... row-major ...]}
          T in float32, float64, int64, int32, bool, string.
          Non-finite floats are the strings "NaN", "Infinity", "-Infinity".
SEQ_MAP = {"type": "seq_map", "key_type": "int64"|"string",
           "data": [{"<key as string>": prob, ...}, ... one per row]}
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import onnx

SUPPORTED_TENSOR_TYPES = {
    onnx.TensorProto.FLOAT: "float32",
    onnx.TensorProto.DOUBLE: "float64",
    onnx.TensorProto.INT64: "int64",
    onnx.TensorProto.INT32: "int32",
    onnx.TensorProto.BOOL: "bool",
    onnx.TensorProto.STRING: "string",
}


class UnsupportedType(Exception):
    pass


def _enc_float(x: float):
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def numpy_type_name(arr: np.ndarray) -> str:
    dt = arr.dtype
    if dt == np.float32:
        return "float32"
    if dt == np.float64:
        return "float64"
    if dt == np.int64:
        return "int64"
    if dt == np.int32:
        return "int32"
    if dt == np.bool_:
        return "bool"
    if dt.kind in ("U", "S"):
        return "string"
    if dt == object:
        flat = arr.ravel()
        if all(isinstance(v, (str, bytes, np.str_, np.bytes_)) for v in flat):
            return "string"
    raise UnsupportedType(f"numpy dtype {dt}")


def tensor_json(arr) -> dict:
    arr = np.asarray(arr)
    t = numpy_type_name(arr)
    flat = arr.ravel()
    if t == "float32":
        data = [_enc_float(v) for v in flat.astype(np.float32).tolist()]
    elif t == "float64":
        data = [_enc_float(v) for v in flat.astype(np.float64).tolist()]
    elif t in ("int64", "int32"):
        data = [int(v) for v in flat.tolist()]
    elif t == "bool":
        data = [bool(v) for v in flat.tolist()]
    else:
        data = [v.decode("utf-8") if isinstance(v, (bytes, np.bytes_)) else str(v) for v in flat.tolist()]
    return {"type": t, "shape": [int(d) for d in arr.shape], "data": data}


def seq_map_json(rows, key_type: str) -> dict:
    data = []
    for row in rows:
        data.append({str(k): _enc_float(np.float32(v)) for k, v in row.items()})
    return {"type": "seq_map", "key_type": key_type, "data": data}


def dump_json(obj, path: Path) -> None:
    text = json.dumps(obj, allow_nan=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


def model_op_types(model: onnx.ModelProto) -> set[tuple[str, str, int]]:
    """(domain, op_type, opset version of that domain) for every node, incl. subgraphs."""
    opsets = {}
    for imp in model.opset_import:
        opsets["ai.onnx" if imp.domain in ("", "ai.onnx") else imp.domain] = imp.version
    found = set()

    def walk(graph):
        for node in graph.node:
            dom = "ai.onnx" if node.domain in ("", "ai.onnx") else node.domain
            found.add((dom, node.op_type, opsets.get(dom, -1)))
            for attr in node.attribute:
                if attr.type == onnx.AttributeProto.GRAPH:
                    walk(attr.g)
                elif attr.type == onnx.AttributeProto.GRAPHS:
                    for g in attr.graphs:
                        walk(g)

    walk(model.graph)
    return found
