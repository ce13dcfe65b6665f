#!/usr/bin/env python3
"""Logs in to a testbed and prints the access token (for `--token-cmd`).

    python testbeds/login.py http://127.0.0.1:5000 alice

Users: admin, alice, bob (passwords from testbeds/seed-users.env). Standard library only.
"""
import json
import os
import sys
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def seed_passwords():
    out = {}
    with open(os.path.join(HERE, "seed-users.env"), encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                out[key] = value
    return out


def login(base_url, user):
    password = seed_passwords()[f"NOTES_{user.upper()}_PASSWORD"]
    body = json.dumps({"email": f"{user}@notes.test", "password": password}).encode()
    req = urllib.request.Request(base_url.rstrip("/") + "/api/login", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)["access_token"]


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: login.py BASE_URL admin|alice|bob")
    try:
        print(login(sys.argv[1], sys.argv[2]))
    except (urllib.error.URLError, KeyError, ValueError) as exc:
        sys.exit(f"login.py: {exc}")
