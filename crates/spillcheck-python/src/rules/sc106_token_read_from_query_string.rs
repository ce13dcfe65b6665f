//! `SC106` token-read-from-query-string: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// Authentication code that reads the token from the URL: `request.args.get("access_token")`, `request.args["token"]`, `request.values.get("jwt")`; a parameter of any name compared with a configured key (`if app.config["API_KEY"] != request.args.get("key"): abort(401)`); a parameter whose name the settings give under a token's name (`request.args.get(cv("TOKEN_AUTHENTICATION_KEY"))`); Flask-JWT-Extended configured to read it there (`JWT_TOKEN_LOCATION = ["headers", "query_string"]`, or one view's `@jwt_required(locations=[..., "query_string"])`).
    ///
    /// ## Why it matters
    /// URLs end up in access logs, proxy logs, browser history and `Referer` headers. A token in a query string is a token written to disk in places nobody audits.
    ///
    /// ## Example
    /// ```python
    /// token = request.headers.get("Authorization", "").removeprefix("Bearer ") \
    ///     or request.args.get("access_token")
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// A handshake's value compared with what was issued (a webhook's `hub.verify_token`, an
    /// OAuth `state`, a CSRF token, a signature) and a value matched with a literal
    /// (`request.args.get("token_type") == "refresh_token"`) are no credential.
    /// A query value that only names a cookie (`resp.set_cookie(token, "done")`, a
    /// download-finished marker) authenticates nothing and is not reported.
    /// Reset, confirmation, invitation and unsubscribe links carry a one-time token in the
    /// URL by design (they are mailed): in functions named so, or kept in a local named so (`invite_token = request.values.get("token")`), the finding is `possible`, and
    /// so it is where the function checks the token as a signed link bound to a purpose and an
    /// age (`serializer.loads(token, salt="file-download", max_age=86400)`) or to an audience
    /// (`read_token(token, audience=Audience.password_reset)`), or looks it up for one purpose
    /// (`File.get_by_download_token(token, DownloadType.raw)`). Forgotten-password and e-mail
    /// validation views count among them, and so does a provider's token handed on to link or
    /// exchange it (`lfm.link_account(token)`), and a link to one object by its uuid (the token
    /// compared with a record's `uuid`, or looking one up by it: `get_registration(uuid=token)`). A read only hashed (a rate limiter's key,
    /// `hashlib.sha256(request.args.get("token", "").encode())`) checks nothing: not reported.
    ///
    /// ## Fix
    /// ```python
    /// scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    /// if scheme.lower() != "bearer" or not token:
    ///     abort(401)
    /// ```
    ///
    /// `spillcheck code --fix --unsafe-fixes` drops the query-string read (it becomes `None`); unsafe because clients that send the token in the URL must move it to the header. See `docs/fixes.md`.
    pub static SC106 = {
        id: "SC106",
        slug: "token-read-from-query-string",
        title: "Token read from the query string",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[598],
        owasp: &[OwaspApi::Api2],
        fix: "Accept tokens only in the `Authorization` header (or an `HttpOnly` cookie); drop `request.args` token fallbacks.",
    }
}

use ruff_python_ast::{self as ast, Expr};

use crate::ast_util::{callee_last, dotted, str_value};
use crate::checker::Checker;

const TOKEN_PARAMS: &[&str] = &[
    "access_token",
    "token",
    "jwt",
    "auth",
    "auth_token",
    "authorization",
    "bearer",
    "api_key",
    "apikey",
    "id_token",
    "session_token",
    "jwt_token",
    "bearer_token",
    "api_token",
];

fn query_string(receiver: &Expr) -> bool {
    dotted(receiver).is_some_and(|r| r.ends_with("request.args") || r.ends_with("request.values"))
}

