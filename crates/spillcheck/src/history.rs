//! The history database as the commands use it: `--record`, the HTML report's trend,
//! `spillcheck history`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use anyhow::bail;
use spillcheck_core::Report;
use spillcheck_history::{Comparison, History, Run, format_utc};
use spillcheck_report::TrendPoint;

use crate::ExitStatus;
use crate::args::{HistoryArgs, HistoryFormat};

pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Records `report` as a run of `target` (in a SQLite file or on a PostgreSQL server).
pub(crate) fn record(db: &Path, target: &str, report: &Report) -> anyhow::Result<Comparison> {
    let mut history = History::open(db)?;
    Ok(history.record(target, report, now())?)
}

/// The target's score over time, for the HTML report; empty without a database. A
/// damaged database only costs the chart (a note on stderr), never the report.
pub(crate) fn trend(db: &Path, target: &str) -> Vec<TrendPoint> {
    let points = History::open_existing(db).and_then(|h| match h {
        Some(mut h) => h.trend(target),
        None => Ok(Vec::new()),
    });
    match points {
        Ok(points) => points
            .into_iter()
            .map(|p| TrendPoint {
                time: format_utc(p.time),
                score: p.score,
                grade: p.grade,
            })
            .collect(),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "spillcheck: no score trend: {e}");
            Vec::new()
        }
    }
}

fn signed(n: i32) -> String {
    match n {
        0 => "±0".to_owned(),
        n if n > 0 => format!("+{n}"),
        n => format!("−{}", n.unsigned_abs()),
    }
}

/// `app: score 80 (B) · −20 since run 6 · 2 new · 1 fixed` (or `· first run`): how a
/// recorded run compares, for `--record` and `monitor`.
pub(crate) fn summary(c: &Comparison) -> String {
    let change = match &c.previous {
        None => "first run".to_owned(),
        Some(p) => format!(
            "{} since run {} · {} new · {} fixed",
            signed(c.score_change()),
            p.id,
            c.new.len(),
            c.fixed.len()
        ),
    };
    format!(
        "{}: score {} ({}) · {change}",
        c.run.target, c.run.score, c.run.grade
    )
}

