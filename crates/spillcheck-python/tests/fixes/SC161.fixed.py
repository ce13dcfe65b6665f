from flask import Flask
from flask_cors import CORS, cross_origin

app = Flask(__name__)
CORS(app)
CORS(app, resources={r"/api/*": {"origins": "*"}}, max_age=600)
CORS_SUPPORTS_CREDENTIALS = False


@app.get("/api/me")
@cross_origin()
def me():
    return {}
