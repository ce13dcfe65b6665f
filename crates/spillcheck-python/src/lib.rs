//! Static analysis of Flask applications: the app model (routes, blueprints,
//! authentication, identity) and the code rules SC1xx.
//!
//! Brief overview:
//! - [`analyze`] walks the paths, parses every Python file in parallel, runs the
//!   file-local rules in one AST walk per file, builds the project-wide function
//!   facts and the Flask model, then runs the route-level rules.
//! - [`Route`] is the route inventory `spillcheck routes` prints and the probe uses.
//! - The parser (`ruff_python_parser`, pinned) never leaks out of this crate.
#![deny(missing_docs)]

mod ast_util;
mod checker;
mod connexion;
mod data_models;
mod deploy;
mod evidence;
mod facts;
mod files;
mod fixes;
mod inputs;
mod model;
mod nesting;
mod ownership;
mod patterns;
mod project;
mod recognizers;
mod relay;
mod relevance;
mod route_decorators;
mod route_tables;
pub mod rules;
mod side_effects;
mod stores;

use std::path::PathBuf;

use globset::GlobSet;
use rayon::prelude::*;
use spillcheck_core::{Diagnostic, DiagnosticLevel, Finding};

pub use inputs::{InputSource, RequestInput};
pub use model::{ModelOptions, OwnerCheck, PathParam, Route, RouteAuth};

use crate::project::SourceFile;

/// What pass 1 yields per file, its tree dropped unless the cross-module passes need it.
struct FileResult {
    /// The file (its tree and text kept in a web application only), or none when it could
    /// not be read.
    file: Option<SourceFile>,
    /// Its number of lines.
    lines: usize,
    /// Why it could not be read or parsed.
    diagnostic: Option<Diagnostic>,
    /// It did not parse.
    parse_error: bool,
    /// Names it imports from outside the project.
    external: facts::FileScope,
    /// What it tells about the project (views, exception classes, hashing setters).
    facts: project::ProjectFacts,
    /// Its file-local findings, some waiting for the project's facts.
    findings: Vec<Finding>,
    deferred: Vec<(usize, project::Deferred)>,
    /// Its functions' facts.
    functions: Vec<(String, u32, facts::FuncFacts)>,
    /// The secret columns it writes or compares raw.
    raw_columns: Vec<project::RawColumn>,
    /// What it hands the project rules ([`rules::Rule::on_file`]).
    summary: project::Summary,
    /// The data models it declares.
    models: data_models::DataModels,
}

/// What to analyse and how.
pub struct Options<'a> {
    /// Files and folders to analyse.
    pub paths: Vec<PathBuf>,
    /// What reported paths are relative to.
    pub root: PathBuf,
    /// Paths (relative to `root`) to leave out.
    pub exclude: GlobSet,
    /// Configuration of the app model.
    pub model: ModelOptions,
    /// Whether a rule id is enabled.
    pub enabled: &'a (dyn Fn(&str) -> bool + Sync),
    /// Report findings only in these files (paths relative to `root`, `/`-separated);
    /// the whole of `paths` still builds the app model. `None`: every file.
    pub only: Option<&'a std::collections::HashSet<String>>,
}

/// The result of an analysis.
#[derive(Debug, Default)]
pub struct Analysis {
    /// Findings of the code rules.
    pub findings: Vec<Finding>,
    /// The route inventory.
    pub routes: Vec<Route>,
    /// Problems of the run (unparsable or unreadable files...).
    pub diagnostics: Vec<Diagnostic>,
    /// Python files analysed.
    pub files: usize,
    /// Lines of Python analysed.
    pub lines: usize,
    /// Files that did not parse.
    pub parse_errors: usize,
    /// Custom headers the code reads credentials from (`X-Session-Token`): where a probe
    /// tries the users' tokens when `Authorization` is refused.
    pub credential_headers: Vec<String>,
}

