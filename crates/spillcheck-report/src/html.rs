//! One self-contained HTML file: score and grade, charts by severity and OWASP
//! category (inline SVG), the score trend when history is given, the findings with
//! code frames and HTTP evidence in collapsible sections, filters by severity and rule.
//!
//! No network: styles and script are inline and a Content-Security-Policy forbids
//! every fetch. Printing opens every finding and hides the filters.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use spillcheck_core::{Finding, Report, Severity};

use crate::TrendPoint;
use crate::util::{truncate, where_, xml_escape as esc};

const SEVERITIES: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
];

/// A count as a chart coordinate.
fn num(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

fn color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "#8e1b1b",
        Severity::High => "#d1462f",
        Severity::Medium => "#d68a1c",
        Severity::Low => "#3b7dd8",
        Severity::Info => "#6b7280",
    }
}

fn grade_color(grade: &str) -> &'static str {
    match grade {
        "A" => "#1f8a4c",
        "B" => "#5a9e2f",
        "C" => "#c9a100",
        "D" => "#d68a1c",
        _ => "#b42318",
    }
}

const STYLE: &str = r"
:root { --fg:#1c2330; --muted:#5b6472; --line:#d9dee5; --bg:#f6f7f9; --card:#fff; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif; color:var(--fg); background:var(--bg); }
main { max-width:1180px; margin:0 auto; padding:20px 24px 48px; }
header { display:flex; gap:24px; align-items:center; flex-wrap:wrap; margin-bottom:18px; }
h1 { font-size:22px; margin:0 0 4px; }
h2 { font-size:16px; margin:0 0 10px; }
.meta { color:var(--muted); font-size:13px; word-break:break-all; }
.score { display:flex; align-items:center; gap:12px; padding:10px 18px; border-radius:10px; background:var(--card); border:1px solid var(--line); }
.score .grade { font-size:40px; font-weight:700; width:56px; height:56px; border-radius:50%; color:#fff; display:flex; align-items:center; justify-content:center; }
.score .value { font-size:28px; font-weight:700; }
.cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(320px,1fr)); gap:14px; margin-bottom:18px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:14px 16px; }
.counts { display:flex; gap:8px; flex-wrap:wrap; }
.pill { display:inline-block; padding:1px 8px; border-radius:999px; color:#fff; font-size:12px; font-weight:600; white-space:nowrap; }
svg text { font:12px system-ui,sans-serif; fill:var(--fg); }
.filters { display:flex; gap:16px; flex-wrap:wrap; align-items:center; background:var(--card); border:1px solid var(--line); border-radius:10px; padding:10px 14px; margin-bottom:12px; position:sticky; top:0; z-index:1; }
.filters label { white-space:nowrap; }
.filters select, .filters input[type=search] { font:inherit; padding:3px 6px; }
details.finding { background:var(--card); border:1px solid var(--line); border-left:5px solid var(--sev); border-radius:8px; margin:8px 0; }
details.finding > summary { cursor:pointer; padding:9px 12px; display:flex; gap:10px; align-items:baseline; flex-wrap:wrap; list-style-position:inside; }
details.finding > summary .title { font-weight:600; }
details.finding > summary .where { color:var(--muted); font-family:ui-monospace,Menlo,Consolas,monospace; font-size:12.5px; word-break:break-all; }
.body { padding:4px 16px 14px; border-top:1px solid var(--line); }
.body p { margin:8px 0; }
.rule { font-family:ui-monospace,Menlo,Consolas,monospace; font-weight:600; }
pre { background:#0f1722; color:#e6edf3; padding:10px 12px; border-radius:6px; overflow:auto; font:12.5px/1.45 ui-monospace,Menlo,Consolas,monospace; margin:8px 0; white-space:pre-wrap; word-break:break-word; }
pre .hit { background:#5b1f1f; display:inline-block; width:100%; }
pre .ln { color:#7d8590; user-select:none; }
pre.diff .add { color:#7ee787; }
pre.diff .del { color:#ffa198; }
.exchange { border:1px solid var(--line); border-radius:6px; padding:6px 10px; margin:8px 0; }
.tags { color:var(--muted); font-size:12.5px; }
.hidden { display:none !important; }
.empty { color:var(--muted); padding:16px; text-align:center; }
table.diag { border-collapse:collapse; width:100%; font-size:13px; }
table.diag td { border-top:1px solid var(--line); padding:4px 6px; vertical-align:top; }
table.diag th { text-align:left; padding:4px 6px; font-size:12px; color:var(--muted); }
tr.findings td:nth-child(3) { color:#d1242f; font-weight:600; }
.notice { font-size:13px; }
@media (max-width: 700px) { main { padding:12px; } .cards { grid-template-columns:1fr; } }
@media print {
  body { background:#fff; font-size:11px; }
  main { max-width:none; padding:0; }
  .filters, .noprint { display:none !important; }
  details.finding { break-inside:avoid; border-left-width:3px; }
  .card { break-inside:avoid; }
  section.framework { break-before:page; }
  tr.findings td, tr.clear td { break-inside:avoid; }
  pre { background:#f3f4f6; color:#111; border:1px solid #ddd; }
  pre .hit { background:#fde2e2; }
  pre.diff .add { color:#116329; }
  pre.diff .del { color:#82071e; }
}
";

const SCRIPT: &str = r"
(function () {
  var cards = Array.prototype.slice.call(document.querySelectorAll('details.finding'));
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name=severity]'));
  var rule = document.getElementById('rule-filter');
  var text = document.getElementById('text-filter');
  var shown = document.getElementById('shown-count');
  var empty = document.getElementById('no-match');
  function apply() {
    var sev = {};
    boxes.forEach(function (b) { sev[b.value] = b.checked; });
    var r = rule.value, q = text.value.trim().toLowerCase(), n = 0;
    cards.forEach(function (c) {
      var ok = sev[c.dataset.severity] && (!r || c.dataset.rule === r) &&
        (!q || c.textContent.toLowerCase().indexOf(q) !== -1);
      c.classList.toggle('hidden', !ok);
      if (ok) { n += 1; }
    });
    shown.textContent = String(n);
    empty.classList.toggle('hidden', n !== 0 || cards.length === 0);
  }
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  rule.addEventListener('change', apply);
  text.addEventListener('input', apply);
  var opened = [];
  window.addEventListener('beforeprint', function () {
    opened = cards.filter(function (c) { return !c.open; });
    opened.forEach(function (c) { c.open = true; });
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (c) { c.open = false; });
  });
  apply();
})();
";

/// Renders the report as one HTML document; `trend` is the target's score over time.
pub(crate) fn render(report: &Report, trend: &[TrendPoint]) -> String {
    let grade = format!("{:?}", report.grade);
    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>spillcheck {score}/100 ({grade}) · {target}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        score = report.score,
        target = esc(&target_text(report)),
    );
    header(&mut h, report, &grade);
    h.push_str("<section class=\"cards\">\n");
    severity_card(&mut h, report);
    owasp_card(&mut h, report);
    if !trend.is_empty() {
        trend_card(&mut h, trend);
    }
    h.push_str("</section>\n");
    findings_section(&mut h, report);
    compliance_section(&mut h, report);
    diagnostics_section(&mut h, report);
    let _ = write!(h, "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n");
    h
}

fn target_text(report: &Report) -> String {
    let text = report.target.describe(" · ");
    if text.is_empty() {
        "report".to_owned()
    } else {
        text
    }
}

fn header(h: &mut String, report: &Report, grade: &str) {
    let _ = write!(
        h,
        "<header>\n<div class=\"score\" id=\"score\" data-score=\"{score}\" data-grade=\"{grade}\">\
         <span class=\"grade\" style=\"background:{gc}\">{grade}</span>\
         <span><span class=\"value\">{score}</span>/100<br><span class=\"meta\">score · grade {grade}</span></span></div>\n\
         <div><h1>spillcheck report</h1><div class=\"meta\">{target}</div>\
         <div class=\"meta\">{tool} {version}{baseline} · {n} findings{suppressed}</div></div>\n</header>\n",
        score = report.score,
        gc = grade_color(grade),
        target = esc(&target_text(report)),
        tool = esc(&report.tool.name),
        version = esc(&report.tool.version),
        baseline = report.baseline.as_ref().map_or(String::new(), |b| format!(
            " · baseline {}: {} known, {} new",
            esc(&b.path),
            b.known,
            b.new
        )),
        n = report.findings.len(),
        suppressed = {
            let mut extra = String::new();
            if report.suppressed > 0 {
                let _ = write!(extra, " · {} suppressed", report.suppressed);
            }
            if report.below_confidence > 0 {
                let _ = write!(extra, " · {} less sure not shown", report.below_confidence);
            }
            extra
        },
    );
}

/// A coloured badge for a severity.
fn pill(s: Severity, text: &str) -> String {
    format!(
        "<span class=\"pill\" style=\"background:{}\">{}</span>",
        color(s),
        esc(text)
    )
}

fn count(report: &Report, s: Severity) -> usize {
    report.findings.iter().filter(|f| f.severity == s).count()
}

/// A horizontal bar chart: (label, value, shown value, colour) rows; each label sits
/// above its bar so long category names never collide with the bars.
fn bars(h: &mut String, id: &str, title: &str, rows: &[(String, f64, String, &str)]) {
    let max = rows.iter().map(|r| r.1).fold(0.0_f64, f64::max).max(1.0);
    let row_h = 30.0;
    let height = num(rows.len().max(1)) * row_h + 4.0;
    let _ = write!(
        h,
        "<svg id=\"{id}\" role=\"img\" aria-label=\"{title}\" viewBox=\"0 0 420 {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">"
    );
    for (i, (label, value, shown, fill)) in rows.iter().enumerate() {
        let y = num(i) * row_h;
        let w = (value / max * 320.0).max(if *value > 0.0 { 2.0 } else { 0.0 });
        let _ = write!(
            h,
            "<text x=\"0\" y=\"{ly}\">{label}</text><rect x=\"0\" y=\"{by}\" width=\"{w:.1}\" height=\"11\" rx=\"3\" fill=\"{fill}\"/>\
             <text x=\"{tx:.1}\" y=\"{ty}\">{shown}</text>",
            ly = y + 11.0,
            by = y + 15.0,
            ty = y + 25.0,
            label = esc(&truncate(label, 64)),
            tx = 6.0 + w,
            shown = esc(shown),
        );
    }
    if rows.is_empty() {
        h.push_str("<text x=\"0\" y=\"16\">no findings</text>");
    }
    h.push_str("</svg>\n");
}

fn severity_card(h: &mut String, report: &Report) {
    h.push_str("<div class=\"card\"><h2>By severity</h2>\n<div class=\"counts\">");
    for s in SEVERITIES {
        let _ = write!(
            h,
            "<span data-severity-count=\"{s}\">{}</span>",
            pill(s, &format!("{} {s}", count(report, s)))
        );
    }
    h.push_str("</div>\n");
    let rows: Vec<(String, f64, String, &str)> = SEVERITIES
        .iter()
        .map(|&s| {
            let n = count(report, s);
            (s.as_str().to_owned(), num(n), n.to_string(), color(s))
        })
        .collect();
    bars(h, "chart-severity", "findings by severity", &rows);
    h.push_str("</div>\n");
}

fn owasp_card(h: &mut String, report: &Report) {
    h.push_str("<div class=\"card\"><h2>By OWASP API Security Top 10 (2023)</h2>\n");
    let rows: Vec<(String, f64, String, &str)> = report
        .owasp
        .iter()
        .filter(|o| o.findings > 0)
        .map(|o| {
            (
                format!("{} {}", o.category.trim_end_matches(":2023"), o.title),
                num(o.findings),
                format!("{} (−{:.0})", o.findings, o.penalty),
                "#4b5fa8",
            )
        })
        .collect();
    bars(h, "chart-owasp", "findings by OWASP category", &rows);
    h.push_str("</div>\n");
}

fn trend_card(h: &mut String, trend: &[TrendPoint]) {
    h.push_str("<div class=\"card\"><h2>Score over time</h2>\n");
    let (width, height, left, top, bottom) = (420.0_f64, 150.0_f64, 30.0_f64, 8.0_f64, 22.0_f64);
    let plot_w = width - left - 10.0;
    let plot_h = height - top - bottom;
    let n = trend.len();
    let xpos = |i: usize| {
        if n == 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * num(i) / num(n - 1)
        }
    };
    let ypos = |score: u8| top + plot_h * (1.0 - f64::from(score) / 100.0);
    let _ = write!(
        h,
        "<svg id=\"chart-trend\" role=\"img\" aria-label=\"score over time\" viewBox=\"0 0 {width} {height}\" width=\"100%\" data-points=\"{n}\">"
    );
    for grid in [0u8, 50, 100] {
        let _ = write!(
            h,
            "<line x1=\"{left}\" x2=\"{x2}\" y1=\"{gy:.1}\" y2=\"{gy:.1}\" stroke=\"#d9dee5\"/><text x=\"0\" y=\"{ty:.1}\">{grid}</text>",
            x2 = width - 10.0,
            gy = ypos(grid),
            ty = ypos(grid) + 4.0,
        );
    }
    let points: Vec<String> = trend
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", xpos(i), ypos(p.score)))
        .collect();
    let _ = write!(
        h,
        "<polyline fill=\"none\" stroke=\"#4b5fa8\" stroke-width=\"2\" points=\"{}\"/>",
        points.join(" ")
    );
    for (i, p) in trend.iter().enumerate() {
        let _ = write!(
            h,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{}\"><title>{}: {} ({})</title></circle>",
            xpos(i),
            ypos(p.score),
            grade_color(&p.grade),
            esc(&p.time),
            p.score,
            esc(&p.grade)
        );
    }
    if let (Some(first), Some(last)) = (trend.first(), trend.last()) {
        let _ = write!(
            h,
            "<text x=\"{left}\" y=\"{by}\">{}</text><text x=\"{rx}\" y=\"{by}\" text-anchor=\"end\">{}</text>",
            esc(first.time.get(..10).unwrap_or(&first.time)),
            esc(last.time.get(..10).unwrap_or(&last.time)),
            by = height - 4.0,
            rx = width - 10.0,
        );
    }
    h.push_str("</svg>\n</div>\n");
}

fn findings_section(h: &mut String, report: &Report) {
    let total = report.findings.len();
    let mut rules: BTreeMap<&str, (&str, usize)> = BTreeMap::new();
    for f in &report.findings {
        rules.entry(&f.rule_id).or_insert((&f.title, 0)).1 += 1;
    }
    let _ = write!(
        h,
        "<section id=\"findings\">\n<h2>Findings: <span id=\"shown-count\">{total}</span> shown of <span id=\"total-count\">{total}</span></h2>\n\
         <div class=\"filters\" role=\"search\"><strong>Filter</strong>"
    );
    for s in SEVERITIES {
        let _ = write!(
            h,
            "<label><input type=\"checkbox\" name=\"severity\" value=\"{s}\" checked> {} {}</label>",
            pill(s, s.as_str()),
            count(report, s)
        );
    }
    h.push_str("<label>rule <select id=\"rule-filter\"><option value=\"\">all rules</option>");
    for (id, (title, n)) in &rules {
        let _ = write!(
            h,
            "<option value=\"{id}\">{id} {} ({n})</option>",
            esc(&truncate(title, 48))
        );
    }
    h.push_str("</select></label><label>text <input type=\"search\" id=\"text-filter\" placeholder=\"path, route, words\"></label></div>\n");
    if total == 0 {
        h.push_str("<p class=\"empty\">No findings.</p>\n");
    }
    h.push_str("<p id=\"no-match\" class=\"empty hidden\">No finding matches the filters.</p>\n");
    for f in &report.findings {
        finding(h, f);
    }
    h.push_str("</section>\n");
}

fn finding(h: &mut String, f: &Finding) {
    let sev = f.severity;
    let new = match f.new {
        Some(true) => " <span class=\"pill\" style=\"background:#7c3aed\">new</span>",
        _ => "",
    };
    let _ = write!(
        h,
        "<details class=\"finding\" data-severity=\"{sev}\" data-rule=\"{rule}\" style=\"--sev:{c}\">\
         <summary>{badge} <span class=\"rule\">{rule}</span> \
         <span class=\"title\">{title}</span>{new} <span class=\"where\">{place}</span></summary>\n<div class=\"body\">\
         <p>{message}</p>\n",
        c = color(sev),
        badge = pill(sev, sev.as_str()),
        rule = esc(&f.rule_id),
        title = esc(&f.title),
        place = esc(&where_(f)),
        message = esc(&f.message),
    );
    if let Some(snippet) = f
        .location
        .as_ref()
        .and_then(|l| l.snippet.as_ref().map(|s| (l, s)))
    {
        let (loc, snippet) = snippet;
        let end = loc.end_line.unwrap_or(loc.line);
        h.push_str("<pre class=\"code\">");
        for (i, line) in snippet.lines.iter().enumerate() {
            let n = snippet.start_line + u32::try_from(i).unwrap_or(u32::MAX);
            let hit = n >= loc.line && n <= end;
            let _ = writeln!(
                h,
                "{open}<span class=\"ln\">{n:>5} │ </span>{text}{close}",
                open = if hit { "<span class=\"hit\">" } else { "" },
                text = esc(line),
                close = if hit { "</span>" } else { "" },
            );
        }
        h.push_str("</pre>\n");
    }
    if let Some(http) = &f.http {
        let _ = writeln!(
            h,
            "<p><strong>{} {}</strong> → {}</p>",
            esc(&http.method),
            esc(&http.url),
            http.status
        );
        if !http.evidence.is_empty() {
            let _ = writeln!(h, "<p>{}</p>", esc(&http.evidence));
        }
        for x in &http.exchanges {
            let _ = write!(
                h,
                "<details class=\"exchange\"><summary>{actor}: {m} {u} → {s}</summary><pre>",
                actor = esc(&x.actor),
                m = esc(&x.method),
                u = esc(&x.url),
                s = x.status
            );
            for (k, v) in &x.request_headers {
                let _ = writeln!(h, "&gt; {}: {}", esc(k), esc(v));
            }
            for (k, v) in &x.response_headers {
                let _ = writeln!(h, "&lt; {}: {}", esc(k), esc(v));
            }
            if !x.body_excerpt.is_empty() {
                let _ = write!(h, "\n{}", esc(&x.body_excerpt));
            }
            h.push_str("</pre></details>\n");
        }
    }
    for note in &f.notes {
        let _ = writeln!(h, "<p class=\"tags\">{}</p>", esc(note));
    }
    if !f.fix.is_empty() {
        let _ = writeln!(h, "<p><strong>Fix:</strong> {}</p>", esc(&f.fix));
    }
    let controls = crate::util::controls_line(&f.compliance);
    if !controls.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"tags controls\">Controls: {}</p>",
            esc(&controls)
        );
    }
    if let Some(fix) = &f.autofix {
        let _ = write!(
            h,
            "<details class=\"autofix\" open><summary>Suggested change ({}): {}</summary><pre class=\"diff\">",
            fix.applicability.as_str(),
            esc(&fix.message)
        );
        for line in fix.diff.lines() {
            let class = match line.as_bytes().first() {
                Some(b'+') if !line.starts_with("+++") => "add",
                Some(b'-') if !line.starts_with("---") => "del",
                Some(b'@') => "ln",
                _ => "",
            };
            let _ = writeln!(h, "<span class=\"{class}\">{}</span>", esc(line));
        }
        h.push_str("</pre></details>\n");
    }
    let _ = write!(
        h,
        "<p class=\"tags\">{} · {} · {} · confidence {} · fingerprint {}</p>\n</div></details>\n",
        esc(&f.rule),
        esc(&f.cwe.join(", ")),
        esc(&f.owasp.join(", ")),
        f.confidence,
        esc(&f.fingerprint)
    );
}

/// `--compliance`: one printable table per framework, control → findings.
fn compliance_section(h: &mut String, report: &Report) {
    use spillcheck_core::compliance::ControlStatus;
    if report.compliance.is_empty() {
        return;
    }
    h.push_str("<section id=\"compliance\">\n<h2>Compliance evidence</h2>\n");
    for fw in &report.compliance {
        let _ = write!(
            h,
            "<section class=\"card framework\" data-framework=\"{id}\"><h3>{name} {version}</h3>\
             <p class=\"notice\"><strong>{notice}</strong></p><p class=\"tags\">Source: {source} · {with} controls with findings · {without} checked with nothing found</p>\
             <table class=\"diag\"><tr><th>Control</th><th>Title</th><th>Status</th><th>Findings</th><th>Confirmed / likely / possible</th><th>Rules</th></tr>",
            id = esc(&fw.framework),
            name = esc(&fw.name),
            version = esc(&fw.version),
            notice = esc(&fw.notice),
            source = esc(&fw.source),
            with = fw.with_findings,
            without = fw.without_findings,
        );
        for c in crate::util::control_rows(fw) {
            let class = match c.status {
                ControlStatus::Findings => "findings",
                ControlStatus::NoFinding => "clear",
            };
            let _ = write!(
                h,
                "<tr class=\"{class}\"><td class=\"where\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} / {} / {}</td><td>{}</td></tr>",
                esc(&c.control),
                esc(&c.title),
                crate::util::control_status(c),
                esc(&crate::util::control_findings(c)),
                c.confirmed,
                c.likely,
                c.possible,
                esc(&c.rules.join(", ")),
            );
        }
        h.push_str("</table></section>\n");
    }
    h.push_str("</section>\n");
}

fn diagnostics_section(h: &mut String, report: &Report) {
    if report.diagnostics.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<section class=\"card\" id=\"diagnostics\"><h2>Diagnostics ({})</h2><table class=\"diag\">",
        report.diagnostics.len()
    );
    for d in &report.diagnostics {
        let place = match (&d.path, d.line) {
            (Some(p), Some(l)) => format!("{p}:{l}"),
            (Some(p), None) => p.clone(),
            _ => String::new(),
        };
        let _ = write!(
            h,
            "<tr><td>{:?}</td><td class=\"where\">{}</td><td>{}</td></tr>",
            d.level,
            esc(&place),
            esc(&d.message)
        );
    }
    h.push_str("</table></section>\n");
}
