//! Joining the two views: a code finding and an api finding that concern the same
//! weakness (and the same route, when the code finding names one) become one finding,
//! confirmed, carrying both the source location and the HTTP evidence.

use crate::catalog::Catalog;
use crate::finding::{Finding, Route};
use crate::severity::Confidence;

/// What the catalog says about joining: which code rule each probe or token rule confirms
/// (its `confirms`), and which code rules are route-level.
struct Joins<'c> {
    catalog: &'c Catalog,
}

impl Joins<'_> {
    fn confirms(&self, code: &str, api: &str) -> bool {
        self.catalog
            .get(api)
            .is_some_and(|meta| meta.confirms.contains(&code))
    }

    fn route_level(&self, code: &str) -> bool {
        self.catalog.get(code).is_some_and(|meta| meta.route_level)
    }
}

/// `/a/{x}/b/` → `/a/{}/b`: a path template with parameter names erased and no trailing
/// slash, so the code's and the documentation's spellings of a route compare equal.
pub fn normalize_template(template: &str) -> String {
    let mut path = String::with_capacity(template.len());
    let mut depth = 0;
    for c in template.chars() {
        match c {
            '{' => {
                depth += 1;
                if depth == 1 {
                    path.push_str("{}");
                }
            }
            '}' => depth -= 1,
            _ if depth > 0 => {}
            _ => path.push(c),
        }
    }
    if path.len() > 1 && path.ends_with('/') {
        path.pop();
    }
    path
}

fn normalized(route: &Route) -> (String, String) {
    (
        route.method.to_ascii_uppercase(),
        normalize_template(&route.path),
    )
}

fn same_weakness(joins: &Joins<'_>, code: &Finding, api: &Finding) -> bool {
    // A hard-coded key is the cracked one only when they are the same string.
    if code.rule_id == "SC130" && !code.secrets.iter().any(|s| api.secrets.contains(s)) {
        return false;
    }
    // A value in a log file that only a generic detector suspects (`possible`) is not shown
    // to be a token by a log call elsewhere that writes one: the two stay apart.
    if api.rule_id == "SC310" && api.confidence == Confidence::Possible {
        return false;
    }
    joins.confirms(&code.rule_id, &api.rule_id)
        && match (&code.route, &api.route) {
            (Some(c), Some(a)) => normalized(c) == normalized(a),
            (Some(_), None) => false,
            (None, None) => true,
            // A site-wide code finding (a weak key, debug mode, a token verifier, an
            // app-wide error handler) explains the probe's finding wherever it was seen; a
            // route-level one only on its route.
            (None, Some(_)) => code.app_wide || !joins.route_level(&code.rule_id),
        }
}

/// Merges `code` findings into the `api` findings they explain (an api rule's `confirms`
/// in `catalog` names the code rules it explains). Each api finding that a
/// code finding explains takes the code finding's location (the first such: one on its
/// own route, then site-wide ones, each in rule order), becomes `confirmed`, and notes every code finding it absorbed; absorbed code
/// findings leave the list. A code SC102 on a route where the probe proved the ownership
/// check holds (`enforced`) stays, lowered to `possible` with a note. The rest is
/// returned untouched, code first.
pub fn correlate(
    catalog: &Catalog,
    mut code: Vec<Finding>,
    mut api: Vec<Finding>,
    enforced: &[Route],
) -> Vec<Finding> {
    let joins = Joins { catalog };
    for c in &mut code {
        let proven = c.rule_id == "SC102"
            && c.route
                .as_ref()
                .is_some_and(|r| enforced.iter().any(|e| normalized(e) == normalized(r)));
        if proven && !api.iter().any(|a| same_weakness(&joins, c, a)) {
            c.confidence = Confidence::Possible;
            c.notes.push(
                "the probe requested another user's object on this route and was refused: the ownership check holds at run time"
                    .to_owned(),
            );
        }
    }
    let mut absorbed = vec![false; code.len()];
    // A code finding on the api finding's own route is its most precise cause: first.
    let order: Vec<usize> = (0..code.len())
        .filter(|&i| code[i].route.is_some())
        .chain((0..code.len()).filter(|&i| code[i].route.is_none()))
        .collect();
    for a in &mut api {
        let mut merged = false;
        // Whether a code finding it absorbs stands at `likely` or above.
        let mut code_stands = false;
        for &i in &order {
            let c = &code[i];
            if !same_weakness(&joins, c, a) {
                continue;
            }
            absorbed[i] = true;
            if a.location.is_none() {
                a.location.clone_from(&c.location);
                // The code's fix applies where the code finding points: it goes along.
                a.autofix.clone_from(&c.autofix);
            }
            if let Some(loc) = &c.location {
                a.notes.push(format!(
                    "code: {} at {}:{}: {}",
                    c.rule_id, loc.path, loc.line, c.message
                ));
            }
            a.secrets.extend(c.secrets.iter().cloned());
            code_stands |= c.confidence != Confidence::Possible;
            merged = true;
        }
        // Seen by both sides: confirmed. A probe finding the probe itself held `possible`
        // (latent: an API without accounts has no one's data to read) stays so unless the
        // code stands for it; two `possible` halves make no certainty.
        if merged {
            a.confidence = if a.confidence != Confidence::Possible {
                Confidence::Confirmed
            } else if code_stands {
                Confidence::Likely
            } else {
                Confidence::Possible
            };
        }
    }
    let api = fold_app_wide(&joins, &code, api);
    code.into_iter()
        .zip(absorbed)
        .filter(|(_, gone)| !gone)
        .map(|(f, _)| f)
        .chain(api)
        .collect()
}

