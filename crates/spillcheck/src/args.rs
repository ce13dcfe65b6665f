//! The command line, as clap sees it. Values are validated here; commands turn
//! them into settings.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use spillcheck_core::Severity;

/// Finds where a Flask Bearer-token API exposes data.
#[derive(Debug, Parser)]
#[command(name = "spillcheck", version, about, long_about = None, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// List the rule catalog.
    Rules(RulesArgs),
    /// Show one rule's documentation.
    Explain(ExplainArgs),
    /// Static analysis of Flask code (default PATH: .).
    Code(CodeArgs),
    /// The route inventory: method, path, handler, how it is authenticated, owner check.
    Routes(RoutesArgs),
    /// Tokens and secrets in log files and other files (plain, .gz, JSON lines).
    Logs(LogsArgs),
    /// Audit a JWT (claims, lifetime, header) and try to crack a weak HMAC secret.
    Jwt(JwtArgs),
    /// Probe a running API with zero, one or two users' tokens (black box).
    Api(ApiArgs),
    /// Code analysis + probe of the running app + correlation: one finding per real problem.
    Scan(ScanArgs),
    /// Serve the Model Context Protocol on stdio, for AI coding assistants.
    Mcp(McpArgs),
    /// Re-render and re-gate a saved JSON report (e.g. JSON from a scan → SARIF + Markdown).
    Report(ReportArgs),
    /// Runs recorded over time (score, grade, counts, new and fixed findings).
    History(HistoryArgs),
    /// Scan targets on an interval (or --once for cron), record each run, alert on regressions.
    Monitor(MonitorArgs),
}

#[derive(Debug, Args)]
pub(crate) struct HistoryArgs {
    /// A target: its recorded name, a path scanned, or a URL (default: every target).
    pub(crate) target: Option<String>,
    /// The history database: a SQLite file, or a PostgreSQL server (`postgres://…`).
    #[arg(long, value_name = "PATH|URL", env = "SPILLCHECK_DB", default_value = spillcheck_history::DEFAULT_PATH)]
    pub(crate) db: PathBuf,
    /// Only the last N runs.
    #[arg(long, value_name = "N")]
    pub(crate) limit: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = HistoryFormat::Text)]
    pub(crate) format: HistoryFormat,
    /// Write every run with its findings to FILE (JSON lines), to move a history to
    /// another database.
    #[arg(long, value_name = "FILE", conflicts_with = "import")]
    pub(crate) export: Option<PathBuf>,
    /// Add the runs of an `--export` file to this database (new run numbers, comparisons
    /// kept as they were).
    #[arg(long, value_name = "FILE")]
    pub(crate) import: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum HistoryFormat {
    /// A table.
    Text,
    /// `{"schema": 1, "runs": [...]}`.
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct MonitorArgs {
    /// The monitor configuration (targets, interval, alert thresholds, webhooks).
    #[arg(long, value_name = "FILE", default_value = "monitor.toml")]
    pub(crate) config: PathBuf,
    /// One round, then exit: 1 when a target regressed, 2 when a target could not be scanned.
    #[arg(long)]
    pub(crate) once: bool,
    /// Stop after N rounds (default: run until interrupted).
    #[arg(long, value_name = "N", conflicts_with = "once")]
    pub(crate) rounds: Option<u64>,
    /// The history database, a SQLite file or `postgres://…` (default: the configuration's
    /// `db`, else .spillcheck/history.db).
    #[arg(long, value_name = "PATH|URL", env = "SPILLCHECK_DB")]
    pub(crate) db: Option<PathBuf>,
    /// Scan only shard I of N (1-based): a stable split of the configured targets by name,
    /// so a CI matrix of N jobs covers each target exactly once per round.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub(crate) shard: Option<(u32, u32)>,
}

fn parse_shard(text: &str) -> Result<(u32, u32), String> {
    let (i, n) = text
        .split_once('/')
        .ok_or_else(|| format!("`{text}`: expected I/N, e.g. 2/4"))?;
    let i: u32 = i
        .trim()
        .parse()
        .map_err(|_| format!("`{text}`: I is not a number"))?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("`{text}`: N is not a number"))?;
    if n == 0 || i == 0 || i > n {
        return Err(format!("`{text}`: need 1 <= I <= N"));
    }
    Ok((i, n))
}

