//! `SC222` version-banner-disclosed: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};
use std::sync::{Arc, OnceLock};

use regex::Regex;
use spillcheck_core::Finding;

use crate::engine::Exchange;
use crate::probe::Probe;

declare_rule! {
    /// ## What it finds
    /// Responses carry software versions in `Server`, `X-Powered-By` or similar headers (`Werkzeug/3.0.1 Python/3.11.7`).
    ///
    /// ## Why it matters
    /// Exact versions let an attacker pick known exploits without probing.
    ///
    /// ## Example
    /// ```http
    /// HTTP/1.1 200 OK
    /// Server: Werkzeug/3.0.1 Python/3.11.7
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed: the header's value is read, not guessed. Only `Server`, `X-Powered-By`, `X-AspNet-Version`, `X-Generator` and `X-Runtime-Version` are read, and a value counts only when it names software followed by a version with at least a major and a minor number (`Werkzeug/3.0.1`, `Apache 2.4`): a bare product name (`nginx`, `gunicorn`) is not reported. One finding per distinct header value, on the route of the first answer that carried it. The banner may come from a proxy or CDN in front of the app rather than from the app; the fix then belongs to that layer.
    ///
    /// ## Fix
    /// Configure the front server to send a generic `Server` header.
    pub static SC222 = {
        id: "SC222",
        slug: "version-banner-disclosed",
        title: "Server version banner disclosed",
        severity: Severity::Low,
        confidence: Confidence::Confirmed,
        cwe: &[200],
        owasp: &[OwaspApi::Api8],
        fix: "Strip version numbers from `Server` and `X-Powered-By` headers at the proxy or WSGI server.",
    }
}

const HEADERS: &[&str] = &[
    "server",
    "x-powered-by",
    "x-aspnet-version",
    "x-generator",
    "x-runtime-version",
];

/// Headers naming software with a version number (`Werkzeug/3.1.3 Python/3.11.2`), one
/// finding per distinct header value.
pub(crate) fn check(p: &Probe, exchanges: &[Arc<Exchange>]) -> Vec<Finding> {
    static VERSION: OnceLock<Regex> = OnceLock::new();
    let re =
        VERSION.get_or_init(|| Regex::new(r"[A-Za-z][\w.-]*[/ ]v?\d+\.\d+(?:\.\d+)?").unwrap());
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut out = Vec::new();
    for e in exchanges {
        for h in HEADERS {
            let Some(v) = e.response.header(h) else {
                continue;
            };
            if !re.is_match(v) || seen.iter().any(|(k, x)| k == h && x == v) {
                continue;
            }
            seen.push(((*h).to_owned(), v.to_owned()));
            let (method, path) = super::route_for(p, e);
            out.push(
                Finding::new(
                    &SC222,
                    format!("the `{h}` header discloses software versions: {v}"),
                )
                .on_route(&method, &path)
                .with_key(format!("{h}: {v}"))
                .with_http(p.evidence(e, &format!("{h}: {v}"), &[])),
            );
        }
    }
    out
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::Passive(check)];
