//! `SC213` mass-assignment: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Map, Value};
use spillcheck_core::Finding;
use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

use crate::discovery::value_text;
use crate::login::{
    Form, attempt, example_object, login_form, owned_account, owned_accounts, register_forms,
    register_new, token_in,
};
use spillcheck_tokens::jwt::Jwt;
use crate::probe::{Probe, Probed};

declare_rule! {
    /// ## What it finds
    /// With `--allow-writes`, the probe sent a create or update with privileged properties added (`role`, `is_admin`, `balance`...) and read the object back: the property stuck; or a write's own answer used a value the server should work out itself (an exchange rate, a price, a fee) that the request set. Accounts (a registration, an update of the caller's own profile) and objects: an update of an object user A created (`POST /api/cards/{id}/update-limit`, `PUT /api/orders/{id}`) with a property the server keeps (`balance`, `credits`, `verified`, `paid`...) set to a value of the scan's choosing.
    ///
    /// ## Why it matters
    /// A user who can set their own role is an administrator.
    ///
    /// ## Example
    /// ```http
    /// PATCH /api/users/me HTTP/1.1
    /// {"display_name": "x", "role": "admin"}
    ///
    /// GET /api/users/me -> {"role": "admin"}
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed: a property counts only when it comes back with the very value the scan sent. Only properties the API shows it has are tried: for a registration, those of its documented body or seen in user A's answers; for a profile update, those of its documented body or of the account's own answer, never with the value the account already holds. Nothing is sent without `--allow-writes`, and only the scan's own accounts are written: a new account from one of up to three registration operations, judged by the registration's own answer at any depth except an object that also holds the password sent (an echo of the request), else by a listing user A reads that shows the new account, else by the new account signed in where its kind of account logs in: its token's claims and its own profile (a read without path parameters that answers A one object) against A's, and against a second new account registered without the properties (what every new account gets is no mass assignment), and the scan's account updated through a `PATCH` or `PUT` without path parameters that has a `GET` at the same path, judged by that read-back; where the scan has no account of its own (no registration worked), user A's is updated the same way and every property tried is set back right after (a warning names any that stayed). A registration answer that states a default equal to the injected value (`"email_verified": true` for every new account), or echoes the request without the password, is reported too; registering once without the property tells them apart. On objects, only those user A created in the scan are written, only through an update of that object (one path parameter, no side effect such as delete or logout), and only properties the object shows (in A's listing or item read, or in the answer of the create that made it) that the server keeps and the operation does not take as input: a number raised by 1000, a flag turned on. It is reported when A's read-back of the object shows that very value where it did not before, under the name sent or another (a listing may show `current_balance` as `balance`); what stuck is set back the same way. When the update fails with an error that names a property sent (`column "balance" does not exist`), it is sent once more with the property renamed to a name the collection's objects are shown with elsewhere that ends with it (`current_balance`, from the answer of an earlier write) or dropped. A value the server works out for the write itself (a name whose last word is rate, price, fee, discount, tax, commission, multiplier or interest, a number in A's earlier answer to the same operation that neither its input nor that request had) is sent moved by 7 and reported when the write's own answer shows the value sent where the server showed its own before (a foreign top-up credited at the client's exchange rate); an answer that only echoes the request showed no such value before and does not count.
    ///
    /// ## Fix
    /// Copy only allowed keys from the request body: `for k in ("display_name", "bio"): ...`.
    pub static SC213 = {
        id: "SC213",
        slug: "mass-assignment",
        title: "Mass assignment of privileged properties",
        severity: Severity::High,
        confidence: Confidence::Confirmed,
        cwe: &[915],
        owasp: &[OwaspApi::Api3],
        fix: "Accept only an allow-list of client-writable fields on create and update.",
        confirms: &["SC142"],
    }
}

/// Privileged properties and the value a scan tries for each.
fn privileged() -> Vec<(&'static str, Value)> {
    vec![
        ("role", Value::from("admin")),
        ("roles", serde_json::json!(["admin"])),
        ("is_admin", Value::Bool(true)),
        ("isAdmin", Value::Bool(true)),
        ("admin", Value::Bool(true)),
        ("is_staff", Value::Bool(true)),
        ("is_superuser", Value::Bool(true)),
        ("scope", Value::from("admin")),
        ("permissions", serde_json::json!(["admin"])),
        ("balance", Value::from(1_000_000)),
        ("credits", Value::from(1_000_000)),
        ("verified", Value::Bool(true)),
        ("is_verified", Value::Bool(true)),
        ("email_verified", Value::Bool(true)),
        ("plan", Value::from("enterprise")),
        ("tier", Value::from("enterprise")),
    ]
}

/// The privileged properties an object reveals (its answer's keys or its schema), with
/// the values to try — never one it already has.
fn candidates(known: &[String], current: Option<&Value>) -> Map<String, Value> {
    privileged()
        .into_iter()
        .filter(|(k, _)| known.iter().any(|x| x == k))
        // A flag the account holds as a number (`"is_staff": 0`) is turned on as one.
        .map(|(k, v)| match (current.and_then(|c| c.get(k)), &v) {
            (Some(Value::Number(_)), Value::Bool(true)) => (k, Value::from(1)),
            _ => (k, v),
        })
        .filter(|(k, v)| current.and_then(|c| c.get(*k)) != Some(v))
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}

fn stuck(injected: &Map<String, Value>, answer: Option<&Value>) -> Vec<String> {
    stuck_beside(injected, answer, None)
}

