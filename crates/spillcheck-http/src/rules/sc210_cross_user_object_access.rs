//! `SC210` cross-user-object-access: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};
use std::sync::Arc;

use reqwest::Method;
use serde_json::Value;
use spillcheck_core::{Finding, Route};

use crate::authz::{self, Verdict};
use crate::engine::Exchange;
use crate::probe::{Probe, Probed};

declare_rule! {
    /// ## What it finds
    /// With two users' tokens, the probe learnt which objects belong to user B, requested them with user A's token, and got B's data back (same body as B gets, B's owner fields). A redirect or 403 whose body still carries B's data counts as access. Nested objects too (`GET /users/{username}/contacts/{id}`): the parents filled with B's values, B's items learnt from B's listing of the parent collection. With `--allow-writes`, also writes: A changing or deleting objects B created, acting on them, naming them in a body, and setting B's password through an operation whose path names B (`PUT /users/{username}/password`): account takeover. B's objects are put to use first, as their owner would (a card funded, so its history is not empty). Objects addressed by a natural key (`/invoices/{number}`) are known by that member of the create's answer, not by the `id` beside it; a parameter that may name a record as well as a person (`{customer_id}` under `/customers/`) takes B's own listing of that collection first, then B's account. A listing filtered by whose records it shows (`?owner=`, `?patient_id=`, `?author=`) is read by A with B's name or id there. Nested items are known by the member the last parameter names (`n` of `/boards/{slug}/cards/{n}`) when they have no `id`. Accounts of another kind (merchants beside customers) are tested the same way between two accounts of that kind the scan registers. A read whose handler takes a header of its own that names a user (`X-User-Id`, `X-Username`, learnt from the code or the description) is sent by A with B's id, name or email there: B's data in the answer, absent from A's own, is a bypass too.
    ///
    /// ## Why it matters
    /// Broken Object Level Authorization is the most common and most damaging API flaw: every record of every user is one changed number away.
    ///
    /// ## Example
    /// ```http
    /// GET /api/notes/7 HTTP/1.1
    /// Authorization: Bearer <user A>
    ///
    /// HTTP/1.1 200 OK
    /// {"id": 7, "owner_id": 2, ...}
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed only with B's data in A's answer (an answer ≥ 80% like B's own, B's email or phone, or half of B's distinctive values), re-checked against an id that names nothing in the form of B's and against A's own object (A's answer for A's own id word for word A's answer for B's: the answer does not depend on whose id is asked): an operation that answers the same for any id, or whose answer to B's id has the shape of the answer to a missing one (`{"transactions": []}`), is not reported, and neither is B's own answer that holds no data. Not reported: objects the anonymous caller gets too (SC201's) unless they cannot be public by design (B's object is named by B's own account number, email or phone and holds records: then A reading it is reported too, since adding authentication alone would still let A read B's), objects A's own listing shows, records of a collection that lists other people, or records that say they are public (`is_public: true`, `visibility: "public"`, `private: false`) (shared by design) unless the object holds a secret field or the collection is private by nature (notes, a journal, orders, payments, cards, bookings, secrets: there A's listing showing a record whose owner field names B is itself reported, `likely`), and actions on objects A can read (a favourite or a follow is by design). A's listing is read again after B made its objects; a change or deletion of B's object is not reported when that listing shows the object and nothing in B's own answer names B (no owner field with B's id, no B's email or user name): a workspace every member shares, such as a monitoring tool's heartbeats. A changed object (actions) is judged by B's own read-back, timestamps ignored. `possible` when A gets a filtered view whose ownership cannot be told without personal data. The takeover check needs B's password (`--user` for B, never a token alone): operations that set a password are withheld from every other phase, and only those whose one path parameter names a user are sent, by A for B, with a password of the scan's choosing in every password field (skipped when the body asks for the current password); it is reported only when B then logs in with that password, and B's password is set back the same way (a warning says so if B cannot log in with it afterwards).
    ///
    /// ## Fix
    /// Scope every query to the caller: `WHERE id = ? AND owner_id = ?` with the owner from the verified token.
    pub static SC210 = {
        id: "SC210",
        slug: "cross-user-object-access",
        title: "Cross-user object access (BOLA/IDOR)",
        severity: Severity::Critical,
        confidence: Confidence::Confirmed,
        cwe: &[639],
        owasp: &[OwaspApi::Api1],
        fix: "Load objects by id *and* owner (taken from the verified token), and answer 404 for objects the caller does not own.",
        confirms: &["SC102"],
    }
}

/// B's objects for an operation: ids in B's answers for that collection (or under the
/// parameter's name) that A's answers do not show (shared objects are not B's alone),
/// plus B's own user id for user routes. At most two.
fn objects_of_b(p: &Probe, pr: &Probed) -> Vec<String> {
    let Some(param) = authz::param(pr) else {
        return Vec::new();
    };
    let prefix = authz::prefix(pr);
    let mut out = Vec::new();
    if authz::is_user_param(pr) {
        // Aimed at B's own identity, in the form the parameter names: an email, a user
        // name, else an id.
        let n = param.name.to_ascii_lowercase();
        // A name that may name a record as well as a person (`{customer_id}` under
        // `/customers/`, a CRM's records): B's own listing of that collection, when B has
        // one, names B's records first.
        if !strictly_a_user(&n) {
            let seen_by_a = authz::texts(&p.seen_a.candidates(&param.name, &prefix));
            out.extend(
                authz::texts(&p.seen_b.listed(&prefix))
                    .into_iter()
                    .filter(|id| !seen_by_a.contains(id)),
            );
        }
        let kinds: &[(&Vec<String>, &Vec<String>)] = if n.contains("mail") {
            &[(&p.own_b.emails, &p.own.emails)]
        } else if n.contains("name") || n == "login" || n == "handle" {
            &[(&p.own_b.names, &p.own.names)]
        } else if matches!(n.as_str(), "owner" | "author" | "creator" | "user")
            || authz::names_by_text(&n, param.kind.as_deref())
        {
            // A bare person word, or one the description types as a string (`?student=`,
            // "username of the student"): a name or a number, whichever the API keeps.
            &[(&p.own_b.names, &p.own.names), (&p.own_b.ids, &p.own.ids)]
        } else {
            &[(&p.own_b.ids, &p.own.ids)]
        };
        for (b, a) in kinds {
            if let Some(id) = b.iter().find(|id| !a.contains(id) && !out.contains(id)) {
                out.push(id.clone());
            }
        }
    } else {
        // B's own natural keys first (B's `account_number` from B's login): B's alone,
        // whoever else's values both users saw.
        let a_own = p.own.values_for(&param.name);
        for v in p.own_b.values_for(&param.name) {
            if !a_own.contains(v) && !out.contains(v) {
                out.push(v.clone());
            }
        }
        let seen_by_a = authz::texts(&p.seen_a.candidates(&param.name, &prefix));
        // An id of B's own listing of this collection is B's object even when it equals
        // A's user id (card 2 of B's beside user 2, A): A's own ids only rule out values
        // seen elsewhere.
        let listed_b = authz::texts(&p.seen_b.listed(&prefix));
        for id in authz::texts(&p.seen_b.candidates(&param.name, &prefix)) {
            if !seen_by_a.contains(&id)
                && (listed_b.contains(&id) || !p.own.ids.contains(&id))
                && !out.contains(&id)
            {
                out.push(id);
            }
        }
    }
    out.truncate(2);
    out
}

/// Whether a parameter's name can only name a person (`user_id`, `username`, `login`),
/// not a record of the API's own (`customer_id`, `member_id`, `account_id`, `id`).
fn strictly_a_user(lower: &str) -> bool {
    lower.contains("user") || matches!(lower, "uid" | "login" | "handle")
}

/// One of A's own values for the operation's parameter (A's project beside B's): not
/// for parameters that name a user.
fn object_of_a(p: &Probe, pr: &Probed) -> Option<String> {
    let param = authz::param(pr)?;
    if authz::is_user_param(pr) {
        return None;
    }
    let prefix = authz::prefix(pr);
    let seen_b = authz::texts(&p.seen_b.candidates(&param.name, &prefix));
    p.own
        .values_for(&param.name)
        .iter()
        .find(|v| !seen_b.contains(v))
        .cloned()
        .or_else(|| {
            authz::texts(&p.seen_a.candidates(&param.name, &prefix))
                .into_iter()
                .find(|id| !seen_b.contains(id))
        })
}

/// Whether A's answer for A's own object is, word for word, A's answer for B's: the
/// answer does not depend on whose id is asked (asset types every production uses,
/// filtered by either production), so it shows nothing of B's.
async fn same_for_own(p: &Probe, a: &crate::auth::Identity, own: &str, ax: &Exchange) -> bool {
    get(p, a, own)
        .await
        .is_some_and(|c| c.response.ok() && c.response.body == ax.response.body)
}

async fn get(p: &Probe, who: &crate::auth::Identity, path: &str) -> Option<Arc<Exchange>> {
    p.send_as(who, p.request(&who.label, Method::GET, path))
        .await
        .ok()
}

fn enforced(p: &Probe, pr: &Probed) {
    if let Ok(mut v) = p.enforced.lock() {
        let r = Route {
            method: pr.op.method.clone(),
            path: pr.op.path.clone(),
        };
        if !v.contains(&r) {
            v.push(r);
        }
    }
}

/// B's object at `path` read by B, then by A and anonymously: B's answer (when it holds
/// something of B's), A's answer and the verdict. A bypass must pass two controls or it
/// is `Skip`: `shared` (content every user may browse, told from B's answer) is false,
/// and A's answer for `absent`, a path to an id that names nothing, is not A's answer
/// again (an operation that answers the same for any id shows nothing of B's).
async fn read_as_a_and_b(
    p: &Probe,
    a: &crate::auth::Identity,
    b: &crate::auth::Identity,
    path: &str,
    absent: &str,
    shared: impl FnOnce(&Exchange) -> bool,
) -> Option<(Arc<Exchange>, Arc<Exchange>, Verdict)> {
    let (ax, bx, verdict) = judge_read(p, a, b, path).await?;
    let verdict = match verdict {
        Verdict::Bypass(_) if shared(&bx) || answers_any_id(p, a, absent, &ax).await => {
            Verdict::Skip
        }
        v => v,
    };
    Some((ax, bx, verdict))
}

/// B's object at `path` read by B, then by A and anonymously, judged without controls.
/// An object anyone reads is no bypass of an ownership check (public content, SC201's
/// business) unless it cannot be public by design: B's object is named by B's private
/// key (an account number, an email) and the answer holds records. Then A reads it too,
/// and an authentication added later would still let A read B's: a bypass as well.
async fn judge_read(
    p: &Probe,
    a: &crate::auth::Identity,
    b: &crate::auth::Identity,
    path: &str,
) -> Option<(Arc<Exchange>, Arc<Exchange>, Verdict)> {
    let bx = get(p, b, path).await?;
    // B's own answer holds nothing of B's (`{"followers": []}`): A reading the same
    // proves nothing.
    if !bx.response.ok()
        || crate::inspect::login_wall(&bx.response)
        || crate::inspect::holds_no_data(&bx.response)
    {
        return None;
    }
    let ax = get(p, a, path).await?;
    let anon = p.anon(p.request("anonymous", Method::GET, path)).await.ok();
    let anon = anon.as_ref().map(|x| &x.response);
    let verdict = match authz::judge(&ax.response, &bx.response, anon) {
        Verdict::Skip => match open_yet_private(p, path, &bx) {
            Some(why) => match authz::judge(&ax.response, &bx.response, None) {
                Verdict::Bypass(got) => Verdict::Bypass(format!(
                    "{got}; a caller without any token gets it too ({why})"
                )),
                _ => Verdict::Skip,
            },
            None => Verdict::Skip,
        },
        v => v,
    };
    Some((ax, bx, verdict))
}

/// Why B's object at `path`, which anonymous callers read too, is still not public by
/// design: the path names it by B's private key (an account number, an email, a phone;
/// not a user name or id, which public profiles are addressed by) and B's answer holds
/// records. An operation merely documented as needing a token is not enough: a staff
/// directory is everyone's to read once signed in (SC201's alone).
fn open_yet_private(p: &Probe, path: &str, bx: &Exchange) -> Option<String> {
    use crate::rules::sc201_endpoint_without_auth::{carries_data, private_key_of};
    let key = private_key_of(&p.own_b, path)?;
    carries_data(&bx.response, false)
        .then(|| format!("B's object is named by B's own `{key}`, not a public name"))
}

/// Whether A's answer for an id that names nothing (`absent`) is A's answer for B's id
/// again: the same answer for any id, or the shape of a missing one (`{"transactions":
/// []}`): nothing of B's.
async fn answers_any_id(p: &Probe, a: &crate::auth::Identity, absent: &str, ax: &Exchange) -> bool {
    get(p, a, absent).await.is_some_and(|c| {
        c.response.ok()
            && (crate::inspect::similarity(&c.response, &ax.response) >= 0.95
                || crate::inspect::same_shape(&c.response, &ax.response))
    })
}

/// Reads: B's objects requested with A's token (and anonymously, to tell public data
/// from a bypass); a bypass is checked against a surely-missing id, so an operation
/// that answers the same for any id is not reported.
async fn reads(p: &Probe) -> Vec<Finding> {
    let (Some(a), Some(b)) = (&p.user, &p.user_b) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut listings = std::collections::BTreeSet::new();
    for pr in authz::object_reads(p) {
        let mut unclear = None;
        let mut bypass = None;
        let mut refused = false;
        let mut ids = objects_of_b(p, pr);
        // B owns nothing here yet: with --allow-writes, B creates an object to test with.
        let mut created = None;
        if ids.is_empty() {
            created = create_as_b(p, b, pr).await.map(|(id, _)| id);
            ids.extend(created.clone());
        }
        // A's listing as it is now, B's objects made: a shared collection shows them.
        let shared = match authz::fresh_listing_read(p, a, pr).await {
            Some((json, lx)) => {
                if let Some(f) = listing_of_b(p, pr, &json, &lx, &mut listings) {
                    out.push(f);
                }
                Some(
                    authz::SharedListing::of(p, pr)
                        .unwrap_or_default()
                        .with_ids_of(&json),
                )
            }
            None => authz::SharedListing::of(p, pr),
        };
        let own = object_of_a(p, pr).map(|id| authz::with_value(pr, &id));
        for id in ids {
            let path = authz::with_value(pr, &id);
            let absent = authz::with_value(pr, &authz::absent_like(pr, &id));
            // Content every user may browse (posts, public profiles): the listing already
            // shows it, and the object holds no secret.
            // An object whose own record says it is public (`is_public: 1`) is shared by
            // its owner's choice.
            let browsable = |bx: &Exchange| {
                (shared.as_ref().is_some_and(|s| s.shares(&id))
                    || authz::marks_itself_public(&bx.response))
                    && !authz::carries_secret(&bx.response)
            };
            let Some((ax, bx, verdict)) = read_as_a_and_b(p, a, b, &path, &absent, browsable).await
            else {
                continue;
            };
            match verdict {
                Verdict::Bypass(_)
                    if let Some(own) = &own
                        && same_for_own(p, a, own, &ax).await => {}
                // B's object that names a record of A's own (a transfer to A's account):
                // A is a party to it.
                Verdict::Bypass(_)
                    if bx
                        .response
                        .json()
                        .is_some_and(|j| authz::names_a_record_of_a(p, &j).is_some()) => {}
                Verdict::Bypass(why) => {
                    bypass = Some((ax, bx, why));
                    break;
                }
                Verdict::Unclear(why) => unclear = Some((ax, bx, why)),
                Verdict::Enforced => refused = true,
                Verdict::Skip => {}
            }
        }
        if let Some(id) = created {
            remove_as_b(p, b, pr, &id).await;
        }
        if let Some((ax, bx, why)) = bypass {
            // A colleague's profile (`GET /users/{uid}`) with nothing private in it (a name,
            // a job title): what members of one organisation see of each other by design,
            // with or without a directory to list them.
            let people = pr.op.path.split('/').any(|seg| {
                matches!(
                    seg.to_ascii_lowercase().as_str(),
                    "users" | "members" | "people" | "profiles" | "staff" | "employees" | "colleagues"
                )
            });
            let plain_profile = people
                && authz::is_user_param(pr)
                && matches!(bx.response.json(), Some(serde_json::Value::Object(_)))
                && !authz::carries_personal(&bx.response)
                && !authz::carries_secret(&bx.response);
            let finding = p.finding_on(&SC210, &pr.op, &why, &ax, &[&bx]);
            out.push(if plain_profile {
                finding.with_confidence(Confidence::Possible).with_note(
                    "B's profile holds nothing personal or secret (no e-mail, phone, address or credential): members may see each other's names by design",
                )
            } else {
                finding
            });
        } else if let Some((ax, bx, why)) = unclear {
            out.push(
                Finding::new(
                    &SC210,
                    format!(
                        "{} {}: unclear whether the ownership check holds: {why}",
                        pr.op.method, pr.op.path
                    ),
                )
                .on_route(&pr.op.method, &pr.op.path)
                .with_confidence(Confidence::Possible)
                .with_http(p.evidence(&ax, &why, &[&bx])),
            );
        } else if refused {
            enforced(p, pr);
        }
    }
    out
}

/// A's listing of `pr`'s collection, a collection private by nature (notes, orders,
/// cards), showing a record whose owner field names B: the listing leaks B's records. Once
/// per listing (`seen`).
fn listing_of_b(
    p: &Probe,
    pr: &Probed,
    json: &serde_json::Value,
    lx: &Exchange,
    seen: &mut std::collections::BTreeSet<String>,
) -> Option<Finding> {
    let path = authz::listing_path(p, pr)?;
    if !authz::private_by_nature(path) || seen.contains(path) {
        return None;
    }
    let record = authz::record_of_b(p, json)?;
    seen.insert(path.to_owned());
    let id = record
        .get("id")
        .map(crate::discovery::value_text)
        .unwrap_or_default();
    let why = format!(
        "user A's listing shows user B's records (record {id} names B as its owner), in a collection private by nature"
    );
    Some(
        Finding::new(&SC210, format!("GET {path}: {why}"))
            .on_route("GET", path)
            .with_confidence(Confidence::Likely)
            .with_http(p.evidence(lx, &why, &[])),
    )
}

/// Reads within another kind of account (merchants beside customers): the scan's second
/// account of that kind (`second`) is the owner, its first (`first`) the reader; `kind`
/// is their login path. For each
/// read with one parameter that the kind's token is taken on, `second`'s own value (one
/// `first` was not seen with) is read by both and anonymously, and judged as a read of
/// B's object is (the same absent-id control).
pub(crate) async fn between_accounts(
    p: &Probe,
    kind: &str,
    first: (&crate::auth::Identity, &crate::discovery::SeenIds),
    second: (&crate::auth::Identity, &crate::discovery::SeenIds),
    reads: &[&Probed],
) -> Vec<Finding> {
    let mut out = Vec::new();
    if !p.enabled("SC210") {
        return out;
    }
    for pr in reads {
        let Some(param) = authz::param(pr) else {
            continue;
        };
        let prefix = authz::prefix(pr);
        let firsts = authz::texts(&first.1.candidates(&param.name, &prefix));
        let Some(id) = authz::texts(&second.1.candidates(&param.name, &prefix))
            .into_iter()
            .find(|v| !firsts.contains(v))
        else {
            continue;
        };
        let path = authz::with_value(pr, &id);
        let absent = authz::with_value(pr, &authz::absent_like(pr, &id));
        let Some((ax, bx, verdict)) =
            read_as_a_and_b(p, first.0, second.0, &path, &absent, |_| false).await
        else {
            continue;
        };
        match verdict {
            Verdict::Bypass(why) => {
                // The verdict speaks of users A and B: here they are the two accounts.
                let why = why
                    .replace("user A", "the first account")
                    .replace("user B", "the second");
                let why = format!(
                    "{why} (two accounts of the scan's that log in at {kind}: the first read the second's object)"
                );
                out.push(p.finding_on(&SC210, &pr.op, &why, &ax, &[&bx]));
            }
            Verdict::Enforced => enforced(p, pr),
            Verdict::Unclear(_) | Verdict::Skip => {}
        }
    }
    out
}

/// B's value for a parent parameter of a nested path (`{username}` of
/// `/users/{username}/contacts/{id}`): B's identity for a user parameter, else B's own key
/// of that name, else an id B was seen with under that prefix.
fn b_value(p: &Probe, name: &str, prefix: &str) -> Option<String> {
    b_values(p, name, prefix).into_iter().next()
}

/// [`b_value`], with the next likeliest values after it (at most three): a parent B made
/// during the scan holds no items yet, a parent B was seeded with does.
fn b_values(p: &Probe, name: &str, prefix: &str) -> Vec<String> {
    // A name that may name a record as well as a person (`{account_id}` of a bank's
    // accounts): B's own listing of that collection, when B has one, names B's records.
    if authz::names_user(name, prefix)
        && (strictly_a_user(&name.to_ascii_lowercase()) || p.seen_b.listed(prefix).is_empty())
    {
        return authz::identity_value(&p.own_b, name).into_iter().collect();
    }
    if let Some(v) = p.own_b.values_for(name).first() {
        return vec![v.clone()];
    }
    // B's own listing of the collection first, less what A's listing shows (shared
    // records): B's records, whatever id A saw of another kind of object elsewhere.
    let a_listed = authz::texts(&p.seen_a.listed(prefix));
    let mut out: Vec<String> = authz::texts(&p.seen_b.listed(prefix))
        .into_iter()
        .filter(|v| !a_listed.contains(v))
        .collect();
    let of_a = authz::texts(&p.seen_a.candidates(name, prefix));
    for v in authz::texts(&p.seen_b.candidates(name, prefix)) {
        if !of_a.contains(&v) && !out.contains(&v) {
            out.push(v);
        }
    }
    out.truncate(3);
    out
}

/// Nested objects (`GET /users/{username}/contacts/{contact_id}`): the parents filled
/// with B's values, B's own items learnt from B's listing of the parent collection
/// (`GET /users/bob/contacts`), then each read by A and judged as a plain read is. At most
/// sixteen operations, two items each.
async fn nested_reads(p: &Probe) -> Vec<Finding> {
    let (Some(a), Some(b)) = (&p.user, &p.user_b) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let nested = p.ops.iter().filter(|pr| {
        pr.op.method == "GET" && pr.op.path_params().count() >= 2 && !p.is_public(&pr.op)
    });
    for pr in nested.take(16) {
        let names: Vec<String> = pr.op.path_params().map(|x| x.name.clone()).collect();
        let (last, parents) = names.split_last().expect("two or more");
        let (nearest, upper) = parents.split_last().expect("one or more");
        let prefix_of = |name: &str| {
            pr.op
                .path
                .split(&format!("{{{name}}}"))
                .next()
                .unwrap_or("")
                .to_owned()
        };
        let mut values = std::collections::BTreeMap::new();
        let mut ok = true;
        for name in upper {
            match b_value(p, name, &prefix_of(name)) {
                Some(v) => {
                    values.insert(name.clone(), v);
                }
                None => ok = false,
            }
        }
        let nearest_values = b_values(p, nearest, &prefix_of(nearest));
        if !ok || nearest_values.is_empty() {
            continue;
        }
        // B's items: from B's listing of the parent collection, else ids B was seen with;
        // under the first of B's parents that lists any.
        let collection = pr
            .op
            .path
            .split(&format!("/{{{last}}}"))
            .next()
            .unwrap_or("")
            .to_owned();
        let listed = p
            .ops
            .iter()
            .any(|x| x.op.method == "GET" && x.op.path == collection);
        let mut items: Vec<String> = Vec::new();
        for v in &nearest_values {
            values.insert(nearest.clone(), v.clone());
            if listed
                && let Some(lx) =
                    get(p, b, &crate::discovery::render_path(&collection, &values)).await
                && lx.response.ok()
                && let Some(json) = lx.response.json()
            {
                // Each item by the member the last parameter names (`n` of `/tasks/{n}`),
                // else its `id`, else the value its own link names (`"self":
                // "/notebooks/b/pages/1"` of an item keyed by `page_no`).
                items.extend(item_keys(&json, last, &collection, 0));
                if items.is_empty() {
                    items.extend(linked_items(p, &json, &pr.op.path, last));
                }
            }
            if !items.is_empty() || !listed {
                break;
            }
        }
        if items.is_empty() {
            values.insert(nearest.clone(), nearest_values[0].clone());
            items = authz::texts(&p.seen_b.candidates(last, &collection));
        }
        // A's own items under A's own parents (the baseline's path): an item key B shares
        // with them (`/users/{name}/logbooks/{n}`, numbered per user) names A's own there.
        let own_items = own_items_of_a(p, a, pr, &collection, last).await;
        for id in items.into_iter().take(2) {
            let mut full = values.clone();
            full.insert(last.clone(), id.clone());
            let path = crate::discovery::render_path(&pr.op.path, &full);
            full.insert(last.clone(), authz::absent_like(pr, &id));
            let absent = crate::discovery::render_path(&pr.op.path, &full);
            let Some((ax, bx, verdict)) =
                read_as_a_and_b(p, a, b, &path, &absent, |_| false).await
            else {
                continue;
            };
            match verdict {
                Verdict::Bypass(why) => {
                    out.push(p.finding_on(&SC210, &pr.op, &why, &ax, &[&bx]));
                    break;
                }
                Verdict::Enforced => enforced(p, pr),
                Verdict::Unclear(_) | Verdict::Skip => {}
            }
            if own_items.contains(&id) {
                continue;
            }
            if let Some(found) = under_own_parents(p, a, pr, &id, &bx).await {
                out.push(found);
                break;
            }
        }
    }
    out
}

/// A's items of a nested collection under A's own parents (the baseline's values): A's
/// listing of it, else the keys A was seen with there.
async fn own_items_of_a(
    p: &Probe,
    a: &crate::auth::Identity,
    pr: &Probed,
    collection: &str,
    last: &str,
) -> Vec<String> {
    let mut own = authz::texts(&p.seen_a.candidates(last, collection));
    let depth = collection.split('/').count();
    let listing: String = pr.path.split('/').take(depth).collect::<Vec<_>>().join("/");
    if !listing.contains('{')
        && let Some(lx) = get(p, a, &listing).await
        && lx.response.ok()
        && let Some(json) = lx.response.json()
    {
        own.extend(item_keys(&json, last, collection, 0));
    }
    own
}

/// B's item read by A under A's own parents (`/workspaces/{A's}/projects/{A's}/tasks/{B's
/// task}`): a check that A belongs to the parents in the path which never ties the item to
/// them. Judged against B's own read of it (`bx`); an operation that answers alike for a
/// surely-missing item is not reported.
async fn under_own_parents(
    p: &Probe,
    a: &crate::auth::Identity,
    pr: &Probed,
    id: &str,
    bx: &Exchange,
) -> Option<Finding> {
    let last = format!("{{{}}}", pr.op.path_params().last()?.name);
    let index = pr.op.path.split('/').position(|s| s == last)?;
    let mixed = crate::discovery::with_segment(&pr.op.path, &pr.path, index, id)?;
    if mixed.contains('{') || bx.request.url.path() == mixed {
        return None;
    }
    let absent = crate::discovery::with_segment(&pr.op.path, &pr.path, index, &authz::absent_like(pr, id))?;
    let ax = get(p, a, &mixed).await?;
    let anon = p.anon(p.request("anonymous", Method::GET, &mixed)).await.ok();
    let Verdict::Bypass(why) = authz::judge(&ax.response, &bx.response, anon.as_ref().map(|x| &x.response)) else {
        return None;
    };
    if answers_any_id(p, a, &absent, &ax).await {
        return None;
    }
    let why = format!("{why}, asked under user A's own parent objects in the path (the item is not tied to them)");
    Some(p.finding_on(&SC210, &pr.op, &why, &ax, &[bx]))
}

/// The values of the `last` parameter of `template` in the links a listing answer holds
/// (its items' `self` links), at most two.
fn linked_items(p: &Probe, json: &Value, template: &str, last: &str) -> Vec<String> {
    let Some(at) = template
        .split('/')
        .position(|x| x == format!("{{{last}}}"))
    else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for link in crate::discovery::links(json, &p.base) {
        if crate::probe::template_fit(template, &link).is_none() {
            continue;
        }
        if let Some(value) = link.trim_end_matches('/').split('/').nth(at)
            && !out.iter().any(|v| v == value)
        {
            out.push(value.to_owned());
        }
        if out.len() == 2 {
            break;
        }
    }
    out
}

/// The keys of the items a listing answer holds: each record's member the item parameter
/// names (`n` of `/tasks/{n}`), else its `id`.
fn item_keys(json: &Value, key: &str, collection: &str, depth: usize) -> Vec<String> {
    if depth > 6 {
        return Vec::new();
    }
    match json {
        Value::Array(a) => a
            .iter()
            .flat_map(|x| item_keys(x, key, collection, depth + 1))
            .collect(),
        Value::Object(m) => match crate::writes::keyed_member(json, key, collection)
            .or_else(|| m.get("id").map(crate::discovery::value_text))
        {
            Some(k) if depth > 0 => vec![k],
            _ => m
                .values()
                .flat_map(|x| item_keys(x, key, collection, depth + 1))
                .collect(),
        },
        _ => Vec::new(),
    }
}

/// The create operation of a read's collection (`POST /api/notes` for
/// `GET /api/notes/{id}`).
fn create_op<'a>(p: &'a Probe, read: &Probed) -> Option<&'a Probed> {
    let collection = authz::prefix(read).trim_end_matches('/').to_owned();
    p.ops
        .iter()
        .find(|c| c.op.method == "POST" && c.op.path == collection)
}

