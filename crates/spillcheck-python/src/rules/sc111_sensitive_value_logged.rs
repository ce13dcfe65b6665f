//! `SC111` sensitive-value-logged: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A logging call whose arguments include a password, secret or token variable (`password`, `new_password`, `api_key`, `secret`), a value the message itself labels as one whatever its variable is called (`logger.info("sign-in ok access_token=%s", access)`; `key: %s` only when the key is spelt as one, `refresh_token:`, never prose such as "could not decode token: %s" or an exception), a request body that contains them (`request.json`, `request.form`, `request.get_data()`: in an authentication endpoint, or in a request hook of a module that logs users in (it runs around those requests too; a webhook blueprint's hook does not), also through a function of the module that hands its argument back, whatever its name: `clean_sensitive_data(request.form)` returning `dict(form_data)`). A user's e-mail address or phone number alone is not reported (`logger.info("login failed for %s", email)` is a common and wanted trace); the probe's SC310/SC311 read the logs themselves.
    ///
    /// Also a database connection that logs every statement with its values: `create_engine(url,
    /// echo=True)` (SQLAlchemy logs each statement and its bound parameters) and sqlite3's
    /// `conn.set_trace_callback(print)`, once a file (`possible` under a debug flag, and for a traced connection whose module's SQL names no credential or personal column).
    ///
    /// ## Why it matters
    /// Logs outlive the data they copy and escape its access controls; a password in a log is a password disclosed to every reader of the log (CWE-532, CWE-359).
    ///
    /// ## Example
    /// ```python
    /// app.logger.warning("failed login for %s with password %s", email, password)
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Masked values (`url.replace(api_key, "***")`, `mask(token)`, a hash, a local set only to
    /// a few characters of the secret between asterisks: `f"{key[:4]}****{key[-4:]}"`) and module constants
    /// that name a route or a setting (`UPDATE_USER_PASSWORD = "/users/update-password"`, also
    /// imported from the module that defines it, or built by a call on the path) are not
    /// secrets. Neither is what is said about a secret: a flag (`require_password`,
    /// `use_api_key`), the field names of a form (`request.form.keys()`), or a local the
    /// function looks a setting up by (`app.config.get(secret)` … `"please set %s", secret`).
    /// Values built from a password (`query = f"... '{password}'"`) are, unless hashed;
    /// the result of a check that took the password (`bind_user(user, password)`) is not, nor
    /// what is said about a secret (`len(pin)`, `type(password)`, `bool(self.password)`, names
    /// whose last word is about it: `pin_pols`, `password_rules`), nor a field read on an object
    /// that met a password (`token.get_serial()`).
    ///
    /// ## Fix
    /// ```python
    /// app.logger.warning("failed login for user_id=%s", user_id)
    /// ```
    pub static SC111 = {
        id: "SC111",
        slug: "sensitive-value-logged",
        title: "Password or personal data written to logs",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[532, 359],
        owasp: &[OwaspApi::Api8],
        fix: "Log identifiers, not secrets or personal data: drop passwords entirely and log a user id instead of an email or phone number.",
    }
}

use ruff_python_ast::{self as ast, Expr};

use crate::ast_util::{callee_last, str_value};
use crate::checker::Checker;
use crate::patterns::{call_values, is_body_dump, is_password_like_name};

