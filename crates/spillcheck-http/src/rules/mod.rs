//! The api rules (SC2xx): one file per rule, holding its metadata, docs and check.

use spillcheck_core::RuleMeta;

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
];
