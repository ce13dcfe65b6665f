//! `SC231` other-users-pii-in-response: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};
use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::Value;
use spillcheck_core::Finding;

use crate::engine::Exchange;
use crate::inspect;
use crate::probe::{Own, Probe};

declare_rule! {
    /// ## What it finds
    /// A response to one user carries personal data (emails, phone numbers, card numbers that pass Luhn; by their keys, dates of birth, national and identity document numbers, home addresses) that does not belong to the caller.
    ///
    /// ## Why it matters
    /// Listing endpoints that leak every user's email are harvested for phishing and credential stuffing (CWE-359).
    ///
    /// ## Example
    /// ```http
    /// GET /api/users HTTP/1.1
    ///
    /// HTTP/1.1 200 OK
    /// [{"id": 1, "email": "alice@..."}, {"id": 3, "email": "carol@..."}]
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed when A's identity is known (token claims, `/me`) or the caller is anonymous; likely otherwise. Not reported: A's own emails and phones, A's own card numbers (those in the answers to what A created, and those in A's own listing of cards that B's listing of the same path does not show), values A's own request carried (a write that echoes what A sent) and values any of A's writes in the scan carried (an address the scan gave A's profile), third parties' data in what A keeps under A's own account (`/users/alice/contacts`, `/me/addresses`: only another user's, such as B's email among A's followers, counts there), records whose owner fields (`owner_id`, `user_id`, `created_by`, `author_id`) all name A (a CRM's customers A keeps, their emails and phones), people a path shows each caller for their own group (A and B read the same path and see disjoint sets of other people, none of them the other user: each company's drivers, each team's contacts), what sits under an object A's listing of its collection shows and B's does not (`/drivers/drv_k3m81`, a driver of A's company), the contact numbers and addresses of places the public visits (records with opening hours, or in a collection of clinics, branches, stores, offices, locations), the contact an author published in a post of their own (a record with a title, a text and its author or date: a notice's `contact`, `contact_email`, `reply_to`), and, while A's identity is unknown, a single address (two distinct ones are needed). Any personal data served to an anonymous caller counts. With `--allow-writes`, the scan's account of another kind (a merchant) that sends a write filled from another user's record (a card's number and CVV from B's answers) also sends it once with the field that proves possession wrong (CVV, CVC, PIN, expiry, one-time code: every digit moved by one); the refusal is reported, confirmed, when it still shows that record: two of its fields by name (`card_balance` for `balance`) and value, other than those sent, one not an id and one a number or a text of six characters or more (booleans never count).
    ///
    /// ## Fix
    /// Use a public serializer for other users' records.
    pub static SC231 = {
        id: "SC231",
        slug: "other-users-pii-in-response",
        title: "Other users' personal data in a response",
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: &[359],
        owasp: &[OwaspApi::Api3],
        fix: "Return other users' public profile fields only (display name), never their email, phone or payment data.",
    }
}

