//! `SC150` plaintext-secret-storage: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};
use std::fmt::Write as _;

declare_rule! {
    /// ## What it finds
    /// A password, API token or refresh token written to the database or a file as it was received or generated: `INSERT ... (password) VALUES (?)` with the raw password (also when the column list is built from a list, `', '.join(fields)`), `UPDATE ... SET pin = '{pin}'`, `user.api_token = token` or `user.password = request_data.get("password")` on a model column, a model built with it (`User(username=u, password=data["password"])`, when the class maps a table, has no `__init__` of its own and nothing hashes the attribute) (also the columns a library mixin declares: `client.client_secret = gen_salt(48)` on authlib's `OAuth2ClientMixin`), a token table keyed by the raw token, a model built on authlib's `OAuth2TokenMixin` (it saves access and refresh tokens as issued) that does not redefine `access_token`. The table itself is reported too, on the column's line of its `CREATE TABLE` (in a Python string or a `.sql` file), when some statement of the project writes that column unhashed or compares it in a `WHERE` with the value as received (`WHERE username = %s AND password = %s`: only a plaintext column can be compared that way); and a card security code column (`cvv`, `cvc`) always, since it must not be kept at all after authorization. A login that looks the user up by the password as typed (`User.query.filter_by(username=u, password=password)`, `.filter(User.password == form.password.data)`, `users.find_one({"password": p})`) proves the column holds it in clear. SQL built with f-strings, `.format()` or `%` is read like bound parameters. A one-time-password seed (`mfa_secret`, `otp_secret`) is not reported: the server must read it back to compute the codes. A password hashed with a fast digest for keeping or comparing with what is kept (`hashlib.sha256(password.encode()).hexdigest()` set on a model, handed to a model class or a database call, or compared with the stored value; `hashlib.new("md5", pw)`; Werkzeug's `generate_password_hash(pw, method="sha256")`) is reported once a function (CWE-916): a GPU tries billions of such digests a second; a digest sent to another service (a login protocol's) keeps nothing and is not. A password kept by a table of things, not of people (no account word in the table's name, no user name, e-mail or login column: pyLoad's `packages.password` for the archive), is `possible`: the app hands it on as typed and cannot hash it.
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
    /// A generated token given to a column whose type encrypts it at rest
    /// (`Column(StringEncryptedType(String(255), key=secret_key))`) is not reported.
    /// A stored password compared in Python with the one the client sent (`if user['password']
    /// == password_input:`, `current_user.password != form.old_password.data`) is reported too:
    /// only a password kept in clear can equal what was typed (a hash of what was sent, a
    /// configured password, also through a local read from the settings such as `admin_user =
    /// current_app.config.get("ADMIN_USER")`, two values the client sent are not). Password names are read in
    /// the languages apps are written in (`parola`, `passwort`, `contrasena`, `senha`).
    /// `user.password = raw` (and `user.password == raw`) is not reported when the model's
    /// `password` is a sqlalchemy-utils `PasswordType` or peewee `PasswordField` column, a property, a
    /// `hybrid_property`, a `synonym(..., descriptor=property(...))` (also one a `@declared_attr`
    /// method returns) or a `@validates` hook whose setter hashes or encrypts (`fernet.encrypt`:
    /// a password the app must use again, kept encrypted at rest), or a SQLAlchemy `before_insert`/`before_update` listener (`listen(User,
    /// "before_insert", fn)`, `@event.listens_for`) hashes it, itself or through a method of
    /// the row, wherever the model is defined; connections, clients and settings objects
    /// hold passwords to use them, not to store them. Writes in database migration scripts
    /// (`migrations/`, `alembic/`) seed or restore rows once and are `possible`. A token or secret column given a freshly
    /// generated value (`secrets.token_urlsafe()`) is stored as it was generated; a signing or
    /// encryption key (`app.secret_key = secrets.token_hex(32)`) is not reported: the server
    /// must read it back to sign. A `CREATE
    /// TABLE` with a `password TEXT` column is not reported by itself (hashes are text too):
    /// only with a raw write or a raw comparison of that table's column somewhere in the
    /// project, named in the message; so one weakness can give two findings, the write and the
    /// table, which are fixed together.
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
        cwe: &[312, 256, 916],
        owasp: &[OwaspApi::Api8],
        fix: "Store a hash of passwords (argon2, bcrypt, scrypt) and of API tokens (SHA-256 of a random token), never the value.",
    }
}

use spillcheck_core::Finding;
use ruff_python_ast::{self as ast, Expr};

use crate::ast_util::dotted;
use crate::checker::Checker;
use crate::project::{RawColumn, SourceFile, Summary};
use crate::facts::{is_data_call, is_hash_call};

fn secret_column(col: &str) -> bool {
    let c = col
        .trim()
        .trim_matches(|ch| ch == '"' || ch == '`' || ch == '[' || ch == ']')
        .to_ascii_lowercase();
    // Hashes and salts are kept on purpose; a one-time-password seed must be read back to
    // compute the codes, so it cannot be hashed (encrypting it at rest is another matter).
    spillcheck_core::vocab::is_sensitive_field(&c)
        && !c.contains("hash")
        && !c.contains("salt")
        && !one_time_password_seed(&c)
}

/// A password kept by a table of things, not of people (pyLoad's `packages.password`, the
/// archive's; a stored connection's): no account word in the table's name and no column
/// naming an account (`has_account`). The app must hand it on as it was typed, so it
/// cannot be hashed.
fn replayed_password(table: &str, column: &str, has_account: bool) -> bool {
    const PEOPLE: &[&str] = &[
        "user", "account", "member", "login", "admin", "person", "people", "customer",
        "employee", "staff", "profile", "credential", "auth", "identity", "player", "student",
        "patient", "owner", "operator", "subscriber", "client", "principal", "merchant",
    ];
    let table = table.to_ascii_lowercase();
    !has_account
        && crate::patterns::is_password_like_name(&column.to_ascii_lowercase())
        && !PEOPLE.iter().any(|w| table.contains(w))
}

/// A column that names an account: a user name, an e-mail, a login.
fn names_an_account(column: &str) -> bool {
    let c = column.to_ascii_lowercase();
    ["username", "user_name", "email", "login", "user_id", "userid", "nickname"]
        .iter()
        .any(|w| c.contains(w))
}

/// Why a replayed password is `possible`.
const REPLAYED: &str = "a password a table of things keeps (no account named in it): the app must hand it on as typed, so it cannot be hashed; encrypt it at rest instead";

/// `mfa_secret`, `otp_secret`, `totp_key`, `tf_totp_secret`, `two_factor_seed`.
fn one_time_password_seed(column: &str) -> bool {
    let words = crate::patterns::words(column);
    let one_time = words.iter().any(|w| {
        matches!(
            w.as_str(),
            "otp" | "totp" | "hotp" | "mfa" | "2fa" | "tfa" | "twofactor" | "authenticator"
        )
    }) || column.contains("two_factor");
    // The seed, not a PIN the user chose (`otp_pin` is a password).
    one_time
        && words
            .iter()
            .any(|w| matches!(w.as_str(), "secret" | "seed" | "key"))
}

