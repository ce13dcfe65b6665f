//! `SC230` sensitive-field-in-response: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};
use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::Value;
use spillcheck_core::Finding;

use crate::engine::Exchange;
use crate::inspect;
use crate::probe::Probe;

declare_rule! {
    /// ## What it finds
    /// A JSON response contains a sensitive property, matched on its key (`password`, `password_hash`, `secret`, `api_key`, `token`, `otp_secret`, a PIN by its last word when it holds three to twelve digits: `door_pin`, `cardPin`...) or on its value (a JWT, a private key, a provider key format); and a read of a collection of keys (`GET /api-keys`) whose records of other users show the key whole under a plain name (`key`, `value`: twenty characters or more of letters and digits), where it should show a prefix once it is created (the caller's own keys in its own listing are not reported).
    ///
    /// ## Why it matters
    /// Hashes are cracked offline; tokens and keys are used directly.
    ///
    /// ## Example
    /// ```http
    /// GET /api/users/2 HTTP/1.1
    ///
    /// HTTP/1.1 200 OK
    /// {"id": 2, "password_hash": "pbkdf2:sha256:…"}
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed when a sensitive key holds a real value (not a placeholder, not empty, not masked) or a value has a secret's format. Not reported: the caller's own token or anything the request headers carried; a token, API key or client secret in the answer of the operation that issues it (login, registration, refresh, a POST to a collection of keys such as `/api/keys` or `/user/{login}/api_key`), except a long-lived key (`api_key`, `client_secret`) beside the session token of a login, which that login discloses again rather than issues; a new object's own key, card number or code shown once by the operation that creates it (`/create`, `/new`, 201 Created), and a second factor's seed (`otp_secret`) beside the `otpauth://` URI of the write that enrolls it. A password or a hash is reported everywhere.
    ///
    /// ## Fix
    /// Remove the field from the serializer.
    pub static SC230 = {
        id: "SC230",
        slug: "sensitive-field-in-response",
        title: "Sensitive field in a response",
        severity: Severity::High,
        confidence: Confidence::Confirmed,
        cwe: &[213, 200],
        owasp: &[OwaspApi::Api3],
        fix: "Serialize responses from an allow-list of public fields.",
        confirms: &["SC140", "SC141"],
    }
}

fn masked(v: &str) -> bool {
    let t = v.trim();
    // A PIN or a card security code is short and all digits: still the secret.
    let short_code = t.len() >= 3 && t.chars().all(|c| c.is_ascii_digit());
    // Documentation and demo values (`AKIAIOSFODNN7EXAMPLE`, `...DEMODEMO`) and masks
    // (`****`, `[redacted]`) grant nothing: the detectors' own list, so the code analysis
    // and the probe agree.
    spillcheck_core::vocab::is_placeholder_value(t)
        || t.len() < 4 && !short_code
        || t.chars()
            .all(|c| matches!(c, '*' | 'x' | 'X' | '•' | '.' | '-'))
        || t.eq_ignore_ascii_case("hidden")
        || t.eq_ignore_ascii_case("bearer")
}

/// What an operation that issues credentials (login, registration, token refresh) is
/// meant to answer with: the token, an API key or client secret for its owner.
fn issued_credential(key: &str) -> bool {
    let n = spillcheck_core::vocab::normalize(key);
    spillcheck_core::vocab::is_token_field(key)
        || n.contains("token")
        || n.contains("jwt")
        || long_lived(key)
}

/// A credential meant to last (an API key, a client secret), as opposed to a session token.
fn long_lived(key: &str) -> bool {
    matches!(
        spillcheck_core::vocab::normalize(key).as_str(),
        "apikey" | "clientsecret" | "secret" | "secretkey" | "key"
    )
}

/// Whether an answer carries a session token (`token`, `access_token`, `jwt`) with a value.
fn has_session_token(json: &Value) -> bool {
    let mut found = false;
    inspect::visit(json, &mut |k, v| {
        let n = spillcheck_core::vocab::normalize(k);
        if (n.contains("token") || n.contains("jwt"))
            && !long_lived(k)
            && v.as_str().is_some_and(|s| s.len() >= 16)
        {
            found = true;
        }
    });
    found
}

