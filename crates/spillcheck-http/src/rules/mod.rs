//! The api rules (SC2xx): one file per rule, holding its metadata, docs and checks.
//!
//! Each rule file declares `CHECKS`, how the probe runs it: an active check sends its own
//! requests in a [`Stage`]; a passive check reads every exchange once the active checks are
//! over; an inventory check compares the code, the description and the live answers. The
//! [`probe_rules!`] registry below lists every rule once (`module: METADATA`) and generates
//! the catalog ([`RULES`]) and the dispatch ([`REGISTRY`]); the dispatcher ([`active`],
//! [`passive`], [`inventory`]) runs a check only when its rule is enabled.

use std::sync::Arc;

use futures_util::future::{BoxFuture, join_all};
use reqwest::Method;
use spillcheck_core::{Finding, RuleMeta};

use crate::engine::{Exchange, Request};
use crate::inventory::Inventory;
use crate::probe::{Probe, Probed};

/// When an active check runs: the stages in order, the checks of one stage together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Forged, unsigned, expired and misplaced tokens; malformed requests.
    Tokens,
    /// The site's surface: debugger console, CORS, exposed files.
    Surface,
    /// Transport and what a cracked key lets anyone mint.
    Transport,
    /// Other users' objects, enumeration, functions meant for others, scopes.
    Objects,
    /// Writes on the scan's own accounts.
    Writes,
    /// Login checks, last and alone: their failed attempts must not race the others.
    Logins,
    /// After every other request of the run, clean-up included ([`last`]): a logout
    /// may end more of a user's sessions than the one it is sent with.
    Last,
    /// After [`Stage::Last`] ([`disruptive`]): operations that may reset or reseed the
    /// data every other check reads (`--allow-writes`).
    Disruptive,
}

impl Stage {
    const ALL: [Stage; 6] = [
        Stage::Tokens,
        Stage::Surface,
        Stage::Transport,
        Stage::Objects,
        Stage::Writes,
        Stage::Logins,
    ];
}

/// An active check: sends its own requests, returns its findings.
pub(crate) type ActiveRun = for<'a> fn(&'a Probe) -> BoxFuture<'a, Vec<Finding>>;

/// How the probe runs a rule.
pub(crate) enum Check {
    /// Sends requests in `stage`; runs when the rule, or one of `also_for`, is enabled.
    Active {
        /// When.
        stage: Stage,
        /// Other rules whose findings it makes too (the login burst of SC261 rides on
        /// SC260's logins).
        also_for: &'static [&'static str],
        /// The check.
        run: ActiveRun,
    },
    /// Reads every exchange of the run, after the active checks.
    Passive(fn(&Probe, &[Arc<Exchange>]) -> Vec<Finding>),
    /// Compares the inventory's views; `needs_description` when it needs an API
    /// description to compare with.
    Inventory {
        /// Skipped without a description comparable with the code or the live answers.
        needs_description: bool,
        /// The check.
        run: fn(&Inventory) -> Vec<Finding>,
    },
    /// Run by the named rule's active check (which lists this rule in `also_for`).
    Within(
        #[cfg_attr(not(test), expect(dead_code, reason = "checked by the registry test"))]
        &'static str,
    ),
}

impl Check {
    /// An active check of one rule.
    pub(crate) const fn active(stage: Stage, run: ActiveRun) -> Check {
        Check::Active {
            stage,
            also_for: &[],
            run,
        }
    }
}

