//! `SC260` user-enumeration: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};
use std::time::Duration;

use spillcheck_core::{DiagnosticLevel, Finding};

use crate::engine::{Exchange, Response};
use crate::login::{attempt, attempt_from, login_form, owned_account};
use crate::probe::Probe;

declare_rule! {
    /// ## What it finds
    /// The login (or password reset) endpoint answers differently for an existing user with a wrong password and for an unknown user: different status, body or a measurable timing difference. Registration too, when it answers alike for a taken and a new identifier but takes clearly longer for one of them.
    ///
    /// ## Why it matters
    /// An attacker learns which accounts exist, then targets them with credential stuffing (CWE-204).
    ///
    /// ## Example
    /// ```http
    /// POST /api/login {"email": "nobody@x"} -> 404 {"error": "no such user"}
    /// POST /api/login {"email": "alice@x"} -> 401 {"error": "wrong password"}
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Likely. Status or body differences are compared with digits, request ids, nonces and UUIDs (a run of eight or more letters, digits and dashes with a digit in it) and the user names themselves ignored; timing needs a clear gap (three times slower and 40 ms more, median of three attempts each), so a login that hashes only for known users is reported and network jitter is not. Recovery operations that answer the same for known and unknown users (`202 if the account exists…`) are silent. Registration (with `--allow-writes`) is judged by timing only: three registrations with an identifier user A holds and three with new ones (the scan's own accounts) that all answer alike but differ in time by that gap (a password hashed only for new accounts); a registration that says the email is taken tells openly, by design, and is not reported. Web login pages are compared with their form fields' values blanked (a CSRF token differs in every answer); a throttled answer (429, `Retry-After`, a lockout message) is no verdict: both attempts are sent once more as other clients (`X-Forwarded-For`), and nothing is reported if a limit still answers.
    ///
    /// ## Fix
    /// Return `401 {"error": "invalid credentials"}` in both cases and hash a dummy password for unknown users.
    pub static SC260 = {
        id: "SC260",
        slug: "user-enumeration",
        title: "User enumeration on login or reset",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[204],
        owasp: &[OwaspApi::Api2],
        fix: "Answer login and reset requests identically (status, body and timing) for unknown users and wrong passwords.",
        confirms: &["SC122"],
    }
}

fn normalized(r: &Response, users: &[&str]) -> String {
    let mut t = r.text().into_owned();
    if r.json().is_none() {
        // A page's CSRF token and echoed inputs differ between any two answers.
        t = crate::inspect::without_field_values(&t);
    }
    for u in users {
        t = t.replace(u, "{user}");
    }
    // Request ids, nonces and UUIDs (a run of letters, digits and dashes of eight or more
    // with a digit in it) vary between any two answers, and so do numbers (times,
    // counters), whose length varies too (`1796141507.516036`, `1796141507.6758199`): a
    // run of digits is one `#`.
    let mut out = String::with_capacity(t.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 8 && run.chars().any(|c| c.is_ascii_digit()) {
            out.push('#');
        } else {
            for c in run.chars() {
                if !c.is_ascii_digit() {
                    out.push(c);
                } else if !out.ends_with('#') {
                    out.push('#');
                }
            }
        }
        run.clear();
    };
    for c in t.chars() {
        if c.is_ascii_alphanumeric() || c == '-' {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// A timing gap no network jitter makes: three times slower and 40 ms more.
fn clearly_slower(slow: Duration, fast: Duration) -> bool {
    slow > fast * 3 && slow.saturating_sub(fast) > Duration::from_millis(40)
}

/// Failed logins for an existing user (the scan's own account, else user A) and for an
/// unknown one: different status or body, or a clearly slower answer for the existing
/// user, tells an attacker which accounts exist. Then the brute-force check (SC261).
pub(crate) async fn probe(p: &Probe) -> Vec<Finding> {
    let mut out = Vec::new();
    if !p.engine.settings().allow_writes {
        return out;
    }
    // Each login that worked for one of the scan's own accounts (with that account as
    // the existing user), else the first login found (with user A).
    let accounts = crate::login::owned_accounts(p).await;
    let mut pairs: Vec<(crate::login::Form, Option<String>)> = accounts
        .iter()
        .map(|a| (a.login.clone(), Some(a.user.clone())))
        .collect();
    if pairs.is_empty() {
        pairs = login_pairs(login_form(p), p.a_login.as_ref());
        if pairs.is_empty() {
            p.diagnose(
                DiagnosticLevel::Warning,
                "SC260/SC261 not checked: no login operation found",
            );
            return out;
        }
    }
    if p.enabled("SC260") {
        for (form, user) in &pairs {
            if let Some(f) = enumeration(p, form, user.as_deref()).await {
                out.push(f);
            }
        }
    }
    if p.enabled("SC260") {
        for recovery in crate::login::recovery_forms(p) {
            if let Some(f) = recovery_enumeration(p, &recovery).await {
                out.push(f);
            }
        }
    }
    if p.enabled("SC260") {
        for form in crate::login::register_forms(p).into_iter().take(2) {
            if let Some(f) = registration_timing(p, &form).await {
                out.push(f);
            }
        }
    }
    for account in &accounts {
        out.extend(super::sc261_no_rate_limit_on_login::probe(p, account).await);
    }
    if let Some(account) = accounts.first() {
        out.extend(super::sc261_no_rate_limit_on_login::codes(p, account).await);
    }
    if accounts.is_empty() && p.enabled("SC261") {
        // No account of its own: the burst for a user that does not exist shows whether
        // anything limits one client; lockout of an existing account stays unchecked.
        for (form, user) in &pairs {
            let like = existing_name(p, form, user.as_deref());
            out.extend(
                super::sc261_no_rate_limit_on_login::unknown_user(p, form, like.as_deref()).await,
            );
        }
        p.diagnose(
            DiagnosticLevel::Warning,
            "SC261: no registration operation worked, so the login burst used a user that does not exist (per-client limits checked, account lockout not)",
        );
    }
    out
}

/// The logins to try for enumeration when the scan has no account of its own, each with the
/// existing user its attempts name (`None`: chosen later from what A's answers hold).
/// `found` is the login operation discovery found, `worked` the login user A's credentials
/// worked on. When they are the same operation the attempts repeat the request that worked,
/// naming the account that logged in there (the field may be named for an e-mail while the
/// app takes a login name in it); another operation A logged in on is tried beside it.
fn login_pairs(
    found: Option<crate::login::Form>,
    worked: Option<&crate::login::Form>,
) -> Vec<(crate::login::Form, Option<String>)> {
    let mut pairs = Vec::new();
    if let Some(form) = found {
        match worked.filter(|w| w.is_for(&form.op)) {
            Some(w) => pairs.push((w.clone(), w.account().map(str::to_owned))),
            None => pairs.push((form, None)),
        }
    }
    if let Some(w) = worked
        && !pairs.iter().any(|(f, _)| w.is_for(&f.op))
    {
        pairs.push((w.clone(), w.account().map(str::to_owned)));
    }
    pairs
}

/// The existing user a login form's failed attempts name: the one given, else A's own login
/// name where the form asks for the same kind of name (an email for an email field, a name or
/// id otherwise), else an email A's answers hold.
fn existing_name(p: &Probe, form: &crate::login::Form, given: Option<&str>) -> Option<String> {
    let by_mail = form.user_field.to_ascii_lowercase().contains("mail");
    given
        .map(str::to_owned)
        .or_else(|| a_login_name(p, by_mail))
        .or_else(|| p.own.emails.first().cloned())
}

/// The name user A logged in with (`--user`), when it is the kind of name a form asks for:
/// an email for an email field, a name or id otherwise.
fn a_login_name(p: &Probe, by_mail: bool) -> Option<String> {
    p.a_login
        .as_ref()
        .and_then(|f| f.account())
        .filter(|name| name.contains('@') == by_mail)
        .map(str::to_owned)
}

/// A's own identifier of one kind: A's login name where it is of that kind (an e-mail or
/// not), else the first e-mail or name A's answers hold.
fn own_identifier(p: &Probe, by_mail: bool) -> Option<String> {
    a_login_name(p, by_mail).or_else(|| {
        if by_mail {
            p.own.emails.first().cloned()
        } else {
            p.own.names.first().cloned()
        }
    })
}

/// The recovery form's second identifier beside its user field: an e-mail field beside a
/// name, or a name field (`login`, `username`) beside an e-mail.
fn paired_field(form: &crate::login::Form) -> Option<String> {
    let mail = |k: &str| k.to_ascii_lowercase().contains("mail");
    let name = |k: &str| {
        matches!(
            k.to_ascii_lowercase().as_str(),
            "login" | "username" | "user_name" | "user" | "name"
        )
    };
    let user_is_mail = mail(&form.user_field);
    form.op.body.as_ref()?.properties.iter().find_map(|k| {
        (k != &form.user_field && if user_is_mail { name(k) } else { mail(k) })
            .then(|| k.clone())
    })
}

/// A password-recovery request for an existing user and for an unknown one: a different
/// status or message tells which accounts exist.
async fn recovery_enumeration(p: &Probe, form: &crate::login::Form) -> Option<Finding> {
    // User A exists in the users' table; the scan's own account may live in another
    // (a merchants' registration).
    let by_mail = form.user_field.to_ascii_lowercase().contains("mail");
    let existing = match own_identifier(p, by_mail) {
        Some(a) => a,
        None => owned_account(p).await?.user,
    };
    let unknown = crate::login::unknown_like(&existing);
    // A form that asks for the account's name and its e-mail together (a recovery that
    // checks the pair): A's other identifier beside the first, a made-up one beside the
    // unknown name.
    let paired = paired_field(form).and_then(|field| {
        let mine = own_identifier(p, field.to_ascii_lowercase().contains("mail"))?;
        let other = crate::login::unknown_like(&mine);
        Some((field, mine, other))
    });
    // The second field and its value for the existing pair or the made-up one.
    let second = |existing: bool| {
        paired.as_ref().map(|(field, mine, other)| {
            (field.clone(), if existing { mine } else { other }.clone())
        })
    };
    let send = |user: String, second: Option<(String, String)>, label: &'static str| async move {
        let mut body = crate::login::example_object(&form.op);
        body.insert(form.user_field.clone(), serde_json::Value::from(user));
        if let Some((field, value)) = second {
            body.insert(field, serde_json::Value::from(value));
        }
        let req = p
            .request(label, reqwest::Method::POST, &form.op.example_path())
            .body_for(form.op.content_type(), &serde_json::Value::Object(body));
        p.anon(req).await.ok()
    };
    let known = send(existing.clone(), second(true), "password recovery: existing user").await?;
    let absent = send(unknown.clone(), second(false), "password recovery: unknown user").await?;
    if crate::inspect::throttled(&known.response) || crate::inspect::throttled(&absent.response)
    {
        return None;
    }
    let mut users = vec![existing.as_str(), unknown.as_str()];
    if let Some((_, mine, other)) = &paired {
        users.extend([mine.as_str(), other.as_str()]);
    }
    let why = if known.response.status != absent.response.status {
        format!(
            "status {} for an existing user, {} for an unknown one",
            known.response.status, absent.response.status
        )
    } else if normalized(&known.response, &users) != normalized(&absent.response, &users) {
        "the answer differs for existing and unknown users".to_owned()
    } else {
        return None;
    };
    let (method, path) = (&form.op.method, &form.op.path);
    Some(
        Finding::new(
            &SC260,
            format!("{method} {path} tells existing users from unknown ones: {why}"),
        )
        .on_route(method, path)
        .with_http(p.evidence(&known, &why, &[&absent])),
    )
}

/// Registration with an identifier user A holds and with new ones. An app that answers
/// both alike means to hide which identifiers are taken (one that says "email taken" does
/// not, and is not reported); when one of the two is still clearly slower (the password is
/// hashed only for a new account), the timing tells. Each identifier of the body (the
/// email, the user name) is tried in turn, the others fresh; the new accounts are the
/// scan's own.
async fn registration_timing(p: &Probe, form: &crate::login::Form) -> Option<Finding> {
    let body = crate::login::example_object(&form.op);
    let mut fields: Vec<String> = body
        .keys()
        .filter(|k| {
            let k = k.to_ascii_lowercase();
            k.contains("mail")
                || matches!(k.as_str(), "username" | "user_name" | "login" | "handle")
        })
        .cloned()
        .collect();
    if !fields.contains(&form.user_field) {
        fields.push(form.user_field.clone());
    }
    // Emails first: what apps most often try to hide.
    fields.sort_by_key(|f| !f.to_ascii_lowercase().contains("mail"));
    for field in fields.iter().take(2) {
        if let Some(f) = timing_of(p, form, &fields, field).await {
            return Some(f);
        }
    }
    None
}

/// A fresh value for an identifier field: an email for an email.
fn fresh_identifier(field: &str) -> String {
    let name = crate::probe::random_name();
    if field.to_ascii_lowercase().contains("mail") {
        format!("spillcheck-{name}@example.com")
    } else {
        format!("spillcheck_{name}")
    }
}

/// Three registrations with user A's value in `taken` and three with every identifier
/// fresh: all answered alike, one set clearly slower.
async fn timing_of(
    p: &Probe,
    form: &crate::login::Form,
    identifiers: &[String],
    taken: &str,
) -> Option<Finding> {
    let mine = if taken.to_ascii_lowercase().contains("mail") {
        p.own.emails.first()
    } else {
        p.own.names.first()
    }?
    .clone();
    let register = |fixed: Option<(&str, &str)>, label: &'static str| {
        let mut body = crate::login::example_object(&form.op);
        let mut made = Vec::new();
        for f in identifiers {
            let v = match fixed {
                Some((k, v)) if k == f => v.to_owned(),
                _ => fresh_identifier(f),
            };
            made.push(v.clone());
            body.insert(f.clone(), serde_json::Value::from(v));
        }
        let password = format!("Sc-{}-9!", crate::probe::random_name());
        p.secret(&password);
        body.insert(
            form.password_field.clone(),
            serde_json::Value::from(password),
        );
        let mut body = serde_json::Value::Object(body);
        crate::writes::distinct(&mut body, &crate::probe::random_name());
        let req = p
            .request(label, reqwest::Method::POST, &form.op.example_path())
            .body_for(form.op.content_type(), &body);
        async move { (p.anon(req).await.ok(), made) }
    };
    let (mut known, mut fresh, mut names) = (Vec::new(), Vec::new(), vec![mine.clone()]);
    for round in 0..3 {
        let (kx, kn) = register(Some((taken, &mine)), "registration: taken identifier").await;
        let (fx, fnames) = register(None, "registration: new identifier").await;
        let (kx, fx) = (kx?, fx?);
        if fx.response.ok() {
            if let Ok(mut c) = p.created_users.lock() {
                c.extend(fnames.iter().cloned());
            }
        } else if round == 0 {
            // A registration that does not work for a new account compares nothing.
            return None;
        }
        names.extend(kn);
        names.extend(fnames);
        known.push(kx);
        fresh.push(fx);
    }
    let users: Vec<&str> = names.iter().map(String::as_str).collect();
    let shape = |r: &Response| {
        // Generated values (`spillcheck_k3x…`) differ between any two registrations.
        let t = normalized(r, &users);
        t.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
            .filter(|w| !w.starts_with("spillcheck"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let alike = known.iter().chain(&fresh).all(|x| {
        x.response.status == known[0].response.status
            && shape(&x.response) == shape(&known[0].response)
    });
    if !alike {
        return None;
    }
    let mk = median(known.iter().map(|x| x.response.server_time()).collect());
    let mf = median(fresh.iter().map(|x| x.response.server_time()).collect());
    let (slow, fast) = if mk > mf { (mk, mf) } else { (mf, mk) };
    if !clearly_slower(slow, fast) {
        return None;
    }
    let why = format!(
        "registration answers alike for a taken and a new `{taken}` but takes {} ms for a taken one and {} ms for a new one",
        mk.as_millis(),
        mf.as_millis()
    );
    let (method, path) = (&form.op.method, &form.op.path);
    Some(
        Finding::new(
            &SC260,
            format!("{method} {path} tells existing users by timing: {why}"),
        )
        .on_route(method, path)
        .with_confidence(Confidence::Likely)
        .with_http(p.evidence(&known[0], &why, &[&fresh[0]])),
    )
}

async fn enumeration(
    p: &Probe,
    form: &crate::login::Form,
    existing: Option<&str>,
) -> Option<Finding> {
    let existing = existing_name(p, form, existing)?;
    let unknown = crate::login::unknown_like(&existing);
    let wrong = format!("Wrong-{}", crate::probe::random_name());
    // A made-up password: not news when the target's logs echo it (SC310).
    p.forged(&wrong);
    let mut known = attempt(p, form, &existing, &wrong, "login: existing user").await?;
    let mut absent = attempt(p, form, &unknown, &wrong, "login: unknown user").await?;
    // A limit that starts mid-check makes answers differ for no user's sake: once more as
    // other clients (`X-Forwarded-For`, which some limits trust), else no verdict.
    let limited = |a: &Exchange, b: &Exchange| {
        crate::inspect::throttled(&a.response) || crate::inspect::throttled(&b.response)
    };
    if limited(&known, &absent) {
        let from = crate::login::other_client;
        known = attempt_from(p, form, &existing, &wrong, "login: existing user", Some(&from(200)))
            .await?;
        absent = attempt_from(p, form, &unknown, &wrong, "login: unknown user", Some(&from(201)))
            .await?;
        if limited(&known, &absent) {
            return None;
        }
    }
    // The unknown name refused as malformed (a rule on user names) says nothing of who
    // exists.
    if malformed_refusal(&absent.response) && !malformed_refusal(&known.response) {
        return None;
    }
    let route = (&form.op.method, &form.op.path);
    let users = [existing.as_str(), unknown.as_str()];
    let differs = if known.response.status != absent.response.status {
        Some(format!(
            "status {} for an existing user, {} for an unknown one",
            known.response.status, absent.response.status
        ))
    } else if normalized(&known.response, &users) != normalized(&absent.response, &users) {
        Some("the error message differs for existing and unknown users".to_owned())
    } else {
        None
    };
    if let Some(why) = differs {
        return Some(
            Finding::new(
                &SC260,
                format!(
                    "{} {} tells existing users from unknown ones: {why}",
                    route.0, route.1
                ),
            )
            .on_route(route.0, route.1)
            .with_http(p.evidence(&known, &why, &[&absent])),
        );
    }
    // Same answers: compare timing over a few more attempts each.
    let (mut a, mut b) = (vec![known.response.server_time()], vec![absent.response.server_time()]);
    for _ in 0..2 {
        a.push(
            attempt(p, form, &existing, &wrong, "login: existing user")
                .await?
                .response
                .server_time(),
        );
        b.push(
            attempt(p, form, &unknown, &wrong, "login: unknown user")
                .await?
                .response
                .server_time(),
        );
    }
    let (ma, mb) = (median(a), median(b));
    if clearly_slower(ma, mb) {
        let why = format!(
            "failed logins take {} ms for an existing user, {} ms for an unknown one",
            ma.as_millis(),
            mb.as_millis()
        );
        return Some(
            Finding::new(
                &SC260,
                format!(
                    "{} {} tells existing users by timing: {why}",
                    route.0, route.1
                ),
            )
            .on_route(route.0, route.1)
            .with_confidence(Confidence::Likely)
            .with_http(p.evidence(&known, &why, &[&absent])),
        );
    }
    None
}

/// An answer refusing the input's form rather than the credentials: a 422, or a JSON body
/// naming a schema, a validation or a pattern (a 400 alone may be the answer to an
/// unknown user).
fn malformed_refusal(r: &crate::engine::Response) -> bool {
    if r.status == 422 {
        return true;
    }
    // In a JSON answer only: a web page's scripts and forms name patterns and validation.
    if r.json().is_none() {
        return false;
    }
    let text = r.text().to_ascii_lowercase();
    ["schema", "validation", "does not match", "pattern"]
        .iter()
        .any(|w| text.contains(w))
}

/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::Active {
        stage: crate::rules::Stage::Logins,
        also_for: &["SC261"],
        run: |p| Box::pin(probe(p)),
    }];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recovery_that_checks_a_name_and_email_pair() {
        use crate::discovery::{Operation, Origin, body_from_fields};
        let recovery = |fields: &[&str]| {
            let mut op = Operation::new("POST", "/api/auth/recover_password", Origin::OpenApi);
            let f: Vec<(String, String)> = fields
                .iter()
                .map(|n| ((*n).to_owned(), "string".to_owned()))
                .collect();
            op.body = Some(body_from_fields("application/json", &f));
            crate::login::form(&op)
        };
        let pair = recovery(&["login", "email", "recaptcha"]);
        let second = paired_field(&pair).expect("a second identifier");
        assert_ne!(second, pair.user_field);
        assert!(["login", "email"].contains(&second.as_str()));
        assert_eq!(paired_field(&recovery(&["email"])), None);
        assert_eq!(paired_field(&recovery(&["email", "recaptcha"])), None);
    }

    #[test]
    fn the_login_that_worked_names_the_account_that_logged_in_there() {
        use crate::discovery::{Operation, Origin};
        let op = || Operation::new("POST", "/api/auth/login", Origin::OpenApi);
        let found = crate::login::form(&op());
        // A logged in as `alice` on the very operation found: the attempts name `alice`,
        // even where the form's field is named for an e-mail.
        let worked = crate::login::Form::worked_for_tests(&op(), "alice", "pw-1");
        let pairs = login_pairs(Some(found.clone()), Some(&worked));
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].1.as_deref(), Some("alice"));
        assert!(pairs[0].0.account().is_some(), "the shape that worked is repeated");
        // A login found that A never used: no name yet; the one A used comes beside it.
        let other = crate::login::Form::worked_for_tests(
            &Operation::new("POST", "/api/token", Origin::OpenApi),
            "alice",
            "pw-1",
        );
        let pairs = login_pairs(Some(found), Some(&other));
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[0].1, None);
        assert_eq!(pairs[1].1.as_deref(), Some("alice"));
        assert!(login_pairs(None, None).is_empty());
    }

    #[test]
    fn request_ids_and_numbers_do_not_tell_users_apart() {
        let a = Response::for_tests(
            401,
            r#"{"message": "Invalid username or password", "requestId": "3cde8f6f-6576-4f63-a272-d303e22e6d4a", "time": 1733}"#,
        );
        let b = Response::for_tests(
            401,
            r#"{"message": "Invalid username or password", "requestId": "e48f094d-1f1c-4509-a5b9-9fe11240d36d", "time": 1801}"#,
        );
        assert_eq!(normalized(&a, &[]), normalized(&b, &[]));
        let other = Response::for_tests(
            401,
            r#"{"message": "No such user", "requestId": "e48f094d-1f1c-4509-a5b9-9fe11240d36d"}"#,
        );
        assert_ne!(normalized(&a, &[]), normalized(&other, &[]));
        // A time with as many decimals as the clock gave (privacyIDEA).
        let t1 = Response::for_tests(401, r#"{"message": "Authentication failed.", "time": 1796141507.516036}"#);
        let t2 = Response::for_tests(401, r#"{"message": "Authentication failed.", "time": 1796141507.6758199}"#);
        assert_eq!(normalized(&t1, &[]), normalized(&t2, &[]));
    }
}
