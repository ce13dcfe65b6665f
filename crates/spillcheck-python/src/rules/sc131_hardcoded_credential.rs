//! `SC131` hardcoded-credential: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A literal password, API key or connection string with a password assigned to a credential-looking name (`DB_PASSWORD`, `STRIPE_API_KEY`, `ADMIN_PASSWORD`) or passed as a credential argument (`password=`, `api_key=`). `token_type = "Bearer"`, URLs without passwords, placeholders (`changeme`, `<your-key>`, `xxx`), environment lookups and test fixtures are not reported.
    ///
    /// ## Why it matters
    /// Committed credentials are found by scrapers within minutes of a push to a public repository and stay in history forever.
    ///
    /// ## Example
    /// ```python
    /// MAIL_PASSWORD = "Sup3rS3cret!"
    /// stripe.api_key = "sk_live_..."
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// MAIL_PASSWORD = os.environ["MAIL_PASSWORD"]
    /// ```
    pub static SC131 = {
        id: "SC131",
        slug: "hardcoded-credential",
        title: "Hardcoded password or API key",
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: &[798, 540],
        owasp: &[OwaspApi::Api8],
        fix: "Move credentials to the environment or a secret manager and rotate the committed ones.",
    }
}
