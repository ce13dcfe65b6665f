//! A parsed source file and its locations.

use ruff_python_ast::ModModule;
use ruff_source_file::LineIndex;
use ruff_text_size::{Ranged, TextRange, TextSize};
use spillcheck_core::{Location, Snippet};

/// One Python file: text, line index and (when it parsed) its AST.
pub(crate) struct SourceFile {
    pub rel: String,
    pub text: String,
    pub index: LineIndex,
    /// The syntax tree only: the parser's tokens are dropped as soon as it is built.
    pub parsed: Option<ModModule>,
    /// Under a test folder or named like a test: secrets there are fixtures.
    pub is_test: bool,
    /// Under an examples, demo, sample, docs or tutorial folder: code that shows how to
    /// use the project, not code it runs.
    pub is_example: bool,
}

impl std::fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceFile")
            .field("rel", &self.rel)
            .finish_non_exhaustive()
    }
}

/// Whether a relative path is example or documentation code (`examples/`, `demo/`,
/// `docs/`, `ckanext/example_theme/`).
pub(crate) fn is_example_path(rel: &str) -> bool {
    let mut dirs: Vec<&str> = rel.split('/').collect();
    dirs.pop();
    dirs.iter().any(|seg| {
        let s = seg.to_ascii_lowercase();
        matches!(
            s.as_str(),
            "example"
                | "examples"
                | "demo"
                | "demos"
                | "sample"
                | "samples"
                | "docs"
                | "doc"
                | "tutorial"
                | "tutorials"
                | "sandbox"
                | "playground"
        ) || s.starts_with("example_")
            || s.starts_with("examples_")
            || s.starts_with("demo_")
            || s.starts_with("sample_")
    })
}

/// Whether a relative path is third-party code copied into the project (`vendor/`,
/// `_vendor/`, `third_party/`): not code its developers wrote or review.
pub(crate) fn is_vendored_path(rel: &str) -> bool {
    let mut dirs: Vec<&str> = rel.split('/').collect();
    dirs.pop();
    dirs.iter().any(|seg| {
        matches!(
            seg.to_ascii_lowercase().as_str(),
            "vendor" | "vendored" | "_vendor" | "third_party" | "thirdparty" | "third-party"
        )
    })
}

/// Whether a file's name marks it as a leftover copy of another module (`app_old.py`,
/// `auth_back2.py`, `views_backup.py`, `models_bak.py`, `api_copy.py`, `orig_routes.py`):
/// a word of its stem, digits aside, says so.
pub(crate) fn is_leftover_name(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let Some(stem) = name.strip_suffix(".py") else {
        return false;
    };
    let stem = stem.to_ascii_lowercase();
    let words: Vec<&str> = stem
        .split(['_', '-', '.', ' '])
        .map(|w| w.trim_end_matches(|c: char| c.is_ascii_digit()))
        .filter(|w| !w.is_empty())
        .collect();
    words.len() >= 2
        && words.iter().any(|w| {
            matches!(
                *w,
                "old" | "back" | "backup" | "bak" | "copy" | "orig" | "deprecated" | "unused"
            )
        })
}

/// The files named as leftover copies ([`is_leftover_name`]) that no other file of the
/// project mentions by their module name (no import, no `"module:app"` string): code the
/// project keeps but does not run. Nothing when a file's text is not at hand.
pub(crate) fn unreferenced_leftovers(sources: &[SourceFile]) -> Vec<&str> {
    let candidates: Vec<&SourceFile> = sources
        .iter()
        .filter(|f| is_leftover_name(&f.rel) && !f.is_test)
        .collect();
    if candidates.is_empty() || sources.iter().all(|f| f.text.is_empty()) {
        return Vec::new();
    }
    candidates
        .into_iter()
        .filter(|c| {
            let name = c.rel.rsplit('/').next().unwrap_or(&c.rel);
            let stem = name.strip_suffix(".py").unwrap_or(name);
            !sources.iter().any(|f| {
                // Code, not comments: a line's text before any `#`.
                f.rel != c.rel
                    && f.text.lines().any(|line| {
                        let code = line.split('#').next().unwrap_or("");
                        code.match_indices(stem).any(|(at, _)| {
                            let before = code[..at].chars().next_back();
                            let after = code[at + stem.len()..].chars().next();
                            let word = |ch: Option<char>| {
                                ch.is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                            };
                            !word(before) && !word(after)
                        })
                    })
            })
        })
        .map(|c| c.rel.as_str())
        .collect()
}

/// Whether a relative path is a database migration script (`migrations/versions/…`,
/// `alembic/…`): it shapes or seeds the schema once, it is not how the app stores what its
/// users send.
pub(crate) fn is_migration_path(rel: &str) -> bool {
    let mut dirs: Vec<&str> = rel.split('/').collect();
    dirs.pop();
    dirs.iter()
        .any(|seg| matches!(seg.to_ascii_lowercase().as_str(), "migrations" | "alembic"))
}

/// Whether a relative path is test code ([`spillcheck_core::walk::is_test_path`]).
pub(crate) fn is_test_path(rel: &str) -> bool {
    spillcheck_core::walk::is_test_path(rel)
}

impl SourceFile {
    /// Parses `text`; a syntax error leaves `parsed` empty and returns the error.
    pub(crate) fn parse(rel: String, text: String) -> (SourceFile, Option<(u32, u32, String)>) {
        let index = LineIndex::from_source_text(&text);
        let is_test = is_test_path(&rel);
        let is_example = is_example_path(&rel);
        let mut file = SourceFile {
            rel,
            text,
            index,
            parsed: None,
            is_test,
            is_example,
        };
        if let Err((line, msg)) = crate::nesting::check(&file.text) {
            return (
                file,
                Some((line, 1, format!("{msg} (Python refuses this too)"))),
            );
        }
        match ruff_python_parser::parse_module(&file.text) {
            Ok(parsed) => {
                let module = parsed.into_syntax();
                // Test code shipped inside a package (a pytest plugin's fixtures): a module
                // that imports pytest is test code wherever it lives.
                file.is_test |= module.body.iter().any(|s| match s {
                    ruff_python_ast::Stmt::Import(i) => {
                        i.names.iter().any(|n| n.name.as_str() == "pytest")
                    }
                    ruff_python_ast::Stmt::ImportFrom(i) => i.module.as_ref().is_some_and(|m| {
                        matches!(m.as_str().split('.').next(), Some("pytest" | "_pytest"))
                    }),
                    _ => false,
                });
                file.parsed = Some(module);
                (file, None)
            }
            Err(err) => {
                let lc = file.index.line_column(err.location.start(), &file.text);
                let msg = format!("{}", err.error);
                (
                    file,
                    Some((
                        u32::try_from(lc.line.get()).unwrap_or(0),
                        u32::try_from(lc.column.get()).unwrap_or(0),
                        msg,
                    )),
                )
            }
        }
    }

