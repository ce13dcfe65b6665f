//! The probe engine: one HTTP client with the probe's manners built in. A per-target
//! rate limit and concurrency cap, timeouts, a response body cap, a total request
//! budget, redirects followed by hand (at most 5, credentials dropped on any change of
//! origin, never off the target's host unless loopback), retries only for idempotent
//! requests on connection errors, read-only unless writes are allowed. Every exchange is
//! kept for the rules to compare.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use reqwest::Method;
use tokio::sync::Semaphore;
use url::Url;

/// The engine's limits.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Requests per second to the target; `0` means unlimited.
    pub rate: f64,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Per-request timeout (connect + response).
    pub timeout: Duration,
    /// The most bytes of a response body kept; the rest is not read.
    pub body_cap: usize,
    /// Redirects followed per request.
    pub max_redirects: usize,
    /// Total requests the run may send.
    pub max_requests: u64,
    /// Whether methods other than GET, HEAD and OPTIONS may be sent.
    pub allow_writes: bool,
    /// Consecutive 5xx answers after which the run stops (the target is failing).
    pub max_server_errors: u32,
    /// Accept TLS certificates that do not verify (self-signed, wrong host, expired).
    pub insecure: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            rate: 20.0,
            concurrency: 4,
            timeout: Duration::from_secs(10),
            body_cap: 1 << 20,
            max_redirects: 5,
            max_requests: 5_000,
            allow_writes: false,
            max_server_errors: 25,
            insecure: false,
        }
    }
}

/// A request the probe wants sent.
#[derive(Debug, Clone)]
pub struct Request {
    /// Who sends it.
    pub actor: Actor,
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: Url,
    /// Headers, credentials included (they are redacted in every output).
    pub headers: Vec<(String, String)>,
    /// A body and its content type.
    pub body: Option<(String, Vec<u8>)>,
    /// A login with the user's own credentials (`--user`): sent even in read-only mode,
    /// as logging in changes nothing the scan is asked to protect.
    pub login: bool,
    /// An API description (discovery's OpenAPI document): read up to [`DOCUMENT_CAP`]
    /// rather than the answers' `body_cap`, as real APIs' specs pass a megabyte (Kitsu's
    /// is 1.5 MB) and a cut one does not parse.
    pub document: bool,
    /// Sent with the identity's token alone, without the session its login opened
    /// (learning where the API takes tokens must not be answered by the session).
    pub token_only: bool,
}

/// The most bytes of an API description kept (see [`Request::document`]).
pub const DOCUMENT_CAP: usize = 64 << 20;

/// Who sends a request. Rules tell the identities apart by variant; the label (`user A`,
/// `forged alg=none`) is what reports and `--verbose` show.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Actor {
    /// No credentials.
    Anonymous,
    /// User A (`--token`, the first `--user`).
    UserA,
    /// User B, A's peer.
    UserB,
    /// An administrator.
    Admin,
    /// A token lacking a scope or role.
    Limited,
    /// Discovery's own requests (API descriptions, well-known paths).
    Discovery,
    /// The canary token sent for the logs to betray.
    Canary,
    /// Anything else: a forged or malformed credential, a login, an account of another
    /// kind, a rule's own request.
    Other(String),
}

impl Actor {
    /// The label shown in reports.
    pub fn label(&self) -> &str {
        match self {
            Actor::Anonymous => "anonymous",
            Actor::UserA => "user A",
            Actor::UserB => "user B",
            Actor::Admin => "admin",
            Actor::Limited => "limited token",
            Actor::Discovery => "discovery",
            Actor::Canary => "canary",
            Actor::Other(label) => label,
        }
    }
}

impl From<&str> for Actor {
    fn from(label: &str) -> Actor {
        match label {
            "anonymous" => Actor::Anonymous,
            "user A" => Actor::UserA,
            "user B" => Actor::UserB,
            "admin" => Actor::Admin,
            "limited token" => Actor::Limited,
            "discovery" => Actor::Discovery,
            "canary" => Actor::Canary,
            other => Actor::Other(other.to_owned()),
        }
    }
}

