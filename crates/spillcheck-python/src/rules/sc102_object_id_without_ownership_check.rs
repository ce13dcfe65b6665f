//! `SC102` object-id-without-ownership-check: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A route takes an object id from the path or query (`/notes/<int:note_id>`), uses it to load a record (SQL, an ORM `get`, a helper that queries by its argument) and returns or changes it, without ever comparing the record's owner with the caller's identity (`g.user`, `current_user`, `get_jwt_identity()`, the token's `sub`).
    ///
    /// ## Why it matters
    /// This is Broken Object Level Authorization (IDOR), the first risk of the OWASP API Top 10: any authenticated user can read or change every other user's records by changing a number in the URL.
    ///
    /// ## Example
    /// ```python
    /// @app.get("/api/notes/<int:note_id>")
    /// @require_token
    /// def get_note(note_id):
    ///     row = db.execute("SELECT * FROM notes WHERE id = ?", (note_id,)).fetchone()
    ///     return jsonify(dict(row))
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// Public objects (posts, articles, comments, public profiles) are read by id on purpose.
    /// The finding is `likely` only with evidence that the object is private: its model
    /// or table has an owner field (`user_id`, `owner_id`, `author_id`…) and the route changes
    /// or deletes it, returns private or secret fields, or another route of the app reads
    /// that model only for its owner (a query scoped by the caller); or the object is a
    /// person's record and the route returns private fields (phone, address, a password
    /// hash), or the id the client sends is itself the owner key of an owned table
    /// (`?account_number=` selecting `transactions` whose `from_account` is the owner).
    /// Otherwise it is `possible`, shown with `--confidence possible`, and `spillcheck
    /// scan` raises it to `confirmed` when the probe reads user B's object as user A.
    ///
    /// A route that authenticates no one is SC101's: there is no caller to compare with.
    /// It is this rule's too (`likely`) only in an app that authenticates other routes and
    /// only when the route shows the record private: it returns personal or secret fields
    /// of a record with an owner (`balance` of a user), or selects records by the owner key
    /// the client names (`/transactions/{account_number}`): anyone then reads anyone's.
    ///
    /// Ownership checks it recognizes: a comparison of anything with the caller's identity
    /// (`g.user`, `current_user`, `get_jwt_identity()`, `auth.current_user()`, what an auth
    /// decorator injects into the view, `g` attributes the project's authentication sets);
    /// a query or a helper call given the identity (`filter_by(id=i, user_id=me.id)`,
    /// `get_post(id, check_author=True)` whose helper compares and rejects); routes
    /// restricted to a role.
    ///
    /// ## Fix
    /// Derive the owner from the token, never from the request:
    ///
    /// ```python
    /// row = db.execute(
    ///     "SELECT id, title, body FROM notes WHERE id = ? AND owner_id = ?",
    ///     (note_id, g.user["sub"]),
    /// ).fetchone()
    /// if row is None:
    ///     abort(404)
    /// ```
    pub static SC102 = {
        id: "SC102",
        slug: "object-id-without-ownership-check",
        title: "Object id used without an ownership check",
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: &[639],
        owasp: &[OwaspApi::Api1],
        fix: "Load the object by its id *and* the caller's identity (`WHERE id = ? AND owner_id = ?`), or compare its owner with the identity from the token before returning it.",
    }
}

use rustc_hash::FxHashSet as HashSet;

use ruff_python_ast::{self as ast, Expr};
use spillcheck_core::Finding;

use crate::ast_util::callee_last;
use crate::data_models::DataModels;
use crate::evidence::{RouteData, identity_names, is_person_model};
use crate::facts::{
    LocalStrings, NameSet, Summaries, Taint, calls_in, exprs_in, involves_identity, is_data_call,
    reads_any,
};
use crate::model::{Model, OwnerCheck, RouteAuth, decorator_is_role};
use crate::project::SourceFile;

fn id_like(name: &str, converter: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(converter, "int" | "uuid")
        || n == "id"
        || n == "pk"
        || n == "uuid"
        || n.ends_with("_id")
        || n.ends_with("id") && name.chars().any(|c| c.is_ascii_uppercase())
        || n.ends_with("_uuid")
        || n.ends_with("_pk")
        || n == "key"
        || n.ends_with("_key") && !n.contains("api")
        || n.ends_with("_number") && !n.contains("phone")
        || n.ends_with("_no")
}