/// `SC106` on `request.args["token"]`.
pub(crate) fn check_subscript(cx: &mut Checker<'_>, sub: &ast::ExprSubscript) {
    if !query_string(&sub.value) {
        return;
    }
    if let Some(key) = str_value(&sub.slice) {
        report(cx, sub, key);
    } else if let Some(key) = configured_key(cx, &sub.slice) {
        report_as(cx, sub, &key, true, true);
    }
}

/// `SC106`: `request.args.get("access_token")` and friends.
pub(crate) fn check_call(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    // One view told the same: `@jwt_required(locations=["headers", "query_string"])`.
    if matches!(callee_last(call), Some("jwt_required" | "verify_jwt_in_request"))
        && let Some(locations) = call.arguments.find_keyword("locations")
    {
        if names_query_string(&locations.value) {
            cx.report(
                &SC106,
                call,
                "`locations` includes `query_string`: Flask-JWT-Extended accepts this view's token in the URL (`?jwt=`)",
            );
        }
        return;
    }
    if !matches!(callee_last(call), Some("get" | "getlist")) {
        return;
    }
    let Expr::Attribute(a) = call.func.as_ref() else {
        return;
    };
    if !query_string(&a.value) {
        return;
    }
    let Some(arg) = call.arguments.args.first() else {
        return;
    };
    if let Some(key) = str_value(arg) {
        report(cx, call, key);
    } else if let Some(key) = configured_key(cx, arg) {
        report_as(cx, call, &key, true, true);
    }
}

/// The configured name of a query parameter that names a token: the key is read from the
/// settings under a name that says so (`args_key = cv("TOKEN_AUTHENTICATION_KEY");
/// request.args.get(args_key)`, `request.args.get(current_app.config["API_KEY_PARAM"])`).
fn configured_key(cx: &Checker<'_>, arg: &Expr) -> Option<String> {
    let setting = |e: &Expr| -> Option<String> {
        let lit = match e {
            Expr::Call(c) => c.arguments.args.first().and_then(str_value),
            Expr::Subscript(s) => str_value(&s.slice),
            _ => None,
        }?;
        names_a_credential(lit).then(|| lit.to_owned())
    };
    if let Some(s) = setting(arg) {
        return Some(s);
    }
    let Expr::Name(n) = arg else { return None };
    let func = cx.functions.last()?;
    crate::facts::assigns_in(&func.body).into_iter().find_map(|a| {
        (a.targets.len() == 1
            && matches!(&a.targets[0], Expr::Name(t) if t.id == n.id))
        .then(|| setting(&a.value))
        .flatten()
    })
}

/// A name for a credential: `token`, `jwt`, `apikey`, or a key for an API, access or
/// authentication (`api_access_key`, `TOKEN_AUTHENTICATION_KEY`).
fn names_a_credential(name: &str) -> bool {
    let ws = crate::patterns::words(name);
    let has = |w: &str| ws.iter().any(|x| x == w);
    has("token")
        || has("jwt")
        || has("apikey")
        || has("secret")
        || has("key") && (has("api") || has("access") || has("auth") || has("authentication"))
}

/// The query value is checked as a shared key: compared with a value named for one
/// (`if app.config["API_KEY"] != request.args.get("key"): abort(401)`, or through the local
/// it is kept in, or `hmac.compare_digest(...)`), whatever the parameter is called.
fn compared_as_a_key(cx: &Checker<'_>, node: ruff_text_size::TextRange) -> bool {
    use ruff_text_size::Ranged;
    let Some(func) = cx.functions.last() else {
        return false;
    };
    let kept: Vec<&str> = crate::facts::names_bound_to(&func.body, |v| v.range() == node);
    let is_read = |e: &Expr| {
        e.range() == node || matches!(e, Expr::Name(n) if kept.contains(&n.id.as_str()))
    };
    // A stored value named for a key, not a literal the value is matched with
    // (`request.args.get("token_type") == "refresh_token"`).
    let names_key = |e: &Expr| !e.is_literal_expr() && holds_a_key(e);
    let mut found = false;
    crate::facts::exprs_in(&func.body, &mut |e| match e {
        Expr::Compare(c) if c.comparators.len() == 1 => {
            let sides = [&*c.left, &c.comparators[0]];
            found |= sides
                .iter()
                .any(|x| is_read(x))
                && sides.iter().any(|x| !is_read(x) && names_key(x));
        }
        Expr::Call(c) if callee_last(c) == Some("compare_digest") => {
            let args: Vec<&Expr> = c.arguments.args.iter().collect();
            found |= args.iter().any(|x| is_read(x))
                && args.iter().any(|x| !is_read(x) && names_key(x));
        }
        _ => {}
    });
    found
}

