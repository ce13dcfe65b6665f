//! `SC121` exception-details-in-response: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// An error handler or `except` block that puts the exception into the response: `return str(e), 500`, `jsonify(error=repr(exc))`, `traceback.format_exc()` in a response body, or `PROPAGATE_EXCEPTIONS` set so Werkzeug renders tracebacks.
    ///
    /// ## Why it matters
    /// Tracebacks and exception texts disclose file paths, SQL statements, library versions and sometimes data of other users; they are a map for the next attack (CWE-209).
    ///
    /// ## Example
    /// ```python
    /// @app.errorhandler(Exception)
    /// def on_error(exc):
    ///     return jsonify(error=str(exc), trace=traceback.format_exc()), 500
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// An exception's text is reported when the handler catches everything (`Exception`,
    /// a bare `except`, a 500 handler), answers 5xx, or catches an error of the machinery
    /// whose text names internals (`IntegrityError`, `OperationalError`, `KeyError`, OS and
    /// network errors). Validation errors and the project's own exceptions carry messages
    /// written for users and are not reported; neither is code that runs only in debug
    /// mode (`if app.config["DEBUG"]:`).
    ///
    /// ## Fix
    /// ```python
    /// @app.errorhandler(Exception)
    /// def on_error(exc):
    ///     app.logger.exception("unhandled error")
    ///     return jsonify(error="internal error"), 500
    /// ```
    pub static SC121 = {
        id: "SC121",
        slug: "exception-details-in-response",
        title: "Exception details returned to the client",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[209],
        owasp: &[OwaspApi::Api8],
        fix: "Log the exception server-side and return a generic error body with a correlation id.",
    }
}

use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::ast_util::{any_expr, callee, int_value};
use crate::checker::Checker;

fn traceback_call(e: &Expr) -> bool {
    matches!(e, Expr::Call(c) if callee(c).is_some_and(|n| {
        n.ends_with("format_exc") || n.ends_with("format_exception") || n.ends_with("format_tb") || n.ends_with("exc_info") || n.ends_with("format_stack")
    }))
}

/// Whether `value` exposes the exception `name` to the client: the exception itself
/// or its text, directly or through value-preserving wrappers (`str`, `repr`,
/// f-strings, `%`, `jsonify`, tuples, dicts). Passing it to another function, or
/// reading the attributes HTTP errors expose on purpose, does not count.
fn leaks_exception(value: &Expr, name: &str) -> bool {
    match value {
        Expr::Name(n) => n.id.as_str() == name,
        Expr::Attribute(a) => {
            matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == name)
                && !matches!(
                    a.attr.as_str(),
                    "code" | "name" | "description" | "status_code" | "messages" | "errors"
                )
        }
        Expr::Call(c) => {
            let passthrough = matches!(
                crate::ast_util::callee_last(c),
                Some(
                    "str"
                        | "repr"
                        | "format"
                        | "jsonify"
                        | "make_response"
                        | "Response"
                        | "dict"
                        | "list"
                        | "join"
                        | "dumps"
                        | "abort"
                        | "error_response"
                        | "json_response"
                )
            );
            passthrough
                && (c.arguments.args.iter().any(|a| leaks_exception(a, name))
                    || c.arguments
                        .keywords
                        .iter()
                        .any(|k| leaks_exception(&k.value, name)))
        }
        Expr::Tuple(t) => t.elts.iter().any(|e| leaks_exception(e, name)),
        Expr::List(l) => l.elts.iter().any(|e| leaks_exception(e, name)),
        Expr::Dict(d) => d.items.iter().any(|i| leaks_exception(&i.value, name)),
        Expr::BinOp(b) => leaks_exception(&b.left, name) || leaks_exception(&b.right, name),
        Expr::FString(f) => {
            let mut hit = false;
            for part in f.value.elements() {
                if let ast::InterpolatedStringElement::Interpolation(i) = part {
                    hit |= leaks_exception(&i.expression, name);
                }
            }
            hit
        }
        _ => false,
    }
}

/// `SC121`: a `return` in an `except` block or error handler that puts the exception
/// text or a traceback into the response.
pub(crate) fn check_return(cx: &mut Checker<'_>, stmt: &Stmt, value: &Expr) {
    // Outside a web module a `return` is not a response.
    if !cx.enabled(&SC121) || cx.file.is_test || !cx.web {
        return;
    }
    let Some(ctx) = cx.excepts.last().cloned() else {
        return;
    };
    // `if app.config["DEBUG"]: return str(e)`: the details only reach a developer.
    if cx.guarded_by_flag() {
        return;
    }
    if any_expr(value, &mut traceback_call) {
        cx.report(&SC121, stmt, "the traceback is returned to the client");
        return;
    }
    let server_error = match value {
        Expr::Tuple(t) => t
            .elts
            .iter()
            .skip(1)
            .any(|e| int_value(e).is_some_and(|c| c >= 500)),
        _ => false,
    };
    if let Some(name) = &ctx.name {
        // `return exc` hands an HTTPException back to Flask, which renders its standard page.
        if matches!(value, Expr::Name(n) if n.id.as_str() == name) {
            return;
        }
        if (ctx.broad || ctx.internal || server_error) && leaks_exception(value, name) {
            cx.report(
                &SC121,
                stmt,
                format!("the exception `{name}` is returned to the client"),
            );
        }
    }
}
