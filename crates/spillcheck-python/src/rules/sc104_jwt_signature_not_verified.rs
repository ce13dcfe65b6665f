//! `SC104` jwt-signature-not-verified: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// `jwt.decode(...)` called with `options={"verify_signature": False}` (PyJWT 2), `verify=False` (PyJWT 1) or equivalent in other libraries (`jose.jwt.get_unverified_claims`, `decode_complete` without a key), on a path whose result is used for authentication or authorization.
    ///
    /// ## Why it matters
    /// Anyone can write any claims, sign them with nothing, and be whoever they like. The unverified path is often a 'fast path' or a fallback that was meant for debugging.
    ///
    /// ## Example
    /// ```python
    /// try:
    ///     claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    /// except jwt.InvalidSignatureError:
    ///     claims = jwt.decode(token, options={"verify_signature": False})  # legacy clients
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// An unverified decode that only peeks (its result stored under a name like
    /// `unverified_header`, or used to pick the key before a verified decode of the same token)
    /// is not reported. One whose result is returned or trusted — including the classic fallback
    /// that decodes again without verification after `InvalidSignatureError` — is. Imports are
    /// resolved: `from jwt import decode` is `jwt.decode`. An OpenID Connect ID token
    /// (`id_token`, `resp["id_token"]`) decoded in a function that reads nothing of the
    /// request came from the provider's token endpoint over TLS, where OpenID Connect allows
    /// skipping the signature check: `possible`. A decode read only for its `exp`, `iat` or
    /// `nbf` (`jwt.decode(t, options={"verify_signature": False})["exp"]`: a client deciding
    /// when to refresh its own token) trusts nothing the token says and is not reported.
    ///
    /// ## Fix
    /// Treat every verification error as a 401:
    ///
    /// ```python
    /// try:
    ///     claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    /// except jwt.PyJWTError:
    ///     abort(401)
    /// ```
    ///
    /// `spillcheck code --fix` makes this change where the file already shows the key and the algorithms (from a verified decode, or the `algorithm` its `jwt.encode` signs with); with only a guess of the algorithm, or a key borrowed from a file that verifies with several keys or from a refresh token's decode, the fix is unsafe (`--unsafe-fixes`). See `docs/fixes.md`.
    pub static SC104 = {
        id: "SC104",
        slug: "jwt-signature-not-verified",
        title: "JWT decoded without verifying its signature",
        severity: Severity::Critical,
        confidence: Confidence::Likely,
        cwe: &[347],
        owasp: &[OwaspApi::Api2],
        fix: "Never pass `verify_signature: False` (or `verify=False`) when the claims decide access; decode with the key and an explicit algorithm list.",
    }
}

use ruff_python_ast::{self as ast, Expr};

use crate::ast_util::{bool_value, kwarg, str_value};
use crate::recognizers::{
    disables_signature, guessed_algorithms, is_jwt_decode_name, signing_algorithms,
};
use crate::checker::Checker;


