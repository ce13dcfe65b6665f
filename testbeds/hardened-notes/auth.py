"""Bearer-token authentication: every request's token is verified (signature,
algorithm, expiry, issuer) and the identity comes only from the verified token."""
import datetime
from functools import wraps

import jwt
from flask import abort, current_app, g, request

import db


def issue_token(user):
    now = datetime.datetime.now(datetime.timezone.utc)
    claims = {
        "sub": str(user["id"]),
        "scope": "notes:read notes:write exports:read",
        "iss": current_app.config["JWT_ISSUER"],
        "iat": now,
        "exp": now + datetime.timedelta(minutes=current_app.config["TOKEN_LIFETIME_MINUTES"]),
    }
    return jwt.encode(claims, current_app.config["JWT_SECRET"], algorithm=current_app.config["JWT_ALGORITHM"])


def decode_token(token):
    return jwt.decode(  # ok: SC104
        token,
        current_app.config["JWT_SECRET"],
        algorithms=["HS256"],  # ok: SC105
        issuer=current_app.config["JWT_ISSUER"],
        options={"require": ["exp", "sub", "iss"]},
    )


def bearer_token():
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def authenticate():
    token = bearer_token()
    if token is None:
        abort(401)
    try:
        claims = decode_token(token)
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


def require_scope(scope):
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            claims = authenticate()
            if scope not in claims.get("scope", "").split():
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def require_role(role):
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            claims = authenticate()
            row = db.query_one("SELECT role FROM users WHERE id = ?", (claims["sub"],))
            if row is None or row["role"] != role:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator
