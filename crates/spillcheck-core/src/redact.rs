//! The one redaction helper every output path goes through.
//!
//! A secret is shown as a short prefix and a short hash, e.g. `eyJhbG…#3f9a1c`:
//! enough to recognise which token it was, never enough to use it. The prefix
//! is at most 6 characters and at most a third of the secret, so a short
//! password shows 2 of its 6 characters, not all of them.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;
use sha2::{Digest, Sha256};

use crate::finding::Finding;

/// The redacted form of a secret: `first chars…#6 hex of its SHA-256`.
pub fn redact(secret: &str) -> String {
    let chars = secret.chars().count();
    let shown = (chars / 3).min(6);
    let prefix: String = secret.chars().take(shown).collect();
    let digest = Sha256::digest(secret.as_bytes());
    format!(
        "{prefix}…#{:02x}{:02x}{:02x}",
        digest[0], digest[1], digest[2]
    )
}

/// Letters only, in one case or capitalised: a word, not a generated value.
fn is_plain_word(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_lowercase())
        || s.chars().all(|c| c.is_ascii_uppercase())
}

/// Lower-case letters and hyphens only: an English word or an option name.
fn is_word(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_lowercase() || c == '-')
}

/// Shapes of credentials that are redacted even when nobody registered them: (regex, index
/// of the capture group that holds the secret). The detectors' own provider-key patterns
/// ([`crate::secret_patterns::PROVIDER_KEYS`]) are applied too; the provider prefixes below
/// are the wider nets a redactor needs where a detector wants precision (keys of other
/// lengths, tokens without the usual dashes): hiding too much costs nothing, showing a key
/// whole does.
fn patterns() -> &'static [(Regex, usize)] {
    static PATTERNS: OnceLock<Vec<(Regex, usize)>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        [
            // A PEM private key block, whole.
            (
                r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----",
                0,
            ),
            // JWT / JWS compact serialisation (also unsigned `alg: none` tokens ending in a dot).
            (
                r"\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*",
                0,
            ),
            // A token's header and claims without the signature (cut off, or sent so to
            // see whether it is checked): who it names and its claims, elided too.
            (r"\beyJ[A-Za-z0-9_-]{6,}\.eyJ[A-Za-z0-9_-]{4,}", 0),
            // The credential after an Authorization scheme, on the same line (not the
            // next word of a sentence or the option on the next line of a help text).
            (
                r"(?i)\b(?:bearer|basic|token)[ \t]+([A-Za-z0-9._~+/][A-Za-z0-9._~+/=-]{11,})",
                1,
            ),
            // Passwords in URLs: scheme://user:PASSWORD@host
            (r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/\s@]+:([^@\s/…]+)@", 1),
            // Provider prefixes, any length past a floor.
            (r"\bAKIA[0-9A-Z]{16}\b", 0),
            (r"\bgh[pousr]_[A-Za-z0-9]{36,}\b", 0),
            (r"\bglpat-[A-Za-z0-9_-]{20,}", 0),
            (r"\bxox[abprs]-[A-Za-z0-9-]{10,}", 0),
            (r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}", 0),
            (r"\bAIza[0-9A-Za-z_-]{35}", 0),
            (r"\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}", 0),
            // Password hashes (Werkzeug, bcrypt, Argon2, Django, crypt's SHA-512): an
            // offline guess away from the password.
            (
                r"\b(?:pbkdf2|scrypt):[a-z0-9:]+\$[A-Za-z0-9./+]+\$[0-9a-f]{20,}",
                0,
            ),
            (r"\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}", 0),
            (r#"\$argon2(?:id|i|d)\$[^\s"']{20,}"#, 0),
            (
                r#"\b(?:pbkdf2_sha\d+|bcrypt_sha256|argon2)\$[^\s"']{20,}"#,
                0,
            ),
            (r#"\$[56]\$[^$\s"']{1,32}\$[./A-Za-z0-9]{40,}"#, 0),
        ]
        .into_iter()
        .map(|(p, g)| (Regex::new(p).expect("redaction pattern compiles"), g))
        .collect()
    })
}

