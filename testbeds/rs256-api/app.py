"""An RS256 API that publishes its public key as a JWKS, for the algorithm-confusion check.

    python app.py --port 5000 [--vulnerable]

With --vulnerable, the verifier trusts the token's `alg`: an HS256 token is checked with
HMAC using the public key's PEM as the secret (what old JWT libraries did), so anyone who
reads /.well-known/jwks.json can mint tokens. Without it, only RS256 is accepted.
POST /api/login {"user": "alice"} issues a token (no password: this app tests tokens only).
"""
import argparse
import base64
import datetime
import hashlib
import hmac
import json

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, abort, jsonify, request

USERS = {"alice": {"id": 1, "email": "alice@rs.test"}, "bob": {"id": 2, "email": "bob@rs.test"}}


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def create_app(vulnerable):
    app = Flask(__name__)
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = private.public_key()
    public_pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    numbers = public.public_numbers()

    def verify(token):
        if not vulnerable:
            return jwt.decode(token, public, algorithms=["RS256"])
        header_b64, payload_b64, sig_b64 = token.split(".")
        header = json.loads(b64url_decode(header_b64))
        if header.get("alg") == "HS256":
            expected = hmac.new(public_pem, f"{header_b64}.{payload_b64}".encode(), hashlib.sha256).digest()
            if not hmac.compare_digest(expected, b64url_decode(sig_b64)):
                raise jwt.InvalidSignatureError("bad signature")
            return json.loads(b64url_decode(payload_b64))
        return jwt.decode(token, public, algorithms=["RS256"])

    def current_user():
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            abort(401)
        try:
            claims = verify(token.strip())
        except Exception:
            abort(401)
        user = next((u for u in USERS.values() if str(u["id"]) == str(claims.get("sub"))), None)
        if user is None:
            abort(401)
        return user

    @app.after_request
    def no_store(response):
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(401)
    @app.errorhandler(404)
    def error(exc):
        return jsonify(error=exc.name.lower()), exc.code

    @app.get("/health")
    def health():
        return jsonify(status="ok")

    @app.get("/.well-known/jwks.json")
    def jwks():
        n = numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")
        e = numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")
        return jsonify(keys=[{"kty": "RSA", "kid": "k1", "alg": "RS256", "use": "sig", "n": b64url(n), "e": b64url(e)}])

    @app.post("/api/login")
    def login():
        user = USERS.get((request.get_json(silent=True) or {}).get("user", ""))
        if user is None:
            abort(401)
        now = datetime.datetime.now(datetime.timezone.utc)
        claims = {"sub": str(user["id"]), "iat": now, "exp": now + datetime.timedelta(minutes=15)}
        return jsonify(access_token=jwt.encode(claims, private, algorithm="RS256", headers={"kid": "k1"}))

    @app.get("/api/me")
    def me():
        return jsonify(current_user())

    @app.get("/openapi.json")
    def spec():
        return jsonify(
            {
                "openapi": "3.0.3",
                "info": {"title": "rs256", "version": "1"},
                "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
                "paths": {
                    "/health": {"get": {"security": []}},
                    "/api/me": {"get": {"security": [{"bearer": []}]}},
                },
            }
        )

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--vulnerable", action="store_true")
    args = parser.parse_args()
    import waitress

    waitress.serve(create_app(args.vulnerable), host="127.0.0.1", port=args.port, threads=4, ident="rs256")
