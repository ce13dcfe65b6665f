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

use std::collections::HashSet;

use ruff_python_ast::{self as ast, Expr};
use spillcheck_core::Finding;

use crate::ast_util::callee_last;
use crate::facts::{
    NameSet, Summaries, Taint, calls_in, exprs_in, identity_in_call, involves_identity,
    is_data_call, reads_any,
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

/// `SC102`: per authenticated route, ids from the path that load data with no
/// comparison against the caller's identity. Sets each route's `owner_check`.
pub(crate) fn check_routes(
    model: &mut Model<'_>,
    files: &[SourceFile],
    summaries: &Summaries,
    externals: &[HashSet<String>],
    findings: &mut Vec<Finding>,
    enabled: bool,
) {
    for site in &mut model.routes {
        let r = &mut site.route;
        let ids: Vec<String> = r
            .params
            .iter()
            .filter(|p| id_like(&p.name, &p.converter))
            .map(|p| p.name.clone())
            .collect();
        let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        if ids.is_empty() {
            continue;
        }
        let taint = Taint::of_body(&site.func.body);
        let id_names = taint.closure(&id_refs);
        let sites: Vec<&ast::ExprCall> = calls_in(&site.func.body)
            .into_iter()
            .filter(|c| loads_by_id(c, &id_names, summaries, &externals[site.file_index]))
            .collect();
        if sites.is_empty() {
            continue;
        }
        if !matches!(r.auth, RouteAuth::Decorator { .. } | RouteAuth::Hook { .. }) {
            r.owner_check = OwnerCheck::NoIdentity;
            continue;
        }
        let role = site
            .func
            .decorator_list
            .iter()
            .any(|d| decorator_is_role(&d.expression, summaries))
            || crate::facts::func_facts(site.func).checks_role
            || matches!(&r.auth, RouteAuth::Decorator { name } if decorator_is_role_name(name));
        if role {
            r.owner_check = OwnerCheck::RoleRestricted;
            continue;
        }
        let mut identity = taint.identity_names();
        if r.style == "connexion" {
            // Connexion passes the verified subject as `user` (and the claims as `token_info`).
            for p in &site.func.parameters {
                if matches!(p.name().as_str(), "user" | "token_info") {
                    identity.insert(p.name().as_str());
                }
            }
        }
        let mut compared = false;
        exprs_in(&site.func.body, &mut |e| {
            if let Expr::Compare(c) = e
                && (involves_identity(&c.left, &identity)
                    || c.comparators
                        .iter()
                        .any(|x| involves_identity(x, &identity)))
            {
                compared = true;
            }
        });
        let external = &externals[site.file_index];
        let helper_checks = |c: &ast::ExprCall| {
            crate::facts::linkable_call(c, external)
                && callee_last(c).is_some_and(|n| {
                    summaries
                        .by_name
                        .get(n)
                        .is_some_and(|f| f.compares_identity && f.rejects)
                })
        };
        if compared
            || sites
                .iter()
                .any(|c| identity_in_call(c, &identity) || helper_checks(c))
        {
            r.owner_check = OwnerCheck::Checked;
            continue;
        }
        r.owner_check = OwnerCheck::Missing;
        if enabled && !files[site.file_index].is_test {
            let file = &files[site.file_index];
            let method = r.methods.first().map_or("GET", String::as_str);
            let first = sites[0];
            findings.push(
                Finding::new(&SC102, format!(
                    "`{}` from the path of `{method} {}` loads a record with no comparison against the caller's identity",
                    ids.join("`, `"), r.path
                ))
                .at(file.at(first))
                .on_route(method, &r.path),
            );
        }
    }
}

fn decorator_is_role_name(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name).to_ascii_lowercase();
    ["admin", "role", "permission", "staff", "superuser"]
        .iter()
        .any(|k| last.contains(k))
}
