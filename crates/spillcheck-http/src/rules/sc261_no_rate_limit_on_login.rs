//! `SC261` no-rate-limit-on-login: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};
use std::sync::Arc;
use std::time::Duration;

use spillcheck_core::Finding;

use crate::engine::{Exchange, Response};
use crate::login::{Account, Form, attempt_from};
use crate::probe::Probe;

declare_rule! {
    /// ## What it finds
    /// A bounded burst (at most 25) of failed logins against a user the scan owns was answered without any 429, lockout or growing delay; or the same burst of wrong codes (a password-reset PIN, a one-time code) for that user. Where a limit stops the burst, it is sent again with another address in `X-Forwarded-For` on each attempt: a limit that then never triggers is keyed on a header the client writes (ProxyFix trusting a proxy that is not there), and is reported as such.
    ///
    /// ## Why it matters
    /// Unlimited attempts make password guessing and credential stuffing practical (CWE-307); a 3- to 6-digit reset PIN or one-time code falls to a loop of at most a million requests, usually far fewer.
    ///
    /// ## Example
    /// ```http
    /// 25 × POST /api/login (wrong password) -> 25 × 401, no 429
    /// ```
    ///
    /// ## Fix
    /// `@limiter.limit("5/minute")` on the login route and an account lockout counter; codes expire after a few wrong attempts.
    ///
    /// ## Known false positives and how confidence is decided
    /// Always `likely`: a limit that starts after more than 25 attempts, or one enforced by a proxy in front of the app that the scan does not pass through, is not seen. When the scan cannot register an account of its own, the burst uses a user that does not exist: that shows whether anything limits one client, not whether an existing account would be locked, and the finding says so. The code burst sends the account's own password as the new one, so even a lucky guess changes nothing.
    pub static SC261 = {
        id: "SC261",
        slug: "no-rate-limit-on-login",
        title: "Login accepts unlimited failed attempts",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[307, 770],
        owasp: &[OwaspApi::Api4],
        fix: "Rate-limit login attempts per account and per client (Flask-Limiter) and add lockout or back-off.",
    }
}

/// Attempts in the burst (the issue's bound).
pub(crate) const BURST: usize = 25;

/// The burst of wrong codes: every operation that checks a short code for a user, aimed
/// at the scan's own account; the new password it may set is the account's own.
pub(crate) async fn codes(p: &Probe, account: &Account) -> Vec<Finding> {
    let mut out = Vec::new();
    for (form, code_field) in crate::login::code_forms(p) {
        let send = |i: usize| {
            let mut body = crate::login::example_object(&form.op);
            for (k, v) in &mut body {
                if k.to_ascii_lowercase().contains("pass") {
                    *v = serde_json::Value::from(account.password.clone());
                }
            }
            body.insert(
                form.user_field.clone(),
                serde_json::Value::from(account.user.clone()),
            );
            // Wrong codes of the usual lengths (3, 4, 6 digits).
            let width = [3, 4, 6][i % 3];
            let guess: String = crate::probe::random_digits(width);
            body.insert(code_field.clone(), serde_json::Value::from(guess));
            let req = p
                .request(
                    "code burst (scan's own account)",
                    reqwest::Method::POST,
                    &form.op.path,
                )
                .body_for(form.op.content_type(), &serde_json::Value::Object(body));
            async move { p.anon(req).await.ok() }
        };
        let mut answers: Vec<Arc<Exchange>> = Vec::new();
        let mut stopped = false;
        while answers.len() < BURST && !stopped {
            let n = 5.min(BURST - answers.len());
            let base = answers.len();
            for ex in futures_util::future::join_all((0..n).map(|i| send(base + i))).await {
                // Throttled, unreachable, or a guess that worked: no finding.
                let Some(ex) = ex else {
                    stopped = true;
                    break;
                };
                if crate::inspect::throttled(&ex.response)
                    || (ex.response.ok() && !crate::inspect::failure_body(&ex.response))
                {
                    stopped = true;
                    break;
                }
                answers.push(ex);
            }
        }
        let (Some(a), Some(z)) = (answers.first(), answers.last()) else {
            continue;
        };
        // Every attempt answered alike (the same refusal), none of them a server error.
        if stopped
            || answers.len() < BURST
            || answers
                .iter()
                .any(|x| x.response.status != a.response.status)
            || a.response.status >= 500
            || no_login_there(&p.not_found, &a.response)
        {
            continue;
        }
        out.push(
            Finding::new(&SC261, format!(
                "{} {} accepted {BURST} wrong `{code_field}` codes in a row for one account with no 429, lockout or delay",
                form.op.method, form.op.path
            ))
            .on_route(&form.op.method, &form.op.path)
            .with_http(p.evidence(z, &format!("wrong code {BURST} answered {} like wrong code 1", z.response.status), &[a])),
        );
    }
    out
}

