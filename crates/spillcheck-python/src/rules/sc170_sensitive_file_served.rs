//! `SC170` sensitive-file-served: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A Flask app or blueprint whose `static_folder` (or a `send_from_directory` route) covers the project root or a folder holding `.env`, config files, databases, logs or backups; or a route that serves files named by the client without an allow-list. A `send_from_directory` whose file is a literal serves that one file and is not reported.
    ///
    /// ## Why it matters
    /// `/.env`, `/config.py` or `/app.db` downloads hand out every secret and the whole database.
    ///
    /// ## Example
    /// ```python
    /// app = Flask(__name__, static_folder=".", static_url_path="")
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Static folders that hold only assets are not reported; one that is the project's root (or
    /// holds `.env`, `config.py`, database files) is.
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

use ruff_python_ast::{self as ast, Expr};

use crate::ast_util::{callee_last, dotted, kwarg, str_value};
use crate::checker::Checker;

fn is_project_root(e: &Expr) -> bool {
    if let Some(s) = str_value(e) {
        return matches!(s, "." | "./" | ".." | "../" | "");
    }
    if let Expr::Call(c) = e {
        let name = crate::ast_util::callee(c).unwrap_or_default();
        if name.ends_with("getcwd") {
            return true;
        }
        if name.ends_with("dirname") || name.ends_with("abspath") {
            return c
                .arguments
                .args
                .first()
                .is_some_and(|a| dotted(a).is_some_and(|d| d == "__file__") || is_project_root(a));
        }
    }
    dotted(e).is_some_and(|d| {
        matches!(
            d.rsplit('.').next(),
            Some(
                "BASE_DIR"
                    | "ROOT_DIR"
                    | "PROJECT_ROOT"
                    | "basedir"
                    | "BASEDIR"
                    | "APP_ROOT"
                    | "ROOT"
            )
        )
    })
}

/// `SC170`: the app's static folder is the project directory.
pub(crate) fn check_call(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    match callee_last(call) {
        Some("Flask" | "Blueprint") => {
            if let Some(folder) = kwarg(call, "static_folder")
                && is_project_root(folder)
            {
                cx.report(&SC170, call, "`static_folder` is the project directory: source, `.env` and data files are served");
            }
        }
        // A file named by a literal (`send_from_directory("", "openapi/spec.json")`) is
        // that file: the client picks nothing.
        Some("send_from_directory")
            if call.arguments.args.first().is_some_and(is_project_root)
                && call
                    .arguments
                    .find_argument_value("path", 1)
                    .or_else(|| call.arguments.find_argument_value("filename", 1))
                    .is_none_or(|f| str_value(f).is_none()) =>
        {
            cx.report(&SC170, call, "files are served from the project directory");
        }
        _ => {}
    }
}

hooks! {
    on_call => check_call,
}
