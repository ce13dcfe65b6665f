//! Behaviour of the score, fingerprints, baselines, gate and report builder.

use spillcheck_core::{
    Baseline, Catalog, Confidence, Finding, Gate, GateOutcome, Grade, Location, OwaspApi,
    ReportBuilder, Severity, Snippet, Target, declare_rule, score,
};

declare_rule! {
    /// ## What it finds
    /// A test rule.
    /// ## Why it matters
    /// Tests.
    /// ## Example
    /// `x`
    /// ## Fix
    /// `y`
    static SC102 = {
        id: "SC102", slug: "object-id-without-ownership-check", title: "Object id without ownership check",
        severity: Severity::High, confidence: Confidence::Likely,
        cwe: &[639], owasp: &[OwaspApi::Api1], fix: "Compare the owner with the caller.",
    }
}
declare_rule! {
    /// ## What it finds
    /// A test rule.
    static SC130 = {
        id: "SC130", slug: "hardcoded-secret-key", title: "Hardcoded secret key",
        severity: Severity::High, confidence: Confidence::Likely,
        cwe: &[540, 798], owasp: &[OwaspApi::Api8], fix: "Read it from the environment.",
    }
}

fn catalog() -> Catalog {
    Catalog::new(vec![&SC102, &SC130])
}

fn at(source: &str, path: &str, line: u32) -> Location {
    Location {
        path: path.into(),
        line,
        column: 1,
        end_line: None,
        end_column: None,
        snippet: Some(Snippet::from_source(source, line, 2)),
    }
}

#[test]
fn score_formula_matches_design() {
    let f = |sev, conf| {
        Finding::new(&SC102, "m")
            .with_severity(sev)
            .with_confidence(conf)
    };
    // One confirmed critical: 100 - 40.
    assert_eq!(
        score::score(&[f(Severity::Critical, Confidence::Confirmed)]),
        60
    );
    // Two of the same rule: the second counts half: 100 - 40 - 20.
    let two = [
        f(Severity::Critical, Confidence::Confirmed),
        f(Severity::Critical, Confidence::Confirmed),
    ];
    assert_eq!(score::score(&two), 40);
    // Likely high (15) + possible medium (3.2) of another rule = 81.8 → rounded down to 81.
    let mixed = [
        f(Severity::High, Confidence::Likely),
        Finding::new(&SC130, "m")
            .with_severity(Severity::Medium)
            .with_confidence(Confidence::Possible),
    ];
    assert!((score::total_penalty(&mixed) - 18.2).abs() < 1e-9);
    assert_eq!(score::score(&mixed), 81);
    assert_eq!(score::grade(&mixed), Grade::B);
    // The heaviest of a rule counts in full whatever the order.
    let order = [
        f(Severity::Low, Confidence::Possible),
        f(Severity::Critical, Confidence::Confirmed),
    ];
    assert!((score::total_penalty(&order) - (40.0 + 0.6)).abs() < 1e-9);
    // Info never costs; the floor is 0.
    assert_eq!(
        score::score(&[f(Severity::Info, Confidence::Confirmed)]),
        100
    );
    let many: Vec<_> = (0..10)
        .map(|_| f(Severity::Critical, Confidence::Confirmed))
        .collect();
    assert_eq!(score::score(&many), 0);
    assert_eq!(Grade::from_score(90), Grade::A);
    assert_eq!(Grade::from_score(89), Grade::B);
    assert_eq!(Grade::from_score(65), Grade::C);
    assert_eq!(Grade::from_score(50), Grade::D);
    assert_eq!(Grade::from_score(49), Grade::F);
}

#[test]
fn owasp_breakdown_sums_to_total() {
    let findings = [
        Finding::new(&SC102, "a"),
        Finding::new(&SC102, "b"),
        Finding::new(&SC130, "c").with_confidence(Confidence::Confirmed),
    ];
    let parts = score::by_owasp(&findings);
    assert_eq!(parts.len(), 2);
    let sum: f64 = parts.iter().map(|p| p.2).sum();
    assert!((sum - score::total_penalty(&findings)).abs() < 1e-9);
    assert_eq!(parts[0].0, OwaspApi::Api1);
    assert_eq!(parts[0].1, 2);
}

