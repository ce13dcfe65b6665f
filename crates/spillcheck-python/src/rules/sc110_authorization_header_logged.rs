//! `SC110` authorization-header-logged: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A logging call (`logger.info`, `app.logger.debug`, `logging.warning`, `print` to a log stream) whose arguments include the request headers (`request.headers`, `dict(request.headers)`, `request.environ`), the `Authorization` header or a variable holding it, or the raw token (also the token Connexion hands the function a security scheme names, `x-bearerInfoFunc`); and, in an app that takes a credential in the query string (an `SC106` finding), the request's URL or query string (`request.url`, `request.full_path`, `request.query_string`, the whole `request.args`), which then carries it.
    ///
    /// ## Why it matters
    /// Bearer tokens in log files are the most common way tokens leak (CWE-532): logs are shipped to aggregators, kept for months and read by people who should never hold a user's session.
    ///
    /// ## Example
    /// ```python
    /// @app.before_request
    /// def log_request():
    ///     app.logger.info("request %s %s headers=%s", request.method, request.path, dict(request.headers))
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// What is logged is judged by the value, not the variable's name: `token.user_id`,
    /// `cfg["model"]` beside a key in the same dict, `len(tokens)` and a loop variable that happens
    /// to be called `auth` are not tokens, nor is a token *record* the function uses as an object
    /// (`token.name = …`, `token.get_serial()`: its `repr` is logged, not a bearer string; string
    /// methods such as `token.split()` do not make it one). `print()` counts as logging in web code (a server's
    /// standard output is its log), not in command-line commands (functions under a `command`/`cli` decorator, `manage.py`, `cli.py`, and modules under `commands/`, `cli/`, `management/`, `scripts/`, `bin/`). What an identity provider answers about a token (`_get_user_info(token)`, `introspect(token)`) is the user's profile, not the token; likewise what a project's lookup or write answers (`owner = db.get_key_owner(header)`, then `result = db.add_file(owner, f)`; `get_account_by_token(t)`; `revoke_keys(t)`) is a record or a status. Only calls that restate or re-encode a credential (string methods, `b64decode`, `json.dumps`, `dict(...)`) or whose name says they hand one on (`extract_token(header)`, `parse_authorization(...)`) carry it further. A token logged while handling its own failed check (`except BadSignature:`, `except jwt.ExpiredSignatureError:`, `except SerializeError:`) is `possible`: it opened nothing (the log still holds it, and an expired token was once valid). So is a token logged in the branch where the record looked up by it was not found (`if not reset_request or …expired:`).
    ///
    /// ## Fix
    /// ```python
    /// SAFE = ("User-Agent", "Content-Type", "X-Request-Id")
    /// app.logger.info("request %s %s %s", request.method, request.path,
    ///                 {k: request.headers.get(k) for k in SAFE})
    /// ```
    pub static SC110 = {
        id: "SC110",
        slug: "authorization-header-logged",
        title: "Authorization header written to logs",
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: &[532],
        owasp: &[OwaspApi::Api8],
        fix: "Log only the headers you need and never `Authorization` or cookies; add a logging filter that redacts them as a safety net.",
    }
}

use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::ast_util::{callee_last, str_value};
use crate::checker::Checker;
use crate::patterns::{call_values, credential_flow, is_token_like_name};

