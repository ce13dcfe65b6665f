//! Tokens and secrets: secret and token detectors, scanning of log and project
//! files, and the rules SC3xx (JWT audit and weak-secret cracking come next).
//!
//! Brief overview:
//! - [`detect`]: one detector per kind of secret behind one keyword prefilter.
//! - [`scan`]: streaming, parallel, bounded-memory scanning of files (plain, `.gz`),
//!   grouping per distinct secret.
//! - [`findings`]: turns groups into SC310 (logs) and SC320 (project files) findings.
#![deny(missing_docs)]

pub mod detect;
pub mod findings;
pub mod jwt;
pub mod rules;
pub mod scan;
pub mod signed;
