//! Operations with side effects, classified before anything is sent, and the write phase
//! (`--allow-writes`): every operation that changes state is sent once by user A with a
//! body the API should accept and, for SC220, once with a malformed one. The passive rules
//! read the answers (error details, secrets echoed back); ids in what A created are learnt.
//!
//! Never sent: DELETE, and any operation whose path says it logs out, revokes, deletes,
//! resets or seeds data, or changes the caller's password (it would end the scan's own
//! session or destroy what the other checks read). A logout is sent by SC263 alone, last,
//! with a token minted for it.

use std::sync::Arc;

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Map, Value};

use crate::discovery::{Operation, SeenIds};
use crate::engine::{Actor, Exchange};
use crate::probe::{Probe, Probed};

/// Words of a path segment that mean the operation destroys or resets something, or
/// ends a session.
const DESTRUCTIVE: &[&str] = &[
    "logout",
    "signout",
    "revoke",
    "delete",
    "remove",
    "destroy",
    "drop",
    "purge",
    "wipe",
    "clear",
    "truncate",
    "seed",
    "reseed",
    "initdb",
    "createdb",
    "populatedb",
    "resetdb",
    "dropdb",
    "setupdb",
    "populate",
    "deactivate",
    "disable",
    "shutdown",
    "restart",
    "reboot",
    "unsubscribe",
    "flush",
];

/// Whether a body field names a password (`password`, `new_pwd`, `passwd`).
fn password_key(k: &str) -> bool {
    let k = k.to_ascii_lowercase();
    (k.contains("pass") && !k.contains("passport")) || k.contains("pwd")
}

/// An update of the caller's own record (`PATCH /api/me`, `PUT /profile`: no path
/// parameter) whose body takes a password at any depth (`{"data": {"attributes":
/// {"password": …}}}`) loses that field: sent whole it would change the scan's own
/// password; without it, it is an ordinary update.
pub(crate) fn without_password_fields(op: &mut Operation) {
    fn strip(v: &mut Value) {
        if let Value::Object(m) = v {
            m.retain(|k, _| !password_key(k));
            m.values_mut().for_each(strip);
        }
    }
    let path = op.path.to_ascii_lowercase();
    let own_record = matches!(op.method.as_str(), "PUT" | "PATCH")
        || op.method == "POST"
            && (crate::probe::is_me_path(&op.path)
                || path.contains("settings")
                || path.contains("profile"));
    if op.path_params().count() > 0 || !own_record || crate::login::creates_account(op) {
        return;
    }
    let Some(body) = op.body.as_mut() else {
        return;
    };
    strip(&mut body.example);
    body.properties.retain(|p| !password_key(p));
    body.from_code.retain(|p| !password_key(p));
}

/// Why an operation must not be sent by the scan (`None` when it may be, as a read or,
/// with `--allow-writes`, as a write).
pub fn side_effect(op: &Operation) -> Option<&str> {
    if op.method == "DELETE" {
        return Some("deletes");
    }
    if let Some(why) = &op.side_effect {
        return Some(why);
    }
    let path = op.path.to_ascii_lowercase();
    let segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .collect();
    let words: Vec<String> = segments
        .iter()
        .flat_map(|s| s.split(['-', '_', '.']))
        .map(str::to_owned)
        .collect();
    // Joined words too: `log-out`, `sign_out`, `init-db`, `reset_db`.
    let joined: Vec<String> = segments
        .iter()
        .map(|s| s.replace(['-', '_', '.'], ""))
        .collect();
    let has = |w: &str| words.iter().any(|x| x == w) || joined.iter().any(|x| x == w);
    if let Some(w) = DESTRUCTIVE.iter().find(|w| has(w)) {
        return Some(match *w {
            "logout" | "signout" | "revoke" => "ends the session",
            "delete" | "remove" | "destroy" | "drop" | "purge" | "wipe" | "clear" | "truncate"
            | "flush" => "deletes",
            "deactivate" | "disable" | "unsubscribe" => "disables an account",
            _ => "resets or seeds data",
        });
    }
    // `/boards/{slug}/archive`: an action on the object the path names (not `/archive`, a
    // listing of old posts).
    let raw: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if raw.len() >= 2
        && matches!(raw[raw.len() - 1], "archive" | "unarchive")
        && names_one_object(raw[raw.len() - 2])
    {
        return Some("archives data");
    }
    let password = words.iter().any(|w| w.contains("password") || w == "pwd");
    // `reset` alone resets data; `reset-password` is the anonymous recovery flow.
    // `init` seeds data at the top (`POST /api/init`) or of the data itself (`/db/init`,
    // `/demo/init`); under a collection it makes one of its objects (`POST /token/init`
    // enrolls a token).
    let resources: Vec<&&str> = segments
        .iter()
        .filter(|s| !(**s == "api" || crate::inventory::version_digits(s).is_some()))
        .collect();
    let seeds = resources.len() <= 1
        || words.iter().any(|w| {
            [
                "db", "database", "data", "demo", "setup", "system", "seed", "sample", "samples",
                "schema", "tables", "app", "fixtures",
            ]
            .contains(&w.as_str())
        });
    // Under the accounts' own paths (`/auth/reset`, `/account/reset`) a reset is the
    // recovery request too.
    let recovery = password
        || words.iter().any(|w| {
            [
                "auth",
                "account",
                "login",
                "signin",
                "forgot",
                "recover",
                "recovery",
                "credentials",
            ]
            .contains(&w.as_str())
        });
    if has("reset") && !recovery || has("resetdb") || has("init") && !password && seeds {
        return Some("resets or seeds data");
    }
    // A body with a password field on an update of the caller (`PUT /api/me`,
    // `PATCH /api/user {password}`) would change the caller's password too.
    let body_password = op.body.as_ref().is_some_and(|b| {
        b.properties
            .iter()
            .any(|p| p.to_ascii_lowercase().contains("pass"))
    });
    if body_password
        && !crate::login::creates_account(op)
        && (matches!(op.method.as_str(), "PUT" | "PATCH")
            || crate::probe::is_me_path(&op.path)
            || has("settings")
            || has("profile"))
    {
        return Some("could change the caller's password");
    }
    // Changing the caller's own password would lock the scan out.
    if password
        && op.method != "GET"
        && ["change", "update", "set", "new", "edit"]
            .iter()
            .any(|w| has(w))
    {
        return Some("changes the caller's password");
    }
    None
}

/// A path segment that names one object: a parameter, or a value such as `2` or a UUID in
/// a link the scan followed.
fn names_one_object(segment: &str) -> bool {
    segment.starts_with('{')
        || !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit())
        || segment.len() >= 16 && segment.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// The body to send: the documented or source-read example, id-like fields filled with
/// ids user A was seen with, and sums of money as small as they go (a documented
/// `"amount": 100.0` becomes 1: the scan's accounts move as little as they can, and a card
/// the scan funded with a few units pays it).
pub(crate) fn valid_body(op: &Operation, seen: &SeenIds) -> Value {
    let mut m = match op.body.as_ref().map(|b| &b.example) {
        Some(Value::Object(m)) => m.clone(),
        Some(other) => return other.clone(),
        None => Map::new(),
    };
    // A's valid write asks for no privilege: a flag the body takes is sent off, a role
    // naming an administrator is left out (the mass-assignment check tries them, and sets
    // them back).
    m.retain(|k, v| {
        !(grants_privilege(k)
            && v.as_str().is_some_and(|s| {
                let s = s.to_ascii_lowercase();
                ["admin", "staff", "super", "root", "owner"]
                    .iter()
                    .any(|w| s.contains(w))
            }))
    });
    for (k, v) in &mut m {
        if grants_privilege(k) {
            match v {
                Value::Bool(b) => *b = false,
                Value::Number(_) => *v = Value::from(0),
                _ => {}
            }
        }
        let lower = k.to_ascii_lowercase();
        let n = spillcheck_core::vocab::normalize(k);
        if ["amount", "price", "total", "cost", "fee"]
            .iter()
            .any(|w| n.ends_with(w))
            && v.as_f64().is_some_and(|x| x > 1.0)
        {
            *v = Value::from(1);
        }
        if lower == "id"
            || lower.ends_with("_id")
            || lower.ends_with("id") && lower.len() > 4
            || n.ends_with("serial")
        {
            match seen.candidates(k, "").into_iter().next() {
                Some(id) => *v = id,
                // An id nobody was seen with: the first row's (`1`), not a word that no
                // integer column takes.
                None if v.as_str() == Some("spillcheck") => *v = Value::from(1),
                None => {}
            }
        }
    }
    Value::Object(m)
}

/// A property that grants its holder rights: `role`, `is_admin`, `is_staff`,
/// `is_superuser`, `permissions`, `user_type`.
pub(crate) fn grants_privilege(key: &str) -> bool {
    matches!(
        spillcheck_core::vocab::normalize(key).as_str(),
        "role"
            | "roles"
            | "isadmin"
            | "admin"
            | "isstaff"
            | "staff"
            | "issuperuser"
            | "superuser"
            | "permissions"
            | "usertype"
            | "accounttype"
    )
}

/// Input no field type accepts: quotes for SQL, a tag for templates, a string where a
/// number is expected.
pub(crate) const MALFORMED: &str = "'\"<spillcheck>%";

