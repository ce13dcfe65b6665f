//! `SC261` no-rate-limit-on-login: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};
use std::sync::Arc;
use std::time::Duration;

use spillcheck_core::{DiagnosticLevel, Finding};

use crate::engine::{Exchange, Response};
use crate::login::{Form, attempt, owned_account};
use crate::probe::Probe;

declare_rule! {
    /// ## What it finds
    /// A bounded burst (at most 25) of failed logins against a user the scan owns was answered without any 429, lockout or growing delay.
    ///
    /// ## Why it matters
    /// Unlimited attempts make password guessing and credential stuffing practical (CWE-307).
    ///
    /// ## Example
    /// ```http
    /// 25 × POST /api/login (wrong password) -> 25 × 401, no 429
    /// ```
    ///
    /// ## Fix
    /// `@limiter.limit("5/minute")` on the login route and an account lockout counter.
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

fn throttled(r: &Response) -> bool {
    let body = r.text().to_ascii_lowercase();
    matches!(r.status, 429 | 423 | 503)
        || r.header("retry-after").is_some()
        || ["too many", "locked", "try again later", "rate limit"]
            .iter()
            .any(|w| body.contains(w))
}

/// A bounded burst of failed logins against the scan's own account: no 429, lockout,
/// `Retry-After` or growing delay means passwords can be guessed at full speed.
pub(crate) async fn probe(p: &Probe, form: &Form) -> Vec<Finding> {
    if !p.enabled("SC261") {
        return Vec::new();
    }
    let Some(account) = owned_account(p).await else {
        p.diagnose(
            DiagnosticLevel::Warning,
            "SC261 not checked: the burst only targets an account the scan registers itself, and no registration operation worked",
        );
        return Vec::new();
    };
    // In waves of the engine's concurrency: a brute-forcer does not wait either.
    let wave = p.engine.settings().concurrency.clamp(1, 5);
    let mut answers: Vec<Arc<Exchange>> = Vec::new();
    while answers.len() < BURST {
        let n = wave.min(BURST - answers.len());
        let sent =
            futures_util::future::join_all(
                (0..n).map(|i| {
                    let wrong = format!("Wrong-{i}-{}", crate::probe::random_name());
                    let user = account.user.clone();
                    async move {
                        attempt(p, form, &user, &wrong, "login burst (scan's own account)").await
                    }
                }),
            )
            .await;
        for ex in sent {
            let Some(ex) = ex else { return Vec::new() };
            if throttled(&ex.response) {
                return Vec::new();
            }
            answers.push(ex);
        }
    }
    let avg = |s: &[Arc<Exchange>]| {
        s.iter().map(|e| e.response.elapsed).sum::<Duration>()
            / u32::try_from(s.len().max(1)).unwrap_or(1)
    };
    let (first, last) = (avg(&answers[..5]), avg(&answers[BURST - 5..]));
    if last > first * 3 && last.checked_sub(first).unwrap() > Duration::from_millis(200) {
        return Vec::new(); // a growing delay is a throttle
    }
    let (Some(a), Some(z)) = (answers.first(), answers.last()) else {
        return Vec::new();
    };
    vec![
        Finding::new(&SC261, format!(
            "{} {} accepted {BURST} failed logins in a row for one account with no 429, lockout or delay",
            form.op.method, form.op.path
        ))
        .on_route(&form.op.method, &form.op.path)
        .with_http(p.evidence(z, &format!("attempt {BURST} answered {} like attempt 1", z.response.status), &[a])),
    ]
}
