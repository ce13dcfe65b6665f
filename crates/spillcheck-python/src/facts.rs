//! Facts about functions, computed once and shared by the rules: which names in a
//! function derive from which sources (taint through assignments), which calls
//! touch data, read credentials or reject a request, and what is known of the
//! caller's identity. Facts are per function body, nested functions included
//! (a decorator's wrapper counts as the decorator's body).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::ast_util::{
    any_expr, callee, callee_last, dotted, each_expr, int_value, names_in, str_value, target_names,
};

/// Calls whose last name alone marks a database or storage access.
const DATA_METHODS: &[&str] = &[
    // Flask-AppBuilder's security manager (`appbuilder.sm.get_all_users()`).
    "get_all_users",
    "find_user",
    "get_user_by_id",
    "execute",
    "executemany",
    "executescript",
    "fetchone",
    "fetchall",
    "fetchmany",
    "query_one",
    "query_all",
    "query_db",
    "get_or_404",
    "first_or_404",
    "one_or_404",
    "filter_by",
    "scalars",
    "scalar_one",
    "scalar_one_or_none",
    "find_one",
    "find_one_or_404",
    "get_object_or_404",
    "get_by_id",
    // Peewee's and Tortoise's lookups (`Shipment.get_or_none(Shipment.id == sid)`).
    "get_or_none",
    "select_one",
    "load",
    "read_item",
    "send_file",
    "send_from_directory",
    "find_by_id",
    "get_item",
    "delete_one",
    "update_one",
    // pymongo's collection methods (`db.notes.count_documents({...})`).
    "delete_many",
    "update_many",
    "insert_one",
    "insert_many",
    "replace_one",
    "count_documents",
    "find_one_and_update",
    "find_one_and_delete",
    "find_one_and_replace",
    "drop_all",
    "create_all",
    // redis-py's hashes, lists and sets (`r.hgetall(f"payment:{pid}")`).
    "hgetall",
    "hget",
    "hmget",
    "hset",
    "hdel",
    "lrange",
    "smembers",
];
/// Calls that are data access only on a query-like receiver (`User.query.get`, `db.session.get`).
const QUERY_METHODS: &[&str] = &[
    "get",
    "filter",
    "first",
    "all",
    "one",
    "one_or_none",
    "delete",
    "where",
    "find",
    "select",
];
const QUERY_RECEIVERS: &[&str] = &[
    "query",
    "session",
    "objects",
    "db",
    "cursor",
    "conn",
    "connection",
    "collection",
    "table",
    "cur",
    "engine",
    "repo",
    "repository",
    "store",
];

/// Identity accessors (calls) of the common auth libraries.
const IDENTITY_CALLS: &[&str] = &[
    "current_user",
    "get_jwt_identity",
    "get_jwt",
    "get_current_user",
    "current_user_id",
    "get_current_user_id",
    "get_raw_jwt",
    "current_identity",
    "get_user_id",
    "get_jwt_claims",
    // Flask-Praetorian: the claims of the token it has verified.
    "extract_jwt_token",
];
/// Names that hold the caller's identity.
const IDENTITY_NAMES: &[&str] = &[
    "current_user",
    "current_identity",
    "token_info",
    "identity",
    "claims",
    "principal",
];

/// Library calls that read and check credentials (and reject on failure themselves).
const VERIFYING_CALLS: &[&str] = &[
    "verify_jwt_in_request",
    // Flask-JWT's check behind `@jwt_required()`, called by hand in class views.
    "_jwt_required",
    "verify_jwt_refresh_token_in_request",
    "acquire_token",
    "validate_token",
    "verify_token",
    "decode_token",
    "authenticate_request",
    // Flask-Praetorian's guard (`guard.refresh_jwt_token(guard.read_token_from_header())`).
    "read_token_from_header",
    "read_token",
    "extract_jwt_token",
    "refresh_jwt_token",
];

/// Whether `expr` is a direct identity expression (not via taint).
pub(crate) fn is_identity_expr(expr: &Expr) -> bool {
    match expr {
        Expr::Name(n) => IDENTITY_NAMES.contains(&n.id.as_str()),
        // `getattr(request, "current_user_id", None)`, `getattr(g, "user")`: the same
        // attribute read by name.
        Expr::Call(c) if callee_last(c) == Some("getattr") => {
            match (
                c.arguments.args.first(),
                c.arguments.args.get(1).and_then(str_value),
            ) {
                (Some(Expr::Name(base)), Some(attr)) => identity_attr(base.id.as_str(), attr),
                _ => false,
            }
        }
        // A project's reader of the verified token's claims (`get_tree_from_jwt_or_fail()`,
        // `tenant_from_token()`, `get_jwt_tenant()`): what the token says of the caller.
        Expr::Call(c) => callee_last(c).is_some_and(|n| {
            IDENTITY_CALLS.contains(&n)
                || n.contains("from_jwt")
                || n.contains("from_token")
                || n.starts_with("get_jwt_")
                || current_party(n)
        }),
        Expr::Attribute(a) => {
            if let Expr::Name(base) = a.value.as_ref()
                && matches!(base.id.as_str(), "g" | "request")
            {
                return identity_attr(base.id.as_str(), a.attr.as_str());
            }
            is_identity_expr(&a.value)
        }
        Expr::Subscript(s) => {
            if let (Expr::Name(base), Some(key)) = (s.value.as_ref(), str_value(&s.slice))
                && base.id.as_str() == "session"
            {
                return key.to_ascii_lowercase().contains("user") || key == "uid" || key == "sub";
            }
            is_identity_expr(&s.value)
        }
        _ => false,
    }
}

/// A project's accessor of who is calling, by its name: `current_member()`,
/// `get_current_account()`, `current_tenant()` (not the current time, page or app).
fn current_party(name: &str) -> bool {
    let n = name.trim_start_matches('_').to_ascii_lowercase();
    let Some(rest) = n
        .strip_prefix("get_current_")
        .or_else(|| n.strip_prefix("current_"))
    else {
        return false;
    };
    [
        "user",
        "member",
        "account",
        "customer",
        "tenant",
        "company",
        "org",
        "principal",
        "identity",
        "owner",
        "patron",
        "profile",
        "person",
    ]
    .iter()
    .any(|w| rest.starts_with(w))
}

/// Whether an attribute of Flask's `g` or of the request holds the caller's identity:
/// `g.current_user`, `g.claims`; `request.user`, `request.current_user_id` (set by the
/// project's decorator), `request.authorization` (HTTP Basic credentials the handler
/// checks).
fn identity_attr(base: &str, attr: &str) -> bool {
    let attr = attr.to_ascii_lowercase();
    match base {
        "g" => [
            "user",
            "identity",
            "claim",
            "account",
            "principal",
            "auth",
            "sub",
            "uid",
            "owner",
            "member",
            "token",
            "current",
        ]
        .iter()
        .any(|k| attr.contains(k)),
        "request" => matches!(
            attr.as_str(),
            "user"
                | "user_id"
                | "identity"
                | "claims"
                | "auth_user"
                | "authorization"
                | "current_user"
                | "current_user_id"
                | "current_identity"
        ),
        _ => false,
    }
}

/// The credential headers a module reads from the request (`request.headers.get("X-Session-
/// Token")`, `request.headers["X-Api-Key"]`), `Authorization` left out: where the API takes
/// its tokens when not in `Authorization`.
pub(crate) fn credential_headers_read(body: &[Stmt]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    exprs_in(body, &mut |e| {
        let name = match e {
            Expr::Call(c)
                if matches!(c.func.as_ref(), Expr::Attribute(a)
                    if a.attr.as_str() == "get"
                        && dotted(&a.value).is_some_and(|d| d.ends_with("headers"))) =>
            {
                c.arguments.args.first().and_then(str_value)
            }
            Expr::Subscript(s) if dotted(&s.value).is_some_and(|d| d.ends_with("headers")) => {
                str_value(&s.slice)
            }
            _ => None,
        };
        if let Some(n) = name
            && spillcheck_core::vocab::credential_header(n)
            && !n.eq_ignore_ascii_case("authorization")
            && !out.iter().any(|o| o.eq_ignore_ascii_case(n))
            && out.len() < 8
        {
            out.push(n.to_owned());
        }
    });
    out
}

/// Whether `expr` reads request credentials: the Authorization header, cookies used for
/// auth, `request.authorization`, `current_user.is_authenticated`.
pub(crate) fn reads_credentials_expr(expr: &Expr) -> bool {
    any_expr(expr, &mut |e| match e {
        Expr::Attribute(a) => {
            let attr = a.attr.as_str();
            (attr == "authorization" && dotted(&a.value).is_some_and(|d| d.ends_with("request")))
                || attr == "is_authenticated"
                || is_session_read(e)
        }
        Expr::StringLiteral(s) => {
            let v = s.value.to_str();
            v.eq_ignore_ascii_case("http_authorization")
                || spillcheck_core::vocab::credential_header(v)
        }
        Expr::Call(c) => {
            callee_last(c).is_some_and(|n| {
                VERIFYING_CALLS.contains(&n)
                    || n == "decode" && callee(c).is_some_and(|d| d.contains("jwt"))
                    || verifies_token_name(n)
            }) || is_session_read(e)
        }
        Expr::Subscript(_) => is_session_read(e),
        _ => false,
    })
}

/// Whether a call reads the request's credentials: the `Authorization` header, a library
/// or project token check, or Flask-HTTPAuth inside a project decorator
/// (`auth.authenticate(auth.get_auth(), None)`).
fn call_reads_credentials(call: &ast::ExprCall) -> bool {
    reads_credentials_expr(&call.func)
        || callee_last(call).is_some_and(|n| {
            VERIFYING_CALLS.contains(&n)
                || verifies_token_name(n)
                || matches!(n, "get_auth" | "authenticate_header")
        })
}

/// A project's own token check by its name: `decode_auth_token`, `verify_reset_token`,
/// `check_jwt`, `validate_api_key`.
fn verifies_token_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["decode", "verify", "check", "validate", "load"]
        .iter()
        .any(|v| n.contains(v))
        && ["token", "jwt", "api_key", "apikey", "signature"]
            .iter()
            .any(|t| n.contains(t))
}

/// A call that asks the identity provider about a token (`_get_user_info(token)`,
/// `introspect(token)`): its result is the provider's answer about the user, not the token.
fn asks_the_provider(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "user_info",
        "userinfo",
        "introspect",
        "token_info",
        "tokeninfo",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// A call that issues a credential to the caller: `jwt.encode`, `create_access_token`,
/// `generate_auth_token`, `token.tokenize()`, `login_user`, `jws.sign`.
pub(crate) fn issues_token_call(call: &ast::ExprCall) -> bool {
    let Some(last) = callee_last(call) else {
        return false;
    };
    let n = last.to_ascii_lowercase();
    let receiver = match &*call.func {
        Expr::Attribute(a) => dotted(&a.value).unwrap_or_default().to_ascii_lowercase(),
        _ => String::new(),
    };
    matches!(n.as_str(), "tokenize" | "login_user")
        || n == "encode" && matches!(receiver.as_str(), "jwt" | "jose.jwt" | "pyjwt")
        || n == "sign" && matches!(receiver.as_str(), "jws" | "jose.jws")
        || [
            "create", "generate", "issue", "make", "encode", "mint", "sign",
        ]
        .iter()
        .any(|v| n.starts_with(v))
            && ["token", "jwt"].iter().any(|t| n.contains(t))
            && !n.contains("reset")
}

/// `session["user_id"]`, `session.get("projects")`: the signed session cookie.
fn is_session_read(expr: &Expr) -> bool {
    match expr {
        Expr::Subscript(s) => {
            dotted(&s.value).is_some_and(|d| d == "session" || d == "flask.session")
        }
        Expr::Call(c) => is_session_read(&c.func),
        Expr::Attribute(a) => {
            a.attr.as_str() == "get"
                && dotted(&a.value).is_some_and(|d| d == "session" || d == "flask.session")
        }
        _ => false,
    }
}

/// Whether a statement returns an answer built with a 401/403 status among its arguments
/// (`return jsonify_with_status("Access denied.", 403)`, `return make_response(body,
/// status=401)`).
pub(crate) fn returns_denial(stmt: &Stmt) -> bool {
    let Stmt::Return(r) = stmt else { return false };
    let Some(Expr::Call(c)) = r.value.as_deref() else {
        return false;
    };
    c.arguments.args.iter().skip(1).any(is_denial_status)
        || c.arguments.keywords.iter().any(|k| {
            k.arg.as_ref().is_some_and(|a| a.as_str() == "status") && is_denial_status(&k.value)
        })
}

/// Whether a status expression is 401 or 403.
fn is_denial_status(expr: &Expr) -> bool {
    int_value(expr).is_some_and(|v| v == 401 || v == 403)
        || dotted(expr).is_some_and(|d| d.ends_with("UNAUTHORIZED") || d.ends_with("FORBIDDEN"))
}

/// Messages of an answer that refuses an unauthenticated caller, whatever its status.
const UNAUTHENTICATED_MESSAGES: &[&str] = &[
    "authentication required",
    "authentication is required",
    "not authenticated",
    "login required",
    "not logged in",
    "token required",
    "token is missing",
    "missing token",
];

/// Whether an answer built by a call says the caller is not authenticated
/// (`jsonify(status="fail", message="authentication required")`, answered with 200).
fn says_unauthenticated(c: &ast::ExprCall) -> bool {
    let says = |e: &Expr| {
        str_value(e).is_some_and(|t| {
            let t = t.to_ascii_lowercase();
            UNAUTHENTICATED_MESSAGES.iter().any(|m| t.contains(m))
        })
    };
    matches!(callee_last(c), Some("jsonify" | "dict" | "make_response"))
        && (c.arguments.keywords.iter().any(|k| says(&k.value))
            || c.arguments.args.iter().any(|a| {
                says(a) || matches!(a, Expr::Dict(d) if d.items.iter().any(|i| says(&i.value)))
            }))
}

/// The signed session as a view reads it: Flask's `session`, or the project's own loaded
/// into `g` by a hook (`g.session = libsession.load(request)`).
fn is_session_object(expr: &Expr) -> bool {
    dotted(expr).is_some_and(|d| matches!(d.as_str(), "session" | "flask.session" | "g.session"))
}

/// A session key that names the signed-in user (`username`, `user_id`, `logged_in`).
fn user_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "user", "login", "logged", "uid", "email", "account", "member", "identity", "auth",
    ]
    .iter()
    .any(|w| k.contains(w))
        || k == "sub"
        || k == "id"
}

