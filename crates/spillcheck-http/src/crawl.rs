//! Discovery without a description or source: what a tester does by hand with only a URL
//! and an account. The front page and the usual API roots are read as user A, and the
//! same-site links they hold (HTML `href`s, JSON links) are followed one level further;
//! the usual collections (`/users`, `/api/accounts`...) and their items (`/users/{id}`,
//! with A's own id) are asked once. What answers (anything but a 404, a 405 or the app's
//! own not-found page) is an operation; a 405 names the methods the path takes in its
//! `Allow` header (Flask sends it), which are operations too (`POST /api/transfers`), for
//! the writes to try with `--allow-writes`. GETs with side effects (a logout, a reset, a
//! database seed) are never sent.

use std::collections::BTreeSet;

use reqwest::Method;

use crate::discovery::{Operation, Origin, ParamIn};
use crate::probe::Probe;

/// Pages read first: the front page and the usual API roots.
const ROOTS: &[&str] = &["/", "/api", "/api/v1", "/api/v2", "/v1"];

/// Prefixes the usual collections are tried under.
const PREFIXES: &[&str] = &["", "/api", "/api/v1"];

/// The usual collections of an API that keeps users' records.
const NOUNS: &[&str] = &[
    "users",
    "user",
    "accounts",
    "account",
    "customers",
    "profile",
    "profiles",
    "me",
    "orders",
    "notes",
    "posts",
    "items",
    "products",
    "transactions",
    "books",
    "documents",
    "messages",
    "cards",
    "payments",
    "transfers",
    "invoices",
    "projects",
    "tasks",
    "tickets",
    "teams",
    "groups",
    "members",
    "people",
    "contacts",
    "comments",
    "files",
    "events",
    "reports",
    "records",
    "appointments",
    "bookings",
    "timesheets",
    "expenses",
    "admin",
];

/// At most this many pages are read for their links, and this many operations kept.
const MAX_PAGES: usize = 30;
const MAX_OPS: usize = 60;