/// The registry: one line a rule, `module: METADATA`, in id order.
macro_rules! probe_rules {
    ($($module:ident: $meta:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// Every rule of this crate, in id order.
        pub static RULES: &[&RuleMeta] = &[$(&$module::$meta),*];

        /// Every rule with its checks, in id order.
        pub(crate) static REGISTRY: &[(&RuleMeta, &[Check])] = &[$((&$module::$meta, $module::CHECKS)),*];
    };
}

probe_rules![
    sc201_endpoint_without_auth: SC201,
    sc202_invalid_token_accepted: SC202,
    sc203_none_alg_token_accepted: SC203,
    sc204_expired_token_accepted: SC204,
    sc205_token_accepted_in_query: SC205,
    sc206_scope_not_enforced: SC206,
    sc210_cross_user_object_access: SC210,
    sc211_enumerable_object_ids: SC211,
    sc212_function_level_authorization_bypass: SC212,
    sc213_mass_assignment: SC213,
    sc220_stack_trace_in_response: SC220,
    sc221_debugger_console_exposed: SC221,
    sc222_version_banner_disclosed: SC222,
    sc230_sensitive_field_in_response: SC230,
    sc231_other_users_pii_in_response: SC231,
    sc232_token_reflected_in_response: SC232,
    sc240_cleartext_transport: SC240,
    sc241_missing_hsts: SC241,
    sc242_cacheable_authenticated_response: SC242,
    sc243_cors_misconfiguration: SC243,
    sc244_credential_cookie_without_httponly: SC244,
    sc250_exposed_sensitive_file: SC250,
    sc260_user_enumeration: SC260,
    sc261_no_rate_limit_on_login: SC261,
    sc262_login_accepts_wrong_password: SC262,
    sc263_token_valid_after_logout: SC263,
    sc270_undocumented_endpoint: SC270,
    sc271_documented_endpoint_gone: SC271,
    sc272_auth_declaration_mismatch: SC272,
    sc273_old_api_version_live: SC273,
    sc274_deprecated_operation_served: SC274,
];

/// Checks this crate runs for rules of other engines: SC301's impersonation with a
/// cracked key is a request the probe sends.
static FOREIGN: &[(&str, &[Check])] = &[("SC301", crate::impersonation::CHECKS)];

fn checks() -> impl Iterator<Item = (&'static str, &'static Check)> {
    REGISTRY
        .iter()
        .map(|(meta, checks)| (meta.id, *checks))
        .chain(FOREIGN.iter().copied())
        .flat_map(|(id, checks)| checks.iter().map(move |c| (id, c)))
}

/// Runs the active checks of the enabled rules, stage by stage, each stage's together.
pub(crate) async fn active(p: &Probe) -> Vec<Finding> {
    let mut out = Vec::new();
    for stage in Stage::ALL {
        out.extend(stage_checks(p, stage).await);
    }
    out
}

/// Runs the checks of the enabled rules that come after every other request ([`Stage::Last`]).
pub(crate) async fn last(p: &Probe) -> Vec<Finding> {
    stage_checks(p, Stage::Last).await
}

/// Runs the checks of the enabled rules that may reset the data ([`Stage::Disruptive`]).
pub(crate) async fn disruptive(p: &Probe) -> Vec<Finding> {
    stage_checks(p, Stage::Disruptive).await
}

/// Runs the active checks of one stage, together, for the enabled rules.
async fn stage_checks(p: &Probe, stage: Stage) -> Vec<Finding> {
    let runs = checks().filter_map(|(id, check)| match check {
        Check::Active {
            stage: s,
            also_for,
            run,
        } if *s == stage && (p.enabled(id) || also_for.iter().any(|r| p.enabled(r))) => {
            Some(run(p))
        }
        _ => None,
    });
    join_all(runs).await.into_iter().flatten().collect()
}

/// Runs the passive checks of the enabled rules over every exchange.
pub(crate) fn passive(p: &Probe, exchanges: &[Arc<Exchange>]) -> Vec<Finding> {
    checks()
        .filter(|(id, _)| p.enabled(id))
        .flat_map(|(_, check)| match check {
            Check::Passive(run) => run(p, exchanges),
            _ => Vec::new(),
        })
        .collect()
}

/// Runs the inventory checks of the enabled rules.
pub(crate) fn inventory(inv: &Inventory, enabled: &dyn Fn(&str) -> bool) -> Vec<Finding> {
    checks()
        .filter(|(id, _)| enabled(id))
        .flat_map(|(_, check)| match check {
            Check::Inventory {
                needs_description,
                run,
            } if !*needs_description || inv.comparable() => run(inv),
            _ => Vec::new(),
        })
        .collect()
}

/// Tries a fake credential on up to three protected operations (A reads them, anonymous
/// callers are refused). Returns the first exchange the API accepted, with its operation.
pub(crate) async fn accepted_on_protected<'a>(
    p: &'a Probe,
    label: &str,
    header: Option<(String, String)>,
    query: Option<&str>,
) -> Option<(Arc<Exchange>, &'a Probed)> {
    let mut reads = p.protected_reads(3);
    // A credential in the query string is what links opened outside the app carry (a
    // PDF, an export, a calendar feed) and what an operation documents as a query
    // parameter (`?api_key=`): those are tried too.
    if query.is_some() {
        let extra: Vec<&Probed> = p
            .ops
            .iter()
            .filter(|x| x.protected_read())
            .filter(|x| opened_as_a_link(&x.op.path) || takes_credential_query(&x.op))
            .filter(|x| !reads.iter().any(|r| std::ptr::eq(*r, *x)))
            .take(3)
            .collect();
        reads.extend(extra);
    }
    for pr in reads {
        let mut path = pr.path.clone();
        if let Some(q) = query {
            path.push(if path.contains('?') { '&' } else { '?' });
            path.push_str(q);
        }
        let req = p.request(label, Method::GET, &path);
        let Ok(ex) = p.with_header(label, header.clone(), req).await else {
            continue;
        };
        if ex.response.ok()
            && !p.not_found.matches(&ex.response)
            && !crate::inspect::refused(&ex.response, pr.user.as_ref().map(|u| &u.response))
        {
            return Some((ex, pr));
        }
    }
    None
}

