//! The api rules (SC2xx): one file per rule, holding its metadata, docs and check.
//! Active rules send their own requests (`probe`); passive ones read the exchanges
//! every phase kept (`check`).

use std::sync::Arc;

use futures_util::future::join_all;
use reqwest::Method;
use spillcheck_core::{Finding, RuleMeta};

use crate::engine::{Exchange, Request};
use crate::probe::{Probe, Probed};

pub mod sc201_endpoint_without_auth;
pub mod sc202_invalid_token_accepted;
pub mod sc203_none_alg_token_accepted;
pub mod sc204_expired_token_accepted;
pub mod sc205_token_accepted_in_query;
pub mod sc206_scope_not_enforced;
pub mod sc210_cross_user_object_access;
pub mod sc211_enumerable_object_ids;
pub mod sc212_function_level_authorization_bypass;
pub mod sc213_mass_assignment;
pub mod sc220_stack_trace_in_response;
pub mod sc221_debugger_console_exposed;
pub mod sc222_version_banner_disclosed;
pub mod sc230_sensitive_field_in_response;
pub mod sc231_other_users_pii_in_response;
pub mod sc232_token_reflected_in_response;
pub mod sc240_cleartext_transport;
pub mod sc241_missing_hsts;
pub mod sc242_cacheable_authenticated_response;
pub mod sc243_cors_misconfiguration;
pub mod sc250_exposed_sensitive_file;
pub mod sc260_user_enumeration;
pub mod sc261_no_rate_limit_on_login;
pub mod sc270_undocumented_endpoint;
pub mod sc271_documented_endpoint_gone;
pub mod sc272_auth_declaration_mismatch;
pub mod sc273_old_api_version_live;
pub mod sc274_deprecated_operation_served;

/// Every rule of this crate, in id order.
pub static RULES: &[&RuleMeta] = &[
    &sc201_endpoint_without_auth::SC201,
    &sc202_invalid_token_accepted::SC202,
    &sc203_none_alg_token_accepted::SC203,
    &sc204_expired_token_accepted::SC204,
    &sc205_token_accepted_in_query::SC205,
    &sc206_scope_not_enforced::SC206,
    &sc210_cross_user_object_access::SC210,
    &sc211_enumerable_object_ids::SC211,
    &sc212_function_level_authorization_bypass::SC212,
    &sc213_mass_assignment::SC213,
    &sc220_stack_trace_in_response::SC220,
    &sc221_debugger_console_exposed::SC221,
    &sc222_version_banner_disclosed::SC222,
    &sc230_sensitive_field_in_response::SC230,
    &sc231_other_users_pii_in_response::SC231,
    &sc232_token_reflected_in_response::SC232,
    &sc240_cleartext_transport::SC240,
    &sc241_missing_hsts::SC241,
    &sc242_cacheable_authenticated_response::SC242,
    &sc243_cors_misconfiguration::SC243,
    &sc250_exposed_sensitive_file::SC250,
    &sc260_user_enumeration::SC260,
    &sc261_no_rate_limit_on_login::SC261,
    &sc270_undocumented_endpoint::SC270,
    &sc271_documented_endpoint_gone::SC271,
    &sc272_auth_declaration_mismatch::SC272,
    &sc273_old_api_version_live::SC273,
    &sc274_deprecated_operation_served::SC274,
];

/// Runs the active rules (each only when enabled), concurrently.
pub(crate) async fn active(p: &Probe) -> Vec<Finding> {
    let (tokens, forged_none, expired, in_query, traces) = tokio::join!(
        sc202_invalid_token_accepted::probe(p),
        sc203_none_alg_token_accepted::probe(p),
        sc204_expired_token_accepted::probe(p),
        sc205_token_accepted_in_query::probe(p),
        sc220_stack_trace_in_response::probe(p),
    );
    let (console, cors, files) = tokio::join!(
        sc221_debugger_console_exposed::probe(p),
        sc243_cors_misconfiguration::probe(p),
        sc250_exposed_sensitive_file::probe(p),
    );
    let mut transport = sc240_cleartext_transport::check(p);
    transport.extend(crate::impersonation::probe(p).await);
    let (cross_user, enumeration, function_level, scope) = tokio::join!(
        sc210_cross_user_object_access::probe(p),
        sc211_enumerable_object_ids::probe(p),
        sc212_function_level_authorization_bypass::probe(p),
        sc206_scope_not_enforced::probe(p),
    );
    // Writes on the scan's own accounts, then the login checks, last and alone: their
    // failed attempts must not race the others.
    let mass = sc213_mass_assignment::probe(p).await;
    let login = sc260_user_enumeration::probe(p).await;
    [
        tokens,
        forged_none,
        expired,
        in_query,
        traces,
        console,
        cors,
        files,
        transport,
        cross_user,
        enumeration,
        function_level,
        scope,
        mass,
        login,
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// A passive rule's check.
type PassiveCheck = fn(&Probe, &[Arc<Exchange>]) -> Vec<Finding>;

/// Runs the passive rules over every exchange.
pub(crate) fn passive(p: &Probe, exchanges: &[Arc<Exchange>]) -> Vec<Finding> {
    let checks: [(&str, PassiveCheck); 9] = [
        ("SC201", sc201_endpoint_without_auth::check),
        ("SC220", sc220_stack_trace_in_response::check),
        ("SC221", sc221_debugger_console_exposed::check),
        ("SC222", sc222_version_banner_disclosed::check),
        ("SC230", sc230_sensitive_field_in_response::check),
        ("SC231", sc231_other_users_pii_in_response::check),
        ("SC232", sc232_token_reflected_in_response::check),
        ("SC241", sc241_missing_hsts::check),
        ("SC242", sc242_cacheable_authenticated_response::check),
    ];
    checks
        .iter()
        .filter(|(id, _)| p.enabled(id))
        .flat_map(|(_, check)| check(p, exchanges))
        .collect()
}

/// Tries a fake credential on up to three protected operations (A reads them, anonymous
/// callers are refused). Returns the first exchange the API accepted, with its operation.
pub(crate) async fn accepted_on_protected<'a>(
    p: &'a Probe,
    label: &str,
    header: Option<(String, String)>,
    query: Option<&str>,
) -> Option<(Arc<Exchange>, &'a Probed)> {
    for pr in p.protected_reads(3) {
        let mut path = pr.path.clone();
        if let Some(q) = query {
            path.push(if path.contains('?') { '&' } else { '?' });
            path.push_str(q);
        }
        let req = p.request(label, Method::GET, &path);
        let Ok(ex) = p.with_header(label, header.clone(), req).await else {
            continue;
        };
        if ex.response.ok()
            && !p.not_found.matches(&ex.response)
            && !crate::inspect::refused(&ex.response, pr.user.as_ref().map(|u| &u.response))
        {
            return Some((ex, pr));
        }
    }
    None
}

/// Sends many anonymous GETs concurrently (bounded by the engine).
pub(crate) async fn get_all(
    p: &Probe,
    actor: &str,
    paths: &[String],
) -> Vec<Option<Arc<Exchange>>> {
    join_all(
        paths
            .iter()
            .map(|path| async move { p.anon(Request::get(actor, p.url(path))).await.ok() }),
    )
    .await
}

/// The route of an exchange as `(method, path)` for a finding: the operation's template
/// when the exchange was sent for one, else the request's own path.
pub(crate) fn route_for(p: &Probe, e: &Exchange) -> (String, String) {
    p.route_of(e).map_or_else(
        || {
            (
                e.request.method.to_string(),
                e.request.url.path().to_owned(),
            )
        },
        |(m, path)| (m.to_owned(), path.to_owned()),
    )
}
