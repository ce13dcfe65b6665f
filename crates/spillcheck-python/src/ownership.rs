//! Ownership: for each route, the ids it takes from the request, the loads they reach and
//! whether the caller's identity is compared with the object. Computed once with the model
//! (it sets each route's `owner_check`, which `spillcheck routes` shows and the probe reads);
//! SC102 reports from it.

use ruff_python_ast::{self as ast, Expr};

use crate::ast_util::callee_last;
use crate::evidence::identity_names;
use crate::facts::{
    LocalStrings, NameSet, Summaries, Taint, calls_in, exprs_in, involves_identity, is_data_call,
    reads_any,
};
use crate::model::{Model, OwnerCheck, RouteAuth, decorator_is_role};

/// What a route loads by ids the client names: kept for the routes whose owner check is
/// missing ([`OwnerCheck::Missing`]) or impossible ([`OwnerCheck::NoIdentity`]).
pub(crate) struct Loads<'a> {
    /// The ids, path parameters first.
    pub ids: Vec<String>,
    /// Some id comes from the path (else from the query or the body).
    pub from_path: bool,
    /// The calls that load data by them.
    pub sites: Vec<&'a ast::ExprCall>,
    /// Reads of a record store by them that are no call: `users[uid]`, `o["id"] == oid`
    /// over `for o in orders`.
    pub store_sites: Vec<&'a Expr>,
    /// Every id is a name (a title, a slug, a user name), none a number or key.
    pub named: bool,
    /// The parents checked for the caller when only a child is loaded unchecked
    /// (`customer_id` of `/customers/<customer_id>/invoices/<invoice_id>`).
    pub checked_parents: Vec<String>,
}

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
        // The short forms: `pid`, `oid`, `uid` (a payment's, an order's, a user's id).
        || n.len() == 3 && n.ends_with("id")
}

/// A path parameter that names one object by another key than a number: a title, a
/// slug, a user name, an e-mail (`/books/v1/{book_title}`, `/users/{username}`). Whether
/// what it loads is private is still decided by the evidence, as for numeric ids.
fn names_an_object(name: &str, converter: &str) -> bool {
    let n = name.to_ascii_lowercase();
    converter != "path"
        && [
            "title", "slug", "name", "username", "email", "login", "handle", "code", "ref",
        ]
        .iter()
        .any(|w| n == *w || n.ends_with(&format!("_{w}")))
}

