//! `SC220` stack-trace-in-response: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A response to malformed input (a bad id, a broken JSON body, an unexpected type) carried a Python traceback, a framework error page, file system paths or an SQL error message.
    ///
    /// ## Why it matters
    /// Error details tell an attacker the code's structure, library versions and queries (CWE-209).
    ///
    /// ## Example
    /// ```http
    /// GET /api/notes/abc HTTP/1.1
    ///
    /// HTTP/1.1 500
    /// Traceback (most recent call last):
    ///   File "/srv/app/notes.py", line 42 ...
    /// ```
    ///
    /// ## Fix
    /// An `errorhandler(Exception)` that logs and returns `{"error": "internal error"}`.
    pub static SC220 = {
        id: "SC220",
        slug: "stack-trace-in-response",
        title: "Stack trace or error detail in a response",
        severity: Severity::Medium,
        confidence: Confidence::Confirmed,
        cwe: &[209],
        owasp: &[OwaspApi::Api8],
        fix: "Return generic error bodies; log details server-side.",
    }
}
