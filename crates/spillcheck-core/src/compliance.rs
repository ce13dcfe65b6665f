//! Compliance mapping: which controls of which frameworks each rule's findings are
//! evidence against, from the embedded `compliance.toml` (beside the rule catalog), and
//! the per-framework summary `--compliance` adds to a report.
//!
//! The mapping is deliberately conservative (a rule maps to a control only where the
//! control clearly covers the weakness) and every framework names its source document and
//! version. A summary is evidence for an auditor, never an attestation.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::severity::{Confidence, Severity};

/// The words every compliance summary carries.
pub const NOT_AN_ATTESTATION: &str = "Not a compliance attestation: these are the findings of one automated scan, mapped to the controls they are evidence against. A control with no finding was checked by the listed rules only, not audited.";

const DATA: &str = include_str!("../compliance.toml");

/// One framework of the mapping.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Framework {
    /// Short id used on the command line and in reports (`pci-dss`).
    #[serde(default)]
    pub id: String,
    /// Its name (`PCI DSS`).
    pub name: String,
    /// The version mapped (`4.0`).
    pub version: String,
    /// The document the control ids come from.
    pub source: String,
    /// Control id → a short title (paraphrased).
    pub controls: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
struct Raw {
    frameworks: BTreeMap<String, Framework>,
    /// Rule id → framework id → control ids.
    rules: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

/// The whole mapping.
#[derive(Debug)]
pub struct Mapping {
    frameworks: Vec<Framework>,
    rules: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

/// The embedded mapping (parsed once).
pub fn mapping() -> &'static Mapping {
    static MAPPING: OnceLock<Mapping> = OnceLock::new();
    MAPPING.get_or_init(|| Mapping::parse(DATA).expect("compliance.toml is valid (tested)"))
}

impl Mapping {
    /// Parses a mapping file; every control a rule names must be defined by its framework.
    pub fn parse(text: &str) -> Result<Mapping, String> {
        let raw: Raw = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut frameworks: Vec<Framework> = raw
            .frameworks
            .into_iter()
            .map(|(id, mut f)| {
                f.id = id;
                f
            })
            .collect();
        frameworks.sort_by_key(|f| order(&f.id));
        for (rule, by_framework) in &raw.rules {
            for (fw, controls) in by_framework {
                let Some(framework) = frameworks.iter().find(|f| &f.id == fw) else {
                    return Err(format!("{rule}: unknown framework `{fw}`"));
                };
                for c in controls {
                    if !framework.controls.contains_key(c) {
                        return Err(format!("{rule}: `{c}` is not a control of {fw}"));
                    }
                }
            }
        }
        Ok(Mapping {
            frameworks,
            rules: raw.rules,
        })
    }

    /// The frameworks, in a fixed order.
    pub fn frameworks(&self) -> &[Framework] {
        &self.frameworks
    }

    /// A framework by id or a common alias (`pci`, `soc-2`, `nist`, `800-53`).
    pub fn framework(&self, name: &str) -> Option<&Framework> {
        let n = name.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        let id = match n.as_str() {
            "pci" | "pci-dss" | "pcidss" => "pci-dss",
            "soc2" | "soc-2" | "tsc" => "soc2",
            "nist" | "800-53" | "nist-800-53" | "sp-800-53" => "nist-800-53",
            "asvs" | "owasp-asvs" => "asvs",
            "hipaa" => "hipaa",
            "gdpr" => "gdpr",
            other => other,
        };
        self.frameworks.iter().find(|f| f.id == id)
    }