/// Where B creates an object of `read`'s flat collection when the API makes them only
/// under a parent (`POST /projects/{project_id}/tasks` for `PATCH /tasks/{task_id}`): a
/// POST with one path parameter whose last segment is the collection's noun, the parent
/// being one of B's own (a value B's answers show under that parameter's name and A's do
/// not). The operation and the concrete path.
fn nested_create<'a>(p: &'a Probe, read: &Probed) -> Option<(&'a Probed, String)> {
    let collection = authz::prefix(read).trim_end_matches('/').to_owned();
    let noun = collection.rsplit('/').next()?;
    if noun.is_empty() || noun.starts_with('{') {
        return None;
    }
    p.ops
        .iter()
        .filter(|c| {
            c.op.method == "POST"
                && c.op.path_params().count() == 1
                && c.op.path.trim_end_matches('/').rsplit('/').next() == Some(noun)
                && crate::writes::side_effect(&c.op).is_none()
        })
        .find_map(|c| {
            let param = authz::param(c)?;
            let prefix = authz::prefix(c);
            let a_values = authz::texts(&p.seen_a.candidates(&param.name, &prefix));
            let parent = authz::texts(&p.seen_b.candidates(&param.name, &prefix))
                .into_iter()
                .find(|v| !a_values.contains(v))?;
            Some((c, authz::with_value(c, &parent)))
        })
}

