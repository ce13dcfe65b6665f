//! `SC103` token-verifier-accepts-anything: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A function used to authenticate requests (a decorator, a `before_request` hook, a Connexion `x-bearerInfoFunc`) that returns claims without checking its token argument: it ignores the argument, returns fixed claims (`return {"sub": "user-123"}`), or returns on a path where verification failed or was skipped; a Flask-HTTPAuth callback (`@auth.verify_password`, `@auth.verify_token`) that answers a failure with a tuple, a text or a response (`return None, 403`), all of which Flask-HTTPAuth takes for a signed-in user. Also a session read from a cookie that nothing signs: a function that reads a cookie named for a session, a user or a token (or is named so) and decodes it with `json.loads`/`pickle.loads` of its base64, with no HMAC, `compare_digest`, itsdangerous, JWT, Fernet or decryption in it.
    ///
    /// ## Why it matters
    /// Every request is treated as authenticated. Placeholder verifiers from tutorials and scaffolds reach production more often than anyone admits.
    ///
    /// ## Example
    /// ```python
    /// def decode_token(token):
    ///     # TODO: real verification
    ///     return {"sub": "user-123", "scope": ["notes:read"]}
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// A verifier is a function with a token parameter (`token`, `access_token`, `jwt`…). It is
    /// reported only when it never reads that parameter and returns fixed claims naming a
    /// caller (`{"sub": "1", "role": "user"}`): a stub that accepts anything. Test code is not
    /// read.
    ///
    /// ## Fix
    /// ```python
    /// def decode_token(token):
    ///     try:
    ///         return jwt.decode(token, current_app.config["JWT_SECRET"], algorithms=["HS256"],
    ///                           options={"require": ["exp", "sub"]})
    ///     except jwt.PyJWTError as exc:
    ///         raise Unauthorized() from exc
    /// ```
    pub static SC103 = {
        id: "SC103",
        slug: "token-verifier-accepts-anything",
        title: "Token verifier accepts any token",
        severity: Severity::Critical,
        confidence: Confidence::Likely,
        cwe: &[287],
        owasp: &[OwaspApi::Api2],
        fix: "Verify the token's signature, expiry and audience in the verifier and return claims only from the verified token; reject everything else with 401.",
    }
}

use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::ast_util::str_value;
use crate::checker::Checker;

const TOKEN_PARAMS: &[&str] = &[
    "token",
    "jwt",
    "access_token",
    "bearer",
    "auth_token",
    "api_key",
    "apikey",
    "credentials",
    "token_string",
    "encoded",
    "encoded_token",
    "raw_token",
    "id_token",
    "bearer_token",
    "key",
];
const IDENTITY_KEYS: &[&str] = &[
    "sub", "user_id", "uid", "user", "username", "role", "roles", "scope", "scopes", "email", "id",
];

fn is_constant(expr: &Expr) -> bool {
    match expr {
        Expr::StringLiteral(_)
        | Expr::NumberLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NoneLiteral(_) => true,
        Expr::List(l) => l.elts.iter().all(is_constant),
        Expr::Tuple(t) => t.elts.iter().all(is_constant),
        _ => false,
    }
}

fn constant_claims(expr: &Expr) -> bool {
    let Expr::Dict(d) = expr else { return false };
    let mut identity = false;
    for item in &d.items {
        let Some(key) = item.key.as_ref().and_then(str_value) else {
            return false;
        };
        if IDENTITY_KEYS.contains(&key) {
            identity = true;
        }
        if !is_constant(&item.value) {
            return false;
        }
    }
    identity
}

/// `SC103`: a session read from a cookie that nothing signs. The function reads a cookie
/// named for a session, a user or a token (or is named so itself), decodes it with
/// `json.loads`/`pickle.loads` of its base64 (or of the raw value), and checks no
/// signature: no HMAC, `compare_digest`, itsdangerous, JWT, Fernet or decryption in it.
fn check_unsigned_cookie(cx: &mut Checker<'_>, func: &ast::StmtFunctionDef) {
    use crate::ast_util::{callee, callee_last};
    let fname = func.name.as_str().to_ascii_lowercase();
    let identity_word = |w: &str| {
        let w = w.to_ascii_lowercase();
        ["session", "user", "auth", "token", "login", "identity", "sid"]
            .iter()
            .any(|x| w.contains(x))
    };
    let mut cookie_named = false;
    let mut reads_cookie = false;
    let mut decodes: Option<&ast::ExprCall> = None;
    let mut signed = false;
    crate::facts::exprs_in(&func.body, &mut |e| {
        let Expr::Call(c) = e else {
            if let Expr::Subscript(sub) = e
                && crate::ast_util::dotted(&sub.value).is_some_and(|d| d.ends_with("cookies"))
            {
                reads_cookie = true;
                cookie_named |= str_value(&sub.slice).is_some_and(identity_word);
            }
            return;
        };
        let name = callee(c).unwrap_or_default().to_ascii_lowercase();
        let last = name.rsplit('.').next().unwrap_or(&name).to_owned();
        if name.ends_with("cookies.get") {
            reads_cookie = true;
            cookie_named |= c.arguments.args.first().and_then(str_value).is_some_and(identity_word);
        }
        if matches!(name.as_str(), "json.loads" | "pickle.loads" | "loads")
            && c.arguments.args.first().is_some_and(|a| {
                crate::ast_util::any_expr(a, &mut |x| {
                    matches!(x, Expr::Call(d) if callee_last(d).is_some_and(|n| n.contains("b64decode")))
                })
            })
        {
            decodes.get_or_insert(c);
        }
        signed |= ["hmac", "compare_digest", "itsdangerous", "jwt", "fernet", "decrypt", "verify", "signer", "unsign", "serializer"]
            .iter()
            .any(|w| name.contains(w))
            || (last == "loads" && c.arguments.find_keyword("max_age").is_some());
    });
    let Some(call) = decodes else { return };
    if !reads_cookie || signed || !(cookie_named || identity_word(&fname)) {
        return;
    }
    cx.report(
        &SC103,
        call,
        format!(
            "`{}` trusts a cookie it only decodes (base64 of JSON, signed by nothing): anyone can write the session of any user",
            func.name
        ),
    );
}