    pub(crate) fn module(&self) -> Option<&ModModule> {
        self.parsed.as_ref()
    }

    /// 1-based line of an offset.
    pub(crate) fn line_of(&self, offset: TextSize) -> u32 {
        u32::try_from(self.index.line_index(offset).get()).unwrap_or(u32::MAX)
    }

    /// A report location for `range`, with two lines of context.
    pub(crate) fn location(&self, range: TextRange) -> Location {
        let start = self.index.line_column(range.start(), &self.text);
        let end = self.index.line_column(range.end(), &self.text);
        let line = u32::try_from(start.line.get()).unwrap_or(u32::MAX);
        let end_line = u32::try_from(end.line.get()).unwrap_or(u32::MAX);
        Location {
            path: self.rel.clone(),
            line,
            column: u32::try_from(start.column.get()).unwrap_or(1),
            end_line: Some(end_line),
            end_column: Some(u32::try_from(end.column.get()).unwrap_or(1)),
            snippet: Some(Snippet::from_source(&self.text, line, 2)),
        }
    }

    /// A location pointing at a whole node.
    pub(crate) fn at(&self, node: &impl Ranged) -> Location {
        self.location(node.range())
    }
}

/// Facts about the whole project that the file-local rules need: setters that hash,
/// the project's own exception classes, which functions are views.
#[derive(Debug, Default)]
pub(crate) struct ProjectFacts {
    /// Attributes whose assignment hashes the value: a property or `hybrid_property`
    /// setter, a `synonym(..., descriptor=property(get, set))`, a `@validates` hook that
    /// hashes, or a SQLAlchemy `before_insert`/`before_update` listener that hashes the
    /// attribute before the row is written (`user.password = raw` stores a hash).
    pub hashing_setters: rustc_hash::FxHashSet<String>,
    /// Exception classes the project defines: raised with messages written for users.
    pub exception_classes: rustc_hash::FxHashSet<String>,
    /// Functions that answer requests: route handlers, error handlers, view methods and
    /// views registered with `add_url_rule`.
    pub views: rustc_hash::FxHashSet<String>,
    /// Decorators applied to views: what their wrappers return is the answer too.
    pub view_decorators: rustc_hash::FxHashSet<String>,
    /// The project configures Flask-CORS's origins (`CORS_ORIGINS`, `CORS_RESOURCES`) in
    /// its settings, which `CORS(app)` and `@cross_origin()` without `origins=` inherit.
    pub cors_origins_configured: bool,
    /// Something in the project starts Werkzeug's development server with the app
    /// (`app.run(...)`, `socketio.run(app)`, `run_simple(...)`), the only server whose
    /// debugger `DEBUG = True` switches on: `flask run` takes its debug flag from the
    /// environment, and other servers have no debugger.
    pub starts_dev_server: bool,
    /// Values and constant names the project refuses to run with: compared in an `if`
    /// whose body exits or raises (`if config["SECRET_KEY"] == CHANGE_ME_SECRET_KEY:
    /// sys.exit(1)`).
    pub refused_values: rustc_hash::FxHashSet<String>,
    /// Settings the project refuses when shorter than a length (`if
    /// len(config["JWT_SECRET"]) < 32: raise ...`).
    pub min_lengths: rustc_hash::FxHashMap<String, usize>,
    /// Each call of a class by its name (`User(email, hashpw(pw))`): for each argument by
    /// position, and by keyword, whether its value is hashed there.
    pub constructions: rustc_hash::FxHashMap<String, Vec<Construction>>,
    /// Module-level constants in capitals bound to a text, by name: whether every module
    /// that defines the name gives it a text that is no secret (a route, a key name, a
    /// label: `UPDATE_USER_PASSWORD = "/users/update-password"`).
    pub text_constants: rustc_hash::FxHashMap<String, bool>,
    /// Something in the project uses what Flask's `SECRET_KEY` signs: the session
    /// (`from flask import session`), Flask-Login's `login_user`, Flask-WTF, itsdangerous,
    /// a JWT or OAuth extension, or code that reads the key itself.
    pub signs_with_secret_key: bool,
    /// Classes that map a table and define no `__init__`: their constructor sets each
    /// keyword on the row as given.
    pub plain_models: rustc_hash::FxHashSet<String>,
    /// Something in the project carries credentials in cookies: the session or a login (as
    /// for `signs_with_secret_key`), a cookie named for a credential set or read.
    pub cookie_credentials: bool,
    /// Where the project reads a credential from the query string (an `SC106` finding
    /// above `possible`: its parameter and place), set once every file is checked.
    pub query_credential: Option<String>,
    /// Error classes the project hands to an error handler (`@app.errorhandler(InvalidUsage)`,
    /// `register_error_handler(ApiError, f)`), by their last name.
    pub handled_errors: rustc_hash::FxHashSet<String>,
    /// The bases of the project's exception classes, by last name (`InvalidUsage` →
    /// `[ApiError]`).
    pub error_bases: rustc_hash::FxHashMap<String, Vec<String>>,
    /// Names the project compares with what a request carries (`if AUTH_KEY != apikey:`
    /// with `apikey = request.headers.get("X-APIKey")`, `compare_digest(token, API_TOKEN)`):
    /// settings that let a client in.
    pub request_compared: rustc_hash::FxHashSet<String>,
}

/// The names each function of a module compares with what the request carries: a side of
/// a comparison (or of `compare_digest`) that reads the request, directly or through a local
/// bound from it; the other side's name (`AUTH_KEY`, `config.api_key` → `api_key`,
/// `app.config["API_KEY"]` → `API_KEY`).
fn request_comparisons(body: &[ruff_python_ast::Stmt], out: &mut rustc_hash::FxHashSet<String>) {
    use ruff_python_ast::Expr;
    let mentions_request =
        |e: &Expr| crate::ast_util::any_expr(e, &mut crate::recognizers::is_request_object);
    for (_, func, _) in crate::facts::all_functions(body) {
        let locals = crate::facts::names_bound_to(&func.body, mentions_request);
        let from_request = |e: &Expr| {
            mentions_request(e)
                || crate::ast_util::names_in(e)
                    .iter()
                    .any(|n| locals.contains(n))
        };
        let name_of = |e: &Expr| -> Option<String> {
            match e {
                Expr::Name(n) => Some(n.id.to_string()),
                Expr::Attribute(a) => Some(a.attr.to_string()),
                Expr::Subscript(sub) => crate::ast_util::str_value(&sub.slice).map(str::to_owned),
                _ => None,
            }
        };
        crate::facts::exprs_in(&func.body, &mut |e| {
            let sides: Vec<&Expr> = match e {
                Expr::Compare(c) if c.comparators.len() == 1 => vec![&c.left, &c.comparators[0]],
                Expr::Call(c) if crate::ast_util::callee_last(c) == Some("compare_digest") => {
                    c.arguments.args.iter().collect()
                }
                _ => return,
            };
            if let [a, b] = sides.as_slice() {
                for (x, y) in [(a, b), (b, a)] {
                    if from_request(x)
                        && !from_request(y)
                        && let Some(n) = name_of(y)
                    {
                        out.insert(n);
                    }
                }
            }
        });
    }
}

