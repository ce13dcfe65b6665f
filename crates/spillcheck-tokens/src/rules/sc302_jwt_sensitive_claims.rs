//! `SC302` jwt-sensitive-claims: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the token and secret scanners (`spillcheck jwt`, `spillcheck logs`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A token's readable payload carries passwords, secrets or personal data (emails, phone numbers, national ids, card numbers).
    ///
    /// ## Why it matters
    /// JWT payloads are only base64-encoded: anyone holding or logging the token reads them (CWE-312, CWE-359).
    ///
    /// ## Example
    /// ```json
    /// {"sub": "2", "email": "alice@example.com", "password": "…"}
    /// ```
    ///
    /// ## Fix
    /// Remove the claims; the API can load them from the `sub`.
    pub static SC302 = {
        id: "SC302",
        slug: "jwt-sensitive-claims",
        title: "Sensitive data in JWT claims",
        severity: Severity::Medium,
        confidence: Confidence::Confirmed,
        cwe: &[312, 359],
        owasp: &[OwaspApi::Api3],
        fix: "Keep tokens to identifiers (`sub`, `scope`, `exp`); look personal data up server-side.",
    }
}
