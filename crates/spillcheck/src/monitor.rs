//! `spillcheck monitor --config monitor.toml`: scan each target on an interval (or
//! once, for cron), record every run in the history, compare it with the target's
//! previous run, and alert on regressions: a concise line on stdout, a JSON payload
//! to each webhook (generic JSON or Slack-compatible text).
//!
//! A target is run through the same commands as the CLI (`code`, `api` or `scan`,
//! chosen by its `path` and `url`), built from the configuration as arguments, so
//! every option of those commands is available through `args`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::Parser as _;
use serde::Deserialize;
use spillcheck_core::{Report, Severity};
use spillcheck_history::{Comparison, History, StoredFinding, format_utc};

use crate::ExitStatus;
use crate::args::{Cli, Command, MonitorArgs};
use crate::pipeline::{Collected, build_report};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct MonitorConfig {
    /// Seconds between rounds, or "30s", "15m", "6h", "1d".
    #[serde(default)]
    interval: Option<toml::Value>,
    #[serde(default)]
    db: Option<PathBuf>,
    #[serde(default)]
    alert: Alert,
    #[serde(default, rename = "webhook")]
    webhooks: Vec<Webhook>,
    #[serde(rename = "target")]
    targets: Vec<TargetConfig>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Alert {
    /// A new finding at or above this severity is a regression.
    #[serde(default = "default_severity")]
    severity: String,
    /// A score drop of more than this many points is a regression.
    #[serde(default = "default_drop")]
    score_drop: u8,
}

impl Default for Alert {
    fn default() -> Self {
        Alert {
            severity: default_severity(),
            score_drop: default_drop(),
        }
    }
}

fn default_severity() -> String {
    "high".into()
}

fn default_drop() -> u8 {
    5
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
enum WebhookFormat {
    /// The payload as JSON.
    #[default]
    Json,
    /// `{"text": "..."}` (Slack, Mattermost, Rocket.Chat, Teams' Slack-compatible hooks).
    Slack,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Webhook {
    url: String,
    #[serde(default)]
    format: WebhookFormat,
    /// Attempts after the first.
    #[serde(default = "default_retries")]
    retries: u32,
    /// Seconds per attempt.
    #[serde(default = "default_webhook_timeout")]
    timeout: f64,
    /// Also post when nothing regressed (every run).
    #[serde(default)]
    always: bool,
}

fn default_retries() -> u32 {
    3
}

fn default_webhook_timeout() -> f64 {
    10.0
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct TargetConfig {
    name: String,
    #[serde(default)]
    path: Option<PathBuf>,
    #[serde(default)]
    url: Option<String>,
    /// A command starting the app (`scan` only).
    #[serde(default)]
    launch: Option<String>,
    #[serde(default)]
    token_env: Option<String>,
    #[serde(default)]
    token_b_env: Option<String>,
    #[serde(default)]
    admin_token_env: Option<String>,
    #[serde(default)]
    token_limited_env: Option<String>,
    #[serde(default)]
    token_cmd: Option<String>,
    #[serde(default)]
    token_b_cmd: Option<String>,
    #[serde(default)]
    admin_token_cmd: Option<String>,
    /// More options for the command, as on the command line.
    #[serde(default)]
    args: Vec<String>,
}

fn parse_interval(value: Option<&toml::Value>) -> anyhow::Result<Duration> {
    let Some(value) = value else {
        return Ok(Duration::from_hours(1));
    };
    let secs = match value {
        toml::Value::Integer(n) if *n >= 0 => u64::try_from(*n).unwrap_or(0),
        toml::Value::String(s) => {
            let s = s.trim();
            let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
            let n: u64 = num.parse().map_err(|_| {
                anyhow::anyhow!(
                    "interval `{s}`: expected e.g. 300, \"30s\", \"15m\", \"6h\", \"1d\""
                )
            })?;
            n * match unit.trim() {
                "" | "s" => 1,
                "m" => 60,
                "h" => 3600,
                "d" => 86_400,
                other => bail!("interval `{s}`: unknown unit `{other}` (s, m, h, d)"),
            }
        }
        other => bail!("interval: expected seconds or a string like \"15m\", found {other}"),
    };
    Ok(Duration::from_secs(secs))
}

/// The configuration, read and checked; relative paths are relative to its folder.
struct Monitor {
    config: MonitorConfig,
    base: PathBuf,
    interval: Duration,
    alert_severity: Severity,
}

fn load(path: &Path) -> anyhow::Result<Monitor> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let config: MonitorConfig = toml::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message().replace('\n', " ")))?;
    if config.targets.is_empty() {
        bail!("{}: no [[target]]", path.display());
    }
    let mut names = std::collections::HashSet::new();
    for t in &config.targets {
        if !names.insert(t.name.as_str()) {
            bail!("{}: two targets are named `{}`", path.display(), t.name);
        }
        if t.path.is_none() && t.url.is_none() {
            bail!(
                "{}: target `{}` has neither `path` nor `url`",
                path.display(),
                t.name
            );
        }
        if t.launch.is_some() && (t.path.is_none() || t.url.is_none()) {
            bail!(
                "{}: target `{}`: `launch` needs both `path` and `url`",
                path.display(),
                t.name
            );
        }
    }
    for w in &config.webhooks {
        let url = url::Url::parse(&w.url).map_err(|_| {
            anyhow::anyhow!(
                "{}: webhook `{}` is not a URL",
                path.display(),
                shown_url(&w.url)
            )
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            bail!(
                "{}: webhook {} must be http(s)",
                path.display(),
                shown_url(&w.url)
            );
        }
    }
    let interval =
        parse_interval(config.interval.as_ref()).with_context(|| path.display().to_string())?;
    let alert_severity: Severity = config
        .alert
        .severity
        .parse()
        .map_err(|e: String| anyhow::anyhow!("{}: [alert] severity: {e}", path.display()))?;
    let base = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    Ok(Monitor {
        config,
        base,
        interval,
        alert_severity,
    })
}

/// A webhook's address as logs may show it: scheme, host and port only (Slack-style
/// hooks carry their secret in the path).
fn shown_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(u) => format!("{}/…", u.origin().ascii_serialization()),
        Err(_) => "<invalid URL>".to_owned(),
    }
}

