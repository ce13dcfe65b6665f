//! `SC250` exposed-sensitive-file: the rule's metadata and documentation.
//!
//! Produced by the probe (`spillcheck api`); the check is below the docs.

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};
use std::sync::Arc;

use spillcheck_core::Finding;

use crate::engine::Exchange;
use crate::probe::Probe;
use crate::rules::get_all;

declare_rule! {
    /// ## What it finds
    /// A request for a well-known sensitive path (`/.env`, `/.git/config`, `/config.py`, logs, backups, database files) returned the file, after checking that the site does not answer every path the same way (custom 404 or catch-all pages are never reported).
    ///
    /// ## Why it matters
    /// These files hold keys, passwords and sometimes the whole database.
    ///
    /// ## Example
    /// ```http
    /// GET /.env HTTP/1.1
    ///
    /// HTTP/1.1 200 OK
    /// SECRET_KEY=…
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed: each path is requested anonymously and counts only when the answer is a 2xx, is not what a random path gets (a catch-all page), and has the file's shape: `KEY=value` lines for `.env` files, `[core]` for `.git/config`, `ref: refs/` for `.git/HEAD`, `CREATE TABLE` or `INSERT INTO` for dumps, the `SQLite format 3` header for databases, `PRIVATE KEY-----` for keys, Python statements, YAML keys, dated or levelled log lines. An HTML answer never counts (a SQLite file aside), and the report shows the size and key names, never the content. The JSON shape is the loosest, any JSON object at `/config.json` or `/secrets.json` counts, so a public front-end configuration served there is reported too; the key names in the evidence tell which.
    ///
    /// ## Fix
    /// Point `static_folder` at a folder of public assets only.
    pub static SC250 = {
        id: "SC250",
        slug: "exposed-sensitive-file",
        title: "Sensitive file exposed over HTTP",
        severity: Severity::High,
        confidence: Confidence::Confirmed,
        cwe: &[538, 540],
        owasp: &[OwaspApi::Api8],
        fix: "Do not serve the project directory; remove the file from the web root and rotate whatever it contained.",
        confirms: &["SC170"],
    }
}

/// What a file must look like to count (a catch-all page or a custom 404 never does).
#[derive(Clone, Copy)]
enum Kind {
    Env,
    GitConfig,
    GitHead,
    Python,
    Yaml,
    Json,
    Log,
    Sql,
    Sqlite,
    PrivateKey,
    Htpasswd,
}

const FILES: &[(&str, Kind)] = &[
    ("/.env", Kind::Env),
    ("/.env.local", Kind::Env),
    ("/.env.production", Kind::Env),
    ("/.env.bak", Kind::Env),
    ("/.flaskenv", Kind::Env),
    ("/.git/config", Kind::GitConfig),
    ("/.git/HEAD", Kind::GitHead),
    ("/config.py", Kind::Python),
    ("/settings.py", Kind::Python),
    ("/app.py", Kind::Python),
    ("/wsgi.py", Kind::Python),
    ("/instance/config.py", Kind::Python),
    ("/config.py.bak", Kind::Python),
    ("/config.yaml", Kind::Yaml),
    ("/config.yml", Kind::Yaml),
    ("/settings.yaml", Kind::Yaml),
    ("/settings.yml", Kind::Yaml),
    ("/docker-compose.yml", Kind::Yaml),
    ("/config.json", Kind::Json),
    ("/secrets.json", Kind::Json),
    ("/app.log", Kind::Log),
    ("/debug.log", Kind::Log),
    ("/error.log", Kind::Log),
    ("/logs/app.log", Kind::Log),
    ("/instance/app.log", Kind::Log),
    ("/backup.sql", Kind::Sql),
    ("/dump.sql", Kind::Sql),
    ("/db.sqlite3", Kind::Sqlite),
    ("/app.db", Kind::Sqlite),
    ("/instance/app.db", Kind::Sqlite),
    ("/id_rsa", Kind::PrivateKey),
    ("/.htpasswd", Kind::Htpasswd),
];

