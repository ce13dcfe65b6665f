//! `spillcheck api URL` (the black-box probe) and `spillcheck scan PATH --url URL`
//! (code analysis, optional launch of the app, probe, correlation).

use std::io::{IsTerminal as _, Write as _};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, bail};
use spillcheck_core::{Config, Diagnostic, Finding, Target, correlate};
use spillcheck_http::auth::{Credentials, Identity, Placement};
use spillcheck_http::discovery::{self, Operation, Origin, Param, ParamIn, Security};
use spillcheck_http::engine::Settings;
use spillcheck_http::probe::{self, Options, Outcome};
use spillcheck_python::InputSource;

use crate::ExitStatus;
use crate::args::{ApiArgs, ProbeArgs, ScanArgs};
use crate::catalog::catalog;
use crate::pipeline::{Collected, RunResult, finish, load_config};

fn parse_url(raw: &str) -> anyhow::Result<url::Url> {
    let url = url::Url::parse(raw).map_err(|e| anyhow!("{raw}: not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        bail!("{raw}: expected an http:// or https:// URL");
    }
    Ok(url)
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

async fn identity(
    label: &str,
    literal: Option<&str>,
    cmd: Option<&str>,
) -> anyhow::Result<Option<Identity>> {
    Ok(match (literal, cmd) {
        (_, Some(cmd)) => Some(
            Identity::from_command(label, cmd)
                .await
                .map_err(|e| anyhow!(e))?,
        ),
        (Some(t), None) if !t.trim().is_empty() => Some(Identity::literal(label, t)),
        _ => None,
    })
}

/// `--user` (twice: A then B; else $SPILLCHECK_USER, $SPILLCHECK_USER_B), `--admin-user`,
/// `--limited-user`.
fn logins(args: &ProbeArgs) -> anyhow::Result<probe::Logins> {
    let parse = |spec: Option<String>, flag: &str| -> anyhow::Result<Option<Credentials>> {
        spec.filter(|s| !s.is_empty())
            .map(|s| Credentials::parse(&s, flag).map_err(|e| anyhow!(e)))
            .transpose()
    };
    if args.users.len() > 2 {
        bail!("--user: give it at most twice (user A, then user B)");
    }
    let mut users = args.users.iter().cloned();
    let a = users
        .next()
        .or_else(|| std::env::var("SPILLCHECK_USER").ok());
    let b = users
        .next()
        .or_else(|| std::env::var("SPILLCHECK_USER_B").ok());
    Ok(probe::Logins {
        user: parse(a, "--user")?,
        user_b: parse(b, "--user (second)")?,
        admin: parse(args.admin_user.clone(), "--admin-user")?,
        limited: parse(args.limited_user.clone(), "--limited-user")?,
    })
}

/// A progress bar (the terminal's spinner, or a hidden one that counts for MCP) as what
/// watches the probe.
struct Spinner(indicatif::ProgressBar);

impl spillcheck_http::engine::Progress for Spinner {
    fn request(&self) {
        self.0.inc(1);
    }

    fn phase(&self, name: &str) {
        self.0.set_message(name.to_owned());
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

fn progress() -> indicatif::ProgressBar {
    if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos} requests · {msg} ({elapsed})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    } else {
        indicatif::ProgressBar::hidden()
    }
}

/// The code analysis' routes as operations (their handler's location kept for correlation).
fn source_operations(routes: &[spillcheck_python::Route]) -> Vec<Operation> {
    let mut ops = Vec::new();
    for r in routes {
        for m in &r.methods {
            if m == "HEAD" || m == "OPTIONS" {
                continue;
            }
            let mut op = Operation::new(m, &r.path, Origin::Source);
            for p in &mut op.params {
                if let Some(src) = r.params.iter().find(|x| x.name == p.name) {
                    p.kind = Some(src.schema_type().to_owned());
                }
            }
            // What the handler reads: a body of those fields (form when it reads only
            // form fields), query parameters it asks for without a default.
            let in_body = |i: &&spillcheck_python::RequestInput| {
                matches!(i.source, InputSource::Json | InputSource::Form)
            };
            let body: Vec<(String, String)> = r
                .inputs
                .iter()
                .filter(in_body)
                .map(|i| (i.name.clone(), i.kind.to_owned()))
                .collect();
            if !body.is_empty() && m != "GET" && m != "DELETE" {
                let form = r
                    .inputs
                    .iter()
                    .filter(in_body)
                    .all(|i| i.source != InputSource::Json);
                let ct = if form {
                    "application/x-www-form-urlencoded"
                } else {
                    "application/json"
                };
                let mut b = discovery::body_from_fields(ct, &body);
                // Values the handler's code accepts (`if method == "virtual_card"`).
                for i in r.inputs.iter().filter(in_body) {
                    if let Some(v) = &i.example {
                        let value = match i.kind {
                            "boolean" => serde_json::Value::Bool(v.eq_ignore_ascii_case("true")),
                            "integer" => v.parse::<i64>().map_or_else(
                                |_| serde_json::Value::from(v.clone()),
                                serde_json::Value::from,
                            ),
                            _ => serde_json::Value::from(v.clone()),
                        };
                        discovery::set_field(&mut b.example, &i.name, value);
                        b.from_code.push(i.name.clone());
                    }
                }
                op.body = Some(b);
            }
            for i in r
                .inputs
                .iter()
                .filter(|i| matches!(i.source, InputSource::Query | InputSource::Header))
            {
                if !op.params.iter().any(|p| p.name == i.name) {
                    op.params.push(Param {
                        name: i.name.clone(),
                        location: if i.source == InputSource::Header {
                            ParamIn::Header
                        } else {
                            ParamIn::Query
                        },
                        example: i.example.clone().map(serde_json::Value::from),
                        kind: Some(i.kind.to_owned()),
                        required: i.required,
                        collection: None,
                        pattern: None,
                    });
                }
            }
            op.side_effect = r.side_effect.map(str::to_owned);
            // A view that checks a password it is sent, taking the credentials and nothing
            // else (a name and a password, maybe a one-time code), is a login: it
            // authenticates the credentials, not the caller (anyone may send them). Not a
            // profile update or an admin's "create user".
            let body: Vec<String> = r
                .inputs
                .iter()
                .filter(|i| matches!(i.source, InputSource::Json | InputSource::Form))
                .map(|i| spillcheck_core::vocab::normalize(&i.name))
                .collect();
            let password =
                |n: &String| n.contains("password") || n.contains("passwd") || n == "pwd";
            let checks_sent_password =
                matches!(r.auth, spillcheck_python::RouteAuth::Handler { .. })
                    && body.iter().any(password)
                    && body
                        .iter()
                        .any(|n| matches!(n.as_str(), "username" | "user" | "login" | "email"))
                    && body.iter().all(|n| {
                        password(n)
                            || matches!(
                                n.as_str(),
                                "username"
                                    | "user"
                                    | "login"
                                    | "email"
                                    | "otp"
                                    | "code"
                                    | "remember"
                                    | "rememberme"
                                    | "csrftoken"
                                    | "next"
                            )
                    });
            op.security = match r.auth.declared() {
                Some(true) if checks_sent_password => Security::Unknown,
                Some(true) => Security::Required(Vec::new()),
                Some(false) => Security::Public,
                None => Security::Unknown,
            };
            // `@basic_auth.login_required` (Flask-HTTPAuth's `HTTPBasicAuth`), a check of
            // `request.authorization`: the route takes HTTP Basic credentials.
            op.basic = match &r.auth {
                spillcheck_python::RouteAuth::Decorator { name }
                | spillcheck_python::RouteAuth::Handler { name } => {
                    let n = name.to_ascii_lowercase();
                    n.contains("basic") || n.contains("authorization")
                }
                _ => false,
            };
            // The code that verifies its token (`@device_token_required` beside
            // `@jwt_required()`): routes under different verifiers are checked by
            // different code, so the forged-token checks try one of each.
            // A blueprint's `before_request` hook and a check in the handler are verifiers
            // of their own too.
            if let spillcheck_python::RouteAuth::Decorator { name }
            | spillcheck_python::RouteAuth::Hook { name }
            | spillcheck_python::RouteAuth::Handler { name } = &r.auth
            {
                op.schemes.push(format!("@{name}"));
            }
            op.location = Some(crate::inventory::handler_location(r));
            ops.push(op);
        }
    }
    ops
}

/// What the code tells the probe: its operations, the signing keys it holds, the custom
/// headers it reads credentials from.
#[derive(Default)]
struct FromCode {
    ops: Vec<Operation>,
    keys: Vec<String>,
    headers: Vec<String>,
}

/// The routes of `--source PATH`, the signing keys its code holds and the credential
/// headers it reads (none without it).
fn extra_source_routes(
    args: &ProbeArgs,
    config: &Config,
) -> anyhow::Result<(Vec<spillcheck_python::Route>, Vec<String>, Vec<String>)> {
    let Some(src) = &args.source else {
        return Ok((Vec::new(), Vec::new(), Vec::new()));
    };
    let analysis = crate::commands::code::run_analysis(
        std::slice::from_ref(src),
        config,
        &|id| KEY_RULES.contains(&id),
        None,
    )?;
    let keys = code_keys(&analysis.findings);
    Ok((analysis.routes, keys, analysis.credential_headers))
}

/// The rules whose findings hold the signing keys the code holds.
const KEY_RULES: [&str; 2] = ["SC130", "SC131"];

/// The signing keys the code holds (SC130's and SC131's literals), tried on the users'
/// tokens by the probe (SC204, impersonation) and by the token audit (SC301).
fn code_keys(findings: &[spillcheck_core::Finding]) -> Vec<String> {
    findings
        .iter()
        .filter(|f| KEY_RULES.contains(&f.rule_id.as_str()))
        .flat_map(|f| f.secrets.iter().cloned())
        .collect()
}

struct Probed {
    outcome: Outcome,
    elapsed: Duration,
    canary: Option<String>,
}

async fn run_probe(
    url: &url::Url,
    args: &ProbeArgs,
    config: &Config,
    code: FromCode,
    enabled: probe::Enabled,
    bar: indicatif::ProgressBar,
) -> anyhow::Result<Probed> {
    // With logs to search, a canary token goes out with the probe (SC311).
    let canary = (!args.logs.is_empty() && enabled("SC311")).then(|| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let jti = format!("{:x}{:x}", now.as_nanos(), std::process::id());
        spillcheck_tokens::findings::new_canary(&jti, i64::try_from(now.as_secs()).unwrap_or(0))
    });
    let placement = match (&args.auth_header, &args.auth_cookie) {
        (Some(h), _) => Placement::parse_header(h).map_err(|e| anyhow!(e))?,
        (None, Some(c)) => Placement::Cookie(c.clone()),
        (None, None) => Placement::Bearer,
    };
    let file_token = match &args.token_file {
        Some(p) => Some(
            std::fs::read_to_string(p)
                .with_context(|| format!("cannot read {}", p.display()))?
                .trim()
                .to_owned(),
        ),
        None => None,
    };
    let user = identity(
        "user A",
        file_token.as_deref().or(args.token.as_deref()),
        args.token_cmd.as_deref(),
    )
    .await?;
    let user_b = identity(
        "user B",
        args.token_b.as_deref(),
        args.token_b_cmd.as_deref(),
    )
    .await?;
    let admin = identity(
        "admin",
        args.admin_token.as_deref(),
        args.admin_token_cmd.as_deref(),
    )
    .await?;
    let limited = identity(
        "limited token",
        args.token_limited.as_deref(),
        args.token_limited_cmd.as_deref(),
    )
    .await?;
    let logins = logins(args)?;
    if args.self_register && !args.allow_writes {
        bail!("--self-register registers two users: it needs --allow-writes");
    }
    if args.rate < 0.0 || !args.rate.is_finite() || args.timeout <= 0.0 || !args.timeout.is_finite()
    {
        bail!("--rate must be ≥ 0 and --timeout > 0");
    }
    let settings = Settings {
        rate: args.rate,
        concurrency: usize::from(args.concurrency),
        timeout: Duration::from_secs_f64(args.timeout),
        body_cap: args.max_body,
        max_requests: args.max_requests,
        allow_writes: args.allow_writes,
        insecure: args.insecure,
        ..Settings::default()
    };
    let mut args_tokens: Vec<Option<String>> = [&user, &user_b, &admin, &limited]
        .iter()
        .map(|i| i.as_ref().map(Identity::token))
        .collect();
    args_tokens.extend(
        [&logins.user, &logins.user_b, &logins.admin, &logins.limited]
            .into_iter()
            .flatten()
            .map(|c| Some(c.password.clone())),
    );
    let start = Instant::now();
    // Boxed: the probe's state machine is large.
    let outcome = Box::pin(probe::run(Options {
        base: url.clone(),
        settings,
        placement,
        detect_placement: args.auth_header.is_none() && args.auth_cookie.is_none(),
        user,
        user_b,
        admin,
        limited,
        self_register: args.self_register,
        logins,
        enum_window: args.enum_window,
        openapi: args.openapi.clone(),
        canary: canary.clone(),
        source_ops: code.ops,
        public_routes: config.public_routes.clone(),
        known_keys: code.keys,
        token_headers: code.headers,
        enabled,
        observer: args
            .verbose
            .then(|| verbose_observer(&bar, secrets_of(&args_tokens))),
        progress: std::sync::Arc::new(Spinner(bar)),
    }))
    .await
    .map_err(|fatal| anyhow!("{}: {fatal}", url.origin().ascii_serialization()))?;
    Ok(Probed {
        outcome,
        elapsed: start.elapsed(),
        canary,
    })
}

/// Token audit, log scan, and the run's summary line; returns findings and diagnostics to add.
fn extras(
    args: &ProbeArgs,
    probed: &Probed,
    code_keys: &[String],
) -> (Vec<Finding>, Vec<Diagnostic>) {
    let mut findings = Vec::new();
    let mut diagnostics = Vec::new();
    // User A's token as the probe last used it (the file is not read again), when the
    // user gave one or the probe logged in with A's credentials; self-registered accounts
    // are the scan's own.
    let given = args.token.is_some()
        || args.token_file.is_some()
        || args.token_cmd.is_some()
        || !args.users.is_empty()
        || std::env::var("SPILLCHECK_USER").is_ok_and(|v| !v.is_empty());
    let token = probed
        .outcome
        .tokens
        .iter()
        .find(|(label, _)| given && label == "user A")
        .map(|(_, t)| t.clone());
    if let Some(t) = token {
        // The probe's proof of a weak secret (a minted token accepted) supersedes the
        // offline one.
        let proven = probed.outcome.findings.iter().any(|f| f.rule_id == "SC301");
        // The token's own weaknesses concern the login that issued it, when spillcheck
        // logged in itself.
        let issued_by = probed.outcome.a_login.clone();
        findings.extend(
            crate::commands::jwt::audit_token_with(&t, args.max_lifetime, code_keys)
                .into_iter()
                .filter(|f| !(proven && f.rule_id == "SC301"))
                .map(|f| match &issued_by {
                    Some((method, path)) if f.route.is_none() && f.rule_id != "SC301" => {
                        f.on_route(method, path)
                    }
                    _ => f,
                }),
        );
    }
    // The other JWTs A's login answered (a refresh token): one that never expires keeps
    // the account open for ever; a refresh token's long lifetime is its purpose, so only a
    // missing expiry counts.
    if given && let Some((method, path)) = &probed.outcome.a_login {
        for t in &probed.outcome.login_tokens {
            findings.extend(
                crate::commands::jwt::audit_token(t, i64::MAX / 4)
                    .into_iter()
                    .filter(|f| f.rule_id == "SC303")
                    .map(|mut f| {
                        f.message = format!(
                            "{} (a second token that {method} {path} answers beside the access token, such as a refresh token)",
                            f.message
                        );
                        f.on_route(method, path)
                    }),
            );
        }
    }
    // The tokens of the scan's own accounts of other kinds (merchants beside customers):
    // their own lifetime and claims, on the login that issues them.
    for (login, t) in &probed.outcome.realm_tokens {
        findings.extend(
            crate::commands::jwt::audit_token(t, args.max_lifetime)
                .into_iter()
                .filter(|f| matches!(f.rule_id.as_str(), "SC302" | "SC303"))
                .map(|mut f| {
                    f.message = format!("{} (issued by POST {login})", f.message);
                    f.on_route("POST", login)
                }),
        );
    }
    findings.extend(spillcheck_tokens::jwt::compare(&probed.outcome.tokens));
    if !probed.outcome.created_users.is_empty() {
        diagnostics.push(Diagnostic {
            level: spillcheck_core::DiagnosticLevel::Warning,
            message: format!(
                "the scan registered these accounts (remove them if the API keeps them): {}",
                probed.outcome.created_users.join(", ")
            ),
            path: None,
            line: None,
        });
    }
    if !args.logs.is_empty() {
        let (f, d) = crate::commands::logs::scan_logs(&args.logs);
        // The probe's own made-up credentials echoed in the logs are not news; the real
        // tokens are (each distinct secret is one finding).
        let forged = &probed.outcome.forged;
        let canary = probed.canary.clone().unwrap_or_default();
        let canary_seen = f.iter().any(|x| x.secrets.contains(&canary));
        findings.extend(
            f.into_iter()
                .filter(|x| !x.secrets.iter().any(|s| forged.contains(s)))
                .map(|x| spillcheck_tokens::findings::canary(x, &canary)),
        );
        if probed.canary.is_some() && !canary_seen {
            diagnostics.push(Diagnostic {
                level: spillcheck_core::DiagnosticLevel::Warning,
                message: "the canary token the probe sent is not in the logs given with --logs (no sign that tokens are logged there)".into(),
                path: None,
                line: None,
            });
        }
        diagnostics.extend(d);
    }
    let _ = writeln!(
        std::io::stderr(),
        "spillcheck: probed {} operations with {} requests in {:.1} s",
        probed.outcome.operations,
        probed.outcome.requests,
        probed.elapsed.as_secs_f64()
    );
    (findings, diagnostics)
}

fn secrets_of(tokens: &[Option<String>]) -> spillcheck_core::Redactor {
    let mut r = spillcheck_core::Redactor::new();
    for t in tokens.iter().flatten() {
        r.add(t);
    }
    r
}

/// `--verbose`: one line per request on stderr, above the progress spinner, secrets
/// scrubbed (the tokens given, and anything token-shaped in a URL).
fn verbose_observer(
    bar: &indicatif::ProgressBar,
    redactor: spillcheck_core::Redactor,
) -> spillcheck_http::engine::Observer {
    let bar = bar.clone();
    std::sync::Arc::new(move |req, answer| {
        let line = match answer {
            Ok(resp) => format!(
                "{:<14} {} {} → {} ({} B{}, {} ms)",
                req.actor,
                req.method,
                req.url,
                resp.status,
                resp.body.len(),
                if resp.truncated { ", cut" } else { "" },
                resp.elapsed.as_millis()
            ),
            Err(why) => format!(
                "{:<14} {} {} → failed: {why}",
                req.actor, req.method, req.url
            ),
        };
        let line = redactor.scrub(&line).into_owned();
        bar.suspend(|| {
            let _ = writeln!(std::io::stderr(), "{line}");
        });
    })
}

fn enabled_set(
    common: &crate::args::CommonArgs,
    config: &Config,
) -> anyhow::Result<probe::Enabled> {
    let selection = config.selection(catalog(), &common.select, &common.ignore)?;
    Ok(Box::new(move |id: &str| selection.is_enabled(id)))
}

fn end(
    status: ExitStatus,
    outcome_fatal: Option<&str>,
    url: &url::Url,
) -> anyhow::Result<ExitStatus> {
    match outcome_fatal {
        Some(f) => Err(anyhow!(
            "{}: {f} (the report holds what was found before)",
            url.origin().ascii_serialization()
        )),
        None => Ok(status),
    }
}

pub(crate) fn api(args: &ApiArgs) -> anyhow::Result<ExitStatus> {
    let url = parse_url(&args.url)?;
    let collected = collect_api(args)?;
    let status = finish(&args.common, &collected.config, collected.run)?;
    end(status, collected.fatal.as_deref(), &url)
}

/// The probe `spillcheck api` runs, before the report.
pub(crate) fn collect_api(args: &ApiArgs) -> anyhow::Result<Collected> {
    let url = parse_url(&args.url)?;
    let start = args.probe.source.as_deref().unwrap_or(Path::new("."));
    let config = load_config(&args.common, start)?;
    let rt = runtime()?;
    let (source_routes, code_keys, headers) = extra_source_routes(&args.probe, &config)?;
    let code = FromCode {
        ops: source_operations(&source_routes),
        keys: code_keys.clone(),
        headers,
    };
    let root = match &args.probe.source {
        Some(_) => Some(std::env::current_dir()?),
        None => None,
    };
    let enabled = enabled_set(&args.common, &config)?;
    let probed = rt.block_on(run_probe(
        &url,
        &args.probe,
        &config,
        code,
        enabled,
        progress(),
    ))?;
    let (more, mut diagnostics) = extras(&args.probe, &probed, &code_keys);
    let mut findings = probed.outcome.findings;
    findings.extend(more);
    diagnostics.extend(probed.outcome.diagnostics);
    let inventory = spillcheck_http::inventory::Inventory::build(
        args.probe
            .source
            .is_some()
            .then(|| crate::inventory::code_routes(&source_routes)),
        probed.outcome.documented.as_deref(),
        &probed.outcome.live,
    );
    let selection = config.selection(catalog(), &args.common.select, &args.common.ignore)?;
    crate::inventory::add(
        &inventory,
        &|id: &str| selection.is_enabled(id),
        &mut findings,
        &mut diagnostics,
    );
    Ok(Collected {
        config,
        run: RunResult {
            ran: crate::pipeline::ran::api,
            target: Target {
                paths: Vec::new(),
                url: Some(url.to_string()),
            },
            findings,
            diagnostics,
            secrets: probed.outcome.secrets,
            root,
        },
        fatal: probed.outcome.fatal.map(|f| f.to_string()),
        incomplete: false,
    })
}

/// The launched app: its process group is stopped when this is dropped (normal end,
/// error, panic unwinding, Ctrl-C).
struct Launched {
    child: std::process::Child,
}

impl Launched {
    fn start(cmd: &str, dir: &Path) -> anyhow::Result<Launched> {
        use std::os::unix::process::CommandExt as _;
        let child = std::process::Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .current_dir(dir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .process_group(0)
            .spawn()
            .context("cannot run the --launch command")?;
        Ok(Launched { child })
    }

    fn signal(&self, sig: &str) {
        let _ = std::process::Command::new("kill")
            .args([sig, "--", &format!("-{}", self.child.id())])
            .stderr(std::process::Stdio::null())
            .status();
    }
}

impl Drop for Launched {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            self.signal("-KILL"); // the group may outlive its leader
            return;
        }
        self.signal("-TERM");
        for _ in 0..30 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                self.signal("-KILL");
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        self.signal("-KILL");
        let _ = self.child.wait();
    }
}

