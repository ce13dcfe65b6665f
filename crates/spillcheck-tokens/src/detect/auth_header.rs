//! `Authorization: Bearer ...` / `Basic ...` / `Token ...` in text, JSON and Python
//! reprs of headers (`'Authorization': 'Bearer ...'`).

use std::sync::OnceLock;

use regex::Regex;

use super::{Detection, Detector, is_placeholder};

pub(crate) struct AuthHeader;

fn re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?i)(?:proxy-)?authorization["']?\s*[:=]\s*["']?(?:bearer|basic|token|jwt)\s+([A-Za-z0-9._~+/=-]{8,})"#).expect("regex")
    })
}

impl Detector for AuthHeader {
    fn id(&self) -> &'static str {
        "authorization-header"
    }
    fn name(&self) -> &'static str {
        "Authorization header credential"
    }
    fn keywords(&self) -> &'static [&'static str] {
        &["authorization"]
    }
    fn detect(&self, line: &str, out: &mut Vec<Detection>) {
        for c in re().captures_iter(line) {
            let m = c.get(1).expect("group");
            if !is_placeholder(m.as_str()) {
                out.push(Detection {
                    detector: self.id(),
                    start: m.start(),
                    end: m.end(),
                    secret: m.as_str().to_owned(),
                });
            }
        }
    }
    fn in_python(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::scan;

    #[test]
    fn text_json_and_repr() {
        for line in [
            "Authorization: Bearer q8Vt3Lm9ZpX2rN6wK1sD",
            r#"{"Authorization": "Basic dXNlcjpwYXNzd29yZA=="}"#,
            "headers={'Host': 'x', 'Authorization': 'Token 9f8e7d6c5b4a39281716'}",
        ] {
            let d = scan(line);
            assert_eq!(d.len(), 1, "{line}: {d:?}");
            assert_eq!(d[0].detector, "authorization-header");
        }
    }

    #[test]
    fn near_misses() {
        assert!(scan("Authorization: Bearer <token>").is_empty());
        assert!(scan("the Authorization header is required").is_empty());
        assert!(scan("Authorization: Bearer ${TOKEN}").is_empty());
    }
}
