//! `SC107` token-issued-without-expiry: the rule's metadata, documentation and check.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// Code that issues tokens that never expire: `jwt.encode(payload, key)` where the
    /// payload has no `exp` claim, `create_access_token(identity, expires_delta=False)`,
    /// `JWT_ACCESS_TOKEN_EXPIRES = False` (or `JWT_REFRESH_TOKEN_EXPIRES = False`), or an access-token lifetime of a year or more; and a
    /// verifier that ignores expiry (`jwt.decode(..., options={"verify_exp": False})`, or
    /// `options["verify_exp"] = False` on a path of a function that decodes with them).
    /// Also the request's token loaded by itsdangerous without an age limit:
    /// `URLSafeTimedSerializer(...).loads(token)` or `TimestampSigner(...).unsign(token)`
    /// without `max_age`, or an untimed `URLSafeSerializer`/`Signer`, which signs no time.
    /// It is the static twin of `SC303`, which reads the lifetime off a live token.
    ///
    /// ## Why it matters
    /// A token without expiry is a password that cannot be changed: one copy in a log, a
    /// browser or a backup works forever, and logging out does not end it (CWE-613).
    ///
    /// ## Example
    /// ```python
    /// token = jwt.encode({"sub": user.id, "role": user.role}, SECRET, algorithm="HS256")
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Only payloads that say who the caller is (`sub`, `user_id`, `role`, `scope`…) are
    /// reported: a signed wrapper of an opaque token kept on the server expires with it.
    /// A payload built elsewhere (a name bound to a dict the function later adds `exp`
    /// to, `payload["exp"] = ...`) is followed within the function. Signed values that are
    /// not access tokens (an itsdangerous link's token in an e-mail confirmation) are not
    /// reported: an itsdangerous load counts only when it loads the request's credential
    /// (a header, cookie or query value that carries it, or the argument of an
    /// `@auth.verify_token` or `request_loader` callback). A verifier that skips expiry in a module that reads the
    /// `exp` claim itself (`expires_at = payload["exp"]`) is `possible`: the expiry may be
    /// checked by hand after the decode (keystone's JWS tokens).
    ///
    /// ## Fix
    /// ```python
    /// now = datetime.now(timezone.utc)
    /// token = jwt.encode({"sub": str(user.id), "iat": now, "exp": now + timedelta(minutes=15)},
    ///                    SECRET, algorithm="HS256")
    /// ```
    pub static SC107 = {
        id: "SC107",
        slug: "token-issued-without-expiry",
        title: "Token issued without expiry",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[613],
        owasp: &[OwaspApi::Api2],
        fix: "Give every access token an `exp` claim a few minutes to hours ahead, and refresh it with a separate, revocable refresh token.",
    }
}

use ruff_python_ast::{self as ast, Expr};

use crate::ast_util::{bool_value, callee_last, str_value};
use crate::recognizers::payload_dict;
use crate::checker::Checker;


