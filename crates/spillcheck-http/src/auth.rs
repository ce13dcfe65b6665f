//! Auth contexts: who a request is sent as. Real identities (user A, user B, admin, a
//! token lacking a scope) come from a literal token or from a command whose stdout is the
//! token, run again when the API starts refusing a token that worked (so long scans
//! survive short-lived tokens). Fake ones are derived: anonymous, malformed headers, a
//! tampered signature, an `alg: none` copy, an expired copy when the secret is known.

use std::sync::RwLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// A token no server issued, sent where tokens go to tell an operation that checks them
/// from one that serves any value (placement, SC263's read-back).
pub const MADE_UP_TOKEN: &str = "spillcheck-made-up-token";

/// Where the API expects its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// `Authorization: Bearer {token}` (the default).
    Bearer,
    /// A header with a template, e.g. `X-Auth-Token: {token}`.
    Header {
        /// Header name.
        name: String,
        /// Value template holding `{token}`.
        template: String,
    },
    /// A cookie.
    Cookie(String),
}

impl Placement {
    /// Parses `--auth-header 'Name: template'`.
    pub fn parse_header(spec: &str) -> Result<Placement, String> {
        let (name, template) = spec.split_once(':').ok_or_else(|| {
            format!("--auth-header {spec:?}: expected 'Name: value with {{token}}'")
        })?;
        let name = name.trim();
        let template = template.trim();
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(format!("--auth-header: {name:?} is not a header name"));
        }
        if !template.contains("{token}") {
            return Err("--auth-header: the value must contain {token}".into());
        }
        Ok(Placement::Header {
            name: name.to_owned(),
            template: template.to_owned(),
        })
    }

    /// The header carrying `token`.
    pub fn header(&self, token: &str) -> (String, String) {
        match self {
            Placement::Bearer => ("Authorization".into(), format!("Bearer {token}")),
            Placement::Header { name, template } => {
                (name.clone(), template.replace("{token}", token))
            }
            Placement::Cookie(name) => ("Cookie".into(), format!("{name}={token}")),
        }
    }

    /// The header name used (for redirect stripping).
    pub fn header_name(&self) -> String {
        self.header("x").0
    }

    /// Whether this is the standard Bearer scheme (malformed-scheme checks only make sense then).
    pub fn is_bearer(&self) -> bool {
        matches!(self, Placement::Bearer)
    }

    /// The other places real APIs take a token, tried when `Authorization: Bearer` is
    /// refused and the user did not say where tokens go: the `Token` and `JWT` schemes
    /// (Flask-JWT-Extended's `JWT_HEADER_TYPE`, the RealWorld spec), the bare token in
    /// `Authorization`, and the usual custom headers.
    pub fn alternatives() -> Vec<Placement> {
        [
            ("Authorization", "Token {token}"),
            ("Authorization", "JWT {token}"),
            ("Authorization", "{token}"),
            ("X-Auth-Token", "{token}"),
            ("X-Access-Token", "{token}"),
            ("X-API-Key", "{token}"),
            ("X-Token", "{token}"),
            // Flask-Security's default header.
            ("Authentication-Token", "{token}"),
        ]
        .into_iter()
        .map(|(name, template)| Placement::Header {
            name: name.into(),
            template: template.into(),
        })
        .collect()
    }

    /// How the header looks, without the token (`Authorization: Token {token}`).
    pub fn describe(&self) -> String {
        let (name, value) = self.header("{token}");
        format!("{name}: {value}")
    }
}

/// A real identity's token: a literal, or a command to (re)obtain it.
pub struct Identity {
    /// Who this is (user A, user B, admin, the limited token, an account of another kind).
    pub label: crate::engine::Actor,
    token: RwLock<String>,
    command: Option<String>,
    /// The login request that obtained the token (`--user`), sent again when it expires.
    login: Option<LoginRequest>,
    refreshes: AtomicU32,
    refreshing: tokio::sync::Mutex<()>,
    /// Paths that refused even a freshly issued token: refused to this user, not expired.
    refused: std::sync::Mutex<std::collections::HashSet<String>>,
    /// Answers the current token got that were not 401: a token that worked and then
    /// stopped has expired, and earns a new login beyond the first five.
    served: AtomicU32,
    /// Paths that answered this user 2xx: a 401 there later is an expired token.
    answered: std::sync::Mutex<std::collections::HashSet<String>>,
    /// New logins in a row whose fresh token the route refused too: past three, a 401 on
    /// a route that never answered this user is taken for a refusal, not an expiry.
    refused_in_row: AtomicU32,
    /// A new login that gave no token we can read (the token comes in a cookie, or the
    /// login failed): no more new logins beyond the first five.
    barren: std::sync::atomic::AtomicBool,
    /// The cookies the login set beside the token it answered (`session`,
    /// `remember_token`): a web UI's session login that some routes (Flask-Login's
    /// `@login_required`) ask for instead of the token. Sent with the token, as the app's
    /// own client would.
    session: RwLock<Option<String>>,
}

