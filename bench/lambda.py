#!/usr/bin/env python3
"""AWS Lambda benchmark: Augur's Lambda function against FastAPI + Mangum, both under the real AWS
Lambda runtime interface emulator (.tools/aws-lambda-rie), on 127.0.0.1 only.

    bench/lambda.sh                                   (sets up the venv, packs the zips, runs this)
    bench/lambda.py --augur NAME=FUNCTION.zip [--augur NAME=ZIP …] --python-venv VENV [--floor]
                    [--rounds 2] [--cold 10] [--warmup 50] [--warm 500] [--quiet-wait 300] [--limit 1200]
                    [--work bench/work/lambda] [--out bench/results/lambda-DATE.json]

Stacks. Each `--augur NAME=ZIP` is a package written by `augur build --lambda` (its own bootstrap
runs `augur lambda` on the packed service). The Python function is bench/lambda_app.py:
bench/http_apps.py's FastAPI + pydantic + onnxruntime loan app (HTTP_BACKEND=onnx, one thread)
behind `Mangum(app, lifespan="off")`, run by AWS's runtime interface client: the bootstrap is
`exec VENV/bin/python -m awslambdaric lambda_app.handler` in a folder holding lambda_app.py,
http_apps.py and examples/loan/model.onnx. Every function gets the same event: an API Gateway
HTTP API (payload 2.0) POST of examples/loan's body to /loan_status. Before measuring, each
function's answer is checked (status 200, the same label and probability as every other stack).
With --floor, also bench/lambda_floor.c (compiled with cc -O2): a C runtime that reads each event
and posts a fixed answer, so its times are the Runtime API hop alone, the floor under the others
(its answer is only checked for status 200).

Measured per stack, per round (stacks take turns in the order given, A B A B, nothing pinned; before
each turn the run waits while a Swift compiler (swift-build, swift-frontend) is running, then for at
most --quiet-wait seconds while other processes keep more than 0.3 cores busy; the CPU in use just
before each turn and an estimate of the CPU other processes used during it are recorded, and named in
the notes when above that):
  1. Cold start, --cold fresh emulator processes: wall time from starting the emulator to the
     first successful answer (client side; the port polled every millisecond), and the
     emulator's `INIT REPORT(durationMs: …)` (the function's init phase).
  2. Warm, on the last of those processes: --warmup invocations, then --warm sequential ones
     over one keep-alive connection: client round trip, the emulator's `REPORT … Duration:`
     (what Lambda bills) and its `INVOKE RTDONE(… duration: …)` (from handing the event to the
     runtime to the runtime's response: the time inside the function), each p50/p99.
  3. Peak RSS: VmHWM of the function's processes (the emulator's children and theirs, summed)
     after the warm run, from /proc/PID/status.
Package sizes: each Augur zip (bytes, unzipped bytes) and the Python function's deployable zip:
the venv's site-packages as pip installed them (with __pycache__, as `pip install -t` leaves them;
without pip, setuptools, pkg_resources, _distutils_hack) plus the function's three files,
written by zipfile at deflate level 6, against Lambda's 250 MB unzipped limit.

Every emulator is started in its own session and stopped (TERM, then KILL, its process group and
the function processes by PID) at the end of its turn, on an error, at the time limit or on
Ctrl-C. The whole run stops measuring at --limit seconds and writes what it has. The environment
is passed on to the emulator and so to the functions (bench/lambda.sh sets OMP_NUM_THREADS=1 and
unsets this workplace's OPENBLAS_* overrides, as bench/run.sh does); AWS_LAMBDA_FUNCTION_TIMEOUT=10
and AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512 are set (the emulator enforces no memory limit).
Writes --out (JSON: facts, sizes, raw samples, summaries) and the same path with .md (tables).
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RIE = ROOT / ".tools" / "aws-lambda-rie"
BODY = {"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}
EVENT = json.dumps({
    "version": "2.0", "routeKey": "POST /loan_status", "rawPath": "/loan_status", "rawQueryString": "",
    "headers": {"content-type": "application/json", "accept": "application/json"},
    "requestContext": {"http": {"method": "POST", "path": "/loan_status", "protocol": "HTTP/1.1",
                                "sourceIp": "127.0.0.1", "userAgent": "bench"},
                       "routeKey": "POST /loan_status", "stage": "$default"},
    "body": json.dumps(BODY), "isBase64Encoded": False}).encode()
INVOKE_PATH = "/2015-03-31/functions/function/invocations"
PYTHON_EXCLUDED = ("pip", "setuptools", "pkg_resources", "_distutils_hack", "distutils-precedence.pth")


class Deadline(Exception):
    pass


def log(*args):
    print(f"[{time.strftime('%H:%M:%S')}]", *args, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, q):
    """Nearest rank."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, min(len(ordered), -(-len(ordered) * q // 100)))
    return ordered[int(rank) - 1]


def tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def unzip(zip_path: Path, into: Path):
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            archive.extract(info, into)
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                os.chmod(into / info.filename, mode)


# --- the emulator ---------------------------------------------------------------------------

class Emulator:
    """aws-lambda-rie on 127.0.0.1 running BOOTSTRAP; started in its own session."""

    def __init__(self, bootstrap: Path, task_root: Path, log_path: Path):
        self.port, api = free_port(), free_port()
        self.log_path = log_path
        self.log = open(log_path, "w+")
        env = {**os.environ, "AWS_LAMBDA_FUNCTION_TIMEOUT": "10", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
               "LAMBDA_TASK_ROOT": str(task_root.resolve())}
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [str(RIE), "--runtime-interface-emulator-address", f"127.0.0.1:{self.port}",
             "--runtime-api-address", f"127.0.0.1:{api}", str(bootstrap.resolve())],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=task_root.resolve(),
            start_new_session=True)
        self.function_pids: set[int] = set()
        self.connection: http.client.HTTPConnection | None = None

    def wait_listening(self, limit=10.0):
        end = time.perf_counter() + limit
        while time.perf_counter() < end:
            if self.process.poll() is not None:
                raise RuntimeError(f"the emulator exited ({self.process.returncode}): {self.text()[-1000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.001)
        raise RuntimeError("the emulator did not listen within 10 s")

    def invoke(self) -> bytes:
        """One invocation over a kept-alive connection; the raw answer (checked by the caller)."""
        for attempt in (0, 1):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.connection.request("POST", INVOKE_PATH, body=EVENT, headers={"Content-Type": "application/json"})
                response = self.connection.getresponse()
                data = response.read()
                if response.status != 200:
                    raise RuntimeError(f"the emulator answered {response.status}: {data[:500]!r}")
                return data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
        raise AssertionError

    def children(self) -> list[int]:
        """The emulator's descendants (the function's processes), from /proc."""
        parents: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = open(f"/proc/{entry}/stat").read()
                    parents[int(entry)] = int(stat[stat.rindex(")") + 2:].split()[1])
                except (OSError, ValueError, IndexError):
                    pass
        found, frontier = [], [self.process.pid]
        while frontier:
            pid = frontier.pop()
            kids = [child for child, parent in parents.items() if parent == pid]
            found += kids
            frontier += kids
        self.function_pids.update(found)
        return found

    def memory(self) -> dict:
        pids = self.children()
        total_hwm = total_rss = 0
        names = []
        for pid in pids:
            try:
                fields = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status") if ":" in line)
            except OSError:
                continue
            total_hwm += int(fields.get("VmHWM", "0 kB").split()[0])
            total_rss += int(fields.get("VmRSS", "0 kB").split()[0])
            names.append(fields.get("Name", "?").strip())
        return {"pids": pids, "names": names, "vmhwm_kb": total_hwm, "vmrss_kb": total_rss}

    def text(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def wait_for_reports(self, count: int, limit=3.0):
        end = time.perf_counter() + limit
        while time.perf_counter() < end:
            if self.text().count("REPORT RequestId:") >= count:
                return
            time.sleep(0.02)

    def close(self) -> str:
        if self.connection is not None:
            self.connection.close()
        if self.process.poll() is None:
            self.children()
        for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            if self.process.poll() is not None:
                break
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(wait)
            except subprocess.TimeoutExpired:
                pass
        for pid in self.function_pids:  # the emulator kills its runtime; make sure, by PID
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.log.close()
        return self.log_path.read_text(errors="replace")


INIT_REPORT = re.compile(r"INIT REPORT\(durationMs: ([0-9.]+)")
REPORT = re.compile(r"REPORT RequestId: \S+\t(?:Init Duration: [0-9.]+ ms\t)?Duration: ([0-9.]+) ms")
RTDONE = re.compile(r"INVOKE RTDONE\(status: (\w+).*?duration: ([0-9.]+)ms\)")


def answer_of(raw: bytes) -> dict:
    event = json.loads(raw)
    if not isinstance(event, dict) or event.get("statusCode") != 200:
        raise RuntimeError(f"not a 200 answer: {raw[:500]!r}")
    body = json.loads(event["body"])
    return {"prediction": body["prediction"], "probability": round(float(body["probability"]), 6)}


# --- the stacks -----------------------------------------------------------------------------

class Stack:
    def __init__(self, name, label, bootstrap: Path, task_root: Path, kind):
        self.name, self.label, self.bootstrap, self.task_root, self.kind = name, label, bootstrap, task_root, kind


def python_function(work: Path, venv: Path) -> Stack:
    folder = work / "python-function"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "bench" / "lambda_app.py", folder)
    shutil.copy(ROOT / "bench" / "http_apps.py", folder)
    shutil.copy(ROOT / "examples" / "loan" / "model.onnx", folder)
    bootstrap = folder / "bootstrap"
    bootstrap.write_text("#!/bin/sh\n# bench/lambda.py: FastAPI + Mangum under AWS's Python runtime interface client.\n"
                         f'cd "$(dirname "$0")"\nexport PYTHONPATH="$PWD"\n'
                         f"exec {venv.resolve()}/bin/python -m awslambdaric lambda_app.handler\n")
    bootstrap.chmod(0o755)
    return Stack("python", "FastAPI + Mangum (onnxruntime)", bootstrap, folder, "python")


def floor_function(work: Path) -> Stack:
    """bench/lambda_floor.c, compiled here: a C runtime answering a fixed body (the Runtime API floor)."""
    folder = work / "floor-function"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        raise RuntimeError("no C compiler (cc) for the Runtime API floor")
    subprocess.run([compiler, "-O2", "-o", str(folder / "bootstrap"), str(ROOT / "bench" / "lambda_floor.c")],
                   check=True, capture_output=True, text=True, timeout=120)
    return Stack("floor", "Runtime API floor (C, fixed answer, no work)", folder / "bootstrap", folder, "floor")


def python_package(work: Path, venv: Path, function: Path) -> dict:
    """The Python function's deployable zip: site-packages (less pip's own tools) + the function."""
    site = next((venv / "lib").glob("python3*/site-packages"))
    out = work / "python-function.zip"
    unzipped = unzipped_nocache = 0
    per_top: dict[str, int] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(site.rglob("*")):
            rel = path.relative_to(site)
            top = rel.parts[0]
            if any(top == ex or top.startswith(ex + "-") and top.endswith(".dist-info") for ex in PYTHON_EXCLUDED):
                continue
            if path.is_dir() or path.is_symlink():
                continue
            archive.write(path, str(rel))
            size = path.stat().st_size
            unzipped += size
            if "__pycache__" not in rel.parts:
                unzipped_nocache += size
            key = top.split("-")[0] if top.endswith(".dist-info") else top
            per_top[key] = per_top.get(key, 0) + size
        for name in ("lambda_app.py", "http_apps.py", "model.onnx"):
            archive.write(function / name, name)
            unzipped += (function / name).stat().st_size
            unzipped_nocache += (function / name).stat().st_size
    largest = dict(sorted(per_top.items(), key=lambda kv: -kv[1])[:8])
    return {"zip": str(out), "bytes": out.stat().st_size, "unzipped_bytes": unzipped,
            "unzipped_bytes_without_pycache": unzipped_nocache, "largest_unzipped": largest}


# --- measuring ------------------------------------------------------------------------------

def busy_cores(seconds=1.0) -> float:
    """CPU in use by anything (in cores) over SECONDS, from /proc/stat; the harness itself is idle then."""
    def sample():
        fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
        return sum(fields), fields[3] + fields[4]  # total, idle + iowait
    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    return round((1 - (idle1 - idle0) / max(1, total1 - total0)) * (os.cpu_count() or 1), 2)


def cpu_jiffies() -> int:
    """Busy CPU time of the whole machine so far, in clock ticks."""
    fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return sum(fields) - fields[3] - fields[4]


def own_cpu_seconds() -> float:
    import resource
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                  resource.getrusage(resource.RUSAGE_CHILDREN)))


