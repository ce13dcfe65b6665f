//! Renderers for spillcheck reports, one module per format.
//!
//! Every renderer takes a finished [`Report`] (already redacted by
//! `spillcheck-core`) and the rules in play, and returns the text to write.
//! None of them prints or touches the file system.
#![deny(missing_docs)]

mod html;
mod junit;
mod markdown;
mod sarif;
mod text;
mod util;

use std::fmt;
use std::str::FromStr;

use spillcheck_core::{Report, RuleMeta};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable, for terminals: grouped by severity, code frames, evidence, score.
    Text,
    /// The JSON report, schema 1 (see DESIGN.md).
    Json,
    /// SARIF 2.1.0 for code scanning (<https://docs.oasis-open.org/sarif/sarif/v2.1.0/>).
    Sarif,
    /// JUnit XML: one test case per rule, a failure per rule with findings.
    Junit,
    /// Markdown for a pull-request comment.
    Markdown,
    /// One self-contained HTML file (charts, filters, evidence; works offline, prints).
    Html,
}

impl Format {
    /// Every format's name, for help texts.
    pub const NAMES: &[&str] = &["text", "json", "sarif", "junit", "markdown", "html"];
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            "junit" => Ok(Format::Junit),
            "markdown" | "md" => Ok(Format::Markdown),
            "html" => Ok(Format::Html),
            _ => Err(format!(
                "unknown format `{s}` (expected one of: {})",
                Format::NAMES.join(", ")
            )),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
            Format::Html => "html",
        })
    }
}

/// Options that change how a report looks, not what it says.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// ANSI colours (text only). The CLI sets it only on a TTY and never with `NO_COLOR`.
    pub color: bool,
    /// The target's score over time, oldest first (HTML only; from the history).
    pub trend: Vec<TrendPoint>,
}

/// One recorded run's score, for the HTML report's trend chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrendPoint {
    /// When (ISO 8601, UTC).
    pub time: String,
    /// 0–100.
    pub score: u8,
    /// A–F.
    pub grade: String,
}

/// Renders `report` in `format`. `rules` are the rules that ran (for SARIF's rule
/// table and JUnit's test cases); findings of rules not listed are still rendered.
pub fn render(
    report: &Report,
    rules: &[&'static RuleMeta],
    format: Format,
    options: &RenderOptions,
) -> String {
    match format {
        Format::Text => text::render(report, options),
        Format::Json => report.to_json(),
        Format::Sarif => sarif::render(report, rules),
        Format::Junit => junit::render(report, rules),
        Format::Markdown => markdown::render(report),
        Format::Html => html::render(report, &options.trend),
    }
}
