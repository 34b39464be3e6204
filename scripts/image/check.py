#!/usr/bin/env python3
"""`augur build -o IMAGE.tar`, `--push`, `--dockerfile` and the Lambda container image, with
the real tools: umoci unpacks the archive, podman loads and runs it (read-only root, bridge
network on loopback), Debian's docker-registry (distribution 2.8) takes the push, with and
without htpasswd, and podman pulls it back and runs it; podman build builds the Dockerfile;
the Lambda image answers under the runtime interface emulator inside the container.

  scripts/image/check.py AUGUR_BINARY [--static STATIC_AUGUR]

With --static (a build of scripts/build-static.sh), an image of that binary is run and checked
the same way, host names included.

Needs podman, runc, umoci, docker-registry and htpasswd (scripts/setup-venv.sh installs them)
and runs as root (podman's bridge networking).
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RIE = ROOT / ".tools" / "aws-lambda-rie"
BODY = json.dumps({"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}).encode()
ENV = {**os.environ, "CONTAINERS_CONF": str(ROOT / "scripts" / "image" / "containers.conf")}
sys.path.insert(0, str(ROOT / "scripts"))
from checklib import check, finish, free_port  # noqa: E402


def run(*args, env=None, **kwargs):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, env=env or ENV, **kwargs)


def podman(*args, **kwargs):
    return run("podman", *args, **kwargs)


def predict(port, timeout=1.0):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/loan_status", data=BODY,
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def first_prediction(port, seconds=20):
    """Polls until the first prediction; returns (answer, seconds) or (error, None)."""
    start, last = time.monotonic(), None
    while time.monotonic() - start < seconds:
        try:
            return predict(port), time.monotonic() - start
        except (OSError, urllib.error.URLError) as error:
            last = error
            time.sleep(0.02)
    return last, None


def serve_and_check(image, label):
    """Runs IMAGE read-only on a loopback port; a prediction, the user, a quick SIGTERM stop."""
    port = free_port()
    started = time.monotonic()
    created = podman("run", "-d", "--read-only", "-p", f"127.0.0.1:{port}:8080", image)
    check(f"{label}: podman run --read-only", created.returncode == 0, created.stderr)
    if created.returncode != 0:
        return
    cid = created.stdout.strip()
    try:
        answer, _ = first_prediction(port)
        elapsed = time.monotonic() - started
        ok = isinstance(answer, dict) and answer.get("prediction") in ("Approved", "Not approved")
        check(f"{label}: a prediction from the container ({elapsed:.2f} s from podman run)", ok,
              f"{answer}\n{podman('logs', cid).stdout}{podman('logs', cid).stderr}")
        pid = podman("inspect", "--format", "{{.State.Pid}}", cid).stdout.strip()
        status = Path(f"/proc/{pid}/status").read_text() if pid.isdigit() and pid != "0" else ""
        uid = next((line.split()[1:] for line in status.splitlines() if line.startswith("Uid:")), None)
        check(f"{label}: runs as the non-root user 65532", uid is not None and set(uid) == {"65532"}, uid)
        begin = time.monotonic()
        stopped = podman("stop", "-t", "10", cid)
        took = time.monotonic() - begin
        code = podman("inspect", "--format", "{{.State.ExitCode}}", cid).stdout.strip()
        check(f"{label}: SIGTERM stops it within 2 s ({took:.2f} s, exit {code})", stopped.returncode == 0 and took < 2 and code == "0",
              stopped.stderr + podman("logs", cid).stderr[-1000:])
    finally:
        podman("rm", "-f", cid)


class DNSStub:
    """A one-name DNS server (UDP) on the podman bridge's gateway: mlflow.augur.test is
    127.0.0.1, every other name does not exist. Shows that the binary in the image resolves host
    names through /etc/resolv.conf with nothing but what the image carries."""

    def __init__(self, address):
        import threading
        self.queries = []
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind((address, 53))
        self.socket.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        import struct
        while self.running:
            try:
                data, peer = self.socket.recvfrom(512)
            except OSError:
                continue
            labels, i = [], 12
            while i < len(data) and data[i]:
                labels.append(data[i + 1:i + 1 + data[i]].decode("ascii", "replace"))
                i += 1 + data[i]
            if i + 5 > len(data):
                continue
            name, qtype = ".".join(labels), struct.unpack(">H", data[i + 1:i + 3])[0]
            self.queries.append(name)
            known = name == "mlflow.augur.test"
            answers = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + socket.inet_aton("127.0.0.1") if known and qtype == 1 else b""
            header = struct.pack(">HHHHHH", struct.unpack(">H", data[:2])[0], 0x8180 if known else 0x8183, 1, 1 if answers else 0, 0, 0)
            self.socket.sendto(header + data[12:i + 5] + answers, peer)

    def close(self):
        self.running = False
        self.thread.join()
        self.socket.close()


def resolve_check(image, label, work):
    """`augur check` inside the image on a configuration naming an MLflow server by host name:
    through /etc/hosts (--add-host) and through DNS (the stub). "connection refused" means the
    name resolved (to a loopback port nothing listens on); an unknown name must say so."""
    gateway = json.loads(podman("network", "inspect", "podman").stdout or "[{}]")[0].get("subnets", [{}])[0].get("gateway")
    # The bridge (and its gateway address) exists only while a container is on it.
    keeper = podman("run", "-d", "--read-only", image).stdout.strip()
    time.sleep(0.3)
    config = work / f"resolve-{label.replace(' ', '-')}"
    config.mkdir(exist_ok=True)
    for host in ("mlflow.augur.test", "other.augur.test", "hosts.augur.test"):
        (config / f"{host}.yaml").write_text(f"mlflow:\n  tracking_uri: http://{host}:9\nmodels:\n  loan: 'models:/loan/1'\n"
                                             "routes:\n  r:\n    model: loan\n    parameters:\n      a: {type: float}\n    features: [a]\n")
    def augur_check(host, *flags):
        return podman("run", "--rm", *flags, "-v", f"{config}:/cfg:ro", "--entrypoint", "/usr/local/bin/augur", image,
                      "check", f"/cfg/{host}.yaml")
    hosts = augur_check("hosts.augur.test", "--add-host", "hosts.augur.test:127.0.0.1")
    check(f"{label}: a host name from /etc/hosts resolves", "connection refused" in hosts.stderr, hosts.stderr[-600:])
    if not gateway:
        podman("rm", "-f", keeper)
        check(f"{label}: the podman bridge's gateway for the DNS stub", False, podman("network", "inspect", "podman").stdout)
        return
    try:
        stub = DNSStub(gateway)
        try:
            known = augur_check("mlflow.augur.test", "--dns", gateway)
            unknown = augur_check("other.augur.test", "--dns", gateway)
        finally:
            stub.close()
    finally:
        podman("rm", "-f", keeper)
    check(f"{label}: a host name resolves through DNS", "connection refused" in known.stderr and "mlflow.augur.test" in stub.queries,
          known.stderr[-600:] + str(stub.queries))
    check(f"{label}: an unknown host name says it does not resolve", "does not resolve" in unknown.stderr, unknown.stderr[-600:])


def load_and_answer(archive, image, images):
    """podman load + run ARCHIVE's IMAGE read-only: its first answer and its log's tail."""
    podman("load", "-i", archive)
    images.append(f"localhost/{image}")
    port = free_port()
    cid = podman("run", "-d", "--read-only", "-p", f"127.0.0.1:{port}:8080", image).stdout.strip()
    try:
        answer, _ = first_prediction(port)
        return answer, podman("logs", cid).stderr[-800:]
    finally:
        podman("rm", "-f", cid)


def start_registry(work, htpasswd=None):
    port = free_port()
    config = work / f"registry-{port}.yml"
    auth = f"auth:\n  htpasswd:\n    realm: augur-test\n    path: {htpasswd}\n" if htpasswd else ""
    config.write_text(f"version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {work / f'registry-{port}'}\n"
                      f"  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n{auth}")
    log = open(work / f"registry-{port}.log", "w")
    process = subprocess.Popen(["docker-registry", "serve", str(config)], stdout=log, stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return process, port


def main():
    if len(sys.argv) not in (2, 4) or (len(sys.argv) == 4 and sys.argv[2] != "--static"):
        sys.exit(__doc__)
    augur = Path(sys.argv[1]).resolve()
    static = Path(sys.argv[3]).resolve() if len(sys.argv) == 4 else None
    work = Path(tempfile.mkdtemp(prefix="augur-image-"))
    example = ROOT / "examples" / "loan"
    images = []
    registries = []
    try:
        # The archive, twice: the same bytes.
        built = run(augur, "build", example, "-o", work / "loan.tar", "--binary", augur, "--tag", "augur-loan:ci")
        check("augur build -o loan.tar", built.returncode == 0, built.stderr)
        if built.returncode != 0:
            return
        print("     " + built.stdout.strip())
        again = run(augur, "build", example, "-o", work / "again.tar", "--binary", augur, "--tag", "augur-loan:ci")
        check("the same inputs give the same image (byte for byte)", (work / "again.tar").read_bytes() == (work / "loan.tar").read_bytes())
        later = run(augur, "build", example, "-o", work / "later.tar", "--binary", augur, "--tag", "augur-loan:ci",
                    env={**ENV, "SOURCE_DATE_EPOCH": "1767225600"})
        check("SOURCE_DATE_EPOCH changes the digest", later.returncode == 0 and later.stdout.split()[3] != built.stdout.split()[3], later.stdout)

        # The layout as the OCI spec has it, and umoci's reading of it.
        layout = work / "layout"
        with tarfile.open(work / "loan.tar") as archive:
            archive.extractall(layout)
        index = json.loads((layout / "index.json").read_text())
        manifest_digest = index["manifests"][0]["digest"].split(":")[1]
        manifest = json.loads((layout / "blobs" / "sha256" / manifest_digest).read_text())
        config = json.loads((layout / "blobs" / "sha256" / manifest["config"]["digest"].split(":")[1]).read_text())
        check("oci-layout, index.json and the manifest", json.loads((layout / "oci-layout").read_text()) == {"imageLayoutVersion": "1.0.0"}
              and manifest["mediaType"] == "application/vnd.oci.image.manifest.v1+json" and len(manifest["layers"]) == 1, manifest)
        labels = config["config"].get("Labels", {})
        check("config: user 65532, port 8080, entrypoint and command serving on 0.0.0.0:8080, labels, history with created",
              config["config"]["User"] == "65532:65532" and "8080/tcp" in config["config"]["ExposedPorts"]
              and config["config"]["Entrypoint"] == ["/usr/local/bin/augur"]
              and config["config"]["Cmd"] == ["serve", "/srv/augur/augur.yaml", "--host", "0.0.0.0", "--port", "8080"]
              and labels.get("org.opencontainers.image.title") == "Loan approval" and "io.augur.model.loan.sha256" in labels
              and all("created" in h for h in config["history"]), config)
        unpacked = work / "bundle"
        umoci = run("umoci", "unpack", "--rootless", "--image", f"{layout}:ci", unpacked)
        check("umoci unpack accepts the archive", umoci.returncode == 0, umoci.stderr)
        rootfs = unpacked / "rootfs"
        check("the root file system: the binary, the service, /tmp writable by all", umoci.returncode == 0
              and os.access(rootfs / "usr/local/bin/augur", os.X_OK) and (rootfs / "srv/augur/augur.yaml").is_file()
              and (rootfs / "srv/augur/model.onnx").is_file() and (os.stat(rootfs / "tmp").st_mode & 0o7777) == 0o1777)
        stat = run("umoci", "stat", "--image", f"{layout}:ci")
        check("umoci stat reads the history", stat.returncode == 0 and "augur build" in stat.stdout, stat.stderr)

        # podman load + run.
        loaded = podman("load", "-i", work / "loan.tar")
        check("podman load", loaded.returncode == 0, loaded.stderr)
        images.append("localhost/augur-loan:ci")
        found = podman("image", "exists", "augur-loan:ci")
        check("the loaded image is named by --tag", found.returncode == 0, loaded.stdout + loaded.stderr)
        serve_and_check("augur-loan:ci", "the loaded image")
        resolve_check("augur-loan:ci", "the loaded image", work)

        if static:
            made = run(augur, "build", example, "-o", work / "static.tar", "--binary", static, "--tag", "augur-loan:static")
            check("augur build -o static.tar --binary STATIC", made.returncode == 0 and "static binary" in made.stdout, made.stdout + made.stderr)
            print("     " + made.stdout.strip())
            podman("load", "-i", work / "static.tar")
            images.append("localhost/augur-loan:static")
            serve_and_check("augur-loan:static", "the static image")
            resolve_check("augur-loan:static", "the static image", work)

        # A store reference resolved at build time: the store's version and alias travel along.
        home = work / "home"
        store_env = {**ENV, "AUGUR_HOME": str(home)}
        run(augur, "models", "import", example / "model.onnx", "--name", "loan", env=store_env)
        run(augur, "models", "import", example / "model.onnx", "--name", "loan", env=store_env)
        run(augur, "models", "alias", "loan:2", "production", env=store_env)
        service = work / "store-service"
        service.mkdir()
        (service / "augur.yaml").write_text((example / "augur.yaml").read_text().replace("loan: {path: model.onnx, reference: train.csv}", "loan: loan@production"))
        from_store = run(augur, "build", service, "-o", work / "store.tar", "--binary", augur, "--tag", "augur-loan:store", env=store_env)
        check("augur build with a store reference", from_store.returncode == 0, from_store.stderr)
        if from_store.returncode == 0:
            answer, log = load_and_answer(work / "store.tar", "augur-loan:store", images)
            check("the store reference answers with the version it resolved to (loan@production = 2)",
                  isinstance(answer, dict) and answer.get("model", {}).get("version") == "2", f"{answer} {log}")

        # An MLflow reference pinned at build time: the container cannot reach the tracking server
        # (on the host's loopback) and still serves the version the alias named.
        mlflow = os.environ.get("AUGUR_MLFLOW_URI")
        if mlflow:
            service = work / "mlflow-service"
            service.mkdir()
            (service / "augur.yaml").write_text(f"mlflow:\n  tracking_uri: {mlflow}\n" + (example / "augur.yaml").read_text()
                                                .replace("loan: {path: model.onnx, reference: train.csv}", "loan: 'models:/loan@champion'"))
            pinned = run(augur, "build", service, "-o", work / "mlflow.tar", "--binary", augur, "--tag", "augur-loan:mlflow",
                         env={**store_env, "AUGUR_HOME": str(work / "mlflow-home")})
            check("augur build with an MLflow reference", pinned.returncode == 0, pinned.stderr)
            if pinned.returncode == 0:
                answer, log = load_and_answer(work / "mlflow.tar", "augur-loan:mlflow", images)
                check("the pinned MLflow reference serves models:/loan@champion's version 1 with no tracking server",
                      isinstance(answer, dict) and answer.get("model") == {"name": "loan", "version": "1"}, f"{answer} {log}")
        else:
            print("skip MLflow pinning (AUGUR_MLFLOW_URI unset; scripts/test.sh starts an MLflow server first)")

        # The registry: open, then with htpasswd.
        registry, port = start_registry(work)
        registries.append(registry)
        target = f"127.0.0.1:{port}/augur/loan:1.0"
        pushed = run(augur, "build", example, "--push", target, "--binary", augur)
        check("augur build --push to docker-registry on loopback", pushed.returncode == 0 and "pushed" in pushed.stdout, pushed.stderr)
        repeat = run(augur, "build", example, "--push", target, "--binary", augur)
        check("a second push uploads no blob again", repeat.returncode == 0 and "0 blobs uploaded, 2 already there" in repeat.stdout, repeat.stdout + repeat.stderr)
        pulled = podman("pull", "--tls-verify=false", target)
        check("podman pull of the pushed image", pulled.returncode == 0, pulled.stderr)
        images.append(target)
        if pulled.returncode == 0:
            serve_and_check(target, "the pulled image")

        htpasswd = work / "htpasswd"
        hashed = run("htpasswd", "-Bbn", "ci", "s3cret")
        htpasswd.write_text(hashed.stdout)
        secured, secure_port = start_registry(work, htpasswd)
        registries.append(secured)
        target = f"127.0.0.1:{secure_port}/augur/loan:auth"
        anonymous = run(augur, "build", example, "--push", target, "--binary", augur, env={**ENV, "HOME": str(work), "DOCKER_CONFIG": str(work / "none")})
        check("an anonymous push to the htpasswd registry is refused, naming the variables", anonymous.returncode != 0
              and "AUGUR_REGISTRY_USERNAME" in anonymous.stderr, anonymous.stdout + anonymous.stderr)
        wrong = run(augur, "build", example, "--push", target, "--binary", augur,
                    env={**ENV, "AUGUR_REGISTRY_USERNAME": "ci", "AUGUR_REGISTRY_PASSWORD": "wrong"})
        check("wrong credentials are refused", wrong.returncode != 0 and "refused the credentials of 'ci'" in wrong.stderr, wrong.stderr)
        docker_config = work / "docker"
        docker_config.mkdir()
        import base64
        (docker_config / "config.json").write_text(json.dumps({"auths": {f"127.0.0.1:{secure_port}": {"auth": base64.b64encode(b"ci:s3cret").decode()}}}))
        authed = run(augur, "build", example, "--push", target, "--binary", augur, env={**ENV, "DOCKER_CONFIG": str(docker_config)})
        check("a push with the credentials of Docker's config.json", authed.returncode == 0, authed.stderr)
        pulled = podman("pull", "--tls-verify=false", "--creds", "ci:s3cret", target)
        check("podman pull with the same credentials", pulled.returncode == 0, pulled.stderr)
        images.append(target)

        # --dockerfile: podman build (buildah) makes the same image from the context.
        context = work / "context"
        written = run(augur, "build", example, "--dockerfile", context, "--binary", augur)
        check("augur build --dockerfile", written.returncode == 0 and (context / "Dockerfile").is_file(), written.stderr)
        built_df = podman("build", "-t", "augur-loan:dockerfile", context)
        check("podman build of the written Dockerfile", built_df.returncode == 0, built_df.stderr[-1500:])
        if built_df.returncode == 0:
            images.append("localhost/augur-loan:dockerfile")
            serve_and_check("augur-loan:dockerfile", "the Dockerfile's image")

        # The Lambda container image, under the runtime interface emulator inside the container.
        lambda_built = run(augur, "build", example, "--lambda", "-o", work / "lambda.tar", "--binary", augur, "--tag", "augur-loan:lambda")
        check("augur build --lambda -o lambda.tar", lambda_built.returncode == 0, lambda_built.stderr)
        if lambda_built.returncode == 0 and RIE.exists():
            podman("load", "-i", work / "lambda.tar")
            images.append("localhost/augur-loan:lambda")
            port = free_port()
            inspected = json.loads(podman("image", "inspect", "augur-loan:lambda").stdout)[0]["Config"]
            entry = inspected["Entrypoint"] + inspected["Cmd"]
            cid = podman("run", "-d", "--read-only", "-v", f"{RIE}:/rie:ro", "--entrypoint", "/rie", "-p", f"127.0.0.1:{port}:8080",
                         "augur-loan:lambda", *entry).stdout.strip()
            event = {"version": "2.0", "routeKey": "POST /loan_status", "rawPath": "/loan_status", "rawQueryString": "",
                     "headers": {"content-type": "application/json"}, "isBase64Encoded": False, "body": BODY.decode(),
                     "requestContext": {"http": {"method": "POST", "path": "/loan_status"}, "requestId": "ci"}}
            answer = None
            for _ in range(100):
                try:
                    request = urllib.request.Request(f"http://127.0.0.1:{port}/2015-03-31/functions/function/invocations",
                                                     data=json.dumps(event).encode(), method="POST")
                    with urllib.request.urlopen(request, timeout=5) as response:
                        answer = json.loads(response.read())
                        break
                except (OSError, urllib.error.URLError):
                    time.sleep(0.05)
            check("the Lambda image answers an API Gateway event under the emulator", isinstance(answer, dict) and answer.get("statusCode") == 200
                  and json.loads(answer.get("body", "{}")).get("prediction") in ("Approved", "Not approved"),
                  f"{answer} {podman('logs', cid).stdout[-800:]}{podman('logs', cid).stderr[-800:]}")
            podman("rm", "-f", cid)

        # Refusals.
        wrong_platform = run(augur, "build", example, "-o", work / "arm.tar", "--binary", augur, "--platform", "linux/arm64")
        check("--platform linux/arm64 with an amd64 binary is refused", wrong_platform.returncode != 0
              and "arm64" in wrong_platform.stderr and not (work / "arm.tar").exists(), wrong_platform.stderr)
    finally:
        for registry in registries:
            registry.terminate()
        for image in images:
            podman("rmi", "-f", image)
        shutil.rmtree(work, ignore_errors=True)
    finish("all image checks")


if __name__ == "__main__":
    main()
