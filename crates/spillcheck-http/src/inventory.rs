//! The API inventory: the code's routes, the API description and the live answers side by
//! side (API9:2023, improper inventory management). Rules SC270–SC274 read it.
//!
//! Each view is optional: `spillcheck code` has the code and a description committed with it,
//! `spillcheck api` the description and the live answers, `spillcheck scan` all three. A
//! comparison is only made when the description is this code's (it documents at least half of
//! what the code serves under the same paths); otherwise one diagnostic says why not.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use spillcheck_core::correlate::normalize_template;
use spillcheck_core::{Finding, Location};

use crate::discovery::{Operation, Security};

/// The inventory rules' ids.
pub const RULE_IDS: &[&str] = &["SC270", "SC271", "SC272", "SC273", "SC274"];

/// How the code authenticates a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CodeAuth {
    /// A decorator, hook or the handler checks a token.
    Required,
    /// Declared public (configuration, an optional-auth decorator).
    Public,
    /// Nothing authenticates it.
    Open,
}

/// A route of the code analysis, as the inventory needs it.
#[derive(Debug, Clone, Serialize)]
pub struct CodeRoute {
    /// Upper-case method.
    pub method: String,
    /// Path template (`/api/notes/{id}`).
    pub path: String,
    /// How it is authenticated.
    pub auth: CodeAuth,
    /// `Some(false)` when it loads objects by id with no ownership check, `Some(true)` when
    /// it checks, `None` when that does not apply.
    pub owner_checked: Option<bool>,
    /// It relays the rest of its path to another server (a proxy to another API).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub relay: bool,
    /// The handler.
    pub location: Option<Location>,
}

/// What the running API said about an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "state")]
pub enum Live {
    /// The route exists: user A's status, and the anonymous status when sent.
    Answers {
        /// User A's (or the only) answer's status.
        status: u16,
        /// The anonymous request's status.
        anonymous: Option<u16>,
        /// The answer redirects to a documented operation: an alias of it.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        alias: bool,
    },
    /// No such route: 404 from the framework's router, or 405 for this method.
    Absent,
}

/// The description's entry for an operation.
#[derive(Debug, Clone, Serialize)]
pub struct SpecEntry {
    /// `required`, `public` or `unknown`.
    pub security: &'static str,
    /// Marked `deprecated`.
    pub deprecated: bool,
    /// Its planned end, when deprecated.
    #[serde(skip_serializing_if = "is_unplanned")]
    pub deprecation: crate::discovery::Deprecation,
    /// The security is the description's blanket default, not the operation's own.
    pub security_by_default: bool,
}

fn is_unplanned(d: &crate::discovery::Deprecation) -> bool {
    *d == crate::discovery::Deprecation::default()
}

/// One operation seen by any view.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Method.
    pub method: String,
    /// Path template (the description's spelling when it has one).
    pub path: String,
    /// In the code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<CodeRoute>,
    /// In the description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec: Option<SpecEntry>,
    /// On the live API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<Live>,
}

impl Row {
    /// Whether the route is served, as far as the views tell: live when probed, else in the
    /// code.
    pub fn served(&self) -> bool {
        match self.live {
            Some(Live::Answers { .. }) => true,
            Some(Live::Absent) => false,
            None => self.code.is_some(),
        }
    }

    /// Whether the live API proved it is served.
    pub fn live_answers(&self) -> bool {
        matches!(self.live, Some(Live::Answers { .. }))
    }
}

/// The three-way inventory.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Inventory {
    /// Every operation, by path then method.
    pub rows: Vec<Row>,
    /// The code view was given.
    pub has_code: bool,
    /// The description view was given.
    pub has_spec: bool,
    /// The live view was given.
    pub has_live: bool,
    /// Share of the description's operations the code has (when both are given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec_in_code: Option<f64>,
    /// First path segments the description documents (`api`, `health`).
    #[serde(skip)]
    spec_roots: BTreeSet<String>,
    /// Some route of the code or the description requires a token: an open route is then a
    /// choice worth naming (an app that authenticates nothing has no "open" routes to flag).
    #[serde(skip)]
    pub(crate) authenticates: bool,
}

