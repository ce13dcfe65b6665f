#!/usr/bin/env python3
"""A hostile HTTP target for spillcheck's own robustness tests. Raw sockets, so it can
misbehave in ways a framework would not allow.

    python server.py PORT

Every path below is listed in /openapi.json, so a probe visits them all:

  /ok              a normal JSON record (the control)
  /slow            answers after 60 s (the client's timeout must hold)
  /slowloris       promises 1 MB, sends one byte every 0.5 s
  /endless         chunked body that never ends (the body cap must hold)
  /huge            Content-Length of 5 GB, streamed until the client leaves
  /gzip-bomb       Content-Encoding: gzip, 1 MB on the wire, 1 GB decompressed
  /deflate-bomb    the same as raw deflate
  /many-headers    5000 response headers
  /malformed       not HTTP at all
  /bad-length      Content-Length: banana
  /tcp-rst         headers, part of the body, then a TCP reset (not `/reset`: the probe never
                   sends a GET whose path says it resets data)
  /close-early     headers promising 100 kB, 10 bytes, then a clean close
  /retry-after     429 with Retry-After: 3600 (the pause must be capped)
  /redirect-loop   302 to itself, forever
  /huge-header     one header of 1 MB
  /binary          random bytes labelled application/json

GET /_requests lists what was asked (method, path, whether Authorization was sent).
"""
import gzip
import json
import os
import socket
import struct
import sys
import threading
import time
import zlib

PATHS = ["/ok", "/slow", "/slowloris", "/endless", "/huge", "/gzip-bomb", "/deflate-bomb",
         "/many-headers", "/malformed", "/bad-length", "/tcp-rst", "/close-early", "/retry-after",
         "/redirect-loop", "/huge-header", "/binary"]
LOG = []
LOCK = threading.Lock()


def _bomb(kind):
    """1 GB of zeros compressed: 100 MB compressed once, the member repeated."""
    zeros = bytes(1 << 20)
    if kind == "gzip":
        member = gzip.compress(zeros * 100, compresslevel=9)
        return member * 10  # concatenated gzip members are one valid gzip stream
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = bytearray()
    for _ in range(1000):
        out += comp.compress(zeros)
    out += comp.flush()
    return bytes(out)


BOMBS = {}


def spec():
    return {
        "openapi": "3.0.3",
        "info": {"title": "hostile", "version": "1"},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": {p: {"get": {"responses": {"200": {"description": "ok"}}}} for p in PATHS},
    }


def head(status, headers, reason="OK"):
    lines = [f"HTTP/1.1 {status} {reason}"] + [f"{k}: {v}" for k, v in headers] + ["", ""]
    return "\r\n".join(lines).encode()


def send_json(conn, status, value):
    body = json.dumps(value).encode()
    conn.sendall(head(status, [("Content-Type", "application/json"), ("Content-Length", len(body)),
                               ("Connection", "close")]) + body)


def handle(conn):
    conn.settimeout(120)
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            return
        data += chunk
    request_line, _, rest = data.partition(b"\r\n")
    parts = request_line.decode("latin-1").split(" ")
    method, path = (parts + ["", ""])[:2]
    path = path.split("?")[0]
    has_auth = b"\nauthorization:" in data.lower()
    with LOCK:
        LOG.append({"method": method, "path": path, "auth": has_auth})
    try:
        route(conn, path)
    except (BrokenPipeError, ConnectionResetError, socket.timeout, OSError):
        pass


def route(conn, path):
    if path == "/openapi.json":
        send_json(conn, 200, spec())
    elif path == "/_requests":
        with LOCK:
            send_json(conn, 200, list(LOG))
    elif path == "/ok":
        # A record, not a bare `{"ok": true}`: a short constant without data is not
        # reported as an open route, and this control must be.
        send_json(conn, 200, {"id": 7, "owner_id": 3, "title": "control record"})
    elif path == "/slow":
        time.sleep(60)
        send_json(conn, 200, {"late": True})
    elif path == "/slowloris":
        conn.sendall(head(200, [("Content-Type", "application/json"), ("Content-Length", 1 << 20)]))
        for _ in range(240):
            conn.sendall(b" ")
            time.sleep(0.5)
    elif path in ("/endless", "/huge"):
        if path == "/endless":
            conn.sendall(head(200, [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")]))
        else:
            conn.sendall(head(200, [("Content-Type", "application/json"), ("Content-Length", 5 << 30)]))
        block = b"[" + b"0," * 32767 + b"0"
        chunk = (b"%x\r\n" % len(block)) + block + b"\r\n" if path == "/endless" else block
        sent = 0
        while sent < (6 << 30):
            conn.sendall(chunk)
            sent += len(chunk)
    elif path in ("/gzip-bomb", "/deflate-bomb"):
        kind = "gzip" if path == "/gzip-bomb" else "deflate"
        body = BOMBS[kind]
        conn.sendall(head(200, [("Content-Type", "application/json"), ("Content-Encoding", kind),
                                ("Content-Length", len(body)), ("Connection", "close")]) + body)
    elif path == "/many-headers":
        headers = [("Content-Type", "application/json"), ("Content-Length", 2), ("Connection", "close")]
        headers += [(f"X-Filler-{i}", "x" * 20) for i in range(5000)]
        conn.sendall(head(200, headers) + b"{}")
    elif path == "/malformed":
        conn.sendall(b"SPILL/9.9 lol\r\n\x00\x01\x02 not http at all \xff\xfe\r\n\r\n" + os.urandom(512))
    elif path == "/bad-length":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: banana\r\n\r\n{}")
    elif path == "/tcp-rst":
        conn.sendall(head(200, [("Content-Type", "application/json"), ("Content-Length", 100000)]) + b"{\"a\": \"" + b"x" * 1000)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    elif path == "/close-early":
        conn.sendall(head(200, [("Content-Type", "application/json"), ("Content-Length", 100000)]) + b"{\"a\": 1, ")
    elif path == "/retry-after":
        conn.sendall(head(429, [("Retry-After", "3600"), ("Content-Length", 0), ("Connection", "close")],
                          "Too Many Requests"))
    elif path == "/redirect-loop":
        conn.sendall(head(302, [("Location", "/redirect-loop"), ("Content-Length", 0), ("Connection", "close")],
                          "Found"))
    elif path == "/huge-header":
        conn.sendall(head(200, [("Content-Type", "application/json"), ("X-Big", "y" * (1 << 20)),
                                ("Content-Length", 2), ("Connection", "close")]) + b"{}")
    elif path == "/binary":
        body = os.urandom(4096)
        conn.sendall(head(200, [("Content-Type", "application/json"), ("Content-Length", len(body)),
                                ("Connection", "close")]) + body)
    else:
        send_json(conn, 404, {"error": "not found"})


def serve(port):
    BOMBS["gzip"] = _bomb("gzip")
    BOMBS["deflate"] = _bomb("deflate")
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(128)
    print("ready", flush=True)
    while True:
        conn, _ = srv.accept()

        def run(c=conn):
            try:
                handle(c)
            finally:
                try:
                    c.close()
                except OSError:
                    pass

        threading.Thread(target=run, daemon=True).start()


if __name__ == "__main__":
    serve(int(sys.argv[1]))
