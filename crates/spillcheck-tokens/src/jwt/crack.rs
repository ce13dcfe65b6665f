//! Weak HMAC secrets (SC301): HS256/384/512 signatures checked against a built-in list
//! of common and default secrets (with simple manglings) and any `--wordlist`,
//! streamed in batches and checked on every core.

use std::io::BufRead as _;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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

fn try_batch(algo: Algo, jwt: &Jwt, batch: &[String], found: &AtomicBool) -> Option<String> {
    let input = jwt.signing_input.as_bytes();
    batch
        .par_iter()
        .with_min_len(256)
        .find_any(|k| {
            !found.load(Ordering::Relaxed) && verifies(algo, k.as_bytes(), input, &jwt.signature)
        })
        .cloned()
}

/// Tries the built-in list plus `extra` candidates. `None` when the token is not HMAC-signed.
pub fn crack(jwt: &Jwt, extra: &[String]) -> Option<CrackResult> {
    let algo = algo(jwt)?;
    let start = Instant::now();
    let mut candidates = builtin();
    candidates.extend(extra.iter().cloned());
    let found = AtomicBool::new(false);
    let secret = try_batch(algo, jwt, &candidates, &found);
    Some(CrackResult {
        secret,
        guesses: candidates.len() as u64,
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
    let file = std::fs::File::open(path)?;
    let reader = std::io::BufReader::with_capacity(1 << 20, file);
    let found = AtomicBool::new(false);
    let guesses = AtomicU64::new(0);
    let mut batch: Vec<String> = Vec::with_capacity(1 << 16);
    let mut secret = None;
    let flush = |batch: &mut Vec<String>| -> Option<String> {
        guesses.fetch_add(batch.len() as u64, Ordering::Relaxed);
        let hit = try_batch(algo, jwt, batch, &found);
        batch.clear();
        progress(guesses.load(Ordering::Relaxed));
        hit
    };
    for line in reader.split(b'\n') {
        let line = line?;
        let word = String::from_utf8_lossy(&line)
            .trim_end_matches('\r')
            .to_owned();
        if mangle_words {
            batch.extend(mangle(&word));
        } else {
            batch.push(word);
        }
        if batch.len() >= 1 << 16
            && let Some(s) = flush(&mut batch)
        {
            secret = Some(s);
            break;
        }
    }
    if secret.is_none() && !batch.is_empty() {
        secret = flush(&mut batch);
    }
    Ok(Some(CrackResult {
        secret,
        guesses: guesses.load(Ordering::Relaxed),
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
}
