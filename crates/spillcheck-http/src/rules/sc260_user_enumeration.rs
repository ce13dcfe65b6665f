//! `SC260` user-enumeration: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// The login (or password reset) endpoint answers differently for an existing user with a wrong password and for an unknown user: different status, body or a measurable timing difference.
    ///
    /// ## Why it matters
    /// An attacker learns which accounts exist, then targets them with credential stuffing (CWE-204).
    ///
    /// ## Example
    /// ```http
    /// POST /api/login {"email": "nobody@x"} -> 404 {"error": "no such user"}
    /// POST /api/login {"email": "alice@x"} -> 401 {"error": "wrong password"}
    /// ```
    ///
    /// ## Fix
    /// Return `401 {"error": "invalid credentials"}` in both cases and hash a dummy password for unknown users.
    pub static SC260 = {
        id: "SC260",
        slug: "user-enumeration",
        title: "User enumeration on login or reset",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[204],
        owasp: &[OwaspApi::Api2],
        fix: "Answer login and reset requests identically (status, body and timing) for unknown users and wrong passwords.",
    }
}
