//! The report: findings after configuration, suppressions, fingerprints,
//! baseline and redaction, with score and grade. Serializes as the JSON report
//! (schema 1) of DESIGN.md.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::baseline::Baseline;
use crate::catalog::{Catalog, RuleMeta};
use crate::config::RuleSelection;
use crate::finding::Finding;
use crate::redact::Redactor;
use crate::severity::{Confidence, Grade, Severity};
use crate::suppress::Suppressions;
use crate::{fingerprint, score};

/// The tool that wrote the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    /// `spillcheck`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// What was scanned.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// Source paths, as given.
    #[serde(default)]
    pub paths: Vec<String>,
    /// The API base URL, when probed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Target {
    /// What was scanned, for people: the paths, then the URL, joined by `sep`.
    pub fn describe(&self, sep: &str) -> String {
        self.paths
            .iter()
            .map(String::as_str)
            .chain(self.url.as_deref())
            .collect::<Vec<_>>()
            .join(sep)
    }
}

/// Counts per severity of the findings that count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Critical.
    pub critical: usize,
    /// High.
    pub high: usize,
    /// Medium.
    pub medium: usize,
    /// Low.
    pub low: usize,
    /// Info.
    pub info: usize,
}

impl Summary {
    fn add(&mut self, s: Severity) {
        match s {
            Severity::Critical => self.critical += 1,
            Severity::High => self.high += 1,
            Severity::Medium => self.medium += 1,
            Severity::Low => self.low += 1,
            Severity::Info => self.info += 1,
        }
    }

    /// The count of one severity.
    pub fn get(&self, s: Severity) -> usize {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }

    /// All findings counted.
    pub fn total(&self) -> usize {
        self.critical + self.high + self.medium + self.low + self.info
    }
}

/// The score broken down by OWASP API category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwaspScore {
    /// `API1:2023`.
    pub category: String,
    /// `Broken Object Level Authorization`.
    pub title: String,
    /// Findings counted in it.
    pub findings: usize,
    /// Points it took off the score (rounded to one decimal).
    pub penalty: f64,
}

/// What a baseline did to this run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineSummary {
    /// The baseline file.
    pub path: String,
    /// Findings already in it (not counted).
    pub known: usize,
    /// Findings not in it (counted, marked `"new": true`).
    pub new: usize,
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticLevel {
    /// Something was not analysed (unparsable file, endpoint not tested).
    Warning,
    /// The run itself is incomplete.
    Error,
}

/// A problem of the run, not of the target: an unparsable file, an endpoint that
/// could not be tested, a suppression comment naming an unknown rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Warning or error.
    pub level: DiagnosticLevel,
    /// One line.
    pub message: String,
    /// The file concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The line concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// A finished report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always 1 for this format.
    pub schema: u32,
    /// Who wrote it.
    pub tool: Tool,
    /// What was scanned.
    pub target: Target,
    /// 0–100, over the findings that count (the new ones when a baseline is used).
    pub score: u8,
    /// A–F.
    pub grade: Grade,
    /// Counts per severity of the findings that count.
    pub summary: Summary,
    /// Score by OWASP category.
    pub owasp: Vec<OwaspScore>,
    /// Present when `--baseline` was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineSummary>,
    /// Findings silenced by inline suppressions.
    #[serde(default)]
    pub suppressed: usize,
    /// Findings left out because their confidence is below the run's threshold
    /// (`--confidence`; default `likely`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub below_confidence: usize,
    /// The findings, most severe first.
    pub findings: Vec<Finding>,
    /// Problems of the run.
    #[serde(default)]
    pub diagnostics: Vec<Diagnostic>,
    /// With `--compliance`: one summary per framework asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compliance: Vec<crate::compliance::FrameworkSummary>,
}

impl Report {
    /// The findings that count for score and gate: the new ones under a baseline, else all.
    pub fn counted(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.new != Some(false))
    }

    /// Pretty JSON, as written by `--format json`.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("report serializes");
        s.push('\n');
        s
    }
}

/// Builds a [`Report`] from raw engine findings, in the one order that keeps the
/// guarantees: select → suppress → redact → fingerprint → baseline → score.
#[derive(Debug)]
pub struct ReportBuilder<'a> {
    catalog: &'a Catalog,
    target: Target,
    version: String,
    selection: Option<RuleSelection>,
    root: Option<PathBuf>,
    baseline: Option<(String, Baseline)>,
    redactor: Redactor,
    diagnostics: Vec<Diagnostic>,
    min_confidence: Confidence,
    /// `--compliance`: frameworks to summarize, and the rules the run executed.
    compliance: Option<(Vec<String>, Vec<String>)>,
}

