//! Login and registration operations, found by shape, and the account the probe owns:
//! brute-force checks (SC261) are only ever aimed at an account the scan registered itself.

use std::sync::Arc;

use reqwest::Method;
use serde_json::{Map, Value};

use crate::discovery::{Operation, last_segment};
use crate::engine::Exchange;
use crate::probe::{Probe, Probed, random_name};

/// A login (or registration) operation and the body fields it takes.
#[derive(Debug, Clone)]
pub struct Form {
    /// The operation.
    pub op: Operation,
    /// The field for the user's name or email.
    pub user_field: String,
    /// The password field.
    pub password_field: String,
    /// A login request that worked, for `(user, password)`: failed attempts are sent in
    /// the same shape (JSON anywhere in the body, a form, HTTP Basic) with other values.
    pub recipe: Option<Recipe>,
}

impl Form {
    /// The account whose login request this form repeats, if any.
    pub fn account(&self) -> Option<&str> {
        self.recipe.as_ref().map(|r| r.user.as_str())
    }

    /// Whether this is the login of `op` (the same method and path).
    pub(crate) fn is_for(&self, op: &Operation) -> bool {
        self.op.method == op.method && self.op.path == op.path
    }

    /// The login of `op` as it worked for `user`, a JSON body naming them: for tests.
    #[cfg(test)]
    pub(crate) fn worked_for_tests(op: &Operation, user: &str, password: &str) -> Form {
        let url = url::Url::parse("http://127.0.0.1/").expect("a literal URL");
        let mut request = crate::engine::Request::new(
            "user A",
            op.method.parse().unwrap_or(reqwest::Method::POST),
            url,
        );
        request.body = Some((
            "application/json".to_owned(),
            serde_json::to_vec(&serde_json::json!({"login": user, "password": password}))
                .unwrap_or_default(),
        ));
        let mut login = form(op);
        login.recipe = Some(Recipe {
            request,
            user: user.to_owned(),
            password: password.to_owned(),
        });
        login
    }

    /// The password of that account.
    pub(crate) fn password(&self) -> Option<&str> {
        self.recipe.as_ref().map(|r| r.password.as_str())
    }

    /// The path parameters the account named itself in to log in (`project_id` of
    /// `GET /api/projects/{project_id}/token`): its own ids.
    pub fn own_ids(&self) -> Vec<(String, String)> {
        self.account()
            .map(|a| own_path_ids(&self.op.path, a))
            .unwrap_or_default()
    }
}

/// Another client, as `X-Forwarded-For` names it: the `n`th documentation address
/// (RFC 5737), a header value and never a destination.
pub fn other_client(n: usize) -> String {
    format!("198.51.100.{}", n % 254 + 1)
}

/// A login request that logged `user` in with `password` (the scan's own account, or a
/// `--user` account).
#[derive(Debug, Clone)]
pub struct Recipe {
    request: crate::engine::Request,
    user: String,
    password: String,
}

impl Recipe {
    /// The same request for `user` and `password`: the values replaced wherever the
    /// working request carried them (JSON at any depth, form fields, HTTP Basic).
    fn with(&self, user: &str, password: &str) -> crate::engine::Request {
        let mut req = self.request.clone();
        // Attempts with other credentials are the scan's writes, not a user's login.
        req.login = false;
        let swap = |v: &str| {
            if v == self.user {
                user.to_owned()
            } else if v == self.password {
                password.to_owned()
            } else {
                v.to_owned()
            }
        };
        if let Some((ct, bytes)) = &req.body {
            if ct.contains("json") {
                if let Ok(mut v) = serde_json::from_slice::<Value>(bytes) {
                    replace_strings(&mut v, &swap);
                    req.body = Some((ct.clone(), serde_json::to_vec(&v).unwrap_or_default()));
                }
            } else if ct.contains("form") {
                let pairs: Vec<(String, String)> = url::form_urlencoded::parse(bytes)
                    .map(|(k, v)| (k.into_owned(), swap(&v)))
                    .collect();
                let mut enc = url::form_urlencoded::Serializer::new(String::new());
                for (k, v) in &pairs {
                    enc.append_pair(k, v);
                }
                req.body = Some((ct.clone(), enc.finish().into_bytes()));
            }
        }
        // An account that names itself in the login's path (`/api/projects/alice/token`).
        let encode = crate::discovery::encode_segment;
        let (old, new) = (encode(&self.user), encode(user));
        let segments: Vec<String> = req
            .url
            .path_segments()
            .map(|s| s.map(str::to_owned).collect())
            .unwrap_or_default();
        if segments.contains(&old) {
            let path: Vec<&str> = segments
                .iter()
                .map(|s| if *s == old { new.as_str() } else { s.as_str() })
                .collect();
            req.url.set_path(&format!("/{}", path.join("/")));
        }
        for (k, v) in &mut req.headers {
            if k.eq_ignore_ascii_case("authorization") && v.starts_with("Basic ") {
                use base64::Engine as _;
                *v = format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
                );
            }
        }
        req
    }
}

fn replace_strings(v: &mut Value, swap: &dyn Fn(&str) -> String) {
    match v {
        Value::String(s) => *s = swap(s),
        Value::Object(m) => m.values_mut().for_each(|x| replace_strings(x, swap)),
        Value::Array(a) => a.iter_mut().for_each(|x| replace_strings(x, swap)),
        _ => {}
    }
}

/// An account the probe registered (its password never leaves the process).
#[derive(Debug, Clone)]
pub struct Account {
    /// Login name / email.
    pub user: String,
    /// Its password.
    pub password: String,
    /// The token its login answered with, when one was found in the answer.
    pub token: Option<String>,
    /// The login operation that worked for it.
    pub login: Form,
    /// The registration that made it, when registered in that operation's own shape.
    pub register: Option<Form>,
}

/// Registers a new account of the scan's at `register` (anonymously); its name and
/// password when the API took it.
pub(crate) async fn register_new(p: &Probe, register: &Form) -> Option<(String, String)> {
    let (user, password) = register_fresh(p, register, "scan's own account", true).await?;
    if let Ok(mut c) = p.created_users.lock() {
        c.push(user.clone());
    }
    Some((user, password))
}

/// Registers a fresh account at `register` anonymously, labelled `label`, in the body's
/// own content type (`form_aware`) or as JSON: in [`new_credentials`]' first shape, then,
/// when that is refused for its shape (`username and password should match
/// ^[0-9A-Za-z]+$`: a 4xx or a 200 that says it failed), with letters and digits only.
async fn register_fresh(
    p: &Probe,
    register: &Form,
    label: &str,
    form_aware: bool,
) -> Option<(String, String)> {
    for (user, password) in new_credentials(register) {
        p.secret(&password);
        let mut fields = body(register, &user, &password);
        // A refusal that names what is missing (`{"field_errors": {"full_name": ["This
        // field is required."]}}`, `full_name is required`) is answered once more with it.
        for _ in 0..2 {
            let req = p.request(label, Method::POST, &register.op.example_path());
            let req = if form_aware {
                req.body_for(register.op.content_type(), &fields)
            } else {
                req.json(&fields)
            };
            let ex = p.anon(req).await.ok()?;
            if ex.response.ok() && !crate::inspect::failure_body(&ex.response) {
                return Some((user, password));
            }
            if !(200..500).contains(&ex.response.status) {
                return None;
            }
            match completed_after_refusal(&fields, &ex.response) {
                Some(next) => fields = next,
                None => break,
            }
        }
    }
    None
}

/// A registration body completed with what its refusal names as missing
/// (`{"field_errors": {"full_name": ["This field is required."]}}`, `full_name is
/// required`); `None` when the refusal asks for nothing new.
fn completed_after_refusal(body: &Value, refusal: &crate::engine::Response) -> Option<Value> {
    let fields = body.as_object()?;
    crate::writes::completed_body(fields, &refusal.text(), &|_| None).map(Value::Object)
}

/// A new account's name and password: the usual shape (`spillcheck_k3x…`, a password with
/// symbols), then one of letters and digits only, for registrations that allow nothing else.
fn new_credentials(register: &Form) -> [(String, String); 2] {
    let plain = format!("spillcheck{}", random_name());
    let plain_user = if register.user_field.to_ascii_lowercase().contains("mail") {
        format!("{plain}@example.com")
    } else {
        plain
    };
    [
        (new_user(register), format!("Sc-{}-9!", random_name())),
        (plain_user, format!("Sc{}9Q", random_name())),
    ]
}

/// Logs an account of the scan's in at `login`: `Some(token)` when the login worked (the
/// token when its answer carried one).
async fn logged_in_token(
    p: &Probe,
    login: &Form,
    user: &str,
    password: &str,
) -> Option<Option<String>> {
    let ok = attempt(p, login, user, password, "scan's own account").await?;
    if !ok.response.ok() || crate::inspect::failure_body(&ok.response) {
        return None;
    }
    let token = token_in(&ok);
    if let Some(t) = &token {
        p.secret(t);
    }
    Some(token)
}

/// A second account of the kind `like` is (another merchant beside the scan's first),
/// registered and logged in the same way; for the cross-account checks within that kind.
pub async fn another_like(p: &Probe, like: &Account) -> Option<Account> {
    if !p.engine.settings().allow_writes {
        return None;
    }
    let register = like.register.as_ref()?;
    let (user, password) = register_new(p, register).await?;
    let token = logged_in_token(p, &like.login, &user, &password).await?;
    Some(Account {
        user,
        password,
        token,
        login: like.login.clone(),
        register: Some(register.clone()),
    })
}

pub(crate) fn form(op: &Operation) -> Form {
    let props: Vec<String> = op
        .body
        .as_ref()
        .map(|b| b.properties.clone())
        .unwrap_or_default();
    let find = |pred: &dyn Fn(&str) -> bool, default: &str| {
        props
            .iter()
            .find(|p| pred(&p.to_ascii_lowercase()))
            .cloned()
            .unwrap_or_else(|| default.to_owned())
    };
    let password_field = secret_field(&props).unwrap_or_else(|| "password".to_owned());
    // A login form that names the account otherwise (`id`, `account`, `project`): its one
    // field besides the password, CSRF and the submit button.
    let other = props
        .iter()
        .filter(|p| {
            **p != password_field && !p.to_ascii_lowercase().contains("pass") && !form_meta(p)
        })
        .collect::<Vec<_>>();
    let fallback = match other.as_slice() {
        [only] => only.as_str(),
        _ => "email",
    };
    Form {
        op: op.clone(),
        user_field: find(&|p| names_account(p), fallback),
        password_field,
        recipe: None,
    }
}

/// Fields of a form that are neither the account nor its secret: a cross-site request
/// token, "remember me", the submit button, where to go next.
fn form_meta(name: &str) -> bool {
    let p = name.to_ascii_lowercase();
    p.contains("csrf") || p.contains("remember") || p == "submit" || p == "next"
}

/// A field that names the account signing in (`email`, `username`, `login`, `user`).
fn names_account(lower: &str) -> bool {
    lower.contains("mail") || lower == "username" || lower == "login" || lower == "user"
}

/// The field of a login body that carries the secret: one named for a password, else the
/// one field beside the account's (`{"email", "secret"}`, `{"login", "passphrase"}`,
/// `{"username", "key"}`), not a one-time code.
fn secret_field(props: &[String]) -> Option<String> {
    if let Some(p) = props
        .iter()
        .find(|p| p.to_ascii_lowercase().contains("pass"))
    {
        return Some(p.clone());
    }
    if !props.iter().any(|p| names_account(&p.to_ascii_lowercase())) {
        return None;
    }
    let rest: Vec<&String> = props
        .iter()
        .filter(|p| !names_account(&p.to_ascii_lowercase()) && !form_meta(p))
        .collect();
    // Not a plain detail of a person or a thing (`{"email", "name"}` of a guest session).
    let plain = |n: &str| {
        matches!(
            spillcheck_core::vocab::normalize(n).as_str(),
            "name"
                | "fullname"
                | "firstname"
                | "lastname"
                | "displayname"
                | "phone"
                | "title"
                | "description"
                | "message"
                | "comment"
                | "language"
                | "locale"
                | "timezone"
        )
    };
    match rest.as_slice() {
        [only] if !is_code_field(only) && !plain(only) => Some((*only).clone()),
        _ => None,
    }
}

