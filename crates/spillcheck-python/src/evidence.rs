//! What each route does with data, for the rules that must tell a private object from a
//! public one: which models it loads, whether it writes, which fields its answer can
//! carry. Computed once per route, after the model is built.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use ruff_python_ast::{self as ast, Expr};

use crate::ast_util::callee_last;
use crate::data_models::DataModels;
use crate::facts::{
    LocalStrings, Summaries, Taint, call_models, calls_in, is_data_call, is_select_star,
    linkable_call, returns_in, sql_of,
};
use crate::model::RouteSite;

/// Model names that stand for people: their records are private by themselves when
/// they hold more than a public handle.
const PERSON_MODELS: &[&str] = &[
    "user", "account", "customer", "member", "profile", "person", "patient", "employee", "client",
    "student",
];

/// What one route does with data.
#[derive(Debug, Default, Clone)]
pub(crate) struct RouteData {
    /// Models and tables its handler (or its helpers) touch.
    pub models: Vec<String>,
    /// The models its own queries are about: the `FROM` table of its SQL (not the tables
    /// it joins) and the models of its ORM calls.
    pub primary: Vec<String>,
    /// It writes data (a write statement, a commit, a delete).
    pub writes: bool,
    /// Field names its answer can carry: keys of the dicts it and its helpers build, and
    /// the columns of whole records it returns.
    pub response_fields: Vec<String>,
    /// Its queries select public rows (`visibility == PUBLIC`, `is_public`, `published`).
    pub filters_public: bool,
    /// It answers with a file (`send_file`, `send_from_directory`).
    pub serves_file: bool,
    /// It answers with records of a record store whole (`jsonify(user)`): where, and the
    /// secret fields (with their model) the records of the stores it reads hold.
    pub whole_store_answer: Option<(ruff_text_size::TextRange, Vec<(String, String)>)>,
}

/// Words of a column or value that selects public rows.
const PUBLIC_FILTER_WORDS: &[&str] = &["public", "visibility", "published", "visible", "is_shared"];

fn mentions_public(expr: &Expr) -> bool {
    crate::ast_util::any_expr(expr, &mut |e| {
        let text = match e {
            Expr::Attribute(a) => a.attr.to_ascii_lowercase(),
            Expr::Name(n) => n.id.to_ascii_lowercase(),
            Expr::StringLiteral(s) => s.value.to_str().to_ascii_lowercase(),
            _ => return false,
        };
        PUBLIC_FILTER_WORDS.iter().any(|w| text.contains(w))
    })
}

impl RouteData {
    /// Personal or secret fields in the answer, including a contact address.
    pub(crate) fn returns_personal(&self) -> Option<&str> {
        self.response_fields
            .iter()
            .find(|f| {
                spillcheck_core::vocab::is_personal_field(f)
                    || spillcheck_core::vocab::is_sensitive_field(f)
                    || contact_of_someone(f)
            })
            .map(String::as_str)
    }

    /// Private or secret fields in the answer: more than a contact address.
    pub(crate) fn returns_private(&self) -> Option<&str> {
        self.response_fields
            .iter()
            .find(|f| {
                spillcheck_core::vocab::is_private_field(f)
                    || spillcheck_core::vocab::is_sensitive_field(f)
            })
            .map(String::as_str)
    }
}

/// Someone's contact by the field's last words: `visitor_email`, `host_phone`,
/// `guardianMobile`.
fn contact_of_someone(field: &str) -> bool {
    let n = spillcheck_core::vocab::normalize(field);
    ["email", "phone", "phonenumber", "mobile"]
        .iter()
        .any(|w| n.ends_with(w) && n.len() > w.len())
}

/// Whether a model stands for a person.
pub(crate) fn is_person_model(key: &str) -> bool {
    PERSON_MODELS.contains(&key)
}

