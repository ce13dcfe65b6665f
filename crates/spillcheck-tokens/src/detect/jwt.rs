//! JSON Web Tokens: three base64url segments whose header and payload decode to JSON
//! objects (the header with an `alg`). Random `eyJ...` strings and base64 blobs do not match.

use std::sync::OnceLock;

use base64::Engine as _;
use regex::Regex;

use super::{Detection, Detector};

pub(crate) struct Jwt;

fn re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*").expect("regex")
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
        for m in re().find_iter(line) {
            if looks_like_jwt(m.as_str()) {
                out.push(Detection {
                    detector: self.id(),
                    start: m.start(),
                    end: m.end(),
                    secret: m.as_str().to_owned(),
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
