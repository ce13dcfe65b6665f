"""vuln-bank: users register with POST /register (JSON) and log in with POST /login, whose JSON
answer carries the JWT in `token`. The admin is the one init_db() seeds (documented in its README)."""

ROLES = ["a", "b", "admin"]
FIXED = {"admin": ("admin", "admin123")}  # seeded by database.init_db()


def create_users(client, users, setup):
    for role, u in users.items():
        if role in FIXED:
            u["user"], u["password"] = FIXED[role]
            continue
        status, _, body = client.request("POST", "/register", json_body={"username": u["user"], "password": u["password"]})
        if status >= 400 or not isinstance(body, dict) or body.get("status") != "success":
            raise RuntimeError(f"register {u['user']}: HTTP {status}: {str(body)[:200]}")
    setup["save_users"](users)


def login(client, user):
    status, _, body = client.request("POST", "/login", json_body={"username": user["user"], "password": user["password"]})
    return body.get("token") if status == 200 and isinstance(body, dict) else None
