//! `SC101` route-without-auth: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A Flask route that handles data but is reached by no authentication: no auth decorator (`jwt_required`, `login_required`, a project decorator that checks the `Authorization` header), no app- or blueprint-level `before_request` hook that rejects anonymous callers, or a hook whose allow-list exempts it. A role or permission guard alone (`@requires_capabilities(...)`, `@permission_required(...)`, a project decorator that checks a role and refuses) counts too: nobody anonymous holds a grant. A check in the view itself counts as authentication when it sends away whoever is not signed in, wherever it sends them (`if 'username' not in g.session: return redirect('/')`, `if g.user is None: abort(403)`), and so does a call of a helper that compares a shared key with the configured one and refuses a mismatch (`if app.config["API_ACCESS_KEY"] != get_value(request, "key"): abort(401)`), or a verifier named so whose failure is refused (`if not api_verify(): return ..., 403`), also one `if` deep and beside an `or` (`if token is None or not RequestValidator(token).validate(url, form, signature): return 403`): a webhook's signature check authenticates its sender. A Flask-Login view that acts on `current_user` without asking whether anyone is signed in (`current_user.__dict__.update(...)`), in a module whose other such views all require login, is reported even when it reads no table: its decorator was forgotten (and an e-mail and password in its form do not make it a registration). A route of a blueprint the app registers only when a debug flag is on (`if app.config["DEBUG"]: app.register_blueprint(debug_bp)`) does not exist in production and is `possible`.
    ///
    /// ## Why it matters
    /// Anyone who can reach the API can call the route without a token. A blueprint whose `before_request` forgets one endpoint is the classic way this happens.
    ///
    /// ## Example
    /// ```python
    /// @bp.get("/api/exports/<int:export_id>")
    /// def download_export(export_id):      # no decorator, bp has no hook
    ///     return send_file(export_path(export_id))
    /// ```
    ///
    /// ## Fix
    /// Apply the same authentication as the neighbouring routes:
    ///
    /// ```python
    /// @bp.get("/api/exports/<int:export_id>")
    /// @require_token
    /// def download_export(export_id):
    ///     ...
    /// ```
    ///
    /// Routes that are public on purpose (`/health`, `/login`) belong in `public-routes` in the configuration. A route whose decorator declares no security (`@bp.get("/rooms", security=[])`, flask-openapi3) is open on purpose: `possible` unless its answer carries personal or secret fields (`visitor_email`).
    ///
    /// ## Known false positives and how confidence is decided
    /// Public content (articles, tags, catalogs, public profiles, feeds) is read without a
    /// token on purpose. A write is evidence (`likely`) where the app expects a caller: in an
    /// app where something is authenticated, another route of the same module is, or an
    /// authenticated route touches the records it writes; a module where nothing is (the
    /// participants' side of an experiment server beside its staff dashboard, a public
    /// callback) writes openly by design and is `possible`. A route that issues the caller a credential (itself or through the
    /// functions it calls: `jwt.encode`, `create_access_token`, `login_user`, `.tokenize()`)
    /// for what the request carries (a password, an OAuth code, a signed assertion; also the
    /// `body` Connexion hands a handler, a model's `body.password` in flask-openapi3) is the
    /// login, whatever its name, and so is one that checks the password it is sent against the
    /// stored ones, itself or through a helper (`check_password_hash`, `… WHERE username = %s
    /// AND password = %s`, `user["password"] != data["password"]`), whatever it answers (a key
    /// of its own making: vulpy's `POST /api/key`), unless it also takes a current password
    /// beside a new one (a change of password); one that mints a token from nothing the client
    /// sends stays. Routes with optional authentication (`jwt_optional`,
    /// `jwt_required(optional=True)`, `login_required(optional=True)`), login, registration,
    /// token refresh, password reset or reminder (`/api/account/password-reminder`), health and documentation routes are never reported; a
    /// sign-up is known by what it takes whatever its path says (`POST /inregistrare`: a user
    /// name or e-mail and a password, in the languages apps are written in, a new record made
    /// (added, inserted, created), no path parameter, no current password, nothing for
    /// administrators). A login is never one that only compares a new password with its
    /// confirmation (`password != password_again`): the stored password must be on one side.
    /// The finding is `likely` when the route writes data, answers with personal or secret
    /// fields, reads a model that other routes read only for their owner or that every
    /// other route reads only with authentication (unless its own query selects public
    /// rows — `visibility == PUBLIC`, `published` —, it serves a picture, a map or another
    /// public asset as a file, or the model is published content by nature — articles, posts,
    /// products, tags: an author's dashboard of their own says nothing of who may read
    /// them), or
    /// carries an authentication decorator that Flask never applies (placed above
    /// `@app.route`); otherwise it is `possible` (`--confidence possible`). A read that answers
    /// only flags (`{"is_answered": res}` with `res` a comparison, `{}`, an empty text) shows
    /// nothing of the records it reads: `possible` whatever else the app does with them. So is
    /// a share link: a read by the one value its path names as a code or token
    /// (`/receipts/<code>`, `/s/<share_token>`) whose answer holds nothing personal or secret,
    /// the long random value being the key. In an app where no
    /// route is authenticated, routes are reported only when it has accounts nobody checks:
    /// a login that issues tokens no route reads back, or one that checks a password against
    /// the stored ones (`check_password_hash`, `… WHERE username = %s AND password = %s`)
    /// and answers no token; otherwise a warning says nothing is authenticated in the code
    /// (a proxy or middleware may do it).
    ///
    /// Authentication it recognizes: decorators (`login_required`, `jwt_required`,
    /// Flask-HTTPAuth's `auth.login_required`, APIFairy's `authenticate(token_auth)`, project
    /// decorators that check credentials and reject, also when they return what a helper
    /// makes of the view: `def secure(self, func): return self._apply_secure(func)`, and a
    /// decorator named for a login check, `@api_login(require_role=[...])`, not for an
    /// exemption: `@login_exempt`),
    /// `before_request` and `url_value_preprocessor` hooks (a hook under an authenticating
    /// decorator too: `@admin_required def before_admin()`), class
    /// `decorators`/`method_decorators`, and checks inside the handler
    /// (`verify_jwt_in_request()`, a token or session check that answers 401/403 —
    /// `Response(body, 401)` included — or redirects to the login page). A route that
    /// re-creates the database (`db.drop_all()`, `db.create_all()`) writes data.
    pub static SC101 = {
        id: "SC101",
        slug: "route-without-auth",
        title: "Route without authentication",
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: &[306],
        owasp: &[OwaspApi::Api2],
        fix: "Protect the route with the project's authentication decorator or a `before_request` hook, or list it in `public-routes` if it is public by design.",
        route_level: true,
    }
}

