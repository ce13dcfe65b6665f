//! One probe run: reach the target, learn its not-found answer, discover operations,
//! take every read operation's baseline as user A (and B), replay them anonymously, then
//! let the active rules send their requests and the passive rules read every exchange.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::Value;
use spillcheck_core::{Diagnostic, DiagnosticLevel, Finding, HttpEvidence, PublicRoutes, redact};
use spillcheck_tokens::jwt::Jwt;
use url::Url;

use crate::auth::{Identity, Placement};
use crate::discovery::{self, Operation, Origin, ParamIn, Security, SeenIds};
use crate::engine::{Actor, Engine, Exchange, Fatal, Request, SendError, Settings};
use crate::inspect::{self, NotFound};
use crate::rules;

/// Which rules are enabled (rules not enabled send no requests).
pub type Enabled = Box<dyn Fn(&str) -> bool + Send + Sync>;

/// What a probe run is given.
pub struct Options {
    /// The target's base URL.
    pub base: Url,
    /// The engine's limits.
    pub settings: Settings,
    /// Where tokens go.
    pub placement: Placement,
    /// Whether the placement was the default, not given: the probe then learns where the
    /// API takes tokens (Bearer, `Token`, a bare token, a custom header).
    pub detect_placement: bool,
    /// User A (`--token`).
    pub user: Option<Identity>,
    /// User B (`--token-b`).
    pub user_b: Option<Identity>,
    /// An administrator (`--admin-token`).
    pub admin: Option<Identity>,
    /// A token lacking a scope (`--token-limited`).
    pub limited: Option<Identity>,
    /// Register two users and use them as A and B (`--self-register`, needs writes).
    pub self_register: bool,
    /// `--user` credentials for A, B, admin and the limited user, for the slots no token
    /// filled: the probe finds the login operation and logs in.
    pub logins: Logins,
    /// How many ids on each side of the caller's own ids enumeration tries.
    pub enum_window: u32,
    /// `--openapi FILE|URL`.
    pub openapi: Option<String>,
    /// A canary token to send (when logs are to be searched for it afterwards).
    pub canary: Option<String>,
    /// Operations from the code analysis (`--source`).
    pub source_ops: Vec<Operation>,
    /// Routes public by design (config `public-routes`).
    pub public_routes: Vec<String>,
    /// Keys the code holds (SC130's and SC131's literals), tried on the users' tokens with
    /// the built-in list: the secret that signs an expired copy (SC204) and impersonation.
    pub known_keys: Vec<String>,
    /// Custom headers the code reads credentials from (`X-Session-Token`): tried first
    /// when the API refuses the users' tokens as `Authorization: Bearer`.
    pub token_headers: Vec<String>,
    /// Which rules run (the others send no requests).
    pub enabled: Enabled,
    /// Whoever watches the probe's progress.
    pub progress: Arc<dyn crate::engine::Progress>,
    /// Called after every request (`--verbose`).
    pub observer: Option<crate::engine::Observer>,
}

/// Credentials per role (`--user` twice, `--admin-user`, `--limited-user`).
#[derive(Debug, Default, Clone)]
pub struct Logins {
    /// User A.
    pub user: Option<crate::auth::Credentials>,
    /// User B.
    pub user_b: Option<crate::auth::Credentials>,
    /// An administrator.
    pub admin: Option<crate::auth::Credentials>,
    /// A user lacking a scope or role.
    pub limited: Option<crate::auth::Credentials>,
}

/// What a probe run found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Findings of the api rules.
    pub findings: Vec<Finding>,
    /// Problems and skipped checks.
    pub diagnostics: Vec<Diagnostic>,
    /// Every token and forged token used: no output may show them.
    pub secrets: Vec<String>,
    /// Requests sent.
    pub requests: u64,
    /// Operations probed.
    pub operations: usize,
    /// What stopped the run early, if anything.
    pub fatal: Option<Fatal>,
    /// Routes where the cross-user test proved the ownership check holds.
    pub enforced: Vec<spillcheck_core::Route>,
    /// Accounts the probe registered (their names; passwords never leave the run).
    pub created_users: Vec<String>,
    /// Credentials the probe made up (malformed and forged tokens).
    pub forged: Vec<String>,
    /// The real identities' tokens as the run ended (label, token).
    pub tokens: Vec<(String, String)>,
    /// Tokens of the scan's own accounts of other kinds (merchants beside customers), by
    /// the login operation that issued them (path, token).
    pub realm_tokens: Vec<(String, String)>,
    /// The operation user A's `--user` credentials logged in with (method, path), which
    /// issued A's token.
    pub a_login: Option<(String, String)>,
    /// The other JWTs A's login answered beside A's token (a refresh token), audited too.
    pub login_tokens: Vec<String>,
    /// The API description's operations as documented (when one was read).
    pub documented: Option<Vec<Operation>>,
    /// What the running API answered for each probed operation (the inventory's live view).
    pub live: Vec<(String, String, crate::inventory::Live)>,
}

/// An operation with the concrete path probed and the baseline answers.
#[derive(Debug, Clone)]
pub struct Probed {
    /// The operation.
    pub op: Operation,
    /// The concrete path (parameters filled) and query.
    pub path: String,
    /// User A's answer.
    pub user: Option<Arc<Exchange>>,
    /// The anonymous answer.
    pub anon: Option<Arc<Exchange>>,
}

impl Probed {
    /// Whether user A got a 2xx.
    pub fn user_ok(&self) -> bool {
        self.user.as_ref().is_some_and(|e| e.response.ok())
    }

    /// Whether the anonymous request was refused (the operation is protected): 401/403, a
    /// redirect to a login page, a login form, a 2xx saying it failed.
    pub fn anon_refused(&self) -> bool {
        self.anon
            .as_ref()
            .is_some_and(|e| inspect::refused(&e.response, self.user.as_ref().map(|u| &u.response)))
    }

    /// A read user A gets and an anonymous caller is refused: what credential checks try.
    pub fn protected_read(&self) -> bool {
        self.op.method == "GET" && self.user_ok() && self.anon_refused()
    }
}

/// The `n` simplest of `reads` (fewest path parameters, shortest path), then up to three
/// more so that each security scheme and each verifying decorator among them is tried
/// once: a route under a laxer verifier (`@device_token_required` beside
/// `@jwt_required()`) is where a forged token gets in.
fn choose_reads(mut reads: Vec<&Probed>, n: usize) -> Vec<&Probed> {
    reads.sort_by_key(|p| (p.op.path_params().count(), p.op.path.len()));
    let mut chosen: Vec<&Probed> = reads.iter().take(n).copied().collect();
    for pr in &reads {
        let covered = |s: &String| chosen.iter().any(|c| c.op.schemes.contains(s));
        if chosen.len() < n + 3 && pr.op.schemes.iter().any(|s| !covered(s)) {
            chosen.push(pr);
        }
    }
    chosen
}

/// What is known about user A: their emails and ids, from the token and `/me`-like answers.
#[derive(Debug, Default, Clone)]
pub struct Own {
    /// A's email addresses.
    pub emails: Vec<String>,
    /// A's ids (`sub`, `id` of the profile).
    pub ids: Vec<String>,
    /// Phone numbers in A's own profile.
    pub phones: Vec<String>,
    /// A's user names (`username` claims and profile fields).
    pub names: Vec<String>,
    /// A's own natural keys by normalized name (`accountnumber` → `7584716272`), from the
    /// login answer, `/me`-like answers and the token's claims: what a `{account_number}`
    /// parameter of A's own objects takes, whatever other people's values A also saw.
    pub keyed: BTreeMap<String, Vec<String>>,
}

impl Own {
    /// A's own values for a parameter, by its normalized name (generic `id`s excluded:
    /// they are in `ids` when they name the user).
    pub fn values_for(&self, name: &str) -> &[String] {
        self.keyed
            .get(&spillcheck_core::vocab::normalize(name))
            .map_or(&[], Vec::as_slice)
    }

    fn learn_key(&mut self, key: &str, v: &Value) {
        let n = spillcheck_core::vocab::normalize(key);
        // The caller's own group, by its name (`"org": "northfield"` in `/me`): the value
        // of a path's `{org}`.
        let tenant = matches!(
            n.as_str(),
            "org" | "organization" | "organisation" | "team" | "workspace" | "tenant" | "company"
        ) && v.is_string();
        if matches!(n.as_str(), "id" | "pk" | "uuid" | "slug")
            || !(tenant || discovery::is_id_key(key))
        {
            return;
        }
        let text = match v {
            Value::Number(x) if x.as_u64().is_some() => x.to_string(),
            Value::String(s) if !s.is_empty() && s.len() <= 64 && !s.contains(['/', ' ']) => {
                s.clone()
            }
            _ => return,
        };
        if matches!(n.as_str(), "userid" | "uid") && !self.ids.contains(&text) {
            self.ids.push(text.clone());
        }
        let e = self.keyed.entry(n).or_default();
        if !e.contains(&text) && e.len() < 8 {
            e.push(text);
        }
    }
}

/// The state rules read and act on.
pub struct Probe {
    /// The engine.
    pub engine: Engine,
    /// The target.
    pub base: Url,
    /// Where tokens go.
    pub placement: Placement,
    /// User A.
    pub user: Option<Identity>,
    /// User B.
    pub user_b: Option<Identity>,
    /// Admin.
    pub admin: Option<Identity>,
    /// A token lacking a scope.
    pub limited: Option<Identity>,
    /// Probed operations with their baselines.
    pub ops: Vec<Probed>,
    /// The site's not-found answer.
    pub not_found: NotFound,
    /// A's identity facts.
    pub own: Own,
    /// B's identity facts.
    pub own_b: Own,
    /// Ids seen in A's answers.
    pub seen_a: SeenIds,
    /// Ids seen in B's answers.
    pub seen_b: SeenIds,
    /// Ids on each side of the caller's own ids that enumeration tries.
    pub enum_window: u32,
    /// Routes where the cross-user test proved the ownership check holds.
    pub enforced: Mutex<Vec<spillcheck_core::Route>>,
    /// Accounts the probe registered.
    pub created_users: Mutex<Vec<String>>,
    /// What user B created in the write phase (with `--allow-writes`).
    pub created_b: crate::writes::CreatedByB,
    /// (collection path, id) of each object user A created in the write phase.
    pub created_a: Vec<(String, String)>,
    /// The creating POSTs on collections that worked for user A in the write phase, with
    /// the body A sent (`POST /api/notes`): sent again without a token by SC201.
    pub creates_a: Vec<(Probed, Value)>,
    /// Anonymous reads sent again after the writes, by concrete path: an open route whose
    /// first answer held nothing (A had no records yet) may hold A's records now.
    pub anon_after: Vec<(String, Arc<Exchange>)>,
    /// Operations withheld because they set a password, that name one user in their path
    /// (`PUT /users/{username}/password`): sent only by the takeover check, aimed at B.
    pub password_ops: Vec<Probed>,
    /// The operations set aside for their side effects (never sent): the inventory asks the
    /// router whether they exist (`OPTIONS`) like the others no phase sent.
    pub set_aside: Vec<Probed>,
    /// User B's credentials (`--user` for B), when B logs in with a password.
    pub b_credentials: Option<crate::auth::Credentials>,
    /// The users sign in with the session cookie their login set (a web app's login that
    /// hands out no token): pages behind that login are tested with it.
    pub session_login: bool,
    /// Where tokens go was not judged: no read the scan knew of refused anonymous callers
    /// (no description yet); judged again once the site's links name operations.
    pub placement_unjudged: bool,
    /// The login that worked for user A's `--user` credentials, with the request that
    /// worked (failed attempts for SC260/SC261 are sent in the same shape).
    pub a_login: Option<crate::login::Form>,
    /// The other JWTs A's login answered beside A's token (a refresh token).
    pub login_tokens: Vec<String>,
    /// Writes A's token was refused on (for the scan's accounts of other kinds).
    pub refused_writes: Vec<Probed>,
    /// The HMAC secret of A's token, when weak enough to be found.
    pub token_secret: Option<String>,
    /// Keys the code holds, tried when cracking the users' tokens.
    pub known_keys: Vec<String>,
    /// Custom headers the code reads credentials from, then those refusals named.
    pub token_headers: Vec<String>,
    /// Public routes from the configuration.
    pub public: PublicRoutes,
    /// The accounts the probe registered (once, with `--allow-writes`).
    pub owned: tokio::sync::OnceCell<Vec<crate::login::Account>>,
    enabled: Enabled,
    diagnostics: Mutex<Vec<Diagnostic>>,
    secrets: Mutex<Vec<String>>,
    forged: Mutex<Vec<String>>,
}

fn rand_token() -> String {
    use rand::Rng as _;
    let mut rng = rand::rng();
    (0..12)
        .map(|_| char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[rng.random_range(0..36)]))
        .collect()
}