/// A test that is true when nobody is signed in: `'username' not in session`, `not
/// session.get('user_id')`, `session.get('user') is None`, `not g.user`, `g.user is None`,
/// `not current_user.is_authenticated`, `'username' not in g.session`.
/// What names the signed-in user when somebody is: a session key, `g.user`,
/// `current_user.is_authenticated`.
fn names_signed_in_user(e: &Expr) -> bool {
    match e {
        Expr::Subscript(s) => {
            is_session_object(&s.value) && str_value(&s.slice).is_some_and(user_key)
        }
        Expr::Call(c) => {
            matches!(c.func.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "get" && is_session_object(&a.value))
                && c.arguments
                    .args
                    .first()
                    .and_then(str_value)
                    .is_some_and(user_key)
        }
        Expr::Attribute(a) => {
            a.attr.as_str() == "is_authenticated"
                || matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == "g")
                    && is_identity_expr(e)
        }
        _ => false,
    }
}

/// `'user_id' in session` / `not in`: a key naming the signed-in user tested against the
/// session (the operator is the caller's to check).
fn session_membership(c: &ast::ExprCompare) -> bool {
    c.comparators.first().is_some_and(is_session_object) && str_value(&c.left).is_some_and(user_key)
}

/// A test that is true when somebody is signed in: `'logged_in' in session`,
/// `session.get('user_id')`, `current_user.is_authenticated`, `g.user is not None`.
fn somebody_signed_in(test: &Expr) -> bool {
    match test {
        Expr::Compare(c) => match (c.ops.first(), c.comparators.first()) {
            (Some(ast::CmpOp::In), _) => session_membership(c),
            (Some(ast::CmpOp::IsNot | ast::CmpOp::NotEq), Some(Expr::NoneLiteral(_))) => {
                names_signed_in_user(&c.left)
            }
            _ => false,
        },
        Expr::BoolOp(b) if matches!(b.op, ast::BoolOp::And) => {
            b.values.iter().any(somebody_signed_in)
        }
        other => names_signed_in_user(other),
    }
}

pub(crate) fn nobody_signed_in(test: &Expr) -> bool {
    // `perm.can()` (Flask-Principal: the identity, anonymous when nobody signed in, holds
    // the permission), `current_user.has_permission("x")`.
    let permitted = |e: &Expr| {
        matches!(e, Expr::Call(c) if matches!(
            callee_last(c),
            Some("can" | "has_permission" | "has_permissions" | "allows")
        ) && matches!(c.func.as_ref(), Expr::Attribute(_)))
    };
    match test {
        Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::Not) => {
            names_signed_in_user(&u.operand) || permitted(&u.operand)
        }
        Expr::Compare(c) => match (c.ops.first(), c.comparators.first()) {
            (Some(ast::CmpOp::NotIn), _) => session_membership(c),
            (Some(ast::CmpOp::Is | ast::CmpOp::Eq), Some(Expr::NoneLiteral(_))) => {
                names_signed_in_user(&c.left)
            }
            _ => false,
        },
        Expr::BoolOp(b) if matches!(b.op, ast::BoolOp::Or) => b.values.iter().any(nobody_signed_in),
        // `not is_public and not current_user.is_authenticated`: nobody signed in, unless
        // the other conditions exempt the request (a hook reads those per route).
        Expr::BoolOp(b) if matches!(b.op, ast::BoolOp::And) => {
            b.values.iter().any(nobody_signed_in)
        }
        _ => false,
    }
}

/// Whether a view asks whether anyone is signed in and, when someone is, records who
/// (`if current_user.is_authenticated: report.by = current_user`), going on either way:
/// anonymous callers are served on purpose.
pub(crate) fn serves_anonymous_on_purpose(body: &[Stmt]) -> bool {
    let mut found = false;
    for stmt in body {
        crate::ast_util::each_stmt(stmt, &mut |s| {
            if let Stmt::If(i) = s
                && somebody_signed_in(&i.test)
                && !refuses(&i.body)
                && !i.elif_else_clauses.iter().any(|c| refuses(&c.body))
            {
                let mut names_caller = false;
                exprs_in(&i.body, &mut |e| names_caller |= is_identity_expr(e));
                found |= names_caller;
            }
        });
    }
    found
}

/// A guard that sends away whoever is not signed in, wherever it sends them: `if 'username'
/// not in g.session: return redirect('/')`, `if not g.user: abort(...)`. The branch only
/// leaves the view (a return, a raise, an abort), so what follows runs for a signed-in user.
pub(crate) fn is_login_guard(stmt: &Stmt) -> bool {
    let Stmt::If(i) = stmt else { return false };
    // `if 'logged_in' in session: return f(*args, **kwargs)` then `else: return
    // redirect(url_for('login'))`: the same guard written the other way round.
    if let [clause] = i.elif_else_clauses.as_slice()
        && clause.test.is_none()
        && clause.body.len() <= 3
        && somebody_signed_in(&i.test)
    {
        return refuses(&clause.body);
    }
    if !i.elif_else_clauses.is_empty() || i.body.len() > 3 || !nobody_signed_in(&i.test) {
        return false;
    }
    refuses(&i.body)
}

/// Whether a branch refuses: a raise, an abort, a redirect, or an answer that says so (a
/// 401/403, "login required"). A bare `return` or `return None` of a loader that lets the
/// request go on anonymous is no refusal.
pub(crate) fn refuses(body: &[Stmt]) -> bool {
    body.last().is_some_and(|last| match last {
        Stmt::Raise(_) => true,
        Stmt::Expr(e) => {
            matches!(e.value.as_ref(), Expr::Call(c) if callee_last(c) == Some("abort"))
        }
        Stmt::Return(r) => {
            is_rejection(last)
                || r.value.as_deref().is_some_and(|v| {
                    matches!(v, Expr::Call(c) if callee_last(c).is_some_and(|n| {
                        n.to_ascii_lowercase().contains("redirect")
                    }))
                })
        }
        _ => false,
    })
}

/// A check of a shared key that refuses the request when it does not match: `if
/// app.config["API_ACCESS_KEY"] != get_value(request, "key"): abort(401)`, `if token not in
/// VALID_TOKENS: return "unauthorized", 401`. One side of the comparison names a key, token
/// or secret (not a password: a login compares those before anyone is signed in).
fn is_key_guard(stmt: &Stmt) -> bool {
    let Stmt::If(i) = stmt else { return false };
    let Expr::Compare(c) = i.test.as_ref() else {
        return false;
    };
    let refuses_mismatch = matches!(
        c.ops.as_ref(),
        [ast::CmpOp::NotEq | ast::CmpOp::NotIn | ast::CmpOp::IsNot]
    );
    let names_key = |e: &Expr| {
        let mut hit = false;
        each_expr(e, &mut |x| {
            let text = match x {
                Expr::Name(n) => Some(n.id.to_string()),
                Expr::Attribute(a) => Some(a.attr.to_string()),
                Expr::StringLiteral(s) => Some(s.value.to_str().to_owned()),
                _ => None,
            };
            hit |= text.is_some_and(|t| {
                crate::patterns::words(&t)
                    .iter()
                    .any(|w| matches!(w.as_str(), "key" | "apikey" | "token" | "secret"))
            });
        });
        hit
    };
    refuses_mismatch
        && (names_key(&c.left) || c.comparators.iter().any(names_key))
        && i.body.last().is_some_and(is_rejection)
}

/// Whether a statement rejects the request: `abort(401|403)`, `raise Unauthorized(...)`,
/// `return ..., 401`, an answer saying authentication is required (any status), a checker
/// handing its caller the refusal (`return None, (jsonify(...), 401)`).
pub(crate) fn is_rejection(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Raise(r) => r.exc.as_ref().is_some_and(|e| {
            if let Expr::Call(c) = e.as_ref()
                && is_denial_call(c)
            {
                return true;
            }
            let name = match e.as_ref() {
                Expr::Call(c) => callee(c),
                other => dotted(other),
            }
            .unwrap_or_default()
            .to_ascii_lowercase();
            [
                "unauthorized",
                "forbidden",
                "autherror",
                "authenticationerror",
                "permissiondenied",
                "notauthenticated",
                "invalidtoken",
                "authorizationerror",
                "accessdenied",
                "unauthenticated",
                // `raise InvalidCredentials(...)`, `BadCredentialsError`
                "credentials",
                "loginrequired",
                "notloggedin",
            ]
            .iter()
            .any(|k| name.contains(k))
        }),
        Stmt::Return(r) => r.value.as_ref().is_some_and(|v| match v.as_ref() {
            Expr::Tuple(t) => {
                t.elts.iter().skip(1).any(is_denial_status)
                    || t.elts.first().is_some_and(
                        |e| matches!(e, Expr::Call(c) if is_denial_call(c) || says_unauthenticated(c)),
                    )
                    // `return None, (jsonify(error=...), 401)`: a checker that hands its
                    // caller the refusal to answer with.
                    || t.elts.iter().any(|e| {
                        matches!(e, Expr::Tuple(inner) if inner.elts.iter().skip(1).any(is_denial_status))
                    })
            }
            Expr::Call(c) => kwarg_status(c) || is_denial_call(c) || says_unauthenticated(c),
            _ => false,
        }),
        Stmt::Expr(e) => {
            matches!(e.value.as_ref(), Expr::Call(c) if is_abort_denial(c) || is_denial_call(c))
        }
        _ => false,
    }
}

/// A call that answers "not authenticated": an error response named so
/// (`UnauthorizedErrorResponse()`, `login_manager.unauthorized()`), or a redirect to a
/// login page (`redirect(url_for("auth.login"))`, `Redirect303(url_for(".authenticate"))`).
fn is_denial_call(call: &ast::ExprCall) -> bool {
    let Some(last) = callee_last(call) else {
        return false;
    };
    let lower = last.to_ascii_lowercase();
    if [
        "unauthorized",
        "forbidden",
        "unauthenticated",
        "accessdenied",
        "notauthenticated",
        "auth_error_callback",
    ]
    .iter()
    .any(|k| lower.contains(k))
    {
        return true;
    }
    lower.contains("redirect") && {
        let mut to_login = false;
        for a in crate::patterns::call_values(call) {
            each_expr(a, &mut |e| {
                if let Some(text) = str_value(e) {
                    let t = text.to_ascii_lowercase();
                    if [
                        "login",
                        "signin",
                        "sign_in",
                        "sign-in",
                        "log_in",
                        "authenticate",
                        "auth",
                        "admin",
                        "sso",
                    ]
                    .iter()
                    .any(|k| t.contains(k))
                    {
                        to_login = true;
                    }
                }
            });
        }
        to_login
    }
}

/// A response built with a denial status: `Response(body, status=401)`, or positionally,
/// as Flask's and Werkzeug's constructors take it (`Response(body, 401, mimetype=...)`,
/// `make_response(body, 403)`).
fn kwarg_status(call: &ast::ExprCall) -> bool {
    call.arguments
        .find_keyword("status")
        .is_some_and(|k| is_denial_status(&k.value))
        || callee_last(call)
            .is_some_and(|n| matches!(n, "Response" | "make_response" | "response_class"))
            && call.arguments.args.get(1).is_some_and(is_denial_status)
}

fn is_abort_denial(call: &ast::ExprCall) -> bool {
    callee_last(call).is_some_and(|n| n == "abort") && call.arguments.args.first().is_some_and(|a| is_denial_status(a) || matches!(a, Expr::Call(c) if c.arguments.args.iter().skip(1).any(is_denial_status)))
        || callee_last(call).is_some_and(|n| n == "abort") && call.arguments.args.iter().any(|a| matches!(a, Expr::Call(_)) ) && call.arguments.args.get(1).is_some_and(is_denial_status)
}

/// Whether a body has an `if` on a role that rejects (`if not current_user.sysadmin:
/// abort(403)`), at any depth.
pub(crate) fn rejects_unless_role(body: &[Stmt]) -> bool {
    body.iter().any(|s| match s {
        Stmt::If(i) => {
            mentions_role(&i.test) && i.body.iter().any(is_rejection)
                || rejects_unless_role(&i.body)
                || i.elif_else_clauses
                    .iter()
                    .any(|c| rejects_unless_role(&c.body))
        }
        Stmt::Try(t) => rejects_unless_role(&t.body),
        Stmt::With(w) => rejects_unless_role(&w.body),
        Stmt::For(f) => rejects_unless_role(&f.body),
        _ => false,
    })
}

/// Whether a test expression speaks of a role (`user["is_admin"]`, `g.user.role != "admin"`,
/// `current_user.has_permission(...)`).
pub(crate) fn mentions_role(expr: &Expr) -> bool {
    // In a test that rejects, staff flags count too (`user["is_employee"]`).
    let role = |t: &str| {
        spillcheck_core::vocab::mentions_role(t) || t.to_ascii_lowercase().contains("employee")
    };
    any_expr(expr, &mut |e| match e {
        Expr::StringLiteral(s) => role(s.value.to_str()),
        Expr::Attribute(a) => {
            role(a.attr.as_str()) || names_a_function(a.attr.as_str()) && of_the_caller(&a.value)
        }
        Expr::Name(n) => role(n.id.as_str()),
        _ => false,
    })
}

/// Whether `e` reads like the caller: an identity expression, or a name or call whose
/// words are the caller's (`me()`, `current_user`, `g.user`, `request.account`).
fn of_the_caller(e: &Expr) -> bool {
    if is_identity_expr(e) {
        return true;
    }
    let base = match e {
        Expr::Call(c) => c.func.as_ref(),
        other => other,
    };
    dotted(base).is_some_and(|d| {
        d.split('.').any(|w| {
            let w = w.to_ascii_lowercase();
            matches!(
                w.as_str(),
                "me" | "user" | "caller" | "principal" | "identity" | "account"
            ) || w.starts_with("current_")
                || w.ends_with("_user")
        })
    })
}

/// A flag that says what the caller's job is: `is_` and an agent noun (`is_librarian`,
/// `is_teacher`, `is_pharmacist`, `is_accountant`), not the caller's relation to a record
/// (`is_owner`, `is_member`, `is_author`) nor a state (`is_active`, `is_verified`).
fn names_a_function(attr: &str) -> bool {
    let a = attr.to_ascii_lowercase();
    let Some(noun) = a.strip_prefix("is_") else {
        return false;
    };
    noun.len() > 4
        && ["ian", "er", "or", "ist", "ant"]
            .iter()
            .any(|end| noun.ends_with(end))
        && !matches!(
            noun,
            "owner"
                | "member"
                | "user"
                | "customer"
                | "follower"
                | "subscriber"
                | "sender"
                | "receiver"
                | "author"
                | "creator"
                | "uploader"
                | "buyer"
                | "participant"
                | "visitor"
                | "viewer"
                | "player"
                | "tester"
                | "newer"
                | "older"
        )
}

