//! Annotated fixtures: every `# expect: SCnnn` must be found on its line at the default
//! confidence (likely or above), every `# possible: SCnnn` found there at confidence
//! `possible` (shown only with `--confidence possible`), nothing unannotated may fire,
//! `# todo-expect:` marks a known miss and `# todo-ok:` a known false positive (both fail
//! once they stop being true, so they get promoted).
//! Runs over one fixture per rule in `tests/fixtures/` and over both testbeds.
#![allow(
    clippy::print_stdout,
    clippy::cast_precision_loss,
    reason = "a test report of recall, printed"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use spillcheck_python::{ModelOptions, Options, analyze};

type Mark = (String, u32, String);

#[derive(Default)]
struct Marks {
    expect: BTreeSet<Mark>,
    possible: BTreeSet<Mark>,
    todo_expect: BTreeSet<Mark>,
    todo_ok: BTreeSet<Mark>,
}

fn marks(root: &Path, dir: &Path, only_code: bool) -> Marks {
    let re = regex::Regex::new(
        r"#\s*(expect|ok|possible|todo-expect|todo-ok):\s*(SC\d{3}(?:\s*,\s*SC\d{3})*)",
    )
    .unwrap();
    let mut m = Marks::default();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            for e in std::fs::read_dir(&p).unwrap() {
                let e = e.unwrap().path();
                if e.file_name()
                    .is_some_and(|n| n != "instance" && n != "__pycache__" && n != "tests")
                {
                    stack.push(e);
                }
            }
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let rel = p
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for (i, line) in text.lines().enumerate() {
            for c in re.captures_iter(line) {
                for rule in c[2].split(',').map(str::trim) {
                    if only_code && !rule.starts_with("SC1") {
                        continue;
                    }
                    let mark = (rel.clone(), u32::try_from(i + 1).unwrap(), rule.to_owned());
                    match &c[1] {
                        "expect" => m.expect.insert(mark),
                        "possible" => m.possible.insert(mark),
                        "todo-expect" => m.todo_expect.insert(mark),
                        "todo-ok" => m.todo_ok.insert(mark),
                        _ => false,
                    };
                }
            }
        }
    }
    m
}

struct Outcome {
    found: usize,
    expected: usize,
    missing: Vec<Mark>,
    unexpected: Vec<Mark>,
    stale: Vec<String>,
}

fn run(path: &Path) -> Outcome {
    let root = path.parent().unwrap().to_path_buf();
    let analysis = analyze_at(path, &root);
    assert!(
        analysis.parse_errors == 0,
        "{}: parse errors {:?}",
        path.display(),
        analysis.diagnostics
    );
    let at = |possible: bool| -> BTreeSet<Mark> {
        analysis
            .findings
            .iter()
            .filter(|f| (f.confidence == spillcheck_core::Confidence::Possible) == possible)
            .filter_map(|f| {
                f.location
                    .as_ref()
                    .map(|l| (l.path.clone(), l.line, f.rule_id.clone()))
            })
            .collect()
    };
    let found = at(false);
    let found_possible = at(true);
    let m = marks(&root, path, true);
    let mut missing: Vec<Mark> = m.expect.difference(&found).cloned().collect();
    missing.extend(m.possible.difference(&found_possible).cloned());
    let mut unexpected: Vec<Mark> = found
        .iter()
        .filter(|f| !m.expect.contains(*f) && !m.todo_ok.contains(*f))
        .cloned()
        .collect();
    unexpected.extend(
        found_possible
            .iter()
            .filter(|f| !m.possible.contains(*f) && !m.todo_ok.contains(*f))
            .cloned(),
    );
    let mut stale = Vec::new();
    for t in &m.todo_expect {
        if found.contains(t) {
            stale.push(format!(
                "{}:{} {} is found now: make it `expect`",
                t.0, t.1, t.2
            ));
        }
    }
    for t in &m.todo_ok {
        if !found.contains(t) {
            stale.push(format!(
                "{}:{} {} no longer fires: make it `ok`",
                t.0, t.1, t.2
            ));
        }
    }
    Outcome {
        found: m.expect.len() + m.possible.len() - missing.len(),
        expected: m.expect.len() + m.possible.len(),
        missing,
        unexpected,
        stale,
    }
}

