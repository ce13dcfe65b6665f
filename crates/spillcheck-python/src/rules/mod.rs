//! The code rules (SC1xx): one file per rule, holding its metadata, docs and check.

use spillcheck_core::RuleMeta;

pub mod sc101_route_without_auth;
pub mod sc102_object_id_without_ownership_check;
pub mod sc103_token_verifier_accepts_anything;
pub mod sc104_jwt_signature_not_verified;
pub mod sc105_jwt_none_algorithm_allowed;
pub mod sc106_token_read_from_query_string;
pub mod sc107_token_issued_without_expiry;
pub mod sc108_secret_in_token_payload;
pub mod sc109_token_in_redirect_url;
pub mod sc110_authorization_header_logged;
pub mod sc111_sensitive_value_logged;
pub mod sc120_debug_mode_enabled;
pub mod sc121_exception_details_in_response;
pub mod sc130_hardcoded_secret_key;
pub mod sc131_hardcoded_credential;
pub mod sc140_sensitive_field_serialized;
pub mod sc141_whole_record_serialized;
pub mod sc150_plaintext_secret_storage;
pub mod sc160_insecure_transport_config;
pub mod sc161_cors_wildcard_with_credentials;
pub mod sc170_sensitive_file_served;

/// Every rule of this crate, in id order.
pub static RULES: &[&RuleMeta] = &[
    &sc101_route_without_auth::SC101,
    &sc102_object_id_without_ownership_check::SC102,
    &sc103_token_verifier_accepts_anything::SC103,
    &sc104_jwt_signature_not_verified::SC104,
    &sc105_jwt_none_algorithm_allowed::SC105,
    &sc106_token_read_from_query_string::SC106,
    &sc107_token_issued_without_expiry::SC107,
    &sc108_secret_in_token_payload::SC108,
    &sc109_token_in_redirect_url::SC109,
    &sc110_authorization_header_logged::SC110,
    &sc111_sensitive_value_logged::SC111,
    &sc120_debug_mode_enabled::SC120,
    &sc121_exception_details_in_response::SC121,
    &sc130_hardcoded_secret_key::SC130,
    &sc131_hardcoded_credential::SC131,
    &sc140_sensitive_field_serialized::SC140,
    &sc141_whole_record_serialized::SC141,
    &sc150_plaintext_secret_storage::SC150,
    &sc160_insecure_transport_config::SC160,
    &sc161_cors_wildcard_with_credentials::SC161,
    &sc170_sensitive_file_served::SC170,
];
