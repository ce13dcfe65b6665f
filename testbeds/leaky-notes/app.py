"""The notes service: a multi-user notes API with JWT Bearer authentication.

Run: python app.py --port 5000   (NOTES_DB and NOTES_LOG choose the database and log file)
"""
import argparse
import logging
import os
import traceback

from flask import Flask, jsonify, request, send_file
from flask_cors import CORS
from werkzeug.exceptions import HTTPException

import config
import db
from admin import admin_bp
from auth import issue_service_token
from exports import exports_bp
from notes import notes_bp
from users import users_bp

HERE = os.path.dirname(os.path.abspath(__file__))


def setup_logging(app):
    path = app.config["LOG_FILE"]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    app.logger.addHandler(handler)
    app.logger.setLevel(logging.INFO)


def create_app():
    app = Flask(__name__, static_folder=".", static_url_path="")  # expect: SC170
    app.config.from_object(config)
    CORS(app, supports_credentials=True)  # expect: SC161
    setup_logging(app)
    db.init_db(app)

    app.register_blueprint(users_bp)
    app.register_blueprint(notes_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(admin_bp)

    @app.before_request
    def log_request():
        app.logger.info("%s %s headers=%s", request.method, request.path, dict(request.headers))  # expect: SC110

    @app.errorhandler(Exception)
    def handle_error(exc):
        if isinstance(exc, HTTPException):
            return exc
        return jsonify(error=str(exc), trace=traceback.format_exc()), 500  # expect: SC121

    @app.cli.command("service-token")
    def service_token():
        """Prints a token for the export worker."""
        print(issue_service_token(app.config["JWT_SECRET"]))

    @app.get("/health")
    def health():
        return jsonify(status="ok")

    @app.get("/openapi.json")
    def openapi():
        return send_file(os.path.join(HERE, "openapi.json"), mimetype="application/json")

    @app.get("/api/stats")
    def stats():  # expect: SC101
        rows = db.query_all(
            "SELECT u.id, u.email, COUNT(n.id) AS notes FROM users u LEFT JOIN notes n ON n.owner_id = u.id GROUP BY u.id"
        )
        return jsonify([{"user_id": r["id"], "email": r["email"], "notes": r["notes"]} for r in rows])

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    create_app().run(host="127.0.0.1", port=args.port, debug=True, use_reloader=False)  # expect: SC120
