//! `SC230` sensitive-field-in-response: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A JSON response contains a sensitive property, matched on its key (`password`, `password_hash`, `secret`, `api_key`, `token`, `otp_secret`...) or on its value (a JWT, a private key, a provider key format).
    ///
    /// ## Why it matters
    /// Hashes are cracked offline; tokens and keys are used directly.
    ///
    /// ## Example
    /// ```http
    /// GET /api/users/2 HTTP/1.1
    ///
    /// HTTP/1.1 200 OK
    /// {"id": 2, "password_hash": "pbkdf2:sha256:…"}
    /// ```
    ///
    /// ## Fix
    /// Remove the field from the serializer.
    pub static SC230 = {
        id: "SC230",
        slug: "sensitive-field-in-response",
        title: "Sensitive field in a response",
        severity: Severity::High,
        confidence: Confidence::Confirmed,
        cwe: &[213, 200],
        owasp: &[OwaspApi::Api3],
        fix: "Serialize responses from an allow-list of public fields.",
    }
}
