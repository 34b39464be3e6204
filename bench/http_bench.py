#!/usr/bin/env python3
"""Measures the HTTP stacks of bench/run.sh (stdlib only) and writes the raw results as JSON.

Usage: http_bench.py --out RAW.json --stacks augur,hello,fastapi_sklearn,... [options]

Every server is started here, on 127.0.0.1, in its own session, and stopped by its PID (SIGTERM
to the process group it leads, then SIGKILL) when its turn ends, on an error or on Ctrl-C.
Runs are interleaved: round 1 takes the stacks in order, round 2 in reverse, and so on.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BODY = {"ApplicantIncome": 5849, "CoapplicantIncome": 0, "LoanAmount": 128, "Credit_History": 1,
        "Property_Area": "Urban"}
# The Open Inference Protocol body: the loan forest's four model columns as one FP32 [1, 4]
# tensor (JSON; MLServer's HTTP side has no binary extension), for Augur's raw model `loan`
# and MLServer's `loan`.
V2_BODY = {"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "data": [5849, 128, 1, 2]}]}
TICK = os.sysconf("SC_CLK_TCK")


def stack_table(a) -> dict:
    """name -> (command, path, port, extra environment[, body])."""
    py_env = {"HTTP_MODEL": str(a.pickle), "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    uvicorn = [str(a.venv / "bin/python"), "-m", "uvicorn", "bench.http_apps:app", "--host", "127.0.0.1",
               "--workers", "1", "--no-access-log", "--log-level", "warning", "--port"]
    return {
        "augur": ([str(a.augur), "serve", "examples/loan", "--log-level", "warning", "--port"], "/loan_status", 18081, {}),
        "hello": ([str(a.hello), "--port"], "/hello", 18082, {}),
        "fastapi_sklearn": (uvicorn, "/predictions", 18083, {**py_env, "HTTP_BACKEND": "sklearn"}),
        "fastapi_onnxruntime": (uvicorn, "/predictions", 18084,
                                {**py_env, "HTTP_BACKEND": "onnx", "HTTP_MODEL": str(ROOT / "examples/loan/model.onnx")}),
        "bentoml": ([str(a.bento_venv / "bin/bentoml"), "serve", "bench.http_bento:Loan", "--host", "127.0.0.1", "--port"],
                    "/predictions", 18085, py_env),
        "augur_v2": ([str(a.augur), "serve", "examples/loan", "--log-level", "warning", "--port"], "/v2/models/loan/infer", 18086, {},
                     V2_BODY),
        "mlserver": ([str(a.mlserver_venv / "bin/python"), str(ROOT / "bench/http_mlserver.py"), str(a.work)],
                     "/v2/models/loan/infer", 18087, {"OMP_NUM_THREADS": "1"}, V2_BODY),
        # The Open Inference Protocol over gRPC (ModelInfer, the same tensor as protobuf), driven by
        # augur-grpc-load instead of wrk; ready when the HTTP side answers. gRPC port: HTTP + 1000.
        "augur_grpc": ([str(a.augur), "serve", "examples/loan", "--log-level", "warning", "--grpc-port", "19088", "--port"],
                       "/v2/models/loan/infer", 18088, {}, V2_BODY),
        "mlserver_grpc": ([str(a.mlserver_venv / "bin/python"), str(ROOT / "bench/http_mlserver.py"), str(a.work)],
                          "/v2/models/loan/infer", 18089, {"OMP_NUM_THREADS": "1"}, V2_BODY),
    }


def tree(pid: int) -> list[int]:
    """pid and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def cpu_seconds(pid: int) -> float:
    total = 0
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def memory_mb(pid: int, key: str) -> float:
    total = 0
    for p in tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith(key + ":"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


class Server:
    def __init__(self, name: str, spec, log: Path):
        self.name, (self.cmd, self.path, self.port, self.env), self.body = name, spec[:4], (spec[4] if len(spec) > 4 else BODY)
        self.log, self.proc, self.started = log, None, 0

    def start(self) -> None:
        env = {**os.environ, **self.env}
        with open(self.log, "ab") as log:
            self.started = time.perf_counter_ns()
            self.proc = subprocess.Popen(self.cmd + [str(self.port)], cwd=ROOT, env=env, stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)

    def post(self, timeout=2.0) -> tuple[int, bytes]:
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request("POST", self.path, json.dumps(self.body), {"Content-Type": "application/json"})
            r = c.getresponse()
            return r.status, r.read()
        finally:
            c.close()

    def wait_ready(self, limit: float) -> tuple[float, bytes]:
        """ms from launch to the first 200 answer to the benchmark body, and that answer."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log}")
            try:
                status, body = self.post()
                if status == 200:
                    return (time.perf_counter_ns() - self.started) / 1e6, body
                raise RuntimeError(f"{self.name} answered {status}: {body[:300]!r}")
            except (ConnectionError, OSError, http.client.HTTPException):
                time.sleep(0.001)
        raise RuntimeError(f"{self.name} not ready after {limit} s; see {self.log}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = None
            return
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.proc.pid, sig)  # the group this PID leads (its own session)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(wait)
                break
            except subprocess.TimeoutExpired:
                continue
        self.proc = None


def port_free(port: int) -> bool:
    import socket
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def wrk(server: Server, a, conns: int, seconds: float) -> dict:
    cmd = ["wrk", "-t2", f"-c{conns}", f"-d{seconds:g}s", "--timeout", "10s", "-s", str(ROOT / "bench/http_wrk.lua"),
           f"http://127.0.0.1:{server.port}{server.path}"]
    body = a.work / f"body-{server.name}.json"
    body.write_text(json.dumps(server.body))
    return run_load("wrk", cmd, seconds, {**os.environ, "BENCH_BODY": str(body)})


def run_load(tool: str, cmd: list[str], seconds: float, env=None) -> dict:
    """Runs a load generator that ends its output with one JSON line (http_wrk.lua's fields)."""
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 60)
    line = next((l for l in reversed(out.stdout.splitlines()) if l.startswith("{")), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"{tool} failed ({out.returncode}): {(out.stdout + out.stderr)[-300:]}")
    r = json.loads(line)
    r["rps"] = round(r["requests"] / (r["duration_us"] / 1e6), 1)
    return r


def grpc_load(server: Server, a, conns: int, seconds: float) -> dict:
    """augur-grpc-load against the server's gRPC port (HTTP port + 1000): `conns` calls in flight
    over two HTTP/2 connections (as wrk's two threads), the same JSON line as http_wrk.lua."""
    cmd = [str(a.grpc_load), "--port", str(server.port + 1000), "--model", "loan", "--concurrency", str(conns),
           "--connections", "2", "--seconds", f"{seconds:g}", "--warmup", "0"]
    return run_load("augur-grpc-load", cmd, seconds)


def load(server: Server, a, conns: int, seconds: float) -> dict:
    return grpc_load(server, a, conns, seconds) if server.name.endswith("_grpc") else wrk(server, a, conns, seconds)


def measure_round(name: str, server: Server, a, round_: int, log) -> list[dict]:
    records = []
    server.start()
    try:
        launch_ms, answer = server.wait_ready(a.ready_limit)
        time.sleep(1.0)
        idle = memory_mb(server.proc.pid, "VmRSS")
        for conns in a.conns:
            load(server, a, conns, a.warmup)
            cpu0 = cpu_seconds(server.proc.pid)
            r = load(server, a, conns, a.seconds)
            cpu1 = cpu_seconds(server.proc.pid)
            r.update(stack=name, round=round_, conns=conns, launch_ms=round(launch_ms, 1), idle_rss_mb=idle,
                     rss_under_load_mb=memory_mb(server.proc.pid, "VmRSS"), peak_rss_mb=memory_mb(server.proc.pid, "VmHWM"),
                     cpu_us_per_request=round((cpu1 - cpu0) * 1e6 / max(r["requests"], 1), 1),
                     answer=answer.decode(errors="replace")[:300])
            log(f"  {name} c={conns} #{round_}: {r['rps']} req/s p50 {r['p50_us']} µs p99 {r['p99_us']} µs "
                f"errors {r['non_2xx'] + r['connect_errors'] + r['read_errors'] + r['write_errors'] + r['timeouts']} "
                f"cpu {r['cpu_us_per_request']} µs/req")
            records.append(r)
    finally:
        server.stop()
    return records


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("--stacks", required=True)
    p.add_argument("--augur", type=Path, required=True)
    p.add_argument("--hello", type=Path, required=True)
    p.add_argument("--grpc-load", type=Path, required=True)
    p.add_argument("--venv", type=Path, required=True)
    p.add_argument("--bento-venv", type=Path, required=True)
    p.add_argument("--mlserver-venv", type=Path, required=True)
    p.add_argument("--pickle", type=Path, required=True)
    p.add_argument("--seconds", type=float, default=8)
    p.add_argument("--warmup", type=float, default=2)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--launches", type=int, default=5)
    p.add_argument("--conns", default="8,64")
    p.add_argument("--ready-limit", type=float, default=60)
    p.add_argument("--deadline", type=float, default=0, help="epoch seconds after which nothing new starts")
    a = p.parse_args()
    a.conns = [int(c) for c in a.conns.split(",")]
    a.body = a.work / "body.json"
    a.body.write_text(json.dumps(BODY))
    t0 = time.time()

    def log(msg: str) -> None:
        print(f"[{time.time() - t0:5.0f}s] {msg}", file=sys.stderr, flush=True)

    def late() -> bool:
        return bool(a.deadline) and time.time() > a.deadline

    table = stack_table(a)
    names = [n for n in a.stacks.split(",") if n]
    servers = {n: Server(n, table[n], a.work / f"server-{n}.log") for n in names}
    result = {"stacks": names, "conns": a.conns, "seconds": a.seconds, "warmup": a.warmup, "rounds": a.rounds,
              "body": BODY, "v2_body": V2_BODY, "runs": [], "launches": {n: [] for n in names}, "errors": {}}

    def save() -> None:
        a.out.write_text(json.dumps(result, indent=1))

    try:
        for n, s in servers.items():
            if not port_free(s.port):
                raise SystemExit(f"port {s.port} (for {n}) is taken; stop whatever holds it")
        log(f"launch to first prediction ({a.launches} launches each)")
        for i in range(a.launches):
            for n, s in servers.items():
                if late() or n in result["errors"]:
                    continue
                s.start()
                try:
                    ms, _ = s.wait_ready(a.ready_limit)
                    result["launches"][n].append(round(ms, 2))
                except RuntimeError as e:
                    result["errors"][n] = str(e)
                    log(f"  {n}: {e}")
                finally:
                    s.stop()
        for n in names:
            if result["launches"][n]:
                log(f"  {n}: median {statistics.median(result['launches'][n]):.1f} ms {result['launches'][n]}")
        save()
        for r in range(1, a.rounds + 1):
            order = names if r % 2 else list(reversed(names))
            log(f"round {r}: {', '.join(order)}")
            for n in order:
                if late():
                    log(f"  deadline reached; skipping {n}")
                    continue
                if n in result["errors"]:
                    continue
                try:
                    result["runs"] += measure_round(n, servers[n], a, r, log)
                except (RuntimeError, subprocess.TimeoutExpired) as e:
                    result["errors"][n] = str(e)
                    log(f"  {n} FAILED: {e}")
                save()
    except KeyboardInterrupt:
        log("interrupted")
        raise SystemExit(130)
    finally:
        for s in servers.values():
            s.stop()
        save()


def interrupted(*_) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, interrupted)
    main()
