//! Small helpers shared by renderers.

use spillcheck_core::Finding;

/// `path:line:col`, or the route, or the URL: where a finding is.
pub(crate) fn where_(f: &Finding) -> String {
    if let Some(l) = &f.location {
        return format!("{}:{}:{}", l.path, l.line, l.column);
    }
    if let Some(r) = &f.route {
        return format!("{} {}", r.method, r.path);
    }
    if let Some(h) = &f.http {
        return format!("{} {}", h.method, h.url);
    }
    String::new()
}

/// Escapes text for XML attributes and content. Control characters other than
/// tab and newlines are not allowed in XML 1.0 and are dropped.
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

/// Cuts `s` to at most `max` characters, marking the cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

/// A finding's controls in one line: `OWASP ASVS V9.1.1 · PCI DSS 6.2.4, 8.3.1`.
pub(crate) fn controls_line(controls: &std::collections::BTreeMap<String, Vec<String>>) -> String {
    let mapping = spillcheck_core::compliance::mapping();
    mapping
        .frameworks()
        .iter()
        .filter_map(|fw| {
            let ids = controls.get(&fw.id)?;
            (!ids.is_empty()).then(|| format!("{} {}", fw.name, ids.join(", ")))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// `2 critical, 1 high` for a control's findings by severity (most severe first).
pub(crate) fn severity_counts(
    by: &std::collections::BTreeMap<spillcheck_core::Severity, usize>,
) -> String {
    spillcheck_core::Severity::DESCENDING
        .iter()
        .filter_map(|s| by.get(s).map(|n| format!("{n} {s}")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A framework summary's controls, those with findings first (then in id order).
pub(crate) fn control_rows(
    fw: &spillcheck_core::compliance::FrameworkSummary,
) -> Vec<&spillcheck_core::compliance::ControlSummary> {
    let mut rows: Vec<_> = fw.controls.iter().collect();
    rows.sort_by_key(|c| c.status != spillcheck_core::compliance::ControlStatus::Findings);
    rows
}

/// `findings` or `checked, nothing found`.
pub(crate) fn control_status(c: &spillcheck_core::compliance::ControlSummary) -> &'static str {
    match c.status {
        spillcheck_core::compliance::ControlStatus::Findings => "findings",
        spillcheck_core::compliance::ControlStatus::NoFinding => "checked, nothing found",
    }
}

/// `3 (1 critical, 2 high)`, or `0`.
pub(crate) fn control_findings(c: &spillcheck_core::compliance::ControlSummary) -> String {
    if c.findings == 0 {
        "0".to_owned()
    } else {
        format!("{} ({})", c.findings, severity_counts(&c.by_severity))
    }
}
