"""microblog-api: users register with POST /api/users; tokens come from POST /api/tokens (HTTP Basic)."""

ROLES = ["a", "b"]


def create_users(client, users, setup):
    for u in users.values():
        status, _, body = client.request("POST", "/api/users", json_body={
            "username": u["user"], "email": u["email"], "password": u["password"]})
        if status >= 400:
            raise RuntimeError(f"register {u['user']}: HTTP {status}: {body}")
    # Something for each user to own, as a real user would have: a post each.
    for u in users.values():
        token = login(client, u)
        client.request("POST", "/api/posts", json_body={"text": f"hello from {u['user']}"},
                       headers={"Authorization": f"Bearer {token}"})


def login(client, user):
    status, _, body = client.request("POST", "/api/tokens", basic=(user["user"], user["password"]))
    return body.get("access_token") if status == 200 and isinstance(body, dict) else None
