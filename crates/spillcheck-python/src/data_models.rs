//! What the project's data looks like: the fields of its ORM models (SQLAlchemy,
//! Flask-SQLAlchemy, Django-style, peewee, mongoengine, pydantic/SQLModel) and the
//! columns of the tables its SQL creates. Rules ask it whether an object has an owner
//! and what a whole record of it holds.

use std::collections::{HashMap, HashSet};

use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::ast_util::{callee_last, dotted, str_value};
use crate::facts::model_key;
use crate::project::SourceFile;

/// Models by their normal-form name (see [`model_key`]): field names, lower-case.
#[derive(Debug, Default)]
pub(crate) struct DataModels {
    fields: HashMap<String, HashSet<String>>,
}

/// Calls that declare a model field.
const FIELD_CALLS: &[&str] = &[
    "Column",
    "mapped_column",
    "relationship",
    "ForeignKey",
    "Field",
    "CharField",
    "TextField",
    "IntegerField",
    "ForeignKeyField",
    "StringField",
    "ReferenceField",
    "BooleanField",
    "DateTimeField",
    "EmailField",
    "column_property",
    "synonym",
    "hybrid_property",
    "backref",
];

impl DataModels {
    /// Gathers models from every parsed file and `CREATE TABLE` statements from their
    /// string literals and from `sql_texts` (the project's `.sql` files).
    pub(crate) fn build(files: &[SourceFile], sql_texts: &[String]) -> DataModels {
        let mut out = DataModels::default();
        for file in files {
            let Some(module) = file.module() else {
                continue;
            };
            let mut v = Gather { out: &mut out };
            for s in &module.body {
                v.visit_stmt(s);
            }
        }
        for text in sql_texts {
            out.add_ddl(text);
        }
        out
    }

    /// The fields of a model or table, if the project declares it.
    pub(crate) fn fields(&self, key: &str) -> Option<&HashSet<String>> {
        self.fields.get(key)
    }

    /// Whether some model of the project declares a field of this name (lower-case).
    pub(crate) fn is_field(&self, name: &str) -> bool {
        self.fields.values().any(|f| f.contains(name))
    }

    /// Whether the model has a field naming its owner (`user_id`, `owner_id`, `author`).
    pub(crate) fn has_owner(&self, key: &str) -> bool {
        self.fields(key)
            .is_some_and(|f| f.iter().any(|n| spillcheck_core::vocab::is_owner_field(n)))
    }

    fn add(&mut self, key: String, field: &str) {
        self.fields
            .entry(key)
            .or_default()
            .insert(field.to_ascii_lowercase());
    }

    /// `CREATE TABLE [IF NOT EXISTS] name (col type, ..., constraints)`.
    fn add_ddl(&mut self, text: &str) {
        // SQL comments (`-- ...` to the end of the line, `/* ... */`) hold no columns.
        let mut lower = String::with_capacity(text.len());
        let mut rest = text;
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix("--") {
                rest = r.find('\n').map_or("", |i| &r[i..]);
            } else if let Some(r) = rest.strip_prefix("/*") {
                rest = r.find("*/").map_or("", |i| &r[i + 2..]);
            } else {
                let c = rest.chars().next().expect("not empty");
                lower.push(c.to_ascii_lowercase());
                rest = &rest[c.len_utf8()..];
            }
        }
        let mut from = 0;
        while let Some(i) = lower[from..].find("create table") {
            let start = from + i + "create table".len();
            from = start;
            let rest = &lower[start..];
            let rest = rest.trim_start();
            let rest = rest
                .strip_prefix("if not exists")
                .unwrap_or(rest)
                .trim_start();
            let name: String = rest
                .chars()
                .take_while(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '_' | '"' | '`' | '.' | '[' | ']')
                })
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
                .collect();
            let name = name.rsplit('.').next().unwrap_or(&name).to_owned();
            let Some(open) = rest.find('(') else { continue };
            let body = &rest[open + 1..];
            let mut depth = 0usize;
            let mut end = body.len();
            for (j, c) in body.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' if depth == 0 => {
                        end = j;
                        break;
                    }
                    ')' => depth -= 1,
                    _ => {}
                }
            }
            if name.is_empty() {
                continue;
            }
            let key = model_key(&name);
            let mut part_depth = 0usize;
            let mut part = String::new();
            let mut parts = Vec::new();
            for c in body[..end].chars() {
                match c {
                    '(' => part_depth += 1,
                    ')' => part_depth = part_depth.saturating_sub(1),
                    ',' if part_depth == 0 => {
                        parts.push(std::mem::take(&mut part));
                        continue;
                    }
                    _ => {}
                }
                part.push(c);
            }
            parts.push(part);
            for p in parts {
                let first = p
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .trim_matches(|c: char| c == '"' || c == '`' || c == '[' || c == ']');
                if first.is_empty()
                    || matches!(
                        first,
                        "primary" | "foreign" | "unique" | "constraint" | "check" | "key" | "index"
                    )
                {
                    continue;
                }
                self.add(key.clone(), first);
            }
        }
    }
}