fn has_password(op: &Operation) -> bool {
    op.body.as_ref().is_none_or(|b| {
        b.properties.is_empty() || names_password(b) || secret_field(&b.properties).is_some()
    })
}

/// Whether a body has a password field, at the top or nested.
fn names_password(b: &crate::discovery::Body) -> bool {
    b.properties
        .iter()
        .any(|p| p.to_ascii_lowercase().contains("pass"))
        || nested_password(&b.example, 0)
}

/// A password field anywhere in a body (`{"auth": {"credentials": {"password"}}}`), or a
/// nested object of an account and its secret (`{"credentials": {"login", "secret"}}`).
fn nested_password(v: &Value, depth: usize) -> bool {
    match v {
        Value::Object(m) if depth < 5 => {
            let keys: Vec<String> = m.keys().cloned().collect();
            depth > 0 && secret_field(&keys).is_some()
                || m.iter().any(|(k, v)| {
                    k.to_ascii_lowercase().contains("pass") || nested_password(v, depth + 1)
                })
        }
        _ => false,
    }
}

/// The POSTs whose last path segment is one of `names` and that `accept`.
fn posts_named(p: &Probe, names: &[&str], accept: fn(&Operation) -> bool) -> Vec<Form> {
    p.ops
        .iter()
        .map(|pr| &pr.op)
        .filter(|op| {
            op.method == "POST" && names.contains(&last_segment(&op.path).as_str()) && accept(op)
        })
        .map(form)
        .collect()
}

/// The first POST whose last path segment is one of `names` and that `accept`s.
fn post_named(p: &Probe, names: &[&str], accept: fn(&Operation) -> bool) -> Option<Form> {
    posts_named(p, names, accept).into_iter().next()
}

/// How near a registration path is to a login path: the longer their common leading path
/// and the closer their depths, the nearer (a sort key: smaller is nearer).
fn nearness(register: &str, login: &str) -> (std::cmp::Reverse<usize>, usize) {
    let depth = |x: &str| x.trim_end_matches('/').matches('/').count();
    (
        std::cmp::Reverse(common_prefix(register, login)),
        depth(register).abs_diff(depth(login)),
    )
}

/// The length of the common leading path of two paths, in segments.
fn common_prefix(a: &str, b: &str) -> usize {
    a.split('/')
        .zip(b.split('/'))
        .take_while(|(x, y)| x == y)
        .count()
}

const LOGIN_NAMES: &[&str] = &[
    "login",
    "signin",
    "sign-in",
    "sign_in",
    "signon",
    "sign-on",
    "authenticate",
    "auth",
    "jwt",
    "session",
    "sessions",
    "token",
    "tokens",
    "access-token",
    "access_token",
];

/// How likely a POST named like a login is the users' login, as a sort key (smaller
/// first): a body known to hold a password before one whose body is unknown, a name
/// that says "log in" before one that only says "token" (`/machine/token` of an OTP
/// server assigns a token to a machine), fewer path parameters, then the shorter path.
fn login_rank(op: &Operation) -> (bool, bool, usize, usize) {
    let password_known = op
        .body
        .as_ref()
        .is_some_and(|b| names_password(b) || secret_field(&b.properties).is_some());
    let only_token = last_segment(&op.path).contains("token");
    (
        !password_known,
        only_token,
        crate::discovery::path_params(&op.path).len(),
        op.path.len(),
    )
}

/// The POSTs that may log users in, the likeliest first ([`login_rank`]).
fn login_forms(p: &Probe) -> Vec<Form> {
    let mut v = posts_named(p, LOGIN_NAMES, has_password);
    v.sort_by_key(|f| login_rank(&f.op));
    // Then those whose known body names no password (a handler that reads the credentials
    // from a nested object the code analysis saw as one field, `{"session": …}`): the
    // usual shapes, and what their refusal names, are sent there last.
    v.extend(posts_named(p, LOGIN_NAMES, |op| !has_password(op)));
    v
}

/// POSTs named otherwise whose body is a user's name and password and nothing that says
/// the account is made or its password changed (`POST /api/key {"username", "password"}`
/// answering an API key): logins by what they take, tried after the named ones.
fn credential_posts(p: &Probe) -> Vec<Operation> {
    credential_posts_of(&p.ops)
}

fn credential_posts_of(ops: &[Probed]) -> Vec<Operation> {
    // A collection (a listing beside it, or items under it) makes objects, whatever its
    // body: never sent as a login.
    let collection = |path: &str| {
        ops.iter().any(|x| {
            x.op.path != path && crate::discovery::item_of(&x.op.path, path.trim_end_matches('/'))
                || x.op.path == path && x.op.method == "GET"
        })
    };
    ops.iter()
        .map(|pr| &pr.op)
        .filter(|op| {
            let path = op.path.to_ascii_lowercase();
            op.method == "POST"
                && !matches!(op.security, crate::discovery::Security::Required(_))
                && crate::discovery::path_params(&op.path).is_empty()
                && !LOGIN_NAMES.contains(&last_segment(&op.path).as_str())
                && !creates_account(op)
                && !REGISTER_NAMES.contains(&last_segment(&op.path).as_str())
                && ![
                    "password",
                    "passwd",
                    "reset",
                    "forgot",
                    "register",
                    "signup",
                    "invite",
                    "delete",
                    "remove",
                    "close",
                    "deactivate",
                    "destroy",
                    "settings",
                    "config",
                ]
                .iter()
                .any(|w| path.contains(w))
                && !collection(&op.path)
                && op.body.as_ref().is_some_and(|b| {
                    // The credentials and nothing else a login does not take.
                    let names: Vec<String> = b
                        .properties
                        .iter()
                        .map(|x| spillcheck_core::vocab::normalize(x))
                        .collect();
                    names
                        .iter()
                        .any(|n| matches!(n.as_str(), "password" | "passwd" | "pwd"))
                        && names
                            .iter()
                            .any(|n| matches!(n.as_str(), "username" | "user" | "login" | "email"))
                        && names.iter().all(|n| {
                            matches!(
                                n.as_str(),
                                "password"
                                    | "passwd"
                                    | "pwd"
                                    | "username"
                                    | "user"
                                    | "login"
                                    | "email"
                                    | "otp"
                                    | "totp"
                                    | "code"
                                    | "remember"
                                    | "rememberme"
                            )
                        })
                })
        })
        .cloned()
        .collect()
}

const REGISTER_NAMES: &[&str] = spillcheck_core::vocab::ACCOUNT_CREATION_SEGMENTS;

fn registers_with_password(op: &Operation) -> bool {
    op.body.as_ref().is_some_and(|b| {
        b.properties
            .iter()
            .any(|x| x.to_ascii_lowercase().contains("pass"))
            && !b
                .properties
                .iter()
                .any(|x| spillcheck_core::vocab::names_current_password(x))
    })
}

/// A POST that makes an account: to `…/users`, `…/user`, `…/register`, `…/signup`, with a
/// user name or e-mail and a password, and no current password (`POST /user {"username",
/// "password"}` creates; a change of password sends the old one).
pub fn creates_account(op: &Operation) -> bool {
    // One the code or the description says needs a token updates the signed-in account.
    !matches!(op.security, crate::discovery::Security::Required(_))
        && op.method == "POST"
        && REGISTER_NAMES.contains(&last_segment(&op.path).as_str())
        && registers_with_password(op)
        && op.body.as_ref().is_some_and(|b| {
            b.properties.iter().any(|x| {
                let n = spillcheck_core::vocab::normalize(x);
                n.contains("mail")
                    || n.contains("username")
                    || n == "login"
                    || n == "user"
                    || n == "name"
            })
        })
}

/// The login operation: a POST to `…/login`, `…/signin`, `…/auth/token`, `…/sessions`.
pub fn login_form(p: &Probe) -> Option<Form> {
    login_forms(p).into_iter().next()
}

/// The registration operation: a POST to `…/register`, `…/signup`, `…/users`.
pub fn register_form(p: &Probe) -> Option<Form> {
    post_named(p, REGISTER_NAMES, registers_with_password)
}

/// Every registration operation that takes a password, in operation order.
pub fn register_forms(p: &Probe) -> Vec<Form> {
    posts_named(p, REGISTER_NAMES, registers_with_password)
}

/// Password-recovery operations that take a user name or email: POSTs whose path says
/// forgot / recover / reset password and whose body has no password field of its own
/// (`forgot-password {"username"}`, not `reset-password {"pin", "new_password"}`).
pub fn recovery_forms(p: &Probe) -> Vec<Form> {
    p.ops
        .iter()
        .map(|pr| &pr.op)
        .filter(|op| {
            let path = op.path.to_ascii_lowercase();
            op.method == "POST"
                && (path.contains("forgot")
                    || path.contains("recover")
                    || (path.contains("remind") && path.contains("pass"))
                    || (path.contains("reset") && path.contains("pass"))
                    // A reset under the accounts' own paths (`/auth/reset`).
                    || (path.contains("reset")
                        && path
                            .split('/')
                            .any(|s| matches!(s, "auth" | "account" | "accounts"))))
                && op.body.as_ref().is_some_and(|b| {
                    let lower: Vec<String> = b
                        .properties
                        .iter()
                        .map(|x| x.to_ascii_lowercase())
                        .filter(|x| !x.contains("csrf") && x != "submit")
                        .collect();
                    // The account's name or email, or the form's one field (`id`).
                    (lower.len() == 1
                        || lower.iter().any(|x| {
                            x.contains("mail") || x == "username" || x == "login" || x == "user"
                        }))
                        && !lower.iter().any(|x| {
                            x.contains("pass")
                                || x.contains("pin")
                                || x.contains("code")
                                || x.contains("token")
                        })
                })
        })
        .map(form)
        .collect()
}

/// Whether a body field carries a short secret code a user types (`reset_pin`, `otp`,
/// `verification_code`): guessable when attempts are not limited.
pub fn is_code_field(name: &str) -> bool {
    let n = spillcheck_core::vocab::normalize(name);
    n == "pin"
        || n.ends_with("pin")
        || n.starts_with("pin")
        || n.contains("otp")
        || n == "code"
        || n.ends_with("code")
            && !n.contains("country")
            && !n.contains("zip")
            && !n.contains("post")
        || n.contains("totp")
}

/// Operations that check a short code for a user (`POST /reset-password {username,
/// reset_pin, new_password}`, `POST /verify-otp {email, otp}`): (form, the code field).
pub fn code_forms(p: &Probe) -> Vec<(Form, String)> {
    p.ops
        .iter()
        .map(|pr| &pr.op)
        .filter(|op| op.method == "POST")
        .filter_map(|op| {
            let props = &op.body.as_ref()?.properties;
            let user = props.iter().any(|x| {
                let l = x.to_ascii_lowercase();
                l.contains("mail") || l == "username" || l == "login" || l == "user"
            });
            let code = props.iter().find(|x| is_code_field(x))?;
            user.then(|| (form(op), code.clone()))
        })
        .collect()
}

/// The documented example body of an operation as a JSON object (empty when none).
pub fn example_object(op: &Operation) -> Map<String, Value> {
    match op.body.as_ref().map(|b| &b.example) {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    }
}

fn body(form: &Form, user: &str, password: &str) -> Value {
    let mut m = example_object(&form.op);
    set_field(&mut m, &form.user_field, Value::from(user));
    set_field(&mut m, &form.password_field, Value::from(password));
    Value::Object(m)
}