/// What an operation that creates a credential-like object (a card, an API key) shows its
/// creator once: the object's own number, code and key.
fn created_credential(key: &str) -> bool {
    let n = spillcheck_core::vocab::normalize(key);
    issued_credential(key)
        || matches!(
            n.as_str(),
            "cardnumber"
                | "creditcard"
                | "ccnumber"
                | "cvv"
                | "cvc"
                | "cvv2"
                | "pin"
                | "number"
                | "otpsecret"
                | "totpsecret"
                | "otpseed"
                | "secret"
        )
}

/// `json` without the records that are the caller's own: an owner field naming the caller,
/// or a `user`, `username`, `email` or `login` field holding the caller's name or address.
fn without_callers_keys(json: &Value, own: &crate::probe::Own) -> Value {
    match json {
        Value::Object(m)
            if crate::authz::owner_is(m, own)
                || m.iter().any(|(k, v)| {
                    matches!(
                        spillcheck_core::vocab::normalize(k).as_str(),
                        "user" | "username" | "email" | "login"
                    ) && v.as_str().is_some_and(|s| {
                        own.names.iter().any(|n| n.eq_ignore_ascii_case(s))
                            || own.emails.contains(&s.trim().to_ascii_lowercase())
                    })
                }) =>
        {
            Value::Null
        }
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), without_callers_keys(v, own)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|x| without_callers_keys(x, own)).collect()),
        other => other.clone(),
    }
}

/// A value shaped like a whole key: twenty characters or more, no spaces, letters and
/// digits (not a name, a date or a shortened prefix).
fn key_like(v: &str) -> bool {
    v.len() >= 20
        && !v.contains(char::is_whitespace)
        && v.chars().any(|c| c.is_ascii_digit())
        && v.chars().any(|c| c.is_ascii_alphabetic())
}

/// A path whose last segment names a collection of keys (`/api/user/alice/api_key`,
/// `/api/keys`, `/credentials`): a POST there issues its caller a new key.
fn names_keys(path: &str) -> bool {
    let last = spillcheck_core::vocab::normalize(&crate::discovery::last_segment(path));
    let one = last.strip_suffix('s').unwrap_or(&last);
    matches!(
        one,
        "apikey" | "key" | "accesskey" | "credential" | "apppassword" | "apitoken"
    )
}

/// A write whose path says it creates or issues something (`/cards/create`, `/keys/new`,
/// `/tokens/issue`).
fn creates(path: &str) -> bool {
    let last = crate::discovery::last_segment(path);
    ["create", "new", "issue", "generate", "add"]
        .iter()
        .any(|w| {
            last == *w || last.starts_with(&format!("{w}-")) || last.starts_with(&format!("{w}_"))
        })
}

/// The sensitive keys and secret-format values of one JSON answer. `issuing`: the answer
/// of an operation that issues credentials, where the credential itself is expected.
#[cfg(test)]
fn scan(
    json: &Value,
    own_tokens: &[String],
    issuing: bool,
    creating: bool,
) -> (BTreeSet<String>, Vec<String>) {
    scan_answer(
        json,
        own_tokens,
        Answer {
            issuing,
            creating,
            ..Answer::default()
        },
    )
}

/// What kind of answer [`scan_answer`] reads.
#[derive(Debug, Clone, Copy, Default)]
struct Answer {
    /// An operation that issues credentials: the credential itself is expected.
    issuing: bool,
    /// A login's answer that carries a session token.
    login: bool,
    /// An operation that creates a credential-like object (a card, a key).
    creating: bool,
    /// A read of a collection of keys.
    of_keys: bool,
}

