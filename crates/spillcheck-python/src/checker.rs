//! The file-local pass: one walk over each file's AST, each node handed to the
//! rules that care about it (like ruff's `checkers/ast`). Rules report through
//! [`Checker::report`].

use rustc_hash::FxHashMap as HashMap;

use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;
use spillcheck_core::{Finding, RuleMeta};

use crate::ast_util::{callee_last, dotted, int_value};
use crate::project::SourceFile;
use crate::rules::Rule;

/// An enclosing `except` clause or error handler.
#[derive(Debug, Clone)]
pub(crate) struct ExceptContext {
    /// The name bound to the exception, if any.
    pub name: Option<String>,
    /// Catches everything (`Exception`, bare `except`, a 500 handler).
    pub broad: bool,
    /// Catches an error of the machinery (database, OS, network, lookups) whose text
    /// describes internals: `IntegrityError`, `OperationalError`, `KeyError`...
    pub internal: bool,
    /// The exception classes caught (last names), empty for a bare `except`.
    pub types: Vec<String>,
    /// An error handler (`errorhandler`, `register_error_handler`), which every route's
    /// unhandled error passes through, rather than one `except` block.
    pub handler: bool,
    /// A handler of an HTTP error (registered by status code, `HTTPException`,
    /// `InternalServerError`): Flask hands it Werkzeug's HTTP exception, whose text is the
    /// standard description ("500 Internal Server Error: The server encountered…"); the
    /// error that caused it is `original_exception`.
    pub http_error: bool,
    /// The `try` raises plain exceptions with messages of its own (`raise
    /// Exception(_("The e-mail is already taken"))`), which a broad catch relays.
    pub own_messages: bool,
    /// The `try` only parses what the client sent (`data = json.loads(request.data)`,
    /// `ast = parse_sql(query)` of the body's query): the error describes the client's own
    /// input.
    pub parses_client_input: bool,
}

impl ExceptContext {
    /// What an `except` clause catches.
    pub(crate) fn of(h: &ast::ExceptHandlerExceptHandler) -> ExceptContext {
        let names: Vec<String> = h
            .type_
            .as_ref()
            .map_or_else(Vec::new, |ty| match ty.as_ref() {
                Expr::Tuple(t) => t.elts.iter().filter_map(dotted).collect(),
                other => dotted(other).into_iter().collect(),
            });
        let broad = h.type_.is_none()
            || names
                .iter()
                .any(|n| matches!(n.rsplit('.').next(), Some("Exception" | "BaseException")));
        let internal = names.iter().any(|n| internal_error(n));
        ExceptContext {
            handler: false,
            http_error: false,
            own_messages: false,
            parses_client_input: false,
            name: h.name.as_ref().map(std::string::ToString::to_string),
            broad,
            internal,
            types: names
                .iter()
                .map(|n| n.rsplit('.').next().unwrap_or(n).to_owned())
                .collect(),
        }
    }
}

/// The request's own mappings: its body ([`crate::recognizers::request_body`]: `request.json`,
/// `request.get_json() or {}`...), its query (`request.args`) and its files.
fn is_request_mapping(e: &Expr) -> bool {
    crate::recognizers::request_body(e)
        || matches!(
            crate::ast_util::callee_or_dotted(e).as_deref(),
            Some("request.args" | "request.files")
        )
}

/// Locals of `func` bound to one of the request's mappings (`data = request.get_json()`).
fn request_locals(func: Option<&ast::StmtFunctionDef>) -> Vec<String> {
    let mut out = Vec::new();
    for stmt in func.map(|f| f.body.as_slice()).unwrap_or_default() {
        crate::ast_util::each_stmt(stmt, &mut |s| {
            if let Stmt::Assign(a) = s
                && is_request_mapping(&a.value)
                && let [Expr::Name(n)] = a.targets.as_slice()
            {
                out.push(n.id.to_string());
            }
        });
    }
    out
}

