//! Static analysis of Flask applications: the app model (routes, blueprints,
//! authentication, identity) and the code rules SC1xx.
#![deny(missing_docs)]

pub mod rules;
