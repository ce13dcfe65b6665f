//! The Flask application model of a project: applications, blueprints and their
//! prefixes, routes in every registration style, `before_request` hooks with
//! their allow-lists, and how each route is authenticated.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use ruff_python_ast::{self as ast, Expr, Stmt};
use serde::Serialize;

use crate::ast_util::{callee, callee_last, dotted, kwarg, str_value, strings_in};
use crate::facts::Summaries;
use crate::project::SourceFile;

/// HTTP methods a view class can implement.
const VIEW_METHODS: &[&str] = &["get", "post", "put", "patch", "delete", "head", "options"];
/// Decorator names that authenticate, whatever library they come from.
const AUTH_DECORATORS: &[&str] = &[
    "login_required",
    "jwt_required",
    "fresh_jwt_required",
    "jwt_refresh_token_required",
    "token_required",
    "auth_required",
    "require_token",
    "requires_auth",
    "require_auth",
    "authenticated",
    "require_login",
    "roles_required",
    "roles_accepted",
    "permission_required",
    "admin_required",
    "require_oauth",
    "require_scope",
    "require_scopes",
    "requires_scope",
    "require_role",
    "require_roles",
    "requires_roles",
    "api_key_required",
    "auth_token_required",
    "http_auth_required",
    "login_required_api",
    "verify_token",
    "protected",
    "jwt_protected",
    // Flask-AppBuilder (Superset, Airflow): the view's permission on the signed-in user.
    "has_access",
    "has_access_api",
];
/// Parts of a decorator's name that say it authenticates, whatever surrounds them
/// (`auth_required_if_enabled`, `api_login_required`, `admin_token_required`).
const AUTH_STEMS: &[&str] = &[
    "login_required",
    "auth_required",
    "token_required",
    "jwt_required",
    "requires_auth",
    "require_auth",
    "requires_login",
    "require_login",
];
/// Decorators that look like auth but let anonymous callers through.
const OPTIONAL_AUTH: &[&str] = &[
    "jwt_optional",
    "optional_jwt",
    "optional_auth",
    "login_optional",
];

/// A path parameter of a route.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PathParam {
    /// Its name.
    pub name: String,
    /// Its Flask converter (`int`, `uuid`, `string`, `path`...).
    pub converter: String,
}

/// How a route is authenticated.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RouteAuth {
    /// A decorator on the handler (or its view class).
    Decorator {
        /// The decorator, as written.
        name: String,
    },
    /// An app or blueprint `before_request` hook.
    Hook {
        /// The hook function.
        name: String,
    },
    /// A hook would authenticate it, but its allow-list exempts this endpoint.
    Exempt {
        /// The hook function.
        hook: String,
    },
    /// The handler authenticates the request itself (a token check that answers 401/403).
    Handler {
        /// The call that checks the credentials.
        name: String,
    },
    /// Authentication is optional: anonymous callers get the public view.
    Optional {
        /// The decorator, as written.
        name: String,
    },
    /// An authentication decorator sits above the route decorator, so Flask registers
    /// the view without it: the route is not authenticated.
    Unapplied {
        /// The decorator, as written.
        name: String,
    },
    /// Declared public in the configuration.
    Public,
    /// Nothing authenticates it.
    None,
}

impl PathParam {
    /// The JSON Schema type its Flask converter accepts (`int` → `integer`, `uuid` →
    /// `uuid`); `string` for `string`, `path` and custom converters.
    pub fn schema_type(&self) -> &'static str {
        match self.converter.as_str() {
            "int" => "integer",
            "float" => "number",
            "uuid" => "uuid",
            _ => "string",
        }
    }
}

impl RouteAuth {
    /// What the code declares: `Some(true)` when every request must be authenticated,
    /// `Some(false)` when the route is public on purpose (configured public, or optional
    /// authentication), `None` when it cannot be told (exempt from a hook, a decorator
    /// defined but not applied, nothing found).
    pub fn declared(&self) -> Option<bool> {
        match self {
            RouteAuth::Decorator { .. } | RouteAuth::Hook { .. } | RouteAuth::Handler { .. } => {
                Some(true)
            }
            RouteAuth::Public | RouteAuth::Optional { .. } => Some(false),
            RouteAuth::Exempt { .. } | RouteAuth::Unapplied { .. } | RouteAuth::None => None,
        }
    }

    /// Whether every request must be authenticated to reach the handler.
    pub fn required(&self) -> bool {
        matches!(
            self,
            RouteAuth::Decorator { .. } | RouteAuth::Hook { .. } | RouteAuth::Handler { .. }
        )
    }
}

/// Whether a route's object ids are checked against the caller.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OwnerCheck {
    /// The route takes no object id or touches no data by it.
    NotApplicable,
    /// The id is compared with, or scoped by, the caller's identity.
    Checked,
    /// Restricted to admins/roles: ownership is not expected.
    RoleRestricted,
    /// The id loads data with no comparison against the identity.
    Missing,
    /// No identity exists (the route is not authenticated).
    NoIdentity,
}

/// One route of the application.
#[derive(Debug, Clone, Serialize)]
pub struct Route {
    /// Upper-case methods.
    pub methods: Vec<String>,
    /// OpenAPI-style path (`/api/notes/{note_id}`), prefixes applied.
    pub path: String,
    /// The Flask endpoint name (`notes.get_note`).
    pub endpoint: String,
    /// The handler's qualified name.
    pub handler: String,
    /// File of the handler.
    pub file: String,
    /// Line of the handler's `def`.
    pub line: u32,
    /// Path parameters.
    pub params: Vec<PathParam>,
    /// How it is authenticated.
    pub auth: RouteAuth,
    /// Whether object ids are checked against the caller.
    pub owner_check: OwnerCheck,
    /// The blueprint, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blueprint: Option<String>,
    /// How it was registered: `decorator`, `add_url_rule`, `method_view`, `restful`.
    pub style: &'static str,
    /// The body fields and query parameters the handler reads by name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<crate::inputs::RequestInput>,
    /// What the handler does that a scan must not trigger (`drops or creates tables`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub side_effect: Option<&'static str>,
    /// It relays the rest of its path to another server (`<path:rest>` handed to an HTTP
    /// client): what it serves is that server's API.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub relay: bool,
}

/// A route with a handle on its handler's AST (for the rules).
#[derive(Debug)]
pub(crate) struct RouteSite<'a> {
    pub route: Route,
    pub file_index: usize,
    pub func: &'a ast::StmtFunctionDef,
    /// Its authentication restricts it to a role (`@admin_required`, `role=Role.ADMIN`).
    pub role_restricted: bool,
    /// Names and `g.attr`s that hold the caller's identity in the handler beyond the
    /// usual accessors: parameters an auth decorator injects (`auth_user`, `project`),
    /// `g` attributes the project's authentication sets.
    pub identity: Vec<String>,
    /// Its blueprint is registered only when a debug flag is on (`if app.config["DEBUG"]:
    /// app.register_blueprint(debug_bp)`): the route does not exist in production.
    pub dev_only: bool,
}

#[derive(Debug, Clone)]
struct BlueprintDef {
    name: String,
    prefix: String,
}

/// A blueprint or Api object: the file that defines it and its variable name there
/// (several modules commonly name theirs `bp`).
type BpKey = (usize, String);

#[derive(Debug)]
struct RawRoute<'a> {
    receiver: String,
    /// The file where `receiver` is a name (the route's own file, or an Api's file).
    receiver_file: usize,
    path: String,
    methods: Vec<String>,
    func: &'a ast::StmtFunctionDef,
    class: Option<&'a ast::StmtClassDef>,
    endpoint: Option<String>,
    file_index: usize,
    style: &'static str,
    /// Auth declared by an OpenAPI document (Connexion).
    spec_auth: Option<RouteAuth>,
    /// Decorators applied to the view where it is registered (a route table's
    /// registrar: `configure(bp, routes, decorators=[jwt_required()])`).
    registered_with: Vec<&'a Expr>,
    /// For a route a decorator registers, which of the handler's decorators it is (those
    /// above it wrap what Flask registered, not the view).
    decorator_at: Option<usize>,
}

#[derive(Debug, Clone)]
struct Hook<'a> {
    receiver: String,
    app_level: bool,
    func: &'a ast::StmtFunctionDef,
    /// The file that registers the hook (its receiver is resolved there).
    file_index: usize,
    /// The file the hook function is defined in.
    def_file: usize,
    /// The texts a helper that installs the hook was handed beside the blueprint
    /// (`install_auth(blp, public_endpoints=("export_project",))`): what its allow-list
    /// may name.
    handed: Vec<String>,
}