/// Whether `e` is what the client sent: the request's data or one of its mappings, a
/// local bound to them, or a local holding one of their fields (`query =
/// data.get("query")`).
fn is_client_input(
    e: &Expr,
    request_locals: &[String],
    func: Option<&ast::StmtFunctionDef>,
) -> bool {
    // The request's mappings (`is_request_mapping`) are among its `request.` reads.
    let direct = |x: &Expr| {
        crate::ast_util::callee_or_dotted(x).is_some_and(|d| d.starts_with("request."))
            || matches!(x, Expr::Name(n) if request_locals.iter().any(|l| l == n.id.as_str()))
    };
    let field = |x: &Expr| match x {
        Expr::Subscript(s) => direct(&s.value),
        Expr::Call(c) if crate::ast_util::callee_last(c) == Some("get") => {
            matches!(c.func.as_ref(), Expr::Attribute(a) if direct(&a.value))
        }
        other => direct(other),
    };
    if field(e) {
        return true;
    }
    let (Expr::Name(n), Some(func)) = (e, func) else {
        return false;
    };
    // Its first value (later ones may be built from the parsed result: `query = str(ast)`).
    crate::facts::values_assigned(&func.body, n.id.as_str())
        .first()
        .is_some_and(|v| field(v))
}

/// Whether `stmt` only parses what the client sent: `x = json.loads(request.data)`,
/// `ast = parse_sql(query)`, `n = int(request.args["n"])`, `args = parser.parse_args()`.
fn parses_client_input(
    stmt: &Stmt,
    request_locals: &[String],
    func: Option<&ast::StmtFunctionDef>,
) -> bool {
    let value = match stmt {
        Stmt::Assign(a) => a.value.as_ref(),
        Stmt::AnnAssign(a) => match &a.value {
            Some(v) => v.as_ref(),
            None => return false,
        },
        _ => return false,
    };
    let Expr::Call(c) = value else { return false };
    let parser = crate::ast_util::callee_last(c).is_some_and(|n| {
        n == "loads"
            || n.starts_with("parse")
            || matches!(
                n,
                "int"
                    | "float"
                    | "UUID"
                    | "fromisoformat"
                    | "strptime"
                    | "literal_eval"
                    | "b64decode"
                    | "urlsafe_b64decode"
            )
    });
    // `self.reqparse.parse_args()`: Flask-RESTful's parser reads the request itself.
    let parses_request = crate::ast_util::callee_last(c) == Some("parse_args");
    parses_request
        || parser
            && c.arguments
                .args
                .first()
                .is_some_and(|a| is_client_input(a, request_locals, func))
}

/// Whether `stmt` reads a field of the request by subscript (`request.json["token"]`,
/// `data["status"]` of `data = request.get_json()`).
fn reads_request_keys(stmt: &Stmt, request_locals: &[String]) -> bool {
    let mut found = false;
    crate::ast_util::each_expr_in_stmt(stmt, &mut |e| {
        if let Expr::Subscript(sub) = e
            && crate::ast_util::str_value(&sub.slice).is_some()
            && (is_request_mapping(&sub.value)
                || matches!(sub.value.as_ref(), Expr::Name(n) if request_locals.iter().any(|l| l == n.id.as_str())))
        {
            found = true;
        }
    });
    found
}

/// How many times `stmt` raises a plain exception with a message written here: `raise
/// Exception("...")`, `raise ValueError(_("..."))`, `raise Exception(f"...")`.
fn raises_own_messages(stmt: &Stmt) -> usize {
    let mut found = 0;
    crate::ast_util::each_stmt(stmt, &mut |s| {
        if let Stmt::Raise(r) = s
            && let Some(Expr::Call(c)) = r.exc.as_deref()
            && matches!(
                crate::ast_util::callee_last(c),
                Some("Exception" | "ValueError" | "RuntimeError")
            )
            && c.arguments.args.first().is_some_and(|a| match a {
                Expr::StringLiteral(_) | Expr::FString(_) => true,
                Expr::Call(t) => matches!(
                    crate::ast_util::callee_last(t),
                    Some("_" | "gettext" | "lazy_gettext" | "ngettext")
                ),
                _ => false,
            })
        {
            found += 1;
        }
    });
    found
}

/// Exception names whose text describes the server's internals, wherever they appear in
/// the name (`sqlalchemy.exc.IntegrityError`, `redis.ConnectionError`).
const INTERNAL_ERRORS: &[&str] = &[
    "integrityerror",
    "databaseerror",
    "operationalerror",
    "programmingerror",
    "dataerror",
    "internalerror",
    "sqlalchemyerror",
    "dbapierror",
    "interfaceerror",
    "psycopg",
    "connectionerror",
    "requestexception",
];

