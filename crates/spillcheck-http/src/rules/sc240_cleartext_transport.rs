//! `SC240` cleartext-transport: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// The API target is reached over `http://` on a non-loopback host and does not redirect to HTTPS, so Bearer tokens travel in clear text.
    ///
    /// ## Why it matters
    /// Anyone on the network path reads every token.
    ///
    /// ## Example
    /// ```http
    /// GET http://api.example.com/api/notes HTTP/1.1
    /// Authorization: Bearer …
    ///
    /// HTTP/1.1 200 OK
    /// ```
    ///
    /// ## Fix
    /// Terminate TLS in front of the app and redirect port 80 to HTTPS.
    pub static SC240 = {
        id: "SC240",
        slug: "cleartext-transport",
        title: "Token sent over cleartext HTTP",
        severity: Severity::High,
        confidence: Confidence::Confirmed,
        cwe: &[319, 523],
        owasp: &[OwaspApi::Api8],
        fix: "Serve the API over HTTPS only, redirect HTTP to HTTPS, and never accept a Bearer token over HTTP.",
    }
}
