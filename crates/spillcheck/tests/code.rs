//! `spillcheck code` and `spillcheck routes` through the real binary, on the testbeds
//! and on hostile trees.

mod common;

use common::{json, run, stderr, workspace};

#[test]
fn leaky_testbed_fails_the_gate_hardened_passes() {
    let root = workspace();
    let leaky = run(&["code", "testbeds/leaky-notes", "--format", "json"], &root);
    assert_eq!(leaky.status.code(), Some(1), "{}", stderr(&leaky));
    let v = json(&leaky);
    let rules: std::collections::BTreeSet<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    for rule in [
        "SC101", "SC102", "SC103", "SC104", "SC105", "SC106", "SC110", "SC111", "SC120", "SC121",
        "SC130", "SC131", "SC140", "SC141", "SC150", "SC160", "SC161", "SC170",
    ] {
        assert!(rules.contains(rule), "{rule} missing on leaky-notes");
    }
    assert_eq!(v["grade"], "F");
    // The hard-coded JWT secret is never printed whole, in any format.
    for format in ["text", "json", "sarif", "junit", "markdown"] {
        let o = run(&["code", "testbeds/leaky-notes", "--format", format], &root);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            !out.contains("\"super-secret\""),
            "{format} shows the JWT secret"
        );
        assert!(
            !out.contains("notes-dev-secret-key-2024"),
            "{format} shows the SECRET_KEY"
        );
        assert!(
            !out.contains("Adm1n-Pa55!"),
            "{format} shows the admin password"
        );
    }
    let hardened = run(
        &["code", "testbeds/hardened-notes", "--format", "json"],
        &root,
    );
    assert_eq!(hardened.status.code(), Some(0), "{}", stderr(&hardened));
    assert_eq!(json(&hardened)["findings"].as_array().unwrap().len(), 0);
    assert_eq!(json(&hardened)["score"], 100);
}

