import os

from flask import Flask

SECRET_KEY = os.environ["SECRET_KEY"]
JWT_SECRET_KEY = os.environ["JWT_SECRET_KEY"]
app = Flask(__name__)
app.secret_key = os.environ["SECRET_KEY"]
app.config.update(SECRET_KEY=os.environ["SECRET_KEY"])
