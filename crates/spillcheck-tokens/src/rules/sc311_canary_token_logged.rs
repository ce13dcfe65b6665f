//! `SC311` canary-token-logged: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the token and secret scanners (`spillcheck jwt`, `spillcheck logs`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// During the probe spillcheck sent a unique, harmless canary JWT in the `Authorization` header (and, where tested, the query string); afterwards it found that exact canary in the application's log files. That proves the application logs tokens it receives.
    ///
    /// ## Why it matters
    /// It turns a suspicion from code review into proof: real users' tokens are in those logs too.
    ///
    /// ## Example
    /// ```text
    /// app.log:120: Authorization: Bearer eyJhbG… (spillcheck canary)
    /// ```
    ///
    /// ## Fix
    /// Remove header logging and purge the logs.
    pub static SC311 = {
        id: "SC311",
        slug: "canary-token-logged",
        title: "Canary token found in the application's logs",
        severity: Severity::High,
        confidence: Confidence::Confirmed,
        cwe: &[532],
        owasp: &[OwaspApi::Api8],
        fix: "Stop logging request headers and tokens; add a redacting filter (see SC110).",
    }
}