/// Is this call a data access (directly)?
pub(crate) fn is_data_call(call: &ast::ExprCall) -> bool {
    let Some(last) = callee_last(call) else {
        return false;
    };
    if DATA_METHODS.contains(&last) {
        return true;
    }
    // A document store's query: `get_db().notes.find({"owner_id": me})`.
    if last == "find" && matches!(call.arguments.args.first(), Some(Expr::Dict(_))) {
        return true;
    }
    // MongoEngine's query by call: `Recipe.objects(owner=me)`, `Plan.objects(id=pid)`.
    if last == "objects"
        && let Expr::Attribute(a) = call.func.as_ref()
        && matches!(a.value.as_ref(), Expr::Name(n) if n.id.starts_with(|c: char| c.is_ascii_uppercase()))
    {
        return true;
    }
    // A key-value store's record under a namespaced key: `r.get(f"invoice:{iid}")`.
    if matches!(last, "get" | "delete" | "set")
        && call.arguments.args.first().is_some_and(namespaced_key)
    {
        return true;
    }
    if QUERY_METHODS.contains(&last)
        && let Expr::Attribute(a) = call.func.as_ref()
    {
        let receiver = dotted(&a.value).unwrap_or_default().to_ascii_lowercase();
        return receiver
            .split(['.', '(', ')'])
            .any(|seg| QUERY_RECEIVERS.contains(&seg))
            || model_lookup(call, &a.value);
    }
    false
}

/// A key-value store's key made of a namespace and a value: `f"invoice:{iid}"`, the
/// convention of Redis keys.
fn namespaced_key(expr: &Expr) -> bool {
    key_namespace(expr).is_some()
}

/// The namespace of a key-value store's key: `payment` of `f"payment:{pid}"` (and of
/// `f"app:payment:{pid}"`, the last segment before the value).
pub(crate) fn key_namespace(expr: &Expr) -> Option<&str> {
    let Expr::FString(f) = expr else {
        return None;
    };
    let Some(ast::FStringPart::FString(part)) = f.value.iter().next() else {
        return None;
    };
    let (Some(ast::InterpolatedStringElement::Literal(lit)), Some(_)) =
        (part.elements.first(), part.elements.get(1))
    else {
        return None;
    };
    let ns = lit.value.strip_suffix(':')?;
    (!ns.is_empty()
        && ns
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'))
    .then(|| ns.rsplit(':').next().unwrap_or(ns))
    .filter(|n| !n.is_empty())
}

/// A model class queried by a comparison of its own fields (Peewee's `Shipment.get(
/// Shipment.id == sid)`, `Shipment.select().where(Shipment.id == sid)`): the class, a
/// capitalised name at the root of the receiver, is compared in the arguments.
fn model_lookup(call: &ast::ExprCall, receiver: &Expr) -> bool {
    let mut root = receiver;
    loop {
        match root {
            Expr::Call(c) => root = c.func.as_ref(),
            Expr::Attribute(a) => root = a.value.as_ref(),
            _ => break,
        }
    }
    let Expr::Name(model) = root else {
        return false;
    };
    if !model.id.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    call.arguments.args.iter().any(|arg| {
        any_expr(arg, &mut |e| {
            matches!(e, Expr::Compare(c) if any_expr(&c.left, &mut |x| {
                matches!(x, Expr::Attribute(f) if matches!(f.value.as_ref(), Expr::Name(n) if n.id == model.id))
            }))
        })
    })
}

/// The first string (or f-string) in a call's arguments: its SQL, for data calls.
pub(crate) fn sql_of(call: &ast::ExprCall) -> Option<std::borrow::Cow<'_, str>> {
    call.arguments
        .args
        .iter()
        .find_map(crate::ast_util::literal_text)
}

/// Whether a text is a SQL statement.
pub(crate) fn is_sql(text: &str) -> bool {
    let t = text.trim_start().to_ascii_lowercase();
    [
        "select", "insert", "update", "delete", "replace", "with", "merge", "upsert",
    ]
    .iter()
    .any(|k| t.starts_with(k))
}

/// The call's SQL when its first string argument is a SQL statement.
fn sql_statement(call: &ast::ExprCall) -> Option<std::borrow::Cow<'_, str>> {
    sql_of(call).filter(|s| is_sql(s))
}

/// The string constants a function body assigns to plain names (`query = f"SELECT ..."`),
/// so that `execute(query, ...)` is read as its SQL.
#[derive(Debug, Default)]
pub(crate) struct LocalStrings<'a> {
    values: HashMap<&'a str, std::borrow::Cow<'a, str>>,
}

impl<'a> LocalStrings<'a> {
    pub(crate) fn of_body(body: &'a [Stmt]) -> LocalStrings<'a> {
        let mut values = HashMap::default();
        for a in assigns_in(body) {
            if let [Expr::Name(n)] = a.targets.as_slice()
                && let Some(text) = crate::ast_util::literal_text(&a.value)
                && is_sql(&text)
            {
                values.insert(n.id.as_str(), text);
            }
        }
        LocalStrings { values }
    }

    /// The SQL a call runs: a literal argument, or a name bound to one in the body.
    pub(crate) fn sql(&self, call: &'a ast::ExprCall) -> Option<std::borrow::Cow<'a, str>> {
        if let Some(s) = sql_statement(call) {
            return Some(s);
        }
        call.arguments.args.iter().find_map(|a| match a {
            Expr::Name(n) => self.values.get(n.id.as_str()).cloned(),
            _ => None,
        })
    }

    /// [`call_models`], with SQL held in local names.
    pub(crate) fn models(&self, call: &'a ast::ExprCall) -> Vec<String> {
        match self.sql(call) {
            Some(sql) => sql_tables(&sql),
            None => call_models(call),
        }
    }

    /// [`is_write_call`], with SQL held in local names.
    pub(crate) fn writes(&self, call: &'a ast::ExprCall) -> bool {
        match self.sql(call) {
            Some(sql) => sql_writes(&sql),
            None => is_write_call(call),
        }
    }
}

/// What one function is and does.
#[derive(Debug, Default, Clone)]
pub(crate) struct FuncFacts {
    /// Parameter names in order (self/cls included).
    pub params: Vec<String>,
    /// Reads credentials itself.
    pub reads_credentials: bool,
    /// Rejects (401/403) itself.
    pub rejects: bool,
    /// Checks a role, admin flag or permission.
    pub checks_role: bool,
    /// Does a data access itself.
    pub data_access: bool,
    /// Uses an identity expression.
    pub uses_identity: bool,
    /// Compares something with the caller's identity (an ownership check).
    pub compares_identity: bool,
    /// Returns nothing where such a comparison fails (`if order["user_id"] != me: return
    /// None`): a lookup that answers the caller's own records only.
    pub withholds: bool,
    /// Returns a nested function (decorator shape).
    pub returns_inner: bool,
    /// Helpers whose result it returns, handed one of its parameters
    /// (`return self._apply_secure(func)`): it returns their wrapper when they return one.
    pub returns_call: Vec<String>,
    /// Functions called in what it returns (`return [User.json(u) for u in rows]`): its
    /// answer is made of their results.
    pub returned_calls: Vec<String>,
    /// Simple names of the functions it calls.
    pub calls: HashSet<String>,
    /// Parameter indices whose values reach a data access directly.
    pub data_params: HashSet<usize>,
    /// (parameter index, callee simple name, argument position) for transitive data params.
    pub param_flows: Vec<(usize, String, usize)>,
    /// Writes data itself (SQL INSERT/UPDATE/DELETE, a session commit, `.save()`).
    pub writes: bool,
    /// Models and tables its data calls name (normal form, see [`model_key`]).
    pub models: Vec<String>,
    /// Keys of the dict literals it builds (and of `jsonify`/`dict` keywords).
    pub dict_keys: Vec<String>,
    /// Attributes it sets on `g` or on the request, qualified (`g.user`,
    /// `request.current_user_id`).
    pub g_assigns: Vec<String>,
    /// Runs a `SELECT *` (whole records).
    pub selects_star: bool,
    /// Restricts a query by the caller's identity itself (`filter_by(user_id=me)`).
    pub scopes_identity: bool,
    /// Issues a credential itself ([`issues_token_call`]).
    pub issues_token: bool,
    /// Checks a password it was given against the stored ones ([`verifies_a_password`]).
    pub verifies_password: bool,
    /// Answers 404 itself (`abort(404)`, `ns.abort(404, "Project not found")`): after a
    /// comparison with the caller, a record the caller may not see is hidden as missing.
    pub hides_missing: bool,
    /// Reads entries of Flask's signed `session` by key (`session["sessions"]`, `"uid" in
    /// session`): what it answers belongs to the caller's own session.
    pub reads_signed_session: bool,
    /// Returns a dict of named fields (`{"name": u["name"], "bio": u["bio"]}`, `{k: row[k]
    /// for k in PUBLIC_FIELDS}`): a record handed to it is answered through that projection,
    /// not whole.
    pub projects: bool,
}

/// The fields a MongoDB projection includes (`{"name": 1, "email": True}`); none for an
/// exclusion (`{"password_hash": 0}`), which returns every other field.
fn included_fields(d: &ast::ExprDict) -> Vec<String> {
    let included = |v: &Expr| match v {
        Expr::NumberLiteral(n) => !matches!(&n.value, ast::Number::Int(i) if *i == 0),
        Expr::BooleanLiteral(b) => b.value,
        _ => false,
    };
    d.items
        .iter()
        .filter(|i| included(&i.value))
        .filter_map(|i| i.key.as_ref().and_then(str_value))
        .filter(|k| *k != "_id")
        .map(str::to_owned)
        .collect()
}

/// Whether a returned value is a dict of named fields: a literal whose keys are all strings
/// (no `**record`), or a comprehension keyed by its loop variable over names that are not
/// the function's parameters (`{k: row[k] for k in PUBLIC_FIELDS}`; over `row.keys()` it is
/// the whole record).
fn projection(value: &Expr, params: &[String]) -> bool {
    match value {
        Expr::Dict(d) => {
            !d.items.is_empty()
                && d.items
                    .iter()
                    .all(|i| i.key.as_ref().and_then(str_value).is_some())
        }
        Expr::DictComp(c) => {
            matches!(c.key.as_deref(), Some(Expr::Name(k)) if c.generators.len() == 1
                && matches!(&c.generators[0].target, Expr::Name(t) if t.id == k.id)
                && !crate::ast_util::names_in(&c.generators[0].iter)
                    .iter()
                    .any(|n| params.iter().any(|p| p == n)))
        }
        _ => false,
    }
}

/// Whether `body` reads Flask's signed `session` by key: `session["uid"]`,
/// `session.get("uid")`, `"uid" in session` (a database session is not read by string keys).
pub(crate) fn reads_signed_session(body: &[Stmt]) -> bool {
    let is_session = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == "session");
    let mut found = false;
    exprs_in(body, &mut |e| {
        found = found
            || match e {
                Expr::Subscript(s) => is_session(&s.value) && str_value(&s.slice).is_some(),
                Expr::Call(c) => {
                    matches!(c.func.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "get" && is_session(&a.value))
                        && c.arguments
                            .args
                            .first()
                            .is_some_and(|a| str_value(a).is_some())
                }
                Expr::Compare(c) => {
                    matches!(c.ops.first(), Some(ast::CmpOp::In))
                        && str_value(&c.left).is_some()
                        && c.comparators.first().is_some_and(is_session)
                }
                _ => false,
            };
    });
    found
}

/// The normal form of a model or table name, so that `class Note`, `__tablename__ =
/// "notes"` and `FROM notes` meet: lower-case letters and digits, a final `s` dropped.
pub(crate) fn model_key(name: &str) -> String {
    let mut k: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if k.len() > 3 && k.ends_with('s') {
        k.pop();
    }
    k
}

/// The tables a SQL statement reads or writes (`FROM x`, `JOIN x`, `INTO x`, `UPDATE x`).
pub(crate) fn sql_tables(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    for t in sql_table_names(sql) {
        let k = model_key(&t);
        if !out.contains(&k) {
            out.push(k);
        }
    }
    out
}

/// The table names of a SQL statement as written (lower-case, without quotes or schema),
/// in order: the one after `FROM` first in a `SELECT`.
pub(crate) fn sql_table_names(sql: &str) -> Vec<String> {
    let lower = sql.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == '(' || c == ',' || c == ';')
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if matches!(*w, "from" | "join" | "into" | "update")
            && let Some(next) = words.get(i + 1)
        {
            let t = next.trim_matches(|c: char| c == '"' || c == '`' || c == '[' || c == ']');
            let t = t.rsplit('.').next().unwrap_or(t);
            if !t.is_empty()
                && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && t != "select"
            {
                out.push(t.to_owned());
            }
        }
    }
    out
}

/// Whether a SQL statement changes data.
pub(crate) fn sql_writes(sql: &str) -> bool {
    let t = sql.trim_start().to_ascii_lowercase();
    ["insert", "update", "delete", "replace", "merge", "upsert"]
        .iter()
        .any(|k| t.starts_with(k))
}

/// The model a data call is about: `User.query.get(...)`, `db.session.get(User, id)`,
/// `select(Note)`, `Note.objects.filter(...)`; or the tables of its SQL.
pub(crate) fn call_models(call: &ast::ExprCall) -> Vec<String> {
    if let Some(sql) = sql_statement(call) {
        return sql_tables(&sql);
    }
    if is_data_call(call)
        && let Some(ns) = call.arguments.args.first().and_then(key_namespace)
    {
        return vec![model_key(ns)];
    }
    let capitalized = |s: &str| s.chars().next().is_some_and(|c| c.is_ascii_uppercase());
    // SQLAlchemy's session under a class-like name (`Session.get(Visit, i)`,
    // `SessionLocal.execute(select(Visit))`, `Session.query(Invoice).filter_by(...)`): the
    // model is the argument of the call made on it, not the receiver. (A model named
    // `Session` is queried through an attribute: `Session.query.filter_by(...)`.)
    let session_call = |root: &str| {
        if !root.contains("Session") {
            return false;
        }
        let mut at: &ast::ExprCall = call;
        loop {
            let Expr::Attribute(a) = at.func.as_ref() else {
                return false;
            };
            match a.value.as_ref() {
                Expr::Name(_) => break,
                Expr::Call(inner) => at = inner,
                Expr::Attribute(x) => match x.value.as_ref() {
                    Expr::Call(inner) => at = inner,
                    _ => return false,
                },
                _ => return false,
            }
        }
        at.arguments.args.first().is_some_and(|a| match a {
            Expr::Name(n) => capitalized(n.id.as_str()),
            Expr::Call(_) => true,
            _ => false,
        })
    };
    if let Expr::Attribute(a) = call.func.as_ref()
        && let Some(d) = dotted(&a.value)
        && let Some(root) = d.split('.').next()
        && capitalized(root)
        && root.chars().any(|c| c.is_ascii_lowercase())
        && !session_call(root)
    {
        return vec![model_key(root)];
    }
    for arg in &call.arguments.args {
        match arg {
            Expr::Name(n)
                if capitalized(n.id.as_str())
                    && n.id.as_str().chars().any(|c| c.is_ascii_lowercase()) =>
            {
                return vec![model_key(n.id.as_str())];
            }
            Expr::Call(inner) => {
                let m = call_models(inner);
                if !m.is_empty() {
                    return m;
                }
            }
            _ => {}
        }
    }
    // A relationship on an object: `current_user.orders.filter_by(...)` → `order`.
    if let Expr::Attribute(a) = call.func.as_ref()
        && let Expr::Attribute(rel) = a.value.as_ref()
        && !QUERY_RECEIVERS.contains(&rel.attr.as_str())
        && rel
            .attr
            .as_str()
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '_')
        && rel.attr.as_str().len() > 2
    {
        return vec![model_key(rel.attr.as_str())];
    }
    // `db.session.get(User, id)` is handled above; `db.session.query(User).get(id)`:
    if let Expr::Attribute(a) = call.func.as_ref()
        && let Expr::Call(inner) = a.value.as_ref()
    {
        return call_models(inner);
    }
    Vec::new()
}

