//! `SC142` mass-assignment-from-request: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A request's body copied onto a stored record without a list of the fields a client may set: `for k, v in data.items(): setattr(user, k, v)`, `user.update(request.get_json())` on a record read from a store, `Model.query.filter_by(id=i).update(request.json)`, `obj.__dict__.update(data)`, `User(**request.json)` for a table class that takes any column as a keyword; a privilege field taken from the body when a user account is made or changed (`User(..., role=data["role"])`, `user.is_admin = data.get("is_admin")`), or named in the list of fields a client may set (`PROFILE_FIELDS = ("email", "phone", "role")` read from the body); and the body's keys made the columns of SQL the function writes.
    ///
    /// ## Why it matters
    /// The client picks which columns change: `is_admin`, `role`, `balance`, `owner_id` are set by whoever sends them (CWE-915, OWASP API3: broken object property level authorization).
    ///
    /// ## Example
    /// ```python
    /// @app.patch("/users/<int:user_id>")
    /// @login_required
    /// def update_user(user_id):
    ///     user = User.query.get_or_404(user_id)
    ///     for key, value in request.get_json().items():
    ///         setattr(user, key, value)
    ///     db.session.commit()
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// The body counts when it is read directly (`request.json`, `request.get_json()`, `request.form`, `request.values`, `json.loads(request.data)`, Flask-RESTX's `ns.payload`), handed in by the framework (the `body` argument of a handler an API description names, as Connexion passes it) or through a local assigned from it; a body that went through a schema (`schema.load(...)`, `validate(...)`, a form class) is the schema's allow-list and is not reported. A loop that tests the key against a list (`if key in ALLOWED`, `if key not in (...)`) is not reported. `update(...)` counts only on a record read from a store in the same function (`users.get(uid)`, `users[uid]`, `.first()`, `get_or_404`) or on a query; a dict the function builds is not a record. `Model(**body)` counts only for a class that maps a table and has no `__init__` of its own. A privilege field from the body is not reported in a function whose decorators or checks restrict it to administrators.
    ///
    /// ## Fix
    /// Copy only the fields a client may change: `for key in ("name", "bio"): setattr(user, key, data[key])`, or load the body through a schema that lists them.
    pub static SC142 = {
        id: "SC142",
        slug: "mass-assignment-from-request",
        title: "Request body copied onto a stored record",
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: &[915],
        owasp: &[OwaspApi::Api3],
        fix: "Copy an explicit list of client-settable fields (or load the body through a schema that lists them); never set privilege fields from the body.",
    }
}

use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::ast_util::{any_expr, callee_last, dotted, str_value};
use crate::checker::Checker;
use crate::recognizers::request_body;

/// Fields that grant privileges.
const PRIVILEGE_FIELDS: &[&str] = &[
    "role",
    "roles",
    "is_admin",
    "admin",
    "is_superuser",
    "superuser",
    "is_staff",
    "user_type",
    "account_type",
    "permissions",
    "privileges",
];

/// The request's body: read directly, or a local of the current function assigned from it
/// (not through a schema).
fn is_body(cx: &Checker<'_>, e: &Expr) -> bool {
    if request_body(e) || crate::recognizers::handed_body(cx, e) {
        return true;
    }
    assigned_from(cx, e, request_body)
}

/// Whether `e` names a local the current function assigns from a value `from` accepts.
fn assigned_from(cx: &Checker<'_>, e: &Expr, from: impl Fn(&Expr) -> bool) -> bool {
    let Expr::Name(n) = e else { return false };
    cx.values_of_local(n.id.as_str()).into_iter().any(from)
}

