from flask import abort, request


def bearer():
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[7:]
    token = request.args.get("access_token")
    if not token:
        token = request.values["jwt"]
    if not token:
        abort(401)
    return token
