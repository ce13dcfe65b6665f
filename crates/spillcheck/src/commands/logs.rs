//! `spillcheck logs PATH...`: tokens and secrets in log files and other files.

use std::path::Path;

use anyhow::bail;
use spillcheck_core::{Diagnostic, DiagnosticLevel, Target};
use spillcheck_tokens::findings::{Context, to_findings};
use spillcheck_tokens::scan::{ScanOptions, scan_files, walk};

use crate::ExitStatus;
use crate::args::LogsArgs;
use crate::pipeline::{RunResult, finish, load_config};

/// How a path is shown: relative to the working directory when under it.
pub(crate) fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let rel = path.strip_prefix(&cwd).unwrap_or(path);
    rel.to_string_lossy()
        .replace('\\', "/")
        .trim_start_matches("./")
        .to_owned()
}

/// Tokens and secrets in log files (and other files) under `paths`.
pub(crate) fn scan_logs(
    paths: &[std::path::PathBuf],
) -> (Vec<spillcheck_core::Finding>, Vec<Diagnostic>) {
    let (files, problems) = walk(paths);
    let result = scan_files(&files, &display_path, ScanOptions::default());
    let mut diagnostics: Vec<Diagnostic> = problems
        .into_iter()
        .chain(result.notes.iter().cloned())
        .map(|(path, message)| Diagnostic {
            level: DiagnosticLevel::Warning,
            message,
            path: Some(path),
            line: None,
        })
        .collect();
    if result.untracked > 0 {
        diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Warning,
            message: format!(
                "{} further secrets not listed individually (limit of distinct secrets reached)",
                result.untracked
            ),
            path: None,
            line: None,
        });
    }
    (to_findings(&result, Context::Logs), diagnostics)
}

pub(crate) fn logs(args: &LogsArgs) -> anyhow::Result<ExitStatus> {
    for p in &args.paths {
        if !p.exists() {
            bail!("{}: no such file or directory", p.display());
        }
    }
    let config = load_config(
        &args.common,
        args.paths.first().map_or(Path::new("."), |p| p.as_path()),
    )?;
    let (findings, diagnostics) = scan_logs(&args.paths);
    finish(
        &args.common,
        &config,
        RunResult {
            ran: crate::pipeline::ran::logs,
            target: Target {
                paths: args.paths.iter().map(|p| p.display().to_string()).collect(),
                url: None,
            },
            findings,
            diagnostics,
            secrets: Vec::new(),
            root: None,
        },
    )
}