/// `SC110`: a log call whose arguments hold request headers, the Authorization
/// header, or a token.
pub(crate) fn check_call(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    if !cx.is_logging_call(call) {
        return;
    }
    let tainted = cx.credential_names();
    let objects = objects_in_function(cx);
    let mut what: Option<String> = None;
    for v in call_values(call) {
        if let Some(w) = credential_flow(v) {
            what = Some(w.to_owned());
            break;
        }
        logged_names(v, &mut |n| {
            if what.is_some() {
                return;
            }
            let id_like = {
                let l = n.to_ascii_lowercase();
                l.ends_with("_id")
                    || l == "id"
                    || l.contains("user")
                    || l.contains("name")
                    || l.contains("email")
                    || l == "login"
                    || l.contains("scheme")
                    || l.contains("type")
            };
            if tainted.contains(n) && !id_like {
                what = Some(format!("`{n}`, read from the request's credentials"));
            } else if cx.web && is_token_like_name(n) && !objects.contains(n) {
                what = Some(format!("`{n}`"));
            }
        });
        if what.is_some() {
            break;
        }
    }
    if what.is_none() {
        // The request's URL with its query string: what it carries depends on what the app
        // accepts there, settled once the whole project is read.
        if let Some(q) = call_values(call).find_map(logged_query) {
            cx.report(
                &SC110,
                call,
                format!("log call writes the request's query string (`{q}`) to the logs"),
            );
            let index = cx.findings.len() - 1;
            cx.deferred
                .push((index, crate::project::Deferred::OnlyWithQueryCredential));
        }
        return;
    }
    if let Some(what) = what {
        let refused = in_failed_check(cx)
            .map(|error| format!("`except {error}`"))
            .or_else(|| {
                refused_by_lookup(cx, call)
                    .map(|record| format!("`if not {record}`: the lookup by it found nothing"))
            });
        let finding = cx.report(&SC110, call, format!("log call writes {what} to the logs"));
        if let Some(error) = refused {
            finding.lower_to_possible(format!(
                "logged where its check failed ({error}): a token that is forged, malformed or expired opens nothing"
            ));
        }
    }
}

/// The error of a failed token check the log call is handling (`except BadSignature`,
/// `except jwt.ExpiredSignatureError`, `except SerializeError`), if any: what it logs is a
/// credential that did not pass.
fn in_failed_check(cx: &Checker<'_>) -> Option<String> {
    let ctx = cx.excepts.last()?;
    ctx.types
        .iter()
        .find(|t| {
            let t = t.to_ascii_lowercase();
            [
                "signature",
                "serializ",
                "expired",
                "invalid",
                "decode",
                "badtoken",
                "baddata",
                "badtime",
                "jwterror",
                "jwserror",
            ]
            .iter()
            .any(|w| t.contains(w))
        })
        .cloned()
}

/// The record looked up by the logged value that the enclosing `if` found missing
/// (`reset_request = tokens.find_one(token=token)`; `if not reset_request or
/// reset_request["expire_time"] < now: logger.warning("Invalid token: %s", token)`), if
/// any: the token logged there matched nothing.
fn refused_by_lookup(cx: &Checker<'_>, call: &ast::ExprCall) -> Option<String> {
    use ruff_text_size::Ranged;
    let func = cx.functions.last()?;
    let logged: Vec<&str> = call_values(call)
        .flat_map(crate::ast_util::names_in)
        .collect();
    // The innermost `if` whose own branch (not its `else`) holds the call.
    let mut test = None;
    for stmt in &func.body {
        crate::ast_util::each_stmt(stmt, &mut |st| {
            if let Stmt::If(i) = st
                && i.body
                    .iter()
                    .any(|b| b.range().contains_range(call.range()))
            {
                test = Some(i.test.as_ref());
            }
        });
    }
    let mut found = None;
    crate::ast_util::each_expr(test?, &mut |e| {
        let subject = match e {
            Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::Not) => u.operand.as_ref(),
            Expr::Compare(c)
                if matches!(c.ops.first(), Some(ast::CmpOp::Is))
                    && matches!(c.comparators.first(), Some(Expr::NoneLiteral(_))) =>
            {
                c.left.as_ref()
            }
            _ => return,
        };
        if let Expr::Name(n) = subject
            && !logged.contains(&n.id.as_str())
            && cx.values_of_local(n.id.as_str()).iter().any(|v| {
                crate::ast_util::names_in(v)
                    .iter()
                    .any(|x| logged.contains(x))
            })
        {
            found = Some(n.id.to_string());
        }
    });
    found
}

/// Names the current function uses as objects (`self.token.name`, `token.get_serial()`,
/// `form.populate_obj(token)` aside): a token *record* whose logged form is its `repr`, not
/// the bearer string. String methods (`token.split()`, `token.encode()`) do not count.
fn objects_in_function<'a>(cx: &Checker<'a>) -> rustc_hash::FxHashSet<&'a str> {
    let mut out = rustc_hash::FxHashSet::default();
    let Some(func) = cx.functions.last() else {
        return out;
    };
    crate::facts::exprs_in(&func.body, &mut |e| {
        if let Expr::Attribute(a) = e
            && !matches!(
                a.attr.as_str(),
                "encode"
                    | "decode"
                    | "split"
                    | "rsplit"
                    | "strip"
                    | "lstrip"
                    | "rstrip"
                    | "startswith"
                    | "endswith"
                    | "replace"
                    | "lower"
                    | "upper"
                    | "format"
                    | "join"
                    | "partition"
                    | "find"
                    | "count"
            )
        {
            match a.value.as_ref() {
                Expr::Name(n) => {
                    out.insert(n.id.as_str());
                }
                Expr::Attribute(inner) => {
                    out.insert(inner.attr.as_str());
                }
                _ => {}
            }
        }
    });
    out
}

