//! The one directory walk every engine uses: `.gitignore` honoured, hidden files
//! included (`.env` matters), symlinks not followed (no loops), and the folders of
//! tools, caches and virtual environments skipped.

use std::path::Path;

/// Folders never walked into.
pub const SKIP_DIRS: &[&str] = &[
    ".git",
    "__pycache__",
    "node_modules",
    ".venv",
    "venv",
    ".tox",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "site-packages",
    "target",
];

/// Whether a project-relative path is test code or test data, whose secrets and shortcuts
/// are fake on purpose: `test_*.py`, `*_test.py`, `conftest.py`, `tests.py`, and anything
/// under a `tests`, `test`, `testing`, `fixtures`, `testdata` or `e2e` folder or one named
/// `*_tests` / `*-tests` (`end_to_end_tests`, `integration-tests`).
pub fn is_test_path(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let stem = name.split_once('.').map_or(name, |(s, _)| s);
    name.starts_with("test_")
        || stem.ends_with("_test")
        || name == "conftest.py"
        || name == "tests.py"
        // A test settings module (`config/test.py`, `settings/testing.py`; a package's own
        // `testing.py` is its test client, library code).
        || name == "test.py"
        || name == "testing.py"
            && rel.split('/').rev().nth(1).is_some_and(|d| {
                matches!(d.to_ascii_lowercase().as_str(), "config" | "configs" | "settings" | "conf")
            })
        || rel.split('/').rev().skip(1).any(|seg| {
            let s = seg.to_ascii_lowercase();
            matches!(
                s.as_str(),
                "tests" | "test" | "testing" | "fixtures" | "testdata" | "e2e" | "examples_test"
            ) || s.ends_with("_tests")
                || s.ends_with("-tests")
        })
}

/// A walk of `start` with spillcheck's rules.
pub fn walker(start: &Path) -> ignore::Walk {
    let mut builder = ignore::WalkBuilder::new(start);
    builder
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .ignore(true)
        .parents(true)
        .follow_links(false);
    builder.filter_entry(|e| {
        !(e.file_type().is_some_and(|t| t.is_dir())
            && SKIP_DIRS.contains(&e.file_name().to_string_lossy().as_ref()))
    });
    builder.build()
}

#[cfg(test)]
mod tests {
    use super::is_test_path;

    #[test]
    fn test_paths() {
        for p in [
            "tests/test_api.py",
            "app/lib/hashr_lookup_test.py",
            "end_to_end_tests/interface.py",
            "src/integration-tests/config.yml",
            "e2e/fixtures.json",
            "conftest.py",
            "pkg/testing/helpers.py",
            "kqueen/config/test.py",
            "app/settings/testing.py",
        ] {
            assert!(is_test_path(p), "{p}");
        }
        for p in [
            "app/api/tokens.py",
            "app/contest.py",
            "app/testimonials/views.py",
            "flask/testing.py",
            "attestation/service.py",
        ] {
            assert!(!is_test_path(p), "{p}");
        }
    }
}
