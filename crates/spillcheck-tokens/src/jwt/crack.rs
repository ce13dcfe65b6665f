//! Weak HMAC secrets (SC301): HS256/384/512 signatures checked against a built-in list
//! of common and default secrets (with simple manglings) and any `--wordlist`,
//! streamed in batches and checked on every core.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use rayon::prelude::*;
use sha2::{Sha256, Sha384, Sha512};

use super::Jwt;

/// Secrets seen in tutorials, scaffolds, docs and default configs.
const BASE_WORDS: &[&str] = &[
    "secret",
    "secret-key",
    "secret_key",
    "secretkey",
    "super-secret",
    "supersecret",
    "super_secret",
    "super-secret-key",
    "jwt",
    "jwt-secret",
    "jwt_secret",
    "jwtsecret",
    "jwt-secret-key",
    "jwt_secret_key",
    "your-256-bit-secret",
    "your-secret-key",
    "your_secret_key",
    "change-this-to-a-secure-random-value",
    "changeme",
    "change-me",
    "change_me",
    "changeit",
    "password",
    "passw0rd",
    "p@ssw0rd",
    "admin",
    "administrator",
    "root",
    "test",
    "testing",
    "dev",
    "development",
    "devkey",
    "dev-key",
    "prod",
    "production",
    "default",
    "key",
    "mykey",
    "my-key",
    "my_secret",
    "mysecret",
    "my-secret",
    "my-secret-key",
    "mysecretkey",
    "s3cr3t",
    "s3cret",
    "secr3t",
    "token",
    "token-secret",
    "auth",
    "auth-secret",
    "authsecret",
    "api",
    "apikey",
    "api-key",
    "api_secret",
    "app",
    "app-secret",
    "appsecret",
    "app_secret_key",
    "flask",
    "flask-secret",
    "flask_secret_key",
    "django-insecure",
    "notes",
    "hello",
    "hello-world",
    "helloworld",
    "qwerty",
    "letmein",
    "welcome",
    "abc123",
    "123456",
    "12345678",
    "1234567890",
    "password123",
    "secret123",
    "shhhhh",
    "shhh",
    "keyboard cat",
    "keyboardcat",
    "thisismysecret",
    "this-is-a-secret",
    "topsecret",
    "top-secret",
    "hunter2",
    "sunshine",
    "dragon",
    "monkey",
    "master",
    "login",
    "access",
    "private",
    "private-key",
    "signing-key",
    "signingkey",
    "hmac",
    "hmac-secret",
    "hs256",
    "HS256",
    "gopher",
    "node",
    "express",
    "spring",
    "rails",
    "laravel",
    "example",
    "sample",
    "demo",
    "local",
    "localhost",
    "server",
    "backend",
    "insecure",
    "unsafe",
    "null",
    "undefined",
    "none",
    "empty",
    "a",
    "x",
];

/// The built-in candidates: base words and simple manglings (capitalised, upper, with
/// common suffixes and years).
pub(crate) fn builtin() -> Vec<String> {
    let mut out = Vec::with_capacity(BASE_WORDS.len() * 24);
    out.push(String::new());
    for w in BASE_WORDS {
        out.extend(mangle(w));
    }
    out
}

fn mangle(w: &str) -> Vec<String> {
    let mut cap = w.to_owned();
    if let Some(first) = cap.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    let mut v = vec![w.to_ascii_uppercase()];
    for base in [w.to_owned(), cap] {
        for suffix in [
            "1", "12", "123", "1234", "!", "!!", "@123", "_key", "-key", "key",
        ] {
            v.push(format!("{base}{suffix}"));
        }
        for year in 2015..=2026 {
            v.push(format!("{base}{year}"));
        }
        v.push(base);
    }
    v
}

/// What a cracking run did.
#[derive(Debug, Clone)]
pub struct CrackResult {
    /// The secret, if found (redact before showing).
    pub secret: Option<String>,
    /// Candidates tried.
    pub guesses: u64,
    /// Time spent.
    pub elapsed: Duration,
}

#[derive(Clone, Copy)]
enum Algo {
    Hs256,
    Hs384,
    Hs512,
}

fn algo(jwt: &Jwt) -> Option<Algo> {
    match jwt.alg() {
        "HS256" => Some(Algo::Hs256),
        "HS384" => Some(Algo::Hs384),
        "HS512" => Some(Algo::Hs512),
        _ => None,
    }
}

/// HS256 at the compression-function level: the signing input's blocks are padded once,
/// and each guess costs exactly the SHA-256 compressions HMAC needs (key block + message
/// blocks inner, key block + one block outer), with no buffering or allocation.
struct Hs256 {
    blocks: Vec<sha2::digest::generic_array::GenericArray<u8, sha2::digest::consts::U64>>,
    sig: [u8; 32],
}

