//! What a cracked HMAC secret is worth: a token minted for another user's subject,
//! accepted by the API (SC301, critical, with the exchange as evidence).

use reqwest::Method;
use spillcheck_core::{Confidence, Finding, Severity};
use spillcheck_tokens::rules::sc301_jwt_weak_hmac_secret::SC301;

use crate::inspect;
use crate::probe::{Probe, is_me_path};

/// Mints a token for B's subject (else the next numeric subject after A's) with the
/// secret found by the built-in list and asks a `/me`-like operation who that is.
pub(crate) async fn probe(p: &Probe) -> Vec<Finding> {
    let (Some(user), Some(secret)) = (&p.user, &p.token_secret) else {
        return Vec::new();
    };
    let target = p.own_b.ids.first().cloned().or_else(|| {
        p.own
            .ids
            .first()
            .and_then(|s| s.parse::<i64>().ok())
            .map(|n| (n + 1).to_string())
    });
    let Some(target) = target.filter(|t| !p.own.ids.contains(t)) else {
        return Vec::new();
    };
    let Some(forged) = spillcheck_tokens::jwt::impersonate(
        &user.token(),
        secret.as_bytes(),
        &target,
        p.own_b.emails.first().map(String::as_str),
    ) else {
        return Vec::new();
    };
    p.forged(&forged);
    let Some(pr) = p
        .ops
        .iter()
        .find(|pr| pr.op.method == "GET" && is_me_path(&pr.op.path) && pr.user_ok())
    else {
        return Vec::new();
    };
    let label = "forged: another user's token, signed with the cracked secret";
    let req = p.request(label, Method::GET, &pr.path);
    let Ok(ex) = p
        .with_header(label, Some(p.placement.header(&forged)), req)
        .await
    else {
        return Vec::new();
    };
    let Some(own) = pr.user.as_ref() else {
        return Vec::new();
    };
    let text = ex.response.text();
    let names_target = ex.response.json().is_some_and(|j| {
        ["id", "sub", "user_id"].iter().any(|k| {
            j.get(*k)
                .is_some_and(|v| crate::discovery::value_text(v) == target)
        })
    }) || p.own_b.emails.iter().any(|e| text.contains(e.as_str()));
    if !ex.response.ok()
        || inspect::similarity(&ex.response, &own.response) >= 0.95
        || !names_target
    {
        return Vec::new();
    }
    let why = format!(
        "a token for subject {target}, minted with the cracked secret, was answered as that user"
    );
    vec![
        Finding::new(
            &SC301,
            format!(
                "the token's HMAC secret `{}` is weak: {why} ({} {})",
                spillcheck_core::redact(secret),
                pr.op.method,
                pr.op.path
            ),
        )
        .with_severity(Severity::Critical)
        .with_confidence(Confidence::Confirmed)
        .with_key("impersonation")
        .with_secret(secret.clone())
        .on_route(&pr.op.method, &pr.op.path)
        .with_http(p.evidence(&ex, &why, &[own.as_ref()])),
    ]
}

/// How the probe runs it (for SC301).
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::active(
    crate::rules::Stage::Transport,
    |p| Box::pin(probe(p)),
)];
