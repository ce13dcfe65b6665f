//! `SC103` token-verifier-accepts-anything: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A function used to authenticate requests (a decorator, a `before_request` hook, a Connexion `x-bearerInfoFunc`) that returns claims without checking its token argument: it ignores the argument, returns fixed claims (`return {"sub": "user-123"}`), or returns on a path where verification failed or was skipped.
    ///
    /// ## Why it matters
    /// Every request is treated as authenticated. Placeholder verifiers from tutorials and scaffolds reach production more often than anyone admits.
    ///
    /// ## Example
    /// ```python
    /// def decode_token(token):
    ///     # TODO: real verification
    ///     return {"sub": "user-123", "scope": ["notes:read"]}
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// def decode_token(token):
    ///     try:
    ///         return jwt.decode(token, current_app.config["JWT_SECRET"], algorithms=["HS256"],
    ///                           options={"require": ["exp", "sub"]})
    ///     except jwt.PyJWTError as exc:
    ///         raise Unauthorized() from exc
    /// ```
    pub static SC103 = {
        id: "SC103",
        slug: "token-verifier-accepts-anything",
        title: "Token verifier accepts any token",
        severity: Severity::Critical,
        confidence: Confidence::Likely,
        cwe: &[287],
        owasp: &[OwaspApi::Api2],
        fix: "Verify the token's signature, expiry and audience in the verifier and return claims only from the verified token; reject everything else with 401.",
    }
}
