//! `SC241` missing-hsts: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};
use std::sync::Arc;

use spillcheck_core::Finding;

use crate::engine::Exchange;
use crate::probe::Probe;

declare_rule! {
    /// ## What it finds
    /// An HTTPS response lacks `Strict-Transport-Security`.
    ///
    /// ## Why it matters
    /// Without HSTS a client can be downgraded to HTTP by an active attacker.
    ///
    /// ## Example
    /// ```http
    /// HTTP/1.1 200 OK
    /// (no Strict-Transport-Security)
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed: one finding for the whole API when the target is `https://` and any answer that ended on an HTTPS URL lacks `Strict-Transport-Security`, whatever its status or route (the evidence is the first such answer). The header's value is not judged: any `Strict-Transport-Security`, even `max-age=0`, counts as present. Nothing is reported for a plain-HTTP target. One answer from another layer (a proxy's error page) without the header is enough, so check the evidence's route before concluding that the app never sends it.
    ///
    /// ## Fix
    /// Set the header at the proxy or with Flask-Talisman.
    pub static SC241 = {
        id: "SC241",
        slug: "missing-hsts",
        title: "HSTS header missing",
        severity: Severity::Low,
        confidence: Confidence::Confirmed,
        cwe: &[319],
        owasp: &[OwaspApi::Api8],
        fix: "Send `Strict-Transport-Security: max-age=31536000; includeSubDomains` on HTTPS responses.",
    }
}

/// On an HTTPS target, answers without `Strict-Transport-Security`: one finding.
pub(crate) fn check(p: &Probe, exchanges: &[Arc<Exchange>]) -> Vec<Finding> {
    if p.base.scheme() != "https" {
        return Vec::new();
    }
    let Some(e) = exchanges.iter().find(|e| {
        e.response.url.scheme() == "https"
            && e.response.header("strict-transport-security").is_none()
    }) else {
        return Vec::new();
    };
    let (method, path) = super::route_for(p, e);
    vec![
        Finding::new(
            &SC241,
            format!(
                "{} answers over HTTPS without Strict-Transport-Security",
                p.base.origin().ascii_serialization()
            ),
        )
        .on_route(&method, &path)
        .with_http(p.evidence(e, "no Strict-Transport-Security header", &[])),
    ]
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::Passive(check)];