/// The value a name was last given in the current function (`query = f"..."`), or the
/// expression itself.
fn bound<'a>(cx: &Checker<'a>, expr: &'a Expr) -> &'a Expr {
    let Expr::Name(n) = expr else { return expr };
    cx.functions
        .last()
        .and_then(|f| crate::facts::last_value_of(&crate::facts::assigns_in(&f.body), &n.id))
        .unwrap_or(expr)
}

/// A statement's text with each interpolation of an f-string, a `.format()` or a `%`
/// replaced by a marker `\u{1}N\u{1}`, and the interpolated expressions by N.
fn marked_text(expr: &Expr) -> Option<(String, Vec<&Expr>)> {
    match expr {
        Expr::StringLiteral(s) => Some((s.value.to_str().to_owned(), Vec::new())),
        Expr::FString(f) => {
            let mut values: Vec<&Expr> = Vec::new();
            let text = crate::ast_util::fstring_text(f, &mut |text, e| {
                let _ = write!(text, "\u{1}{}\u{1}", values.len());
                values.push(e);
            });
            Some((text, values))
        }
        // `"... '{}' ...".format(a, b)`, also `{0}` and `{name}` (keyword arguments).
        Expr::Call(c)
            if matches!(c.func.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "format"
                && matches!(a.value.as_ref(), Expr::StringLiteral(_))) =>
        {
            let Expr::Attribute(a) = c.func.as_ref() else { return None };
            let Expr::StringLiteral(lit) = a.value.as_ref() else { return None };
            let template = lit.value.to_str();
            let mut values: Vec<&Expr> = Vec::new();
            let mut text = String::with_capacity(template.len());
            let mut next = 0usize;
            let mut rest = template;
            while let Some(open) = rest.find('{') {
                text.push_str(&rest[..open]);
                if rest[open..].starts_with("{{") {
                    text.push('{');
                    rest = &rest[open + 2..];
                    continue;
                }
                let Some(close) = rest[open..].find('}') else {
                    text.push_str(&rest[open..]);
                    rest = "";
                    break;
                };
                let field = rest[open + 1..open + close].split([':', '!']).next().unwrap_or("");
                let value = if field.is_empty() {
                    next += 1;
                    c.arguments.args.get(next - 1)
                } else if let Ok(i) = field.parse::<usize>() {
                    c.arguments.args.get(i)
                } else {
                    c.arguments
                        .keywords
                        .iter()
                        .find(|k| k.arg.as_ref().is_some_and(|n| n.as_str() == field))
                        .map(|k| &k.value)
                };
                match value {
                    Some(v) => {
                        let _ = write!(text, "\u{1}{}\u{1}", values.len());
                        values.push(v);
                    }
                    None => text.push_str(&rest[open..=open + close]),
                }
                rest = &rest[open + close + 1..];
            }
            text.push_str(rest);
            Some((text, values))
        }
        // `"... '%s' ..." % (a, b)`: each conversion is an interpolation, not a bind
        // parameter.
        Expr::BinOp(b) if matches!(b.op, ast::Operator::Mod) => {
            let Expr::StringLiteral(lit) = b.left.as_ref() else { return None };
            let args: Vec<&Expr> = match b.right.as_ref() {
                Expr::Tuple(t) => t.elts.iter().collect(),
                Expr::Dict(_) => return None,
                other => vec![other],
            };
            let template = lit.value.to_str();
            let mut values: Vec<&Expr> = Vec::new();
            let mut text = String::with_capacity(template.len());
            let mut chars = template.char_indices().peekable();
            while let Some((_, ch)) = chars.next() {
                if ch != '%' {
                    text.push(ch);
                    continue;
                }
                match chars.peek().map(|(_, c)| *c) {
                    Some('%') => {
                        chars.next();
                        text.push('%');
                    }
                    Some(conv) if conv.is_ascii_alphabetic() => {
                        chars.next();
                        if let Some(v) = args.get(values.len()) {
                            let _ = write!(text, "\u{1}{}\u{1}", values.len());
                            values.push(v);
                        } else {
                            text.push('%');
                            text.push(conv);
                        }
                    }
                    _ => text.push('%'),
                }
            }
            Some((text, values))
        }
        _ => None,
    }
}

/// The marker's index when `text` is one interpolation (`{x}`, `'{x}'`).
fn marker(text: &str) -> Option<usize> {
    let t = text.trim().trim_matches(|c| c == '\'' || c == '"');
    t.strip_prefix('\u{1}')?.strip_suffix('\u{1}')?.parse().ok()
}

/// A bind parameter: `?`, `%s`, `:name`, `%(name)s`.
fn is_bind_parameter(text: &str) -> bool {
    let t = text.trim();
    t == "?" || t == "%s" || t.starts_with(':') || (t.starts_with("%(") && t.ends_with(")s"))
}

/// The name after `keyword` (`insert into users` → `users`), unquoted, lower-case.
fn table_after(lower: &str, keyword: &str) -> Option<String> {
    let at = lower.find(keyword)? + keyword.len();
    let name: String = lower[at..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '"' | '`' | '.' | '[' | ']'))
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
        .collect();
    let name = name.rsplit('.').next().unwrap_or_default().to_owned();
    (!name.is_empty()).then_some(name)
}

/// What a SQL statement does with values: the columns it writes or compares, each with
/// where its value comes from.
enum Slot {
    /// The N-th bind parameter of the statement.
    Param(usize),
    /// The N-th interpolation of the f-string.
    Interp(usize),
}

/// `INSERT INTO t (cols) VALUES (vals)`: each column with its value's slot. A column list
/// built from a list (`{', '.join(fields)}`) is read from that list's literal.
fn insert_slots<'a>(cx: &Checker<'a>, text: &str, values: &[&'a Expr]) -> Vec<(String, Slot)> {
    let lower = text.to_ascii_lowercase();
    let (Some(ins), Some(val)) = (lower.find("insert"), lower.find("values")) else {
        return Vec::new();
    };
    let list = |from: usize, to: usize| -> Option<Vec<String>> {
        let open = from + text[from..to].find('(')?;
        let close = open + text[open..].find(')')?;
        Some(
            text[open + 1..close]
                .split(',')
                .map(|c| c.trim().to_owned())
                .collect(),
        )
    };
    let (Some(mut cols), Some(vals)) = (list(ins, val), list(val, text.len())) else {
        return Vec::new();
    };
    // `({', '.join(fields)})` with `fields = ['username', 'password', ...]`.
    if let [only] = cols.as_slice()
        && let Some(i) = marker(only)
        && let Some(Expr::Call(join)) = values.get(i)
        && crate::ast_util::callee_last(join) == Some("join")
        && let Some(arg) = join.arguments.args.first()
        && let Expr::List(l) = bound(cx, arg)
    {
        cols = l
            .elts
            .iter()
            .filter_map(|e| crate::ast_util::str_value(e).map(str::to_owned))
            .collect();
    }
    // `VALUES ({', '.join(['%s'] * len(fields))})`: one bind parameter per column.
    let generated = matches!(vals.as_slice(), [only] if marker(only).is_some()) && cols.len() > 1;
    let mut param = 0;
    let mut out = Vec::new();
    for (n, col) in cols.into_iter().enumerate() {
        if generated {
            out.push((col, Slot::Param(n)));
            continue;
        }
        let Some(v) = vals.get(n) else { break };
        if let Some(i) = marker(v) {
            out.push((col, Slot::Interp(i)));
        } else if is_bind_parameter(v) {
            out.push((col, Slot::Param(param)));
            param += 1;
        }
    }
    out
}

