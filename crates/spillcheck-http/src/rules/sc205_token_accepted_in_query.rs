//! `SC205` token-accepted-in-query: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// The API answered with data when the token was sent as `?access_token=`, `?token=` or `?jwt=` instead of in the `Authorization` header.
    ///
    /// ## Why it matters
    /// Tokens in URLs are written to access logs, proxies, browser history and `Referer` headers.
    ///
    /// ## Example
    /// ```http
    /// GET /api/notes?access_token=eyJhbG… HTTP/1.1
    ///
    /// HTTP/1.1 200 OK
    /// ```
    ///
    /// ## Fix
    /// Remove the query-string fallback from the token extraction.
    pub static SC205 = {
        id: "SC205",
        slug: "token-accepted-in-query",
        title: "Token accepted in the query string",
        severity: Severity::Medium,
        confidence: Confidence::Confirmed,
        cwe: &[598],
        owasp: &[OwaspApi::Api2],
        fix: "Accept tokens only in the `Authorization` header.",
    }
}
