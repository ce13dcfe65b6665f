//! What a view reads from the request: the JSON or form fields and the query parameters
//! its handler asks for by name, with the type the handler converts them to. The probe
//! builds bodies an API accepts from them (`spillcheck scan --source`).
//!
//! Recognized forms, whatever the variable names:
//! - `request.json["k"]`, `request.get_json()["k"]`, `request.get_json(force=True).get("k")`,
//!   `request.form["k"]`, `request.args.get("k", type=int)`, `request.values.get("k")`;
//! - aliases: `data = request.get_json() or {}` then `data["k"]` / `data.get("k", 0)`;
//! - conversions: `int(...)`, `float(...)`, `Decimal(...)`, `bool(...)` around a read,
//!   `type=int` on `args.get`, a numeric or boolean default;
//! - Flask-RESTful / flask-restx `parser.add_argument("k", type=int, location="json")` in the
//!   handler.

use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{self as ast, Expr, Stmt};
use serde::Serialize;
use std::collections::HashMap;

use crate::ast_util::{callee_last, dotted, kwarg, str_value, target_names};

/// Where a request input comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum InputSource {
    /// The JSON body.
    Json,
    /// Form fields (`application/x-www-form-urlencoded` or multipart).
    Form,
    /// The query string.
    Query,
}

/// One named input a handler reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestInput {
    /// The field or parameter name.
    pub name: String,
    /// Where it is read from.
    pub source: InputSource,
    /// `integer`, `number`, `boolean` or `string` (the handler's conversion; string when none).
    pub kind: &'static str,
    /// Read without a default (`data["k"]`, `args.get("k")`, `required=True`).
    pub required: bool,
}

/// The inputs `func` reads, in first-read order, each name once per source.
pub(crate) fn request_inputs(func: &ast::StmtFunctionDef) -> Vec<RequestInput> {
    let mut v = Reads::default();
    for stmt in &func.body {
        v.visit_stmt(stmt);
    }
    v.found
}

#[derive(Default)]
struct Reads {
    /// Local names bound to a whole request part (`data = request.get_json()`).
    aliases: HashMap<String, InputSource>,
    found: Vec<RequestInput>,
}

impl Reads {
    fn push(&mut self, name: &str, source: InputSource, kind: &'static str, required: bool) {
        if name.is_empty() || name.len() > 64 {
            return;
        }
        if let Some(known) = self
            .found
            .iter_mut()
            .find(|i| i.name == name && i.source == source)
        {
            if known.kind == "string" {
                known.kind = kind;
            }
            known.required |= required;
            return;
        }
        self.found.push(RequestInput {
            name: name.to_owned(),
            source,
            kind,
            required,
        });
    }

    /// The request part `e` denotes: `request.json`, `request.get_json()`, `request.form`,
    /// `request.args`, an alias of one, or `request.get_json() or {}`.
    fn part(&self, e: &Expr) -> Option<InputSource> {
        match e {
            Expr::Name(n) => self.aliases.get(n.id.as_str()).copied(),
            Expr::Attribute(a) if is_request(&a.value) => match a.attr.as_str() {
                "json" => Some(InputSource::Json),
                "form" | "files" | "values" => Some(InputSource::Form),
                "args" => Some(InputSource::Query),
                _ => None,
            },
            Expr::Call(c) => match c.func.as_ref() {
                Expr::Attribute(a) if is_request(&a.value) && a.attr.as_str() == "get_json" => {
                    Some(InputSource::Json)
                }
                // `request.args.to_dict()`, `request.form.copy()`
                Expr::Attribute(a)
                    if matches!(a.attr.as_str(), "to_dict" | "copy" | "dict")
                        && c.arguments.args.is_empty() =>
                {
                    self.part(&a.value)
                }
                // `dict(request.form)`
                Expr::Name(n) if n.id.as_str() == "dict" && c.arguments.args.len() == 1 => {
                    self.part(&c.arguments.args[0])
                }
                _ => None,
            },
            Expr::BoolOp(b) => b.values.first().and_then(|v| self.part(v)),
            _ => None,
        }
    }

    /// A read of one field: `part["k"]` or `part.get("k"[, default][, type=int])`; its name,
    /// source and the kind its default or `type=` says.
    fn field(&self, e: &Expr) -> Option<(String, InputSource, &'static str, bool)> {
        match e {
            Expr::Subscript(s) => {
                let source = self.part(&s.value)?;
                Some((str_value(&s.slice)?.to_owned(), source, "string", true))
            }
            Expr::Call(c) => {
                let Expr::Attribute(a) = c.func.as_ref() else {
                    return None;
                };
                if !matches!(a.attr.as_str(), "get" | "getlist" | "pop") {
                    return None;
                }
                let source = self.part(&a.value)?;
                let name = str_value(c.arguments.args.first()?)?.to_owned();
                let kind = kwarg(c, "type")
                    .and_then(kind_of_type)
                    .or_else(|| c.arguments.args.get(1).and_then(kind_of_literal))
                    .or_else(|| kwarg(c, "default").and_then(kind_of_literal))
                    .unwrap_or("string");
                let defaulted = c.arguments.args.len() > 1 || kwarg(c, "default").is_some();
                Some((name, source, kind, !defaulted))
            }
            _ => None,
        }
    }
}

