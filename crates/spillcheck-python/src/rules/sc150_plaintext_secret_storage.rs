//! `SC150` plaintext-secret-storage: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};
use std::fmt::Write as _;

declare_rule! {
    /// ## What it finds
    /// A password, API token or refresh token written to the database or a file as it was received or generated: `INSERT ... (password) VALUES (?)` with the raw password, `user.api_token = token` on a model column, a token table keyed by the raw token.
    ///
    /// ## Why it matters
    /// Anyone who reads the database (a backup, an SQL injection, a curious admin) holds every user's credentials (CWE-312, CWE-256).
    ///
    /// ## Example
    /// ```python
    /// db.execute("INSERT INTO api_tokens (user_id, token) VALUES (?, ?)", (uid, token))
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// `user.password = raw` is not reported when the model's `password` is a property, a
    /// `hybrid_property`, a `synonym(..., descriptor=property(...))` or a `@validates` hook whose
    /// setter hashes, wherever the model is defined; connections, clients and settings objects
    /// hold passwords to use them, not to store them. A token or secret column given a freshly
    /// generated value (`secrets.token_urlsafe()`) is stored as it was generated.
    ///
    /// ## Fix
    /// ```python
    /// digest = hashlib.sha256(token.encode()).hexdigest()
    /// db.execute("INSERT INTO api_tokens (user_id, token_sha256) VALUES (?, ?)", (uid, digest))
    /// ```
    pub static SC150 = {
        id: "SC150",
        slug: "plaintext-secret-storage",
        title: "Secret stored in plaintext",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[312, 256],
        owasp: &[OwaspApi::Api8],
        fix: "Store a hash of passwords (argon2, bcrypt, scrypt) and of API tokens (SHA-256 of a random token), never the value.",
    }
}

use ruff_python_ast::{self as ast, Expr};

use crate::ast_util::dotted;
use crate::checker::Checker;
use crate::facts::{Taint, is_data_call, is_hash_call};

const SECRET_COLUMNS: &[&str] = &[
    "token",
    "api_token",
    "access_token",
    "refresh_token",
    "auth_token",
    "password",
    "passwd",
    "secret",
    "api_key",
    "apikey",
    "client_secret",
    "session_token",
    "reset_token",
    "otp_secret",
    "totp_secret",
];

fn secret_column(col: &str) -> bool {
    let c = col
        .trim()
        .trim_matches(|ch| ch == '"' || ch == '`' || ch == '[' || ch == ']')
        .to_ascii_lowercase();
    SECRET_COLUMNS.contains(&c.as_str())
        || spillcheck_core::vocab::is_sensitive_field(&c)
            && !c.contains("hash")
            && !c.contains("salt")
}

/// Columns written by an INSERT (in order) or an UPDATE ... SET (col, placeholder index).
fn written_columns(sql: &str) -> Vec<(String, usize)> {
    let lower = sql.to_ascii_lowercase();
    let mut out = Vec::new();
    if let Some(i) = lower.find("insert") {
        let rest = &sql[i..];
        if let (Some(open), Some(close)) = (rest.find('('), rest.find(')'))
            && open < close
        {
            for (n, col) in rest[open + 1..close].split(',').enumerate() {
                out.push((col.trim().to_owned(), n));
            }
        }
    } else if let Some(i) = lower.find(" set ") {
        let rest = &sql[i + 5..];
        let end = rest
            .to_ascii_lowercase()
            .find(" where ")
            .unwrap_or(rest.len());
        let mut placeholder = 0;
        for part in rest[..end].split(',') {
            if let Some((col, val)) = part.split_once('=') {
                let is_param =
                    val.contains('?') || val.contains("%s") || val.trim_start().starts_with(':');
                if is_param {
                    out.push((col.trim().to_owned(), placeholder));
                    placeholder += 1;
                }
            }
        }
    }
    out
}