/// A value read out of the body: `data["role"]`, `data.get("role")`, `request.json["role"]`;
/// with `key`, only a read under that local (`data[key]`, `data.get(key)`).
fn read_from_body(cx: &Checker<'_>, e: &Expr, key: Option<&str>) -> bool {
    let under_key = |k: &Expr| key.is_none_or(|key| matches!(k, Expr::Name(n) if n.id.as_str() == key));
    match e {
        Expr::Subscript(s) => under_key(&s.slice) && is_body(cx, &s.value),
        Expr::Call(c) if callee_last(c) == Some("get") => {
            (key.is_none() || c.arguments.args.first().is_some_and(under_key))
                && matches!(c.func.as_ref(), Expr::Attribute(a) if is_body(cx, &a.value))
        }
        _ => false,
    }
}

/// A value the body decides: read out of it, or a local the function sets from it
/// (`admin = data.get("admin", False)`) or sets to constants in a branch the body chooses
/// (`if request_data["admin"]: admin = True else: admin = False`).
fn decided_by_body(cx: &Checker<'_>, e: &Expr) -> bool {
    if read_from_body(cx, e, None) {
        return true;
    }
    let Expr::Name(n) = e else { return false };
    let name = n.id.as_str();
    if cx
        .values_of_local(name)
        .iter()
        .any(|v| any_expr(v, &mut |x| read_from_body(cx, x, None)))
    {
        return true;
    }
    let Some(func) = cx.functions.last() else {
        return false;
    };
    let mut chosen = false;
    for stmt in &func.body {
        crate::ast_util::each_stmt(stmt, &mut |st| {
            let Stmt::If(branching) = st else { return };
            let tests = std::iter::once(branching.test.as_ref())
                .chain(branching.elif_else_clauses.iter().filter_map(|c| c.test.as_ref()));
            if !tests
                .into_iter()
                .any(|t| any_expr(t, &mut |x| read_from_body(cx, x, None)))
            {
                return;
            }
            let branches = std::iter::once(branching.body.as_slice())
                .chain(branching.elif_else_clauses.iter().map(|c| c.body.as_slice()));
            for body in branches {
                chosen |= body.iter().any(|stmt| {
                    matches!(stmt, Stmt::Assign(assign)
                        if assign.targets.iter().any(|t| matches!(t, Expr::Name(t) if t.id.as_str() == name))
                        && matches!(assign.value.as_ref(), Expr::BooleanLiteral(_) | Expr::StringLiteral(_)))
                });
            }
        });
    }
    chosen
}

/// Whether the current function is restricted to administrators: a decorator naming a
/// role, or an `if` on a role that refuses (`if not current_user.is_admin: abort(403)`).
fn admin_only(cx: &Checker<'_>) -> bool {
    let Some(f) = cx.functions.last() else {
        return false;
    };
    let decorated = f.decorator_list.iter().any(|d| {
        let base = match &d.expression {
            Expr::Call(c) => c.func.as_ref(),
            other => other,
        };
        dotted(base).is_some_and(|n| {
            spillcheck_core::vocab::mentions_role(n.rsplit('.').next().unwrap_or(&n))
        })
    });
    // A branch that refuses: `raise`, `abort(403)`, `return ..., 403`.
    let refuses = |body: &[Stmt]| {
        let mut out = false;
        for s in body {
            crate::ast_util::each_stmt(s, &mut |st| match st {
                Stmt::Raise(_) => out = true,
                Stmt::Return(r) => {
                    out |= r.value.as_ref().is_some_and(|v| {
                        any_expr(v, &mut |x| {
                            crate::ast_util::int_value(x).is_some_and(|n| n == 401 || n == 403)
                        })
                    });
                }
                _ => {}
            });
        }
        out || crate::facts::calls_in(body)
            .iter()
            .any(|c| matches!(callee_last(c), Some("abort" | "forbidden" | "unauthorized")))
    };
    let mut checks = false;
    for s in &f.body {
        crate::ast_util::each_stmt(s, &mut |st| {
            if let Stmt::If(i) = st
                && refuses(&i.body)
                && any_expr(&i.test, &mut |x| {
                    let word = match x {
                        Expr::Attribute(a) => Some(a.attr.to_string()),
                        Expr::Name(n) => Some(n.id.to_string()),
                        Expr::StringLiteral(s) => Some(s.value.to_str().to_owned()),
                        _ => None,
                    };
                    word.is_some_and(|w| spillcheck_core::vocab::mentions_role(&w))
                })
            {
                checks = true;
            }
        });
    }
    decorated || checks
}

