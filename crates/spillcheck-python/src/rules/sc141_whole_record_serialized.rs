//! `SC141` whole-record-serialized: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A route that returns an entire record: `jsonify(dict(row))`, `jsonify(user.__dict__)`, `vars(obj)`, `row._asdict()`, `model_to_dict(obj)`, a MongoEngine document's `to_json()` or `to_mongo()` (unless the project writes its own `to_json`), or a schema with `fields = "__all__"`; rows of a `SELECT *` answered as they came (`jsonify({"users": rows})`, `jsonify(rows[0])`), fetched through the project's query helper or from the cursor that ran the statement (also one built in a local first).
    ///
    /// ## Why it matters
    /// Whatever column is added to the table next (a reset token, an internal flag, another user's data) is published the day it is added.
    ///
    /// ## Example
    /// ```python
    /// return jsonify(dict(row))
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// return jsonify({"id": row["id"], "title": row["title"], "body": row["body"]})
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// An allow-list serializer is handed the record, not answered with it:
    /// `marshal(obj.__dict__, FIELDS)` (Flask-RESTful answers only `FIELDS`), a handler whose
    /// decorators declare the schema it answers with (`@response(S)` of APIFairy,
    /// `@bp.response(200, S)`, `@ns.marshal_with(model)`, `@app.output(S)`),
    /// `schema.dump(vars(obj))`, `Model.model_validate(obj.__dict__)`. Options are no record: `vars()` or `__dict__` of what `argparse` parsed or a
    /// `SimpleNamespace` built in the view, or of an attribute named for options
    /// (`scanner.arguments`), echoes the caller's own parameters. Only what reaches the
    /// answer counts: the whole record must be in a `return` of the route, or in a name the `return` reads (a row turned into a dict to compute totals
    /// is not reported). An object of a class that declares its fields (`@dataclass`, attrs,
    /// `NamedTuple`, pydantic), from a method every annotated definition of which returns such
    /// a class (`def calls(self) -> List[ModelCall]` building each object field by field), is
    /// `possible`: the answer holds what the class declares, not what the table gains.
    /// A whole record that reaches the answer is certain, so the finding
    /// is `likely`; whether it matters depends on the columns, which the message names
    /// when the table is known.
    pub static SC141 = {
        id: "SC141",
        slug: "whole-record-serialized",
        title: "Whole database record serialized into a response",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[213],
        owasp: &[OwaspApi::Api3],
        fix: "Return an explicit allow-list of fields instead of the whole row or object.",
        route_level: true,
    }
}

use ruff_python_ast::Expr;
use ruff_text_size::Ranged;
use spillcheck_core::Finding;

use crate::ast_util::{callee_last, dotted, each_expr};
use crate::model::Model;
use crate::project::SourceFile;

/// Options, not a record: what `argparse` parsed or a `SimpleNamespace`/`Namespace` built
/// (a local the function makes so), or an attribute named for them (`app.arguments`,
/// `self.options`, `ctx.settings`): the caller's own parameters echoed, no stored row.
fn options_object(e: &Expr, func: &ruff_python_ast::StmtFunctionDef) -> bool {
    if let Expr::Attribute(a) = e
        && matches!(
            a.attr.as_str(),
            "arguments" | "args" | "options" | "opts" | "settings" | "namespace" | "params"
        )
    {
        return true;
    }
    let Expr::Name(n) = e else { return false };
    crate::facts::values_assigned(&func.body, n.id.as_str())
        .into_iter()
        .any(|v| {
            matches!(v, Expr::Call(c) if matches!(
                callee_last(c),
                Some("SimpleNamespace" | "Namespace" | "parse_args" | "parse_known_args")
            ))
        })
}

/// A serializer that answers only the fields it lists, whatever mapping it is handed:
/// Flask-RESTful's `marshal(obj.__dict__, FIELDS)`, a schema's `dump`/`dumps`
/// (`schema.dump(vars(obj))`, not `json.dumps`), a pydantic model's `model_validate`.
fn keeps_listed_fields(call: &ruff_python_ast::ExprCall) -> bool {
    let receiver = match call.func.as_ref() {
        Expr::Attribute(a) => dotted(&a.value).unwrap_or_default().to_ascii_lowercase(),
        _ => String::new(),
    };
    match callee_last(call).unwrap_or_default() {
        "marshal" => call.arguments.args.len() >= 2 || !call.arguments.keywords.is_empty(),
        "dump" | "dumps" => receiver.contains("schema"),
        "model_validate" | "parse_obj" | "from_orm" | "model_construct" => !receiver.is_empty(),
        _ => false,
    }
}