/// `SC107` on calls: `jwt.encode` without `exp`, `create_access_token(expires_delta=False)`.
pub(crate) fn check_call<'a>(cx: &mut Checker<'a>, call: &'a ast::ExprCall) {
    let Some(name) = cx.qualified(call) else {
        return;
    };
    if matches!(callee_last(call), Some("loads" | "unsign")) {
        check_signed_load(cx, call);
        return;
    }
    let lower = name.to_ascii_lowercase();
    // `jwt.decode(token, key, options={"verify_exp": False})`: whatever `exp` the tokens
    // carry, the verifier ignores it.
    if lower.contains("jwt")
        && lower.ends_with(".decode")
        && let Some(Expr::Dict(d)) = call.arguments.find_keyword("options").map(|k| &k.value)
        && d.items.iter().any(|i| {
            i.key.as_ref().and_then(crate::ast_util::str_value) == Some("verify_exp")
                && bool_value(&i.value) == Some(false)
        })
    {
        cx.report(
            &SC107,
            call,
            "`jwt.decode(..., options={\"verify_exp\": False})` accepts expired tokens: they never expire",
        );
        lower_if_exp_read(cx);
        return;
    }
    if lower.ends_with("create_access_token") || lower.ends_with("create_refresh_token") {
        if call
            .arguments
            .find_keyword("expires_delta")
            .is_some_and(|k| bool_value(&k.value) == Some(false))
        {
            cx.report(
                &SC107,
                call,
                "`expires_delta=False` issues a token that never expires",
            );
        }
        return;
    }
    if !(lower.contains("jwt") && lower.ends_with(".encode")) {
        return;
    }
    let Some(payload) = call.arguments.find_argument_value("payload", 0) else {
        return;
    };
    let Some((dict, adds_exp)) = payload_dict(cx, payload) else {
        return;
    };
    let keys: Vec<&str> = dict
        .items
        .iter()
        .filter_map(|i| i.key.as_ref().and_then(str_value))
        .collect();
    // A dict with `**others` may bring `exp` along.
    let spread = dict.items.iter().any(|i| i.key.is_none());
    // A token that says who the caller is authenticates by itself; a signed wrapper of an
    // opaque server-side token (`{"token": t.access_token}`) expires with that token.
    let identifies = keys.iter().any(|k| {
        matches!(
            k.to_ascii_lowercase().as_str(),
            "sub"
                | "user_id"
                | "uid"
                | "id"
                | "username"
                | "user"
                | "email"
                | "role"
                | "roles"
                | "scope"
                | "scopes"
                | "is_admin"
                | "admin"
                | "permissions"
                | "identity"
                | "account"
                | "account_id"
                | "merchant_id"
                | "client_id"
        )
    });
    if identifies && !adds_exp && !spread && !keys.contains(&"exp") {
        cx.report(
            &SC107,
            call,
            "a token is signed without an `exp` claim: it never expires",
        );
    }
}

/// `SC107` on itsdangerous: the request's credential loaded by a signer without an age
/// limit. A timed serializer (`URLSafeTimedSerializer`, `TimestampSigner`) checks the age
/// only when `loads`/`unsign` is given `max_age`; an untimed one (`URLSafeSerializer`,
/// `Signer`) signs no time at all. Either way the token never expires.
fn check_signed_load<'a>(cx: &mut Checker<'a>, call: &'a ast::ExprCall) {
    if call.arguments.find_keyword("max_age").is_some() {
        return;
    }
    let Expr::Attribute(attr) = call.func.as_ref() else {
        return;
    };
    let Some((kind, timed)) = signer_kind(cx, &attr.value, 0) else {
        return;
    };
    let Some(Expr::Name(arg)) = call.arguments.args.first() else {
        return;
    };
    let name = arg.id.as_str();
    if !cx.credential_names().contains(name)
        && !verifier_parameter(cx, name)
        && !cx.values_of_local(name).into_iter().any(token_from_cookie_or_query)
    {
        return;
    }
    let message = if timed {
        format!("the request's token is loaded by `{kind}` without `max_age`: its age is never checked, so it never expires")
    } else {
        format!("the request's token is signed by `{kind}`, which signs no time: it never expires")
    };
    cx.report(&SC107, call, message);
    lower_if_exp_read(cx);
}