def wait_for_quiet_machine(deadline, quiet_wait: float, threshold=0.3) -> dict:
    """Waits while a Swift compiler (swift-build, swift-frontend) runs (another engineer may be building
    in this checkout), without limit but the deadline; then while other processes keep more than
    THRESHOLD cores busy, for at most QUIET_WAIT seconds (then measures anyway, and says so)."""
    waited = 0
    while any(subprocess.run(["pgrep", "-f", name], capture_output=True).returncode == 0
              for name in ("swift-build", "swift-frontend")):
        if waited == 0:
            log("a Swift compiler is running: waiting for it to finish before measuring")
        if time.time() > deadline:
            raise Deadline("a Swift compiler was still running at the time limit")
        time.sleep(10)
        waited += 10
    start = time.time()
    busy = busy_cores()
    while busy > threshold and time.time() - start < quiet_wait and time.time() + 5 < deadline:
        if time.time() - start < 1.5:
            log(f"other processes keep {busy} cores busy: waiting up to {quiet_wait:.0f} s for a quiet machine")
        time.sleep(4)
        busy = busy_cores()
    return {"waited_for_compiler_s": waited, "waited_for_quiet_s": round(time.time() - start - 1, 1),
            "busy_cores_before": busy}


def cold_start(stack: Stack, log_path: Path, expected: dict | None):
    emulator = Emulator(stack.bootstrap, stack.task_root, log_path)
    try:
        emulator.wait_listening()
        raw = emulator.invoke()
        wall_ms = (time.perf_counter() - emulator.started) * 1000
        answer = answer_of(raw)
        if expected is not None and answer != expected:
            raise RuntimeError(f"{stack.name} answered {answer}, expected {expected}")
        emulator.wait_for_reports(1)
        match = INIT_REPORT.search(emulator.text())
        return emulator, wall_ms, (float(match.group(1)) if match else None), answer
    except BaseException:
        emulator.close()
        raise


