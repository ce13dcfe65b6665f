//! `spillcheck code --fix` and `spillcheck code --diff`: the findings' fixes applied to
//! the files, or shown as a unified diff.
//!
//! Fixes are applied per file, all at once, by writing a temporary file beside it and
//! renaming it over the original; a file whose content is not the one the analysis read
//! (its digest differs) is left alone. Fixes that overlap one already taken wait for the
//! next pass: after each pass the project is analysed again, up to [`MAX_PASSES`] times.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use spillcheck_core::fix::{Applicability, Fix, apply, source_digest, unified_diff};
use spillcheck_core::{Finding, Redactor};

use crate::ExitStatus;
use crate::args::CodeArgs;
use crate::commands::code::{self, collect};
use crate::pipeline::build_report;

/// Passes of fix-then-analyse before giving up on fixes that keep overlapping.
const MAX_PASSES: usize = 4;

/// The fixes `--fix` may apply, by file (the path as reported, relative to the working
/// directory), in report order.
fn applicable(findings: &[Finding], allowed: Applicability) -> BTreeMap<String, Vec<Fix>> {
    let mut by_file: BTreeMap<String, Vec<Fix>> = BTreeMap::new();
    for f in findings {
        if let (Some(fix), Some(loc)) = (&f.autofix, &f.location)
            && fix.applicability <= allowed
        {
            by_file
                .entry(loc.path.clone())
                .or_default()
                .push(fix.clone());
        }
    }
    by_file
}

/// Findings in a report whose fix needs `--unsafe-fixes`.
fn unsafe_only(findings: &[Finding]) -> usize {
    findings
        .iter()
        .filter(|f| {
            f.autofix
                .as_ref()
                .is_some_and(|x| x.applicability == Applicability::Unsafe)
        })
        .count()
}

fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "spillcheck: {line}");
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub(crate) fn fix(args: &CodeArgs) -> anyhow::Result<ExitStatus> {
    let allowed = if args.unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    if args.diff {
        return diff(args, allowed);
    }
    let cwd = std::env::current_dir()?;
    let mut fixed = 0usize;
    let mut files: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut changed_since: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for _ in 0..MAX_PASSES {
        let collected = collect(args)?;
        let (report, _) = build_report(&args.common, &collected.config, collected.run)?;
        let mut taken_now = 0;
        for (path, fixes) in applicable(&report.findings, allowed) {
            if changed_since.contains(&path) {
                continue;
            }
            let full = cwd.join(&path);
            let text = std::fs::read_to_string(&full)
                .with_context(|| format!("{path}: cannot read the file to fix"))?;
            let Some((after, taken)) = applied(&text, &fixes) else {
                changed_since.insert(path);
                continue;
            };
            if taken == 0 || after == text {
                continue;
            }
            write_atomically(&full, &text, &after)
                .with_context(|| format!("{path}: cannot write the fix"))?;
            taken_now += taken;
            files.insert(path);
        }
        fixed += taken_now;
        if taken_now == 0 {
            break;
        }
    }
    for path in &changed_since {
        say(&format!("{path} changed since it was analysed: not fixed"));
    }
    // What remains is reported as usual (and gated as usual).
    let collected = collect(args)?;
    let (report, _) = build_report(&args.common, &collected.config, collected.run.clone())?;
    let mut summary = format!(
        "fixed {} in {}; {} remain",
        plural(fixed, "finding", "findings"),
        plural(files.len(), "file", "files"),
        report.findings.len()
    );
    let hidden = unsafe_only(&report.findings);
    if !args.unsafe_fixes && hidden > 0 {
        let _ = write!(summary, " ({hidden} with an unsafe fix: --unsafe-fixes)");
    }
    say(&summary);
    code::report(args, collected)
}