/// The injected properties an answer carries with the injected value, at any depth (a
/// `user` or `debug_data` member too) — but not in an object that is an echo of the
/// request itself (one that also holds the password sent).
fn stuck_beside(
    injected: &Map<String, Value>,
    answer: Option<&Value>,
    password: Option<&str>,
) -> Vec<String> {
    let Some(answer) = answer else {
        return Vec::new();
    };
    let mut objects: Vec<&Map<String, Value>> = Vec::new();
    let mut stack = vec![(answer, 0usize)];
    while let Some((v, depth)) = stack.pop() {
        match v {
            Value::Object(m) if depth < 6 => {
                let echo = password.is_some_and(|pw| m.values().any(|x| x.as_str() == Some(pw)));
                if !echo {
                    objects.push(m);
                }
                stack.extend(m.values().map(|x| (x, depth + 1)));
            }
            Value::Array(a) if depth < 6 => stack.extend(a.iter().take(50).map(|x| (x, depth + 1))),
            _ => {}
        }
    }
    injected
        .iter()
        .filter(|(k, v)| {
            objects.iter().any(|m| {
                m.get(k.as_str())
                    .is_some_and(|a| value_text(a) == value_text(v))
            })
        })
        .map(|(k, v)| format!("{k}={}", value_text(v)))
        .collect()
}

/// The first value of each key in an answer, at any depth.
fn leaves(v: Option<&Value>) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(v) = v {
        crate::inspect::visit(v, &mut |k, x| {
            if !out.contains_key(k) && !x.is_object() && !x.is_array() {
                out.insert(k.to_owned(), x.clone());
            }
        });
    }
    out
}

/// Flags of the account that speak of a role or a standing (`employee`, `is_manager`,
/// `staff`) and are off (`false`, `0`): each turned on, in its own type.
fn role_flags(held: &Value) -> Map<String, Value> {
    let Value::Object(m) = held else {
        return Map::new();
    };
    m.iter()
        .filter(|(k, _)| {
            let n = spillcheck_core::vocab::normalize(k);
            let words = ["admin", "employee", "manager", "staff", "moderator", "superuser", "privileged"];
            let role = words.iter().any(|w| n == *w || n == format!("is{w}") || n == format!("has{w}"));
            role && !privileged().iter().any(|(p, _)| p == k)
        })
        .filter_map(|(k, v)| {
            let on = match v {
                Value::Bool(false) => Value::Bool(true),
                Value::Number(n) if n.as_i64() == Some(0) => Value::from(1),
                _ => return None,
            };
            Some((k.clone(), on))
        })
        .collect()
}

