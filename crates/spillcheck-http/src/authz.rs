//! What the authorization rules (SC206, SC210–SC213) share: which operations take one
//! object id, whose ids are whose, whether an answer carries another user's data, and the
//! verdict of a cross-user request.

use serde_json::Value;

use crate::discovery::{self, Param};
use crate::engine::Response;
use crate::inspect::{self, similarity};
use crate::probe::{Own, Probe, Probed};

/// The outcome of user A requesting user B's object.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// A got B's data.
    Bypass(String),
    /// A was refused and got none of B's data.
    Enforced,
    /// A got a 2xx answer that is neither B's nor a refusal.
    Unclear(String),
    /// Not B's object, or public by design: nothing to judge.
    Skip,
}

/// Values that identify B's object: B's emails and phone numbers, and the longer text
/// values of the answer (titles, bodies, names).
pub fn markers(b: &Response) -> Vec<String> {
    let mut out = Vec::new();
    let Some(json) = b.json() else {
        let text = b.text();
        let t = text.trim();
        if t.len() >= 6 {
            out.push(inspect::excerpt(t, 80).trim_end_matches('…').to_owned());
        }
        return out;
    };
    inspect::visit(&json, &mut |k, v| {
        let Some(s) = v.as_str() else { return };
        let s = s.trim();
        let personal = !inspect::emails(s).is_empty()
            || (inspect::is_phone_key(k) && inspect::is_phone_value(s));
        let text = s.chars().count() >= 6 && s.chars().any(char::is_alphabetic);
        if (personal || text) && !out.iter().any(|x| x == s) && out.len() < 40 {
            out.push(s.to_owned());
        }
    });
    out
}

fn is_personal(m: &str) -> bool {
    !inspect::emails(m).is_empty() || inspect::is_phone_value(m)
}

/// Judges A's answer to B's object against B's own answer and the anonymous one.
pub fn judge(a: &Response, b: &Response, anon: Option<&Response>) -> Verdict {
    // B was not served its own object: refused, or sent to the login page (a browser route
    // that takes no token answers both users the same sign-in form).
    if !b.ok() || inspect::login_wall(b) || inspect::failure_body(b) {
        return Verdict::Skip;
    }
    // Anyone gets it: SC201's business, not BOLA. A page's signed-in frame (links for the
    // visitor, their name) differs from the anonymous one around the same content.
    let public = if b.json().is_some() { 0.9 } else { 0.8 };
    // As long as B's own too: a short "please sign in" page in the same frame is no copy.
    let as_long = |x: &Response| x.body.len() * 5 >= b.body.len() * 4;
    if anon.is_some_and(|x| {
        x.ok()
            && !inspect::login_wall(x)
            && !inspect::failure_body(x)
            && similarity(x, b) >= public
            && (b.json().is_some() || as_long(x))
    }) {
        return Verdict::Skip;
    }
    let sim = if a.ok() { similarity(a, b) } else { 0.0 };
    if a.ok() && sim >= 0.8 {
        return Verdict::Bypass(format!(
            "user A got user B's object: answer {} and {:.0}% like B's own",
            a.status,
            sim * 100.0
        ));
    }
    let m = markers(b);
    let text = a.text();
    let hits: Vec<&String> = m.iter().filter(|x| text.contains(x.as_str())).collect();
    if hits.iter().any(|x| is_personal(x)) || (hits.len() >= 2 && hits.len() * 2 >= m.len()) {
        return Verdict::Bypass(if a.ok() {
            format!("user A's answer ({}) carries user B's data", a.status)
        } else {
            format!(
                "user A was answered {} but the body still carries user B's data",
                a.status
            )
        });
    }
    // A filtered view of B's object (B's personal data left out, as in a public
    // profile) is the ownership check doing its job.
    if a.ok() && sim >= 0.5 && !m.iter().any(|x| is_personal(x)) {
        return Verdict::Unclear(format!(
            "user A got a {} answer {:.0}% like user B's, without B's personal data",
            a.status,
            sim * 100.0
        ));
    }
    Verdict::Enforced
}

/// GET operations with exactly one path parameter that are not public by design.
pub fn object_reads(p: &Probe) -> Vec<&Probed> {
    p.ops
        .iter()
        .filter(|pr| {
            pr.op.method == "GET"
                && pr.op.path_params().count() <= 1
                && param(pr).is_some()
                && !p.is_public(&pr.op)
        })
        .collect()
}

/// The parameter that names the object: the operation's one path parameter, else (for
/// `GET /api/transactions?account_number=…`) its one query parameter named like an id.
pub fn param(pr: &Probed) -> Option<&Param> {
    let mut path = pr.op.path_params();
    if let Some(first) = path.next() {
        return path.next().is_none().then_some(first);
    }
    let mut query = pr
        .op
        .params
        .iter()
        .filter(|x| {
            let n = x.name.to_ascii_lowercase();
            x.location == discovery::ParamIn::Query
                && (discovery::is_id_key(&x.name)
                    || names_person(&x.name)
                    || x.collection.is_some())
                // Cursors of a listing (`since_id`, `max_id`) name no one object.
                && !["since", "before", "after", "max", "min", "last", "next", "prev", "cursor", "from", "until"]
                    .iter()
                    .any(|w| n.starts_with(w))
        });
    let first = query.next()?;
    query.next().is_none().then_some(first)
}

