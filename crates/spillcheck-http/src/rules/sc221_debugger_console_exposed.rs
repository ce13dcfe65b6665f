//! `SC221` debugger-console-exposed: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};
use std::sync::Arc;

use reqwest::Method;
use spillcheck_core::Finding;

use crate::engine::Exchange;
use crate::inspect;
use crate::probe::Probe;

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
    /// ## Known false positives and how confidence is decided
    /// Confirmed: only an HTML answer carrying the debugger's markers (`__debugger__` or `Werkzeug Debugger`) counts, and the severity follows the page's own flags: critical when `CONSOLE_MODE`, `EVALEX` and `EVALEX_TRUSTED` are all true (an open console), high for any other console page (locked by its PIN), medium for a traceback page. Every answer of the run is read, besides the one anonymous `GET /console` the probe adds, and each route is reported once, at its worst grade; the page's `SECRET` is kept out of every output. Answers that are not HTML are not read, so a JSON error naming Werkzeug is not reported, but an HTML page that merely quotes the words `Werkzeug Debugger` (documentation, a blog post) is, as a traceback page.
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
        confirms: &["SC120"],
    }
}

/// How exposed a Werkzeug debugger page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Grade {
    /// A traceback page with the debugger's frames (code execution needs the PIN).
    Traceback,
    /// The console, locked by a PIN.
    PinLocked,
    /// The console, open: anyone runs Python on the server.
    Open,
}

fn grade(body: &str) -> Option<Grade> {
    if !body.contains("__debugger__") && !body.contains("Werkzeug Debugger") {
        return None;
    }
    let flag = |name: &str| {
        body.find(name).map(|i| {
            body[i + name.len()..]
                .trim_start_matches([' ', '='])
                .starts_with("true")
        })
    };
    let console = flag("CONSOLE_MODE").unwrap_or(false);
    let trusted = flag("EVALEX_TRUSTED").unwrap_or(false);
    let evalex = flag("EVALEX").unwrap_or(false);
    Some(if console && evalex && trusted {
        Grade::Open
    } else if console {
        Grade::PinLocked
    } else {
        Grade::Traceback
    })
}

fn finding(p: &Probe, e: &Exchange, g: Grade) -> Finding {
    let (method, path) = super::route_for(p, e);
    let (severity, what) = match g {
        Grade::Open => (
            Severity::Critical,
            "the Werkzeug console is open: anyone can run Python on the server",
        ),
        Grade::PinLocked => (
            Severity::High,
            "the Werkzeug debugger console is reachable, locked only by its PIN",
        ),
        Grade::Traceback => (
            Severity::Medium,
            "a Werkzeug debugger traceback page is served",
        ),
    };
    // The page embeds the debugger's SECRET; register it so no output shows it.
    let body = e.response.text();
    let mut f = Finding::new(&SC221, format!("{method} {path}: {what}"))
        .on_route(&method, &path)
        .with_severity(severity);
    if let Some(i) = body.find("SECRET = \"") {
        let rest = &body[i + 10..];
        if let Some(end) = rest.find('"') {
            f = f.with_secret(&rest[..end]);
        }
    }
    f.with_http(p.evidence(e, &inspect::around(&body, "CONSOLE_MODE", 160), &[]))
}

/// Requests `/console` (where Werkzeug serves its console in debug mode).
pub(crate) async fn probe(p: &Probe) -> Vec<Finding> {
    let _ = p
        .anon(p.request("anonymous", Method::GET, "/console"))
        .await;
    Vec::new()
}

/// Every answer read for the debugger's page; the worst grade per route is reported.
pub(crate) fn check(p: &Probe, exchanges: &[Arc<Exchange>]) -> Vec<Finding> {
    let mut best: Vec<(String, Grade, &Exchange)> = Vec::new();
    for e in exchanges {
        if !e
            .response
            .header("content-type")
            .is_some_and(|c| c.contains("html"))
        {
            continue;
        }
        let Some(g) = grade(&e.response.text()) else {
            continue;
        };
        let key = super::route_for(p, e).1;
        match best.iter_mut().find(|(k, _, _)| *k == key) {
            Some(slot) if slot.1 < g => *slot = (key, g, e),
            Some(_) => {}
            None => best.push((key, g, e)),
        }
    }
    best.into_iter().map(|(_, g, e)| finding(p, e, g)).collect()
}


/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::active(crate::rules::Stage::Surface, |p| Box::pin(probe(p))), crate::rules::Check::Passive(check)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades() {
        let page = |c: &str, e: &str, t: &str| {
            format!(
                "<title>Console // Werkzeug Debugger</title><script>var CONSOLE_MODE = {c}, EVALEX = {e}, EVALEX_TRUSTED = {t}, SECRET = \"x\";</script>"
            )
        };
        assert_eq!(grade(&page("true", "true", "true")), Some(Grade::Open));
        assert_eq!(
            grade(&page("true", "true", "false")),
            Some(Grade::PinLocked)
        );
        assert_eq!(
            grade(&page("false", "true", "false")),
            Some(Grade::Traceback)
        );
        assert_eq!(grade("<html>hello</html>"), None);
    }
}
