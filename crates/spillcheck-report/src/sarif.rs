//! SARIF 2.1.0, as GitHub code scanning reads it: a rule table with help text,
//! CWE/OWASP tags and `security-severity`, results with locations and
//! `partialFingerprints`. Probe findings without a source location carry a
//! logical location naming the operation.

use serde_json::{Value, json};
use spillcheck_core::{Finding, Report, RuleMeta, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// GitHub's `security-severity`: ≥ 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, < 4 low.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn rule_json(rule: &RuleMeta) -> Value {
    let sections = rule.sections();
    let what = sections
        .as_ref()
        .map_or(rule.title.to_owned(), |s| s.what.clone());
    let mut tags = vec!["security".to_owned(), rule.kind().as_str().to_owned()];
    tags.extend(rule.cwes().map(|c| format!("external/cwe/cwe-{}", c.0)));
    tags.extend(rule.owasp.iter().map(|o| format!("owasp-api/{}", o.id())));
    let controls = spillcheck_core::compliance::mapping().controls(rule.id);
    for (framework, ids) in &controls {
        tags.extend(ids.iter().map(|c| format!("compliance/{framework}/{c}")));
    }
    json!({
        "id": rule.id,
        "name": rule.slug,
        "shortDescription": { "text": rule.title },
        "fullDescription": { "text": what },
        "help": { "text": rule.docs(), "markdown": rule.docs() },
        "helpUri": rule.help_uri(),
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "tags": tags,
            "precision": match rule.confidence {
                spillcheck_core::Confidence::Confirmed => "very-high",
                spillcheck_core::Confidence::Likely => "high",
                spillcheck_core::Confidence::Possible => "medium",
            },
            "security-severity": security_severity(rule.severity),
            "cwe": rule.cwes().map(|c| c.to_string()).collect::<Vec<_>>(),
            "owasp": rule.owasp.iter().map(|o| o.id()).collect::<Vec<_>>(),
            "compliance": controls,
        }
    })
}

fn result_json(f: &Finding, rule_index: Option<usize>) -> Value {
    let mut result = json!({
        "ruleId": f.rule_id,
        "level": level(f.severity),
        "message": { "text": f.message },
        "partialFingerprints": { "spillcheck/v1": f.fingerprint },
        "properties": {
            "severity": f.severity.as_str(),
            "confidence": f.confidence.as_str(),
            "security-severity": security_severity(f.severity),
            "cwe": f.cwe,
            "owasp": f.owasp,
            "fix": f.fix,
        }
    });
    if let Some(i) = rule_index {
        result["ruleIndex"] = json!(i);
    }
    if let Some(new) = f.new {
        result["baselineState"] = json!(if new { "new" } else { "unchanged" });
    }
    let mut location = serde_json::Map::new();
    if let Some(l) = &f.location {
        let mut region = json!({ "startLine": l.line, "startColumn": l.column });
        if let Some(el) = l.end_line {
            region["endLine"] = json!(el);
        }
        if let Some(ec) = l.end_column {
            region["endColumn"] = json!(ec);
        }
        if let Some(text) = l.snippet.as_ref().and_then(|s| s.line(l.line)) {
            region["snippet"] = json!({ "text": text });
        }
        location.insert(
            "physicalLocation".into(),
            json!({ "artifactLocation": { "uri": l.path, "uriBaseId": "%SRCROOT%" }, "region": region }),
        );
    }
    if let Some(r) = &f.route {
        location.insert(
            "logicalLocations".into(),
            json!([{ "name": format!("{} {}", r.method, r.path), "kind": "function" }]),
        );
        result["properties"]["route"] = json!({ "method": r.method, "path": r.path });
    }
    if !location.is_empty() {
        result["locations"] = json!([Value::Object(location)]);
    }
    if let Some(h) = &f.http {
        result["properties"]["http"] = serde_json::to_value(h).unwrap_or(Value::Null);
    }
    if !f.notes.is_empty() {
        result["properties"]["notes"] = json!(f.notes);
    }
    if !f.compliance.is_empty() {
        result["properties"]["compliance"] = json!(f.compliance);
    }
    if let (Some(fix), Some(l)) = (&f.autofix, &f.location) {
        result["fixes"] = json!([fix_json(fix, &l.path)]);
        result["properties"]["fixApplicability"] = json!(fix.applicability.as_str());
    }
    result
}

/// A SARIF `fix`: the replacements of the finding's file, regions in lines and columns
/// (Unicode code points, as the run's `columnKind` says).
fn fix_json(fix: &spillcheck_core::Fix, path: &str) -> Value {
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .map(|e| {
            let mut r = json!({
                "deletedRegion": {
                    "startLine": e.start_line,
                    "startColumn": e.start_column,
                    "endLine": e.end_line,
                    "endColumn": e.end_column,
                }
            });
            if !e.content.is_empty() {
                r["insertedContent"] = json!({ "text": e.content });
            }
            r
        })
        .collect();
    json!({
        "description": { "text": format!("{} ({})", fix.message, fix.applicability.as_str()) },
        "artifactChanges": [{
            "artifactLocation": { "uri": path, "uriBaseId": "%SRCROOT%" },
            "replacements": replacements,
        }],
    })
}

pub(crate) fn render(report: &Report, rules: &[&'static RuleMeta]) -> String {
    let mut table: Vec<&RuleMeta> = rules.to_vec();
    table.sort_by_key(|r| r.id);
    table.dedup_by_key(|r| r.id);
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result_json(f, table.iter().position(|r| r.id == f.rule_id)))
        .collect();
    let notifications: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            json!({
                "level": match d.level {
                    spillcheck_core::DiagnosticLevel::Warning => "warning",
                    spillcheck_core::DiagnosticLevel::Error => "error",
                },
                "message": { "text": d.message },
            })
        })
        .collect();
    let sarif = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "spillcheck",
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "informationUri": "https://github.com/spillcheck/spillcheck",
                "rules": table.iter().map(|r| rule_json(r)).collect::<Vec<_>>(),
            }},
            "invocations": [{
                "executionSuccessful": !report.diagnostics.iter().any(|d| d.level == spillcheck_core::DiagnosticLevel::Error),
                "toolExecutionNotifications": notifications,
            }],
            "originalUriBaseIds": { "%SRCROOT%": { "uri": "file:///" } },
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {
                "score": report.score,
                "grade": report.grade.as_str(),
                "target": report.target,
                "compliance": report.compliance,
            }
        }]
    });
    let mut s = serde_json::to_string_pretty(&sarif).expect("sarif serializes");
    s.push('\n');
    s
}