impl From<&String> for Actor {
    fn from(label: &String) -> Actor {
        Actor::from(label.as_str())
    }
}

impl From<String> for Actor {
    fn from(label: String) -> Actor {
        Actor::from(label.as_str())
    }
}

impl From<&Actor> for Actor {
    fn from(actor: &Actor) -> Actor {
        actor.clone()
    }
}

impl std::fmt::Display for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

impl Request {
    /// A GET by `actor`.
    pub fn get(actor: impl Into<Actor>, url: Url) -> Request {
        Request::new(actor, Method::GET, url)
    }

    /// A request without headers or body.
    pub fn new(actor: impl Into<Actor>, method: Method, url: Url) -> Request {
        Request {
            actor: actor.into(),
            method,
            url,
            headers: Vec::new(),
            body: None,
            login: false,
            document: false,
            token_only: false,
        }
    }

    /// Marks the request as carrying the token alone (see [`Request::token_only`]).
    #[must_use]
    pub fn token_only(mut self) -> Request {
        self.token_only = true;
        self
    }

    /// Marks the request as fetching an API description (see [`Request::document`]).
    #[must_use]
    pub fn as_document(mut self) -> Request {
        self.document = true;
        self
    }

    /// Marks the request as a login (see [`Request::login`]).
    #[must_use]
    pub fn as_login(mut self) -> Request {
        self.login = true;
        self
    }

    /// Adds a header.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets a JSON body.
    #[must_use]
    pub fn json(mut self, value: &serde_json::Value) -> Request {
        self.body = Some((
            "application/json".into(),
            serde_json::to_vec(value).unwrap_or_default(),
        ));
        self
    }

    /// The JSON body this request carries, when it carries one.
    pub fn sent_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body.as_ref()?.1).ok()
    }

    /// Sets a form body (`application/x-www-form-urlencoded`) from a JSON object's
    /// members; non-string values are sent as their JSON text.
    #[must_use]
    pub fn form(mut self, value: &serde_json::Value) -> Request {
        let mut enc = url::form_urlencoded::Serializer::new(String::new());
        if let Some(m) = value.as_object() {
            // An unticked box (`false`) and an empty field are not sent, as a browser
            // would not: `remember=false` is a true value to `request.form.get`.
            for (k, v) in m.iter().filter(|(_, v)| {
                !matches!(v, serde_json::Value::Bool(false) | serde_json::Value::Null)
            }) {
                enc.append_pair(k, &crate::discovery::value_text(v));
            }
        }
        self.body = Some((
            "application/x-www-form-urlencoded".into(),
            enc.finish().into_bytes(),
        ));
        self
    }

    /// Sets `value` as the body in the content type an operation documents (form when
    /// it says form, JSON otherwise).
    #[must_use]
    pub fn body_for(self, content_type: &str, value: &serde_json::Value) -> Request {
        if content_type.contains("form") {
            self.form(value)
        } else {
            self.json(value)
        }
    }
}

/// A response, its body capped.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// The body, at most the cap.
    pub body: Vec<u8>,
    /// Whether the body was cut at the cap.
    pub truncated: bool,
    /// Time to the full (capped) body.
    pub elapsed: Duration,
    /// Time to the first hop's answer, when redirects were followed (`None` otherwise):
    /// what the request itself took the server, without the pages it was sent on to.
    pub first_hop: Option<Duration>,
    /// The URL that answered (after redirects).
    pub url: Url,
    /// Redirects followed or refused on the way: status and `Location`.
    pub redirects: Vec<(u16, String)>,
    /// Why the body ended before its end (reset, timeout, close), if it did.
    pub cut_short: Option<String>,
}

