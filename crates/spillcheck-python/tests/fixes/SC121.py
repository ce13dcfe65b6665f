import traceback

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/api/items")
def items():
    try:
        return jsonify(load())
    except Exception as exc:
        return jsonify({"error": "failed", "detail": str(exc)}), 500


@app.get("/api/report")
def report():
    try:
        return jsonify(build())
    except Exception as e:
        return jsonify(error=f"report failed: {e}", trace=traceback.format_exc()), 500


@app.errorhandler(Exception)
def crashed(error):
    return {"message": repr(error)}, 500


def load():
    return []


def build():
    return {}
