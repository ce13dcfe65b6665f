//! A finding: plain data describing one real problem, with no rendering in it.

use serde::{Deserialize, Serialize};

use crate::catalog::RuleMeta;
use crate::severity::{Confidence, Severity};

/// The start of the note that names another route a finding stands for: one cause that
/// answers on several routes is reported once (`also on PUT /alert/{id}/tag`).
pub(crate) const ALSO_ON: &str = "also on ";

/// One problem found, in the shape of the JSON report (schema 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable rule id, e.g. `SC210`.
    pub rule_id: String,
    /// The rule's kebab-case slug.
    pub rule: String,
    /// The rule's one-line title.
    pub title: String,
    /// Severity (after config overrides).
    pub severity: Severity,
    /// How sure we are.
    pub confidence: Confidence,
    /// CWE ids, `CWE-639` style.
    pub cwe: Vec<String>,
    /// OWASP API Top 10 (2023) ids, `API1:2023` style.
    pub owasp: Vec<String>,
    /// What is wrong here, in one sentence.
    pub message: String,
    /// Where in the source, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Which API operation, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<Route>,
    /// The HTTP exchange(s) that prove it, when probed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpEvidence>,
    /// Stable identity across runs: survives line moves; see [`crate::fingerprint`].
    #[serde(default)]
    pub fingerprint: String,
    /// How to fix it.
    pub fix: String,
    /// With `--baseline`: `true` when the finding is not in the baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<bool>,
    /// Extra facts: occurrences, correlation notes, reasons for a lowered confidence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// A value that, with the rule and location, distinguishes this finding from its
    /// neighbours (a parameter name, a redacted secret). Part of the fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The compliance controls the finding is evidence against: framework id → control ids
    /// (see `compliance.toml`); filled in when the report is built.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub compliance: std::collections::BTreeMap<String, Vec<String>>,
    /// The change that removes the finding, when it is mechanical (`spillcheck code --fix`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autofix: Option<crate::fix::Fix>,
    /// Secret values this finding carries; every output scrubs them. Never serialized.
    #[serde(skip)]
    pub secrets: Vec<String>,
    /// The code finding sits where every request passes (an app-wide error handler): it
    /// explains the probe's findings of the rules that confirm it on any route, and those
    /// findings are one (see `correlate`). In-process only.
    #[serde(skip)]
    pub app_wide: bool,
}

/// A place in a source file. Lines and columns are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Path relative to the scanned root, `/`-separated.
    pub path: String,
    /// First line of the finding.
    pub line: u32,
    /// First column (1-based, in characters).
    pub column: u32,
    /// Last line, when the finding spans several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    /// Column after the last character, on `end_line`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u32>,
    /// The lines around the finding, for code frames.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<Snippet>,
}

/// Source lines around a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    /// The line number of `lines[0]`.
    pub start_line: u32,
    /// The lines, without their line endings.
    pub lines: Vec<String>,
}

impl Snippet {
    /// Lines `line - context ..= line + context` of `source` (1-based `line`).
    pub fn from_source(source: &str, line: u32, context: u32) -> Snippet {
        let first = line.saturating_sub(context).max(1);
        let last = line.saturating_add(context);
        let lines = source
            .lines()
            .enumerate()
            .filter_map(|(i, text)| {
                let n = u32::try_from(i + 1).ok()?;
                (first..=last)
                    .contains(&n)
                    .then(|| text.trim_end_matches('\r').to_owned())
            })
            .collect();
        Snippet {
            start_line: first,
            lines,
        }
    }

    /// The text of line `line`, if the snippet holds it.
    pub fn line(&self, line: u32) -> Option<&str> {
        let index = line.checked_sub(self.start_line)?;
        self.lines
            .get(usize::try_from(index).ok()?)
            .map(String::as_str)
    }
}

/// An API operation: method and path template (`/api/notes/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Route {
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template, OpenAPI style (`{id}`).
    pub path: String,
}

/// The HTTP evidence of a probed finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpEvidence {
    /// Method of the decisive request.
    pub method: String,
    /// URL of the decisive request.
    pub url: String,
    /// Status of the decisive response.
    pub status: u16,
    /// What in the response proves the finding (an excerpt, redacted).
    pub evidence: String,
    /// Every exchange involved (e.g. user B's own request and user A's request).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exchanges: Vec<Exchange>,
}

