//! `SC205` token-accepted-in-query: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use spillcheck_core::Finding;
use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

use crate::probe::Probe;
use crate::rules::accepted_on_protected;

declare_rule! {
    /// ## What it finds
    /// The API answered with data when the token was sent in the query string (`?access_token=`, `?token=`, `?jwt=`, `?api_key=`, `?auth=`, `?bearer=`) instead of in the `Authorization` header.
    ///
    /// ## Why it matters
    /// Tokens in URLs are written to access logs, proxies, browser history and `Referer` headers.
    ///
    /// ## Example
    /// ```http
    /// GET /api/notes?access_token=eyJhbG… HTTP/1.1
    ///
    /// HTTP/1.1 200 OK
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed: user A's token goes in the query string with no credential header, first under all six names at once (`access_token`, `token`, `jwt`, `api_key`, `auth`, `bearer`), then, when that is accepted, under each name alone; the first name accepted alone by one of up to three GET operations that A reads and anonymous callers are refused is the one finding. Accepted means a 2xx that is neither the site's not-found answer nor a refusal (401/403, a redirect to a login page or a login form, a 2xx saying it failed); the answer is not compared with A's data. Not reported when only the combination of names is accepted and no single name is; not tested without A's token or without such a protected operation.
    ///
    /// ## Fix
    /// Remove the query-string fallback from the token extraction.
    pub static SC205 = {
        id: "SC205",
        slug: "token-accepted-in-query",
        title: "Token accepted in the query string",
        severity: Severity::Medium,
        confidence: Confidence::Confirmed,
        cwe: &[598],
        owasp: &[OwaspApi::Api2],
        fix: "Accept tokens only in the `Authorization` header.",
        confirms: &["SC106"],
    }
}

const NAMES: &[&str] = &["access_token", "token", "jwt", "api_key", "auth", "bearer"];

/// A's token in the query string (no header): first under every usual name at once, then,
/// when accepted, name by name to say which one.
pub(crate) async fn probe(p: &Probe) -> Vec<Finding> {
    let Some(user) = &p.user else {
        return Vec::new();
    };
    let token: String = url::form_urlencoded::byte_serialize(user.token().as_bytes()).collect();
    let all = NAMES
        .iter()
        .map(|n| format!("{n}={token}"))
        .collect::<Vec<_>>()
        .join("&");
    let label = "token in query string";
    if accepted_on_protected(p, label, None, Some(&all))
        .await
        .is_none()
    {
        return Vec::new();
    }
    for name in NAMES {
        if let Some((ex, pr)) =
            accepted_on_protected(p, label, None, Some(&format!("{name}={token}"))).await
        {
            return vec![
                Finding::new(
                    &SC205,
                    format!(
                        "{} {} accepts the token in the `{name}` query parameter",
                        pr.op.method, pr.op.path
                    ),
                )
                .on_route(&pr.op.method, &pr.op.path)
                .with_key((*name).to_owned())
                .with_http(p.evidence(
                    &ex,
                    &format!(
                        "no Authorization header, token in ?{name}=: answered {}",
                        ex.response.status
                    ),
                    &[],
                )),
            ];
        }
    }
    Vec::new()
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::active(crate::rules::Stage::Tokens, |p| Box::pin(probe(p)))];
