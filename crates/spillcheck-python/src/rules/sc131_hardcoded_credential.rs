//! `SC131` hardcoded-credential: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A literal password, API key or connection string with a password assigned to a credential-looking name (`DB_PASSWORD`, `STRIPE_API_KEY`, `ADMIN_PASSWORD`) or passed as a credential argument (`password=`, `api_key=`). Also a request credential (a header, cookie, parameter or field of the JSON or form body named for a key, token, secret, password or session, not for its kind: `token_type`) checked against a literal (`if request.headers.get("X-Internal-Secret") != "hunter2-internal"`, `request.cookies.get("session_id") == "..."`, a login's backdoor `data["password"] == "admin123"` of `data = request.get_json()`, `api_key in VALID_KEYS` with a module list of keys; a password, a key-like value or text with digits or punctuation, not a word). Also default accounts seeded with literal passwords: hashed on the way in (`hashpw(b"admin", gensalt())`, `generate_password_hash("admin123")`) or given to a model's password setter (`admin.set_password("admin123")`), given by position for a parameter named for a password of a function the module defines (`User.register_user("admin", "pass1", …)`), one finding a function, not a hashing backend's self-test that verifies the same word, or bound as an `INSERT`'s parameter (`execute("INSERT INTO users (username, password) VALUES (?, ?)", ("admin", "admin123"))`, `executemany` rows), or written in an `INSERT` (`VALUES ('admin', 'admin@test.com', 'admin123')` into a password column; a stored hash is none), or kept in a map of user names to passwords that the module checks logins against (`USERS = {"admin": "s3cr3t"}` with `USERS.get(username) == password`, or returned by Flask-HTTPAuth's `@auth.get_password` callback). A key that falls back to a placeholder (`os.environ.get("SERVICE_API_KEY", "...ChangeMe!")`) is reported where the project compares it with what a request carries: every install accepts the published value until someone sets it. `token_type = "Bearer"`, URLs without passwords, placeholders (`changeme`, `<your-key>`, `xxx`), environment lookups and test fixtures are not reported.
    ///
    /// ## Why it matters
    /// Committed credentials are found by scrapers within minutes of a push to a public repository and stay in history forever.
    ///
    /// ## Example
    /// ```python
    /// MAIL_PASSWORD = "Sup3rS3cret!"
    /// stripe.api_key = "sk_live_..."
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// An archive's password (`extractall(pwd="infected")`, `setpassword`, a 7-Zip or RAR
    /// file's `password=`) opens the file it travels with and lets no one into a service.
    /// A literal is not reported when it names something rather than holds it (the setting's own
    /// name, an environment variable's name, a dotted setting key, a route, a namespaced type
    /// that ends in the name's own spelling such as `_ACCESS_TOKEN = "OS-OAUTH1:access_token"`,
    /// an entry of a dict that maps names to names such as `{"password": "pass", "email":
    /// "mail", "name": "name"}` or to a schema's attribute names such as `{"user_name": "uid",
    /// "password": "userPassword", "given_name": "givenName"}`), when it is a
    /// placeholder, or when a key or token is a dictionary word no machine would generate
    /// (`"unused"`); a short password is reported, because it is a weak real one. Connection URLs
    /// whose credentials only show the shape (`user:pass@`, `scott:tiger@`, `USER:PASSWORD@`),
    /// and a service's password equal to the user set beside it (`SMTP_USER = SMTP_PASSWORD =
    /// "superset"`; not the app's own login: `BASIC_AUTH_USERNAME = BASIC_AUTH_PASSWORD =
    /// "admin"` is reported),
    /// and strings in docstrings are not reported; test and sample data are `possible`, and
    /// so is a connection URL held under a key that says it shows examples
    /// (`"connection_examples": [{"connection_string": "…://SYSDBA:masterkey@…"}]`). A
    /// one-word sentence is no credential (`{"status": "success", "Password": "Updated."}`).
    /// A key (not a password, not a private key, not a provider secret of a known format such
    /// as `sk_live_…` or `AKIA…`) that a module quoting an outside service's address uses again
    /// is `possible`: the program's own client key, shipped to every install (a media
    /// manager's metadata key, a downloader plugin's app key), unless the module signs with
    /// it (an HMAC over its requests, a signature of the answers checked with it).
    ///
    /// ## Fix
    /// ```python
    /// MAIL_PASSWORD = os.environ["MAIL_PASSWORD"]
    /// ```
    ///
    /// `spillcheck code --fix --unsafe-fixes` replaces the literal with `os.environ["NAME"]` (unsafe: the deployment must set it). See `docs/fixes.md`.
    pub static SC131 = {
        id: "SC131",
        slug: "hardcoded-credential",
        title: "Hardcoded password or API key",
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: &[798, 540],
        owasp: &[OwaspApi::Api8],
        fix: "Move credentials to the environment or a secret manager and rotate the committed ones.",
    }
}

use ruff_python_ast::{self as ast, Expr};

use crate::ast_util::str_value;
use crate::checker::Checker;
use crate::patterns::{
    has_url_password, is_credential_name, is_not_a_secret_value, is_placeholder,
};
use crate::recognizers::{hardcoded_literal, target_name};

