"""The API zoo: shapes real Flask APIs have and the other testbeds do not, each planted once
where it is a weakness and once where it is safe. No API description: the probe learns the
operations from the code (`spillcheck scan`) and the bodies from what the handlers read.

    ZOO_TOKENS='alice=TOKEN_A,bob=TOKEN_B' python app.py --port 5000

Planted (see expected.toml):
- GET  /api/users/<username>      string ids: any user reads any profile (email, phone)
- POST /api/transfers             the exception text of a float() on the body is answered
- GET  /api/statements/<period>   the exception text of parsing a path parameter is answered
- POST /api/password/forgot       unknown users get 404, known ones 200 (enumeration)
- POST /api/login                 no rate limit on failed logins (registration needs four
                                  fields, among them an email and a full name)
- GET  /api/keys                  lists the caller's API keys in full (seen once one exists)
Safe (must stay silent):
- POST /api/payments              the same input validated with a message for users
- POST /api/keys                  shows the new key once, to its creator
- POST /api/v2/password/forgot    one answer for every user name
- GET  /api/account/summary       answers 200 {"status": "fail"} to anonymous callers
- GET  /dashboard                 a browser page behind a session login: redirects to
                                  /login?next=... whatever token is sent
- GET  /api/notes/<slug>          owner-checked, slugs as ids
- GET  /api/admin/reseed          wipes the data when called; GET /api/logout revokes the
                                  caller's token; GET /api/maintenance/compact deletes every
                                  note (its code says so, not its path): never to be sent

POST /api/login accepts one shape of credentials, picked by ZOO_LOGIN (json, nested, basic,
form). Tokens from POST /api/login (any user, with `--user NAME:PASSWORD`: alice / alice-pw-7Qx!,
bob / bob-pw-9Tz!) stop working after ZOO_TOKEN_USES requests when that is set, so a scanner
must log in again mid-scan. GET /_logins counts the successful logins.

GET /_requests lists the requests received (method, path), so tests can check what was sent.
"""
import argparse
import os
import secrets

from flask import Flask, abort, g, jsonify, redirect, request, session

RECEIVED = []
LOGINS = []


def seed():
    users = {
        "alice": {"username": "alice", "email": "alice@zoo.test", "phone": "+1 555 0301",
                  "full_name": "Alice Liddell", "password": "alice-pw-7Qx!"},
        "bob": {"username": "bob", "email": "bob@zoo.test", "phone": "+1 555 0302",
                "full_name": "Bob Builder", "password": "bob-pw-9Tz!"},
    }
    notes = {
        "alice-groceries": {"slug": "alice-groceries", "owner": "alice", "body": "apples, pears"},
        "bob-diary": {"slug": "bob-diary", "owner": "bob", "body": "planted tomatoes"},
    }
    return users, notes


