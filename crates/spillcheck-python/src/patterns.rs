//! Recognisers shared by several rules: logging calls, secret-looking names and
//! values, placeholders, credential sources in a request.

use ruff_python_ast::{self as ast, Expr};

use crate::ast_util::{callee_last, dotted, str_value};

const LOG_METHODS: &[&str] = &[
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "log",
    "fatal",
];

/// `logger.info(...)`, `app.logger.debug(...)`, `logging.warning(...)`, `log.error(...)`.
pub(crate) fn is_log_call(call: &ast::ExprCall) -> bool {
    let Expr::Attribute(a) = call.func.as_ref() else {
        return false;
    };
    if !LOG_METHODS.contains(&a.attr.as_str()) {
        return false;
    }
    let Some(receiver) = dotted(&a.value) else {
        return false;
    };
    let last = receiver
        .rsplit('.')
        .next()
        .unwrap_or(&receiver)
        .trim_end_matches("()")
        .to_ascii_lowercase();
    last == "logging" || last.contains("log") || receiver.ends_with("getLogger()")
}

/// Every argument of a call (positional and keyword values).
pub(crate) fn call_values(call: &ast::ExprCall) -> impl Iterator<Item = &Expr> {
    call.arguments
        .args
        .iter()
        .chain(call.arguments.keywords.iter().map(|k| &k.value))
}

/// A value that is a template to fill, not a value: empty, `<secret>`, `${SECRET}`,
/// `{{ secret }}`, `None`. A committed placeholder such as `"change-me"` is not one of
/// these: an app configured with it signs with it.
pub(crate) fn is_template_marker(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    v.len() < 3
        || v.contains("${")
        || v.contains("{{")
        || v.starts_with('<') && v.ends_with('>')
        || matches!(lower.as_str(), "none" | "null" | "xxx" | "todo")
        || v.chars()
            .all(|c| matches!(c, '*' | 'x' | 'X' | '.' | '-' | '_'))
}

/// Placeholders and non-secrets that secret rules must not report: the shared
/// vocabulary's placeholders and demo values
/// ([`spillcheck_core::vocab::is_placeholder_value`]), Python's empty values (`None`,
/// `null`), words that name a field rather than hold a value, one repeated character.
pub(crate) fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.len() < 3 || spillcheck_core::vocab::is_placeholder_value(v) {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if lower.contains("none") || lower.contains("null") {
        return true;
    }
    // Words that describe a field rather than hold a value (`token_type = "Bearer"`).
    matches!(
        lower.as_str(),
        "bearer"
            | "basic"
            | "token"
            | "password"
            | "secret"
            | "api_key"
            | "apikey"
            | "access_token"
            | "refresh_token"
            | "jwt"
            | "hs256"
            | "rs256"
            | "authorization"
            | "x-api-key"
            | "true"
            | "false"
            | "string"
            | "str"
    ) || v.chars().all(|c| c == v.chars().next().unwrap_or('x'))
}

/// Values that read like a message, a format or a path rather than a secret.
pub(crate) fn is_not_a_secret_value(value: &str) -> bool {
    let v = value.trim();
    // One capitalised word closed by a full stop is a sentence (`{"status": "success",
    // "Password": "Updated."}`), not a credential.
    let sentence = v.strip_suffix(['.', '!']).is_some_and(|w| {
        matches!(
            w.to_ascii_lowercase().as_str(),
            "updated"
                | "saved"
                | "done"
                | "success"
                | "changed"
                | "created"
                | "deleted"
                | "removed"
                | "reset"
                | "sent"
                | "ok"
                | "set"
                | "required"
                | "invalid"
                | "incorrect"
                | "missing"
        )
    });
    sentence
        || v.contains(' ')
        || v.contains("%s")
        || v.contains("{}")
        || v.contains("{0")
        || v.starts_with('/') && !v.contains(':')
        || v.starts_with("http://")
        || v.starts_with("https://") && !has_url_password(v)
}

/// Whether a URL literal carries a password: `scheme://user:pass@host`.
pub(crate) fn has_url_password(v: &str) -> bool {
    if v.contains("(?") || v.contains("[^") || v.contains('\\') || v.contains(".*") {
        return false; // a regular expression describing URLs, not a URL
    }
    let Some((_, rest)) = v.split_once("://") else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or(rest);
    let Some((userinfo, _host)) = authority.rsplit_once('@') else {
        return false;
    };
    match userinfo.split_once(':') {
        Some((user, pass)) => {
            !pass.is_empty()
                && !is_placeholder(pass)
                && !pass.starts_with('$')
                && !pass.starts_with('{')
                && !placeholder_credentials(user, pass)
        }
        None => false,
    }
}

