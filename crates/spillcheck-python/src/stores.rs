//! Record stores: module-level (or app-factory-level) containers a small API keeps its
//! records in instead of a database (`users = {1: {"id": 1, "email": …}}`, `orders = []`
//! filled by `orders.append({...})`, `state = {"users": {}, "notes": {}}`). Reading one is
//! a data access, as a query is; writing one is a write; its records' keys are the fields
//! of a model named after it (`users` → `user`).
//!
//! A container is a store only when records go in: a dict display with an id, an owner,
//! a personal or a secret field among two or more string keys, in its literal or put in
//! by the module (`users[uid] = {...}`, `users.append({...})`). Caches, counters and
//! configuration tables hold no such records.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::ast_util::{callee_last, str_value};
use crate::facts::model_key;

/// The record stores of one file: container name → its store.
#[derive(Debug, Default, Clone)]
pub(crate) struct Stores {
    by_name: HashMap<String, Store>,
}

/// One store: its records' fields, and for a dict of stores (`state = {"users": {}}`) the
/// fields of each part, by its key.
#[derive(Debug, Default, Clone)]
pub(crate) struct Store {
    pub fields: HashSet<String>,
    pub parts: HashMap<String, HashSet<String>>,
}

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

/// Whether a dict display is a record: two or more string keys, one of them an id, an
/// owner, a personal or a secret field.
fn record_fields(d: &ast::ExprDict) -> Option<Vec<String>> {
    let keys: Vec<String> = d
        .items
        .iter()
        .filter_map(|i| i.key.as_ref().and_then(str_value))
        .map(str::to_ascii_lowercase)
        .collect();
    let telling = keys.iter().any(|k| {
        k == "id"
            || k == "uuid"
            || k.ends_with("_id")
            || spillcheck_core::vocab::is_owner_field(k)
            || spillcheck_core::vocab::is_personal_field(k)
            || spillcheck_core::vocab::is_sensitive_field(k)
    });
    (keys.len() >= 2 && telling).then_some(keys)
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

/// Whether a value makes a container: a dict or list display, or `dict()`, `list()`,
/// `defaultdict(...)`, `OrderedDict()`.
fn is_container(value: &Expr) -> bool {
    match value {
        Expr::Dict(_) | Expr::List(_) => true,
        Expr::Call(c) => matches!(
            callee_last(c),
            Some("dict" | "list" | "defaultdict" | "OrderedDict")
        ),
        _ => false,
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

impl Stores {
    /// The stores of a module: containers assigned at its top level or at the top level of
    /// a function that defines others (an app factory whose views are closures).
    pub(crate) fn of_module(body: &[Stmt]) -> Stores {
        let mut candidates: HashMap<String, Store> = HashMap::default();
        // Containers of the module, then of each app factory whose views close over them
        // (a local of a function that merely defines a helper is no store).
        let module_names = containers_of(body, &mut candidates);
        let mut factories: Vec<(&ast::StmtFunctionDef, HashSet<String>)> = Vec::new();
        for s in body {
            if let Stmt::FunctionDef(f) = s
                && f.body.iter().any(|x| matches!(x, Stmt::FunctionDef(_)))
            {
                let mut own: HashMap<String, Store> = HashMap::default();
                let names = containers_of(&f.body, &mut own);
                let closed: HashSet<String> = names
                    .into_iter()
                    .filter(|n| {
                        f.body.iter().any(|x| {
                            matches!(x, Stmt::FunctionDef(inner)
                                if !bound_in(inner).contains(n.as_str()) && mentions(&inner.body, n))
                        })
                    })
                    .collect();
                for n in &closed {
                    if let Some(st) = own.remove(n) {
                        let e = candidates.entry(n.clone()).or_default();
                        e.fields.extend(st.fields);
                        for (k, v) in st.parts {
                            e.parts.entry(k).or_default().extend(v);
                        }
                    }
                }
                factories.push((f, closed));
            }
        }
        if candidates.is_empty() {
            return Stores::default();
        }
        // Records the module puts in (`users[uid] = {...}`, `state["users"][k] = {...}`,
        // `orders.append({...})`), where the name is the store's: not in a function that
        // binds a local of that name.
        let mut inserts: Vec<(&Expr, &Expr)> = Vec::new();
        let visible: HashSet<String> = module_names;
        insertions(body, &visible, &factories, &mut inserts);
        for (container, value) in inserts {
            let Some((root, part)) = root_of(container) else {
                continue;
            };
            let Some(store) = candidates.get_mut(root) else {
                continue;
            };
            let mut records = Vec::new();
            records_in(value, &mut records);
            let fields = records.into_iter().flatten();
            // Under a text key (`state["users"][name] = {...}`): a part of the store.
            match part {
                Some(p) => store.parts.entry(p.to_owned()).or_default().extend(fields),
                None => store.fields.extend(fields),
            }
        }
        candidates.retain(|_, s| !s.fields.is_empty() || !s.parts.is_empty());
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
            let own = (!s.fields.is_empty()).then(|| (model_key(name), &s.fields));
            own.into_iter()
                .chain(s.parts.iter().map(|(k, f)| (model_key(k), f)))
        })
    }

    /// The model an expression reads from a store: `users`, `users[uid]`, `state["users"]`
    /// (the part's), `users.get(uid)`'s receiver. `None` when it names no store.
    pub(crate) fn model_of(&self, e: &Expr) -> Option<String> {
        let (root, part) = root_of(e)?;
        let store = self.by_name.get(root)?;
        match part {
            Some(p) if store.parts.contains_key(p) => Some(model_key(p)),
            _ if store.fields.is_empty() => None,
            _ => Some(model_key(root)),
        }
    }

    /// The store an expression reads from (`users`, `users[uid]`, `state["users"][k]`): its
    /// name.
    pub(crate) fn root<'e>(&self, e: &'e Expr) -> Option<&'e str> {
        root_of(e).map(|(r, _)| r).filter(|r| self.is_store(r))
    }

    /// The fields of the records an expression reads from a store: the part's for
    /// `state["users"]`, the store's own otherwise.
    pub(crate) fn fields_of(&self, e: &Expr) -> Option<&HashSet<String>> {
        let (root, part) = root_of(e)?;
        let store = self.by_name.get(root)?;
        match part.and_then(|p| store.parts.get(p)) {
            Some(f) => Some(f),
            None => (!store.fields.is_empty()).then_some(&store.fields),
        }
    }

    /// Whether an expression yields a store's records one by one when iterated: the store
    /// (`orders`, `state["users"]`), `.values()` of it, `list(...)`/`sorted(...)` of those.
    fn collection(&self, e: &Expr) -> bool {
        match e {
            Expr::Name(_) | Expr::Subscript(_) => {
                self.root(e).is_some()
                    && !matches!(e, Expr::Subscript(s) if str_value(&s.slice).is_none())
            }
            Expr::Call(c) => match c.func.as_ref() {
                Expr::Attribute(a) if a.attr.as_str() == "values" => self.collection(&a.value),
                _ => {
                    matches!(
                        callee_last(c),
                        Some("list" | "sorted" | "reversed" | "filter")
                    ) && c.arguments.args.iter().any(|a| self.collection(a))
                }
            },
            _ => false,
        }
    }

    /// Whether an expression yields one record, given the names known to hold records:
    /// `users.get(uid)`, `users[uid]`, `users.pop(uid)`, `next(o for o in orders if ...)`, a
    /// record name, either side of `or` and of a conditional.
    fn one_record(&self, e: &Expr, records: &crate::facts::NameSet<'_>) -> bool {
        match e {
            Expr::Name(n) => records.contains(n.id.as_str()),
            Expr::Subscript(s) => {
                self.root(e).is_some() && str_value(&s.slice).is_none()
                    || self.collection(&s.value)
            }
            Expr::Call(c) => match c.func.as_ref() {
                Expr::Attribute(a) if matches!(a.attr.as_str(), "get" | "pop" | "setdefault") => {
                    self.collection(&a.value)
                }
                _ if callee_last(c) == Some("next") => c.arguments.args.first().is_some_and(|g| {
                    matches!(g, Expr::Generator(g2) if self.one_record(&g2.elt, records)
                        || matches!(g2.elt.as_ref(), Expr::Name(n)
                            if g2.generators.iter().any(|x| self.collection(&x.iter)
                                && crate::ast_util::target_names(&x.target).contains(&n.id.as_str()))))
                }),
                _ => false,
            },
            Expr::BoolOp(b) => b.values.iter().any(|v| self.one_record(v, records)),
            Expr::If(i) => self.one_record(&i.body, records) || self.one_record(&i.orelse, records),
            _ => false,
        }
    }

    /// The names of a function that hold one of the stores' records: assigned one
    /// ([`Stores::one_record`]), or the target of a loop or a comprehension over a store.
    pub(crate) fn record_names<'a>(&self, body: &'a [Stmt]) -> crate::facts::NameSet<'a> {
        let mut out = crate::facts::NameSet::default();
        if self.is_empty() {
            return out;
        }
        let assigns = crate::facts::assigns_in(body);
        crate::facts::exprs_in(body, &mut |e| {
            let generators = match e {
                Expr::ListComp(c) => &c.generators,
                Expr::SetComp(c) => &c.generators,
                Expr::DictComp(c) => &c.generators,
                Expr::Generator(c) => &c.generators,
                _ => return,
            };
            for g in generators {
                if self.collection(&g.iter) {
                    out.extend(crate::ast_util::target_names(&g.target));
                }
            }
        });
        for_targets(body, &mut |f| {
            if self.collection(&f.iter) {
                out.extend(crate::ast_util::target_names(&f.target));
            }
        });
        loop {
            let before = out.len();
            for a in &assigns {
                if let [Expr::Name(n)] = a.targets.as_slice()
                    && self.one_record(&a.value, &out)
                {
                    out.insert(n.id.as_str());
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
        if !is_container(value) {
            continue;
        }
        names.insert(target.to_owned());
        let mut records = Vec::new();
        records_in(value, &mut records);
        let store = candidates.entry(target.to_owned()).or_default();
        store.fields.extend(records.into_iter().flatten());
        // `state = {"users": {...}, "notes": []}`: a dict of containers.
        if let Expr::Dict(d) = value {
            for item in &d.items {
                if let Some(k) = item.key.as_ref().and_then(str_value)
                    && is_container(&item.value)
                {
                    let mut inner = Vec::new();
                    records_in(&item.value, &mut inner);
                    if !inner.is_empty() {
                        store
                            .parts
                            .entry(k.to_owned())
                            .or_default()
                            .extend(inner.into_iter().flatten());
                    }
                }
            }
        }
    }
    names
}

/// The names a function binds itself: its parameters and the names it assigns, loops
/// over or opens (`with ... as x`), nested functions aside.
pub(crate) fn bound_in(func: &ast::StmtFunctionDef) -> HashSet<&str> {
    use ruff_python_ast::visitor::{Visitor, walk_stmt};
    struct V<'a> {
        out: HashSet<&'a str>,
    }
    impl<'a> Visitor<'a> for V<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => return,
                Stmt::Assign(a) => {
                    for t in &a.targets {
                        self.out.extend(crate::ast_util::target_names(t));
                    }
                }
                Stmt::AnnAssign(a) => self.out.extend(crate::ast_util::target_names(&a.target)),
                Stmt::AugAssign(a) => self.out.extend(crate::ast_util::target_names(&a.target)),
                Stmt::For(f) => self.out.extend(crate::ast_util::target_names(&f.target)),
                Stmt::With(w) => {
                    for i in &w.items {
                        if let Some(v) = &i.optional_vars {
                            self.out.extend(crate::ast_util::target_names(v));
                        }
                    }
                }
                _ => {}
            }
            walk_stmt(self, stmt);
        }
    }
    let mut v = V {
        out: func.parameters.iter().map(|p| p.name().as_str()).collect(),
    };
    for s in &func.body {
        v.visit_stmt(s);
    }
    v.out
}