/// Whether a data call writes: a write statement, a session commit/add/delete, `.save()`.
pub(crate) fn is_write_call(call: &ast::ExprCall) -> bool {
    if let Some(sql) = sql_statement(call) {
        return sql_writes(&sql);
    }
    let Some(last) = callee_last(call) else {
        return false;
    };
    let receiver = match call.func.as_ref() {
        Expr::Attribute(a) => dotted(&a.value).unwrap_or_default().to_ascii_lowercase(),
        _ => return false,
    };
    let on_store = receiver
        .split(['.', '(', ')'])
        .any(|seg| QUERY_RECEIVERS.contains(&seg));
    match last {
        // A key-value store's record: `r.set(f"invoice:{iid}", ...)`, `r.delete(...)`.
        "set" | "delete" if call.arguments.args.first().is_some_and(namespaced_key) => true,
        // `db.drop_all()`, `db.create_all()`: the schema itself (a route that re-creates
        // the database).
        "commit" | "add" | "add_all" | "merge" | "bulk_save_objects" | "delete" | "drop_all"
        | "create_all" => on_store,
        // `obj.save()` (ORM); `image.save(path)` writes a file, not a record.
        "save" => call.arguments.args.is_empty(),
        "insert_one" | "insert_many" | "update_one" | "update_many" | "delete_one"
        | "delete_many" | "replace_one" | "hset" | "hdel" => true,
        _ => false,
    }
}

/// Name-level taint inside one function body: which local names derive from which seeds.
/// What an assigned value is known to carry.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct ValueFlags {
    /// The caller's identity.
    pub identity: bool,
    /// Request credentials (Authorization header, header dumps).
    pub credentials: bool,
    /// The result of a hashing call.
    pub hashed: bool,
    /// A whole database record (`SELECT *`).
    pub whole_record: bool,
    /// The value is a plain derivation of the names it reads (a copy, an attribute, an
    /// item, a conversion), not the result of a query or computation over them.
    pub direct: bool,
    /// The result of a token check (`verify_token(header)`, `jwt.decode(token, ...)`): the
    /// claims it vouches for, not the credential it read.
    pub verified: bool,
    /// One entry of a mapping picked by a key that names no credential (`headers.get("range")`
    /// of `headers = request.headers`, a parsed token's `auth.get("repository")`): what it
    /// holds is not the credential, whatever the mapping holds besides.
    pub other_entry: bool,
    /// The value may still be what it reads: anything but the result of a call that
    /// computes something else from it (`db.add_file(username, f)`, `get_key_owner(key)`,
    /// `hash_token(t)`). See [`carries_what_it_reads`].
    pub carries: bool,
}

/// Whether a value may still be the credential it reads. A call's result is only when the
/// call restates or re-encodes its argument (string methods, conversions, containers,
/// `b64decode`, `json.dumps`) or its name says it hands a credential on (`extract_token`,
/// `get_auth_header`, `parse_authorization`): the last word of the name is what it returns.
/// Whatever a project's lookup or write answers (`owner = get_key_owner(key)`, `result =
/// db.add_file(owner, f)`) is a record, a status or a count, not the token.
fn carries_what_it_reads(value: &Expr) -> bool {
    /// What a function hands on when its name ends with one of these.
    const CARRIED: &[&str] = &[
        "token",
        "tokens",
        "key",
        "keys",
        "apikey",
        "auth",
        "authorization",
        "credential",
        "credentials",
        "creds",
        "header",
        "headers",
        "bearer",
        "secret",
        "password",
        "passwd",
        "cookie",
        "cookies",
        "jwt",
        "signature",
        "string",
        "str",
        "text",
        "value",
        "values",
        "data",
        "dict",
        "json",
        "params",
        "args",
        "form",
        "payload",
        "body",
        "request",
        "environ",
        "url",
        "query",
    ];
    /// Calls that restate or re-encode what they take.
    const ENCODING: &[&str] = &[
        "dict",
        "list",
        "tuple",
        "set",
        "sorted",
        "str",
        "repr",
        "bytes",
        "bytearray",
        "vars",
        "copy",
        "deepcopy",
        "dumps",
        "loads",
        "b64decode",
        "b64encode",
        "urlsafe_b64decode",
        "urlsafe_b64encode",
        "unquote",
        "unquote_plus",
        "quote",
        "quote_plus",
        "urlencode",
        "parse_qs",
        "parse_qsl",
        "pformat",
        "to_dict",
        "items",
        "keys",
        "values",
        "getattr",
        "jsonify",
        "unhexlify",
        "hexlify",
        "fromhex",
    ];
    /// Verbs that hand their argument on, whatever follows (`decode_jwt_header`).
    const HANDING: &[&str] = &[
        "extract",
        "parse",
        "decode",
        "encode",
        "get",
        "read",
        "strip",
        "split",
        "clean",
        "normalize",
        "format",
        "fetch",
        "pop",
    ];
    /// Verbs whose result is about the argument, not the argument (`hash_token`).
    const ABOUT: &[&str] = &[
        "hash",
        "verify",
        "check",
        "validate",
        "is",
        "has",
        "count",
        "compare",
        "lookup",
        "find",
        "load",
        "authenticate",
        "authorize",
        "mask",
        "redact",
        "obfuscate",
        "revoke",
        "invalidate",
        "delete",
        "remove",
        "add",
        "create",
        "insert",
        "update",
        "save",
        "store",
        "register",
        "send",
        "log",
        "record",
        "rotate",
    ];
    match value {
        Expr::Await(a) => carries_what_it_reads(&a.value),
        Expr::If(i) => carries_what_it_reads(&i.body) || carries_what_it_reads(&i.orelse),
        // A lookup by a key made from the credential (`r.get(f"apikey:{hash_key(k)}")`,
        // `cache.get(key_of(token))`) answers what is stored there, not the key.
        Expr::Call(c)
            if matches!(callee_last(c), Some("get" | "hget" | "hgetall" | "fetch"))
                && matches!(c.func.as_ref(), Expr::Attribute(_))
                && c.arguments.args.first().is_some_and(|a| {
                    matches!(a, Expr::FString(_) | Expr::Call(_) | Expr::BinOp(_))
                }) =>
        {
            false
        }
        Expr::Call(c) if !is_direct(value) => {
            let Some(name) = callee_last(c) else {
                return true;
            };
            if ENCODING.contains(&name) {
                return true;
            }
            let w = crate::patterns::words(name);
            // What it returns is named before the argument (`get_user_by_token`,
            // `extract_token_from_header`), else last.
            let head = w
                .iter()
                .position(|x| matches!(x.as_str(), "by" | "from" | "for" | "of" | "with"))
                .filter(|&i| i > 0)
                .map_or(w.last(), |i| w.get(i - 1));
            let (Some(first), Some(head)) = (w.first(), head) else {
                return true;
            };
            !ABOUT.contains(&first.as_str())
                && (CARRIED.contains(&head.as_str())
                    || w.len() == 1 && HANDING.contains(&first.as_str()))
        }
        _ => true,
    }
}

/// A masked copy (`f"{key[:4]}****{key[-4:]}"`, `token[:6] + "..."`): every read of a name
/// in the value is a bounded slice of it or its length.
fn masked(value: &Expr) -> bool {
    let mut reads: Vec<&str> = Vec::new();
    let mut covered: Vec<&str> = Vec::new();
    let mut sliced = false;
    each_expr(value, &mut |e| match e {
        Expr::Name(n) if n.ctx.is_load() => reads.push(n.id.as_str()),
        Expr::Subscript(sub) => {
            // A short head or tail (`key[:4]`, `key[-4:]`), not what follows a prefix
            // (`header[7:]` is the whole token).
            let short = |b: &Expr, negative: bool| match b {
                Expr::UnaryOp(u) if u.op == ast::UnaryOp::USub => {
                    negative && crate::ast_util::int_value(&u.operand).is_some_and(|n| n <= 8)
                }
                other => !negative && crate::ast_util::int_value(other).is_some_and(|n| n <= 8),
            };
            if let (Expr::Name(n), Expr::Slice(sl)) = (sub.value.as_ref(), sub.slice.as_ref())
                && sl.step.is_none()
                && match (sl.lower.as_deref(), sl.upper.as_deref()) {
                    (None, Some(u)) => short(u, false),
                    (Some(l), None) => short(l, true),
                    _ => false,
                }
            {
                covered.push(n.id.as_str());
                sliced = true;
            }
        }
        Expr::Call(c) if callee_last(c) == Some("len") => {
            if let Some(Expr::Name(n)) = c.arguments.args.first() {
                covered.push(n.id.as_str());
            }
        }
        _ => {}
    });
    // `len` itself is read as a name too.
    let reads: Vec<&str> = reads.into_iter().filter(|r| *r != "len").collect();
    sliced && !reads.is_empty() && reads.len() == covered.len()
}

/// `x.get("range")`, `x["repository"]`: one entry of a mapping by a key that names no
/// credential (not `Authorization`, a cookie, a key, token, password, secret or session).
fn other_entry(value: &Expr) -> bool {
    let key = match value {
        Expr::Subscript(s) if matches!(s.value.as_ref(), Expr::Name(_)) => str_value(&s.slice),
        Expr::Call(c)
            if callee_last(c) == Some("get")
                && matches!(c.func.as_ref(), Expr::Attribute(a) if matches!(a.value.as_ref(), Expr::Name(_))) =>
        {
            c.arguments.args.first().and_then(str_value)
        }
        _ => None,
    };
    key.is_some_and(|k| {
        !crate::patterns::words(k).iter().any(|w| {
            matches!(
                w.as_str(),
                "authorization"
                    | "auth"
                    | "cookie"
                    | "key"
                    | "apikey"
                    | "token"
                    | "password"
                    | "passwd"
                    | "pass"
                    | "pwd"
                    | "secret"
                    | "session"
                    | "jwt"
                    | "bearer"
                    | "signature"
                    | "sig"
                    | "credential"
                    | "credentials"
            )
        })
    })
}

/// Whether a value merely restates what it reads: `x`, `x.id`, `x["sub"]`, `int(x)`,
/// `x.get("sub")`, `x or y`.
fn is_direct(value: &Expr) -> bool {
    match value {
        Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_) | Expr::FString(_) => true,
        // Text built from the value keeps it: `"Bearer " + token`, `"%s" % password`.
        Expr::BinOp(b) => matches!(b.op, ast::Operator::Add | ast::Operator::Mod),
        Expr::Call(c) => match c.func.as_ref() {
            // `header.split(" ")[1]`, `token.strip()`, `"{}".format(password)`.
            Expr::Attribute(a)
                if matches!(
                    a.attr.as_str(),
                    "get"
                        | "lower"
                        | "upper"
                        | "strip"
                        | "split"
                        | "replace"
                        | "removeprefix"
                        | "partition"
                        | "encode"
                        | "decode"
                        | "format"
                        | "join"
                ) =>
            {
                true
            }
            // `getattr(request, "current_user_id", None)`: an attribute read by name.
            _ if callee_last(c) == Some("getattr") => true,
            _ => {
                matches!(callee_last(c), Some("int" | "str" | "UUID"))
                    && c.arguments.args.first().is_some_and(is_direct)
            }
        },
        Expr::BoolOp(b) => b.values.iter().all(is_direct),
        _ => false,
    }
}

impl ValueFlags {
    /// The flags of an assigned value, in one walk (plus the credential check when the
    /// value mentions `request` at all).
    pub(crate) fn of(value: &Expr) -> ValueFlags {
        let verified = matches!(value, Expr::Call(c)
            if callee_last(c).is_some_and(|n| verifies_token_name(n) || asks_the_provider(n))
                || callee(c).is_some_and(|d| d == "jwt.decode"));
        // `user = current_user()`, `me = get_jwt_identity()`: the caller itself.
        let asks_identity = matches!(value, Expr::Call(_)) && is_identity_expr(value);
        let mut flags = ValueFlags {
            direct: is_direct(value) || asks_identity,
            verified,
            other_entry: other_entry(value) || masked(value),
            carries: carries_what_it_reads(value),
            ..ValueFlags::default()
        };
        let mut mentions_request = false;
        each_expr(value, &mut |e| match e {
            Expr::Attribute(_) if crate::recognizers::is_request_object(e) => {
                mentions_request = true;
            }
            Expr::Name(n) => {
                if n.id.as_str() == "request" {
                    mentions_request = true;
                }
                if !flags.identity && IDENTITY_NAMES.contains(&n.id.as_str()) {
                    flags.identity = true;
                }
            }
            Expr::Call(c) => {
                if !flags.identity && is_identity_expr(e) {
                    flags.identity = true;
                }
                if !flags.hashed && is_hash_call(c) {
                    flags.hashed = true;
                }
                if !flags.whole_record
                    && is_data_call(c)
                    && sql_of(c).is_some_and(|q| is_select_star(&q))
                {
                    flags.whole_record = true;
                }
            }
            Expr::Attribute(_) | Expr::Subscript(_) if !flags.identity && is_identity_expr(e) => {
                flags.identity = true;
            }
            _ => {}
        });
        if mentions_request {
            flags.credentials = crate::patterns::reads_request_credentials(value);
        }
        // What a token check answers (`sub, err = decode_token_from_header()`, `claims =
        // jwt.decode(...)`) names the caller: comparing it with the path's id is the
        // ownership check.
        flags.identity |= verified;
        // The caller's id only as the default of what the client sends
        // (`request.args.get("user_id", request.user["user_id"])`,
        // `request.json.get("owner") or current_user.id`): the client chooses.
        if flags.identity && client_chosen(value) {
            flags.identity = false;
        }
        flags
    }
}

