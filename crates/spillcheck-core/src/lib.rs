//! The shared vocabulary of spillcheck.
//!
//! Every engine (code, api, tokens) produces [`Finding`]s described by a
//! [`RuleMeta`] from the catalog; this crate turns them into a [`Report`]:
//! configuration and suppressions applied, fingerprints computed, baseline
//! compared, secrets redacted, score and grade computed.
//!
//! Brief overview:
//! - [`Severity`], [`Confidence`], [`OwaspApi`], [`Cwe`]: the classification types.
//! - [`RuleMeta`] and [`declare_rule!`]: one rule's metadata and docs; [`Catalog`]: all rules.
//! - [`Finding`]: plain data, no rendering.
//! - [`score`]: the one place the score formula lives.
//! - [`Config`]: `[tool.spillcheck]` / `spillcheck.toml`.
//! - [`Suppressions`], [`Baseline`], [`fingerprint`]: what keeps CI gates usable.
//! - [`Fix`]: the edits that remove a finding, applied by `spillcheck code --fix`.
//! - [`Redactor`] and [`redact`]: the one helper every output path goes through.
#![deny(missing_docs)]

mod baseline;
mod catalog;
pub mod compliance;
mod config;
pub mod correlate;
mod error;
mod finding;
pub mod fingerprint;
pub mod fix;
mod gate;
pub mod openapi;
mod redact;
mod report;
pub mod score;
pub mod secret_patterns;
mod severity;
mod suppress;
pub mod time;
pub mod vocab;
pub mod walk;

pub use baseline::{Baseline, BaselineEntry};
pub use catalog::{Catalog, Cwe, OwaspApi, RuleDocs, RuleKind, RuleMeta};
pub use config::{Config, PublicRoutes, RuleSelection};
pub use correlate::correlate;
pub use error::Error;
pub use finding::{Exchange, Finding, HttpEvidence, Location, Route, Snippet};
pub use fix::{Applicability, Edit, Fix};
pub use gate::{Gate, GateOutcome};
pub use redact::{Redactor, redact};
pub use report::{
    BaselineSummary, Diagnostic, DiagnosticLevel, OwaspScore, Report, ReportBuilder, Summary,
    Target, Tool,
};
pub use severity::{Confidence, Grade, Severity};
pub use suppress::Suppressions;

/// The JSON report schema version; bumped only on a breaking change.
pub const REPORT_SCHEMA: u32 = 1;