#[test]
fn routes_inventory_json() {
    let o = run(
        &["routes", "testbeds/leaky-notes", "--format", "json"],
        &workspace(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    let routes = v["routes"].as_array().unwrap();
    let find = |method: &str, path: &str| {
        routes
            .iter()
            .find(|r| {
                r["path"] == path && r["methods"].as_array().unwrap().iter().any(|m| m == method)
            })
            .unwrap_or_else(|| panic!("{method} {path} not in the inventory"))
    };
    assert_eq!(
        find("GET", "/api/notes/{note_id}")["owner_check"],
        "missing"
    );
    assert_eq!(
        find("GET", "/api/notes/{note_id}")["auth"]["kind"],
        "decorator"
    );
    assert_eq!(
        find("GET", "/api/exports/{export_id}/download")["auth"]["kind"],
        "exempt"
    );
    assert_eq!(find("GET", "/api/stats")["auth"]["kind"], "none");
    assert_eq!(find("GET", "/api/exports")["auth"]["kind"], "hook");
    assert_eq!(
        find("GET", "/api/notes/{note_id}")["params"][0]["converter"],
        "int"
    );
    assert!(routes.len() >= 20, "{} routes", routes.len());
}

#[test]
fn routes_of_an_object_that_holds_its_blueprint() {
    // mwdb-core's shape: `api = Service(app)` whose `__init__` makes `Blueprint("api",
    // url_prefix="/api")` and whose `add_resource` registers on it; a MethodView base that
    // overrides `dispatch_request`; a hook that reads the token but refuses only a user it
    // identified (a disabled account), leaving anonymous callers to each view's decorator.
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    std::fs::write(pkg.join("__init__.py"), "").unwrap();
    std::fs::write(
        pkg.join("service.py"),
        r#"from flask import Blueprint, Flask, request
from flask.views import MethodView


class Resource(MethodView):
    def dispatch_request(self, *args, **kwargs):
        return getattr(self, request.method.lower())(*args, **kwargs)


class Service:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.blueprint = Blueprint("api", __name__, url_prefix="/api")

    def add_resource(self, resource, *urls):
        view = resource.as_view(resource.__name__)
        for url in urls:
            self.blueprint.add_url_rule(rule=url, endpoint=resource.__name__, view_func=view)
"#,
    )
    .unwrap();
    std::fs::write(
        pkg.join("core.py"),
        "from flask import Flask
from .service import Service
app = Flask(__name__)
api = Service(app)
",
    )
    .unwrap();
    std::fs::write(
        pkg.join("views.py"),
        r#"from functools import wraps

from flask import g, jsonify, request
from werkzeug.exceptions import Forbidden, Unauthorized

from .core import api
from .models import Note, User
from .service import Resource


@api.blueprint.before_request
def require_auth():
    auth = request.headers.get("Authorization")
    g.auth_user = None
    if auth and auth.startswith("Bearer "):
        g.auth_user = User.verify_session_token(auth.split(" ", 1)[1])
    if g.auth_user:
        if g.auth_user.disabled:
            raise Forbidden("User has been disabled.")


def requires_authorization(f):
    @wraps(f)
    def endpoint(*args, **kwargs):
        if not g.auth_user:
            raise Unauthorized("Not authenticated.")
        return f(*args, **kwargs)
    return endpoint


class NoteResource(Resource):
    @requires_authorization
    def get(self, note_id):
        return jsonify(Note.query.get(note_id).to_dict())


class ExportResource(Resource):
    def get(self, note_id):
        return jsonify(Note.query.get(note_id).to_dict())


class LoginResource(Resource):
    def post(self):
        return jsonify(token="...")


api.add_resource(NoteResource, "/notes/<int:note_id>")
api.add_resource(ExportResource, "/exports/<int:note_id>")
api.add_resource(LoginResource, "/auth/login")
"#,
    )
    .unwrap();
    let routes = routes_of(dir.path());
    let find = |method: &str, path: &str| find_route(&routes, method, path);
    let listed = || listed(&routes);
    let note = find("GET", "/api/notes/{note_id}")
        .unwrap_or_else(|| panic!("the blueprint's prefix is lost: {:?}", listed()));
    assert_eq!(note["auth"]["kind"], "decorator", "{:?}", listed());
    let export = find("GET", "/api/exports/{note_id}").expect("the export route");
    assert_eq!(
        export["auth"]["kind"],
        "none",
        "a hook that refuses only disabled users authenticates nobody: {:?}",
        listed()
    );
    assert!(find("POST", "/api/auth/login").is_some(), "{:?}", listed());
    assert!(
        find("GET", "/api/auth/login").is_none(),
        "the base's dispatch_request is no GET of a post-only resource: {:?}",
        listed()
    );
}

/// The routes `spillcheck routes` lists for a project.
fn routes_of(dir: &std::path::Path) -> Vec<serde_json::Value> {
    let o = run(&["routes", ".", "--format", "json"], dir);
    assert!(o.status.success(), "{}", stderr(&o));
    json(&o)["routes"].as_array().unwrap().clone()
}

/// A listed route by method and path.
fn find_route<'r>(
    routes: &'r [serde_json::Value],
    method: &str,
    path: &str,
) -> Option<&'r serde_json::Value> {
    routes
        .iter()
        .find(|r| r["path"] == path && r["methods"].as_array().unwrap().iter().any(|m| m == method))
}

/// The routes as `methods path auth` lines, for a failure's message.
fn listed(routes: &[serde_json::Value]) -> Vec<String> {
    routes
        .iter()
        .map(|r| format!("{} {} {}", r["methods"], r["path"], r["auth"]["kind"]))
        .collect()
}