/// The name and value of each cookie `Set-Cookie` lines set (the last value of a name
/// wins; a cookie set empty or expired is dropped, as a browser forgets it).
fn cookie_pairs(set_cookies: &[String]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in set_cookies {
        let Some((name, rest)) = line.split_once('=') else {
            continue;
        };
        let name = name.trim().to_owned();
        let value = rest.split(';').next().unwrap_or("").trim().to_owned();
        let lower = line.to_ascii_lowercase();
        let gone = value.is_empty()
            || lower.contains("max-age=0")
            || lower.contains("expires=thu, 01 jan 1970");
        out.retain(|(n, _)| *n != name);
        if !gone {
            out.push((name, value));
        }
    }
    out
}

/// A `Cookie` header: the hops' cookies, then the request's own that they do not replace.
fn with_cookies(own: Option<&String>, jar: &[(String, String)]) -> String {
    let mut parts: Vec<String> = jar.iter().map(|(n, v)| format!("{n}={v}")).collect();
    for part in own.map(|o| o.split(';')).into_iter().flatten() {
        let name = part.split('=').next().unwrap_or("").trim();
        if !name.is_empty() && !jar.iter().any(|(n, _)| n == name) {
            parts.push(part.trim().to_owned());
        }
    }
    parts.join("; ")
}

#[cfg(test)]
impl Response {
    /// An answer from 127.0.0.1 with `status` and `body`, for unit tests.
    pub(crate) fn for_tests(status: u16, body: &str) -> Response {
        Response {
            status,
            headers: vec![],
            body: body.as_bytes().to_vec(),
            truncated: false,
            elapsed: std::time::Duration::ZERO,
            first_hop: None,
            url: url::Url::parse("http://127.0.0.1/").unwrap(),
            redirects: vec![],
            cut_short: None,
        }
    }
}

impl Response {
    /// A header's value (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// What the request itself took the server: the first hop's answer when redirects
    /// were followed, else the whole answer.
    pub fn server_time(&self) -> Duration {
        self.first_hop.unwrap_or(self.elapsed)
    }

    /// Every cookie this answer leaves set (name, value), as a browser would keep them.
    pub fn set_cookies(&self) -> Vec<(String, String)> {
        let lines: Vec<String> = self
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| v.clone())
            .collect();
        cookie_pairs(&lines)
    }

    /// The value of the cookie `name` this answer (redirect hops included) leaves set, as
    /// a browser would keep it: the last one set, not one set empty or expired.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookies()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// The body as text (lossy).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The body as JSON, when it is.
    pub fn json(&self) -> Option<serde_json::Value> {
        let first = self.body.iter().find(|b| !b.is_ascii_whitespace())?;
        if *first != b'{' && *first != b'[' {
            return None;
        }
        serde_json::from_slice(&self.body).ok()
    }

    /// 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// One request and what came back.
#[derive(Debug)]
pub struct Exchange {
    /// Order of sending.
    pub seq: u64,
    /// The request.
    pub request: Request,
    /// The response.
    pub response: Response,
}

/// Watches every request as it completes (`--verbose`): the answer, or why there was none.
pub type Observer = Arc<dyn Fn(&Request, Result<&Response, &str>) + Send + Sync>;

/// Whoever watches a probe's progress (a terminal spinner, an MCP client's progress
/// notifications): told of each request sent and of each phase entered. Every method does
/// nothing by default.
pub trait Progress: Send + Sync {
    /// One more request was answered (or failed).
    fn request(&self) {}
    /// The probe entered a phase (`discovering operations`, `active checks`).
    fn phase(&self, _name: &str) {}
    /// The probe is over.
    fn finish(&self) {}
}

/// Progress nobody watches.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unwatched;

impl Progress for Unwatched {}

/// Why a request was not answered.
#[derive(Debug, Clone)]
pub enum SendError {
    /// The total request budget is spent.
    Budget,
    /// A write method without `--allow-writes`.
    WritesNotAllowed,
    /// The run is over (see [`Engine::fatal`]).
    Stopped,
    /// This request failed (timeout, reset); the run goes on.
    Failed(String),
}