fn env_token(target: &str, var: Option<&String>) -> anyhow::Result<Option<String>> {
    match var {
        None => Ok(None),
        Some(var) => match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Ok(Some(v)),
            _ => bail!("target `{target}`: environment variable {var} is not set"),
        },
    }
}

impl Monitor {
    fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() || spillcheck_history::is_server(p) {
            p.to_path_buf()
        } else {
            self.base.join(p)
        }
    }

    /// The command line a target runs as.
    fn argv(&self, t: &TargetConfig) -> anyhow::Result<Vec<String>> {
        let mut argv = vec!["spillcheck".to_owned()];
        let path = t
            .path
            .as_ref()
            .map(|p| self.resolve(p).display().to_string());
        match (&path, &t.url) {
            (Some(p), Some(u)) => {
                argv.extend(["scan".into(), p.clone(), format!("--url={u}")]);
                if let Some(l) = &t.launch {
                    argv.push(format!("--launch={l}"));
                }
            }
            (None, Some(u)) => argv.extend(["api".into(), u.clone()]),
            (Some(p), None) => argv.extend(["code".into(), p.clone()]),
            (None, None) => unreachable!("checked at load"),
        }
        for (flag, var) in [
            ("--token", &t.token_env),
            ("--token-b", &t.token_b_env),
            ("--admin-token", &t.admin_token_env),
            ("--token-limited", &t.token_limited_env),
        ] {
            if let Some(v) = env_token(&t.name, var.as_ref())? {
                argv.push(format!("{flag}={v}"));
            }
        }
        for (flag, cmd) in [
            ("--token-cmd", &t.token_cmd),
            ("--token-b-cmd", &t.token_b_cmd),
            ("--admin-token-cmd", &t.admin_token_cmd),
        ] {
            if let Some(c) = cmd {
                argv.push(format!("{flag}={c}"));
            }
        }
        argv.extend(t.args.iter().cloned());
        Ok(argv)
    }

    /// Runs one target and builds its report.
    fn scan(&self, t: &TargetConfig) -> anyhow::Result<(Report, Option<String>)> {
        let argv = self.argv(t)?;
        let cli = Cli::try_parse_from(&argv).map_err(|e| {
            let first = e.to_string();
            let first = first
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ");
            anyhow::anyhow!("target `{}`: {}", t.name, first)
        })?;
        let (common, collected): (_, Collected) = match &cli.command {
            Command::Code(a) => (&a.common, crate::commands::code::collect(a)?),
            Command::Api(a) => (&a.common, crate::commands::api::collect_api(a)?),
            Command::Scan(a) => (&a.common, crate::commands::api::collect_scan(a)?),
            _ => unreachable!("monitor builds code, api or scan"),
        };
        let fatal = collected.fatal;
        let (report, _) = build_report(common, &collected.config, collected.run)?;
        Ok((report, fatal))
    }
}

/// Why a run is a regression, if it is.
fn regression(c: &Comparison, severity: Severity, max_drop: u8) -> Vec<String> {
    let mut why = Vec::new();
    let Some(previous) = &c.previous else {
        return why; // a first run sets the reference
    };
    let severe = c.new.iter().filter(|f| f.severity >= severity).count();
    if severe > 0 {
        why.push(format!(
            "{severe} new finding{} at or above {severity}",
            if severe == 1 { "" } else { "s" }
        ));
    }
    let drop = i32::from(previous.score) - i32::from(c.run.score);
    if drop > i32::from(max_drop) {
        why.push(format!(
            "score dropped {} → {} (more than {max_drop})",
            previous.score, c.run.score
        ));
    }
    why
}

