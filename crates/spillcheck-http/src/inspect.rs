//! Reading responses: body similarity, personal data (emails, phone numbers, card
//! numbers with Luhn), JSON walking, and the site's own "not found" answer.

use std::collections::HashSet;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

use crate::engine::Response;

/// Words of a body (lower-cased alphanumeric runs), for a cheap similarity.
fn words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '@' && c != '.' && c != '_')
        .filter(|w| !w.is_empty())
        .take(20_000)
        .map(str::to_lowercase)
        .collect()
}

/// Flattened `path=value` pairs of a JSON value.
fn pairs(v: &Value) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut stack = vec![(String::new(), v)];
    while let Some((path, v)) = stack.pop() {
        if out.len() > 20_000 {
            break;
        }
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    stack.push((format!("{path}.{k}"), x));
                }
            }
            Value::Array(a) => {
                for x in a.iter().take(500) {
                    stack.push((format!("{path}[]"), x));
                }
            }
            other => {
                out.insert(format!("{path}={other}"));
            }
        }
    }
    out
}

fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let inter = a.intersection(b).count();
    #[expect(clippy::cast_precision_loss, reason = "set sizes are small")]
    let r = inter as f64 / (a.len() + b.len() - inter) as f64;
    r
}

/// How alike two bodies are, 0.0–1.0 (JSON compared by path=value pairs, text by words).
pub fn similarity(a: &Response, b: &Response) -> f64 {
    if a.body == b.body {
        return 1.0;
    }
    match (a.json(), b.json()) {
        (Some(x), Some(y)) => jaccard(&pairs(&x), &pairs(&y)),
        _ => jaccard(&words(&a.text()), &words(&b.text())),
    }
}

fn email_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?i)\b[a-z0-9._%+-]{1,64}@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}\b").unwrap()
    })
}

/// Whether two answers have the same JSON shape (the same keys at every depth, lists of
/// the same lengths), whatever their values: two answers for objects that do not exist.
/// Answers that are not JSON compare by similarity.
pub fn same_shape(a: &Response, b: &Response) -> bool {
    fn shape(v: &Value, out: &mut String, depth: usize) {
        if depth > 8 {
            return;
        }
        match v {
            Value::Object(m) => {
                out.push('{');
                for (k, x) in m {
                    out.push_str(k);
                    out.push(':');
                    shape(x, out, depth + 1);
                    out.push(',');
                }
                out.push('}');
            }
            Value::Array(xs) => {
                out.push('[');
                out.push_str(&xs.len().to_string());
                if let Some(x) = xs.first() {
                    shape(x, out, depth + 1);
                }
                out.push(']');
            }
            Value::Null => out.push('n'),
            _ => out.push('v'),
        }
    }
    match (a.json(), b.json()) {
        (Some(x), Some(y)) => {
            let (mut sx, mut sy) = (String::new(), String::new());
            shape(&x, &mut sx, 0);
            shape(&y, &mut sy, 0);
            sx == sy
        }
        (None, None) => similarity(a, b) >= 0.95,
        _ => false,
    }
}

/// Whether a JSON answer holds no data: every list empty and no text but status words
/// (`{"data": {"followers": []}, "status": "success", "total": 0}`). Numbers and flags
/// alone (counts, pages) are no one's data.
pub fn holds_no_data(r: &Response) -> bool {
    let Some(json) = r.json() else { return false };
    fn walk(v: &Value) -> bool {
        match v {
            Value::Array(a) => a.is_empty(),
            Value::Object(m) => m.values().all(walk),
            Value::String(s) => matches!(
                s.trim().to_ascii_lowercase().as_str(),
                "" | "success" | "ok" | "true" | "false" | "null" | "none" | "fail" | "error"
            ),
            _ => true,
        }
    }
    walk(&json)
}