/// Ids a handler takes from the query string or the body: names assigned from
/// `request.args.get("account_number")`, `data.get("card_id")` (where `data` is the body).
fn request_ids<'a>(func: &'a ruff_python_ast::StmtFunctionDef, taint: &Taint<'a>) -> Vec<&'a str> {
    let body_names = crate::facts::names_bound_to(&func.body, crate::patterns::is_body_dump);
    let body = taint.closure(&body_names);
    let mut out = Vec::new();
    for a in crate::facts::assigns_in(&func.body) {
        // `source.get("id")`, `source["id"]`, either first in an `or` (`request.headers.get(
        // "X-User-Id") or me.id`).
        let value = match a.value.as_ref() {
            Expr::BoolOp(b) => b.values.first().unwrap_or(&a.value),
            v => v,
        };
        let (source, key) = match value {
            Expr::Call(c) => {
                let Expr::Attribute(at) = c.func.as_ref() else {
                    continue;
                };
                if !matches!(at.attr.as_str(), "get" | "__getitem__") {
                    continue;
                }
                (at.value.as_ref(), c.arguments.args.first())
            }
            Expr::Subscript(sub) => (sub.value.as_ref(), Some(sub.slice.as_ref())),
            _ => continue,
        };
        let dotted = crate::ast_util::dotted(source);
        let from_request = dotted.as_deref().is_some_and(|d| {
            d.ends_with("request.args")
                || d.ends_with("request.values")
                || d.ends_with("request.form")
        }) || crate::patterns::is_body_dump(source)
            || matches!(source, Expr::Name(n) if body.contains(n.id.as_str()));
        let Some(key) = key.and_then(crate::ast_util::str_value) else {
            continue;
        };
        // A header the client writes that names an object (`X-User-Id`, `X-Account-Id`):
        // an id the request names like any other.
        let header = dotted
            .as_deref()
            .is_some_and(|d| d.ends_with("request.headers"))
            && !spillcheck_core::vocab::is_standard_header(key);
        let key = if header {
            let k = key.to_ascii_lowercase().replace('-', "_");
            k.strip_prefix("x_").map_or(k.clone(), str::to_owned)
        } else {
            key.to_owned()
        };
        if (from_request || header) && id_like(&key, "string") {
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
    external: &crate::facts::FileScope,
    stores: &crate::stores::Stores,
) -> bool {
    let on_store =
        matches!(call.func.as_ref(), Expr::Attribute(a) if stores.root(&a.value).is_some());
    if is_data_call(call) || on_store {
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

/// A record store read by an id with no call: `users[uid]`, and a record of a loop or a
/// comprehension over a store matched with the id (`for o in orders: if o["id"] ==
/// order_id`, `next(o for o in orders if o["id"] == order_id)`).
fn store_reads_by_id<'a>(
    func: &'a ast::StmtFunctionDef,
    stores: &crate::stores::Stores,
    ids: &NameSet<'_>,
) -> Vec<&'a Expr> {
    let mut out = Vec::new();
    if stores.is_empty() {
        return out;
    }
    let records = stores.record_names(&func.body);
    let from_store: NameSet<'_> = records.keys().copied().collect();
    exprs_in(&func.body, &mut |e| match e {
        Expr::Subscript(sub)
            if stores.container_ref(&sub.value).is_some() && reads_any(&sub.slice, ids) =>
        {
            out.push(e);
        }
        Expr::Compare(c) => {
            let mut operands = crate::ast_util::operands(c);
            if operands
                .clone()
                .any(|x| reads_any(x, &from_store) && !reads_any(x, ids))
                && operands.any(|x| reads_any(x, ids) && !reads_any(x, &from_store))
            {
                out.push(e);
            }
        }
        _ => {}
    });
    out
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
    let unjoined = unjoined_models(call);
    // A condition on another model than the one queried, with nothing joining the two
    // (`Person.query.filter(Person.id == i).filter(Project.id == g.project.id)`), is a
    // cartesian product: it holds for the row of any project, and scopes nothing.
    let filters_other_model = |l: &Expr| {
        !unjoined.is_empty()
            && crate::ast_util::any_expr(
                l,
                &mut |x| matches!(x, Expr::Attribute(a) if matches!(a.value.as_ref(), Expr::Name(n) if unjoined.contains(&n.id.as_str()))),
            )
    };
    if let Expr::Attribute(a) = call.func.as_ref()
        && involves_identity(&a.value, identity)
        && !filters_other_model(&a.value)
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
    let mut children: Vec<&Expr> = call
        .arguments
        .args
        .iter()
        .filter(|a| !filters_other_model(a))
        .collect();
    children.extend(call.arguments.keywords.iter().map(|k| &k.value));
    // `Note.query.filter_by(id=i).filter_by(owner_id=me)`: the id is in the receiver.
    if let Expr::Attribute(a) = call.func.as_ref()
        && reads_any(&a.value, ids)
    {
        children.push(&a.value);
    }
    scoped(&children, identity, ids, &bound, 0)
}

/// The models a query chain filters on without joining them to the model it queries:
/// for `Person.query.filter(Person.id == i).filter(Project.id == g.project.id)`,
/// `["Project"]`. Empty when the chain joins (`.join(...)`, a condition comparing a
/// column of each) or the queried model is not known.
fn unjoined_models(call: &ast::ExprCall) -> Vec<&str> {
    // The chain's calls, outermost first, down to what it queries.
    let mut calls: Vec<&ast::ExprCall> = vec![call];
    let mut queried: Option<&str> = None;
    let mut at: &Expr = call.func.as_ref();
    for _ in 0..16 {
        match at {
            Expr::Attribute(a) => {
                if a.attr.as_str() == "query"
                    && let Expr::Name(n) = a.value.as_ref()
                    && n.id.as_str().starts_with(|c: char| c.is_ascii_uppercase())
                {
                    queried = Some(n.id.as_str());
                    break;
                }
                at = a.value.as_ref();
            }
            Expr::Call(c) => {
                if callee_last(c) == Some("query")
                    && let [Expr::Name(n)] = c.arguments.args.as_ref()
                    && n.id.as_str().starts_with(|c: char| c.is_ascii_uppercase())
                {
                    queried = Some(n.id.as_str());
                    break;
                }
                calls.push(c);
                at = c.func.as_ref();
            }
            _ => break,
        }
    }
    let Some(queried) = queried else {
        return Vec::new();
    };
    if calls
        .iter()
        .any(|c| callee_last(c).is_some_and(|n| n.contains("join")))
    {
        return Vec::new();
    }
    fn class_of(e: &Expr) -> Option<&str> {
        match e {
            Expr::Attribute(a) => match a.value.as_ref() {
                Expr::Name(n) if n.id.as_str().starts_with(|c: char| c.is_ascii_uppercase()) => {
                    Some(n.id.as_str())
                }
                _ => None,
            },
            _ => None,
        }
    }
    let mut others: Vec<&str> = Vec::new();
    let mut linked = false;
    for c in &calls {
        if !matches!(callee_last(c), Some("filter" | "where")) {
            continue;
        }
        for arg in &c.arguments.args {
            crate::ast_util::each_expr(arg, &mut |x| {
                if let Expr::Compare(cmp) = x {
                    let classes: Vec<&str> = crate::ast_util::operands(cmp)
                        .filter_map(class_of)
                        .collect();
                    if classes.contains(&queried) && classes.iter().any(|k| *k != queried) {
                        linked = true;
                    }
                    for k in classes {
                        if k != queried && !others.contains(&k) {
                            others.push(k);
                        }
                    }
                }
            });
        }
    }
    if linked {
        return Vec::new();
    }
    others
}

/// Sets each route's `owner_check`; returns, per route, what it loads by ids the client
/// names when nothing compares the caller with the object.
pub(crate) fn analyze<'a>(
    model: &mut Model<'a>,
    summaries: &Summaries,
    externals: &[crate::facts::FileScope],
    taints: &crate::facts::Taints<'a>,
) -> Vec<Option<Loads<'a>>> {
    let mut out = Vec::with_capacity(model.routes.len());
    for site in &mut model.routes {
        out.push(route(site, summaries, externals, taints));
    }
    out
}