/// The first sensitive thing in `expr`: a password-like name or attribute, a
/// password-like key, or (in an auth endpoint) the whole request body. A name used
/// only as the object of a harmless attribute (`api_key.name`) does not count.
fn sensitive_in(expr: &Expr, auth_function: bool) -> Option<String> {
    if let Expr::Call(c) = expr
        && is_masking(c)
    {
        return None;
    }
    match expr {
        Expr::Name(n) if is_password_like_name(n.id.as_str()) => Some(format!("`{}`", n.id)),
        Expr::Attribute(a) => {
            if is_password_like_name(a.attr.as_str()) {
                return Some(format!("`.{}`", a.attr));
            }
            if auth_function && is_body_dump(expr) {
                return Some("the request body of an authentication endpoint".into());
            }
            match a.value.as_ref() {
                Expr::Name(_) => None,
                // A field of a key's record that is no secret (`g.api_key.id`,
                // `self.token.expires_at`): what identifies or describes the key.
                Expr::Attribute(_) if describes_a_record(a.attr.as_str()) => None,
                other => sensitive_in(other, auth_function),
            }
        }
        Expr::Subscript(s) => {
            if let Some(k) = str_value(&s.slice)
                && is_password_like_name(k)
            {
                return Some(format!("`[\"{k}\"]`"));
            }
            sensitive_in(&s.value, auth_function).or_else(|| sensitive_in(&s.slice, auth_function))
        }
        Expr::Call(_) if auth_function && is_body_dump(expr) => {
            Some("the request body of an authentication endpoint".into())
        }
        _ => {
            use ruff_python_ast::visitor::{Visitor, walk_expr};
            struct V {
                auth: bool,
                found: Option<String>,
                top: bool,
            }
            impl<'a> Visitor<'a> for V {
                fn visit_expr(&mut self, e: &'a Expr) {
                    if self.found.is_some() {
                        return;
                    }
                    if self.top {
                        self.top = false;
                        walk_expr(self, e);
                        return;
                    }
                    match e {
                        // `url.replace(api_key, "*****")`, `mask(token)`: what reaches the log
                        // is the masked text.
                        Expr::Call(c) if is_masking(c) => {}
                        Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_) => {
                            self.found = sensitive_in(e, self.auth);
                        }
                        Expr::Call(_) if self.auth && is_body_dump(e) => {
                            self.found = sensitive_in(e, self.auth);
                        }
                        _ => walk_expr(self, e),
                    }
                }
            }
            let mut v = V {
                auth: auth_function,
                found: None,
                top: true,
            };
            v.visit_expr(expr);
            v.found
        }
    }
}

/// An attribute that identifies or describes a record rather than holding its secret.
fn describes_a_record(attr: &str) -> bool {
    let a = attr.to_ascii_lowercase();
    a == "id"
        || a.ends_with("_id")
        || matches!(
            a.as_str(),
            "pk" | "uuid"
                | "name"
                | "label"
                | "prefix"
                | "owner"
                | "user"
                | "username"
                | "scopes"
                | "scope"
                | "revoked"
                | "description"
                | "kind"
                | "type"
                | "created_at"
                | "expires_at"
                | "last_used"
                | "last_used_at"
        )
}

/// A value the log message itself labels as a secret: `logger.info("sign-in ok
/// access_token=%s", user.email, access)`, the argument filling a `%s` right after
/// `access_token=` (or `password: `), whatever the variable is called.
fn labelled_secret(call: &ast::ExprCall) -> Option<String> {
    let text = call.arguments.args.first().and_then(str_value)?;
    let bytes = text.as_bytes();
    let mut arg = 0usize;
    let mut i = 0usize;
    while i + 1 < bytes.len() {
        if bytes[i] != b'%' {
            i += 1;
            continue;
        }
        if bytes[i + 1] == b'%' {
            i += 2;
            continue;
        }
        // The conversion: flags and width, then its letter.
        let mut j = i + 1;
        while j < bytes.len() && (bytes[j].is_ascii_digit() || b"-+ #.".contains(&bytes[j])) {
            j += 1;
        }
        let Some(&conv) = bytes.get(j) else { break };
        arg += 1;
        if matches!(conv, b's' | b'r') {
            let before = text[..i].trim_end_matches([' ', '\'', '"']);
            // `key=%s`, or `key: %s` with a key's spelling (`access_token:`): prose such as
            // "could not decode token: %s" describes an error, it labels no value.
            let (before, colon) = match before.strip_suffix('=') {
                Some(b) => (Some(b.trim_end()), false),
                None => (before.strip_suffix(':'), true),
            };
            let label: String = before
                .map(|b| {
                    let start = b
                        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                        .map_or(0, |k| k + 1);
                    b[start..].to_owned()
                })
                .unwrap_or_default();
            if labels_a_secret(&label)
                && (!colon || label.contains('_'))
                && let Some(value) = call.arguments.args.get(arg)
                && !value.is_literal_expr()
                && !names_an_error(value)
                && !matches!(value, Expr::Call(c) if is_masking(c))
            {
                return Some(format!("the value the message labels `{label}`"));
            }
        }
        i = j + 1;
    }
    None
}

