//! `SC112` token-cookie-readable-by-scripts: the rule's metadata, documentation and check.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A credential put in a cookie by hand without `httponly=True`: `response.set_cookie("access_token", token)`, `resp.set_cookie("jwt", encoded, secure=True)`. The cookie's name (or the variable whose value it takes) says it holds a token, a JWT or a session id; an empty value clears it. Also settings that turn `HttpOnly` off for the cookies Flask and its extensions set themselves: `SESSION_COOKIE_HTTPONLY = False`, `REMEMBER_COOKIE_HTTPONLY = False` (assigned, or given to `config.update`), `possible` in development or test configuration.
    ///
    /// ## Why it matters
    /// Flask's `set_cookie` leaves `HttpOnly` off unless asked. Any script running in the page — one cross-site scripting flaw, one compromised third-party script — reads `document.cookie` and sends the token away; the attacker then calls the API as the user (CWE-1004).
    ///
    /// ## Example
    /// ```python
    /// resp = jsonify(ok=True)
    /// resp.set_cookie("access_token", token, secure=True)
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// CSRF cookies (`csrf_token`, `XSRF-TOKEN`) are meant to be read by the page and are never
    /// reported; neither are cookies being cleared (an empty value at logout), cookies whose name is
    /// computed and whose value is not a credential's variable, or whose `httponly` is a variable
    /// or may come in `**kwargs` (it may be on). Flask's own session
    /// cookie and Flask-Login's remember cookie are set by the libraries, `HttpOnly` by default.
    /// Test files are skipped.
    ///
    /// ## Fix
    /// ```python
    /// resp.set_cookie("access_token", token, secure=True, httponly=True, samesite="Lax")
    /// ```
    pub static SC112 = {
        id: "SC112",
        slug: "token-cookie-readable-by-scripts",
        title: "Credential cookie set without HttpOnly",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[1004],
        owasp: &[OwaspApi::Api8],
        fix: "Pass `httponly=True` (and `secure=True`, `samesite=\"Lax\"`) to `set_cookie` for every cookie that carries a token or session id.",
    }
}

use ruff_python_ast as ast;

use crate::ast_util::{bool_value, kwarg};
use crate::checker::Checker;

/// `SC112`'s hooks.
pub(crate) struct Check;

/// A setting that turns `HttpOnly` off for the cookie Flask or an extension sets itself:
/// `SESSION_COOKIE_HTTPONLY`, Flask-Login's `REMEMBER_COOKIE_HTTPONLY`.
fn httponly_off(cx: &mut Checker<'_>, name: &str, value: &ast::Expr) {
    // A CSRF cookie is meant to be read by the page.
    let csrf = name.contains("CSRF") || name.contains("XSRF");
    if name.ends_with("_COOKIE_HTTPONLY") && !csrf && bool_value(value) == Some(false) {
        cx.report(
            &SC112,
            value,
            format!("`{name} = False`: the cookie that keeps users signed in is readable by any script in the page"),
        );
        let index = cx.findings.len() - 1;
        cx.lower_in_non_production(index);
    }
}

impl crate::rules::Rule for Check {
    fn on_assign<'a>(&self, cx: &mut Checker<'a>, targets: &'a [ast::Expr], value: &'a ast::Expr) {
        for t in targets {
            if let Some(name) = crate::recognizers::target_name(t) {
                httponly_off(cx, &name, value);
            }
        }
    }

    fn on_call<'a>(&self, cx: &mut Checker<'a>, call: &'a ast::ExprCall) {
        for (name, value) in crate::recognizers::call_settings(call) {
            httponly_off(cx, name, value);
        }
        let Some(name) = crate::recognizers::credential_cookie(call) else {
            return;
        };
        // `**cookie_kwargs` may carry `httponly` (Flask-Security's configured cookies).
        if call.arguments.keywords.iter().any(|k| k.arg.is_none()) {
            return;
        }
        match kwarg(call, "httponly") {
            None => {}
            Some(flag) if bool_value(flag) == Some(false) => {}
            Some(_) => return,
        }
        cx.report(
            &SC112,
            call,
            format!("the `{name}` cookie carries a credential and is set without `httponly=True`: any script in the page can read it"),
        );
    }
}
