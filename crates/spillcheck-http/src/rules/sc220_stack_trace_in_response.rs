//! `SC220` stack-trace-in-response: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};
use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use regex::Regex;
use reqwest::Method;
use serde_json::Value;
use spillcheck_core::Finding;

use crate::discovery::ParamIn;
use crate::engine::Exchange;
use crate::inspect;
use crate::probe::Probe;

declare_rule! {
    /// ## What it finds
    /// A response to malformed input (a bad id, a broken JSON body, an unexpected type) carried a Python traceback, a framework error page, file system paths or an SQL error message.
    ///
    /// ## Why it matters
    /// Error details tell an attacker the code's structure, library versions and queries (CWE-209).
    ///
    /// ## Example
    /// ```http
    /// GET /api/notes/abc HTTP/1.1
    ///
    /// HTTP/1.1 500
    /// Traceback (most recent call last):
    ///   File "/srv/app/notes.py", line 42 ...
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed: the patterns are texts only a traceback, a debugger page, a database driver or a Python exception produces (`Traceback (most recent call last)`, `psycopg2.errors`, `'list' object has no attribute 'get'`). Validation messages written for users (`amount must be a number`) are not matched. One finding per route, whatever status carried the text (a 401 or 400 with a database error still discloses it), except a parser's words on the value the client sent (`Expecting value: line 1 column 1`, `invalid literal for int() with base 10`) and a type error on the body's shape (`list indices must be integers`): in a 4xx answer they describe the client's own input, and count only in a 5xx. One finding per route; the routes whose answers share one error envelope — the same fields and the same fixed sentence (`"message": "An internal error has occurred!"` beside the exception's text), three routes or more — are one finding, the other routes in its notes (`also on PUT /alert/{id}/tag`): one error handler answers them all. With `scan`, an SC121 in an error handler (`errorhandler`, `register_error_handler`) explains the SC220 of every route it answers, and they are one finding located there.
    ///
    /// ## Fix
    /// An `errorhandler(Exception)` that logs and returns `{"error": "internal error"}`.
    pub static SC220 = {
        id: "SC220",
        slug: "stack-trace-in-response",
        title: "Stack trace or error detail in a response",
        severity: Severity::Medium,
        confidence: Confidence::Confirmed,
        cwe: &[209],
        owasp: &[OwaspApi::Api8],
        fix: "Return generic error bodies; log details server-side.",
        confirms: &["SC121"],
    }
}

/// The sign of a type error about the shape of what the client sent: reported only when
/// the answer is a server error.
const SHAPE_OF_INPUT: &str = "a Python exception message (a type error on the body it was sent)";

/// A parser's message on a value the client sent: reported only when the answer is a
/// server error.
const PARSE_OF_INPUT: &str = "a Python exception message (a parser's error on the value it was sent)";