/// An organisation's functional mailbox (`careers@`, `support@`, `noreply@`): published on
/// purpose, nobody's personal data.
pub fn is_role_address(email: &str) -> bool {
    let local = email.split('@').next().unwrap_or("").to_ascii_lowercase();
    let local = local.split(['+', '.']).next().unwrap_or("");
    matches!(
        local,
        "careers"
            | "jobs"
            | "info"
            | "support"
            | "help"
            | "contact"
            | "hello"
            | "sales"
            | "press"
            | "media"
            | "security"
            | "privacy"
            | "legal"
            | "abuse"
            | "noreply"
            | "no-reply"
            | "donotreply"
            | "webmaster"
            | "postmaster"
            | "hostmaster"
            | "billing"
            | "feedback"
            | "marketing"
            | "team"
            | "office"
            | "admin"
            | "hr"
            | "compliance"
    )
}

/// Email addresses in a text, lower-cased, in order of appearance, each once.
pub fn emails(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in email_re().find_iter(text) {
        let e = m.as_str().to_ascii_lowercase();
        // Package names and versions look like addresses (`foo@1.2.3`); skip non-words.
        let domain = e.rsplit('@').next().unwrap_or("");
        if domain.chars().any(|c| c.is_ascii_alphabetic()) && !out.contains(&e) {
            out.push(e);
        }
    }
    out
}

pub use spillcheck_tokens::detect::luhn;

/// Card numbers (13–19 digits, optionally grouped by spaces or dashes, known issuer
/// prefix, Luhn-valid) in a text.
pub fn cards(text: &str) -> Vec<String> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| Regex::new(r"\b(?:\d[ -]?){12,18}\d\b").unwrap());
    r.find_iter(text)
        .map(|m| {
            m.as_str()
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
        })
        .filter(|d| {
            (13..=19).contains(&d.len())
                && matches!(d.as_bytes()[0], b'3' | b'4' | b'5' | b'6')
                && !d.bytes().all(|b| b == d.as_bytes()[0])
                && luhn(d)
        })
        .collect()
}

/// Whether a JSON key names a phone number.
pub fn is_phone_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    ["phone", "mobile", "msisdn", "telephone", "cell"]
        .iter()
        .any(|w| k.contains(w))
        || k == "tel"
}

/// The kind of personal record a key names, whatever its spelling: a date of birth, a
/// national or tax number, a passport or driving licence number, a home address
/// (`date_of_birth`, `dob`, `ssn`, `licence_number`, `home_address`).
pub fn personal_record_key(key: &str) -> Option<&'static str> {
    let k: String = key
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    match k.as_str() {
        "dob" | "dateofbirth" | "birthdate" | "birthday" | "birthdt" => Some("date of birth"),
        "ssn"
        | "socialsecuritynumber"
        | "nationalid"
        | "nationalidnumber"
        | "taxid"
        | "taxnumber"
        | "nino"
        | "nationalinsurancenumber" => Some("national number"),
        "passportnumber" | "passportno" | "licencenumber" | "licensenumber" | "licenceno"
        | "licenseno" | "driverslicense" | "driverslicence" | "driverlicense" | "driverlicence"
        | "drivinglicence" | "drivinglicense" => Some("identity document number"),
        "homeaddress" | "residentialaddress" | "privateaddress" => Some("home address"),
        _ => None,
    }
}

/// Whether a string looks like a phone number.
pub fn is_phone_value(v: &str) -> bool {
    let digits = v.chars().filter(char::is_ascii_digit).count();
    (7..=15).contains(&digits)
        && v.chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

/// Visits every `(key, value)` of a JSON value (keys of objects; array items get the
/// array's key).
pub fn visit<'a>(v: &'a Value, f: &mut dyn FnMut(&'a str, &'a Value)) {
    let mut stack: Vec<(&'a str, &'a Value, usize)> = vec![("", v, 0)];
    let mut seen = 0usize;
    while let Some((key, v, depth)) = stack.pop() {
        seen += 1;
        if seen > 200_000 || depth > 64 {
            break;
        }
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    f(k, x);
                    stack.push((k, x, depth + 1));
                }
            }
            Value::Array(a) => {
                for x in a {
                    if !x.is_object() && !x.is_array() {
                        f(key, x);
                    }
                    stack.push((key, x, depth + 1));
                }
            }
            _ => {}
        }
    }
}