/// Built-in errors of the machinery, by their exact name: a project's own class that ends so
/// (`CSVImportIOError`, `TimeseriesDataIOError`) is its own error, with its own message.
const BUILTIN_ERRORS: &[&str] = &[
    "keyerror",
    "attributeerror",
    "indexerror",
    "oserror",
    "ioerror",
    "filenotfounderror",
    "permissionerror",
    "timeouterror",
    "runtimeerror",
];

fn internal_error(name: &str) -> bool {
    let n = name.rsplit('.').next().unwrap_or(name).to_ascii_lowercase();
    BUILTIN_ERRORS.contains(&n.as_str()) || INTERNAL_ERRORS.iter().any(|k| n.contains(k))
}

pub(crate) struct Checker<'a> {
    pub file: &'a SourceFile,
    pub findings: Vec<Finding>,
    pub functions: Vec<&'a ast::StmtFunctionDef>,
    pub guards: Vec<&'a Expr>,
    pub excepts: Vec<ExceptContext>,
    /// Module-level string constants (for names used as keys/values).
    pub constants: HashMap<String, &'a Expr>,
    /// The rules that run on this file: the enabled ones, none on a test file.
    active: &'a [&'static dyn Rule],
    /// The module imports a web framework (flask, werkzeug, connexion...).
    pub web: bool,
    /// This module's functions an API description names as handlers (Connexion's
    /// `operationId`, `x-bearerInfoFunc`): the framework hands them the request's parts.
    pub spec_handlers: Vec<String>,
    /// Each function's taint, computed once (the function facts of the file read it too).
    pub taints: crate::facts::Taints<'a>,
    /// Names carrying request credentials in the current function, computed once per function.
    credential_cache: Option<(*const ast::StmtFunctionDef, crate::facts::NameSet<'a>)>,
    /// Enclosing classes, innermost last.
    pub classes: Vec<&'a ast::StmtClassDef>,
    /// What imported names stand for: `decode` → `jwt.decode` (`from jwt import decode`),
    /// `pyjwt` → `jwt` (`import jwt as pyjwt`).
    imports: HashMap<String, String>,
    /// Findings whose fate depends on facts of the whole project (views, the project's
    /// exception classes, hashing setters), settled once every file is read: the file-local
    /// pass runs file by file, before the project is known.
    pub deferred: Vec<(usize, crate::project::Deferred)>,
    /// Secret columns this file writes or compares with raw values (SC150's evidence about
    /// the tables that hold them).
    pub raw_columns: Vec<crate::project::RawColumn>,
    /// Functions this module registers as error handlers by call
    /// (`app.register_error_handler(Exception, handle_exception)`): name → what they catch.
    registered_handlers: HashMap<String, &'a Expr>,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(file: &'a SourceFile, enabled: &'a [&'static dyn Rule]) -> Checker<'a> {
        let active = if file.is_test { &[] } else { enabled };
        let web = file.module().is_some_and(|m| {
            m.body.iter().any(|s| match s {
                Stmt::ImportFrom(i) => i.module.as_ref().is_some_and(|m| is_web_module(m.as_str())),
                Stmt::Import(i) => i.names.iter().any(|a| is_web_module(a.name.as_str())),
                _ => false,
            })
        });
        Checker {
            file,
            findings: Vec::new(),
            functions: Vec::new(),
            guards: Vec::new(),
            excepts: Vec::new(),
            constants: HashMap::default(),
            active,
            web,
            spec_handlers: Vec::new(),
            taints: crate::facts::Taints::default(),
            credential_cache: None,
            classes: Vec::new(),
            imports: HashMap::default(),
            deferred: Vec::new(),
            raw_columns: Vec::new(),
            registered_handlers: if web {
                registered_handlers(file)
            } else {
                HashMap::default()
            },
        }
    }

    /// Calls `hook` on each rule that runs on this file.
    fn each(&mut self, hook: impl Fn(&dyn Rule, &mut Checker<'a>)) {
        for rule in self.active {
            hook(*rule, self);
        }
    }

    /// Names in the current function that carry request credentials (cached per function).
    pub(crate) fn credential_names(&mut self) -> crate::facts::NameSet<'a> {
        let Some(&func) = self.functions.last() else {
            return crate::facts::NameSet::default();
        };
        let key: *const ast::StmtFunctionDef = func;
        if let Some((k, set)) = &self.credential_cache
            && *k == key
        {
            return set.clone();
        }
        let set = self.taints.of(func).credential_names();
        self.credential_cache = Some((key, set.clone()));
        set
    }

    /// The values the current function gives a local name.
    pub(crate) fn values_of_local(&self, name: &str) -> Vec<&'a Expr> {
        self.functions
            .last()
            .map(|f| crate::facts::values_assigned(&f.body, name))
            .unwrap_or_default()
    }

    /// Reports a finding of `rule` at `node`.
    pub(crate) fn report(
        &mut self,
        rule: &RuleMeta,
        node: &impl Ranged,
        message: impl Into<String>,
    ) -> &mut Finding {
        let f = Finding::new(rule, message).at(self.file.at(node));
        self.findings.push(f);
        self.findings.last_mut().expect("just pushed")
    }

    /// Whether the current code runs only when a debug/dev flag or env var says so.
    pub(crate) fn guarded_by_flag(&self) -> bool {
        self.guards.iter().any(|g| {
            crate::recognizers::reads_debug_flag(g)
                || crate::ast_util::any_expr(g, &mut |e| {
                    dotted(e).is_some_and(|d| {
                        let d = d.to_ascii_lowercase();
                        d.contains("environ") || d.contains("getenv")
                    })
                })
        })
    }

    /// The enclosing configuration class meant for development or tests
    /// (`DevelopmentConfig`, `TestingConfig`, `class LocalSettings(DevConfig)`, or a class
    /// whose docstring says it is for testing or development), if any.
    pub(crate) fn non_production_class(&self) -> Option<&'a ast::StmtClassDef> {
        const WORDS: &[&str] = &["dev", "test", "local", "debug", "demo", "sandbox"];
        let hit = |name: &str| {
            let n = name.to_ascii_lowercase();
            WORDS.iter().any(|w| n.contains(w)) && !n.contains("prod")
        };
        // A docstring that says what the class is for: "Configuration used for compliance
        // testing", "simulated backing for testing".
        let said = |c: &ast::StmtClassDef| {
            c.body.first().is_some_and(|s| {
                let ast::Stmt::Expr(e) = s else { return false };
                crate::ast_util::str_value(&e.value).is_some_and(|doc| {
                    let d = doc.to_ascii_lowercase();
                    d.split(|ch: char| !ch.is_ascii_alphanumeric())
                        .any(|w| matches!(w, "test" | "tests" | "testing" | "development"))
                        && !d.contains("prod")
                })
            })
        };
        self.classes.iter().rev().copied().find(|c| {
            hit(c.name.as_str())
                || said(c)
                || c.arguments.as_ref().is_some_and(|a| {
                    a.args
                        .iter()
                        .filter_map(dotted)
                        .any(|d| hit(d.rsplit('.').next().unwrap_or(&d)))
                })
        })
    }

    /// The file's name when it says the module is for development only: `debug.py`,
    /// `dev_server.py`, `settings_local.py`, `development.py` (a word of its stem).
    pub(crate) fn development_module(&self) -> Option<&'a str> {
        let name = self.file.rel.rsplit('/').next().unwrap_or(&self.file.rel);
        let stem = name.strip_suffix(".py").unwrap_or(name);
        stem.split(['_', '-', '.'])
            .any(|w| {
                matches!(
                    w.to_ascii_lowercase().as_str(),
                    "debug"
                        | "dev"
                        | "devserver"
                        | "development"
                        | "local"
                        | "profiler"
                        | "profiling"
                )
            })
            .then_some(name)
    }

    /// Whether the current code runs only when the file is executed as a script (`if
    /// __name__ == "__main__":`): a module's self-test or demo, not what the app runs.
    pub(crate) fn in_main_block(&self) -> bool {
        self.guards.iter().any(|g| {
            let Expr::Compare(c) = g else { return false };
            let mut sides = crate::ast_util::operands(c);
            sides
                .clone()
                .any(|e| matches!(e, Expr::Name(n) if n.id.as_str() == "__name__"))
                && sides.any(|e| crate::ast_util::str_value(e) == Some("__main__"))
        })
    }

    /// Reports at `possible` a hard-coded value set under `if __name__ == "__main__":` (a
    /// module's self-test encrypting a sample password, a demo).
    pub(crate) fn lower_in_main_block(&mut self, index: usize) {
        if self.in_main_block()
            && let Some(f) = self.findings.get_mut(index)
        {
            f.lower_to_possible(
                "under `if __name__ == \"__main__\":`, run only as a script (a self-test or demo), not by the app",
            );
        }
    }

    /// Reports at `possible` when inside a development or test configuration class, or in a
    /// module named for development: such settings are not what production runs, unless it
    /// inherits them.
    pub(crate) fn lower_in_non_production(&mut self, index: usize) {
        let why = if let Some(class) = self.non_production_class() {
            format!(
                "set in `{}`, a development or test configuration",
                class.name
            )
        } else if let Some(module) = self.development_module() {
            format!("in `{module}`, a module named for development")
        } else {
            return;
        };
        if let Some(f) = self.findings.get_mut(index) {
            f.lower_to_possible(why);
        }
    }

    /// A call that writes to the logs: a logger's method, or `print(...)` in web code (a
    /// server's standard output is its log), outside command-line commands, whose output
    /// is the operator's terminal.
    pub(crate) fn is_logging_call(&self, call: &ast::ExprCall) -> bool {
        if crate::patterns::is_log_call(call) {
            return true;
        }
        let Expr::Name(n) = call.func.as_ref() else {
            return false;
        };
        if n.id.as_str() != "print" || !self.web {
            return false;
        }
        let file = self.file.rel.rsplit('/').next().unwrap_or(&self.file.rel);
        if matches!(
            file,
            "manage.py" | "cli.py" | "commands.py" | "__main__.py" | "setup.py"
        ) {
            return false;
        }
        // A command's module (`server/commands/initdb.py`, `cli/users.py`).
        if self.file.rel.split('/').rev().skip(1).any(|d| {
            matches!(
                d.to_ascii_lowercase().as_str(),
                "commands" | "cli" | "scripts" | "bin"
            )
        }) {
            return false;
        }
        !self.functions.iter().any(|f| {
            f.decorator_list.iter().any(|d| {
                let text = match &d.expression {
                    Expr::Call(c) => crate::ast_util::callee(c).unwrap_or_default(),
                    other => dotted(other).unwrap_or_default(),
                };
                let t = text.to_ascii_lowercase();
                t.contains("command") || t.contains("cli") || t.ends_with("group")
            })
        })
    }

    /// The qualified name of a call's function, imports resolved: `decode(...)` after
    /// `from jwt import decode` is `jwt.decode`; `pyjwt.decode` after `import jwt as
    /// pyjwt` is `jwt.decode`. Names not imported are returned as written.
    pub(crate) fn qualified(&self, call: &ast::ExprCall) -> Option<String> {
        let written = crate::ast_util::callee(call)?;
        let (head, rest) = match written.split_once('.') {
            Some((h, r)) => (h, Some(r)),
            None => (written.as_str(), None),
        };
        match (self.imports.get(head), rest) {
            (Some(q), Some(r)) => Some(format!("{q}.{r}")),
            (Some(q), None) => Some(q.clone()),
            (None, _) => Some(written),
        }
    }

    pub(crate) fn run(&mut self) {
        let Some(module) = self.file.module() else {
            return;
        };
        if self.active.is_empty() {
            return;
        }
        for s in &module.body {
            match s {
                Stmt::Import(i) => {
                    for a in &i.names {
                        if let Some(alias) = &a.asname {
                            self.imports.insert(alias.to_string(), a.name.to_string());
                        }
                    }
                }
                Stmt::ImportFrom(i) => {
                    let module = i
                        .module
                        .as_ref()
                        .map(std::string::ToString::to_string)
                        .unwrap_or_default();
                    if i.level == 0 && !module.is_empty() {
                        for a in &i.names {
                            let local = a.asname.as_ref().unwrap_or(&a.name).to_string();
                            self.imports.insert(local, format!("{module}.{}", a.name));
                        }
                    }
                }
                _ => {}
            }
        }
        for s in &module.body {
            match s {
                Stmt::Assign(a) => {
                    for t in &a.targets {
                        if let Expr::Name(n) = t {
                            self.constants.insert(n.id.to_string(), &a.value);
                        }
                    }
                }
                // `SECRET: str = "..."`
                Stmt::AnnAssign(ast::StmtAnnAssign {
                    target,
                    value: Some(value),
                    ..
                }) => {
                    if let Expr::Name(n) = target.as_ref() {
                        self.constants.insert(n.id.to_string(), value);
                    }
                }
                _ => {}
            }
        }
        for s in &module.body {
            self.visit_stmt(s);
        }
    }
}