/// `text` with `fixes` applied and how many were taken, or `None` when the text is not the
/// one the analysis read (a fix's digest differs).
fn applied(text: &str, fixes: &[Fix]) -> Option<(String, usize)> {
    let digest = source_digest(text);
    if fixes.iter().any(|f| f.source_sha256 != digest) {
        return None;
    }
    let fixes: Vec<&Fix> = fixes.iter().collect();
    let (after, taken) = apply(text, &fixes);
    Some((after, taken.len()))
}

/// Writes `after` over `path` through a temporary file in the same folder (same
/// permissions), unless the file no longer holds `before`.
fn write_atomically(path: &Path, before: &str, after: &str) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".spillcheck-fix-")
        .tempfile_in(dir)?;
    tmp.write_all(after.as_bytes())?;
    tmp.as_file().sync_all()?;
    let permissions = std::fs::metadata(path)?.permissions();
    std::fs::set_permissions(tmp.path(), permissions)?;
    if std::fs::read_to_string(path)? != before {
        anyhow::bail!("the file changed while it was being fixed; left as it is");
    }
    tmp.persist(path)?;
    Ok(())
}

/// `--diff`: every applicable fix as one unified diff per file on stdout. Secrets in the
/// shown lines are redacted, like everywhere else; such a hunk cannot be applied as it is
/// (spillcheck says which files), `--fix` can.
fn diff(args: &CodeArgs, allowed: Applicability) -> anyhow::Result<ExitStatus> {
    let cwd = std::env::current_dir()?;
    let collected = collect(args)?;
    let mut redactor = Redactor::new();
    for f in &collected.run.findings {
        for s in &f.secrets {
            redactor.add(s);
        }
    }
    for s in &collected.run.secrets {
        redactor.add(s);
    }
    let (report, _) = build_report(&args.common, &collected.config, collected.run)?;
    let mut out = String::new();
    let mut count = 0usize;
    let mut files = 0usize;
    let mut redacted: Vec<String> = Vec::new();
    let mut changed_since: Vec<String> = Vec::new();
    for (path, fixes) in applicable(&report.findings, allowed) {
        let full: PathBuf = cwd.join(&path);
        let Ok(text) = std::fs::read_to_string(&full) else {
            changed_since.push(path);
            continue;
        };
        let Some((after, taken)) = applied(&text, &fixes) else {
            changed_since.push(path);
            continue;
        };
        let d = unified_diff(&path, &text, &after);
        if d.is_empty() {
            continue;
        }
        let shown = redactor.scrub(&d);
        if shown != d {
            redacted.push(path.clone());
        }
        out.push_str(&shown);
        count += taken;
        files += 1;
    }
    let _ = std::io::stdout().write_all(out.as_bytes());
    for path in &changed_since {
        say(&format!("{path} changed since it was analysed: no diff"));
    }
    for path in &redacted {
        say(&format!(
            "{path}: the diff shows a secret redacted and does not apply as printed; `--fix` applies it"
        ));
    }
    let mut summary = format!(
        "{} in {} would be fixed",
        plural(count, "finding", "findings"),
        plural(files, "file", "files")
    );
    let hidden = unsafe_only(&report.findings);
    if !args.unsafe_fixes && hidden > 0 {
        let _ = write!(summary, " ({hidden} more with --unsafe-fixes)");
    }
    say(&summary);
    Ok(if count > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

#[cfg(test)]
mod tests {
    use super::write_atomically;

    #[test]
    fn a_file_that_changed_since_it_was_read_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("app.py");
        std::fs::write(&file, "DEBUG = True  # edited meanwhile\n").unwrap();
        let err = write_atomically(&file, "DEBUG = True\n", "DEBUG = False\n").unwrap_err();
        assert!(err.to_string().contains("changed"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            "DEBUG = True  # edited meanwhile\n"
        );
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn the_fixed_file_replaces_the_original_with_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("run.py");
        std::fs::write(&file, "DEBUG = True\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o750)).unwrap();
        write_atomically(&file, "DEBUG = True\n", "DEBUG = False\n").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "DEBUG = False\n");
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o750);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
