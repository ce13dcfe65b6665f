//! `SC270` undocumented-endpoint: the rule's metadata, documentation and check.
//!
//! Read from the API inventory (`crate::inventory`): code, description, live answers.

use spillcheck_core::{Confidence, Finding, OwaspApi, Severity, declare_rule};

use crate::inventory::{CodeAuth, Inventory, Live, Row, infrastructure};

declare_rule! {
    /// ## What it finds
    /// A shadow endpoint: an operation the code serves (or the running API answers) that the API description does not document, in the part of the API the description covers (`/api/...` when it documents `/api/...`).
    ///
    /// ## Why it matters
    /// What is not documented is not reviewed, tested or monitored: debug, admin and leftover routes hide there, and gateways, scanners and client teams that trust the description never see them (API9:2023, improper inventory management). Worse when the endpoint needs no token or returns personal data.
    ///
    /// ## Example
    /// ```python
    /// @app.get("/api/debug/config")      # not in openapi.json
    /// def debug_config():
    ///     return jsonify(dict(app.config))
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Compared only when the description is this code's (it documents operations of which the
    /// code serves at least half) and only under the first path segments it documents, so
    /// browser pages beside a documented `/api` are not shadow endpoints. The description's own
    /// routes, docs UIs, static files and health checks are never reported, nor `TRACE`/`CONNECT`
    /// methods a catch-all route accepts, nor a route whose live answer redirects (same origin, same method) to a documented operation: an alias of it (`/links/3` → `/links/3/0`; the code alone cannot tell). `confirmed` when the running API answered the route,
    /// `likely` from the code alone. A relay (its last parameter takes the rest of the path,
    /// `<path:rest>`, and the code hands it to an HTTP client: a proxy to another service's
    /// API) is `possible` whatever answered: the API it serves is described by that service.
    /// High severity when the route has no authentication in an app
    /// that authenticates others (sign-in and recovery routes are open by design), or when its
    /// path names debug, admin, internal or test tooling, or when another finding on the route
    /// (SC140, SC141, SC230, SC231) shows it returns personal or secret fields; medium otherwise.
    ///
    /// ## Fix
    /// Document the operation (with its security requirement) or remove it; generate the
    /// description from the code (APIFairy, flask-smorest, Connexion) so they cannot drift.
    pub static SC270 = {
        id: "SC270",
        slug: "undocumented-endpoint",
        title: "Endpoint missing from the API description",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[1059],
        owasp: &[OwaspApi::Api9],
        fix: "Document the operation in the API description (with its security requirement) or remove it.",
    }
}

/// Path words that name tooling nobody should reach by accident.
const TOOLING: &[&str] = &[
    "debug", "admin", "internal", "test", "dev", "console", "config", "env", "dump", "backup",
    "private", "hidden", "legacy", "old",
];

/// Routes meant to be reached without a token: sign-in, sign-up and recovery flows.
fn auth_flow(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    [
        "login", "logout", "signin", "signup", "register", "token", "forgot", "reset", "password",
        "verify", "confirm", "oauth", "callback", "refresh",
    ]
    .iter()
    .any(|w| p.contains(w))
}

/// The longest documented path that is a prefix (by segments) of `path`.
fn documented_parent(inv: &Inventory, path: &str) -> Option<String> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    (2..segments.len()).rev().find_map(|n| {
        let prefix = segments[..n].join("/");
        let normalized = spillcheck_core::correlate::normalize_template(&prefix);
        inv.rows
            .iter()
            .any(|r| {
                r.spec.is_some()
                    && spillcheck_core::correlate::normalize_template(&r.path)
                        .starts_with(&normalized)
            })
            .then_some(prefix)
    })
}