/// Computes [`RouteData`] for every route.
pub(crate) fn route_data<'a>(
    routes: &[RouteSite<'a>],
    summaries: &Summaries,
    models: &DataModels,
    externals: &[crate::facts::FileScope],
    taints: &crate::facts::Taints<'a>,
) -> Vec<RouteData> {
    routes
        .iter()
        .map(|site| one(site, summaries, models, &externals[site.file_index], taints))
        .collect()
}

/// The columns a `SELECT` names (`SELECT s.id, s.secret_value AS value, u.email FROM …`):
/// `id`, `secret_value`, `email`; none for `SELECT *` or anything else.
fn selected_columns(sql: &str) -> Vec<String> {
    let lower = sql.to_ascii_lowercase();
    let Some(list) = lower
        .trim_start()
        .strip_prefix("select")
        .and_then(|rest| rest.split(" from ").next())
    else {
        return Vec::new();
    };
    list.split(',')
        .filter_map(|col| {
            let col = col.trim();
            let col = col.split(" as ").next().unwrap_or(col).trim();
            let name = col.rsplit('.').next().unwrap_or(col).trim();
            (!name.is_empty()
                && name != "*"
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .then(|| name.to_owned())
        })
        .collect()
}

fn one<'a>(
    site: &RouteSite<'a>,
    summaries: &Summaries,
    models: &DataModels,
    external: &crate::facts::FileScope,
    taints: &crate::facts::Taints<'a>,
) -> RouteData {
    let func = site.func;
    let own = summaries.own_facts(site.file_index, func, external);
    let mut data = RouteData::default();
    for m in &own.models {
        push(&mut data.models, m);
    }
    data.response_fields.extend(own.dict_keys.iter().cloned());
    // Writes: a helper that runs the SQL it is given (`execute_query("SELECT ...")`) writes
    // only when that SQL does.
    let locals = LocalStrings::of_body(&func.body);
    for call in calls_in(&func.body) {
        if let Some(sql) = locals.sql(call) {
            data.writes |= crate::facts::sql_writes(&sql);
            // The columns a SELECT names are what its rows carry to the answer.
            data.response_fields.extend(selected_columns(&sql));
            let tables = crate::facts::sql_tables(&sql);
            if let Some(first) = tables.first() {
                push(&mut data.primary, first);
            }
            for m in tables {
                push(&mut data.models, &m);
            }
            continue;
        }
        if is_data_call(call) {
            for m in call_models(call) {
                push(&mut data.primary, &m);
            }
            if call.arguments.args.iter().any(mentions_public)
                || call.arguments.keywords.iter().any(|k| {
                    k.arg.as_ref().is_some_and(|a| {
                        let a = a.to_ascii_lowercase();
                        PUBLIC_FILTER_WORDS.iter().any(|w| a.contains(w))
                    })
                })
            {
                data.filters_public = true;
            }
        }
        if matches!(callee_last(call), Some("send_file" | "send_from_directory")) {
            data.serves_file = true;
        }
        if (is_data_call(call) || crate::facts::is_write_call(call)) && locals.writes(call)
            || linkable_call(call, external)
                && callee_last(call).is_some_and(|n| summaries.writes_within(n, 2))
        {
            data.writes = true;
        }
    }
    // SQL written in the handler and run elsewhere (a batch handed to a helper).
    crate::facts::exprs_in(&func.body, &mut |e| {
        if let Some(text) = crate::ast_util::literal_text(e)
            && crate::facts::is_sql(&text)
        {
            for m in crate::facts::sql_tables(&text) {
                push(&mut data.models, &m);
            }
        }
    });
    for callee in &own.calls {
        if !summaries.by_name.contains_key(callee) {
            continue;
        }
        for m in summaries.models_of(callee) {
            push(&mut data.models, &m);
        }
        // A helper's dicts (`user_to_dict(user)`) are what the handler answers with; a
        // method name several classes define (`serialize`) says nothing of which one runs.
        if let Some(f) = summaries
            .by_name
            .get(callee)
            .filter(|_| summaries.unique(callee))
        {
            data.response_fields.extend(f.dict_keys.iter().cloned());
            // What that helper returns is made of another's results (`return
            // [User.json_debug(u) for u in User.query.all()]`) when the handler answers
            // with it: that one's dicts too.
            if own.returned_calls.iter().any(|r| r == callee) {
                for inner in summaries.made_of(callee) {
                    if let Some(g) = summaries.by_name.get(inner) {
                        data.response_fields.extend(g.dict_keys.iter().cloned());
                    }
                }
            }
        }
    }
    let taint = taints.of(func);
    if !external.stores.is_empty() {
        store_data(func, &external.stores.seen_from(func), &mut data);
    }
    // Whole records returned: `SELECT *` rows, and rows of helpers that select them.
    let whole = taint.flagged(|f| f.whole_record);
    let mut star_models: Vec<String> = Vec::new();
    for call in calls_in(&func.body) {
        if is_data_call(call) && sql_of(call).is_some_and(|q| is_select_star(&q)) {
            star_models.extend(call_models(call));
        } else if linkable_call(call, external)
            && let Some(name) = callee_last(call)
            && let Some(f) = summaries.by_name.get(name)
            && f.selects_star
        {
            star_models.extend(summaries.models_of(name));
        }
    }
    if !star_models.is_empty() {
        // A record handed to the project's own projection (`_public(row)` returning named
        // fields) is answered through it, not whole.
        let projecting = |c: &ast::ExprCall| {
            linkable_call(c, external)
                && callee_last(c).is_some_and(|n| {
                    summaries.unique(n) && summaries.by_name.get(n).is_some_and(|f| f.projects)
                })
        };
        let mut projected: Vec<ruff_text_size::TextRange> = Vec::new();
        crate::facts::exprs_in(&func.body, &mut |e| {
            if let Expr::Call(c) = e
                && projecting(c)
                && crate::patterns::call_values(c).any(|a| crate::facts::reads_any(a, &whole))
            {
                projected.push(ruff_text_size::Ranged::range(&c.arguments));
            }
        });
        let whole_outside = |v: &Expr| {
            crate::ast_util::any_expr(v, &mut |e| {
                matches!(e, Expr::Name(n) if whole.contains(n.id.as_str())
                    && !projected.iter().any(|r| r.contains_range(n.range)))
            })
        };
        let mut returned = false;
        returns_in(&func.body, &mut |r| {
            if r.value
                .as_ref()
                .is_some_and(|v| whole_outside(v) || returns_helper_row(v, summaries))
            {
                returned = true;
            }
        });
        if returned || !whole.is_empty() && projected.is_empty() {
            for m in &star_models {
                if let Some(fields) = models.fields(m) {
                    data.response_fields.extend(fields.iter().cloned());
                }
            }
        }
    }
    data
}