fn assert_clean(name: &str, o: &Outcome) {
    let recall = if o.expected == 0 {
        1.0
    } else {
        o.found as f64 / o.expected as f64
    };
    println!(
        "{name}: recall {}/{} ({:.0}%), false positives {}",
        o.found,
        o.expected,
        recall * 100.0,
        o.unexpected.len()
    );
    let mut problems = Vec::new();
    problems.extend(
        o.missing
            .iter()
            .map(|m| format!("missing   {}:{} {}", m.0, m.1, m.2)),
    );
    problems.extend(
        o.unexpected
            .iter()
            .map(|m| format!("unexpected {}:{} {}", m.0, m.1, m.2)),
    );
    problems.extend(o.stale.iter().cloned());
    assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

#[test]
fn leaky_testbed_every_code_marker_found() {
    let o = run(&workspace().join("testbeds/leaky-notes"));
    assert!(
        o.expected >= 20,
        "the leaky testbed marks at least 20 code findings"
    );
    assert_clean("testbeds/leaky-notes", &o);
}

#[test]
fn hardened_testbed_nothing_found() {
    let o = run(&workspace().join("testbeds/hardened-notes"));
    assert_eq!(o.expected, 0);
    assert_clean("testbeds/hardened-notes", &o);
}

#[test]
fn every_code_rule_has_a_fixture_with_expect_and_ok() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for rule in spillcheck_python::rules::RULES {
        let path = dir.join(format!("{}.py", rule.id));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} has no fixture {}", rule.id, path.display()));
        assert!(
            text.contains(&format!("# expect: {}", rule.id)),
            "{} fixture has no `expect`",
            rule.id
        );
        assert!(
            text.contains(&format!("# ok: {}", rule.id)),
            "{} fixture has no `ok`",
            rule.id
        );
    }
}

