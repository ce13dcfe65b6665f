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
    /// Deprecation windows are normal. An operation whose description plans its end (names its
    /// replacement, "Deprecated: use POST /blob instead", or gives an end date to come,
    /// `x-sunset: 2027-01-31`) is in its window: `possible`, shown only when asked for, so the
    /// inventory keeps it without a reviewer dismissing it. One marked deprecated with no plan
    /// is `likely` (low severity); one still served after the end date its description gives
    /// is medium. Only where the description is this code's (see SC270). `confirmed` when the
    /// running API answered it. Three deprecated operations or more of one kind are one finding
    /// (one item of the inventory), the others named in its notes. When the same route has a
    /// more severe inventory finding (an old version lacking the new one's checks, SC273) this
    /// becomes a note of that finding.
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
    check_on(inv, &spillcheck_core::time::today_utc())
}

/// The check as of `today` (`YYYY-MM-DD`): operations past their end date, operations in a
/// planned window (a replacement named, an end date to come) and the others are three
/// items of the inventory.
fn check_on(inv: &Inventory, today: &str) -> Vec<Finding> {
    // Past the end date, no plan said, in a planned window.
    let mut groups: [Vec<Finding>; 3] = Default::default();
    for row in &inv.rows {
        let Some(spec) = row.spec.as_ref().filter(|s| s.deprecated) else {
            continue;
        };
        if !row.served() {
            continue;
        }
        let (method, path) = (&row.method, &row.path);
        let plan = &spec.deprecation;
        let sunset = plan.sunset.as_deref().unwrap_or_default();
        let (group, message) = if plan.ended(today) {
            (
                0,
                format!("`{method} {path}` is still served after the end date its API description gives ({sunset})"),
            )
        } else if plan.replacement || plan.sunset.is_some() {
            let why = if sunset.is_empty() {
                "its description names the replacement".to_owned()
            } else {
                format!("end date {sunset}")
            };
            (2, format!("`{method} {path}` is deprecated and served in its window ({why})"))
        } else {
            (
                1,
                format!("`{method} {path}` is marked deprecated in the API description but still served"),
            )
        };
        let mut f = Finding::new(&SC274, message).on_route(method, path);
        f.confidence = match group {
            // A planned window is what deprecation means: kept on the inventory, reported
            // only when asked for.
            2 => Confidence::Possible,
            _ if row.live_answers() => Confidence::Confirmed,
            _ => f.confidence,
        };
        if group == 0 {
            f.severity = Severity::Medium;
        }
        if let Some(loc) = row.code.as_ref().and_then(|c| c.location.clone()) {
            f = f.at(loc);
        }
        groups[group].push(f);
    }
    let [ended, open, window] = groups;
    let mut out = one_item(ended, "are still served after the end date their description gives");
    out.extend(one_item(open, "are still served"));
    out.extend(one_item(window, "are served in their deprecation window"));
    out
}

/// Three deprecated operations or more are one item of the inventory (an API in the middle
/// of a deprecation window, mwdb-core's 15 legacy operations): the first (one the running
/// API answered, if any) keeps the others in its notes (`also on PUT /api/config/{id}`).
fn one_item(mut found: Vec<Finding>, how: &str) -> Vec<Finding> {
    if found.len() < 3 {
        return found;
    }
    let first = found
        .iter()
        .position(|f| f.confidence == Confidence::Confirmed)
        .unwrap_or(0);
    let mut head = found.remove(first);
    head.message = format!(
        "{} operations marked deprecated in the API description {how} ({} and {} more)",
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
        assert_eq!(one_item(two, "are still served").len(), 2);
        let got = one_item(
            vec![
                f("PUT", "/a", Confidence::Likely),
                f("GET", "/b", Confidence::Confirmed),
                f("POST", "/c", Confidence::Likely),
            ],
            "are still served",
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].route.as_ref().unwrap().path, "/b");
        assert_eq!(got[0].confidence, Confidence::Confirmed);
        assert_eq!(got[0].notes, ["also on PUT /a", "also on POST /c"]);
        assert!(got[0].message.starts_with("3 operations"), "{}", got[0].message);
    }

    #[test]
    fn a_planned_window_is_possible_and_a_passed_end_date_is_medium() {
        use crate::discovery::{Operation, Origin};
        let op = |path: &str, deprecation: crate::discovery::Deprecation| {
            let mut op = Operation::new("GET", path, Origin::OpenApi);
            op.deprecated = true;
            op.deprecation = deprecation;
            op
        };
        let plan = |sunset: Option<&str>, replacement: bool| crate::discovery::Deprecation {
            sunset: sunset.map(str::to_owned),
            replacement,
        };
        let spec = vec![
            op("/api/v1/a", plan(Some("2025-06-30"), false)),
            op("/api/v1/b", plan(Some("2027-01-31"), false)),
            op("/api/v1/c", plan(None, true)),
            op("/api/v1/d", plan(None, false)),
        ];
        let code: Vec<crate::inventory::CodeRoute> = ["/api/v1/a", "/api/v1/b", "/api/v1/c", "/api/v1/d"]
            .iter()
            .map(|p| crate::inventory::CodeRoute {
                method: "GET".into(),
                path: (*p).into(),
                auth: crate::inventory::CodeAuth::Required,
                owner_checked: None,
                relay: false,
                location: None,
            })
            .collect();
        let inv = Inventory::build(Some(code), Some(&spec), &[]);
        let got = check_on(&inv, "2026-12-03");
        let of = |p: &str| {
            got.iter()
                .find(|f| f.route.as_ref().is_some_and(|r| r.path == p))
                .unwrap_or_else(|| panic!("no finding on {p}: {got:?}"))
        };
        assert_eq!(of("/api/v1/a").severity, Severity::Medium);
        assert!(of("/api/v1/a").message.contains("after the end date"));
        assert_eq!(of("/api/v1/a").confidence, Confidence::Likely);
        assert_eq!(of("/api/v1/b").confidence, Confidence::Possible);
        assert_eq!(of("/api/v1/c").confidence, Confidence::Possible);
        assert_eq!(of("/api/v1/d").confidence, Confidence::Likely);
        assert_eq!(of("/api/v1/d").severity, Severity::Low);
    }
}
