"""ihatemoney: an account is a project. Projects are created with POST /api/projects (form
fields); its API token comes from GET /api/projects/<id>/token with HTTP Basic (id, password)."""
import subprocess

ROLES = ["a", "b"]
USERNAMES = {"a": "alicebudget", "b": "bobbudget"}


def prepare(setup):
    # The settings file does not exist yet: the command must not be pointed at it.
    env = {k: v for k, v in setup["env"].items() if k != "IHATEMONEY_SETTINGS_FILE_PATH"}
    out = subprocess.run([setup["python"], "-m", "ihatemoney.manage", "generate-config", "ihatemoney.cfg"],
                         cwd=setup["cwd"], env=env, check=True, capture_output=True, text=True).stdout
    db = f"sqlite:///{setup['state']}/ihatemoney.sqlite"
    lines = [f"SQLALCHEMY_DATABASE_URI = '{db}'" if line.startswith("SQLALCHEMY_DATABASE_URI") else line
             for line in out.splitlines()]
    path = setup["state"] / "ihatemoney.cfg"
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)


def create_users(client, users, setup):
    for u in users.values():
        status, _, body = client.request("POST", "/api/projects", form={
            "name": f"{u['user']} trip", "id": u["user"], "password": u["password"],
            "contact_email": u["email"], "default_currency": "XXX"})
        if status != 201:
            raise RuntimeError(f"create project {u['user']}: HTTP {status}: {str(body)[:200]}")
        auth = {"Authorization": f"Bearer {login(client, u)}"}
        # Members and a bill, as a group that shares costs would have.
        ids = []
        for who in ("ann", "ben"):
            status, _, member = client.request("POST", f"/api/projects/{u['user']}/members", headers=auth,
                                               form={"name": f"{who}-{u['user']}", "weight": "1"})
            if status < 300:
                ids.append(str(member))
        if ids:
            client.request("POST", f"/api/projects/{u['user']}/bills", headers=auth, form={
                "date": "2026-01-01", "what": "dinner", "payer": ids[0], "payed_for": ids, "amount": "42"})


def login(client, user):
    status, _, body = client.request("GET", f"/api/projects/{user['user']}/token", basic=(user["user"], user["password"]))
    return body.get("token") if status == 200 and isinstance(body, dict) else None