/// A value the client's request decides, whatever default follows it: `request.args.get(k,
/// default)` of any request mapping, or `request.…[k] or default` / `….get(k) or default`.
fn client_chosen(value: &Expr) -> bool {
    let of_request = |e: &Expr| match e {
        Expr::Attribute(a) => crate::recognizers::is_request_object(&a.value),
        Expr::Call(c) => {
            matches!(callee_last(c), Some("get_json"))
                && matches!(c.func.as_ref(), Expr::Attribute(a) if crate::recognizers::is_request_object(&a.value))
        }
        _ => false,
    };
    let read = |e: &Expr| match e {
        Expr::Call(c) => {
            callee_last(c) == Some("get")
                && matches!(c.func.as_ref(), Expr::Attribute(a) if of_request(&a.value))
        }
        Expr::Subscript(s) => of_request(&s.value),
        _ => false,
    };
    match value {
        Expr::BoolOp(b) if b.op == ast::BoolOp::Or => b.values.first().is_some_and(read),
        // `int(request.args.get("user_id", me))`
        Expr::Call(c)
            if matches!(callee_last(c), Some("int" | "str" | "UUID"))
                && c.arguments.args.len() == 1 =>
        {
            client_chosen(&c.arguments.args[0])
        }
        other => read(other),
    }
}

/// `generate_password_hash(...)`, `hashlib.sha256(...)`, `bcrypt.hashpw(...)`,
/// `_salted_password(password, salt)`...
pub(crate) fn is_hash_call(call: &ast::ExprCall) -> bool {
    let name = callee(call).unwrap_or_default().to_ascii_lowercase();
    if name.contains("salted") {
        return true;
    }
    [
        "hash",
        "digest",
        "bcrypt",
        "argon",
        "pbkdf",
        "scrypt",
        "sha",
        "md5",
        "hmac",
        "crypt",
        "make_password",
        "encrypt",
        "fernet",
        "sign",
    ]
    .iter()
    .any(|k| name.contains(k))
}

/// `SELECT * FROM`, `SELECT t.* FROM`.
pub(crate) fn is_select_star(sql: &str) -> bool {
    let lower = sql.to_ascii_lowercase();
    let Some(i) = lower.find("select") else {
        return false;
    };
    let rest = lower[i + 6..].trim_start();
    rest.starts_with('*')
        || rest
            .split_whitespace()
            .next()
            .is_some_and(|w| w.ends_with(".*") || w.ends_with(".*,"))
}

/// Name sets use a fast non-cryptographic hasher: keys are identifiers from the source.
pub(crate) type NameSet<'a> = rustc_hash::FxHashSet<&'a str>;

/// Each function's [`Taint`], computed once, when first asked for. A file pass keeps one
/// (in its [`crate::checker::Checker`]), the project pass another (in
/// [`crate::project::Project`]), since a tree borrowed in one does not live into the other.
#[derive(Debug, Default)]
pub(crate) struct Taints<'a> {
    cache: std::sync::Mutex<HashMap<usize, std::sync::Arc<Taint<'a>>>>,
}

impl<'a> Taints<'a> {
    /// The taint of `func`'s body.
    pub(crate) fn of(&self, func: &'a ast::StmtFunctionDef) -> std::sync::Arc<Taint<'a>> {
        let key = std::ptr::from_ref(func) as usize;
        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache
            .entry(key)
            .or_insert_with(|| std::sync::Arc::new(Taint::of_body(&func.body)))
            .clone()
    }
}

#[derive(Debug, Default)]
pub(crate) struct Taint<'a> {
    assigns: Vec<(Vec<&'a str>, Vec<&'a str>, ValueFlags)>,
}

impl<'a> Taint<'a> {
    /// Collects assignments (`target = value`, `for target in value`, `with value as target`)
    /// of a body, nested functions included.
    pub(crate) fn of_body(body: &'a [Stmt]) -> Taint<'a> {
        struct C<'a> {
            assigns: Vec<(Vec<&'a str>, Vec<&'a str>, ValueFlags)>,
        }
        impl<'a> Visitor<'a> for C<'a> {
            fn visit_stmt(&mut self, stmt: &'a Stmt) {
                match stmt {
                    Stmt::Assign(a) => {
                        let reads: Vec<&'a str> = names_in(&a.value);
                        let flags = ValueFlags::of(&a.value);
                        for t in &a.targets {
                            let targets: Vec<&'a str> = target_names(t);
                            self.assigns.push((targets, reads.clone(), flags));
                        }
                    }
                    Stmt::AnnAssign(a) => {
                        if let Some(v) = &a.value {
                            let reads = names_in(v);
                            let targets = target_names(&a.target);
                            self.assigns.push((targets, reads, ValueFlags::of(v)));
                        }
                    }
                    Stmt::For(f) => {
                        let reads = names_in(&f.iter);
                        let targets = target_names(&f.target);
                        self.assigns.push((targets, reads, ValueFlags::of(&f.iter)));
                    }
                    Stmt::With(w) => {
                        for item in &w.items {
                            if let Some(v) = &item.optional_vars {
                                let reads = names_in(&item.context_expr);
                                let targets = target_names(v);
                                let flags = ValueFlags {
                                    carries: true,
                                    ..ValueFlags::default()
                                };
                                self.assigns.push((targets, reads, flags));
                            }
                        }
                    }
                    _ => {}
                }
                walk_stmt(self, stmt);
            }
            fn visit_expr(&mut self, expr: &'a Expr) {
                if let Expr::Named(n) = expr {
                    let reads = names_in(&n.value);
                    let targets = target_names(&n.target);
                    self.assigns
                        .push((targets, reads, ValueFlags::of(&n.value)));
                }
                for g in crate::ast_util::comprehension_generators(expr)
                    .into_iter()
                    .flatten()
                {
                    let reads = names_in(&g.iter);
                    let targets = target_names(&g.target);
                    self.assigns.push((targets, reads, ValueFlags::of(&g.iter)));
                }
                walk_expr(self, expr);
            }
        }
        let mut c = C {
            assigns: Vec::new(),
        };
        for s in body {
            c.visit_stmt(s);
        }
        Taint { assigns: c.assigns }
    }

    /// Every name that derives (through assignments) from one of `seeds`.
    pub(crate) fn closure(&self, seeds: &[&'a str]) -> NameSet<'a> {
        let mut set: NameSet<'a> = seeds.iter().copied().collect();
        loop {
            let before = set.len();
            for (targets, reads, _) in &self.assigns {
                if reads.iter().any(|r| set.contains(r)) {
                    set.extend(targets.iter().copied());
                }
            }
            if set.len() == before {
                return set;
            }
        }
    }

    /// Names that hold identity (assigned from identity expressions, or from such names).
    pub(crate) fn identity_names(&self) -> NameSet<'a> {
        let mut set = self.flagged(|f| f.identity);
        set.extend(IDENTITY_NAMES.iter().copied());
        set
    }

    /// Like [`Taint::closure`], following only plain derivations (`uid = user.id`,
    /// `sub = claims["sub"]`): the rows a query returns for the caller are not the caller.
    pub(crate) fn closure_direct(&self, seeds: &[&'a str]) -> NameSet<'a> {
        let mut set: NameSet<'a> = seeds.iter().copied().collect();
        loop {
            let before = set.len();
            for (targets, reads, flags) in &self.assigns {
                if flags.direct && reads.iter().any(|r| set.contains(r)) {
                    set.extend(targets.iter().copied());
                }
            }
            if set.len() == before {
                return set;
            }
        }
    }

    /// The identity's names, following plain derivations only (see [`Taint::closure_direct`]).
    pub(crate) fn identity_names_direct(&self) -> NameSet<'a> {
        let seeds: Vec<&'a str> = self
            .assigns
            .iter()
            // A token check's answer names the caller as plainly as a copy would.
            .filter(|a| a.2.identity && (a.2.direct || a.2.verified))
            .flat_map(|a| a.0.iter().copied())
            .chain(IDENTITY_NAMES.iter().copied())
            .collect();
        self.closure_direct(&seeds)
    }

    /// Names assigned from a value with the given flag, and names derived from them.
    pub(crate) fn flagged(&self, pred: impl Fn(&ValueFlags) -> bool) -> NameSet<'a> {
        let seeds: Vec<&'a str> = self
            .assigns
            .iter()
            .filter(|a| pred(&a.2))
            .flat_map(|a| a.0.iter().copied())
            .collect();
        self.closure(&seeds)
    }

    /// Names holding the request's credentials: assigned from them, or derived from such
    /// names except through a token check (its result is the claims, not the token).
    pub(crate) fn credential_names(&self) -> NameSet<'a> {
        let mut set: NameSet<'a> = self
            .assigns
            .iter()
            .filter(|a| a.2.credentials && !a.2.verified && a.2.carries)
            .flat_map(|a| a.0.iter().copied())
            .collect();
        loop {
            let before = set.len();
            for (targets, reads, flags) in &self.assigns {
                if !flags.verified
                    && !flags.other_entry
                    && flags.carries
                    && reads.iter().any(|r| set.contains(r))
                {
                    set.extend(targets.iter().copied());
                }
            }
            if set.len() == before {
                return set;
            }
        }
    }
}

/// Whether `expr` involves identity, directly or through a tainted name (or a `g.attr`
/// the project's authentication sets, held in `identity` as `g.attr`).
/// A function named for the caller's relation to a record, handed the caller:
/// `has_member`, `is_owner`, `owned_by`, `belongs_to`, `can_access`, `is_member_of`.
pub(crate) fn relation_predicate(name: &str) -> bool {
    let n = name.trim_start_matches('_').to_ascii_lowercase();
    let predicate = ["has_", "is_", "can_", "may_", "user_can", "check_"]
        .iter()
        .any(|p| n.starts_with(p));
    let relation = [
        "member",
        "owner",
        "owned",
        "owns",
        "belong",
        "access",
        "permission",
        "allowed",
        "participant",
        "collaborator",
    ]
    .iter()
    .any(|w| n.contains(w));
    relation
        && (predicate
            || n.starts_with("owned")
            || n.starts_with("owns")
            || n.starts_with("belongs"))
}

pub(crate) fn involves_identity(expr: &Expr, identity: &NameSet<'_>) -> bool {
    any_expr(expr, &mut |e| is_identity_in(e, identity))
}

fn is_identity_in(e: &Expr, identity: &NameSet<'_>) -> bool {
    match e {
        Expr::Name(n) => identity.contains(n.id.as_str()) || is_identity_expr(e),
        Expr::Attribute(a) => {
            is_identity_expr(e)
                || matches!(a.value.as_ref(), Expr::Name(b)
                    if matches!(b.id.as_str(), "g" | "request")
                        && identity.contains(format!("{}.{}", b.id, a.attr).as_str()))
        }
        _ => is_identity_expr(e),
    }
}

/// Whether `expr` reads one of `names`.
pub(crate) fn reads_any(expr: &Expr, names: &NameSet<'_>) -> bool {
    any_expr(
        expr,
        &mut |e| matches!(e, Expr::Name(n) if names.contains(n.id.as_str())),
    )
}

/// Method names too generic to link to a project function by name alone
/// (`query.delete()` is not `Resource.delete`).
const GENERIC_METHODS: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "update",
    "add",
    "remove",
    "pop",
    "items",
    "keys",
    "values",
    "append",
    "extend",
    "insert",
    "find",
    "filter",
    "first",
    "all",
    "one",
    "count",
    "save",
    "commit",
    "close",
    "open",
    "read",
    "write",
    "set",
    "run",
    "query",
    "load",
    "dump",
    "dumps",
    "loads",
    "send",
    "call",
    "format",
    "split",
    "join",
    "strip",
    "lower",
    "upper",
    "replace",
    "encode",
    "decode",
    "copy",
    "clear",
    "setdefault",
    "to_dict",
    "init_app",
];

/// Whether a call may be linked by name to a project function: a bare name not imported
/// from outside the project, `self.x(...)`, or a method name specific enough.
pub(crate) fn linkable_call(call: &ast::ExprCall, external: &HashSet<String>) -> bool {
    match call.func.as_ref() {
        Expr::Name(n) => !external.contains(n.id.as_str()),
        Expr::Attribute(a) => {
            if let Expr::Name(n) = a.value.as_ref()
                && external.contains(&format!("module:{}", n.id.as_str()))
            {
                return false;
            }
            // The database driver's own methods on a connection or cursor
            // (`get_db().execute(sql)`, `cur.execute(sql)`), not a project helper of that
            // name (`db.execute(...)` of a project module stays linkable).
            let driver = matches!(
                a.attr.as_str(),
                "execute" | "executemany" | "executescript" | "fetchone" | "fetchall" | "fetchmany"
            ) && match a.value.as_ref() {
                Expr::Call(_) => true,
                Expr::Name(n) => matches!(
                    n.id.as_str(),
                    "cursor" | "cur" | "c" | "conn" | "con" | "connection" | "cx" | "dbc"
                ),
                Expr::Attribute(inner) => matches!(
                    inner.attr.as_str(),
                    "cursor" | "conn" | "connection" | "session"
                ),
                _ => false,
            };
            !driver
                && (matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == "self" || n.id.as_str() == "cls")
                    || !GENERIC_METHODS.contains(&a.attr.as_str()))
        }
        _ => false,
    }
}

/// What one file's names stand for, as the function facts read them: the names it imports
/// from outside the project ([`external_imports`], which it dereferences to) and the record
/// stores it keeps ([`crate::stores::Stores`]).
#[derive(Debug, Default, Clone)]
pub(crate) struct FileScope {
    pub imports: HashSet<String>,
    pub stores: crate::stores::Stores,
}

impl FileScope {
    pub(crate) fn of_module(body: &[Stmt], project_modules: &HashSet<String>) -> FileScope {
        FileScope {
            imports: external_imports(body, project_modules),
            stores: crate::stores::Stores::of_module(body),
        }
    }
}

impl std::ops::Deref for FileScope {
    type Target = HashSet<String>;
    fn deref(&self) -> &HashSet<String> {
        &self.imports
    }
}

