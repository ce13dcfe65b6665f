//! `SC201` endpoint-without-auth: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};
use std::sync::Arc;

use spillcheck_core::Finding;

use crate::discovery::Security;
use crate::engine::{Exchange, Response};
use crate::inspect;
use crate::probe::Probe;

declare_rule! {
    /// ## What it finds
    /// The probe called an operation with no credentials and got the same successful answer (status and body shape) as with a valid token. Endpoints listed in `public-routes`, and those that answer anonymous and authenticated callers with the same public content, are exempt. With `--allow-writes`, also writes: a change or deletion of an object user B created (`PATCH /api/notes/{id}`, `DELETE …`), sent with no credentials, that B's own read-back shows took effect; and creates: a creating POST that worked for user A, sent again with no credentials, whose answer shows an object was made (a 201, a `Location`, or the request's marker echoed, with a new id).
    ///
    /// ## Why it matters
    /// Data behind a missing check is data for everyone on the network.
    ///
    /// ## Example
    /// ```http
    /// GET /api/exports/1 HTTP/1.1
    ///
    /// HTTP/1.1 200 OK
    /// {"owner_id": 2, "content": "..."}
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed when the operation is documented or coded as needing a token and an anonymous request gets a 2xx like user A's (a description's blanket root `security` does not document an operation public by nature — its own document, a status page, the root, a sign-in or single sign-on, a link carrying its own token — nor one whose answer holds no user data: those are judged as undocumented); likely when nothing says so but the answer carries personal data (emails, phones, secrets, personal fields), or records (with ids) about user A's or B's own account named by that user's private key in the path or query (an account number or email, learnt from their login and profile; not a user name or id, which public profiles are addressed by). With `--allow-writes`, an open route whose anonymous answer held no data before the writes is asked again after them (A's first transfer fills A's transaction list). Not reported: routes public by design (`security: []`, `public-routes` in the configuration, optional authentication in the code, a path that says public such as `/api/v1/public/projects` unless its answer holds private data — emails, phones, secrets, personal fields — rather than owner ids), static files, short constants with no data, HTML pages without personal data (a published mailbox such as `careers@` or `support@` is nobody's), reads under a public parent resource, and browser pages whose session login answers A's token with the same login wall. A redirect to a login page, a login form or a 2xx saying it failed is a refusal, never an answer. An anonymous write is confirmed only by B's read-back (the marker it wrote, or a 404/410 after a DELETE); an anonymous create is confirmed when the operation is documented or coded as needing a token, likely when its collection's listing refuses anonymous callers, and never sent for accounts (a body with a password), logins, password recovery or forms anyone may send by design (feedback, contact, newsletter, support, reports); what it made is deleted as A. Operations marked public in the configuration are not sent anonymously.
    ///
    /// ## Fix
    /// Add the authentication decorator or remove the endpoint from the `before_request` allow-list; re-run the probe to confirm 401.
    pub static SC201 = {
        id: "SC201",
        slug: "endpoint-without-auth",
        title: "Endpoint answers without authentication",
        severity: Severity::High,
        confidence: Confidence::Confirmed,
        cwe: &[306],
        owasp: &[OwaspApi::Api2],
        fix: "Require a valid token on the endpoint (or mark it public in config if that is intended).",
        confirms: &["SC101"],
    }
}

/// Whether a response carries data worth protecting. `personal`: emails, phone numbers,
/// secrets, or fields that tie a record to a person (`user_id`, `owner_id`, `customer_id`...).
/// Otherwise records with any id count too.
pub(crate) fn carries_data(r: &Response, personal: bool) -> bool {
    let k = kinds(r);
    k.private || k.owner || (!personal && k.record)
}

/// What kinds of data an answer holds.
#[derive(Default)]
struct Kinds {
    /// Emails of people, phone numbers, secrets, personal fields with a value.
    private: bool,
    /// Fields that tie a record to a person (`owner_id`).
    owner: bool,
    /// Records with ids.
    record: bool,
}