/// `... SET col = ?, col2 = '{x}' WHERE ...` or `... WHERE col = ? AND ...`: the columns
/// assigned or compared in the clause that starts at `from`, in bind-parameter order.
fn equal_slots(text: &str, from: usize, until: Option<usize>) -> Vec<(String, Slot)> {
    let before = &text[..from];
    let mut param = before.matches('?').count() + before.matches("%s").count();
    let clause = &text[from..until.unwrap_or(text.len()).max(from)];
    let mut out = Vec::new();
    let lower = clause.to_ascii_lowercase();
    for part in lower.split([',', '\n']).flat_map(|p| p.split(" and ")) {
        let Some((col, val)) = part.split_once('=') else {
            param += part.matches('?').count() + part.matches("%s").count();
            continue;
        };
        let col = col
            .split_whitespace()
            .last()
            .unwrap_or_default()
            .rsplit('.')
            .next()
            .unwrap_or_default()
            .to_owned();
        let val = val.split_whitespace().next().unwrap_or_default();
        let val = val.trim_end_matches([')', ';']);
        if let Some(i) = marker(val) {
            out.push((col, Slot::Interp(i)));
        } else if is_bind_parameter(val) {
            out.push((col, Slot::Param(param)));
            param += 1;
        }
    }
    out
}

/// `SC150` on SQL statements: a secret column written with a value that was not hashed
/// is reported; one compared in a `WHERE` with a raw value is kept as evidence that its
/// table holds the secret in clear.
pub(crate) fn check_call<'a>(cx: &mut Checker<'a>, call: &'a ast::ExprCall) {
    check_lookup(cx, call);
    check_fast_hash(cx, call);
    check_construction(cx, call);
    let Some(first) = call.arguments.args.first() else {
        return;
    };
    // `query = f"INSERT ..."` then `execute(query)`: the statement bound to the name.
    let sql_expr = bound(cx, first);
    let Some((text, values)) = marked_text(sql_expr) else {
        return;
    };
    let lower = text.to_ascii_lowercase();
    let start = lower.trim_start();
    let (insert, update, select) = (
        start.starts_with("insert"),
        start.starts_with("update"),
        start.starts_with("select"),
    );
    // Any call handed a write statement runs it: `cursor.execute(...)`, a project's
    // `execute_query("UPDATE users SET password = %s ...", (pw, name))`.
    if !(is_data_call(call) || insert || update || select) {
        return;
    }
    let (table, slots, written) = if insert || (!update && !select && lower.contains("insert")) {
        (
            table_after(&lower, "into"),
            insert_slots(cx, &text, &values),
            true,
        )
    } else if update || lower.contains("update ") && lower.contains(" set ") {
        let set = lower.find(" set ").map_or(0, |i| i + 5);
        let end = lower[set..].find(" where ").map(|i| set + i);
        (
            table_after(&lower, "update"),
            equal_slots(&text, set, end),
            true,
        )
    } else if select && let Some(w) = lower.find(" where ") {
        (
            table_after(&lower, " from "),
            equal_slots(&text, w + 7, None),
            false,
        )
    } else {
        return;
    };
    // Every column the statement names (an INSERT's list, an UPDATE's SET and WHERE).
    let named: Vec<&str> = lower
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let has_account = named.iter().any(|w| names_an_account(w));
    let replayed = |col: &str| {
        table
            .as_deref()
            .is_some_and(|t| replayed_password(t, col, has_account))
    };
    let slots: Vec<(String, Slot)> = slots
        .into_iter()
        .filter(|(c, _)| secret_column(c))
        .collect();
    if slots.is_empty() {
        return;
    }
    let params: Vec<&Expr> = match call.arguments.args.get(1).map(|p| bound(cx, p)) {
        Some(Expr::Tuple(t)) => t.elts.iter().collect(),
        Some(Expr::List(l)) => l.elts.iter().collect(),
        _ => Vec::new(),
    };
    let hashed = cx
        .functions
        .last()
        .map(|f| cx.taints.of(f).flagged(|v| v.hashed))
        .unwrap_or_default();
    // Where the statement runs, when it was built under a name above.
    let at: &Expr = if matches!(sql_expr, Expr::FString(_)) {
        first
    } else {
        sql_expr
    };
    let mut reported = false;
    for (col, slot) in slots {
        let value = match slot {
            Slot::Param(i) => params.get(i),
            Slot::Interp(i) => values.get(i),
        };
        let Some(value) = value else { continue };
        let is_hashed = crate::ast_util::any_expr(value, &mut |e| {
            matches!(e, Expr::Call(c) if is_hash_call(c))
                || matches!(e, Expr::Name(n) if hashed.contains(n.id.as_str()))
        });
        // Nothing stored yet: `None`, or an empty text a later step fills (with a hash); or
        // a hash written as a literal (`"pbkdf2:sha256:…"`, `"$2b$12$…"`).
        let literal_hash = crate::ast_util::str_value(value).is_some_and(|v| {
            v.starts_with('$')
                || ["pbkdf2:", "scrypt:", "argon2", "sha256$", "sha1$", "md5$", "bcrypt$"]
                    .iter()
                    .any(|p| v.starts_with(p))
        });
        if is_hashed
            || literal_hash
            || matches!(value, Expr::NoneLiteral(_))
            || matches!(value, Expr::StringLiteral(l) if l.value.to_str().is_empty())
        {
            continue;
        }
        let column = col
            .trim()
            .trim_matches(|ch| ch == '"' || ch == '`' || ch == '[' || ch == ']')
            .to_ascii_lowercase();
        if let Some(table) = &table {
            cx.raw_columns.push(RawColumn {
                table: table.clone(),
                column: column.clone(),
                line: cx.file.line_of(ruff_text_size::Ranged::range(at).start()),
                written,
            });
        }
        if written && !reported {
            reported = true;
            let f = cx.report(
                &SC150,
                at,
                format!("column `{column}` stores a secret as it was received, not a hash of it"),
            );
            if replayed(&column) {
                f.lower_to_possible(REPLAYED);
            }
        }
    }
}