const IV256: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

impl Hs256 {
    fn new(input: &[u8], sig: &[u8]) -> Option<Hs256> {
        let sig: [u8; 32] = sig.try_into().ok()?;
        let mut padded = input.to_vec();
        padded.push(0x80);
        while padded.len() % 64 != 56 {
            padded.push(0);
        }
        let bits = (64 + input.len() as u64) * 8;
        padded.extend_from_slice(&bits.to_be_bytes());
        let blocks = padded
            .chunks_exact(64)
            .map(|c| *sha2::digest::generic_array::GenericArray::from_slice(c))
            .collect();
        Some(Hs256 { blocks, sig })
    }

    fn check(&self, key: &[u8]) -> bool {
        use sha2::Digest as _;
        let mut k = [0u8; 64];
        if key.len() > 64 {
            k[..32].copy_from_slice(&Sha256::digest(key));
        } else {
            k[..key.len()].copy_from_slice(key);
        }
        let mut ipad = [0u8; 64];
        let mut opad = [0u8; 64];
        for i in 0..64 {
            ipad[i] = k[i] ^ 0x36;
            opad[i] = k[i] ^ 0x5c;
        }
        let mut inner = IV256;
        sha2::compress256(&mut inner, &[ipad.into()]);
        sha2::compress256(&mut inner, &self.blocks);
        let mut last = [0u8; 64];
        for (i, w) in inner.iter().enumerate() {
            last[i * 4..i * 4 + 4].copy_from_slice(&w.to_be_bytes());
        }
        last[32] = 0x80;
        last[56..].copy_from_slice(&768u64.to_be_bytes());
        let mut outer = IV256;
        sha2::compress256(&mut outer, &[opad.into(), last.into()]);
        outer
            .iter()
            .zip(self.sig.chunks_exact(4))
            .all(|(w, s)| w.to_be_bytes() == s)
    }
}

/// A signature checker for one token: the fast HS256 path, or the generic HMAC.
enum Checker<'a> {
    Fast(Hs256),
    Generic(Algo, &'a [u8], &'a [u8]),
}

impl<'a> Checker<'a> {
    fn new(algo: Algo, jwt: &'a Jwt) -> Checker<'a> {
        let input = jwt.signing_input.as_bytes();
        match algo {
            Algo::Hs256 => Hs256::new(input, &jwt.signature)
                .map_or(Checker::Generic(algo, input, &jwt.signature), Checker::Fast),
            _ => Checker::Generic(algo, input, &jwt.signature),
        }
    }

    fn check(&self, key: &[u8]) -> bool {
        match self {
            Checker::Fast(h) => h.check(key),
            Checker::Generic(algo, input, sig) => verifies(*algo, key, input, sig),
        }
    }
}

fn verifies(algo: Algo, key: &[u8], input: &[u8], sig: &[u8]) -> bool {
    fn check<M: Mac + hmac::digest::KeyInit>(key: &[u8], input: &[u8], sig: &[u8]) -> bool {
        let Ok(mut mac) = <M as hmac::digest::KeyInit>::new_from_slice(key) else {
            return false;
        };
        mac.update(input);
        mac.verify_slice(sig).is_ok()
    }
    match algo {
        Algo::Hs256 => check::<Hmac<Sha256>>(key, input, sig),
        Algo::Hs384 => check::<Hmac<Sha384>>(key, input, sig),
        Algo::Hs512 => check::<Hmac<Sha512>>(key, input, sig),
    }
}

fn try_batch(checker: &Checker<'_>, batch: &[String], found: &AtomicBool) -> Option<String> {
    batch
        .par_iter()
        .with_min_len(256)
        .find_any(|k| !found.load(Ordering::Relaxed) && checker.check(k.as_bytes()))
        .cloned()
}

/// One chunk of a wordlist (whole lines): the candidate that verifies, if any.
fn try_chunk(checker: &Checker<'_>, chunk: &[u8]) -> Option<String> {
    chunk
        .par_split(|b| *b == b'\n')
        .map(|w| w.strip_suffix(b"\r").unwrap_or(w))
        .find_any(|w| checker.check(w))
        .map(|w| String::from_utf8_lossy(w).into_owned())
}

/// The published list of JWT secrets found in public code (wallarm/jwt-secrets, MIT; see
/// `data/jwt-secrets/README.md` and `LICENSE` in this crate), gzip as published.
static PUBLISHED_GZ: &[u8] = include_bytes!("../../data/jwt-secrets/jwt.secrets.list.gz");

/// How many secrets the published list holds.
pub(crate) const PUBLISHED_COUNT: u64 = 103_979;

/// The published list, decompressed once: one secret per line.
pub(crate) fn published() -> &'static [u8] {
    static LIST: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        use std::io::Read as _;
        let mut out = Vec::with_capacity(1 << 21);
        // The bytes are part of the binary: a failure here is a build defect, and an
        // empty list only means fewer guesses.
        let _ = flate2::read::GzDecoder::new(PUBLISHED_GZ).read_to_end(&mut out);
        out
    })
}

