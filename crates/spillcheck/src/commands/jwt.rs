//! `spillcheck jwt TOKEN`: the token audit and the weak-secret crack.

use std::io::Read as _;

use anyhow::Context as _;
use spillcheck_core::{Confidence, Finding, Target};
use spillcheck_tokens::jwt::{Jwt, Policy, audit, crack, crack_wordlist};
use spillcheck_tokens::rules::sc301_jwt_weak_hmac_secret::SC301;

use crate::ExitStatus;
use crate::args::JwtArgs;
use crate::pipeline::{RunResult, finish, load_config};

pub(crate) fn jwt(args: &JwtArgs) -> anyhow::Result<ExitStatus> {
    let token = if args.token == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("cannot read the token from standard input")?;
        s.trim().to_owned()
    } else {
        args.token.trim().to_owned()
    };
    // The error names what is wrong, never the token.
    let decoded = match Jwt::decode(&token) {
        Ok(decoded) => decoded,
        // An itsdangerous token (Flask's signed payloads) is audited for its lifetime.
        Err(e) => {
            let Some(signed) = spillcheck_tokens::signed::decode(&token) else {
                return Err(e.into());
            };
            let config = load_config(&args.common, &std::env::current_dir()?)?;
            return finish(
                &args.common,
                &config,
                RunResult {
                    ran: crate::pipeline::ran::jwt,
                    target: Target::default(),
                    findings: spillcheck_tokens::signed::audit(&signed, &token),
                    diagnostics: Vec::new(),
                    secrets: vec![token],
                    root: None,
                },
            );
        }
    };
    let config = load_config(&args.common, &std::env::current_dir()?)?;
    let mut findings = audit(
        &decoded,
        &token,
        Policy {
            max_lifetime: args.max_lifetime,
            now: now(),
        },
    );
    let mut result = crack(&decoded, &[]);
    let mut source = "the built-in words and the published list of JWT secrets";
    if let (Some(r), Some(list)) = (&result, &args.wordlist)
        && r.secret.is_none()
    {
        // On a terminal, a spinner with the guesses so far and their rate.
        let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} {human_pos} guesses · {per_sec} · {elapsed}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        } else {
            indicatif::ProgressBar::hidden()
        };
        let more = crack_wordlist(&decoded, list, args.mangle, &|n| bar.set_position(n))
            .with_context(|| format!("cannot read {}", list.display()))?;
        bar.finish_and_clear();
        if let Some(mut m) = more {
            m.guesses += r.guesses;
            m.elapsed += r.elapsed;
            result = Some(m);
            source = "the wordlist";
        }
    }
    findings.extend(weak_secret_finding(
        &decoded,
        &token,
        result.as_ref(),
        source,
    ));
    finish(
        &args.common,
        &config,
        RunResult {
            ran: crate::pipeline::ran::jwt,
            target: Target::default(),
            findings,
            diagnostics: Vec::new(),
            secrets: vec![token],
            root: None,
        },
    )
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

fn weak_secret_finding(
    decoded: &Jwt,
    token: &str,
    result: Option<&spillcheck_tokens::jwt::CrackResult>,
    source: &str,
) -> Option<Finding> {
    let r = result?;
    let secret = r.secret.as_ref()?;
    let shown = spillcheck_core::redact(token);
    let key = spillcheck_core::redact(secret);
    Some(
        Finding::new(&SC301, format!(
            "{} token `{shown}` is signed with the weak secret `{key}`, found in {source} after {} guesses ({} ms): anyone can mint tokens for any user",
            decoded.alg(), r.guesses, r.elapsed.as_millis()
        ))
        .with_confidence(Confidence::Confirmed)
        .with_key(format!("{shown}:secret"))
        .with_secret(secret.clone())
        .with_secret(token.to_owned()),
    )
}