/// An unverified decode whose result is only stored (to pick a key or issuer) in a
/// function that also decodes with verification is a peek, not an acceptance.
fn peeks_before_verifying(cx: &Checker<'_>, call: &ast::ExprCall) -> bool {
    let Some(func) = cx.functions.last() else {
        return false;
    };
    let mut returned = false;
    let mut verified = false;
    let target = ruff_text_size::Ranged::range(call);
    // `unverified_claims = jwt.decode(...)`: the code says itself it only peeks.
    let mut named_peek = false;
    let mut bound: Vec<&str> = Vec::new();
    for stmt in crate::facts::assigns_in(&func.body) {
        if ruff_text_size::Ranged::range(stmt.value.as_ref()) == target {
            let names: Vec<&str> = stmt
                .targets
                .iter()
                .flat_map(crate::ast_util::target_names)
                .collect();
            named_peek |= names.iter().any(|n| {
                let n = n.to_ascii_lowercase();
                n.contains("unverified") || n.contains("header") || n == "kid"
            });
            bound.extend(names);
        }
    }
    if named_peek {
        return true;
    }
    // Returned, directly or through the name it is bound to (`payload = jwt.decode(...)`
    // then `return payload`, the classic fallback after a failed verification).
    crate::facts::returns_in(&func.body, &mut |r: &ast::StmtReturn| {
        if r.value.as_deref().is_some_and(|v| {
            ruff_text_size::Ranged::range(v).contains_range(target)
                || matches!(v, Expr::Name(n) if bound.contains(&n.id.as_str()))
        }) {
            returned = true;
        }
    });
    for c in crate::facts::calls_in(&func.body) {
        if std::ptr::eq(c, call) || !cx.qualified(c).is_some_and(|n| is_jwt_decode_name(&n)) {
            continue;
        }
        let disabled = kwarg(c, "options").is_some_and(|o| disables_signature(o, cx))
            || kwarg(c, "verify").and_then(bool_value) == Some(false);
        if !disabled && c.arguments.find_argument_value("key", 1).is_some() {
            verified = true;
        }
    }
    !returned && verified
}

/// `jwt.decode(token, options={"verify_signature": False})["exp"]`: a client reading when
/// its own token expires (to refresh it in time) trusts nothing the token says. The same
/// when the result is kept in a local read only for its times (`payload = jwt.decode(…)`
/// … `payload["exp"]`, `content.get("exp", 0)`).
fn reads_only_its_times(cx: &Checker<'_>, call: &ast::ExprCall) -> bool {
    let Some(func) = cx.functions.last() else {
        return false;
    };
    let is_time = |e: &Expr| str_value(e).is_some_and(|k| matches!(k, "exp" | "iat" | "nbf"));
    // A server checking a client's token by its `exp` alone trusts what the client wrote.
    let target = ruff_text_size::Ranged::range(call);
    let mut kept = None;
    for stmt in &func.body {
        crate::ast_util::each_stmt(stmt, &mut |s| {
            if let ast::Stmt::Assign(a) = s
                && ruff_text_size::Ranged::range(a.value.as_ref()) == target
                && let [Expr::Name(n)] = a.targets.as_slice()
            {
                kept = Some(n.id.as_str());
            }
        });
    }
    let is_kept = |e: &Expr| matches!(e, Expr::Name(n) if Some(n.id.as_str()) == kept);
    let (mut reads_request, mut only_times) = (false, false);
    let (mut uses, mut time_reads) = (0, 0);
    crate::facts::exprs_in(&func.body, &mut |e| match e {
        Expr::Name(n) if n.id.as_str() == "request" => reads_request = true,
        Expr::Name(n) if Some(n.id.as_str()) == kept && n.ctx.is_load() => uses += 1,
        Expr::Subscript(sub)
            if ruff_text_size::Ranged::range(sub.value.as_ref()) == target
                && is_time(&sub.slice) =>
        {
            only_times = true;
        }
        Expr::Subscript(sub) if is_kept(&sub.value) && is_time(&sub.slice) => time_reads += 1,
        Expr::Call(c)
            if crate::ast_util::callee_last(c) == Some("get")
                && matches!(c.func.as_ref(), Expr::Attribute(a) if is_kept(&a.value))
                && c.arguments.args.first().is_some_and(is_time) =>
        {
            time_reads += 1;
        }
        _ => {}
    });
    (only_times || (kept.is_some() && uses > 0 && uses == time_reads)) && !reads_request
}

