//! `SC205` token-accepted-in-query: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use spillcheck_core::Finding;
use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

use crate::probe::Probe;
use crate::rules::accepted_on_protected;

declare_rule! {
    /// ## What it finds
    /// The API answered with data when the token was sent in the query string (`?access_token=`, `?token=`, `?jwt=`, `?api_key=`, `?auth=`, `?bearer=`) instead of in the `Authorization` header, or a URL with the token in its path (`GET /{project_id}/join/{token}`, an invitation link) logged a client in.
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
    /// Confirmed: user A's token goes in the query string with no credential header, first under all seven names at once (`access_token`, `token`, `jwt`, `api_key`, `auth`, `bearer`, and Flask-Security's `auth_token`), then, when that is accepted, under each name alone; the first name accepted alone by one of up to three GET operations that A reads and anonymous callers are refused (and up to three more of them that are opened as links outside the app, a PDF, an export, a calendar feed, or that document a query parameter named for a credential) is the one finding. Accepted means a 2xx that is neither the site's not-found answer nor a refusal (401/403, a redirect to a login page or a login form, a 2xx saying it failed); the answer is not compared with A's data. Not reported when only the combination of names is accepted and no single name is; not tested without A's token or without such a protected operation. In the path: GET operations with a path parameter named for a token (`{token}`, `{auth_token}`, `{jwt}`), A's own values in the others, A's token in its place and no header; reported when that answer is a 2xx that is no refusal, a token that is not A's does not land on the same page, and the page A's link landed on (redirects followed with the cookies they set, as a browser does) is refused to an anonymous caller. Links meant to carry their own one-time token (a password reset, a share link) do not take the API's token and are not reported.
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

const NAMES: &[&str] = &[
    "access_token",
    "token",
    "jwt",
    "api_key",
    "auth",
    "bearer",
    // Flask-Security's `SECURITY_TOKEN_AUTHENTICATION_KEY` default.
    "auth_token",
];

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

/// Whether a path parameter is named for a token (`{token}`, `{auth_token}`, `{jwt}`).
fn names_token(name: &str) -> bool {
    let n = spillcheck_core::vocab::normalize(name);
    n.contains("token") || n == "jwt"
}

/// A's token in the URL path: operations whose path takes a token (`GET
/// /{project_id}/join/{token}`, an invitation link that logs a browser in), sent with no
/// credential header, A's own values in the other parameters and A's token in the token's
/// place, then with a token that is not A's. Accepted when A's token gets a 2xx that is
/// no refusal and the wrong one does not get the same place, and what A's link opened is
/// closed to an anonymous caller (a redirect to the login or a refusal): the URL itself
/// logs in. At most three operations.
async fn in_path(p: &Probe) -> Vec<Finding> {
    let Some(user) = &p.user else {
        return Vec::new();
    };
    let token = user.token();
    let label = "token in URL path";
    let ops = p.ops.iter().filter(|pr| {
        pr.op.method == "GET" && pr.op.path_params().any(|x| names_token(&x.name))
    });
    for pr in ops.take(3) {
        let Some(index) = pr
            .op
            .path
            .split('/')
            .position(|seg| seg.strip_prefix('{').and_then(|x| x.strip_suffix('}')).is_some_and(names_token))
        else {
            continue;
        };
        let half: String = token.chars().take(token.chars().count() / 2).collect();
        let wrong = format!("{half}x{}", crate::probe::random_name());
        let (Some(with_a), Some(with_wrong)) = (
            crate::discovery::with_segment(&pr.op.path, &pr.path, index, &token),
            crate::discovery::with_segment(&pr.op.path, &pr.path, index, &wrong),
        ) else {
            continue;
        };
        let Ok(x) = p.anon(p.request(label, reqwest::Method::GET, &with_a)).await else {
            continue;
        };
        let Ok(c) = p.anon(p.request(label, reqwest::Method::GET, &with_wrong)).await else {
            continue;
        };
        let opened = |r: &crate::engine::Response| {
            r.ok()
                && !crate::inspect::login_wall(r)
                && !crate::inspect::refused(r, None)
                && !p.not_found.matches(r)
        };
        if !opened(&x.response) || opened(&c.response) && c.response.url == x.response.url {
            continue;
        }
        // What A's link opened, asked for anonymously: closed to a caller without it.
        let landed = x.response.url.path().to_owned();
        let Ok(anon) = p.anon(p.request("anonymous", reqwest::Method::GET, &landed)).await else {
            continue;
        };
        if opened(&anon.response) && anon.response.url == x.response.url {
            continue;
        }
        let name = pr.op.path.split('/').nth(index).unwrap_or("{token}").to_owned();
        return vec![
            Finding::new(
                &SC205,
                format!(
                    "{} {} accepts user A's token in the URL path ({name}): the link itself logs in",
                    pr.op.method, pr.op.path
                ),
            )
            .on_route(&pr.op.method, &pr.op.path)
            .with_key(format!("path:{name}"))
            .with_http(p.evidence(
                &x,
                &format!(
                    "no Authorization header, A's token in the path: answered {} at {landed}, which an anonymous caller is refused; a wrong token is not let in",
                    x.response.status
                ),
                &[&anon],
            )),
        ];
    }
    Vec::new()
}

/// The query string, then the URL path.
async fn probe_all(p: &Probe) -> Vec<Finding> {
    let mut out = probe(p).await;
    out.extend(in_path(p).await);
    out
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::active(crate::rules::Stage::Tokens, |p| Box::pin(probe_all(p)))];