/// Whether an expression is a value named for a key: a name, an attribute or a setting's
/// name that says so (`app.config["API_KEY"]`, `os.environ.get("API_TOKEN")`,
/// `get_api_key()`). What a call is handed by name is not what it returns: the names of a
/// user's keys listed except one (`existing_api_names(user_id, except_for=api_key)`) are
/// labels, not a key.
fn holds_a_key(e: &Expr) -> bool {
    match e {
        Expr::Name(n) => names_a_credential(n.id.as_str()),
        Expr::Attribute(a) => names_a_credential(a.attr.as_str()) || holds_a_key(&a.value),
        Expr::StringLiteral(s) => names_a_credential(s.value.to_str()),
        Expr::Subscript(s) => holds_a_key(&s.value) || holds_a_key(&s.slice),
        Expr::Call(c) => {
            holds_a_key(&c.func)
                || c.arguments
                    .args
                    .iter()
                    .chain(c.arguments.keywords.iter().map(|k| &k.value))
                    .any(|a| matches!(a, Expr::StringLiteral(_)) && holds_a_key(a))
        }
        Expr::BoolOp(b) => b.values.iter().any(holds_a_key),
        Expr::If(i) => holds_a_key(&i.body) || holds_a_key(&i.orelse),
        _ => false,
    }
}

/// The name the query value is bound to in the current function (`token =
/// request.args.get("token")`, `if token := request.args.get("token"):`) when every use of
/// it names a cookie (`resp.set_cookie(token, "done")`, a download-finished marker): the
/// value authenticates nothing.
fn only_names_a_cookie(cx: &Checker<'_>, node: ruff_text_size::TextRange) -> bool {
    use ruff_python_ast::visitor::{Visitor, walk_expr};
    let Some(func) = cx.functions.last() else {
        return false;
    };
    struct Uses<'n> {
        read: ruff_text_size::TextRange,
        bound: Option<&'n str>,
        all: usize,
        cookie: usize,
    }
    impl<'a> Visitor<'a> for Uses<'a> {
        fn visit_stmt(&mut self, stmt: &'a ast::Stmt) {
            if let ast::Stmt::Assign(a) = stmt
                && ruff_text_size::Ranged::range(a.value.as_ref()) == self.read
                && let [Expr::Name(n)] = a.targets.as_slice()
            {
                self.bound = Some(n.id.as_str());
            }
            ruff_python_ast::visitor::walk_stmt(self, stmt);
        }
        fn visit_expr(&mut self, e: &'a Expr) {
            if let Expr::Named(n) = e
                && ruff_text_size::Ranged::range(n.value.as_ref()) == self.read
                && let Expr::Name(t) = n.target.as_ref()
            {
                self.bound = Some(t.id.as_str());
            }
            walk_expr(self, e);
        }
    }
    let mut u = Uses {
        read: node,
        bound: None,
        all: 0,
        cookie: 0,
    };
    u.visit_body(&func.body);
    let Some(name) = u.bound else {
        return false;
    };
    let is_name = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == name && n.ctx.is_load());
    for call in crate::facts::calls_in(&func.body) {
        if matches!(callee_last(call), Some("set_cookie" | "delete_cookie"))
            && call.arguments.args.first().is_some_and(is_name)
        {
            u.cookie += 1;
        }
    }
    crate::facts::exprs_in(&func.body, &mut |e| {
        if is_name(e) {
            u.all += 1;
        }
    });
    u.all > 0 && u.all == u.cookie
}