/// Whether a JSON body is an API description (OpenAPI / Swagger): it names fields like
/// `email` and `password` and may carry a contact address, but holds nobody's data.
pub fn is_api_description(json: &Value) -> bool {
    json.get("openapi").is_some() || json.get("swagger").is_some()
}

/// The site's answer to paths that do not exist, learnt from requests for random paths.
#[derive(Debug, Clone, Default)]
pub struct NotFound {
    samples: Vec<Response>,
}

impl NotFound {
    /// Learns from a response to a random path.
    pub fn learn(&mut self, r: Response) {
        self.samples.push(r);
    }

    /// Whether `r` is the site's not-found answer (a 404/410, or the same status and a
    /// body like the random paths got: a catch-all page or a custom 404).
    pub fn matches(&self, r: &Response) -> bool {
        if matches!(r.status, 404 | 410) {
            return true;
        }
        self.samples
            .iter()
            .any(|s| s.status == r.status && (similarity(s, r) > 0.8 || body_len_close(s, r)))
    }

    /// Whether `r` is word for word (nearly) what a random path got: the router's own "no
    /// such path", not a handler's 404 about a record (`{"errors": ["User not found"]}`).
    pub fn same_as_missing_path(&self, r: &Response) -> bool {
        self.samples
            .iter()
            .any(|s| s.status == r.status && similarity(s, r) > 0.8)
    }
}

fn body_len_close(a: &Response, b: &Response) -> bool {
    let (x, y) = (a.body.len(), b.body.len());
    x > 200 && x.abs_diff(y) * 20 < x.max(y)
}

/// `text` without the values a report must not show whole: those under a sensitive key of
/// a JSON answer (`pw_hash`, `SECRET_KEY`, `api_token`) and whatever the secret detectors
/// find on a line, each replaced by its redacted form. The evidence of one finding often
/// quotes an answer another rule reports for its secrets (SC210's copy of B's record holds
/// B's password hash), and only that rule knew the value.
pub fn without_secrets(text: &str) -> String {
    let mut redactor = spillcheck_core::Redactor::new();
    if let Ok(json) = serde_json::from_str::<Value>(text) {
        visit(&json, &mut |k, v| {
            if let Some(s) = v.as_str()
                && spillcheck_core::vocab::is_sensitive_field(k)
                && !spillcheck_core::vocab::is_placeholder_value(s.trim())
            {
                redactor.add(s);
            }
        });
    }
    let scanner = spillcheck_tokens::detect::Scanner::get();
    let mut found = Vec::new();
    for line in text.lines().take(4000) {
        scanner.scan_line(line, false, &mut found);
    }
    for d in found {
        redactor.add(&d.secret);
    }
    redactor.scrub(text).into_owned()
}