/// `SC141`: a route handler that turns a whole record into its response:
/// `dict(row)` of a `SELECT *`, `obj.__dict__`, `vars(obj)`, `row._asdict()`, `model_to_dict(obj)`.
pub(crate) fn check_routes<'a>(
    model: &'a Model<'a>,
    files: &[SourceFile],
    taints: &crate::facts::Taints<'a>,
    data_models: &crate::data_models::DataModels,
    findings: &mut Vec<Finding>,
) {
    // MongoEngine's own dumps of a whole document (`user.to_json()`, `to_mongo()`), unless
    // the project writes a `to_json` of its own (which picks its fields).
    let odm = files.iter().any(|f| f.text.contains("mongoengine"));
    let own_to_json = files.iter().any(|f| f.text.contains("def to_json"));
    for site in &model.routes {
        let file = &files[site.file_index];
        // A schema the decorators declare answers only its own fields.
        if file.is_test || crate::recognizers::answers_through_schema(site.func) {
            continue;
        }
        let whole = taints.of(site.func).flagged(|f| f.whole_record);
        let stars = star_selects(site.func);
        let rows = star_rows(site.func, &stars);
        let lists = fetched_lists(site.func);
        // What the answer is made of: return values, and names they read (one step back).
        let returned = crate::facts::returned_exprs(&site.func.body);
        let mut kept: Vec<ruff_text_size::TextRange> = Vec::new();
        for r in &returned {
            each_expr(r, &mut |e| {
                if let Expr::Call(c) = e
                    && keeps_listed_fields(c)
                    && let Some(data) = c.arguments.args.first()
                {
                    kept.push(data.range());
                }
            });
        }
        let filtered = |e: &Expr| kept.iter().any(|k| k.contains_range(e.range()));
        let mut hits: Vec<(&Expr, String)> = Vec::new();
        let mut visit = |e: &'a Expr| match e {
            _ if filtered(e) => {}
            Expr::Call(c) => {
                let name = callee_last(c).unwrap_or_default();
                let arg = c.arguments.args.first();
                if name == "dict"
                    && arg.is_some_and(
                        |a| matches!(a, Expr::Name(n) if whole.contains(n.id.as_str())),
                    )
                {
                    hits.push((e, "`dict(...)` of a `SELECT *` row".into()));
                } else if matches!(name, "vars" | "model_to_dict")
                    && arg.is_some_and(|a| !options_object(a, site.func))
                {
                    hits.push((e, format!("`{name}(...)` of an object")));
                } else if name == "_asdict" {
                    hits.push((e, "`._asdict()` of a row".into()));
                } else if odm
                    && (name == "to_mongo" || name == "to_json" && !own_to_json)
                    && matches!(c.func.as_ref(), Expr::Attribute(a) if dotted(&a.value).is_some_and(|d| d != "self"))
                {
                    hits.push((e, format!("`.{name}()` of a document")));
                }
            }
            Expr::Attribute(a)
                if a.attr.as_str() == "__dict__"
                    && dotted(&a.value).is_some_and(|d| d != "self")
                    && !options_object(&a.value, site.func) =>
            {
                hits.push((e, "`.__dict__` of an object".into()));
            }
            _ => {}
        };
        for r in &returned {
            each_expr(r, &mut visit);
        }
        // A `SELECT *` row (or rows) answered as it came (`jsonify({'users': rows})`,
        // `jsonify(rows[0])` of a list of rows), where no `dict(...)` above took it.
        if hits.is_empty()
            && let Some(row) = {
                returned
                    .iter()
                    .find_map(|r| answered_as_is(r, &|n| rows.iter().any(|(x, _)| *x == n), &lists))
            }
        {
            let name = match row {
                Expr::Subscript(sub) => sub.value.as_ref(),
                other => other,
            };
            let Expr::Name(n) = name else { continue };
            hits.push((row, format!("`{}` (rows of a `SELECT *`)", n.id)));
        }
        // A secret column the SQL of a local answered as it came selects by name
        // (`rows = query_db("SELECT s.secret_value ...")` → `jsonify({'secrets': rows})`).
        let selected: Vec<(&str, String)> = crate::facts::assigns_in(&site.func.body)
            .into_iter()
            .filter_map(|a| {
                let mut column = None;
                each_expr(&a.value, &mut |e| {
                    if column.is_none()
                        && let Expr::Call(c) = e
                        && crate::facts::is_data_call(c)
                        && let Some(sql) = crate::facts::sql_of(c)
                    {
                        column = selected_columns(&sql)
                            .into_iter()
                            .find(|col| spillcheck_core::vocab::is_sensitive_field(col));
                    }
                });
                Some((a, column?))
            })
            .flat_map(|(a, column)| {
                a.targets
                    .iter()
                    .flat_map(crate::ast_util::target_names)
                    .map(move |n| (n, column.clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        let named = returned.iter().find_map(|r| {
            let node = answered_as_is(r, &|n| selected.iter().any(|(x, _)| *x == n), &lists)?;
            let name = match node {
                Expr::Subscript(sub) => sub.value.as_ref(),
                other => other,
            };
            let Expr::Name(n) = name else { return None };
            selected
                .iter()
                .find(|(x, _)| *x == n.id.as_str())
                .map(|(_, c)| (node, c.clone()))
        });
        let method = site.route.methods.first().map_or("GET", String::as_str);
        if let Some((node, column)) = named {
            findings.push(
                Finding::new(
                    &crate::rules::sc140_sensitive_field_serialized::SC140,
                    format!(
                        "`{method} {}` answers the rows of a query that selects `{column}`",
                        site.route.path
                    ),
                )
                .at(file.at(node))
                .on_route(method, &site.route.path),
            );
        }
        // With the table's columns known (its `CREATE TABLE`), a secret column goes with
        // every row of the `SELECT *` answered whole.
        else if let Some((node, _)) = hits.iter().find(|(_, what)| what.contains("SELECT *"))
            && let Some((table, column)) = {
                // The statement of the rows answered, else the handler's only `SELECT *`.
                let answered = match node {
                    Expr::Call(c) => c.arguments.args.first(),
                    Expr::Subscript(sub) => Some(sub.value.as_ref()),
                    other => Some(*other),
                };
                let sql = answered
                    .and_then(|e| match e {
                        Expr::Name(n) => rows.iter().find(|(x, _)| *x == n.id.as_str()),
                        _ => None,
                    })
                    .map(|(_, q)| q.clone())
                    .or_else(|| (stars.len() == 1).then(|| stars[0].1.clone()));
                sql.and_then(|q| star_secret(&q, data_models))
            }
        {
            findings.push(
                Finding::new(
                    &crate::rules::sc140_sensitive_field_serialized::SC140,
                    format!(
                        "`{method} {}` answers whole `SELECT *` rows of `{table}`, and with them its `{column}` column",
                        site.route.path
                    ),
                )
                .at(file.at(*node))
                .on_route(method, &site.route.path),
            );
        }
        for (node, what) in hits {
            let method = site.route.methods.first().map_or("GET", String::as_str);
            let mut finding = Finding::new(&SC141, format!("`{method} {}` returns {what}: every column, present and future, is published", site.route.path))
                .at(file.at(node))
                .on_route(method, &site.route.path);
            if let Some(class) = declared_object(files, site.func, node) {
                finding.lower_to_possible(format!(
                    "the object is a `{class}`, a class that declares its fields (a dataclass, attrs class, named tuple or pydantic model), built by the project's own code: what is answered is what it declares, not whatever the table holds"
                ));
            }
            findings.push(finding);
        }
    }
}

/// The object under `vars(x)` / `x.__dict__` when it is an instance of a class that declares
/// its fields (`@dataclass`, attrs, `NamedTuple`, pydantic `BaseModel`): `x` comes from a
/// call (`for c in store.calls(...)`, `rows = store.requests(...)`) every definition of which
/// in the project is annotated to return such a class (`-> List[ModelCall]`).
fn declared_object(files: &[SourceFile], func: &ruff_python_ast::StmtFunctionDef, node: &Expr) -> Option<String> {
    let object = match node {
        Expr::Attribute(a) => a.value.as_ref(),
        Expr::Call(c) => c.arguments.args.first()?,
        _ => return None,
    };
    let Expr::Name(n) = object else { return None };
    // Where the name comes from: a loop or comprehension over a call, or a call's value,
    // one local back (`rows = store.requests(...)`, `[r.__dict__ for r in rows]`).
    let mut source: Option<&Expr> = None;
    crate::facts::exprs_in(&func.body, &mut |e| {
        if source.is_none()
            && let Some(generators) = crate::ast_util::comprehension_generators(e)
        {
            source = generators
                .iter()
                .find(|g| matches!(&g.target, Expr::Name(t) if t.id == n.id))
                .map(|g| &g.iter);
        }
    });
    let lookup = |name: &str| {
        crate::facts::assigns_in(&func.body)
            .into_iter()
            .find(|a| {
                a.targets
                    .iter()
                    .any(|t| matches!(t, Expr::Name(x) if x.id.as_str() == name))
            })
            .map(|a| a.value.as_ref())
    };
    let mut source = source.or_else(|| lookup(n.id.as_str()))?;
    if let Expr::Name(m) = source {
        source = lookup(m.id.as_str())?;
    }
    let Expr::Call(call) = source else { return None };
    let method = callee_last(call)?;
    // `store.calls(...)` is a method: only methods of that name count (not a view named so).
    let is_method = matches!(call.func.as_ref(), Expr::Attribute(_));
    let mut returned: Vec<String> = Vec::new();
    for f in files {
        let Some(module) = &f.parsed else { continue };
        for stmt in &module.body {
            crate::ast_util::each_stmt(stmt, &mut |s| {
                if let ruff_python_ast::Stmt::FunctionDef(d) = s
                    && d.name.as_str() == method
                    && (!is_method
                        || d.parameters.args.first().is_some_and(|p| {
                            matches!(p.parameter.name.as_str(), "self" | "cls")
                        }))
                {
                    // An unannotated definition, or one returning `Any`, says nothing
                    // (a facade passing the store's objects on).
                    returned.extend(d.returns.as_deref().map(annotated_classes).unwrap_or_default());
                }
            });
        }
    }
    if returned.is_empty() {
        return None;
    }
    returned.sort();
    returned.dedup();
    returned
        .iter()
        .all(|class| declares_fields(files, class))
        .then(|| returned.join("`, `"))
}

/// The classes an annotation names inside the usual containers (`List[ModelCall]`,
/// `Optional[Run]`, `list[Run] | None`); a mapping or `Any` names none.
fn annotated_classes(annotation: &Expr) -> Vec<String> {
    let mut out = Vec::new();
    let mut opaque = false;
    each_expr(annotation, &mut |e| {
        let name = match e {
            Expr::Name(n) => n.id.as_str(),
            Expr::Attribute(a) => a.attr.as_str(),
            Expr::StringLiteral(s) => s.value.to_str(),
            _ => return,
        };
        match name {
            "List" | "list" | "Optional" | "Sequence" | "Iterable" | "Iterator" | "Tuple"
            | "tuple" | "Union" | "None" | "typing" | "Generator" => {}
            "Dict" | "dict" | "Any" | "Mapping" | "Row" | "object" => opaque = true,
            other if other.starts_with(|c: char| c.is_ascii_uppercase()) => out.push(other.to_owned()),
            _ => opaque = true,
        }
    });
    if opaque { Vec::new() } else { out }
}

/// Whether the project defines `class` as one that declares its fields: decorated with
/// `@dataclass`/attrs, or derived from `NamedTuple` or pydantic's `BaseModel`.
fn declares_fields(files: &[SourceFile], class: &str) -> bool {
    let mut found = false;
    let mut plain = false;
    for f in files {
        let Some(module) = &f.parsed else { continue };
        for stmt in &module.body {
            crate::ast_util::each_stmt(stmt, &mut |s| {
                let ruff_python_ast::Stmt::ClassDef(c) = s else { return };
                if c.name.as_str() != class {
                    return;
                }
                let decorated = c.decorator_list.iter().any(|d| {
                    let e = match &d.expression {
                        Expr::Call(call) => call.func.as_ref(),
                        other => other,
                    };
                    dotted(e).is_some_and(|n| {
                        matches!(
                            n.rsplit('.').next(),
                            Some("dataclass" | "define" | "frozen" | "mutable" | "s" | "attrs")
                        )
                    })
                });
                let derived = c.arguments.iter().flat_map(|a| a.args.iter()).any(|b| {
                    dotted(b).is_some_and(|n| {
                        matches!(n.rsplit('.').next(), Some("NamedTuple" | "BaseModel"))
                    })
                });
                if decorated || derived {
                    found = true;
                } else {
                    plain = true;
                }
            });
        }
    }
    found && !plain
}

/// Locals given rows of a `SELECT *` as they come: from the call that runs it
/// (`rows = query_db("SELECT * ...")`, `db.execute(...).fetchall()`), or from the cursor
/// that ran it (`cur.execute(query)`, then `rows = cur.fetchall()`). Not what is computed
/// from them.
fn star_rows<'a>(
    func: &'a ruff_python_ast::StmtFunctionDef,
    stars: &[(Option<String>, String)],
) -> Vec<(&'a str, String)> {
    let mut out = Vec::new();
    for a in crate::facts::assigns_in(&func.body) {
        let mut at = a.value.as_ref();
        let mut sql = None;
        while let Expr::Call(c) = at {
            if crate::facts::is_data_call(c)
                && let Some(q) = crate::facts::sql_of(c).filter(|q| crate::facts::is_select_star(q))
            {
                sql = Some(q.into_owned());
                break;
            }
            if let Expr::Attribute(fa) = c.func.as_ref() {
                if matches!(fa.attr.as_str(), "fetchone" | "fetchall" | "fetchmany")
                    && let Some(r) = dotted(&fa.value)
                    && let Some((_, q)) = stars.iter().find(|(x, _)| x.as_deref() == Some(r.as_str()))
                {
                    sql = Some(q.clone());
                    break;
                }
                at = fa.value.as_ref();
            } else {
                break;
            }
        }
        if let Some(sql) = sql {
            for t in &a.targets {
                for n in crate::ast_util::target_names(t) {
                    out.push((n, sql.clone()));
                }
            }
        }
    }
    out
}

/// Locals holding a list of rows (`rows = cur.fetchall()`, `query_db(...)`), whose `[0]` is a
/// row, where a single row's `[0]` is its first column.
fn fetched_lists(func: &ruff_python_ast::StmtFunctionDef) -> Vec<&str> {
    crate::facts::names_bound_to(&func.body, |v| {
            matches!(v, Expr::Call(c) if matches!(
                callee_last(c),
                Some("fetchall" | "fetchmany" | "query_db" | "query_all" | "all")
            ) && !c.arguments.keywords.iter().any(|k| {
                k.arg.as_ref().is_some_and(|n| n.as_str() == "one")
                    && !matches!(k.value, Expr::BooleanLiteral(ref b) if !b.value)
            }))
    })
}

/// A whole-record local that an answer carries as it is: the answer itself, a value of
/// the dict or list it is, an argument of the response it builds (`jsonify(rows)`,
/// `jsonify({"user": user})`, `(jsonify(rows), 200)`), or the first row of a list of rows
/// (`rows[0]`). Not what a call or a comprehension makes of it, nor one column of it.
fn answered_as_is<'e>(
    e: &'e Expr,
    rows: &dyn Fn(&str) -> bool,
    lists: &[&str],
) -> Option<&'e Expr> {
    match e {
        Expr::Name(n) if rows(n.id.as_str()) => Some(e),
        Expr::Subscript(s)
            if matches!(s.value.as_ref(), Expr::Name(n) if rows(n.id.as_str()) && lists.contains(&n.id.as_str()))
                && matches!(s.slice.as_ref(), Expr::NumberLiteral(_)) =>
        {
            Some(e)
        }
        Expr::Dict(d) => d.items.iter().find_map(|i| answered_as_is(&i.value, rows, lists)),
        Expr::List(l) => l.elts.iter().find_map(|x| answered_as_is(x, rows, lists)),
        Expr::Tuple(t) => t.elts.iter().find_map(|x| answered_as_is(x, rows, lists)),
        Expr::Call(c)
            if matches!(
                callee_last(c),
                Some("jsonify" | "make_response" | "Response" | "dumps" | "json_response")
            ) =>
        {
            crate::patterns::call_values(c)
                .find_map(|x| answered_as_is(x, rows, lists))
        }
        _ => None,
    }
}

