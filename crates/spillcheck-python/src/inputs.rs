//! What a view reads from the request: the JSON or form fields and the query parameters
//! its handler asks for by name, with the type the handler converts them to. The probe
//! builds bodies an API accepts from them (`spillcheck scan --source`).
//!
//! Recognized forms, whatever the variable names:
//! - `request.json["k"]`, `request.get_json()["k"]`, `request.get_json(force=True).get("k")`,
//!   `request.form["k"]`, `request.args.get("k", type=int)`, `request.values.get("k")`;
//! - aliases: `data = request.get_json() or {}` then `data["k"]` / `data.get("k", 0)`;
//! - conversions: `int(...)`, `float(...)`, `Decimal(...)`, `bool(...)` around a read,
//!   `type=int` on `args.get`, a numeric or boolean default;
//! - Flask-RESTful / flask-restx `parser.add_argument("k", type=int, location="json")` in the
//!   handler;
//! - schemas (below): marshmallow and pydantic classes the handler loads the body with, and
//!   WTForms / Flask-WTF forms it instantiates (`form = LoginForm()`: their `StringField`,
//!   `PasswordField`… are posted form fields; `DataRequired` makes one required).

use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{self as ast, Expr, Stmt};
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use crate::ast_util::{callee_last, dotted, kwarg, str_value, target_names};

/// Where a request input comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum InputSource {
    /// The JSON body.
    Json,
    /// Form fields (`application/x-www-form-urlencoded` or multipart).
    Form,
    /// The query string.
    Query,
    /// A request header the handler reads itself (`request.headers.get("X-User-Id")`):
    /// not a standard one, nor the credentials.
    Header,
}

/// One named input a handler reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestInput {
    /// The field or parameter name.
    pub name: String,
    /// Where it is read from.
    pub source: InputSource,
    /// `integer`, `number`, `boolean` or `string` (the handler's conversion; string when none).
    pub kind: &'static str,
    /// Read without a default (`data["k"]`, `args.get("k")`, `required=True`).
    pub required: bool,
    /// A value the handler accepts, when its code names one: the literal it compares the
    /// field with (`if method == "virtual_card"`, `if kind not in ("a", "b")`) or the
    /// first of reqparse's `choices`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
}

/// Adds the inputs of `more` that `out` does not hold yet (by name and source).
pub(crate) fn add_new(out: &mut Vec<RequestInput>, more: impl IntoIterator<Item = RequestInput>) {
    for i in more {
        if !out.iter().any(|x| x.name == i.name && x.source == i.source) {
            out.push(i);
        }
    }
}

/// The inputs `func` reads, in first-read order, each name once per source.
pub(crate) fn request_inputs(func: &ast::StmtFunctionDef) -> Vec<RequestInput> {
    let mut v = Reads::default();
    for stmt in &func.body {
        v.visit_stmt(stmt);
    }
    v.found
}

/// The arguments of the module-level parsers `func` parses (`register_parser.parse_args()`
/// in the view, `register_parser.add_argument("email", required=True)` at the top of the
/// module, as Flask-RESTful code is written).
pub(crate) fn module_parser_inputs(
    module: &[ast::Stmt],
    func: &ast::StmtFunctionDef,
) -> Vec<RequestInput> {
    let mut parsers: Vec<&str> = Vec::new();
    crate::facts::exprs_in(&func.body, &mut |e| {
        if let Expr::Call(c) = e
            && let Expr::Attribute(a) = c.func.as_ref()
            && a.attr.as_str() == "parse_args"
            && let Expr::Name(n) = a.value.as_ref()
            && !parsers.contains(&n.id.as_str())
        {
            parsers.push(n.id.as_str());
        }
    });
    if parsers.is_empty() {
        return Vec::new();
    }
    let mut v = Reads::default();
    for stmt in module {
        if let ast::Stmt::Expr(x) = stmt
            && let Expr::Call(c) = x.value.as_ref()
            && let Expr::Attribute(a) = c.func.as_ref()
            && a.attr.as_str() == "add_argument"
            && matches!(a.value.as_ref(), Expr::Name(n) if parsers.contains(&n.id.as_str()))
        {
            v.visit_stmt(stmt);
        }
    }
    v.found
}

#[derive(Default)]
struct Reads {
    /// Local names bound to a whole request part (`data = request.get_json()`).
    aliases: HashMap<String, InputSource>,
    /// Local names bound to one field (`method = data.get("payment_method")`).
    fields_of: HashMap<String, (String, InputSource)>,
    found: Vec<RequestInput>,
}

impl Reads {
    fn push(&mut self, name: &str, source: InputSource, kind: &'static str, required: bool) {
        if name.is_empty()
            || name.len() > 64
            || source == InputSource::Header && spillcheck_core::vocab::is_standard_header(name)
        {
            return;
        }
        if let Some(known) = self
            .found
            .iter_mut()
            .find(|i| i.name == name && i.source == source)
        {
            if known.kind == "string" {
                known.kind = kind;
            }
            known.required |= required;
            return;
        }
        self.found.push(RequestInput {
            name: name.to_owned(),
            source,
            kind,
            required,
            example: None,
        });
    }

    /// Records the first accepted value seen for a field.
    fn accept(&mut self, name: &str, source: InputSource, value: &str) {
        if let Some(known) = self
            .found
            .iter_mut()
            .find(|i| i.name == name && i.source == source)
            && known.example.is_none()
            && !value.is_empty()
            && value.len() <= 64
        {
            known.example = Some(value.to_owned());
        }
    }

