//! `SC161` cors-wildcard-with-credentials: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// Flask-CORS configured with `origins="*"` (or no origins) together with `supports_credentials=True`, or handlers that copy the request's `Origin` into `Access-Control-Allow-Origin` and set `Access-Control-Allow-Credentials: true`.
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
        cx.report(
            &SC161,
            call,
            "CORS allows credentials from any origin (Flask-CORS reflects the caller's `Origin`)",
        )
        .autofix = fix;
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

hooks! {
    on_call => check_call,
    on_assign => check_assign,
}
