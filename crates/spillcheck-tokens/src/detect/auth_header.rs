//! `Authorization: Bearer ...` / `Basic ...` / `Token ...` in text, JSON and Python
//! reprs of headers (`'Authorization': 'Bearer ...'`).

use super::{Detection, Detector, is_placeholder};

pub(crate) struct AuthHeader;

fn token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'~' | b'+' | b'/' | b'=' | b'-')
}

/// `authorization` `["']?` `:`|`=` `["']?` scheme, spaces, credential (by hand: a
/// case-insensitive capture regex was the scanner's hottest spot on real logs).
fn credentials(line: &str) -> Vec<(usize, usize)> {
    let lower = line.to_ascii_lowercase();
    let b = lower.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&b[from..], b"authorization") {
        let mut p = from + i + "authorization".len();
        from = p;
        let skip = |p: &mut usize, f: &dyn Fn(u8) -> bool| {
            while *p < b.len() && f(b[*p]) {
                *p += 1;
            }
        };
        skip(&mut p, &|c| c == b'"' || c == b'\'');
        skip(&mut p, &|c| c == b' ' || c == b'\t');
        if p >= b.len() || !(b[p] == b':' || b[p] == b'=') {
            continue;
        }
        p += 1;
        skip(&mut p, &|c| {
            c == b' ' || c == b'\t' || c == b'"' || c == b'\''
        });
        let scheme_start = p;
        skip(&mut p, &|c| c.is_ascii_lowercase());
        if !matches!(
            &lower[scheme_start..p],
            "bearer" | "basic" | "token" | "jwt"
        ) {
            continue;
        }
        let spaces = p;
        skip(&mut p, &|c| c == b' ' || c == b'\t');
        if p == spaces {
            continue;
        }
        let start = p;
        skip(&mut p, &token_char);
        if p - start >= 8 {
            out.push((start, p));
        }
        from = p;
    }
    out
}

impl Detector for AuthHeader {
    fn id(&self) -> &'static str {
        "authorization-header"
    }
    fn name(&self) -> &'static str {
        "Authorization header credential"
    }
    fn keywords(&self) -> &'static [&'static str] {
        &["uthorization"]
    }
    fn detect(&self, line: &str, out: &mut Vec<Detection>) {
        for (start, end) in credentials(line) {
            let value = &line[start..end];
            if !is_placeholder(value) {
                out.push(Detection {
                    detector: self.id(),
                    start,
                    end,
                    secret: value.to_owned(),
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
