//! `SC203` none-alg-token-accepted: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use spillcheck_core::Finding;
use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

use crate::probe::Probe;
use crate::rules::accepted_on_protected;

declare_rule! {
    /// ## What it finds
    /// The API answered with data to a copy of the user's token re-encoded with `alg: none` (in any letter case) and an empty signature.
    ///
    /// ## Why it matters
    /// Anyone can forge a token for any user without knowing any key.
    ///
    /// ## Example
    /// ```http
    /// GET /api/me HTTP/1.1
    /// Authorization: Bearer eyJhbG…(alg none)
    ///
    /// HTTP/1.1 200 OK
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed: copies of user A's token with `alg` set to `none`, then `None`, `NONE` and `nOnE` (header reduced to `typ` and `kid`, claims untouched, empty signature) are sent alone to up to three GET operations that A reads and anonymous callers are refused, and the first 2xx that is neither the site's not-found answer nor a refusal (401/403, a redirect to a login page or a login form, a 2xx saying it failed) is the one finding. Not tested without A's token, when A's token is not a JWT, or when no such protected operation was found. The answer is not compared with A's: an API that answers the unsigned copy with an empty or guest 2xx where it refuses anonymous callers is reported too, and the evidence shows that answer.
    ///
    /// ## Fix
    /// `jwt.decode(token, key, algorithms=["HS256"])`.
    pub static SC203 = {
        id: "SC203",
        slug: "none-alg-token-accepted",
        title: "Unsigned `alg: none` token accepted",
        severity: Severity::Critical,
        confidence: Confidence::Confirmed,
        cwe: &[347],
        owasp: &[OwaspApi::Api2],
        fix: "Pass an explicit algorithm allow-list that does not contain `none` to the JWT library.",
        confirms: &["SC105"],
    }
}

/// A copy of A's token with `alg: none` (then `None`, `NONE`, `nOnE`) and no signature.
pub(crate) async fn probe(p: &Probe) -> Vec<Finding> {
    let Some(user) = &p.user else {
        return Vec::new();
    };
    for alg in ["none", "None", "NONE", "nOnE"] {
        let Some(forged) = spillcheck_tokens::jwt::alg_none(&user.token(), alg) else {
            return Vec::new();
        };
        p.forged(&forged);
        let label = format!("forged: alg={alg}");
        if let Some((ex, pr)) =
            accepted_on_protected(p, &label, Some(p.placement.header(&forged)), None).await
        {
            return vec![
                Finding::new(
                    &SC203,
                    format!(
                        "{} {} accepted an unsigned token (alg: {alg})",
                        pr.op.method, pr.op.path
                    ),
                )
                .on_route(&pr.op.method, &pr.op.path)
                .with_http(p.evidence(
                    &ex,
                    &format!(
                        "unsigned copy of user A's token answered {}",
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
