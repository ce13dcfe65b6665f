//! `SC121` exception-details-in-response: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// An error handler or `except` block that puts the exception into the response: `return str(e), 500`, `jsonify(error=repr(exc))`, `traceback.format_exc()` in a response body, or `PROPAGATE_EXCEPTIONS` set so Werkzeug renders tracebacks.
    ///
    /// ## Why it matters
    /// Tracebacks and exception texts disclose file paths, SQL statements, library versions and sometimes data of other users; they are a map for the next attack (CWE-209).
    ///
    /// ## Example
    /// ```python
    /// @app.errorhandler(Exception)
    /// def on_error(exc):
    ///     return jsonify(error=str(exc), trace=traceback.format_exc()), 500
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// @app.errorhandler(Exception)
    /// def on_error(exc):
    ///     app.logger.exception("unhandled error")
    ///     return jsonify(error="internal error"), 500
    /// ```
    pub static SC121 = {
        id: "SC121",
        slug: "exception-details-in-response",
        title: "Exception details returned to the client",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[209],
        owasp: &[OwaspApi::Api8],
        fix: "Log the exception server-side and return a generic error body with a correlation id.",
    }
}
