"""privacyIDEA: set up as its docs deploy it (a pi.cfg naming the database, the encryption key, the
pepper and the audit signing keys; `pi-manage setup create_enckey`, `create_audit_keys`,
`create_tables`), an administrator from `pi-manage admin add`, and the users in an editable SQL
resolver over an SQLite users table (the layout of its `privacyidea-create-userdb` tool), made the
default realm through the API. Each user owns one HOTP token, enrolled by the administrator.
Everyone logs in with POST /auth {username, password}; the JWT comes back in
result.value.token and goes back bare in `Authorization` (or `PI-Authorization`)."""
import json
import secrets
import sqlite3
import subprocess
import time

ROLES = ["a", "b", "admin"]
USERNAMES = {"a": "alice", "b": "bob", "admin": "chief"}


def _pi_manage(setup, *args):
    subprocess.run([setup["python"], "-c", "from privacyidea.cli.pimanage import cli; cli()", *args],
                   cwd=setup["cwd"], env=setup["env"], check=True, capture_output=True)


def prepare(setup):
    state = setup["state"]
    (state / "pi.cfg").write_text(
        f"SQLALCHEMY_DATABASE_URI = 'sqlite:///{state}/pi.sqlite'\n"
        f"SECRET_KEY = '{setup['ctx']['secret']}'\n"
        f"PI_PEPPER = '{secrets.token_hex(16)}'\n"
        f"PI_ENCFILE = '{state}/enckey'\n"
        f"PI_AUDIT_KEY_PRIVATE = '{state}/private.pem'\n"
        f"PI_AUDIT_KEY_PUBLIC = '{state}/public.pem'\n"
        f"PI_LOGFILE = '{state}/privacyidea.log'\n"
        "PI_LOGLEVEL = 20\n")
    for step in ("create_enckey", "create_audit_keys", "create_tables"):
        _pi_manage(setup, "setup", step)
    db = sqlite3.connect(state / "users.sqlite")
    db.execute("create table users (id INTEGER PRIMARY KEY, username TEXT UNIQUE, surname TEXT, givenname TEXT,"
               " email TEXT, password TEXT, description TEXT, mobile TEXT, phone TEXT)")
    db.commit()
    db.close()


def _auth(client, name, password):
    status, _, body = client.request("POST", "/auth", json_body={"username": name, "password": password})
    if status != 200 or not isinstance(body, dict):
        return None
    return ((body.get("result") or {}).get("value") or {}).get("token")


def _call(client, token, method, path, body):
    status, _, answer = client.request(method, path, json_body=body, headers={"Authorization": token})
    if status >= 400 or not (isinstance(answer, dict) and (answer.get("result") or {}).get("status")):
        raise RuntimeError(f"{method} {path}: HTTP {status}: {str(answer)[:200]}")
    return answer


def create_users(client, users, setup):
    admin = users["admin"]
    # The starting server registers its node in the same database; `admin add` racing it can
    # fail once on the UNIQUE node name. Try again after a moment rather than fail the run.
    for attempt in range(3):
        try:
            _pi_manage(setup, "admin", "add", admin["user"], "-p", admin["password"], "-e", admin["email"])
            break
        except subprocess.CalledProcessError as err:
            if attempt == 2 or b"UNIQUE" not in (err.stderr or b"") + (err.stdout or b""):
                raise
            time.sleep(1)
    token = _auth(client, admin["user"], admin["password"])
    if not token:
        raise RuntimeError("the administrator could not log in")
    mapping = {k: k for k in ("username", "email", "password", "phone", "mobile", "surname", "givenname",
                              "description")}
    mapping["userid"] = "id"
    _call(client, token, "POST", "/resolver/localusers", {
        "type": "sqlresolver", "Driver": "sqlite", "Server": "/", "Database": str(setup["state"] / "users.sqlite"),
        "Table": "users", "Limit": "500", "Editable": "1", "Password_Hash_Type": "SSHA256",
        "Map": json.dumps(mapping)})
    _call(client, token, "POST", "/realm/localsql", {"resolvers": "localusers"})
    _call(client, token, "POST", "/defaultrealm/localsql", {})
    for n, role in enumerate(("a", "b")):
        u = users[role]
        _call(client, token, "POST", "/user/", {
            "user": u["user"], "resolver": "localusers", "realm": "localsql", "password": u["password"],
            "email": u["email"], "givenname": u["user"].title(), "surname": "Example",
            "phone": f"+1 555 01{n:02d}", "mobile": f"+1 555 02{n:02d}"})
        _call(client, token, "POST", "/token/init", {
            "type": "hotp", "genkey": 1, "user": u["user"], "realm": "localsql",
            "description": f"{u['user']}'s phone"})


def login(client, user):
    return _auth(client, user["user"], user["password"])