/// The handler's parameter that holds the path's parameters as one model: `path`, typed
/// with a class (`path: VisitPath`), where the handler takes none of the route's
/// parameters by their own names (flask-openapi3).
fn path_model<'a>(
    func: &'a ast::StmtFunctionDef,
    params: &[crate::model::PathParam],
) -> Option<&'a str> {
    let own = |n: &str| {
        func.parameters
            .iter_non_variadic_params()
            .any(|p| p.parameter.name.as_str() == n)
    };
    if params.iter().any(|p| own(&p.name)) {
        return None;
    }
    func.parameters.iter_non_variadic_params().find_map(|p| {
        let typed = p
            .parameter
            .annotation
            .as_deref()
            .and_then(crate::ast_util::dotted)
            .and_then(|d| d.rsplit('.').next().map(str::to_owned))
            .is_some_and(|last| last.starts_with(|c: char| c.is_ascii_uppercase()));
        (p.parameter.name.as_str() == "path" && crate::model::request_part(p) && typed)
            .then_some(p.parameter.name.as_str())
    })
}

fn route<'a>(
    site: &mut crate::model::RouteSite<'a>,
    summaries: &Summaries,
    externals: &[crate::facts::FileScope],
    taints: &crate::facts::Taints<'a>,
) -> Option<Loads<'a>> {
    let func: &'a ast::StmtFunctionDef = site.func;
    let taint = taints.of(func);
    let mut ids: Vec<String> = site
        .route
        .params
        .iter()
        .filter(|p| id_like(&p.name, &p.converter) || names_an_object(&p.name, &p.converter))
        .map(|p| p.name.clone())
        .collect();
    let from_path = !ids.is_empty();
    let named = site
        .route
        .params
        .iter()
        .all(|p| !id_like(&p.name, &p.converter));
    ids.extend(request_ids(func, &taint).into_iter().map(str::to_owned));
    let mut id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    if ids.is_empty() {
        return None;
    }
    // flask-openapi3 hands the path's parameters in one model (`def get_visit(path:
    // VisitPath)`, `path.visit_id`): its fields are the route's parameters.
    if from_path && let Some(model) = path_model(func, &site.route.params) {
        id_refs.push(model);
    }
    let id_names = taint.closure(&id_refs);
    // The id itself and plain copies of it (`pid = int(post_id)`): what a statement
    // scoped by the caller names beside the identity. Values computed from the loaded
    // object (`amount` from the card's currency) are not the id.
    let direct_ids = taint.closure_direct(&id_refs);
    let external = &externals[site.file_index];
    let stores = external.stores.seen_from(func);
    let sites: Vec<&'a ast::ExprCall> = calls_in(&func.body)
        .into_iter()
        .filter(|c| loads_by_id(c, &id_names, summaries, external, &stores))
        .collect();
    let store_sites = store_reads_by_id(func, &stores, &id_names);
    if sites.is_empty() && store_sites.is_empty() {
        return None;
    }
    let named = named && request_ids(func, &taint).is_empty();
    let loads = Loads {
        ids: ids.clone(),
        from_path,
        sites,
        store_sites,
        named,
        checked_parents: Vec::new(),
    };
    if !site.route.auth.required() {
        site.route.owner_check = OwnerCheck::NoIdentity;
        return Some(loads);
    }
    let role = site.role_restricted
        || func
            .decorator_list
            .iter()
            .any(|d| decorator_is_role(&d.expression, summaries))
        || summaries
            .own_facts(site.file_index, func, &externals[site.file_index])
            .checks_role
        || hands_on_role_refusal(&func.body, summaries)
        || calls_role_guard(&func.body, summaries)
        || matches!(&site.route.auth, RouteAuth::Decorator { name } if decorator_is_role_name(name));
    if role {
        site.route.owner_check = OwnerCheck::RoleRestricted;
        return None;
    }
    let identity = identity_names(site, &taint);
    // The object is also what a loop or a comprehension matched with the id (`for o in
    // orders: if o["id"] == order_id`): the names of the other side of such a comparison,
    // not the caller's own nor a class.
    let mut matched = id_names.clone();
    exprs_in(&func.body, &mut |e| {
        if let Expr::Compare(c) = e {
            let operands: Vec<&Expr> = crate::ast_util::operands(c).collect();
            if operands.iter().any(|x| reads_any(x, &id_names)) {
                for x in operands {
                    crate::ast_util::each_expr(x, &mut |y| {
                        if let Expr::Name(n) = y
                            && !involves_identity(y, &identity)
                            && !n.id.as_str().starts_with(|c: char| c.is_ascii_uppercase())
                        {
                            matched.insert(n.id.as_str());
                        }
                    });
                }
            }
        }
    });
    let mut compared = false;
    // A comparison of the caller with the object (or its id): `post.author_id !=
    // me.id`, `user_id != g.user["sub"]`, `o["owner"] == me` of the `o` matched with the
    // id. The caller compared with anything else (`amount > my_balance`) checks no
    // ownership.
    exprs_in(&func.body, &mut |e| {
        if let Expr::Compare(c) = e {
            let mut operands = crate::ast_util::operands(c);
            if operands.clone().any(|x| involves_identity(x, &identity))
                && operands.any(|x| !involves_identity(x, &identity) && reads_any(x, &matched))
            {
                compared = true;
            }
        }
    });
    // The object compared with what the caller may reach, worked out by a helper:
    // `if device.realm_id not in allowed_realm_ids: raise`, where `allowed_realm_ids =
    // _allowed_realm_ids(action)` reads the caller's grants (a realm-scoped admin).
    exprs_in(&func.body, &mut |e| {
        if let Expr::Compare(c) = e {
            let mut operands = crate::ast_util::operands(c);
            if operands.clone().any(names_a_grant) && operands.any(|x| reads_any(x, &id_names)) {
                compared = true;
            }
        }
    });
    let helper_checks = |c: &ast::ExprCall| {
        crate::facts::linkable_call(c, external)
            && callee_last(c).is_some_and(|n| summaries.checks_owner.contains(n))
            // A loader that says it applies the caller's access list (`Sketch.get_with_acl(
            // sketch_id)`, `Project.get_for_user(id)`, `accessible_by_user(...)`).
            || callee_last(c).is_some_and(|n| {
                let n = n.to_ascii_lowercase();
                n.contains("with_acl")
                    || n.ends_with("_acl")
                    || n.contains("for_user")
                    || n.contains("for_current_user")
                    || n.contains("accessible")
                    || n.contains("visible_to")
            })
    };
    // `session["grid"][trans_id]`: an id that keys the caller's own session.
    let mut session_keyed = false;
    exprs_in(&func.body, &mut |e| {
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
    // The loaded object handed to a helper that compares it with the caller, the request
    // refused when it says no (`if n is None or not visible(n): abort(404)`).
    compared |= refused_unless_helper_agrees(&func.body, &matched, &|c| {
        crate::facts::linkable_call(c, external)
            && callee_last(c).is_some_and(|n| {
                summaries.checks_owner.contains(n)
                    || summaries.unique(n)
                        && summaries
                            .by_name
                            .get(n)
                            .is_some_and(|f| f.compares_identity)
            })
    });
    // The loaded object handed to a permission check the request is refused without
    // (`if not Permission(IsAtleastModeratorInForum(forum=topic.forum)): return redirect(…)`,
    // `if not can_edit(post): abort(403)`): the caller's rights on it, checked.
    compared |= refused_unless_helper_agrees(&func.body, &matched, &names_a_permission_check);
    // A parent asked about instead (`check_version_access(refcode)` refused on no), and
    // every load bound to it (`delete_one({"_id": version_id, "refcode": refcode})`).
    let params: Vec<String> = site.route.params.iter().map(|p| p.name.clone()).collect();
    let gated: NameSet<'_> = params
        .iter()
        .map(String::as_str)
        .filter(|p| {
            refused_unless_helper_agrees(
                &func.body,
                &std::iter::once(*p).collect(),
                &names_a_permission_check,
            )
        })
        .collect();
    compared |= !gated.is_empty() && loads.sites.iter().all(|c| call_reads_any(c, &gated));
    // The loaded object (or its owner field) handed to a helper that compares it with the
    // caller and refuses by itself: `require_owner(image["author"])`, `own_or_404(note)`.
    // Only a helper that itself compares and refuses: one that merely scopes a query by
    // the caller (`record_view(post.id)` inserting the caller's view) checks nothing.
    let refuses_unless_owner = |c: &ast::ExprCall| {
        crate::facts::linkable_call(c, external)
            && callee_last(c).is_some_and(|n| {
                summaries.unique(n)
                    && summaries
                        .by_name
                        .get(n)
                        .is_some_and(|f| f.compares_identity && (f.rejects || f.withholds))
            })
    };
    compared |= calls_in(&func.body).into_iter().any(|c| {
        refuses_unless_owner(c) && crate::patterns::call_values(c).any(|a| reads_any(a, &matched))
    });
    // The id handed to the project's own verifier, which refuses by itself
    // (`self._verify_sketch_and_datasource(sketch_id, datasource_id)`, `ensure_access(id)`)
    // and whose name says it checks: the caller's access is its job.
    compared |= calls_in(&func.body).into_iter().any(|c| {
        callee_last(c).is_some_and(|name| {
            let n = name.trim_start_matches('_').to_ascii_lowercase();
            [
                "verify",
                "validate",
                "check",
                "ensure",
                "assert",
                "authorize",
                "require",
            ]
            .iter()
            .any(|w| n.starts_with(w))
                && summaries.by_name.get(name).is_some_and(|f| f.rejects)
        }) && crate::patterns::call_values(c).any(|a| reads_any(a, &id_names))
    });
    // The loaded object asked about the caller (`if not msg.owned_by(current_user): abort(404)`,
    // `project.has_member(me.id)`): a predicate of the caller's relation to it.
    compared |= calls_in(&func.body).into_iter().any(|c| {
        callee_last(c).is_some_and(crate::facts::relation_predicate)
            && crate::patterns::call_values(c).any(|a| involves_identity(a, &identity))
            && (matches!(c.func.as_ref(), Expr::Attribute(a) if reads_any(&a.value, &matched))
                || c.arguments.args.iter().any(|a| reads_any(a, &matched)))
    });
    // A lookup of the caller's relation to the object, the request refused when it finds
    // none (`if board is None or _membership(board["id"], user) is None: return …, 404`,
    // `if not grants.get(doc.id, me): abort(403)`): what joins the two is the check.
    compared |= refused_unless_helper_agrees(&func.body, &matched, &|c| {
        crate::patterns::call_values(c).any(|a| involves_identity(a, &identity))
    });
    // The identity as a value a statement inserts is no check of what it reads.
    let locals_check = LocalStrings::of_body(&func.body);
    let inserts = |c: &ast::ExprCall| {
        locals_check
            .sql(c)
            .is_some_and(|q| q.trim_start().to_ascii_lowercase().starts_with("insert"))
    };
    if compared {
        site.route.owner_check = OwnerCheck::Checked;
        return None;
    }
    // A document filter that spreads the project's own terms for the caller
    // (`find_one({"item_id": i, **get_default_permissions(user_only=True)})`).
    let spreads_callers_terms = |c: &ast::ExprCall| {
        c.arguments.args.first().is_some_and(|a| {
            matches!(a, Expr::Dict(d) if d.items.iter().any(|i| {
                i.key.is_none()
                    && matches!(&i.value, Expr::Call(h) if crate::facts::linkable_call(h, external)
                        && callee_last(h).is_some_and(|n| summaries.uses_identity_within(n, 2)))
            }))
        })
    };
    let covered = |c: &ast::ExprCall| {
        scoped_by_identity(c, &identity, &direct_ids, &func.body) && !inserts(c)
            || helper_checks(c)
            || spreads_callers_terms(c)
    };
    if loads.sites.iter().any(|c| covered(c)) {
        // A parent checked for the caller and a child loaded by its own id alone, bound to
        // nothing checked (`own_customer_or_404(customer_id)` then `db.session.get(Invoice,
        // invoice_id)`): the caller's parent with another's child reads the other's.
        let Some((child, parents, loose)) =
            children_unbound_to_checked_parent(site, func, &loads.sites, &covered)
        else {
            site.route.owner_check = OwnerCheck::Checked;
            return None;
        };
        site.route.owner_check = OwnerCheck::Missing;
        return Some(Loads {
            ids: vec![child],
            sites: loose,
            store_sites: Vec::new(),
            checked_parents: parents,
            ..loads
        });
    }
    // Reads of the caller's own records by a value of the loaded object
    // (`Submission.query.filter_by(team_id=me.team_id, challenge_id=challenge.id)`) are
    // not what the id reaches unchecked: the unchecked load is the other one (the
    // challenge), and only its record says whether the object is private.
    let mut loads = loads;
    // An insert that writes the caller as the owner (`db.session.add(Submission(
    // team_id=me.team_id, challenge_id=challenge.id))`) makes one of the caller's own.
    fn own_record(
        call: &ast::ExprCall,
        identity: &NameSet<'_>,
        ids: &NameSet<'_>,
        body: &[ast::Stmt],
        depth: usize,
    ) -> bool {
        if scoped_by_identity(call, identity, ids, body) {
            return true;
        }
        // Its chain (`.filter_by(...).first()`) and the record it is handed.
        let receiver = match call.func.as_ref() {
            Expr::Attribute(a) => a.value.as_call_expr(),
            _ => None,
        };
        depth < 4
            && receiver
                .into_iter()
                .chain(call.arguments.args.iter().filter_map(Expr::as_call_expr))
                .any(|c| own_record(c, identity, ids, body, depth + 1))
    }
    let others: Vec<&ast::ExprCall> = loads
        .sites
        .iter()
        .copied()
        .filter(|c| !own_record(c, &identity, &id_names, &func.body, 0))
        .collect();
    if !others.is_empty() {
        loads.sites = others;
    }
    site.route.owner_check = OwnerCheck::Missing;
    Some(loads)
}

/// The load sites of a nested route (`/customers/<customer_id>/invoices/<invoice_id>`)
/// that read its last path parameter by that id alone, when an earlier path parameter is
/// loaded for the caller: nothing in the site names the checked parent or what was loaded
/// through it (`filter_by(id=invoice_id, customer_id=customer_id)`,
/// `customer.invoices.filter_by(id=…)`), nothing compares what it loaded with them
/// (`if invoice.customer_id != customer.id: abort(404)`), and it is not handed to the parent
/// (`customer.tags.remove(tag)`, a link between the two, not a read of the child).
fn children_unbound_to_checked_parent<'a>(
    site: &crate::model::RouteSite<'a>,
    func: &'a ast::StmtFunctionDef,
    sites: &[&'a ast::ExprCall],
    covered: &dyn Fn(&ast::ExprCall) -> bool,
) -> Option<(String, Vec<String>, Vec<&'a ast::ExprCall>)> {
    let params: Vec<&str> = site.route.params.iter().map(|p| p.name.as_str()).collect();
    let [parents @ .., child] = params.as_slice() else {
        return None;
    };
    if parents.is_empty() || !id_like(child, "") && !names_an_object(child, "") {
        return None;
    }
    let assigns = crate::facts::assigns_in(&func.body);
    let target_of = |c: &ast::ExprCall| -> Vec<&'a str> {
        assigns
            .iter()
            .filter(|a| {
                crate::ast_util::any_expr(
                    &a.value,
                    &mut |e| matches!(e, Expr::Call(x) if std::ptr::eq(x, c)),
                )
            })
            .flat_map(|a| a.targets.iter().flat_map(crate::ast_util::target_names))
            .collect()
    };
    // The checked parents and what was loaded for the caller through them.
    let mut bound: NameSet<'_> = NameSet::default();
    for c in sites.iter().filter(|c| covered(c)) {
        for p in parents {
            if call_reads_any(c, &std::iter::once(*p).collect()) {
                bound.insert(p);
            }
        }
        bound.extend(target_of(c));
    }
    let checked: Vec<String> = parents
        .iter()
        .filter(|p| bound.contains(*p))
        .map(|p| (*p).to_owned())
        .collect();
    if checked.is_empty() {
        return None;
    }
    let child_names: NameSet<'_> = std::iter::once(*child).collect();
    // A statement scoped by the caller that names the child too (`SELECT id FROM bookings
    // WHERE id = :bid AND plot_id = :pid AND user_id = :uid`, refused when it finds
    // nothing) checks the child itself: what follows by its id alone is the caller's.
    if sites
        .iter()
        .any(|c| covered(c) && call_reads_any(c, &child_names))
    {
        return None;
    }
    let mut loose = Vec::new();
    for c in sites.iter().copied().filter(|c| !covered(c)) {
        if !call_reads_any(c, &child_names) || call_reads_any(c, &bound) {
            continue;
        }
        let mine: NameSet<'_> = target_of(c).into_iter().collect();
        let mut tied = false;
        exprs_in(&func.body, &mut |e| match e {
            Expr::Compare(cmp) => {
                let operands: Vec<&Expr> = crate::ast_util::operands(cmp).collect();
                if operands.iter().any(|x| reads_any(x, &mine))
                    && operands.iter().any(|x| reads_any(x, &bound))
                {
                    tied = true;
                }
            }
            Expr::Call(k) => {
                let on_parent =
                    matches!(k.func.as_ref(), Expr::Attribute(a) if reads_any(&a.value, &bound));
                if on_parent && crate::patterns::call_values(k).any(|a| reads_any(a, &mine)) {
                    tied = true;
                }
            }
            _ => {}
        });
        if !tied {
            loose.push(c);
        }
    }
    (!loose.is_empty()).then(|| ((*child).to_owned(), checked, loose))
}