/// `SC103`: a token verifier that never looks at its token and returns fixed claims.
/// A Flask-HTTPAuth callback (`@auth.verify_password`, `@auth.verify_token`) that answers a
/// failure with an error response (`return None, 403`, `return "Unauthorized"`,
/// `return jsonify(error=...), 401`): Flask-HTTPAuth takes any truthy value for the signed-in
/// user, so the failure lets the request in.
fn check_truthy_failure(cx: &mut Checker<'_>, func: &ast::StmtFunctionDef) {
    let callback = func.decorator_list.iter().any(|d| {
        crate::ast_util::dotted(&d.expression)
            .is_some_and(|n| n.ends_with(".verify_password") || n.ends_with(".verify_token"))
    });
    if !callback {
        return;
    }
    let mut bad: Option<&ast::StmtReturn> = None;
    crate::facts::returns_in(&func.body, &mut |r| {
        if bad.is_some() {
            return;
        }
        // A text that says no (`"Unauthorized"`, `"invalid credentials"`), not a user's
        // name (`return "admin"` is the signed-in user).
        let says_no = |t: &str| {
            let l = t.to_ascii_lowercase();
            ["unauthor", "invalid", "denied", "error", "fail", "forbidden", "wrong", "not "]
                .iter()
                .any(|w| l.contains(w))
        };
        let truthy_error = match r.value.as_deref() {
            // `return None, 403`, `return "Unauthorized", 401`.
            Some(Expr::Tuple(t)) => {
                t.elts.first().is_some_and(|e| {
                    matches!(e, Expr::NoneLiteral(_) | Expr::BooleanLiteral(_))
                        || crate::ast_util::str_value(e).is_some_and(says_no)
                }) || t
                    .elts
                    .iter()
                    .skip(1)
                    .any(|e| crate::ast_util::int_value(e).is_some_and(|c| c >= 400))
            }
            Some(Expr::StringLiteral(lit)) => says_no(lit.value.to_str()),
            Some(Expr::Call(c)) => matches!(
                crate::ast_util::callee_last(c),
                Some("jsonify" | "make_response" | "Response")
            ),
            _ => false,
        };
        if truthy_error {
            bad = Some(r);
        }
    });
    if let Some(r) = bad {
        cx.report(
            &SC103,
            r,
            format!(
                "`{}` answers a failure with a value Flask-HTTPAuth takes for a user (a tuple, a text, a response are all true): every request passes",
                func.name
            ),
        );
    }
}

pub(crate) fn check_function(cx: &mut Checker<'_>, func: &ast::StmtFunctionDef) {
    check_unsigned_cookie(cx, func);
    check_truthy_failure(cx, func);
    let fname = func.name.as_str().to_ascii_lowercase();
    let Some(param) = func
        .parameters
        .iter()
        .map(|p| p.name().to_string())
        .find(|p| {
            TOKEN_PARAMS.contains(&p.as_str())
                && (p != "key" || fname.contains("token") || fname.contains("auth"))
        })
    else {
        return;
    };
    let mut used = false;
    for s in &func.body {
        crate::facts::exprs_in(std::slice::from_ref(s), &mut |e| {
            if matches!(e, Expr::Name(n) if n.id.as_str() == param) {
                used = true;
            }
        });
    }
    if used {
        return;
    }
    let mut returns = Vec::new();
    for s in &func.body {
        if let Stmt::Return(r) = s
            && let Some(v) = &r.value
            && constant_claims(v)
        {
            returns.push(s);
        }
    }
    for r in returns {
        cx.report(&SC103, r, format!("`{}` ignores its `{param}` argument and returns fixed claims: any token is accepted", func.name));
    }
}

hooks! {
    on_function => check_function,
}