#[derive(Debug, Args)]
pub(crate) struct CodeArgs {
    /// Files or folders to analyse.
    #[arg(default_value = ".")]
    pub(crate) paths: Vec<PathBuf>,
    /// Fail (exit 1) when a file could not be analysed (syntax error, unreadable).
    #[arg(long)]
    pub(crate) strict: bool,
    /// Report only on files changed since this git revision (committed, staged, unstaged or
    /// untracked); the routes and auth model are still built from all of PATHS.
    #[arg(long, value_name = "REV", conflicts_with = "project")]
    pub(crate) diff_base: Option<String>,
    /// Analyse DIR as the whole project but report only on the files given as PATHS
    /// (what the pre-commit hook does with the staged files).
    #[arg(long, value_name = "DIR")]
    pub(crate) project: Option<PathBuf>,
    /// Apply the safe fixes in place, then report what remains.
    #[arg(long, conflicts_with = "diff")]
    pub(crate) fix: bool,
    /// Print the fixes as a unified diff (for `git apply`) and change nothing; exit 1 when
    /// there is something to fix.
    #[arg(long)]
    pub(crate) diff: bool,
    /// With `--fix` or `--diff`: the unsafe fixes too (they need the deployment or the
    /// clients to change: an environment variable set, a token sent in the header).
    #[arg(long)]
    pub(crate) unsafe_fixes: bool,
    #[command(flatten)]
    pub(crate) common: CommonArgs,
}