use spillcheck_core::Finding;

use crate::evidence::{Readers, RouteData};
use crate::facts::Summaries;
use crate::model::{Model, RouteAuth};
use crate::project::SourceFile;

/// Words of routes that are public by nature (authentication itself, health, docs).
const PUBLIC_WORDS: &[&str] = &[
    "login",
    "logout",
    "signin",
    "signout",
    "signup",
    "register",
    "registration",
    "authenticate",
    "authentication",
    "health",
    "healthz",
    "healthcheck",
    "ping",
    "ready",
    "readiness",
    "liveness",
    "alive",
    "status",
    "openapi",
    "swagger",
    "apispec",
    "docs",
    "redoc",
    "spec",
    "version",
    "callback",
    "authorize",
    "oauth",
    "oauth2",
    "token",
    "tokens",
    "refresh",
    "reset",
    "forgot",
    "recover",
    "recovery",
    "verify",
    "validate",
    "validation",
    "confirm",
    "confirmation",
    "resend",
    "activate",
    "unsubscribe",
    "static",
    "favicon",
    "robots",
    "webhook",
    "webhooks",
    "metrics",
    "index",
    "home",
    "about",
];

fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
}

/// Whether a route is public by nature.
pub(crate) fn public_by_nature(path: &str, handler: &str) -> bool {
    let all: Vec<String> = words(path).chain(words(handler)).collect();
    // A password's reminder or hint (`/api/account/password-reminder`) is part of the
    // recovery a signed-out user asks for, as `forgot` is; `reminders` alone are data.
    let recovery = all.iter().any(|w| matches!(w.as_str(), "password" | "passwd"))
        && all
            .iter()
            .any(|w| matches!(w.as_str(), "reminder" | "remind" | "hint" | "lost"));
    path == "/" || recovery || all.iter().any(|w| PUBLIC_WORDS.contains(&w.as_str()))
}