fn build(findings: Vec<Finding>) -> spillcheck_core::Report {
    ReportBuilder::new(&catalog(), Target::default(), "0.0.0").build(findings)
}

#[test]
fn fingerprints_survive_line_moves() {
    let before = "import x\n\ndef get(id):\n    return db.get(id)\n";
    let after = "import x\nimport y\n\n# a comment\n\ndef get(id):\n    return db.get(id)\n";
    let r1 = build(vec![Finding::new(&SC102, "m").at(at(
        before,
        "app/views.py",
        4,
    ))]);
    let r2 = build(vec![Finding::new(&SC102, "m").at(at(
        after,
        "app/views.py",
        7,
    ))]);
    assert_eq!(r1.findings[0].fingerprint, r2.findings[0].fingerprint);
    assert!(r1.findings[0].fingerprint.starts_with("sha256:"));
    // A different file, rule or line text gives a different fingerprint.
    let r3 = build(vec![Finding::new(&SC102, "m").at(at(
        before,
        "app/other.py",
        4,
    ))]);
    let r4 = build(vec![Finding::new(&SC130, "m").at(at(
        before,
        "app/views.py",
        4,
    ))]);
    let r5 = build(vec![Finding::new(&SC102, "m").at(at(
        before,
        "app/views.py",
        3,
    ))]);
    for other in [&r3, &r4, &r5] {
        assert_ne!(r1.findings[0].fingerprint, other.findings[0].fingerprint);
    }
}

#[test]
fn identical_lines_get_distinct_stable_fingerprints() {
    let src = "x = get(a)\nx = get(a)\n";
    let r = build(vec![
        Finding::new(&SC102, "m").at(at(src, "a.py", 2)),
        Finding::new(&SC102, "m").at(at(src, "a.py", 1)),
    ]);
    assert_ne!(r.findings[0].fingerprint, r.findings[1].fingerprint);
    let again = build(vec![
        Finding::new(&SC102, "m").at(at(src, "a.py", 1)),
        Finding::new(&SC102, "m").at(at(src, "a.py", 2)),
    ]);
    let mut a: Vec<_> = r.findings.iter().map(|f| f.fingerprint.clone()).collect();
    let mut b: Vec<_> = again
        .findings
        .iter()
        .map(|f| f.fingerprint.clone())
        .collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[test]
fn http_findings_fingerprint_by_route() {
    let a = build(vec![
        Finding::new(&SC102, "user A read note 7").on_route("GET", "/api/notes/{id}"),
    ]);
    let b = build(vec![
        Finding::new(&SC102, "user A read note 9").on_route("get", "/api/notes/{id}"),
    ]);
    assert_eq!(a.findings[0].fingerprint, b.findings[0].fingerprint);
}

#[test]
fn baseline_marks_only_new_findings_and_gates_on_them() {
    let src_v1 = "SECRET_KEY = 'dev'\n\ndef get(id):\n    return db.get(id)\n";
    let old = vec![Finding::new(&SC102, "old").at(at(src_v1, "app.py", 4))];
    let first = build(old);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("baseline.json");
    Baseline::from_findings(&first.findings)
        .write(&path)
        .unwrap();
    let baseline = Baseline::read(&path).unwrap();

    // Later: the old finding moved down two lines, and a new one appeared.
    let src_v2 = "import os\n\nSECRET_KEY = 'dev'\n\ndef get(id):\n    return db.get(id)\n";
    let report = ReportBuilder::new(&catalog(), Target::default(), "0.0.0")
        .baseline("baseline.json", baseline)
        .build(vec![
            Finding::new(&SC102, "old").at(at(src_v2, "app.py", 6)),
            Finding::new(&SC130, "new").at(at(src_v2, "app.py", 3)),
        ]);
    let summary = report.baseline.clone().unwrap();
    assert_eq!((summary.known, summary.new), (1, 1));
    let new: Vec<_> = report.counted().map(|f| f.rule_id.as_str()).collect();
    assert_eq!(new, vec!["SC130"]);
    assert_eq!(report.summary.total(), 1);
    assert_eq!(report.score, score::score(report.counted()));
    // The gate judges only the new finding.
    let gate = Gate {
        fail_under: None,
        fail_on: Some(Severity::Critical),
    };
    assert_eq!(
        gate.judge(report.score, report.counted()),
        GateOutcome::Pass
    );
    let gate = Gate {
        fail_under: None,
        fail_on: Some(Severity::High),
    };
    assert!(matches!(
        gate.judge(report.score, report.counted()),
        GateOutcome::Fail(_)
    ));
}

#[test]
fn baseline_rejects_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.json");
    std::fs::write(&path, "{\"schema\": 1, \"findings\": []}").unwrap();
    let err = Baseline::read(&path).unwrap_err().to_string();
    assert!(err.contains("not a spillcheck baseline"), "{err}");
}