/// Ids a handler takes from the query string or the body: names assigned from
/// `request.args.get("account_number")`, `data.get("card_id")` (where `data` is the body).
fn request_ids<'a>(func: &'a ruff_python_ast::StmtFunctionDef, taint: &Taint<'a>) -> Vec<&'a str> {
    let body_names: Vec<&str> = crate::facts::assigns_in(&func.body)
        .iter()
        .filter(|a| crate::patterns::is_body_dump(&a.value))
        .flat_map(|a| a.targets.iter().flat_map(crate::ast_util::target_names))
        .collect();
    let body = taint.closure(&body_names);
    let mut out = Vec::new();
    for a in crate::facts::assigns_in(&func.body) {
        let Expr::Call(c) = a.value.as_ref() else {
            continue;
        };
        let Expr::Attribute(at) = c.func.as_ref() else {
            continue;
        };
        if !matches!(at.attr.as_str(), "get" | "__getitem__") {
            continue;
        }
        let from_request = crate::ast_util::dotted(&at.value).is_some_and(|d| {
            d.ends_with("request.args")
                || d.ends_with("request.values")
                || d.ends_with("request.form")
        }) || crate::patterns::is_body_dump(&at.value)
            || matches!(at.value.as_ref(), Expr::Name(n) if body.contains(n.id.as_str()));
        let Some(key) = c
            .arguments
            .args
            .first()
            .and_then(crate::ast_util::str_value)
        else {
            continue;
        };
        if from_request && id_like(key, "string") {
            out.extend(a.targets.iter().flat_map(crate::ast_util::target_names));
        }
    }
    out
}

/// Whether `call` loads data by one of `ids`: directly, or through a project helper whose
/// parameter at that position reaches a data access.
fn loads_by_id(
    call: &ast::ExprCall,
    ids: &NameSet<'_>,
    summaries: &Summaries,
    external: &HashSet<String>,
) -> bool {
    if is_data_call(call) {
        let receiver_reads =
            matches!(call.func.as_ref(), Expr::Attribute(a) if reads_any(&a.value, ids));
        return receiver_reads
            || call.arguments.args.iter().any(|a| reads_any(a, ids))
            || call
                .arguments
                .keywords
                .iter()
                .any(|k| reads_any(&k.value, ids));
    }
    if !crate::facts::linkable_call(call, external) {
        return false;
    }
    let Some(name) = callee_last(call) else {
        return false;
    };
    let Some(params) = summaries.data_params.get(name) else {
        return false;
    };
    let shift = summaries
        .by_name
        .get(name)
        .and_then(|f| f.params.first())
        .is_some_and(|p| p == "self" || p == "cls");
    call.arguments
        .args
        .iter()
        .enumerate()
        .any(|(i, a)| params.contains(&(i + usize::from(shift))) && reads_any(a, ids))
}