/// Everything gathered from all files before resolution.
#[derive(Debug, Default)]
struct Gathered<'a> {
    /// The class whose method body the gathering is in (for `view_func=self.method`).
    in_class: Option<&'a ast::StmtClassDef>,
    apps: HashSet<String>,
    /// Where each application object is made (`app = Flask(__name__)`): a package may hold
    /// several, each with its own hooks. The value is the offset of the call's arguments.
    app_defs: HashMap<BpKey, u32>,
    blueprints: HashMap<BpKey, BlueprintDef>,
    /// Flask-Rebar's handler registries (kept as blueprints with their prefix) → the
    /// authenticator every handler on them gets unless it names its own
    /// (`create_handler_registry(default_authenticators=[JwtAuthenticator()])`).
    rebar_defaults: HashMap<BpKey, String>,
    /// `parent.register_blueprint(child, url_prefix=...)`: (file, child, parent, prefix,
    /// registered only when a debug flag says so).
    registrations: Vec<(usize, String, String, Option<String>, bool)>,
    /// How many `if DEBUG:` bodies the gathering is inside (`if app.config["DEBUG"]:
    /// app.register_blueprint(debug_bp)`: routes that exist only in development).
    in_debug: usize,
    /// restful Api / RESTX Namespace → (what it is attached to, prefix)
    apis: HashMap<BpKey, (String, String)>,
    /// The decorators an Api or Namespace applies to every resource on it (`Api(bp,
    /// decorators=[api_login_required])`).
    api_decorators: HashMap<BpKey, Vec<&'a Expr>>,
    /// `api.add_namespace(ns, path=...)`: (file, api, namespace, path), resolved once every
    /// file is gathered; a loop over namespaces (`for ns in (a, b): api.add_namespace(ns)`)
    /// adds each.
    namespace_adds: Vec<(usize, String, String, Option<String>)>,
    /// Names a `for` loop of the file being gathered binds to each of a literal tuple's
    /// names (`for ns in (ns_auth, ns_users):`).
    loop_names: HashMap<String, Vec<String>>,
    /// Per file: a name bound to a literal tuple or list of names (`BLUEPRINTS = (auth_bp,
    /// notes_bp)`), for a loop over it.
    name_lists: HashMap<(usize, String), Vec<String>>,
    /// Per file: imported name → what it stands for (`bp` → `app.auth.views.bp`).
    imports: HashMap<usize, HashMap<String, String>>,
    /// Dotted module path of each file (`app/auth/views.py` → `app.auth.views`).
    modules: Vec<String>,
    /// Files that are packages (`__init__.py`).
    package_files: HashSet<usize>,
    /// Project classes derived from `Blueprint` (`class PgAdminModule(Blueprint)`), and
    /// functions that return a new one (`def get_blueprint(name): return Blueprint(name, ...)`).
    blueprint_classes: HashSet<String>,
    /// Project classes derived from Flask-RESTful's or RESTX's `Api` (`class CustomApi(Api)`,
    /// for its own error handling), to a fixpoint.
    api_classes: HashSet<String>,
    /// Project classes that make a blueprint of their own in `__init__` (`self.blueprint =
    /// Blueprint("api", __name__, url_prefix="/api")`), by class name: the blueprint's
    /// name and prefix. An object of one registers its routes on that blueprint
    /// (mwdb-core's `api = Service(app)`, `api.add_resource(...)`).
    blueprint_holders: HashMap<String, (String, String)>,
    routes: Vec<RawRoute<'a>>,
    hooks: Vec<Hook<'a>>,
    /// Module-level constants by name (for allow-lists), per file.
    constants: HashMap<(usize, String), &'a Expr>,
    /// Texts the project names, per file: module-level constants (`API = "/api/v1"`) and
    /// class attributes under `Class.attr` (an `Enum` of endpoints), for route paths built
    /// from them.
    texts: HashMap<BpKey, String>,
    functions: HashMap<String, Vec<(usize, &'a ast::StmtFunctionDef)>>,
    classes: HashMap<String, (usize, &'a ast::StmtClassDef)>,
    protectors: HashSet<String>,
    /// (receiver, path, view name, methods, endpoint, file, decorators applied there)
    url_rules: Vec<UrlRule<'a>>,
    /// (api var, class name, paths, file, decorators applied there)
    resources: Vec<Resource<'a>>,
    /// `app.before_request(fn)` calls: (receiver, function name, app level, file).
    hook_calls: Vec<(String, String, bool, usize)>,
    /// The functions the gathering is inside of, innermost last.
    enclosing: Vec<&'a ast::StmtFunctionDef>,
    /// Hooks a helper installs on the blueprint it is handed (`def install_auth(blp):
    /// @blp.before_request …`): (helper, the parameter's position and name, the hook with
    /// that parameter as receiver). Each call of the helper installs it on its argument.
    hook_templates: Vec<(String, usize, String, bool, Hook<'a>)>,
    /// Calls made as statements or assigned (`api = configure(bp, routes)`), per file: where
    /// a route-table registrar is called.
    calls: Vec<(usize, &'a ast::ExprCall)>,
    /// Classes by (defining file, name): a view class named in a registration is looked up
    /// through the registering file's imports first (two modules may each define a
    /// `TimeSpentsResource`).
    class_defs: HashMap<BpKey, &'a ast::StmtClassDef>,
}

/// `X.add_url_rule(path, endpoint, view)`: (receiver, path, view, methods, endpoint, file,
/// the decorators a route table's registrar applies to the view).
/// A registrar's parameter bound to a call's argument, and the file the call is in.
type Binding<'e> = (&'e str, &'e Expr, usize);

type UrlRule<'a> = (
    String,
    String,
    ViewRef,
    Vec<String>,
    Option<String>,
    usize,
    Vec<&'a Expr>,
);

/// `api.add_resource(Class, *paths)`: (api, class, paths, file, the decorators a route
/// table's registrar applies).
type Resource<'a> = (String, String, Vec<String>, usize, Vec<&'a Expr>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum ViewRef {
    Function(String),
    Class(String),
    /// A bound method of the class whose method registers it (`self.add_url_rule("/x",
    /// view_func=self.get_x)` in a blueprint subclass's `__init__`): (its file, the class,
    /// the method).
    Method(usize, String, String),
}

/// The methods a `methods=` value names, its parameters bound by `arg`: a list of verbs, a
/// parameter, or `[...] if flag else None` on a parameter bound to `True`/`False`. An empty
/// list is Flask's default; `None` when the value cannot be told.
fn methods_value<'e>(e: &'e Expr, arg: &dyn Fn(&str) -> Option<&'e Expr>) -> Option<Vec<String>> {
    match e {
        Expr::List(ast::ExprList { elts, .. })
        | Expr::Tuple(ast::ExprTuple { elts, .. })
        | Expr::Set(ast::ExprSet { elts, .. }) => elts
            .iter()
            .map(|x| str_value(x).map(str::to_ascii_uppercase))
            .collect(),
        Expr::NoneLiteral(_) => Some(Vec::new()),
        Expr::Name(n) => methods_value(arg(n.id.as_str())?, &|_| None),
        Expr::If(i) => {
            let Expr::Name(flag) = i.test.as_ref() else {
                return None;
            };
            let truthy = match arg(flag.id.as_str())? {
                Expr::BooleanLiteral(b) => b.value,
                Expr::NoneLiteral(_) => false,
                _ => return None,
            };
            methods_value(if truthy { &i.body } else { &i.orelse }, arg)
        }
        _ => None,
    }
}

fn methods_of(call: &ast::ExprCall, default: &str) -> Vec<String> {
    match kwarg(call, "methods") {
        Some(e) => {
            let m: Vec<String> = strings_in(e)
                .into_iter()
                .map(str::to_ascii_uppercase)
                .collect();
            if m.is_empty() {
                vec![default.to_owned()]
            } else {
                m
            }
        }
        None => vec![default.to_owned()],
    }
}

/// The authenticator a Flask-Rebar registry or handler is given (`[JwtAuthenticator()]`,
/// `HeaderApiKeyAuthenticator(...)`, a name bound to one): its class or name; none for
/// `None` or an empty list.
fn authenticator_name(e: &Expr) -> Option<String> {
    let first = match e {
        Expr::List(l) => l.elts.first()?,
        Expr::Tuple(t) => t.elts.first()?,
        Expr::NoneLiteral(_) => return None,
        other => other,
    };
    let named = match first {
        Expr::Call(c) => crate::ast_util::callee(c),
        other => dotted(other),
    }?;
    Some(named.rsplit('.').next().unwrap_or(&named).to_owned())
}

fn receiver_of(call: &ast::ExprCall) -> Option<String> {
    match call.func.as_ref() {
        Expr::Attribute(a) => dotted(&a.value),
        _ => None,
    }
}

impl<'a> Gathered<'a> {
    /// Records a module's text constants and its classes' text attributes.
    fn texts_of(&mut self, file: usize, body: &[Stmt]) {
        let mut take = |name: String, value: &Expr| {
            if let Some(text) = str_value(value) {
                self.texts.insert((file, name), text.to_owned());
            }
        };
        for stmt in body {
            match stmt {
                Stmt::Assign(a) => {
                    if let [Expr::Name(n)] = a.targets.as_slice() {
                        take(n.id.to_string(), &a.value);
                    }
                }
                Stmt::AnnAssign(a) => {
                    if let (Expr::Name(n), Some(v)) = (a.target.as_ref(), a.value.as_deref()) {
                        take(n.id.to_string(), v);
                    }
                }
                Stmt::ClassDef(c) => {
                    for inner in &c.body {
                        if let Stmt::Assign(a) = inner
                            && let [Expr::Name(n)] = a.targets.as_slice()
                        {
                            take(format!("{}.{}", c.name, n.id), &a.value);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// The text of a route path written in `file`: a literal, or built from the project's
    /// constants (`f"{API}/users"`, `API_PREFIX + "/users"`, `f"/{Endpoint.config}"` of an
    /// `Enum`, `str(...)`, `.value`). `None` when any part is not known.
    fn path_text(&self, e: &Expr, file: usize) -> Option<String> {
        self.path_text_in(e, file, &[])
    }

    /// [`Self::path_text`] where some names are a registrar's parameters, bound to the
    /// arguments of one call (written in the calling file).
    /// The paths a registrar's rule takes at one call: the rule's path built from the
    /// call's arguments, or, for a rule inside `for route in routes:` over a parameter, each
    /// path of the list the call hands it (`register_view(bp, routes=["/a", "/a-<slug>"],
    /// view_func=…)`).
    fn registrar_paths(
        &self,
        body: &[Stmt],
        path: &Expr,
        def_file: usize,
        bound: &[Binding<'_>],
    ) -> Vec<String> {
        let looped = match path {
            Expr::Name(n) => loop_source(body, n.id.as_str()),
            _ => None,
        };
        let elements = match looped.and_then(|param| bound.iter().find(|(p, ..)| *p == param)) {
            Some((_, Expr::List(l), at)) => Some((&l.elts, *at)),
            Some((_, Expr::Tuple(t), at)) => Some((&t.elts, *at)),
            _ => None,
        };
        match elements {
            Some((elts, at)) => elts
                .iter()
                .filter_map(|e| self.path_text_in(e, at, bound))
                .collect(),
            None => self
                .path_text_in(path, def_file, bound)
                .into_iter()
                .collect(),
        }
    }

    fn path_text_in(&self, e: &Expr, file: usize, bound: &[Binding<'_>]) -> Option<String> {
        match e {
            Expr::StringLiteral(_) => str_value(e).map(str::to_owned),
            Expr::Name(n) if bound.iter().any(|(p, ..)| *p == n.id.as_str()) => {
                let (_, arg, at) = bound.iter().find(|(p, ..)| *p == n.id.as_str())?;
                self.path_text(arg, *at)
            }
            Expr::Name(n) => self
                .texts
                .get(&(file, n.id.to_string()))
                .or_else(|| {
                    self.resolve(&self.texts, file, n.id.as_str())
                        .and_then(|k| self.texts.get(&k))
                })
                .cloned(),
            Expr::Attribute(a) if a.attr.as_str() == "value" => {
                self.path_text_in(&a.value, file, bound)
            }
            Expr::Attribute(_) => {
                let d = dotted(e)?;
                if let Some(t) = self.texts.get(&(file, d.clone())) {
                    return Some(t.clone());
                }
                // `Endpoint.config` of a class another module defines: one text for it.
                if d.matches('.').count() == 1 {
                    let mut found = self
                        .texts
                        .iter()
                        .filter(|((_, k), _)| *k == d)
                        .map(|(_, v)| v);
                    if let Some(first) = found.next() {
                        return found.all(|v| v == first).then(|| first.clone());
                    }
                }
                // `settings.API_PREFIX` of an imported module.
                self.resolve(&self.texts, file, &d)
                    .and_then(|k| self.texts.get(&k))
                    .cloned()
            }
            Expr::Call(c) if callee_last(c) == Some("str") && c.arguments.args.len() == 1 => {
                self.path_text_in(&c.arguments.args[0], file, bound)
            }
            // `"/api/measurements/".format(prefix)`, `"/{}/users".format(API)`,
            // `"/{api}/x".format(api=API)`: the template with its fields filled.
            Expr::Call(c)
                if callee_last(c) == Some("format")
                    && let Expr::Attribute(a) = c.func.as_ref() =>
            {
                let template = self.path_text_in(&a.value, file, bound)?;
                let mut out = String::new();
                let mut rest = template.as_str();
                let mut next = 0usize;
                while let Some(open) = rest.find('{') {
                    out.push_str(&rest[..open]);
                    let close = rest[open..].find('}')? + open;
                    let field = &rest[open + 1..close];
                    let value = if field.is_empty() {
                        next += 1;
                        c.arguments.args.get(next - 1)?
                    } else if let Ok(i) = field.parse::<usize>() {
                        c.arguments.args.get(i)?
                    } else {
                        &c.arguments
                            .keywords
                            .iter()
                            .find(|k| k.arg.as_ref().is_some_and(|n| n.as_str() == field))?
                            .value
                    };
                    out.push_str(&self.path_text_in(value, file, bound)?);
                    rest = &rest[close + 1..];
                }
                out.push_str(rest);
                Some(out)
            }
            Expr::FString(fs) => {
                let mut out = String::new();
                for el in fs.value.elements() {
                    match el {
                        ast::InterpolatedStringElement::Literal(l) => out.push_str(&l.value),
                        ast::InterpolatedStringElement::Interpolation(i) => {
                            if i.format_spec.is_some() {
                                return None;
                            }
                            out.push_str(&self.path_text_in(&i.expression, file, bound)?);
                        }
                    }
                }
                Some(out)
            }
            Expr::BinOp(b) if b.op == ast::Operator::Add => Some(
                self.path_text_in(&b.left, file, bound)?
                    + &self.path_text_in(&b.right, file, bound)?,
            ),
            _ => None,
        }
    }

    fn visit_body(
        &mut self,
        body: &'a [Stmt],
        file: usize,
        class: Option<&'a ast::StmtClassDef>,
        top: bool,
    ) {
        for stmt in body {
            match stmt {
                // Imports inside a function too (an app factory's `from .admin import ns as
                // admin_ns`, against circular imports); a module-level one of the same name
                // stays.
                Stmt::Import(i) => {
                    for a in &i.names {
                        if let Some(alias) = &a.asname {
                            let names = self.imports.entry(file).or_default();
                            if top {
                                names.insert(alias.to_string(), a.name.to_string());
                            } else {
                                names
                                    .entry(alias.to_string())
                                    .or_insert_with(|| a.name.to_string());
                            }
                        }
                    }
                }
                Stmt::ImportFrom(i) => {
                    let module = self.absolute_module(
                        file,
                        i.level,
                        i.module.as_ref().map(ruff_python_ast::Identifier::as_str),
                    );
                    for a in &i.names {
                        let local = a.asname.as_ref().unwrap_or(&a.name).to_string();
                        let full = if module.is_empty() {
                            a.name.to_string()
                        } else {
                            format!("{module}.{}", a.name)
                        };
                        let names = self.imports.entry(file).or_default();
                        if top {
                            names.insert(local, full);
                        } else {
                            names.entry(local).or_insert(full);
                        }
                    }
                }
                Stmt::Assign(a) if top || class.is_none() => {
                    if let [Expr::Name(t)] = a.targets.as_slice()
                        && let names = literal_names(&a.value)
                        && !names.is_empty()
                    {
                        self.name_lists.insert((file, t.id.to_string()), names);
                    }
                    if let (Some(Expr::Name(t)), Expr::Call(c)) =
                        (a.targets.first(), a.value.as_ref())
                    {
                        self.assignment(t.id.as_str(), c, file);
                        self.calls.push((file, c));
                    }
                    if top {
                        for t in &a.targets {
                            if let Expr::Name(n) = t {
                                self.constants.insert((file, n.id.to_string()), &a.value);
                            }
                        }
                    }
                }
                Stmt::Expr(e) => {
                    if let Expr::Call(c) = e.value.as_ref() {
                        self.call(c, file);
                        self.calls.push((file, c));
                    }
                }
                Stmt::FunctionDef(f) => {
                    if class.is_none() {
                        self.functions
                            .entry(f.name.to_string())
                            .or_default()
                            .push((file, f));
                    }
                    self.decorated(f, file, class);
                    let outer = self.in_class;
                    if class.is_some() {
                        self.in_class = class;
                    }
                    self.enclosing.push(f);
                    self.visit_body(&f.body, file, None, false);
                    self.enclosing.pop();
                    self.in_class = outer;
                }
                Stmt::ClassDef(c) => {
                    self.classes.insert(c.name.to_string(), (file, c));
                    self.class_defs.insert((file, c.name.to_string()), c);
                    self.visit_body(&c.body, file, Some(c), false);
                }
                Stmt::If(i) => {
                    let debug = crate::recognizers::reads_debug_flag(&i.test)
                        && !matches!(i.test.as_ref(), Expr::UnaryOp(u) if u.op == ast::UnaryOp::Not);
                    self.in_debug += usize::from(debug);
                    self.visit_body(&i.body, file, class, top);
                    self.in_debug -= usize::from(debug);
                    for clause in &i.elif_else_clauses {
                        self.visit_body(&clause.body, file, class, top);
                    }
                }
                Stmt::Try(t) => {
                    self.visit_body(&t.body, file, class, top);
                    self.visit_body(&t.orelse, file, class, top);
                }
                Stmt::With(w) => self.visit_body(&w.body, file, class, top),
                // `for ns in (ns_auth, ns_users): api.add_namespace(ns)`.
                // `for bp in BLUEPRINTS: app.register_blueprint(bp, url_prefix="/api")`.
                Stmt::For(f) => {
                    let names: Vec<String> = match f.iter.as_ref() {
                        Expr::Name(n) => self
                            .name_lists
                            .get(&(file, n.id.to_string()))
                            .cloned()
                            .unwrap_or_default(),
                        e => literal_names(e),
                    };
                    if let Expr::Name(var) = f.target.as_ref()
                        && !names.is_empty()
                    {
                        let var = var.id.to_string();
                        let outer = self.loop_names.insert(var.clone(), names);
                        self.visit_body(&f.body, file, class, top);
                        match outer {
                            Some(o) => self.loop_names.insert(var, o),
                            None => self.loop_names.remove(&var),
                        };
                    }
                }
                _ => {}
            }
        }
    }

    /// Registrar functions: a function that registers a URL rule built from its
    /// parameters, at each of its calls (Flask's documented `def register_api(app, model,
    /// name): item = ItemAPI.as_view(f"{name}-item", model); app.add_url_rule(f"/{name}/<int:id>",
    /// view_func=item)`, then `register_api(app, User, "users")`).
    fn registrars(&mut self) {
        let mut found: Vec<UrlRule<'a>> = Vec::new();
        // Rules on a parameter (`def init_mapping(flask_app): flask_app.add_url_rule("/",
        // ...)`) were gathered once under the parameter's name: the calls' bindings replace
        // them.
        let mut superseded: Vec<(usize, String, String)> = Vec::new();
        for defs in self.functions.values() {
            for &(def_file, f) in defs {
                let params: Vec<(&str, Option<&Expr>)> = f
                    .parameters
                    .iter_non_variadic_params()
                    .map(|p| (p.parameter.name.as_str(), p.default.as_deref()))
                    .collect();
                if params.is_empty() {
                    continue;
                }
                let is_param = |n: &str| params.iter().any(|(p, _)| *p == n);
                // Locals the body binds once (`item = ItemAPI.as_view(...)`).
                let local = |n: &str| -> Option<&'a Expr> {
                    let mut values = crate::facts::values_assigned(&f.body, n).into_iter();
                    let first = values.next()?;
                    values.next().is_none().then_some(first)
                };
                for rule in crate::facts::calls_in(&f.body) {
                    if callee_last(rule) != Some("add_url_rule") {
                        continue;
                    }
                    let Some(path) = rule.arguments.args.first().or_else(|| kwarg(rule, "rule"))
                    else {
                        continue;
                    };
                    let rule_path = path;
                    let Some(view) =
                        kwarg(rule, "view_func").or_else(|| rule.arguments.args.get(2))
                    else {
                        continue;
                    };
                    let view = match view {
                        Expr::Name(n) if !is_param(n.id.as_str()) => {
                            local(n.id.as_str()).unwrap_or(view)
                        }
                        other => other,
                    };
                    let receiver = receiver_of(rule).unwrap_or_default();
                    let head = receiver.split('.').next().unwrap_or_default().to_owned();
                    let mentions_param =
                        |e: &Expr| crate::ast_util::names_in(e).iter().any(|n| is_param(n));
                    if !(mentions_param(path) || mentions_param(view) || is_param(&head)) {
                        continue;
                    }
                    for &(call_file, c) in &self.calls {
                        if callee_last(c) != Some(f.name.as_str())
                            || c.arguments
                                .args
                                .iter()
                                .any(|a| matches!(a, Expr::Starred(_)))
                        {
                            continue;
                        }
                        // Two modules may each define a registrar of that name: a call
                        // binds to its own module's, or to the one it imports.
                        if defs.len() > 1 && call_file != def_file {
                            let own = &self.modules[def_file];
                            let imported = self
                                .imports
                                .get(&call_file)
                                .and_then(|i| i.get(f.name.as_str()))
                                .and_then(|full| full.rsplit_once('.'))
                                .is_some_and(|(m, _)| {
                                    m == own
                                        || m.ends_with(&format!(".{own}"))
                                        || own.ends_with(&format!(".{m}"))
                                });
                            if !imported {
                                continue;
                            }
                        }
                        let bound: Vec<Binding<'a>> = params
                            .iter()
                            .enumerate()
                            .filter_map(|(i, (p, default))| {
                                c.arguments
                                    .args
                                    .get(i)
                                    .or_else(|| kwarg(c, p))
                                    .map(|a| (*p, a, call_file))
                                    .or_else(|| default.map(|d| (*p, d, def_file)))
                            })
                            .collect();
                        let arg =
                            |n: &str| bound.iter().find(|(p, ..)| *p == n).map(|(_, a, _)| *a);
                        let paths = self.registrar_paths(&f.body, path, def_file, &bound);
                        if paths.is_empty() {
                            continue;
                        }
                        // The view: a view class's `as_view(...)` (the class maybe a
                        // parameter), or a function (maybe a parameter).
                        let through = |e: &'a Expr| match e {
                            Expr::Name(n) if is_param(n.id.as_str()) => arg(n.id.as_str()),
                            other => Some(other),
                        };
                        let view_ref = match through(view) {
                            Some(Expr::Call(v)) if callee_last(v) == Some("as_view") => {
                                match v.func.as_ref() {
                                    Expr::Attribute(a) => {
                                        through(&a.value).and_then(dotted).map(ViewRef::Class)
                                    }
                                    _ => None,
                                }
                            }
                            // A class handed over as it is (flask-smorest's
                            // `add_url_rule(url, view_func=PersonResource)`) is a class
                            // view.
                            Some(other) => dotted(other).map(|d| {
                                if self.class_named(call_file, &d).is_some() {
                                    ViewRef::Class(d)
                                } else {
                                    ViewRef::Function(d.rsplit('.').next().unwrap_or(&d).to_owned())
                                }
                            }),
                            None => None,
                        };
                        let Some(view_ref) = view_ref else { continue };
                        // `methods=[method]` with the method a parameter.
                        let methods = match kwarg(rule, "methods") {
                            Some(m) => {
                                let mut out: Vec<String> = Vec::new();
                                crate::ast_util::each_expr(m, &mut |e| match e {
                                    Expr::StringLiteral(_) => {
                                        out.extend(str_value(e).map(str::to_ascii_uppercase));
                                    }
                                    Expr::Name(n) if is_param(n.id.as_str()) => {
                                        out.extend(
                                            arg(n.id.as_str())
                                                .and_then(str_value)
                                                .map(str::to_ascii_uppercase),
                                        );
                                    }
                                    _ => {}
                                });
                                if out.is_empty() {
                                    vec!["GET".to_owned()]
                                } else {
                                    out
                                }
                            }
                            None => vec!["GET".to_owned()],
                        };
                        let (receiver, receiver_file) = if is_param(&head) {
                            match arg(&head).and_then(dotted) {
                                Some(r) => {
                                    if let Some(p) = self.path_text(rule_path, def_file) {
                                        superseded.push((def_file, receiver.clone(), p));
                                    }
                                    (format!("{r}{}", &receiver[head.len()..]), call_file)
                                }
                                None => continue,
                            }
                        } else {
                            (receiver.clone(), def_file)
                        };
                        for path in paths {
                            // One route per path and view, however many rules name it.
                            if found.iter().any(|r| {
                                r.0 == receiver && r.1 == path && r.2 == view_ref && r.3 == methods
                            }) || matches!(view_ref, ViewRef::Class(_))
                                && found
                                    .iter()
                                    .any(|r| r.0 == receiver && r.1 == path && r.2 == view_ref)
                            {
                                continue;
                            }
                            found.push((
                                receiver.clone(),
                                path,
                                view_ref.clone(),
                                methods.clone(),
                                None,
                                receiver_file,
                                Vec::new(),
                            ));
                        }
                    }
                }
            }
        }
        self.url_rules.retain(|r| {
            !superseded
                .iter()
                .any(|(f, recv, p)| r.5 == *f && r.0 == *recv && r.1 == *p)
        });
        self.url_rules.extend(found);
    }

    /// Routes registered by decorators the project defines (see [`crate::route_decorators`]):
    /// each `@api_route("/x")` on a function binds the decorator's parameters to the call's
    /// arguments and registers the function under the path they build.
    fn project_route_decorators(&mut self) {
        use crate::route_decorators::{RouteDecorator, of_class, of_function};
        let mut factories: HashMap<&'a str, (usize, RouteDecorator<'a>)> = HashMap::default();
        for defs in self.functions.values() {
            for &(fi, f) in defs {
                if let Some(d) = of_function(f) {
                    factories.entry(f.name.as_str()).or_insert((fi, d));
                }
            }
        }
        for (&(fi, _), &class) in &self.class_defs {
            if let Some(d) = of_class(class) {
                factories.entry(class.name.as_str()).or_insert((fi, d));
            }
        }
        if factories.is_empty() {
            return;
        }
        let mut found: Vec<RawRoute<'a>> = Vec::new();
        for defs in self.functions.values() {
            for &(use_file, f) in defs {
                for (at, d) in f.decorator_list.iter().enumerate() {
                    let Expr::Call(call) = &d.expression else {
                        continue;
                    };
                    let Some(name) = callee_last(call) else {
                        continue;
                    };
                    if is_route_decorator(&d.expression) {
                        continue;
                    }
                    let Some((def_file, factory)) = factories.get(name) else {
                        continue;
                    };
                    let def_file = *def_file;
                    let bound: Vec<Binding<'a>> = factory
                        .params
                        .iter()
                        .enumerate()
                        .filter_map(|(i, (p, default))| {
                            call.arguments
                                .args
                                .get(i)
                                .filter(|a| !matches!(a, Expr::Starred(_)))
                                .or_else(|| kwarg(call, p))
                                .map(|a| (*p, a, use_file))
                                .or_else(|| default.map(|d| (*p, d, def_file)))
                        })
                        .collect();
                    let Some(path) = self.path_text_in(factory.path, def_file, &bound) else {
                        continue;
                    };
                    let arg = |n: &str| bound.iter().find(|(p, ..)| *p == n).map(|b| b.1);
                    // The receiver: the factory's own (`bp`), or a parameter bound here.
                    let Some(receiver_text) = dotted(factory.receiver) else {
                        continue;
                    };
                    let head = receiver_text.split('.').next().unwrap_or_default();
                    let (receiver, receiver_file) = match arg(head) {
                        Some(a) => match dotted(a) {
                            Some(r) => (format!("{r}{}", &receiver_text[head.len()..]), use_file),
                            None => continue,
                        },
                        None if head == "self" => continue,
                        None => (receiver_text.clone(), def_file),
                    };
                    let mut methods = match (factory.verb, factory.methods) {
                        (Some(verb), _) => vec![verb.to_ascii_uppercase()],
                        (None, Some(m)) => methods_value(m, &arg).unwrap_or_default(),
                        (None, None) => Vec::new(),
                    };
                    if methods.is_empty() && factory.options.is_some() {
                        methods = kwarg(call, "methods")
                            .and_then(|m| methods_value(m, &|_| None))
                            .unwrap_or_default();
                    }
                    if methods.is_empty() {
                        methods.push("GET".to_owned());
                    }
                    found.push(RawRoute {
                        receiver,
                        receiver_file,
                        path,
                        methods,
                        func: f,
                        class: None,
                        endpoint: None,
                        file_index: use_file,
                        style: "decorator",
                        spec_auth: None,
                        registered_with: factory.applied.clone(),
                        decorator_at: Some(at),
                    });
                }
            }
        }
        self.routes.extend(found);
    }

    /// Routes listed in tables and registered in a loop (see [`crate::route_tables`]):
    /// loops over a module's own list, and registrar functions looping over a parameter,
    /// at each of their calls.
    fn route_tables(&mut self, files: &'a [SourceFile]) {
        use crate::route_tables::{
            Kind, TableLoop, decorator_params, entries, keyed_entries, keyword_entries, loops_in,
        };
        type Found<'a> = (
            String,
            usize,
            String,
            String,
            Kind,
            Vec<String>,
            Vec<&'a Expr>,
        );
        let mut found: Vec<Found<'a>> = Vec::new();
        let mut take = |g: &Gathered<'a>,
                        table: &'a Expr,
                        file: usize,
                        l: &TableLoop<'_>,
                        receiver: (String, usize),
                        decorators: Vec<&'a Expr>| {
            let table = match table {
                Expr::Name(n) => match g.resolve(&g.constants, file, n.id.as_str()) {
                    Some(key) => g.constants[&key],
                    None => return,
                },
                other => other,
            };
            let pairs = match (&l.kind, &l.keys) {
                (Kind::UrlRuleKwargs, _) => Vec::new(),
                (Kind::ResourceKeys | Kind::UrlRuleKeys, Some((view, path))) => {
                    keyed_entries(table, view, path)
                }
                _ => entries(table, l.path_at, l.view_at),
            };
            let rows: Vec<(String, String, Vec<String>)> = if l.kind == Kind::UrlRuleKwargs {
                keyword_entries(table)
            } else {
                pairs
                    .into_iter()
                    .map(|(path, view)| (path, view, vec!["GET".to_owned()]))
                    .collect()
            };
            for (path, view, methods) in rows {
                found.push((
                    receiver.0.clone(),
                    receiver.1,
                    path,
                    view,
                    l.kind,
                    methods,
                    decorators.clone(),
                ));
            }
        };
        for (i, file) in files.iter().enumerate() {
            if let Some(module) = file.module() {
                for l in loops_in(&module.body) {
                    take(self, l.iter, i, &l, (l.receiver.clone(), i), Vec::new());
                }
            }
        }
        // A method that builds a blueprint from a list (`get_blueprint(self)` of a CKAN
        // plugin: `rules = [...]`, `for rule in rules: blueprint.add_url_rule(*rule)`; a
        // blueprint class's `for kwargs in urls: self.add_url_rule(**kwargs)`).
        for (&(file, _), class) in &self.class_defs {
            for stmt in &class.body {
                let Stmt::FunctionDef(m) = stmt else { continue };
                for l in loops_in(&m.body) {
                    // A list of its own, else one of its module (imported or defined).
                    let table = local_list(&m.body, l.iter).unwrap_or(l.iter);
                    take(
                        self,
                        table,
                        file,
                        &l,
                        (l.receiver.clone(), file),
                        Vec::new(),
                    );
                }
            }
        }
        for defs in self.functions.values() {
            for &(def_file, f) in defs {
                let params: Vec<&str> = f
                    .parameters
                    .iter_non_variadic_params()
                    .map(|p| p.parameter.name.as_str())
                    .collect();
                for l in loops_in(&f.body) {
                    let Expr::Name(n) = l.iter else { continue };
                    let Some(table_at) = params.iter().position(|p| *p == n.id.as_str()) else {
                        // A loop over a list of the function's own (`rules = [...]` before
                        // the loop), else of the module's, in a function.
                        let local = local_list(&f.body, l.iter);
                        take(
                            self,
                            local.unwrap_or(l.iter),
                            def_file,
                            &l,
                            (l.receiver.clone(), def_file),
                            Vec::new(),
                        );
                        continue;
                    };
                    let applied: Vec<usize> = decorator_params(f)
                        .iter()
                        .filter_map(|d| params.iter().position(|p| p == d))
                        .collect();
                    let head = l.receiver.split('.').next().unwrap_or_default();
                    let receiver_at = params.iter().position(|p| *p == head);
                    let arg = |c: &'a ast::ExprCall, at: usize| {
                        c.arguments
                            .args
                            .get(at)
                            .filter(|a| !matches!(a, Expr::Starred(_)))
                            .or_else(|| kwarg(c, params[at]))
                    };
                    for &(call_file, c) in &self.calls {
                        if callee_last(c) != Some(f.name.as_str()) {
                            continue;
                        }
                        let Some(table) = arg(c, table_at) else {
                            continue;
                        };
                        let receiver = match receiver_at {
                            Some(at) => match arg(c, at).and_then(dotted) {
                                Some(r) => (format!("{r}{}", &l.receiver[head.len()..]), call_file),
                                None => continue,
                            },
                            None => (l.receiver.clone(), def_file),
                        };
                        let decorators = applied
                            .iter()
                            .filter_map(|&at| arg(c, at))
                            .flat_map(|e| match e {
                                Expr::List(list) => list.elts.iter().collect(),
                                Expr::Tuple(t) => t.elts.iter().collect(),
                                _ => Vec::new(),
                            })
                            .collect();
                        take(self, table, call_file, &l, receiver, decorators);
                    }
                }
            }
        }
        let mut done: HashSet<(String, usize, String, String)> = HashSet::default();
        for (receiver, file, path, view, kind, methods, decorators) in found {
            // The same table registered twice on the same object adds no route.
            if !done.insert((receiver.clone(), file, path.clone(), view.clone())) {
                continue;
            }
            match kind {
                Kind::UrlRule | Kind::UrlRuleKeys => self.url_rules.push((
                    receiver,
                    path,
                    ViewRef::Class(view),
                    methods,
                    None,
                    file,
                    decorators,
                )),
                Kind::Resource | Kind::ResourceKeys => {
                    self.resources
                        .push((receiver, view, vec![path], file, decorators));
                }
                Kind::UrlRuleArgs | Kind::UrlRuleKwargs => self.url_rules.push((
                    receiver,
                    path,
                    ViewRef::Function(view.rsplit('.').next().unwrap_or(&view).to_owned()),
                    methods,
                    None,
                    file,
                    decorators,
                )),
            }
        }
    }

    /// A class and the project's classes it derives from, nearest first (depth first, left
    /// to right, as Python's method resolution mostly goes), each with its file; at most
    /// eight.
    fn ancestry(
        &self,
        class: &'a ast::StmtClassDef,
        file: usize,
    ) -> Vec<(&'a ast::StmtClassDef, usize)> {
        let mut out: Vec<(&'a ast::StmtClassDef, usize)> = Vec::new();
        let mut queue = vec![(class, file)];
        while let Some((c, f)) = queue.pop() {
            if out.len() >= 8 || out.iter().any(|(o, _)| std::ptr::eq(*o, c)) {
                continue;
            }
            out.push((c, f));
            let bases: Vec<String> = c
                .arguments
                .as_ref()
                .map(|a| a.args.iter().filter_map(dotted).collect())
                .unwrap_or_default();
            for base in bases.iter().rev() {
                if let Some((bf, bc)) = self.class_named(f, base) {
                    queue.push((bc, bf));
                }
            }
        }
        out
    }

    /// The file that defines a class of the project.
    fn class_file(&self, class: &'a ast::StmtClassDef) -> Option<usize> {
        self.class_defs
            .iter()
            .find(|(_, c)| std::ptr::eq(**c, class))
            .map(|((f, _), _)| *f)
    }

    /// The view methods of a class and those it inherits from the project's classes
    /// (`class SoftwaresResource(BaseModelsResource)` serves the base's `get` and `post`),
    /// nearest first, each with the file that defines it.
    fn all_view_methods(
        &self,
        class: &'a ast::StmtClassDef,
        file: usize,
    ) -> Vec<(String, &'a ast::StmtFunctionDef, usize)> {
        let mut out: Vec<(String, &'a ast::StmtFunctionDef, usize)> = Vec::new();
        for (c, f) in self.ancestry(class, file) {
            for (method, func) in view_methods(c) {
                if !out.iter().any(|(m, _, _)| *m == method) {
                    out.push((method, func, f));
                }
            }
        }
        // A `dispatch_request` is the view itself only in a class with no method of its
        // own (a plain `View`); beside `post` (a MethodView whose base dispatches, as
        // mwdb-core's `Resource` does) it serves no GET.
        if out
            .iter()
            .any(|(_, func, _)| func.name.as_str() != "dispatch_request")
        {
            out.retain(|(_, func, _)| func.name.as_str() != "dispatch_request");
        }
        out
    }

    /// The base class method a view method calls as `super().name(…)` (its own name): the
    /// nearest base of the project that defines it, with that base.
    fn super_method(
        &self,
        class: &'a ast::StmtClassDef,
        func: &'a ast::StmtFunctionDef,
    ) -> Option<(&'a ast::StmtFunctionDef, &'a ast::StmtClassDef)> {
        let name = func.name.as_str();
        let calls_super = crate::facts::calls_in(&func.body).iter().any(|c| {
            matches!(c.func.as_ref(), Expr::Attribute(a)
                if a.attr.as_str() == name
                    && matches!(a.value.as_ref(), Expr::Call(s) if callee_last(s) == Some("super")))
        });
        if !calls_super {
            return None;
        }
        let file = self.class_file(class)?;
        self.ancestry(class, file)
            .into_iter()
            .skip(1)
            .find_map(|(c, _)| {
                view_methods(c)
                    .into_iter()
                    .find(|(_, f)| f.name.as_str() == name)
                    .map(|(_, f)| (f, c))
            })
    }

    /// A view class's decorator lists (`decorators`, `method_decorators`), its own or the
    /// nearest base's of the project (`class ApiKeyList(AuthenticatedResource)` inherits
    /// `method_decorators = [login_required]`).
    fn class_decorators(&self, class: &'a ast::StmtClassDef) -> Vec<&'a Expr> {
        let own = class_decorator_list(class);
        if !own.is_empty() {
            return own;
        }
        let Some(file) = self.class_file(class) else {
            return own;
        };
        self.ancestry(class, file)
            .into_iter()
            .map(|(c, _)| class_decorator_list(c))
            .find(|list| !list.is_empty())
            .unwrap_or_default()
    }

    /// The class `dotted` names in `file`: its own, an imported one, else the project's
    /// class of that name.
    fn class_named(&self, file: usize, dotted: &str) -> Option<(usize, &'a ast::StmtClassDef)> {
        if let Some(key) = self.resolve(&self.class_defs, file, dotted) {
            return Some((key.0, self.class_defs[&key]));
        }
        self.classes
            .get(dotted.rsplit('.').next().unwrap_or(dotted))
            .copied()
    }

    /// `from ..x import y` in `file` → the absolute module `pkg.x`.
    fn absolute_module(&self, file: usize, level: u32, module: Option<&str>) -> String {
        if level == 0 {
            return module.unwrap_or_default().to_owned();
        }
        let own = self.modules.get(file).cloned().unwrap_or_default();
        let is_package = self.package_files.contains(&file);
        let mut parts: Vec<&str> = own.split('.').filter(|p| !p.is_empty()).collect();
        // A module's package is its module path minus its last part; a package is itself.
        let up = if is_package { level - 1 } else { level };
        for _ in 0..up {
            parts.pop();
        }
        let mut base = parts.join(".");
        if let Some(m) = module {
            if !base.is_empty() {
                base.push('.');
            }
            base.push_str(m);
        }
        base
    }

    /// The Api object a resource registration in `file` names (`api.add_resource`,
    /// `@ns.route`): the object its routes attach to, its URL prefix, and the file that
    /// defines it; `(fallback, "")` in `file` when it is not one of the project's.
    fn api_target(
        &self,
        file: usize,
        receiver: &str,
        fallback: &str,
    ) -> (String, String, usize, Vec<&'a Expr>) {
        let key = self.resolve(&self.apis, file, receiver);
        let (mut target, mut prefix) = key
            .as_ref()
            .and_then(|k| self.apis.get(k))
            .cloned()
            .unwrap_or_else(|| (fallback.to_owned(), String::new()));
        let mut decorators: Vec<&'a Expr> = key
            .as_ref()
            .and_then(|k| self.api_decorators.get(k))
            .cloned()
            .unwrap_or_default();
        let mut target_file = key.as_ref().map_or(file, |k| k.0);
        // A namespace added to an Api (`api.add_namespace(ns)`): the Api's prefix and
        // decorators, and what the Api is attached to.
        let mut seen = key.into_iter().collect::<Vec<_>>();
        while seen.len() < 4
            && let Some(k) = self.resolve(&self.apis, target_file, &target)
            && !seen.contains(&k)
        {
            let (on, p) = &self.apis[&k];
            let joined = join_path(p, &prefix);
            joined.trim_end_matches('/').clone_into(&mut prefix);
            decorators.extend(self.api_decorators.get(&k).into_iter().flatten());
            target.clone_from(on);
            target_file = k.0;
            seen.push(k);
        }
        (target, prefix, target_file, decorators)
    }

    /// The blueprint (or Api) that `dotted`, written in `file`, names: a definition in the
    /// same file, an imported one (`from .views import bp`, `auth.bp` after `from . import
    /// auth`), or the only definition of that name in the project.
    fn resolve<T>(&self, defs: &HashMap<BpKey, T>, file: usize, dotted: &str) -> Option<BpKey> {
        let (head, var) = match dotted.rsplit_once('.') {
            Some((h, v)) => (Some(h), v),
            None => (None, dotted),
        };
        let module_file = |module: &str, m: &String| {
            m == module || m.ends_with(&format!(".{module}")) || module.ends_with(&format!(".{m}"))
        };
        // A definition in that module, or one the module imports and so re-exports
        // (`from .Watch import Watch` in a package's `__init__`), up to three hops.
        let in_module = |module: &str, var: &str| -> Option<BpKey> {
            let (mut module, mut var) = (module.to_owned(), var.to_owned());
            for _ in 0..3 {
                // The module's files in order: the first that defines it, else what the
                // first that imports it names.
                let mut next = None;
                for (f, _) in self
                    .modules
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| module_file(&module, m))
                {
                    let key = (f, var.clone());
                    if defs.contains_key(&key) {
                        return Some(key);
                    }
                    if next.is_none() {
                        next = self.imports.get(&f).and_then(|i| i.get(&var)).cloned();
                    }
                }
                let next = next?;
                let (m, n) = next.rsplit_once('.')?;
                (module, var) = (m.to_owned(), n.to_owned());
            }
            None
        };
        let imports = self.imports.get(&file);
        match head {
            None => {
                let local = (file, var.to_owned());
                if defs.contains_key(&local) {
                    return Some(local);
                }
                if let Some(full) = imports.and_then(|i| i.get(var))
                    && let Some((m, n)) = full.rsplit_once('.')
                    && let Some(k) = in_module(m, n)
                {
                    return Some(k);
                }
            }
            Some(h) => {
                let first = h.split('.').next().unwrap_or(h);
                let module = imports.and_then(|i| i.get(first)).map_or_else(
                    || h.to_owned(),
                    |full| format!("{full}{}", &h[first.len()..]),
                );
                if let Some(k) = in_module(&module, var) {
                    return Some(k);
                }
            }
        }
        // A name the file binds itself to something not understood stays unresolved.
        if head.is_none() && self.constants.contains_key(&(file, var.to_owned())) {
            return None;
        }
        let mut candidates = defs.keys().filter(|(_, v)| v == var);
        match (candidates.next(), candidates.next()) {
            (Some(k), None) => Some(k.clone()),
            _ => None,
        }
    }

    fn assignment(&mut self, target: &str, call: &'a ast::ExprCall, file: usize) {
        let name = callee(call).unwrap_or_default();
        let last = name.rsplit('.').next().unwrap_or_default();
        let last = if self.blueprint_classes.contains(last) {
            "Blueprint"
        } else if self.api_classes.contains(last) {
            "Api"
        } else {
            last
        };
        match last {
            "Flask" | "FlaskApp" | "App" | "APIFlask" | "Quart" => {
                self.apps.insert(target.to_owned());
                self.app_defs.insert(
                    (file, target.to_owned()),
                    call.arguments.range.start().to_u32(),
                );
            }
            holder if self.blueprint_holders.contains_key(holder) => {
                let (name, prefix) = self.blueprint_holders[holder].clone();
                self.blueprints
                    .insert((file, target.to_owned()), BlueprintDef { name, prefix });
            }
            // Flask-Rebar: `rebar.create_handler_registry(prefix="/api",
            // default_authenticators=[...])`, a registry its handlers are routed on.
            "create_handler_registry" => {
                let prefix = kwarg(call, "prefix")
                    .and_then(|e| self.path_text(e, file))
                    .unwrap_or_default();
                self.blueprints.insert(
                    (file, target.to_owned()),
                    BlueprintDef {
                        name: target.to_owned(),
                        prefix,
                    },
                );
                if let Some(auth) = kwarg(call, "default_authenticators")
                    .or_else(|| kwarg(call, "default_authenticator"))
                    .and_then(authenticator_name)
                {
                    self.rebar_defaults.insert((file, target.to_owned()), auth);
                }
            }
            "Blueprint" | "APIBlueprint" | "APIView" => {
                let bp_name = call
                    .arguments
                    .args
                    .first()
                    .and_then(str_value)
                    .unwrap_or(target)
                    .to_owned();
                let prefix = kwarg(call, "url_prefix")
                    .and_then(|e| self.path_text(e, file))
                    .unwrap_or_default();
                self.blueprints.insert(
                    (file, target.to_owned()),
                    BlueprintDef {
                        name: bp_name,
                        prefix,
                    },
                );
            }
            "namespace"
                if receiver_of(call)
                    .is_none_or(|r| self.resolve(&self.apis, file, &r).is_none()) => {}
            "Api" | "Namespace" | "namespace" => {
                // `Namespace("invoices")` is served under `/invoices` unless given a path;
                // `api.namespace("invoices")` makes one on that Api.
                let named = last != "Api";
                let on = if last == "namespace" {
                    receiver_of(call).unwrap_or_default()
                } else if named {
                    String::new()
                } else {
                    call.arguments
                        .args
                        .first()
                        .and_then(dotted)
                        .unwrap_or_default()
                };
                let prefix = kwarg(call, "prefix")
                    .or_else(|| kwarg(call, "path"))
                    .and_then(|e| self.path_text(e, file))
                    .or_else(|| {
                        named
                            .then(|| call.arguments.args.first().and_then(str_value))
                            .flatten()
                            .map(|n| format!("/{n}"))
                    })
                    .unwrap_or_default();
                self.apis.insert((file, target.to_owned()), (on, prefix));
                if let Some(list) = kwarg(call, "decorators") {
                    let elts: Vec<&'a Expr> = match list {
                        Expr::List(l) => l.elts.iter().collect(),
                        Expr::Tuple(t) => t.elts.iter().collect(),
                        _ => Vec::new(),
                    };
                    if !elts.is_empty() {
                        self.api_decorators.insert((file, target.to_owned()), elts);
                    }
                }
            }
            "ResourceProtector" | "HTTPTokenAuth" | "HTTPBasicAuth" | "MultiAuth"
            | "HTTPDigestAuth" => {
                self.protectors.insert(target.to_owned());
            }
            _ => {}
        }
    }

    /// The names a loop variable stands for (`for bp in (a_bp, b_bp):` gives both), or the
    /// name itself outside such a loop.
    fn each_looped(&self, name: String) -> Vec<String> {
        self.loop_names
            .get(&name)
            .cloned()
            .unwrap_or_else(|| vec![name])
    }

    fn call(&mut self, call: &'a ast::ExprCall, file: usize) {
        // `api.add_namespace(ns)`, `api.add_namespace(ns, path="/v2/x")`.
        if callee_last(call) == Some("add_namespace")
            && let Some(api) = receiver_of(call)
            && let Some(ns) = call.arguments.args.first().and_then(dotted)
        {
            let path = kwarg(call, "path")
                .or_else(|| call.arguments.args.get(1))
                .and_then(str_value)
                .map(str::to_owned);
            for ns in self.each_looped(ns) {
                self.namespace_adds
                    .push((file, api.clone(), ns, path.clone()));
            }
        }
        // `api = Api()` then `api.init_app(api_blueprint)`: the Api is attached to that
        // blueprint, as `Api(api_blueprint)` would be.
        if callee_last(call) == Some("init_app")
            && let Expr::Attribute(a) = call.func.as_ref()
            && let Some(api) = dotted(&a.value)
            && let [on] = call.arguments.args.as_ref()
            && let Some(on) = dotted(on)
            && let Some(key) = self.resolve(&self.apis, file, &api)
            && let Some(entry) = self.apis.get_mut(&key)
            && entry.0.is_empty()
        {
            entry.0 = on;
        }
        // `bp.route("/login", methods=["GET", "POST"])(login)`: the decorator applied by
        // hand, a URL rule for the view.
        if let Expr::Call(inner) = call.func.as_ref()
            && let Some(verb) = callee_last(inner)
            && matches!(verb, "route" | "get" | "post" | "put" | "patch" | "delete")
            && let Some(path) = inner
                .arguments
                .args
                .first()
                .and_then(|e| self.path_text(e, file))
            && path.starts_with('/')
            && let [view] = call.arguments.args.as_ref()
            && let Some(view) = dotted(view)
        {
            let methods = if verb == "route" {
                methods_of(inner, "GET")
            } else {
                vec![verb.to_ascii_uppercase()]
            };
            self.url_rules.push((
                receiver_of(inner).unwrap_or_default(),
                path,
                ViewRef::Function(view.rsplit('.').next().unwrap_or(&view).to_owned()),
                methods,
                kwarg(inner, "endpoint")
                    .and_then(str_value)
                    .map(str::to_owned),
                file,
                Vec::new(),
            ));
            return;
        }
        let Some(last) = callee_last(call) else {
            return;
        };
        let receiver = receiver_of(call).unwrap_or_default();
        match last {
            "register_blueprint" => {
                if let Some(child) = call.arguments.args.first().and_then(dotted) {
                    let prefix = kwarg(call, "url_prefix").and_then(|e| self.path_text(e, file));
                    for child in self.each_looped(child) {
                        self.registrations.push((
                            file,
                            child,
                            receiver.clone(),
                            prefix.clone(),
                            self.in_debug > 0,
                        ));
                    }
                }
            }
            "add_url_rule" => {
                let Some(path) = call
                    .arguments
                    .args
                    .first()
                    .or_else(|| kwarg(call, "rule"))
                    .and_then(|e| self.path_text(e, file))
                else {
                    return;
                };
                let endpoint = call
                    .arguments
                    .args
                    .get(1)
                    .and_then(str_value)
                    .or_else(|| kwarg(call, "endpoint").and_then(str_value))
                    .map(str::to_owned);
                let view = kwarg(call, "view_func").or_else(|| call.arguments.args.get(2));
                let Some(view) = view else { return };
                let view = match view {
                    Expr::Call(c) if callee_last(c) == Some("as_view") => match c.func.as_ref() {
                        Expr::Attribute(a) => dotted(&a.value).map(ViewRef::Class),
                        _ => None,
                    },
                    Expr::Attribute(a)
                        if matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == "self")
                            && self.in_class.is_some() =>
                    {
                        self.in_class
                            .map(|c| ViewRef::Method(file, c.name.to_string(), a.attr.to_string()))
                    }
                    other => dotted(other)
                        .map(|d| ViewRef::Function(d.rsplit('.').next().unwrap_or(&d).to_owned())),
                };
                if let Some(view) = view {
                    self.url_rules.push((
                        receiver,
                        path,
                        view,
                        methods_of(call, "GET"),
                        endpoint,
                        file,
                        Vec::new(),
                    ));
                }
            }
            "before_request"
            | "before_app_request"
            | "url_value_preprocessor"
            | "app_url_value_preprocessor" => {
                if let Some(name) = call.arguments.args.first().and_then(dotted) {
                    let short = name.rsplit('.').next().unwrap_or(&name).to_owned();
                    self.hook_calls.push((
                        receiver,
                        short,
                        matches!(last, "before_app_request" | "app_url_value_preprocessor"),
                        file,
                    ));
                }
            }
            "add_resource" => {
                let Some(class) = call.arguments.args.first().and_then(dotted) else {
                    return;
                };
                let paths: Vec<String> = call
                    .arguments
                    .args
                    .iter()
                    .skip(1)
                    .filter_map(|e| self.path_text(e, file))
                    .collect();
                self.resources
                    .push((receiver, class, paths, file, Vec::new()));
            }
            _ => {}
        }
    }

    fn decorated(
        &mut self,
        f: &'a ast::StmtFunctionDef,
        file: usize,
        class: Option<&'a ast::StmtClassDef>,
    ) {
        for d in &f.decorator_list {
            match &d.expression {
                Expr::Call(call) => {
                    let Some(last) = callee_last(call) else {
                        continue;
                    };
                    let receiver = receiver_of(call).unwrap_or_default();
                    let first = call
                        .arguments
                        .args
                        .first()
                        .and_then(|e| self.path_text(e, file));
                    let verb = matches!(last, "get" | "post" | "put" | "patch" | "delete");
                    // Flask-Classful's bare `@route(rule)` on a view's method is relative to
                    // the view's base (`push_classful_routes`).
                    let classful = class.is_some() && receiver.is_empty() && last == "route";
                    if let Some(path) = first
                        && !classful
                        && (last == "route" || (verb && (path.starts_with('/') || path.is_empty())))
                    {
                        let methods = if verb {
                            vec![last.to_ascii_uppercase()]
                        } else {
                            methods_of(call, "GET")
                        };
                        let endpoint = kwarg(call, "endpoint")
                            .and_then(str_value)
                            .map(str::to_owned);
                        self.routes.push(RawRoute {
                            receiver: receiver.clone(),
                            receiver_file: file,
                            path,
                            methods,
                            func: f,
                            class,
                            endpoint,
                            file_index: file,
                            style: "decorator",
                            spec_auth: None,
                            registered_with: Vec::new(),
                            decorator_at: None,
                        });
                    }
                    // Flask-Rebar: `@registry.handles(rule="/accounts/<int:id>", method="GET",
                    // authenticators=...)`.
                    if last == "handles"
                        && let Some(path) = kwarg(call, "rule")
                            .or_else(|| call.arguments.args.first())
                            .and_then(|e| self.path_text(e, file))
                    {
                        let method = kwarg(call, "method")
                            .or_else(|| call.arguments.args.get(1))
                            .and_then(str_value)
                            .unwrap_or("GET")
                            .to_ascii_uppercase();
                        let spec_auth = kwarg(call, "authenticators")
                            .and_then(authenticator_name)
                            .map(|name| RouteAuth::Decorator { name });
                        self.routes.push(RawRoute {
                            receiver,
                            receiver_file: file,
                            path,
                            methods: vec![method],
                            func: f,
                            class,
                            endpoint: kwarg(call, "endpoint")
                                .and_then(str_value)
                                .map(str::to_owned),
                            file_index: file,
                            style: "rebar",
                            spec_auth,
                            registered_with: Vec::new(),
                            decorator_at: None,
                        });
                    }
                }
                Expr::Attribute(a) => {
                    let attr = a.attr.as_str();
                    if matches!(
                        attr,
                        "before_request"
                            | "before_app_request"
                            | "url_value_preprocessor"
                            | "app_url_value_preprocessor"
                    ) {
                        let receiver = dotted(&a.value).unwrap_or_default();
                        let hook = Hook {
                            receiver,
                            app_level: matches!(
                                attr,
                                "before_app_request" | "app_url_value_preprocessor"
                            ),
                            func: f,
                            file_index: file,
                            def_file: file,
                            handed: Vec::new(),
                        };
                        // On a parameter of the helper it is defined in: installed where
                        // the helper is called, on what it is handed.
                        let helper = self.enclosing.last().and_then(|outer| {
                            let at = outer
                                .parameters
                                .args
                                .iter()
                                .position(|x| x.parameter.name.as_str() == hook.receiver)?;
                            let method = outer.parameters.args.first().is_some_and(|x| {
                                matches!(x.parameter.name.as_str(), "self" | "cls")
                            });
                            Some((outer.name.to_string(), at, method))
                        });
                        match helper {
                            Some((name, at, method)) => {
                                let param = hook.receiver.clone();
                                self.hook_templates.push((name, at, param, method, hook));
                            }
                            None => self.hooks.push(hook),
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// Converts a Flask rule (`/notes/<int:note_id>`) to an OpenAPI template and its params.
pub(crate) fn convert_path(rule: &str) -> (String, Vec<PathParam>) {
    let mut out = String::new();
    let mut params = Vec::new();
    let mut rest = rule;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let inner = &rest[start + 1..start + end];
        let (converter, name) = match inner.split_once(':') {
            Some((c, n)) => (
                c.split('(').next().unwrap_or(c).trim().to_owned(),
                n.trim().to_owned(),
            ),
            None => ("string".to_owned(), inner.trim().to_owned()),
        };
        out.push('{');
        out.push_str(&name);
        out.push('}');
        params.push(PathParam { name, converter });
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    (out, params)
}

fn join_path(prefix: &str, path: &str) -> String {
    if prefix.is_empty() {
        return if path.is_empty() {
            "/".into()
        } else {
            path.to_owned()
        };
    }
    let p = prefix.trim_end_matches('/');
    if path.is_empty() || path == "/" && !p.is_empty() {
        return if path == "/" {
            format!("{p}/")
        } else {
            p.to_owned()
        };
    }
    if path.starts_with('/') {
        format!("{p}{path}")
    } else {
        format!("{p}/{path}")
    }
}

/// Options of the model that come from configuration.
#[derive(Debug, Default, Clone)]
pub struct ModelOptions {
    /// Extra authenticating decorator names.
    pub auth_decorators: Vec<String>,
    /// Routes public by design: `/health`, `GET /api/catalog/*` (glob-style `*`).
    pub public_routes: Vec<String>,
}

/// The built model.
#[derive(Debug, Default)]
pub(crate) struct Model<'a> {
    pub routes: Vec<RouteSite<'a>>,
    /// Whether any route of the project is authenticated (evidence that auth is expected).
    pub any_auth: bool,
    /// Simple names of the helpers whose result a handler answers with
    /// (`return jsonify(to_json(x))`).
    pub response_functions: HashSet<String>,
    /// The route handlers, by identity: a data-layer function that shares a handler's
    /// name (`create_user` in a database backend) is not a response.
    pub response_handlers: HashSet<crate::facts::FuncId>,
}

/// What a decorator does for authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
enum DecoratorAuth {
    /// It authenticates every request (`role`: it also restricts to a role).
    Required { name: String, role: bool },
    /// It authenticates callers that send credentials and lets the others through.
    Optional { name: String },
}

/// Whether a decorator expression authenticates.
fn decorator_auth(
    expr: &Expr,
    summaries: &Summaries,
    protectors: &HashSet<String>,
    extra: &[String],
) -> Option<DecoratorAuth> {
    let (base, args): (&Expr, Option<&ast::ExprCall>) = match expr {
        Expr::Call(c) => (&c.func, Some(c)),
        other => (other, None),
    };
    // Flask-Principal's `@admin_permission.require(http_exception=403)`,
    // `@Permission(RoleNeed("admin")).require()`, a project's permission tree
    // (`@p.tooltool.manage.require()`): the identity must hold the permission.
    // Flask-Allows' `@allows.requires(IsAdmin)` (its requirements run against the current
    // user, a failure answers 403) likewise.
    let allows = |e: &Expr| {
        dotted(e).is_some_and(|d| {
            let d = d.to_ascii_lowercase();
            ["allow", "perm", "polic", "acl"]
                .iter()
                .any(|w| d.contains(w))
        })
    };
    if args.is_some()
        && let Expr::Attribute(a) = base
        && (a.attr.as_str() == "require" || a.attr.as_str() == "requires" && allows(&a.value))
        && !matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == "request")
    {
        let receiver = match a.value.as_ref() {
            Expr::Call(c) => dotted(&c.func).map(|d| format!("{d}(...)")),
            other => dotted(other),
        }
        .unwrap_or_else(|| "permission".to_owned());
        return Some(DecoratorAuth::Required {
            name: format!("{receiver}.{}()", a.attr.as_str()),
            role: true,
        });
    }
    let name = dotted(base)?;
    let last = name.rsplit('.').next().unwrap_or(&name);
    let configured = extra.iter().any(|e| e == &name || e == last);
    let lower = last.to_ascii_lowercase();
    // A policy enforcer's rule (`@acl.enforce("clusters:get")`, `@policy.enforce(...)`)
    // and Flask-AppBuilder's `@protect()`: the caller's grants, checked before the view.
    let policy = args.is_some()
        && (last == "enforce" || last == "protect" && !name.to_ascii_lowercase().contains("csrf"));
    // `@api_login(require_role=[...])`, `@web_login`: a project's login check by name
    // (not `@login_exempt`, `@skip_login`, `@no_login`).
    let login_named = crate::patterns::words(last).iter().any(|w| w == "login")
        && ![
            "exempt",
            "skip",
            "no",
            "optional",
            "public",
            "anonymous",
            "page",
            "view",
            "form",
        ]
        .iter()
        .any(|w| crate::patterns::words(last).iter().any(|x| x == w));
    let known = AUTH_DECORATORS.contains(&last)
        || AUTH_STEMS.iter().any(|s| lower.contains(s))
        || login_named
        || policy
        || configured;
    let protector = protectors.contains(name.split('.').next().unwrap_or(&name));
    let project = summaries.authenticates_as(last, name.contains('.'))
        && summaries
            .by_name
            .get(last)
            .is_some_and(|f| f.returns_inner || args.is_some());
    // `@authenticate(token_auth)` (APIFairy), `@auth_required(basic_auth)`: a decorator
    // handed one of the project's Flask-HTTPAuth / authlib protectors.
    let given_protector = args.is_some_and(|c| {
        c.arguments.args.iter().any(|a| {
            dotted(a).is_some_and(|d| protectors.contains(d.split('.').next().unwrap_or(&d)))
        })
    });
    if !(known || protector || project || given_protector || OPTIONAL_AUTH.contains(&last)) {
        return None;
    }
    let shown = match args {
        Some(c) if given_protector => {
            let inner: Vec<String> = c.arguments.args.iter().filter_map(dotted).collect();
            format!("{name}({})", inner.join(", "))
        }
        _ => name.clone(),
    };
    if OPTIONAL_AUTH.contains(&last)
        || args.is_some_and(|c| {
            // `optional=True`, and project spellings such as `optional_auth_user=True`.
            c.arguments.keywords.iter().any(|k| {
                k.arg
                    .as_ref()
                    .is_some_and(|a| a.as_str().to_ascii_lowercase().contains("optional"))
                    && crate::ast_util::bool_value(&k.value) == Some(true)
            })
        })
    {
        return Some(DecoratorAuth::Optional { name: shown });
    }
    // Flask-AppBuilder's `@protect()` asks for the view's own permission (`can_export on
    // ReportsApi`), which the ordinary roles are granted: a signed-in check, not a role.
    let role = decorator_is_role(expr, summaries)
        || policy && last != "protect"
        || args.is_some_and(|c| {
            c.arguments.keywords.iter().any(|k| {
                k.arg.as_ref().is_some_and(|a| {
                    matches!(
                        a.as_str(),
                        "role" | "roles" | "permission" | "permissions" | "required_role" | "admin"
                    )
                })
            })
        });
    Some(DecoratorAuth::Required { name: shown, role })
}

/// A decorator that refuses callers lacking a role or permission, as written: a
/// role-named guard (`@requires_capabilities(...)`, `@permission_required(...)`,
/// `@admin_only`), or a project decorator that checks a role and refuses.
fn role_guard(expr: &Expr, summaries: &Summaries) -> Option<String> {
    let base = match expr {
        Expr::Call(c) => &c.func,
        other => other,
    };
    let name = dotted(base)?;
    let last = name.rsplit('.').next().unwrap_or(&name);
    let words = crate::patterns::words(last);
    let guard_word = words.iter().any(|w| {
        [
            "require", "requires", "required", "only", "accepted", "need", "needs", "must",
        ]
        .contains(&w.as_str())
    });
    let named = guard_word && spillcheck_core::vocab::mentions_role(last);
    let checked = summaries.role_checks.contains(last)
        && summaries
            .by_name
            .get(last)
            .is_some_and(|f| f.returns_inner && f.rejects);
    (named || checked).then_some(name)
}

/// The list or tuple a body binds to the name a loop walks (`rules = [...]` before
/// `for rule in rules:`), the last such binding.
fn local_list<'a>(body: &'a [Stmt], walked: &Expr) -> Option<&'a Expr> {
    let Expr::Name(n) = walked else { return None };
    body.iter().rev().find_map(|st| match st {
        Stmt::Assign(a)
            if matches!(a.targets.as_slice(), [Expr::Name(t)] if t.id == n.id)
                && matches!(
                    a.value.as_ref(),
                    Expr::List(_) | Expr::Tuple(_) | Expr::Dict(_)
                ) =>
        {
            Some(a.value.as_ref())
        }
        _ => None,
    })
}

/// Whether a decorator restricts to a role.
pub(crate) fn decorator_is_role(expr: &Expr, summaries: &Summaries) -> bool {
    let base = match expr {
        Expr::Call(c) => &c.func,
        other => other,
    };
    let Some(name) = dotted(base) else {
        return false;
    };
    let last = name
        .rsplit('.')
        .next()
        .unwrap_or(&name)
        .to_ascii_lowercase();
    // Flask-AppBuilder's `@permission_name("export")` only names the permission
    // `@protect()` asks for; which roles hold it is data, not code.
    if last == "permission_name" {
        return false;
    }
    spillcheck_core::vocab::mentions_role(&last) || summaries.role_checks.contains(last.as_str())
}

impl<'a> Model<'a> {
    /// The application model: the project's definitions gathered, the routes of every
    /// registration style, each with its full path, authentication and inputs.
    pub(crate) fn build(
        files: &'a [SourceFile],
        summaries: &Summaries,
        options: &ModelOptions,
        specs: &[crate::connexion::SpecOperation],
        taints: &crate::facts::Taints<'a>,
    ) -> Model<'a> {
        let mut g = Gathered::of(files);
        let schemas = crate::inputs::Schemas::build(files.iter().filter_map(SourceFile::module));
        // `parent.register_blueprint(child, url_prefix=...)`, resolved to definitions, and
        // the blueprints registered only under `if DEBUG:` (every registration of them).
        let mut parents: HashMap<BpKey, (Option<BpKey>, Option<String>)> = HashMap::default();
        let mut registered: HashMap<BpKey, bool> = HashMap::default();
        for (file, child, parent, prefix, debug) in &g.registrations {
            let Some(child) = g.resolve(&g.blueprints, *file, child) else {
                continue;
            };
            let all = registered.entry(child.clone()).or_insert(true);
            *all = *all && *debug;
            let parent = g.resolve(&g.blueprints, *file, parent);
            parents.insert(child, (parent, prefix.clone()));
        }
        let debug_only = |bp: Option<&BpKey>| {
            let mut at = bp.cloned();
            for _ in 0..8 {
                let Some(key) = at else { return false };
                if registered.get(&key) == Some(&true) {
                    return true;
                }
                at = parents.get(&key).and_then(|(p, _)| p.clone());
            }
            false
        };
        let raws = raw_routes(&mut g, files, specs);
        // Each hook's blueprint and application, resolved once for every route.
        let hook_targets: Vec<(Option<BpKey>, Option<BpKey>)> = g
            .hooks
            .iter()
            .map(|hook| {
                let bp = g.resolve(&g.blueprints, hook.file_index, &hook.receiver);
                let app = match &bp {
                    None => g.resolve(&g.app_defs, hook.file_index, &hook.receiver),
                    Some(k) => blueprint_app(&g, &parents, k),
                };
                (bp, app)
            })
            .collect();
        let public = spillcheck_core::PublicRoutes::new(&options.public_routes);
        let mut routes = Vec::new();
        let mut response_functions = HashSet::default();
        let mut response_handlers = HashSet::default();
        for raw in raws {
            let bp_key = g.resolve(&g.blueprints, raw.receiver_file, &raw.receiver);
            let (prefix, bp_name) = route_prefix(&g, &parents, &raw, bp_key.as_ref());
            let full = join_path(&prefix, &raw.path);
            let (path, params) = convert_path(&full);
            let func_name = raw.func.name.to_string();
            let endpoint = raw
                .endpoint
                .clone()
                .unwrap_or_else(|| match (&bp_name, raw.class) {
                    (Some(bp), Some(c)) => format!("{bp}.{}", c.name.as_str().to_ascii_lowercase()),
                    (Some(bp), None) => format!("{bp}.{func_name}"),
                    (None, Some(c)) => c.name.as_str().to_ascii_lowercase(),
                    (None, None) => func_name.clone(),
                });
            let (auth, role_restricted) = route_auth(
                &raw,
                &Scope {
                    g: &g,
                    parents: &parents,
                    hook_targets: &hook_targets,
                    summaries,
                    options,
                    public: &public,
                    taints,
                },
                bp_key.as_ref(),
                &endpoint,
                &path,
            );
            let handler = match raw.class {
                Some(c) => format!("{}.{}", c.name, func_name),
                None => func_name.clone(),
            };
            response_handlers.insert(crate::facts::func_id(raw.file_index, raw.func));
            // Helpers whose result the handler answers with (`return jsonify(to_json(x))`).
            for value in crate::facts::returned_exprs(&raw.func.body) {
                crate::ast_util::each_expr(value, &mut |e| {
                    if let Expr::Call(call) = e
                        && let Some(last) = callee_last(call)
                        && summaries.by_name.contains_key(last)
                    {
                        response_functions.insert(last.to_owned());
                    }
                });
            }
            // Also through a local (`out = jsonify(rows()); return out`), and one level
            // further, into what such a helper returns (`return [User.json_debug(u) for u
            // in User.query.all()]`), following names one function bears.
            let own = summaries.own_facts(
                raw.file_index,
                raw.func,
                &crate::facts::FileScope::default(),
            );
            for r in own
                .returned_calls
                .iter()
                .filter(|r| summaries.by_name.contains_key(*r))
            {
                response_functions.insert(r.clone());
                response_functions.extend(summaries.made_of(r).into_iter().map(str::to_owned));
            }
            let file = &files[raw.file_index];
            let identity = injected_identity(&raw, &params, &auth, summaries);
            let relay = crate::relay::relays(
                raw.func,
                raw.class,
                file.parsed.as_ref().map_or(&[][..], |m| &m.body),
                &params,
            );
            routes.push(RouteSite {
                role_restricted,
                identity,
                dev_only: debug_only(bp_key.as_ref()),
                route: Route {
                    methods: raw.methods,
                    path,
                    endpoint,
                    handler,
                    file: file.rel.clone(),
                    line: file.line_of(raw.func.name.range.start()),
                    params,
                    auth,
                    owner_check: OwnerCheck::NotApplicable,
                    blueprint: bp_name,
                    style: raw.style,
                    inputs: {
                        let mut inputs = crate::inputs::request_inputs(raw.func);
                        if let Some(m) = file.module() {
                            crate::inputs::add_new(
                                &mut inputs,
                                crate::inputs::module_parser_inputs(&m.body, raw.func),
                            );
                        }
                        if inputs.is_empty() {
                            inputs = helper_inputs(&g, raw.func, raw.file_index);
                        }
                        crate::inputs::add_new(&mut inputs, schemas.inputs_of(raw.func));
                        crate::inputs::add_new(
                            &mut inputs,
                            decorator_headers(&g, raw.func, raw.file_index),
                        );
                        inputs
                    },
                    side_effect: crate::side_effects::side_effect(raw.func),
                    relay,
                },
                file_index: raw.file_index,
                func: raw.func,
            });
        }
        routes.sort_by(|a, b| {
            (&a.route.path, &a.route.methods, &a.route.file, a.route.line).cmp(&(
                &b.route.path,
                &b.route.methods,
                &b.route.file,
                b.route.line,
            ))
        });
        let any_auth = routes.iter().any(|r| r.route.auth.required());
        Model {
            routes,
            any_auth,
            response_functions,
            response_handlers,
        }
    }
}

/// The project's one function of a name, preferring the one defined in `file` when
/// several share it.
fn project_function<'a>(
    g: &Gathered<'a>,
    name: &str,
    file: usize,
) -> Option<&'a ast::StmtFunctionDef> {
    match g.functions.get(name)?.as_slice() {
        [(_, only)] => Some(*only),
        many => match many
            .iter()
            .filter(|(f, _)| *f == file)
            .collect::<Vec<_>>()
            .as_slice()
        {
            [(_, only)] => Some(*only),
            _ => None,
        },
    }
}

/// The headers a view's own decorators read (`role = request.headers.get("X-Role")` in a
/// project's `@warden_required`): inputs of every route that wears them.
fn decorator_headers(
    g: &Gathered<'_>,
    view: &ast::StmtFunctionDef,
    file: usize,
) -> Vec<crate::inputs::RequestInput> {
    let mut out = Vec::new();
    for d in &view.decorator_list {
        let callee = match &d.expression {
            Expr::Call(c) => c.func.as_ref(),
            e => e,
        };
        let name = match callee {
            Expr::Name(n) => n.id.as_str(),
            Expr::Attribute(a) => a.attr.as_str(),
            _ => continue,
        };
        let Some(def) = project_function(g, name, file) else {
            continue;
        };
        crate::inputs::add_new(
            &mut out,
            crate::inputs::request_inputs(def)
                .into_iter()
                .filter(|i| i.source == crate::inputs::InputSource::Header),
        );
    }
    out
}

/// The names a literal tuple or list holds (`(auth_bp, api.notes_bp)`), when it holds
/// only names.
fn literal_names(e: &Expr) -> Vec<String> {
    let elts = match e {
        Expr::Tuple(t) => &t.elts,
        Expr::List(l) => &l.elts,
        _ => return Vec::new(),
    };
    let names: Vec<String> = elts.iter().filter_map(dotted).collect();
    if names.len() == elts.len() {
        names
    } else {
        Vec::new()
    }
}

/// What a view that reads nothing from the request itself reads through the helpers it
/// calls (`return redeem(strict=True)`): each project function it calls by a name only one
/// definition has, preferring the view's own file, one level deep; body fields only when
/// they all come from one place (the JSON or the form).
fn helper_inputs(
    g: &Gathered<'_>,
    view: &ast::StmtFunctionDef,
    file: usize,
) -> Vec<crate::inputs::RequestInput> {
    let mut out: Vec<crate::inputs::RequestInput> = Vec::new();
    for call in crate::facts::calls_in(&view.body) {
        let Expr::Name(n) = call.func.as_ref() else {
            continue;
        };
        let Some(def) =
            project_function(g, n.id.as_str(), file).filter(|d| !std::ptr::eq(*d, view))
        else {
            continue;
        };
        crate::inputs::add_new(&mut out, crate::inputs::request_inputs(def));
    }
    // A helper that reads the body from several places (the form or the JSON, a
    // credentials reader serving every login shape) describes no one body.
    let bodies = |s: crate::inputs::InputSource| {
        !matches!(
            s,
            crate::inputs::InputSource::Query | crate::inputs::InputSource::Header
        )
    };
    let mut sources = out.iter().map(|i| i.source).filter(|s| bodies(*s));
    let first = sources.next();
    if sources.any(|s| Some(s) != first) {
        out.retain(|i| !bodies(i.source));
    }
    out
}

impl<'a> Gathered<'a> {
    /// What the project's files define and register: modules, blueprints (and their
    /// subclasses), apps, views, hooks, functions and classes.
    fn of(files: &'a [SourceFile]) -> Gathered<'a> {
        let mut g = Gathered::default();
        for (i, file) in files.iter().enumerate() {
            let rel = file.rel.trim_end_matches(".pyi").trim_end_matches(".py");
            let rel = match rel
                .strip_suffix("/__init__")
                .or_else(|| (rel == "__init__").then_some(""))
            {
                Some(package) => {
                    g.package_files.insert(i);
                    package
                }
                None => rel,
            };
            g.modules.push(rel.replace('/', "."));
        }
        // Blueprint subclasses, to a fixpoint (`class A(Blueprint)`, `class B(A)`).
        let mut bases: Vec<(String, Vec<String>)> = Vec::new();
        for (i, file) in files.iter().enumerate() {
            if let Some(module) = file.module() {
                g.texts_of(i, &module.body);
                for stmt in &module.body {
                    if let Stmt::ClassDef(c) = stmt {
                        let b = c
                            .arguments
                            .as_ref()
                            .map(|a| {
                                a.args
                                    .iter()
                                    .filter_map(dotted)
                                    .map(|d| d.rsplit('.').next().unwrap_or(&d).to_owned())
                                    .collect()
                            })
                            .unwrap_or_default();
                        bases.push((c.name.to_string(), b));
                        if let Some(held) = held_blueprint(c) {
                            g.blueprint_holders.insert(c.name.to_string(), held);
                        }
                    }
                    // A blueprint factory: `def get_blueprint(name, import_name): return
                    // Blueprint(name, import_name, template_folder=...)`.
                    if let Stmt::FunctionDef(f) = stmt
                        && crate::facts::returned_exprs(&f.body).iter().any(|e| {
                            matches!(e, Expr::Call(c) if matches!(callee_last(c), Some("Blueprint" | "APIBlueprint")))
                        })
                    {
                        g.blueprint_classes.insert(f.name.to_string());
                    }
                }
            }
        }
        loop {
            let before = g.blueprint_classes.len();
            for (name, b) in &bases {
                if b.iter().any(|x| {
                    x == "Blueprint" || x == "APIBlueprint" || g.blueprint_classes.contains(x)
                }) {
                    g.blueprint_classes.insert(name.clone());
                }
            }
            if g.blueprint_classes.len() == before {
                break;
            }
        }
        loop {
            let before = g.api_classes.len();
            for (name, b) in &bases {
                if b.iter().any(|x| x == "Api" || g.api_classes.contains(x)) {
                    g.api_classes.insert(name.clone());
                }
            }
            if g.api_classes.len() == before {
                break;
            }
        }
        for (i, file) in files.iter().enumerate() {
            if let Some(module) = file.module() {
                g.visit_body(&module.body, i, None, true);
            }
        }
        for (file, api, ns, path) in std::mem::take(&mut g.namespace_adds) {
            let Some(key) = g.resolve(&g.apis, file, &ns) else {
                continue;
            };
            // Named by module so it resolves from the namespace's own file.
            let on = g
                .resolve(&g.apis, file, &api)
                .map_or(api, |k| format!("{}.{}", g.modules[k.0], k.1));
            if let Some(entry) = g.apis.get_mut(&key) {
                if entry.0.is_empty() {
                    entry.0 = on;
                }
                if let Some(p) = path {
                    entry.1 = p;
                }
            }
        }
        g.route_tables(files);
        g.registrars();
        g.project_route_decorators();
        // Hooks a helper installs on what it is handed: one per call of the helper.
        for (helper, at, param, method, hook) in std::mem::take(&mut g.hook_templates) {
            for &(call_file, call) in &g.calls {
                if crate::ast_util::callee_last(call) != Some(helper.as_str()) {
                    continue;
                }
                // A method called on its instance is handed its arguments after `self`.
                let at = if method && matches!(call.func.as_ref(), Expr::Attribute(_)) {
                    at.saturating_sub(1)
                } else {
                    at
                };
                let arg = call.arguments.args.get(at).or_else(|| {
                    call.arguments
                        .keywords
                        .iter()
                        .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == param))
                        .map(|k| &k.value)
                });
                if let Some(receiver) = arg.and_then(dotted) {
                    let mut handed: Vec<String> = Vec::new();
                    for (i, e) in call.arguments.args.iter().enumerate() {
                        if i != at {
                            handed.extend(strings_in(e).into_iter().map(str::to_owned));
                        }
                    }
                    for k in &call.arguments.keywords {
                        if k.arg.as_ref().is_none_or(|a| a.as_str() != param) {
                            handed.extend(strings_in(&k.value).into_iter().map(str::to_owned));
                        }
                    }
                    g.hooks.push(Hook {
                        receiver,
                        file_index: call_file,
                        handed,
                        ..hook.clone()
                    });
                }
            }
        }
        // Hooks registered by call: `app.before_request(check)` (collected while gathering).
        for (receiver, name, app_level, call_file) in std::mem::take(&mut g.hook_calls) {
            if let Some(defs) = g.functions.get(&name) {
                for &(def_file, f) in defs {
                    g.hooks.push(Hook {
                        receiver: receiver.clone(),
                        app_level,
                        func: f,
                        file_index: call_file,
                        def_file,
                        handed: Vec::new(),
                    });
                }
            }
        }
        g
    }
}

/// Every route the project registers, whatever the style: decorators (gathered),
/// `add_url_rule` with functions and views, Flask-RESTful/RESTX resources, class routes,
/// and Connexion's OpenAPI operations resolved to their handlers.
fn raw_routes<'a>(
    g: &mut Gathered<'a>,
    files: &'a [SourceFile],
    specs: &[crate::connexion::SpecOperation],
) -> Vec<RawRoute<'a>> {
    let mut raws = std::mem::take(&mut g.routes);
    // add_url_rule
    for (receiver, path, view, methods, endpoint, rule_file, registered_with) in &g.url_rules {
        // The view function (or bound method) and where it is defined.
        let one = match view {
            ViewRef::Function(name) => g
                .functions
                .get(name)
                .map(|defs| (defs[0].1, None, defs[0].0)),
            ViewRef::Method(fi, class_name, method) => g
                .class_defs
                .get(&(*fi, class_name.clone()))
                .copied()
                .and_then(|class| {
                    crate::ast_util::function_named(&class.body, method)
                        .map(|f| (f, Some(class), *fi))
                }),
            ViewRef::Class(_) => None,
        };
        if let Some((func, class, file_index)) = one {
            raws.push(RawRoute {
                receiver: receiver.clone(),
                receiver_file: *rule_file,
                path: path.clone(),
                methods: methods.clone(),
                func,
                class,
                endpoint: endpoint.clone(),
                file_index,
                style: "add_url_rule",
                spec_auth: None,
                registered_with: registered_with.clone(),
                decorator_at: None,
            });
        }
        match view {
            ViewRef::Function(_) | ViewRef::Method(..) => {}
            ViewRef::Class(name) => {
                if let Some((fi, class)) = g.class_named(*rule_file, name) {
                    for (method, f, fi) in g.all_view_methods(class, fi) {
                        raws.push(RawRoute {
                            receiver: receiver.clone(),
                            receiver_file: *rule_file,
                            path: path.clone(),
                            methods: vec![method],
                            func: f,
                            class: Some(class),
                            endpoint: endpoint.clone(),
                            file_index: fi,
                            style: "method_view",
                            spec_auth: None,
                            registered_with: registered_with.clone(),
                            decorator_at: None,
                        });
                    }
                }
            }
        }
    }
    // Flask-RESTful / RESTX resources, and RESTX `@ns.route("/x")` on a Resource class.
    for (api, class_name, paths, call_file, registered_with) in &g.resources {
        if let Some((fi, class)) = g.class_named(*call_file, class_name) {
            // An object that holds a blueprint of its own (`api = Service(app)`) adds its
            // resources to that blueprint.
            let fallback = if g.resolve(&g.blueprints, *call_file, api).is_some() {
                api.as_str()
            } else {
                ""
            };
            let (target, prefix, target_file, mut on_api) = g.api_target(*call_file, api, fallback);
            on_api.extend(registered_with.iter().copied());
            for path in paths {
                push_view_routes(
                    &mut raws,
                    (g, class, fi),
                    (&target, target_file, &on_api),
                    &join_path(&prefix, path),
                );
            }
        }
    }
    // Every class, those of the same name in two modules included (`DatasetAPI` of an
    // API's version 1 and of its version 2), in a fixed order.
    let mut decorated: Vec<(usize, &ast::StmtClassDef)> =
        g.class_defs.iter().map(|((fi, _), c)| (*fi, *c)).collect();
    decorated.sort_by_key(|(fi, c)| (*fi, c.range.start()));
    for (fi, class) in decorated {
        for d in &class.decorator_list {
            if let Expr::Call(call) = &d.expression
                && callee_last(call) == Some("route")
                && let Some(path) = call.arguments.args.first().and_then(|e| g.path_text(e, fi))
            {
                let receiver = receiver_of(call).unwrap_or_default();
                let (target, prefix, target_file, on_api) = g.api_target(fi, &receiver, &receiver);
                // `@api_view.route("")` under a blueprint's prefix is the prefix itself,
                // not the prefix and a slash: keep the empty rule for the prefix's join.
                let path = if prefix.is_empty() {
                    path
                } else {
                    join_path(&prefix, &path)
                };
                push_view_routes(
                    &mut raws,
                    (g, class, fi),
                    (&target, target_file, &on_api),
                    &path,
                );
            }
        }
    }
    push_appbuilder_routes(&mut raws, g, files);
    push_classful_routes(&mut raws, g, files);

    // Connexion: operations of OpenAPI documents, resolved to their handlers.
    for op in specs {
        let Some((module, func_name)) = op.operation_id.rsplit_once('.') else {
            continue;
        };
        let Some(defs) = g.functions.get(func_name) else {
            continue;
        };
        let module_path = module.replace('.', "/");
        let stem = module.rsplit('.').next().unwrap_or(module);
        let pick = defs
            .iter()
            .find(|(fi, _)| {
                let rel = &files[*fi].rel;
                rel.ends_with(&format!("{module_path}.py"))
                    || rel.ends_with(&format!("{module_path}/__init__.py"))
            })
            .or_else(|| {
                defs.iter()
                    .find(|(fi, _)| files[*fi].rel.ends_with(&format!("{stem}.py")))
            })
            .or_else(|| defs.first());
        if let Some(&(fi, f)) = pick {
            // `{note_id}` → `<int:note_id>` so the route's params carry their types.
            let mut flask_path = op.path.clone();
            for p in &op.params {
                flask_path = flask_path.replace(
                    &format!("{{{}}}", p.name),
                    &format!("<{}:{}>", p.converter, p.name),
                );
            }
            raws.push(RawRoute {
                receiver: String::new(),
                receiver_file: fi,
                path: flask_path,
                methods: vec![op.method.clone()],
                func: f,
                class: None,
                endpoint: Some(op.operation_id.clone()),
                file_index: fi,
                style: "connexion",
                spec_auth: Some(op.auth.clone()),
                registered_with: Vec::new(),
                decorator_at: None,
            });
        }
    }
    raws
}