#[derive(Debug, Args)]
pub(crate) struct McpArgs {
    /// Let `probe_api` reach hosts other than 127.0.0.1/localhost.
    #[arg(long)]
    pub(crate) allow_remote: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ApiArgs {
    /// The API's base URL (e.g. http://127.0.0.1:5000).
    pub(crate) url: String,
    #[command(flatten)]
    pub(crate) probe: ProbeArgs,
    #[command(flatten)]
    pub(crate) common: CommonArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// The application's source folder.
    pub(crate) path: PathBuf,
    /// Where the running app answers.
    #[arg(long)]
    pub(crate) url: String,
    /// A command that starts the app (run by `sh -c`, stopped when the scan ends).
    #[arg(long, value_name = "CMD")]
    pub(crate) launch: Option<String>,
    /// Seconds to wait for the launched app to answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub(crate) launch_timeout: u64,
    #[command(flatten)]
    pub(crate) probe: ProbeArgs,
    #[command(flatten)]
    pub(crate) common: CommonArgs,
}

/// The probe's options, shared by `api` and `scan`.
#[derive(Debug, Args)]
pub(crate) struct ProbeArgs {
    /// User A's token. Default: $SPILLCHECK_TOKEN.
    #[arg(
        long,
        env = "SPILLCHECK_TOKEN",
        hide_env_values = true,
        help_heading = "Auth"
    )]
    pub(crate) token: Option<String>,
    /// Read user A's token from a file.
    #[arg(long, value_name = "FILE", help_heading = "Auth")]
    pub(crate) token_file: Option<PathBuf>,
    /// A command printing user A's token; run again when the token expires mid-scan.
    #[arg(long, value_name = "CMD", help_heading = "Auth")]
    pub(crate) token_cmd: Option<String>,
    /// User B's token (cross-user checks). Default: $SPILLCHECK_TOKEN_B.
    #[arg(
        long,
        env = "SPILLCHECK_TOKEN_B",
        hide_env_values = true,
        help_heading = "Auth"
    )]
    pub(crate) token_b: Option<String>,
    /// A command printing user B's token.
    #[arg(long, value_name = "CMD", help_heading = "Auth")]
    pub(crate) token_b_cmd: Option<String>,
    /// An administrator's token. Default: $SPILLCHECK_ADMIN_TOKEN.
    #[arg(
        long,
        env = "SPILLCHECK_ADMIN_TOKEN",
        hide_env_values = true,
        help_heading = "Auth"
    )]
    pub(crate) admin_token: Option<String>,
    /// A command printing an administrator's token.
    #[arg(long, value_name = "CMD", help_heading = "Auth")]
    pub(crate) admin_token_cmd: Option<String>,
    /// A token lacking a scope (scope checks, SC206). Default: $SPILLCHECK_TOKEN_LIMITED.
    #[arg(
        long,
        env = "SPILLCHECK_TOKEN_LIMITED",
        hide_env_values = true,
        help_heading = "Auth"
    )]
    pub(crate) token_limited: Option<String>,
    /// A command printing a token that lacks a scope.
    #[arg(long, value_name = "CMD", help_heading = "Auth")]
    pub(crate) token_limited_cmd: Option<String>,
    /// Log in as a user: NAME:PASSWORD (or email:password). Give it twice: the first is
    /// user A, the second user B. spillcheck finds the login operation, sends the
    /// credentials in the shape it accepts and logs in again when the token expires.
    /// Default: $SPILLCHECK_USER and $SPILLCHECK_USER_B (keeps passwords out of shell history).
    #[arg(long = "user", value_name = "NAME:PASSWORD", help_heading = "Auth")]
    pub(crate) users: Vec<String>,
    /// Log in as an administrator: NAME:PASSWORD. Default: $SPILLCHECK_ADMIN_USER.
    #[arg(
        long,
        value_name = "NAME:PASSWORD",
        env = "SPILLCHECK_ADMIN_USER",
        hide_env_values = true,
        help_heading = "Auth"
    )]
    pub(crate) admin_user: Option<String>,
    /// Log in as a user lacking a scope or role: NAME:PASSWORD. Default: $SPILLCHECK_LIMITED_USER.
    #[arg(
        long,
        value_name = "NAME:PASSWORD",
        env = "SPILLCHECK_LIMITED_USER",
        hide_env_values = true,
        help_heading = "Auth"
    )]
    pub(crate) limited_user: Option<String>,
    /// Register two users (open registration + login) and test them against each other;
    /// needs --allow-writes. Used for A/B when those tokens are not given.
    #[arg(long, help_heading = "Auth")]
    pub(crate) self_register: bool,
    /// Ids tried on each side of the caller's own ids (enumeration, SC211).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=50), help_heading = "Probe manners")]
    pub(crate) enum_window: u32,
    /// Where the API expects tokens, if not `Authorization: Bearer`: 'X-Auth-Token: {token}'.
    #[arg(long, value_name = "'NAME: {token}'", help_heading = "Auth")]
    pub(crate) auth_header: Option<String>,
    /// The API expects its token in this cookie.
    #[arg(
        long,
        value_name = "NAME",
        conflicts_with = "auth_header",
        help_heading = "Auth"
    )]
    pub(crate) auth_cookie: Option<String>,
    /// An OpenAPI 3.x / Swagger 2.0 document (JSON or YAML), a file or a URL on the target.
    #[arg(long, value_name = "FILE|URL", help_heading = "Discovery")]
    pub(crate) openapi: Option<String>,
    /// The app's source: its routes become operations to probe.
    #[arg(long, value_name = "PATH", help_heading = "Discovery")]
    pub(crate) source: Option<PathBuf>,
    /// The app's log files: tokens and secrets written there are reported too.
    #[arg(long, value_name = "PATH", help_heading = "Discovery")]
    pub(crate) logs: Vec<PathBuf>,
    /// Allow POST, PUT, PATCH and DELETE (login checks, registration). Off: read-only.
    #[arg(long, help_heading = "Probe manners")]
    pub(crate) allow_writes: bool,
    /// Requests per second (0: unlimited).
    #[arg(long, default_value_t = 20.0, help_heading = "Probe manners")]
    pub(crate) rate: f64,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64), help_heading = "Probe manners")]
    pub(crate) concurrency: u16,
    /// Per-request timeout, seconds.
    #[arg(long, default_value_t = 10.0, help_heading = "Probe manners")]
    pub(crate) timeout: f64,
    /// Total requests the run may send.
    #[arg(long, default_value_t = 5000, help_heading = "Probe manners")]
    pub(crate) max_requests: u64,
    /// Accept TLS certificates that do not verify (self-signed test servers). Off: refused.
    #[arg(long, help_heading = "Probe manners")]
    pub(crate) insecure: bool,
    /// Print each request and its answer on stderr (tokens and secrets redacted).
    #[arg(long, short = 'v', help_heading = "Probe manners")]
    pub(crate) verbose: bool,
    /// Bytes of each response body kept.
    #[arg(long, default_value_t = 1 << 20, help_heading = "Probe manners")]
    pub(crate) max_body: usize,
    /// Longest acceptable token lifetime, in seconds (token audit).
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 3600,
        help_heading = "Auth"
    )]
    pub(crate) max_lifetime: i64,
}

#[derive(Debug, Args)]
pub(crate) struct JwtArgs {
    /// The token; `-` reads it from standard input. Default: $SPILLCHECK_TOKEN.
    #[arg(env = "SPILLCHECK_TOKEN", hide_env_values = true)]
    pub(crate) token: String,
    /// A wordlist of candidate secrets (one per line, any size), tried after the built-in words and the embedded published list (103,979 secrets).
    #[arg(long, value_name = "FILE")]
    pub(crate) wordlist: Option<PathBuf>,
    /// Also try simple manglings of each wordlist entry (Capitalised, years, 123, !...).
    #[arg(long)]
    pub(crate) mangle: bool,
    /// Longest acceptable token lifetime, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    pub(crate) max_lifetime: i64,
    #[command(flatten)]
    pub(crate) common: CommonArgs,
}