/// A call whose name says it asks for the caller's rights (`can_edit`, `has_permission`,
/// `check_version_access`, `is_authorized`).
fn names_a_permission_check(c: &ast::ExprCall) -> bool {
    callee_last(c).is_some_and(|n| {
        let n = n.to_ascii_lowercase();
        n.contains("permission")
            || n.starts_with("can_")
            || n.starts_with("may_")
            || n.contains("authoriz")
            || n.contains("access") && !n.contains("log")
    })
}

/// Whether a call reads one of `names`: in its callee's chain or its arguments.
fn call_reads_any(c: &ast::ExprCall, names: &NameSet<'_>) -> bool {
    reads_any(&c.func, names) || crate::patterns::call_values(c).any(|a| reads_any(a, names))
}

/// Whether an `if` whose body refuses the request tests a call `agrees` accepts on the
/// loaded object (`if not visible(note): abort(404)`), anywhere in the body.
fn refused_unless_helper_agrees(
    body: &[ruff_python_ast::Stmt],
    ids: &NameSet<'_>,
    agrees: &dyn Fn(&ast::ExprCall) -> bool,
) -> bool {
    // The object handed over, or asked itself (`sketch.has_permission(user, "write")`).
    let asks = |c: &ast::ExprCall| {
        agrees(c)
            && (c.arguments.args.iter().any(|a| reads_any(a, ids))
                || matches!(c.func.as_ref(), Expr::Attribute(a) if reads_any(&a.value, ids)))
    };
    // Its answer kept in a name first (`has_access, _ = check_version_access(refcode)`,
    // then `if not has_access: return …, 404`).
    let verdicts: NameSet<'_> = crate::facts::assigns_in(body)
        .into_iter()
        .filter(|a| matches!(a.value.as_ref(), Expr::Call(c) if asks(c)))
        .flat_map(|a| a.targets.iter().flat_map(crate::ast_util::target_names))
        .collect();
    refusal_tests(body, &|test| {
        crate::ast_util::any_expr(test, &mut |e| {
            matches!(e, Expr::Call(c) if asks(c))
                || matches!(e, Expr::Name(n) if verdicts.contains(n.id.as_str()))
        })
    })
}

