//! `SC221` debugger-console-exposed: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the probe (`spillcheck api`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// The API served the Werkzeug debugger: a traceback page with the interactive debugger, a PIN-locked console, or an open `/console` (remote code execution). The finding says which.
    ///
    /// ## Why it matters
    /// The debugger's console executes Python on the server; its PIN is derivable from facts an attacker can often read.
    ///
    /// ## Example
    /// ```http
    /// GET /console HTTP/1.1
    ///
    /// HTTP/1.1 200 OK
    /// ... Werkzeug Debugger ... console ...
    /// ```
    ///
    /// ## Fix
    /// Turn debug off (`FLASK_DEBUG=0`) and serve with gunicorn or uWSGI.
    pub static SC221 = {
        id: "SC221",
        slug: "debugger-console-exposed",
        title: "Werkzeug debugger exposed",
        severity: Severity::Critical,
        confidence: Confidence::Confirmed,
        cwe: &[215, 94],
        owasp: &[OwaspApi::Api8],
        fix: "Never run with debug mode on a reachable host; run behind a production WSGI server with `debug=False`.",
    }
}
