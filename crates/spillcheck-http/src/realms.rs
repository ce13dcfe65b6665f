//! Other kinds of account. Many APIs log in more than one kind of user, each at its own
//! login operation (`/login` for customers, `/api/v1/merchants/login` for merchants,
//! `/vendor/login`), and user A's token is refused on the other kind's routes. With
//! `--allow-writes` the scan owns an account of each kind it could register; that
//! account reads (and, as the write phase does, writes) what A was refused on, so the
//! passive rules (secrets and card numbers in answers, exception text) see those routes
//! too.

use reqwest::Method;

use crate::auth::Identity;
use crate::discovery::SeenIds;
use crate::probe::{Own, Probe, Probed};

/// Whether A's own answer to an operation was a refusal (401/403).
fn refused_to_a(pr: &Probed) -> bool {
    pr.user
        .as_ref()
        .is_some_and(|e| matches!(e.response.status, 401 | 403))
}

/// The reads A was refused on, sent with the token of each of the scan's own accounts
/// that logs in elsewhere than the users do: operations without path parameters first,
/// then the others with ids that account was seen with. Returns the labels used.
pub(crate) async fn read_as_other_realms(p: &Probe) -> Vec<String> {
    let mut labels = Vec::new();
    if !p.engine.settings().allow_writes || p.user.is_none() {
        return labels;
    }
    let main = p.users_login_path();
    let refused: Vec<&Probed> = p
        .ops
        .iter()
        .filter(|pr| pr.op.method == "GET" && refused_to_a(pr))
        .collect();
    if refused.is_empty() && p.refused_writes.is_empty() {
        return labels;
    }
    for account in crate::login::owned_accounts(p).await {
        if main.as_deref() == Some(account.login.op.path.as_str()) {
            continue;
        }
        let Some(token) = &account.token else {
            continue;
        };
        let label = format!("own account ({})", account.login.op.path);
        let who = Identity::literal(&label, token);
        let mut seen = SeenIds::default();
        let (flat, with_ids): (Vec<&Probed>, Vec<&Probed>) = refused
            .iter()
            .partition(|pr| pr.op.path_params().count() == 0);
        for pr in flat {
            let req = p.request(&label, Method::GET, &pr.path);
            if let Ok(ex) = p.send_as(&who, req).await
                && ex.response.ok()
                && let Some(json) = ex.response.json()
            {
                seen.learn(pr.path.split('?').next().unwrap_or(""), &json);
            }
        }
        for pr in with_ids.into_iter().take(20) {
            let path = crate::probe::fill(&pr.op, &seen, &Own::default());
            let _ = p.send_as(&who, p.request(&label, Method::GET, &path)).await;
        }
        // The writes A was refused on, as the write phase sends them: a valid body, then
        // (for SC220) a malformed one and a list where an object is expected.
        for pr in p.refused_writes.iter().take(20) {
            let mut bodies = vec![crate::writes::unique_valid_body(&pr.op, &seen)];
            if p.enabled("SC220") {
                bodies.extend(crate::writes::malformed_body(&pr.op));
                bodies.extend(crate::writes::list_body(&pr.op));
            }
            let path = crate::probe::fill(&pr.op, &seen, &Own::default());
            for body in bodies {
                let _ = p
                    .send_as(&who, p.write_request(&label, pr, &path, &body))
                    .await;
            }
        }
        labels.push(label);
    }
    labels
}