fn keys(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// Registration with privileged properties: a fresh account (the scan's own) that comes
/// back with them set.
async fn on_register(p: &Probe) -> Option<Finding> {
    let account = account_keys(p);
    for form in register_forms(p).into_iter().take(3) {
        if let Some(f) = register_with(p, &form, &account).await {
            return Some(f);
        }
    }
    None
}

/// The properties the API's accounts have: the keys of A's `/me`-like answer and of A's
/// own answers at any depth (`{"user": {"is_admin": false}}`, a login answer's `isAdmin`).
fn account_keys(p: &Probe) -> Vec<String> {
    let me = p
        .ops
        .iter()
        .find(|pr| pr.op.method == "GET" && pr.op.path.ends_with("/me"))
        .and_then(|pr| pr.user.as_ref())
        .and_then(|x| x.response.json());
    let mut known = keys(me.as_ref());
    // The claims of A's token (`{"sub": 2, "is_admin": false}`): what the API keeps on
    // every account, though no answer shows it.
    if let Some(a) = &p.user
        && let Ok(jwt) = Jwt::decode(&a.token())
    {
        known.extend(jwt.claims.keys().cloned());
    }
    for e in p.engine.exchanges() {
        if e.request.actor == crate::engine::Actor::UserA
            && e.response.ok()
            && let Some(json) = e.response.json()
        {
            crate::inspect::visit(&json, &mut |k, _| {
                if !known.iter().any(|x| x == k) {
                    known.push(k.to_owned());
                }
            });
        }
    }
    known
}

/// One registration operation with privileged properties.
async fn register_with(p: &Probe, form: &Form, account: &[String]) -> Option<Finding> {
    let mut known = form
        .op
        .body
        .as_ref()
        .map(|b| b.properties.clone())
        .unwrap_or_default();
    known.extend(account.iter().cloned());
    let injected = candidates(&known, None);
    if injected.is_empty() {
        return None;
    }
    let user = format!("spillcheck-{}@example.com", crate::probe::random_name());
    let password = format!("Sc-{}-9!", crate::probe::random_name());
    p.secret(&password);
    let mut body = example_object(&form.op);
    body.insert(form.user_field.clone(), Value::from(user.clone()));
    body.insert(form.password_field.clone(), Value::from(password.clone()));
    put_fields(&mut body, &injected);
    let path = form.op.example_path();
    // A property the API has no column for (`column "isAdmin" of relation "users" does
    // not exist`): dropped, the rest sent again (three times at most).
    let mut repairs = 0;
    let ex = loop {
        let ex = p
            .anon(
                p.request("scan's own account", Method::POST, &path)
                    .json(&Value::Object(body.clone())),
            )
            .await
            .ok()?;
        if ex.response.ok() {
            break ex;
        }
        repairs += 1;
        if repairs > 3 {
            return None;
        }
        body = crate::writes::repaired_body(&body, &ex.response.text(), &[])?;
        if !injected.keys().any(|k| body.contains_key(k)) {
            return None;
        }
    };
    if let Ok(mut c) = p.created_users.lock() {
        c.push(user.clone());
    }
    let set = stuck_beside(&injected, ex.response.json().as_ref(), Some(&password));
    if set.is_empty() {
        // The answer says only that it worked: the account's record read back where user
        // A reads accounts (a user listing) tells whether the properties stuck, else the
        // account signed in: its token and its own profile against user A's.
        if let Some((set, back)) = read_back(p, &injected, &user).await {
            let why = format!(
                "a new account was created with {}: {} {} shows it so, where other accounts have another value",
                set.join(", "),
                back.request.method,
                back.request.url.path()
            );
            privileged_account_left(p, &user, &set);
            return Some(p.finding_on(&SC213, &form.op, &why, &ex, &[&back]));
        }
        let (set, place, back) = signed_in_view(p, form, &injected, &user, &password).await?;
        // What every new account gets whatever it sends (a fresh account verified or made
        // an administrator by default, where A's older one is not) is no mass assignment:
        // an account registered without the properties shows which.
        let defaults = match register_new(p, form).await {
            Some((control, secret)) => signed_in_view(p, form, &injected, &control, &secret)
                .await
                .map(|x| x.0)
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let set: Vec<String> = set.into_iter().filter(|x| !defaults.contains(x)).collect();
        if set.is_empty() {
            return None;
        }
        let why = format!(
            "a new account was created with {}: signed in, {place} shows it so, where user A's shows another value",
            set.join(", "),
        );
        privileged_account_left(p, &user, &set);
        return Some(p.finding_on(&SC213, &form.op, &why, &ex, &[&back]));
    }
    privileged_account_left(p, &user, &set);
    let why = format!("a new account was created with {}", set.join(", "));
    Some(p.finding_on(&SC213, &form.op, &why, &ex, &[]))
}

/// The account the scan registered keeps what it gave itself (an administrator's role): a
/// warning says so, beside the list of the scan's accounts at the end of the run.
fn privileged_account_left(p: &Probe, user: &str, set: &[String]) {
    p.diagnose(
        spillcheck_core::DiagnosticLevel::Warning,
        format!(
            "the account {user} the scan registered holds what it gave itself ({}): remove it before anything else",
            set.join(", ")
        ),
    );
}

/// The injected properties a listing user A reads shows on the new account's record (the
/// object holding `account`, its user name or e-mail) with the value sent, where another
/// record of the listing holds that property with another value (so it is no default of
/// every account). Listings without path parameters whose answer to A showed one of the
/// properties, at most eight.
async fn read_back(
    p: &Probe,
    injected: &Map<String, Value>,
    account: &str,
) -> Option<(Vec<String>, std::sync::Arc<crate::engine::Exchange>)> {
    let a = p.user.as_ref()?;
    // Listings whose first answer showed one of the properties (`/api/members` with
    // `is_admin`).
    let shows = |pr: &&crate::probe::Probed| {
        pr.user.as_ref().and_then(|x| x.response.json()).is_some_and(|j| {
            let mut seen = false;
            crate::inspect::visit(&j, &mut |k, _| seen |= injected.contains_key(k));
            seen
        })
    };
    let listings = p.ops.iter().filter(|pr| {
        pr.op.method == "GET" && pr.op.path_params().count() == 0 && pr.user_ok()
    });
    for pr in listings.filter(shows).take(8) {
        let Ok(ex) = p
            .send_as(a, p.request("user A", Method::GET, &pr.path))
            .await
        else {
            continue;
        };
        let Some(json) = ex.response.json().filter(|_| ex.response.ok()) else {
            continue;
        };
        // The properties the account's record holds with the value sent, and those another
        // record holds with another value.
        let (mut on_mine, mut elsewhere) = (BTreeSet::new(), BTreeSet::new());
        walk_objects(&json, 0, &mut |m| {
            let mine = m
                .values()
                .any(|v| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case(account)));
            for (k, v) in injected {
                match m.get(k) {
                    Some(x) if mine && x == v => {
                        on_mine.insert(k.clone());
                    }
                    Some(x) if !mine && x != v => {
                        elsewhere.insert(k.clone());
                    }
                    _ => {}
                }
            }
        });
        let set: Vec<String> = injected
            .iter()
            .filter(|(k, _)| on_mine.contains(*k) && elsewhere.contains(*k))
            .map(|(k, v)| format!("{k}={}", value_text(v)))
            .collect();
        if !set.is_empty() {
            return Some((set, ex));
        }
    }
    None
}

/// The injected properties `mine` holds with the value sent where user A's `theirs`
/// holds them with another (first value of each key, at any depth).
fn differing(injected: &Map<String, Value>, mine: &Value, theirs: &Value) -> Vec<String> {
    let (mine, theirs) = (leaves(Some(mine)), leaves(Some(theirs)));
    injected
        .iter()
        .filter(|(k, v)| {
            mine.get(*k).is_some_and(|x| value_text(x) == value_text(v))
                && theirs.get(*k).is_some_and(|x| value_text(x) != value_text(v))
        })
        .map(|(k, v)| format!("{k}={}", value_text(v)))
        .collect()
}

/// Whether user A's answer `theirs` holds one of the injected properties with a value other
/// than the one injected (first value of each key, at any depth).
fn holds_other_value(injected: &Map<String, Value>, theirs: &Value) -> bool {
    let theirs = leaves(Some(theirs));
    injected
        .iter()
        .any(|(k, v)| theirs.get(k).is_some_and(|x| value_text(x) != value_text(v)))
}

/// The new account signed in with the password it registered with, where user A signed
/// in: the injected properties its token's claims or its own profile (a read without
/// path parameters that answers user A one object) show with the value sent, where A's
/// show another. Where it showed them, and the exchange.
async fn signed_in_view(
    p: &Probe,
    register: &Form,
    injected: &Map<String, Value>,
    user: &str,
    password: &str,
) -> Option<(Vec<String>, String, std::sync::Arc<crate::engine::Exchange>)> {
    let a = p.user.as_ref()?;
    // The login the scan's own account of this registration signed in at, else the users'.
    let own = owned_accounts(p).await.into_iter().find(|x| {
        x.register
            .as_ref()
            .is_some_and(|r| r.op.path == register.op.path)
    });
    let login = match own {
        Some(x) => x.login,
        None => p.a_login.clone().or_else(|| login_form(p))?,
    };
    let lx = attempt(p, &login, user, password, "scan's own account").await?;
    if !lx.response.ok() || crate::inspect::failure_body(&lx.response) {
        return None;
    }
    let token = token_in(&lx)?;
    p.secret(&token);
    if let (Ok(mine), Ok(theirs)) = (Jwt::decode(&token), Jwt::decode(&a.token())) {
        let set = differing(
            injected,
            &Value::Object(mine.claims),
            &Value::Object(theirs.claims),
        );
        if !set.is_empty() {
            return Some((set, "its token's claims".to_owned(), lx));
        }
    }
    let header = p.placement.header(&token);
    let profiles = p.ops.iter().filter_map(|pr| {
        let theirs = pr.user.as_ref().filter(|_| pr.user_ok())?.response.json()?;
        let one = theirs.is_object() && crate::authz::records(&theirs).len() <= 1;
        (pr.op.method == "GET"
            && pr.op.path_params().count() == 0
            && one
            && holds_other_value(injected, &theirs))
        .then_some((pr, theirs))
    });
    for (pr, theirs) in profiles.take(4) {
        let Ok(x) = p
            .with_header(
                "scan's own account",
                Some(header.clone()),
                p.request("", Method::GET, &pr.path),
            )
            .await
        else {
            continue;
        };
        let Some(mine) = x.response.json().filter(|_| x.response.ok()) else {
            continue;
        };
        let set = differing(injected, &mine, &theirs);
        if !set.is_empty() {
            return Some((set, format!("GET {}", pr.op.path), x));
        }
    }
    None
}

/// Updates of the caller's own profile (`PATCH /me`...) with privileged properties, done
/// as the scan's own account and read back.
async fn on_profile(p: &Probe) -> Vec<Finding> {
    let mut out = Vec::new();
    // The scan's own account first; where it has none, or its kind of account does not
    // read this profile (a merchant's), user A's, every property set back after.
    let mut who: Vec<(String, bool)> = Vec::new();
    if let Some(token) = owned_account(p).await.and_then(|a| a.token.clone()) {
        who.push((token, false));
    }
    if let Some(a) = &p.user {
        who.push((a.token(), true));
    }
    for pr in p.ops.iter().filter(|pr| {
        matches!(pr.op.method.as_str(), "PATCH" | "PUT") && pr.op.path_params().count() == 0
    }) {
        let Some(read) = p
            .ops
            .iter()
            .find(|r| r.op.method == "GET" && r.op.path == pr.op.path)
        else {
            continue;
        };
        let mut chosen = None;
        for (token, on_a) in &who {
            let header = p.placement.header(token);
            let label = if *on_a { "user A" } else { "scan's own account" };
            if let Ok(before) = p
                .with_header(label, Some(header.clone()), p.request("", Method::GET, &read.path))
                .await
                && before.response.ok()
                && !crate::inspect::failure_body(&before.response)
            {
                chosen = Some((header, label, *on_a, before));
                break;
            }
        }
        let Some((header, label, on_a, before)) = chosen else {
            continue;
        };
        let as_own = |req| p.with_header(label, Some(header.clone()), req);
        let current = before.response.json();
        // The account's properties at any depth (`{"response": {"employee": 0}}`).
        let held = leaves(current.as_ref());
        let mut known = pr
            .op
            .body
            .as_ref()
            .map(|b| b.properties.clone())
            .unwrap_or_default();
        known.extend(held.keys().cloned());
        let held = Value::Object(held);
        let mut injected = candidates(&known, Some(&held));
        let flags = role_flags(&held);
        injected.extend(flags.clone());
        if injected.is_empty() {
            continue;
        }
        let mut body = if on_a {
            own_body(&pr.op, &held)
        } else {
            example_object(&pr.op)
        };
        put_fields(&mut body, &injected);
        let method: Method = pr.op.method.parse().unwrap_or(Method::PATCH);
        let Ok(wx) = as_own(p.request("", method, &pr.path).json(&Value::Object(body))).await
        else {
            continue;
        };
        let Ok(after) = as_own(p.request("", Method::GET, &read.path)).await else {
            continue;
        };
        let read_back = after.response.json();
        if on_a {
            set_back(p, pr, read, &injected, &held, &header).await;
        }
        // A role flag counts where the account showed it, not elsewhere in the answer (a
        // team member's own `is_manager`).
        let now = leaves(read_back.as_ref());
        let set: Vec<String> = stuck(&injected, read_back.as_ref())
            .into_iter()
            .filter(|s| {
                let key = s.split('=').next().unwrap_or("");
                flags.get(key).is_none_or(|v| now.get(key) == Some(v))
            })
            .collect();
        if set.is_empty() {
            continue;
        }
        let why = format!(
            "the caller set {} on their own account, read back after the update",
            set.join(", ")
        );
        out.push(p.finding_on(&SC213, &pr.op, &why, &wx, &[&before, &after]));
    }
    out
}

/// Sets `fields` where the body keeps the record's own fields ([`crate::writes::record_path`]):
/// `data.attributes` of a JSON:API document, `user` of `{"user": {…}}`, the body itself when
/// it is flat.
fn put_fields(body: &mut Map<String, Value>, fields: &Map<String, Value>) {
    let at = crate::writes::record_path(body);
    crate::writes::with_record(body, &at, |m| m.extend(fields.clone()));
}

/// The example body of an update of user A's own account with every field holding what A
/// holds: an example e-mail or phone would change A's (and A may log in by it); a field A
/// does not show (a new password) is not sent at all.
fn own_body(op: &crate::discovery::Operation, held: &Value) -> Map<String, Value> {
    let mut body = example_object(op);
    if let Value::Object(held) = held {
        let at = crate::writes::record_path(&body);
        crate::writes::with_record(&mut body, &at, |m| {
            m.retain(|k, _| held.contains_key(k));
            for (k, v) in m.iter_mut() {
                if let Some(h) = held.get(k) {
                    v.clone_from(h);
                }
            }
        });
    }
    body
}

/// User A's own properties set back to what A held before the injection (the write sent
/// again with those values), and read once more: a warning names what stayed changed.
async fn set_back(
    p: &Probe,
    update: &Probed,
    read: &Probed,
    injected: &Map<String, Value>,
    held: &Value,
    header: &(String, String),
) {
    let as_a = |req| p.with_header("user A", Some(header.clone()), req);
    let original: Map<String, Value> = injected
        .keys()
        .filter_map(|k| held.get(k).map(|v| (k.clone(), v.clone())))
        .collect();
    if original.is_empty() {
        return;
    }
    let mut body = own_body(&update.op, held);
    put_fields(&mut body, &original);
    let method: Method = update.op.method.parse().unwrap_or(Method::PATCH);
    let _ = as_a(p.request("", method, &update.path).json(&Value::Object(body))).await;
    let Ok(again) = as_a(p.request("", Method::GET, &read.path)).await else {
        return;
    };
    let now = leaves(again.response.json().as_ref());
    let stayed: Vec<&String> = original
        .iter()
        .filter(|(k, v)| now.get(k.as_str()).is_some_and(|x| x != *v))
        .map(|(k, _)| k)
        .collect();
    if !stayed.is_empty() {
        p.diagnose(
            spillcheck_core::DiagnosticLevel::Warning,
            format!(
                "SC213 could not set back {} on user A's account after trying to raise them through {} {}: check the account",
                stayed.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "),
                update.op.method,
                update.op.path
            ),
        );
    }
}

/// Properties of an object that its server keeps, never its client: what it holds (a
/// balance, credits), what it is allowed (a role), what was checked (verified, approved,
/// paid). Compared in normal form (`current_balance` → `currentbalance`).
const SERVER_OWNED: &[&str] = &[
    "balance",
    "currentbalance",
    "availablebalance",
    "accountbalance",
    "walletbalance",
    "credit",
    "credits",
    "points",
    "rewardpoints",
    "role",
    "isadmin",
    "isstaff",
    "issuperuser",
    "verified",
    "isverified",
    "emailverified",
    "approved",
    "isapproved",
    "paid",
    "ispaid",
];

/// The server-owned properties an object shows, each with a value it does not hold (a
/// number raised by 1000, a flag turned on), except those the operation takes as input.
fn object_candidates(record: &Value, inputs: &[String]) -> Map<String, Value> {
    let Some(m) = record.as_object() else {
        return Map::new();
    };
    m.iter()
        .filter(|(k, _)| !inputs.iter().any(|i| i.eq_ignore_ascii_case(k)))
        .filter(|(k, _)| SERVER_OWNED.contains(&spillcheck_core::vocab::normalize(k).as_str()))
        .filter_map(|(k, v)| {
            let new = match v {
                Value::Bool(false) => Value::Bool(true),
                Value::Number(n) if n.is_i64() => Value::from(n.as_i64()? + 1000),
                Value::Number(n) => Value::from(n.as_f64()? + 1000.0),
                // A balance sent as text (`"1000.00"`) is a number to the server too.
                Value::String(t) => Value::from(t.trim().parse::<f64>().ok()? + 1000.0),
                _ => return None,
            };
            Some((k.clone(), new))
        })
        .collect()
}

/// What user A's answers to the writes of a collection say of its objects: the record
/// of object `id` (the create that made it, an update that answered with it), and the
/// names every record of the collection is shown with — what an object is called where
/// the API stores it (`current_balance` where the listing shows `balance`).
fn written_records(p: &Probe, collection: &str, id: &str) -> (Map<String, Value>, Vec<String>) {
    let mut record = Map::new();
    let mut names: Vec<String> = Vec::new();
    for e in p.engine.exchanges() {
        let path = e.request.url.path();
        if e.request.actor != crate::engine::Actor::UserA
            || !matches!(e.request.method.as_str(), "POST" | "PUT" | "PATCH")
            || !e.response.ok()
            || !(crate::writes::collection_of(path) == collection
                || path.starts_with(&format!("{collection}/")))
        {
            continue;
        }
        let Some(json) = e.response.json() else {
            continue;
        };
        walk_objects(&json, 0, &mut |m| {
            if m.contains_key("id") {
                names.extend(m.keys().filter(|k| !names.contains(k)).cloned().collect::<Vec<_>>());
            }
        });
        if let Some(Value::Object(m)) = crate::authz::record_with_id(&json, id) {
            record.extend(m);
        }
    }
    (record, names)
}

/// Names of the values a server works out for an operation (an exchange rate, a price, a
/// fee, a discount): a client that can set one sets what it pays or receives. Compared
/// with the last word of the field's name (`exchange_rate`, `unitPrice`).
const COMPUTED: &[&str] = &[
    "rate",
    "price",
    "fee",
    "fees",
    "discount",
    "tax",
    "commission",
    "multiplier",
    "interest",
];

/// The last word of a field name, lower case: `exchange_rate`, `exchangeRate` → `rate`
/// (`syntax` stays `syntax`, not a tax).
fn last_word(name: &str) -> String {
    let mut start = 0;
    let chars: Vec<char> = name.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            start = i + 1;
        } else if i > 0 && c.is_ascii_uppercase() && chars[i - 1].is_ascii_lowercase() {
            start = i;
        }
    }
    chars[start.min(chars.len())..]
        .iter()
        .collect::<String>()
        .to_ascii_lowercase()
}

