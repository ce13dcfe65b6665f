//! The token and secret rules (SC3xx): one file per rule, holding its metadata, docs and check.

use spillcheck_core::RuleMeta;

pub mod sc301_jwt_weak_hmac_secret;
pub mod sc302_jwt_sensitive_claims;
pub mod sc303_jwt_lifetime;
pub mod sc310_token_in_log_file;
pub mod sc311_canary_token_logged;
pub mod sc320_secret_in_file;

/// Every rule of this crate, in id order.
pub static RULES: &[&RuleMeta] = &[
    &sc301_jwt_weak_hmac_secret::SC301,
    &sc302_jwt_sensitive_claims::SC302,
    &sc303_jwt_lifetime::SC303,
    &sc310_token_in_log_file::SC310,
    &sc311_canary_token_logged::SC311,
    &sc320_secret_in_file::SC320,
];
