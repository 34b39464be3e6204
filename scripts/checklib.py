"""What the end-to-end check scripts share: a free loopback port, a JSON call to 127.0.0.1, and
`ok`/`FAIL` lines counted into an exit status."""
import json
import socket
import sys
import urllib.error
import urllib.request

FAILURES = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, path, body=None, method=None):
    """(status, body bytes) of a request to 127.0.0.1:port; a JSON body when one is given."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f"\n     {str(detail)[:1500]}"))
    if not ok:
        FAILURES.append(name)


def finish(what):
    """Prints the summary and exits: 1 when any check failed."""
    print(f"{len(FAILURES)} failed" if FAILURES else f"{what} passed")
    sys.exit(1 if FAILURES else 0)
