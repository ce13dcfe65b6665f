//! `SC263` token-valid-after-logout: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use reqwest::Method;
use serde_json::{Map, Value};
use spillcheck_core::{Confidence, DiagnosticLevel, Finding, OwaspApi, Severity, declare_rule};

use crate::probe::{Probe, Probed};

declare_rule! {
    /// ## What it finds
    /// A token that still opens the user's data after the API's own logout answered that the session was ended: user A logs in afresh (`--user`), the new token reads one of A's protected operations, the logout operation (`POST /auth/logout`, a `DELETE` at the path the user logged in at such as `DELETE /api/tokens`, a handler that calls `logout_user()` or `unset_jwt_cookies()`) is sent with it and succeeds, and the same read with the same token is answered as before.
    ///
    /// ## Why it matters
    /// Logging out is how a user ends a session on a shared computer or after a token leaked; a token the server keeps honouring after that stays usable by whoever copied it until it expires (CWE-613, OWASP API2).
    ///
    /// ## Example
    /// ```http
    /// POST /auth/logout HTTP/1.1
    /// Authorization: Bearer eyJhbGciOi…
    ///
    /// HTTP/1.1 204 No Content
    ///
    /// GET /users/me HTTP/1.1
    /// Authorization: Bearer eyJhbGciOi…
    ///
    /// HTTP/1.1 200 OK
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed only by the exchanges: the token was minted for this check alone (A's own token is never logged out), opened a protected read (a GET that anonymous callers are refused) as A's own token did, the logout answered 2xx without redirecting to a page or saying it failed, and the same read after it, sent right away and again eight seconds later (past the grace some APIs give requests already on their way: microblog-api ends a token five seconds after), answered 2xx like the first (not a refusal, a login page, or a failure). A `DELETE` counts as a logout at the path the users logged in at, or on a session path with nothing listed there: `DELETE /token/` beside a `GET /token/` listing OTP devices removes an object. Only with `--user` credentials for A (a fresh login is needed), `--allow-writes` (a logout changes the server's state), a token sent in a header (a browser's session cookie is another matter), and as the run's very last requests. A revocation endpoint (`/revoke`) is sent only when it takes a token in its body, and then with the fresh token itself. Severity is low when the token is a JSON Web Token that expires within fifteen minutes anyway, medium otherwise.
    ///
    /// ## Fix
    /// Make logout revoke the token the request came with: keep its `jti` in a blocklist checked on every request (`@jwt.token_in_blocklist_loader` in flask-jwt-extended) or delete the server-side token record; revoke the access token, not only the refresh token.
    pub static SC263 = {
        id: "SC263",
        slug: "token-valid-after-logout",
        title: "Token still accepted after logout",
        severity: Severity::Medium,
        confidence: Confidence::Confirmed,
        cwe: &[613],
        owasp: &[OwaspApi::Api2],
        fix: "Revoke the token the logout request carries (a jti blocklist, or delete the stored token) so the server refuses it afterwards.",
    }
}

/// Whether an operation logs its caller out: its path says so (`logout`, `sign-out`), its
/// handler does (`logout_user()`), it is a `DELETE` at the path the users logged in at
/// (`POST /api/tokens` then `DELETE /api/tokens`, `DELETE /api/auth`) or of a session with
/// nothing to list there, or it revokes a token it takes in its body (`POST /oauth/revoke`
/// with `token`: sent the very token it is to end). A `DELETE /token/` beside a `GET`
/// listing tokens removes an object (an OTP device), not the session.
pub(crate) fn logs_out(
    op: &crate::discovery::Operation,
    login_path: Option<&str>,
    listed: bool,
) -> bool {
    if op.path_params().count() > 0 {
        return false;
    }
    let path = op.path.to_ascii_lowercase();
    let joined = path.replace(['-', '_', '.'], "");
    let segments: Vec<&str> = joined.split('/').filter(|s| !s.is_empty()).collect();
    let named = segments
        .iter()
        .any(|s| ["logout", "signout", "logoff"].iter().any(|w| s.starts_with(w)));
    let revokes = segments.iter().any(|s| s.starts_with("revoke"))
        && op
            .body
            .as_ref()
            .is_some_and(|b| b.properties.iter().any(|f| ends_this(f)));
    let by_code = op
        .side_effect
        .as_deref()
        .is_some_and(|why| why.contains("logs the caller out") || why == "ends the session");
    let trimmed = |p: &str| p.trim_end_matches('/').to_ascii_lowercase();
    let deletes_own = op.method == "DELETE"
        && (login_path.is_some_and(|l| trimmed(l) == trimmed(&op.path))
            || !listed
                && segments
                    .last()
                    .is_some_and(|s| matches!(*s, "session" | "sessions"))
            // `DELETE /api/sessions/current`, `/tokens/me`: the caller's own session.
            || segments.len() >= 2
                && matches!(segments[segments.len() - 1], "current" | "me" | "self" | "mine")
                && matches!(
                    segments[segments.len() - 2],
                    "session" | "sessions" | "token" | "tokens"
                ));
    named || revokes || by_code || deletes_own
}

/// A body field that takes the token to end (`token`, `access_token`).
fn ends_this(field: &str) -> bool {
    matches!(field.to_ascii_lowercase().as_str(), "token" | "access_token" | "accesstoken")
}

/// The body a logout takes: nothing when it documents none; else its example, with the
/// credentials it names (a `refresh_token` to revoke) taken from the fresh login's answer.
fn logout_body(pr: &Probed, token: &str, login_answer: Option<&Value>) -> Option<Value> {
    let body = pr.op.body.as_ref()?;
    let mut out = match &body.example {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    for field in &body.properties {
        if ends_this(field) {
            out.insert(field.clone(), Value::String(token.to_owned()));
        } else if spillcheck_core::vocab::is_token_field(field)
            && let Some(answer) = login_answer
        {
            // The first value under that key anywhere in the login's answer.
            let mut found = None;
            crate::inspect::visit(answer, &mut |k, v| {
                if found.is_none() && k == field {
                    found = Some(v.clone());
                }
            });
            if let Some(v) = found {
                out.insert(field.clone(), v);
            }
        }
    }
    Some(Value::Object(out))
}

/// Seconds until a JSON Web Token expires, when it is one with an `exp`.
fn expires_in(token: &str) -> Option<i64> {
    let jwt = spillcheck_tokens::jwt::Jwt::decode(token).ok()?;
    let exp = jwt.claims.get("exp")?.as_i64()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    Some(exp - i64::try_from(now).ok()?)
}

/// Seconds waited after a logout before the read that judges it: longer than the grace
/// APIs give requests already on their way (microblog-api ends a token 5 s after).
const GRACE_SECS: u64 = 8;

/// A fresh token of A's, a protected read it opens, the API's logout sent with it, and the
/// same read again: reported when the read still answers as before.
async fn probe(p: &Probe) -> Vec<Finding> {
    let login_path = p.users_login_path();
    let listed = |path: &str| {
        p.ops
            .iter()
            .any(|x| x.op.method == "GET" && x.op.path.trim_end_matches('/') == path.trim_end_matches('/'))
    };
    let logouts: Vec<Probed> = p
        .set_aside
        .iter()
        .chain(&p.ops)
        .filter(|pr| logs_out(&pr.op, login_path.as_deref(), listed(&pr.op.path)))
        .take(2)
        .cloned()
        .collect();
    if logouts.is_empty() {
        return Vec::new();
    }
    let Some(a) = &p.user else { return Vec::new() };
    let why_not = if !p.engine.settings().allow_writes {
        Some("a logout changes the server's state: needs --allow-writes")
    } else if a.login_request().is_none() {
        Some("a fresh token of user A's is needed: give A's credentials with --user")
    } else if p.session_login || matches!(p.placement, crate::auth::Placement::Cookie(_)) {
        Some("the session is a browser cookie, not a token")
    } else {
        None
    };
    let shown = |pr: &Probed| format!("{} {}", pr.op.method, pr.op.path);
    if let Some(why) = why_not {
        p.diagnose(
            DiagnosticLevel::Warning,
            format!(
                "SC263 not checked on {}: {why}",
                logouts.iter().map(shown).collect::<Vec<_>>().join(", ")
            ),
        );
        return Vec::new();
    }
    // A read that refuses a made-up token: one that serves any token (an SC202 of its own)
    // would serve the ended one too and prove nothing about the logout.
    let mut chosen = None;
    for pr in p.protected_reads(6).into_iter().filter(|pr| pr.user.is_some()) {
        let fake = p.placement.header(crate::auth::MADE_UP_TOKEN);
        let req = p.request("SC263: a made-up token", Method::GET, &pr.path);
        if let Ok(x) = p.with_header("SC263: a made-up token", Some(fake), req).await
            && (!x.response.ok() || crate::inspect::refused(&x.response, None))
        {
            chosen = Some(pr.clone());
            break;
        }
    }
    let Some(reads) = chosen else {
        return Vec::new();
    };
    let Some(own) = reads.user.as_ref() else {
        return Vec::new();
    };
    let Some(login) = a.login_request() else {
        return Vec::new();
    };
    for logout in logouts {
        // A token for this check alone: A's own stays in use.
        let mut fresh = login.clone();
        fresh.actor = crate::engine::Actor::Other("login (a session to log out)".to_owned());
        let Ok(answer) = p.engine.send(fresh).await else {
            continue;
        };
        if !answer.response.ok() {
            continue;
        }
        let Some(token) = crate::login::login_token(p, &answer) else {
            continue;
        };
        p.secret(&token);
        let header = || Some(p.placement.header(&token));
        let read = |label: &'static str| {
            p.with_header(label, header(), p.request(label, Method::GET, &reads.path))
        };
        let Ok(before) = read("fresh session, before logout").await else {
            continue;
        };
        // Served as A's own token was (the data may have changed since A's first read).
        if !before.response.ok() || crate::inspect::refused(&before.response, Some(&own.response))
        {
            continue;
        }
        let method: Method = logout.op.method.parse().unwrap_or(Method::POST);
        let label = "fresh session: logout";
        let mut req = p.request(label, method, &logout.path);
        if let Some(body) = logout_body(&logout, &token, answer.response.json().as_ref()) {
            req = req.body_for(logout.op.content_type(), &body);
        }
        let Ok(out) = p.with_header(label, header(), req).await else {
            continue;
        };
        let r = &out.response;
        let api_answer = r.status == 204 || r.body.is_empty() || r.json().is_some();
        if !r.ok() || !r.redirects.is_empty() || !api_answer || crate::inspect::failure_body(r)
        {
            p.diagnose(
                DiagnosticLevel::Warning,
                format!(
                    "SC263 not checked on {}: the logout answered {} with the token it was to end",
                    shown(&logout),
                    r.status
                ),
            );
            continue;
        }
        let still_served = |x: &crate::engine::Exchange| {
            x.response.ok()
                && !crate::inspect::refused(&x.response, Some(&before.response))
                && crate::inspect::similarity(&x.response, &before.response) >= 0.8
        };
        let Ok(after) = read("fresh session, after logout").await else {
            continue;
        };
        if !still_served(&after) {
            continue;
        }
        // Some APIs end a token a few seconds after the logout (for requests already on
        // their way): asked again once that grace is over.
        tokio::time::sleep(std::time::Duration::from_secs(GRACE_SECS)).await;
        let Ok(after) = read("fresh session, after logout and a wait").await else {
            continue;
        };
        if !still_served(&after) {
            continue;
        }
        let left = expires_in(&token);
        let lifetime = match left {
            Some(s) if s > 0 => format!(
                "; it stays good until it expires, in {}",
                spillcheck_tokens::jwt::human(s)
            ),
            _ => String::new(),
        };
        let why = format!(
            "{} answered {} to a fresh token of A's, then {} {} still answered that token as before{lifetime}",
            shown(&logout),
            r.status,
            reads.op.method,
            reads.op.path,
        );
        let mut f = Finding::new(
            &SC263,
            format!(
                "{}: the token a logout ended still opens user A's data",
                shown(&logout)
            ),
        )
        .on_route(&logout.op.method, &logout.op.path)
        .with_http(p.evidence(&after, &why, &[&out, &before]));
        if left.is_some_and(|s| s <= 15 * 60) {
            f = f.with_severity(Severity::Low);
        }
        return vec![f];
    }
    Vec::new()
}

/// How the probe runs this rule: after every other request of the run, since a logout may
/// end more sessions of A's than the one it was sent with.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::active(
    crate::rules::Stage::Last,
    |p| Box::pin(probe(p)),
)];
