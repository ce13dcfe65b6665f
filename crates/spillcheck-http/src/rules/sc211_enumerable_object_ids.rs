//! `SC211` enumerable-object-ids: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use reqwest::Method;
use spillcheck_core::Finding;
use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

use crate::authz;
use crate::discovery::Security;
use crate::inspect;
use crate::probe::{Probe, Probed};

declare_rule! {
    /// ## What it finds
    /// With one token, the probe walked the integer ids next to the caller's own objects and received records owned by someone else; it also reports when ids are sequential and guessable.
    ///
    /// ## Why it matters
    /// Sequential ids plus a missing ownership check let an attacker download the whole table with a loop.
    ///
    /// ## Example
    /// ```http
    /// GET /api/users/3 HTTP/1.1
    /// Authorization: Bearer <user A, id 2>
    ///
    /// HTTP/1.1 200 OK
    /// {"id": 3, "email": "..."}
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed when a neighbour's answer names another owner or carries another user's email; likely when it is missing from A's own listing (read again then: records made since, by A's own writes or by everyone, are not others' found by enumeration). Not reported: answers identical to A's own (the id is ignored), answers shaped like the answer for an id that names nothing (an empty record for any number), objects of a collection A's listing shows as shared or whose record says it is public (`is_public: true`, `visibility: "public"`), and public reads that anonymous callers get alike. Random UUIDs are noted as not enumerable.
    ///
    /// ## Fix
    /// Check ownership (see SC210); random ids only slow enumeration down, they do not replace the check.
    pub static SC211 = {
        id: "SC211",
        slug: "enumerable-object-ids",
        title: "Enumerable object ids expose other users' records",
        severity: Severity::High,
        confidence: Confidence::Confirmed,
        cwe: &[639, 200],
        owasp: &[OwaspApi::Api1],
        fix: "Enforce ownership on every object lookup; prefer random identifiers (UUIDv4) for objects exposed in URLs.",
        confirms: &["SC102"],
    }
}

/// The caller's own ids for an operation, as integers: their user id on user routes,
/// else the ids of their own listing of the collection.
fn own_ids(p: &Probe, pr: &Probed) -> (Vec<i64>, bool) {
    let Some(param) = authz::param(pr) else {
        return (Vec::new(), false);
    };
    let raw: Vec<String> = if authz::is_user_param(pr) {
        p.own.ids.clone()
    } else if !p.own.values_for(&param.name).is_empty() {
        p.own.values_for(&param.name).to_vec()
    } else {
        authz::texts(&p.seen_a.candidates(&param.name, &authz::prefix(pr)))
    };
    let uuid = raw
        .iter()
        .any(|v| v.len() == 36 && v.matches('-').count() == 4);
    (raw.iter().filter_map(|v| v.parse().ok()).collect(), uuid)
}