/// The root of a path in the described space: its first segment, or, under leading
/// parameters, those parameters and the first literal segment (`/{newsletter}/api/posts`
/// is in `{}/api`, not in whatever `{newsletter}` matches: its `/{newsletter}/admin` is
/// another space).
fn first_segment(path: &str) -> String {
    let mut root = Vec::new();
    for seg in path.trim_start_matches('/').split('/') {
        let parameter = seg.starts_with('{') || seg.starts_with('<');
        root.push(if parameter {
            "{}".to_owned()
        } else {
            seg.to_ascii_lowercase()
        });
        if !parameter {
            break;
        }
    }
    root.join("/")
}

fn spec_security(s: &Security) -> &'static str {
    match s {
        Security::Required(_) => "required",
        Security::Public => "public",
        Security::Unknown => "unknown",
    }
}

impl Inventory {
    /// Lines up the views by method and path template (parameter names ignored).
    pub fn build(
        code: Option<Vec<CodeRoute>>,
        spec: Option<&[Operation]>,
        live: &[(String, String, Live)],
    ) -> Inventory {
        let mut rows: BTreeMap<(String, String), Row> = BTreeMap::new();
        let key =
            |method: &str, path: &str| (normalize_template(path), method.to_ascii_uppercase());
        let has_code = code.is_some();
        let has_spec = spec.is_some();
        let mut spec_roots = BTreeSet::new();
        for op in spec.unwrap_or_default() {
            if matches!(op.method.as_str(), "HEAD" | "OPTIONS" | "TRACE" | "CONNECT") {
                continue;
            }
            spec_roots.insert(first_segment(&op.path));
            rows.entry(key(&op.method, &op.path))
                .or_insert_with(|| Row {
                    method: op.method.clone(),
                    path: op.path.clone(),
                    code: None,
                    spec: None,
                    live: None,
                })
                .spec = Some(SpecEntry {
                security: spec_security(&op.security),
                deprecated: op.deprecated,
                deprecation: op.deprecation.clone(),
                security_by_default: op.security_by_default,
            });
        }
        for route in code.unwrap_or_default() {
            // HEAD and OPTIONS come with every route; TRACE and CONNECT are diagnostics a
            // catch-all route accepts, never documented operations.
            if matches!(
                route.method.as_str(),
                "HEAD" | "OPTIONS" | "TRACE" | "CONNECT"
            ) {
                continue;
            }
            let row = rows
                .entry(key(&route.method, &route.path))
                .or_insert_with(|| Row {
                    method: route.method.clone(),
                    path: route.path.clone(),
                    code: None,
                    spec: None,
                    live: None,
                });
            row.code.get_or_insert(route);
        }
        for (method, path, answer) in live {
            let row = rows.entry(key(method, path)).or_insert_with(|| Row {
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                code: None,
                spec: None,
                live: None,
            });
            row.live = Some(*answer);
        }
        let mut rows: Vec<Row> = rows.into_values().collect();
        absorb_parameterized(&mut rows);
        let authenticates = rows.iter().any(|r| {
            r.code
                .as_ref()
                .is_some_and(|c| c.auth == CodeAuth::Required)
                || r.spec.as_ref().is_some_and(|s| s.security == "required")
        });
        let spec_in_code = (has_code && has_spec).then(|| {
            let documented = rows.iter().filter(|r| r.spec.is_some()).count();
            let found = rows
                .iter()
                .filter(|r| r.spec.is_some() && r.code.is_some())
                .count();
            if documented == 0 {
                0.0
            } else {
                f64::from(u32::try_from(found).unwrap_or(u32::MAX))
                    / f64::from(u32::try_from(documented).unwrap_or(u32::MAX))
            }
        });
        Inventory {
            has_live: !live.is_empty(),
            rows,
            has_code,
            has_spec,
            spec_in_code,
            spec_roots,
            authenticates,
        }
    }

    /// Whether the description is this code's: without the code, yes; with it, when the code
    /// serves at least half of what the description documents.
    pub fn comparable(&self) -> bool {
        self.has_spec && self.spec_in_code.is_none_or(|share| share >= 0.5)
    }

    /// Whether a path lies in the part of the API the description covers (its first
    /// segment is one the description documents): browser pages beside a documented `/api`
    /// are not part of the API surface it describes.
    pub fn in_described_space(&self, path: &str) -> bool {
        self.spec_roots.contains(&first_segment(path))
    }

    /// The findings of the inventory rules that are enabled.
    pub fn findings(&self, enabled: &dyn Fn(&str) -> bool) -> Vec<Finding> {
        crate::rules::inventory(self, enabled)
    }

