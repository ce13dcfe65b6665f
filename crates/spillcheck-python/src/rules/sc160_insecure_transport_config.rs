//! `SC160` insecure-transport-config: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// Configuration that lets credentials travel in clear text: `SESSION_COOKIE_SECURE = False`, `JWT_COOKIE_SECURE = False` (assigned or given to `config.update`, as keywords or a mapping), `PREFERRED_URL_SCHEME = "http"`, `http://` addresses of another machine for token, OAuth or login endpoints (`TOKEN_URL = "http://auth.example.com/oauth/token"`), credential cookies set without `secure=True`.
    ///
    /// ## Why it matters
    /// A Bearer token or session cookie sent over plain HTTP can be read by anyone on the path (CWE-319, CWE-614).
    ///
    /// ## Example
    /// ```python
    /// app.config["SESSION_COOKIE_SECURE"] = False
    /// TOKEN_URL = "http://auth.example.com/oauth/token"
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Settings inside development or test configuration classes, or in modules named for
    /// development (`settings_dev.py`), are `possible`. A CSRF token cookie is meant to be read
    /// by the page and is no credential; a cookie cleared with an empty value carries none.
    ///
    /// ## Fix
    /// ```python
    /// app.config["SESSION_COOKIE_SECURE"] = True
    /// TOKEN_URL = "https://auth.example.com/oauth/token"
    /// ```
    pub static SC160 = {
        id: "SC160",
        slug: "insecure-transport-config",
        title: "Insecure transport configuration",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[319, 614],
        owasp: &[OwaspApi::Api8],
        fix: "Serve only over HTTPS and set `SESSION_COOKIE_SECURE = True` (and `REMEMBER_COOKIE_SECURE`); use `PREFERRED_URL_SCHEME = \"https\"`.",
    }
}

use ruff_python_ast::{self as ast, Expr};

use crate::ast_util::{bool_value, callee_last, kwarg, str_value};
use crate::checker::Checker;
use crate::recognizers::target_name;

/// A setting that sends a cookie over HTTPS only: `SESSION_COOKIE_SECURE`,
/// `REMEMBER_COOKIE_SECURE`, `JWT_COOKIE_SECURE`, an extension's own
/// `…_JWT_COOKIE_SECURE`. A bare `COOKIE_SECURE` is no Flask setting: it is a library's
/// own default (Flask-Login's `config.py`, vendored), which the app's settings override.
fn is_secure_flag(name: &str) -> bool {
    name.ends_with("_COOKIE_SECURE")
}

/// A setting naming an address where credentials are sent (`TOKEN_URL`, `OAUTH_ENDPOINT`,
/// `AUTH_URI`, `LOGIN_URL`) set to a plain `http://` address of another machine.
fn cleartext_auth_url(name: &str, url: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let names_address = ["url", "uri", "endpoint"].iter().any(|w| n.contains(w));
    let for_credentials = ["token", "oauth", "auth", "login", "signin"]
        .iter()
        .any(|w| n.contains(w));
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest
        .split(['/', ':', '?'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let local = host.is_empty()
        || host == "localhost"
        || host.starts_with("127.")
        || host == "0.0.0.0"
        || !host.contains('.')
        || host.contains('{')
        || [".local", ".internal"].iter().any(|t| host.ends_with(t));
    names_address && for_credentials && !local
}

/// `SC160` on assignments: secure-cookie flags turned off, `PREFERRED_URL_SCHEME = "http"`,
/// credentials' addresses in `http://`.
pub(crate) fn check_assign(cx: &mut Checker<'_>, targets: &[Expr], value: &Expr) {
    if cx.guarded_by_flag() {
        return;
    }
    for t in targets {
        let Some(name) = target_name(t) else { continue };
        if is_secure_flag(&name) && bool_value(value) == Some(false) {
            cx.report(
                &SC160,
                t,
                format!("`{name} = False` lets the cookie travel over plain HTTP"),
            );
            return;
        }
        if let Some(url) = str_value(value)
            && cleartext_auth_url(&name, url)
        {
            cx.report(
                &SC160,
                value,
                format!("`{name}` sends credentials to `http://`: tokens and passwords cross the network in clear"),
            );
            return;
        }
        if name == "PREFERRED_URL_SCHEME" && str_value(value) == Some("http") {
            cx.report(
                &SC160,
                t,
                "`PREFERRED_URL_SCHEME = \"http\"` builds cleartext URLs",
            );
            return;
        }
    }
}

/// `SC160` on calls: `set_cookie(..., secure=False)`, `config.update(SESSION_COOKIE_SECURE=False)`
/// (or the same in a mapping: `config.update({"SESSION_COOKIE_SECURE": False})`).
pub(crate) fn check_call(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    if cx.guarded_by_flag() {
        return;
    }
    match callee_last(call) {
        Some("set_cookie") if kwarg(call, "secure").and_then(bool_value) == Some(false) => {
            cx.report(&SC160, call, "cookie set with `secure=False`");
        }
        // A credential in a cookie set without `secure`: it also travels over plain HTTP.
        Some("set_cookie")
            if kwarg(call, "secure").is_none()
                && !call.arguments.keywords.iter().any(|k| k.arg.is_none())
                && crate::recognizers::credential_cookie(call).is_some() =>
        {
            cx.report(
                &SC160,
                call,
                "a credential cookie is set without `secure=True`: it travels over plain HTTP too",
            );
        }
        Some("update" | "from_mapping") => {
            for (flag, value) in crate::recognizers::call_settings(call) {
                if is_secure_flag(flag) && bool_value(value) == Some(false) {
                    cx.report(
                        &SC160,
                        call,
                        format!("`{flag}=False` lets the cookie travel over plain HTTP"),
                    );
                }
            }
        }
        _ => {}
    }
}

hooks! {
    on_assign => check_assign,
    on_call => check_call,
}