/// SC301 for an `itsdangerous` token whose secret is among the candidates: whoever has it
/// signs sessions (or tokens) for any user.
fn weak_signing_secret(token: &str, code_keys: &[String]) -> Option<Finding> {
    let cracked = spillcheck_tokens::signed::crack(token, code_keys)?;
    let shown = spillcheck_core::redact(token);
    let key = spillcheck_core::redact(&cracked.secret);
    let source = if code_keys.contains(&cracked.secret) {
        "the project's code, where it is hard-coded"
    } else {
        "the built-in words and the published list of secrets"
    };
    let what = if cracked.flask_session {
        "Flask session cookie"
    } else {
        "itsdangerous token"
    };
    let power = if cracked.flask_session {
        "anyone can sign a session for any user (Flask-Login's `_user_id`, an app's `user_id`)"
    } else {
        "anyone can sign such tokens for any user"
    };
    Some(
        Finding::new(
            &SC301,
            format!(
                "{what} `{shown}` is signed with the weak secret `{key}` (the app's `SECRET_KEY`), found in {source} after {} guesses: {power}",
                cracked.guesses
            ),
        )
        .with_confidence(Confidence::Confirmed)
        .with_key(format!("{shown}:secret"))
        .with_secret(cracked.secret)
        .with_secret(token.to_owned()),
    )
}

/// The audit and built-in-list crack of a token the probe was given (nothing when it is
/// not a JWT: opaque tokens are fine).
pub(crate) fn audit_token(token: &str, max_lifetime: i64) -> Vec<Finding> {
    audit_token_with(token, max_lifetime, &[])
}

/// [`audit_token`], with the keys hard-coded in the project's code tried first (`scan`
/// reads them: `jwt_secret = 'bankbank'` signs the tokens whatever the lists hold).
pub(crate) fn audit_token_with(
    token: &str,
    max_lifetime: i64,
    code_keys: &[String],
) -> Vec<Finding> {
    let Ok(decoded) = Jwt::decode(token) else {
        // Not a JWT: an itsdangerous token (a Flask session cookie) shows whether it can
        // expire, and gives up a weak signing secret as a JWT does.
        let Some(signed) = spillcheck_tokens::signed::decode(token) else {
            return Vec::new();
        };
        let mut findings = spillcheck_tokens::signed::audit(&signed, token);
        findings.extend(weak_signing_secret(token, code_keys));
        return findings;
    };
    let mut findings = audit(
        &decoded,
        token,
        Policy {
            max_lifetime,
            now: now(),
        },
    );
    let result = crack(&decoded, code_keys);
    let from_code = result
        .as_ref()
        .and_then(|r| r.secret.as_ref())
        .is_some_and(|s| code_keys.contains(s));
    findings.extend(weak_secret_finding(
        &decoded,
        token,
        result.as_ref(),
        if from_code {
            "the project's code, where it is hard-coded"
        } else {
            "the built-in words and the published list of JWT secrets"
        },
    ));
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A token signed with a key no list holds is cracked when the code hard-codes it.
    #[test]
    fn a_key_hard_coded_in_the_code_is_tried() {
        let key = "gullible-zx81-bankbank";
        let header: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(r#"{"alg":"HS256","typ":"JWT"}"#).unwrap();
        let mut claims = serde_json::Map::new();
        claims.insert("sub".into(), "alice".into());
        claims.insert("exp".into(), (now() + 600).into());
        let token = spillcheck_tokens::jwt::sign_hmac(&header, &claims, key.as_bytes()).unwrap();
        let weak = |keys: &[String]| {
            audit_token_with(&token, 3600, keys)
                .into_iter()
                .find(|f| f.rule_id == "SC301")
        };
        assert!(weak(&[]).is_none(), "not in the lists");
        let f =
            weak(&["unrelated".to_owned(), key.to_owned()]).expect("found with the code's keys");
        assert!(f.message.contains("the project's code"), "{}", f.message);
        assert!(!f.message.contains(key), "{}", f.message);
    }
}