/// Names a module imports from outside the project (`from flask import jsonify`):
/// calls to them never link to a same-named project function.
pub(crate) fn external_imports(
    body: &[Stmt],
    project_modules: &HashSet<String>,
) -> HashSet<String> {
    let mut out = HashSet::default();
    for s in body {
        if let Stmt::ImportFrom(i) = s {
            let module = i
                .module
                .as_ref()
                .map(std::string::ToString::to_string)
                .unwrap_or_default();
            let local = i.level > 0 || module.split('.').any(|seg| project_modules.contains(seg));
            if !local {
                for alias in &i.names {
                    out.insert(alias.asname.as_ref().unwrap_or(&alias.name).to_string());
                }
            }
        }
        // `import unfurl`: the module's functions (`unfurl.run(url)`) are not the
        // project's, whatever they are called; kept as `module:unfurl` so that nothing
        // reads the module's name as an imported function.
        if let Stmt::Import(i) = s {
            for alias in &i.names {
                let first = alias.name.split('.').next().unwrap_or_default();
                if !project_modules.contains(first) {
                    let bound = alias.asname.as_ref().map_or(first, |a| a.as_str());
                    out.insert(format!("module:{bound}"));
                }
            }
        }
    }
    out
}

/// The project functions called anywhere in `expr` (simple names, each once).
fn linked_calls(expr: &Expr, external: &HashSet<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    each_expr(expr, &mut |e| {
        if let Expr::Call(c) = e
            && linkable_call(c, external)
            && let Some(last) = callee_last(c)
            && !out.iter().any(|o| o == last)
        {
            out.push(last.to_owned());
        }
    });
    out
}

/// Computes a function's own facts; calls to `external` names are not linked.
pub(crate) fn func_facts_with<'a>(
    func: &'a ast::StmtFunctionDef,
    external: &FileScope,
    taints: &Taints<'a>,
) -> FuncFacts {
    let params: Vec<String> = func
        .parameters
        .iter()
        .map(|p| p.name().to_string())
        .collect();
    let taint = taints.of(func);
    let identity = taint.identity_names();
    let per_param: Vec<NameSet<'_>> = func
        .parameters
        .iter()
        .map(|p| taint.closure(&[p.name().as_str()]))
        .collect();
    let mut facts = FuncFacts {
        params,
        ..FuncFacts::default()
    };
    let inner_names: HashSet<String> = func
        .body
        .iter()
        .filter_map(|s| match s {
            Stmt::FunctionDef(f) => Some(f.name.to_string()),
            _ => None,
        })
        .collect();

    struct V<'f> {
        external: &'f FileScope,
        facts: &'f mut FuncFacts,
        per_param: &'f [NameSet<'f>],
        identity: &'f NameSet<'f>,
        inner: &'f HashSet<String>,
        depth: usize,
        /// Calls in the values assigned to each local (`out = jsonify(rows())`).
        assigned: HashMap<String, Vec<String>>,
        /// Locals the function made a dict (`d = {}`).
        dicts: HashSet<String>,
        /// Dict literals handed to a data call (a filter, a projection, bound SQL
        /// parameters, an update document): the query's, not the answer's.
        query_dicts: HashSet<ruff_text_size::TextRange>,
        /// The file's record stores this function sees ([`crate::stores::Stores::seen_from`]:
        /// not those whose name it binds itself).
        stores: &'f crate::stores::Stores,
    }
    impl V<'_> {
        /// Whether an expression reads a record store (`users`, `users[uid]`,
        /// `state["users"]`).
        fn store_read(&self, e: &Expr) -> bool {
            self.stores.root(e).is_some()
        }
        /// A call on a record store (`users.get(uid)`, `orders.append(...)`).
        fn store_call(&self, call: &ast::ExprCall) -> bool {
            matches!(call.func.as_ref(), Expr::Attribute(a) if self.store_read(&a.value))
        }
    }
    impl<'a> Visitor<'a> for V<'_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if is_rejection(stmt) {
                self.facts.rejects = true;
            }
            if self.depth == 0 && (is_login_guard(stmt) || is_key_guard(stmt)) {
                self.facts.reads_credentials = true;
                self.facts.rejects = true;
            }
            // `users[uid] = {...}`, `del users[uid]`: a write to a record store.
            if !self.stores.is_empty() {
                let targets: &[Expr] = match stmt {
                    Stmt::Assign(a) => &a.targets,
                    Stmt::AugAssign(a) => std::slice::from_ref(a.target.as_ref()),
                    Stmt::AnnAssign(a) => std::slice::from_ref(a.target.as_ref()),
                    Stmt::Delete(d) => &d.targets,
                    _ => &[],
                };
                if targets.iter().any(|t| self.stores.is_write_target(t)) {
                    self.facts.writes = true;
                    self.facts.data_access = true;
                }
            }
            if let Stmt::If(i) = stmt
                && mentions_role(&i.test)
                && i.body.iter().any(is_rejection)
            {
                self.facts.checks_role = true;
            }
            // `if order is None or order["user_id"] != me: return None` (or `abort(404)`):
            // the caller compared with something else than a constant (`if user is None:
            // return None` checks no record).
            if let Stmt::If(i) = stmt
                && any_expr(&i.test, &mut |x| {
                    let Expr::Compare(c) = x else { return false };
                    let mut ops = crate::ast_util::operands(c);
                    ops.clone().any(|o| involves_identity(o, self.identity))
                        && ops.any(|o| {
                            !involves_identity(o, self.identity)
                                && !o.is_literal_expr()
                                && !matches!(o, Expr::NoneLiteral(_))
                        })
                })
                && i.body.iter().any(|st| {
                    matches!(st, Stmt::Return(r)
                        if r.value.as_deref().is_none_or(|v| matches!(v, Expr::NoneLiteral(_))))
                        // `abort(404)`, `raise NotFound()`: the object hidden, whatever status.
                        || matches!(st, Stmt::Raise(r) if r.exc.is_some())
                        || matches!(st, Stmt::Expr(e) if matches!(e.value.as_ref(),
                            Expr::Call(c) if callee_last(c) == Some("abort")))
                })
            {
                self.facts.withholds = true;
            }
            // A local's value: the calls it holds (`out = jsonify(rows())`), whether it is a
            // dict the function builds (`d = {}`, `d = dict()`); and `d["email"] = row[2]`,
            // `d["id"], d["name"] = row[:2]`: keys of such a dict built item by item (not
            // `session[...]` or a request's headers).
            if let Stmt::Assign(a) = stmt
                && self.depth == 0
            {
                if let [Expr::Name(n)] = a.targets.as_slice() {
                    let calls = linked_calls(&a.value, self.external);
                    self.assigned.insert(n.id.to_string(), calls);
                    if matches!(a.value.as_ref(), Expr::Dict(_))
                        || matches!(a.value.as_ref(), Expr::Call(c) if callee_last(c) == Some("dict"))
                    {
                        self.dicts.insert(n.id.to_string());
                    }
                }
                for t in &a.targets {
                    let items: Vec<&Expr> = match t {
                        Expr::Tuple(tu) => tu.elts.iter().collect(),
                        Expr::List(l) => l.elts.iter().collect(),
                        other => vec![other],
                    };
                    for item in items {
                        if let Expr::Subscript(sub) = item
                            && matches!(sub.value.as_ref(), Expr::Name(d) if self.dicts.contains(d.id.as_str()))
                            && let Some(k) = str_value(&sub.slice)
                        {
                            self.facts.dict_keys.push(k.to_owned());
                        }
                    }
                }
            }
            if let Stmt::Assign(a) = stmt {
                for t in &a.targets {
                    if let Expr::Attribute(at) = t
                        && let Expr::Name(n) = at.value.as_ref()
                        && matches!(n.id.as_str(), "g" | "request")
                    {
                        self.facts.g_assigns.push(format!("{}.{}", n.id, at.attr));
                    }
                }
            }
            if let Stmt::Return(r) = stmt
                && self.depth == 0
            {
                if let Some(v) = r.value.as_deref() {
                    let mut calls = linked_calls(v, self.external);
                    if let Expr::Name(n) = v
                        && let Some(assigned) = self.assigned.get(n.id.as_str())
                    {
                        calls.extend(assigned.iter().cloned());
                    }
                    for c in calls {
                        if !self.facts.returned_calls.contains(&c) {
                            self.facts.returned_calls.push(c);
                        }
                    }
                }
                if r.value
                    .as_deref()
                    .is_some_and(|v| projection(v, &self.facts.params))
                {
                    self.facts.projects = true;
                }
                match r.value.as_deref() {
                    Some(Expr::Name(n)) if self.inner.contains(n.id.as_str()) => {
                        self.facts.returns_inner = true;
                    }
                    Some(Expr::Call(c)) => {
                        let hands_param = c.arguments.args.iter().any(|a| {
                            matches!(a, Expr::Name(n) if n.id.as_str() != "self"
                                && self.facts.params.iter().any(|p| p == n.id.as_str()))
                        });
                        if let Some(last) = callee_last(c).filter(|_| hands_param) {
                            self.facts.returns_call.push(last.to_owned());
                        }
                    }
                    _ => {}
                }
            }
            if let Stmt::FunctionDef(_) = stmt {
                self.depth += 1;
                walk_stmt(self, stmt);
                self.depth -= 1;
                return;
            }
            walk_stmt(self, stmt);
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Call(call) => {
                    let linkable = linkable_call(call, self.external);
                    if let Some(last) = callee_last(call).filter(|_| linkable) {
                        self.facts.calls.insert(last.to_owned());
                    }
                    if callee_last(call) == Some("abort")
                        && call
                            .arguments
                            .args
                            .first()
                            .and_then(crate::ast_util::status_code)
                            == Some(404)
                    {
                        self.facts.hides_missing = true;
                    }
                    if let Some(last) = callee_last(call)
                        && last == "abort"
                        && is_abort_denial(call)
                    {
                        self.facts.rejects = true;
                    }
                    // A library check that refuses by itself (`verify_jwt_in_request()`,
                    // Flask-JWT's `_jwt_required(realm)`): it reads and rejects.
                    if callee_last(call).is_some_and(|n| {
                        matches!(
                            n,
                            "verify_jwt_in_request"
                                | "verify_jwt_refresh_token_in_request"
                                | "_jwt_required"
                                // Flask-Praetorian's, which raise on a bad token.
                                | "read_token_from_header"
                                | "extract_jwt_token"
                                | "refresh_jwt_token"
                        )
                    }) {
                        self.facts.rejects = true;
                    }
                    if call_reads_credentials(call) {
                        self.facts.reads_credentials = true;
                    }
                    let on_store = self.store_call(call);
                    let data = is_data_call(call) || on_store;
                    if on_store && self.stores.is_write_call(call) {
                        self.facts.writes = true;
                    }
                    if data && identity_in_call(call, self.identity) {
                        self.facts.scopes_identity = true;
                    }
                    if data {
                        self.facts.data_access = true;
                        // `find_one({"username": u}, {"email": 0})`, `execute(q, {"t": t})`:
                        // the query's dicts; only an inclusion projection (`{"name": 1}`)
                        // names what the rows carry.
                        for (i, arg) in call.arguments.args.iter().enumerate() {
                            if let Expr::Dict(d) = arg {
                                self.query_dicts.insert(d.range);
                                if i == 1 && matches!(callee_last(call), Some("find" | "find_one"))
                                {
                                    self.facts.dict_keys.extend(included_fields(d));
                                }
                            }
                        }
                        for k in &call.arguments.keywords {
                            if let Expr::Dict(d) = &k.value {
                                self.query_dicts.insert(d.range);
                                if k.arg.as_ref().is_some_and(|a| a.as_str() == "projection") {
                                    self.facts.dict_keys.extend(included_fields(d));
                                }
                            }
                        }
                        if sql_of(call).is_some_and(|q| is_select_star(&q)) {
                            self.facts.selects_star = true;
                        }
                        for m in call_models(call) {
                            if !self.facts.models.contains(&m) {
                                self.facts.models.push(m);
                            }
                        }
                    }
                    if is_write_call(call) {
                        self.facts.writes = true;
                    }
                    if issues_token_call(call) {
                        self.facts.issues_token = true;
                    }
                    if matches!(callee_last(call), Some("jsonify" | "dict")) {
                        for k in &call.arguments.keywords {
                            if let Some(arg) = &k.arg {
                                self.facts.dict_keys.push(arg.to_string());
                            }
                        }
                    }
                    for (i, tainted) in self.per_param.iter().enumerate() {
                        if data
                            && (call.arguments.args.iter().any(|a| reads_any(a, tainted))
                                || call
                                    .arguments
                                    .keywords
                                    .iter()
                                    .any(|k| reads_any(&k.value, tainted)))
                        {
                            self.facts.data_params.insert(i);
                        }
                        if let Some(last) = callee_last(call).filter(|_| linkable) {
                            for (pos, a) in call.arguments.args.iter().enumerate() {
                                if reads_any(a, tainted) {
                                    self.facts.param_flows.push((i, last.to_owned(), pos));
                                }
                            }
                        }
                    }
                }
                Expr::Name(_) | Expr::Subscript(_) if self.store_read(expr) => {
                    self.facts.data_access = true;
                    if let Some(m) = self.stores.model_of(expr)
                        && !self.facts.models.contains(&m)
                    {
                        self.facts.models.push(m);
                    }
                    // `users[uid]`: a parameter that names a record.
                    if let Expr::Subscript(sub) = expr {
                        for (i, tainted) in self.per_param.iter().enumerate() {
                            if reads_any(&sub.slice, tainted) {
                                self.facts.data_params.insert(i);
                            }
                        }
                    }
                }
                Expr::Attribute(_) | Expr::Subscript(_) | Expr::StringLiteral(_)
                    if reads_credentials_expr(expr) =>
                {
                    self.facts.reads_credentials = true;
                }
                Expr::Dict(d) if !self.query_dicts.contains(&d.range) => {
                    for item in &d.items {
                        if let Some(k) = item.key.as_ref().and_then(str_value) {
                            self.facts.dict_keys.push(k.to_owned());
                        }
                    }
                }
                Expr::Compare(c) => {
                    // `'logged_in' in session`, `'user_id' not in session`: the session's
                    // signed-in user read by membership.
                    if matches!(c.ops.first(), Some(ast::CmpOp::In | ast::CmpOp::NotIn))
                        && session_membership(c)
                    {
                        self.facts.reads_credentials = true;
                    }
                    if involves_identity(&c.left, self.identity)
                        || c.comparators
                            .iter()
                            .any(|x| involves_identity(x, self.identity))
                    {
                        self.facts.compares_identity = true;
                    }
                    let text_has_role = |e: &Expr| {
                        any_expr(e, &mut |x| match x {
                            Expr::StringLiteral(s) => {
                                spillcheck_core::vocab::mentions_role(s.value.to_str())
                            }
                            Expr::Attribute(a) => {
                                spillcheck_core::vocab::mentions_role(a.attr.as_str())
                            }
                            _ => false,
                        })
                    };
                    if text_has_role(&c.left) || c.comparators.iter().any(text_has_role) {
                        self.facts.checks_role = true;
                    }
                }
                _ => {}
            }
            // `project.has_member(current_user.id)`, `msg.owned_by(current_user)`,
            // `can_access(doc, g.user)`: a predicate about the caller's relation to a record.
            if let Expr::Call(c) = expr
                && callee_last(c).is_some_and(relation_predicate)
                && crate::patterns::call_values(c).any(|a| involves_identity(a, self.identity))
            {
                self.facts.compares_identity = true;
            }
            if is_identity_expr(expr)
                || matches!(expr, Expr::Name(n) if self.identity.contains(n.id.as_str()) && !IDENTITY_NAMES.contains(&n.id.as_str()))
            {
                self.facts.uses_identity = true;
            }
            walk_expr(self, expr);
        }
    }
    let stores = external.stores.seen_from(func);
    let mut v = V {
        external,
        facts: &mut facts,
        per_param: &per_param,
        identity: &identity,
        inner: &inner_names,
        depth: 0,
        assigned: HashMap::default(),
        dicts: HashSet::default(),
        query_dicts: HashSet::default(),
        stores: &stores,
    };
    for s in &func.body {
        v.visit_stmt(s);
    }
    facts.verifies_password = verifies_a_password(func);
    facts.reads_signed_session = reads_signed_session(&func.body);
    // `def check_authentication(): … raise Unauthenticated(...)`: a check named for
    // authentication that refuses reads the credentials, however it asks for them (an auth
    // backend's `requires_authentication(...)`); not a login's `authenticate(username,
    // password)`, which checks what it is given.
    if facts.rejects
        && !facts.reads_credentials
        && crate::patterns::words(func.name.as_str())
            .iter()
            .any(|w| matches!(w.as_str(), "authentication" | "authenticated" | "authn"))
        && !facts.params.iter().any(|p| {
            let p = p.to_ascii_lowercase();
            p.contains("passw") || p.contains("pwd") || p.contains("username")
        })
    {
        facts.reads_credentials = true;
    }
    facts
}