struct Gather<'o> {
    out: &'o mut DataModels,
}

impl<'a> Visitor<'a> for Gather<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::ClassDef(class) = stmt {
            self.class(class);
        }
        walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Some(text) = str_value(expr)
            && text.len() > 12
            && text.to_ascii_lowercase().contains("create table")
        {
            self.out.add_ddl(text);
        }
        walk_expr(self, expr);
    }
}

impl Gather<'_> {
    fn class(&mut self, class: &ast::StmtClassDef) {
        let mut fields: Vec<String> = Vec::new();
        let mut table: Option<String> = None;
        let mut declares = false;
        for s in &class.body {
            match s {
                Stmt::Assign(a) => {
                    for t in &a.targets {
                        let Expr::Name(n) = t else { continue };
                        let name = n.id.as_str();
                        if name == "__tablename__" || name == "__collection__" {
                            table = str_value(&a.value).map(str::to_owned);
                            declares = true;
                            continue;
                        }
                        if let Expr::Call(c) = a.value.as_ref()
                            && is_field_call(c)
                        {
                            declares = true;
                        }
                        if !name.starts_with("__") {
                            fields.push(name.to_owned());
                        }
                    }
                }
                Stmt::AnnAssign(a) => {
                    if let Expr::Name(n) = a.target.as_ref() {
                        let ann = dotted_or_sub(&a.annotation);
                        if ann.contains("Mapped") {
                            declares = true;
                        }
                        fields.push(n.id.to_string());
                    }
                }
                _ => {}
            }
        }
        let base_is_model = class.arguments.as_ref().is_some_and(|args| {
            args.args.iter().any(|b| {
                dotted(b).is_some_and(|d| {
                    let last = d.rsplit('.').next().unwrap_or(&d);
                    matches!(
                        last,
                        "Model"
                            | "Base"
                            | "DeclarativeBase"
                            | "Document"
                            | "SQLModel"
                            | "BaseModel"
                            | "Table"
                    ) || last.ends_with("Model")
                        || last.ends_with("Base")
                })
            })
        });
        if !(declares || base_is_model) || fields.is_empty() {
            return;
        }
        let mut keys = vec![model_key(class.name.as_str())];
        if let Some(t) = table {
            keys.push(model_key(&t));
        }
        for key in keys {
            for f in &fields {
                self.out.add(key.clone(), f);
            }
        }
    }
}

fn is_field_call(call: &ast::ExprCall) -> bool {
    callee_last(call).is_some_and(|n| FIELD_CALLS.contains(&n) || n.ends_with("Field"))
}

fn dotted_or_sub(expr: &Expr) -> String {
    match expr {
        Expr::Subscript(s) => dotted(&s.value).unwrap_or_default(),
        other => dotted(other).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ddl_and_classes_give_fields() {
        let mut m = DataModels::default();
        m.add_ddl(
            "CREATE TABLE IF NOT EXISTS notes (\n id INTEGER PRIMARY KEY,\n owner_id INTEGER REFERENCES users(id),\n title TEXT, FOREIGN KEY (owner_id) REFERENCES users(id))",
        );
        assert!(m.has_owner("note"));
        assert!(m.fields("note").unwrap().contains("title"));
        assert!(!m.fields("note").unwrap().contains("foreign"));
        let src = "class Post(db.Model):\n    __tablename__ = 'posts'\n    id = db.Column(db.Integer)\n    author_id = db.Column(db.ForeignKey('users.id'))\n";
        let (file, _) = SourceFile::parse("m.py".into(), src.into());
        let models = DataModels::build(std::slice::from_ref(&file), &[]);
        assert!(models.has_owner("post"));
    }
}