/// The itsdangerous class that `expr` is an instance of, and whether it is timed: a call of
/// the class, a name bound to one (in the function or the module), or a call of a function
/// of the module that returns one.
fn signer_kind<'a>(cx: &Checker<'a>, expr: &'a Expr, depth: u8) -> Option<(String, bool)> {
    if depth > 2 {
        return None;
    }
    match expr {
        Expr::Call(c) => {
            let q = cx.qualified(c)?;
            if let Some(class) = q.strip_prefix("itsdangerous.") {
                let class = class.rsplit('.').next().unwrap_or(class);
                let timed = class.contains("Timed") || class == "TimestampSigner";
                return (class.ends_with("Serializer") || class.ends_with("Signer"))
                    .then(|| (class.to_string(), timed));
            }
            let Expr::Name(f) = c.func.as_ref() else {
                return None;
            };
            let func = crate::ast_util::function_named(&cx.file.module()?.body, f.id.as_str())?;
            let mut found = None;
            for s in &func.body {
                crate::ast_util::each_stmt(s, &mut |s| {
                    if let ast::Stmt::Return(r) = s
                        && let Some(v) = &r.value
                        && found.is_none()
                    {
                        found = signer_kind(cx, v, depth + 1);
                    }
                });
            }
            found
        }
        Expr::Name(n) => cx
            .values_of_local(n.id.as_str())
            .into_iter()
            .chain(cx.constants.get(n.id.as_str()).copied())
            .find_map(|v| signer_kind(cx, v, depth + 1)),
        _ => None,
    }
}

/// A token read from a cookie or the query string by a name that says so
/// (`request.cookies.get("api_token")`).
fn token_from_cookie_or_query(value: &Expr) -> bool {
    crate::ast_util::any_expr(value, &mut |e| {
        let Expr::Call(c) = e else {
            return false;
        };
        let Expr::Attribute(a) = c.func.as_ref() else {
            return false;
        };
        a.attr.as_str() == "get"
            && crate::ast_util::dotted(&a.value)
                .is_some_and(|d| d.ends_with("request.cookies") || d.ends_with("request.args"))
            && c.arguments.args.first().and_then(str_value).is_some_and(|k| {
                let k = k.to_ascii_lowercase();
                ["token", "auth", "session", "api_key", "apikey"].iter().any(|w| k.contains(w))
            })
    })
}

/// Whether `name` is the token parameter of a function registered to verify tokens
/// (`@auth.verify_token`, `@login_manager.request_loader`).
fn verifier_parameter(cx: &Checker<'_>, name: &str) -> bool {
    let Some(func) = cx.functions.last() else {
        return false;
    };
    let registered = func.decorator_list.iter().any(|d| {
        let last = match &d.expression {
            Expr::Attribute(a) => Some(a.attr.as_str()),
            Expr::Call(c) => callee_last(c),
            _ => None,
        };
        matches!(last, Some("verify_token" | "request_loader" | "header_loader" | "token_loader"))
    });
    registered && func.parameters.iter().next().is_some_and(|p| p.name().as_str() == name)
}

/// `SC107` on configuration: `JWT_ACCESS_TOKEN_EXPIRES = False` or a lifetime of a year
/// or more.
pub(crate) fn check_assign(cx: &mut Checker<'_>, targets: &[Expr], value: &Expr) {
    // `options["verify_exp"] = False` in a function that decodes with the options it builds
    // (`jwt.decode(token, **decode_kwargs)`): on that path expired tokens pass.
    if bool_value(value) == Some(false)
        && let Some(target) = targets.iter().find(|t| {
            matches!(t, Expr::Subscript(s) if crate::ast_util::str_value(&s.slice) == Some("verify_exp"))
        })
        && decodes_jwt(cx)
    {
        cx.report(
            &SC107,
            target,
            "`options[\"verify_exp\"] = False` for the function's `jwt.decode`: on that path expired tokens are accepted",
        );
        lower_if_exp_read(cx);
        return;
    }
    // Flask-JWT-Extended's refresh tokens (30 days by default) never expire: a stolen one
    // mints access tokens for ever.
    if bool_value(value) == Some(false)
        && let Some(target) = targets.iter().find(|t| {
            crate::recognizers::target_name(t).is_some_and(|n| n == "JWT_REFRESH_TOKEN_EXPIRES")
        })
    {
        cx.report(
            &SC107,
            target,
            "`JWT_REFRESH_TOKEN_EXPIRES = False`: refresh tokens never expire, and each mints new access tokens",
        );
        return;
    }
    let Some(target) = targets.iter().find(|t| {
        crate::recognizers::target_name(t)
            .is_some_and(|n| n == "JWT_ACCESS_TOKEN_EXPIRES")
    }) else {
        return;
    };
    if bool_value(value) == Some(false) {
        cx.report(
            &SC107,
            target,
            "`JWT_ACCESS_TOKEN_EXPIRES = False`: access tokens never expire",
        );
        return;
    }
    if let Some(days) = timedelta_days(value)
        && days >= 365.0
    {
        cx.report(
            &SC107,
            target,
            format!("access tokens live {days:.0} days: as good as never expiring"),
        );
    }
}