/// The read is an argument of a hash (`hashlib.sha256(request.args.get("token",
/// "").encode())`, a rate limiter's key that keeps token values out of its storage): what
/// it computes is no credential check.
fn only_hashed(cx: &Checker<'_>, node: ruff_text_size::TextRange) -> bool {
    let Some(func) = cx.functions.last() else {
        return false;
    };
    // A limiter's key function (`_token_limit_key`), not a lookup by the token's hash
    // (`filter_by(key_hash=sha256(request.args["api_key"]))`, which checks it).
    if !func.name.as_str().to_ascii_lowercase().contains("limit") {
        return false;
    }
    crate::facts::calls_in(&func.body).iter().any(|c| {
        let callee = dotted(&c.func).unwrap_or_default();
        let last = callee.rsplit('.').next().unwrap_or(&callee);
        (callee.starts_with("hashlib.")
            || matches!(
                last,
                "sha1" | "sha224" | "sha256" | "sha384" | "sha512" | "md5" | "blake2b" | "blake2s"
            ))
            && ruff_text_size::Ranged::range(&c.arguments).contains_range(node)
    })
}

/// Where a function keeps the read at `node`: the local or attribute it is assigned to
/// (`token = request.args.get(…)`, `self.token = …`), dotted.
fn kept_in(func: &ast::StmtFunctionDef, node: ruff_text_size::TextRange) -> Option<String> {
    let mut kept = None;
    for stmt in &func.body {
        crate::ast_util::each_stmt(stmt, &mut |s| {
            if let ast::Stmt::Assign(a) = s
                && ruff_text_size::Ranged::range(a.value.as_ref()) == node
                && let [target] = a.targets.as_slice()
            {
                kept = dotted(target);
            }
        });
    }
    kept
}

/// The token a third party hands over in its redirect, passed on to link or exchange it
/// (`lfm.link_account(token)`, `oauth.fetch_token(code)`): the provider's one-time value,
/// not this API's credential.
fn handed_to_a_provider(cx: &Checker<'_>, node: ruff_text_size::TextRange) -> bool {
    let Some(func) = cx.functions.last() else {
        return false;
    };
    // A local (not an attribute) the read is kept in.
    let Some(name) = kept_in(func, node).filter(|k| !k.contains('.')) else {
        return false;
    };
    crate::facts::calls_in(&func.body).iter().any(|c| {
        let last = callee_last(c).unwrap_or_default().to_ascii_lowercase();
        ["link", "exchange", "fetch_token", "authorize_access_token", "get_access_token"]
            .iter()
            .any(|w| last.contains(w))
            && c.arguments
                .args
                .iter()
                .any(|a| matches!(a, Expr::Name(n) if n.id.as_str() == name))
    })
}

/// The token opens one object, not an account: it is compared with a record's `uuid`
/// (`request.args.get('token') != self.survey.uuid`) or looks one up by it
/// (`get_registration(uuid=self.token)`): a share or registration link, mailed by design.
fn object_link(cx: &Checker<'_>, node: ruff_text_size::TextRange) -> bool {
    use ruff_text_size::Ranged;
    let Some(func) = cx.functions.last() else {
        return false;
    };
    let kept = kept_in(func, node);
    let is_read = |e: &Expr| e.range() == node || kept.is_some() && dotted(e) == kept;
    let uuid = |e: &Expr| {
        matches!(e, Expr::Attribute(a) if a.attr.as_str().to_ascii_lowercase().ends_with("uuid"))
    };
    let mut found = false;
    crate::facts::exprs_in(&func.body, &mut |e| match e {
        Expr::Compare(c) => {
            let sides: Vec<&Expr> = crate::ast_util::operands(c).collect();
            found |= sides.iter().any(|x| is_read(x)) && sides.iter().any(|x| uuid(x));
        }
        Expr::Call(c) => {
            found |= c.arguments.keywords.iter().any(|k| {
                k.arg
                    .as_ref()
                    .is_some_and(|a| a.as_str().to_ascii_lowercase().ends_with("uuid"))
                    && is_read(&k.value)
            });
        }
        _ => {}
    });
    found
}