/// Operations found by reading the site as user A (anonymously without one).
pub(crate) async fn blind(p: &Probe) -> (Vec<Operation>, Vec<String>, Vec<Operation>) {
    let mut unsent = Vec::new();
    let mut tried: BTreeSet<String> = BTreeSet::new();
    let mut found: Vec<Operation> = Vec::new();
    let mut described_at: Option<String> = None;
    let mut unnamed: Vec<String> = Vec::new();
    // Pages, then the links they hold, one level further; an API's own index linked from
    // the front page (`/` → `/v2`) is read for its links too.
    let mut pages: Vec<String> = ROOTS.iter().map(|r| (*r).to_owned()).collect();
    for depth in 0..3 {
        let mut next = Vec::new();
        for path in std::mem::take(&mut pages).into_iter().take(MAX_PAGES) {
            if !tried.insert(path.clone()) {
                continue;
            }
            // A link template (`/api/patients/{code}`) is an operation; its values come
            // from the listings.
            if let Some(op) = crate::discovery::template_operation(&path) {
                if !found.iter().any(|o| o.path == op.path) {
                    found.push(op);
                }
                continue;
            }
            if let Some(why) = side_effect_of(&path) {
                unsent.push(format!("GET {path} ({why})"));
                continue;
            }
            let Some(ex) = get(p, &path).await else {
                continue;
            };
            allowed(&mut found, &mut unnamed, &path, &ex.response);
            if !exists(p, &ex.response) {
                continue;
            }
            // A linked API description (an index's `describedby`, `/v2/openapi.yaml`): its
            // operations, bodies and all.
            if ex.response.ok()
                && let Ok(described) = crate::discovery::parse_openapi(&ex.response.text())
                && !described.is_empty()
            {
                described_at.get_or_insert(path.clone());
                for op in described {
                    if !found
                        .iter()
                        .any(|o| o.method == op.method && o.path == op.path)
                    {
                        found.push(op);
                    }
                }
                continue;
            }
            if path != "/" {
                keep(&mut found, &path, &p.own.names);
            }
            // One level further only from an API's own index (`/v2`, `/api`), not from a
            // collection (its items' links are learnt once their template is known).
            if depth == 0 || depth == 1 && ex.response.json().is_some() && api_root(&path) {
                next.extend(links_of(p, &ex.response));
            }
        }
        pages = next;
    }
    // The usual collections and their items: a person's by A's own id or name, others by
    // the first id the collection lists.
    let mine: Vec<(&str, String)> = p
        .own
        .ids
        .iter()
        .take(1)
        .map(|v| ("id", v.clone()))
        .chain(p.own.names.iter().take(1).map(|v| ("username", v.clone())))
        .collect();
    for prefix in PREFIXES {
        for noun in NOUNS {
            if found.len() >= MAX_OPS {
                break;
            }
            let collection = format!("{prefix}/{noun}");
            if !tried.insert(collection.clone()) {
                continue;
            }
            let listed = match get(p, &collection).await {
                Some(ex) if exists(p, &ex.response) => {
                    keep(&mut found, &collection, &p.own.names);
                    required_queries(&mut found, &collection, &ex.response);
                    ex.response.json().and_then(|j| first_key(&j))
                }
                Some(ex) => {
                    allowed(&mut found, &mut unnamed, &collection, &ex.response);
                    None
                }
                None => None,
            };
            let items: Vec<(&str, String)> = if *noun == "me" {
                Vec::new()
            } else if crate::authz::names_user("id", &format!("{collection}/")) {
                mine.clone()
            } else {
                listed.into_iter().collect()
            };
            let shape = Operation::new("GET", &collection, Origin::Seen);
            for (name, value) in items {
                item(
                    p,
                    &mut found,
                    &mut tried,
                    (&shape, &collection),
                    name,
                    &value,
                )
                .await;
            }
        }
    }
    // The collections the links led to: their items, by the first record's key. A
    // collection under a user (`/api/users/{username}/logbooks`) is read as A's own.
    let linked: Vec<(Operation, String)> = found
        .iter()
        .filter(|o| o.method == "GET")
        .filter_map(|o| {
            let mut o = o.clone();
            let concrete = own_collection(p, &mut o)?;
            Some((o, concrete))
        })
        .collect();
    for (collection, concrete) in linked {
        if found.len() >= MAX_OPS {
            break;
        }
        let Some(ex) = get(p, &concrete).await else {
            continue;
        };
        required_queries(&mut found, &collection.path, &ex.response);
        let Some(json) = ex.response.json() else {
            continue;
        };
        let key = linked_key(&json, &concrete).or_else(|| {
            let (name, value) = first_key(&json)?;
            Some((name.to_owned(), value))
        });
        if let Some((name, value)) = key {
            item(
                p,
                &mut found,
                &mut tried,
                (&collection, &concrete),
                &name,
                &value,
            )
            .await;
        }
    }
    ask_options(p, &mut found, &unnamed).await;
    // The writes each path takes, as its `OPTIONS` answer names them (Flask answers every
    // route's `OPTIONS` with an `Allow` header): `PUT /api/docs/{slug}`, `POST /api/docs`.
    let reads: Vec<Operation> = found
        .iter()
        .filter(|o| o.method == "GET")
        .cloned()
        .collect();
    for read in reads {
        if found.len() >= MAX_OPS {
            break;
        }
        if let Some(ex) = send(p, Method::OPTIONS, &read.example_path()).await
            && ex.response.ok()
        {
            allowed_at(&mut found, &read, &ex.response);
        }
    }
    merge_same_shape(&mut found);
    match &described_at {
        Some(at) => p.diagnose(
            spillcheck_core::DiagnosticLevel::Warning,
            format!("using the API description linked at {at}"),
        ),
        None => found.truncate(MAX_OPS),
    }
    // The writes with side effects an `Allow` header named, and the described operations
    // with side effects, set aside (the GETs read above were checked before they were sent).
    let (mut kept, mut aside) = (Vec::new(), Vec::new());
    for op in found {
        let why = crate::writes::side_effect(&op).map(str::to_owned);
        match why {
            Some(why) => {
                unsent.push(format!("{} {} ({why})", op.method, op.path));
                aside.push(op);
            }
            None => kept.push(op),
        }
    }
    (kept, unsent, aside)
}