/// A name assigned in the current function from a read of one record: `users.get(uid)`,
/// `users[uid]`, `User.query.get_or_404(uid)`, `.first()`.
fn is_record(cx: &Checker<'_>, e: &Expr) -> bool {
    // `cards.get(card_id) or abort(404)`: the read, its refusal beside it.
    assigned_from(cx, e, |value| match value {
        Expr::BoolOp(b) => b.values.first().is_some_and(is_record_read),
        v => is_record_read(v),
    })
}

/// A read of one record: `users.get(uid)`, `users[uid]`, `.first()`, `get_or_404(uid)`.
fn is_record_read(value: &Expr) -> bool {
    match value {
        Expr::Subscript(s) => matches!(s.slice.as_ref(), Expr::Name(_)),
        Expr::Call(c) => {
            callee_last(c).is_some_and(|m| {
                matches!(
                    m,
                    "get"
                        | "get_or_404"
                        | "first"
                        | "first_or_404"
                        | "one"
                        | "one_or_none"
                        | "find_one"
                        | "scalar"
                        | "scalar_one"
                )
            }) && c.arguments.args.len() <= 2
        }
        _ => false,
    }
}

/// A query whose rows an `update(...)` changes: `Model.query.filter_by(...)`,
/// `db.session.query(Model).filter(...)`.
fn is_query(e: &Expr) -> bool {
    any_expr(e, &mut |x| {
        matches!(x, Expr::Attribute(a) if a.attr.as_str() == "query")
            || matches!(x, Expr::Call(c) if callee_last(c) == Some("query"))
    }) && any_expr(e, &mut |x| {
        matches!(x, Expr::Call(c) if matches!(callee_last(c), Some("filter" | "filter_by" | "where")))
    })
}

/// `SC142` on calls: `X.update(body)`, `Model(**body)`, `User(role=body["role"])`.
pub(crate) fn check_call(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    if cx.functions.is_empty() {
        return;
    }
    // `record.update(body)`, `obj.__dict__.update(body)`, `query.update(body)`.
    if callee_last(call) == Some("update")
        && let Expr::Attribute(a) = call.func.as_ref()
        && let Some(arg) = call.arguments.args.first()
        && is_body(cx, arg)
    {
        let target = a.value.as_ref();
        let dunder = matches!(target, Expr::Attribute(t) if t.attr.as_str() == "__dict__");
        if dunder || is_record(cx, target) || is_query(target) {
            cx.report(
                &SC142,
                call,
                "the request's body is copied onto a stored record whole: the client picks which fields change",
            );
            return;
        }
    }
    let Expr::Name(class) = call.func.as_ref() else {
        return;
    };
    if !class.id.as_str().starts_with(|c: char| c.is_ascii_uppercase()) {
        return;
    }
    // `Model(**body)`: every column a keyword.
    if call
        .arguments
        .keywords
        .iter()
        .any(|k| k.arg.is_none() && is_body(cx, &k.value))
    {
        cx.report(
            &SC142,
            call,
            format!(
                "`{}(**...)` is made from the request's body whole: the client sets any column",
                class.id
            ),
        );
        let index = cx.findings.len() - 1;
        cx.deferred.push((
            index,
            crate::project::Deferred::OnlyPlainModel {
                class: class.id.to_string(),
                attr: String::new(),
            },
        ));
        return;
    }
    // `User(..., role=data["role"])`: an account made with the privilege the client asks.
    let account = {
        let n = class.id.to_ascii_lowercase();
        ["user", "account", "member", "customer", "person", "profile"]
            .iter()
            .any(|w| n.contains(w))
    };
    if account
        && let Some(k) = call.arguments.keywords.iter().find(|k| {
            k.arg
                .as_ref()
                .is_some_and(|a| PRIVILEGE_FIELDS.contains(&a.as_str()))
                && decided_by_body(cx, &k.value)
        })
        && !admin_only(cx)
    {
        let field = k.arg.as_ref().map(ToString::to_string).unwrap_or_default();
        cx.report(
            &SC142,
            k,
            format!(
                "`{}({field}=...)` takes the privilege from the request's body: a client makes itself whatever it asks",
                class.id
            ),
        );
    }
}

