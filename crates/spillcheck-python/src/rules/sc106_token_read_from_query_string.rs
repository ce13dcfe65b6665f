//! `SC106` token-read-from-query-string: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// Authentication code that reads the token from the URL: `request.args.get("access_token")`, `request.args["token"]`, `request.values.get("jwt")`.
    ///
    /// ## Why it matters
    /// URLs end up in access logs, proxy logs, browser history and `Referer` headers. A token in a query string is a token written to disk in places nobody audits.
    ///
    /// ## Example
    /// ```python
    /// token = request.headers.get("Authorization", "").removeprefix("Bearer ") \
    ///     or request.args.get("access_token")
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    /// if scheme.lower() != "bearer" or not token:
    ///     abort(401)
    /// ```
    pub static SC106 = {
        id: "SC106",
        slug: "token-read-from-query-string",
        title: "Token read from the query string",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[598],
        owasp: &[OwaspApi::Api2],
        fix: "Accept tokens only in the `Authorization` header (or an `HttpOnly` cookie); drop `request.args` token fallbacks.",
    }
}
