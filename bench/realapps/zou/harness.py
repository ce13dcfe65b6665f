"""zou (Kitsu's API): the database made as its docs say (`zou init-db`, `zou init-data`), an
administrator from `zou create-admin`, and two artists (role `user`) created by the administrator
through the API, each in the team of a production of their own with one asset in it. Everyone
logs in with POST /auth/login {email, password}; the JWT comes back in `access_token` and goes
back as Bearer."""
import subprocess

ROLES = ["a", "b", "admin"]
USERNAMES = {"a": "alice", "b": "bob", "admin": "chief"}


def _zou(setup, *args):
    subprocess.run([setup["python"], "-c", "from zou.cli import cli; cli()", *args],
                   cwd=setup["cwd"], env=setup["env"], check=True, capture_output=True)


def prepare(setup):
    (setup["state"] / "previews").mkdir(exist_ok=True)
    (setup["state"] / "tmp").mkdir(exist_ok=True)
    _zou(setup, "init-db")
    _zou(setup, "init-data")


def _login(client, user):
    status, _, body = client.request("POST", "/auth/login", json_body={"email": user["email"], "password": user["password"]})
    if status != 200 or not isinstance(body, dict):
        return None
    return body.get("access_token")


def _call(client, token, method, path, body=None):
    status, _, answer = client.request(method, path, json_body=body, headers={"Authorization": f"Bearer {token}"})
    if status >= 400:
        raise RuntimeError(f"{method} {path}: HTTP {status}: {str(answer)[:200]}")
    return answer


def create_users(client, users, setup):
    admin = users["admin"]
    _zou(setup, "create-admin", admin["email"], "--password", admin["password"])
    token = _login(client, admin)
    if not token:
        raise RuntimeError("the administrator could not log in")
    asset_type = _call(client, token, "GET", "/data/asset-types")[0]["id"]
    for role in ("a", "b"):
        u = users[role]
        person = _call(client, token, "POST", "/data/persons", {
            "first_name": u["user"].title(), "last_name": "Example", "email": u["email"],
            "password": u["password"], "role": "user"})
        project = _call(client, token, "POST", "/data/projects", {
            "name": f"{u['user'].title()}'s short film", "production_type": "short"})
        _call(client, token, "POST", f"/data/projects/{project['id']}/team", {"person_id": person["id"]})
        _call(client, token, "POST", f"/data/projects/{project['id']}/asset-types/{asset_type}/assets/new", {
            "name": f"{u['user'].title()}'s hero", "description": f"the main character of {u['user']}'s film"})


def login(client, user):
    return _login(client, user)
