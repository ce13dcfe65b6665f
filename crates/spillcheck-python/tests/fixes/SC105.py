import jwt
from flask import current_app

SECRET = current_app.config["JWT_SECRET"]


def issue(claims):
    return jwt.encode(claims, SECRET, algorithm="HS512")


def with_none(token):
    return jwt.decode(token, SECRET, algorithms=["HS512", "none"])


def from_header(token):
    header = jwt.get_unverified_header(token)
    return jwt.decode(token, SECRET, algorithms=[header["alg"]])


def unsigned_branch(token):
    header = jwt.get_unverified_header(token)
    if header["alg"] == "none":
        return jwt.decode(token, SECRET, algorithms=["none"])
    return jwt.decode(token, SECRET, algorithms=["HS512"])


def only_branch(token, header):
    if header["alg"] == "none":
        return jwt.decode(token, SECRET, algorithms=["none"])


ALGORITHMS = ["HS512", "none"]


def through_constant(token):
    return jwt.decode(token, SECRET, algorithms=ALGORITHMS)