fn is_web_module(m: &str) -> bool {
    let root = m.split('.').next().unwrap_or(m);
    matches!(
        root,
        "flask"
            | "werkzeug"
            | "connexion"
            | "quart"
            | "apiflask"
            | "flask_restful"
            | "flask_restx"
            | "flask_smorest"
            | "flask_jwt_extended"
            | "flask_login"
            | "flask_httpauth"
    ) || root.starts_with("flask_")
}

/// `X.register_error_handler(Exception, handler)` calls anywhere in the module: the
/// handler's name and what it catches.
fn registered_handlers(file: &SourceFile) -> HashMap<String, &Expr> {
    let mut out = HashMap::default();
    let Some(module) = file.module() else {
        return out;
    };
    for call in crate::facts::calls_in(&module.body) {
        // `self.errorhandler(ldap.SERVER_DOWN)(handle_server_down)`: the decorator applied
        // by hand.
        if let Expr::Call(inner) = call.func.as_ref()
            && matches!(
                callee_last(inner),
                Some("errorhandler" | "app_errorhandler")
            )
            && let (Some(caught), [Expr::Name(handler)]) =
                (inner.arguments.args.first(), &call.arguments.args[..])
        {
            out.insert(handler.id.to_string(), caught);
            continue;
        }
        if callee_last(call) != Some("register_error_handler") {
            continue;
        }
        if let [caught, Expr::Name(handler), ..] = &call.arguments.args[..] {
            out.insert(handler.id.to_string(), caught);
        }
    }
    out
}

