//! `SC274` deprecated-operation-served: the rule's metadata, documentation and check.
//!
//! Read from the API inventory (`crate::inventory`): code, description, live answers.

use spillcheck_core::{Confidence, Finding, OwaspApi, Severity, declare_rule};

use crate::inventory::Inventory;

declare_rule! {
    /// ## What it finds
    /// An operation the API description marks `deprecated: true` that the code still serves or the running API still answers.
    ///
    /// ## Why it matters
    /// A deprecated operation is one nobody maintains any more: fixes and new checks go to its
    /// replacement, while it stays reachable (API9:2023). Keeping it on the inventory with an end
    /// date is how it gets retired.
    ///
    /// ## Example
    /// ```yaml
    /// /api/v1/users/{user_id}:
    ///   get: {deprecated: true}     # still routed by the code
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Deprecation windows are normal, hence the low severity: the finding keeps the operation
    /// on the inventory until it goes. Only where the description is this code's (see SC270).
    /// `confirmed` when the running API answered it. Three deprecated operations or more are one
    /// finding (one item of the inventory), the others named in its notes. When the same route has a more severe
    /// inventory finding (an old version lacking the new one's checks, SC273) this becomes a note
    /// of that finding.
    ///
    /// ## Fix
    /// Remove the operation when its deprecation window ends (and the entry with it).
    pub static SC274 = {
        id: "SC274",
        slug: "deprecated-operation-served",
        title: "Deprecated operation still served",
        severity: Severity::Low,
        confidence: Confidence::Likely,
        cwe: &[1059],
        owasp: &[OwaspApi::Api9],
        fix: "Remove the deprecated operation (and its entry in the description) when its window ends.",
    }
}

pub(crate) fn check(inv: &Inventory) -> Vec<Finding> {
    let mut out = Vec::new();
    for row in &inv.rows {
        if !(row.spec.as_ref().is_some_and(|s| s.deprecated) && row.served()) {
            continue;
        }
        let mut f = Finding::new(
            &SC274,
            format!(
                "`{} {}` is marked deprecated in the API description but still served",
                row.method, row.path
            ),
        )
        .on_route(&row.method, &row.path);
        if row.live_answers() {
            f.confidence = Confidence::Confirmed;
        }
        if let Some(loc) = row.code.as_ref().and_then(|c| c.location.clone()) {
            f = f.at(loc);
        }
        out.push(f);
    }
    one_item(out)
}

/// Three deprecated operations or more are one item of the inventory (an API in the middle
/// of a deprecation window, mwdb-core's 15 legacy operations): the first (one the running
/// API answered, if any) keeps the others in its notes (`also on PUT /api/config/{id}`).
fn one_item(mut found: Vec<Finding>) -> Vec<Finding> {
    if found.len() < 3 {
        return found;
    }
    let first = found
        .iter()
        .position(|f| f.confidence == Confidence::Confirmed)
        .unwrap_or(0);
    let mut head = found.remove(first);
    head.message = format!(
        "{} operations marked deprecated in the API description are still served ({} and {} more)",
        found.len() + 1,
        head.route
            .as_ref()
            .map(|r| format!("`{} {}`", r.method, r.path))
            .unwrap_or_default(),
        found.len()
    );
    for f in &found {
        head.absorb_route(f);
    }
    vec![head]
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::Inventory {
        needs_description: true,
        run: check,
    }];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deprecation_window_is_one_item() {
        let f = |m: &str, p: &str, c: Confidence| {
            let mut f = Finding::new(&SC274, format!("`{m} {p}`")).on_route(m, p);
            f.confidence = c;
            f
        };
        let two = vec![f("GET", "/a", Confidence::Likely), f("PUT", "/b", Confidence::Likely)];
        assert_eq!(one_item(two).len(), 2);
        let got = one_item(vec![
            f("PUT", "/a", Confidence::Likely),
            f("GET", "/b", Confidence::Confirmed),
            f("POST", "/c", Confidence::Likely),
        ]);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].route.as_ref().unwrap().path, "/b");
        assert_eq!(got[0].confidence, Confidence::Confirmed);
        assert_eq!(got[0].notes, ["also on PUT /a", "also on POST /c"]);
        assert!(got[0].message.starts_with("3 operations"), "{}", got[0].message);
    }
}
