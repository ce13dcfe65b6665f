//! PEM private keys (`-----BEGIN ... PRIVATE KEY-----`). The header line is reported;
//! the key material follows on the next lines. A header followed on its line by an
//! ellipsis or a `<…>` (`"-----BEGIN RSA PRIVATE KEY-----..."` in a docstring) shows the
//! shape of a key, not a key; so does a header a sentence names ("PEM encoding without the
//! -----BEGIN PRIVATE KEY----- header"): a word, not a quote or `=`, precedes it.

use spillcheck_core::secret_patterns::PRIVATE_KEY;

use super::{Detection, Detector, is_placeholder};

pub(crate) struct PrivateKey;

impl Detector for PrivateKey {
    fn id(&self) -> &'static str {
        PRIVATE_KEY.id
    }
    fn name(&self) -> &'static str {
        PRIVATE_KEY.name
    }
    fn keywords(&self) -> &'static [&'static str] {
        PRIVATE_KEY.keywords
    }
    fn detect(&self, line: &str, out: &mut Vec<Detection>) {
        for c in PRIVATE_KEY.regex().captures_iter(line) {
            let m = c.get(PRIVATE_KEY.group).expect("capture group");
            let after = line[m.end()..].trim_start();
            let elided = ["...", "\u{2026}", "<"]
                .iter()
                .any(|e| after.starts_with(e));
            let before = &line[..m.start()];
            let prose = before.ends_with(char::is_whitespace)
                && before
                    .trim_end()
                    .chars()
                    .last()
                    .is_some_and(char::is_alphanumeric);
            // Inside a pattern that matches keys: `"(?:-----BEGIN RSA PRIVATE KEY-----"`
            // followed by `"[a-zA-Z0-9\\n\\+/]+"`, or a character class on the same line.
            let pattern = before.ends_with("(?:")
                || before.ends_with('(')
                || ["[", "(", ".*", ".+", "\\s"]
                    .iter()
                    .any(|p| after.starts_with(p));
            if !elided && !prose && !pattern && !is_placeholder(m.as_str()) {
                out.push(Detection {
                    detector: PRIVATE_KEY.id,
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

    #[test]
    fn keys_and_near_misses() {
        assert_eq!(
            scan("-----BEGIN RSA PRIVATE KEY-----")[0].detector,
            "private-key"
        );
        assert_eq!(
            scan(r#"{"key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC"}"#)[0]
                .detector,
            "private-key"
        );
        assert!(scan("-----BEGIN PUBLIC KEY-----").is_empty());
        assert!(scan(r#"{"privateKey": "-----BEGIN RSA PRIVATE KEY-----..."}"#).is_empty());
        assert!(scan("key = -----BEGIN PRIVATE KEY-----<your key>").is_empty());
        assert!(scan("-----BEGIN CERTIFICATE-----").is_empty());
        // A pattern that matches keys.
        assert!(scan(r#"    "(?:-----BEGIN RSA PRIVATE KEY-----""#).is_empty());
        assert!(
            scan(r#"KEY_RE = re.compile(r"-----BEGIN PRIVATE KEY-----[A-Za-z0-9+/=\s]+")"#)
                .is_empty()
        );
        // Named in a sentence, not written out.
        assert!(
            scan("    This looks like PEM but without the -----BEGIN PRIVATE KEY-----").is_empty()
        );
        assert_eq!(
            scan("KEY = \"\"\"-----BEGIN EC PRIVATE KEY-----")[0].detector,
            "private-key"
        );
        assert_eq!(
            scan("key: -----BEGIN PRIVATE KEY-----")[0].detector,
            "private-key"
        );
    }
}
