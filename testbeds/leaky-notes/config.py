"""Settings for the notes service."""
import os

DEBUG = True  # expect: SC120
SECRET_KEY = "notes-dev-secret-key-2024"  # expect: SC130
JWT_SECRET = "super-secret"  # expect: SC130
JWT_ALGORITHM = "HS256"
TOKEN_LIFETIME_DAYS = 30
SESSION_COOKIE_SECURE = False  # expect: SC160

DATABASE = os.environ.get("NOTES_DB", "instance/notes.db")
LOG_FILE = os.environ.get("NOTES_LOG", "instance/app.log")

ADMIN_EMAIL = "admin@notes.test"
ADMIN_PASSWORD = os.environ.get("NOTES_ADMIN_PASSWORD", "Adm1n-Pa55!")  # expect: SC131
