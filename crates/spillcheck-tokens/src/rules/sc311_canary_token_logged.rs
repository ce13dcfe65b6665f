//! `SC311` canary-token-logged: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the token and secret scanners (`spillcheck jwt`, `spillcheck logs`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// During the probe spillcheck sent a unique, harmless canary JWT in the `Authorization` header (and, where tested, the query string); afterwards it found that exact canary in the application's log files. That proves the application logs tokens it receives.
    ///
    /// ## Why it matters
    /// It turns a suspicion from code review into proof: real users' tokens are in those logs too.
    ///
    /// ## Example
    /// ```text
    /// app.log:120: Authorization: Bearer eyJhbG… (spillcheck canary)
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed: the canary is a JWT made for this run (`iss` and `kid` `spillcheck-canary`, a unique `jti`, signed with a random key), so that exact string in the logs given with `--logs` can only be what the probe sent; no real user's token is involved. It is sent only by `spillcheck api` and `scan` with `--logs`, where the token goes (the `Authorization` header by default, else as `--auth-header` or `--auth-cookie` say) and as `?access_token=`, on `/` and up to two protected operations; when it is not found, a warning says so and nothing is reported. One finding, at the first place the canary occurs. A canary found only in a request line with `?access_token=` shows that URLs are logged (by the app or by a proxy in front of it) rather than headers: the line at the finding's location tells which.
    ///
    /// ## Fix
    /// Remove header logging and purge the logs.
    pub static SC311 = {
        id: "SC311",
        slug: "canary-token-logged",
        title: "Canary token found in the application's logs",
        severity: Severity::High,
        confidence: Confidence::Confirmed,
        cwe: &[532],
        owasp: &[OwaspApi::Api8],
        fix: "Stop logging request headers and tokens; add a redacting filter (see SC110).",
        confirms: &["SC110"],
    }
}