#[test]
fn routes_of_restx_namespaces() {
    // Flask-RESTX's shapes: `Namespace("invoices")` served under `/invoices`, added to an
    // Api on a blueprint by a loop (`for ns in (...): api.add_namespace(ns)`) or with its
    // own path; `api.namespace("tasks")` in another module; decorators the Api applies to
    // every resource (`Api(bp, decorators=[token_required])`).
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    std::fs::write(pkg.join("__init__.py"), "").unwrap();
    std::fs::write(
        pkg.join("api.py"),
        r#"from flask import Blueprint, Flask, g, request
from flask_restx import Api, Namespace, Resource

from .auth import token_required

bp = Blueprint("api", __name__, url_prefix="/api/v1")
api = Api(bp, doc="/docs")
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")
admin_api = Api(admin_bp, decorators=[token_required])

ns_inv = Namespace("invoices", description="Invoices")
ns_users = Namespace("users")
ns_legacy = Namespace("old")
for ns in (ns_inv, ns_users):
    api.add_namespace(ns)
api.add_namespace(ns_legacy, path="/v0/legacy")


@ns_inv.route("/<string:number>")
class Invoice(Resource):
    @token_required
    def get(self, number):
        return {"number": number}


@ns_inv.route("/export")
class Export(Resource):
    def get(self):
        return []


@ns_users.route("/me")
class Me(Resource):
    @token_required
    def get(self):
        return {"id": g.user_id}


@ns_legacy.route("/ping")
class Ping(Resource):
    def get(self):
        return "pong"


app = Flask(__name__)
app.register_blueprint(bp)
app.register_blueprint(admin_bp)
"#,
    )
    .unwrap();
    std::fs::write(
        pkg.join("auth.py"),
        r#"from functools import wraps

from flask import abort, g, request


def token_required(f):
    @wraps(f)
    def wrapper(*args, **kwargs):
        token = request.headers.get("Authorization", "")
        if not token.startswith("Bearer "):
            abort(401)
        g.user_id = token[7:]
        return f(*args, **kwargs)
    return wrapper
"#,
    )
    .unwrap();
    std::fs::write(
        pkg.join("tasks.py"),
        r#"from flask_restx import Resource

from .api import admin_api

ns = admin_api.namespace("tasks", "Background tasks")


@ns.route("/<int:task_id>")
class Task(Resource):
    def delete(self, task_id):
        return "", 204
"#,
    )
    .unwrap();
    let routes = routes_of(dir.path());
    let auth_of = |method: &str, path: &str| {
        find_route(&routes, method, path).map_or_else(
            || panic!("{method} {path} not listed: {:?}", listed(&routes)),
            |r| r["auth"]["kind"].as_str().unwrap_or("").to_owned(),
        )
    };
    assert_eq!(auth_of("GET", "/api/v1/invoices/{number}"), "decorator");
    assert_eq!(auth_of("GET", "/api/v1/invoices/export"), "none");
    assert_eq!(auth_of("GET", "/api/v1/users/me"), "decorator");
    assert_eq!(auth_of("GET", "/api/v1/v0/legacy/ping"), "none");
    assert_eq!(
        auth_of("DELETE", "/admin/tasks/{task_id}"),
        "decorator",
        "the Api's decorators wrap every resource on it"
    );
}

#[test]
fn restx_namespaces_imported_inside_an_app_factory() {
    // The app factory makes the blueprint and its Api, and imports each namespace inside
    // the function under an alias (`from .billing import ns as billing_ns`, against
    // circular imports): the namespace is served under the blueprint's prefix.
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("shop");
    std::fs::create_dir(&pkg).unwrap();
    std::fs::write(
        pkg.join("__init__.py"),
        r#"from flask import Blueprint, Flask
from flask_restx import Api


def create_app():
    app = Flask(__name__)
    blueprint = Blueprint("api", __name__, url_prefix="/api")
    api = Api(blueprint, doc="/docs")

    from .billing import ns as billing_ns

    api.add_namespace(billing_ns)
    app.register_blueprint(blueprint)
    return app
"#,
    )
    .unwrap();
    std::fs::write(
        pkg.join("billing.py"),
        r#"from flask_jwt_extended import jwt_required
from flask_restx import Namespace, Resource

ns = Namespace("invoices", path="/invoices")


@ns.route("/<string:iid>")
class Invoice(Resource):
    method_decorators = [jwt_required()]

    def get(self, iid):
        return {"id": iid}
"#,
    )
    .unwrap();
    let routes = routes_of(dir.path());
    assert!(
        find_route(&routes, "GET", "/api/invoices/{iid}").is_some(),
        "{:?}",
        listed(&routes)
    );
}

