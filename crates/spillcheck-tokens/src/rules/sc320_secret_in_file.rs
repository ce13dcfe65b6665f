//! `SC320` secret-in-file: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the token and secret scanners (`spillcheck jwt`, `spillcheck logs`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A provider key (AWS, GitHub, GitLab, Slack, Stripe, Google, OpenAI-style), a private key, a database URL with a password or a high-entropy value assigned to a secret-looking name in a project file: `.env`, YAML, TOML, JSON, INI, notebooks, Python.
    ///
    /// ## Why it matters
    /// Secrets in repositories are found by scrapers within minutes and live on in clones and history (CWE-540, CWE-312).
    ///
    /// ## Example
    /// ```text
    /// # config/settings.yaml
    /// mail_provider_api_key: SG.xxxxxxxx…
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// `likely` for provider key formats, private keys, passwords in connection URLs, JWTs, `Authorization` credentials and session cookies: the format is certain, whether the key is live is not. A JSON Web Token whose `exp` claim (else an app's own numeric `expires`, `expires_at` or `expiry`) is already past (an API description's example answer) is `possible`: it opens nothing unless the app ignores expiry. A value merely assigned to a secret-looking name is `possible` (`--confidence possible`) unless it looks generated (20 characters or more, letters and digits, high entropy). Not reported: placeholders and references (`example`, `xxxx`, `your…`, `changeme`, `<…>`, `${VAR}`…), UUIDs, hex digests, URLs and numbers under secret names; test code and fixtures (files named `test_*`, `*_test.*` or `conftest.py`, folders `tests`, `test`, `testing`, `fixtures`, `testdata`, `e2e`, `*_tests`); a value that is a path, or assigned to a file's name (a bundler's manifest: `"app-token.svg": "/static/app-token.3f2a.svg"`); a PEM header followed on its line by `...` or `<…>` (the shape of a key in a docstring); in a form-encoded line (`a=1&b_secret=…&c=…`) each value ends at the next `&name=`. Files under documentation sample and example folders (`samples/`, `examples/`, `api-ref/`) are `possible`: they show values on purpose; files outside the project-file types (lock files, minified scripts, images), paths matched by `exclude` in the configuration, files the repository's `.gitignore` excludes (when a folder is walked), and binary files; in Python files, generic assignments and `Authorization` values (left to SC130/SC131) and any line SC130 or SC131 already reported. `.env.example` and other sample files are read like any other file, only their placeholder values skipped, so a realistic-looking sample value is reported; list such files under `exclude` to silence them.
    ///
    /// ## Fix
    /// Keep a `.env.example` with placeholders under version control and the real `.env` out of it.
    pub static SC320 = {
        id: "SC320",
        slug: "secret-in-file",
        title: "Secret committed in a project file",
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: &[540, 312],
        owasp: &[OwaspApi::Api8],
        fix: "Remove the secret from the repository (and its history), rotate it, and load it from the environment.",
    }
}
