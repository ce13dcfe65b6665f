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
    /// ## Known false positives and how confidence is decided
    /// Confirmed: each fake credential is sent alone, where the API expects its token, to up to three GET operations that user A reads and anonymous callers are refused (the simplest first), and it counts as accepted on a 2xx that is neither the site's not-found answer nor a refusal (401/403, a redirect to a login page or a login form, a 2xx saying it failed). The tampered signature, the stripped one and user B's signature on A's claims share one cause and make one finding, the other variants in its notes; each malformed credential (an empty or garbage token and, with the default `Bearer` placement, the `Token` and `Basic` schemes) and the HS256 copy signed with the target's published RSA key are findings of their own. Not tested without A's token or without such a protected operation; the forged copies need A's token to be a JWT, the borrowed signature a JWT of user B's too, and the algorithm confusion an RS/PS-signed token and a JWKS served by the target. A session cookie that a web login set (`--user` on an app whose login answers no token) and that is plain JSON or base64 of JSON, signed by nothing, is sent edited to name user B instead of A; accepted as B's (the answer names B where A's own did not, or drops A's name), it is a finding of its own: anyone can be anyone by editing a cookie. The answer is not compared with A's data: an API that gives a bad credential an empty or guest 2xx where it refuses a request without one is reported too, and the evidence shows that answer beside the anonymous one.
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
        confirms: &["SC103", "SC104"],
    }
}

/// The label of user A's unsigned session cookie edited to name user B.
const UNSIGNED: &str = "forged: A's unsigned session cookie edited to name user B";

/// Malformed credentials (empty or garbage Bearer, other schemes) and a copy of A's token
/// with a tampered signature, each tried on protected operations: every one accepted is
/// a finding.
pub(crate) async fn probe(p: &Probe) -> Vec<Finding> {
    if p.user.is_none() {
        return Vec::new();
    }
    let mut fakes: Vec<(String, Option<(String, String)>)> = malformed(&p.placement)
        .into_iter()
        .map(|f| (f.label.to_owned(), f.header))
        .collect();
    if let Some(user) = &p.user {
        let token = user.token();
        let other = p
            .user_b
            .as_ref()
            .map(crate::auth::Identity::token)
            .unwrap_or_default();
        let forged = [
            (
                "forged: tampered signature",
                spillcheck_tokens::jwt::tampered_signature(&token),
            ),
            (
                "forged: signature stripped",
                spillcheck_tokens::jwt::stripped_signature(&token),
            ),
            (
                "forged: another token's signature",
                spillcheck_tokens::jwt::foreign_signature(&token, &other),
            ),
        ];
        // A session cookie that only encodes who the visitor is, signed by nothing: the
        // same cookie naming user B.
        let unsigned = if p.session_login
            && let (Some(a), Some(b)) = (p.own.names.first(), p.own_b.names.first())
        {
            spillcheck_tokens::signed::forge_unsigned(&token, a, b)
        } else {
            None
        };
        for (label, t) in forged.into_iter().chain([(UNSIGNED, unsigned)]) {
            if let Some(t) = t {
                p.forged(&t);
                fakes.push((label.into(), Some(p.placement.header(&t))));
            }
        }
        // RS/PS-signed: HS256 copies signed with the published public key.
        let alg = spillcheck_tokens::jwt::Jwt::decode(&token)
            .map(|j| j.alg().to_owned())
            .unwrap_or_default();
        if alg.starts_with("RS") || alg.starts_with("PS") {
            let keys = crate::jwks::rsa_keys(p).await;
            for t in crate::jwks::confused(&token, &keys) {
                p.forged(&t);
                fakes.push((
                    "algorithm confusion: HS256 signed with the published RSA public key".into(),
                    Some(p.placement.header(&t)),
                ));
            }
        }
    }
    for (_, header) in &fakes {
        if let Some((_, value)) = header
            && let Some(cred) = value.split_whitespace().nth(1)
        {
            p.forged(cred);
        }
    }
    let mut out: Vec<Finding> = Vec::new();
    for (label, header) in fakes {
        let Some((ex, pr)) = accepted_on_protected(p, &label, header, None).await else {
            continue;
        };
        // The edited session must be taken for B's: the page names B where A's own copy
        // did not, or drops A's name that A's copy showed.
        if label == UNSIGNED && !answered_as_b(p, &ex.response, pr) {
            continue;
        }
        // Forged signatures accepted have one cause (the signature is not verified): one
        // finding, the variants in its notes. Each malformed credential is its own.
        let key = if label.starts_with("forged:") && label != UNSIGNED {
            "forged signature"
        } else {
            label.as_str()
        };
        if let Some(f) = out.iter_mut().find(|f| f.key.as_deref() == Some(key)) {
            f.notes.push(format!("also accepted: {label}"));
            continue;
        }
        let others: Vec<&crate::engine::Exchange> = pr.anon.iter().map(AsRef::as_ref).collect();
        let what = format!(
            "{label}: answered {} where an anonymous request gets {}",
            ex.response.status,
            pr.anon.as_ref().map_or(0, |a| a.response.status)
        );
        out.push(
            Finding::new(
                &SC202,
                format!(
                    "{} {} accepted an invalid credential ({label})",
                    pr.op.method, pr.op.path
                ),
            )
            .on_route(&pr.op.method, &pr.op.path)
            .with_key(key)
            .with_http(p.evidence(&ex, &what, &others)),
        );
    }
    out
}

/// Whether an answer to A's session edited to name B is B's: B's login name shows where
/// A's own answer to the same read did not show it, or A's name is gone where it showed.
fn answered_as_b(p: &Probe, forged: &crate::engine::Response, pr: &crate::probe::Probed) -> bool {
    let (Some(a), Some(b)) = (p.own.names.first(), p.own_b.names.first()) else {
        return false;
    };
    let Some(own) = pr.user.as_ref().map(|u| u.response.text().into_owned()) else {
        return false;
    };
    let text = forged.text();
    text != own
        && (text.contains(b.as_str()) && !own.contains(b.as_str())
            || own.contains(a.as_str()) && !text.contains(a.as_str()))
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::active(crate::rules::Stage::Tokens, |p| Box::pin(probe(p)))];
