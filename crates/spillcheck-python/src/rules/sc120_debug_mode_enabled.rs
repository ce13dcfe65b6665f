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
    /// ## Known false positives and how confidence is decided
    /// A committed `.flaskenv` or `.env` with `FLASK_DEBUG=1` is reported on the file:
    /// `flask run` reads it, so whoever starts the app the way its README says gets the
    /// debugger (`FLASK_ENV=development` is `possible`: Flask 2.3 and later ignore it). Example files (`.env.example`) are not read by Flask
    /// and are not reported. A `.flaskenv` in a project whose deployment files (`Procfile`,
    /// `Dockerfile`, a compose file, a start script, a uWSGI or gunicorn configuration)
    /// start a production server (gunicorn, uWSGI, Waitress…) is `possible`: only `flask`
    /// commands read that file, so it sets the developer's default, not the deployment's.
    /// Settings inside development or test configuration classes
    /// (`DevelopmentConfig`, `TestingConfig`), in a base class that a production class of
    /// the module subclasses and switches off (`class ProductionConfig(Config): DEBUG =
    /// False`), in modules named for development (`debug.py`,
    /// `run_dev.py`, `settings_local.py`, a `profiler.py` that runs the app under cProfile),
    /// a server started by a function named for development (a `dev` command) and code under `examples/`, `docs/` are
    /// `possible`, and so is `app.debug = True` in a module that serves the app with another
    /// WSGI server (gevent's `WSGIServer`, waitress, wsgiref) and never starts Werkzeug's: no
    /// debugger answers there. A debug flag set in the configuration (`DEBUG = True`,
    /// `app.config["DEBUG"] = True`, `app.debug = True`) is `possible` when nothing in the
    /// project starts Werkzeug's server with the app (`app.run()`, `socketio.run(app)`,
    /// `run_simple`): `flask run` takes its debug flag from the environment, not from the
    /// configuration, and other servers have no debugger. Code that runs only when a debug
    /// flag or variable says so is not reported.
    ///
    /// ## Fix
    /// ```python
    /// if __name__ == "__main__":
    ///     app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
    /// ```
    ///
    /// `spillcheck code --fix` makes this change (safe): the literal `True` becomes `os.environ.get("FLASK_DEBUG") == "1"`. See `docs/fixes.md`.
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

use spillcheck_core::Finding;
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
    if cx.guarded_by_flag()
        || bool_value(value) != Some(true)
    {
        return;
    }
    for t in targets {
        if is_debug_target(t) {
            let fix = from_environment(cx, value);
            cx.report(&SC120, t, "debug mode switched on in code")
                .autofix = fix;
            // Only `app.run()` starts a debugger from the configuration.
            let index = cx.findings.len() - 1;
            cx.deferred
                .push((index, crate::project::Deferred::PossibleUnlessDevServer));
            if let Some(prod) = overridden_in_production(cx, t) {
                cx.findings.last_mut().expect("just reported").lower_to_possible(format_args!(
                    "`{prod}`, the production configuration, subclasses this one and switches debug off"
                ));
            }
            if let Some(server) = served_without_werkzeug(cx) {
                cx.findings.last_mut().expect("just reported").lower_to_possible(format_args!(
                    "this module serves the app with `{server}`, not Werkzeug's server: the flag does not start the debugger"
                ));
            }
            return;
        }
    }
}

/// A base configuration class's `DEBUG = True` that a production subclass in the module
/// sets back (`class ProductionConfig(Config): DEBUG = False`): the name of that class.
fn overridden_in_production(cx: &Checker<'_>, target: &Expr) -> Option<String> {
    let Expr::Name(name) = target else {
        return None;
    };
    let base = cx.classes.last()?;
    let module = cx.file.module()?;
    module.body.iter().find_map(|s| {
        let ruff_python_ast::Stmt::ClassDef(c) = s else {
            return None;
        };
        let production = c.name.as_str().to_ascii_lowercase().contains("prod");
        let derives = c.arguments.as_ref().is_some_and(|a| {
            a.args
                .iter()
                .filter_map(dotted)
                .any(|d| d.rsplit('.').next() == Some(base.name.as_str()))
        });
        let switches_off = c.body.iter().any(|b| {
            matches!(b, ruff_python_ast::Stmt::Assign(a)
                if bool_value(&a.value) == Some(false)
                    && a.targets.iter().any(|t| matches!(t, Expr::Name(n) if n.id == name.id)))
        });
        (production && derives && switches_off).then(|| c.name.to_string())
    })
}

