//! A high-entropy value assigned to a secret-looking name in a config file:
//! `api_key: 9f8e...`, `CLIENT_SECRET="..."`, `"password": "..."`. Placeholders,
//! references (`${VAR}`), UUIDs, hex digests and low-entropy words do not match.
//! Python is left to the code rules (SC130/SC131), which understand the code.

use std::sync::OnceLock;

use regex::Regex;

use super::{Detection, Detector, entropy, is_placeholder};

pub(crate) struct GenericAssignment;

fn re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?i)["']?\b([a-z0-9_.-]*(?:secret|password|passwd|pwd|api_?key|apikey|access_?key|private_?key|auth_?token|access_?token|client_?secret|signing_?key|token)[a-z0-9_.-]*)["']?\s*[:=]\s*(?:[bB]?["'])?([^\s"',;#]{10,})"#)
            .expect("regex")
    })
}

/// The value of one pair of a form-encoded line (`oauth_token=accd36&oauth_token_secret=…`):
/// it ends where `&name=` begins the next pair. A `&` inside a value stays.
fn form_value(v: &str) -> &str {
    let mut at = 0;
    while let Some(i) = v[at..].find('&') {
        let rest = &v[at + i + 1..];
        let name_len = rest.find('=').filter(|&n| {
            n > 0
                && rest[..n]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        });
        if name_len.is_some() {
            return &v[..at + i];
        }
        at += i + 1;
    }
    v
}

fn uuid_like(v: &str) -> bool {
    let parts: Vec<&str> = v.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

fn hex_digest(v: &str) -> bool {
    matches!(v.len(), 32 | 40 | 64 | 128) && v.chars().all(|c| c.is_ascii_hexdigit())
}

fn descriptive_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "_url",
        "_uri",
        "_file",
        "_path",
        "_type",
        "_name",
        "_field",
        "_header",
        "_length",
        "_len",
        "_env",
        "_var",
        "_hash",
        "_digest",
        "_expires",
        "_ttl",
        "_endpoint",
        "_min",
        "_max",
        "_policy",
        "_required",
        "_id",
    ]
    .iter()
    .any(|s| n.ends_with(s))
        || n.starts_with("token_type")
}

/// A path (`/static/media/icon-token.3f2a.svg`): two or more segments of word characters,
/// no base64 padding or `+` (a base64 key may start with `/` too).
fn looks_like_path(v: &str) -> bool {
    v.starts_with('/')
        && v.matches('/').count() >= 2
        && !v.contains(['+', '='])
        && v.split('/').all(|seg| {
            seg.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
}

/// A name that is a file's (`icon-token.svg` in a build manifest): what it is assigned is
/// where the file went, not a secret.
fn file_name(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && matches!(
                ext.to_ascii_lowercase().as_str(),
                "svg"
                    | "png"
                    | "jpg"
                    | "jpeg"
                    | "gif"
                    | "ico"
                    | "webp"
                    | "js"
                    | "mjs"
                    | "css"
                    | "map"
                    | "json"
                    | "html"
                    | "txt"
                    | "woff"
                    | "woff2"
                    | "ttf"
                    | "eot"
            )
    })
}

impl Detector for GenericAssignment {
    fn id(&self) -> &'static str {
        "secret-assignment"
    }
    fn name(&self) -> &'static str {
        "High-entropy value assigned to a secret name"
    }
    fn keywords(&self) -> &'static [&'static str] {
        &["ecret", "assw", "pwd", "key", "oken"]
    }
    fn detect(&self, line: &str, out: &mut Vec<Detection>) {
        for c in re().captures_iter(line) {
            let (name, value) = (c.get(1).expect("name"), c.get(2).expect("value"));
            let v = form_value(value.as_str());
            // Text, not a key: letters no generator emits (`密码列表`, `usuário`), or the
            // first word of a sentence (`password-urls: Odporúčame šifrovať adresy …`).
            let after = &line[value.end()..];
            let sentence = v.len() == value.as_str().len()
                && after.starts_with(' ')
                && after.trim_start().starts_with(|c: char| c.is_alphabetic());
            if v.len() < 10
                || sentence
                || v.chars().any(|c| !c.is_ascii() && c.is_alphabetic())
                || descriptive_name(name.as_str())
                || is_placeholder(v)
                || v.starts_with('$')
                || looks_like_path(v)
                || file_name(name.as_str())
                || v.contains("://")
                || uuid_like(v)
                || hex_digest(v)
                || v.starts_with("data:")
                || v.parse::<f64>().is_ok()
                || entropy(v) < 3.3
            {
                continue;
            }
            out.push(Detection {
                detector: self.id(),
                start: value.start(),
                end: value.start() + v.len(),
                secret: v.to_owned(),
            });
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
    fn assignments() {
        for line in [
            "CLIENT_SECRET=q8Vt3Lm9ZpX2rN6wK1sD",
            "  api_key: \"9fK2xL7qP4vT8mZ3rW6y\"",
            r#"{"password": "Tr0ub4dor&3-Horse"}"#,
            "oauth_token_secret=Qm1Rt5Uv9Wx3Yz7Ab2Cd6Ef0Gh&oauth_expires_at=2013-09-11",
            "SECRET_KEY=/q8Vt3Lm9ZpX2rN6wK1sD4yF7hJ0cB5gT8uE3iO6a==",
            // A `.env` holding Python's bytes spelling.
            "SECRET_KEY=b'4sg7ay934afajfadsu8asfa3q2q3hdfsj98'",
        ] {
            let d = scan(line);
            assert_eq!(d.len(), 1, "{line}: {d:?}");
            assert_eq!(d[0].detector, "secret-assignment");
        }
    }

    #[test]
    fn near_misses() {
        for line in [
            "token_type: Bearer",
            "api_key: ${API_KEY}",
            "password: changeme",
            "session_token_ttl: 3600",
            "request_id: 3f2b8c1e-9a4d-4e7f-8b2a-1c5d9e0f7a6b",
            "checksum_key: d41d8cd98f00b204e9800998ecf8427e",
            "secret_key_file: /etc/app/secret.key",
            "password_reset_url: https://example.com/reset",
            "password-urls: Odporúčame-šifrovať adresy URL",
            "API_access_key: Zugriffsschlüssel für die API",
            "no_user_passwords: usuárioSenhaLista",
            "avatar_key: data:image/png;base64,iVBORw0KGgo",
            "password: aaaaaaaaaaaaaaaa",
            "oauth_token=accd36&oauth_token_secret=aa47da&oauth_expires_at=2013-09-11T06:07:51.501805Z",
            // A build manifest: a file name and where the bundler put it.
            r#""static/media/icon-action-bar-token.svg": "/static/media/icon-action-bar-token.23f04c9e1b.svg","#,
            r#""app-token.js": "static/js/app-token.8f3a91c2d4.js","#,
        ] {
            assert!(scan(line).is_empty(), "{line}: {:?}", scan(line));
        }
    }
}
