//! `SC102` object-id-without-ownership-check: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A route takes an object id from the path or query (`/notes/<int:note_id>`), uses it to load a record (SQL, an ORM `get`, a helper that queries by its argument) and returns or changes it, without ever comparing the record's owner with the caller's identity (`g.user`, `current_user`, `get_jwt_identity()`, the token's `sub`).
    ///
    /// Path parameters handed in as one model (flask-openapi3's `def get_visit(path:
    /// VisitPath)`, read as `path.visit_id`) are the route's ids; such request models
    /// (`path`, `query`, `body`) are never taken for the caller a decorator injects.
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
    /// A helper that asks about the caller's relation to the record and hides it when the
    /// answer is no (`if not project.has_member(current_user.id): ns.abort(404)`,
    /// `owned_by(current_user)`, `can_access(doc, g.user)`) is an ownership check, for every
    /// route that calls it (also through another helper).
    /// Public objects (posts, articles, comments, public profiles) are read by id on purpose.
    /// The finding is `likely` only with evidence that the object is private: its model
    /// or table has an owner field (`user_id`, `owner_id`, `author_id`…, or the tenant of a multi-tenant app: `company`, `tenant_id`, `org_id`) and the route changes
    /// or deletes it, returns private or secret fields, or another route of the app reads
    /// that model only for its owner (a query scoped by the caller: an owner field, or any
    /// `…_id` column of the model matched with the caller's own id, `Visit.host_id ==
    /// g.member.id`, also down the chain the query is built in, or a record it loads and
    /// shows only when its owner field is the caller); or the object is a
    /// person's record and the route returns private fields (phone, address, a password
    /// hash), or the id the client sends is itself the owner key of an owned table
    /// (`?account_number=` selecting `transactions` whose `from_account` is the owner).
    /// Otherwise it is `possible`, shown with `--confidence possible`, and `spillcheck
    /// scan` raises it to `confirmed` when the probe reads user B's object as user A.
    /// An object named by a title, slug, user name or e-mail in the path (`/books/{book_title}`)
    /// is reported only when the route returns private or secret fields of it: such names
    /// usually designate what everyone may name (an article, a profile), and a change
    /// through them is often the caller's own act (a favourite, a comment, a follow).
    ///
    /// An app with no user accounts (a shared key compared with the configuration; nothing
    /// signs callers in, checks a password, issues a token or reads who the caller is) has
    /// one kind of caller: its findings are `possible` whatever the evidence.
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
    /// restricted to a role (by a decorator, a check in the handler, or a helper it calls
    /// that refuses a caller without one: `require_librarian()` whose `if not
    /// me().is_librarian: abort(403)`). A condition on another model than the one queried, with
    /// nothing joining the two (`Person.query.filter(Person.id == i).filter(Project.id ==
    /// g.project.id)`: no `.join`, no condition comparing a column of each), is a cartesian
    /// product that holds for a row of any project: it checks nothing.
    ///
    /// A nested route (`/customers/<customer_id>/invoices/<invoice_id>`) whose parent is
    /// checked for the caller while the child is loaded by its own id alone
    /// (`db.session.get(Invoice, invoice_id)`) is reported: the caller's customer with
    /// another user's invoice id reads the other's invoice. The child is bound to the
    /// checked parent by a filter on both, a read through the parent's relationship, a
    /// comparison of the two or a link between them (`customer.tags.remove(tag)`), or a
    /// statement scoped by the caller that names the child too (`SELECT id FROM bookings
    /// WHERE id = :bid AND plot_id = :pid AND user_id = :uid`, refused when it finds
    /// nothing), after which the child's id alone is the caller's. A
    /// permission helper's answer kept in a name and refused on (`ok, _ =
    /// check_item_access(refcode)`, `if not ok: return …, 404`) is a check too.
    ///
    /// A row keyed by what the caller authenticates as (`project_id` of a model, where a
    /// project logs in and the view reads `g.project`) has an owner too: the tenant.
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
        route_level: true,
    }
}

use ruff_python_ast as ast;
use spillcheck_core::Finding;

use crate::ast_util::callee_last;
use crate::evidence::{RouteData, is_person_model};
use crate::facts::{LocalStrings, Summaries, is_data_call};
use crate::model::OwnerCheck;
use crate::ownership::Loads;
use crate::project::Project;

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

/// Why the object looks private, if it does.
fn private_evidence(
    identity: &[String],
    method: &str,
    models: &[String],
    writes: bool,
    ids: &[String],
    data: &RouteData,
    cx: &Project<'_>,
) -> Option<String> {
    // A model some route reads only for its owner has an owner, whatever its declaration.
    // So does one keyed by what the caller authenticates as (`project_id` where the
    // project logs in and the view reads `g.project`): the tenant owns the row.
    let tenant_keys: Vec<String> = identity
        .iter()
        .filter_map(|i| i.rsplit('.').next())
        .filter(|n| n.len() > 2 && !n.starts_with('_'))
        .map(|n| format!("{}_id", n.to_ascii_lowercase()))
        .collect();
    let tenant_owned = |m: &String| {
        cx.data_models
            .fields(m)
            .is_some_and(|f| tenant_keys.iter().any(|k| f.contains(k)))
    };
    let owned = models.iter().find(|m| {
        cx.data_models.has_owner(m) || cx.scoped.contains(m.as_str()) || tenant_owned(m)
    });
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

/// The models a route's loads name, and the evidence that the object is private.
fn private_of(
    site: &crate::model::RouteSite<'_>,
    index: usize,
    sites: &[&ast::ExprCall],
    ids: &[String],
    method: &str,
    cx: &Project<'_>,
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
        models.clone_from(&cx.route_data[index].models);
    }
    let writes = sites.iter().any(|c| locals.writes(c)) || cx.route_data[index].writes;
    let evidence = private_evidence(
        &site.identity,
        method,
        &models,
        writes,
        ids,
        &cx.route_data[index],
        cx,
    );
    (models, evidence)
}