/// What a handler does with the file's record stores: the models it reads (its primary
/// ones), a change to a record it took from one (`user.update(data)`, `entry["secret"] =
/// ...`: the stored dict itself), and the fields of the records it answers whole
/// (`jsonify(user)`, `jsonify(list(users.values()))`), from their own store.
fn store_data(func: &ast::StmtFunctionDef, stores: &crate::stores::Stores, data: &mut RouteData) {
    let mut read: Vec<String> = Vec::new();
    crate::facts::exprs_in(&func.body, &mut |e| {
        if let Some(m) = stores.model_of(e) {
            push(&mut read, &m);
        }
    });
    if read.is_empty() {
        return;
    }
    for m in &read {
        push(&mut data.primary, m);
        push(&mut data.models, m);
    }
    let records = stores.record_names(&func.body);
    let is_record = |e: &Expr| matches!(e, Expr::Name(n) if records.contains_key(n.id.as_str()));
    crate::facts::exprs_in(&func.body, &mut |e| {
        if let Expr::Call(c) = e
            && let Expr::Attribute(a) = c.func.as_ref()
            && matches!(
                a.attr.as_str(),
                "update" | "pop" | "setdefault" | "clear" | "append"
            )
            && is_record(&a.value)
        {
            data.writes = true;
        }
    });
    for a in crate::facts::assigns_in(&func.body) {
        if a.targets.iter().any(
            |t| matches!(t, Expr::Subscript(s) if is_record(&s.value) || stores.root(t).is_some()),
        ) {
            data.writes = true;
        }
    }
    let mut answered: Vec<crate::stores::StoreRef> = Vec::new();
    let mut at = None;
    returns_in(&func.body, &mut |r| {
        if let Some(v) = r.value.as_deref() {
            let before = answered.len();
            answers_whole(v, &records, stores, &mut answered);
            if at.is_none() && answered.len() > before {
                at = Some(ruff_text_size::Ranged::range(v));
            }
        }
    });
    let Some(at) = at else { return };
    let mut secrets: Vec<(String, String)> = Vec::new();
    for r in &answered {
        let Some(fields) = stores.fields(r) else {
            continue;
        };
        let mut fields: Vec<&String> = fields.iter().collect();
        fields.sort();
        for f in fields {
            push(&mut data.response_fields, f);
            let pair = (crate::stores::Stores::model(r), f.clone());
            if spillcheck_core::vocab::is_sensitive_field(f) && !secrets.contains(&pair) {
                secrets.push(pair);
            }
        }
    }
    data.whole_store_answer = Some((at, secrets));
}