/// Analyses the Python sources under `options.paths`.
pub fn analyze(options: &Options<'_>) -> Analysis {
    let (found, problems) = files::walk(&options.paths, &options.root, &options.exclude);
    let diagnostics: Vec<Diagnostic> = problems
        .into_iter()
        .map(|p| Diagnostic {
            level: DiagnosticLevel::Warning,
            message: p.message,
            path: Some(p.path),
            line: None,
        })
        .collect();
    // One model per application: a folder holding several projects (a monorepo, or two
    // unrelated apps scanned together) is analysed project by project, so that calls and
    // names link within an app only.
    let groups = project_groups(found);
    let mut all = Analysis {
        diagnostics,
        ..Analysis::default()
    };
    for group in groups {
        let a = analyze_project(options, group);
        all.findings.extend(a.findings);
        all.routes.extend(a.routes);
        all.diagnostics.extend(a.diagnostics);
        all.files += a.files;
        all.lines += a.lines;
        all.parse_errors += a.parse_errors;
        for h in a.credential_headers {
            if !all.credential_headers.contains(&h) {
                all.credential_headers.push(h);
            }
        }
    }
    all
}

/// One handler served at several URLs (`@bp.route('/e/<id>')`, `@bp.route('/event/<id>/')`)
/// has one fault, not one a URL: the findings of a rule at the same place for different
/// routes become the first one, its note naming the other routes.
fn merge_routes_of_one_handler(findings: &mut Vec<Finding>) {
    type Site = (String, String, u32, u32);
    let site = |f: &Finding| -> Option<Site> {
        let loc = f.location.as_ref()?;
        f.route.as_ref()?;
        Some((f.rule_id.clone(), loc.path.clone(), loc.line, loc.column))
    };
    let mut first: rustc_hash::FxHashMap<Site, usize> = rustc_hash::FxHashMap::default();
    let mut also: Vec<(usize, String)> = Vec::new();
    let mut drop = vec![false; findings.len()];
    for (i, f) in findings.iter().enumerate() {
        let Some(key) = site(f) else { continue };
        match first.get(&key) {
            Some(&at) if findings[at].route != f.route => {
                if let Some(r) = &f.route {
                    also.push((at, format!("`{} {}`", r.method, r.path)));
                }
                drop[i] = true;
            }
            Some(_) => {}
            None => {
                first.insert(key, i);
            }
        }
    }
    let mut notes: rustc_hash::FxHashMap<usize, Vec<String>> = rustc_hash::FxHashMap::default();
    for (at, route) in also {
        notes.entry(at).or_default().push(route);
    }
    for (at, routes) in notes {
        findings[at].notes.push(format!(
            "the same handler also serves {}: one fix for all",
            routes.join(", ")
        ));
    }
    let mut i = 0;
    findings.retain(|_| {
        i += 1;
        !drop[i - 1]
    });
}

/// The same credential literal hard-coded in three files or more (a provider's API key in
/// each plugin that calls it) is the application's own client key, shipped to every
/// install, not a deployment's secret: `possible`.
fn lower_keys_shipped_in_many_files(findings: &mut [Finding]) {
    let mut files: rustc_hash::FxHashMap<&str, rustc_hash::FxHashSet<&str>> =
        rustc_hash::FxHashMap::default();
    for f in findings.iter().filter(|f| f.rule_id == "SC131") {
        if let (Some(secret), Some(loc)) = (f.secrets.first(), &f.location) {
            files
                .entry(secret.as_str())
                .or_default()
                .insert(loc.path.as_str());
        }
    }
    let shipped: rustc_hash::FxHashMap<String, usize> = files
        .into_iter()
        .filter(|(_, paths)| paths.len() >= 3)
        .map(|(secret, paths)| (secret.to_owned(), paths.len()))
        .collect();
    if shipped.is_empty() {
        return;
    }
    for f in findings.iter_mut().filter(|f| f.rule_id == "SC131") {
        if let Some(n) = f.secrets.first().and_then(|s| shipped.get(s))
            && f.confidence != spillcheck_core::Confidence::Possible
        {
            f.lower_to_possible(format!(
                "the same value is hard-coded in {n} files: a client key the application ships to every install, not a deployment's secret"
            ));
        }
    }
}