def warm_run(emulator: Emulator, warmup: int, count: int, expected: dict, deadline: float) -> dict:
    for _ in range(warmup):
        emulator.invoke()
    client_ms = []
    answers = []
    for _ in range(count):
        if time.time() > deadline:
            raise Deadline("time limit during the warm run")
        start = time.perf_counter()
        raw = emulator.invoke()
        client_ms.append((time.perf_counter() - start) * 1000)
        answers.append(raw)
    decoded = [answer_of(raw) for raw in answers]  # raises on anything but a 200 answer
    wrong = 0 if expected is None else sum(1 for answer in decoded if answer != expected)
    if wrong:
        raise RuntimeError(f"{wrong} of {count} warm answers differ from {expected}")
    memory = emulator.memory()
    total = 1 + warmup + count
    emulator.wait_for_reports(total)
    text = emulator.text()
    reports = [float(m.group(1)) for m in REPORT.finditer(text)]
    rtdone = [(m.group(1), float(m.group(2))) for m in RTDONE.finditer(text)]
    if len(reports) != total or len(rtdone) != total:
        log(f"warning: {len(reports)} REPORT and {len(rtdone)} RTDONE lines for {total} invocations")
    failures = sum(1 for status, _ in rtdone if status != "success")
    in_function = [d for _, d in rtdone[-count:]]
    billed = reports[-count:]
    return {
        "client_ms": client_ms, "report_duration_ms": billed, "rtdone_duration_ms": in_function,
        "memory": memory, "function_errors": failures,
        "client_p50": percentile(client_ms, 50), "client_p99": percentile(client_ms, 99),
        "report_p50": percentile(billed, 50), "report_p99": percentile(billed, 99),
        "rtdone_p50": percentile(in_function, 50), "rtdone_p99": percentile(in_function, 99),
        "peak_rss_mb": round(memory["vmhwm_kb"] / 1024, 1),
    }


