"""Notes: the users' data. Every lookup is scoped to the caller from the verified token."""
from flask import Blueprint, abort, g, jsonify, request

import db
from auth import require_token

notes_bp = Blueprint("notes", __name__, url_prefix="/api/notes")


def note_json(row):
    return {"id": row["id"], "owner_id": row["owner_id"], "title": row["title"], "body": row["body"]}


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
        (g.user["sub"], str(data.get("title", "untitled")), str(data.get("body", ""))),
    )
    return jsonify(id=note_id), 201


@notes_bp.get("/search")
@require_token
def search_notes():
    limit = request.args.get("limit", "20")
    if not limit.isdigit() or not 0 < int(limit) <= 100:
        return jsonify(error="limit must be a number from 1 to 100"), 400
    pattern = "%" + request.args.get("q", "") + "%"
    rows = db.query_all(
        "SELECT id, title FROM notes WHERE owner_id = ? AND title LIKE ? LIMIT ?",
        (g.user["sub"], pattern, int(limit)),
    )
    return jsonify([{"id": r["id"], "title": r["title"]} for r in rows])


@notes_bp.get("/<int:note_id>")
@require_token
def get_note(note_id):
    row = db.query_one(  # ok: SC102
        "SELECT id, owner_id, title, body FROM notes WHERE id = ? AND owner_id = ?",
        (note_id, g.user["sub"]),
    )
    if row is None:
        abort(404)
    return jsonify(note_json(row))  # ok: SC141


@notes_bp.delete("/<int:note_id>")
@require_token
def delete_note(note_id):
    row = db.query_one("SELECT owner_id FROM notes WHERE id = ?", (note_id,))  # ok: SC102
    if row is None or str(row["owner_id"]) != g.user["sub"]:
        abort(404)
    db.execute("DELETE FROM notes WHERE id = ?", (note_id,))  # ok: SC102
    return "", 204
