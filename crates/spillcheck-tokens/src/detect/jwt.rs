//! JSON Web Tokens: three base64url segments whose header and payload decode to JSON
//! objects (the header with an `alg`). Random `eyJ...` strings and base64 blobs do not match.

use super::{Detection, Detector};
use base64::Engine as _;

pub(crate) struct Jwt;

fn b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

fn run(bytes: &[u8], from: usize) -> usize {
    bytes[from..].iter().take_while(|&&b| b64url(b)).count()
}

/// `eyJ<header>.eyJ<payload>.<signature>` spans in `line` (by hand: faster than a regex).
fn candidates(line: &str) -> Vec<(usize, usize)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&b[from..], b"eyJ") {
        let start = from + i;
        let h_end = start + run(b, start);
        from = start + 3;
        if h_end - start < 11 || b.get(h_end) != Some(&b'.') || !b[h_end + 1..].starts_with(b"eyJ")
        {
            continue;
        }
        let p_end = h_end + 1 + run(b, h_end + 1);
        if p_end - h_end - 1 < 7 || b.get(p_end) != Some(&b'.') {
            continue;
        }
        let s_end = p_end + 1 + run(b, p_end + 1);
        out.push((start, s_end));
        from = s_end;
    }
    out
}

/// Validation results of recently seen tokens: logs repeat the same tokens.
fn validated(token: &str) -> bool {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::hash::{Hash, Hasher};
    thread_local! {
        static SEEN: RefCell<HashMap<u64, bool>> = RefCell::new(HashMap::new());
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    token.hash(&mut h);
    let key = h.finish();
    SEEN.with(|seen| {
        if let Some(&v) = seen.borrow().get(&key) {
            return v;
        }
        let v = looks_like_jwt(token);
        let mut map = seen.borrow_mut();
        if map.len() >= 16_384 {
            map.clear();
        }
        map.insert(key, v);
        v
    })
}

fn json_object(segment: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(segment.trim_end_matches('='))
        .ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        serde_json::Value::Object(m) => Some(m),
        _ => None,
    }
}

/// Whether `token` is a structurally valid JWT (decodable header with `alg`, object payload).
pub fn looks_like_jwt(token: &str) -> bool {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(_s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    json_object(h).is_some_and(|m| m.contains_key("alg")) && json_object(p).is_some()
}

/// The `exp` claim of a token's payload (seconds since the epoch), when it has one, else
/// an app's own numeric expiry claim (`expires`, `expires_at`, `expiry`).
pub(crate) fn expiry(token: &str) -> Option<i64> {
    let payload = token.split('.').nth(1)?;
    let claims = json_object(payload)?;
    // An app's own claim may be a lifetime (`"expires": 3600`): only a date counts.
    let exp = claims
        .get("exp")
        .filter(|v| v.is_number())
        .or_else(|| {
            ["expires", "expires_at", "expiry"].iter().find_map(|k| {
                claims
                    .get(*k)
                    .filter(|v| v.as_f64().is_some_and(|x| x > 1_000_000_000.0))
            })
        })?
        .clone();
    exp.as_i64().or_else(|| {
        exp.as_f64()
            .map(f64::trunc)
            .and_then(|v| format!("{v:.0}").parse().ok())
    })
}

impl Detector for Jwt {
    fn id(&self) -> &'static str {
        "jwt"
    }
    fn name(&self) -> &'static str {
        "JSON Web Token"
    }
    fn keywords(&self) -> &'static [&'static str] {
        &["eyJ"]
    }
    fn detect(&self, line: &str, out: &mut Vec<Detection>) {
        for (start, end) in candidates(line) {
            let token = &line[start..end];
            if validated(token) {
                out.push(Detection {
                    detector: self.id(),
                    start,
                    end,
                    secret: token.to_owned(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::scan;

    const TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIyIiwiZXhwIjoxNzAwMDAwMDAwfQ.sflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    #[test]
    fn finds_jwts() {
        let d = scan(&format!("GET /x token={TOKEN} 200"));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].detector, "jwt");
        assert_eq!(d[0].secret, TOKEN);
        // alg:none tokens end with a dot.
        let none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIzIn0.";
        assert_eq!(scan(none)[0].secret, none);
    }

    #[test]
    fn ignores_lookalikes() {
        // base64 of JSON that is not a JWT header, and random eyJ text.
        assert!(scan("eyJmb28iOiJiYXIifQ.eyJmb28iOiJiYXIifQ.abc").is_empty());
        assert!(scan("eyJxxxxxxxxxxxxxxx.eyJyyyyyyyyyyy.zzzz").is_empty());
        assert!(scan("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==").is_empty());
    }
}