fn finding_json(f: &StoredFinding) -> serde_json::Value {
    serde_json::json!({
        "rule_id": f.rule_id,
        "severity": f.severity.as_str(),
        "title": f.title,
        "message": f.message,
        "where": f.place(),
        "fingerprint": f.fingerprint,
    })
}

fn payload(c: &Comparison, why: &[String]) -> serde_json::Value {
    serde_json::json!({
        "schema": 1,
        "event": if why.is_empty() { "run" } else { "regression" },
        "target": c.run.target,
        "scanned": c.run.scanned,
        "run": c.run.id,
        "time": format_utc(c.run.time),
        "tool_version": c.run.tool_version,
        "score": c.run.score,
        "grade": c.run.grade,
        "previous_score": c.previous.as_ref().map(|p| p.score),
        "score_change": c.score_change(),
        "reasons": why,
        "new": c.new.iter().map(finding_json).collect::<Vec<_>>(),
        "fixed": c.fixed.iter().map(finding_json).collect::<Vec<_>>(),
    })
}

fn summary_line(c: &Comparison, why: &[String]) -> String {
    let mut line = crate::history::summary(c);
    if !why.is_empty() {
        line.push_str(" · REGRESSION: ");
        line.push_str(&why.join("; "));
    }
    line
}

fn slack_text(c: &Comparison, why: &[String], severity: Severity) -> String {
    let mut text = format!(
        "{} spillcheck: {}",
        if why.is_empty() {
            ":white_check_mark:"
        } else {
            ":rotating_light:"
        },
        summary_line(c, why)
    );
    for f in c.new.iter().filter(|f| f.severity >= severity).take(10) {
        let _ = write!(
            text,
            "\n• `{}` {} {} — {}",
            f.rule_id,
            f.severity,
            f.place(),
            f.message
        );
    }
    text
}

/// Posts `body` to the webhook with retries and exponential backoff. Failures are
/// logged, never fatal. Returns whether it was delivered.
async fn post(client: &reqwest::Client, hook: &Webhook, body: &serde_json::Value) -> bool {
    let shown = shown_url(&hook.url);
    let mut delay = Duration::from_millis(500);
    let attempts = hook.retries + 1;
    for attempt in 1..=attempts {
        let sent = client
            .post(&hook.url)
            .timeout(Duration::from_secs_f64(hook.timeout.clamp(0.1, 300.0)))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await;
        let problem = match sent {
            Ok(r) if r.status().is_success() => return true,
            Ok(r) => format!("HTTP {}", r.status().as_u16()),
            Err(e) if e.is_timeout() => "timed out".to_owned(),
            Err(e) if e.is_connect() => "connection failed".to_owned(),
            Err(_) => "request failed".to_owned(),
        };
        if attempt == attempts {
            let _ = writeln!(
                std::io::stderr(),
                "spillcheck monitor: webhook {shown}: {problem}; gave up after {attempts} attempts"
            );
        } else {
            let _ = writeln!(
                std::io::stderr(),
                "spillcheck monitor: webhook {shown}: {problem}; retrying in {:.1} s",
                delay.as_secs_f64()
            );
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(30));
        }
    }
    false
}

fn notify(monitor: &Monitor, c: &Comparison, why: &[String]) {
    let hooks: Vec<&Webhook> = monitor
        .config
        .webhooks
        .iter()
        .filter(|w| w.always || !why.is_empty())
        .collect();
    if hooks.is_empty() {
        return;
    }
    let json = payload(c, why);
    let slack = serde_json::json!({ "text": slack_text(c, why, monitor.alert_severity) });
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        let _ = writeln!(
            std::io::stderr(),
            "spillcheck monitor: cannot start the webhook client"
        );
        return;
    };
    rt.block_on(async {
        let Ok(client) = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!(
                "spillcheck/",
                env!("CARGO_PKG_VERSION"),
                " monitor"
            ))
            .build()
        else {
            return;
        };
        for hook in hooks {
            let body = match hook.format {
                WebhookFormat::Json => &json,
                WebhookFormat::Slack => &slack,
            };
            post(&client, hook, body).await;
        }
    });
}

/// How a round went.
#[derive(Default)]
struct Round {
    regressed: bool,
    failed: bool,
}