/// Sets `key` where the documented body has it, also inside an envelope
/// (`{"user": {"email", "password"}}`); at the top level when it has it nowhere.
fn set_field(m: &mut Map<String, Value>, key: &str, value: Value) {
    fn find(m: &mut Map<String, Value>, key: &str, value: &Value, depth: usize) -> bool {
        if m.contains_key(key) {
            m.insert(key.to_owned(), value.clone());
            return true;
        }
        depth < 3
            && m.values_mut().any(|v| match v {
                Value::Object(inner) => find(inner, key, value, depth + 1),
                _ => false,
            })
    }
    if !find(m, key, &value, 0) {
        m.insert(key.to_owned(), value);
    }
}

/// A login attempt (anonymous).
pub async fn attempt(
    p: &Probe,
    form: &Form,
    user: &str,
    password: &str,
    label: &str,
) -> Option<Arc<Exchange>> {
    attempt_from(p, form, user, password, label, None).await
}

/// [`attempt`] claiming to come from another client: `forwarded_for` in
/// `X-Forwarded-For`, as a client behind a proxy would (a limit keyed on it is a limit
/// the client picks).
pub async fn attempt_from(
    p: &Probe,
    form: &Form,
    user: &str,
    password: &str,
    label: &str,
    forwarded_for: Option<&str>,
) -> Option<Arc<Exchange>> {
    let mut req = match &form.recipe {
        Some(r) => {
            let mut req = r.with(user, password);
            req.actor = label.into();
            req
        }
        None => p
            .request(label, Method::POST, &form.op.example_path())
            .body_for(form.op.content_type(), &body(form, user, password)),
    };
    if let Some(ip) = forwarded_for {
        req = req.header("X-Forwarded-For", ip);
    }
    p.anon(req).await.ok()
}

fn new_user(form: &Form) -> String {
    let name = format!("spillcheck_{}", random_name());
    if form.user_field.to_ascii_lowercase().contains("mail") {
        format!("{name}@example.com")
    } else {
        name
    }
}

/// A user nobody has, shaped like `existing` (an email for an email): the two attempts
/// of an enumeration check must differ only in whether the account exists.
pub fn unknown_like(existing: &str) -> String {
    let name = random_name();
    if existing.contains('@') {
        return format!("spillcheck-{name}@example.com");
    }
    // A name made of the same kind of characters as the existing one, so that a rule on
    // user names (`^[a-z]+$`) refuses neither: letters only for a name of letters only.
    let letters: String = name.chars().filter(char::is_ascii_alphabetic).collect();
    let letters = format!("{letters}{}", "spillcheck")
        .chars()
        .take(existing.chars().count().clamp(8, 12))
        .collect::<String>();
    if existing.chars().all(|c| c.is_ascii_lowercase()) {
        letters
    } else if existing.chars().all(|c| c.is_ascii_alphabetic()) {
        let mut chars = letters.chars();
        chars
            .next()
            .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
            .unwrap_or_default()
    } else if existing.chars().all(|c| c.is_ascii_alphanumeric()) {
        format!("sc{name}")
    } else {
        format!("spillcheck_{name}")
    }
}

/// The account the probe registered for itself (the one that logs in where the users
/// do, when it can), registered once per run and only with `--allow-writes`.
pub async fn owned_account(p: &Probe) -> Option<Account> {
    owned_accounts(p).await.into_iter().next()
}

/// The probe's own accounts, one per login operation it could register for (at most
/// three: `/register` → `/login`, `/api/v1/merchants/register` → `/api/v1/merchants/login`),
/// each checked to log in. Registered once per run, only with `--allow-writes`.
pub async fn owned_accounts(p: &Probe) -> Vec<Account> {
    p.owned
        .get_or_init(|| async {
            if !p.engine.settings().allow_writes {
                return Vec::new();
            }
            let mut accounts: Vec<Account> = Vec::new();
            // Registration and login pairs, the login nearest the registration first
            // (`/api/v1/merchants/register` logs in at `/api/v1/merchants/login`).
            // The users' own login (where `--user` logged in) is the one that matters
            // most: its registration first, and it first among the logins tried.
            let main = p.users_login_path();
            let mut logins = login_forms(p);
            let mut registers = posts_named(p, REGISTER_NAMES, registers_with_password);
            if let Some(main) = &main {
                registers.sort_by_key(|r| nearness(&r.op.path, main));
                logins.sort_by_key(|l| l.op.path != *main);
            }
            for register in registers.into_iter().take(3) {
                let Some((user, password)) = register_new(p, &register).await else {
                    continue;
                };
                let mut near: Vec<Form> = logins.clone();
                near.sort_by_key(|l| {
                    (
                        std::cmp::Reverse(common_prefix(&l.op.path, &register.op.path)),
                        main.as_ref().is_none_or(|m| l.op.path != *m),
                    )
                });
                for mut login in near
                    .into_iter()
                    .filter(|l| !accounts.iter().any(|a| a.login.op.path == l.op.path))
                    .take(3)
                {
                    // A login whose body is unknown takes the fields the registration takes.
                    if login.op.body.is_none() {
                        login.user_field.clone_from(&register.user_field);
                        login.password_field.clone_from(&register.password_field);
                    }
                    let Some(token) = logged_in_token(p, &login, &user, &password).await else {
                        continue;
                    };
                    accounts.push(Account {
                        user: user.clone(),
                        password: password.clone(),
                        token,
                        login: login.clone(),
                        register: Some(register.clone()),
                    });
                    break;
                }
            }
            // The users' own login (else the first login operation) not covered yet: the
            // shapes real APIs take, found the way `--user` finds a login.
            let primary = main.clone().or_else(|| login_form(p).map(|f| f.op.path));
            let covered = |accounts: &[Account]| {
                primary
                    .as_ref()
                    .is_some_and(|m| accounts.iter().any(|a| a.login.op.path == *m))
            };
            if (accounts.is_empty() || !covered(&accounts))
                && let Some(a) = register_any_shape(p, primary.as_deref()).await
                && !accounts.iter().any(|x| x.login.op.path == a.login.op.path)
            {
                // The users' kind of account first.
                accounts.insert(0, a);
            }
            accounts
        })
        .await
        .clone()
}

/// The registration bodies real APIs take: the documented one with the account's values,
/// flat `{username, email, password}`, nested `{"user": {...}}`.
fn registration_bodies(op: &Operation, username: &str, email: &str, password: &str) -> Vec<Value> {
    let flat = serde_json::json!({"username": username, "email": email, "password": password});
    let mut out = Vec::new();
    if let Some(b) = &op.body
        && let Value::Object(mut m) = b.example.clone()
    {
        // The account's values wherever the documented body has the fields, envelopes
        // (`{"user": {…}}`) included.
        fn fill(m: &mut Map<String, Value>, username: &str, email: &str, password: &str) {
            for (k, v) in m.iter_mut() {
                if let Value::Object(inner) = v {
                    fill(inner, username, email, password);
                    continue;
                }
                let l = k.to_ascii_lowercase();
                if l.contains("pass") {
                    *v = Value::from(password);
                } else if l.contains("mail") {
                    *v = Value::from(email);
                } else if l == "username" || l == "login" || l == "user" || l == "user_name" {
                    *v = Value::from(username);
                }
            }
        }
        fill(&mut m, username, email, password);
        out.push(Value::Object(m));
    }
    out.push(flat.clone());
    out.push(serde_json::json!({ "user": flat }));
    out
}

/// The scan's own account where the documented shapes did not work: each registration
/// operation in the shapes real APIs take, then a login found the way `--user` finds it
/// (by user name, then by email). Failed logins for SC260/SC261 are sent in the shape
/// that worked.
async fn register_any_shape(p: &Probe, primary: Option<&str>) -> Option<Account> {
    let name = random_name();
    let username = format!("spillcheck_{name}");
    let email = format!("spillcheck-{name}@example.com");
    let password = format!("Sc{}9Xq", random_name());
    p.secret(&password);
    let mut registers: Vec<Operation> = posts_named(p, REGISTER_NAMES, |_| true)
        .into_iter()
        .map(|f| f.op)
        .collect();
    // The registration nearest the login that matters first (`/api/register` for
    // `/api/login`, not `/api/merchants/register`).
    if let Some(main) = primary {
        registers.sort_by_key(|r| nearness(&r.path, main));
    }
    registers.truncate(3);
    // Each registration that takes the account, until the account logs in where the
    // users do (a merchant registered at `/api/merchants/register` logs in elsewhere: the
    // fallback).
    let mut fallback = None;
    for op in &registers {
        let mut registered = false;
        'shapes: for mut body in registration_bodies(op, &username, &email, &password) {
            // A refusal that names what else it needs (`{"field_errors": {"full_name":
            // ["This field is required."]}}`) is answered once more with it.
            for _ in 0..2 {
                let req = p
                    .request("scan's own account", Method::POST, &op.example_path())
                    .body_for(op.content_type(), &body);
                let Ok(ex) = p.anon(req).await else {
                    continue 'shapes;
                };
                if ex.response.ok() && !crate::inspect::failure_body(&ex.response) {
                    registered = true;
                    break 'shapes;
                }
                let completed = (400..500)
                    .contains(&ex.response.status)
                    .then(|| completed_after_refusal(&body, &ex.response))
                    .flatten();
                match completed {
                    Some(next) => body = next,
                    None => continue 'shapes,
                }
            }
        }
        if !registered {
            continue;
        }
        if let Ok(mut c) = p.created_users.lock()
            && !c.contains(&username)
        {
            c.push(username.clone());
        }
        for name in [&username, &email] {
            let creds = crate::auth::Credentials {
                name: name.clone(),
                password: password.clone(),
            };
            let Ok(LoggedIn {
                identity,
                form: login,
                ..
            }) = log_in(p, "scan's own account", &creds).await
            else {
                continue;
            };
            let token = identity.token();
            p.secret(&token);
            let landed = primary.is_none_or(|m| login.op.path == m);
            let account = Account {
                user: name.clone(),
                password: password.clone(),
                token: Some(token),
                login,
                register: None,
            };
            if landed {
                return Some(account);
            }
            fallback.get_or_insert(account);
            break;
        }
    }
    fallback
}

/// Members that hold a login answer's token, at any depth.
const TOKEN_KEYS: [&str; 11] = [
    "access_token",
    "accessToken",
    "token",
    "id_token",
    "jwt",
    "auth_token",
    "authToken",
    "session_token",
    "sessionToken",
    // Flask-Security's JSON login (`{"response": {"user": {"authentication_token"}}}`).
    "authentication_token",
    "authenticationToken",
];
/// An API key handed out for the credentials (`{"key": "6cee…"}`), at the top of the
/// answer only (deeper, `key` names settings and the like).
const TOP_TOKEN_KEYS: [&str; 4] = ["api_key", "apiKey", "apikey", "key"];

/// The token in a login answer: `access_token`, `token`, `id_token`, `jwt`... or any
/// JWT-shaped string.
pub fn token_in(ex: &Exchange) -> Option<String> {
    let json = &ex.response.json()?;
    token_in_json(json, &TOKEN_KEYS, &TOP_TOKEN_KEYS)
}

