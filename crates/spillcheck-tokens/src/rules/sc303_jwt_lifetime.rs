//! `SC303` jwt-lifetime: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the token and secret scanners (`spillcheck jwt`, `spillcheck logs`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A token has no `exp` claim (or, for an `itsdangerous` token, no timestamp), or its lifetime (`exp - iat`) exceeds the policy (default one hour for access tokens). Also reported: a missing `aud`/`iss` where the API's other tokens have them, and `kid`/`jku`/`x5u` header values that invite injection.
    ///
    /// ## Why it matters
    /// A long-lived token is a long-lived breach when it leaks.
    ///
    /// ## Example
    /// ```json
    /// {"sub": "2", "iat": 1700000000, "exp": 1731536000}
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed: the claims and header are read, not guessed. A token without `exp` whose claims are only an opaque random handle (`{"token": "f3Kq…"}`: no subject, no times) is a signed reference to a server-side session or token row, which may hold the lifetime: it is reported at `possible`, asking to check that the server expires the handle. Reported: no `exp`; a lifetime `exp - iat` over the policy (`--max-lifetime`, one hour by default) or, without `iat`, an `exp` further away than that; `alg: none`; any `jku` or `x5u` header; a `kid` holding `..`, `/`, `'`, `;` or `|`; and, in `spillcheck api`, a token without the `aud` or `iss` that another of the run's tokens carries. The policy applies to every token audited, refresh and session tokens included, so raise `--max-lifetime` when the token given is not an access token. A second JWT that a `--user` login answers beside the access token (a refresh token) is audited for a missing `exp` only: a refresh token outlives an access token by design. A `jku` pointing at the issuer's own key set, or a path-like `kid` (`keys/2024`) the server only looks up in a fixed table, is reported too: the message asks to check how the server uses it. Tokens that are not JWTs are not audited, except the signed payloads of Python's `itsdangerous` (Flask's sessions, reset links, the API tokens of apps that mint them with `URLSafeSerializer`): their shape shows whether they carry the time they were signed, and one without a timestamp is reported as never expiring (a `Timed` one is not: its verifier may bound its age).
    ///
    /// ## Fix
    /// Issue short-lived access tokens.
    pub static SC303 = {
        id: "SC303",
        slug: "jwt-lifetime",
        title: "JWT without expiry or with a long lifetime",
        severity: Severity::Low,
        confidence: Confidence::Confirmed,
        cwe: &[613],
        owasp: &[OwaspApi::Api2],
        fix: "Give access tokens an `exp` no more than an hour after `iat`, and use refresh tokens for long sessions.",
        confirms: &["SC107"],
    }
}
