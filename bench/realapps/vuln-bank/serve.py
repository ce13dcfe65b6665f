"""Starts vuln-bank on 127.0.0.1 and a port of the check's choosing.

Why a shim: app.py's `__main__` block hard-codes `app.run(host='0.0.0.0', port=5000, debug=True)`;
the check must only listen on 127.0.0.1 and on a free port. This does what that block does
(init_db(), then the development server with debug=True, as the app ships) with only the
address changed. It lives outside the app's tree; the app's sources are not touched.
"""
import sys

from app import app, init_db

init_db()
app.run(host="127.0.0.1", port=int(sys.argv[1]), debug=True, use_reloader=False)
