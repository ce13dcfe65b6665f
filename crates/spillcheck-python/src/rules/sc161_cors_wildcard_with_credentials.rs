//! `SC161` cors-wildcard-with-credentials: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// Flask-CORS configured with `origins="*"` (or no origins) together with `supports_credentials=True`, or handlers that copy the request's `Origin` into `Access-Control-Allow-Origin` and set `Access-Control-Allow-Credentials: true`.
    ///
    /// ## Why it matters
    /// Any website a user visits can make authenticated requests to the API from the user's browser and read the answers.
    ///
    /// ## Example
    /// ```python
    /// CORS(app, supports_credentials=True)
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// CORS(app, origins=["https://app.example.com"], supports_credentials=True)
    /// ```
    pub static SC161 = {
        id: "SC161",
        slug: "cors-wildcard-with-credentials",
        title: "CORS wildcard with credentials",
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: &[942],
        owasp: &[OwaspApi::Api8],
        fix: "Allow an explicit list of origins when credentials are allowed; never combine `*` or a reflected origin with `supports_credentials=True`.",
    }
}