/// A route's path prefix and blueprint name: its blueprint's (nested registrations
/// included), else the prefix of the Api or Namespace it was added to, and the blueprint
/// that Api is attached to.
fn route_prefix(
    g: &Gathered<'_>,
    parents: &HashMap<BpKey, (Option<BpKey>, Option<String>)>,
    raw: &RawRoute<'_>,
    bp_key: Option<&BpKey>,
) -> (String, Option<String>) {
    match bp_key {
        Some(k) => blueprint_prefix(g, parents, k),
        None => {
            // An Api/Namespace attached to a blueprint (`Api(bp, prefix="/v1")`).
            match g.resolve(&g.apis, raw.receiver_file, &raw.receiver) {
                Some(api) => {
                    let (on, api_prefix) = g.apis[&api].clone();
                    match g.resolve(&g.blueprints, api.0, &on) {
                        Some(k) => {
                            let (outer, name) = blueprint_prefix(g, parents, &k);
                            (
                                join_path(&outer, &api_prefix)
                                    .trim_end_matches('/')
                                    .to_owned(),
                                name,
                            )
                        }
                        None => (api_prefix.trim_end_matches('/').to_owned(), None),
                    }
                }
                None => (String::new(), None),
            }
        }
    }
}

/// What a route's authentication is decided against.
struct Scope<'s, 'a> {
    g: &'s Gathered<'a>,
    parents: &'s HashMap<BpKey, (Option<BpKey>, Option<String>)>,
    /// Each hook's blueprint and application (in `g.hooks`' order), when known.
    hook_targets: &'s [(Option<BpKey>, Option<BpKey>)],
    summaries: &'s Summaries,
    options: &'s ModelOptions,
    public: &'s spillcheck_core::PublicRoutes,
    taints: &'s crate::facts::Taints<'a>,
}