/// User A's last successful answer to operation `template` (any object of it).
fn last_answer(
    p: &Probe,
    method: &str,
    template: &str,
) -> Option<std::sync::Arc<crate::engine::Exchange>> {
    p.engine.exchanges().into_iter().rev().find(|e| {
        e.request.actor == crate::engine::Actor::UserA
            && e.response.ok()
            && !crate::inspect::failure_body(&e.response)
            && p.route_of(e) == Some((method, template))
    })
}

/// The numbers an earlier answer of user A to this write shows under a computed name
/// that neither the operation takes as input nor that request sent, each moved by 7: the
/// scan sends them and reads the write's own answer.
fn computed_candidates(earlier: Option<&crate::engine::Exchange>, inputs: &[String]) -> Map<String, Value> {
    let mut out = Map::new();
    let Some(e) = earlier else {
        return out;
    };
    let Some(json) = e.response.json() else {
        return out;
    };
    let sent: Vec<String> = e
        .request
        .sent_json()
        .and_then(|v| v.as_object().map(|m| m.keys().cloned().collect()))
        .unwrap_or_default();
    walk_objects(&json, 0, &mut |m| {
        for (k, v) in m {
            if inputs.iter().chain(&sent).any(|i| i.eq_ignore_ascii_case(k))
                || !COMPUTED.contains(&last_word(k).as_str())
            {
                continue;
            }
            if let Some(n) = v.as_f64().filter(|n| n.is_finite()) {
                out.insert(k.clone(), Value::from(n + 7.0));
            }
        }
    });
    out
}

