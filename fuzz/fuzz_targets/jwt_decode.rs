//! Any string handed to the JWT decoder: decode, then everything the audit reads.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(jwt) = spillcheck_tokens::jwt::Jwt::decode(text) {
        let _ = jwt.alg();
        for claim in ["exp", "iat", "nbf"] {
            let _ = jwt.time_claim(claim);
        }
    }
});
