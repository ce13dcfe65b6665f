//! The token audit: lifetime and header (SC303), sensitive claims (SC302).

use serde_json::Value;
use spillcheck_core::Finding;

use super::Jwt;
use crate::detect::luhn;
use crate::rules::sc302_jwt_sensitive_claims::SC302;
use crate::rules::sc303_jwt_lifetime::SC303;

/// What the audit expects of a token.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Longest acceptable lifetime of an access token, in seconds.
    pub max_lifetime: i64,
    /// The current time, in seconds since the epoch.
    pub now: i64,
}

/// A span of seconds in words (`14 minutes`, `5 hours`, `13 days`).
pub fn human(secs: i64) -> String {
    match secs {
        s if s >= 2 * 86_400 => format!("{} days", s / 86_400),
        s if s >= 2 * 3600 => format!("{} hours", s / 3600),
        s if s >= 120 => format!("{} minutes", s / 60),
        s => format!("{s} seconds"),
    }
}

/// What personal or secret data a claim value holds, if any.
fn sensitive_value(v: &str) -> Option<&'static str> {
    let at = v.find('@');
    if at.is_some_and(|i| i > 0 && v[i + 1..].contains('.') && !v.contains(' ')) {
        return Some("an email address");
    }
    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
    let only_number_chars = v
        .chars()
        .all(|c| c.is_ascii_digit() || " -+().".contains(c));
    // Card numbers start with an issuer's digit (3 to 6) and are not one digit repeated;
    // a long numeric id (a snowflake `sub`) that happens to pass Luhn is not a card.
    if only_number_chars
        && (13..=19).contains(&digits.len())
        && matches!(digits.as_bytes()[0], b'3'..=b'6')
        && !digits.bytes().all(|b| b == digits.as_bytes()[0])
        && luhn(&digits)
    {
        return Some("a payment card number");
    }
    if only_number_chars && v.trim_start().starts_with('+') && (10..=15).contains(&digits.len()) {
        return Some("a phone number");
    }
    None
}

/// The API's tokens compared: a token without an `aud` or `iss` that the API's other
/// tokens carry (SC303) is one a verifier that checks them would refuse — or, if it is
/// accepted, one the verifier does not check. `tokens` are (label, raw token).
pub fn compare(tokens: &[(String, String)]) -> Vec<Finding> {
    let decoded: Vec<(&str, &str, Jwt)> = tokens
        .iter()
        .filter_map(|(l, t)| Jwt::decode(t).ok().map(|j| (l.as_str(), t.as_str(), j)))
        .collect();
    let mut out = Vec::new();
    for claim in ["aud", "iss"] {
        let Some((with, _, _)) = decoded
            .iter()
            .find(|(_, _, j)| j.claims.contains_key(claim))
        else {
            continue;
        };
        for (label, token, jwt) in &decoded {
            if !jwt.claims.contains_key(claim) {
                let shown = spillcheck_core::redact(token);
                out.push(
                    Finding::new(&SC303, format!("{label}'s token `{shown}` has no `{claim}`, which {with}'s token carries: tokens of one API should all name it, and its verifier should require it"))
                        .with_key(format!("{shown}:{claim}"))
                        .with_secret((*token).to_owned()),
                );
            }
        }
    }
    out
}

/// Whether a token's claims are only opaque random handles (`{"token": "f3Kq…"}`): no
/// subject, no times, every value a long random-looking string. Such a JWT is a signed
/// reference to a server-side session or token row, which holds the lifetime.
fn handle_only(jwt: &Jwt) -> bool {
    !jwt.claims.is_empty()
        && jwt.claims.iter().all(|(k, v)| {
            !matches!(k.as_str(), "sub" | "iat" | "nbf" | "exp")
                && v.as_str().is_some_and(random_handle)
        })
}

