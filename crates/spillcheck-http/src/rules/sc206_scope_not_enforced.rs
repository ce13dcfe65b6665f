//! `SC206` scope-not-enforced: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// An operation whose documentation (OpenAPI `security` scopes) or code requires a scope answered with data to a token that lacks it (`--token-limited`).
    ///
    /// ## Why it matters
    /// Scopes are how a read-only integration is kept from writing; unenforced, every token is all-powerful.
    ///
    /// ## Example
    /// ```http
    /// GET /api/admin/stats HTTP/1.1
    /// Authorization: Bearer <token with scope notes:read>
    ///
    /// HTTP/1.1 200 OK
    /// ```
    ///
    /// ## Fix
    /// Decorate the operation with a scope check (`@require_scope("notes:write")`).
    pub static SC206 = {
        id: "SC206",
        slug: "scope-not-enforced",
        title: "Scope not enforced",
        severity: Severity::High,
        confidence: Confidence::Confirmed,
        cwe: &[285],
        owasp: &[OwaspApi::Api5],
        fix: "Check the token's scopes in every operation that documents a required scope.",
    }
}