/// The concrete path with `value` for the parameter (the query of the baseline kept).
pub fn with_value(pr: &Probed, value: &str) -> String {
    let Some(param) = param(pr) else {
        return pr.path.clone();
    };
    if param.location == discovery::ParamIn::Query {
        return discovery::with_query(&pr.path, &param.name, value);
    }
    let mut values = std::collections::BTreeMap::new();
    values.insert(param.name.clone(), value.to_owned());
    let mut path = discovery::render_path(&pr.op.path, &values);
    if let Some((_, q)) = pr.path.split_once('?') {
        path.push('?');
        path.push_str(q);
    }
    path
}

/// The path up to the parameter (`/api/notes/` for `/api/notes/{id}`); for a query
/// parameter a key no path has (its ids are not the listed ones).
pub fn prefix(pr: &Probed) -> String {
    let name = param(pr).map(|x| x.name.as_str()).unwrap_or_default();
    if let Some(x) = param(pr).filter(|x| x.location == discovery::ParamIn::Query) {
        // Named after a collection (`?doc=` beside `/api/docs`): that collection's keys.
        return match &x.collection {
            Some(c) => format!("{c}/"),
            None => format!("?{name}"),
        };
    }
    pr.op
        .path
        .split(&format!("{{{name}}}"))
        .next()
        .unwrap_or("")
        .to_owned()
}

/// Whether the parameter names a user (`/users/{id}`, `{user_id}`): the caller's own id
/// then comes from the token or `/me`.
pub fn is_user_param(pr: &Probed) -> bool {
    let Some(param) = param(pr) else { return false };
    names_user(&param.name, &prefix(pr))
}

/// Whether a parameter of this name, after this path prefix, names a user (`{user_id}`,
/// `{username}`, `{id}` after `/users/`).
pub fn names_user(name: &str, prefix: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let pre = prefix.to_ascii_lowercase();
    matches!(
        n.as_str(),
        "user_id"
            | "userid"
            | "uid"
            | "account_id"
            | "accountid"
            | "member_id"
            | "profile_id"
            | "customer_id"
            | "username"
            | "user_name"
            | "user_email"
            | "login"
            | "handle"
    ) || prefix.starts_with('?') && names_person(name)
        || (matches!(n.as_str(), "id" | "pk" | "key" | "name" | "email")
            && [
                "user", "account", "member", "profile", "customer", "follow", "friend", "contact",
            ]
            .iter()
            .any(|w| pre.contains(w)))
}

/// Whether a parameter's name names a person whatever the path: `owner`, `author`,
/// `user`, `creator`, or an id, name or email of a person's kind (`patient_id`,
/// `employee_name`, `student_email`): the filter of a listing by whose records it shows.
pub fn names_person(name: &str) -> bool {
    // Not `customer`, `client` or `member`: records of the API's own as often as people.
    const PERSON: &[&str] = &[
        "owner", "author", "creator", "user", "patient", "employee", "student", "person",
        "assignee", "reporter",
    ];
    let n = spillcheck_core::vocab::normalize(name);
    let stem = ["id", "name", "email"]
        .iter()
        .find_map(|s| n.strip_suffix(s).filter(|x| !x.is_empty()))
        .unwrap_or(&n);
    PERSON.contains(&stem)
}

/// A value for the parameter that surely names no object.
pub fn nonexistent(pr: &Probed) -> String {
    match param(pr).and_then(|x| x.kind.as_deref()) {
        Some("integer" | "number") => "2147483646".into(),
        Some("uuid") => "ffffffff-ffff-4fff-bfff-ffffffffffff".into(),
        _ => "spillcheck-no-such-object".into(),
    }
}

/// A value that surely names no object, in the form of `sample` (a real id): a long
/// number keeps its length (`7584716272` → `9999999997`), so a lookup of a fixed-width
/// column still runs.
pub fn absent_like(pr: &Probed, sample: &str) -> String {
    if !sample.is_empty() && sample.bytes().all(|b| b.is_ascii_digit()) {
        return if sample.len() >= 9 {
            format!("{}7", "9".repeat(sample.len() - 1))
        } else {
            "2147483646".into()
        };
    }
    nonexistent(pr)
}