/// A bounded burst of failed logins against the scan's own account: no 429, lockout,
/// `Retry-After` or growing delay means passwords can be guessed at full speed.
pub(crate) async fn probe(p: &Probe, account: &Account) -> Vec<Finding> {
    let form = &account.login;
    let label = "login burst (scan's own account)";
    match burst(p, form, &account.user, label, false).await {
        Burst::Open(_, z) if no_login_there(&p.not_found, &z.response) => Vec::new(),
        Burst::Open(a, z) => vec![burst_finding(
            p,
            form,
            &format!("accepted {BURST} failed logins in a row for one account with no 429, lockout or delay"),
            "",
            &a,
            &z,
        )],
        Burst::Throttled => spoofed(p, form, &account.user, label).await,
        Burst::Failed => Vec::new(),
    }
}

/// The burst again, each attempt claiming another client in `X-Forwarded-For`, once a
/// limit stopped the first: a limit keyed on a header the client writes (a proxy fix
/// trusting one hop with no proxy in front) is one an attacker never reaches.
async fn spoofed(p: &Probe, form: &Form, user: &str, label: &str) -> Vec<Finding> {
    let Burst::Open(a, z) = burst(p, form, user, label, true).await else {
        return Vec::new();
    };
    if z.response.status >= 500 || no_login_there(&p.not_found, &z.response) || succeeded(&z.response) {
        return Vec::new();
    }
    vec![
        burst_finding(
            p,
            form,
            &format!("limits failed logins per client, but the client is told by `X-Forwarded-For`: {BURST} failed logins in a row, each naming another address, were answered with no 429 or delay"),
            " (X-Forwarded-For: another address each time)",
            &a,
            &z,
        )
        .with_note("the limit holds for a client that sends no X-Forwarded-For; key it on the address the app's own proxy reports (ProxyFix only with a proxy in front), or per account"),
    ]
}

/// The burst for a user that does not exist, when the scan could not register an account
/// of its own (registration needs an emailed confirmation, or there is none): nothing
/// limits one client's attempts. Whether the app locks an existing account is not seen.
/// `like`: a name of the kind the form takes (user A's login name, the form's own account, an
/// email A's answers hold), so the attempts pass the app's checks on a name's shape and reach
/// the password.
pub(crate) async fn unknown_user(p: &Probe, form: &Form, like: Option<&str>) -> Vec<Finding> {
    let user = crate::login::unknown_like(like.unwrap_or("spillcheck@example.com"));
    let label = "login burst (unknown user)";
    let (a, z) = match burst(p, form, &user, label, false).await {
        Burst::Open(a, z) => (a, z),
        Burst::Throttled => return spoofed(p, form, &user, label).await,
        Burst::Failed => return Vec::new(),
    };
    // Every attempt refused alike: a server error is no login, nor is an address that
    // answers nothing there (404, 405: a login the code names at another mount point).
    if z.response.status >= 500 || no_login_there(&p.not_found, &z.response) || succeeded(&z.response) {
        return Vec::new();
    }
    vec![
        burst_finding(
            p,
            form,
            &format!("accepted {BURST} failed logins in a row from one client with no 429 or delay (for a user that does not exist: the scan could not register an account of its own, so account lockout was not checked)"),
            "",
            &a,
            &z,
        )
        .with_note("per-client limit checked with an unknown user; per-account lockout not checked"),
    ]
}

/// The finding of a burst on `form` that met no limit: `what` the operation did, `how` the
/// attempts were sent (after "attempt N"), with the first (`a`) and last (`z`) answers.
fn burst_finding(
    p: &Probe,
    form: &Form,
    what: &str,
    how: &str,
    a: &Exchange,
    z: &Exchange,
) -> Finding {
    let (method, path) = (&form.op.method, &form.op.path);
    let why = format!(
        "attempt {BURST}{how} answered {} like attempt 1",
        z.response.status
    );
    Finding::new(&SC261, format!("{method} {path} {what}"))
        .on_route(method, path)
        .with_http(p.evidence(z, &why, &[a]))
}