/// A field that names or signs in the account (`email`, `username`, `password`): never
/// malformed on its own (an update of the caller's account would change how it logs in).
fn names_the_account(key: &str) -> bool {
    let n = spillcheck_core::vocab::normalize(key);
    n.contains("password")
        || n.contains("mail")
        || matches!(n.as_str(), "username" | "login" | "user" | "handle")
}

/// The same body with every field set to [`MALFORMED`].
pub(crate) fn malformed_body(op: &Operation) -> Option<Value> {
    let Some(Value::Object(m)) = op.body.as_ref().map(|b| &b.example) else {
        return None;
    };
    if m.is_empty() {
        return None;
    }
    Some(Value::Object(
        m.keys()
            .map(|k| (k.clone(), Value::from(MALFORMED)))
            .collect(),
    ))
}

/// A JSON list where an object is expected (what a client bug sends), for JSON bodies:
/// handlers that call `.get` on the body fail, and some echo the exception.
pub(crate) fn list_body(op: &Operation) -> Option<Value> {
    op.content_type()
        .contains("json")
        .then(|| Value::Array(vec![Value::from(MALFORMED)]))
}

/// What the write phase sent and learnt.
#[derive(Default)]
pub(crate) struct Written {
    /// User A's answers to the valid bodies, with the operation's concrete path.
    pub answers: Vec<(String, Arc<Exchange>)>,
    /// Operations whose valid body was refused as invalid (400/422): not tested.
    pub rejected: Vec<String>,
    /// Operations refused for a missing cross-site request token (a web form): not tested.
    pub need_csrf: Vec<String>,
    /// Objects A created that a DELETE operation removes: their concrete paths.
    pub cleanup: Vec<String>,
    /// The creating operations A's valid body worked on (POSTs without path parameters).
    pub creates: Vec<Probed>,
    /// The same with the JSON body A sent (none for a form or an empty body).
    pub sent_creates: Vec<(Probed, Value)>,
    /// Writes A's token was refused on (401/403): another kind of account's.
    pub refused: Vec<Probed>,
    /// (collection path, id) of each object A created.
    pub objects: Vec<(String, String)>,
    /// Bodies repaired from the API's own error (`syntax error at or near "limit"`):
    /// (method, operation path, the body that worked).
    pub repaired: Vec<(String, String, Value)>,
}

/// What user B created in the scan: objects the cross-user checks may act on.
#[derive(Debug, Clone, Default)]
pub struct CreatedByB {
    /// B's answers (concrete path, exchange): creates and the listings read after them.
    pub answers: Vec<(String, Arc<Exchange>)>,
    /// (collection path, id) of each object B created.
    pub objects: Vec<(String, String)>,
}

/// The collection a creating POST adds to: `/api/cards` for `POST /api/cards` and
/// `POST /api/cards/create`.
pub fn collection_of(create_path: &str) -> String {
    let path = create_path
        .split('?')
        .next()
        .unwrap_or("")
        .trim_end_matches('/');
    if matches!(
        crate::discovery::last_segment(path).as_str(),
        "create" | "new" | "add"
    ) {
        return path.rsplit_once('/').map_or("", |(a, _)| a).to_owned();
    }
    path.to_owned()
}

/// The parameter the collection's items are addressed by, when it is not a plain id:
/// `number` for `GET /invoices/{number}` beside `POST /invoices`.
pub(crate) fn item_key(ops: &[Probed], create_template: &str) -> Option<String> {
    let collection = collection_of(create_template);
    ops.iter()
        .filter(|x| crate::discovery::item_of(&x.op.path, &collection))
        .find_map(|x| x.op.path_params().last().map(|p| p.name.clone()))
        .filter(|name| spillcheck_core::vocab::normalize(name) != "id")
}

/// The id of the object a create answer made, for a create whose collection's items are
/// addressed by [`item_key`]: see [`created_id_keyed`].
pub(crate) fn created_id_in(
    ex: &Exchange,
    ops: &[Probed],
    create_template: &str,
) -> Option<String> {
    let key = item_key(ops, create_template);
    created_id_keyed(ex, key.as_deref())
}

/// The id of the object a create answer made: the last segment of `Location`, else the
/// member the items are addressed by (`key`: `{"id": 27, "number": "INV-2024-0027"}` made
/// `/invoices/INV-2024-0027` when items are `/invoices/{number}`; a key that names the
/// collection, `invoice_number`, also matches a bare `number`), else the `id` of the answer
/// (or of its `data` member), else the member named for the collection (`{"message":
/// "Order created", "order_id": 4}` from `POST /api/orders`).
pub(crate) fn created_id_keyed(ex: &Exchange, key: Option<&str>) -> Option<String> {
    if let Some(loc) = ex.response.headers.iter().find(|(k, _)| k == "location") {
        let last = loc.1.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        if !last.is_empty() && !last.contains('?') {
            return Some(last.to_owned());
        }
    }
    let json = ex.response.json()?;
    let obj = json.get("data").filter(|d| d.is_object()).unwrap_or(&json);
    if let Some(v) = key.and_then(|k| keyed_member(obj, k, ex.request.url.path())) {
        return Some(v);
    }
    // The object's id, else the other keys items are addressed by (`slug`, `uuid`).
    let id_of = |o: &Value| {
        ["id", "uuid", "pk", "slug"].iter().find_map(|k| {
            o.get(*k)
                .filter(|v| v.is_string() || v.is_number())
                .map(crate::discovery::value_text)
        })
    };
    id_of(obj)
        .or_else(|| {
            // `{"card_details": {"id": 6, …}, "message": …}`: the one member object that
            // has an id is what was created.
            let Value::Object(m) = obj else { return None };
            let mut with_id = m.values().filter(|v| v.is_object()).filter_map(id_of);
            let first = with_id.next()?;
            with_id.next().is_none().then_some(first)
        })
        .or_else(|| named_for_collection(obj, ex.request.url.path()))
}

/// The member of `obj` the item parameter `key` names: the same name, or the name less the
/// collection's word (`number` for `invoice_number` on `/invoices`).
pub(crate) fn keyed_member(obj: &Value, key: &str, path: &str) -> Option<String> {
    let Value::Object(m) = obj else { return None };
    let want = spillcheck_core::vocab::normalize(key);
    let word = singular(&crate::discovery::last_segment(&collection_of(path)).to_ascii_lowercase());
    let bare = want
        .strip_prefix(word.as_str())
        .filter(|b| !b.is_empty() && *b != "id");
    m.iter().find_map(|(k, v)| {
        let k = spillcheck_core::vocab::normalize(k);
        ((k == want || Some(k.as_str()) == bare)
            && (v.is_string() || v.is_number())
            && !crate::discovery::value_text(v).is_empty())
        .then(|| crate::discovery::value_text(v))
    })
}

fn singular(word: &str) -> String {
    word.strip_suffix("ies")
        .map(|s| format!("{s}y"))
        .or_else(|| word.strip_suffix('s').map(str::to_owned))
        .unwrap_or_else(|| word.to_owned())
}

/// The member of a create answer named for the collection the request wrote to:
/// `order_id`, `orderId` or `order_uuid` for `/orders` (or `/order`, `/orders/new`).
fn named_for_collection(obj: &Value, path: &str) -> Option<String> {
    let Value::Object(m) = obj else { return None };
    let collection = collection_of(path);
    let word = crate::discovery::last_segment(&collection).to_ascii_lowercase();
    let singular = singular(&word);
    if singular.is_empty() {
        return None;
    }
    m.iter().find_map(|(k, v)| {
        let k = k.to_ascii_lowercase().replace(['_', '-'], "");
        let named = [&singular, &word].iter().any(|w| {
            ["id", "uuid", "slug"]
                .iter()
                .any(|s| k == format!("{w}{s}"))
        });
        (named && (v.is_string() || v.is_number())).then(|| crate::discovery::value_text(v))
    })
}

/// The DELETE that removes what a POST to `create` made: `DELETE create/{id}`.
fn delete_path(create: &Probed, ops: &[Probed], id: &str) -> Option<String> {
    let base = create.op.path.trim_end_matches('/');
    // Under the collection the create was sent to, its parameters filled
    // (`/households/7/items/9`, not the template's `{household_id}`).
    let sent = create
        .path
        .split('?')
        .next()
        .unwrap_or("")
        .trim_end_matches('/');
    ops.iter()
        .any(|pr| pr.op.method == "DELETE" && crate::discovery::item_of(&pr.op.path, base))
        .then(|| format!("{sent}/{id}"))
}

/// Writes anyone may make by design whatever else the API protects: a contact or feedback
/// form, a newsletter, an error or telemetry report.
fn public_by_design_write(path: &str) -> bool {
    path.split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::to_ascii_lowercase)
        .any(|w| {
            matches!(
                w.as_str(),
                "contact"
                    | "contacts"
                    | "feedback"
                    | "newsletter"
                    | "subscribe"
                    | "waitlist"
                    | "inquiry"
                    | "inquiries"
                    | "enquiry"
                    | "enquiries"
                    | "support"
                    | "csp"
                    | "telemetry"
                    | "analytics"
                    | "beacon"
                    | "errors"
                    | "report"
                    | "reports"
            )
        })
}

/// A body field that names an object or a user by id (`id`, `user_id`, `ownerId`), not a
/// text a marker can go in.
pub(crate) fn names_an_id(key: &str) -> bool {
    key == "id" || key.ends_with("_id") || key.ends_with("Id")
}

