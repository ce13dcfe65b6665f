//! `spillcheck mcp`: the Model Context Protocol over stdio (rmcp), so an AI assistant can
//! check the Flask code it just wrote, probe the app it just started, and read the fix.
//! Every result goes through the same report builder as the CLI (selection, suppressions,
//! redaction, fingerprints, score), so a token passed in is never echoed back.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, Implementation, ProgressNotificationParam, RequestMetaObject,
    ServerCapabilities, ServerConfig,
};
use rmcp::{
    ErrorData, Peer, RoleServer, ServerHandler, ServiceExt, tool, tool_handler, tool_router,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};
use spillcheck_core::{Config, Finding, Target};

use crate::args::{CommonArgs, ProbeArgs};
use crate::catalog::catalog;
use crate::pipeline::{RunResult, build_report};

/// Findings in one answer at most, by default; the rest is counted.
const DEFAULT_MAX_FINDINGS: usize = 100;

#[derive(Debug, Deserialize, JsonSchema)]
struct ScanCodeArgs {
    /// Files or folders to analyse (relative to the server's working folder).
    #[serde(default)]
    paths: Vec<String>,
    /// Inline Python source to analyse instead of (or besides) files.
    code: Option<String>,
    /// The file name `code` is analysed under (default `app.py`).
    filename: Option<String>,
    /// Rule ids, slugs or prefixes to run (default: all).
    #[serde(default)]
    select: Vec<String>,
    /// Findings returned at most (default 100); the rest is counted in `omitted`.
    max_findings: Option<usize>,
}

