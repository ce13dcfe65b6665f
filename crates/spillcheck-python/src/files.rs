//! Finding the files to analyse: Python sources and the project's other text files,
//! honouring `.gitignore` and the configuration's exclude globs. Unreadable,
//! non-UTF-8, binary and oversized files become diagnostics, never panics.

use std::path::{Path, PathBuf};

use globset::GlobSet;

/// Python files larger than this are skipped with a diagnostic: generated code or
/// data. The syntax tree costs about 28 times the source (a 50 MB file: 1.4 GB and
/// 8 s in release), so this keeps one file's cost near 300 MB.
pub(crate) const MAX_PYTHON_BYTES: u64 = 10 * 1024 * 1024;

/// A file found by the walk.
#[derive(Debug, Clone)]
pub(crate) struct FoundFile {
    /// Absolute or as-given path, for reading.
    pub path: PathBuf,
    /// Path relative to the scan root, `/`-separated, for reports.
    pub rel: String,
    /// Whether it is Python source.
    pub python: bool,
}

/// A problem met while walking (a diagnostic, not a finding).
#[derive(Debug, Clone)]
pub(crate) struct WalkProblem {
    /// The path concerned (relative when possible).
    pub path: String,
    /// What happened.
    pub message: String,
}

fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    let s = s.trim_start_matches("./").to_owned();
    if s.is_empty() {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        s
    }
}

/// Walks `paths` (files or folders). Returns the files and the problems met.
pub(crate) fn walk(
    paths: &[PathBuf],
    root: &Path,
    exclude: &GlobSet,
) -> (Vec<FoundFile>, Vec<WalkProblem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for start in paths {
        if !start.exists() {
            problems.push(WalkProblem {
                path: start.display().to_string(),
                message: "no such file or directory".into(),
            });
            continue;
        }
        for entry in spillcheck_core::walk::walker(start) {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    problems.push(WalkProblem {
                        path: start.display().to_string(),
                        message: one_line(&err.to_string()),
                    });
                    continue;
                }
            };
            let kind = entry.file_type();
            if !kind.is_some_and(|t| t.is_file()) {
                // Links are not followed (so a link loop costs nothing); a Python file that
                // is a link, a FIFO or a socket is named, since its code goes unread.
                let name = entry.file_name().to_string_lossy();
                let python = name.ends_with(".py") || name.ends_with(".pyi");
                if python && !kind.is_some_and(|t| t.is_dir()) {
                    let what = if kind.is_some_and(|t| t.is_symlink()) {
                        "skipped: symbolic link (links are not followed)"
                    } else {
                        "skipped: not a regular file"
                    };
                    problems.push(WalkProblem {
                        path: rel_path(root, entry.path()),
                        message: what.into(),
                    });
                }
                continue;
            }
            let path = entry.path().to_path_buf();
            let rel = rel_path(root, &path);
            if exclude.is_match(&rel) {
                continue;
            }
            let python = path.extension().is_some_and(|e| e == "py" || e == "pyi");
            files.push(FoundFile { path, rel, python });
        }
    }
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    files.dedup_by(|a, b| a.rel == b.rel);
    (files, problems)
}

/// Reads a file as UTF-8 text. Problems (too large, binary, not UTF-8) come back as a message.
pub(crate) fn read_text(path: &Path, max: u64) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| one_line(&e.to_string()))?;
    if meta.len() > max {
        return Err(format!(
            "skipped: {} MB is larger than the {} MB limit",
            meta.len() / 1_048_576,
            max / 1_048_576
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| one_line(&e.to_string()))?;
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err("skipped: binary file".into());
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            Err(format!("skipped: not UTF-8 (invalid byte at offset {at})"))
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
