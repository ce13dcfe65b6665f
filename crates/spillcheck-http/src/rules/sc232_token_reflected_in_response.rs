//! `SC232` token-reflected-in-response: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};
use std::collections::BTreeSet;
use std::sync::Arc;

use spillcheck_core::Finding;

use crate::engine::Exchange;
use crate::probe::Probe;

declare_rule! {
    /// ## What it finds
    /// A response body contains the caller's own Bearer token (debug echo endpoints, error messages that print the header).
    ///
    /// ## Why it matters
    /// A reflected token ends up in caches, logs and browser storage that were never meant to hold it (CWE-522).
    ///
    /// ## Example
    /// ```http
    /// GET /api/debug/headers HTTP/1.1
    ///
    /// HTTP/1.1 200 OK
    /// {"Authorization": "Bearer eyJhbG…"}
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed: the exact current token of user A, user B or the administrator (12 characters or more) appears in the body of an answer to a request sent as that same identity; one finding per route. Not compared: forged and malformed tokens, the canary, the limited token and the tokens of the scan's own accounts; not read: the login requests that issued the tokens, nor the identity's own calls to the operation it logged in with (a login or token endpoint answers with a token by design) and response headers such as `Set-Cookie`. An operation whose purpose is to show the caller's token (a token-introspection or `/auth/token` endpoint called with the token) is reported too; dismiss it when the route exists for that.
    ///
    /// ## Fix
    /// Remove the echo, or redact credentials from it.
    pub static SC232 = {
        id: "SC232",
        slug: "token-reflected-in-response",
        title: "Caller's token reflected in a response",
        severity: Severity::Medium,
        confidence: Confidence::Confirmed,
        cwe: &[522],
        owasp: &[OwaspApi::Api8],
        fix: "Never echo credentials back; responses should not contain the `Authorization` header or the token.",
    }
}

/// Answers whose body contains the very token the request carried.
pub(crate) fn check(p: &Probe, exchanges: &[Arc<Exchange>]) -> Vec<Finding> {
    // Each identity, its token and where it logged in (method, path).
    type Login = Option<(String, String)>;
    let identities: Vec<(crate::engine::Actor, String, Login)> =
        [&p.user, &p.user_b, &p.admin]
            .into_iter()
            .flatten()
            .map(|u| {
                let login = u
                    .login_request()
                    .map(|r| (r.method.to_string(), r.url.path().to_owned()));
                (u.label.clone(), u.token(), login)
            })
            .filter(|(_, t, _)| t.len() >= 12)
            .collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for e in exchanges {
        let Some((label, token, login)) =
            identities.iter().find(|(l, _, _)| *l == e.request.actor)
        else {
            continue;
        };
        if !e.response.text().contains(token.as_str()) {
            continue;
        }
        // The operation that issued this identity's token hands it out again by design
        // (a token endpoint that signs the same payload answers the same token).
        if login.as_ref().is_some_and(|(m, path)| {
            *m == e.request.method.to_string() && *path == e.request.url.path()
        }) {
            continue;
        }
        let (method, path) = super::route_for(p, e);
        if !done.insert((method.clone(), path.clone())) {
            continue;
        }
        out.push(
            Finding::new(
                &SC232,
                format!("{method} {path} echoes {label}'s token back in its answer"),
            )
            .on_route(&method, &path)
            .with_http(p.evidence(
                e,
                "the request's Bearer token appears in the response body",
                &[],
            )),
        );
    }
    out
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::Passive(check)];