fn walk_objects(v: &Value, depth: usize, f: &mut dyn FnMut(&Map<String, Value>)) {
    if depth > 6 {
        return;
    }
    match v {
        Value::Object(m) => {
            f(m);
            for x in m.values() {
                walk_objects(x, depth + 1, f);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| walk_objects(x, depth + 1, f)),
        _ => {}
    }
}

/// The computed values of `injected` the write's answer shows with the very value sent,
/// in an object that showed the same name before without it being sent (the server's own
/// figure, not an echo of the request).
fn computed_taken(injected: &Map<String, Value>, before: &Value, after: &Value) -> Vec<String> {
    let mut had = std::collections::BTreeSet::new();
    walk_objects(before, 0, &mut |m| {
        had.extend(m.keys().cloned());
    });
    let mut out = Vec::new();
    walk_objects(after, 0, &mut |m| {
        for (k, v) in injected {
            if had.contains(k)
                && m.get(k).is_some_and(|x| crate::discovery::same_value(x, v))
                && !out.iter().any(|o: &String| o.starts_with(&format!("{k}=")))
            {
                out.push(format!("{k}={}", value_text(v)));
            }
        }
    });
    out
}

/// The injected properties whose value the object shows after the write and did not
/// before, under the name sent or another (`current_balance` sent, `balance` shown):
/// values the scan picked (its own + 1000) do not appear by chance. Each is the name sent
/// and the name shown.
fn changed_to(
    injected: &Map<String, Value>,
    before: &Value,
    after: &Value,
) -> Vec<(String, String)> {
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
        return Vec::new();
    };
    injected
        .iter()
        .filter_map(|(k, v)| {
            let shown = a.iter().find(|(k2, x)| {
                crate::discovery::same_value(x, v) && b.get(*k2).is_none_or(|old| !crate::discovery::same_value(old, v))
            })?;
            Some((k.clone(), shown.0.clone()))
        })
        .collect()
}