/// [`token_in`] of a login answer's JSON.
fn token_in_json(json: &Value, keys: &[&str], top_keys: &[&str]) -> Option<String> {
    for key in keys {
        if let Some(t) = json.get(key).and_then(Value::as_str) {
            return Some(t.to_owned());
        }
    }
    for key in top_keys {
        if let Some(t) = json.get(key).and_then(Value::as_str)
            && t.len() >= 16
            && !t.contains(char::is_whitespace)
        {
            return Some(t.to_owned());
        }
    }
    // A key in an object named for the session or credential it is
    // (`{"data": {"session": {"key": …}}}`).
    if let Some(t) = session_key_in(json, 0) {
        return Some(t);
    }
    // Deeper in an envelope (`{"result": {"value": {"token": …}}}`), else any JWT.
    let (mut by_key, mut jwt) = (None, None);
    crate::inspect::visit(json, &mut |k, v| {
        let Some(s) = v.as_str() else { return };
        if by_key.is_none()
            && keys.contains(&k)
            && s.len() >= 16
            && !s.contains(char::is_whitespace)
        {
            by_key = Some(s.to_owned());
        }
        if by_key.is_none() && jwt.is_none() && spillcheck_tokens::jwt::Jwt::decode(s).is_ok() {
            jwt = Some(s.to_owned());
        }
    });
    by_key.or(jwt)
}

/// The `key` (`value`, `secret`, `id`) of an object named for a session, a token or a
/// credential (`session`, `auth_token`, `credentials`), a machine-made string of 16
/// characters or more.
fn session_key_in(v: &Value, depth: usize) -> Option<String> {
    let m = v.as_object()?;
    if depth > 4 {
        return None;
    }
    for (k, inner) in m {
        let n = k.to_ascii_lowercase();
        if let Value::Object(o) = inner
            && ["session", "token", "credential", "auth"]
                .iter()
                .any(|w| n.contains(w))
            && let Some(t) = ["key", "value", "secret", "token", "id"]
                .iter()
                .find_map(|f| o.get(*f).and_then(Value::as_str))
                .filter(|t| {
                    t.len() >= 16
                        && !t.contains(char::is_whitespace)
                        && t.chars().any(|ch| ch.is_ascii_digit())
                        && t.chars().any(|ch| ch.is_ascii_alphabetic())
                })
        {
            return Some(t.to_owned());
        }
        if let Some(t) = session_key_in(inner, depth + 1) {
            return Some(t);
        }
    }
    None
}

/// Registers and logs in a fresh user; returns its name and token.
async fn provision(p: &Probe, register: &Form, login: &Form) -> Option<(String, String)> {
    let (user, password) = register_fresh(p, register, "self-registration", false).await?;
    let ok = attempt(p, login, &user, &password, "self-registration").await?;
    let token = token_in(&ok)?;
    p.secret(&token);
    Some((user, token))
}

/// `--self-register`: two fresh users become A and B (when no tokens were given).
pub async fn self_register(p: &mut Probe) {
    use spillcheck_core::DiagnosticLevel;
    if !p.engine.settings().allow_writes {
        p.diagnose(
            DiagnosticLevel::Error,
            "--self-register needs --allow-writes (it registers two users)",
        );
        return;
    }
    let (Some(register), Some(login)) = (register_form(p), login_form(p)) else {
        p.diagnose(
            DiagnosticLevel::Error,
            "--self-register: no registration and login operations found",
        );
        return;
    };
    let mut made = Vec::new();
    for _ in 0..2 {
        let Some(x) = provision(p, &register, &login).await else {
            p.diagnose(
                DiagnosticLevel::Error,
                "--self-register: registering or logging in a user failed",
            );
            return;
        };
        made.push(x);
    }
    let names: Vec<String> = made.iter().map(|(u, _)| u.clone()).collect();
    if let Ok(mut c) = p.created_users.lock() {
        c.extend(names.iter().cloned());
    }
    let mut it = made.into_iter();
    if let (Some((_, a)), Some((_, b))) = (it.next(), it.next()) {
        if p.user.is_none() {
            p.user = Some(crate::auth::Identity::literal("user A", &a));
        }
        if p.user_b.is_none() {
            p.user_b = Some(crate::auth::Identity::literal("user B", &b));
        }
    }
}

/// Where an API usually logs users in, tried when no login operation is known.
const COMMON_LOGIN_PATHS: &[&str] = &[
    "/api/login",
    // Flask-AppBuilder's REST login (Superset, Airflow 2), which wants `"provider": "db"`.
    "/api/v1/security/login",
    "/login",
    "/api/auth/login",
    "/auth/login",
    "/api/v1/login",
    "/api/v1/auth/login",
    "/api/users/login",
    "/user/login",
    "/users/login",
    "/account/login",
    "/api/auth",
    "/auth",
    "/api/v1/auth",
    "/api/signin",
    "/signin",
    "/api/session",
    "/api/sessions",
    "/api/tokens",
    "/api/token",
    "/auth/token",
    "/oauth/token",
    "/token",
];

/// The sign-in form of the site's front page, or of the page it sends anonymous visitors
/// to (`/` → `/user/login`): a POST of its fields to where the form posts, as a form body
/// (its cross-site request token is fetched again when the login is sent).
async fn wall_form(p: &Probe) -> Option<Operation> {
    let ex = p
        .anon(p.request("login page", Method::GET, "/"))
        .await
        .ok()?;
    let r = &ex.response;
    if !crate::inspect::is_login_form(r) {
        return None;
    }
    let form = crate::inspect::password_form(&r.text())?;
    let target = match &form.action {
        Some(a) => r.url.join(a).ok()?,
        None => r.url.clone(),
    };
    if target.origin() != p.base.origin() {
        return None;
    }
    let mut fields = form.fields;
    fields.retain(|k, _| {
        let k = k.to_ascii_lowercase();
        !k.contains("csrf") && k != "authenticity_token"
    });
    let mut op = Operation::new(
        "POST",
        p.api_path(target.path()),
        crate::discovery::Origin::Seen,
    );
    op.body = Some(crate::discovery::Body {
        content_type: "application/x-www-form-urlencoded".into(),
        properties: fields.keys().cloned().collect(),
        example: Value::Object(fields),
        from_code: Vec::new(),
    });
    Some(op)
}

/// Where APIs usually answer the caller's own profile: what the placement is learnt on
/// when neither a description nor the code names an operation.
const COMMON_OWN_READS: &[&str] = &[
    "/api/me",
    "/me",
    "/api/user",
    "/api/users/me",
    "/api/v1/me",
    "/api/profile",
    "/user",
    "/api/account",
];

/// Token endpoints read with GET and HTTP Basic, tried when no documented one works
/// (Flask-HTTPAuth's classic `GET /api/token`).
const COMMON_TOKEN_GETS: &[&str] = &["/api/token", "/api/tokens", "/api/auth/token", "/token"];

/// A path whose last segment names what a login hands out or opens: a token, a key, a
/// session (`/v1/auth/keys`, `/api/tokens`, `/login`).
fn issues_credentials(path: &str) -> bool {
    let last = last_segment(path);
    LOGIN_NAMES.contains(&last.as_str())
        || matches!(
            last.as_str(),
            "key" | "keys" | "api-key" | "api-keys" | "api_key" | "api_keys" | "apikey" | "apikeys"
        )
}

/// Whether a GET operation hands out tokens for HTTP Basic credentials: its last segment
/// names a token (`/api/token`, `/api/projects/{project_id}/token`, `/auth-token`).
fn token_get(op: &Operation) -> bool {
    op.method == "GET"
        && matches!(
            last_segment(&op.path).as_str(),
            "token"
                | "tokens"
                | "auth-token"
                | "auth_token"
                | "access-token"
                | "access_token"
                | "get-token"
                | "get_token"
                | "api-token"
                | "api_token"
        )
}

/// The path parameters of a login operation filled with the account's own name: an
/// account that names itself in the path (`/api/projects/{project_id}/token` for project
/// accounts) logs in there. Empty when the path has none.
fn own_path_ids(template: &str, name: &str) -> Vec<(String, String)> {
    crate::discovery::path_params(template)
        .into_iter()
        .map(|param| (param, name.to_owned()))
        .collect()
}

/// One way of sending credentials.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    /// A body (JSON or form) holding the credentials somewhere.
    Body { form: bool, body: Value },
    /// HTTP Basic on an empty POST (token endpoints such as `POST /api/tokens`), or on a
    /// GET of a token endpoint.
    Basic,
}

/// Fills the user and password fields of `body` (at the top or one object down, as in
/// `{"user": {"email", "password"}}`); `false` when it has no password field.
fn fill_credentials(body: &mut Value, c: &crate::auth::Credentials) -> bool {
    let Value::Object(m) = body else { return false };
    let keys: Vec<String> = m.keys().cloned().collect();
    if let Some(pass) = secret_field(&keys) {
        let by_mail = c.name.contains('@');
        let lower = |k: &String| k.to_ascii_lowercase();
        let user = keys
            .iter()
            .find(|k| by_mail && lower(k).contains("mail"))
            .or_else(|| {
                keys.iter().find(|k| {
                    let k = lower(k);
                    k == "username"
                        || k == "login"
                        || k == "user"
                        || k == "user_name"
                        || k == "name"
                })
            })
            .or_else(|| keys.iter().find(|k| lower(k).contains("mail")))
            .cloned()
            .unwrap_or_else(|| if by_mail { "email" } else { "username" }.to_owned());
        m.insert(pass, Value::from(c.password.clone()));
        m.insert(user, Value::from(c.name.clone()));
        return true;
    }
    m.values_mut().any(|v| fill_credentials(v, c))
}

/// The shapes to try on one login operation, the documented one first.
fn shapes(op: &Operation, c: &crate::auth::Credentials) -> Vec<Shape> {
    if op.method == "GET" {
        return vec![Shape::Basic];
    }
    let mut out = Vec::new();
    if op.basic {
        out.push(Shape::Basic);
    }
    if let Some(b) = &op.body {
        let mut body = b.example.clone();
        if fill_credentials(&mut body, c) {
            out.push(Shape::Body {
                form: b.content_type.contains("form"),
                body,
            });
        }
    }
    let first = if c.name.contains('@') {
        "email"
    } else {
        "username"
    };
    let second = if first == "email" {
        "username"
    } else {
        "email"
    };
    let flat = |field: &str| serde_json::json!({ field: c.name, "password": c.password });
    for shape in [
        Shape::Body {
            form: false,
            body: flat(first),
        },
        Shape::Body {
            form: false,
            body: flat(second),
        },
        Shape::Body {
            form: false,
            body: serde_json::json!({ "user": flat(first) }),
        },
        // The RealWorld shape (`{"user": {"email", "password"}}`) takes an e-mail box
        // that often accepts the user's name too.
        Shape::Body {
            form: false,
            body: serde_json::json!({ "user": flat(second) }),
        },
        // `{"login": …}`: the account's name under the operation's own word.
        Shape::Body {
            form: false,
            body: flat("login"),
        },
        Shape::Basic,
        Shape::Body {
            form: true,
            body: flat(first),
        },
    ] {
        if !out.contains(&shape) {
            out.push(shape);
        }
    }
    // Flask-AppBuilder's login names the authentication backend (`"provider": "db"`) and
    // answers 400 without it.
    if op.path.ends_with("/security/login") {
        let mut body = flat("username");
        body["provider"] = Value::from("db");
        body["refresh"] = Value::from(true);
        out.insert(0, Shape::Body { form: false, body });
    }
    out
}

/// Words a refusal names a login's secret field by.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passphrase",
    "passwd",
    "pwd",
    "pass",
    "secret",
    "pin",
    "passcode",
];

/// Words a refusal names a login's account field by.
const ACCOUNT_WORDS: &[&str] = &[
    "login",
    "username",
    "user_name",
    "email",
    "user",
    "account",
    "handle",
    "identifier",
    "userid",
    "user_id",
    "mail",
    "name",
];