/// Owner fields of a record: does it belong to `own`? `None` when the record names no owner.
pub fn owned_by(json: &Value, own: &Own) -> Option<bool> {
    const OWNER_KEYS: &[&str] = &[
        "user_id",
        "userid",
        "owner_id",
        "ownerid",
        "owner",
        "author_id",
        "created_by",
        "account_id",
        "customer_id",
        "sub",
    ];
    let Value::Object(m) = json else { return None };
    let mut verdict = None;
    for (k, v) in m {
        if !OWNER_KEYS.contains(&k.to_ascii_lowercase().as_str()) || v.is_null() {
            continue;
        }
        let values = owner_values(v);
        let mine = values.iter().any(|text| names_own(own, text));
        // Not the caller's only when the caller's own value of that kind is known: a
        // `user_id: 1` says nothing when the caller's number was never seen (an opaque
        // token, a profile that shows only the name).
        let comparable = mine
            || values.iter().any(|text| {
                own.ids
                    .iter()
                    .chain(own.emails.iter())
                    .chain(own.names.iter())
                    .any(|x| same_kind(x, text))
            });
        if comparable {
            verdict = Some(verdict.unwrap_or(true) && mine);
        }
    }
    verdict
}

/// Whether a record's plain owner fields (`owner_id`, `user_id`, `created_by`, …) all
/// name the caller, at least one of them: a record the caller keeps. Fields that may name
/// a record of another kind as well (`customer_id`, `account_id`) are not read here.
pub fn owner_is(m: &serde_json::Map<String, Value>, own: &Own) -> bool {
    const PLAIN_OWNER: &[&str] = &[
        "ownerid",
        "owner",
        "userid",
        "createdby",
        "createdbyid",
        "authorid",
    ];
    let mut mine = false;
    for (k, v) in m {
        if v.is_null() || !PLAIN_OWNER.contains(&spillcheck_core::vocab::normalize(k).as_str()) {
            continue;
        }
        if owner_values(v).iter().any(|text| names_own(own, text)) {
            mine = true;
        } else {
            return false;
        }
    }
    mine
}

/// The values an owner field names its owner by: the value itself, or of an embedded
/// owner object (`"owner": {"id": 1, "username": "alice", "avatar": …}`) its id, name and
/// e-mail members.
fn owner_values(v: &Value) -> Vec<String> {
    match v {
        Value::Object(m) => [
            "id", "uuid", "user_id", "username", "login", "email", "handle",
        ]
        .iter()
        .filter_map(|k| m.get(*k))
        .filter(|x| x.is_string() || x.is_number())
        .map(discovery::value_text)
        .collect(),
        Value::Array(_) => Vec::new(),
        _ => vec![discovery::value_text(v)],
    }
}

/// Whether `text` is one of the caller's own ids, e-mails or names.
fn names_own(own: &Own, text: &str) -> bool {
    own.ids.iter().any(|x| x == text)
        || own.emails.contains(&text.to_ascii_lowercase())
        || own.names.iter().any(|n| n.eq_ignore_ascii_case(text))
}

/// Whether two identifying values are of one kind (both numbers, both emails, both UUIDs,
/// or both names), so that their difference means two different users.
fn same_kind(a: &str, b: &str) -> bool {
    fn kind(x: &str) -> u8 {
        if !x.is_empty() && x.bytes().all(|c| c.is_ascii_digit()) {
            0
        } else if x.contains('@') {
            1
        } else if x.len() == 36 && x.bytes().filter(|&c| c == b'-').count() == 4 {
            2
        } else {
            3
        }
    }
    kind(a) == kind(b)
}

/// Ids as text.
pub fn texts(values: &[Value]) -> Vec<String> {
    values.iter().map(discovery::value_text).collect()
}

/// Caller A's own answer to the listing of the collection an object operation belongs to
/// (`GET /api/posts` for `GET /api/posts/{id}` and `GET /api/posts/{id}/comments`).
pub fn listing(p: &Probe, pr: &Probed) -> Option<Value> {
    listing_op(p, pr)
        .and_then(|x| x.user.as_ref())
        .and_then(|e| e.response.json())
}

/// The GET that lists `pr`'s collection for user A: the collection's own path
/// (`/api/cards` beside `/api/cards/{id}`), or its plural beside a singular item path
/// (`/heartbeats` beside `/heartbeat/{id}`, as alerta and others name them).
fn listing_op<'p>(p: &'p Probe, pr: &Probed) -> Option<&'p Probed> {
    let collection = prefix(pr).trim_end_matches('/').to_owned();
    if collection.is_empty() {
        return None;
    }
    [
        collection.clone(),
        format!("{collection}s"),
        format!("{collection}es"),
    ]
    .iter()
    .find_map(|path| {
        p.ops
            .iter()
            .find(|x| x.op.method == "GET" && x.op.path == *path && x.user_ok())
    })
}

/// A reference field of a record (`to_account_id: 1`) whose value is the id of a record
/// user A's own listing of that collection shows (`/api/accounts` lists A's account 1): the
/// record involves A (a transfer to A, a message in A's thread), so A reading it is no
/// leak of another user's object. Owner fields (`user_id`, `account_id`) are not read: they
/// are what says whose the record is.
pub fn names_a_record_of_a(p: &Probe, json: &Value) -> Option<String> {
    names_a_listed_record_of(&p.ops, json)
}