/// One operation per method and path shape: a linked description's
/// `/v2/shipments/{shipment_id}` and the links' `/v2/shipments/{id}` are one operation,
/// tested once. The described one is kept (its bodies and schemas), with the values the
/// links showed for its parameters (real records, where a description's examples are often
/// placeholders).
fn merge_same_shape(found: &mut Vec<Operation>) {
    fn shape(path: &str) -> String {
        path.trim_end_matches('/')
            .split('/')
            .map(|s| if s.starts_with('{') { "{}" } else { s })
            .collect::<Vec<_>>()
            .join("/")
    }
    let mut kept: Vec<Operation> = Vec::with_capacity(found.len());
    for op in std::mem::take(found) {
        let key = shape(&op.path);
        let Some(at) = kept
            .iter()
            .position(|k| k.method == op.method && shape(&k.path) == key)
        else {
            kept.push(op);
            continue;
        };
        let (mut keep, other) = if kept[at].origin == Origin::Seen && op.origin != Origin::Seen {
            (op, kept.remove(at))
        } else {
            (kept.remove(at), op)
        };
        // Parameters paired by their place in the path.
        let names = crate::discovery::path_params;
        for (mine, theirs) in names(&keep.path).iter().zip(names(&other.path)) {
            let value = other
                .path_params()
                .find(|x| x.name == theirs)
                .and_then(|x| x.example.clone());
            if let Some(param) = keep
                .params
                .iter_mut()
                .find(|x| x.location == ParamIn::Path && &x.name == mine)
                && (param.example.is_none() || other.origin == Origin::Seen)
                && value.is_some()
            {
                param.example = value;
            }
        }
        kept.insert(at, keep);
    }
    *found = kept;
}

/// Tries `{collection}/{value}` (a record's key in the listing); an item that answers is
/// the operation `GET {collection}/{name}`, with the value as its example.
async fn item(
    p: &Probe,
    found: &mut Vec<Operation>,
    tried: &mut BTreeSet<String>,
    (collection, concrete): (&Operation, &str),
    name: &str,
    value: &str,
) {
    let template = format!("{}/{{{name}}}", collection.path);
    let path = format!("{concrete}/{}", crate::discovery::encode_segment(value));
    if !tried.insert(path.clone()) || found.iter().any(|o| o.path == template) {
        return;
    }
    if let Some(ex) = get(p, &path).await
        && exists(p, &ex.response)
    {
        let mut op = Operation::new("GET", &template, Origin::Seen);
        for param in &mut op.params {
            // The collection's own parameters keep the values it was read with.
            param.example = collection
                .params
                .iter()
                .find(|x| x.name == param.name)
                .and_then(|x| x.example.clone())
                .or_else(|| Some(serde_json::Value::from(value.to_owned())));
        }
        found.push(op);
    }
}

/// The concrete path of a collection found: itself without path parameters; under a user
/// (`/api/users/{username}/logbooks`) A's own name or id there, also set as the
/// parameter's example. `None` for other parameters.
fn own_collection(p: &Probe, op: &mut Operation) -> Option<String> {
    let mut values = std::collections::BTreeMap::new();
    for param in op.params.iter_mut().filter(|x| x.location == ParamIn::Path) {
        let prefix = op
            .path
            .split(&format!("{{{}}}", param.name))
            .next()
            .unwrap_or("");
        if !crate::authz::names_user(&param.name, prefix) {
            return None;
        }
        let value = crate::authz::identity_value(&p.own, &param.name)?;
        param.example = Some(serde_json::Value::from(value.clone()));
        values.insert(param.name.clone(), value);
    }
    Some(crate::discovery::render_path(&op.path, &values))
}

