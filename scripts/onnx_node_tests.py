#!/usr/bin/env python3
"""Export onnx's own operator (node) test cases in Augur's fixture format.

Usage: .venv/bin/python scripts/onnx_node_tests.py OUTDIR [--ops-out PATH]

For every test case the installed onnx package defines
(onnx.backend.test.case.node.collect_testcases, which runs each operator's
export_* snippets and includes the *_expanded function-body variants), writes

    OUTDIR/<case_name>/model.onnx, input.json, expected.json

in the format documented in scripts/fixture_io.py: inputs keyed by the graph's
input names, outputs keyed by the graph's output names, in graph order.
Expected values are onnx's own reference values (numpy), not onnxruntime's;
onnx checks them with rtol=1e-3, atol=1e-7.

Cases whose graph inputs/outputs use a type outside {float32, float64, int64,
int32, bool, string} tensors (or sequence of maps) are skipped and listed in
OUTDIR/skipped.txt with the reason. OUTDIR is deleted and rewritten.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import onnx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixture_io import (  # noqa: E402
    SUPPORTED_TENSOR_TYPES,
    UnsupportedType,
    dump_json,
    model_op_types,
    numpy_type_name,
    seq_map_json,
    tensor_json,
)


def describe_type(tp: onnx.TypeProto) -> str:
    kind = tp.WhichOneof("value")
    if kind == "tensor_type":
        return f"tensor({onnx.TensorProto.DataType.Name(tp.tensor_type.elem_type).lower()})"
    if kind == "sequence_type":
        return f"sequence({describe_type(tp.sequence_type.elem_type)})"
    if kind == "map_type":
        return f"map({onnx.TensorProto.DataType.Name(tp.map_type.key_type).lower()},{describe_type(tp.map_type.value_type)})"
    if kind == "optional_type":
        return f"optional({describe_type(tp.optional_type.elem_type)})"
    if kind == "sparse_tensor_type":
        return "sparse_tensor"
    return str(kind)


def check_value_info(vi: onnx.ValueInfoProto, role: str) -> str | None:
    """None if the declared type is supported, else the skip reason."""
    tp = vi.type
    kind = tp.WhichOneof("value")
    if kind == "tensor_type" and tp.tensor_type.elem_type in SUPPORTED_TENSOR_TYPES:
        return None
    if (
        role == "output"
        and kind == "sequence_type"
        and tp.sequence_type.elem_type.WhichOneof("value") == "map_type"
    ):
        return None
    return f"{role} '{vi.name}' has type {describe_type(tp)}"


def value_json(value, vi: onnx.ValueInfoProto, role: str):
    if isinstance(value, onnx.TensorProto):
        value = onnx.numpy_helper.to_array(value)
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            key_type = "string" if isinstance(next(iter(value[0])), (str, bytes)) else "int64"
            return seq_map_json(value, key_type)
        raise UnsupportedType(f"{role} '{vi.name}' is a Python list (sequence value)")
    if value is None:
        raise UnsupportedType(f"{role} '{vi.name}' has no value (empty optional)")
    arr = np.asarray(value)
    declared = SUPPORTED_TENSOR_TYPES[vi.type.tensor_type.elem_type]
    actual = numpy_type_name(arr)
    if actual != declared:
        raise UnsupportedType(f"{role} '{vi.name}' declared {declared} but value is {arr.dtype}")
    if actual == "string":
        for v in arr.ravel():
            if isinstance(v, (bytes, np.bytes_)):
                v.decode("utf-8")  # raises on non-UTF-8 data
    return tensor_json(arr)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--ops-out", default=None, help="write the (domain, op_type, opset) list of written models here")
    args = ap.parse_args()
    out = Path(args.outdir)

    t0 = time.time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.random.seed(0)
        from onnx.backend.test.case import node as node_cases

        cases = node_cases.collect_testcases(None)

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)

    written, skipped, ops = 0, [], set()
    seen = set()
    for case in sorted(cases, key=lambda c: c.name):
        name = case.name
        if name in seen:
            skipped.append((name, "duplicate case name"))
            continue
        seen.add(name)
        model = case.model
        if model is None or not case.data_sets:
            skipped.append((name, "no model or no data set"))
            continue
        graph = model.graph
        init_names = {i.name for i in graph.initializer}
        g_inputs = [vi for vi in graph.input if vi.name not in init_names]
        g_outputs = list(graph.output)
        reason = None
        for vi in g_inputs:
            reason = reason or check_value_info(vi, "input")
        for vi in g_outputs:
            reason = reason or check_value_info(vi, "output")
        if reason is None and len(case.data_sets) != 1:
            reason = f"{len(case.data_sets)} data sets"
        if reason is None:
            inputs, outputs = case.data_sets[0]
            if len(inputs) != len(g_inputs) or len(outputs) != len(g_outputs):
                reason = f"value count mismatch ({len(inputs)} inputs for {len(g_inputs)}, {len(outputs)} outputs for {len(g_outputs)})"
        if reason is None:
            try:
                inputs_json = {vi.name: value_json(v, vi, "input") for vi, v in zip(g_inputs, inputs)}
                outputs_json = {vi.name: value_json(v, vi, "output") for vi, v in zip(g_outputs, outputs)}
            except (UnsupportedType, UnicodeDecodeError, ValueError, TypeError) as e:
                reason = str(e).splitlines()[0]
        if reason is not None:
            skipped.append((name, reason))
            continue

        folder = out / name
        folder.mkdir()
        (folder / "model.onnx").write_bytes(model.SerializeToString())
        dump_json({"inputs": inputs_json}, folder / "input.json")
        dump_json({"outputs": outputs_json}, folder / "expected.json")
        ops |= model_op_types(model)
        written += 1

    (out / "skipped.txt").write_text("".join(f"{n}\t{r}\n" for n, r in skipped))
    if args.ops_out:
        Path(args.ops_out).write_text(
            "domain\top_type\topset\n" + "".join(f"{d}\t{o}\t{v}\n" for d, o, v in sorted(ops))
        )
    print(f"{written} cases written, {len(skipped)} skipped ({time.time() - t0:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
