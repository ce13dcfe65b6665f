//! `SC203` none-alg-token-accepted: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// The API answered with data to a copy of the user's token re-encoded with `alg: none` (in any letter case) and an empty signature.
    ///
    /// ## Why it matters
    /// Anyone can forge a token for any user without knowing any key.
    ///
    /// ## Example
    /// ```http
    /// GET /api/me HTTP/1.1
    /// Authorization: Bearer eyJhbG…(alg none)
    ///
    /// HTTP/1.1 200 OK
    /// ```
    ///
    /// ## Fix
    /// `jwt.decode(token, key, algorithms=["HS256"])`.
    pub static SC203 = {
        id: "SC203",
        slug: "none-alg-token-accepted",
        title: "Unsigned `alg: none` token accepted",
        severity: Severity::Critical,
        confidence: Confidence::Confirmed,
        cwe: &[347],
        owasp: &[OwaspApi::Api2],
        fix: "Pass an explicit algorithm allow-list that does not contain `none` to the JWT library.",
    }
}