/// The key a listing's records are linked by (`{"seq": 2, "href": "/api/users/alice/
/// logbooks/2"}`): the member whose value is the last segment of the record's own link
/// under the listing's path, and that value.
fn linked_key(json: &serde_json::Value, concrete: &str) -> Option<(String, String)> {
    const LINK: &[&str] = &["href", "self", "url", "link", "uri"];
    fn walk(v: &serde_json::Value, concrete: &str, depth: usize) -> Option<(String, String)> {
        if depth > 4 {
            return None;
        }
        match v {
            serde_json::Value::Array(a) => a.iter().take(20).find_map(|x| {
                let m = x.as_object()?;
                let mut links = Vec::new();
                crate::inspect::visit(x, &mut |k, v| {
                    if let Some(s) = v.as_str()
                        && LINK.contains(&k)
                    {
                        links.push(s.to_owned());
                    }
                });
                links.iter().find_map(|l| {
                    let path = l.split(['?', '#']).next().unwrap_or(l);
                    let at = path.find(concrete)?;
                    let seg = path[at + concrete.len()..].strip_prefix('/')?;
                    if seg.is_empty() || seg.contains('/') {
                        return None;
                    }
                    let (k, _) = m.iter().find(|(k, v)| {
                        (v.is_string() || v.is_number())
                            && crate::discovery::value_text(v) == seg
                            && !LINK.contains(&k.as_str())
                    })?;
                    Some((k.clone(), seg.to_owned()))
                })
            }),
            serde_json::Value::Object(m) => m.values().find_map(|x| walk(x, concrete, depth + 1)),
            _ => None,
        }
    }
    walk(json, concrete, 0)
}

/// The key of a listing's first record and its value: its `id`, else its `uuid` or `slug`
/// (`[{"id": 3, …}]`, `{"items": [{"slug": "d_8fk2a"}]}`).
fn first_key(json: &serde_json::Value) -> Option<(&'static str, String)> {
    fn walk(v: &serde_json::Value, depth: usize) -> Option<(&'static str, String)> {
        if depth > 4 {
            return None;
        }
        match v {
            serde_json::Value::Array(a) => a.iter().take(20).find_map(|x| {
                let m = x.as_object()?;
                ["id", "uuid", "slug"].into_iter().find_map(|k| {
                    let v = crate::discovery::value_text(m.get(k)?);
                    (!v.is_empty() && !v.contains(['/', ' ', '?', '#'])).then_some((k, v))
                })
            }),
            serde_json::Value::Object(m) => m.values().find_map(|x| walk(x, depth + 1)),
            _ => None,
        }
    }
    walk(json, 0)
}

/// The query parameters a 400/422 answer to a bare GET says are missing
/// (`{"message": {"doc": "Missing required parameter in the query string"}}` from
/// Flask-RESTful's reqparse, `{"errors": {"query": {"doc": ["Missing data for required
/// field."]}}}` from webargs): kept as required query parameters of the operation.
fn required_queries(found: &mut [Operation], path: &str, r: &crate::engine::Response) {
    if !matches!(r.status, 400 | 422) {
        return;
    }
    let Some(json) = r.json() else { return };
    let mut names = Vec::new();
    missing_names(&json, 0, &mut names);
    let Some(op) = found
        .iter_mut()
        .find(|o| o.method == "GET" && o.path == path)
    else {
        return;
    };
    for name in names {
        if !op.params.iter().any(|x| x.name == name) {
            op.params.push(crate::discovery::Param {
                name,
                location: ParamIn::Query,
                example: None,
                kind: None,
                required: true,
                collection: None,
                pattern: None,
            });
        }
    }
}

/// Keys whose message says a value is missing or required.
fn missing_names(v: &serde_json::Value, depth: usize, out: &mut Vec<String>) {
    const WRAPPERS: &[&str] = &[
        "message",
        "messages",
        "error",
        "errors",
        "detail",
        "details",
        "query",
        "args",
        "querystring",
        "json",
        "body",
        "form",
        "description",
    ];
    let Some(m) = v.as_object().filter(|_| depth <= 3) else {
        return;
    };
    for (k, x) in m {
        let says_missing = |s: &str| {
            let s = s.to_ascii_lowercase();
            s.contains("missing") || s.contains("required")
        };
        let text = match x {
            serde_json::Value::String(s) => says_missing(s),
            serde_json::Value::Array(a) => a.iter().filter_map(|e| e.as_str()).any(says_missing),
            _ => false,
        };
        let plain = !k.is_empty()
            && k.len() <= 40
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if text && plain && !WRAPPERS.contains(&k.to_ascii_lowercase().as_str()) {
            if !out.contains(k) && out.len() < 4 {
                out.push(k.clone());
            }
        } else {
            missing_names(x, depth + 1, out);
        }
    }
}

/// Why a GET of `path` would change something (a logout, a reset): never sent.
fn side_effect_of(path: &str) -> Option<String> {
    crate::writes::side_effect(&Operation::new("GET", path, Origin::Seen)).map(str::to_owned)
}

