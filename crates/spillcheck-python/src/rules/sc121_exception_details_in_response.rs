//! `SC121` exception-details-in-response: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// An error handler (decorated with `errorhandler`, registered by `register_error_handler(Exception, handler)` anywhere in its module, or by the decorator applied by hand: `api.errorhandler(ldap.SERVER_DOWN)(handler)`) or `except` block that puts the exception into the response: `return str(e), 500`, `jsonify(error=repr(exc))`, `abort(500, description=f"Could not save: {e}")` (Flask answers with the description), `traceback.format_exc()` in a response body (also in a helper outside any `except` that answers the exception being handled: `tb = traceback.format_exc(); return jsonify(error=str(e), traceback=tb)`, called from a catching decorator), or `PROPAGATE_EXCEPTIONS` set so Werkzeug renders tracebacks. Also through a local the handler sets from the exception (`except Exception as e: output = str(e)`, even when the `try` sets it too), answered after the `try` by a response builder, a body with its status, or (in a route) a page built as text (`return f"<pre>{output}</pre>"`), or filled into a template inside the handler (`template = "<h3>%s</h3>" % str(e)`; `return render_template_string(template)`).
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
    /// A `NotImplementedError` (an `except` or `errorhandler` of it alone) is `possible`: its
    /// text is the sentence its raiser wrote about an unsupported operation.
    /// Inside `if isinstance(e, AppError):` (or `issubclass(e.__class__, AppError)`) the
    /// exception is that class: not reported when the project defines it (its messages are
    /// written for users). `traceback.format_exc()` in a client error's handler
    /// (`errorhandler(404)`) runs with no exception in flight and shows nothing.
    /// A `try` that only parses what the client sent (`json.loads(request.data)`,
    /// `parse_sql(query)` of the body's `query`, `int(request.args["n"])`, Flask-RESTful's `parser.parse_args()`) fails with words
    /// about the client's own input: not reported.
    /// A `KeyError` caught around reads of the request's own fields (`data["token"]` of `data =
    /// request.get_json()`) names the field the client did not send: not reported. An `except`
    /// of a permission, missing-file or validation error (`PermissionError`, `FileNotFoundError`,
    /// `ValueError`, `TypeError`, with or without `KeyError`) answered with a client error
    /// status (`403`, `404`, `400`) is `possible`: the text is mostly the project's refusal or
    /// the field the client got wrong (an app-wide handler stays: it catches the OS's errors
    /// too). So is a narrow catch of `RuntimeError`, `AttributeError` or `LookupError` answered
    /// 4xx (the raiser's sentence, the name looked up), a `KeyError` alone answered 404, and a
    /// narrow catch of a `ValueError` answered 5xx (`except (ValueError, AttributeError) as e:
    /// return {"msg": str(e)}, HTTPStatus.INTERNAL_SERVER_ERROR` around a pagination helper).
    /// Statuses are read as numbers or by name (`HTTPStatus.NOT_FOUND`). The modules
    /// Connexion's spec names handlers in answer requests though they import no web
    /// framework (`return {"trace": traceback.format_exc()}` there is reported). A broad
    /// catch around a block that raises several messages of its own (`raise
    /// Exception(_("Guest can't have this role"))`) relays mostly those sentences: `possible`.
    /// Answers built by response helpers count (`jsonify`, Flask-AppBuilder's
    /// `self.response_500(message=str(e))` and `response_4xx`, a project's `*_response`), and
    /// so does a helper that makes text of the exception (`error_msg_from_exception(ex)`).
    /// An exception's text is reported when the handler catches everything (`Exception`,
    /// a bare `except`), answers 5xx, or catches an error of the machinery
    /// whose text names internals (`IntegrityError`, `OperationalError`, `KeyError`, OS and
    /// network errors; the built-in ones by their exact name: a library's `CSVImportIOError` is its own). Validation errors and the project's own exceptions carry messages
    /// written for users and are not reported. A handler registered for an HTTP error (a
    /// status code such as 500, `HTTPException`, `InternalServerError`) receives Werkzeug's
    /// exception, whose text is the standard description ("500 Internal Server Error: …"),
    /// so its `str(error)` is not reported; `error.original_exception` is. Neither is code that runs only in debug
    /// mode (`if app.config["DEBUG"]:`). A view that makes text of each error of a GraphQL
    /// result it executed (`str(error) for error in result.errors`) is reported: graphql-core
    /// puts the text of whatever exception a resolver raised into the error's message. Loops
    /// over other `errors` (a form's, a schema validator's) are not.
    ///
    /// ## Fix
    /// ```python
    /// @app.errorhandler(Exception)
    /// def on_error(exc):
    ///     app.logger.exception("unhandled error")
    ///     return jsonify(error="internal error"), 500
    /// ```
    ///
    /// `spillcheck code --fix` makes this change (safe): the exception's text in the answer becomes a generic message and the exception is logged with its traceback just before the `return`. See `docs/fixes.md`.
    pub static SC121 = {
        id: "SC121",
        slug: "exception-details-in-response",
        title: "Exception details returned to the client",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[209],
        owasp: &[OwaspApi::Api8],
        fix: "Log the exception server-side and return a generic error body with a correlation id.",
        route_level: true,
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
    leaks(value, name, false)
}