/// Whether a load is also given the caller's identity as a value of its own, beside the
/// id in the same statement: `filter_by(id=i, user_id=me.id)`, `execute(sql, (note_id,
/// g.user["sub"]))`, `f"... WHERE id = {pid} AND owner_id = {me['id']}"`,
/// `current_user.orders.get(i)`. A batch of statements (`run_all([(q1, (me,)), (q2,
/// (card_id,))])`) where the identity sits in another statement than the id is not.
fn scoped_by_identity(
    call: &ast::ExprCall,
    identity: &NameSet<'_>,
    ids: &NameSet<'_>,
    body: &[ruff_python_ast::Stmt],
) -> bool {
    if let Expr::Attribute(a) = call.func.as_ref()
        && involves_identity(&a.value, identity)
    {
        return true;
    }
    // Names bound to a tuple, a list or an f-string are read as what they hold.
    let bound: rustc_hash::FxHashMap<&str, &Expr> = crate::facts::assigns_in(body)
        .into_iter()
        .filter_map(|a| match (a.targets.as_slice(), a.value.as_ref()) {
            ([Expr::Name(n)], v @ (Expr::Tuple(_) | Expr::List(_) | Expr::FString(_))) => {
                Some((n.id.as_str(), v))
            }
            _ => None,
        })
        .collect();
    fn parts<'e>(
        e: &'e Expr,
        bound: &rustc_hash::FxHashMap<&str, &'e Expr>,
        depth: usize,
    ) -> Option<Vec<&'e Expr>> {
        match e {
            Expr::Tuple(t) => Some(t.elts.iter().collect()),
            Expr::List(l) => Some(l.elts.iter().collect()),
            Expr::FString(f) => Some(
                f.value
                    .elements()
                    .filter_map(|el| match el {
                        ast::InterpolatedStringElement::Interpolation(i) => {
                            Some(i.expression.as_ref())
                        }
                        ast::InterpolatedStringElement::Literal(_) => None,
                    })
                    .collect(),
            ),
            Expr::Name(n) if depth < 3 => bound
                .get(n.id.as_str())
                .and_then(|v| parts(v, bound, depth + 1)),
            // `and_(Note.id == i, Note.owner_id == me)`, `a == i and b == me`: conditions of
            // one statement.
            Expr::Call(c) if callee_last(c) == Some("and_") => {
                Some(c.arguments.args.iter().collect())
            }
            Expr::BoolOp(b) if b.op == ast::BoolOp::And => Some(b.values.iter().collect()),
            _ => None,
        }
    }
    fn scoped<'e>(
        children: &[&'e Expr],
        identity: &NameSet<'_>,
        ids: &NameSet<'_>,
        bound: &rustc_hash::FxHashMap<&str, &'e Expr>,
        depth: usize,
    ) -> bool {
        let mut leaves: Vec<&Expr> = Vec::new();
        for c in children {
            match parts(c, bound, 0) {
                // `("INSERT INTO ... VALUES (%s, %s)", (card_id, my_account))` in a batch:
                // the identity as a value an insert writes scopes no read.
                Some(inner)
                    if inner
                        .first()
                        .and_then(|s| crate::ast_util::str_value(s))
                        .is_some_and(|q| {
                            q.trim_start().to_ascii_lowercase().starts_with("insert")
                        }) => {}
                Some(inner) if depth < 4 => {
                    if scoped(&inner, identity, ids, bound, depth + 1) {
                        return true;
                    }
                    // An f-string's values and an `and_`'s conditions belong to this
                    // statement.
                    let flat = matches!(c, Expr::FString(_) | Expr::Call(_) | Expr::BoolOp(_))
                        || matches!(c, Expr::Name(n) if matches!(bound.get(n.id.as_str()), Some(Expr::FString(_))));
                    if flat {
                        leaves.extend(inner);
                    }
                }
                _ => leaves.push(c),
            }
        }
        leaves.iter().any(|l| reads_any(l, ids))
            && leaves
                .iter()
                .any(|l| involves_identity(l, identity) && !reads_any(l, ids))
    }
    let mut children: Vec<&Expr> = call.arguments.args.iter().collect();
    children.extend(call.arguments.keywords.iter().map(|k| &k.value));
    // `Note.query.filter_by(id=i).filter_by(owner_id=me)`: the id is in the receiver.
    if let Expr::Attribute(a) = call.func.as_ref()
        && reads_any(&a.value, ids)
    {
        children.push(&a.value);
    }
    scoped(&children, identity, ids, &bound, 0)
}

/// The models a load site is about: its own (its SQL, possibly held in a local name), or
/// those of the helper it calls.
fn site_models<'a>(
    call: &'a ast::ExprCall,
    locals: &LocalStrings<'a>,
    summaries: &Summaries,
) -> Vec<String> {
    if locals.sql(call).is_some() || is_data_call(call) {
        return locals.models(call);
    }
    callee_last(call).map_or_else(Vec::new, |n| summaries.models_of(n))
}

/// What the analysis knows of one route, for [`check_routes`].
pub(crate) struct Context<'a> {
    pub files: &'a [SourceFile],
    pub summaries: &'a Summaries,
    pub externals: &'a [HashSet<String>],
    pub models: &'a DataModels,
    pub data: &'a [RouteData],
    /// Models some route reads only for the caller.
    pub scoped: &'a HashSet<String>,
}

