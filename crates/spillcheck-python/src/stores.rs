//! Record stores: module-level (or app-factory-level) containers a small API keeps its
//! records in instead of a database (`users = {1: {"id": 1, "email": …}}`, `orders = []`
//! filled by `orders.append({...})`, `state = {"users": {}, "notes": {}}`). Reading one is
//! a data access, as a query is; writing one is a write; its records' keys are the fields
//! of a model named after it (`users` → `user`, `state["users"]` → `user`).
//!
//! A container is a store only when records go in: a dict display with an owner, a
//! personal or a secret field among two or more string keys, in its literal or put in by
//! the module (`users[uid] = {...}`, `users.append({...})`). Caches, counters, menus and
//! configuration tables hold no such records; an upper-case constant no function writes is
//! a store only when its records hold personal or secret fields. An app factory's
//! container is one only when a view it defines reads it, and a name is the store's only
//! where the function binds no local of that name.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::ast_util::{callee_last, str_value, target_names};
use crate::facts::model_key;

/// The record stores of one file: container name → its store.
#[derive(Debug, Default, Clone)]
pub(crate) struct Stores {
    by_name: HashMap<String, Store>,
}

/// One store: its records' fields (when it holds records itself) and, for a dict of
/// stores (`state = {"users": {}}`), its parts by key.
#[derive(Debug, Default, Clone)]
pub(crate) struct Store {
    pub own: Part,
    pub parts: HashMap<String, Part>,
}

/// A container of records: their fields, and whether it is a list (iterated, its records
/// come one by one) or a dict (its values are the records, by key).
#[derive(Debug, Default, Clone)]
pub(crate) struct Part {
    pub fields: HashSet<String>,
    pub list: bool,
}

/// Which container of which store: its name and, for a part, the part's key.
pub(crate) type StoreRef = (String, Option<String>);

/// Methods that change a container.
const WRITE_METHODS: &[&str] = &[
    "append",
    "extend",
    "insert",
    "pop",
    "popitem",
    "remove",
    "clear",
    "update",
    "setdefault",
    "__setitem__",
    "__delitem__",
];

/// Whether a dict display is a record: two or more string keys, one of them an owner, a
/// personal or a secret field (an id alone makes menus and form choices records too).
fn record_fields(d: &ast::ExprDict) -> Option<Vec<String>> {
    let keys: Vec<String> = d
        .items
        .iter()
        .filter_map(|i| i.key.as_ref().and_then(str_value))
        .map(str::to_ascii_lowercase)
        .collect();
    let telling = keys.iter().any(|k| {
        matches!(
            k.as_str(),
            "owner" | "user" | "author" | "creator" | "username"
        ) || spillcheck_core::vocab::is_owner_field(k)
            || spillcheck_core::vocab::is_personal_field(k)
            || spillcheck_core::vocab::is_sensitive_field(k)
    });
    // A schema describes fields, it holds no values: `{"username": {"type": "string"},
    // "password": {"type": "string"}}` (JSON Schema's properties, a form's field specs).
    let describes = d.items.iter().all(|i| {
        matches!(&i.value, Expr::Dict(v) if v.items.iter().any(|f| {
            f.key.as_ref().and_then(str_value).is_some_and(|k| k == "type")
        }))
    });
    (keys.len() >= 2 && telling && !describes).then_some(keys)
}

/// Whether a record's fields hold something private: a personal or a secret field.
fn private(fields: &HashSet<String>) -> bool {
    fields.iter().any(|k| {
        spillcheck_core::vocab::is_personal_field(k)
            || spillcheck_core::vocab::is_sensitive_field(k)
    })
}

/// The records of a value: a record itself, or the records a list or dict display holds.
fn records_in(value: &Expr, out: &mut Vec<Vec<String>>) {
    match value {
        Expr::Dict(d) => {
            if let Some(f) = record_fields(d) {
                out.push(f);
            } else {
                for item in &d.items {
                    if let Expr::Dict(inner) = &item.value
                        && let Some(f) = record_fields(inner)
                    {
                        out.push(f);
                    }
                }
            }
        }
        Expr::List(l) => {
            for e in &l.elts {
                if let Expr::Dict(inner) = e
                    && let Some(f) = record_fields(inner)
                {
                    out.push(f);
                }
            }
        }
        _ => {}
    }
}

