//! Black-box probing of a running API: the probe engine, operation discovery,
//! auth contexts and the api rules SC2xx.
#![deny(missing_docs)]

pub mod auth;
pub mod authz;
mod crawl;
pub mod discovery;
pub mod engine;
mod headers;
mod impersonation;
pub mod inspect;
pub mod inventory;
pub mod jwks;
pub mod login;
pub mod probe;
mod realms;
pub mod rules;
pub mod writes;