/// The WSGI server the module serves the app with, when it is not Werkzeug's (gevent's
/// `WSGIServer`, waitress' `serve`, wsgiref's `make_server`) and nothing in the module starts
/// Werkzeug's (`app.run`, `run_simple`): `app.debug = True` then reloads templates and
/// propagates exceptions, but no debugger answers the clients.
fn served_without_werkzeug(cx: &Checker<'_>) -> Option<&'static str> {
    use ruff_python_ast::visitor::{Visitor, walk_expr};
    struct Calls {
        other: Option<&'static str>,
        werkzeug: bool,
    }
    impl<'a> Visitor<'a> for Calls {
        fn visit_expr(&mut self, e: &'a Expr) {
            if let Expr::Call(c) = e {
                match callee_last(c) {
                    Some("WSGIServer") => self.other = Some("WSGIServer"),
                    Some("make_server") => self.other = Some("make_server"),
                    Some("serve")
                        if crate::ast_util::callee(c).is_some_and(|n| n.contains("waitress")) =>
                    {
                        self.other = Some("waitress.serve");
                    }
                    Some("run" | "run_simple" | "run_app") => self.werkzeug = true,
                    _ => {}
                }
            }
            walk_expr(self, e);
        }
    }
    let module = cx.file.module()?;
    let mut calls = Calls {
        other: None,
        werkzeug: false,
    };
    calls.visit_body(&module.body);
    calls.other.filter(|_| !calls.werkzeug)
}

/// The fix: the literal `True` becomes a read of `FLASK_DEBUG`, off unless it is `1`.
fn from_environment(cx: &Checker<'_>, value: &Expr) -> Option<spillcheck_core::Fix> {
    if !matches!(value, Expr::BooleanLiteral(_)) {
        return None;
    }
    let mut edits = vec![cx.file.edit(
        ruff_text_size::Ranged::range(value),
        "os.environ.get(\"FLASK_DEBUG\") == \"1\"",
    )];
    edits.extend(cx.file.ensure_import("os"));
    cx.file.fix(
        spillcheck_core::Applicability::Safe,
        "read debug from `FLASK_DEBUG` (off unless it is `1`)",
        edits,
    )
}

/// `SC120` on calls: `app.run(debug=True)`, `app.config.update(DEBUG=True)`.
pub(crate) fn check_call(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    if cx.guarded_by_flag() {
        return;
    }
    match callee_last(call) {
        Some("run" | "run_simple") => {
            let on: Vec<&Expr> = ["debug", "use_debugger"]
                .into_iter()
                .filter_map(|k| kwarg(call, k))
                .filter(|v| bool_value(v) == Some(true))
                .collect();
            if let Some(first) = on.first() {
                // One fix for both flags: each `True` read from the environment.
                let fix = if on.len() == 1 {
                    from_environment(cx, first)
                } else {
                    on.iter()
                        .map(|v| from_environment(cx, v))
                        .collect::<Option<Vec<_>>>()
                        .and_then(|fixes| {
                            let edits = fixes.into_iter().flat_map(|f| f.edits).collect();
                            cx.file.fix(
                                spillcheck_core::Applicability::Safe,
                                "read debug from `FLASK_DEBUG` (off unless it is `1`)",
                                edits,
                            )
                        })
                };
                cx.report(
                    &SC120,
                    call,
                    "server started with the Werkzeug debugger (`debug=True`)",
                )
                .autofix = fix;
                // `debug.py`, `run_dev.py`: a launcher for developers.
                let index = cx.findings.len() - 1;
                cx.lower_in_non_production(index);
                // `def dev(port, host): create_app().run(debug=True)` (a `dev` command):
                // the development server of a function named for development.
                if let Some(func) = cx.functions.last()
                    && crate::patterns::words(func.name.as_str()).iter().any(|w| {
                        matches!(w.as_str(), "dev" | "devserver" | "development" | "debug")
                    })
                    && let Some(f) = cx.findings.get_mut(index)
                {
                    f.lower_to_possible(format!(
                        "started by `{}`, a function named for development",
                        func.name
                    ));
                }
            }
        }
        Some("update" | "from_mapping")
            if crate::recognizers::call_settings(call)
                .iter()
                .any(|(k, v)| *k == "DEBUG" && bool_value(v) == Some(true)) =>
        {
            let fix = kwarg(call, "DEBUG").and_then(|v| from_environment(cx, v));
            cx.report(&SC120, call, "`DEBUG=True` set in the app configuration")
                .autofix = fix;
            let index = cx.findings.len() - 1;
            cx.deferred
                .push((index, crate::project::Deferred::PossibleUnlessDevServer));
        }
        _ => {}
    }
}

/// `SC120` on committed environment files Flask reads (`.flaskenv`, `.env`):
/// `FLASK_DEBUG=1`, `FLASK_ENV=development`. Returns (line, text) of each.
fn check_env_file(rel: &str, text: &str) -> Vec<(u32, String)> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if name != ".flaskenv" && name != ".env" {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        // `FLASK_DEBUG=1  # a comment`: python-dotenv drops inline comments.
        let value = value.split(" #").next().unwrap_or(value);
        let value = value
            .trim()
            .trim_matches(|c| c == '"' || c == '\'')
            .to_ascii_lowercase();
        let on = match key.trim() {
            "FLASK_DEBUG" => matches!(value.as_str(), "1" | "true" | "yes" | "on"),
            "FLASK_ENV" => value == "development",
            _ => false,
        };
        if on {
            out.push((u32::try_from(i + 1).unwrap_or(u32::MAX), line.to_owned()));
        }
    }
    out
}