/// Scrubs secrets from text: the registered ones, and anything that looks like a
/// token or key (JWTs, `Bearer` credentials, provider keys, URL passwords, PEM keys).
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    known: Vec<String>,
}

impl Redactor {
    /// A redactor that knows no particular secret (patterns only).
    pub fn new() -> Redactor {
        Redactor::default()
    }

    /// Registers a secret (a token given on the command line, a cracked key, a literal
    /// password). Values shorter than 4 characters are ignored: scrubbing them would
    /// mangle ordinary text and they are not secrets worth the name.
    pub fn add(&mut self, secret: &str) {
        let s = secret.trim();
        if s.chars().count() >= 4 && !self.known.iter().any(|k| k == s) {
            self.known.push(s.to_owned());
            // Longest first, so a secret that contains another is replaced whole.
            self.known.sort_by_key(|k| std::cmp::Reverse(k.len()));
        }
    }

    /// `text` with every secret replaced by its redacted form.
    ///
    /// Secrets of 8 characters or more are replaced wherever they occur. Shorter ones
    /// (a weak password, a dictionary-word key) are replaced only where they stand as a
    /// value — quoted, or after `=`/`:` up to the end of the value — so that a key such
    /// as `notes` does not mangle `app/notes.py`.
    pub fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out: Cow<'a, str> = Cow::Borrowed(text);
        for secret in &self.known {
            if !out.contains(secret.as_str()) {
                continue;
            }
            // A word (`cornflow`, `changeme`: a default password that is also the
            // project's name or a term of its code) is replaced only where it stands as a
            // value, so paths and names that contain it stay readable.
            if secret.chars().count() >= 8 && !is_plain_word(secret) {
                out = Cow::Owned(out.replace(secret.as_str(), &redact(secret)));
            } else {
                out = Cow::Owned(replace_as_value(&out, secret));
            }
        }
        let providers = crate::secret_patterns::PROVIDER_KEYS
            .iter()
            .filter(|p| p.may_match(text))
            .map(|p| (p.regex(), p.group));
        for (re, group) in patterns().iter().map(|(re, g)| (re, *g)).chain(providers) {
            if !re.is_match(&out) {
                continue;
            }
            let replaced = re
                .replace_all(&out, |caps: &regex::Captures<'_>| {
                    let whole = caps.get(0).expect("group 0").as_str();
                    match caps.get(group) {
                        // A plain word after "token" is prose, not a credential.
                        Some(m)
                            if group > 0
                                && whole
                                    .get(..5)
                                    .is_some_and(|w| w.eq_ignore_ascii_case("token"))
                                && is_word(m.as_str()) =>
                        {
                            whole.to_owned()
                        }
                        Some(m) if group > 0 => {
                            let start = m.start() - caps.get(0).expect("group 0").start();
                            format!(
                                "{}{}{}",
                                &whole[..start],
                                redact(m.as_str()),
                                &whole[start + m.len()..]
                            )
                        }
                        _ => redact(whole),
                    }
                })
                .into_owned();
            out = Cow::Owned(replaced);
        }
        out
    }

    fn scrub_in_place(&self, text: &mut String) {
        if let Cow::Owned(s) = self.scrub(text) {
            *text = s;
        }
    }

    /// Scrubs every text field of a finding, using its own registered secrets too.
    pub fn scrub_finding(&self, finding: &mut Finding) {
        // The code shows a literal as it is written: `"\x41bc…"` or `"ab" "cd"` decodes
        // to a secret without containing it, and would be shown whole.
        let mut written = Vec::new();
        if !(finding.secrets.is_empty() && self.known.is_empty()) {
            let secrets = [self.known.as_slice(), finding.secrets.as_slice()];
            // The code frame as one text, so a concatenation over its lines is one run.
            if let Some(snippet) = finding.location.as_ref().and_then(|l| l.snippet.as_ref()) {
                written.extend(spellings_of(&snippet.lines.join("\n"), &secrets));
            }
            if let Some(fix) = &finding.autofix {
                written.extend(spellings_of(&fix.diff, &secrets));
            }
        }
        let mut local;
        let me = if finding.secrets.is_empty() && written.is_empty() {
            self
        } else {
            local = self.clone();
            for s in finding.secrets.iter().chain(&written) {
                local.add(s);
            }
            &local
        };
        me.scrub_in_place(&mut finding.message);
        me.scrub_in_place(&mut finding.fix);
        for note in &mut finding.notes {
            me.scrub_in_place(note);
        }
        if let Some(key) = &mut finding.key {
            me.scrub_in_place(key);
        }
        if let Some(fix) = &mut finding.autofix {
            // The removed lines of a diff show the code as it was: a hard-coded key too.
            me.scrub_in_place(&mut fix.diff);
            me.scrub_in_place(&mut fix.message);
        }
        if let Some(snippet) = finding.location.as_mut().and_then(|l| l.snippet.as_mut()) {
            for line in &mut snippet.lines {
                me.scrub_in_place(line);
            }
        }
        if let Some(http) = &mut finding.http {
            me.scrub_in_place(&mut http.url);
            me.scrub_in_place(&mut http.evidence);
            for x in &mut http.exchanges {
                me.scrub_in_place(&mut x.url);
                me.scrub_in_place(&mut x.body_excerpt);
                for (_, v) in x
                    .request_headers
                    .iter_mut()
                    .chain(x.response_headers.iter_mut())
                {
                    me.scrub_in_place(v);
                }
            }
        }
        finding.secrets.clear();
    }
}

