//! Project route decorators: decorators a project defines that register the function they
//! decorate as a view. Two shapes are common:
//! - a factory function around a blueprint's `route` (`def api_route(rule, **options):
//!   return bp.route("/api" + rule, **options)`), or one whose inner decorator calls
//!   `app.add_url_rule(rule, view_func=f)`;
//! - a class taking the path in `__init__` whose `__call__(self, func)` registers `func`
//!   (`app.add_url_rule(self.path, func.__name__, func)`).
//!
//! Each is described here from its definition alone, in terms of the decorator call's
//! parameters; the route model binds them at every `@api_route("/x")` it decorates.

use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::ast_util::{callee_last, dotted, each_stmt, kwarg, names_in};

/// Verbs a blueprint or application offers as route decorators (Flask 2's `bp.get`).
const VERBS: &[&str] = &["get", "post", "put", "patch", "delete"];

/// A project decorator that registers what it decorates.
#[derive(Debug)]
pub(crate) struct RouteDecorator<'a> {
    /// The decorator call's parameters (a class's `__init__` without `self`), with defaults.
    pub params: Vec<(&'a str, Option<&'a Expr>)>,
    /// The registration's receiver (`bp`, `app`, a parameter, or what `__init__` stored
    /// under `self.x`).
    pub receiver: &'a Expr,
    /// The path, in terms of the parameters.
    pub path: &'a Expr,
    /// `methods=` in terms of the parameters, if the registration names them.
    pub methods: Option<&'a Expr>,
    /// The method a verb decorator implies (`bp.post(rule)`).
    pub verb: Option<&'static str>,
    /// The parameter collecting keywords (`**options`) that the registration passes on: a
    /// decorator call's own `methods=` then reaches it.
    pub options: Option<&'a str>,
    /// Decorators the factory applies to the view before registering it (`view_func=
    /// login_required(f)`, or a wrapper defined under `@login_required`).
    pub applied: Vec<&'a Expr>,
}

/// A function that is a route decorator factory: a registration in its body (nested
/// decorators included) whose path reads one of its parameters.
pub(crate) fn of_function(f: &ast::StmtFunctionDef) -> Option<RouteDecorator<'_>> {
    let params = params_of(f, false);
    if params.is_empty() || VERBS.contains(&f.name.as_str()) || f.name.as_str() == "route" {
        return None;
    }
    let is_param = |n: &str| params.iter().any(|(p, _)| *p == n);
    let options = f.parameters.kwarg.as_ref().map(|k| k.name.as_str());
    let (call, path, verb) = registrations(&f.body)
        .into_iter()
        .find(|(_, path, _)| names_in(path).iter().any(|n| is_param(n)))?;
    Some(RouteDecorator {
        params,
        receiver: receiver(call)?,
        path,
        methods: kwarg(call, "methods"),
        verb,
        options: options.filter(|o| passes_options(call, o)),
        applied: applied(call, &f.body),
    })
}

/// A class that is a route decorator: `__call__` registers its argument under a path that
/// `__init__` stored from one of its parameters (`self.path = path`).
pub(crate) fn of_class<'a>(class: &'a ast::StmtClassDef) -> Option<RouteDecorator<'a>> {
    let method = |name: &str| crate::ast_util::function_named(&class.body, name);
    let call_fn = method("__call__")?;
    let init = method("__init__")?;
    let params = params_of(init, true);
    let is_param = |n: &str| params.iter().any(|(p, _)| *p == n);
    // What `__init__` stores under `self.<attr>`, if it stores one value there.
    let stored = |e: &'a Expr| -> Option<&'a Expr> { stored_in_self(init, e) };
    let options = init.parameters.kwarg.as_ref().map(|k| k.name.as_str());
    let (call, path, verb) = registrations(&call_fn.body)
        .into_iter()
        .find_map(|(c, p, v)| {
            let p = stored(p).unwrap_or(p);
            names_in(p).iter().any(|n| is_param(n)).then_some((c, p, v))
        })?;
    let receiver = receiver(call)?;
    Some(RouteDecorator {
        params,
        receiver: stored(receiver).unwrap_or(receiver),
        path,
        methods: kwarg(call, "methods").map(|m| stored(m).unwrap_or(m)),
        verb,
        options: options.filter(|o| {
            passes_options(call, o)
                || call.arguments.keywords.iter().any(|k| {
                    k.arg.is_none() && stored(&k.value).is_some_and(|v| names_in(v).contains(o))
                })
        }),
        applied: applied(call, &call_fn.body),
    })
}

fn params_of(f: &ast::StmtFunctionDef, skip_self: bool) -> Vec<(&str, Option<&Expr>)> {
    f.parameters
        .iter_non_variadic_params()
        .skip(usize::from(skip_self))
        .map(|p| (p.parameter.name.as_str(), p.default.as_deref()))
        .collect()
}

