//! `SC211` enumerable-object-ids: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// With one token, the probe walked the integer ids next to the caller's own objects and received records owned by someone else; it also reports when ids are sequential and guessable.
    ///
    /// ## Why it matters
    /// Sequential ids plus a missing ownership check let an attacker download the whole table with a loop.
    ///
    /// ## Example
    /// ```http
    /// GET /api/users/3 HTTP/1.1
    /// Authorization: Bearer <user A, id 2>
    ///
    /// HTTP/1.1 200 OK
    /// {"id": 3, "email": "..."}
    /// ```
    ///
    /// ## Fix
    /// Check ownership (see SC210); random ids only slow enumeration down, they do not replace the check.
    pub static SC211 = {
        id: "SC211",
        slug: "enumerable-object-ids",
        title: "Enumerable object ids expose other users' records",
        severity: Severity::High,
        confidence: Confidence::Confirmed,
        cwe: &[639, 200],
        owasp: &[OwaspApi::Api1],
        fix: "Enforce ownership on every object lookup; prefer random identifiers (UUIDv4) for objects exposed in URLs.",
    }
}