/// [`scan`], where `login` says the answer is a login's that carries a session token: a
/// long-lived key beside it (`api_key`) is disclosed again, not issued; and `of_keys` that
/// it is a read of a collection of keys (`GET /api-keys`), whose records keep the key
/// itself under a plain name (`key`, `value`): shown whole after its creation, it is
/// disclosed to whoever reads the list.
fn scan_answer(
    json: &Value,
    own_tokens: &[String],
    answer: Answer,
) -> (BTreeSet<String>, Vec<String>) {
    let Answer {
        issuing,
        login,
        creating,
        of_keys,
    } = answer;
    let mut keys = BTreeSet::new();
    let mut values = Vec::new();
    let scanner = spillcheck_tokens::detect::Scanner::get();
    let json = &inspect::without_demo_records(json);
    inspect::visit(json, &mut |k, v| {
        let Some(s) = v.as_str() else { return };
        if own_tokens.iter().any(|t| s.contains(t.as_str())) {
            return; // the caller's own token: SC232's business
        }
        if issuing && issued_credential(k) && !(login && long_lived(k))
            || creating && created_credential(k)
        {
            return;
        }
        let plain_key = of_keys
            && matches!(
                spillcheck_core::vocab::normalize(k).as_str(),
                "key" | "value" | "token" | "secret"
            )
            && key_like(s);
        // A field named for a PIN only by its last word (`door_pin`) counts when it holds
        // one: `PrependPin: "True"` is a setting.
        let pin_named = spillcheck_core::vocab::names_a_pin(k)
            && spillcheck_core::vocab::normalize(k) != "pin"
            && !spillcheck_core::vocab::pin_shaped(s);
        if (plain_key || spillcheck_core::vocab::is_sensitive_field(k)) && !pin_named && !masked(s)
        {
            keys.insert(k.to_owned());
            values.push(s.to_owned());
            return;
        }
        if issuing || creating {
            return; // values in token formats are what such an operation issues
        }
        let mut found = Vec::new();
        scanner.scan_line(s, false, &mut found);
        if let Some(d) = found
            .into_iter()
            .find(|d| d.detector != "generic-assignment")
        {
            keys.insert(format!("{k} ({})", d.detector));
            values.push(d.secret);
        }
    });
    (keys, values)
}

/// Every JSON answer to a read (and to writes that do not issue tokens) checked for
/// sensitive keys with real values and for values in secret formats; one finding per route.
pub(crate) fn check(p: &Probe, exchanges: &[Arc<Exchange>]) -> Vec<Finding> {
    let own_tokens: Vec<String> = [&p.user, &p.user_b, &p.admin]
        .into_iter()
        .flatten()
        .map(super::super::auth::Identity::token)
        .collect();
    let written = written_by_scan(exchanges);
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for e in exchanges {
        if !e.response.ok() || e.request.actor == crate::engine::Actor::Discovery {
            continue;
        }
        // Login, registration and refresh answer with a credential by design; a password,
        // a hash or a card number in their answer is still a leak.
        // A request that carried a password (a login, a registration) is answered with the
        // credential it issues.
        let sent_password = e.request.body.as_ref().is_some_and(|(_, b)| {
            let text = String::from_utf8_lossy(b).to_ascii_lowercase();
            text.contains("\"password\"") || text.contains("password=") || text.contains("pass\"")
        });
        let issuing = e.request.method != "GET"
            && (Probe::issues_tokens(e.request.url.path())
                || sent_password
                || e.request.method == "POST" && names_keys(e.request.url.path()));
        // Enrolling a second factor answers with the authenticator's seed beside the
        // `otpauth://` URI its QR code holds: shown once, to the user enrolling.
        let enrolling = e.request.method != "GET" && e.response.text().contains("otpauth://");
        let creating = enrolling
            || e.request.method == "POST"
                && (creates(e.request.url.path()) || e.response.status == 201);
        let Some(json) = e.response.json() else {
            continue;
        };
        if inspect::is_api_description(&json) {
            continue;
        }
        // Values the request itself carried are reflections (SC232), not leaks.
        let mut sent: Vec<String> = own_tokens.clone();
        sent.extend(
            e.request
                .headers
                .iter()
                .filter_map(|(_, v)| v.split_whitespace().last())
                .filter(|v| v.len() >= 8)
                .map(str::to_owned),
        );
        let path = e.request.url.path().to_ascii_lowercase();
        let registration = ["register", "signup", "sign-up", "create", "new"]
            .iter()
            .any(|w| path.contains(w));
        let login = issuing && !creating && !registration && has_session_token(&json);
        let json = if written.is_empty() {
            json
        } else {
            without_own_content(&json, &written)
        };
        let of_keys = e.request.method == "GET" && names_keys(e.request.url.path());
        // A listing of keys shows their owner the owner's own keys (alerta's `GET /keys`):
        // only keys of records that are not the caller's are disclosed.
        let json = if of_keys {
            without_callers_keys(&json, &p.own)
        } else {
            json
        };
        let (keys, values) = scan_answer(
            &json,
            &sent,
            Answer {
                issuing,
                login,
                creating,
                of_keys,
            },
        );
        if keys.is_empty() {
            continue;
        }
        let (method, path) = super::route_for(p, e);
        if !done.insert((method.clone(), path.clone())) {
            continue;
        }
        let list = keys.iter().cloned().collect::<Vec<_>>().join(", ");
        let mut f = Finding::new(&SC230, format!("{method} {path} returns {list}"))
            .on_route(&method, &path)
            .with_key(list.clone())
            .with_http(p.evidence(e, &format!("sensitive fields in the answer: {list}"), &[]));
        for v in values.into_iter().take(50) {
            f = f.with_secret(v);
        }
        out.push(f);
    }
    out
}