pub(crate) fn check(inv: &Inventory) -> Vec<Finding> {
    let candidates: Vec<&Row> = inv
        .rows
        .iter()
        .filter(|row| {
            row.spec.is_none()
                && row.served()
                && !infrastructure(&row.path)
                // A redirect to a documented operation is that operation's alias.
                && !matches!(row.live, Some(Live::Answers { alias: true, .. }))
                && inv.in_described_space(&row.path)
                // The page of a documented form (`GET /login` beside a documented
                // `POST /login`) is for browsers, not part of the API.
                && !(row.method == "GET"
                    && inv.rows.iter().any(|o| {
                        o.spec.is_some()
                            && o.method != "GET"
                            && spillcheck_core::correlate::normalize_template(&o.path)
                                == spillcheck_core::correlate::normalize_template(&row.path)
                    }))
        })
        .collect();
    // Several undocumented operations under one documented parent of two segments or more
    // (`/latest/meta-data/…`) are one finding: the parent's documentation is incomplete.
    let mut groups: std::collections::BTreeMap<String, Vec<&Row>> =
        std::collections::BTreeMap::new();
    let mut single: Vec<&Row> = Vec::new();
    for row in &candidates {
        match documented_parent(inv, &row.path) {
            Some(parent) if parent.matches('/').count() >= 2 => {
                groups.entry(parent).or_default().push(row);
            }
            _ => single.push(row),
        }
    }
    for (_, rows) in groups.iter().filter(|(_, rows)| rows.len() < 2) {
        single.extend(rows.iter().copied());
    }
    let mut out: Vec<Finding> = single.into_iter().map(|r| finding(inv, r)).collect();
    for (parent, rows) in groups.into_iter().filter(|(_, rows)| rows.len() >= 2) {
        let names: Vec<String> = rows
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        let mut f = finding(inv, rows[0]);
        f.message = format!(
            "{} operations under `{parent}/` are served but not in the API description: {}",
            rows.len(),
            names.join(", ")
        );
        if rows.iter().any(|r| is_open(inv, r) || is_tooling(r)) {
            f.severity = Severity::High;
        }
        if rows.iter().all(|r| r.live_answers()) {
            f.confidence = Confidence::Confirmed;
        }
        if rows.iter().all(|r| relays(r)) {
            f.confidence = Confidence::Possible;
        }
        out.push(f.with_key(parent));
    }
    out
}

fn is_open(inv: &Inventory, row: &Row) -> bool {
    let open = row.code.as_ref().is_some_and(|c| c.auth == CodeAuth::Open)
        || matches!(row.live, Some(Live::Answers { anonymous: Some(s), .. }) if (200..300).contains(&s));
    open && inv.authenticates && !auth_flow(&row.path)
}

fn is_tooling(row: &Row) -> bool {
    row.path.split('/').any(|s| {
        let s = s.to_ascii_lowercase();
        TOOLING
            .iter()
            .any(|w| s == *w || s.starts_with(&format!("{w}_")) || s.starts_with(&format!("{w}-")))
    })
}

fn finding(inv: &Inventory, row: &Row) -> Finding {
    let (open, tooling) = (is_open(inv, row), is_tooling(row));
    let mut what = format!(
        "`{} {}` is served but not in the API description",
        row.method, row.path
    );
    if open {
        what.push_str(", and nothing authenticates it");
    } else if tooling {
        what.push_str("; its path names debug or admin tooling");
    }
    let mut f = Finding::new(&SC270, what).on_route(&row.method, &row.path);
    if open || tooling {
        f.severity = Severity::High;
    }
    if row.live_answers() {
        f.confidence = Confidence::Confirmed;
        if let Some(Live::Answers { status, .. }) = row.live {
            f.notes
                .push(format!("the running API answered it with {status}"));
        }
    }
    if relays(row) {
        f.confidence = Confidence::Possible;
        f.notes.push(
            "the code relays the rest of the path to another server: the API it serves is that server's"
                .to_owned(),
        );
    }
    if let Some(loc) = row.code.as_ref().and_then(|c| c.location.clone()) {
        f = f.at(loc);
    }
    f
}

/// The code hands the rest of the route's path to an HTTP client (a proxy).
fn relays(row: &Row) -> bool {
    row.code.as_ref().is_some_and(|c| c.relay)
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::Inventory {
        needs_description: true,
        run: check,
    }];