    /// The field an expression reads, directly or through a local bound to it, under
    /// conversions (`int(...)`, `.strip()`, `.lower()`).
    fn field_read(&self, e: &Expr) -> Option<(String, InputSource)> {
        match e {
            Expr::Name(n) => self.fields_of.get(n.id.as_str()).cloned(),
            Expr::Call(c) => {
                if let Some((name, source, ..)) = self.field(e) {
                    return Some((name, source));
                }
                match c.func.as_ref() {
                    Expr::Attribute(a)
                        if matches!(a.attr.as_str(), "strip" | "lower" | "upper")
                            && c.arguments.args.is_empty() =>
                    {
                        self.field_read(&a.value)
                    }
                    Expr::Name(n)
                        if matches!(n.id.as_str(), "str" | "int" | "float")
                            && c.arguments.args.len() == 1 =>
                    {
                        self.field_read(&c.arguments.args[0])
                    }
                    _ => None,
                }
            }
            // `request.headers.get("X-Role") or claims.get("role")`: the request's value
            // when the client sends one.
            Expr::BoolOp(b) if b.op == ast::BoolOp::Or => {
                b.values.iter().find_map(|v| self.field_read(v))
            }
            _ => self.field(e).map(|(name, source, ..)| (name, source)),
        }
    }

    /// The request part `e` denotes: `request.json`, `request.get_json()`, `request.form`,
    /// `request.args`, an alias of one, or `request.get_json() or {}`.
    fn part(&self, e: &Expr) -> Option<InputSource> {
        match e {
            Expr::Name(n) => self.aliases.get(n.id.as_str()).copied(),
            Expr::Attribute(a) if is_request(&a.value) => match a.attr.as_str() {
                "json" => Some(InputSource::Json),
                "form" | "files" | "values" => Some(InputSource::Form),
                "args" => Some(InputSource::Query),
                "headers" => Some(InputSource::Header),
                _ => None,
            },
            Expr::Call(c) => match c.func.as_ref() {
                Expr::Attribute(a) if is_request(&a.value) && a.attr.as_str() == "get_json" => {
                    Some(InputSource::Json)
                }
                // `request.args.to_dict()`, `request.form.copy()`
                Expr::Attribute(a)
                    if matches!(a.attr.as_str(), "to_dict" | "copy" | "dict")
                        && c.arguments.args.is_empty() =>
                {
                    self.part(&a.value)
                }
                // `dict(request.form)`
                Expr::Name(n) if n.id.as_str() == "dict" && c.arguments.args.len() == 1 => {
                    self.part(&c.arguments.args[0])
                }
                _ => None,
            },
            Expr::BoolOp(b) => b.values.first().and_then(|v| self.part(v)),
            _ => None,
        }
    }

    /// A read of one field: `part["k"]` or `part.get("k"[, default][, type=int])`; its name,
    /// source and the kind its default or `type=` says.
    fn field(&self, e: &Expr) -> Option<(String, InputSource, &'static str, bool)> {
        match e {
            Expr::Subscript(s) => {
                let source = self.part(&s.value)?;
                Some((str_value(&s.slice)?.to_owned(), source, "string", true))
            }
            Expr::Call(c) => {
                // A project's parameter reader handed the request's data and a name:
                // `get_required(request.all_data, "serial")`, `getParam(request.values, "user")`.
                if let Some(found) = self.param_helper(c) {
                    return Some(found);
                }
                let Expr::Attribute(a) = c.func.as_ref() else {
                    return None;
                };
                if !matches!(a.attr.as_str(), "get" | "getlist" | "pop") {
                    return None;
                }
                let source = self.part(&a.value)?;
                let name = str_value(c.arguments.args.first()?)?.to_owned();
                let kind = kwarg(c, "type")
                    .and_then(kind_of_type)
                    .or_else(|| c.arguments.args.get(1).and_then(kind_of_literal))
                    .or_else(|| kwarg(c, "default").and_then(kind_of_literal))
                    .unwrap_or("string");
                let defaulted = c.arguments.args.len() > 1 || kwarg(c, "default").is_some();
                Some((name, source, kind, !defaulted))
            }
            _ => None,
        }
    }
}

impl Reads {
    /// `helper(request.<part>, "name", ...)`: a function (not a method) whose first argument
    /// is the request's data (a part it knows, or any other attribute of `request`, such as
    /// an app's merged `request.all_data`, read as the JSON body) and whose second is the
    /// field's name. Required unless the helper's name or a third argument says optional.
    fn param_helper(&self, c: &ast::ExprCall) -> Option<(String, InputSource, &'static str, bool)> {
        let Expr::Name(helper) = c.func.as_ref() else {
            return None;
        };
        let [data, name, rest @ ..] = &c.arguments.args[..] else {
            return None;
        };
        let source = self.part(data).or_else(|| match data {
            Expr::Attribute(a) if is_request(&a.value) => Some(InputSource::Json),
            _ => None,
        })?;
        let name = str_value(name)?.to_owned();
        let helper = helper.id.as_str().to_ascii_lowercase();
        let optional = helper.contains("optional")
            || !helper.contains("required")
                && (!rest.is_empty()
                    || c.arguments.keywords.iter().any(|k| {
                        k.arg.as_ref().is_some_and(|a| {
                            a.as_str().contains("optional") || a.as_str() == "default"
                        })
                    }));
        Some((name, source, "string", !optional))
    }
}

/// The first string a comparison accepts: `"x"`, or the first of `("x", "y")`.
fn accepted_literal(e: &Expr) -> Option<&str> {
    match e {
        Expr::StringLiteral(_) => str_value(e),
        Expr::Tuple(t) => t.elts.first().and_then(str_value),
        Expr::List(l) => l.elts.first().and_then(str_value),
        Expr::Set(st) => st.elts.first().and_then(str_value),
        _ => None,
    }
}