/// The containers whose records an answer holds whole: a record's name itself (not one
/// of its items or attributes), a store read by a key, a container, anywhere in the
/// serializer call, list or dict it is built of.
fn answers_whole(
    e: &Expr,
    records: &HashMap<&str, crate::stores::StoreRef>,
    stores: &crate::stores::Stores,
    out: &mut Vec<crate::stores::StoreRef>,
) {
    let mut add = |r: crate::stores::StoreRef| {
        if !out.contains(&r) {
            out.push(r);
        }
    };
    match e {
        Expr::Name(_) | Expr::Subscript(_) => {
            if let Some(r) = stores
                .record_of(e, records)
                .or_else(|| stores.container_ref(e))
            {
                add(r);
            }
        }
        // What serializes or copies it (a project helper given the record answers with
        // what it makes of it, not the record).
        Expr::Call(c)
            if !matches!(
                callee_last(c),
                Some(
                    "jsonify"
                        | "make_response"
                        | "dumps"
                        | "dict"
                        | "list"
                        | "sorted"
                        | "Response"
                        | "copy"
                        | "deepcopy"
                        | "values"
                ) | None
            ) => {}
        Expr::Call(c) => {
            match c.func.as_ref() {
                Expr::Attribute(a) if matches!(a.attr.as_str(), "values" | "copy") => {
                    answers_whole(&a.value, records, stores, out);
                }
                _ => {}
            }
            // `sorted(users)` of a dict: its keys, not its records.
            let iterates = matches!(callee_last(c), Some("list" | "sorted"));
            for a in &c.arguments.args {
                if iterates
                    && stores.container_ref(a).is_some()
                    && stores.collection_ref(a).is_none()
                {
                    continue;
                }
                answers_whole(a, records, stores, out);
            }
            for k in &c.arguments.keywords {
                answers_whole(&k.value, records, stores, out);
            }
        }
        Expr::Dict(d) => {
            for i in &d.items {
                answers_whole(&i.value, records, stores, out);
            }
        }
        Expr::List(l) => {
            for x in &l.elts {
                answers_whole(x, records, stores, out);
            }
        }
        Expr::Tuple(t) => {
            if let Some(x) = t.elts.first() {
                answers_whole(x, records, stores, out);
            }
        }
        Expr::ListComp(c) => answers_whole(&c.elt, records, stores, out),
        _ => {}
    }
}

