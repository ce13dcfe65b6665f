//! `SC140` sensitive-field-serialized: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// The whole process environment or application configuration answered (`jsonify(dict(os.environ))`, `current_app.config.items()` in a response; not a value read by its key or the settings' names), and a literal credential written into an answer under a sensitive key (`"api_key": "sk-admin-12345-secret"`; not masks or placeholders). A response built from a record that includes a sensitive field: a dict, schema or `to_dict()` with `password`, `password_hash`, `token`, `api_key`, `secret`, `otp_secret`, `reset_token` passed to `jsonify` or returned from a route; rows of raw SQL answered as they came when the query selects such a column by name (`SELECT s.secret_value ...`), or is a `SELECT *` of a table whose `CREATE TABLE` (in the code or a `.sql` file) has one.
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
    /// ## Known false positives and how confidence is decided
    /// Functions are answers when a route's handler is that very function (a data-layer
    /// method of the same name is not) or a helper whose result the handler returns. A
    /// serializer (`to_dict`, `as_json`) is read wherever it is, but in an application with
    /// routes one that no view returns or calls is `possible` (a command-line export's
    /// `Connection.to_dict` holds the password on purpose). Input
    /// schemas (`UserInputSchema`, `LoginRequest`, `SearchArgs`, or a subclass of an input
    /// base) are loaded, never dumped, and neither they nor what they nest are reported.
    /// The operation that issues a token (login, token refresh, registration) answers with
    /// it on purpose: token fields built by functions named so are not reported; secrets
    /// and password hashes are, everywhere. So does an operation that makes a credential
    /// and hands it to its requester once: a value the handler got from a call that
    /// creates, generates, resets, enables or enrolls one (`account, password =
    /// create_or_reset_preview_account(…)`, `uri, otp_secret = pre_enable_totp(…)` for an
    /// authenticator app) is not reported, unless the field is a hash. Dicts passed to
    /// other calls (an outgoing HTTP request carrying an OAuth client secret) are not
    /// answers.
    ///
    /// A marshmallow schema a route answers with (`return schema.dump(obj)`, `@marshal_with(S)`,
    /// `@bp.response(200, S)`) is reported when it dumps a secret field, its own or a base's:
    /// a response schema built on the create request's schema reads back the `client_secret`
    /// the request took. Fields its `class Meta` excludes or makes `load_only`, `load_only`
    /// fields, a POST (a creation handing its caller the secret it made) and a login are not.
    /// Flask-RESTX's models are schemas too: a dict of fields under a name (`user_out =
    /// ns.model("User", {"password_hash": fields.String, ...})`, `ns.inherit(...)` adding to a
    /// parent model) answered through `@ns.marshal_with(user_out)` or `@marshal_list_with`;
    /// `@ns.response(200, "OK", user_out)` only documents it and is not reported.
    /// pydantic models are schemas too (`class UserOut(BaseModel)`, `SQLModel`, and the
    /// file's classes built on them): a route answers with one when its decorator documents
    /// it as the success answer (flask-openapi3's `responses={200: UserOut}`, SpecTree's
    /// `resp=Response(HTTP_200=UserOut)`) or returns its dump (`UserOut.model_validate(row)
    /// .model_dump()`, `UserOut(**row).dict()`). A field excluded (`Field(exclude=True)`)
    /// or masked when dumped (`SecretStr`) is not reported.
    ///
    /// A person's email address is reported too where a serialization schema shows it of
    /// other people: a marshmallow schema that dumps `email` nested in another schema as
    /// the author, owner or members of something (`author = fields.Nested(UserSchema)`),
    /// so every post or comment shows its author's address. Nesting that excludes the
    /// field (`exclude=("email",)`, `only=`), `load_only` fields, nestings that name
    /// no person (an order's own `contact`) and pages of the people themselves
    /// (`UserCollectionSchema.users`: a user listing, whose callers the route decides) are
    /// not reported.
    ///
    /// A handler that answers such a comprehension over a model's table itself (`{c.name:
    /// getattr(m, c.name) for c in Member.__table__.columns if c.name not in ("email",
    /// "phone")}`) is reported when a secret column stays in: a `not in` list leaves out
    /// the names it quotes, an `in` list keeps only those.
    ///
    /// A model method that dumps every column (`{c.name: getattr(self, c.name) for c in
    /// self.__table__.columns}`, a loop over `inspect(self).mapper.column_attrs`, `return
    /// self.__dict__`) is reported where a route calls it on a record of a model with a
    /// secret column (the class itself, or one built on it that keeps the method): the
    /// route must call it without arguments on a name, local or query that names the
    /// class (`user.to_dict()`, `User.query.get(id).to_dict()`). Not reported: loops that
    /// filter by anything but a leading underscore, fields named in quotes by the method
    /// or the model (`exclude`, `serialize_rules = ("-password_hash",)`), the dict
    /// protocol (`items()`, `keys()`), and operations that issue tokens.
    ///
    /// A record of a record store (a module-level dict or list of records, see
    /// `docs/static-analysis.md`) answered whole (`return jsonify(user)`) is reported when
    /// the store's records hold a secret or a password; not by an operation that issues
    /// tokens.
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
        route_level: true,
    }
}

use ruff_python_ast::{Expr, ModModule};
use spillcheck_core::{Finding, Location};

use ruff_text_size::Ranged;

use crate::recognizers::serializer_name;
use crate::ast_util::{callee_last, dotted, str_value};
use crate::facts::{all_functions, exprs_in};
use crate::model::Model;
use crate::project::{SourceFile, Summary};

fn reads_record(value: &Expr) -> bool {
    match value {
        // `row[13] if row[13] else None`, `user.card_number or None`: either branch.
        Expr::If(i) => reads_record(&i.body) || reads_record(&i.orelse),
        Expr::BoolOp(b) => b.values.iter().any(reads_record),
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
    spillcheck_core::vocab::is_sensitive_field(key)
        && (reads_record(value) || names_secret(value) || secret_literal(value))
        || secret_value(value)
}

/// A literal that looks like a credential, not a mask or a placeholder: eight characters
/// or more, no asterisks, not one character repeated, no spaces (`"sk-admin-12345-secret"`
/// answered under `api_key`).
fn secret_literal(value: &Expr) -> bool {
    str_value(value).is_some_and(|v| {
        v.len() >= 8
            && !v.contains('*')
            && !v.contains(' ')
            && v.chars().collect::<std::collections::BTreeSet<_>>().len() > 3
            && !crate::patterns::is_placeholder(v)
            && !crate::patterns::is_template_marker(v)
            && !crate::patterns::is_not_a_secret_value(v)
    })
}

/// The whole process environment or the app's whole configuration, where every secret the
/// app is given lives: `os.environ`, `dict(os.environ)`, `os.environ.copy()`,
/// `current_app.config` (not a value read from them by its key).
fn whole_settings(value: &Expr, keyed: &[ruff_text_size::TextRange]) -> Option<&'static str> {
    let Expr::Attribute(a) = value else {
        return None;
    };
    if keyed.contains(&value.range()) {
        return None;
    }
    let d = dotted(value)?;
    if d == "os.environ" {
        Some("the process environment (`os.environ`)")
    } else if a.attr.as_str() == "config"
        && dotted(&a.value).is_some_and(|r| r.rsplit('.').next().is_some_and(|l| l.ends_with("app")))
    {
        Some("the application's configuration (`app.config`)")
    } else {
        None
    }
}

/// A value whose own name says it holds a secret: `reset_pin`, `new_password`,
/// `JWT_SECRET` (a name, or an attribute of anything but the request).
fn names_secret(value: &Expr) -> bool {
    let name = match value {
        Expr::Name(n) => n.id.as_str(),
        Expr::Attribute(a) if dotted(&a.value).is_none_or(|d| !d.contains("request")) => {
            a.attr.as_str()
        }
        _ => return false,
    };
    let n = name.to_ascii_lowercase();
    crate::patterns::is_password_like_name(&n)
        || spillcheck_core::vocab::is_sensitive_field(&n)
        || n.ends_with("_pin")
        || n.ends_with("_secret")
        || n.ends_with("secret_key")
}

