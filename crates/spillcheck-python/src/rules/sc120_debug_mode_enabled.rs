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

use ruff_python_ast::{self as ast, Expr};

use crate::ast_util::{bool_value, callee_last, dotted, kwarg, str_value};
use crate::checker::Checker;

fn is_debug_target(target: &Expr) -> bool {
    match target {
        Expr::Name(n) => matches!(n.id.as_str(), "DEBUG" | "FLASK_DEBUG"),
        Expr::Attribute(a) => {
            a.attr.as_str() == "debug" && dotted(&a.value).is_some_and(|d| !d.starts_with("self"))
        }
        Expr::Subscript(s) => {
            str_value(&s.slice).is_some_and(|k| matches!(k, "DEBUG" | "FLASK_DEBUG"))
                && dotted(&s.value).is_some_and(|d| d.ends_with("config"))
        }
        _ => false,
    }
}

/// `SC120` on assignments: `DEBUG = True`, `app.debug = True`, `app.config["DEBUG"] = True`.
pub(crate) fn check_assign(cx: &mut Checker<'_>, targets: &[Expr], value: &Expr) {
    if !cx.enabled(&SC120)
        || cx.file.is_test
        || cx.guarded_by_flag()
        || bool_value(value) != Some(true)
    {
        return;
    }
    for t in targets {
        if is_debug_target(t) {
            cx.report(&SC120, t, "debug mode switched on in code");
            return;
        }
    }
}

/// `SC120` on calls: `app.run(debug=True)`, `app.config.update(DEBUG=True)`.
pub(crate) fn check_call(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    if !cx.enabled(&SC120) || cx.file.is_test || cx.guarded_by_flag() {
        return;
    }
    match callee_last(call) {
        Some("run" | "run_simple") => {
            let debug = kwarg(call, "debug").and_then(bool_value) == Some(true)
                || kwarg(call, "use_debugger").and_then(bool_value) == Some(true);
            if debug {
                cx.report(
                    &SC120,
                    call,
                    "server started with the Werkzeug debugger (`debug=True`)",
                );
            }
        }
        Some("update" | "from_mapping")
            if kwarg(call, "DEBUG").and_then(bool_value) == Some(true) =>
        {
            cx.report(&SC120, call, "`DEBUG=True` set in the app configuration");
        }
        _ => {}
    }
}
