//! `SC310` token-in-log-file: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the token and secret scanners (`spillcheck jwt`, `spillcheck logs`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A log file contains Bearer tokens, JWTs, `Authorization` headers, session cookies or API keys. Findings are grouped per distinct secret with the number of occurrences and where it was first and last seen.
    ///
    /// ## Why it matters
    /// Logs are copied widely and kept long; every token in them is usable by every reader until it expires.
    ///
    /// ## Example
    /// ```text
    /// 2026-11-29 10:00:01 INFO headers={'Authorization': 'Bearer eyJhbG…'}
    /// ```
    ///
    /// ## Fix
    /// Add a redacting logging filter and rotate the tokens.
    pub static SC310 = {
        id: "SC310",
        slug: "token-in-log-file",
        title: "Token or credential found in a log file",
        severity: Severity::High,
        confidence: Confidence::Confirmed,
        cwe: &[532],
        owasp: &[OwaspApi::Api8],
        fix: "Stop logging credentials (see SC110), purge the affected logs and revoke the exposed tokens.",
    }
}