/// A registration at the account collection's own path: `POST /user` (or `/users`,
/// `/accounts`) reading a user name or e-mail and a new password from the body, and no
/// current password (which a change of password would ask).
fn makes_an_account(r: &crate::model::Route) -> bool {
    // The collection itself, last in the path (`/users/{id}` updates one), outside any
    // administrators' area, and for POST alone (a GET beside it lists the accounts).
    let last = r.path.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_ascii_lowercase();
    let names: Vec<String> = r
        .inputs
        .iter()
        .map(|i| spillcheck_core::vocab::normalize(&i.name))
        .collect();
    // `/user/create`, `/accounts/new` (the form's GET beside its POST): the account
    // collection named just before a verb of creation, nothing else in the path.
    let segments: Vec<String> = r
        .path
        .trim_matches('/')
        .split('/')
        .map(str::to_ascii_lowercase)
        .collect();
    // Only an API prefix before them (`/api/v1/user/create`): an organisation's
    // `/org/{id}/users/new` adds members for someone.
    let prefix_only = segments[..segments.len().saturating_sub(2)]
        .iter()
        .all(|s| s == "api" || s.strip_prefix('v').is_some_and(|n| n.chars().all(|c| c.is_ascii_digit())));
    let created_under_accounts = segments.len() >= 2
        && prefix_only
        && matches!(last.as_str(), "create" | "new" | "join")
        && spillcheck_core::vocab::ACCOUNT_CREATION_SEGMENTS
            .contains(&segments[segments.len() - 2].as_str())
        && r.methods.iter().any(|m| m == "POST")
        && r
            .methods
            .iter()
            .all(|m| matches!(m.as_str(), "GET" | "HEAD" | "POST" | "OPTIONS"));
    (created_under_accounts
        || r.methods.iter().all(|m| matches!(m.as_str(), "POST" | "OPTIONS"))
            && spillcheck_core::vocab::ACCOUNT_CREATION_SEGMENTS.contains(&last.as_str()))
        && !r.path.to_ascii_lowercase().split('/').any(|s| s.contains("admin"))
        && names.iter().any(|n| n.contains("password"))
        && names
            .iter()
            .any(|n| n.contains("username") || n.contains("mail") || n == "login")
        && !r.inputs.iter().any(|i| spillcheck_core::vocab::names_current_password(&i.name))
}

/// Whether a view makes a new record (a sign-up's account), not only changes one: it adds
/// one to a session (`db.session.add`), inserts (`INSERT INTO`, `insert_one`), or creates
/// or registers one (`User.create(...)`, `register_user(...)`).
fn creates_a_record(func: &ruff_python_ast::StmtFunctionDef) -> bool {
    use ruff_python_ast::Expr;
    let mut found = false;
    crate::facts::exprs_in(&func.body, &mut |e| {
        found |= match e {
            Expr::Call(c) => crate::ast_util::callee_last(c).is_some_and(|n| {
                let n = n.to_ascii_lowercase();
                matches!(n.as_str(), "add" | "add_all" | "insert" | "insert_one" | "save")
                    || n.starts_with("create")
                    || n.starts_with("register")
            }),
            Expr::StringLiteral(_) | Expr::FString(_) => crate::ast_util::literal_text(e)
                .is_some_and(|t| t.to_ascii_lowercase().contains("insert into")),
            _ => false,
        };
    });
    found
}

