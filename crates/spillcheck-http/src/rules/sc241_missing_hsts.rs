//! `SC241` missing-hsts: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// An HTTPS response lacks `Strict-Transport-Security`.
    ///
    /// ## Why it matters
    /// Without HSTS a client can be downgraded to HTTP by an active attacker.
    ///
    /// ## Example
    /// ```http
    /// HTTP/1.1 200 OK
    /// (no Strict-Transport-Security)
    /// ```
    ///
    /// ## Fix
    /// Set the header at the proxy or with Flask-Talisman.
    pub static SC241 = {
        id: "SC241",
        slug: "missing-hsts",
        title: "HSTS header missing",
        severity: Severity::Low,
        confidence: Confidence::Confirmed,
        cwe: &[319],
        owasp: &[OwaspApi::Api8],
        fix: "Send `Strict-Transport-Security: max-age=31536000; includeSubDomains` on HTTPS responses.",
    }
}