/// A body nested under the object a refusal names with the credential fields
/// (`credentials.password`, `auth[password]`, `session.login and session.secret are
/// required`): `{"credentials": {"username": …, "password": …}}`, its fields the ones the
/// refusal names.
fn nested_shape(text: &str, c: &crate::auth::Credentials) -> Option<Shape> {
    let text: String = text.chars().take(2000).collect();
    let lower = text.to_ascii_lowercase();
    // `wrapper.secret` / `wrapper[secret]`: the wrapper and the secret's own word.
    let (wrapper, secret) = SECRET_WORDS.iter().find_map(|secret| {
        lower.match_indices(secret).find_map(|(at, _)| {
            let after = lower[at + secret.len()..].chars().next();
            if after.is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '_') {
                return None;
            }
            let before = &lower[..at];
            let before = before
                .strip_suffix('.')
                .or_else(|| before.strip_suffix('['))?;
            let start = before
                .rfind(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .map_or(0, |i| i + 1);
            let word = &before[start..];
            (word.len() >= 2 && word.starts_with(|ch: char| ch.is_ascii_alphabetic()))
                .then(|| (word.to_owned(), *secret))
        })
    })?;
    let field = ACCOUNT_WORDS
        .iter()
        .copied()
        .find(|f| {
            lower.contains(&format!("{wrapper}.{f}")) || lower.contains(&format!("{wrapper}[{f}]"))
        })
        .unwrap_or(if c.name.contains('@') {
            "email"
        } else {
            "username"
        });
    Some(Shape::Body {
        form: false,
        body: serde_json::json!({ wrapper: { field: c.name, secret: c.password } }),
    })
}

/// A refusal that names the fields it wants (`login and passphrase are required`,
/// `missing 'user_name' or 'pin'`): the credentials sent under those names. The password's
/// field is a word for a secret the message names; the account's, a word for an account
/// name beside it. `None` unless the message says something is missing or required.
fn named_fields_shape(text: &str, c: &crate::auth::Credentials) -> Option<Shape> {
    let text: String = text.chars().take(2000).collect();
    let lower = text.to_ascii_lowercase();
    if ![
        "required", "missing", "must", "expected", "provide", "needed",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return None;
    }
    let words: Vec<&str> = lower
        .split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let secret = words.iter().find(|w| SECRET_WORDS.contains(w))?;
    let account = words.iter().find(|w| ACCOUNT_WORDS.contains(w))?;
    Some(Shape::Body {
        form: false,
        body: serde_json::json!({ *account: c.name, *secret: c.password }),
    })
}

/// The token a login answer carries: in the JSON body (any path), or in a header the
/// API hands tokens out in.
fn issued_token(ex: &Exchange) -> Option<String> {
    token_in(ex)
        .map(|t| unwrap_bytes_repr(&t))
        .filter(|t| t.len() >= 8)
        .or_else(|| {
            [
                "x-auth-token",
                "x-access-token",
                "authorization",
                "access-token",
            ]
            .iter()
            .find_map(|h| ex.response.header(h))
            .map(|v| unwrap_bytes_repr(v.trim_start_matches("Bearer ").trim()))
            .filter(|t| t.len() >= 8 && !t.contains(char::is_whitespace))
        })
}

/// A token handed out as Python prints bytes (`b'eyJ…'`, PyJWT 1.x's `encode` formatted
/// into a string): the token inside, as the app's own client would send it.
fn unwrap_bytes_repr(t: &str) -> String {
    for q in ['\'', '"'] {
        if let Some(inner) = t
            .strip_prefix('b')
            .and_then(|r| r.strip_prefix(q))
            .and_then(|r| r.strip_suffix(q))
        {
            return inner.to_owned();
        }
    }
    t.to_owned()
}

/// The token a login answer hands out where this API expects it: the cookie of that name
/// when tokens go in a cookie, else the body or a token header.
pub(crate) fn login_token(p: &Probe, ex: &Exchange) -> Option<String> {
    let cookie = match &p.placement {
        crate::auth::Placement::Cookie(name) => ex.response.cookie(name),
        _ => None,
    };
    cookie.or_else(|| issued_token(ex))
}

/// A login that worked: the identity, the login's JSON answer (it often names the user:
/// `accountNumber`, `user.id`) and the login operation with the request that worked.
pub struct LoggedIn {
    /// The identity, able to log in again the same way.
    pub identity: crate::auth::Identity,
    /// The login's JSON answer.
    pub answer: Option<Value>,
    /// The login operation, with the request that worked ([`Form::own_ids`]: the path
    /// parameters the account named itself in).
    pub form: Form,
    /// The cookie the token came in, when the answer carried it nowhere else (a web
    /// client's login that sets the JWT in an HttpOnly cookie).
    pub cookie: Option<String>,
    /// The login answered no token, only a session cookie (`cookie`): an identity only
    /// where that cookie is served and a made-up one is not.
    pub session_only: bool,
}

/// A cookie a login answer sets that holds a token: named for one (`access_token_cookie`,
/// `jwt`, `auth`), not a CSRF or refresh token, with a machine-made value.
fn token_cookie(ex: &Exchange) -> Option<(String, String)> {
    ex.response.set_cookies().into_iter().find(|(name, value)| {
        let n = name.to_ascii_lowercase();
        ["token", "jwt", "auth", "access"]
            .iter()
            .any(|w| n.contains(w))
            // Flask-Login's `remember_token` keeps a browser's session, not an API's token.
            && !n.contains("remember")
            && !n.contains("session")
            && !n.contains("csrf")
            && !n.contains("xsrf")
            && !n.contains("refresh")
            && value.len() >= 16
    })
}

/// A login answered with the login form again (a failed login redirects back to it, often
/// with a flashed error in a new session cookie): a sign-in form at the login's own path
/// or a sign-in page's, or one whose form posts to the login. A page the login sends the
/// user on to that has a password field of its own (a settings page's change-password
/// form) is no failure.
fn back_at_the_login(r: &crate::engine::Response, login_path: &str) -> bool {
    if !crate::inspect::is_login_form(r) {
        return false;
    }
    let at = r.url.path().to_ascii_lowercase();
    let login = login_path.split('?').next().unwrap_or(login_path);
    at == login.to_ascii_lowercase()
        || crate::inspect::LOGIN_WORDS.iter().any(|w| at.contains(w))
        || form_posts_to(&r.text(), login)
}

/// Whether an HTML page holds a form that posts to `path` (`action="/verificare"`).
fn form_posts_to(html: &str, path: &str) -> bool {
    html.contains(&format!("action=\"{path}\"")) || html.contains(&format!("action='{path}'"))
}

/// An answer refusing a form for its missing cross-site request token (Flask-WTF's
/// "The CSRF token is missing.", a 400 or 403).
pub(crate) fn csrf_refusal(r: &crate::engine::Response) -> bool {
    if !matches!(r.status, 400 | 403) {
        return false;
    }
    let t = r.text().to_ascii_lowercase();
    [
        "csrf token is missing",
        "csrf token is invalid",
        "csrf token has expired",
        "csrf session token is missing",
        "csrf tokens do not match",
        "the referrer header is missing",
        "the referrer does not match",
        "csrf verification failed",
    ]
    .iter()
    .any(|w| t.contains(w))
}

/// `req` (a form login) with the cross-site request token the login page at `path` hands
/// out: the page's hidden field added to the form, the cookies the page set (the session
/// the token is bound to) and a `Referer` of the page (Flask-WTF checks it over HTTPS).
/// `None` when the page holds no such field.
async fn with_csrf_token(
    p: &Probe,
    req: &crate::engine::Request,
    path: &str,
) -> Option<crate::engine::Request> {
    // The login's own path, then the pages that may hold its form (`/autentificare` posting
    // to `/verificare`): sign-in words first, a few others after, never one with a side
    // effect; a page counts when its form posts to the login's path.
    let mut pages: Vec<String> = p
        .ops
        .iter()
        .map(|pr| &pr.op)
        .filter(|op| {
            op.method == "GET"
                && op.path_params().count() == 0
                && op.path != path
                && crate::writes::side_effect(op).is_none()
        })
        .map(|op| op.path.clone())
        .collect();
    let signs_in = |x: &String| {
        let l = x.to_ascii_lowercase();
        !crate::inspect::LOGIN_WORDS.iter().any(|w| l.contains(w))
    };
    pages.sort_by_key(signs_in);
    pages.truncate(6);
    pages.insert(0, path.to_owned());
    let mut found = None;
    for (i, at) in pages.iter().enumerate() {
        let Ok(page) = p.anon(p.request("login page", Method::GET, at)).await else {
            continue;
        };
        let text = page.response.text();
        let posts_here = i == 0 || form_posts_to(&text, path);
        if posts_here && let Some(field) = crate::inspect::csrf_field(&text) {
            found = Some((page, field));
            break;
        }
    }
    let (page, (field, token)) = found?;
    p.secret(&token);
    let mut body: serde_json::Map<String, Value> =
        url::form_urlencoded::parse(&req.body.as_ref()?.1)
            .map(|(k, v)| (k.into_owned(), Value::from(v.into_owned())))
            .collect();
    body.insert(field, Value::from(token));
    let mut again = req.clone().form(&Value::Object(body));
    let cookies: Vec<String> = page
        .response
        .set_cookies()
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if !cookies.is_empty() {
        for c in &cookies {
            p.secret(c.split_once('=').map_or(c.as_str(), |(_, v)| v));
        }
        again = again.header("cookie", &cookies.join("; "));
    }
    Some(again.header("referer", page.response.url.as_str()))
}

/// A cookie a login answer (its redirect hops included) sets that keeps a signed-in
/// session (`session`, `sessionid`, `remember_token`; a CSRF cookie is none), with a
/// machine-made value: the identity of a web app whose login hands out no token.
fn session_cookie(ex: &Exchange) -> Option<(String, String)> {
    ex.response.set_cookies().into_iter().find(|(name, value)| {
        let n = name.to_ascii_lowercase();
        ["session", "sid", "remember"].iter().any(|w| n.contains(w))
            && !n.contains("csrf")
            && !n.contains("xsrf")
            && value.len() >= 16
    })
}

/// `--user NAME:PASSWORD`: finds the login operation (documented or coded, else the
/// usual paths), sends the credentials in the shape it accepts (JSON with its own field
/// names, nested, a form, HTTP Basic on a POST or on a GET of a token endpoint, with the
/// account's name in the path's parameters) and reads the token from the answer. The
/// identity logs in again the same way when the token expires.
pub async fn log_in(
    p: &Probe,
    label: &str,
    c: &crate::auth::Credentials,
) -> Result<LoggedIn, String> {
    log_in_for(p, label, c, false).await
}

/// `log_in` for a session only: the web login whose cookie signs the user in, when the
/// token an API login answered is served nowhere the scan can read (`settle_placement`).
pub async fn log_in_session(
    p: &Probe,
    label: &str,
    c: &crate::auth::Credentials,
) -> Result<LoggedIn, String> {
    log_in_for(p, label, c, true).await
}

