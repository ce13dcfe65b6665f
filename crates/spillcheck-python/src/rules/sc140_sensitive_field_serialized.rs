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

use ruff_python_ast::Expr;
use spillcheck_core::Finding;

use crate::ast_util::{callee_last, dotted, str_value};
use crate::facts::{all_functions, exprs_in};
use crate::model::Model;
use crate::project::SourceFile;

const ALWAYS: &[&str] = &[
    "password",
    "password_hash",
    "passwd",
    "hashed_password",
    "pwd_hash",
    "pw_hash",
    "passwordhash",
    "secret",
    "client_secret",
    "api_key",
    "apikey",
    "otp_secret",
    "totp_secret",
    "mfa_secret",
    "reset_token",
    "private_key",
    "secret_key",
    "ssn",
    "card_number",
    "credit_card",
    "cvv",
    "password_digest",
];
const TOKENS: &[&str] = &[
    "token",
    "access_token",
    "refresh_token",
    "api_token",
    "auth_token",
    "session_token",
];

fn reads_record(value: &Expr) -> bool {
    match value {
        Expr::Subscript(s) => dotted(&s.value).is_none_or(|d| !d.contains("request")),
        Expr::Attribute(a) => {
            dotted(&a.value).is_none_or(|d| !d.contains("request") && d != "self")
        }
        Expr::Call(c) => {
            matches!(callee_last(c), Some("get"))
                && matches!(c.func.as_ref(), Expr::Attribute(a) if dotted(&a.value).is_none_or(|d| !d.contains("request")))
        }
        _ => false,
    }
}

fn sensitive(key: &str, value: &Expr) -> bool {
    let k = key.to_ascii_lowercase();
    (ALWAYS.contains(&k.as_str()) || TOKENS.contains(&k.as_str())) && reads_record(value)
}

fn serializer_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("to_dict")
        || n.contains("to_json")
        || n.starts_with("serialize")
        || n.ends_with("_json")
        || n.contains("as_dict")
        || n.ends_with("_dict")
        || n.starts_with("dump")
}

/// `SC140`: a dict (or `jsonify`/`dict` keywords) built in a response-producing function
/// that copies a sensitive field of a record.
pub(crate) fn check_files(model: &Model<'_>, files: &[SourceFile], findings: &mut Vec<Finding>) {
    for file in files {
        if file.is_test {
            continue;
        }
        let Some(module) = file.module() else {
            continue;
        };
        for (_q, func, _class) in all_functions(&module.body) {
            let name = func.name.as_str();
            if !(model.response_functions.contains(name) || serializer_name(name)) {
                continue;
            }
            let mut hits: Vec<(&Expr, String)> = Vec::new();
            exprs_in(&func.body, &mut |e| match e {
                Expr::Dict(d) => {
                    for item in &d.items {
                        if let Some(key) = item.key.as_ref().and_then(str_value)
                            && sensitive(key, &item.value)
                        {
                            hits.push((item.key.as_ref().expect("key"), key.to_owned()));
                        }
                    }
                }
                Expr::Call(c) if matches!(callee_last(c), Some("jsonify" | "dict")) => {
                    for k in &c.arguments.keywords {
                        if let Some(arg) = &k.arg
                            && sensitive(arg.as_str(), &k.value)
                        {
                            hits.push((&k.value, arg.to_string()));
                        }
                    }
                }
                _ => {}
            });
            for (node, key) in hits {
                findings.push(
                    Finding::new(
                        &SC140,
                        format!("`{key}` is copied into a response by `{name}`"),
                    )
                    .at(file.at(node)),
                );
            }
        }
    }
}