/// A column that holds a password itself (`password`, `user_pwd`), not a hash or a token.
fn password_column(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    crate::patterns::is_password_like_name(&lower)
        && crate::patterns::words(&lower)
            .iter()
            .any(|w| crate::patterns::is_password_word(w))
        && !["hash", "digest", "salt", "reset", "token", "crypt", "expir", "policy", "length"]
            .iter()
            .any(|w| lower.contains(w))
}

/// Roots of attribute chains that carry what the client sent (`form.password.data`,
/// `args.password`, `body.password`), not a stored row (`user.password`).
fn sent_root(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "form" | "args" | "body" | "payload" | "data" | "params" | "credentials" | "creds"
            | "req" | "login" | "login_form" | "login_data" | "json_data" | "request"
    )
}

/// A local named for a password (`password`, `new_pwd`, not `password_hash`) that the
/// current function does not hash.
fn unhashed_password_local(cx: &Checker<'_>, name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (crate::patterns::is_password_like_name(&lower)
        || crate::patterns::words(&lower)
            .iter()
            .any(|w| crate::patterns::is_password_word(w)))
        && !lower.contains("hash")
        && !cx
            .functions
            .last()
            .is_some_and(|f| cx.taints.of(f).flagged(|x| x.hashed).contains(name))
}

/// The password as the client sent it, unhashed: a local named for a password that the
/// function does not hash, the request's field (`request.form["password"]`, a body read
/// into a local), a form field (`form.password.data`). What it is called, for the message.
fn raw_password(cx: &Checker<'_>, value: &Expr) -> Option<String> {
    if crate::ast_util::any_expr(value, &mut |e| matches!(e, Expr::Call(c) if is_hash_call(c)))
    {
        return None;
    }
    match value {
        Expr::Name(n) => unhashed_password_local(cx, n.id.as_str()).then(|| format!("`{}`", n.id)),
        Expr::Attribute(_) => {
            let path = dotted(value)?;
            let parts: Vec<&str> = path.split('.').collect();
            let root_sent = sent_root(parts[0]);
            let wtforms = parts.len() >= 3 && parts[parts.len() - 1] == "data";
            let named = parts[1..]
                .iter()
                .any(|p| crate::patterns::is_password_like_name(&p.to_ascii_lowercase()));
            (named && (root_sent || wtforms) && !path.to_ascii_lowercase().contains("hash"))
                .then(|| format!("`{path}`"))
        }
        _ => read_password_field(value)
            .filter(|_| from_the_request(cx, value))
            .map(|key| format!("the request's `{key}`")),
    }
}

/// The model a query runs on: `User.query.filter_by(...)`, `db.session.query(User)...`,
/// `select(User).where(...)`, `User.select().where(...)`.
fn queried_model(call: &ast::ExprCall) -> Option<String> {
    let mut at = call.func.as_ref();
    loop {
        match at {
            Expr::Attribute(a) => at = a.value.as_ref(),
            Expr::Call(c) => {
                if let Some(Expr::Name(n)) = c.arguments.args.first()
                    && n.id.chars().next().is_some_and(char::is_uppercase)
                {
                    return Some(n.id.to_string());
                }
                at = c.func.as_ref();
            }
            Expr::Name(n) if n.id.chars().next().is_some_and(char::is_uppercase) => {
                return Some(n.id.to_string());
            }
            _ => return None,
        }
    }
}

/// `SC150` on a lookup by the password as received: `User.query.filter_by(username=u,
/// password=password)`, `.filter(User.password == form.password.data)`,
/// `users.find_one({"username": u, "password": p})`. Only a column that holds the password
/// itself can match the value the client typed.
fn check_lookup(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    let Some(name) = crate::ast_util::callee_last(call) else {
        return;
    };
    let mut hits: Vec<(String, String)> = Vec::new();
    match name {
        "filter_by" | "get_or_none" | "objects" => {
            for kw in &call.arguments.keywords {
                if let Some(arg) = &kw.arg
                    && password_column(arg.as_str())
                    && let Some(raw) = raw_password(cx, &kw.value)
                {
                    hits.push((arg.to_string(), raw));
                }
            }
        }
        "filter" | "where" | "get" => {
            let cx_ref: &Checker<'_> = cx;
            for arg in &call.arguments.args {
                crate::ast_util::any_expr(arg, &mut |e| {
                    let Expr::Compare(c) = e else { return false };
                    let (Some(ast::CmpOp::Eq), Some(right)) = (c.ops.first(), c.comparators.first())
                    else {
                        return false;
                    };
                    for (column, value) in [(c.left.as_ref(), right), (right, c.left.as_ref())] {
                        if let Expr::Attribute(a) = column
                            && matches!(a.value.as_ref(), Expr::Name(m) if m.id.chars().next().is_some_and(char::is_uppercase))
                            && password_column(a.attr.as_str())
                            && let Some(raw) = raw_password(cx_ref, value)
                        {
                            hits.push((a.attr.to_string(), raw));
                        }
                    }
                    false
                });
            }
        }
        "find_one" | "find" | "count_documents" => {
            if let Some(Expr::Dict(d)) = call.arguments.args.first() {
                for item in &d.items {
                    if let Some(key) = item.key.as_ref().and_then(crate::ast_util::str_value)
                        && password_column(key)
                        && let Some(raw) = raw_password(cx, &item.value)
                    {
                        hits.push((key.to_owned(), raw));
                    }
                }
            }
        }
        _ => return,
    }
    let Some((column, raw)) = hits.into_iter().next() else {
        return;
    };
    let what = queried_model(call).map_or_else(|| "records".to_owned(), |m| format!("`{m}`"));
    let message = format!(
        "{what} looked up by `{column}` equal to {raw} as the client sent it: the column holds passwords in clear"
    );
    report_password_write(cx, call, &column, message);
}

