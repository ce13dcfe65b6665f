from flask import Flask
from flask_cors import CORS, cross_origin

app = Flask(__name__)
CORS(app, supports_credentials=True)
CORS(app, resources={r"/api/*": {"origins": "*"}}, supports_credentials=True, max_age=600)
CORS_SUPPORTS_CREDENTIALS = True


@app.get("/api/me")
@cross_origin(supports_credentials=True)
def me():
    return {}
