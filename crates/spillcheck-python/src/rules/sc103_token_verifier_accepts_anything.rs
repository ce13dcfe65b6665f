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
    /// ## Known false positives and how confidence is decided
    /// A verifier is a function with a token parameter (`token`, `access_token`, `jwt`…). It is
    /// reported only when it never reads that parameter and returns fixed claims naming a
    /// caller (`{"sub": "1", "role": "user"}`): a stub that accepts anything. Test code is not
    /// read.
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

use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::ast_util::str_value;
use crate::checker::Checker;

const TOKEN_PARAMS: &[&str] = &[
    "token",
    "jwt",
    "access_token",
    "bearer",
    "auth_token",
    "api_key",
    "apikey",
    "credentials",
    "token_string",
    "encoded",
    "encoded_token",
    "raw_token",
    "id_token",
    "bearer_token",
    "key",
];
const IDENTITY_KEYS: &[&str] = &[
    "sub", "user_id", "uid", "user", "username", "role", "roles", "scope", "scopes", "email", "id",
];

fn is_constant(expr: &Expr) -> bool {
    match expr {
        Expr::StringLiteral(_)
        | Expr::NumberLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NoneLiteral(_) => true,
        Expr::List(l) => l.elts.iter().all(is_constant),
        Expr::Tuple(t) => t.elts.iter().all(is_constant),
        _ => false,
    }
}

fn constant_claims(expr: &Expr) -> bool {
    let Expr::Dict(d) = expr else { return false };
    let mut identity = false;
    for item in &d.items {
        let Some(key) = item.key.as_ref().and_then(str_value) else {
            return false;
        };
        if IDENTITY_KEYS.contains(&key) {
            identity = true;
        }
        if !is_constant(&item.value) {
            return false;
        }
    }
    identity
}

/// `SC103`: a token verifier that never looks at its token and returns fixed claims.
pub(crate) fn check_function(cx: &mut Checker<'_>, func: &ast::StmtFunctionDef) {
    let fname = func.name.as_str().to_ascii_lowercase();
    let Some(param) = func
        .parameters
        .iter()
        .map(|p| p.name().to_string())
        .find(|p| {
            TOKEN_PARAMS.contains(&p.as_str())
                && (p != "key" || fname.contains("token") || fname.contains("auth"))
        })
    else {
        return;
    };
    let mut used = false;
    for s in &func.body {
        crate::facts::exprs_in(std::slice::from_ref(s), &mut |e| {
            if matches!(e, Expr::Name(n) if n.id.as_str() == param) {
                used = true;
            }
        });
    }
    if used {
        return;
    }
    let mut returns = Vec::new();
    for s in &func.body {
        if let Stmt::Return(r) = s
            && let Some(v) = &r.value
            && constant_claims(v)
        {
            returns.push(s);
        }
    }
    for r in returns {
        cx.report(&SC103, r, format!("`{}` ignores its `{param}` argument and returns fixed claims: any token is accepted", func.name));
    }
}

hooks! {
    on_function => check_function,
}
