//! `SC160` insecure-transport-config: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// Configuration that lets credentials travel in clear text: `SESSION_COOKIE_SECURE = False`, `JWT_COOKIE_SECURE = False`, `PREFERRED_URL_SCHEME = "http"`, `http://` URLs for token or OAuth endpoints in code, `app.run(ssl_context=None)` on a public host.
    ///
    /// ## Why it matters
    /// A Bearer token or session cookie sent over plain HTTP can be read by anyone on the path (CWE-319, CWE-614).
    ///
    /// ## Example
    /// ```python
    /// app.config["SESSION_COOKIE_SECURE"] = False
    /// TOKEN_URL = "http://auth.example.com/oauth/token"
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// app.config["SESSION_COOKIE_SECURE"] = True
    /// TOKEN_URL = "https://auth.example.com/oauth/token"
    /// ```
    pub static SC160 = {
        id: "SC160",
        slug: "insecure-transport-config",
        title: "Insecure transport configuration",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[319, 614],
        owasp: &[OwaspApi::Api8],
        fix: "Serve only over HTTPS and set `SESSION_COOKIE_SECURE = True` (and `REMEMBER_COOKIE_SECURE`); use `PREFERRED_URL_SCHEME = \"https\"`.",
    }
}