fn returns_helper_row(value: &Expr, summaries: &Summaries) -> bool {
    crate::ast_util::any_expr(
        value,
        &mut |e| matches!(e, Expr::Call(c) if callee_last(c).is_some_and(|n| summaries.by_name.get(n).is_some_and(|f| f.selects_star))),
    )
}

fn push(v: &mut Vec<String>, m: &str) {
    if !v.iter().any(|x| x == m) {
        v.push(m.to_owned());
    }
}

/// Models that some authenticated route *reads* only for its caller — a query that
/// matches an owner field with the identity (`filter_by(owner_id=me)`, `WHERE user_id = ?`
/// given the identity, `current_user.orders`): the project treats them as private.
/// Writes restricted to the owner say nothing (only authors edit public posts), and
/// fetching the caller's own record (`get(User, me)`) says nothing of other records.
pub(crate) fn identity_scoped_models<'a>(
    routes: &[RouteSite<'a>],
    summaries: &Summaries,
    externals: &[crate::facts::FileScope],
    taints: &crate::facts::Taints<'a>,
) -> HashSet<String> {
    let mut out = HashSet::default();
    for site in routes {
        if !site.route.auth.required() || !site.route.methods.iter().all(|m| m == "GET") {
            continue;
        }
        let taint = taints.of(site.func);
        let identity = identity_names(site, &taint);
        out.extend(store_scoped(
            site.func,
            &externals[site.file_index].stores.seen_from(site.func),
            &identity,
        ));
        // A GET that serves an edit form (`/posts/<id>/edit`) checks the author of what
        // everyone may read.
        if !site.route.path.contains("edit") {
            out.extend(records_checked(site.func, &identity));
            out.extend(children_of_owned(site.func, summaries));
        }
        let locals = LocalStrings::of_body(&site.func.body);
        for call in calls_in(&site.func.body) {
            // The table a scoped query reads (its FROM table, not the ones it joins).
            let models: Vec<String> = if let Some(sql) = locals.sql(call) {
                crate::facts::sql_tables(&sql).into_iter().take(1).collect()
            } else if is_data_call(call) {
                call_models(call)
            } else {
                continue;
            };
            out.extend(scoped_by_owner(call, &locals, &identity, &models));
        }
    }
    out
}

/// The record stores a handler reads only for its caller: a record taken from one
/// (`order = next(o for o in orders if ...)`, `for o in orders`) whose owner field is
/// compared with the caller (`order["owner"] != request.current_user_id`).
fn store_scoped(
    func: &ast::StmtFunctionDef,
    stores: &crate::stores::Stores,
    identity: &crate::facts::NameSet<'_>,
) -> Vec<String> {
    let mut out = Vec::new();
    if stores.is_empty() {
        return out;
    }
    let records = stores.record_names(&func.body);
    if records.is_empty() {
        return out;
    }
    // `order["owner"]` of a record taken from a store: that store's model.
    let owner_of_record = |x: &Expr| match x {
        Expr::Subscript(s)
            if crate::ast_util::str_value(&s.slice)
                .is_some_and(spillcheck_core::vocab::is_owner_field) =>
        {
            match s.value.as_ref() {
                Expr::Name(n) => records.get(n.id.as_str()).map(crate::stores::Stores::model),
                _ => None,
            }
        }
        _ => None,
    };
    for x in compared_with_caller(func, identity) {
        if let Some(m) = owner_of_record(x) {
            push(&mut out, &m);
        }
    }
    out
}

/// The operands of the handler's comparisons that involve the caller's identity (both
/// sides: `order["owner"] != g.uid` gives `order["owner"]` and `g.uid`).
fn compared_with_caller<'a>(
    func: &'a ast::StmtFunctionDef,
    identity: &crate::facts::NameSet<'_>,
) -> Vec<&'a Expr> {
    let mut out = Vec::new();
    crate::facts::exprs_in(&func.body, &mut |e| {
        if let Expr::Compare(c) = e {
            let operands: Vec<&Expr> = crate::ast_util::operands(c).collect();
            if operands
                .iter()
                .any(|x| crate::facts::involves_identity(x, identity))
            {
                out.extend(operands);
            }
        }
    });
    out
}

