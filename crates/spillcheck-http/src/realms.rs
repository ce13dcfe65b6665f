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
pub(crate) fn fill_from_records<'r>(
    body: &mut Value,
    records: &[&'r Value],
) -> Option<(&'r Value, Vec<String>)> {
    let Value::Object(fields) = body else {
        return None;
    };
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
    let (record, keys) = best?;
    for k in &keys {
        if let Some(v) = record.get(k) {
            fields.insert(k.clone(), v.clone());
        }
    }
    Some((record, keys))
}

/// Fields that prove the caller holds what a number names (a card's CVV and expiry, a
/// PIN, a one-time code), compared in normal form.
const VERIFIERS: &[&str] = &[
    "cvv",
    "cvv2",
    "cvc",
    "cvc2",
    "pin",
    "securitycode",
    "expiry",
    "expirydate",
    "expiration",
    "expirationdate",
    "otp",
];

/// A wrong value of the same shape: every digit moved by one (`140` → `251`, `12/27` →
/// `23/38`), else the text with `x` added.
fn wrong(v: &Value) -> Value {
    let text = crate::discovery::value_text(v);
    if text.chars().any(|c| c.is_ascii_digit()) {
        let moved: String = text
            .chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => char::from_digit((d + 1) % 10, 10).unwrap_or(c),
                None => c,
            })
            .collect();
        if v.is_number() {
            return moved
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or(Value::from(moved));
        }
        return Value::from(moved);
    }
    Value::from(format!("{text}x"))
}

