//! `SC204` expired-token-accepted: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use spillcheck_core::Finding;
use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

use crate::probe::Probe;
use crate::rules::accepted_on_protected;
use spillcheck_core::DiagnosticLevel;

declare_rule! {
    /// ## What it finds
    /// The API answered with data to a token whose `exp` lies in the past (a copy of the user's token re-signed to have expired an hour ago, when the HMAC secret is known).
    ///
    /// ## Why it matters
    /// A token that never expires turns every leaked token (from a log, a proxy, a laptop) into permanent access.
    ///
    /// ## Example
    /// ```http
    /// GET /api/notes HTTP/1.1
    /// Authorization: Bearer eyJhbG…(exp one hour ago)
    ///
    /// HTTP/1.1 200 OK
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed: the expired copy is user A's own token with `exp` set an hour in the past (`iat` and `nbf`, when present, moved back with it) and signed again with the token's HMAC secret, so only the expiry differs, and a clock-skew leeway under an hour does not explain an acceptance. It is sent alone to up to three GET operations that A reads and anonymous callers are refused; the first 2xx that is neither the site's not-found answer nor a refusal (401/403, a redirect to a login page or a login form, a 2xx saying it failed) is the one finding. Not tested, with a warning, when A's token is a JWT whose secret is not among the built-in and published weak secrets (an RS- or ES-signed token included); not tested either without A's token, with a token that is not a JWT, or without such a protected operation.
    ///
    /// ## Fix
    /// Let the JWT library verify `exp` and do not catch `ExpiredSignatureError` into a success path.
    pub static SC204 = {
        id: "SC204",
        slug: "expired-token-accepted",
        title: "Expired token accepted",
        severity: Severity::High,
        confidence: Confidence::Confirmed,
        cwe: &[613],
        owasp: &[OwaspApi::Api2],
        fix: "Require and check `exp` on every token (`options={\"require\": [\"exp\"]}`) and keep access-token lifetimes short.",
    }
}

/// A correctly signed copy of A's token that expired an hour ago. Needs the token's HMAC
/// secret, which the probe has only when it is weak (found by the built-in list).
pub(crate) async fn probe(p: &Probe) -> Vec<Finding> {
    let Some(user) = &p.user else {
        return Vec::new();
    };
    if spillcheck_tokens::jwt::Jwt::decode(&user.token()).is_err() {
        return Vec::new();
    }
    let Some(secret) = &p.token_secret else {
        p.diagnose(
            DiagnosticLevel::Warning,
            "SC204 not checked: an expired copy of the token needs its signing secret, which is not a weak one",
        );
        return Vec::new();
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let Some(expired) = spillcheck_tokens::jwt::expired_copy(&user.token(), secret.as_bytes(), now)
    else {
        return Vec::new();
    };
    p.forged(&expired);
    let label = "forged: expired an hour ago";
    match accepted_on_protected(p, label, Some(p.placement.header(&expired)), None).await {
        Some((ex, pr)) => vec![
            Finding::new(
                &SC204,
                format!(
                    "{} {} accepted a token that expired an hour ago",
                    pr.op.method, pr.op.path
                ),
            )
            .on_route(&pr.op.method, &pr.op.path)
            .with_http(p.evidence(
                &ex,
                &format!("expired token answered {}", ex.response.status),
                &[],
            )),
        ],
        None => Vec::new(),
    }
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::active(crate::rules::Stage::Tokens, |p| Box::pin(probe(p)))];
