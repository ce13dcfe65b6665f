//! `SC243` cors-misconfiguration: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use reqwest::Method;
use spillcheck_core::Finding;
use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

use crate::engine::Response;
use crate::probe::Probe;

declare_rule! {
    /// ## What it finds
    /// The API reflects an arbitrary `Origin` in `Access-Control-Allow-Origin` (or answers `*`) together with `Access-Control-Allow-Credentials: true`.
    ///
    /// ## Why it matters
    /// Any web page can read authenticated responses from the user's browser.
    ///
    /// ## Example
    /// ```http
    /// GET /api/me HTTP/1.1
    /// Origin: https://evil.example
    ///
    /// Access-Control-Allow-Origin: https://evil.example
    /// Access-Control-Allow-Credentials: true
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed, with a severity that follows what was allowed: high when an arbitrary `Origin` (`https://spillcheck-origin.example`, then `null`) is echoed together with `Access-Control-Allow-Credentials: true`, medium for `*` with credentials. The origins are tried on one operation (the first GET that user A reads and anonymous callers are refused, else `/`), as a simple request with A's token when there is one and as an anonymous preflight; the first answer that qualifies is the one finding. Not reported: `*` without credentials, and an echo of the foreign origin without credentials, which grants exactly what `*` does (a browser sends no cookie with such a request, and a Bearer token is only sent by the page that holds it: an API that answers any page without credentials is public to it by design), an allow-list that does not echo the foreign origin, and no CORS headers. Browsers refuse to expose a credentialed answer under `*`, so the medium finding is a misconfiguration rather than a readable leak. When the scan was given no user and no login it sent set a cookie (an API without accounts, such as an echo service), the same answer is reported low and `possible` (hidden at the default confidence): there is no logged-in user's data to read.
    ///
    /// ## Fix
    /// Configure an origin allow-list.
    pub static SC243 = {
        id: "SC243",
        slug: "cors-misconfiguration",
        title: "CORS allows arbitrary origins with credentials",
        severity: Severity::High,
        confidence: Confidence::Confirmed,
        cwe: &[942],
        owasp: &[OwaspApi::Api8],
        fix: "Allow only known origins; never reflect the `Origin` header together with `Access-Control-Allow-Credentials: true`.",
        confirms: &["SC161"],
    }
}

const ORIGIN: &str = "https://spillcheck-origin.example";

/// What a CORS answer allows an arbitrary origin (or `null`) to do.
pub(crate) fn judge(r: &Response, sent_origin: &str) -> Option<(Severity, String)> {
    let acao = r.header("access-control-allow-origin")?.trim();
    let creds = r
        .header("access-control-allow-credentials")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    if acao == sent_origin && creds {
        Some((
            Severity::High,
            format!(
                "reflects any Origin ({sent_origin}) with Access-Control-Allow-Credentials: true: any web site can read a logged-in user's data"
            ),
        ))
    } else if acao == "*" && creds {
        Some((Severity::Medium, "answers `Access-Control-Allow-Origin: *` together with `Access-Control-Allow-Credentials: true`".into()))
    } else {
        None
    }
}

/// Whether the API has accounts whose credentials a browser could send by itself, which
/// `Access-Control-Allow-Credentials` lets a foreign page use: the scan was given users,
/// or a login it sent set a cookie. An API without accounts (an echo service) has none.
fn has_accounts(p: &Probe) -> bool {
    p.user.is_some()
        || p.engine.exchanges().iter().any(|e| {
            e.request.login
                && e.response
                    .headers
                    .iter()
                    .any(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        })
}

/// A simple request and a preflight from a foreign origin (and from `null`) on an
/// authenticated operation.
pub(crate) async fn probe(p: &Probe) -> Vec<Finding> {
    let target = p.protected_reads(1).first().map_or_else(
        || ("GET".to_owned(), "/".to_owned(), "/".to_owned()),
        |pr| (pr.op.method.clone(), pr.op.path.clone(), pr.path.clone()),
    );
    let (method, route, path) = target;
    for origin in [ORIGIN, "null"] {
        let req = p
            .request("user A", Method::GET, &path)
            .header("Origin", origin);
        let simple = match &p.user {
            Some(u) => p.send_as(u, req).await,
            None => p.anon(req).await,
        };
        let preflight = p
            .anon(
                p.request("anonymous", Method::OPTIONS, &path)
                    .header("Origin", origin)
                    .header("Access-Control-Request-Method", "GET")
                    .header("Access-Control-Request-Headers", "authorization"),
            )
            .await;
        for ex in [simple, preflight].into_iter().flatten() {
            if let Some((severity, what)) = judge(&ex.response, origin) {
                let (severity, confidence, what) = if has_accounts(p) {
                    (severity, Confidence::Confirmed, what)
                } else {
                    (
                        Severity::Low,
                        Confidence::Possible,
                        format!(
                            "{what} — latent: the scan had no account and no login set a cookie, so there is no logged-in user's data for a foreign page to read"
                        ),
                    )
                };
                return vec![
                    Finding::new(&SC243, format!("CORS {what}"))
                        .on_route(&method, &route)
                        .with_severity(severity)
                        .with_confidence(confidence)
                        .with_http(p.evidence(&ex, &format!(
                            "Origin: {origin} → Access-Control-Allow-Origin: {}, Access-Control-Allow-Credentials: {}",
                            ex.response.header("access-control-allow-origin").unwrap_or(""),
                            ex.response.header("access-control-allow-credentials").unwrap_or("(absent)")
                        ), &[])),
                ];
            }
        }
    }
    Vec::new()
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::active(crate::rules::Stage::Surface, |p| Box::pin(probe(p)))];

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(acao: &str, creds: Option<&str>) -> Response {
        let mut r = Response::for_tests(200, "{}");
        r.headers
            .push(("access-control-allow-origin".into(), acao.into()));
        if let Some(c) = creds {
            r.headers
                .push(("access-control-allow-credentials".into(), c.into()));
        }
        r
    }

    #[test]
    fn only_credentialed_access_is_reported() {
        let h = judge(&answer(ORIGIN, Some("true")), ORIGIN).unwrap();
        assert_eq!(h.0, Severity::High);
        assert_eq!(judge(&answer("*", Some("true")), ORIGIN).unwrap().0, Severity::Medium);
        // Without credentials an echo grants what `*` does: nothing more than public.
        assert!(judge(&answer(ORIGIN, None), ORIGIN).is_none());
        assert!(judge(&answer("*", None), ORIGIN).is_none());
        assert!(judge(&answer("https://app.example", Some("true")), ORIGIN).is_none());
    }
}
