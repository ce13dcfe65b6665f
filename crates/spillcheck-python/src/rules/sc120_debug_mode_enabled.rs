//! `SC120` debug-mode-enabled: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// `app.run(debug=True)`, `app.debug = True`, `app.config["DEBUG"] = True`, `DEBUG = True` in a config module, or `use_debugger=True`/`use_reloader` flags in code that starts the server.
    ///
    /// ## Why it matters
    /// Flask's debug mode serves the Werkzeug debugger on every unhandled error: a full traceback with source and local variables, and an interactive Python console protected only by a PIN that is derivable from machine facts. That is remote code execution.
    ///
    /// ## Example
    /// ```python
    /// if __name__ == "__main__":
    ///     app.run(host="0.0.0.0", debug=True)
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// if __name__ == "__main__":
    ///     app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
    /// ```
    pub static SC120 = {
        id: "SC120",
        slug: "debug-mode-enabled",
        title: "Debug mode enabled",
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: &[215, 489],
        owasp: &[OwaspApi::Api8],
        fix: "Read debug from the environment (`FLASK_DEBUG`) and keep it off outside development; never ship `app.run(debug=True)` or `DEBUG = True`.",
    }
}
