from flask import abort, request


def bearer():
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[7:]
    token = None
    if not token:
        token = None
    if not token:
        abort(401)
    return token