/// The names whose *value* a logged expression writes: `token` in `f"{token}"` or
/// `str(token)`, not in `token.user_id` (an attribute that is not itself a token),
/// `cfg["model"]` (a sibling entry of a dict that also holds a key) or `len(tokens)`.
fn logged_names<'a>(expr: &'a Expr, f: &mut dyn FnMut(&'a str)) {
    match expr {
        Expr::Name(n) => f(n.id.as_str()),
        Expr::Attribute(a) if is_token_like_name(a.attr.as_str()) => {
            f(a.attr.as_str());
        }
        Expr::Subscript(sub) => match str_value(&sub.slice) {
            Some(key) if is_token_like_name(key) => f(key),
            Some(_) => {}
            None => logged_names(&sub.value, f),
        },
        Expr::Call(c) => {
            let transparent = matches!(
                callee_last(c),
                Some("str" | "repr" | "format" | "join" | "dumps" | "dict" | "list")
            );
            if let Expr::Attribute(a) = c.func.as_ref()
                && matches!(a.attr.as_str(), "format" | "join")
            {
                logged_names(&a.value, f);
            }
            if transparent {
                for arg in &c.arguments.args {
                    logged_names(arg, f);
                }
                for k in &c.arguments.keywords {
                    logged_names(&k.value, f);
                }
            }
        }
        Expr::FString(fs) => {
            for el in fs.value.elements() {
                if let ruff_python_ast::InterpolatedStringElement::Interpolation(i) = el {
                    logged_names(&i.expression, f);
                }
            }
        }
        Expr::BinOp(b) => {
            logged_names(&b.left, f);
            logged_names(&b.right, f);
        }
        Expr::Tuple(t) => t.elts.iter().for_each(|e| logged_names(e, f)),
        Expr::List(l) => l.elts.iter().for_each(|e| logged_names(e, f)),
        Expr::Dict(d) => d.items.iter().for_each(|i| logged_names(&i.value, f)),
        _ => {}
    }
}

/// The request's URL or query string in a logged value (`request.url`, `request.full_path`,
/// `request.query_string`, the whole `request.args`), through formatting and conversions;
/// not one parameter read from it (`request.args.get("page")`).
fn logged_query(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Attribute(_) => crate::ast_util::dotted(expr).filter(|d| {
            let mut parts = d.rsplit('.');
            let attr = parts.next().unwrap_or_default();
            parts.next().is_some_and(|r| r.ends_with("request"))
                && matches!(attr, "url" | "full_path" | "query_string" | "args")
        }),
        Expr::Call(c) => {
            let transparent = matches!(
                callee_last(c),
                Some("str" | "repr" | "format" | "join" | "dumps" | "dict" | "list" | "decode" | "to_dict")
            );
            if !transparent {
                return None;
            }
            let receiver = match c.func.as_ref() {
                Expr::Attribute(a) => logged_query(&a.value),
                _ => None,
            };
            receiver.or_else(|| call_values(c).find_map(logged_query))
        }
        Expr::FString(fs) => fs.value.elements().find_map(|el| match el {
            ruff_python_ast::InterpolatedStringElement::Interpolation(i) => logged_query(&i.expression),
            ruff_python_ast::InterpolatedStringElement::Literal(_) => None,
        }),
        Expr::BinOp(b) => logged_query(&b.left).or_else(|| logged_query(&b.right)),
        Expr::Tuple(t) => t.elts.iter().find_map(logged_query),
        Expr::List(l) => l.elts.iter().find_map(logged_query),
        Expr::Dict(d) => d.items.iter().find_map(|i| logged_query(&i.value)),
        _ => None,
    }
}

hooks! {
    on_call => check_call,
}
