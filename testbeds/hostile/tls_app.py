#!/usr/bin/env python3
"""A TLS target with a self-signed certificate, speaking HTTP/2 (ALPN h2) and HTTP/1.1,
for spillcheck's TLS tests: refused without --insecure, probed over HTTP/2 with it.

    python tls_app.py PORT CERT_DIR

Writes CERT_DIR/cert.pem and key.pem (made fresh), then serves with Hypercorn.
GET /_requests lists (http_version, method, path) of what was asked.
"""
import asyncio
import datetime
import json
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypercorn.asyncio import serve
from hypercorn.config import Config

SEEN = []


def make_cert(folder: Path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "spillcheck-self-signed")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "tls", "version": "1"},
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearer": []}],
    "paths": {"/api/me": {"get": {"responses": {"200": {"description": "ok"}}}}},
}


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    SEEN.append({"http_version": scope["http_version"], "method": scope["method"], "path": scope["path"]})
    headers = dict(scope["headers"])
    if scope["path"] == "/_requests":
        status, body = 200, SEEN
    elif scope["path"] == "/openapi.json":
        status, body = 200, SPEC
    elif scope["path"] == "/api/me":
        ok = headers.get(b"authorization", b"").startswith(b"Bearer ")
        status, body = (200, {"id": 1, "email": "a@example.test"}) if ok else (401, {"error": "token"})
    else:
        status, body = 404, {"error": "not found"}
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})


def main():
    port, folder = int(sys.argv[1]), Path(sys.argv[2])
    folder.mkdir(parents=True, exist_ok=True)
    make_cert(folder)
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.certfile = str(folder / "cert.pem")
    config.keyfile = str(folder / "key.pem")
    config.alpn_protocols = ["h2", "http/1.1"]
    config.accesslog = None
    asyncio.run(serve(app, config))


if __name__ == "__main__":
    main()