/// An exception or its text (`e`, `exc`, `error`, `err.args`): what went wrong, not the
/// value the label names.
fn names_an_error(value: &Expr) -> bool {
    let name = match value {
        Expr::Name(n) => n.id.as_str(),
        Expr::Attribute(a) => match a.value.as_ref() {
            Expr::Name(n) => n.id.as_str(),
            _ => return false,
        },
        Expr::Call(c) => match c.arguments.args.first() {
            Some(Expr::Name(n)) if callee_last(c) == Some("str") => n.id.as_str(),
            _ => return false,
        },
        _ => return false,
    };
    matches!(
        name.to_ascii_lowercase().as_str(),
        "e" | "ex" | "exc" | "err" | "error" | "exception" | "reason" | "msg" | "message"
    )
}

/// A label of a log message that names a secret: a password-like name, a token of a kind
/// (`access_token`, `refresh_token`, `token`), a JWT.
fn labels_a_secret(label: &str) -> bool {
    let l = label.to_ascii_lowercase().replace('-', "_");
    !l.is_empty()
        && (crate::patterns::is_password_like_name(&l)
            || l.ends_with("token") && !l.ends_with("tokens")
            || l.ends_with("jwt")
            || l == "bearer")
}

/// A call whose result hides its argument: `s.replace(secret, "***")`, `re.sub(...)`,
/// `mask(token)`, `redact(...)`, a hash, or tells only something about it (`len`, `type`,
/// `bool`).
fn is_masking(call: &ast::ExprCall) -> bool {
    callee_last(call).is_some_and(|n| {
        let n = n.to_ascii_lowercase();
        n == "replace"
            || n == "sub"
            // `len(pin)`, `type(password)`, `bool(self.password)`: about it, not it.
            || matches!(n.as_str(), "len" | "type" | "bool" | "isinstance" | "id")
            // `ftp.pwd()`, `os.getcwd()`: the working directory.
            || matches!(n.as_str(), "pwd" | "getcwd") && call.arguments.is_empty()
            // `request.form.keys()`: the fields' names, not their values.
            || n == "keys" && call.arguments.is_empty()
            || [
                "mask",
                "redact",
                "scrub",
                "censor",
                "obfuscate",
                "hash",
                "digest",
                "truncate",
            ]
            .iter()
            .any(|k| n.contains(k))
    })
}

/// A name built from a password (`query = f"... password='{password}'"`), not hashed.
fn derived_from_password(cx: &Checker<'_>, call: &ast::ExprCall) -> Option<String> {
    let func = cx.functions.last()?;
    let taint = cx.taints.of(func);
    let hashed = taint.flagged(|f| f.hashed);
    let mut seeds: Vec<&str> = Vec::new();
    for a in crate::facts::assigns_in(&func.body) {
        for t in a.targets.iter().flat_map(crate::ast_util::target_names) {
            if is_password_like_name(t) {
                seeds.push(t);
            }
        }
    }
    for p in &func.parameters.args {
        let n = p.parameter.name.as_str();
        if is_password_like_name(n) {
            seeds.push(n);
        }
    }
    if seeds.is_empty() {
        return None;
    }
    // Plain derivations only: the result of `bind_user(user, password)` is not the password.
    let derived = taint.closure_direct(&seeds);
    call_values(call).find_map(|v| {
        value_names(v).into_iter().find_map(|n| {
            (derived.contains(n) && !seeds.contains(&n) && !hashed.contains(n))
                .then(|| format!("`{n}`, built from a password,"))
        })
    })
}

