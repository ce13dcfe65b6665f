//! `SC261` no-rate-limit-on-login: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A bounded burst (at most 25) of failed logins against a user the scan owns was answered without any 429, lockout or growing delay.
    ///
    /// ## Why it matters
    /// Unlimited attempts make password guessing and credential stuffing practical (CWE-307).
    ///
    /// ## Example
    /// ```http
    /// 25 × POST /api/login (wrong password) -> 25 × 401, no 429
    /// ```
    ///
    /// ## Fix
    /// `@limiter.limit("5/minute")` on the login route and an account lockout counter.
    pub static SC261 = {
        id: "SC261",
        slug: "no-rate-limit-on-login",
        title: "Login accepts unlimited failed attempts",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[307, 770],
        owasp: &[OwaspApi::Api4],
        fix: "Rate-limit login attempts per account and per client (Flask-Limiter) and add lockout or back-off.",
    }
}