/// Files that mark a project's root.
const PROJECT_MARKERS: &[&str] = &[
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "Pipfile",
    "requirements.txt",
];

/// Splits the files into projects: each folder below the scan root that holds a project
/// marker (`pyproject.toml`, `setup.py`, `requirements.txt`…) takes the files under it (the
/// innermost such folder wins); files under no such folder form one more group. With fewer
/// than two marked sub-projects, everything is one project.
fn project_groups(found: Vec<files::FoundFile>) -> Vec<Vec<files::FoundFile>> {
    let mut roots: Vec<String> = found
        .iter()
        .filter_map(|f| {
            let (dir, name) = f.rel.rsplit_once('/')?;
            PROJECT_MARKERS.contains(&name).then(|| format!("{dir}/"))
        })
        .collect();
    roots.sort();
    roots.dedup();
    // Folders like `docs/` or `tests/` with their own requirements are not projects.
    roots.retain(|r| {
        let last = r.trim_end_matches('/').rsplit('/').next().unwrap_or(r);
        !matches!(
            last,
            "docs" | "doc" | "tests" | "test" | "requirements" | "ci" | ".github"
        )
    });
    if roots.len() < 2 {
        return vec![found];
    }
    let mut groups: Vec<Vec<files::FoundFile>> = (0..=roots.len()).map(|_| Vec::new()).collect();
    for f in found {
        let group = roots
            .iter()
            .enumerate()
            .filter(|(_, r)| f.rel.starts_with(r.as_str()))
            .max_by_key(|(_, r)| r.len())
            .map_or(roots.len(), |(i, _)| i);
        groups[group].push(f);
    }
    groups.retain(|g| !g.is_empty());
    groups
}