/// Card numbers that are user A's own: in the answers to what A created (a POST by A to
/// an operation without path parameters, such as `POST /api/cards/create`), and in A's own
/// listing of cards (`GET /api/virtual-cards`) where B's listing of the same path does not
/// show them (a card A made in the scan, then funded and paid with, shows in A's
/// transactions).
fn own_cards(p: &Probe, exchanges: &[Arc<Exchange>]) -> Vec<String> {
    let mut out = Vec::new();
    let seen_by_b = |path: &str, card: &str| {
        exchanges.iter().any(|x| {
            x.request.actor == crate::engine::Actor::UserB
                && x.request.url.path() == path
                && x.response.text().contains(card)
        })
    };
    for e in exchanges {
        let plain = p.route_of(e).is_some_and(|(_, path)| !path.contains('{'));
        let listing = e.request.method == "GET"
            && plain
            && e.request.url.path().to_ascii_lowercase().contains("card");
        if e.request.actor == crate::engine::Actor::UserA && e.response.ok() && listing {
            for c in inspect::cards(&e.response.text()) {
                if !out.contains(&c) && !seen_by_b(e.request.url.path(), &c) {
                    out.push(c);
                }
            }
        }
        if e.request.actor == crate::engine::Actor::UserA
            && e.request.method == "POST"
            && e.response.ok()
            && plain
        {
            for c in inspect::cards(&e.response.text()) {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// The scan's own account names (`created`) an answer shows under a key that is no
/// e-mail's (`username`, `login`).
fn scans_handles(json: &Value, created: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    inspect::visit(json, &mut |k, v| {
        if let Some(s) = v.as_str()
            && !k.to_ascii_lowercase().contains("mail")
            && created.iter().any(|c| c.eq_ignore_ascii_case(s))
        {
            out.push(s.trim().to_ascii_lowercase());
        }
    });
    out
}

/// Personal data in one JSON answer that is not the caller's: (kind, value).
fn foreign(json: &Value, own: &Own, anonymous: bool) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    inspect::visit(json, &mut |k, v| {
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => return,
        };
        let lk = k.to_ascii_lowercase();
        if lk.contains("mail")
            || inspect::emails(&text)
                .first()
                .is_some_and(|e| *e == text.trim().to_ascii_lowercase())
        {
            for e in inspect::emails(&text) {
                if (anonymous || !own.emails.contains(&e)) && !out.iter().any(|(_, x)| *x == e) {
                    out.push(("email", e));
                }
            }
        }
        if inspect::is_phone_key(k) && inspect::is_phone_value(&text) {
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            if anonymous || !own.phones.contains(&digits) {
                out.push(("phone number", text.clone()));
            }
        }
        for c in inspect::cards(&text) {
            out.push(("card number", c));
        }
        // A date of birth, an identity document's number, a home address: by its key.
        if let Some(kind) = inspect::personal_record_key(k)
            && text.trim().chars().filter(char::is_ascii_alphanumeric).count() >= 4
            && !out.iter().any(|(_, x)| *x == text)
        {
            out.push((kind, text.clone()));
        }
    });
    out
}

/// Whether a kind of personal value is known only by its key (a date of birth, a home
/// address): A's own cannot be told from others' while A's identity is unknown.
fn by_key_only(kind: &str) -> bool {
    !matches!(kind, "email" | "phone number" | "card number")
}

/// Whether a record names the caller: a user-name field holding one of A's names, or an
/// email field holding A's address (`{"username": "alice", "email": …, "phone": …}` in
/// a user listing that shows A only A): its personal values are A's.
fn names_caller(m: &serde_json::Map<String, Value>, own: &Own) -> bool {
    m.iter().any(|(k, v)| {
        let Some(s) = v.as_str() else { return false };
        let k = k.to_ascii_lowercase();
        matches!(
            k.as_str(),
            "username" | "user_name" | "login" | "user" | "handle" | "screen_name"
        ) && own.names.iter().any(|n| n.eq_ignore_ascii_case(s))
            || k.contains("mail") && own.emails.contains(&s.trim().to_ascii_lowercase())
    })
}

/// The answer without the caller's own records' values ([`names_caller`]), and without
/// the records the caller owns (an owner field naming the caller: A's CRM customers,
/// A's transfers naming their payee): what the caller keeps about other people is the
/// caller's own data.
fn without_callers_records(json: &Value, own: &Own) -> Value {
    match json {
        Value::Object(m) if crate::authz::owner_is(m, own) => Value::Null,
        Value::Object(m) => {
            let mine = names_caller(m, own);
            Value::Object(
                m.iter()
                    .filter(|(_, v)| !(mine && !v.is_object() && !v.is_array()))
                    .map(|(k, v)| (k.clone(), without_callers_records(v, own)))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| without_callers_records(x, own)).collect()),
        other => other.clone(),
    }
}

/// Whether a concrete path is under the caller's own account: `/me/...`, or a user-like
/// collection followed by one of the caller's own names, emails or ids
/// (`/users/alice/contacts`).
fn names_own_account(path: &str, own: &Own) -> bool {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    segs.contains(&"me")
        || segs.windows(2).any(|w| {
            let coll = w[0].to_ascii_lowercase();
            ["user", "account", "member", "profile", "customer"]
                .iter()
                .any(|u| coll.contains(u))
                && [&own.names, &own.emails, &own.ids]
                    .iter()
                    .any(|vs| vs.iter().any(|v| v == w[1]))
        })
}

/// Whether a concrete path names one of A's own objects (`/accounts/75a8…/invoices`: the
/// invoices of A's account, their customers' addresses A's business), or an object A's
/// listing of its collection shows and B's does not (`/drivers/drv_k3m81`, a driver of
/// A's company: A's list of drivers has it, B's has B's own).
fn under_own_object(p: &Probe, path: &str) -> bool {
    let path = p.api_path(path);
    let segs: Vec<&str> = path.split('/').collect();
    segs.iter().enumerate().any(|(i, s)| {
        if own_object(p, s) {
            return true;
        }
        let prefix = segs[..i].join("/");
        let holds = |ids: &[Value]| ids.iter().any(|x| crate::discovery::value_text(x) == *s);
        let (a, b) = (p.seen_a.listed(&prefix), p.seen_b.listed(&prefix));
        i > 1 && !s.is_empty() && !b.is_empty() && holds(&a) && !holds(&b)
    })
}

/// The personal values user B's answers showed B, by concrete path: a listing that shows
/// A and B disjoint sets of other people (each their own company's drivers) is scoped to
/// the caller's group, not everyone's.
fn b_views(exchanges: &[Arc<Exchange>]) -> std::collections::HashMap<String, Vec<String>> {
    let mut out: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    for e in exchanges {
        if e.request.actor != crate::engine::Actor::UserB
            || e.request.method != "GET"
            || !e.response.ok()
        {
            continue;
        }
        let Some(json) = e.response.json() else {
            continue;
        };
        let values = foreign(&json, &Own::default(), true);
        if values.is_empty() {
            continue;
        }
        let at = out.entry(e.request.url.path().to_owned()).or_default();
        for (_, v) in values {
            if !at.contains(&v) {
                at.push(v);
            }
        }
    }
    out
}

/// Whether `id` names one of A's own objects: an id A's answers showed and B's never did,
/// long enough not to be a small counter.
fn own_object(p: &Probe, id: &str) -> bool {
    id.len() >= 8
        && id.chars().any(|c| c.is_ascii_digit())
        && p.seen_a.holds(id)
        && !p.seen_b.holds(id)
}

/// `json` without the records that belong to one of A's own objects (`{"account_id":
/// "75a8…", "customer_email": …}`, an invoice of A's account).
fn without_records_of_own_objects(json: &Value, p: &Probe) -> Value {
    match json {
        Value::Object(m)
            if m.iter().any(|(k, v)| {
                k.to_ascii_lowercase().ends_with("_id")
                    && v.as_str().is_some_and(|id| own_object(p, id))
            }) =>
        {
            Value::Null
        }
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), without_records_of_own_objects(v, p)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|x| without_records_of_own_objects(x, p))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Whether a collection's name (`clinics`, `branches`, a path's last segment) names places
/// the public visits: their phone numbers and addresses are published for customers.
fn names_a_place(collection: &str) -> bool {
    let n = spillcheck_core::vocab::normalize(collection);
    let one = n
        .strip_suffix("ies")
        .map(|s| format!("{s}y"))
        .or_else(|| n.strip_suffix("ches").map(|s| format!("{s}ch")))
        .or_else(|| n.strip_suffix('s').map(str::to_owned))
        .unwrap_or_else(|| n.clone());
    matches!(
        one.as_str(),
        "clinic"
            | "branch"
            | "store"
            | "shop"
            | "office"
            | "location"
            | "venue"
            | "restaurant"
            | "hospital"
            | "pharmacy"
            | "hotel"
            | "school"
            | "library"
            | "warehouse"
            | "depot"
            | "outlet"
            | "showroom"
    )
}

/// A record someone wrote for others to read: a title, a text and who posted it or when
/// (`{"title", "body", "author", "posted_at", "contact"}`: a notice, a listing, an ad).
fn authored_post(m: &serde_json::Map<String, Value>) -> bool {
    let has = |words: &[&str]| {
        m.keys().any(|k| {
            let n = spillcheck_core::vocab::normalize(k);
            words.iter().any(|w| n == *w)
        })
    };
    has(&["title", "subject", "headline"])
        && has(&["body", "text", "content", "description", "message", "details"])
        && has(&[
            "author", "postedby", "postedat", "createdby", "publishedat", "poster", "authorname",
        ])
}

/// A field an author fills to be reached (`contact`, `contact_email`, `reply_to`).
fn published_contact(key: &str) -> bool {
    let n = spillcheck_core::vocab::normalize(key);
    n.starts_with("contact") || n == "replyto"
}

/// A key only a place's record has: its opening hours.
fn opening_hours_key(key: &str) -> bool {
    matches!(
        spillcheck_core::vocab::normalize(key).as_str(),
        "openinghours" | "openingtimes" | "businesshours" | "openhours"
    )
}

/// `json` without the plain values of records that describe a place (a record with opening
/// hours, or one in a collection of places: `{"clinics": [{"name", "phone"}]}`, the items
/// of `GET /clinics`): a branch's switchboard number is no one's personal data. What the
/// record holds under keys of its own (`{"vets": [...]}`) is judged by those keys.
fn without_places(json: &Value, collection: &str) -> Value {
    match json {
        Value::Object(m) => {
            let place = names_a_place(collection) || m.keys().any(|k| opening_hours_key(k));
            let post = authored_post(m);
            Value::Object(
                m.iter()
                    .filter(|(_, v)| !place || v.is_object() || v.is_array())
                    .filter(|(k, v)| !post || v.is_object() || v.is_array() || !published_contact(k))
                    .map(|(k, v)| (k.clone(), without_places(v, k)))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| without_places(x, collection)).collect()),
        other => other.clone(),
    }
}

/// The last segment of a concrete path that is no id (`clinics` of `/api/clinics/4`).
fn collection_in(path: &str) -> &str {
    path.split('/')
        .rev()
        .find(|s| !s.is_empty() && !s.chars().any(|c| c.is_ascii_digit()))
        .unwrap_or("")
}

/// Whether a personal value is another known user's (B's email or phone).
fn belongs_to(value: &str, other: &Own) -> bool {
    let v = value.to_ascii_lowercase();
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    other.emails.contains(&v) || (!digits.is_empty() && other.phones.contains(&digits))
}

/// Answers to user A (and to anonymous callers) that carry other people's emails, phone
/// numbers or card numbers. When A's own identity is unknown, one foreign-looking
/// address proves nothing: two distinct ones are needed (a listing of several people).
pub(crate) fn check(p: &Probe, exchanges: &[Arc<Exchange>]) -> Vec<Finding> {
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    let identity_known = !p.own.emails.is_empty();
    let mine = own_cards(p, exchanges);
    // The scan's own accounts, by the names they were registered with.
    let created: Vec<String> = p.created_users.lock().map(|c| c.clone()).unwrap_or_default();
    // Everything user A wrote during the scan (a profile update the scan sent with an
    // address of its own making): A's data from then on, wherever it shows.
    let written_by_a: String = exchanges
        .iter()
        .filter(|e| e.request.actor == crate::engine::Actor::UserA && e.request.method != "GET")
        .filter_map(|e| e.request.body.as_ref())
        .map(|(_, b)| {
            // A form's values as the server reads them (`%40` is the `@` of an address).
            let decoded: Vec<String> = url::form_urlencoded::parse(b)
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            format!("{}\n{}", String::from_utf8_lossy(b), decoded.join("&")).to_ascii_lowercase()
        })
        .collect::<Vec<_>>()
        .join("\n");
    let seen_by_b = b_views(exchanges);
    for e in exchanges {
        let anonymous = e.request.actor == crate::engine::Actor::Anonymous;
        // Reads, and A's writes (a follow that answers with the followed user's profile),
        // but never what A's own request carried (an address A just sent is no leak).
        let write = e.request.method != "GET";
        if write && (anonymous || e.request.method == "DELETE")
            || !e.response.ok()
            || !(anonymous || e.request.actor == crate::engine::Actor::UserA)
        {
            continue;
        }
        let Some(json) = e.response.json() else {
            continue;
        };
        if inspect::is_api_description(&json) {
            continue;
        }
        let json = without_places(&json, collection_in(e.request.url.path()));
        // A's own record in the answer (a listing that shows A A's profile) is A's.
        let json = if anonymous {
            json
        } else {
            without_records_of_own_objects(&without_callers_records(&json, &p.own), p)
        };
        let mut found = foreign(&json, &p.own, anonymous);
        // The scan's own accounts were registered with an address for a user name: shown
        // as a user name to a signed-in caller (`{"username": "spillcheck-…@example.com"}`),
        // it is the scan's own handle, not someone's contact data.
        if !anonymous {
            let handles = scans_handles(&json, &created);
            found.retain(|(k, v)| *k != "email" || !handles.contains(v));
        }
        found.retain(|(k, v)| anonymous || *k != "card number" || !mine.contains(v));
        // What A keeps under A's own account (`/users/alice/contacts`, `/me/addresses`)
        // is A's business, third parties' numbers included; another user's data there
        // (B's email in A's followers) still counts.
        if !anonymous
            && (names_own_account(e.request.url.path(), &p.own)
                || under_own_object(p, e.request.url.path()))
        {
            found.retain(|(_, v)| belongs_to(v, &p.own_b));
        }
        // Never what A wrote (this write's own body among them: a write is A's here).
        if !anonymous {
            found.retain(|(_, v)| !written_by_a.contains(&v.to_ascii_lowercase()));
        }
        // The same path showed B other people too, none of A's and none of them B: each
        // sees their own group's (a company's drivers), not everyone's.
        if !anonymous
            && !write
            && let Some(bv) = seen_by_b.get(e.request.url.path())
            && found
                .iter()
                .all(|(_, v)| !bv.contains(v) && !belongs_to(v, &p.own_b))
        {
            continue;
        }
        // Known only by its key, A's own is told apart only when A's identity is known.
        if !anonymous && !identity_known {
            found.retain(|(k, _)| !by_key_only(k));
        }
        let emails = found.iter().filter(|(k, _)| *k == "email").count();
        let others = found.len() - emails;
        if found.is_empty() || (!anonymous && !identity_known && emails < 2 && others == 0) {
            continue;
        }
        let (method, path) = super::route_for(p, e);
        if !done.insert((method.clone(), path.clone())) {
            continue;
        }
        let kinds: BTreeSet<&str> = found.iter().map(|(k, _)| *k).collect();
        let who = if anonymous {
            "an anonymous caller"
        } else {
            "user A"
        };
        let confidence = if anonymous || identity_known {
            Confidence::Confirmed
        } else {
            Confidence::Likely
        };
        out.push(
            Finding::new(
                &SC231,
                format!(
                    "{method} {path} shows {who} {} other people's {}",
                    found.len(),
                    kinds.into_iter().collect::<Vec<_>>().join(", ")
                ),
            )
            .on_route(&method, &path)
            .with_confidence(confidence)
            .with_http(p.evidence(
                e,
                &format!("{} personal values that are not {who}'s", found.len()),
                &[],
            )),
        );
    }
    out
}


/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::Passive(check)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_places_published_numbers_are_no_ones_personal_data() {
        let own = Own::default();
        let clinics = serde_json::json!({"clinics": [
            {"name": "High Street", "phone": "01275 000 111", "slug": "high-street"},
            {"name": "Portway", "phone": "01275 000 222", "vets": [
                {"name": "Dr Lind", "email": "lind@vets.test"}]}]});
        let left = foreign(&without_places(&clinics, "clinics"), &own, true);
        assert_eq!(left, vec![("email", "lind@vets.test".to_owned())]);
        let branch = serde_json::json!({"name": "Portway", "phone": "01275 000 222",
            "opening_hours": "Mon-Sat 09:00-17:00"});
        assert!(foreign(&without_places(&branch, "4"), &own, true).is_empty());
        assert_eq!(collection_in("/api/clinics/4"), "clinics");
        // People stay people, whatever their records hold.
        let owners = serde_json::json!([{"name": "Carol", "phone": "+44 7700 900124",
            "hours": 8}]);
        assert_eq!(foreign(&without_places(&owners, "owners"), &own, true).len(), 1);
        // A notice's author published how to reach them; the author's record elsewhere
        // is still personal data.
        let notices = serde_json::json!({"notices": [{"title": "Seed swap", "body": "Saturday.",
            "author": "Carol", "posted_at": "2026-02-22", "contact": "carol@north.test"}]});
        assert!(foreign(&without_places(&notices, "notices"), &own, true).is_empty());
        let member = serde_json::json!({"name": "Carol", "contact": "carol@north.test"});
        assert_eq!(foreign(&without_places(&member, "members"), &own, true).len(), 1);
    }

    #[test]
    fn under_the_callers_own_account() {
        let own = Own {
            names: vec!["alice".into()],
            ids: vec!["7".into()],
            ..Own::default()
        };
        assert!(names_own_account("/api/users/alice/contacts/1", &own));
        assert!(names_own_account("/api/accounts/7/addresses", &own));
        assert!(names_own_account("/api/me/followers", &own));
        assert!(!names_own_account("/api/users/bob/contacts/2", &own));
        assert!(!names_own_account("/api/notes/7", &own));
        let b = Own {
            emails: vec!["bob@zoo.test".into()],
            phones: vec!["15550302".into()],
            ..Own::default()
        };
        assert!(belongs_to("Bob@zoo.test", &b) && belongs_to("+1 555 0302", &b));
        assert!(!belongs_to("+1 555 0411", &b));
    }

    #[test]
    fn the_callers_own_record_is_not_foreign() {
        // A's address is unknown, A's user name is known: the one record naming A is A's.
        let own = Own {
            names: vec!["alice".into()],
            ..Own::default()
        };
        let v = serde_json::json!({"result": {"value": [
            {"username": "alice", "email": "alice@pi.test", "phone": "+1 555 0105"},
            {"username": "bob", "email": "bob@pi.test", "phone": "+1 555 0103"}]}});
        let f = foreign(&without_callers_records(&v, &own), &own, false);
        assert_eq!(
            f,
            vec![
                ("email", "bob@pi.test".to_owned()),
                ("phone number", "+1 555 0103".to_owned())
            ]
        );
    }

    #[test]
    fn own_data_is_not_foreign() {
        let own = Own {
            emails: vec!["alice@notes.test".into()],
            ids: vec![],
            phones: vec!["15550101".into()],
            names: vec![],
            ..Own::default()
        };
        let v = serde_json::json!([{"email": "alice@notes.test", "phone": "+1 555 0101"}, {"email": "bob@notes.test", "phone": "+1 555 0102", "n": "4111 1111 1111 1111"}]);
        let f = foreign(&v, &own, false);
        assert_eq!(f.len(), 3, "{f:?}");
        assert_eq!(foreign(&v, &own, true).len(), 5);
        assert!(
            foreign(
                &serde_json::json!({"version": "2024.1.1", "count": 4_111_111_111_111_112_u64}),
                &own,
                true
            )
            .is_empty()
        );
    }
}