/// Whether target `name` belongs to shard `i` of `n` (1-based): a stable hash of the name
/// (FNV-1a, the same on every machine and every version), so each target falls in exactly
/// one shard.
pub(crate) fn in_shard(name: &str, shard: Option<(u32, u32)>) -> bool {
    let Some((i, n)) = shard else { return true };
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash % u64::from(n) == u64::from(i - 1)
}

fn round(monitor: &Monitor, db: &Path, shard: Option<(u32, u32)>) -> Round {
    let mut outcome = Round::default();
    let mut out = std::io::stdout().lock();
    for t in monitor
        .config
        .targets
        .iter()
        .filter(|t| in_shard(&t.name, shard))
    {
        let scanned = monitor.scan(t);
        let (report, fatal) = match scanned {
            Ok(r) => r,
            Err(e) => {
                let message = spillcheck_core::Redactor::new()
                    .scrub(&format!("{e:#}"))
                    .replace('\n', " ");
                let _ = writeln!(out, "{}: not scanned: {message}", t.name);
                outcome.failed = true;
                continue;
            }
        };
        if let Some(f) = &fatal {
            // A partial probe is not a fair comparison: report, do not record.
            let _ = writeln!(
                out,
                "{}: probe stopped early ({f}); run not recorded",
                t.name
            );
            outcome.failed = true;
            continue;
        }
        let comparison = match crate::history::record(db, &t.name, &report) {
            Ok(c) => c,
            Err(e) => {
                let _ = writeln!(out, "{}: not recorded: {e}", t.name);
                outcome.failed = true;
                continue;
            }
        };
        let why = regression(
            &comparison,
            monitor.alert_severity,
            monitor.config.alert.score_drop,
        );
        let _ = writeln!(out, "{}", summary_line(&comparison, &why));
        if !why.is_empty() {
            outcome.regressed = true;
            for f in comparison
                .new
                .iter()
                .filter(|f| f.severity >= monitor.alert_severity)
            {
                let _ = writeln!(
                    out,
                    "  + {} {} {} {}",
                    f.rule_id,
                    f.severity,
                    f.place(),
                    f.message
                );
            }
        }
        let _ = out.flush();
        notify(monitor, &comparison, &why);
    }
    outcome
}

pub(crate) fn monitor(args: &MonitorArgs) -> anyhow::Result<ExitStatus> {
    let monitor = load(&args.config)?;
    let db = match (&args.db, &monitor.config.db) {
        (Some(db), _) => db.clone(),
        (None, Some(db)) => monitor.resolve(db),
        (None, None) => PathBuf::from(spillcheck_history::DEFAULT_PATH),
    };
    // Fail early on a database that cannot take records, before any scan runs.
    drop(History::open(&db)?);
    if let Some((i, n)) = args.shard {
        let mine: Vec<&str> = monitor
            .config
            .targets
            .iter()
            .filter(|t| in_shard(&t.name, args.shard))
            .map(|t| t.name.as_str())
            .collect();
        let _ = writeln!(
            std::io::stderr(),
            "spillcheck: shard {i}/{n}: {} of {} targets ({})",
            mine.len(),
            monitor.config.targets.len(),
            if mine.is_empty() {
                "none".to_owned()
            } else {
                mine.join(", ")
            }
        );
    }
    let rounds = if args.once { Some(1) } else { args.rounds };
    let mut regressed = false;
    let mut failed = false;
    let mut done = 0u64;
    loop {
        let r = round(&monitor, &db, args.shard);
        regressed |= r.regressed;
        failed |= r.failed;
        done += 1;
        if rounds.is_some_and(|n| done >= n) {
            break;
        }
        std::thread::sleep(monitor.interval);
    }
    if regressed {
        Ok(ExitStatus::Failure)
    } else if failed {
        bail!("some targets could not be scanned (see above)")
    } else {
        Ok(ExitStatus::Success)
    }
}

#[cfg(test)]
mod shard_tests {
    use super::in_shard;

    #[test]
    fn every_target_falls_in_exactly_one_shard() {
        let names: Vec<String> = (0..500).map(|i| format!("api-{i}")).collect();
        for n in 1..=7u32 {
            let mut sizes = vec![0usize; n as usize];
            for name in &names {
                let shards: Vec<u32> = (1..=n).filter(|i| in_shard(name, Some((*i, n)))).collect();
                assert_eq!(shards.len(), 1, "{name} in {shards:?} of {n}");
                sizes[(shards[0] - 1) as usize] += 1;
            }
            // Roughly even (no shard empty or holding nearly everything).
            assert!(
                sizes.iter().all(|s| *s > 500 / (n as usize) / 2),
                "{sizes:?}"
            );
        }
        // Stable: the same name always lands in the same shard.
        assert!(in_shard("orders-api", Some((1, 1))));
        assert_eq!(
            in_shard("orders-api", Some((2, 3))),
            in_shard("orders-api", Some((2, 3)))
        );
    }
}