#[test]
fn rules_a_function_adds_to_its_parameter_are_listed_once_per_call() {
    // INGInious' and CKAN's shape: `def register_rules(blueprint): blueprint.add_url_rule(...)`
    // called once per blueprint (and once with an app whose name is the parameter's). Each
    // call's binding is a route; the rule is not listed again under the parameter's name,
    // without the blueprints' prefixes.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.py"),
        r#"from flask import Blueprint, Flask, jsonify

from .models import Group

flask_app = Flask(__name__)
group = Blueprint("group", __name__, url_prefix="/group")
organization = Blueprint("organization", __name__, url_prefix="/organization")


def about(id):
    return jsonify(Group.query.get_or_404(id).name)


def index():
    return "hello"


def register_rules(blueprint):
    blueprint.add_url_rule("/about/<id>", methods=["GET"], view_func=about)


def init_mapping(flask_app):
    flask_app.add_url_rule("/", view_func=index)


register_rules(group)
register_rules(organization)
init_mapping(flask_app)
flask_app.register_blueprint(group)
flask_app.register_blueprint(organization)
"#,
    )
    .unwrap();
    let o = run(&["routes", ".", "--format", "json"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    let mut listed: Vec<String> = v["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["methods"][0].as_str().unwrap(),
                r["path"].as_str().unwrap()
            )
        })
        .collect();
    listed.sort();
    assert_eq!(
        listed,
        [
            "GET /",
            "GET /group/about/{id}",
            "GET /organization/about/{id}"
        ],
        "each registration once, under its caller's prefix"
    );
}

#[test]
fn inline_suppression_and_baseline_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.py"),
        "from flask import Flask, session\napp = Flask(__name__)\napp.config['SECRET_KEY'] = 'hunter2-hunter2'  # spillcheck: ignore[SC130] demo key\napp.run(debug=True)\n",
    )
    .unwrap();
    let o = run(&["code", ".", "--format", "json"], dir.path());
    let v = json(&o);
    assert_eq!(v["suppressed"], 1);
    let ids: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["SC120"]);
    // Accept it, move the line, and it is still known.
    assert_eq!(
        run(&["code", ".", "--write-baseline", "b.json"], dir.path())
            .status
            .code(),
        Some(0)
    );
    std::fs::write(
        dir.path().join("app.py"),
        "from flask import Flask, session\n\n\napp = Flask(__name__)\napp.config['SECRET_KEY'] = 'hunter2-hunter2'  # spillcheck: ignore[SC130] demo key\napp.run(debug=True)\n",
    )
    .unwrap();
    let again = run(
        &["code", ".", "--baseline", "b.json", "--format", "json"],
        dir.path(),
    );
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(json(&again)["baseline"]["new"], 0);
}

