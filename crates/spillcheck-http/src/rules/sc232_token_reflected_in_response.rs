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
    /// Confirmed: the exact current token of user A, user B or the administrator (12 characters or more) appears in the body of an answer to a request sent as that same identity; one finding per route. Not compared: forged and malformed tokens, the canary, the limited token and the tokens of the scan's own accounts; not read: the login requests that issued the tokens, nor the identity's own calls to the operation it logged in with (a login or token endpoint answers with a token by design) and response headers such as `Set-Cookie`. An operation whose purpose is to show the caller's token (a token-introspection or `/auth/token` endpoint called with the token) is reported too; dismiss it when the route exists for that. Where the token sits in the answer at the same JSON path as in the login's answer (RealWorld's `user.token` in `GET /api/user`), the API's user object carries it by design: reported at `possible`.
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
    let login_answers: Vec<serde_json::Value> = exchanges
        .iter()
        .filter(|e| e.request.login && e.response.ok())
        .filter_map(|e| e.response.json())
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
        let mut finding = Finding::new(
            &SC232,
            format!("{method} {path} echoes {label}'s token back in its answer"),
        )
        .on_route(&method, &path)
        .with_http(p.evidence(
            e,
            "the request's Bearer token appears in the response body",
            &[],
        ));
        // The API's representation of the user carries the token where its login answer
        // does (RealWorld's `user.token`): the design, shown only to its owner.
        if let Some(at) = e.response.json().and_then(|j| path_of(&j, token, 0))
            && !at.is_empty()
            && login_answers.iter().any(|l| has_string_at(l, &at))
        {
            finding.lower_to_possible(format!(
                "the token is the `{at}` of the API's user object, where the login answer carries it too: the API hands the token to its owner by design (caches and logs of this route still hold it)"
            ));
        }
        out.push(finding);
    }
    out
}

/// The JSON path of the string `token` in `v` (`user.token`; array items as `[]`).
fn path_of(v: &serde_json::Value, token: &str, depth: usize) -> Option<String> {
    use serde_json::Value;
    if depth > 8 {
        return None;
    }
    match v {
        Value::String(s) if s == token => Some(String::new()),
        Value::Object(m) => m.iter().find_map(|(k, x)| {
            path_of(x, token, depth + 1).map(|rest| join(k, &rest))
        }),
        Value::Array(a) => a
            .iter()
            .take(50)
            .find_map(|x| path_of(x, token, depth + 1).map(|rest| join("[]", &rest))),
        _ => None,
    }
}

fn join(head: &str, rest: &str) -> String {
    if rest.is_empty() {
        head.to_owned()
    } else {
        format!("{head}.{rest}")
    }
}

/// Whether `v` holds a non-empty string at `path` (as [`path_of`] writes it).
fn has_string_at(v: &serde_json::Value, path: &str) -> bool {
    let mut here = vec![v];
    for key in path.split('.') {
        here = here
            .into_iter()
            .flat_map(|x| match (key, x) {
                ("[]", serde_json::Value::Array(a)) => a.iter().collect::<Vec<_>>(),
                (k, serde_json::Value::Object(m)) => m.get(k).into_iter().collect(),
                _ => Vec::new(),
            })
            .collect();
    }
    here.iter().any(|x| x.as_str().is_some_and(|s| !s.is_empty()))
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::Passive(check)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_paths_are_compared_with_the_login_answer() {
        let me = serde_json::json!({"user": {"email": "a@x.test", "token": "tok-123456789"}});
        assert_eq!(path_of(&me, "tok-123456789", 0).as_deref(), Some("user.token"));
        let login = serde_json::json!({"user": {"email": "a@x.test", "token": "tok-other-9876"}});
        assert!(has_string_at(&login, "user.token"));
        assert!(!has_string_at(&login, "user.email.token"));
        let debug = serde_json::json!({"headers": [{"Authorization": "tok-123456789"}]});
        assert_eq!(path_of(&debug, "tok-123456789", 0).as_deref(), Some("headers.[].Authorization"));
        assert!(!has_string_at(&login, "headers.[].Authorization"));
    }
}

