//! `SC130` hardcoded-secret-key: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A string literal assigned to a signing key: `SECRET_KEY = "..."`, `app.secret_key = "..."`, `app.config["JWT_SECRET_KEY"] = "..."`, or a literal passed as the key to `jwt.encode`/`jwt.decode`. Placeholders, empty strings and environment lookups are not reported.
    ///
    /// ## Why it matters
    /// Whoever reads the source (every developer, every CI log, anyone with the repository) can sign session cookies and tokens for any user. Short dictionary words are also cracked offline from a single token in minutes.
    ///
    /// ## Example
    /// ```python
    /// app.config["SECRET_KEY"] = "dev"
    /// JWT_SECRET = "s3cr3t"
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    /// ```
    pub static SC130 = {
        id: "SC130",
        slug: "hardcoded-secret-key",
        title: "Hardcoded secret or signing key",
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: &[540, 798],
        owasp: &[OwaspApi::Api8],
        fix: "Load `SECRET_KEY` and JWT signing keys from the environment or a secret manager, fail at start-up when they are missing, and rotate any key that was ever committed.",
    }
}
