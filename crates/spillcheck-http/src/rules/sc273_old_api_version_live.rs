//! `SC273` old-api-version-live: the rule's metadata, documentation and check.
//!
//! Read from the API inventory (`crate::inventory`): code, description, live answers.

use std::collections::BTreeMap;

use spillcheck_core::{Confidence, Finding, OwaspApi, Severity, declare_rule};

use crate::inventory::{CodeAuth, Inventory, Live, Row, version_of};

declare_rule! {
    /// ## What it finds
    /// Old API versions still served beside new ones without the checks the new ones have: `/api/v1/users/{id}` open while `/api/v2/users/{id}` requires a token, or loading records with no ownership check that v2 has.
    ///
    /// ## Why it matters
    /// Attackers try the old version first: the fix went into v2, v1 still answers (API9:2023).
    ///
    /// ## Example
    /// ```python
    /// @app.get("/api/v1/users/<int:user_id>")        # no @require_token: the old mobile app
    /// def user_v1(user_id): ...
    ///
    /// @app.get("/api/v2/users/<int:user_id>")
    /// @require_token
    /// def user_v2(user_id): ...
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Versions are path segments `v1`, `v2`...; an unversioned path beside versioned ones counts
    /// as the oldest. Only a check the newer version has and the older lacks is reported (from
    /// the code: authentication and ownership checks; live: the anonymous request answered with
    /// data by the old version and refused by the new). Found from the code alone (no API
    /// description needed); `confirmed` when both versions were probed.
    ///
    /// ## Fix
    /// Retire the old version, or give it the same checks as the new one (share the handler or
    /// the decorator).
    pub static SC273 = {
        id: "SC273",
        slug: "old-api-version-live",
        title: "Old API version served without the checks of the new one",
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: &[1059, 285],
        owasp: &[OwaspApi::Api9],
        fix: "Retire the old version or give it the checks the new version has.",
    }
}

fn open(row: &Row) -> Option<bool> {
    if let Some(Live::Answers {
        anonymous: Some(s), ..
    }) = row.live
    {
        return Some((200..300).contains(&s));
    }
    row.code.as_ref().map(|c| c.auth == CodeAuth::Open)
}

pub(crate) fn check(inv: &Inventory) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut groups: BTreeMap<(String, String), Vec<(u32, &Row)>> = BTreeMap::new();
    for row in inv.rows.iter().filter(|r| r.served()) {
        let (version, rest) = version_of(&row.path);
        groups
            .entry((row.method.clone(), rest))
            .or_default()
            .push((version.unwrap_or(0), row));
    }
    for members in groups.values() {
        if members.len() < 2 || members.iter().all(|(v, _)| *v == 0) {
            continue;
        }
        let Some(&(newest_v, newest)) = members.iter().max_by_key(|(v, _)| *v) else {
            continue;
        };
        for &(v, old) in members.iter().filter(|(v, _)| *v < newest_v) {
            let live = matches!(
                old.live,
                Some(Live::Answers {
                    anonymous: Some(_),
                    ..
                })
            ) && matches!(
                newest.live,
                Some(Live::Answers {
                    anonymous: Some(_),
                    ..
                })
            );
            let lacks = if open(old) == Some(true) && open(newest) == Some(false) {
                Some("the authentication")
            } else if old.code.as_ref().and_then(|c| c.owner_checked) == Some(false)
                && newest.code.as_ref().and_then(|c| c.owner_checked) == Some(true)
            {
                Some("the ownership check")
            } else {
                None
            };
            let Some(lacks) = lacks else { continue };
            let old_name = if v == 0 {
                "unversioned".to_owned()
            } else {
                format!("v{v}")
            };
            let mut f = Finding::new(
                &SC273,
                format!(
                    "`{} {}` ({old_name}) is still served without {lacks} that `{}` (v{newest_v}) has",
                    old.method, old.path, newest.path
                ),
            )
            .on_route(&old.method, &old.path);
            if live {
                f.confidence = Confidence::Confirmed;
            }
            if let Some(loc) = old.code.as_ref().and_then(|c| c.location.clone()) {
                f = f.at(loc);
            }
            out.push(f);
        }
    }
    out
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::Inventory {
        needs_description: false,
        run: check,
    }];
