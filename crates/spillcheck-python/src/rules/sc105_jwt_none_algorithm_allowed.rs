//! `SC105` jwt-none-algorithm-allowed: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// `jwt.decode` with `none` in `algorithms`, with the algorithm list taken from the token's own header (`jwt.get_unverified_header(t)["alg"]`), or a hand-written verifier that skips verification when the header says `alg: none`.
    ///
    /// ## Why it matters
    /// An unsigned token (`alg: none`, empty signature) is accepted as valid, so anyone can forge any identity.
    ///
    /// ## Example
    /// ```python
    /// header = jwt.get_unverified_header(token)
    /// claims = jwt.decode(token, SECRET, algorithms=[header["alg"], "none"])
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    /// ```
    pub static SC105 = {
        id: "SC105",
        slug: "jwt-none-algorithm-allowed",
        title: "JWT `none` algorithm allowed",
        severity: Severity::Critical,
        confidence: Confidence::Likely,
        cwe: &[347, 327],
        owasp: &[OwaspApi::Api2],
        fix: "Pass an explicit allow-list of real algorithms (`algorithms=[\"HS256\"]`); never include `none` and never take the list from the token header.",
    }
}
