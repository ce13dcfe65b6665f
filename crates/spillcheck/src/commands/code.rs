//! `spillcheck code PATH...` and `spillcheck routes PATH...`.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::bail;
use spillcheck_core::{Config, Target};
use spillcheck_python::{Analysis, ModelOptions, Options, OwnerCheck, RouteAuth};

use crate::ExitStatus;
use crate::args::{CatalogFormat, CodeArgs, RoutesArgs};
use crate::catalog::catalog;
use crate::changed;
use crate::pipeline::{Collected, RunResult, finish, load_config};

pub(crate) fn run_analysis(
    paths: &[PathBuf],
    config: &Config,
    enabled: &(dyn Fn(&str) -> bool + Sync),
    only: Option<&HashSet<String>>,
) -> anyhow::Result<Analysis> {
    for p in paths {
        if !p.exists() {
            bail!("{}: no such file or directory", p.display());
        }
    }
    let root = std::env::current_dir()?;
    let options = Options {
        paths: paths.to_vec(),
        root,
        exclude: config.exclude_set()?,
        model: ModelOptions {
            auth_decorators: config.auth_decorators.clone(),
            public_routes: config.public_routes.clone(),
        },
        enabled,
        only,
    };
    Ok(spillcheck_python::analyze(&options))
}

fn first_path(paths: &[PathBuf]) -> &Path {
    paths.first().map_or(Path::new("."), PathBuf::as_path)
}

pub(crate) fn code(args: &CodeArgs) -> anyhow::Result<ExitStatus> {
    report(args, collect(args)?)
}

/// The report of a collected analysis, gated (and `--strict` applied).
pub(crate) fn report(args: &CodeArgs, collected: Collected) -> anyhow::Result<ExitStatus> {
    let incomplete = collected.incomplete;
    let status = finish(&args.common, &collected.config, collected.run)?;
    if args.strict && incomplete && status == ExitStatus::Success {
        let _ = writeln!(
            std::io::stderr(),
            "spillcheck: --strict: some files could not be analysed (see the diagnostics)"
        );
        return Ok(ExitStatus::Failure);
    }
    Ok(status)
}

/// The analysis `spillcheck code` runs, before the report.
pub(crate) fn collect(args: &CodeArgs) -> anyhow::Result<Collected> {
    let cwd = std::env::current_dir()?;
    // What is analysed, and (for pull requests and pre-commit) what is reported on.
    let (project, only) = match (&args.project, &args.diff_base) {
        (Some(dir), _) => (vec![dir.clone()], Some(changed::named(&args.paths, &cwd))),
        (None, Some(rev)) => (
            args.paths.clone(),
            Some(changed::since(rev, first_path(&args.paths), &cwd)?),
        ),
        (None, None) => (args.paths.clone(), None),
    };
    let config = load_config(&args.common, first_path(&project))?;
    let selection = config.selection(catalog(), &args.common.select, &args.common.ignore)?;
    let enabled = |id: &str| selection.is_enabled(id);
    let mut analysis = code_analysis(&project, &config, &enabled, only.as_ref())?;
    // The API inventory: the code's routes against the API descriptions committed with it
    // (not for a report limited to changed files: the inventory is about the whole API).
    if only.is_none()
        && spillcheck_http::inventory::RULE_IDS
            .iter()
            .any(|r| enabled(r))
    {
        let exclude = config.exclude_set()?;
        let excluded = |p: &Path| exclude.is_match(crate::commands::logs::display_path(p));
        let (spec, notes) = crate::inventory::committed_descriptions(&project, &excluded);
        let inventory = spillcheck_http::inventory::Inventory::build(
            Some(crate::inventory::code_routes(&analysis.routes)),
            spec.as_deref(),
            &[],
        );
        analysis.diagnostics.extend(notes);
        crate::inventory::add(
            &inventory,
            &enabled,
            &mut analysis.findings,
            &mut analysis.diagnostics,
        );
    }
    let incomplete = analysis.parse_errors > 0 || !analysis.diagnostics.is_empty();
    let target = Target {
        paths: project.iter().map(|p| p.display().to_string()).collect(),
        url: None,
    };
    Ok(Collected {
        config,
        run: RunResult {
            ran: crate::pipeline::ran::code,
            target,
            findings: analysis.findings,
            diagnostics: analysis.diagnostics,
            secrets: Vec::new(),
            root: Some(cwd),
        },
        fatal: None,
        incomplete,
    })
}

/// The code analysis every caller runs (`code`, `scan`, `api --source`, MCP): the code
/// rules, then SC320 on the project's files when it is enabled (on the changed files only
/// when `only` limits the report to them).
pub(crate) fn code_analysis(
    paths: &[PathBuf],
    config: &Config,
    enabled: &(dyn Fn(&str) -> bool + Sync),
    only: Option<&HashSet<String>>,
) -> anyhow::Result<Analysis> {
    let mut analysis = run_analysis(paths, config, enabled, only)?;
    if enabled("SC320") {
        let changed: Vec<PathBuf>;
        let secret_paths = match only {
            Some(only) => {
                changed = only
                    .iter()
                    .map(PathBuf::from)
                    .filter(|p| p.is_file())
                    .collect();
                &changed
            }
            None => paths,
        };
        secrets_in_project_files(secret_paths, config, &mut analysis)?;
    }
    Ok(analysis)
}