/// `as_text`: the value is being turned into text here (inside `str()`, an f-string, a
/// `%` or `+`), so the bare exception is its message. Outside, a bare exception in a
/// dict or tuple reaches no client: JSON cannot encode it, and Flask answers a plain 500.
fn leaks(value: &Expr, name: &str, as_text: bool) -> bool {
    match value {
        Expr::Name(n) => as_text && n.id.as_str() == name,
        Expr::Attribute(a) => {
            matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == name)
                && !matches!(
                    a.attr.as_str(),
                    "code" | "name" | "description" | "status_code" | "messages" | "errors"
                )
        }
        Expr::Call(c) => {
            // `error_msg_from_exception(ex)`, `exception_message(e)`: the text of it.
            let message_of = crate::ast_util::callee_last(c).is_some_and(|n| {
                let n = n.to_ascii_lowercase();
                ["msg", "message", "text"].iter().any(|w| n.contains(w))
            });
            // An error object the answer is built of (`SupersetError(message=...)`).
            let error_object = crate::ast_util::callee_last(c).is_some_and(|n| {
                n.starts_with(|ch: char| ch.is_ascii_uppercase())
                    && (n.ends_with("Error") || n.ends_with("Problem"))
            });
            let passthrough = message_of || error_object || is_response_builder(c) || matches!(
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
            let textual = message_of
                || matches!(
                    crate::ast_util::callee_last(c),
                    Some("str" | "repr" | "format" | "join")
                );
            passthrough
                && (c
                    .arguments
                    .args
                    .iter()
                    .any(|a| leaks(a, name, as_text || textual))
                    || c.arguments
                        .keywords
                        .iter()
                        .any(|k| leaks(&k.value, name, as_text || textual)))
        }
        Expr::Tuple(t) => t.elts.iter().any(|e| leaks(e, name, as_text)),
        Expr::List(l) => l.elts.iter().any(|e| leaks(e, name, as_text)),
        Expr::Dict(d) => d.items.iter().any(|i| leaks(&i.value, name, as_text)),
        Expr::BinOp(b) => leaks(&b.left, name, true) || leaks(&b.right, name, true),
        Expr::FString(f) => {
            let mut hit = false;
            for part in f.value.elements() {
                if let ast::InterpolatedStringElement::Interpolation(i) = part {
                    hit |= leaks(&i.expression, name, true);
                }
            }
            hit
        }
        _ => false,
    }
}

/// The exception goes through a function of this module that turns the errors it tests
/// for into fixed sentences (`build_db_error_message(exception)`: `isinstance(exception,
/// IntegrityError)` → "A record with the same unique values already exists."): what
/// reaches the client is that function's wording.
fn cleaned_by_helper(cx: &Checker<'_>, value: &Expr, name: &str) -> bool {
    let Some(module) = cx.file.module() else {
        return false;
    };
    any_expr(value, &mut |e| {
        let Expr::Call(c) = e else { return false };
        let Some(callee) = crate::ast_util::callee_last(c) else {
            return false;
        };
        // A helper that answers the text only in debug mode (Eve's
        // `debug_error_message(str(e))`: `if config.DEBUG: return msg; return None`), named
        // so or, in this module, testing a debug flag.
        let carries = c
            .arguments
            .args
            .iter()
            .any(|a| crate::ast_util::names_in(a).contains(&name));
        if carries
            && (crate::patterns::words(callee).iter().any(|w| w == "debug")
                || module.body.iter().any(|s| {
                    matches!(s, Stmt::FunctionDef(f) if f.name.as_str() == callee && {
                        let mut gated = false;
                        for st in &f.body {
                            crate::ast_util::each_stmt(st, &mut |x| {
                                gated |= matches!(x, Stmt::If(i) if crate::recognizers::reads_debug_flag(&i.test));
                            });
                        }
                        gated
                    })
                }))
        {
            return true;
        }
        if !c.arguments.args.iter().any(|a| matches!(a, Expr::Name(n) if n.id.as_str() == name)) {
            return false;
        }
        module.body.iter().any(|s| match s {
            Stmt::FunctionDef(f) if f.name.as_str() == callee => {
                let returns = crate::facts::returned_exprs(&f.body);
                let fixed = returns
                    .iter()
                    .filter(|r| crate::ast_util::str_value(r).is_some())
                    .count();
                let mut tests_type = false;
                crate::facts::exprs_in(&f.body, &mut |x| {
                    tests_type |= matches!(x, Expr::Call(k) if crate::ast_util::callee_last(k) == Some("isinstance"));
                });
                fixed >= 2 && tests_type
            }
            _ => false,
        })
    })
}