/// B creates an object of `read`'s collection (only with `--allow-writes`); its id.
async fn create_as_b(
    p: &Probe,
    b: &crate::auth::Identity,
    read: &Probed,
) -> Option<(String, Arc<Exchange>)> {
    if !p.engine.settings().allow_writes {
        return None;
    }
    let (create, create_path) = match create_op(p, read) {
        Some(c) => (c, c.op.path.clone()),
        None => nested_create(p, read)?,
    };
    let mut body = create
        .op
        .body
        .as_ref()
        .map_or(Value::Object(serde_json::Map::new()), |x| x.example.clone());
    crate::writes::distinct_names(&mut body, &crate::probe::random_name());
    let made = p
        .send_as(
            b,
            p.request("user B", Method::POST, &create_path)
                .json(&body),
        )
        .await
        .ok()?;
    if !made.response.ok() || crate::inspect::failure_body(&made.response) {
        return None;
    }
    // An answer without the new object's id (`{"status": "success"}`): the object is
    // named by what B sent under the parameter's name (`/books/v1/{book_title}` and the
    // `book_title` B gave).
    let key = authz::param(read)
        .map(|param| param.name.clone())
        .filter(|name| spillcheck_core::vocab::normalize(name) != "id");
    let id = crate::writes::created_id_keyed(&made, key.as_deref()).or_else(|| {
        let param = authz::param(read)?;
        sent_under(&body, &param.name)
    })?;
    Some((id, made))
}

