//! `SC108` secret-in-token-payload: the rule's metadata, documentation and check.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A JWT whose payload carries a password, a secret, a key or private personal data
    /// (phone, address, birth date, card number): `jwt.encode({"sub": u.id, "password":
    /// u.password}, key)`. It is the static twin of `SC302`, which reads live tokens.
    ///
    /// ## Why it matters
    /// A JWT is signed, not encrypted: anyone holding it (the browser, a proxy log, a
    /// `Referer`) reads its payload with a base64 decoder (CWE-312, CWE-359).
    ///
    /// ## Example
    /// ```python
    /// jwt.encode({"sub": user.id, "email": user.email, "api_key": user.api_key}, SECRET)
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Claim names are judged by the shared vocabulary of sensitive fields; an e-mail address
    /// alone is not reported here (many tokens carry it as the subject), though `SC302`
    /// notes it on a live token.
    ///
    /// ## Fix
    /// Put an opaque id in the token and look the rest up on the server:
    /// ```python
    /// jwt.encode({"sub": str(user.id), "exp": ...}, SECRET, algorithm="HS256")
    /// ```
    pub static SC108 = {
        id: "SC108",
        slug: "secret-in-token-payload",
        title: "Secret or private data in a token payload",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[312, 359],
        owasp: &[OwaspApi::Api3],
        fix: "Keep only an opaque subject id and the claims needed for authorization in the token; never passwords, keys or private personal data.",
    }
}

use ruff_python_ast as ast;

use crate::ast_util::str_value;
use crate::checker::Checker;

/// `SC108`: `jwt.encode(payload, ...)` whose payload names a secret or private field.
pub(crate) fn check_call<'a>(cx: &mut Checker<'a>, call: &'a ast::ExprCall) {
    let Some(name) = cx.qualified(call) else {
        return;
    };
    let lower = name.to_ascii_lowercase();
    if !(lower.contains("jwt") && lower.ends_with(".encode")) {
        return;
    }
    let Some(payload) = call.arguments.find_argument_value("payload", 0) else {
        return;
    };
    let Some((dict, _)) = crate::recognizers::payload_dict(cx, payload)
    else {
        return;
    };
    let sensitive: Vec<&str> = dict
        .items
        .iter()
        .filter_map(|i| i.key.as_ref().and_then(str_value))
        .filter(|k| {
            spillcheck_core::vocab::is_secret_field(k)
                || spillcheck_core::vocab::is_private_field(k)
        })
        .collect();
    if !sensitive.is_empty() {
        cx.report(
            &SC108,
            call,
            format!(
                "the token's readable payload carries `{}`",
                sensitive.join("`, `")
            ),
        );
    }
}

hooks! {
    on_call => check_call,
}