/// A route's authentication and whether it is restricted to a role: decorators on the
/// handler (those above the route decorator are never applied), then the class's
/// decorator lists, the handler's own check, the OpenAPI document's security, the
/// `before_request` hooks, and last the routes the user declared public.
fn route_auth<'a>(
    raw: &RawRoute<'a>,
    scope: &Scope<'_, 'a>,
    bp_key: Option<&BpKey>,
    endpoint: &str,
    path: &str,
) -> (RouteAuth, bool) {
    let Scope {
        g,
        parents,
        summaries,
        options,
        public,
        taints,
        ..
    } = *scope;
    // Auth: decorators on the handler, then the class's decorator lists, then hooks.
    let mut auth = RouteAuth::None;
    let mut role_restricted = false;
    // Flask registers what the route decorator receives: decorators above it are
    // applied to the registered function's *result*, never to the view.
    let route_index = raw.decorator_at.or_else(|| {
        raw.func
            .decorator_list
            .iter()
            .position(|d| is_route_decorator(&d.expression))
            .filter(|_| raw.style == "decorator")
    });
    let mut decorators: Vec<(&Expr, bool)> = raw
        .func
        .decorator_list
        .iter()
        .enumerate()
        .map(|(i, d)| (&d.expression, route_index.is_some_and(|r| i < r)))
        .collect();
    decorators.extend(raw.registered_with.iter().map(|e| (*e, false)));
    if let Some(class) = raw.class {
        decorators.extend(g.class_decorators(class).into_iter().map(|e| (e, false)));
        decorators.extend(class.decorator_list.iter().map(|d| (&d.expression, false)));
        // `return super().post()`: the base's method runs, with its decorators (and so on
        // up a chain of such calls).
        let (mut at_class, mut at_func) = (class, raw.func);
        for _ in 0..4 {
            let Some((base, base_class)) = g.super_method(at_class, at_func) else {
                break;
            };
            decorators.extend(base.decorator_list.iter().map(|d| (&d.expression, false)));
            (at_class, at_func) = (base_class, base);
        }
    }
    let mut unapplied = None;
    let mut role_guarded = None;
    for (d, above_route) in &decorators {
        match decorator_auth(d, summaries, &g.protectors, &options.auth_decorators) {
            Some(DecoratorAuth::Required { name, .. }) if *above_route => {
                unapplied.get_or_insert(name);
            }
            // The first authenticating decorator names the route's authentication; the
            // others may still restrict it to a role (`@login_required` over
            // `@admin_permission.require()`).
            Some(DecoratorAuth::Required { role, .. })
                if matches!(auth, RouteAuth::Decorator { .. }) =>
            {
                role_restricted |= role;
            }
            Some(DecoratorAuth::Required { name, role }) => {
                role_restricted |= role;
                auth = RouteAuth::Decorator { name };
            }
            Some(DecoratorAuth::Optional { name }) if !*above_route && auth == RouteAuth::None => {
                auth = RouteAuth::Optional { name };
            }
            None if !*above_route => {
                if let Some(name) = role_guard(d, summaries) {
                    role_restricted = true;
                    role_guarded.get_or_insert(name);
                }
            }
            _ => {}
        }
    }
    // A Flask-Rebar handler that names no authenticators of its own gets its registry's
    // default (`authenticators=None` asks for none).
    if auth == RouteAuth::None
        && raw.style == "rebar"
        && raw.spec_auth.is_none()
        && !raw.func.decorator_list.iter().any(|d| {
            matches!(&d.expression, Expr::Call(c) if callee_last(c) == Some("handles") && kwarg(c, "authenticators").is_some())
        })
        && let Some(key) = g.resolve(&g.rebar_defaults, raw.receiver_file, &raw.receiver)
    {
        auth = RouteAuth::Decorator {
            name: g.rebar_defaults[&key].clone(),
        };
    }
    if auth == RouteAuth::None
        && let Some(name) = handler_auth(raw.func, raw.file_index, summaries, taints)
    {
        auth = RouteAuth::Handler { name };
    }
    if auth == RouteAuth::None
        && let Some(name) = unapplied
    {
        auth = RouteAuth::Unapplied { name };
    }
    if auth == RouteAuth::None
        && let Some(spec) = &raw.spec_auth
    {
        auth = spec.clone();
    }
    if matches!(auth, RouteAuth::None | RouteAuth::Unapplied { .. }) && raw.spec_auth.is_none() {
        let app = route_app(g, parents, raw, bp_key);
        let (hooked, role) = hook_auth(scope, (bp_key, app.as_ref()), endpoint, path, raw.func);
        if hooked != RouteAuth::None {
            auth = hooked;
            role_restricted |= role;
        }
    }
    if matches!(auth, RouteAuth::None | RouteAuth::Exempt { .. })
        && raw.methods.iter().any(|m| public.matches(m, path))
    {
        auth = RouteAuth::Public;
    }
    // Nothing else authenticates it, but a role or permission guard
    // (`@requires_capabilities(...)`, `@permission_required(...)`) admits no anonymous
    // caller: nobody holds a grant before being identified.
    if auth == RouteAuth::None
        && let Some(name) = role_guarded
    {
        auth = RouteAuth::Decorator { name };
    }
    (auth, role_restricted)
}

