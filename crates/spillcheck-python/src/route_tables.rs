//! Route tables: routes listed as data and registered in a loop, the way large Flask
//! projects avoid a decorator per view.
//!
//! ```python
//! routes = [("/data/persons", PersonsResource), ("/data/persons/<id>", PersonResource)]
//!
//! def configure_api_from_blueprint(blueprint, route_tuples):
//!     for path, resource in route_tuples:
//!         blueprint.add_url_rule(path, view_func=resource.as_view(resource.__name__))
//!
//! configure_api_from_blueprint(blueprint, routes)
//! ```
//!
//! A loop over `(path, view)` pairs whose body registers the path with the view
//! (`add_url_rule(path, view_func=view.as_view(…))`, `api.add_resource(view, path)`) is a
//! table loop. When the loop walks a list the module defines, each pair is a route; when it
//! walks a parameter of a function (a registrar), every call of that function lends its
//! argument, and the receiver too when that is a parameter (`blueprint` above).

use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::ast_util::{callee_last, dotted, str_value};

/// How a table loop registers each pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `X.add_url_rule(path, view_func=view.as_view(…))`.
    UrlRule,
    /// `api.add_resource(view, path)` (Flask-RESTful, RESTX).
    Resource,
    /// `X.add_url_rule(*rule)` over `(path, endpoint, view_function)` tuples.
    UrlRuleArgs,
    /// `X.add_url_rule(**rule)` over `{"rule": path, "view_func": view, "methods": [...]}`.
    UrlRuleKwargs,
    /// `api.add_resource(res["resource"], res["urls"], …)` over records naming the view and
    /// the paths by key (`dict(resource=InstanceEndpoint, urls="/instance/")`).
    ResourceKeys,
    /// `X.add_url_rule(val["url"], view_func=val["view_class"].as_view(key), …)` over the
    /// records of a dict (`for key, val in api_v1.items()`) or a list, by key.
    UrlRuleKeys,
}

/// A loop over `(path, view)` pairs that registers each.
#[derive(Debug, Clone)]
pub(crate) struct TableLoop<'a> {
    /// What the loop walks (`routes`, `route_tuples`).
    pub iter: &'a Expr,
    /// Where the path and the view sit in each pair.
    pub path_at: usize,
    pub view_at: usize,
    pub kind: Kind,
    /// The object the routes are registered on (`blueprint`, `api`), as written.
    pub receiver: String,
    /// For [`Kind::ResourceKeys`]: the keys of the view and of the paths.
    pub keys: Option<(String, String)>,
}

/// The table loops of a body, at any depth (not inside nested functions or classes).
pub(crate) fn loops_in(body: &[Stmt]) -> Vec<TableLoop<'_>> {
    let mut out = Vec::new();
    each_for(body, &mut |l| out.extend(table_loop(l)));
    out
}

/// `for key, val in TABLE.items():` (or `for val in TABLE.values()`, `for val in TABLE`)
/// whose body registers `val["url"]` with `val["view_class"].as_view(…)`: the table and
/// the keys of the view and of the path.
fn records_loop(f: &ast::StmtFor) -> Option<TableLoop<'_>> {
    // The receiver of `.items()` / `.values()`.
    fn walked<'e>(call: &'e ast::ExprCall, method: &str) -> Option<&'e Expr> {
        match call.func.as_ref() {
            Expr::Attribute(attr) if attr.attr.as_str() == method => Some(attr.value.as_ref()),
            _ => None,
        }
    }
    let (record, table) = match (f.target.as_ref(), f.iter.as_ref()) {
        (Expr::Tuple(pair), Expr::Call(call)) if pair.elts.len() == 2 => {
            let Expr::Name(value) = &pair.elts[1] else {
                return None;
            };
            (value.id.as_str(), walked(call, "items")?)
        }
        (Expr::Name(value), Expr::Call(call)) => (value.id.as_str(), walked(call, "values")?),
        _ => return None,
    };
    let key_of = |e: &Expr| match e {
        Expr::Subscript(sub) if matches!(sub.value.as_ref(), Expr::Name(n) if n.id == record) => {
            str_value(&sub.slice).map(str::to_owned)
        }
        _ => None,
    };
    let mut view = None;
    let mut rule = None;
    each_call(&f.body, &mut |c| match callee_last(c) {
        Some("as_view") => {
            if let Expr::Attribute(a) = c.func.as_ref()
                && let Some(k) = key_of(&a.value)
            {
                view.get_or_insert(k);
            }
        }
        Some("add_url_rule") => {
            if let (Some(k), Expr::Attribute(a)) =
                (c.arguments.args.first().and_then(key_of), c.func.as_ref())
                && let Some(receiver) = dotted(&a.value)
            {
                rule.get_or_insert((k, receiver));
            }
        }
        _ => {}
    });
    let (view, (path, receiver)) = (view?, rule?);
    Some(TableLoop {
        iter: table,
        path_at: 0,
        view_at: 0,
        kind: Kind::UrlRuleKeys,
        receiver,
        keys: Some((view, path)),
    })
}