/// A body excerpt: the first `n` characters, on a char boundary.
pub fn excerpt(text: &str, n: usize) -> String {
    match text.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// The part of `text` around the first occurrence of `needle`.
pub fn around(text: &str, needle: &str, n: usize) -> String {
    let Some(i) = text.find(needle) else {
        return excerpt(text, n);
    };
    let mut start = i.saturating_sub(n / 3);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let rest = &text[start..];
    let e = excerpt(rest, n);
    if start > 0 { format!("…{e}") } else { e }
}

/// Words of a login or sign-in page's URL.
pub(crate) const LOGIN_WORDS: &[&str] = &[
    "login",
    "log-in",
    "log_in",
    "signin",
    "sign-in",
    "sign_in",
    "logon",
    "authenticate",
    "sso",
    "auth/",
];

/// Whether an answer is a login wall: the request was redirected to a login or sign-in page
/// (`/auth/login?next=...`), or the page that answered is a login form.
pub fn login_wall(r: &Response) -> bool {
    let to_login = r.redirects.iter().any(|(_, location)| {
        let l = location.to_ascii_lowercase();
        let path = l.split('?').next().unwrap_or(&l);
        LOGIN_WORDS.iter().any(|w| path.contains(w))
    });
    to_login || is_login_form(r)
}

/// An answer that throttles the client: 429/423/503, `Retry-After`, or a lockout or
/// too-many-attempts message.
pub fn throttled(r: &Response) -> bool {
    let body = r.text().to_ascii_lowercase();
    matches!(r.status, 429 | 423 | 503)
        || r.header("retry-after").is_some()
        || ["too many", "locked", "try again later", "rate limit"]
            .iter()
            .any(|w| body.contains(w))
}

/// An HTML page's text with the values of its form fields blanked (`value="…"`): a CSRF
/// token or an echoed input differs between any two answers of the same page.
pub fn without_field_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("value=") {
        out.push_str(&rest[..i + "value=".len()]);
        rest = &rest[i + "value=".len()..];
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        match rest[1..].find(quote) {
            Some(end) => {
                out.push(quote);
                out.push(quote);
                rest = &rest[end + 2..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// An attribute's value in one HTML tag (`name` of `<input name="q" …>`): a whole
/// attribute name (`name=`, not `data-name=`), quoted or bare.
fn tag_attr(tag: &str, name: &str) -> Option<String> {
    let t = tag.to_ascii_lowercase();
    let mut i = 0;
    while let Some(k) = t[i..].find(name) {
        let at = i + k;
        i = at + name.len();
        let before = t[..at].chars().last();
        if before.is_some_and(|c| !c.is_whitespace()) {
            continue;
        }
        let Some(rest) = tag[i..].trim_start().strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let q = rest.chars().next()?;
        return if q == '"' || q == '\'' {
            rest[1..].split(q).next().map(str::to_owned)
        } else {
            rest.split(|c: char| c.is_whitespace() || c == '/' || c == '>')
                .next()
                .map(str::to_owned)
        };
    }
    None
}

/// The `<input …>` tags of an HTML fragment, in order.
fn input_tags(html: &str) -> Vec<&str> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<input") {
        let start = from + at;
        let end = lower[start..].find('>').map_or(lower.len(), |e| start + e);
        out.push(&html[start..end]);
        from = end;
    }
    out
}

/// The hidden cross-site request token field of an HTML form (`csrf_token` of Flask-WTF,
/// `_csrf_token`, `csrfmiddlewaretoken`, `authenticity_token`): its name and value.
pub fn csrf_field(html: &str) -> Option<(String, String)> {
    input_tags(html).into_iter().find_map(|tag| {
        let name = tag_attr(tag, "name")?;
        let n = name.to_ascii_lowercase();
        if !(n.contains("csrf") || n == "authenticity_token") {
            return None;
        }
        let value = tag_attr(tag, "value").filter(|v| !v.is_empty())?;
        Some((name, value))
    })
}

/// A sign-in form of an HTML page: where it posts (`action`, `None` for the page itself)
/// and the fields a browser sends, as a form body (the text fields empty, hidden ones with
/// their value; the credentials are filled in by the login).
pub struct PageForm {
    /// Where it posts, as written (`None`: the page's own address).
    pub action: Option<String>,
    /// Its fields' names and the values a browser sends untouched.
    pub fields: serde_json::Map<String, Value>,
}

/// The form of `html` that holds a password field.
pub fn password_form(html: &str) -> Option<PageForm> {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<form") {
        let start = from + at;
        let end = lower[start..]
            .find("</form")
            .map_or(lower.len(), |e| start + e);
        from = end;
        let open_end = lower[start..end].find('>').map_or(end, |e| start + e);
        let inner = &html[open_end..end];
        let inputs = input_tags(inner);
        let kind = |tag: &str| tag_attr(tag, "type").map(|t| t.to_ascii_lowercase());
        // One password field: two are a sign-up's or a change's (the new one, repeated).
        if inputs
            .iter()
            .filter(|t| kind(t).as_deref() == Some("password"))
            .count()
            != 1
        {
            continue;
        }
        let open_tag = &html[start..open_end];
        let method = tag_attr(open_tag, "method").map(|m| m.to_ascii_lowercase());
        let posts_to = tag_attr(open_tag, "action")
            .unwrap_or_default()
            .to_ascii_lowercase();
        if method.as_deref() == Some("get")
            || ["register", "signup", "sign_up", "sign-up", "join", "create"]
                .iter()
                .any(|w| posts_to.contains(w))
        {
            continue;
        }
        let mut fields = serde_json::Map::new();
        for tag in inputs {
            let Some(name) = tag_attr(tag, "name").filter(|n| !n.is_empty()) else {
                continue;
            };
            let value = match kind(tag).as_deref() {
                Some("submit" | "button" | "image" | "reset" | "file" | "checkbox" | "radio") => {
                    continue;
                }
                Some("hidden") => tag_attr(tag, "value").unwrap_or_default(),
                _ => String::new(),
            };
            fields.insert(name, Value::from(value));
        }
        let action = tag_attr(&html[start..open_end], "action")
            .filter(|a| !a.is_empty() && !a.starts_with('#'));
        return Some(PageForm { action, fields });
    }
    None
}

/// The `href` attribute values of an HTML text, as written (`href="/a"`, `href='/a'`,
/// `href = "/a"`, `href=/a`).
fn hrefs(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("href") {
        let start = from + at + 4;
        from = start;
        let rest = text[start..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let (rest, quote) = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => (&rest[1..], Some(q)),
            _ => (rest, None),
        };
        let link: String = rest
            .chars()
            .take_while(|&c| match quote {
                Some(q) => c != q && c != '>',
                None => !c.is_whitespace() && c != '>',
            })
            .collect();
        let link = link.trim();
        if !link.is_empty() {
            out.push(link.to_owned());
        }
    }
    out
}

/// The `href` targets of an HTML page on its own site, as paths (query and fragment
/// dropped), in order and once each; stylesheets, scripts and images left out.
pub fn page_links(r: &Response) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if r.json().is_some() {
        return out;
    }
    let text = r.text();
    for link in hrefs(&text) {
        let Ok(url) = r.url.join(&link) else { continue };
        if url.origin() != r.url.origin() {
            continue;
        }
        let path = url.path().to_owned();
        let asset = path.rsplit('/').next().is_some_and(|last| {
            last.rsplit_once('.').is_some_and(|(_, ext)| {
                [
                    "css", "js", "png", "jpg", "jpeg", "gif", "svg", "ico", "woff", "woff2", "map",
                ]
                .contains(&ext.to_ascii_lowercase().as_str())
            })
        });
        if !asset && !out.contains(&path) {
            out.push(path);
        }
    }
    out
}

/// An HTML page that links to signing out (`href="/logout"`, `/auth/sign_out`): the
/// page of a signed-in visitor.
pub fn offers_sign_out(r: &Response) -> bool {
    if !r.ok() || r.json().is_some() {
        return false;
    }
    let t = r.text().to_ascii_lowercase();
    hrefs(&t).into_iter().any(|link| {
        let path = link.split('?').next().unwrap_or("");
        [
            "logout", "log-out", "log_out", "signout", "sign-out", "sign_out",
        ]
        .iter()
        .any(|w| path.contains(w))
    })
}

/// An HTML page with a password field: a sign-in form.
pub fn is_login_form(r: &Response) -> bool {
    if r.json().is_some() {
        return false;
    }
    let t = r.text().to_ascii_lowercase();
    t.contains("<form")
        && (t.contains("type=\"password\"")
            || t.contains("type='password'")
            || t.contains("type=password"))
}

/// Whether a 2xx answer says it failed: `{"status": "fail"}`, `{"success": false}`,
/// `{"error": "..."}` with nothing else of substance.
pub fn failure_body(r: &Response) -> bool {
    let Some(Value::Object(m)) = r.json() else {
        return false;
    };
    let says_failed = m.iter().any(|(k, v)| {
        let k = k.to_ascii_lowercase();
        match k.as_str() {
            "status" | "result" | "outcome" => v.as_str().is_some_and(|s| {
                matches!(
                    s.to_ascii_lowercase().as_str(),
                    "fail"
                        | "failed"
                        | "failure"
                        | "error"
                        | "denied"
                        | "unauthorized"
                        | "forbidden"
                )
            }),
            "success" | "ok" => v.as_bool() == Some(false),
            "error" | "errors" => {
                !v.is_null() && v != &Value::Bool(false) && v.as_str() != Some("")
            }
            _ => false,
        }
    });
    // An error field beside real data (`{"data": [...], "errors": []}`) is not a failure.
    let substantial = m
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.to_ascii_lowercase().as_str(),
                "status"
                    | "result"
                    | "outcome"
                    | "success"
                    | "ok"
                    | "error"
                    | "errors"
                    | "message"
                    | "msg"
                    | "detail"
                    | "code"
                    | "description"
            )
        })
        .any(|(_, v)| {
            matches!(v, Value::Array(a) if !a.is_empty())
                || matches!(v, Value::Object(o) if !o.is_empty())
        });
    says_failed && !substantial
}

