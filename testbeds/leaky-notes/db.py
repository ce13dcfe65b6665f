"""SQLite storage: connection per request, schema, seed data."""
import os
import sqlite3

from flask import current_app, g
from werkzeug.security import generate_password_hash

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT UNIQUE NOT NULL,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'user',
    phone TEXT
);
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id INTEGER NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    shared INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS exports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id INTEGER NOT NULL REFERENCES users(id),
    format TEXT NOT NULL,
    content TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token TEXT NOT NULL  -- # expect: SC150 (the table every token is written to as issued)
);
"""


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    return g.db


def close_db(_exc=None):
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


def query_one(sql, params=()):
    return get_db().execute(sql, params).fetchone()


def query_all(sql, params=()):
    return get_db().execute(sql, params).fetchall()


def execute(sql, params=()):
    conn = get_db()
    cur = conn.execute(sql, params)
    conn.commit()
    return cur.lastrowid


def seed(conn, admin_email, admin_password):
    users = [
        (admin_email, "Admin", admin_password, "admin", "+1 555 0100"),
        ("alice@notes.test", "Alice", os.environ.get("NOTES_ALICE_PASSWORD", ""), "user", "+1 555 0101"),  # ok: SC131
        ("bob@notes.test", "Bob", os.environ.get("NOTES_BOB_PASSWORD", ""), "user", "+1 555 0102"),  # ok: SC131
    ]
    for email, name, password, role, phone in users:
        conn.execute(
            "INSERT INTO users (email, display_name, password_hash, role, phone) VALUES (?, ?, ?, ?, ?)",
            (email, name, generate_password_hash(password), role, phone),
        )
    notes = [
        (1, "Quarterly numbers", "Revenue up 4%."),
        (2, "Alice's diary", "Dear diary, the launch went well."),
        (2, "Alice's shopping list", "Milk, eggs."),
        (3, "Bob's diary", "Bob's private thoughts."),
        (3, "Bob's passwords", "bank: hunter2"),
    ]
    for owner, title, body in notes:
        conn.execute("INSERT INTO notes (owner_id, title, body) VALUES (?, ?, ?)", (owner, title, body))
    conn.execute("INSERT INTO exports (owner_id, format, content) VALUES (2, 'markdown', '# Alice export')")
    conn.execute("INSERT INTO exports (owner_id, format, content) VALUES (3, 'markdown', '# Bob export')")
    conn.commit()


def init_db(app):
    path = app.config["DATABASE"]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fresh = not os.path.exists(path)
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA)
    if fresh:
        seed(conn, app.config["ADMIN_EMAIL"], app.config["ADMIN_PASSWORD"])
    conn.close()
    app.teardown_appcontext(close_db)
