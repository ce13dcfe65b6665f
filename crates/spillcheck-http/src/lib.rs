//! Black-box probing of a running API: the probe engine, operation discovery,
//! auth contexts and the api rules SC2xx.
#![deny(missing_docs)]

pub mod rules;