/// The names whose own value an expression carries: not those only read through an
/// attribute or a method (`token.get_serial()`, `token.user_id` carry the serial and the
/// id, not the token), except methods that return the same text (`encode`, `strip`).
fn value_names(expr: &Expr) -> Vec<&str> {
    use ruff_python_ast::visitor::{Visitor, walk_expr};
    struct V<'e> {
        names: Vec<&'e str>,
    }
    impl<'e> Visitor<'e> for V<'e> {
        fn visit_expr(&mut self, e: &'e Expr) {
            match e {
                Expr::Name(n) => self.names.push(n.id.as_str()),
                // `secret.encode()`, `secret.strip()`: the same text.
                Expr::Call(c)
                    if matches!(c.func.as_ref(), Expr::Attribute(a)
                        if matches!(a.value.as_ref(), Expr::Name(_))
                            && matches!(
                                a.attr.as_str(),
                                "encode" | "decode" | "strip" | "lstrip" | "rstrip" | "upper"
                                    | "lower" | "casefold"
                            )) =>
                {
                    if let Expr::Attribute(a) = c.func.as_ref() {
                        self.visit_expr(&a.value);
                    }
                    for arg in &*c.arguments.args {
                        self.visit_expr(arg);
                    }
                }
                Expr::Attribute(a) if matches!(a.value.as_ref(), Expr::Name(_)) => {}
                _ => walk_expr(self, e),
            }
        }
    }
    let mut v = V { names: Vec::new() };
    v.visit_expr(expr);
    v.names
}

/// `SC111`: a log call whose arguments hold a password or secret, or a whole request
/// body in an authentication endpoint.
pub(crate) fn check_call(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    check_sql_echo(cx, call);
    if !cx.is_logging_call(call) {
        return;
    }
    // An authentication endpoint by its function's name, or a method of a view class
    // named so (`class Login(MethodView): def post(self)`).
    let auth_name = |n: &str| {
        let n = n.to_ascii_lowercase();
        [
            "login",
            "log_in",
            "logon",
            "signin",
            "sign_in",
            "register",
            "signup",
            "sign_up",
            "password",
            "reset",
            "auth",
            "token",
            "credential",
        ]
        .iter()
        .any(|k| n.contains(k))
    };
    let auth_function = cx.functions.last().is_some_and(|f| {
        auth_name(f.name.as_str())
            || sees_the_logins(cx, f)
            || cx.classes.last().is_some_and(|c| auth_name(c.name.as_str()))
    });
    // A module constant named like a secret that holds a route or a key name
    // (`UPDATE_USER_PASSWORD = "/users/update-password"`) is not one.
    let constant_name = |what: &str| {
        let name = what.trim_matches('`').trim_start_matches('.');
        cx.constants.get(name).is_some_and(|v| {
            crate::ast_util::str_value(v).is_some_and(|lit| {
                crate::patterns::is_not_a_secret_value(lit)
                    || crate::patterns::names_a_thing(name, lit)
            })
        })
    };
    // A local the function only ever sets to a masked text (`f"{key[:4]}****{key[-4:]}"`).
    let masked_local = |what: &str| {
        let name = what.trim_matches('`');
        let sets = cx.values_of_local(name);
        !sets.is_empty() && sets.iter().all(|v| masked_text(cx, v))
    };
    // A local the function looks a setting up by (`app.config.get(secret)`,
    // `os.environ.get(secret)`): it holds the setting's name ("please set `%s`").
    let lookup_key = |what: &str| {
        let name = what.trim_matches('`');
        cx.functions
            .last()
            .is_some_and(|f| used_as_lookup_key(&f.body, name))
    };
    let what = call_values(call)
        .find_map(|v| sensitive_in(v, auth_function))
        .filter(|w| !constant_name(w) && !masked_local(w) && !lookup_key(w))
        .or_else(|| derived_from_password(cx, call))
        .or_else(|| {
            // A token SC110 already judged at this call (where its check failed, or
            // read from the request): its finding, not a second one.
            let here = cx.file.at(call);
            let judged = cx
                .findings
                .iter()
                .any(|f| f.rule_id == "SC110" && f.location.as_ref() == Some(&here));
            (!judged).then(|| labelled_secret(call)).flatten()
        })
        .or_else(|| {
            (auth_function && logs_body_alias(cx, call))
                .then(|| "the request body of an authentication endpoint".to_owned())
        });
    if let Some(what) = what {
        // The same value of the same call reported by SC110 (a credential read from the
        // request's headers): one problem, one finding.
        let here = cx.file.at(call);
        // The value by its name (`shown`), however each rule says where it came from.
        let value = what.split(", ").next().unwrap_or(&what);
        if cx.findings.iter().any(|f| {
            f.rule_id == "SC110"
                && f.location.as_ref() == Some(&here)
                && f.message.contains(value)
        }) {
            return;
        }
        // A constant in capitals that another module defines: known once every file is read.
        let name = what.trim_matches('`');
        let imported_constant = name.len() > 2
            && crate::patterns::is_capitals_name(name)
            && !cx.constants.contains_key(name);
        let name = name.to_owned();
        cx.report(&SC111, call, format!("log call writes {what} to the logs"));
        if imported_constant {
            let index = cx.findings.len() - 1;
            cx.deferred
                .push((index, crate::project::Deferred::UnlessHarmlessConstant(name)));
        }
    }
}

