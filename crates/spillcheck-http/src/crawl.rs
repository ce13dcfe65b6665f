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

use crate::discovery::{Operation, Origin};
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
pub(crate) async fn blind(p: &Probe) -> (Vec<Operation>, Vec<String>) {
    let mut unsent = Vec::new();
    let mut tried: BTreeSet<String> = BTreeSet::new();
    let mut found: Vec<Operation> = Vec::new();
    // Pages, then the links they hold, one level further.
    let mut pages: Vec<String> = ROOTS.iter().map(|r| (*r).to_owned()).collect();
    for depth in 0..2 {
        let mut next = Vec::new();
        for path in std::mem::take(&mut pages).into_iter().take(MAX_PAGES) {
            if !tried.insert(path.clone()) {
                continue;
            }
            if let Some(why) = side_effect_of(&path) {
                unsent.push(format!("GET {path} ({why})"));
                continue;
            }
            let Some(ex) = get(p, &path).await else {
                continue;
            };
            allowed(&mut found, &path, &ex.response);
            if !exists(p, &ex.response) {
                continue;
            }
            if path != "/" {
                keep(&mut found, &path);
            }
            if depth == 0 {
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
                    keep(&mut found, &collection);
                    ex.response.json().and_then(|j| first_id(&j))
                }
                Some(ex) => {
                    allowed(&mut found, &collection, &ex.response);
                    None
                }
                None => None,
            };
            let items: Vec<(&str, String)> = if *noun == "me" {
                Vec::new()
            } else if crate::authz::names_user("id", &format!("{collection}/")) {
                mine.clone()
            } else {
                listed.map(|v| ("id", v)).into_iter().collect()
            };
            for (name, value) in items {
                let path = format!("{collection}/{}", crate::discovery::encode_segment(&value));
                if !tried.insert(path.clone()) {
                    continue;
                }
                if let Some(ex) = get(p, &path).await
                    && exists(p, &ex.response)
                    && !found
                        .iter()
                        .any(|o| o.path == format!("{collection}/{{{name}}}"))
                {
                    let mut op =
                        Operation::new("GET", &format!("{collection}/{{{name}}}"), Origin::Seen);
                    for param in &mut op.params {
                        param.example = Some(serde_json::Value::from(value.clone()));
                    }
                    found.push(op);
                }
            }
        }
    }
    found.truncate(MAX_OPS);
    (found, unsent)
}

/// The first record id of a listing (`[{"id": 3, …}]`, `{"items": [{"id": 3}]}`).
fn first_id(json: &serde_json::Value) -> Option<String> {
    crate::authz::records(json)
        .iter()
        .find_map(|r| r.get("id"))
        .map(crate::discovery::value_text)
        .filter(|v| !v.is_empty())
}

/// Why a GET of `path` would change something (a logout, a reset): never sent.
fn side_effect_of(path: &str) -> Option<String> {
    crate::writes::side_effect(&Operation::new("GET", path, Origin::Seen)).map(str::to_owned)
}

/// A GET as user A, or anonymously without one.
async fn get(p: &Probe, path: &str) -> Option<std::sync::Arc<crate::engine::Exchange>> {
    match &p.user {
        Some(a) => p
            .send_as(a, p.request("user A", Method::GET, path))
            .await
            .ok(),
        None => p.anon(p.request("anonymous", Method::GET, path)).await.ok(),
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
            (l.starts_with('/') && !l.contains("/static/") && l.len() > 1).then_some(l)
        })
        .collect()
}

/// Keeps `path` as an operation of its shape (`/users/7` is `GET /users/{id}`), once.
fn keep(found: &mut Vec<Operation>, path: &str) {
    let op = crate::probe::seen_operation(path);
    if !found.iter().any(|o| o.path == op.path) {
        found.push(op);
    }
}

/// The other methods a 405 answer to a GET of `path` allows (`Allow: POST, OPTIONS`), kept
/// as operations of its shape; the writes among them are sent only with `--allow-writes`.
fn allowed(found: &mut Vec<Operation>, path: &str, r: &crate::engine::Response) {
    if r.status != 405 {
        return;
    }
    let Some(allow) = r.header("allow") else {
        return;
    };
    let shape = crate::probe::seen_operation(path);
    for method in allow.split(',').map(|m| m.trim().to_ascii_uppercase()) {
        if !matches!(method.as_str(), "POST" | "PUT" | "PATCH" | "DELETE") {
            continue;
        }
        let mut op = Operation::new(&method, &shape.path, Origin::Seen);
        op.params.clone_from(&shape.params);
        if crate::writes::side_effect(&op).is_none()
            && !found
                .iter()
                .any(|o| o.method == op.method && o.path == op.path)
        {
            found.push(op);
        }
    }
}