/// A long string of URL-safe characters mixing letters and digits, as token generators
/// make (`secrets.token_urlsafe`, a UUID).
fn random_handle(v: &str) -> bool {
    v.len() >= 16
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        && v.chars().any(|c| c.is_ascii_digit())
        && v.chars().any(|c| c.is_ascii_alphabetic())
}

/// Audits one token. `token` is the raw token (only its redacted form is shown).
pub fn audit(jwt: &Jwt, token: &str, policy: Policy) -> Vec<Finding> {
    let shown = spillcheck_core::redact(token);
    let mut out = Vec::new();
    let mut lifetime = |message: String| {
        out.push(
            Finding::new(&SC303, message)
                .with_key(format!("{shown}:lifetime"))
                .with_secret(token.to_owned()),
        );
    };
    match (jwt.time_claim("exp"), jwt.time_claim("iat")) {
        (None, _) if handle_only(jwt) => {
            lifetime(format!(
                "token `{shown}` has no `exp` claim: it never expires unless the server expires the handle it wraps"
            ));
            // A signed session handle: the server keeps the lifetime with the handle.
            if let Some(f) = out.last_mut() {
                f.lower_to_possible(
                    "the token only wraps an opaque random handle (no subject, no times): its lifetime is probably kept on the server with the handle; check that the server expires it",
                );
            }
        }
        (None, _) => lifetime(format!(
            "token `{shown}` has no `exp` claim: it never expires"
        )),
        (Some(exp), Some(iat)) if exp - iat > policy.max_lifetime => lifetime(format!(
            "token `{shown}` lives {} (`exp` − `iat`), more than the {} policy",
            human(exp - iat),
            human(policy.max_lifetime)
        )),
        (Some(exp), None) if exp - policy.now > policy.max_lifetime => lifetime(format!(
            "token `{shown}` expires in {}, more than the {} policy",
            human(exp - policy.now),
            human(policy.max_lifetime)
        )),
        _ => {}
    }
    if jwt.alg().eq_ignore_ascii_case("none") {
        out.push(
            Finding::new(&SC303, format!("token `{shown}` is unsigned (`alg: none`)"))
                .with_key(format!("{shown}:alg"))
                .with_secret(token.to_owned()),
        );
    }
    for header in ["jku", "x5u"] {
        if let Some(url) = jwt.header.get(header).and_then(Value::as_str) {
            out.push(
                Finding::new(&SC303, format!("token `{shown}` names its own key location in `{header}` ({url}): a server that fetches it can be given an attacker's key"))
                    .with_key(format!("{shown}:{header}"))
                    .with_secret(token.to_owned()),
            );
        }
    }
    if let Some(kid) = jwt.header.get("kid").and_then(Value::as_str)
        && (kid.contains("..")
            || kid.contains('/')
            || kid.contains('\'')
            || kid.contains(';')
            || kid.contains('|'))
    {
        out.push(
                Finding::new(&SC303, format!("token `{shown}` has a `kid` that looks like a path or query ({kid}): check how the server uses it"))
                    .with_key(format!("{shown}:kid"))
                    .with_secret(token.to_owned()),
            );
    }
    let mut sensitive = Vec::new();
    for (key, value) in &jwt.claims {
        // An empty claim (`null`, `""`, `[]`, `{}`, `false`) carries nothing.
        let empty = match value {
            Value::Null | Value::Bool(false) => true,
            Value::String(s) => s.trim().is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
            _ => false,
        };
        if empty {
            continue;
        }
        let what = value.as_str().and_then(sensitive_value);
        if spillcheck_core::vocab::is_secret_field(key)
            || spillcheck_core::vocab::is_personal_field(key)
        {
            match what {
                Some(what) => sensitive.push(format!("`{key}` ({what})")),
                None => sensitive.push(format!("`{key}`")),
            }
        } else if let Some(what) = what {
            sensitive.push(format!("`{key}` ({what})"));
        }
    }
    if !sensitive.is_empty() {
        out.push(
            Finding::new(
                &SC302,
                format!(
                    "token `{shown}` carries {} in its readable payload",
                    sensitive.join(", ")
                ),
            )
            .with_key(format!("{shown}:claims"))
            .with_secret(token.to_owned()),
        );
    }
    out
}