/// `timedelta(days=..., hours=..., seconds=...)` or `timedelta(N)` in days.
#[allow(
    clippy::cast_precision_loss,
    reason = "token lifetimes are small numbers"
)]
fn timedelta_days(value: &Expr) -> Option<f64> {
    let Expr::Call(c) = value else { return None };
    if callee_last(c) != Some("timedelta") {
        return None;
    }
    fn num(e: &Expr) -> Option<f64> {
        match e {
            Expr::NumberLiteral(n) => match &n.value {
                ast::Number::Int(i) => i.as_i64().map(|v| v as f64),
                ast::Number::Float(f) => Some(*f),
                ast::Number::Complex { .. } => None,
            },
            // `timedelta(10 ** 6)`, `timedelta(days=365 * 10)`.
            Expr::BinOp(b) => {
                let (l, r) = (num(&b.left)?, num(&b.right)?);
                match b.op {
                    ast::Operator::Pow => Some(l.powf(r)),
                    ast::Operator::Mult => Some(l * r),
                    ast::Operator::Add => Some(l + r),
                    _ => None,
                }
            }
            _ => None,
        }
    }
    let mut days = c.arguments.args.first().and_then(num).unwrap_or(0.0);
    for k in &c.arguments.keywords {
        let Some(v) = num(&k.value) else { continue };
        days += match k.arg.as_ref().map(ast::Identifier::as_str) {
            Some("days") => v,
            Some("weeks") => v * 7.0,
            Some("hours") => v / 24.0,
            Some("minutes") => v / 1440.0,
            Some("seconds") => v / 86_400.0,
            _ => 0.0,
        };
    }
    Some(days)
}

/// Lowers the finding just reported to `possible` when the module reads the `exp` claim
/// itself (`expires_at = payload["exp"]`, `claims.get("exp")`): the expiry may be checked
/// by hand after the decode (keystone's JWS tokens).
fn lower_if_exp_read(cx: &mut Checker<'_>) {
    let Some(module) = cx.file.module() else {
        return;
    };
    let mut read = false;
    for stmt in &module.body {
        crate::ast_util::each_expr_in_stmt(stmt, &mut |e| {
            read |= match e {
                Expr::Subscript(s) => {
                    matches!(s.ctx, ast::ExprContext::Load)
                        && crate::ast_util::str_value(&s.slice) == Some("exp")
                }
                Expr::Call(c) => {
                    crate::ast_util::callee_last(c) == Some("get")
                        && c.arguments.args.first().and_then(crate::ast_util::str_value)
                            == Some("exp")
                }
                _ => false,
            };
        });
    }
    if read && let Some(f) = cx.findings.last_mut() {
        f.lower_to_possible(
            "the module reads the `exp` claim itself: the expiry may be checked by hand after the decode",
        );
    }
}

/// Whether the current function decodes a JWT (`jwt.decode(...)`, `jwt.decode_complete(...)`).
fn decodes_jwt(cx: &Checker<'_>) -> bool {
    let Some(func) = cx.functions.last() else {
        return false;
    };
    let mut found = false;
    crate::facts::exprs_in(&func.body, &mut |e| {
        if let Expr::Call(c) = e
            && cx
                .qualified(c)
                .is_some_and(|n| crate::recognizers::is_jwt_decode_name(&n))
        {
            found = true;
        }
    });
    found
}

hooks! {
    on_call => check_call,
    on_assign => check_assign,
}
