//! `SC272` auth-declaration-mismatch: the rule's metadata, documentation and check.
//!
//! Read from the API inventory (`crate::inventory`): code and description.

use spillcheck_core::{Finding, OwaspApi, Severity, declare_rule};

use crate::inventory::{CodeAuth, Inventory};

declare_rule! {
    /// ## What it finds
    /// The API description and the code disagree on authentication: the description declares a security requirement (`bearerAuth`) for an operation that nothing in the code authenticates, or calls public (`security: []`) an operation the code protects.
    ///
    /// ## Why it matters
    /// Reviews, gateways and client teams read the description: an operation documented as protected but open in the code is a hole nobody is looking for (API9:2023, and API2:2023 when it serves data). The reverse breaks clients and hides which operations really are public.
    ///
    /// ## Example
    /// ```yaml
    /// /api/stats:
    ///   get: {security: [{bearerAuth: [notes:read]}]}   # the handler has no @require_token
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Only where the description is this code's (see SC270) and the code's authentication is
    /// known. When SC101 (or the probe's SC201) already reports the route as unauthenticated, the
    /// mismatch is added to that finding as a note instead of a second finding. An operation
    /// documented as protected and served by the code with an optional-auth decorator is not
    /// reported, and neither is an operation public by nature (API documents, status pages,
    /// the root, sign-in and single sign-on, links carrying their own token) whose
    /// requirement is only the description's blanket default (a root `security` that
    /// generators such as flasgger apply to every route). A sign-in documented public whose
    /// handler checks the password it is sent (the code sees authentication in the handler)
    /// is not reported either: it authenticates the credentials, not the caller.
    ///
    /// ## Fix
    /// Make the code enforce what the description declares (add the authentication decorator),
    /// or correct the description.
    pub static SC272 = {
        id: "SC272",
        slug: "auth-declaration-mismatch",
        title: "API description and code disagree on authentication",
        severity: Severity::Medium,
        confidence: spillcheck_core::Confidence::Likely,
        cwe: &[306, 1059],
        owasp: &[OwaspApi::Api9, OwaspApi::Api2],
        fix: "Enforce in the code the security requirement the API description declares, or correct the description.",
    }
}

pub(crate) fn check(inv: &Inventory) -> Vec<Finding> {
    let mut out = Vec::new();
    for row in &inv.rows {
        let (Some(spec), Some(code)) = (&row.spec, &row.code) else {
            continue;
        };
        // A blanket default the description's generator put on every route says nothing
        // about the login, the status page or a shared link.
        if spec.security_by_default && crate::inventory::public_by_nature(&row.path) {
            continue;
        }
        let (message, severity) = match (spec.security, code.auth) {
            ("required", CodeAuth::Open) => (
                format!(
                    "the API description requires a token for `{} {}`, but nothing in the code authenticates it",
                    row.method, row.path
                ),
                Severity::Medium,
            ),
            // A sign-in documented public whose handler checks the password it is sent
            // (`repo.verify_password`) authenticates the credentials, not the caller.
            ("public", CodeAuth::Required) if crate::inventory::public_by_nature(&row.path) => {
                continue;
            }
            ("public", CodeAuth::Required) => (
                format!(
                    "the API description calls `{} {}` public, but the code requires a token",
                    row.method, row.path
                ),
                Severity::Low,
            ),
            _ => continue,
        };
        let mut f = Finding::new(&SC272, message).on_route(&row.method, &row.path);
        f.severity = severity;
        if let Some(loc) = code.location.clone() {
            f = f.at(loc);
        }
        out.push(f);
    }
    out
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::Inventory {
        needs_description: true,
        run: check,
    }];