/// The text B sent under a parameter's name (`book_title`), at the top of the body.
fn sent_under(body: &Value, name: &str) -> Option<String> {
    let want = spillcheck_core::vocab::normalize(name);
    body.as_object()?
        .iter()
        .find(|(k, v)| spillcheck_core::vocab::normalize(k) == want && (v.is_string() || v.is_number()))
        .map(|(_, v)| crate::discovery::value_text(v))
}

/// B deletes an object it created, when the API has a delete operation for it.
async fn remove_as_b(p: &Probe, b: &crate::auth::Identity, read: &Probed, id: &str) {
    if let Some(del) = p
        .ops
        .iter()
        .find(|d| d.op.method == "DELETE" && d.op.path == read.op.path)
    {
        let _ = p
            .send_as(
                b,
                p.request("user B", Method::DELETE, &authz::with_value(del, id)),
            )
            .await;
    }
}

/// Whether object `id`, which B made, belongs to a workspace every user shares: A's
/// listing of the collection (read now) shows it, and B's own answer does not name B (no
/// owner field with B's id, no B's email or user name anywhere in it).
async fn shared_workspace(
    p: &Probe,
    a: &crate::auth::Identity,
    read: &Probed,
    id: &str,
    before: &Exchange,
) -> bool {
    let Some(json) = authz::fresh_listing(p, a, read).await else {
        return false;
    };
    let listed = authz::records(&json)
        .iter()
        .any(|r| r.get("id").map(crate::discovery::value_text).as_deref() == Some(id));
    let text = before.response.text();
    let names_b = p
        .own_b
        .emails
        .iter()
        .chain(p.own_b.names.iter().filter(|n| n.len() >= 4))
        .any(|v| text.contains(v.as_str()))
        || before.response.json().is_some_and(|j| {
            authz::records(&j)
                .into_iter()
                .chain(std::iter::once(&j))
                .any(|r| authz::owned_by(r, &p.own_b) == Some(true))
        });
    listed && !names_b && !authz::carries_secret(&before.response)
}