/// `SC104`: `jwt.decode(..., options={"verify_signature": False})`, `verify=False`,
/// `get_unverified_claims`.
pub(crate) fn check_call(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    let name = cx.qualified(call).unwrap_or_default();
    let last = name.rsplit('.').next().unwrap_or(&name);
    if !matches!(last, "decode" | "decode_complete" | "get_unverified_claims") {
        return;
    }
    if name.ends_with("get_unverified_claims") {
        cx.report(
            &SC104,
            call,
            format!("`{name}` reads claims without checking the signature"),
        );
        return;
    }
    if !is_jwt_decode_name(&name) {
        return;
    }
    let off = kwarg(call, "options").is_some_and(|o| disables_signature(o, cx));
    if (off || kwarg(call, "verify").and_then(bool_value) == Some(false))
        && peeks_before_verifying(cx, call)
    {
        return;
    }
    let verify_false = kwarg(call, "verify").and_then(bool_value) == Some(false);
    if (off || verify_false) && reads_only_its_times(cx, call) {
        return;
    }
    if off || verify_false {
        let how = if off {
            "options={\"verify_signature\": False}"
        } else {
            "verify=False"
        };
        let fix = verify_fix(cx, call);
        let from_provider = provider_id_token(cx, call);
        let finding = cx.report(
            &SC104,
            call,
            format!("`{name}` with `{how}` accepts tokens whose signature was never checked"),
        );
        finding.autofix = fix;
        if from_provider {
            finding.lower_to_possible("an OpenID Connect ID token the app received from the provider's token endpoint (the code flow, over TLS) may be read without checking its signature (OpenID Connect Core 3.1.3.7); one a client sends is another matter");
        }
    }
}

/// The decoded token is an OpenID Connect ID token (`id_token`, `resp["id_token"]`,
/// `token.get("id_token")`) and the function reads nothing of the request: the app got
/// it from the identity provider's token endpoint, not from a client.
fn provider_id_token(cx: &Checker<'_>, call: &ast::ExprCall) -> bool {
    let Some(token) = call.arguments.args.first() else {
        return false;
    };
    let names_id_token = match token {
        Expr::Name(n) => n.id.as_str() == "id_token",
        Expr::Subscript(s) => crate::ast_util::str_value(&s.slice) == Some("id_token"),
        Expr::Call(c) => {
            crate::ast_util::callee_last(c) == Some("get")
                && c.arguments.args.first().and_then(crate::ast_util::str_value)
                    == Some("id_token")
        }
        _ => false,
    };
    names_id_token
        && cx.functions.last().is_some_and(|f| {
            let mut reads_request = false;
            crate::facts::exprs_in(&f.body, &mut |e| {
                reads_request |= crate::recognizers::is_request_object(e);
            });
            !reads_request
        })
}

/// Whether a JWT decode verifies: it has a key, does not switch verification off, and its
/// algorithm list (if any) holds neither `none` nor the token's own header.
fn verifies(cx: &Checker<'_>, c: &ast::ExprCall) -> bool {
    let disabled = kwarg(c, "options").is_some_and(|o| disables_signature(o, cx))
        || kwarg(c, "verify").and_then(bool_value) == Some(false);
    let sound_algorithms = kwarg(c, "algorithms").is_none_or(|a| {
        // `algorithms=ALGORITHMS`: the module's constant decides.
        let a = match a {
            Expr::Name(n) => cx.constants.get(n.id.as_str()).copied().unwrap_or(a),
            other => other,
        };
        !crate::ast_util::any_expr(a, &mut |e| {
            str_value(e).is_some_and(|s| s.eq_ignore_ascii_case("none") || s == "alg")
                || matches!(e, Expr::Call(c) if crate::ast_util::callee_last(c) == Some("get_unverified_header"))
        })
    });
    !disabled && sound_algorithms && c.arguments.find_argument_value("key", 1).is_some()
}