/// Whether `name` is the key of a lookup in `body`: `config[name]`, `settings.get(name)`,
/// `os.getenv(name)`, `getattr(obj, name)`.
fn used_as_lookup_key(body: &[ast::Stmt], name: &str) -> bool {
    let is_name = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == name);
    let mut found = false;
    crate::facts::exprs_in(body, &mut |e| {
        if found {
            return;
        }
        found = match e {
            Expr::Subscript(s) => is_name(&s.slice),
            Expr::Call(c) => match (callee_last(c), c.arguments.args.as_ref()) {
                (Some("get" | "getenv" | "pop" | "setdefault"), [first, ..]) => is_name(first),
                (Some("getattr" | "hasattr"), [_, second, ..]) => is_name(second),
                _ => false,
            },
            _ => false,
        };
    });
    found
}

/// A database connection that writes every statement it runs, with the values bound to
/// it, to the application's output: `create_engine(url, echo=True)` (SQLAlchemy logs each
/// statement and its parameters: e-mails of every login, password hashes at sign-up,
/// tokens looked up), sqlite3's `conn.set_trace_callback(print)` (the statement as run,
/// values inlined). Under a debug flag, `possible`.
fn check_sql_echo(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    let what = match callee_last(call) {
        // `hide_parameters=True` keeps the bound values out of the log.
        Some("create_engine" | "create_async_engine")
            if !call
                .arguments
                .find_keyword("hide_parameters")
                .is_some_and(|k| matches!(&k.value, Expr::BooleanLiteral(b) if b.value)) =>
        {
            call.arguments.find_keyword("echo")
            .filter(|k| {
                matches!(&k.value, Expr::BooleanLiteral(b) if b.value)
                    || str_value(&k.value) == Some("debug")
            })
            .map(|_| "`create_engine(..., echo=True)` logs every SQL statement with the values bound to it")
        }
        Some("set_trace_callback") => call
            .arguments
            .args
            .first()
            .filter(|a| !matches!(a, Expr::NoneLiteral(_)))
            .map(|_| "`set_trace_callback(...)` hands every SQL statement, values inlined, to a printer"),
        _ => None,
    };
    let Some(what) = what else { return };
    // One finding a file: each connection a module opens the same way is the same fault.
    if cx
        .findings
        .iter()
        .any(|f| f.rule_id == SC111.id && f.message.starts_with(what))
    {
        return;
    }
    let possible = cx.guarded_by_flag();
    let tracer = callee_last(call) == Some("set_trace_callback");
    let harmless = tracer && only_harmless_sql(&cx.file.text);
    let f = cx.report(
        &SC111,
        call,
        format!("{what}: users' e-mails, password hashes and tokens end up in the logs"),
    );
    if possible {
        f.confidence = Confidence::Possible;
    }
    if harmless {
        f.lower_to_possible(
            "the statements this module runs name no password, token, key or personal column",
        );
    }
}