fn credential_literal(literal: &str) -> bool {
    !is_placeholder(literal) && !is_not_a_secret_value(literal) && literal.len() >= 4
}

/// A hard-coded value for this credential name: not the name's own spelling, an
/// environment variable's name or a setting key; for keys and tokens (unlike passwords,
/// where a short word is a real, weak credential), something a machine could have made.
fn credential_for(name: &str, literal: &str) -> bool {
    if !credential_literal(literal) || crate::patterns::names_a_thing(name, literal) {
        return false;
    }
    let password = {
        let n = name.to_ascii_lowercase();
        n.contains("pass") || n.contains("pwd") || n.ends_with("pw")
    };
    password || crate::patterns::key_like(literal)
}

/// A password equal to the user name set beside it (`SMTP_USER = "superset"`,
/// `SMTP_PASSWORD = "superset"`): a default's shape, like `scott:tiger@` in a URL.
fn same_as_user(cx: &Checker<'_>, name: &str, literal: &str) -> bool {
    let Some(stem) = ["_PASSWORD", "_PASS", "_PASSWD", "_PWD"]
        .iter()
        .find_map(|s| name.to_ascii_uppercase().strip_suffix(s).map(str::to_owned))
    else {
        return false;
    };
    // The app's own login (`BASIC_AUTH_USERNAME = "admin"`, `BASIC_AUTH_PASSWORD =
    // "admin"`): a default account that works until someone changes it, not a shape.
    if ["AUTH", "ADMIN", "LOGIN", "DEFAULT", "SUPERUSER", "ROOT", "BASIC"]
        .iter()
        .any(|w| stem.contains(w))
    {
        return false;
    }
    ["_USER", "_USERNAME", "_LOGIN"].iter().any(|s| {
        cx.constants
            .get(format!("{stem}{s}").as_str())
            .and_then(|v| str_value(v))
            .is_some_and(|user| spillcheck_core::vocab::is_placeholder_password(user, literal))
    })
}

