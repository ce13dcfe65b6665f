//! The file scanner on generated files: true positives and near misses, streaming
//! across chunk boundaries, gzip, grouping per distinct secret, binary files.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use spillcheck_tokens::detect::Scanner;
use spillcheck_tokens::scan::{ScanOptions, scan_files};

fn corpus(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/corpus")
            .join(name),
    )
    .unwrap()
}

fn show(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn every_true_positive_line_fires_once() {
    for line in corpus("true_positives.txt").lines() {
        let mut out = Vec::new();
        Scanner::get().scan_line(line, false, &mut out);
        assert_eq!(out.len(), 1, "{line}: {out:?}");
    }
}

#[test]
fn no_near_miss_fires() {
    for line in corpus("near_misses.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
    {
        let mut out = Vec::new();
        Scanner::get().scan_line(line, false, &mut out);
        assert!(out.is_empty(), "{line}: {out:?}");
    }
}

const TOKEN: &str =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIyIn0.q8Vt3Lm9ZpX2rN6wK1sD4yF7hJ0cB5gT8uE3iO6a";
const OTHER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIzIn0.Zz8Vt3Lm9ZpX2rN6wK1sD4yF7hJ0cB5gT8uE3iO6b";

/// A log of `lines` lines; every 100th carries TOKEN, line 777 carries OTHER once.
fn write_log(path: &PathBuf, lines: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 1..=lines {
        if i == 777 {
            writeln!(f, "2026-11-29 10:00:00 INFO GET /api/notes headers={{'Authorization': 'Bearer {OTHER}'}}").unwrap();
        } else if i % 100 == 0 {
            writeln!(f, "2026-11-29 10:00:00 INFO GET /api/me headers={{'Host': 'x', 'Authorization': 'Bearer {TOKEN}'}}").unwrap();
        } else {
            writeln!(
                f,
                "2026-11-29 10:00:00 INFO 127.0.0.1 GET /api/notes/{i} 200 request_id={i:08x}"
            )
            .unwrap();
        }
    }
}

#[test]
fn large_log_is_grouped_per_secret_with_exact_lines() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    // ~250k lines, ~25 MB: several 4 MiB chunks, so boundaries are crossed.
    write_log(&log, 250_000);
    let r = scan_files(std::slice::from_ref(&log), &show, ScanOptions::default());
    assert_eq!(r.files, 1);
    assert!(r.bytes > 20_000_000);
    let token = r
        .groups
        .iter()
        .find(|g| g.secret == TOKEN)
        .expect("token group");
    assert_eq!(token.count, 2500, "one per 100 lines");
    assert_eq!(token.first.line, 100);
    assert_eq!(token.last.line, 250_000);
    let other = r
        .groups
        .iter()
        .find(|g| g.secret == OTHER)
        .expect("other group");
    assert_eq!((other.count, other.first.line), (1, 777));
    assert_eq!(
        r.groups.len(),
        2,
        "{:?}",
        r.groups.iter().map(|g| &g.detector).collect::<Vec<_>>()
    );
}

#[test]
fn gzip_and_binary_files() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    write_log(&log, 1000);
    let gz = dir.path().join("app.log.1.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(&std::fs::read(&log).unwrap()).unwrap();
    enc.finish().unwrap();
    let bin = dir.path().join("core.dump");
    std::fs::write(&bin, [0u8, 1, 2, 3, b'e', b'y', b'J']).unwrap();
    let r = scan_files(&[gz.clone(), bin.clone()], &show, ScanOptions::default());
    let token = r
        .groups
        .iter()
        .find(|g| g.secret == TOKEN)
        .expect("token in .gz");
    assert_eq!(token.count, 10);
    assert_eq!(token.first.path, "app.log.1.gz");
    assert_eq!(r.notes.len(), 1);
    assert!(r.notes[0].1.contains("binary"), "{:?}", r.notes);
}

/// A token whose `exp` is long past (an API description's example response) is only a
/// possible secret when committed; in a log it is still a token that was logged.
#[test]
fn an_expired_token_committed_is_possible_not_in_logs() {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let token = |exp: i64| {
        format!(
            "{}.{}.n17N4AxTbL4_z65-NR46meoytauPDjImUxrLiUMSTQw",
            b64(r#"{"typ":"JWT","alg":"HS256"}"#),
            b64(&format!(r#"{{"exp":{exp},"sub":"John.Doe"}}"#))
        )
    };
    let (expired, live) = (token(1_670_160_617), token(4_102_444_800));
    // An app's own expiry claim, as a float.
    let own_claim = format!(
        "{}.{}.VVtGaTXKXeTuH3LaKPAnOeb0kk625QN-RYzd_ig9rkY",
        b64(r#"{"typ":"JWT","alg":"HS256"}"#),
        b64(r#"{"username":"kmm","expires":1600000000.0}"#)
    );
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("openapi.yml");
    std::fs::write(
        &spec,
        format!("example: '{expired}'\nlive: '{live}'\nold: '{own_claim}'\n"),
    )
    .unwrap();
    let r = scan_files(&[spec], &show, ScanOptions::default());
    let confidence = |context, secret: &str| {
        spillcheck_tokens::findings::to_findings(&r, context)
            .into_iter()
            .find(|f| f.secrets.iter().any(|s| s == secret))
            .map(|f| f.confidence)
            .expect("found")
    };
    use spillcheck_core::Confidence;
    use spillcheck_tokens::findings::Context;
    assert_eq!(
        confidence(Context::ProjectFiles, &expired),
        Confidence::Possible
    );
    assert_ne!(
        confidence(Context::ProjectFiles, &live),
        Confidence::Possible
    );
    assert_ne!(confidence(Context::Logs, &expired), Confidence::Possible);
    assert_eq!(
        confidence(Context::ProjectFiles, &own_claim),
        Confidence::Possible
    );
}
