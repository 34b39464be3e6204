#!/usr/bin/env python3
"""Vendors the OpenAPI v3 schemas of KServe's ServingRuntime (v1alpha1) and InferenceService
(v1beta1) from a kserve/kserve checkout's config/crd/full/ into scripts/k8s/kserve-crds.json.gz,
for scripts/k8s/check.py (no Kubernetes control plane runs here).

  scripts/k8s/vendor-kserve-crds.py KSERVE_GIT_DIR [COMMIT]
Reads the files with `git show COMMIT:path` (default HEAD); records the commit in the output.
"""
import gzip
import json
import subprocess
import sys
from pathlib import Path

import yaml

CRDS = {
    "ServingRuntime": ("config/crd/full/serving.kserve.io_servingruntimes.yaml", "v1alpha1"),
    "InferenceService": ("config/crd/full/serving.kserve.io_inferenceservices.yaml", "v1beta1"),
}


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    git, commit = sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else "HEAD"
    sha = subprocess.run(["git", "-C", git, "rev-parse", commit], capture_output=True, text=True, check=True).stdout.strip()
    out = {"kserve_commit": sha, "schemas": {}}
    for kind, (path, version) in CRDS.items():
        text = subprocess.run(["git", "-C", git, "show", f"{sha}:{path}"], capture_output=True, text=True, check=True).stdout
        crd = yaml.safe_load(text)
        (served,) = [v for v in crd["spec"]["versions"] if v["name"] == version]
        out["schemas"][kind] = {"apiVersion": f"{crd['spec']['group']}/{version}", "schema": served["schema"]["openAPIV3Schema"]}
    target = Path(__file__).with_name("kserve-crds.json.gz")
    with gzip.GzipFile(target, "wb", mtime=0) as f:
        f.write(json.dumps(out, sort_keys=True).encode())
    print(f"wrote {target} ({target.stat().st_size} bytes) from kserve {sha}")


if __name__ == "__main__":
    main()
