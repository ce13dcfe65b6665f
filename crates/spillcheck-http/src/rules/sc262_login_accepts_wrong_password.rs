//! `SC262` login-accepts-wrong-password: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

use spillcheck_core::Finding;

use crate::probe::Probe;

declare_rule! {
    /// ## What it finds
    /// The login that user A's credentials worked on (`--user`), sent again with A's name and a password nobody has, hands out a token, and that token opens A's protected data.
    ///
    /// ## Why it matters
    /// A login that checks only the user name (a leftover of a demo, a password check that was commented out, a comparison that is always true) lets anyone become any user whose name they know (CWE-287).
    ///
    /// ## Example
    /// ```http
    /// POST /login HTTP/1.1
    /// {"username": "alice", "password": "Wrong-k2f9"}
    ///
    /// HTTP/1.1 200 OK
    /// {"token": "eyJhbGciOi..."}
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed only when the token answered to the wrong password is served on one of A's protected reads (an operation anonymous callers are refused) with an answer like A's own, or, where no read is protected, when it is a JSON Web Token naming user A by the same identity claim (`sub`, `username`, `user_id`...) as A's own token: a login that answers 200 with a failure message, a login page, or a token that opens nothing is not reported. One attempt, on the login A's credentials worked on, sent anonymously with a random password and only with `--allow-writes` (a failed login counts against the account, as the enumeration check's do); not sent for logins that open only a browser session.
    ///
    /// ## Fix
    /// Verify the password (`check_password_hash(user.password_hash, password)`) before issuing anything, and answer the same refusal for a wrong password and an unknown user.
    pub static SC262 = {
        id: "SC262",
        slug: "login-accepts-wrong-password",
        title: "Login accepts a wrong password",
        severity: Severity::Critical,
        confidence: Confidence::Confirmed,
        cwe: &[287],
        owasp: &[OwaspApi::Api2],
        fix: "Check the password before issuing a token or a session; refuse a wrong one like an unknown user.",
    }
}

/// A's login, sent again with A's name and a wrong password: reported when its token opens
/// a protected read with an answer like A's own.
async fn probe(p: &Probe) -> Vec<Finding> {
    // A failed login counts against the account like the enumeration check's: sent only
    // where writes are allowed.
    if !p.engine.settings().allow_writes {
        return Vec::new();
    }
    let (Some(form), Some(a)) = (&p.a_login, &p.user) else {
        return Vec::new();
    };
    if p.session_login || form.recipe.is_none() {
        return Vec::new();
    }
    let Some(name) = form.account().map(str::to_owned) else {
        return Vec::new();
    };
    let wrong = format!("Wrong-{}", crate::probe::random_name());
    p.forged(&wrong);
    let Some(ex) = crate::login::attempt(p, form, &name, &wrong, "login: wrong password").await
    else {
        return Vec::new();
    };
    if !ex.response.ok() || crate::inspect::failure_body(&ex.response) {
        return Vec::new();
    }
    let Some(token) = crate::login::login_token(p, &ex) else {
        return Vec::new();
    };
    if token.len() < 8 {
        return Vec::new();
    }
    p.secret(&token);
    for pr in p.protected_reads(3) {
        let Some(own) = pr.user.as_ref() else { continue };
        let req = p.request("token of a wrong password", reqwest::Method::GET, &pr.path);
        let Ok(got) = p
            .with_header("token of a wrong password", Some(p.placement.header(&token)), req)
            .await
        else {
            continue;
        };
        if got.response.ok()
            && !crate::inspect::refused(&got.response, Some(&own.response))
            && crate::inspect::similarity(&got.response, &own.response) >= 0.8
        {
            let how = format!("it opens {} {} like A's own", pr.op.method, pr.op.path);
            return vec![accepted(p, form, &how, &ex, &[&got])];
        }
    }
    // No protected read to try it on: the token itself says whom it signs in. A JSON Web
    // Token naming user A by the same claim as A's own token does (the server signed it).
    if let Some(how) = names_the_same_user(&token, &a.token()) {
        let how = format!("it names user A ({how})");
        return vec![accepted(p, form, &how, &ex, &[])];
    }
    Vec::new()
}

/// The finding: the login at `form` answered a token to a wrong password, and `how` it
/// is A's.
fn accepted(
    p: &Probe,
    form: &crate::login::Form,
    how: &str,
    answer: &crate::engine::Exchange,
    others: &[&crate::engine::Exchange],
) -> Finding {
    let why = format!(
        "the login answered a token to user A's name with a wrong password, and {how}"
    );
    Finding::new(
        &SC262,
        format!(
            "{} {} accepts a wrong password: {why}",
            form.op.method, form.op.path
        ),
    )
    .on_route(&form.op.method, &form.op.path)
    .with_http(p.evidence(answer, &why, others))
}

/// How a token names the same user as A's own: it is A's own token, or both are JSON Web
/// Tokens agreeing on an identity claim (`sub`, `username`, `user_id`, `identity`, `email`).
fn names_the_same_user(token: &str, own: &str) -> Option<String> {
    if token == own {
        return Some("the very token A's own login got".to_owned());
    }
    let (Ok(t), Ok(o)) = (
        spillcheck_tokens::jwt::Jwt::decode(token),
        spillcheck_tokens::jwt::Jwt::decode(own),
    ) else {
        return None;
    };
    [
        "sub", "identity", "user_id", "uid", "username", "user", "email", "id",
    ]
    .into_iter()
    .find(|k| {
        t.claims
            .get(*k)
            .is_some_and(|v| !v.is_null() && v.as_str() != Some("") && o.claims.get(*k) == Some(v))
    })
    .map(|k| format!("the `{k}` claim of A's own token"))
}

/// How the probe runs this rule: with the other logins, last and alone.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::active(
    crate::rules::Stage::Logins,
    |p| Box::pin(probe(p)),
)];