/// Whether a body reads a name.
fn mentions(body: &[Stmt], name: &str) -> bool {
    let mut found = false;
    crate::facts::exprs_in(body, &mut |e| {
        found |= matches!(e, Expr::Name(n) if n.id.as_str() == name);
    });
    found
}

/// The insertions of records into containers in `body` where `visible` names are the
/// stores' (`users[uid] = {...}`, `orders.append({...})`), into functions that do not bind
/// those names themselves; an app factory's own containers are visible inside it.
fn insertions<'a>(
    body: &'a [Stmt],
    visible: &HashSet<String>,
    factories: &[(&ast::StmtFunctionDef, HashSet<String>)],
    out: &mut Vec<(&'a Expr, &'a Expr)>,
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
            _ => {
                if visible.is_empty() {
                    continue;
                }
                let seen = |e: &Expr| root_of(e).is_some_and(|(r, _)| visible.contains(r));
                if let Stmt::Assign(a) = stmt {
                    for t in &a.targets {
                        if let Expr::Subscript(s) = t
                            && seen(&s.value)
                        {
                            out.push((&s.value, &a.value));
                        }
                    }
                }
                let mut calls: Vec<(&'a Expr, &'a Expr)> = Vec::new();
                crate::facts::exprs_in(std::slice::from_ref(stmt), &mut |e| {
                    if let Expr::Call(c) = e
                        && let Expr::Attribute(a) = c.func.as_ref()
                        && matches!(a.attr.as_str(), "append" | "insert" | "setdefault")
                        && let Some(v) = c.arguments.args.last()
                        && seen(&a.value)
                    {
                        calls.push((&a.value, v));
                    }
                });
                // A compound statement's own body: its nested functions keep their scope.
                match stmt {
                    Stmt::If(_) | Stmt::For(_) | Stmt::While(_) | Stmt::With(_) | Stmt::Try(_) => {
                        let mut nested: Vec<&'a [Stmt]> = Vec::new();
                        match stmt {
                            Stmt::If(i) => {
                                nested.push(&i.body);
                                for c in &i.elif_else_clauses {
                                    nested.push(&c.body);
                                }
                            }
                            Stmt::For(f) => {
                                nested.push(&f.body);
                                nested.push(&f.orelse);
                            }
                            Stmt::While(w) => {
                                nested.push(&w.body);
                                nested.push(&w.orelse);
                            }
                            Stmt::With(w) => nested.push(&w.body),
                            Stmt::Try(t) => {
                                nested.push(&t.body);
                                for h in &t.handlers {
                                    let ast::ExceptHandler::ExceptHandler(h) = h;
                                    nested.push(&h.body);
                                }
                                nested.push(&t.orelse);
                                nested.push(&t.finalbody);
                            }
                            _ => {}
                        }
                        // Calls in the compound's own test or header only: its body is
                        // walked below.
                        calls.retain(|_| false);
                        for n in nested {
                            insertions(n, visible, factories, out);
                        }
                    }
                    _ => {}
                }
                out.extend(calls);
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
        let mut names: Vec<&str> = s.record_names(&f.body).into_iter().collect();
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
}