/// Whether an `if` whose body refuses the request has a test `tests` accepts, anywhere in
/// the body.
fn refusal_tests(body: &[ruff_python_ast::Stmt], tests: &dyn Fn(&Expr) -> bool) -> bool {
    use ruff_python_ast::Stmt;
    body.iter().any(|s| match s {
        Stmt::If(i) => {
            let tests_it = tests(&i.test);
            // Any way out counts: `abort(404)` hides the object as well as 403 refuses it.
            tests_it
                && i.body.iter().any(|b| {
                    matches!(b, Stmt::Raise(_) | Stmt::Return(_))
                        || crate::facts::is_rejection(b)
                        || matches!(b, Stmt::Expr(e) if matches!(e.value.as_ref(), Expr::Call(c) if callee_last(c) == Some("abort")))
                })
                || refusal_tests(&i.body, tests)
                || i.elif_else_clauses
                    .iter()
                    .any(|c| refusal_tests(&c.body, tests))
        }
        Stmt::With(w) => refusal_tests(&w.body, tests),
        Stmt::Try(t) => refusal_tests(&t.body, tests),
        Stmt::For(f) => refusal_tests(&f.body, tests),
        _ => false,
    })
}

/// Words of what a caller is allowed to reach (`allowed_realm_ids`, `permitted_projects`,
/// `accessible_accounts(user)`).
const GRANT_WORDS: &[&str] = &[
    "allowed",
    "permitted",
    "authorized",
    "authorised",
    "accessible",
    "granted",
];

