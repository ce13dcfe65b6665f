//! Headers a handler reads itself (`X-User-Id`, `Hide-Info`), learnt from the code
//! (`--source`, `scan`) or the description (`in: header`). A handler that takes who the
//! caller is from a header the client writes (`X-User-Id: 2`) lets anyone be anyone; one
//! whose header switches what it shows (`Hide-Info: 0`) shows it to whoever asks.
//!
//! User A reads each such operation again with the header set: to user B's own id, name
//! or email when the header names a user (reported here, as SC210, when the answer then
//! holds B's data and A's own answer did not), and to the usual switch values otherwise
//! (`0`, `1`, `true`, `false`), for the passive rules to read like every other answer (a
//! token or a password hash it now shows is SC230's).
//!
//! A read that refuses A (403) and takes such a header is asked again with the value the
//! code compares the header against (`role in ("warden", "admin")`), then `admin`, `1`,
//! `true`: an answer with data is a privilege taken from a header (SC212).

use spillcheck_core::Finding;

use crate::discovery::ParamIn;
use crate::probe::{Probe, Probed};

/// Whether a header is the handler's own input: not a standard one every client sends,
/// not the credentials.
pub(crate) fn own_header(name: &str) -> bool {
    !spillcheck_core::vocab::is_standard_header(name)
}

/// Which of B's values a header naming a user takes: an email, a user name or an id.
enum Names {
    Email,
    Name,
    Id,
}

fn names_a_user(header: &str) -> Option<Names> {
    let n = header.to_ascii_lowercase();
    // `X-User-Role`, `X-Account-Type`, `X-Member-Level`: what the user is, not who.
    if spillcheck_core::vocab::mentions_role(&n)
        || [
            "type",
            "level",
            "tier",
            "group",
            "plan",
            "scope",
            "permission",
        ]
        .iter()
        .any(|w| n.ends_with(w))
    {
        return None;
    }
    if n.contains("mail") {
        return Some(Names::Email);
    }
    if n.contains("username") || n.contains("login") {
        return Some(Names::Name);
    }
    [
        "user",
        "uid",
        "account",
        "member",
        "customer",
        "owner",
        "identity",
        "principal",
    ]
    .iter()
    .any(|w| n.contains(w))
    .then_some(Names::Id)
}

/// The operations A reads that take a header of their own, with those headers.
fn with_headers(p: &Probe) -> Vec<(&Probed, Vec<String>)> {
    p.ops
        .iter()
        .filter(|pr| pr.op.method == "GET" && pr.user_ok())
        .filter_map(|pr| {
            let names: Vec<String> = pr
                .op
                .params
                .iter()
                .filter(|x| x.location == ParamIn::Header)
                .map(|x| x.name.clone())
                .take(4)
                .collect();
            (!names.is_empty()).then_some((pr, names))
        })
        .take(12)
        .collect()
}

/// Sends the operations again with their own headers set (see the module's docs); the
/// findings of headers that name the caller.
pub(crate) async fn probe(p: &Probe) -> Vec<Finding> {
    let Some(a) = &p.user else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (pr, names) in with_headers(p) {
        for name in names {
            if let Some(kind) = names_a_user(&name) {
                if p.user_b.is_none() || !p.enabled("SC210") {
                    continue;
                }
                let (b_values, a_values) = match kind {
                    Names::Email => (&p.own_b.emails, &p.own.emails),
                    Names::Name => (&p.own_b.names, &p.own.names),
                    Names::Id => (&p.own_b.ids, &p.own.ids),
                };
                for v in b_values.iter().filter(|v| !a_values.contains(v)).take(2) {
                    let req = p
                        .request("user A", reqwest::Method::GET, &pr.path)
                        .header(&name, v);
                    let Ok(ex) = p.send_as(a, req).await else {
                        continue;
                    };
                    if shows_b(p, &ex, pr) {
                        let why = format!(
                            "user A named user B in the `{name}` header the handler reads and got B's data: the handler takes who the caller is from a header anyone writes"
                        );
                        let mut others = Vec::new();
                        if let Some(own) = &pr.user {
                            others.push(own.as_ref());
                        }
                        out.push(p.finding_on(
                            &crate::rules::sc210_cross_user_object_access::SC210,
                            &pr.op,
                            &why,
                            &ex,
                            &others,
                        ));
                        break;
                    }
                }
            } else {
                for v in ["0", "1", "false", "true"] {
                    let req = p
                        .request("user A", reqwest::Method::GET, &pr.path)
                        .header(&name, v);
                    let _ = p.send_as(a, req).await;
                }
            }
        }
    }
    out
}

/// A header's name and the value its code compares it against, if any.
type NamedValue = (String, Option<String>);