/// Records that are published for readers by nature (articles, posts, products, tags): an
/// author's dashboard that lists only the author's own says nothing of who may read them.
fn published_content(model: &str) -> bool {
    crate::patterns::words(model).iter().any(|w| {
        let w = w.strip_suffix('s').unwrap_or(w);
        matches!(
            w,
            "article" | "post" | "blog" | "story" | "storie" | "news" | "tag" | "category"
                | "categorie" | "product" | "catalog" | "recipe" | "feed"
        )
    })
}

/// A sign-up form whatever its path says (`POST /inregistrare`): a form or body of a user
/// name or e-mail and a password (in the languages apps are written in), no path
/// parameter, no current password, nothing for administrators, and a handler that writes
/// (the new account).
fn signs_up(r: &crate::model::Route, writes: bool) -> bool {
    let word_of = |name: &str, test: &dyn Fn(&str) -> bool| {
        crate::patterns::words(&name.to_ascii_lowercase())
            .iter()
            .any(|w| test(w))
    };
    writes
        && r.params.is_empty()
        && r.methods.iter().any(|m| m == "POST")
        && r.methods
            .iter()
            .all(|m| matches!(m.as_str(), "GET" | "HEAD" | "POST" | "OPTIONS"))
        && !r.path.to_ascii_lowercase().contains("admin")
        && r.inputs
            .iter()
            .any(|i| word_of(&i.name, &crate::patterns::is_password_word))
        && r.inputs.iter().any(|i| {
            word_of(&i.name, &|w| {
                matches!(w, "username" | "user" | "email" | "mail" | "login" | "name")
            })
        })
        && !r
            .inputs
            .iter()
            .any(|i| spillcheck_core::vocab::names_current_password(&i.name))
}

/// Whether every answer of a view is flags and nothing else: a mapping whose values are
/// booleans, comparisons or locals set only to them (`res = True if … else False`), an
/// empty mapping or text, possibly serialized (`json.dumps({})`) or with a status.
fn answers_only_flags(func: &ruff_python_ast::StmtFunctionDef) -> bool {
    use ruff_python_ast::{Expr, Stmt};
    fn boolish(e: &Expr) -> bool {
        match e {
            Expr::BooleanLiteral(_) | Expr::Compare(_) => true,
            Expr::BoolOp(b) => b.values.iter().all(boolish),
            Expr::UnaryOp(u) => matches!(u.op, ruff_python_ast::UnaryOp::Not),
            Expr::If(i) => boolish(&i.body) && boolish(&i.orelse),
            Expr::Call(c) => crate::ast_util::callee_last(c) == Some("bool"),
            _ => false,
        }
    }
    // Locals the view sets, each to flags only.
    let mut locals: std::collections::HashMap<String, bool> = std::collections::HashMap::new();
    let mut returns: Vec<&Expr> = Vec::new();
    let mut bare = false;
    for stmt in &func.body {
        crate::ast_util::each_stmt(stmt, &mut |s| match s {
            Stmt::Assign(a) => {
                for t in &a.targets {
                    if let Expr::Name(n) = t {
                        let e = locals.entry(n.id.to_string()).or_insert(true);
                        *e &= boolish(&a.value);
                    }
                }
            }
            Stmt::Return(r) => match &r.value {
                Some(v) => returns.push(v),
                None => bare = true,
            },
            _ => {}
        });
    }
    let flag = |e: &Expr| {
        boolish(e) || matches!(e, Expr::Name(n) if locals.get(n.id.as_str()) == Some(&true))
    };
    let answer = |e: &Expr| -> bool {
        let e = match e {
            Expr::Tuple(t) => match t.elts.first() {
                Some(first) => first,
                None => return false,
            },
            other => other,
        };
        let e = match e {
            Expr::Call(c)
                if matches!(crate::ast_util::callee_last(c), Some("dumps" | "jsonify"))
                    && c.arguments.args.len() == 1 =>
            {
                &c.arguments.args[0]
            }
            other => other,
        };
        match e {
            Expr::Dict(d) => d.items.iter().all(|i| flag(&i.value)),
            Expr::StringLiteral(s) => s.value.to_str().is_empty(),
            _ => false,
        }
    };
    !returns.is_empty() && !bare && returns.iter().all(|r| answer(r))
}