/// Whether an operand is the set of things the caller may reach: a name or a call whose
/// name says so.
fn names_a_grant(x: &Expr) -> bool {
    let name = match x {
        Expr::Name(n) => Some(n.id.as_str()),
        Expr::Attribute(a) => Some(a.attr.as_str()),
        Expr::Call(c) => callee_last(c),
        _ => None,
    };
    name.is_some_and(|n| {
        let n = n.to_ascii_lowercase();
        GRANT_WORDS.iter().any(|w| n.contains(w))
    })
}

/// Whether the handler calls, as a statement of its own, a project helper that refuses
/// callers without a role (`require_librarian()` whose `if not me().is_librarian:
/// abort(403)`): its answer is ignored, so the helper stops the request itself.
fn calls_role_guard(body: &[ast::Stmt], summaries: &crate::facts::Summaries) -> bool {
    body.iter().any(|s| {
        matches!(s, ast::Stmt::Expr(e) if matches!(e.value.as_ref(), Expr::Call(c)
            if callee_last(c).is_some_and(|n| summaries.unique(n) && summaries.role_checks.contains(n))))
    })
}

/// Whether a view answers with what a role check hands it: `err = admin_required()` then
/// `if err: return err` (or `if err is not None:`), where the helper itself compares a role
/// and returns a refusal (`if not user.is_admin: return jsonify(...), 403`). The route is
/// then a role's, as it would be with the check inline.
fn hands_on_role_refusal(body: &[ast::Stmt], summaries: &crate::facts::Summaries) -> bool {
    let mut refusals: Vec<&str> = Vec::new();
    for stmt in body {
        match stmt {
            ast::Stmt::Assign(a) => {
                if let [Expr::Name(target)] = a.targets.as_slice()
                    && let Expr::Call(c) = a.value.as_ref()
                    && let Some(helper) = callee_last(c)
                    && summaries.definitions.get(helper) == Some(&1)
                    && summaries.by_name.get(helper).is_some_and(|f| f.checks_role)
                {
                    refusals.push(target.id.as_str());
                }
            }
            ast::Stmt::If(i) if !refusals.is_empty() => {
                let tested = |name: &str| {
                    let mut hit = false;
                    crate::ast_util::each_expr(&i.test, &mut |e| {
                        hit |= matches!(e, Expr::Name(n) if n.id.as_str() == name);
                    });
                    hit
                };
                let returns = |name: &str| {
                    i.body.iter().any(|s| {
                        matches!(s, ast::Stmt::Return(r) if r.value.as_deref().is_some_and(
                            |v| matches!(v, Expr::Name(n) if n.id.as_str() == name)
                        ))
                    })
                };
                if refusals.iter().any(|r| tested(r) && returns(r)) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

fn decorator_is_role_name(name: &str) -> bool {
    spillcheck_core::vocab::mentions_role(name.rsplit('.').next().unwrap_or(name))
}
