"""Development entry point."""
import os
from flask import Flask

app = Flask(__name__)
app.debug = os.environ.get("FLASK_DEBUG") == "1"
app.config["DEBUG"] = os.environ.get("FLASK_DEBUG") == "1"
app.config.update(DEBUG=os.environ.get("FLASK_DEBUG") == "1", TESTING=False)

if __name__ == "__main__":
    app.run(host="127.0.0.1", debug=os.environ.get("FLASK_DEBUG") == "1", use_debugger=os.environ.get("FLASK_DEBUG") == "1")
