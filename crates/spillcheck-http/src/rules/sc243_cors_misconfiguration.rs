//! `SC243` cors-misconfiguration: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// The API reflects an arbitrary `Origin` in `Access-Control-Allow-Origin` (or answers `*`) together with `Access-Control-Allow-Credentials: true`.
    ///
    /// ## Why it matters
    /// Any web page can read authenticated responses from the user's browser.
    ///
    /// ## Example
    /// ```http
    /// GET /api/me HTTP/1.1
    /// Origin: https://evil.example
    ///
    /// Access-Control-Allow-Origin: https://evil.example
    /// Access-Control-Allow-Credentials: true
    /// ```
    ///
    /// ## Fix
    /// Configure an origin allow-list.
    pub static SC243 = {
        id: "SC243",
        slug: "cors-misconfiguration",
        title: "CORS allows arbitrary origins with credentials",
        severity: Severity::High,
        confidence: Confidence::Confirmed,
        cwe: &[942],
        owasp: &[OwaspApi::Api8],
        fix: "Allow only known origins; never reflect the `Origin` header together with `Access-Control-Allow-Credentials: true`.",
    }
}