/// Writes (only with `--allow-writes`), only on objects the scan created as B: B creates
/// one, A deletes or updates it, B reads it back; B removes it afterwards.
async fn writes(p: &Probe) -> Vec<Finding> {
    let (Some(a), Some(b)) = (&p.user, &p.user_b) else {
        return Vec::new();
    };
    if !p.engine.settings().allow_writes {
        return Vec::new();
    }
    let mut out = Vec::new();
    let writes: Vec<&Probed> = p
        .ops
        .iter()
        .filter(|pr| {
            matches!(pr.op.method.as_str(), "DELETE" | "PUT" | "PATCH")
                && pr.op.path_params().count() == 1
        })
        .collect();
    for w in writes {
        let template = w.op.path.clone();
        let Some(read) = authz::object_reads(p)
            .into_iter()
            .find(|r| r.op.path == template)
        else {
            continue;
        };
        let Some((id, made)) = create_as_b(p, b, read).await else {
            // Nothing of B's made here: one of B's own objects, changed and set back.
            if w.op.method != "DELETE"
                && let Some(f) = change_existing(p, (a, b), w, read).await
            {
                out.push(f);
            }
            continue;
        };
        let path = authz::with_value(read, &id);
        let Some(before) = get(p, b, &path).await.filter(|x| x.response.ok()) else {
            continue;
        };
        // A workspace every user shares (a monitoring tool's heartbeats): A's own listing
        // shows B's object and nothing in it names B as its owner. Changing it is what
        // the app lets every member do, not a way into B's data.
        if shared_workspace(p, a, read, &id, &before).await {
            continue;
        }
        // Anonymously first: a write that needs no token at all is SC201's, whoever sends
        // it (then A's own test would only repeat it).
        if p.enabled("SC201") && !p.is_public(&w.op) {
            let anon_marker = format!("spillcheck-{}", crate::probe::random_name());
            let sent = p
                .anon(write_request(p, w, "anonymous", &id, &anon_marker))
                .await
                .ok();
            let after = match &sent {
                Some(_) => get(p, b, &path).await,
                None => None,
            };
            if let (Some(nx), Some(after)) = (&sent, &after)
                && took_effect(w, after, &anon_marker)
            {
                let why = format!(
                    "a request without any token {} an object user B created (B's read-back answered {})",
                    what_it_did(w),
                    after.response.status
                );
                out.push(
                    p.finding_on(
                        &crate::rules::sc201_endpoint_without_auth::SC201,
                        &w.op,
                        &why,
                        nx,
                        &[&made, &before, after],
                    )
                    .with_confidence(spillcheck_core::Confidence::Confirmed),
                );
                remove_as_b(p, b, read, &id).await;
                continue;
            }
            if sent.is_none() || after.is_none() {
                remove_as_b(p, b, read, &id).await;
                continue;
            }
        }
        let marker = format!("spillcheck-{}", crate::probe::random_name());
        let req = write_request(p, w, "user A", &id, &marker);
        let Ok(wx) = p.send_as(a, req).await else {
            remove_as_b(p, b, read, &id).await;
            continue;
        };
        let Some(after) = get(p, b, &path).await else {
            remove_as_b(p, b, read, &id).await;
            continue;
        };
        if took_effect(w, &after, &marker) {
            let why = format!(
                "user A {} an object user B created (B's read-back answered {})",
                what_it_did(w),
                after.response.status
            );
            out.push(p.finding_on(&SC210, &w.op, &why, &wx, &[&made, &before, &after]));
        } else if !invalid_body(&wx) {
            enforced(p, w);
        }
        // Clean up what the scan created.
        remove_as_b(p, b, read, &id).await;
    }
    out
}

