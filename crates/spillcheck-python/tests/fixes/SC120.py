"""Development entry point."""
from flask import Flask

app = Flask(__name__)
app.debug = True
app.config["DEBUG"] = True
app.config.update(DEBUG=True, TESTING=False)

if __name__ == "__main__":
    app.run(host="127.0.0.1", debug=True, use_debugger=True)
