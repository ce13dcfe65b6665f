"""Every weakness listed for leaky-notes is real (the exploit request works) and is
absent from hardened-notes (the same request fails). Each test runs on both apps and
asserts `exploited == bed.vulnerable`, so a test passes on neither app by accident."""
import base64
import datetime
import json
import re
import secrets
import sqlite3

import jwt
import pytest

import login as login_helper  # testbeds/ is on sys.path (conftest)


def b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def claims_of(token):
    return jwt.decode(token, options={"verify_signature": False})


def forge(bed, **changes):
    """A token signed with the app's key, with claims changed (e.g. exp in the past)."""
    claims = claims_of(bed.token("alice"))
    claims.update(changes)
    return jwt.encode(claims, bed.jwt_secret, algorithm="HS256")


def register(bed, role=None):
    email = f"user-{secrets.token_hex(4)}@notes.test"
    body = {"email": email, "password": "Reg1stered-Pa55!"}
    if role:
        body["role"] = role
    resp = bed.send("POST", "/api/register", json=body)
    assert resp.status_code == 201, resp.text
    token = bed.send("POST", "/api/login", json={"email": email, "password": "Reg1stered-Pa55!"}).json()["access_token"]
    return email, token


# --- object level authorization (SC102, SC210, SC211) ---------------------------------

def test_idor_note(bed):
    # Note 4 is Bob's diary; Alice asks for it.
    resp = bed.get("/api/notes/4", bed.token("alice"))
    exploited = resp.status_code == 200 and "Bob's private thoughts" in resp.text
    assert exploited == bed.vulnerable
    # Her own note works on both.
    assert bed.get("/api/notes/2", bed.token("alice")).status_code == 200


def test_idor_user(bed):
    resp = bed.get("/api/users/3", bed.token("alice"))
    assert resp.status_code == 200
    exploited = "bob@notes.test" in resp.text or "+1 555 0102" in resp.text
    assert exploited == bed.vulnerable


def test_idor_delete_note(bed):
    created = bed.send("POST", "/api/notes", bed.token("bob"), json={"title": "bob temp", "body": "x"})
    note_id = created.json()["id"]
    bed.send("DELETE", f"/api/notes/{note_id}", bed.token("alice"))
    still_there = bed.get(f"/api/notes/{note_id}", bed.token("bob")).status_code == 200
    assert (not still_there) == bed.vulnerable


# --- authentication (SC101, SC103-SC106, SC201-SC205) ----------------------------------

def test_route_without_auth(bed):
    resp = bed.get("/api/stats")
    exploited = resp.status_code == 200 and "bob@notes.test" in resp.text
    assert exploited == bed.vulnerable


def test_blueprint_hook_forgets_a_route(bed):
    resp = bed.get("/api/exports/2/download")
    exploited = resp.status_code == 200 and "Bob export" in resp.text
    assert exploited == bed.vulnerable
    # The format list is public by design on both.
    assert bed.get("/api/exports/formats").status_code == 200


def test_tampered_signature_accepted(bed):
    header, payload, _sig = bed.token("alice").split(".")
    # Claim to be Bob, keep a signature that does not match.
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "3"
    tampered = f"{header}.{b64(claims)}.{base64.urlsafe_b64encode(b'x' * 32).rstrip(b'=').decode()}"
    resp = bed.get("/api/me", tampered)
    exploited = resp.status_code == 200 and "bob@notes.test" in resp.text
    assert exploited == bed.vulnerable


def test_legacy_token_scheme_accepts_anything(bed):
    resp = bed.get("/api/me", headers={"Authorization": "Token not-a-real-token"})
    exploited = resp.status_code == 200 and "alice@notes.test" in resp.text
    assert exploited == bed.vulnerable


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_alg_none_accepted(bed, alg):
    claims = claims_of(bed.token("alice"))
    claims["sub"] = "3"
    unsigned = f"{b64({'alg': alg, 'typ': 'JWT'})}.{b64(claims)}."
    resp = bed.get("/api/me", unsigned)
    exploited = resp.status_code == 200 and "bob@notes.test" in resp.text
    assert exploited == bed.vulnerable


def test_expired_token_accepted(bed):
    past = int((datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=2)).timestamp())
    resp = bed.get("/api/me", forge(bed, iat=past - 600, exp=past))
    assert (resp.status_code == 200) == bed.vulnerable
    # The same claims unexpired are accepted on both: the signature is right, only expiry differs.
    assert bed.get("/api/me", forge(bed)).status_code == 200


def test_token_in_query_string(bed):
    resp = bed.get("/api/me", params={"access_token": bed.token("alice")})
    assert (resp.status_code == 200) == bed.vulnerable


def test_documented_scope_not_enforced(bed):
    limited = forge(bed, scope="notes:read")
    resp = bed.get("/api/exports", limited)
    assert (resp.status_code == 200) == bed.vulnerable
    assert bed.get("/api/exports", bed.token("alice")).status_code == 200


def test_admin_function_reachable_by_user(bed):
    resp = bed.get("/api/admin/users", bed.token("alice"))
    assert (resp.status_code == 200) == bed.vulnerable
    assert bed.get("/api/admin/users", bed.token("admin")).status_code == 200


# --- logs (SC110, SC111, SC310, SC311) -------------------------------------------------

def test_authorization_header_logged(bed):
    token = bed.token("bob")
    bed.get("/api/notes", token)
    assert (token in bed.log.read_text()) == bed.vulnerable


def test_password_logged(bed):
    guess = "Wr0ng-guess-" + secrets.token_hex(4)
    bed.send("POST", "/api/login", json={"email": "bob@notes.test", "password": guess})
    assert (guess in bed.log.read_text()) == bed.vulnerable


