//! The score: the one place the formula of DESIGN.md lives.
//!
//! `score = max(0, 100 − Σ penalty)`, where a finding's penalty is its severity
//! weight (critical 40, high 20, medium 8, low 3, info 0) times its confidence
//! factor (confirmed 1.0, likely 0.75, possible 0.4), and the findings of one
//! rule after the first count half each (the heaviest counts in full). The sum
//! is subtracted exactly and the result rounded **down**, so a report never
//! rounds itself over a `--fail-under` gate. Grade: A ≥ 90, B ≥ 80, C ≥ 65,
//! D ≥ 50, else F.

use std::collections::BTreeMap;

use crate::catalog::OwaspApi;
use crate::finding::Finding;
use crate::severity::Grade;

/// Penalties of `findings` grouped by rule with the repetition discount applied,
/// returned per finding in input order.
fn discounted(findings: &[&Finding]) -> Vec<f64> {
    let mut by_rule: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        by_rule.entry(f.rule_id.as_str()).or_default().push(i);
    }
    let mut out = vec![0.0; findings.len()];
    for indices in by_rule.values() {
        let mut sorted = indices.clone();
        sorted.sort_by(|&a, &b| findings[b].penalty().total_cmp(&findings[a].penalty()));
        for (rank, &i) in sorted.iter().enumerate() {
            let p = findings[i].penalty();
            out[i] = if rank == 0 { p } else { p / 2.0 };
        }
    }
    out
}

/// The total penalty of these findings.
pub fn total_penalty<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> f64 {
    let findings: Vec<&Finding> = findings.into_iter().collect();
    discounted(&findings).iter().sum()
}

/// The 0–100 score of these findings.
pub fn score<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> u8 {
    let remaining = (100.0 - total_penalty(findings)).max(0.0).floor();
    // `remaining` is in 0.0..=100.0, so the cast is exact.
    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let s = remaining as u8;
    s
}

/// The grade of these findings.
pub fn grade<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Grade {
    Grade::from_score(score(findings))
}

/// Penalty and count per OWASP category (each finding counted under its first category;
/// the discount applies per rule across the whole run). Categories without findings are left out.
pub fn by_owasp<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
) -> Vec<(OwaspApi, usize, f64)> {
    let findings: Vec<&Finding> = findings.into_iter().collect();
    let penalties = discounted(&findings);
    let mut acc: BTreeMap<OwaspApi, (usize, f64)> = BTreeMap::new();
    for (f, p) in findings.iter().zip(penalties) {
        let category = f.owasp.first().and_then(|id| OwaspApi::from_id(id));
        if let Some(category) = category {
            let e = acc.entry(category).or_default();
            e.0 += 1;
            e.1 += p;
        }
    }
    acc.into_iter().map(|(c, (n, p))| (c, n, p)).collect()
}