/// A stored record's password read back to be compared: `user['password']`,
/// `row.get('pwd')`, `user.password` (not the request's, a form's or the settings').
/// Its column name.
fn stored_password<'e>(cx: &Checker<'_>, e: &'e Expr) -> Option<&'e str> {
    let (receiver, column) = match e {
        Expr::Subscript(sub) => (sub.value.as_ref(), crate::ast_util::str_value(&sub.slice)?),
        Expr::Call(c) => match c.func.as_ref() {
            Expr::Attribute(a) if a.attr.as_str() == "get" => (
                a.value.as_ref(),
                c.arguments.args.first().and_then(crate::ast_util::str_value)?,
            ),
            _ => return None,
        },
        Expr::Attribute(a) => (a.value.as_ref(), a.attr.as_str()),
        _ => return None,
    };
    let Expr::Name(n) = receiver else { return None };
    let name = n.id.as_str();
    // Settings, not rows: `Config.ADMIN_PASSWORD`, `env["ADMIN_PASSWORD"]`, `conf.password`.
    let lower = name.to_ascii_lowercase();
    // Also a local the function reads from the settings (`admin_user =
    // current_app.config.get("ADMIN_USER")`): the operator's one configured password.
    let from_settings = || {
        cx.values_of_local(name).into_iter().any(|v| {
            crate::ast_util::any_expr(v, &mut |x| {
                crate::ast_util::dotted(x).is_some_and(|d| {
                    let last = d.rsplit('.').next().unwrap_or(&d).to_ascii_lowercase();
                    // `c = CONF["basicAuth"]`, `app_settings.auth`, `os.environ`.
                    matches!(last.as_str(), "environ" | "getenv")
                        || last.contains("conf")
                        || last.contains("setting")
                })
            })
        })
    };
    let settings = column.chars().all(|c| !c.is_ascii_lowercase())
        || name.chars().next().is_some_and(char::is_uppercase)
        || ["conf", "setting", "env", "option"].iter().any(|w| lower.contains(w))
        || from_settings();
    (password_column(column)
        && !settings
        && !sent_root(name)
        && !uses_its_password(name)
        && !crate::patterns::is_password_like_name(&name.to_ascii_lowercase())
        && !from_the_request(cx, e))
    .then_some(column)
}

/// `SC150` on a stored password compared with the one the client sent
/// (`if user['password'] == password:`, `user.password != form.password.data`): only a
/// password kept in clear can equal what was typed.
pub(crate) fn check_compare(cx: &mut Checker<'_>, test: &Expr) {
    let mut hit: Option<(ruff_text_size::TextRange, String, String, bool)> = None;
    let cx_ref: &Checker<'_> = cx;
    crate::ast_util::any_expr(test, &mut |e| {
        let Expr::Compare(c) = e else { return false };
        let (Some(op), Some(right)) = (c.ops.first(), c.comparators.first()) else {
            return false;
        };
        if !matches!(op, ast::CmpOp::Eq | ast::CmpOp::NotEq) {
            return false;
        }
        for (stored, sent) in [(c.left.as_ref(), right), (right, c.left.as_ref())] {
            if let Some(column) = stored_password(cx_ref, stored)
                && let Some(raw) = raw_password(cx_ref, sent)
            {
                let shown = crate::ast_util::dotted(stored)
                    .unwrap_or_else(|| format!("the record's `{column}`"));
                let attribute = matches!(stored, Expr::Attribute(_));
                hit = Some((
                    ruff_text_size::Ranged::range(c),
                    column.to_owned(),
                    format!(
                        "{} is compared with {raw} as the client sent it: the stored password is kept in clear",
                        if shown.starts_with("the record") { shown } else { format!("`{shown}`") }
                    ),
                    attribute,
                ));
                return true;
            }
        }
        false
    });
    let Some((range, column, message, attribute)) = hit else {
        return;
    };
    if attribute {
        // `user.password == password` hashes first where the model's setter or column
        // type hashes (`PasswordType` compares hashes).
        report_password_write(cx, &range, &column, message);
    } else {
        cx.report(&SC150, &range, message);
    }
}

/// `SC150` on ORM assignments: `user.password = password` with no hashing.
/// SC150 on a model's password attribute set unhashed, unless `password` turns out to be
/// a property, synonym or validated column whose setter hashes (known once the project's
/// models are read).
fn report_password_write(
    cx: &mut Checker<'_>,
    target: &impl ruff_text_size::Ranged,
    attr: &str,
    message: String,
) {
    cx.report(&SC150, target, message);
    let index = cx.findings.len() - 1;
    cx.deferred.push((
        index,
        crate::project::Deferred::UnlessHashingSetter(attr.to_owned()),
    ));
}

/// Objects that hold a password to use it, not to store it: a connection, a client, the
/// settings, the request's own data.
fn uses_its_password(receiver: &str) -> bool {
    matches!(
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
    )
}

/// A password read straight from a mapping (`request_data.get("password")`,
/// `request.json["new_password"]`): the value as the client sent it.
fn read_password_field(value: &Expr) -> Option<&str> {
    let key = match value {
        Expr::Call(c)
            if matches!(c.func.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "get") =>
        {
            c.arguments.args.first().and_then(crate::ast_util::str_value)
        }
        Expr::Subscript(s) => crate::ast_util::str_value(&s.slice),
        _ => None,
    }?;
    let lower = key.to_ascii_lowercase();
    (crate::patterns::is_password_like_name(&lower) && !lower.contains("hash")).then_some(key)
}

/// Whether `value`'s mapping is the request's body or form: `request.json[...]`,
/// `request.form.get(...)`, or a local bound to one (`data = request.get_json()`).
fn from_the_request(cx: &Checker<'_>, value: &Expr) -> bool {
    let mapping = match value {
        Expr::Call(c) => match c.func.as_ref() {
            Expr::Attribute(a) => a.value.as_ref(),
            _ => return false,
        },
        Expr::Subscript(s) => s.value.as_ref(),
        _ => return false,
    };
    let mentions_request = |e: &Expr| {
        crate::ast_util::any_expr(e, &mut |x| crate::recognizers::is_request_object(x))
    };
    if mentions_request(mapping) {
        return true;
    }
    let Expr::Name(n) = mapping else { return false };
    cx.values_of_local(n.id.as_str())
        .into_iter()
        .any(mentions_request)
}