/// The application's own keys, whatever the field is called: `app.secret_key`,
/// `current_app.config["SECRET_KEY"]`, a module constant named like a signing key.
fn secret_value(value: &Expr) -> bool {
    match value {
        Expr::Attribute(a) => a.attr.as_str() == "secret_key",
        Expr::Subscript(s) => {
            str_value(&s.slice).is_some_and(crate::patterns::is_signing_key_name)
                && dotted(&s.value).is_some_and(|d| d.ends_with("config"))
        }
        Expr::Name(n) => {
            let id = n.id.as_str();
            id.chars()
                .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
                && crate::patterns::is_signing_key_name(id)
        }
        _ => false,
    }
}

/// A function that issues credentials (login, token refresh, registration): the token in
/// its answer is its product, not a leak.
fn issues_tokens(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "login",
        "signin",
        "sign_in",
        "token",
        "refresh",
        "authenticate",
        "oauth",
        "register",
        "signup",
        "sign_up",
        "session",
    ]
    .iter()
    .any(|k| n.contains(k))
}

/// A value made fresh here: `secrets.token_urlsafe()`, `uuid4().hex`, `os.urandom(16)`.
fn generated(value: &Expr) -> bool {
    crate::ast_util::any_expr(value, &mut |e| {
        matches!(e, Expr::Call(c) if callee_last(c).is_some_and(|n| matches!(
            n,
            "token_urlsafe" | "token_hex" | "token_bytes" | "uuid4" | "urandom" | "gen_salt"
                | "get_random_string" | "hexlify"
        )))
    })
}

/// A function that creates a credential and shows it once (`create_api_key`,
/// `generate_card`, `new_client`): the key, secret or card number it answers with is the
/// thing it issues. Passwords are never issued this way.
fn issues_secret(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["create", "new", "generate", "issue", "regenerate", "rotate"]
        .iter()
        .any(|k| n.starts_with(k) || n.contains(&format!("_{k}")))
}

/// A call that makes a credential and returns it (`create_or_reset_preview_account`,
/// `pre_enable_totp`, `generate_api_key`, `auth_service.enroll_otp`), possibly awaited.
fn makes_credential(value: &Expr) -> bool {
    let value = match value {
        Expr::Await(a) => a.value.as_ref(),
        v => v,
    };
    let Expr::Call(c) = value else { return false };
    // A token signed here (`signer.sign(str(workspace.id)).decode()`, `jwt.encode(...)`,
    // `create_access_token(...)`), at any depth of the value.
    let signs = crate::ast_util::any_expr(value, &mut |e| {
        let Expr::Call(inner) = e else { return false };
        let dotted = crate::ast_util::dotted(&inner.func).unwrap_or_default();
        matches!(callee_last(inner), Some("sign" | "create_access_token" | "create_refresh_token"))
            || dotted == "jwt.encode"
    });
    signs
        || callee_last(c).is_some_and(|n| {
            let n = n.to_ascii_lowercase();
            [
                "create", "generate", "reset", "enable", "enroll", "issue", "regenerate", "rotate",
                "provision",
            ]
            .iter()
            .any(|k| n.contains(k))
        })
}

/// A serializer of a model (`User.to_dict`) answers requests; a private helper named
/// like one (`_credentials_to_dict`) counts only if a view answers with it.
fn is_serializer(name: &str) -> bool {
    serializer_name(name) && !name.starts_with('_')
}

/// `SC140` in a file's serializers, read in the file pass (whether or not the project is
/// a web application). Each finding is recorded with the serializer's name
/// (`summary.serialized_by`): in a web application, one that no route answers is settled
/// once the routes are known.
fn check_serializers(file: &SourceFile, module: &ModModule, summary: &mut Summary) {
    let taints = crate::facts::Taints::default();
    for (_q, func, class) in all_functions(&module.body) {
        if is_serializer(func.name.as_str()) {
            check_function(file, func, class, &taints, &mut summary.findings);
            summary
                .serialized_by
                .resize(summary.findings.len(), func.name.to_string());
        }
    }
}

/// `SC140` on views that answer a record of a record store whole (`return jsonify(user)`
/// where `user = users.get(user_id)`): the secrets the store's records hold go with it.
/// Not on a view that issues tokens (a login answers its own).
fn check_store_answers(cx: &crate::project::Project<'_>, findings: &mut Vec<Finding>) {
    for (site, data) in cx.model.routes.iter().zip(cx.route_data) {
        let Some((at, secrets)) = &data.whole_store_answer else {
            continue;
        };
        let file = &cx.files[site.file_index];
        let Some((model, field)) = secrets.first() else {
            continue;
        };
        if file.is_test || issues_tokens(site.func.name.as_str()) {
            continue;
        }
        let method = site.route.methods.first().map_or("GET", String::as_str);
        findings.push(
            Finding::new(
                &SC140,
                format!(
                    "`{field}` of a `{model}` record is answered with the whole record by `{}`",
                    site.func.name
                ),
            )
            .at(file.location(*at))
            .on_route(method, &site.route.path),
        );
    }
}

/// `SC140` in the other functions views answer with (a web application's trees are kept).
fn check_responders<'a>(
    model: &Model<'_>,
    files: &'a [SourceFile],
    taints: &crate::facts::Taints<'a>,
    findings: &mut Vec<Finding>,
) {
    if model.response_functions.is_empty() && model.response_handlers.is_empty() {
        return;
    }
    for (index, file) in files.iter().enumerate().filter(|(_, f)| !f.is_test) {
        let Some(module) = file.module() else {
            continue;
        };
        for (_q, func, class) in all_functions(&module.body) {
            let name = func.name.as_str();
            let responds = model
                .response_handlers
                .contains(&crate::facts::func_id(index, func))
                || model.response_functions.contains(name);
            if !is_serializer(name) && responds {
                check_function(file, func, class, taints, findings);
            }
        }
    }
}

