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
    /// ## Known false positives and how confidence is decided
    /// Confirmed: the payload is read, not guessed. A claim is reported when its name is in the shared vocabulary of secrets and personal data (`password`, `secret`, `api_key`, `pin`, `ssn`, `email`, `phone`, `address`, `card`, `balance`…), unless its value is empty (`null`, `""`, `[]`, `{}`, `false`), or when its string value looks like an email address, is a Luhn-valid number of 13 to 19 digits starting with an issuer's digit (3 to 6), or is a number written with a leading `+` and 10 to 15 digits; the claims reported for one token go in one finding. Other claims, ordinary ids and numbers without those shapes, are not reported, but a string id of 13 to 19 digits starting with 3 to 6 that happens to pass the Luhn check (one in ten do) is still reported as a card number; the claim's name in the message tells which. In `spillcheck api`, user A's token (when given) and the tokens of the scan's own accounts of other kinds are audited.
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
        confirms: &["SC108"],
    }
}
