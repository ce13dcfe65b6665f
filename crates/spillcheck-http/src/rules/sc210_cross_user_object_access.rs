//! `SC210` cross-user-object-access: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// With two users' tokens, the probe learnt which objects belong to user B, requested them with user A's token, and got B's data back (same body as B gets, B's owner fields). A redirect or 403 whose body still carries B's data counts as access.
    ///
    /// ## Why it matters
    /// Broken Object Level Authorization is the most common and most damaging API flaw: every record of every user is one changed number away.
    ///
    /// ## Example
    /// ```http
    /// GET /api/notes/7 HTTP/1.1
    /// Authorization: Bearer <user A>
    ///
    /// HTTP/1.1 200 OK
    /// {"id": 7, "owner_id": 2, ...}
    /// ```
    ///
    /// ## Fix
    /// Scope every query to the caller: `WHERE id = ? AND owner_id = ?` with the owner from the verified token.
    pub static SC210 = {
        id: "SC210",
        slug: "cross-user-object-access",
        title: "Cross-user object access (BOLA/IDOR)",
        severity: Severity::Critical,
        confidence: Confidence::Confirmed,
        cwe: &[639],
        owasp: &[OwaspApi::Api1],
        fix: "Load objects by id *and* owner (taken from the verified token), and answer 404 for objects the caller does not own.",
    }
}