/// Its `Debug` shows who it is, never the token or the session's cookies.
impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("label", &self.label)
            .field("login", &self.login)
            .field("session", &self.session().map(|_| "…"))
            .finish_non_exhaustive()
    }
}

/// A login request: it carries a password, so its `Debug` shows only where it goes.
struct LoginRequest(crate::engine::Request);

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LoginRequest({} {})", self.0.method, self.0.url.path())
    }
}

/// Credentials to log in with (`--user NAME:PASSWORD`); the password never leaves the
/// process except in the login request itself.
#[derive(Clone)]
pub struct Credentials {
    /// The user name or email.
    pub name: String,
    /// The password.
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials({}, …)", self.name)
    }
}

impl Credentials {
    /// Parses `NAME:PASSWORD` (the password may hold `:`).
    pub fn parse(spec: &str, flag: &str) -> Result<Credentials, String> {
        match spec.split_once(':') {
            Some((name, password)) if !name.trim().is_empty() && !password.is_empty() => {
                Ok(Credentials {
                    name: name.trim().to_owned(),
                    password: password.to_owned(),
                })
            }
            _ => Err(format!("{flag}: expected NAME:PASSWORD")),
        }
    }
}

impl Identity {
    /// An identity with a fixed token.
    pub fn literal(label: impl Into<crate::engine::Actor>, token: &str) -> Identity {
        Identity {
            label: label.into(),
            token: RwLock::new(token.trim().to_owned()),
            command: None,
            login: None,
            refreshes: AtomicU32::new(0),
            refreshing: tokio::sync::Mutex::new(()),
            refused: std::sync::Mutex::default(),
            served: AtomicU32::new(0),
            answered: std::sync::Mutex::default(),
            refused_in_row: AtomicU32::new(0),
            barren: std::sync::atomic::AtomicBool::new(false),
            session: RwLock::new(None),
        }
    }

    /// An identity whose token is the stdout of `command` (run by `sh -c`), run now.
    pub async fn from_command(
        label: impl Into<crate::engine::Actor>,
        command: &str,
    ) -> Result<Identity, String> {
        let label = label.into();
        let token = run_token_command(label.label(), command).await?;
        Ok(Identity {
            label,
            token: RwLock::new(token),
            command: Some(command.to_owned()),
            login: None,
            refreshes: AtomicU32::new(0),
            refreshing: tokio::sync::Mutex::new(()),
            refused: std::sync::Mutex::default(),
            served: AtomicU32::new(0),
            answered: std::sync::Mutex::default(),
            refused_in_row: AtomicU32::new(0),
            barren: std::sync::atomic::AtomicBool::new(false),
            session: RwLock::new(None),
        })
    }

    /// An identity that logged in with `login` and got `token`.
    pub fn logged_in(
        label: impl Into<crate::engine::Actor>,
        token: &str,
        login: crate::engine::Request,
    ) -> Identity {
        let mut me = Identity::literal(label, token);
        me.login = Some(LoginRequest(login));
        me
    }

    /// The login request to send again when the token expires, if there is one and
    /// logins are left: five per run, then one more whenever the last token worked before
    /// it stopped (at most 200 in all) — unless three fresh tokens in a row were refused
    /// too, after which only a route that answered this user before earns one. A route
    /// that refuses even a fresh token is remembered (`refused_fresh`) and costs no more.
    pub fn relogin(&self, path: &str) -> Option<&crate::engine::Request> {
        let login = self.login.as_ref()?;
        // A route that answered this user before and now refuses: the token expired.
        let answered_before = self.answered.lock().is_ok_and(|a| a.contains(path));
        // Three fresh tokens in a row refused too: 401s on new routes are refusals.
        let refusing = self.refused_in_row.load(Ordering::Relaxed) >= 3;
        let worked = self.served.load(Ordering::Relaxed) > 0;
        let n = self.refreshes.load(Ordering::Relaxed);
        // Five new logins, then one more each time the last token worked before it
        // stopped (tokens that expire after a few requests), never more than 200.
        let barren = self.barren.load(Ordering::Relaxed);
        let allowed = n < 5 || n < 200 && !barren && (answered_before || worked && !refusing);
        if !allowed {
            return None;
        }
        self.refreshes.fetch_add(1, Ordering::Relaxed);
        Some(&login.0)
    }

    /// Whether `path` refused even a fresh token of this user: a 401 there is a refusal,
    /// not an expired token, and is worth no new login.
    pub fn refused_here(&self, path: &str) -> bool {
        self.refused.lock().is_ok_and(|r| r.contains(path))
    }

    /// Records that `path` refused a fresh token too: not an expiry.
    pub fn refused_fresh(&self, path: &str) {
        if let Ok(mut r) = self.refused.lock() {
            r.insert(path.to_owned());
        }
        self.refused_in_row.fetch_add(1, Ordering::Relaxed);
    }

    /// The login request that obtained the token (`--user`, and the scan's own account).
    pub fn login_request(&self) -> Option<&crate::engine::Request> {
        self.login.as_ref().map(|l| &l.0)
    }

