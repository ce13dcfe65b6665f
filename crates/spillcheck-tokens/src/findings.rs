//! Findings from scanned files: SC310 for logs, SC320 for project files. Each
//! finding is one distinct secret, with its count and first and last place.

use spillcheck_core::{Confidence, Finding, Location, Snippet};

use crate::detect::all;
use crate::rules::sc310_token_in_log_file::SC310;
use crate::rules::sc311_canary_token_logged::SC311;
use crate::rules::sc320_secret_in_file::SC320;
use crate::scan::{Group, ScanResult};

/// Which rule the findings of a scan belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// `spillcheck logs`: secrets in logs (SC310).
    Logs,
    /// `spillcheck code`: secrets committed in project files (SC320).
    ProjectFiles,
}

fn detector_name(id: &str) -> &'static str {
    all()
        .iter()
        .find(|d| d.id() == id)
        .map_or("secret", |d| d.name())
}

fn finding(group: &Group, context: Context) -> Finding {
    let rule = match context {
        Context::Logs => &SC310,
        Context::ProjectFiles => &SC320,
    };
    let redacted = spillcheck_core::redact(&group.secret);
    let what = detector_name(group.detector);
    let message = if group.count == 1 {
        format!("{what} `{redacted}` in `{}`", group.first.path)
    } else if group.first.path == group.last.path {
        format!(
            "{what} `{redacted}` occurs {} times in `{}` (first line {}, last line {})",
            group.count, group.first.path, group.first.line, group.last.line
        )
    } else {
        format!(
            "{what} `{redacted}` occurs {} times, first in `{}`:{} and last in `{}`:{}",
            group.count, group.first.path, group.first.line, group.last.path, group.last.line
        )
    };
    let line = u32::try_from(group.first.line).unwrap_or(u32::MAX);
    let column = u32::try_from(group.first.column).unwrap_or(1);
    let mut f = Finding::new(rule, message)
        .at(Location {
            path: group.first.path.clone(),
            line,
            column,
            end_line: None,
            end_column: None,
            snippet: Some(Snippet {
                start_line: line,
                lines: vec![group.evidence.clone()],
            }),
        })
        .with_secret(group.secret.clone())
        .with_key(format!("{}:{redacted}", group.detector));
    if group.detector == "secret-assignment" && !credential_shaped(&group.secret) {
        f = f.with_confidence(Confidence::Possible);
    }
    // A token committed long expired (an API description's example, a test's sample) opens
    // nothing any more; in a log it is still a token that was logged.
    if context == Context::ProjectFiles
        && group.detector == "jwt"
        && let Some(exp) = crate::detect::jwt::expiry(&group.secret)
        && exp < now()
    {
        f = f.with_confidence(Confidence::Possible);
        f.notes.push(
            "confidence possible: the token expired before this scan (its `exp` claim is past), so it opens nothing unless the app ignores expiry; its signing key may still be the one in use".to_owned(),
        );
    }
    f
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A value assigned to a secret name that looks generated (long, letters and digits mixed,
/// high entropy) is likely a credential; a shorter or wordier one may be a sample value.
fn credential_shaped(value: &str) -> bool {
    value.len() >= 20
        && value.chars().any(|c| c.is_ascii_digit())
        && value.chars().any(|c| c.is_ascii_alphabetic())
        && crate::detect::entropy(value) >= 4.0
}

/// One finding per distinct secret, plus notes for what could not be scanned.
pub fn to_findings(result: &ScanResult, context: Context) -> Vec<Finding> {
    result.groups.iter().map(|g| finding(g, context)).collect()
}

/// The canary as a finding of its own: an SC310 finding whose secret is the canary token
/// the probe sent becomes SC311, confirmed, at the same file and line. Other findings
/// come back untouched.
pub fn canary(finding: Finding, canary: &str) -> Finding {
    if finding.rule_id != SC310.id || !finding.secrets.iter().any(|s| s == canary) {
        return finding;
    }
    let place = finding
        .location
        .as_ref()
        .map_or_else(String::new, |l| format!(" (`{}` line {})", l.path, l.line));
    let mut f = Finding::new(
        &SC311,
        format!("the canary token spillcheck sent in its requests was written to the logs{place}: the app logs Bearer tokens"),
    )
    .with_confidence(Confidence::Confirmed)
    .with_key("canary");
    f.location = finding.location;
    f.secrets = finding.secrets;
    f
}

/// A fresh canary: a well-formed JWT marked as spillcheck's (`iss`, `kid`), signed with a
/// random key nobody knows, unique to this run (`jti`).
pub fn new_canary(jti: &str, now: i64) -> String {
    let header: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(r#"{"alg":"HS256","typ":"JWT","kid":"spillcheck-canary"}"#)
            .unwrap_or_default();
    let mut claims = serde_json::Map::new();
    claims.insert("iss".into(), "spillcheck-canary".into());
    claims.insert("sub".into(), "spillcheck-canary".into());
    claims.insert("jti".into(), jti.into());
    claims.insert("iat".into(), now.into());
    crate::jwt::sign_hmac(&header, &claims, jti.as_bytes()).unwrap_or_default()
}
