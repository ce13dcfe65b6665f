//! `SC104` jwt-signature-not-verified: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// `jwt.decode(...)` called with `options={"verify_signature": False}` (PyJWT 2), `verify=False` (PyJWT 1) or equivalent in other libraries (`jose.jwt.get_unverified_claims`, `decode_complete` without a key), on a path whose result is used for authentication or authorization.
    ///
    /// ## Why it matters
    /// Anyone can write any claims, sign them with nothing, and be whoever they like. The unverified path is often a 'fast path' or a fallback that was meant for debugging.
    ///
    /// ## Example
    /// ```python
    /// try:
    ///     claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    /// except jwt.InvalidSignatureError:
    ///     claims = jwt.decode(token, options={"verify_signature": False})  # legacy clients
    /// ```
    ///
    /// ## Fix
    /// Treat every verification error as a 401:
    ///
    /// ```python
    /// try:
    ///     claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    /// except jwt.PyJWTError:
    ///     abort(401)
    /// ```
    pub static SC104 = {
        id: "SC104",
        slug: "jwt-signature-not-verified",
        title: "JWT decoded without verifying its signature",
        severity: Severity::Critical,
        confidence: Confidence::Likely,
        cwe: &[347],
        owasp: &[OwaspApi::Api2],
        fix: "Never pass `verify_signature: False` (or `verify=False`) when the claims decide access; decode with the key and an explicit algorithm list.",
    }
}