/// The models whose record a handler loads and then shows only to its owner: the record's
/// owner field is compared with the caller (`rec = r.hgetall(f"payment:{pid}")` then
/// `rec.get("owner") != g.uid`, `note = Note.query.get(i)` then `note.user_id !=
/// current_user.id`).
fn records_checked(
    func: &ast::StmtFunctionDef,
    identity: &crate::facts::NameSet<'_>,
) -> Vec<String> {
    use spillcheck_core::vocab::is_owner_field;
    let mut loaded: HashMap<&str, Vec<String>> = HashMap::default();
    for s in &func.body {
        crate::ast_util::each_stmt(s, &mut |s| {
            if let ast::Stmt::Assign(a) = s
                && let [Expr::Name(n)] = a.targets.as_slice()
                && let Expr::Call(c) = a.value.as_ref()
                && is_data_call(c)
            {
                let models = call_models(c);
                if !models.is_empty() {
                    loaded.insert(n.id.as_str(), models);
                }
            }
        });
    }
    let mut out = Vec::new();
    if loaded.is_empty() {
        return out;
    }
    // `rec["owner"]`, `rec.get("owner")`, `rec.owner_id` of a loaded record: its models.
    let owner_of = |x: &Expr| -> Option<&Vec<String>> {
        let (record, key) = match x {
            Expr::Subscript(s) => (s.value.as_ref(), crate::ast_util::str_value(&s.slice)?),
            Expr::Attribute(a) => (a.value.as_ref(), a.attr.as_str()),
            Expr::Call(c) if callee_last(c) == Some("get") => match c.func.as_ref() {
                Expr::Attribute(a) => (
                    a.value.as_ref(),
                    c.arguments
                        .args
                        .first()
                        .and_then(crate::ast_util::str_value)?,
                ),
                _ => return None,
            },
            _ => return None,
        };
        let Expr::Name(n) = record else {
            return None;
        };
        is_owner_field(key)
            .then(|| loaded.get(n.id.as_str()))
            .flatten()
    };
    for models in compared_with_caller(func, identity)
        .into_iter()
        .filter_map(owner_of)
    {
        for m in models {
            push(&mut out, m);
        }
    }
    out
}

/// The models a handler reaches only through a parent it loaded for its owner: a record a
/// helper that checks ownership returned (`project = owned_project(slug)`), or a child a
/// helper found under one (`task = task_in(owned_project(slug), number)`), and the
/// relationship read off it (`project.tasks`, `task.comments`): those children are shown
/// only to the parent's owner.
fn children_of_owned(func: &ast::StmtFunctionDef, summaries: &Summaries) -> Vec<String> {
    let owned_call =
        |c: &ast::ExprCall| callee_last(c).is_some_and(|n| summaries.checks_owner.contains(n));
    let mut owned: Vec<&str> = Vec::new();
    for s in &func.body {
        crate::ast_util::each_stmt(s, &mut |s| {
            if let ast::Stmt::Assign(a) = s
                && let [Expr::Name(n)] = a.targets.as_slice()
                && let Expr::Call(c) = a.value.as_ref()
                && (owned_call(c)
                    || c.arguments.args.iter().any(|x| {
                        matches!(x, Expr::Call(inner) if owned_call(inner))
                            || matches!(x, Expr::Name(m) if owned.contains(&m.id.as_str()))
                    }))
            {
                owned.push(n.id.as_str());
            }
        });
    }
    let mut out = Vec::new();
    if owned.is_empty() {
        return out;
    }
    crate::facts::exprs_in(&func.body, &mut |e| {
        if let Expr::Attribute(a) = e
            && matches!(a.value.as_ref(), Expr::Name(n) if owned.contains(&n.id.as_str()))
            && a.attr.len() > 3
            && a.attr.ends_with('s')
            && a.attr.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        {
            push(&mut out, &crate::facts::model_key(a.attr.as_str()));
        }
    });
    out
}

