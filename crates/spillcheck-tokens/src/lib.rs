//! Tokens and secrets: JWT audit and weak-secret cracking, secret detectors,
//! log scanning and the rules SC3xx.
#![deny(missing_docs)]

pub mod rules;