/// The string literals of `text` (Python or JSON spelling) that spell one of `secrets`
/// otherwise than it reads, as they are written between their quotes: a literal with
/// escapes (`"\x02\x01key"`), or each piece of an implicit concatenation (`"ab" "cd"`,
/// over lines too) that joins into a secret.
fn spellings_of(text: &str, secrets: &[&[String]]) -> Vec<String> {
    let secrets = || secrets.iter().flat_map(|s| s.iter());
    let literals = string_literals(text);
    let mut out = Vec::new();
    let mut run_start = 0;
    for i in 0..=literals.len() {
        // A run of literals joined by nothing but spaces, line breaks and continuations.
        let joined = i > 0
            && i < literals.len()
            && text
                .get(literals[i - 1].end..literals[i].start)
                .is_some_and(|gap| gap.chars().all(|c| c.is_whitespace() || c == '\\'));
        if joined {
            continue;
        }
        let run = &literals[run_start..i];
        run_start = i;
        let value: String = run.iter().map(|l| l.value.as_str()).collect();
        let spelled = if run.len() == 1 {
            secrets().any(|s| *s == value) && run[0].written != value
        } else {
            value.chars().count() >= 8 && secrets().any(|s| s.contains(&value))
        };
        if spelled {
            out.extend(run.iter().map(|l| l.written.to_owned()));
        }
    }
    out
}

/// A quoted literal: its text between the quotes, where its quotes start and end, and its
/// value.
struct Literal<'t> {
    written: &'t str,
    start: usize,
    end: usize,
    value: String,
}

/// The one-line quoted literals of `text`. A prefix with `r` keeps backslashes; a quote
/// not closed on its line is skipped.
fn string_literals(text: &str) -> Vec<Literal<'_>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let q = bytes[i];
        if q != b'"' && q != b'\'' {
            i += 1;
            continue;
        }
        let prefix_start = text[..i]
            .rfind(|c: char| !c.is_ascii_alphabetic())
            .map_or(0, |p| p + 1);
        let raw = text[prefix_start..i].contains(['r', 'R']);
        let start = i + 1;
        let mut j = start;
        while j < bytes.len() && bytes[j] != q && bytes[j] != b'\n' {
            j += if bytes[j] == b'\\' { 2 } else { 1 };
        }
        let Some(written) = text.get(start..j) else {
            i = start;
            continue;
        };
        if j >= bytes.len() || bytes[j] != q {
            i = start;
            continue;
        }
        let value = if raw {
            written.to_owned()
        } else {
            unescape(written)
        };
        found.push(Literal {
            written,
            start: prefix_start,
            end: j + 1,
            value,
        });
        i = j + 1;
    }
    found
}

