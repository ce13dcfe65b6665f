"""flaskr: users register with the HTML form POST /auth/register and log in with POST /auth/login,
which answers a redirect and a `session` cookie: the cookie is the credential the probe gets."""

ROLES = ["a", "b"]


def create_users(client, users, setup):
    for u in users.values():
        status, _, body = client.request("POST", "/auth/register", form={"username": u["user"], "password": u["password"]})
        if status not in (200, 302):
            raise RuntimeError(f"register {u['user']}: HTTP {status}")
    # A post each, so that there are objects with owners.
    for u in users.values():
        cookie = login(client, u)
        client.request("POST", "/create", form={"title": f"{u['user']}'s post", "body": "hello"},
                       cookies={"session": cookie})


def login(client, user):
    status, headers, _ = client.request("POST", "/auth/login", form={"username": user["user"], "password": user["password"]})
    return client.cookie(headers, "session") if status == 302 else None
