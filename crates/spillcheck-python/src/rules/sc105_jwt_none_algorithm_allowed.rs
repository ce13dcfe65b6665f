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
    /// `none` in the allow-list of a decode that checks a signature is reported as the
    /// misconfiguration it is, though PyJWT and python-jose still refuse an unsigned token
    /// there (their `none` verifies nothing; the finding says so, and `spillcheck scan`
    /// tries one, SC203). With no signature checked at all, SC104 reports the decode and this
    /// rule says nothing.
    /// The `algorithms` list is read through module constants (`algorithms=ALGORITHMS`); a list
    /// taken from the token's own header counts as allowing anything, unless the decode checks
    /// no signature at all (SC104 reports that) or the key is a public-key object from a key
    /// set (`jwks[header["kid"]]`, `from_jwk`, `get_signing_key_from_jwt(t).key`): such a key
    /// fixes the algorithm family, and PyJWT refuses `none` and HMAC with it. An
    /// `if alg == "none"` branch that rejects, or that only signs, is not reported.
    ///
    /// ## Fix
    /// ```python
    /// claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    /// ```
    ///
    /// `spillcheck code --fix` removes `none` from the list (or the constant it names), replaces a header-derived list with the one the app signs with, and deletes an accepting `alg == "none"` branch (safe; unsafe when the algorithm is a guess). See `docs/fixes.md`.
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
    if !cx
            .qualified(call)
            .is_some_and(|n| crate::recognizers::is_jwt_decode_name(&n))
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
    if has_none && !crate::recognizers::decode_unverified(call, cx) {
        // PyJWT's and python-jose's `none` verifies nothing: with a signature checked, an
        // unsigned token fails today whatever the list says. The allow-list still says the
        // code accepts them, and a library or version that honours it would.
        let fix = without_none(cx, call, written);
        let finding = cx.report(
            &SC105,
            written,
            "`none` is in the accepted JWT algorithms: the code allows unsigned tokens",
        );
        finding.autofix = fix;
        finding.notes.push(
            "PyJWT and python-jose still refuse an unsigned token when they check a signature (their `none` verifies nothing); `spillcheck scan` sends one to see what the running API does (SC203)".to_owned(),
        );
    } else if from_header
        // With no signature checked the list decides nothing (SC104's case); with a key
        // object from a key set, the key fixes the algorithm family.
        && !crate::recognizers::decode_unverified(call, cx)
        && !kwarg(call, "key")
            .or_else(|| call.arguments.args.get(1))
            .is_some_and(|k| crate::recognizers::is_key_object(k, cx))
    {
        let fix = fixed_list(cx, call).and_then(|(list, applicability)| {
            cx.file.fix(
                applicability,
                "accept only the algorithm the app signs with, not the one the token names",
                vec![cx.file.edit(ruff_text_size::Ranged::range(written), list)],
            )
        });
        cx.report(
            &SC105,
            written,
            "the accepted JWT algorithm is taken from the token's own header",
        )
        .autofix = fix;
    }
}

/// Whether an element of an algorithm list is acceptable: a literal that is not `none`.
fn real_algorithm(e: &Expr) -> bool {
    str_value(e).is_some_and(|s| !s.eq_ignore_ascii_case("none"))
}

/// The fix for `algorithms=[..., "none"]`: the `none` entries removed when real ones
/// remain, else the list the app signs with.
fn without_none(
    cx: &Checker<'_>,
    call: &ast::ExprCall,
    written: &Expr,
) -> Option<spillcheck_core::Fix> {
    use ruff_text_size::Ranged;
    // `algorithms=ALGORITHMS`: the module's constant is fixed where it is defined.
    let written = match written {
        Expr::Name(n) => cx.constants.get(n.id.as_str()).copied()?,
        other => other,
    };
    let elts: &[Expr] = match written {
        Expr::List(l) => &l.elts,
        Expr::Tuple(t) => &t.elts,
        _ => return None,
    };
    let file = cx.file;
    // `[header["alg"], "none"]`: anything not a literal is replaced with the whole list.
    if elts.iter().all(|e| str_value(e).is_some()) && elts.iter().any(real_algorithm) {
        let mut ranges: Vec<ruff_text_size::TextRange> = elts.iter().map(Ranged::range).collect();
        let mut edits = Vec::new();
        // Remove from the end so each removal's neighbours are still in place.
        for i in (0..elts.len()).rev() {
            if str_value(&elts[i]).is_some_and(|s| s.eq_ignore_ascii_case("none")) {
                edits.push(file.edit(crate::fixes::remove_item(&ranges, i)?, ""));
                ranges.remove(i);
            }
        }
        return file.fix(
            spillcheck_core::Applicability::Safe,
            "remove `none` from the accepted algorithms",
            edits,
        );
    }
    let (list, applicability) = fixed_list(cx, call)?;
    file.fix(
        applicability,
        "accept only the algorithm the app signs with",
        vec![file.edit(written.range(), list)],
    )
}

/// The algorithm list the app signs with: its `jwt.encode(..., algorithm=X)` in this file
/// (safe), else a guess from the key's name (unsafe).
fn fixed_list(
    cx: &Checker<'_>,
    call: &ast::ExprCall,
) -> Option<(String, spillcheck_core::Applicability)> {
    use crate::recognizers::{guessed_algorithms, signing_algorithms};
    let file = cx.file;
    let calls = crate::facts::calls_in(&file.module()?.body);
    if let Some(list) = signing_algorithms(cx, &calls, &|a, _| file.portable(a)) {
        return Some((list, spillcheck_core::Applicability::Safe));
    }
    let key = call.arguments.find_argument_value("key", 1)?;
    Some((
        guessed_algorithms(cx, key),
        spillcheck_core::Applicability::Unsafe,
    ))
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
    let Expr::Compare(cmp) = stmt.test.as_ref() else {
        return;
    };
    let sides: Vec<&Expr> = crate::ast_util::operands(cmp).collect();
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
        // The fix: the branch goes; such tokens then meet the verified path (and fail).
        let fix = if stmt.elif_else_clauses.is_empty() {
            let whole = Stmt::If(stmt.clone());
            crate::fixes::delete_statement(cx.file, &whole).and_then(|edit| {
                cx.file.fix(
                    spillcheck_core::Applicability::Safe,
                    "remove the branch that accepts unsigned tokens",
                    vec![edit],
                )
            })
        } else {
            None
        };
        cx.report(
            &SC105,
            stmt.test.as_ref(),
            "tokens whose header says `alg: none` are accepted on this branch",
        )
        .autofix = fix;
    }
}

hooks! {
    on_call => check_call,
    on_if => check_if,
}