async fn log_in_for(
    p: &Probe,
    label: &str,
    c: &crate::auth::Credentials,
    session_wanted: bool,
) -> Result<LoggedIn, String> {
    let mut candidates: Vec<Operation> = login_forms(p).into_iter().map(|f| f.op).collect();
    // A browser's form first: its session is kept while the API's own login is looked for,
    // and rides beside that login's token (the pages behind the session get tested too).
    candidates.sort_by_key(|op| {
        !op.body
            .as_ref()
            .is_some_and(|b| b.content_type.contains("form"))
    });
    // POSTs that hand out tokens or keys: first those that take HTTP Basic (`POST
    // /v1/auth/keys` under a `basicAuth` scheme, `@basic_auth.login_required`), whatever
    // their body; then those without path parameters whose body is unknown or is the
    // credentials (`POST /v1/keys`): the usual shapes, and what their refusal names
    // (`email and password are required`), are sent there.
    let mut issuing: Vec<&Operation> = p
        .ops
        .iter()
        .map(|pr| &pr.op)
        .filter(|op| {
            op.method == "POST"
                && issues_credentials(&op.path)
                && (op.basic
                    || crate::discovery::path_params(&op.path).is_empty()
                        && op
                            .body
                            .as_ref()
                            .is_none_or(|b| b.properties.is_empty() || names_password(b)))
        })
        .collect();
    issuing.sort_by_key(|op| !op.basic);
    for op in issuing {
        if !candidates.iter().any(|c| c.key() == op.key()) {
            candidates.push(op.clone());
        }
    }
    // Logins by what they take are sent once, in their own documented or coded shape.
    let by_body = credential_posts(p);
    let by_body_from = candidates.len();
    let by_body_until = by_body_from + by_body.len();
    candidates.extend(by_body);
    let mut gets: Vec<Operation> = p
        .ops
        .iter()
        .map(|pr| &pr.op)
        .filter(|op| {
            token_get(op) || op.basic && op.method == "GET" && issues_credentials(&op.path)
        })
        .cloned()
        .collect();
    gets.sort_by_key(|op| op.path.len());
    candidates.extend(gets);
    // The sign-in form a web app sends anonymous visitors to, as its page has it.
    if let Some(wall) = wall_form(p).await
        && !candidates
            .iter()
            .any(|op| op.method == "POST" && op.path == wall.path)
    {
        candidates.push(wall);
    }
    let known = candidates.len();
    for path in COMMON_LOGIN_PATHS {
        if !candidates.iter().any(|op| op.path == *path) {
            candidates.push(Operation::new("POST", path, crate::discovery::Origin::Seen));
        }
    }
    for path in COMMON_TOKEN_GETS {
        if !candidates
            .iter()
            .any(|op| op.path == *path && op.method == "GET")
        {
            candidates.push(Operation::new("GET", path, crate::discovery::Origin::Seen));
        }
    }
    let mut tried = 0;
    // The protected reads a session cookie is tried on, learnt at the first one.
    let mut protected: Option<Refused> = None;
    // A web form's session, kept while the other logins are tried: an app with a web UI
    // beside its API signs browsers in with a cookie the API refuses, and its API login
    // (`/api/auth/login`) answers the token the API takes.
    let mut session_login: Option<LoggedIn> = None;
    // The cookies that web login set: sent beside the token of the API login found later,
    // so the pages behind the session login are tested too.
    let mut web_cookies: Vec<(String, String)> = Vec::new();
    'candidates: for (i, op) in candidates.iter().enumerate() {
        let path = crate::discovery::render_path(
            &op.path,
            &own_path_ids(&op.path, &c.name).into_iter().collect(),
        );
        let method = if op.method == "GET" {
            Method::GET
        } else {
            Method::POST
        };
        let only_own_shape = (by_body_from..by_body_until).contains(&i);
        let mut queue = shapes(op, c);
        queue.truncate(if only_own_shape { 1 } else { usize::MAX });
        let mut next = 0;
        while let Some(shape) = queue.get(next).cloned() {
            next += 1;
            let mut req = p
                .request(format!("login ({label})"), method.clone(), &path)
                .as_login();
            req = match &shape {
                Shape::Body { form: true, body } => req.form(body),
                Shape::Body { form: false, body } => req.json(body),
                Shape::Basic => {
                    use base64::Engine as _;
                    let raw = format!("{}:{}", c.name, c.password);
                    let enc = base64::engine::general_purpose::STANDARD.encode(raw);
                    p.secret(&enc);
                    req.header("Authorization", &format!("Basic {enc}"))
                }
            };
            tried += 1;
            let Ok(mut ex) = p.anon(req.clone()).await else {
                continue;
            };
            // A web form protected against cross-site requests (Flask-WTF) refuses a post
            // without the token its page hands out: fetch the page, and send the form again
            // with the page's token, the session cookie it is bound to, and a Referer.
            if matches!(&shape, Shape::Body { form: true, .. })
                && (csrf_refusal(&ex.response)
                    || crate::inspect::is_login_form(&ex.response)
                        && crate::inspect::csrf_field(&ex.response.text()).is_some())
                && let Some(with_token) = with_csrf_token(p, &req, &path).await
                && let Ok(again) = p.anon(with_token.clone()).await
            {
                tried += 1;
                ex = again;
                req = with_token;
            }
            // An operation that is not there answers every shape the same: next one.
            if i >= known && matches!(ex.response.status, 404 | 405) {
                break;
            }
            // The refusal names where the fields belong (`credentials.username and
            // credentials.password are required`): send them there next.
            // A refusal answered 200 (`{"ok": false, "error": "login and passphrase are
            // required"}`) names them as well, flat.
            if !ex.response.ok() || crate::inspect::failure_body(&ex.response) {
                let text = ex.response.text();
                for learned in [nested_shape(&text, c), named_fields_shape(&text, c)]
                    .into_iter()
                    .flatten()
                {
                    if !queue.contains(&learned) {
                        queue.push(learned);
                    }
                }
            }
            // Where the API expects a cookie, the login's cookie of that name is the token.
            let in_cookie = || {
                token_cookie(&ex)
                    .filter(|_| !matches!(p.placement, crate::auth::Placement::Header { .. }))
            };
            // A web app's login hands out no token: the session cookie it sets is the
            // identity, once the placement check finds it served where anonymous callers
            // are refused (`settle_placement`).
            let in_session = || {
                session_cookie(&ex)
                    .filter(|_| matches!(p.placement, crate::auth::Placement::Bearer))
            };
            let (token, cookie, session_only) = match login_token(p, &ex) {
                _ if session_wanted => {
                    in_session().map_or((None, None, false), |(n, v)| (Some(v), Some(n), true))
                }
                Some(t) => (Some(t), None, false),
                None => match in_cookie() {
                    Some((n, v)) => (Some(v), Some(n), false),
                    None => {
                        in_session().map_or((None, None, false), |(n, v)| (Some(v), Some(n), true))
                    }
                },
            };
            // A login page answered (directly or at the end of the redirects) is a
            // failed login, whatever cookie came with it (a flashed error is a session).
            if !ex.response.ok()
                || crate::inspect::failure_body(&ex.response)
                || back_at_the_login(&ex.response, &path)
            {
                continue;
            }
            let Some(token) = token else { continue };
            if session_only {
                if protected.is_none() {
                    let ops: Vec<Operation> = p.ops.iter().map(|pr| pr.op.clone()).collect();
                    protected = Some(protected_reads(p, &ops, true).await);
                }
                let (Some(refused), Some(name)) = (&protected, &cookie) else {
                    continue;
                };
                if !session_signs_in(p, refused, name, &token).await {
                    continue;
                }
            }
            if session_login.is_some() && session_only {
                continue 'candidates;
            }
            {
                let mut login = form(op);
                login.recipe = Some(Recipe {
                    request: req.clone(),
                    user: c.name.clone(),
                    password: c.password.clone(),
                });
                let identity = crate::auth::Identity::logged_in(label, &token, req);
                // The session the login opened beside the token it answered.
                if cookie.is_none() {
                    p.keep_session(&identity, &ex.response);
                }
                let logged_in = LoggedIn {
                    form: login,
                    identity,
                    answer: ex.response.json(),
                    cookie,
                    session_only,
                };
                if session_only && !session_wanted {
                    web_cookies = ex.response.set_cookies();
                    session_login = Some(logged_in);
                    continue 'candidates;
                }
                // The web form's session beside the token: its cookies win over same-named
                // ones the API login set (a fresh session knows less of the browser's user).
                if session_login.is_some() {
                    let mut cookies = web_cookies.clone();
                    if logged_in.cookie.is_none() {
                        for (n, v) in ex.response.set_cookies() {
                            if !cookies.iter().any(|(w, _)| *w == n) {
                                cookies.push((n, v));
                            }
                        }
                    }
                    p.keep_session_cookies(&logged_in.identity, &cookies);
                }
                return Ok(logged_in);
            }
        }
    }
    if let Some(session) = session_login {
        return Ok(session);
    }
    Err(format!(
        "no login operation accepted the credentials ({tried} attempts on {} operations; give a token with --token or --token-cmd instead)",
        candidates.len()
    ))
}

/// Whether an answer served the caller: a 2xx that is not a failure, a login page or a
/// redirect somewhere else.
fn served(r: &crate::engine::Response) -> bool {
    r.ok()
        && r.redirects.is_empty()
        && !crate::inspect::failure_body(r)
        && !crate::inspect::is_login_form(r)
}

/// The first of `paths` where A's `token`, placed so, is served.
async fn served_at(
    p: &Probe,
    placement: &crate::auth::Placement,
    token: &str,
    paths: &[String],
) -> Option<String> {
    first_answering(p, placement, token, paths, served).await
}

/// Whether an answer (at a path that gave anonymous callers a 401) shows the token got
/// past authentication: a 4xx other than a 401, not a way to a login page.
fn past_authentication(r: &crate::engine::Response) -> bool {
    matches!(r.status, 400 | 403 | 404 | 405 | 409 | 422) && r.redirects.is_empty()
}

/// The first of `paths` (each a 401 to anonymous callers) where A's `token`, placed so,
/// gets past authentication ([`past_authentication`]).
async fn past_authentication_at(
    p: &Probe,
    placement: &crate::auth::Placement,
    token: &str,
    paths: &[String],
) -> Option<String> {
    first_answering(p, placement, token, paths, past_authentication).await
}

/// The first of `paths` whose answer to A's `token`, placed so, satisfies `test`.
async fn first_answering(
    p: &Probe,
    placement: &crate::auth::Placement,
    token: &str,
    paths: &[String],
    test: fn(&crate::engine::Response) -> bool,
) -> Option<String> {
    for path in paths {
        let req = p.request("placement", Method::GET, path);
        if let Ok(ex) = p
            .with_header("user A", Some(placement.header(token)), req)
            .await
            && test(&ex.response)
        {
            return Some(path.clone());
        }
    }
    None
}

/// Protected reads: GETs without parameters that refuse anonymous callers (then reads of
/// one object at an example id: an API whose every protected read names an object still
/// refuses anonymous callers there); with no description and no code, where APIs usually
/// answer the caller's own profile. At most six, each with whether it was a 401; and
/// the first three that sent anonymous callers to a login page, wherever they come.
async fn protected_reads(p: &Probe, ops: &[Operation], walls: bool) -> Refused {
    let mut reads: Vec<String> = ops
        .iter()
        .filter(|op| {
            op.method == "GET" && op.path_params().count() == 0 && !Probe::issues_tokens(&op.path)
        })
        .map(|op| op.path.clone())
        .take(16)
        .collect();
    reads.extend(
        ops.iter()
            .filter(|op| {
                op.method == "GET"
                    && op.path_params().count() == 1
                    && !Probe::issues_tokens(&op.path)
            })
            .map(Operation::example_path)
            .take(8),
    );
    if reads.is_empty() {
        reads.extend(COMMON_OWN_READS.iter().map(|s| (*s).to_owned()));
    }
    // Then pages outside the API (no `api` in the path), where a session login's wall
    // stands: the front page, `/dashboard`, `/account`.
    let front = (walls && !reads.iter().any(|r| r == "/")).then(|| "/".to_owned());
    let pages: Vec<String> = front
        .into_iter()
        .chain(
            ops.iter()
                .filter(|_| walls)
                .filter(|op| {
                    op.method == "GET"
                        && !Probe::issues_tokens(&op.path)
                        && op.path_params().count() == 0
                        && !op.path.split('/').any(|s| s.eq_ignore_ascii_case("api"))
                        && !reads.contains(&op.path)
                        && op.path != "/"
                })
                .map(|op| op.path.clone()),
        )
        .take(16)
        .collect();
    let first = reads.len();
    reads.extend(pages);
    let mut refused = Refused::default();
    for (i, path) in reads.iter().enumerate() {
        // Six refusals are enough for where tokens go; login walls only when asked.
        if refused.reads.len() >= 6 && (!walls || refused.walls.len() >= 3)
            || i >= first && refused.walls.len() >= 3
        {
            break;
        }
        let Ok(ex) = p.anon(p.request("placement", Method::GET, path)).await else {
            continue;
        };
        if !crate::inspect::refused(&ex.response, None) {
            continue;
        }
        for name in headers_named(&ex.response) {
            if !refused.named.contains(&name) {
                refused.named.push(name);
            }
        }
        if let Some(scheme) = ex
            .response
            .header("www-authenticate")
            .and_then(|h| h.split([' ', ',']).next())
            .filter(|w| {
                (2..=24).contains(&w.len())
                    && w.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                    && !matches!(w.to_ascii_lowercase().as_str(), "bearer" | "basic")
            })
            && !refused
                .schemes
                .iter()
                .any(|s| s.eq_ignore_ascii_case(scheme))
        {
            refused.schemes.push(scheme.to_owned());
        }
        if refused.reads.len() < 6 && i < first {
            refused
                .reads
                .push((path.to_owned(), ex.response.status == 401));
        }
        if walls && refused.walls.len() < 3 && crate::inspect::login_wall(&ex.response) {
            refused.walls.push(path.to_owned());
        }
    }
    refused
}

