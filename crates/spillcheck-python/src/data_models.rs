//! What the project's data looks like: the fields of its ORM models (SQLAlchemy,
//! Flask-SQLAlchemy, Django-style, peewee, mongoengine, pydantic/SQLModel) and the
//! columns of the tables its SQL creates. Rules ask it whether an object has an owner
//! and what a whole record of it holds.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::ast_util::{callee_last, dotted, str_value};
use crate::facts::model_key;

/// Models by their normal-form name (see [`model_key`]): field names, lower-case.
#[derive(Debug, Default)]
pub(crate) struct DataModels {
    fields: HashMap<String, HashSet<String>>,
    /// Fields (lower-case) declared with a type that encrypts the value at rest
    /// (sqlalchemy-utils' `StringEncryptedType`, `EncryptedType`).
    encrypted: HashSet<String>,
}

/// Columns that library mixins give the models built on them: authlib's SQLAlchemy
/// OAuth 2 server models (`authlib.integrations.sqla_oauth2`).
pub(crate) const MIXIN_COLUMNS: &[(&str, &[&str])] = &[
    (
        "OAuth2ClientMixin",
        &[
            "client_id",
            "client_secret",
            "client_id_issued_at",
            "client_secret_expires_at",
            "client_metadata",
        ],
    ),
    (
        "OAuth2TokenMixin",
        &[
            "client_id",
            "token_type",
            "access_token",
            "refresh_token",
            "scope",
            "issued_at",
            "access_token_revoked_at",
            "refresh_token_revoked_at",
            "expires_in",
        ],
    ),
    (
        "OAuth2AuthorizationCodeMixin",
        &[
            "code",
            "client_id",
            "redirect_uri",
            "response_type",
            "scope",
            "nonce",
            "auth_time",
            "code_challenge",
            "code_challenge_method",
        ],
    ),
];

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
    /// The models one parsed file declares, and the `CREATE TABLE` statements of its
    /// string literals.
    pub(crate) fn of_file(module: &ast::ModModule) -> DataModels {
        let mut out = DataModels::default();
        let mut v = Gather { out: &mut out };
        for s in &module.body {
            v.visit_stmt(s);
        }
        out
    }

    /// Adds `other`'s models (the union: the order files are merged in does not matter).
    pub(crate) fn merge(&mut self, other: DataModels) {
        for (key, fields) in other.fields {
            self.fields.entry(key).or_default().extend(fields);
        }
        self.encrypted.extend(other.encrypted);
    }

    /// Adds a file's record stores as models: `users = {1: {"id": 1, "email": ...}}` is
    /// a `user` model with the fields its records hold.
    pub(crate) fn add_stores(&mut self, stores: &crate::stores::Stores) {
        for (key, fields) in stores.models() {
            for f in fields {
                self.add(key.clone(), f);
            }
        }
    }

    /// Adds the tables of the project's `.sql` files (path, text).
    pub(crate) fn add_sql_files(&mut self, sql_files: &[(String, String)]) {
        for (_, text) in sql_files {
            self.add_ddl(text);
        }
    }

    /// The fields of a model or table, if the project declares it.
    /// The models' keys.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.fields.keys().map(String::as_str)
    }

    pub(crate) fn fields(&self, key: &str) -> Option<&HashSet<String>> {
        self.fields.get(key)
    }

    /// Whether some model declares the field (lower-case) with a type that encrypts it.
    pub(crate) fn is_encrypted(&self, name: &str) -> bool {
        self.encrypted.contains(name)
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
        for table in ddl_tables(text) {
            let key = model_key(&table.name);
            for (column, _) in &table.columns {
                self.add(key.clone(), column);
            }
        }
    }
}

/// One `CREATE TABLE` statement: its name (without schema or quotes, lower-case) and its
/// columns (lower-case) with the byte offset of each column's name in the text.
#[derive(Debug)]
pub(crate) struct DdlTable {
    pub name: String,
    pub columns: Vec<(String, usize)>,
}