#[test]
fn rule_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut failures = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
    {
        let o = run(&path);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if let Err(e) = std::panic::catch_unwind(|| assert_clean(&name, &o)) {
            failures.push(e.downcast_ref::<String>().cloned().unwrap_or_default());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn connexion_project() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/connexion_app");
    let o = run(&dir);
    assert!(o.expected >= 3);
    assert_clean("connexion_app", &o);
}

#[test]
fn library_project() {
    // No web framework: files drop their trees after the file-local pass unless a
    // project-wide check reads them; the findings must be those of a full analysis.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/library_project");
    let o = run(&dir);
    assert!(o.expected >= 3);
    assert_clean("library_project", &o);
}

#[test]
fn project_idioms() {
    // Hashing setters in another module, example folders, helpers whose exception text a
    // view answers with, placeholders in docs: what only the whole project explains.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project_idioms");
    let o = run(&dir);
    assert!(o.expected >= 5);
    assert_clean("project_idioms", &o);
}

#[test]
fn routes_registered_from_tables() {
    // Routes listed as `(path, view)` tables and registered by a project function that
    // loops over them, with the decorators it is given; two modules' classes share a name.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project_route_table");
    let o = run(&dir);
    assert!(o.expected >= 1);
    assert_clean("project_route_table", &o);
}

#[test]
fn routes_registered_from_records_and_classes_of_one_name() {
    // A dict of `{"url", "options", "view_class"}` records registered in a loop over
    // `.items()`; a view class re-exported by its package under the name of a model;
    // two versions' resource classes of the same name, each its own route.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project_route_records");
    let o = run(&dir);
    assert!(o.expected >= 2);
    assert_clean("project_route_records", &o);
}

#[test]
fn flask_classful_views_under_their_base_and_prefix() {
    // `FlaskView` classes registered in a loop with `route_prefix`: each method a route
    // under the prefix and the class's `route_base`, `@route` rules relative to it.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project_classful");
    let o = run(&dir);
    assert!(o.expected >= 2);
    assert_clean("project_classful", &o);
    let routes = routes_of(&analyze_dir(&dir));
    for (method, path) in [
        ("GET", "/api/nests"),
        ("GET", "/api/nests/{nest_id}"),
        ("DELETE", "/api/nests/{nest_id}"),
        ("GET", "/api/stations/"),
        ("GET", "/api/stations/{station_id}/wardens"),
        ("GET", "/api/nests/{nest_id}/visits"),
        ("GET", "/api/nests/{nest_id}/visits/{visit_number}"),
    ] {
        assert!(
            routes.iter().any(|(m, p)| m == method && p == path),
            "{method} {path} not in {routes:?}"
        );
    }
    assert!(!routes.iter().any(|(_, p)| p == "/{nest_id}"), "{routes:?}");
    // An argument the base names is not added again; an `int` annotation is the converter.
    assert!(
        !routes.iter().any(|(_, p)| p.contains("visits/{nest_id}")),
        "{routes:?}"
    );
    let analysis = analyze_dir(&dir);
    let visit = analysis
        .routes
        .iter()
        .find(|r| r.path == "/api/nests/{nest_id}/visits/{visit_number}")
        .expect("visit route");
    assert!(
        visit
            .params
            .iter()
            .any(|p| p.name == "visit_number" && p.converter == "int"),
        "{:?}",
        visit.params
    );
}

#[test]
fn blueprints_registered_in_loops_get_their_prefix() {
    // `for bp in API_BLUEPRINTS: app.register_blueprint(bp, url_prefix="/api/v1")` over a
    // module-level tuple, and a loop over a literal list.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project_blueprint_loop");
    let o = run(&dir);
    assert!(o.expected >= 1);
    assert_clean("project_blueprint_loop", &o);
    let paths: Vec<String> = analyze_dir(&dir)
        .routes
        .iter()
        .map(|r| r.path.clone())
        .collect();
    for path in ["/api/v1/notes/{note_id}", "/api/v1/tags", "/ops/health"] {
        assert!(paths.iter().any(|p| p == path), "{path} not in {paths:?}");
    }
    assert!(!paths.iter().any(|p| p == "/tags"), "{paths:?}");
}

#[test]
fn openapi3_views_keep_their_prefix_and_models_are_inputs() {
    // `APIView(url_prefix=...)` is a blueprint's prefix (`route("")` is the prefix itself);
    // `body:`/`query:` parameters are inputs; a model validated from stored rows is none.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project_openapi3");
    let analysis = analyze_dir(&dir);
    let route = |method: &str, path: &str| {
        analysis
            .routes
            .iter()
            .find(|r| r.path == path && r.methods.iter().any(|m| m == method))
            .unwrap_or_else(|| panic!("{method} {path} not in {:?}", routes_of(&analysis)))
    };
    let inputs = |method: &str, path: &str| -> Vec<(String, String)> {
        route(method, path)
            .inputs
            .iter()
            .map(|i| {
                (
                    i.name.clone(),
                    format!("{:?}", i.source).to_ascii_lowercase(),
                )
            })
            .collect()
    };
    let _ = route("GET", "/api/projects");
    let patch = inputs("PATCH", "/api/projects/{project_id}");
    assert!(patch.contains(&("name".into(), "json".into())), "{patch:?}");
    assert!(
        patch.contains(&("status".into(), "json".into())),
        "{patch:?}"
    );
    let query = inputs("GET", "/api/samples");
    assert_eq!(
        query,
        vec![("specimen_type".to_owned(), "query".to_owned())]
    );
    assert!(inputs("GET", "/api/team").is_empty());
    assert!(inputs("GET", "/api/me").is_empty());
    assert!(
        !routes_of(&analysis)
            .iter()
            .any(|(_, p)| p == "/{project_id}" || p == "/api/projects/")
    );
}

#[test]
fn rebar_handlers_are_routes_under_their_registry() {
    // `@registry.handles(rule=..., method=...)` under `create_handler_registry(prefix=...)`:
    // the registry's default authenticators unless the handler names its own or none.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project_rebar");
    let o = run(&dir);
    assert!(o.expected >= 3);
    assert_clean("project_rebar", &o);
    let analysis = analyze_dir(&dir);
    let auth_of = |path: &str| {
        let r = analysis
            .routes
            .iter()
            .find(|r| r.path == path)
            .unwrap_or_else(|| panic!("{path} not in {:?}", routes_of(&analysis)));
        format!("{:?}", r.auth)
    };
    assert!(auth_of("/api/accounts/{account_id}").contains("JwtAuthenticator"));
    assert!(auth_of("/api/internal/reconcile").contains("service_auth"));
    assert!(!auth_of("/api/accounts/{account_id}/summary").contains("Decorator"));
}

/// Each (method, path) the analysis routes.
fn routes_of(analysis: &spillcheck_python::Analysis) -> Vec<(String, String)> {
    analysis
        .routes
        .iter()
        .flat_map(|r| r.methods.iter().map(|m| (m.clone(), r.path.clone())))
        .collect()
}

#[test]
fn plain_views_serve_the_methods_they_name() {
    // `class Keys(View): methods = ["GET", "POST"]` with one `dispatch_request`: a route
    // for each method it names; without `methods`, GET alone.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project_plain_views");
    let routes = routes_of(&analyze_dir(&dir));
    for (method, path) in [
        ("GET", "/v1/keys"),
        ("POST", "/v1/keys"),
        ("GET", "/v1/status"),
    ] {
        assert!(
            routes.iter().any(|(m, p)| m == method && p == path),
            "{method} {path} not in {routes:?}"
        );
    }
    assert!(
        !routes.iter().any(|(m, p)| m == "POST" && p == "/v1/status"),
        "{routes:?}"
    );
}

#[test]
fn development_settings_beside_a_production_server() {
    // A `Procfile` starts gunicorn: the `.flaskenv` only `flask run` reads is the
    // developer's default (possible), while a committed `.env` stays likely.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project_deployed");
    let o = run(&dir);
    assert!(o.expected >= 2);
    assert_clean("project_deployed", &o);
}

#[test]
fn cors_origins_from_the_settings() {
    // `CORS(app, supports_credentials=True)` and `@cross_origin(...)` without `origins=`
    // inherit the settings' `CORS_ORIGINS`; an explicit wildcard still counts.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project_cors");
    let o = run(&dir);
    assert!(o.expected >= 1);
    assert_clean("project_cors", &o);
}

#[test]
fn debug_configuration_without_a_development_server() {
    // Only `app.run()` starts a debugger from the configuration: a project served by
    // another server (CherryPy here) gets `possible`.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project_served");
    let o = run(&dir);
    assert!(o.expected >= 2);
    assert_clean("project_served", &o);
}

#[test]
fn keys_the_project_refuses() {
    // A sentinel the start-up check exits on, and a key shorter than the length a check
    // raises on, are `possible`; a default nothing refuses stays.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project_refused");
    let o = run(&dir);
    assert!(o.expected >= 3);
    assert_clean("project_refused", &o);
}

#[test]
fn constants_logged_from_another_module() {
    // A capitals constant imported from the module that binds it to a route (directly or
    // through a call on the path) is not a secret in a log line; a real password is.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project_log_constants");
    let o = run(&dir);
    assert!(o.expected >= 2);
    assert_clean("project_log_constants", &o);
}

#[test]
fn a_session_key_nothing_uses() {
    // Flask's `SECRET_KEY` in a project that never uses the session, a login, CSRF forms or
    // a serializer is `possible`; a JWT key stays.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project_unsigned_key");
    let o = run(&dir);
    assert!(o.expected >= 2);
    assert_clean("project_unsigned_key", &o);
}

#[test]
fn models_built_with_the_password_as_sent() {
    // `Model(password=raw)` is kept for a table-mapping class with no `__init__` and no
    // hashing setter, in another module; a class that hashes, and a form, are not.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project_model_kwargs");
    let o = run(&dir);
    assert!(o.expected >= 2);
    assert_clean("project_model_kwargs", &o);
}

#[test]
fn open_writes_where_nothing_expects_a_caller() {
    // An app signs in its staff on a dashboard blueprint; the participants' module writes
    // openly by design (`possible`), unless it writes what the dashboard guards.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project_two_audiences");
    let o = run(&dir);
    assert!(o.expected >= 3);
    assert_clean("project_two_audiences", &o);
}

/// Every code rule on one folder, with the default options.
fn analyze_dir(dir: &Path) -> spillcheck_python::Analysis {
    analyze_at(dir, dir)
}

/// Every code rule on `path` (a file or a folder) under project root `root`, with the
/// default options.
fn analyze_at(path: &Path, root: &Path) -> spillcheck_python::Analysis {
    let all = |id: &str| id.starts_with("SC1");
    let options = Options {
        paths: vec![path.to_path_buf()],
        root: root.to_path_buf(),
        exclude: globset::GlobSet::empty(),
        model: ModelOptions::default(),
        enabled: &all,
        only: None,
    };
    analyze(&options)
}

#[test]
fn a_project_without_any_authenticated_route_says_so() {
    // Three routes and no authentication anywhere: a warning says the route rules had
    // nothing to compare with; one authenticated route silences it.
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app.py");
    let routes = r#"from flask import Flask, jsonify
from flask_login import login_required

app = Flask(__name__)


@app.get("/a")
def a():
    return jsonify([])


@app.get("/b")
def b():
    return jsonify([])


@app.get("/c")
DECORATOR
def c():
    return jsonify([])
"#;
    let diagnostics = |source: &str| {
        std::fs::write(&app, source).unwrap();
        analyze_dir(dir.path())
            .diagnostics
            .into_iter()
            .map(|d| d.message)
            .collect::<Vec<_>>()
    };
    let none = diagnostics(&routes.replace("DECORATOR\n", ""));
    assert!(
        none.iter()
            .any(|m| m.starts_with("none of the 3 routes is authenticated")),
        "{none:?}"
    );
    let some = diagnostics(&routes.replace("DECORATOR", "@login_required"));
    assert!(
        !some
            .iter()
            .any(|m| m.contains("is authenticated in the code")),
        "{some:?}"
    );
}

#[test]
fn one_model_per_application() {
    // Two apps scanned together: `notes`'s `load_record` never checks the owner, though
    // `billing`'s helper of the same name does.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/monorepo");
    let o = run(&dir);
    assert!(o.expected >= 1);
    assert_clean("monorepo", &o);
}

#[test]
fn optional_authentication_in_a_project_spelling() {
    // `@require_auth(optional_auth_user=True)` (FitTrackee's spelling) is optional
    // authentication like `jwt_required(optional=True)`: the route is public by design.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.py");
    std::fs::write(
        &file,
        r#"from functools import wraps
from flask import Flask, jsonify
from flask_jwt_extended import verify_jwt_in_request

app = Flask(__name__)


def require_auth(scopes=None, optional_auth_user=False):
    def wrap(f):
        @wraps(f)
        def inner(*a, **k):
            verify_jwt_in_request(optional=optional_auth_user)
            return f(*a, **k)
        return inner
    return wrap


@app.get("/sports")
@require_auth(scopes=["workouts:read"], optional_auth_user=True)
def sports():
    return jsonify([])


@app.get("/workouts")
@require_auth(scopes=["workouts:read"])
def workouts():
    return jsonify([])
"#,
    )
    .unwrap();
    let analysis = analyze_at(&file, dir.path());
    let auth = |path: &str| {
        analysis
            .routes
            .iter()
            .find(|r| r.path == path)
            .map(|r| format!("{:?}", r.auth))
            .unwrap()
    };
    assert!(
        auth("/sports").starts_with("Optional"),
        "{}",
        auth("/sports")
    );
    assert!(
        auth("/workouts").starts_with("Decorator"),
        "{}",
        auth("/workouts")
    );
}

#[test]
fn a_view_that_reads_the_body_through_a_helper() {
    // Two views share a helper that reads the JSON body: the fields are the views'
    // inputs (the probe builds their bodies from them); a view that reads its own body
    // keeps only what it reads.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.py"),
        r#"from flask import Flask, jsonify, request

app = Flask(__name__)


def redeem(strict):
    data = request.get_json(silent=True) or {}
    code = data.get("code")
    expiry = data["expiry"]
    return jsonify(ok=bool(code and expiry and strict))


@app.post("/redeem")
def redeem_view():
    return redeem(strict=True)


@app.post("/own")
def own():
    note = request.get_json()["note"]
    return redeem(strict=note)
"#,
    )
    .unwrap();
    let routes = analyze_dir(dir.path()).routes;
    let names = |path: &str| -> Vec<String> {
        routes
            .iter()
            .find(|r| r.path == path)
            .unwrap()
            .inputs
            .iter()
            .map(|i| i.name.clone())
            .collect()
    };
    assert_eq!(names("/redeem"), ["code", "expiry"]);
    assert_eq!(names("/own"), ["note"]);
}