/// A call that builds an HTTP answer: `jsonify`, `make_response`, `Response`, or a
/// project helper named like one (`json_response`, `internal_server_error`, `bad_request`).
fn is_response_builder(call: &ast::ExprCall) -> bool {
    crate::ast_util::callee_last(call).is_some_and(|n| {
        let n = n.to_ascii_lowercase();
        matches!(
            n.as_str(),
            "jsonify" | "make_response" | "response" | "abort" | "render_template_string"
        ) || n.ends_with("_response")
            // Flask-AppBuilder's `self.response_500(message=...)`, `response_400`.
            || n.starts_with("response_")
            || n.ends_with("_error")
            || n.starts_with("bad_request")
            || n.starts_with("make_json")
    })
}

/// `SC121`: a `return` in an `except` block or error handler that puts the exception
/// text or a traceback into the response.
pub(crate) fn check_return(cx: &mut Checker<'_>, stmt: &Stmt, value: &Expr) {
    // Outside a web module a `return` is not a response.
    if !cx.web {
        return;
    }
    if let (Stmt::Raise(_), Expr::Call(call)) = (stmt, value) {
        check_raise(cx, stmt, call);
        return;
    }
    let Some(ctx) = cx.excepts.last().cloned() else {
        if answers_traceback(cx, value) {
            let finding = cx.report(
                &SC121,
                stmt,
                "the traceback is returned to the client (this function answers the exception being handled)",
            );
            finding.notes.push("`traceback.format_exc()` is the exception in flight: a function that answers it is called from an `except` block or a decorator that catches".to_owned());
            return;
        }
        check_return_of_local(cx, stmt, value);
        return;
    };
    // `if app.config["DEBUG"]: return str(e)`: the details only reach a developer.
    if cx.guarded_by_flag() {
        return;
    }
    // A handler of a client error (`errorhandler(404)`) runs with no exception in flight:
    // `traceback.format_exc()` there is `"NoneType: None"`.
    let client_error_handler = ctx.handler && ctx.http_error && !ctx.broad && !ctx.internal;
    if any_expr(value, &mut traceback_call) && !client_error_handler {
        let fix = generic_message(cx, stmt, value, ctx.name.as_deref());
        let finding = cx.report(&SC121, stmt, "the traceback is returned to the client");
        finding.autofix = fix;
        finding.app_wide = ctx.handler;
        return;
    }
    let server_error = match value {
        Expr::Tuple(t) => t
            .elts
            .iter()
            .skip(1)
            .any(|e| crate::ast_util::status_code(e).is_some_and(|c| c >= 500)),
        _ => false,
    };
    if let Some(name) = &ctx.name {
        // `return exc` hands an HTTPException back to Flask, which renders its standard page.
        if matches!(value, Expr::Name(n) if n.id.as_str() == name) {
            return;
        }
        // A handler of an HTTP error gets Werkzeug's exception: its text is the standard
        // description, not the failure behind it (unless the handler reaches for
        // `original_exception`).
        if ctx.http_error
            && !any_expr(value, &mut |e| {
                matches!(e, Expr::Attribute(a) if a.attr.as_str() == "original_exception")
            })
        {
            return;
        }
        // Or through a local this function builds from it (`template = "<h3>%s</h3>" %
        // str(e)` … `return render_template_string(template)`).
        // Also a chain of locals (`error_str = f"{error}. {traceback.format_exc()}"`;
        // `response = jsonify(dict(error=error_str))`; `response.status_code = 500`;
        // `return response`): Flask's documented way to build an error answer.
        let through_local = || {
            let Some(f) = cx.functions.last() else {
                return false;
            };
            let assigns = crate::facts::assigns_in(&f.body);
            let mut tainted: Vec<&str> = Vec::new();
            for _ in 0..3 {
                for a in &assigns {
                    // `issues["exception"] = str(e)` fills the dict answered later.
                    let local = match a.targets.as_slice() {
                        [Expr::Name(l)] => l.id.as_str(),
                        [Expr::Subscript(sub)] => match sub.value.as_ref() {
                            Expr::Name(l) => l.id.as_str(),
                            _ => continue,
                        },
                        _ => continue,
                    };
                    if local == name || tainted.contains(&local) {
                        continue;
                    }
                    let hit = leaks_exception(&a.value, name)
                        && !cleaned_by_helper(cx, &a.value, name)
                        || any_expr(&a.value, &mut traceback_call)
                        || carried(&a.value, &|e| {
                            matches!(e, Expr::Name(n) if tainted.contains(&n.id.as_str()))
                        });
                    if hit {
                        tainted.push(local);
                    }
                }
            }
            let returned = crate::ast_util::names_in(value);
            // A local the function built as a response (`response = jsonify(...)`).
            let built_response = |e: &Expr| {
                matches!(e, Expr::Name(n) if assigns.iter().any(|a| {
                    matches!(a.targets.as_slice(), [Expr::Name(l)] if l.id == n.id)
                        && matches!(a.value.as_ref(), Expr::Call(c) if is_response_builder(c))
                }))
            };
            returned.iter().any(|r| tainted.contains(r))
                && (builds_response(value) || is_text_answer(value) || built_response(value))
        };
        // Inside `if isinstance(e, AppError):` (or `issubclass(e.__class__, AppError)`) the
        // exception is that class: the project's own, with a message for users, decides.
        let narrowed: Vec<String> = cx
            .guards
            .iter()
            .filter_map(|g| narrowed_to(g, name))
            .collect();
        if (ctx.broad || ctx.internal || server_error)
            && !ctx.parses_client_input
            && (leaks_exception(value, name) && !cleaned_by_helper(cx, value, name)
                || through_local())
        {
            if !narrowed.is_empty() {
                let fix = generic_message(cx, stmt, value, Some(name));
                let f = cx.report(
                    &SC121,
                    stmt,
                    format!("the exception `{name}` is returned to the client"),
                );
                f.autofix = fix;
                let index = cx.findings.len() - 1;
                cx.deferred.push((
                    index,
                    crate::project::Deferred::ExceptionReturned {
                        types: narrowed,
                        function: cx.functions.last().map(|f| f.name.to_string()),
                        enclosing: Vec::new(),
                        builds_response: true,
                    },
                ));
                return;
            }
            let fix = generic_message(cx, stmt, value, Some(name));
            let message = format!("the exception `{name}` is returned to the client");
            let finding = report_returned(cx, stmt, value, &ctx, message);
            finding.autofix = fix;
            // A permission, missing-file or validation error answered as the client's own
            // (`except PermissionError as e: return make_api_response(None, str(e), 403)`,
            // `except (ValueError, KeyError)` … 400): the text is the project's refusal or
            // the field the client got wrong, rarely the machinery's.
            let mut statuses = Vec::new();
            crate::ast_util::each_expr(value, &mut |e| {
                if let Some(c) = crate::ast_util::status_code(e)
                    && (400..600).contains(&c)
                {
                    statuses.push(c);
                }
            });
            let client_status = !statuses.is_empty() && statuses.iter().all(|c| *c < 500);
            // A `KeyError` alone stays: around the server's own settings its text names
            // their keys. Beside a `ValueError` it is a validation catch; answered 404 it
            // names the thing the client asked for.
            // An app-wide handler (`errorhandler(FileNotFoundError)`) catches the OS's too,
            // with its paths: it stays.
            // `RuntimeError`, `AttributeError` and `LookupError` caught narrowly carry the
            // sentence their raiser wrote or the name looked up, not the machinery's state.
            let narrow_python_errors = !ctx.broad
                && !ctx.handler
                && !ctx.types.is_empty()
                && ctx.types.iter().all(|t| {
                    matches!(
                        t.as_str(),
                        "KeyError"
                            | "LookupError"
                            | "IndexError"
                            | "AttributeError"
                            | "RuntimeError"
                            | "PermissionError"
                            | "FileNotFoundError"
                            | "ValueError"
                            | "TypeError"
                    )
                });
            let lookups = narrow_python_errors
                && (ctx.types.iter().any(|t| t != "KeyError") || statuses.contains(&404));
            // `except (ValueError, AttributeError) as e: return {"msg": str(e)}, 500` around a
            // parse of the query: a validation catch, whatever status the project chose.
            let validation_at_5xx = narrow_python_errors
                && ctx.types.iter().any(|t| t == "ValueError")
                && statuses.iter().any(|c| *c >= 500);
            // `NotImplementedError` says an operation is not supported, in the words whoever
            // raised it wrote (`raise NotImplementedError("sorting by tags")`): no
            // machinery's state.
            if !ctx.types.is_empty() && ctx.types.iter().all(|t| t == "NotImplementedError") {
                finding.lower_to_possible(
                    "a `NotImplementedError` carries the sentence its raiser wrote about an unsupported operation",
                );
            }
            if lookups && client_status {
                finding.lower_to_possible(
                    "a permission, missing-file or validation error answered as a client error (4xx): its text is mostly the project's refusal or the field the client got wrong",
                );
            } else if validation_at_5xx {
                finding.lower_to_possible(
                    "a narrow catch of a `ValueError` (a validation error): its text is mostly the sentence its raiser wrote about the input, whatever status the project answers with",
                );
            }
            // A broad catch around a `try` that raises messages of its own: what it relays
            // is mostly those sentences, written for users.
            if ctx.broad && !ctx.internal && ctx.own_messages {
                finding.lower_to_possible(
                    "the `try` raises exceptions with messages of its own, which this catch relays",
                );
            }
        }
    }
}