/// A write refused for its body (400, 422): the scan's own values did not pass the API's
/// validation, which says nothing of whose object it is (not an enforced ownership check).
fn invalid_body(wx: &Exchange) -> bool {
    matches!(wx.response.status, 400 | 422)
}

/// The text field of a documented body the marker goes in: its first, ids left aside
/// ([`write_request`]).
fn marker_key(body: &serde_json::Map<String, Value>) -> Option<String> {
    let texts: Vec<(&String, &str)> = body
        .iter()
        .filter(|(k, _)| !crate::writes::names_an_id(k))
        .filter_map(|(k, v)| Some((k, v.as_str()?)))
        .collect();
    // A field of free text first (`title`, `notes`), then one whose example leaves room for
    // the marker (not `"currency": "xxx"` of a three-letter code, an address, a date, a
    // link), then any.
    let free = |k: &str| {
        let n = spillcheck_core::vocab::normalize(k);
        [
            "title",
            "name",
            "description",
            "notes",
            "note",
            "memo",
            "comment",
            "body",
            "summary",
            "text",
            "label",
            "subject",
            "content",
        ]
        .iter()
        .any(|w| n.ends_with(w))
            && !["user", "login", "email", "password", "file", "host"]
                .iter()
                .any(|w| n.contains(w))
    };
    let roomy = |v: &str| {
        v.chars().count() >= 8
            && !v.contains('@')
            && !v.contains("://")
            && !v.starts_with(|c: char| c.is_ascii_digit())
    };
    texts
        .iter()
        .find(|(k, _)| free(k))
        .or_else(|| texts.iter().find(|(_, v)| roomy(v)))
        .or_else(|| texts.first())
        .map(|(k, _)| (*k).clone())
}

/// The field `w`'s body carries the marker in ([`write_request`]).
fn marker_field(w: &Probed) -> Option<String> {
    marker_key(w.op.body.as_ref()?.example.as_object()?)
}

/// The fields of a record answered at its top or in one envelope (`{"task": {…}}`), the
/// one holding `field`.
fn record_fields(json: &Value, field: &str) -> Option<serde_json::Map<String, Value>> {
    let m = json.as_object()?;
    if m.contains_key(field) {
        return Some(m.clone());
    }
    let inner: Vec<&serde_json::Map<String, Value>> =
        m.values().filter_map(Value::as_object).collect();
    match inner.as_slice() {
        [one] if one.contains_key(field) => Some((*one).clone()),
        _ => None,
    }
}

/// A `PUT`/`PATCH` on one of B's own existing objects (B's listing shows it, A's does not),
/// when B created none: A sends the write with a marker, B reads it back, and B sets the
/// field back to what it held. Only where that can be done: the marked field is a text
/// field of B's record, at its top or in one envelope (`{"task": {…}}`), and B's own write
/// of it works.
async fn change_existing(
    p: &Probe,
    (a, b): (&crate::auth::Identity, &crate::auth::Identity),
    w: &Probed,
    read: &Probed,
) -> Option<Finding> {
    let field = marker_field(w)?;
    // Up to two of B's objects: the first B may not change itself (graded, locked).
    for id in objects_of_b(p, read).into_iter().take(2) {
        if let Some(found) = change_one(p, (a, b), w, read, &field, &id).await {
            return found;
        }
    }
    None
}

/// [`change_existing`] on B's object `id`: `None` when B's own write of it did not work
/// (try another), `Some(None)` when tested and held or not testable past that point.
async fn change_one(
    p: &Probe,
    (a, b): (&crate::auth::Identity, &crate::auth::Identity),
    w: &Probed,
    read: &Probed,
    field: &str,
    id: &str,
) -> Option<Option<Finding>> {
    let path = authz::with_value(read, id);
    let Some(before) = get(p, b, &path).await.filter(|x| x.response.ok()) else {
        return Some(None);
    };
    let Some(record) = before
        .response
        .json()
        .and_then(|json| record_fields(&json, field))
    else {
        return Some(None);
    };
    let Some(original) = record.get(field).and_then(Value::as_str).map(str::to_owned) else {
        return Some(None);
    };
    if shared_workspace(p, a, read, id, &before).await {
        return Some(None);
    }
    // The documented body with B's own values (fields B's record does not show left out),
    // the marked field set to `value`: B's write of its own values changes nothing.
    let request = |label: &'static str, value: &str| {
        let mut body = serde_json::Map::new();
        if let Some(Value::Object(m)) = w.op.body.as_ref().map(|x| &x.example) {
            for k in m.keys().filter(|k| !crate::writes::names_an_id(k)) {
                if let Some(v) = record.get(k) {
                    body.insert(k.clone(), v.clone());
                }
            }
        }
        body.insert(field.to_owned(), Value::from(value));
        let method: Method = w.op.method.parse().unwrap_or(Method::PATCH);
        p.request(label, method, &authz::with_value(w, id))
            .json(&Value::Object(body))
    };
    // B's own write first: the set-back must work before A writes.
    let check = p.send_as(b, request("user B", &original)).await.ok()?;
    if !check.response.ok() {
        return None;
    }
    // From here on, the object is tested.
    let marker = format!("spillcheck-{}", crate::probe::random_name());
    let Ok(wx) = p.send_as(a, request("user A", &marker)).await else {
        return Some(None);
    };
    let Some(after) = get(p, b, &path).await else {
        return Some(None);
    };
    let taken = took_effect(w, &after, &marker);
    let back = p.send_as(b, request("user B", &original)).await.ok();
    if taken && !back.is_some_and(|x| x.response.ok()) {
        p.diagnose(
            spillcheck_core::DiagnosticLevel::Warning,
            format!(
                "user B's object at {path} kept the scan's marker in `{field}` after {} {}: set it back by hand",
                w.op.method, w.op.path
            ),
        );
    }
    if !taken {
        if !invalid_body(&wx) {
            enforced(p, w);
        }
        return Some(None);
    }
    let why = format!(
        "user A changed an object of user B's (B's read-back answered {} with A's marker in `{field}`; B set it back after)",
        after.response.status
    );
    Some(Some(p.finding_on(&SC210, &w.op, &why, &wx, &[&before, &after])))
}

