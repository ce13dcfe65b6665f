"""Notes: the users' data."""
from flask import Blueprint, abort, g, jsonify, request

import db
from auth import require_token

notes_bp = Blueprint("notes", __name__, url_prefix="/api/notes")


@notes_bp.get("")
@require_token
def list_notes():
    rows = db.query_all("SELECT id, title, shared FROM notes WHERE owner_id = ? ORDER BY id", (g.user["sub"],))
    return jsonify([{"id": r["id"], "title": r["title"], "shared": bool(r["shared"])} for r in rows])


@notes_bp.post("")
@require_token
def create_note():
    data = request.get_json(silent=True) or {}
    note_id = db.execute(
        "INSERT INTO notes (owner_id, title, body) VALUES (?, ?, ?)",
        (g.user["sub"], data.get("title", "untitled"), data.get("body", "")),
    )
    return jsonify(id=note_id), 201


@notes_bp.get("/search")
@require_token
def search_notes():
    limit = int(request.args.get("limit", "20"))
    pattern = "%" + request.args.get("q", "") + "%"
    rows = db.query_all(
        "SELECT id, title FROM notes WHERE owner_id = ? AND title LIKE ? LIMIT ?",
        (g.user["sub"], pattern, limit),
    )
    return jsonify([{"id": r["id"], "title": r["title"]} for r in rows])


@notes_bp.get("/<int:note_id>")
@require_token
def get_note(note_id):
    row = db.query_one("SELECT * FROM notes WHERE id = ?", (note_id,))  # expect: SC102
    if row is None:
        abort(404)
    return jsonify(dict(row))  # expect: SC141


@notes_bp.delete("/<int:note_id>")
@require_token
def delete_note(note_id):
    db.execute("DELETE FROM notes WHERE id = ?", (note_id,))  # expect: SC102
    return "", 204