/// Whether a value makes a container, and whether a list: a dict or list display, or
/// `dict()`, `list()`, `defaultdict(...)`, `OrderedDict()`.
fn container_kind(value: &Expr) -> Option<bool> {
    match value {
        Expr::Dict(_) => Some(false),
        Expr::List(_) => Some(true),
        Expr::Call(c) => match callee_last(c) {
            Some("list") => Some(true),
            Some("dict" | "defaultdict" | "OrderedDict") => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Where a store access lands: the container's name and, under a string key of it
/// (`state["users"]`), that key.
fn root_of(e: &Expr) -> Option<(&str, Option<&str>)> {
    match e {
        Expr::Name(n) => Some((n.id.as_str(), None)),
        Expr::Subscript(s) => match s.value.as_ref() {
            Expr::Name(n) => Some((n.id.as_str(), str_value(&s.slice))),
            inner => root_of(inner),
        },
        _ => None,
    }
}

fn is_constant_name(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase()) && !name.chars().any(|c| c.is_ascii_lowercase())
}

impl Stores {
    /// The stores of a module: containers assigned at its top level or at the top level of
    /// a function that defines views reading them (an app factory whose views are
    /// closures).
    pub(crate) fn of_module(body: &[Stmt]) -> Stores {
        let mut candidates: HashMap<String, Store> = HashMap::default();
        let module_names = containers_of(body, &mut candidates);
        let mut factories: Vec<(&ast::StmtFunctionDef, HashSet<String>)> = Vec::new();
        for s in body {
            let Stmt::FunctionDef(f) = s else { continue };
            let inner: Vec<(HashSet<&str>, HashSet<&str>)> = f
                .body
                .iter()
                .filter_map(|x| match x {
                    Stmt::FunctionDef(g) => Some((bound_in(g), mentioned(&g.body))),
                    _ => None,
                })
                .collect();
            if inner.is_empty() {
                continue;
            }
            let mut own: HashMap<String, Store> = HashMap::default();
            let closed: HashSet<String> = containers_of(&f.body, &mut own)
                .into_iter()
                .filter(|n| {
                    inner.iter().any(|(bound, names)| {
                        !bound.contains(n.as_str()) && names.contains(n.as_str())
                    })
                })
                .collect();
            for n in &closed {
                if let Some(st) = own.remove(n) {
                    candidates.insert(n.clone(), st);
                }
            }
            factories.push((f, closed));
        }
        if candidates.is_empty() {
            return Stores::default();
        }
        // Records the module puts in (`users[uid] = {...}`, `state["users"][k] = {...}`,
        // `orders.append({...})`), where the name is the store's: not in a function that
        // binds a local of that name.
        let mut inserts: Vec<(&Expr, &Expr, bool)> = Vec::new();
        insertions(body, &module_names, &factories, &mut inserts);
        let mut written: HashSet<String> = HashSet::default();
        for (container, value, by_key) in inserts {
            let Some((root, part)) = root_of(container) else {
                continue;
            };
            let Some(store) = candidates.get_mut(root) else {
                continue;
            };
            written.insert(root.to_owned());
            let mut records = Vec::new();
            records_in(value, &mut records);
            if records.is_empty() {
                continue;
            }
            // Under a text key (`state["users"][name] = {...}`): a part of the store.
            let target = match part {
                Some(p) if !matches!(container, Expr::Name(_)) => {
                    store.parts.entry(p.to_owned()).or_insert_with(|| Part {
                        list: !by_key,
                        ..Part::default()
                    })
                }
                _ => &mut store.own,
            };
            target.fields.extend(records.into_iter().flatten());
        }
        candidates.retain(|name, s| {
            let holds = !s.own.fields.is_empty() || s.parts.values().any(|p| !p.fields.is_empty());
            // A constant nothing writes: configuration, unless it holds people's data.
            holds
                && (!is_constant_name(name)
                    || written.contains(name)
                    || private(&s.own.fields)
                    || s.parts.values().any(|p| private(&p.fields)))
        });
        for s in candidates.values_mut() {
            s.parts.retain(|_, p| !p.fields.is_empty());
        }
        Stores {
            by_name: candidates,
        }
    }

    /// The stores a function sees: not those whose name it binds itself (a parameter or a
    /// local of the same name).
    pub(crate) fn seen_from(&self, func: &ast::StmtFunctionDef) -> std::borrow::Cow<'_, Stores> {
        if self.is_empty() {
            return std::borrow::Cow::Borrowed(self);
        }
        let bound = bound_in(func);
        if !self.by_name.keys().any(|k| bound.contains(k.as_str())) {
            return std::borrow::Cow::Borrowed(self);
        }
        std::borrow::Cow::Owned(Stores {
            by_name: self
                .by_name
                .iter()
                .filter(|(k, _)| !bound.contains(k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        })
    }

    /// Whether the file keeps no records in containers.
    pub(crate) fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// Each store's model (`users` → `user`, `state["users"]` → `user`) and its fields.
    pub(crate) fn models(&self) -> impl Iterator<Item = (String, &HashSet<String>)> {
        self.by_name.iter().flat_map(|(name, s)| {
            let own = (!s.own.fields.is_empty()).then(|| (model_key(name), &s.own.fields));
            own.into_iter()
                .chain(s.parts.iter().map(|(k, p)| (model_key(k), &p.fields)))
        })
    }

    /// The container an expression names, as a whole: the store (`users`) or one of its
    /// parts (`state["users"]`).
    fn container(&self, e: &Expr) -> Option<(StoreRef, &Part)> {
        match e {
            Expr::Name(n) => {
                let s = self.by_name.get(n.id.as_str())?;
                (!s.own.fields.is_empty()).then(|| ((n.id.to_string(), None), &s.own))
            }
            Expr::Subscript(sub) => {
                let Expr::Name(n) = sub.value.as_ref() else {
                    return None;
                };
                let key = str_value(&sub.slice)?;
                let p = self.by_name.get(n.id.as_str())?.parts.get(key)?;
                Some(((n.id.to_string(), Some(key.to_owned())), p))
            }
            _ => None,
        }
    }

    /// The model an expression reads from a store: `users`, `users[uid]`, `state["users"]`
    /// (the part's), `users.get(uid)`'s receiver. `None` when it names no store.
    pub(crate) fn model_of(&self, e: &Expr) -> Option<String> {
        let (root, part) = root_of(e)?;
        let store = self.by_name.get(root)?;
        match part {
            Some(p) if store.parts.contains_key(p) => Some(model_key(p)),
            _ if store.own.fields.is_empty() => None,
            _ => Some(model_key(root)),
        }
    }

    /// The store an expression reads from (`users`, `users[uid]`, `state["users"][k]`): its
    /// name.
    pub(crate) fn root<'e>(&self, e: &'e Expr) -> Option<&'e str> {
        root_of(e).map(|(r, _)| r).filter(|r| self.is_store(r))
    }

    /// The container an expression names as a whole (`users`, `state["users"]`).
    pub(crate) fn container_ref(&self, e: &Expr) -> Option<StoreRef> {
        self.container(e).map(|(r, _)| r)
    }

    /// The container whose records an expression yields one by one when iterated
    /// ([`Stores::collection`]).
    pub(crate) fn collection_ref(&self, e: &Expr) -> Option<StoreRef> {
        self.collection(e)
    }

    /// The container of the one record an expression yields ([`Stores::one_record`]).
    pub(crate) fn record_of(
        &self,
        e: &Expr,
        records: &HashMap<&str, StoreRef>,
    ) -> Option<StoreRef> {
        self.one_record(e, records)
    }

    /// The fields of a container's records.
    pub(crate) fn fields(&self, r: &StoreRef) -> Option<&HashSet<String>> {
        let s = self.by_name.get(&r.0)?;
        match &r.1 {
            Some(p) => s.parts.get(p).map(|p| &p.fields),
            None => Some(&s.own.fields),
        }
    }

    /// The model of a container.
    pub(crate) fn model(r: &StoreRef) -> String {
        model_key(r.1.as_deref().unwrap_or(&r.0))
    }

    /// Whether an expression yields a container's records one by one when iterated: a list
    /// store, `.values()` of a dict store, `list(...)`/`sorted(...)` of those.
    fn collection(&self, e: &Expr) -> Option<StoreRef> {
        match e {
            Expr::Name(_) | Expr::Subscript(_) => {
                self.container(e).filter(|(_, p)| p.list).map(|(r, _)| r)
            }
            Expr::Call(c) => match c.func.as_ref() {
                Expr::Attribute(a) if a.attr.as_str() == "values" => {
                    self.container(&a.value).map(|(r, _)| r)
                }
                _ if matches!(
                    callee_last(c),
                    Some("list" | "sorted" | "reversed" | "filter")
                ) =>
                {
                    c.arguments.args.iter().find_map(|a| self.collection(a))
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// The container whose records a `for` or a comprehension over `iter` gives to the
    /// target's last name (`for o in orders`, `for k, u in users.items()`).
    fn iterated<'t>(&self, iter: &Expr, target: &'t Expr) -> Option<(&'t str, StoreRef)> {
        if let Expr::Call(c) = iter
            && let Expr::Attribute(a) = c.func.as_ref()
            && a.attr.as_str() == "items"
            && let Some((r, _)) = self.container(&a.value)
        {
            let Expr::Tuple(t) = target else { return None };
            return match t.elts.get(1) {
                Some(Expr::Name(n)) => Some((n.id.as_str(), r)),
                _ => None,
            };
        }
        let r = self.collection(iter)?;
        match target {
            Expr::Name(n) => Some((n.id.as_str(), r)),
            _ => None,
        }
    }

    /// The container one record an expression yields comes from, given the names known to
    /// hold records: `users.get(uid)`, `users[uid]`, `orders[0]`, `users.pop(uid)`,
    /// `next(o for o in orders if ...)`, a record name, either side of `or` and of a
    /// conditional.
    fn one_record(&self, e: &Expr, records: &HashMap<&str, StoreRef>) -> Option<StoreRef> {
        match e {
            Expr::Name(n) => records.get(n.id.as_str()).cloned(),
            Expr::Subscript(s) => {
                // `users[uid]`; not `state["users"]` (the part itself).
                if str_value(&s.slice).is_some_and(|k| {
                    matches!(s.value.as_ref(), Expr::Name(n)
                        if self.by_name.get(n.id.as_str()).is_some_and(|st| st.parts.contains_key(k)))
                }) {
                    return None;
                }
                self.container(&s.value).map(|(r, _)| r)
            }
            Expr::Call(c) => match c.func.as_ref() {
                Expr::Attribute(a) if matches!(a.attr.as_str(), "get" | "pop" | "setdefault") => {
                    self.container(&a.value).map(|(r, _)| r)
                }
                _ if callee_last(c) == Some("next") => match c.arguments.args.first() {
                    Some(Expr::Generator(g)) => {
                        let mut local: HashMap<&str, StoreRef> = records.clone();
                        for x in &g.generators {
                            if let Some((n, r)) = self.iterated(&x.iter, &x.target) {
                                local.insert(n, r);
                            }
                        }
                        self.one_record(&g.elt, &local)
                    }
                    _ => None,
                },
                _ => None,
            },
            Expr::BoolOp(b) => b.values.iter().find_map(|v| self.one_record(v, records)),
            Expr::If(i) => self
                .one_record(&i.body, records)
                .or_else(|| self.one_record(&i.orelse, records)),
            _ => None,
        }
    }

    /// The names of a function that hold one of the stores' records, with the container
    /// each comes from: the targets of a loop or a comprehension over a store, and names
    /// every assignment of which yields a record ([`Stores::one_record`]) — a name also
    /// given a sanitised copy or anything else is not one.
    pub(crate) fn record_names<'a>(&self, body: &'a [Stmt]) -> HashMap<&'a str, StoreRef> {
        let mut out: HashMap<&'a str, StoreRef> = HashMap::default();
        if self.is_empty() {
            return out;
        }
        crate::facts::exprs_in(body, &mut |e| {
            let Some(generators) = crate::ast_util::comprehension_generators(e) else {
                return;
            };
            for g in generators {
                if let Some((n, r)) = self.iterated(&g.iter, &g.target) {
                    out.insert(n, r);
                }
            }
        });
        for_targets(body, &mut |f| {
            if let Some((n, r)) = self.iterated(&f.iter, &f.target) {
                out.insert(n, r);
            }
        });
        let assigns: Vec<(&'a str, &'a Expr)> = crate::facts::assigns_in(body)
            .into_iter()
            .filter_map(|a| match a.targets.as_slice() {
                [Expr::Name(n)] => Some((n.id.as_str(), a.value.as_ref())),
                _ => None,
            })
            .collect();
        let mut names: Vec<&'a str> = assigns.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        loop {
            let before = out.len();
            for &name in &names {
                if out.contains_key(name) {
                    continue;
                }
                let mut from: Option<StoreRef> = None;
                let all = assigns.iter().filter(|(n, _)| *n == name).all(|(_, v)| {
                    match self.one_record(v, &out) {
                        Some(r) => {
                            from.get_or_insert(r);
                            true
                        }
                        None => false,
                    }
                });
                if all && let Some(r) = from {
                    out.insert(name, r);
                }
            }
            if out.len() == before {
                return out;
            }
        }
    }

    /// Whether a name is a store's.
    pub(crate) fn is_store(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// Whether a call changes a store: `users.pop(uid)`, `orders.append(...)`,
    /// `state["users"].update(...)`.
    pub(crate) fn is_write_call(&self, call: &ast::ExprCall) -> bool {
        matches!(call.func.as_ref(), Expr::Attribute(a)
            if WRITE_METHODS.contains(&a.attr.as_str())
                && root_of(&a.value).is_some_and(|(r, _)| self.is_store(r)))
    }

    /// Whether an assignment or deletion target is in a store: `users[uid] = ...`,
    /// `state["users"][k]["role"] = ...`.
    pub(crate) fn is_write_target(&self, target: &Expr) -> bool {
        matches!(target, Expr::Subscript(s) if root_of(&s.value).is_some_and(|(r, _)| self.is_store(r)))
    }
}

/// The containers a body assigns at its own level (`users = {...}`, `orders: list = []`)
/// into `candidates`, with the records their literals hold; their names.
fn containers_of(body: &[Stmt], candidates: &mut HashMap<String, Store>) -> HashSet<String> {
    let mut names = HashSet::default();
    for s in body {
        let (target, value) = match s {
            Stmt::Assign(a) => match a.targets.as_slice() {
                [Expr::Name(n)] => (n.id.as_str(), a.value.as_ref()),
                _ => continue,
            },
            Stmt::AnnAssign(a) => match (a.target.as_ref(), a.value.as_deref()) {
                (Expr::Name(n), Some(v)) => (n.id.as_str(), v),
                _ => continue,
            },
            _ => continue,
        };
        let Some(list) = container_kind(value) else {
            continue;
        };
        names.insert(target.to_owned());
        let mut records = Vec::new();
        records_in(value, &mut records);
        let store = candidates.entry(target.to_owned()).or_default();
        store.own.list = list;
        store.own.fields.extend(records.into_iter().flatten());
        // `state = {"users": {...}, "notes": []}`: a dict of containers.
        if let Expr::Dict(d) = value {
            for item in &d.items {
                if let Some(k) = item.key.as_ref().and_then(str_value)
                    && let Some(list) = container_kind(&item.value)
                {
                    let mut inner = Vec::new();
                    records_in(&item.value, &mut inner);
                    let part = store.parts.entry(k.to_owned()).or_default();
                    part.list = list;
                    part.fields.extend(inner.into_iter().flatten());
                }
            }
        }
    }
    names
}

/// The names a function binds itself: its parameters and the names it assigns, loops
/// over, opens (`with ... as x`), imports, catches or names with `:=`, nested functions
/// aside; less those it declares `global` or `nonlocal`.
fn bound_in(func: &ast::StmtFunctionDef) -> HashSet<&str> {
    use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
    struct V<'a> {
        out: HashSet<&'a str>,
        shared: HashSet<&'a str>,
    }
    impl<'a> Visitor<'a> for V<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => return,
                Stmt::Assign(a) => {
                    for t in &a.targets {
                        self.out.extend(target_names(t));
                    }
                }
                Stmt::AnnAssign(a) => self.out.extend(target_names(&a.target)),
                Stmt::AugAssign(a) => self.out.extend(target_names(&a.target)),
                Stmt::For(f) => self.out.extend(target_names(&f.target)),
                Stmt::With(w) => {
                    for i in &w.items {
                        if let Some(v) = &i.optional_vars {
                            self.out.extend(target_names(v));
                        }
                    }
                }
                Stmt::Import(i) => {
                    for a in &i.names {
                        let n = a.asname.as_ref().map_or_else(
                            || a.name.as_str().split('.').next().unwrap_or_default(),
                            |x| x.as_str(),
                        );
                        self.out.insert(n);
                    }
                }
                Stmt::ImportFrom(i) => {
                    for a in &i.names {
                        self.out
                            .insert(a.asname.as_ref().map_or(a.name.as_str(), |x| x.as_str()));
                    }
                }
                Stmt::Try(t) => {
                    for h in &t.handlers {
                        let ast::ExceptHandler::ExceptHandler(h) = h;
                        if let Some(n) = &h.name {
                            self.out.insert(n.as_str());
                        }
                    }
                }
                Stmt::Global(g) => self
                    .shared
                    .extend(g.names.iter().map(ruff_python_ast::Identifier::as_str)),
                Stmt::Nonlocal(g) => self
                    .shared
                    .extend(g.names.iter().map(ruff_python_ast::Identifier::as_str)),
                _ => {}
            }
            walk_stmt(self, stmt);
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Named(n) = expr {
                self.out.extend(target_names(&n.target));
            }
            walk_expr(self, expr);
        }
    }
    let mut v = V {
        out: func.parameters.iter().map(|p| p.name().as_str()).collect(),
        shared: HashSet::default(),
    };
    for s in &func.body {
        v.visit_stmt(s);
    }
    let V { mut out, shared } = v;
    out.retain(|n| !shared.contains(n));
    out
}