/// The probe's findings of one rule that one app-wide code finding explains (alerta's
/// error handler answering every route's exception with its text) are one problem: the
/// first keeps the others' routes in its notes, the others go.
fn fold_app_wide(joins: &Joins<'_>, code: &[Finding], api: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::with_capacity(api.len());
    // For each app-wide code finding, the index in `out` of the finding that stands for it
    // (per probe rule).
    let mut kept: Vec<(usize, String, usize)> = Vec::new();
    for a in api {
        // A route's own code finding (its except block) is the more precise cause.
        let own = code
            .iter()
            .any(|c| c.route.is_some() && same_weakness(joins, c, &a));
        let cause = code
            .iter()
            .position(|c| c.app_wide && a.route.is_some() && same_weakness(joins, c, &a));
        let Some(ci) = cause.filter(|_| !own) else {
            out.push(a);
            continue;
        };
        let standing = kept
            .iter()
            .find(|(c, rule, _)| *c == ci && *rule == a.rule_id)
            .map(|&(_, _, at)| at);
        if let Some(at) = standing {
            out[at].absorb_route(&a);
        } else {
            kept.push((ci, a.rule_id.clone(), out.len()));
            out.push(a);
        }
    }
    for (_, _, at) in &kept {
        out[*at].count_routes(", one cause");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{OwaspApi, RuleMeta};
    use crate::finding::Location;
    use crate::severity::Severity;

    /// The joins of the real catalog that these tests use.
    const CONFIRMS: &[(&str, &[&str])] = &[
        ("SC201", &["SC101"]),
        ("SC202", &["SC103", "SC104"]),
        ("SC210", &["SC102"]),
        ("SC220", &["SC121"]),
        ("SC230", &["SC140", "SC141"]),
        ("SC301", &["SC130"]),
        ("SC310", &["SC110", "SC111"]),
    ];
    const ROUTE_LEVEL: &[&str] = &["SC101", "SC102", "SC121", "SC140", "SC141"];
    const IDS: &[&str] = &[
        "SC101", "SC102", "SC103", "SC104", "SC110", "SC111", "SC121", "SC130", "SC140", "SC141",
        "SC201", "SC202", "SC210", "SC220", "SC230", "SC301", "SC310",
    ];

    fn catalog() -> Catalog {
        Catalog::new(
            IDS.iter()
                .map(|id| &*Box::leak(Box::new(meta(id))))
                .collect(),
        )
    }

    fn meta(id: &'static str) -> RuleMeta {
        RuleMeta {
            id,
            slug: Box::leak(id.to_ascii_lowercase().into_boxed_str()),
            title: "x",
            severity: Severity::High,
            confidence: Confidence::Likely,
            cwe: &[200],
            owasp: &[OwaspApi::Api8],
            fix: "x",
            raw_docs: "",
            confirms: CONFIRMS
                .iter()
                .find(|(a, _)| *a == id)
                .map_or(&[], |(_, c)| c),
            route_level: ROUTE_LEVEL.contains(&id),
        }
    }

    fn at(f: Finding, path: &str, line: u32) -> Finding {
        f.at(Location {
            path: path.into(),
            line,
            column: 1,
            end_line: None,
            end_column: None,
            snippet: None,
        })
    }

    #[test]
    fn an_app_wide_handler_is_one_finding_for_every_route_it_explains() {
        let mut handler = at(
            Finding::new(&meta("SC121"), "the exception is returned"),
            "exceptions.py",
            128,
        );
        handler.app_wide = true;
        // A route whose own except block returns the text: its own cause.
        let own = at(
            Finding::new(&meta("SC121"), "the exception is returned").on_route("POST", "/c"),
            "views.py",
            40,
        );
        let api = ["/a", "/b", "/c", "/d"]
            .iter()
            .map(|p| {
                Finding::new(&meta("SC220"), format!("POST {p} answers 500")).on_route("POST", p)
            })
            .collect();
        let mut api: Vec<Finding> = api;
        // The probe folded /e into /d's finding already.
        api[3]
            .message
            .push_str(" (and 1 more routes with the same error answer)");
        api[3].notes.push("also on POST /e".into());
        let got = correlate(&catalog(), vec![handler.clone(), own], api, &[]);
        let sc220: Vec<&Finding> = got.iter().filter(|f| f.rule_id == "SC220").collect();
        assert_eq!(sc220.len(), 2, "{got:#?}");
        let folded = sc220
            .iter()
            .find(|f| f.route.as_ref().unwrap().path == "/a")
            .unwrap();
        assert_eq!(folded.location.as_ref().unwrap().path, "exceptions.py");
        assert!(
            folded
                .message
                .ends_with("/a answers 500 (and 3 more routes, one cause)"),
            "{}",
            folded.message
        );
        assert!(folded.notes.contains(&"also on POST /b".to_owned()));
        assert!(folded.notes.contains(&"also on POST /d".to_owned()));
        assert!(folded.notes.contains(&"also on POST /e".to_owned()));
        let c = sc220
            .iter()
            .find(|f| f.route.as_ref().unwrap().path == "/c")
            .unwrap();
        assert_eq!(c.location.as_ref().unwrap().path, "views.py");
        // Not app-wide (an except block in a helper): it explains no route.
        handler.app_wide = false;
        let api = vec![Finding::new(&meta("SC220"), "x").on_route("POST", "/a")];
        let got = correlate(&catalog(), vec![handler], api, &[]);
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn two_possible_halves_make_no_certainty() {
        let join = |code_conf: Confidence, api_conf: Confidence| {
            let mut c = at(
                Finding::new(&meta("SC101"), "no auth").on_route("GET", "/api/stats"),
                "app.py",
                64,
            );
            c.confidence = code_conf;
            let mut a = Finding::new(&meta("SC201"), "anon reads").on_route("GET", "/api/stats");
            a.confidence = api_conf;
            let got = correlate(&catalog(), vec![c], vec![a], &[]);
            assert_eq!(got.len(), 1, "{got:?}");
            got[0].confidence
        };
        // (code side, probe side, joined)
        for (code, api, want) in [
            (
                Confidence::Likely,
                Confidence::Confirmed,
                Confidence::Confirmed,
            ),
            (
                Confidence::Possible,
                Confidence::Confirmed,
                Confidence::Confirmed,
            ),
            (Confidence::Likely, Confidence::Possible, Confidence::Likely),
            (
                Confidence::Possible,
                Confidence::Possible,
                Confidence::Possible,
            ),
        ] {
            assert_eq!(join(code, api), want, "{code:?} + {api:?}");
        }
    }

    #[test]
    fn merges_same_route_and_global_pairs() {
        let code = vec![
            at(
                Finding::new(&meta("SC101"), "no auth").on_route("GET", "/api/stats"),
                "app.py",
                64,
            ),
            at(
                Finding::new(&meta("SC101"), "no auth").on_route("GET", "/api/other"),
                "app.py",
                80,
            ),
            at(Finding::new(&meta("SC104"), "unverified"), "auth.py", 31).with_fix(
                crate::fix::Fix {
                    applicability: crate::fix::Applicability::Safe,
                    message: "verify".into(),
                    edits: Vec::new(),
                    diff: String::new(),
                    source_sha256: String::new(),
                },
            ),
            at(
                Finding::new(&meta("SC140"), "hash serialized"),
                "users.py",
                22,
            ),
        ];
        let api = vec![
            Finding::new(&meta("SC201"), "anon reads").on_route("GET", "/api/stats/"),
            Finding::new(&meta("SC202"), "tampered accepted").on_route("GET", "/api/me"),
            Finding::new(&meta("SC220"), "traceback").on_route("GET", "/api/x"),
        ];
        let out = correlate(&catalog(), code, api, &[]);
        let ids: Vec<&str> = out.iter().map(|f| f.rule_id.as_str()).collect();
        assert_eq!(ids, ["SC101", "SC140", "SC201", "SC202", "SC220"]);
        let sc201 = &out[2];
        assert_eq!(sc201.confidence, Confidence::Confirmed);
        assert_eq!(sc201.location.as_ref().unwrap().path, "app.py");
        assert_eq!(sc201.location.as_ref().unwrap().line, 64);
        assert_eq!(out[3].location.as_ref().unwrap().line, 31);
        // The code's fix goes with its location to the confirmed finding.
        assert_eq!(out[3].autofix.as_ref().unwrap().message, "verify");
        assert!(sc201.autofix.is_none());
        assert!(out[4].location.is_none());
        assert_eq!(out[4].confidence, Confidence::Likely);
    }

    #[test]
    fn route_level_findings_join_only_their_route() {
        let code = vec![
            at(
                Finding::new(&meta("SC121"), "str(e) in transfer").on_route("POST", "/transfer"),
                "app.py",
                500,
            ),
            at(
                Finding::new(&meta("SC121"), "str(e) in a helper"),
                "auth.py",
                98,
            ),
        ];
        let api = vec![
            Finding::new(&meta("SC220"), "float error").on_route("POST", "/transfer"),
            Finding::new(&meta("SC220"), "traceback").on_route("POST", "/api/login"),
        ];
        let out = correlate(&catalog(), code, api, &[]);
        // The helper's finding stays on its own; each probe finding keeps its route and
        // only the transfer one takes the code's location.
        assert_eq!(out.len(), 3, "{out:?}");
        assert_eq!(out[0].message, "str(e) in a helper");
        let transfer = out.iter().find(|f| f.message == "float error").unwrap();
        assert_eq!(transfer.location.as_ref().unwrap().line, 500);
        let login = out.iter().find(|f| f.message == "traceback").unwrap();
        assert!(login.location.is_none());
    }

    #[test]
    fn a_possible_log_secret_is_not_confirmed_by_a_log_call() {
        let code = vec![at(
            Finding::new(&meta("SC110"), "logs the header"),
            "app.py",
            12,
        )];
        let mut generic = Finding::new(&meta("SC310"), "password=hunter2x in app.log");
        generic.confidence = Confidence::Possible;
        let api = vec![generic, Finding::new(&meta("SC310"), "a JWT in app.log")];
        let out = correlate(&catalog(), code, api, &[]);
        let generic = out
            .iter()
            .find(|f| f.message.starts_with("password"))
            .unwrap();
        assert_eq!(generic.confidence, Confidence::Possible);
        assert!(generic.location.is_none());
        let jwt = out.iter().find(|f| f.message.starts_with("a JWT")).unwrap();
        assert_eq!(jwt.confidence, Confidence::Confirmed);
        assert_eq!(out.len(), 2, "the log call joined the JWT finding: {out:?}");
    }

    #[test]
    fn hardcoded_key_joins_only_the_cracked_secret() {
        let code = vec![
            at(
                Finding::new(&meta("SC130"), "SECRET_KEY").with_secret("session-key-1"),
                "config.py",
                5,
            ),
            at(
                Finding::new(&meta("SC130"), "JWT_SECRET").with_secret("super-secret"),
                "config.py",
                6,
            ),
        ];
        let api = vec![Finding::new(&meta("SC301"), "weak secret").with_secret("super-secret")];
        let out = correlate(&catalog(), code, api, &[]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].message, "SECRET_KEY");
        assert_eq!(out[1].rule_id, "SC301");
        assert_eq!(out[1].location.as_ref().unwrap().line, 6);
    }

    #[test]
    fn proven_ownership_check_lowers_sc102() {
        let code = vec![at(
            Finding::new(&meta("SC102"), "no owner check").on_route("GET", "/api/notes/{id}"),
            "notes.py",
            40,
        )];
        let enforced = [Route {
            method: "GET".into(),
            path: "/api/notes/{note_id}".into(),
        }];
        let out = correlate(&catalog(), code.clone(), Vec::new(), &enforced);
        assert_eq!(out[0].confidence, Confidence::Possible);
        assert_eq!(out[0].notes.len(), 1);
        let out = correlate(&catalog(), code, Vec::new(), &[]);
        assert_eq!(out[0].confidence, Confidence::Likely);
    }
}