/// Words of files served to anyone on purpose: pictures, maps, icons, static assets.
const ASSET_WORDS: &[&str] = &[
    "picture",
    "avatar",
    "image",
    "images",
    "img",
    "photo",
    "icon",
    "logo",
    "thumbnail",
    "thumb",
    "map",
    "tile",
    "tiles",
    "asset",
    "assets",
    "font",
    "fonts",
    "css",
    "js",
    "media",
    "emoji",
    "banner",
    "cover",
];

/// A route that serves a public asset by its name.
fn public_asset(path: &str, handler: &str) -> bool {
    words(path)
        .chain(words(handler))
        .any(|w| ASSET_WORDS.contains(&w.as_str()))
}

/// Whether the app hands out tokens that nothing reads back: a login (a route that takes a
/// password) issues one, and no function of the project authenticates or reads the
/// request's credentials. An app with no authentication at all is otherwise public by
/// design.
pub(crate) fn tokens_never_checked(
    model: &Model<'_>,
    summaries: &Summaries,
    externals: &[crate::facts::FileScope],
) -> bool {
    // A function that reads the request's credentials, even one that does not refuse
    // (`current_user()` answering `None`), checks them somewhere.
    if !summaries.authenticates.is_empty()
        || summaries
            .by_name
            .values()
            .any(|f| f.reads_credentials && !f.issues_token)
    {
        return false;
    }
    let mut login = false;
    for site in &model.routes {
        let f = summaries.own_facts(site.file_index, site.func, &externals[site.file_index]);
        if f.reads_credentials {
            return false;
        }
        login |= (f.issues_token
            || f.calls.iter().any(|c| summaries.issuers.contains(c))
            || f.verifies_password
            || f.calls.iter().any(|c| summaries.verifiers.contains(c)))
            && site
                .route
                .inputs
                .iter()
                .any(|i| crate::patterns::is_password_like_name(&i.name));
    }
    login
}


/// Whether a view uses the signed-in user's record (`current_user.email`,
/// `current_user.__dict__`) and never asks whether anyone is signed in
/// (`current_user.is_authenticated`): it takes a login for granted.
fn acts_on_caller(func: &ruff_python_ast::StmtFunctionDef) -> bool {
    use ruff_python_ast::Expr;
    let (mut uses, mut asks) = (false, false);
    crate::facts::exprs_in(&func.body, &mut |e| {
        if let Expr::Attribute(a) = e
            && matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == "current_user")
        {
            if matches!(
                a.attr.as_str(),
                "is_authenticated" | "is_anonymous" | "is_active" | "get_id"
            ) {
                asks = true;
            } else {
                uses = true;
            }
        }
    });
    uses && !asks
}

/// Whether the other routes of a route's file that take the signed-in user for granted all
/// require authentication, two of them at least: there, a login is the module's rule (an
/// open route that does not touch the user, or asks whether anyone is signed in, says
/// nothing).
fn siblings_all_authenticated(model: &Model<'_>, index: usize) -> bool {
    let file = model.routes[index].file_index;
    let mut authenticated = 0;
    for (i, site) in model.routes.iter().enumerate() {
        if i == index || site.file_index != file || !acts_on_caller(site.func) {
            continue;
        }
        match &site.route.auth {
            RouteAuth::Decorator { .. } | RouteAuth::Hook { .. } | RouteAuth::Handler { .. } => {
                authenticated += 1;
            }
            _ => return false,
        }
    }
    authenticated >= 2
}