impl ProjectFacts {
    /// Whether the project answers clients with what an exception of its own class carries:
    /// the class (or a base of it) has an error handler, or derives from Werkzeug's
    /// `HTTPException`, whose description Flask renders.
    pub(crate) fn answers_error(&self, class: &str) -> bool {
        if !self.exception_classes.contains(class) {
            return false;
        }
        let mut at = vec![class.to_owned()];
        let mut seen = rustc_hash::FxHashSet::default();
        while let Some(c) = at.pop() {
            if !seen.insert(c.clone()) || seen.len() > 16 {
                continue;
            }
            if self.handled_errors.contains(&c) || c == "HTTPException" {
                return true;
            }
            if let Some(bases) = self.error_bases.get(&c) {
                at.extend(bases.iter().cloned());
            }
        }
        false
    }
}

/// One call of a class: whether each argument is a hash (`hashpw(...)`,
/// `generate_password_hash(...)`, a name that says so: `hashed`, `pw_hash`).
#[derive(Debug, Default, Clone)]
pub(crate) struct Construction {
    pub positional: Vec<bool>,
    pub keywords: Vec<(String, bool)>,
}

impl Construction {
    fn of(call: &ruff_python_ast::ExprCall) -> Construction {
        let hashed = |e: &ruff_python_ast::Expr| {
            crate::ast_util::any_expr(e, &mut |x| match x {
                ruff_python_ast::Expr::Call(c) => crate::facts::is_hash_call(c),
                ruff_python_ast::Expr::Name(n) => {
                    let l = n.id.to_ascii_lowercase();
                    l.contains("hash") || l.contains("digest")
                }
                _ => false,
            })
        };
        Construction {
            positional: call.arguments.args.iter().map(hashed).collect(),
            keywords: call
                .arguments
                .keywords
                .iter()
                .filter_map(|k| k.arg.as_ref().map(|a| (a.to_string(), hashed(&k.value))))
                .collect(),
        }
    }
}

/// A file-local finding whose fate depends on the whole project's facts.
#[derive(Debug, Clone)]
pub(crate) enum Deferred {
    /// SC150: dropped when the attribute's setter hashes (a property, synonym or
    /// `@validates` hook somewhere in the project).
    UnlessHashingSetter(String),
    /// SC150 on `self.password = password` in a model's `__init__`: dropped when the class
    /// is constructed somewhere and every construction passes a hash for that parameter.
    UnlessConstructedHashed {
        class: String,
        /// The parameter's position among the arguments (after `self`), and its name.
        position: usize,
        param: String,
        /// The attribute set (also dropped when its setter hashes).
        attr: String,
    },
    /// SC121 on a `return`: dropped when every exception caught is the project's own; when
    /// the function is not a view (nor wrapped by a view decorator) and builds no response,
    /// `possible`, and its helper is remembered (a view answering with it makes it likely).
    ExceptionReturned {
        types: Vec<String>,
        function: Option<String>,
        enclosing: Vec<String>,
        builds_response: bool,
    },
    /// SC121 on a GraphQL error loop: kept only in a view.
    OnlyInView(String),
    /// SC161 on `CORS(…)`/`@cross_origin(…)` with credentials and no `origins=`: dropped
    /// when the project's settings give Flask-CORS an origin list it inherits.
    UnlessCorsOriginsConfigured,
    /// SC120 on a configured debug flag: `possible` when nothing in the project starts
    /// Werkzeug's development server with the app.
    PossibleUnlessDevServer,
    /// SC130 on a hard-coded key: `possible` when the project refuses to run with that
    /// value or constant, or with a key that short.
    PossibleIfRefused {
        /// The setting or constant the literal is bound to.
        name: String,
        literal: String,
    },
    /// SC150 on `Model(password=raw)`: kept only when the class maps a table with no
    /// `__init__` of its own and nothing hashes the attribute.
    OnlyPlainModel { class: String, attr: String },
    /// SC161 on CORS headers written by hand: `possible` when nothing in the project keeps
    /// credentials in cookies (credentialed requests carry none).
    PossibleUnlessCookies,
    /// SC130 on Flask's `SECRET_KEY`: `possible` when nothing in the project uses what it
    /// signs.
    PossibleUnlessSigned,
    /// SC111 on a logged constant another module defines: dropped when the project binds
    /// that name only to texts that are no secret (a route, a key name).
    UnlessHarmlessConstant(String),
    /// SC110 on a logged URL or query string: kept only when the project accepts a
    /// credential in the query string (an `SC106` finding above `possible`), which it names.
    OnlyWithQueryCredential,
    /// SC121 on `raise AppError(f"... {e}")` in an `except`: kept only when the class is the
    /// project's own and an error handler (or Werkzeug, for an `HTTPException`) answers it.
    OnlyAnsweredError(String),
    /// SC131 on a placeholder default (`os.environ.get("API_KEY", "changeme")`): kept only
    /// when the project compares that name with what a request carries.
    OnlyComparedWithRequest(String),
}

/// Whether a module sets or reads a cookie named for a credential
/// (`set_cookie("session_id", ...)`, `request.cookies.get("auth_token")`,
/// `request.cookies["jwt"]`): cookies named by the caller (an echo service's) carry no one's
/// identity.
fn names_a_credential_cookie(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "session", "token", "auth", "sid", "jwt", "remember", "login", "user", "key",
    ];
    ["set_cookie(", "cookies.get(", "cookies["]
        .iter()
        .any(|call| {
            text.match_indices(call).any(|(at, _)| {
                let rest = text[at + call.len()..].trim_start();
                let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) else {
                    return false;
                };
                let name: String = rest[1..]
                    .chars()
                    .take_while(|c| *c != quote)
                    .take(64)
                    .collect::<String>()
                    .to_ascii_lowercase();
                WORDS.iter().any(|w| name.contains(w))
            })
        })
}

