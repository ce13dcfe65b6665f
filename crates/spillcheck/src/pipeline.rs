//! The path every report-producing command ends on: configuration → report
//! (selection, suppressions, redaction, fingerprints, baseline, score) →
//! rendering → output → gate.

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use spillcheck_core::{
    Baseline, Config, Diagnostic, Finding, Gate, GateOutcome, Report, ReportBuilder, RuleMeta,
    Target,
};
use spillcheck_report::{Format, RenderOptions};

use crate::ExitStatus;
use crate::args::CommonArgs;
use crate::catalog::catalog;

/// The configuration for a run: `--config FILE`, else the nearest one to `start`.
pub(crate) fn load_config(common: &CommonArgs, start: &Path) -> anyhow::Result<Config> {
    Ok(match &common.config {
        Some(path) => Config::read(path)?,
        None => Config::discover(start)?.unwrap_or_default(),
    })
}

/// Everything an engine hands over at the end of its run.
#[derive(Clone)]
pub(crate) struct RunResult {
    pub(crate) target: Target,
    pub(crate) findings: Vec<Finding>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Secrets in play (tokens given to the probe): no output may show them.
    pub(crate) secrets: Vec<String>,
    /// Where source paths in findings are relative to, for inline suppressions.
    pub(crate) root: Option<PathBuf>,
    /// Which rules the run executed (for `--compliance`: a control they map to and
    /// nothing was found against was checked).
    pub(crate) ran: fn(&RuleMeta) -> bool,
}

/// The rules each kind of run executes.
pub(crate) mod ran {
    use spillcheck_core::{RuleKind, RuleMeta};

    /// `spillcheck code`: the code rules and committed secrets.
    pub(crate) fn code(r: &RuleMeta) -> bool {
        r.kind() == RuleKind::Code || r.id == "SC320" || inventory(r)
    }
    /// The inventory rules, which compare the code (or the live API) with the description.
    pub(crate) fn inventory(r: &RuleMeta) -> bool {
        spillcheck_http::inventory::RULE_IDS.contains(&r.id)
    }
    /// `spillcheck api`: the probe's rules and the audit of the users' tokens.
    pub(crate) fn api(r: &RuleMeta) -> bool {
        r.kind() == RuleKind::Api || jwt(r)
    }
    /// `spillcheck scan`: both.
    pub(crate) fn scan(r: &RuleMeta) -> bool {
        code(r) || api(r)
    }
    /// `spillcheck jwt`: the token audit.
    pub(crate) fn jwt(r: &RuleMeta) -> bool {
        matches!(r.id, "SC301" | "SC302" | "SC303")
    }
    /// `spillcheck logs`: tokens in log files.
    pub(crate) fn logs(r: &RuleMeta) -> bool {
        r.id == "SC310"
    }
    /// A saved report re-rendered: what ran is not known.
    pub(crate) fn unknown(_: &RuleMeta) -> bool {
        false
    }
}

/// A command's run before the report is built: what `monitor` needs to run any
/// command and record it.
pub(crate) struct Collected {
    pub(crate) config: Config,
    pub(crate) run: RunResult,
    /// The probe stopped early (unreachable target, too many errors): the run holds
    /// what was found before.
    pub(crate) fatal: Option<String>,
    /// Some files could not be analysed (for `--strict`).
    pub(crate) incomplete: bool,
}

/// Builds the report: selection, suppressions, redaction, fingerprints, baseline, score.
/// Also returns the enabled rules (for renderers that list them).
pub(crate) fn build_report(
    common: &CommonArgs,
    config: &Config,
    run: RunResult,
) -> anyhow::Result<(Report, Vec<&'static RuleMeta>)> {
    let catalog = catalog();
    let selection = config.selection(catalog, &common.select, &common.ignore)?;
    let rules: Vec<&'static RuleMeta> = catalog
        .rules()
        .iter()
        .copied()
        .filter(|r| selection.is_enabled(r.id))
        .collect();
    let min_confidence = common
        .confidence
        .or(config.confidence)
        .unwrap_or(spillcheck_core::Confidence::Likely);
    let mut builder = ReportBuilder::new(catalog, run.target, env!("CARGO_PKG_VERSION"))
        .selection(selection)
        .min_confidence(min_confidence)
        .diagnostics(run.diagnostics);
    for secret in &run.secrets {
        builder = builder.secret(secret);
    }
    if let Some(root) = &run.root {
        builder = builder.suppressions_from(root);
    }
    if let Some(path) = &common.baseline {
        let baseline = Baseline::read(path)?;
        builder = builder.baseline(&path.display().to_string(), baseline);
    }
    if !common.compliance.is_empty() {
        let frameworks = compliance_frameworks(&common.compliance)?;
        let checked = rules
            .iter()
            .filter(|r| (run.ran)(r))
            .map(|r| r.id.to_owned())
            .collect();
        builder = builder.compliance(frameworks, checked);
    }
    Ok((builder.build(run.findings), rules))
}