/// What ends a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fatal {
    /// Nothing answers at the target.
    Unreachable(String),
    /// TLS could not be established.
    Tls(String),
    /// The target answers 5xx to everything.
    ServerErrors(u32),
}

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fatal::Unreachable(why) => write!(f, "target unreachable: {why}"),
            Fatal::Tls(why) => write!(f, "TLS failure: {why}"),
            Fatal::ServerErrors(n) => write!(
                f,
                "the target answered {n} requests in a row with a server error (5xx); stopped"
            ),
        }
    }
}

/// The engine. Cheap to share behind an `Arc`.
pub struct Engine {
    client: reqwest::Client,
    settings: Settings,
    origin: url::Origin,
    host: String,
    sem: Semaphore,
    next_slot: tokio::sync::Mutex<Instant>,
    sent: AtomicU64,
    seq: AtomicU64,
    server_errors: AtomicU32,
    conn_errors: AtomicU32,
    fatal: OnceLock<Fatal>,
    log: Mutex<Vec<Arc<Exchange>>>,
    progress: Arc<dyn Progress>,
    extra_credential_headers: Vec<String>,
    observer: Option<Observer>,
    /// Requests that could not be tested properly: (method, path, why).
    problems: Mutex<Vec<(String, String, String)>>,
}

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
    )
}

/// Whether `host` is a loopback name or address.
pub fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    if h.eq_ignore_ascii_case("localhost") || h.to_ascii_lowercase().ends_with(".localhost") {
        return true;
    }
    h.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// The pause a 429 asks for: `Retry-After` in seconds (an HTTP date counts as 1 s),
/// at most 10 s, at least 100 ms.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Duration {
    let secs = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite())
        .unwrap_or(1.0);
    Duration::from_secs_f64(secs.clamp(0.1, 10.0))
}

/// The innermost cause of an error chain: `invalid HTTP version parsed`, not the
/// whole `error sending request for url (...): client error (...): ...` (which also
/// repeats the URL, query string and all).
fn short_reason(text: &str) -> String {
    if text.contains("timed out") {
        return "timed out".to_owned();
    }
    text.rsplit(": ")
        .next()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(text)
        .to_owned()
}

fn describe(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}

fn looks_tls(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    [
        "certificate",
        "tls",
        "handshake",
        "invalidcontenttype",
        "corrupt message",
    ]
    .iter()
    .any(|w| t.contains(w))
}