/// The read is kept in a local named for a one-time link (`invite_token =
/// request.values.get("token")` in a registration view).
fn bound_to_a_link_name(cx: &Checker<'_>, at: ruff_text_size::TextRange) -> bool {
    cx.functions.last().is_some_and(|f| {
        crate::facts::names_bound_to(&f.body, |v| {
            ruff_text_size::Ranged::range(v).contains_range(at)
        })
        .into_iter()
        .any(|t| {
            crate::patterns::words(t).iter().any(|w| {
                matches!(
                    w.as_str(),
                    "invite" | "invitation" | "reset" | "confirm" | "confirmation"
                        | "unsubscribe" | "activation" | "verification" | "magic"
                )
            })
        })
    })
}

fn report(cx: &mut Checker<'_>, node: &impl ruff_text_size::Ranged, key: &str) {
    // A handshake's or a form's own value compared with what was issued (a webhook's
    // `hub.verify_token`, an OAuth `state`, a CSRF token, a signature) proves no identity.
    let handshake = crate::patterns::words(key).iter().any(|w| {
        matches!(
            w.as_str(),
            "verify" | "hub" | "challenge" | "signature" | "sig" | "csrf" | "xsrf" | "nonce" | "state"
        )
    });
    let credential = TOKEN_PARAMS.contains(&key.to_ascii_lowercase().as_str())
        || !handshake && compared_as_a_key(cx, node.range());
    report_as(cx, node, key, credential, false);
}