/// Whether a view reads `current_user` at all.
fn mentions_caller(func: &ruff_python_ast::StmtFunctionDef) -> bool {
    let mut found = false;
    crate::facts::exprs_in(&func.body, &mut |e| {
        found |= matches!(e, ruff_python_ast::Expr::Name(n) if n.id.as_str() == "current_user");
    });
    found
}

/// `SC101`: data-handling routes that nothing authenticates, in a project where other
/// routes are authenticated (or that issues tokens no route reads back).
pub(crate) fn check_routes(
    model: &Model<'_>,
    files: &[SourceFile],
    summaries: &Summaries,
    externals: &[crate::facts::FileScope],
    data: &[RouteData],
    scoped: &rustc_hash::FxHashSet<String>,
    findings: &mut Vec<Finding>,
) {
    if !model.any_auth && !tokens_never_checked(model, summaries, externals) {
        return;
    }
    let readers = Readers::build(&model.routes, data);
    // Models some authenticated route reads or writes: a write to one of them by an open
    // route is one the app otherwise guards.
    let guarded_models: rustc_hash::FxHashSet<&str> = model
        .routes
        .iter()
        .zip(data.iter())
        .filter(|(s, _)| s.route.auth.required())
        .flat_map(|(_, d)| d.models.iter().map(String::as_str))
        .collect();
    for (index, site) in model.routes.iter().enumerate() {
        let r = &site.route;
        let (hook, unapplied) = match &r.auth {
            RouteAuth::None => (None, None),
            RouteAuth::Exempt { hook } => (Some(hook.clone()), None),
            RouteAuth::Unapplied { name } => (None, Some(name.clone())),
            _ => continue,
        };
        if files[site.file_index].is_test
            || public_by_nature(&r.path, &r.handler)
            // A registration makes an account; one that changes the signed-in user's is
            // no registration.
            || makes_an_account(r) && !mentions_caller(site.func)
        {
            continue;
        }
        let facts = summaries.own_facts(site.file_index, site.func, &externals[site.file_index]);
        if signs_up(r, facts.writes && creates_a_record(site.func)) && !mentions_caller(site.func) {
            continue;
        }
        let handles_data = facts.data_access
            || facts
                .calls
                .iter()
                .any(|c| summaries.data_access.contains(c));
        // A view that acts on the signed-in user (`current_user.__dict__.update(...)`)
        // without asking whether anyone is, in a module whose every other route requires
        // authentication: the decorator was forgotten.
        let forgotten = !handles_data && acts_on_caller(site.func) && siblings_all_authenticated(model, index);
        if !handles_data && !forgotten {
            continue;
        }
        // A route that issues the caller a credential for what the request carries (a
        // password, an OAuth code, a signed assertion) is a login: it is the
        // authentication. One that mints a token from nothing the client sends stays.
        // So does one that checks the password it is sent against the stored one and hands
        // out anything (a key of its own making, the account): a login by what it does.
        let issues = facts.issues_token
            || facts.calls.iter().any(|c| summaries.issuers.contains(c))
            || (facts.verifies_password
                || facts.calls.iter().any(|c| summaries.verifiers.contains(c)))
                && (r
                    .inputs
                    .iter()
                    .any(|i| crate::patterns::is_password_like_name(&i.name))
                    || reads_password_key(site.func))
                // A current password beside a new one is a change, not a login.
                && !r
                    .inputs
                    .iter()
                    .any(|i| spillcheck_core::vocab::names_current_password(&i.name));
        // Connexion hands the request's body to the handler as its `body` parameter.
        let takes_body = site
            .func
            .parameters
            .args
            .iter()
            .any(|p| p.parameter.name.as_str() == "body");
        if issues
            && (takes_body
                || r.inputs
                    .iter()
                    .any(|i| i.source != crate::inputs::InputSource::Header))
        {
            continue;
        }
        // A CORS preflight (`OPTIONS`) carries no credentials by design: name the method
        // that reads the data.
        let method = r
            .methods
            .iter()
            .find(|m| !matches!(m.as_str(), "OPTIONS" | "HEAD"))
            .or(r.methods.first())
            .map_or("GET", String::as_str);
        let message = match (&hook, &unapplied) {
            (Some(hook), _) => format!(
                "`{method} {}` reads data but the `{hook}` hook, which authenticates other routes, exempts it",
                r.path
            ),
            (_, Some(name)) => format!(
                "`{method} {}` is not authenticated: `@{name}` sits above the route decorator, so Flask registers the view without it (the route decorator must be the outermost)",
                r.path
            ),
            _ => format!(
                "`{method} {}` reads data and no decorator or `before_request` hook authenticates it",
                r.path
            ),
        };
        let d = &data[index];
        // Evidence from the rest of the app does not hold for a route that selects public
        // rows itself, or serves a public asset (an avatar, a map image).
        let public_read = d.filters_public || d.serves_file && public_asset(&r.path, &r.handler);
        // A view that asks whether anyone is signed in and serves both (`if
        // current_user.is_authenticated: report.by = current_user`) is open on purpose.
        let asks = crate::facts::serves_anonymous_on_purpose(&site.func.body);
        // The route's decorator declares no security (`@bp.get("/rooms", security=[])` of
        // flask-openapi3): open on purpose, as its API description says.
        let declared_open = site.func.decorator_list.iter().any(|d| {
            matches!(&d.expression, ruff_python_ast::Expr::Call(c) if c.arguments.keywords.iter().any(|k| {
                k.arg.as_ref().is_some_and(|a| a.as_str() == "security")
                    && matches!(&k.value, ruff_python_ast::Expr::List(l) if l.elts.is_empty())
            }))
        });
        let on_purpose = asks || declared_open;
        // A share link: a read by one value the path names as a code or token
        // (`/receipts/<code>`, `/s/<share_token>`), the long random value itself the key.
        let capability = method == "GET"
            && !d.writes
            && matches!(r.params.as_slice(), [one] if names_a_capability(&one.name));
        let evidence = if forgotten {
            Some("it acts on `current_user` like the other routes of its module, which all require authentication".to_owned())
        } else if unapplied.is_some() {
            Some("its authentication decorator is never applied".to_owned())
        } else if (on_purpose || capability) && d.returns_personal().is_none() {
            None
        } else if d.writes
            // Where the app expects a caller: another route of its module is authenticated,
            // or an authenticated route touches what it writes. A module where nothing is
            // (a participants' API beside an admin dashboard, a public form) writes openly
            // by design.
            && (!model.any_auth
                || model.routes.iter().enumerate().any(|(j, s)| {
                j != index && s.file_index == site.file_index && s.route.auth.required()
            }) || d.models.iter().any(|m| guarded_models.contains(m.as_str())))
        {
            Some("it writes data".to_owned())
        } else if let Some(f) = d.returns_personal() {
            Some(format!("its answer carries `{f}`"))
        } else if public_read {
            None
        } else if let Some(m) = d
            .primary
            .iter()
            .find(|m| scoped.contains(m.as_str()) && !published_content(m))
        {
            Some(format!(
                "other routes read `{m}` records only for their owner"
            ))
        } else {
            readers
                .protected_elsewhere(&d.primary)
                .filter(|m| !published_content(m))
                .map(|m| {
                    format!("every other route that reads `{m}` records requires authentication")
                })
        };
        // A read that answers only flags (`{"is_telemetry_accepted": res}` with `res` a
        // comparison, `{}`, an empty 204) shows nothing of the records it reads.
        let evidence = evidence.filter(|_| {
            forgotten
                || unapplied.is_some()
                || d.writes
                || !answers_only_flags(site.func)
        });
        let file = &files[site.file_index];
        let mut finding = Finding::new(&SC101, message)
            .at(file.at(&site.func.name))
            .on_route(method, &r.path);
        if site.dev_only {
            finding = finding.with_confidence(Confidence::Possible);
            finding.notes.push("confidence possible: its blueprint is registered only when a debug flag is on (`if app.config[\"DEBUG\"]:`), so the route does not exist in production".to_owned());
        } else if let Some(why) = evidence {
            finding.notes.push(format!("likely: {why}"));
        } else if capability {
            finding = finding.with_confidence(Confidence::Possible);
            finding.notes.push("confidence possible: it reads one record by a value the path names as a code or token, with nothing personal or secret in the answer: a share link, whose long random value is the key".to_owned());
        } else if declared_open {
            finding = finding.with_confidence(Confidence::Possible);
            finding.notes.push("confidence possible: its route decorator declares no security (`security=[]`) and its answer shows no personal or secret field, so it is open on purpose".to_owned());
        } else if on_purpose {
            finding = finding.with_confidence(Confidence::Possible);
            finding.notes.push("confidence possible: the view asks whether anyone is signed in and serves anonymous callers too (`if current_user.is_authenticated:`), so it is open on purpose".to_owned());
        } else {
            finding = finding.with_confidence(Confidence::Possible);
            finding.notes.push("confidence possible: it reads data without writing, its answer shows no personal or secret field, and nothing else in the app protects what it reads; public content is served like this on purpose".to_owned());
        }
        findings.push(finding);
    }
}