/// `SC140`: a dict (or `jsonify`/`dict` keywords) built in a response-producing function
/// that copies a sensitive field of a record.
fn check_function<'a>(
    file: &SourceFile,
    func: &'a ruff_python_ast::StmtFunctionDef,
    class: Option<&ruff_python_ast::StmtClassDef>,
    taints: &crate::facts::Taints<'a>,
    findings: &mut Vec<Finding>,
) {
    let name = func.name.as_str();
    // Dicts handed to another call than a response builder are payloads of that
    // call (`requests.post(url, data={"client_secret": ...})`), not the answer.
    let mut payloads: Vec<ruff_text_size::TextRange> = Vec::new();
    exprs_in(&func.body, &mut |e| {
        if let Expr::Call(c) = e
            && !matches!(
                callee_last(c),
                Some(
                    "jsonify"
                        | "dict"
                        | "make_response"
                        | "Response"
                        | "json_response"
                        | "dumps"
                )
            )
        {
            for a in crate::patterns::call_values(c)
            {
                if matches!(a, Expr::Dict(_)) {
                    payloads.push(a.range());
                }
            }
        }
    });
    let issues_tokens =
        issues_tokens(name) || class.is_some_and(|c| issues_tokens(c.name.as_str()));
    let issues_secret = issues_secret(name);
    // Values the request itself carried (the caller's own token echoed back) are
    // not secrets of the server.
    let from_request = crate::facts::names_bound_to(&func.body, |v| {
        crate::ast_util::any_expr(
            v,
            &mut |e| crate::recognizers::is_request_object(e),
        )
    });
    let request_names = taints.of(func).closure(&from_request);
    // Tokens this function makes (`secrets.token_urlsafe()`, `uuid4()`) are issued by it.
    let fresh = crate::facts::names_bound_to(&func.body, generated);
    // What a call that makes a credential returned (`account, password =
    // create_or_reset_preview_account(…)`, `uri, secret = pre_enable_totp(…)`): the
    // operation hands the requester the credential it just issued, once.
    let made = crate::facts::names_bound_to(&func.body, makes_credential);
    let own_value = |v: &Expr| {
        matches!(v, Expr::Name(n) if request_names.contains(n.id.as_str()) || fresh.contains(&n.id.as_str()))
            || generated(v)
    };
    let made_here = |key: &str, v: &Expr| {
        !key.to_ascii_lowercase().contains("hash")
            && matches!(v, Expr::Name(n) if made.contains(&n.id.as_str()))
    };
    let issued = |key: &str| {
        issues_tokens && spillcheck_core::vocab::is_token_field(key)
            || issues_secret && {
                let k = key.to_ascii_lowercase();
                !(k.contains("pass") || k.contains("pwd"))
            }
    };
    // Endpoints that receive a password: echoing their request body returns it.
    let takes_password = {
        let n = name.to_ascii_lowercase();
        [
            "register",
            "signup",
            "sign_up",
            "login",
            "password",
            "reset",
            "credential",
        ]
        .iter()
        .any(|k| n.contains(k))
    };
    // The whole body, not fields read from it.
    let body_names: Vec<&str> = if takes_password {
        crate::facts::names_bound_to(&func.body, crate::patterns::is_body_dump)
    } else {
        Vec::new()
    };
    let echoes_body = |v: &Expr| {
        takes_password
            && (crate::patterns::is_body_dump(v)
                || matches!(v, Expr::Name(n) if body_names.contains(&n.id.as_str())))
    };
    // (where to point, the message, the value copied)
    let mut hits: Vec<(&Expr, String, &Expr)> = Vec::new();
    // Only what the function answers with: dicts in its returns (or in names they
    // read), not dicts handed to storage, sessions or other calls.
    let returned = crate::facts::returned_exprs(&func.body);
    let mut visit = |e: &'a Expr| match e {
        Expr::Dict(d) if payloads.iter().any(|p| p.contains_range(d.range())) => {}
        Expr::Dict(d) => {
            for item in &d.items {
                if let Some(key) = item.key.as_ref().and_then(str_value)
                    && sensitive(key, &item.value)
                    && !issued(key)
                    && !own_value(&item.value)
                    && !made_here(key, &item.value)
                {
                    hits.push((
                        item.key.as_ref().expect("key"),
                        format!("`{key}` is copied into a response by `{name}`"),
                        &item.value,
                    ));
                } else if let Some(key) = item.key.as_ref().and_then(str_value)
                    && echoes_body(&item.value)
                {
                    hits.push((
                        item.key.as_ref().expect("key"),
                        format!("`{key}` echoes the request body of `{name}`, with the password it carries, into the response"),
                        &item.value,
                    ));
                }
            }
        }
        Expr::Call(c) if matches!(callee_last(c), Some("jsonify" | "dict")) => {
            for k in &c.arguments.keywords {
                if let Some(arg) = &k.arg
                    && sensitive(arg.as_str(), &k.value)
                    && !issued(arg.as_str())
                    && !own_value(&k.value)
                    && !made_here(arg.as_str(), &k.value)
                {
                    hits.push((
                        &k.value,
                        format!("`{arg}` is copied into a response by `{name}`"),
                        &k.value,
                    ));
                }
            }
        }
        _ => {}
    };
    // Settings read by key (`os.environ["HOME"]`, `app.config.get("DEBUG")`,
    // `app.config.API_URL`) or only for their names (`.keys()`): not the whole.
    let mut keyed: Vec<ruff_text_size::TextRange> = Vec::new();
    for r in &returned {
        crate::ast_util::each_expr(r, &mut |e| match e {
            Expr::Subscript(sub) => keyed.push(sub.value.range()),
            // `current_app.config.API_REDOC_SOURCE_URL`: one setting read by attribute
            // (configurations that allow it).
            Expr::Attribute(a)
                if a.attr.as_str().chars().any(|c| c.is_ascii_uppercase())
                    && !a.attr.as_str().chars().any(|c| c.is_ascii_lowercase()) =>
            {
                keyed.push(a.value.range());
            }
            // `"KEY" in os.environ`.
            Expr::Compare(c) => {
                for (op, right) in c.ops.iter().zip(c.comparators.iter()) {
                    if matches!(op, ruff_python_ast::CmpOp::In | ruff_python_ast::CmpOp::NotIn) {
                        keyed.push(right.range());
                    }
                }
            }
            Expr::Call(c) => {
                if let Expr::Attribute(a) = c.func.as_ref()
                    && matches!(a.attr.as_str(), "get" | "keys" | "__contains__")
                {
                    keyed.push(a.value.range());
                }
                // Handed to a function of the project's that reads what it needs
                // (`get_fees(app.specter, app.config)`): its answer is the function's,
                // not the settings. Builders that answer their argument whole stay.
                if let Some(f) = callee_last(c)
                    && !matches!(
                        f,
                        "dict"
                            | "list"
                            | "tuple"
                            | "sorted"
                            | "copy"
                            | "deepcopy"
                            | "items"
                            | "jsonify"
                            | "dumps"
                            | "make_response"
                            | "Response"
                            | "render_template"
                            | "render_template_string"
                            | "str"
                            | "repr"
                            | "format"
                            | "OrderedDict"
                            | "vars"
                            | "pformat"
                    )
                {
                    keyed.extend(c.arguments.args.iter().map(Ranged::range));
                    keyed.extend(c.arguments.keywords.iter().map(|k| k.value.range()));
                }
            }
            _ => {}
        });
    }
    let mut dumps: Vec<(&Expr, &'static str)> = Vec::new();
    for r in &returned {
        crate::ast_util::each_expr(r, &mut |e| {
            if let Some(what) = whole_settings(e, &keyed) {
                dumps.push((e, what));
            }
        });
    }
    if let Some((node, what)) = dumps.first() {
        findings.push(
            Finding::new(
                &SC140,
                format!("{what} is copied into a response by `{name}`, with every secret it holds"),
            )
            .at(file.at(*node)),
        );
    }
    for r in returned {
        crate::ast_util::each_expr(r, &mut visit);
    }
    let mut said: Vec<String> = Vec::new();
    for (node, message, value) in hits {
        // The same field of several rows (a list of users' dicts): one finding.
        if said.contains(&message) {
            continue;
        }
        said.push(message.clone());
        let mut finding = Finding::new(&SC140, message).at(file.at(node));
        // A credential written as a literal is redacted wherever the finding is shown.
        if secret_literal(value)
            && let Some(v) = str_value(value)
        {
            finding.secrets.push(v.to_owned());
        }
        // A bare `secret` names a credential as well as what a user keeps (a vault entry's
        // or a book's secret text, shown to its owner): the name alone does not tell.
        let value_name = match value {
            Expr::Attribute(a) => Some(a.attr.to_string()),
            Expr::Subscript(sub) => crate::ast_util::str_value(&sub.slice).map(str::to_owned),
            _ => None,
        }
        .map(|n| spillcheck_core::vocab::normalize(&n));
        if finding.message.starts_with("`secret` ")
            && value_name.is_some_and(|n| matches!(n.as_str(), "secret" | "secretcontent" | "secrettext" | "content"))
        {
            finding.lower_to_possible(
                "a field named only `secret` may be a secret the user keeps in the app (a note's text), shown to its owner by design; whether someone else may read it is SC102's question",
            );
        }
        findings.push(finding);
    }
}

/// Every class defined in `body`, nested ones (in classes and functions) included.
fn classes_in<'a>(
    body: &'a [ruff_python_ast::Stmt],
    out: &mut Vec<&'a ruff_python_ast::StmtClassDef>,
) {
    for stmt in body {
        match stmt {
            ruff_python_ast::Stmt::ClassDef(c) => {
                out.push(c);
                classes_in(&c.body, out);
            }
            ruff_python_ast::Stmt::FunctionDef(f) => classes_in(&f.body, out),
            _ => {}
        }
    }
}

