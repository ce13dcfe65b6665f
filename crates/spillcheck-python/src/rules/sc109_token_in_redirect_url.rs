//! `SC109` token-in-redirect-url: the rule's metadata, documentation and check.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A redirect that carries a credential in its URL: `redirect(url_for("home",
    /// token=token))`, `redirect(f"{next_url}?access_token={token}")`,
    /// `redirect(url + "#token=" + jwt)`.
    ///
    /// ## Why it matters
    /// The browser stores the URL in its history and sends it in `Referer` headers; proxies
    /// and servers log it. A token in a URL is a token handed to everyone on that path
    /// (CWE-598).
    ///
    /// ## Example
    /// ```python
    /// return redirect(f"{frontend}/callback?token={access_token}")
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Only `redirect(...)` targets are read: links built for e-mails (`url_for(...,
    /// token=..., _external=True)` mailed for a reset or a confirmation) carry one-time
    /// tokens by design and are not reported. Nor is a redirect back with the token the
    /// view was reached by (its own path parameter: `/reset_password/<token>` sending a
    /// failed form back to itself): the URL already carried it.
    ///
    /// ## Fix
    /// Set the token in an `HttpOnly; Secure; SameSite` cookie, or hand the client a one-time
    /// code it exchanges for the token in a `POST`.
    pub static SC109 = {
        id: "SC109",
        slug: "token-in-redirect-url",
        title: "Token put into a redirect URL",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[598],
        owasp: &[OwaspApi::Api2],
        fix: "Never put tokens in URLs: use a secure cookie, or a one-time code exchanged for the token over POST.",
    }
}

use ruff_python_ast::{self as ast, Expr};

use crate::ast_util::{callee_last, str_value};
use crate::checker::Checker;
use crate::patterns::is_token_like_name;

fn token_value(e: &Expr) -> bool {
    match e {
        Expr::Name(n) => is_token_like_name(n.id.as_str()),
        Expr::Attribute(a) => is_token_like_name(a.attr.as_str()),
        Expr::Call(c) => callee_last(c).is_some_and(|n| {
            let n = n.to_ascii_lowercase();
            n.starts_with("create_access_token")
                || n.contains("encode") && n.contains("token")
                || n == "generate_token"
        }),
        _ => false,
    }
}

fn token_param(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "token"
            | "access_token"
            | "jwt"
            | "auth_token"
            | "id_token"
            | "refresh_token"
            | "api_key"
            | "session_token"
    )
}

/// Whether a URL expression puts a token in: a `url_for(..., token=tok)` keyword, an
/// f-string or a concatenation with `token=` followed by a token value.
fn url_carries_token(url: &Expr) -> bool {
    match url {
        Expr::Call(c) if callee_last(c) == Some("url_for") => {
            c.arguments.keywords.iter().any(|k| {
                k.arg.as_ref().is_some_and(|a| token_param(a.as_str())) && token_value(&k.value)
            })
        }
        Expr::FString(f) => {
            let mut after_key = false;
            for el in f.value.elements() {
                match el {
                    ast::InterpolatedStringElement::Literal(l) => {
                        let t = l.value.to_ascii_lowercase();
                        after_key = t.trim_end().ends_with("token=")
                            || t.ends_with("jwt=")
                            || t.ends_with("api_key=");
                    }
                    ast::InterpolatedStringElement::Interpolation(i) => {
                        if after_key && token_value(&i.expression) {
                            return true;
                        }
                        after_key = false;
                    }
                }
            }
            false
        }
        Expr::BinOp(b) if b.op == ast::Operator::Add => {
            let ends_with_key = |e: &Expr| {
                str_value(e).is_some_and(|s| {
                    let t = s.to_ascii_lowercase();
                    t.ends_with("token=") || t.ends_with("jwt=") || t.ends_with("api_key=")
                }) || matches!(e, Expr::BinOp(_)) && url_tail_key(e)
            };
            ends_with_key(&b.left) && token_value(&b.right) || url_carries_token(&b.left)
        }
        _ => false,
    }
}

fn url_tail_key(e: &Expr) -> bool {
    match e {
        Expr::BinOp(b) => url_tail_key(&b.right),
        other => str_value(other).is_some_and(|s| {
            let t = s.to_ascii_lowercase();
            t.ends_with("token=") || t.ends_with("jwt=") || t.ends_with("api_key=")
        }),
    }
}

/// Whether `name` is a path parameter of the view (`@bp.route("/reset/<token>")` over `def
/// reset(token)`): the URL the caller came by already carries it.
fn own_path_param(func: &ast::StmtFunctionDef, name: &str) -> bool {
    func.parameters.iter().any(|p| p.name().as_str() == name)
        && func.decorator_list.iter().any(|d| {
            crate::ast_util::strings_in(&d.expression).iter().any(|s| {
                crate::model::convert_path(s)
                    .1
                    .iter()
                    .any(|p| p.name == name)
            })
        })
}

/// `SC109`: `redirect(<url with a token>)`.
pub(crate) fn check_call(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    if callee_last(call) != Some("redirect") {
        return;
    }
    let Some(url) = call.arguments.args.first() else {
        return;
    };
    // Back to a page with the token the view was reached by (`redirect(url_for(
    // "reset_password", token=token))` in `/reset_password/<token>`): nothing new is put in
    // a URL.
    if let Expr::Call(c) = url
        && callee_last(c) == Some("url_for")
        && let Some(func) = cx.functions.last()
    {
        let tokens: Vec<&ast::Keyword> = c
            .arguments
            .keywords
            .iter()
            .filter(|k| k.arg.as_ref().is_some_and(|a| token_param(a.as_str())))
            .collect();
        if !tokens.is_empty()
            && tokens.iter().all(
                |k| matches!(&k.value, Expr::Name(n) if own_path_param(func, n.id.as_str())),
            )
        {
            return;
        }
    }
    if url_carries_token(url) {
        cx.report(
            &SC109,
            call,
            "the redirect puts a token in the URL: browser history, `Referer` headers and logs keep it",
        );
    }
}

hooks! {
    on_call => check_call,
}
