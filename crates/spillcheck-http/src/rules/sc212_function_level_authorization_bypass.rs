//! `SC212` function-level-authorization-bypass: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use reqwest::Method;
use spillcheck_core::Finding;
use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

use crate::discovery::Security;
use crate::inspect;
use crate::probe::{Probe, Probed};
use crate::rules::sc201_endpoint_without_auth::carries_data;

declare_rule! {
    /// ## What it finds
    /// An operation that succeeds with the admin token also succeeds with a regular user's token, or an admin-looking path (`/admin`, `/internal`, `/debug`) answers a regular user with data.
    ///
    /// ## Why it matters
    /// Function-level authorization bugs turn any account into an administrator.
    ///
    /// ## Example
    /// ```http
    /// GET /api/admin/users HTTP/1.1
    /// Authorization: Bearer <regular user>
    ///
    /// HTTP/1.1 200 OK
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed for every finding, though what makes an operation an administrator's is read from its path or its documentation: a path segment that is exactly one of `admin`, `internal`, `manage`, `staff`, `superuser`, `sudo`, `backoffice`, `moderation`, `ops` (and a few spellings of these), or an OpenAPI scope naming `admin` or `superuser`. Only GET operations are tried. With an administrator's token (`--admin-token`, `--admin-user`) it is reported only when the administrator also gets a 2xx and user A's answer is at least 60% like it and carries data (people's records, personal fields, secrets: a status page, metrics or a version manifest that every member reads by design are not reported); without one, when A's 2xx answer carries data (emails, secrets, personal fields, any record with an id). Not reported: routes public by design (`security: []`, `public-routes` in the configuration), operations whose answer to A is not a 2xx, is the site's not-found answer, or is a refusal answered 2xx (a login page, a body saying it failed, unless the administrator gets the same), and operations an anonymous request gets a real 2xx answer from unless the documentation or the code says they need a token. An operation under such a segment that every user is meant to read (a staff directory, an `/ops/status` page) is reported too; the evidence shows what A read. An operation the description restricts to a role ("Teachers only: …", "Reset the demo data (administrators)", "requires the admin role", an `admin` tag) counts as well, unless user A's own profile or token gives A that role (`"role": "teacher"`, `"is_admin": true`). A GET set aside for its side effects (a reset, a reseed, a wipe: never a logout, an account or a password) that is meant for administrators or for such a role is sent only with `--allow-writes`, once, as user A, after every other request of the run (it may wipe what the other checks read), and reported when A's request is carried out: a 2xx that is not the not-found page and not a refusal (a login page, a body saying it failed); the message says when an anonymous request ran it too. A GET that refuses user A with 403 and reads a header of its own (from the description's `in: header` parameters, or, with the source, a header the handler or one of its decorators reads, such as `role = request.headers.get("X-Role") or claims["role"]`) is sent again as A with that header set to the value the code compares it against, then `admin`, `1` and `true`; reported when one of those answers is a 2xx that carries data, is not a refusal or the not-found page, and is less than 60% like A's refusal: the handler takes the caller's privilege from a header any client writes.
    ///
    /// ## Fix
    /// `@require_role("admin")` on the operation, with the role read from the server's records.
    pub static SC212 = {
        id: "SC212",
        slug: "function-level-authorization-bypass",
        title: "Admin function reachable by a regular user",
        severity: Severity::Critical,
        confidence: Confidence::Confirmed,
        cwe: &[285],
        owasp: &[OwaspApi::Api5],
        fix: "Check the caller's role on every administrative operation, server-side, from the verified token or the database.",
    }
}

const ADMIN_SEGMENTS: &[&str] = &[
    "admin",
    "admins",
    "administration",
    "administrator",
    "internal",
    "manage",
    "management",
    "staff",
    "superuser",
    "sudo",
    "backoffice",
    "back-office",
    "moderation",
    "ops",
];

