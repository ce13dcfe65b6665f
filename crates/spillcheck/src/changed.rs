//! Which files a pull request touches: `--diff-base REV` asks git, `--project DIR`
//! takes the files named on the command line. Either way the answer is a set of paths
//! in the form the code analysis reports them (relative to the working directory,
//! `/`-separated), so the analysis can build its model from the whole project and
//! report on these files only.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

/// The form `spillcheck-python` reports a path in: relative to `cwd` when under it.
pub(crate) fn report_path(cwd: &Path, path: &Path) -> String {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let abs = normalize(&abs);
    let rel = abs.strip_prefix(cwd).unwrap_or(&abs);
    rel.to_string_lossy()
        .replace('\\', "/")
        .trim_start_matches("./")
        .to_owned()
}

/// `a/./b/../c` → `a/c`, without touching the file system (the file may be deleted).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn git(cwd: &Path, args: &[&str]) -> anyhow::Result<Vec<u8>> {
    let out = Command::new("git")
        .args(args)
        .current_dir(cwd)
        .output()
        .context("--diff-base needs git on PATH")?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        bail!(
            "--diff-base: `git {}` failed: {}",
            args.first().copied().unwrap_or_default(),
            first.trim()
        );
    }
    Ok(out.stdout)
}

fn nul_separated(bytes: &[u8]) -> impl Iterator<Item = String> + '_ {
    bytes
        .split(|b| *b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
}

/// Files changed since `rev`: committed after it, staged, unstaged and untracked
/// (not ignored). Deleted files are left out: there is nothing to report on them.
/// `repo` is any path inside the repository (the first path analysed); the answer is
/// relative to `cwd`, as the analysis reports paths.
pub(crate) fn since(rev: &str, repo: &Path, cwd: &Path) -> anyhow::Result<HashSet<String>> {
    if rev.starts_with('-') {
        bail!("--diff-base: `{rev}` is not a revision");
    }
    let dir = if repo.is_dir() {
        repo.to_path_buf()
    } else {
        repo.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let dir = cwd.join(dir);
    let top = git(&dir, &["rev-parse", "--show-toplevel"]).map_err(|_| {
        anyhow::anyhow!("--diff-base: {} is not in a git repository", repo.display())
    })?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
    let commit = format!("{rev}^{{commit}}");
    if git(&dir, &["rev-parse", "--verify", "--quiet", &commit]).is_err() {
        bail!("--diff-base: unknown revision `{rev}` (shallow CI clones need it fetched first)");
    }
    // The merge base, as `git diff REV...` would use, but compared with the work tree.
    let base = git(&dir, &["merge-base", rev, "HEAD"])
        .or_else(|_| git(&dir, &["rev-parse", "--verify", &commit]))?;
    let base = String::from_utf8_lossy(&base).trim().to_owned();
    let diff = git(
        &dir,
        &[
            "diff",
            "--name-only",
            "--no-renames",
            "--diff-filter=d",
            "-z",
            &base,
            "--",
        ],
    )?;
    let untracked = git(
        &dir,
        &[
            "ls-files",
            "--others",
            "--exclude-standard",
            "--full-name",
            "-z",
        ],
    )?;
    let cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    let top = std::fs::canonicalize(&top).unwrap_or(top);
    // `ls-files` answers relative to `dir` unless --full-name, which makes it top-relative.
    Ok(nul_separated(&diff)
        .chain(nul_separated(&untracked))
        .map(|p| report_path(&cwd, &top.join(p)))
        .collect())
}

/// The files named on the command line, for `--project DIR PATHS...`.
pub(crate) fn named(paths: &[PathBuf], cwd: &Path) -> HashSet<String> {
    paths.iter().map(|p| report_path(cwd, p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_reported_relative_to_the_working_directory() {
        let cwd = Path::new("/repo");
        assert_eq!(
            report_path(cwd, Path::new("./app/views.py")),
            "app/views.py"
        );
        assert_eq!(report_path(cwd, Path::new("/repo/app/x.py")), "app/x.py");
        assert_eq!(report_path(cwd, Path::new("app/../lib/y.py")), "lib/y.py");
        assert_eq!(
            report_path(cwd, Path::new("/elsewhere/z.py")),
            "/elsewhere/z.py"
        );
    }

    #[test]
    fn an_option_is_not_taken_for_a_revision() {
        let err = since("--output=/tmp/x", Path::new("."), Path::new(".")).unwrap_err();
        assert!(err.to_string().contains("not a revision"), "{err}");
    }
}
