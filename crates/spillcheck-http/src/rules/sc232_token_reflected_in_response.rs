//! `SC232` token-reflected-in-response: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A response body contains the caller's own Bearer token (debug echo endpoints, error messages that print the header).
    ///
    /// ## Why it matters
    /// A reflected token ends up in caches, logs and browser storage that were never meant to hold it (CWE-522).
    ///
    /// ## Example
    /// ```http
    /// GET /api/debug/headers HTTP/1.1
    ///
    /// HTTP/1.1 200 OK
    /// {"Authorization": "Bearer eyJhbG…"}
    /// ```
    ///
    /// ## Fix
    /// Remove the echo, or redact credentials from it.
    pub static SC232 = {
        id: "SC232",
        slug: "token-reflected-in-response",
        title: "Caller's token reflected in a response",
        severity: Severity::Medium,
        confidence: Confidence::Confirmed,
        cwe: &[522],
        owasp: &[OwaspApi::Api8],
        fix: "Never echo credentials back; responses should not contain the `Authorization` header or the token.",
    }
}