/// Why the object looks private, if it does.
fn private_evidence(
    method: &str,
    models: &[String],
    writes: bool,
    ids: &[String],
    data: &RouteData,
    cx: &Context<'_>,
) -> Option<String> {
    // A model some route reads only for its owner has an owner, whatever its declaration.
    let owned = models
        .iter()
        .find(|m| cx.models.has_owner(m) || cx.scoped.contains(m.as_str()));
    if let Some(m) = owned {
        if method != "GET" && method != "HEAD" || writes {
            return Some(format!("it changes a `{m}` record, which has an owner"));
        }
        if let Some(f) = data.returns_private() {
            return Some(format!(
                "it returns `{f}` of a `{m}` record, which has an owner"
            ));
        }
        if cx.scoped.contains(m.as_str()) {
            return Some(format!(
                "other routes read `{m}` records only for their owner"
            ));
        }
        // `?account_number=` / `{user_id}`: the records are selected by whose they are,
        // with the owner named by the client.
        if let Some(id) = ids
            .iter()
            .find(|i| spillcheck_core::vocab::is_owner_field(i))
        {
            return Some(format!(
                "it selects `{m}` records by their owner's `{id}`, taken from the request"
            ));
        }
    }
    if models.iter().any(|m| is_person_model(m))
        && let Some(f) = data.returns_private()
    {
        return Some(format!("it returns `{f}` of another person's record"));
    }
    None
}

