//! Recognizers more than one rule (or pass) asks: what a call, a name or a value is.
//! Rule files never import each other; what two of them share lives here.

use ruff_python_ast::{self as ast, Expr};

use crate::ast_util::{callee, callee_last, kwarg, str_value};
use crate::checker::Checker;

/// Whether a call is a JWT library's decode (`jwt.decode`, `jose.jwt.decode`; an alias
/// or a `from jwt import decode` is resolved by the checker first, see
/// [`Checker::qualified`]).
pub(crate) fn is_jwt_decode_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.ends_with(".decode") || lower.ends_with(".decode_complete")) && lower.contains("jwt")
}

/// The body the client sent, read directly: `request.json`, `request.get_json(...)`,
/// `request.form`, `request.values`, a copy of one (`request.form.to_dict()`), the raw body
/// parsed (`json.loads(request.data)`, `json.loads(request.get_data())`), and `X or {}` of
/// any of them (the body when there is one). What a local holding it is, each pass asks
/// through its own local tracking.
pub(crate) fn request_body(e: &Expr) -> bool {
    let of_request = is_request_object;
    match e {
        Expr::BoolOp(b) => b.values.first().is_some_and(request_body),
        Expr::Attribute(a) => {
            matches!(a.attr.as_str(), "json" | "form" | "values") && of_request(&a.value)
                || a.attr.as_str() == "payload" && restx_namespace(&a.value)
        }
        Expr::Call(c) => match c.func.as_ref() {
            Expr::Attribute(a) if a.attr.as_str() == "get_json" => of_request(&a.value),
            Expr::Attribute(a) if matches!(a.attr.as_str(), "to_dict" | "copy") => {
                request_body(&a.value)
            }
            _ if callee_last(c) == Some("loads") => c.arguments.args.first().is_some_and(|x| {
                let raw = match x {
                    Expr::Call(inner) => inner.func.as_ref(),
                    other => other,
                };
                matches!(raw, Expr::Attribute(a) if matches!(a.attr.as_str(), "data" | "get_data")
                    && of_request(&a.value))
            }),
            _ => false,
        },
        _ => false,
    }
}

/// Flask-RESTX's and Flask-RESTPlus' objects whose `payload` is the request's JSON body:
/// an `Api` or a `Namespace` (`api`, `ns`, `self.api`, `auth_ns`, `users_namespace`).
fn restx_namespace(e: &Expr) -> bool {
    crate::ast_util::dotted(e).is_some_and(|d| {
        let last = d.rsplit('.').next().unwrap_or(&d).to_ascii_lowercase();
        matches!(last.as_str(), "api" | "ns" | "namespace")
            || last.ends_with("_ns")
            || last.ends_with("_api")
            || last.ends_with("namespace")
    })
}

/// The body a framework hands a handler as an argument: the `body` parameter of a function
/// an API description names as an operation's handler (Connexion passes the JSON body so).
pub(crate) fn handed_body(cx: &Checker<'_>, e: &Expr) -> bool {
    let (Expr::Name(n), Some(func)) = (e, cx.functions.last()) else {
        return false;
    };
    n.id.as_str() == "body"
        && cx.spec_handlers.iter().any(|h| h == func.name.as_str())
        && func
            .parameters
            .iter_non_variadic_params()
            .any(|p| p.parameter.name.as_str() == "body")
}

/// Whether a handler's decorators send what it returns through a declared schema, which
/// answers only the schema's fields: `@response(S)` (APIFairy), `@bp.response(200, S)`
/// (flask-smorest), `@app.output(S)` (APIFlask), `@ns.marshal_with(model)`,
/// `@marshal_list_with(model)` (Flask-RESTX, Flask-RESTful).
pub(crate) fn answers_through_schema(func: &ast::StmtFunctionDef) -> bool {
    func.decorator_list.iter().any(|d| {
        matches!(&d.expression, Expr::Call(c)
            if matches!(
                callee_last(c),
                Some("marshal_with" | "marshal_list_with" | "response" | "output")
            ) && c.arguments.args.iter().any(|a| !matches!(a, Expr::NumberLiteral(_) | Expr::StringLiteral(_))))
    })
}