/// The names a body reads.
fn mentioned(body: &[Stmt]) -> HashSet<&str> {
    let mut out = HashSet::default();
    crate::facts::exprs_in(body, &mut |e| {
        if let Expr::Name(n) = e {
            out.insert(n.id.as_str());
        }
    });
    out
}

/// The insertions of records into containers in `body` where `visible` names are the
/// stores' (`users[uid] = {...}` — by key —, `orders.append({...})`), into functions that
/// do not bind those names themselves; an app factory's own containers are visible inside
/// it.
fn insertions<'a>(
    body: &'a [Stmt],
    visible: &HashSet<String>,
    factories: &[(&ast::StmtFunctionDef, HashSet<String>)],
    out: &mut Vec<(&'a Expr, &'a Expr, bool)>,
) {
    for stmt in body {
        match stmt {
            Stmt::FunctionDef(f) => {
                let bound = bound_in(f);
                let mut inner: HashSet<String> = visible
                    .iter()
                    .filter(|n| !bound.contains(n.as_str()))
                    .cloned()
                    .collect();
                if let Some((_, own)) = factories.iter().find(|(g, _)| std::ptr::eq(*g, f)) {
                    inner.extend(own.iter().cloned());
                }
                insertions(&f.body, &inner, factories, out);
            }
            Stmt::ClassDef(c) => insertions(&c.body, visible, factories, out),
            Stmt::If(i) => {
                insertions(&i.body, visible, factories, out);
                for c in &i.elif_else_clauses {
                    insertions(&c.body, visible, factories, out);
                }
            }
            Stmt::For(x) => {
                insertions(&x.body, visible, factories, out);
                insertions(&x.orelse, visible, factories, out);
            }
            Stmt::While(x) => {
                insertions(&x.body, visible, factories, out);
                insertions(&x.orelse, visible, factories, out);
            }
            Stmt::With(w) => insertions(&w.body, visible, factories, out),
            Stmt::Try(t) => {
                insertions(&t.body, visible, factories, out);
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    insertions(&h.body, visible, factories, out);
                }
                insertions(&t.orelse, visible, factories, out);
                insertions(&t.finalbody, visible, factories, out);
            }
            _ if visible.is_empty() => {}
            _ => {
                let seen = |e: &Expr| root_of(e).is_some_and(|(r, _)| visible.contains(r));
                if let Stmt::Assign(a) = stmt {
                    for t in &a.targets {
                        if let Expr::Subscript(s) = t
                            && seen(&s.value)
                        {
                            out.push((&s.value, &a.value, true));
                        }
                    }
                }
                crate::facts::exprs_in(std::slice::from_ref(stmt), &mut |e| {
                    if let Expr::Call(c) = e
                        && let Expr::Attribute(a) = c.func.as_ref()
                        && matches!(a.attr.as_str(), "append" | "insert" | "setdefault")
                        && let Some(v) = c.arguments.args.last()
                        && seen(&a.value)
                    {
                        out.push((&a.value, v, a.attr.as_str() == "setdefault"));
                    }
                });
            }
        }
    }
}

