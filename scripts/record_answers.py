#!/usr/bin/env python3
"""Records the exact HTTP answers of a built `augur` for the cases of
Tests/AugurServerTests/Golden/answers.json, in place: status, Content-Type, model headers and
body text of every request. AnswerGoldenTests replays them in-process and compares bytes.

Run it only when an answer changes on purpose (and say why in the commit):
    python3 scripts/record_answers.py --augur .build/release/augur
Each case is an example folder ("example": "loan") or a YAML text with fixture models
("yaml", "models": {"file.onnx": "<Tests/Fixtures case>"}). Servers listen on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from augur_process import serving  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "Tests/AugurServerTests/Golden/answers.json"


def record(binary: str, case: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if "example" in case:
            folder = ROOT / "examples" / case["example"]
        else:
            folder = Path(tmp)
            (folder / "augur.yaml").write_text(case["yaml"])
            for file, fixture in case["models"].items():
                shutil.copy(ROOT / "Tests/Fixtures" / fixture / "model.onnx", folder / file)
        with serving(folder, binary) as server:
            for request in case["requests"]:
                status, headers, body = server.request(request["method"], request["path"], request.get("body"))
                request.update({"status": status, "content_type": headers.get("Content-Type"),
                                "model_name": headers.get("X-Model-Name"), "model_version": headers.get("X-Model-Version"),
                                "response": body.decode()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--augur", required=True, help="the augur binary whose answers to record")
    args = parser.parse_args()
    golden = json.loads(GOLDEN.read_text())
    for case in golden["cases"]:
        record(args.augur, case)
        print(f"{case['name']}: {len(case['requests'])} answers")
    GOLDEN.write_text(json.dumps(golden, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