/// A Python string literal's escapes decoded (`\\`, quotes, `\n`-style letters, octal,
/// `\xhh`, `\uXXXX`, `\UXXXXXXXX`); an unknown escape keeps its backslash, as Python does.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        let simple = match e {
            '\\' => Some('\\'),
            '\'' => Some('\''),
            '"' => Some('"'),
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            'a' => Some('\u{7}'),
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            'v' => Some('\u{b}'),
            _ => None,
        };
        if let Some(d) = simple {
            out.push(d);
            continue;
        }
        let (digits, radix): (usize, u32) = match e {
            '0'..='7' => (2, 8),
            'x' => (2, 16),
            'u' => (4, 16),
            'U' => (8, 16),
            _ => {
                out.push('\\');
                out.push(e);
                continue;
            }
        };
        let mut code = String::new();
        if radix == 8 {
            code.push(e);
        }
        while code.len() < digits + usize::from(radix == 8) {
            match chars.peek() {
                Some(d) if d.is_digit(radix) => {
                    code.push(*d);
                    chars.next();
                }
                _ => break,
            }
        }
        match u32::from_str_radix(&code, radix)
            .ok()
            .and_then(char::from_u32)
        {
            Some(d) if radix == 8 || code.len() == digits => out.push(d),
            _ => {
                out.push('\\');
                out.push(e);
                out.push_str(if radix == 8 { &code[1..] } else { &code });
            }
        }
    }
    out
}

