//! `SC101` route-without-auth: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A Flask route that handles data but is reached by no authentication: no auth decorator (`jwt_required`, `login_required`, a project decorator that checks the `Authorization` header), no app- or blueprint-level `before_request` hook that rejects anonymous callers, or a hook whose allow-list exempts it.
    ///
    /// ## Why it matters
    /// Anyone who can reach the API can call the route without a token. A blueprint whose `before_request` forgets one endpoint is the classic way this happens.
    ///
    /// ## Example
    /// ```python
    /// @bp.get("/api/exports/<int:export_id>")
    /// def download_export(export_id):      # no decorator, bp has no hook
    ///     return send_file(export_path(export_id))
    /// ```
    ///
    /// ## Fix
    /// Apply the same authentication as the neighbouring routes:
    ///
    /// ```python
    /// @bp.get("/api/exports/<int:export_id>")
    /// @require_token
    /// def download_export(export_id):
    ///     ...
    /// ```
    ///
    /// Routes that are public on purpose (`/health`, `/login`) belong in `public-routes` in the configuration.
    pub static SC101 = {
        id: "SC101",
        slug: "route-without-auth",
        title: "Route without authentication",
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: &[306],
        owasp: &[OwaspApi::Api2],
        fix: "Protect the route with the project's authentication decorator or a `before_request` hook, or list it in `public-routes` if it is public by design.",
    }
}

use spillcheck_core::Finding;

use crate::facts::{Summaries, func_facts_with};
use crate::model::{Model, RouteAuth};
use crate::project::SourceFile;

/// Words of routes that are public by nature (authentication itself, health, docs).
const PUBLIC_WORDS: &[&str] = &[
    "login",
    "logout",
    "signin",
    "signup",
    "register",
    "registration",
    "health",
    "healthz",
    "healthcheck",
    "ping",
    "ready",
    "readiness",
    "liveness",
    "alive",
    "status",
    "openapi",
    "swagger",
    "apispec",
    "docs",
    "redoc",
    "spec",
    "version",
    "callback",
    "authorize",
    "oauth",
    "oauth2",
    "token",
    "refresh",
    "reset",
    "forgot",
    "verify",
    "confirm",
    "activate",
    "static",
    "favicon",
    "robots",
    "webhook",
    "webhooks",
    "metrics",
    "index",
    "home",
    "about",
];

fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
}

/// Whether a route is public by nature.
pub(crate) fn public_by_nature(path: &str, handler: &str) -> bool {
    path == "/"
        || words(path)
            .chain(words(handler))
            .any(|w| PUBLIC_WORDS.contains(&w.as_str()))
}

/// `SC101`: data-handling routes that nothing authenticates, in a project where other
/// routes are authenticated.
pub(crate) fn check_routes(
    model: &Model<'_>,
    files: &[SourceFile],
    summaries: &Summaries,
    externals: &[std::collections::HashSet<String>],
    findings: &mut Vec<Finding>,
) {
    if !model.any_auth {
        return;
    }
    for site in &model.routes {
        let r = &site.route;
        let hook = match &r.auth {
            RouteAuth::None => None,
            RouteAuth::Exempt { hook } => Some(hook.clone()),
            _ => continue,
        };
        if files[site.file_index].is_test || public_by_nature(&r.path, &r.handler) {
            continue;
        }
        let facts = func_facts_with(site.func, &externals[site.file_index]);
        let handles_data = facts.data_access
            || facts
                .calls
                .iter()
                .any(|c| summaries.data_access.contains(c));
        if !handles_data {
            continue;
        }
        let method = r.methods.first().map_or("GET", String::as_str);
        let message = match hook {
            Some(hook) => format!(
                "`{method} {}` reads data but the allow-list of the `{hook}` hook exempts it from authentication",
                r.path
            ),
            None => format!(
                "`{method} {}` reads data and no decorator or `before_request` hook authenticates it",
                r.path
            ),
        };
        let file = &files[site.file_index];
        findings.push(
            Finding::new(&SC101, message)
                .at(file.at(&site.func.name))
                .on_route(method, &r.path),
        );
    }
}