/// [`names_a_record_of_a`] over A's answers to `ops`.
fn names_a_listed_record_of(ops: &[Probed], json: &Value) -> Option<String> {
    let Value::Object(m) = json else { return None };
    for (key, v) in m {
        let lower = key.to_ascii_lowercase();
        let Some(noun) = lower.strip_suffix("_id") else {
            continue;
        };
        if spillcheck_core::vocab::is_owner_field(&lower) || v.is_null() {
            continue;
        }
        let noun = noun.rsplit('_').next().unwrap_or(noun);
        if noun.len() < 3 {
            continue;
        }
        let text = discovery::value_text(v);
        let listed = ops.iter().find(|x| {
            x.op.method == "GET"
                && x.op.path_params().next().is_none()
                && x.op
                    .path
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .is_some_and(|seg| {
                        seg == format!("{noun}s") || seg == format!("{noun}es") || seg == noun
                    })
                && x.user_ok()
        });
        let Some(json) = listed
            .and_then(|x| x.user.as_ref())
            .and_then(|e| e.response.json())
        else {
            continue;
        };
        if records(&json).iter().any(|r| {
            r.get("id")
                .is_some_and(|i| discovery::value_text(i) == text)
        }) {
            return Some(format!("`{key}` {text} is one of user A's own"));
        }
    }
    None
}

/// The records of a listing: objects that carry an `id`.
pub fn records(json: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    fn walk<'a>(v: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
        if depth > 6 {
            return;
        }
        match v {
            Value::Array(a) => a.iter().for_each(|x| walk(x, out, depth + 1)),
            Value::Object(m) => {
                if m.contains_key("id") {
                    out.push(v);
                } else {
                    m.values().for_each(|x| walk(x, out, depth + 1));
                }
            }
            _ => {}
        }
    }
    walk(json, &mut out, 0);
    out
}

/// The record with id `id` in a listing or object answer.
pub fn record_with_id(json: &Value, id: &str) -> Option<Value> {
    fn walk(v: &Value, id: &str, depth: usize) -> Option<Value> {
        if depth > 6 {
            return None;
        }
        match v {
            Value::Object(m) => {
                let named = ["id", "uuid", "slug"]
                    .iter()
                    .any(|k| m.get(*k).is_some_and(|x| discovery::value_text(x) == id));
                if named {
                    return Some(v.clone());
                }
                m.values().find_map(|x| walk(x, id, depth + 1))
            }
            Value::Array(a) => a.iter().find_map(|x| walk(x, id, depth + 1)),
            _ => None,
        }
    }
    walk(json, id, 0)
}

/// A user's view of an object of `collection` (`/api/cards`): the item read
/// (`GET /api/cards/{id}`) when the API has one, else the user's listing of the
/// collection; the exchange and the record in it, when the user sees it.
pub async fn view_of(
    p: &Probe,
    who: &crate::auth::Identity,
    collection: &str,
    id: &str,
) -> Option<(std::sync::Arc<crate::engine::Exchange>, Value)> {
    let item = p.ops.iter().find(|x| {
        x.op.method == "GET"
            && x.op.path_params().count() == 1
            && discovery::item_of(&x.op.path, collection)
    });
    let path = match item {
        Some(x) => with_value(x, id),
        None => p
            .ops
            .iter()
            .find(|x| x.op.method == "GET" && x.op.path == collection)?
            .path
            .clone(),
    };
    let ex = p
        .send_as(who, p.request(&who.label, reqwest::Method::GET, &path))
        .await
        .ok()
        .filter(|x| x.response.ok())?;
    let json = ex.response.json()?;
    let record = record_with_id(&json, id)?;
    Some((ex, record))
}

/// The value that names `who`'s own account in parameter `name`: an email for an email,
/// a user name for a name, else the user id.
pub fn identity_value(own: &crate::probe::Own, name: &str) -> Option<String> {
    identity_value_of(own, name, None)
}

/// Whether a person parameter (`lower`, its lower-case name) the description types as
/// `kind` takes a user name before a numeric id: a string, not named an id (`?student=`
/// "username of the student", not `?student_id=`).
pub fn names_by_text(lower: &str, kind: Option<&str>) -> bool {
    kind == Some("string") && !lower.ends_with("id")
}

/// [`identity_value`] for a parameter the description types (`kind`): a person word
/// declared a string (`?student=` "username of the student") takes the user name before a
/// numeric id.
pub fn identity_value_of(
    own: &crate::probe::Own,
    name: &str,
    kind: Option<&str>,
) -> Option<String> {
    let n = name.to_ascii_lowercase();
    if n.contains("mail") {
        own.emails.first().cloned()
    } else if n.contains("name") || n == "login" || n == "handle" {
        own.names.first().cloned()
    } else if names_by_text(&n, kind) {
        own.names.first().or_else(|| own.ids.first()).cloned()
    } else {
        own.ids.first().cloned()
    }
}