#[derive(Debug, Deserialize, JsonSchema)]
struct SuggestFixArgs {
    /// Files or folders (relative to the server's working folder).
    #[serde(default)]
    paths: Vec<String>,
    /// Inline Python source instead of (or besides) files.
    code: Option<String>,
    /// The file name `code` is analysed under (default `app.py`).
    filename: Option<String>,
    /// Only the finding with this fingerprint (as `scan_code` reports it).
    fingerprint: Option<String>,
    /// Only findings of this rule (id, slug or prefix).
    rule: Option<String>,
    /// Only findings on this line.
    line: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
struct PathsArgs {
    /// Files or folders.
    paths: Vec<String>,
    /// Findings or routes returned at most (default 100); the rest is counted in `omitted`.
    max_findings: Option<usize>,
}

#[derive(Debug, Deserialize, JsonSchema)]
struct ProbeApiArgs {
    /// The API's base URL, e.g. `http://127.0.0.1:5000`.
    url: String,
    /// User A's Bearer token.
    token: Option<String>,
    /// User B's token (cross-user checks).
    token_b: Option<String>,
    /// An administrator's token.
    admin_token: Option<String>,
    /// An OpenAPI document: a file, or a URL on the target.
    openapi: Option<String>,
    /// Allow POST/PUT/PATCH/DELETE (login checks, registration, cross-user writes).
    #[serde(default)]
    allow_writes: bool,
    /// Requests per second (default 20; 0 = unlimited).
    rate: Option<f64>,
    /// Total requests at most (default 2000).
    max_requests: Option<u64>,
    /// Rule ids, slugs or prefixes to run (default: all).
    #[serde(default)]
    select: Vec<String>,
    /// Findings returned at most (default 100).
    max_findings: Option<usize>,
}

#[derive(Debug, Deserialize, JsonSchema)]
struct AuditJwtArgs {
    /// The token (a compact JWS).
    token: String,
    /// Longest acceptable lifetime in seconds (default 3600).
    max_lifetime: Option<i64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
struct ExplainArgs {
    /// A rule id (`SC102`) or slug (`object-id-without-ownership-check`).
    rule: String,
}

/// The server.
#[derive(Debug, Clone)]
pub(crate) struct Server {
    tool_router: ToolRouter<Self>,
    allow_remote: bool,
}

fn invalid(message: impl Into<String>) -> ErrorData {
    ErrorData::invalid_params(message.into(), None)
}

fn failed(err: impl std::fmt::Display) -> ErrorData {
    ErrorData::internal_error(err.to_string(), None)
}

fn internal(err: &anyhow::Error) -> ErrorData {
    let text = spillcheck_core::Redactor::new()
        .scrub(&format!("{err:#}"))
        .into_owned();
    ErrorData::internal_error(text, None)
}

fn common(select: &[String]) -> CommonArgs {
    CommonArgs {
        format: spillcheck_report::Format::Json,
        output: None,
        fail_under: None,
        fail_on: None,
        baseline: None,
        write_baseline: None,
        confidence: None,
        select: select.to_vec(),
        ignore: Vec::new(),
        compliance: Vec::new(),
        config: None,
        no_color: true,
        record: false,
        db: spillcheck_history::DEFAULT_PATH.into(),
    }
}

/// The report as JSON with at most `max` findings (`omitted` counts the rest).
fn report_json(
    select: &[String],
    config: &Config,
    run: RunResult,
    max: Option<usize>,
) -> Result<Value, ErrorData> {
    let (report, rules) =
        build_report(&common(select), config, run).map_err(|e| invalid(format!("{e:#}")))?;
    let text = spillcheck_report::render(
        &report,
        &rules,
        spillcheck_report::Format::Json,
        &spillcheck_report::RenderOptions::default(),
    );
    let mut value: Value = serde_json::from_str(&text).map_err(failed)?;
    let max = max.unwrap_or(DEFAULT_MAX_FINDINGS);
    if let Some(findings) = value.get_mut("findings").and_then(Value::as_array_mut) {
        let omitted = findings.len().saturating_sub(max);
        findings.truncate(max);
        value["omitted"] = json!(omitted);
    }
    Ok(value)
}

/// The files to analyse: the existing `paths`, plus inline `code` written to a temporary
/// folder under `filename` (kept alive by the returned guard).
fn materialize(
    paths: &[String],
    code: Option<&str>,
    filename: Option<&str>,
) -> Result<(tempfile::TempDir, Vec<PathBuf>), ErrorData> {
    if paths.is_empty() && code.is_none() {
        return Err(invalid("give `paths` or `code`"));
    }
    let mut files = existing(paths)?;
    let dir = tempfile::tempdir().map_err(failed)?;
    if let Some(code) = code {
        let name = filename.unwrap_or("app.py");
        if name.contains("..") || Path::new(name).is_absolute() {
            return Err(invalid("`filename` must be a relative name without `..`"));
        }
        let file = dir.path().join(name);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(failed)?;
        }
        std::fs::write(&file, code).map_err(failed)?;
        files.push(file);
    }
    Ok((dir, files))
}

/// The code analysis (and SC320) of `paths` as the CLI runs it, with the project's own
/// configuration; inline code is reported under its virtual name (relative to `tmp`).
fn analyze_code(
    paths: &[PathBuf],
    select: &[String],
    tmp: &Path,
) -> Result<(Config, RunResult), ErrorData> {
    let start = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let config = Config::discover(&start)
        .map_err(|e| invalid(e.to_string()))?
        .unwrap_or_default();
    let selection = config
        .selection(catalog(), select, &[])
        .map_err(|e| invalid(e.to_string()))?;
    let enabled = |id: &str| selection.is_enabled(id);
    let mut analysis = crate::commands::code::code_analysis(paths, &config, &enabled, None)
        .map_err(|e| internal(&e))?;
    let tmp_prefix = format!("{}/", tmp.display());
    for f in &mut analysis.findings {
        if let Some(loc) = &mut f.location
            && let Some(rest) = loc.path.strip_prefix(&tmp_prefix)
        {
            loc.path = rest.to_owned();
            // The diff names the file as the caller knows it.
            if let Some(fix) = &mut f.autofix {
                fix.diff = fix.diff.replace(&tmp_prefix, "");
            }
        }
    }
    let run = RunResult {
        ran: crate::pipeline::ran::code,
        target: Target {
            paths: paths
                .iter()
                .map(|p| p.display().to_string().replace(&tmp_prefix, ""))
                .collect(),
            url: None,
        },
        findings: analysis.findings,
        diagnostics: analysis.diagnostics,
        secrets: Vec::new(),
        root: std::env::current_dir().ok(),
    };
    Ok((config, run))
}

fn existing(paths: &[String]) -> Result<Vec<PathBuf>, ErrorData> {
    paths
        .iter()
        .map(|p| {
            let path = PathBuf::from(p);
            if path.exists() {
                Ok(path)
            } else {
                Err(invalid(format!("{p}: no such file or directory")))
            }
        })
        .collect()
}

/// `ProbeArgs` as `spillcheck api` would have them with no options given.
fn probe_defaults() -> Result<ProbeArgs, ErrorData> {
    use clap::{Args as _, FromArgMatches as _};
    let matches = ProbeArgs::augment_args(clap::Command::new("probe"))
        .try_get_matches_from(["probe"])
        .map_err(failed)?;
    ProbeArgs::from_arg_matches(&matches).map_err(failed)
}

/// Runs CPU-bound work off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ErrorData> {
    tokio::task::spawn_blocking(f).await.map_err(failed)
}

