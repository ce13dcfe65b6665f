//! `SC206` scope-not-enforced: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use reqwest::Method;
use serde_json::Value;
use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};
use spillcheck_core::{DiagnosticLevel, Finding};

use crate::discovery::Security;
use crate::inspect;
use crate::probe::Probe;
use crate::rules::sc201_endpoint_without_auth::carries_data;

declare_rule! {
    /// ## What it finds
    /// An operation whose documentation (OpenAPI `security` scopes) or code requires a scope answered with data to a token that lacks it (`--token-limited`).
    ///
    /// ## Why it matters
    /// Scopes are how a read-only integration is kept from writing; unenforced, every token is all-powerful.
    ///
    /// ## Example
    /// ```http
    /// GET /api/admin/stats HTTP/1.1
    /// Authorization: Bearer <token with scope notes:read>
    ///
    /// HTTP/1.1 200 OK
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed: the limited token (`--token-limited` or `--limited-user`) got a 2xx that is not the site's not-found answer on a GET operation whose OpenAPI `security` names a scope missing from the token's `scope`, `scp`, `scopes` or `permissions` claim, and that answer is at least 60% like user A's or carries data (emails, secrets, personal fields, records with ids). Scopes are read only from the OpenAPI document: operations found in the code carry none and are never tested here. Not reported: operations that answered an anonymous request with any 2xx (SC201's concern), writes, operations whose documented scopes the token holds, and a refusal sent as a 2xx without data (`{"error": "insufficient_scope"}`), which is neither like A's answer nor data. Nothing is tested, and a warning says why, when the limited token is not a JWT with one of those claims.
    ///
    /// ## Fix
    /// Decorate the operation with a scope check (`@require_scope("notes:write")`).
    pub static SC206 = {
        id: "SC206",
        slug: "scope-not-enforced",
        title: "Scope not enforced",
        severity: Severity::High,
        confidence: Confidence::Confirmed,
        cwe: &[285],
        owasp: &[OwaspApi::Api5],
        fix: "Check the token's scopes in every operation that documents a required scope.",
    }
}

/// The scopes a JWT grants (`scope`/`scp` as a space-separated string or a list, `scopes`).
fn granted(token: &str) -> Option<Vec<String>> {
    let jwt = spillcheck_tokens::jwt::Jwt::decode(token).ok()?;
    let claim = ["scope", "scp", "scopes", "permissions"]
        .iter()
        .find_map(|k| jwt.claims.get(*k))?;
    Some(match claim {
        Value::String(s) => s.split_whitespace().map(str::to_owned).collect(),
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => return None,
    })
}

/// Operations documented to need a scope the limited token lacks, answered to it with
/// the data user A gets.
pub(crate) async fn probe(p: &Probe) -> Vec<Finding> {
    let Some(limited) = &p.limited else {
        return Vec::new();
    };
    let Some(scopes) = granted(&limited.token()) else {
        p.diagnose(
            DiagnosticLevel::Warning,
            "SC206 not checked: the limited token is not a JWT with a scope claim",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for pr in &p.ops {
        let Security::Required(needed) = &pr.op.security else {
            continue;
        };
        let missing: Vec<&String> = needed.iter().filter(|s| !scopes.contains(s)).collect();
        if missing.is_empty() || pr.op.method != "GET" {
            continue;
        }
        if pr.anon.as_ref().is_some_and(|x| x.response.ok()) {
            continue; // anyone gets it: SC201's business
        }
        let Ok(lx) = p
            .send_as(limited, p.request("limited token", Method::GET, &pr.path))
            .await
        else {
            continue;
        };
        if !lx.response.ok() || p.not_found.matches(&lx.response) {
            continue;
        }
        let like_a = pr.user.as_ref().is_some_and(|a| {
            a.response.ok() && inspect::similarity(&a.response, &lx.response) >= 0.6
        });
        if !like_a && !carries_data(&lx.response, false) {
            continue;
        }
        let list = missing
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let why = format!("a token without `{list}` got {}", lx.response.status);
        let others: Vec<&crate::engine::Exchange> = pr.user.iter().map(AsRef::as_ref).collect();
        out.push(
            Finding::new(
                &SC206,
                format!(
                    "{} {} is documented to need `{list}`, but {why}",
                    pr.op.method, pr.op.path
                ),
            )
            .on_route(&pr.op.method, &pr.op.path)
            .with_http(p.evidence(&lx, &why, &others)),
        );
    }
    out
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::active(crate::rules::Stage::Objects, |p| Box::pin(probe(p)))];
