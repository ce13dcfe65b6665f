//! `SC105` jwt-none-algorithm-allowed: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// `jwt.decode` with `none` in `algorithms`, with the algorithm list taken from the token's own header (`jwt.get_unverified_header(t)["alg"]`), or a hand-written verifier that skips verification when the header says `alg: none`.
    ///
    /// ## Why it matters
    /// An unsigned token (`alg: none`, empty signature) is accepted as valid, so anyone can forge any identity.
    ///
    /// ## Example
    /// ```python
    /// header = jwt.get_unverified_header(token)
    /// claims = jwt.decode(token, SECRET, algorithms=[header["alg"], "none"])
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// The `algorithms` list is read through module constants (`algorithms=ALGORITHMS`); a list
    /// taken from the token's own header counts as allowing anything. An `if alg == "none"`
    /// branch that rejects, or that only signs, is not reported.
    ///
    /// ## Fix
    /// ```python
    /// claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    /// ```
    pub static SC105 = {
        id: "SC105",
        slug: "jwt-none-algorithm-allowed",
        title: "JWT `none` algorithm allowed",
        severity: Severity::Critical,
        confidence: Confidence::Likely,
        cwe: &[347, 327],
        owasp: &[OwaspApi::Api2],
        fix: "Pass an explicit allow-list of real algorithms (`algorithms=[\"HS256\"]`); never include `none` and never take the list from the token header.",
    }
}

use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::ast_util::{any_expr, callee_last, kwarg, str_value};
use crate::checker::Checker;

fn mentions_alg(expr: &Expr) -> bool {
    any_expr(expr, &mut |e| match e {
        Expr::StringLiteral(s) => s.value.to_str().eq_ignore_ascii_case("alg"),
        Expr::Name(n) => n.id.as_str().to_ascii_lowercase().contains("alg"),
        Expr::Attribute(a) => a.attr.as_str().to_ascii_lowercase().contains("alg"),
        Expr::Call(c) => callee_last(c).is_some_and(|n| n == "get_unverified_header"),
        _ => false,
    })
}

/// `SC105` on `jwt.decode(..., algorithms=[...])`: `none` in the list, or the list taken
/// from the token's own header.
pub(crate) fn check_call(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    if !cx.enabled(&SC105)
        || cx.file.is_test
        || !cx
            .qualified(call)
            .is_some_and(|n| super::sc104_jwt_signature_not_verified::is_jwt_decode_name(&n))
    {
        return;
    }
    let Some(written) = kwarg(call, "algorithms") else {
        return;
    };
    // `algorithms=ALGORITHMS`: the module's constant.
    let algs = match written {
        Expr::Name(n) => cx.constants.get(n.id.as_str()).copied().unwrap_or(written),
        other => other,
    };
    let has_none = any_expr(algs, &mut |e| {
        str_value(e).is_some_and(|s| s.eq_ignore_ascii_case("none"))
    });
    let from_header = any_expr(
        algs,
        &mut |e| matches!(e, Expr::Call(c) if callee_last(c) == Some("get_unverified_header")),
    ) || any_expr(
        algs,
        &mut |e| matches!(e, Expr::Subscript(s) if str_value(&s.slice) == Some("alg")),
    );
    if has_none {
        cx.report(
            &SC105,
            written,
            "`none` is in the accepted JWT algorithms: unsigned tokens pass",
        );
    } else if from_header {
        cx.report(
            &SC105,
            written,
            "the accepted JWT algorithm is taken from the token's own header",
        );
    }
}

fn rejects(body: &[Stmt]) -> bool {
    body.first().is_some_and(|s| match s {
        Stmt::Raise(_) => true,
        Stmt::Expr(e) => {
            matches!(e.value.as_ref(), Expr::Call(c) if callee_last(c) == Some("abort"))
        }
        Stmt::Return(r) => r.value.as_ref().is_none_or(|v| {
            matches!(
                v.as_ref(),
                Expr::NoneLiteral(_) | Expr::Tuple(_) | Expr::BooleanLiteral(_)
            )
        }),
        _ => false,
    })
}

/// `SC105` on `if header["alg"] == "none": <accept>`: a branch that accepts unsigned tokens.
pub(crate) fn check_if(cx: &mut Checker<'_>, stmt: &ast::StmtIf) {
    if !cx.enabled(&SC105) || cx.file.is_test {
        return;
    }
    let Expr::Compare(cmp) = stmt.test.as_ref() else {
        return;
    };
    let sides: Vec<&Expr> = std::iter::once(cmp.left.as_ref())
        .chain(cmp.comparators.iter())
        .collect();
    let none_literal = sides
        .iter()
        .any(|e| str_value(e).is_some_and(|s| s.eq_ignore_ascii_case("none")));
    let about_alg = sides
        .iter()
        .any(|e| str_value(e).is_none() && mentions_alg(e));
    let eq = cmp
        .ops
        .iter()
        .all(|op| matches!(op, ast::CmpOp::Eq | ast::CmpOp::In));
    let accepts = stmt.body.iter().any(|s| matches!(s, Stmt::Return(_)))
        || crate::facts::calls_in(&stmt.body).iter().any(|c| {
            callee_last(c).is_some_and(|n| {
                n.contains("decode")
                    || n.contains("verify")
                    || n.contains("loads")
                    || n.contains("claims")
            })
        });
    if none_literal && about_alg && eq && accepts && !rejects(&stmt.body) {
        cx.report(
            &SC105,
            stmt.test.as_ref(),
            "tokens whose header says `alg: none` are accepted on this branch",
        );
    }
}
