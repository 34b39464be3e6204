#!/usr/bin/env python3
"""onnxruntime side of the engine benchmark; mirrors augur-bench and prints one JSON line.

    engine_ort.py MODEL --input POOL.f32 --batch B --seconds S [--rows N] [--single]
        Single-threaded onnxruntime (intra_op = inter_op = 1, sequential execution). The row
        pool (raw float32, see engine_models.py) is cut into consecutive batches of B rows
        (1 with --single), made into arrays up front, and run in turn until S seconds have
        passed after a warm-up; reports rows/s, and per-call median / p99 latency (each call
        timed with time.perf_counter_ns, i.e. clock_gettime(CLOCK_MONOTONIC), as augur-bench).

    engine_ort.py predict-csv MODEL CSV OUT.json
        The end-to-end baseline for `augur predict`: pandas.read_csv, one onnxruntime run on
        the whole frame, the outputs written as one JSON object (output name -> one entry per
        row) with orjson when installed, else json.dump. Prints the phase times as JSON.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort


# Rows whose outputs are summed into the checksums (the same in augur-bench).
CHECKSUM_ROWS = 5000


def session(path: str) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def load_pool(path: str | None, features: int, rows: int, seed: int) -> np.ndarray:
    """The first `rows` rows of the pool file, or seeded standard-normal rows."""
    if path:
        pool = np.fromfile(path, dtype="<f4")
        if pool.size % features:
            raise SystemExit(f"{path}: {pool.size} floats is not a whole number of {features}-feature rows")
        pool = pool.reshape(-1, features)
        return pool[:rows] if rows else pool
    return np.random.default_rng(seed).standard_normal((rows or 10_000, features)).astype(np.float32)


def checksums(outputs) -> list[list[float]]:
    """Per output, [sum, sum of absolute values] of its numbers (maps: of their scores)."""
    sums = []
    for value in outputs:
        if isinstance(value, list):
            scores = np.array([list(row.values()) for row in value], dtype=np.float64)
        else:
            scores = np.asarray(value, dtype=np.float64)
        sums.append([float(scores.sum()), float(np.abs(scores).sum())])
    return sums


def percentile(sorted_ns: list[int], q: float) -> float:
    """Nearest-rank percentile (same rule as augur-bench), in microseconds."""
    index = min(len(sorted_ns) - 1, max(0, math.ceil(q * len(sorted_ns)) - 1))
    return sorted_ns[index] / 1000.0


def measure(args) -> dict:
    started = time.perf_counter_ns()
    sess = session(args.model)
    load_ms = (time.perf_counter_ns() - started) / 1e6
    meta = sess.get_inputs()[0]
    features = args.features or meta.shape[1]
    batch = 1 if args.single else args.batch
    pool = load_pool(args.input, features, args.rows, args.seed)
    count = max(1, pool.shape[0] // batch)
    batches = [np.ascontiguousarray(pool[i * batch:(i + 1) * batch]) for i in range(count)]
    if args.single:
        batches = batches[:10_000]
        count = len(batches)
    name = meta.name
    sums = [[0.0, 0.0] for _ in sess.get_outputs()]
    checked = max(1, min(count, CHECKSUM_ROWS // batch))
    for b in batches[:checked]:
        sums = [[s[0] + v[0], s[1] + v[1]] for s, v in zip(sums, checksums(sess.run(None, {name: b})))]

    run = sess.run
    deadline = time.perf_counter_ns() + int(args.warmup * 1e9)
    i = 0
    while time.perf_counter_ns() < deadline:
        run(None, {name: batches[i % count]})
        i += 1
    latencies = []
    clock = time.perf_counter_ns
    begin = clock()
    end_at = begin + int(args.seconds * 1e9)
    now = begin
    calls = 0
    while now < end_at:
        feed = {name: batches[calls % count]}
        t0 = clock()
        run(None, feed)
        now = clock()
        latencies.append(now - t0)
        calls += 1
    elapsed = (now - begin) / 1e9
    latencies.sort()
    return {
        "engine": "onnxruntime", "model": Path(args.model).stem, "mode": "single" if args.single else "batch",
        "batch": batch, "calls": calls, "rows": calls * batch, "seconds": round(elapsed, 4),
        "rows_per_s": round(calls * batch / elapsed, 1),
        "median_us": round(percentile(latencies, 0.5), 3), "p99_us": round(percentile(latencies, 0.99), 3),
        "load_ms": round(load_ms, 2), "checksum_batches": checked, "checksums": sums,
        "version": ort.__version__,
    }


def to_jsonable(value):
    if isinstance(value, list):  # ZipMap: list of {label: prob}
        return [{str(k): v for k, v in row.items()} for row in value]
    array = np.asarray(value)
    if array.dtype.kind == "f":
        array = array.astype(np.float64)  # float32 -> shortest float64 repr is what json prints
    return array.tolist()


def predict_csv(args) -> dict:
    import pandas as pd

    phases = {}
    t = time.perf_counter()
    sess = session(args.model)
    phases["load_s"] = time.perf_counter() - t
    t = time.perf_counter()
    frame = pd.read_csv(args.csv)
    phases["read_csv_s"] = time.perf_counter() - t
    t = time.perf_counter()
    outputs = sess.run(None, {sess.get_inputs()[0].name: frame.to_numpy(dtype=np.float32)})
    phases["run_s"] = time.perf_counter() - t
    t = time.perf_counter()
    names = [o.name for o in sess.get_outputs()]
    result = {name: to_jsonable(value) for name, value in zip(names, outputs)}
    try:
        import orjson

        Path(args.out).write_bytes(orjson.dumps(result))
        writer = "orjson"
    except ImportError:
        with open(args.out, "w") as f:
            json.dump(result, f, separators=(",", ":"))
        writer = "json"
    phases["write_s"] = time.perf_counter() - t
    return {"engine": "pandas+onnxruntime", "rows": int(frame.shape[0]), "writer": writer,
            **{k: round(v, 4) for k, v in phases.items()}}


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "predict-csv":
        parser = argparse.ArgumentParser(prog="engine_ort.py predict-csv")
        parser.add_argument("model")
        parser.add_argument("csv")
        parser.add_argument("out")
        print(json.dumps(predict_csv(parser.parse_args(sys.argv[2:]))), flush=True)
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("--input", help="row pool: raw little-endian float32")
    parser.add_argument("--features", type=int, help="values per row (default: the model's input shape)")
    parser.add_argument("--rows", type=int, default=0, help="use the first N pool rows (0: all)")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--warmup", type=float, default=0.5)
    parser.add_argument("--single", action="store_true", help="one-row calls; report latency")
    parser.add_argument("--seed", type=int, default=1)
    print(json.dumps(measure(parser.parse_args())), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
