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

/// The ways a signing key is derived from an app's secret: Flask's session cookie (salt
/// `cookie-session`, HMAC derivation) and `itsdangerous`' own default (salt
/// `itsdangerous`, `django-concat`), both HMAC-SHA1 as they ship.
#[derive(Clone, Copy)]
enum Derivation {
    FlaskSession,
    ItsdangerousDefault,
}

impl Derivation {
    fn key(self, secret: &[u8]) -> Vec<u8> {
        use hmac::{Hmac, Mac as _};
        use sha1::{Digest as _, Sha1};
        match self {
            Derivation::FlaskSession => {
                let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else {
                    return Vec::new();
                };
                mac.update(b"cookie-session");
                mac.finalize().into_bytes().to_vec()
            }
            Derivation::ItsdangerousDefault => {
                let mut h = Sha1::new();
                h.update(b"itsdangerous");
                h.update(b"signer");
                h.update(secret);
                h.finalize().to_vec()
            }
        }
    }

    fn signs(self, secret: &[u8], value: &[u8], signature: &[u8]) -> bool {
        use hmac::{Hmac, Mac as _};
        let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(&self.key(secret)) else {
            return false;
        };
        mac.update(value);
        mac.verify_slice(signature).is_ok()
    }
}

/// What signed an `itsdangerous` token: the secret and whether it is Flask's session.
#[derive(Debug, Clone, PartialEq)]
pub struct Cracked {
    /// The app's secret (`SECRET_KEY`).
    pub secret: String,
    /// Signed the way Flask signs its session cookie (else `itsdangerous`' defaults).
    pub flask_session: bool,
    /// Candidates tried.
    pub guesses: u64,
}

/// The secret an `itsdangerous` token (a Flask session cookie, a default serializer's
/// token) was signed with, among the built-in words, `extra` (the project's hard-coded
/// keys) and the published list of secrets found in public code. Only HMAC-SHA1
/// signatures (what both ship with); `None` when no candidate signs it.
pub fn crack(token: &str, extra: &[String]) -> Option<Cracked> {
    use rayon::prelude::*;
    decode(token)?;
    let token = token.trim();
    let (value, signature) = token.rsplit_once('.')?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    if signature.len() != 20 {
        return None;
    }
    let (value, signature) = (value.as_bytes(), signature.as_slice());
    let ways = [Derivation::FlaskSession, Derivation::ItsdangerousDefault];
    let signs = |w: &[u8]| ways.iter().find(|d| d.signs(w, value, signature)).copied();
    let mut candidates = crate::jwt::builtin();
    candidates.extend(extra.iter().cloned());
    let mut guesses = candidates.len() as u64;
    let mut found = candidates
        .par_iter()
        .find_map_any(|w| signs(w.as_bytes()).map(|d| (w.as_bytes().to_vec(), d)));
    if found.is_none() {
        guesses += crate::jwt::PUBLISHED_COUNT;
        found = crate::jwt::published()
            .par_split(|b| *b == b'\n')
            .map(|w| w.strip_suffix(b"\r").unwrap_or(w))
            .find_map_any(|w| signs(w).map(|d| (w.to_vec(), d)));
    }
    let (secret, way) = found?;
    Some(Cracked {
        secret: String::from_utf8_lossy(&secret).into_owned(),
        flask_session: matches!(way, Derivation::FlaskSession),
        guesses,
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

/// A copy of an unsigned session value naming `to` where it named `from`: a cookie that is
/// JSON, or base64 of JSON (standard or URL-safe, padded or not), with nothing signing it
/// (`{"username": "alice"}` as `eyJ1c2VybmFtZSI6ICJhbGljZSJ9`). `None` for anything else
/// (a signed Flask session or JWT has dots and does not decode whole) or when no string in
/// it is `from`.
pub fn forge_unsigned(value: &str, from: &str, to: &str) -> Option<String> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE};
    fn swap(v: &mut serde_json::Value, from: &str, to: &str) -> bool {
        let mut swapped = false;
        match v {
            serde_json::Value::String(s) if s.eq_ignore_ascii_case(from) => {
                to.clone_into(s);
                swapped = true;
            }
            serde_json::Value::Array(a) => {
                for x in a {
                    swapped |= swap(x, from, to);
                }
            }
            serde_json::Value::Object(m) => {
                for x in m.values_mut() {
                    swapped |= swap(x, from, to);
                }
            }
            _ => {}
        }
        swapped
    }
    if from.is_empty() || from == to {
        return None;
    }
    let raw = value.trim().trim_matches('"');
    let object = |bytes: &[u8]| {
        serde_json::from_slice::<serde_json::Value>(bytes)
            .ok()
            .filter(serde_json::Value::is_object)
    };
    // As JSON itself, or percent-encoded JSON.
    let unescaped: String = url::form_urlencoded::parse(format!("v={raw}").as_bytes())
        .map(|(_, v)| v.into_owned())
        .next()
        .unwrap_or_default();
    if let Some(mut json) = object(unescaped.as_bytes()) {
        return swap(&mut json, from, to)
            .then(|| url::form_urlencoded::byte_serialize(json.to_string().as_bytes()).collect());
    }
    let engines: [&base64::engine::GeneralPurpose; 4] =
        [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD];
    for engine in engines {
        let Ok(bytes) = engine.decode(raw) else {
            continue;
        };
        let Some(mut json) = object(&bytes) else {
            continue;
        };
        if !swap(&mut json, from, to) {
            return None;
        }
        return Some(engine.encode(json.to_string()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unsigned_session_is_forged_for_another_user() {
        // vulpy's cookie: base64 of `json.dumps({"username": "alice"})`.
        let forged = forge_unsigned("eyJ1c2VybmFtZSI6ICJhbGljZSJ9", "alice", "bob").unwrap();
        assert_eq!(forged, "eyJ1c2VybmFtZSI6ImJvYiJ9");
        assert_eq!(
            forge_unsigned("%7B%22user%22%3A%22alice%22%7D", "alice", "bob").as_deref(),
            Some("%7B%22user%22%3A%22bob%22%7D")
        );
        // Signed values do not decode whole; a value that does not name A is left alone.
        let flask = "eyJfdXNlcl9pZCI6IjEifQ.ZmFrZQ.c2lnbmF0dXJl";
        assert_eq!(forge_unsigned(flask, "1", "2"), None);
        assert_eq!(
            forge_unsigned("eyJ1c2VybmFtZSI6ICJjYXJvbCJ9", "alice", "bob"),
            None
        );
        assert_eq!(
            forge_unsigned("0123456789abcdef0123456789abcdef", "alice", "bob"),
            None
        );
    }

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
    fn a_flask_session_and_a_default_serializer_token_give_up_their_secret() {
        // Made with Flask 3 and itsdangerous 2 (secret `spillcheck-fixture-key`): a Flask
        // session cookie, a `URLSafeTimedSerializer` token with the default salt, and one
        // with a salt of its own (not found: the salt is part of the key).
        let key = "spillcheck-fixture-key".to_owned();
        let session =
            "eyJ1c2VybmFtZSI6ImJvYmJ5IiwiX3VzZXJfaWQiOiI3In0.aw97Ng.7aSxqxSZKadR7mw8Gu40lg4efcI";
        let got = crack(session, std::slice::from_ref(&key)).unwrap();
        assert_eq!(got.secret, key);
        assert!(got.flask_session);
        let timed = "eyJ1aWQiOjd9.aw97Ng.fPNh1HF3fkcpyeqcxwwtbh37dX8";
        let got = crack(timed, std::slice::from_ref(&key)).unwrap();
        assert!(!got.flask_session);
        assert!(crack("WyJhbGljZSJd.wDouqqiE1kJGK0uyL7mkb2H3A7w", &[key]).is_none());
        // Without the key among the candidates (nor in the lists), nothing.
        assert!(crack(session, &[]).is_none());
        // A common word is found with no help (secret `secret`).
        let got = crack("eyJ1c2VyIjoiYSJ9.aw97VQ.oyAKwuVkwX7922shIJwKHLl2iQ0", &[]).unwrap();
        assert_eq!(got.secret, "secret");
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