/// Sends a write of user A with `body`; when the API's error names a property (`column
/// "balance" does not exist`), once more with it renamed to a name the object is known by
/// that ends with it (`current_balance`) or dropped. The answer that worked, and the body.
async fn send_repaired(
    p: &Probe,
    a: &crate::auth::Identity,
    pr: &crate::probe::Probed,
    path: &str,
    body: Map<String, Value>,
    known: &[String],
) -> Option<(std::sync::Arc<crate::engine::Exchange>, Map<String, Value>)> {
    let mut body = body;
    for _ in 0..3 {
        let ex = p
            .send_as(a, p.write_request("user A", pr, path, &Value::Object(body.clone())))
            .await
            .ok()?;
        if ex.response.ok() && !crate::inspect::failure_body(&ex.response) {
            return Some((ex, body));
        }
        body = crate::writes::repaired_body(&body, &ex.response.text(), known)?;
    }
    None
}

/// Updates of an object user A created (`POST /api/cards/{id}/update-limit`, `PUT
/// /api/orders/{id}`) with a server-owned property of that object added, judged by A's
/// read-back of the object, and with a value the server works out for the write (an
/// exchange rate) set, judged by the write's own answer; what stuck is set back the same
/// way.
async fn on_objects(p: &Probe) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(a) = &p.user else {
        return out;
    };
    let mut tries = 0;
    for (collection, id) in &p.created_a {
        let updates = p.ops.iter().filter(|pr| {
            matches!(pr.op.method.as_str(), "POST" | "PUT" | "PATCH")
                && pr.op.path_params().count() == 1
                && crate::writes::side_effect(&pr.op).is_none()
                && crate::authz::prefix(pr).trim_end_matches('/') == collection
        });
        for pr in updates {
            if tries >= 12
                || out
                    .iter()
                    .any(|f: &Finding| f.route.as_ref().is_some_and(|r| r.path == pr.op.path))
            {
                break;
            }
            let Some((before_ex, before)) = crate::authz::view_of(p, a, collection, id).await
            else {
                break;
            };
            let inputs: Vec<String> = pr
                .op
                .body
                .as_ref()
                .map(|b| b.properties.clone())
                .unwrap_or_default();
            let path = crate::authz::with_value(pr, id);
            // The object as the writes of its collection answered too: a listing may
            // rename what the update takes (`balance` shown, `current_balance` stored).
            let (mut known, mut names) = written_records(p, collection, id);
            if let Value::Object(m) = &before {
                known.extend(m.clone());
            }
            names.extend(known.keys().filter(|k| !names.contains(k)).cloned().collect::<Vec<_>>());
            let known = Value::Object(known);
            let injected = object_candidates(&known, &inputs);
            let earlier = last_answer(p, &pr.op.method, &pr.op.path);
            let computed = computed_candidates(earlier.as_deref(), &inputs);
            if injected.is_empty() && computed.is_empty() {
                continue;
            }
            let answered_before = earlier
                .and_then(|e| e.response.json())
                .unwrap_or(Value::Null);
            tries += 1;
            let mut all = injected.clone();
            all.extend(computed.clone());
            // The injected properties alone (an update that takes any key), else beside
            // the body the operation takes.
            let mut with_body = match crate::writes::valid_body(&pr.op, &p.seen_a) {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            put_fields(&mut with_body, &all);
            let mut sent = None;
            for body in [all.clone(), with_body] {
                if let Some(done) = send_repaired(p, a, pr, &path, body, &names).await {
                    sent = Some(done);
                    break;
                }
            }
            let Some((wx, body)) = sent else { continue };
            let Some((after_ex, after)) = crate::authz::view_of(p, a, collection, id).await else {
                continue;
            };
            let sent_now: Map<String, Value> = injected
                .iter()
                .filter_map(|(k, v)| {
                    body.contains_key(k)
                        .then(|| (k.clone(), v.clone()))
                        .or_else(|| {
                            // Renamed by the repair: the value went under the new name.
                            let (k2, _) = body.iter().find(|(k2, x)| {
                                *x == v && !injected.contains_key(*k2) && !all.contains_key(*k2)
                            })?;
                            Some((k2.clone(), v.clone()))
                        })
                })
                .collect();
            let set = changed_to(&sent_now, &before, &after);
            let taken = wx
                .response
                .json()
                .map(|j| computed_taken(&computed, &answered_before, &j))
                .unwrap_or_default();
            if set.is_empty() && taken.is_empty() {
                continue;
            }
            // Set back what stuck, the same way.
            let restore: Map<String, Value> = set
                .iter()
                .filter_map(|(sent, shown)| Some((sent.clone(), before.get(shown)?.clone())))
                .collect();
            if !restore.is_empty() {
                let _ = p
                    .send_as(
                        a,
                        p.write_request("user A", pr, &path, &Value::Object(restore)),
                    )
                    .await;
            }
            let mut what: Vec<String> = set
                .iter()
                .map(|(k, shown)| {
                    let v = value_text(&sent_now[k]);
                    if k == shown {
                        format!("{k}={v}")
                    } else {
                        format!("{k}={v} (shown as `{shown}`)")
                    }
                })
                .collect();
            let why = if taken.is_empty() {
                format!(
                    "user A set {} on their own object {id} through this update, read back after it",
                    what.join(", ")
                )
            } else if what.is_empty() {
                format!(
                    "user A set {} for this write on their own object {id}, a value the server works out itself: its answer used the value sent",
                    taken.join(", ")
                )
            } else {
                what.extend(taken);
                format!(
                    "user A set {} on their own object {id} through this update (read back, and in the write's own answer)",
                    what.join(", ")
                )
            };
            out.push(p.finding_on(&SC213, &pr.op, &why, &wx, &[&before_ex, &after_ex]));
        }
    }
    out
}

