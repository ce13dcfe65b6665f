//! Baselines: accept today's findings so that only new ones fail a gate.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::finding::Finding;

/// A baseline file: the fingerprints of accepted findings (with their rule and
/// message, so a reviewer can read what was accepted).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Always `"spillcheck-baseline"`.
    pub kind: String,
    /// Format version, 1.
    pub schema: u32,
    /// The accepted findings.
    pub findings: Vec<BaselineEntry>,
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    /// Its fingerprint.
    pub fingerprint: String,
    /// Its rule id.
    pub rule_id: String,
    /// Its (redacted) message.
    pub message: String,
}

const KIND: &str = "spillcheck-baseline";

impl Baseline {
    /// A baseline accepting these findings (fingerprints must be assigned).
    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let mut entries: Vec<BaselineEntry> = findings
            .iter()
            .map(|f| BaselineEntry {
                fingerprint: f.fingerprint.clone(),
                rule_id: f.rule_id.clone(),
                message: f.message.clone(),
            })
            .collect();
        entries.sort_by(|a, b| (&a.rule_id, &a.fingerprint).cmp(&(&b.rule_id, &b.fingerprint)));
        entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        Baseline {
            kind: KIND.to_owned(),
            schema: 1,
            findings: entries,
        }
    }

    /// Reads a baseline file.
    pub fn read(path: &Path) -> Result<Baseline, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| Error::Baseline {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        if baseline.kind != KIND || baseline.schema != 1 {
            return Err(Error::Baseline {
                path: path.to_owned(),
                message: format!("expected kind `{KIND}` and schema 1"),
            });
        }
        Ok(baseline)
    }

    /// Writes this baseline as pretty JSON.
    pub fn write(&self, path: &Path) -> Result<(), Error> {
        let mut text = serde_json::to_string_pretty(self).expect("baseline serializes");
        text.push('\n');
        std::fs::write(path, text).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })
    }

    /// Marks each finding `new: Some(true|false)`; returns (known, new) counts.
    pub fn apply(&self, findings: &mut [Finding]) -> (usize, usize) {
        let known: BTreeSet<&str> = self
            .findings
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect();
        let mut counts = (0, 0);
        for f in findings {
            let is_new = !known.contains(f.fingerprint.as_str());
            f.new = Some(is_new);
            if is_new {
                counts.1 += 1;
            } else {
                counts.0 += 1;
            }
        }
        counts
    }
}