/// Userinfo that documents the shape of a URL (`user:pass`, `scott:tiger`, `USER:PASSWORD`;
/// the shared list) or a tutorial's `pass123`.
fn placeholder_credentials(user: &str, pass: &str) -> bool {
    spillcheck_core::vocab::is_placeholder_password(user, pass)
        || pass.eq_ignore_ascii_case("pass123")
}

/// A literal that names something rather than holds a value: the identifier's own
/// spelling (`CLIENT_SECRET = "client_secret"`, `RESET_PASSWORD = "reset_password"`), an
/// environment variable's name (`"OPENAI_API_KEY"`), a dotted setting key
/// (`"ckan.smtp.password"`), an import path (`"pkg.mod:Class"`).
pub(crate) fn names_a_thing(name: &str, literal: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let (n, l) = (norm(name), norm(literal));
    let v = literal.trim();
    // A namespaced identifier ending in the name's own spelling (`_ACCESS_TOKEN =
    // "OS-OAUTH1:access_token"`, an event or resource type), or in its last words
    // (`"validate_admin_api_key": "inline:admin_api_key"`, a label for a function).
    let namespaced_self = v.contains([':', '/', '.'])
        && !v.contains(' ')
        && v.rsplit([':', '/', '.']).next().is_some_and(|last| {
            let last = norm(last);
            last.len() >= 4 && (last == n || last.len() >= 6 && n.ends_with(&last))
        });
    namespaced_self
        || !l.is_empty() && (n == l || n.ends_with(&l) && l.len() >= 4)
        // The name's own word in the plural: a label (`RESOURCE_PASSWORD = "Passwords"`).
        || l.strip_suffix('s').is_some_and(|one| one.len() >= 4 && n.ends_with(one))
        || v.len() > 3
            && v.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            && v.contains('_')
        || v.contains('.')
            && !v.contains(' ')
            && v.chars()
                .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
            && !v.starts_with('.')
        || v.contains(':')
            && v.split(':').all(|part| {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
            })
            && v.split(':').next().is_some_and(|m| m.contains('.'))
}

/// A dict that maps names to names (`{"password": "pass", "email": "mail", "name":
/// "name"}`: field names to the fragments of setting or attribute names): most of its
/// values spell their key or a part of it. Its `password` entry names a field.
pub(crate) fn is_name_map(d: &ast::ExprDict) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let pairs: Vec<(String, String)> = d
        .items
        .iter()
        .filter_map(|i| {
            let k = i.key.as_ref().and_then(crate::ast_util::str_value)?;
            let v = crate::ast_util::str_value(&i.value)?;
            Some((norm(k), norm(v)))
        })
        .collect();
    let naming = pairs
        .iter()
        .filter(|(k, v)| v.len() >= 2 && (k == v || k.contains(v.as_str())))
        .count();
    if pairs.len() >= 3 && pairs.len() == d.items.len() && naming * 2 > pairs.len() {
        return true;
    }
    // Field names to a schema's attribute names (`{"user_name": "uid", "password":
    // "userPassword", "given_name": "givenName"}`, an LDAP or JSON mapping, `{"userPassword":
    // "password_hash", "phone": "phone_number"}`): every value an identifier, most of them
    // compound names (camelCase, snake_case) or their key.
    let values: Vec<&str> = d
        .items
        .iter()
        .filter_map(|i| crate::ast_util::str_value(&i.value))
        .collect();
    let identifier = |v: &&str| {
        v.starts_with(|c: char| c.is_ascii_alphabetic())
            && v.chars().all(|c| c.is_ascii_alphabetic() || c == '_')
    };
    // `userPassword`, `password_hash`: a compound name, not a word a person would pick.
    let camel = |v: &&str| {
        v.starts_with(|c: char| c.is_ascii_lowercase())
            && (v.chars().skip(1).any(|c| c.is_ascii_uppercase()) && !v.contains('_')
                || v.contains('_') && !v.chars().any(|c| c.is_ascii_uppercase()))
    };
    values.len() >= 3
        && values.len() == d.items.len()
        && values.iter().all(identifier)
        && (values.iter().filter(|v| camel(v)).count() + naming) * 2 > values.len()
}

