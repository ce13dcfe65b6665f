"""A small API that records every request it receives, for testing the probe's manners:
rate limit, request budget, redirects (same origin, another origin, loops), 5xx storms, a 429 with Retry-After.

    python app.py --port 5000 [--away URL] [--fail-all]

GET /_requests returns what was received (method, path, query, headers, arrival time).
Accepts one Bearer token: the PROBE_TOKEN environment variable.
"""
import argparse
import os
import threading
import time

from flask import Flask, jsonify, redirect, request

RECEIVED = []
LOCK = threading.Lock()


def create_app(away, fail_all):
    app = Flask(__name__)
    token = os.environ.get("PROBE_TOKEN", "")

    @app.before_request
    def record():
        if request.path == "/_requests":
            return None
        with LOCK:
            RECEIVED.append(
                {
                    "t": time.monotonic(),
                    "method": request.method,
                    "path": request.path,
                    "query": request.query_string.decode("latin-1"),
                    "headers": dict(request.headers),
                }
            )
        if fail_all:
            return jsonify(error="down"), 500
        return None

    @app.get("/_requests")
    def received():
        with LOCK:
            return jsonify(RECEIVED)

    @app.get("/health")
    def health():
        return jsonify(status="ok")

    @app.get("/api/items")
    def items():
        if request.headers.get("Authorization") != f"Bearer {token}":
            return jsonify(error="unauthorized"), 401
        return jsonify([{"id": 1, "name": "first"}, {"id": 2, "name": "second"}])

    @app.get("/api/away")
    def away_redirect():
        return redirect(away, code=302)

    @app.get("/api/same")
    def same_redirect():
        return redirect("/api/items", code=302)

    limited_calls = []

    @app.get("/api/limited")
    def limited():
        limited_calls.append(time.monotonic())
        if len(limited_calls) == 1:
            return jsonify(error="slow down"), 429, {"Retry-After": "1"}
        return jsonify(items=[])

    @app.get("/api/loop")
    def loop():
        n = int(request.args.get("n", "0"))
        return redirect(f"/api/loop?n={n + 1}", code=302)

    @app.get("/echo-away")
    def echo_away():
        return jsonify(headers=dict(request.headers))

    @app.get("/openapi.json")
    def spec():
        secured = {"security": [{"bearer": []}]}
        return jsonify(
            {
                "openapi": "3.0.3",
                "info": {"title": "probe target", "version": "1"},
                "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
                "paths": {
                    "/api/items": {"get": secured},
                    "/api/away": {"get": secured},
                    "/api/same": {"get": secured},
                    "/api/loop": {"get": secured},
                    "/api/limited": {"get": secured},
                },
            }
        )

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--away", default="http://127.0.0.1:9/echo-away")
    parser.add_argument("--fail-all", action="store_true")
    args = parser.parse_args()
    import waitress

    waitress.serve(create_app(args.away, args.fail_all), host="127.0.0.1", port=args.port, threads=8, ident="probe-target")