fn kinds(r: &Response) -> Kinds {
    // A person's address; a published mailbox (`careers@`) is not anybody's data.
    let personal_email = |text: &str| {
        inspect::emails(text)
            .iter()
            .any(|e| !inspect::is_role_address(e))
    };
    let mut out = Kinds::default();
    let Some(json) = r.json() else {
        out.private = personal_email(&r.text());
        return out;
    };
    // An API description lists field names (`email`, `password`), not anybody's data.
    if inspect::is_api_description(&json) {
        return out;
    }
    out.private = personal_email(&r.text());
    // A demo credential set (`ASIADEMO…`, `…DEMODEMO`) is nobody's data.
    let json = inspect::without_demo_records(&json);
    inspect::visit(&json, &mut |k, v| {
        // A flag or an empty value holds nobody's data (`"password_reset": true` is a
        // setting, `"otp_pin_set_random_user": []` an empty list).
        let empty = match v {
            serde_json::Value::Null | serde_json::Value::Bool(_) => true,
            serde_json::Value::String(s) => s.is_empty(),
            serde_json::Value::Array(a) => a.is_empty(),
            serde_json::Value::Object(o) => o.is_empty(),
            serde_json::Value::Number(_) => false,
        };
        // A link (`"password_reset": {"href": "/auth/reset"}`, `"login": "/auth/login"`,
        // a hand-written index's `"password_reminder": "POST /api/account/password-reminder"`,
        // a whole URL) names where something is, not anybody's data.
        let link = match v {
            serde_json::Value::Object(o) => o.get("href").is_some_and(serde_json::Value::is_string),
            serde_json::Value::String(s) => {
                let target = match s.split_once(' ') {
                    Some(("GET" | "POST" | "PUT" | "PATCH" | "DELETE", rest)) => rest.trim(),
                    _ => s.as_str(),
                };
                let path = target
                    .strip_prefix("https://")
                    .or_else(|| target.strip_prefix("http://"))
                    .map_or(target, |rest| rest.find('/').map_or("/", |i| &rest[i..]));
                path.starts_with('/') && !path.contains(['?', ' '])
            }
            _ => false,
        };
        if empty || link {
            return;
        }
        let k = k.to_ascii_lowercase();
        out.owner |= [
            "user_id",
            "userid",
            "owner",
            "owner_id",
            "account_id",
            "customer_id",
        ]
        .contains(&k.as_str());
        let secret = k.contains("password")
            || k.contains("token")
            || k.contains("secret")
            || spillcheck_core::vocab::is_sensitive_field(&k);
        // Personal data by name, with a value: a balance, an account or card number.
        let personal_field =
            spillcheck_core::vocab::is_personal_field(&k) && !v.as_str().is_some_and(str::is_empty);
        let phone = inspect::is_phone_key(&k) && v.as_str().is_some_and(inspect::is_phone_value);
        out.private |= secret || phone || personal_field;
        out.record |= k == "id" || k.ends_with("_id");
    });
    out
}

/// Whether a path says it is public (`/api/v1/public/projects`, `/public-feed`): what it
/// answers anonymous callers is meant for them, unless it holds private data (emails,
/// phones, secrets, personal fields), not merely records naming their owners.
fn says_public(path: &str) -> bool {
    path.to_ascii_lowercase()
        .split('/')
        .any(|segment| segment.split(['-', '_']).any(|w| w == "public"))
}

/// The name of user A's (or B's) private key (an account number, an email, a phone; not a
/// user name or id, which public profiles are addressed by) whose value is a segment or a
/// query value of `path`.
fn private_key_in(p: &Probe, path: &str) -> Option<String> {
    [&p.own, &p.own_b]
        .into_iter()
        .find_map(|own| private_key_of(own, path))
}

/// The name of one user's private key (`own`: what the probe learnt of that user's own
/// account) whose value is a segment or a query value of `path`.
pub(crate) fn private_key_of(own: &crate::probe::Own, path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split(['/', '?', '&', '=']).collect();
    let has = |v: &String| v.len() >= 4 && parts.contains(&v.as_str());
    if own.emails.iter().any(has) {
        return Some("email".to_owned());
    }
    if own.phones.iter().any(has) {
        return Some("phone".to_owned());
    }
    own.keyed
        .iter()
        .filter(|(k, _)| {
            !(k.contains("name")
                || k.ends_with("id")
                || matches!(k.as_str(), "login" | "handle" | "slug"))
        })
        .find(|(_, vs)| vs.iter().any(has))
        .map(|(k, _)| k.clone())
}

/// A static asset by its path: an extension of images, styles, scripts, fonts, or a
/// `/static/` folder.
fn is_static_file(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    let ext = p
        .rsplit('/')
        .next()
        .unwrap_or("")
        .rsplit_once('.')
        .map(|(_, e)| e);
    p.starts_with("/static/")
        || p.contains("/static/")
        || matches!(
            ext,
            Some(
                "ico"
                    | "png"
                    | "jpg"
                    | "jpeg"
                    | "gif"
                    | "svg"
                    | "webp"
                    | "css"
                    | "js"
                    | "map"
                    | "woff"
                    | "woff2"
                    | "ttf"
                    | "eot"
                    | "txt"
            )
        )
}