#[test]
fn print_in_a_command_module_is_no_log() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project_commands_print");
    let o = run(&dir);
    assert_eq!(o.expected, 1);
    assert_clean("project_commands_print", &o);
}

#[test]
fn a_query_parameter_named_by_a_setting_is_reported_as_the_settings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.py"),
        "from flask import Flask, current_app, request\n\napp = Flask(__name__)\n\n\n\
         def load_user_from_request():\n    \
         args_key = current_app.config[\"TOKEN_AUTHENTICATION_KEY\"]\n    \
         return request.args.get(args_key)\n",
    )
    .unwrap();
    let messages: Vec<String> = analyze_dir(dir.path())
        .findings
        .into_iter()
        .filter(|f| f.rule_id == "SC106")
        .map(|f| f.message)
        .collect();
    assert_eq!(
        messages,
        vec!["credential read from the query string parameter that the setting `TOKEN_AUTHENTICATION_KEY` names".to_owned()],
    );
}

#[test]
fn leftover_copies_nothing_imports() {
    // `auth_back2.py` and `views_old.py` are named as leftovers and nothing imports them:
    // their logging is `possible`, the password written in one still a finding. A file named
    // `views_copy.py` that the app imports is the app's own.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project_leftovers");
    let o = run(&dir);
    assert!(o.expected >= 5);
    assert_clean("project_leftovers", &o);
}