/// `raise InvalidUsage(f"Could not save: {e}", 500)` in an `except` that catches broadly or
/// the machinery's errors: the project's error class carries the text to the client when an
/// error handler answers it (settled once every file is read).
fn check_raise(cx: &mut Checker<'_>, stmt: &Stmt, call: &ast::ExprCall) {
    let Some(ctx) = cx.excepts.last().cloned() else {
        return;
    };
    let Some(name) = ctx.name.clone() else { return };
    if !(ctx.broad || ctx.internal) || ctx.parses_client_input || cx.guarded_by_flag() {
        return;
    }
    let Some(class) = crate::ast_util::callee_last(call).map(str::to_owned) else {
        return;
    };
    // Not what goes to the log only (`log_txt=f"... Details: {e}"`).
    let for_the_client = call.arguments.keywords.iter().filter(|k| {
        k.arg.as_ref().is_none_or(|a| {
            !crate::patterns::words(a.as_str())
                .iter()
                .any(|w| matches!(w.as_str(), "log" | "debug" | "internal" | "private" | "cause"))
        })
    });
    let carries = call
        .arguments
        .args
        .iter()
        .chain(for_the_client.map(|k| &k.value))
        .any(|a| leaks_exception(a, &name) && !cleaned_by_helper(cx, a, &name));
    if !carries {
        return;
    }
    cx.report(
        &SC121,
        stmt,
        format!("the exception `{name}` is put into `{class}`, which the project's error handler answers"),
    );
    let index = cx.findings.len() - 1;
    cx.deferred
        .push((index, crate::project::Deferred::OnlyAnsweredError(class)));
    // Raised by a view, in the request: a library's, a storage backend's or a worker's
    // raise may never reach a client. A function the route decorator registers, or an
    // HTTP-verb method of a resource or view class.
    let in_view = cx.functions.len() == 1
        && cx.functions.last().is_some_and(|f| {
            is_route(f)
                || matches!(f.name.as_str(), "get" | "post" | "put" | "patch" | "delete")
                    && cx.classes.last().is_some_and(|c| {
                        c.arguments.as_ref().is_some_and(|a| {
                            a.args.iter().filter_map(crate::ast_util::dotted).any(|b| {
                                let b = b.rsplit('.').next().unwrap_or(&b).to_owned();
                                b.ends_with("Resource") || b.ends_with("View") || b.ends_with("API")
                            })
                        })
                    })
        });
    if !in_view {
        cx.findings.pop();
        cx.deferred.pop();
    }
}