/// Where a password stored as it was comes from.
enum Sent<'a> {
    /// The request's own field (`request_data.get("password")`).
    Request(&'a str),
    /// A local named for a password and not hashed in the function (`password`).
    Local(&'a str),
}

pub(crate) fn check_assign(cx: &mut Checker<'_>, targets: &[Expr], value: &Expr) {
    let sent = if let Some(key) = read_password_field(value).filter(|_| from_the_request(cx, value))
    {
        Sent::Request(key)
    } else if let Expr::Name(v) = value
        && unhashed_password_local(cx, v.id.as_str())
    {
        Sent::Local(v.id.as_str())
    } else {
        return;
    };
    for t in targets {
        let Expr::Attribute(a) = t else { continue };
        // In-memory objects hold tokens all the time (clients, sessions); only a model's
        // password attribute is storage. Connections, clients and settings hold passwords
        // to use them, not to store them.
        let Expr::Name(receiver) = a.value.as_ref() else {
            continue;
        };
        // `self.password = password` in a class that maps a table is the stored column.
        let a_model_itself = receiver.id.as_str() == "self"
            && cx
                .classes
                .last()
                .is_some_and(|c| crate::data_models::maps_a_table(c));
        if uses_its_password(receiver.id.as_str()) && !a_model_itself
            || !matches!(
                a.attr.as_str().to_ascii_lowercase().as_str(),
                "password" | "passwd" | "pwd"
            )
        {
            continue;
        }
        let message = match sent {
            Sent::Request(key) => format!(
                "`{}.{}` is set to the request's `{key}` as it was sent, without hashing",
                receiver.id, a.attr
            ),
            Sent::Local(v) => format!(
                "`{}.{}` is set to `{v}` without hashing",
                receiver.id, a.attr
            ),
        };
        report_password_write(cx, t, a.attr.as_str(), message);
        // A model's constructor stores what it is given: a hash, when every construction of
        // the class passes one (`User(email, hashpw(pw))`).
        if a_model_itself
            && let Sent::Local(v) = sent
            && let (Some(func), Some(class)) = (cx.functions.last(), cx.classes.last())
            && func.name.as_str() == "__init__"
            && let Some(position) = func
                .parameters
                .args
                .iter()
                .skip(1)
                .position(|p| p.parameter.name.as_str() == v)
        {
            let index = cx.findings.len() - 1;
            cx.deferred.push((
                index,
                crate::project::Deferred::UnlessConstructedHashed {
                    class: class.name.to_string(),
                    position,
                    param: v.to_owned(),
                    attr: a.attr.to_string(),
                },
            ));
        }
        return;
    }
}

/// A model built with the password as it was sent: `User(username=u,
/// password=data["password"])`, `User(password=password)` with an unhashed local. Kept once
/// every file is read, when the class maps a table without an `__init__` of its own (which
/// could hash) and no setter, listener or hook of the project hashes the attribute.
fn check_construction(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    let Expr::Name(class) = call.func.as_ref() else {
        return;
    };
    if !class.id.chars().next().is_some_and(char::is_uppercase) {
        return;
    }
    for k in &*call.arguments.keywords {
        let Some(arg) = &k.arg else { continue };
        if !matches!(
            arg.as_str().to_ascii_lowercase().as_str(),
            "password" | "passwd" | "pwd"
        ) {
            continue;
        }
        let value = &k.value;
        let sent = if let Some(key) =
            read_password_field(value).filter(|_| from_the_request(cx, value))
        {
            format!("the request's `{key}` as it was sent")
        } else if let Expr::Name(v) = value
            && unhashed_password_local(cx, v.id.as_str())
        {
            format!("`{}`", v.id)
        } else {
            continue;
        };
        let has_account = call
            .arguments
            .keywords
            .iter()
            .any(|k| k.arg.as_ref().is_some_and(|a| names_an_account(a.as_str())));
        let f = cx.report(
            &SC150,
            k,
            format!("`{}({arg}=...)` stores {sent}, without hashing", class.id),
        );
        if replayed_password(class.id.as_str(), arg.as_str(), has_account) {
            f.lower_to_possible(REPLAYED);
        }
        let index = cx.findings.len() - 1;
        cx.deferred.push((
            index,
            crate::project::Deferred::OnlyPlainModel {
                class: class.id.to_string(),
                attr: arg.to_string(),
            },
        ));
        return;
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

/// A key the server signs or encrypts with (`app.secret_key = secrets.token_hex(32)`,
/// `GeneratedSecrets(secret_key=token_hex())`): it must be read back to sign, so it cannot
/// be kept as a hash.
fn signing_key(field: &str) -> bool {
    ["secret_key", "signing_key", "encryption_key", "jwt_secret", "jwt_key", "hmac_key"]
        .iter()
        .any(|k| field.ends_with(k))
}

/// A token or secret field given a freshly generated value as is in this file
/// (`user.confirmation_token = secrets.token_urlsafe()`, `Token(access_token=token_hex())`),
/// kept for [`check_generated`], which knows the project's models.
fn gather_generated(file: &SourceFile, module: &ast::ModModule, summary: &mut Summary) {
    use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
    // What could be a stored secret; the models settle whether it is a column.
    let secret = |field: &str| {
        let f = field.to_ascii_lowercase();
        spillcheck_core::vocab::is_sensitive_field(&f)
            && !f.contains("hash")
            && !f.contains("salt")
            && !f.contains("csrf")
            && !signing_key(&f)
    };
    struct V<'a, 'f> {
        file: &'a SourceFile,
        out: &'a mut Vec<(Option<String>, spillcheck_core::Location, String)>,
        secret: &'f dyn Fn(&str) -> bool,
    }
    impl<'a> Visitor<'a> for V<'_, '_> {
        fn visit_stmt(&mut self, stmt: &'a ruff_python_ast::Stmt) {
            // authlib's token model stores every access and refresh token as issued
            // (its `save_token` writes the values it is given).
            if let ruff_python_ast::Stmt::ClassDef(class) = stmt
                && class.arguments.iter().flat_map(|a| a.args.iter()).any(|b| {
                    dotted(b).is_some_and(|d| d.rsplit('.').next() == Some("OAuth2TokenMixin"))
                })
                && !class.body.iter().any(|s| {
                    matches!(s, ruff_python_ast::Stmt::Assign(a) if a.targets.iter().any(|t| {
                        matches!(t, Expr::Name(n) if n.id.as_str() == "access_token")
                    }))
                })
            {
                self.out.push((
                    None,
                    self.file.location(class.name.range),
                    format!("`{}` (authlib's `OAuth2TokenMixin`) stores every access and refresh token as issued: whoever reads the table (a backup, an injection) holds working tokens; store hashes (override `save_token` and the token lookups)", class.name),
                ));
            }
            if let ruff_python_ast::Stmt::Assign(a) = stmt
                && generates_secret(&a.value)
            {
                for t in &a.targets {
                    if let Expr::Attribute(at) = t
                        && (self.secret)(at.attr.as_str())
                    {
                        self.out.push((
                            Some(at.attr.to_string()),
                            self.file.at(t),
                            generated(&at.attr),
                        ));
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
                        && (self.secret)(arg.as_str())
                        && generates_secret(&k.value)
                    {
                        self.out.push((
                            Some(arg.to_string()),
                            self.file.at(&k.value),
                            generated(arg),
                        ));
                    }
                }
            }
            walk_expr(self, expr);
        }
    }
    let mut v = V {
        file,
        out: &mut summary.stored_secrets,
        secret: &secret,
    };
    for s in &module.body {
        v.visit_stmt(s);
    }
}

/// A token or secret field of a model given a freshly generated value as is: the table
/// holds working credentials. Project-wide, because the model tells that the attribute is
/// a stored column.
fn check_generated(
    summary: &Summary,
    models: &crate::data_models::DataModels,
    findings: &mut Vec<spillcheck_core::Finding>,
) {
    for (field, at, message) in &summary.stored_secrets {
        // A column that encrypts what it is given (`StringEncryptedType(String, key)`)
        // keeps no working credential in the table.
        if field.as_ref().is_none_or(|f| {
            let f = f.to_ascii_lowercase();
            models.is_field(&f) && !models.is_encrypted(&f)
        }) {
            findings.push(spillcheck_core::Finding::new(&SC150, message.clone()).at(at.clone()));
        }
    }
}

/// The message for a secret field given a freshly generated value.
fn generated(field: &str) -> String {
    format!(
        "`{field}` is stored as it was generated: whoever reads the table (a backup, an injection) holds a working credential; store a hash and compare hashes"
    )
}

/// Card security codes: storing them at all after authorization is what PCI DSS forbids,
/// whatever the code does with them.
fn is_card_code(column: &str) -> bool {
    matches!(
        spillcheck_core::vocab::normalize(column).as_str(),
        "cvv" | "cvv2" | "cvc" | "cvc2" | "csc" | "cardsecuritycode" | "securitycode"
    )
}

/// The secret columns of `CREATE TABLE` statements in the file's string literals (those a
/// project write may prove stored raw, and card security codes), for [`check_tables`].
fn gather_tables(file: &SourceFile, module: &ast::ModModule, summary: &mut Summary) {
    use ruff_python_ast::visitor::{Visitor, walk_expr};
    struct Literals<'a> {
        out: Vec<&'a ast::ExprStringLiteral>,
    }
    impl<'a> Visitor<'a> for Literals<'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::StringLiteral(s) = expr {
                let v = s.value.to_str();
                if v.len() > 12 && v.to_ascii_lowercase().contains("create table") {
                    self.out.push(s);
                }
            }
            walk_expr(self, expr);
        }
    }
    let mut v = Literals { out: Vec::new() };
    v.visit_body(&module.body);
    for lit in v.out {
        // The literal as written, escapes blanked to the same length, so offsets point
        // into the file.
        let range = ruff_text_size::Ranged::range(lit);
        let start = usize::from(range.start());
        let source = &file.text[start..usize::from(range.end())];
        let cleaned = source
            .replace("\\n", "  ")
            .replace("\\t", "  ")
            .replace("\\r", "  ");
        for table in crate::data_models::ddl_tables(&cleaned) {
            if table.columns.iter().any(|(c, _)| names_an_account(c)) {
                summary.ddl_people.push(table.name.clone());
            }
            for (column, at) in table.columns {
                if is_card_code(&column) || secret_column(&column) {
                    let at = ruff_text_size::TextSize::try_from(start + at).unwrap_or_default();
                    let location = file.location(ruff_text_size::TextRange::empty(at));
                    summary
                        .ddl_columns
                        .push((table.name.clone(), column, location));
                }
            }
        }
    }
}