/// The models a query reads only for its owner: it matches an owner field with the
/// caller's identity (`filter_by(owner_id=me)`, `Note.owner_id == me` — the model whose
/// field it is —, `WHERE user_id = ?` given the identity, `current_user.orders`). A match
/// inside an alternative (`or_(Workout.user_id == me, Workout.public)`) is a visibility
/// rule, not an owner-only read.
fn scoped_by_owner<'a>(
    call: &'a ast::ExprCall,
    locals: &LocalStrings<'a>,
    identity: &crate::facts::NameSet<'_>,
    models: &[String],
) -> Vec<String> {
    use crate::facts::involves_identity;
    use spillcheck_core::vocab::is_owner_field;
    // `current_user.orders.filter_by(...)`: a relationship of the caller.
    if let Expr::Attribute(a) = call.func.as_ref()
        && let Expr::Attribute(rel) = a.value.as_ref()
        && involves_identity(&rel.value, identity)
    {
        return models.to_vec();
    }
    if call.arguments.keywords.iter().any(|k| {
        k.arg.as_ref().is_some_and(|a| is_owner_field(a.as_str()))
            && involves_identity(&k.value, identity)
    }) {
        return models.to_vec();
    }
    // A key-value store's key made of the caller: `r.get(f"invoice:{g.uid}:{iid}")`.
    if call.arguments.args.first().is_some_and(|a| {
        matches!(a, Expr::FString(_))
            && crate::facts::key_namespace(a).is_some()
            && involves_identity(a, identity)
    }) {
        return models.to_vec();
    }
    // A document store's filter: `db.notes.find({"owner_id": g.user["_id"]})`.
    if call.arguments.args.first().is_some_and(|a| {
        matches!(a, Expr::Dict(d) if d.items.iter().any(|i| {
            i.key
                .as_ref()
                .and_then(crate::ast_util::str_value)
                .is_some_and(is_owner_field)
                && involves_identity(&i.value, identity)
        }))
    }) {
        return models.to_vec();
    }
    fn compares<'e>(e: &'e Expr, in_or: bool, out: &mut Vec<(&'e Expr, bool)>) {
        match e {
            Expr::Compare(c) => {
                out.push((e, in_or));
                let _ = c;
            }
            Expr::BoolOp(b) => {
                let or = in_or || b.op == ast::BoolOp::Or;
                for v in &b.values {
                    compares(v, or, out);
                }
            }
            Expr::BinOp(b) => {
                let or = in_or || b.op == ast::Operator::BitOr;
                compares(&b.left, or, out);
                compares(&b.right, or, out);
            }
            Expr::Call(c) => {
                let or = in_or || callee_last(c) == Some("or_");
                for a in &c.arguments.args {
                    compares(a, or, out);
                }
                // Down the chain it is called on: `select(Visit).where(…).order_by(…)`.
                if let Expr::Attribute(a) = c.func.as_ref() {
                    compares(&a.value, in_or, out);
                }
            }
            Expr::UnaryOp(u) => compares(&u.operand, in_or, out),
            _ => {}
        }
    }
    let mut found: Vec<(&Expr, bool)> = Vec::new();
    for a in &call.arguments.args {
        compares(a, false, &mut found);
    }
    let mut out = Vec::new();
    for (e, in_or) in found {
        let Expr::Compare(c) = e else { continue };
        if in_or {
            continue;
        }
        let sides: Vec<&Expr> = crate::ast_util::operands(c).collect();
        if !sides.iter().any(|s| involves_identity(s, identity)) {
            continue;
        }
        // The caller's own id (`g.member.id`, `get_jwt_identity()`, `claims["sub"]`): a
        // model's `…_id` column matched with it is that model's owner, whatever its name
        // (`Visit.host_id == g.member.id`, `Loan.patron_id == me.id`).
        let caller_id = |x: &Expr| {
            involves_identity(x, identity)
                && match x {
                    Expr::Attribute(a) => a.attr.as_str() == "id",
                    Expr::Call(_) | Expr::Name(_) => true,
                    Expr::Subscript(sub) => crate::ast_util::str_value(&sub.slice)
                        .is_some_and(|k| matches!(k, "id" | "sub" | "user_id")),
                    _ => false,
                }
        };
        let by_caller_id = sides.iter().any(|x| caller_id(x));
        for s in &sides {
            if let Expr::Attribute(at) = s
                && (is_owner_field(at.attr.as_str())
                    || by_caller_id
                        && at.attr.as_str().ends_with("_id")
                        && matches!(at.value.as_ref(), Expr::Name(n)
                            if n.id.as_str().starts_with(|ch: char| ch.is_ascii_uppercase())))
            {
                match at.value.as_ref() {
                    Expr::Name(n)
                        if n.id
                            .as_str()
                            .starts_with(|ch: char| ch.is_ascii_uppercase()) =>
                    {
                        out.push(crate::facts::model_key(n.id.as_str()));
                    }
                    _ => out.extend(models.iter().cloned()),
                }
            }
        }
    }
    let by_sql = locals.sql(call).is_some_and(|sql| {
        let lower = sql.to_ascii_lowercase();
        lower.find(" where ").is_some_and(|w| {
            lower[w..]
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .any(is_owner_field)
        }) && !lower.contains(" or ")
    }) && crate::facts::identity_in_call(call, identity);
    if by_sql {
        out.extend(models.iter().cloned());
    }
    out
}

