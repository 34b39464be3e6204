"""Sends N identical keep-alive POSTs on one connection and checks every answer is 200.

    python3 bench/profile_load.py PORT PATH N [BODY_FILE]

Used by bench/profile.sh (callgrind instructions per request); the body defaults to the
HTTP benchmark's loan applicant.
"""
import json
import socket
import sys

BODY = {"ApplicantIncome": 5849, "CoapplicantIncome": 0, "LoanAmount": 128, "Credit_History": 1,
        "Property_Area": "Urban"}


def main() -> None:
    port, path, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    body = open(sys.argv[4], "rb").read() if len(sys.argv) > 4 else json.dumps(BODY).encode()
    request = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    s = socket.create_connection(("127.0.0.1", port), timeout=120)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = b""
    last = b""
    for _ in range(n):
        s.sendall(request)
        while b"\r\n\r\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                sys.exit("connection closed")
            buf += chunk
        head, buf = buf.split(b"\r\n\r\n", 1)
        status = head.split(b" ", 2)[1]
        length = next(int(l.split(b":", 1)[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:"))
        while len(buf) < length:
            buf += s.recv(65536)
        last, buf = buf[:length], buf[length:]
        if status != b"200":
            sys.exit(f"status {status!r}: {last!r}")
    print(last.decode())


if __name__ == "__main__":
    main()