/// Whether a module runs SQL (it selects, inserts, updates or deletes) and names no
/// credential or personal column anywhere: a traced connection that only ever runs those
/// statements (a posts table's) writes nothing sensitive to the log. `false` with no SQL
/// in the module.
fn only_harmless_sql(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let sql = ["select ", "insert into", "delete from"]
        .iter()
        .any(|w| lower.contains(w))
        || lower.contains("update ") && lower.contains(" set ");
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    sql && !words.iter().any(|w| {
        spillcheck_core::vocab::is_sensitive_field(w)
            || spillcheck_core::vocab::is_personal_field(w)
            || w.ends_with("key") && w.len() > 3
            || ["pass", "pwd", "token", "secret", "mail", "phone", "card", "salt", "hash", "users"]
                .iter()
                .any(|x| w.contains(x))
    })
}

/// A request hook (`@app.before_request`, `@bp.before_app_request`) in a module that logs
/// users in or registers them: it runs around those requests too. A webhook blueprint's
/// hook, or one of an API without password logins, sees no password.
fn sees_the_logins(cx: &Checker<'_>, f: &ast::StmtFunctionDef) -> bool {
    let hook = f.decorator_list.iter().any(|d| {
        crate::ast_util::dotted(&d.expression).is_some_and(|x| {
            matches!(
                x.rsplit('.').next().unwrap_or(&x),
                "before_request" | "after_request" | "before_app_request" | "after_app_request"
            )
        })
    });
    // Logins beside it: a module whose functions log in or register.
    hook && cx.file.module().is_some_and(|m| {
        m.body.iter().any(|s| {
            matches!(s, ast::Stmt::FunctionDef(g) if {
                let n = g.name.to_ascii_lowercase();
                ["login", "signin", "sign_in", "register", "signup", "password"]
                    .iter()
                    .any(|w| n.contains(w))
            })
        })
    })
}

/// Whether a log call writes a local that holds the request body itself (`content =
/// request.json; print(content)`): every value the function gives it is the body, or
/// what a function of the module that hands its argument back makes of it
/// (`clean(request.form)` where `clean` returns `dict(form_data)`).
fn logs_body_alias(cx: &Checker<'_>, call: &ast::ExprCall) -> bool {
    let body = |v: &Expr| {
        is_body_dump(v)
            || matches!(v, Expr::Call(c) if c.arguments.args.first().is_some_and(is_body_dump)
                && passes_through(cx, c))
    };
    // The value itself, or what an f-string, a concatenation or `str()` shows of it
    // (`f"data: {safe}"`), not what a call computes from it (`len(data)`).
    call_values(call).any(|v| {
        shown(v).into_iter().any(|e| {
            if body(e) {
                return true;
            }
            let Expr::Name(n) = e else { return false };
            let sets = cx.values_of_local(n.id.as_str());
            !sets.is_empty() && sets.iter().all(|v| body(v))
        })
    })
}

