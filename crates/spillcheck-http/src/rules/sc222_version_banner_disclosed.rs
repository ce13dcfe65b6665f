//! `SC222` version-banner-disclosed: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// Responses carry software versions in `Server`, `X-Powered-By` or similar headers (`Werkzeug/3.0.1 Python/3.11.7`).
    ///
    /// ## Why it matters
    /// Exact versions let an attacker pick known exploits without probing.
    ///
    /// ## Example
    /// ```http
    /// HTTP/1.1 200 OK
    /// Server: Werkzeug/3.0.1 Python/3.11.7
    /// ```
    ///
    /// ## Fix
    /// Configure the front server to send a generic `Server` header.
    pub static SC222 = {
        id: "SC222",
        slug: "version-banner-disclosed",
        title: "Server version banner disclosed",
        severity: Severity::Low,
        confidence: Confidence::Confirmed,
        cwe: &[200],
        owasp: &[OwaspApi::Api8],
        fix: "Strip version numbers from `Server` and `X-Powered-By` headers at the proxy or WSGI server.",
    }
}
