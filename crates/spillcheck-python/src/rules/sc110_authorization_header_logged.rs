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
