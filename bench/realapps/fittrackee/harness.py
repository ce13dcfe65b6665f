"""FitTrackee: accounts from its CLI (`ftcli users create NAME --email --password [--role admin]`).
Its own web client logs in with POST /api/auth/login {email, password}: the answer sets the JWT in
an HttpOnly cookie `access_token_cookie` (flask-jwt-extended, JWT_TOKEN_LOCATION = cookies) and a
`csrf_access_token` cookie that writes must echo in X-CSRF-TOKEN. Bearer tokens are only for
third-party OAuth2 clients, so the probe gets the cookie (`--auth-cookie access_token_cookie`)."""
import subprocess

ROLES = ["a", "b", "admin"]
USERNAMES = {"a": "alice", "b": "bob", "admin": "chief"}


def create_users(client, users, setup):
    for role, u in users.items():
        argv = [setup["python"], "-c", "from fittrackee.cli import cli; cli()", "users", "create", u["user"],
                "--email", u["email"], "--password", u["password"]]
        if role == "admin":
            argv += ["--role", "admin"]
        subprocess.run(argv, cwd=setup["cwd"], env=setup["env"], check=True, capture_output=True)
    # A workout each (no GPX file: a manual entry), with the owner's default visibility.
    for role in ("a", "b"):
        token, csrf = _login(client, users[role])
        status, _, body = client.request("POST", "/api/workouts/no_gpx", headers={"X-CSRF-TOKEN": csrf or ""},
                                         cookies={"access_token_cookie": token}, json_body={
            "sport_id": 1, "duration": 3600, "workout_date": "2026-01-01 08:00", "distance": 10,
            "title": f"run of {users[role]['user']}"})
        if status >= 400:
            raise RuntimeError(f"workout for {role}: HTTP {status}: {str(body)[:200]}")


def _login(client, user):
    status, headers, _ = client.request("POST", "/api/auth/login", json_body={"email": user["email"], "password": user["password"]})
    if status != 200:
        return None, None
    return client.cookie(headers, "access_token_cookie"), client.cookie(headers, "csrf_access_token")


def login(client, user):
    return _login(client, user)[0]