/// `for path, view in ITER:` whose body registers `path` with `view`.
fn table_loop(f: &ast::StmtFor) -> Option<TableLoop<'_>> {
    if let Some(l) = records_loop(f) {
        return Some(l);
    }
    // `for rule in rules: blueprint.add_url_rule(*rule)`: each tuple is the call's
    // arguments, `(path, endpoint, view_function)`.
    if let Expr::Name(target) = f.target.as_ref() {
        let mut found = None;
        let mut keyed = None;
        each_call(&f.body, &mut |c| {
            let is_target = |e: &Expr| matches!(e, Expr::Name(n) if n.id == target.id);
            // `res["resource"]`: a key of the loop's record.
            let key_of = |e: Option<&Expr>| match e {
                Some(Expr::Subscript(sub)) if is_target(&sub.value) => {
                    str_value(&sub.slice).map(str::to_owned)
                }
                _ => None,
            };
            if keyed.is_none()
                && callee_last(c) == Some("add_resource")
                && let (Some(view), Some(path)) = (
                    key_of(c.arguments.args.first()),
                    key_of(c.arguments.args.get(1)),
                )
                && let Expr::Attribute(a) = c.func.as_ref()
                && let Some(receiver) = dotted(&a.value)
            {
                keyed = Some(((view, path), receiver));
            }
            let kind = match (c.arguments.args.as_ref(), c.arguments.keywords.as_ref()) {
                ([Expr::Starred(st)], []) if is_target(&st.value) => Some(Kind::UrlRuleArgs),
                ([], [k]) if k.arg.is_none() && is_target(&k.value) => Some(Kind::UrlRuleKwargs),
                _ => None,
            };
            // `for route in ROUTES: api.add_resource(*route)` over `(Resource, path)`
            // tuples (timesketch's API): a resource first, its path second.
            let kind = match (kind, callee_last(c)) {
                (Some(k), Some("add_url_rule")) => Some((k, 0, 2)),
                (Some(Kind::UrlRuleArgs), Some("add_resource")) => Some((Kind::Resource, 1, 0)),
                _ => None,
            };
            if found.is_none()
                && let Some(kind) = kind
                && let Expr::Attribute(a) = c.func.as_ref()
                && let Some(receiver) = dotted(&a.value)
            {
                found = Some((kind, receiver));
            }
        });
        if let Some((keys, receiver)) = keyed {
            return Some(TableLoop {
                iter: &f.iter,
                path_at: 0,
                view_at: 0,
                kind: Kind::ResourceKeys,
                receiver,
                keys: Some(keys),
            });
        }
        return found.map(|((kind, path_at, view_at), receiver)| TableLoop {
            iter: &f.iter,
            path_at,
            view_at,
            kind,
            receiver,
            keys: None,
        });
    }
    let Expr::Tuple(t) = f.target.as_ref() else {
        return None;
    };
    let names: Vec<Option<&str>> = t
        .elts
        .iter()
        .map(|e| match e {
            Expr::Name(n) => Some(n.id.as_str()),
            _ => None,
        })
        .collect();
    let at = |name: &str| names.iter().position(|n| *n == Some(name));
    let mut calls = Vec::new();
    each_call(&f.body, &mut |c| calls.push(c));
    // `view.as_view(…)` somewhere in the loop: which name is the view class.
    let as_view_of: Vec<usize> = calls
        .iter()
        .filter(|c| callee_last(c) == Some("as_view"))
        .filter_map(|c| match c.func.as_ref() {
            Expr::Attribute(a) => match a.value.as_ref() {
                Expr::Name(n) => at(n.id.as_str()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    for c in &calls {
        let arg_at = |i: usize| match c.arguments.args.get(i) {
            Some(Expr::Name(n)) => at(n.id.as_str()),
            _ => None,
        };
        let receiver = match c.func.as_ref() {
            Expr::Attribute(a) => dotted(&a.value),
            _ => None,
        };
        let Some(receiver) = receiver else { continue };
        match callee_last(c) {
            Some("add_url_rule") => {
                if let (Some(path_at), Some(&view_at)) = (arg_at(0), as_view_of.first())
                    && path_at != view_at
                {
                    return Some(TableLoop {
                        iter: &f.iter,
                        path_at,
                        view_at,
                        kind: Kind::UrlRule,
                        receiver,
                        keys: None,
                    });
                }
            }
            Some("add_resource") => {
                if let (Some(view_at), Some(path_at)) = (arg_at(0), arg_at(1))
                    && path_at != view_at
                {
                    return Some(TableLoop {
                        iter: &f.iter,
                        path_at,
                        view_at,
                        kind: Kind::Resource,
                        receiver,
                        keys: None,
                    });
                }
            }
            _ => {}
        }
    }
    None
}

/// The parameters of a registrar whose elements it applies to each view
/// (`for decorator in decorators or []: view = decorator(view)`): the decorators every
/// route of its table gets.
pub(crate) fn decorator_params(f: &ast::StmtFunctionDef) -> Vec<&str> {
    let params: Vec<&str> = f
        .parameters
        .iter_non_variadic_params()
        .map(|p| p.parameter.name.as_str())
        .collect();
    let mut out = Vec::new();
    each_for(&f.body, &mut |l| {
        let Expr::Name(d) = l.target.as_ref() else {
            return;
        };
        let mut applied = false;
        each_call(&l.body, &mut |c| {
            applied |= matches!(c.func.as_ref(), Expr::Name(n) if n.id == d.id);
        });
        if !applied {
            return;
        }
        let mut named = Vec::new();
        crate::ast_util::each_expr(&l.iter, &mut |e| {
            if let Expr::Name(n) = e {
                named.push(n.id.as_str());
            }
        });
        out.extend(params.iter().copied().filter(|p| named.contains(p)));
    });
    out
}

/// Every `for` loop of a body, nested ones included (not in nested functions or classes).
fn each_for<'a>(body: &'a [Stmt], f: &mut dyn FnMut(&'a ast::StmtFor)) {
    for stmt in body {
        match stmt {
            Stmt::For(l) => {
                f(l);
                each_for(&l.body, f);
            }
            Stmt::If(i) => {
                each_for(&i.body, f);
                for c in &i.elif_else_clauses {
                    each_for(&c.body, f);
                }
            }
            Stmt::Try(t) => {
                each_for(&t.body, f);
                each_for(&t.orelse, f);
            }
            Stmt::With(w) => each_for(&w.body, f),
            Stmt::While(w) => each_for(&w.body, f),
            _ => {}
        }
    }
}

/// Every call in a body's statements and expressions (not in nested functions or classes).
fn each_call<'a>(body: &'a [Stmt], f: &mut dyn FnMut(&'a ast::ExprCall)) {
    use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
    struct Calls<'a, 'f> {
        f: &'f mut dyn FnMut(&'a ast::ExprCall),
    }
    impl<'a> Visitor<'a> for Calls<'a, '_> {
        fn visit_stmt(&mut self, s: &'a Stmt) {
            if !matches!(s, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
                walk_stmt(self, s);
            }
        }
        fn visit_expr(&mut self, e: &'a Expr) {
            if let Expr::Call(c) = e {
                (self.f)(c);
            }
            walk_expr(self, e);
        }
    }
    let mut v = Calls { f };
    v.visit_body(body);
}

/// The `(path, view class)` pairs of a literal table: a list or tuple of tuples (or lists)
/// whose path is a string and whose view is a name (`PersonsResource`, `views.Persons`).
/// Entries of another shape are skipped.
/// The `(path, view, methods)` of a table of `add_url_rule` keyword dicts
/// (`{"rule": "/atom.xml", "view_func": routes.atom_feed, "methods": ["GET"]}`); GET where
/// a dict names no methods.
pub(crate) fn keyword_entries(table: &Expr) -> Vec<(String, String, Vec<String>)> {
    let items = match table {
        Expr::List(l) => &l.elts,
        Expr::Tuple(t) => &t.elts,
        _ => return Vec::new(),
    };
    items
        .iter()
        .filter_map(|item| {
            let Expr::Dict(d) = item else { return None };
            let get = |key: &str| {
                d.items
                    .iter()
                    .find(|i| i.key.as_ref().and_then(str_value) == Some(key))
                    .map(|i| &i.value)
            };
            let path = str_value(get("rule")?)?;
            let view = dotted(get("view_func")?)?;
            let mut methods: Vec<String> = Vec::new();
            if let Some(Expr::List(l)) = get("methods") {
                methods.extend(
                    l.elts
                        .iter()
                        .filter_map(str_value)
                        .map(str::to_ascii_uppercase),
                );
            }
            if methods.is_empty() {
                methods.push("GET".to_owned());
            }
            Some((path.to_owned(), view, methods))
        })
        .collect()
}

/// The `(path, view)` pairs of a table of records naming them by key: `dict(resource=A,
/// urls="/a/")` or `{"resource": A, "urls": ("/a", "/a/<id>")}` (every path of a tuple or
/// list). Records of another shape are skipped.
pub(crate) fn keyed_entries(table: &Expr, view_key: &str, path_key: &str) -> Vec<(String, String)> {
    let values: Vec<Expr>;
    let items = match table {
        Expr::List(l) => &l.elts,
        Expr::Tuple(t) => &t.elts,
        // `{"composes": {"url": …, "view_class": …}, …}`: its values are the records.
        Expr::Dict(d) => {
            values = d.items.iter().map(|i| i.value.clone()).collect();
            &values
        }
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    for item in items {
        let get = |key: &str| -> Option<&Expr> {
            match item {
                Expr::Dict(d) => d
                    .items
                    .iter()
                    .find(|i| i.key.as_ref().and_then(str_value) == Some(key))
                    .map(|i| &i.value),
                Expr::Call(c) if matches!(c.func.as_ref(), Expr::Name(n) if n.id.as_str() == "dict") => {
                    c.arguments
                        .keywords
                        .iter()
                        .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == key))
                        .map(|k| &k.value)
                }
                _ => None,
            }
        };
        let (Some(view), Some(paths)) = (get(view_key).and_then(dotted), get(path_key)) else {
            continue;
        };
        let paths: Vec<&str> = match paths {
            Expr::List(l) => l.elts.iter().filter_map(str_value).collect(),
            Expr::Tuple(t) => t.elts.iter().filter_map(str_value).collect(),
            other => str_value(other).into_iter().collect(),
        };
        out.extend(paths.into_iter().map(|p| (p.to_owned(), view.clone())));
    }
    out
}

pub(crate) fn entries(table: &Expr, path_at: usize, view_at: usize) -> Vec<(String, String)> {
    let items = match table {
        Expr::List(l) => &l.elts,
        Expr::Tuple(t) => &t.elts,
        _ => return Vec::new(),
    };
    items
        .iter()
        .filter_map(|item| {
            let elts = match item {
                Expr::Tuple(t) => &t.elts,
                Expr::List(l) => &l.elts,
                _ => return None,
            };
            let path = str_value(elts.get(path_at)?)?;
            let view = dotted(elts.get(view_at)?)?;
            Some((path.to_owned(), view))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(src: &str) -> ast::ModModule {
        ruff_python_parser::parse_module(src).unwrap().into_syntax()
    }

    #[test]
    fn a_loop_spreading_each_rule_into_add_url_rule() {
        let m = module(
            "def get_blueprint(self):\n    bp = Blueprint('x', __name__)\n    rules = [('/a', 'a', view_a), ('/b/<int:n>', 'b', mod.view_b)]\n    for rule in rules:\n        bp.add_url_rule(*rule)\n    for other in rules:\n        bp.add_url_rule(other)\n",
        );
        let Stmt::FunctionDef(f) = &m.body[0] else {
            panic!()
        };
        let l = loops_in(&f.body);
        assert_eq!(l.len(), 1, "only the loop that spreads its element");
        assert_eq!(
            (l[0].path_at, l[0].view_at, l[0].kind),
            (0, 2, Kind::UrlRuleArgs)
        );
        assert_eq!(l[0].receiver, "bp");
        let Stmt::Assign(a) = &f.body[1] else {
            panic!()
        };
        assert_eq!(
            entries(&a.value, 0, 2),
            [
                ("/a".to_owned(), "view_a".to_owned()),
                ("/b/<int:n>".to_owned(), "mod.view_b".to_owned())
            ]
        );
    }

    #[test]
    fn a_loop_registering_views_and_one_registering_resources() {
        let m = module(
            "def configure(blueprint, route_tuples):\n    views = {}\n    for path, resource in route_tuples:\n        view = views.get(resource)\n        if view is None:\n            view = resource.as_view(resource.__name__)\n        blueprint.add_url_rule(path, view_func=view)\n\nfor cls, url in ROUTES:\n    api.add_resource(cls, url)\n",
        );
        let Stmt::FunctionDef(f) = &m.body[0] else {
            panic!()
        };
        let l = loops_in(&f.body);
        assert_eq!(l.len(), 1);
        assert_eq!(
            (l[0].path_at, l[0].view_at, l[0].kind),
            (0, 1, Kind::UrlRule)
        );
        assert_eq!(l[0].receiver, "blueprint");
        assert!(matches!(l[0].iter, Expr::Name(n) if n.id.as_str() == "route_tuples"));
        assert!(decorator_params(f).is_empty());
        let top = loops_in(&m.body);
        assert_eq!(top.len(), 1);
        assert_eq!(
            (top[0].path_at, top[0].view_at, top[0].kind),
            (1, 0, Kind::Resource)
        );
    }

    #[test]
    fn decorators_a_registrar_applies_to_each_view() {
        let m = module(
            "def configure(bp, routes, decorators=None, other=None):\n    for path, r in routes:\n        view = r.as_view(path)\n        for decorator in decorators or []:\n            view = decorator(view)\n        for o in other or []:\n            print(o)\n        bp.add_url_rule(path, view_func=view)\n",
        );
        let Stmt::FunctionDef(f) = &m.body[0] else {
            panic!()
        };
        assert_eq!(decorator_params(f), vec!["decorators"]);
        assert_eq!(loops_in(&f.body).len(), 1);
    }

    #[test]
    fn a_loop_over_records_naming_the_resource_and_its_urls() {
        let m = module(
            "resources = [dict(resource=A, urls=\"/a/\", endpoint=\"a\"), {\"resource\": views.B, \"urls\": (\"/b\", \"/b/<id>\")}, dict(urls=\"/c\")]\ndef create_app():\n    for res in resources:\n        api.add_resource(res[\"resource\"], res[\"urls\"], endpoint=res[\"endpoint\"])\n",
        );
        let Stmt::FunctionDef(f) = &m.body[1] else {
            panic!()
        };
        let l = loops_in(&f.body);
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].kind, Kind::ResourceKeys);
        assert_eq!(l[0].receiver, "api");
        assert_eq!(l[0].keys, Some(("resource".to_owned(), "urls".to_owned())));
        let Stmt::Assign(a) = &m.body[0] else {
            panic!()
        };
        assert_eq!(
            keyed_entries(&a.value, "resource", "urls"),
            vec![
                ("/a/".to_owned(), "A".to_owned()),
                ("/b".to_owned(), "views.B".to_owned()),
                ("/b/<id>".to_owned(), "views.B".to_owned())
            ]
        );
    }

    #[test]
    fn a_loop_that_registers_nothing_is_no_table() {
        let m = module("for path, handler in pairs:\n    print(path, handler)\n");
        assert!(loops_in(&m.body).is_empty());
    }

    #[test]
    fn entries_of_a_table() {
        let m = module(
            "routes = [(\"/a\", A), (\"/b/<id>\", views.B), (\"/c\",), \"junk\", (f(), C)]\n",
        );
        let Stmt::Assign(a) = &m.body[0] else {
            panic!()
        };
        assert_eq!(
            entries(&a.value, 0, 1),
            vec![
                ("/a".to_owned(), "A".to_owned()),
                ("/b/<id>".to_owned(), "views.B".to_owned())
            ]
        );
    }
}