    /// Replaces the token (after a new login).
    pub fn set_token(&self, token: &str) {
        if let Ok(mut t) = self.token.write() {
            token.trim().clone_into(&mut t);
        }
        self.served.store(0, Ordering::Relaxed);
    }

    /// Keeps the session cookies a login set beside its token (named for a session or a
    /// credential, or holding a machine-made value); none leaves the ones kept before.
    pub fn set_session(&self, cookies: &[(String, String)]) {
        // The session's cookies, not a page's preferences (`theme=dark`, `lang=en`).
        let header: Vec<String> = cookies
            .iter()
            .filter(|(n, v)| {
                !n.is_empty() && (spillcheck_core::vocab::is_credential_cookie(n) || v.len() >= 16)
            })
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        if header.is_empty() {
            return;
        }
        if let Ok(mut s) = self.session.write() {
            *s = Some(header.join("; "));
        }
    }

    /// The `Cookie` header of the session the login opened, if it opened one.
    pub fn session(&self) -> Option<String> {
        self.session.read().ok().and_then(|s| s.clone())
    }

    /// Notes that the current token got an answer other than 401 (2xx at `path`).
    pub fn served(&self, ok_path: Option<&str>) {
        self.served.fetch_add(1, Ordering::Relaxed);
        if let Some(p) = ok_path
            && let Ok(mut a) = self.answered.lock()
            && a.len() < 10_000
        {
            a.insert(p.to_owned());
        }
    }

    /// One new login at a time per identity: requests refused together wait for the one
    /// login and then use its token.
    pub async fn login_turn(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.refreshing.lock().await
    }

    /// Notes that a new login gave no token to use.
    pub fn login_gave_nothing(&self) {
        self.barren.store(true, Ordering::Relaxed);
    }

    /// Notes that a new login's token was accepted where the old one was refused.
    pub fn fresh_worked(&self) {
        self.refused_in_row.store(0, Ordering::Relaxed);
    }

    /// The current token.
    pub fn token(&self) -> String {
        self.token.read().map(|t| t.clone()).unwrap_or_default()
    }

    /// After `stale` was refused: a fresh token. When another request already refreshed it,
    /// that token is used; otherwise the command runs again (one refresh at a time, at most
    /// five per run). `Ok(false)` when there is no command or the refreshes are spent.
    pub async fn refresh(&self, stale: &str) -> Result<bool, String> {
        let Some(cmd) = &self.command else {
            return Ok(false);
        };
        let _one_at_a_time = self.refreshing.lock().await;
        if self.token() != stale {
            return Ok(true);
        }
        if self.refreshes.fetch_add(1, Ordering::Relaxed) >= 5 {
            return Ok(false);
        }
        let fresh = run_token_command(self.label.label(), cmd).await?;
        if let Ok(mut t) = self.token.write() {
            *t = fresh;
        }
        Ok(true)
    }

    /// How often the token was refreshed.
    pub fn refreshes(&self) -> u32 {
        self.refreshes.load(Ordering::Relaxed).min(5)
    }
}

async fn run_token_command(label: &str, command: &str) -> Result<String, String> {
    let out = tokio::time::timeout(
        std::time::Duration::from_mins(1),
        tokio::process::Command::new("sh")
            .arg("-c")
            .arg(command)
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .map_err(|_| format!("the token command for {label} did not finish within 60 s"))?
    .map_err(|e| format!("cannot run the token command for {label}: {e}"))?;
    if !out.status.success() {
        // Its stderr may hold credentials: say only that it failed.
        return Err(format!(
            "the token command for {label} failed ({})",
            out.status
        ));
    }
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let token = token
        .strip_prefix("Bearer ")
        .map_or(token.clone(), |t| t.trim().to_owned());
    if token.is_empty() || token.contains(char::is_whitespace) {
        return Err(format!(
            "the token command for {label} printed no token (expected one token on stdout)"
        ));
    }
    Ok(token)
}

/// A fake credential the API must refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fake {
    /// Label used as the exchange's actor.
    pub label: &'static str,
    /// The header sent (`None`: no credential at all).
    pub header: Option<(String, String)>,
}

/// The malformed credentials tried against a protected operation: an empty Bearer, a
/// garbage Bearer, and a garbage token under other schemes.
pub fn malformed(placement: &Placement) -> Vec<Fake> {
    let mut v = vec![
        Fake {
            label: "malformed: empty token",
            header: Some(placement.header("")),
        },
        Fake {
            label: "malformed: garbage token",
            header: Some(placement.header("spillcheck-invalid-token")),
        },
    ];
    if placement.is_bearer() {
        v[0].header = Some(("Authorization".into(), "Bearer".into()));
        for (label, value) in [
            (
                "malformed: wrong scheme Token",
                "Token spillcheck-invalid-token",
            ),
            (
                "malformed: wrong scheme Basic",
                "Basic c3BpbGxjaGVjazpzcGlsbGNoZWNr",
            ),
        ] {
            v.push(Fake {
                label,
                header: Some(("Authorization".into(), value.into())),
            });
        }
    }
    v
}