/// A path parameter named as a share link's key (`code`, `share_token`, `invite_code`,
/// `access_key`): the value is the credential.
fn names_a_capability(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(n.as_str(), "code" | "token" | "key" | "hash" | "secret")
        || n.contains("share")
        || ["_code", "_token", "_key", "_hash"]
            .iter()
            .any(|s| n.ends_with(s))
}

/// `SC101`'s hooks.
pub(crate) struct Check;

impl crate::rules::Rule for Check {
    fn on_project(&self, cx: &crate::project::Project<'_>, findings: &mut Vec<Finding>) {
        check_routes(cx.model, cx.files, cx.summaries, cx.externals, cx.route_data, cx.scoped, findings);
    }
}

/// Whether a handler reads a password out of a nested input by its key
/// (`args["user"].get("password")`, `data["credentials"]["password"]`): a reqparse
/// argument or a body member that wraps the credentials.
fn reads_password_key(func: &ruff_python_ast::StmtFunctionDef) -> bool {
    use ruff_python_ast::Expr;
    let params: Vec<&str> = func
        .parameters
        .iter_non_variadic_params()
        .map(|p| p.parameter.name.as_str())
        .collect();
    let mut found = false;
    crate::facts::exprs_in(&func.body, &mut |e| {
        // A field of a body the framework hands in as a model (`body.password` of
        // flask-openapi3's `def login(body: LoginIn)`).
        if let Expr::Attribute(a) = e
            && matches!(a.value.as_ref(), Expr::Name(n) if params.contains(&n.id.as_str()))
            && crate::patterns::is_password_like_name(a.attr.as_str())
        {
            found = true;
        }
        let key = match e {
            Expr::Call(c)
                if matches!(
                    c.func.as_ref(),
                    Expr::Attribute(a) if a.attr.as_str() == "get"
                ) =>
            {
                c.arguments.args.first()
            }
            Expr::Subscript(s) => Some(s.slice.as_ref()),
            _ => None,
        };
        found |= key
            .and_then(crate::ast_util::str_value)
            .is_some_and(crate::patterns::is_password_like_name);
    });
    found
}
