//! `SC250` exposed-sensitive-file: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A request for a well-known sensitive path (`/.env`, `/.git/config`, `/config.py`, logs, backups, database files) returned the file, after checking that the site does not answer every path the same way (custom 404 or catch-all pages are never reported).
    ///
    /// ## Why it matters
    /// These files hold keys, passwords and sometimes the whole database.
    ///
    /// ## Example
    /// ```http
    /// GET /.env HTTP/1.1
    ///
    /// HTTP/1.1 200 OK
    /// SECRET_KEY=…
    /// ```
    ///
    /// ## Fix
    /// Point `static_folder` at a folder of public assets only.
    pub static SC250 = {
        id: "SC250",
        slug: "exposed-sensitive-file",
        title: "Sensitive file exposed over HTTP",
        severity: Severity::High,
        confidence: Confidence::Confirmed,
        cwe: &[538, 540],
        owasp: &[OwaspApi::Api8],
        fix: "Do not serve the project directory; remove the file from the web root and rotate whatever it contained.",
    }
}