def create_app():
    app = Flask(__name__)
    app.secret_key = secrets.token_hex(16)
    state = {}
    state["users"], state["notes"] = seed()
    tokens = dict(part.split("=", 1)[::-1] for part in os.environ.get("ZOO_TOKENS", "").split(",") if "=" in part)
    uses_left = {}  # login tokens that expire: token -> requests left
    max_uses = int(os.environ.get("ZOO_TOKEN_USES", "0"))

    @app.before_request
    def record():
        if request.path != "/_requests":
            RECEIVED.append({"method": request.method, "path": request.path})

    @app.after_request
    def headers(response):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Server"] = "zoo"
        return response

    @app.get("/_requests")
    def received():
        return jsonify(RECEIVED)

    @app.get("/_logins")
    def logins():
        return jsonify(LOGINS)

    @app.get("/health")
    def health():
        return jsonify(status="ok")

    def token_required(view):
        def wrapper(*args, **kwargs):
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            token = token.strip()
            name = tokens.get(token) if scheme.lower() == "bearer" else None
            if token in uses_left:
                if uses_left[token] <= 0:
                    return jsonify(error="token expired"), 401
                uses_left[token] -= 1
            if name not in state["users"]:
                return jsonify(error="authentication required"), 401
            g.user = state["users"][name]
            return view(*args, **kwargs)
        wrapper.__name__ = view.__name__
        return wrapper

    def public(user):
        return {k: user[k] for k in ("username", "email", "phone", "full_name")}

    @app.get("/api/me")
    @token_required
    def me():
        return jsonify(public(g.user))

    # Planted: string ids, no owner check.
    @app.get("/api/users/<username>")
    @token_required
    def user_profile(username):
        user = state["users"].get(username)
        if user is None:
            abort(404)
        return jsonify(public(user))

    # Safe: slugs, owner-checked.
    @app.get("/api/notes")
    @token_required
    def my_notes():
        return jsonify([n for n in state["notes"].values() if n["owner"] == g.user["username"]])

    @app.get("/api/notes/<slug>")
    @token_required
    def note(slug):
        n = state["notes"].get(slug)
        if n is None or n["owner"] != g.user["username"]:
            return jsonify(error="not found"), 404
        return jsonify(n)

    # Planted: the exception's text reaches the client.
    @app.post("/api/transfers")
    @token_required
    def transfer():
        data = request.get_json(silent=True) or {}
        try:
            amount = float(data["amount"])
            return jsonify(status="ok", to=str(data.get("to_account", "")), amount=amount)
        except Exception as e:  # noqa: BLE001 - the weakness
            return jsonify(error=str(e)), 500

    # Planted: a string path parameter the handler parses; the exception text is answered.
    @app.get("/api/statements/<period>")
    @token_required
    def statement(period):
        try:
            year, month = period.split("-")
            return jsonify(year=int(year), month=int(month), lines=[])
        except Exception as e:  # noqa: BLE001 - the weakness
            return jsonify(error=str(e)), 500

    # Safe: validated, a message written for users.
    @app.post("/api/payments")
    @token_required
    def payment():
        data = request.get_json(silent=True) or {}
        raw = data.get("amount")
        if not isinstance(raw, (int, float)) or isinstance(raw, bool):
            return jsonify(error="amount must be a number"), 400
        return jsonify(status="ok", amount=raw)

    # An API key is shown once when created (safe); the listing shows every key in full
    # (planted: only a write reveals it, the listing is empty before).
    keys = {}

    @app.post("/api/keys")
    @token_required
    def create_key():
        name = (request.get_json(silent=True) or {}).get("name", "default")
        key = {"id": len(keys) + 1, "owner": g.user["username"], "name": str(name),
               "api_key": "zk_live_" + secrets.token_hex(16)}
        keys[key["id"]] = key
        return jsonify(key), 201

    @app.get("/api/keys")
    @token_required
    def list_keys():
        return jsonify([k for k in keys.values() if k["owner"] == g.user["username"]])

    # Safe: anonymous callers get 200 with a failure body.
    @app.get("/api/account/summary")
    def account_summary():
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        name = tokens.get(token.strip()) if scheme.lower() == "bearer" else None
        if name not in state["users"]:
            return jsonify(status="fail", message="authentication required")
        user = state["users"][name]
        return jsonify(status="success", data={"username": name, "email": user["email"], "balance": 120})

    # Safe: a browser page behind a session login.
    @app.get("/dashboard")
    def dashboard():
        if "user" not in session:
            return redirect("/login?next=/dashboard")
        return f"<h1>Hello {session['user']}</h1>"

    @app.get("/login")
    def login_page():
        return '<form method="post" action="/login"><input name="username"><input type="password" name="password"></form>'

    # Side effects: never to be sent by a scanner.
    @app.get("/api/admin/reseed")
    @token_required
    def reseed():
        state["users"], state["notes"] = seed()
        state["users"].clear()
        return jsonify(status="wiped")

    # Its path says nothing; its code deletes every note (only the source tells).
    def run_sql(statement):
        if statement.startswith("DELETE FROM notes"):
            state["notes"].clear()

    @app.get("/api/maintenance/compact")
    @token_required
    def compact():
        run_sql("DELETE FROM notes WHERE archived = 1 OR 1 = 1")
        return jsonify(status="compacted")

    @app.get("/api/logout")
    @token_required
    def logout():
        for t, n in list(tokens.items()):
            if n == g.user["username"]:
                del tokens[t]
        return jsonify(status="logged out")

    # Registration needs more than a user name and a password.
    @app.post("/api/register")
    def register():
        data = request.get_json(silent=True) or {}
        username = data.get("username")
        password = data.get("password")
        email = data.get("email")
        full_name = data.get("full_name")
        if not (username and password and email and full_name) or "@" not in str(email):
            return jsonify(error="username, password, email and full_name are required"), 400
        if username in state["users"]:
            return jsonify(error="taken"), 409
        state["users"][username] = {"username": username, "email": email, "phone": "",
                                    "full_name": full_name, "password": password}
        return jsonify(username=username), 201

    # Planted: no rate limit on failed logins. ZOO_LOGIN picks the one shape it accepts:
    # json {"username", "password"} (default), nested {"auth": {"credentials": {...}}},
    # basic (HTTP Basic on an empty POST), form.
    shape = os.environ.get("ZOO_LOGIN", "json")

    def credentials():
        if shape == "basic":
            auth = request.authorization
            return (auth.username, auth.password) if auth else (None, None)
        if shape == "form":
            return request.form.get("username"), request.form.get("password")
        data = request.get_json(silent=True) or {}
        if shape == "nested":
            data = ((data.get("auth") or {}).get("credentials") or {})
        return data.get("username"), data.get("password")

    @app.post("/api/login")
    def login():
        username, password = credentials()
        user = state["users"].get(username)
        if user is None or user["password"] != password:
            return jsonify(error="invalid credentials"), 401
        token = secrets.token_urlsafe(24)
        tokens[token] = username
        if max_uses:
            uses_left[token] = max_uses
        LOGINS.append(username)
        return jsonify(access_token=token)

    # Planted: enumeration on password recovery.
    @app.post("/api/password/forgot")
    def forgot():
        data = request.get_json(silent=True) or {}
        username = data.get("username")
        if username not in state["users"]:
            return jsonify(error=f"no account named {username}"), 404
        return jsonify(message="a reset link was sent")

    # Safe: one answer for everyone.
    @app.post("/api/v2/password/forgot")
    def forgot_v2():
        data = request.get_json(silent=True) or {}
        _ = data.get("username")
        return jsonify(message="if the account exists, a reset link was sent"), 202

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    create_app().run(host="127.0.0.1", port=args.port)
