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

/// Records `report` as a run of `target`.
pub(crate) fn record(db: &Path, target: &str, report: &Report) -> anyhow::Result<Comparison> {
    let mut history = History::open(db)?;
    Ok(history.record(target, report, now())?)
}

/// The target's score over time, for the HTML report; empty without a database. A
/// damaged database only costs the chart (a note on stderr), never the report.
pub(crate) fn trend(db: &Path, target: &str) -> Vec<TrendPoint> {
    let points = History::open_existing(db).and_then(|h| match h {
        Some(h) => h.trend(target),
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
    let Some(history) = History::open_existing(&args.db)? else {
        bail!(
            "no history at {} (record runs with --record or `spillcheck monitor`)",
            args.db.display()
        );
    };
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
                "db": args.db.display().to_string(),
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