/// The handler's parameters a decorator injects (on an authenticated view, the caller:
/// `def get(auth_user, workout_id)`), and the `g` attributes authentication sets.
fn injected_identity(
    raw: &RawRoute<'_>,
    params: &[PathParam],
    auth: &RouteAuth,
    summaries: &Summaries,
) -> Vec<String> {
    let mut identity: Vec<String> = Vec::new();
    if matches!(auth, RouteAuth::Decorator { .. }) {
        // Flask passes only the path's values: any other parameter without a default
        // is injected by a decorator, and on an authenticated view that is the caller
        // (`def get(auth_user, workout_id)`, `def get(self, project)`).
        let defaults = raw
            .func
            .parameters
            .iter_non_variadic_params()
            .filter(|p| p.default.is_some())
            .count();
        let plain: Vec<&ast::ParameterWithDefault> =
            raw.func.parameters.iter_non_variadic_params().collect();
        for p in &plain[..plain.len() - defaults.min(plain.len())] {
            let n = p.parameter.name.as_str();
            if n != "self" && n != "cls" && !request_part(p) && !params.iter().any(|q| q.name == n)
            {
                identity.push(n.to_owned());
            }
        }
    }
    if auth.required() {
        identity.extend(summaries.identity_g_attrs.iter().cloned());
    }
    identity
}

