//! Signed payloads that are not JWTs: the tokens of Python's `itsdangerous` (Flask's
//! sessions, password-reset links, and the API tokens many Flask apps mint with
//! `URLSafeSerializer` / `URLSafeTimedSerializer`). Their shape tells whether they carry a
//! timestamp: an untimed one is valid until the key changes, whatever its age.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::io::Read as _;

use spillcheck_core::Finding;

use crate::rules::sc303_jwt_lifetime::SC303;

/// What an `itsdangerous` token shows of itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Signed {
    /// The payload, decoded (JSON).
    pub payload: serde_json::Value,
    /// It carries the time it was signed (`TimestampSigner`): the verifier can bound its age.
    pub timed: bool,
}

/// Reads `token` as an `itsdangerous` URL-safe token: base64url JSON (zlib-compressed
/// when it starts with `.`), an optional base64url timestamp, and an HMAC signature of a
/// usual digest size (SHA-1 by default, SHA-2). `None` for anything else.
pub fn decode(token: &str) -> Option<Signed> {
    let token = token.trim();
    if token.len() > 8192 || token.contains(|c: char| !is_url_safe(c) && c != '.') {
        return None;
    }
    let (compressed, rest) = match token.strip_prefix('.') {
        Some(rest) => (true, rest),
        None => (false, token),
    };
    let parts: Vec<&str> = rest.split('.').collect();
    let (payload, stamp, signature) = match parts.as_slice() {
        [p, s] => (*p, None, *s),
        [p, t, s] => (*p, Some(*t), *s),
        _ => return None,
    };
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    if !matches!(signature.len(), 20 | 28 | 32 | 48 | 64) {
        return None;
    }
    if let Some(stamp) = stamp {
        // Seconds since the epoch as big-endian bytes: four today, up to eight.
        let bytes = URL_SAFE_NO_PAD.decode(stamp).ok()?;
        if !(4..=8).contains(&bytes.len()) {
            return None;
        }
    }
    let mut raw = URL_SAFE_NO_PAD.decode(payload).ok()?;
    if compressed {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(raw.as_slice())
            .take(64 * 1024)
            .read_to_end(&mut out)
            .ok()?;
        raw = out;
    }
    let payload: serde_json::Value = serde_json::from_slice(&raw).ok()?;
    Some(Signed {
        payload,
        timed: stamp.is_some(),
    })
}

fn is_url_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// SC303 for an `itsdangerous` token signed without a timestamp: it never expires.
/// `token` is the raw token `signed` was decoded from (only its redacted form is shown).
pub fn audit(signed: &Signed, token: &str) -> Vec<Finding> {
    if signed.timed {
        return Vec::new();
    }
    let shown = spillcheck_core::redact(token);
    vec![
        Finding::new(
            &SC303,
            format!(
                "token `{shown}` is an itsdangerous signed payload without a timestamp (`URLSafeSerializer`, not the Timed one): it never expires, and only a new signing key revokes it"
            ),
        )
        .with_key(format!("{shown}:lifetime"))
        .with_secret(token.to_owned()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(b: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(b)
    }

    #[test]
    fn untimed_and_timed_tokens_are_told_apart() {
        let payload = b64(br#"["alicebudget"]"#);
        let sig = b64(&[7u8; 20]);
        let untimed = format!("{payload}.{sig}");
        let got = decode(&untimed).unwrap();
        assert!(!got.timed);
        assert_eq!(got.payload, serde_json::json!(["alicebudget"]));
        let timed = format!("{payload}.{}.{sig}", b64(&1_764_547_200u32.to_be_bytes()));
        assert!(decode(&timed).unwrap().timed);
        let audited = |t: &str| audit(&decode(t).unwrap(), t);
        assert_eq!(audited(&untimed).len(), 1);
        assert!(audited(&timed).is_empty());
        // The finding shows the token redacted, never whole.
        assert!(!audited(&untimed)[0].message.contains(&untimed));
    }

    #[test]
    fn compressed_payloads_are_read() {
        use std::io::Write as _;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(br#"{"user_id": 42, "purpose": "reset"}"#)
            .unwrap();
        let token = format!(".{}.{}", b64(&z.finish().unwrap()), b64(&[1u8; 32]));
        assert_eq!(decode(&token).unwrap().payload["user_id"], 42);
    }

    #[test]
    fn other_tokens_are_not_taken_for_signed_payloads() {
        for t in [
            "opaque-token-0123456789abcdef",
            "abc.def",
            // A JWT: three parts, but its middle is a JSON object, not a timestamp.
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlMTIzNA",
            &format!("{}.{}", b64(b"not json"), b64(&[0u8; 20])),
            &format!("{}.{}", b64(b"[1]"), b64(&[0u8; 7])),
        ] {
            assert!(decode(t).is_none(), "{t}");
        }
    }
}