/// Whether a body creates an account rather than an object (it carries a password).
fn carries_a_password(body: &Value) -> bool {
    body.as_object().is_some_and(|m| {
        m.keys().any(|k| {
            let k = k.to_ascii_lowercase();
            k.contains("password") || k == "passwd" || k == "pwd"
        })
    })
}

/// One of A's creating POSTs (`pr`, with the body A sent) sent again with no token, its
/// first text field set to a marker: the answer, and the id of what it made when the answer
/// shows an object was made (a 201, a `Location`, or the marker echoed, with an id that is
/// not one of A's). What it made is deleted as A afterwards, best effort. `None` when the
/// operation is not one to send anonymously (an account, a public form) or nothing was made.
pub(crate) async fn create_anonymously(
    p: &Probe,
    pr: &Probed,
    body: &Value,
) -> Option<(Arc<Exchange>, String)> {
    if is_session_op(&pr.op.path) || public_by_design_write(&pr.op.path) || carries_a_password(body)
    {
        return None;
    }
    let marker = format!("spillcheck-{}", crate::probe::random_name());
    let mut sent = body.clone();
    if let Value::Object(m) = &mut sent
        && let Some(key) = m
            .iter()
            .find(|(k, v)| v.is_string() && !names_an_id(k))
            .map(|(k, _)| k.clone())
    {
        m.insert(key, Value::from(marker.as_str()));
    }
    let ex = p
        .anon(p.request("anonymous", Method::POST, &pr.path).json(&sent))
        .await
        .ok()?;
    let r = &ex.response;
    if !r.ok()
        || crate::inspect::failure_body(r)
        || crate::inspect::refused(r, None)
        || crate::inspect::login_wall(r)
    {
        return None;
    }
    let id = created_id_in(&ex, &p.ops, &pr.op.path)?;
    if p.created_a.iter().any(|(_, a)| *a == id) {
        return None;
    }
    let made = r.status == 201
        || r.headers.iter().any(|(k, _)| k == "location")
        || r.text().contains(&marker);
    // Removed only when it is surely what the request made, never B's.
    if !made || p.created_b.objects.iter().any(|(_, b)| *b == id) {
        return None;
    }
    match delete_path(pr, &p.ops, &crate::discovery::encode_segment(&id)) {
        Some(path) => {
            let _ = as_a(p, p.request("user A", Method::DELETE, &path)).await;
        }
        None => p.diagnose(
            spillcheck_core::DiagnosticLevel::Warning,
            format!(
                "POST {} made an object without a token (id {id}) and the API has no DELETE to remove it",
                pr.op.path
            ),
        ),
    }
    Some((ex, id))
}

/// Deletes what the write phase created (as user A), best effort.
pub(crate) async fn clean_up(p: &Probe, paths: &[String]) {
    let _ = join_all(
        paths
            .iter()
            .map(|path| as_a(p, p.request("user A", Method::DELETE, path))),
    )
    .await;
}

/// Deletes what user B created in the write phase (as B), where the API has a
/// `DELETE {collection}/{id}`; best effort.
pub(crate) async fn clean_up_b(p: &Probe) {
    let Some(b) = &p.user_b else { return };
    let paths: Vec<String> = p
        .created_b
        .objects
        .iter()
        .filter(|(c, _)| {
            p.ops
                .iter()
                .any(|d| d.op.method == "DELETE" && crate::discovery::item_of(&d.op.path, c))
        })
        .map(|(c, id)| format!("{c}/{}", crate::discovery::encode_segment(id)))
        .collect();
    let _ = join_all(
        paths
            .iter()
            .map(|path| p.send_as(b, p.request("user B", Method::DELETE, path))),
    )
    .await;
}

/// Sends every state-changing operation that is safe to send: once with a valid body and,
/// when SC220 runs, once with a malformed one.
pub(crate) async fn run(p: &Probe, ops: &[Probed]) -> Written {
    let mut out = Written::default();
    if !p.engine.settings().allow_writes {
        return out;
    }
    let writes: Vec<&Probed> = ops
        .iter()
        .filter(|pr| matches!(pr.op.method.as_str(), "POST" | "PUT" | "PATCH"))
        .filter(|pr| side_effect(&pr.op).is_none())
        .collect();
    // The login the users signed in at: its refusals of the scan's bodies are no operation
    // left untested (it is checked apart), but its malformed input is sent like any write.
    let is_login = |pr: &Probed| p.a_login.as_ref().is_some_and(|f| f.is_for(&pr.op));
    // The login is sent without A's session or token: a failed login may sign its
    // caller out (`logout_user()`), and a server-side session would end for the scan.
    // A registration too: it is made by someone not signed in, and many apps refuse a
    // signed-in caller ("only when not logged in"), which is no verdict on its body.
    let send_one = |pr: &Probed, body: Value, label: &'static str| {
        let req = p.write_request(label, pr, &pr.path, &body);
        let anonymous = is_login(pr) || registers(&pr.op);
        async move {
            if anonymous {
                p.anon(req).await.ok()
            } else {
                as_a(p, req).await
            }
        }
    };
    let mut valid = join_all(
        writes
            .iter()
            .map(|pr| send_one(pr, own_valid_body(p, pr), "user A")),
    )
    .await;
    // A body the API's error names a field of (`column "limit" does not exist`, `syntax
    // error at or near "limit"`): that field renamed to a name the API uses for it
    // elsewhere (`card_limit` in the create's body), or dropped, and sent again once.
    for (i, pr) in writes.iter().enumerate() {
        let Some(ex) = &valid[i] else { continue };
        if ex.response.ok() && !crate::inspect::failure_body(&ex.response)
            || matches!(ex.response.status, 401 | 403 | 404)
        {
            continue;
        }
        let Some(Value::Object(mut sent)) = ex.request.sent_json() else {
            continue;
        };
        let mut error = ex.response.text().into_owned();
        let known = known_fields(ops, pr);
        let seen = |name: &str| p.seen_a.under_key(name).into_iter().next();
        // A body the error names missing or allowed fields of (`full_name is required`,
        // `rank must be one of master, mate`): completed, one answer at a time (six: a
        // validator that names one problem per answer, as reqparse does).
        for _ in 0..6 {
            let Some(fixed) = repaired_body(&sent, &error, &known)
                .or_else(|| completed_body(&sent, &error, &seen))
            else {
                break;
            };
            let Some(again) = send_one(pr, Value::Object(fixed.clone()), "user A").await else {
                break;
            };
            if again.response.ok() && !crate::inspect::failure_body(&again.response) {
                out.repaired.push((
                    pr.op.method.clone(),
                    pr.op.path.clone(),
                    Value::Object(fixed),
                ));
                valid[i] = Some(again);
                break;
            }
            if matches!(again.response.status, 401 | 403 | 404 | 405) {
                break;
            }
            error = again.response.text().into_owned();
            sent = fixed;
        }
    }
    let mut created: Vec<&Probed> = Vec::new();
    // A's own records the updates changed, set back at the end ([`restore_own`]).
    let mut changed: Vec<(&Probed, Arc<Exchange>)> = Vec::new();
    for (pr, ex) in writes.iter().zip(valid) {
        let Some(ex) = ex else { continue };
        if matches!(pr.op.method.as_str(), "PUT" | "PATCH")
            && ex.response.ok()
            && !crate::inspect::failure_body(&ex.response)
        {
            changed.push((*pr, ex.clone()));
        }
        if pr.op.method == "POST" && ex.response.ok() && !crate::inspect::failure_body(&ex.response)
        {
            created.push(pr);
            // The caller's own account is no object made (`POST /account` saves a profile).
            if pr.op.path_params().count() == 0
                && !is_session_op(&pr.op.path)
                && !crate::probe::is_me_path(&pr.op.path)
            {
                out.creates.push((*pr).clone());
                if let Some(body) = ex.request.sent_json() {
                    out.sent_creates.push(((*pr).clone(), body));
                }
                if let Some(id) = created_id_in(&ex, ops, &pr.op.path) {
                    out.objects.push((collection_of(&pr.path), id));
                }
            }
        }
        if matches!(ex.response.status, 401 | 403) {
            out.refused.push((*pr).clone());
        }
        let untested = if is_login(pr) {
            None
        } else if crate::login::csrf_refusal(&ex.response) {
            Some(&mut out.need_csrf)
        } else if matches!(ex.response.status, 400 | 422) {
            Some(&mut out.rejected)
        } else {
            None
        };
        if let Some(list) = untested {
            list.push(format!("{} {}", pr.op.method, pr.op.path));
        }
        if pr.op.method == "POST"
            && ex.response.ok()
            && let Some(id) = created_id_in(&ex, ops, &pr.op.path)
            && let Some(path) = delete_path(pr, ops, &crate::discovery::encode_segment(&id))
        {
            out.cleanup.push(path);
        }
        out.answers.push((pr.path.clone(), ex));
    }
    // What A created, read back in A's own listing (`GET /api/notes` after `POST
    // /api/notes`, `GET /api/cards` after `POST /api/cards/create`): the passive rules
    // read the listing with the new object in it.
    let mut listings: Vec<String> = Vec::new();
    for pr in &created {
        let path = pr
            .path
            .split('?')
            .next()
            .unwrap_or("")
            .trim_end_matches('/');
        let parent = path.rsplit_once('/').map_or("", |(a, _)| a);
        let creates = matches!(
            crate::discovery::last_segment(path).as_str(),
            "create" | "new" | "add"
        );
        for candidate in [path, parent] {
            if (candidate == path || creates)
                && ops.iter().any(|x| {
                    x.op.method == "GET"
                        && x.op.path_params().count() == 0
                        && x.op.path == candidate
                })
                && !listings.iter().any(|l| l == candidate)
            {
                listings.push(candidate.to_owned());
            }
        }
    }
    let _ = join_all(
        listings
            .iter()
            .map(|path| as_a(p, p.request("user A", Method::GET, path))),
    )
    .await;
    if p.enabled("SC220") {
        // A malformed update the API carried out changed A's record too: set back as well.
        let malformed = join_all(writes.iter().filter_map(|pr| {
            malformed_body(&pr.op).map(|mut body| {
                keep_own_account(p, pr, &mut body);
                let sent = send_one(pr, body, "user A (malformed input)");
                async move { (*pr, sent.await) }
            })
        }))
        .await;
        let _ = join_all(writes.iter().filter_map(|pr| {
            list_body(&pr.op).map(|body| send(p, pr, body, "user A (a list for an object)"))
        }))
        .await;
        // A body the API's validation refused whole (`currency` must be three letters):
        // the valid body with one field at a time malformed, so the value reaches the code
        // behind the validation (`Decimal(total)`). At most four fields an operation.
        let one_at_a_time: Vec<(&Probed, Value)> = malformed
            .iter()
            .filter(|(_, ex)| {
                ex.as_ref()
                    .is_some_and(|x| matches!(x.response.status, 400 | 422))
            })
            .flat_map(|(pr, _)| {
                let valid = own_valid_body(p, pr);
                let keys: Vec<String> = valid.as_object().map_or_else(Vec::new, |m| {
                    m.iter()
                        .filter(|(k, v)| {
                            !v.is_object()
                                && !v.is_array()
                                && !names_an_id(k)
                                && !names_the_account(k)
                        })
                        .map(|(k, _)| k.clone())
                        .take(4)
                        .collect()
                });
                keys.into_iter().map(move |k| {
                    let mut body = valid.clone();
                    if let Value::Object(m) = &mut body {
                        m.insert(k, Value::from(MALFORMED));
                    }
                    (*pr, body)
                })
            })
            .collect();
        let singles = join_all(one_at_a_time.into_iter().map(|(pr, body)| async move {
            (pr, send_one(pr, body, "user A (one malformed field)").await)
        }))
        .await;
        for (pr, ex) in malformed.into_iter().chain(singles) {
            if let Some(ex) = ex
                && matches!(pr.op.method.as_str(), "PUT" | "PATCH")
                && ex.response.ok()
                && !crate::inspect::failure_body(&ex.response)
            {
                changed.push((pr, ex));
            }
        }
    }
    restore_own(p, &changed).await;
    out
}

