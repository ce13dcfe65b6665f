//! `SC301` jwt-weak-hmac-secret: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the token and secret scanners (`spillcheck jwt`, `spillcheck logs`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// The HMAC secret of an HS256/HS384/HS512 token was found by trying common and default secrets (and `--wordlist`). The secret is shown redacted.
    ///
    /// ## Why it matters
    /// With the secret, anyone can mint tokens for any user, including administrators.
    ///
    /// ## Example
    /// ```text
    /// token alg=HS256 secret found: no…#1c2d3e (built-in list)
    /// ```
    ///
    /// ## Fix
    /// `secrets.token_urlsafe(48)` stored outside the code; invalidate all tokens signed with the old secret.
    pub static SC301 = {
        id: "SC301",
        slug: "jwt-weak-hmac-secret",
        title: "JWT signed with a weak HMAC secret",
        severity: Severity::Critical,
        confidence: Confidence::Confirmed,
        cwe: &[521, 798],
        owasp: &[OwaspApi::Api2],
        fix: "Sign tokens with a random secret of at least 32 bytes from a secret manager, and rotate the cracked one now.",
    }
}