def measure_stack(stack: Stack, args, round_no: int, expected: dict, deadline: float) -> dict:
    logs = args.work / "logs"
    walls, inits = [], []
    emulator = None
    try:
        for i in range(args.cold):
            if time.time() > deadline:
                raise Deadline(f"time limit during {stack.name}'s cold starts")
            if emulator is not None:
                emulator.close()
                emulator = None
            emulator, wall, init, _ = cold_start(stack, logs / f"{stack.name}-r{round_no}-cold{i}.log", expected)
            walls.append(round(wall, 3))
            inits.append(init)
        warm = warm_run(emulator, args.warmup, args.warm, expected, deadline)
    finally:
        if emulator is not None:
            emulator.close()
    valid_inits = [x for x in inits if x is not None]
    return {"cold_wall_ms": walls, "init_ms": inits,
            "wall_median": statistics.median(walls), "wall_max": max(walls),
            "init_median": statistics.median(valid_inits) if valid_inits else None,
            "init_max": max(valid_inits) if valid_inits else None, **warm}


# --- facts and report -----------------------------------------------------------------------

def facts(args, augur_zips) -> dict:
    def cmd(*argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip()
        except Exception as e:  # noqa: BLE001
            return f"unavailable ({e})"
    versions = cmd(str(args.python_venv / "bin" / "python"), "-c",
                   "import json, platform; from importlib.metadata import version as v; print(json.dumps({'python': platform.python_version(), "
                   "**{k: v(k) for k in ('fastapi','starlette','pydantic','mangum','awslambdaric','onnxruntime','numpy')}}))")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
    binaries = {}
    for name, path in augur_zips.items():
        with zipfile.ZipFile(path) as archive:
            data = archive.read("augur")
        binaries[name] = {"zip": str(path), "augur_bytes": len(data), "augur_sha256": hashlib.sha256(data).hexdigest()[:16],
                          "static": "lib/ld-linux-x86-64.so.2" not in zipfile.ZipFile(path).namelist()}
    return {"nproc": os.cpu_count(), "cpu_model": cpu, "kernel": platform.release(), "pinned": False,
            "python_stack": json.loads(versions) if versions.startswith("{") else versions,
            "emulator": str(RIE), "emulator_sha256": hashlib.sha256(RIE.read_bytes()).hexdigest()[:16],
            "git_commit": cmd("git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"),
            "augur_packages": binaries, "load_average_start": open("/proc/loadavg").read().split()[:3],
            "rounds": args.rounds, "cold": args.cold, "warmup": args.warmup, "warm": args.warm}


def fmt(x, digits=1):
    if x is None:
        return "–"
    return f"{x:,.{digits}f}"


def ratio(a, b):
    return None if a is None or b in (None, 0) else a / b


def markdown(result) -> str:
    stacks = result["stacks"]
    rounds = result["rounds"]
    sizes = result["sizes"]
    lines = ["| stack | init ms median / max | first answer ms median / max | warm in function p50 / p99 ms | "
             "warm billed Duration p50 / p99 ms | warm round trip p50 / p99 ms | peak RSS MB | package MiB (unzipped MB) |",
             "|---|---|---|---|---|---|---|---|"]
    for name, label in stacks.items():
        cells = {k: [] for k in ("init", "wall", "fn", "billed", "rt", "rss")}
        for r in rounds:
            m = r.get(name)
            if not m or "error" in m:
                continue
            cells["init"].append(f"{fmt(m['init_median'])} / {fmt(m['init_max'])}")
            cells["wall"].append(f"{fmt(m['wall_median'])} / {fmt(m['wall_max'])}")
            cells["fn"].append(f"{fmt(m['rtdone_p50'], 2)} / {fmt(m['rtdone_p99'], 2)}")
            cells["billed"].append(f"{fmt(m['report_p50'], 2)} / {fmt(m['report_p99'], 2)}")
            cells["rt"].append(f"{fmt(m['client_p50'], 2)} / {fmt(m['client_p99'], 2)}")
            cells["rss"].append(fmt(m["peak_rss_mb"]))
        size = sizes.get(name)
        pkg = f"{fmt(size['bytes'] / 2**20)} ({fmt(size['unzipped_bytes'] / 1e6)})" if size else "–"
        lines.append(f"| {label} | " + " | ".join(" ; ".join(cells[k]) for k in ("init", "wall", "fn", "billed", "rt", "rss"))
                     + f" | {pkg} |")
    lines += ["", "Ratios, Augur ÷ Python (per round; below 1 is Augur smaller or faster):", "",
              "| stack | init median | first answer median | in function p50 | in function p99 | round trip p50 | round trip p99 | peak RSS | package |",
              "|---|---|---|---|---|---|---|---|---|"]
    for name, label in stacks.items():
        if name in ("python", "floor"):
            continue
        cells = {k: [] for k in range(7)}
        for r in rounds:
            a, p = r.get(name), r.get("python")
            if not a or not p or "error" in a or "error" in p:
                continue
            for k, key in enumerate(("init_median", "wall_median", "rtdone_p50", "rtdone_p99", "client_p50", "client_p99", "peak_rss_mb")):
                cells[k].append(fmt(ratio(a[key], p[key]), 3))
        pkg = ratio(sizes.get(name, {}).get("bytes"), sizes.get("python", {}).get("bytes"))
        lines.append(f"| {label} | " + " | ".join(" ; ".join(cells[k]) for k in range(7)) + f" | {fmt(pkg, 3)} |")
    return "\n".join(lines) + "\n"


def interrupted(signum, frame):
    raise KeyboardInterrupt


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--augur", action="append", required=True, help="NAME=ZIP (repeatable); NAME may carry a label after a colon")
    parser.add_argument("--python-venv", type=Path, required=True)
    parser.add_argument("--floor", action="store_true",
                        help="also measure bench/lambda_floor.c (compiled with cc): the Runtime API hop alone")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--cold", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--warm", type=int, default=500)
    parser.add_argument("--quiet-wait", type=float, default=300,
                        help="seconds to wait, before each turn, for other processes to leave the CPU (below 0.3 cores busy)")
    parser.add_argument("--limit", type=float, default=1200, help="seconds for the whole run")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work" / "lambda")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / f"lambda-{time.strftime('%Y-%m-%d-%H%M', time.gmtime())}.json")
    args = parser.parse_args()
    started = time.time()
    deadline = started + args.limit
    if not RIE.exists():
        sys.exit(f"{RIE} is missing; run scripts/setup-venv.sh")
    args.work.mkdir(parents=True, exist_ok=True)
    (args.work / "logs").mkdir(exist_ok=True)
    signal.signal(signal.SIGTERM, interrupted)

    stacks: list[Stack] = []
    sizes: dict[str, dict] = {}
    augur_zips: dict[str, Path] = {}
    for spec in args.augur:
        name, _, path = spec.partition("=")
        name, _, label = name.partition(":")
        path = Path(path).resolve()
        augur_zips[name] = path
        folder = args.work / f"{name}-function"
        unzip(path, folder)
        stacks.append(Stack(name, label or f"Augur ({name})", folder / "bootstrap", folder, "augur"))
        sizes[name] = {"zip": str(path), "bytes": path.stat().st_size, "unzipped_bytes": tree_size(folder)}
    python = python_function(args.work, args.python_venv)
    stacks.append(python)
    sizes["python"] = python_package(args.work, args.python_venv, python.task_root)
    if args.floor:
        stacks.append(floor_function(args.work))
    for name, size in sizes.items():
        log(f"package {name}: {size['bytes'] / 2**20:.1f} MiB zipped, {size['unzipped_bytes'] / 1e6:.1f} MB unzipped")

    result = {"facts": facts(args, augur_zips), "sizes": sizes, "stacks": {s.name: s.label for s in stacks},
              "rounds": [], "answers": {}, "notes": []}
    try:
        # The answers: every stack must give the same label and probability.
        expected = None
        for stack in stacks:
            emulator, wall, init, answer = cold_start(stack, args.work / "logs" / f"{stack.name}-check.log", None)
            emulator.close()
            result["answers"][stack.name] = answer
            log(f"{stack.name}: {answer} (first answer {wall:.0f} ms, init {init} ms)")
            if stack.kind == "floor":
                continue
            expected = expected or answer
            if answer != expected:
                raise RuntimeError(f"{stack.name} answered {answer}, {stacks[0].name} {expected}")
        result["facts"]["load_average_measuring"] = open("/proc/loadavg").read().split()[:3]
        for round_no in range(1, args.rounds + 1):
            per_stack = {}
            result["rounds"].append(per_stack)
            for stack in stacks:
                quiet = wait_for_quiet_machine(deadline, args.quiet_wait)
                quiet["load_average_before"] = open("/proc/loadavg").read().split()[:3]
                if quiet["busy_cores_before"] > 0.3:
                    result["notes"].append(f"round {round_no}, {stack.name}: measured with {quiet['busy_cores_before']} cores "
                                           "busy with other processes")
                log(f"round {round_no}: {stack.name} ({quiet})")
                cpu0, own0, wall0 = cpu_jiffies(), own_cpu_seconds(), time.time()
                try:
                    m = measure_stack(stack, args, round_no, None if stack.kind == "floor" else expected, deadline)
                except Deadline:
                    raise
                except Exception as error:  # noqa: BLE001 (recorded, the other stacks go on)
                    per_stack[stack.name] = {"error": f"{type(error).__name__}: {error}"}
                    log(f"round {round_no}: {stack.name} failed: {error}")
                    continue
                m["machine_before"] = quiet
                # CPU used during the turn by anything but this run (estimate: all busy CPU less this
                # process and its reaped children, the emulators and through them the functions).
                hz = os.sysconf("SC_CLK_TCK")
                elapsed = time.time() - wall0
                m["other_cores_during"] = round(max(0.0, (cpu_jiffies() - cpu0) / hz - (own_cpu_seconds() - own0)) / elapsed, 2)
                if m["other_cores_during"] > 0.3:
                    result["notes"].append(f"round {round_no}, {stack.name}: other processes used about "
                                           f"{m['other_cores_during']} cores during the turn")
                per_stack[stack.name] = m
                log(f"  init {m['init_median']} / {m['init_max']} ms, first answer {m['wall_median']:.1f} / {m['wall_max']:.1f} ms, "
                    f"in function {m['rtdone_p50']} / {m['rtdone_p99']} ms, billed {m['report_p50']} / {m['report_p99']} ms, "
                    f"round trip {m['client_p50']:.3f} / {m['client_p99']:.3f} ms, peak RSS {m['peak_rss_mb']} MB")
    except Deadline as stop:
        result["notes"].append(f"stopped early: {stop}")
        log(f"stopped early: {stop}")
    except KeyboardInterrupt:
        result["notes"].append("interrupted")
        log("interrupted")
    except Exception as error:
        result["notes"].append(f"failed: {type(error).__name__}: {error}")
        raise
    finally:
        result["facts"]["load_average_end"] = open("/proc/loadavg").read().split()[:3]
        result["facts"]["seconds"] = round(time.time() - started, 1)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1))
        table = markdown(result)
        args.out.with_suffix(".md").write_text(table)
        print(table)
        log(f"wrote {args.out} and {args.out.with_suffix('.md')}")


if __name__ == "__main__":
    main()