/// A response built of the traceback outside any `except` block: `return
/// jsonify(error=str(e), traceback=tb)` with `tb = traceback.format_exc()` in a helper that
/// `except Exception as e: return jsonify_error(e)` calls (not in debug-only code).
fn answers_traceback(cx: &Checker<'_>, value: &Expr) -> bool {
    if !builds_response(value) || cx.guarded_by_flag() {
        return false;
    }
    let locals: Vec<&str> = cx
        .functions
        .last()
        .map(|f| crate::facts::names_bound_to(&f.body, traceback_call))
        .unwrap_or_default();
    carried(value, &|e| {
        traceback_call(e) || matches!(e, Expr::Name(n) if locals.contains(&n.id.as_str()))
    })
}

/// Whether `value` carries what `hit` accepts into the answer unchanged: through response
/// builders, `str`, `dict`, containers, f-strings and `%`, not through another function
/// (which may keep it back: `traceback if config.debug else ""`).
fn carried(value: &Expr, hit: &dyn Fn(&Expr) -> bool) -> bool {
    if hit(value) {
        return true;
    }
    match value {
        Expr::Call(c) => {
            let through = is_response_builder(c)
                || matches!(
                    crate::ast_util::callee_last(c),
                    Some("str" | "repr" | "format" | "dict" | "list" | "join" | "dumps")
                );
            through
                && (c.arguments.args.iter().any(|a| carried(a, hit))
                    || c.arguments.keywords.iter().any(|k| carried(&k.value, hit)))
        }
        Expr::Tuple(t) => t.elts.iter().any(|e| carried(e, hit)),
        Expr::List(l) => l.elts.iter().any(|e| carried(e, hit)),
        Expr::Dict(d) => d.items.iter().any(|i| carried(&i.value, hit)),
        Expr::BinOp(b) => carried(&b.left, hit) || carried(&b.right, hit),
        Expr::FString(f) => f.value.elements().any(|part| {
            matches!(part, ast::InterpolatedStringElement::Interpolation(i) if carried(&i.expression, hit))
        }),
        _ => false,
    }
}