/// Whether a path is one a browser or another program opens from a link: a file, an
/// export, a feed (`/invoices/{id}/pdf`, `/reports/export.csv`, `/calendar.ics`).
fn opened_as_a_link(path: &str) -> bool {
    let last = crate::discovery::last_segment(path).to_ascii_lowercase();
    let stem = last.rsplit('.').next().unwrap_or(&last);
    [
        "pdf",
        "download",
        "export",
        "csv",
        "xlsx",
        "ics",
        "ical",
        "feed",
        "rss",
        "atom",
        "print",
        "file",
        "attachment",
        "raw",
        "zip",
    ]
    .contains(&stem)
}

/// Whether an operation documents a query parameter named for a credential (`?api_key=`,
/// `?token=`, `?access_token=`).
fn takes_credential_query(op: &crate::discovery::Operation) -> bool {
    op.params
        .iter()
        .any(|q| q.location == crate::discovery::ParamIn::Query && credential_query_name(&q.name))
}

/// A query parameter that carries the caller's credential (`?api_key=`, `?access_token=`):
/// the probe puts a token there itself, never a made-up value.
pub(crate) fn credential_query_name(name: &str) -> bool {
    matches!(
        spillcheck_core::vocab::normalize(name).as_str(),
        "accesstoken" | "token" | "jwt" | "apikey" | "authtoken" | "auth" | "key" | "bearer"
    )
}

/// Sends many anonymous GETs concurrently (bounded by the engine).
pub(crate) async fn get_all(
    p: &Probe,
    actor: &str,
    paths: &[String],
) -> Vec<Option<Arc<Exchange>>> {
    join_all(
        paths
            .iter()
            .map(|path| async move { p.anon(Request::get(actor, p.url(path))).await.ok() }),
    )
    .await
}

/// The route of an exchange as `(method, path)` for a finding: the operation's template
/// when the exchange was sent for one, else the request's own path.
pub(crate) fn route_for(p: &Probe, e: &Exchange) -> (String, String) {
    p.route_of(e).map_or_else(
        || {
            (
                e.request.method.to_string(),
                e.request.url.path().to_owned(),
            )
        },
        |(m, path)| (m.to_owned(), path.to_owned()),
    )
}

#[cfg(test)]
mod registry_tests {
    use super::{Check, REGISTRY, RULES};

    #[test]
    fn links_opened_outside_the_app_take_a_query_credential() {
        for path in [
            "/api/v2/invoices/{invoice_id}/pdf",
            "/reports/export.csv",
            "/calendar.ics",
        ] {
            assert!(super::opened_as_a_link(path), "{path}");
        }
        for path in [
            "/api/v2/invoices/{invoice_id}",
            "/api/notes",
            "/api/files/{id}/name",
        ] {
            assert!(!super::opened_as_a_link(path), "{path}");
        }
        let mut op =
            crate::discovery::Operation::new("GET", "/api/feed", crate::discovery::Origin::OpenApi);
        assert!(!super::takes_credential_query(&op));
        op.params.push(crate::discovery::Param {
            name: "api_key".into(),
            location: crate::discovery::ParamIn::Query,
            example: None,
            kind: None,
            required: false,
            collection: None,
            pattern: None,
        });
        assert!(super::takes_credential_query(&op));
    }