/// What caller A's own listing of an operation's collection shows (`GET /api/posts` for
/// `GET /api/posts/{id}` and `GET /api/posts/{id}/comments`): the ids it lists, and whether
/// it lists records of other people (an owner field naming another user, another person's
/// email; on a collection of users, other users). Read once per operation.
#[derive(Debug, Default)]
pub struct SharedListing {
    ids: Vec<String>,
    foreign: bool,
    /// The collection is private by nature: nothing in it is shared by design.
    private: bool,
}

/// User A's listing of `pr`'s collection read again now (what B made since the baseline
/// shows there if the collection is shared), else A's baseline answer.
pub async fn fresh_listing(p: &Probe, a: &crate::auth::Identity, pr: &Probed) -> Option<Value> {
    fresh_listing_read(p, a, pr).await.map(|(json, _)| json)
}

/// [`fresh_listing`] with the exchange that read it (the baseline's when the new read
/// failed).
pub async fn fresh_listing_read(
    p: &Probe,
    a: &crate::auth::Identity,
    pr: &Probed,
) -> Option<(Value, std::sync::Arc<crate::engine::Exchange>)> {
    let op = listing_op(p, pr)?;
    let baseline = || Some((op.user.as_ref()?.response.json()?, op.user.clone()?));
    match p
        .send_as(a, p.request("user A", reqwest::Method::GET, &op.path))
        .await
    {
        Ok(ex) if ex.response.ok() => match ex.response.json() {
            Some(json) => Some((json, ex)),
            None => baseline(),
        },
        _ => baseline(),
    }
}

/// The path of the listing A reads for `pr`'s collection (`/api/notes` for
/// `/api/notes/{id}`).
pub fn listing_path<'p>(p: &'p Probe, pr: &Probed) -> Option<&'p str> {
    listing_op(p, pr).map(|x| x.op.path.as_str())
}

/// Whether the records of collection `path` (`/api/notes`, `/api/v1/orders/`) are private
/// by nature: a person's notes, diary, orders, payments, cards, bookings, secrets. Another
/// user's record in such a listing is a leak, never content shared by design as posts,
/// articles, products or a team's tasks are.
pub fn private_by_nature(path: &str) -> bool {
    const PRIVATE: &[&str] = &[
        "note",
        "diary",
        "diarie",
        "journal",
        "memo",
        "order",
        "transaction",
        "payment",
        "transfer",
        "invoice",
        "bill",
        "statement",
        "receipt",
        "card",
        "wallet",
        "booking",
        "reservation",
        "appointment",
        "prescription",
        "vault",
        "secret",
        "password",
        "credential",
        "address",
        "addresse",
        "cart",
        "basket",
        "purchase",
    ];
    let Some(last) = path
        .trim_end_matches('/')
        .rsplit('/')
        .find(|s| !s.is_empty() && !s.starts_with('{'))
    else {
        return false;
    };
    last.split(['-', '_'])
        .map(str::to_ascii_lowercase)
        .any(|w| {
            let one = w.strip_suffix('s').unwrap_or(&w);
            PRIVATE.contains(&one)
        })
}

/// The first record of a listing that names user B as its owner and not user A (an owner
/// field with B's id, name or email): in a collection private by nature, A reading it is
/// a leak.
pub fn record_of_b<'v>(p: &Probe, json: &'v Value) -> Option<&'v Value> {
    records(json).into_iter().find(|r| {
        owned_by(r, &p.own_b) == Some(true)
            && owned_by(r, &p.own) != Some(true)
            && !names_a_listed_record(p, r)
    })
}

/// Whether a record's `account_id` / `customer_id` is the id of a record A lists in the
/// collection of that name (a statement of A's own bank account 2), not a user's id that
/// happens to be the same number.
fn names_a_listed_record(p: &Probe, record: &Value) -> bool {
    ["account_id", "customer_id"].iter().any(|key| {
        record.get(*key).is_some_and(|v| {
            let text = discovery::value_text(v);
            p.seen_a
                .named_collection(key)
                .iter()
                .any(|x| discovery::value_text(x) == text)
        })
    })
}

impl SharedListing {
    /// The listing of `pr`'s collection, when A read one.
    pub fn of(p: &Probe, pr: &Probed) -> Option<SharedListing> {
        let json = listing(p, pr)?;
        let recs = records(&json);
        let collection = prefix(pr).trim_end_matches('/').to_owned();
        let users = is_user_param(pr)
            || ["user", "member", "profile", "account"]
                .iter()
                .any(|w| collection.rsplit('/').next().unwrap_or("").contains(w));
        let id_of = |r: &Value| r.get("id").map(discovery::value_text);
        let foreign = recs.iter().any(|r| {
            // What the caller keeps (A's CRM customers, their emails) is no other person's
            // record, whatever it names.
            if r.as_object().is_some_and(|m| owner_is(m, &p.own)) {
                return false;
            }
            owned_by(r, &p.own) == Some(false)
                || inspect::emails(&r.to_string())
                    .iter()
                    .any(|e| !p.own.emails.contains(e))
                || (users
                    && id_of(r).is_some_and(|i| !p.own.ids.is_empty() && !p.own.ids.contains(&i)))
        });
        Some(SharedListing {
            ids: recs.iter().filter_map(|r| id_of(r)).collect(),
            foreign,
            private: private_by_nature(&collection),
        })
    }