/// `SC150` on table definitions: a secret column of a `CREATE TABLE` (in a Python string
/// or a `.sql` file) that the project writes, or compares in a `WHERE`, with the raw value
/// somewhere (`raw`: the file index and the evidence), or a card security code column.
/// Reported once per column, on its definition, with the evidence.
fn check_tables(cx: &crate::project::Project<'_>, findings: &mut Vec<spillcheck_core::Finding>) {
    let evidence = |table: &str, column: &str| -> Option<String> {
        let same = |r: &RawColumn| {
            r.column == column
                && crate::facts::model_key(&r.table) == crate::facts::model_key(table)
        };
        // A write is the better evidence; a comparison proves the same thing.
        let hit = cx
            .raw_columns
            .iter()
            .filter(|(_, r)| same(r))
            .min_by_key(|(_, r)| !r.written)?;
        let (i, r) = hit;
        let verb = if r.written {
            "is written unhashed"
        } else {
            "is compared in SQL with the value as received"
        };
        Some(format!("{verb} at {}:{}", cx.files[*i].rel, r.line))
    };
    let mut check = |table: &str, column: &str, has_account: bool, at: spillcheck_core::Location| {
        let card_code = is_card_code(column);
        if !card_code && !secret_column(column) {
            return;
        }
        let card = card_code || spillcheck_core::vocab::normalize(column).contains("card");
        let why = match evidence(table, column) {
            Some(e) => format!(
                "column `{table}.{column}` holds secrets in clear: it {e}; {}",
                if card {
                    "keep the processor's token or the last four digits instead"
                } else {
                    "store a hash and compare hashes"
                }
            ),
            None if card_code => format!(
                "column `{table}.{column}` stores card security codes, which must not be kept after authorization (PCI DSS 3.3.1)"
            ),
            None => return,
        };
        let mut finding = spillcheck_core::Finding::new(&SC150, why).at(at);
        // Compared in SQL with the value typed: a password checked at a login, a person's.
        let checked = cx.raw_columns.iter().any(|(_, r)| {
            !r.written
                && r.column == column
                && crate::facts::model_key(&r.table) == crate::facts::model_key(table)
        });
        if !card && !checked && replayed_password(table, column, has_account) {
            finding.lower_to_possible(REPLAYED);
        }
        findings.push(finding);
    };
    for (rel, text) in cx.sql_files {
        for table in crate::data_models::ddl_tables(text) {
            let has_account = table.columns.iter().any(|(c, _)| names_an_account(c));
            for (column, at) in &table.columns {
                let line =
                    u32::try_from(text[..*at].matches('\n').count() + 1).unwrap_or(u32::MAX);
                check(
                    &table.name,
                    column,
                    has_account,
                    spillcheck_core::Location {
                        path: rel.clone(),
                        line,
                        column: 1,
                        end_line: None,
                        end_column: None,
                        snippet: Some(spillcheck_core::Snippet::from_source(text, line, 2)),
                    },
                );
            }
        }
    }
    for (table, column, at) in &cx.summary.ddl_columns {
        let has_account = cx.summary.ddl_people.contains(table);
        check(table, column, has_account, at.clone());
    }
}