/// The names holding the caller's identity in a route's handler: the usual accessors,
/// what the auth decorator injects, and whatever derives from them.
pub(crate) fn identity_names<'a>(
    site: &'a RouteSite<'_>,
    taint: &Taint<'a>,
) -> crate::facts::NameSet<'a> {
    let mut seeds: Vec<&'a str> = taint.identity_names_direct().into_iter().collect();
    seeds.extend(site.identity.iter().map(String::as_str));
    if site.route.style == "connexion" {
        // Connexion passes the verified subject as `user` (and the claims as `token_info`).
        for p in &site.func.parameters {
            if matches!(p.name().as_str(), "user" | "token_info") {
                seeds.push(p.name().as_str());
            }
        }
    }
    taint.closure_direct(&seeds)
}

/// Per model, how many GET routes read it with and without required authentication.
#[derive(Debug, Default)]
pub(crate) struct Readers {
    by_model: HashMap<String, (usize, usize)>,
}

impl Readers {
    pub(crate) fn build(routes: &[RouteSite<'_>], data: &[RouteData]) -> Readers {
        let mut by_model: HashMap<String, (usize, usize)> = HashMap::default();
        for (site, d) in routes.iter().zip(data) {
            if !site.route.methods.iter().any(|m| m == "GET") {
                continue;
            }
            let authed = site.route.auth.required();
            for m in &d.primary {
                let e = by_model.entry(m.clone()).or_default();
                if authed {
                    e.0 += 1;
                } else {
                    e.1 += 1;
                }
            }
        }
        Readers { by_model }
    }

    /// A model every other reader protects: authenticated readers exist, and this route
    /// is the only unauthenticated one.
    pub(crate) fn protected_elsewhere<'m>(&self, models: &'m [String]) -> Option<&'m str> {
        models
            .iter()
            .find(|m| {
                self.by_model
                    .get(m.as_str())
                    .is_some_and(|&(authed, open)| authed > 0 && open <= 1)
            })
            .map(String::as_str)
    }
}
