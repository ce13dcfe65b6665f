"""Exports of a user's notes. The blueprint's hook authenticates every endpoint but the
format list, which is the same constant for everyone."""
from flask import Blueprint, Response, abort, g, jsonify, request

import db
from auth import authenticate, require_scope

exports_bp = Blueprint("exports", __name__, url_prefix="/api/exports")

OPEN_ENDPOINTS = {"exports.export_formats"}


@exports_bp.before_request
def check_token():
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    authenticate()
    return None


@exports_bp.get("/formats")
def export_formats():  # ok: SC101
    return jsonify(["markdown", "json"])


@exports_bp.get("")
@require_scope("exports:read")
def list_exports():
    rows = db.query_all("SELECT id, format FROM exports WHERE owner_id = ?", (g.user["sub"],))
    return jsonify([{"id": r["id"], "format": r["format"]} for r in rows])


@exports_bp.get("/<int:export_id>/download")
@require_scope("exports:read")
def download_export(export_id):
    row = db.query_one(
        "SELECT format, content FROM exports WHERE id = ? AND owner_id = ?",
        (export_id, g.user["sub"]),
    )
    if row is None:
        abort(404)
    return Response(row["content"], mimetype="text/markdown")
