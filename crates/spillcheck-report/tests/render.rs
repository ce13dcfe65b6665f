//! One snapshot per format over a shared, fixed set of findings, and SARIF
//! validated against the official SARIF 2.1.0 JSON schema.

use spillcheck_core::{
    Baseline, Catalog, Confidence, Exchange, Finding, HttpEvidence, Location, Report,
    ReportBuilder, RuleMeta, Snippet, Target,
};
use spillcheck_report::{Format, RenderOptions, render};

const SOURCE: &str = "\
from flask import jsonify, g

JWT_SECRET = \"notes\"

@app.get(\"/api/notes/<int:note_id>\")
@require_token
def get_note(note_id):
    row = db.execute(\"SELECT * FROM notes WHERE id = ?\", (note_id,)).fetchone()
    return jsonify(dict(row))
";

const TOKEN_A: &str =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIyIiwiZXhwIjo0MTAyNDQ0ODAwfQ.Zm9vYmFyYmF6cXV4";

fn catalog() -> Catalog {
    let mut rules: Vec<&'static RuleMeta> = Vec::new();
    rules.extend(spillcheck_python::rules::RULES);
    rules.extend(spillcheck_http::rules::RULES);
    rules.extend(spillcheck_tokens::rules::RULES);
    Catalog::new(rules)
}

fn loc(line: u32, column: u32, end_column: u32) -> Location {
    Location {
        path: "app/notes.py".into(),
        line,
        column,
        end_line: Some(line),
        end_column: Some(end_column),
        snippet: Some(Snippet::from_source(SOURCE, line, 2)),
    }
}

/// The fix of the SC130 finding: its diff's removed line holds the secret.
fn env_fix() -> spillcheck_core::Fix {
    let start = SOURCE.find("\"notes\"").unwrap();
    let after = SOURCE.replace("\"notes\"", "os.environ[\"JWT_SECRET\"]");
    spillcheck_core::Fix {
        applicability: spillcheck_core::Applicability::Unsafe,
        message: "read `JWT_SECRET` from the environment".into(),
        edits: vec![spillcheck_core::Edit {
            start: u32::try_from(start).unwrap(),
            end: u32::try_from(start + 7).unwrap(),
            content: "os.environ[\"JWT_SECRET\"]".into(),
            start_line: 3,
            start_column: 14,
            end_line: 3,
            end_column: 21,
        }],
        diff: spillcheck_core::fix::unified_diff("app/notes.py", SOURCE, &after),
        source_sha256: spillcheck_core::fix::source_digest(SOURCE),
    }
}

fn findings(cat: &Catalog) -> Vec<Finding> {
    let r = |id: &str| cat.get(id).unwrap();
    vec![
        Finding::new(
            r("SC102"),
            "`note_id` from the path loads a note with no comparison against the caller's identity",
        )
        .at(loc(8, 5, 83))
        .on_route("GET", "/api/notes/{note_id}"),
        Finding::new(r("SC210"), "user A read note 7 owned by user B")
            .on_route("GET", "/api/notes/{note_id}")
            .with_http(HttpEvidence {
                method: "GET".into(),
                url: "http://127.0.0.1:5000/api/notes/7".into(),
                status: 200,
                evidence: "{\"id\": 7, \"owner_id\": 3, \"title\": \"B's diary\"}".into(),
                exchanges: vec![
                    Exchange {
                        actor: "user B".into(),
                        method: "GET".into(),
                        url: "http://127.0.0.1:5000/api/notes/7".into(),
                        request_headers: vec![(
                            "Authorization".into(),
                            format!("Bearer {TOKEN_A}x"),
                        )],
                        status: 200,
                        response_headers: vec![],
                        body_excerpt: "{\"id\": 7}".into(),
                    },
                    Exchange {
                        actor: "user A".into(),
                        method: "GET".into(),
                        url: "http://127.0.0.1:5000/api/notes/7".into(),
                        request_headers: vec![(
                            "Authorization".into(),
                            format!("Bearer {TOKEN_A}"),
                        )],
                        status: 200,
                        response_headers: vec![],
                        body_excerpt: "{\"id\": 7}".into(),
                    },
                ],
            }),
        Finding::new(
            r("SC130"),
            "hardcoded JWT signing key `JWT_SECRET = \"notes\"`",
        )
        .at(loc(3, 14, 21))
        .with_secret("notes")
        .with_fix(env_fix()),
        Finding::new(
            r("SC222"),
            "`Server: Werkzeug/3.0.1 Python/3.11.7` discloses versions",
        )
        .with_http(HttpEvidence {
            method: "GET".into(),
            url: "http://127.0.0.1:5000/api/health".into(),
            status: 200,
            evidence: "Server: Werkzeug/3.0.1 Python/3.11.7".into(),
            exchanges: vec![],
        }),
        Finding::new(
            r("SC141"),
            "whole row serialized with `dict(row)` | pipes and <xml> & \"quotes\"",
        )
        .at(loc(9, 12, 29))
        .with_confidence(Confidence::Possible),
    ]
}

fn report() -> (Report, Vec<&'static RuleMeta>) {
    let cat = catalog();
    let report = ReportBuilder::new(
        &cat,
        Target {
            paths: vec!["app/".into()],
            url: Some("http://127.0.0.1:5000".into()),
        },
        "0.1.0",
    )
    .secret(TOKEN_A)
    .build(findings(&cat));
    let rules = cat.rules().to_vec();
    (report, rules)
}

fn out(format: Format) -> String {
    let (report, rules) = report();
    render(&report, &rules, format, &RenderOptions::default())
}

#[test]
fn text_snapshot() {
    insta::assert_snapshot!(out(Format::Text));
}

#[test]
fn text_color_only_when_asked() {
    let (report, rules) = report();
    let plain = render(&report, &rules, Format::Text, &RenderOptions::default());
    let color = render(
        &report,
        &rules,
        Format::Text,
        &RenderOptions {
            color: true,
            ..RenderOptions::default()
        },
    );
    assert!(!plain.contains('\x1b'));
    assert!(color.contains("\x1b["));
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!(out(Format::Json));
}

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!(out(Format::Sarif));
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!(out(Format::Junit));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(out(Format::Markdown));
}

#[test]
fn json_has_design_shape() {
    let v: serde_json::Value = serde_json::from_str(&out(Format::Json)).unwrap();
    assert_eq!(v["schema"], 1);
    assert_eq!(v["tool"]["name"], "spillcheck");
    assert_eq!(v["target"]["url"], "http://127.0.0.1:5000");
    assert!(v["score"].as_u64().unwrap() <= 100);
    for key in ["critical", "high", "medium", "low", "info"] {
        assert!(v["summary"][key].is_u64(), "summary.{key}");
    }
    let first = &v["findings"][0];
    for key in [
        "rule_id",
        "rule",
        "severity",
        "confidence",
        "cwe",
        "owasp",
        "message",
        "fingerprint",
        "fix",
    ] {
        assert!(!first[key].is_null(), "finding.{key}");
    }
    assert_eq!(first["rule_id"], "SC210");
    assert_eq!(first["cwe"][0], "CWE-639");
    assert_eq!(first["owasp"][0], "API1:2023");
    assert_eq!(first["route"]["path"], "/api/notes/{note_id}");
    assert_eq!(first["http"]["status"], 200);
}

fn sarif_validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("schemas/sarif-schema-2.1.0.json"))
            .expect("schema parses");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

