//! `SC303` jwt-lifetime: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the token and secret scanners (`spillcheck jwt`, `spillcheck logs`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A token has no `exp` claim, or its lifetime (`exp - iat`) exceeds the policy (default one hour for access tokens). Also reported: a missing `aud`/`iss` where the API's other tokens have them, and `kid`/`jku`/`x5u` header values that invite injection.
    ///
    /// ## Why it matters
    /// A long-lived token is a long-lived breach when it leaks.
    ///
    /// ## Example
    /// ```json
    /// {"sub": "2", "iat": 1700000000, "exp": 1731536000}
    /// ```
    ///
    /// ## Fix
    /// Issue short-lived access tokens.
    pub static SC303 = {
        id: "SC303",
        slug: "jwt-lifetime",
        title: "JWT without expiry or with a long lifetime",
        severity: Severity::Low,
        confidence: Confidence::Confirmed,
        cwe: &[613],
        owasp: &[OwaspApi::Api2],
        fix: "Give access tokens an `exp` no more than an hour after `iat`, and use refresh tokens for long sessions.",
    }
}