fn error_handler_context(
    func: &ast::StmtFunctionDef,
    registered: &HashMap<String, &Expr>,
) -> Option<ExceptContext> {
    let by_decorator = func.decorator_list.iter().find_map(|d| {
        let Expr::Call(call) = &d.expression else {
            return None;
        };
        matches!(callee_last(call), Some("errorhandler" | "app_errorhandler"))
            .then(|| call.arguments.args.first())
    });
    let arg = match by_decorator {
        Some(arg) => arg,
        None => Some(*registered.get(func.name.as_str())?),
    };
    let broad = arg.is_some_and(|a| {
        int_value(a).is_some_and(|c| c >= 500)
            || dotted(a).is_some_and(|d| {
                matches!(
                    d.rsplit('.').next(),
                    Some("Exception" | "BaseException" | "InternalServerError")
                )
            })
    });
    let http_error = arg.is_some_and(|a| {
        int_value(a).is_some()
            || dotted(a).is_some_and(|d| {
                matches!(
                    d.rsplit('.').next(),
                    Some(
                        "HTTPException"
                            | "InternalServerError"
                            | "BadRequest"
                            | "BadRequestKeyError"
                            | "Unauthorized"
                            | "Forbidden"
                            | "NotFound"
                            | "MethodNotAllowed"
                            | "Conflict"
                            | "Gone"
                            | "RequestEntityTooLarge"
                            | "UnprocessableEntity"
                            | "TooManyRequests"
                    )
                )
            })
    });
    let name = func.parameters.iter().next().map(|p| p.name().to_string());
    let caught = arg.and_then(dotted);
    let internal = caught.as_deref().is_some_and(internal_error);
    Some(ExceptContext {
        handler: true,
        http_error,
        own_messages: false,
        parses_client_input: false,
        name,
        broad,
        internal,
        types: caught
            .map(|d| d.rsplit('.').next().unwrap_or(&d).to_owned())
            .into_iter()
            .collect(),
    })
}

