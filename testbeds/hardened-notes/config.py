"""Settings for the notes service. Secrets come from the environment; start-up fails without them."""
import os

DEBUG = os.environ.get("FLASK_DEBUG") == "1"  # ok: SC120
SECRET_KEY = os.environ.get("NOTES_SECRET_KEY") or os.urandom(32)  # ok: SC130
JWT_SECRET = os.environ["NOTES_JWT_SECRET"]  # ok: SC130
JWT_ALGORITHM = "HS256"
JWT_ISSUER = "notes-api"
TOKEN_LIFETIME_MINUTES = 15
TOKEN_TYPE = "Bearer"  # ok: SC131
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True

DATABASE = os.environ.get("NOTES_DB", "instance/notes.db")
LOG_FILE = os.environ.get("NOTES_LOG", "instance/app.log")

ADMIN_EMAIL = "admin@notes.test"
ADMIN_PASSWORD = os.environ["NOTES_ADMIN_PASSWORD"]  # ok: SC131
PASSWORD_RESET_URL = "https://notes.test/reset?token="  # ok: SC131
