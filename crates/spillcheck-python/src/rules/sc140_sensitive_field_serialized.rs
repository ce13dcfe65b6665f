//! `SC140` sensitive-field-serialized: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A response built from a record that includes a sensitive field: a dict, schema or `to_dict()` with `password`, `password_hash`, `token`, `api_key`, `secret`, `otp_secret`, `reset_token` passed to `jsonify` or returned from a route.
    ///
    /// ## Why it matters
    /// A password hash in a response is an offline cracking target; a token or API key in a response is a stolen session (CWE-213, CWE-200).
    ///
    /// ## Example
    /// ```python
    /// def user_json(u):
    ///     return {"id": u.id, "email": u.email, "password_hash": u.password_hash}
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// def user_json(u):
    ///     return {"id": u.id, "display_name": u.display_name}
    /// ```
    pub static SC140 = {
        id: "SC140",
        slug: "sensitive-field-serialized",
        title: "Sensitive field serialized into a response",
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: &[213, 200],
        owasp: &[OwaspApi::Api3],
        fix: "Serialize with an explicit allow-list of public fields; never return password hashes, tokens or secrets.",
    }
}
