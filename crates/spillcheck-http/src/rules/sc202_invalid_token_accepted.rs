//! `SC202` invalid-token-accepted: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// The API answered with data to a token that is not valid: its signature stripped or tampered with, signed by another key, or garbage after `Bearer`.
    ///
    /// ## Why it matters
    /// A forged token is as good as a real one: anyone can impersonate any user.
    ///
    /// ## Example
    /// ```http
    /// GET /api/me HTTP/1.1
    /// Authorization: Bearer eyJhbG…(signature replaced)
    ///
    /// HTTP/1.1 200 OK
    /// ```
    ///
    /// ## Fix
    /// Decode with the key and an algorithm allow-list, and treat every decoding error as 401.
    pub static SC202 = {
        id: "SC202",
        slug: "invalid-token-accepted",
        title: "Invalid token accepted",
        severity: Severity::Critical,
        confidence: Confidence::Confirmed,
        cwe: &[287, 347],
        owasp: &[OwaspApi::Api2],
        fix: "Verify the signature of every token with the server's key and reject tokens whose signature does not match.",
    }
}
