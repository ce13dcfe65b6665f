//! `SC150` plaintext-secret-storage: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A password, API token or refresh token written to the database or a file as it was received or generated: `INSERT ... (password) VALUES (?)` with the raw password, `user.api_token = token` on a model column, a token table keyed by the raw token.
    ///
    /// ## Why it matters
    /// Anyone who reads the database (a backup, an SQL injection, a curious admin) holds every user's credentials (CWE-312, CWE-256).
    ///
    /// ## Example
    /// ```python
    /// db.execute("INSERT INTO api_tokens (user_id, token) VALUES (?, ?)", (uid, token))
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// digest = hashlib.sha256(token.encode()).hexdigest()
    /// db.execute("INSERT INTO api_tokens (user_id, token_sha256) VALUES (?, ?)", (uid, digest))
    /// ```
    pub static SC150 = {
        id: "SC150",
        slug: "plaintext-secret-storage",
        title: "Secret stored in plaintext",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[312, 256],
        owasp: &[OwaspApi::Api8],
        fix: "Store a hash of passwords (argon2, bcrypt, scrypt) and of API tokens (SHA-256 of a random token), never the value.",
    }
}