/// The fix: drop the switch that turns verification off and decode with the key and the
/// algorithm list the file's verified decodes use (or the algorithm its `encode` signs
/// with). Safe when both come from the code; unsafe when the algorithm is a guess from the
/// key's name; none when no key is known.
fn verify_fix(cx: &Checker<'_>, call: &ast::ExprCall) -> Option<spillcheck_core::Fix> {
    use crate::fixes::{append_argument, remove_item, remove_keyword};
    use ruff_text_size::{Ranged, TextRange};
    let file = cx.file;
    let mut edits = Vec::new();
    match kwarg(call, "options") {
        Some(Expr::Dict(d)) if disables_signature(kwarg(call, "options")?, cx) => {
            let off = |i: &ast::DictItem| {
                i.key.as_ref().and_then(str_value) == Some("verify_signature")
                    && bool_value(&i.value) == Some(false)
            };
            if d.items.iter().all(off) {
                edits.push(remove_keyword(file, call, "options")?);
            } else {
                let ranges: Vec<TextRange> = d
                    .items
                    .iter()
                    .map(|i| {
                        let start = i.key.as_ref().map_or(i.value.start(), Ranged::start);
                        TextRange::new(start, i.value.end())
                    })
                    .collect();
                let index = d.items.iter().position(off)?;
                edits.push(file.edit(remove_item(&ranges, index)?, ""));
            }
        }
        Some(_) if disables_signature(kwarg(call, "options")?, cx) => return None,
        _ => {}
    }
    if kwarg(call, "verify").and_then(bool_value) == Some(false) {
        edits.push(remove_keyword(file, call, "verify")?);
    }
    let module = file.module()?;
    let here = cx.functions.last().map(Ranged::range);
    // An expression of another call can be copied here when it reads only module-level
    // names, or when both calls are in the same function.
    let usable = |e: &Expr, other: &ast::ExprCall| {
        file.portable(e)
            || here
                .is_some_and(|r| r.contains_range(other.range()) && r.contains_range(call.range()))
    };
    let calls = crate::facts::calls_in(&module.body);
    let verified: Vec<&ast::ExprCall> = calls
        .iter()
        .copied()
        .filter(|c| {
            !std::ptr::eq(*c, call)
                && cx.qualified(c).is_some_and(|n| is_jwt_decode_name(&n))
                && verifies(cx, c)
        })
        .collect();
    // A key borrowed from another decode is the right one only when the file verifies
    // with one key, and not a refresh token's (`REFRESH_SECRET` would lock every access
    // token out): else the fix is unsafe.
    let mut borrowed_guess = false;
    let key = if let Some(key) = call.arguments.find_argument_value("key", 1) {
        key
    } else {
        let key = verified.iter().find_map(|c| {
            c.arguments
                .find_argument_value("key", 1)
                .filter(|k| usable(k, c))
        })?;
        let mut keys: Vec<&str> = verified
            .iter()
            .filter_map(|c| c.arguments.find_argument_value("key", 1))
            .map(|k| file.source(k))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        borrowed_guess =
            keys.len() > 1 || file.source(key).to_ascii_lowercase().contains("refresh");
        let token = call.arguments.args.first()?;
        edits.push(file.edit(
            TextRange::empty(token.end()),
            format!(", {}", file.source(key)),
        ));
        key
    };
    let mut applicability = if borrowed_guess {
        spillcheck_core::Applicability::Unsafe
    } else {
        spillcheck_core::Applicability::Safe
    };
    if kwarg(call, "algorithms").is_none() {
        let from_decode = verified.iter().find_map(|c| {
            kwarg(c, "algorithms")
                .filter(|a| usable(a, c))
                .map(|a| file.source(a).to_owned())
        });
        let algorithms = from_decode
            .or_else(|| signing_algorithms(cx, &calls, &usable))
            .unwrap_or_else(|| {
                applicability = spillcheck_core::Applicability::Unsafe;
                guessed_algorithms(cx, key)
            });
        edits.push(append_argument(
            call,
            file,
            &format!("algorithms={algorithms}"),
        ));
    }
    let message = if applicability == spillcheck_core::Applicability::Safe {
        "verify the signature with the key and algorithms this file already decodes with"
    } else if borrowed_guess {
        "verify the signature; the key is one of several this file decodes with (or a refresh token's): check it"
    } else {
        "verify the signature; the algorithm list is a guess from the key's name: check it"
    };
    file.fix(applicability, message, edits)
}



hooks! {
    on_call => check_call,
}
