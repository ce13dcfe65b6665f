//! Small questions asked of ruff's AST everywhere: dotted names, string values,
//! the names an expression reads, where a node starts.

use ruff_python_ast::{self as ast, Expr};

/// `a.b.c` for `Name`/`Attribute` chains; calls are looked through (`a().b` → `a().b`
/// is `a.b` with `call_marker`). Returns `None` for anything else.
pub(crate) fn dotted(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Name(n) => Some(n.id.to_string()),
        Expr::Attribute(a) => dotted(&a.value).map(|base| format!("{base}.{}", a.attr.as_str())),
        Expr::Call(c) => dotted(&c.func).map(|f| format!("{f}()")),
        _ => None,
    }
}

/// The last segment of a callee: `jsonify` for `flask.jsonify(...)`, `execute` for `db.execute(...)`.
pub(crate) fn callee_last(call: &ast::ExprCall) -> Option<&str> {
    match call.func.as_ref() {
        Expr::Name(n) => Some(n.id.as_str()),
        Expr::Attribute(a) => Some(a.attr.as_str()),
        _ => None,
    }
}

/// The dotted name of a call's function, without trailing `()`.
pub(crate) fn callee(call: &ast::ExprCall) -> Option<String> {
    dotted(&call.func)
}

/// The dotted name of what `expr` calls, or of `expr` itself when it is no call:
/// `request.get_json` for `request.get_json()` and `request.json` for `request.json`.
pub(crate) fn callee_or_dotted(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Call(c) => dotted(&c.func),
        other => dotted(other),
    }
}

/// The operands of a comparison, left first: `a`, `b`, `c` of `a < b == c`.
pub(crate) fn operands(c: &ast::ExprCompare) -> impl Iterator<Item = &Expr> + Clone {
    std::iter::once(c.left.as_ref()).chain(c.comparators.iter())
}

/// The value of a string literal (implicitly concatenated parts joined).
pub(crate) fn str_value(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::StringLiteral(s) => Some(s.value.to_str()),
        _ => None,
    }
}

/// The text of a string or f-string literal; an f-string's interpolations read as `?`
/// (what a SQL placeholder would be).
pub(crate) fn literal_text(expr: &Expr) -> Option<std::borrow::Cow<'_, str>> {
    match expr {
        Expr::StringLiteral(s) => Some(std::borrow::Cow::Borrowed(s.value.to_str())),
        Expr::FString(f) => Some(std::borrow::Cow::Owned(fstring_text(f, &mut |out, _| {
            out.push('?');
        }))),
        _ => None,
    }
}

/// An f-string's text, each interpolation written by `interpolation` (given the text so
/// far and the interpolated expression).
pub(crate) fn fstring_text<'a>(
    f: &'a ast::ExprFString,
    interpolation: &mut dyn FnMut(&mut String, &'a Expr),
) -> String {
    let mut out = String::new();
    for part in &f.value {
        match part {
            ast::FStringPart::Literal(l) => out.push_str(&l.value),
            ast::FStringPart::FString(fs) => {
                for e in &fs.elements {
                    match e {
                        ast::InterpolatedStringElement::Literal(l) => out.push_str(&l.value),
                        ast::InterpolatedStringElement::Interpolation(i) => {
                            interpolation(&mut out, &i.expression);
                        }
                    }
                }
            }
        }
    }
    out
}

/// `True`/`False` literal.
pub(crate) fn bool_value(expr: &Expr) -> Option<bool> {
    match expr {
        Expr::BooleanLiteral(b) => Some(b.value),
        _ => None,
    }
}

/// Integer literal value, if small.
pub(crate) fn int_value(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => i.as_i64(),
            _ => None,
        },
        _ => None,
    }
}

/// An HTTP status written as a number or by name: `500`, `HTTPStatus.INTERNAL_SERVER_ERROR`,
/// `http.HTTPStatus.NOT_FOUND`, DRF-style `status.HTTP_404_NOT_FOUND`.
pub(crate) fn status_code(expr: &Expr) -> Option<i64> {
    if let Some(n) = int_value(expr) {
        return Some(n);
    }
    let Expr::Attribute(a) = expr else {
        return None;
    };
    let name = a.attr.as_str();
    if let Some(rest) = name.strip_prefix("HTTP_") {
        return rest.get(..3).and_then(|d| d.parse().ok());
    }
    let owner_is_status = match a.value.as_ref() {
        Expr::Name(n) => n.id.as_str() == "HTTPStatus",
        Expr::Attribute(o) => o.attr.as_str() == "HTTPStatus",
        _ => false,
    };
    if !owner_is_status {
        return None;
    }
    Some(match name {
        "OK" => 200,
        "CREATED" => 201,
        "ACCEPTED" => 202,
        "NO_CONTENT" => 204,
        "BAD_REQUEST" => 400,
        "UNAUTHORIZED" => 401,
        "FORBIDDEN" => 403,
        "NOT_FOUND" => 404,
        "METHOD_NOT_ALLOWED" => 405,
        "CONFLICT" => 409,
        "GONE" => 410,
        "PRECONDITION_FAILED" => 412,
        "UNPROCESSABLE_ENTITY" | "UNPROCESSABLE_CONTENT" => 422,
        "TOO_MANY_REQUESTS" => 429,
        "INTERNAL_SERVER_ERROR" => 500,
        "NOT_IMPLEMENTED" => 501,
        "BAD_GATEWAY" => 502,
        "SERVICE_UNAVAILABLE" => 503,
        "GATEWAY_TIMEOUT" => 504,
        _ => return None,
    })
}