/// The fields of a record (any of its `versions`, as answers showed it over time) a
/// refusal shows, by name (`card_balance` for `balance`,
/// `card_currency` for `currency`) and value, other than those the request sent; booleans
/// are too common to count. Empty unless two show, one of them not an id, and one a
/// number or a text of six characters or more.
fn disclosed(answer: &Value, versions: &[&Value], sent: &[String]) -> Vec<String> {
    // Every field any version of the record showed, with each value it had.
    let mut rec: Vec<(&String, &Value)> = Vec::new();
    for v in versions {
        if let Some(m) = v.as_object() {
            rec.extend(m.iter());
        }
    }
    let norm = spillcheck_core::vocab::normalize;
    let mut found: Vec<(String, Value)> = Vec::new();
    crate::inspect::visit(answer, &mut |k, v| {
        if v.is_null() || v.is_boolean() || v.is_object() || v.is_array() {
            return;
        }
        let nk = norm(k);
        for &(rk, rv) in &rec {
            let nr = norm(rk);
            if nr.is_empty()
                || sent.iter().any(|s| s == rk)
                || !(nk == nr || nk.ends_with(&nr))
                || rv.is_boolean()
                || found.iter().any(|(n, _)| n == rk)
            {
                continue;
            }
            if crate::discovery::same_value(v, rv) {
                found.push((rk.clone(), rv.clone()));
            }
        }
    });
    let is_id = |k: &str| {
        let n = norm(k);
        n == "id" || n.ends_with("id")
    };
    let strong = found.iter().any(|(k, v)| {
        !is_id(k) && (v.is_number() || crate::discovery::value_text(v).chars().count() >= 6)
    });
    if found.len() >= 2 && strong {
        found.into_iter().map(|(k, _)| k).collect()
    } else {
        Vec::new()
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

/// `body`, filled from another user's record (`filled`: the record and the keys taken
/// from it), sent once more with the field that proves possession wrong: a refusal that
/// still shows the record (SC231). `records` are every record the users were seen with.
async fn decline_shows_record(
    p: &Probe,
    who: &Identity,
    pr: &Probed,
    path: &str,
    body: &Value,
    (record, keys): (&Value, &[String]),
    records: &[&Value],
) -> Option<Finding> {
    let verifier = keys
        .iter()
        .find(|k| VERIFIERS.contains(&spillcheck_core::vocab::normalize(k).as_str()))?;
    let Value::Object(mut wrong_body) = body.clone() else {
        return None;
    };
    let right = wrong_body.get(verifier).cloned().unwrap_or(Value::Null);
    wrong_body.insert(verifier.clone(), wrong(&right));
    let sent: Vec<String> = wrong_body.keys().cloned().collect();
    let ex = p
        .send_as(
            who,
            p.write_request(who.label.label(), pr, path, &Value::Object(wrong_body)),
        )
        .await
        .ok()?;
    if ex.response.ok() && !crate::inspect::failure_body(&ex.response) {
        return None;
    }
    let json = ex.response.json()?;
    // The record as each of the users' answers showed it (a balance moves).
    let versions: Vec<&Value> = records
        .iter()
        .copied()
        .filter(|r| keys.iter().all(|k| r.get(k) == record.get(k)))
        .collect();
    let shown = disclosed(&json, &versions, &sent);
    if shown.is_empty() {
        return None;
    }
    let others = keys
        .iter()
        .filter(|k| *k != verifier)
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let why = format!(
        "refused with a wrong `{verifier}` for another user's record (its {others} taken from the users' answers), the answer still shows that record's {}: {others} alone reveal them",
        shown.join(", ")
    );
    Some(p.finding_on(
        &crate::rules::sc231_other_users_pii_in_response::SC231,
        &pr.op,
        &why,
        &ex,
        &[],
    ))
}

/// The writes A was refused on, sent by `who` as the write phase sends them: a valid body
/// whose fields that name a user's record (a card to charge) take one record's values,
/// then, with `probes`, a malformed body and a list for SC220. Sent before `who`
/// has read anything: no ids of its own to fill in yet.
///
/// A body filled from a record with a field that proves the caller holds it (a card's CVV
/// or expiry) is also sent with that field wrong: a refusal that still shows the record
/// (its balance, its currency) tells anyone with the number alone (SC231).
async fn write_as(p: &Probe, who: &Identity, records: &[&Value], probes: bool) -> Vec<Finding> {
    let label = who.label.label().to_owned();
    let seen = &SeenIds::default();
    let mut found = Vec::new();
    for pr in p.refused_writes.iter().take(20) {
        let mut valid = crate::writes::unique_valid_body(&pr.op, seen);
        let filled = fill_from_records(&mut valid, records);
        let path = crate::probe::fill(&pr.op, seen, &Own::default());
        if let Some((record, keys)) = filled
            && probes
            && p.enabled("SC231")
        {
            found.extend(
                decline_shows_record(p, who, pr, &path, &valid, (record, &keys), records).await,
            );
        }
        let mut bodies = vec![valid];
        // Never malformed input into the caller's own account (it would change what the
        // caller signs in with).
        if probes && p.enabled("SC220") && !crate::probe::is_me_path(&pr.op.path) {
            bodies.extend(crate::writes::malformed_body(&pr.op));
            bodies.extend(crate::writes::list_body(&pr.op));
        }
        for body in bodies {
            let _ = p
                .send_as(who, p.write_request(&label, pr, &path, &body))
                .await;
        }
    }
    found
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
        found.extend(write_as(p, &who, &records, true).await);
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
        let _ = write_as(p, &second, &records, false).await;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_verifier_keeps_its_shape() {
        assert_eq!(wrong(&Value::from("140")), Value::from("251"));
        assert_eq!(wrong(&Value::from("12/27")), Value::from("23/38"));
        assert_eq!(wrong(&Value::from(909)), Value::from(10));
        assert_eq!(wrong(&Value::from("abc")), Value::from("abcx"));
    }

    #[test]
    fn a_refusal_that_shows_the_record() {
        let card = serde_json::json!({"id": 4, "card_number": "4111111111111111",
            "cvv": "140", "balance": 27.5, "currency": "USD", "is_frozen": false});
        let sent = vec![
            "card_number".to_owned(),
            "cvv".to_owned(),
            "amount".to_owned(),
        ];
        let decline = serde_json::json!({"status": "error", "debug_info": {
            "card_id": 4, "card_balance": 27.5, "card_currency": "USD", "is_frozen": false}});
        assert_eq!(
            disclosed(&decline, &[&card], &sent),
            ["id", "balance", "currency"]
        );
        // The balance the decline shows is a later one than the first answer's.
        let before = serde_json::json!({"id": 4, "card_number": "4111111111111111",
            "cvv": "140", "balance": 0.0, "currency": "USD"});
        assert!(disclosed(&decline, &[&before], &sent).is_empty());
        assert_eq!(
            disclosed(&decline, &[&before, &card], &sent),
            ["id", "balance", "currency"]
        );
        // A decline that says nothing of the card, or only its id and flags.
        let bare = serde_json::json!({"status": "error", "message": "Payment declined"});
        assert!(disclosed(&bare, &[&card], &sent).is_empty());
        let id_only = serde_json::json!({"card_id": 4, "is_frozen": false});
        assert!(disclosed(&id_only, &[&card], &sent).is_empty());
        // What the request sent, echoed, is not the record shown.
        let echo = serde_json::json!({"submitted_card_number": "4111111111111111", "card_id": 4});
        assert!(disclosed(&echo, &[&card], &sent).is_empty());
    }
}
