//! `SC111` sensitive-value-logged: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A logging call whose arguments include a password, secret or token variable (`password`, `new_password`, `api_key`, `secret`), a request body that contains them (`request.json`, `request.form`, `request.get_data()`), or personal data (email, phone) of users.
    ///
    /// ## Why it matters
    /// Logs outlive the data they copy and escape its access controls; a password in a log is a password disclosed to every reader of the log (CWE-532, CWE-359).
    ///
    /// ## Example
    /// ```python
    /// app.logger.warning("failed login for %s with password %s", email, password)
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// app.logger.warning("failed login for user_id=%s", user_id)
    /// ```
    pub static SC111 = {
        id: "SC111",
        slug: "sensitive-value-logged",
        title: "Password or personal data written to logs",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[532, 359],
        owasp: &[OwaspApi::Api8],
        fix: "Log identifiers, not secrets or personal data: drop passwords entirely and log a user id instead of an email or phone number.",
    }
}