/// Operations A reads that anonymous callers read too. Documented or coded as needing a
/// token: confirmed. Undocumented: reported (likely) only when the answer carries data,
/// so `/health` and static lists never are. Public routes are exempt.
pub(crate) fn check(p: &Probe, _: &[Arc<Exchange>]) -> Vec<Finding> {
    let mut out = Vec::new();
    for pr in &p.ops {
        // The anonymous answer after the writes, when the first one held nothing.
        let Some(anon) = p
            .anon_after
            .iter()
            .find(|(path, x)| *path == pr.path && carries_data(&x.response, false))
            .map(|(_, x)| x)
            .or(pr.anon.as_ref())
        else {
            continue;
        };
        // A redirect to the login page, a login form or a 2xx saying "fail" is a refusal.
        if !pr.op.is_read()
            || p.is_public(&pr.op)
            || !anon.response.ok()
            || p.not_found.matches(&anon.response)
            || crate::inspect::refused(&anon.response, pr.user.as_ref().map(|u| &u.response))
            // A browser page whose session login answers A's token with the same wall:
            // nobody got in, and the token cannot tell (the browser-routes warning).
            || pr
                .user
                .as_ref()
                .is_some_and(|u| crate::inspect::login_wall(&u.response))
        {
            continue;
        }
        // Static files (`/favicon.ico`, `/static/app.css`) are public by nature, and a
        // short constant without data (`OK`, `{"status": "up"}`) on an operation that
        // names no object exposes nothing.
        // An HTML page without personal data is a page for browsers, not the API's data.
        let html = anon
            .response
            .header("content-type")
            .is_some_and(|c| c.contains("html"));
        // The API description itself (its examples hold addresses) is public by nature,
        // also when it is longer than the answers' body cap and does not parse whole.
        let text = anon.response.text();
        if anon
            .response
            .json()
            .is_some_and(|j| crate::inspect::is_api_description(&j))
            || crate::inventory::infrastructure(&pr.op.path)
                && text.trim_start().starts_with('{')
                && ["\"openapi\"", "\"swagger\"", "\"paths\""]
                    .iter()
                    .any(|k| text.contains(k))
        {
            continue;
        }
        if is_static_file(&pr.op.path)
            || (pr.op.path_params().count() == 0
                && anon.response.body.len() < 64
                && !carries_data(&anon.response, false))
            || (html && !carries_data(&anon.response, true))
        {
            continue;
        }
        // Nothing says this read needs a token and the resource it belongs to is public
        // (`GET /articles/{slug}/comments` under a public `GET /articles/{slug}`): public
        // content too.
        let parent = pr
            .op
            .path
            .trim_end_matches('/')
            .rsplit_once('/')
            .map(|(a, _)| a);
        if pr.op.security == Security::Unknown
            && parent.is_some_and(|pp| {
                p.ops
                    .iter()
                    .any(|x| x.op.method == "GET" && x.op.path == pp && p.is_public(&x.op))
            })
        {
            continue;
        }
        if says_public(&pr.op.path) && !kinds(&anon.response).private {
            continue;
        }
        let keyed = private_key_in(p, &pr.path);
        // The description's blanket default documents nothing about an operation public by
        // nature (a status page, the API document itself, a sign-in), nor about one whose
        // answer holds no user data (a web client's start-up configuration): judged as
        // undocumented.
        let security = if pr.op.security_by_default
            && (crate::inventory::public_by_nature(&pr.op.path)
                || !carries_data(&anon.response, true))
        {
            &Security::Unknown
        } else {
            &pr.op.security
        };
        let confidence = match security {
            Security::Required(_) => Confidence::Confirmed,
            Security::Unknown if carries_data(&anon.response, true) => Confidence::Likely,
            // Records about user A's own account, named by A's private key (an account
            // number, an email) in the path: what anyone who knows the number reads.
            Security::Unknown if keyed.is_some() && carries_data(&anon.response, false) => {
                Confidence::Likely
            }
            _ => continue,
        };
        let mut others = Vec::new();
        if let Some(user) = &pr.user {
            if inspect::similarity(&user.response, &anon.response) < 0.5
                && !carries_data(&anon.response, false)
            {
                continue;
            }
            others.push(user.as_ref());
        }
        let about_a;
        let why = match (security, &keyed) {
            (Security::Required(_), _) => "documented as requiring a token",
            (_, Some(key)) if !carries_data(&anon.response, true) => {
                about_a = format!(
                    "its answer holds records of a user's account, named by that user's `{key}` in the path"
                );
                about_a.as_str()
            }
            _ => "its answer carries user data",
        };
        out.push(
            Finding::new(
                &SC201,
                format!(
                    "{} {} answers without any token ({why})",
                    pr.op.method, pr.op.path
                ),
            )
            .on_route(&pr.op.method, &pr.op.path)
            .with_confidence(confidence)
            .with_http(p.evidence(
                anon,
                &format!(
                    "anonymous request answered {} with the same data user A gets",
                    anon.response.status
                ),
                &others,
            )),
        );
    }
    out
}

