//! `spillcheck report FILE.json`: re-render and re-gate a saved JSON report.
//! Scan once, then emit SARIF for code scanning and Markdown for the PR comment
//! from the same findings; baselines, selection and gates apply again.

use anyhow::{Context as _, bail};
use spillcheck_core::Report;

use crate::ExitStatus;
use crate::args::ReportArgs;
use crate::pipeline::{RunResult, finish, load_config};

pub(crate) fn report(args: &ReportArgs) -> anyhow::Result<ExitStatus> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not JSON", args.file.display()))?;
    if value.get("schema").and_then(serde_json::Value::as_u64) != Some(1) {
        bail!(
            "{} is not a spillcheck JSON report (schema 1)",
            args.file.display()
        );
    }
    let report: Report = serde_json::from_value(value).with_context(|| {
        format!(
            "{} is not a valid spillcheck JSON report",
            args.file.display()
        )
    })?;
    let start = std::env::current_dir()?;
    let config = load_config(&args.common, &start)?;
    let mut findings = report.findings;
    for f in &mut findings {
        f.new = None;
    }
    finish(
        &args.common,
        &config,
        RunResult {
            ran: crate::pipeline::ran::unknown,
            target: report.target,
            findings,
            diagnostics: report.diagnostics,
            secrets: Vec::new(),
            root: None,
        },
    )
}