/// `SC150` on SQL writes: a secret column receives a value that was not hashed.
pub(crate) fn check_call(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    if !cx.enabled(&SC150) || cx.file.is_test {
        return;
    }
    let Some(first) = call.arguments.args.first() else {
        return;
    };
    // `query = f"INSERT ..."` then `execute(query)`: the statement bound to the name.
    let sql_expr = match first {
        Expr::Name(n) => cx
            .functions
            .last()
            .and_then(|f| {
                crate::facts::assigns_in(&f.body)
                    .into_iter()
                    .rev()
                    .find(|a| matches!(a.targets.as_slice(), [Expr::Name(t)] if t.id == n.id))
            })
            .map_or(first, |a| a.value.as_ref()),
        other => other,
    };
    // Any call handed a write statement runs it: `cursor.execute(...)`, a project's
    // `execute_query("UPDATE users SET password = %s ...", (pw, name))`.
    let Some(sql) = crate::ast_util::literal_text(sql_expr) else {
        return;
    };
    let lower = sql.trim_start().to_ascii_lowercase();
    if !(is_data_call(call) || lower.starts_with("insert") || lower.starts_with("update")) {
        return;
    }
    // Values written into the statement itself: `VALUES ('{username}', '{password}')`.
    if let Expr::FString(f) = sql_expr {
        // Where the statement runs, when it was built under a name above.
        let at: &Expr = if std::ptr::eq(sql_expr, first) {
            sql_expr
        } else {
            first
        };
        check_interpolated(cx, at, f);
        return;
    }
    let cols: Vec<(String, usize)> = written_columns(&sql)
        .into_iter()
        .filter(|(c, _)| secret_column(c))
        .collect();
    if cols.is_empty() {
        return;
    }
    let hashed = cx
        .functions
        .last()
        .map(|f| Taint::of_body(&f.body).flagged(|v| v.hashed))
        .unwrap_or_default();
    let params: Vec<&Expr> = match call.arguments.args.get(1) {
        Some(Expr::Tuple(t)) => t.elts.iter().collect(),
        Some(Expr::List(l)) => l.elts.iter().collect(),
        _ => Vec::new(),
    };
    for (col, index) in cols {
        let Some(value) = params.get(index) else {
            continue;
        };
        let is_hashed = crate::ast_util::any_expr(value, &mut |e| {
            matches!(e, Expr::Call(c) if is_hash_call(c))
                || matches!(e, Expr::Name(n) if hashed.contains(n.id.as_str()))
        });
        if !is_hashed && !matches!(value, Expr::NoneLiteral(_)) {
            cx.report(
                &SC150,
                sql_expr,
                format!(
                    "column `{}` stores a secret as it was received, not a hash of it",
                    col.trim()
                ),
            );
            return;
        }
    }
}

/// An f-string INSERT: each column's value is the interpolation in its position of the
/// `VALUES (...)` list.
fn check_interpolated(cx: &mut Checker<'_>, node: &Expr, f: &ast::ExprFString) {
    // The statement's text with each interpolation replaced by a marker `\u{1}N\u{1}`.
    let mut text = String::new();
    let mut values: Vec<&Expr> = Vec::new();
    for part in &f.value {
        match part {
            ast::FStringPart::Literal(l) => text.push_str(&l.value),
            ast::FStringPart::FString(fs) => {
                for e in &fs.elements {
                    match e {
                        ast::InterpolatedStringElement::Literal(l) => text.push_str(&l.value),
                        ast::InterpolatedStringElement::Interpolation(i) => {
                            let _ = write!(text, "\u{1}{}\u{1}", values.len());
                            values.push(&i.expression);
                        }
                    }
                }
            }
        }
    }
    let lower = text.to_ascii_lowercase();
    let (Some(ins), Some(val)) = (lower.find("insert"), lower.find("values")) else {
        return;
    };
    let list = |from: usize| -> Option<Vec<String>> {
        let open = from + text[from..].find('(')?;
        let close = open + text[open..].find(')')?;
        Some(
            text[open + 1..close]
                .split(',')
                .map(|c| c.trim().to_owned())
                .collect(),
        )
    };
    let (Some(cols), Some(vals)) = (list(ins), list(val)) else {
        return;
    };
    let hashed = cx
        .functions
        .last()
        .map(|func| Taint::of_body(&func.body).flagged(|v| v.hashed))
        .unwrap_or_default();
    for (col, v) in cols.iter().zip(&vals) {
        if !secret_column(col) {
            continue;
        }
        let index = v
            .split('\u{1}')
            .nth(1)
            .and_then(|n| n.parse::<usize>().ok());
        let Some(value) = index.and_then(|i| values.get(i)) else {
            continue;
        };
        let is_hashed = crate::ast_util::any_expr(value, &mut |e| {
            matches!(e, Expr::Call(c) if is_hash_call(c))
                || matches!(e, Expr::Name(n) if hashed.contains(n.id.as_str()))
        });
        if !is_hashed {
            cx.report(
                &SC150,
                node,
                format!("column `{col}` stores a secret as it was received, not a hash of it"),
            );
            return;
        }
    }
}