/// The text of an exception kept in a local by an `except` clause that catches broadly
/// or errors of the machinery, answered by a `return` after the `try` (`except Exception
/// as e: message = {"error": str(e)}` … `return make_response(jsonify(message), 400)`).
fn check_return_of_local(cx: &mut Checker<'_>, stmt: &Stmt, value: &Expr) {
    let Some(func) = cx.functions.last().copied() else {
        return;
    };
    if cx.guarded_by_flag() {
        return;
    }
    let returned: Vec<&str> = crate::ast_util::names_in(value);
    if returned.is_empty() {
        return;
    }
    let mut kept: Option<(String, String, crate::checker::ExceptContext)> = None;
    let at = ruff_text_size::Ranged::range(stmt).start();
    handlers_in(&func.body, &mut |h, try_end| {
        let ctx = crate::checker::ExceptContext::of(h);
        let Some(name) = ctx.name.clone() else { return };
        // Only a handler that lets the function go on to this `return`, after its `try`.
        let falls_through = !h
            .body
            .last()
            .is_some_and(|s| matches!(s, Stmt::Return(_) | Stmt::Raise(_) | Stmt::Continue(_) | Stmt::Break(_)));
        if kept.is_some() || !(ctx.broad || ctx.internal) || !falls_through || at < try_end {
            return;
        }
        for a in crate::facts::assigns_in(&h.body) {
            // A local, or an entry of a dict answered later (`issues["exception"] = str(e)`).
            let local = match a.targets.as_slice() {
                [Expr::Name(local)] => local,
                [Expr::Subscript(sub)] => match sub.value.as_ref() {
                    Expr::Name(local) => local,
                    _ => continue,
                },
                _ => continue,
            };
            if returned.contains(&local.id.as_str())
                && local.id.as_str() != name
                && leaks_exception(&a.value, &name)
                && !cleaned_by_helper(cx, &a.value, &name)
            {
                kept = Some((local.id.to_string(), name.clone(), ctx.clone()));
                return;
            }
        }
    });
    let Some((local, name, ctx)) = kept else {
        return;
    };
    // Only an answer: a response built here, or a body with its status (`return
    // dict(message=...), 400`); a helper's result object or tuple is not one yet.
    let with_status = matches!(value, Expr::Tuple(t)
        if t.elts.iter().skip(1).any(|e| int_value(e).is_some()));
    if !(builds_response(value) || with_status || is_route(func) && is_text_answer(value)) {
        return;
    }
    let message = format!("the exception `{name}` is returned to the client (kept in `{local}`)");
    report_returned(cx, stmt, value, &ctx, message);
}

/// The class an `if` test narrows the exception `name` to: `isinstance(e, AppError)`,
/// `issubclass(e.__class__, AppError)`, `type(e) is AppError`.
fn narrowed_to(test: &Expr, name: &str) -> Option<String> {
    let Expr::Call(c) = test else { return None };
    let [subject, class] = &*c.arguments.args else {
        return None;
    };
    let is_name = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == name);
    let ok = match crate::ast_util::callee_last(c) {
        Some("isinstance") => is_name(subject),
        Some("issubclass") => {
            matches!(subject, Expr::Attribute(a) if a.attr.as_str() == "__class__" && is_name(&a.value))
        }
        _ => false,
    };
    if !ok {
        return None;
    }
    crate::ast_util::dotted(class).map(|d| d.rsplit('.').next().unwrap_or(&d).to_owned())
}

/// A function a route decorator registers (`@app.route(...)`, `@bp.get(...)`): what it
/// returns is the answer.
fn is_route(func: &ast::StmtFunctionDef) -> bool {
    func.decorator_list
        .iter()
        .any(|d| crate::model::is_route_decorator(&d.expression))
}

/// A returned text built here: an f-string, a `%` or `+` on a literal, `"...".format(...)`
/// (`return f"<pre>{output}</pre>"`).
fn is_text_answer(value: &Expr) -> bool {
    match value {
        Expr::FString(_) => true,
        Expr::BinOp(b) => {
            matches!(b.left.as_ref(), Expr::StringLiteral(_) | Expr::FString(_))
                || matches!(b.right.as_ref(), Expr::StringLiteral(_) | Expr::FString(_))
        }
        Expr::Call(c) => matches!(c.func.as_ref(), Expr::Attribute(a)
            if a.attr.as_str() == "format" && matches!(a.value.as_ref(), Expr::StringLiteral(_))),
        Expr::Tuple(t) => t.elts.first().is_some_and(is_text_answer),
        _ => false,
    }
}

