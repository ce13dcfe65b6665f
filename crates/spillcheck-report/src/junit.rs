//! JUnit XML: one test case per rule that ran; a rule with findings fails, with
//! one line per finding in the failure text. CI systems show it as a test report.

use std::fmt::Write as _;

use spillcheck_core::{Finding, Report, RuleMeta};

use crate::util::{where_, xml_escape};

pub(crate) fn render(report: &Report, rules: &[&'static RuleMeta]) -> String {
    let counted: Vec<&Finding> = report.counted().collect();
    let mut ids: Vec<(&str, &str)> = rules.iter().map(|r| (r.id, r.title)).collect();
    for f in &counted {
        if !ids.iter().any(|(id, _)| *id == f.rule_id) {
            ids.push((f.rule_id.as_str(), f.title.as_str()));
        }
    }
    ids.sort_unstable();
    ids.dedup_by_key(|(id, _)| *id);
    let failures = ids
        .iter()
        .filter(|(id, _)| counted.iter().any(|f| f.rule_id == *id))
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"spillcheck\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">",
        ids.len()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"spillcheck\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">",
        ids.len()
    );
    let _ = writeln!(
        out,
        "    <properties><property name=\"score\" value=\"{}\"/><property name=\"grade\" value=\"{}\"/></properties>",
        report.score, report.grade
    );
    for (id, title) in ids {
        let mine: Vec<&&Finding> = counted.iter().filter(|f| f.rule_id == id).collect();
        let name = xml_escape(&format!("{id} {title}"));
        if mine.is_empty() {
            let _ = writeln!(
                out,
                "    <testcase classname=\"spillcheck.{id}\" name=\"{name}\"/>"
            );
            continue;
        }
        let _ = writeln!(
            out,
            "    <testcase classname=\"spillcheck.{id}\" name=\"{name}\">"
        );
        let worst = mine.iter().map(|f| f.severity).max().expect("non-empty");
        let mut text = String::new();
        for f in &mine {
            let _ = writeln!(
                text,
                "{} [{} {}] {}: {}",
                id,
                f.severity,
                f.confidence,
                where_(f),
                f.message
            );
        }
        let _ = writeln!(
            out,
            "      <failure type=\"{id}\" message=\"{}\">{}</failure>",
            xml_escape(&format!(
                "{} finding{} (worst: {worst})",
                mine.len(),
                if mine.len() == 1 { "" } else { "s" }
            )),
            xml_escape(&text)
        );
        let _ = writeln!(out, "    </testcase>");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