/// `w` sent on object `id` under `label` (no token is added here): a DELETE, or the
/// operation's example body with its first text field set to `marker`.
fn write_request(
    p: &Probe,
    w: &Probed,
    label: &str,
    id: &str,
    marker: &str,
) -> crate::engine::Request {
    let req = p.request(
        label,
        w.op.method.parse().unwrap_or(Method::DELETE),
        &authz::with_value(w, id),
    );
    if w.op.method == "DELETE" {
        return req;
    }
    let mut patch =
        w.op.body
            .as_ref()
            .map_or(Value::Object(serde_json::Map::new()), |b| b.example.clone());
    if let Value::Object(m) = &mut patch {
        // The marker goes in a text field; ids in the documented body (`user_id`, the
        // object's own `id`) are not what the test changes, and a placeholder there fails
        // the write for the wrong reason (`"user_id": "spillcheck"` on an integer column).
        m.retain(|k, _| !crate::writes::names_an_id(k));
        // A JSON:API document names the object it changes in `data.id`, which must be the
        // one in the path.
        if let Some(Value::Object(data)) = m.get_mut("data")
            && data.contains_key("type")
        {
            data.insert("id".to_owned(), Value::from(id));
        }
        // Where the body keeps the record's fields (`data.attributes`, `{"note": {…}}`).
        let at = crate::writes::record_path(m);
        crate::writes::with_record(m, &at, |record| {
            let key = marker_key(record).unwrap_or_else(|| "title".to_owned());
            record.insert(key, Value::from(marker));
        });
    }
    req.body_for(w.op.content_type(), &patch)
}

/// Whether B's read-back after a write shows it took: the object gone after a DELETE, the
/// marker in it after any other write.
fn took_effect(w: &Probed, after: &Exchange, marker: &str) -> bool {
    if w.op.method == "DELETE" {
        matches!(after.response.status, 404 | 410)
    } else {
        after.response.text().contains(marker)
    }
}

fn what_it_did(w: &Probed) -> &'static str {
    if w.op.method == "DELETE" {
        "deleted"
    } else {
        "changed"
    }
}

/// Fields of a record that change by themselves (timestamps).
fn volatile(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.ends_with("_at")
        || k.ends_with("at") && key.chars().rev().nth(1).is_some_and(char::is_uppercase)
        || [
            "time",
            "date",
            "updated",
            "modified",
            "lastlogin",
            "last_login",
            "version",
            "etag",
        ]
        .iter()
        .any(|w| k.contains(w))
}

/// A's request and B's two reads of the object around it.
struct Seen<'e> {
    ax: &'e Exchange,
    before: &'e Exchange,
    after: &'e Exchange,
}

/// The finding for a write of A's that changed B's object: what happened and the fields
/// B's read-back shows changed.
fn changed_finding(
    p: &Probe,
    w: &Probed,
    what: &str,
    changed: &[String],
    seen: &Seen<'_>,
) -> Finding {
    let fields = changed
        .iter()
        .take(4)
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let why = format!("{what} ({fields} in B's read-back)");
    p.finding_on(&SC210, &w.op, &why, seen.ax, &[seen.before, seen.after])
}

/// The fields of B's record that differ between two reads.
fn changed_fields(before: &Value, after: &Value) -> Vec<String> {
    let (Value::Object(x), Value::Object(y)) = (before, after) else {
        return Vec::new();
    };
    let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| !volatile(k) && x.get(*k) != y.get(*k))
        .cloned()
        .collect()
}

/// Actions on B's objects (`POST /api/cards/{id}/freeze`, `POST /api/cards/{id}/fund`,
/// `PATCH /api/cards/{id}`), only on objects B created in this scan and only with
/// `--allow-writes`: A sends the action with its own valid body, and B's view of the object
/// before and after tells whether A changed it.
async fn actions(p: &Probe) -> Vec<Finding> {
    let (Some(a), Some(b)) = (&p.user, &p.user_b) else {
        return Vec::new();
    };
    if !p.engine.settings().allow_writes || p.created_b.objects.is_empty() {
        return Vec::new();
    }
    let reads: Vec<String> = authz::object_reads(p)
        .into_iter()
        .map(|r| r.op.path.clone())
        .collect();
    let mut out = Vec::new();
    for w in p.ops.iter().filter(|pr| {
        matches!(pr.op.method.as_str(), "POST" | "PUT" | "PATCH")
            && pr.op.path_params().count() == 1
            && crate::writes::side_effect(&pr.op).is_none()
            // PUT/PATCH on an object read's own path: `writes` tests those.
            && (pr.op.method == "POST" || !reads.contains(&pr.op.path))
    }) {
        let collection = authz::prefix(w).trim_end_matches('/').to_owned();
        let Some(id) = p
            .created_b
            .objects
            .iter()
            .find(|(c, _)| *c == collection)
            .map(|(_, id)| id.clone())
        else {
            continue;
        };
        let Some((before_ex, before)) = authz::view_of(p, b, &collection, &id).await else {
            continue;
        };
        // An object A can read too (an article, a public profile) takes actions from
        // anyone by design (favorite, follow, comment): only B's private objects count.
        if authz::view_of(p, a, &collection, &id).await.is_some() {
            continue;
        }
        // Values B's own use of the object did not set (B's limit was 100 too): a change
        // in B's read-back is then A's.
        let mut body = crate::writes::unique_valid_body(&w.op, &p.seen_a);
        crate::writes::shift_numbers(&mut body);
        let req = p.write_request("user A", w, &authz::with_value(w, &id), &body);
        let Ok(ax) = p.send_as(a, req).await else {
            continue;
        };
        let Some((after_ex, after)) = authz::view_of(p, b, &collection, &id).await else {
            continue;
        };
        let changed = changed_fields(&before, &after);
        if ax.response.ok() && !changed.is_empty() {
            let seen = Seen {
                ax: &ax,
                before: &before_ex,
                after: &after_ex,
            };
            out.push(changed_finding(
                p,
                w,
                "user A changed an object user B created",
                &changed,
                &seen,
            ));
        } else if matches!(ax.response.status, 401 | 403 | 404) {
            enforced(p, w);
        }
    }
    out
}

/// The collection of B's objects a body field names by its noun: `card_id` names B's
/// object of `/api/virtual-cards`, `note_id` of `/api/notes`.
fn object_named_by<'a>(p: &'a Probe, field: &str) -> Option<&'a (String, String)> {
    let n = spillcheck_core::vocab::normalize(field);
    let noun = n.strip_suffix("id")?;
    if noun.len() < 3 {
        return None;
    }
    p.created_b.objects.iter().find(|(collection, _)| {
        let last =
            spillcheck_core::vocab::normalize(collection.rsplit('/').next().unwrap_or(collection));
        last.ends_with(noun) || last.ends_with(&format!("{noun}s"))
    })
}