/// `SC102`'s hooks.
pub(crate) struct Check;

impl crate::rules::Rule for Check {
    /// Per route, ids from the request that load data with no comparison against the
    /// caller's identity (the model's ownership analysis); on an app that authenticates
    /// other routes, also private records an open route loads for anyone.
    fn on_project(&self, cx: &Project<'_>, findings: &mut Vec<Finding>) {
        // An app that authenticates some routes knows who its callers are: a private record
        // one of its open routes hands to anyone is an object-level flaw too.
        let app_authenticates = cx.model.routes.iter().any(|s| s.route.auth.required());
        // An app with no accounts (one shared key compared with the configuration, nothing
        // that signs anyone in, checks a password or reads who the caller is, no model of
        // people, no guard of a per-user library) has one caller: there is nobody else
        // whose records it could reach.
        let per_user_guard = |auth: &crate::model::RouteAuth| {
            use crate::model::RouteAuth::{Decorator, Handler, Hook};
            let (Decorator { name } | Hook { name } | Handler { name }) = auth else {
                return false;
            };
            let name = name.to_ascii_lowercase();
            [
                "jwt", "login", "user", "session", "oauth", "oidc", "identity", "permission",
                "role", "principal", "account",
            ]
            .iter()
            .any(|w| name.contains(w))
        };
        let knows_callers = !cx.summaries.identity_g_attrs.is_empty()
            || cx.data_models.keys().any(is_person_model)
            || cx.model.routes.iter().any(|s| per_user_guard(&s.route.auth))
            || cx.model.routes.iter().any(|s| !s.identity.is_empty())
            || cx
                .summaries
                .own
                .values()
                .any(|f| f.uses_identity || f.issues_token || f.verifies_password);
        for (index, site) in cx.model.routes.iter().enumerate() {
            let Some(Loads {
                ids,
                from_path,
                sites,
                store_sites,
                named,
                checked_parents,
            }) = &cx.ownership[index]
            else {
                continue;
            };
            let file = &cx.files[site.file_index];
            if file.is_test {
                continue;
            }
            let r = &site.route;
            let method = r.methods.first().map_or("GET", String::as_str);
            let source = if *from_path { "the path" } else { "the request" };
            let (_, evidence) = private_of(site, index, sites, ids, method, cx);
            // A record named by its title, slug or user name is usually one everybody may
            // name (an article, a profile): a change to it is often the caller's own act
            // (a favourite, a comment, a follow). Only private fields it returns show it is
            // someone's.
            let evidence = evidence.filter(|w| !*named || w.contains(" returns `"));
            if *named && evidence.is_none() {
                continue;
            }
            let mut finding = match r.owner_check {
                OwnerCheck::NoIdentity if app_authenticates => {
                    // Only records shown private by what the route does with them: personal
                    // or secret fields returned from a record with an owner, or records
                    // selected by their owner's key named by the client (`/transactions/
                    // {account_number}`). A route that hands out records by id with nothing
                    // private in them is SC101's alone.
                    let Some(why) = evidence
                        .filter(|w| w.contains(" returns `") || w.contains("by their owner"))
                    else {
                        continue;
                    };
                    let mut finding = Finding::new(&SC102, format!(
                        "`{}` from {source} of `{method} {}` loads a private record for anyone: the route authenticates nobody, so no caller is compared with its owner",
                        ids.join("`, `"), r.path
                    ));
                    finding.notes.push(format!("private object: {why}"));
                    finding
                }
                OwnerCheck::Missing => {
                    let mut finding = if checked_parents.is_empty() {
                        Finding::new(&SC102, format!(
                            "`{}` from {source} of `{method} {}` loads a record with no comparison against the caller's identity",
                            ids.join("`, `"), r.path
                        ))
                    } else {
                        Finding::new(&SC102, format!(
                            "`{}` from {source} of `{method} {}` loads a record by its own id alone: `{}` is checked for the caller, but nothing binds this record to it, so the caller's parent with another user's child id reads the other's",
                            ids.join("`, `"), r.path, checked_parents.join("`, `")
                        ))
                    };
                    if let Some(why) = evidence.as_ref().filter(|_| !knows_callers) {
                        finding = finding.with_confidence(Confidence::Possible);
                        finding.notes.push(format!(
                            "confidence possible: the app has no user accounts (nothing signs callers in, checks a password or reads who the caller is), so every caller holds the same access; the object looks private ({why})"
                        ));
                    } else if let Some(why) = evidence {
                        finding.notes.push(format!("private object: {why}"));
                    } else {
                        finding = finding.with_confidence(Confidence::Possible);
                        finding.notes.push(
                            "confidence possible: nothing in the code shows the object is private (no owner field in its model, no private fields returned, no change, no other route that reads it only for its owner); public objects are read by id on purpose".to_owned(),
                        );
                    }
                    finding
                }
                _ => continue,
            };
            finding = match (sites.first(), store_sites.first()) {
                (Some(c), _) => finding.at(file.at(*c)),
                (None, Some(e)) => finding.at(file.at(*e)),
                (None, None) => finding,
            }
            .on_route(method, &r.path);
            if cx.route_data[index].returns_private().is_some() {
                finding.cwe.push("CWE-213".to_owned());
            }
            findings.push(finding);
        }
    }
}