fn looks_like(kind: Kind, body: &[u8], content_type: &str) -> bool {
    let text = String::from_utf8_lossy(&body[..body.len().min(64 * 1024)]);
    let html = content_type.contains("html") || text.trim_start().starts_with('<');
    let lines = || {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
    };
    match kind {
        Kind::Sqlite => body.starts_with(b"SQLite format 3\0"),
        _ if html => false,
        Kind::Env => {
            let n = lines().count();
            n > 0
                && lines()
                    .filter(|l| {
                        l.split_once('=').is_some_and(|(k, _)| {
                            !k.is_empty()
                                && k.trim_start_matches("export ")
                                    .bytes()
                                    .all(|b| b.is_ascii_alphanumeric() || b == b'_')
                        })
                    })
                    .count()
                    * 2
                    >= n
        }
        Kind::GitConfig => text.contains("[core]"),
        Kind::GitHead => text.starts_with("ref: refs/"),
        Kind::Python => {
            lines().any(|l| {
                l.starts_with("import ") || l.starts_with("from ") || l.starts_with("def ")
            }) || lines().filter(|l| l.contains(" = ")).count() >= 2
        }
        Kind::Yaml => {
            lines()
                .filter(|l| l.contains(": ") || l.ends_with(':'))
                .count()
                >= 2
        }
        Kind::Json => {
            content_type.contains("json")
                || serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|v| v.is_object())
        }
        Kind::Log => {
            lines()
                .filter(|l| {
                    l.len() > 10 && l.as_bytes()[..4].iter().all(u8::is_ascii_digit)
                        || l.contains(" INFO ")
                        || l.contains(" ERROR ")
                        || l.contains(" WARNING ")
                })
                .count()
                >= 1
        }
        Kind::Sql => text.contains("CREATE TABLE") || text.contains("INSERT INTO"),
        Kind::PrivateKey => text.contains("PRIVATE KEY-----"),
        Kind::Htpasswd => lines().all(|l| l.contains(':')) && lines().count() > 0,
    }
}

/// What to show of an exposed file: its size and (for settings files) the names of the
/// keys it holds, never the values.
fn describe(e: &Exchange) -> String {
    let text = e.response.text();
    let keys: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_once(['=', ':']).map(|(k, _)| k.trim()))
        .filter(|k| {
            !k.is_empty()
                && k.len() < 40
                && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
        .take(8)
        .collect();
    if keys.is_empty() {
        format!("served {} bytes", e.response.body.len())
    } else {
        format!(
            "served {} bytes; keys: {}",
            e.response.body.len(),
            keys.join(", ")
        )
    }
}

/// Requests the usual leftovers anonymously; a file counts only when the answer is not the
/// site's answer to a random path and its content has the file's shape.
pub(crate) async fn probe(p: &Probe) -> Vec<Finding> {
    let paths: Vec<String> = FILES.iter().map(|(f, _)| (*f).to_owned()).collect();
    let answers: Vec<Option<Arc<Exchange>>> = get_all(p, "anonymous", &paths).await;
    let mut out = Vec::new();
    for ((file, kind), ex) in FILES.iter().zip(answers) {
        let Some(ex) = ex else { continue };
        let ct = ex
            .response
            .header("content-type")
            .unwrap_or("")
            .to_ascii_lowercase();
        if !ex.response.ok()
            || p.not_found.matches(&ex.response)
            || !looks_like(*kind, &ex.response.body, &ct)
        {
            continue;
        }
        let what = describe(&ex);
        let mut http = p.evidence(&ex, &what, &[]);
        // The file's content is the secret: keep it out of the report.
        for x in &mut http.exchanges {
            x.body_excerpt.clear();
        }
        out.push(
            Finding::new(
                &SC250,
                format!("GET {file} serves the file to anyone ({what})"),
            )
            .on_route("GET", file)
            .with_http(http),
        );
    }
    out
}


/// How the probe runs this rule.
pub(crate) static CHECKS: &[crate::rules::Check] = &[crate::rules::Check::active(crate::rules::Stage::Surface, |p| Box::pin(probe(p)))];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert!(looks_like(Kind::Env, b"A=1\nSECRET_KEY=x\n", "text/plain"));
        assert!(!looks_like(
            Kind::Env,
            b"<html>not found</html>",
            "text/html"
        ));
        assert!(!looks_like(Kind::Env, b"hello world", "text/plain"));
        assert!(looks_like(
            Kind::Python,
            b"import os\nX = 1\n",
            "text/x-python"
        ));
        assert!(looks_like(
            Kind::Sqlite,
            b"SQLite format 3\0....",
            "application/octet-stream"
        ));
        assert!(!looks_like(
            Kind::GitConfig,
            b"{\"error\": \"not found\"}",
            "application/json"
        ));
    }
}
