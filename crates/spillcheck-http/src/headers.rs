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
    fn headers_that_name_a_user() {
        assert!(matches!(names_a_user("X-User-Id"), Some(Names::Id)));
        assert!(matches!(names_a_user("X-User-Email"), Some(Names::Email)));
        assert!(matches!(names_a_user("X-Username"), Some(Names::Name)));
        assert!(names_a_user("Hide-Info").is_none());
    }
}