#[allow(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if takes a reference"
)]
fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl<'a> ReportBuilder<'a> {
    /// A builder for a run of `version` over `target`.
    pub fn new(catalog: &'a Catalog, target: Target, version: &str) -> ReportBuilder<'a> {
        ReportBuilder {
            catalog,
            target,
            version: version.to_owned(),
            selection: None,
            root: None,
            baseline: None,
            redactor: Redactor::new(),
            diagnostics: Vec::new(),
            min_confidence: Confidence::Possible,
            compliance: None,
        }
    }

    /// Adds a summary per framework (`--compliance`): `frameworks` are ids or aliases
    /// (already checked with [`crate::compliance::Mapping::framework`]), `checked` the ids
    /// of the rules the run executed (a control they map to and nothing was found against
    /// is listed as checked).
    #[must_use]
    pub fn compliance(mut self, frameworks: Vec<String>, checked: Vec<String>) -> Self {
        self.compliance = Some((frameworks, checked));
        self
    }

    /// Keeps only findings at least this sure (the CLI's `--confidence`, default `likely`).
    #[must_use]
    pub fn min_confidence(mut self, confidence: Confidence) -> Self {
        self.min_confidence = confidence;
        self
    }

    /// Keeps only enabled rules and applies severity overrides.
    #[must_use]
    pub fn selection(mut self, selection: RuleSelection) -> Self {
        self.selection = Some(selection);
        self
    }

    /// Honours inline suppressions in source files, resolving locations against `root`.
    #[must_use]
    pub fn suppressions_from(mut self, root: &Path) -> Self {
        self.root = Some(root.to_owned());
        self
    }

    /// Compares with a baseline.
    #[must_use]
    pub fn baseline(mut self, path: &str, baseline: Baseline) -> Self {
        self.baseline = Some((path.to_owned(), baseline));
        self
    }

    /// Registers a secret in play (a token given to the probe) so no output shows it.
    #[must_use]
    pub fn secret(mut self, secret: &str) -> Self {
        self.redactor.add(secret);
        self
    }

    /// Adds diagnostics of the run.
    #[must_use]
    pub fn diagnostics(mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) -> Self {
        self.diagnostics.extend(diagnostics);
        self
    }

    /// The rules referenced by these findings, for renderers that list rules (SARIF).
    pub fn rules_of(catalog: &Catalog, findings: &[Finding]) -> Vec<&'static RuleMeta> {
        let mut rules: Vec<_> = findings
            .iter()
            .filter_map(|f| catalog.get(&f.rule_id))
            .collect();
        rules.sort_by_key(|r| r.id);
        rules.dedup_by_key(|r| r.id);
        rules
    }

    /// Finishes the report.
    pub fn build(mut self, mut findings: Vec<Finding>) -> Report {
        if let Some(selection) = &self.selection {
            selection.apply(&mut findings);
        }
        let before = findings.len();
        let min = self.min_confidence;
        findings.retain(|f| f.confidence >= min);
        let below_confidence = before - findings.len();
        let mut suppressed = 0;
        if let Some(root) = &self.root {
            let mut cache: HashMap<String, Option<Suppressions>> = HashMap::new();
            findings.retain(|f| {
                let Some(loc) = &f.location else { return true };
                let entry = cache.entry(loc.path.clone()).or_insert_with(|| {
                    let text = std::fs::read_to_string(root.join(&loc.path)).ok()?;
                    let s = Suppressions::parse(&text, self.catalog);
                    for (line, message) in s.problems() {
                        self.diagnostics.push(Diagnostic {
                            level: DiagnosticLevel::Warning,
                            message: message.clone(),
                            path: Some(loc.path.clone()),
                            line: Some(*line),
                        });
                    }
                    Some(s)
                });
                let keep = !entry
                    .as_ref()
                    .is_some_and(|s| s.is_suppressed(&f.rule_id, loc.line));
                if !keep {
                    suppressed += 1;
                }
                keep
            });
        }
        // Each finding is scrubbed of its own secrets and fingerprinted on that text, so a
        // fingerprint does not depend on which other secrets are in the run. Then every
        // secret any finding registered is scrubbed from every finding: a literal key may
        // sit in another finding's code frame.
        let mut all = self.redactor.clone();
        for f in &findings {
            for secret in &f.secrets {
                all.add(secret);
            }
        }
        for f in &mut findings {
            self.redactor.scrub_finding(f);
        }
        fingerprint::assign(&mut findings);
        for f in &mut findings {
            all.scrub_finding(f);
        }
        for d in &mut self.diagnostics {
            d.message = self.redactor.scrub(&d.message).into_owned();
        }
        let baseline = self.baseline.as_ref().map(|(path, b)| {
            let (known, new) = b.apply(&mut findings);
            BaselineSummary {
                path: path.clone(),
                known,
                new,
            }
        });
        findings.sort_by(|a, b| {
            let loc = |f: &Finding| {
                f.location
                    .as_ref()
                    .map(|l| (l.path.clone(), l.line, l.column))
            };
            b.severity
                .cmp(&a.severity)
                .then(b.confidence.cmp(&a.confidence))
                .then(a.rule_id.cmp(&b.rule_id))
                .then(loc(a).cmp(&loc(b)))
                .then(a.route.cmp(&b.route))
                .then(a.message.cmp(&b.message))
        });
        let mapping = crate::compliance::mapping();
        for f in &mut findings {
            f.compliance = mapping.controls(&f.rule_id);
        }
        let compliance = self
            .compliance
            .as_ref()
            .map(|(frameworks, checked)| {
                frameworks
                    .iter()
                    .filter_map(|name| mapping.framework(name))
                    .map(|fw| mapping.summarize(fw, &findings, checked))
                    .collect()
            })
            .unwrap_or_default();
        let counted: Vec<&Finding> = findings.iter().filter(|f| f.new != Some(false)).collect();
        let score = score::score(counted.iter().copied());
        let mut summary = Summary::default();
        for f in &counted {
            summary.add(f.severity);
        }
        let owasp = score::by_owasp(counted.iter().copied())
            .into_iter()
            .map(|(c, n, p)| OwaspScore {
                category: c.id().to_owned(),
                title: c.title().to_owned(),
                findings: n,
                penalty: (p * 10.0).round() / 10.0,
            })
            .collect();
        Report {
            schema: crate::REPORT_SCHEMA,
            tool: Tool {
                name: "spillcheck".to_owned(),
                version: self.version,
            },
            target: self.target,
            score,
            grade: Grade::from_score(score),
            summary,
            owasp,
            baseline,
            suppressed,
            below_confidence,
            findings,
            diagnostics: self.diagnostics,
            compliance,
        }
    }
}
