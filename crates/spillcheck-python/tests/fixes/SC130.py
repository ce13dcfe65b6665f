import os

from flask import Flask

SECRET_KEY = "a9f3c2e7b8d14f6a9e0c3b7d2f5a8e1c"
JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY", "k3y-f0r-t0k3ns-2024-x9")
app = Flask(__name__)
app.secret_key = "7d2f5a8e1ca9f3c2e7b8d14f6a9e0c3b"
app.config.update(SECRET_KEY="c3b7d2f5a8e1ca9f3c2e7b8d14f6a9e0")