/// Whether `e` speaks of a password anywhere: a name, an attribute or a string with
/// `passw` or `pwd` in it (`user.password_hash`, `data["password"]`, `pwd`).
pub(crate) fn mentions_password(e: &Expr) -> bool {
    any_word(e, &mut |word| {
        word.contains("passw") || word.contains("pwd")
    })
}

/// Whether some word of `e` (a name, an attribute, a string, lower-cased) satisfies `pred`.
fn any_word(e: &Expr, pred: &mut dyn FnMut(&str) -> bool) -> bool {
    crate::ast_util::any_expr(e, &mut |x| {
        let word = match x {
            Expr::StringLiteral(l) => l.value.to_str().to_ascii_lowercase(),
            Expr::Attribute(a) => a.attr.as_str().to_ascii_lowercase(),
            Expr::Name(n) => n.id.as_str().to_ascii_lowercase(),
            _ => return false,
        };
        pred(&word)
    })
}

/// Whether a function checks a password it was given against the stored ones: a password
/// verifier (`check_password_hash`, `bcrypt.checkpw`, `user.verify_password`), a query that
/// selects by password (`… WHERE username = %s AND password = %s`), or a comparison of two
/// passwords (`user["password"] != data.get("password")`, a stored hash against a computed
/// one).
pub(crate) fn verifies_a_password(func: &ast::StmtFunctionDef) -> bool {
    let mut found = false;
    exprs_in(&func.body, &mut |e| {
        found |= match e {
            Expr::Call(c) => callee_last(c).is_some_and(|n| {
                let n = n.to_ascii_lowercase();
                n.contains("check_password") || n.contains("verify_password") || n == "checkpw"
            }),
            // The stored one (a record's field) against another: not a new password against
            // its confirmation (`password != password_again`, two locals or form fields).
            Expr::Compare(c) => {
                let sides: Vec<&Expr> = crate::ast_util::operands(c).collect();
                let stored = |side: &Expr| {
                    matches!(side, Expr::Attribute(a) if !matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == "request"))
                        || matches!(side, Expr::Subscript(s) if matches!(s.value.as_ref(), Expr::Name(n) if !n.id.as_str().to_ascii_lowercase().contains("form") && !n.id.as_str().to_ascii_lowercase().contains("data") && n.id.as_str() != "request"))
                };
                let confirming = sides.iter().any(|side| {
                    any_word(side, &mut |word| {
                        [
                            "confirm", "again", "repeat", "retype", "control", "new", "verify",
                            "check",
                        ]
                        .iter()
                        .any(|w| word.contains(w))
                            || word.contains("pass") && word.ends_with('2')
                    })
                });
                sides.len() == 2
                    && sides.iter().all(|side| mentions_password(side))
                    && sides.iter().any(|side| stored(side))
                    && !confirming
            }
            Expr::StringLiteral(_) | Expr::FString(_) => crate::ast_util::literal_text(e)
                .is_some_and(|t| {
                    let t = t.to_ascii_lowercase();
                    t.split_once("where")
                        .is_some_and(|(_, cond)| compares_a_password_column(cond))
                }),
            _ => false,
        };
    });
    found
}

/// A SQL condition that compares a password column (`password = ?`, `pwd_hash like %s`),
/// not prose that names one (a docstring's "where to extract … @param password: …").
fn compares_a_password_column(cond: &str) -> bool {
    let mut rest = cond;
    while let Some(at) = rest.find("passw") {
        let after = &rest[at..];
        let word_end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let next = after[word_end..].trim_start();
        if next.starts_with('=') || next.starts_with("like") || next.starts_with("in ") {
            return true;
        }
        rest = &after[word_end..];
    }
    false
}

/// A function's identity: the index of its file among the project's sources and the
/// offset of its `def`.
pub(crate) type FuncId = (usize, u32);

/// The identity of `func` in file `file`.
pub(crate) fn func_id(file: usize, func: &ast::StmtFunctionDef) -> FuncId {
    (file, func.range.start().to_u32())
}

/// Project-wide facts after propagation through calls (by simple name).
#[derive(Debug, Default)]
pub(crate) struct Summaries {
    /// Each function's own facts (before propagation), by identity: computed once in the
    /// file pass, looked up by the route analysis and the project rules.
    pub own: HashMap<FuncId, FuncFacts>,
    /// simple name → merged facts of every function with that name.
    pub by_name: HashMap<String, FuncFacts>,
    /// Names of functions that authenticate (read credentials and reject, themselves or via callees).
    pub authenticates: HashSet<String>,
    /// Names of functions that check roles/admin.
    pub role_checks: HashSet<String>,
    /// Names of functions that (transitively) access data.
    pub data_access: HashSet<String>,
    /// name → parameter indices that reach a data access (transitively).
    pub data_params: HashMap<String, HashSet<usize>>,
    /// `g` and request attributes set by authenticating functions (`g.user`,
    /// `request.current_user_id`): the caller's identity downstream.
    pub identity_g_attrs: HashSet<String>,
    /// How many functions share each simple name (merged facts of a name defined once
    /// describe that function; of a name defined in several classes, none of them).
    pub definitions: HashMap<String, usize>,
    /// Functions that restrict what they load to the caller, themselves or through the
    /// functions they call (`connection_manager(sid)` → `get_server(sid)`, which filters
    /// by `current_user.id`, or compares and rejects).
    pub checks_owner: HashSet<String>,
    /// Functions that issue a credential, themselves or through the functions they call.
    pub issuers: HashSet<String>,
    /// Functions that check a password they are given, themselves or through a call.
    pub verifiers: HashSet<String>,
}

impl Summaries {
    /// The own facts of `func` (of file `file`): those computed in the file pass, else
    /// computed now (a function the pass did not summarize).
    pub(crate) fn own_facts(
        &self,
        file: usize,
        func: &ast::StmtFunctionDef,
        external: &FileScope,
    ) -> std::borrow::Cow<'_, FuncFacts> {
        match self.own.get(&func_id(file, func)) {
            Some(f) => std::borrow::Cow::Borrowed(f),
            None => std::borrow::Cow::Owned(func_facts_with(func, external, &Taints::default())),
        }
    }

    /// Whether one function alone bears this name (so its facts are its own).
    pub(crate) fn unique(&self, name: &str) -> bool {
        self.definitions.get(name) == Some(&1)
    }

    /// The helpers whose results the one function named `name` returns (`return
    /// [User.json_debug(u) for u in User.query.all()]` → `json_debug`), each a name one
    /// function bears; none when several functions bear `name`.
    pub(crate) fn made_of(&self, name: &str) -> Vec<&str> {
        let Some(f) = self.by_name.get(name).filter(|_| self.unique(name)) else {
            return Vec::new();
        };
        f.returned_calls
            .iter()
            .filter(|inner| inner.as_str() != name && self.unique(inner))
            .map(String::as_str)
            .collect()
    }

    /// Whether a call (or decorator) by `name` authenticates. `on_receiver`: it is called on
    /// something (`x.get(…)`, `@app.get(…)`); a name several definitions share is then
    /// none of them (every view class has a `get`; `spec.get("paths")` is a dict read).
    pub(crate) fn authenticates_as(&self, name: &str, on_receiver: bool) -> bool {
        self.authenticates.contains(name) && (!on_receiver || self.unique(name))
    }

    /// Whether a function writes data itself or through callees, following only names one
    /// function bears (a `save` or `update` several classes define links to none of them),
    /// at most `depth` calls down.
    pub(crate) fn writes_within(&self, name: &str, depth: usize) -> bool {
        self.any_within(name, depth, &|f| f.writes)
    }

    /// Whether a function reads the caller's identity itself or through callees (as
    /// [`Self::writes_within`] follows them): `get_default_permissions()` building the
    /// caller's query terms in `_get_base_permissions()`.
    pub(crate) fn uses_identity_within(&self, name: &str, depth: usize) -> bool {
        self.any_within(name, depth, &|f| f.uses_identity)
    }

    fn any_within(&self, name: &str, depth: usize, holds: &dyn Fn(&FuncFacts) -> bool) -> bool {
        let mut seen: HashSet<&str> = HashSet::default();
        let mut work: Vec<(&str, usize)> = vec![(name, 0)];
        while let Some((n, d)) = work.pop() {
            if !seen.insert(n) {
                continue;
            }
            let Some(f) = self.by_name.get(n).filter(|_| self.unique(n)) else {
                continue;
            };
            if holds(f) {
                return true;
            }
            if d < depth {
                work.extend(f.calls.iter().map(|c| (c.as_str(), d + 1)));
            }
        }
        false
    }

    /// The models a function's data calls name, its callees' included (depth-limited).
    pub(crate) fn models_of(&self, name: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::default();
        let mut work: Vec<(&str, usize)> = vec![(name, 0)];
        while let Some((n, depth)) = work.pop() {
            if !seen.insert(n) {
                continue;
            }
            let Some(f) = self.by_name.get(n).filter(|_| self.unique(n)) else {
                continue;
            };
            for m in &f.models {
                if !out.contains(m) {
                    out.push(m.clone());
                }
            }
            if depth < 3 {
                work.extend(f.calls.iter().map(|c| (c.as_str(), depth + 1)));
            }
        }
        out
    }
}

impl Summaries {
    /// Propagates facts through the call graph to a fixpoint: names are interned and
    /// each property spreads from callee to callers along reverse edges (a worklist),
    /// so the cost is linear in the call graph.
    pub(crate) fn build(functions: Vec<(String, FuncId, FuncFacts)>) -> Summaries {
        let mut by_name: HashMap<String, FuncFacts> =
            HashMap::with_capacity_and_hasher(functions.len(), rustc_hash::FxBuildHasher);
        let mut own: HashMap<FuncId, FuncFacts> =
            HashMap::with_capacity_and_hasher(functions.len(), rustc_hash::FxBuildHasher);
        let mut definitions: HashMap<String, usize> =
            HashMap::with_capacity_and_hasher(functions.len(), rustc_hash::FxBuildHasher);
        for (name, id, f) in functions {
            own.insert(id, f.clone());
            let count = definitions.entry(name.clone()).or_default();
            *count += 1;
            let first = *count == 1;
            let e = by_name.entry(name).or_default();
            if e.params.is_empty() {
                e.params = f.params;
            }
            e.reads_credentials |= f.reads_credentials;
            e.rejects |= f.rejects;
            e.checks_role |= f.checks_role;
            e.data_access |= f.data_access;
            e.issues_token |= f.issues_token;
            e.verifies_password |= f.verifies_password;
            e.reads_signed_session |= f.reads_signed_session;
            e.hides_missing |= f.hides_missing;
            // Every definition of the name projects, or the name says nothing.
            e.projects = f.projects && (first || e.projects);
            e.uses_identity |= f.uses_identity;
            e.compares_identity |= f.compares_identity;
            e.withholds |= f.withholds;
            e.returns_inner |= f.returns_inner;
            e.returns_call.extend(f.returns_call);
            e.returned_calls.extend(f.returned_calls);
            e.calls.extend(f.calls);
            e.data_params.extend(f.data_params);
            e.param_flows.extend(f.param_flows);
            e.writes |= f.writes;
            e.selects_star |= f.selects_star;
            e.scopes_identity |= f.scopes_identity;
            for m in f.models {
                if !e.models.contains(&m) {
                    e.models.push(m);
                }
            }
            e.dict_keys.extend(f.dict_keys);
            e.g_assigns.extend(f.g_assigns);
        }
        // A decorator that returns what a helper makes of the function (`return
        // self._apply_secure(func)`) returns the helper's wrapper: a few levels deep.
        for _ in 0..4 {
            let wraps: Vec<String> = by_name
                .iter()
                .filter(|(_, f)| {
                    !f.returns_inner
                        && f.returns_call.iter().any(|c| {
                            definitions.get(c) == Some(&1)
                                && by_name.get(c).is_some_and(|g| g.returns_inner)
                        })
                })
                .map(|(name, _)| name.clone())
                .collect();
            if wraps.is_empty() {
                break;
            }
            for name in wraps {
                if let Some(f) = by_name.get_mut(&name) {
                    f.returns_inner = true;
                }
            }
        }
        let names: Vec<String> = by_name.keys().cloned().collect();
        let id: HashMap<&str, usize> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let n = names.len();
        // callers[callee] = functions that call it (edges only to defined functions).
        let mut callers: Vec<Vec<usize>> = vec![Vec::new(); n];
        // flows[callee] = (caller, caller param, callee position)
        let mut flows: Vec<Vec<(usize, usize, usize)>> = vec![Vec::new(); n];
        for (i, name) in names.iter().enumerate() {
            let f = &by_name[name];
            for c in &f.calls {
                if let Some(&j) = id.get(c.as_str())
                    && j != i
                {
                    callers[j].push(i);
                }
            }
            for (param, callee, pos) in &f.param_flows {
                if let Some(&j) = id.get(callee.as_str())
                    && j != i
                {
                    flows[j].push((i, *param, *pos));
                }
            }
        }
        // A name several classes define for an HTTP method (`get`, `post`: every view
        // class has one) is a view, never a helper its callers authenticate through: a
        // call by that name is a dict's `.get` or another class's method.
        let view_method = |j: usize| {
            matches!(
                names[j].as_str(),
                "get" | "post" | "put" | "patch" | "delete" | "head" | "options"
            ) && definitions.get(&names[j]).is_some_and(|&d| d > 1)
        };
        let spread_from =
            |seed: &dyn Fn(&FuncFacts) -> bool, through: &dyn Fn(usize) -> bool| -> Vec<bool> {
                let mut has: Vec<bool> = names.iter().map(|nm| seed(&by_name[nm])).collect();
                let mut work: Vec<usize> = (0..n).filter(|&i| has[i] && through(i)).collect();
                while let Some(j) = work.pop() {
                    for &c in &callers[j] {
                        if !has[c] {
                            has[c] = true;
                            if through(c) {
                                work.push(c);
                            }
                        }
                    }
                }
                has
            };
        let spread = |seed: &dyn Fn(&FuncFacts) -> bool| spread_from(seed, &|_| true);
        let reads = spread_from(&|f| f.reads_credentials, &|j| !view_method(j));
        let rejects = spread_from(&|f| f.rejects, &|j| !view_method(j));
        let roles = spread(&|f| f.checks_role);
        let owner = spread(&|f| {
            f.scopes_identity
                || f.compares_identity && (f.rejects || f.withholds || f.hides_missing)
        });
        let data = spread(&|f| f.data_access);
        let issues = spread(&|f| f.issues_token);
        let verifies = spread(&|f| f.verifies_password);
        let mut params: Vec<HashSet<usize>> = names
            .iter()
            .map(|nm| by_name[nm].data_params.clone())
            .collect();
        let mut work: Vec<usize> = (0..n).filter(|&i| !params[i].is_empty()).collect();
        while let Some(j) = work.pop() {
            for &(caller, param, pos) in &flows[j] {
                if params[j].contains(&pos) && params[caller].insert(param) {
                    work.push(caller);
                }
            }
        }
        let collect = |v: &[bool]| -> HashSet<String> {
            (0..n).filter(|&i| v[i]).map(|i| names[i].clone()).collect()
        };
        let authenticates: HashSet<String> = (0..n)
            .filter(|&i| reads[i] && rejects[i])
            .map(|i| names[i].clone())
            .collect();
        let identity_g_attrs = authenticates
            .iter()
            .flat_map(|n| by_name[n].g_assigns.iter().cloned())
            .collect();
        let role_checks = collect(&roles);
        let checks_owner = collect(&owner);
        let data_access = collect(&data);
        let issuers = collect(&issues);
        let verifiers = collect(&verifies);
        let data_params = params
            .into_iter()
            .enumerate()
            .filter(|(_, p)| !p.is_empty())
            .map(|(i, p)| (names[i].clone(), p))
            .collect();
        drop(id);
        Summaries {
            own,
            by_name,
            authenticates,
            role_checks,
            data_access,
            data_params,
            identity_g_attrs,
            definitions,
            checks_owner,
            issuers,
            verifiers,
        }
    }
}