fn is_loopback_url(url: &url::Url) -> bool {
    spillcheck_http::engine::is_loopback_host(url.host_str().unwrap_or(""))
}

#[tool_router]
impl Server {
    pub(crate) fn new(allow_remote: bool) -> Server {
        Server {
            tool_router: Self::tool_router(),
            allow_remote,
        }
    }

    #[tool(
        description = "Static analysis of Flask code (rules SC1xx and committed secrets SC320): files or folders, or an inline code snippet with a virtual file name. Returns findings as in spillcheck's JSON report, each with rule, severity, CWE, OWASP API category, location and fix."
    )]
    async fn scan_code(
        &self,
        Parameters(args): Parameters<ScanCodeArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        let (dir, paths) =
            materialize(&args.paths, args.code.as_deref(), args.filename.as_deref())?;
        let select = args.select.clone();
        let tmp = dir.path().to_owned();
        let value = blocking(move || -> Result<Value, ErrorData> {
            let (config, run) = analyze_code(&paths, &select, &tmp)?;
            report_json(&select, &config, run, args.max_findings)
        })
        .await??;
        drop(dir);
        Ok(CallToolResult::structured(value))
    }

    #[tool(
        description = "The fixes spillcheck can make for its code findings, as unified diffs (apply with `git apply`, or `spillcheck code --fix`): for files or folders, or for an inline code snippet with a virtual file name. Narrow it to one finding with `fingerprint` (from scan_code) or `rule` and `line`. Each fix is `safe` (changes nothing but the flaw) or `unsafe` (needs the deployment or the clients to change, e.g. an environment variable set). Secrets in the diffs are redacted."
    )]
    async fn suggest_fix(
        &self,
        Parameters(args): Parameters<SuggestFixArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        let (dir, paths) =
            materialize(&args.paths, args.code.as_deref(), args.filename.as_deref())?;
        let tmp = dir.path().to_owned();
        let value = blocking(move || -> Result<Value, ErrorData> {
            let select: Vec<String> = args.rule.iter().cloned().collect();
            let (config, run) = analyze_code(&paths, &select, &tmp)?;
            let (report, _) = build_report(&common(&select), &config, run)
                .map_err(|e| invalid(format!("{e:#}")))?;
            let mut fixes = Vec::new();
            let mut without = 0usize;
            for f in &report.findings {
                let loc = f.location.as_ref();
                let wanted = args
                    .fingerprint
                    .as_ref()
                    .is_none_or(|p| *p == f.fingerprint)
                    && args.line.is_none_or(|n| {
                        loc.is_some_and(|l| l.line <= n && n <= l.end_line.unwrap_or(l.line))
                    });
                if !wanted {
                    continue;
                }
                let Some(fix) = &f.autofix else {
                    without += 1;
                    continue;
                };
                fixes.push(json!({
                    "rule_id": f.rule_id,
                    "finding": f.message,
                    "fingerprint": f.fingerprint,
                    "path": loc.map(|l| l.path.clone()),
                    "line": loc.map(|l| l.line),
                    "applicability": fix.applicability.as_str(),
                    "description": fix.message,
                    "diff": fix.diff,
                }));
            }
            Ok(json!({ "fixes": fixes, "findings_without_fix": without }))
        })
        .await??;
        drop(dir);
        Ok(CallToolResult::structured(value))
    }

    #[tool(
        description = "The route inventory of a Flask project: method, path, handler, file and line, how each route is authenticated, and whether object ids are checked against the caller."
    )]
    async fn list_routes(
        &self,
        Parameters(args): Parameters<PathsArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        let paths = existing(&args.paths)?;
        let value = blocking(move || -> Result<Value, ErrorData> {
            let analysis =
                crate::commands::code::run_analysis(&paths, &Config::default(), &|_| false, None)
                    .map_err(|e| internal(&e))?;
            let max = args.max_findings.unwrap_or(DEFAULT_MAX_FINDINGS.max(500));
            let total = analysis.routes.len();
            let routes: Vec<&spillcheck_python::Route> = analysis.routes.iter().take(max).collect();
            Ok(json!({"routes": routes, "omitted": total.saturating_sub(max)}))
        })
        .await??;
        Ok(CallToolResult::structured(value))
    }

    #[tool(
        description = "Probe a running API as a black box with zero, one or two users' tokens: missing auth, forged/none/expired tokens accepted, BOLA/IDOR, stack traces, sensitive fields and other users' data in answers, CORS, exposed files, login checks. Only 127.0.0.1/localhost targets unless the server was started with --allow-remote. Sends progress notifications."
    )]
    async fn probe_api(
        &self,
        Parameters(args): Parameters<ProbeApiArgs>,
        meta: RequestMetaObject,
        client: Peer<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let url =
            crate::commands::api::target_url(&args.url).map_err(|e| invalid(format!("{e:#}")))?;
        if !self.allow_remote && !is_loopback_url(&url) {
            return Err(invalid(format!(
                "{}: only loopback targets are probed (start the server with `spillcheck mcp --allow-remote` to allow others)",
                url.origin().ascii_serialization()
            )));
        }
        if args.rate.is_some_and(|r| !r.is_finite() || r < 0.0) {
            return Err(invalid("`rate` must be ≥ 0"));
        }
        // The CLI's own defaults for everything the tool does not expose; every credential
        // comes from the arguments only (never from the server's environment).
        let mut probe_args = probe_defaults()?;
        probe_args.token = args.token.clone();
        probe_args.token_b = args.token_b.clone();
        probe_args.admin_token = args.admin_token.clone();
        probe_args.token_limited = None;
        probe_args.openapi = args.openapi.clone();
        probe_args.allow_writes = args.allow_writes;
        probe_args.rate = args.rate.unwrap_or(probe_args.rate);
        probe_args.max_requests = args.max_requests.unwrap_or(2000);
        let config = Config::default();
        let selection = config
            .selection(catalog(), &args.select, &[])
            .map_err(|e| invalid(e.to_string()))?;
        let enabled: spillcheck_http::probe::Enabled =
            Box::new(move |id: &str| selection.is_enabled(id));
        // Progress: the requests sent so far, every half second, when the client asked.
        let bar = indicatif::ProgressBar::hidden();
        let ticker = meta.get_progress_token().map(|token| {
            let bar = bar.clone();
            let client = client.clone();
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    #[expect(clippy::cast_precision_loss, reason = "request counts are small")]
                    let sent = bar.position() as f64;
                    let note = ProgressNotificationParam::new(token.clone(), sent)
                        .with_message(format!("{sent} requests sent"));
                    if client.notify_progress(note).await.is_err() {
                        return;
                    }
                }
            })
        });
        let result =
            crate::commands::api::probe_run(&url, &probe_args, &config, enabled, bar).await;
        if let Some(t) = ticker {
            t.abort();
        }
        let run = result.map_err(|e| internal(&e))?;
        let mut secrets = run.secrets;
        secrets.extend(
            [args.token, args.token_b, args.admin_token]
                .into_iter()
                .flatten(),
        );
        let mut diagnostics = run.diagnostics;
        if let Some(f) = run.fatal {
            diagnostics.push(spillcheck_core::Diagnostic {
                level: spillcheck_core::DiagnosticLevel::Error,
                message: f,
                path: None,
                line: None,
            });
        }
        let report = RunResult {
            ran: crate::pipeline::ran::api,
            target: Target {
                paths: Vec::new(),
                url: Some(url.to_string()),
            },
            findings: run.findings,
            diagnostics,
            secrets,
            root: None,
        };
        Ok(CallToolResult::structured(report_json(
            &args.select,
            &config,
            report,
            args.max_findings,
        )?))
    }

    #[tool(
        description = "Audit a JWT without trusting it: algorithm, lifetime, sensitive claims (SC302/SC303), and try a built-in list of weak HMAC secrets (SC301). The token is never echoed back whole."
    )]
    async fn audit_jwt(
        &self,
        Parameters(args): Parameters<AuditJwtArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        if let Err(e) = spillcheck_tokens::jwt::Jwt::decode(&args.token) {
            return Err(invalid(e.to_string()));
        }
        let token = args.token.clone();
        let lifetime = args.max_lifetime.unwrap_or(3600);
        let findings: Vec<Finding> =
            blocking(move || crate::commands::jwt::audit_token(&token, lifetime)).await?;
        let run = RunResult {
            ran: crate::pipeline::ran::jwt,
            target: Target::default(),
            findings,
            diagnostics: Vec::new(),
            secrets: vec![args.token],
            root: None,
        };
        Ok(CallToolResult::structured(report_json(
            &[],
            &Config::default(),
            run,
            None,
        )?))
    }

    #[tool(
        description = "Tokens, keys and passwords written to log files (plain, .gz, JSON lines): one finding per distinct secret with its count and first and last place (SC310)."
    )]
    async fn scan_logs(
        &self,
        Parameters(args): Parameters<PathsArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        let paths = existing(&args.paths)?;
        let (findings, diagnostics) =
            blocking(move || crate::commands::logs::scan_logs(&paths)).await?;
        let run = RunResult {
            ran: crate::pipeline::ran::logs,
            target: Target {
                paths: args.paths.clone(),
                url: None,
            },
            findings,
            diagnostics,
            secrets: Vec::new(),
            root: None,
        };
        Ok(CallToolResult::structured(report_json(
            &[],
            &Config::default(),
            run,
            args.max_findings,
        )?))
    }

    #[tool(
        description = "One rule's documentation: what it finds, why it matters, an example and the fix, with severity, CWE and OWASP API category."
    )]
    async fn explain_rule(
        &self,
        Parameters(args): Parameters<ExplainArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        let rule = catalog().get(args.rule.trim()).ok_or_else(|| {
            invalid(format!(
                "unknown rule `{}` (call list_rules)",
                args.rule.trim()
            ))
        })?;
        Ok(CallToolResult::structured(
            crate::commands::rules::rule_json(rule, true),
        ))
    }

    #[tool(
        description = "The rule catalog: id, slug, title, severity, confidence, CWE, OWASP API category of every rule."
    )]
    async fn list_rules(&self) -> Result<CallToolResult, ErrorData> {
        let rules: Vec<Value> = catalog()
            .rules()
            .iter()
            .map(|r| crate::commands::rules::rule_json(r, false))
            .collect();
        Ok(CallToolResult::structured(json!({ "rules": rules })))
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("spillcheck", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "spillcheck finds where a Flask API protected by Bearer tokens exposes data. Use scan_code on code you write, probe_api on an app running on 127.0.0.1, explain_rule for a finding's fix.",
            )
    }
}

/// Serves MCP on stdio until the client closes it.
pub(crate) fn serve(allow_remote: bool) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async {
        let service = Server::new(allow_remote)
            .serve(rmcp::transport::stdio())
            .await?;
        service.waiting().await?;
        Ok(())
    })
}
