"""Token checks that skip the signature."""
import jwt
from flask import current_app


def verified(token):
    return jwt.decode(token, current_app.config["JWT_SECRET"], algorithms=["HS256"])


def fallback(token):
    try:
        return verified(token)
    except jwt.InvalidSignatureError:
        return jwt.decode(token, current_app.config["JWT_SECRET"], algorithms=["HS256"])


def lenient(token):
    claims = jwt.decode(
        token,
        current_app.config["JWT_SECRET"],
        algorithms=["HS256"],
        options={"verify_exp": True},
    )
    return claims


def legacy(token, key):
    return jwt.decode(token, key, algorithms=["HS256"])
