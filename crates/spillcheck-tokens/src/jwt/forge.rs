//! Forged copies of a real token, for probing whether an API verifies what it accepts:
//! a flipped signature, an `alg: none` copy, and re-signed copies (e.g. expired) when the
//! HMAC secret is known.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::{Sha256, Sha384, Sha512};

use super::Jwt;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn segment(map: &Map<String, Value>) -> String {
    b64(serde_json::to_string(map).unwrap_or_default().as_bytes())
}

/// The token with its signature changed (every byte flipped), header and claims untouched.
/// A verifier that accepts it does not check signatures.
pub fn tampered_signature(token: &str) -> Option<String> {
    let jwt = Jwt::decode(token).ok()?;
    let mut sig = jwt.signature.clone();
    if sig.is_empty() {
        sig = b"spillcheck".to_vec();
    }
    for b in &mut sig {
        *b ^= 0x5a;
    }
    Some(format!("{}.{}", jwt.signing_input, b64(&sig)))
}

/// The token with its signature removed (header untouched: `alg` still claims one).
pub fn stripped_signature(token: &str) -> Option<String> {
    let jwt = Jwt::decode(token).ok()?;
    Some(format!("{}.", jwt.signing_input))
}

/// The token's header and claims with another token's signature.
pub fn foreign_signature(token: &str, other: &str) -> Option<String> {
    let jwt = Jwt::decode(token).ok()?;
    let sig = other.trim().rsplit('.').next()?;
    let theirs = Jwt::decode(other).ok()?;
    (theirs.signing_input != jwt.signing_input && !sig.is_empty())
        .then(|| format!("{}.{sig}", jwt.signing_input))
}

/// A copy of an HMAC token for another subject (`sub` and, when present, `email`
/// replaced), signed with `secret`: what anyone who knows the secret can mint.
pub fn impersonate(token: &str, secret: &[u8], sub: &str, email: Option<&str>) -> Option<String> {
    let jwt = Jwt::decode(token).ok()?;
    let mut claims = jwt.claims.clone();
    let sub_value = match claims.get("sub") {
        Some(Value::Number(_)) => sub
            .parse::<i64>()
            .map_or_else(|_| Value::from(sub), Value::from),
        _ => Value::from(sub),
    };
    claims.insert("sub".into(), sub_value);
    if claims.contains_key("email") {
        match email {
            Some(e) => claims.insert("email".into(), Value::from(e)),
            None => claims.remove("email"),
        };
    }
    sign_hmac(&jwt.header, &claims, secret)
}

/// The token's claims under `{"alg": "<alg>", "typ": "JWT"}` with an empty signature.
pub fn alg_none(token: &str, alg: &str) -> Option<String> {
    let jwt = Jwt::decode(token).ok()?;
    let mut header = jwt.header.clone();
    header.retain(|k, _| k == "typ" || k == "kid");
    header.insert("alg".into(), Value::String(alg.to_owned()));
    let payload = jwt.signing_input.split('.').nth(1)?.to_owned();
    Some(format!("{}.{payload}.", segment(&header)))
}

/// Signs `claims` with `header` (its `alg`: HS256, HS384 or HS512) and `secret`.
pub fn sign_hmac(
    header: &Map<String, Value>,
    claims: &Map<String, Value>,
    secret: &[u8],
) -> Option<String> {
    let input = format!("{}.{}", segment(header), segment(claims));
    let alg = header.get("alg").and_then(Value::as_str)?;
    let sig = match alg {
        "HS256" => {
            let mut m = <Hmac<Sha256> as hmac::digest::KeyInit>::new_from_slice(secret).ok()?;
            m.update(input.as_bytes());
            m.finalize().into_bytes().to_vec()
        }
        "HS384" => {
            let mut m = <Hmac<Sha384> as hmac::digest::KeyInit>::new_from_slice(secret).ok()?;
            m.update(input.as_bytes());
            m.finalize().into_bytes().to_vec()
        }
        "HS512" => {
            let mut m = <Hmac<Sha512> as hmac::digest::KeyInit>::new_from_slice(secret).ok()?;
            m.update(input.as_bytes());
            m.finalize().into_bytes().to_vec()
        }
        _ => return None,
    };
    Some(format!("{input}.{}", b64(&sig)))
}

/// A correctly signed copy of an HMAC token that expired an hour before `now`
/// (`iat`/`nbf` moved back with it). `None` for non-HMAC tokens.
pub fn expired_copy(token: &str, secret: &[u8], now: i64) -> Option<String> {
    let jwt = Jwt::decode(token).ok()?;
    let mut claims = jwt.claims.clone();
    let lifetime = match (jwt.time_claim("iat"), jwt.time_claim("exp")) {
        (Some(iat), Some(exp)) if exp > iat => exp - iat,
        _ => 3600,
    };
    let exp = now - 3600;
    claims.insert("exp".into(), Value::from(exp));
    if claims.contains_key("iat") {
        claims.insert("iat".into(), Value::from(exp - lifetime));
    }
    if claims.contains_key("nbf") {
        claims.insert("nbf".into(), Value::from(exp - lifetime));
    }
    sign_hmac(&jwt.header, &claims, secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwiaWF0IjoxMDAwLCJleHAiOjQ2MDB9.";

    #[test]
    fn forged_copies_decode_and_differ() {
        let base = sign_hmac(
            &Jwt::decode(TOKEN).unwrap().header,
            &Jwt::decode(TOKEN).unwrap().claims,
            b"k",
        )
        .unwrap();
        let t = tampered_signature(&base).unwrap();
        assert_ne!(t, base);
        assert_eq!(
            Jwt::decode(&t).unwrap().signing_input,
            Jwt::decode(&base).unwrap().signing_input
        );
        let n = alg_none(&base, "none").unwrap();
        let nj = Jwt::decode(&n).unwrap();
        assert_eq!(nj.alg(), "none");
        assert!(nj.signature.is_empty());
        assert_eq!(nj.claims, Jwt::decode(&base).unwrap().claims);
        let e = expired_copy(&base, b"k", 10_000).unwrap();
        let ej = Jwt::decode(&e).unwrap();
        assert_eq!(ej.time_claim("exp"), Some(6_400));
        assert_eq!(ej.time_claim("iat"), Some(6_400 - 3_600));
        // It verifies with the secret: re-signing the same input gives the same token.
        assert_eq!(sign_hmac(&ej.header, &ej.claims, b"k").unwrap(), e);
        assert!(expired_copy(&n, b"k", 10_000).is_none());
        assert_eq!(
            stripped_signature(&base).unwrap(),
            format!("{}.", Jwt::decode(&base).unwrap().signing_input)
        );
        let other = sign_hmac(
            &Jwt::decode(&base).unwrap().header,
            &serde_json::Map::new(),
            b"k",
        )
        .unwrap();
        let swapped = foreign_signature(&base, &other).unwrap();
        assert!(
            swapped.ends_with(other.rsplit('.').next().unwrap())
                && swapped.starts_with(&Jwt::decode(&base).unwrap().signing_input)
        );
        assert!(foreign_signature(&base, &base).is_none());
        let minted = impersonate(&base, b"k", "7", None).unwrap();
        assert_eq!(Jwt::decode(&minted).unwrap().claims["sub"], "7");
    }
}