/// The framework ids `--compliance` names (`all` for every one); an unknown name is an
/// error that lists the known ones.
pub(crate) fn compliance_frameworks(names: &[String]) -> anyhow::Result<Vec<String>> {
    let mapping = spillcheck_core::compliance::mapping();
    let mut out: Vec<String> = Vec::new();
    for name in names {
        if name.eq_ignore_ascii_case("all") {
            out.extend(mapping.frameworks().iter().map(|f| f.id.clone()));
            continue;
        }
        match mapping.framework(name) {
            Some(f) => out.push(f.id.clone()),
            None => anyhow::bail!(
                "--compliance: unknown framework `{name}` (known: {}, all)",
                mapping
                    .frameworks()
                    .iter()
                    .map(|f| f.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
    out.dedup();
    Ok(out)
}

/// Builds, renders, writes and gates the report. Returns the exit status.
pub(crate) fn finish(
    common: &CommonArgs,
    config: &Config,
    run: RunResult,
) -> anyhow::Result<ExitStatus> {
    let (report, rules) = build_report(common, config, run)?;
    if let Some(path) = &common.write_baseline {
        Baseline::from_findings(&report.findings).write(path)?;
    }
    // The history's name for this target, needed only to record or to draw the trend.
    let key = (common.record || common.format == Format::Html).then(|| target_key(&report.target));
    // A database that cannot take the record (a server down, a lock held) costs the record,
    // never the report: the report is written first, then the error is returned.
    let recorded = match (common.record, &key) {
        (true, Some(key)) => Some(crate::history::record(&common.db, key, &report)),
        _ => None,
    };
    let trend = match &key {
        Some(key) if common.format == Format::Html => crate::history::trend(&common.db, key),
        _ => Vec::new(),
    };
    write_report(common, &report, &rules, trend)?;
    if let Some(recorded) = recorded {
        let comparison = recorded?;
        let _ = writeln!(
            std::io::stderr(),
            "spillcheck: recorded run {} of {}",
            comparison.run.id,
            crate::history::summary(&comparison)
        );
    }
    if common.write_baseline.is_some() {
        return Ok(ExitStatus::Success);
    }
    let gate = Gate {
        fail_under: common.fail_under.or(config.fail_under),
        fail_on: common.fail_on.or(config.fail_on),
    };
    Ok(match gate.judge(report.score, report.counted()) {
        GateOutcome::Pass => ExitStatus::Success,
        GateOutcome::Fail(reason) => {
            let _ = writeln!(std::io::stderr(), "spillcheck: gate failed: {reason}");
            ExitStatus::Failure
        }
    })
}

fn write_report(
    common: &CommonArgs,
    report: &Report,
    rules: &[&'static RuleMeta],
    trend: Vec<spillcheck_report::TrendPoint>,
) -> anyhow::Result<()> {
    let color = common.format == Format::Text
        && common.output.is_none()
        && !common.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal();
    let text = spillcheck_report::render(
        report,
        rules,
        common.format,
        &RenderOptions { color, trend },
    );
    if let Some(path) = &common.output {
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()?;
    }
    Ok(())
}

/// The name a run is recorded under: what was scanned, paths made absolute so that the
/// same project scanned from another folder is the same target.
pub(crate) fn target_key(target: &Target) -> String {
    let mut parts: Vec<String> = target
        .paths
        .iter()
        .map(|p| std::fs::canonicalize(p).map_or_else(|_| p.clone(), |c| c.display().to_string()))
        .collect();
    if let Some(url) = &target.url {
        parts.push(url.trim_end_matches('/').to_owned());
    }
    if parts.is_empty() {
        // `jwt` audits a token, not a place: its runs share one name.
        return "(no path or URL)".to_owned();
    }
    parts.join(" ")
}
