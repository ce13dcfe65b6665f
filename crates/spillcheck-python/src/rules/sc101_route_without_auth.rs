//! `SC101` route-without-auth: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A Flask route that handles data but is reached by no authentication: no auth decorator (`jwt_required`, `login_required`, a project decorator that checks the `Authorization` header), no app- or blueprint-level `before_request` hook that rejects anonymous callers, or a hook whose allow-list exempts it.
    ///
    /// ## Why it matters
    /// Anyone who can reach the API can call the route without a token. A blueprint whose `before_request` forgets one endpoint is the classic way this happens.
    ///
    /// ## Example
    /// ```python
    /// @bp.get("/api/exports/<int:export_id>")
    /// def download_export(export_id):      # no decorator, bp has no hook
    ///     return send_file(export_path(export_id))
    /// ```
    ///
    /// ## Fix
    /// Apply the same authentication as the neighbouring routes:
    ///
    /// ```python
    /// @bp.get("/api/exports/<int:export_id>")
    /// @require_token
    /// def download_export(export_id):
    ///     ...
    /// ```
    ///
    /// Routes that are public on purpose (`/health`, `/login`) belong in `public-routes` in the configuration.
    pub static SC101 = {
        id: "SC101",
        slug: "route-without-auth",
        title: "Route without authentication",
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: &[306],
        owasp: &[OwaspApi::Api2],
        fix: "Protect the route with the project's authentication decorator or a `before_request` hook, or list it in `public-routes` if it is public by design.",
    }
}