    /// Why the inventory was not compared, if it was not.
    pub fn not_compared(&self) -> Option<String> {
        let share = self.spec_in_code?;
        (share < 0.5).then(|| {
            format!(
                "API inventory not compared: the code serves only {:.0}% of the operations the API description documents, so the description is taken for another service's (or an outdated one)",
                share * 100.0
            )
        })
    }
}

/// Whether a concrete or templated code path is an instance of a documented template whose
/// parameters stand inside segments (`/api/v{version}/reset` documents `/api/v1/reset`).
fn instance_of(template: &str, path: &str) -> bool {
    let (t, p) = (normalize_template(template), normalize_template(path));
    let (ts, ps): (Vec<&str>, Vec<&str>) = (t.split('/').collect(), p.split('/').collect());
    ts.len() == ps.len()
        && ts.iter().zip(&ps).all(|(t, p)| {
            if t == p {
                return true;
            }
            match t.split_once("{}") {
                Some((pre, post)) if !p.contains("{}") => {
                    p.len() > pre.len() + post.len() && p.starts_with(pre) && p.ends_with(post)
                }
                _ => false,
            }
        })
}

/// Code routes that are instances of a documented template with parameters inside
/// segments take that template's entry; the template's own row, then matched, goes.
fn absorb_parameterized(rows: &mut Vec<Row>) {
    let templates: Vec<(usize, String, String)> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.spec.is_some() && r.code.is_none() && r.path.contains('{'))
        .map(|(i, r)| (i, r.method.clone(), r.path.clone()))
        .collect();
    let mut used = BTreeSet::new();
    for (i, method, template) in &templates {
        let spec = rows[*i].spec.clone();
        for row in rows.iter_mut() {
            if row.spec.is_none()
                && row.code.is_some()
                && &row.method == method
                && instance_of(template, &row.path)
            {
                row.spec.clone_from(&spec);
                used.insert(*i);
            }
        }
    }
    let mut index = 0;
    rows.retain(|_| {
        let keep = !used.contains(&index);
        index += 1;
        keep
    });
}

/// Infrastructure and documentation routes nobody documents in the API description:
/// the description itself, docs UIs, static files, health checks.
pub(crate) fn infrastructure(path: &str) -> bool {
    path.trim_start_matches('/').split('/').any(|segment| {
        let s = segment.to_ascii_lowercase();
        let s = s.split('.').next().unwrap_or(&s).to_owned();
        matches!(
            s.as_str(),
            "openapi"
                | "swagger"
                | "swagger-ui"
                | "docs"
                | "redoc"
                | "apidocs"
                | "apispec"
                | "apispec_1"
                | "flasgger_static"
                | "spec"
                | "static"
                | "favicon"
                | "robots"
                | "health"
                | "healthz"
                | "healthcheck"
                | "ping"
                | "livez"
                | "readyz"
                | "status"
        )
    })
}

/// Operations public by their nature, whatever a description's blanket default says: API
/// documents, status and health pages, the site's root, sign-in and single sign-on
/// (`/auth/login`, `/auth/saml/login`, `/oauth/callback`), and links that carry their own
/// credential (`/shared/playlists/{token}`).
pub(crate) fn public_by_nature(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    if infrastructure(&p) || p.trim_end_matches('/').is_empty() {
        return true;
    }
    let words = [
        "login",
        "logout",
        "signin",
        "sign-in",
        "signup",
        "sign-up",
        "register",
        "sso",
        "saml",
        "oidc",
        "oauth",
        "callback",
        "reset-password",
        "forgot",
        "openid",
    ];
    p.split('/').any(|segment| {
        words.contains(&segment)
            || segment
                .split(['-', '_'])
                .any(|w| words.contains(&w) && w.len() > 3)
            || (segment.starts_with('{')
                && !segment.contains("id")
                && ["token", "key", "hash", "secret"]
                    .iter()
                    .any(|w| segment.contains(w)))
    })
}

/// The digits of a version segment (`v2`, `V10` → `2`, `10`).
pub(crate) fn version_digits(segment: &str) -> Option<&str> {
    segment
        .strip_prefix(['v', 'V'])
        .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
}

/// The version a path names (`/api/v2/users` → 2; none → `None`) and the path without it.
pub(crate) fn version_of(path: &str) -> (Option<u32>, String) {
    let mut version = None;
    let mut rest = Vec::new();
    for segment in path.split('/') {
        let v = version_digits(segment).and_then(|d| d.parse::<u32>().ok());
        match v {
            Some(n) if version.is_none() => version = Some(n),
            _ => rest.push(segment),
        }
    }
    (version, normalize_template(&rest.join("/")))
}

