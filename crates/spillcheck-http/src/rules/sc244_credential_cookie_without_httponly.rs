//! `SC244` credential-cookie-without-httponly: the rule's metadata, documentation and
//! check.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`, `spillcheck scan`).

use std::sync::Arc;

use spillcheck_core::{Confidence, Finding, OwaspApi, Severity, declare_rule};

use crate::engine::Exchange;
use crate::probe::Probe;
use crate::rules::Check;

declare_rule! {
    /// ## What it finds
    /// An answer of the running API that sets a cookie holding a credential (a token, a JWT, a
    /// session id, by the cookie's name) without the `HttpOnly` attribute: `Set-Cookie:
    /// access_token=eyJ…; Path=/; Secure`.
    ///
    /// ## Why it matters
    /// Without `HttpOnly`, `document.cookie` shows the credential to every script in the page:
    /// one cross-site scripting flaw or compromised script sends it away, and the attacker calls
    /// the API as the user (CWE-1004).
    ///
    /// ## Example
    /// ```http
    /// HTTP/1.1 200 OK
    /// Set-Cookie: access_token=eyJhbGciOiJIUzI1NiJ9...; Path=/; Secure
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// CSRF cookies (`csrf_token`, `XSRF-TOKEN`) are meant to be read by the page and are never
    /// reported; neither is a cookie being cleared (an empty value). The cookie's value is never
    /// shown. One finding per cookie name. With `--source`, the `set_cookie` call that SC112
    /// reports is joined to it (confirmed).
    ///
    /// ## Fix
    /// ```python
    /// resp.set_cookie("access_token", token, secure=True, httponly=True, samesite="Lax")
    /// ```
    pub static SC244 = {
        id: "SC244",
        slug: "credential-cookie-without-httponly",
        title: "Credential cookie served without HttpOnly",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[1004],
        owasp: &[OwaspApi::Api8],
        fix: "Set `HttpOnly` (and `Secure`, `SameSite`) on every cookie that carries a token or session id.",
        confirms: &["SC112"],
    }
}

/// Every `Set-Cookie` of every answer: credential cookies without `HttpOnly`, one finding
/// per cookie name.
fn check(p: &Probe, exchanges: &[Arc<Exchange>]) -> Vec<Finding> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for e in exchanges {
        for (header, raw) in &e.response.headers {
            if header != "set-cookie" {
                continue;
            }
            let mut parts = raw.split(';');
            let Some((name, value)) = parts.next().and_then(|kv| kv.split_once('=')) else {
                continue;
            };
            let (name, value) = (name.trim(), value.trim().trim_matches('"'));
            if value.is_empty()
                || !spillcheck_core::vocab::is_credential_cookie(name)
                || parts.any(|a| a.trim().eq_ignore_ascii_case("httponly"))
                || seen.iter().any(|s| s == name)
            {
                continue;
            }
            seen.push(name.to_owned());
            let (method, path) = super::route_for(p, e);
            out.push(
                Finding::new(
                    &SC244,
                    format!("{method} {path} sets the `{name}` cookie, a credential, without HttpOnly: any script in the page can read it"),
                )
                .on_route(&method, &path)
                .with_key(name.to_owned())
                .with_secret(value)
                .with_http(p.evidence(e, &format!("Set-Cookie: {name}=… (no HttpOnly)"), &[])),
            );
        }
    }
    out
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[Check] = &[Check::Passive(check)];
