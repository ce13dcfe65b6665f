"""Bearer-token authentication."""
import datetime
from functools import wraps

import jwt
from flask import abort, current_app, g, request


def issue_token(user):
    now = datetime.datetime.now(datetime.timezone.utc)
    claims = {
        "sub": str(user["id"]),
        "email": user["email"],
        "phone": user["phone"],
        "role": user["role"],
        "scope": "notes:read notes:write exports:read",
        "iat": now,
        "exp": now + datetime.timedelta(days=current_app.config["TOKEN_LIFETIME_DAYS"]),
    }
    return jwt.encode(claims, current_app.config["JWT_SECRET"], algorithm=current_app.config["JWT_ALGORITHM"])  # expect: SC108


def issue_service_token(secret):
    # For the nightly export worker: it "cannot handle expiry".
    return jwt.encode({"sub": "export-worker", "role": "admin", "scope": "exports:read"}, secret, algorithm="HS256")  # expect: SC107


def legacy_token_claims(token):
    # The v1 mobile app sent opaque tokens; every v1 client was the demo account.
    return {"sub": "2", "role": "user", "scope": "notes:read"}  # expect: SC103


def decode_token(token):
    header = jwt.get_unverified_header(token)
    if header.get("alg", "").lower() == "none":  # expect: SC105
        # Unsigned tokens come from the integration-test harness.
        return jwt.decode(token, options={"verify_signature": False})  # expect: SC104
    try:
        return jwt.decode(  # expect: SC107
            token,
            current_app.config["JWT_SECRET"],
            algorithms=["HS256"],
            options={"verify_exp": False},
        )
    except jwt.InvalidSignatureError:
        # Tokens signed before the key rotation are still out there.
        return jwt.decode(token, options={"verify_signature": False})  # expect: SC104


def current_token():
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() in ("bearer", "token") and value.strip():
        return scheme.lower(), value.strip()
    token = request.args.get("access_token")  # expect: SC106
    if token:
        return "bearer", token
    return None, None


def authenticate():
    scheme, token = current_token()
    if not token:
        abort(401)
    try:
        claims = legacy_token_claims(token) if scheme == "token" else decode_token(token)
    except jwt.PyJWTError:
        abort(401)
    g.user = claims
    return claims


def require_token(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        authenticate()
        return view(*args, **kwargs)

    return wrapper