/// Every `def` in a module (nested and methods included), with a qualified name.
pub(crate) fn all_functions(
    body: &[Stmt],
) -> Vec<(String, &ast::StmtFunctionDef, Option<&ast::StmtClassDef>)> {
    fn go<'a>(
        body: &'a [Stmt],
        prefix: &str,
        class: Option<&'a ast::StmtClassDef>,
        out: &mut Vec<(
            String,
            &'a ast::StmtFunctionDef,
            Option<&'a ast::StmtClassDef>,
        )>,
    ) {
        for s in body {
            match s {
                Stmt::FunctionDef(f) => {
                    let q = if prefix.is_empty() {
                        f.name.to_string()
                    } else {
                        format!("{prefix}.{}", f.name)
                    };
                    out.push((q.clone(), f, class));
                    go(&f.body, &q, None, out);
                }
                Stmt::ClassDef(c) => {
                    let q = if prefix.is_empty() {
                        c.name.to_string()
                    } else {
                        format!("{prefix}.{}", c.name)
                    };
                    go(&c.body, &q, Some(c), out);
                }
                Stmt::If(i) => {
                    go(&i.body, prefix, class, out);
                    for clause in &i.elif_else_clauses {
                        go(&clause.body, prefix, class, out);
                    }
                }
                Stmt::Try(t) => {
                    go(&t.body, prefix, class, out);
                    go(&t.orelse, prefix, class, out);
                    go(&t.finalbody, prefix, class, out);
                }
                Stmt::With(w) => go(&w.body, prefix, class, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    go(body, "", None, &mut out);
    out
}

/// All `Call` expressions in a body, nested functions included.
pub(crate) fn calls_in(body: &[Stmt]) -> Vec<&ast::ExprCall> {
    struct C<'a> {
        out: Vec<&'a ast::ExprCall>,
    }
    impl<'a> Visitor<'a> for C<'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(c) = expr {
                self.out.push(c);
            }
            walk_expr(self, expr);
        }
    }
    let mut c = C { out: Vec::new() };
    for s in body {
        c.visit_stmt(s);
    }
    c.out
}

/// Every expression of a body outside the `try` blocks whose handlers may swallow the
/// error (no `raise`, `return` or `abort(...)` that always runs): a check whose failure
/// is caught and dropped rejects no one (`try: verify_token(t) except Exception: pass`).
pub(crate) fn exprs_not_swallowed<'a>(body: &'a [Stmt], f: &mut dyn FnMut(&'a Expr)) {
    each_expr_of(body, true, f);
}

/// Whether an `except` block always ends the request: a `raise`, a `return` or an
/// `abort(...)` among its own statements (one only under an `if` may let it through).
fn handler_stops(h: &ast::ExceptHandler) -> bool {
    let ast::ExceptHandler::ExceptHandler(h) = h;
    h.body.iter().any(|st| match st {
        Stmt::Raise(_) | Stmt::Return(_) => true,
        Stmt::Expr(e) => {
            matches!(e.value.as_ref(), Expr::Call(c) if callee_last(c) == Some("abort"))
        }
        _ => false,
    })
}

/// Every expression of a body, in order; without the bodies of the `try` blocks that may
/// swallow a failure when `skip_swallowed`.
fn each_expr_of<'a>(body: &'a [Stmt], skip_swallowed: bool, f: &mut dyn FnMut(&'a Expr)) {
    struct C<'b, 'a> {
        f: &'b mut dyn FnMut(&'a Expr),
        skip_swallowed: bool,
    }
    impl<'a> Visitor<'a> for C<'_, 'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if self.skip_swallowed
                && let Stmt::Try(t) = stmt
                && !t.handlers.is_empty()
                && !t.handlers.iter().any(handler_stops)
            {
                for st in t.orelse.iter().chain(&t.finalbody) {
                    self.visit_stmt(st);
                }
                return;
            }
            walk_stmt(self, stmt);
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            (self.f)(expr);
            walk_expr(self, expr);
        }
    }
    let mut c = C { f, skip_swallowed };
    for s in body {
        c.visit_stmt(s);
    }
}

/// The calls of a body outside the `try` blocks that may swallow a failure
/// ([`exprs_not_swallowed`]).
pub(crate) fn calls_not_swallowed(body: &[Stmt]) -> Vec<&ast::ExprCall> {
    let mut out = Vec::new();
    exprs_not_swallowed(body, &mut |e| {
        if let Expr::Call(c) = e {
            out.push(c);
        }
    });
    out
}

/// Whether a body reads the request's credentials (the `Authorization` header, a token
/// verifier) outside the `try` blocks that may swallow a failed check.
pub(crate) fn reads_credentials_unswallowed(body: &[Stmt]) -> bool {
    let mut reads = body.iter().any(is_login_guard);
    exprs_not_swallowed(body, &mut |e| match e {
        Expr::Call(call) => reads |= call_reads_credentials(call),
        Expr::Attribute(_) | Expr::Subscript(_) | Expr::StringLiteral(_) => {
            reads |= reads_credentials_expr(e);
        }
        _ => {}
    });
    reads
}

/// All expressions of a kind in a body: used by rules that look for compares, dicts...
pub(crate) fn exprs_in<'a>(body: &'a [Stmt], f: &mut dyn FnMut(&'a Expr)) {
    each_expr_of(body, false, f);
}

/// Whether `expr` contains any identity use (direct or through `identity` names).
pub(crate) fn identity_in_call(call: &ast::ExprCall, identity: &NameSet<'_>) -> bool {
    let mut found = false;
    each_expr(&call.func, &mut |e| {
        if is_identity_in(e, identity) {
            found = true;
        }
    });
    found
        || call
            .arguments
            .args
            .iter()
            .any(|a| involves_identity(a, identity))
        || call
            .arguments
            .keywords
            .iter()
            .any(|k| involves_identity(&k.value, identity))
}

/// Calls `f` on every `return` statement of a body (nested blocks included, nested
/// functions excluded).
pub(crate) fn returns_in<'a>(body: &'a [Stmt], f: &mut dyn FnMut(&'a ast::StmtReturn)) {
    struct R<'b, 'a> {
        f: &'b mut dyn FnMut(&'a ast::StmtReturn),
    }
    impl<'a> Visitor<'a> for R<'_, 'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::Return(r) => (self.f)(r),
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                _ => walk_stmt(self, stmt),
            }
        }
    }
    let mut r = R { f };
    for s in body {
        r.visit_stmt(s);
    }
}

/// The value a name was last given by a plain assignment among `assigns` (those of
/// [`assigns_in`], in order): `query = f"SELECT ..."` for `query`.
pub(crate) fn last_value_of<'a>(assigns: &[&'a ast::StmtAssign], name: &str) -> Option<&'a Expr> {
    assigns
        .iter()
        .rev()
        .find(|a| matches!(a.targets.as_slice(), [Expr::Name(t)] if t.id.as_str() == name))
        .map(|a| a.value.as_ref())
}

/// The values a body assigns to the local `name` (`name = value`, `name, other = value`),
/// nested blocks included.
pub(crate) fn values_assigned<'a>(body: &'a [Stmt], name: &str) -> Vec<&'a Expr> {
    assigns_in(body)
        .into_iter()
        .filter(|a| {
            a.targets
                .iter()
                .flat_map(crate::ast_util::target_names)
                .any(|t| t == name)
        })
        .map(|a| a.value.as_ref())
        .collect()
}

/// Every assignment statement of a body (nested blocks and functions included).
pub(crate) fn assigns_in(body: &[Stmt]) -> Vec<&ast::StmtAssign> {
    struct A<'a> {
        out: Vec<&'a ast::StmtAssign>,
    }
    impl<'a> Visitor<'a> for A<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if let Stmt::Assign(a) = stmt {
                self.out.push(a);
            }
            walk_stmt(self, stmt);
        }
    }
    let mut a = A { out: Vec::new() };
    for s in body {
        a.visit_stmt(s);
    }
    a.out
}

/// The names a body's assignments bind to a value `pred` accepts (`data = request.get_json()`,
/// `tb = traceback.format_exc()`), nested blocks included.
pub(crate) fn names_bound_to(body: &[Stmt], pred: impl Fn(&Expr) -> bool) -> Vec<&str> {
    assigns_in(body)
        .into_iter()
        .filter(|a| pred(&a.value))
        .flat_map(|a| a.targets.iter().flat_map(crate::ast_util::target_names))
        .collect()
}

/// What a function answers with: its `return` values (nested functions excluded), and the
/// values assigned to the names those read, back a few steps (`data = {...}; return
/// jsonify(data)`).
pub(crate) fn returned_exprs(body: &[Stmt]) -> Vec<&Expr> {
    let mut out: Vec<&Expr> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    returns_in(body, &mut |r| {
        if let Some(v) = &r.value {
            out.push(v);
            names.extend(answer_names(v));
        }
    });
    // Back through the names the answer is built from, a few steps
    // (`data = {...}; response = jsonify(data); return response`).
    let assigns = assigns_in(body);
    let mut taken = vec![false; assigns.len()];
    for _ in 0..4 {
        let mut grew = false;
        for (i, a) in assigns.iter().enumerate() {
            if !taken[i]
                && a.targets
                    .iter()
                    .any(|t| target_names(t).iter().any(|n| names.contains(n)))
            {
                taken[i] = true;
                out.push(&a.value);
                names.extend(answer_names(&a.value));
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    out
}

/// The names whose values become part of an answer built from `value`: through literals,
/// text and the response builders (`jsonify(data)`, `{"user": u}`, `f"{x}"`), not
/// through the arguments of other calls (`errmsg = run(**kwargs)` answers with what `run`
/// returns, not with `kwargs`) nor a template's context (`render_template(..., x=y)`).
fn answer_names(value: &Expr) -> Vec<&str> {
    fn go<'e>(e: &'e Expr, out: &mut Vec<&'e str>) {
        match e {
            Expr::Name(n) => out.push(n.id.as_str()),
            Expr::Call(c) => {
                let builder = callee_last(c).is_some_and(|n| {
                    matches!(
                        n,
                        "jsonify"
                            | "dict"
                            | "list"
                            | "make_response"
                            | "Response"
                            | "dumps"
                            | "str"
                            | "tuple"
                    ) || n.ends_with("_response")
                        || n.ends_with("_error")
                });
                if builder {
                    for a in &c.arguments.args {
                        go(a, out);
                    }
                    for k in &c.arguments.keywords {
                        go(&k.value, out);
                    }
                }
            }
            Expr::Attribute(a) => go(&a.value, out),
            Expr::Subscript(sub) => go(&sub.value, out),
            Expr::Dict(d) => d.items.iter().for_each(|i| go(&i.value, out)),
            Expr::List(l) => l.elts.iter().for_each(|x| go(x, out)),
            Expr::Tuple(t) => t.elts.iter().for_each(|x| go(x, out)),
            Expr::FString(f) => {
                for el in f.value.elements() {
                    if let ast::InterpolatedStringElement::Interpolation(i) = el {
                        go(&i.expression, out);
                    }
                }
            }
            Expr::BinOp(b) => {
                go(&b.left, out);
                go(&b.right, out);
            }
            Expr::ListComp(c) => go(&c.elt, out),
            Expr::If(i) => {
                go(&i.body, out);
                go(&i.orelse, out);
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    go(value, &mut out);
    out
}