impl<'a> Checker<'a> {
    /// An assignment, plain or annotated: every rule's `on_assign`, then what was found in a
    /// development or test configuration class is lowered.
    fn assign(&mut self, targets: &'a [Expr], value: &'a Expr) {
        let before = self.findings.len();
        self.each(|r, cx| r.on_assign(cx, targets, value));
        for i in before..self.findings.len() {
            self.lower_in_non_production(i);
        }
    }
}

impl<'a> Visitor<'a> for Checker<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        // A docstring documents: connection strings and keys in it are examples.
        if let Stmt::Expr(e) = stmt
            && matches!(e.value.as_ref(), Expr::StringLiteral(_) | Expr::FString(_))
        {
            return;
        }
        match stmt {
            Stmt::FunctionDef(f) => {
                self.each(|r, cx| r.on_function(cx, f));
                for d in &f.decorator_list {
                    self.visit_expr(&d.expression);
                }
                let handler = error_handler_context(f, &self.registered_handlers);
                let pushed = handler.is_some();
                if let Some(h) = handler {
                    self.excepts.push(h);
                }
                self.functions.push(f);
                let saved = std::mem::take(&mut self.guards);
                for s in &f.body {
                    self.visit_stmt(s);
                }
                self.guards = saved;
                self.functions.pop();
                if pushed {
                    self.excepts.pop();
                }
                return;
            }
            Stmt::If(i) => {
                self.each(|r, cx| r.on_if(cx, i));
                self.visit_expr(&i.test);
                self.guards.push(&i.test);
                for s in &i.body {
                    self.visit_stmt(s);
                }
                for clause in &i.elif_else_clauses {
                    if let Some(t) = &clause.test {
                        self.visit_expr(t);
                    }
                    for s in &clause.body {
                        self.visit_stmt(s);
                    }
                }
                self.guards.pop();
                return;
            }
            Stmt::ClassDef(c) => {
                self.classes.push(c);
                walk_stmt(self, stmt);
                self.classes.pop();
                return;
            }
            Stmt::Try(t) => {
                for s in &t.body {
                    self.visit_stmt(s);
                }
                let bodies = request_locals(self.functions.last().copied());
                let reads_request_keys = t.body.iter().any(|s| reads_request_keys(s, &bodies));
                // Several sentences of its own: the block's failures are mostly those.
                let own_messages = t.body.iter().map(raises_own_messages).sum::<usize>() >= 2;
                let func = self.functions.last().copied();
                let parses_input = !t.body.is_empty()
                    && t.body.iter().all(|s| parses_client_input(s, &bodies, func));
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    let mut ctx = ExceptContext::of(h);
                    // `except KeyError as e` around `request.json["token"]`: the text is the
                    // name of the field the client did not send.
                    if reads_request_keys
                        && !ctx.types.is_empty()
                        && ctx.types.iter().all(|t| t == "KeyError")
                    {
                        ctx.internal = false;
                    }
                    ctx.own_messages = own_messages;
                    ctx.parses_client_input = parses_input;
                    self.excepts.push(ctx);
                    for s in &h.body {
                        self.visit_stmt(s);
                    }
                    self.excepts.pop();
                }
                for s in t.orelse.iter().chain(t.finalbody.iter()) {
                    self.visit_stmt(s);
                }
                return;
            }
            Stmt::Assign(a) => self.assign(&a.targets, &a.value),
            Stmt::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    self.assign(std::slice::from_ref(a.target.as_ref()), v);
                }
            }
            Stmt::Return(r) => {
                if let Some(v) = &r.value {
                    self.each(|rule, cx| rule.on_return(cx, stmt, v));
                }
            }
            // `abort(400, str(e))`, `api.abort(500, message=...)`: Flask answers with it,
            // like a `return`.
            Stmt::Expr(e)
                if matches!(e.value.as_ref(), Expr::Call(c) if crate::ast_util::callee_last(c) == Some("abort")
                    && c.arguments.len() > 1) =>
            {
                self.each(|rule, cx| rule.on_return(cx, stmt, &e.value));
            }
            Stmt::For(f) => self.each(|r, cx| r.on_for(cx, f)),
            // `raise AppError(f"Could not save: {e}")`: an error handler may answer with it.
            Stmt::Raise(ast::StmtRaise { exc: Some(exc), .. }) if exc.is_call_expr() => {
                self.each(|rule, cx| rule.on_return(cx, stmt, exc));
            }
            _ => {}
        }
        walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::StringLiteral(lit) => self.each(|r, cx| r.on_string(cx, lit)),
            Expr::Subscript(sub) => self.each(|r, cx| r.on_subscript(cx, sub)),
            Expr::ListComp(_) | Expr::Generator(_) | Expr::DictComp(_) => {
                self.each(|r, cx| r.on_comprehension(cx, expr));
            }
            Expr::Call(call) => self.each(|r, cx| r.on_call(cx, call)),
            _ => {}
        }
        walk_expr(self, expr);
    }
}
