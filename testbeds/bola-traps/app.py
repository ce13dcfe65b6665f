"""Precision traps for the authorization tests: every endpoint here is correct, and each
looks like BOLA to a naive scanner. spillcheck must report nothing on it (with
`public-routes = ["GET /api/directory/*"]`; without it, the directory is an unauthenticated
route documented as needing a token, which is SC201).

    TRAP_TOKENS='alice=TOKEN_A,bob=TOKEN_B' python app.py --port 5000

Traps:
- /api/articles/{article_id}: public by design (documented `security: []`), sequential ids,
  other users' articles readable by anyone.
- /api/notes/{note_id}: owner-only, except note 10, which alice shares with bob (both see
  it in their own listings).
- /api/profile/{user_id}: ignores the id and answers the caller's own profile.
- /api/users/{user_id}: the caller's full profile, or a public profile of anyone else.
- /api/inbox/{message_id}: a stub that answers the same for any id.
- /api/directory/{user_id}: a staff directory without personal data, public by configuration.

GET /_requests lists the requests received (method, path), so tests can check what was tried.
"""
import argparse
import os

from flask import Flask, abort, g, jsonify, request

USERS = {
    1: {"id": 1, "name": "Alice", "email": "alice@traps.test", "phone": "+1 555 0201"},
    2: {"id": 2, "name": "Bob", "email": "bob@traps.test", "phone": "+1 555 0202"},
    3: {"id": 3, "name": "Carol", "email": "carol@traps.test", "phone": "+1 555 0203"},
}
NOTES = {
    1: {"id": 1, "owner_id": 1, "title": "Alice's groceries", "body": "apples, pears, oat milk"},
    2: {"id": 2, "owner_id": 1, "title": "Alice's plans", "body": "visit the coast in June"},
    3: {"id": 3, "owner_id": 2, "title": "Bob's diary", "body": "planted tomatoes today"},
    4: {"id": 4, "owner_id": 2, "title": "Bob's reading list", "body": "three novels and a cookbook"},
    10: {"id": 10, "owner_id": 1, "title": "Shared trip itinerary", "body": "train at 9, hotel by the sea", "shared_with": [2]},
}
ARTICLES = {i: {"id": i, "title": f"Article number {i}", "author": USERS[1 + i % 3]["name"]} for i in range(1, 6)}
INBOX = {1: [5, 6], 2: [7, 8], 3: []}


RECEIVED = []


def create_app():
    app = Flask(__name__)

    @app.before_request
    def record():
        if request.path != "/_requests":
            RECEIVED.append({"method": request.method, "path": request.path})

    @app.get("/_requests")
    def received():
        return jsonify(RECEIVED)

    tokens = dict(part.split("=", 1)[::-1] for part in os.environ.get("TRAP_TOKENS", "").split(",") if "=" in part)
    names = {"alice": 1, "bob": 2, "carol": 3}

    def require_user():
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or token.strip() not in tokens:
            abort(401)
        g.user_id = names[tokens[token.strip()]]

    def visible(note):
        return note["owner_id"] == g.user_id or g.user_id in note.get("shared_with", [])

    @app.after_request
    def no_store(response):
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(401)
    @app.errorhandler(404)
    def error(exc):
        return jsonify(error=exc.name.lower()), exc.code

    @app.get("/health")
    def health():
        return jsonify(status="ok")

    @app.get("/api/me")
    def me():
        require_user()
        return jsonify(USERS[g.user_id])

    @app.get("/api/notes")
    def notes():
        require_user()
        return jsonify([{"id": n["id"], "title": n["title"]} for n in NOTES.values() if visible(n)])

    @app.get("/api/notes/<int:note_id>")
    def note(note_id):
        require_user()
        n = NOTES.get(note_id)
        if n is None or not visible(n):
            abort(404)
        return jsonify(n)

    @app.get("/api/articles")
    def articles():
        return jsonify(list(ARTICLES.values()))

    @app.get("/api/articles/<int:article_id>")
    def article(article_id):
        a = ARTICLES.get(article_id)
        if a is None:
            abort(404)
        return jsonify(a)

    @app.get("/api/profile/<int:user_id>")
    def profile(user_id):
        require_user()
        return jsonify(USERS[g.user_id])

    @app.get("/api/users/<int:user_id>")
    def user(user_id):
        require_user()
        u = USERS.get(user_id)
        if u is None:
            abort(404)
        return jsonify(u if user_id == g.user_id else {"id": u["id"], "name": u["name"]})

    @app.get("/api/inbox")
    def inbox():
        require_user()
        return jsonify([{"id": m} for m in INBOX[g.user_id]])

    @app.get("/api/inbox/<int:message_id>")
    def message(message_id):
        require_user()
        return jsonify(status="coming soon", detail="The message viewer is coming soon, stay tuned")

    @app.get("/api/directory/<int:user_id>")
    def directory(user_id):
        u = USERS.get(user_id)
        if u is None:
            abort(404)
        return jsonify(id=u["id"], name=u["name"], team="engineering")

    @app.get("/openapi.json")
    def spec():
        secured = [{"bearer": []}]

        def op(param=None, example=None, security=None):
            o = {"security": secured if security is None else security, "responses": {"200": {"description": "ok"}}}
            if param:
                o["parameters"] = [{"name": param, "in": "path", "required": True, "schema": {"type": "integer"}, "example": example}]
            return {"get": o}

        return jsonify(
            {
                "openapi": "3.0.3",
                "info": {"title": "traps", "version": "1"},
                "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
                "paths": {
                    "/health": op(security=[]),
                    "/api/me": op(),
                    "/api/notes": op(),
                    "/api/notes/{note_id}": op("note_id"),
                    "/api/articles": op(security=[]),
                    "/api/articles/{article_id}": op("article_id", 1, security=[]),
                    "/api/profile/{user_id}": op("user_id"),
                    "/api/users/{user_id}": op("user_id"),
                    "/api/inbox": op(),
                    "/api/inbox/{message_id}": op("message_id"),
                    "/api/directory/{user_id}": op("user_id", 2),
                },
            }
        )

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    import waitress

    waitress.serve(create_app(), host="127.0.0.1", port=args.port, threads=8, ident="traps")