/// Whether a test reads a debug, testing or development flag: `app.config["DEBUG"]`,
/// `current_app.config.get("TESTING")`, `app.debug`, `settings.DEVELOPMENT`.
pub(crate) fn reads_debug_flag(test: &Expr) -> bool {
    crate::ast_util::any_expr(test, &mut |e| {
        if let Some(text) = str_value(e) {
            let t = text.to_ascii_lowercase();
            if matches!(
                t.as_str(),
                "debug" | "flask_debug" | "testing" | "development" | "dev"
            ) {
                return true;
            }
        }
        crate::ast_util::dotted(e).is_some_and(|d| {
            let d = d.to_ascii_lowercase();
            d.contains("debug") || d.contains("testing") || d.contains("development")
        })
    })
}

/// `[X]` for the `algorithm=X` the file's `jwt.encode` signs with, when `usable` says its
/// text can be copied to the call being fixed.
pub(crate) fn signing_algorithms(
    cx: &Checker<'_>,
    calls: &[&ast::ExprCall],
    usable: &dyn Fn(&Expr, &ast::ExprCall) -> bool,
) -> Option<String> {
    calls.iter().find_map(|c| {
        let name = cx.qualified(c)?.to_ascii_lowercase();
        (name.contains("jwt") && name.ends_with(".encode"))
            .then(|| kwarg(c, "algorithm"))
            .flatten()
            .filter(|a| usable(a, c))
            .map(|a| format!("[{}]", cx.file.source(a)))
    })
}

/// A guess of the algorithm list from the key's name: RS256 for a public key or certificate,
/// else HS256 (a fix resting on it is unsafe).
pub(crate) fn guessed_algorithms(cx: &Checker<'_>, key: &Expr) -> String {
    let k = cx.file.source(key).to_ascii_lowercase();
    let public = ["public", "pub_", "pem", "rsa", "jwk", "cert"]
        .iter()
        .any(|w| k.contains(w));
    if public { "[\"RS256\"]" } else { "[\"HS256\"]" }.to_owned()
}

/// The dict literal a payload expression is, directly or through a name bound in the
/// function, and whether the function later sets `exp` on that name.
pub(crate) fn payload_dict<'a>(
    cx: &Checker<'a>,
    payload: &'a Expr,
) -> Option<(&'a ast::ExprDict, bool)> {
    match payload {
        Expr::Dict(d) => Some((d, false)),
        Expr::Name(n) => {
            let func = cx.functions.last()?;
            let assigns = crate::facts::assigns_in(&func.body);
            let dict = assigns.iter().rev().find_map(|a| {
                match (a.targets.as_slice(), a.value.as_ref()) {
                    ([Expr::Name(t)], Expr::Dict(d)) if t.id == n.id => Some(d),
                    _ => None,
                }
            })?;
            // `payload["exp"] = ...` or `payload.update(exp=...)` after the literal.
            let mut adds_exp = assigns.iter().any(|a| {
                a.targets.iter().any(|t| {
                    matches!(t, Expr::Subscript(s) if matches!(s.value.as_ref(), Expr::Name(x) if x.id == n.id)
                        && str_value(&s.slice) == Some("exp"))
                })
            });
            crate::facts::exprs_in(&func.body, &mut |e| {
                if let Expr::Call(c) = e
                    && callee_last(c) == Some("update")
                    && c.arguments.find_keyword("exp").is_some()
                {
                    adds_exp = true;
                }
            });
            Some((dict, adds_exp))
        }
        _ => None,
    }
}

/// The settings a configuration call sets, by name: the keywords of
/// `config.update(DEBUG=True)` / `from_mapping(...)`, then those of [`mapped_settings`].
/// Empty for any other call.
pub(crate) fn call_settings(call: &ast::ExprCall) -> Vec<(&str, &Expr)> {
    if !matches!(callee_last(call), Some("update" | "from_mapping")) {
        return Vec::new();
    }
    let mut out: Vec<(&str, &Expr)> = call
        .arguments
        .keywords
        .iter()
        .filter_map(|k| k.arg.as_ref().map(|a| (a.as_str(), &k.value)))
        .collect();
    out.extend(mapped_settings(call));
    out
}