    #[test]
    fn every_rule_runs_somewhere_and_within_names_an_active_rule() {
        assert_eq!(REGISTRY.len(), RULES.len());
        for (meta, checks) in REGISTRY {
            assert!(!checks.is_empty(), "{} has no check", meta.id);
            for check in *checks {
                if let Check::Within(host) = check {
                    let (_, host_checks) = REGISTRY
                        .iter()
                        .find(|(m, _)| m.id == *host)
                        .unwrap_or_else(|| panic!("{} runs within unknown {host}", meta.id));
                    assert!(
                        host_checks.iter().any(|c| matches!(
                            c,
                            Check::Active { also_for, .. } if also_for.contains(&meta.id)
                        )),
                        "{host} does not run for {}",
                        meta.id
                    );
                }
            }
        }
    }

    /// One made-up exchange of a passive rule's fixture (`tests/passive/SCnnn.yaml`).
    #[derive(serde::Deserialize)]
    struct Case {
        note: String,
        expect: bool,
        #[serde(default)]
        actor: Option<String>,
        method: String,
        path: String,
        status: u16,
        #[serde(default)]
        headers: std::collections::BTreeMap<String, String>,
        body: String,
    }

    /// A probe of `http://127.0.0.1:9/` that never sends anything: what a passive check
    /// needs to read exchanges.
    fn offline_probe() -> crate::probe::Probe {
        let options = crate::probe::Options {
            base: url::Url::parse("http://127.0.0.1:9/").unwrap(),
            settings: crate::engine::Settings::default(),
            placement: crate::auth::Placement::Bearer,
            detect_placement: false,
            user: None,
            user_b: None,
            admin: None,
            limited: None,
            self_register: false,
            logins: crate::probe::Logins::default(),
            enum_window: 0,
            openapi: None,
            canary: None,
            source_ops: Vec::new(),
            public_routes: Vec::new(),
            known_keys: Vec::new(),
            token_headers: Vec::new(),
            enabled: Box::new(|_| true),
            progress: std::sync::Arc::new(crate::engine::Unwatched),
            observer: None,
        };
        crate::probe::start(options).ok().unwrap().0
    }

    #[test]
    fn passive_rules_on_their_annotated_fixtures() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/passive");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(files.len() >= 4, "fixtures missing in {}", dir.display());
        let p = offline_probe();
        let mut failures = Vec::new();
        for file in files {
            let id = file.file_stem().unwrap().to_str().unwrap().to_owned();
            let (_, checks) = REGISTRY
                .iter()
                .find(|(m, _)| m.id == id)
                .unwrap_or_else(|| panic!("{id}: no such rule"));
            let passive: Vec<_> = checks
                .iter()
                .filter_map(|c| match c {
                    Check::Passive(run) => Some(*run),
                    _ => None,
                })
                .collect();
            assert!(!passive.is_empty(), "{id} has no passive check");
            let cases: Vec<Case> =
                serde_norway::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            let (mut planted, mut safe) = (0, 0);
            for (seq, case) in cases.into_iter().enumerate() {
                let url = p.url(&case.path);
                let mut request = crate::engine::Request::new(
                    case.actor.as_deref().unwrap_or("anonymous"),
                    case.method.parse().unwrap(),
                    url.clone(),
                );
                request.headers.clear();
                let mut response = crate::engine::Response::for_tests(case.status, &case.body);
                response.url = url;
                response.headers = case.headers.into_iter().collect();
                let exchange = std::sync::Arc::new(crate::engine::Exchange {
                    seq: seq as u64,
                    request,
                    response,
                });
                let found: Vec<_> = passive
                    .iter()
                    .flat_map(|run| run(&p, std::slice::from_ref(&exchange)))
                    .collect();
                if found.iter().any(|f| f.rule_id != id) {
                    failures.push(format!("{id} {}: another rule's finding", case.note));
                }
                if found.is_empty() == case.expect {
                    failures.push(format!(
                        "{id} {}: expected {}, found {}",
                        case.note,
                        if case.expect { "a finding" } else { "none" },
                        found.len()
                    ));
                }
                if case.expect {
                    planted += 1;
                } else {
                    safe += 1;
                }
            }
            assert!(planted > 0 && safe > 0, "{id}: a fixture needs both kinds");
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }
}