/// Creates (only with `--allow-writes`): each creating POST that worked for user A is sent
/// again with no token when the operation is documented or coded as needing one (then
/// `confirmed`), or when the collection's own listing refuses the anonymous caller (`likely`:
/// the API protects what it would let anyone write into). Reported when the answer shows an
/// object was made; the object is deleted again where the API can.
async fn creates(p: &Probe) -> Vec<Finding> {
    if !p.engine.settings().allow_writes {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (pr, body) in &p.creates_a {
        if p.is_public(&pr.op) {
            continue;
        }
        let listing_refuses = p.ops.iter().any(|x| {
            x.op.method == "GET"
                && x.op.path == pr.op.path
                && x.user.as_ref().is_some_and(|u| u.response.ok())
                && x.anon_refused()
        });
        let (confidence, why) = match &pr.op.security {
            Security::Required(_)
                if !(pr.op.security_by_default
                    && crate::inventory::public_by_nature(&pr.op.path)) =>
            {
                (Confidence::Confirmed, "documented as requiring a token")
            }
            Security::Public => continue,
            _ if listing_refuses => (
                Confidence::Likely,
                "the collection's listing refuses the anonymous caller",
            ),
            _ => continue,
        };
        let Some((ex, id)) = crate::writes::create_anonymously(p, pr, body).await else {
            continue;
        };
        out.push(
            p.finding_on(
                &SC201,
                &pr.op,
                &format!(
                    "a request without any token created an object (id {id}; {why})"
                ),
                &ex,
                &[],
            )
            .with_confidence(confidence),
        );
    }
    out
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[
    crate::rules::Check::Passive(check),
    crate::rules::Check::active(crate::rules::Stage::Writes, |p| Box::pin(creates(p))),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_say_public() {
        assert!(says_public("/api/v1/public/projects"));
        assert!(says_public("/public-feed"));
        assert!(!says_public("/api/publications/{id}"));
        assert!(!says_public("/api/users/{id}"));
        let owners = Response::for_tests(200, r#"[{"id": 1, "title": "t", "owner_id": 3}]"#);
        let k = kinds(&owners);
        assert!(k.owner && k.record && !k.private);
        let emails = Response::for_tests(200, r#"[{"id": 1, "email": "ann@corp.test"}]"#);
        assert!(kinds(&emails).private);
    }

    #[test]
    fn an_index_of_links_carries_no_data() {
        let index = r#"{"name": "Clinic API", "_links": {"self": {"href": "/api/"},
            "password_reset": {"href": "/auth/reset", "method": "POST"},
            "token": "/auth/token"}}"#;
        assert!(!carries_data(&Response::for_tests(200, index), true));
        // A link that carries a token in its query is no mere link.
        let reset = r#"{"reset_token_url": "/reset?token=8f2a9c1d7e"}"#;
        assert!(carries_data(&Response::for_tests(200, reset), true));
        // A hand-written index names operations as text, or whole URLs.
        let text = r#"{"service": "bills", "password_reminder": "POST /api/account/password-reminder",
            "token_docs": "https://bills.example.test/docs/tokens"}"#;
        assert!(!carries_data(&Response::for_tests(200, text), true));
        let secret = r#"{"password": "POST correct horse"}"#;
        assert!(carries_data(&Response::for_tests(200, secret), true));
    }

    #[test]
    fn a_demo_credential_set_carries_no_data() {
        let demo = r#"{"Code": "Success", "AccessKeyId": "ASIADEMO1234567890",
            "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYDEMODEMO",
            "Token": "IQoJb3JpZ2luX2VjEJ//////////wEaCXVzLXdlc3QtMiJIMEYCIQCdemo"}"#;
        assert!(!carries_data(&Response::for_tests(200, demo), true));
        let live = r#"{"Code": "Success", "AccessKeyId": "ASIAQ7VX3KPLMN2RT4WZ",
            "SecretAccessKey": "wJalrXUtnFEMIK7MDENGbPxRfiCYq8Zs2Lx9Vb3T"}"#;
        assert!(carries_data(&Response::for_tests(200, live), true));
    }

    #[test]
    fn flags_and_empty_values_carry_no_data() {
        // A web UI's settings: a flag named like a password, an empty list named like a PIN.
        let settings = r#"{"result": {"value": {"password_reset": true,
            "otp_pin_set_random_user": [], "login_text": "", "page_title": "Sign in"}}}"#;
        assert!(!carries_data(&Response::for_tests(200, settings), true));
        let token = r#"{"result": {"value": {"api_token": "tok-8d1f0c2b9e7a4c65"}}}"#;
        assert!(carries_data(&Response::for_tests(200, token), true));
    }
}