/// Whether a module uses what Flask's `SECRET_KEY` signs or protects: the session, a
/// Flask-Login login, Flask-WTF's CSRF token, itsdangerous, a JWT or OAuth library (which
/// fall back on the key or keep their state in the session), or the key itself read outside
/// the assignment that sets it (`jwt.encode(claims, app.config["SECRET_KEY"])`). Message
/// flashing alone does not count: a forged flash is no one's identity.
fn signs_with_secret_key(body: &[ruff_python_ast::Stmt]) -> bool {
    use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
    use ruff_python_ast::{Expr, Stmt};
    const MODULES: &[&str] = &[
        "flask_wtf",
        "wtforms",
        "itsdangerous",
        "jwt",
        "jose",
        "authlib",
        "flask_jwt",
        "flask_jwt_extended",
        "flask_security",
        "flask_principal",
        "flask_oauthlib",
        "flask_dance",
        "flask_oidc",
        "flask_pyoidc",
        "flask_session",
        "flask_seasurf",
        "flask_admin",
        "flask_appbuilder",
        "flask_praetorian",
        "flask_user",
    ];
    let key = |s: &str| s.eq_ignore_ascii_case("secret_key");
    struct V<'k> {
        found: bool,
        key: &'k dyn Fn(&str) -> bool,
    }
    impl<'a> Visitor<'a> for V<'_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::ImportFrom(i) => {
                    let module = i
                        .module
                        .as_ref()
                        .map(ruff_python_ast::Identifier::as_str)
                        .unwrap_or_default();
                    let root = module.split('.').next().unwrap_or_default();
                    if MODULES.contains(&root)
                        || root == "flask" && i.names.iter().any(|n| n.name.as_str() == "session")
                        || root == "flask_login"
                            && i.names.iter().any(|n| n.name.as_str() == "login_user")
                    {
                        self.found = true;
                    }
                }
                Stmt::Import(i)
                    if i.names.iter().any(|n| {
                        MODULES.contains(&n.name.as_str().split('.').next().unwrap_or_default())
                    }) =>
                {
                    self.found = true;
                }
                // `app.secret_key = SECRET_KEY`: setting the key is not using it.
                Stmt::Assign(a)
                    if a.targets.iter().any(|t| {
                        crate::recognizers::target_name(t).is_some_and(|n| (self.key)(&n))
                    }) =>
                {
                    return;
                }
                _ => {}
            }
            if !self.found {
                walk_stmt(self, stmt);
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if self.found {
                return;
            }
            match expr {
                // `flask.session`, `login_user(user)`.
                Expr::Attribute(a)
                    if a.attr.as_str() == "session"
                        && crate::ast_util::dotted(&a.value).as_deref() == Some("flask") =>
                {
                    self.found = true;
                }
                Expr::Call(c) if crate::ast_util::callee_last(c) == Some("login_user") => {
                    self.found = true;
                }
                // `config.update(SECRET_KEY=...)`: setting it.
                Expr::Call(c)
                    if c.arguments
                        .keywords
                        .iter()
                        .any(|k| k.arg.as_ref().is_some_and(|a| (self.key)(a.as_str()))) =>
                {
                    for a in &*c.arguments.args {
                        self.visit_expr(a);
                    }
                    self.visit_expr(&c.func);
                }
                // A read of the key: `app.config["SECRET_KEY"]`, `app.secret_key`,
                // `config.get("SECRET_KEY")`, `SECRET_KEY`.
                Expr::Subscript(s)
                    if crate::ast_util::str_value(&s.slice).is_some_and(|k| (self.key)(k)) =>
                {
                    self.found = true;
                }
                Expr::Attribute(a) if (self.key)(a.attr.as_str()) => self.found = true,
                Expr::Name(n) if (self.key)(n.id.as_str()) => self.found = true,
                Expr::Call(c)
                    if crate::ast_util::callee_last(c) == Some("get")
                        && c.arguments
                            .args
                            .first()
                            .and_then(crate::ast_util::str_value)
                            .is_some_and(|k| (self.key)(k)) =>
                {
                    self.found = true;
                }
                _ => walk_expr(self, expr),
            }
        }
    }
    let mut v = V {
        found: false,
        key: &key,
    };
    for s in body {
        v.visit_stmt(s);
    }
    v.found
}

impl ProjectFacts {
    /// The union of two files' facts.
    pub(crate) fn extend(&mut self, other: ProjectFacts) {
        self.hashing_setters.extend(other.hashing_setters);
        for (class, calls) in other.constructions {
            self.constructions.entry(class).or_default().extend(calls);
        }
        self.exception_classes.extend(other.exception_classes);
        self.views.extend(other.views);
        self.view_decorators.extend(other.view_decorators);
        self.cors_origins_configured |= other.cors_origins_configured;
        self.starts_dev_server |= other.starts_dev_server;
        self.signs_with_secret_key |= other.signs_with_secret_key;
        self.plain_models.extend(other.plain_models);
        self.cookie_credentials |= other.cookie_credentials;
        self.handled_errors.extend(other.handled_errors);
        self.request_compared.extend(other.request_compared);
        self.error_bases.extend(other.error_bases);
        self.refused_values.extend(other.refused_values);
        for (k, harmless) in other.text_constants {
            let e = self.text_constants.entry(k).or_insert(true);
            *e &= harmless;
        }
        for (k, n) in other.min_lengths {
            let e = self.min_lengths.entry(k).or_default();
            *e = (*e).max(n);
        }
    }