# --- errors and debug (SC120, SC121, SC220, SC221) --------------------------------------

def test_traceback_in_response(bed):
    resp = bed.get("/api/notes/search", bed.token("alice"), params={"limit": "abc"})
    exploited = "Traceback (most recent call last)" in resp.text or ".py\", line" in resp.text
    assert exploited == bed.vulnerable


def test_werkzeug_debugger_console(bed):
    resp = bed.get("/console")
    exploited = resp.status_code == 200 and "Werkzeug Debugger" in resp.text
    assert exploited == bed.vulnerable


# --- secrets (SC130, SC131, SC170, SC250, SC301, SC320) ---------------------------------

def test_weak_jwt_secret(bed):
    # The dictionary word committed in leaky-notes/config.py verifies the app's tokens.
    try:
        jwt.decode(bed.token("alice"), "super-secret", algorithms=["HS256"])
        cracked = True
    except jwt.InvalidSignatureError:
        cracked = False
    assert cracked == bed.vulnerable


def test_env_file_served(bed):
    env = bed.get("/.env")
    config = bed.get("/config.py")
    exploited = (env.status_code == 200 and "AWS_SECRET_ACCESS_KEY" in env.text
                 and config.status_code == 200 and "JWT_SECRET" in config.text)
    assert exploited == bed.vulnerable


def test_provider_key_in_committed_config(bed):
    resp = bed.get("/settings.yaml")
    exploited = resp.status_code == 200 and re.search(r"sk_live_[0-9A-Za-z]{20,}", resp.text) is not None
    assert exploited == bed.vulnerable


# --- responses (SC140, SC141, SC230-SC232) ---------------------------------------------

def test_password_hash_in_response(bed):
    token = bed.token("alice")
    for path in ("/api/me", "/api/users", "/api/users/2"):
        resp = bed.get(path, token)
        assert resp.status_code == 200
        assert ("password_hash" in resp.text) == bed.vulnerable, path


def test_other_users_emails_in_listing(bed):
    resp = bed.get("/api/users", bed.token("alice"))
    assert resp.status_code == 200
    assert ("bob@notes.test" in resp.text) == bed.vulnerable


def test_token_reflected(bed):
    token = bed.token("alice")
    resp = bed.get("/api/debug/headers", token)
    assert resp.status_code == 200
    assert (token in resp.text) == bed.vulnerable


def test_tokens_stored_in_plaintext(bed):
    resp = bed.send("POST", "/api/tokens", bed.token("alice"), json={"name": "ci"})
    assert resp.status_code == 201
    pat = resp.json()["token"]
    conn = sqlite3.connect(bed.state / "notes.db")
    try:
        dump = "\n".join(conn.iterdump())
    finally:
        conn.close()
    assert (pat in dump) == bed.vulnerable


# --- mass assignment, login abuse (SC213, SC260, SC261) --------------------------------

def test_mass_assignment_profile_role(bed):
    _, token = register(bed)
    bed.send("PATCH", "/api/me", token, json={"display_name": "x", "role": "admin"})
    role = bed.get("/api/me", token).json()["role"]
    assert (role == "admin") == bed.vulnerable


def test_mass_assignment_registration_role(bed):
    _, token = register(bed, role="admin")
    role = bed.get("/api/me", token).json()["role"]
    assert (role == "admin") == bed.vulnerable


def test_user_enumeration(bed):
    unknown = bed.send("POST", "/api/login", json={"email": "nobody@notes.test", "password": "x"})
    wrong = bed.send("POST", "/api/login", json={"email": "alice@notes.test", "password": "x" + secrets.token_hex(3)})
    differs = unknown.status_code != wrong.status_code or unknown.text != wrong.text
    assert differs == bed.vulnerable


def test_login_not_rate_limited(bed):
    email, _ = register(bed)
    statuses = [
        bed.send("POST", "/api/login", json={"email": email, "password": f"bad-{i}"}).status_code for i in range(12)
    ]
    assert (429 not in statuses) == bed.vulnerable


# --- transport and headers (SC160, SC161, SC222, SC242, SC243) ---------------------------

def test_cors_reflects_any_origin_with_credentials(bed):
    resp = bed.get("/api/me", bed.token("alice"), headers={"Origin": "https://evil.example"})
    exploited = (resp.headers.get("Access-Control-Allow-Origin") == "https://evil.example"
                 and resp.headers.get("Access-Control-Allow-Credentials") == "true")
    assert exploited == bed.vulnerable


def test_token_cookie_readable_by_scripts(bed):
    password = login_helper.seed_passwords()["NOTES_ALICE_PASSWORD"]
    resp = bed.send("POST", "/api/login", json={"email": "alice@notes.test", "password": password})
    cookie = resp.headers.get("Set-Cookie", "")
    assert cookie.startswith("access_token=")
    exploited = "httponly" not in cookie.lower()
    assert exploited == bed.vulnerable


def test_authenticated_response_cacheable(bed):
    resp = bed.get("/api/me", bed.token("alice"))
    no_store = "no-store" in resp.headers.get("Cache-Control", "")
    assert (not no_store) == bed.vulnerable


def test_version_banner(bed):
    server = bed.get("/health").headers.get("Server", "")
    assert (re.search(r"\d+\.\d+", server) is not None) == bed.vulnerable


# --- tokens (SC302, SC303) ----------------------------------------------------------------

def test_token_claims_and_lifetime(bed):
    claims = claims_of(bed.token("alice"))
    lifetime = claims["exp"] - claims["iat"]
    exploited = "email" in claims and lifetime > 3600
    assert exploited == bed.vulnerable