/// Field names the API uses for the objects `pr` writes: the bodies of the other writes of
/// its collection (the create's `card_limit`) and their handlers' inputs.
fn known_fields(ops: &[Probed], pr: &Probed) -> Vec<String> {
    let collection = crate::authz::prefix(pr).trim_end_matches('/').to_owned();
    let collection = if collection.is_empty() {
        collection_of(&pr.op.path)
    } else {
        collection
    };
    ops.iter()
        .filter(|o| {
            matches!(o.op.method.as_str(), "POST" | "PUT" | "PATCH")
                && o.op.path != pr.op.path
                && (collection_of(&o.op.path) == collection
                    || crate::authz::prefix(o).trim_end_matches('/') == collection)
        })
        .filter_map(|o| o.op.body.as_ref())
        .flat_map(|b| b.properties.iter().cloned())
        .collect()
}

/// `sent` with each field the error text names (quoted: `"limit"`, `'limit'`,
/// `` `limit` ``) renamed to a known field that ends with it as a word (`limit` →
/// `card_limit`), or dropped when none does or when the error says the field is not taken
/// at all (`{"id": ["Unknown field."]}`, "extra fields not permitted", read-only); `None`
/// when the error names no field or nothing would be left.
pub(crate) fn repaired_body(
    sent: &Map<String, Value>,
    error: &str,
    known: &[String],
) -> Option<Map<String, Value>> {
    // Databases fold unquoted names to lower case (`isAdmin` → `"isadmin"`).
    let error = error.to_ascii_lowercase();
    let named = |k: &str| {
        let k = k.to_ascii_lowercase();
        ['"', '\'', '`'].iter().any(|q| {
            error.contains(&format!("{q}{k}{q}")) || error.contains(&format!("\\{q}{k}\\{q}"))
        })
    };
    // The words that follow the field's name in the error say it is not taken at all:
    // a renamed field would be refused the same way.
    let refused = |k: &str| {
        const NOT_TAKEN: &[&str] = &[
            "unknown field",
            "unexpected",
            "not permitted",
            "not allowed",
            "read-only",
            "read only",
            "readonly",
        ];
        let k = k.to_ascii_lowercase();
        ['"', '\'', '`'].iter().any(|q| {
            error.match_indices(&format!("{q}{k}{q}")).any(|(at, m)| {
                let after: String = error[at + m.len()..].chars().take(48).collect();
                NOT_TAKEN.iter().any(|w| after.contains(w))
            })
        })
    };
    let mut out = Map::new();
    let mut changed = false;
    for (k, v) in sent {
        if !named(k) {
            out.insert(k.clone(), v.clone());
            continue;
        }
        changed = true;
        if refused(k) {
            continue;
        }
        let lower = k.to_ascii_lowercase();
        if let Some(other) = known.iter().find(|n| {
            let n = n.to_ascii_lowercase();
            n != lower
                && (n.ends_with(&format!("_{lower}")) || n.starts_with(&format!("{lower}_")))
                && !sent.contains_key(n.as_str())
        }) {
            out.insert(other.clone(), v.clone());
        }
    }
    (changed && !out.is_empty()).then_some(out)
}

/// `sent` completed with what a validation error asks for: the fields it names as
/// required or missing (`full_name is required`, `missing field 'title'`, `{"errors":
/// {"title": ["Missing data for required field."]}}`), a field it says must be one of
/// some values set to the first (`rank must be one of master, mate`), and, for a body the
/// API found nothing in (`nothing to update; allowed: rank, phone, notes`), one field it
/// allows (a text field first). `None` when the error asks for nothing new.
pub(crate) fn completed_body(
    sent: &Map<String, Value>,
    error: &str,
    known: &dyn Fn(&str) -> Option<Value>,
) -> Option<Map<String, Value>> {
    use std::sync::OnceLock;
    static RES: OnceLock<[regex::Regex; 5]> = OnceLock::new();
    let [required, missing, one_of, allowed, invalid] = RES.get_or_init(|| {
        [
            // `full_name is required`, `login and passphrase are required`
            regex::Regex::new(r"(?i)\b([a-z][a-z0-9_]*(?:(?:,| and| or) [a-z][a-z0-9_]*)*) (?:is|are) (?:required|missing|mandatory)")
                .expect("regex"),
            // `missing field 'title'`, `'title' is a required property`, `field required: title`
            regex::Regex::new(r#"(?i)(?:missing (?:required )?(?:field|parameter|property|key|value)s?:? ['"`]?([a-z][a-z0-9_]*)|['"`]([a-z][a-z0-9_]*)['"`] is a required property)"#)
                .expect("regex"),
            // `rank must be one of master, mate, bosun`, `status: must be one of: a, b`
            regex::Regex::new(r#"(?i)['"`]?([a-z][a-z0-9_]*)['"`]?:? (?:must be|should be|is not) one of:? \[?['"`]?([a-z0-9_-]+)"#)
                .expect("regex"),
            // `allowed: rank, phone, email`, `allowed fields are: title, body`
            regex::Regex::new(r"(?i)allowed(?: fields| keys)?(?: are)?:? ([a-z][a-z0-9_]*(?:, ?[a-z][a-z0-9_]*)*)")
                .expect("regex"),
            // `vessel_imo must be a 7-digit IMO number`, `owner_id is not a valid id`
            regex::Regex::new(r"(?i)\b([a-z][a-z0-9_]*) (?:must be an? |is not an? valid |is invalid|should be an? )")
                .expect("regex"),
        ]
    });
    let text: String = error.chars().take(4000).collect();
    let mut out = sent.clone();
    let add = |out: &mut Map<String, Value>, name: &str| {
        let name = name.trim();
        if !name.is_empty()
            && !out.contains_key(name)
            && !matches!(
                name.to_ascii_lowercase().as_str(),
                "field" | "body" | "json" | "data" | "it" | "this"
                    // `Missing required parameter in the JSON body` (reqparse): a word of
                    // the sentence, not a field.
                    | "in" | "from" | "the" | "a" | "an" | "at" | "of" | "on" | "for" | "to"
                    | "with" | "value"
            )
        {
            out.insert(
                name.to_owned(),
                crate::discovery::field_value(name, "string"),
            );
        }
    };
    for caps in required.captures_iter(&text) {
        for name in caps[1]
            .split([',', ' '])
            .filter(|w| !matches!(*w, "" | "and" | "or"))
        {
            add(&mut out, name);
        }
    }
    for caps in missing.captures_iter(&text) {
        if let Some(m) = caps.get(1).or_else(|| caps.get(2)) {
            add(&mut out, m.as_str());
        }
    }
    // Marshmallow's and pydantic's answers: the error object's keys.
    if let Ok(json) = serde_json::from_str::<Value>(&text) {
        crate::inspect::visit(&json, &mut |k, v| {
            let says = |s: &str| {
                let s = s.to_ascii_lowercase();
                s.contains("required") || s.contains("missing")
            };
            let required_here = match v {
                // A bare code (pydantic's `"type": "missing"`) names no field: its error's
                // `loc` does (below).
                Value::String(s) => says(s) && s.contains(' '),
                Value::Array(a) => a.iter().any(|x| x.as_str().is_some_and(says)),
                _ => false,
            };
            if required_here
                && k.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && !matches!(
                    k,
                    "error" | "message" | "detail" | "msg" | "errors" | "description"
                )
            {
                add(&mut out, k);
            }
        });
        // Pydantic's errors (flask-openapi3, FastAPI): `{"type": "missing", "loc":
        // ["body", "desk"], "msg": "Field required"}`: the field is the last name of the
        // location.
        for name in pydantic_missing(&json) {
            add(&mut out, &name);
        }
    }
    for caps in one_of.captures_iter(&text) {
        let (name, first) = (&caps[1], &caps[2]);
        if out.get(name).is_none_or(|v| v.as_str() != Some(first)) {
            out.insert(name.to_owned(), Value::from(first.to_owned()));
        }
    }
    // A value of a kind the API checks (`vessel_imo must be a 7-digit IMO number`): one the
    // scan saw under that name or its last word (`imo` of the vessels listed).
    for caps in invalid.captures_iter(&text) {
        let name = &caps[1];
        let last = name.rsplit('_').next().unwrap_or(name);
        if let Some(v) = known(name).or_else(|| known(last))
            && out.get(name) != Some(&v)
        {
            out.insert(name.to_owned(), v);
        }
    }
    if out == *sent
        && let Some(caps) = allowed.captures(&text)
    {
        let names: Vec<&str> = caps[1].split(',').map(str::trim).collect();
        let text_like = [
            "notes",
            "note",
            "description",
            "title",
            "name",
            "body",
            "comment",
            "bio",
            "text",
            "summary",
        ];
        if let Some(name) = names
            .iter()
            .find(|n| text_like.contains(n))
            .or_else(|| names.first())
        {
            add(&mut out, name);
        }
    }
    (out != *sent).then_some(out)
}

/// The fields pydantic's validation errors say are missing: the last name of each error's
/// `loc` whose `type` is `missing` or whose `msg` says the field is required.
fn pydantic_missing(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(a) => stack.extend(a.iter().take(200)),
            Value::Object(o) => {
                let missing = o.get("type").and_then(Value::as_str) == Some("missing")
                    || o.get("msg").and_then(Value::as_str).is_some_and(|m| {
                        let m = m.to_ascii_lowercase();
                        m.contains("required") || m.contains("missing")
                    });
                let field = o
                    .get("loc")
                    .and_then(Value::as_array)
                    .and_then(|l| l.iter().rev().find_map(Value::as_str));
                match field {
                    Some(f) if missing && f != "body" && f != "query" => out.push(f.to_owned()),
                    Some(_) => {}
                    None => stack.extend(o.values().take(200)),
                }
            }
            _ => {}
        }
    }
    out
}

