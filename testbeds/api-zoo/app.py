"""The API zoo: shapes real Flask APIs have and the other testbeds do not, each planted once
where it is a weakness and once where it is safe. No API description: the probe learns the
operations from the code (`spillcheck scan`) and the bodies from what the handlers read.

    ZOO_TOKENS='alice=TOKEN_A,bob=TOKEN_B' python app.py --port 5000

Planted (see expected.toml):
- GET  /api/users/<username>      string ids: any user reads any profile (email, phone)
- POST /api/transfers             the exception text of a float() on the body is answered
- GET  /api/statements/<period>   the exception text of parsing a path parameter is answered
- POST /api/password/forgot       unknown users get 404, known ones 200 (enumeration)
- POST /api/login                 no rate limit on failed logins (registration needs four
                                  fields, among them an email and a full name)
- GET  /api/keys                  lists the caller's API keys in full (seen once one exists)
- GET  /api/ledger?account_number= any account's entries: the id is a query parameter, the
                                  caller's own number is in /api/me
- POST /api/cards/<id>/freeze     freezes any user's card (cards are private: the listing
                                  shows the caller's own)
- POST /api/purchases             charges any user's card named in the body ({"card_id"})
- POST /api/password/reset        a 4-digit PIN checked with no limit on wrong guesses
- POST /api/cards/<id>/limit      owner-checked, but every key of the body is copied onto the
                                  card: the owner sets the balance the bank keeps (mass
                                  assignment)
- PUT  /api/users/<name>/password any caller sets any user's password (account takeover);
                                  withheld from every phase but the takeover check, which
                                  needs B's password (--user for B) and sets it back
- GET  /api/users/<name>/contacts/<id>  nested ids: any user reads a contact (name, phone)
                                  of any user's address book
- POST /api/users/<name>/follow   answers with the followed user's profile, email included
- POST /api/profile/bio           a JSON list for the body: the AttributeError text is answered
- POST /api/cards/<id>/exchange   owner-checked, but the body overrides the rate the bank
                                  applies (its answer shows the rate used)
- POST /api/cards/<id>/settings   owner-checked, every body key is a column of the update:
                                  the owner sets `current_balance` (the listing's `balance`),
                                  a name only the update's answer and its errors show
- POST /api/wallets/<id>/cap      any user changes any wallet's cap; found only through the API
                                  description a documentation page names (ZOO_DOCS=1; with
                                  ZOO_DOCS=protected both answer signed-in users only;
                                  ZOO_DOCS=linked: no page, the index's `describedby` names it), whose
                                  `cap` field the handler refuses by name (`wallet_cap`)
- GET  /api/vault/<title>         any user reads any entry's secret by its title; the create
                                  answers only {"status": "success"} (the title B sent names it)
- PATCH /api/vault/<title>        anyone rewrites any entry's secret without a token (the
                                  decorator was forgotten)
- PUT  /api/orders/<id>           any user rewrites any order, though only its owner reads
                                  it; the create answers the new id as `order_id` only
- POST /api/memos                 anyone adds a memo without a token (the decorator was
                                  forgotten), though GET /api/memos lists the caller's only
- PATCH /api/tasks/<id>            any user changes any task; tasks are made only under one of
                                  the caller's projects (POST /api/projects/<id>/tasks)
- GET  /api/journal               lists every user's private journal entries, each naming
                                  its owner; GET /api/journal/<id> reads any entry
- GET  /api/admin/reseed          an administrator's wipe any signed-in user runs (sent
                                  last, once, by a scan with writes allowed)
- PATCH /api/drafts/<id>          any user edits anyone's draft (drafts are made elsewhere:
                                  the scan changes one of B's own and sets it back)
- GET  /api/v3/crews              JSON:API (jsonapi.openapi.json): every crew's contacts
- PATCH /api/v3/me                writes every attribute of `data.attributes`, `role` too
- GET  /api/v3/submissions?student=  any student's submissions by user name
- GET  /api/v3/courses/<slug>/reset-progress  "Teachers only" in its description, no check
- GET  /api/v3/roster             every company's drivers: birth dates, licences, addresses
- GET  /api/v3/work-orders?since= a bad date answers its traceback (`status` is validated
                                  first: all parameters bad at once answer 400)
- GET  /api/v3/documents          with ZOO_V3_DOCS=forgeable, any token at all (its own
                                  security scheme in jsonapi.openapi.json)
- POST /api/register              copies `is_admin` from the body: a new account is an
                                  administrator, as GET /api/members shows
- GET  /api/web/users/<username>  behind the session cookie the JSON login also sets (no
                                  token read): any member reads any member's phone; found
                                  when A and B log in with --user
- GET  /api/me/card               the contact card of whoever the `X-Username` header names
                                  (the client writes it)
- PATCH /api/invoices/<number>    any user rewrites any invoice; invoices are addressed by
                                  their number (INV-…), not by the `id` the create answers
                                  beside it
- GET  /api/customers/<id>/notes  any user reads the notes on any user's customer (a CRM:
                                  customers are records each user keeps, not users)
- GET  /api/timesheets?owner=      any user's timesheets, by the user name in `owner` (the
                                  caller's own without it); a made-up `cursor` is refused
                                  (400), so a listing sent with one shows nothing
- GET  /api/boards/<slug>/cards/<n>  nested, the card keyed by its number on the board (`n`,
                                  no `id`): any user reads a card of any user's board
- PATCH /api/pins/<id>             any user edits anyone's pin; without `If-Match` (the ETag
                                  of the pin's read) every write is refused with 428
- GET  /api/workspaces/<ws_id>/tasks/<task_id>  nested: the caller must be a member of the
                                  workspace in the path, but the task is never tied to it:
                                  A reads B's task under A's own workspace
- GET  /api/ledgers/<account_id>/lines/<line_id>  nested, the parent an opaque bank
                                  `account_id` (a record of B's, from B's /api/ledgers, not
                                  B's user account): any ledger's line
- GET  /api/remarks?note=         any note's remarks: the note is named in the query by the
                                  collection's noun, a slug of GET /api/notes (no `id`)
- GET  /api/merchants/me          a merchant's own API key in full; merchants are another kind
                                  of account (their own registration and login), so only the
                                  scan's own merchant account reads it
- POST /api/merchants/redeem      a merchant's redemption of a user's gift card, declined for
                                  a wrong expiry, still answers the card's balance: the code
                                  alone reveals it
Safe (must stay silent):
- POST /api/payments              the same input validated with a message for users
- POST /api/keys                  shows the new key once, to its creator
- POST /api/v2/password/forgot    one answer for every user name
- GET  /api/account/summary       answers 200 {"status": "fail"} to anonymous callers
- GET  /dashboard                 a browser page behind a session login: redirects to
                                  /login?next=... whatever token is sent
- GET  /api/notes/<slug>          owner-checked, slugs as ids
- GET  /api/v2/remarks?note=      the same remarks, the note's owner only
- GET  /api/ledgers/<account_id>/payees, /api/payees  the payees of the caller's own ledgers
                                  with their emails: the caller's business, not a leak
- GET  /api/logout                revokes the caller's token; GET /api/maintenance/compact
                                  deletes every note (its code says so, not its path): never
                                  to be sent
- GET  /api/admin/v2/reseed       an administrator's wipe, refused to other users
- GET  /api/v3/crew               JSON:API (jsonapi.openapi.json): the caller's own crew's
                                  contacts, each user their own
- GET  /api/v3/grades?student=    the caller's own grades only
- GET  /api/v3/courses/<slug>/reset-grades  "Teachers only", and the role is checked
- GET  /api/v3/roster/mine        the caller's own company's drivers
- PATCH /api/v2/drafts/<id>       the owner's only
- GET  /api/v2/ledger             the same ledger, owner-checked
- GET  /api/v2/vault/<title>      the same vault, an entry read only by its owner
- GET  /api/web/v2/users/<username>  the same session page, the member's own profile only
- GET  /api/v2/me/card            the same header, honoured only when it names the caller
- PATCH /api/v2/vault/<title>     the same rewrite, by the entry's owner only
- PUT  /api/v2/orders/<id>        the same orders, rewritten by their owner only
- POST /api/v2/memos              the same memos, added by a signed-in user only
- GET  /api/invoices/<number>     the same invoices, read by their owner only
- GET  /api/customers, /api/customers/<id>  the caller's own customers with their emails and
                                  phones: contacts the caller keeps, not other users' data
- POST /api/feedback              a feedback form anyone may send, though only the staff
                                  list it (GET /api/feedback: 403 for users)
- POST /api/cards/<id>/rename     owner-checked (403 for someone else's card)
- POST /api/v2/cards/<id>/limit   the limit only: other keys of the body are ignored
- POST /api/cards/<id>/convert    the bank's rate only
- POST /api/cards/<id>/preferences the label and the limit only
- PUT  /api/v2/users/<name>/password  the caller's own password only (403 for another user)
- GET  /api/v2/users/<name>/contacts/<id>  the owner of the address book only
- PATCH /api/v2/pins/<id>          the same locked edit, the owner's only
- GET  /api/workspaces/<ws_id>/files/<file_id>  members only, the file tied to its workspace
- GET  /api/diaries/<name>/entries/<n>  the owner only; entries are numbered per user, so
                                  B's entry 1 under A's name is A's own entry 1
- POST /api/v2/purchases          the same, owner-checked (403 for someone else's card)
- POST /api/v2/password/reset     locks after five wrong PINs (429)
- POST /api/users/<name>/mute     answers without the muted user's data
- POST /api/v2/profile/bio        a list for the body gets a message written for users
- GET  /api/merchants/stats       a merchant's figures, no secret
- POST /api/v2/merchants/redeem   the same redemption, a decline says nothing of the card

POST /api/login accepts one shape of credentials, picked by ZOO_LOGIN (json, nested, secret
({"email", "secret"}, documented in login-secret.openapi.json), basic, form; basic-get: none, the login is GET /api/accounts/<name>/token with HTTP Basic; auth: none,
the login is POST /auth, answering the token inside a JSON-RPC-like envelope, as OTP servers
do; ZOO_ISSUE=header-bytes: the login answers the token in its `Authorization` header as
Python prints bytes, `b'…'`). ZOO_SCHEME says where tokens go back: bearer (default), token (`Authorization: Token
…`), bare (`Authorization: …`, no scheme), header (`X-Auth-Token: …`), cookie (the login
sets the token in an HttpOnly cookie `access_token_cookie` and its answer carries none),
session (`X-Zoo-Session: …`, a header no list of usual ones holds: only the code says so),
session-hint (the same, and refusals say `"hint": "send X-Zoo-Session"`), apikey
(`Authorization: ApiKey …`, a scheme only the refusals' `WWW-Authenticate: ApiKey` names).
ZOO_ME_PATH moves GET /api/me (named in the index at /api then, as `me`), so no usual
path answers the caller's own profile; ZOO_LOOSE=1 adds GET /api/notices, named in the index,
which serves any Authorization value of 16 characters or more (planted SC202): where tokens
go must not be learnt from it.
ZOO_LOGIN=web: the only login is a browser form (POST /login) that opens a session and answers
no token (ZOO_API_LOGIN_PATH=/api/auth/login keeps a JSON login beside it, at that path); ZOO_SECRET_KEY sets the key Flask signs that session with (random by default);
ZOO_CSRF=1 makes its form carry a cross-site request token, as Flask-WTF's does;
ZOO_WEB_PATH moves that form (and where it posts) to another path, which only the front page
leads to (a sign-up form comes first on its page); ZOO_API_KEYS=1 adds an API key login
(POST /api/key) whose key only a POST reads;
ZOO_SESSION=unsigned keeps the session as base64 JSON that nothing signs (planted: edit the
cookie, be anyone). ZOO_LOGIN_LIMIT limits failed logins per client (xff: the client told by X-Forwarded-For,
planted; ip: by the connection, safe); ZOO_TOKEN_STYLE=itsdangerous issues untimed
itsdangerous tokens (planted: they never expire). ZOO_REFRESH=never adds a refresh token to the
login's answer, a JWT without `exp` (planted); =30d one that expires in thirty days (safe). Tokens from POST /api/login (any user, with `--user NAME:PASSWORD`: alice / alice-pw-7Qx!,
bob / bob-pw-9Tz!; ZOO_PASSWORD_CHECK=none makes it ignore the password, planted) stop working after ZOO_TOKEN_USES requests when that is set, so a scanner
must log in again mid-scan. GET /_logins counts the successful logins. ZOO_MEMBERS=off drops
GET /api/members, so only a new account's own /api/me shows the is_admin it registered with;
ZOO_REGISTER_ADMIN=ignored makes the registration ignore is_admin (safe); =default makes every
new account an administrator whatever it sends (no mass assignment: a design choice).
ZOO_SETTINGS=open makes PUT /api/me/settings take `is_staff` from the body (planted);
ZOO_REGISTER=off closes the registration (403), so a scan has no account of its own and
GET /_staff lists who is staff; =anonymous refuses a signed-in caller's registration (400,
"only when not logged in"), as Flask-Security does. ZOO_LOGOUT=forgetful makes GET /api/logout answer that the caller is logged out and revoke
nothing (planted: the token keeps working); by default it revokes the caller's tokens.

GET /_requests lists the requests received (method, path), so tests can check what was sent.
"""
import argparse
import base64
import datetime
import json
import os
import secrets
import traceback