fn is_request(e: &Expr) -> bool {
    dotted(e).is_some_and(|d| d == "request" || d.ends_with(".request"))
}

/// `int`, `float`, `bool`, `Decimal`, `inputs.boolean`... as a JSON kind.
fn kind_of_type(e: &Expr) -> Option<&'static str> {
    let name = dotted(e)?;
    let last = name.rsplit('.').next().unwrap_or(&name);
    match last {
        "int" | "natural" | "positive" | "int_range" => Some("integer"),
        "float" | "Decimal" => Some("number"),
        "bool" | "boolean" => Some("boolean"),
        "str" => Some("string"),
        _ => None,
    }
}

fn kind_of_literal(e: &Expr) -> Option<&'static str> {
    match e {
        Expr::NumberLiteral(n) => Some(match n.value {
            ast::Number::Int(_) => "integer",
            _ => "number",
        }),
        Expr::BooleanLiteral(_) => Some("boolean"),
        _ => None,
    }
}

impl<'a> Visitor<'a> for Reads {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::Assign(a) = stmt
            && let Some(source) = self.part(&a.value)
        {
            for t in &a.targets {
                for n in target_names(t) {
                    self.aliases.insert(n.to_owned(), source);
                }
            }
        }
        if let Stmt::Assign(a) = stmt
            && let [Expr::Name(t)] = a.targets.as_slice()
            && let Some(read) = self.field_read(&a.value)
        {
            self.fields_of.insert(t.id.to_string(), read);
        }
        if let Stmt::AnnAssign(a) = stmt
            && let Some(value) = &a.value
            && let Some(source) = self.part(value)
        {
            for n in target_names(&a.target) {
                self.aliases.insert(n.to_owned(), source);
            }
        }
        // Nested functions are the handler's too (closures, helpers defined inline).
        walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, e: &'a Expr) {
        match e {
            // `int(data["amount"])`, `float(request.form.get("x"))`
            Expr::Call(c)
                if matches!(callee_last(c), Some("int" | "float" | "Decimal" | "bool"))
                    && c.arguments.args.len() == 1 =>
            {
                if let Some((name, source, _, required)) = self.field(&c.arguments.args[0]) {
                    let kind = match callee_last(c) {
                        Some("int") => "integer",
                        Some("bool") => "boolean",
                        _ => "number",
                    };
                    self.push(&name, source, kind, required);
                }
            }
            // `post_data.get("accepted_policy") is True`: a flag, and the value it wants.
            Expr::Compare(cmp)
                if matches!(
                    cmp.ops.first(),
                    Some(ast::CmpOp::Is | ast::CmpOp::IsNot | ast::CmpOp::Eq | ast::CmpOp::NotEq)
                ) && matches!(cmp.comparators.first(), Some(Expr::BooleanLiteral(_))) =>
            {
                walk_expr(self, e);
                if let Some((name, source)) = self.field_read(&cmp.left) {
                    self.push(&name, source, "boolean", false);
                    // A flag a handler checks is a consent or a confirmation it wants set;
                    // never a privilege (`is_admin`), which a valid body leaves alone.
                    if !spillcheck_core::vocab::mentions_role(&name) {
                        self.accept(&name, source, "true");
                    }
                }
                return;
            }
            // `if method == "virtual_card"`, `if kind not in ("a", "b")`: the value the
            // handler accepts.
            Expr::Compare(cmp)
                if matches!(
                    cmp.ops.first(),
                    Some(ast::CmpOp::Eq | ast::CmpOp::NotEq | ast::CmpOp::In | ast::CmpOp::NotIn)
                ) =>
            {
                // The reads inside first, so the field is known.
                walk_expr(self, e);
                if let (Some((name, source)), Some(value)) = (
                    self.field_read(&cmp.left),
                    cmp.comparators.first().and_then(accepted_literal),
                ) {
                    let value = value.to_owned();
                    self.accept(&name, source, &value);
                }
                return;
            }
            // `parser.add_argument("k", type=int, location="json")`
            Expr::Call(c) if callee_last(c) == Some("add_argument") => {
                if let Some(name) = c.arguments.args.first().and_then(str_value) {
                    let source = match kwarg(c, "location").and_then(str_value) {
                        Some("args") => InputSource::Query,
                        Some("form" | "values" | "files") => InputSource::Form,
                        _ => InputSource::Json,
                    };
                    let kind = kwarg(c, "type").and_then(kind_of_type).unwrap_or("string");
                    let required = kwarg(c, "required")
                        .and_then(crate::ast_util::bool_value)
                        .unwrap_or(false);
                    let name = name.trim_start_matches('-');
                    self.push(name, source, kind, required);
                    if let Some(first) = kwarg(c, "choices").and_then(accepted_literal) {
                        let first = first.to_owned();
                        self.accept(name, source, &first);
                    }
                }
            }
            _ => {
                if let Some((name, source, kind, required)) = self.field(e) {
                    self.push(&name, source, kind, required);
                }
            }
        }
        walk_expr(self, e);
    }
}

