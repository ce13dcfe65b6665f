//! `SC231` other-users-pii-in-response: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A response to one user carries personal data (emails, phone numbers, card numbers that pass Luhn) that does not belong to the caller.
    ///
    /// ## Why it matters
    /// Listing endpoints that leak every user's email are harvested for phishing and credential stuffing (CWE-359).
    ///
    /// ## Example
    /// ```http
    /// GET /api/users HTTP/1.1
    ///
    /// HTTP/1.1 200 OK
    /// [{"id": 1, "email": "alice@..."}, {"id": 3, "email": "carol@..."}]
    /// ```
    ///
    /// ## Fix
    /// Use a public serializer for other users' records.
    pub static SC231 = {
        id: "SC231",
        slug: "other-users-pii-in-response",
        title: "Other users' personal data in a response",
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: &[359],
        owasp: &[OwaspApi::Api3],
        fix: "Return other users' public profile fields only (display name), never their email, phone or payment data.",
    }
}