/// Whether an operation is meant for administrators: an admin-looking path segment, or a
/// documented admin scope.
fn admin_only(pr: &Probed) -> bool {
    let path = pr.op.path.to_ascii_lowercase();
    let by_path = path.split('/').any(|seg| ADMIN_SEGMENTS.contains(&seg));
    let by_scope = matches!(&pr.op.security, Security::Required(s) if s.iter().any(|x| {
        let x = x.to_ascii_lowercase();
        x == "admin" || x.starts_with("admin:") || x.ends_with(":admin") || x.contains("superuser")
    }));
    by_path || by_scope
}

/// Whether an operation is meant for a role user A does not hold: an administrator's
/// (path, scope), or one its documentation restricts to a role ("Teachers only: …") that
/// neither A's own profile nor A's token gives A.
fn meant_for_others(p: &Probe, pr: &Probed) -> bool {
    let admin = admin_only(pr);
    let role = pr.op.restricted.as_deref();
    (admin || role.is_some()) && !role.is_some_and(|r| a_holds(p, r)) && !(admin && a_holds(p, "admin"))
}

/// Whether user A's own profile (`/me`) or token claims give A `role`: `"role":
/// "teacher"`, `"roles": ["staff"]`, `"is_admin": true`, `"admin": true`.
fn a_holds(p: &Probe, role: &str) -> bool {
    let mut docs: Vec<serde_json::Value> = p
        .ops
        .iter()
        .filter(|pr| pr.op.method == "GET" && crate::probe::is_me_path(&pr.op.path))
        .filter_map(|pr| pr.user.as_ref()?.response.json())
        .collect();
    if let Some(a) = &p.user
        && let Ok(jwt) = spillcheck_tokens::jwt::Jwt::decode(&a.token())
    {
        docs.push(serde_json::Value::Object(jwt.claims));
    }
    let names = |w: &str| {
        let w = w.to_ascii_lowercase();
        w.contains(role) || role == "admin" && (w.contains("administrator") || w.contains("superuser"))
    };
    fn walk(v: &serde_json::Value, depth: usize, names: &dyn Fn(&str) -> bool) -> bool {
        use serde_json::Value;
        let Value::Object(m) = v else { return false };
        m.iter().any(|(k, x)| {
            let key = k.to_ascii_lowercase();
            let role_key = ["role", "roles", "group", "groups", "type", "kind", "scope", "scopes", "permissions"]
                .iter()
                .any(|r| key == *r || key.ends_with(&format!("_{r}")));
            let held = match x {
                Value::Bool(true) => names(&key),
                Value::String(t) if role_key => names(t),
                Value::Array(a) if role_key => a.iter().any(|e| e.as_str().is_some_and(names)),
                _ => false,
            };
            held || depth < 3 && walk(x, depth + 1, names)
        })
    }
    docs.iter().any(|d| walk(d, 0, &names))
}

/// Administrator operations that answer user A with data. With `--admin-token`, A's
/// answer must also be like the administrator's.
pub(crate) async fn probe(p: &Probe) -> Vec<Finding> {
    if p.user.is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for pr in p
        .ops
        .iter()
        .filter(|pr| pr.op.method == "GET" && meant_for_others(p, pr) && !p.is_public(&pr.op))
    {
        let Some(ax) = pr
            .user
            .as_ref()
            .filter(|x| x.response.ok() && !p.not_found.matches(&x.response))
        else {
            continue;
        };
        // A 2xx that is a login page or says it failed is a refusal, not an answer.
        if inspect::refused(&ax.response, None) {
            continue;
        }
        if pr
            .anon
            .as_ref()
            .is_some_and(|x| x.response.ok() && !inspect::refused(&x.response, Some(&ax.response)))
            && !matches!(pr.op.security, Security::Required(_))
        {
            continue; // anyone gets it: not an administrator's function
        }
        let mut others = Vec::new();
        let admin_answer = match &p.admin {
            Some(admin) => p
                .send_as(admin, p.request("admin", Method::GET, &pr.path))
                .await
                .ok(),
            None => None,
        };
        let why = match &admin_answer {
            Some(adm)
                if adm.response.ok() && !inspect::refused(&ax.response, Some(&adm.response)) =>
            {
                let sim = inspect::similarity(&adm.response, &ax.response);
                // The administrator's answer matters only when it holds something worth
                // guarding (people's records, secrets): a status page or a version
                // manifest every member may read by design is not a bypass.
                if sim < 0.6 || !carries_data(&ax.response, false) {
                    continue;
                }
                others.push(adm.as_ref());
                format!(
                    "user A gets the administrator's answer ({:.0}% alike)",
                    sim * 100.0
                )
            }
            None if carries_data(&ax.response, false) => {
                "user A (not an administrator) reads it, data included".to_owned()
            }
            Some(_) | None => continue,
        };
        out.push(
            Finding::new(
                &SC212,
                format!(
                    "{} {}: an administrator's operation answers a user token: {why}",
                    pr.op.method, pr.op.path
                ),
            )
            .on_route(&pr.op.method, &pr.op.path)
            .with_http(p.evidence(ax, &why, &others)),
        );
    }
    out
}