async fn wait_until_up(
    url: &url::Url,
    app: &mut Launched,
    timeout: Duration,
) -> anyhow::Result<()> {
    let client = reqwest_free_probe(url);
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(Some(status)) = app.child.try_wait() {
            bail!("the launched app exited during start-up ({status})");
        }
        if client.await_ready().await {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!(
                "the launched app did not answer at {url} within {} s",
                timeout.as_secs()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Readiness is a TCP connect to the target's port: the probe's first request then
/// tells whether HTTP works.
struct Ready {
    addr: String,
}

fn reqwest_free_probe(url: &url::Url) -> Ready {
    let host = url
        .host_str()
        .unwrap_or("127.0.0.1")
        .trim_start_matches('[')
        .trim_end_matches(']');
    let port = url.port_or_known_default().unwrap_or(80);
    Ready {
        addr: if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        },
    }
}

impl Ready {
    async fn await_ready(&self) -> bool {
        matches!(
            tokio::time::timeout(
                Duration::from_millis(500),
                tokio::net::TcpStream::connect(&self.addr)
            )
            .await,
            Ok(Ok(_))
        )
    }
}

pub(crate) fn scan(args: &ScanArgs) -> anyhow::Result<ExitStatus> {
    let url = parse_url(&args.url)?;
    let collected = collect_scan(args)?;
    let status = finish(&args.common, &collected.config, collected.run)?;
    end(status, collected.fatal.as_deref(), &url)
}

/// What `spillcheck scan` runs (code analysis, launch, probe, correlation), before the report.
pub(crate) fn collect_scan(args: &ScanArgs) -> anyhow::Result<Collected> {
    let url = parse_url(&args.url)?;
    if !args.path.exists() {
        bail!("{}: no such file or directory", args.path.display());
    }
    let config = load_config(&args.common, &args.path)?;
    let selection = config.selection(catalog(), &args.common.select, &args.common.ignore)?;
    let enabled = |id: &str| selection.is_enabled(id);
    let paths = std::slice::from_ref(&args.path);
    let analysis = crate::commands::code::code_analysis(paths, &config, &enabled, None)?;
    let mut ops = source_operations(&analysis.routes);
    let (extra_routes, extra_keys, extra_headers) = extra_source_routes(&args.probe, &config)?;
    ops.extend(source_operations(&extra_routes));
    let mut code_keys = code_keys(&analysis.findings);
    code_keys.extend(extra_keys);
    let mut headers = analysis.credential_headers.clone();
    headers.extend(extra_headers);
    let code = FromCode {
        ops,
        keys: code_keys.clone(),
        headers,
    };
    let rt = runtime()?;
    let probe_enabled = enabled_set(&args.common, &config)?;
    let probed = rt.block_on(async {
        let mut app = match &args.launch {
            Some(cmd) => {
                let mut app = Launched::start(cmd, &std::env::current_dir()?)?;
                wait_until_up(&url, &mut app, Duration::from_secs(args.launch_timeout)).await?;
                Some(app)
            }
            None => None,
        };
        let result = tokio::select! {
            r = run_probe(&url, &args.probe, &config, code, probe_enabled, progress()) => r,
            _ = tokio::signal::ctrl_c() => Err(anyhow!("interrupted")),
        };
        drop(app.take());
        result
    })?;
    let (more, mut diagnostics) = extras(&args.probe, &probed, &code_keys);
    let mut api_findings = probed.outcome.findings;
    api_findings.extend(more);
    let no_routes = analysis.routes.is_empty();
    diagnostics.extend(analysis.diagnostics);
    diagnostics.extend(probed.outcome.diagnostics);
    // The source was given but held no route the analysis reads (a framework it does not
    // know): say so, not "no source given".
    if no_routes {
        for d in &mut diagnostics {
            if d.message
                .starts_with("no API description found and no source given")
            {
                d.message = format!(
                    "no API description found, and {} holds no route spillcheck recognises (a routing style it does not read?): operations are looked for in the site's links and at the usual paths (pass --openapi FILE or URL for all of them)",
                    args.path.display()
                );
            }
        }
    }
    let mut findings = correlate(
        crate::catalog::catalog(),
        analysis.findings,
        api_findings,
        &probed.outcome.enforced,
    );
    // The inventory: the code, the description the probe read, the live answers.
    let inventory = spillcheck_http::inventory::Inventory::build(
        Some(crate::inventory::code_routes(&analysis.routes)),
        probed.outcome.documented.as_deref(),
        &probed.outcome.live,
    );
    crate::inventory::add(&inventory, &enabled, &mut findings, &mut diagnostics);
    Ok(Collected {
        config,
        run: RunResult {
            ran: crate::pipeline::ran::scan,
            target: Target {
                paths: vec![args.path.display().to_string()],
                url: Some(url.to_string()),
            },
            findings,
            diagnostics,
            secrets: probed.outcome.secrets,
            root: Some(std::env::current_dir()?),
        },
        fatal: probed.outcome.fatal.map(|f| f.to_string()),
        incomplete: false,
    })
}

/// What a probe run hands to a report (for the MCP server).
pub(crate) struct ProbeRun {
    pub(crate) findings: Vec<Finding>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) secrets: Vec<String>,
    pub(crate) fatal: Option<String>,
}

/// The probe, the token audit and the log scan, as `spillcheck api` runs them; `bar`
/// counts the requests sent (hidden or not).
pub(crate) async fn probe_run(
    url: &url::Url,
    args: &ProbeArgs,
    config: &Config,
    enabled: probe::Enabled,
    bar: indicatif::ProgressBar,
) -> anyhow::Result<ProbeRun> {
    let probed = run_probe(url, args, config, FromCode::default(), enabled, bar).await?;
    let (more, mut diagnostics) = extras(args, &probed, &[]);
    let mut findings = probed.outcome.findings;
    findings.extend(more);
    diagnostics.extend(probed.outcome.diagnostics);
    Ok(ProbeRun {
        findings,
        diagnostics,
        secrets: probed.outcome.secrets,
        fatal: probed.outcome.fatal.map(|f| f.to_string()),
    })
}

/// `parse_url` for other commands.
pub(crate) fn target_url(raw: &str) -> anyhow::Result<url::Url> {
    parse_url(raw)
}
