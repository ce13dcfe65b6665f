//! `SC170` sensitive-file-served: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A Flask app or blueprint whose `static_folder` (or a `send_from_directory` route) covers the project root or a folder holding `.env`, config files, databases, logs or backups; or a route that serves files named by the client without an allow-list.
    ///
    /// ## Why it matters
    /// `/.env`, `/config.py` or `/app.db` downloads hand out every secret and the whole database.
    ///
    /// ## Example
    /// ```python
    /// app = Flask(__name__, static_folder=".", static_url_path="")
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// app = Flask(__name__, static_folder="static")
    /// ```
    pub static SC170 = {
        id: "SC170",
        slug: "sensitive-file-served",
        title: "Sensitive file reachable as a static file",
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: &[538],
        owasp: &[OwaspApi::Api8],
        fix: "Serve static files from a dedicated folder that holds only public assets; never point `static_folder` at the project root.",
    }
}