impl Engine {
    /// An engine for the target `base`. `credential_headers` names extra headers that carry
    /// tokens (e.g. `X-Auth-Token`): like `Authorization` and `Cookie`, they are dropped when
    /// a redirect leaves the origin.
    pub fn new(
        base: &Url,
        settings: Settings,
        credential_headers: &[String],
        progress: Arc<dyn Progress>,
    ) -> Result<Engine, String> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("spillcheck/", env!("CARGO_PKG_VERSION")))
            .pool_max_idle_per_host(settings.concurrency.max(1))
            .tls_danger_accept_invalid_certs(settings.insecure)
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Engine {
            client,
            origin: base.origin(),
            host: base.host_str().unwrap_or_default().to_owned(),
            sem: Semaphore::new(settings.concurrency.max(1)),
            next_slot: tokio::sync::Mutex::new(Instant::now()),
            settings,
            sent: AtomicU64::new(0),
            seq: AtomicU64::new(0),
            server_errors: AtomicU32::new(0),
            conn_errors: AtomicU32::new(0),
            fatal: OnceLock::new(),
            log: Mutex::new(Vec::new()),
            progress,
            extra_credential_headers: credential_headers
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
            observer: None,
            problems: Mutex::new(Vec::new()),
        })
    }

    fn problem(&self, method: &Method, url: &Url, why: String) {
        if let Ok(mut p) = self.problems.lock() {
            p.push((method.to_string(), url.path().to_owned(), why));
        }
    }

    /// One line per operation some request could not test: the answer never came, came
    /// cut short, stayed 429, or redirected without end. Paths only (no query strings).
    pub fn problems(&self) -> Vec<String> {
        let all = self.problems.lock().map(|p| p.clone()).unwrap_or_default();
        let mut grouped: Vec<((String, String, String), usize)> = Vec::new();
        for key in all {
            match grouped.iter_mut().find(|(k, _)| *k == key) {
                Some((_, n)) => *n += 1,
                None => grouped.push((key, 1)),
            }
        }
        grouped
            .into_iter()
            .map(|((m, path, why), n)| {
                let times = if n > 1 {
                    format!(" ({n} requests)")
                } else {
                    String::new()
                };
                format!("{m} {path}: {why}{times}")
            })
            .collect()
    }

    /// Calls `observer` after each request (answered or failed).
    #[must_use]
    pub fn observed(mut self, observer: Option<Observer>) -> Engine {
        self.observer = observer;
        self
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Requests sent so far (redirect hops and retries included).
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// What stopped the run, if anything did.
    pub fn fatal(&self) -> Option<&Fatal> {
        self.fatal.get()
    }

    /// Stops the run.
    pub fn stop(&self, why: Fatal) {
        let _ = self.fatal.set(why);
    }

    /// Every exchange so far, in sending order.
    pub fn exchanges(&self) -> Vec<Arc<Exchange>> {
        let mut v = self.log.lock().map(|l| l.clone()).unwrap_or_default();
        v.sort_by_key(|e| e.seq);
        v
    }

    /// Whoever watches the probe (for phase messages).
    pub fn progress(&self) -> &dyn Progress {
        self.progress.as_ref()
    }

    async fn pace(&self) {
        if self.settings.rate <= 0.0 {
            return;
        }
        let interval = Duration::from_secs_f64(1.0 / self.settings.rate);
        let at = {
            let mut next = self.next_slot.lock().await;
            let now = Instant::now();
            let at = (*next).max(now);
            *next = at + interval;
            at
        };
        tokio::time::sleep_until(at.into()).await;
    }

    /// Pushes every later request back by `wait` (the target asked for a pause).
    async fn hold_off(&self, wait: Duration) {
        let mut next = self.next_slot.lock().await;
        *next = (*next).max(Instant::now() + wait);
    }

    fn take_budget(&self) -> Result<(), SendError> {
        if self.fatal.get().is_some() {
            return Err(SendError::Stopped);
        }
        let n = self.sent.fetch_add(1, Ordering::Relaxed);
        if n >= self.settings.max_requests {
            self.sent.fetch_sub(1, Ordering::Relaxed);
            return Err(SendError::Budget);
        }
        Ok(())
    }

    fn is_credential(&self, name: &str) -> bool {
        let n = name.to_ascii_lowercase();
        n == "authorization" || n == "cookie" || self.extra_credential_headers.contains(&n)
    }

    /// Sends `request`, following redirects by hand, and keeps the exchange.
    pub async fn send(&self, request: Request) -> Result<Arc<Exchange>, SendError> {
        if is_write(&request.method) && !self.settings.allow_writes && !request.login {
            return Err(SendError::WritesNotAllowed);
        }
        let _permit = self.sem.acquire().await.map_err(|_| SendError::Stopped)?;
        let start = Instant::now();
        let mut url = request.url.clone();
        let mut method = request.method.clone();
        let mut body = request.body.clone();
        let mut credentials = true;
        let mut redirects = Vec::new();
        let mut waited = false;
        // Cookies the redirect hops set (`Set-Cookie` on a login's 302), sent on the next
        // hops as a browser would, and kept on the final answer.
        let mut hop_cookies: Vec<String> = Vec::new();
        let mut first_hop = None;
        loop {
            let jar = if credentials {
                cookie_pairs(&hop_cookies)
            } else {
                Vec::new()
            };
            let resp = match self
                .send_once(&method, &url, &request, credentials, body.as_ref(), &jar)
                .await
            {
                Ok(r) => r,
                Err(e) => {
                    if let SendError::Failed(why) = &e {
                        if let Some(o) = &self.observer {
                            o(&request, Err(why));
                        }
                        self.problem(&method, &url, format!("no answer: {}", short_reason(why)));
                    }
                    return Err(e);
                }
            };
            let status = resp.status().as_u16();
            // 429 with Retry-After: the whole run slows down, and an idempotent request is
            // sent once more (a login burst's 429 is an answer, not an obstacle).
            if status == 429 && !waited && is_idempotent(&method) {
                let wait = retry_after(resp.headers());
                self.hold_off(wait).await;
                tokio::time::sleep(wait).await;
                waited = true;
                continue;
            }
            let location = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let next = match (&location, (300..400).contains(&status) && status != 304) {
                (Some(loc), true) => url.join(loc).ok(),
                _ => None,
            };
            if let Some(next) = next {
                if redirects.len() < self.settings.max_redirects && self.may_follow(&next) {
                    first_hop.get_or_insert_with(|| start.elapsed());
                    redirects.push((status, next.to_string()));
                    hop_cookies.extend(
                        resp.headers()
                            .get_all(reqwest::header::SET_COOKIE)
                            .iter()
                            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
                    );
                    if next.origin() != self.origin {
                        credentials = false;
                    }
                    if status == 303 || ((status == 301 || status == 302) && method == Method::POST)
                    {
                        method = Method::GET;
                        body = None;
                    }
                    url = next;
                    continue;
                }
                redirects.push((status, format!("(not followed) {next}")));
            }
            let cap = if request.document {
                self.settings.body_cap.max(DOCUMENT_CAP)
            } else {
                self.settings.body_cap
            };
            let mut response = self.read(resp, start, url.clone(), redirects, cap).await;
            response.first_hop = first_hop;
            // The hops' cookies first: the final answer's own, later, win where names repeat.
            if !hop_cookies.is_empty() {
                let own = std::mem::take(&mut response.headers);
                response.headers = hop_cookies
                    .iter()
                    .map(|c| ("set-cookie".to_owned(), c.clone()))
                    .chain(own)
                    .collect();
            }
            self.note_status(response.status);
            if let Some(why) = &response.cut_short {
                self.problem(
                    &method,
                    &url,
                    format!(
                        "answer cut short after {} bytes: {why}",
                        response.body.len()
                    ),
                );
            }
            // Only a request that waited and was refused again went untested; a 429 to a
            // burst of logins is the answer the rate-limit check is looking for.
            if response.status == 429 && waited {
                self.problem(
                    &method,
                    &url,
                    "still 429 Too Many Requests after the pause it asked for (at most 10 s)"
                        .into(),
                );
            }
            if (300..400).contains(&response.status)
                && response.redirects.len() >= self.settings.max_redirects
            {
                self.problem(
                    &method,
                    &url,
                    format!(
                        "more than {} redirects; not followed further",
                        self.settings.max_redirects
                    ),
                );
            }
            let exchange = Arc::new(Exchange {
                seq: self.seq.fetch_add(1, Ordering::Relaxed),
                request,
                response,
            });
            if let Ok(mut log) = self.log.lock() {
                log.push(Arc::clone(&exchange));
            }
            if let Some(o) = &self.observer {
                o(&exchange.request, Ok(&exchange.response));
            }
            self.progress.request();
            return Ok(exchange);
        }
    }

    /// A redirect target the probe may visit: the target's own host (any port or scheme)
    /// or a loopback address. Never anywhere else, with or without credentials.
    fn may_follow(&self, next: &Url) -> bool {
        let host = next.host_str().unwrap_or_default();
        matches!(next.scheme(), "http" | "https")
            && (host.eq_ignore_ascii_case(&self.host)
                || (is_loopback_host(host) && is_loopback_host(&self.host)))
    }

    fn note_status(&self, status: u16) {
        if status >= 500 {
            let n = self.server_errors.fetch_add(1, Ordering::Relaxed) + 1;
            if n >= self.settings.max_server_errors {
                self.stop(Fatal::ServerErrors(n));
            }
        } else {
            self.server_errors.store(0, Ordering::Relaxed);
        }
    }

    async fn send_once(
        &self,
        method: &Method,
        url: &Url,
        request: &Request,
        credentials: bool,
        body: Option<&(String, Vec<u8>)>,
        jar: &[(String, String)],
    ) -> Result<reqwest::Response, SendError> {
        let mut attempt = 0;
        loop {
            self.take_budget()?;
            self.pace().await;
            let mut rb = self.client.request(method.clone(), url.clone());
            let mut cookie_sent = false;
            for (k, v) in &request.headers {
                if !credentials && self.is_credential(k) {
                    continue;
                }
                if k.eq_ignore_ascii_case("cookie") && !jar.is_empty() {
                    rb = rb.header("cookie", with_cookies(Some(v), jar));
                    cookie_sent = true;
                } else {
                    rb = rb.header(k.as_str(), v.as_str());
                }
            }
            if !cookie_sent && !jar.is_empty() {
                rb = rb.header("cookie", with_cookies(None, jar));
            }
            if let Some((ct, bytes)) = body {
                rb = rb.header("content-type", ct.as_str()).body(bytes.clone());
            }
            match rb.send().await {
                Ok(resp) => {
                    self.conn_errors.store(0, Ordering::Relaxed);
                    return Ok(resp);
                }
                Err(err) => {
                    let text = describe(&err);
                    if err.is_connect() && looks_tls(&text) {
                        self.stop(Fatal::Tls(text.clone()));
                        return Err(SendError::Failed(text));
                    }
                    if err.is_connect() {
                        let n = self.conn_errors.fetch_add(1, Ordering::Relaxed) + 1;
                        if n >= 6 {
                            self.stop(Fatal::Unreachable(text.clone()));
                            return Err(SendError::Failed(text));
                        }
                        if is_idempotent(method) && attempt < 2 {
                            attempt += 1;
                            tokio::time::sleep(Duration::from_millis(150 * attempt)).await;
                            continue;
                        }
                    }
                    return Err(SendError::Failed(text));
                }
            }
        }
    }

    async fn read(
        &self,
        mut resp: reqwest::Response,
        start: Instant,
        url: Url,
        redirects: Vec<(u16, String)>,
        cap: usize,
    ) -> Response {
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        let mut truncated = false;
        let mut cut_short = None;
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    let room = cap.saturating_sub(body.len());
                    if chunk.len() > room {
                        body.extend_from_slice(&chunk[..room]);
                        truncated = true;
                        break;
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(err) => {
                    cut_short = Some(short_reason(&describe(&err)));
                    break;
                }
            }
        }
        Response {
            status,
            headers,
            body,
            truncated,
            elapsed: start.elapsed(),
            first_hop: None,
            url,
            redirects,
            cut_short,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_hops_keep_their_cookies() {
        let set = vec![
            "session=abc; HttpOnly; Path=/".to_owned(),
            "flash=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/".to_owned(),
            "session=def; Path=/".to_owned(),
        ];
        assert_eq!(
            cookie_pairs(&set),
            vec![("session".to_owned(), "def".to_owned())]
        );
        let jar = cookie_pairs(&set);
        assert_eq!(with_cookies(None, &jar), "session=def");
        // The request's own cookies stay unless a hop replaced them.
        assert_eq!(
            with_cookies(Some(&"session=old; theme=dark".to_owned()), &jar),
            "session=def; theme=dark"
        );
        // The answer's own view: the cookie a browser keeps after the whole chain.
        let mut r = Response::for_tests(200, "");
        r.headers
            .extend(set.iter().map(|c| ("set-cookie".to_owned(), c.clone())));
        assert_eq!(r.cookie("session").as_deref(), Some("def"));
        assert_eq!(r.cookie("flash"), None);
    }

    #[test]
    fn loopback_hosts() {
        for h in [
            "127.0.0.1",
            "localhost",
            "[::1]",
            "127.8.0.1",
            "api.localhost",
        ] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in [
            "10.0.0.1",
            "example.com",
            "localhost.example.com",
            "[2001:db8::1]",
        ] {
            assert!(!is_loopback_host(h), "{h}");
        }
    }
}
