import logging
import traceback

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/api/items")
def items():
    try:
        return jsonify(load())
    except Exception as exc:
        logging.getLogger(__name__).error("request failed", exc_info=exc)
        return jsonify({"error": "failed", "detail": "Internal server error"}), 500


@app.get("/api/report")
def report():
    try:
        return jsonify(build())
    except Exception as e:
        logging.getLogger(__name__).error("request failed", exc_info=e)
        return jsonify(error="Internal server error", trace="Internal server error"), 500


@app.errorhandler(Exception)
def crashed(error):
    logging.getLogger(__name__).error("request failed", exc_info=error)
    return {"message": "Internal server error"}, 500


def load():
    return []


def build():
    return {}
