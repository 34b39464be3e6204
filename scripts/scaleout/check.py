#!/usr/bin/env python3
"""Scale-out without a Kubernetes control plane: three `augur serve` replicas on loopback
behind a real HAProxy (Debian's), sharing one model store. A bounded load runs (4 keep-alive
clients) while the store's `production` alias moves from version 1 to version 2 and the
replicas are restarted one at a time, as a rolling update does (SIGTERM, Augur drains, a new
process, ready again). Zero failed requests, and every answer names a version that was live.

  scripts/scaleout/check.py AUGUR_BINARY
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BODY = json.dumps({"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"})


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port, seconds=20):
    end = time.time() + seconds
    while time.time() < end:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.05)
    return False


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    augur = str(Path(sys.argv[1]).resolve())
    work = Path(tempfile.mkdtemp(prefix="augur-scaleout-"))
    store = work / "store"
    env = {**os.environ, "AUGUR_HOME": str(work / "home")}
    model = ROOT / "examples" / "loan" / "model.onnx"
    for _ in range(2):
        subprocess.run([augur, "models", "import", str(model), "--name", "loan", "--store", str(store)], check=True, capture_output=True, env=env)
    subprocess.run([augur, "models", "alias", "loan:1", "production", "--store", str(store)], check=True, capture_output=True, env=env)
    config = work / "service"
    config.mkdir()
    text = (ROOT / "examples" / "loan" / "augur.yaml").read_text().replace("loan: {path: model.onnx, reference: train.csv}", "loan: loan@production")
    (config / "augur.yaml").write_text("server:\n  reload_interval: 0.2\n  drain_timeout: 5\n" + text)

    ports = [free_port() for _ in range(3)]
    replicas = {}

    def start(i):
        replicas[i] = subprocess.Popen([augur, "serve", str(config), "--port", str(ports[i]), "--store", str(store), "--log-level", "error"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        if not wait_ready(ports[i]):
            raise SystemExit(f"replica {i} did not become ready")

    front = free_port()
    haproxy_cfg = work / "haproxy.cfg"
    servers = "\n".join(f"    server r{i} 127.0.0.1:{p} check inter 100ms fall 1 rise 2" for i, p in enumerate(ports))
    haproxy_cfg.write_text(f"""global
    maxconn 256
defaults
    mode http
    timeout connect 1s
    timeout client 10s
    timeout server 10s
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout 503
    option http-keep-alive
frontend augur
    bind 127.0.0.1:{front}
    default_backend replicas
backend replicas
    balance roundrobin
    option httpchk GET /readyz
{servers}
""")
    haproxy = None
    results = {"ok": 0, "failed": [], "versions": set(), "recent": set()}
    lock = threading.Lock()
    stop = threading.Event()

    def client():
        connection = None
        while not stop.is_set():
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", front, timeout=10)
                connection.request("POST", "/loan_status", BODY, {"Content-Type": "application/json"})
                response = connection.getresponse()
                body = response.read()
                version = response.getheader("X-Model-Version")
                with lock:
                    if response.status == 200 and json.loads(body).get("model", {}).get("version") == version:
                        results["ok"] += 1
                        results["versions"].add(version)
                        results["recent"].add(version)
                    else:
                        results["failed"].append((response.status, body[:200]))
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    results["failed"].append(("exception", repr(error)))
                connection = None

    try:
        for i in range(3):
            start(i)
        haproxy = subprocess.Popen(["haproxy", "-f", str(haproxy_cfg), "-db"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        end = time.time() + 10
        while time.time() < end:
            try:
                socket.create_connection(("127.0.0.1", front), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        time.sleep(0.5)
        threads = [threading.Thread(target=client, daemon=True) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(2)
        before = results["ok"]
        subprocess.run([augur, "models", "alias", "loan:2", "production", "--store", str(store)], check=True, capture_output=True, env=env)
        time.sleep(1.5)
        for i in range(3):  # the rolling update
            replicas[i].send_signal(signal.SIGTERM)
            replicas[i].wait(15)
            start(i)
            time.sleep(0.5)
        time.sleep(1)
        with lock:  # after the rolling update, only the new version answers
            results["recent"] = set()
            mark = results["ok"]
        time.sleep(1)
        stop.set()
        for t in threads:
            t.join(15)
        ok, failed, versions = results["ok"], results["failed"], results["versions"]
        recent = results["recent"]
        print(f"{ok} answered, {len(failed)} failed; versions seen {sorted(versions)}, after the rolling update {sorted(recent)}; "
              f"{before} answered before the alias moved")
        passed = not failed and versions <= {"1", "2"} and recent == {"2"} and ok > mark
        if failed:
            print("failures:", failed[:5])
        print("scale-out check " + ("passed" if passed else "failed"))
        sys.exit(0 if passed else 1)
    finally:
        stop.set()
        if haproxy:
            haproxy.terminate()
            haproxy.wait(5)
        for p in replicas.values():
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