/// Tries the built-in words, `extra` candidates, then the published list of 103,979
/// secrets in full. `None` when the token is not HMAC-signed.
pub fn crack(jwt: &Jwt, extra: &[String]) -> Option<CrackResult> {
    let algo = algo(jwt)?;
    let start = Instant::now();
    let mut candidates = builtin();
    candidates.extend(extra.iter().cloned());
    let found = AtomicBool::new(false);
    let checker = Checker::new(algo, jwt);
    let mut guesses = candidates.len() as u64;
    let mut secret = try_batch(&checker, &candidates, &found);
    if secret.is_none() {
        secret = try_chunk(&checker, published());
        guesses += PUBLISHED_COUNT;
    }
    Some(CrackResult {
        secret,
        guesses,
        elapsed: start.elapsed(),
    })
}

/// Streams a wordlist (one candidate per line, any size) in batches; `mangle` adds the
/// simple manglings of each word. `None` when the token is not HMAC-signed.
pub fn crack_wordlist(
    jwt: &Jwt,
    path: &Path,
    mangle_words: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> std::io::Result<Option<CrackResult>> {
    let Some(algo) = algo(jwt) else {
        return Ok(None);
    };
    let start = Instant::now();
    let checker = Checker::new(algo, jwt);
    let mut file = std::fs::File::open(path)?;
    let found = AtomicBool::new(false);
    let mut guesses = 0u64;
    let mut secret = None;
    // A reader thread fills whole-line chunks while the cores check the previous one.
    let (tx, rx) = std::sync::mpsc::sync_channel::<std::io::Result<Vec<u8>>>(2);
    std::thread::scope(|scope| -> std::io::Result<()> {
        let stop = &found;
        scope.spawn(move || {
            use std::io::Read as _;
            let mut carry: Vec<u8> = Vec::new();
            loop {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let mut buf = std::mem::take(&mut carry);
                let old = buf.len();
                buf.resize(old + (4 << 20), 0);
                let n = match file.read(&mut buf[old..]) {
                    Ok(n) => n,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                };
                buf.truncate(old + n);
                if n == 0 {
                    if !buf.is_empty() {
                        let _ = tx.send(Ok(buf));
                    }
                    return;
                }
                if let Some(cut) = memchr::memrchr(b'\n', &buf) {
                    carry = buf.split_off(cut + 1);
                    if tx.send(Ok(buf)).is_err() {
                        return;
                    }
                } else {
                    carry = buf;
                }
            }
        });
        for chunk in rx {
            let chunk = chunk?;
            if mangle_words {
                let words: Vec<String> = chunk
                    .split(|b| *b == b'\n')
                    .filter(|w| !w.is_empty())
                    .flat_map(|w| {
                        mangle(&String::from_utf8_lossy(w.strip_suffix(b"\r").unwrap_or(w)))
                    })
                    .collect();
                guesses += words.len() as u64;
                secret = try_batch(&checker, &words, &found);
            } else {
                guesses += memchr::memchr_iter(b'\n', &chunk).count() as u64
                    + u64::from(!chunk.ends_with(b"\n"));
                secret = try_chunk(&checker, &chunk);
            }
            progress(guesses);
            if secret.is_some() {
                found.store(true, Ordering::Relaxed);
                break;
            }
        }
        Ok(())
    })?;
    Ok(Some(CrackResult {
        secret,
        guesses,
        elapsed: start.elapsed(),
    }))
}

#[cfg(test)]
pub(crate) fn sign(alg: &str, claims: &str, key: &str) -> String {
    use base64::Engine as _;
    let e = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let input = format!(
        "{}.{}",
        e(format!("{{\"alg\":\"{alg}\",\"typ\":\"JWT\"}}").as_bytes()),
        e(claims.as_bytes())
    );
    let sig = if alg == "HS384" {
        let mut m =
            <Hmac<Sha384> as hmac::digest::KeyInit>::new_from_slice(key.as_bytes()).unwrap();
        m.update(input.as_bytes());
        m.finalize().into_bytes().to_vec()
    } else {
        let mut m =
            <Hmac<Sha256> as hmac::digest::KeyInit>::new_from_slice(key.as_bytes()).unwrap();
        m.update(input.as_bytes());
        m.finalize().into_bytes().to_vec()
    };
    format!("{input}.{}", e(&sig))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_builtin_and_mangled_secrets() {
        for key in ["super-secret", "Secret2024", "changeme123", ""] {
            let jwt = Jwt::decode(&sign("HS256", r#"{"sub":"2"}"#, key)).unwrap();
            assert_eq!(
                crack(&jwt, &[]).unwrap().secret.as_deref(),
                Some(key),
                "{key:?}"
            );
        }
        let jwt = Jwt::decode(&sign("HS384", r#"{"sub":"2"}"#, "jwt-secret")).unwrap();
        assert_eq!(
            crack(&jwt, &[]).unwrap().secret.as_deref(),
            Some("jwt-secret")
        );
    }

    #[test]
    fn published_list_is_tried_in_full() {
        let list = published();
        let lines: Vec<&[u8]> = list
            .split(|b| *b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .filter(|l| !l.is_empty())
            .collect();
        assert!(lines.len() as u64 >= PUBLISHED_COUNT - 1, "{}", lines.len());
        // Its last entry and one from the middle, none of them a built-in word.
        for key in [lines[lines.len() - 1], lines[lines.len() / 2]] {
            let key = std::str::from_utf8(key).unwrap();
            assert!(!builtin().iter().any(|b| b == key));
            let jwt = Jwt::decode(&sign("HS256", r#"{"sub":"2"}"#, key)).unwrap();
            let r = crack(&jwt, &[]).unwrap();
            assert_eq!(r.secret.as_deref(), Some(key));
            assert!(r.guesses >= PUBLISHED_COUNT, "{}", r.guesses);
        }
    }

    #[test]
    fn strong_secret_is_not_found_and_rs256_is_skipped() {
        let jwt = Jwt::decode(&sign(
            "HS256",
            r#"{"sub":"2"}"#,
            "q8Vt3Lm9ZpX2rN6wK1sD4yF7hJ0cB5gT",
        ))
        .unwrap();
        let r = crack(&jwt, &[]).unwrap();
        assert_eq!(r.secret, None);
        assert!(r.guesses > 2000, "{}", r.guesses);
        let rs = Jwt::decode("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln").unwrap();
        assert!(crack(&rs, &[]).is_none());
    }

    #[test]
    fn wordlist_streams_and_mangles() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("words.txt");
        let text = (0..200_000).fold(String::new(), |mut t, i| {
            use std::fmt::Write as _;
            let _ = writeln!(t, "candidate{i}");
            t
        });
        std::fs::write(&list, text).unwrap();
        let jwt = Jwt::decode(&sign("HS256", r#"{"sub":"2"}"#, "candidate199999")).unwrap();
        let r = crack_wordlist(&jwt, &list, false, &|_| {})
            .unwrap()
            .unwrap();
        assert_eq!(r.secret.as_deref(), Some("candidate199999"));
        assert_eq!(r.guesses, 200_000);
        let short = dir.path().join("short.txt");
        std::fs::write(&short, "tulip\norchid\r\nlily\n").unwrap();
        let jwt = Jwt::decode(&sign("HS256", r#"{"sub":"2"}"#, "Orchid2019")).unwrap();
        let r = crack_wordlist(&jwt, &short, true, &|_| {})
            .unwrap()
            .unwrap();
        assert_eq!(r.secret.as_deref(), Some("Orchid2019"));
    }

    #[test]
    fn fast_hs256_agrees_with_hmac() {
        let long = "k".repeat(100);
        for claims in [
            r#"{"sub":"2"}"#,
            &format!(r#"{{"pad":"{}"}}"#, "x".repeat(300)),
        ] {
            for key in ["", "a", "super-secret", &"y".repeat(64), &long] {
                let jwt = Jwt::decode(&sign("HS256", claims, key)).unwrap();
                let fast = Hs256::new(jwt.signing_input.as_bytes(), &jwt.signature).unwrap();
                assert!(fast.check(key.as_bytes()), "{key:?}");
                assert!(!fast.check(b"wrong"), "{key:?}");
                assert!(verifies(
                    Algo::Hs256,
                    key.as_bytes(),
                    jwt.signing_input.as_bytes(),
                    &jwt.signature
                ));
            }
        }
    }

    #[test]
    fn wordlist_edges_crlf_and_no_final_newline() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("w.txt");
        std::fs::write(&list, "alpha\r\nbeta\r\ngamma").unwrap();
        for key in ["beta", "gamma"] {
            let jwt = Jwt::decode(&sign("HS256", r#"{"sub":"2"}"#, key)).unwrap();
            let r = crack_wordlist(&jwt, &list, false, &|_| {})
                .unwrap()
                .unwrap();
            assert_eq!(r.secret.as_deref(), Some(key));
        }
        let jwt = Jwt::decode(&sign("HS256", r#"{"sub":"2"}"#, "delta")).unwrap();
        let r = crack_wordlist(&jwt, &list, false, &|_| {})
            .unwrap()
            .unwrap();
        assert_eq!((r.secret, r.guesses), (None, 3));
    }
}
