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
