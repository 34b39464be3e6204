#!/usr/bin/env python3
"""The container image benchmark: size of the image `augur build -o` writes for examples/loan,
and `podman run` → first prediction, against the targets (image ≤ 25 MiB, first prediction
≤ 1 s) and the published sizes of the Python stacks' images.

  bench/image.py AUGUR [--binary STATIC_AUGUR] [--runs N]

AUGUR writes the image (any build of the current code); --binary is packed (default: AUGUR;
use scripts/build-static.sh's .build-static/release/augur for the size that ships). Needs podman
(scripts/setup-venv.sh). Prints a Markdown table and writes bench/results/image-<date>.json.
"""
import argparse
import datetime
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts" / "image"))
from check import first_prediction, free_port, podman, run  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ANCHORS = [("MLServer + mlserver-sklearn (seldonio/mlserver:1.x-sklearn)", "0.93 GB"),
           ("BentoML images (bentoml containerize, python-slim base)", "several hundred MB"),
           ("Triton Inference Server (nvcr.io/nvidia/tritonserver)", "8–16 GB")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("augur")
    parser.add_argument("--binary")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="augur-image-bench-"))
    binary = Path(args.binary or args.augur).resolve()
    built = run(args.augur, "build", ROOT / "examples" / "loan", "-o", work / "loan.tar", "--binary", binary, "--tag", "augur-loan:bench")
    if built.returncode != 0:
        sys.exit(built.stderr)
    layout = json.loads(run("tar", "-xOf", work / "loan.tar", "index.json").stdout)
    manifest = json.loads(run("tar", "-xOf", work / "loan.tar", "blobs/sha256/" + layout["manifests"][0]["digest"][7:]).stdout)
    compressed = manifest["layers"][0]["size"] + manifest["config"]["size"]
    podman("load", "-i", work / "loan.tar")
    unpacked = int(json.loads(podman("image", "inspect", "augur-loan:bench").stdout)[0]["Size"])
    times = []
    try:
        for _ in range(args.runs):
            port = free_port()
            start = time.monotonic()
            cid = podman("run", "-d", "--read-only", "-p", f"127.0.0.1:{port}:8080", "augur-loan:bench").stdout.strip()
            answer, _ = first_prediction(port)
            times.append(time.monotonic() - start if isinstance(answer, dict) else float("nan"))
            podman("rm", "-f", cid)
    finally:
        podman("rmi", "-f", "augur-loan:bench")
    median = statistics.median(times)
    result = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="minutes"), "binary": str(binary),
              "build": built.stdout.strip(), "compressed_bytes": compressed, "unpacked_bytes": unpacked,
              "run_to_first_prediction_s": times}
    out = ROOT / "bench" / "results" / f"image-{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d-%H%M}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    mib = compressed / 1048576
    print(f"| image | compressed (pushed, pulled) | unpacked | `podman run` → first prediction, median s (samples) |\n|---|---|---|---|")
    print(f"| Augur, examples/loan (`{binary.relative_to(ROOT) if binary.is_relative_to(ROOT) else binary}`) | {mib:.1f} MiB | "
          f"{unpacked / 1048576:.1f} MiB | {median:.2f} ({', '.join(f'{t:.2f}' for t in times)}) |")
    for name, size in ANCHORS:
        print(f"| {name} (published) | {size} | | |")
    print(f"\ntargets: image ≤ 25 MiB: {'met' if mib <= 25 else f'missed ({mib:.1f} MiB)'}; "
          f"first prediction ≤ 1 s: {'met' if median <= 1 else 'missed'}; written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