/// Mass assignment, only with `--allow-writes`, only on the scan's own accounts and
/// objects.
pub(crate) async fn probe(p: &Probe) -> Vec<Finding> {
    if !p.engine.settings().allow_writes {
        return Vec::new();
    }
    let mut out: Vec<Finding> = on_register(p).await.into_iter().collect();
    out.extend(on_profile(p).await);
    out.extend(on_objects(p).await);
    out
}


/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::active(crate::rules::Stage::Writes, |p| Box::pin(probe(p)))];

#[cfg(test)]
mod tests {
    #[test]
    fn injected_fields_go_where_the_body_keeps_its_fields() {
        let mut doc = serde_json::json!({"data": {"type": "users", "id": "u1", "attributes": {"full_name": "a", "email": "e", "phone": "p"}}})
            .as_object()
            .cloned()
            .unwrap();
        let role = serde_json::json!({"role": "admin"}).as_object().cloned().unwrap();
        super::put_fields(&mut doc, &role);
        assert_eq!(doc["data"]["attributes"]["role"], "admin");
        assert!(doc.get("role").is_none());
        let mut flat = serde_json::json!({"name": "a", "bio": "b"}).as_object().cloned().unwrap();
        super::put_fields(&mut flat, &role);
        assert_eq!(flat["role"], "admin");
    }

