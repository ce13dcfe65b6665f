//! `SC242` cacheable-authenticated-response: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};
use std::sync::Arc;

use spillcheck_core::Finding;

use crate::engine::Exchange;
use crate::probe::Probe;
use crate::rules::sc201_endpoint_without_auth::carries_data;

declare_rule! {
    /// ## What it finds
    /// A response to an authenticated request that carries user data (an object with owner or personal fields) has no `Cache-Control: no-store`; responses without user data are not reported.
    ///
    /// ## Why it matters
    /// Shared caches and browsers may store and serve one user's data to another (CWE-524).
    ///
    /// ## Example
    /// ```http
    /// GET /api/me HTTP/1.1
    /// Authorization: Bearer …
    ///
    /// HTTP/1.1 200 OK
    /// (no Cache-Control)
    /// {"email": ...}
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed: the header is read, not guessed. One finding for the API, counting only authenticated answers that carry user data and are either refused to anonymous callers or show the caller's own identity (email, user name, phone, account number); answers without user data, and public answers that show nothing of the caller (a rate-limit status, a public catalogue), are not counted. The example shown is the caller's own account when it is among them. A `Cache-Control: private` without `no-store` still counts (browsers keep it on disk).
    ///
    /// ## Fix
    /// An `after_request` hook that sets `Cache-Control: no-store` when `Authorization` was present.
    pub static SC242 = {
        id: "SC242",
        slug: "cacheable-authenticated-response",
        title: "Authenticated response may be cached",
        severity: Severity::Low,
        confidence: Confidence::Confirmed,
        cwe: &[524],
        owasp: &[OwaspApi::Api8],
        fix: "Send `Cache-Control: no-store` on responses that carry a user's data.",
    }
}

/// One finding for the API: authenticated answers carrying user data without
/// `Cache-Control: no-store` (the routes listed in the notes). Answers without user data
/// are not counted: reporting every response is noise.
pub(crate) fn check(p: &Probe, _: &[Arc<Exchange>]) -> Vec<Finding> {
    let mut hits: Vec<(&Exchange, bool)> = Vec::new();
    let mut routes = Vec::new();
    for pr in &p.ops {
        let Some(e) = &pr.user else { continue };
        if !e.response.ok()
            || p.user.is_none()
            || pr.op.method != "GET"
            || !carries_data(&e.response, false)
        {
            continue;
        }
        let cc = e
            .response
            .header("cache-control")
            .unwrap_or("")
            .to_ascii_lowercase();
        let protected = pr.anon_refused();
        if cc.contains("no-store") || !(protected || carries_own(p, &e.response.text())) {
            continue;
        }
        hits.push((e, protected));
        routes.push(format!("{} {}", pr.op.method, pr.op.path));
    }
    // The example shown is the most sensitive answer: the caller's own account (a
    // `/me`-like read), one showing the caller's email, one refused to anonymous callers,
    // else the first.
    let rank = |(e, protected): &&(&Exchange, bool)| {
        let own = p
            .route_of(e)
            .is_some_and(|(_, path)| crate::probe::is_me_path(path));
        let text = e.response.text();
        let email = p.own.emails.iter().any(|m| text.contains(m.as_str()));
        std::cmp::Reverse((own, email, *protected))
    };
    let Some(&(first, _)) = hits.iter().min_by_key(rank) else {
        return Vec::new();
    };
    let (method, path) = super::route_for(p, first);
    let mut f = Finding::new(&SC242, format!(
        "{} authenticated answers with user data lack `Cache-Control: no-store` (e.g. {method} {path})",
        hits.len()
    ))
    .on_route(&method, &path)
    .with_http(p.evidence(first, &format!("Cache-Control: {}", first.response.header("cache-control").unwrap_or("(absent)")), &[]));
    for r in routes.iter().take(20) {
        f = f.with_note(r.clone());
    }
    vec![f]
}

/// Whether an answer shows user A's own identity (an email, a user name, a phone, an
/// account number): what an answer anonymous callers also get can still be the caller's.
fn carries_own(p: &Probe, text: &str) -> bool {
    let own = &p.own;
    own.emails
        .iter()
        .chain(&own.phones)
        .chain(own.names.iter().filter(|n| n.len() >= 4))
        .chain(own.keyed.values().flatten().filter(|v| v.len() >= 6))
        .any(|v| text.contains(v.as_str()))
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::Passive(check)];