/// Keyword argument by name.
pub(crate) fn kwarg<'a>(call: &'a ast::ExprCall, name: &str) -> Option<&'a Expr> {
    call.arguments.find_keyword(name).map(|k| &k.value)
}

/// A visitor calling a function on every expression it meets (pre-order).
struct EachExpr<'b, 'a> {
    f: &'b mut dyn FnMut(&'a Expr),
}

impl<'a> ruff_python_ast::visitor::Visitor<'a> for EachExpr<'_, 'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        (self.f)(expr);
        ruff_python_ast::visitor::walk_expr(self, expr);
    }
}

/// Calls `f` on every sub-expression of `expr` (pre-order), including itself.
/// Nested lambdas and comprehensions are entered.
pub(crate) fn each_expr<'a>(expr: &'a Expr, f: &mut dyn FnMut(&'a Expr)) {
    use ruff_python_ast::visitor::Visitor;
    EachExpr { f }.visit_expr(expr);
}

/// Calls `f` on every expression of `stmt` and of the statements in it (nested functions
/// and classes included).
pub(crate) fn each_expr_in_stmt<'a>(stmt: &'a ast::Stmt, f: &mut dyn FnMut(&'a Expr)) {
    use ruff_python_ast::visitor::Visitor;
    EachExpr { f }.visit_stmt(stmt);
}

/// The `for` clauses of a comprehension or generator expression (`[x for x in xs if c]`),
/// `None` for any other expression.
pub(crate) fn comprehension_generators(e: &Expr) -> Option<&[ast::Comprehension]> {
    match e {
        Expr::ListComp(c) => Some(&c.generators),
        Expr::SetComp(c) => Some(&c.generators),
        Expr::DictComp(c) => Some(&c.generators),
        Expr::Generator(c) => Some(&c.generators),
        _ => None,
    }
}

/// The function `name` defined directly in `body` (a module's or a class's), the first if
/// several.
pub(crate) fn function_named<'a>(
    body: &'a [ast::Stmt],
    name: &str,
) -> Option<&'a ast::StmtFunctionDef> {
    body.iter().find_map(|s| match s {
        ast::Stmt::FunctionDef(f) if f.name.as_str() == name => Some(f),
        _ => None,
    })
}

/// Calls `f` on `stmt` and every statement nested in it (pre-order).
pub(crate) fn each_stmt<'a>(stmt: &'a ast::Stmt, f: &mut dyn FnMut(&'a ast::Stmt)) {
    use ruff_python_ast::visitor::{Visitor, walk_stmt};
    struct V<'b, 'a> {
        f: &'b mut dyn FnMut(&'a ast::Stmt),
    }
    impl<'a> Visitor<'a> for V<'_, 'a> {
        fn visit_stmt(&mut self, stmt: &'a ast::Stmt) {
            (self.f)(stmt);
            walk_stmt(self, stmt);
        }
    }
    V { f }.visit_stmt(stmt);
}

/// Whether any sub-expression satisfies `pred`.
pub(crate) fn any_expr(expr: &Expr, pred: &mut dyn FnMut(&Expr) -> bool) -> bool {
    let mut found = false;
    each_expr(expr, &mut |e| {
        if !found && pred(e) {
            found = true;
        }
    });
    found
}

/// Names (`Name` nodes) read anywhere in `expr`.
pub(crate) fn names_in(expr: &Expr) -> Vec<&str> {
    let mut out = Vec::new();
    each_expr(expr, &mut |e| {
        if let Expr::Name(n) = e {
            out.push(n.id.as_str());
        }
    });
    out
}

/// Target names bound by an assignment target (`a`, `a, b`, `[a, *b]`).
pub(crate) fn target_names(expr: &Expr) -> Vec<&str> {
    match expr {
        Expr::Name(n) => vec![n.id.as_str()],
        Expr::Tuple(t) => t.elts.iter().flat_map(target_names).collect(),
        Expr::List(l) => l.elts.iter().flat_map(target_names).collect(),
        Expr::Starred(s) => target_names(&s.value),
        _ => Vec::new(),
    }
}

/// Every string literal inside `expr` (e.g. the members of a set display).
pub(crate) fn strings_in(expr: &Expr) -> Vec<&str> {
    let mut out = Vec::new();
    each_expr(expr, &mut |e| {
        if let Some(s) = str_value(e) {
            out.push(s);
        }
    });
    out
}