/// A registration: an account made by someone not signed in. The path says so
/// (`/register`, `/signup`), or it takes a new account's name and password
/// ([`crate::login::creates_account`]). A check in the handler that the caller is *not*
/// signed in (`@anonymous_user_required`) reads like authentication to the code view, so
/// the explicit words win over what the source says of its security.
fn registers(op: &Operation) -> bool {
    op.method == "POST"
        && (matches!(
            crate::discovery::last_segment(&op.path).as_str(),
            "register" | "registration" | "signup" | "sign-up" | "sign_up"
        ) || crate::login::creates_account(op))
}

/// Logins, registrations and token operations create sessions and accounts, not objects.
fn is_session_op(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    crate::probe::Probe::issues_tokens(&p)
        || ["password", "forgot", "reset", "verify", "confirm"]
            .iter()
            .any(|w| p.contains(w))
}

/// User B makes objects of its own (only with `--allow-writes`): every creating POST that
/// worked for A, sent by B with ids B was seen with, then B's listings of those
/// collections. The cross-user checks act on what B made, never on B's older data.
pub(crate) async fn create_as_b(p: &Probe, creates: &[Probed]) -> CreatedByB {
    let mut out = CreatedByB::default();
    let Some(b) = &p.user_b else { return out };
    if !p.engine.settings().allow_writes {
        return out;
    }
    let made = join_all(creates.iter().map(|pr| async move {
        // B's own values where A's would collide (a title whose slug must be unique).
        let body = unique_valid_body(&pr.op, &p.seen_b);
        let req = p.write_request("user B", pr, &pr.path, &body);
        (pr, p.send_as(b, req).await.ok())
    }))
    .await;
    let mut listings: Vec<String> = Vec::new();
    for (pr, ex) in made {
        let Some(ex) = ex else { continue };
        if !ex.response.ok() || crate::inspect::failure_body(&ex.response) {
            continue;
        }
        let collection = collection_of(&pr.path);
        if let Some(id) = created_id_in(&ex, &p.ops, &pr.op.path) {
            out.objects.push((collection.clone(), id));
        }
        if p.ops.iter().any(|x| {
            x.op.method == "GET" && x.op.path_params().count() == 0 && x.op.path == collection
        }) && !listings.contains(&collection)
        {
            listings.push(collection);
        }
        out.answers.push((pr.path.clone(), ex));
    }
    let read = join_all(listings.iter().map(|path| async move {
        let ex = p
            .send_as(b, p.request("user B", Method::GET, path))
            .await
            .ok()?;
        Some((path.clone(), ex))
    }))
    .await;
    out.answers.extend(read.into_iter().flatten());
    out
}

/// Words of an action that takes an object out of use: B never sends those on its own
/// objects (a frozen card refuses the payments the cross-user checks make with it).
const STOPS_USE: &[&str] = &[
    "freeze", "lock", "block", "suspend", "close", "cancel", "archive", "toggle", "ban", "expire",
    "void", "reject", "hide", "deny", "pause", "stop", "leave", "unlink",
];

/// The actions on one of B's objects that put it to use (`POST /api/cards/{id}/fund`,
/// `POST /api/articles/{slug}/comments`): POSTs on the object's own path plus a segment,
/// none that takes it out of use or has a side effect.
fn uses_of<'a>(p: &'a Probe, collection: &str) -> Vec<&'a Probed> {
    p.ops
        .iter()
        .filter(|pr| {
            pr.op.method == "POST"
                && pr.op.path_params().count() == 1
                && side_effect(&pr.op).is_none()
                && crate::authz::prefix(pr).trim_end_matches('/') == collection
                && pr.op.path.rsplit('/').next().is_some_and(|last| {
                    !last.starts_with('{')
                        && !last
                            .to_ascii_lowercase()
                            .split(['-', '_', '.'])
                            .any(|w| STOPS_USE.iter().any(|s| w.starts_with(s)))
                })
        })
        .collect()
}

/// User B puts the objects it made to use, as their owner would (only with
/// `--allow-writes`): each action of [`uses_of`] three times, B's own valid body, on B's own
/// object. A card B funded has a balance and a history; a record of B's with sub-records
/// is what the cross-user checks need to tell B's data in A's answer (an empty list of
/// B's transactions proves nothing). Then B reads each collection it used again. Returns
/// B's answers.
pub(crate) async fn use_as_b(p: &Probe, made: &CreatedByB) -> Vec<(String, Arc<Exchange>)> {
    let mut out = Vec::new();
    let Some(b) = &p.user_b else { return out };
    if !p.engine.settings().allow_writes {
        return out;
    }
    let mut sends: Vec<(&Probed, String)> = Vec::new();
    for (collection, id) in &made.objects {
        for pr in uses_of(p, collection) {
            sends.push((pr, crate::authz::with_value(pr, id)));
        }
    }
    sends.truncate(8);
    // Three times: a history of more than one entry, and a balance the later checks can
    // spend (a payment with B's card, a charge by each of two merchant accounts).
    for (pr, path) in sends.iter().flat_map(|s| [s, s, s]) {
        let body = valid_body(&pr.op, &p.seen_b);
        if let Ok(ex) = p
            .send_as(b, p.write_request("user B", pr, path, &body))
            .await
        {
            out.push((path.clone(), ex));
        }
    }
    // B reads each collection it used again: its records as they now are (a balance the
    // uses moved), for the checks that compare an answer with B's record.
    let mut listed: Vec<&str> = Vec::new();
    for (collection, _) in &made.objects {
        if listed.contains(&collection.as_str())
            || !sends
                .iter()
                .any(|(_, path)| path.starts_with(collection.as_str()))
        {
            continue;
        }
        listed.push(collection);
        let Some(list) = p.ops.iter().find(|o| {
            o.op.method == "GET"
                && o.op.path_params().count() == 0
                && o.op.path.trim_end_matches('/') == collection.trim_end_matches('/')
        }) else {
            continue;
        };
        if let Ok(ex) = p
            .send_as(b, p.request("user B", reqwest::Method::GET, &list.path))
            .await
        {
            out.push((list.path.clone(), ex));
        }
    }
    out
}

