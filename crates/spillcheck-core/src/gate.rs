//! The CI gate: `--fail-under SCORE` and `--fail-on SEVERITY`.

use crate::finding::Finding;
use crate::severity::Severity;

/// When a run fails. With neither threshold set, any counted finding of
/// severity `low` or above fails (like a linter: findings fail unless you say otherwise).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Gate {
    /// Fail when the score is below this.
    pub fail_under: Option<u8>,
    /// Fail when a counted finding is at least this severe.
    pub fail_on: Option<Severity>,
}

/// The gate's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GateOutcome {
    /// The run passes.
    Pass,
    /// The run fails, with the reason.
    Fail(String),
}

impl Gate {
    /// Judges a run from its score and the findings that count (new ones under a baseline).
    pub fn judge<'a>(
        &self,
        score: u8,
        counted: impl IntoIterator<Item = &'a Finding>,
    ) -> GateOutcome {
        let fail_on = match (self.fail_under, self.fail_on) {
            (None, None) => Some(Severity::Low),
            (_, fail_on) => fail_on,
        };
        if let Some(min) = self.fail_under
            && score < min
        {
            return GateOutcome::Fail(format!("score {score} is below --fail-under {min}"));
        }
        if let Some(threshold) = fail_on {
            let n = counted
                .into_iter()
                .filter(|f| f.severity >= threshold)
                .count();
            if n > 0 {
                return GateOutcome::Fail(format!(
                    "{n} finding{} at or above severity {threshold}",
                    if n == 1 { "" } else { "s" }
                ));
            }
        }
        GateOutcome::Pass
    }
}