/// `SC150` on ORM assignments: `user.password = password` with no hashing.
pub(crate) fn check_assign(cx: &mut Checker<'_>, targets: &[Expr], value: &Expr) {
    if !cx.enabled(&SC150) || cx.file.is_test {
        return;
    }
    let Expr::Name(v) = value else { return };
    for t in targets {
        let Expr::Attribute(a) = t else { continue };
        let receiver = dotted(&a.value).unwrap_or_default();
        let attr = a.attr.as_str().to_ascii_lowercase();
        // In-memory objects hold tokens all the time (clients, sessions); only a
        // model's password attribute set from a raw password is storage.
        // Connections, clients and settings hold passwords to use them, not to store them.
        let model_like = matches!(a.value.as_ref(), Expr::Name(_))
            && !matches!(
                receiver.to_ascii_lowercase().as_str(),
                "self"
                    | "cls"
                    | "conn"
                    | "connection"
                    | "client"
                    | "session"
                    | "config"
                    | "settings"
                    | "cfg"
                    | "options"
                    | "opts"
                    | "args"
                    | "params"
                    | "creds"
                    | "credentials"
                    | "auth"
                    | "ldap"
                    | "smtp"
                    | "mail"
                    | "server"
                    | "manager"
                    | "engine"
                    | "request"
                    | "form"
                    | "data"
                    | "kwargs"
            );
        if !model_like || !matches!(attr.as_str(), "password" | "passwd" | "pwd") {
            continue;
        }
        // `password` is a property, synonym or validated column whose setter hashes.
        if cx.project.hashing_setters.contains(a.attr.as_str()) {
            continue;
        }
        let raw = v.id.as_str().to_ascii_lowercase();
        if !crate::patterns::is_password_like_name(&raw) || raw.contains("hash") {
            continue;
        }
        let hashed = cx
            .functions
            .last()
            .map(|f| Taint::of_body(&f.body).flagged(|x| x.hashed))
            .unwrap_or_default();
        if !hashed.contains(v.id.as_str()) {
            cx.report(
                &SC150,
                t,
                format!(
                    "`{receiver}.{}` is set to `{}` without hashing",
                    a.attr, v.id
                ),
            );
            return;
        }
    }
}

/// Calls that make a fresh random secret.
fn generates_secret(value: &Expr) -> bool {
    crate::ast_util::any_expr(value, &mut |e| {
        matches!(e, Expr::Call(c) if crate::ast_util::callee_last(c).is_some_and(|n| {
            matches!(
                n,
                "token_urlsafe" | "token_hex" | "token_bytes" | "uuid4" | "urandom" | "gen_salt"
                    | "get_random_string" | "randbits"
            )
        }))
    }) && !crate::ast_util::any_expr(
        value,
        &mut |e| matches!(e, Expr::Call(c) if is_hash_call(c)),
    )
}

/// A token or secret field of a model given a freshly generated value as is
/// (`user.confirmation_token = secrets.token_urlsafe()`, `Token(access_token=token_hex())`):
/// the table holds working credentials. Project-wide, because the model tells that the
/// attribute is a stored column.
pub(crate) fn check_generated(
    files: &[crate::project::SourceFile],
    models: &crate::data_models::DataModels,
    findings: &mut Vec<spillcheck_core::Finding>,
) {
    use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
    let stored = |field: &str| {
        let f = field.to_ascii_lowercase();
        spillcheck_core::vocab::is_sensitive_field(&f)
            && !f.contains("hash")
            && !f.contains("salt")
            && !f.contains("csrf")
            && models.is_field(&f)
    };
    struct V<'a, 'f> {
        file: &'a crate::project::SourceFile,
        out: Vec<(ruff_text_size::TextRange, String)>,
        stored: &'f dyn Fn(&str) -> bool,
    }
    impl<'a> Visitor<'a> for V<'a, '_> {
        fn visit_stmt(&mut self, stmt: &'a ruff_python_ast::Stmt) {
            if let ruff_python_ast::Stmt::Assign(a) = stmt
                && generates_secret(&a.value)
            {
                for t in &a.targets {
                    if let Expr::Attribute(at) = t
                        && (self.stored)(at.attr.as_str())
                    {
                        self.out
                            .push((ruff_text_size::Ranged::range(t), at.attr.to_string()));
                    }
                }
            }
            walk_stmt(self, stmt);
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(c) = expr
                && crate::ast_util::callee_last(c)
                    .is_some_and(|n| n.starts_with(|ch: char| ch.is_ascii_uppercase()))
            {
                for k in &c.arguments.keywords {
                    if let Some(arg) = &k.arg
                        && (self.stored)(arg.as_str())
                        && generates_secret(&k.value)
                    {
                        self.out
                            .push((ruff_text_size::Ranged::range(&k.value), arg.to_string()));
                    }
                }
            }
            walk_expr(self, expr);
        }
    }
    for file in files {
        if file.is_test {
            continue;
        }
        let Some(module) = file.module() else {
            continue;
        };
        let mut v = V {
            file,
            out: Vec::new(),
            stored: &stored,
        };
        for s in &module.body {
            v.visit_stmt(s);
        }
        let V { out, file, .. } = v;
        for (range, field) in out {
            findings.push(
                spillcheck_core::Finding::new(
                    &SC150,
                    format!("`{field}` is stored as it was generated: whoever reads the table (a backup, an injection) holds a working credential; store a hash and compare hashes"),
                )
                .at(file.location(range)),
            );
        }
    }
}
