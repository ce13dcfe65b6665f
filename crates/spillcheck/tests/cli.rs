//! The command line contract: catalog, docs, exit codes, configuration errors,
//! gates and baselines, run through the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_spillcheck"));
    cmd.env_remove("NO_COLOR");
    cmd
}

fn run(args: &[&str], dir: &Path) -> Output {
    bin()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("spillcheck runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_owned()
}

#[test]
fn rules_json_lists_every_catalog_rule_with_cwe_and_owasp() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["rules", "--format", "json"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    // DESIGN.md's catalog v1 has 47 rules.
    assert_eq!(rules.len(), 61);
    let design = std::fs::read_to_string(workspace_root().join("docs/rules.md")).unwrap();
    for r in &rules {
        let id = r["id"].as_str().unwrap();
        assert!(
            r["cwe"].as_array().is_some_and(|a| !a.is_empty()),
            "{id} has CWE"
        );
        assert!(
            r["owasp"].as_array().is_some_and(|a| !a.is_empty()),
            "{id} has OWASP"
        );
        assert!(
            r["slug"]
                .as_str()
                .unwrap()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'),
            "{id} slug"
        );
        assert!(design.contains(id));
    }
    let mut cwes: Vec<String> = rules
        .iter()
        .flat_map(|r| {
            r["cwe"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_owned())
        })
        .collect();
    cwes.sort();
    for mission in [200, 209, 213, 215, 312, 359, 522, 532, 538, 540] {
        assert!(
            cwes.contains(&format!("CWE-{mission}")),
            "mission CWE-{mission} not covered"
        );
    }
}

#[test]
fn every_rule_has_complete_docs() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["rules", "--format", "json"], dir.path());
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    for r in rules {
        let id = r["id"].as_str().unwrap();
        let o = run(&["explain", id, "--format", "json"], dir.path());
        assert!(o.status.success());
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let docs = v["docs"].as_str().unwrap();
        for section in [
            "## What it finds",
            "## Why it matters",
            "## Example",
            "## Fix",
        ] {
            let at = docs
                .find(section)
                .unwrap_or_else(|| panic!("{id} lacks {section}"));
            let rest = docs[at + section.len()..].trim_start();
            assert!(
                !rest.is_empty() && !rest.starts_with("## "),
                "{id}: {section} is empty"
            );
        }
    }
}

#[test]
fn docs_rules_md_is_generated_from_the_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["rules", "--format", "markdown"], dir.path());
    let committed = std::fs::read_to_string(workspace_root().join("docs/rules.md")).unwrap();
    assert!(
        stdout(&o) == committed,
        "docs/rules.md is stale: run `cargo run -q -- rules --format markdown > docs/rules.md`"
    );
}

#[test]
fn explain_by_id_and_slug_and_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let by_id = run(&["explain", "sc102"], dir.path());
    let by_slug = run(
        &["explain", "object-id-without-ownership-check"],
        dir.path(),
    );
    assert!(by_id.status.success());
    assert_eq!(stdout(&by_id), stdout(&by_slug));
    assert!(stdout(&by_id).contains("CWE-639"));
    let unknown = run(&["explain", "SC999"], dir.path());
    assert_eq!(unknown.status.code(), Some(2));
    assert_eq!(
        stderr(&unknown).lines().count(),
        1,
        "one-line error: {}",
        stderr(&unknown)
    );
    assert!(stderr(&unknown).contains("SC999"));
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run(&["nonsense"], dir.path()).status.code(), Some(2));
    assert_eq!(
        run(&["report", "x.json", "--fail-under", "101"], dir.path())
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["report", "x.json", "--format", "yaml"], dir.path())
            .status
            .code(),
        Some(2)
    );
    assert!(run(&["--version"], dir.path()).status.success());
}

/// A saved JSON report with one high and one low finding.
fn saved_report(dir: &Path) -> PathBuf {
    let finding = |rule_id: &str, rule: &str, severity: &str, line: u32, text: &str| {
        serde_json::json!({
            "rule_id": rule_id, "rule": rule, "title": rule, "severity": severity, "confidence": "likely",
            "cwe": ["CWE-639"], "owasp": ["API1:2023"], "message": format!("finding at {line}"),
            "location": {"path": "app.py", "line": line, "column": 1,
                         "snippet": {"start_line": line, "lines": [text]}},
            "fingerprint": "", "fix": "fix it"
        })
    };
    let report = serde_json::json!({
        "schema": 1, "tool": {"name": "spillcheck", "version": "0.1.0"},
        "target": {"paths": ["app.py"]}, "score": 0, "grade": "F",
        "summary": {"critical": 0, "high": 1, "medium": 0, "low": 1, "info": 0},
        "owasp": [], "findings": [
            finding("SC102", "object-id-without-ownership-check", "high", 10, "row = get(note_id)"),
            finding("SC222", "version-banner-disclosed", "low", 3, "SERVER = 'x'"),
        ],
        "diagnostics": []
    });
    let path = dir.join("report.json");
    std::fs::write(&path, serde_json::to_string(&report).unwrap()).unwrap();
    path
}