/// What gives a Python traceback, a framework error page or a database error away:
/// (pattern, what it is).
fn signs() -> &'static [(Regex, &'static str)] {
    static S: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    S.get_or_init(|| {
        [
            (r"Traceback \(most recent call last\)", "a Python traceback"),
            (r#"File \\?"[^"\\]{1,300}\.py\\?", line \d+, in "#, "a Python stack frame with a file path"),
            (r"(?i)<title>[^<]*(?:Werkzeug Debugger|Internal Server Error // Werkzeug)", "the Werkzeug debugger page"),
            (r"\b(?:sqlite3|psycopg2|pymysql|MySQLdb|sqlalchemy\.exc|django\.db)\.\w*(?:Error|Exception)\b", "a database driver error"),
            (r"(?i)you have an error in your sql syntax|\bSQLSTATE\[|\bORA-\d{5}\b|unterminated quoted (?:string|identifier) at or near|(?:\\n|\n)LINE \d+: (?:SELECT|INSERT|UPDATE|DELETE|WITH)\b", "an SQL error message"),
            (r"(?:/usr/lib/python3|/site-packages/|\\site-packages\\)[\w./\\-]+\.py", "a server file path"),
            // The text of a Python exception, echoed as `str(e)`.
            (r"unsupported operand type\(s\) for|object has no attribute '|object is not subscriptable|object is not callable|takes \d+ positional arguments? but \d+ (?:were|was) given|missing \d+ required positional argument|list index out of range|string indices must be integers|can only concatenate str \(not|argument must be a string or a real number|'NoneType' object|(?:not enough|too many) values to unpack|\[Errno -?\d+\] |Max retries exceeded with url|HTTPS?ConnectionPool\(host=", "a Python exception message"),
            // A handler that indexed the body it was sent as an object when a list came:
            // with a 4xx, the client's own input described; with a 5xx, an exception relayed.
            (r"(?:list|tuple) indices must be integers", SHAPE_OF_INPUT),
            // A parser's words on the text it was given (a number, a JSON document): with a
            // 4xx, the client's own input described (mwdb-core's `BadRequest("JSONDecodeError:
            // Expecting value…")`); with a 5xx, an exception relayed.
            (r"invalid literal for int\(\) with base \d+|could not convert string to float|Expecting value: line \d+ column \d+", PARSE_OF_INPUT),
            // Database errors as the driver words them (PostgreSQL, SQLite, MySQL).
            (r#"invalid input syntax for (?:type|integer)|relation \\?"[^"\\]{1,80}\\?" does not exist|column \\?"[^"\\]{1,80}\\?" does not exist|duplicate key value violates unique constraint|syntax error at or near \\?"|current transaction is aborted, commands ignored|\bno such (?:table|column): \w|UNIQUE constraint failed: \w|NOT NULL constraint failed: \w|\bDuplicate entry '[^']*' for key|\(Background on this error at: https?://sqlalche\.me|\bnear \\?".{0,160}?\\?": syntax error|\bunrecognized token: \\?""#, "a database error message"),
        ]
        .into_iter()
        .map(|(r, what)| (Regex::new(r).unwrap(), what))
        .collect()
    })
}

/// The first sign of a stack trace in a body, and the text around it.
pub(crate) fn find(body: &str) -> Option<(&'static str, String)> {
    signs().iter().find_map(|(re, what)| {
        re.find(body)
            .map(|m| (*what, inspect::around(body, m.as_str(), 240)))
    })
}

const BAD: &str = "'\"<spillcheck>%";

/// Malformed input: every query parameter of a read operation set to a value no type
/// accepts (one request; with several, also each alone: up to four more), and its string
/// path parameters likewise (another).
pub(crate) async fn probe(p: &Probe) -> Vec<Finding> {
    let mut paths = Vec::new();
    for pr in &p.ops {
        if pr.op.method != "GET" {
            continue;
        }
        let query: Vec<String> = pr
            .op
            .params
            .iter()
            .filter(|x| x.location == ParamIn::Query)
            .map(|x| {
                let enc: String = url::form_urlencoded::byte_serialize(BAD.as_bytes()).collect();
                format!("{}={enc}", x.name)
            })
            .collect();
        if !query.is_empty() {
            paths.push(format!(
                "{}?{}",
                pr.path.split('?').next().unwrap_or(""),
                query.join("&")
            ));
        }
        // With several, each alone as well, the others as the baseline sent them: a
        // validator refuses the whole request for one bad enum (`?status=` → 400) before
        // the handler reads the parameter that breaks it (`?since=` → 500 with a trace).
        if query.len() > 1 {
            for x in pr
                .op
                .params
                .iter()
                .filter(|x| x.location == ParamIn::Query)
                .take(4)
            {
                paths.push(crate::discovery::with_query(&pr.path, &x.name, BAD));
            }
        }
        // String path parameters (`/transactions/{account_number}`); typed ones (`<int:id>`)
        // are matched by the router before any code runs.
        let strings: Vec<&str> = pr
            .op
            .path_params()
            .filter(|x| !matches!(x.kind.as_deref(), Some("integer" | "number" | "uuid")))
            .map(|x| x.name.as_str())
            .collect();
        if !strings.is_empty() {
            let values = pr
                .op
                .path_params()
                .map(|x| {
                    let v = if strings.contains(&x.name.as_str()) {
                        BAD.to_owned()
                    } else {
                        "1".to_owned()
                    };
                    (x.name.clone(), v)
                })
                .collect();
            paths.push(crate::discovery::render_path(&pr.op.path, &values));
        }
    }
    let sends = paths.iter().map(|path| async move {
        let req = p.request("user A", Method::GET, path);
        match &p.user {
            Some(u) => p.send_as(u, req).await.ok(),
            None => p.anon(req).await.ok(),
        }
    });
    // The findings come from the passive check, which reads these answers too.
    let _ = futures_util::future::join_all(sends).await;
    Vec::new()
}

/// The fixed sentence of an error envelope: a top-level text field of at least 12
/// characters, without digits and without any sign of an exception (alerta's `"message": "An
/// internal error has occurred!"` beside `"errors": [str(error)]`). Answers of several
/// routes that share it, with the same fields, come from one error handler.
fn envelope(text: &str) -> Option<String> {
    let Value::Object(m) = serde_json::from_str::<Value>(text).ok()? else {
        return None;
    };
    let fixed = m.iter().find_map(|(k, v)| {
        let t = v.as_str()?;
        (t.len() >= 12 && !t.chars().any(|c| c.is_ascii_digit()) && find(t).is_none())
            .then(|| format!("{k}={t}"))
    })?;
    let keys: Vec<&str> = m.keys().map(String::as_str).collect();
    Some(format!("{}|{fixed}", keys.join(",")))
}

/// Every answer read for tracebacks, one finding per route; the routes whose answers come
/// from one error handler (the same envelope and fixed sentence, three routes or more) are
/// one finding, the others in its notes.
pub(crate) fn check(p: &Probe, exchanges: &[Arc<Exchange>]) -> Vec<Finding> {
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    let mut envelopes: Vec<Option<String>> = Vec::new();
    for e in exchanges {
        let text = e.response.text();
        if text.contains("CONSOLE_MODE = true") {
            continue; // the debugger's console page: SC221 reports it
        }
        let Some((what, excerpt)) = find(&text) else {
            continue;
        };
        if (what == SHAPE_OF_INPUT || what == PARSE_OF_INPUT) && e.response.status < 500 {
            continue;
        }
        let (method, path) = super::route_for(p, e);
        if !done.insert((method.clone(), path.clone())) {
            continue;
        }
        envelopes.push(envelope(&text));
        out.push(
            Finding::new(
                &SC220,
                format!("{method} {path} answers {} with {what}", e.response.status),
            )
            .on_route(&method, &path)
            .with_http(p.evidence(e, &excerpt, &[])),
        );
    }
    fold_by_envelope(out, &envelopes)
}

fn fold_by_envelope(findings: Vec<Finding>, envelopes: &[Option<String>]) -> Vec<Finding> {
    let count = |env: &String| envelopes.iter().flatten().filter(|e| *e == env).count();
    let mut out: Vec<Finding> = Vec::new();
    let mut first_of: Vec<(String, usize)> = Vec::new();
    for (f, env) in findings.into_iter().zip(envelopes) {
        let Some(env) = env.as_ref().filter(|e| count(e) >= 3) else {
            out.push(f);
            continue;
        };
        if let Some(&(_, at)) = first_of.iter().find(|(e, _)| e == env) {
            out[at].absorb_route(&f);
        } else {
            first_of.push((env.clone(), out.len()));
            out.push(f);
        }
    }
    for (_, at) in &first_of {
        out[*at].count_routes(" with the same error answer");
    }
    out
}


/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::active(crate::rules::Stage::Tokens, |p| Box::pin(probe(p))), crate::rules::Check::Passive(check)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exception_and_database_text_is_a_sign() {
        for body in [
            r#"{"error": "could not convert string to float: '\"<spillcheck>%'"}"#,
            r#"{"message": "invalid literal for int() with base 10: 'abc'"}"#,
            r#"{"details": "'NoneType' object is not subscriptable"}"#,
            r#"{"error": "unsupported operand type(s) for +: 'int' and 'str'"}"#,
            r#"{"message": "HTTPConnectionPool(host='127.0.0.1', port=80): Max retries exceeded with url: /x (Caused by NewConnectionError(\"[Errno 111] Connection refused\"))"}"#,
            r#"{"error": "invalid input syntax for type integer: \"x\"\nLINE 1: SELECT"}"#,
            r#"{"error": "relation \"users\" does not exist"}"#,
            r#"{"error": "UNIQUE constraint failed: users.email"}"#,
            r#"{"message": "unterminated quoted identifier at or near \"\"<x>'\"\nLINE 1: SELECT id FROM users"}"#,
            r#"{"message": "oops\nLINE 1: SELECT id FROM users WHERE username='x'"}"#,
            r#"{"error": "syntax error at or near \"spillcheck\""}"#,
            // SQLite's own wording, the client's quote inside the quoted fragment.
            r#"{"error": "near \"\"<spillcheck>%%' OR description LIKE '%'\"\": syntax error"}"#,
            r#"{"error": "unrecognized token: \"'<spillcheck>\""}"#,
            r#"{"e": "(psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint \"users_pkey\""}"#,
            "Traceback (most recent call last):\n  File \"/app/app.py\", line 3, in <module>",
        ] {
            assert!(find(body).is_some(), "{body}");
        }
    }

    #[test]
    fn a_type_error_on_the_body_is_told_apart() {
        let body = r#"{"error": "list indices must be integers or slices, not str"}"#;
        assert_eq!(find(body).map(|(what, _)| what), Some(SHAPE_OF_INPUT));
        let other = r#"{"error": "'NoneType' object has no attribute 'id'"}"#;
        assert_ne!(find(other).map(|(what, _)| what), Some(SHAPE_OF_INPUT));
        // A parser's words on the client's value: the input described, unless a 5xx relays it.
        for body in [
            r#"{"message": "JSONDecodeError: Expecting value: line 1 column 1 (char 0)"}"#,
            r#"{"message": "invalid literal for int() with base 10: 'abc'"}"#,
        ] {
            assert_eq!(find(body).map(|(what, _)| what), Some(PARSE_OF_INPUT), "{body}");
        }
    }

    #[test]
    fn one_error_handler_is_one_finding() {
        let handler = |e: &str| {
            format!(r#"{{"status": "error", "message": "An internal error has occurred!", "errors": ["{e}"], "requestId": "3cde8f6f-6576"}}"#)
        };
        let own = r#"{"status": "error", "message": "'NoneType' object has no attribute 'x'"}"#;
        let answers = [
            ("/a", handler("'list' object has no attribute 'get'")),
            ("/b", handler("'NoneType' object has no attribute 'customer'")),
            ("/c", own.to_owned()),
            ("/d", handler("string indices must be integers")),
            ("/e", handler("list indices must be integers or slices, not str")),
        ];
        let mut findings = Vec::new();
        let mut envelopes = Vec::new();
        for (path, body) in &answers {
            assert!(find(body).is_some(), "{body}");
            envelopes.push(envelope(body));
            findings.push(Finding::new(&SC220, format!("POST {path}")).on_route("POST", path));
        }
        assert!(envelopes[2].is_none(), "{envelopes:?}");
        let got = fold_by_envelope(findings, &envelopes);
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0].notes,
            ["also on POST /b", "also on POST /d", "also on POST /e"]
        );
        assert!(got[0].message.ends_with("(and 3 more routes with the same error answer)"));
        assert_eq!(got[1].route.as_ref().unwrap().path, "/c");
    }

    #[test]
    fn validation_messages_are_not() {
        for body in [
            r#"{"error": "amount must be a number"}"#,
            r#"{"message": "Invalid credentials"}"#,
            r#"{"errors": {"email": ["Not a valid email address."]}}"#,
            r#"{"error": "'amount' is a required property"}"#,
            r#"{"status": "fail", "message": "User not found"}"#,
        ] {
            assert!(find(body).is_none(), "{body}");
        }
    }
}