/// What [`protected_reads`] found.
#[derive(Default)]
struct Refused {
    /// Reads that refused anonymous callers, each with whether the refusal was a 401.
    reads: Vec<(String, bool)>,
    /// Reads that sent anonymous callers to a login page (a session login's pages).
    walls: Vec<String>,
    /// Credential headers the refusals name (`"hint": "send X-Session-Token"`).
    named: Vec<String>,
    /// Authorization schemes the refusals' `WWW-Authenticate` asks for other than Bearer
    /// and Basic (`ApiKey`, `Token`): the word the token goes after.
    schemes: Vec<String>,
}

/// The custom credential headers an answer names, in its body or its `WWW-Authenticate`
/// header (`X-Session-Token`): where the API says tokens go.
fn headers_named(r: &crate::engine::Response) -> Vec<String> {
    let mut text = r.text().chars().take(4000).collect::<String>();
    if let Some(h) = r.header("www-authenticate") {
        text.push(' ');
        text.push_str(h);
    }
    let mut out: Vec<String> = Vec::new();
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')) {
        if word.len() > 2
            && word[..2].eq_ignore_ascii_case("x-")
            && spillcheck_core::vocab::credential_header(word)
            && !out.iter().any(|o| o.eq_ignore_ascii_case(word))
            && out.len() < 4
        {
            out.push(word.to_owned());
        }
    }
    out
}

/// Whether a session cookie a login set signs its holder in: served on one of the
/// protected reads, where a made-up value of the same cookie is refused.
async fn session_signs_in(p: &Probe, refused: &Refused, name: &str, value: &str) -> bool {
    let placement = crate::auth::Placement::Cookie(name.to_owned());
    // The pages behind the login wall first: a session login's own.
    let mut paths: Vec<String> = refused.walls.clone();
    for (path, _) in &refused.reads {
        if paths.len() >= 5 {
            break;
        }
        if !paths.contains(path) {
            paths.push(path.clone());
        }
    }
    if let Some(path) = served_at(p, &placement, value, &paths).await {
        return served_at(p, &placement, "spillcheck-made-up-session", &[path])
            .await
            .is_none();
    }
    // No page behind a wall known (a site whose front page is public): the front page
    // with the cookie offers a way to sign out, or links to pages that send anonymous
    // visitors to the login; and with a made-up cookie it does not, or they refuse it.
    let front = async |token: &str| {
        let req = p.request("placement", Method::GET, "/");
        p.with_header("user A", Some(placement.header(token)), req)
            .await
            .ok()
    };
    let made_up = "spillcheck-made-up-session";
    let Some(signed_in) = front(value).await else {
        return false;
    };
    if crate::inspect::offers_sign_out(&signed_in.response) {
        return front(made_up)
            .await
            .is_some_and(|ex| !crate::inspect::offers_sign_out(&ex.response));
    }
    let Ok(anonymous) = p.anon(p.request("placement", Method::GET, "/")).await else {
        return false;
    };
    let links = |r: &crate::engine::Response| -> Vec<String> {
        crate::inspect::page_links(r)
            .iter()
            .map(|l| p.api_path(l).to_owned())
            .collect()
    };
    let open = links(&anonymous.response);
    let only_signed_in: Vec<String> = links(&signed_in.response)
        .into_iter()
        .filter(|l| {
            // A link that acts (`/follow/bob`, `/like/7`) is a GET with a side effect.
            let acts = l.split(['/', '-', '_']).any(|w| {
                [
                    "follow",
                    "unfollow",
                    "like",
                    "unlike",
                    "vote",
                    "star",
                    "favorite",
                    "favourite",
                    "accept",
                    "approve",
                    "reject",
                    "cancel",
                    "toggle",
                    "send",
                    "block",
                    "ban",
                    "mute",
                ]
                .contains(&w.to_ascii_lowercase().as_str())
            });
            !open.contains(l)
                && !acts
                && crate::writes::side_effect(&Operation::new(
                    "GET",
                    l,
                    crate::discovery::Origin::Seen,
                ))
                .is_none()
        })
        .take(4)
        .collect();
    // Past the wall: not sent to the login, not refused (an error page behind the wall
    // still shows the cookie let the visitor in).
    let walled = async |token: Option<&str>, path: &str| {
        let req = p.request("placement", Method::GET, path);
        let answer = match token {
            Some(t) => {
                p.with_header("user A", Some(placement.header(t)), req)
                    .await
            }
            None => p.anon(req).await,
        };
        answer.ok().map(|ex| {
            crate::inspect::login_wall(&ex.response) || matches!(ex.response.status, 401 | 403)
        })
    };
    for path in only_signed_in {
        if walled(None, &path).await == Some(true)
            && walled(Some(value), &path).await == Some(false)
        {
            return walled(Some(made_up), &path).await == Some(true);
        }
    }
    false
}