from flask import Flask, abort, g, jsonify, redirect, request, session
from flask.sessions import SecureCookieSession, SessionInterface

RECEIVED = []
LOGINS = []
STAFF = set()  # user names whose settings say is_staff (for tests)


def seed():
    users = {
        "alice": {"username": "alice", "email": "alice@zoo.test", "phone": "+1 555 0301",
                  "full_name": "Alice Liddell", "password": "alice-pw-7Qx!",
                  "account_number": "4000000001", "pin": "8264"},
        "bob": {"username": "bob", "email": "bob@zoo.test", "phone": "+1 555 0302",
                "full_name": "Bob Builder", "password": "bob-pw-9Tz!",
                "account_number": "4000000002", "pin": "1937"},
    }
    notes = {
        "alice-groceries": {"slug": "alice-groceries", "owner": "alice", "body": "apples, pears"},
        "bob-diary": {"slug": "bob-diary", "owner": "bob", "body": "planted tomatoes"},
    }
    return users, notes


class UnsignedSessions(SessionInterface):
    """Planted (ZOO_SESSION=unsigned): the session cookie is base64 JSON, signed by nothing,
    as hand-rolled sessions often are; whoever edits it is whoever it names."""

    def open_session(self, app, request):
        raw = request.cookies.get(self.get_cookie_name(app), "")
        try:
            data = json.loads(base64.b64decode(raw)) if raw else {}
        except ValueError:
            data = {}
        return SecureCookieSession(data if isinstance(data, dict) else {})

    def save_session(self, app, session, response):
        name = self.get_cookie_name(app)
        if not session:
            if session.modified:
                response.delete_cookie(name)
            return
        value = base64.b64encode(json.dumps(dict(session)).encode()).decode()
        response.set_cookie(name, value, httponly=True)


