//! Text for terminals: findings grouped by severity, a code frame for source
//! findings, the HTTP evidence for probe findings, then score and grade.

use std::fmt::Write as _;

use spillcheck_core::{Finding, Report, Severity};

use crate::RenderOptions;
use crate::util::{truncate, where_};

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    fn severity(&self, s: Severity) -> String {
        let code = match s {
            Severity::Critical => "1;35",
            Severity::High => "1;31",
            Severity::Medium => "1;33",
            Severity::Low => "1;34",
            Severity::Info => "2",
        };
        self.paint(code, s.as_str())
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
}

pub(crate) fn render(report: &Report, options: &RenderOptions) -> String {
    let st = Style {
        color: options.color,
    };
    let mut out = String::new();
    let shown: Vec<&Finding> = report.counted().collect();
    for severity in Severity::DESCENDING {
        let group: Vec<&&Finding> = shown.iter().filter(|f| f.severity == severity).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "{} {}",
            st.severity(severity),
            st.dim(&format!("({})", group.len()))
        );
        out.push('\n');
        for f in group {
            finding(&mut out, f, &st);
        }
    }
    for d in &report.diagnostics {
        let place = match (&d.path, d.line) {
            (Some(p), Some(l)) => format!("{p}:{l}: "),
            (Some(p), None) => format!("{p}: "),
            _ => String::new(),
        };
        let level = match d.level {
            spillcheck_core::DiagnosticLevel::Warning => "warning",
            spillcheck_core::DiagnosticLevel::Error => "error",
        };
        let _ = writeln!(out, "{}: {place}{}", st.paint("33", level), d.message);
    }
    summary(&mut out, report, &st);
    out
}

fn finding(out: &mut String, f: &Finding, st: &Style) {
    let _ = writeln!(
        out,
        "{} {} {}  {}",
        st.bold(&f.rule_id),
        st.severity(f.severity),
        st.dim(f.confidence.as_str()),
        f.title
    );
    let _ = writeln!(out, "  {}", f.message);
    let place = where_(f);
    if !place.is_empty() {
        let _ = writeln!(out, "  {} {place}", st.dim("-->"));
    }
    if let Some(loc) = &f.location {
        if let Some(snippet) = &loc.snippet {
            let width = (snippet.start_line as usize + snippet.lines.len())
                .to_string()
                .len();
            let _ = writeln!(out, "  {:width$} {}", "", st.dim("|"));
            for (i, line) in snippet.lines.iter().enumerate() {
                let n = snippet.start_line + u32::try_from(i).unwrap_or(0);
                let marker = if n == loc.line {
                    st.paint("1;31", ">")
                } else {
                    " ".to_owned()
                };
                let _ = writeln!(
                    out,
                    "{marker} {} {} {}",
                    st.dim(&format!("{n:>width$}")),
                    st.dim("|"),
                    truncate(line, 160)
                );
                if n == loc.line {
                    let col = loc.column.saturating_sub(1) as usize;
                    let len = match (loc.end_line, loc.end_column) {
                        (Some(el), Some(ec)) if el == loc.line && ec > loc.column => {
                            (ec - loc.column) as usize
                        }
                        _ => line.chars().count().saturating_sub(col).max(1),
                    };
                    let _ = writeln!(
                        out,
                        "  {:width$} {} {}{}",
                        "",
                        st.dim("|"),
                        " ".repeat(col),
                        st.paint("31", &"^".repeat(len.min(120)))
                    );
                }
            }
        }
        if let Some(route) = &f.route {
            let _ = writeln!(out, "  route: {} {}", route.method, route.path);
        }
    }
    if let Some(http) = &f.http {
        let _ = writeln!(
            out,
            "  http:  {} {} -> {}",
            http.method, http.url, http.status
        );
        for x in &http.exchanges {
            let _ = writeln!(
                out,
                "         {}: {} {} -> {}",
                x.actor, x.method, x.url, x.status
            );
        }
        if !http.evidence.is_empty() {
            for line in http.evidence.lines().take(8) {
                let _ = writeln!(out, "         {}", st.dim(&truncate(line, 160)));
            }
        }
    }
    for note in &f.notes {
        let _ = writeln!(out, "  note: {note}");
    }
    let _ = writeln!(out, "  {} {}", st.paint("32", "fix:"), f.fix);
    let mut tags: Vec<String> = f.cwe.clone();
    tags.extend(f.owasp.iter().cloned());
    let _ = writeln!(out, "  {}", st.dim(&tags.join(" · ")));
    out.push('\n');
}