/// `SC120`'s hooks.
pub(crate) struct Check;

impl crate::rules::Rule for Check {
    fn on_assign<'a>(&self, cx: &mut Checker<'a>, targets: &'a [Expr], value: &'a Expr) {
        check_assign(cx, targets, value);
    }

    fn on_call<'a>(&self, cx: &mut Checker<'a>, call: &'a ast::ExprCall) {
        check_call(cx, call);
    }

    fn on_env_file(&self, env: &crate::rules::EnvFile<'_>, findings: &mut Vec<Finding>) {
        let rel = env.rel;
        let name = rel.rsplit('/').next().unwrap_or(rel);
        // `.flaskenv` is read by the `flask` command alone; a deployment that starts a
        // production server never reads it (`.env` may be loaded by the app itself).
        let deployed = env.served_by.filter(|_| name == ".flaskenv");
        for (line, what) in check_env_file(rel, env.text) {
            let message = match deployed {
                Some((file, server)) => format!(
                    "`{what}` in a committed `{name}`: `flask run` starts the debugger (development only: `{file}` serves the app with {server}, which does not read it)"
                ),
                None => {
                    format!("`{what}` in a committed `{name}`: `flask run` starts the debugger")
                }
            };
            let mut finding = Finding::new(&SC120, message).at(spillcheck_core::Location {
                path: rel.to_owned(),
                line,
                column: 1,
                end_line: None,
                end_column: None,
                snippet: Some(spillcheck_core::Snippet::from_source(env.text, line, 2)),
            });
            if deployed.is_some() {
                finding.confidence = Confidence::Possible;
            }
            // Flask 2.3 and later ignore `FLASK_ENV`: only an older Flask starts the
            // debugger from it.
            if what.starts_with("FLASK_ENV") {
                finding.lower_to_possible("Flask 2.3 and later ignore `FLASK_ENV` (only `FLASK_DEBUG` starts the debugger)");
            }
            findings.push(finding);
        }
    }
}