#[test]
fn sarif_validates_against_official_schema() {
    let validator = sarif_validator();
    let sarif: serde_json::Value = serde_json::from_str(&out(Format::Sarif)).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid:\n{}", errors.join("\n"));
    // The validator does reject broken SARIF (so the check above can fail).
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("catastrophic");
    assert!(!validator.is_valid(&broken));
    // GitHub ranks by security-severity; every rule has it and the CWE tags.
    for rule in sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
    {
        assert!(rule["properties"]["security-severity"].is_string());
        assert!(
            rule["properties"]["tags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t.as_str().unwrap().starts_with("external/cwe/"))
        );
        assert!(
            rule["helpUri"].is_string()
                && rule["help"]["text"].as_str().unwrap().contains("## Fix")
        );
    }
    let result = &sarif["runs"][0]["results"][0];
    assert!(
        result["partialFingerprints"]["spillcheck/v1"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
}

#[test]
fn sarif_with_baseline_state_validates() {
    let cat = catalog();
    let first =
        ReportBuilder::new(&cat, Target::default(), "0.1.0").build(findings(&cat)[..2].to_vec());
    let baseline = Baseline::from_findings(&first.findings);
    let report = ReportBuilder::new(&cat, Target::default(), "0.1.0")
        .baseline("b.json", baseline)
        .build(findings(&cat));
    let text = render(
        &report,
        cat.rules(),
        Format::Sarif,
        &RenderOptions::default(),
    );
    let sarif: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(sarif_validator().is_valid(&sarif));
    let states: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["baselineState"].as_str().unwrap())
        .collect();
    assert_eq!(states.iter().filter(|s| **s == "unchanged").count(), 2);
    assert_eq!(states.iter().filter(|s| **s == "new").count(), 3);
}

#[test]
fn no_format_shows_a_secret_whole() {
    for format in [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Markdown,
    ] {
        let text = out(format);
        assert!(!text.contains(TOKEN_A), "{format} leaks the token");
        assert!(
            !text.contains("\"notes\""),
            "{format} leaks the literal secret"
        );
        assert!(
            !text.contains("= \\\"notes\\\""),
            "{format} leaks the literal secret"
        );
    }
}

#[test]
fn junit_counts_rules_and_failures() {
    let xml = out(Format::Junit);
    assert!(
        xml.contains("tests=\"61\""),
        "one test case per catalog rule"
    );
    assert!(xml.contains("failures=\"5\""));
    assert!(xml.contains("&lt;xml&gt; &amp; &quot;quotes&quot;"));
}

#[test]
fn html_is_self_contained_escaped_and_counts_every_finding() {
    let (report, rules) = report();
    let html = render(&report, &rules, Format::Html, &RenderOptions::default());
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Nothing is fetched: no external script, style, image or font, and a CSP forbidding it.
    assert!(html.contains("default-src 'none'"));
    for attr in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!html.contains(attr), "{attr}");
    }
    // Every finding is a <details>, the count is shown, no secret whole, text escaped.
    let n = report.findings.len();
    assert_eq!(html.matches("<details class=\"finding\"").count(), n);
    assert!(html.contains(&format!("<span id=\"total-count\">{n}</span>")));
    assert!(!html.contains(TOKEN_A));
    assert!(html.contains("&lt;xml&gt; &amp; &quot;quotes&quot;"));
    assert!(!html.contains("<xml>"));
    // The fix's diff under its finding: escaped, its removed secret redacted.
    assert!(html.contains("Suggested change (unsafe): read `JWT_SECRET` from the environment"));
    assert!(
        html.contains(
            "<span class=\"add\">+JWT_SECRET = os.environ[&quot;JWT_SECRET&quot;]</span>"
        )
    );
    assert!(!html.contains("&quot;notes&quot;"));
    // No trend without history; with it, one point per run.
    assert!(!html.contains("chart-trend"));
    let trend = vec![
        spillcheck_report::TrendPoint {
            time: "2026-11-01T00:00:00Z".into(),
            score: 40,
            grade: "F".into(),
        },
        spillcheck_report::TrendPoint {
            time: "2026-11-02T00:00:00Z".into(),
            score: 85,
            grade: "B".into(),
        },
    ];
    let with = render(
        &report,
        &rules,
        Format::Html,
        &RenderOptions {
            trend,
            ..RenderOptions::default()
        },
    );
    assert!(with.contains("data-points=\"2\""));
    assert_eq!(with.matches("<circle").count(), 2);
}