/// What users do to each other on a social API (only with `--allow-writes`): A follows,
/// befriends or favourites what is B's and B does the same to A — each operation that
/// takes one user parameter (`POST /api/profiles/{username}/follow`,
/// `POST /api/me/following/{id}`), aimed at the other user, and each POST on an object B
/// created that A can read (`POST /api/articles/{slug}/favorite`). Then A's reads without
/// parameters again (feeds, followers, what the actions filled), and the actions undone
/// where a DELETE on the same path exists. The passive rules read every answer: a follow
/// that answers with B's email, a feed that now shows it.
pub(crate) async fn toward_each_other(p: &Probe) {
    let (Some(a), Some(b)) = (&p.user, &p.user_b) else {
        return;
    };
    if !p.engine.settings().allow_writes {
        return;
    }
    let acts = |pr: &&Probed| {
        matches!(pr.op.method.as_str(), "POST" | "PUT")
            && pr.op.path_params().count() == 1
            && side_effect(&pr.op).is_none()
    };
    // (actor, label, concrete path, operation) of each action.
    let mut sent: Vec<(&crate::auth::Identity, Actor, String, &Probed)> = Vec::new();
    for pr in p.ops.iter().filter(acts) {
        let Some(param) = crate::authz::param(pr) else {
            continue;
        };
        if crate::authz::is_user_param(pr) {
            for (who, label, other) in [(a, Actor::UserA, &p.own_b), (b, Actor::UserB, &p.own)] {
                if let Some(v) = crate::authz::identity_value(other, &param.name) {
                    sent.push((who, label.clone(), crate::authz::with_value(pr, &v), pr));
                }
            }
        } else if pr.op.method == "POST" {
            let collection = crate::authz::prefix(pr).trim_end_matches('/').to_owned();
            for (_, id) in p.created_b.objects.iter().filter(|(c, _)| *c == collection) {
                // B's private objects are the cross-user action test's (SC210).
                if crate::authz::view_of(p, a, &collection, id).await.is_some() {
                    sent.push((a, Actor::UserA, crate::authz::with_value(pr, id), pr));
                }
            }
        }
    }
    sent.truncate(12);
    for (who, label, path, pr) in &sent {
        let seen = if *label == Actor::UserA {
            &p.seen_a
        } else {
            &p.seen_b
        };
        let req = p.write_request(label, pr, path, &valid_body(&pr.op, seen));
        let _ = p.send_as(who, req).await;
    }
    if sent.is_empty() {
        return;
    }
    // A's reads without parameters again: feeds and lists that the actions filled (also
    // those that failed with a server error while empty: a feed of nobody followed).
    let _ = join_all(
        p.ops
            .iter()
            .filter(|pr| {
                pr.op.method == "GET"
                    && pr.op.path_params().count() == 0
                    && pr
                        .user
                        .as_ref()
                        .is_some_and(|u| u.response.ok() || u.response.status >= 500)
            })
            .take(40)
            .map(|pr| p.send_as(a, p.request("user A", Method::GET, &pr.path))),
    )
    .await;
    // Undo what has an undo: `DELETE` on the same path (unfollow, unfavourite).
    for (who, label, path, pr) in &sent {
        if p.ops
            .iter()
            .any(|d| d.op.method == "DELETE" && d.op.path == pr.op.path)
        {
            let _ = p.send_as(who, p.request(label, Method::DELETE, path)).await;
        }
    }
}

/// Moves every number of a body by 7 (`100` → `107`, `1.0` → `8.0`): values another
/// write of the same body did not set, small enough to stay within a bound.
pub(crate) fn shift_numbers(v: &mut Value) {
    match v {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                *v = Value::from(i + 7);
            } else if let Some(f) = n.as_f64() {
                *v = Value::from(f + 7.0);
            }
        }
        Value::Object(m) => m.values_mut().for_each(shift_numbers),
        Value::Array(a) => a.iter_mut().for_each(shift_numbers),
        _ => {}
    }
}

/// Makes the generated text values of a body unique (`spillcheck` → `spillcheck_k3x…`).
pub(crate) fn distinct(v: &mut Value, suffix: &str) {
    make_distinct(v, suffix, false);
}

/// [`distinct`], and names, titles and addresses the body took from the description's
/// example made unique too (`bookTitle77k3x…`, `janek3x…@example.com`): an object a user of
/// the scan creates must not collide with another's.
pub(crate) fn distinct_names(v: &mut Value, suffix: &str) {
    make_distinct(v, suffix, true);
}

fn make_distinct(v: &mut Value, suffix: &str, names: bool) {
    match v {
        // Letters and digits only, as below: a pattern such as `^[a-z0-9-]{1,30}$` (a
        // tag) takes it where an underscore would fail it.
        // Six characters of the run's suffix: unique enough, and `spillcheck` with them fits
        // the usual length limits (a desk's `maxLength: 20` refused a 22-character name).
        Value::String(s) if s == "spillcheck" => {
            *s = format!("spillcheck{}", short_tail(suffix));
        }
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                // A name, title or address taken from the description's example is the same
                // for every write: a second one breaks a unique column (a book's title).
                if let Value::String(s) = x
                    && names
                    && s != "spillcheck"
                    && names_a_thing(k)
                    && !s.contains(&short_tail(suffix))
                {
                    // Letters and digits only: validators that allow nothing else take it.
                    let tail = short_tail(suffix);
                    *s = match s.split_once('@') {
                        Some((local, domain)) if !local.is_empty() => {
                            format!("{local}{tail}@{domain}")
                        }
                        _ if s.is_empty() => s.clone(),
                        _ => format!("{s}{tail}"),
                    };
                    continue;
                }
                make_distinct(x, suffix, names);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| make_distinct(x, suffix, names)),
        _ => {}
    }
}

/// The letters and digits of a run's suffix, six of them.
fn short_tail(suffix: &str) -> String {
    suffix
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(6)
        .collect()
}

/// A field whose value names the object or the account and is often unique: a title, a
/// name, a slug, a user name, an e-mail address.
fn names_a_thing(key: &str) -> bool {
    let n = spillcheck_core::vocab::normalize(key);
    n.ends_with("title")
        || matches!(
            n.as_str(),
            "name"
                | "slug"
                | "username"
                | "email"
                | "emailaddress"
                | "login"
                | "handle"
                | "label"
                | "displayname"
                | "fullname"
                | "nickname"
        )
}

/// [`valid_body`] with its generated text unique to this run (`spillcheck_k3x…`): a title
/// whose slug must be unique, a name an earlier scan took.
pub(crate) fn unique_valid_body(op: &Operation, seen: &SeenIds) -> Value {
    let mut body = valid_body(op, seen);
    distinct_names(&mut body, &crate::probe::random_name());
    body
}

/// User A's body for a write: [`unique_valid_body`], except that an update of A's own
/// account (`PUT /user/me`) keeps A's email and user name, so the scan never changes
/// what A logs in with or is known by.
fn own_valid_body(p: &Probe, pr: &Probed) -> Value {
    let mut body = unique_valid_body(&pr.op, &p.seen_a);
    keep_own_account(p, pr, &mut body);
    body
}

/// A write to A's own account (`POST /account`, `PUT /api/me`) keeps what A signs in
/// with: the name and address fields A's own values, the password fields A's password
/// (a profile form that also sets the password would otherwise lock the scan out).
fn keep_own_account(p: &Probe, pr: &Probed, body: &mut Value) {
    if !crate::probe::is_me_path(&pr.op.path) {
        return;
    }
    keep_identity(body, &p.own);
    let Some(password) = p.a_login.as_ref().and_then(crate::login::Form::password) else {
        return;
    };
    let Value::Object(m) = body else { return };
    for (k, v) in m.iter_mut() {
        let n = spillcheck_core::vocab::normalize(k);
        if n.contains("password") || n.contains("passwd") {
            *v = Value::from(password);
        }
    }
}

/// Sets the fields of `body` that name the account (`email`, `username`, `login`) to the
/// account's own values, where they are known.
pub(crate) fn keep_identity(body: &mut Value, own: &crate::probe::Own) {
    let Value::Object(m) = body else { return };
    for (k, v) in m.iter_mut() {
        let n = spillcheck_core::vocab::normalize(k);
        let mine = match n.as_str() {
            "email" | "emailaddress" | "mail" => own.emails.first(),
            "username" | "login" | "user" | "handle" => own.names.first(),
            _ => None,
        };
        if let Some(value) = mine {
            *v = Value::from(value.clone());
        }
    }
}

/// Where a body keeps the record's own fields: the path to its object with the most plain
/// values that are neither ids nor a JSON:API `type` (`["data", "attributes"]` of a JSON:API
/// document, `["user"]` of `{"user": {…}}`); empty when the body is flat.
pub fn record_path(body: &Map<String, Value>) -> Vec<String> {
    fn best(
        m: &Map<String, Value>,
        depth: usize,
        at: &mut Vec<String>,
        out: &mut (usize, Vec<String>),
    ) {
        let plain = m
            .iter()
            .filter(|(k, v)| !v.is_object() && !v.is_array() && *k != "type" && !names_an_id(k))
            .count();
        if plain > out.0 {
            *out = (plain, at.clone());
        }
        if depth >= 4 {
            return;
        }
        for (k, v) in m {
            if let Value::Object(x) = v {
                at.push(k.clone());
                best(x, depth + 1, at, out);
                at.pop();
            }
        }
    }
    let mut found = (0, Vec::new());
    best(body, 0, &mut Vec::new(), &mut found);
    found.1
}

/// Calls `f` on the object at `path` in `body` (see [`record_path`]), or on the body itself
/// where the path leads to no object.
pub fn with_record<R>(
    body: &mut Map<String, Value>,
    path: &[String],
    f: impl FnOnce(&mut Map<String, Value>) -> R,
) -> R {
    if let Some((k, rest)) = path.split_first()
        && let Some(Value::Object(x)) = body.get_mut(k)
    {
        return with_record(x, rest, f);
    }
    f(body)
}