/// What the scan's users wrote as a secret they keep (`{"secret": "…"}` of a vault entry):
/// (name, value) of every JSON body they sent.
fn written_by_scan(exchanges: &[Arc<Exchange>]) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for e in exchanges {
        if e.request.method == "GET" || e.request.actor == crate::engine::Actor::Discovery {
            continue;
        }
        let Some(body) = e
            .request
            .body
            .as_ref()
            .and_then(|(_, b)| serde_json::from_slice::<Value>(b).ok())
        else {
            continue;
        };
        inspect::visit(&body, &mut |k, v| {
            if let Some(s) = v.as_str().filter(|s| s.len() >= 4)
                && is_stored_secret_name(k)
            {
                out.insert((k.to_ascii_lowercase(), s.to_owned()));
            }
        });
    }
    out
}

/// A secret a user keeps in the API (`secret`, `secret_content`, `my_secret`): what the
/// user wrote comes back to them. Passwords, keys, card data and credentials the API
/// issues are not this (read back, they are a leak whoever set them).
fn is_stored_secret_name(key: &str) -> bool {
    matches!(
        spillcheck_core::vocab::normalize(key).as_str(),
        "secret" | "secretcontent" | "secrettext" | "secretnote" | "mysecret" | "secretmessage"
    )
}

/// `json` without the values the scan's users wrote there themselves under the same name:
/// an object's own content shown to whoever may read it, not a secret the server gives
/// away (whether someone else may read it is SC210's and SC231's question).
fn without_own_content(json: &Value, written: &BTreeSet<(String, String)>) -> Value {
    match json {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, v)| {
                    !v.as_str().is_some_and(|s| {
                        written.contains(&(k.to_ascii_lowercase(), s.to_owned()))
                    })
                })
                .map(|(k, v)| (k.clone(), without_own_content(v, written)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|x| without_own_content(x, written)).collect()),
        other => other.clone(),
    }
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::Passive(check)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_to_a_key_collection_issues_a_key() {
        for path in ["/api/user/alice/api_key", "/api/keys", "/api/v1/api-keys", "/credentials"] {
            assert!(names_keys(path), "{path}");
        }
        for path in ["/api/users", "/api/keyboard", "/api/notes/7"] {
            assert!(!names_keys(path), "{path}");
        }
    }

    #[test]
    fn a_listing_of_keys_that_shows_them_whole() {
        let listing = serde_json::json!([
            {"id": 3, "label": "warehouse scanner", "key": "mpk_AcWms_7Hq2Lr9Xv4Tz8Kp3", "created_by": "dave"},
            {"id": 4, "label": "ci", "key": "mpk_Bx…", "prefix": "mpk_Bx"}]);
        let (keys, values) = scan_answer(
            &listing,
            &[],
            Answer {
                of_keys: true,
                ..Answer::default()
            },
        );
        assert_eq!(keys.into_iter().collect::<Vec<_>>(), ["key"]);
        assert_eq!(values, ["mpk_AcWms_7Hq2Lr9Xv4Tz8Kp3"]);
        // Elsewhere a `key` is a plain name (a setting's, a translation's).
        assert!(scan(&listing, &[], false, false).0.is_empty());
        let pins = serde_json::json!({"badges": [{"holder": "carol", "door_pin": "4821"}]});
        assert_eq!(scan(&pins, &[], false, false).0.into_iter().collect::<Vec<_>>(), ["door_pin"]);
        // Settings named like a PIN hold none.
        let settings = serde_json::json!({"PrependPin": "True", "IncFailCountOnFalsePin": "True"});
        assert!(scan(&settings, &[], false, false).0.is_empty());
        // The caller's own keys in the caller's listing are the caller's.
        let own = crate::probe::Own {
            emails: vec!["alice@example.com".into()],
            ..crate::probe::Own::default()
        };
        let mine = serde_json::json!({"keys": [{"key": "qNrgIrX8v2LmT5xR9kW3nZ7pY4", "user": "alice@example.com"}]});
        assert!(scan_answer(&without_callers_keys(&mine, &own), &[], Answer { of_keys: true, ..Answer::default() }).0.is_empty());
        assert!(!scan_answer(&without_callers_keys(&listing, &own), &[], Answer { of_keys: true, ..Answer::default() }).0.is_empty());
    }

    #[test]
    fn keys_and_values() {
        let v = serde_json::json!([{"id": 1, "password_hash": "scrypt:32768:8:1$abc$def", "token_type": "Bearer",
            "password": "", "cvv": "123", "note": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl", "secret": "****"}]);
        let (keys, values) = scan(&v, &[], false, false);
        assert!(keys.contains("password_hash"), "{keys:?}");
        assert!(keys.contains("cvv"), "{keys:?}");
        assert!(keys.iter().any(|k| k.starts_with("note (")), "{keys:?}");
        assert_eq!(keys.len(), 3, "{keys:?}");
        assert_eq!(values.len(), 3);
        let (keys, _) = scan(
            &v,
            &["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl".into()],
            false,
            false,
        );
        assert_eq!(keys.len(), 2);
        // A login's answer: its token and API key are what it issues, the hash is a leak.
        let login = serde_json::json!({"token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl",
            "api_key": "sk_live_Q8v2LmT5xR9kW3nZ7pY4hJ6c", "user": {"password_hash": "scrypt:32768:8:1$abc$def"}});
        let (keys, _) = scan(&login, &[], true, false);
        assert_eq!(
            keys.into_iter().collect::<Vec<_>>(),
            vec!["password_hash".to_owned()]
        );
        // The same answer known as a login's with a session token: the long-lived key
        // beside the token is disclosed on every login.
        assert!(has_session_token(&login));
        let (keys, _) = scan_answer(
            &login,
            &[],
            Answer {
                issuing: true,
                login: true,
                ..Answer::default()
            },
        );
        assert_eq!(
            keys.into_iter().collect::<Vec<_>>(),
            vec!["api_key".to_owned(), "password_hash".to_owned()]
        );
        // A login whose only credential is the key: that key is what it issues.
        let key_only = serde_json::json!({"api_key": "sk_live_Q8v2LmT5xR9kW3nZ7pY4hJ6c"});
        assert!(!has_session_token(&key_only));
        // A card issued to its owner shows its number once; demo keys grant nothing.
        let card = serde_json::json!({"card_number": "4111111111111111", "cvv": "123",
            "aws": {"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}});
        assert!(scan(&card, &[], false, true).0.is_empty());
        assert!(creates("/api/virtual-cards/create") && !creates("/api/transfer"));
        // A second factor enrolled: its seed beside the otpauth URI, shown to the enroller;
        // the same seed in an ordinary read is a leak.
        let totp = serde_json::json!({"totp_provisionning_uri": "otpauth://totp/Kitsu:alice?secret=JBSWY3DPEHPK3PXP",
            "otp_secret": "JBSWY3DPEHPK3PXP"});
        assert!(scan(&totp, &[], false, true).0.is_empty());
        assert!(scan(&totp, &[], false, false).0.contains("otp_secret"));
    }
    #[test]
    fn a_demo_credential_set_is_left_out_whole() {
        let imds = serde_json::json!({
            "Code": "Success",
            "AccessKeyId": "ASIADEMO1234567890",
            "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYDEMODEMO",
            "Token": "IQoJb3JpZ2luX2VjEJ//////////wEaCXVzLXdlc3QtMiJIMEYCIQCdemo"
        });
        assert!(scan(&imds, &[], false, false).0.is_empty());
        // The same set with live-looking values is reported.
        let live = serde_json::json!({
            "AccessKeyId": "ASIAQ7VX3KPLMN2RT4WZ",
            "SecretAccessKey": "wJalrXUtnFEMIK7MDENGbPxRfiCYq8Zs2Lx9Vb3T",
            "Token": "IQoJb3JpZ2luX2VjEJ//////////wEaCXVzLXdlc3QtMiJIMEYCIQCx7Tq"
        });
        assert!(!scan(&live, &[], false, false).0.is_empty());
    }
}