/// `SC142` on `user.role = data["role"]`, and on a record stored with its privilege from
/// the body (`users[name] = {..., "is_admin": bool(data.get("is_admin"))}`).
pub(crate) fn check_assign(cx: &mut Checker<'_>, targets: &[Expr], value: &Expr) {
    if cx.functions.is_empty() {
        return;
    }
    if let Expr::Dict(d) = value
        && targets.iter().any(|t| matches!(t, Expr::Subscript(_)))
        && let Some(item) = d.items.iter().find(|i| {
            i.key
                .as_ref()
                .and_then(str_value)
                .is_some_and(|k| PRIVILEGE_FIELDS.contains(&k))
                && any_expr(&i.value, &mut |x| read_from_body(cx, x, None))
        })
        && !admin_only(cx)
    {
        let field = item.key.as_ref().and_then(str_value).unwrap_or_default().to_owned();
        cx.report(
            &SC142,
            &item.value,
            format!("the stored record's `{field}` comes from the request's body: a client makes itself whatever it asks"),
        );
        return;
    }
    if !decided_by_body(cx, value) {
        return;
    }
    let Some(field) = targets.iter().find_map(|t| match t {
        Expr::Attribute(a) if PRIVILEGE_FIELDS.contains(&a.attr.as_str()) => Some(a.attr.to_string()),
        _ => None,
    }) else {
        return;
    };
    if admin_only(cx) {
        return;
    }
    cx.report(
        &SC142,
        value,
        format!("`{field}` is set from the request's body: a client makes itself whatever it asks"),
    );
}

/// The privilege field a module's list of client-settable fields holds: `iter` names a
/// module constant of strings (`PROFILE_FIELDS = ("email", "phone", "role")`) with one of
/// [`PRIVILEGE_FIELDS`] in it.
fn privileged_allow_list(cx: &Checker<'_>, iter: &Expr) -> Option<String> {
    let Expr::Name(n) = iter else { return None };
    let elts = match cx.constants.get(n.id.as_str())? {
        Expr::Tuple(t) => &t.elts,
        Expr::List(l) => &l.elts,
        _ => return None,
    };
    elts.iter()
        .filter_map(str_value)
        .find(|v| PRIVILEGE_FIELDS.contains(v))
        .map(str::to_owned)
}

/// Whether `e` reads the body under the loop's key: `data[key]`, `data.get(key)`.
fn reads_body_at(cx: &Checker<'_>, e: &Expr, key: &str) -> bool {
    any_expr(e, &mut |x| read_from_body(cx, x, Some(key)))
}

/// `SC142` on `{k: data[k] for k in PROFILE_FIELDS if k in data}` where the list holds a
/// privilege field.
pub(crate) fn check_comprehension(cx: &mut Checker<'_>, expr: &Expr) {
    if cx.functions.is_empty() {
        return;
    }
    let (generators, element): (&[ast::Comprehension], &Expr) = match expr {
        Expr::DictComp(d) => (&d.generators, &d.value),
        Expr::ListComp(l) => (&l.generators, &l.elt),
        Expr::Generator(g) => (&g.generators, &g.elt),
        _ => return,
    };
    let Some(g) = generators.first() else { return };
    let Expr::Name(key) = &g.target else { return };
    if let Some(field) = privileged_allow_list(cx, &g.iter)
        && reads_body_at(cx, element, key.id.as_str())
        && !admin_only(cx)
    {
        cx.report(
            &SC142,
            expr,
            format!("the fields a client may set include `{field}`: a client makes itself whatever it asks"),
        );
    }
}