/// The string-keyed entries of a mapping passed to a configuration call:
/// `config.update({"SESSION_COOKIE_SECURE": False})`, `update(dict(SECRET_KEY="..."))`.
pub(crate) fn mapped_settings(call: &ast::ExprCall) -> Vec<(&str, &Expr)> {
    let mut out = Vec::new();
    if !matches!(callee_last(call), Some("update" | "from_mapping")) {
        return out;
    }
    for arg in &call.arguments.args {
        match arg {
            Expr::Dict(d) => out.extend(
                d.items
                    .iter()
                    .filter_map(|i| Some((i.key.as_ref().and_then(str_value)?, &i.value))),
            ),
            Expr::Call(c) if callee_last(c) == Some("dict") => out.extend(
                c.arguments
                    .keywords
                    .iter()
                    .filter_map(|k| k.arg.as_ref().map(|a| (a.as_str(), &k.value))),
            ),
            _ => {}
        }
    }
    out
}

/// The name an assignment target gives its value: `SECRET_KEY`, `app.secret_key`,
/// `app.config["JWT_SECRET_KEY"]`.
pub(crate) fn target_name(target: &Expr) -> Option<String> {
    match target {
        Expr::Name(n) => Some(n.id.to_string()),
        Expr::Attribute(a) => Some(a.attr.to_string()),
        Expr::Subscript(s) => str_value(&s.slice).map(str::to_owned),
        _ => None,
    }
}

/// A hard-coded string in a value: the literal itself, an `os.environ.get(..., "default")`
/// fallback, or `os.environ.get(...) or "default"`.
pub(crate) fn hardcoded_literal(value: &Expr) -> Option<(&str, bool)> {
    match value {
        Expr::StringLiteral(s) => Some((s.value.to_str(), false)),
        Expr::Call(c) => {
            let name = callee(c).unwrap_or_default();
            // A project's own lookup helper (`read_env("PYFARM_SECRET_KEY", "pyfarm")`,
            // `get_env("APP_KEY", default=...)`): named for the environment and given a
            // variable's name in capitals.
            let env_helper = {
                let last = name.rsplit('.').next().unwrap_or(&name);
                crate::patterns::words(last)
                    .iter()
                    .any(|w| w == "env" || w == "environ")
                    && c.arguments
                        .args
                        .first()
                        .and_then(str_value)
                        .is_some_and(|v| v.len() > 1 && crate::patterns::is_capitals_name(v))
            };
            if name.ends_with("environ.get")
                || name.ends_with("getenv")
                || name.ends_with("env.get")
                || name.ends_with("environ.setdefault")
                || env_helper
            {
                c.arguments
                    .args
                    .get(1)
                    .and_then(str_value)
                    .or_else(|| {
                        c.arguments
                            .find_keyword("default")
                            .and_then(|k| str_value(&k.value))
                    })
                    .map(|s| (s, true))
            } else {
                None
            }
        }
        Expr::BoolOp(b) => b
            .values
            .iter()
            .skip(1)
            .find_map(|v| str_value(v))
            .map(|s| (s, true)),
        _ => None,
    }
}

pub(crate) fn serializer_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("to_dict")
        || n.contains("to_json")
        || n.starts_with("serialize")
        || n.ends_with("_json")
        || n.contains("as_dict")
        || n.ends_with("_dict")
        || n.starts_with("dump")
}

/// The cookie a `set_cookie(...)` call puts a credential in, by name: its name says so
/// (`access_token`, `jwt`, `session`; [`spillcheck_core::vocab::is_credential_cookie`]) when
/// it is a literal, else its value is a variable named so (`set_cookie(name,
/// access_token)`). An empty value (clearing the cookie at logout) carries none.
pub(crate) fn credential_cookie(call: &ast::ExprCall) -> Option<String> {
    use spillcheck_core::vocab::is_credential_cookie;
    if callee_last(call) != Some("set_cookie") {
        return None;
    }
    let value = call.arguments.find_argument_value("value", 1)?;
    if matches!(value, Expr::NoneLiteral(_)) || str_value(value) == Some("") {
        return None;
    }
    let value_named = match value {
        Expr::Name(n) if is_credential_cookie(n.id.as_str()) => Some(n.id.to_string()),
        _ => None,
    };
    // A literal name says so (`set_cookie("access_token", t)`), or the value's name does
    // under a name of the app's own (`set_cookie("session_wikmd", session)`); a CSRF cookie's
    // name decides (`set_cookie("csrf_token", token)`). A computed name leaves it to the
    // value's name.
    match call
        .arguments
        .find_argument_value("key", 0)
        .map(|k| (k, str_value(k)))
    {
        Some((_, Some(name))) => {
            let lower = name.to_ascii_lowercase();
            if is_credential_cookie(name) {
                Some(name.to_owned())
            } else if lower.contains("csrf") || lower.contains("xsrf") {
                None
            } else {
                value_named.map(|_| name.to_owned())
            }
        }
        _ => value_named,
    }
}