/// One request and its response, redacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    /// Who sent it: `anonymous`, `user A`, `user B`, `admin`, `forged alg=none`...
    pub actor: String,
    /// Method.
    pub method: String,
    /// URL.
    pub url: String,
    /// Request headers worth showing (tokens redacted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub request_headers: Vec<(String, String)>,
    /// Response status.
    pub status: u16,
    /// Response headers worth showing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_headers: Vec<(String, String)>,
    /// The start of the response body.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body_excerpt: String,
}

impl Finding {
    /// A finding of `rule` with the rule's default severity, confidence and fix.
    pub fn new(rule: &RuleMeta, message: impl Into<String>) -> Finding {
        Finding {
            rule_id: rule.id.to_owned(),
            rule: rule.slug.to_owned(),
            title: rule.title.to_owned(),
            severity: rule.severity,
            confidence: rule.confidence,
            cwe: rule.cwes().map(|c| c.to_string()).collect(),
            owasp: rule.owasp.iter().map(|o| o.id().to_owned()).collect(),
            message: message.into(),
            location: None,
            route: None,
            http: None,
            fingerprint: String::new(),
            fix: rule.fix.to_owned(),
            new: None,
            notes: Vec::new(),
            key: None,
            compliance: std::collections::BTreeMap::new(),
            autofix: None,
            secrets: Vec::new(),
            app_wide: false,
        }
    }

    /// Sets the source location.
    #[must_use]
    pub fn at(mut self, location: Location) -> Finding {
        self.location = Some(location);
        self
    }

    /// Sets the API operation.
    #[must_use]
    pub fn on_route(mut self, method: &str, path: &str) -> Finding {
        self.route = Some(Route {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
        });
        self
    }

    /// Sets the HTTP evidence.
    #[must_use]
    pub fn with_http(mut self, http: HttpEvidence) -> Finding {
        self.http = Some(http);
        self
    }

    /// Overrides the confidence.
    #[must_use]
    pub fn with_confidence(mut self, confidence: Confidence) -> Finding {
        self.confidence = confidence;
        self
    }

    /// Lowers the finding to `possible` and notes why (`confidence possible: {why}`): the
    /// code runs only in a test, an example, a script's self-test, a development setting...
    pub fn lower_to_possible(&mut self, why: impl std::fmt::Display) {
        self.confidence = Confidence::Possible;
        self.notes.push(format!("confidence possible: {why}"));
    }

    /// Overrides the severity.
    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    /// Registers a secret this finding carries so every output redacts it.
    #[must_use]
    pub fn with_secret(mut self, secret: impl Into<String>) -> Finding {
        self.secrets.push(secret.into());
        self
    }

    /// Sets the change that removes the finding.
    #[must_use]
    pub fn with_fix(mut self, fix: crate::fix::Fix) -> Finding {
        self.autofix = Some(fix);
        self
    }

    /// Sets the distinguishing key used by the fingerprint.
    #[must_use]
    pub fn with_key(mut self, key: impl Into<String>) -> Finding {
        self.key = Some(key.into());
        self
    }

    /// Takes in `other`, the same cause seen on another route: its route, and the routes
    /// it already stood for, go to this finding's notes (`also on PUT /alert/{id}/tag`).
    pub fn absorb_route(&mut self, other: &Finding) {
        if let Some(r) = &other.route {
            self.notes.push(format!("{ALSO_ON}{} {}", r.method, r.path));
        }
        self.notes.extend(
            other
                .notes
                .iter()
                .filter(|n| n.starts_with(ALSO_ON))
                .cloned(),
        );
    }

    /// Says in the message how many other routes the finding stands for (`… (and 21 more
    /// routes, one cause)`), replacing an earlier count; `how` follows the count.
    pub fn count_routes(&mut self, how: &str) {
        let more = self.notes.iter().filter(|n| n.starts_with(ALSO_ON)).count();
        if more == 0 {
            return;
        }
        let base = match self.message.rfind(" (and ") {
            Some(i) if self.message.ends_with(')') => self.message[..i].to_owned(),
            _ => self.message.clone(),
        };
        self.message = format!("{base} (and {more} more routes{how})");
    }

    /// Adds a note.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Finding {
        self.notes.push(note.into());
        self
    }

    /// The severity's score penalty times the confidence factor, before repetition discount.
    pub fn penalty(&self) -> f64 {
        self.severity.weight() * self.confidence.factor()
    }
}