/// Whether a path is an API's root: its last segment is `api` or a version (`/v2`,
/// `/api/v1`).
fn api_root(path: &str) -> bool {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .is_some_and(|s| s == "api" || crate::inventory::version_digits(s).is_some())
}

/// A GET as user A, or anonymously without one.
async fn get(p: &Probe, path: &str) -> Option<std::sync::Arc<crate::engine::Exchange>> {
    send(p, Method::GET, path).await
}

/// A request as user A, or anonymously without one.
async fn send(
    p: &Probe,
    method: Method,
    path: &str,
) -> Option<std::sync::Arc<crate::engine::Exchange>> {
    match &p.user {
        Some(a) => p.send_as(a, p.request("user A", method, path)).await.ok(),
        None => p.anon(p.request("anonymous", method, path)).await.ok(),
    }
}

/// Whether an answer says the route exists: anything but a 404, a 405 or the app's own
/// page for a path that names nothing.
fn exists(p: &Probe, r: &crate::engine::Response) -> bool {
    !(matches!(r.status, 404 | 405 | 501) || r.ok() && p.not_found.matches(r))
}

/// The same-site links of a page (HTML `href`s) or a JSON answer, as paths under the
/// scan's base.
fn links_of(p: &Probe, r: &crate::engine::Response) -> Vec<String> {
    let links = match r.json() {
        Some(json) => crate::discovery::links(&json, &p.base),
        None => crate::inspect::page_links(r),
    };
    let base = p.base.path().trim_end_matches('/');
    links
        .into_iter()
        .filter_map(|l| {
            let l = l.strip_prefix(base).unwrap_or(&l).to_owned();
            // Static files are no operations, except an API description served there.
            let description = {
                let lower = l.to_ascii_lowercase();
                lower.contains("openapi") || lower.contains("swagger")
            };
            (l.starts_with('/') && (!l.contains("/static/") || description) && l.len() > 1)
                .then_some(l)
        })
        .collect()
}

/// Keeps `path` as an operation of its shape (`/users/7` is `GET /users/{id}`), once.
fn keep(found: &mut Vec<Operation>, path: &str, names: &[String]) {
    let known: Vec<String> = found.iter().map(|o| o.path.clone()).collect();
    let op = crate::probe::seen_operation_under_named(path, &known, names);
    if !found.iter().any(|o| o.path == op.path) {
        found.push(op);
    }
}

/// The other methods a 405 answer to a GET of `path` allows (`Allow: POST, OPTIONS`), kept
/// as operations of its shape; the writes among them are sent only with `--allow-writes`.
/// A 405 that names no methods (an app's own 405 handler drops `Allow`) is kept in
/// `unnamed`, to be asked with `OPTIONS`.
fn allowed(
    found: &mut Vec<Operation>,
    unnamed: &mut Vec<String>,
    path: &str,
    r: &crate::engine::Response,
) {
    if r.status != 405 {
        return;
    }
    if r.header("allow").is_none() {
        if !unnamed.iter().any(|u| u == path) && unnamed.len() < 16 {
            unnamed.push(path.to_owned());
        }
        return;
    }
    allowed_at(found, &crate::probe::seen_operation(path), r);
}

/// The paths whose 405 named no methods, asked with `OPTIONS` (Flask answers it with
/// `Allow` whatever the app's 405 page does); a path that names none there either takes
/// a POST (what a GET's 405 most often means: a login, a creation).
async fn ask_options(p: &Probe, found: &mut Vec<Operation>, unnamed: &[String]) {
    for path in unnamed {
        let shape = crate::probe::seen_operation(path);
        if let Some(ex) = send(p, Method::OPTIONS, path).await
            && ex.response.ok()
            && ex.response.header("allow").is_some()
        {
            allowed_at(found, &shape, &ex.response);
            continue;
        }
        keep_new(found, write_of("POST", &shape));
    }
}

/// The writes an `Allow` header names, kept as operations of `shape`'s path (its
/// parameters' examples kept).
fn allowed_at(found: &mut Vec<Operation>, shape: &Operation, r: &crate::engine::Response) {
    for op in allowed_writes(shape, r) {
        // Those with side effects too (`DELETE /api/session`, a logout): the scan sets
        // them aside ([`blind`]), and SC263 sends a logout last.
        keep_new(found, op);
    }
}

