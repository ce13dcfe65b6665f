//! JSON Web Tokens, read without trusting them: decoding with clear errors, an audit
//! of header and claims (SC302, SC303), and weak-HMAC-secret cracking (SC301).

mod audit;
mod crack;
mod forge;

use base64::Engine as _;
use serde_json::{Map, Value};

pub use audit::{Policy, audit, compare, human};
pub use crack::{CrackResult, crack, crack_wordlist};
pub(crate) use crack::{PUBLISHED_COUNT, builtin, published};
pub use forge::{
    alg_none, expired_copy, foreign_signature, impersonate, sign_hmac, stripped_signature,
    tampered_signature,
};

/// A decoded, unverified compact JWS.
#[derive(Debug, Clone)]
pub struct Jwt {
    /// The JOSE header.
    pub header: Map<String, Value>,
    /// The claims.
    pub claims: Map<String, Value>,
    /// `header.payload`, the bytes the signature covers.
    pub signing_input: String,
    /// The decoded signature (empty for `alg: none`).
    pub signature: Vec<u8>,
}

/// Why a string is not a JWT. Each variant prints as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwtError {
    /// Not three dot-separated segments.
    Segments(usize),
    /// A segment is not base64url.
    Base64(&'static str),
    /// The header or claims are not a JSON object.
    NotJson(&'static str),
}

impl std::fmt::Display for JwtError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JwtError::Segments(n) => {
                write!(f, "not a JWT: expected 3 dot-separated segments, found {n}")
            }
            JwtError::Base64(part) => write!(f, "not a JWT: the {part} is not base64url"),
            JwtError::NotJson(part) => write!(f, "not a JWT: the {part} is not a JSON object"),
        }
    }
}

impl std::error::Error for JwtError {}

fn b64(segment: &str, part: &'static str) -> Result<Vec<u8>, JwtError> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(segment.trim_end_matches('='))
        .map_err(|_| JwtError::Base64(part))
}

fn object(bytes: &[u8], part: &'static str) -> Result<Map<String, Value>, JwtError> {
    match serde_json::from_slice(bytes) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(JwtError::NotJson(part)),
    }
}

impl Jwt {
    /// Decodes a compact JWS (`Bearer ` prefix and surrounding white space allowed).
    pub fn decode(token: &str) -> Result<Jwt, JwtError> {
        let token = token.trim();
        let token = token
            .strip_prefix("Bearer ")
            .or_else(|| token.strip_prefix("bearer "))
            .unwrap_or(token)
            .trim();
        let parts: Vec<&str> = token.split('.').collect();
        if parts.len() != 3 {
            return Err(JwtError::Segments(parts.len()));
        }
        let header = object(&b64(parts[0], "header")?, "header")?;
        let claims = object(&b64(parts[1], "payload")?, "payload")?;
        let signature = b64(parts[2], "signature")?;
        Ok(Jwt {
            header,
            claims,
            signing_input: format!("{}.{}", parts[0], parts[1]),
            signature,
        })
    }

    /// The `alg` header, as written.
    pub fn alg(&self) -> &str {
        self.header.get("alg").and_then(Value::as_str).unwrap_or("")
    }

    /// A numeric claim (`exp`, `iat`, `nbf`).
    #[expect(
        clippy::cast_possible_truncation,
        reason = "JWT times are whole seconds; a fractional part is dropped"
    )]
    pub fn time_claim(&self, name: &str) -> Option<i64> {
        self.claims
            .get(name)
            .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_tokens_are_clear_errors() {
        assert_eq!(Jwt::decode("abc").unwrap_err(), JwtError::Segments(1));
        assert_eq!(Jwt::decode("a.b.c.d").unwrap_err(), JwtError::Segments(4));
        assert_eq!(
            Jwt::decode("!!!.eyJ9.x").unwrap_err(),
            JwtError::Base64("header")
        );
        assert_eq!(
            Jwt::decode("eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln").unwrap_err(),
            JwtError::NotJson("payload")
        );
        assert_eq!(
            Jwt::decode("WzFd.e30.").unwrap_err(),
            JwtError::NotJson("header")
        );
        let ok = Jwt::decode("Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.").unwrap();
        assert_eq!(ok.alg(), "none");
        assert!(ok.signature.is_empty());
    }
}
