#!/usr/bin/env python3
"""The manifests of `augur build --k8s` against the schemas a cluster would apply them with.
No Kubernetes control plane runs on these machines, so:

- the core kinds (Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget) with
  `kubernetes-validate --strict` for Kubernetes 1.30 (.venv-deploy);
- KServe's ServingRuntime and InferenceService against their CRDs' OpenAPI schemas
  (scripts/k8s/kserve-crds.json.gz, vendored by scripts/k8s/vendor-kserve-crds.py), made strict:
  unknown fields are errors, as `kubectl apply --validate=strict` makes them;
- a planted unknown field must fail both, so the checks can fail;
- what the manifests rely on holds: `augur serve --model-dir` serves a folder, and the probe
  paths answer 200 on a live server (127.0.0.1); the grace period covers the drain timeout.

  scripts/k8s/check.py AUGUR_BINARY
"""
import copy
import gzip
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]
VALIDATE = ROOT / ".venv-deploy" / "bin" / "kubernetes-validate"
CORE = ["deployment.yaml", "service.yaml", "hpa.yaml", "pdb.yaml"]
failures = 0


def check(name, ok, detail=""):
    global failures
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"))
    failures += 0 if ok else 1


def strict(schema):
    """Unknown fields refused wherever the schema lists properties and keeps no unknown ones;
    `x-kubernetes-int-or-string` as an anyOf of integer and string."""
    if isinstance(schema, dict):
        schema = {k: strict(v) for k, v in schema.items()}
        if schema.pop("x-kubernetes-int-or-string", False):
            schema.pop("type", None)
            schema["anyOf"] = [{"type": "integer"}, {"type": "string"}]
        if "properties" in schema and not schema.get("x-kubernetes-preserve-unknown-fields") and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        return schema
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


def kserve_errors(document, schemas):
    entry = schemas[document["kind"]]
    if document.get("apiVersion") != entry["apiVersion"]:
        return [f"apiVersion {document.get('apiVersion')} is not {entry['apiVersion']}"]
    body = {k: v for k, v in document.items() if k not in ("apiVersion", "kind", "metadata")}
    schema = strict(entry["schema"])
    schema.get("properties", {}).pop("metadata", None)
    schema.get("properties", {}).pop("apiVersion", None)
    schema.get("properties", {}).pop("kind", None)
    return [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(body)]


def core_valid(paths):
    run = subprocess.run([str(VALIDATE), "--strict", "-k", "1.30.0", *map(str, paths)], capture_output=True, text=True)
    return run.returncode == 0, (run.stdout + run.stderr)[-1500:]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    augur = str(Path(sys.argv[1]).resolve())
    schemas = json.loads(gzip.open(ROOT / "scripts" / "k8s" / "kserve-crds.json.gz").read())["schemas"]
    work = Path(tempfile.mkdtemp(prefix="augur-k8s-"))

    # The loan example as is, and with gRPC on (a second port in the Deployment and Service).
    grpc = work / "grpc-config"
    grpc.mkdir()
    for name in ("model.onnx", "train.csv"):
        (grpc / name).write_bytes((ROOT / "examples" / "loan" / name).read_bytes())
    (grpc / "augur.yaml").write_text("server:\n  grpc_port: 9001\n" + (ROOT / "examples" / "loan" / "augur.yaml").read_text())
    for label, config in (("loan", ROOT / "examples" / "loan"), ("loan with gRPC", grpc)):
        out = work / label.replace(" ", "-")
        build = subprocess.run([augur, "build", str(config), "--k8s", str(out), "--image", "registry.example.com/augur-loan:1.0.0"],
                               capture_output=True, text=True)
        check(f"{label}: augur build --k8s", build.returncode == 0, build.stderr)
        if build.returncode:
            continue
        ok, log = core_valid([out / f for f in CORE])
        check(f"{label}: kubernetes-validate --strict (1.30) of {', '.join(CORE)}", ok, log)
        for name in ("servingruntime.yaml", "inferenceservice.yaml"):
            errors = kserve_errors(yaml.safe_load((out / "kserve" / name).read_text()), schemas)
            check(f"{label}: KServe {name} against its CRD schema", not errors, errors[:3])
        deployment = yaml.safe_load((out / "deployment.yaml").read_text())
        pod = deployment["spec"]["template"]["spec"]
        container = pod["containers"][0]
        check(f"{label}: non-root, read-only root, no capabilities",
              container["securityContext"]["runAsNonRoot"] and container["securityContext"]["readOnlyRootFilesystem"]
              and container["securityContext"]["capabilities"]["drop"] == ["ALL"], container["securityContext"])
        check(f"{label}: grace period covers preStop + drain (25 s) + exit", pod["terminationGracePeriodSeconds"] >= 5 + 25, pod)
        ports = [p["name"] for p in container["ports"]]
        check(f"{label}: ports {ports}", ports == (["http", "grpc"] if "gRPC" in label else ["http"]), ports)
        kustomization = yaml.safe_load((out / "kustomization.yaml").read_text())
        check(f"{label}: kustomization lists the core files", kustomization["resources"] == CORE, kustomization)

        # The checks can fail: a planted unknown field is refused by both validators.
        if label == "loan":
            planted = copy.deepcopy(deployment)
            planted["spec"]["template"]["spec"]["containers"][0]["readinessProbes"] = {}
            bad = work / "planted.yaml"
            bad.write_text(yaml.safe_dump(planted))
            check("a planted unknown Deployment field fails kubernetes-validate", not core_valid([bad])[0])
            isvc = yaml.safe_load((out / "kserve" / "inferenceservice.yaml").read_text())
            isvc["spec"]["predictor"]["model"]["storageURI"] = "s3://x"
            check("a planted unknown InferenceService field fails its schema", bool(kserve_errors(isvc, schemas)))

    # What the manifests rely on, on a live server bound to 127.0.0.1.
    port = free_port()
    server = subprocess.Popen([augur, "serve", "--model-dir", str(ROOT / "examples" / "loan"), "--port", str(port),
                               "--log-level", "warning", "--reload-interval", "0"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        statuses = {}
        for path in ("/readyz", "/livez", "/v2/health/ready"):
            for _ in range(100):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
                        statuses[path] = response.status
                    break
                except OSError:
                    time.sleep(0.1)
        check("augur serve --model-dir: the probes' paths answer 200", statuses == {"/readyz": 200, "/livez": 200, "/v2/health/ready": 200}, statuses)
    finally:
        server.terminate()
        server.wait(10)

    print("kubernetes checks " + ("passed" if failures == 0 else f"failed: {failures}"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
