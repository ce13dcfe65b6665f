//! `SC242` cacheable-authenticated-response: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A response to an authenticated request that carries user data (an object with owner or personal fields) has no `Cache-Control: no-store` or `private`; responses without user data are not reported.
    ///
    /// ## Why it matters
    /// Shared caches and browsers may store and serve one user's data to another (CWE-524).
    ///
    /// ## Example
    /// ```http
    /// GET /api/me HTTP/1.1
    /// Authorization: Bearer …
    ///
    /// HTTP/1.1 200 OK
    /// (no Cache-Control)
    /// {"email": ...}
    /// ```
    ///
    /// ## Fix
    /// An `after_request` hook that sets `Cache-Control: no-store` when `Authorization` was present.
    pub static SC242 = {
        id: "SC242",
        slug: "cacheable-authenticated-response",
        title: "Authenticated response may be cached",
        severity: Severity::Low,
        confidence: Confidence::Confirmed,
        cwe: &[524],
        owasp: &[OwaspApi::Api8],
        fix: "Send `Cache-Control: no-store` on responses that carry a user's data.",
    }
}