/// Adds `op` unless an operation of its method and path is there already.
fn keep_new(found: &mut Vec<Operation>, op: Operation) {
    if !found
        .iter()
        .any(|o| o.method == op.method && o.path == op.path)
    {
        found.push(op);
    }
}

/// A write of `method` at `shape`'s path, with its parameters (their examples kept).
fn write_of(method: &str, shape: &Operation) -> Operation {
    let mut op = Operation::new(method, &shape.path, Origin::Seen);
    op.params.clone_from(&shape.params);
    op
}

/// The writes (`POST`, `PUT`, `PATCH`, `DELETE`) an answer's `Allow` header names, as
/// operations of `shape`'s path with its parameters (their examples kept).
pub(crate) fn allowed_writes(shape: &Operation, r: &crate::engine::Response) -> Vec<Operation> {
    let Some(allow) = r.header("allow") else {
        return Vec::new();
    };
    allow
        .split(',')
        .map(|m| m.trim().to_ascii_uppercase())
        .filter(|m| matches!(m.as_str(), "POST" | "PUT" | "PATCH" | "DELETE"))
        .map(|method| write_of(&method, shape))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_an_apis_own_index_is_read_one_level_further() {
        assert!(super::api_root("/v2") && super::api_root("/api") && super::api_root("/api/v1/"));
        assert!(!super::api_root("/api/v1/notebooks") && !super::api_root("/"));
    }

    use super::*;
    use serde_json::json;

    #[test]
    fn a_described_operation_and_a_linked_one_of_the_same_shape_are_one() {
        let mut described = Operation::new("PATCH", "/v2/shipments/{shipment_id}", Origin::OpenApi);
        described.params[0].example = Some(json!("shp_7Kq2"));
        let mut linked = Operation::new("PATCH", "/v2/shipments/{id}", Origin::Seen);
        linked.params[0].example = Some(json!("shp_Real01"));
        let other = Operation::new("GET", "/v2/shipments/{id}", Origin::Seen);
        let mut found = vec![linked, other, described];
        merge_same_shape(&mut found);
        assert_eq!(found.len(), 2);
        let kept = found.iter().find(|o| o.method == "PATCH").unwrap();
        assert_eq!(kept.path, "/v2/shipments/{shipment_id}");
        assert_eq!(kept.origin, Origin::OpenApi);
        // The value the server showed, not the description's placeholder.
        assert_eq!(kept.params[0].example, Some(json!("shp_Real01")));
    }

    #[test]
    fn a_listings_records_are_keyed_by_what_their_own_links_end_in() {
        let listing = json!({"ok": true, "data": {"logbooks": [
            {"seq": 2, "title": "Summer", "href": "/api/users/alice/logbooks/2"}]}});
        assert_eq!(
            linked_key(&listing, "/api/users/alice/logbooks"),
            Some(("seq".to_owned(), "2".to_owned()))
        );
        assert_eq!(linked_key(&listing, "/api/crew"), None);
    }

    #[test]
    fn a_listing_names_its_records_by_id_else_uuid_or_slug() {
        assert_eq!(
            first_key(&json!({"items": [{"id": 3, "slug": "x"}]})),
            Some(("id", "3".to_owned()))
        );
        assert_eq!(
            first_key(&json!({"result": [{"slug": "d_8fk2a", "owner_id": 1}]})),
            Some(("slug", "d_8fk2a".to_owned()))
        );
        assert_eq!(first_key(&json!({"result": [{"name": "a b"}]})), None);
    }

    #[test]
    fn a_400_names_the_query_parameters_it_misses() {
        let mut names = Vec::new();
        missing_names(
            &json!({"message": {"doc": "Missing required parameter in the query string"}}),
            0,
            &mut names,
        );
        missing_names(
            &json!({"errors": {"query": {"note": ["Missing data for required field."]}}}),
            0,
            &mut names,
        );
        // A message that is not about a missing value names nothing.
        missing_names(
            &json!({"error": "not found", "detail": "bad"}),
            0,
            &mut names,
        );
        assert_eq!(names, ["doc", "note"]);
    }
}