fn summary(out: &mut String, report: &Report, st: &Style) {
    let s = &report.summary;
    let total = s.total();
    let counts: Vec<String> = Severity::DESCENDING
        .iter()
        .filter(|&&sev| s.get(sev) > 0)
        .map(|&sev| format!("{} {}", s.get(sev), sev))
        .collect();
    let grade = format!("{}/100 ({})", report.score, report.grade);
    let grade = match report.grade.as_str() {
        "A" | "B" => st.paint("1;32", &grade),
        "C" | "D" => st.paint("1;33", &grade),
        _ => st.paint("1;31", &grade),
    };
    let _ = write!(out, "{} {grade}", st.bold("score"));
    if total == 0 {
        let _ = write!(out, " · no findings");
    } else {
        let _ = write!(
            out,
            " · {total} finding{}: {}",
            if total == 1 { "" } else { "s" },
            counts.join(", ")
        );
    }
    if report.suppressed > 0 {
        let _ = write!(out, " · {} suppressed", report.suppressed);
    }
    if report.below_confidence > 0 {
        let _ = write!(
            out,
            " · {} less sure not shown (--confidence possible)",
            report.below_confidence
        );
    }
    if let Some(b) = &report.baseline {
        let _ = write!(out, " · {} known in baseline not shown", b.known);
    }
    out.push('\n');
    if !report.owasp.is_empty() {
        let parts: Vec<String> = report
            .owasp
            .iter()
            .map(|o| format!("{} −{}", o.category, trim_float(o.penalty)))
            .collect();
        let _ = writeln!(
            out,
            "{}",
            st.dim(&format!("by OWASP API Top 10: {}", parts.join(", ")))
        );
    }
    let fixable = |a: spillcheck_core::Applicability| {
        report
            .counted()
            .filter(|f| f.autofix.as_ref().is_some_and(|x| x.applicability == a))
            .count()
    };
    let (safe, unsafe_) = (
        fixable(spillcheck_core::Applicability::Safe),
        fixable(spillcheck_core::Applicability::Unsafe),
    );
    if safe + unsafe_ > 0 {
        let mut line = format!("{safe} fixable with `spillcheck code --fix`");
        if unsafe_ > 0 {
            let _ = write!(line, " ({unsafe_} more with --unsafe-fixes)");
        }
        let _ = writeln!(out, "{}", st.dim(&line));
    }
    for fw in &report.compliance {
        let _ = writeln!(
            out,
            "\n{} {}: {} controls with findings, {} checked with nothing found",
            fw.name, fw.version, fw.with_findings, fw.without_findings
        );
        for c in crate::util::control_rows(fw) {
            let what = if c.findings == 0 {
                "checked, nothing found".to_owned()
            } else {
                format!(
                    "{} finding{} ({})",
                    c.findings,
                    if c.findings == 1 { "" } else { "s" },
                    crate::util::severity_counts(&c.by_severity)
                )
            };
            let _ = writeln!(
                out,
                "  {:<16} {:<34} {}",
                c.control,
                what,
                st.dim(&format!("{} · {}", c.title, c.rules.join(", ")))
            );
        }
        let _ = writeln!(out, "{}", st.dim(&fw.notice));
    }
}

fn trim_float(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_owned)
}