/// Folds inventory findings into the run's, one finding per route: an undocumented or
/// mis-documented route that SC101 or SC201 already reports as unauthenticated becomes a
/// note of that finding, and several inventory findings on one route become notes of the
/// most severe.
pub fn join(findings: &mut Vec<Finding>, mut inventory: Vec<Finding>) {
    let same = |a: &Finding, b: &Finding| match (&a.route, &b.route) {
        (Some(x), Some(y)) => {
            x.method == y.method && normalize_template(&x.path) == normalize_template(&y.path)
        }
        _ => false,
    };
    inventory.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let first_new = findings.len();
    for f in inventory {
        let note = format!("inventory ({}): {}", f.rule_id, f.message);
        if matches!(f.rule_id.as_str(), "SC270" | "SC272")
            && let Some(open) = findings[..first_new]
                .iter_mut()
                .find(|o| matches!(o.rule_id.as_str(), "SC101" | "SC201") && same(o, &f))
        {
            open.notes.push(note);
            continue;
        }
        if let Some(kept) = findings[first_new..].iter_mut().find(|o| same(o, &f)) {
            kept.notes.push(note);
            continue;
        }
        let mut f = f;
        // An undocumented route that returns personal or secret fields is worse.
        if f.rule_id == "SC270"
            && let Some(data) = findings[..first_new].iter().find(|o| {
                matches!(o.rule_id.as_str(), "SC140" | "SC141" | "SC230" | "SC231") && same(o, &f)
            })
        {
            f.severity = spillcheck_core::Severity::High;
            f.notes.push(format!(
                "it returns personal or secret fields ({}: {})",
                data.rule_id, data.message
            ));
        }
        findings.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::Origin;

    fn route(method: &str, path: &str, auth: CodeAuth) -> CodeRoute {
        CodeRoute {
            method: method.into(),
            path: path.into(),
            auth,
            owner_checked: None,
            relay: false,
            location: None,
        }
    }

    fn documented(method: &str, path: &str, security: Security) -> Operation {
        let mut op = Operation::new(method, path, Origin::OpenApi);
        op.security = security;
        op
    }

    #[test]
    fn a_public_sign_in_that_checks_a_password_is_no_mismatch() {
        // Yarrowby's `POST /auth/login` (`security={}`) checks the password it is sent: the
        // code analysis calls that authentication in the handler.
        let code = vec![
            route("POST", "/auth/login", CodeAuth::Required),
            route("POST", "/api/feedback", CodeAuth::Required),
        ];
        let spec = vec![
            documented("POST", "/auth/login", Security::Public),
            documented("POST", "/api/feedback", Security::Public),
        ];
        let inv = Inventory::build(Some(code), Some(&spec), &[]);
        let found = crate::rules::sc272_auth_declaration_mismatch::check(&inv);
        let paths: Vec<&str> = found
            .iter()
            .filter_map(|f| f.route.as_ref().map(|r| r.path.as_str()))
            .collect();
        assert_eq!(paths, ["/api/feedback"]);
    }

    #[test]
    fn templates_with_parameters_inside_segments_document_each_version() {
        assert!(instance_of("/api/v{version}/reset", "/api/v1/reset"));
        assert!(!instance_of("/api/v{version}/reset", "/api/v1/reset/x"));
        assert!(!instance_of("/api/v{version}/reset", "/api/x1/reset"));
        let code = vec![
            route("POST", "/api/v1/reset", CodeAuth::Open),
            route("POST", "/api/v2/reset", CodeAuth::Open),
        ];
        let spec = vec![documented(
            "POST",
            "/api/v{version}/reset",
            Security::Public,
        )];
        let inv = Inventory::build(Some(code), Some(&spec), &[]);
        assert_eq!(inv.rows.len(), 2);
        assert!(
            inv.rows
                .iter()
                .all(|r| r.spec.is_some() && r.code.is_some())
        );
    }

    #[test]
    fn a_described_space_under_a_leading_parameter_is_the_parameter_and_its_first_word() {
        let spec = vec![documented(
            "GET",
            "/{newsletter_slug}/api/posts",
            Security::Required(vec![]),
        )];
        let code = vec![
            route("GET", "/<newsletter_slug>/api/posts", CodeAuth::Required),
            route("GET", "/<newsletter_slug>/admin/", CodeAuth::Required),
        ];
        let inv = Inventory::build(Some(code), Some(&spec), &[]);
        assert!(inv.in_described_space("/{newsletter_slug}/api/posts/{post_slug}"));
        assert!(!inv.in_described_space("/{newsletter_slug}/admin/"));
        assert!(!inv.in_described_space("/{slug}/confirm/{token}"));
        assert!(inv.in_described_space("/{other}/api/subscribers"));
        let plain = Inventory::build(
            None,
            Some(&[documented("GET", "/api/x", Security::Public)]),
            &[],
        );
        assert!(plain.in_described_space("/api/y/{id}"));
        assert!(!plain.in_described_space("/admin"));
    }

    #[test]
    fn a_relay_to_another_api_is_only_possible() {
        let spec = vec![documented("GET", "/api/remote", Security::Required(vec![]))];
        let mut proxy = route("GET", "/api/remote/{name}/api/{rest}", CodeAuth::Required);
        proxy.relay = true;
        let code = vec![
            route("GET", "/api/remote", CodeAuth::Required),
            proxy,
            route("GET", "/api/debug/{rest}", CodeAuth::Required),
        ];
        let inv = Inventory::build(Some(code), Some(&spec), &[]);
        let found = crate::rules::sc270_undocumented_endpoint::check(&inv);
        let by_path = |p: &str| {
            found
                .iter()
                .find(|f| f.route.as_ref().is_some_and(|r| r.path == p))
                .unwrap()
        };
        assert_eq!(
            by_path("/api/remote/{name}/api/{rest}").confidence,
            spillcheck_core::Confidence::Possible
        );
        assert_eq!(
            by_path("/api/debug/{rest}").confidence,
            spillcheck_core::Confidence::Likely
        );
    }

    #[test]
    fn an_undocumented_route_returning_personal_data_is_high() {
        let meta = &crate::rules::sc270_undocumented_endpoint::SC270;
        let shadow = Finding::new(meta, "undocumented").on_route("GET", "/api/export/{id}");
        assert_eq!(shadow.severity, spillcheck_core::Severity::Medium);
        let leak = Finding::new(
            &crate::rules::sc230_sensitive_field_in_response::SC230,
            "password_hash",
        )
        .on_route("GET", "/api/export/{export_id}");
        let mut findings = vec![leak];
        join(&mut findings, vec![shadow]);
        assert_eq!(findings.len(), 2);
        assert_eq!(findings[1].severity, spillcheck_core::Severity::High);
        assert!(findings[1].notes[0].contains("SC230"));
    }

    #[test]
    fn versions_and_infrastructure() {
        assert_eq!(
            version_of("/api/v2/users/{id}"),
            (Some(2), "/api/users/{}".to_owned())
        );
        assert_eq!(
            version_of("/api/users/{id}"),
            (None, "/api/users/{}".to_owned())
        );
        assert_eq!(version_of("/api/vip/x").0, None);
        assert!(infrastructure("/openapi.json") && infrastructure("/api/health"));
        for public in [
            "/",
            "/status.txt",
            "/auth/saml/login",
            "/auth/oidc/login",
            "/shared/playlists/{token}/context",
            "/openapi.json",
        ] {
            assert!(public_by_nature(public), "{public}");
        }
        for private in [
            "/data/persons",
            "/config",
            "/data/tokens/{token_id}",
            "/auth/totp",
        ] {
            assert!(!public_by_nature(private), "{private}");
        }
        assert!(!infrastructure("/api/debug/config"));
    }

    #[test]
    fn views_line_up_by_template_and_foreign_descriptions_are_not_compared() {
        let code = vec![
            route("GET", "/api/notes/{note_id}", CodeAuth::Required),
            route("GET", "/api/debug", CodeAuth::Open),
        ];
        let spec = vec![documented(
            "GET",
            "/api/notes/{id}",
            Security::Required(vec![]),
        )];
        let inv = Inventory::build(Some(code.clone()), Some(&spec), &[]);
        assert_eq!(inv.rows.len(), 2);
        assert!(inv.comparable());
        let other = vec![
            documented("GET", "/pets", Security::Public),
            documented("GET", "/pets/{id}", Security::Public),
            documented("POST", "/pets", Security::Public),
        ];
        let inv = Inventory::build(Some(code), Some(&other), &[]);
        assert!(!inv.comparable() && inv.not_compared().is_some());
        assert!(inv.findings(&|_| true).is_empty());
    }
}
