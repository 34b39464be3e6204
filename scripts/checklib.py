"""What the end-to-end check scripts share: a free loopback port, and `ok`/`FAIL` lines
counted into an exit status."""
import socket
import sys

FAILURES = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f"\n     {str(detail)[:1500]}"))
    if not ok:
        FAILURES.append(name)


def finish(what):
    """Prints the summary and exits: 1 when any check failed."""
    print(f"{len(FAILURES)} failed" if FAILURES else f"{what} passed")
    sys.exit(1 if FAILURES else 0)
