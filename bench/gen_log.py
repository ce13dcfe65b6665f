"""Writes a realistic Flask application log of about SIZE megabytes.

Lines look like the leaky testbed's log: request lines with headers, SQL and access
lines; one request in 40 logs its headers with a Bearer JWT (from a pool of 500
users' tokens), one in 2,000 a password on a failed login. Deterministic (seeded).

    python bench/gen_log.py OUT_PATH SIZE_MB
"""
import base64
import json
import random
import sys

out, size_mb = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)


def b64(obj):
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).rstrip(b"=").decode()


def token(i):
    sig = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") for _ in range(43))
    return f"{b64({'alg': 'HS256', 'typ': 'JWT'})}.{b64({'sub': str(i), 'exp': 1900000000 + i})}.{sig}"


tokens = [token(i) for i in range(500)]
paths = ["/api/notes", "/api/notes/12", "/api/me", "/api/users/7", "/api/exports", "/health", "/static/app.js"]
agents = ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0", "python-requests/2.32.3", "curl/8.5.0"]
target = size_mb * 1024 * 1024
written = 0
with open(out, "w", encoding="utf-8") as f:
    n = 0
    while written < target:
        n += 1
        ts = f"2026-11-29 10:{(n // 600) % 60:02d}:{(n // 10) % 60:02d},{n % 1000:03d}"
        path = rng.choice(paths)
        r = rng.random()
        if r < 1 / 40:
            line = (f"{ts} INFO GET {path} headers={{'Host': '127.0.0.1:5000', 'User-Agent': '{rng.choice(agents)}', "
                    f"'Accept': '*/*', 'Authorization': 'Bearer {rng.choice(tokens)}'}}")
        elif r < 1 / 40 + 1 / 2000:
            line = f"{ts} WARNING failed login for user{rng.randrange(500)}@notes.test with password Pa55-{rng.randrange(10**6)}"
        elif r < 0.4:
            line = f"{ts} INFO SELECT id, title FROM notes WHERE owner_id = {rng.randrange(500)} LIMIT 20 -- request_id={rng.getrandbits(64):016x}"
        else:
            line = f'{ts} INFO 127.0.0.1 - - "GET {path} HTTP/1.1" 200 {rng.randrange(100, 9000)} "{rng.choice(agents)}"'
        f.write(line + "\n")
        written += len(line) + 1
