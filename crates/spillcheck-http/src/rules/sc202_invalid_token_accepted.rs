//! `SC202` invalid-token-accepted: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use spillcheck_core::Finding;
use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

use crate::auth::malformed;
use crate::probe::Probe;
use crate::rules::accepted_on_protected;

declare_rule! {
    /// ## What it finds
    /// The API answered with data to a token that is not valid: its signature stripped or tampered with, signed by another key, or garbage after `Bearer`.
    ///
    /// ## Why it matters
    /// A forged token is as good as a real one: anyone can impersonate any user.
    ///
    /// ## Example
    /// ```http
    /// GET /api/me HTTP/1.1
    /// Authorization: Bearer eyJhbG…(signature replaced)
    ///
    /// HTTP/1.1 200 OK
    /// ```
    ///
    /// ## Fix
    /// Decode with the key and an algorithm allow-list, and treat every decoding error as 401.
    pub static SC202 = {
        id: "SC202",
        slug: "invalid-token-accepted",
        title: "Invalid token accepted",
        severity: Severity::Critical,
        confidence: Confidence::Confirmed,
        cwe: &[287, 347],
        owasp: &[OwaspApi::Api2],
        fix: "Verify the signature of every token with the server's key and reject tokens whose signature does not match.",
    }
}

/// Malformed credentials (empty or garbage Bearer, other schemes) and a copy of A's token
/// with a tampered signature, each tried on protected operations: every one accepted is
/// a finding.
pub(crate) async fn probe(p: &Probe) -> Vec<Finding> {
    if !p.enabled("SC202") || p.user.is_none() {
        return Vec::new();
    }
    let mut fakes: Vec<(String, Option<(String, String)>)> = malformed(&p.placement)
        .into_iter()
        .map(|f| (f.label.to_owned(), f.header))
        .collect();
    if let Some(t) = p
        .user
        .as_ref()
        .and_then(|u| spillcheck_tokens::jwt::tampered_signature(&u.token()))
    {
        p.forged(&t);
        fakes.push((
            "forged: tampered signature".into(),
            Some(p.placement.header(&t)),
        ));
    }
    for (_, header) in &fakes {
        if let Some((_, value)) = header
            && let Some(cred) = value.split_whitespace().nth(1)
        {
            p.forged(cred);
        }
    }
    let mut out = Vec::new();
    for (label, header) in fakes {
        if let Some((ex, pr)) = accepted_on_protected(p, &label, header, None).await {
            let others: Vec<&crate::engine::Exchange> = pr.anon.iter().map(AsRef::as_ref).collect();
            out.push(
                Finding::new(
                    &SC202,
                    format!(
                        "{} {} accepted an invalid credential ({label})",
                        pr.op.method, pr.op.path
                    ),
                )
                .on_route(&pr.op.method, &pr.op.path)
                .with_key(label.clone())
                .with_http(p.evidence(
                    &ex,
                    &format!(
                        "{label}: answered {} where an anonymous request gets {}",
                        ex.response.status,
                        pr.anon.as_ref().map_or(0, |a| a.response.status)
                    ),
                    &others,
                )),
            );
        }
    }
    out
}