#[test]
fn gate_defaults_and_thresholds() {
    let low = [Finding::new(&SC102, "m").with_severity(Severity::Low)];
    let info = [Finding::new(&SC102, "m").with_severity(Severity::Info)];
    assert!(matches!(
        Gate::default().judge(99, &low),
        GateOutcome::Fail(_)
    ));
    assert_eq!(Gate::default().judge(100, &info), GateOutcome::Pass);
    let under = Gate {
        fail_under: Some(80),
        fail_on: None,
    };
    assert_eq!(under.judge(80, &low), GateOutcome::Pass);
    assert!(matches!(under.judge(79, &low), GateOutcome::Fail(m) if m.contains("79")));
}

#[test]
fn report_redacts_registered_and_finding_secrets() {
    let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIyIn0.abcdefghijklmnop";
    let src = "JWT_SECRET = \"notes\"\n";
    let mut f = Finding::new(
        &SC130,
        format!("token {token} seen; secret literal \"notes\""),
    )
    .at(at(src, "config.py", 1))
    .with_secret("notes");
    f.notes.push(format!("Authorization: Bearer {token}"));
    let report = ReportBuilder::new(&catalog(), Target::default(), "0.0.0")
        .secret(token)
        .build(vec![f]);
    let json = report.to_json();
    assert!(!json.contains(token));
    assert!(!json.contains("\"notes\\\""), "{json}");
    assert!(!json.contains("= \\\"notes\\\""), "{json}");
    assert!(json.contains("eyJhbG…#"));
}

#[test]
fn suppressions_apply_in_builder() {
    let dir = tempfile::tempdir().unwrap();
    let src = "@app.get('/n/<id>')  # spillcheck: ignore[SC102] public catalogue\ndef n(id):\n    return db.get(id)\nKEY = 'x'  # spillcheck: ignore[SC999]\n";
    std::fs::write(dir.path().join("app.py"), src).unwrap();
    let report = ReportBuilder::new(&catalog(), Target::default(), "0.0.0")
        .suppressions_from(dir.path())
        .build(vec![
            Finding::new(&SC102, "m").at(at(src, "app.py", 2)),
            Finding::new(&SC130, "k").at(at(src, "app.py", 4)),
        ]);
    assert_eq!(report.suppressed, 1);
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].rule_id, "SC130");
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("SC999"))
    );
}

#[test]
fn selection_resolves_prefixes_slugs_and_rejects_unknown() {
    let cat = catalog();
    let config = spillcheck_core::Config::default();
    let sel = config
        .selection(&cat, &["SC1".into()], &["hardcoded-secret-key".into()])
        .unwrap();
    assert!(sel.is_enabled("SC102"));
    assert!(!sel.is_enabled("SC130"));
    let err = config
        .selection(&cat, &["SC999".into()], &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("SC999") && err.contains("--select"), "{err}");
}

#[test]
fn a_findings_secret_is_scrubbed_from_every_other_finding() {
    let src = "SECRET_KEY = \"first-secret-value\"\nJWT_SECRET = \"second-secret-value\"\n";
    let report = build(vec![
        Finding::new(&SC130, "one")
            .at(at(src, "config.py", 1))
            .with_secret("first-secret-value"),
        Finding::new(&SC130, "two")
            .at(at(src, "config.py", 2))
            .with_secret("second-secret-value"),
    ]);
    let json = report.to_json();
    assert!(
        !json.contains("first-secret-value") && !json.contains("second-secret-value"),
        "{json}"
    );
}