/// The columns a `SELECT` names, by the name its rows carry them under (`s.secret_value`
/// → `secret_value`, `pw AS password` → `password`); none for `SELECT *`.
fn selected_columns(sql: &str) -> Vec<String> {
    let lower = sql.to_ascii_lowercase();
    let Some(start) = lower.find("select") else {
        return Vec::new();
    };
    let Some(end) = lower[start..].find(" from ").map(|i| start + i) else {
        return Vec::new();
    };
    lower[start + 6..end]
        .split(',')
        .filter_map(|item| {
            let item = item.trim();
            let name = item.rsplit(" as ").next().unwrap_or(item).trim();
            // An expression (`count(password)`, `password IS NOT NULL`) is not the column.
            if name.contains(['(', ' ', '*']) {
                return None;
            }
            let name = name.rsplit('.').next().unwrap_or(name);
            let name = name.trim_matches(|c| c == '"' || c == '`' || c == '[' || c == ']');
            (!name.is_empty()).then(|| name.to_owned())
        })
        .collect()
}

/// The first secret column (by name) of the table a `SELECT *` reads, when the table's
/// columns are known: (table as written, column).
fn star_secret(
    sql: &str,
    data_models: &crate::data_models::DataModels,
) -> Option<(String, String)> {
    // The table after `FROM`, whatever the white space, without its schema.
    let table = crate::facts::sql_table_names(sql).into_iter().next()?;
    let fields = data_models.fields(&crate::facts::model_key(&table))?;
    let mut secret: Vec<&String> = fields
        .iter()
        .filter(|f| spillcheck_core::vocab::is_sensitive_field(f))
        .collect();
    secret.sort();
    secret.first().map(|f| (table.clone(), (*f).clone()))
}