    /// The controls a rule's findings are evidence against: framework id → control ids
    /// (only frameworks with at least one).
    pub fn controls(&self, rule_id: &str) -> BTreeMap<String, Vec<String>> {
        self.rules
            .get(rule_id)
            .map(|m| {
                m.iter()
                    .filter(|(_, c)| !c.is_empty())
                    .map(|(f, c)| (f.clone(), c.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether the mapping has an entry (possibly empty) for the rule.
    pub fn knows(&self, rule_id: &str) -> bool {
        self.rules.contains_key(rule_id)
    }

    /// The per-framework summary: for each control of `framework` that the rules in
    /// `checked` (or the findings) map to, the findings that are evidence against it.
    pub fn summarize(
        &self,
        framework: &Framework,
        findings: &[Finding],
        checked: &[String],
    ) -> FrameworkSummary {
        fn entry<'m>(
            controls: &'m mut BTreeMap<String, ControlSummary>,
            framework: &Framework,
            id: &str,
        ) -> &'m mut ControlSummary {
            controls
                .entry(id.to_owned())
                .or_insert_with(|| ControlSummary {
                    control: id.to_owned(),
                    title: framework.controls.get(id).cloned().unwrap_or_default(),
                    status: ControlStatus::NoFinding,
                    rules: Vec::new(),
                    findings: 0,
                    by_severity: BTreeMap::new(),
                    confirmed: 0,
                    likely: 0,
                    possible: 0,
                    fingerprints: Vec::new(),
                })
        }
        let mut controls: BTreeMap<String, ControlSummary> = BTreeMap::new();
        for rule in checked {
            if let Some(ids) = self.rules.get(rule).and_then(|m| m.get(&framework.id)) {
                for id in ids {
                    let e = entry(&mut controls, framework, id);
                    if !e.rules.contains(rule) {
                        e.rules.push(rule.clone());
                    }
                }
            }
        }
        for f in findings.iter().filter(|f| f.new != Some(false)) {
            let Some(ids) = self
                .rules
                .get(&f.rule_id)
                .and_then(|m| m.get(&framework.id))
            else {
                continue;
            };
            for id in ids {
                let e = entry(&mut controls, framework, id);
                if !e.rules.contains(&f.rule_id) {
                    e.rules.push(f.rule_id.clone());
                }
                e.status = ControlStatus::Findings;
                e.findings += 1;
                *e.by_severity.entry(f.severity).or_default() += 1;
                match f.confidence {
                    Confidence::Confirmed => e.confirmed += 1,
                    Confidence::Likely => e.likely += 1,
                    Confidence::Possible => e.possible += 1,
                }
                e.fingerprints.push(f.fingerprint.clone());
            }
        }
        let mut controls: Vec<ControlSummary> = controls.into_values().collect();
        for c in &mut controls {
            c.rules.sort();
        }
        controls.sort_by_cached_key(|c| natural(&c.control));
        FrameworkSummary {
            framework: framework.id.clone(),
            name: framework.name.clone(),
            version: framework.version.clone(),
            source: framework.source.clone(),
            notice: NOT_AN_ATTESTATION.to_owned(),
            with_findings: controls
                .iter()
                .filter(|c| c.status == ControlStatus::Findings)
                .count(),
            without_findings: controls
                .iter()
                .filter(|c| c.status == ControlStatus::NoFinding)
                .count(),
            controls,
        }
    }
}

/// Frameworks in the order reports list them.
fn order(id: &str) -> (usize, String) {
    let known = ["asvs", "pci-dss", "soc2", "hipaa", "gdpr", "nist-800-53"];
    (
        known.iter().position(|k| *k == id).unwrap_or(known.len()),
        id.to_owned(),
    )
}

/// A sort key that puts `6.2.10` after `6.2.9` and `AC-6` after `AC-3`.
fn natural(id: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut num = String::new();
    for c in id.chars() {
        if c.is_ascii_digit() {
            num.push(c);
        } else {
            if !num.is_empty() || !text.is_empty() {
                out.push((std::mem::take(&mut text), num.parse().unwrap_or(0)));
                num.clear();
            }
            text.push(c);
        }
    }
    out.push((text, num.parse().unwrap_or(0)));
    out
}

/// Whether a control has findings against it in this scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ControlStatus {
    /// At least one finding is evidence against it.
    Findings,
    /// Rules that map to it ran and found nothing.
    NoFinding,
}

/// One control in a framework summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlSummary {
    /// The control id (`6.2.4`).
    pub control: String,
    /// Its short title.
    pub title: String,
    /// Findings against it, or checked and nothing found.
    pub status: ControlStatus,
    /// The rules that map to it and ran (or found something).
    pub rules: Vec<String>,
    /// Findings against it (counted ones: new ones under a baseline).
    pub findings: usize,
    /// Those findings by severity.
    pub by_severity: BTreeMap<Severity, usize>,
    /// Confirmed by the probe.
    pub confirmed: usize,
    /// Likely.
    pub likely: usize,
    /// Possible.
    pub possible: usize,
    /// The findings' fingerprints, to find them in the report.
    pub fingerprints: Vec<String>,
}

/// The `--compliance` summary of one framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameworkSummary {
    /// Framework id.
    pub framework: String,
    /// Its name.
    pub name: String,
    /// The version mapped.
    pub version: String,
    /// The document the ids come from.
    pub source: String,
    /// [`NOT_AN_ATTESTATION`].
    pub notice: String,
    /// Controls with findings.
    pub with_findings: usize,
    /// Controls checked with nothing found.
    pub without_findings: usize,
    /// The controls, findings first is up to the renderer; here in id order.
    pub controls: Vec<ControlSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_of_ids() {
        let mut ids = vec![
            "6.2.10",
            "6.2.9",
            "AC-6",
            "AC-3",
            "AC-12",
            "164.312(e)(1)",
            "164.312(a)(1)",
        ];
        ids.sort_by_key(|i| natural(i));
        assert_eq!(
            ids,
            [
                "6.2.9",
                "6.2.10",
                "164.312(a)(1)",
                "164.312(e)(1)",
                "AC-3",
                "AC-6",
                "AC-12"
            ]
        );
    }

    #[test]
    fn unknown_controls_and_frameworks_are_refused() {
        let base = "[frameworks.x]\nname = \"X\"\nversion = \"1\"\nsource = \"doc\"\n[frameworks.x.controls]\n\"1.1\" = \"one\"\n";
        assert!(Mapping::parse(&format!("{base}[rules.SC101]\nx = [\"1.1\"]\n")).is_ok());
        let bad = Mapping::parse(&format!("{base}[rules.SC101]\nx = [\"9.9\"]\n")).unwrap_err();
        assert!(bad.contains("9.9"), "{bad}");
        let bad = Mapping::parse(&format!("{base}[rules.SC101]\ny = [\"1.1\"]\n")).unwrap_err();
        assert!(bad.contains("unknown framework"), "{bad}");
    }
}
