"""flask-realworld: users register with POST /api/users {"user": {...}} and log in with
POST /api/users/login; the answer's user.token goes back as `Authorization: Token …`."""

ROLES = ["a", "b"]


def create_users(client, users, setup):
    for u in users.values():
        status, _, body = client.request("POST", "/api/users", json_body={"user": {
            "username": u["user"], "email": u["email"], "password": u["password"]}})
        if status >= 400:
            raise RuntimeError(f"register {u['user']}: HTTP {status}: {str(body)[:200]}")
    # An article and a comment each, so that there are objects with authors.
    for u in users.values():
        auth = {"Authorization": f"Token {login(client, u)}"}
        status, _, body = client.request("POST", "/api/articles", headers=auth, json_body={"article": {
            "title": f"Notes of {u['user']}", "description": "d", "body": "b", "tagList": ["notes"]}})
        if status < 400 and isinstance(body, dict):
            slug = body["article"]["slug"]
            client.request("POST", f"/api/articles/{slug}/comments", headers=auth, json_body={"comment": {"body": "first"}})


def login(client, user):
    status, _, body = client.request("POST", "/api/users/login", json_body={"user": {
        "email": user["email"], "password": user["password"]}})
    return body["user"]["token"] if status == 200 and isinstance(body, dict) else None
