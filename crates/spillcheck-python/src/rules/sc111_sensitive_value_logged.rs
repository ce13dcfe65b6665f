//! `SC111` sensitive-value-logged: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A logging call whose arguments include a password, secret or token variable (`password`, `new_password`, `api_key`, `secret`), a request body that contains them (`request.json`, `request.form`, `request.get_data()`), or personal data (email, phone) of users.
    ///
    /// ## Why it matters
    /// Logs outlive the data they copy and escape its access controls; a password in a log is a password disclosed to every reader of the log (CWE-532, CWE-359).
    ///
    /// ## Example
    /// ```python
    /// app.logger.warning("failed login for %s with password %s", email, password)
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// app.logger.warning("failed login for user_id=%s", user_id)
    /// ```
    pub static SC111 = {
        id: "SC111",
        slug: "sensitive-value-logged",
        title: "Password or personal data written to logs",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[532, 359],
        owasp: &[OwaspApi::Api8],
        fix: "Log identifiers, not secrets or personal data: drop passwords entirely and log a user id instead of an email or phone number.",
    }
}

use ruff_python_ast::{self as ast, Expr};

use crate::ast_util::{any_expr, callee_last, dotted, str_value};
use crate::checker::Checker;
use crate::patterns::{call_values, is_log_call, is_password_like_name};

fn is_body_dump(e: &Expr) -> bool {
    match e {
        Expr::Attribute(a) => {
            matches!(a.attr.as_str(), "json" | "form" | "data" | "values")
                && dotted(&a.value).is_some_and(|d| d.ends_with("request"))
        }
        Expr::Call(c) => {
            matches!(callee_last(c), Some("get_json" | "get_data"))
                && matches!(c.func.as_ref(), Expr::Attribute(a) if dotted(&a.value).is_some_and(|d| d.ends_with("request")))
        }
        _ => false,
    }
}

/// `SC111`: a log call whose arguments hold a password or secret, or a whole request
/// body in an authentication endpoint.
pub(crate) fn check_call(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    if !cx.enabled(&SC111) || !is_log_call(call) {
        return;
    }
    let auth_function = cx.functions.last().is_some_and(|f| {
        let n = f.name.as_str().to_ascii_lowercase();
        [
            "login",
            "register",
            "signup",
            "password",
            "reset",
            "auth",
            "token",
            "credential",
        ]
        .iter()
        .any(|k| n.contains(k))
    });
    let mut what: Option<String> = None;
    for v in call_values(call) {
        any_expr(v, &mut |e| {
            if what.is_some() {
                return true;
            }
            match e {
                Expr::Name(n) if is_password_like_name(n.id.as_str()) => {
                    what = Some(format!("`{}`", n.id))
                }
                Expr::Attribute(a) if is_password_like_name(a.attr.as_str()) => {
                    what = Some(format!("`.{}`", a.attr))
                }
                Expr::Subscript(s) => {
                    if let Some(k) = str_value(&s.slice) {
                        if is_password_like_name(k) {
                            what = Some(format!("`[\"{k}\"]`"));
                        }
                    }
                }
                _ if auth_function && is_body_dump(e) => {
                    what = Some("the request body of an authentication endpoint".into())
                }
                _ => {}
            }
            what.is_some()
        });
    }
    if let Some(what) = what {
        cx.report(&SC111, call, format!("log call writes {what} to the logs"));
    }
}
