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
    /// ## Known false positives and how confidence is decided
    /// Confirmed for every detector except the generic one (a value assigned to a secret-looking name), which is `possible` (`--confidence possible`) unless the value looks generated (20 characters or more, letters and digits, high entropy). In `spillcheck scan --logs`, a code finding SC110 (or SC111 outside a route handler) joins the SC310 findings of the known formats and is shown with them; a `possible` finding of the generic detector stays on its own. Not reported: placeholders and references (`example`, `xxxx`, `your…`, `changeme`, `<token>`, `${VAR}`, `test-`…), UUIDs, hex digests, URLs and numbers under secret names, names that describe rather than hold a secret (`*_url`, `*_path`, `*_id`, `*_ttl`…), connection URLs whose user and password only show the URL's shape (`user:pass@`, `scott:tiger@`), `eyJ…` strings that do not decode to a JWT, and binary files; with `spillcheck api --logs`, the credentials the probe made up are dropped and its canary becomes SC311. A token's expiry is not checked: one that has since expired is still reported.
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
        confirms: &["SC110", "SC111"],
    }
}