/// The value `__init__` assigns to `self.<attr>` when `e` is `self.<attr>` and it assigns
/// one value there.
fn stored_in_self<'a>(init: &'a ast::StmtFunctionDef, e: &Expr) -> Option<&'a Expr> {
    let Expr::Attribute(a) = e else { return None };
    if !matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == "self") {
        return None;
    }
    let target = format!("self.{}", a.attr.as_str());
    let mut values = crate::facts::assigns_in(&init.body)
        .into_iter()
        .filter(|s| {
            s.targets
                .iter()
                .any(|t| dotted(t).as_deref() == Some(&target))
        })
        .map(|s| s.value.as_ref());
    let first = values.next()?;
    values.next().is_none().then_some(first)
}

/// Registrations in a body: `X.add_url_rule(path, ...)` and `X.route(path, ...)` /
/// `X.get(path)`, with the path and the verb a verb decorator implies.
fn registrations(body: &[Stmt]) -> Vec<(&ast::ExprCall, &Expr, Option<&'static str>)> {
    let mut out = Vec::new();
    for call in crate::facts::calls_in(body) {
        if !matches!(call.func.as_ref(), Expr::Attribute(_)) {
            continue;
        }
        let Some(last) = callee_last(call) else {
            continue;
        };
        let path = match last {
            "add_url_rule" => call.arguments.args.first().or_else(|| kwarg(call, "rule")),
            "route" => call.arguments.args.first(),
            _ if VERBS.contains(&last) => call.arguments.args.first(),
            _ => None,
        };
        let Some(path) = path else { continue };
        // A verb call is a route decorator only when its result is applied or returned;
        // `requests.get(url)` in a factory is no registration. Its receiver must not be a
        // client either: the path must look like one built from the parameters.
        let verb = VERBS.iter().copied().find(|v| *v == last);
        if verb.is_some() && !(applied_to(call, body).is_some() || returned(call, body)) {
            continue;
        }
        out.push((call, path, verb));
    }
    out
}

/// The argument a decorator call's result is applied to: `f` of `bp.route(rule)(f)`.
fn applied_to<'a>(call: &ast::ExprCall, body: &'a [Stmt]) -> Option<&'a Expr> {
    crate::facts::calls_in(body)
        .into_iter()
        .find_map(|outer| match outer.func.as_ref() {
            Expr::Call(inner) if std::ptr::eq(inner, call) => outer.arguments.args.first(),
            _ => None,
        })
}

/// Whether a `return` of the body (nested functions included) gives the call itself.
fn returned(call: &ast::ExprCall, body: &[Stmt]) -> bool {
    let mut found = false;
    for stmt in body {
        each_stmt(stmt, &mut |s| {
            if let Stmt::Return(r) = s
                && let Some(Expr::Call(c)) = r.value.as_deref()
                && std::ptr::eq(c, call)
            {
                found = true;
            }
        });
    }
    found
}

/// The registration's receiver: `bp` of `bp.route(...)`.
fn receiver(call: &ast::ExprCall) -> Option<&Expr> {
    match call.func.as_ref() {
        Expr::Attribute(a) => Some(a.value.as_ref()),
        _ => None,
    }
}

/// Whether the registration passes `**options` on.
fn passes_options(call: &ast::ExprCall, options: &str) -> bool {
    call.arguments
        .keywords
        .iter()
        .any(|k| k.arg.is_none() && matches!(&k.value, Expr::Name(n) if n.id.as_str() == options))
}

/// Decorators applied to the view before it is registered: `add_url_rule(rule,
/// view_func=login_required(f))`, `bp.route(rule)(login_required(f))`, or a wrapper
/// defined in the factory under `@login_required` and registered by name.
fn applied<'a>(call: &'a ast::ExprCall, body: &'a [Stmt]) -> Vec<&'a Expr> {
    let view = match callee_last(call) {
        Some("add_url_rule") => kwarg(call, "view_func").or_else(|| call.arguments.args.get(2)),
        _ => applied_to(call, body),
    };
    let mut out: Vec<&Expr> = Vec::new();
    let mut at = view;
    while let Some(Expr::Call(c)) = at {
        out.push(c.func.as_ref());
        at = c.arguments.args.first();
    }
    if let Some(Expr::Name(n)) = at {
        for stmt in body {
            each_stmt(stmt, &mut |s| {
                if let Stmt::FunctionDef(d) = s
                    && d.name.as_str() == n.id.as_str()
                {
                    out.extend(
                        d.decorator_list
                            .iter()
                            .map(|d| &d.expression)
                            .filter(|e| !is_wraps(e)),
                    );
                }
            });
        }
    }
    out
}

/// `functools.wraps(f)`: copies names, applies nothing.
fn is_wraps(e: &Expr) -> bool {
    matches!(e, Expr::Call(c) if callee_last(c) == Some("wraps"))
}