/// The object of an answer (at most three levels down) that holds the most of `keys`, and
/// at least one.
fn record_in<'v>(
    v: &'v Value,
    keys: &[String],
    depth: usize,
) -> Option<(usize, &'v Map<String, Value>)> {
    let m = v.as_object()?;
    let here = keys.iter().filter(|k| m.contains_key(k.as_str())).count();
    let mut best = (here > 0).then_some((here, m));
    if depth < 3 {
        for x in m.values() {
            if let Some(found) = record_in(x, keys, depth + 1)
                && best.is_none_or(|b| found.0 > b.0)
            {
                best = Some(found);
            }
        }
    }
    best
}

/// A's own records the write phase changed (a `PUT`/`PATCH` on one of A's objects or on A's
/// own profile that answered 2xx) are written back with the values A's earlier read of the
/// same path showed, field by field of what the write sent: a scan leaves A's data as it
/// found it. Fields A's read did not show stay as written; a warning names (never the values
/// of) what could not be set back.
async fn restore_own(p: &Probe, changed: &[(&Probed, Arc<Exchange>)]) {
    let mut failed: Vec<String> = Vec::new();
    let exchanges = p.engine.exchanges();
    for (pr, ex) in changed {
        let Some(Value::Object(sent)) = ex.request.sent_json() else {
            continue;
        };
        let path = ex.request.url.path().to_owned();
        let me = crate::probe::is_me_path(&pr.op.path);
        let Some(before) = exchanges.iter().find(|e| {
            e.seq < ex.seq
                && e.request.actor == Actor::UserA
                && e.request.method == Method::GET
                && (e.request.url.path() == path
                    || me
                        && pr.op.path_params().count() == 0
                        && crate::probe::is_me_path(e.request.url.path()))
                && e.response.ok()
                && !crate::inspect::failure_body(&e.response)
        }) else {
            continue;
        };
        let Some(json) = before.response.json() else {
            continue;
        };
        let at = record_path(&sent);
        let mut body = sent.clone();
        let differs = with_record(&mut body, &at, |record| {
            let keys: Vec<String> = record.keys().cloned().collect();
            let Some((_, original)) = record_in(&json, &keys, 0) else {
                return false;
            };
            let mut differs = false;
            for (k, v) in record.iter_mut() {
                if let Some(o) = original.get(k)
                    && o != v
                    && !names_an_id(k)
                    && !password_key(k)
                {
                    *v = o.clone();
                    differs = true;
                }
            }
            differs
        });
        if !differs {
            continue;
        }
        let back = send(p, pr, Value::Object(body), "user A (set back)").await;
        if !back.is_some_and(|x| x.response.ok() && !crate::inspect::failure_body(&x.response)) {
            failed.push(format!("{} {path}", pr.op.method));
        }
    }
    if !failed.is_empty() {
        p.diagnose(
            spillcheck_core::DiagnosticLevel::Warning,
            format!(
                "user A's records kept the values the write phase sent (setting them back failed): {}",
                failed.join(", ")
            ),
        );
    }
}

/// One write by user A (anonymous without one), the body in the operation's content type.
async fn send(p: &Probe, pr: &Probed, body: Value, label: &str) -> Option<Arc<Exchange>> {
    as_a(p, p.write_request(label, pr, &pr.path, &body)).await
}

