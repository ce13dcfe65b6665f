//! Other kinds of account. Many APIs log in more than one kind of user, each at its own
//! login operation (`/login` for customers, `/api/v1/merchants/login` for merchants,
//! `/vendor/login`), and user A's token is refused on the other kind's routes. With
//! `--allow-writes` the scan owns an account of each kind it could register; that
//! account reads (and, as the write phase does, writes) what A was refused on, so the
//! passive rules (secrets and card numbers in answers, exception text) see those routes
//! too.

use std::sync::Arc;

use reqwest::Method;
use serde_json::Value;

use crate::auth::Identity;
use crate::discovery::SeenIds;
use crate::engine::{Actor, Exchange};
use crate::probe::{Own, Probe, Probed};
use spillcheck_core::Finding;

/// Whether A's own answer to an operation was a refusal (401/403).
fn refused_to_a(pr: &Probed) -> bool {
    pr.user
        .as_ref()
        .is_some_and(|e| matches!(e.response.status, 401 | 403))
}

/// Fields too common to tell one record from another: never the reason to take a
/// record's values for a body.
const GENERIC: &[&str] = &[
    "id",
    "amount",
    "currency",
    "description",
    "type",
    "status",
    "name",
    "title",
    "note",
    "message",
    "created_at",
    "updated_at",
    "timestamp",
    "label",
];

/// A body's fields set from one record the users were seen with: a merchant's charge
/// takes one card's `card_number`, `cvv` and `expiry_date`, as a customer would give them.
/// The record (B's answers first, then A's) that shares the most distinctive fields with
/// the body, two at least; only those fields are set, all from that one record.
pub(crate) fn fill_from_records(body: &mut Value, records: &[&Value]) {
    let Value::Object(fields) = body else { return };
    let distinctive = |k: &String| !GENERIC.contains(&k.to_ascii_lowercase().as_str());
    let shared = |r: &Value| -> Vec<String> {
        r.as_object()
            .map(|m| {
                fields
                    .keys()
                    .filter(|k| distinctive(k))
                    .filter(|k| m.get(*k).is_some_and(|v| !v.is_null() && !v.is_object()))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut best: Option<(&Value, Vec<String>)> = None;
    for r in records {
        let keys = shared(r);
        if keys.len() >= 2 && best.as_ref().is_none_or(|(_, b)| keys.len() > b.len()) {
            best = Some((r, keys));
        }
    }
    if let Some((record, keys)) = best {
        for k in keys {
            if let Some(v) = record.get(&k) {
                fields.insert(k, v.clone());
            }
        }
    }
}

/// The records (JSON objects with an id) of B's answers, then A's, in the order sent.
fn users_records(exchanges: &[Arc<Exchange>]) -> Vec<Value> {
    let mut out = Vec::new();
    for actor in [Actor::UserB, Actor::UserA] {
        for ex in exchanges.iter().filter(|x| x.request.actor == actor) {
            if !ex.response.ok() {
                continue;
            }
            if let Some(json) = ex.response.json() {
                out.extend(crate::authz::records(&json).into_iter().cloned());
            }
            if out.len() > 400 {
                return out;
            }
        }
    }
    out
}

/// The writes A was refused on, sent by `who` as the write phase sends them: a valid body
/// whose fields that name a user's record (a card to charge) take one record's values,
/// then, with `probe_errors`, a malformed body and a list for SC220. Sent before `who`
/// has read anything: no ids of its own to fill in yet.
async fn write_as(p: &Probe, who: &Identity, records: &[&Value], probe_errors: bool) {
    let label = who.label.label().to_owned();
    let seen = &SeenIds::default();
    for pr in p.refused_writes.iter().take(20) {
        let mut valid = crate::writes::unique_valid_body(&pr.op, seen);
        fill_from_records(&mut valid, records);
        let mut bodies = vec![valid];
        if probe_errors {
            bodies.extend(crate::writes::malformed_body(&pr.op));
            bodies.extend(crate::writes::list_body(&pr.op));
        }
        let path = crate::probe::fill(&pr.op, seen, &Own::default());
        for body in bodies {
            let _ = p
                .send_as(who, p.write_request(&label, pr, &path, &body))
                .await;
        }
    }
}

/// The reads without parameters, sent by `who`: what its answers name, learnt.
async fn learn_as(p: &Probe, who: &Identity, flat: &[&Probed]) -> SeenIds {
    let mut seen = SeenIds::default();
    for pr in flat {
        let req = p.request(who.label.label(), Method::GET, &pr.path);
        if let Ok(ex) = p.send_as(who, req).await
            && ex.response.ok()
            && let Some(json) = ex.response.json()
        {
            seen.learn(pr.path.split('?').next().unwrap_or(""), &json);
        }
    }
    seen
}

/// What A was refused on, sent with the token of each of the scan's own accounts that
/// logs in elsewhere than the users do: the writes first (see [`write_as`]), so that the
/// reads see what they made, then the reads without path parameters, then the others with
/// ids that account was seen with. Where a second account of that kind can be registered,
/// it does the same writes, and the reads are tested between the two (SC210). Run before
/// the cross-user checks, while the users' objects are in use (not yet frozen or emptied by
/// them). Returns the findings.
pub(crate) async fn read_as_other_realms(p: &Probe) -> Vec<Finding> {
    let mut found = Vec::new();
    if !p.engine.settings().allow_writes || p.user.is_none() {
        return found;
    }
    let main = p.users_login_path();
    let refused: Vec<&Probed> = p
        .ops
        .iter()
        .filter(|pr| pr.op.method == "GET" && refused_to_a(pr))
        .collect();
    if refused.is_empty() && p.refused_writes.is_empty() {
        return found;
    }
    let records = users_records(&p.engine.exchanges());
    let records: Vec<&Value> = records.iter().collect();
    let (flat, with_ids): (Vec<&Probed>, Vec<&Probed>) = refused
        .iter()
        .partition(|pr| pr.op.path_params().count() == 0);
    for account in crate::login::owned_accounts(p).await {
        let kind = account.login.op.path.clone();
        if main.as_deref() == Some(kind.as_str()) {
            continue;
        }
        let Some(token) = &account.token else {
            continue;
        };
        let who = Identity::literal(format!("own account ({kind})"), token);
        write_as(p, &who, &records, p.enabled("SC220")).await;
        let seen = learn_as(p, &who, &flat).await;
        for pr in with_ids.iter().take(20) {
            let path = crate::probe::fill(&pr.op, &seen, &Own::default());
            let _ = p
                .send_as(&who, p.request(who.label.label(), Method::GET, &path))
                .await;
        }
        if !p.enabled("SC210") {
            continue;
        }
        let Some(other) = crate::login::another_like(p, &account).await else {
            continue;
        };
        let Some(token) = &other.token else {
            continue;
        };
        let second = Identity::literal(format!("own account 2 ({kind})"), token);
        write_as(p, &second, &records, false).await;
        let seen_second = learn_as(p, &second, &flat).await;
        let reads: Vec<&Probed> = with_ids
            .iter()
            .copied()
            .filter(|pr| pr.op.path_params().count() == 1)
            .take(20)
            .collect();
        found.extend(
            crate::rules::sc210_cross_user_object_access::between_accounts(
                p,
                &kind,
                (&who, &seen),
                (&second, &seen_second),
                &reads,
            )
            .await,
        );
    }
    found
}