/// The recorded target `wanted` names: exactly, as a path (made absolute), or as the
/// only target containing it.
fn resolve(wanted: &str, targets: &[String]) -> anyhow::Result<String> {
    if targets.iter().any(|t| t == wanted) {
        return Ok(wanted.to_owned());
    }
    let absolute = std::fs::canonicalize(wanted)
        .map(|p| p.display().to_string())
        .ok();
    let matches: Vec<&String> = targets
        .iter()
        .filter(|t| {
            absolute
                .as_deref()
                .is_some_and(|a| t.split(' ').any(|part| part == a))
                || t.contains(wanted)
        })
        .collect();
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => bail!(
            "no recorded target matches `{wanted}` (known: {})",
            if targets.is_empty() {
                "none".to_owned()
            } else {
                targets.join(", ")
            }
        ),
        many => bail!(
            "`{wanted}` matches several targets: {}",
            many.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

pub(crate) fn history(args: &HistoryArgs) -> anyhow::Result<ExitStatus> {
    if let Some(file) = &args.import {
        return import(&args.db, file);
    }
    let Some(mut history) = History::open_existing(&args.db)? else {
        bail!(
            "no history at {} (record runs with --record or `spillcheck monitor`)",
            args.db.display()
        );
    };
    if let Some(file) = &args.export {
        return export(&mut history, file);
    }
    let target = match &args.target {
        Some(t) => Some(resolve(t, &history.targets()?)?),
        None => None,
    };
    let runs = history.runs(target.as_deref(), args.limit)?;
    let text = match args.format {
        HistoryFormat::Json => {
            let runs: Vec<serde_json::Value> = runs.iter().map(run_json).collect();
            let mut s = serde_json::to_string_pretty(&serde_json::json!({
                "schema": 1,
                "db": history.name().display().to_string(),
                "runs": runs,
            }))?;
            s.push('\n');
            s
        }
        HistoryFormat::Text => table(&runs, target.is_none()),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitStatus::Success)
}

/// The first line of an export file: what it is.
const EXPORT_HEADER: &str = "spillcheck-history-export";

/// `history --export FILE`: a header line, then one JSON line per run with its findings.
fn export(history: &mut History, file: &Path) -> anyhow::Result<ExitStatus> {
    let runs = history.export()?;
    let mut text = format!(
        "{{\"format\": \"{EXPORT_HEADER}\", \"version\": 1, \"runs\": {}}}\n",
        runs.len()
    );
    for (run, findings) in &runs {
        text.push_str(&serde_json::to_string(
            &serde_json::json!({ "run": run, "findings": findings }),
        )?);
        text.push('\n');
    }
    std::fs::write(file, text)
        .map_err(|e| anyhow::anyhow!("{}: cannot write the export ({e})", file.display()))?;
    let _ = writeln!(
        std::io::stderr(),
        "spillcheck: exported {} runs from {} to {}",
        runs.len(),
        history.name().display(),
        file.display()
    );
    Ok(ExitStatus::Success)
}

/// `history --import FILE`: every run of an export, in one transaction.
fn import(db: &Path, file: &Path) -> anyhow::Result<ExitStatus> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("{}: cannot read ({e})", file.display()))?;
    let mut lines = text.lines();
    let header: serde_json::Value = lines
        .next()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_default();
    if header.get("format").and_then(serde_json::Value::as_str) != Some(EXPORT_HEADER) {
        bail!(
            "{}: not a `spillcheck history --export` file",
            file.display()
        );
    }
    let mut runs = Vec::new();
    for (i, line) in lines.enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        #[derive(serde::Deserialize)]
        struct Line {
            run: Run,
            findings: Vec<spillcheck_history::StoredFinding>,
        }
        let entry: Line = serde_json::from_str(line)
            .map_err(|e| anyhow::anyhow!("{}:{}: {e}", file.display(), i + 2))?;
        runs.push((entry.run, entry.findings));
    }
    let mut history = History::open(db)?;
    let n = history.import(&runs)?;
    let _ = writeln!(
        std::io::stderr(),
        "spillcheck: imported {n} runs into {}",
        history.name().display()
    );
    Ok(ExitStatus::Success)
}

fn run_json(r: &Run) -> serde_json::Value {
    serde_json::json!({
        "id": r.id,
        "target": r.target,
        "scanned": r.scanned,
        "time": format_utc(r.time),
        "tool_version": r.tool_version,
        "score": r.score,
        "grade": r.grade,
        "findings": r.findings(),
        "summary": {
            "critical": r.critical, "high": r.high, "medium": r.medium,
            "low": r.low, "info": r.info,
        },
        "new": r.new,
        "fixed": r.fixed,
    })
}

fn table(runs: &[Run], with_target: bool) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "{:>5}  {:<20}  {:>5}  {:<5}  {:>8}  {:>4} {:>4} {:>4} {:>4}  {:>4}  {:>5}",
        "RUN",
        "TIME (UTC)",
        "SCORE",
        "GRADE",
        "FINDINGS",
        "CRIT",
        "HIGH",
        "MED",
        "LOW",
        "NEW",
        "FIXED"
    );
    s.push_str(if with_target { "  TARGET\n" } else { "\n" });
    let mut previous: Option<u8> = None;
    for r in runs {
        let trend = match previous {
            Some(p) if r.score < p => "↓",
            Some(p) if r.score > p => "↑",
            _ => " ",
        };
        previous = Some(r.score);
        let _ = write!(
            s,
            "{:>5}  {:<20}  {:>4}{trend}  {:<5}  {:>8}  {:>4} {:>4} {:>4} {:>4}  {:>4}  {:>5}",
            r.id,
            format_utc(r.time),
            r.score,
            r.grade,
            r.findings(),
            r.critical,
            r.high,
            r.medium,
            r.low,
            r.new,
            r.fixed
        );
        if with_target {
            let _ = write!(s, "  {}", r.target);
        }
        s.push('\n');
    }
    let _ = writeln!(s, "{} runs", runs.len());
    s
}
