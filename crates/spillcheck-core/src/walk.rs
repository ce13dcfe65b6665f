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