/// Whether a side effect may be triggered at the end of a run: data reset, reseeded or
/// wiped; never the scan's own session, account or password.
fn replayable(why: &str) -> bool {
    !["session", "log", "password", "account", "revoke", "disable", "token"]
        .iter()
        .any(|w| why.contains(w))
}

/// GETs set aside for their side effects (a reset, a reseed, a wipe) that are meant for
/// others (an administrator's path, a role the documentation names): with `--allow-writes`,
/// sent as user A after every other request, one at a time, and reported when A's request
/// is carried out (a 2xx that is no refusal).
async fn side_effects(p: &Probe) -> Vec<Finding> {
    let Some(a) = &p.user else {
        return Vec::new();
    };
    if !p.engine.settings().allow_writes {
        return Vec::new();
    }
    let candidates: Vec<&Probed> = p
        .set_aside
        .iter()
        .filter(|pr| {
            pr.op.method == "GET"
                && crate::writes::side_effect(&pr.op).is_some_and(replayable)
                && meant_for_others(p, pr)
                && !p.is_public(&pr.op)
        })
        .take(4)
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    let names: Vec<String> = candidates
        .iter()
        .map(|pr| format!("{} {}", pr.op.method, pr.op.path))
        .collect();
    p.diagnose(
        spillcheck_core::DiagnosticLevel::Warning,
        format!(
            "sent after all, last and as user A, of the operations held back for side effects (meant for administrators or a role user A does not hold; does a regular user run them?): {}",
            names.join(", ")
        ),
    );
    let mut out = Vec::new();
    for pr in candidates {
        let path = crate::probe::fill(&pr.op, &p.seen_a, &p.own);
        let Ok(ax) = p
            .send_as(a, p.request("user A", Method::GET, &path))
            .await
        else {
            continue;
        };
        if !ax.response.ok()
            || p.not_found.matches(&ax.response)
            || inspect::refused(&ax.response, None)
        {
            continue;
        }
        let anon = p
            .anon(p.request("anonymous", Method::GET, &path))
            .await
            .ok()
            .filter(|x| x.response.ok() && !inspect::refused(&x.response, Some(&ax.response)));
        let meant = match pr.op.restricted.as_deref() {
            Some(role) if !admin_only(pr) => format!("documented for the {role} role"),
            _ => "an administrator's".to_owned(),
        };
        let why = format!(
            "an operation with side effects, {meant}, runs for a regular user: user A ran it: answered {}{}",
            ax.response.status,
            if anon.is_some() { ", and so did an anonymous request" } else { "" }
        );
        let others: Vec<&crate::engine::Exchange> = anon.iter().map(AsRef::as_ref).collect();
        out.push(p.finding_on(&SC212, &pr.op, &why, &ax, &others));
    }
    out
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[
    crate::rules::Check::active(crate::rules::Stage::Objects, |p| Box::pin(probe(p))),
    crate::rules::Check::active(crate::rules::Stage::Disruptive, |p| Box::pin(side_effects(p))),
];
