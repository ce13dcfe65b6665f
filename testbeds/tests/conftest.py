"""Starts both testbeds on 127.0.0.1 (free ports) for the whole session."""
import asyncio
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import requests

TESTBEDS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTBEDS))
import login as login_helper  # noqa: E402

# What an attacker knows of each app's signing key: the leaky one is committed in its
# config.py (and cracked from any token); the hardened one is random, known here only
# because the test chose it, so that expired/limited tokens can be forged correctly
# and the test proves the app checks expiry and scope, not just the signature.
LEAKY_JWT_SECRET = "super-secret"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Bed:
    name: str
    url: str
    state: Path
    jwt_secret: str
    pid: int

    @property
    def vulnerable(self):
        return self.name == "leaky-notes"

    @property
    def log(self):
        return self.state / "app.log"

    def token(self, user):
        return login_helper.login(self.url, user)

    def get(self, path, token=None, headers=None, **kw):
        h = dict(headers or {})
        if token:
            h["Authorization"] = f"Bearer {token}"
        return requests.get(self.url + path, headers=h, timeout=10, allow_redirects=False, **kw)

    def send(self, method, path, token=None, **kw):
        h = kw.pop("headers", {})
        if token:
            h["Authorization"] = f"Bearer {token}"
        return requests.request(method, self.url + path, headers=h, timeout=10, allow_redirects=False, **kw)


def start(name, tmp_root):
    port = free_port()
    state = tmp_root / name
    secret = LEAKY_JWT_SECRET if name == "leaky-notes" else secrets.token_urlsafe(48)
    env = dict(os.environ, NOTES_JWT_SECRET=secret)
    out = subprocess.run(
        ["bash", str(TESTBEDS / "run.sh"), name, str(port), str(state)],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{name} did not start: {out.stderr.strip()}")
    return Bed(name=name, url=f"http://127.0.0.1:{port}", state=state, jwt_secret=secret, pid=int(out.stdout.strip()))


@pytest.fixture(scope="session")
def beds(tmp_path_factory):
    root = tmp_path_factory.mktemp("testbeds")
    started = {}
    try:
        for name in ("leaky-notes", "hardened-notes"):
            started[name] = start(name, root)
        yield started
    finally:
        for bed in started.values():
            try:
                os.kill(bed.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass


@pytest.fixture(params=["leaky-notes", "hardened-notes"])
def bed(request, beds):
    return beds[request.param]


class WebhookReceiver:
    """A webhook endpoint on 127.0.0.1 that keeps what it is sent:
    `received` holds (path, content type, body text) per POST."""

    def __init__(self):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length).decode("utf-8", "replace")
                received.append((self.path, self.headers.get("Content-Type"), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver():
    r = WebhookReceiver()
    yield r
    r.close()


def mcp_session(scenario):
    """Runs `scenario(session)` against a fresh `spillcheck mcp` (the official MCP
    client over stdio) and returns its result."""
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    root = TESTBEDS.parent

    async def main():
        params = StdioServerParameters(command=str(root / "target" / "debug" / "spillcheck"), args=["mcp"], cwd=str(root))
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                return await scenario(session)

    return asyncio.run(main())