/// The request schemas of a project: marshmallow `Schema` classes (`fields.String`,
/// `ma.auto_field`, `data_key=`, `dump_only=` fields left out) and pydantic `BaseModel`
/// classes (annotated fields), with what they inherit from project classes; and the
/// module-level instances (`post_schema = PostSchema()`).
/// A schema's fields: (name, kind, required).
type Fields = Vec<(String, &'static str, bool)>;

/// A class as found: name, base names, whether a base is a schema base, its own fields.
type RawClass = (String, Vec<String>, bool, Fields);

#[derive(Debug, Default)]
pub(crate) struct Schemas {
    classes: HashMap<String, Fields>,
    instances: HashMap<String, String>,
    /// The member a class's `@pre_load` hook unwraps (`return data["article"]`): the body
    /// the API takes is `{"article": {…fields}}`.
    envelopes: HashMap<String, String>,
    /// The classes that are WTForms forms (their fields are posted as a form).
    forms: rustc_hash::FxHashSet<String>,
}

/// The key a schema's `@pre_load` hook unwraps: `return data["article"]`,
/// `return data.get("user")`, `data = data["comment"]`.
fn pre_load_envelope(body: &[Stmt]) -> Option<String> {
    body.iter().find_map(|stmt| {
        let Stmt::FunctionDef(f) = stmt else {
            return None;
        };
        let hooked = f.decorator_list.iter().any(|d| {
            let e = match &d.expression {
                Expr::Call(c) => c.func.as_ref(),
                other => other,
            };
            dotted(e).is_some_and(|n| n.ends_with("pre_load"))
        });
        if !hooked {
            return None;
        }
        // The data parameter: the first after `self`.
        let data = f.parameters.args.get(1)?.parameter.name.as_str();
        let unwraps = |e: &Expr| -> Option<String> {
            match e {
                Expr::Subscript(s)
                    if matches!(s.value.as_ref(), Expr::Name(n) if n.id.as_str() == data) =>
                {
                    str_value(&s.slice).map(str::to_owned)
                }
                Expr::Call(c) => match c.func.as_ref() {
                    Expr::Attribute(a)
                        if a.attr.as_str() == "get"
                            && matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == data) =>
                    {
                        c.arguments
                            .args
                            .first()
                            .and_then(str_value)
                            .map(str::to_owned)
                    }
                    _ => None,
                },
                _ => None,
            }
        };
        f.body.iter().find_map(|s| match s {
            Stmt::Return(r) => r.value.as_deref().and_then(unwraps),
            Stmt::Assign(a) => unwraps(&a.value),
            _ => None,
        })
    })
}

/// A marshmallow field type as a JSON kind (`None`: not an input, such as `Method`).
fn marshmallow_kind(field: &str) -> Option<&'static str> {
    Some(match field {
        "Integer" | "Int" => "integer",
        "Float" | "Decimal" | "Number" => "number",
        "Boolean" | "Bool" => "boolean",
        "Email" => "email",
        "Date" => "date",
        "DateTime" | "NaiveDateTime" | "AwareDateTime" => "date-time",
        "String" | "Str" | "URL" | "Url" | "UUID" | "auto_field" | "Raw" | "IP" | "Enum" => {
            "string"
        }
        _ => return None,
    })
}

/// A pydantic annotation as a JSON kind.
fn annotation_kind(e: &Expr) -> Option<&'static str> {
    match e {
        Expr::Name(n) => type_name_kind(n.id.as_str()),
        // `Optional[int]`, `int | None`
        Expr::Subscript(s) if dotted(&s.value).is_some_and(|d| d.ends_with("Optional")) => {
            annotation_kind(&s.slice)
        }
        Expr::BinOp(b) => annotation_kind(&b.left),
        Expr::Attribute(a) => type_name_kind(a.attr.as_str()),
        _ => None,
    }
}

fn type_name_kind(name: &str) -> Option<&'static str> {
    Some(match name {
        "int" | "PositiveInt" | "conint" => "integer",
        "float" | "Decimal" | "condecimal" | "confloat" => "number",
        "bool" => "boolean",
        "EmailStr" => "email",
        "date" => "date",
        "datetime" => "date-time",
        "str" | "constr" | "UUID" | "AnyUrl" | "HttpUrl" | "SecretStr" => "string",
        _ => return None,
    })
}

fn is_schema_base(e: &Expr) -> bool {
    dotted(e).is_some_and(|d| {
        let last = d.rsplit('.').next().unwrap_or(&d);
        last == "BaseModel" || last.ends_with("Schema") || is_form_base(e)
    })
}

/// A WTForms form base (`FlaskForm`, `wtforms.Form`, `Form`): its fields are the form
/// fields a browser posts.
fn is_form_base(e: &Expr) -> bool {
    dotted(e).is_some_and(|d| {
        let last = d.rsplit('.').next().unwrap_or(&d);
        last == "FlaskForm" || last == "Form" || last == "BaseForm"
    })
}

/// A WTForms field type as a JSON kind (`None`: not an input, such as `SubmitField`).
fn wtforms_kind(field: &str) -> Option<&'static str> {
    Some(match field {
        "IntegerField" | "IntegerRangeField" => "integer",
        "DecimalField" | "FloatField" | "DecimalRangeField" => "number",
        "BooleanField" => "boolean",
        "EmailField" => "email",
        "DateField" => "date",
        "DateTimeField" | "DateTimeLocalField" => "date-time",
        "SubmitField" | "FileField" | "MultipleFileField" | "FormField" | "FieldList" => {
            return None;
        }
        f if f.ends_with("Field") && f.len() > "Field".len() => "string",
        _ => return None,
    })
}

/// Whether a WTForms field call requires a value (`validators=[DataRequired()]`).
fn wtforms_required(c: &ast::ExprCall) -> bool {
    c.arguments
        .args
        .iter()
        .chain(kwarg(c, "validators"))
        .any(|v| {
            crate::ast_util::any_expr(v, &mut |x| {
                matches!(x, Expr::Call(k) if matches!(callee_last(k), Some("DataRequired" | "InputRequired")))
            })
        })
}