/// `SC102`: per authenticated route, ids from the path that load data with no
/// comparison against the caller's identity. Sets each route's `owner_check`.
pub(crate) fn check_routes(
    model: &mut Model<'_>,
    cx: &Context<'_>,
    findings: &mut Vec<Finding>,
    enabled: bool,
) {
    let summaries = cx.summaries;
    // An app that authenticates some routes knows who its callers are: a private record
    // one of its open routes hands to anyone is an object-level flaw too.
    let app_authenticates = model.routes.iter().any(|s| s.route.auth.required());
    for (index, site) in model.routes.iter_mut().enumerate() {
        let taint = Taint::of_body(&site.func.body);
        let mut ids: Vec<String> = site
            .route
            .params
            .iter()
            .filter(|p| id_like(&p.name, &p.converter))
            .map(|p| p.name.clone())
            .collect();
        let from_path = !ids.is_empty();
        ids.extend(
            request_ids(site.func, &taint)
                .into_iter()
                .map(str::to_owned),
        );
        let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        if ids.is_empty() {
            continue;
        }
        let id_names = taint.closure(&id_refs);
        // The id itself and plain copies of it (`pid = int(post_id)`): what a statement
        // scoped by the caller names beside the identity. Values computed from the loaded
        // object (`amount` from the card's currency) are not the id.
        let direct_ids = taint.closure_direct(&id_refs);
        let external = &cx.externals[site.file_index];
        let sites: Vec<&ast::ExprCall> = calls_in(&site.func.body)
            .into_iter()
            .filter(|c| loads_by_id(c, &id_names, summaries, external))
            .collect();
        if sites.is_empty() {
            continue;
        }
        if !site.route.auth.required() {
            site.route.owner_check = OwnerCheck::NoIdentity;
            if enabled && app_authenticates && !cx.files[site.file_index].is_test {
                let method = site.route.methods.first().map_or("GET", String::as_str);
                let (_, evidence) = private_of(site, index, &sites, &ids, method, cx);
                // Only records shown private by what the route does with them: personal
                // or secret fields returned from a record with an owner, or records
                // selected by their owner's key named by the client (`/transactions/
                // {account_number}`). A route that hands out records by id with nothing
                // private in them is SC101's alone.
                if let Some(why) =
                    evidence.filter(|w| w.contains(" returns `") || w.contains("by their owner"))
                {
                    let file = &cx.files[site.file_index];
                    let source = if from_path { "the path" } else { "the request" };
                    let mut finding = Finding::new(&SC102, format!(
                        "`{}` from {source} of `{method} {}` loads a private record for anyone: the route authenticates nobody, so no caller is compared with its owner",
                        ids.join("`, `"), site.route.path
                    ))
                    .at(file.at(sites[0]))
                    .on_route(method, &site.route.path);
                    finding.notes.push(format!("private object: {why}"));
                    if cx.data[index].returns_private().is_some() {
                        finding.cwe.push("CWE-213".to_owned());
                    }
                    findings.push(finding);
                }
            }
            continue;
        }
        let role = site.role_restricted
            || site
                .func
                .decorator_list
                .iter()
                .any(|d| decorator_is_role(&d.expression, summaries))
            || crate::facts::func_facts(site.func).checks_role
            || matches!(&site.route.auth, RouteAuth::Decorator { name } if decorator_is_role_name(name));
        if role {
            site.route.owner_check = OwnerCheck::RoleRestricted;
            continue;
        }
        let identity = identity_names(site, &taint);
        let mut compared = false;
        // A comparison of the caller with the object (or its id): `post.author_id !=
        // me.id`, `user_id != g.user["sub"]`. The caller compared with anything else
        // (`amount > my_balance`) checks no ownership.
        exprs_in(&site.func.body, &mut |e| {
            if let Expr::Compare(c) = e {
                let operands = || std::iter::once(c.left.as_ref()).chain(c.comparators.iter());
                if operands().any(|x| involves_identity(x, &identity))
                    && operands().any(|x| reads_any(x, &id_names))
                {
                    compared = true;
                }
            }
        });
        let helper_checks = |c: &ast::ExprCall| {
            crate::facts::linkable_call(c, external)
                && callee_last(c).is_some_and(|n| summaries.checks_owner.contains(n))
        };
        // `session["grid"][trans_id]`: an id that keys the caller's own session.
        let mut session_keyed = false;
        exprs_in(&site.func.body, &mut |e| {
            if let Expr::Subscript(sub) = e
                && reads_any(&sub.slice, &id_names)
                && crate::ast_util::any_expr(
                    &sub.value,
                    &mut |x| matches!(x, Expr::Name(n) if n.id.as_str() == "session"),
                )
            {
                session_keyed = true;
            }
        });
        compared |= session_keyed;
        // The identity as a value a statement inserts is no check of what it reads.
        let locals_check = LocalStrings::of_body(&site.func.body);
        let inserts = |c: &ast::ExprCall| {
            locals_check
                .sql(c)
                .is_some_and(|q| q.trim_start().to_ascii_lowercase().starts_with("insert"))
        };
        if compared
            || sites.iter().any(|c| {
                scoped_by_identity(c, &identity, &direct_ids, &site.func.body) && !inserts(c)
                    || helper_checks(c)
            })
        {
            site.route.owner_check = OwnerCheck::Checked;
            continue;
        }
        site.route.owner_check = OwnerCheck::Missing;
        if !enabled || cx.files[site.file_index].is_test {
            continue;
        }
        let file = &cx.files[site.file_index];
        let r = &site.route;
        let method = r.methods.first().map_or("GET", String::as_str);
        let (_, evidence) = private_of(site, index, &sites, &ids, method, cx);
        let first = sites[0];
        let source = if from_path { "the path" } else { "the request" };
        let mut finding = Finding::new(&SC102, format!(
            "`{}` from {source} of `{method} {}` loads a record with no comparison against the caller's identity",
            ids.join("`, `"), r.path
        ))
        .at(file.at(first))
        .on_route(method, &r.path);
        if let Some(why) = evidence {
            finding.notes.push(format!("private object: {why}"));
        } else {
            finding = finding.with_confidence(Confidence::Possible);
            finding.notes.push(
                "confidence possible: nothing in the code shows the object is private (no owner field in its model, no private fields returned, no change, no other route that reads it only for its owner); public objects are read by id on purpose".to_owned(),
            );
        }
        if cx.data[index].returns_private().is_some() {
            finding.cwe.push("CWE-213".to_owned());
        }
        findings.push(finding);
    }
}

/// The models a route's loads name, and the evidence that the object is private.
fn private_of(
    site: &crate::model::RouteSite<'_>,
    index: usize,
    sites: &[&ast::ExprCall],
    ids: &[String],
    method: &str,
    cx: &Context<'_>,
) -> (Vec<String>, Option<String>) {
    let locals = LocalStrings::of_body(&site.func.body);
    let mut models: Vec<String> = Vec::new();
    for c in sites {
        for m in site_models(c, &locals, cx.summaries) {
            if !models.contains(&m) {
                models.push(m);
            }
        }
    }
    if models.is_empty() {
        models.clone_from(&cx.data[index].models);
    }
    let writes = sites.iter().any(|c| locals.writes(c)) || cx.data[index].writes;
    let evidence = private_evidence(method, &models, writes, ids, &cx.data[index], cx);
    (models, evidence)
}

fn decorator_is_role_name(name: &str) -> bool {
    spillcheck_core::vocab::mentions_role(name.rsplit('.').next().unwrap_or(name))
}