/// `n` random decimal digits (wrong one-time codes).
pub fn random_digits(n: usize) -> String {
    use rand::Rng as _;
    let mut rng = rand::rng();
    (0..n)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

/// A random lower-case alphanumeric string (for unknown users, random paths).
pub fn random_name() -> String {
    rand_token()
}

impl Probe {
    /// Whether a rule is enabled.
    pub fn enabled(&self, rule: &str) -> bool {
        (self.enabled)(rule)
    }

    /// Records a diagnostic (once: a phase run twice says it once).
    pub fn diagnose(&self, level: DiagnosticLevel, message: impl Into<String>) {
        let message = message.into();
        if let Ok(mut d) = self.diagnostics.lock()
            && !d.iter().any(|x| x.message == message)
        {
            d.push(Diagnostic {
                level,
                message,
                path: None,
                line: None,
            });
        }
    }

    /// Registers a credential the probe made up (malformed, forged): redacted like a
    /// secret, and not reported when the target's logs echo it back.
    pub fn forged(&self, s: &str) {
        self.secret(s);
        if let Ok(mut v) = self.forged.lock() {
            v.push(s.to_owned());
        }
    }

    /// Registers a secret (a forged token) so no output shows it.
    pub fn secret(&self, s: &str) {
        if let Ok(mut v) = self.secrets.lock() {
            v.push(s.to_owned());
        }
    }

    /// The absolute URL of a path (and query) on the target.
    pub fn url(&self, path_and_query: &str) -> Url {
        let mut u = self.base.clone();
        let (path, query) = path_and_query
            .split_once('?')
            .map_or((path_and_query, None), |(p, q)| (p, Some(q)));
        let prefix = self.base.path().trim_end_matches('/');
        u.set_path(&format!("{prefix}{path}"));
        u.set_query(query);
        u.set_fragment(None);
        u
    }

    /// A request by `actor` for `path` (a concrete path with query).
    pub fn request(&self, actor: impl Into<Actor>, method: Method, path: &str) -> Request {
        Request::new(actor, method, self.url(path))
    }

    /// Sends a request without credentials.
    pub async fn anon(&self, req: Request) -> Result<Arc<Exchange>, SendError> {
        self.engine.send(req).await
    }

    /// A write refused with 428 Precondition Required (flask-smorest's ETags: a `PUT` needs
    /// `If-Match`) is sent again as a client would: with the `ETag` of the identity's own
    /// read of the same URL just before, else `If-Match: *`. `None` when it is no such write.
    async fn with_precondition(
        &self,
        who: &Identity,
        req: &Request,
        sent: &str,
    ) -> Option<Arc<Exchange>> {
        if req.method == Method::GET
            || req
                .headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("if-match"))
        {
            return None;
        }
        let mut read = Request::new(req.actor.clone(), Method::GET, req.url.clone());
        read.token_only = req.token_only;
        let etag = match self.engine.send(self.as_identity(who, &read, sent)).await {
            Ok(x) if x.response.ok() => x.response.header("etag").map(str::to_owned),
            _ => None,
        };
        let again = req
            .clone()
            .header("If-Match", etag.as_deref().unwrap_or("*"));
        self.engine
            .send(self.as_identity(who, &again, sent))
            .await
            .ok()
    }

    /// Sends a request as `who`; when the API refuses a token with 401 and the identity
    /// has a token command, the token is refreshed once and the request sent again.
    pub async fn send_as(&self, who: &Identity, req: Request) -> Result<Arc<Exchange>, SendError> {
        let sent = who.token();
        let mut ex = self.engine.send(self.as_identity(who, &req, &sent)).await?;
        if ex.response.status == 428 {
            ex = self.with_precondition(who, &req, &sent).await.unwrap_or(ex);
        }
        let path = req.url.path().to_owned();
        if ex.response.status != 401 {
            if who.token() == sent {
                who.served(ex.response.ok().then_some(path.as_str()));
            }
            return Ok(ex);
        }
        if who.refused_here(&path) {
            return Ok(ex); // refused to this user even with a fresh token before
        }
        // Requests refused together wait for one new login, then use its token.
        let _turn = match who.login_request() {
            Some(_) => Some(who.login_turn().await),
            None => None,
        };
        let current = who.token();
        if current != sent {
            // Another request logged in again (or refreshed) meanwhile: use the new token.
            let retried = self
                .engine
                .send(self.as_identity(who, &req, &current))
                .await?;
            if retried.response.status == 401 && who.login_request().is_some() {
                who.refused_fresh(&path);
            }
            return Ok(retried);
        }
        if let Some(login) = who.relogin(&path) {
            // `--user`: log in again, as the user would.
            let mut l = login.clone();
            l.actor = Actor::Other(format!("login ({})", who.label));
            if let Ok(answer) = self.engine.send(l).await
                && answer.response.ok()
                && let Some(token) = crate::login::login_token(self, &answer)
            {
                self.secret(&token);
                who.set_token(&token);
                // The new login's session replaces the old one.
                self.keep_session(who, &answer.response);
                let retried = self
                    .engine
                    .send(self.as_identity(who, &req, &token))
                    .await?;
                if retried.response.status == 401 {
                    // A fresh token refused too: the route is not this user's (another
                    // kind of account's); three in a row and 401s on new routes are refusals.
                    who.refused_fresh(&path);
                } else {
                    who.fresh_worked();
                }
                return Ok(retried);
            }
            who.login_gave_nothing();
            return Ok(ex);
        }
        match who.refresh(&sent).await {
            Ok(true) => {
                let token = who.token();
                self.secret(&token);
                return self.engine.send(self.as_identity(who, &req, &token)).await;
            }
            Ok(false) => {}
            Err(e) => self.diagnose(DiagnosticLevel::Warning, e),
        }
        Ok(ex)
    }

    /// Keeps the session cookies a login answer set for `who` (see
    /// [`Identity::set_session`]), their values registered as secrets to redact.
    pub fn keep_session(&self, who: &Identity, answer: &crate::engine::Response) {
        self.keep_session_cookies(who, &answer.set_cookies());
    }

    /// Keeps `cookies` as `who`'s session (see [`Identity::set_session`]), their values
    /// registered as secrets to redact.
    pub fn keep_session_cookies(&self, who: &Identity, cookies: &[(String, String)]) {
        who.set_session(cookies);
        if let Some(session) = who.session() {
            for c in session.split("; ") {
                self.secret(c.split_once('=').map_or(c, |(_, v)| v));
            }
        }
    }

    /// `req` sent as `who` with `token` where the API expects it.
    fn as_identity(&self, who: &Identity, req: &Request, token: &str) -> Request {
        let mut r = req.clone();
        r.headers.push(self.placement.header(token));
        if !req.token_only
            && let Some(session) = who.session()
            && !r
                .headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("cookie"))
        {
            r.headers.push(("cookie".to_owned(), session));
        }
        r.actor.clone_from(&who.label);
        r
    }

    /// The path of the login the users (user A) logged in at with `--user`, if they did:
    /// the kind of account the scan's own checks aim at first.
    pub fn users_login_path(&self) -> Option<String> {
        // The operation's own path (`/api/accounts/{name}/token`), else the request's.
        self.a_login
            .as_ref()
            .map(|f| f.op.path.clone())
            .or_else(|| {
                self.user
                    .as_ref()
                    .and_then(|u| u.login_request())
                    .map(|r| r.url.path().to_owned())
            })
    }

    /// Sends a request with one raw credential header (forged and malformed tokens).
    pub async fn with_header(
        &self,
        label: impl Into<Actor>,
        header: Option<(String, String)>,
        mut req: Request,
    ) -> Result<Arc<Exchange>, SendError> {
        req.actor = label.into();
        if let Some(h) = header {
            req.headers.push(h);
        }
        self.engine.send(req).await
    }

    /// Protected operations A reads successfully and anonymous callers cannot: where
    /// forged credentials are tried. Simple ones (no path parameters) first; then one of
    /// each security scheme the description names that those do not cover (`/documents`
    /// under an `uploaderAuth` of its own, checked by other code).
    pub fn protected_reads(&self, n: usize) -> Vec<&Probed> {
        choose_reads(self.ops.iter().filter(|p| p.protected_read()).collect(), n)
    }

    /// A finding of `rule` on an operation: `METHOD path: why`, on its route, with the
    /// decisive exchange and the others that show it.
    pub fn finding_on(
        &self,
        rule: &spillcheck_core::RuleMeta,
        op: &Operation,
        why: &str,
        main: &Exchange,
        others: &[&Exchange],
    ) -> Finding {
        Finding::new(rule, format!("{} {}: {why}", op.method, op.path))
            .on_route(&op.method, &op.path)
            .with_http(self.evidence(main, why, others))
    }

    /// The HTTP evidence of a finding: the decisive exchange plus others.
    pub fn evidence(&self, main: &Exchange, what: &str, others: &[&Exchange]) -> HttpEvidence {
        let mut exchanges: Vec<spillcheck_core::Exchange> =
            others.iter().map(|e| self.exchange(e)).collect();
        exchanges.push(self.exchange(main));
        HttpEvidence {
            method: main.request.method.to_string(),
            url: main.request.url.to_string(),
            status: main.response.status,
            evidence: what.to_owned(),
            exchanges,
        }
    }

    /// One exchange for a report: credential values redacted, the headers that matter,
    /// the start of the body.
    pub fn exchange(&self, e: &Exchange) -> spillcheck_core::Exchange {
        let cred = self.placement.header_name().to_ascii_lowercase();
        let request_headers = e
            .request
            .headers
            .iter()
            .map(|(k, v)| {
                let lk = k.to_ascii_lowercase();
                if lk == "cookie" {
                    // Each cookie's value redacted, its name kept (`session=…; theme=…`).
                    let shown: Vec<String> = v
                        .split(';')
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .map(|c| match c.split_once('=') {
                            Some((name, value)) => format!("{name}={}", redact(value)),
                            None => redact(c),
                        })
                        .collect();
                    (k.clone(), shown.join("; "))
                } else if lk == "authorization" || lk == cred {
                    let (scheme, rest) = v.split_once(' ').unwrap_or(("", v.as_str()));
                    let shown = if rest.is_empty() {
                        String::new()
                    } else {
                        redact(rest)
                    };
                    (k.clone(), format!("{scheme} {shown}").trim().to_owned())
                } else {
                    (k.clone(), v.clone())
                }
            })
            .collect();
        const SHOWN: &[&str] = &[
            "content-type",
            "server",
            "x-powered-by",
            "cache-control",
            "location",
            "www-authenticate",
            "retry-after",
            "strict-transport-security",
            "access-control-allow-origin",
            "access-control-allow-credentials",
        ];
        let response_headers = e
            .response
            .headers
            .iter()
            .filter(|(k, _)| SHOWN.contains(&k.as_str()))
            .cloned()
            .collect();
        spillcheck_core::Exchange {
            actor: e.request.actor.to_string(),
            method: e.request.method.to_string(),
            url: e.request.url.to_string(),
            request_headers,
            status: e.response.status,
            response_headers,
            body_excerpt: inspect::excerpt(&inspect::without_secrets(&e.response.text()), 600),
        }
    }

    /// A URL path as the API's templates spell it: without the base URL's own path
    /// (`/v1/api/notes` → `/api/notes` under `http://host/v1`).
    pub(crate) fn api_path<'u>(&self, url_path: &'u str) -> &'u str {
        url_path
            .strip_prefix(self.base.path().trim_end_matches('/'))
            .unwrap_or(url_path)
    }

    /// The route (method, template) of an exchange, when it was sent for an operation.
    pub fn route_of(&self, e: &Exchange) -> Option<(&str, &str)> {
        let path = self.api_path(e.request.url.path());
        let method = e.request.method.as_str();
        let same_path = |p: &&Probed| p.path.split('?').next() == Some(path);
        let exact = self
            .ops
            .iter()
            .filter(same_path)
            .find(|p| p.op.method == method)
            .or_else(|| self.ops.iter().find(same_path));
        // Otherwise the template the path fits, the one with the most literal segments.
        let fits = || {
            self.ops
                .iter()
                .filter(|p| p.op.method == method)
                .filter_map(|p| template_fit(&p.op.path, path).map(|n| (n, p)))
                .max_by_key(|(n, _)| *n)
                .map(|(_, p)| p)
        };
        exact
            .or_else(fits)
            .map(|p| (p.op.method.as_str(), p.op.path.as_str()))
    }

    /// A request for operation `pr` at `path` with `body` in the operation's content type
    /// and its method.
    pub fn write_request(
        &self,
        actor: impl Into<Actor>,
        pr: &Probed,
        path: &str,
        body: &Value,
    ) -> Request {
        let method: Method = pr.op.method.parse().unwrap_or(Method::POST);
        self.request(actor, method, path)
            .body_for(pr.op.content_type(), body)
    }

    /// Whether an operation is public by design (documented so, or in the configuration).
    pub fn is_public(&self, op: &Operation) -> bool {
        op.security == Security::Public || self.public.matches(&op.method, &op.path)
    }

    /// Whether an operation issues tokens (login, token, refresh): tokens in its answers
    /// are expected.
    pub fn issues_tokens(path: &str) -> bool {
        let p = path.to_ascii_lowercase();
        [
            "login", "signin", "sign-in", "token", "oauth", "auth", "session", "refresh",
            "register", "signup",
        ]
        .iter()
        .any(|w| p.contains(w))
    }
}