/// Replaces `secret` where it stands as a value: between matching quotes, or after
/// `=`/`:` (optionally spaced) and followed by the end of the value.
fn replace_as_value(text: &str, secret: &str) -> String {
    let redacted = redact(secret);
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, _) in text.match_indices(secret) {
        if start < last {
            continue;
        }
        let end = start + secret.len();
        let before = text[..start].trim_end_matches(' ');
        let prev = before.as_bytes().last().copied();
        let next = bytes.get(end).copied();
        let quoted = matches!(
            (bytes.get(start.wrapping_sub(1)).copied(), next),
            (Some(b'"'), Some(b'"')) | (Some(b'\''), Some(b'\'')) | (Some(b'`'), Some(b'`'))
        );
        let assigned = matches!(prev, Some(b'=' | b':'))
            && next.is_none_or(|c| c.is_ascii_whitespace() || c == b'#' || c == b',' || c == b';');
        if quoted || assigned {
            out.push_str(&text[last..start]);
            out.push_str(&redacted);
            last = end;
        }
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_literal_written_with_escapes_or_in_pieces_is_hidden_as_written() {
        let secrets = vec![
            "\u{2}\u{1}thisismysecretkey\u{1}\u{2}".to_owned(),
            "partoneparttwo-xyz".to_owned(),
            "token-of-the-admin".to_owned(),
            "linesplit-first-half-of-the-key".to_owned(),
        ];
        let code = [
            r#"SECRET_KEY = "\2\1thisismysecretkey\1\2""#,
            r#"OTHER = ("partone" 'parttwo-xyz')"#,
            r#"NAME = "unrelated value""#,
            r#"TOKEN = request.args.get("token")"#,
            r#"KEY = ("linesplit-first-"  "#,
            r#"       "half-of-the-key")"#,
        ]
        .join("\n");
        let mut r = Redactor::new();
        for s in secrets
            .iter()
            .cloned()
            .chain(spellings_of(&code, &[&secrets]))
        {
            r.add(&s);
        }
        let all = r.scrub(&code);
        assert!(!all.contains("thisismysecretkey"), "{all}");
        assert!(!all.contains("parttwo-xyz"), "{all}");
        assert!(!all.contains("partone\""), "{all}");
        assert!(all.contains("unrelated value"), "{all}");
        // A word that is only a piece of a secret, not joined to others, stays.
        assert!(all.contains(r#"get("token")"#), "{all}");
        // A concatenation over two lines of the code frame.
        assert!(!all.contains("half-of-the-key"), "{all}");
    }

    #[test]
    fn escapes_decode_as_python_reads_them() {
        assert_eq!(unescape(r"a\x41\u00e9\101\n\q"), "aA\u{e9}A\n\\q");
        assert_eq!(unescape(r"\xZ"), "\\xZ");
        let lits = string_literals(r#"x = r"a\n" + 'b\'c'"#);
        assert_eq!((lits[0].written, lits[0].value.as_str()), (r"a\n", r"a\n"));
        assert_eq!((lits[1].written, lits[1].value.as_str()), (r"b\'c", "b'c"));
    }

    #[test]
    fn a_token_without_its_signature_is_hidden_too() {
        let r = Redactor::new();
        let out = r.scrub("GET /api/tokens/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9/check");
        assert!(!out.contains("eyJzdWIiOiJhbGljZSJ9"), "{out}");
        assert!(
            out.starts_with("GET /api/tokens/") && out.ends_with("/check"),
            "{out}"
        );
    }

    #[test]
    fn password_hashes_are_hidden_in_any_text() {
        let r = Redactor::new();
        for hash in [
            "scrypt:32768:8:1$Mjylyv3Cn6r8MFCB$460f6e21a06bb5f1f47245dcb0c41a1d99e0",
            "pbkdf2:sha256:600000$Xq1w2e3r$0e6f0a3c8b9d7e5f1a2b3c4d5e6f7a8b9c0d1e2f",
            "$2b$12$KIXQJQ8b1mYy2vVZ5u7Xe.3m0bQyFQ0q3mYx8o6m1v2c3d4e5f6g7",
            "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
            "pbkdf2_sha256$600000$abcdefgh$Zm9vYmFyYmF6cXV4cXV1eA==",
        ] {
            let text = format!("{{\"pw_hash\": \"{hash}\", \"name\": \"bob\"}}");
            let out = r.scrub(&text);
            assert!(!out.contains(&hash[hash.len() - 12..]), "{out}");
            assert!(out.contains("\"name\": \"bob\""), "{out}");
        }
    }

    #[test]
    fn a_word_secret_is_hidden_as_a_value_not_in_names() {
        let mut r = Redactor::new();
        r.add("cornflow");
        let text = "--- a/src/cornflow-1.3.9/cornflow/cli/utils.py\n-    password = \"cornflow\"\nthe default `cornflow` of cornflow_admin_pwd";
        let out = r.scrub(text);
        assert!(
            out.contains("src/cornflow-1.3.9/cornflow/cli/utils.py"),
            "{out}"
        );
        assert!(out.contains("cornflow_admin_pwd"), "{out}");
        assert!(!out.contains("\"cornflow\""), "{out}");
        assert!(!out.contains("`cornflow`"), "{out}");
        // A generated value of the same length is hidden wherever it occurs.
        let mut r = Redactor::new();
        r.add("x7Kq9pLm");
        assert!(!r.scrub("path/x7Kq9pLm/file").contains("x7Kq9pLm"));
    }

    #[test]
    fn prose_and_help_text_stay_readable() {
        let r = Redactor::new();
        let help = "      --token-b-cmd <CMD>  A command printing user B's token\n      --admin-token <ADMIN_TOKEN>  An administrator's token";
        assert_eq!(r.scrub(help), help);
        let prose = "the token authentication-failed path";
        assert_eq!(r.scrub(prose), prose);
        // A real credential after the scheme is still scrubbed.
        let header = "Authorization: Bearer Zm9vYmFyYmF6cXV4MTIz";
        assert!(!r.scrub(header).contains("Zm9vYmFyYmF6cXV4MTIz"));
    }

    #[test]
    fn redact_shows_prefix_and_hash_only() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
        let r = redact(jwt);
        assert!(r.starts_with("eyJhbG…#"), "{r}");
        assert_eq!(r.chars().count(), 6 + 2 + 6);
        assert_ne!(redact("abcdefgh"), redact("abcdefgi"));
    }

    #[test]
    fn short_secret_is_not_shown_whole() {
        let r = redact("secret");
        assert!(!r.contains("secret"), "{r}");
        assert!(r.starts_with("se…#"), "{r}");
    }

    #[test]
    fn scrubs_known_and_patterns() {
        let mut red = Redactor::new();
        red.add("hunter2-password");
        let text = "login hunter2-password Authorization: Bearer abcdefghijklmnopqrstuvwxyz \
                    db=postgres://app:s3cr3tpass@db/x key=AKIAIOSFODNN7EXAMPLE \
                    t=eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.";
        let out = red.scrub(text);
        for secret in [
            "hunter2-password",
            "abcdefghijklmnopqrstuvwxyz",
            "s3cr3tpass",
            "AKIAIOSFODNN7EXAMPLE",
            "eyJzdWIiOiIxIn0",
        ] {
            assert!(!out.contains(secret), "{secret} survived in {out}");
        }
        assert!(out.contains("postgres://app:"), "{out}");
        assert!(out.contains("Bearer "), "{out}");
        // Idempotent: scrubbing twice changes nothing more.
        assert_eq!(red.scrub(&out), out);
    }

    #[test]
    fn short_secrets_only_as_values() {
        let mut red = Redactor::new();
        red.add("notes");
        let out = red.scrub("JWT_SECRET = \"notes\" in app/notes.py; key='notes'; SECRET=notes\npassword: notes # x");
        assert!(out.contains("app/notes.py"), "{out}");
        assert!(
            !out.contains("\"notes\"")
                && !out.contains("'notes'")
                && !out.contains("=notes")
                && !out.contains(": notes"),
            "{out}"
        );
    }

    #[test]
    fn provider_keys_the_detectors_would_not_report_are_hidden_too() {
        // Shorter or differently shaped than the detectors require.
        for key in [
            "sk-abcdefghijklmnopqrstuvw",
            "xoxb-1234567890abc",
            "ghp_abcdefghijklmnopqrstuvwxyz0123456789ABCD",
        ] {
            let out = Redactor::new()
                .scrub(&format!("key={key} end"))
                .into_owned();
            assert!(!out.contains(key), "{key} left whole in {out}");
        }
    }

    #[test]
    fn every_provider_key_the_detectors_know_is_hidden() {
        // Shapes the redactor's own list once lacked: temporary AWS keys, SendGrid keys,
        // Slack webhooks, fine-grained GitHub tokens, session cookies, AWS secrets.
        let samples = [
            "ASIAZ7NOTESQ3BX4WY5V",
            "SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
            "https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnop1234",
            "github_pat_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrs",
            "q8Vt3Lm9ZpX2rN6wK1sD4yF7hJ0cB5gT8uE3iO6a",
            "s3ss10nV4lu3-0123456789abcdef",
            "glpat-abcdefghij0123456789",
            "AIzaSyA1234567890abcdefghijklmnopqrstuv",
            "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789",
            "-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
            "sk_live_abcdefghijklmnop1234",
        ];
        let text = format!(
            "key {} sg {} hook {} pat {} aws_secret_access_key = {} Cookie: session={}\n{}",
            samples[0],
            samples[1],
            samples[2],
            samples[3],
            samples[4],
            samples[5],
            samples[6..].join(" ")
        );
        let out = Redactor::new().scrub(&text).into_owned();
        for s in samples {
            assert!(!out.contains(s), "{s} left whole in {out}");
        }
        for p in crate::secret_patterns::PROVIDER_KEYS {
            assert!(p.may_match(&text), "no sample for {}", p.id);
        }
    }

    #[test]
    fn ordinary_text_is_untouched() {
        let red = Redactor::new();
        let text = "token_type = \"Bearer\"; see https://example.com/docs and user 42";
        assert_eq!(red.scrub(text), text);
    }
}