#[test]
fn hostile_files_are_diagnostics_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("broken.py"), "def f(:\n    pass\n").unwrap();
    std::fs::write(d.join("latin1.py"), b"x = '\xe9t\xe9'\n").unwrap();
    std::fs::write(d.join("binary.py"), b"\x00\x01\x02ELF").unwrap();
    let deep = format!("x = {}1{}\n", "(".repeat(200), ")".repeat(200));
    std::fs::write(d.join("deep.py"), deep).unwrap();
    std::fs::write(
        d.join("ok.py"),
        "from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n",
    )
    .unwrap();
    let o = run(&["code", ".", "--format", "json"], d);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the finding in ok.py fails the gate: {}",
        stderr(&o)
    );
    let v = json(&o);
    let diags: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| format!("{} {}", x["path"], x["message"]))
        .collect();
    assert!(
        diags
            .iter()
            .any(|m| m.contains("broken.py") && m.contains("syntax error at 1:")),
        "{diags:?}"
    );
    assert!(
        diags
            .iter()
            .any(|m| m.contains("latin1.py") && m.contains("not UTF-8")),
        "{diags:?}"
    );
    assert!(
        diags
            .iter()
            .any(|m| m.contains("binary.py") && m.contains("binary")),
        "{diags:?}"
    );
    assert_eq!(
        v["findings"][0]["rule_id"], "SC120",
        "the rest of the tree is still analysed"
    );
    // --strict: the run was incomplete, so it fails even when the gate passes.
    let strict = run(&["code", ".", "--strict", "--ignore", "SC120"], d);
    assert_eq!(strict.status.code(), Some(1), "{}", stderr(&strict));
    let lenient = run(&["code", ".", "--ignore", "SC120"], d);
    assert_eq!(lenient.status.code(), Some(0), "{}", stderr(&lenient));
}

#[test]
fn missing_path_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["code", "does-not-exist"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("does-not-exist"));
}

#[cfg(unix)]
#[test]
fn symlink_loops_do_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("pkg")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("pkg/loop")).unwrap();
    std::fs::write(dir.path().join("pkg/a.py"), "x = 1\n").unwrap();
    let o = run(&["code", ".", "--format", "json"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_literal_credential_answered_is_reported_redacted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.py"),
        "from flask import Flask, jsonify\napp = Flask(__name__)\n\n\n@app.get(\"/admin/users\")\ndef admin_users():\n    users = [{\"id\": 1, \"api_key\": \"sk-adm1n-7Qx92LmZ4\"}]\n    return jsonify(users=users)\n",
    )
    .unwrap();
    for format in ["json", "text", "sarif", "markdown"] {
        let o = run(&["code", ".", "--format", format], dir.path());
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("SC140"), "{format}: {out}");
        assert!(
            !out.contains("sk-adm1n-7Qx92LmZ4"),
            "{format} prints the key whole: {out}"
        );
    }
}

#[test]
fn a_report_written_into_the_scanned_folder_is_not_scanned_again() {
    // The report's snippets quote the code with its secrets redacted (`F12Z…#07f123`);
    // read again as a project file, the redactions looked like high-entropy secrets.
    let root = workspace();
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root.join("testbeds/leaky-notes")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let first = json(&run(
        &["code", ".", "--format", "json", "--confidence", "possible"],
        dir.path(),
    ));
    let before = first["findings"].as_array().unwrap().len();
    assert!(before > 0);
    for (format, name) in [("json", "code.json"), ("sarif", "code.sarif.json")] {
        let o = run(&["code", ".", "--format", format], dir.path());
        std::fs::write(dir.path().join(name), &o.stdout).unwrap();
    }
    let again = json(&run(
        &["code", ".", "--format", "json", "--confidence", "possible"],
        dir.path(),
    ));
    let on_reports: Vec<&serde_json::Value> = again["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["location"]["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("code."))
        })
        .collect();
    assert!(on_reports.is_empty(), "{on_reports:?}");
    assert_eq!(again["findings"].as_array().unwrap().len(), before);
}

