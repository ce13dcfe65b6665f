"""The notes service, hardened: the same API as leaky-notes written the right way.

Run: python app.py --port 5000   (needs NOTES_JWT_SECRET and the seed passwords in the environment)
"""
import argparse
import logging
import os
import re

from flask import Flask, jsonify, request, send_file
from flask_cors import CORS
from werkzeug.exceptions import HTTPException

import config
import db
from admin import admin_bp
from auth import require_token
from exports import exports_bp
from notes import notes_bp
from users import users_bp

HERE = os.path.dirname(os.path.abspath(__file__))
ALLOWED_ORIGINS = ["https://notes.test"]
REQUEST_LOG_HEADERS = ("User-Agent", "Content-Type", "X-Request-Id")


class RedactCredentials(logging.Filter):
    """Safety net: whatever a log call is handed, credentials never reach the file."""

    PATTERN = re.compile(r"(?i)(authorization|cookie|password|token)(['\"]?\s*[:=]\s*['\"]?)[^\s'\",}]+")

    def filter(self, record):
        record.msg = self.PATTERN.sub(r"\1\2[redacted]", record.getMessage())
        record.args = ()
        return True


def setup_logging(app):
    path = app.config["LOG_FILE"]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    handler.addFilter(RedactCredentials())
    app.logger.addHandler(handler)
    app.logger.setLevel(logging.INFO)


def create_app():
    app = Flask(__name__, static_folder=None)  # ok: SC170
    app.config.from_object(config)
    CORS(app, origins=ALLOWED_ORIGINS, supports_credentials=True)  # ok: SC161
    setup_logging(app)
    db.init_db(app)

    app.register_blueprint(users_bp)
    app.register_blueprint(notes_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(admin_bp)

    @app.before_request
    def log_request():
        safe = {k: request.headers.get(k) for k in REQUEST_LOG_HEADERS if k in request.headers}
        app.logger.info("%s %s headers=%s", request.method, request.path, safe)  # ok: SC110

    @app.after_request
    def secure_headers(response):
        response.headers["X-Content-Type-Options"] = "nosniff"
        if "Authorization" in request.headers:
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(Exception)
    def handle_error(exc):
        if isinstance(exc, HTTPException):
            return jsonify(error=exc.name.lower()), exc.code
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return jsonify(error="internal error"), 500  # ok: SC121

    @app.get("/health")
    def health():  # ok: SC101
        return jsonify(status="ok")

    @app.get("/openapi.json")
    def openapi():  # ok: SC101
        return send_file(os.path.join(HERE, "openapi.json"), mimetype="application/json")

    @app.get("/api/stats")
    @require_token
    def stats():
        row = db.query_one("SELECT COUNT(*) AS users, (SELECT COUNT(*) FROM notes) AS notes FROM users")
        return jsonify(users=row["users"], notes=row["notes"])

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    application = create_app()
    if config.DEBUG:
        application.run(host="127.0.0.1", port=args.port, debug=True, use_reloader=False)  # ok: SC120
    else:
        import waitress

        waitress.serve(application, host="127.0.0.1", port=args.port, ident="notes", threads=8)