/// Sends as user A, or anonymously when there is no A.
async fn as_a(p: &Probe, req: crate::engine::Request) -> Option<Arc<Exchange>> {
    match &p.user {
        Some(u) => p.send_as(u, req).await.ok(),
        None => p.anon(req).await.ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::Origin;

    #[test]
    fn a_validation_error_completes_the_body() {
        let empty = Map::new();
        let none = |_: &str| -> Option<Value> { None };
        let body = completed_body(
            &empty,
            r#"{"ok": false, "error": "full_name is required"}"#,
            &none,
        )
        .unwrap();
        assert!(body.contains_key("full_name"), "{body:?}");
        let next = completed_body(
            &body,
            r#"{"ok": false, "error": "rank must be one of master, mate, bosun"}"#,
            &none,
        )
        .unwrap();
        assert_eq!(next["rank"], "master");
        let marshmallow = completed_body(
            &empty,
            r#"{"errors": {"json": {"title": ["Missing data for required field."]}}}"#,
            &none,
        )
        .unwrap();
        assert!(
            marshmallow.contains_key("title") && !marshmallow.contains_key("json"),
            "{marshmallow:?}"
        );
        let allowed = completed_body(
            &empty,
            "nothing to update; allowed: rank, phone, email, notes",
            &none,
        )
        .unwrap();
        assert_eq!(allowed.keys().collect::<Vec<_>>(), ["notes"]);
        assert!(completed_body(&empty, r#"{"error": "not found"}"#, &none).is_none());
        // Flask-RESTful's reqparse: the field is the key, the sentence names none.
        let reqparse = completed_body(
            &empty,
            r#"{"message": {"phone": "Missing required parameter in the JSON body or the post body or the query string"}}"#,
            &none,
        )
        .unwrap();
        assert_eq!(reqparse.keys().collect::<Vec<_>>(), ["phone"]);
        // Pydantic v2 (flask-openapi3): the field is the last name of `loc`; the error's
        // own keys (`type`, `url`) are none.
        let pydantic = completed_body(
            &empty,
            r#"[{"type": "missing", "loc": ["desk"], "msg": "Field required", "input": {}, "url": "https://errors.pydantic.dev/2.9/v/missing"}, {"type": "missing", "loc": ["body", "starts_at"], "msg": "Field required"}]"#,
            &none,
        )
        .unwrap();
        let mut keys: Vec<&String> = pydantic.keys().collect();
        keys.sort();
        assert_eq!(keys, ["desk", "starts_at"]);
        // A value the scan saw under the field's last word.
        let imo = |n: &str| (n == "imo").then(|| Value::from("8801125"));
        let fixed = completed_body(&next, "vessel_imo must be a 7-digit IMO number", &imo).unwrap();
        assert_eq!(fixed["vessel_imo"], "8801125");
    }

    #[test]
    fn the_record_of_a_body_is_where_its_own_fields_are() {
        let mut jsonapi = serde_json::json!({"data": {"type": "vehicles", "id": "veh_1",
            "attributes": {"plate": "AB-12"}}});
        let m = jsonapi.as_object_mut().unwrap();
        let at = record_path(m);
        assert_eq!(at, ["data", "attributes"]);
        with_record(m, &at, |r| r.insert("x".into(), Value::from(1)));
        assert_eq!(jsonapi["data"]["attributes"]["x"], 1);
        let flat = serde_json::json!({"title": "t", "owner": {"id": 3}});
        assert!(record_path(flat.as_object().unwrap()).is_empty());
        let nested = serde_json::json!({"user": {"email": "e", "name": "n"}, "remember": true});
        assert_eq!(record_path(nested.as_object().unwrap()), ["user"]);
        // The answer's record: the object holding most of the body's fields.
        let answer =
            serde_json::json!({"data": {"id": "veh_1", "attributes": {"plate": "X", "vin": "V"}}});
        let (n, rec) = record_in(&answer, &["plate".to_owned()], 0).unwrap();
        assert_eq!((n, rec.get("vin")), (1, Some(&Value::from("V"))));
    }

    #[test]
    fn a_create_answer_names_its_id_for_the_collection() {
        let answer = serde_json::json!({"message": "Order created", "order_id": 4, "user_id": 2});
        assert_eq!(
            named_for_collection(&answer, "/api/orders").as_deref(),
            Some("4")
        );
        assert_eq!(
            named_for_collection(&serde_json::json!({"categoryId": "c-9"}), "/categories/new")
                .as_deref(),
            Some("c-9")
        );
        // The owner's id is not what was made.
        assert_eq!(
            named_for_collection(&serde_json::json!({"user_id": 2}), "/api/orders"),
            None
        );
    }

    #[test]
    fn a_natural_key_the_items_are_addressed_by_wins_over_a_plain_id() {
        let answer = serde_json::json!({"id": 27, "number": "INV-2024-0027", "owner_id": 2});
        assert_eq!(
            keyed_member(&answer, "number", "/api/v1/invoices").as_deref(),
            Some("INV-2024-0027")
        );
        assert_eq!(
            keyed_member(&answer, "invoice_number", "/api/v1/invoices").as_deref(),
            Some("INV-2024-0027")
        );
        // A key the answer does not hold leaves the plain id to the other rules.
        assert_eq!(keyed_member(&answer, "slug", "/api/v1/invoices"), None);
        assert_eq!(
            keyed_member(&answer, "invoice_id", "/api/v1/invoices"),
            None
        );
    }

    #[test]
    fn accounts_and_public_forms_are_not_creates_to_send_anonymously() {
        assert!(carries_a_password(
            &serde_json::json!({"email": "a@b.c", "newPassword": "x"})
        ));
        assert!(!carries_a_password(
            &serde_json::json!({"text": "hello", "title": "t"})
        ));
        for public in [
            "/api/feedback",
            "/contact",
            "/api/newsletter/subscribe",
            "/csp-report",
        ] {
            assert!(public_by_design_write(public), "{public}");
        }
        for private in [
            "/api/memos",
            "/api/cards",
            "/api/notes",
            "/api/events",
            "/api/tracks",
        ] {
            assert!(!public_by_design_write(private), "{private}");
        }
    }

    #[test]
    fn names_from_an_example_are_made_unique_per_write() {
        let mut body = serde_json::json!({
            "book_title": "bookTitle77",
            "email": "jane@example.com",
            "username": "spillcheck",
            "status": "active",
            "secret": "my secret",
            "filename": "a.txt",
            "author": {"full_name": "Jane Doe"},
            "genre_name": "Fiction",
        });
        let mut kept = body.clone();
        distinct(&mut kept, "k3x");
        assert_eq!(kept["email"], "jane@example.com");
        distinct_names(&mut body, "k3x");
        assert_eq!(body["book_title"], "bookTitle77k3x");
        assert_eq!(body["email"], "janek3x@example.com");
        assert_eq!(body["username"], "spillcheckk3x");
        assert_eq!(body["author"]["full_name"], "Jane Doek3x");
        assert_eq!(body["genre_name"], "Fiction");
        // What is no name stays: an enum's value, a secret, a file's name.
        assert_eq!(body["status"], "active");
        assert_eq!(body["secret"], "my secret");
        assert_eq!(body["filename"], "a.txt");
        // A run's suffix adds six characters: `spillcheck` and them fit twenty.
        let mut desk = serde_json::json!({"desk": "spillcheck"});
        distinct(&mut desk, "prspdpn7dy3s");
        assert_eq!(desk["desk"], "spillcheckprspdp");
        // The end of a span comes after its start.
        assert_eq!(
            (
                crate::discovery::field_value("starts_at", "string"),
                crate::discovery::field_value("ends_at", "string"),
                crate::discovery::field_value("day", "string"),
            ),
            (
                Value::from("2026-01-01"),
                Value::from("2026-01-02"),
                Value::from("2026-01-01")
            )
        );
    }

    fn op(m: &str, path: &str) -> Operation {
        Operation::new(m, path, Origin::Source)
    }

    #[test]
    fn an_update_of_the_own_account_keeps_its_identity() {
        let own = crate::probe::Own {
            emails: vec!["alice@example.org".into()],
            names: vec!["alice".into()],
            ..Default::default()
        };
        let mut body = serde_json::json!({"email": "spillcheck_x@example.com",
            "user_name": "spillcheck_x", "text": "spillcheck_x"});
        keep_identity(&mut body, &own);
        assert_eq!(
            body,
            serde_json::json!({"email": "alice@example.org", "user_name": "alice",
                "text": "spillcheck_x"})
        );
    }

    #[test]
    fn bodies_repaired_from_the_error() {
        let sent = serde_json::json!({"limit": 100, "note": "x"});
        let sent = sent.as_object().unwrap();
        let known = vec!["card_limit".to_owned(), "card_type".to_owned()];
        // The JSON answer escapes the quotes of the database's message.
        let error =
            r#"{"message": "syntax error at or near \"limit\"\nLINE 3: SET limit = 100.0"}"#;
        let fixed = repaired_body(sent, error, &known).unwrap();
        assert_eq!(fixed.get("card_limit"), Some(&serde_json::json!(100)));
        assert!(!fixed.contains_key("limit") && fixed.contains_key("note"));
        // No field named, or nothing left: no repair.
        assert!(repaired_body(sent, "internal error", &known).is_none());
        let only = serde_json::json!({"colour": 1});
        assert!(
            repaired_body(only.as_object().unwrap(), "unknown field 'colour'", &known).is_none()
        );
        let pg =
            "{\n  \"error\": \"column \\\"role\\\" of relation \\\"users\\\" does not exist\"}";
        let reg = serde_json::json!({"username": "u", "Role": "admin", "is_admin": true});
        let fixed = repaired_body(reg.as_object().unwrap(), pg, &[]).expect("role dropped");
        assert!(!fixed.contains_key("Role") && fixed.contains_key("is_admin"));
        // A named field with no known counterpart is dropped.
        let fixed = repaired_body(sent, "column 'note' does not exist", &known).unwrap();
        assert!(!fixed.contains_key("note") && fixed.contains_key("limit"));
        // Fields the schema does not take at all (marshmallow's answer for read-only and
        // unknown fields) are dropped, never renamed to another id-like field.
        let project = serde_json::json!({"id": 1, "owner_id": 2, "name": "p", "created_at": "x"});
        let known = vec!["project_id".to_owned(), "name".to_owned()];
        let error = r#"{"code": 422, "errors": {"json": {"created_at": ["Unknown field."], "id": ["Unknown field."], "owner_id": ["Unknown field."]}}}"#;
        let fixed = repaired_body(project.as_object().unwrap(), error, &known).unwrap();
        assert_eq!(
            fixed,
            *serde_json::json!({"name": "p"}).as_object().unwrap()
        );
    }

    #[test]
    fn side_effects_by_path() {
        for (m, path) in [
            ("GET", "/logout"),
            ("POST", "/api/auth/log-out"),
            ("GET", "/api/reset"),
            ("POST", "/api/admin/reset"),
            ("POST", "/admin/init-db"),
            ("GET", "/seed"),
            ("POST", "/api/init"),
            ("POST", "/api/v1/db/init"),
            ("GET", "/demo/init"),
            ("POST", "/api/tokens/revoke"),
            ("DELETE", "/api/notes/{id}"),
            ("POST", "/api/notes/{id}/delete"),
            ("POST", "/api/users/me/change-password"),
            ("PUT", "/account/password/update"),
            // Links the scan followed name the object by its value.
            ("GET", "/api/trips/2/archive"),
            (
                "GET",
                "/boards/3f2b6c1e-9a4d-4e8b-b1c2-0d9e8f7a6b5c/archive",
            ),
            ("GET", "/api/maintenance/reset-demo"),
        ] {
            assert!(side_effect(&op(m, path)).is_some(), "{m} {path}");
        }
        let mut me = op("PUT", "/api/me");
        me.body = Some(crate::discovery::body_from_fields(
            "application/json",
            &[("password".into(), "string".into())],
        ));
        assert!(side_effect(&me).is_some());
        // `POST /user {"username", "password"}` makes an account (a registration at the
        // caller's own path); the same fields beside the old password change it.
        let with = |m: &str, path: &str, fields: &[&str]| {
            let mut o = op(m, path);
            o.body = Some(crate::discovery::body_from_fields(
                "application/json",
                &fields
                    .iter()
                    .map(|f| ((*f).to_owned(), "string".to_owned()))
                    .collect::<Vec<_>>(),
            ));
            o
        };
        let signup = with("POST", "/user", &["username", "password"]);
        assert!(side_effect(&signup).is_none());
        assert!(crate::login::creates_account(&signup));
        let change = with("POST", "/user", &["username", "old_password", "password"]);
        assert!(side_effect(&change).is_some());
        assert!(!crate::login::creates_account(&change));
        assert!(side_effect(&with("PUT", "/user", &["username", "password"])).is_some());
        for (m, path) in [
            ("POST", "/reset-password"),
            ("POST", "/api/v1/forgot-password"),
            // A reset under the accounts' own paths is the recovery request.
            ("POST", "/auth/reset"),
            ("POST", "/api/auth/reset"),
            ("POST", "/api/transfer"),
            ("GET", "/api/users/{id}"),
            ("POST", "/api/login"),
            ("PATCH", "/api/notes/{id}"),
            ("GET", "/api/clearance-items"),
            // `init` under a collection makes one of its objects (an OTP token enrolled).
            ("POST", "/token/init"),
            ("POST", "/api/v2/payments/init"),
        ] {
            assert!(side_effect(&op(m, path)).is_none(), "{m} {path}");
        }
    }

    #[test]
    fn what_a_create_made_is_deleted_by_its_item_operation() {
        let probed = |m: &str, path: &str| Probed {
            op: op(m, path),
            path: path.to_owned(),
            user: None,
            anon: None,
        };
        let ops = vec![
            probed("POST", "/api/notes"),
            probed("DELETE", "/api/notes/{note_id}"),
            probed("DELETE", "/api/notes/{note_id}/tags/{tag}"),
        ];
        assert_eq!(
            delete_path(&probed("POST", "/api/notes/"), &ops, "17").as_deref(),
            Some("/api/notes/17")
        );
        assert_eq!(delete_path(&probed("POST", "/api/tags"), &ops, "3"), None);
        // Nested: under the collection the create was sent to, not the template's.
        let ops = vec![probed(
            "DELETE",
            "/households/{household_id}/items/{item_id}",
        )];
        let mut create = probed("POST", "/households/{household_id}/items");
        create.path = "/households/7/items".to_owned();
        assert_eq!(
            delete_path(&create, &ops, "9").as_deref(),
            Some("/households/7/items/9")
        );
    }

    #[test]
    fn bodies() {
        let mut o = op("POST", "/api/transfer");
        o.body = Some(crate::discovery::body_from_fields(
            "application/json",
            &[
                ("amount".into(), "number".into()),
                ("email".into(), "string".into()),
            ],
        ));
        let v = valid_body(&o, &SeenIds::default());
        assert_eq!(v["amount"], Value::from(1));
        assert!(v["email"].as_str().unwrap().ends_with("@example.com"));
        let bad = malformed_body(&o).unwrap();
        assert_eq!(bad["amount"], Value::from(MALFORMED));
        assert!(malformed_body(&op("POST", "/x")).is_none());
    }
}