/// Where the API takes tokens, when the user did not say (`--auth-header`,
/// `--auth-cookie`): on GETs that refuse anonymous callers, user A's token as
/// `Authorization: Bearer` (the first sent the usual way, so an expired token is fetched
/// again; one answered 403 where anonymous callers got 401 was read, only forbidden);
/// where Bearer is served nowhere and another usual placement
/// ([`crate::auth::Placement::alternatives`]) is, while a made-up token placed the same way
/// is not, that one from now on (`Authorization: Token`, the bare token, `X-Auth-Token`...).
/// A few dozen requests at most, and only the first few when Bearer works.
/// A session cookie a login answered instead of a token (`session_only`), checked by the
/// login, is taken as it is.
/// `Err(n)` when A's token was served by none of `n` protected reads, whichever way it
/// was sent (the caller says so, or signs in another way).
pub async fn settle_placement(
    p: &mut Probe,
    ops: &[Operation],
    cookie: Option<&str>,
    session_only: bool,
) -> Result<(), usize> {
    use spillcheck_core::DiagnosticLevel;
    // A session cookie, not a token: A's login already found it signing A in on the pages
    // behind the login wall (`session_signs_in`), where a made-up one is refused.
    if session_only
        && p.user.is_some()
        && let Some(name) = cookie
    {
        let alt = crate::auth::Placement::Cookie(name.to_owned());
        p.diagnose(
            DiagnosticLevel::Warning,
            format!(
                "user A's web login answered no token, only a session cookie: the scan signs in with `{}` (pages behind the session login are tested; --auth-cookie to say so)",
                alt.describe()
            ),
        );
        p.placement = alt;
        p.session_login = true;
        return Ok(());
    }
    let protected = protected_reads(p, ops, false).await;
    let Some(user) = p.user.as_ref() else {
        return Ok(());
    };
    let named = protected.named;
    let schemes = protected.schemes;
    let (refused, anon_401): (Vec<String>, Vec<bool>) = protected.reads.into_iter().unzip();
    if refused.is_empty() {
        p.placement_unjudged = true;
        return Ok(());
    }
    // Bearer on each: served, or understood (401 to anonymous callers, 403 or 404 to A: an
    // operation for another role, an example object that is not there) — either way
    // Bearer is where tokens go.
    let mut forbidden = false;
    // Served as Bearer where a made-up Bearer token is served too: that operation takes
    // any token (an SC202 of its own), and says nothing about where tokens go.
    let mut served_loosely = false;
    for (i, path) in refused.iter().enumerate() {
        // The token alone: a session the login opened would answer for it.
        let req = p.request("placement", Method::GET, path).token_only();
        let answer = if i == 0 {
            // The usual way first, so an expired token is fetched again.
            p.send_as(user, req).await
        } else {
            let header = p.placement.header(&user.token());
            p.with_header("user A", Some(header), req).await
        };
        if let Ok(ex) = answer {
            if served(&ex.response) {
                let fake = p.request("placement", Method::GET, path).token_only();
                let header = p.placement.header(crate::auth::MADE_UP_TOKEN);
                let fake_served = p
                    .with_header("placement", Some(header), fake)
                    .await
                    .is_ok_and(|x| served(&x.response));
                if !fake_served {
                    return Ok(());
                }
                served_loosely = true;
                continue;
            }
            // Past authentication: forbidden to A (another role), or the example object
            // is not there (`/books/v1/{title}` at a made-up title).
            forbidden |= anon_401[i] && matches!(ex.response.status, 403 | 404);
        }
    }
    if forbidden {
        return Ok(());
    }
    let token = user.token();
    let few: Vec<String> = refused.iter().take(3).cloned().collect();
    let mut learnt = None;
    // The cookie A's login handed the token out in, first among the others.
    let mut alternatives: Vec<crate::auth::Placement> = cookie
        .map(|c| crate::auth::Placement::Cookie(c.to_owned()))
        .into_iter()
        .collect();
    // Then the custom headers the code reads credentials from and those the refusals
    // name, before the usual ones.
    let usual = crate::auth::Placement::alternatives();
    // `WWW-Authenticate: ApiKey`: `Authorization: ApiKey {token}`.
    for scheme in &schemes {
        let alt = crate::auth::Placement::Header {
            name: "Authorization".into(),
            template: format!("{scheme} {{token}}"),
        };
        if !usual.contains(&alt) {
            alternatives.push(alt);
        }
    }
    for name in p.token_headers.iter().chain(&named) {
        let alt = crate::auth::Placement::Header {
            name: name.clone(),
            template: "{token}".into(),
        };
        if !usual
            .iter()
            .chain(&alternatives)
            .any(|u| u.header_name().eq_ignore_ascii_case(name))
        {
            alternatives.push(alt);
        }
    }
    alternatives.extend(usual);
    for alt in &alternatives {
        if let Some(path) = served_at(p, alt, &token, &few).await
            && served_at(p, alt, crate::auth::MADE_UP_TOKEN, &[path])
                .await
                .is_none()
        {
            learnt = Some(alt.clone());
            break;
        }
    }
    // Served nowhere, but read: where anonymous callers get a 401, A's token placed so
    // gets past authentication (a 400 for a missing parameter, a 403 for another role)
    // and a made-up token placed the same way gets the 401 again.
    if learnt.is_none() {
        let unauthenticated: Vec<String> = refused
            .iter()
            .zip(&anon_401)
            .filter(|(_, a)| **a)
            .map(|(path, _)| path.clone())
            .take(3)
            .collect();
        for alt in &alternatives {
            if let Some(path) = past_authentication_at(p, alt, &token, &unauthenticated).await {
                let req = p.request("placement", Method::GET, &path);
                if let Ok(ex) = p
                    .with_header(
                        "placement",
                        Some(alt.header(crate::auth::MADE_UP_TOKEN)),
                        req,
                    )
                    .await
                    && ex.response.status == 401
                {
                    learnt = Some(alt.clone());
                    break;
                }
            }
        }
    }
    match learnt {
        Some(alt) => {
            p.diagnose(
                DiagnosticLevel::Warning,
                format!(
                    "tokens go in `{}`: user A's token was refused as `Authorization: Bearer` and served this way (--auth-header or --auth-cookie to say so)",
                    alt.describe()
                ),
            );
            p.placement = alt;
            Ok(())
        }
        // Bearer served somewhere, if only where anything is: no better place found.
        None if served_loosely => Ok(()),
        None => Err(refused.len()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn refusals_name_the_header_tokens_go_in() {
        let r = crate::engine::Response::for_tests(
            401,
            r#"{"ok": false, "error": "missing session token", "hint": "send X-Session-Token"}"#,
        );
        assert_eq!(headers_named(&r), ["X-Session-Token"]);
        // A request id or a cross-site token is no credential.
        let r = crate::engine::Response::for_tests(
            401,
            r#"{"error": "denied", "request": "X-Request-Id 7", "csrf": "X-CSRF-Token"}"#,
        );
        assert!(headers_named(&r).is_empty());
    }

    use super::*;
    use crate::auth::Credentials;
    use crate::discovery::{Origin, body_from_fields};

    #[test]
    fn the_secret_of_a_login_is_its_password_field_or_the_one_beside_the_account() {
        let names = |xs: &[&str]| xs.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            secret_field(&names(&["email", "secret"])).as_deref(),
            Some("secret")
        );
        assert_eq!(
            secret_field(&names(&["login", "passphrase", "remember"])).as_deref(),
            Some("passphrase")
        );
        assert_eq!(
            secret_field(&names(&["username", "password", "otp"])).as_deref(),
            Some("password")
        );
        // A one-time code, a magic link's lone address, an unnamed account: no password.
        assert_eq!(secret_field(&names(&["email", "otp"])), None);
        assert_eq!(secret_field(&names(&["email"])), None);
        assert_eq!(secret_field(&names(&["title", "body"])), None);
        assert_eq!(secret_field(&names(&["email", "secret", "name"])), None);
        assert_eq!(secret_field(&names(&["email", "name"])), None);
        // Nested one object down (flask-smorest's `{"credentials": {"login", "secret"}}`):
        // a login body; the same two fields at the top are the flat shape's business.
        assert!(nested_password(
            &serde_json::json!({"credentials": {"login": "x", "secret": "y"}}),
            0
        ));
        assert!(!nested_password(
            &serde_json::json!({"profile": {"title": "x", "body": "y"}}),
            0
        ));
    }

    #[test]
    fn flask_securitys_login_answer_names_its_token() {
        let answer = serde_json::json!({"meta": {"code": 200}, "response": {"user": {
            "authentication_token": "eyJ2ZXIiOiI1IiwidWlkIjoiMSJ9.Zk3q.7Yh2sLmE0wq",
            "email": "alice@example.test"}}});
        assert_eq!(
            token_in_json(&answer, &TOKEN_KEYS, &TOP_TOKEN_KEYS).as_deref(),
            Some("eyJ2ZXIiOiI1IiwidWlkIjoiMSJ9.Zk3q.7Yh2sLmE0wq")
        );
    }

    #[test]
    fn a_token_endpoint_that_takes_basic_is_sent_basic_first() {
        let c = Credentials::parse("alice:pw", "--user").unwrap();
        let mut op = Operation::new("POST", "/v1/auth/keys", crate::discovery::Origin::OpenApi);
        assert!(issues_credentials(&op.path));
        assert_ne!(shapes(&op, &c).first(), Some(&Shape::Basic));
        op.basic = true;
        assert_eq!(shapes(&op, &c).first(), Some(&Shape::Basic));
        assert!(!issues_credentials("/v1/orgs/{org}/bookings"));
    }

    #[test]
    fn a_refusal_that_names_nested_fields_gives_the_shape() {
        let c = Credentials::parse("alice:pw", "--user").unwrap();
        let body = |s: Option<Shape>| match s {
            Some(Shape::Body { form: false, body }) => body,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            body(nested_shape(
                r#"{"error":"credentials.username and credentials.password are required"}"#,
                &c
            )),
            serde_json::json!({"credentials": {"username": "alice", "password": "pw"}})
        );
        assert_eq!(
            body(nested_shape(
                r#"{"errors": {"auth[email]": "missing", "auth[password]": "missing"}}"#,
                &c
            )),
            serde_json::json!({"auth": {"email": "alice", "password": "pw"}})
        );
        // Any secret word, under any wrapper, with the account field the refusal names.
        assert_eq!(
            body(nested_shape(
                r#"{"error": "session.login and session.secret are required"}"#,
                &c
            )),
            serde_json::json!({"session": {"login": "alice", "secret": "pw"}})
        );
        // A flat field named in the refusal gives no nesting.
        assert!(nested_shape(r#"{"error": "password is required"}"#, &c).is_none());
        assert!(nested_shape("Invalid password.", &c).is_none());
        // Flat fields the refusal names are used as they are.
        assert_eq!(
            body(named_fields_shape(
                r#"{"ok": false, "error": "login and passphrase are required"}"#,
                &c
            )),
            serde_json::json!({"login": "alice", "passphrase": "pw"})
        );
        assert!(named_fields_shape("Invalid password.", &c).is_none());
        assert!(named_fields_shape(r#"{"error": "password is required"}"#, &c).is_none());
    }

    #[test]
    fn a_session_key_is_the_token_of_a_session_object() {
        let key = serde_json::json!({"ok": true, "data": {"session": {"key": "k3Y9fZ27qLmP0aXw4", "expires": "2026-12-05"}}});
        assert_eq!(
            session_key_in(&key, 0).as_deref(),
            Some("k3Y9fZ27qLmP0aXw4")
        );
        // A setting's key, or a session's number, is no token.
        let other =
            serde_json::json!({"settings": {"key": "theme-dark-mode-on"}, "session": {"id": 42}});
        assert_eq!(session_key_in(&other, 0), None);
    }

    #[test]
    fn an_unknown_user_is_named_like_the_known_one() {
        let letters = unknown_like("alice");
        assert!(
            letters.len() >= 8 && letters.chars().all(|c| c.is_ascii_lowercase()),
            "{letters}"
        );
        let capital = unknown_like("Bob");
        assert!(
            capital.starts_with(|c: char| c.is_ascii_uppercase()),
            "{capital}"
        );
        assert!(
            capital.chars().all(|c| c.is_ascii_alphabetic()),
            "{capital}"
        );
        assert!(
            unknown_like("user42")
                .chars()
                .all(|c| c.is_ascii_alphanumeric())
        );
        assert!(unknown_like("a@b.example").ends_with("@example.com"));
        assert_ne!(unknown_like("alice"), unknown_like("alice"));
    }

    #[test]
    fn a_post_that_takes_a_name_and_a_password_is_a_login_whatever_its_path() {
        let op = |path: &str, fields: &[&str]| {
            let mut op = Operation::new("POST", path, Origin::Source);
            let f: Vec<(String, String)> = fields
                .iter()
                .map(|n| ((*n).to_owned(), "string".to_owned()))
                .collect();
            op.body = Some(body_from_fields("application/json", &f));
            op
        };
        let logins = |ops: Vec<Operation>| {
            let ops: Vec<Probed> = ops
                .into_iter()
                .map(|op| Probed {
                    path: op.path.clone(),
                    op,
                    user: None,
                    anon: None,
                })
                .collect();
            credential_posts_of(&ops)
                .into_iter()
                .map(|o| o.path)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            logins(vec![
                op("/api/key", &["username", "password"]),
                op("/api/users", &["username", "password"]),
                op("/api/password/change", &["username", "password"]),
                op(
                    "/api/me/password",
                    &["old_password", "password", "username"]
                ),
                op("/api/posts", &["title", "body"]),
                op("/api/rooms", &["name", "password"]),
                op("/api/account/delete", &["username", "password"]),
                op("/api/settings/smtp", &["username", "password", "host"]),
                op("/api/shares", &["email", "password"]),
                op("/api/shares/{id}", &["email"]),
            ]),
            ["/api/key"]
        );
    }

    #[test]
    fn a_token_printed_as_python_bytes_is_the_token_inside() {
        assert_eq!(unwrap_bytes_repr("b'eyJ0.eyJ1.sig'"), "eyJ0.eyJ1.sig");
        assert_eq!(unwrap_bytes_repr("b\"abc.def.ghi\""), "abc.def.ghi");
        assert_eq!(unwrap_bytes_repr("bearer-abc"), "bearer-abc");
        assert_eq!(unwrap_bytes_repr("b'unclosed"), "b'unclosed");
    }

    #[test]
    fn a_login_form_names_the_account_by_its_one_other_field() {
        let op = |fields: &[&str]| {
            let mut op = Operation::new("POST", "/authenticate", Origin::Source);
            let f: Vec<(String, String)> = fields
                .iter()
                .map(|n| ((*n).to_owned(), "string".to_owned()))
                .collect();
            op.body = Some(body_from_fields("application/x-www-form-urlencoded", &f));
            op
        };
        assert_eq!(
            form(&op(&["id", "password", "csrf_token"])).user_field,
            "id"
        );
        assert_eq!(form(&op(&["username", "password"])).user_field, "username");
        // Two candidates and no usual name: the default.
        assert_eq!(form(&op(&["a", "b", "password"])).user_field, "email");
    }

    #[test]
    fn the_likeliest_login_first() {
        let mut ops = vec![
            Operation::new("POST", "/machine/token", Origin::Source),
            Operation::new("POST", "/api/projects/{id}/token", Origin::Source),
            Operation::new("POST", "/auth", Origin::Source),
        ];
        ops.sort_by_key(login_rank);
        assert_eq!(ops[0].path, "/auth");
        // A body known to hold a password wins over any name.
        let mut known = Operation::new("POST", "/api/v1/tokens/access_token", Origin::Source);
        known.body = Some(body_from_fields(
            "application/json",
            &[
                ("login".into(), "string".into()),
                ("password".into(), "string".into()),
            ],
        ));
        ops.push(known);
        ops.sort_by_key(login_rank);
        assert_eq!(ops[0].path, "/api/v1/tokens/access_token");
    }

    #[test]
    fn code_fields() {
        for f in [
            "reset_pin",
            "pin",
            "otp",
            "totp_code",
            "verification_code",
            "code",
            "pinCode",
        ] {
            assert!(is_code_field(f), "{f}");
        }
        for f in [
            "zip_code",
            "country_code",
            "postcode",
            "spinner",
            "username",
            "new_password",
        ] {
            assert!(!is_code_field(f), "{f}");
        }
    }

    #[test]
    fn credentials_go_where_the_body_wants_them() {
        let c = Credentials::parse("alice@x.test:pw:with:colons", "--user").unwrap();
        assert_eq!(c.password, "pw:with:colons");
        let mut nested = serde_json::json!({"user": {"email": "", "password": ""}});
        assert!(fill_credentials(&mut nested, &c));
        assert_eq!(nested["user"]["email"], "alice@x.test");
        let mut op = Operation::new("POST", "/api/login", Origin::Source);
        op.body = Some(body_from_fields(
            "application/x-www-form-urlencoded",
            &[
                ("login".into(), "string".into()),
                ("passwd".into(), "string".into()),
            ],
        ));
        let all = shapes(&op, &Credentials::parse("alice:pw", "--user").unwrap());
        assert_eq!(
            all[0],
            Shape::Body {
                form: true,
                body: serde_json::json!({"login": "alice", "passwd": "pw"})
            }
        );
        assert!(all.contains(&Shape::Basic));
        assert!(Credentials::parse("nopassword", "--user").is_err());
    }
}
