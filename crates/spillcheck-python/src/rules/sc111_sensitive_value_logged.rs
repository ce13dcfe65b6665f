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

use crate::ast_util::{callee_last, dotted, str_value};
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

/// The first sensitive thing in `expr`: a password-like name or attribute, a
/// password-like key, or (in an auth endpoint) the whole request body. A name used
/// only as the object of a harmless attribute (`api_key.name`) does not count.
fn sensitive_in(expr: &Expr, auth_function: bool) -> Option<String> {
    match expr {
        Expr::Name(n) if is_password_like_name(n.id.as_str()) => Some(format!("`{}`", n.id)),
        Expr::Attribute(a) => {
            if is_password_like_name(a.attr.as_str()) {
                return Some(format!("`.{}`", a.attr));
            }
            if auth_function && is_body_dump(expr) {
                return Some("the request body of an authentication endpoint".into());
            }
            match a.value.as_ref() {
                Expr::Name(_) => None,
                other => sensitive_in(other, auth_function),
            }
        }
        Expr::Subscript(s) => {
            if let Some(k) = str_value(&s.slice)
                && is_password_like_name(k)
            {
                return Some(format!("`[\"{k}\"]`"));
            }
            sensitive_in(&s.value, auth_function).or_else(|| sensitive_in(&s.slice, auth_function))
        }
        Expr::Call(_) if auth_function && is_body_dump(expr) => {
            Some("the request body of an authentication endpoint".into())
        }
        _ => {
            use ruff_python_ast::visitor::{Visitor, walk_expr};
            struct V {
                auth: bool,
                found: Option<String>,
                top: bool,
            }
            impl<'a> Visitor<'a> for V {
                fn visit_expr(&mut self, e: &'a Expr) {
                    if self.found.is_some() {
                        return;
                    }
                    if self.top {
                        self.top = false;
                        walk_expr(self, e);
                        return;
                    }
                    match e {
                        Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_) => {
                            self.found = sensitive_in(e, self.auth);
                        }
                        Expr::Call(_) if self.auth && is_body_dump(e) => {
                            self.found = sensitive_in(e, self.auth);
                        }
                        _ => walk_expr(self, e),
                    }
                }
            }
            let mut v = V {
                auth: auth_function,
                found: None,
                top: true,
            };
            v.visit_expr(expr);
            v.found
        }
    }
}

/// `SC111`: a log call whose arguments hold a password or secret, or a whole request
/// body in an authentication endpoint.
pub(crate) fn check_call(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    if !cx.enabled(&SC111) || cx.file.is_test || !is_log_call(call) {
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
    let what = call_values(call).find_map(|v| sensitive_in(v, auth_function));
    if let Some(what) = what {
        cx.report(&SC111, call, format!("log call writes {what} to the logs"));
    }
}
