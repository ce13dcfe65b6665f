"""Accounts: login, registration, profiles, personal access tokens."""
import hashlib
import secrets
import threading
import time

from flask import Blueprint, abort, current_app, g, jsonify, request
from werkzeug.security import check_password_hash, generate_password_hash

import db
from auth import issue_token, require_token

users_bp = Blueprint("users", __name__, url_prefix="/api")

WRITABLE_PROFILE_FIELDS = ("display_name", "phone")
MAX_FAILURES = 5
FAILURE_WINDOW = 300
DUMMY_HASH = generate_password_hash(secrets.token_urlsafe(16))
_failures = {}
_failures_lock = threading.Lock()


def own_profile(user):
    return {
        "id": user["id"],
        "email": user["email"],
        "display_name": user["display_name"],
        "phone": user["phone"],
        "role": user["role"],
    }


def public_profile(user):
    return {"id": user["id"], "display_name": user["display_name"]}


def fetch_user_record(user_id):
    return db.query_one("SELECT * FROM users WHERE id = ?", (user_id,))


def too_many_failures(email):
    now = time.monotonic()
    with _failures_lock:
        recent = [t for t in _failures.get(email, []) if now - t < FAILURE_WINDOW]
        _failures[email] = recent
        return len(recent) >= MAX_FAILURES


def record_failure(email):
    with _failures_lock:
        _failures.setdefault(email, []).append(time.monotonic())


@users_bp.post("/login")
def login():  # ok: SC101
    data = request.get_json(silent=True) or {}
    email = str(data.get("email", ""))
    password = str(data.get("password", ""))
    if too_many_failures(email):
        return jsonify(error="too many attempts, try again later"), 429
    user = db.query_one("SELECT * FROM users WHERE email = ?", (email,))
    valid = check_password_hash(user["password_hash"] if user else DUMMY_HASH, password)
    if user is None or not valid:
        record_failure(email)
        current_app.logger.warning("failed login attempt")  # ok: SC111
        return jsonify(error="invalid credentials"), 401
    token = issue_token(user)
    resp = jsonify(access_token=token, token_type="Bearer")  # ok: SC131
    # The token also rides in a cookie no script can read.
    resp.set_cookie("access_token", token, secure=True, httponly=True, samesite="Lax")  # ok: SC112
    return resp


@users_bp.post("/register")
def register():  # ok: SC101
    data = request.get_json(silent=True) or {}
    email, password = data.get("email"), data.get("password")
    if not email or not password:
        return jsonify(error="email and password are required"), 400
    if db.query_one("SELECT id FROM users WHERE email = ?", (email,)):
        return jsonify(error="cannot register this address"), 400
    user_id = db.execute(
        "INSERT INTO users (email, display_name, password_hash, role) VALUES (?, ?, ?, 'user')",
        (email, str(data.get("display_name") or email.split("@")[0]), generate_password_hash(password)),  # ok: SC150
    )
    return jsonify(own_profile(fetch_user_record(user_id))), 201


@users_bp.get("/me")
@require_token
def me():
    return jsonify(own_profile(fetch_user_record(g.user["sub"])))


@users_bp.patch("/me")
@require_token
def update_me():
    data = request.get_json(silent=True) or {}
    for key in WRITABLE_PROFILE_FIELDS:
        if key in data:
            db.execute(f"UPDATE users SET {key} = ? WHERE id = ?", (str(data[key]), g.user["sub"]))
    return jsonify(own_profile(fetch_user_record(g.user["sub"])))


@users_bp.get("/users")
@require_token
def list_users():
    return jsonify([public_profile(u) for u in db.query_all("SELECT id, display_name FROM users ORDER BY id")])


@users_bp.get("/users/<int:user_id>")
@require_token
def get_user(user_id):
    user = fetch_user_record(user_id)  # ok: SC102
    if user is None:
        abort(404)
    if str(user["id"]) == g.user["sub"]:
        return jsonify(own_profile(user))
    return jsonify(public_profile(user))


@users_bp.post("/tokens")
@require_token
def create_api_token():
    name = str((request.get_json(silent=True) or {}).get("name", "cli"))
    token = secrets.token_urlsafe(32)
    digest = hashlib.sha256(token.encode()).hexdigest()
    db.execute(
        "INSERT INTO api_tokens (user_id, name, token_sha256) VALUES (?, ?, ?)",  # ok: SC150
        (g.user["sub"], name, digest),
    )
    return jsonify(name=name, token=token), 201


@users_bp.get("/debug/headers")
@require_token
def debug_headers():
    safe = ("User-Agent", "Accept", "Content-Type")
    return jsonify({k: request.headers.get(k) for k in safe if k in request.headers})