    #[test]
    fn role_flags_that_are_off_are_turned_on_in_their_type() {
        let held = leaves(Some(&serde_json::json!({
            "status": "OK",
            "response": {"employee": 0, "is_manager": false, "admin": false, "staff_count": 3,
                         "username": "alice", "moderator": true}
        })));
        let on = role_flags(&Value::Object(held.clone()));
        assert_eq!(on.get("employee"), Some(&Value::from(1)));
        assert_eq!(on.get("is_manager"), Some(&Value::Bool(true)));
        // The fixed list's own properties, numbers that are no flag, flags already on and
        // other fields are left alone.
        assert!(!on.contains_key("admin"));
        assert!(!on.contains_key("staff_count"));
        assert!(!on.contains_key("moderator"));
        assert!(!on.contains_key("username"));
        assert_eq!(held.get("employee"), Some(&Value::from(0)));
    }

    use super::*;

    #[test]
    fn object_candidates_are_server_owned_and_not_inputs() {
        let card = serde_json::json!({"id": 3, "card_limit": 500.0, "current_balance": 12.5,
            "is_frozen": false, "verified": false, "balance": "10.00", "role": "member"});
        let got = object_candidates(&card, &["card_limit".to_owned(), "verified".to_owned()]);
        assert_eq!(got.get("current_balance"), Some(&Value::from(1012.5)));
        assert_eq!(got.get("balance"), Some(&Value::from(1010.0)));
        // Inputs of the operation, states the owner sets elsewhere, and text are left alone.
        for k in ["card_limit", "verified", "is_frozen", "role", "id"] {
            assert!(!got.contains_key(k), "{k}: {got:?}");
        }
    }

    #[test]
    fn a_changed_value_is_found_under_another_name() {
        let injected: Map<String, Value> =
            serde_json::from_str(r#"{"current_balance": 1001.0}"#).unwrap();
        let before = serde_json::json!({"id": 3, "balance": 1.0, "limit": 2.0});
        let after = serde_json::json!({"id": 3, "balance": 1001.0, "limit": 2.0});
        assert_eq!(
            changed_to(&injected, &before, &after),
            vec![("current_balance".to_owned(), "balance".to_owned())]
        );
        // Nothing changed: nothing stuck, even where a value already equalled it.
        let same = serde_json::json!({"id": 3, "balance": 1001.0});
        assert!(changed_to(&injected, &same, &same).is_empty());
    }

    #[test]
    fn the_last_word_of_a_name() {
        assert_eq!(last_word("exchange_rate"), "rate");
        assert_eq!(last_word("exchangeRate"), "rate");
        assert_eq!(last_word("unit-price"), "price");
        assert_eq!(last_word("fee"), "fee");
        assert_eq!(last_word("syntax"), "syntax");
        assert_eq!(last_word("rate_limit"), "limit");
    }

    #[test]
    fn a_computed_value_counts_when_the_server_showed_its_own_before() {
        let injected: Map<String, Value> =
            serde_json::from_str(r#"{"exchange_rate": 8.0}"#).unwrap();
        let before = serde_json::json!({"funding": {"card_id": 1, "exchange_rate": 1.0}});
        let taken = serde_json::json!({"funding": {"card_id": 1, "exchange_rate": 8}});
        assert_eq!(
            computed_taken(&injected, &before, &taken),
            vec!["exchange_rate=8.0".to_owned()]
        );
        // The bank's own rate kept: nothing taken.
        assert!(computed_taken(&injected, &before, &before).is_empty());
        // An answer that echoes what was sent, where the server showed no rate before.
        let echo_before = serde_json::json!({"received": {"amount": 1}});
        let echo = serde_json::json!({"received": {"amount": 1, "exchange_rate": 8.0}});
        assert!(computed_taken(&injected, &echo_before, &echo).is_empty());
    }

    #[test]
    fn stuck_values_at_any_depth_but_not_in_an_echo() {
        let injected: Map<String, Value> =
            serde_json::from_str(r#"{"is_admin": true, "balance": 1000000}"#).unwrap();
        // The account's own record says is_admin; the echo of the request says both.
        let answer = serde_json::json!({"status": "success", "debug_data": {"is_admin": true,
            "balance": 1000.0, "raw_data": {"username": "x", "password": "Pw-1", "is_admin": true, "balance": 1_000_000}}});
        assert_eq!(
            stuck_beside(&injected, Some(&answer), Some("Pw-1")),
            vec!["is_admin=true".to_owned()]
        );
        // An echo alone proves nothing.
        let echo = serde_json::json!({"received": {"password": "Pw-1", "is_admin": true}});
        assert!(stuck_beside(&injected, Some(&echo), Some("Pw-1")).is_empty());
    }
}
