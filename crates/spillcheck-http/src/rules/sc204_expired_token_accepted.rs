//! `SC204` expired-token-accepted: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// The API answered with data to a token whose `exp` lies in the past (a copy of the user's token re-signed expired, when the secret is known, or a captured expired token).
    ///
    /// ## Why it matters
    /// A token that never expires turns every leaked token (from a log, a proxy, a laptop) into permanent access.
    ///
    /// ## Example
    /// ```http
    /// GET /api/notes HTTP/1.1
    /// Authorization: Bearer eyJhbG…(exp one hour ago)
    ///
    /// HTTP/1.1 200 OK
    /// ```
    ///
    /// ## Fix
    /// Let the JWT library verify `exp` and do not catch `ExpiredSignatureError` into a success path.
    pub static SC204 = {
        id: "SC204",
        slug: "expired-token-accepted",
        title: "Expired token accepted",
        severity: Severity::High,
        confidence: Confidence::Confirmed,
        cwe: &[613],
        owasp: &[OwaspApi::Api2],
        fix: "Require and check `exp` on every token (`options={\"require\": [\"exp\"]}`) and keep access-token lifetimes short.",
    }
}
