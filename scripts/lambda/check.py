#!/usr/bin/env python3
"""`augur lambda` under the real AWS Lambda runtime interface emulator (aws-lambda-rie, from
the aws-sam-cli wheel; scripts/setup-venv.sh puts it in .tools/), bound to 127.0.0.1 only.

Every event kind (API Gateway HTTP API 2.0, REST API 1.0 with multi-value query and stage,
ALB in both header modes, a direct invocation), base64 bodies, the one error shape (422, 404),
an event that is not JSON (a function error: the emulator answers 200, so bodies are
checked), and an init failure (a broken configuration) reported to /runtime/init/error. Then
`augur build --lambda`: the zip's own bootstrap answers under the emulator, and cfn-lint
(.venv-deploy) accepts the SAM template.

  scripts/lambda/check.py AUGUR_BINARY
"""
import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RIE = ROOT / ".tools" / "aws-lambda-rie"
BODY = {"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}
failures = 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check(name, ok, detail=""):
    global failures
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"))
    failures += 0 if ok else 1


class Function:
    """The emulator running `augur lambda CONFIG` as the function's bootstrap."""

    def __init__(self, augur, config, bootstrap=None):
        self.dir = tempfile.mkdtemp(prefix="augur-lambda-")
        if bootstrap is None:
            bootstrap = Path(self.dir) / "bootstrap"
            bootstrap.write_text(f"#!/bin/sh\nexec {augur} lambda {config}\n")
            bootstrap.chmod(0o755)
        self.port, api = free_port(), free_port()
        self.log = open(Path(self.dir) / "rie.log", "w+")
        env = {**os.environ, "AWS_LAMBDA_FUNCTION_TIMEOUT": "10"}
        self.process = subprocess.Popen(
            [str(RIE), "--runtime-interface-emulator-address", f"127.0.0.1:{self.port}",
             "--runtime-api-address", f"127.0.0.1:{api}", str(bootstrap)],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)

    def invoke(self, event):
        data = event if isinstance(event, bytes) else json.dumps(event).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/2015-03-31/functions/function/invocations", data=data, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:  # the emulator's own failures (init errors: 502)
            text = error.read().decode("utf-8", "replace")
            try:
                return {"emulatorStatus": error.code, **json.loads(text)}
            except ValueError:
                return {"emulatorStatus": error.code, "text": text}

    def close(self):
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.seek(0)
        return self.log.read()


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    augur = Path(sys.argv[1]).resolve()
    if not RIE.exists():
        sys.exit(f"{RIE} is missing; run scripts/setup-venv.sh")
    fn = Function(augur, ROOT / "examples" / "loan")
    try:
        v2 = fn.invoke({"version": "2.0", "rawPath": "/loan_status", "rawQueryString": "",
                        "headers": {"content-type": "application/json"}, "cookies": ["a=1"],
                        "requestContext": {"http": {"method": "POST", "path": "/loan_status"}},
                        "body": json.dumps(BODY), "isBase64Encoded": False})
        answer = json.loads(v2.get("body", "{}"))
        check("HTTP API 2.0: a prediction", v2.get("statusCode") == 200 and answer.get("prediction") in ("Approved", "Not approved")
              and answer.get("model", {}).get("name") == "loan", v2)

        rest = fn.invoke({"resource": "/{proxy+}", "path": "/prod/loan_status", "httpMethod": "GET", "headers": {},
                          "multiValueQueryStringParameters": {k: [str(v)] for k, v in BODY.items()},
                          "requestContext": {"stage": "prod"}, "body": None, "isBase64Encoded": False})
        check("REST API 1.0: GET with multi-value query, stage stripped", rest.get("statusCode") == 200
              and json.loads(rest["body"]) == answer, rest)

        for multi in (False, True):
            headers = {"multiValueHeaders": {"content-type": ["application/json"]}} if multi else {"headers": {"content-type": "application/json"}}
            alb = fn.invoke({"requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/t/1"}},
                             "httpMethod": "POST", "path": "/loan_status", **headers, "body": json.dumps(BODY), "isBase64Encoded": False})
            check(f"ALB ({'multi-value' if multi else 'single-value'} headers)", alb.get("statusCode") == 200
                  and alb.get("statusDescription") == "200 OK" and ("multiValueHeaders" in alb) == multi and json.loads(alb["body"]) == answer, alb)

        direct = fn.invoke(BODY)
        check("direct invocation: a POST to the only route", direct.get("statusCode") == 200 and json.loads(direct["body"]) == answer, direct)

        encoded = base64.b64encode(json.dumps({**BODY, "ApplicantIncome": -5}).encode()).decode()
        bad = fn.invoke({"version": "2.0", "rawPath": "/loan_status", "headers": {"content-type": "application/json"},
                         "requestContext": {"http": {"method": "POST"}}, "body": encoded, "isBase64Encoded": True})
        detail = json.loads(bad.get("body", "{}")).get("detail", [])
        check("base64 body; 422 in the one error shape", bad.get("statusCode") == 422
              and [d.get("type") for d in detail] == ["greater_than_equal"], bad)

        missing = fn.invoke({"version": "2.0", "rawPath": "/nowhere", "requestContext": {"http": {"method": "GET"}}})
        check("404 in the one error shape", missing.get("statusCode") == 404
              and json.loads(missing["body"])["detail"][0]["type"] == "not_found", missing)

        v2ready = fn.invoke({"version": "2.0", "rawPath": "/v2/health/ready", "requestContext": {"http": {"method": "GET"}}})
        check("the standard protocols too (V2 ready)", v2ready.get("statusCode") == 200 and json.loads(v2ready["body"]) == {"ready": True}, v2ready)

        garbage = fn.invoke(b"not json")
        check("an event that is not JSON: a function error", garbage.get("errorType") == "Augur.InvalidEvent", garbage)

        after = fn.invoke(BODY)
        check("still answering after the function error", after.get("statusCode") == 200, after)
    finally:
        log = fn.close()
    init = [line for line in log.splitlines() if "INIT REPORT" in line]
    check("the emulator reported the init phase", bool(init), log[-2000:])
    if init:
        print("     " + init[0].split("(rapid) ")[-1])

    # augur build --lambda: the package's own bootstrap under the emulator, its SAM template
    # through cfn-lint.
    pkg = Path(tempfile.mkdtemp(prefix="augur-lambda-package-"))
    build = subprocess.run([str(augur), "build", str(ROOT / "examples" / "loan"), "--lambda", "-o", str(pkg / "function.zip"),
                            "--binary", str(augur), "--sam", str(pkg / "template.yaml"), "--function-url"], capture_output=True, text=True)
    check("augur build --lambda -o function.zip --sam template.yaml", build.returncode == 0, build.stderr)
    again = subprocess.run([str(augur), "build", str(ROOT / "examples" / "loan"), "--lambda", "-o", str(pkg / "again.zip"),
                            "--binary", str(augur)], capture_output=True, text=True)
    check("the same inputs give the same zip", again.returncode == 0 and build.returncode == 0
          and (pkg / "again.zip").read_bytes() == (pkg / "function.zip").read_bytes(), again.stderr)
    if build.returncode == 0:
        unpacked = pkg / "unpacked"
        with zipfile.ZipFile(pkg / "function.zip") as archive:
            modes = {info.filename: (info.external_attr >> 16) & 0o777 for info in archive.infolist()}
            libraries = {name for name in modes if name.startswith("lib/")}
            check("the zip: bootstrap and augur executable, lib/ with the loader and the shared libraries, service/ with augur.yaml, "
                  "the model and its reference data",
                  {name: mode for name, mode in modes.items() if name not in libraries}
                  == {"bootstrap": 0o755, "augur": 0o755, "service/augur.yaml": 0o644, "service/model.onnx": 0o644,
                      "service/train.csv": 0o644}
                  and "lib/ld-linux-x86-64.so.2" in libraries and "lib/libc.so.6" in libraries
                  and all(modes[name] == 0o755 for name in libraries) and archive.testzip() is None, modes)
            archive.extractall(unpacked)
        for name, mode in modes.items():
            os.chmod(unpacked / name, mode)
        packaged = Function(None, None, bootstrap=unpacked / "bootstrap")
        try:
            answer_packaged = packaged.invoke(BODY)
        finally:
            packaged.close()
        check("the package's bootstrap answers under the emulator", answer_packaged.get("statusCode") == 200
              and json.loads(answer_packaged["body"]).get("prediction") in ("Approved", "Not approved"), answer_packaged)
        lint = subprocess.run([str(ROOT / ".venv-deploy" / "bin" / "cfn-lint"), str(pkg / "template.yaml")], capture_output=True, text=True)
        check("cfn-lint accepts the SAM template", lint.returncode == 0, lint.stdout + lint.stderr)
        planted = pkg / "planted.yaml"
        planted.write_text((pkg / "template.yaml").read_text().replace("Handler: bootstrap", "Handlr: bootstrap"))
        refused_lint = subprocess.run([str(ROOT / ".venv-deploy" / "bin" / "cfn-lint"), str(planted)], capture_output=True, text=True)
        check("cfn-lint refuses a planted unknown property", refused_lint.returncode != 0, refused_lint.stdout)
    outside = Path(tempfile.mkdtemp(prefix="augur-lambda-outside-"))
    (outside / "augur.yaml").write_text((ROOT / "examples" / "loan" / "augur.yaml").read_text()
                                        .replace("loan: {path: model.onnx, reference: train.csv}", f"loan: {ROOT / 'examples' / 'loan' / 'model.onnx'}"))
    refused = subprocess.run([str(augur), "build", str(outside), "--lambda", "-o", str(pkg / "outside.zip"), "--binary", str(augur)],
                             capture_output=True, text=True)
    check("a model file outside the configuration's folder is refused", refused.returncode != 0
          and "outside the configuration's folder" in refused.stderr and not (pkg / "outside.zip").exists(), refused.stderr)

    broken = Path(tempfile.mkdtemp(prefix="augur-lambda-broken-"))
    (broken / "augur.yaml").write_text("routes:\n  x:\n    model: missing.onnx\n")
    fn = Function(augur, broken)
    try:
        failed = fn.invoke(BODY)
    finally:
        log = fn.close()
    check("a configuration that does not load: Runtime.InitError", failed.get("errorType") == "Runtime.InitError"
          and "missing.onnx" in failed.get("errorMessage", ""), failed)

    print("lambda checks " + ("passed" if failures == 0 else f"failed: {failures}"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