    /// The ids a later read of the listing shows too (B's objects, once made, in a
    /// collection every user sees); whether it shows other people is still told from the
    /// baseline, before A's own writes filled the listing with records of A's.
    #[must_use]
    pub fn with_ids_of(mut self, json: &Value) -> SharedListing {
        for r in records(json) {
            if let Some(id) = r.get("id").map(discovery::value_text)
                && !self.ids.contains(&id)
            {
                self.ids.push(id);
            }
        }
        self
    }

    /// Whether object `id` of the collection is shared by design: the listing shows it, or
    /// shows other people's records. Then reading it by id gives nothing the listing does
    /// not already give. Never in a collection private by nature (notes, orders, cards):
    /// there a listing of other people's records is the leak itself.
    pub fn shares(&self, id: &str) -> bool {
        !self.private && (self.foreign || self.ids.iter().any(|i| i == id))
    }
}

/// Whether an answer holds personal data: a field the vocabulary calls personal (`email`,
/// `phone`, `date_of_birth`, `address`) with a value, or an e-mail address or phone number
/// anywhere.
pub fn carries_personal(r: &Response) -> bool {
    let Some(json) = r.json() else { return false };
    let mut found = false;
    inspect::visit(&json, &mut |k, v| {
        if found {
            return;
        }
        let text = v.as_str().unwrap_or_default();
        found = spillcheck_core::vocab::is_personal_field(k) && !v.is_null() && !text.is_empty()
            || !inspect::emails(text).is_empty()
            || inspect::is_phone_key(k) && inspect::is_phone_value(text);
    });
    found
}

/// Whether an answer carries a secret field with a value (`password_hash`, `api_key`,
/// `cvv`): never shared by design, whatever the listing shows.
pub fn carries_secret(r: &Response) -> bool {
    let Some(json) = r.json() else { return false };
    let mut found = false;
    inspect::visit(&json, &mut |k, v| {
        if !found
            && spillcheck_core::vocab::is_secret_field(k)
            && v.as_str().is_some_and(|s| {
                !s.trim().is_empty()
                    && (!spillcheck_core::vocab::names_a_pin(k)
                        || spillcheck_core::vocab::normalize(k) == "pin"
                        || spillcheck_core::vocab::pin_shaped(s))
            })
        {
            found = true;
        }
    });
    found
}