/// Whether a returned value is a response built right here (`jsonify(...)`,
/// `internal_server_error(...)`), which answers a request whoever calls the function.
fn builds_response(value: &Expr) -> bool {
    match value {
        Expr::Call(c) => is_response_builder(c),
        Expr::Tuple(t) => t
            .elts
            .first()
            .is_some_and(|e| matches!(e, Expr::Call(c) if is_response_builder(c))),
        _ => false,
    }
}

/// Reports a `return` that answers an exception's text. The project's own exceptions
/// carry messages written for users, and whether the function answers requests (a view,
/// or wrapped by a view decorator) decides the confidence: both are known once every file
/// is read (deferred).
fn report_returned<'f>(
    cx: &'f mut Checker<'_>,
    stmt: &Stmt,
    value: &Expr,
    ctx: &crate::checker::ExceptContext,
    message: String,
) -> &'f mut spillcheck_core::Finding {
    let builds_response = builds_response(value);
    cx.report(&SC121, stmt, message);
    let index = cx.findings.len() - 1;
    cx.deferred.push((
        index,
        crate::project::Deferred::ExceptionReturned {
            types: ctx.types.clone(),
            function: cx.functions.last().map(|f| f.name.to_string()),
            enclosing: cx.functions.iter().map(|f| f.name.to_string()).collect(),
            builds_response,
        },
    ));
    let finding = &mut cx.findings[index];
    finding.app_wide = ctx.handler;
    finding
}

/// Every `except` clause of a body with where its `try` statement ends, nested ones
/// included (not those of nested functions).
fn handlers_in<'a>(
    body: &'a [Stmt],
    f: &mut dyn FnMut(&'a ast::ExceptHandlerExceptHandler, ruff_text_size::TextSize),
) {
    for s in body {
        match s {
            Stmt::Try(t) => {
                handlers_in(&t.body, f);
                let end = ruff_text_size::Ranged::range(t).end();
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    f(h, end);
                    handlers_in(&h.body, f);
                }
                handlers_in(&t.orelse, f);
                handlers_in(&t.finalbody, f);
            }
            Stmt::If(i) => {
                handlers_in(&i.body, f);
                for c in &i.elif_else_clauses {
                    handlers_in(&c.body, f);
                }
            }
            Stmt::For(x) => {
                handlers_in(&x.body, f);
                handlers_in(&x.orelse, f);
            }
            Stmt::While(x) => {
                handlers_in(&x.body, f);
                handlers_in(&x.orelse, f);
            }
            Stmt::With(w) => handlers_in(&w.body, f),
            _ => {}
        }
    }
}

/// The parts of a returned value that carry the exception's text or a traceback: each is
/// replaced by a generic message. Containers and response builders are walked into; a
/// piece of text that includes the exception (`str(e)`, `f"failed: {e}"`, `e.args`) is
/// one site.
fn leak_sites<'a>(value: &'a Expr, name: Option<&str>, out: &mut Vec<&'a Expr>) {
    let leaks_here = |e: &Expr| traceback_call(e) || name.is_some_and(|n| leaks(e, n, false));
    match value {
        Expr::Tuple(t) => t.elts.iter().for_each(|e| leak_sites(e, name, out)),
        Expr::List(l) => l.elts.iter().for_each(|e| leak_sites(e, name, out)),
        Expr::Dict(d) => d.items.iter().for_each(|i| leak_sites(&i.value, name, out)),
        Expr::Call(c)
            if !traceback_call(value)
                && !matches!(
                    crate::ast_util::callee_last(c),
                    Some("str" | "repr" | "format" | "join")
                ) =>
        {
            for a in &c.arguments.args {
                leak_sites(a, name, out);
            }
            for k in &c.arguments.keywords {
                leak_sites(&k.value, name, out);
            }
        }
        _ if leaks_here(value) || any_expr(value, &mut traceback_call) => out.push(value),
        _ => {}
    }
}