#[cfg(test)]
mod compare_tests {
    use super::*;
    use crate::jwt::sign_hmac;

    #[test]
    fn missing_aud_or_iss_among_the_apis_tokens() {
        let h: serde_json::Map<String, Value> = serde_json::from_str(r#"{"alg":"HS256"}"#).unwrap();
        let with: serde_json::Map<String, Value> =
            serde_json::from_str(r#"{"sub":"1","iss":"a","aud":"b"}"#).unwrap();
        let without: serde_json::Map<String, Value> =
            serde_json::from_str(r#"{"sub":"2","iss":"a"}"#).unwrap();
        let t1 = sign_hmac(&h, &with, b"k").unwrap();
        let t2 = sign_hmac(&h, &without, b"k").unwrap();
        let out = compare(&[("user A".into(), t1.clone()), ("admin".into(), t2)]);
        assert_eq!(out.len(), 1);
        assert!(out[0].message.contains("admin's token") && out[0].message.contains("`aud`"));
        assert!(compare(&[("user A".into(), t1)]).is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::crack::sign;

    const NOW: i64 = 1_800_000_000;

    fn run(claims: &str) -> Vec<Finding> {
        let token = sign("HS256", claims, "k");
        audit(
            &Jwt::decode(&token).unwrap(),
            &token,
            Policy {
                max_lifetime: 3600,
                now: NOW,
            },
        )
    }

    #[test]
    fn lifetimes() {
        assert!(run(&format!(r#"{{"sub":"1","iat":{NOW},"exp":{}}}"#, NOW + 900)).is_empty());
        let long = run(&format!(
            r#"{{"sub":"1","iat":{NOW},"exp":{}}}"#,
            NOW + 30 * 86_400
        ));
        assert_eq!(long.len(), 1);
        assert!(long[0].message.contains("30 days"), "{}", long[0].message);
        assert!(run(r#"{"sub":"1"}"#)[0].message.contains("no `exp`"));
        // A signed handle to a server-side session: reported, at `possible`, with why.
        let handle = run(r#"{"token":"Xq3vT9_kP2mZ8rLw5nB1"}"#);
        assert_eq!(handle.len(), 1);
        assert_eq!(handle[0].confidence, spillcheck_core::Confidence::Possible);
        assert!(
            handle[0].notes[0].contains("server"),
            "{:?}",
            handle[0].notes
        );
        // A user's name is no handle: the token stands for the user, for ever.
        let named = run(r#"{"username":"alice"}"#);
        assert_eq!(named[0].confidence, SC303.confidence);
    }

    #[test]
    fn sensitive_claims() {
        let f = run(&format!(
            r#"{{"sub":"1","exp":{},"email":"alice@notes.test","card":"x","note":"4111 1111 1111 1111","tel":"+1 555 010 0101"}}"#,
            NOW + 60
        ));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule_id, "SC302");
        for part in ["`email`", "`card`", "payment card", "phone number"] {
            assert!(f[0].message.contains(part), "{}", f[0].message);
        }
        // Ordinary claims and ids are fine; a non-Luhn number is not a card.
        assert!(run(&format!(r#"{{"sub":"1234567890123","exp":{},"scope":"notes:read","ref":"4111111111111112"}}"#, NOW + 60)).is_empty());
        // A snowflake-like id that passes Luhn is no card.
        assert!(
            run(&format!(
                r#"{{"sub":"123456789012345671","exp":{}}}"#,
                NOW + 60
            ))
            .is_empty()
        );
        // A sensitive name with nothing in it carries nothing.
        assert!(
            run(&format!(
                r#"{{"sub":"1","exp":{},"email":null,"password":"","phone":[]}}"#,
                NOW + 60
            ))
            .is_empty()
        );
    }
}