/// SC320: secrets committed in the project's files. Non-Python files get every
/// detector; Python files only the provider-key formats, and not on a line where a
/// code rule (SC130/SC131) already reported the literal.
pub(crate) fn secrets_in_project_files(
    paths: &[PathBuf],
    config: &Config,
    analysis: &mut Analysis,
) -> anyhow::Result<()> {
    let exclude = config.exclude_set()?;
    let (files, _) = spillcheck_tokens::scan::walk(paths);
    let (python, other): (Vec<PathBuf>, Vec<PathBuf>) = files
        .into_iter()
        .filter(|p| {
            spillcheck_tokens::scan::is_project_text_file(p)
                && !exclude.is_match(crate::commands::logs::display_path(p))
        })
        .partition(|p| p.extension().is_some_and(|e| e == "py"));
    let display = |p: &Path| crate::commands::logs::display_path(p);
    use spillcheck_tokens::findings::{Context, to_findings};
    use spillcheck_tokens::scan::{ScanOptions, scan_files};
    let mut found = to_findings(
        &scan_files(&other, &display, ScanOptions::default()),
        Context::ProjectFiles,
    );
    let in_python = to_findings(
        &scan_files(&python, &display, ScanOptions { python: true }),
        Context::ProjectFiles,
    );
    for f in in_python {
        let loc = f.location.as_ref().map(|l| (l.path.clone(), l.line));
        let covered = analysis.findings.iter().any(|c| {
            matches!(c.rule_id.as_str(), "SC130" | "SC131")
                && c.location.as_ref().map(|l| (l.path.clone(), l.line)) == loc
        });
        if !covered
            && !spillcheck_core::walk::is_test_path(
                loc.as_ref().map(|l| l.0.as_str()).unwrap_or_default(),
            )
        {
            found.push(f);
        }
    }
    found.retain(|f| {
        !f.location
            .as_ref()
            .is_some_and(|l| spillcheck_core::walk::is_test_path(&l.path))
    });
    // Documentation samples, example folders (`api-ref/…/samples/`, `examples/pki/`) and
    // translation catalogs (a translated `user:password@host`) show values on purpose:
    // `possible`, kept for whoever reviews them.
    for f in &mut found {
        if f.location.as_ref().is_some_and(|l| {
            l.path.split('/').rev().skip(1).any(|s| {
                matches!(
                    s.to_ascii_lowercase().as_str(),
                    "samples"
                        | "sample"
                        | "examples"
                        | "example"
                        | "api-ref"
                        | "translations"
                        | "locale"
                        | "locales"
                        | "lc_messages"
                        | "i18n"
                )
            })
        }) {
            f.lower_to_possible("a documentation sample, example or translation folder");
        }
    }
    analysis.findings.extend(found);
    Ok(())
}

pub(crate) fn routes(args: &RoutesArgs) -> anyhow::Result<ExitStatus> {
    let config = match &args.config {
        Some(path) => Config::read(path)?,
        None => Config::discover(first_path(&args.paths))?.unwrap_or_default(),
    };
    let all = |_: &str| false;
    let analysis = run_analysis(&args.paths, &config, &all, None)?;
    if let Some(spec) = &args.compare_spec {
        let inventory = crate::inventory::compare_spec(spec, &analysis.routes)?;
        let text = crate::inventory::render(&inventory, args.format)?;
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()?;
        return Ok(ExitStatus::Success);
    }
    let text = match args.format {
        CatalogFormat::Json | CatalogFormat::Markdown => {
            let mut s = serde_json::to_string_pretty(
                &serde_json::json!({ "schema": 1, "routes": analysis.routes }),
            )?;
            s.push('\n');
            s
        }
        CatalogFormat::Text => {
            let mut s = String::new();
            let _ = writeln!(
                s,
                "{:<7} {:<44} {:<28} {:<26} {:<14} HANDLER",
                "METHOD", "PATH", "AUTH", "VIA", "OWNER CHECK"
            );
            for r in &analysis.routes {
                let (auth, via) = match &r.auth {
                    RouteAuth::Decorator { name } => ("decorator", name.clone()),
                    RouteAuth::Hook { name } => ("before_request", name.clone()),
                    RouteAuth::Exempt { hook } => ("NONE (exempt)", hook.clone()),
                    RouteAuth::Handler { name } => ("in handler", name.clone()),
                    RouteAuth::Optional { name } => ("optional", name.clone()),
                    RouteAuth::Unapplied { name } => ("NONE (decorator not applied)", name.clone()),
                    RouteAuth::Public => ("public (config)", String::new()),
                    RouteAuth::None => ("NONE", String::new()),
                };
                let owner = match r.owner_check {
                    OwnerCheck::NotApplicable => "-",
                    OwnerCheck::Checked => "checked",
                    OwnerCheck::RoleRestricted => "role",
                    OwnerCheck::Missing => "MISSING",
                    OwnerCheck::NoIdentity => "no identity",
                };
                for m in &r.methods {
                    let _ = writeln!(
                        s,
                        "{m:<7} {:<44} {auth:<28} {via:<26} {owner:<14} {}:{} {}",
                        r.path, r.file, r.line, r.handler
                    );
                }
            }
            let _ = writeln!(
                s,
                "{} routes in {} files",
                analysis.routes.len(),
                analysis.files
            );
            s
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitStatus::Success)
}
