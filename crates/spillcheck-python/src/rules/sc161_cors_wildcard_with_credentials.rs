//! `SC161` cors-wildcard-with-credentials: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// Flask-CORS configured with `origins="*"` (or no origins) together with `supports_credentials=True`, or a function (an `after_request` hook, a view) that copies the request's `Origin` into `Access-Control-Allow-Origin` (`resp.headers[...] = request.headers.get("Origin")`, `.add(...)`) and sets `Access-Control-Allow-Credentials: true`, unless the copy is under a test of the origin (an allow-list); `possible` in a project that keeps no credential in a cookie (no session, login, or cookie named for a session or token set or read: httpbin reflects origins on purpose and holds no one's state), and for `Access-Control-Allow-Origin: *` with credentials (browsers refuse the pair).
    ///
    /// ## Why it matters
    /// Any website a user visits can make authenticated requests to the API from the user's browser and read the answers.
    ///
    /// ## Example
    /// ```python
    /// CORS(app, supports_credentials=True)
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Configuration (`CORS_SUPPORTS_CREDENTIALS = True`) is reported only when no origin list
    /// (`CORS_ORIGINS`, `origins=`) is set beside it. `CORS(app, supports_credentials=True)`
    /// and `@cross_origin(supports_credentials=True)` without `origins=` inherit the app's
    /// `CORS_ORIGINS` setting: not reported when the project sets an origin list there (a
    /// settings module or class, `app.config["CORS_ORIGINS"]`, `app.config.update(...)`).
    ///
    /// ## Fix
    /// ```python
    /// CORS(app, origins=["https://app.example.com"], supports_credentials=True)
    /// ```
    ///
    /// `spillcheck code --fix` makes the safe change for a Bearer-token API: `supports_credentials=True` is removed (or `CORS_SUPPORTS_CREDENTIALS` set to `False`); list the origins instead if the browser must send cookies. See `docs/fixes.md`.
    pub static SC161 = {
        id: "SC161",
        slug: "cors-wildcard-with-credentials",
        title: "CORS wildcard with credentials",
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: &[942],
        owasp: &[OwaspApi::Api8],
        fix: "Allow an explicit list of origins when credentials are allowed; never combine `*` or a reflected origin with `supports_credentials=True`.",
    }
}

use ruff_python_ast::{self as ast, Expr};

use crate::ast_util::{bool_value, callee_last, kwarg};
use crate::checker::Checker;

/// `SC161`: Flask-CORS with credentials and any origin (`*` or no origin list).
pub(crate) fn check_call(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    if !matches!(callee_last(call), Some("CORS" | "cross_origin"))
    {
        return;
    }
    if kwarg(call, "supports_credentials").and_then(bool_value) != Some(true) {
        return;
    }
    let origins = kwarg(call, "origins").or_else(|| kwarg(call, "resources"));
    let any_origin = origins.is_none_or(crate::recognizers::any_origin);
    if any_origin {

        // A Bearer-token API needs no cookies across origins: drop the credentials.
        let fix = crate::fixes::remove_keyword(cx.file, call, "supports_credentials").and_then(
            |edit| {
                cx.file.fix(
                    spillcheck_core::Applicability::Safe,
                    "stop allowing credentials (cookies) from any origin: remove `supports_credentials=True`",
                    vec![edit],
                )
            },
        );
        let debug_only = cx.guarded_by_flag();
        let f = cx.report(
            &SC161,
            call,
            "CORS allows credentials from any origin (Flask-CORS reflects the caller's `Origin`)",
        );
        f.autofix = fix;
        if debug_only {
            f.lower_to_possible("only under a debug or development flag");
        }
        // Without `origins=`, Flask-CORS takes the app's `CORS_ORIGINS` setting.
        if origins.is_none() {
            let index = cx.findings.len() - 1;
            cx.deferred
                .push((index, crate::project::Deferred::UnlessCorsOriginsConfigured));
        }
    }
}

/// `SC161` on configuration: `CORS_SUPPORTS_CREDENTIALS = True` with no `CORS_ORIGINS`
/// (or `CORS_RESOURCES`) beside it: Flask-CORS's default origin is `*`, and with
/// credentials it reflects the caller's `Origin`.
pub(crate) fn check_assign(cx: &mut Checker<'_>, targets: &[Expr], value: &Expr) {
    if bool_value(value) != Some(true) {
        return;
    }
    let Some(target) = targets.iter().find(|t| {
        crate::recognizers::target_name(t).as_deref()
            == Some("CORS_SUPPORTS_CREDENTIALS")
    }) else {
        return;
    };
    let origins_named = |name: &str| {
        matches!(
            name,
            "CORS_ORIGINS" | "CORS_RESOURCES" | "CORS_ORIGIN_WHITELIST"
        )
    };
    let in_class = cx.classes.last().is_some_and(|c| {
        c.body.iter().any(|s| match s {
            ruff_python_ast::Stmt::Assign(a) => a
                .targets
                .iter()
                .any(|t| matches!(t, Expr::Name(n) if origins_named(n.id.as_str()))),
            ruff_python_ast::Stmt::AnnAssign(a) => {
                matches!(a.target.as_ref(), Expr::Name(n) if origins_named(n.id.as_str()))
            }
            _ => false,
        })
    });
    let configured = if cx.classes.is_empty() {
        cx.constants.keys().any(|k| origins_named(k)) || cx.file.text.contains("origins=")
    } else {
        in_class
    };
    if !configured {
        let fix = matches!(value, Expr::BooleanLiteral(_))
            .then(|| {
                cx.file.fix(
                    spillcheck_core::Applicability::Safe,
                    "stop allowing credentials (cookies) from any origin",
                    vec![cx.file.edit(ruff_text_size::Ranged::range(value), "False")],
                )
            })
            .flatten();
        cx.report(
            &SC161,
            target,
            "`CORS_SUPPORTS_CREDENTIALS = True` with no origin list: Flask-CORS allows any origin by default and reflects it with credentials",
        )
        .autofix = fix;
    }
}

