"""A notes API whose description drifted from its code (the inventory rules' testbed).

- `GET /api/debug/config` is served, open, and missing from openapi.json (SC270);
- openapi.json still documents `GET /api/reports/{report_id}`, removed from the code (SC271);
- openapi.json declares bearer auth on `POST /api/feedback`, which checks nothing (SC272);
- `GET /api/v1/users/{user_id}` (deprecated) still answers without the token v2 requires (SC273);
- `GET /api/notes/mine` is not documented but only redirects to the documented listing: an
  alias, silent when the running app shows it;
- `POST /api/beta/imports` is registered only when DRIFT_BETA is set (never in the tests):
  undocumented for the code alone, absent from the running app (its OPTIONS answers 404).

Tokens: `Authorization: Bearer <token>` with the tokens of DRIFT_TOKENS (`alice:TOKEN,bob:TOKEN`).
"""
import argparse
import json
import os
from functools import wraps

from flask import Flask, abort, g, jsonify, redirect, request, send_file, url_for

HERE = os.path.dirname(os.path.abspath(__file__))
USERS = {1: {"id": 1, "name": "alice", "email": "alice@drift.test"}, 2: {"id": 2, "name": "bob", "email": "bob@drift.test"}}
NOTES = {1: {"id": 1, "owner": 1, "text": "alice's note"}, 2: {"id": 2, "owner": 2, "text": "bob's note"}}
FEEDBACK = []


def tokens():
    pairs = (p.split(":", 1) for p in os.environ.get("DRIFT_TOKENS", "").split(",") if ":" in p)
    names = {u["name"]: uid for uid, u in USERS.items()}
    return {token: names[name] for name, token in pairs if name in names}


def require_token(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        user_id = tokens().get(token) if scheme.lower() == "bearer" else None
        if user_id is None:
            abort(401)
        g.user_id = user_id
        return view(*args, **kwargs)

    return wrapper


def create_app():
    app = Flask(__name__)

    @app.get("/health")
    def health():
        return jsonify(status="ok")

    @app.get("/openapi.json")
    def openapi():
        return send_file(os.path.join(HERE, "openapi.json"), mimetype="application/json")

    @app.get("/api/notes")
    @require_token
    def list_notes():
        return jsonify([n for n in NOTES.values() if n["owner"] == g.user_id])

    # Not in the description, but only a redirect to the documented listing: an alias,
    # not a shadow endpoint (the running app shows it; the code alone cannot).
    @app.get("/api/notes/mine")
    @require_token
    def my_notes():
        return redirect(url_for("list_notes"))

    @app.get("/api/v2/users/<int:user_id>")
    @require_token
    def user_v2(user_id):
        if user_id != g.user_id:
            abort(404)
        return jsonify(USERS.get(user_id) or abort(404))

    @app.get("/api/v1/users/<int:user_id>")
    def user_v1(user_id):
        # The old mobile app never sent a token; kept "for a few more weeks".
        return jsonify(USERS.get(user_id) or abort(404))

    @app.post("/api/feedback")
    def feedback():
        FEEDBACK.append((request.get_json(silent=True) or {}).get("text", ""))
        return jsonify(received=len(FEEDBACK)), 201

    @app.get("/api/debug/config")
    def debug_config():
        return jsonify({k: str(v) for k, v in app.config.items() if k.isupper() and "SECRET" not in k})

    if os.environ.get("DRIFT_BETA"):
        # Registered only when a setting turns it on (off in the tests): the code names it,
        # the running app has no such route.
        @app.post("/api/beta/imports")
        @require_token
        def beta_imports():
            return jsonify(imported=0), 201

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=5000)
    create_app().run(host="127.0.0.1", port=parser.parse_args().port)