#[test]
fn gate_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    saved_report(dir.path());
    // Default gate: any finding of severity low or more fails.
    let o = run(&["report", "report.json"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("gate failed"));
    assert!(stdout(&o).contains("SC102"));
    // Only critical fails: passes.
    assert_eq!(
        run(
            &["report", "report.json", "--fail-on", "critical"],
            dir.path()
        )
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        run(&["report", "report.json", "--fail-on", "high"], dir.path())
            .status
            .code(),
        Some(1)
    );
    // 100 - 15 - 2.25 = 82.75 → 82.
    let json = run(
        &[
            "report",
            "report.json",
            "--format",
            "json",
            "--fail-under",
            "82",
        ],
        dir.path(),
    );
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["score"], 82);
    assert_eq!(v["grade"], "B");
    assert_eq!(
        run(&["report", "report.json", "--fail-under", "83"], dir.path())
            .status
            .code(),
        Some(1)
    );
    // --select narrows what counts.
    assert_eq!(
        run(
            &[
                "report",
                "report.json",
                "--select",
                "SC2",
                "--fail-on",
                "high"
            ],
            dir.path()
        )
        .status
        .code(),
        Some(0)
    );
}

#[test]
fn baseline_round_trip_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    saved_report(dir.path());
    let w = run(
        &[
            "report",
            "report.json",
            "--write-baseline",
            "baseline.json",
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(w.status.code(), Some(0), "{}", stderr(&w));
    let b = run(
        &[
            "report",
            "report.json",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(b.status.code(), Some(0), "no new findings: {}", stderr(&b));
    let v: serde_json::Value = serde_json::from_slice(&b.stdout).unwrap();
    assert_eq!(v["baseline"]["known"], 2);
    assert_eq!(v["baseline"]["new"], 0);
    assert_eq!(v["score"], 100);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["new"] == false)
    );
    // A baseline that is not one is a clear error.
    std::fs::write(dir.path().join("bad.json"), "[]").unwrap();
    let bad = run(
        &["report", "report.json", "--baseline", "bad.json"],
        dir.path(),
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("bad.json"));
}

#[test]
fn unknown_rule_ids_and_config_keys_exit_2_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    saved_report(dir.path());
    let o = run(
        &["report", "report.json", "--select", "SC102,SC999"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("SC999") && stderr(&o).contains("--select"),
        "{}",
        stderr(&o)
    );

    std::fs::write(
        dir.path().join("spillcheck.toml"),
        "select = [\"SC1\"]\nfail_unde = 3\n",
    )
    .unwrap();
    let o = run(&["report", "report.json"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("fail_unde") && stderr(&o).contains("spillcheck.toml"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));

    std::fs::write(dir.path().join("spillcheck.toml"), "ignore = [\"SC777\"]\n").unwrap();
    let o = run(&["report", "report.json"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("SC777"), "{}", stderr(&o));

    std::fs::remove_file(dir.path().join("spillcheck.toml")).unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"x\"\n[tool.spillcheck]\nignore = [\"SC102\"]\n[tool.spillcheck.severity]\nSC222 = \"info\"\n",
    )
    .unwrap();
    let o = run(&["report", "report.json", "--format", "json"], dir.path());
    assert_eq!(
        o.status.code(),
        Some(0),
        "SC102 ignored, SC222 lowered to info: {}",
        stderr(&o)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    assert_eq!(v["findings"][0]["severity"], "info");
}

#[test]
fn every_format_renders_and_output_file_is_written() {
    let dir = tempfile::tempdir().unwrap();
    saved_report(dir.path());
    for format in ["text", "json", "sarif", "junit", "markdown"] {
        let out = format!("out.{format}");
        let o = run(
            &[
                "report",
                "report.json",
                "--format",
                format,
                "-o",
                &out,
                "--fail-on",
                "critical",
            ],
            dir.path(),
        );
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
        let text = std::fs::read_to_string(dir.path().join(&out)).unwrap();
        assert!(text.contains("SC102"), "{format}");
        assert!(
            !text.contains('\x1b'),
            "{format} has no colour codes in a file"
        );
    }
}

#[test]
fn error_messages_do_not_echo_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dGhpc2lzYXNpZ25hdHVyZQ";
    let o = run(&["report", &format!("{token}.json")], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains(token), "{}", stderr(&o));
}

#[test]
fn malformed_jwt_is_a_one_line_error_without_the_token() {
    let dir = tempfile::tempdir().unwrap();
    for bad in [
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0",
        "eyJhbGciOiJIUzI1NiJ9.!!!notbase64!!!.c2ln",
        "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln",
    ] {
        let o = run(&["jwt", bad], dir.path());
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
        assert!(stderr(&o).contains("not a JWT"), "{}", stderr(&o));
        assert!(!stderr(&o).contains(bad));
    }
}

#[test]
fn itsdangerous_tokens_are_audited_for_their_lifetime() {
    // Real tokens from the itsdangerous package Flask installs: URLSafeSerializer signs no
    // timestamp (SC303: never expires), URLSafeTimedSerializer does (silent).
    let python = workspace_root().join(".venv/bin/python");
    assert!(python.exists(), "run scripts/setup.sh first");
    let mint = |class: &str| {
        let out = Command::new(&python)
            .args([
                "-c",
                &format!(
                    "from itsdangerous import {class} as S; print(S('k3y', salt='auth').dumps(['alicebudget']))"
                ),
            ])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let dir = tempfile::tempdir().unwrap();
    let untimed = mint("URLSafeSerializer");
    let o = run(&["jwt", &untimed, "--format", "json"], dir.path());
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        common::reports_untimed_itsdangerous(&report),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains(&untimed) && !stderr(&o).contains(&untimed));
    let timed = mint("URLSafeTimedSerializer");
    let o = run(&["jwt", &timed, "--format", "json"], dir.path());
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        0,
        "{}",
        stdout(&o)
    );
}