fn is_request(e: &Expr) -> bool {
    dotted(e).is_some_and(|d| d == "request" || d.ends_with(".request"))
}

/// `int`, `float`, `bool`, `Decimal`, `inputs.boolean`... as a JSON kind.
fn kind_of_type(e: &Expr) -> Option<&'static str> {
    let name = dotted(e)?;
    let last = name.rsplit('.').next().unwrap_or(&name);
    match last {
        "int" | "natural" | "positive" | "int_range" => Some("integer"),
        "float" | "Decimal" => Some("number"),
        "bool" | "boolean" => Some("boolean"),
        "str" => Some("string"),
        _ => None,
    }
}

fn kind_of_literal(e: &Expr) -> Option<&'static str> {
    match e {
        Expr::NumberLiteral(n) => Some(match n.value {
            ast::Number::Int(_) => "integer",
            _ => "number",
        }),
        Expr::BooleanLiteral(_) => Some("boolean"),
        _ => None,
    }
}

impl<'a> Visitor<'a> for Reads {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::Assign(a) = stmt
            && let Some(source) = self.part(&a.value)
        {
            for t in &a.targets {
                for n in target_names(t) {
                    self.aliases.insert(n.to_owned(), source);
                }
            }
        }
        if let Stmt::AnnAssign(a) = stmt
            && let Some(value) = &a.value
            && let Some(source) = self.part(value)
        {
            for n in target_names(&a.target) {
                self.aliases.insert(n.to_owned(), source);
            }
        }
        // Nested functions are the handler's too (closures, helpers defined inline).
        walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, e: &'a Expr) {
        match e {
            // `int(data["amount"])`, `float(request.form.get("x"))`
            Expr::Call(c)
                if matches!(callee_last(c), Some("int" | "float" | "Decimal" | "bool"))
                    && c.arguments.args.len() == 1 =>
            {
                if let Some((name, source, _, required)) = self.field(&c.arguments.args[0]) {
                    let kind = match callee_last(c) {
                        Some("int") => "integer",
                        Some("bool") => "boolean",
                        _ => "number",
                    };
                    self.push(&name, source, kind, required);
                }
            }
            // `parser.add_argument("k", type=int, location="json")`
            Expr::Call(c) if callee_last(c) == Some("add_argument") => {
                if let Some(name) = c.arguments.args.first().and_then(str_value) {
                    let source = match kwarg(c, "location").and_then(str_value) {
                        Some("args") => InputSource::Query,
                        Some("form" | "values" | "files") => InputSource::Form,
                        _ => InputSource::Json,
                    };
                    let kind = kwarg(c, "type").and_then(kind_of_type).unwrap_or("string");
                    let required = kwarg(c, "required")
                        .and_then(crate::ast_util::bool_value)
                        .unwrap_or(false);
                    self.push(name.trim_start_matches('-'), source, kind, required);
                }
            }
            _ => {
                if let Some((name, source, kind, required)) = self.field(e) {
                    self.push(&name, source, kind, required);
                }
            }
        }
        walk_expr(self, e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(src: &str) -> Vec<(String, InputSource, &'static str)> {
        let parsed = ruff_python_parser::parse_module(src).unwrap();
        let module = parsed.into_syntax();
        let Stmt::FunctionDef(f) = &module.body[0] else {
            panic!("a function first")
        };
        request_inputs(f)
            .into_iter()
            .map(|i| (i.name, i.source, i.kind))
            .collect()
    }

    #[test]
    fn reads_in_every_form() {
        let got = inputs(
            r#"
def transfer():
    data = request.get_json() or {}
    to = data["to_account"]
    amount = float(data.get("amount"))
    note = request.json.get("description", "")
    page = request.args.get("page", 1)
    limit = request.args.get("limit", type=int)
    name = request.form["name"]
    return ok
"#,
        );
        assert_eq!(
            got,
            vec![
                ("to_account".into(), InputSource::Json, "string"),
                ("amount".into(), InputSource::Json, "number"),
                ("description".into(), InputSource::Json, "string"),
                ("page".into(), InputSource::Query, "integer"),
                ("limit".into(), InputSource::Query, "integer"),
                ("name".into(), InputSource::Form, "string"),
            ]
        );
    }

    #[test]
    fn reqparse_and_no_reads() {
        let got = inputs(
            r#"
def post(self):
    parser = reqparse.RequestParser()
    parser.add_argument("email", required=True)
    parser.add_argument("age", type=int, location="json")
    parser.add_argument("q", location="args")
    args = parser.parse_args()
"#,
        );
        assert_eq!(
            got,
            vec![
                ("email".into(), InputSource::Json, "string"),
                ("age".into(), InputSource::Json, "integer"),
                ("q".into(), InputSource::Query, "string"),
            ]
        );
        // Other dictionaries' reads are not request inputs.
        assert!(inputs("def f():\n    d = {}\n    return d['x'], config.get('y')\n").is_empty());
    }
}