/// The fields one class body declares: (name, kind, required).
fn declared_fields(body: &[Stmt]) -> Fields {
    let mut out = Vec::new();
    for stmt in body {
        match stmt {
            Stmt::Assign(a) => {
                let [Expr::Name(target)] = a.targets.as_slice() else {
                    continue;
                };
                let Expr::Call(c) = a.value.as_ref() else {
                    continue;
                };
                if let Some(kind) = callee_last(c).and_then(wtforms_kind) {
                    out.push((target.id.to_string(), kind, wtforms_required(c)));
                    continue;
                }
                let Some(kind) = callee_last(c).and_then(marshmallow_kind) else {
                    continue;
                };
                let flag =
                    |k: &str| kwarg(c, k).and_then(crate::ast_util::bool_value) == Some(true);
                if flag("dump_only") {
                    continue;
                }
                let name = kwarg(c, "data_key")
                    .and_then(str_value)
                    .map_or_else(|| target.id.to_string(), str::to_owned);
                out.push((name, kind, flag("required")));
            }
            Stmt::AnnAssign(a) => {
                let Expr::Name(target) = a.target.as_ref() else {
                    continue;
                };
                let name = target.id.as_str();
                if name.starts_with('_') || name == "model_config" {
                    continue;
                }
                if let Some(kind) = annotation_kind(&a.annotation) {
                    out.push((name.to_owned(), kind, a.value.is_none()));
                }
            }
            _ => {}
        }
    }
    out
}

/// `seed` and every class of `raw` that derives from one of them, to a fixpoint.
fn with_subclasses(
    raw: &[RawClass],
    mut seed: rustc_hash::FxHashSet<String>,
) -> rustc_hash::FxHashSet<String> {
    loop {
        let before = seed.len();
        for (name, bases, ..) in raw {
            if bases.iter().any(|b| seed.contains(b)) {
                seed.insert(name.clone());
            }
        }
        if seed.len() == before {
            return seed;
        }
    }
}

impl Schemas {
    /// Every schema class and instance of the project's modules.
    pub(crate) fn build<'m>(modules: impl Iterator<Item = &'m ast::ModModule>) -> Schemas {
        let mut raw: Vec<RawClass> = Vec::new();
        let mut assigns: Vec<(String, String)> = Vec::new();
        let mut raw_envelopes: Vec<(String, String)> = Vec::new();
        let mut form_bases: Vec<String> = Vec::new();
        for module in modules {
            let mut v = ClassWalk {
                raw: &mut raw,
                assigns: &mut assigns,
                envelopes: &mut raw_envelopes,
                forms: &mut form_bases,
            };
            for stmt in &module.body {
                v.visit_stmt(stmt);
            }
        }
        // Schema classes and WTForms forms, through project bases (`class B(A)`,
        // `A(Schema)`).
        let schema = with_subclasses(
            &raw,
            raw.iter()
                .filter(|(_, _, direct, _)| *direct)
                .map(|(n, ..)| n.clone())
                .collect(),
        );
        let forms = with_subclasses(&raw, form_bases.into_iter().collect());
        let own: HashMap<&str, (&Vec<String>, &Fields)> = raw
            .iter()
            .map(|(n, b, _, f)| (n.as_str(), (b, f)))
            .collect();
        fn collect(
            name: &str,
            own: &HashMap<&str, (&Vec<String>, &Fields)>,
            out: &mut Fields,
            depth: usize,
        ) {
            let Some((bases, fields)) = own.get(name) else {
                return;
            };
            if depth < 6 {
                for b in *bases {
                    collect(b, own, out, depth + 1);
                }
            }
            for f in *fields {
                out.retain(|x| x.0 != f.0);
                out.push(f.clone());
            }
        }
        let mut classes = HashMap::default();
        for name in &schema {
            let mut fields = Vec::new();
            collect(name, &own, &mut fields, 0);
            if !fields.is_empty() {
                classes.insert(name.clone(), fields);
            }
        }
        let instances = assigns
            .into_iter()
            .filter(|(_, class)| classes.contains_key(class))
            .collect();
        // A class's envelope is its own hook's, else the nearest base's.
        let own_env: HashMap<&str, &String> =
            raw_envelopes.iter().map(|(c, e)| (c.as_str(), e)).collect();
        let mut envelopes = HashMap::default();
        for name in classes.keys() {
            let mut at = name.as_str();
            for _ in 0..6 {
                if let Some(e) = own_env.get(at) {
                    envelopes.insert(name.clone(), (*e).clone());
                    break;
                }
                match own.get(at).and_then(|(bases, _)| bases.first()) {
                    Some(b) => at = b.as_str(),
                    None => break,
                }
            }
        }
        Schemas {
            classes,
            instances,
            envelopes,
            forms,
        }
    }

    /// The schema class an expression names: `PostSchema`, `PostSchema()`, `post_schema`.
    fn class_of(&self, e: &Expr) -> Option<&str> {
        match e {
            Expr::Name(n) => self.named(n.id.as_str()),
            Expr::Attribute(a) => self.named(a.attr.as_str()),
            Expr::Call(c) => self.class_of(&c.func),
            _ => None,
        }
    }

    fn named(&self, n: &str) -> Option<&str> {
        match self.classes.get_key_value(n) {
            Some((k, _)) => Some(k.as_str()),
            None => self.instances.get(n).map(String::as_str),
        }
    }

    /// The inputs a view takes through a schema: a decorator that validates the body with
    /// one (`@body(schema)`, `@use_args(Schema)`, `@blp.arguments(Schema)`), or a
    /// `schema.load(...)`, `Model(**data)`, `Model.model_validate(...)` in the handler.
    pub(crate) fn inputs_of(&self, func: &ast::StmtFunctionDef) -> Vec<RequestInput> {
        if self.classes.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<(&str, InputSource)> = Vec::new();
        // `@use_kwargs(schema)` passes each field as a keyword argument: a view without
        // `**kwargs` takes only the fields it names as parameters (any other fails).
        let mut as_kwargs = false;
        for d in &func.decorator_list {
            let Expr::Call(c) = &d.expression else {
                continue;
            };
            if !matches!(
                callee_last(c),
                Some(
                    "body"
                        | "use_args"
                        | "use_kwargs"
                        | "arguments"
                        | "expect"
                        | "input"
                        | "validate_json"
                        | "accepts"
                )
            ) {
                continue;
            }
            let Some(class) = c.arguments.args.first().and_then(|a| self.class_of(a)) else {
                continue;
            };
            let source = match kwarg(c, "location").and_then(str_value) {
                Some("query" | "querystring" | "args") => InputSource::Query,
                Some("form") => InputSource::Form,
                _ => InputSource::Json,
            };
            as_kwargs |= callee_last(c) == Some("use_kwargs");
            found.push((class, source));
        }
        for c in crate::facts::calls_in(&func.body) {
            let class = match c.func.as_ref() {
                Expr::Attribute(a)
                    if matches!(
                        a.attr.as_str(),
                        "load"
                            | "validate"
                            | "parse_obj"
                            | "model_validate"
                            | "parse_raw"
                            | "model_validate_json"
                    ) && !c
                        .arguments
                        .args
                        .first()
                        .is_some_and(|x| stored_value(x, func)) =>
                {
                    self.class_of(&a.value)
                }
                // `NoteIn(**request.json)`
                Expr::Name(_) if c.arguments.keywords.iter().any(|k| k.arg.is_none()) => {
                    self.class_of(&c.func)
                }
                // `form = LoginForm()`: a WTForms form reads the posted form fields.
                Expr::Name(_) | Expr::Attribute(_) => self
                    .class_of(&c.func)
                    .filter(|class| self.forms.contains(*class)),
                _ => None,
            };
            if let Some(class) = class {
                let source = if self.forms.contains(class) {
                    InputSource::Form
                } else {
                    InputSource::Json
                };
                found.push((class, source));
            }
        }
        // flask-openapi3 hands the request's parts to the handler as models: `body:
        // ProfileIn`, `query: SampleQuery`, `form: UploadForm`.
        for p in func
            .parameters
            .args
            .iter()
            .chain(&func.parameters.kwonlyargs)
        {
            let source = match p.parameter.name.as_str() {
                "body" => InputSource::Json,
                "query" => InputSource::Query,
                "form" => InputSource::Form,
                _ => continue,
            };
            if let Some(class) = p
                .parameter
                .annotation
                .as_deref()
                .and_then(|a| self.class_of(a))
            {
                found.push((class, source));
            }
        }
        let params: Option<Vec<&str>> = (as_kwargs && func.parameters.kwarg.is_none()).then(|| {
            func.parameters
                .args
                .iter()
                .chain(&func.parameters.kwonlyargs)
                .map(|a| a.parameter.name.as_str())
                .collect()
        });
        let mut out: Vec<RequestInput> = Vec::new();
        for (class, source) in found {
            let envelope = self.envelopes.get(class);
            for (name, kind, required) in self.classes.get(class).into_iter().flatten() {
                if params
                    .as_ref()
                    .is_some_and(|ps| !ps.contains(&name.as_str()))
                {
                    continue;
                }
                // `article.title` for a schema that unwraps `data["article"]`.
                let name = match envelope {
                    Some(e) if source == InputSource::Json => format!("{e}.{name}"),
                    _ => name.clone(),
                };
                if !out.iter().any(|i| i.name == name && i.source == source) {
                    out.push(RequestInput {
                        example: None,
                        name,
                        source,
                        kind,
                        required: *required,
                    });
                }
            }
        }
        out
    }
}