/// Nested fields that hold another person: the author, owner or members of something.
fn names_a_person(field: &str) -> bool {
    let n = field.to_ascii_lowercase();
    [
        "author",
        "owner",
        "user",
        "creator",
        "sender",
        "recipient",
        "follower",
        "following",
        "member",
        "participant",
        "commenter",
        "reviewer",
        "assignee",
        "actor",
        "poster",
        "friend",
        "profile",
        "uploader",
        "host",
        "attendee",
        "customer",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// Whether a class derives from a marshmallow schema by name (`Schema`, `ma.Schema`,
/// `SQLAlchemySchema`, `SQLAlchemyAutoSchema`, a project `BaseSchema`).
fn is_schema_class(c: &ruff_python_ast::StmtClassDef) -> bool {
    c.arguments.as_ref().is_some_and(|a| {
        a.args.iter().any(|b| {
            dotted(b).is_some_and(|d| d.rsplit('.').next().unwrap_or(&d).ends_with("Schema"))
        })
    })
}

/// The field-declaring call of a class-level assignment (`email = fields.Email()`,
/// `email = ma.auto_field()`), when it is not `load_only`.
fn dumped_field(value: &Expr) -> Option<&ruff_python_ast::ExprCall> {
    let Expr::Call(c) = value else { return None };
    let load_only =
        crate::ast_util::kwarg(c, "load_only").and_then(crate::ast_util::bool_value) == Some(true);
    (!load_only).then_some(c)
}

/// The schema a `Nested(...)` call (anywhere in a field's value, as in
/// `fields.List(fields.Nested(UserSchema))`) shows, unless it leaves out `email`.
fn nested_schema(value: &Expr) -> Option<String> {
    let mut found = None;
    crate::ast_util::any_expr(value, &mut |e| {
        let Expr::Call(c) = e else { return false };
        if callee_last(c) != Some("Nested") {
            return false;
        }
        let Some(arg) = c.arguments.args.first() else {
            return false;
        };
        let name = match arg {
            Expr::StringLiteral(_) => str_value(arg).map(str::to_owned),
            other => dotted(other).map(|d| d.rsplit('.').next().unwrap_or(&d).to_owned()),
        };
        let leaves_out = |k: &str| {
            crate::ast_util::kwarg(c, k).is_some_and(|v| {
                let mut mentions = false;
                crate::ast_util::any_expr(v, &mut |x| {
                    mentions |=
                        str_value(x).is_some_and(|s| s.to_ascii_lowercase().contains("email"));
                    false
                });
                mentions
            })
        };
        let only = crate::ast_util::kwarg(c, "only").is_some();
        if leaves_out("exclude") || (only && !leaves_out("only")) {
            return false;
        }
        found = name.filter(|n| n != "self");
        found.is_some()
    });
    found
}

/// The file's marshmallow schemas that dump an email address, and those nested in another
/// schema as a person (settled by [`check_schemas`] once every file is read).
/// A schema that only reads requests, by its name or its base's (`UserInputSchema`,
/// `class X(LemurInputSchema)`, `LoginRequest`, `SearchArgs`): it is loaded, never dumped
/// into an answer, and what it nests is input too.
fn is_input_schema(c: &ruff_python_ast::StmtClassDef) -> bool {
    let input_name = |name: &str| {
        let stem = name.strip_suffix("Schema").unwrap_or(name);
        let words = crate::patterns::words(stem);
        words.iter().any(|w| w == "input")
            || words.last().is_some_and(|w| {
                matches!(
                    w.as_str(),
                    "in" | "request" | "args" | "params" | "query" | "filter" | "form"
                )
            })
    };
    input_name(c.name.as_str())
        || c.arguments.as_ref().is_some_and(|a| {
            a.args.iter().filter_map(crate::ast_util::dotted).any(|b| {
                input_name(b.rsplit('.').next().unwrap_or(&b))
            })
        })
}

fn gather_schemas(file: &SourceFile, module: &ModModule, summary: &mut Summary) {
    // Instances made once for the module (`user_schema = UserSchema()`): which class each
    // name holds, settled against the project's schemas once every file is read.
    for stmt in &module.body {
        if let ruff_python_ast::Stmt::Assign(a) = stmt
            && let [Expr::Name(n)] = a.targets.as_slice()
            && let Expr::Call(c) = a.value.as_ref()
            && let Some(class) = dotted(&c.func)
        {
            let class = class.rsplit('.').next().unwrap_or(&class);
            if class.starts_with(|ch: char| ch.is_ascii_uppercase()) {
                summary.schema_instances.push((
                    file.rel.clone(),
                    n.id.to_string(),
                    class.to_owned(),
                ));
            }
        }
    }
    if !file.is_test {
        gather_field_dicts(file, module, summary);
        gather_pydantic_models(file, module, summary);
    }
    let mut classes: Vec<&ruff_python_ast::StmtClassDef> = Vec::new();
    classes_in(&module.body, &mut classes);
    for c in classes.into_iter().filter(|c| is_schema_class(c)) {
        // An input schema's own fields are never an answer's people, but a response schema
        // built on it dumps its secrets.
        let input = is_input_schema(c);
        let mut secrets = Vec::new();
        let mut declared_load_only: Vec<String> = Vec::new();
        for stmt in &c.body {
            let ruff_python_ast::Stmt::Assign(a) = stmt else {
                continue;
            };
            let [Expr::Name(target)] = a.targets.as_slice() else {
                continue;
            };
            let field = target.id.as_str();
            if let Expr::Call(call) = a.value.as_ref()
                && crate::ast_util::kwarg(call, "load_only").and_then(crate::ast_util::bool_value)
                    == Some(true)
            {
                declared_load_only.push(field.to_owned());
            }
            if let Some(call) = dumped_field(&a.value) {
                let key = crate::ast_util::kwarg(call, "data_key")
                    .and_then(str_value)
                    .unwrap_or(field);
                let nested = callee_last(call) == Some("Nested");
                if !nested && spillcheck_core::vocab::is_secret_field(key) {
                    secrets.push((key.to_owned(), file.at(stmt)));
                }
                if input {
                    continue;
                }
                if spillcheck_core::vocab::normalize(key).contains("email") && !nested {
                    summary
                        .schema_emails
                        .push((c.name.to_string(), file.at(stmt), key.to_owned()));
                }
                if names_a_person(field)
                    && let Some(inner) = nested_schema(&a.value)
                {
                    summary
                        .schema_nestings
                        .push((inner, format!("{}.{field}", c.name)));
                }
            }
        }
        if !file.is_test {
            let bases: Vec<String> = c
                .bases()
                .iter()
                .filter_map(|b| dotted(b).map(|d| d.rsplit('.').next().unwrap_or(&d).to_owned()))
                .collect();
            let auto = bases.iter().any(|b| auto_schema_base(b));
            let (model, only) = meta_model(c);
            let mut left_out = meta_left_out(c);
            left_out.extend(declared_load_only);
            summary.schema_secrets.push(SchemaSecrets {
                name: c.name.to_string(),
                bases,
                secrets,
                left_out,
                auto,
                model,
                only,
                field_dict: false,
            });
        }
    }
}

/// pydantic models (`class UserOut(BaseModel)`, `SQLModel`, and classes of the file built on
/// one): a schema whose annotated fields are its fields, a secret one among them unless it
/// is excluded (`Field(exclude=True)`) or masked when dumped (`SecretStr`).
fn gather_pydantic_models(file: &SourceFile, module: &ModModule, summary: &mut Summary) {
    let mut classes: Vec<&ruff_python_ast::StmtClassDef> = Vec::new();
    classes_in(&module.body, &mut classes);
    let mut models: Vec<&str> = Vec::new();
    for c in classes {
        let bases: Vec<String> = c
            .bases()
            .iter()
            .filter_map(|b| dotted(b).map(|d| d.rsplit('.').next().unwrap_or(&d).to_owned()))
            .collect();
        if !bases.iter().any(|b| {
            matches!(b.as_str(), "BaseModel" | "SQLModel" | "RootModel") || models.contains(&b.as_str())
        }) {
            continue;
        }
        models.push(c.name.as_str());
        let mut secrets = Vec::new();
        let mut left_out = Vec::new();
        for stmt in &c.body {
            let ruff_python_ast::Stmt::AnnAssign(a) = stmt else {
                continue;
            };
            let Expr::Name(target) = a.target.as_ref() else {
                continue;
            };
            let field = a
                .value
                .as_deref()
                .and_then(|v| match v {
                    Expr::Call(call) => Some(call),
                    _ => None,
                })
                .filter(|call| callee_last(call) == Some("Field"));
            let key = field
                .and_then(|call| crate::ast_util::kwarg(call, "serialization_alias").or_else(|| crate::ast_util::kwarg(call, "alias")))
                .and_then(str_value)
                .unwrap_or(target.id.as_str());
            let excluded = field.is_some_and(|call| {
                crate::ast_util::kwarg(call, "exclude").and_then(crate::ast_util::bool_value) == Some(true)
            });
            let masked = crate::ast_util::any_expr(&a.annotation, &mut |e| {
                dotted(e).is_some_and(|d| d.ends_with("SecretStr") || d.ends_with("SecretBytes"))
            });
            if excluded || masked {
                left_out.push(key.to_owned());
            } else if spillcheck_core::vocab::is_secret_field(key) {
                secrets.push((key.to_owned(), file.at(stmt)));
            }
        }
        summary.schema_secrets.push(SchemaSecrets {
            name: c.name.to_string(),
            bases,
            secrets,
            left_out,
            auto: false,
            model: None,
            only: None,
            field_dict: false,
        });
    }
}

/// Flask-RESTX's and Flask-RESTful's models: a dict of fields under a name
/// (`user_out = ns.model("User", {"email": fields.String, ...})`, `api.inherit("Admin",
/// user_out, {...})`, `api.clone(...)`), which `@ns.marshal_with(user_out)` answers with:
/// a schema named for the variable that holds it, its parent models as its bases.
fn gather_field_dicts(file: &SourceFile, module: &ModModule, summary: &mut Summary) {
    for stmt in &module.body {
        let ruff_python_ast::Stmt::Assign(a) = stmt else {
            continue;
        };
        let ([Expr::Name(n)], Expr::Call(c)) = (a.targets.as_slice(), a.value.as_ref()) else {
            continue;
        };
        if !matches!(c.func.as_ref(), Expr::Attribute(_))
            || !matches!(callee_last(c), Some("model" | "inherit" | "clone"))
        {
            continue;
        }
        let Some(dict) = c.arguments.args.iter().find_map(|x| match x {
            Expr::Dict(d) => Some(d),
            _ => None,
        }) else {
            continue;
        };
        let bases: Vec<String> = c
            .arguments
            .args
            .iter()
            .skip(1)
            .filter_map(|x| match x {
                Expr::Name(b) => Some(b.id.to_string()),
                _ => None,
            })
            .collect();
        let secrets: Vec<(String, Location)> = dict
            .items
            .iter()
            .filter_map(|item| item.key.as_ref().and_then(str_value))
            .filter(|k| spillcheck_core::vocab::is_secret_field(k))
            .map(|k| (k.to_owned(), file.at(stmt)))
            .collect();
        summary.schema_secrets.push(SchemaSecrets {
            name: n.id.to_string(),
            bases,
            secrets,
            left_out: Vec::new(),
            auto: false,
            model: None,
            only: None,
            field_dict: true,
        });
    }
}

/// A nesting that is a page of the records themselves (`UserCollectionSchema.users`,
/// `PaginatedMembersSchema.items`): the listing of people, not a person shown beside
/// something else (who may call a user directory is the route's concern).
fn a_listing(outer: &str) -> bool {
    let Some((class, field)) = outer.split_once('.') else {
        return false;
    };
    let class = class.to_ascii_lowercase();
    ["collection", "list", "page", "paginat", "results"]
        .iter()
        .any(|w| class.contains(w))
        && field.ends_with('s')
        && (matches!(field, "items" | "results" | "records" | "entries") || names_a_person(field))
}

/// `SC140` on marshmallow schemas that dump an email address and are nested as the
/// author, owner or members of another schema's objects: every such answer shows other
/// people's addresses.
fn check_schemas(summary: &Summary, findings: &mut Vec<Finding>) {
    // schema name -> (the email field's statement, field name): the first in file order
    let mut emails: rustc_hash::FxHashMap<&str, (&Location, &str)> =
        rustc_hash::FxHashMap::default();
    for (schema, at, key) in &summary.schema_emails {
        emails.entry(schema).or_insert((at, key));
    }
    // nested schema name -> ["PostSchema.author", ...]
    let mut nestings: rustc_hash::FxHashMap<&str, Vec<&str>> = rustc_hash::FxHashMap::default();
    for (inner, outer) in &summary.schema_nestings {
        nestings.entry(inner).or_default().push(outer);
    }
    let mut schemas: Vec<&str> = emails.keys().copied().collect();
    schemas.sort_unstable();
    for schema in schemas {
        let Some(uses) = nestings.get(schema) else {
            continue;
        };
        let (at, key) = emails[schema];
        let mut uses: Vec<&str> = uses.iter().copied().filter(|u| !a_listing(u)).collect();
        if uses.is_empty() {
            continue;
        }
        uses.sort_unstable();
        uses.dedup();
        let shown: Vec<String> = uses.iter().take(3).map(|u| format!("`{u}`")).collect();
        findings.push(
            Finding::new(
                &SC140,
                format!(
                    "`{key}` of `{schema}` is dumped wherever the schema is nested as a person ({}): every such answer shows other people's email addresses",
                    shown.join(", ")
                ),
            )
            .at(at.clone())
            .with_severity(spillcheck_core::Severity::Medium)
            .with_note("personal data, not a secret: an email address of another user (CWE-359)"),
        );
    }
}

/// What a model method iterates to dump every column: the table's or the mapper's columns
/// (`self.__table__.columns`, `inspect(self).mapper.column_attrs`), or the instance's
/// attributes (`self.__dict__`, `vars(self)`).
fn all_columns(text: &str) -> bool {
    [
        "__table__",
        "__mapper__",
        "column_attrs",
        "__dict__",
        "vars(self)",
        "inspect(self)",
        "class_mapper(",
    ]
    .iter()
    .any(|m| text.contains(m))
}

/// A condition that keeps every column but private attributes (`not k.startswith("_")`).
fn keeps_every_column(cond: &str) -> bool {
    cond.contains("startswith") && ![" and ", " or ", " in "].iter().any(|w| cond.contains(w))
}

/// Where a method dumps every column of its record: a loop or comprehension over them
/// that filters nothing but private attributes, or the instance's attributes returned
/// whole (`return self.__dict__`). Returns the place and what it iterates.
fn column_dump(text: &str, func: &ruff_python_ast::StmtFunctionDef) -> Option<(ruff_text_size::TextRange, String)> {
    use ruff_python_ast::Stmt;
    fn in_stmts(text: &str, body: &[Stmt]) -> Option<(ruff_text_size::TextRange, String)> {
        for s in body {
            let found = match s {
                Stmt::For(f) => {
                    let iter = &text[f.iter.range()];
                    let mut filtered = false;
                    for b in &f.body {
                        if let Stmt::If(i) = b
                            && !keeps_every_column(&text[i.test.range()])
                        {
                            filtered = true;
                        }
                        if matches!(b, Stmt::Continue(_)) {
                            filtered = true;
                        }
                    }
                    if all_columns(iter) && !filtered {
                        Some((f.iter.range(), iter.to_owned()))
                    } else {
                        in_stmts(text, &f.body)
                    }
                }
                Stmt::If(i) => in_stmts(text, &i.body).or_else(|| {
                    i.elif_else_clauses
                        .iter()
                        .find_map(|c| in_stmts(text, &c.body))
                }),
                Stmt::With(w) => in_stmts(text, &w.body),
                Stmt::Try(t) => in_stmts(text, &t.body),
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }
    if let Some(found) = in_stmts(text, &func.body) {
        return Some(found);
    }
    let mut found = None;
    exprs_in(&func.body, &mut |e| {
        if found.is_some() {
            return;
        }
        let Some(generators) = crate::ast_util::comprehension_generators(e) else {
            return;
        };
        for g in generators {
            let iter = &text[g.iter.range()];
            if all_columns(iter) && g.ifs.iter().all(|c| keeps_every_column(&text[c.range()])) {
                found = Some((g.iter.range(), iter.to_owned()));
            }
        }
    });
    if found.is_some() {
        return found;
    }
    // `return self.__dict__`, `return dict(vars(self))`: the attributes as they are.
    for value in crate::facts::returned_exprs(&func.body) {
        let t = &text[value.range()];
        if (t.contains("__dict__") || t.contains("vars(self)")) && !matches!(value, Expr::Subscript(_)) && !t.contains('[') {
            return Some((value.range(), t.to_owned()));
        }
    }
    None
}

/// Whether `word` stands in `text` as a whole identifier (`User` in `User.query.get(id)`).
fn has_word(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(ident)
            && !text[i + word.len()..].chars().next().is_some_and(ident)
    })
}

/// Whether a handler calls `method()` (no argument) on a record of `class`: the receiver
/// names it (`user.to_dict()` for `User`, `User.query.get(id).to_dict()`), or is a local
/// assigned from an expression that names the class (`u = User.query.get(id)`), or the
/// variable of a comprehension over one (`[p.to_dict() for p in Post.query.all()]`).
fn calls_on_record(
    text: &str,
    func: &ruff_python_ast::StmtFunctionDef,
    method: &str,
    class: &str,
) -> bool {
    use ruff_python_ast::Stmt;
    let model = crate::facts::model_key(class);
    // Locals and comprehension variables, with the text they are bound from.
    let mut bound: Vec<(&str, &str)> = Vec::new();
    for stmt in &func.body {
        crate::ast_util::each_stmt(stmt, &mut |st| {
            if let Stmt::Assign(a) = st
                && let [Expr::Name(n)] = a.targets.as_slice()
            {
                bound.push((n.id.as_str(), &text[a.value.range()]));
            }
        });
    }
    exprs_in(&func.body, &mut |e| {
        let Some(generators) = crate::ast_util::comprehension_generators(e) else {
            return;
        };
        for g in generators {
            if let Expr::Name(n) = &g.target {
                bound.push((n.id.as_str(), &text[g.iter.range()]));
            }
        }
    });
    let mut calls = false;
    exprs_in(&func.body, &mut |e| {
        if let Expr::Call(c) = e
            && callee_last(c) == Some(method)
            && c.arguments.is_empty()
            && let Expr::Attribute(a) = c.func.as_ref()
        {
            let receiver = &text[a.value.range()];
            let last = dotted(&a.value)
                .and_then(|d| d.rsplit('.').next().map(str::to_owned))
                .unwrap_or_default();
            if has_word(receiver, class)
                || (!last.is_empty() && crate::facts::model_key(&last).ends_with(&model))
                || bound
                    .iter()
                    .any(|(n, from)| *n == last && has_word(from, class))
            {
                calls = true;
            }
        }
    });
    calls
}

/// An `SC140` finding on a route's first method, at `at` in its file, with the message
/// `message` makes of the method and the path.
fn route_finding(
    site: &crate::model::RouteSite<'_>,
    file: &SourceFile,
    at: ruff_text_size::TextRange,
    message: &dyn Fn(&str, &str) -> String,
) -> Finding {
    let method = site.route.methods.first().map_or("GET", String::as_str);
    Finding::new(&SC140, message(method, &site.route.path))
        .at(file.location(at))
        .on_route(method, &site.route.path)
}

/// `SC140` in a handler itself: a dict comprehension over a model's columns
/// (`{c.name: getattr(m, c.name) for c in Member.__table__.columns if c.name not in
/// ("email", "phone")}`) that leaves a secret column in: the names a `not in` / `!=`
/// condition quotes are left out, and a condition that keeps listed names (`in (...)`)
/// keeps only those.
fn check_route_column_dumps(cx: &crate::project::Project<'_>, findings: &mut Vec<Finding>) {
    for site in &cx.model.routes {
        let file = &cx.files[site.file_index];
        if file.is_test || site.route.methods.iter().all(|m| m == "POST") {
            continue;
        }
        let mut hit: Option<(ruff_text_size::TextRange, String, String)> = None;
        exprs_in(&site.func.body, &mut |e| {
            let Expr::DictComp(d) = e else { return };
            if hit.is_some() {
                return;
            }
            let [generator] = d.generators.as_slice() else {
                return;
            };
            let iter = &file.text[generator.iter.range()];
            let Some(model) = iter
                .strip_suffix(".__table__.columns")
                .or_else(|| iter.strip_suffix(".__table__.columns.values()"))
                .and_then(|m| m.rsplit('.').next())
                .filter(|m| m.starts_with(|c: char| c.is_ascii_uppercase()))
            else {
                return;
            };
            let Some(fields) = cx.data_models.fields(&crate::facts::model_key(model)) else {
                return;
            };
            let conditions: Vec<&str> = generator
                .ifs
                .iter()
                .map(|c| &file.text[c.range()])
                .collect();
            let quoted = |f: &str| {
                conditions
                    .iter()
                    .any(|c| c.contains(&format!("\"{f}\"")) || c.contains(&format!("'{f}'")))
            };
            let keeps_listed = conditions
                .iter()
                .any(|c| c.contains(" in ") && !c.contains(" not in "));
            let left_out_by_others = conditions
                .iter()
                .any(|c| !(c.contains(" in ") || c.contains("!=")));
            if left_out_by_others {
                return;
            }
            if let Some(secret) = fields.iter().find(|f| {
                spillcheck_core::vocab::is_secret_field(f)
                    && if keeps_listed { quoted(f) } else { !quoted(f) }
            }) {
                hit = Some((e.range(), model.to_owned(), secret.clone()));
            }
        });
        let Some((at, model, secret)) = hit else {
            continue;
        };
        findings.push(route_finding(site, file, at, &|method, path| {
            format!(
                "`{method} {path}` answers every column of `{model}` its comprehension does not leave out, `{secret}` among them"
            )
        }));
    }
}

/// `SC140`: a model method that dumps every column (`{c.name: getattr(self, c.name) for c
/// in self.__table__.columns}`), called by a route on a model (that class or one built on
/// it that keeps the method) with a secret column: the hash or token goes with every
/// answer. A field the method or the class names in quotes (an exclude list,
/// `serialize_rules = ("-password_hash",)`) is left out.
fn check_column_dumps(cx: &crate::project::Project<'_>, findings: &mut Vec<Finding>) {
    use ruff_python_ast::{Stmt, StmtClassDef};
    let mut classes: Vec<(usize, &StmtClassDef)> = Vec::new();
    for (index, file) in cx.files.iter().enumerate().filter(|(_, f)| !f.is_test) {
        if let Some(module) = file.module() {
            for s in &module.body {
                if let Stmt::ClassDef(c) = s {
                    classes.push((index, c));
                }
            }
        }
    }
    let defines = |c: &StmtClassDef, name: &str| {
        c.body
            .iter()
            .any(|s| matches!(s, Stmt::FunctionDef(f) if f.name.as_str() == name))
    };
    let bases = |c: &StmtClassDef| -> Vec<String> {
        c.bases()
            .iter()
            .filter_map(|b| dotted(b).map(|d| d.rsplit('.').next().unwrap_or(&d).to_owned()))
            .collect()
    };
    for &(index, class) in &classes {
        let file = &cx.files[index];
        for s in &class.body {
            let Stmt::FunctionDef(method) = s else {
                continue;
            };
            let name = method.name.as_str();
            // The dict protocol (`items()`, `keys()`) is called on every dict a view holds.
            if name.starts_with("__")
                || matches!(name, "items" | "keys" | "values" | "copy" | "get" | "pop" | "update")
            {
                continue;
            }
            let Some((at, iterated)) = column_dump(&file.text, method) else {
                continue;
            };
            // The class and those built on it that keep the method.
            let mut targets: Vec<(usize, &StmtClassDef)> = vec![(index, class)];
            let mut i = 0;
            while i < targets.len() && targets.len() < 64 {
                let parent = targets[i].1.name.as_str().to_owned();
                for &(ci, c) in &classes {
                    if !defines(c, name)
                        && bases(c).contains(&parent)
                        && !targets.iter().any(|(_, t)| std::ptr::eq(*t, c))
                    {
                        targets.push((ci, c));
                    }
                }
                i += 1;
            }
            let method_text = &file.text[method.range()];
            let quoted = |text: &str, f: &str| {
                ["'", "\"", "'-", "\"-"]
                    .iter()
                    .any(|q| text.contains(&format!("{q}{f}")) && (text.contains(&format!("{f}'")) || text.contains(&format!("{f}\""))))
            };
            let private_only = iterated.contains("__dict__") || iterated.contains("vars(");
            let mut shown: Vec<String> = Vec::new();
            let mut route: Option<(&str, &str)> = None;
            for &(ti, t) in &targets {
                let Some(fields) = cx.data_models.fields(&crate::facts::model_key(t.name.as_str())) else {
                    continue;
                };
                let class_text = &cx.files[ti].text[t.range()];
                let mut secret: Vec<&String> = fields
                    .iter()
                    .filter(|f| spillcheck_core::vocab::is_sensitive_field(f))
                    .filter(|f| !(private_only && f.starts_with('_')))
                    .filter(|f| !quoted(method_text, f) && !quoted(class_text, f))
                    .collect();
                if secret.is_empty() {
                    continue;
                }
                secret.sort();
                // A route that calls the method, with no argument, on a record of this class.
                let caller = cx.model.routes.iter().find(|site| {
                    let rf = &cx.files[site.file_index];
                    !rf.is_test
                        && !issues_tokens(site.func.name.as_str())
                        && calls_on_record(&rf.text, site.func, name, t.name.as_str())
                });
                let Some(site) = caller else {
                    continue;
                };
                if route.is_none() {
                    route = Some((
                        site.route.methods.first().map_or("GET", String::as_str),
                        site.route.path.as_str(),
                    ));
                }
                let list: Vec<String> = secret.iter().map(|f| format!("`{f}`")).collect();
                shown.push(format!("{} of `{}`", list.join(", "), t.name));
            }
            let Some((method_name, path)) = route else {
                continue;
            };
            findings.push(
                Finding::new(
                    &SC140,
                    format!(
                        "{} goes into every answer built with `{name}()`, which dumps all the record's columns (`{}`)",
                        shown.join("; "),
                        iterated.trim()
                    ),
                )
                .at(file.location(at))
                .on_route(method_name, path),
            );
        }
    }
}

/// A marshmallow schema as the answer check needs it (gathered with the file's other schema
/// facts): its name, its bases' names and the secret fields it dumps itself (the key each is
/// dumped under, where it is declared).
#[derive(Debug)]
pub(crate) struct SchemaSecrets {
    name: String,
    bases: Vec<String>,
    secrets: Vec<(String, Location)>,
    /// Fields its `class Meta` leaves out of answers (`exclude`, `load_only`), and fields it
    /// declares `load_only` itself (`password_hash = auto_field(load_only=True)`).
    left_out: Vec<String>,
    /// Built directly on a schema that makes a field of every column of its model
    /// (`SQLAlchemyAutoSchema`, `ModelSchema`, `TableSchema`).
    auto: bool,
    /// The model its `class Meta` names (`model = User`), by its last name.
    model: Option<String>,
    /// The fields its `class Meta` limits answers to (`fields = ("id", "email")`).
    only: Option<Vec<String>>,
    /// A Flask-RESTX model (`ns.model("User", {...})`), not a marshmallow class: only
    /// `@marshal_with` answers with it, `@ns.response` documents it.
    field_dict: bool,
}

/// A base class that gives a schema a field for each column of the model its `Meta`
/// names: marshmallow-sqlalchemy's `SQLAlchemyAutoSchema` (`ma.SQLAlchemyAutoSchema`),
/// the older `ModelSchema` and `TableSchema`.
fn auto_schema_base(base: &str) -> bool {
    let last = base.rsplit('.').next().unwrap_or(base);
    last.ends_with("AutoSchema") || matches!(last, "ModelSchema" | "TableSchema")
}

/// The assignments of a schema's `class Meta:` to one name (`model = User`, `exclude =
/// (...)`): the name and the value.
fn meta_assignments(c: &ruff_python_ast::StmtClassDef) -> Vec<(&str, &Expr)> {
    c.body
        .iter()
        .filter_map(|stmt| match stmt {
            ruff_python_ast::Stmt::ClassDef(meta) if meta.name.as_str() == "Meta" => Some(meta),
            _ => None,
        })
        .flat_map(|meta| &meta.body)
        .filter_map(|s| match s {
            ruff_python_ast::Stmt::Assign(a) => match a.targets.as_slice() {
                [Expr::Name(target)] => Some((target.id.as_str(), a.value.as_ref())),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The strings a value lists (`("id", "email")`).
fn listed_strings(value: &Expr) -> Vec<String> {
    let mut names = Vec::new();
    crate::ast_util::any_expr(value, &mut |e| {
        if let Some(v) = str_value(e) {
            names.push(v.to_owned());
        }
        false
    });
    names
}

/// What a `class Meta:` says of the model and the fields an auto schema answers with: the
/// model it names (last name) and the `fields` it limits answers to.
fn meta_model(c: &ruff_python_ast::StmtClassDef) -> (Option<String>, Option<Vec<String>>) {
    let (mut model, mut only) = (None, None);
    for (name, value) in meta_assignments(c) {
        match name {
            "model" => {
                model = dotted(value).map(|d| d.rsplit('.').next().unwrap_or(&d).to_owned());
            }
            "fields" => only = Some(listed_strings(value)),
            _ => {}
        }
    }
    (model, only)
}

/// The names a `class Meta:` lists under `exclude` or `load_only`.
fn meta_left_out(c: &ruff_python_ast::StmtClassDef) -> Vec<String> {
    meta_assignments(c)
        .into_iter()
        .filter(|(name, _)| matches!(*name, "exclude" | "load_only"))
        .flat_map(|(_, value)| listed_strings(value))
        .collect()
}

/// `SC140` on a marshmallow schema a route answers with (`return schema.dump(obj)`,
/// `@marshal_with(S)`, `@bp.response(200, S)`) that dumps a secret field, its own or a
/// base's: a response schema built on the create request's schema, which takes the
/// `client_secret`, reads the secret back to whoever may read the record. A creation (a
/// POST) that hands its caller the secret it just made, and a login, answer it on purpose.
fn check_schema_dumps(cx: &crate::project::Project<'_>, findings: &mut Vec<Finding>) {
    // The first schema of each name, in file order.
    let mut schemas: rustc_hash::FxHashMap<&str, &SchemaSecrets> =
        rustc_hash::FxHashMap::default();
    for schema in &cx.summary.schema_secrets {
        schemas.entry(schema.name.as_str()).or_insert(schema);
    }
    // The secret columns of an auto schema's model, sorted.
    let model_secrets = |model: &str| -> Vec<String> {
        let mut out: Vec<String> = cx
            .data_models
            .fields(&crate::facts::model_key(model))
            .map(|f| {
                f.iter()
                    .filter(|c| spillcheck_core::vocab::is_secret_field(c))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        out.sort_unstable();
        out
    };
    if schemas.values().all(|s| {
        s.secrets.is_empty()
            && !(s.auto && s.model.as_deref().is_some_and(|m| !model_secrets(m).is_empty()))
    }) {
        return;
    }
    // A schema's secret fields, its bases' included, less what its Meta leaves out:
    // (field, the schema declaring it or the model an auto schema dumps whole).
    let secrets_of = |name: &str| -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut left_out: Vec<&str> = Vec::new();
        let (mut auto, mut model, mut only) = (false, None, None);
        let mut queue = vec![name.to_owned()];
        let mut seen: Vec<String> = Vec::new();
        while let Some(at) = queue.pop() {
            if seen.contains(&at) || seen.len() > 8 {
                continue;
            }
            seen.push(at.clone());
            let Some(schema) = schemas.get(at.as_str()) else {
                continue;
            };
            left_out.extend(schema.left_out.iter().map(String::as_str));
            auto |= schema.auto;
            model = model.or(schema.model.as_deref());
            only = only.or(schema.only.as_ref());
            for (field, _) in &schema.secrets {
                if !out.iter().any(|(f, _)| f == field) {
                    out.push((field.clone(), at.clone()));
                }
            }
            queue.extend(schema.bases.iter().cloned());
        }
        if auto && let Some(model) = model {
            for column in model_secrets(model) {
                if !out.iter().any(|(f, _)| *f == column) {
                    out.push((column, format!("model:{model}")));
                }
            }
        }
        out.retain(|(f, _)| {
            !left_out.contains(&f.as_str()) && only.is_none_or(|o| o.contains(f))
        });
        out
    };
    for site in &cx.model.routes {
        let file = &cx.files[site.file_index];
        if file.is_test
            || site.route.methods.iter().all(|m| m == "POST")
            || issues_tokens(site.func.name.as_str())
        {
            continue;
        }
        // A schema instance made once for the module (`user_schema = UserSchema()`), in
        // the route's file or, when one name is bound once in the project, imported.
        let instance = |var: &str| -> Option<String> {
            let bound: Vec<&(String, String, String)> = cx
                .summary
                .schema_instances
                .iter()
                .filter(|(_, v, class)| v == var && schemas.contains_key(class.as_str()))
                .collect();
            bound
                .iter()
                .find(|(rel, _, _)| *rel == file.rel)
                .or_else(|| (bound.len() == 1).then(|| &bound[0]))
                .map(|(_, _, class)| class.clone())
        };
        let Some((schema, at)) =
            answered_schema(site.func, &|n| schemas.contains_key(n), &instance, &|n| {
                cx.summary
                    .schema_secrets
                    .iter()
                    .any(|s| s.field_dict && s.name == n)
            })
        else {
            continue;
        };
        let secrets = secrets_of(&schema);
        let Some((field, declared)) = secrets.first() else {
            continue;
        };
        let whose = if *declared == schema {
            String::new()
        } else if let Some(model) = declared.strip_prefix("model:") {
            format!(" (a column of `{model}`: the schema makes a field of every column its `Meta` does not leave out)")
        } else {
            format!(" (declared in `{declared}`, which it extends)")
        };
        findings.push(route_finding(site, file, at, &|method, path| {
            format!("`{method} {path}` answers with `{schema}`, which dumps `{field}`{whose}")
        }));
    }
}

/// The schema a handler answers with, by name, and where: a decorator that declares it
/// (`@marshal_with(S)`, `@bp.response(200, S)`, `@output(S)`), else a `.dump(...)` or
/// `.jsonify(...)` of it, or of a name bound to it, in what the handler returns.
fn answered_schema(
    func: &ruff_python_ast::StmtFunctionDef,
    is_schema: &dyn Fn(&str) -> bool,
    module_instance: &dyn Fn(&str) -> Option<String>,
    field_dict: &dyn Fn(&str) -> bool,
) -> Option<(String, ruff_text_size::TextRange)> {
    let schema_named = |e: &Expr| -> Option<String> {
        let base = match e {
            Expr::Call(c) => &c.func,
            other => other,
        };
        let d = dotted(base)?;
        let last = d.rsplit('.').next().unwrap_or(&d);
        is_schema(last).then(|| last.to_owned())
    };
    for d in &func.decorator_list {
        let Expr::Call(c) = &d.expression else {
            continue;
        };
        // The model a route documents as its success answer: flask-openapi3's
        // `responses={200: UserOut}`, SpecTree's `resp=Response(HTTP_200=UserOut)`.
        if let Some(name) = documented_answer(c).and_then(&schema_named) {
            return Some((name, d.range()));
        }
        let marshals = match callee_last(c) {
            Some("marshal_with" | "marshal_list_with" | "output") => true,
            Some("response") => false,
            _ => continue,
        };
        // Flask-RESTX's `@ns.response(200, "OK", model)` documents a model, it does not
        // marshal the answer with it.
        if let Some(name) = c
            .arguments
            .args
            .iter()
            .find_map(&schema_named)
            .filter(|n| marshals || !field_dict(n))
        {
            return Some((name, d.range()));
        }
    }
    // `schema = S()` in the handler.
    let mut bound: Vec<(&str, String)> = Vec::new();
    for stmt in &func.body {
        if let ruff_python_ast::Stmt::Assign(a) = stmt
            && let [Expr::Name(n)] = a.targets.as_slice()
            && let Expr::Call(_) = a.value.as_ref()
            && let Some(schema) = schema_named(&a.value)
        {
            bound.push((n.id.as_str(), schema));
        }
    }
    let mut found = None;
    for stmt in &func.body {
        let ruff_python_ast::Stmt::Return(r) = stmt else {
            continue;
        };
        let Some(value) = &r.value else { continue };
        crate::ast_util::any_expr(value, &mut |e| {
            let Expr::Call(c) = e else { return false };
            let Expr::Attribute(a) = c.func.as_ref() else {
                return false;
            };
            // A pydantic model's dump: `UserOut.model_validate(row).model_dump()`,
            // `UserOut(**row).dict()`.
            if matches!(a.attr.as_str(), "model_dump" | "model_dump_json" | "dict" | "json")
                && let Expr::Call(made) = a.value.as_ref()
            {
                let class = match made.func.as_ref() {
                    Expr::Attribute(m)
                        if matches!(
                            m.attr.as_str(),
                            "model_validate" | "from_orm" | "parse_obj" | "model_construct" | "validate"
                        ) =>
                    {
                        schema_named(&m.value)
                    }
                    other => schema_named(other),
                };
                found = class.map(|s| (s, c.range()));
                return found.is_some();
            }
            if !matches!(a.attr.as_str(), "dump" | "jsonify") {
                return false;
            }
            let schema = match a.value.as_ref() {
                // The last binding: `schema` names the request's schema first, the
                // answer's after.
                Expr::Name(n) => bound
                    .iter()
                    .rfind(|(b, _)| *b == n.id.as_str())
                    .map(|(_, s)| s.clone())
                    .or_else(|| module_instance(n.id.as_str())),
                other @ Expr::Call(_) => schema_named(other),
                _ => None,
            };
            found = schema.map(|s| (s, c.range()));
            found.is_some()
        });
        if found.is_some() {
            break;
        }
    }
    found
}

/// The model a route decorator documents as its success answer: the 2xx entry of
/// `responses={200: M}` (flask-openapi3), `HTTP_200=M` of `resp=Response(...)` (SpecTree).
fn documented_answer(c: &ruff_python_ast::ExprCall) -> Option<&Expr> {
    // Flask-Rebar's `response_body_schema=S()` (or `{200: S()}`), which marshals the answer.
    if let Some(schema) = crate::ast_util::kwarg(c, "response_body_schema") {
        return match schema {
            Expr::Dict(d) => d.items.iter().find_map(|i| {
                let code = crate::ast_util::int_value(i.key.as_ref()?)?;
                (200..300).contains(&code).then_some(&i.value)
            }),
            other => Some(other),
        };
    }
    if let Some(Expr::Dict(d)) = crate::ast_util::kwarg(c, "responses") {
        return d.items.iter().find_map(|i| {
            let key = i.key.as_ref()?;
            let code = crate::ast_util::int_value(key)
                .or_else(|| str_value(key).and_then(|k| k.parse().ok()))?;
            (200..300).contains(&code).then_some(&i.value)
        });
    }
    if let Some(Expr::Call(resp)) = crate::ast_util::kwarg(c, "resp") {
        return resp.arguments.keywords.iter().find_map(|k| {
            let name = k.arg.as_ref()?.as_str();
            name.strip_prefix("HTTP_")
                .and_then(|n| n.parse::<i64>().ok())
                .filter(|n| (200..300).contains(n))
                .map(|_| &k.value)
        });
    }
    None
}

/// `SC140`'s hooks.
pub(crate) struct Check;

impl crate::rules::Rule for Check {
    fn on_file(&self, file: &SourceFile, module: &ModModule, summary: &mut Summary) {
        check_serializers(file, module, summary);
        gather_schemas(file, module, summary);
    }

    fn on_project(&self, cx: &crate::project::Project<'_>, findings: &mut Vec<Finding>) {
        check_responders(cx.model, cx.files, cx.taints, findings);
        check_schemas(cx.summary, findings);
        check_store_answers(cx, findings);
        check_column_dumps(cx, findings);
        check_route_column_dumps(cx, findings);
        check_schema_dumps(cx, findings);
    }

    fn concerns_its_view(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::makes_credential;

    fn expr(src: &str) -> ruff_python_ast::Expr {
        *ruff_python_parser::parse_expression(src)
            .unwrap()
            .into_syntax()
            .body
    }

    #[test]
    fn a_token_signed_in_the_view_is_issued_there() {
        for made in [
            "signer.sign(str(workspace.id)).decode('utf-8')",
            "jwt.encode({'sub': user.id}, key, algorithm='HS256')",
            "create_access_token(identity=user.id)",
            "generate_api_key(user)",
        ] {
            assert!(makes_credential(&expr(made)), "{made}");
        }
        for read in ["workspace.api_token", "load_token(user).decode()", "json.dumps(row)"] {
            assert!(!makes_credential(&expr(read)), "{read}");
        }
    }
}