/// A password hashed with a fast digest for keeping or comparing with what is kept:
/// `hashlib.sha256(password.encode()).hexdigest()` stored in a column, passed to a model,
/// compared with the stored hash; `hashlib.new("md5", pw)`; Werkzeug's
/// `generate_password_hash(pw, method="sha256")` (one salted round in Werkzeug < 2.3, and
/// `"plain"` keeps it as typed). A GPU tries billions of such digests a second: a leaked
/// table gives up most passwords in hours. A digest sent elsewhere (an API's signature
/// scheme) keeps nothing and is not reported. Once a function.
fn check_fast_hash(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    const FAST: &[&str] = &[
        "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256", "sha3_512", "blake2b",
        "blake2s",
    ];
    let Some(name) = crate::ast_util::callee(call) else {
        return;
    };
    let last = name.rsplit('.').next().unwrap_or(&name).to_ascii_lowercase();
    let hashlib = name.starts_with("hashlib.")
        || !name.contains('.') && cx.file.text.contains("from hashlib import");
    let what = if hashlib && FAST.contains(&last.as_str()) {
        format!("`{name}`")
    } else if hashlib
        && last == "new"
        && call
            .arguments
            .args
            .first()
            .and_then(crate::ast_util::str_value)
            .is_some_and(|a| FAST.contains(&a.to_ascii_lowercase().as_str()))
    {
        format!(
            "`hashlib.new(\"{}\")`",
            call.arguments.args.first().and_then(crate::ast_util::str_value).unwrap_or_default()
        )
    } else if last == "generate_password_hash"
        && let Some(method) = call
            .arguments
            .find_keyword("method")
            .map(|k| &k.value)
            .or_else(|| call.arguments.args.get(1))
            .and_then(crate::ast_util::str_value)
        && !method.starts_with("pbkdf2")
        && !method.starts_with("scrypt")
    {
        format!("`generate_password_hash(..., method=\"{method}\")`")
    } else {
        return;
    };
    // What is hashed is a password.
    let mut password = false;
    for a in call
        .arguments
        .args
        .iter()
        .skip(usize::from(last == "new"))
        .take(1)
    {
        crate::ast_util::each_expr(a, &mut |e| {
            let n = match e {
                Expr::Name(n) => n.id.as_str(),
                Expr::Attribute(at) => at.attr.as_str(),
                Expr::Subscript(sub) => crate::ast_util::str_value(&sub.slice).unwrap_or_default(),
                _ => "",
            };
            if crate::patterns::words(n)
                .iter()
                .any(|w| crate::patterns::is_password_word(w))
            {
                password = true;
            }
        });
    }
    if !password {
        return;
    }
    let Some(func) = cx.functions.last() else {
        return;
    };
    if !kept_or_compared(&func.body, ruff_text_size::Ranged::range(call)) {
        return;
    }
    let here = func.name.to_string();
    if cx.findings.iter().any(|f| {
        f.rule_id == SC150.id && f.message.contains("fast digest") && f.message.contains(&here)
    }) {
        return;
    }
    cx.report(
        &SC150,
        call,
        format!(
            "`{here}` hashes a password with {what}, a fast digest: a leaked table gives up most passwords to a GPU in hours; use bcrypt, argon2 or `generate_password_hash()` with its default method"
        ),
    );
}

/// Whether the digest at `at` (or the local it is assigned to) is kept or compared in
/// `body`: compared (`==`, `!=`, `compare_digest`), set on an attribute, handed to
/// a class (`User(name, digest)`) or to a database call (`execute`, `insert_one`), as the
/// value itself (a tuple of parameters is looked into). A login sent to another service
/// (`api.login(password=digest)`, `requests.post(params={...})`) keeps nothing.
fn kept_or_compared(body: &[ast::Stmt], at: ruff_text_size::TextRange) -> bool {
    use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
    use ruff_text_size::Ranged;
    /// The digest itself, or what its methods make of it (`.hexdigest()`, `.upper()`).
    fn is_digest(e: &Expr, at: ruff_text_size::TextRange) -> bool {
        e.range() == at
            || match e {
                Expr::Call(c) => {
                    matches!(c.func.as_ref(), Expr::Attribute(a) if is_digest(&a.value, at))
                }
                Expr::Attribute(a) => is_digest(&a.value, at),
                _ => false,
            }
    }
    struct V<'a> {
        at: ruff_text_size::TextRange,
        locals: Vec<String>,
        /// The values in a keeping or comparing position.
        kept: Vec<&'a Expr>,
    }
    impl<'a> V<'a> {
        fn keep(&mut self, e: &'a Expr) {
            match e {
                Expr::Tuple(t) => t.elts.iter().for_each(|x| self.keep(x)),
                Expr::List(l) => l.elts.iter().for_each(|x| self.keep(x)),
                // `row.update({"password": digest})`.
                Expr::Dict(d) => d.items.iter().for_each(|i| self.keep(&i.value)),
                other => self.kept.push(other),
            }
        }
    }
    impl<'a> Visitor<'a> for V<'a> {
        fn visit_stmt(&mut self, stmt: &'a ast::Stmt) {
            if let ast::Stmt::Assign(a) = stmt {
                for t in &a.targets {
                    match t {
                        Expr::Name(n) if is_digest(&a.value, self.at) => {
                            self.locals.push(n.id.to_string());
                        }
                        // `user.password_hash = digest`. Not a key of a dict: a client
                        // keeps the digest it logs in to another service with there.
                        Expr::Attribute(_) => self.keep(&a.value),
                        _ => {}
                    }
                }
            }
            walk_stmt(self, stmt);
        }
        fn visit_expr(&mut self, e: &'a Expr) {
            match e {
                Expr::Compare(c)
                    if c.ops
                        .iter()
                        .any(|o| matches!(o, ast::CmpOp::Eq | ast::CmpOp::NotEq)) =>
                {
                    for x in crate::ast_util::operands(c) {
                        self.keep(x);
                    }
                }
                Expr::Call(c) => {
                    let last = crate::ast_util::callee_last(c).unwrap_or_default();
                    if last.chars().next().is_some_and(char::is_uppercase)
                        || matches!(
                            last,
                            "compare_digest"
                                | "execute"
                                | "executemany"
                                | "insert_one"
                                | "update_one"
                                | "find_one"
                                | "filter_by"
                                | "filter"
                                | "get_or_create"
                                | "create"
                                | "update"
                        )
                    {
                        for a in &*c.arguments.args {
                            self.keep(a);
                        }
                        for k in &*c.arguments.keywords {
                            self.keep(&k.value);
                        }
                    }
                }
                _ => {}
            }
            walk_expr(self, e);
        }
    }
    let mut v = V {
        at,
        locals: Vec::new(),
        kept: Vec::new(),
    };
    for s in body {
        v.visit_stmt(s);
    }
    v.kept.iter().any(|e| {
        is_digest(e, at) || matches!(e, Expr::Name(n) if v.locals.iter().any(|l| l == n.id.as_str()))
    })
}

/// `SC150`'s hooks.
pub(crate) struct Check;

impl crate::rules::Rule for Check {
    fn on_if<'a>(&self, cx: &mut Checker<'a>, stmt: &'a ast::StmtIf) {
        check_compare(cx, &stmt.test);
        for clause in &stmt.elif_else_clauses {
            if let Some(test) = &clause.test {
                check_compare(cx, test);
            }
        }
    }

    fn on_call<'a>(&self, cx: &mut Checker<'a>, call: &'a ast::ExprCall) {
        check_call(cx, call);
    }

    fn on_assign<'a>(&self, cx: &mut Checker<'a>, targets: &'a [Expr], value: &'a Expr) {
        check_assign(cx, targets, value);
    }

    fn on_file(&self, file: &SourceFile, module: &ast::ModModule, summary: &mut Summary) {
        gather_generated(file, module, summary);
        gather_tables(file, module, summary);
    }

    fn on_project(&self, cx: &crate::project::Project<'_>, findings: &mut Vec<Finding>) {
        check_generated(cx.summary, cx.data_models, findings);
        check_tables(cx, findings);
    }
}
