//! `SC110` authorization-header-logged: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A logging call (`logger.info`, `app.logger.debug`, `logging.warning`, `print` to a log stream) whose arguments include the request headers (`request.headers`, `dict(request.headers)`, `request.environ`), the `Authorization` header or a variable holding it, or the raw token.
    ///
    /// ## Why it matters
    /// Bearer tokens in log files are the most common way tokens leak (CWE-532): logs are shipped to aggregators, kept for months and read by people who should never hold a user's session.
    ///
    /// ## Example
    /// ```python
    /// @app.before_request
    /// def log_request():
    ///     app.logger.info("request %s %s headers=%s", request.method, request.path, dict(request.headers))
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// SAFE = ("User-Agent", "Content-Type", "X-Request-Id")
    /// app.logger.info("request %s %s %s", request.method, request.path,
    ///                 {k: request.headers.get(k) for k in SAFE})
    /// ```
    pub static SC110 = {
        id: "SC110",
        slug: "authorization-header-logged",
        title: "Authorization header written to logs",
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: &[532],
        owasp: &[OwaspApi::Api8],
        fix: "Log only the headers you need and never `Authorization` or cookies; add a logging filter that redacts them as a safety net.",
    }
}

use ruff_python_ast::{self as ast, Expr};

use crate::ast_util::any_expr;
use crate::checker::Checker;
use crate::patterns::{call_values, credential_flow, is_token_like_name};

/// `SC110`: a log call whose arguments hold request headers, the Authorization
/// header, or a token.
pub(crate) fn check_call(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    if !cx.enabled(&SC110) || cx.file.is_test || !cx.is_logging_call(call) {
        return;
    }
    let tainted = cx.credential_names();
    let mut what: Option<String> = None;
    for v in call_values(call) {
        if let Some(w) = credential_flow(v) {
            what = Some(w.to_owned());
            break;
        }
        any_expr(v, &mut |e| {
            if let Expr::Name(n) = e {
                let id_like = {
                    let l = n.id.as_str().to_ascii_lowercase();
                    l.ends_with("_id")
                        || l == "id"
                        || l.contains("user")
                        || l.contains("name")
                        || l.contains("email")
                        || l == "login"
                        || l.contains("scheme")
                        || l.contains("type")
                };
                if tainted.contains(n.id.as_str()) && !id_like {
                    what = Some(format!("`{}`, read from the request's credentials", n.id));
                } else if cx.web && is_token_like_name(n.id.as_str()) {
                    what = Some(format!("`{}`", n.id));
                }
            }
            what.is_some()
        });
        if what.is_some() {
            break;
        }
    }
    if let Some(what) = what {
        cx.report(&SC110, call, format!("log call writes {what} to the logs"));
    }
}