/// A key the module hands to an outside service as its client's own: not a password, no
/// private key, no provider secret of a known format (`sk_live_…`, `AKIA…`, `ghp_…`; a
/// Google `AIza…` browser key is a client key), used again in the module (sent somewhere),
/// and a module that signs nothing with it (an HMAC over its requests, a signature of the
/// answers checked with it, guards something: a shared one is forgeable).
fn client_key(cx: &Checker<'_>, name: &str, literal: &str) -> bool {
    use spillcheck_core::secret_patterns::{GOOGLE_API_KEY, PROVIDER_KEYS};
    let lower = name.to_ascii_lowercase();
    let text = cx.file.text.to_ascii_lowercase();
    let password = ["pass", "pwd", "private"].iter().any(|w| lower.contains(w))
        || lower.ends_with("pw");
    let provider_secret = PROVIDER_KEYS
        .iter()
        .filter(|p| p.id != GOOGLE_API_KEY.id)
        .any(|p| p.may_match(literal) && p.regex().is_match(literal));
    let signs = ["hmac", "signature"].iter().any(|w| text.contains(w));
    let used = cx
        .file
        .text
        .match_indices(name)
        .filter(|(at, _)| {
            let before = cx.file.text[..*at].chars().next_back();
            let after = cx.file.text[at + name.len()..].chars().next();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
        .count()
        >= 2;
    !password && !provider_secret && !signs && used
}

/// The host of the first outside `http(s)://` URL a module's code quotes (not this
/// machine, not an example domain).
fn outside_service(text: &str) -> Option<String> {
    for quote in ['"', '\''] {
        for scheme in ["https://", "http://"] {
            let opening = format!("{quote}{scheme}");
            for (at, _) in text.match_indices(&opening) {
                let rest = &text[at + opening.len()..];
                let host: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
                    .collect();
                let h = host.to_ascii_lowercase();
                let private = h.starts_with("10.")
                    || h.starts_with("192.168.")
                    || h.strip_prefix("172.")
                        .and_then(|r| r.split('.').next())
                        .and_then(|n| n.parse::<u8>().ok())
                        .is_some_and(|n| (16..32).contains(&n));
                let local = h.is_empty()
                    || private
                    || !h.contains('.')
                    || h.starts_with("127.")
                    || h.starts_with("0.0.0.0")
                    || h.starts_with("localhost")
                    || h.starts_with("example.")
                    || h.contains(".example.")
                    || h.ends_with(".example")
                    || [".test", ".local"].iter().any(|t| h.ends_with(t));
                if !local {
                    return Some(host);
                }
            }
        }
    }
    None
}

/// `SC131` on assignments to credential names, and URLs with passwords anywhere.
pub(crate) fn check_assign(cx: &mut Checker<'_>, targets: &[Expr], value: &Expr) {
    if let Some((literal, fallback)) = hardcoded_literal(value) {
        if has_url_password(literal) {
            return; // reported by `check_string`
        }
        // A placeholder default (`os.environ.get("SERVICE_API_KEY", "...ChangeMe!")`): the
        // key every install accepts until someone sets it, when the project compares it with
        // what clients send (settled once every file is read).
        let says_change_me = literal
            .to_ascii_lowercase()
            .replace(['-', '_', ' '], "")
            .contains("changeme");
        if fallback
            && (is_placeholder(literal) || says_change_me)
            && !crate::patterns::is_template_marker(literal)
            && literal.len() >= 6
            // Named for a key (`AUTH_KEY`, `API_TOKEN`); what makes it a credential is the
            // comparison with a request's value, checked once every file is read.
            && let Some(name) = targets.iter().filter_map(target_name).find(|n| {
                crate::patterns::words(n).iter().any(|w| {
                    matches!(w.as_str(), "key" | "apikey" | "token" | "secret" | "password")
                })
            })
        {
            let finding = cx.report(
                &SC131,
                value,
                format!("credential `{name}` falls back to a placeholder that the app accepts from clients until someone sets it"),
            );
            finding.secrets.push(literal.to_owned());
            let index = cx.findings.len() - 1;
            cx.deferred
                .push((index, crate::project::Deferred::OnlyComparedWithRequest(name)));
            return;
        }
        if let Some(name) = targets
            .iter()
            .filter_map(target_name)
            .find(|n| is_credential_name(n) && credential_for(n, literal))
            .filter(|n| !same_as_user(cx, n, literal))
        {
            let how = if fallback {
                " as the fallback of an environment lookup"
            } else {
                ""
            };
            let fix = crate::fixes::from_environment(cx, value, &name);
            let finding = cx.report(
                &SC131,
                value,
                format!("credential `{name}` is hard-coded{how}"),
            );
            finding.secrets.push(literal.to_owned());
            finding.autofix = fix;
            let index = cx.findings.len() - 1;
            cx.lower_in_main_block(index);
            // A key (not a password) in a module that calls an outside service's API: the
            // program's own client key, shipped to every install of it (a media manager's
            // TVDB key, a downloader plugin's app key), public by distribution.
            if client_key(cx, &name, literal)
                && let Some(host) = outside_service(&cx.file.text)
                && let Some(f) = cx.findings.get_mut(index)
            {
                f.lower_to_possible(format!(
                    "a client key for the outside service this module calls ({host}): every copy of the program carries it"
                ));
            }
            // A password the project refuses wherever it is typed (`if password ==
            // LEGACY_DEFAULT_PASSWORD: raise ...`) is a denylist entry, known once every
            // file is read.
            cx.deferred.push((
                index,
                crate::project::Deferred::PossibleIfRefused {
                    name,
                    literal: literal.to_owned(),
                },
            ));
        }
        return;
    }
    if let Expr::Dict(d) = value
        && let Some(map) = targets.iter().find_map(|t| match t {
            Expr::Name(n) => Some(n.id.as_str()),
            Expr::Attribute(a) => Some(a.attr.as_str()),
            _ => None,
        })
        && let Some(first) = account_passwords(cx, map, d)
    {
        let secrets: Vec<String> = d
            .items
            .iter()
            .filter_map(|i| str_value(&i.value).map(str::to_owned))
            .collect();
        let finding = cx.report(
            &SC131,
            first,
            format!("default accounts' passwords are written in the code (`{map}`, checked as passwords at login): every install starts with them"),
        );
        finding.secrets.extend(secrets);
        return;
    }
    // A dict of settings: {"password": "..."}, {"password": os.getenv("DB_PASSWORD", "...")}.
    if let Expr::Dict(d) = value
        && !crate::patterns::is_name_map(d)
    {
        for item in &d.items {
            let (Some(key), Some((literal, fallback))) = (
                item.key.as_ref().and_then(str_value),
                hardcoded_literal(&item.value),
            ) else {
                continue;
            };
            if is_credential_name(key) && credential_for(key, literal) {
                let how = if fallback {
                    " as the fallback of an environment lookup"
                } else {
                    ""
                };
                let fix = crate::fixes::from_environment(
                    cx,
                    &item.value,
                    key,
                );
                let finding = cx.report(
                    &SC131,
                    &item.value,
                    format!("credential `{key}` is hard-coded{how}"),
                );
                finding.secrets.push(literal.to_owned());
                finding.autofix = fix;
            }
        }
    }
}

/// A map of user names to passwords written in the code (`USERS = {"admin": "s3cr3t"}`)
/// that the module checks passwords against (`USERS.get(username) == password`,
/// `check_password_hash(users[name], password)`): its first password, when every key and
/// value is a literal and the values are passwords, not placeholders.
fn account_passwords<'a>(cx: &Checker<'_>, map: &str, d: &'a ast::ExprDict) -> Option<&'a Expr> {
    if d.items.is_empty()
        || !d.items.iter().all(|i| {
            i.key.as_ref().and_then(str_value).is_some()
                && str_value(&i.value).is_some_and(|v| !is_placeholder(v) && v.len() >= 3)
        })
    {
        return None;
    }
    let module = cx.file.module()?;
    // `USERS[name]`, `USERS.get(name)`, `current_app.users_backend.get(name)`.
    let the_map = |e: &Expr| match e {
        Expr::Name(n) => n.id.as_str() == map,
        Expr::Attribute(a) => a.attr.as_str() == map,
        _ => false,
    };
    let lookup = |e: &Expr| match e {
        Expr::Subscript(sub) => the_map(&sub.value),
        Expr::Call(c) => {
            crate::ast_util::callee_last(c) == Some("get")
                && matches!(c.func.as_ref(), Expr::Attribute(a) if the_map(&a.value))
        }
        _ => false,
    };
    let password = |e: &Expr| {
        let name = match e {
            Expr::Name(n) => n.id.as_str(),
            Expr::Attribute(a) => a.attr.as_str(),
            _ => return false,
        };
        crate::patterns::words(name)
            .iter()
            .any(|w| matches!(w.as_str(), "password" | "passwd" | "pwd" | "pw" | "pass"))
    };
    let mut checked = false;
    crate::facts::exprs_in(&module.body, &mut |e| match e {
        Expr::Compare(c) => {
            checked |= crate::ast_util::operands(c).any(&lookup)
                && crate::ast_util::operands(c).any(&password);
        }
        Expr::Call(c) => {
            let callee = crate::ast_util::callee_last(c).unwrap_or_default();
            checked |= (callee.contains("check_password") || callee == "compare_digest")
                && c.arguments.args.iter().any(&lookup)
                && c.arguments.args.iter().any(&password);
        }
        _ => {}
    });
    // Or handed over as the password of a user: returned by Flask-HTTPAuth's
    // `@auth.get_password` callback, or a function named for it (`get_pwd(username)`).
    for (_, func, _) in crate::facts::all_functions(&module.body) {
        let for_password = |t: &str| {
            crate::patterns::words(t)
                .iter()
                .any(|w| matches!(w.as_str(), "password" | "passwd" | "pwd"))
        };
        if for_password(func.name.as_str())
            || func
                .decorator_list
                .iter()
                .any(|d| crate::ast_util::dotted(&d.expression).is_some_and(|d| for_password(&d)))
        {
            crate::facts::returns_in(&func.body, &mut |r| {
                checked |= r.value.as_deref().is_some_and(&lookup);
            });
        }
    }
    checked.then(|| &d.items[0].value)
}

/// `SC131` on calls: `connect(password="...")`, `Client(api_key="...")`, URL literals with passwords.
/// Whether a call hashes a password it is given first: `generate_password_hash(pw)`,
/// `bcrypt.hashpw(pw, salt)`, `make_password(pw)`, `pbkdf2_sha256.hash(pw)`,
/// `PasswordHasher().hash(pw)`.
fn hashes_a_password(call: &ast::ExprCall) -> bool {
    let callee = crate::ast_util::callee(call).unwrap_or_default().to_ascii_lowercase();
    let last = callee.rsplit('.').next().unwrap_or(&callee);
    matches!(
        last,
        "generate_password_hash" | "hashpw" | "make_password" | "hash_password" | "encrypt_password"
    ) || matches!(last, "hash" | "encrypt")
        && ["bcrypt", "pbkdf2", "argon2", "sha256_crypt", "sha512_crypt", "passwordhasher", "pwd_context", "scrypt"]
            .iter()
            .any(|w| callee.contains(w))
}

/// Whether a call is a model's password setter given the new password first:
/// `admin.set_password("admin123")`, `user.setPassword(...)`.
fn sets_a_password(call: &ast::ExprCall) -> bool {
    matches!(call.func.as_ref(), Expr::Attribute(_))
        && crate::ast_util::callee_last(call).is_some_and(|n| {
            matches!(
                spillcheck_core::vocab::normalize(n).as_str(),
                "setpassword" | "setpass"
            )
        })
}

/// The text of a string or bytes literal (`b'admin'`).
fn text_literal(e: &Expr) -> Option<String> {
    match e {
        Expr::StringLiteral(s) => Some(s.value.to_str().to_owned()),
        Expr::BytesLiteral(b) => {
            let bytes: Vec<u8> = b.value.bytes().collect();
            String::from_utf8(bytes).ok()
        }
        _ => None,
    }
}

/// A hash made only to be compared against when the account is unknown, so a refusal
/// takes as long for every name (`_NO_SUCH_USER_HASH = generate_password_hash("no-such-
/// user")`): the line or the word says it is a decoy, and no account has that password.
fn timing_decoy(cx: &Checker<'_>, call: &ast::ExprCall, literal: &str) -> bool {
    const DECOY: &[&str] = &[
        "dummy", "decoy", "fake", "no_such", "nosuch", "no-such", "unknown", "timing",
        "constant_time", "not_a_real", "not-a-real", "invalid",
    ];
    let at = ruff_text_size::Ranged::range(call).start();
    let (start, end) = (cx.file.line_start(at), cx.file.line_end(at));
    let line = cx.file.text[start.to_usize()..end.to_usize()].to_ascii_lowercase();
    let literal = literal.to_ascii_lowercase();
    DECOY.iter().any(|w| line.contains(w) || literal.contains(w))
}

/// A default account's password hashed from a literal (`hashpw(b'admin', gensalt())`,
/// `generate_password_hash("admin123")`): the password every install starts with.
fn check_hashed_literal(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    let seeded = if hashes_a_password(call) || sets_a_password(call) {
        call.arguments.args.first()
    } else {
        password_argument(cx, call)
    };
    let Some(arg) = seeded else { return };
    let Some(literal) = text_literal(arg) else { return };
    // A self-test of the hashing backend hashes a word and verifies the same word.
    let self_test = ['"', '\''].iter().any(|q| {
        cx.file
            .text
            .contains(&format!("verify({q}{literal}{q}"))
    });
    if literal.len() < 3 || is_placeholder(&literal) || self_test || timing_decoy(cx, call, &literal) {
        return;
    }
    const SAID: &str =
        "a default account's password is written in the code: every install starts with it";
    // One finding a function (a seed script makes several accounts), their passwords in it.
    let within = cx.functions.last().map(|f| ruff_text_size::Ranged::range(*f));
    let line_of = |r: ruff_text_size::TextRange| cx.file.line_of(r.start());
    let span = within.map(|r| (line_of(r), cx.file.line_of(r.end())));
    if let Some(earlier) = cx.findings.iter_mut().find(|f| {
        f.rule_id == SC131.id
            && f.message == SAID
            && f.location.as_ref().is_some_and(|l| {
                span.is_some_and(|(from, to)| (from..=to).contains(&l.line))
            })
    }) {
        earlier.secrets.push(literal);
        return;
    }
    let finding = cx.report(&SC131, arg, SAID);
    finding.secrets.push(literal);
    let index = cx.findings.len() - 1;
    cx.lower_in_main_block(index);
}

/// The argument given by position for a parameter named for a password, of a function or
/// method the same module defines (`User.register_user("admin", "pass1", …)` for `def
/// register_user(username, password, email, admin=False)`).
fn password_argument<'a>(cx: &Checker<'_>, call: &'a ast::ExprCall) -> Option<&'a Expr> {
    let name = crate::ast_util::callee_last(call)?;
    // `super().__init__("RestAPI")` calls the base class's method, whose parameters are
    // not those of the method of that name this module defines.
    if let Expr::Attribute(a) = call.func.as_ref()
        && let Expr::Call(inner) = a.value.as_ref()
        && crate::ast_util::callee_last(inner) == Some("super")
    {
        return None;
    }
    let module = cx.file.module()?;
    let mut def: Option<&ast::StmtFunctionDef> = None;
    for stmt in &module.body {
        crate::ast_util::each_stmt(stmt, &mut |s| {
            if let ast::Stmt::FunctionDef(f) = s
                && f.name.as_str() == name
                && def.is_none()
            {
                def = Some(f);
            }
        });
    }
    let params: Vec<String> = def?
        .parameters
        .iter()
        .map(|p| p.name().to_string())
        .filter(|p| p != "self" && p != "cls")
        .collect();
    let at = params.iter().position(|p| {
        let p = p.to_ascii_lowercase();
        // A flag about passwords (`password_protected`, `is_password_set`) holds none.
        let flag = ["is_", "has_", "use_", "require"].iter().any(|w| p.starts_with(w))
            || ["_protected", "_required", "_enabled", "_set", "_policy", "_length"]
                .iter()
                .any(|w| p.ends_with(w));
        (p.contains("passw") || p == "pwd") && !p.contains("hash") && !flag
    })?;
    call.arguments.args.get(at)
}
/// Rows an `INSERT` literal puts in a password column as quoted text (`INSERT INTO users
/// (username, password) VALUES ('admin', 'admin123')`): default accounts seeded in clear.
/// The position of the password column in an `INSERT INTO t (cols) VALUES ...`, and the
/// text from `VALUES` on.
fn password_slot(sql: &str) -> Option<(usize, &str)> {
    let lower = sql.to_ascii_lowercase();
    let at = lower.find("insert into")?;
    let rest = &sql[at..];
    let (open, values) = (rest.find('(')?, rest.to_ascii_lowercase().find("values")?);
    if open > values {
        return None;
    }
    let close = rest[open..].find(')').map(|c| open + c)?;
    let slot = rest[open + 1..close]
        .split(',')
        .map(|c| c.trim().trim_matches(['"', '`', '[', ']']).to_ascii_lowercase())
        .position(|c| crate::patterns::is_password_like_name(&c) && !c.contains("hash"))?;
    Some((slot, &rest[values..]))
}

/// A seeded password that is no hash (`$2b$…`, `pbkdf2:sha256:…`) and no placeholder.
fn seeded_password(value: &str) -> bool {
    let hashed = value.starts_with('$') || value.contains(':') && value.len() > 40;
    !hashed && !value.is_empty() && !is_placeholder(value)
}

/// `SC131` on a default account seeded through bound parameters: `execute("INSERT INTO users
/// (username, password) VALUES (?, ?)", ("admin", "admin123"))`, `executemany(...)` with a
/// list of such rows. Once a function.
fn check_seeded_parameters(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    if !matches!(crate::ast_util::callee_last(call), Some("execute" | "executemany")) {
        return;
    }
    let [sql, params, ..] = &*call.arguments.args else {
        return;
    };
    let Some((slot, _)) = str_value(sql).and_then(password_slot) else {
        return;
    };
    let rows: Vec<&Expr> = match params {
        Expr::List(l) if l.elts.iter().all(|e| matches!(e, Expr::Tuple(_) | Expr::List(_))) => {
            l.elts.iter().collect()
        }
        Expr::Tuple(_) | Expr::List(_) => vec![params],
        _ => return,
    };
    let found = rows.iter().find_map(|row| {
        let elts = match row {
            Expr::Tuple(t) => &t.elts,
            Expr::List(l) => &l.elts,
            _ => return None,
        };
        let value = elts.get(slot)?;
        str_value(value)
            .filter(|v| seeded_password(v))
            .map(|v| (value, v.to_owned()))
    });
    let Some((at, literal)) = found else { return };
    let here = cx.functions.last().map(|f| f.name.to_string());
    if cx.findings.iter().any(|f| {
        f.rule_id == SC131.id
            && f.message.starts_with("a default account's password")
            && here.as_deref().is_some_and(|h| f.message.contains(h))
    }) {
        return;
    }
    let f = cx.report(
        &SC131,
        at,
        format!(
            "a default account's password is written in the code (an `INSERT` parameter{})",
            here.map(|h| format!(" in `{h}`")).unwrap_or_default()
        ),
    );
    f.secrets.push(literal);
}

fn inserted_passwords(sql: &str) -> Vec<String> {
    let lower = sql.to_ascii_lowercase();
    let Some(at) = lower.find("insert into") else {
        return Vec::new();
    };
    let rest = &sql[at..];
    let (Some(open), Some(values)) = (rest.find('('), rest.to_ascii_lowercase().find("values"))
    else {
        return Vec::new();
    };
    if open > values {
        return Vec::new();
    }
    let Some(close) = rest[open..].find(')').map(|c| open + c) else {
        return Vec::new();
    };
    let columns: Vec<String> = rest[open + 1..close]
        .split(',')
        .map(|c| c.trim().trim_matches(['"', '`', '[', ']']).to_ascii_lowercase())
        .collect();
    let Some(slot) = columns
        .iter()
        .position(|c| crate::patterns::is_password_like_name(c) && !c.contains("hash"))
    else {
        return Vec::new();
    };
    // Each row: the values between parentheses, split on commas outside quotes.
    let mut out = Vec::new();
    let tuples = &rest[values..];
    let mut chars = tuples.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c != '(' {
            continue;
        }
        let mut fields: Vec<String> = vec![String::new()];
        let mut quote: Option<char> = None;
        for (_, ch) in chars.by_ref() {
            match (quote, ch) {
                (None, ',') => fields.push(String::new()),
                (None, ')') => break,
                _ => {
                    if quote.is_none() && matches!(ch, '\'' | '"') {
                        quote = Some(ch);
                    } else if quote == Some(ch) {
                        quote = None;
                    }
                    if let Some(f) = fields.last_mut() {
                        f.push(ch);
                    }
                }
            }
        }
        if let Some(v) = fields.get(slot).map(|f| f.trim())
            && v.len() >= 2
            && v.starts_with('\'')
            && v.ends_with('\'')
        {
            let value = &v[1..v.len() - 1];
            // A hash stored in the seed (`$2b$…`, `pbkdf2:sha256:…`) is no password.
            let hashed = value.starts_with('$') || value.contains(':') && value.len() > 40;
            if !hashed && !value.is_empty() && !is_placeholder(value) {
                out.push(value.to_owned());
            }
        }
    }
    out
}

pub(crate) fn check_call(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    check_hashed_literal(cx, call);
    check_seeded_parameters(cx, call);
    // An archive's password (`archive.extractall(pwd="infected")`, `ZipFile.setpassword`,
    // `py7zr.SevenZipFile(path, password=...)`, a member's `open`/`read` with `pwd=`) opens a
    // file that travels with it, the convention of malware and sample archives; it lets no
    // one into a service.
    let callee = crate::ast_util::callee_last(call);
    let archive_call = matches!(
        callee,
        Some(
            "extractall" | "extract" | "setpassword" | "SevenZipFile" | "RarFile" | "ZipFile"
                | "AESZipFile" | "testzip"
        )
    );
    let opens_a_member = matches!(callee, Some("open" | "read"));
    for k in &call.arguments.keywords {
        let Some(arg) = &k.arg else { continue };
        // A password equal to the user name passed beside it (`login="airflow",
        // password="airflow"`): a default's shape.
        let same_as_user = |literal: &str| {
            call.arguments.keywords.iter().any(|u| {
                u.arg.as_ref().is_some_and(|a| {
                    matches!(a.as_str(), "user" | "username" | "user_name" | "login")
                }) && str_value(&u.value)
                    .is_some_and(|user| spillcheck_core::vocab::is_placeholder_password(user, literal))
            })
        };
        let archive = archive_call || (opens_a_member && arg.as_str() == "pwd");
        if let Some(literal) = str_value(&k.value)
            && is_credential_name(arg.as_str())
            && credential_for(arg.as_str(), literal)
            && !same_as_user(literal)
            && !archive
        {
            // Test and sample data made by a function or module named so
            // (`create_test_data`).
            let named_test = |n: &str| {
                let n = n.to_ascii_lowercase();
                ["test", "fixture", "fake", "dummy", "sample", "demo", "example"]
                    .iter()
                    .any(|w| n.contains(w))
            };
            let stem = cx.file.rel.rsplit('/').next().unwrap_or(&cx.file.rel);
            // The name the call is assigned to (`connection_args_example =
            // OrderedDict(password="…")`: a documentation example of the settings).
            let start = usize::from(ruff_text_size::Ranged::range(call).start());
            let line_start = cx.file.text[..start].rfind('\n').map_or(0, |i| i + 1);
            let assigned = cx.file.text[line_start..start]
                .split_once('=')
                .map(|(name, _)| name.trim())
                .filter(|name| name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.'));
            let test_data = named_test(stem)
                || cx.functions.iter().any(|f| named_test(f.name.as_str()))
                || assigned.is_some_and(named_test);
            let fix = crate::fixes::from_environment(
                cx,
                &k.value,
                arg.as_str(),
            );
            let finding = cx.report(
                &SC131,
                &k.value,
                format!("credential `{arg}` is passed as a literal"),
            );
            finding.secrets.push(literal.to_owned());
            finding.autofix = fix;
            if test_data {
                finding.lower_to_possible("test or sample data");
            }
        }
    }
}

/// `SC131` on any string literal: a URL with an embedded password.
pub(crate) fn check_string(cx: &mut Checker<'_>, lit: &ast::ExprStringLiteral) {
    let value = lit.value.to_str();
    let seeded = inserted_passwords(value);
    if !seeded.is_empty() {
        let finding = cx.report(
            &SC131,
            lit,
            "default accounts are seeded with passwords written in the SQL: every install starts with them",
        );
        finding.secrets.extend(seeded);
    }
    if value.contains("://") && value.contains('@') && has_url_password(value) {
        let example =
            under_example_key(&cx.file.text, ruff_text_size::Ranged::range(lit).start().to_usize());
        let finding = cx.report(&SC131, lit, "connection URL with an embedded password");
        finding.secrets.push(value.to_owned());
        if example {
            finding.lower_to_possible(
                "held under a key that says it shows examples: the documented shape of a URL, often with the vendor's default password",
            );
        }
    }
}

/// Whether the text at `at` sits in a list or dict held under a key that says it shows
/// examples (`"connection_examples": [{... "postgresql://user:pw@host/db"}]`, `sample=`):
/// documentation of a URL's shape, not a credential in use. Up to three enclosing
/// brackets are looked at.
fn under_example_key(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    let mut depth = 0i32;
    let mut levels = 0;
    let mut i = at.min(bytes.len());
    let floor = at.saturating_sub(4000);
    while i > floor {
        i -= 1;
        match bytes[i] {
            b')' | b']' | b'}' => depth += 1,
            b'(' | b'[' | b'{' if depth > 0 => depth -= 1,
            b'(' | b'[' | b'{' => {
                // An enclosing bracket: the key or name right before it.
                let before = text[..i].trim_end();
                let before = before.strip_suffix(':').or_else(|| before.strip_suffix('=')).unwrap_or("");
                let name = before.trim_end().trim_end_matches(['"', '\'']);
                let key: String = name
                    .chars()
                    .rev()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<Vec<char>>()
                    .into_iter()
                    .rev()
                    .collect::<String>()
                    .to_ascii_lowercase();
                if key.contains("example") || key.contains("sample") {
                    return true;
                }
                levels += 1;
                if levels >= 3 {
                    return false;
                }
            }
            _ => {}
        }
    }
    false
}

/// What a request credential is called when an expression reads one: a header, cookie or
/// parameter named for a key, token, secret, password or session
/// (`request.headers.get("X-Internal-Secret")`, `request.cookies["session_id"]`,
/// `request.headers["Authorization"]`).
/// `bodies`: the function's locals bound to the request's body (`data =
/// request.get_json()`), whose fields are request parameters too.
fn request_credential(e: &Expr, bodies: &[&str]) -> Option<String> {
    let (mapping, key) = match e {
        Expr::Call(c) => match c.func.as_ref() {
            Expr::Attribute(a) if a.attr.as_str() == "get" => {
                (a.value.as_ref(), c.arguments.args.first().and_then(str_value)?)
            }
            _ => return None,
        },
        Expr::Subscript(sub) => (sub.value.as_ref(), str_value(&sub.slice)?),
        _ => return None,
    };
    let m = crate::ast_util::callee_or_dotted(mapping)?;
    if !matches!(
        m.as_str(),
        "request.headers"
            | "request.cookies"
            | "request.args"
            | "request.values"
            | "request.form"
            | "request.json"
            | "request.get_json"
    ) && !bodies.contains(&m.as_str())
    {
        return None;
    }
    let k = key.to_ascii_lowercase();
    // `token_type`, `auth_method`, `session_mode`: what kind, not the credential;
    // `sorting_key`, `group_key`, `idempotency_key`: a column or a request's own id.
    let kind = ["type", "mode", "method", "kind", "scheme", "format", "version", "name"]
        .iter()
        .any(|w| k.ends_with(w))
        || crate::patterns::words(key).iter().any(|w| {
            matches!(
                w.as_str(),
                "sort" | "sorting" | "order" | "group" | "lookup" | "column" | "field"
                    | "partition" | "primary" | "idempotency" | "cache"
            )
        });
    (!kind
        && ["key", "token", "secret", "password", "passwd", "session", "authorization", "auth"]
            .iter()
            .any(|w| k.contains(w)))
    .then(|| key.to_owned())
}

/// `SC131` on a request credential checked against a literal written in the code: `if
/// request.headers.get("X-Internal-Secret") != "hunter2"`, a local read from the header
/// compared so, `api_key in VALID_KEYS` with a module list of literals. Whoever reads the
/// source holds the credential.
pub(crate) fn check_if(cx: &mut Checker<'_>, stmt: &ast::StmtIf) {
    let mut tests: Vec<&Expr> = vec![&stmt.test];
    tests.extend(stmt.elif_else_clauses.iter().filter_map(|c| c.test.as_ref()));
    // Locals bound to the request's body, and locals the function reads from a request
    // credential.
    let bodies: Vec<&str> = cx
        .functions
        .last()
        .map(|f| crate::facts::names_bound_to(&f.body, crate::recognizers::request_body))
        .unwrap_or_default();
    let locals: Vec<(String, String)> = cx
        .functions
        .last()
        .map(|f| {
            crate::facts::assigns_in(&f.body)
                .iter()
                .filter_map(|a| {
                    let key = request_credential(&a.value, &bodies)?;
                    match a.targets.as_slice() {
                        [Expr::Name(n)] => Some((n.id.to_string(), key)),
                        _ => None,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let credential = |e: &Expr| {
        request_credential(e, &bodies).or_else(|| match e {
            Expr::Name(n) => locals
                .iter()
                .find(|(l, _)| l == n.id.as_str())
                .map(|(_, k)| k.clone()),
            _ => None,
        })
    };
    for test in tests {
        let mut hit: Option<(String, String, &Expr)> = None;
        crate::ast_util::each_expr(test, &mut |e| {
            let Expr::Compare(c) = e else { return };
            if hit.is_some() || c.ops.len() != 1 {
                return;
            }
            let (left, right) = (c.left.as_ref(), &c.comparators[0]);
            match c.ops[0] {
                ast::CmpOp::Eq | ast::CmpOp::NotEq => {
                    for (read, lit) in [(left, right), (right, left)] {
                        if let (Some(key), Some(value)) = (credential(read), str_value(lit)) {
                            let bare = value.strip_prefix("Bearer ").unwrap_or(value);
                            // Something made or chosen as a secret: a password, a key a
                            // machine could have made, or text with digits or punctuation
                            // (`hunter2`, `valid-session-token`), not a word.
                            let chosen = credential_for(&key, bare)
                                || bare.chars().any(|ch| ch.is_ascii_digit() || ch.is_ascii_punctuation());
                            if bare.len() >= 6
                                && chosen
                                && credential_literal(bare)
                                && !crate::patterns::is_template_marker(bare)
                            {
                                hit = Some((key, bare.to_owned(), lit));
                            }
                        }
                    }
                }
                ast::CmpOp::In | ast::CmpOp::NotIn => {
                    let listed = match right {
                        Expr::Name(n) => cx.constants.get(n.id.as_str()).copied(),
                        other => Some(other),
                    };
                    if let (Some(key), Some(Expr::List(_) | Expr::Set(_) | Expr::Tuple(_))) =
                        (credential(left), listed)
                        && let Some(list) = listed
                    {
                        let elts: &[Expr] = match list {
                            Expr::List(l) => &l.elts,
                            Expr::Set(st) => &st.elts,
                            Expr::Tuple(t) => &t.elts,
                            _ => &[],
                        };
                        if let Some(first) = elts.iter().find(|x| {
                            str_value(x).is_some_and(|v| {
                                v.len() >= 6 && credential_literal(v) && crate::patterns::key_like(v)
                            })
                        }) {
                            hit = Some((key, str_value(first).unwrap_or_default().to_owned(), first));
                        }
                    }
                }
                _ => {}
            }
        });
        if let Some((key, literal, at)) = hit {
            let f = cx.report(
                &SC131,
                at,
                format!("the request's `{key}` is checked against a credential written in the code"),
            );
            f.secrets.push(literal);
            return;
        }
    }
}

hooks! {
    on_assign => check_assign,
    on_call => check_call,
    on_string => check_string,
    on_if => check_if,
}