/// Reports the read of `key` when it is a credential (by its name, its configured name or
/// how it is checked), unless what the function does with it says otherwise.
/// `setting`: `key` is the name of the setting that holds the parameter's name
/// (`TOKEN_AUTHENTICATION_KEY`), not the parameter's.
fn report_as(
    cx: &mut Checker<'_>,
    node: &impl ruff_text_size::Ranged,
    key: &str,
    credential: bool,
    setting: bool,
) {
    if credential
        && !only_names_a_cookie(cx, node.range())
        && !only_hashed(cx, node.range())
    {
        // A one-time link (password reset, e-mail confirmation, invitation, unsubscribe)
        // carries its token in the URL by design: it is mailed as a link.
        let one_time = cx.functions.iter().any(|f| {
            let n = f.name.as_str().to_ascii_lowercase();
            // `jwt_verify`, `validate_token`, `verify_auth`: checking the bearer credential
            // itself, not a mailed link (`verify_email`, `confirm_account`).
            let words = crate::patterns::words(&n);
            let checks_the_credential = words
                .iter()
                .any(|w| matches!(w.as_str(), "jwt" | "token" | "auth" | "session" | "api" | "key" | "bearer"))
                && !words.iter().any(|w| {
                    matches!(
                        w.as_str(),
                        "email" | "mail" | "account" | "registration" | "signup" | "reset" | "password" | "invite"
                    )
                });
            [
                "reset",
                "forgot",
                "confirm",
                "verify",
                "validate",
                "validation",
                "activate",
                "invite",
                "invitation",
                "join",
                "unsubscribe",
                "magic",
                "recover",
                "rss",
                "feed",
                "atom",
                "ical",
                "calendar",
                "subscribe",
            ]
            .iter()
            .any(|k| n.contains(k) && !(checks_the_credential && matches!(*k, "verify" | "validate" | "validation")))
        });
        // A signed link token the function checks for its purpose and age (itsdangerous'
        // `serializer.loads(token, salt="file-download", max_age=86400)`): a download or
        // verification link, mailed or handed out as a URL by design.
        let signed_link = cx.functions.last().is_some_and(|f| {
            crate::facts::calls_in(&f.body).iter().any(|c| {
                matches!(callee_last(c), Some("loads" | "loads_unsafe"))
                    && (c.arguments.find_keyword("salt").is_some()
                        || c.arguments.find_keyword("max_age").is_some())
                    // A token read for one audience (`read_token(token,
                    // audience=Audience.password_reset)`): a purpose-bound link.
                    || c.arguments.find_keyword("audience").is_some()
                    // A token looked up for one purpose (`File.get_by_download_token(token,
                    // DownloadType.raw)`, `verify_share_token`): a link to one thing.
                    || callee_last(c).is_some_and(|n| {
                        let ws = crate::patterns::words(n);
                        ws.iter().any(|w| w == "token")
                            && ws.iter().any(|w| {
                                matches!(w.as_str(), "download" | "share" | "export" | "preview" | "attachment")
                            })
                    })
            })
        });
        let one_time = one_time
            || signed_link
            || bound_to_a_link_name(cx, node.range())
            || handed_to_a_provider(cx, node.range())
            || object_link(cx, node.range());
        // The fix drops the read: the value is `None`, as if the parameter were absent.
        // Unsafe: clients that send the token in the URL must move it to the header.
        // What the texts call the parameter: its name, or the setting that holds it.
        let (read, parameter) = if setting {
            (
                format!("the parameter the setting `{key}` names"),
                format!("parameter that the setting `{key}` names"),
            )
        } else {
            (format!("`{key}`"), format!("parameter `{key}`"))
        };
        let fix = cx.file.fix(
            spillcheck_core::Applicability::Unsafe,
            format!("stop reading {read} from the query string (clients send the token in the `Authorization` header)"),
            vec![cx.file.edit(node.range(), "None")],
        );
        let message = format!("credential read from the query string {parameter}");
        // One read per function and parameter: `if request.args.get("access_token"): auth
        // = Authorization(token=request.args["access_token"])` is one fallback, not two.
        let within = cx.functions.last().map(|f| ruff_text_size::Ranged::range(*f));
        if within.is_some_and(|range| {
            cx.findings.iter().any(|f| {
                f.rule_id == SC106.id
                    && f.message == message
                    && f.location.as_ref().is_some_and(|l| {
                        cx.file.line_of(range.start()) <= l.line && l.line <= cx.file.line_of(range.end())
                    })
            })
        }) {
            return;
        }
        let finding = cx.report(&SC106, node, message);
        finding.autofix = fix;
        if one_time {
            finding.lower_to_possible("a one-time or signed link (reset, confirmation, invitation, a download link checked for its purpose and age, a provider's token handed on to link an account, a link to one object by its uuid) carries its token in the URL by design; what matters is that it expires and works once");
        }
    }
}

/// Whether a list of Flask-JWT-Extended token locations names `query_string`.
fn names_query_string(locations: &Expr) -> bool {
    let mut in_url = false;
    crate::ast_util::each_expr(locations, &mut |e| {
        in_url |= crate::ast_util::str_value(e) == Some("query_string");
    });
    in_url
}

/// Flask-JWT-Extended told to take tokens from the URL: `JWT_TOKEN_LOCATION = ["headers",
/// "query_string"]` (also `app.config["JWT_TOKEN_LOCATION"] = ...`).
pub(crate) fn check_assign(cx: &mut Checker<'_>, targets: &[Expr], value: &Expr) {
    let Some(target) = targets.iter().find(|t| {
        crate::recognizers::target_name(t).is_some_and(|n| n == "JWT_TOKEN_LOCATION")
    }) else {
        return;
    };
    if names_query_string(value) {
        cx.report(
            &SC106,
            target,
            "`JWT_TOKEN_LOCATION` includes `query_string`: Flask-JWT-Extended accepts the token in the URL (`?jwt=`)",
        );
    }
}

hooks! {
    on_subscript => check_subscript,
    on_call => check_call,
    on_assign => check_assign,
}