/// A handler parameter holding one part of the request as a model, as flask-openapi3
/// hands them (`path: VisitPath`, `body: VisitIn`): what the client sent, not who it is.
pub(crate) fn request_part(p: &ast::ParameterWithDefault) -> bool {
    matches!(
        p.parameter.name.as_str(),
        "path" | "query" | "body" | "header" | "cookie" | "form"
    ) && p.parameter.annotation.is_some()
}

/// `@app.route(...)`, `@bp.get(...)`: the decorator that registers the view.
pub(crate) fn is_route_decorator(expr: &Expr) -> bool {
    let Expr::Call(call) = expr else { return false };
    let Some(last) = callee_last(call) else {
        return false;
    };
    let first = call.arguments.args.first();
    // A path built from constants (`f"{API}/users"`, `API + "/users"`) names a route too.
    let built = first.is_some_and(|e| match e {
        Expr::FString(_) => true,
        Expr::BinOp(b) => b.op == ast::Operator::Add,
        _ => false,
    });
    // Flask-AppBuilder's and Flask-Admin's `@expose("/path")` on a view's method.
    last == "route"
        || last == "expose"
        || matches!(last, "get" | "post" | "put" | "patch" | "delete")
            && (first
                .and_then(str_value)
                .is_some_and(|p| p.starts_with('/') || p.is_empty())
                || built)
}

/// Authentication inside the handler: it checks credentials and answers 401/403 itself,
/// or calls a project function or a library check that does (`verify_jwt_in_request()`,
/// `claims = check_token(request.headers.get("Authorization"))`). Returns the check.
fn handler_auth<'a>(
    func: &'a ast::StmtFunctionDef,
    file: usize,
    summaries: &Summaries,
    taints: &crate::facts::Taints<'a>,
) -> Option<String> {
    // What it calls where a failure is not caught and dropped.
    let calls = crate::facts::calls_not_swallowed(&func.body);
    for &call in &calls {
        let Some(last) = callee_last(call) else {
            continue;
        };
        if matches!(
            last,
            "verify_jwt_in_request"
                | "verify_jwt_refresh_token_in_request"
                | "login_required"
                | "_jwt_required"
        ) || summaries.authenticates_as(last, matches!(call.func.as_ref(), Expr::Attribute(_)))
            && !summaries.by_name.get(last).is_some_and(|f| f.returns_inner)
        {
            return Some(crate::ast_util::callee(call).unwrap_or_else(|| last.to_owned()));
        }
    }
    let own = summaries.own_facts(file, func, &crate::facts::FileScope::default());
    let name = func.name.as_str();
    // It reads the credentials and a check it calls rejects them (`check_token(header)`),
    // not only inside a `try` that may swallow the failure.
    let callees: Vec<&str> = calls.into_iter().filter_map(callee_last).collect();
    if reads_credentials_here(func, &callees, summaries)
        && (own.reads_credentials && own.rejects
            || summaries.unique(name) && summaries.authenticates.contains(name))
    {
        return Some(func.name.to_string());
    }
    verified_inline(func)
        .or_else(|| capability_lookup(func, taints))
        .or_else(|| session_keyed(func, summaries))
}

/// A handler that finds what it serves through the caller's own signed Flask session and
/// refuses when there is none (`session_info = get_session(i)`; `if session_info is None:
/// return "Invalid request", 400`, with `get_session` reading `session["sessions"]`): an
/// anonymous visitor reaches only the interview, cart or draft its own cookie names.
fn session_keyed(
    func: &ast::StmtFunctionDef,
    summaries: &crate::facts::Summaries,
) -> Option<String> {
    let mut from_session: Vec<(&str, String)> = Vec::new();
    for stmt in &func.body {
        match stmt {
            Stmt::Assign(a) => {
                if let (Some(Expr::Name(target)), Expr::Call(call)) = (a.targets.first(), a.value.as_ref())
                    && let Some(callee) = callee_last(call)
                    // Of the functions so named, one reads the session (docassemble's
                    // `get_session(i)` beside a database `get_session()`).
                    && summaries.by_name.get(callee).is_some_and(|f| f.reads_signed_session)
                {
                    from_session.push((target.id.as_str(), callee.to_owned()));
                }
            }
            Stmt::If(i) if !from_session.is_empty() => {
                let tested = match i.test.as_ref() {
                    Expr::UnaryOp(u) if u.op == ast::UnaryOp::Not => match u.operand.as_ref() {
                        Expr::Name(n) => Some(n.id.as_str()),
                        _ => None,
                    },
                    Expr::Compare(c) if matches!(c.ops.first(), Some(ast::CmpOp::Is)) => {
                        match (c.left.as_ref(), c.comparators.first()) {
                            (Expr::Name(n), Some(Expr::NoneLiteral(_))) => Some(n.id.as_str()),
                            _ => None,
                        }
                    }
                    _ => None,
                };
                if let Some(name) = tested
                    && matches!(i.body.last(), Some(Stmt::Return(_)))
                    && let Some((_, callee)) = from_session.iter().find(|(n, _)| *n == name)
                {
                    return Some(format!("{callee} (the caller's signed session)"));
                }
            }
            _ => {}
        }
    }
    None
}

/// A verifier called at the handler's top that refuses the request when it fails (`if not
/// api_verify(): return jsonify_with_status("Access denied.", 403)`): the verifier's name
/// says it checks the caller (verify, authenticate, a key or token check).
/// Whether a view is guarded by name before its body runs: an authentication or role
/// decorator the usual libraries or a project name (`@login_required`, `@admin_required`,
/// `@api_key_required`), or a verifier its first lines call and refuse on (not the
/// password check of a login: `if not user.verify_password(pw)`).
pub(crate) fn guarded_by_name(func: &ast::StmtFunctionDef) -> bool {
    func.decorator_list.iter().any(|d| {
        let e = match &d.expression {
            Expr::Call(c) => c.func.as_ref(),
            other => other,
        };
        dotted(e).is_some_and(|n| {
            let last = n.rsplit('.').next().unwrap_or(&n).to_ascii_lowercase();
            AUTH_DECORATORS.contains(&last.as_str()) || AUTH_STEMS.iter().any(|s| last.contains(s))
        })
    }) || verified_inline(func).is_some_and(|v| !v.to_ascii_lowercase().contains("password"))
}

fn verified_inline(func: &ast::StmtFunctionDef) -> Option<String> {
    inline_verifier_in(&func.body, 0)
}

/// The refusing verifier among `body`'s `if`s, looking one `if` deep (`if twilio_config is not
/// None: … if not RequestValidator(token).validate(url, form, signature): return 403`).
fn inline_verifier_in(body: &[Stmt], depth: usize) -> Option<String> {
    for stmt in body {
        let Stmt::If(i) = stmt else { continue };
        let refuses = i
            .body
            .last()
            .is_some_and(|s| crate::facts::is_rejection(s) || crate::facts::returns_denial(s));
        if refuses && let Some(call) = negated_verifier(&i.test) {
            let last = callee_last(call).unwrap_or_default();
            return Some(crate::ast_util::callee(call).unwrap_or_else(|| last.to_owned()));
        }
        if depth == 0
            && let Some(found) = inline_verifier_in(&i.body, depth + 1)
        {
            return Some(found);
        }
    }
    None
}

/// `not verify(...)`, alone or as one side of an `or` (`auth_token is None or not
/// RequestValidator(auth_token).validate(url, form, signature)`), whose callee says it checks
/// the caller: verify, authenticate, a key, token or signature check, a constant-time digest
/// comparison, or a `validate` of a request signature.
fn negated_verifier(test: &Expr) -> Option<&ast::ExprCall> {
    if let Expr::BoolOp(b) = test
        && b.op == ast::BoolOp::Or
    {
        return b.values.iter().find_map(negated_verifier);
    }
    let Expr::UnaryOp(u) = test else { return None };
    let (ast::UnaryOp::Not, Expr::Call(call)) = (u.op, u.operand.as_ref()) else {
        return None;
    };
    let l = callee_last(call)?.to_ascii_lowercase();
    let verifies = [
        "verify",
        "authenticat",
        "authoriz",
        "check_auth",
        "check_token",
        "check_key",
        "valid_token",
        "valid_key",
        "valid_signature",
        "check_signature",
        "signature_valid",
        "compare_digest",
        "logged_in",
    ]
    .iter()
    .any(|w| l.contains(w))
        // A check of a credential by its words: `validate_admin_api_key(key, permission=...)`,
        // `check_access_token`, `is_valid_signature`.
        || {
            let ws = crate::patterns::words(&l);
            let has = |set: &[&str]| ws.iter().any(|w| set.contains(&w.as_str()));
            has(&["valid", "validate", "verify", "check"])
                && has(&["key", "apikey", "token", "signature", "credential", "credentials", "permission", "access"])
        };
    // `RequestValidator(token).validate(url, form, signature)`: a validator of the request's
    // signature, not of a form.
    let mut signed = |e: &Expr| {
        let word = match e {
            Expr::Name(n) => n.id.as_str().to_ascii_lowercase(),
            Expr::Attribute(a) => a.attr.as_str().to_ascii_lowercase(),
            Expr::StringLiteral(s) => s.value.to_str().to_ascii_lowercase(),
            _ => return false,
        };
        word.contains("signature") || word.contains("hmac") || word.ends_with("requestvalidator")
    };
    let signature_validation = l == "validate"
        && (crate::ast_util::any_expr(&call.func, &mut signed)
            || call
                .arguments
                .args
                .iter()
                .any(|a| crate::ast_util::any_expr(a, &mut signed)));
    (verifies || signature_validation).then_some(call)
}

/// A handler that finds its record by a secret token the request carries
/// (`User.query.filter_by(confirmation_token=data["token"])`): whoever holds the token is
/// authenticated by it (confirmation and e-mail change links).
fn capability_lookup<'a>(
    func: &'a ast::StmtFunctionDef,
    taints: &crate::facts::Taints<'a>,
) -> Option<String> {
    let mentions_request =
        |e: &Expr| crate::ast_util::any_expr(e, &mut |x| crate::recognizers::is_request_object(x));
    let taint = taints.of(func);
    let from_request = crate::facts::names_bound_to(&func.body, mentions_request);
    let request_names = taint.closure(&from_request);
    let token_key = |k: &str| {
        let k = k.to_ascii_lowercase();
        k.contains("token") || k.contains("secret") || k == "code"
    };
    for call in crate::facts::calls_in(&func.body) {
        if !crate::facts::is_data_call(call) {
            continue;
        }
        let hit = call.arguments.keywords.iter().any(|k| {
            k.arg.as_ref().is_some_and(|a| token_key(a.as_str()))
                && (crate::facts::reads_any(&k.value, &request_names) || mentions_request(&k.value))
        });
        if hit {
            return Some(format!(
                "{} (a token from the request)",
                crate::ast_util::callee(call).unwrap_or_default()
            ));
        }
    }
    None
}