/// `options={"verify_signature": False}` (a literal, a module constant or `dict(...)`):
/// a JWT decode that checks no signature.
pub(crate) fn disables_signature(
    options: &ruff_python_ast::Expr,
    cx: &crate::checker::Checker<'_>,
) -> bool {
    use crate::ast_util::{bool_value, str_value};
    use ruff_python_ast::Expr;
    let options = match options {
        Expr::Name(n) => cx.constants.get(n.id.as_str()).copied().unwrap_or(options),
        other => other,
    };
    match options {
        Expr::Dict(d) => d.items.iter().any(|i| {
            i.key.as_ref().and_then(str_value) == Some("verify_signature")
                && bool_value(&i.value) == Some(false)
        }),
        Expr::Call(c) => c
            .arguments
            .find_keyword("verify_signature")
            .is_some_and(|k| bool_value(&k.value) == Some(false)),
        _ => false,
    }
}

/// A JWT decode call that checks no signature: `options={"verify_signature": False}` or
/// PyJWT 1's `verify=False`.
pub(crate) fn decode_unverified(
    call: &ruff_python_ast::ExprCall,
    cx: &crate::checker::Checker<'_>,
) -> bool {
    use crate::ast_util::{bool_value, kwarg};
    kwarg(call, "options").is_some_and(|o| disables_signature(o, cx))
        || kwarg(call, "verify").and_then(bool_value) == Some(false)
}

/// A verifying key that is a public-key object from a key set, not text: a JWKS entry
/// picked by the token's `kid` (`jwks[header["kid"]]`), `RSAAlgorithm.from_jwk(...)`,
/// `PyJWKClient(...).get_signing_key_from_jwt(t).key`, `load_pem_public_key(...)`. A key
/// object fixes the algorithm family: PyJWT refuses `none` and HMAC with it.
pub(crate) fn is_key_object(key: &ruff_python_ast::Expr, cx: &crate::checker::Checker<'_>) -> bool {
    use ruff_python_ast::Expr;
    let looks = |e: &Expr| {
        crate::ast_util::any_expr(e, &mut |x| match x {
            Expr::Name(n) => {
                let n = n.id.as_str().to_ascii_lowercase();
                n.contains("jwk") || n.contains("key_set") || n.contains("keyset")
            }
            Expr::Attribute(a) => {
                let n = a.attr.as_str().to_ascii_lowercase();
                n.contains("jwk") || n.contains("key_set") || n.contains("keyset")
            }
            Expr::Subscript(s) => crate::ast_util::str_value(&s.slice) == Some("kid"),
            Expr::Call(c) => crate::ast_util::callee_last(c).is_some_and(|n| {
                matches!(
                    n,
                    "from_jwk"
                        | "get_signing_key"
                        | "get_signing_key_from_jwt"
                        | "load_pem_public_key"
                        | "load_der_public_key"
                        | "load_ssh_public_key"
                        | "PyJWK"
                )
            }),
            _ => false,
        })
    };
    if looks(key) {
        return true;
    }
    // A name bound in the function to such a value (`public_key = jwks[header["kid"]]`).
    let Expr::Name(n) = key else {
        return false;
    };
    cx.values_of_local(n.id.as_str()).into_iter().any(looks)
}

/// A Flask-CORS origin setting that allows any origin: `"*"`, `[".*"]`, a resources map
/// with one of them.
pub(crate) fn any_origin(e: &ruff_python_ast::Expr) -> bool {
    let mut w = false;
    crate::ast_util::each_expr(e, &mut |x| {
        if crate::ast_util::str_value(x).is_some_and(|s| s == "*" || s == ".*") {
            w = true;
        }
    });
    w
}

/// Flask's request object: `request`, or `flask.request` where the module imports `flask`
/// whole.
pub(crate) fn is_request_object(e: &Expr) -> bool {
    match e {
        Expr::Name(n) => n.id.as_str() == "request",
        Expr::Attribute(a) => {
            a.attr.as_str() == "request"
                && matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == "flask")
        }
        _ => false,
    }
}