/// Writes that name B's private object in their body (`POST /api/bill-payments/create
/// {"card_id": …}`), only with `--allow-writes` and only on objects B created: A sends its
/// own valid body with B's id in that field, and B's view of the object before and after
/// tells whether A used it.
async fn body_references(p: &Probe) -> Vec<Finding> {
    let (Some(a), Some(b)) = (&p.user, &p.user_b) else {
        return Vec::new();
    };
    if !p.engine.settings().allow_writes || p.created_b.objects.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for w in p.ops.iter().filter(|pr| {
        pr.op.method == "POST"
            && pr.op.path_params().count() == 0
            && crate::writes::side_effect(&pr.op).is_none()
    }) {
        let body = crate::writes::valid_body(&w.op, &p.seen_a);
        let Value::Object(fields) = &body else {
            continue;
        };
        let Some((field, (collection, id))) = fields
            .keys()
            .find_map(|k| object_named_by(p, k).map(|o| (k.clone(), o.clone())))
        else {
            continue;
        };
        // B's private objects only: one A can read is shared by design.
        if authz::view_of(p, a, &collection, &id).await.is_some() {
            continue;
        }
        let Some((before_ex, before)) = authz::view_of(p, b, &collection, &id).await else {
            continue;
        };
        let mut body = body.clone();
        if let Value::Object(m) = &mut body {
            let v = id
                .parse::<i64>()
                .map_or_else(|_| Value::from(id.clone()), Value::from);
            m.insert(field.clone(), v);
        }
        let Ok(ax) = p
            .send_as(a, p.write_request("user A", w, &w.path, &body))
            .await
        else {
            continue;
        };
        let Some((after_ex, after)) = authz::view_of(p, b, &collection, &id).await else {
            continue;
        };
        let changed = changed_fields(&before, &after);
        if ax.response.ok() && !crate::inspect::failure_body(&ax.response) && !changed.is_empty() {
            let what =
                format!("user A's request named user B's object in `{field}` and changed it");
            let seen = Seen {
                ax: &ax,
                before: &before_ex,
                after: &after_ex,
            };
            out.push(changed_finding(p, w, &what, &changed, &seen));
        }
    }
    out
}

/// Cross-user reads, then writes.
pub(crate) async fn probe(p: &Probe) -> Vec<Finding> {
    if p.user_b.is_none() {
        p.diagnose(
            spillcheck_core::DiagnosticLevel::Warning,
            "SC210 not checked: cross-user tests need --token-b (or --self-register)",
        );
        return Vec::new();
    }
    let mut out = reads(p).await;
    out.extend(nested_reads(p).await);
    out.extend(writes(p).await);
    // Before the actions: a card A froze would refuse the payment that names it.
    out.extend(body_references(p).await);
    out.extend(actions(p).await);
    // Last: it changes B's password for a moment.
    out.extend(takeover(p).await);
    out
}

/// The body that sets a password to `new` on `op`: its password fields (new and
/// confirmation) set, or `{"password": ...}` when its body is unknown. `None` when it asks
/// for the current password, which an attacker does not have.
fn password_body(op: &crate::discovery::Operation, new: &str) -> Option<Value> {
    let mut body = crate::login::example_object(op);
    let fields: Vec<String> = body
        .keys()
        .filter(|k| {
            let k = k.to_ascii_lowercase();
            k.contains("pass") || k == "pwd"
        })
        .cloned()
        .collect();
    if fields.iter().any(|k| {
        let k = k.to_ascii_lowercase();
        k.contains("old") || k.contains("current")
    }) {
        return None;
    }
    if fields.is_empty() {
        body.insert("password".into(), Value::from(new));
    }
    for k in fields {
        body.insert(k, Value::from(new));
    }
    Some(Value::Object(body))
}

/// Account takeover: an operation that sets the password of the user its path names
/// (`PUT /users/{username}/password`, withheld from every other phase), sent by user A for
/// user B with a password of the scan's choosing, only with `--allow-writes` and only when
/// B logs in with a password. Proved by B's login with that password; B's own password is
/// set back the same way (and a warning says so if that fails).
async fn takeover(p: &Probe) -> Vec<Finding> {
    let (Some(a), Some(_), Some(creds)) = (&p.user, &p.user_b, &p.b_credentials) else {
        return Vec::new();
    };
    if !p.engine.settings().allow_writes {
        return Vec::new();
    }
    let mut out = Vec::new();
    for pr in p.password_ops.iter().take(3) {
        let Some(param) = authz::param(pr) else {
            continue;
        };
        let Some(target) = authz::identity_value(&p.own_b, &param.name) else {
            continue;
        };
        // A's own account is not the target: B is.
        if authz::identity_value(&p.own, &param.name).as_deref() == Some(target.as_str()) {
            continue;
        }
        let new = format!("Sc-{}-7!", crate::probe::random_name());
        p.secret(&new);
        let Some(body) = password_body(&pr.op, &new) else {
            continue;
        };
        let path = authz::with_value(pr, &target);
        let Ok(ax) = p
            .send_as(a, p.write_request("user A", pr, &path, &body))
            .await
        else {
            continue;
        };
        if !ax.response.ok() {
            enforced(p, pr);
            continue;
        }
        let taken = crate::auth::Credentials {
            name: creds.name.clone(),
            password: new.clone(),
        };
        let proof = crate::login::log_in(p, "user B with A's password", &taken).await;
        if proof.is_ok() {
            let why = "user A set user B's password: B's account then logged in with the password A chose (account takeover)";
            out.push(p.finding_on(&SC210, &pr.op, why, &ax, &[]));
        }
        // B's own password back, the same way; then B must log in with it again.
        if let Some(back) = password_body(&pr.op, &creds.password) {
            let _ = p
                .send_as(a, p.write_request("user A", pr, &path, &back))
                .await;
        }
        if proof.is_ok() && crate::login::log_in(p, "user B", creds).await.is_err() {
            p.diagnose(
                spillcheck_core::DiagnosticLevel::Warning,
                format!(
                    "user B's password was changed through {} {} and could not be set back: reset it before the next scan",
                    pr.op.method, pr.op.path
                ),
            );
        }
    }
    out
}


/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::active(crate::rules::Stage::Objects, |p| Box::pin(probe(p)))];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_read_from_stable_fields() {
        let before = serde_json::json!({"id": 6, "is_frozen": false, "last_used_at": null, "updatedAt": "1"});
        let after = serde_json::json!({"id": 6, "is_frozen": true, "last_used_at": "now", "updatedAt": "2"});
        assert_eq!(changed_fields(&before, &after), ["is_frozen"]);
        assert!(changed_fields(&before, &before).is_empty());
        assert!(!volatile("last_name"));
        assert!(volatile("created_at") && volatile("timestamp") && volatile("updatedAt"));
    }

    #[test]
    fn the_marker_goes_in_a_field_with_room_for_it() {
        let body = |v: serde_json::Value| v.as_object().unwrap().clone();
        // A three-letter code first in the body, free text later: the text.
        let b = body(serde_json::json!({"currency": "xxx", "customer_id": "c1", "notes": "n"}));
        assert_eq!(marker_key(&b).as_deref(), Some("notes"));
        // No free text: a value with room, not an address.
        let b = body(serde_json::json!({"email": "a@b.example", "reference": "REF-2026-0001"}));
        assert_eq!(marker_key(&b).as_deref(), Some("reference"));
        // The account's name is no free text (`ends_with("name")`): a roomier field first.
        let b = body(serde_json::json!({"username": "alice", "reference": "REF-2026-0001"}));
        assert_eq!(marker_key(&b).as_deref(), Some("reference"));
    }
}