/// One route per HTTP method a Flask-RESTful/RESTX resource class implements.
fn push_view_routes<'a>(
    raws: &mut Vec<RawRoute<'a>>,
    (g, class, file_index): (&Gathered<'a>, &'a ast::StmtClassDef, usize),
    (receiver, receiver_file, registered_with): (&str, usize, &[&'a Expr]),
    path: &str,
) {
    for (method, f, file_index) in g.all_view_methods(class, file_index) {
        raws.push(RawRoute {
            receiver_file,
            receiver: receiver.to_owned(),
            path: path.to_owned(),
            methods: vec![method],
            func: f,
            class: Some(class),
            endpoint: None,
            file_index,
            style: "restful",
            spec_auth: None,
            registered_with: registered_with.to_vec(),
            decorator_at: None,
        });
    }
}

/// Flask-AppBuilder's views and APIs (Superset, Airflow): each method under `@expose(path,
/// methods=[...])` of a class in a module that imports `flask_appbuilder`, served under the
/// class's `route_base`, else `/api/<version>/<resource_name>` for an API class (one whose
/// bases, or theirs, are `BaseApi`, `ModelRestApi` or `BaseModelApi`) and `/<class name>`
/// for a view. The decorators' order does
/// not matter there: `expose` only marks the method, and its wrappers keep the mark.
/// `ModelRestApi`'s generated CRUD endpoints have no method in the project and are not
/// listed.
fn push_appbuilder_routes<'a>(
    raws: &mut Vec<RawRoute<'a>>,
    g: &Gathered<'a>,
    files: &'a [SourceFile],
) {
    let mut classes: Vec<(usize, &ast::StmtClassDef)> =
        g.class_defs.iter().map(|((fi, _), c)| (*fi, *c)).collect();
    classes.sort_by_key(|(fi, c)| (*fi, c.range.start()));
    let class_attr = |class: &ast::StmtClassDef, name: &str| {
        class_assignments(class, name).find_map(|v| str_value(v).map(str::to_owned))
    };
    for (fi, class) in classes {
        if !files[fi].text.contains("flask_appbuilder") {
            continue;
        }
        let exposed: Vec<(&ast::StmtFunctionDef, &ast::ExprCall)> = class
            .body
            .iter()
            .filter_map(|s| match s {
                Stmt::FunctionDef(f) => Some(f),
                _ => None,
            })
            .flat_map(|f| {
                f.decorator_list
                    .iter()
                    .filter_map(move |d| match &d.expression {
                        Expr::Call(c) if callee_last(c) == Some("expose") => Some((f, c)),
                        _ => None,
                    })
            })
            .collect();
        if exposed.is_empty() {
            continue;
        }
        // The class and its project bases, nearest first: attributes and the API mark.
        let chain = g.ancestry(class, fi);
        let attr = |name: &str| chain.iter().find_map(|(c, _)| class_attr(c, name));
        let is_api = chain.iter().any(|(c, _)| {
            c.bases().iter().filter_map(dotted).any(|b| {
                b.rsplit('.')
                    .next()
                    .is_some_and(|l| matches!(l, "BaseApi" | "ModelRestApi" | "BaseModelApi"))
            })
        });
        let lower = class.name.as_str().to_ascii_lowercase();
        let base = attr("route_base").unwrap_or_else(|| {
            if is_api {
                format!(
                    "/api/{}/{}",
                    attr("version").unwrap_or_else(|| "v1".to_owned()),
                    attr("resource_name").unwrap_or_else(|| lower.clone())
                )
            } else {
                format!("/{lower}")
            }
        });
        for (f, call) in exposed {
            let path = call
                .arguments
                .args
                .first()
                .and_then(|e| g.path_text(e, fi))
                .unwrap_or_else(|| "/".to_owned());
            raws.push(RawRoute {
                receiver: String::new(),
                receiver_file: fi,
                path: join_path(&base, &path),
                methods: methods_of(call, "GET"),
                func: f,
                class: Some(class),
                endpoint: Some(format!("{}.{}", class.name, f.name)),
                file_index: fi,
                style: "appbuilder",
                spec_auth: None,
                registered_with: Vec::new(),
                decorator_at: None,
            });
        }
    }
}

/// The values a class body assigns to `name` (`route_base = "stations"`), in order.
fn class_assignments<'a, 'n>(
    class: &'a ast::StmtClassDef,
    name: &'n str,
) -> impl Iterator<Item = &'a Expr> + use<'a, 'n> {
    class.body.iter().filter_map(move |s| match s {
        Stmt::Assign(a)
            if matches!(a.targets.as_slice(), [Expr::Name(n)] if n.id.as_str() == name) =>
        {
            Some(a.value.as_ref())
        }
        _ => None,
    })
}

/// Where a Flask-Classful view is registered: `ObsView.register(app, route_prefix="/api")`,
/// also through a loop (`for view in (A, B): view.register(app, route_prefix="/api")`):
/// per class name, the registration's file, what it registers on, its `route_prefix` and
/// `route_base`.
type ClassfulRegistration = (usize, String, Option<String>, Option<String>);

fn classful_registrations(files: &[SourceFile]) -> HashMap<String, ClassfulRegistration> {
    let mut out: HashMap<String, ClassfulRegistration> = HashMap::default();
    for (fi, file) in files.iter().enumerate() {
        if !file.text.contains(".register(") {
            continue;
        }
        let Some(module) = file.parsed.as_ref() else {
            continue;
        };
        // Loop variables over a tuple or list of names: what each stands for.
        let mut loops: Vec<(&str, Vec<String>)> = Vec::new();
        for stmt in &module.body {
            crate::ast_util::each_stmt(stmt, &mut |st| {
                if let Stmt::For(f) = st
                    && let Expr::Name(var) = f.target.as_ref()
                {
                    let names: Vec<String> = match f.iter.as_ref() {
                        Expr::Tuple(t) => t.elts.iter().filter_map(dotted).collect(),
                        Expr::List(l) => l.elts.iter().filter_map(dotted).collect(),
                        _ => Vec::new(),
                    };
                    if !names.is_empty() {
                        loops.push((var.id.as_str(), names));
                    }
                }
            });
        }
        for call in crate::facts::calls_in(&module.body) {
            let Expr::Attribute(a) = call.func.as_ref() else {
                continue;
            };
            if a.attr.as_str() != "register" {
                continue;
            }
            let Expr::Name(n) = a.value.as_ref() else {
                continue;
            };
            let Some(target) = call.arguments.args.first().and_then(dotted) else {
                continue;
            };
            let text = |k: &str| kwarg(call, k).and_then(str_value).map(str::to_owned);
            let (prefix, base) = (text("route_prefix"), text("route_base"));
            let classes: Vec<String> = loops
                .iter()
                .find(|(v, _)| *v == n.id.as_str())
                .map_or_else(|| vec![n.id.to_string()], |(_, names)| names.clone());
            for class in classes {
                let class = class.rsplit('.').next().unwrap_or(&class).to_owned();
                out.entry(class)
                    .or_insert((fi, target.clone(), prefix.clone(), base.clone()));
            }
        }
    }
    out
}

/// Whether a class is a Flask-Classful view: it or a project base extends `FlaskView`.
fn is_classful(chain: &[(&ast::StmtClassDef, usize)]) -> bool {
    chain.iter().any(|(c, _)| {
        c.bases()
            .iter()
            .filter_map(dotted)
            .any(|b| b.rsplit('.').next() == Some("FlaskView"))
    })
}

/// Flask-Classful's views (`class ObservationsView(FlaskView)`), registered with
/// `register(app, route_prefix=…)`: each public method a route under the prefix and the
/// class's `route_base` (else its name less `View`, in lower case). `index` answers GET on
/// the base, `get`, `put`, `patch`, `delete` and `post` take the method's arguments as
/// path parameters, a method under `@route(rule, methods=…)` serves that rule, and any
/// other method answers GET at `/<name>/<args>`.
fn push_classful_routes<'a>(
    raws: &mut Vec<RawRoute<'a>>,
    g: &Gathered<'a>,
    files: &'a [SourceFile],
) {
    if !files.iter().any(|f| f.text.contains("flask_classful")) {
        return;
    }
    let registrations = classful_registrations(files);
    let mut classes: Vec<(usize, &'a ast::StmtClassDef)> =
        g.class_defs.iter().map(|((fi, _), c)| (*fi, *c)).collect();
    classes.sort_by_key(|(fi, c)| (*fi, c.range.start()));
    let class_attr = |class: &'a ast::StmtClassDef, name: &str| -> Option<&'a Expr> {
        class_assignments(class, name).next()
    };
    for (fi, class) in classes {
        let Some((reg_file, target, prefix, reg_base)) = registrations.get(class.name.as_str())
        else {
            continue;
        };
        let chain = g.ancestry(class, fi);
        if !is_classful(&chain) {
            continue;
        }
        let attr = |name: &str| chain.iter().find_map(|(c, _)| class_attr(c, name));
        let base = reg_base
            .clone()
            .or_else(|| attr("route_base").and_then(str_value).map(str::to_owned))
            .unwrap_or_else(|| {
                let name = class.name.as_str();
                name.strip_suffix("View")
                    .unwrap_or(name)
                    .to_ascii_lowercase()
            });
        let prefix = prefix
            .clone()
            .or_else(|| attr("route_prefix").and_then(str_value).map(str::to_owned))
            .unwrap_or_default();
        let trailing = attr("trailing_slash").and_then(crate::ast_util::bool_value) != Some(false);
        let excluded: Vec<String> = attr("excluded_methods")
            .map(|e| strings_in(e).into_iter().map(str::to_owned).collect())
            .unwrap_or_default();
        let root = join_path(&prefix, &format!("/{}", base.trim_matches('/')));
        let mut seen: Vec<&str> = Vec::new();
        for (c, cf) in &chain {
            for f in c.body.iter().filter_map(|s| match s {
                Stmt::FunctionDef(f) => Some(f),
                _ => None,
            }) {
                let name = f.name.as_str();
                if name.starts_with('_')
                    || name.starts_with("before_")
                    || name.starts_with("after_")
                    || excluded.iter().any(|e| e == name)
                    || seen.contains(&name)
                {
                    continue;
                }
                seen.push(name);
                // Each argument the route base does not already name (`route_base =
                // "/projects/<slug>/tasks"` gives `slug`), with the converter its annotation
                // asks for (`number: int` is `<int:number>`).
                let mut args = String::new();
                for p in f
                    .parameters
                    .iter_non_variadic_params()
                    .skip(1)
                    .filter(|p| p.default.is_none())
                {
                    let name = p.parameter.name.as_str();
                    if base.contains(&format!("<{name}>")) || base.contains(&format!(":{name}>")) {
                        continue;
                    }
                    let converter = match p
                        .parameter
                        .annotation
                        .as_deref()
                        .and_then(dotted)
                        .as_deref()
                    {
                        Some("int") => "int:",
                        Some("float") => "float:",
                        Some(t) if t.ends_with("UUID") => "uuid:",
                        _ => "",
                    };
                    args.push_str("/<");
                    args.push_str(converter);
                    args.push_str(name);
                    args.push('>');
                }
                let slash = |rule: String| {
                    if trailing && !rule.ends_with('/') {
                        format!("{rule}/")
                    } else {
                        rule
                    }
                };
                let routed: Vec<(String, Vec<String>)> = f
                    .decorator_list
                    .iter()
                    .filter_map(|d| match &d.expression {
                        Expr::Call(call) if callee_last(call) == Some("route") => {
                            let rule = call
                                .arguments
                                .args
                                .first()
                                .and_then(|e| g.path_text(e, *cf))?;
                            Some((rule, methods_of(call, "GET")))
                        }
                        _ => None,
                    })
                    .collect();
                let rules = if routed.is_empty() {
                    let (rule, method) = match name {
                        "index" => (String::new(), "GET"),
                        "get" | "put" | "patch" | "delete" | "post" => (args.clone(), name),
                        _ => (format!("/{name}{args}"), "GET"),
                    };
                    vec![(slash(rule), vec![method.to_ascii_uppercase()])]
                } else {
                    routed
                };
                for (rule, methods) in rules {
                    raws.push(RawRoute {
                        receiver: target.clone(),
                        receiver_file: *reg_file,
                        path: join_path(&root, &rule),
                        methods,
                        func: f,
                        class: Some(class),
                        endpoint: Some(format!("{}:{}", class.name, name)),
                        file_index: *cf,
                        style: "classful",
                        spec_auth: None,
                        registered_with: Vec::new(),
                        decorator_at: None,
                    });
                }
            }
        }
    }
}

/// The blueprint a class makes for itself in `__init__` (`self.blueprint = Blueprint("api",
/// __name__, url_prefix="/api")`): its name and URL prefix.
fn held_blueprint(class: &ast::StmtClassDef) -> Option<(String, String)> {
    let init = class.body.iter().find_map(|s| match s {
        Stmt::FunctionDef(f) if f.name.as_str() == "__init__" => Some(f),
        _ => None,
    })?;
    init.body.iter().find_map(|s| {
        let Stmt::Assign(a) = s else { return None };
        let [Expr::Attribute(t)] = a.targets.as_slice() else {
            return None;
        };
        if !matches!(t.value.as_ref(), Expr::Name(n) if n.id.as_str() == "self") {
            return None;
        }
        let Expr::Call(call) = a.value.as_ref() else {
            return None;
        };
        if !matches!(callee_last(call), Some("Blueprint" | "APIBlueprint")) {
            return None;
        }
        let name = call
            .arguments
            .args
            .first()
            .and_then(str_value)
            .unwrap_or(t.attr.as_str())
            .to_owned();
        let prefix = kwarg(call, "url_prefix")
            .and_then(str_value)
            .unwrap_or_default()
            .to_owned();
        Some((name, prefix))
    })
}

fn view_methods(class: &ast::StmtClassDef) -> Vec<(String, &ast::StmtFunctionDef)> {
    // A plain `View` serves the methods its `methods = ["GET", "POST"]` names (GET alone
    // without one), all through `dispatch_request`.
    let declared: Vec<String> = class
        .body
        .iter()
        .filter_map(|s| match s {
            Stmt::Assign(a)
                if matches!(a.targets.as_slice(), [Expr::Name(n)] if n.id.as_str() == "methods") =>
            {
                Some(crate::ast_util::strings_in(&a.value))
            }
            _ => None,
        })
        .flatten()
        .map(str::to_ascii_uppercase)
        .filter(|m| VIEW_METHODS.contains(&m.to_ascii_lowercase().as_str()))
        .collect();
    class
        .body
        .iter()
        .flat_map(|s| match s {
            Stmt::FunctionDef(f) if VIEW_METHODS.contains(&f.name.as_str()) => {
                vec![(f.name.as_str().to_ascii_uppercase(), f)]
            }
            Stmt::FunctionDef(f) if f.name.as_str() == "dispatch_request" => {
                if declared.is_empty() {
                    vec![("GET".to_owned(), f)]
                } else {
                    declared.iter().map(|m| (m.clone(), f)).collect()
                }
            }
            _ => Vec::new(),
        })
        .collect()
}

/// `decorators = [...]` (MethodView) and `method_decorators = [...]` (Flask-RESTful).
fn class_decorator_list(class: &ast::StmtClassDef) -> Vec<&Expr> {
    let mut out = Vec::new();
    for s in &class.body {
        if let Stmt::Assign(a) = s
            && a.targets.iter().any(|t| matches!(t, Expr::Name(n) if matches!(n.id.as_str(), "decorators" | "method_decorators"))) {
                match a.value.as_ref() {
                    Expr::List(l) => out.extend(l.elts.iter()),
                    Expr::Tuple(t) => out.extend(t.elts.iter()),
                    Expr::Dict(d) => out.extend(d.items.iter().flat_map(|i| match &i.value {
                        Expr::List(l) => l.elts.iter().collect::<Vec<_>>(),
                        other => vec![other],
                    })),
                    _ => {}
                }
            }
    }
    out
}

/// The URL prefix of routes registered on a blueprint (its own, overridden by the
/// registration's, under its parents'), and its name.
fn blueprint_prefix(
    g: &Gathered<'_>,
    parents: &HashMap<BpKey, (Option<BpKey>, Option<String>)>,
    key: &BpKey,
) -> (String, Option<String>) {
    let Some(bp) = g.blueprints.get(key) else {
        return (String::new(), None);
    };
    let mut prefix = match parents.get(key) {
        Some((_, Some(over))) => over.clone(),
        _ => bp.prefix.clone(),
    };
    for parent in ancestors(parents, key) {
        let parent_prefix = match parents.get(&parent) {
            Some((_, Some(over))) => over.clone(),
            _ => g
                .blueprints
                .get(&parent)
                .map(|b| b.prefix.clone())
                .unwrap_or_default(),
        };
        prefix = join_path(&parent_prefix, &prefix);
    }
    (
        prefix.trim_end_matches('/').to_owned(),
        Some(bp.name.clone()),
    )
}

/// Auth from hooks: blueprint hooks of the route's blueprint (and parents), then app hooks.
/// The application object a blueprint is registered on, through its parents
/// (`app.register_blueprint(api)`, `api.register_blueprint(v1)`), when it is known.
fn blueprint_app(
    g: &Gathered<'_>,
    parents: &HashMap<BpKey, (Option<BpKey>, Option<String>)>,
    bp: &BpKey,
) -> Option<BpKey> {
    let mut lineage = vec![bp.clone()];
    lineage.extend(ancestors(parents, bp));
    let root = lineage.last()?;
    let mut apps = g
        .registrations
        .iter()
        .filter_map(|(file, child, parent, ..)| {
            (g.resolve(&g.blueprints, *file, child).as_ref() == Some(root))
                .then(|| g.resolve(&g.app_defs, *file, parent))
                .flatten()
        });
    let first = apps.next()?;
    // Registered on several applications: any of their hooks may run for it.
    apps.all(|a| a == first).then_some(first)
}

/// The application object a route is served by, when it is known: the receiver of its
/// registration, or the application its blueprint is registered on.
fn route_app(
    g: &Gathered<'_>,
    parents: &HashMap<BpKey, (Option<BpKey>, Option<String>)>,
    raw: &RawRoute<'_>,
    bp_key: Option<&BpKey>,
) -> Option<BpKey> {
    g.resolve(&g.app_defs, raw.receiver_file, &raw.receiver)
        .or_else(|| bp_key.and_then(|k| blueprint_app(g, parents, k)))
}

fn hook_auth(
    scope: &Scope<'_, '_>,
    (route_bp, route_app): (Option<&BpKey>, Option<&BpKey>),
    endpoint: &str,
    path: &str,
    view: &ast::StmtFunctionDef,
) -> (RouteAuth, bool) {
    let Scope {
        g,
        parents,
        hook_targets,
        summaries,
        ..
    } = *scope;
    let mut exempt_by = None;
    let lineage: Vec<BpKey> = route_bp
        .map(|k| {
            let mut v = vec![k.clone()];
            v.extend(ancestors(parents, k));
            v
        })
        .unwrap_or_default();
    for (hook, (hook_bp, hook_app)) in g.hooks.iter().zip(hook_targets) {
        let applies = match hook_bp {
            Some(k) if !hook.app_level => lineage.contains(k),
            _ => true,
        };
        // An application's hook runs for that application's routes only: a package with
        // two applications (an API and a separate distribution server) does not lend one's
        // authentication to the other's routes.
        let applies =
            applies && !matches!((hook_app.as_ref(), route_app), (Some(h), Some(r)) if h != r);
        if !applies {
            continue;
        }
        let name = hook.func.name.to_string();
        // A hook under an authenticating decorator (`@admin_required def before_admin()`)
        // authenticates whatever its body does.
        let decorated = hook.func.decorator_list.iter().any(|d| {
            matches!(
                decorator_auth(&d.expression, summaries, &g.protectors, &[]),
                Some(DecoratorAuth::Required { .. })
            )
        });
        if !decorated && !hook_authenticates(hook, summaries) {
            continue;
        }
        if hook_exempts(hook, g, endpoint, path)
            || !sign_in_required_of(hook, g, endpoint, path, view)
        {
            exempt_by = Some(name);
            continue;
        }
        // A hook that itself restricts to a role (`@admin_required def before_admin_request`,
        // `if not current_user.sysadmin: abort(403)`) makes its routes administrators'.
        let role = hook
            .func
            .decorator_list
            .iter()
            .any(|d| decorator_is_role(&d.expression, summaries))
            || crate::facts::rejects_unless_role(&hook.func.body);
        return (RouteAuth::Hook { name }, role);
    }
    match exempt_by {
        Some(hook) => (RouteAuth::Exempt { hook }, false),
        None => (RouteAuth::None, false),
    }
}

/// Whether this hook function itself authenticates: it reads credentials and rejects, or
/// calls a function that authenticates. Judged on the function, not its name: apps name
/// every blueprint's hook `before_request`, and one that only sets up the request (an
/// OTP server's validation endpoints, a web UI's language) is no authentication because
/// another hook of that name is.
fn hook_authenticates(hook: &Hook<'_>, summaries: &Summaries) -> bool {
    let name = hook.func.name.as_str();
    if refuses_when_denied(&hook.func.body) {
        return true;
    }
    let only_the_identified = refuses_only_the_identified(&hook.func.body);
    if summaries.unique(name) && !only_the_identified {
        return summaries.authenticates.contains(name);
    }
    let own = summaries.own_facts(
        hook.def_file,
        hook.func,
        &crate::facts::FileScope::default(),
    );
    // What it calls where a failure is not caught and dropped (itself aside: another
    // hook of its name is not it).
    // Not the request's or a mapping's own methods (`request.headers.get(...)` is no call
    // of a view's `get` that happens to authenticate).
    let calls: Vec<&str> = crate::facts::calls_not_swallowed(&hook.func.body)
        .into_iter()
        .filter(|c| {
            !crate::ast_util::callee_or_dotted(c.func.as_ref())
                .is_some_and(|d| d.starts_with("request.") || d.starts_with("flask.request."))
        })
        .filter_map(callee_last)
        .filter(|c| *c != name)
        .collect();
    let rejects = own.rejects
        || calls
            .iter()
            .any(|c| summaries.by_name.get(*c).is_some_and(|f| f.rejects));
    reads_credentials_here(hook.func, &calls, summaries) && rejects && !only_the_identified
        || calls.iter().any(|c| summaries.authenticates.contains(*c))
}

/// Whether every refusal a hook makes itself sits under a test that someone was identified
/// (`if g.auth_user: if g.auth_user.disabled: raise Forbidden(...)`, mwdb-core's hook that
/// reads the token, sets the user and leaves the anonymous caller to each view's own
/// decorator): it turns away disabled accounts, not anonymous callers.
fn refuses_only_the_identified(body: &[Stmt]) -> bool {
    fn walk(stmts: &[Stmt], identified: bool, inside: &mut bool, outside: &mut bool) {
        for s in stmts {
            match s {
                Stmt::If(i) => {
                    // `if g.auth_user:`, `if current_user:`: a test that someone is signed
                    // in (not `if entered_project_id:`, a value from the URL).
                    let names_someone =
                        matches!(i.test.as_ref(), Expr::Name(_) | Expr::Attribute(_))
                            && dotted(&i.test).is_some_and(|d| {
                                let d = d.to_ascii_lowercase();
                                ["user", "identity", "account", "principal"]
                                    .iter()
                                    .any(|w| d.contains(w))
                            });
                    walk(&i.body, identified || names_someone, inside, outside);
                    for c in &i.elif_else_clauses {
                        walk(&c.body, identified, inside, outside);
                    }
                }
                Stmt::With(w) => walk(&w.body, identified, inside, outside),
                Stmt::For(f) => walk(&f.body, identified, inside, outside),
                Stmt::Try(t) => {
                    walk(&t.body, identified, inside, outside);
                    for h in &t.handlers {
                        let ast::ExceptHandler::ExceptHandler(h) = h;
                        walk(&h.body, identified, inside, outside);
                    }
                }
                other => {
                    let mut refuses = crate::facts::is_rejection(other);
                    crate::facts::exprs_in(std::slice::from_ref(other), &mut |e| {
                        refuses |= aborts_denied(e);
                    });
                    if refuses {
                        if identified {
                            *inside = true;
                        } else {
                            *outside = true;
                        }
                    }
                }
            }
        }
    }
    let (mut inside, mut outside) = (false, false);
    walk(body, false, &mut inside, &mut outside);
    inside && !outside
}

/// `abort(401)` or `abort(403)`.
fn aborts_denied(e: &Expr) -> bool {
    matches!(e, Expr::Call(c)
        if callee_last(c) == Some("abort")
            && c.arguments
                .args
                .first()
                .and_then(crate::ast_util::int_value)
                .is_some_and(|code| code == 401 || code == 403))
}

/// Whether a body turns a failed access check into a refusal: `try: check_access(...)`
/// `except NotAuthorized: abort(403)` (CKAN's hooks), an exception named for a denial
/// (`NotAuthorized`, `Unauthorized`, `Forbidden`, `PermissionDenied`, `AccessDenied`)
/// answered with a 401/403 (`abort`, a raised `Forbidden`, a returned status).
fn refuses_when_denied(body: &[Stmt]) -> bool {
    let denial = |e: &Expr| {
        let mut names = Vec::new();
        match e {
            Expr::Tuple(t) => names.extend(t.elts.iter().filter_map(dotted)),
            other => names.extend(dotted(other)),
        }
        names.iter().any(|n| {
            let last = n.rsplit('.').next().unwrap_or(n).to_ascii_lowercase();
            [
                "notauthorized",
                "unauthorized",
                "forbidden",
                "permissiondenied",
                "accessdenied",
            ]
            .iter()
            .any(|w| last.contains(w))
        })
    };
    let refuses = |stmts: &[Stmt]| {
        let mut found = false;
        crate::facts::exprs_in(stmts, &mut |e| {
            found |= aborts_denied(e);
            if let Expr::NumberLiteral(_) = e
                && crate::ast_util::int_value(e).is_some_and(|code| code == 401 || code == 403)
            {
                found = true;
            }
        });
        found
            || stmts.iter().any(|s| {
                let Stmt::Raise(r) = s else { return false };
                r.exc.as_deref().is_some_and(|x| {
                    let raised = match x {
                        Expr::Call(c) => c.func.as_ref(),
                        other => other,
                    };
                    dotted(raised).is_some_and(|n| {
                        let n = n.to_ascii_lowercase();
                        n.contains("forbidden") || n.contains("unauthorized")
                    })
                })
            })
    };
    let mut found = false;
    for stmt in body {
        crate::ast_util::each_stmt(stmt, &mut |s| {
            if let Stmt::Try(t) = s {
                found |= t.handlers.iter().any(|h| {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    h.type_.as_deref().is_some_and(denial) && refuses(&h.body)
                });
            }
        });
    }
    found
}

/// Whether a function reads the request's credentials where a failed check is not
/// swallowed: itself, or through one of `callees` (what it calls there).
fn reads_credentials_here(
    func: &ast::StmtFunctionDef,
    callees: &[&str],
    summaries: &Summaries,
) -> bool {
    crate::facts::reads_credentials_unswallowed(&func.body)
        || callees.iter().any(|c| {
            summaries
                .by_name
                .get(*c)
                .is_some_and(|f| f.reads_credentials)
        })
}

/// The name a `for` loop of `body` walks to bind `target` (`for route in routes:` gives
/// `routes` for `route`), at any depth.
fn loop_source<'b>(body: &'b [Stmt], target: &str) -> Option<&'b str> {
    for s in body {
        match s {
            Stmt::For(f) => {
                if let (Expr::Name(t), Expr::Name(i)) = (f.target.as_ref(), f.iter.as_ref())
                    && t.id.as_str() == target
                {
                    return Some(i.id.as_str());
                }
                if let Some(x) = loop_source(&f.body, target) {
                    return Some(x);
                }
            }
            Stmt::If(i) => {
                if let Some(x) = loop_source(&i.body, target) {
                    return Some(x);
                }
                for c in &i.elif_else_clauses {
                    if let Some(x) = loop_source(&c.body, target) {
                        return Some(x);
                    }
                }
            }
            Stmt::With(w) => {
                if let Some(x) = loop_source(&w.body, target) {
                    return Some(x);
                }
            }
            _ => {}
        }
    }
    None
}