#[derive(Debug, Args)]
pub(crate) struct LogsArgs {
    /// Files or folders to scan.
    #[arg(required = true)]
    pub(crate) paths: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) common: CommonArgs,
}

#[derive(Debug, Args)]
pub(crate) struct RoutesArgs {
    /// Files or folders to analyse.
    #[arg(default_value = ".")]
    pub(crate) paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CatalogFormat::Text)]
    pub(crate) format: CatalogFormat,
    /// Configuration file.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// The three-way inventory instead: the code's routes beside an API description (a file,
    /// or the URL it is served at) and, for a URL, whether the running API has each route
    /// (an anonymous `OPTIONS` request per operation, nothing else is sent).
    #[arg(long, value_name = "FILE|URL")]
    pub(crate) compare_spec: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CatalogFormat {
    /// A table.
    Text,
    /// id, slug, title, severity, confidence, cwe, owasp of every rule.
    Json,
    /// The full documentation, as in docs/rules.md.
    Markdown,
}

#[derive(Debug, Args)]
pub(crate) struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = CatalogFormat::Text)]
    pub(crate) format: CatalogFormat,
}

#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// Rule id (`SC102`) or slug (`object-id-without-ownership-check`).
    pub(crate) rule: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CatalogFormat::Text)]
    pub(crate) format: CatalogFormat,
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// A JSON report written by `--format json`.
    pub(crate) file: PathBuf,
    #[command(flatten)]
    pub(crate) common: CommonArgs,
}

/// Options shared by every command that produces a report.
#[derive(Debug, Args, Clone)]
pub(crate) struct CommonArgs {
    /// Output format: text, json, sarif, junit, markdown, html.
    #[arg(long, default_value = "text", value_parser = parse_format)]
    pub(crate) format: spillcheck_report::Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Fail (exit 1) when the score is below SCORE (0–100).
    #[arg(long, value_name = "SCORE", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub(crate) fail_under: Option<u8>,
    /// Fail (exit 1) when a finding is at least this severe. Default: low, unless --fail-under is given.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub(crate) fail_on: Option<Severity>,
    /// Only findings absent from this baseline count for score and gate; they are marked new.
    #[arg(long, value_name = "FILE")]
    pub(crate) baseline: Option<PathBuf>,
    /// Accept every current finding: write them to FILE as a baseline (the run then passes).
    #[arg(long, value_name = "FILE")]
    pub(crate) write_baseline: Option<PathBuf>,
    /// Report findings at least this sure: possible, likely, confirmed. Default: likely
    /// (`possible` adds patterns that are often, not always, a problem).
    #[arg(long, value_name = "LEVEL", value_parser = parse_confidence)]
    pub(crate) confidence: Option<spillcheck_core::Confidence>,
    /// Only these rules (ids, slugs, prefixes like SC1, or ALL), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub(crate) select: Vec<String>,
    /// Skip these rules, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub(crate) ignore: Vec<String>,
    /// Add a summary per compliance framework (asvs, pci-dss, soc2, hipaa, gdpr,
    /// nist-800-53, or all): each mapped control with the findings that are evidence
    /// against it, and the controls checked with nothing found. Not an attestation.
    #[arg(long, value_delimiter = ',', value_name = "FRAMEWORK,...")]
    pub(crate) compliance: Vec<String>,
    /// Configuration file (default: the nearest spillcheck.toml or pyproject.toml with [tool.spillcheck]).
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Never colour the text output (NO_COLOR is honoured too).
    #[arg(long)]
    pub(crate) no_color: bool,
    /// Record this run in the history database (compared with the target's previous run).
    #[arg(long)]
    pub(crate) record: bool,
    /// The history database (for --record, and the HTML report's score trend): a SQLite
    /// file, or a PostgreSQL server shared by many runners (`postgres://…`).
    #[arg(long, value_name = "PATH|URL", env = "SPILLCHECK_DB", default_value = spillcheck_history::DEFAULT_PATH)]
    pub(crate) db: PathBuf,
}

fn parse_format(s: &str) -> Result<spillcheck_report::Format, String> {
    s.parse()
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

fn parse_confidence(s: &str) -> Result<spillcheck_core::Confidence, String> {
    match s.to_ascii_lowercase().as_str() {
        "possible" => Ok(spillcheck_core::Confidence::Possible),
        "likely" => Ok(spillcheck_core::Confidence::Likely),
        "confirmed" => Ok(spillcheck_core::Confidence::Confirmed),
        other => Err(format!(
            "unknown confidence `{other}`: possible, likely or confirmed"
        )),
    }
}