/// The fix: a generic message where the exception's text was, and the exception logged
/// with its traceback on the server (where it belongs) just before the answer.
fn generic_message(
    cx: &Checker<'_>,
    stmt: &Stmt,
    value: &Expr,
    name: Option<&str>,
) -> Option<spillcheck_core::Fix> {
    use ruff_text_size::Ranged;
    let mut sites = Vec::new();
    leak_sites(value, name, &mut sites);
    if sites.is_empty() {
        return None;
    }
    let file = cx.file;
    let mut edits: Vec<_> = sites
        .iter()
        .map(|e| file.edit(e.range(), "\"Internal server error\""))
        .collect();
    if let Some(indent) = file.indent_before(stmt.start()) {
        let exc_info = name.unwrap_or("True");
        edits.push(file.edit(
            ruff_text_size::TextRange::empty(stmt.start()),
            format!(
                "logging.getLogger(__name__).error(\"request failed\", exc_info={exc_info}){}{indent}",
                file.newline()
            ),
        ));
        edits.extend(file.ensure_import("logging"));
    }
    file.fix(
        spillcheck_core::Applicability::Safe,
        "answer with a generic message and log the exception on the server",
        edits,
    )
}

/// Calls that run a GraphQL query and return its result (`schema.execute(...)`,
/// graphql-core's `graphql_sync(...)`).
fn runs_graphql(expr: &Expr) -> bool {
    matches!(expr, Expr::Call(c) if matches!(
        crate::ast_util::callee_last(c),
        Some("execute" | "execute_sync" | "execute_async" | "graphql" | "graphql_sync")
    ))
}

/// `SC121` on GraphQL results: a view that turns each error of an executed query into
/// text (`for error in result.errors: {"message": str(error)}`, or the same in a
/// comprehension). graphql-core wraps every exception a resolver raises in the error, with
/// that exception's text as its message: database errors, file paths and internal state
/// reach the client.
pub(crate) fn check_for<'a>(cx: &mut Checker<'a>, stmt: &'a ast::StmtFor) {
    check_error_loop(cx, &stmt.target, &stmt.iter, &mut |find| {
        ruff_python_ast::visitor::Visitor::visit_body(find, &stmt.body);
    });
}

/// The comprehension form: `[{"message": str(e)} for e in result.errors]`.
pub(crate) fn check_comprehension<'a>(cx: &mut Checker<'a>, expr: &'a Expr) {
    let (elt, generators): (&Expr, &[ast::Comprehension]) = match expr {
        Expr::ListComp(c) => (&c.elt, &c.generators),
        Expr::Generator(c) => (&c.elt, &c.generators),
        _ => return,
    };
    let [g] = generators else { return };
    check_error_loop(cx, &g.target, &g.iter, &mut |find| {
        ruff_python_ast::visitor::Visitor::visit_expr(find, elt);
    });
}

/// The first place in a loop over errors that makes text of the error.
struct Find<'n, 'a> {
    name: &'n str,
    site: Option<&'a Expr>,
}

impl<'a> ruff_python_ast::visitor::Visitor<'a> for Find<'_, 'a> {
    fn visit_expr(&mut self, e: &'a Expr) {
        let textual = match e {
            Expr::Call(c) => matches!(
                crate::ast_util::callee_last(c),
                Some("str" | "repr" | "format")
            ),
            Expr::FString(_) => true,
            _ => false,
        };
        if self.site.is_none() && textual && leaks(e, self.name, false) {
            self.site = Some(e);
        }
        ruff_python_ast::visitor::walk_expr(self, e);
    }
}

fn check_error_loop<'a>(
    cx: &mut Checker<'a>,
    target: &Expr,
    iter: &Expr,
    walk: &mut dyn FnMut(&mut Find<'_, 'a>),
) {
    if !cx.web || cx.guarded_by_flag() {
        return;
    }
    let (Expr::Name(var), Expr::Attribute(errors)) = (target, iter) else {
        return;
    };
    if errors.attr.as_str() != "errors" {
        return;
    }
    let Some(func) = cx.functions.last().copied() else {
        return;
    };
    let executed = match errors.value.as_ref() {
        Expr::Name(n) => crate::facts::assigns_in(&func.body).into_iter().any(|a| {
            matches!(a.targets.as_slice(), [Expr::Name(t)] if t.id == n.id)
                && runs_graphql(&a.value)
        }),
        other => runs_graphql(other),
    };
    if !executed {
        return;
    }
    let mut find = Find {
        name: var.id.as_str(),
        site: None,
    };
    walk(&mut find);
    if let Some(e) = find.site {
        let name = var.id.to_string();
        cx.report(
            &SC121,
            e,
            format!("each GraphQL error `{name}` is returned as text: it carries the message of whatever exception a resolver raised"),
        );
        // Only in a view (known once every file is read).
        let index = cx.findings.len() - 1;
        cx.deferred.push((
            index,
            crate::project::Deferred::OnlyInView(func.name.to_string()),
        ));
    }
}

hooks! {
    on_return => check_return,
    on_for => check_for,
    on_comprehension => check_comprehension,
    concerns_its_view => true,
}