/// Analyses one project's files.
fn analyze_project(options: &Options<'_>, found: Vec<files::FoundFile>) -> Analysis {
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    // OpenAPI documents with operation ids: Connexion's routes.
    let specs: Vec<(Vec<connexion::SpecOperation>, Vec<String>)> = found
        .par_iter()
        .filter(|f| {
            let ext = std::path::Path::new(&f.rel)
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            !f.python && matches!(ext.as_deref(), Some("yaml" | "yml" | "json"))
        })
        .filter_map(|f| {
            let text = files::read_text(&f.path, 8 * 1024 * 1024).ok()?;
            let spec = connexion::parse_spec(&text)?;
            Some((
                connexion::operations(&spec, None),
                connexion::info_functions(&spec),
            ))
        })
        .collect();
    // The functions Connexion calls with a request's credential (`x-bearerInfoFunc`).
    let info_functions: Vec<String> = specs.iter().flat_map(|(_, f)| f.clone()).collect();
    let spec_ops: Vec<connexion::SpecOperation> =
        specs.into_iter().flat_map(|(ops, _)| ops).collect();
    // `.sql` files: the tables they create tell which objects have owners.
    let sql_files: Vec<(String, String)> = found
        .iter()
        .filter(|f| !f.python && f.rel.to_ascii_lowercase().ends_with(".sql"))
        .filter_map(|f| {
            Some((
                f.rel.clone(),
                files::read_text(&f.path, 8 * 1024 * 1024).ok()?,
            ))
        })
        .collect();
    // Environment files Flask reads at start-up: a committed `FLASK_DEBUG=1`.
    let mut env_findings: Vec<Finding> = Vec::new();
    let enabled_rules = rules::enabled(options.enabled);
    let mut served_by = None;
    for f in found.iter().filter(|f| !f.python) {
        let name = f.rel.rsplit('/').next().unwrap_or(&f.rel);
        if name != ".flaskenv" && name != ".env" || enabled_rules.is_empty() {
            continue;
        }
        let Ok(text) = files::read_text(&f.path, 1024 * 1024) else {
            continue;
        };
        let served_by = served_by.get_or_insert_with(|| deploy::production_server(&found));
        let env = rules::EnvFile {
            rel: &f.rel,
            text: &text,
            served_by: served_by.as_ref(),
        };
        for rule in &enabled_rules {
            rule.on_env_file(&env, &mut env_findings);
        }
    }
    let python: Vec<_> = found.into_iter().filter(|f| f.python).collect();
    // Module names of the project (file stems and package folders), for import resolution.
    let project_modules: rustc_hash::FxHashSet<String> = python
        .iter()
        .flat_map(|f| {
            let path = f.rel.trim_end_matches(".py").trim_end_matches(".pyi");
            path.split('/').map(str::to_owned).collect::<Vec<_>>()
        })
        .filter(|s| s != "__init__")
        .collect();
    // Pass 1, file by file in parallel: parse, the file-local rules, the functions' facts,
    // the file's project facts, data models and what it hands the project rules (its
    // summary); then the tree goes unless the route analysis needs it. What depends on the
    // whole project waits in `deferred` and in the summary.
    // In a web application every module may hold a handler, a decorator or a model the
    // route analysis follows: all trees are kept. Elsewhere (a library, a standard library)
    // there are no routes, and every tree, text and line index is dropped as soon as its
    // file is summarized, so memory stays flat however large the project. Told from the
    // imports and route registrations (or Connexion's spec), each file read on its own here
    // (and again below) so that no text waits in memory.
    // Modules Connexion's spec names handlers in (`mossgate.api.cards` of
    // `mossgate.api.cards.list_cards`): their functions answer requests though the module
    // imports no web framework.
    let handler_functions: Vec<(&str, &str)> = spec_ops
        .iter()
        .map(|o| o.operation_id.as_str())
        .chain(info_functions.iter().map(String::as_str))
        .filter_map(|id| id.rsplit_once('.'))
        .collect();
    let web = !spec_ops.is_empty()
        || python.par_iter().any(|f| {
            files::read_text(&f.path, files::MAX_PYTHON_BYTES)
                .is_ok_and(|t| relevance::web_text(&t))
        });
    let per_file: Vec<FileResult> = python
        .par_iter()
        .map(|f| {
            let text = files::read_text(&f.path, files::MAX_PYTHON_BYTES);
            let mut result = FileResult {
                file: None,
                lines: 0,
                diagnostic: None,
                parse_error: false,
                external: facts::FileScope::default(),
                facts: project::ProjectFacts::default(),
                findings: Vec::new(),
                deferred: Vec::new(),
                functions: Vec::new(),
                raw_columns: Vec::new(),
                summary: project::Summary::default(),
                models: data_models::DataModels::default(),
            };
            let text = match text {
                Ok(text) => text,
                Err(message) => {
                    result.diagnostic = Some(Diagnostic {
                        level: DiagnosticLevel::Warning,
                        message,
                        path: Some(f.rel.clone()),
                        line: None,
                    });
                    return result;
                }
            };
            let (mut file, err) = SourceFile::parse(f.rel.clone(), text);
            result.lines = file.index.line_count();
            result.parse_error = file.parsed.is_none();
            result.diagnostic = err.map(|(line, col, msg)| Diagnostic {
                level: DiagnosticLevel::Warning,
                message: format!("not analysed: syntax error at {line}:{col}: {msg}"),
                path: Some(f.rel.clone()),
                line: Some(line),
            });
            if let Some(m) = file.module() {
                result.external = facts::FileScope::of_module(&m.body, &project_modules);
                result.facts = project::ProjectFacts::of(&file);
            }
            {
                let mut cx = checker::Checker::new(&file, &enabled_rules);
                let dotted = file.rel.trim_end_matches(".py").replace(['/', '\\'], ".");
                let here = |m: &str| dotted == m || dotted.ends_with(&format!(".{m}"));
                cx.web |= handler_functions.iter().any(|(m, _)| here(m));
                cx.spec_handlers = handler_functions
                    .iter()
                    .filter(|(m, _)| here(m))
                    .map(|(_, f)| (*f).to_owned())
                    .collect();
                if options.only.is_none_or(|only| only.contains(&file.rel)) {
                    cx.run();
                }
                // The functions' facts serve the route analysis: only a web application
                // has routes to follow calls from.
                if let Some(m) = file.module().filter(|_| web) {
                    result.functions = facts::all_functions(&m.body)
                        .into_iter()
                        .map(|(_, func, _)| {
                            (
                                func.name.to_string(),
                                func.range.start().to_u32(),
                                facts::func_facts_with(func, &result.external, &cx.taints),
                            )
                        })
                        .collect();
                }
                result.findings = cx.findings;
                result.deferred = cx.deferred;
                result.raw_columns = cx.raw_columns;
            }
            if let Some(m) = file.module() {
                result.models = data_models::DataModels::of_file(m);
                // Fixtures and seed data of tests are no model of the application.
                if !file.is_test {
                    result.models.add_stores(&result.external.stores);
                }
                if !file.is_test {
                    for rule in &enabled_rules {
                        rule.on_file(&file, m, &mut result.summary);
                    }
                    result.summary.credential_headers = facts::credential_headers_read(&m.body);
                }
            }
            if !web {
                // Its findings hold their code frames already; the route analysis skips a
                // file without a tree.
                file.parsed = None;
                file.text = String::new();
                file.index = ruff_source_file::LineIndex::from_source_text("");
            }
            result.file = Some(file);
            result
        })
        .collect();
    let mut facts = project::ProjectFacts::default();
    let mut sources = Vec::with_capacity(per_file.len());
    let mut externals = Vec::with_capacity(per_file.len());
    let mut parse_errors = 0;
    let mut pending = Vec::with_capacity(per_file.len());
    let mut summary = project::Summary::default();
    let mut data_models = data_models::DataModels::default();
    let mut lines = 0;
    for r in per_file {
        if let Some(d) = r.diagnostic {
            diagnostics.push(d);
        }
        let Some(file) = r.file else { continue };
        parse_errors += usize::from(r.parse_error);
        lines += r.lines;
        facts.extend(r.facts);
        summary.extend(r.summary);
        data_models.merge(r.models);
        sources.push(file);
        externals.push(r.external);
        pending.push((r.findings, r.deferred, r.functions, r.raw_columns));
    }
    let mut findings = env_findings;
    let mut functions = Vec::new();
    let mut exception_returners: rustc_hash::FxHashMap<String, Vec<usize>> =
        rustc_hash::FxHashMap::default();
    let mut raw_columns = Vec::new();
    // A credential the project takes in the query string: what logging a URL writes.
    facts.query_credential = pending.iter().flat_map(|(f, ..)| f).find_map(|f| {
        (f.rule_id == "SC106" && f.confidence != spillcheck_core::Confidence::Possible).then(|| {
            let at = f
                .location
                .as_ref()
                .map(|l| format!(" ({}:{})", l.path, l.line))
                .unwrap_or_default();
            format!("{}{at}", f.message)
        })
    });
    for (index, (f, deferred, fs, raw)) in pending.into_iter().enumerate() {
        raw_columns.extend(raw.into_iter().map(|r| (index, r)));
        let (kept, returners) = facts.settle(f, deferred);
        let base = findings.len();
        for (name, i) in returners {
            exception_returners.entry(name).or_default().push(base + i);
        }
        findings.extend(kept);
        functions.extend(fs.into_iter().map(|(name, at, f)| (name, (index, at), f)));
    }
    // What the project rules drew from single files is reported as it stands, but for
    // serializers no route answers (settled below, once the routes are known).
    let serializers_at = findings.len();
    findings.append(&mut summary.findings);
    let serialized_by = std::mem::take(&mut summary.serialized_by);
    let summaries = facts::Summaries::build(functions);

    // Pass 2: the Flask model, what each route does with data, and the route-level rules.
    let taints = facts::Taints::default();
    let mut model = model::Model::build(&sources, &summaries, &options.model, &spec_ops, &taints);
    data_models.add_sql_files(&sql_files);
    // Exception text a helper returns reaches a client when a view answers with it.
    if !exception_returners.is_empty() {
        for site in &model.routes {
            for value in facts::returned_exprs(&site.func.body) {
                ast_util::each_expr(value, &mut |e| {
                    // Not a module's function outside the project (`unfurl.run(url)` is no
                    // call of the project's own `run`).
                    if let ruff_python_ast::Expr::Call(c) = e
                        && externals
                            .get(site.file_index)
                            .is_none_or(|x| facts::linkable_call(c, x))
                        && let Some(name) = ast_util::callee_last(c)
                        && let Some(indices) = exception_returners.get(name)
                    {
                        for &i in indices {
                            let f = &mut findings[i];
                            if f.confidence == spillcheck_core::Confidence::Possible {
                                f.confidence = spillcheck_core::Confidence::Likely;
                                f.notes.clear();
                                f.notes.push(format!(
                                    "`{}` answers with what this helper returns",
                                    site.route.handler
                                ));
                            }
                        }
                    }
                });
            }
        }
    }
    // A serializer no route answers, in a web application: `possible` (a CLI export's
    // `Connection.to_dict` holds the password on purpose).
    if !model.routes.is_empty() && !serialized_by.is_empty() {
        // What the views are and call, read once.
        let mut in_views: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
        for site in &model.routes {
            in_views.insert(site.func.name.as_str());
            in_views.extend(
                facts::calls_in(&site.func.body)
                    .into_iter()
                    .filter_map(ast_util::callee_last),
            );
        }
        for (i, name) in serialized_by.iter().enumerate() {
            let answered =
                model.response_functions.contains(name) || in_views.contains(name.as_str());
            if !answered
                && let Some(f) = findings.get_mut(serializers_at + i)
                && f.confidence > spillcheck_core::Confidence::Possible
            {
                f.lower_to_possible(format!(
                    "no route answers with `{name}` (not returned by a view, nor called in one)"
                ));
            }
        }
    }
    let route_data =
        evidence::route_data(&model.routes, &summaries, &data_models, &externals, &taints);
    let scoped = evidence::identity_scoped_models(&model.routes, &summaries, &externals, &taints);
    let ownership = ownership::analyze(&mut model, &summaries, &externals, &taints);
    let project = project::Project {
        files: &sources,
        summary: &summary,
        model: &model,
        summaries: &summaries,
        taints: &taints,
        externals: &externals,
        data_models: &data_models,
        route_data: &route_data,
        scoped: &scoped,
        ownership: &ownership,
        sql_files: &sql_files,
        raw_columns: &raw_columns,
    };
    for rule in &enabled_rules {
        rule.on_project(&project, &mut findings);
    }
    // Code the project does not run as itself: example and documentation code (how to use
    // the project, not what a deployment runs), migration scripts writing a secret column
    // (they seed or restore rows once; the app's own writes are what SC150 is about), and
    // third-party code copied into the project (its authors' to fix).
    let examples: rustc_hash::FxHashSet<&str> = sources
        .iter()
        .filter(|f| f.is_example)
        .map(|f| f.rel.as_str())
        .collect();
    // Leftover copies nothing mentions (`app_old.py`, `auth_back2.py`): their routes are
    // not served and their logging never runs; a secret written in them is still a
    // secret in the repository.
    let leftovers = project::unreferenced_leftovers(&sources);
    for f in &mut findings {
        let Some(path) = f.location.as_ref().map(|l| l.path.as_str()) else {
            continue;
        };
        let why = if examples.contains(path) {
            "in example or documentation code (examples/, demo/, docs/), not in what the project runs"
        } else if f.rule_id == rules::sc150_plaintext_secret_storage::SC150.id
            && project::is_migration_path(path)
        {
            "in a database migration script, run once to shape or seed the schema, not the app's own writes"
        } else if project::is_vendored_path(path) {
            "in vendored third-party code (vendor/, third_party/), not the project's own"
        } else if leftovers.contains(&path)
            && ![
                rules::sc130_hardcoded_secret_key::SC130.id,
                rules::sc131_hardcoded_credential::SC131.id,
            ]
            .contains(&f.rule_id.as_str())
        {
            "in a leftover copy that no other module imports or names (its file name says old, backup or copy): not what the project runs"
        } else {
            continue;
        };
        if f.confidence > spillcheck_core::Confidence::Possible {
            f.lower_to_possible(why);
        }
    }
    // Nothing authenticated in the code: the route rules have no authenticated route to
    // compare with, and a clean report says nothing of who may call the API.
    if model.routes.len() >= 3 && !model.any_auth {
        let message = if rules::sc101_route_without_auth::tokens_never_checked(
            &model, &summaries, &externals,
        ) {
            format!(
                "none of the {} routes is authenticated in the code, though a login checks passwords or issues tokens: SC101 reports the routes that handle data",
                model.routes.len()
            )
        } else {
            format!(
                "none of the {} routes is authenticated in the code: SC101 and SC102 have no authenticated route to compare with, and authentication in a proxy or WSGI middleware is not seen; probe the running API to learn who may call it",
                model.routes.len()
            )
        };
        diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Warning,
            message,
            path: None,
            line: None,
        });
    }
    merge_routes_of_one_handler(&mut findings);
    lower_keys_shipped_in_many_files(&mut findings);
    if let Some(only) = options.only {
        let keep = |path: Option<&str>| path.is_none_or(|p| only.contains(p));
        findings.retain(|f| keep(f.location.as_ref().map(|l| l.path.as_str())));
        diagnostics.retain(|d| keep(d.path.as_deref()));
    }
    // A finding inside a view's handler concerns that route: the scan joins it with what
    // the probe saw on the same route, never with another route's answer.
    {
        let spans: Vec<(&str, u32, u32, &Route)> = model
            .routes
            .iter()
            .map(|site| {
                let file = &sources[site.file_index];
                (
                    file.rel.as_str(),
                    file.line_of(site.func.range.start()),
                    file.line_of(site.func.range.end()),
                    &site.route,
                )
            })
            .collect();
        let in_views: Vec<&str> = rules::REGISTRY
            .iter()
            .filter(|(_, rule)| rule.concerns_its_view())
            .map(|(meta, _)| meta.id)
            .collect();
        for f in findings
            .iter_mut()
            .filter(|f| f.route.is_none() && in_views.contains(&f.rule_id.as_str()))
        {
            let Some(loc) = &f.location else { continue };
            let inner = spans
                .iter()
                .filter(|(file, start, end, _)| {
                    *file == loc.path && *start <= loc.line && loc.line <= *end
                })
                .min_by_key(|(_, start, end, _)| end - start);
            if let Some((_, _, _, route)) = inner {
                let method = route
                    .methods
                    .iter()
                    .find(|m| !matches!(m.as_str(), "GET" | "HEAD" | "OPTIONS"))
                    .or_else(|| route.methods.first())
                    .map_or("GET", String::as_str);
                f.route = Some(spillcheck_core::Route {
                    method: method.to_owned(),
                    path: route.path.clone(),
                });
            }
        }
    }
    let routes = model.routes.iter().map(|s| s.route.clone()).collect();
    let file_count = sources.len();
    // Dropping a large tree of ASTs is measurable; do it on all cores.
    sources.into_par_iter().for_each(drop);
    Analysis {
        findings,
        routes,
        diagnostics,
        files: file_count,
        lines,
        parse_errors,
        credential_headers: std::mem::take(&mut summary.credential_headers),
    }
}
