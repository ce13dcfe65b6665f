"""alerta: accounts from its own sign-up (POST /auth/signup {name, email, password}, the way its
web console registers users with the basic provider); the administrator is the address that
ADMIN_USERS names. The login is POST /auth/login {username, password} (the email as the user
name), answering {"token": …} for `Authorization: Bearer`."""

ROLES = ["a", "b", "admin"]
USERNAMES = {"a": "alice", "b": "bob", "admin": "chief"}


def create_users(client, users, setup):
    for role, u in users.items():
        status, _, body = client.request("POST", "/auth/signup", json_body={
            "name": u["user"], "email": u["email"], "password": u["password"]})
        if status >= 400:
            raise RuntimeError(f"signup for {role}: HTTP {status}: {str(body)[:200]}")


def login(client, user):
    status, _, body = client.request("POST", "/auth/login", json_body={"username": user["email"],
                                                                       "password": user["password"]})
    return body.get("token") if status == 200 and isinstance(body, dict) else None
