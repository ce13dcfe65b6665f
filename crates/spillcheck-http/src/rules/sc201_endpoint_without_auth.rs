//! `SC201` endpoint-without-auth: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// The probe called an operation with no credentials and got the same successful answer (status and body shape) as with a valid token. Endpoints listed in `public-routes`, and those that answer anonymous and authenticated callers with the same public content, are exempt.
    ///
    /// ## Why it matters
    /// Data behind a missing check is data for everyone on the network.
    ///
    /// ## Example
    /// ```http
    /// GET /api/exports/1 HTTP/1.1
    ///
    /// HTTP/1.1 200 OK
    /// {"owner_id": 2, "content": "..."}
    /// ```
    ///
    /// ## Fix
    /// Add the authentication decorator or remove the endpoint from the `before_request` allow-list; re-run the probe to confirm 401.
    pub static SC201 = {
        id: "SC201",
        slug: "endpoint-without-auth",
        title: "Endpoint answers without authentication",
        severity: Severity::High,
        confidence: Confidence::Confirmed,
        cwe: &[306],
        owasp: &[OwaspApi::Api2],
        fix: "Require a valid token on the endpoint (or mark it public in config if that is intended).",
    }
}