#[test]
fn routes_under_prefixes_named_by_constants() {
    // `Api(app, prefix=PREFIX)` with the prefix a module constant, and a blueprint
    // registered with `url_prefix=config.API_ROOT` from another module: the routes are
    // served there, and the probe must ask them there.
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    std::fs::write(pkg.join("__init__.py"), "").unwrap();
    std::fs::write(pkg.join("config.py"), "API_ROOT = \"/api/v2\"\n").unwrap();
    std::fs::write(
        pkg.join("app.py"),
        r#"from flask import Blueprint, Flask
from flask_restful import Api, Resource

from . import config
from .config import API_ROOT

PREFIX = "/api/v1"


class Notebook(Resource):
    def get(self, slug):
        return {"slug": slug}


bp = Blueprint("reports", __name__)


@bp.get("/reports")
def reports():
    return []


def create_app():
    app = Flask(__name__)
    api = Api(app, prefix=PREFIX)
    api.add_resource(Notebook, "/notebooks/<slug>")
    app.register_blueprint(bp, url_prefix=config.API_ROOT)
    return app
"#,
    )
    .unwrap();
    let routes = routes_of(dir.path());
    assert!(
        find_route(&routes, "GET", "/api/v1/notebooks/{slug}").is_some(),
        "{:?}",
        listed(&routes)
    );
    assert!(
        find_route(&routes, "GET", "/api/v2/reports").is_some(),
        "{:?}",
        listed(&routes)
    );
}

#[test]
fn a_key_written_with_escapes_or_in_pieces_is_never_shown_whole() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.py"),
        concat!(
            "from flask import Flask\n",
            "app = Flask(__name__)\n",
            "app.config[\"SECRET_KEY\"] = \"\\x02\\x01thisismysecretkeyforreal\\x01\\x02\"\n",
            "app.config[\"JWT_SECRET_KEY\"] = (\"secondkeyfirsthalf\" \"secondkeysecondhalf\")\n",
            "\n",
            "@app.route(\"/login\", methods=[\"POST\"])\n",
            "def login():\n",
            "    from flask import session\n",
            "    session[\"user\"] = 1\n",
            "    return \"ok\"\n",
        ),
    )
    .unwrap();
    let root = workspace();
    for format in ["json", "text", "sarif", "markdown"] {
        let o = run(
            &["code", dir.path().to_str().unwrap(), "--format", format],
            &root,
        );
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("SC130"), "{format}: {out}");
        for piece in [
            "thisismysecretkey",
            "secondkeyfirsthalf",
            "secondkeysecondhalf",
        ] {
            assert!(!out.contains(piece), "{format} shows {piece}: {out}");
        }
    }
}

#[test]
fn routes_of_flask_appbuilder_views_and_apis() {
    // `@expose` methods of a BaseApi are served under `/api/<version>/<resource_name>`
    // (the class name in lower case by default), a view's under its `route_base` or
    // `/<class name>`; a project base between the class and BaseApi still makes an API.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("api.py"),
        r#"
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import BaseApi, protect


class ProjectApi(BaseApi):
    version = "v2"


class NoteApi(ProjectApi):
    resource_name = "notes"

    @expose("/<int:pk>/export", methods=["GET", "POST"])
    @protect()
    def export(self, pk):
        return self.response(200)


class Diagnostics(BaseApi):
    @expose("/ping")
    def ping(self):
        return self.response(200)


class Dashboard(BaseView):
    @expose("/")
    @has_access
    def index(self):
        return self.render_template("index.html")


class Reports(BaseView):
    route_base = "/r"

    @expose("/list/")
    @has_access
    def list(self):
        return self.render_template("list.html")
"#,
    )
    .unwrap();
    let routes = routes_of(dir.path());
    let listed = || listed(&routes);
    let export = find_route(&routes, "POST", "/api/v2/notes/{pk}/export");
    assert!(export.is_some(), "{:?}", listed());
    assert_eq!(
        export.unwrap()["auth"]["kind"],
        "decorator",
        "{:?}",
        listed()
    );
    assert!(
        find_route(&routes, "GET", "/api/v1/diagnostics/ping").is_some(),
        "{:?}",
        listed()
    );
    assert!(
        find_route(&routes, "GET", "/dashboard/").is_some(),
        "{:?}",
        listed()
    );
    assert!(
        find_route(&routes, "GET", "/r/list/").is_some(),
        "{:?}",
        listed()
    );
    assert_eq!(routes.len(), 4, "{:?}", listed());
}