/// The `SELECT *` statements a handler runs, with the receiver that ran each (`cur` of
/// `cur.execute(...)`): the statement written in the call, or in a local it was built in
/// (`query = f"SELECT * ..."`, then `cur.execute(query)`).
fn star_selects(func: &ruff_python_ast::StmtFunctionDef) -> Vec<(Option<String>, String)> {
    let assigns = crate::facts::assigns_in(&func.body);
    let text_of = |e: &Expr| -> Option<String> {
        if let Some(t) = crate::ast_util::literal_text(e) {
            return Some(t.into_owned());
        }
        let Expr::Name(n) = e else { return None };
        crate::facts::last_value_of(&assigns, &n.id)
            .and_then(crate::ast_util::literal_text)
            .map(std::borrow::Cow::into_owned)
    };
    crate::facts::calls_in(&func.body)
        .into_iter()
        .filter(|c| crate::facts::is_data_call(c))
        .filter_map(|c| {
            let sql = c.arguments.args.first().and_then(text_of)?;
            crate::facts::is_select_star(&sql).then(|| {
                let receiver = match c.func.as_ref() {
                    Expr::Attribute(a) => dotted(&a.value),
                    _ => None,
                };
                (receiver, sql)
            })
        })
        .collect()
}

/// `SC141`'s hooks.
pub(crate) struct Check;

impl crate::rules::Rule for Check {
    fn on_project(&self, cx: &crate::project::Project<'_>, findings: &mut Vec<Finding>) {
        check_routes(cx.model, cx.files, cx.taints, cx.data_models, findings);
    }

    fn concerns_its_view(&self) -> bool {
        true
    }
}