    /// Settles a file's deferred findings with the project's facts: returns the findings
    /// kept (in order) and the helpers that return exception text (name, index into the
    /// kept findings).
    pub(crate) fn settle(
        &self,
        findings: Vec<spillcheck_core::Finding>,
        deferred: Vec<(usize, Deferred)>,
    ) -> (Vec<spillcheck_core::Finding>, Vec<(String, usize)>) {
        let mut conditions: Vec<Vec<Deferred>> = vec![Vec::new(); findings.len()];
        for (i, d) in deferred {
            if let Some(slot) = conditions.get_mut(i) {
                slot.push(d);
            }
        }
        let mut kept = Vec::with_capacity(findings.len());
        let mut returners = Vec::new();
        'findings: for (mut f, conditions) in findings.into_iter().zip(conditions) {
            for condition in conditions.into_iter().map(Some) {
                match condition {
                    Some(Deferred::UnlessHashingSetter(attr))
                        if self.hashing_setters.contains(attr.as_str()) =>
                    {
                        continue 'findings;
                    }
                    Some(Deferred::UnlessConstructedHashed {
                        class,
                        position,
                        param,
                        attr,
                    }) if self.hashing_setters.contains(attr.as_str())
                        || self.constructions.get(&class).is_some_and(|calls| {
                            !calls.is_empty()
                                && calls.iter().all(|c| {
                                    c.positional.get(position).copied().unwrap_or(false)
                                        || c.keywords.iter().any(|(k, h)| *k == param && *h)
                                })
                        }) =>
                    {
                        continue 'findings;
                    }
                    Some(Deferred::OnlyInView(function))
                        if !self.views.contains(function.as_str()) =>
                    {
                        continue 'findings;
                    }
                    Some(Deferred::UnlessCorsOriginsConfigured) if self.cors_origins_configured => {
                        continue 'findings;
                    }
                    Some(Deferred::PossibleUnlessDevServer)
                        if !self.starts_dev_server
                            && f.confidence != spillcheck_core::Confidence::Possible =>
                    {
                        f.lower_to_possible(
                        "nothing in the project calls `app.run()`: `flask run` takes its debug flag from the environment, and other servers have no debugger",
                    );
                    }
                    Some(Deferred::PossibleIfRefused { name, literal }) => {
                        let refused = self.refused_values.contains(literal.as_str())
                            || self.refused_values.contains(name.as_str())
                            || self
                                .min_lengths
                                .get(name.as_str())
                                .is_some_and(|&n| literal.len() < n);
                        if refused && f.confidence != spillcheck_core::Confidence::Possible {
                            f.lower_to_possible(
                            "the project refuses to run with this value (a check at start-up exits or raises)",
                        );
                        }
                    }
                    Some(Deferred::OnlyPlainModel { class, attr })
                        if !self.plain_models.contains(class.as_str())
                            || self.hashing_setters.contains(attr.as_str()) =>
                    {
                        continue 'findings;
                    }
                    Some(Deferred::PossibleUnlessCookies)
                        if !self.cookie_credentials
                            && f.confidence != spillcheck_core::Confidence::Possible =>
                    {
                        f.lower_to_possible(
                            "nothing in the project keeps a credential in a cookie (no session, login, or cookie named for a session or token): a credentialed request carries no one's identity",
                        );
                    }
                    Some(Deferred::PossibleUnlessSigned)
                        if !self.signs_with_secret_key
                            && f.confidence != spillcheck_core::Confidence::Possible =>
                    {
                        f.lower_to_possible(
                        "nothing in the project uses what Flask's key signs: no `session`, `login_user`, Flask-WTF form, itsdangerous serializer, JWT or OAuth client, and no code reads the key",
                    );
                    }
                    Some(Deferred::UnlessHarmlessConstant(name))
                        if self.text_constants.get(name.as_str()) == Some(&true) =>
                    {
                        continue 'findings;
                    }
                    Some(Deferred::OnlyAnsweredError(class)) if !self.answers_error(&class) => {
                        continue 'findings;
                    }
                    Some(Deferred::OnlyComparedWithRequest(name))
                        if !self.request_compared.contains(&name) =>
                    {
                        continue 'findings;
                    }
                    Some(Deferred::OnlyWithQueryCredential) => match &self.query_credential {
                        None => continue 'findings,
                        Some(at) => f.notes.push(format!(
                            "the app takes a credential in the query string: {at}"
                        )),
                    },
                    None
                    | Some(
                        Deferred::PossibleUnlessSigned
                        | Deferred::PossibleUnlessCookies
                        | Deferred::OnlyPlainModel { .. }
                        | Deferred::UnlessHarmlessConstant(_)
                        | Deferred::UnlessHashingSetter(_)
                        | Deferred::UnlessConstructedHashed { .. }
                        | Deferred::OnlyInView(_)
                        | Deferred::UnlessCorsOriginsConfigured
                        | Deferred::OnlyAnsweredError(_)
                        | Deferred::OnlyComparedWithRequest(_)
                        | Deferred::PossibleUnlessDevServer,
                    ) => {}
                    Some(Deferred::ExceptionReturned {
                        types,
                        function,
                        enclosing,
                        builds_response,
                    }) => {
                        let own = !types.is_empty()
                            && types.iter().all(|t| self.exception_classes.contains(t));
                        if own {
                            continue 'findings;
                        }
                        let in_view = function.as_deref().is_some_and(|n| self.views.contains(n))
                            || enclosing.iter().any(|n| self.view_decorators.contains(n));
                        if !in_view && !builds_response {
                            f.lower_to_possible("returned by a helper, not by a view: whether the text reaches a client depends on its callers");
                            if let Some(helper) = function {
                                returners.push((helper, kept.len()));
                            }
                        }
                    }
                }
            }
            kept.push(f);
        }
        (kept, returners)
    }

    /// The facts one file contributes.
    pub(crate) fn of(file: &SourceFile) -> ProjectFacts {
        ProjectFacts::build(std::slice::from_ref(file))
    }

    pub(crate) fn build(files: &[SourceFile]) -> ProjectFacts {
        use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
        use ruff_python_ast::{self as ast, Expr, Stmt};

        use crate::ast_util::{callee_last, dotted, str_value};

        /// Whether a setter's body hashes the value, or encrypts it (`fernet.encrypt(...)`:
        /// a password the app must use again, kept encrypted at rest).
        fn hashes(body: &[Stmt]) -> bool {
            crate::facts::calls_in(body).iter().any(|c| {
                crate::facts::is_hash_call(c)
                    || callee_last(c).is_some_and(|n| {
                        let n = n.to_ascii_lowercase();
                        n == "encrypt" || n.starts_with("encrypt_") || n.ends_with("_encrypt")
                    })
            })
        }
        /// Attributes a body sets to a hash (`self.password = bcrypt.hash(...)`).
        fn hashed_attrs(body: &[Stmt]) -> Vec<String> {
            crate::facts::assigns_in(body)
                .iter()
                .filter(|a| {
                    crate::ast_util::any_expr(
                        &a.value,
                        &mut |e| matches!(e, Expr::Call(c) if crate::facts::is_hash_call(c)),
                    )
                })
                .flat_map(|a| a.targets.iter())
                .filter_map(|t| match t {
                    Expr::Attribute(at) => Some(at.attr.to_string()),
                    _ => None,
                })
                .collect()
        }
        /// Whether a body leaves: `raise`, `sys.exit(...)`, `exit(...)`, `os._exit(...)`, at
        /// any depth.
        fn exits(body: &[Stmt]) -> bool {
            let mut out = false;
            for s in body {
                match s {
                    Stmt::Raise(_) => out = true,
                    Stmt::If(i) => {
                        out |= exits(&i.body) || i.elif_else_clauses.iter().any(|c| exits(&c.body));
                    }
                    _ => {}
                }
            }
            // A project's own fatal helper (`fatal_error(msg)`, `die(msg)`): named for
            // ending the program.
            let fatal = |n: &str| {
                let last = n.rsplit('.').next().unwrap_or(n).to_ascii_lowercase();
                last.contains("fatal") || matches!(last.as_str(), "die" | "panic" | "bail")
            };
            out || crate::facts::calls_in(body).iter().any(|c| {
                crate::ast_util::callee(c).is_some_and(|n| {
                    matches!(n.as_str(), "sys.exit" | "exit" | "os._exit" | "quit") || fatal(&n)
                })
            })
        }
        /// The setting a test reads: `config["KEY"]`, `app.config.get("KEY")`,
        /// `settings.KEY`, `KEY`.
        fn setting_of(e: &Expr) -> Option<String> {
            match e {
                Expr::Subscript(s) => str_value(&s.slice).map(str::to_owned),
                Expr::Call(c) if callee_last(c) == Some("get") => c
                    .arguments
                    .args
                    .first()
                    .and_then(str_value)
                    .map(str::to_owned),
                Expr::Attribute(a) => Some(a.attr.to_string()),
                Expr::Name(n) => Some(n.id.to_string()),
                _ => None,
            }
        }
        /// What an exiting `if` refuses: the other side of an `==` with a setting (a
        /// constant's name or a literal), or the bound of a `len(setting) < N`.
        fn refusals(test: &Expr, facts: &mut ProjectFacts) {
            crate::ast_util::each_expr(test, &mut |e| {
                let Expr::Compare(c) = e else { return };
                let sides: Vec<&Expr> = crate::ast_util::operands(c).collect();
                // `setting == "literal"`, `config["KEY"] == CONSTANT` (a read of the
                // configuration against a constant's name).
                if let ([a, b], [ast::CmpOp::Eq | ast::CmpOp::In]) = (sides.as_slice(), &*c.ops) {
                    // `if password == LEGACY_DEFAULT_PASSWORD: raise ...`: a known password
                    // kept to refuse it, not a credential of the app.
                    for (typed, other) in [(a, b), (b, a)] {
                        let typed_name = match typed {
                            Expr::Name(n) => Some(n.id.as_str()),
                            Expr::Attribute(at) => Some(at.attr.as_str()),
                            _ => None,
                        };
                        if let (Some(t), Expr::Name(n)) = (typed_name, other)
                            && crate::patterns::is_password_like_name(&t.to_ascii_lowercase())
                            && crate::patterns::is_capitals_name(n.id.as_str())
                        {
                            facts.refused_values.insert(n.id.to_string());
                        }
                    }
                    for (setting, other) in [(a, b), (b, a)] {
                        if setting_of(setting).is_none() {
                            continue;
                        }
                        if let Some(v) = str_value(other) {
                            facts.refused_values.insert(v.to_owned());
                        }
                        if let Expr::Name(n) = other
                            && !matches!(setting, Expr::Name(_))
                            && crate::patterns::is_capitals_name(n.id.as_str())
                        {
                            facts.refused_values.insert(n.id.to_string());
                        }
                    }
                }
                if let ([left, right], [ast::CmpOp::Lt | ast::CmpOp::LtE]) =
                    (sides.as_slice(), &*c.ops)
                    && let Expr::Call(l) = left
                    && callee_last(l) == Some("len")
                    && let Some(setting) = l.arguments.args.first().and_then(setting_of)
                    && let Some(n) = crate::ast_util::int_value(right)
                {
                    let n = usize::try_from(n).unwrap_or(0)
                        + usize::from(matches!(c.ops[0], ast::CmpOp::LtE));
                    let e = facts.min_lengths.entry(setting).or_default();
                    *e = (*e).max(n);
                }
            });
        }
        /// Flask-CORS settings that give the origins.
        fn cors_origins_key(k: &str) -> bool {
            matches!(k, "CORS_ORIGINS" | "CORS_RESOURCES")
        }
        /// `"before_insert"`, `"before_update"`: events that run before a row is written.
        fn before_write(e: Option<&Expr>) -> bool {
            e.and_then(str_value)
                .is_some_and(|s| matches!(s, "before_insert" | "before_update"))
        }
        struct V<'f> {
            facts: &'f mut ProjectFacts,
            /// Functions registered as SQLAlchemy listeners of a write.
            listeners: Vec<String>,
            /// Inside a function named for development (`run_in_dev_mode`, `debug_server`).
            in_dev: usize,
        }
        impl V<'_> {
            fn class(&mut self, class: &ast::StmtClassDef) {
                if crate::data_models::maps_a_table(class)
                    && !class
                        .body
                        .iter()
                        .any(|s| matches!(s, Stmt::FunctionDef(f) if f.name.as_str() == "__init__"))
                {
                    self.facts.plain_models.insert(class.name.to_string());
                }
                let bases: Vec<String> = class
                    .arguments
                    .as_ref()
                    .map(|a| a.args.iter().filter_map(dotted).collect())
                    .unwrap_or_default();
                if bases.iter().any(|b| {
                    let last = b.rsplit('.').next().unwrap_or(b);
                    last.ends_with("Error") || last.ends_with("Exception")
                }) {
                    self.facts.exception_classes.insert(class.name.to_string());
                    self.facts.error_bases.insert(
                        class.name.to_string(),
                        bases
                            .iter()
                            .map(|b| b.rsplit('.').next().unwrap_or(b).to_owned())
                            .collect(),
                    );
                }
                let methods: Vec<&ast::StmtFunctionDef> = class
                    .body
                    .iter()
                    .filter_map(|s| match s {
                        Stmt::FunctionDef(f) => Some(f),
                        _ => None,
                    })
                    .collect();
                for f in &methods {
                    if matches!(
                        f.name.as_str(),
                        "get" | "post" | "put" | "patch" | "delete" | "dispatch_request"
                    ) {
                        self.facts.views.insert(f.name.to_string());
                    }
                    for d in &f.decorator_list {
                        // `@password.setter` that hashes.
                        if let Expr::Attribute(a) = &d.expression
                            && a.attr.as_str() == "setter"
                            && let Expr::Name(n) = a.value.as_ref()
                            && hashes(&f.body)
                        {
                            self.facts.hashing_setters.insert(n.id.to_string());
                        }
                        // `@validates("password")` that hashes.
                        if let Expr::Call(c) = &d.expression
                            && callee_last(c) == Some("validates")
                            && hashes(&f.body)
                        {
                            for a in &c.arguments.args {
                                if let Some(name) = str_value(a) {
                                    self.facts.hashing_setters.insert(name.to_owned());
                                }
                            }
                        }
                    }
                }
                // `password = synonym("_password", descriptor=property(get, set))`,
                // `password = property(get, set)`; also returned by a `@declared_attr`
                // method named for the attribute.
                let declared: Vec<(&str, &Expr)> = methods
                    .iter()
                    .filter(|f| {
                        f.decorator_list.iter().any(|d| {
                            dotted(&d.expression).is_some_and(|n| n.ends_with("declared_attr"))
                        })
                    })
                    .flat_map(|f| {
                        crate::facts::returned_exprs(&f.body)
                            .into_iter()
                            .map(move |v| (f.name.as_str(), v))
                    })
                    .collect();
                let assigned = class.body.iter().filter_map(|s| match s {
                    Stmt::Assign(a) => match a.targets.as_slice() {
                        [Expr::Name(target)] => Some((target.id.as_str(), a.value.as_ref())),
                        _ => None,
                    },
                    _ => None,
                });
                for (target, value) in assigned.chain(declared) {
                    let mut setter: Option<String> = None;
                    let mut hashing_type = false;
                    crate::ast_util::each_expr(value, &mut |e| {
                        if let Expr::Call(c) = e
                            && callee_last(c) == Some("property")
                        {
                            setter = c.arguments.find_argument_value("fset", 1).and_then(dotted);
                        }
                        // A column type or descriptor that hashes what it is given and
                        // compares hashes (sqlalchemy-utils' `PasswordType`, indico's
                        // `PasswordProperty('password_hash')`); not WTForms'
                        // `PasswordField`, a form's input.
                        if let Expr::Call(c) = e
                            && callee_last(c).is_some_and(|n| {
                                n.contains("Password")
                                    && ["Type", "Property", "Descriptor", "Hash"]
                                        .iter()
                                        .any(|k| n.ends_with(k))
                            })
                        {
                            hashing_type = true;
                        }
                    });
                    if hashing_type {
                        self.facts.hashing_setters.insert(target.to_owned());
                    }
                    // `property(get, set)`, `property(cls.get, cls.set)`.
                    if let Some(setter) = setter
                        && let Some(setter) = setter.rsplit('.').next()
                        && methods
                            .iter()
                            .any(|m| m.name.as_str() == setter && hashes(&m.body))
                    {
                        self.facts.hashing_setters.insert(target.to_owned());
                    }
                }
            }
        }
        impl<'a> Visitor<'a> for V<'_> {
            fn visit_stmt(&mut self, stmt: &'a Stmt) {
                let dev = matches!(stmt, Stmt::FunctionDef(f) if crate::patterns::words(f.name.as_str())
                    .iter()
                    .any(|w| matches!(w.as_str(), "dev" | "develop" | "development" | "debug")));
                if dev {
                    self.in_dev += 1;
                }
                self.visit_stmt_inner(stmt);
                if dev {
                    self.in_dev -= 1;
                }
            }
            fn visit_expr(&mut self, expr: &'a Expr) {
                // `@app.errorhandler(InvalidUsage)`, `app.register_error_handler(ApiError, f)`.
                if let Expr::Call(c) = expr
                    && matches!(
                        callee_last(c),
                        Some("errorhandler" | "app_errorhandler" | "register_error_handler")
                    )
                    && let Some(class) = c.arguments.args.first().and_then(dotted)
                {
                    self.facts
                        .handled_errors
                        .insert(class.rsplit('.').next().unwrap_or(&class).to_owned());
                }
                // `User(email, hashpw(password))`: a class called by its name.
                if let Expr::Call(c) = expr
                    && let Expr::Name(n) = c.func.as_ref()
                    && n.id.chars().next().is_some_and(char::is_uppercase)
                    && n.id.chars().any(|ch| ch.is_ascii_lowercase())
                {
                    self.facts
                        .constructions
                        .entry(n.id.to_string())
                        .or_default()
                        .push(Construction::of(c));
                }
                // `listen(User, "before_insert", hash_password)`.
                if let Expr::Call(c) = expr
                    && callee_last(c) == Some("listen")
                    && before_write(c.arguments.args.get(1))
                    && let Some(f) = c.arguments.args.get(2).and_then(dotted)
                {
                    self.listeners
                        .push(f.rsplit('.').next().unwrap_or(&f).to_owned());
                }
                // `app.run(...)`, `socketio.run(app)`, `create_app().run()`, `run_simple(...)`.
                if let Expr::Call(c) = expr {
                    let starts = match (callee_last(c), &*c.func) {
                        (Some("run_simple"), _) => true,
                        (Some("run"), Expr::Attribute(a)) => {
                            let receiver = match a.value.as_ref() {
                                Expr::Call(inner) => dotted(&inner.func),
                                other => dotted(other),
                            }
                            .unwrap_or_default()
                            .to_ascii_lowercase();
                            let last = receiver.rsplit('.').next().unwrap_or(&receiver);
                            last.contains("app") || matches!(last, "socketio" | "manager")
                        }
                        _ => false,
                    };
                    // Not inside a function named for development (`run_in_dev_mode`):
                    // a console script for developers starts no production server.
                    if starts && self.in_dev == 0 {
                        self.facts.starts_dev_server = true;
                    }
                }
                // `app.config.update(CORS_ORIGINS=[...])`.
                if let Expr::Call(c) = expr
                    && c.arguments.keywords.iter().any(|k| {
                        k.arg.as_ref().is_some_and(|a| cors_origins_key(a.as_str()))
                            && !crate::recognizers::any_origin(&k.value)
                    })
                    && !matches!(callee_last(c), Some("CORS" | "cross_origin"))
                {
                    self.facts.cors_origins_configured = true;
                }
                if let Expr::Call(c) = expr
                    && matches!(
                        callee_last(c),
                        Some("add_url_rule" | "register_error_handler")
                    )
                {
                    let view = c
                        .arguments
                        .find_keyword("view_func")
                        .map(|k| &k.value)
                        .or_else(|| c.arguments.args.last());
                    if let Some(v) = view.and_then(dotted) {
                        self.facts
                            .views
                            .insert(v.rsplit('.').next().unwrap_or(&v).to_owned());
                    }
                }
                // `api.errorhandler(ldap.SERVER_DOWN)(handle_server_down)`: an error
                // handler registered by applying the decorator by hand answers clients.
                if let Expr::Call(c) = expr
                    && let Expr::Call(inner) = c.func.as_ref()
                    && matches!(
                        callee_last(inner),
                        Some("errorhandler" | "app_errorhandler")
                    )
                    && let [handler] = &c.arguments.args[..]
                    && let Some(v) = dotted(handler)
                {
                    self.facts
                        .views
                        .insert(v.rsplit('.').next().unwrap_or(&v).to_owned());
                }
                walk_expr(self, expr);
            }
        }
        impl<'a> V<'_> {
            fn visit_stmt_inner(&mut self, stmt: &'a Stmt) {
                // `CORS_ORIGINS = [...]` (a settings module or class), `app.config["CORS_ORIGINS"] = ...`.
                if let Stmt::Assign(a) = stmt
                    && !crate::recognizers::any_origin(&a.value)
                    && a.targets.iter().any(|t| match t {
                        Expr::Name(n) => cors_origins_key(n.id.as_str()),
                        Expr::Subscript(s) => str_value(&s.slice).is_some_and(cors_origins_key),
                        _ => false,
                    })
                {
                    self.facts.cors_origins_configured = true;
                }
                if let Stmt::If(i) = stmt
                    && exits(&i.body)
                {
                    refusals(&i.test, self.facts);
                }
                match stmt {
                    Stmt::ClassDef(c) => self.class(c),
                    Stmt::FunctionDef(f) => {
                        if f.decorator_list.iter().any(|d| {
                            matches!(&d.expression, Expr::Call(c)
                                if callee_last(c) == Some("listens_for")
                                    && before_write(c.arguments.args.get(1)))
                        }) {
                            self.listeners.push(f.name.to_string());
                        }
                        let view = f.decorator_list.iter().any(|d| {
                            let Expr::Call(c) = &d.expression else {
                                return false;
                            };
                            matches!(
                                callee_last(c),
                                Some(
                                    "route"
                                        | "get"
                                        | "post"
                                        | "put"
                                        | "patch"
                                        | "delete"
                                        | "errorhandler"
                                        | "app_errorhandler"
                                        // Flask-AppBuilder and Flask-Admin views.
                                        | "expose"
                                )
                            )
                        });
                        if view {
                            self.facts.views.insert(f.name.to_string());
                            for d in &f.decorator_list {
                                let base = crate::ast_util::callee_or_dotted(&d.expression);
                                if let Some(b) = base {
                                    self.facts
                                        .view_decorators
                                        .insert(b.rsplit('.').next().unwrap_or(&b).to_owned());
                                }
                            }
                        }
                    }
                    _ => {}
                }
                walk_stmt(self, stmt);
            }
        }
        let mut facts = ProjectFacts::default();
        for file in files {
            if let Some(module) = file.module() {
                let mut v = V {
                    facts: &mut facts,
                    listeners: Vec::new(),
                    in_dev: 0,
                };
                for s in &module.body {
                    v.visit_stmt(s);
                }
                // A listener that hashes an attribute, itself or through a method of the
                // row it is handed (`target.hash_password()`), defined in the same file.
                let listeners = std::mem::take(&mut v.listeners);
                let signs = signs_with_secret_key(&module.body);
                facts.signs_with_secret_key |= signs;
                facts.cookie_credentials |= signs || names_a_credential_cookie(&file.text);
                request_comparisons(&module.body, &mut facts.request_compared);
                // `UPDATE_USER_PASSWORD = "/users/update-password"`: a constant in capitals.
                for s in &module.body {
                    let Stmt::Assign(a) = s else { continue };
                    // Or a route built from one (`_get_rest_path("/users/update-password")`).
                    let text = str_value(&a.value).or_else(|| match a.value.as_ref() {
                        Expr::Call(c) if c.arguments.args.len() == 1 => {
                            c.arguments.args.first().and_then(str_value)
                        }
                        _ => None,
                    });
                    let (Some(lit), [Expr::Name(n)]) = (text, a.targets.as_slice()) else {
                        continue;
                    };
                    let name = n.id.as_str();
                    if name.len() > 2 && crate::patterns::is_capitals_name(name) {
                        let harmless = crate::patterns::is_not_a_secret_value(lit)
                            || crate::patterns::names_a_thing(name, lit);
                        let e = facts.text_constants.entry(name.to_owned()).or_insert(true);
                        *e &= harmless;
                    }
                }
                let functions = crate::facts::all_functions(&module.body);
                for name in &listeners {
                    for (_, f, _) in functions.iter().filter(|(_, f, _)| f.name.as_str() == name) {
                        facts.hashing_setters.extend(hashed_attrs(&f.body));
                        for call in crate::facts::calls_in(&f.body) {
                            if let Some(method) = callee_last(call) {
                                for (_, m, class) in &functions {
                                    if class.is_some() && m.name.as_str() == method {
                                        facts.hashing_setters.extend(hashed_attrs(&m.body));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        facts
    }
}

/// A table's secret column written, or compared in a `WHERE`, with a value as it was
/// received: evidence that the table holds the secret in clear.
#[derive(Debug, Clone)]
pub(crate) struct RawColumn {
    pub table: String,
    pub column: String,
    pub line: u32,
    /// A write (`INSERT`/`UPDATE`), not a comparison.
    pub written: bool,
}

/// What one file hands the project rules before its tree is dropped
/// ([`crate::rules::Rule::on_file`]): findings that need only the file, and the facts a
/// project rule settles once every file is read. Files' summaries are joined in file order.
#[derive(Debug, Default)]
pub(crate) struct Summary {
    /// Findings drawn from this file alone by a project rule (SC140's serializers).
    pub findings: Vec<spillcheck_core::Finding>,
    /// For each of `findings`, the serializer that produced it (`to_dict`).
    pub serialized_by: Vec<String>,
    /// Marshmallow schemas that dump an email address: schema, the field's statement, key.
    pub schema_emails: Vec<(String, Location, String)>,
    /// Schemas nested as a person in another schema: inner schema, `Outer.field`.
    pub schema_nestings: Vec<(String, String)>,
    /// Every marshmallow schema of the file with the secret fields it dumps (SC140's answers).
    pub schema_secrets: Vec<crate::rules::sc140_sensitive_field_serialized::SchemaSecrets>,
    /// Schema-like instances made at a module's top (`user_schema = UserSchema()`): the
    /// file, the name, the class's last name.
    pub schema_instances: Vec<(String, String, String)>,
    /// Secret attributes or keywords given a freshly generated value: the field (`None`
    /// when stored whatever the models declare), where, and the message.
    pub stored_secrets: Vec<(Option<String>, Location, String)>,
    /// Secret columns of `CREATE TABLE` literals in Python: table, column, where.
    pub ddl_columns: Vec<(String, String, Location)>,
    /// Tables of those literals with a column naming an account (user name, e-mail, login).
    pub ddl_people: Vec<String>,
    /// Custom credential headers the code reads (`X-Session-Token`).
    pub credential_headers: Vec<String>,
}

impl Summary {
    /// Adds `other`'s entries after this summary's.
    pub(crate) fn extend(&mut self, other: Summary) {
        self.findings.extend(other.findings);
        self.serialized_by.extend(other.serialized_by);
        self.schema_emails.extend(other.schema_emails);
        self.schema_nestings.extend(other.schema_nestings);
        self.schema_secrets.extend(other.schema_secrets);
        self.schema_instances.extend(other.schema_instances);
        self.stored_secrets.extend(other.stored_secrets);
        self.ddl_columns.extend(other.ddl_columns);
        self.ddl_people.extend(other.ddl_people);
        for h in other.credential_headers {
            if !self.credential_headers.contains(&h) {
                self.credential_headers.push(h);
            }
        }
    }
}

/// What the project-level rules read ([`crate::rules::Rule::on_project`]): every file, the
/// Flask model, the functions' facts, the data models, what each route does with data and
/// who may load what (ownership), computed once for all rules.
pub(crate) struct Project<'a> {
    /// The project's Python files (trees kept in a web application only: elsewhere what
    /// the project rules need from a file is in `summary`).
    pub files: &'a [SourceFile],
    /// What the files handed the project rules in the file pass ([`Summary`]).
    pub summary: &'a Summary,
    /// Routes, blueprints, authentication.
    pub model: &'a crate::model::Model<'a>,
    /// The functions' facts, by name.
    pub summaries: &'a crate::facts::Summaries,
    /// Each function's taint, computed once for every part of the project pass.
    pub taints: &'a crate::facts::Taints<'a>,
    /// Per file, the names it imports from outside the project.
    pub externals: &'a [crate::facts::FileScope],
    /// ORM classes and SQL tables.
    pub data_models: &'a crate::data_models::DataModels,
    /// Per route (as in `model.routes`), what it reads, writes and returns.
    pub route_data: &'a [crate::evidence::RouteData],
    /// Models some route reads only for the caller.
    pub scoped: &'a rustc_hash::FxHashSet<String>,
    /// Per route, what it loads by ids the client names when nothing compares the caller
    /// with the object.
    pub ownership: &'a [Option<crate::ownership::Loads<'a>>],
    /// `.sql` files: path and text.
    pub sql_files: &'a [(String, String)],
    /// Secret columns written or compared raw, with the index of the file that does it.
    pub raw_columns: &'a [(usize, RawColumn)],
}