/// A value the handler has from its store, not from the request: `dict(g.user)`, a row a
/// query returned (`UserOut.model_validate(dict(row))` shapes an answer; it reads no input).
fn stored_value(arg: &Expr, func: &ast::StmtFunctionDef) -> bool {
    crate::ast_util::any_expr(arg, &mut |e| match e {
        Expr::Attribute(a) => {
            crate::ast_util::dotted(&a.value).is_some_and(|d| d == "g" || d == "current_user")
        }
        Expr::Call(c) => crate::facts::is_data_call(c),
        Expr::Name(n) => {
            matches!(
                n.id.as_str(),
                "row" | "rows" | "record" | "records" | "obj" | "instance" | "current_user"
            ) || from_data(func, n.id.as_str())
                || loop_sources(func, n.id.as_str()).iter().any(|src| {
                    crate::ast_util::names_in(src)
                        .iter()
                        .any(|m| *m != n.id.as_str() && from_data(func, m))
                        || holds_data_call(src)
                })
        }
        _ => false,
    })
}

/// Whether the function assigns `name` from a data call.
fn from_data(func: &ast::StmtFunctionDef, name: &str) -> bool {
    crate::facts::values_assigned(&func.body, name)
        .iter()
        .any(|v| holds_data_call(v))
}

/// Whether a data call is part of `e`.
fn holds_data_call(e: &Expr) -> bool {
    crate::ast_util::any_expr(
        e,
        &mut |x| matches!(x, Expr::Call(c) if crate::facts::is_data_call(c)),
    )
}

/// What a loop or a comprehension of the function iterates to bind `name`.
fn loop_sources<'a>(func: &'a ast::StmtFunctionDef, name: &str) -> Vec<&'a Expr> {
    let mut out = Vec::new();
    for s in &func.body {
        crate::ast_util::each_stmt(s, &mut |s| {
            if let ast::Stmt::For(f) = s
                && crate::ast_util::target_names(&f.target).contains(&name)
            {
                out.push(f.iter.as_ref());
            }
        });
    }
    crate::facts::exprs_in(&func.body, &mut |e| {
        for g in crate::ast_util::comprehension_generators(e).unwrap_or_default() {
            if crate::ast_util::target_names(&g.target).contains(&name) {
                out.push(&g.iter);
            }
        }
    });
    out
}

