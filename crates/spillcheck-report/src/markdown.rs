//! Markdown for a pull-request comment: score and grade, counts, a table of the
//! findings that count, and the fixes in a collapsed section.

use std::fmt::Write as _;

use spillcheck_core::{Report, Severity};

use crate::util::{truncate, where_};

fn cell(s: &str) -> String {
    let escaped = s
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|");
    truncate(&escaped.replace(['\n', '\r'], " "), 200)
}

/// `--compliance`: a table per framework an auditor can paste, controls with findings first.
fn compliance_tables(out: &mut String, report: &Report) {
    for fw in &report.compliance {
        let _ = writeln!(
            out,
            "\n### {} {}: evidence per control\n\n_{}_ Source: {}.\n",
            fw.name, fw.version, fw.notice, fw.source
        );
        out.push_str("| Control | Title | Status | Findings | Confirmed / likely / possible | Rules |\n|---|---|---|---|---|---|\n");
        for c in crate::util::control_rows(fw) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} / {} / {} | {} |",
                cell(&c.control),
                cell(&c.title),
                crate::util::control_status(c),
                crate::util::control_findings(c),
                c.confirmed,
                c.likely,
                c.possible,
                c.rules.join(", ")
            );
        }
    }
}

/// The findings' fixes as diffs, in a collapsed section (`spillcheck code --fix` applies
/// the safe ones).
fn suggested_changes(out: &mut String, shown: &[&spillcheck_core::Finding]) {
    let fixable: Vec<_> = shown
        .iter()
        .filter_map(|f| f.autofix.as_ref().map(|x| (f, x)))
        .collect();
    if fixable.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n<details><summary>Suggested changes ({} fixable: `spillcheck code --fix`)</summary>\n",
        fixable.len()
    );
    for (f, fix) in fixable {
        // A fence longer than any run of backticks in the diff.
        let longest = fix
            .diff
            .split(|c| c != '`')
            .map(str::len)
            .max()
            .unwrap_or(0);
        let fence = "`".repeat(longest.max(2) + 1);
        let _ = writeln!(
            out,
            "**{}** `{}` ({}): {}\n\n{fence}diff\n{}{fence}\n",
            f.rule_id,
            where_(f),
            fix.applicability.as_str(),
            fix.message,
            fix.diff
        );
    }
    out.push_str("</details>\n");
}

pub(crate) fn render(report: &Report) -> String {
    let mut out = String::new();
    let icon = match report.grade.as_str() {
        "A" => "🟢",
        "B" | "C" => "🟡",
        _ => "🔴",
    };
    let _ = writeln!(
        out,
        "## {icon} spillcheck: {}/100 (grade {})\n",
        report.score, report.grade
    );
    let s = &report.summary;
    let counts: Vec<String> = Severity::DESCENDING
        .iter()
        .map(|&sev| format!("**{}** {}", s.get(sev), sev))
        .collect();
    let _ = writeln!(out, "{}\n", counts.join(" · "));
    if let Some(b) = &report.baseline {
        let _ = writeln!(
            out,
            "Baseline `{}`: {} new, {} known (not shown).\n",
            b.path, b.new, b.known
        );
    }
    let shown: Vec<_> = report.counted().collect();
    if shown.is_empty() {
        out.push_str("No findings.\n");
    } else {
        out.push_str("| Severity | Rule | Where | Finding | Confidence |\n|---|---|---|---|---|\n");
        for f in &shown {
            let _ = writeln!(
                out,
                "| {} | `{}` {} | `{}` | {} | {} |",
                f.severity,
                f.rule_id,
                cell(&f.rule),
                cell(&where_(f)),
                cell(&f.message),
                f.confidence
            );
        }
        out.push_str("\n<details><summary>How to fix</summary>\n\n");
        let mut seen = Vec::new();
        for f in &shown {
            if seen.contains(&f.rule_id) {
                continue;
            }
            seen.push(f.rule_id.clone());
            let _ = writeln!(
                out,
                "- **{}** {} ({}, {}): {}",
                f.rule_id,
                f.title,
                f.cwe.join(", "),
                f.owasp.join(", "),
                f.fix
            );
            let controls = crate::util::controls_line(&f.compliance);
            if !controls.is_empty() {
                let _ = writeln!(out, "  Controls: {controls}");
            }
        }
        out.push_str("\n</details>\n");
        suggested_changes(&mut out, &shown);
    }
    compliance_tables(&mut out, report);
    if !report.owasp.is_empty() {
        out.push_str("\n| OWASP API Top 10 | Findings | Penalty |\n|---|---|---|\n");
        for o in &report.owasp {
            let _ = writeln!(
                out,
                "| {} {} | {} | −{} |",
                o.category, o.title, o.findings, o.penalty
            );
        }
    }
    if report.suppressed > 0 {
        let _ = writeln!(out, "\n{} finding(s) suppressed inline.", report.suppressed);
    }
    if report.below_confidence > 0 {
        let _ = writeln!(
            out,
            "\n{} less sure finding(s) not shown (`--confidence possible` shows them).",
            report.below_confidence
        );
    }
    out
}
