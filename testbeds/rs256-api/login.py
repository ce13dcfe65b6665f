"""Prints an access token of testbeds/rs256-api (for `--token-cmd`): python login.py URL USER"""
import json
import sys
import urllib.request

req = urllib.request.Request(
    sys.argv[1].rstrip("/") + "/api/login",
    data=json.dumps({"user": sys.argv[2]}).encode(),
    headers={"Content-Type": "application/json"},
)
with urllib.request.urlopen(req, timeout=10) as resp:
    print(json.load(resp)["access_token"])
