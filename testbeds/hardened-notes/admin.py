"""Administration: the role is read from the database, not from the token."""
from flask import Blueprint, jsonify

import db
from auth import require_role

admin_bp = Blueprint("admin", __name__, url_prefix="/api/admin")


@admin_bp.get("/users")
@require_role("admin")
def all_users():
    rows = db.query_all("SELECT id, email, role FROM users ORDER BY id")
    return jsonify([{"id": r["id"], "email": r["email"], "role": r["role"]} for r in rows])
