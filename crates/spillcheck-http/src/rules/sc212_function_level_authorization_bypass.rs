//! `SC212` function-level-authorization-bypass: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// An operation that succeeds with the admin token also succeeds with a regular user's token, or an admin-looking path (`/admin`, `/internal`, `/debug`) answers a regular user with data.
    ///
    /// ## Why it matters
    /// Function-level authorization bugs turn any account into an administrator.
    ///
    /// ## Example
    /// ```http
    /// GET /api/admin/users HTTP/1.1
    /// Authorization: Bearer <regular user>
    ///
    /// HTTP/1.1 200 OK
    /// ```
    ///
    /// ## Fix
    /// `@require_role("admin")` on the operation, with the role read from the server's records.
    pub static SC212 = {
        id: "SC212",
        slug: "function-level-authorization-bypass",
        title: "Admin function reachable by a regular user",
        severity: Severity::Critical,
        confidence: Confidence::Confirmed,
        cwe: &[285],
        owasp: &[OwaspApi::Api5],
        fix: "Check the caller's role on every administrative operation, server-side, from the verified token or the database.",
    }
}