/// Whether a value could be a machine-made key (not a dummy word an SDK needs): mixed
/// character classes, or long enough to be random.
pub(crate) fn key_like(value: &str) -> bool {
    let v = value.trim();
    let classes = [
        v.chars().any(|c| c.is_ascii_lowercase()),
        v.chars().any(|c| c.is_ascii_uppercase()),
        v.chars().any(|c| c.is_ascii_digit()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    v.len() >= 20 || v.len() >= 8 && classes >= 2
}

/// The lower-case words of a name: `snake_case`, `kebab-case`, dotted and `camelCase`.
pub(crate) fn words(name: &str) -> Vec<String> {
    // Split snake_case, kebab-case, dotted and camelCase into lowercase words.
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' || c == '.' || c == ' ' {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Name endings that say "this is not the secret itself".
fn descriptive(ws: &[String]) -> bool {
    const TAILS: &[&str] = &[
        "url",
        "uri",
        "endpoint",
        "field",
        "name",
        "header",
        "param",
        "path",
        "file",
        "length",
        "len",
        "pattern",
        "regex",
        "message",
        "msg",
        "prefix",
        "type",
        "id",
        "label",
        "template",
        "format",
        "env",
        "var",
        "key_name",
        "dir",
        "expiry",
        "expires",
        "ttl",
        "lifetime",
        "algorithm",
        "alg",
        "min",
        "max",
        "hint",
        "policy",
        "required",
        "location",
        "days",
        "minutes",
        "seconds",
        "hours",
        "size",
        "count",
        "column",
        "attr",
        "attribute",
        "scheme",
        "salt_rounds",
        "rounds",
        "hash",
        "hashed",
        "digest",
        "sha256",
        "checker",
        "validator",
        "reset",
        "enabled",
        "mode",
        "class",
        "backend",
        "loader",
        // What is said about the secret, not the secret: `pin_pols` (the PIN policies),
        // `password_rules`, `password_attempts`, `pin_strength`, `password_changed_at`.
        "pols",
        "policies",
        "rule",
        "rules",
        "requirements",
        "config",
        "settings",
        "options",
        "opts",
        "contents",
        "counter",
        "attempts",
        "tries",
        "retries",
        "failcount",
        "strength",
        "complexity",
        "status",
        "changed",
        "date",
        "timestamp",
        "at",
    ];
    // A setting or flag about the secret: `require_password`, `use_api_key`, `has_pin`,
    // `show_password`.
    const FLAG_HEADS: &[&str] = &[
        "require", "requires", "use", "uses", "has", "is", "need", "needs", "enable", "disable",
        "allow", "show", "ask", "prompt", "skip", "no", "with", "without",
    ];
    ws.last().is_some_and(|w| TAILS.contains(&w.as_str()))
        || ws.len() > 1 && FLAG_HEADS.contains(&ws[0].as_str())
}

/// A name in capitals, digits and underscores: a module constant by convention
/// (`CHANGE_ME_SECRET_KEY`, `UPDATE_USER_PASSWORD`).
pub(crate) fn is_capitals_name(name: &str) -> bool {
    name.chars()
        .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '_')
}

/// A name that holds a signing key: `SECRET_KEY`, `JWT_SECRET`, `app.secret_key`, `SIGNING_KEY`.
pub(crate) fn is_signing_key_name(name: &str) -> bool {
    let ws = words(name);
    if ws.is_empty() || descriptive(&ws) {
        return false;
    }
    let joined = ws.join("_");
    joined.ends_with("secret_key")
        || joined.ends_with("jwt_secret")
        || joined.ends_with("jwt_key")
        || joined.ends_with("signing_key")
        || joined.ends_with("token_secret")
        || joined.ends_with("hmac_key")
        || joined.ends_with("hmac_secret")
        || joined.ends_with("jwt_secret_key")
        || joined.ends_with("encryption_key")
        || joined.ends_with("session_secret")
        || joined == "secret"
        || joined.ends_with("app_secret")
        // Flask-Security's keys: the salt that keys its password HMAC and its tokens, and
        // the TOTP secrets.
        || joined == "security_password_salt"
        || joined == "security_totp_secrets"
        // `SECRET_KEY_HMAC`, `SECRET_KEY_2`, `JWT_SECRET_KEY_V2`: a key with a qualifier.
        || ws.windows(2).position(|w| w[0] == "secret" && w[1] == "key").is_some_and(|i| {
            ws[i + 2..].iter().all(|q| {
                matches!(q.as_str(), "hmac" | "jwt" | "token" | "signing" | "old" | "new" | "prod")
                    || q.trim_start_matches('v').chars().all(|c| c.is_ascii_digit())
            })
        })
}

/// A name that holds a credential: passwords, API keys, tokens, client secrets.
pub(crate) fn is_credential_name(name: &str) -> bool {
    let ws = words(name);
    if ws.is_empty() || descriptive(&ws) || is_signing_key_name(name) {
        return false;
    }
    let last = ws.last().map(String::as_str).unwrap_or_default();
    let joined = ws.join("_");
    // A push notification's address (`push_token`, `fcm_token`, `apns_token`): where the
    // app sends a device's notifications, no credential of the API.
    if last == "token"
        && ws
            .iter()
            .any(|w| matches!(w.as_str(), "push" | "fcm" | "apns" | "gcm" | "notification"))
    {
        return false;
    }
    matches!(
        last,
        "password" | "passwd" | "pwd" | "passphrase" | "apikey" | "token" | "secret"
    ) || joined.ends_with("api_key")
        || joined.ends_with("access_key")
        || joined.ends_with("secret_access_key")
        || joined.ends_with("private_key")
        || joined.ends_with("auth_token")
        || joined.ends_with("client_secret")
        || joined.ends_with("account_key")
        || joined.ends_with("master_key")
}

/// A variable name that reads like a password or secret value (for logging rules).
pub(crate) fn is_password_like_name(name: &str) -> bool {
    let ws = words(name);
    if ws.is_empty() || descriptive(&ws) {
        return false;
    }
    ws.iter().any(|w| {
        matches!(
            w.as_str(),
            "password" | "passwd" | "pwd" | "passphrase" | "pin" | "cvv" | "ssn"
        )
    }) || ws.join("_").ends_with("secret")
        || ws.join("_").ends_with("api_key")
        || ws.join("_").ends_with("private_key")
}

/// A word that names a password, in English and in the languages apps are written in
/// (`parola`, `passwort`, `contrasena`, `senha`, `motdepasse`, `wachtwoord`, `haslo`):
/// `parola_veche` is an old password. Only where a password is already expected (a
/// column written or compared, a local compared with a stored password): `parola` is
/// also Italian for "word".
pub(crate) fn is_password_word(w: &str) -> bool {
    matches!(
        w,
        "password"
            | "passwd"
            | "pwd"
            | "parola"
            | "passwort"
            | "kennwort"
            | "contrasena"
            | "contrasenya"
            | "senha"
            | "motdepasse"
            | "wachtwoord"
            | "haslo"
            | "heslo"
            | "jelszo"
            | "salasana"
            | "losenord"
            | "sifre"
    )
}

/// A variable name that reads like a bearer token or auth header value.
pub(crate) fn is_token_like_name(name: &str) -> bool {
    let ws = words(name);
    if ws.is_empty() || descriptive(&ws) {
        return false;
    }
    let j = ws.join("_");
    matches!(
        j.as_str(),
        "token"
            | "jwt"
            | "bearer"
            | "authorization"
            | "auth_header"
            | "authorization_header"
            | "access_token"
            | "refresh_token"
            | "id_token"
            | "bearer_token"
            | "auth_token"
            | "api_token"
            | "session_token"
            | "raw_token"
            | "header_token"
    )
}

fn is_headers_object(e: &Expr) -> bool {
    dotted(e).is_some_and(|d| {
        let d = d.strip_prefix("flask.").unwrap_or(&d);
        d == "request.headers" || d == "request.environ" || d == "request.cookies"
    })
}

/// Calls that pass their argument's content through (`dict(h)`, `str(h)`, `json.dumps(h)`).
const TRANSPARENT: &[&str] = &[
    "dict", "str", "repr", "list", "tuple", "sorted", "dumps", "format", "join", "pformat", "vars",
    "copy", "to_dict", "jsonify",
];

/// Credential headers beyond those [`spillcheck_core::vocab::credential_header`] names.
const CREDENTIAL_HEADERS: &[&str] = &["cookie", "proxy-authorization", "http_authorization"];

fn credential_key(e: &Expr) -> bool {
    // The header the configuration names for tokens (Flask-Security's
    // `app.config["SECURITY_TOKEN_AUTHENTICATION_HEADER"]`).
    if let Expr::Subscript(s) = e
        && dotted(&s.value).is_some_and(|d| d.ends_with("config"))
        && let Some(k) = str_value(&s.slice)
    {
        let k = k.to_ascii_uppercase();
        return k.ends_with("HEADER") && (k.contains("TOKEN") || k.contains("AUTH"));
    }
    str_value(e).is_some_and(|k| {
        CREDENTIAL_HEADERS.contains(&k.to_ascii_lowercase().as_str())
            || spillcheck_core::vocab::credential_header(k)
    })
}

/// A token read from the query string by its name: `request.args.get("auth_token")`,
/// `request.args["access_token"]`.
fn query_token(e: &Expr) -> bool {
    let (receiver, key) = match e {
        Expr::Call(c) => match c.func.as_ref() {
            Expr::Attribute(a) if a.attr.as_str() == "get" => {
                (a.value.as_ref(), c.arguments.args.first())
            }
            _ => return false,
        },
        Expr::Subscript(s) => (s.value.as_ref(), Some(s.slice.as_ref())),
        _ => return false,
    };
    dotted(receiver).is_some_and(|d| d.ends_with("request.args") || d.ends_with("request.values"))
        && key.and_then(str_value).is_some_and(|k| {
            let k = k.to_ascii_lowercase();
            k.contains("token") || k == "jwt" || k == "api_key" || k == "apikey"
        })
}

/// What `expr` carries of the request's credentials, if anything: the whole headers
/// (or environ, cookies), or the Authorization header itself. Membership tests
/// (`k in request.headers`) and reads of other headers carry nothing.
pub(crate) fn credential_flow(expr: &Expr) -> Option<&'static str> {
    use ruff_python_ast::visitor::{Visitor, walk_expr};
    struct V {
        found: Option<&'static str>,
    }
    impl<'a> Visitor<'a> for V {
        fn visit_expr(&mut self, e: &'a Expr) {
            if self.found.is_some() {
                return;
            }
            match e {
                _ if is_headers_object(e) => {
                    self.found = Some("all request headers (with `Authorization`)");
                }
                _ if query_token(e) => {
                    self.found = Some("a token from the query string");
                }
                Expr::Attribute(a)
                    if a.attr.as_str() == "authorization"
                        && dotted(&a.value).is_some_and(|d| d.ends_with("request")) =>
                {
                    self.found = Some("the `Authorization` header");
                }
                Expr::Subscript(sub) if is_headers_object(&sub.value) => {
                    if credential_key(&sub.slice) {
                        self.found = Some("the `Authorization` header");
                    }
                }
                Expr::Call(c) => match c.func.as_ref() {
                    Expr::Attribute(a) if !is_headers_object(&a.value) => {
                        // A method call: what it is called on flows on (`header.split()`);
                        // its arguments only through value-preserving calls.
                        self.visit_expr(&a.value);
                        if TRANSPARENT.contains(&a.attr.as_str()) {
                            for x in &c.arguments.args {
                                self.visit_expr(x);
                            }
                        }
                    }
                    Expr::Name(n) if !TRANSPARENT.contains(&n.id.as_str()) => {}
                    Expr::Attribute(a) if is_headers_object(&a.value) => match a.attr.as_str() {
                        "get" | "getlist" | "get_all"
                            if c.arguments.args.first().is_some_and(credential_key) =>
                        {
                            self.found = Some("the `Authorization` header");
                        }
                        "items" | "keys" | "values" | "to_wsgi_list" | "copy" | "to_dict" => {
                            self.found = Some("all request headers (with `Authorization`)");
                        }
                        _ => {}
                    },
                    _ => walk_expr(self, e),
                },
                Expr::Compare(c) => {
                    self.visit_expr(&c.left);
                    for x in &c.comparators {
                        if !is_headers_object(x) {
                            self.visit_expr(x);
                        }
                    }
                }
                _ => walk_expr(self, e),
            }
        }
    }
    let mut v = V { found: None };
    v.visit_expr(expr);
    v.found
}

/// Whether any part of `expr` carries request credentials.
pub(crate) fn reads_request_credentials(expr: &Expr) -> bool {
    credential_flow(expr).is_some()
}

/// `request.json`, `request.form`, `request.get_json()`: the whole request body.
pub(crate) fn is_body_dump(e: &Expr) -> bool {
    if crate::recognizers::request_body(e) {
        return true;
    }
    match e {
        Expr::Attribute(a) => {
            matches!(a.attr.as_str(), "json" | "form" | "data" | "values")
                && dotted(&a.value).is_some_and(|d| d.ends_with("request"))
        }
        Expr::Call(c) => {
            matches!(callee_last(c), Some("get_json" | "get_data"))
                && matches!(c.func.as_ref(), Expr::Attribute(a) if dotted(&a.value).is_some_and(|d| d.ends_with("request")))
                // The request's model, dumped: `body.model_dump()` of flask-openapi3's
                // `body: LoginBody` parameter.
                || matches!(callee_last(c), Some("model_dump" | "model_dump_json" | "dict"))
                    && matches!(c.func.as_ref(), Expr::Attribute(a) if matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == "body"))
        }
        _ => false,
    }
}