/// Whether a request was refused, whatever the status: 401/403, a redirect to a login page
/// or a login form, a 2xx saying it failed, or (given the authorized caller's answer to the
/// same request) a redirect somewhere the authorized request did not go. A login page or a
/// failure that the authorized caller gets too is the route's own answer, not a refusal.
pub fn refused(r: &Response, authorized: Option<&Response>) -> bool {
    if matches!(r.status, 401 | 403) {
        return true;
    }
    if login_wall(r) && !authorized.is_some_and(login_wall) {
        return true;
    }
    if r.ok() && failure_body(r) && !authorized.is_some_and(|a| a.ok() && failure_body(a)) {
        return true;
    }
    if let Some(a) = authorized
        && !r.redirects.is_empty()
        && a.url.path() != r.url.path()
    {
        return true;
    }
    false
}

/// The answer with the values of its demo records left out: credentials come in sets (a key id, its
/// secret, a session token), and a record where one of them is a placeholder
/// (`ASIADEMO…`, `…DEMODEMO`) is a demo set, its other values too (a `Token` ending in
/// `demo`).
pub fn without_demo_records(json: &Value) -> Value {
    match json {
        Value::Object(m) => {
            let demo = m.iter().any(|(k, v)| {
                spillcheck_core::vocab::is_sensitive_field(k)
                    && v.as_str()
                        .is_some_and(spillcheck_core::vocab::is_demo_value)
            });
            // A demo set's own values go; what it nests is judged on its own.
            Value::Object(
                m.iter()
                    .filter(|(_, v)| !demo || v.is_object() || v.is_array())
                    .map(|(k, v)| (k.clone(), without_demo_records(v)))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(without_demo_records).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_answers_secrets_are_hidden_from_its_excerpt() {
        let body = r#"{"user": {"name": "bob", "api_token": "q9Zr4LkP2mXw7VbN", "session_key": "k3y-9f8e7d6c5b4a3210fedc", "bio": "AKIAZ3X7Q4R2T5W8Y6U1 in a note"}}"#;
        let out = without_secrets(body);
        assert!(!out.contains("q9Zr4LkP2mXw7VbN"), "{out}");
        assert!(!out.contains("AKIAZ3X7Q4R2T5W8Y6U1"), "{out}");
        assert!(out.contains(r#""name": "bob""#), "{out}");
    }

    #[test]
    fn a_forms_cross_site_request_token_is_read() {
        let page = r#"<form method="post"><input id="csrf_token" name="csrf_token" type="hidden" value="IjQ2ZTc.aw9.x-y_z"><input name="username"><input type="password" name="password"></form>"#;
        assert_eq!(
            csrf_field(page),
            Some(("csrf_token".to_owned(), "IjQ2ZTc.aw9.x-y_z".to_owned()))
        );
        let single = "<input type='hidden' value='tok123' name='_csrf_token'/>";
        assert_eq!(
            csrf_field(single),
            Some(("_csrf_token".to_owned(), "tok123".to_owned()))
        );
        // A field named otherwise, or a data attribute, is no token.
        assert_eq!(
            csrf_field(r#"<input data-name="csrf" name="q" value="x">"#),
            None
        );
        assert_eq!(csrf_field(r#"<input name="csrf_token" value="">"#), None);
    }

    use super::*;

    #[test]
    fn sign_in_forms_and_links_of_a_page() {
        let html = r#"<form method="get" action="/search"><input type="password" name="q"></form>
            <form method="POST" action="/user/login"><input type="hidden" name="next" value="/posts">
            <input type="text" name="username" required><input type="password" name="password">
            <input type="text" name="otp"><input type="submit" value="Log in"></form>"#;
        let form = password_form(html).unwrap();
        assert_eq!(form.action.as_deref(), Some("/user/login"));
        assert_eq!(
            serde_json::Value::Object(form.fields),
            serde_json::json!({"next": "/posts", "username": "", "password": "", "otp": ""})
        );
        assert!(password_form("<form><input name=q></form>").is_none());
        // A sign-up form (two password fields, or posting to a registration) is no login.
        let signup = r#"<form method="post" action="/signup"><input name="email"><input type="password" name="password"></form>
            <form method="post"><input name="u"><input type="password" name="p1"><input type="password" name="p2"></form>
            <form method="post" action="/session"><input name="login"><input type="password" name="password"></form>"#;
        assert_eq!(
            password_form(signup).unwrap().action.as_deref(),
            Some("/session")
        );
        let mut page = Response::for_tests(
            200,
            r#"<a href="/mfa">MFA</a> <a href='/posts/bob?x=1'>bob</a> <link href="/static/w3.css"> <a href = "/fetch/customer">list</a>
               <a href="https://elsewhere.test/x">x</a> <a href="/mfa">again</a>"#,
        );
        page.url = url::Url::parse("http://127.0.0.1:5000/posts").unwrap();
        assert_eq!(
            page_links(&page),
            vec!["/mfa", "/posts/bob", "/fetch/customer"]
        );
        assert!(!offers_sign_out(&page));
        let signed_in = Response::for_tests(200, r#"<a href="/auth/sign_out?next=/">Sign out</a>"#);
        assert!(offers_sign_out(&signed_in));
    }

    #[test]
    fn published_mailboxes_are_nobodys_data() {
        assert!(is_role_address("careers@vulnbank.example"));
        assert!(is_role_address("support+billing@shop.example"));
        assert!(!is_role_address("alice.liddell@zoo.test"));
        assert!(!is_role_address("bob@zoo.test"));
    }

    #[test]
    fn form_field_values_are_blanked() {
        let a = r#"<input id="csrf_token" name="csrf_token" type="hidden" value="IjQ1Zj.abc"><input name="id" value='alice'>"#;
        let b = r#"<input id="csrf_token" name="csrf_token" type="hidden" value="Ijk3Mz.xyz"><input name="id" value='bob'>"#;
        assert_eq!(without_field_values(a), without_field_values(b));
        assert!(without_field_values(a).contains(r#"value="""#));
        // Text outside values stays; an unterminated value keeps the rest as it is.
        assert!(without_field_values("no such project").contains("no such project"));
        assert_eq!(without_field_values("value=\"open"), "value=\"open");
        assert!(throttled(&Response::for_tests(429, "")));
        assert!(throttled(&Response::for_tests(
            200,
            "Too many attempts, try again later"
        )));
        assert!(!throttled(&Response::for_tests(
            401,
            "{\"error\": \"invalid\"}"
        )));
    }

    #[test]
    fn answers_for_missing_objects_have_one_shape() {
        let r = |body: &str| Response::for_tests(200, body);
        let empty_a = r(r#"{"account_number": "1", "transactions": []}"#);
        let empty_b = r(r#"{"account_number": "2", "transactions": []}"#);
        let full = r(r#"{"account_number": "3", "transactions": [{"amount": 1}]}"#);
        assert!(same_shape(&empty_a, &empty_b));
        assert!(!same_shape(&empty_a, &full));
        assert!(!same_shape(
            &r(r#"{"name": null}"#),
            &r(r#"{"name": "bob"}"#)
        ));
    }

    #[test]
    fn empty_answers_hold_no_data() {
        let r = |body: &str| Response::for_tests(200, body);
        assert!(holds_no_data(&r(
            r#"{"data":{"followers":[]},"pagination":{"page":1,"total":0},"status":"success"}"#
        )));
        assert!(!holds_no_data(&r(
            r#"{"user": {"username": "bob", "balance": 10}}"#
        )));
        assert!(!holds_no_data(&r(r#"{"entries": [{"amount": 1}]}"#)));
        assert!(!holds_no_data(&r("plain text")));
    }

    #[test]
    fn pii_helpers() {
        assert_eq!(emails("a@b.io, A@B.io and x@1.2.3"), vec!["a@b.io"]);
        assert!(luhn("4111111111111111"));
        assert!(!luhn("4111111111111112"));
        assert_eq!(
            cards("card 4111 1111 1111 1111, order 1234567890123"),
            vec!["4111111111111111"]
        );
        assert!(
            is_phone_value("+1 (555) 010-0000")
                && !is_phone_value("2024-01-01T00:00")
                && !is_phone_value("12")
        );
        assert!(is_phone_key("phone_number") && !is_phone_key("display_name"));
        assert_eq!(around("abcdefghij", "f", 6), "…defghi…");
    }

    fn resp(status: u16, body: &str, redirects: &[&str]) -> Response {
        let mut r = Response::for_tests(status, body);
        r.redirects = redirects.iter().map(|l| (302, (*l).to_owned())).collect();
        r
    }

    #[test]
    fn refusals_whatever_the_status() {
        let data = resp(200, r#"{"id": 1, "items": [1, 2]}"#, &[]);
        let login = resp(
            200,
            "<form method=post><input type=\"password\" name=p></form>",
            &["/auth/login?next=%2Fnotes"],
        );
        let form = resp(
            200,
            "<html><form><input type='password'></form></html>",
            &[],
        );
        let fail = resp(
            200,
            r#"{"status": "fail", "message": "Invalid token"}"#,
            &[],
        );
        assert!(refused(&resp(401, "", &[]), Some(&data)));
        assert!(
            refused(&login, Some(&data)) && refused(&form, None) && refused(&fail, Some(&data))
        );
        assert!(!refused(&data, Some(&data)));
        // The login page itself: the authorized caller sees the same form.
        assert!(!refused(&form, Some(&form)));
        // A route whose answer is a failure for everyone is not refusing anyone.
        assert!(!refused(&fail, Some(&fail)));
        // An error beside real data is not a failure.
        assert!(!failure_body(&resp(
            200,
            r#"{"data": [1], "errors": "partial"}"#,
            &[]
        )));
        assert!(failure_body(&resp(
            200,
            r#"{"success": false, "msg": "no"}"#,
            &[]
        )));
    }
}
