//! `SC240` cleartext-transport: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use spillcheck_core::Finding;
use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};
use url::Url;

use crate::engine::is_loopback_host;
use crate::probe::Probe;

declare_rule! {
    /// ## What it finds
    /// The API target is reached over `http://` on a non-loopback host and does not redirect to HTTPS, so Bearer tokens travel in clear text.
    ///
    /// ## Why it matters
    /// Anyone on the network path reads every token.
    ///
    /// ## Example
    /// ```http
    /// GET http://api.example.com/api/notes HTTP/1.1
    /// Authorization: Bearer …
    ///
    /// HTTP/1.1 200 OK
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed, judged once for the whole target from the answer to the probe's first request (`GET /`): the base URL is `http://`, its host is not loopback (`localhost`, `*.localhost`, `127.x`, `::1`), and that answer did not redirect to an `https://` URL. Traffic that never leaves the machine is not reported; private-network addresses (`10.x`, `192.168.x`, a container's name) are. It is reported whether or not a token was given, and an HTTP listener that redirects `/` to HTTPS but still answers other paths in clear text is not caught.
    ///
    /// ## Fix
    /// Terminate TLS in front of the app and close plain HTTP for the API. Do not redirect API
    /// calls from HTTP to HTTPS: by the time the redirect answers, the client has already sent
    /// its token in clear, and clients that follow it keep working while leaking (OWASP ASVS
    /// 5.0 V4.1.2); a redirect is for browsers' pages only.
    pub static SC240 = {
        id: "SC240",
        slug: "cleartext-transport",
        title: "Token sent over cleartext HTTP",
        severity: Severity::High,
        confidence: Confidence::Confirmed,
        cwe: &[319, 523],
        owasp: &[OwaspApi::Api8],
        fix: "Serve the API over HTTPS only and refuse plain HTTP (no redirect for API calls: the token has already crossed in clear); never accept a Bearer token over HTTP.",
    }
}

/// Whether a target is reached in cleartext: plain HTTP to a host that is not loopback
/// (traffic that never leaves the machine is not exposed) with no redirect to HTTPS.
pub(crate) fn cleartext(base: &Url, redirects_to_https: bool) -> bool {
    base.scheme() == "http"
        && !is_loopback_host(base.host_str().unwrap_or(""))
        && !redirects_to_https
}

/// Judges the target from the first request the probe sent (`GET /`).
pub(crate) fn check(p: &Probe) -> Vec<Finding> {
    let exchanges = p.engine.exchanges();
    let Some(first) = exchanges.first() else {
        return Vec::new();
    };
    let to_https = first
        .response
        .redirects
        .iter()
        .any(|(_, l)| l.contains("https://"));
    if !cleartext(&p.base, to_https) {
        return Vec::new();
    }
    vec![
        Finding::new(
            &SC240,
            format!(
                "{} is served over plain HTTP: Bearer tokens cross the network in cleartext",
                p.base.origin().ascii_serialization()
            ),
        )
        .on_route("*", "*")
        .with_http(p.evidence(first, "http:// target, no redirect to https://", &[])),
    ]
}


/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::active(crate::rules::Stage::Transport, |p| Box::pin(async move { check(p) }))];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_remote_plain_http_without_upgrade() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(cleartext(&u("http://api.example.com/"), false));
        assert!(!cleartext(&u("http://api.example.com/"), true));
        assert!(!cleartext(&u("https://api.example.com/"), false));
        assert!(!cleartext(&u("http://127.0.0.1:5000/"), false));
        assert!(!cleartext(&u("http://localhost:5000/"), false));
    }
}