/// `SC161` on headers a function writes itself (an `after_request` hook, a view):
/// `Access-Control-Allow-Origin` set to the request's own `Origin` (or `*`) and
/// `Access-Control-Allow-Credentials: true` in the same function. A reflected origin only
/// under a test of the origin (`if origin in ALLOWED:`) is an allow-list.
pub(crate) fn check_function<'a>(cx: &mut Checker<'a>, func: &'a ast::StmtFunctionDef) {
    use ruff_python_ast::Stmt;
    let header = |e: &Expr, name: &str| {
        crate::ast_util::str_value(e).is_some_and(|h| h.eq_ignore_ascii_case(name))
    };
    // (the value set, where) for each header, with whether an `if` on the origin holds it.
    let mut origins: Vec<(&'a Expr, bool)> = Vec::new();
    let mut credentials = false;
    fn walk<'a>(
        body: &'a [Stmt],
        guarded: bool,
        visit: &mut dyn FnMut(&'a Stmt, bool),
    ) {
        for s in body {
            visit(s, guarded);
            match s {
                Stmt::If(i) => {
                    let on_origin = crate::ast_util::any_expr(&i.test, &mut |e| {
                        matches!(e, Expr::Compare(c) if c.ops.iter().any(|o| matches!(o, ast::CmpOp::In | ast::CmpOp::Eq)))
                    });
                    walk(&i.body, guarded || on_origin, visit);
                    for c in &i.elif_else_clauses {
                        walk(&c.body, guarded || on_origin, visit);
                    }
                }
                Stmt::With(w) => walk(&w.body, guarded, visit),
                Stmt::Try(t) => {
                    walk(&t.body, guarded, visit);
                    walk(&t.orelse, guarded, visit);
                    walk(&t.finalbody, guarded, visit);
                }
                Stmt::For(f) => walk(&f.body, guarded, visit),
                _ => {}
            }
        }
    }
    walk(&func.body, false, &mut |s, guarded| {
        // `resp.headers["Access-Control-Allow-Origin"] = value`.
        if let Stmt::Assign(a) = s {
            for t in &a.targets {
                if let Expr::Subscript(sub) = t
                    && matches!(sub.value.as_ref(), Expr::Attribute(at) if at.attr.as_str() == "headers")
                {
                    if header(&sub.slice, "Access-Control-Allow-Origin") {
                        origins.push((a.value.as_ref(), guarded));
                    } else if header(&sub.slice, "Access-Control-Allow-Credentials")
                        && truthy(&a.value)
                    {
                        credentials = true;
                    }
                }
            }
        }
        // `resp.headers.add("Access-Control-Allow-Origin", value)`, `.set(...)`.
        if let Stmt::Expr(e) = s
            && let Expr::Call(c) = e.value.as_ref()
            && matches!(callee_last(c), Some("add" | "set" | "add_header" | "setdefault"))
            && let [name, value, ..] = &*c.arguments.args
        {
            if header(name, "Access-Control-Allow-Origin") {
                origins.push((value, guarded));
            } else if header(name, "Access-Control-Allow-Credentials") && truthy(value) {
                credentials = true;
            }
        }
    });
    if !credentials {
        return;
    }
    let reflected = |v: &Expr| {
        crate::ast_util::any_expr(v, &mut |e| {
            crate::ast_util::dotted(e).is_some_and(|d| d.starts_with("request.") || d == "origin")
                || crate::ast_util::str_value(e).is_some_and(|x| x.eq_ignore_ascii_case("origin") || x == "HTTP_ORIGIN")
        })
    };
    if let Some((value, _)) = origins
        .iter()
        .find(|(v, guarded)| !guarded && (reflected(v) || crate::recognizers::any_origin(v)))
    {
        if reflected(value) {
            cx.report(
                &SC161,
                *value,
                format!(
                    "`{}` sets `Access-Control-Allow-Origin` to the request's own `Origin` with `Access-Control-Allow-Credentials: true`: any site can read answers sent with the user's cookies",
                    func.name
                ),
            );
            let index = cx.findings.len() - 1;
            cx.deferred
                .push((index, crate::project::Deferred::PossibleUnlessCookies));
        } else {
            cx.report(
                &SC161,
                *value,
                format!(
                    "`{}` sets `Access-Control-Allow-Origin: *` with `Access-Control-Allow-Credentials: true`",
                    func.name
                ),
            )
            .lower_to_possible(
                "browsers refuse `*` with credentials, so cookies are not sent today; the intent is any origin with credentials, one edit away from reflecting it",
            );
        }
    }
}

/// `"true"`, `True`.
fn truthy(v: &Expr) -> bool {
    bool_value(v) == Some(true)
        || crate::ast_util::str_value(v).is_some_and(|s| s.eq_ignore_ascii_case("true"))
}

hooks! {
    on_call => check_call,
    on_assign => check_assign,
    on_function => check_function,
}