/// The operations that refuse A (403) and take a header of their own that names no
/// user: a privilege the handler may read from the request (`X-Role: admin`,
/// `X-Librarian: 1`).
fn refused_with_headers(p: &Probe) -> Vec<(&Probed, Vec<NamedValue>)> {
    p.ops
        .iter()
        .filter(|pr| {
            pr.op.method == "GET"
                && !p.is_public(&pr.op)
                && pr.user.as_ref().is_some_and(|e| e.response.status == 403)
        })
        .filter_map(|pr| {
            let names: Vec<NamedValue> = pr
                .op
                .params
                .iter()
                .filter(|x| x.location == ParamIn::Header && names_a_user(&x.name).is_none())
                .map(|x| {
                    let example = x.example.as_ref().map(crate::discovery::value_text);
                    (x.name.clone(), example)
                })
                .take(3)
                .collect();
            (!names.is_empty()).then_some((pr, names))
        })
        .take(12)
        .collect()
}

/// The values a privilege header is tried with: the one the code compares it against
/// first (`role in ("warden", "admin")` gives `warden`), then an administrator's and the
/// usual switches.
fn lift_values(example: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = example
        .filter(|v| !v.is_empty() && v.len() <= 64)
        .map(|v| vec![v.to_owned()])
        .unwrap_or_default();
    for v in ["admin", "1", "true"] {
        if !out.iter().any(|x| x.eq_ignore_ascii_case(v)) {
            out.push(v.to_owned());
        }
    }
    out
}

/// Operations that refuse user A (403) sent again with their own headers set to the
/// values a privileged client would send: an answer with data where A was refused is a
/// privilege the handler takes from a header anyone writes (SC212).
pub(crate) async fn lifted(p: &Probe) -> Vec<Finding> {
    let Some(a) = &p.user else {
        return Vec::new();
    };
    if !p.enabled("SC212") {
        return Vec::new();
    }
    let mut out = Vec::new();
    'ops: for (pr, names) in refused_with_headers(p) {
        let Some(refusal) = pr.user.as_ref() else {
            continue;
        };
        for (name, example) in names {
            for v in lift_values(example.as_deref()) {
                let req = p
                    .request("user A", reqwest::Method::GET, &pr.path)
                    .header(&name, &v);
                let Ok(ex) = p.send_as(a, req).await else {
                    continue;
                };
                if !ex.response.ok()
                    || p.not_found.matches(&ex.response)
                    || crate::inspect::refused(&ex.response, None)
                    || !crate::rules::sc201_endpoint_without_auth::carries_data(&ex.response, false)
                    || crate::inspect::similarity(&ex.response, &refusal.response) >= 0.6
                {
                    continue;
                }
                let why = format!(
                    "user A was refused ({}); with `{name}: {v}`, a header any client writes, A got the answer, data included: the handler takes the caller's privilege from the request",
                    refusal.response.status
                );
                out.push(p.finding_on(
                    &crate::rules::sc212_function_level_authorization_bypass::SC212,
                    &pr.op,
                    &why,
                    &ex,
                    &[refusal.as_ref()],
                ));
                continue 'ops;
            }
        }
    }
    out
}

/// Whether A's answer with B named in the header holds B's data that A's own answer did
/// not: B's email, or an owner field with B's id.
fn shows_b(p: &Probe, ex: &crate::engine::Exchange, pr: &Probed) -> bool {
    if !ex.response.ok() || crate::inspect::failure_body(&ex.response) {
        return false;
    }
    let text = ex.response.text();
    let before = pr
        .user
        .as_ref()
        .map(|u| u.response.text())
        .unwrap_or_default();
    let b_email = p
        .own_b
        .emails
        .iter()
        .any(|e| text.contains(e.as_str()) && !before.contains(e.as_str()));
    let b_owned = ex
        .response
        .json()
        .is_some_and(|j| crate::authz::owned_by(&j, &p.own_b) == Some(true))
        && !pr.user.as_ref().is_some_and(|u| {
            u.response
                .json()
                .is_some_and(|j| crate::authz::owned_by(&j, &p.own_b) == Some(true))
        });
    b_email || b_owned
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_headers_are_neither_standard_nor_credentials() {
        assert!(own_header("X-User-Id"));
        assert!(own_header("Hide-Info"));
        assert!(!own_header("Authorization"));
        assert!(!own_header("X-API-Key"));
        assert!(!own_header("X-Forwarded-For"));
        assert!(!own_header("X-Auth-Token"));
    }

    #[test]
    fn a_privilege_header_is_tried_with_the_value_the_code_compares_first() {
        assert_eq!(
            lift_values(Some("warden")),
            ["warden", "admin", "1", "true"]
        );
        assert_eq!(lift_values(Some("1")), ["1", "admin", "true"]);
        assert_eq!(lift_values(None), ["admin", "1", "true"]);
    }

    #[test]
    fn headers_that_name_a_user() {
        assert!(matches!(names_a_user("X-User-Id"), Some(Names::Id)));
        assert!(matches!(names_a_user("X-User-Email"), Some(Names::Email)));
        assert!(matches!(names_a_user("X-Username"), Some(Names::Name)));
        assert!(names_a_user("Hide-Info").is_none());
        // What the user is, not who: a privilege header for SC212.
        assert!(names_a_user("X-User-Role").is_none());
        assert!(names_a_user("X-Account-Type").is_none());
    }
}
