//! `SC301` jwt-weak-hmac-secret: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the token and secret scanners (`spillcheck jwt`, `spillcheck logs`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// The HMAC secret of an HS256/HS384/HS512 token was found by trying common and default secrets (and `--wordlist`). The same for a Flask session cookie or another `itsdangerous` token (a `--user` login that answers only a session cookie, a token minted with `URLSafeTimedSerializer`): the app's `SECRET_KEY`, tried the way Flask derives its session key (salt `cookie-session`) and the way `itsdangerous` does by default. The secret is shown redacted.
    ///
    /// ## Why it matters
    /// With the secret, anyone can mint tokens (or sign Flask sessions) for any user, including administrators.
    ///
    /// ## Example
    /// ```text
    /// token alg=HS256 secret found: no…#1c2d3e (built-in list)
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Confirmed: a secret is reported only when it verifies the token's HMAC signature, found among the built-in common secrets with simple manglings, the bundled published list of JWT secrets, the `--wordlist` of `spillcheck jwt`, or, in `spillcheck scan` and `spillcheck api --source`, the signing keys and credentials hard-coded in the project's code (SC130, SC131 literals: a key no list holds, such as `jwt_secret = 'bankbank'`, still signs the tokens). Tokens not signed with HS256, HS384 or HS512 are not tried, and a secret outside those lists is not found. In `spillcheck api`, the token checked is user A's when it was given or logged in with (not a self-registered account's), and the probe's own proof (a token minted with the secret for another user, answered as that user by a `/me`-like operation) is a finding on that route that replaces the offline one. A hard-coded key in the code (SC130) joins the finding only when it is the same string. The signature cannot be wrong, but the token may come from a development deployment whose key differs from production's: check which environment issued it.
    ///
    /// ## Fix
    /// `secrets.token_urlsafe(48)` stored outside the code; invalidate all tokens signed with the old secret.
    pub static SC301 = {
        id: "SC301",
        slug: "jwt-weak-hmac-secret",
        title: "Token signed with a weak HMAC secret",
        severity: Severity::Critical,
        confidence: Confidence::Confirmed,
        cwe: &[521, 798],
        owasp: &[OwaspApi::Api2],
        fix: "Sign tokens with a random secret of at least 32 bytes from a secret manager, and rotate the cracked one now.",
        confirms: &["SC130"],
    }
}