def create_app():
    app = Flask(__name__)
    # ZOO_SECRET_KEY: the session's signing key (planted when it is a common word).
    app.secret_key = os.environ.get("ZOO_SECRET_KEY") or secrets.token_hex(16)
    if os.environ.get("ZOO_SESSION") == "unsigned":
        app.session_interface = UnsignedSessions()
    state = {}
    state["users"], state["notes"] = seed()
    ledger = {
        "4000000001": [{"amount": 42.0, "memo": "seeds and a watering can"}],
        "4000000002": [{"amount": 12.5, "memo": "rent for the garden flat"}],
    }
    cards = {}  # id -> {"id", "owner", "label", "frozen"}
    contacts = {
        "alice": [{"id": 1, "name": "Dina Dormouse", "phone": "+1 555 0411"}],
        "bob": [{"id": 2, "name": "Carol Carpenter", "phone": "+1 555 0412"}],
    }

    follows = set()  # (follower, followed)
    wrong_pins = {}  # user name -> wrong PINs given to /api/v2/password/reset
    tokens = dict(part.split("=", 1)[::-1] for part in os.environ.get("ZOO_TOKENS", "").split(",") if "=" in part)
    uses_left = {}  # login tokens that expire: token -> requests left
    max_uses = int(os.environ.get("ZOO_TOKEN_USES", "0"))

    @app.before_request
    def record():
        if request.path != "/_requests":
            g.received = {"method": request.method, "path": request.path,
                             "names_password": "password" in request.get_data(as_text=True),
                             "marked": "spillcheck-" in request.get_data(as_text=True),
                             "if_match": "If-Match" in request.headers,
                             "label": (request.get_json(silent=True) or {}).get("label")
                             if request.is_json and isinstance(request.get_json(silent=True), dict) else None}
            RECEIVED.append(g.received)

    @app.after_request
    def headers(response):
        # The answer's status beside the request (refused writes are logged too).
        if "received" in g:
            g.received["status"] = response.status_code
        response.headers["Cache-Control"] = "no-store"
        response.headers["Server"] = "zoo"
        return response

    @app.get("/_requests")
    def received():
        return jsonify(RECEIVED)

    @app.get("/_logins")
    def logins():
        return jsonify(LOGINS)

    @app.get("/_staff")
    def staff():
        return jsonify(sorted(STAFF))

    @app.get("/health")
    def health():
        return jsonify(status="ok")

    # The API's index names an operation as "METHOD /path" text, as hand-written indexes do.
    @app.get("/api")
    def api_index():
        links = dict(service="api-zoo", boards="GET /api/boards", remarks="/api/remarks")
        if os.environ.get("ZOO_ME_PATH"):
            links["me"] = os.environ["ZOO_ME_PATH"]
        if os.environ.get("ZOO_LOOSE"):
            links["notices"] = "/api/notices"
            links["housekeeping"] = "/api/housekeeping/reset-demo"
        # ZOO_DOCS=linked: the description is named only here, at no usual path.
        if os.environ.get("ZOO_DOCS") == "linked":
            links["describedby"] = "/static/zoo-openapi.json"
        return jsonify(links)

    if os.environ.get("ZOO_LOOSE"):

        @app.get("/api/notices")
        def notices():
            # Planted: any long enough value passes, whatever its scheme.
            value = request.headers.get("Authorization", "")
            if len(value.partition(" ")[2] or value) < 16:
                return jsonify(error="authentication required"), 401
            return jsonify(
                notices=[
                    {
                        "id": 1,
                        "text": "Maintenance on Sunday night",
                        "_links": {"self": "/api/notices/1", "archive": "/api/notices/1/archive",
                                   "replies": "/api/notices/1/replies"},
                    }
                ]
            )

        # A listing named only by a link, whose POST only its OPTIONS answer names (no
        # description, no form). Planted: a malformed body answers the traceback (SC220).
        @app.route("/api/notices/<int:n>/replies", methods=["GET", "POST"])
        def notice_replies(n):
            if len(request.headers.get("Authorization", "")) < 16:
                return jsonify(error="authentication required"), 401
            if request.method == "POST":
                try:
                    body = request.get_json(force=True)
                    return jsonify(id=2, notice=n, text=body["text"].strip()), 201
                except Exception:
                    return jsonify(error="bad reply", detail=traceback.format_exc()), 500
            return jsonify(replies=[{"id": 1, "notice": n, "text": "noted"}])

        # GETs with side effects, named only in links (a scan must never send them).
        @app.get("/api/notices/<int:n>/archive")
        def archive_notice(n):
            if len(request.headers.get("Authorization", "")) < 16:
                return jsonify(error="authentication required"), 401
            return jsonify(archived=n)

        @app.get("/api/housekeeping/reset-demo")
        def reset_demo():
            if len(request.headers.get("Authorization", "")) < 16:
                return jsonify(error="authentication required"), 401
            return jsonify(reset=True)

    # ZOO_SCHEME: where the API takes tokens back.
    token_scheme = os.environ.get("ZOO_SCHEME", "bearer")

    def presented():
        """The token the request carries where this API takes it, else None."""
        if token_scheme == "header":
            return request.headers.get("X-Auth-Token", "").strip() or None
        if token_scheme in ("session", "session-hint"):
            return request.headers.get("X-Zoo-Session", "").strip() or None
        if token_scheme == "cookie":
            return request.cookies.get("access_token_cookie") or None
        value = request.headers.get("Authorization", "").strip()
        if token_scheme == "bare":
            return value if value and " " not in value else None
        scheme, _, token = value.partition(" ")
        return token.strip() if scheme.lower() == token_scheme else None

    def token_required(view):
        def wrapper(*args, **kwargs):
            if request.path == "/api/me" and os.environ.get("ZOO_ME_PATH"):
                # ZOO_ME_PATH: the profile lives elsewhere; the usual path is not there.
                return jsonify(error="not found"), 404
            token = presented() or ""
            name = tokens.get(token) if token else None
            if token in uses_left:
                if uses_left[token] <= 0:
                    return jsonify(error="token expired"), 401
                uses_left[token] -= 1
            if name not in state["users"]:
                if token_scheme == "session-hint":
                    return jsonify(error="authentication required", hint="send X-Zoo-Session"), 401
                if token_scheme == "apikey":
                    # The scheme only the refusal's WWW-Authenticate names.
                    return jsonify(error="authentication required"), 401, {"WWW-Authenticate": 'ApiKey realm="zoo"'}
                return jsonify(error="authentication required"), 401
            g.user = state["users"][name]
            return view(*args, **kwargs)
        wrapper.__name__ = view.__name__
        return wrapper

    def public(user):
        return {k: user.get(k, "") for k in ("username", "email", "phone", "full_name")}

    # Planted: the caller's contact card, for whoever a header the client writes names
    # (a proxy was meant to set it).
    @app.get("/api/me/card")
    @token_required
    def my_card():
        name = request.headers.get("X-Username") or g.user["username"]
        user = state["users"].get(name)
        if user is None:
            abort(404)
        return jsonify(public(user))

    # Safe: the same header, honoured only when it names the caller.
    @app.get("/api/v2/me/card")
    @token_required
    def my_card_v2():
        name = request.headers.get("X-Username") or g.user["username"]
        if name != g.user["username"]:
            return jsonify(error="you can only read your own card"), 403
        return jsonify(public(g.user))

    # Planted: the stewards' roster, for whoever says in a header that they are a steward
    # (the web client sends it when it shows its steward menu).
    def steward_required(view):
        def wrapper(*args, **kwargs):
            role = request.headers.get("X-Zoo-Role") or g.user.get("role")
            if role not in ("steward", "admin"):
                return jsonify(error="stewards only"), 403
            return view(*args, **kwargs)
        wrapper.__name__ = view.__name__
        return wrapper

    @app.get("/api/roster")
    @token_required
    @steward_required
    def roster():
        return jsonify([public(u) for u in state["users"].values()])

    # Safe: a header chooses how the roster is shown; the role comes from the account.
    @app.get("/api/v2/roster")
    @token_required
    def roster_v2():
        full = request.headers.get("X-Zoo-View", "compact") == "full"
        if g.user.get("role") not in ("steward", "admin"):
            return jsonify(error="stewards only"), 403
        return jsonify([public(u) if full else u["username"] for u in state["users"].values()])

    @app.get("/api/me")
    @token_required
    def me():
        return jsonify(dict(public(g.user), account_number=g.user.get("account_number", ""),
                            is_admin=bool(g.user.get("is_admin"))))

    if os.environ.get("ZOO_ME_PATH"):
        app.add_url_rule(os.environ["ZOO_ME_PATH"], "whoami", me)

    # Planted: the account number is a query parameter and nothing compares it with the
    # caller's. Any number answers (an empty list when it names no account).
    @app.get("/api/ledger")
    @token_required
    def ledger_of():
        number = request.args.get("account_number", "")
        return jsonify(account_number=number, entries=ledger.get(number, []))

    # Safe: the same, owner-checked.
    @app.get("/api/v2/ledger")
    @token_required
    def ledger_v2():
        number = request.args.get("account_number", "")
        if number != g.user.get("account_number"):
            return jsonify(error="not your account"), 403
        return jsonify(account_number=number, entries=ledger.get(number, []))

    # Cards are private: each user lists their own.
    @app.get("/api/cards")
    @token_required
    def my_cards():
        return jsonify(cards=[c for c in cards.values() if c["owner"] == g.user["username"]])

    @app.post("/api/cards")
    @token_required
    def new_card():
        data = request.get_json(silent=True) or {}
        card = {"id": len(cards) + 1, "owner": g.user["username"],
                "label": str(data.get("label", "card")), "frozen": False, "spent": 0.0,
                "limit": 100.0, "balance": 0.0}
        cards[card["id"]] = card
        return jsonify(card=card), 201

    # Planted: any user freezes any card.
    @app.post("/api/cards/<int:card_id>/freeze")
    @token_required
    def freeze(card_id):
        card = cards.get(card_id) or abort(404)
        card["frozen"] = not card["frozen"]
        return jsonify(status="ok", frozen=card["frozen"])

    # A card's history: empty until its owner tops it up (owner-checked), so only a scanner
    # that puts B's card to use first has B's data to find in A's answer.
    history = {}  # card id -> entries

    @app.post("/api/cards/<int:card_id>/topup")
    @token_required
    def topup(card_id):
        card = cards.get(card_id) or abort(404)
        if card["owner"] != g.user["username"]:
            return jsonify(error="not your card"), 403
        try:
            amount = float((request.get_json(silent=True) or {}).get("amount"))
        except (TypeError, ValueError):
            return jsonify(error="amount must be a number"), 400
        card["balance"] += amount
        history.setdefault(card_id, []).append(
            {"kind": "topup", "amount": amount, "reference": "TOP-" + secrets.token_hex(6)})
        return jsonify(status="ok", balance=card["balance"])

    # Planted: any user reads any card's history.
    @app.get("/api/cards/<int:card_id>/history")
    @token_required
    def card_history(card_id):
        cards.get(card_id) or abort(404)
        return jsonify(entries=history.get(card_id, []))

    # Safe: the same, owner-checked.
    @app.get("/api/v2/cards/<int:card_id>/history")
    @token_required
    def card_history_v2(card_id):
        card = cards.get(card_id) or abort(404)
        if card["owner"] != g.user["username"]:
            return jsonify(error="not your card"), 403
        return jsonify(entries=history.get(card_id, []))

    # Planted: the card to charge comes from the body and is never checked.
    @app.post("/api/purchases")
    @token_required
    def purchase():
        data = request.get_json(silent=True) or {}
        card = cards.get(int(data.get("card_id") or 0)) or abort(404)
        card["spent"] += float(data.get("amount") or 0)
        return jsonify(status="charged", card_id=card["id"])

    # Safe: the same, owner-checked.
    @app.post("/api/v2/purchases")
    @token_required
    def purchase_v2():
        data = request.get_json(silent=True) or {}
        card = cards.get(int(data.get("card_id") or 0)) or abort(404)
        if card["owner"] != g.user["username"]:
            return jsonify(error="not your card"), 403
        card["spent"] += float(data.get("amount") or 0)
        return jsonify(status="charged", card_id=card["id"])

    # Safe: the same kind of change, owner-checked.
    @app.post("/api/cards/<int:card_id>/rename")
    @token_required
    def rename(card_id):
        card = cards.get(card_id) or abort(404)
        if card["owner"] != g.user["username"]:
            return jsonify(error="not your card"), 403
        card["label"] = str((request.get_json(silent=True) or {}).get("label", card["label"]))
        return jsonify(card=card)

    # Planted: the owner sets the card's limit, and whatever else the body names (the
    # balance the bank keeps among it).
    @app.post("/api/cards/<int:card_id>/limit")
    @token_required
    def set_limit(card_id):
        card = cards.get(card_id) or abort(404)
        if card["owner"] != g.user["username"]:
            return jsonify(error="not your card"), 403
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            return jsonify(error="send a JSON object"), 400
        for key, value in data.items():
            if key in card and key not in ("id", "owner"):
                card[key] = value
        return jsonify(status="updated", card_id=card["id"])

    # Safe: the same, the limit only.
    @app.post("/api/v2/cards/<int:card_id>/limit")
    @token_required
    def set_limit_v2(card_id):
        card = cards.get(card_id) or abort(404)
        if card["owner"] != g.user["username"]:
            return jsonify(error="not your card"), 403
        data = request.get_json(silent=True) or {}
        try:
            card["limit"] = float(data.get("limit", card["limit"]))
        except (TypeError, ValueError):
            return jsonify(error="limit must be a number"), 400
        return jsonify(status="updated", card_id=card["id"])

    # A foreign top-up of the caller's own card at the bank's rate (0.92). `client_rate`:
    # every key of the body overrides the conversion, the rate among them (planted).
    def top_up(card_id, client_rate):
        card = cards.get(card_id) or abort(404)
        if card["owner"] != g.user["username"]:
            return jsonify(error="not your card"), 403
        data = request.get_json(silent=True) or {}
        conversion = {"amount": data.get("amount", 0), "rate": 0.92}
        if client_rate:
            conversion.update(data)
        try:
            credited = round(float(conversion["amount"]) * float(conversion["rate"]), 2)
        except (TypeError, ValueError):
            return jsonify(error="amount must be a number"), 400
        if credited <= 0:
            return jsonify(error="amount must be positive"), 400
        card["balance"] += credited
        return jsonify(status="ok", conversion={"card_id": card_id, "rate": conversion["rate"],
                                                "credited": credited})

    # Planted: the client sends its own rate and is credited more.
    @app.post("/api/cards/<int:card_id>/exchange")
    @token_required
    def exchange(card_id):
        return top_up(card_id, client_rate=True)

    # Safe: the same, the bank's rate only.
    @app.post("/api/cards/<int:card_id>/convert")
    @token_required
    def convert(card_id):
        return top_up(card_id, client_rate=False)

    # The card's row as a database stores it: the listing calls `current_balance`
    # `balance` and `card_limit` `limit`.
    columns = {"label": "label", "card_limit": "limit", "current_balance": "balance"}

    # An update of the caller's own card, every key of the body a column of the UPDATE
    # (`writable`: the columns it sets; an unknown one fails with the database's error
    # text, or with `unknown` a message for users).
    def update_row(card_id, writable, unknown):
        card = cards.get(card_id) or abort(404)
        if card["owner"] != g.user["username"]:
            return jsonify(error="not your card"), 403
        data = request.get_json(silent=True) or {}
        for key in data:
            if key not in columns:
                return unknown(key)
        for key in writable:
            if key in data:
                card[columns[key]] = data[key]
        return jsonify(status="updated", card={"id": card["id"], **{
            col: card[key] for col, key in columns.items()}})

    # Planted: the balance among the columns the body sets.
    @app.post("/api/cards/<int:card_id>/settings")
    @token_required
    def settings(card_id):
        return update_row(card_id, columns, lambda key: (
            jsonify(error=f'column "{key}" of relation "cards" does not exist'), 500))

    # Safe: the same, the label and the limit only.
    @app.post("/api/cards/<int:card_id>/preferences")
    @token_required
    def preferences(card_id):
        return update_row(card_id, ("label", "card_limit"), lambda key: (
            jsonify(error=f'unknown setting "{key}"'), 400))

    # Wallets: the API description (served behind a documentation page only with
    # ZOO_DOCS=1) names the cap field `cap`; the handlers take `wallet_cap`, the name the
    # create uses, and refuse an unknown field naming it. Only a probe that reads the
    # description from the page and repairs the body from the error changes a cap at all.
    # Every user starts with a wallet of their own.
    wallets = {
        i + 1: {"id": i + 1, "owner": name, "label": "everyday", "wallet_cap": 50.0}
        for i, name in enumerate(sorted(state["users"]))
    }

    def wallet_view(w):
        return {"id": w["id"], "label": w["label"], "cap": w["wallet_cap"]}

    @app.get("/api/wallets")
    @token_required
    def my_wallets():
        mine = [wallet_view(w) for w in wallets.values() if w["owner"] == g.user["username"]]
        return jsonify(wallets=mine)

    @app.post("/api/wallets")
    @token_required
    def new_wallet():
        data = request.get_json(silent=True) or {}
        try:
            cap = float(data.get("wallet_cap", 50))
        except (TypeError, ValueError):
            return jsonify(error="wallet_cap must be a number"), 400
        w = {"id": len(wallets) + 1, "owner": g.user["username"],
             "label": str(data.get("label", "wallet")), "wallet_cap": cap}
        wallets[w["id"]] = w
        return jsonify(wallet=wallet_view(w)), 201

    def set_cap(w):
        data = request.get_json(silent=True)
        if not isinstance(data, dict) or not data:
            return jsonify(error="send the fields to change"), 400
        for key, value in data.items():
            if key not in ("wallet_cap", "label"):
                return jsonify(error=f'unknown field "{key}"'), 400
        for key, value in data.items():
            w[key] = float(value) if key == "wallet_cap" else str(value)
        return jsonify(wallet=wallet_view(w))

    # Planted: any user changes any wallet's cap.
    @app.post("/api/wallets/<int:wallet_id>/cap")
    @token_required
    def wallet_cap(wallet_id):
        return set_cap(wallets.get(wallet_id) or abort(404))

    # Safe: the same, owner-checked.
    @app.post("/api/v2/wallets/<int:wallet_id>/cap")
    @token_required
    def wallet_cap_v2(wallet_id):
        w = wallets.get(wallet_id) or abort(404)
        if w["owner"] != g.user["username"]:
            return jsonify(error="not your wallet"), 403
        return set_cap(w)

    if os.environ.get("ZOO_DOCS"):
        # ZOO_DOCS=protected: the page and the description answer signed-in users only
        # (401 to anonymous callers), as mwdb-core's /api/docs does.
        guard = token_required if os.environ["ZOO_DOCS"] == "protected" else (lambda view: view)

        @app.get("/api/docs/" if os.environ["ZOO_DOCS"] != "linked" else "/_no-docs-page")
        @guard
        def docs_page():
            return ('<html><body><div id="swagger-ui"></div><script>var user_config = '
                    '{"dom_id": "#swagger-ui", "url": "/static/zoo-openapi.json"};</script>'
                    "</body></html>")

        @app.get("/static/zoo-openapi.json")
        @guard
        def zoo_spec():
            number = {"type": "number", "example": 80}
            cap = {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"cap": number}}}}}
            create = {"content": {"application/json": {"schema": {
                "type": "object",
                "properties": {"wallet_cap": number, "label": {"type": "string"}}}}}}
            wallet_id = [{"name": "wallet_id", "in": "path", "required": True,
                          "schema": {"type": "integer"}}]
            bearer = [{"bearer": []}]
            return jsonify({
                "openapi": "3.0.3",
                "info": {"title": "zoo wallets", "version": "1"},
                "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
                "paths": {
                    "/api/wallets": {
                        "get": {"security": bearer, "responses": {"200": {"description": "ok"}}},
                        "post": {"security": bearer, "requestBody": create,
                                 "responses": {"201": {"description": "created"}}},
                    },
                    "/api/wallets/{wallet_id}/cap": {"post": {
                        "security": bearer, "parameters": wallet_id, "requestBody": cap,
                        "responses": {"200": {"description": "ok"}}}},
                    "/api/v2/wallets/{wallet_id}/cap": {"post": {
                        "security": bearer, "parameters": wallet_id, "requestBody": cap,
                        "responses": {"200": {"description": "ok"}}}},
                },
            })

    # Planted: any caller sets any user's password (the path names the user). Only a
    # scan that logs B in with a password can prove it (B logs in with A's choice).
    @app.put("/api/users/<username>/password")
    @token_required
    def set_password(username):
        user = state["users"].get(username) or abort(404)
        data = request.get_json(silent=True) or {}
        if not isinstance(data.get("password"), str) or len(data["password"]) < 8:
            return jsonify(error="a password of 8 characters or more is required"), 400
        user["password"] = data["password"]
        return jsonify(status="password changed")

    # Safe: the same, for the caller's own account only.
    @app.put("/api/v2/users/<username>/password")
    @token_required
    def set_password_v2(username):
        if username != g.user["username"]:
            return jsonify(error="you can only change your own password"), 403
        user = state["users"][username]
        data = request.get_json(silent=True) or {}
        if not isinstance(data.get("password"), str) or len(data["password"]) < 8:
            return jsonify(error="a password of 8 characters or more is required"), 400
        user["password"] = data["password"]
        return jsonify(status="password changed")

    # A user's own address book, listed for its owner only.
    @app.get("/api/users/<username>/contacts")
    @token_required
    def contact_list(username):
        if username != g.user["username"]:
            return jsonify(error="not your address book"), 403
        return jsonify(contacts=contacts.get(username, []))

    # Planted: one contact of any user's address book, for any caller (nested ids).
    @app.get("/api/users/<username>/contacts/<int:contact_id>")
    @token_required
    def contact(username, contact_id):
        for c in contacts.get(username, []):
            if c["id"] == contact_id:
                return jsonify(c)
        return jsonify(error="no such contact"), 404

    # Safe: the same, for the owner of the address book only.
    @app.get("/api/v2/users/<username>/contacts/<int:contact_id>")
    @token_required
    def contact_v2(username, contact_id):
        if username != g.user["username"]:
            return jsonify(error="not your address book"), 403
        for c in contacts.get(username, []):
            if c["id"] == contact_id:
                return jsonify(c)
        return jsonify(error="no such contact"), 404

    # Planted: following answers with the followed user's whole profile.
    @app.post("/api/users/<username>/follow")
    @token_required
    def follow(username):
        user = state["users"].get(username) or abort(404)
        follows.add((g.user["username"], username))
        return jsonify(following=public(user))

    @app.delete("/api/users/<username>/follow")
    @token_required
    def unfollow(username):
        follows.discard((g.user["username"], username))
        return "", 204

    # Safe: muting answers with no data of the muted user.
    @app.post("/api/users/<username>/mute")
    @token_required
    def mute(username):
        if username not in state["users"]:
            abort(404)
        return jsonify(status="muted")

    # Planted: the body is assumed to be an object; the exception text is answered.
    @app.post("/api/profile/bio")
    @token_required
    def set_bio():
        try:
            data = request.get_json(silent=True)
            g.user["bio"] = str(data.get("bio", ""))
            return jsonify(status="saved")
        except Exception as e:  # noqa: BLE001
            return jsonify(error=str(e)), 500

    # Safe: the same, with a message written for users.
    @app.post("/api/v2/profile/bio")
    @token_required
    def set_bio_v2():
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            return jsonify(error="send a JSON object with a bio"), 400
        g.user["bio"] = str(data.get("bio", ""))
        return jsonify(status="saved")

    # Planted: string ids, no owner check.
    @app.get("/api/users/<username>")
    @token_required
    def user_profile(username):
        user = state["users"].get(username)
        if user is None:
            abort(404)
        return jsonify(public(user))

    # Safe: slugs, owner-checked.
    @app.get("/api/notes")
    @token_required
    def my_notes():
        return jsonify([n for n in state["notes"].values() if n["owner"] == g.user["username"]])

    @app.get("/api/notes/<slug>")
    @token_required
    def note(slug):
        n = state["notes"].get(slug)
        if n is None or n["owner"] != g.user["username"]:
            return jsonify(error="not found"), 404
        return jsonify(n)

    # Ledgers: each user's bank ledgers, keyed by an opaque `account_id` (a bank account,
    # not the user's account). Planted: any ledger's line by the nested path. Safe: the
    # payees of the caller's own ledgers, with the payees' emails (the caller's business).
    ledgers = {
        "lg-7f3a91c2": {"account_id": "lg-7f3a91c2", "owner": "alice", "name": "Household"},
        "lg-2b8e64d0": {"account_id": "lg-2b8e64d0", "owner": "bob", "name": "Workshop"},
    }
    ledger_lines = {
        "lg-7f3a91c2": [{"line_id": 11, "memo": "rent", "amount": -950}],
        "lg-2b8e64d0": [{"line_id": 21, "memo": "lathe repair", "amount": -420}],
    }
    payees = {
        "lg-7f3a91c2": [{"account_id": "lg-7f3a91c2", "payee": "Landlord", "email": "rent@flats-ltd.test"}],
        "lg-2b8e64d0": [{"account_id": "lg-2b8e64d0", "payee": "Tool hire", "email": "desk@toolhire.test"}],
    }

    def own_ledger(account_id):
        ledger = ledgers.get(account_id)
        return ledger if ledger and ledger["owner"] == g.user["username"] else None

    @app.get("/api/ledgers")
    @token_required
    def my_ledgers():
        return jsonify(ledgers=[x for x in ledgers.values() if x["owner"] == g.user["username"]])

    @app.get("/api/ledgers/<account_id>/lines")
    @token_required
    def ledger_lines_of(account_id):
        if own_ledger(account_id) is None:
            return jsonify(error="not found"), 404
        return jsonify(lines=ledger_lines[account_id])

    @app.get("/api/ledgers/<account_id>/lines/<int:line_id>")
    @token_required
    def ledger_line(account_id, line_id):
        # Planted: the ledger's owner is never compared with the caller.
        for line in ledger_lines.get(account_id, []):
            if line["line_id"] == line_id:
                return jsonify(line)
        return jsonify(error="not found"), 404

    @app.get("/api/ledgers/<account_id>/payees")
    @token_required
    def ledger_payees(account_id):
        if own_ledger(account_id) is None:
            return jsonify(error="not found"), 404
        return jsonify(payees=payees[account_id])

    @app.get("/api/payees")
    @token_required
    def all_my_payees():
        mine = [a for a, x in ledgers.items() if x["owner"] == g.user["username"]]
        return jsonify(payees=[p for a in mine for p in payees[a]])

    # Remarks on notes, the note named in the query by the collection's noun (`?note=`, a
    # slug of GET /api/notes), as webargs-style APIs take it; without it, a 400 says which
    # field is missing. Planted: any note's remarks. Safe (v2): the note's owner only.
    remarks = {"alice-groceries": ["buy oat milk too"], "bob-diary": ["water them daily"]}

    def remarks_of(owner_checked):
        slug = request.args.get("note")
        if not slug:
            return jsonify(errors={"query": {"note": ["Missing data for required field."]}}), 400
        n = state["notes"].get(slug)
        if n is None or owner_checked and n["owner"] != g.user["username"]:
            return jsonify(error="not found"), 404
        return jsonify(note=slug, remarks=[{"text": t, "by": n["owner"]} for t in remarks.get(slug, [])])

    @app.get("/api/remarks")
    @token_required
    def note_remarks():
        return remarks_of(False)

    @app.get("/api/v2/remarks")
    @token_required
    def note_remarks_v2():
        return remarks_of(True)

    # Planted: the exception's text reaches the client.
    @app.post("/api/transfers")
    @token_required
    def transfer():
        data = request.get_json(silent=True) or {}
        try:
            amount = float(data["amount"])
            return jsonify(status="ok", to=str(data.get("to_account", "")), amount=amount)
        except Exception as e:  # noqa: BLE001 - the weakness
            return jsonify(error=str(e)), 500

    # Planted: a string path parameter the handler parses; the exception text is answered.
    @app.get("/api/statements/<period>")
    @token_required
    def statement(period):
        try:
            year, month = period.split("-")
            return jsonify(year=int(year), month=int(month), lines=[])
        except Exception as e:  # noqa: BLE001 - the weakness
            return jsonify(error=str(e)), 500

    # Safe: validated, a message written for users.
    @app.post("/api/payments")
    @token_required
    def payment():
        data = request.get_json(silent=True) or {}
        raw = data.get("amount")
        if not isinstance(raw, (int, float)) or isinstance(raw, bool):
            return jsonify(error="amount must be a number"), 400
        return jsonify(status="ok", amount=raw)

    # An API key is shown once when created (safe); the listing shows every key in full
    # (planted: only a write reveals it, the listing is empty before).
    keys = {}

    @app.post("/api/keys")
    @token_required
    def create_key():
        name = (request.get_json(silent=True) or {}).get("name", "default")
        key = {"id": len(keys) + 1, "owner": g.user["username"], "name": str(name),
               "api_key": "zk_live_" + secrets.token_hex(16)}
        keys[key["id"]] = key
        return jsonify(key), 201

    @app.get("/api/keys")
    @token_required
    def list_keys():
        return jsonify([k for k in keys.values() if k["owner"] == g.user["username"]])

    # Invoices addressed by their number: the read is owner-checked (safe), the update is
    # not (planted). The create answers an `id` too, which addresses nothing.
    invoices = {}

    @app.post("/api/invoices")
    @token_required
    def create_invoice():
        data = request.get_json(silent=True) or {}
        n = len(invoices) + 7
        inv = {"id": n, "number": f"INV-2026-{n:04d}", "owner": g.user["username"],
               "description": str(data.get("description", "")), "amount": 0, "status": "draft"}
        try:
            inv["amount"] = float(data.get("amount", 0))
        except (TypeError, ValueError):
            return jsonify(error="amount must be a number"), 400
        invoices[inv["number"]] = inv
        return jsonify(inv), 201

    @app.get("/api/invoices")
    @token_required
    def my_invoices():
        return jsonify([i for i in invoices.values() if i["owner"] == g.user["username"]])

    @app.get("/api/invoices/<number>")
    @token_required
    def invoice(number):
        inv = invoices.get(number)
        if inv is None or inv["owner"] != g.user["username"]:
            return jsonify(error="not found"), 404
        return jsonify(inv)

    @app.patch("/api/invoices/<number>")
    @token_required
    def update_invoice(number):
        inv = invoices.get(number)
        if inv is None:
            return jsonify(error="not found"), 404
        data = request.get_json(silent=True) or {}
        if "description" in data:
            inv["description"] = str(data["description"])
        return jsonify(inv)

    # A CRM: each user keeps customers (contacts with their own emails and phones). The
    # listing and the read are the caller's own (safe); the notes on a customer are read
    # without asking whose customer it is (planted).
    customers = {
        101: {"id": 101, "owner": "alice", "name": "Northwind Studio",
              "email": "billing@northwind.test", "phone": "+1 555 0501"},
        201: {"id": 201, "owner": "bob", "name": "Ride Club",
              "email": "club@rideclub.test", "phone": "+1 555 0502"},
        202: {"id": 202, "owner": "bob", "name": "Harbour Bakery",
              "email": "orders@harbour.test", "phone": "+1 555 0503"},
    }
    customer_notes = {
        101: ["pays on the 5th"],
        201: ["treasurer is Ken, discount 10%"],
        202: ["do not call after 6pm"],
    }

    @app.get("/api/customers")
    @token_required
    def my_customers():
        return jsonify([c for c in customers.values() if c["owner"] == g.user["username"]])

    @app.get("/api/customers/<int:customer_id>")
    @token_required
    def customer(customer_id):
        c = customers.get(customer_id)
        if c is None or c["owner"] != g.user["username"]:
            return jsonify(error="not found"), 404
        return jsonify(c)

    @app.get("/api/customers/<int:customer_id>/notes")
    @token_required
    def customer_notes_of(customer_id):
        if customer_id not in customers:
            return jsonify(error="not found"), 404
        notes = [{"customer_id": customer_id, "body": b} for b in customer_notes.get(customer_id, [])]
        return jsonify(customer_id=customer_id, notes=notes)

    # Timesheets, filtered by whose they are (`owner`, the caller by default) and paged by
    # an opaque cursor the listing hands out: any owner may be named (planted).
    timesheets = [
        {"id": 1, "owner": "alice", "day": "2026-11-02", "hours": 6, "note": "garden plan"},
        {"id": 2, "owner": "bob", "day": "2026-11-03", "hours": 8, "note": "client Harbour: invoice dispute"},
    ]

    @app.get("/api/timesheets")
    @token_required
    def timesheet_list():
        owner = request.args.get("owner") or g.user["username"]
        cursor = request.args.get("cursor")
        after = 0
        if cursor:
            try:
                after = int(base64.urlsafe_b64decode(cursor.encode()).decode())
            except ValueError:
                return jsonify(error="bad cursor"), 400
        rows = [t for t in timesheets if t["owner"] == owner and t["id"] > after]
        return jsonify(data=rows, next_cursor=None)

    # Boards, each card keyed by its number on the board (`n`): the board and its listing
    # are the owner's (safe); a card is read without asking whose board it is (planted).
    boards = {
        "alice-garden": {"slug": "alice-garden", "owner": "alice", "title": "Garden"},
        "bob-workshop": {"slug": "bob-workshop", "owner": "bob", "title": "Workshop"},
    }
    cards_on = {
        "alice-garden": [{"n": 1, "title": "buy seeds", "body": "tomatoes, basil"}],
        "bob-workshop": [{"n": 1, "title": "alarm code", "body": "the shed alarm is 4471"}],
    }

    @app.get("/api/boards")
    @token_required
    def my_boards():
        return jsonify(boards=[b for b in boards.values() if b["owner"] == g.user["username"]])

    @app.get("/api/boards/<slug>/cards")
    @token_required
    def board_cards(slug):
        board = boards.get(slug)
        if board is None or board["owner"] != g.user["username"]:
            return jsonify(error="no such board"), 404
        return jsonify(cards=cards_on.get(slug, []))

    @app.get("/api/boards/<slug>/cards/<int:n>")
    @token_required
    def board_card(slug, n):
        card = next((c for c in cards_on.get(slug, []) if c["n"] == n), None)
        if card is None:
            return jsonify(error="no such card"), 404
        return jsonify(board=slug, **card)

    # Workspaces: each user is a member of their own. Planted: a task is read under any
    # workspace the caller belongs to, its own workspace never compared. Safe: files are
    # tied to theirs. Safe: diary entries are numbered per user (alice's 1, bob's 1).
    workspaces = {"ws-7f3a": {"id": "ws-7f3a", "name": "Garden club", "members": ["alice"]},
                  "ws-c21e": {"id": "ws-c21e", "name": "Workshop", "members": ["bob"]}}
    ws_tasks = {701: {"id": 701, "workspace": "ws-7f3a", "title": "order compost", "assignee": "alice"},
                702: {"id": 702, "workspace": "ws-c21e", "title": "renew the gate code 5530",
                      "assignee": "bob", "notes": "bob's insurance claim 88-1274"}}
    ws_files = {801: {"id": 801, "workspace": "ws-7f3a", "name": "plan.pdf", "size": 1200},
                802: {"id": 802, "workspace": "ws-c21e", "name": "contract-bob.pdf", "size": 5400,
                      "owner_email": "bob@example.com"}}
    diaries = {"alice": [{"n": 1, "mood": "calm", "words": 120, "text": "quiet day at the allotment"}],
               "bob": [{"n": 1, "mood": "calm", "words": 130, "text": "quiet day at the workbench"}]}

    def member_of(ws_id):
        ws = workspaces.get(ws_id)
        return ws is not None and g.user["username"] in ws["members"]

    @app.get("/api/workspaces")
    @token_required
    def my_workspaces():
        return jsonify(workspaces=[w for w in workspaces.values() if g.user["username"] in w["members"]])

    @app.get("/api/workspaces/<ws_id>/tasks")
    @token_required
    def workspace_tasks(ws_id):
        if not member_of(ws_id):
            return jsonify(error="not a member"), 403
        return jsonify(tasks=[t for t in ws_tasks.values() if t["workspace"] == ws_id])

    @app.get("/api/workspaces/<ws_id>/tasks/<int:task_id>")
    @token_required
    def workspace_task(ws_id, task_id):
        if not member_of(ws_id):
            return jsonify(error="not a member"), 403
        task = ws_tasks.get(task_id)
        if task is None:
            return jsonify(error="no such task"), 404
        return jsonify(task=task)

    @app.get("/api/workspaces/<ws_id>/files")
    @token_required
    def workspace_files(ws_id):
        if not member_of(ws_id):
            return jsonify(error="not a member"), 403
        return jsonify(files=[f for f in ws_files.values() if f["workspace"] == ws_id])

    @app.get("/api/workspaces/<ws_id>/files/<int:file_id>")
    @token_required
    def workspace_file(ws_id, file_id):
        if not member_of(ws_id):
            return jsonify(error="not a member"), 403
        f = ws_files.get(file_id)
        if f is None or f["workspace"] != ws_id:
            return jsonify(error="no such file"), 404
        return jsonify(file=f)

    @app.get("/api/diaries/<name>/entries")
    @token_required
    def diary(name):
        if name != g.user["username"]:
            return jsonify(error="not your diary"), 403
        return jsonify(entries=diaries.get(name, []))

    @app.get("/api/diaries/<name>/entries/<int:n>")
    @token_required
    def diary_entry(name, n):
        if name != g.user["username"]:
            return jsonify(error="not your diary"), 403
        entry = next((e for e in diaries.get(name, []) if e["n"] == n), None)
        if entry is None:
            return jsonify(error="no such entry"), 404
        return jsonify(entry)

    # Safe: anonymous callers get 200 with a failure body.
    @app.get("/api/account/summary")
    def account_summary():
        name = tokens.get(presented() or "")
        if name not in state["users"]:
            return jsonify(status="fail", message="authentication required")
        user = state["users"][name]
        return jsonify(status="success", data={"username": name, "email": user["email"], "balance": 120})

    # Safe: a browser page behind a session login.
    @app.get("/dashboard")
    def dashboard():
        if "user" not in session:
            return redirect("/login?next=/dashboard")
        return f"<h1>Hello {session['user']}</h1>"

    # Planted: an invitation link that logs a browser in with the API token in its path
    # (the token then sits in browser history, proxy logs and Referer headers).
    @app.get("/join/<token>")
    def join(token):
        name = tokens.get(token)
        if name not in state["users"]:
            return redirect("/login")
        session["user"] = name
        return redirect("/dashboard")

    # Safe: the same link takes a one-time invitation code of its own, never the API token.
    invitations = {}

    @app.get("/v2/join/<token>")
    def join_v2(token):
        name = invitations.pop(token, None)
        if name not in state["users"]:
            return redirect("/login")
        session["user"] = name
        return redirect("/dashboard")

    # ZOO_CSRF=1: the login form carries a cross-site request token bound to the session,
    # as Flask-WTF's does; a post without it is refused.
    csrf = os.environ.get("ZOO_CSRF") == "1"
    # ZOO_WEB_PATH: where the web login's form lives and posts (a path no list of usual
    # logins holds); the front page sends anonymous visitors there.
    web_path = os.environ.get("ZOO_WEB_PATH", "/login")

    @app.get(web_path)
    def login_page():
        token = ""
        if csrf:
            session["csrf"] = session.get("csrf") or secrets.token_urlsafe(16)
            token = f'<input id="csrf_token" name="csrf_token" type="hidden" value="{session["csrf"]}">'
        return (
            f'<form method="post" action="/signup"><input name="email"><input type="password" name="password"></form>'
            f'<form method="post" action="{web_path}">{token}<input name="username"><input type="password" name="password"></form>'
        )

    # Planted: an administrator's wipe any user may run (a scanner sends it last, with
    # writes allowed, as user A).
    @app.get("/api/admin/reseed")
    @token_required
    def reseed():
        state["users"], state["notes"] = seed()
        state["users"].clear()
        return jsonify(status="wiped")

    # Safe: the same for administrators only.
    @app.get("/api/admin/v2/reseed")
    @token_required
    def reseed_v2():
        if not g.user.get("is_admin"):
            return jsonify(error="administrators only"), 403
        state["users"], state["notes"] = seed()
        return jsonify(status="reseeded")

    # Its path says nothing; its code deletes every note (only the source tells).
    def run_sql(statement):
        if statement.startswith("DELETE FROM notes"):
            state["notes"].clear()

    @app.get("/api/maintenance/compact")
    @token_required
    def compact():
        run_sql("DELETE FROM notes WHERE archived = 1 OR 1 = 1")
        return jsonify(status="compacted")

    @app.get("/api/logout")
    @token_required
    def logout():
        for t, n in list(tokens.items()):
            if n == g.user["username"] and os.environ.get("ZOO_LOGOUT") != "forgetful":
                del tokens[t]
        return jsonify(status="logged out")

    # Registration needs more than a user name and a password.
    # The caller's own settings. ZOO_SETTINGS=open (planted): the update takes any key of
    # the body, `is_staff` (0 or 1) included; by default only the theme and the language.
    @app.get("/api/me/settings")
    @token_required
    def my_settings():
        u = g.user
        return jsonify(theme=u.get("theme", "light"), language=u.get("language", "en"),
                       is_staff=int(u.get("is_staff", 0)))

    @app.put("/api/me/settings")
    @token_required
    def update_my_settings():
        data = request.get_json(silent=True) or {}
        keys = ("theme", "language", "is_staff") if os.environ.get("ZOO_SETTINGS") == "open" \
            else ("theme", "language")
        for key in keys:
            if key in data:
                g.user[key] = int(data[key]) if key == "is_staff" else str(data[key])
        (STAFF.add if g.user.get("is_staff") else STAFF.discard)(g.user["username"])
        return my_settings()

    @app.post("/api/register")
    def register():
        if os.environ.get("ZOO_REGISTER") == "off":
            return jsonify(error="registration is closed"), 403
        if os.environ.get("ZOO_REGISTER") == "anonymous" and request.headers.get("Authorization"):
            return jsonify(error="You can only register when not logged in."), 400
        data = request.get_json(silent=True) or {}
        username = data.get("username")
        password = data.get("password")
        email = data.get("email")
        full_name = data.get("full_name")
        if not (username and password and email and full_name) or "@" not in str(email):
            return jsonify(error="username, password, email and full_name are required"), 400
        if username in state["users"]:
            return jsonify(error="taken"), 409
        state["users"][username] = {"username": username, "email": email, "phone": "",
                                    "full_name": full_name, "password": password,
                                    "pin": f"{secrets.randbelow(10000):04d}",
                                    # Planted: a new account may make itself an administrator
                                    # (ZOO_REGISTER_ADMIN=ignored: safe, the flag is never taken;
                                    # =default: every new account is one, whatever it sends).
                                    "is_admin": os.environ.get("ZOO_REGISTER_ADMIN") == "default"
                                    or (bool(data.get("is_admin", False))
                                        and os.environ.get("ZOO_REGISTER_ADMIN") != "ignored")}
        return jsonify(username=username), 201

    # Who is an administrator: user names and the flag, nothing personal. ZOO_MEMBERS=off
    # leaves it out: only an account's own /api/me shows its flag.
    if os.environ.get("ZOO_MEMBERS") != "off":
        @app.get("/api/members")
        @token_required
        def members():
            return jsonify(members=[{"username": u["username"], "is_admin": bool(u.get("is_admin"))}
                                    for u in state["users"].values()])

    # Planted: vault entries are named by their title (unique); the create answers only its
    # status, and any user reads any entry's secret by its title.
    vault = {}  # title -> {"title", "secret", "owner"}

    def vault_add():
        data = request.get_json(silent=True) or {}
        title, secret = str(data.get("title") or ""), str(data.get("secret") or "")
        if not title or not secret:
            return jsonify(status="fail", message="title and secret are required"), 400
        if title in vault:
            return jsonify(status="fail", message="title taken"), 409
        vault[title] = {"title": title, "secret": secret, "owner": g.user["username"]}
        return jsonify(status="success", message="Entry added."), 201

    @app.post("/api/vault")
    @token_required
    def vault_create():
        return vault_add()

    @app.get("/api/vault/<title>")
    @token_required
    def vault_entry(title):
        entry = vault.get(title)
        if entry is None:
            return jsonify(status="fail", message="no such entry"), 404
        return jsonify(title=entry["title"], secret=entry["secret"])

    def vault_rewrite(entry):
        data = request.get_json(silent=True) or {}
        if "secret" in data:
            entry["secret"] = str(data["secret"])
        return jsonify(status="success", message="Entry updated.")

    # Planted: the rewrite of an entry forgot its decorator: anyone, without a token,
    # changes any entry's secret.
    @app.patch("/api/vault/<title>")
    def vault_edit(title):
        entry = vault.get(title)
        if entry is None:
            return jsonify(status="fail", message="no such entry"), 404
        return vault_rewrite(entry)

    # Safe: the same, the entry read only by its owner.
    @app.post("/api/v2/vault")
    @token_required
    def vault_create_v2():
        return vault_add()

    @app.get("/api/v2/vault/<title>")
    @token_required
    def vault_entry_v2(title):
        entry = vault.get(title)
        if entry is None or entry["owner"] != g.user["username"]:
            return jsonify(status="fail", message="no such entry"), 404
        return jsonify(title=entry["title"], secret=entry["secret"])

    # Planted: an order's create answers its id under `order_id` (no `id`, no Location),
    # and any signed-in user rewrites any order, though only its owner reads it.
    orders = {}  # id -> {"id", "item", "user_id"}

    def user_number(name):
        return list(state["users"]).index(name) + 1

    def order_add():
        data = request.get_json(silent=True) or {}
        item = str(data.get("item") or "")
        if not item:
            return jsonify(status="fail", message="item is required"), 400
        oid = len(orders) + 1
        orders[oid] = {"id": oid, "item": item, "user_id": user_number(g.user["username"])}
        return jsonify(message="Order placed.", order_id=oid), 201

    def own_order(order_id):
        order = orders.get(order_id)
        if order is None or order["user_id"] != user_number(g.user["username"]):
            return None
        return order

    def order_rewrite(order):
        data = request.get_json(silent=True) or {}
        order["item"] = str(data.get("item") or order["item"])
        return jsonify(message="Order updated.")

    @app.post("/api/orders")
    @token_required
    def order_create():
        return order_add()

    @app.get("/api/orders/<int:order_id>")
    @token_required
    def order_read(order_id):
        order = own_order(order_id)
        if order is None:
            return jsonify(status="fail", message="no such order"), 404
        return jsonify(order)

    @app.put("/api/orders/<int:order_id>")
    @token_required
    def order_edit(order_id):
        order = orders.get(order_id)
        if order is None:
            return jsonify(status="fail", message="no such order"), 404
        return order_rewrite(order)

    # Safe: the same orders, rewritten by their owner only.
    @app.post("/api/v2/orders")
    @token_required
    def order_create_v2():
        return order_add()

    @app.get("/api/v2/orders/<int:order_id>")
    @token_required
    def order_read_v2(order_id):
        order = own_order(order_id)
        if order is None:
            return jsonify(status="fail", message="no such order"), 404
        return jsonify(order)

    @app.put("/api/v2/orders/<int:order_id>")
    @token_required
    def order_edit_v2(order_id):
        order = own_order(order_id)
        if order is None:
            return jsonify(status="fail", message="no such order"), 404
        return order_rewrite(order)

    # Planted: memos are listed per caller, but their create forgot its decorator: a
    # request without a token adds one (owned by nobody).
    memos = []  # {"id", "text", "owner"}

    def memo_add(owner):
        data = request.get_json(silent=True) or {}
        text = str(data.get("text") or "")
        if not text:
            return jsonify(status="fail", message="text is required"), 400
        memo = {"id": len(memos) + 1, "text": text, "owner": owner}
        memos.append(memo)
        return jsonify(id=memo["id"], text=memo["text"]), 201

    @app.get("/api/memos")
    @token_required
    def memo_list():
        return jsonify([{"id": m["id"], "text": m["text"]} for m in memos if m["owner"] == g.user["username"]])

    @app.post("/api/memos")
    def memo_create():
        who = getattr(g, "user", None)
        return memo_add(who["username"] if who else None)

    # Safe: the same memos, added by a signed-in user only.
    @app.get("/api/v2/memos")
    @token_required
    def memo_list_v2():
        return jsonify([{"id": m["id"], "text": m["text"]} for m in memos if m["owner"] == g.user["username"]])

    @app.post("/api/v2/memos")
    @token_required
    def memo_create_v2():
        return memo_add(g.user["username"])

    # Planted: journal entries are private, yet the listing shows every user's entries
    # (each naming its owner) and any signed-in user reads any entry by its id.
    journal = []  # {"id", "text", "owner"}

    def journal_add():
        data = request.get_json(silent=True) or {}
        text = str(data.get("text") or "")
        if not text:
            return jsonify(status="fail", message="text is required"), 400
        entry = {"id": len(journal) + 1, "text": text, "owner": g.user["username"]}
        journal.append(entry)
        return jsonify(entry), 201

    def journal_entry(entry_id, own_only):
        for entry in journal:
            if entry["id"] == entry_id and (not own_only or entry["owner"] == g.user["username"]):
                return jsonify(entry)
        return jsonify(status="fail", message="no such entry"), 404

    @app.get("/api/journal")
    @token_required
    def journal_list():
        return jsonify(entries=journal)

    @app.post("/api/journal")
    @token_required
    def journal_create():
        return journal_add()

    @app.get("/api/journal/<int:entry_id>")
    @token_required
    def journal_read(entry_id):
        return journal_entry(entry_id, own_only=False)

    # Safe: the same entries, listed and read by their owner only.
    @app.get("/api/v2/journal")
    @token_required
    def journal_list_v2():
        return jsonify(entries=[e for e in journal if e["owner"] == g.user["username"]])

    @app.post("/api/v2/journal")
    @token_required
    def journal_create_v2():
        return journal_add()

    @app.get("/api/v2/journal/<int:entry_id>")
    @token_required
    def journal_read_v2(entry_id):
        return journal_entry(entry_id, own_only=True)

    # Planted: tasks are made only under a project of the caller's
    # (POST /api/projects/<id>/tasks) and read by their owner only, but their flat update
    # lets any user change any task. Each user starts with a project of their own.
    projects = {1: {"id": 1, "name": "Garden", "owner": "alice"},
                2: {"id": 2, "name": "Kitchen", "owner": "bob"}}
    tasks = {}  # id -> {"id", "title", "project_id", "owner"}

    @app.get("/api/projects")
    @token_required
    def project_list():
        return jsonify(projects=[x for x in projects.values() if x["owner"] == g.user["username"]])

    @app.post("/api/projects/<int:project_id>/tasks")
    @token_required
    def task_create(project_id):
        project = projects.get(project_id)
        if project is None or project["owner"] != g.user["username"]:
            return jsonify(status="fail", message="no such project"), 404
        title = str((request.get_json(silent=True) or {}).get("title") or "")
        if not title:
            return jsonify(status="fail", message="title is required"), 400
        task = {"id": len(tasks) + 1, "title": title, "project_id": project_id,
                "owner": g.user["username"]}
        tasks[task["id"]] = task
        return jsonify(task), 201

    def own_task(task_id):
        task = tasks.get(task_id)
        return task if task is not None and task["owner"] == g.user["username"] else None

    def task_rewrite(task):
        if task is None:
            return jsonify(status="fail", message="no such task"), 404
        task["title"] = str((request.get_json(silent=True) or {}).get("title") or task["title"])
        return jsonify(task)

    @app.get("/api/tasks/<int:task_id>")
    @token_required
    def task_read(task_id):
        task = own_task(task_id)
        return jsonify(task) if task else (jsonify(status="fail", message="no such task"), 404)

    @app.patch("/api/tasks/<int:task_id>")
    @token_required
    def task_edit(task_id):
        return task_rewrite(tasks.get(task_id))

    # Safe: the same tasks, changed by their owner only.
    @app.get("/api/v2/tasks/<int:task_id>")
    @token_required
    def task_read_v2(task_id):
        task = own_task(task_id)
        return jsonify(task) if task else (jsonify(status="fail", message="no such task"), 404)

    @app.patch("/api/v2/tasks/<int:task_id>")
    @token_required
    def task_edit_v2(task_id):
        return task_rewrite(own_task(task_id))

    # Safe: a notice board every member reads; each notice names its author.
    notices = []  # {"id", "text", "author"}

    @app.get("/api/notices")
    @token_required
    def notice_list():
        return jsonify(notices=notices)

    @app.post("/api/notices")
    @token_required
    def notice_create():
        data = request.get_json(silent=True) or {}
        text = str(data.get("text") or "")
        if not text:
            return jsonify(status="fail", message="text is required"), 400
        notice = {"id": len(notices) + 1, "text": text, "author": g.user["username"]}
        notices.append(notice)
        return jsonify(notice), 201

    @app.get("/api/notices/<int:notice_id>")
    @token_required
    def notice_read(notice_id):
        for notice in notices:
            if notice["id"] == notice_id:
                return jsonify(notice)
        return jsonify(status="fail", message="no such notice"), 404

    # Safe: the showcase every visitor browses, by its path's own word public; each entry
    # names its owner's number, nothing personal.
    @app.get("/api/public/showcase")
    def showcase():
        return jsonify([{"id": 1, "title": "Garden planner", "owner_id": 1},
                        {"id": 2, "title": "Reading list", "owner_id": 2}])

    # Safe: a feedback form anyone may send; only the staff read what was sent.
    feedback = []

    @app.post("/api/feedback")
    def feedback_send():
        data = request.get_json(silent=True) or {}
        feedback.append({"id": len(feedback) + 1, "message": str(data.get("message") or "")})
        return jsonify(id=len(feedback), status="received"), 201

    @app.get("/api/feedback")
    @token_required
    def feedback_list():
        return jsonify(status="fail", message="staff only"), 403

    @app.patch("/api/v2/vault/<title>")
    @token_required
    def vault_edit_v2(title):
        entry = vault.get(title)
        if entry is None or entry["owner"] != g.user["username"]:
            return jsonify(status="fail", message="no such entry"), 404
        return vault_rewrite(entry)

    # Planted: no rate limit on failed logins. ZOO_LOGIN picks the one shape it accepts:
    # json {"username", "password"} (default), nested {"auth": {"credentials": {...}}},
    # secret {"email", "secret"} (the password named otherwise), basic (HTTP Basic on an
    # empty POST), form.
    shape = os.environ.get("ZOO_LOGIN", "json")

    def credentials():
        if shape == "basic":
            auth = request.authorization
            return (auth.username, auth.password) if auth else (None, None)
        if shape == "form":
            return request.form.get("username"), request.form.get("password")
        data = request.get_json(silent=True) or {}
        if shape == "nested":
            data = ((data.get("auth") or {}).get("credentials") or {})
        if shape == "passphrase":
            # {"login", "passphrase"}: names no other API uses, told only by the refusal.
            return data.get("login"), data.get("passphrase")
        if shape == "secret":
            # {"email", "secret"}: the password under another name; the email box takes a
            # user name too.
            who = str(data.get("email") or "")
            name = next((u["username"] for u in state["users"].values() if who in (u["email"], u["username"])), None)
            return name, data.get("secret")
        return data.get("username"), data.get("password")

    # ZOO_LOGIN_LIMIT=xff: three failed logins a minute per client, the client told by the
    # last X-Forwarded-For value (ProxyFix trusting a proxy that is not there): planted, a
    # client that names another address each time is never limited. =ip: the same limit
    # keyed on the connection's address: safe.
    limit_by = os.environ.get("ZOO_LOGIN_LIMIT", "")
    failures = {}  # client -> failed logins

    def client():
        forwarded = request.headers.get("X-Forwarded-For", "")
        if limit_by == "xff" and forwarded:
            return forwarded.split(",")[-1].strip()
        return request.remote_addr

    # ZOO_TOKEN_STYLE=itsdangerous: tokens are itsdangerous URLSafeSerializer payloads
    # (no timestamp: they never expire; planted SC303).
    signer = None
    if os.environ.get("ZOO_TOKEN_STYLE") == "itsdangerous":
        from itsdangerous import URLSafeSerializer
        signer = URLSafeSerializer(secrets.token_hex(16), salt="auth")

    def issue(username):
        token = signer.dumps([username]) if signer else secrets.token_urlsafe(24)
        tokens[token] = username
        if max_uses:
            uses_left[token] = max_uses
        LOGINS.append(username)
        return token

    def refused():
        if limit_by and failures.get(client(), 0) >= 3:
            return jsonify(error="too many attempts, try again later"), 429
        return None

    def failed():
        if limit_by:
            failures[client()] = failures.get(client(), 0) + 1
        return jsonify(error="invalid credentials"), 401

    # ZOO_API_LOGIN_PATH moves the API's login (with ZOO_LOGIN=web, a browser form at /login
    # opens a session the token routes refuse, and this login answers the token they take).
    moved_login = os.environ.get("ZOO_API_LOGIN_PATH")

    @app.post("/api/login")
    def login():
        if moved_login and request.path == "/api/login":
            abort(404)
        if (answer := refused()) is not None:
            return answer
        username, password = credentials()
        # ZOO_LOGIN=passphrase: a refusal answered 200 names the fields; the token is the
        # key of a session object, one envelope down.
        if shape == "passphrase":
            if not username or not password:
                return jsonify(ok=False, error="login and passphrase are required")
            if state["users"].get(username, {}).get("password") != password:
                return jsonify(ok=False, error="wrong login or passphrase")
            LOGINS.append(username)
            return jsonify(ok=True, data={"session": {"key": issue(username), "expires": "2099-01-01"}})
        user = state["users"].get(username)
        # ZOO_PASSWORD_CHECK=none (planted): the password is never compared, as in a demo
        # whose check was commented out: anyone who knows a name gets that user's token.
        checked = os.environ.get("ZOO_PASSWORD_CHECK") != "none"
        beside_web = shape == "web" and bool(moved_login)
        if (
            shape in ("basic-get", "auth", "web") and not beside_web
            or user is None
            or checked and user["password"] != password
        ):
            return failed()
        if token_scheme == "cookie":
            answer = jsonify(status="success", message="logged in")
            answer.set_cookie("access_token_cookie", issue(username), httponly=True)
            return answer
        if os.environ.get("ZOO_ISSUE") == "header-bytes":
            # As apps on PyJWT 1.x hand it out: in a response header, formatted from bytes.
            answer = jsonify(status="success", message="logged in")
            answer.headers["Authorization"] = "{0}".format(issue(username).encode())
            return answer
        # The web client's session opens with the same login, beside the token.
        session["member"] = username
        # ZOO_REFRESH: a refresh token beside the access token, a JWT that never expires
        # (planted, =never) or that expires in thirty days (safe, =30d).
        refresh = os.environ.get("ZOO_REFRESH")
        if refresh:
            import jwt

            claims = {"sub": username, "type": "refresh"}
            if refresh == "30d":
                claims["exp"] = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)
            key = secrets.token_hex(32)
            return jsonify(access_token=issue(username), refresh_token=jwt.encode(claims, key, algorithm="HS256"))
        return jsonify(access_token=issue(username))

    if moved_login:
        app.add_url_rule(moved_login, "login_moved", login, methods=["POST"])

    # ZOO_LOGIN=web: the only login is the browser's form at POST /login. It hands out no
    # token: it opens the session (the member pages below read it) and redirects to the
    # dashboard; wrong credentials go back to the login form.
    if shape == "web":
        @app.post(web_path)
        def web_login():
            if csrf and (not session.get("csrf") or request.form.get("csrf_token") != session["csrf"]):
                return "Bad Request: The CSRF token is missing.", 400
            name = request.form.get("username")
            user = state["users"].get(name)
            if user is None or user["password"] != request.form.get("password"):
                # A flashed error: the failed login sets a session cookie too.
                session["flash"] = "Invalid credentials"
                return redirect(web_path + "?error=1")
            LOGINS.append(name)
            session["member"] = name
            session["user"] = name
            # As Flask-Login keeps it: the account's number, which no page shows.
            session["_user_id"] = str(web_ids[name])
            return redirect("/dashboard")

        web_ids = {"alice": 1041, "bob": 1042}

        # ZOO_API_KEYS=1: an API key for scripts, handed out by POST /api/key for a user's
        # name and password and read only by POST /api/posts (header X-Zoo-Key): no read
        # takes it, so a scan signs in through the web login instead.
        if os.environ.get("ZOO_API_KEYS") == "1":
            api_keys = {}

            @app.post("/api/key")
            def api_key():
                data = request.get_json(silent=True) or {}
                user = state["users"].get(data.get("username"))
                if user is None or user["password"] != data.get("password"):
                    return jsonify(error="invalid login"), 403
                key = secrets.token_hex(32)
                api_keys[key] = data["username"]
                return jsonify(key=key)

            @app.post("/api/posts")
            def api_post():
                name = api_keys.get(request.headers.get("X-Zoo-Key", ""))
                if name is None:
                    return jsonify(error="unauthorized"), 401
                return jsonify(status="posted", by=name), 201

        # The front page: the member's links, or the way to the login.
        @app.get("/")
        def front():
            me = session.get("member")
            if me not in state["users"]:
                return redirect(web_path)
            return f'<p>{me}</p><a href="/web/accounts/{web_ids[me]}">My account</a> <a href="/logout">Sign out</a>'

        def page(name):
            user = state["users"][name]
            return f"<h1>{user['full_name']}</h1><p>{user['email']}</p><p>{user['phone']}</p>"

        # Planted: any member's account page by its number (the number is learnt from the
        # caller's own session cookie, which Flask signs but does not encrypt).
        @app.get("/web/accounts/<int:user_id>")
        def web_account_page(user_id):
            if session.get("member") not in state["users"]:
                return redirect("/login?next=" + request.path)
            name = next((n for n, i in web_ids.items() if i == user_id), None)
            if name is None:
                abort(404)
            return page(name)

        # Safe: the same page, the member's own only.
        @app.get("/web/v2/accounts/<int:user_id>")
        def web_account_page_v2(user_id):
            me = session.get("member")
            if me not in state["users"]:
                return redirect("/login?next=" + request.path)
            if web_ids[me] != user_id:
                abort(404)
            return page(me)

    def member_session(view):
        def wrapper(*args, **kwargs):
            if session.get("member") not in state["users"]:
                return jsonify(error="log in first"), 401
            return view(*args, **kwargs)
        wrapper.__name__ = view.__name__
        return wrapper

    # Planted: the web client's profile page data, behind the session the login opens (the
    # token is not read): any member reads any member's phone by user name.
    @app.get("/api/web/users/<username>")
    @member_session
    def web_profile(username):
        user = state["users"].get(username)
        if user is None:
            abort(404)
        return jsonify(public(user))

    # Safe: the same, the member's own profile only.
    @app.get("/api/web/v2/users/<username>")
    @member_session
    def web_profile_v2(username):
        user = state["users"].get(username)
        if user is None or username != session.get("member"):
            abort(404)
        return jsonify(public(user))

    # ZOO_LOGIN=auth: the only login is POST /auth; the token sits deep in an envelope.
    if shape == "auth":
        @app.post("/auth")
        def auth_login():
            if (answer := refused()) is not None:
                return answer
            data = request.get_json(silent=True) or {}
            user = state["users"].get(data.get("username"))
            if user is None or user["password"] != data.get("password"):
                return failed()
            return jsonify(jsonrpc="2.0", result={"status": True, "value": {
                "token": issue(user["username"]), "role": "user"}})

    # ZOO_LOGIN=basic-get: the only login is a GET of the account's own token endpoint with
    # HTTP Basic, the account naming itself in the path (as project-based apps do).
    @app.get("/api/accounts/<name>/token")
    def account_token(name):
        if (answer := refused()) is not None:
            return answer
        auth = request.authorization
        user = state["users"].get(name)
        if (shape != "basic-get" or auth is None or auth.username != name or user is None
                or user["password"] != auth.password):
            return failed()
        return jsonify(token=issue(name))

    # Planted: a 4-digit PIN resets the password, guesses unlimited.
    @app.post("/api/password/reset")
    def reset_password():
        data = request.get_json(silent=True) or {}
        user = state["users"].get(data.get("username"))
        if user is None or str(data.get("pin")) != user.get("pin"):
            return jsonify(error="wrong PIN"), 400
        user["password"] = str(data.get("new_password"))
        return jsonify(status="password changed")

    # Safe: five wrong PINs lock the reset.
    @app.post("/api/v2/password/reset")
    def reset_password_v2():
        data = request.get_json(silent=True) or {}
        name = data.get("username")
        if wrong_pins.get(name, 0) >= 5:
            return jsonify(error="too many attempts, try again later"), 429
        user = state["users"].get(name)
        if user is None or str(data.get("pin")) != user.get("pin"):
            wrong_pins[name] = wrong_pins.get(name, 0) + 1
            return jsonify(error="wrong PIN"), 400
        user["password"] = str(data.get("new_password"))
        return jsonify(status="password changed")

    # Merchants: another kind of account, with its own registration, login and token.
    merchants = {}  # email -> {"name", "email", "password", "api_key"}
    merchant_tokens = {}  # token -> email

    @app.post("/api/merchants/register")
    def merchant_register():
        data = request.get_json(silent=True) or {}
        name, email, password = data.get("name"), data.get("email"), data.get("password")
        if not (name and email and password) or email in merchants:
            return jsonify(error="name, email and password are required"), 400
        merchants[email] = {"id": len(merchants) + 1, "name": name, "email": email,
                            "password": password, "api_key": "mk_live_" + secrets.token_hex(16),
                            "sales": []}
        return jsonify(status="registered"), 201

    @app.post("/api/merchants/login")
    def merchant_login():
        data = request.get_json(silent=True) or {}
        m = merchants.get(data.get("email"))
        if m is None or m["password"] != data.get("password"):
            return jsonify(error="invalid credentials"), 401
        token = secrets.token_urlsafe(24)
        merchant_tokens[token] = m["email"]
        return jsonify(token=token)

    def merchant_required(view):
        def wrapper(*args, **kwargs):
            email = merchant_tokens.get(presented() or "")
            if email is None:
                return jsonify(error="merchant authentication required"), 401
            g.merchant = merchants[email]
            return view(*args, **kwargs)
        wrapper.__name__ = view.__name__
        return wrapper

    # Planted: the merchant's long-lived API key in full on every read.
    @app.get("/api/merchants/me")
    @merchant_required
    def merchant_me():
        return jsonify(merchant_id=g.merchant["id"], name=g.merchant["name"],
                       api_key=g.merchant["api_key"])

    # A merchant records its sales.
    @app.post("/api/merchants/sales")
    @merchant_required
    def merchant_sale():
        data = request.get_json(silent=True) or {}
        sale = {"id": sum(len(m["sales"]) for m in merchants.values()) + 1,
                "amount": data.get("amount"), "reference": "SALE-" + secrets.token_hex(6)}
        g.merchant["sales"].append(sale)
        return jsonify(sale=sale), 201

    def merchant_by_id(merchant_id):
        return next((m for m in merchants.values() if m["id"] == merchant_id), None) or abort(404)

    # Planted: any merchant reads any merchant's sales by id.
    @app.get("/api/merchants/<int:merchant_id>/sales")
    @merchant_required
    def merchant_sales(merchant_id):
        return jsonify(sales=merchant_by_id(merchant_id)["sales"])

    # Safe: the same, for the merchant itself only.
    @app.get("/api/v2/merchants/<int:merchant_id>/sales")
    @merchant_required
    def merchant_sales_v2(merchant_id):
        if merchant_id != g.merchant["id"]:
            return jsonify(error="not your sales"), 403
        return jsonify(sales=merchant_by_id(merchant_id)["sales"])

    # Safe: figures, no secret.
    @app.get("/api/merchants/stats")
    @merchant_required
    def merchant_stats():
        return jsonify(sales=0, refunds=0)

    # Gift cards: a user buys one (its code and expiry are what a shop is given); a
    # merchant redeems it with both.
    giftcards = {}  # code -> {"id", "owner", "code", "expiry", "balance", "currency"}

    @app.post("/api/giftcards")
    @token_required
    def new_giftcard():
        n = len(giftcards) + 1
        card = {"id": n, "owner": g.user["username"],
                "code": "".join(str(secrets.randbelow(10)) for _ in range(12)),
                "expiry": f"{secrets.randbelow(12) + 1:02d}/3{secrets.randbelow(9)}",
                "balance": 25.0 + n, "currency": "EUR"}
        giftcards[card["code"]] = card
        return jsonify(giftcard=card), 201

    @app.get("/api/giftcards")
    @token_required
    def my_giftcards():
        return jsonify(giftcards=[c for c in giftcards.values() if c["owner"] == g.user["username"]])

    def redeem(declined_with_card):
        data = request.get_json(silent=True) or {}
        card = giftcards.get(str(data.get("code")))
        if card is None:
            return jsonify(error="declined", reason="unknown card"), 402
        if str(data.get("expiry")) != card["expiry"]:
            if declined_with_card:
                return jsonify(error="declined", reason="wrong expiry",
                               giftcard={"giftcard_id": card["id"],
                                         "giftcard_balance": card["balance"],
                                         "giftcard_currency": card["currency"]}), 402
            return jsonify(error="declined"), 402
        try:
            amount = float(data.get("amount") or 0)
        except (TypeError, ValueError):
            return jsonify(error="amount must be a number"), 400
        if not 0 < amount <= card["balance"]:
            return jsonify(error="declined"), 402
        card["balance"] -= amount
        return jsonify(status="redeemed")

    # Planted: a decline for a wrong expiry still shows the card's balance.
    @app.post("/api/merchants/redeem")
    @merchant_required
    def merchant_redeem():
        return redeem(declined_with_card=True)

    # Safe: the same, a decline says nothing of the card.
    @app.post("/api/v2/merchants/redeem")
    @merchant_required
    def merchant_redeem_v2():
        return redeem(declined_with_card=False)

    drafts = {1: {"id": 1, "owner": "alice", "title": "garden plan", "text": "beds by the wall"},
              2: {"id": 2, "owner": "bob", "title": "shed budget", "text": "timber 300, roof 120"}}

    def own_draft(draft_id):
        d = drafts.get(draft_id)
        if d is None or d["owner"] != g.user["username"]:
            abort(404)
        return d

    @app.get("/api/drafts")
    @token_required
    def list_drafts():
        return jsonify(drafts=[d for d in drafts.values() if d["owner"] == g.user["username"]])

    @app.get("/api/drafts/<int:draft_id>")
    @token_required
    def get_draft(draft_id):
        return jsonify(own_draft(draft_id))

    # Planted: drafts are made elsewhere (no create here), and any user edits anyone's.
    @app.patch("/api/drafts/<int:draft_id>")
    @token_required
    def edit_draft(draft_id):
        d = drafts.get(draft_id) or abort(404)
        data = request.get_json(silent=True) or {}
        d["title"] = data.get("title", d["title"])
        d["text"] = data.get("text", d["text"])
        return jsonify(d)

    @app.get("/api/v2/drafts/<int:draft_id>")
    @token_required
    def get_draft_v2(draft_id):
        return jsonify(own_draft(draft_id))

    # Safe: the same edit, the owner's only.
    @app.patch("/api/v2/drafts/<int:draft_id>")
    @token_required
    def edit_draft_v2(draft_id):
        d = own_draft(draft_id)
        data = request.get_json(silent=True) or {}
        d["title"] = data.get("title", d["title"])
        d["text"] = data.get("text", d["text"])
        return jsonify(d)

    # Pins are written with optimistic locking, as flask-smorest's ETags do: a PATCH without
    # `If-Match` is refused with 428, one with a stale tag with 412. Planted: any user edits
    # anyone's pin once the tag is sent. Safe: /api/v2/pins, the owner's only.
    pins = {1: {"id": 1, "owner": "alice", "label": "allotment gate", "place": "north lane"},
            2: {"id": 2, "owner": "bob", "label": "safe deposit box", "place": "bank on 5th"}}

    def pin_tag(pin):
        return '"%x"' % (hash(json.dumps(pin, sort_keys=True)) & 0xFFFFFFFF)

    def own_pin(pin_id):
        pin = pins.get(pin_id)
        if pin is None or pin["owner"] != g.user["username"]:
            abort(404)
        return pin

    def tagged(pin):
        resp = jsonify(pin)
        resp.headers["ETag"] = pin_tag(pin)
        return resp

    def edit_pin(pin):
        match = request.headers.get("If-Match")
        if match is None:
            return jsonify(error="If-Match required"), 428
        if match not in ("*", pin_tag(pin)):
            return jsonify(error="stale"), 412
        data = request.get_json(silent=True) or {}
        pin["label"] = data.get("label", pin["label"])
        pin["place"] = data.get("place", pin["place"])
        return tagged(pin)

    @app.get("/api/pins")
    @token_required
    def list_pins():
        return jsonify(pins=[x for x in pins.values() if x["owner"] == g.user["username"]])

    @app.get("/api/pins/<int:pin_id>")
    @token_required
    def get_pin(pin_id):
        return tagged(own_pin(pin_id))

    @app.patch("/api/pins/<int:pin_id>")
    @token_required
    def patch_pin(pin_id):
        return edit_pin(pins.get(pin_id) or abort(404))

    @app.get("/api/v2/pins/<int:pin_id>")
    @token_required
    def get_pin_v2(pin_id):
        return tagged(own_pin(pin_id))

    @app.patch("/api/v2/pins/<int:pin_id>")
    @token_required
    def patch_pin_v2(pin_id):
        return edit_pin(own_pin(pin_id))

    # JSON:API routes, described by jsonapi.openapi.json (the scan is given it).
    crews = {
        "alice": [{"name": "Dina Dormouse", "email": "dina@crew-a.test", "phone": "+1 555 0611"},
                  {"name": "Ed Eel", "email": "ed@crew-a.test", "phone": "+1 555 0612"}],
        "bob": [{"name": "Flo Finch", "email": "flo@crew-b.test", "phone": "+1 555 0621"},
                {"name": "Gus Gull", "email": "gus@crew-b.test", "phone": "+1 555 0622"}],
    }
    submissions = [{"id": 1, "student": "alice", "content": "print('hi')", "grade": "B"},
                   {"id": 2, "student": "bob", "content": "x = 2 # bob's draft", "grade": "A"}]
    progress = {"python-101": {"alice": 3, "bob": 5}}

    def documents(kind, rows, key):
        return [{"type": kind, "id": str(r[key]), "attributes": r} for r in rows]

    # Safe: each caller sees their own crew's contacts.
    @app.get("/api/v3/crew")
    @token_required
    def my_crew():
        return jsonify(data=documents("members", crews.get(g.user["username"], []), "name"))

    # Planted: every crew's contacts, to everyone.
    @app.get("/api/v3/crews")
    @token_required
    def all_crews():
        return jsonify(data=documents("members", [m for c in crews.values() for m in c], "name"))

    @app.get("/api/v3/me")
    @token_required
    def me_v3():
        u = g.user
        return jsonify(data={"type": "users", "id": u["username"],
                             "attributes": {"username": u["username"], "email": u["email"],
                                            "full_name": u["full_name"],
                                            "role": u.get("role", "student")}})

    # Planted: every attribute is written, `role` included (the password would be too).
    @app.patch("/api/v3/me")
    @token_required
    def update_me_v3():
        data = (request.get_json(silent=True) or {}).get("data") or {}
        attributes = data.get("attributes") if isinstance(data, dict) else None
        if not isinstance(attributes, dict):
            return jsonify(errors=[{"status": "400", "title": "data.attributes required"}]), 400
        g.user.update(attributes)
        return me_v3()

    @app.get("/api/v3/courses")
    @token_required
    def courses_v3():
        return jsonify(data=[{"type": "courses", "id": slug, "attributes": {"slug": slug}}
                             for slug in progress])

    # Planted: documented for teachers only, run by any user.
    @app.get("/api/v3/courses/<slug>/reset-progress")
    @token_required
    def reset_progress(slug):
        done = len(progress.get(slug, {}))
        progress[slug] = {}
        return jsonify(data={"type": "jobs", "id": slug, "attributes": {"reset": done}})

    # Safe: the same documentation, and the role checked.
    @app.get("/api/v3/courses/<slug>/reset-grades")
    @token_required
    def reset_grades(slug):
        if g.user.get("role") != "teacher":
            return jsonify(errors=[{"status": "403", "title": "teachers only"}]), 403
        return jsonify(data={"type": "jobs", "id": slug, "attributes": {"reset": 0}})

    # Planted: any student's submissions by their user name.
    @app.get("/api/v3/submissions")
    @token_required
    def submissions_v3():
        who = request.args.get("student") or g.user["username"]
        return jsonify(data=documents("submissions", [s for s in submissions if s["student"] == who], "id"))

    # Safe: only the caller's own grades, whoever is named.
    @app.get("/api/v3/grades")
    @token_required
    def grades_v3():
        who = request.args.get("student") or g.user["username"]
        if who != g.user["username"]:
            return jsonify(errors=[{"status": "403", "title": "not yours"}]), 403
        rows = [{"id": s["id"], "student": who, "grade": s["grade"]} for s in submissions if s["student"] == who]
        return jsonify(data=documents("grades", rows, "id"))

    drivers = {
        "alice": [{"name": "Hal Heron", "date_of_birth": "1980-05-12",
                   "licence_number": "HERON805127HH9IJ", "home_address": "14 Larch Road, Leeds"}],
        "bob": [{"name": "Ivy Ibis", "date_of_birth": "1985-06-30",
                 "licence_number": "IBIS856301II2MN", "home_address": "77 Canal Street, York"}],
    }

    # Planted: every company's drivers with their birth dates, licences and home addresses.
    @app.get("/api/v3/roster")
    @token_required
    def roster_v3():
        return jsonify(data=documents("drivers", [d for ds in drivers.values() for d in ds], "name"))

    # Safe: the caller's own company's drivers.
    @app.get("/api/v3/roster/mine")
    @token_required
    def my_roster_v3():
        return jsonify(data=documents("drivers", drivers.get(g.user["username"], []), "name"))

    # Planted: a bad `since` answers the exception's traceback; `status` is validated first.
    @app.get("/api/v3/work-orders")
    @token_required
    def work_orders_v3():
        status = request.args.get("status", "open")
        if status not in ("open", "closed"):
            return jsonify(errors=[{"status": "400", "title": "status must be open or closed"}]), 400
        since = request.args.get("since")
        try:
            if since:
                datetime.date.fromisoformat(since)
        except ValueError:
            return jsonify(errors=[{"status": "500", "title": "ValueError",
                                    "meta": {"trace": traceback.format_exc().splitlines()}}]), 500
        return jsonify(data=[])

    # ZOO_V3_DOCS=forgeable (planted): the documents, under a security scheme of their own,
    # take any token at all; by default the caller's token is checked like everywhere else.
    @app.get("/api/v3/documents")
    def documents_v3():
        token = presented() or ""
        if os.environ.get("ZOO_V3_DOCS") == "forgeable":
            if not token:
                return jsonify(errors=[{"status": "401", "title": "token required"}]), 401
        elif tokens.get(token) not in state["users"]:
            return jsonify(errors=[{"status": "401", "title": "token required"}]), 401
        return jsonify(data=[{"type": "documents", "id": "doc-1",
                              "attributes": {"title": "alice's insurance certificate"}}])

    # Planted: enumeration on password recovery.
    @app.post("/api/password/forgot")
    def forgot():
        data = request.get_json(silent=True) or {}
        username = data.get("username")
        if username not in state["users"]:
            return jsonify(error=f"no account named {username}"), 404
        return jsonify(message="a reset link was sent")

    # Safe: one answer for everyone.
    @app.post("/api/v2/password/forgot")
    def forgot_v2():
        data = request.get_json(silent=True) or {}
        _ = data.get("username")
        return jsonify(message="if the account exists, a reset link was sent"), 202

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    create_app().run(host="127.0.0.1", port=args.port)
