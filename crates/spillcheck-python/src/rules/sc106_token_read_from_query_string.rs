//! `SC106` token-read-from-query-string: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// Authentication code that reads the token from the URL: `request.args.get("access_token")`, `request.args["token"]`, `request.values.get("jwt")`.
    ///
    /// ## Why it matters
    /// URLs end up in access logs, proxy logs, browser history and `Referer` headers. A token in a query string is a token written to disk in places nobody audits.
    ///
    /// ## Example
    /// ```python
    /// token = request.headers.get("Authorization", "").removeprefix("Bearer ") \
    ///     or request.args.get("access_token")
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    /// if scheme.lower() != "bearer" or not token:
    ///     abort(401)
    /// ```
    pub static SC106 = {
        id: "SC106",
        slug: "token-read-from-query-string",
        title: "Token read from the query string",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[598],
        owasp: &[OwaspApi::Api2],
        fix: "Accept tokens only in the `Authorization` header (or an `HttpOnly` cookie); drop `request.args` token fallbacks.",
    }
}

use ruff_python_ast::{self as ast, Expr};

use crate::ast_util::{callee_last, dotted, str_value};
use crate::checker::Checker;

const TOKEN_PARAMS: &[&str] = &[
    "access_token",
    "token",
    "jwt",
    "auth",
    "auth_token",
    "authorization",
    "bearer",
    "api_key",
    "apikey",
    "id_token",
    "session_token",
    "jwt_token",
    "bearer_token",
    "api_token",
];

/// `SC106`: `request.args.get("access_token")` and friends.
pub(crate) fn check_call(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    if !cx.enabled(&SC106) || cx.file.is_test {
        return;
    }
    if !matches!(callee_last(call), Some("get" | "getlist")) {
        return;
    }
    let Expr::Attribute(a) = call.func.as_ref() else {
        return;
    };
    let Some(receiver) = dotted(&a.value) else {
        return;
    };
    if !(receiver.ends_with("request.args") || receiver.ends_with("request.values")) {
        return;
    }
    let Some(key) = call.arguments.args.first().and_then(str_value) else {
        return;
    };
    if TOKEN_PARAMS.contains(&key.to_ascii_lowercase().as_str()) {
        cx.report(
            &SC106,
            call,
            format!("credential read from the query string parameter `{key}`"),
        );
    }
}