/// Whether a concrete path fits a template (`/a/{id}` fits `/a/7`): the number of literal
/// segments matched, or `None`.
pub(crate) fn template_fit(template: &str, path: &str) -> Option<usize> {
    let t: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut literal = 0;
    for (a, b) in t.iter().zip(&p) {
        if a.starts_with('{') && a.ends_with('}') {
            if b.is_empty() {
                return None;
            }
        } else if a == b {
            literal += usize::from(!a.is_empty());
        } else {
            return None;
        }
    }
    Some(literal)
}

/// The operation a link seen in an answer stands for: numeric and UUID segments become
/// parameters (`/api/posts/7/comments` → `/api/posts/{id}/comments`) with the seen value
/// as their example.
pub(crate) fn seen_operation(link: &str) -> Operation {
    seen_operation_named(link, &[])
}

/// The user name a link segment is, of user A's own `names` (`/api/people/alice/documents`
/// is `/api/people/{username}/documents`): not the link's first segment, nor a word too short
/// to be told from the path's own.
fn own_name_segment(segs: &[&str], i: usize, names: &[String]) -> bool {
    i > 1 && segs[i].len() >= 3 && names.iter().any(|n| n.eq_ignore_ascii_case(segs[i]))
}

/// [`seen_operation`], a segment that is one of user A's own `names` a `{username}`.
pub(crate) fn seen_operation_named(link: &str, names: &[String]) -> Operation {
    let is_id = |s: &str| {
        !s.is_empty()
            && (s.chars().all(|c| c.is_ascii_digit())
                || (s.len() == 36
                    && s.chars().filter(|c| *c == '-').count() == 4
                    && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')))
    };
    let mut n = 0;
    let mut examples = Vec::new();
    let segs: Vec<&str> = link.split('/').collect();
    let template: Vec<String> = segs
        .iter()
        .enumerate()
        .map(|(i, seg)| {
            let seg = *seg;
            if own_name_segment(&segs, i, names) && !examples.iter().any(|(n, _)| n == "username") {
                examples.push(("username".to_owned(), seg.to_owned()));
                "{username}".to_owned()
            } else if is_id(seg) {
                n += 1;
                let name = if n == 1 {
                    "id".to_owned()
                } else {
                    format!("id{n}")
                };
                examples.push((name.clone(), seg.to_owned()));
                format!("{{{name}}}")
            } else {
                seg.to_owned()
            }
        })
        .collect();
    let mut op = Operation::new("GET", &template.join("/"), Origin::Seen);
    for p in &mut op.params {
        if let Some((_, v)) = examples.iter().find(|(name, _)| *name == p.name) {
            p.example = Some(Value::from(v.clone()));
        }
    }
    op
}

/// What the links of an answer are measured against: the operations known already, the
/// collections that name parameters, and the ids learnt so far.
struct LinkContext<'a> {
    known: &'a [String],
    collections: &'a [String],
    seen: &'a SeenIds,
}

/// The links of an answer not yet known as operations, one per shape, into `links`; those to
/// actions with side effects into `aside` instead. `others` are probed already.
fn links_in(
    p: &Probe,
    json: &Value,
    lx: &LinkContext<'_>,
    others: &[&Probed],
    links: &mut Vec<Probed>,
    aside: &mut Vec<(Operation, String)>,
) {
    for link in discovery::links(json, &p.base) {
        // A link template (`/api/patients/{code}`, `{?patient}`) is an
        // operation, its values filled from what was learnt.
        if let Some(mut op) = discovery::template_operation(&link) {
            if set_aside_link(&op, aside) {
                continue;
            }
            if !lx.known.contains(&op.path) && !links.iter().any(|x| x.op.path == op.path) {
                discovery::name_collections_in(&mut op, lx.collections);
                let path = fill(&op, lx.seen, &p.own);
                links.push(Probed {
                    op,
                    path,
                    user: None,
                    anon: None,
                });
            }
            continue;
        }
        // A link to an object of a known operation is that operation, probed
        // already; others are learnt as one operation per shape
        // (`/api/posts/7` and `/api/posts/9` are `/api/posts/{id}`).
        if lx.known.iter().any(|t| template_fit(t, &link).is_some()) {
            continue;
        }
        let op = seen_operation_under_named(&link, lx.known, &p.own.names);
        // A link to an action with side effects (`/trips/2/archive`,
        // `/maintenance/reset-demo`) is set aside like a described one.
        if set_aside_link(&op, aside) {
            continue;
        }
        if !others
            .iter()
            .copied()
            .chain(links.iter())
            .any(|x: &Probed| {
                x.path.split('?').next() == Some(link.as_str())
                    || (x.op.origin == Origin::Seen && x.op.path == op.path)
            })
        {
            links.push(Probed {
                op,
                path: link,
                user: None,
                anon: None,
            });
        }
    }
}

/// The writes the operations learnt from links offer: user A's `OPTIONS` of each one A read
/// (`Allow: GET, POST, HEAD, OPTIONS` of `/api/households/1/bills`, Flask's answer for every
/// rule) names the methods its path also serves, learnt as operations of the same shape;
/// those with side effects set aside like a linked action. Nothing described says a
/// listing takes a `POST`; the crawl asks this of the pages it found, this of the links
/// learnt after it.
async fn linked_writes(
    p: &Probe,
    probed: &[Probed],
    aside: &mut Vec<(Operation, String)>,
) -> Vec<Probed> {
    let asked: Vec<&Probed> = probed
        .iter()
        .filter(|pr| pr.op.origin == Origin::Seen && pr.op.method == "GET" && pr.user_ok())
        .take(20)
        .collect();
    let answers = join_all(asked.iter().map(|pr| async {
        let req = p.request("user A", Method::OPTIONS, &pr.path);
        match &p.user {
            Some(user) => p.send_as(user, req).await.ok(),
            None => p.anon(req).await.ok(),
        }
    }))
    .await;
    let mut out: Vec<Probed> = Vec::new();
    for (pr, ex) in asked.into_iter().zip(answers) {
        let Some(ex) = ex.filter(|ex| ex.response.ok()) else {
            continue;
        };
        for op in crate::crawl::allowed_writes(&pr.op, &ex.response) {
            let known = probed
                .iter()
                .chain(out.iter())
                .any(|x| x.op.method == op.method && template_fit(&x.op.path, &pr.path).is_some());
            if known || set_aside_link(&op, aside) {
                continue;
            }
            out.push(Probed {
                op,
                path: pr.path.clone(),
                user: None,
                anon: None,
            });
        }
    }
    out
}

/// The linked operations with side effects: set aside (never sent) and named once.
fn set_aside_links(p: &mut Probe, aside: Vec<(Operation, String)>) {
    if !aside.is_empty() {
        let named: Vec<String> = aside
            .iter()
            .map(|(op, why)| format!("{} {} ({why})", op.method, op.path))
            .filter(|n| {
                !p.set_aside
                    .iter()
                    .any(|x| n.starts_with(&format!("{} {} ", x.op.method, x.op.path)))
            })
            .collect();
        for (op, _) in aside {
            if !p.set_aside.iter().any(|x| x.op.key() == op.key()) {
                p.set_aside.extend(unprobed(&[op]));
            }
        }
        if !named.is_empty() {
            p.diagnose(
                DiagnosticLevel::Warning,
                format!(
                    "not sent, side effects (linked from answers): {}",
                    listed(&named)
                ),
            );
        }
    }
}

/// Whether a linked operation has side effects (a GET that archives, resets, logs out):
/// noted once in `aside`, never sent.
fn set_aside_link(op: &Operation, aside: &mut Vec<(Operation, String)>) -> bool {
    let Some(why) = crate::writes::side_effect(op) else {
        return false;
    };
    if !aside.iter().any(|(o, _)| o.path == op.path) {
        aside.push((op.clone(), why.to_owned()));
    }
    true
}

/// [`seen_operation`], where a known template whose last segment is a parameter names the
/// start of the link (`/api/crew/{slug}` for `/api/crew/jonas-pereira-3f1a/card`): the
/// link's value there is that parameter (`/api/crew/{slug}/card`), so the items' links are
/// one operation, not one per item. The value must look like one (a digit, a dash or an
/// underscore in it), not a word such as `stats`.
/// User A's own `names` in the link are parameters too ([`seen_operation_named`]).
pub(crate) fn seen_operation_under_named(
    link: &str,
    known: &[String],
    names: &[String],
) -> Operation {
    let segs: Vec<&str> = link.split('/').collect();
    for t in known {
        let ts: Vec<&str> = t.split('/').collect();
        if !ts
            .last()
            .is_some_and(|x| x.starts_with('{') && x.ends_with('}'))
            || ts.len() >= segs.len()
        {
            continue;
        }
        let value = segs[ts.len() - 1];
        if !(value.contains(|c: char| c.is_ascii_digit() || c == '-' || c == '_')
            || own_name_segment(&segs, ts.len() - 1, names))
            || template_fit(t, &segs[..ts.len()].join("/")).is_none()
        {
            continue;
        }
        let rest = seen_operation(&format!("/{}", segs[ts.len()..].join("/")));
        if rest.path.contains('{') {
            continue; // more ids further on: the plain shape names them
        }
        let mut op = Operation::new("GET", &format!("{t}{}", rest.path), Origin::Seen);
        let values: BTreeMap<&str, &str> = ts
            .iter()
            .zip(&segs)
            .filter(|(t, _)| t.starts_with('{'))
            .map(|(t, v)| (t.trim_matches(['{', '}']), *v))
            .collect();
        for p in &mut op.params {
            p.example = values.get(p.name.as_str()).map(|v| Value::from(*v));
        }
        return op;
    }
    // Under a known template ending in a collection (`/trips/{id}/expenses`, learnt from a
    // link): the link's start is that template, with its values, and what follows its own
    // shape (`/trips/{id}/expenses/{id2}` for `/trips/2/expenses/3`). The longest one.
    let under = known
        .iter()
        .filter(|t| {
            let ts = t.split('/').count();
            t.contains('{')
                && !t.ends_with('}')
                && ts < segs.len()
                && template_fit(t, &segs[..ts].join("/")).is_some()
        })
        .max_by_key(|t| t.len());
    if let Some(t) = under {
        let ts: Vec<&str> = t.split('/').collect();
        let rest = seen_operation(&format!("/{}", segs[ts.len()..].join("/")));
        let taken: Vec<&str> = ts
            .iter()
            .filter(|x| x.starts_with('{'))
            .map(|x| x.trim_matches(['{', '}']))
            .collect();
        let mut values: BTreeMap<String, String> = ts
            .iter()
            .zip(&segs)
            .filter(|(t, _)| t.starts_with('{'))
            .map(|(t, v)| (t.trim_matches(['{', '}']).to_owned(), (*v).to_owned()))
            .collect();
        let mut path = rest.path.clone();
        for rp in rest.path_params() {
            let fresh = (2..64)
                .map(|k| format!("id{k}"))
                .find(|n| !taken.contains(&n.as_str()) && !values.contains_key(n))
                .unwrap_or_default();
            let name = if taken.contains(&rp.name.as_str()) {
                path = path.replace(&format!("{{{}}}", rp.name), &format!("{{{fresh}}}"));
                fresh
            } else {
                rp.name.clone()
            };
            if let Some(v) = rp.example.as_ref().and_then(Value::as_str) {
                values.insert(name, v.to_owned());
            }
        }
        let mut op = Operation::new("GET", &format!("{t}{path}"), Origin::Seen);
        for p in &mut op.params {
            p.example = values.get(p.name.as_str()).map(|v| Value::from(v.clone()));
        }
        return op;
    }
    seen_operation_named(link, names)
}

pub(crate) fn fill(op: &Operation, seen: &SeenIds, own: &Own) -> String {
    fill_nth(op, seen, own, 0).unwrap_or_default()
}

/// [`fill`] with the `nth` value learnt for the last path parameter (0: the first); `None`
/// when fewer were learnt.
pub(crate) fn fill_nth(op: &Operation, seen: &SeenIds, own: &Own, nth: usize) -> Option<String> {
    let mut values = BTreeMap::new();
    let last = op.path_params().last().map(|p| p.name.clone());
    for p in op.path_params() {
        let example = || p.example.as_ref().map(discovery::value_text);
        let skip = if Some(&p.name) == last.as_ref() {
            nth
        } else {
            0
        };
        // Only values of the shape the description gives (`^apt-[0-9a-f]{8}$`): a record's
        // other ids (its pet's UUID) name no appointment.
        let learnt = || {
            let prefix = op
                .path
                .split(&format!("{{{}}}", p.name))
                .next()
                .unwrap_or("");
            own.values_for(&p.name)
                .iter()
                .cloned()
                .chain(
                    seen.candidates(&p.name, prefix)
                        .iter()
                        .map(discovery::value_text),
                )
                .filter(|v| p.admits(v))
                .fold(Vec::<String>::new(), |mut acc, v| {
                    if !acc.contains(&v) {
                        acc.push(v);
                    }
                    acc
                })
                .into_iter()
                .nth(skip)
        };
        if skip > 0 {
            values.insert(p.name.clone(), learnt()?);
            continue;
        }
        // A link's value is one the server showed; a description's example is often a
        // placeholder (`shp_7Kq2`, `123`) that names no record: what the API answered
        // comes first.
        let v = if op.origin == crate::discovery::Origin::Seen {
            example().or_else(learnt)
        } else {
            learnt().or_else(example)
        }
        .unwrap_or_else(|| discovery::default_value(p));
        values.insert(p.name.clone(), v);
    }
    let mut path = discovery::render_path(&op.path, &values);
    let query: Vec<String> = op
        .params
        .iter()
        .filter(|p| {
            p.location == ParamIn::Query
                && (p.example.is_some() || p.required && !discovery::pages_or_sorts(&p.name))
                // `?api_key=`: a placeholder there would shadow the credential the probe
                // sends (Flask reads the first of two).
                && !crate::rules::credential_query_name(&p.name)
        })
        .map(|p| {
            // An id-like query parameter (`?account_number=`) takes the caller's own value,
            // else one seen under its name; one that names a person (`?owner=`) the
            // caller's own name or id.
            let v = p
                .example
                .as_ref()
                .map(discovery::value_text)
                .or_else(|| own.values_for(&p.name).first().cloned())
                .or_else(|| {
                    if !crate::authz::names_person(&p.name) {
                        return None;
                    }
                    // A bare person word (`owner`, `author`) takes a name first.
                    let bare = matches!(
                        p.name.to_ascii_lowercase().as_str(),
                        "owner" | "author" | "creator" | "user"
                    );
                    bare.then(|| own.names.first().cloned())
                        .flatten()
                        .or_else(|| {
                            crate::authz::identity_value_of(own, &p.name, p.kind.as_deref())
                        })
                })
                .or_else(|| {
                    // Named after a collection: one of the caller's records there.
                    let c = p.collection.as_deref()?;
                    seen.candidates(&p.name, c)
                        .first()
                        .map(discovery::value_text)
                })
                .or_else(|| {
                    discovery::is_id_key(&p.name)
                        .then(|| {
                            seen.candidates(&p.name, "?")
                                .first()
                                .map(discovery::value_text)
                        })
                        .flatten()
                })
                .unwrap_or_else(|| discovery::default_value(p));
            let enc: String = url::form_urlencoded::byte_serialize(v.as_bytes()).collect();
            format!("{}={enc}", p.name)
        })
        .collect();
    if !query.is_empty() {
        path.push('?');
        path.push_str(&query.join("&"));
    }
    Some(path)
}

/// A list for a diagnostic: the first twelve, then how many more.
fn listed(items: &[String]) -> String {
    let shown = items
        .iter()
        .take(12)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    match items.len().saturating_sub(12) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

/// Operations as not yet probed (their templates as paths): what the login and
/// registration finders read before the baselines.
fn unprobed(ops: &[Operation]) -> Vec<Probed> {
    ops.iter()
        .map(|op| Probed {
            op: op.clone(),
            path: op.path.clone(),
            user: None,
            anon: None,
        })
        .collect()
}

/// The pages that are login or account forms themselves (`/login`, `/merchant/register`,
/// `/reset-password`): a login form is their content, not a wall in front of it.
fn is_account_page(path: &str) -> bool {
    let last = discovery::last_segment(path);
    [
        "login", "signin", "sign-in", "register", "signup", "sign-up", "password", "forgot", "auth",
    ]
    .iter()
    .any(|w| last.contains(w))
}

/// Whether a path names the caller (`/me`, `/profile`, `/whoami`...).
/// Whether a request reads the caller's own account by name: one path parameter naming a
/// user (`GET /api/profile/{login}`), given the caller's own login name or id. Its answer
/// holds the caller's own e-mail as well as `/me`'s would.
fn names_own_account(own: &Own, pr: &Probed) -> bool {
    if pr.op.method != "GET" || pr.op.path_params().count() != 1 || !crate::authz::is_user_param(pr)
    {
        return false;
    }
    let Some(name) = pr.op.path_params().next().map(|p| p.name.as_str()) else {
        return false;
    };
    let Some(value) = crate::authz::identity_value(own, name) else {
        return false;
    };
    let mine = pr
        .op
        .path
        .replace(&format!("{{{name}}}"), &discovery::encode_segment(&value));
    pr.path.split('?').next() == Some(mine.as_str())
}

pub(crate) fn is_me_path(path: &str) -> bool {
    let last = discovery::last_segment(path);
    matches!(
        last.as_str(),
        "me" | "self" | "whoami" | "profile" | "account" | "current_user" | "userinfo" | "user"
    )
}

async fn load_openapi(p: &Probe, spec: &str) -> Result<Vec<Operation>, String> {
    let text = if spec.starts_with("http://") || spec.starts_with("https://") {
        let url = Url::parse(spec).map_err(|e| format!("--openapi {spec}: {e}"))?;
        if url.host_str() != p.base.host_str() {
            return Err(format!(
                "--openapi {spec}: only the target's own host is ever contacted; save the document and pass the file"
            ));
        }
        let ex = p
            .engine
            .send(Request::get("discovery", url).as_document())
            .await
            .map_err(|e| format!("--openapi {spec}: {e:?}"))?;
        if !ex.response.ok() {
            return Err(format!("--openapi {spec}: HTTP {}", ex.response.status));
        }
        ex.response.text().into_owned()
    } else {
        std::fs::read_to_string(spec).map_err(|e| format!("--openapi {spec}: {e}"))?
    };
    discovery::parse_openapi(&text).map_err(|e| format!("--openapi {spec}: {e}"))
}

/// The API description at the usual places, asked anonymously (`who` None) or as a
/// signed-in user; also the places that refused the caller (401, 403): a description served
/// only to signed-in users (mwdb-core's `/api/docs`) is asked again once A has logged in.
async fn well_known(
    p: &Probe,
    who: Option<&crate::auth::Identity>,
    paths: &[String],
) -> (Option<(String, Vec<Operation>)>, Vec<String>) {
    let send = |path: &str| {
        let req = p.request("discovery", Method::GET, path).as_document();
        async move {
            match who {
                Some(who) => p.send_as(who, req).await,
                None => p.anon(req).await,
            }
        }
    };
    let mut refused = Vec::new();
    for path in paths {
        let Ok(ex) = send(path).await else {
            continue;
        };
        if matches!(ex.response.status, 401 | 403) {
            refused.push(path.clone());
            continue;
        }
        if !ex.response.ok() || p.not_found.matches(&ex.response) {
            continue;
        }
        let text = ex.response.text();
        if let Ok(ops) = discovery::parse_openapi(&text) {
            return (Some((path.clone(), ops)), refused);
        }
        // A documentation page (Swagger UI, ReDoc, RapiDoc) names the document it shows
        // (`"url": "/static/openapi.json"`): fetch that one, on this origin.
        for spec in discovery::spec_urls_in_page(&text, ex.request.url.path()) {
            let Ok(sx) = send(&spec).await else {
                continue;
            };
            if sx.response.ok()
                && let Ok(ops) = discovery::parse_openapi(&sx.response.text())
            {
                return (Some((spec, ops)), refused);
            }
        }
    }
    (None, refused)
}

/// Runs the probe. `Err` only when the target cannot be reached at all.
pub async fn run(options: Options) -> Result<Outcome, Fatal> {
    let (mut p, plan) = start(options)?;
    reach(&mut p).await?;
    let mut found = discover(&mut p, plan.openapi.as_ref(), plan.source_ops).await;
    let login_seen = identities(
        &mut p,
        &found.ops,
        plan.logins,
        plan.self_register,
        plan.detect_placement,
    )
    .await;
    described_after_login(&mut p, &mut found).await;
    let learnt = learn(&mut p, found.ops, login_seen, found.documented.as_deref()).await;
    let cleanup = write(&mut p, learnt.refused).await;
    send_canary(&p, plan.canary.as_ref()).await;
    let findings = check(&mut p, &cleanup).await;
    Ok(outcome(p, findings, found.documented, learnt.live))
}

/// What the phases consume from the options, beside the probe's own state.
pub(crate) struct Plan {
    openapi: Option<String>,
    source_ops: Vec<Operation>,
    logins: Logins,
    self_register: bool,
    canary: Option<String>,
    detect_placement: bool,
}

/// Builds the probe's state and engine from the options.
pub(crate) fn start(options: Options) -> Result<(Probe, Plan), Fatal> {
    // Every header a token may go in, the ones the probe may learn too: dropped when a
    // redirect leaves the origin.
    let mut credential_headers = vec![options.placement.header_name()];
    credential_headers.extend(Placement::alternatives().iter().map(Placement::header_name));
    let engine = Engine::new(
        &options.base,
        options.settings,
        &credential_headers,
        options.progress,
    )
    .map_err(Fatal::Unreachable)?
    .observed(options.observer);
    let p = Probe {
        engine,
        base: options.base,
        placement: options.placement,
        user: options.user,
        user_b: options.user_b,
        admin: options.admin,
        limited: options.limited,
        ops: Vec::new(),
        not_found: NotFound::default(),
        own: Own::default(),
        own_b: Own::default(),
        seen_a: SeenIds::default(),
        seen_b: SeenIds::default(),
        enum_window: options.enum_window,
        enforced: Mutex::new(Vec::new()),
        created_users: Mutex::new(Vec::new()),
        created_b: crate::writes::CreatedByB::default(),
        created_a: Vec::new(),
        creates_a: Vec::new(),
        anon_after: Vec::new(),
        password_ops: Vec::new(),
        set_aside: Vec::new(),
        b_credentials: None,
        session_login: false,
        placement_unjudged: false,
        a_login: None,
        login_tokens: Vec::new(),
        refused_writes: Vec::new(),
        token_secret: None,
        known_keys: options.known_keys,
        token_headers: options.token_headers,
        public: PublicRoutes::new(&options.public_routes),
        owned: tokio::sync::OnceCell::new(),
        enabled: options.enabled,
        diagnostics: Mutex::new(Vec::new()),
        secrets: Mutex::new(Vec::new()),
        forged: Mutex::new(Vec::new()),
    };
    for who in [&p.user, &p.user_b, &p.admin, &p.limited]
        .into_iter()
        .flatten()
    {
        p.secret(&who.token());
    }
    let plan = Plan {
        openapi: options.openapi,
        source_ops: options.source_ops,
        logins: options.logins,
        self_register: options.self_register,
        canary: options.canary,
        detect_placement: options.detect_placement,
    };
    Ok((p, plan))
}

/// Phase 1: reach the target, and learn the site's answer to paths that do not exist.
async fn reach(p: &mut Probe) -> Result<(), Fatal> {
    p.engine.progress().phase("reaching the target");
    let first = p.anon(p.request("anonymous", Method::GET, "/")).await;
    if let Err(err) = first {
        return Err(p.engine.fatal().cloned().unwrap_or_else(|| {
            Fatal::Unreachable(match err {
                SendError::Failed(why) => why,
                other => format!("{other:?}"),
            })
        }));
    }

    // 2. The site's answer to paths that do not exist.
    for path in [
        format!("/spillcheck-{}", rand_token()),
        format!("/{}/{}.txt", rand_token(), rand_token()),
    ] {
        if let Ok(ex) = p.anon(p.request("anonymous", Method::GET, &path)).await {
            p.not_found.learn(ex.response.clone());
        }
    }
    Ok(())
}

/// The operations to probe, and the API description as documented (for the inventory).
struct Discovered {
    ops: Vec<Operation>,
    documented: Option<Vec<Operation>>,
    /// The usual places of a description that refused anonymous callers (401, 403).
    refused_docs: Vec<String>,
    /// The code's routes (asked again when a description turns up after the logins).
    source_ops: Vec<Operation>,
    /// The operations set aside for their side effects, as named in the warning.
    unsent: Vec<String>,
}

/// Phase 2: discover the operations (the API description, the code's routes), and set aside
/// those with side effects (the password setters are kept for the takeover check).
async fn discover(
    p: &mut Probe,
    openapi: Option<&String>,
    source_ops: Vec<Operation>,
) -> Discovered {
    p.engine.progress().phase("discovering operations");
    let mut ops = Vec::new();
    // The API description as documented, before the code's routes join it (the inventory).
    let mut documented: Option<Vec<Operation>> = None;
    let mut refused_docs = Vec::new();
    if let Some(spec) = openapi {
        match load_openapi(p, spec).await {
            Ok(found) => {
                documented = Some(found.clone());
                ops = found;
            }
            Err(e) => p.diagnose(DiagnosticLevel::Error, e),
        }
    } else {
        let paths = discovery::description_places(&source_ops);
        let (found, refused) = well_known(p, None, &paths).await;
        refused_docs = refused;
        if let Some((path, found)) = found {
            documented = Some(found.clone());
            p.diagnose(
                DiagnosticLevel::Warning,
                format!(
                    "using the API description served at {path} ({} operations)",
                    found.len()
                ),
            );
            ops = found;
        }
    }
    // The code's routes are kept only while a description may still come after the logins.
    let kept = if documented.is_none() && !refused_docs.is_empty() {
        source_ops.clone()
    } else {
        Vec::new()
    };
    let mut found = Discovered {
        ops: Vec::new(),
        documented,
        refused_docs,
        source_ops: kept,
        unsent: Vec::new(),
    };
    found.ops = described_with_code(p, ops, source_ops, &mut found.unsent);
    if found.ops.is_empty() {
        p.diagnose(
            DiagnosticLevel::Warning,
            "no API description found and no source given: operations are looked for in the site's links and at the usual paths (pass --openapi FILE or --source PATH for all of them)",
        );
    }
    found
}

/// The described operations with the code's routes merged in, and the operations with side
/// effects (logout, reset, seed...) taken out: they are never sent, named in one warning
/// (those `unsent` does not already name). DELETEs stay for the write tests on the scan's
/// own objects; the password setters are kept aside for the takeover check.
fn described_with_code(
    p: &mut Probe,
    mut ops: Vec<Operation>,
    mut source_ops: Vec<Operation>,
    unsent: &mut Vec<String>,
) -> Vec<Operation> {
    if let Some(prefix) = discovery::align_to_described(&ops, &mut source_ops) {
        p.diagnose(
            DiagnosticLevel::Warning,
            format!(
                "the code's routes are served under `{prefix}`, where the API description documents them: probed there"
            ),
        );
    }
    discovery::merge(&mut ops, source_ops);
    discovery::fold_versioned(&mut ops);
    let mut new_unsent = Vec::new();
    let mut password_ops = Vec::new();
    let mut aside = Vec::new();
    // An update of the caller's own record is sent without its password field.
    for op in &mut ops {
        crate::writes::without_password_fields(op);
    }
    ops.retain(|op| match crate::writes::side_effect(op) {
        Some(why) if op.method != "DELETE" => {
            aside.push(op.clone());
            let named = format!("{} {} ({why})", op.method, op.path);
            if !unsent.contains(&named) {
                new_unsent.push(named);
            }
            if why.contains("password") && op.path_params().count() == 1 {
                password_ops.push(op.clone());
            }
            false
        }
        _ => true,
    });
    for op in unprobed(&aside) {
        if !p.set_aside.iter().any(|x| x.op.key() == op.op.key()) {
            p.set_aside.push(op);
        }
    }
    for op in unprobed(&password_ops)
        .into_iter()
        .filter(crate::authz::is_user_param)
    {
        if !p.password_ops.iter().any(|x| x.op.key() == op.op.key()) {
            p.password_ops.push(op);
        }
    }
    if !new_unsent.is_empty() {
        p.diagnose(
            DiagnosticLevel::Warning,
            format!("not sent, side effects: {}", listed(&new_unsent)),
        );
        unsent.extend(new_unsent);
    }
    ops
}

/// A description that refused anonymous callers is asked again as user A once A has logged
/// in (an API that documents itself to its users only); found, it joins the code's routes
/// as the one read anonymously would have.
async fn described_after_login(p: &mut Probe, found: &mut Discovered) {
    if found.documented.is_some() || found.refused_docs.is_empty() {
        return;
    }
    let Some(a) = &p.user else {
        return;
    };
    let refused = std::mem::take(&mut found.refused_docs);
    let (Some((path, described)), _) = well_known(p, Some(a), &refused).await else {
        return;
    };
    p.diagnose(
        DiagnosticLevel::Warning,
        format!(
            "using the API description served to signed-in users at {path} ({} operations)",
            described.len()
        ),
    );
    found.documented = Some(described.clone());
    let source_ops = std::mem::take(&mut found.source_ops);
    found.ops = described_with_code(p, described, source_ops, &mut found.unsent);
}

/// Phase 3: the identities. `--user` logins for the slots no token filled, the scan's own
/// users (`--self-register`), what the tokens' claims say of A and B, and A's HMAC key when
/// it is weak. Returns the ids A's login answer named.
async fn identities(
    p: &mut Probe,
    ops: &[Operation],
    logins: Logins,
    self_register: bool,
    detect_placement: bool,
) -> SeenIds {
    // `--user`: log in as the users would, for every slot no token filled. What A's
    // login answers names A's own objects (ids, account numbers): learnt like a listing.
    let mut login_seen = SeenIds::default();
    // The cookie A's login handed its token out in, if only there.
    let mut a_cookie: Option<String> = None;
    // A's login answered no token, only that session cookie.
    let mut a_session_only = false;
    p.b_credentials.clone_from(&logins.user_b);
    if logins.user.is_some()
        || logins.user_b.is_some()
        || logins.admin.is_some()
        || logins.limited.is_some()
    {
        p.ops = unprobed(ops);
        // Logins that failed, said once the last round is over.
        let mut failed: Vec<String> = Vec::new();
        for round in 0..2 {
            if round == 1 {
                // Nothing described, no source, and no usual login path took the
                // credentials: the site's links are read anonymously, as a user would find
                // the login (`POST /api/v1/auth/tokens` named in the index), and the logins
                // tried again on what they name.
                if !(ops.is_empty() && p.user.is_none() && logins.user.is_some()) {
                    break;
                }
                let (found, _, _) = crate::crawl::blind(p).await;
                if found.is_empty() {
                    break;
                }
                p.ops = unprobed(&found);
                failed.clear();
            }
            for (label, creds) in [
                (Actor::UserA, &logins.user),
                (Actor::UserB, &logins.user_b),
                (Actor::Admin, &logins.admin),
                (Actor::Limited, &logins.limited),
            ] {
                let Some(creds) = creds else { continue };
                p.secret(&creds.password);
                let taken = match label {
                    Actor::UserA => p.user.is_some(),
                    Actor::UserB => p.user_b.is_some(),
                    Actor::Admin => p.admin.is_some(),
                    _ => p.limited.is_some(),
                };
                if taken {
                    continue;
                }
                match crate::login::log_in(p, label.label(), creds).await {
                    Ok(crate::login::LoggedIn {
                        identity,
                        answer,
                        form,
                        cookie,
                        session_only,
                    }) => {
                        p.secret(&identity.token());
                        // The parameters the account named itself in to log in are its own
                        // ids (`project_id` of `GET /api/projects/{project_id}/token`).
                        let own_ids = serde_json::Value::Object(
                            form.own_ids()
                                .into_iter()
                                .map(|(k, v)| (k, serde_json::Value::from(v)))
                                .collect(),
                        );
                        // The name the user logs in with is theirs: an address or a user name.
                        let login_name = |own: &mut Own| {
                            let n = creds.name.trim();
                            if n.contains('@') {
                                own.emails.extend(inspect::emails(n));
                            } else if !n.is_empty() && !own.names.iter().any(|x| x == n) {
                                own.names.push(n.to_owned());
                            }
                        };
                        match label {
                            Actor::UserA => {
                                login_name(&mut p.own);
                                a_cookie = cookie;
                                a_session_only = session_only;
                                p.a_login = Some(form);
                                login_seen.learn("", &own_ids);
                                if let Some(json) = &answer {
                                    login_seen.learn("", json);
                                    learn_own(&mut p.own, json);
                                    // A refresh token beside the access token: its lifetime is the
                                    // login's too.
                                    let own = identity.token();
                                    let mut found: Vec<String> = Vec::new();
                                    inspect::visit(json, &mut |_, v| {
                                        if let Some(t) = v.as_str()
                                            && t != own
                                            && Jwt::decode(t).is_ok()
                                            && !found.iter().any(|x| x == t)
                                        {
                                            found.push(t.to_owned());
                                        }
                                    });
                                    for t in &found {
                                        p.secret(t);
                                    }
                                    p.login_tokens = found;
                                }
                                p.user = Some(identity);
                            }
                            Actor::UserB => {
                                login_name(&mut p.own_b);
                                p.seen_b.learn("", &own_ids);
                                if let Some(json) = &answer {
                                    p.seen_b.learn("", json);
                                    learn_own(&mut p.own_b, json);
                                }
                                p.user_b = Some(identity);
                            }
                            Actor::Admin => p.admin = Some(identity),
                            _ => p.limited = Some(identity),
                        }
                    }
                    Err(why) => {
                        failed.push(format!("{label} ({}): could not log in: {why}", creds.name));
                    }
                }
            }
        }
        for why in failed {
            p.diagnose(DiagnosticLevel::Error, why);
        }
        p.ops.clear();
    }

    // Self-provisioned identities: the scan registers and logs in its own two users.
    if self_register {
        p.ops = unprobed(ops);
        crate::login::self_register(p).await;
        p.ops.clear();
    }

    // Where the API takes tokens, unless the user said.
    if detect_placement
        && let Err(unserved) =
            crate::login::settle_placement(p, ops, a_cookie.as_deref(), a_session_only).await
    {
        // A token served nowhere the scan reads (an API key only writes take): the web
        // login's session signs the users in instead, where the app has one.
        if !(a_session_only || session_instead(p, ops, &logins).await) {
            p.diagnose(
                DiagnosticLevel::Warning,
                format!(
                    "user A's token was served by none of {unserved} protected operations, as `Authorization: Bearer` or the usual other ways; give --auth-header or --auth-cookie"
                ),
            );
        }
    }

    // The tokens' claims tell who A and B are; a weak HMAC secret allows an expired copy.
    // Each user's token, and the web session that rides beside it (a hybrid app's form
    // login): a signed Flask session names its user too.
    let sessions = |i: &crate::auth::Identity| -> Vec<String> {
        let mut v = vec![i.token()];
        if let Some(s) = i.session() {
            v.extend(
                s.split("; ")
                    .filter_map(|c| c.split_once('=').map(|(_, v)| v.to_owned())),
            );
        }
        v
    };
    if let Some(user) = &p.user {
        for t in sessions(user) {
            learn_claims(&mut p.own, &t);
        }
    }
    if let Some(b) = &p.user_b {
        for t in sessions(b) {
            learn_claims(&mut p.own_b, &t);
        }
    }
    if let Some(user) = &p.user
        && let Ok(jwt) = Jwt::decode(&user.token())
        && let Some(found) =
            spillcheck_tokens::jwt::crack(&jwt, &p.known_keys).and_then(|r| r.secret)
    {
        p.secret(&found);
        p.token_secret = Some(found);
    }
    login_seen
}

/// Signs users A and B in again with the session of a web login (`log_in_session`), after
/// A's token was served nowhere; true when A's session took the token's place.
async fn session_instead(p: &mut Probe, ops: &[Operation], logins: &Logins) -> bool {
    let Some(creds) = &logins.user else {
        return false;
    };
    p.ops = unprobed(ops);
    let a = crate::login::log_in_session(p, Actor::UserA.label(), creds).await;
    let b = match (&a, &logins.user_b) {
        (Ok(_), Some(cb)) => crate::login::log_in_session(p, Actor::UserB.label(), cb)
            .await
            .ok(),
        _ => None,
    };
    let Ok(a) = a else {
        p.ops.clear();
        return false;
    };
    // The other identities signed in through the API login too: their tokens go nowhere
    // now. The web login for each, or none.
    let others = [
        (Actor::Admin, &logins.admin),
        (Actor::Limited, &logins.limited),
    ];
    let mut others_in = Vec::new();
    for (actor, creds) in others {
        if let Some(c) = creds {
            let label = actor.label().to_owned();
            others_in.push((actor, crate::login::log_in_session(p, &label, c).await.ok()));
        }
    }
    p.ops.clear();
    p.secret(&a.identity.token());
    p.a_login = Some(a.form);
    p.user = Some(a.identity);
    p.diagnose(
        DiagnosticLevel::Warning,
        "user A's API token was served by none of the protected reads: the users sign in through the web login instead",
    );
    match b {
        Some(b) => {
            p.secret(&b.identity.token());
            p.user_b = Some(b.identity);
        }
        None if logins.user_b.is_some() => {
            p.user_b = None;
            p.diagnose(
                DiagnosticLevel::Warning,
                "user B could not sign in through the web login: cross-user checks skipped",
            );
        }
        None => {}
    }
    for (actor, identity) in others_in {
        if let Some(i) = &identity {
            p.secret(&i.identity.token());
        }
        let slot = identity.map(|i| i.identity);
        match actor {
            Actor::Admin => p.admin = slot,
            _ => p.limited = slot,
        }
    }
    crate::login::settle_placement(p, ops, a.cookie.as_deref(), true)
        .await
        .is_ok()
}

/// What learning the API gave: the live inventory, and how many operations refused A.
struct Learnt {
    live: Vec<(String, String, crate::inventory::Live)>,
    refused: usize,
}

/// Phase 4: learn ids and baselines. A's answers to every operation (those without path
/// parameters first: listings and `/me` name ids), B's, links followed, anonymous replays of
/// what A could read; browser routes named.
async fn learn(
    p: &mut Probe,
    mut ops: Vec<Operation>,
    login_seen: SeenIds,
    documented: Option<&[Operation]>,
) -> Learnt {
    // Baselines: operations without path parameters first (listings and /me give ids),
    // then the others with ids filled in.
    p.engine.progress().phase("baseline requests");
    let mut seen = login_seen;
    // Nothing described and no source: the operations a tester finds by hand.
    if ops.is_empty() {
        let (mut found, mut unsent, mut aside) = crate::crawl::blind(p).await;
        // Where tokens go, judged now on the operations the links named (an API whose
        // token scheme is `Token`, whose one open-to-any-token route served Bearer); the
        // links are followed again with the tokens where they go.
        if std::mem::take(&mut p.placement_unjudged) && !found.is_empty() {
            let before = p.placement.clone();
            let _ = crate::login::settle_placement(p, &found, None, false).await;
            if p.placement != before {
                (found, unsent, aside) = crate::crawl::blind(p).await;
            }
        }
        for op in unprobed(&aside) {
            if !p.set_aside.iter().any(|x| x.op.key() == op.op.key()) {
                p.set_aside.push(op);
            }
        }
        if !unsent.is_empty() {
            p.diagnose(
                DiagnosticLevel::Warning,
                format!("not sent, side effects: {}", listed(&unsent)),
            );
        }
        let names: Vec<String> = found
            .iter()
            .map(|o| format!("{} {}", o.method, o.path))
            .collect();
        p.diagnose(
            DiagnosticLevel::Warning,
            if names.is_empty() {
                "no operations found in the site's links or at the usual paths: only site-wide checks ran".to_owned()
            } else {
                // All of them (at most sixty): what the rest of the scan could test.
                format!(
                    "{} operations found in the site's links and at the usual paths: {}",
                    names.len(),
                    names.join(", ")
                )
            },
        );
        ops = found;
    }
    discovery::name_collections(&mut ops);
    let collections = discovery::collections_of(&ops);
    ops.sort_by_key(|o| (o.path_params().count(), o.path.clone(), o.method.clone()));
    let known_templates: Vec<String> = ops
        .iter()
        .filter(|o| o.method == "GET")
        .map(|o| o.path.clone())
        .collect();
    // A query naming a record of another collection (`?doc=`) waits for that listing, and
    // an operation with path parameters for every listing (`/api/appointments{?patient}`
    // sent bare is one: an optional query is not sent).
    let sends_collection = |o: &Operation| {
        o.params.iter().any(|x| {
            x.collection.is_some()
                && x.location == ParamIn::Query
                && (x.required || x.example.is_some())
        })
    };
    let (listings, by_path): (Vec<Operation>, Vec<Operation>) =
        ops.into_iter().partition(|o| o.path_params().count() == 0);
    let (first_wave, second_wave): (Vec<Operation>, Vec<Operation>) =
        listings.into_iter().partition(|o| !sends_collection(o));
    let mut probed = Vec::new();
    // Links seen in answers to operations not yet known, one per shape.
    let mut links: Vec<Probed> = Vec::new();
    // Links to operations with side effects, never sent.
    let mut aside_links: Vec<(Operation, String)> = Vec::new();
    // Operations with path parameters in waves by how many they take: a nested listing
    // (`/orgs/{org}/plots`) answers before its items (`/orgs/{org}/plots/{plot_id}`) are
    // filled, so their ids are the ones it listed.
    let mut waves = vec![first_wave, second_wave];
    for op in by_path {
        let n = op.path_params().count();
        let joins = waves.len() > 2
            && waves
                .last()
                .and_then(|w| w.first())
                .is_some_and(|o| o.path_params().count() == n);
        match waves.last_mut() {
            Some(last) if joins => last.push(op),
            _ => waves.push(vec![op]),
        }
    }
    for wave in waves {
        let wave: Vec<Probed> = wave
            .into_iter()
            .map(|op| {
                let path = fill(&op, &seen, &p.own);
                Probed {
                    op,
                    path,
                    user: None,
                    anon: None,
                }
            })
            .collect();
        let mut answers = join_all(wave.iter().map(|pr| baseline(p, pr))).await;
        // A filter the code reads that the scan had to make up (`?flag=spillcheck`) can
        // empty a listing: without it, the listing shows what there is to learn.
        let mut wave = wave;
        for (pr, answer) in wave.iter_mut().zip(answers.iter_mut()) {
            let Some(bare) = without_made_up_query(pr) else {
                continue;
            };
            if answer.as_ref().is_some_and(|x| {
                x.response.ok()
                    && !inspect::failure_body(&x.response)
                    && !inspect::holds_no_data(&x.response)
            }) {
                continue;
            }
            if let Some(ex) = baseline_at(p, &pr.op, &bare).await
                && ex.response.ok()
                && !inspect::failure_body(&ex.response)
                && !inspect::holds_no_data(&ex.response)
            {
                pr.path = bare;
                *answer = Some(ex);
            }
        }
        // An item read A is refused (403, 404) at the first id its collection listed (a
        // public listing whose first record is another's: a station A is no member of):
        // the next two learnt ids, until one answers.
        for (pr, answer) in wave.iter_mut().zip(answers.iter_mut()) {
            if pr.op.path_params().count() == 0
                || !answer
                    .as_ref()
                    .is_some_and(|x| matches!(x.response.status, 403 | 404))
            {
                continue;
            }
            for nth in 1..=2 {
                let Some(path) = fill_nth(&pr.op, &seen, &p.own, nth) else {
                    break;
                };
                if path == pr.path {
                    continue;
                }
                if let Some(ex) = baseline_at(p, &pr.op, &path).await
                    && ex.response.ok()
                    && !inspect::failure_body(&ex.response)
                {
                    pr.path = path;
                    *answer = Some(ex);
                    break;
                }
            }
        }
        if let Some(b) = &p.user_b
            && wave.iter().all(|pr| pr.op.path_params().count() == 0)
        {
            let probe = &*p;
            let answers_b = join_all(wave.iter().filter(|pr| pr.op.method == "GET").map(
                |pr| async move {
                    let req = probe.request("user B", Method::GET, &pr.path);
                    let ex = probe.send_as(b, req).await.ok()?;
                    Some((pr.path.clone(), pr.op.path.clone(), ex))
                },
            ))
            .await;
            for (path, template, ex) in answers_b.into_iter().flatten() {
                if ex.response.ok()
                    && let Some(json) = ex.response.json()
                {
                    p.seen_b.learn(path.split('?').next().unwrap_or(""), &json);
                    if is_me_path(&template) {
                        learn_own(&mut p.own_b, &json);
                    }
                }
            }
        }
        for (mut pr, user) in wave.into_iter().zip(answers) {
            if let Some(ex) = &user
                && ex.response.ok()
                && let Some(json) = ex.response.json()
            {
                seen.learn(pr.path.split('?').next().unwrap_or(""), &json);
                if is_me_path(&pr.op.path) && pr.op.path_params().count() == 0
                    || names_own_account(&p.own, &pr)
                {
                    learn_own(&mut p.own, &json);
                }
                let others: Vec<&Probed> = probed.iter().chain(std::iter::once(&pr)).collect();
                let lx = LinkContext {
                    known: &known_templates,
                    collections: &collections,
                    seen: &seen,
                };
                links_in(p, &json, &lx, &others, &mut links, &mut aside_links);
            }
            pr.user = user;
            probed.push(pr);
        }
    }
    // Links seen in responses, probed once (bounded).
    let mut seen_links = links;
    seen_links.dedup_by(|a, b| a.path == b.path);
    seen_links.truncate(30);
    let answers = join_all(seen_links.iter().map(|pr| baseline(p, pr))).await;
    // Their answers' links, one level further (a listing's items: `/trips/2/expenses/5`
    // of `/trips/2/expenses`), probed once too.
    let mut deeper: Vec<Probed> = Vec::new();
    // The linked operations' shapes are known now (`/trips/{id}/expenses`): their items'
    // links are read under them (`/trips/{id}/expenses/{id2}`).
    let known_deeper: Vec<String> = known_templates
        .iter()
        .cloned()
        .chain(seen_links.iter().map(|pr| pr.op.path.clone()))
        .collect();
    for (mut pr, user) in seen_links.into_iter().zip(answers) {
        if let Some(ex) = &user
            && ex.response.ok()
            && let Some(json) = ex.response.json()
        {
            seen.learn(pr.path.split('?').next().unwrap_or(""), &json);
            let others: Vec<&Probed> = probed.iter().chain(std::iter::once(&pr)).collect();
            let lx = LinkContext {
                known: &known_deeper,
                collections: &collections,
                seen: &seen,
            };
            links_in(p, &json, &lx, &others, &mut deeper, &mut aside_links);
        }
        pr.user = user;
        probed.push(pr);
    }
    deeper.retain(|d| {
        !probed
            .iter()
            .any(|x| x.op.path == d.op.path || x.path == d.path)
    });
    deeper.dedup_by(|a, b| a.path == b.path);
    deeper.truncate(30);
    let answers = join_all(deeper.iter().map(|pr| baseline(p, pr))).await;
    for (mut pr, user) in deeper.into_iter().zip(answers) {
        if let Some(ex) = &user
            && ex.response.ok()
            && let Some(json) = ex.response.json()
        {
            seen.learn(pr.path.split('?').next().unwrap_or(""), &json);
        }
        pr.user = user;
        probed.push(pr);
    }
    let offered = linked_writes(p, &probed, &mut aside_links).await;
    probed.extend(offered);
    set_aside_links(p, aside_links);

    p.seen_a = seen;

    // 5. Anonymous replays of what A could read.
    p.engine.progress().phase("anonymous replays");
    let anons = join_all(probed.iter().map(|pr| async {
        if !pr.op.is_read() || (p.user.is_some() && !pr.user_ok()) {
            return None;
        }
        p.anon(p.request("anonymous", Method::GET, &pr.path))
            .await
            .ok()
    }))
    .await;
    for (pr, anon) in probed.iter_mut().zip(anons) {
        pr.anon = anon;
    }
    p.ops = probed;
    let live = live_inventory(p, documented.unwrap_or_default()).await;
    let refused = p
        .ops
        .iter()
        .filter(|pr| {
            pr.user
                .as_ref()
                .is_some_and(|e| matches!(e.response.status, 401 | 403))
        })
        .count();
    // Pages for browsers: a session login (a redirect to the login page or a login form)
    // answers user A's token too. They are not tested with tokens: say which.
    let browser: Vec<String> = p
        .ops
        .iter()
        .filter(|pr| {
            pr.user
                .as_ref()
                .is_some_and(|e| inspect::login_wall(&e.response))
                && !is_account_page(&pr.op.path)
        })
        .map(|pr| format!("{} {}", pr.op.method, pr.op.path))
        .collect();
    if p.user.is_some() && !p.session_login && !browser.is_empty() {
        p.diagnose(
            DiagnosticLevel::Warning,
            format!(
                "browser routes: session login, not tested with tokens ({}): {} (give a session cookie with --auth-cookie to test them)",
                browser.len(),
                listed(&browser)
            ),
        );
    }
    Learnt { live, refused }
}

/// Phase 5: writes (with `--allow-writes`): A's valid and malformed writes, the ids of what
/// A created, B's own objects for the cross-user checks. Returns what to delete at the end.
async fn write(p: &mut Probe, refused: usize) -> Vec<String> {
    // The write phase: what A's writes answer, and the ids of what A created.
    p.engine.progress().phase("writes");
    let written = crate::writes::run(p, &p.ops).await;
    // A body the API corrected is the body every later write of that operation sends.
    for (method, path, body) in &written.repaired {
        if let Some(pr) = p
            .ops
            .iter_mut()
            .find(|pr| &pr.op.method == method && &pr.op.path == path)
        {
            // An operation found without a description had no body: the corrected one is
            // its body from now on.
            let b = pr.op.body.get_or_insert_with(|| crate::discovery::Body {
                content_type: "application/json".to_owned(),
                ..Default::default()
            });
            b.example = body.clone();
            b.properties = body
                .as_object()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
        }
    }
    for (path, ex) in &written.answers {
        if ex.response.ok()
            && let Some(json) = ex.response.json()
        {
            p.seen_a.learn(path.split('?').next().unwrap_or(""), &json);
        }
    }
    // User B makes objects of its own for the cross-user checks to aim at.
    let mut made_b = crate::writes::create_as_b(p, &written.creates).await;
    // B's objects put to use (funded, commented): what B owns then has data to tell.
    let used = crate::writes::use_as_b(p, &made_b).await;
    made_b.answers.extend(used);
    for (path, ex) in &made_b.answers {
        if ex.response.ok()
            && let Some(json) = ex.response.json()
        {
            p.seen_b.learn(path.split('?').next().unwrap_or(""), &json);
        }
    }
    p.created_b = made_b;
    p.created_a.clone_from(&written.objects);
    p.creates_a.clone_from(&written.sent_creates);
    p.refused_writes.clone_from(&written.refused);
    if !written.rejected.is_empty() {
        p.diagnose(
            DiagnosticLevel::Warning,
            format!(
                "not tested, the API refused the body spillcheck built as invalid (400/422): {} (an OpenAPI document with schemas, or --source, gives better bodies)",
                listed(&written.rejected)
            ),
        );
    }

    if !written.need_csrf.is_empty() {
        p.diagnose(
            DiagnosticLevel::Warning,
            format!(
                "not tested, web forms that need a cross-site request token (CSRF) from their page: {}",
                listed(&written.need_csrf)
            ),
        );
    }

    if p.user.is_some() && refused > 0 && p.protected_reads(1).is_empty() {
        p.diagnose(
            DiagnosticLevel::Warning,
            format!("user A's token was refused by every operation that needs one ({refused}): the auth checks need a working token (check --auth-header/--auth-cookie)"),
        );
    }
    written.cleanup
}

/// The canary: sent as a Bearer token and in the query string, for the logs to betray.
async fn send_canary(p: &Probe, canary: Option<&String>) {
    if let Some(canary) = canary {
        p.secret(canary);
        let mut paths = vec!["/".to_owned()];
        paths.extend(p.protected_reads(2).iter().map(|pr| pr.path.clone()));
        let enc: String = url::form_urlencoded::byte_serialize(canary.as_bytes()).collect();
        let sep = |path: &str| if path.contains('?') { '&' } else { '?' };
        let sends = paths.iter().flat_map(|path| {
            let header = p.request("canary", Method::GET, path);
            let query = p.request(
                "canary",
                Method::GET,
                &format!("{path}{}access_token={enc}", sep(path)),
            );
            [
                p.with_header("canary", Some(p.placement.header(canary)), header),
                p.with_header("canary", None, query),
            ]
        });
        let _ = join_all(sends).await;
    }
}

/// Phase 6: the active checks, stage by stage; what the users do to each other and what
/// accounts of other kinds read; open routes asked again after the writes; clean-up; then
/// the passive checks over every exchange of the run.
async fn check(p: &mut Probe, cleanup: &[String]) -> Vec<Finding> {
    // The scan's accounts of other kinds (merchants beside customers) write and read what
    // A's token was refused on, while the users' objects are still in use.
    let mut findings = crate::realms::read_as_other_realms(p).await;
    p.engine.progress().phase("active checks");
    findings.extend(rules::active(p).await);
    // Headers the handlers read themselves, set as an attacker would.
    findings.extend(crate::headers::probe(p).await);
    // Reads refused to A, sent again with the privilege headers their handlers read.
    findings.extend(crate::headers::lifted(p).await);
    // After the active checks, whose cross-user verdicts a follow that cannot be undone
    // would blur: what users do to each other, for the passive rules to read.
    crate::writes::toward_each_other(p).await;
    // Open routes whose anonymous answer held no data before A wrote anything: asked
    // again, now that A has records (a transfer, a card).
    if p.engine.settings().allow_writes {
        let again: Vec<&Probed> = p
            .ops
            .iter()
            .filter(|pr| {
                pr.op.is_read()
                    && pr.anon.as_ref().is_some_and(|x| {
                        x.response.ok()
                            && !crate::rules::sc201_endpoint_without_auth::carries_data(
                                &x.response,
                                false,
                            )
                    })
            })
            .take(30)
            .collect();
        let answers = join_all(
            again
                .iter()
                .map(|pr| p.anon(p.request("anonymous", Method::GET, &pr.path))),
        )
        .await;
        let after: Vec<(String, Arc<Exchange>)> = again
            .iter()
            .zip(answers)
            .filter_map(|(pr, x)| Some((pr.path.clone(), x.ok()?)))
            .collect();
        p.anon_after = after;
    }
    crate::writes::clean_up(p, cleanup).await;
    crate::writes::clean_up_b(p).await;
    findings.extend(rules::last(p).await);
    findings.extend(rules::disruptive(p).await);
    p.engine.progress().phase("reading responses");
    let exchanges = p.engine.exchanges();
    findings.extend(rules::passive(p, &exchanges));
    p.engine.progress().finish();
    findings
}

/// The run's outcome: findings, diagnostics, every secret used, tokens, inventory.
fn outcome(
    p: Probe,
    findings: Vec<Finding>,
    documented: Option<Vec<Operation>>,
    live: Vec<(String, String, crate::inventory::Live)>,
) -> Outcome {
    let fatal = p.engine.fatal().cloned();
    let requests = p.engine.sent();
    if let Ok(mut d) = p.diagnostics.lock() {
        for problem in p.engine.problems() {
            d.push(Diagnostic {
                level: DiagnosticLevel::Warning,
                message: format!("not fully tested: {problem}"),
                path: None,
                line: None,
            });
        }
    }
    let operations = p.ops.len();
    let tokens: Vec<(String, String)> = [&p.user, &p.user_b, &p.admin, &p.limited]
        .into_iter()
        .flatten()
        .map(|who| (who.label.to_string(), who.token()))
        .collect();
    let main_login = p.users_login_path();
    let a_login = p
        .a_login
        .as_ref()
        .map(|f| (f.op.method.clone(), f.op.path.clone()));
    let realm_tokens: Vec<(String, String)> = p
        .owned
        .get()
        .into_iter()
        .flatten()
        .filter(|a| main_login.as_deref() != Some(a.login.op.path.as_str()))
        .filter_map(|a| Some((a.login.op.path.clone(), a.token.clone()?)))
        .collect();
    let mut secrets = p.secrets.into_inner().unwrap_or_default();
    secrets.extend(realm_tokens.iter().map(|(_, t)| t.clone()));
    secrets.extend(p.login_tokens.iter().cloned());
    for who in [&p.user, &p.user_b, &p.admin, &p.limited]
        .into_iter()
        .flatten()
    {
        secrets.push(who.token());
    }
    Outcome {
        findings,
        diagnostics: p.diagnostics.into_inner().unwrap_or_default(),
        secrets,
        requests,
        operations,
        fatal,
        enforced: p.enforced.into_inner().unwrap_or_default(),
        created_users: p.created_users.into_inner().unwrap_or_default(),
        forged: p.forged.into_inner().unwrap_or_default(),
        tokens,
        realm_tokens,
        a_login,
        login_tokens: p.login_tokens,
        documented,
        live,
    }
}

/// What the running API says of each probed operation, for the inventory: the route is
/// absent when the router says so (405 for the method, or a 404 that an `OPTIONS` request
/// for the same path confirms: Flask answers `OPTIONS` for every path a route matches,
/// whatever the object, so "no such note" is not taken for "no such route"). A route
/// whose answer redirects to a documented operation (`/links/3` → `/links/3/0`) is an
/// alias of it.
async fn live_inventory(
    p: &Probe,
    documented: &[Operation],
) -> Vec<(String, String, crate::inventory::Live)> {
    use crate::inventory::Live;
    let answers = join_all(p.ops.iter().chain(&p.set_aside).map(|pr| async move {
        let Some(first) = pr.user.as_ref().or(pr.anon.as_ref()) else {
            return never_sent(p, pr, documented).await;
        };
        let status = first.response.status;
        let anonymous = pr.anon.as_ref().map(|a| a.response.status);
        let alias = redirects_to_documented(p, &first.response, &pr.op.method, documented);
        let live = match status {
            405 => Live::Absent,
            404 => {
                if routed(p, &pr.path).await? {
                    Live::Answers {
                        status,
                        anonymous,
                        alias,
                    }
                } else {
                    Live::Absent
                }
            }
            _ => Live::Answers {
                status,
                anonymous,
                alias,
            },
        };
        Some((pr.op.method.clone(), pr.op.path.clone(), live))
    }))
    .await;
    answers.into_iter().flatten().collect()
}

/// With a description, an operation of the code it does not document and no phase sent (a write
/// in read-only mode, a registration the code makes only under a setting: mwdb-core's OpenID
/// routes behind `enable_oidc`): an `OPTIONS` request for its path tells whether the router
/// has the route at all. A 404 there is absent; anything else says nothing of the method.
async fn never_sent(
    p: &Probe,
    pr: &Probed,
    documented: &[Operation],
) -> Option<(String, String, crate::inventory::Live)> {
    if documented.is_empty()
        || pr.op.origin != discovery::Origin::Source
        || documented.iter().any(|d| d.key() == pr.op.key())
    {
        return None;
    }
    let routed = routed(p, &fill(&pr.op, &p.seen_a, &p.own)).await?;
    (!routed).then(|| {
        (
            pr.op.method.clone(),
            pr.op.path.clone(),
            crate::inventory::Live::Absent,
        )
    })
}

/// Whether the router has a route for a concrete path, by an anonymous `OPTIONS` (Flask
/// answers it for every path a rule matches, without calling the view): a 404 says no.
/// `None` when no answer came.
async fn routed(p: &Probe, path: &str) -> Option<bool> {
    let path = path.split('?').next().unwrap_or(path);
    let ex = p
        .anon(p.request("anonymous", Method::OPTIONS, path))
        .await
        .ok()?;
    Some(ex.response.status != 404)
}

/// Whether an answer came through redirects, on the API's own origin, from an operation
/// of the same method the API description documents.
fn redirects_to_documented(
    p: &Probe,
    r: &crate::engine::Response,
    method: &str,
    documented: &[Operation],
) -> bool {
    if r.redirects.is_empty() {
        return false;
    }
    let to = &r.url;
    let path = p.api_path(to.path());
    to.origin() == p.base.origin()
        && documented
            .iter()
            .any(|o| o.method == method && template_fit(&o.path, path).is_some())
}

/// `pr`'s path without the query parameters the scan made up: read by the code, with no
/// documented example, naming no person (whose value is the caller's own). `None` when
/// there is none.
fn without_made_up_query(pr: &Probed) -> Option<String> {
    let (base, query) = pr.path.split_once('?')?;
    let made_up = |key: &str| {
        pr.op.params.iter().any(|x| {
            x.location == ParamIn::Query
                && x.name == key
                && x.example.is_none()
                && !crate::authz::names_person(&x.name)
                && !discovery::is_id_key(&x.name)
        })
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|kv| !made_up(kv.split('=').next().unwrap_or("")))
        .collect();
    if kept.len() == query.split('&').count() {
        return None;
    }
    Some(if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    })
}

async fn baseline(p: &Probe, pr: &Probed) -> Option<Arc<Exchange>> {
    baseline_at(p, &pr.op, &pr.path).await
}

/// [`baseline`] of `op` at another concrete `path`.
async fn baseline_at(p: &Probe, op: &Operation, path: &str) -> Option<Arc<Exchange>> {
    if !op.is_read() || op.method != "GET" {
        return None;
    }
    let req = p.request("user A", Method::GET, path);
    match &p.user {
        Some(user) => p.send_as(user, req).await.ok(),
        None => p.anon(req).await.ok(),
    }
}

fn learn_claims(own: &mut Own, token: &str) {
    let Ok(jwt) = Jwt::decode(token) else {
        // A Flask session (itsdangerous, signed, not encrypted) shows who it signs in:
        // Flask-Login's `_user_id`, an app's own `user_id`.
        if let Some(signed) = spillcheck_tokens::signed::decode(token)
            && let Value::Object(m) = &signed.payload
        {
            for (k, v) in m {
                own.learn_key(k, v);
            }
        }
        return;
    };
    for key in ["email", "upn", "preferred_username", "username"] {
        if let Some(e) = jwt.claims.get(key).and_then(Value::as_str) {
            own.emails.extend(inspect::emails(e));
            if key.ends_with("username") && !e.contains('@') && !own.names.iter().any(|n| n == e) {
                own.names.push(e.to_owned());
            }
        }
    }
    if let Some(sub) = jwt.claims.get("sub") {
        own.ids.push(discovery::value_text(sub));
    }
    for (k, v) in &jwt.claims {
        own.learn_key(k, v);
    }
}

fn learn_own(own: &mut Own, json: &Value) {
    let Value::Object(m) = json else { return };
    // Natural keys anywhere in the caller's own answer outside lists (`user.account_number`,
    // `debug_info.user_id`): lists hold other objects.
    fn keys(own: &mut Own, m: &serde_json::Map<String, Value>, depth: usize) {
        for (k, v) in m {
            match v {
                Value::Object(inner) if depth < 3 => keys(own, inner, depth + 1),
                _ => own.learn_key(k, v),
            }
        }
    }
    keys(own, m, 0);
    // The caller's own record inside an envelope: `{"user": {"email", "username"}}`,
    // `{"data": {…}}`.
    for (k, v) in m {
        if let Value::Object(_) = v
            && matches!(
                k.to_ascii_lowercase().as_str(),
                "user"
                    | "me"
                    | "profile"
                    | "account"
                    | "data"
                    | "attributes"
                    | "result"
                    | "current_user"
                    | "currentuser"
                    | "identity"
                    | "customer"
                    | "member"
            )
        {
            learn_own(own, v);
        }
    }
    for (k, v) in m {
        let lk = k.to_ascii_lowercase();
        if let Some(s) = v.as_str() {
            if lk.contains("email") {
                own.emails.extend(inspect::emails(s));
            }
            if (lk == "username" || lk == "login" || lk == "user_name")
                && !s.is_empty()
                && !own.names.iter().any(|n| n == s)
            {
                own.names.push(s.to_owned());
            }
            if inspect::is_phone_key(k) && inspect::is_phone_value(s) {
                own.phones
                    .push(s.chars().filter(char::is_ascii_digit).collect());
            }
        }
        if (lk == "id" || lk == "user_id" || lk == "sub") && !v.is_null() {
            own.ids.push(discovery::value_text(v));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_verifying_decorator_gets_one_of_the_forged_token_reads() {
        let probed = |path: &str, scheme: &str| {
            let mut op = Operation::new("GET", path, discovery::Origin::Source);
            op.schemes.push(scheme.to_owned());
            Probed {
                op,
                path: path.to_owned(),
                user: None,
                anon: None,
            }
        };
        let ops = [
            probed("/api/me", "@jwt_required"),
            probed("/api/notes", "@jwt_required"),
            probed("/api/species", "@jwt_required"),
            probed("/api/stations", "@jwt_required"),
            probed("/api/sync/pending", "@device_token_required"),
        ];
        let chosen: Vec<&str> = choose_reads(ops.iter().collect(), 3)
            .iter()
            .map(|p| p.path.as_str())
            .collect();
        assert_eq!(
            chosen,
            ["/api/me", "/api/notes", "/api/species", "/api/sync/pending"]
        );
    }

    #[test]
    fn the_callers_own_profile_read_by_their_name() {
        let own = Own {
            names: vec!["alice".to_owned()],
            ..Own::default()
        };
        let probed = |template: &str, path: &str| Probed {
            op: Operation::new("GET", template, discovery::Origin::OpenApi),
            path: path.to_owned(),
            user: None,
            anon: None,
        };
        assert!(names_own_account(
            &own,
            &probed("/api/profile/{login}", "/api/profile/alice")
        ));
        assert!(names_own_account(
            &own,
            &probed("/api/users/{username}", "/api/users/alice?x=1")
        ));
        // Another user's profile, a parameter that names no user, two parameters.
        assert!(!names_own_account(
            &own,
            &probed("/api/profile/{login}", "/api/profile/bob")
        ));
        assert!(!names_own_account(
            &own,
            &probed("/api/blob/{identifier}", "/api/blob/alice")
        ));
        assert!(!names_own_account(
            &own,
            &probed(
                "/api/users/{username}/keys/{key_id}",
                "/api/users/alice/keys/1"
            )
        ));
    }

    #[test]
    fn links_become_one_operation_per_shape() {
        let a = seen_operation("/api/posts/7/comments");
        let b = seen_operation("/api/posts/9/comments");
        assert_eq!(a.path, "/api/posts/{id}/comments");
        assert_eq!(a.path, b.path);
        assert_eq!(a.params[0].example, Some(Value::from("7")));
        let u = seen_operation("/files/0f8fad5b-d9cb-469f-a165-70867728950e/raw");
        assert_eq!(u.path, "/files/{id}/raw");
        assert_eq!(seen_operation("/api/users/me").path, "/api/users/me");
        // Under a known item template, the item's value is its parameter.
        let known = vec!["/api/crew/{slug}".to_owned()];
        let card = seen_operation_under_named("/api/crew/jonas-pereira-3f1a/card", &known, &[]);
        assert_eq!(card.path, "/api/crew/{slug}/card");
        assert_eq!(
            card.params[0].example,
            Some(Value::from("jonas-pereira-3f1a"))
        );
        assert_eq!(
            seen_operation_under_named("/api/crew/stats/summary", &known, &[]).path,
            "/api/crew/stats/summary"
        );
        // Under a known template ending in a collection, the item's own parameter.
        let known = vec!["/api/trips/{id}/expenses".to_owned()];
        let item = seen_operation_under_named("/api/trips/2/expenses/3", &known, &[]);
        assert_eq!(item.path, "/api/trips/{id}/expenses/{id2}");
        let ex: Vec<_> = item.params.iter().map(|p| p.example.clone()).collect();
        assert_eq!(ex, [Some(Value::from("2")), Some(Value::from("3"))]);
        // User A's own name in a link is the user parameter, aimed at B's later.
        let names = vec!["alice".to_owned()];
        let docs = seen_operation_named("/api/people/alice/documents", &names);
        assert_eq!(docs.path, "/api/people/{username}/documents");
        assert_eq!(docs.params[0].example, Some(Value::from("alice")));
        let known = vec!["/api/v1/users/{username}".to_owned()];
        assert_eq!(
            seen_operation_under_named("/api/v1/users/alice/settings", &known, &names).path,
            "/api/v1/users/{username}/settings"
        );
        // Not the name as the link's first segment, nor another word.
        assert_eq!(seen_operation_named("/alice/x", &names).path, "/alice/x");
        assert_eq!(
            seen_operation_named("/api/people/bob", &names).path,
            "/api/people/bob"
        );
    }

    #[test]
    fn own_keys_come_from_nested_answers_and_claims_not_lists() {
        let mut own = Own::default();
        learn_own(
            &mut own,
            &serde_json::json!({
                "token": "x",
                "accountNumber": "7584716272",
                "debug_info": {"user_id": 3, "account_number": "7584716272"},
                "friends": [{"account_number": "1111111111"}]
            }),
        );
        assert_eq!(own.values_for("account_number"), ["7584716272"]);
        assert_eq!(own.ids, ["3"]);
        assert!(own.values_for("id").is_empty());
        // A parameter named differently is the same key (`{accountNumber}`).
        assert_eq!(own.values_for("accountNumber"), ["7584716272"]);
    }

    #[test]
    fn id_like_query_parameters_take_the_callers_own_value() {
        let mut op = Operation::new("GET", "/api/transactions", Origin::Source);
        op.params.push(discovery::Param {
            name: "account_number".into(),
            location: ParamIn::Query,
            example: None,
            kind: None,
            required: true,
            collection: None,
            pattern: None,
        });
        let mut own = Own::default();
        own.learn_key("account_number", &Value::from("6160103826"));
        assert_eq!(
            fill(&op, &SeenIds::default(), &own),
            "/api/transactions?account_number=6160103826"
        );
        assert_eq!(
            fill(&op, &SeenIds::default(), &Own::default()),
            "/api/transactions?account_number=spillcheck"
        );
        // A credential the code reads from the query is never filled with a made-up value.
        op.params[0].name = "api_key".into();
        assert_eq!(
            fill(&op, &SeenIds::default(), &Own::default()),
            "/api/transactions"
        );
    }

    #[test]
    fn a_path_parameter_takes_a_learnt_value_of_its_described_shape() {
        // The appointments are keyed by `ref`; their records also name their pet's UUID.
        let mut seen = SeenIds::default();
        seen.learn(
            "/api/appointments",
            &serde_json::json!({"appointments": [{"ref": "apt-1a2b3c4d",
                "pet_id": "954fcce7-2f5c-4a57-9d5e-0c1f6b2a7e11", "when": "tomorrow"}]}),
        );
        let mut op = Operation::new(
            "GET",
            "/api/appointments/{appointment_ref}/summary",
            Origin::OpenApi,
        );
        assert_eq!(
            fill(&op, &seen, &Own::default()),
            "/api/appointments/apt-1a2b3c4d/summary"
        );
        // A value the pattern refuses is never sent, whatever came first.
        op.params[0].pattern = Some("^[0-9a-f]{8}-".into());
        assert!(!fill(&op, &seen, &Own::default()).contains("apt-"));
        op.params[0].pattern = Some("^apt-[0-9a-f]{8}$".into());
        assert_eq!(
            fill(&op, &seen, &Own::default()),
            "/api/appointments/apt-1a2b3c4d/summary"
        );
    }

    #[test]
    fn a_natural_key_parameter_takes_the_listed_records_field() {
        // Berths are listed with a numeric id and a `code`; their paths take the code.
        let mut seen = SeenIds::default();
        seen.learn(
            "/api/berths",
            &serde_json::json!([{"id": 3, "code": "A-12", "pontoon": "A", "length_m": 9.5}]),
        );
        let op = Operation::new("GET", "/api/berths/{berth_code}/bookings", Origin::OpenApi);
        assert_eq!(
            fill(&op, &seen, &Own::default()),
            "/api/berths/A-12/bookings"
        );
        let op = Operation::new("GET", "/api/pontoons/{pontoon}/neighbours", Origin::OpenApi);
        assert_eq!(
            fill(&op, &seen, &Own::default()),
            "/api/pontoons/A/neighbours"
        );
        // An id parameter still takes the collection's ids.
        let op = Operation::new("GET", "/api/berths/{berth_id}", Origin::OpenApi);
        assert_eq!(fill(&op, &seen, &Own::default()), "/api/berths/3");
        // `{berth_id}` under another collection takes the berths' ids.
        let op = Operation::new("GET", "/api/labels/{berth_id}", Origin::OpenApi);
        assert_eq!(fill(&op, &seen, &Own::default()), "/api/labels/3");
    }

    #[test]
    fn the_callers_own_group_fills_its_place_in_a_path() {
        // `/me` names the caller's organisation by its slug; the description's example
        // (`northfield`) is someone else's for user B.
        let mut own = Own::default();
        learn_own(
            &mut own,
            &serde_json::json!({"username": "bob", "org": "southmead", "team": {"id": 3}}),
        );
        assert_eq!(own.values_for("org"), ["southmead"]);
        let mut op = Operation::new("GET", "/v1/orgs/{org}/plots", Origin::OpenApi);
        op.params[0].example = Some(serde_json::json!("northfield"));
        assert_eq!(
            fill(&op, &SeenIds::default(), &own),
            "/v1/orgs/southmead/plots"
        );
        // A word that is no group (`name`) stays unlearnt.
        learn_own(&mut own, &serde_json::json!({"name": "Bob H"}));
        assert!(own.values_for("name").is_empty());
    }

    #[test]
    fn the_next_listed_id_when_the_first_is_refused() {
        // A public listing whose first station is another's: the retry takes the next.
        let mut seen = SeenIds::default();
        seen.learn(
            "/api/stations",
            &serde_json::json!([{"id": 2, "code": "GRM"}, {"id": 1, "code": "KST"}]),
        );
        let op = Operation::new("GET", "/api/stations/{station_id}/members", Origin::OpenApi);
        let own = Own::default();
        assert_eq!(fill(&op, &seen, &own), "/api/stations/2/members");
        assert_eq!(
            fill_nth(&op, &seen, &own, 1).as_deref(),
            Some("/api/stations/1/members")
        );
        assert_eq!(fill_nth(&op, &seen, &own, 2), None);
    }

    #[test]
    fn paths_fit_templates() {
        assert_eq!(template_fit("/api/users/{id}", "/api/users/3"), Some(2));
        assert_eq!(template_fit("/api/users/{id}", "/api/users/3/x"), None);
        assert_eq!(template_fit("/api/{a}/{b}", "/api/users/3"), Some(1));
        assert_eq!(template_fit("/api/users/{id}", "/api/users/"), None);
        assert_eq!(template_fit("/api/me", "/api/me"), Some(2));
    }
}
