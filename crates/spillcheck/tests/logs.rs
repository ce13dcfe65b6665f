//! `spillcheck logs` on the log files the real testbeds write: the leaky app logs the
//! Bearer tokens it receives (SC310), the hardened one does not. Needs the venv of
//! `scripts/setup.sh` (the test command runs it first).

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output};

mod common;

use common::{Testbed, login, start, workspace};

fn get(bed: &Testbed, path: &str, token: &str) -> u16 {
    let mut s = TcpStream::connect(("127.0.0.1", bed.port)).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n").unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    resp.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

fn scan(log: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spillcheck"))
        .args(["logs"])
        .arg(log)
        .args(["--format", "json"])
        .output()
        .unwrap()
}

#[test]
fn leaky_logs_tokens_hardened_does_not() {
    let leaky = start("leaky-notes");
    let hardened = start("hardened-notes");
    let mut tokens = Vec::new();
    for bed in [&leaky, &hardened] {
        let alice = login(bed, "alice");
        let bob = login(bed, "bob");
        for _ in 0..3 {
            assert_eq!(get(bed, "/api/me", &alice), 200);
        }
        assert_eq!(get(bed, "/api/notes", &bob), 200);
        tokens.push((alice, bob));
    }

    let out = scan(&leaky.state.path().join("app.log"));
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let (alice, bob) = &tokens[0];
    let findings = v["findings"].as_array().unwrap();
    for (who, token) in [("alice", alice), ("bob", bob)] {
        assert!(
            !text.contains(token.as_str()),
            "{who}'s token appears whole in the report"
        );
        let redacted = spillcheck_core::redact(token);
        let f = findings
            .iter()
            .find(|f| f["rule_id"] == "SC310" && f["message"].as_str().unwrap().contains(&redacted))
            .unwrap_or_else(|| panic!("no SC310 for {who}'s token in {text}"));
        assert_eq!(
            f["location"]["path"].as_str().unwrap().rsplit('/').next(),
            Some("app.log")
        );
    }
    // Alice's token was sent three times: one finding that counts them.
    let alice_finding = findings
        .iter()
        .find(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .contains(&spillcheck_core::redact(alice))
        })
        .unwrap();
    assert!(
        alice_finding["message"]
            .as_str()
            .unwrap()
            .contains("occurs 3 times"),
        "{alice_finding}"
    );

    let out = scan(&hardened.state.path().join("app.log"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    assert!(
        std::fs::metadata(hardened.state.path().join("app.log"))
            .unwrap()
            .len()
            > 0,
        "the hardened app did log the requests"
    );
}

#[test]
fn code_findings_match_every_testbed_marker() {
    // All code findings, SC1xx and SC320 alike, against the `# expect:` markers.
    let root = workspace();
    let out = Command::new(env!("CARGO_BIN_EXE_spillcheck"))
        .args(["code", "testbeds/leaky-notes", "--format", "json"])
        .current_dir(&root)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut found: Vec<(String, u64, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["location"]["path"].as_str().unwrap().to_owned(),
                f["location"]["line"].as_u64().unwrap(),
                f["rule_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    found.sort();
    let re = regex_lite_markers(&root.join("testbeds/leaky-notes"), &root);
    assert_eq!(found, re);
}

/// `(path, line, rule)` of every `# expect:` marker under `dir`.
fn regex_lite_markers(dir: &Path, root: &Path) -> Vec<(String, u64, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            for e in std::fs::read_dir(&p).unwrap() {
                let e = e.unwrap().path();
                if !e.ends_with("instance") && !e.ends_with("__pycache__") {
                    stack.push(e);
                }
            }
            continue;
        }
        if p.file_name().is_some_and(|n| n == "expected.toml") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
        for (i, line) in text.lines().enumerate() {
            if let Some(rest) = line.split("# expect: ").nth(1) {
                for rule in rest
                    .split(',')
                    .map(|r| r.split_whitespace().next().unwrap_or_default().to_owned())
                {
                    out.push((rel.clone(), i as u64 + 1, rule));
                }
            }
        }
    }
    out.sort();
    out
}

fn jwt_report(token: &str) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_spillcheck"))
        .args(["jwt", "-", "--format", "json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(token.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn jwt_audit_of_the_testbeds_tokens() {
    let leaky = start("leaky-notes");
    let hardened = start("hardened-notes");
    let token = login(&leaky, "alice");
    let (code, text) = jwt_report(&token);
    assert_eq!(code, Some(1), "{text}");
    assert!(!text.contains(&token), "the token appears whole");
    assert!(
        !text.contains("super-secret"),
        "the cracked secret appears whole"
    );
    let v: serde_json::Value = serde_json::from_str(
        text.lines()
            .take_while(|l| !l.starts_with("spillcheck:"))
            .collect::<Vec<_>>()
            .join("\n")
            .as_str(),
    )
    .unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert_eq!(rules, vec!["SC301", "SC302", "SC303"]);
    // The weak secret is found with the built-in list in under a second.
    let msg = v["findings"][0]["message"].as_str().unwrap();
    let ms: u64 = msg
        .split(" ms)")
        .next()
        .unwrap()
        .rsplit('(')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(ms < 1000, "{msg}");
    let (code, text) = jwt_report(&login(&hardened, "alice"));
    assert_eq!(
        code,
        Some(0),
        "the hardened token is short-lived, minimal and strongly signed: {text}"
    );
}