/// `SC142` on `for key, value in body.items(): setattr(record, key, value)`.
pub(crate) fn check_for(cx: &mut Checker<'_>, stmt: &ast::StmtFor) {
    if cx.functions.is_empty() {
        return;
    }
    // `for key in PROFILE_FIELDS: if key in data: ... data[key]`, the list holding `role`.
    if let Expr::Name(key) = stmt.target.as_ref()
        && let Some(field) = privileged_allow_list(cx, &stmt.iter)
        && stmt.body.iter().any(|s| {
            let mut reads = false;
            crate::facts::exprs_in(std::slice::from_ref(s), &mut |e| {
                reads |= reads_body_at(cx, e, key.id.as_str());
            });
            reads
        })
        && !admin_only(cx)
    {
        cx.report(
            &SC142,
            stmt,
            format!("the fields a client may set include `{field}`: a client makes itself whatever it asks"),
        );
        return;
    }
    // `body.items()`, `body.keys()`, a copy to pop from (`body.copy()`, `list(body)`).
    let mapping = match stmt.iter.as_ref() {
        Expr::Call(c) if matches!(callee_last(c), Some("items" | "keys" | "copy")) => match c.func.as_ref() {
            Expr::Attribute(a) => a.value.as_ref(),
            Expr::Name(n) if n.id.as_str() == "copy" => match c.arguments.args.first() {
                Some(arg) => arg,
                None => return,
            },
            _ => return,
        },
        Expr::Call(c)
            if matches!(c.func.as_ref(), Expr::Name(n) if matches!(n.id.as_str(), "list" | "dict" | "tuple"))
                && c.arguments.args.len() == 1 =>
        {
            &c.arguments.args[0]
        }
        other => other,
    };
    if !is_body(cx, mapping) {
        return;
    }
    let key = match stmt.target.as_ref() {
        Expr::Tuple(t) => t.elts.first().and_then(|e| match e {
            Expr::Name(n) => Some(n.id.as_str()),
            _ => None,
        }),
        Expr::Name(n) => Some(n.id.as_str()),
        _ => None,
    };
    let Some(key) = key else { return };
    let names_key = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == key);
    // An allow-list (`if key in ALLOWED`, `if key not in ("id", "role")`, `key == "name"`).
    // The setter: `setattr(obj, key, ...)`, or a column list of SQL the function writes
    // (`fields.append(key)` … `f"INSERT INTO users ({', '.join(fields)}) ..."`).
    let func = cx.functions.last().copied();
    let sql_lists: Vec<String> = func
        .map(|f| {
            let mut out = Vec::new();
            crate::facts::exprs_in(&f.body, &mut |e| {
                if let Expr::FString(fs) = e {
                    let text: String = fs
                        .value
                        .elements()
                        .filter_map(|el| match el {
                            ast::InterpolatedStringElement::Literal(l) => Some(l.value.to_string()),
                            ast::InterpolatedStringElement::Interpolation(_) => None,
                        })
                        .collect::<String>()
                        .to_ascii_lowercase();
                    if text.contains("insert into") || text.contains("update ") && text.contains(" set") {
                        for el in fs.value.elements() {
                            if let ast::InterpolatedStringElement::Interpolation(i) = el {
                                crate::ast_util::each_expr(&i.expression, &mut |x| {
                                    if let Expr::Name(n) = x {
                                        out.push(n.id.to_string());
                                    }
                                });
                            }
                        }
                    }
                }
            });
            out
        })
        .unwrap_or_default();
    let is_setter = |c: &ast::ExprCall| {
        (callee_last(c) == Some("setattr")
            && c.arguments.args.get(1).is_some_and(names_key)
            && c.arguments.args.first().is_some_and(|o| str_value(o).is_none()))
            || (callee_last(c) == Some("append")
                && c.arguments.args.first().is_some_and(names_key)
                && matches!(c.func.as_ref(), Expr::Attribute(a)
                    if matches!(a.value.as_ref(), Expr::Name(n) if sql_lists.iter().any(|l| l == n.id.as_str()))))
    };
    // `record[key] = value` on a record read from a store.
    let item_set = |st: &Stmt| match st {
        Stmt::Assign(a) => a.targets.iter().any(|t| {
            matches!(t, Expr::Subscript(sub) if names_key(&sub.slice) && is_record(cx, &sub.value))
        }),
        _ => false,
    };
    let holds_setter = |body: &[Stmt]| {
        let mut item = false;
        for st in body {
            crate::ast_util::each_stmt(st, &mut |x| item |= item_set(x));
        }
        item || crate::facts::calls_in(body).into_iter().any(is_setter)
    };
    // `key in card` (the record's own fields) or `key in data` lists nothing.
    let a_list = |e: &Expr| !(is_record(cx, e) || is_body(cx, e));
    // A list the key is tested against protects when the setter runs only for keys in it
    // (`if key in ALLOWED: setattr(...)`, `if key not in ALLOWED: continue`); a deny-list
    // (`if key not in ("id",): setattr(...)`) lets every other key through.
    let mut listed = false;
    let mut setter: Option<&ast::ExprCall> = None;
    let mut item_setter: Option<ruff_text_size::TextRange> = None;
    for s in &stmt.body {
        crate::ast_util::each_stmt(s, &mut |st| {
            if item_setter.is_none() && item_set(st) {
                item_setter = Some(ruff_text_size::Ranged::range(st));
            }
        });
        crate::ast_util::each_stmt(s, &mut |st| {
            if let Stmt::If(i) = st {
                let mut positive = None;
                crate::ast_util::each_expr(&i.test, &mut |x| {
                    if let Expr::Compare(c) = x
                        && (names_key(&c.left) || c.comparators.iter().any(names_key))
                        && c.comparators.iter().all(|r| names_key(r) || a_list(r))
                    {
                        match c.ops.first() {
                            Some(ast::CmpOp::In | ast::CmpOp::Eq) => positive = Some(true),
                            Some(ast::CmpOp::NotIn | ast::CmpOp::NotEq) => positive = Some(false),
                            _ => {}
                        }
                    }
                });
                let negated = matches!(i.test.as_ref(), Expr::UnaryOp(u) if u.op == ast::UnaryOp::Not);
                if let Some(positive) = positive {
                    let positive = positive != negated;
                    let inside = holds_setter(&i.body);
                    let guard = i
                        .body
                        .iter()
                        .any(|b| matches!(b, Stmt::Continue(_) | Stmt::Raise(_) | Stmt::Return(_)));
                    if positive && inside || !positive && guard {
                        listed = true;
                    }
                }
            }
        });
        crate::facts::exprs_in(std::slice::from_ref(s), &mut |e| {
            if let Expr::Call(c) = e
                && setter.is_none()
                && is_setter(c)
            {
                setter = Some(c);
            }
        });
    }
    if listed {
        return;
    }
    if let Some(at) = item_setter
        && setter.is_none()
    {
        cx.report(
            &SC142,
            &at,
            "every key of the request's body is written into the stored record: the client picks which fields change",
        );
        return;
    }
    if let Some(c) = setter {
        let how = if callee_last(c) == Some("append") {
            "every key of the request's body becomes a column of the SQL the function writes: the client picks which fields are set"
        } else {
            "every key of the request's body is set on the object: the client picks which fields change"
        };
        cx.report(&SC142, c, how);
    }
}

hooks! {
    on_call => check_call,
    on_assign => check_assign,
    on_for => check_for,
    on_comprehension => check_comprehension,
    concerns_its_view => true,
}
