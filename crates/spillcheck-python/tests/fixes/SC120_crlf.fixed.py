import os
from flask import Flask
app = Flask(__name__)
DEBUG = os.environ.get("FLASK_DEBUG") == "1"