/// The tables a text of SQL creates: `CREATE TABLE [IF NOT EXISTS] name (col type, ...,
/// constraints)`. SQL comments hold no columns; offsets point into `text` itself.
pub(crate) fn ddl_tables(text: &str) -> Vec<DdlTable> {
    // Lower-case with comments blanked out: the same length as `text`, so offsets agree.
    let mut lower = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let comment_end = if rest.starts_with("--") {
            Some(rest.find('\n').unwrap_or(rest.len()))
        } else {
            rest.strip_prefix("/*")
                .map(|r| r.find("*/").map_or(rest.len(), |i| i + 4))
        };
        if let Some(end) = comment_end {
            for c in rest[..end].chars() {
                lower.push(if c == '\n' { '\n' } else { ' ' });
                for _ in 1..c.len_utf8() {
                    lower.push(' ');
                }
            }
            rest = &rest[end..];
        } else {
            let c = rest.chars().next().expect("not empty");
            lower.push(c.to_ascii_lowercase());
            rest = &rest[c.len_utf8()..];
        }
    }
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find("create table") {
        let start = from + i + "create table".len();
        from = start;
        let after = &lower[start..];
        let rest = after.trim_start();
        let rest = rest
            .strip_prefix("if not exists")
            .unwrap_or(rest)
            .trim_start();
        let rest_at = start + (after.len() - rest.len());
        let name: String = rest
            .chars()
            .take_while(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '_' | '"' | '`' | '.' | '[' | ']')
            })
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
            .collect();
        let name = name.rsplit('.').next().unwrap_or(&name).to_owned();
        let Some(open) = rest.find('(') else { continue };
        if name.is_empty() {
            continue;
        }
        let body_at = rest_at + open + 1;
        let body = &lower[body_at..];
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
        // Top-level parts between commas, each with its offset.
        let mut parts: Vec<(usize, usize)> = Vec::new();
        let mut part_start = 0;
        let mut part_depth = 0usize;
        for (j, c) in body[..end].char_indices() {
            match c {
                '(' => part_depth += 1,
                ')' => part_depth = part_depth.saturating_sub(1),
                ',' if part_depth == 0 => {
                    parts.push((part_start, j));
                    part_start = j + 1;
                }
                _ => {}
            }
        }
        parts.push((part_start, end));
        let mut columns = Vec::new();
        for (a, b) in parts {
            let part = &body[a..b];
            let lead = part.len() - part.trim_start().len();
            let first = part.split_whitespace().next().unwrap_or_default();
            let quote = first.len() - first.trim_start_matches(['"', '`', '[']).len();
            let column = first.trim_matches(|c: char| c == '"' || c == '`' || c == '[' || c == ']');
            if column.is_empty()
                || matches!(
                    column,
                    "primary" | "foreign" | "unique" | "constraint" | "check" | "key" | "index"
                )
            {
                continue;
            }
            columns.push((column.to_owned(), body_at + a + lead + quote));
        }
        out.push(DdlTable { name, columns });
    }
    out
}

/// Whether a class maps a database table: a `__tablename__`, a column declared with a
/// field call (`db.Column(...)`, `mapped_column(...)`), or Flask-SQLAlchemy's `db.Model`
/// base. Such a class's attributes are stored, not held for use.
pub(crate) fn maps_a_table(class: &ast::StmtClassDef) -> bool {
    let declares = class.body.iter().any(|s| match s {
        Stmt::Assign(a) => {
            a.targets.iter().any(
                |t| matches!(t, Expr::Name(n) if matches!(n.id.as_str(), "__tablename__" | "__collection__")),
            ) || matches!(a.value.as_ref(), Expr::Call(c) if is_field_call(c))
        }
        _ => false,
    });
    declares
        || class.arguments.as_ref().is_some_and(|args| {
            args.args
                .iter()
                .any(|b| dotted(b).is_some_and(|d| d == "db.Model" || d == "Model"))
        })
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
        // Plain strings and f-strings (`f'CREATE TABLE {USER_TABLE} (...)'`: an
        // interpolated name reads as `?`).
        if let Some(text) = crate::ast_util::literal_text(expr)
            && text.len() > 12
            && text.to_ascii_lowercase().contains("create table")
        {
            self.out.add_ddl(&text);
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
                            if crate::ast_util::any_expr(&a.value, &mut |x| {
                                matches!(x, Expr::Call(t) if crate::ast_util::callee_last(t)
                                    .is_some_and(|n| n.contains("Encrypted")))
                            }) {
                                self.out.encrypted.insert(name.to_ascii_lowercase());
                            }
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
        // Columns a library mixin declares for the class (authlib's OAuth 2 models).
        for base in class.arguments.iter().flat_map(|a| a.args.iter()) {
            let last = dotted(base).unwrap_or_default();
            let last = last.rsplit('.').next().unwrap_or_default();
            if let Some((_, columns)) = MIXIN_COLUMNS.iter().find(|(m, _)| *m == last) {
                declares = true;
                fields.extend(columns.iter().map(|c| (*c).to_owned()));
            }
        }
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
        let (file, _) = crate::project::SourceFile::parse("m.py".into(), src.into());
        let mut models = DataModels::default();
        models.merge(DataModels::of_file(file.module().unwrap()));
        assert!(models.has_owner("post"));
        models.add_sql_files(&[(
            "s.sql".into(),
            "CREATE TABLE tags (id INTEGER, post_id INTEGER, name TEXT)".into(),
        )]);
        assert!(models.fields("tag").unwrap().contains("name") && models.has_owner("post"));
    }

    #[test]
    fn ddl_offsets_point_at_column_names() {
        let text = "-- users\nCREATE TABLE IF NOT EXISTS app.\"Users\" (\n  id SERIAL, -- Key (x)\n  \"password\" TEXT NOT NULL,\n  pin VARCHAR(4), /* old, */ PRIMARY KEY (id))";
        let tables = ddl_tables(text);
        assert_eq!(tables.len(), 1);
        assert_eq!(tables[0].name, "users");
        let cols: Vec<&str> = tables[0].columns.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(cols, ["id", "password", "pin"]);
        for (c, at) in &tables[0].columns {
            assert!(
                text[*at..].to_ascii_lowercase().starts_with(c.as_str()),
                "{c} at {at}"
            );
        }
    }
}
