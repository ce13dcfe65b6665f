//! The history database: recording, comparison, migrations, damaged and locked files.

use spillcheck_core::{
    Confidence, Finding, Grade, Location, Report, Severity, Summary, Target, Tool,
};
use spillcheck_history::{History, HistoryError};

fn finding(rule: &str, fp: &str, severity: Severity) -> Finding {
    Finding {
        rule_id: rule.into(),
        rule: "slug".into(),
        title: "title".into(),
        severity,
        confidence: Confidence::Likely,
        cwe: Vec::new(),
        owasp: Vec::new(),
        message: "message".into(),
        location: Some(Location {
            path: "app.py".into(),
            line: 3,
            column: 1,
            end_line: None,
            end_column: None,
            snippet: None,
        }),
        route: None,
        http: None,
        fingerprint: fp.into(),
        fix: String::new(),
        new: None,
        notes: Vec::new(),
        key: None,
        autofix: None,
        compliance: std::collections::BTreeMap::new(),
        secrets: Vec::new(),
        app_wide: false,
    }
}

fn report(score: u8, findings: Vec<Finding>) -> Report {
    Report {
        schema: 1,
        tool: Tool {
            name: "spillcheck".into(),
            version: "0.1.0".into(),
        },
        target: Target {
            paths: vec!["app".into()],
            url: None,
        },
        score,
        grade: Grade::from_score(score),
        summary: Summary::default(),
        owasp: Vec::new(),
        baseline: None,
        suppressed: 0,
        below_confidence: 0,
        findings,
        diagnostics: Vec::new(),
        compliance: Vec::new(),
    }
}

#[test]
fn records_runs_and_compares_with_the_previous_one_of_the_same_target() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/history.db");
    let mut h = History::open(&path).unwrap();
    let first = h
        .record(
            "notes",
            &report(80, vec![finding("SC101", "a", Severity::High)]),
            100,
        )
        .unwrap();
    assert!(first.previous.is_none());
    assert_eq!(first.new.len(), 1);
    // Another target in between does not count as "previous".
    h.record("other", &report(10, vec![]), 150).unwrap();
    let second = h
        .record(
            "notes",
            &report(
                60,
                vec![
                    finding("SC102", "b", Severity::High),
                    finding("SC110", "c", Severity::High),
                ],
            ),
            200,
        )
        .unwrap();
    assert_eq!(second.previous.as_ref().unwrap().id, first.run.id);
    assert_eq!(second.score_change(), -20);
    let new: Vec<_> = second.new.iter().map(|f| f.rule_id.as_str()).collect();
    assert_eq!(new, ["SC102", "SC110"]);
    assert_eq!(second.fixed.len(), 1);
    assert_eq!(second.fixed[0].rule_id, "SC101");
    assert_eq!(second.fixed[0].place(), "app.py:3");
    drop(h);
    let mut h = History::open(&path).unwrap();
    let runs = h.runs(Some("notes"), None).unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!((runs[1].high, runs[1].new, runs[1].fixed), (2, 2, 1));
    assert_eq!(h.runs(None, None).unwrap().len(), 3);
    assert_eq!(h.runs(Some("notes"), Some(1)).unwrap()[0].score, 60);
    assert_eq!(h.targets().unwrap(), ["notes", "other"]);
    let trend: Vec<u8> = h.trend("notes").unwrap().iter().map(|p| p.score).collect();
    assert_eq!(trend, [80, 60]);
}

#[test]
fn a_file_that_is_not_a_database_is_an_error_and_stays_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let garbage = b"this is not sqlite at all, but someone's notes\n".repeat(200);
    std::fs::write(&path, &garbage).unwrap();
    let err = History::open(&path).err().expect("must fail");
    assert!(matches!(err, HistoryError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("left untouched"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
}

#[test]
fn a_damaged_database_keeps_its_earlier_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let mut h = History::open(&path).unwrap();
    h.record("t", &report(90, vec![]), 1).unwrap();
    drop(h);
    let before = std::fs::read(&path).unwrap();
    // Scribble over the middle of the file (page 2 onwards), as a crash or a bad disk might.
    let mut bytes = before.clone();
    for b in bytes.iter_mut().skip(4096).take(4096) {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let outcome = History::open(&path).and_then(|mut h| h.record("t", &report(50, vec![]), 2));
    let err = outcome.expect_err("a damaged database must not take new records");
    assert!(matches!(err, HistoryError::Corrupt { .. }), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "the file was changed");
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    drop(History::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = History::open(&path).err().expect("must fail");
    assert!(
        matches!(err, HistoryError::Newer { version: 99, .. }),
        "{err}"
    );
}

#[test]
fn a_version_1_database_is_migrated_and_keeps_its_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    // A database as the first schema left it.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE runs (id INTEGER PRIMARY KEY, target TEXT NOT NULL, time INTEGER NOT NULL,
            tool_version TEXT NOT NULL, score INTEGER NOT NULL, grade TEXT NOT NULL,
            critical INTEGER NOT NULL, high INTEGER NOT NULL, medium INTEGER NOT NULL,
            low INTEGER NOT NULL, info INTEGER NOT NULL, new INTEGER NOT NULL, fixed INTEGER NOT NULL);
         CREATE INDEX runs_by_target ON runs (target, id);
         CREATE TABLE findings (run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            fingerprint TEXT NOT NULL, rule_id TEXT NOT NULL, severity TEXT NOT NULL,
            title TEXT NOT NULL, message TEXT NOT NULL, path TEXT, line INTEGER, route TEXT);
         CREATE INDEX findings_by_run ON findings (run);
         INSERT INTO runs VALUES (1, 'old', 5, '0.0.9', 70, 'C', 0, 1, 0, 0, 0, 1, 0);
         PRAGMA user_version = 1;",
    )
    .unwrap();
    drop(conn);
    let mut h = History::open(&path).unwrap();
    assert_eq!(h.schema_version().unwrap(), 2);
    let runs = h.runs(Some("old"), None).unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!((runs[0].score, runs[0].scanned.as_str()), (70, ""));
}

#[test]
fn a_lock_held_by_another_process_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    drop(History::open(&path).unwrap());
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let start = std::time::Instant::now();
    let outcome = History::open(&path).and_then(|mut h| h.record("t", &report(90, vec![]), 1));
    let err = outcome.expect_err("must fail while locked");
    assert!(matches!(err, HistoryError::Locked { .. }), "{err}");
    assert!(start.elapsed() >= std::time::Duration::from_secs(4));
    holder.execute_batch("ROLLBACK").unwrap();
}
