//! `SC271` documented-endpoint-gone: the rule's metadata, documentation and check.
//!
//! Read from the API inventory (`crate::inventory`): code, description, live answers.

use spillcheck_core::{Confidence, Finding, OwaspApi, Severity, declare_rule};

use crate::inventory::{Inventory, Live};

declare_rule! {
    /// ## What it finds
    /// A zombie entry: an operation the API description documents that the code no longer serves, or that the running API answers as a route that does not exist (the router's 404, or 405 for that method).
    ///
    /// ## Why it matters
    /// The description is what gateways, client generators, scanners and auditors trust. An entry for a removed route means the inventory is wrong: the gateway still routes to it, clients call it, and whatever replaced it was not reviewed against the description (API9:2023).
    ///
    /// ## Example
    /// ```yaml
    /// /api/v1/reports:          # removed from the code last year, still documented
    ///   get: {security: [{bearerAuth: []}]}
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Live: `confirmed` only when the framework's router says the route is gone — a 405 for the
    /// method, or a 404 to the operation that an `OPTIONS` request for the same path confirms
    /// (Flask answers `OPTIONS` for every path a route matches, whatever the object), so "no such
    /// note" is never taken for "no such route" — and, for a path with parameters, only when the
    /// code (given with `--source` or `scan`) has no such route either: a value that does not fit
    /// the route's converter (`/bytes/<int:n>` sent `n=abc`) is not routed either. From the code alone it is `likely`, and only
    /// when the code serves at least three quarters of what the description documents (routes
    /// registered in ways the code analysis does not follow would otherwise look removed).
    ///
    /// ## Fix
    /// Remove the entry from the description, or mark it `deprecated` while clients move; keep
    /// the description generated from the code.
    pub static SC271 = {
        id: "SC271",
        slug: "documented-endpoint-gone",
        title: "Documented endpoint no longer served",
        severity: Severity::Low,
        confidence: Confidence::Likely,
        cwe: &[1059],
        owasp: &[OwaspApi::Api9],
        fix: "Remove the operation from the API description (or mark it deprecated) so the inventory matches what is served.",
    }
}

pub(crate) fn check(inv: &Inventory) -> Vec<Finding> {
    let mut out = Vec::new();
    for row in &inv.rows {
        if row.spec.is_none() {
            continue;
        }
        // The router's "no such route" for a path with parameters may only mean the value
        // sent does not fit the route's converter (`/bytes/<int:n>` and `n=abc`): it counts
        // when the code has no such route either, or when the path has no parameters.
        let gone_live = row.live == Some(Live::Absent)
            && row.code.is_none()
            && (inv.has_code || !row.path.contains('{'));
        let gone_code = row.code.is_none()
            && row.live.is_none()
            && inv.has_code
            && inv.spec_in_code.is_some_and(|share| share >= 0.75);
        if !(gone_live || gone_code) {
            continue;
        }
        let how = if gone_live {
            "the running API has no such route"
        } else {
            "the code serves no such route"
        };
        let mut f = Finding::new(
            &SC271,
            format!(
                "`{} {}` is documented in the API description but {how}",
                row.method, row.path
            ),
        )
        .on_route(&row.method, &row.path);
        if gone_live {
            f.confidence = Confidence::Confirmed;
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
