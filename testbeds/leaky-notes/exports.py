"""Exports of a user's notes. Download links are mailed to users, so they skip the token check."""
from flask import Blueprint, Response, abort, g, jsonify, request

import db
from auth import authenticate

exports_bp = Blueprint("exports", __name__, url_prefix="/api/exports")

OPEN_ENDPOINTS = {"exports.export_formats", "exports.download_export"}


@exports_bp.before_request
def check_token():
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    authenticate()
    return None


@exports_bp.get("/formats")
def export_formats():
    return jsonify(["markdown", "json"])


@exports_bp.get("")
def list_exports():
    rows = db.query_all("SELECT id, format FROM exports WHERE owner_id = ?", (g.user["sub"],))
    return jsonify([{"id": r["id"], "format": r["format"]} for r in rows])


@exports_bp.get("/<int:export_id>/download")
def download_export(export_id):  # expect: SC101
    row = db.query_one("SELECT owner_id, format, content FROM exports WHERE id = ?", (export_id,))
    if row is None:
        abort(404)
    return Response(row["content"], mimetype="text/markdown")