struct ClassWalk<'r> {
    raw: &'r mut Vec<RawClass>,
    assigns: &'r mut Vec<(String, String)>,
    envelopes: &'r mut Vec<(String, String)>,
    /// Classes with a WTForms base of their own.
    forms: &'r mut Vec<String>,
}

impl<'a> Visitor<'a> for ClassWalk<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::ClassDef(c) => {
                let bases: Vec<&Expr> = c
                    .arguments
                    .as_ref()
                    .map(|a| a.args.iter().collect())
                    .unwrap_or_default();
                let names = bases
                    .iter()
                    .filter_map(|b| dotted(b))
                    .map(|d| d.rsplit('.').next().unwrap_or(&d).to_owned())
                    .collect();
                let direct = bases.iter().any(|b| is_schema_base(b));
                if bases.iter().any(|b| is_form_base(b)) {
                    self.forms.push(c.name.to_string());
                }
                if let Some(e) = pre_load_envelope(&c.body) {
                    self.envelopes.push((c.name.to_string(), e));
                }
                self.raw
                    .push((c.name.to_string(), names, direct, declared_fields(&c.body)));
            }
            // `post_schema = PostSchema(partial=True)` at module level.
            Stmt::Assign(a) => {
                if let ([Expr::Name(t)], Expr::Call(c)) = (a.targets.as_slice(), a.value.as_ref())
                    && let Some(class) = dotted(&c.func)
                {
                    let class = class.rsplit('.').next().unwrap_or(&class).to_owned();
                    self.assigns.push((t.id.to_string(), class));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The module-level function `name` of a parsed test module.
    fn function<'m>(module: &'m ast::ModModule, name: &str) -> &'m ast::StmtFunctionDef {
        module
            .body
            .iter()
            .find_map(|s| match s {
                Stmt::FunctionDef(f) if f.name.as_str() == name => Some(f),
                _ => None,
            })
            .unwrap()
    }

    fn inputs(src: &str) -> Vec<(String, InputSource, &'static str)> {
        let parsed = ruff_python_parser::parse_module(src).unwrap();
        let module = parsed.into_syntax();
        let Stmt::FunctionDef(f) = &module.body[0] else {
            panic!("a function first")
        };
        request_inputs(f)
            .into_iter()
            .map(|i| (i.name, i.source, i.kind))
            .collect()
    }

    #[test]
    fn reads_in_every_form() {
        let got = inputs(
            r#"
def transfer():
    data = request.get_json() or {}
    to = data["to_account"]
    amount = float(data.get("amount"))
    note = request.json.get("description", "")
    page = request.args.get("page", 1)
    limit = request.args.get("limit", type=int)
    name = request.form["name"]
    if data.get("accepted_policy") is not True:
        abort(400)
    return ok
"#,
        );
        assert_eq!(
            got,
            vec![
                ("to_account".into(), InputSource::Json, "string"),
                ("amount".into(), InputSource::Json, "number"),
                ("description".into(), InputSource::Json, "string"),
                ("page".into(), InputSource::Query, "integer"),
                ("limit".into(), InputSource::Query, "integer"),
                ("name".into(), InputSource::Form, "string"),
                ("accepted_policy".into(), InputSource::Json, "boolean"),
            ]
        );
    }

    #[test]
    fn reads_through_a_parameter_helper() {
        let parsed = ruff_python_parser::parse_module(
            r#"
def setpin_api(serial=None):
    serial = get_required(request.all_data, "serial")
    pin = getParam(request.all_data, "otppin", optional)
    description = get_optional(request.all_data, "description")
    user = getParam(request.values, "user")
    other = obj.get_param(request.all_data, "not_a_helper")
    return send_result(1)
"#,
        )
        .unwrap();
        let module = parsed.into_syntax();
        let Stmt::FunctionDef(func) = &module.body[0] else {
            panic!("a function first")
        };
        let got: Vec<(String, InputSource, bool)> = request_inputs(func)
            .into_iter()
            .map(|i| (i.name, i.source, i.required))
            .collect();
        assert_eq!(
            got,
            vec![
                ("serial".into(), InputSource::Json, true),
                ("otppin".into(), InputSource::Json, false),
                ("description".into(), InputSource::Json, false),
                ("user".into(), InputSource::Form, true),
            ]
        );
    }

    #[test]
    fn marshmallow_and_pydantic_schemas() {
        let src = r#"
from marshmallow import Schema, fields
from pydantic import BaseModel, EmailStr

class UserSchema(ma.SQLAlchemySchema):
    id = ma.auto_field(dump_only=True)
    username = ma.auto_field(required=True)
    password = ma.String(required=True, load_only=True)
    age = fields.Integer(data_key="userAge")
    url = ma.URLFor("x", dump_only=True)

class UpdateUserSchema(UserSchema):
    old_password = ma.String(load_only=True)

class NoteIn(BaseModel):
    title: str
    priority: int = 1
    contact: Optional[EmailStr] = None

user_schema = UpdateUserSchema(partial=True)

@bp.put("/me")
@body(user_schema)
def edit(args):
    return args

@bp.post("/notes")
def add():
    note = NoteIn(**request.json)
    return note

@bp.get("/search")
@use_args(UserSchema, location="query")
def search(args):
    return args
"#;
        let parsed = ruff_python_parser::parse_module(src).unwrap();
        let module = parsed.into_syntax();
        let schemas = Schemas::build(std::iter::once(&module));
        let func = |name: &str| function(&module, name);
        let names = |f: &str| {
            schemas
                .inputs_of(func(f))
                .into_iter()
                .map(|i| (i.name, i.source, i.kind, i.required))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names("edit"),
            vec![
                ("username".into(), InputSource::Json, "string", true),
                ("password".into(), InputSource::Json, "string", true),
                ("userAge".into(), InputSource::Json, "integer", false),
                ("old_password".into(), InputSource::Json, "string", false),
            ]
        );
        assert_eq!(
            names("add"),
            vec![
                ("title".into(), InputSource::Json, "string", true),
                ("priority".into(), InputSource::Json, "integer", false),
                ("contact".into(), InputSource::Json, "email", false),
            ]
        );
        assert!(names("search").iter().all(|i| i.1 == InputSource::Query));
    }

    #[test]
    fn envelopes_and_keyword_views() {
        let src = r#"
from marshmallow import Schema, fields, pre_load

class ArticleSchema(Schema):
    slug = fields.Str()
    title = fields.Str()
    body = fields.Str()
    createdAt = fields.DateTime()

    @pre_load
    def make_article(self, data, **kwargs):
        return data['article']

class CommentSchema(ArticleSchema):
    pass

article_schema = ArticleSchema()

@bp.post("/api/articles")
@use_kwargs(article_schema)
def make_article(body, title, tagList=None):
    return body

@bp.put("/api/articles/<slug>")
@use_kwargs(CommentSchema)
def update_article(slug, **kwargs):
    return kwargs
"#;
        let parsed = ruff_python_parser::parse_module(src).unwrap();
        let module = parsed.into_syntax();
        let schemas = Schemas::build(std::iter::once(&module));
        let names = |name: &str| {
            let f = function(&module, name);
            schemas
                .inputs_of(f)
                .into_iter()
                .map(|i| (i.name, i.kind))
                .collect::<Vec<_>>()
        };
        // Only the fields the view takes as parameters, inside the envelope.
        assert_eq!(
            names("make_article"),
            vec![
                ("article.title".to_owned(), "string"),
                ("article.body".to_owned(), "string")
            ]
        );
        // `**kwargs` takes them all; the envelope is inherited.
        let all = names("update_article");
        assert_eq!(all.len(), 4);
        assert!(all.contains(&("article.createdAt".to_owned(), "date-time")));
    }

    #[test]
    fn reqparse_and_no_reads() {
        let got = inputs(
            r#"
def post(self):
    parser = reqparse.RequestParser()
    parser.add_argument("email", required=True)
    parser.add_argument("age", type=int, location="json")
    parser.add_argument("q", location="args")
    args = parser.parse_args()
"#,
        );
        assert_eq!(
            got,
            vec![
                ("email".into(), InputSource::Json, "string"),
                ("age".into(), InputSource::Json, "integer"),
                ("q".into(), InputSource::Query, "string"),
            ]
        );
        // Other dictionaries' reads are not request inputs.
        assert!(inputs("def f():\n    d = {}\n    return d['x'], config.get('y')\n").is_empty());
    }

    #[test]
    fn values_the_handler_accepts() {
        let src = r#"
def pay():
    data = request.get_json()
    method = data.get('payment_method')
    card_id = data.get('card_id') if method == 'virtual_card' else None
    if data.get('currency', '').upper() not in ('USD', 'EUR'):
        abort(400)
    kind = str(data['kind']).strip()
    if kind != 'standard':
        abort(400)
    parser.add_argument("plan", choices=["free", "pro"])
    role = request.headers.get("X-Role") or claims.get("role")
    if role not in ("warden", "admin"):
        abort(403)
"#;
        let parsed = ruff_python_parser::parse_module(src).unwrap();
        let module = parsed.into_syntax();
        let Stmt::FunctionDef(f) = &module.body[0] else {
            panic!("a function first")
        };
        let got: Vec<(String, Option<String>)> = request_inputs(f)
            .into_iter()
            .map(|i| (i.name, i.example))
            .collect();
        let of = |n: &str| got.iter().find(|g| g.0 == n).and_then(|g| g.1.clone());
        assert_eq!(of("payment_method").as_deref(), Some("virtual_card"));
        assert_eq!(of("currency").as_deref(), Some("USD"));
        assert_eq!(of("kind").as_deref(), Some("standard"));
        assert_eq!(of("plan").as_deref(), Some("free"));
        assert_eq!(of("X-Role").as_deref(), Some("warden"));
        assert_eq!(of("card_id"), None);
    }

    #[test]
    fn wtforms_forms_are_posted_fields() {
        let src = r#"
from flask_wtf import FlaskForm
from wtforms import StringField, PasswordField, SubmitField, IntegerField
from wtforms.validators import DataRequired

class AuthenticationForm(FlaskForm):
    id = StringField("Project identifier", validators=[DataRequired()])
    password = PasswordField("Private code", validators=[DataRequired()])
    submit = SubmitField("Get in")

class ReminderForm(AuthenticationForm):
    attempts = IntegerField("Attempts")

def authenticate():
    form = AuthenticationForm()
    if form.validate():
        return "ok"

def remind():
    form = forms.ReminderForm()
    return form.attempts.data
"#;
        let parsed = ruff_python_parser::parse_module(src).unwrap();
        let module = parsed.into_syntax();
        let schemas = Schemas::build(std::iter::once(&module));
        let names = |f: &str| {
            schemas
                .inputs_of(function(&module, f))
                .into_iter()
                .map(|i| (i.name, i.source, i.kind, i.required))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names("authenticate"),
            vec![
                ("id".into(), InputSource::Form, "string", true),
                ("password".into(), InputSource::Form, "string", true),
            ]
        );
        assert!(names("remind").contains(&(
            "attempts".into(),
            InputSource::Form,
            "integer",
            false
        )));
    }
}