/// The blueprints a blueprint is registered on, innermost first.
fn ancestors(parents: &HashMap<BpKey, (Option<BpKey>, Option<String>)>, key: &BpKey) -> Vec<BpKey> {
    let mut out: Vec<BpKey> = Vec::new();
    let mut current = key.clone();
    while let Some((Some(parent), _)) = parents.get(&current) {
        if out.contains(parent) || out.len() > 8 || parent == key {
            break;
        }
        out.push(parent.clone());
        current = parent.clone();
    }
    out
}

/// Whether a hook's early-return allow-list lets this endpoint or path through.
fn hook_exempts(hook: &Hook<'_>, g: &Gathered<'_>, endpoint: &str, path: &str) -> bool {
    for stmt in &hook.func.body {
        let Stmt::If(i) = stmt else { continue };
        let returns_early = i.body.iter().any(|s| matches!(s, Stmt::Return(r) if r.value.as_ref().is_none_or(|v| matches!(v.as_ref(), Expr::NoneLiteral(_)))) || matches!(s, Stmt::Pass(_)));
        if !returns_early {
            continue;
        }
        let test = dotted_text(&i.test);
        let by_endpoint = test.contains("endpoint");
        let by_path = test.contains("path") || test.contains("url_rule");
        if !(by_endpoint || by_path) {
            continue;
        }
        // Strings in the test itself, and in constants it names.
        let mut values: Vec<String> = strings_in(&i.test).into_iter().map(str::to_owned).collect();
        // What the helper that installed the hook was handed (its allow-list's names).
        values.extend(hook.handed.iter().cloned());
        crate::ast_util::each_expr(&i.test, &mut |e| {
            if let Expr::Name(n) = e
                && let Some(v) = g.constants.get(&(hook.file_index, n.id.to_string()))
            {
                values.extend(strings_in(v).into_iter().map(str::to_owned));
            }
        });
        let short_endpoint = endpoint.rsplit('.').next().unwrap_or(endpoint);
        let hit = values.iter().any(|v| {
            (by_endpoint && (v == endpoint || v == short_endpoint))
                || (by_path
                    && (v == path
                        || (v.ends_with('/') && path.starts_with(v.as_str()))
                        || (test.contains("startswith") && path.starts_with(v.as_str()))))
        });
        if hit {
            return true;
        }
    }
    false
}

/// Whether a hook whose refusals of anonymous callers are conditional (`if relevant and not
/// current_user.is_authenticated: return redirect(...)`) refuses them on this route. The
/// conditions beside "nobody is signed in" are read for the route: names the hook binds
/// (`relevant = not (static or public)`), the endpoint or path against texts
/// (`request.endpoint in [...]`, `"static" in request.endpoint`), and a marker attribute
/// of the view (`getattr(app.view_functions[request.endpoint], "is_public", False)`), set
/// by the view's decorators (`def public_endpoint(f): f.is_public = True`). A hook with an
/// unconditional refusal, or none of this kind, is left to the other checks; a condition
/// that cannot be read leaves the route unprotected by this hook.
fn sign_in_required_of(
    hook: &Hook<'_>,
    g: &Gathered<'_>,
    endpoint: &str,
    path: &str,
    view: &ast::StmtFunctionDef,
) -> bool {
    let mut plain = false;
    let mut conditional: Vec<&ast::ExprBoolOp> = Vec::new();
    let mut bound: HashMap<&str, &Expr> = HashMap::default();
    for stmt in &hook.func.body {
        crate::ast_util::each_stmt(stmt, &mut |s| match s {
            Stmt::If(i)
                if crate::facts::nobody_signed_in(&i.test) && crate::facts::refuses(&i.body) =>
            {
                match i.test.as_ref() {
                    Expr::BoolOp(b)
                        if b.op == ast::BoolOp::And
                            && !b.values.iter().all(crate::facts::nobody_signed_in) =>
                    {
                        conditional.push(b);
                    }
                    _ => plain = true,
                }
            }
            Stmt::Assign(a) => {
                if let [Expr::Name(n)] = a.targets.as_slice() {
                    bound.insert(n.id.as_str(), a.value.as_ref());
                }
            }
            _ => {}
        });
    }
    if plain || conditional.is_empty() {
        return true;
    }
    let markers = view_markers(view, g);
    let cx = RouteFacts {
        endpoint,
        path,
        markers: &markers,
        bound: &bound,
    };
    conditional.iter().any(|b| {
        b.values
            .iter()
            .filter(|v| !crate::facts::nobody_signed_in(v))
            .all(|v| cx.holds(v, 0) == Some(true))
    })
}

/// The attributes a view's decorators set on it (`f.is_public = True`,
/// `setattr(f, "login_exempt", True)`).
fn view_markers(view: &ast::StmtFunctionDef, g: &Gathered<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for d in &view.decorator_list {
        let target = match &d.expression {
            Expr::Call(c) => c.func.as_ref(),
            other => other,
        };
        let Some(name) = dotted(target) else { continue };
        let name = name.rsplit('.').next().unwrap_or(&name).to_owned();
        for (_, def) in g.functions.get(&name).into_iter().flatten() {
            for stmt in &def.body {
                crate::ast_util::each_stmt(stmt, &mut |s| match s {
                    Stmt::Assign(a) => {
                        for t in &a.targets {
                            if let Expr::Attribute(at) = t
                                && matches!(at.value.as_ref(), Expr::Name(n) if n.id.as_str() != "self")
                                && !matches!(a.value.as_ref(), Expr::BooleanLiteral(b) if !b.value)
                            {
                                out.push(at.attr.to_string());
                            }
                        }
                    }
                    Stmt::Expr(e) => {
                        if let Expr::Call(c) = e.value.as_ref()
                            && callee_last(c) == Some("setattr")
                            && let Some(attr) = c.arguments.args.get(1).and_then(str_value)
                        {
                            out.push(attr.to_owned());
                        }
                    }
                    _ => {}
                });
            }
        }
    }
    out
}

/// One route, as a hook's conditions see it.
struct RouteFacts<'r, 'a> {
    endpoint: &'r str,
    path: &'r str,
    markers: &'r [String],
    bound: &'r HashMap<&'a str, &'a Expr>,
}

impl RouteFacts<'_, '_> {
    /// Whether a condition holds for this route: `None` when it cannot be told.
    fn holds(&self, e: &Expr, depth: usize) -> Option<bool> {
        if depth > 6 {
            return None;
        }
        let about = |x: &Expr| {
            let t = dotted_text(x);
            (
                t.contains("endpoint"),
                t.contains("path") || t.contains("url_rule"),
            )
        };
        match e {
            Expr::UnaryOp(u) if u.op == ast::UnaryOp::Not => {
                self.holds(&u.operand, depth + 1).map(|b| !b)
            }
            Expr::BoolOp(b) => {
                let vals: Vec<Option<bool>> =
                    b.values.iter().map(|v| self.holds(v, depth + 1)).collect();
                let (decisive, other) = if b.op == ast::BoolOp::And {
                    (false, true)
                } else {
                    (true, false)
                };
                if vals.contains(&Some(decisive)) {
                    Some(decisive)
                } else if vals.iter().all(|v| *v == Some(other)) {
                    Some(other)
                } else {
                    None
                }
            }
            Expr::Name(n) => self
                .bound
                .get(n.id.as_str())
                .and_then(|v| self.holds(v, depth + 1)),
            // `getattr(app.view_functions[request.endpoint], "is_public", False)`.
            Expr::Call(c) if callee_last(c) == Some("getattr") => {
                let on_view = c.arguments.args.first().is_some_and(|x| {
                    let t = dotted_text(x);
                    t.contains("view_functions") || t.contains("endpoint")
                });
                let attr = c.arguments.args.get(1).and_then(str_value)?;
                on_view.then(|| self.markers.iter().any(|m| m == attr))
            }
            // `request.path.startswith("/api/")`.
            Expr::Call(c) if callee_last(c) == Some("startswith") => {
                let Expr::Attribute(a) = c.func.as_ref() else {
                    return None;
                };
                let (by_endpoint, by_path) = about(&a.value);
                let subject = if by_path {
                    self.path
                } else if by_endpoint {
                    self.endpoint
                } else {
                    return None;
                };
                let prefixes = c.arguments.args.first().map(strings_in).unwrap_or_default();
                (!prefixes.is_empty()).then(|| prefixes.iter().any(|p| subject.starts_with(p)))
            }
            Expr::Compare(c) if c.comparators.len() == 1 => {
                let right = &c.comparators[0];
                let op = c.ops[0];
                let short = self.endpoint.rsplit('.').next().unwrap_or(self.endpoint);
                let (l_end, l_path) = about(&c.left);
                let (r_end, r_path) = about(right);
                let matched = match op {
                    // `"static" in request.endpoint`.
                    ast::CmpOp::In | ast::CmpOp::NotIn
                        if str_value(&c.left).is_some() && (r_end || r_path) =>
                    {
                        let needle = str_value(&c.left)?;
                        Some(if r_path {
                            self.path.contains(needle)
                        } else {
                            self.endpoint.contains(needle)
                        })
                    }
                    // `request.endpoint in ["report.report", ...]`.
                    ast::CmpOp::In | ast::CmpOp::NotIn | ast::CmpOp::Eq | ast::CmpOp::NotEq
                        if l_end || l_path =>
                    {
                        let values: Vec<&str> = match right {
                            Expr::Name(n) => self
                                .bound
                                .get(n.id.as_str())
                                .map(|v| strings_in(v))
                                .unwrap_or_default(),
                            other => strings_in(other),
                        };
                        if values.is_empty() {
                            return None;
                        }
                        Some(values.iter().any(|v| {
                            if l_path {
                                *v == self.path
                            } else {
                                *v == self.endpoint || *v == short
                            }
                        }))
                    }
                    _ => None,
                }?;
                Some(if matches!(op, ast::CmpOp::NotIn | ast::CmpOp::NotEq) {
                    !matched
                } else {
                    matched
                })
            }
            // `request.endpoint` alone: every routed request has one.
            Expr::Attribute(_) if about(e).0 => Some(true),
            _ => None,
        }
    }
}

fn dotted_text(expr: &Expr) -> String {
    let mut s = String::new();
    crate::ast_util::each_expr(expr, &mut |e| {
        if let Some(d) = dotted(e) {
            s.push_str(&d);
            s.push(' ');
        }
    });
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_convert() {
        assert_eq!(
            convert_path("/api/notes/<int:note_id>").0,
            "/api/notes/{note_id}"
        );
        let (p, params) = convert_path("/files/<path:name>/<uid>");
        assert_eq!(p, "/files/{name}/{uid}");
        assert_eq!(params[0].converter, "path");
        assert_eq!(params[1].converter, "string");
        assert_eq!(join_path("/api/", "/x"), "/api/x");
        assert_eq!(join_path("/api/notes", ""), "/api/notes");
        assert_eq!(join_path("", ""), "/");
    }
}