/// Every `for` statement of a body, nested ones included.
fn for_targets<'a>(body: &'a [Stmt], f: &mut dyn FnMut(&'a ast::StmtFor)) {
    use ruff_python_ast::visitor::{Visitor, walk_stmt};
    struct V<'b, 'a> {
        f: &'b mut dyn FnMut(&'a ast::StmtFor),
    }
    impl<'a> Visitor<'a> for V<'_, 'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if let Stmt::For(x) = stmt {
                (self.f)(x);
            }
            walk_stmt(self, stmt);
        }
    }
    let mut v = V { f };
    for s in body {
        v.visit_stmt(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stores(src: &str) -> Stores {
        let parsed = ruff_python_parser::parse_module(src).unwrap();
        Stores::of_module(&parsed.syntax().body)
    }

    #[test]
    fn containers_of_records_are_stores() {
        let s = stores(
            "users = {1: {'id': 1, 'email': 'a@x', 'password': 'p'}}\n\
             orders = []\n\
             def add(o):\n    orders.append({'id': 1, 'owner': 2, 'item': 'x'})\n",
        );
        let models: Vec<String> = s.models().map(|(m, _)| m).collect();
        assert!(models.contains(&"user".to_owned()), "{models:?}");
        assert!(models.contains(&"order".to_owned()), "{models:?}");
    }

    #[test]
    fn factory_state_parts_are_stores() {
        let s = stores(
            "def create_app():\n    state = {'users': {}, 'hits': 0}\n    vault = {}\n\
             \n    def add(t):\n        vault[t] = {'title': t, 'secret': 's', 'owner': 'u'}\n\
             \n    def reg(n):\n        state['users'][n] = {'username': n, 'email': 'e'}\n    return add\n",
        );
        let mut models: Vec<String> = s.models().map(|(m, _)| m).collect();
        models.sort();
        assert_eq!(models, ["user", "vault"]);
    }

    #[test]
    fn records_are_what_is_taken_from_a_store_not_what_is_computed_from_it() {
        let src = "users = {1: {'id': 1, 'email': 'e'}}\norders = [{'id': 1, 'owner_id': 2}]\n\
                   def f(uid, oid):\n    u = users.get(uid)\n    o = next((x for x in orders if x['id'] == oid), None)\n\
                   \n    for m in list(users.values()):\n        pass\n    n = len(orders)\n\
                   \n    sale = {'id': sum(1 for y in orders)}\n    return u, o, n, sale\n";
        let parsed = ruff_python_parser::parse_module(src).unwrap();
        let body = &parsed.syntax().body;
        let s = Stores::of_module(body);
        let ruff_python_ast::Stmt::FunctionDef(f) = &body[2] else {
            panic!("no function")
        };
        let mut names: Vec<&str> = s.record_names(&f.body).into_keys().collect();
        names.sort_unstable();
        assert_eq!(names, ["m", "o", "u", "x", "y"]);
    }

    #[test]
    fn locals_of_the_same_name_are_not_the_store() {
        // A function with a nested helper whose dict no nested function reads is no
        // factory; a view's local `data_dict` filled with records is its own.
        let s = stores(
            "def _read(q):\n    data_dict = {'q': q}\n    def helper():\n        return 1\n    return helper\n\
             def view(email):\n    data_dict = {}\n    data_dict['user'] = {'id': 1, 'email': email}\n    return data_dict\n",
        );
        assert!(s.is_empty(), "{s:?}");
    }

    #[test]
    fn caches_counters_and_configuration_are_not() {
        let s = stores(
            "cache = {}\nhits = []\nLOGGING = {'version': 1, 'handlers': {'console': {'class': 'x', 'level': 'INFO'}}}\n\
             def f(k, v):\n    cache[k] = v\n    hits.append(k)\n",
        );
        assert!(s.is_empty(), "{s:?}");
    }

    #[test]
    fn a_schema_describes_fields_and_holds_no_record() {
        let s = stores(
            "key_schema = {'type': 'object', 'required': ['username', 'password'],\n\
             'properties': {'username': {'type': 'string'}, 'password': {'type': 'string'}}}\n\
             def create():\n    validate(request.get_json(), key_schema)\n    return jsonify({'schema': key_schema})\n",
        );
        assert!(s.is_empty(), "{s:?}");
    }
}