/// An answer that says no login is there at all (the site's answer to a path it does not
/// have, or no such method): a burst answered so was never a login attempt. A 404 of the
/// login's own making (RealWorld's `{"errors": {"body": ["User not found"]}}`) is a refusal.
fn no_login_there(not_found: &crate::inspect::NotFound, r: &Response) -> bool {
    matches!(r.status, 405 | 501) || r.status == 404 && not_found.same_as_missing_path(r)
}

/// Whether a login answer is a success: a 2xx that neither says it failed nor shows the
/// login form again (an HTML login answers a wrong password with its form and a message).
fn succeeded(r: &Response) -> bool {
    r.ok() && !crate::inspect::failure_body(r) && !crate::inspect::is_login_form(r)
}

/// How a burst ended.
enum Burst {
    /// No attempt was throttled: the first and the last answers.
    Open(Arc<Exchange>, Arc<Exchange>),
    /// A 429/423/503, `Retry-After`, a lockout message or a growing delay.
    Throttled,
    /// An attempt got no answer.
    Failed,
}

/// `BURST` failed logins for `user` on `form`, each from another address in
/// `X-Forwarded-For` when `spoof`.
async fn burst(p: &Probe, form: &Form, user: &str, label: &str, spoof: bool) -> Burst {
    // In waves of the engine's concurrency: a brute-forcer does not wait either.
    let wave = p.engine.settings().concurrency.clamp(1, 5);
    let mut answers: Vec<Arc<Exchange>> = Vec::new();
    while answers.len() < BURST {
        let n = wave.min(BURST - answers.len());
        let base = answers.len();
        let sent = futures_util::future::join_all((0..n).map(|i| {
            let wrong = format!("Wrong-{i}-{}", crate::probe::random_name());
            p.forged(&wrong);
            let from = spoof.then(|| crate::login::other_client(base + i));
            async move { attempt_from(p, form, user, &wrong, label, from.as_deref()).await }
        }))
        .await;
        for ex in sent {
            let Some(ex) = ex else {
                return Burst::Failed;
            };
            if crate::inspect::throttled(&ex.response) {
                return Burst::Throttled;
            }
            answers.push(ex);
        }
    }
    let avg = |s: &[Arc<Exchange>]| {
        s.iter().map(|e| e.response.elapsed).sum::<Duration>()
            / u32::try_from(s.len().max(1)).unwrap_or(1)
    };
    let (first, last) = (avg(&answers[..5]), avg(&answers[BURST - 5..]));
    if last > first * 3 && last.checked_sub(first).unwrap_or_default() > Duration::from_millis(200)
    {
        return Burst::Throttled; // a growing delay is a throttle
    }
    match (answers.first(), answers.last()) {
        (Some(a), Some(z)) => Burst::Open(a.clone(), z.clone()),
        _ => Burst::Failed,
    }
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::Within("SC260")];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_page_shown_again_is_a_failure() {
        let r = |status, body: &str| Response::for_tests(status, body);
        assert!(succeeded(&r(200, r#"{"access_token": "abc"}"#)));
        assert!(!succeeded(&r(200, r#"{"status": "fail", "message": "wrong password"}"#)));
        assert!(!succeeded(&r(
            200,
            r#"<form method="post"><input name="id"><input type="password" name="password"></form><p>This private code is not the right one</p>"#
        )));
        assert!(!succeeded(&r(401, r#"{"error": "invalid credentials"}"#)));
    }

    #[test]
    fn an_address_with_no_login_is_no_burst() {
        let r = |status, body: &str| Response::for_tests(status, body);
        let missing = r#"{"message": "The requested URL was not found on the server."}"#;
        let mut not_found = crate::inspect::NotFound::default();
        not_found.learn(r(404, missing));
        assert!(no_login_there(&not_found, &r(404, missing)));
        assert!(no_login_there(&not_found, &r(405, "")));
        // The login's own "no such user" (RealWorld answers it with a 404) is a refusal.
        assert!(!no_login_there(&not_found, &r(404, r#"{"errors": {"body": ["User not found"]}}"#)));
        assert!(!no_login_there(&not_found, &r(401, r#"{"error": "invalid credentials"}"#)));
    }
}