/// The values a logged expression shows as they are: itself, the interpolations of an
/// f-string, the operands of `+` and `%`, the argument of `str()`, `repr()`, `json.dumps()`.
fn shown(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::FString(f) => {
            let mut out = Vec::new();
            crate::ast_util::fstring_text(f, &mut |_, x| out.extend(shown(x)));
            out
        }
        Expr::BinOp(b) => {
            let mut out = shown(&b.left);
            out.extend(shown(&b.right));
            out
        }
        Expr::Tuple(t) => t.elts.iter().flat_map(shown).collect(),
        Expr::Call(c) if matches!(crate::ast_util::callee_last(c), Some("str" | "repr" | "dumps" | "pformat")) => {
            c.arguments.args.iter().flat_map(shown).collect()
        }
        other => vec![other],
    }
}

/// Whether `call` is of a function of this module that returns its first argument as it
/// is (`return form_data`, `dict(form_data)`, `form_data.copy()`), or nothing in its
/// place (`return {}` for an empty one): whatever its name promises, nothing is removed.
fn passes_through(cx: &Checker<'_>, call: &ast::ExprCall) -> bool {
    let Expr::Name(name) = call.func.as_ref() else {
        return false;
    };
    let Some(module) = cx.file.module() else {
        return false;
    };
    let Some(func) = crate::ast_util::function_named(&module.body, name.id.as_str()) else {
        return false;
    };
    let Some(param) = func.parameters.args.first().map(|p| p.parameter.name.as_str()) else {
        return false;
    };
    let is_param = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == param);
    let (mut whole, mut other) = (false, false);
    crate::facts::returns_in(&func.body, &mut |r| {
        match r.value.as_deref() {
            Some(v) if is_param(v) => whole = true,
            Some(Expr::Call(c))
                if matches!(crate::ast_util::callee_last(c), Some("dict"))
                    && c.arguments.args.first().is_some_and(is_param)
                    && c.arguments.args.len() == 1
                    && c.arguments.keywords.is_empty() =>
            {
                whole = true;
            }
            Some(Expr::Call(c))
                if matches!(c.func.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "copy" && is_param(&a.value)) =>
            {
                whole = true;
            }
            Some(Expr::Dict(d)) if d.items.is_empty() => {}
            None | Some(Expr::NoneLiteral(_)) => {}
            _ => other = true,
        }
    });
    whole && !other
}


/// A masked rendering of a secret: text with a run of asterisks that shows at most a few
/// characters of it (`f"{key[:4]}********{key[-4:]}"`, `"*" * 8`), either way of a
/// conditional.
fn masked_text(cx: &Checker<'_>, value: &Expr) -> bool {
    if let Expr::If(i) = value {
        return masked_text(cx, &i.body) && masked_text(cx, &i.orelse);
    }
    let range = ruff_text_size::Ranged::range(value);
    let source = cx
        .file
        .text
        .get(usize::from(range.start())..usize::from(range.end()))
        .unwrap_or_default();
    let stars = source.contains("**") || source.contains("\"*\" *") || source.contains("'*' *");
    // Every read of a value inside is a short slice of it (`key[:4]`, `key[-4:]`).
    let mut whole_read = false;
    let mut short_slices = Vec::new();
    crate::ast_util::each_expr(value, &mut |e| {
        if let Expr::Subscript(s) = e
            && let Expr::Slice(sl) = s.slice.as_ref()
            && [&sl.lower, &sl.upper]
                .into_iter()
                .flatten()
                .all(|b| {
                    let b = match b.as_ref() {
                        Expr::UnaryOp(u) if u.op == ruff_python_ast::UnaryOp::USub => &u.operand,
                        other => other,
                    };
                    crate::ast_util::int_value(b).is_some_and(|n| n.abs() <= 8)
                })
        {
            short_slices.push(ruff_text_size::Ranged::range(s.value.as_ref()));
        }
    });
    crate::ast_util::each_expr(value, &mut |e| {
        if let Expr::Name(n) = e
            && !short_slices
                .iter()
                .any(|r| r.contains_range(ruff_text_size::Ranged::range(e)))
            && !matches!(n.id.as_str(), "len" | "str")
        {
            whole_read = true;
        }
    });
    stars && !whole_read
}

hooks! {
    on_call => check_call,
    concerns_its_view => true,
}
