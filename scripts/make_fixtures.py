#!/usr/bin/env python3
"""Generate Augur's ONNX conformance fixtures into Tests/Fixtures/.

Trains small, deterministic models on data scikit-learn ships (load_*) or on
synthetic data, exports them to ONNX (skl2onnx / onnxmltools) or builds small
graphs by hand with onnx.helper, runs onnxruntime (1 intra-op thread) on a small
input batch, and writes one folder per case:

    Tests/Fixtures/<case>/model.onnx, input.json, expected.json

The whole Tests/Fixtures/ directory is deleted and rewritten on every run.
The JSON formats are documented in scripts/fixture_io.py.

Usage: .venv/bin/python scripts/make_fixtures.py [--only SUBSTRING] [--ops-out PATH]
Requires the pinned packages in scripts/requirements-fixtures.txt.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

# The cases live in scripts/fixtures/, one module per model family (fixtures.FAMILIES, in
# registration order); shared helpers and the case registry in scripts/fixtures/common.py.
sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixtures  # noqa: E402
from fixtures.common import ALL_OPS, CASES, FIXTURES, SKIPPED, UNAVAILABLE, WRITTEN  # noqa: E402

fixtures.register_all()


# --------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="only build cases whose name contains this substring (does not wipe other fixtures)")
    ap.add_argument("--ops-out", default=None, help="also write the (domain, op_type, opset) list to this file")
    args = ap.parse_args()

    t0 = time.time()
    FIXTURES.mkdir(parents=True, exist_ok=True)
    names = {name for name, _ in CASES}
    if not args.only:
        # Folders of cases that no longer exist.
        for folder in FIXTURES.iterdir():
            if folder.is_dir() and folder.name not in names:
                shutil.rmtree(folder)

    for name, fn in CASES:
        if args.only and args.only not in name:
            continue
        unavailable = len(UNAVAILABLE)
        previous = FIXTURES / name
        kept = FIXTURES / f".{name}.kept"
        if previous.exists():
            previous.rename(kept)
        try:
            fn()
            # A case whose package is missing keeps its committed fixture.
            if len(UNAVAILABLE) > unavailable and kept.exists() and not previous.exists():
                kept.rename(previous)
        except Exception as e:  # a converter that cannot export the model: skip with a reason
            if (FIXTURES / name).exists():
                shutil.rmtree(FIXTURES / name)
            SKIPPED.append((name, f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"))
            print(f"{name:42s} SKIPPED: {SKIPPED[-1][1]}", flush=True)
        if kept.exists():
            shutil.rmtree(kept)

    total = sum(s for _, s in WRITTEN)
    print(f"{len(WRITTEN)} cases written ({total / 1024 / 1024:.2f} MB), {len(SKIPPED)} skipped, "
          f"{len(UNAVAILABLE)} kept for want of their package, {time.time() - t0:.1f}s")
    if args.ops_out:
        lines = [f"{d}\t{op}\t{v}" for d, op, v in sorted(ALL_OPS)]
        Path(args.ops_out).write_text("domain\top_type\topset\n" + "\n".join(lines) + "\n")
    return 1 if SKIPPED and not args.only else 0


if __name__ == "__main__":
    sys.exit(main())
