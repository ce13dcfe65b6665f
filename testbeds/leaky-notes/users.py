"""Accounts: login, registration, profiles, personal access tokens."""
import secrets

from flask import Blueprint, abort, current_app, g, jsonify, redirect, request
from werkzeug.security import check_password_hash, generate_password_hash

import db
from auth import issue_token, require_token

users_bp = Blueprint("users", __name__, url_prefix="/api")

PROFILE_FIELDS = ("email", "display_name", "phone", "role")


def user_to_dict(user):
    return {
        "id": user["id"],
        "email": user["email"],
        "display_name": user["display_name"],
        "phone": user["phone"],
        "role": user["role"],
        "password_hash": user["password_hash"],  # expect: SC140
    }


def fetch_user_record(user_id):
    return db.query_one("SELECT * FROM users WHERE id = ?", (user_id,))


@users_bp.post("/login")
def login():
    data = request.get_json(silent=True) or {}
    email = data.get("email", "")
    password = data.get("password", "")
    user = db.query_one("SELECT * FROM users WHERE email = ?", (email,))
    if user is None:
        return jsonify(error="no such user"), 404  # expect: SC122
    if not check_password_hash(user["password_hash"], password):
        current_app.logger.warning("failed login for %s with password %s", email, password)  # expect: SC111
        return jsonify(error="wrong password"), 401
    token = issue_token(user)
    next_url = request.args.get("next")
    if next_url:
        # The single-page app's login form posts here and wants to land back logged in.
        return redirect(f"{next_url}?token={token}")  # expect: SC109
    resp = jsonify(access_token=token, token_type="Bearer")
    # The single-page app keeps the token across reloads in a cookie it reads itself.
    resp.set_cookie("access_token", token, secure=True, samesite="Lax")  # expect: SC112
    return resp


@users_bp.post("/register")
def register():
    data = request.get_json(silent=True) or {}
    if not data.get("email") or not data.get("password"):
        return jsonify(error="email and password are required"), 400
    fields = {k: data[k] for k in PROFILE_FIELDS if k in data}  # expect: SC142
    fields.setdefault("display_name", data["email"].split("@")[0])
    fields["password_hash"] = generate_password_hash(data["password"])
    columns = ", ".join(fields)
    marks = ", ".join("?" for _ in fields)
    user_id = db.execute(f"INSERT INTO users ({columns}) VALUES ({marks})", tuple(fields.values()))
    return jsonify(user_to_dict(fetch_user_record(user_id))), 201


@users_bp.get("/me")
@require_token
def me():
    return jsonify(user_to_dict(fetch_user_record(g.user["sub"])))


@users_bp.patch("/me")
@require_token
def update_me():
    data = request.get_json(silent=True) or {}
    for key in PROFILE_FIELDS:  # expect: SC142
        if key in data:
            db.execute(f"UPDATE users SET {key} = ? WHERE id = ?", (data[key], g.user["sub"]))
    return jsonify(user_to_dict(fetch_user_record(g.user["sub"])))


@users_bp.get("/users")
@require_token
def list_users():
    return jsonify([user_to_dict(u) for u in db.query_all("SELECT * FROM users ORDER BY id")])


@users_bp.get("/users/<int:user_id>")
@require_token
def get_user(user_id):
    user = fetch_user_record(user_id)  # expect: SC102
    if user is None:
        abort(404)
    return jsonify(user_to_dict(user))


@users_bp.post("/tokens")
@require_token
def create_api_token():
    name = (request.get_json(silent=True) or {}).get("name", "cli")
    token = secrets.token_urlsafe(32)
    db.execute(
        "INSERT INTO api_tokens (user_id, name, token) VALUES (?, ?, ?)",  # expect: SC150
        (g.user["sub"], name, token),
    )
    return jsonify(name=name, token=token), 201


@users_bp.get("/debug/headers")
@require_token
def debug_headers():
    return jsonify(dict(request.headers))