/// Whether an answer's record says it is public: a flag (`is_public: true`, `public: 1`,
/// `shared: "yes"`), a visibility (`visibility: "public"`), or a privacy flag that is off
/// (`is_private: false`). Read on the answer itself and on the one record it wraps
/// (`{"list": {…}}`): a list of reading lists naming some public says nothing of one.
pub fn marks_itself_public(r: &Response) -> bool {
    let Some(json) = r.json() else { return false };
    let Value::Object(m) = &json else {
        return false;
    };
    let wrapped = match m.values().collect::<Vec<_>>().as_slice() {
        [Value::Object(inner)] => Some(inner),
        _ => None,
    };
    std::iter::once(m).chain(wrapped).any(|m| {
        m.iter().any(|(k, v)| {
            let on = match v {
                Value::Bool(b) => Some(*b),
                Value::Number(n) => n.as_i64().map(|n| n != 0),
                Value::String(s) => match s.to_ascii_lowercase().as_str() {
                    "true" | "yes" | "1" => Some(true),
                    "false" | "no" | "0" => Some(false),
                    _ => None,
                },
                _ => None,
            };
            match spillcheck_core::vocab::normalize(k).as_str() {
                "ispublic" | "public" | "isshared" | "shared" | "publiclyvisible" => {
                    on == Some(true)
                }
                "isprivate" | "private" => on == Some(false),
                "visibility" | "privacy" | "access" => v.as_str().is_some_and(|s| {
                    matches!(s.to_ascii_lowercase().as_str(), "public" | "everyone")
                }),
                _ => false,
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::Operation;

    #[test]
    fn a_record_that_says_it_is_public() {
        for body in [
            r#"{"id": 4, "name": "Baking", "is_public": 1}"#,
            r#"{"list": {"id": 4, "visibility": "public"}}"#,
            r#"{"id": 4, "private": false}"#,
        ] {
            assert!(marks_itself_public(&resp(200, body)), "{body}");
        }
        for body in [
            r#"{"id": 2, "is_public": 0}"#,
            r#"{"id": 2, "visibility": "private"}"#,
            r#"{"lists": [{"id": 4, "is_public": true}], "count": 1}"#,
            r#"{"id": 2, "public_key": "ssh-ed25519 AAAA"}"#,
        ] {
            assert!(!marks_itself_public(&resp(200, body)), "{body}");
        }
    }

    fn resp(status: u16, body: &str) -> Response {
        Response::for_tests(status, body)
    }

    #[test]
    fn a_record_naming_one_of_the_callers_own_records_involves_the_caller() {
        // A lists accounts 1 and 2; transfer 2 goes from B's account 3 to A's account 1.
        let mut accounts = probed(
            Operation::new("GET", "/api/accounts", discovery::Origin::OpenApi),
            "/api/accounts",
        );
        accounts.user = Some(std::sync::Arc::new(crate::engine::Exchange {
            seq: 0,
            request: crate::engine::Request::get(
                crate::engine::Actor::UserA,
                url::Url::parse("http://127.0.0.1/api/accounts").unwrap(),
            ),
            response: resp(200, r#"[{"id": 1, "iban": "X1"}, {"id": 2, "iban": "X2"}]"#),
        }));
        let ops = [accounts];
        let to_a = serde_json::json!({"id": 2, "from_account_id": 3, "to_account_id": 1});
        assert!(names_a_listed_record_of(&ops, &to_a).is_some());
        let between_others = serde_json::json!({"id": 5, "from_account_id": 3, "to_account_id": 4});
        assert!(names_a_listed_record_of(&ops, &between_others).is_none());
        // An owner field is what says whose it is, never a party's reference.
        let owned = serde_json::json!({"id": 7, "account_id": 1});
        assert!(names_a_listed_record_of(&ops, &owned).is_none());
    }

    fn probed(op: Operation, path: &str) -> Probed {
        Probed {
            op,
            path: path.to_owned(),
            user: None,
            anon: None,
        }
    }

    #[test]
    fn one_id_like_query_parameter_names_the_object() {
        let q = |name: &str| discovery::Param {
            name: name.into(),
            location: discovery::ParamIn::Query,
            example: None,
            kind: None,
            required: false,
            collection: None,
            pattern: None,
        };
        let mut op = Operation::new("GET", "/api/transactions", discovery::Origin::Source);
        op.params.push(q("account_number"));
        op.params.push(q("page"));
        let pr = probed(op, "/api/transactions?account_number=1&page=2");
        assert_eq!(param(&pr).map(|x| x.name.as_str()), Some("account_number"));
        assert_eq!(
            with_value(&pr, "99"),
            "/api/transactions?page=2&account_number=99"
        );
        assert_eq!(prefix(&pr), "?account_number");
        // A listing cursor names no object.
        let mut cursor = Operation::new("GET", "/api/feed", discovery::Origin::Source);
        cursor.params.push(q("since_id"));
        assert!(param(&probed(cursor, "/api/feed")).is_none());
        // Two path parameters: not one object.
        let two = Operation::new("GET", "/a/{x}/b/{y}", discovery::Origin::Source);
        assert!(param(&probed(two, "/a/1/b/2")).is_none());
    }

    #[test]
    fn parameters_that_name_a_person() {
        for n in [
            "owner",
            "author",
            "patient_id",
            "employeeEmail",
            "user_name",
            "assignee",
        ] {
            assert!(names_person(n), "{n}");
        }
        for n in [
            "cursor",
            "project_id",
            "status",
            "id",
            "name",
            "ownership",
            "client_id",
        ] {
            assert!(!names_person(n), "{n}");
        }
        assert!(crate::discovery::pages_or_sorts("per_page"));
        assert!(crate::discovery::pages_or_sorts("cursor"));
        assert!(!crate::discovery::pages_or_sorts("account_number"));
    }

    #[test]
    fn absent_ids_keep_the_form_of_real_ones() {
        let pr = probed(
            Operation::new("GET", "/t/{account_number}", discovery::Origin::Source),
            "/t/1",
        );
        assert_eq!(absent_like(&pr, "7584716272"), "9999999997");
        assert_eq!(absent_like(&pr, "12"), "2147483646");
        assert_eq!(absent_like(&pr, "bob"), "spillcheck-no-such-object");
        assert_eq!(
            record_with_id(
                &serde_json::json!({"cards": [{"id": 5}, {"id": 6, "x": 1}]}),
                "6"
            ),
            Some(serde_json::json!({"id": 6, "x": 1}))
        );
    }

    #[test]
    fn a_profile_with_names_only_carries_nothing_personal() {
        let plain = resp(
            200,
            r#"{"id": "9f1c", "username": "bob", "full_name": "Bob Ray", "job_title": "Designer"}"#,
        );
        assert!(!carries_personal(&plain));
        let mail = resp(
            200,
            r#"{"id": "9f1c", "username": "bob", "contact": "bob@example.test"}"#,
        );
        assert!(carries_personal(&mail));
        let phone = resp(200, r#"{"id": "9f1c", "phone": "+32 470 11 22 33"}"#);
        assert!(carries_personal(&phone));
    }

    #[test]
    fn a_sign_in_page_for_both_users_is_no_object() {
        let wall = resp(
            200,
            r#"<html><body><p>Please sign in.</p><form method="post" action="/login?next=/accounts/3"><input name="username"><input name="password" type="password"></form></body></html>"#,
        );
        assert_eq!(judge(&wall, &wall, None), Verdict::Skip);
        let failed = resp(200, r#"{"ok": false, "error": "not allowed"}"#);
        assert_eq!(judge(&failed, &failed, None), Verdict::Skip);
    }

    #[test]
    fn verdicts() {
        let b = resp(
            200,
            r#"{"id": 4, "owner_id": 3, "title": "Bob's diary", "body": "secret plans for friday"}"#,
        );
        assert!(matches!(judge(&b, &b, None), Verdict::Bypass(_)));
        // A different status alone does not prove enforcement.
        let redirect_with_data = resp(
            302,
            r#"{"title": "Bob's diary", "body": "secret plans for friday"}"#,
        );
        assert!(
            matches!(judge(&redirect_with_data, &b, None), Verdict::Bypass(r) if r.contains("302"))
        );
        assert_eq!(
            judge(&resp(404, r#"{"error": "not found"}"#), &b, None),
            Verdict::Enforced
        );
        // Public by design: the anonymous caller gets the same.
        assert_eq!(judge(&b, &b, Some(&b)), Verdict::Skip);
        // Not B's object.
        assert_eq!(judge(&b, &resp(404, "{}"), None), Verdict::Skip);
        // A public page whose signed-in frame names the visitor: A's copy is nearer the
        // anonymous one than B's own, so it is anyone's; with the anonymous caller sent to
        // the login instead, it is B's.
        let page = |frame: &str| {
            resp(
                200,
                &format!(
                    "<html><head><title>Micro blog</title><link href=\"/static/site.css\"></head><nav>{frame}</nav><h1>Posts of bob</h1><p>bob wrote: lunch at noon with the team</p><p>bob wrote: the garden needs water before the weekend</p><p>bob wrote: finished reading a long novel about sailors and storms</p><footer>Powered by a small Flask application, every post is public</footer></html>"
                ),
            )
        };
        let signed_in = |name: &str| {
            page(&format!(
                "<a href=\"/mfa\">MFA</a> <a href=\"/user/chpasswd\">Password</a> signed in as {name}"
            ))
        };
        let (a_page, b_page) = (signed_in("alice"), signed_in("bob"));
        assert_eq!(
            judge(
                &a_page,
                &b_page,
                Some(&page("<a href=\"/user/login\">Log in</a>"))
            ),
            Verdict::Skip
        );
        // A short "please sign in" page in the same frame is no copy of B's.
        let prompt = resp(
            200,
            "<html><head><title>Micro blog</title><link href=\"/static/site.css\"></head><nav><a href=\"/user/login\">Log in</a></nav><h1>Posts of bob</h1><p>Please sign in to see them</p></html>",
        );
        assert!(matches!(
            judge(&a_page, &b_page, Some(&prompt)),
            Verdict::Bypass(_)
        ));
        let wall = resp(
            200,
            r#"<form method="post"><input type="password" name="password"></form>"#,
        );
        assert!(matches!(
            judge(&a_page, &b_page, Some(&wall)),
            Verdict::Bypass(_)
        ));
        // A public profile: B's private fields missing.
        let own = resp(
            200,
            r#"{"id": 3, "display_name": "Bob", "email": "bob@x.test", "phone": "+1 555 0102", "role": "user"}"#,
        );
        let public = resp(200, r#"{"id": 3, "display_name": "Bob"}"#);
        assert_eq!(judge(&public, &own, None), Verdict::Enforced);
        let own_b = Own {
            emails: vec!["bob@x.test".into()],
            ids: vec!["3".into()],
            phones: vec![],
            names: vec![],
            ..Own::default()
        };
        assert_eq!(
            owned_by(&serde_json::json!({"owner_id": 3}), &own_b),
            Some(true)
        );
        assert_eq!(
            owned_by(&serde_json::json!({"owner_id": 2}), &own_b),
            Some(false)
        );
        assert_eq!(owned_by(&serde_json::json!({"title": "x"}), &own_b), None);
        // The caller's number was never seen (an opaque token, a profile with a name and an
        // email only): `user_id: 1` may well be the caller's own.
        let named_only = Own {
            emails: vec!["alice@x.test".into()],
            names: vec!["alice".into()],
            ..Own::default()
        };
        assert_eq!(
            owned_by(&serde_json::json!({"id": 3, "user_id": 1}), &named_only),
            None
        );
        assert_eq!(
            owned_by(&serde_json::json!({"owner": "bob"}), &named_only),
            Some(false)
        );
    }
}