/// One operation: neighbours of the caller's own ids, read with the caller's token.
async fn walk(p: &Probe, pr: &Probed) -> Option<Finding> {
    let (own, uuid) = own_ids(p, pr);
    if own.is_empty() {
        if uuid {
            p.diagnose(
                spillcheck_core::DiagnosticLevel::Warning,
                format!(
                    "SC211: {} {} uses random UUIDs: not enumerable",
                    pr.op.method, pr.op.path
                ),
            );
        }
        return None;
    }
    let user = p.user.as_ref()?;
    let w = i64::from(p.enum_window.max(1));
    let mut neighbours: Vec<i64> = Vec::new();
    for id in &own {
        for n in (id - w)..=(id + w) {
            if n > 0 && !own.contains(&n) && !neighbours.contains(&n) {
                neighbours.push(n);
            }
        }
    }
    neighbours.truncate(usize::try_from(2 * w).unwrap_or(6).max(2));
    // The caller's own listing of this collection, when there is one (user routes have none):
    // what the probe saw, and the listing as it is now (records made since, by A's own
    // writes, are A's or everyone's, not others' found by enumeration).
    // Without a listing to read, an id's absence from what the probe saw of A proves
    // nothing: A may have made it in this scan (a create answered with `order_id` only).
    let listed: Option<Vec<String>> = if authz::is_user_param(pr) {
        None
    } else if let Some(now) = authz::fresh_listing(p, user, pr).await {
        let mut ids = authz::texts(&p.seen_a.candidates(
            &authz::param(pr).map(|x| x.name.clone()).unwrap_or_default(),
            &authz::prefix(pr),
        ));
        ids.extend(p.created_a.iter().map(|(_, id)| id.clone()));
        for r in authz::records(&now) {
            if let Some(id) = r.get("id").map(crate::discovery::value_text)
                && !ids.contains(&id)
            {
                ids.push(id);
            }
        }
        Some(ids)
    } else {
        None
    };
    let own_answer = pr.user.as_ref().filter(|x| x.response.ok());
    // What the operation answers for an id that names nothing: a neighbour answered the
    // same way (`{"transactions": []}` for any number) is no record.
    let sample = own
        .iter()
        .max()
        .map(ToString::to_string)
        .unwrap_or_default();
    let absent = authz::absent_like(pr, &sample);
    let control = p
        .send_as(
            user,
            p.request("user A", Method::GET, &authz::with_value(pr, &absent)),
        )
        .await
        .ok()
        .filter(|c| c.response.ok());
    let shared = authz::SharedListing::of(p, pr);
    let mut hits = Vec::new();
    for n in neighbours {
        let path = authz::with_value(pr, &n.to_string());
        let Ok(ex) = p
            .send_as(user, p.request("user A", Method::GET, &path))
            .await
        else {
            continue;
        };
        // An answer that holds nothing (`{"entries": []}`) is no record of anyone's.
        if !ex.response.ok()
            || p.not_found.matches(&ex.response)
            || inspect::holds_no_data(&ex.response)
        {
            continue;
        }
        if own_answer.is_some_and(|o| inspect::similarity(&o.response, &ex.response) >= 0.95) {
            continue; // the same answer as for the caller's own id: the id is ignored
        }
        if control
            .as_ref()
            .is_some_and(|c| inspect::same_shape(&c.response, &ex.response))
        {
            continue; // answered like an id that names nothing
        }
        // Content every user may browse: the caller's listing shows it (or shows other
        // people's records), or its record says it is public, and it holds no secret.
        if (shared.as_ref().is_some_and(|s| s.shares(&n.to_string()))
            || authz::marks_itself_public(&ex.response))
            && !authz::carries_secret(&ex.response)
        {
            continue;
        }
        let json = ex.response.json();
        let foreign_email = inspect::emails(&ex.response.text())
            .iter()
            .any(|e| !p.own.emails.contains(e));
        let (confirmed, why) = match json.as_ref().and_then(|j| authz::owned_by(j, &p.own)) {
            Some(true) => continue,
            Some(false) => (true, format!("id {n}: its owner field names another user")),
            None if foreign_email => (true, format!("id {n}: it carries another user's email")),
            // A record that names one of A's own (a transfer to A's account) involves A.
            None if json
                .as_ref()
                .is_some_and(|j| authz::names_a_record_of_a(p, j).is_some()) =>
            {
                continue;
            }
            None => match &listed {
                Some(l) if !l.contains(&n.to_string()) => {
                    (false, format!("id {n}: not in the caller's own listing"))
                }
                _ => continue,
            },
        };
        hits.push((ex, confirmed, why));
    }
    let confirmed = hits.iter().any(|h| h.1);
    let (first, _, why) = hits.iter().find(|h| h.1 == confirmed)?;
    let n = hits.len();
    let msg = format!(
        "{} {}: user A read {n} record(s) of others by trying ids next to their own ({why}); ids are sequential integers",
        pr.op.method, pr.op.path
    );
    let others: Vec<&crate::engine::Exchange> = own_answer.map(AsRef::as_ref).into_iter().collect();
    Some(
        Finding::new(&SC211, msg)
            .on_route(&pr.op.method, &pr.op.path)
            .with_confidence(if confirmed {
                Confidence::Confirmed
            } else {
                Confidence::Likely
            })
            .with_http(p.evidence(first, why, &others)),
    )
}

/// Walks ids around the caller's own on every object read that needs a token.
pub(crate) async fn probe(p: &Probe) -> Vec<Finding> {
    if p.user.is_none() {
        return Vec::new();
    }
    let ops: Vec<&Probed> = authz::object_reads(p)
        .into_iter()
        .filter(|pr| {
            // Public reads (anyone gets the same) are not enumeration of private records,
            // unless documented as needing a token.
            let anon_same = pr
                .anon
                .as_ref()
                .zip(pr.user.as_ref())
                .is_some_and(|(x, u)| {
                    x.response.ok() && inspect::similarity(&x.response, &u.response) >= 0.9
                });
            matches!(pr.op.security, Security::Required(_)) || !anon_same
        })
        .collect();
    let found = futures_util::future::join_all(ops.into_iter().map(|pr| walk(p, pr))).await;
    found.into_iter().flatten().collect()
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::active(crate::rules::Stage::Objects, |p| Box::pin(probe(p)))];
