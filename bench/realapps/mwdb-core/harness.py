"""mwdb-core: configured as its docs do it without Docker (`mwdb-core configure -q` with the
settings in MWDB_* variables), the built-in `admin` account's password set with
`mwdb-core set-admin-password`, and two users made by the administrator through the API
(POST /api/user/{login}, then a set-password token from GET /api/user/{login}/change_password
used at POST /api/auth/change_password, the flow of its e-mailed invitation). Each user owns one
text blob the administrator uploads as that user's group (shared with nobody else). Everyone
logs in with POST /api/auth/login {login, password}; the token comes back in `token` and goes
back as Bearer."""
import os
import secrets
import subprocess

ROLES = ["a", "b", "admin"]
USERNAMES = {"a": "alice", "b": "bob", "admin": "admin"}


def _mwdb(setup, *args, env=None):
    subprocess.run([setup["python"], "-c", "from mwdb.cli import cli; cli()", *args],
                   cwd=setup["cwd"], env={**setup["env"], **(env or {})}, check=True, capture_output=True)


def prepare(setup):
    (setup["state"] / "uploads").mkdir(exist_ok=True)
    # The first password only lets `configure` run unattended; create_users sets the run's own.
    _mwdb(setup, "configure", "-q", "basic", env={"MWDB_ADMIN_PASSWORD": secrets.token_urlsafe(16)})


def _login(client, user):
    status, _, body = client.request("POST", "/api/auth/login",
                                     json_body={"login": user["user"], "password": user["password"]})
    if status != 200 or not isinstance(body, dict):
        return None
    return body.get("token")


def _call(client, token, method, path, body=None):
    status, _, answer = client.request(method, path, json_body=body, headers={"Authorization": f"Bearer {token}"})
    if status >= 400:
        raise RuntimeError(f"{method} {path}: HTTP {status}: {str(answer)[:200]}")
    return answer


def create_users(client, users, setup):
    admin = users["admin"]
    _mwdb(setup, "set-admin-password", "--password", admin["password"])
    token = _login(client, admin)
    if not token:
        raise RuntimeError("the administrator could not log in")
    for role in ("a", "b"):
        u = users[role]
        _call(client, token, "POST", f"/api/user/{u['user']}",
              {"email": u["email"], "additional_info": f"{u['user'].title()}, a malware analyst", "send_email": False})
        set_token = _call(client, token, "GET", f"/api/user/{u['user']}/change_password")["token"]
        status, _, answer = client.request("POST", "/api/auth/change_password",
                                           json_body={"password": u["password"], "token": set_token})
        if status >= 400:
            raise RuntimeError(f"setting {u['user']}'s password: HTTP {status}: {str(answer)[:200]}")
        _call(client, token, "POST", "/api/blob", {
            "blob_name": f"{u['user']}-notes.txt", "blob_type": "analysis-notes",
            "content": f"{u['user'].title()}'s private notes on sample {secrets.token_hex(8)}",
            "upload_as": u["user"]})


def login(client, user):
    return _login(client, user)
