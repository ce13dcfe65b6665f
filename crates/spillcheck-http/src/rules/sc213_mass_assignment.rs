//! `SC213` mass-assignment: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// With `--allow-writes`, the probe sent a create or update with privileged properties added (`role`, `is_admin`, `owner_id`, `balance`...) and read the object back: the property stuck.
    ///
    /// ## Why it matters
    /// A user who can set their own role is an administrator.
    ///
    /// ## Example
    /// ```http
    /// PATCH /api/users/me HTTP/1.1
    /// {"display_name": "x", "role": "admin"}
    ///
    /// GET /api/users/me -> {"role": "admin"}
    /// ```
    ///
    /// ## Fix
    /// Copy only allowed keys from the request body: `for k in ("display_name", "bio"): ...`.
    pub static SC213 = {
        id: "SC213",
        slug: "mass-assignment",
        title: "Mass assignment of privileged properties",
        severity: Severity::High,
        confidence: Confidence::Confirmed,
        cwe: &[915],
        owasp: &[OwaspApi::Api3],
        fix: "Accept only an allow-list of client-writable fields on create and update.",
    }
}
