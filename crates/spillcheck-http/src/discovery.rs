//! Operations to probe: from an OpenAPI 3.x or Swagger 2.0 document (JSON or YAML), from
//! the source's route inventory, and from links seen in responses. Path parameters are
//! filled from examples, then ids seen in the caller's own responses, then defaults.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use spillcheck_core::Location;

/// Where an operation was learnt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// An OpenAPI / Swagger document.
    OpenApi,
    /// The code analysis' route inventory.
    Source,
    /// A link in a response.
    Seen,
}

/// What the documentation or the code says about an operation's authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Security {
    /// Nothing known.
    Unknown,
    /// Declared public (`security: []`, or a public route in the code or config).
    Public,
    /// Declared to need a token, with these scopes.
    Required(Vec<String>),
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamIn {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// A request header the handler reads itself (`X-User-Id`, `Hide-Info`): not the
    /// credentials.
    Header,
}

/// A parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Its name.
    pub name: String,
    /// Path or query.
    pub location: ParamIn,
    /// The documented example or default.
    pub example: Option<Value>,
    /// The schema type (`integer`, `string`...).
    pub kind: Option<String>,
    /// Required.
    pub required: bool,
    /// For a query parameter named after a collection of the API (`?doc=` beside `GET
    /// /api/docs`, `?folder_id=` beside `GET /folders`): that collection's path, whose
    /// records' keys are its values.
    pub collection: Option<String>,
    /// The schema's `pattern` (`^apt-[0-9a-f]{8}$`): the shape every value has.
    pub pattern: Option<String>,
}

impl Param {
    /// Whether `value` has the shape the schema's `pattern` gives (any value when there is
    /// none, or when it is no pattern this engine reads).
    pub fn admits(&self, value: &str) -> bool {
        let Some(pattern) = &self.pattern else {
            return true;
        };
        regex::RegexBuilder::new(pattern)
            .size_limit(1 << 20)
            .build()
            .map_or(true, |re| re.is_match(value))
    }
}

/// A request body as documented.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Body {
    /// Content type.
    pub content_type: String,
    /// An example body built from the schema.
    pub example: Value,
    /// Property names.
    pub properties: Vec<String>,
    /// Properties whose example value the handler's code names (`if method ==
    /// "virtual_card"`): the branch the code takes on, kept over a document's example.
    pub from_code: Vec<String>,
}

/// One API operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Upper-case method.
    pub method: String,
    /// Path template, `{name}` for parameters.
    pub path: String,
    /// Parameters.
    pub params: Vec<Param>,
    /// Request body.
    pub body: Option<Body>,
    /// Declared authentication.
    pub security: Security,
    /// Where it was learnt.
    pub origin: Origin,
    /// The handler's source location, when the code analysis knows it.
    pub location: Option<Location>,
    /// What the handler does that a scan must not trigger, when the code says so
    /// (`drops tables`, `logs the caller out`).
    pub side_effect: Option<String>,
    /// The role its documentation restricts it to ("Teachers only: …", "(administrators)",
    /// an `admin` tag): the scan's users are not presumed to hold it.
    pub restricted: Option<String>,
    /// The security schemes its description names (`bearerAuth`, `uploaderAuth`) and the
    /// decorator its code verifies the token with (`@jwt_required`): routes under
    /// different schemes are checked by different code.
    pub schemes: Vec<String>,
    /// Marked `deprecated: true` in the API description.
    pub deprecated: bool,
    /// How the description plans a deprecated operation's end (an end date, a replacement).
    pub deprecation: Deprecation,
    /// Its security is the description's blanket default (the root `security`), not
    /// declared on the operation: documentation generators apply it to every route, the
    /// login and the status page included.
    pub security_by_default: bool,
    /// It takes HTTP Basic credentials (its description's scheme is `http`/`basic`, or the
    /// code's authentication says so): a token endpoint is sent the users' name and
    /// password that way.
    pub basic: bool,
}

/// How an API description plans a deprecated operation's end.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Deprecation {
    /// The end date it gives (`x-sunset: 2025-06-30`), as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sunset: Option<String>,
    /// It names what replaces the operation ("Deprecated: use POST /blob instead",
    /// "replaced by", "in favour of").
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub replacement: bool,
}

impl Deprecation {
    /// What an operation object and its words (`summary`, `description`) say of its end.
    fn described(op: &serde_json::Map<String, Value>, said: &[String]) -> Deprecation {
        let sunset = [
            "x-sunset",
            "x-sunset-date",
            "x-deprecation-sunset",
            "x-removal-date",
        ]
        .iter()
        .find_map(|k| op.get(*k))
        .and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
        let replacement = said.iter().any(|text| {
            let t = text.to_ascii_lowercase();
            let use_instead = t.find("use ").is_some_and(|i| t[i..].contains("instead"));
            use_instead
                || [
                    "replaced by",
                    "superseded by",
                    "in favor of",
                    "in favour of",
                    "migrate to",
                    "use the new",
                ]
                .iter()
                .any(|w| t.contains(w))
        });
        Deprecation {
            sunset,
            replacement,
        }
    }

    /// Whether its end date (`YYYY-MM-DD…`) is on or before `today` (`YYYY-MM-DD`).
    pub fn ended(&self, today: &str) -> bool {
        self.sunset.as_deref().is_some_and(|d| {
            let date = d.get(..10).unwrap_or(d);
            date.len() == 10
                && date.as_bytes()[4] == b'-'
                && date.as_bytes()[..4].iter().all(u8::is_ascii_digit)
                && date <= today
        })
    }
}

impl Operation {
    /// The content type its body is sent in (JSON unless documented otherwise).
    pub fn content_type(&self) -> &str {
        self.body
            .as_ref()
            .map_or("application/json", |b| b.content_type.as_str())
    }

    /// A bare operation.
    pub fn new(method: &str, path: &str, origin: Origin) -> Operation {
        let params = path_params(path)
            .into_iter()
            .map(|name| Param {
                name,
                location: ParamIn::Path,
                example: None,
                kind: None,
                required: true,
                collection: None,
                pattern: None,
            })
            .collect();
        Operation {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            params,
            body: None,
            security: Security::Unknown,
            origin,
            location: None,
            side_effect: None,
            restricted: None,
            schemes: Vec::new(),
            deprecated: false,
            deprecation: Deprecation::default(),
            security_by_default: false,
            basic: false,
        }
    }

    /// The key operations are merged by: method and the path with parameter names erased.
    pub fn key(&self) -> (String, String) {
        (self.method.clone(), normalize_template(&self.path))
    }

    /// Whether it is read-only.
    pub fn is_read(&self) -> bool {
        matches!(self.method.as_str(), "GET" | "HEAD" | "OPTIONS")
    }

    /// Path parameters.
    pub fn path_params(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| p.location == ParamIn::Path)
    }

    /// The path with each path parameter at its documented example or default (`/api/v3/
    /// reset-password` for `/api/v{version}/reset-password`, default 3): where an operation
    /// that takes no object is sent (a login, a registration, a recovery form).
    pub fn example_path(&self) -> String {
        let values: BTreeMap<String, String> = self
            .path_params()
            .map(|p| {
                let v = p
                    .example
                    .as_ref()
                    .map_or_else(|| default_value(p), value_text);
                (p.name.clone(), v)
            })
            .collect();
        render_path(&self.path, &values)
    }

    /// The path up to the first parameter (`/api/notes/` for `/api/notes/{id}`).
    pub fn static_prefix(&self) -> &str {
        self.path
            .find('{')
            .map_or(self.path.as_str(), |i| &self.path[..i])
    }
}

/// The names of `{name}` parameters in a template.
pub fn path_params(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push(rest[open + 1..open + close].to_owned());
        rest = &rest[open + close + 1..];
    }
    out
}

pub use spillcheck_core::correlate::normalize_template;

/// Parses an OpenAPI 3.x or Swagger 2.0 document (JSON or YAML).
pub fn parse_openapi(text: &str) -> Result<Vec<Operation>, String> {
    let spec = spillcheck_core::openapi::Spec::parse(text)?;
    let root = spec.root();
    let swagger2 = spec.is_swagger2();
    let prefix = spec.base_path();
    let global_security = root.get("security");
    // The security schemes that take HTTP Basic credentials (OpenAPI 3's `type: http,
    // scheme: basic`; Swagger 2's `type: basic`).
    let basic_schemes: Vec<String> = [
        root.get("components")
            .and_then(|c| c.get("securitySchemes")),
        root.get("securityDefinitions"),
    ]
    .into_iter()
    .flatten()
    .filter_map(Value::as_object)
    .flatten()
    .filter(|(_, s)| {
        let field = |k: &str| {
            s.get(k)
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase)
        };
        field("type").as_deref() == Some("basic")
            || field("type").as_deref() == Some("http")
                && field("scheme").as_deref() == Some("basic")
    })
    .map(|(name, _)| name.clone())
    .collect();
    let mut ops = Vec::new();
    let Some(paths) = root.get("paths").and_then(Value::as_object) else {
        return Ok(ops);
    };
    for (path, item) in paths {
        let Some(item) = resolve(root, item).and_then(Value::as_object) else {
            continue;
        };
        let shared: Vec<&Value> = item
            .get("parameters")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        for (method, op) in item {
            let method = method.to_ascii_uppercase();
            if !["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
                .contains(&method.as_str())
            {
                continue;
            }
            let Some(op) = op.as_object() else { continue };
            let full = format!("{prefix}{path}");
            let mut operation = Operation::new(&method, &full, Origin::OpenApi);
            operation.deprecated = op.get("deprecated").and_then(Value::as_bool) == Some(true);
            // What the description says the operation does: `populate_db`, "Creates and
            // populates the database with dummy data", a `db-init` tag.
            let said: Vec<String> = ["operationId", "summary", "description"]
                .iter()
                .filter_map(|k| op.get(*k).and_then(Value::as_str))
                .map(str::to_owned)
                .chain(
                    op.get("tags")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_owned),
                )
                .collect();
            operation.side_effect = described_side_effect(&said).map(str::to_owned);
            operation.restricted = described_restriction(&said);
            if operation.deprecated {
                operation.deprecation = Deprecation::described(op, &said);
            }
            let own: Vec<&Value> = op
                .get("parameters")
                .and_then(Value::as_array)
                .map(|a| a.iter().collect())
                .unwrap_or_default();
            for p in shared.iter().chain(own.iter()) {
                let Some(p) = resolve(root, p).and_then(Value::as_object) else {
                    continue;
                };
                let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
                let place = p.get("in").and_then(Value::as_str).unwrap_or_default();
                let schema = p
                    .get("schema")
                    .and_then(|s| resolve(root, s))
                    .and_then(Value::as_object);
                let example = p
                    .get("example")
                    .or_else(|| schema.and_then(|s| s.get("example")))
                    .or_else(|| p.get("default"))
                    .or_else(|| schema.and_then(|s| s.get("default")))
                    .or_else(|| {
                        p.get("examples")
                            .and_then(Value::as_object)
                            .and_then(|e| e.values().next())
                            .and_then(|e| e.get("value"))
                    })
                    .filter(|v| !v.is_null())
                    .cloned();
                let kind = schema
                    .and_then(|s| s.get("type"))
                    .or_else(|| p.get("type"))
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                let pattern = schema
                    .and_then(|s| s.get("pattern"))
                    .or_else(|| p.get("pattern"))
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                match place {
                    "path" => {
                        if let Some(existing) = operation.params.iter_mut().find(|x| x.name == name)
                        {
                            existing.example = example;
                            existing.kind = kind;
                            existing.pattern = pattern;
                        }
                    }
                    "header" if crate::headers::own_header(name) => operation.params.push(Param {
                        name: name.to_owned(),
                        location: ParamIn::Header,
                        example,
                        kind,
                        required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                        collection: None,
                        pattern: pattern.clone(),
                    }),
                    "query" => operation.params.push(Param {
                        name: name.to_owned(),
                        location: ParamIn::Query,
                        example,
                        kind,
                        required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                        collection: None,
                        pattern: pattern.clone(),
                    }),
                    "body" if swagger2 => {
                        if let Some(schema) = p.get("schema") {
                            operation.body =
                                Some(body_from_schema(root, "application/json", schema));
                        }
                    }
                    _ => {}
                }
            }
            if let Some(rb) = op.get("requestBody").and_then(|b| resolve(root, b))
                && let Some(content) = rb.get("content").and_then(Value::as_object)
            {
                let chosen = content
                    .iter()
                    .find(|(ct, _)| ct.contains("json"))
                    .or_else(|| content.iter().next());
                if let Some((ct, media)) = chosen {
                    let mut body = media.get("schema").map_or_else(
                        || Body {
                            content_type: ct.clone(),
                            example: Value::Object(Map::new()),
                            ..Body::default()
                        },
                        |s| body_from_schema(root, ct, s),
                    );
                    if let Some(ex) = media.get("example").or_else(|| {
                        media
                            .get("examples")
                            .and_then(Value::as_object)
                            .and_then(|e| e.values().next())
                            .and_then(|e| e.get("value"))
                    }) {
                        body.example = ex.clone();
                    }
                    operation.body = Some(body);
                }
            }
            operation.security_by_default = op.get("security").is_none()
                && global_security.is_some_and(|g| g.as_array().is_some_and(|a| !a.is_empty()));
            operation.schemes = match op.get("security").or(global_security) {
                Some(Value::Array(reqs)) => reqs
                    .iter()
                    .filter_map(Value::as_object)
                    .flat_map(|m| m.keys().cloned())
                    .collect(),
                _ => Vec::new(),
            };
            operation.basic = operation
                .schemes
                .iter()
                .any(|name| basic_schemes.contains(name));
            operation.security = match op.get("security").or(global_security) {
                Some(Value::Array(reqs))
                    if reqs.is_empty()
                        || reqs
                            .iter()
                            .any(|r| r.as_object().is_some_and(Map::is_empty)) =>
                {
                    Security::Public
                }
                Some(Value::Array(reqs)) => Security::Required(
                    reqs.iter()
                        .filter_map(Value::as_object)
                        .flat_map(|m| m.values())
                        .filter_map(Value::as_array)
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect(),
                ),
                None | Some(_) => Security::Unknown,
            };
            ops.push(operation);
        }
    }
    Ok(ops)
}

use spillcheck_core::openapi::resolve;

fn body_from_schema(root: &Map<String, Value>, ct: &str, schema: &Value) -> Body {
    let schema = resolve(root, schema).unwrap_or(schema);
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    Body {
        content_type: ct.to_owned(),
        example: example_for(root, schema, 0),
        properties,
        from_code: Vec::new(),
    }
}

fn example_for(root: &Map<String, Value>, schema: &Value, depth: usize) -> Value {
    example_named(root, "", schema, depth)
}

/// A value the schema accepts, for a property called `name` (empty when unnamed): the
/// documented `example`/`examples`/`default`, else the first `enum` value, else one built
/// from the type and its constraints (format, length, pattern, bounds, items), a name-aware
/// value ([`field_value`]: an email, a strong password, a unique user name…) when the
/// schema says no more than "a string".
fn example_named(root: &Map<String, Value>, name: &str, schema: &Value, depth: usize) -> Value {
    let schema = resolve(root, schema).unwrap_or(schema);
    if let Some(ex) = schema
        .get("example")
        .or_else(|| schema.get("examples").and_then(|e| e.get(0)))
        .or_else(|| schema.get("default"))
    {
        return ex.clone();
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    if let Some(c) = schema.get("const") {
        return c.clone();
    }
    // Deep enough for a JSON:API document (`data.relationships.driver.data.type`).
    if depth > 8 {
        return Value::Null;
    }
    // `oneOf`/`anyOf`: the first choice; `allOf`: every part's properties together.
    if let Some(first) = ["oneOf", "anyOf"].iter().find_map(|k| {
        schema
            .get(*k)
            .and_then(Value::as_array)
            .and_then(|a| a.first())
    }) {
        return example_named(root, name, first, depth + 1);
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut m = Map::new();
        for part in parts {
            match example_named(root, name, part, depth + 1) {
                Value::Object(x) => m.extend(x),
                other if parts.len() == 1 => return other,
                _ => {}
            }
        }
        return Value::Object(m);
    }
    let kind = match schema.get("type") {
        Some(Value::String(t)) => Some(t.as_str()),
        // OpenAPI 3.1: `type: [string, "null"]`.
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ => None,
    };
    match kind {
        Some("object") | None if schema.get("properties").is_some() => {
            let mut m = Map::new();
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (k, v) in props {
                    // What the server writes (`readOnly`, marshmallow's `dump_only` as
                    // Flask-Smorest and APIFairy document it) is refused in a request body
                    // (`422 {"id": ["Unknown field."]}`).
                    let read_only = resolve(root, v)
                        .unwrap_or(v)
                        .get("readOnly")
                        .and_then(Value::as_bool)
                        == Some(true);
                    if !read_only {
                        m.insert(k.clone(), example_named(root, k, v, depth + 1));
                    }
                }
            }
            Value::Object(m)
        }
        Some("array") => {
            let item = schema
                .get("items")
                .map(|i| example_named(root, name, i, depth + 1));
            let min = schema
                .get("minItems")
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .max(1);
            let n = usize::try_from(min.min(8)).unwrap_or(1);
            Value::Array(item.map(|i| vec![i; n]).unwrap_or_default())
        }
        Some("integer") => number_in(schema, name, true),
        Some("number") => number_in(schema, name, false),
        Some("boolean") => Value::Bool(false),
        Some("string") => Value::from(string_for(schema, name)),
        _ => Value::Object(Map::new()),
    }
}

/// A number within the schema's bounds: the usual value ([`field_value`]: 1, 100 for a
/// bound) when it fits, else the nearest allowed one.
fn number_in(schema: &Value, name: &str, integer: bool) -> Value {
    let f = |k: &str| schema.get(k).and_then(Value::as_f64);
    let usual = field_value(name, if integer { "integer" } else { "number" })
        .as_f64()
        .unwrap_or(1.0);
    let step = if integer { 1.0 } else { 0.5 };
    // OpenAPI 3.0 writes exclusive bounds as booleans beside minimum/maximum.
    let low = match (
        f("minimum"),
        f("exclusiveMinimum"),
        schema.get("exclusiveMinimum"),
    ) {
        (Some(m), _, Some(Value::Bool(true))) => Some(m + step),
        (_, Some(x), _) => Some(x + step),
        (Some(m), _, _) => Some(m),
        _ => None,
    };
    let high = match (
        f("maximum"),
        f("exclusiveMaximum"),
        schema.get("exclusiveMaximum"),
    ) {
        (Some(m), _, Some(Value::Bool(true))) => Some(m - step),
        (_, Some(x), _) => Some(x - step),
        (Some(m), _, _) => Some(m),
        _ => None,
    };
    let mut v = usual;
    if let Some(h) = high {
        v = v.min(h);
    }
    if let Some(l) = low {
        v = v.max(l);
    }
    if let Some(m) = f("multipleOf").filter(|m| *m > 0.0) {
        v = (v / m).ceil() * m;
        if high.is_some_and(|h| v > h) {
            v -= m;
        }
    }
    if integer {
        #[allow(clippy::cast_possible_truncation)]
        return Value::from(v.ceil() as i64);
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        #[allow(clippy::cast_possible_truncation)]
        return Value::from(v as i64);
    }
    Value::from(v)
}

/// Whether a field names the end of a span (`ends_at`, `end_date`, `until`, `date_to`,
/// `checkout`, `due_date`): its value comes after the start's.
fn ends_a_span(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let words: Vec<&str> = n.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    words.iter().any(|w| {
        matches!(
            *w,
            "end"
                | "ends"
                | "ending"
                | "until"
                | "to"
                | "finish"
                | "finishes"
                | "stop"
                | "checkout"
                | "due"
                | "expires"
                | "expiry"
                | "till"
        )
    }) || n.starts_with("end")
        || n.contains("until")
}

/// A string the schema accepts: by format (`email`, `date`, `date-time`, `uuid`, `uri`,
/// `ipv4`, `hostname`, `byte`, `password`), else by the property's name, then fitted to
/// `pattern` (the first of a few usual shapes that matches it) and to the length bounds.
fn string_for(schema: &Value, name: &str) -> String {
    let later = ends_a_span(name);
    let by_format = match schema.get("format").and_then(Value::as_str) {
        Some("email" | "idn-email") => Some("spillcheck@example.com".to_owned()),
        Some("date") if later => Some("2026-01-02".to_owned()),
        Some("date") => Some("2026-01-01".to_owned()),
        Some("date-time") if later => Some("2026-01-01T01:00:00Z".to_owned()),
        Some("date-time") => Some("2026-01-01T00:00:00Z".to_owned()),
        Some("time") => Some("12:00:00".to_owned()),
        Some("uuid") => Some("00000000-0000-4000-8000-000000000000".to_owned()),
        // A loopback address: an API that fetches the URL it is given stays on the host.
        Some("uri" | "url" | "iri" | "uri-reference") => {
            Some("http://127.0.0.1/spillcheck".to_owned())
        }
        Some("ipv4") => Some("127.0.0.1".to_owned()),
        Some("ipv6") => Some("::1".to_owned()),
        Some("hostname") => Some("localhost".to_owned()),
        Some("byte") => Some("c3BpbGxjaGVjaw==".to_owned()),
        Some("password") => Some("Spillcheck-Passw0rd!".to_owned()),
        _ => None,
    };
    let text = by_format.unwrap_or_else(|| {
        if name.is_empty() {
            "spillcheck".to_owned()
        } else {
            match field_value(name, "string") {
                Value::String(t) => t,
                other => other.to_string(),
            }
        }
    });
    let len = |k: &str| {
        schema
            .get(k)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
    };
    let (min, max) = (len("minLength"), len("maxLength"));
    let fit = |t: &str| -> String {
        let mut t: String = match max {
            Some(m) if t.chars().count() > m => t.chars().take(m.max(1)).collect(),
            _ => t.to_owned(),
        };
        if let Some(m) = min {
            let have = t.chars().count();
            if have < m {
                t.push_str(&"x".repeat(m.min(256) - have));
            }
        }
        t
    };
    let Some(re) = schema
        .get("pattern")
        .and_then(Value::as_str)
        .and_then(|p| regex::Regex::new(p).ok().map(|re| (p, re)))
    else {
        return fit(&text);
    };
    let (pattern, re) = re;
    let fitted = fit(&text);
    if re.is_match(&fitted) {
        return fitted;
    }
    // A string the pattern itself describes (`^[A-Z]{2}$` → `AA`), else the first usual
    // shape that fits it.
    if let Some(sample) = sample_of(pattern).filter(|x| re.is_match(x)) {
        return sample;
    }
    let shapes = [
        "spillcheck",
        "Spillcheck1",
        "spillcheck_1",
        "spillcheck-1",
        "SPILLCHECK",
        "12345",
        "1",
        "a",
        "A1",
        "ab12",
        "AB12",
        "2026-01-01",
        "spillcheck@example.com",
        "+15555550100",
        "5555550100",
        "http://127.0.0.1/spillcheck",
        "00000000-0000-4000-8000-000000000000",
    ];
    shapes
        .iter()
        .map(|x| fit(x))
        .find(|x| re.is_match(x))
        .unwrap_or(fitted)
}

/// A string a simple regular expression matches: literals, escapes (`\d`, `\w`, `\.`),
/// classes (`[A-Z0-9_]`, their first member) and quantifiers (`{n}`, `{n,m}`, `+`, `*`,
/// `?`, the least count, one for `+`), anchors ignored. `None` for groups and
/// alternatives, which the caller's usual shapes try instead.
fn sample_of(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let atom: char = match chars[i] {
            '^' | '$' => {
                i += 1;
                continue;
            }
            '(' | ')' | '|' => return None,
            '\\' => {
                i += 1;
                match chars.get(i)? {
                    'd' => '1',
                    'w' => 'a',
                    's' => ' ',
                    c if c.is_ascii_alphanumeric() => return None,
                    c => *c,
                }
            }
            '[' => {
                let close = chars[i..].iter().position(|c| *c == ']')? + i;
                let class = &chars[i + 1..close];
                if class.first() == Some(&'^') {
                    return None;
                }
                i = close;
                match class {
                    ['\\', 'd', ..] => '1',
                    ['\\', 'w', ..] => 'a',
                    [first, ..] => *first,
                    [] => return None,
                }
            }
            '.' => 'a',
            c => c,
        };
        i += 1;
        let (count, next) = match chars.get(i) {
            Some('{') => {
                let close = chars[i..].iter().position(|c| *c == '}')? + i;
                let inner: String = chars[i + 1..close].iter().collect();
                let least = inner.split(',').next()?.trim().parse::<usize>().ok()?;
                (least, close + 1)
            }
            Some('+') => (1, i + 1),
            Some('*' | '?') => (0, i + 1),
            _ => (1, i),
        };
        // A lazy or possessive marker after a quantifier changes nothing here.
        i = if matches!(chars.get(next), Some('?' | '+')) && next != i {
            next + 1
        } else {
            next
        };
        for _ in 0..count.min(64) {
            out.push(atom);
        }
    }
    Some(out)
}

/// The last segment of a path, lower-case (`/api/Login/` → `login`).
pub fn last_segment(path: &str) -> String {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// A value an API is likely to accept for a body field of this name and JSON kind
/// (`integer`, `number`, `boolean`, `string`): an email for `email`, a strong password
/// for `password`, a name unique to this run for `username`, a date for `*_date`...
pub fn field_value(name: &str, kind: &str) -> Value {
    let n = name.to_ascii_lowercase();
    // A bound (`card_limit`, `max_amount`, `quota`) leaves room for the amounts the scan
    // then moves (a card of limit 1 refuses its second funding of 1).
    let bound = [
        "limit",
        "max",
        "cap",
        "quota",
        "ceiling",
        "threshold",
        "credit",
    ]
    .iter()
    .any(|w| n.contains(w));
    match kind {
        "integer" | "number" if bound => return Value::from(100),
        "integer" | "number" => return Value::from(1),
        "boolean" => return Value::Bool(false),
        _ => {}
    }
    let text = if n.contains("mail") || kind == "email" {
        format!("spillcheck-{}@example.com", crate::probe::random_name())
    } else if n.contains("pass") || n.contains("pwd") {
        "Spillcheck-Passw0rd!".to_owned()
    } else if n == "username"
        || n == "login"
        || n == "user"
        || n.ends_with("_name") && n.contains("user")
    {
        format!("spillcheck_{}", crate::probe::random_name())
    } else if n.contains("phone") || n.contains("mobile") {
        "+15555550100".to_owned()
    } else if n.contains("url") || n.contains("link") || n.contains("website") {
        "http://127.0.0.1/spillcheck".to_owned()
    } else if kind == "date-time" && ends_a_span(&n) {
        "2026-01-01T01:00:00+00:00".to_owned()
    } else if kind == "date-time" {
        "2026-01-01T00:00:00+00:00".to_owned()
    } else if kind == "date"
        || n.contains("date")
        || n.ends_with("_at")
        || n == "day"
        || n == "birthday"
        || n == "dob"
    {
        // The end of a span after its start (`ends_at` after `starts_at`): an API refuses
        // a booking that ends when it starts.
        if ends_a_span(&n) {
            "2026-01-02".to_owned()
        } else {
            "2026-01-01".to_owned()
        }
    } else if n.contains("expir") {
        "12/30".to_owned()
    } else if n == "currency" {
        "USD".to_owned()
    } else if n.contains("amount")
        || n.contains("price")
        || n.contains("limit")
        || n.contains("quantity")
    {
        return Value::from(1);
    } else {
        "spillcheck".to_owned()
    };
    Value::from(text)
}

/// A body built from field names and kinds (what a handler reads, `--source`).
///
/// A dotted name is a field of a nested object: `article.title` (a schema whose
/// `@pre_load` unwraps `data["article"]`) is `{"article": {"title": …}}`.
pub fn body_from_fields(content_type: &str, fields: &[(String, String)]) -> Body {
    fn put(m: &mut Map<String, Value>, path: &[&str], value: Value) {
        match path {
            [] => {}
            [leaf] => {
                m.insert((*leaf).to_owned(), value);
            }
            [first, rest @ ..] => {
                let next = m
                    .entry((*first).to_owned())
                    .or_insert_with(|| Value::Object(Map::new()));
                if !next.is_object() {
                    *next = Value::Object(Map::new());
                }
                if let Value::Object(inner) = next {
                    put(inner, rest, value);
                }
            }
        }
    }
    let mut m = Map::new();
    for (name, kind) in fields {
        let path: Vec<&str> = name.split('.').filter(|s| !s.is_empty()).collect();
        let Some(leaf) = path.last() else { continue };
        put(&mut m, &path, field_value(leaf, kind));
    }
    Body {
        content_type: content_type.to_owned(),
        example: Value::Object(m),
        properties: fields
            .iter()
            .map(|(n, _)| n.rsplit('.').next().unwrap_or(n).to_owned())
            .collect(),
        from_code: Vec::new(),
    }
}

/// Whether a path template addresses one item of `collection`: `/api/cards/{id}` (or
/// `/api/cards/{id}/`) for `/api/cards`.
pub fn item_of(template: &str, collection: &str) -> bool {
    template
        .strip_prefix(collection.trim_end_matches('/'))
        .and_then(|r| r.strip_prefix('/'))
        .map(|r| r.trim_end_matches('/'))
        .is_some_and(|r| {
            r.starts_with('{') && r.ends_with('}') && !r.contains('/') && !r[1..].contains('{')
        })
}

/// Sets the field `name` of a body (dotted for nested objects: `article.title`).
pub fn set_field(body: &mut Value, name: &str, value: Value) {
    let mut at = body;
    let mut parts = name.split('.').peekable();
    while let Some(seg) = parts.next() {
        let Value::Object(m) = at else { return };
        if parts.peek().is_none() {
            m.insert(seg.to_owned(), value);
            return;
        }
        at = m
            .entry(seg.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

/// Well-known places of an API description, tried in order when none is given.
pub const WELL_KNOWN: &[&str] = &[
    "/openapi.json",
    "/swagger.json",
    "/apispec_1.json",
    "/spec.json",
    "/api/openapi.json",
    "/api/swagger.json",
    "/v1/openapi.json",
    "/openapi.yaml",
    "/swagger.yaml",
    "/api/docs/openapi.json",
    "/api/spec",
    "/api/docs",
    // The usual Flask extensions' own places: flasgger (`/apispec.json`), flask-restx and
    // Connexion under a versioned base path, flask-smorest's `OPENAPI_URL_PREFIX`.
    "/apispec.json",
    "/api/v1/openapi.json",
    "/api/v1/swagger.json",
    "/api/v2/openapi.json",
    "/docs/openapi.json",
    "/openapi/openapi.json",
    "/api/openapi.yaml",
    // Flask-AppBuilder's, served to signed-in users.
    "/api/v1/_openapi",
    // SpecTree's (`SpecTree("flask")`, `path="apidoc"` by default).
    "/apidoc/openapi.json",
    "/api/apidoc/openapi.json",
    // Flask-Rebar's (`<registry prefix>/swagger`, no extension).
    "/api/swagger",
    "/swagger",
];

/// Where to look for the API description, in order: the code's own routes that serve one
/// (`/v1/openapi.yaml`), the well-known places, then the usual file names under each
/// version prefix the code's routes sit under or APIs commonly use (`/v1`, `/api/v2`).
pub fn description_places(code: &[Operation]) -> Vec<String> {
    const NAMES: &[&str] = &[
        "openapi.json",
        "openapi.yaml",
        "swagger.json",
        "swagger.yaml",
    ];
    let mut out: Vec<String> = Vec::new();
    let add = |p: String, out: &mut Vec<String>| {
        if !out.contains(&p) {
            out.push(p);
        }
    };
    for op in code
        .iter()
        .filter(|op| op.method == "GET" && op.path_params().count() == 0)
    {
        let last = last_segment(&op.path).to_ascii_lowercase();
        if ["openapi", "swagger", "apispec"]
            .iter()
            .any(|w| last.starts_with(w))
        {
            add(op.path.clone(), &mut out);
        }
    }
    for p in WELL_KNOWN {
        add((*p).to_owned(), &mut out);
    }
    let mut prefixes: Vec<String> = ["/v1", "/v2", "/api/v2", "/api/v1"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    for op in code {
        let segs: Vec<&str> = op.path.split('/').filter(|s| !s.is_empty()).collect();
        let versioned = |s: &str| {
            (2..=4).contains(&s.len())
                && s.starts_with('v')
                && s[1..].chars().all(|c| c.is_ascii_digit())
        };
        let prefix = match segs.as_slice() {
            [v, ..] if versioned(v) => format!("/{v}"),
            [a, v, ..] if versioned(v) && !a.starts_with('{') => format!("/{a}/{v}"),
            _ => continue,
        };
        if !prefixes.contains(&prefix) && prefixes.len() < 8 {
            prefixes.push(prefix);
        }
    }
    for prefix in &prefixes {
        for name in NAMES {
            add(format!("{prefix}/{name}"), &mut out);
        }
    }
    out
}

/// The API documents a documentation page loads: Swagger UI's `url: "…"` and `urls: [{url:
/// …}]`, ReDoc's `spec-url="…"`, RapiDoc's `spec-url`, as paths on the page's own origin
/// (absolute URLs to another host are left alone; a relative one is resolved against the
/// page's `page` path). At most three.
pub fn spec_urls_in_page(html: &str, page: &str) -> Vec<String> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r#"(?i)(?:["']?\burl["']?\s*[:=]\s*|spec-url\s*=\s*)["']([^"'<>\s]+\.(?:json|ya?ml)(?:\?[^"'<>\s]*)?|[^"'<>\s]*(?:openapi|swagger|apispec)[^"'<>\s]*)["']"#)
            .expect("regex")
    });
    let mut out: Vec<String> = Vec::new();
    for c in re.captures_iter(html) {
        let url = &c[1];
        let path = if let Some(rest) = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("https://"))
        {
            // Only the same origin: the path after the host, when the host is loopback.
            let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
            if !(host.starts_with("127.0.0.1") || host.starts_with("localhost")) {
                continue;
            }
            format!("/{path}")
        } else if url.starts_with('/') {
            url.to_owned()
        } else if url.starts_with("//") || url.contains("://") {
            continue;
        } else {
            // Relative to the page's folder (`/api/docs/` + `openapi.json`).
            let dir = if page.ends_with('/') {
                page.to_owned()
            } else {
                page.rsplit_once('/')
                    .map_or("/".to_owned(), |(d, _)| format!("{d}/"))
            };
            format!("{dir}{}", url.trim_start_matches("./"))
        };
        if !out.contains(&path) && out.len() < 3 {
            out.push(path);
        }
    }
    out
}

/// Merges `more` into `ops` by [`Operation::key`]: documented facts win, the source adds
/// its location, unknown security is filled in, and a body with no known property takes
/// the other's properties (a handler that copies every key of the body names none).
pub fn merge(ops: &mut Vec<Operation>, more: Vec<Operation>) {
    for op in more {
        if let Some(existing) = ops.iter_mut().find(|o| o.key() == op.key()) {
            if existing.location.is_none() {
                existing.location = op.location;
            }
            if existing.security == Security::Unknown {
                existing.security = op.security;
            }
            let empty = |b: &Option<Body>| b.as_ref().is_none_or(|b| b.properties.is_empty());
            if empty(&existing.body) && !empty(&op.body) || existing.body.is_none() {
                existing.body = op.body;
            } else if let (Some(doc), Some(code)) = (existing.body.as_mut(), op.body) {
                // What the handler reads beside what the document says: the documented
                // example, with the fields only the code names added, and the values the
                // code branches on (`payment_method: "virtual_card"`) over the example's.
                if let (Value::Object(d), Value::Object(c)) = (&mut doc.example, code.example) {
                    for (k, v) in c {
                        if code.from_code.contains(&k) {
                            d.insert(k.clone(), v);
                            if !doc.properties.contains(&k) {
                                doc.properties.push(k.clone());
                            }
                            doc.from_code.push(k);
                        } else if !doc.properties.contains(&k) && !d.contains_key(&k) {
                            doc.properties.push(k.clone());
                            d.insert(k, v);
                        }
                    }
                }
            }
            if existing.side_effect.is_none() {
                existing.side_effect = op.side_effect;
            }
            if existing.restricted.is_none() {
                existing.restricted = op.restricted;
            }
            // Headers the handler (or its decorator) reads that the description leaves
            // out (`X-Role`, read by a project's `@warden_required`).
            for param in op.params {
                if param.location == ParamIn::Header
                    && !existing
                        .params
                        .iter()
                        .any(|x| x.name.eq_ignore_ascii_case(&param.name))
                {
                    existing.params.push(param);
                }
            }
            for scheme in op.schemes {
                if !existing.schemes.contains(&scheme) {
                    existing.schemes.push(scheme);
                }
            }
            existing.basic |= op.basic;
        } else {
            ops.push(op);
        }
    }
}

/// The mount point of the code's routes when the code did not say it: when none of the
/// code's routes is an operation the description documents, but three or more (and half of
/// them at least) are once one literal prefix is put before them (`/auth/login` documented
/// as `/api/auth/login`: a blueprint prefix set where the code analysis does not see it, a
/// WSGI mount, a proxy's path), every route of the code moves under that prefix. Returns
/// the prefix applied.
pub fn align_to_described(described: &[Operation], code: &mut [Operation]) -> Option<String> {
    if described.is_empty() || code.is_empty() {
        return None;
    }
    let keys: std::collections::BTreeSet<(String, String)> =
        described.iter().map(Operation::key).collect();
    if code.iter().any(|op| keys.contains(&op.key())) {
        return None;
    }
    let mut votes: BTreeMap<String, std::collections::BTreeSet<(String, String)>> = BTreeMap::new();
    for op in code.iter() {
        let (method, path) = op.key();
        let path = path.trim_end_matches('/');
        if path.is_empty() {
            continue;
        }
        for (m, d) in &keys {
            if *m != method {
                continue;
            }
            let Some(prefix) = d.trim_end_matches('/').strip_suffix(path) else {
                continue;
            };
            if prefix.len() > 1 && prefix.starts_with('/') && !prefix.contains('{') {
                votes.entry(prefix.to_owned()).or_default().insert(op.key());
            }
        }
    }
    let (prefix, matched) = votes.into_iter().max_by_key(|(_, v)| v.len())?;
    if matched.len() < 3 || matched.len() * 2 < code.len() {
        return None;
    }
    for op in code.iter_mut() {
        op.path = format!("{prefix}{}", op.path);
    }
    Some(prefix)
}

/// A documented template whose parameter sits inside a segment (`/api/v{version}/reset-
/// password`) is the same operation as the concrete route its example value names when the
/// code serves that route (`/api/v3/reset-password`): it folds into it (the document's body
/// and security fill what the concrete one lacks), so one weakness is tested and reported
/// once, on the route that serves it.
pub fn fold_versioned(ops: &mut Vec<Operation>) {
    let embedded = |op: &Operation| {
        op.path
            .split('/')
            .any(|seg| seg.contains('{') && !(seg.starts_with('{') && seg.ends_with('}')))
    };
    let mut folded: Vec<usize> = Vec::new();
    for i in 0..ops.len() {
        if !embedded(&ops[i]) {
            continue;
        }
        let concrete = ops[i].example_path();
        let Some(j) = ops
            .iter()
            .position(|o| o.method == ops[i].method && o.path == concrete)
        else {
            continue;
        };
        let (body, security) = (ops[i].body.clone(), ops[i].security.clone());
        if ops[j].body.is_none() {
            ops[j].body = body;
        }
        if ops[j].security == Security::Unknown {
            ops[j].security = security;
        }
        folded.push(i);
    }
    for i in folded.into_iter().rev() {
        ops.remove(i);
    }
}

/// Marks the query parameters named after a collection of the API (`?doc=` or `?doc_id=`
/// beside `GET /api/docs`, `?category_slug=` beside `GET /categories`) with that
/// collection's path: their values are its records' keys. Not a parameter that names a
/// person (its values are the users'), a page or sort, or the operation's own collection.
pub fn name_collections(ops: &mut [Operation]) {
    let collections = collections_of(ops);
    for op in ops.iter_mut() {
        name_collections_in(op, &collections);
    }
}

/// The paths of the API's collections: GETs without path parameters.
pub fn collections_of(ops: &[Operation]) -> Vec<String> {
    ops.iter()
        .filter(|o| o.method == "GET" && o.path_params().count() == 0)
        .map(|o| o.path.trim_end_matches('/').to_owned())
        .filter(|p| p.rsplit('/').next().is_some_and(|s| s.len() > 2))
        .collect()
}

/// [`name_collections`] for one operation, given the collections' paths.
pub fn name_collections_in(op: &mut Operation, collections: &[String]) {
    let own = op.path.trim_end_matches('/').to_owned();
    for param in op
        .params
        .iter_mut()
        .filter(|x| x.location == ParamIn::Query)
    {
        // A person by a bare word (`owner`, `user`) is one of the users; `patient` beside
        // `/api/patients` names a record of that collection.
        let stem = noun_of(&param.name);
        let bare_person = matches!(
            stem.as_str(),
            "owner" | "author" | "creator" | "user" | "person" | "assignee" | "reporter"
        );
        if pages_or_sorts(&param.name) || bare_person || stem.len() < 3 {
            continue;
        }
        param.collection = collections
            .iter()
            .filter(|c| **c != own)
            .find(|c| {
                let last = c.rsplit('/').next().unwrap_or_default();
                let last = spillcheck_core::vocab::normalize(last);
                [
                    format!("{stem}s"),
                    format!("{stem}es"),
                    stem.strip_suffix('y')
                        .map(|s| format!("{s}ies"))
                        .unwrap_or_default(),
                ]
                .contains(&last)
            })
            .cloned();
    }
}

/// The operation an RFC 6570 link template stands for (`/api/patients/{code}`,
/// `/api/appointments{?patient,day}`, as HAL indexes write them): its path parameters,
/// and its query expression's names as optional query parameters. `None` for a link
/// without a template or with one of another form.
pub fn template_operation(link: &str) -> Option<Operation> {
    if !link.contains('{') {
        return None;
    }
    let (path, query) = match link.find("{?").or_else(|| link.find("{&")) {
        Some(i) => (&link[..i], Some(&link[i + 2..])),
        None => (link, None),
    };
    let simple = |x: &str| {
        !x.is_empty()
            && x.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    // Path segments are literal or one whole `{name}`.
    for seg in path.split('/') {
        if seg.contains(['{', '}'])
            && !(seg.starts_with('{') && seg.ends_with('}') && simple(&seg[1..seg.len() - 1]))
        {
            return None;
        }
    }
    let mut op = Operation::new("GET", path, Origin::Seen);
    if let Some(q) = query {
        let names = q.strip_suffix('}')?;
        for name in names.split(',') {
            let name = name.trim();
            if !simple(name) {
                return None;
            }
            op.params.push(Param {
                name: name.to_owned(),
                location: ParamIn::Query,
                example: None,
                kind: None,
                required: false,
                collection: None,
                pattern: None,
            });
        }
    }
    Some(op)
}

/// The noun a parameter's name is made of, normalized: `doc_id`, `docId` and `doc_slug`
/// give `doc`.
fn noun_of(name: &str) -> String {
    let n = spillcheck_core::vocab::normalize(name);
    ["id", "slug", "uuid", "key", "code"]
        .iter()
        .find_map(|s| n.strip_suffix(s).filter(|x| x.len() >= 3))
        .unwrap_or(&n)
        .to_owned()
}

/// Ids seen in responses, by key name (`id`, `note_id`...) and by the path prefix of the
/// response they came from.
#[derive(Debug, Default, Clone)]
pub struct SeenIds {
    by_prefix: BTreeMap<String, Vec<Value>>,
    by_key: BTreeMap<String, Vec<Value>>,
    /// Any short value of a listed record, by its key and by the collection's noun and the
    /// key (`code` of `/api/berths` as `code` and `berth_code`): a natural key a path
    /// parameter may take (`{berth_code}`, `{pontoon}`) when no id of its name was seen.
    fields: BTreeMap<String, Vec<Value>>,
    /// The same under the record's noun and the key (`berth_code`).
    noun_fields: BTreeMap<String, Vec<Value>>,
}

/// Whether a key names an id or a natural key a path or query may carry.
pub fn is_id_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k == "id"
        || k.ends_with("_id")
        || k.ends_with("id")
            && k.len() > 2
            && key.chars().rev().nth(2).is_some_and(char::is_lowercase)
        || k == "uuid"
        || k == "slug"
        || {
            // Natural keys a path may name: `account_number`, `accountNumber`, `username`,
            // a device's or an OTP token's `serial`.
            let n = spillcheck_core::vocab::normalize(key);
            n.ends_with("number")
                || n.ends_with("serial")
                // A booking's `ref`, an order's `reference`, `booking_ref`.
                || n == "ref"
                || n == "reference"
                || k.ends_with("_ref")
                || key.ends_with("Ref")
                || n.ends_with("username")
                || n == "email"
                || n == "handle"
                || n == "login"
        }
}

fn is_id_value(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.as_u64().is_some(),
        Value::String(s) => !s.is_empty() && s.len() <= 64 && !s.contains(['/', ' ', '?', '#']),
        _ => false,
    }
}

/// The field of a record that its own link ends with (`{"code": "AP-A1F3", "_links":
/// {"self": {"href": "/api/appointments/AP-A1F3"}}}` is keyed by `code`).
fn key_of_own_link(m: &serde_json::Map<String, Value>) -> Option<&str> {
    let mut ends: Vec<&str> = Vec::new();
    let mut stack: Vec<(&Value, usize)> = m.values().map(|v| (v, 0)).collect();
    while let Some((v, depth)) = stack.pop() {
        match v {
            Value::String(s) if s.starts_with('/') || s.starts_with("http") => {
                if let Some(last) = s
                    .split(['?', '#'])
                    .next()
                    .and_then(|p| p.rsplit('/').next())
                    && !last.is_empty()
                {
                    ends.push(last);
                }
            }
            Value::Object(o) if depth < 2 => stack.extend(o.values().map(|x| (x, depth + 1))),
            _ => {}
        }
    }
    m.iter()
        .find(|(_, x)| {
            x.as_str()
                .is_some_and(|s| s.len() >= 2 && ends.contains(&s))
        })
        .map(|(k, _)| k.as_str())
}

/// A record's one `…_id` key when it has no `id`: the collection's own (`ledger_id` in
/// `/api/ledgers`), else the only one it has that names no person (`{"account_id":
/// "lg-7f3a91c2", "owner": "alice"}` in a listing of ledgers).
fn lone_key<'m>(m: &'m serde_json::Map<String, Value>, path: &str) -> Option<&'m str> {
    let noun = path.rsplit('/').next().unwrap_or_default();
    let singular = noun.strip_suffix('s').unwrap_or(noun);
    let keys: Vec<&str> = m
        .iter()
        .filter(|(k, x)| {
            let k = k.to_ascii_lowercase();
            k.ends_with("_id")
                && is_id_value(x)
                && (!crate::authz::names_person(&k) || k == format!("{singular}_id"))
        })
        .map(|(k, _)| k.as_str())
        .collect();
    keys.iter()
        .find(|k| k.eq_ignore_ascii_case(&format!("{singular}_id")))
        .or_else(|| (keys.len() == 1).then(|| &keys[0]))
        .copied()
}

impl SeenIds {
    /// Learns ids from a JSON response to a GET of `path` (a concrete path).
    pub fn learn(&mut self, path: &str, body: &Value) {
        let path = path.trim_end_matches('/');
        // The collection's ids: those of listed items first (`{"merchant": {"id": 4},
        // "payments": [{"id": 9}]}` lists payment 9; merchant 4 is who asked), then the id
        // of an answer that is one object.
        let (mut items, mut others) = (Vec::new(), Vec::new());
        // Breadth first, in document order: the first ids listed are tried first.
        let mut queue = std::collections::VecDeque::from([(body, 0usize, false, "")]);
        while let Some((v, depth, listed, parent)) = queue.pop_front() {
            if depth > 6 {
                continue;
            }
            match v {
                Value::Object(m) => {
                    // The record's own key: its `id`, else a `uuid` or `slug` (records named
                    // `d_8fk2a` carry no number).
                    let own_key = ["id", "uuid", "slug", "ref", "reference"]
                        .into_iter()
                        .find_map(|w| {
                            m.iter()
                                .find(|(k, x)| k.eq_ignore_ascii_case(w) && is_id_value(x))
                                .map(|(k, _)| k.as_str())
                        })
                        .or_else(|| key_of_own_link(m))
                        .or_else(|| lone_key(m, path));
                    for (k, x) in m {
                        if (is_id_key(k) || own_key == Some(k.as_str())) && is_id_value(x) {
                            // Keyed by the name's normal form: `accountNumber` is the value
                            // of a `{account_number}` parameter.
                            push_unique(
                                self.by_key
                                    .entry(spillcheck_core::vocab::normalize(k))
                                    .or_default(),
                                x,
                            );
                            // Under the object that holds it too: `{"team": {"slug": "nw"}}`
                            // is the value of a `{team_slug}` parameter (`teams` lists teams).
                            if !parent.is_empty() {
                                let one = parent.strip_suffix('s').unwrap_or(parent);
                                push_unique(
                                    self.by_key
                                        .entry(spillcheck_core::vocab::normalize(&format!(
                                            "{one}_{k}"
                                        )))
                                        .or_default(),
                                    x,
                                );
                            }
                            if own_key == Some(k.as_str()) && depth <= 2 {
                                if listed { &mut items } else { &mut others }.push(x.clone());
                            }
                        }
                        queue.push_back((x, depth + 1, false, k.as_str()));
                    }
                }
                Value::Array(a) => {
                    for x in a.iter().take(200) {
                        queue.push_back((x, depth + 1, true, parent));
                    }
                }
                _ => {}
            }
            if let Value::Object(m) = v
                && (listed || depth == 0)
                && self.fields.len() + self.noun_fields.len() < 1024
            {
                self.learn_fields(path, parent, m);
            }
        }
        if !items.is_empty() || !others.is_empty() {
            let at = self.by_prefix.entry(path.to_owned()).or_default();
            for x in items.iter().chain(&others) {
                push_unique(at, x);
            }
        }
    }

    /// A record's short scalar values under their keys, and under the record's noun and
    /// the key (`berth_code` for `code` in `/api/berths` or under a `berths` key).
    fn learn_fields(&mut self, path: &str, parent: &str, m: &serde_json::Map<String, Value>) {
        let noun = if parent.is_empty() {
            path.rsplit('/').next().unwrap_or_default()
        } else {
            parent
        };
        let one = noun.strip_suffix('s').unwrap_or(noun);
        for (k, x) in m.iter().take(40) {
            let short = match x {
                Value::String(t) => (1..=64).contains(&t.len()) && !t.contains(char::is_whitespace),
                Value::Number(_) => true,
                _ => false,
            };
            if !short {
                continue;
            }
            push_unique(
                self.fields
                    .entry(spillcheck_core::vocab::normalize(k))
                    .or_default(),
                x,
            );
            if one.len() > 2 && !one.starts_with('{') {
                push_unique(
                    self.noun_fields
                        .entry(spillcheck_core::vocab::normalize(&format!("{one}_{k}")))
                        .or_default(),
                    x,
                );
            }
        }
    }

    /// Whether `value` was seen as an id anywhere.
    pub fn holds(&self, value: &str) -> bool {
        self.by_prefix
            .values()
            .chain(self.by_key.values())
            .flatten()
            .any(|x| value_text(x) == value)
    }

    /// The ids of the collection at `prefix` itself (its listing's records), without the
    /// values seen under other keys.
    pub fn listed(&self, prefix: &str) -> Vec<Value> {
        self.by_prefix
            .get(prefix.trim_end_matches('/'))
            .cloned()
            .unwrap_or_default()
    }

    /// Ids of the collections named like `prefix`'s last segment elsewhere in the API
    /// (`/api/orders` for `/api/training/orders`, `/api/legacy/orders`): the same records
    /// served under another prefix, a mirror or a version of the resource.
    fn same_noun(&self, prefix: &str) -> Vec<Value> {
        let Some((_, noun)) = prefix.rsplit_once('/') else {
            return Vec::new();
        };
        // A noun that names a kind of record, not a generic endpoint word.
        if noun.is_empty()
            || noun.starts_with('{')
            || [
                "items", "list", "all", "search", "data", "results", "export", "bulk", "batch",
                "v1", "v2", "v3", "api",
            ]
            .contains(&noun)
        {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (_, ids) in self.by_prefix.iter().filter(|(k, _)| {
            k.as_str() != prefix && k.rsplit_once('/').is_some_and(|(_, n)| n == noun)
        }) {
            for x in ids {
                push_unique(&mut out, x);
            }
        }
        out
    }

    /// The ids of the collections a `{noun_id}` parameter names (`sample_id`: `/api/samples`,
    /// `/samples`), in their listing order.
    pub(crate) fn named_collection(&self, name: &str) -> Vec<Value> {
        let lower = name.to_ascii_lowercase();
        let Some(noun) = lower
            .strip_suffix("_id")
            .or_else(|| lower.strip_suffix("_uuid"))
            .filter(|n| n.len() > 2)
        else {
            return Vec::new();
        };
        let plural = |seg: &str| {
            seg == format!("{noun}s")
                || seg == format!("{noun}es")
                || seg == noun
                || noun.ends_with('y') && seg == format!("{}ies", &noun[..noun.len() - 1])
        };
        let mut keys: Vec<&String> = self
            .by_prefix
            .keys()
            .filter(|k| {
                k.rsplit_once('/')
                    .is_some_and(|(_, seg)| plural(&seg.replace('-', "_")))
            })
            .collect();
        keys.sort();
        let mut out = Vec::new();
        for k in keys {
            for x in &self.by_prefix[k] {
                push_unique(&mut out, x);
            }
        }
        out
    }

    /// The values seen under a key of this name (its normal form), wherever they were.
    pub fn under_key(&self, name: &str) -> Vec<Value> {
        self.by_key
            .get(&spillcheck_core::vocab::normalize(name))
            .cloned()
            .unwrap_or_default()
    }

    /// Candidate values for parameter `name` of an operation whose path before the
    /// parameter is `prefix` (e.g. `/api/notes/`): ids of that collection first (else of
    /// the collections of the same name under another prefix), then ids under the
    /// parameter's own name.
    pub fn candidates(&self, name: &str, prefix: &str) -> Vec<Value> {
        let mut out = Vec::new();
        // A parameter named for no id after a collection's field (`{berth_code}`: the
        // `code` of listed berths) takes that field first: the collection's ids are
        // another key.
        if !is_id_key(name)
            && let Some(v) = self
                .noun_fields
                .get(&spillcheck_core::vocab::normalize(name))
        {
            out.extend(v.iter().cloned());
        }
        let prefix = prefix.trim_end_matches('/');
        match self.by_prefix.get(prefix) {
            Some(v) => v.iter().for_each(|x| push_unique(&mut out, x)),
            None => self
                .same_noun(prefix)
                .iter()
                .for_each(|x| push_unique(&mut out, x)),
        }
        if let Some(v) = self.by_key.get(&spillcheck_core::vocab::normalize(name)) {
            for x in v {
                push_unique(&mut out, x);
            }
        }
        // `{sample_id}` under another collection (`/api/labels/{sample_id}`): the ids of
        // the collection the parameter names (`/api/samples`), wherever it is served.
        for x in self.named_collection(name) {
            push_unique(&mut out, &x);
        }
        // No id of that name, and the parameter names its own collection
        // (`/api/pontoons/{pontoon}`): a listed record's field of the name (`"pontoon": "A"`
        // in the berths), a natural key.
        let names_collection = prefix
            .rsplit('/')
            .next()
            .is_some_and(|noun| noun.strip_suffix('s') == Some(name));
        if out.is_empty()
            && names_collection
            && let Some(v) = self.fields.get(&spillcheck_core::vocab::normalize(name))
        {
            out.extend(v.iter().cloned());
        }
        out
    }
}

fn push_unique(v: &mut Vec<Value>, x: &Value) {
    if !v.contains(x) && v.len() < 64 {
        v.push(x.clone());
    }
}

/// Renders a template with values (percent-encoding each value).
pub fn render_path(template: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = template.to_owned();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), &encode_segment(v));
    }
    out
}

/// A value percent-encoded for one path segment (a space as `%20`, not `+`).
pub fn encode_segment(v: &str) -> String {
    let enc: String = url::form_urlencoded::byte_serialize(v.as_bytes()).collect();
    enc.replace('+', "%20")
}

/// `concrete` (a path of `template`) with segment `index` of the template set to `value`.
pub fn with_segment(template: &str, concrete: &str, index: usize, value: &str) -> Option<String> {
    let t: Vec<&str> = template.split('/').collect();
    let mut c: Vec<String> = concrete
        .split('?')
        .next()?
        .split('/')
        .map(str::to_owned)
        .collect();
    if t.len() != c.len() || index >= c.len() {
        return None;
    }
    c[index] = encode_segment(value);
    Some(c.join("/"))
}

/// `path` (which may carry a query) with query parameter `name` set to `value`.
pub fn with_query(path: &str, name: &str, value: &str) -> String {
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    let enc = |x: &str| -> String { url::form_urlencoded::byte_serialize(x.as_bytes()).collect() };
    let mut parts: Vec<String> = query
        .split('&')
        .filter(|kv| !kv.is_empty() && kv.split('=').next() != Some(name))
        .map(str::to_owned)
        .collect();
    parts.push(format!("{}={}", enc(name), enc(value)));
    format!("{base}?{}", parts.join("&"))
}

/// A value as a path or query string.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether two JSON values are the same value: numbers as numbers (`1001`, `1001.0` and
/// `"1001.00"` alike), anything else as text.
pub fn same_value(x: &Value, y: &Value) -> bool {
    let num = |v: &Value| value_text(v).trim().parse::<f64>().ok();
    match (num(x), num(y)) {
        (Some(p), Some(q)) => (p - q).abs() < 1e-6,
        _ => value_text(x) == value_text(y),
    }
}

/// Whether a query parameter pages or orders a listing (`cursor`, `page`, `per_page`,
/// `limit`, `offset`, `sort`): the app's own client leaves it out of a first request, and
/// a made-up value (a cursor it cannot decode) breaks the listing.
pub fn pages_or_sorts(name: &str) -> bool {
    matches!(
        spillcheck_core::vocab::normalize(name).as_str(),
        "cursor"
            | "nextcursor"
            | "page"
            | "pagetoken"
            | "nextpagetoken"
            | "pagesize"
            | "perpage"
            | "limit"
            | "offset"
            | "start"
            | "after"
            | "before"
            | "since"
            | "until"
            | "sort"
            | "sortby"
            | "order"
            | "orderby"
            | "direction"
            | "dir"
            | "marker"
    )
}

/// The default for a parameter with no example and no seen id.
pub fn default_value(p: &Param) -> String {
    match p.kind.as_deref() {
        Some("integer" | "number") => "1".into(),
        Some("boolean") => "true".into(),
        _ if p.name.to_ascii_lowercase().contains("id") => "1".into(),
        _ => "spillcheck".into(),
    }
}

/// Same-origin links in a JSON body: string values that are absolute paths, or URLs
/// under `base`.
pub fn links(body: &Value, base: &url::Url) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![body];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) if s.len() < 300 => {
                // `"POST /api/session"`: an index that names its operations.
                let s = match s.split_once(' ') {
                    Some((m, rest))
                        if matches!(m, "GET" | "POST" | "PUT" | "PATCH" | "DELETE")
                            && rest.starts_with('/') =>
                    {
                        rest.trim()
                    }
                    _ => s.as_str(),
                };
                let path = if s.starts_with('/') && !s.starts_with("//") {
                    Some(s.to_owned())
                } else if let Ok(u) = url::Url::parse(s) {
                    (u.origin() == base.origin()).then(|| u.path().to_owned())
                } else {
                    None
                };
                if let Some(p) = path {
                    // An RFC 6570 template keeps its query expression
                    // (`/api/prescriptions{?patient}`): see [`template_operation`].
                    let p = if p.contains("{?") || p.contains("{&") {
                        p
                    } else {
                        p.split(['?', '#']).next().unwrap_or("").to_owned()
                    };
                    if !p.contains(' ') && !out.contains(&p) && out.len() < 50 {
                        out.push(p);
                    }
                }
            }
            Value::Object(m) => stack.extend(m.values()),
            Value::Array(a) => stack.extend(a.iter().take(200)),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_code_moves_under_the_prefix_the_description_shows() {
        let op = |m: &str, p: &str| Operation::new(m, p, Origin::Source);
        let described = vec![
            op("POST", "/api/auth/login"),
            op("GET", "/api/file/{identifier}"),
            op("GET", "/api/profile/{login}"),
            op("GET", "/api/server"),
        ];
        let mut code = vec![
            op("POST", "/auth/login"),
            op("GET", "/file/{identifier}"),
            op("GET", "/profile/{name}"),
            op("GET", "/varz"),
        ];
        assert_eq!(
            align_to_described(&described, &mut code).as_deref(),
            Some("/api")
        );
        assert_eq!(code[0].path, "/api/auth/login");
        assert_eq!(code[3].path, "/api/varz");
        // A code whose routes already line up with the description stays as it is.
        let mut code = vec![
            op("POST", "/api/auth/login"),
            op("GET", "/file/{identifier}"),
        ];
        assert_eq!(align_to_described(&described, &mut code), None);
        // Two routes are no mount point.
        let mut code = vec![op("POST", "/auth/login"), op("GET", "/server")];
        assert_eq!(align_to_described(&described, &mut code), None);
    }

    #[test]
    fn a_role_the_description_restricts_an_operation_to() {
        let said = |xs: &[&str]| {
            super::described_restriction(&xs.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>())
        };
        for (xs, role) in [
            (
                &["Teachers only: wipe every student's progress"][..],
                "teacher",
            ),
            (
                &["Reset the demo fleet data (administrators)"][..],
                "administrator",
            ),
            (&["Only administrators may call this"][..], "administrator"),
            (&["Available only to staff"][..], "staff"),
            (&["Requires the admin role"][..], "admin"),
            (&["Moderator rights required"][..], "moderator"),
            (&["Restricted to managers."][..], "manager"),
            (&["reseed", "admin"][..], "admin"),
        ] {
            assert_eq!(said(xs).as_deref(), Some(role), "{xs:?}");
        }
        for xs in [
            &["List the admin users"][..],
            &["Owner only: edit your note"][..],
            &["Returns the staff directory"][..],
            &["Lists teachers of a course", "courses"][..],
            &["List teachers", "teachers"][..],
        ] {
            assert_eq!(said(xs), None, "{xs:?}");
        }
    }

    #[test]
    fn an_operation_described_as_seeding_the_database_is_a_side_effect() {
        let says = |xs: &[&str]| {
            super::described_side_effect(&xs.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>())
        };
        assert!(
            says(&[
                "api_views.main.populate_db",
                "Creates and populates the database with dummy data",
                "db-init"
            ])
            .is_some()
        );
        assert!(says(&["resetDatabase", "Resets the demo data"]).is_some());
        assert!(says(&["Drops every table"]).is_some());
        for fine in [
            &["get_books", "Retrieves all books"][..],
            &["reset_password", "Resets the caller's password"][..],
            &["create_book", "Creates a new book"][..],
            &["export_data", "Exports the caller's data"][..],
            &["get_config", "Returns the data the UI needs to initialize"][..],
        ] {
            assert!(says(fine).is_none(), "{fine:?}");
        }
    }

    use super::*;

    /// What the server writes is left out of a request body: `readOnly` properties, inline
    /// or behind a `$ref` (Flask-Smorest documents one schema for both directions).
    #[test]
    fn read_only_properties_are_not_sent() {
        let root = serde_json::json!({"components": {"schemas": {
            "Stamp": {"type": "string", "format": "date-time", "readOnly": true}}}});
        let root = root.as_object().unwrap();
        let schema = serde_json::json!({"type": "object", "properties": {
            "id": {"type": "string", "format": "uuid", "readOnly": true},
            "created_at": {"$ref": "#/components/schemas/Stamp"},
            "name": {"type": "string"}}});
        let v = example_for(root, &schema, 0);
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["name"]);
        assert_eq!(
            body_from_schema(root, "application/json", &schema)
                .properties
                .len(),
            3
        );
    }

    /// Every example built from a schema is valid against that schema (checked with a JSON
    /// Schema validator, formats included), for the constraints real APIs document.
    #[test]
    fn examples_satisfy_their_schemas() {
        let schemas = [
            serde_json::json!({"type": "object", "required": ["email", "password", "age", "plan", "tags"],
            "properties": {
                "email": {"type": "string", "format": "email"},
                "password": {"type": "string", "minLength": 12, "maxLength": 64},
                "username": {"type": "string", "pattern": "^[a-z][a-z0-9_]{2,15}$"},
                "code": {"type": "string", "pattern": "^[0-9]{5}$"},
                "country": {"type": "string", "pattern": "^[A-Z]{2}$", "maxLength": 2},
                "age": {"type": "integer", "minimum": 18, "maximum": 130},
                "ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 0.5},
                "quantity": {"type": "integer", "multipleOf": 5, "minimum": 3},
                "plan": {"type": "string", "enum": ["free", "pro"]},
                "born": {"type": "string", "format": "date"},
                "site": {"type": "string", "format": "uri"},
                "id": {"type": "string", "format": "uuid"},
                "tags": {"type": "array", "minItems": 2, "items": {"type": "string", "minLength": 3}},
                "nickname": {"type": ["string", "null"], "maxLength": 4},
                "address": {"allOf": [
                    {"type": "object", "properties": {"street": {"type": "string"}}},
                    {"type": "object", "properties": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}}}
                ]},
                "contact": {"oneOf": [{"type": "string", "format": "email"}, {"type": "integer"}]},
                "limit": {"type": "integer", "maximum": 50}
            }}),
            serde_json::json!({"type": "array", "items": {"type": "integer", "minimum": 10}}),
            serde_json::json!({"type": "string", "examples": ["given"]}),
        ];
        for schema in schemas {
            let root = Map::new();
            let v = example_for(&root, &schema, 0);
            let validator = jsonschema::options()
                .should_validate_formats(true)
                .build(&schema)
                .expect("schema compiles");
            let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{v} fails its schema: {errors:?}");
        }
        // The documented example wins; `examples` (OpenAPI 3.1) too.
        let root = Map::new();
        assert_eq!(
            example_for(
                &root,
                &serde_json::json!({"type": "string", "examples": ["given"]}),
                0
            ),
            "given"
        );
        // A bound gets room; an amount stays small.
        let v = example_for(
            &root,
            &serde_json::json!({"type": "object", "properties": {
            "card_limit": {"type": "number"}, "amount": {"type": "number"}}}),
            0,
        );
        assert_eq!(v["card_limit"], Value::from(100));
        assert_eq!(v["amount"], Value::from(1));
    }

    #[test]
    fn item_templates_of_a_collection() {
        assert!(item_of("/api/cards/{id}", "/api/cards"));
        assert!(item_of("/api/cards/{card_id}/", "/api/cards/"));
        assert!(!item_of("/api/cards/{id}/freeze", "/api/cards"));
        assert!(!item_of("/api/cards/{a}{b}", "/api/cards"));
        assert!(!item_of("/api/cardsx/{id}", "/api/cards"));
        assert!(!item_of("/api/cards", "/api/cards"));
    }

    #[test]
    fn dotted_fields_nest() {
        let b = body_from_fields(
            "application/json",
            &[
                ("article.title".into(), "string".into()),
                ("article.createdAt".into(), "date-time".into()),
                ("draft".into(), "boolean".into()),
            ],
        );
        assert_eq!(b.example["article"]["title"], Value::from("spillcheck"));
        assert_eq!(
            b.example["article"]["createdAt"],
            Value::from("2026-01-01T00:00:00+00:00")
        );
        assert_eq!(b.example["draft"], Value::Bool(false));
        assert_eq!(b.properties, ["title", "createdAt", "draft"]);
    }

    #[test]
    fn openapi3_and_swagger2() {
        let v3 = r##"{"openapi":"3.0.0","servers":[{"url":"http://x/api"}],
          "components":{"parameters":{"Id":{"name":"id","in":"path","required":true,"schema":{"type":"integer","example":7}}},
            "schemas":{"U":{"type":"object","properties":{"email":{"type":"string"},"age":{"type":"integer"}}}}},
          "security":[{"b":[]}],
          "paths":{"/items/{id}":{"parameters":[{"$ref":"#/components/parameters/Id"}],
             "get":{},"patch":{"security":[],"requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/U"}}}}}}}}"##;
        let ops = parse_openapi(v3).unwrap();
        assert_eq!(ops.len(), 2);
        assert_eq!(ops[0].path, "/api/items/{id}");
        assert_eq!(ops[0].params[0].example, Some(Value::from(7)));
        assert_eq!(ops[0].security, Security::Required(vec![]));
        assert!(ops[0].security_by_default);
        assert_eq!(ops[1].security, Security::Public);
        assert!(!ops[1].security_by_default);
        let body = ops[1].body.as_ref().unwrap();
        // A plain string named `email` gets an address (unique to the run, for registrations).
        assert!(
            body.example["email"]
                .as_str()
                .is_some_and(|e| e.ends_with("@example.com"))
        );
        assert_eq!(body.example["age"], 1);
        let v2 = "swagger: '2.0'\nbasePath: /v2\npaths:\n  /pets/{petId}:\n    get:\n      parameters:\n        - {name: petId, in: path, type: integer, required: true}\n        - {name: q, in: query, type: string}\n";
        let ops = parse_openapi(v2).unwrap();
        assert_eq!(ops[0].path, "/v2/pets/{petId}");
        assert_eq!(ops[0].params.len(), 2);
        assert_eq!(ops[0].params[0].kind.as_deref(), Some("integer"));
        assert!(parse_openapi("{\"x\":1}").is_err());
        assert!(parse_openapi(": : :").is_err());
    }

    #[test]
    fn a_deprecation_plan_from_the_description() {
        let doc = r#"{"openapi":"3.0.0","paths":{
          "/a":{"get":{"deprecated":true,"x-sunset":"2025-06-30"}},
          "/b":{"get":{"deprecated":true,"description":"Deprecated: use GET /file/{id}/download instead."}},
          "/c":{"get":{"deprecated":true,"summary":"Old search"}},
          "/d":{"get":{"description":"use the cache instead"}}}}"#;
        let ops = parse_openapi(doc).unwrap();
        let plan = |p: &str| &ops.iter().find(|o| o.path == p).unwrap().deprecation;
        assert_eq!(plan("/a").sunset.as_deref(), Some("2025-06-30"));
        assert!(plan("/a").ended("2026-12-03") && !plan("/a").ended("2025-06-29"));
        assert!(plan("/b").replacement && plan("/b").sunset.is_none());
        assert_eq!(*plan("/c"), Deprecation::default());
        // Only a deprecated operation has a plan.
        assert_eq!(*plan("/d"), Deprecation::default());
        assert!(
            !Deprecation {
                sunset: Some("soon".into()),
                replacement: false
            }
            .ended("2026-12-03")
        );
    }

    #[test]
    fn an_index_that_names_its_operations_gives_their_paths() {
        let base = url::Url::parse("http://127.0.0.1:5000/").unwrap();
        let got = links(
            &serde_json::json!({"auth": "POST /api/session", "docs": "/docs?x=1", "note": "GET me"}),
            &base,
        );
        assert!(got.contains(&"/api/session".to_owned()), "{got:?}");
        assert!(got.contains(&"/docs".to_owned()), "{got:?}");
        assert_eq!(got.len(), 2, "{got:?}");
    }

    #[test]
    fn ids_and_links() {
        let mut seen = SeenIds::default();
        seen.learn(
            "/api/notes",
            &serde_json::json!([{"id": 2, "title": "a"}, {"id": 3, "owner_id": 9}]),
        );
        assert_eq!(
            seen.candidates("note_id", "/api/notes/"),
            vec![Value::from(2), Value::from(3)]
        );
        assert_eq!(seen.candidates("owner_id", "/x/"), vec![Value::from(9)]);
        // The same collection under another prefix (a mirror, a training copy): its ids,
        // not those of another collection.
        assert_eq!(
            seen.candidates("note_id", "/api/training/notes/"),
            vec![Value::from(2), Value::from(3)]
        );
        assert!(
            seen.candidates("card_id", "/api/training/cards/")
                .is_empty()
        );
        // A login answer's natural keys, by the parameter's name in any spelling.
        seen.learn(
            "",
            &serde_json::json!({"accountNumber": "9807310575", "debug": {"username": "alice"}, "title": "x"}),
        );
        assert_eq!(
            seen.candidates("account_number", "/check_balance/"),
            vec![Value::from("9807310575")]
        );
        assert_eq!(
            seen.candidates("username", "/u/"),
            vec![Value::from("alice")]
        );
        // A field that is no id is a natural key only for a parameter of its name that
        // names its own collection (`/titles/{title}`), never an id parameter's value.
        assert_eq!(
            seen.candidates("title", "/titles/"),
            vec![Value::from("a"), Value::from("x")]
        );
        assert!(seen.candidates("title", "/vault/").is_empty());
        assert!(seen.candidates("debug_id", "/t/").is_empty());
        let base = url::Url::parse("http://127.0.0.1:5000/").unwrap();
        let l = links(
            &serde_json::json!({"next": "/api/notes?page=2", "o": "http://evil.test/x", "s": "http://127.0.0.1:5000/a/b"}),
            &base,
        );
        assert!(
            l.contains(&"/api/notes".to_owned()) && l.contains(&"/a/b".to_owned()) && l.len() == 2
        );
        assert_eq!(normalize_template("/a/{x}/b/"), "/a/{}/b");
    }
}

#[cfg(test)]
mod spec_page_tests {
    use super::spec_urls_in_page;

    #[test]
    fn documentation_pages_name_their_document() {
        let swagger = r##"var user_config = {"dom_id": "#swagger-ui", "url": "/static/openapi.json", "oauth2RedirectUrl": "http://127.0.0.1:5000/api/docs/oauth2-redirect.html"};"##;
        assert_eq!(
            spec_urls_in_page(swagger, "/api/docs/"),
            vec!["/static/openapi.json"]
        );
        let ui = r#"SwaggerUIBundle({ url: "swagger.yaml", dom_id: '#ui' })"#;
        assert_eq!(
            spec_urls_in_page(ui, "/api/docs/"),
            vec!["/api/docs/swagger.yaml"]
        );
        let redoc = r#"<redoc spec-url="http://localhost:8000/openapi.json"></redoc>"#;
        assert_eq!(spec_urls_in_page(redoc, "/redoc"), vec!["/openapi.json"]);
        // Another host is never fetched.
        let remote = r#"{"url": "https://petstore.swagger.io/v2/swagger.json"}"#;
        assert!(spec_urls_in_page(remote, "/docs").is_empty());
    }

    #[test]
    fn descriptions_are_looked_for_where_the_code_and_its_versions_say() {
        use super::{Operation, Origin, description_places};
        let code = vec![
            Operation::new("GET", "/v1/openapi.yaml", Origin::Source),
            Operation::new("GET", "/v3/orgs/{org}/plots", Origin::Source),
        ];
        let places = description_places(&code);
        assert_eq!(places[0], "/v1/openapi.yaml");
        assert!(places.contains(&"/openapi.json".to_owned()));
        assert!(places.contains(&"/v3/openapi.yaml".to_owned()));
        assert!(places.contains(&"/api/v2/swagger.json".to_owned()));
        // SpecTree's own place.
        assert!(places.contains(&"/apidoc/openapi.json".to_owned()));
        // A description's Basic scheme marks the operations under it.
        let spec = r#"{"openapi": "3.0.0", "components": {"securitySchemes": {"basicAuth": {"type": "http", "scheme": "basic"}, "key": {"type": "apiKey", "in": "header", "name": "Authorization"}}}, "paths": {"/v1/auth/keys": {"post": {"security": [{"basicAuth": []}]}}, "/v1/me": {"get": {"security": [{"key": []}]}}}}"#;
        let ops = super::parse_openapi(spec).unwrap();
        assert!(ops.iter().any(|o| o.path == "/v1/auth/keys" && o.basic));
        assert!(ops.iter().any(|o| o.path == "/v1/me" && !o.basic));
    }
}

#[cfg(test)]
mod example_path_tests {
    use super::*;

    #[test]
    fn query_parameters_named_after_a_collection_point_at_it() {
        let mut ops = vec![
            Operation::new("GET", "/api/docs", Origin::Seen),
            Operation::new("GET", "/api/categories", Origin::Seen),
            Operation::new("GET", "/api/comments", Origin::Seen),
        ];
        for name in ["doc", "category_id", "page", "owner", "q"] {
            ops[2].params.push(Param {
                name: name.into(),
                location: ParamIn::Query,
                example: None,
                kind: None,
                required: false,
                collection: None,
                pattern: None,
            });
        }
        name_collections(&mut ops);
        let of = |n: &str| {
            ops[2]
                .params
                .iter()
                .find(|p| p.name == n)
                .and_then(|p| p.collection.clone())
        };
        assert_eq!(of("doc").as_deref(), Some("/api/docs"));
        assert_eq!(of("category_id").as_deref(), Some("/api/categories"));
        // Pages, people and words that name no collection stay plain.
        assert_eq!((of("page"), of("owner"), of("q")), (None, None, None));
    }

    #[test]
    fn link_templates_are_operations() {
        let op = template_operation("/api/patients/{code}").unwrap();
        assert_eq!(
            (op.path.as_str(), op.params.len()),
            ("/api/patients/{code}", 1)
        );
        let op = template_operation("/api/appointments{?patient,day}").unwrap();
        assert_eq!(op.path, "/api/appointments");
        let names: Vec<&str> = op.params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["patient", "day"]);
        assert!(
            op.params
                .iter()
                .all(|p| p.location == ParamIn::Query && !p.required)
        );
        assert!(template_operation("/api/patients").is_none());
        assert!(template_operation("/api/x{+path}").is_none());
        // The link keeps its query expression; a plain query is cut as before.
        let base = url::Url::parse("http://127.0.0.1:5000/").unwrap();
        let links = links(
            &serde_json::json!({"a": {"href": "/api/rx{?patient}"}, "b": "/api/rx?x=1"}),
            &base,
        );
        assert!(
            links.contains(&"/api/rx{?patient}".to_owned())
                && links.contains(&"/api/rx".to_owned())
        );
    }

    #[test]
    fn records_are_keyed_by_what_their_own_link_ends_with() {
        let mut seen = SeenIds::default();
        seen.learn(
            "/api/appointments",
            &serde_json::json!({"appointments": [{"code": "AP-A1F3", "day": "2026-12-10",
                "_links": {"self": {"href": "/api/appointments/AP-A1F3"}}}]}),
        );
        assert_eq!(seen.listed("/api/appointments"), [Value::from("AP-A1F3")]);
        assert_eq!(seen.candidates("code", "/api/x"), [Value::from("AP-A1F3")]);
    }

    #[test]
    fn records_without_an_id_are_keyed_by_their_slug() {
        let mut seen = SeenIds::default();
        seen.learn(
            "/api/docs",
            &serde_json::json!({"result": [{"slug": "d_8fk2a", "folder": "f_1"}]}),
        );
        assert_eq!(seen.listed("/api/docs"), [Value::from("d_8fk2a")]);
    }

    #[test]
    fn keys_of_a_nested_object_name_its_parameters() {
        // `{team_slug}` takes the caller's team's `slug` of `/me`.
        let mut seen = SeenIds::default();
        seen.learn(
            "/me",
            &serde_json::json!({"id": "u1", "team": {"slug": "northwind", "name": "N"}}),
        );
        assert_eq!(
            seen.candidates("team_slug", "/team"),
            [Value::from("northwind")]
        );
        assert!(!seen.candidates("slug", "/x").is_empty());
    }

    #[test]
    fn forms_are_sent_to_a_concrete_path() {
        let spec = r#"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {
            "/api/v{version}/reset-password": {"post": {"parameters": [{"name": "version",
            "in": "path", "required": true, "schema": {"type": "integer", "enum": [1, 2, 3],
            "default": 3}}], "responses": {"200": {"description": "ok"}}}}}}"#;
        let ops = parse_openapi(spec).unwrap();
        assert_eq!(ops[0].example_path(), "/api/v3/reset-password");
        let plain = Operation::new("POST", "/login", Origin::Source);
        assert_eq!(plain.example_path(), "/login");
        // The template folds into the concrete route the code serves for its example.
        let mut all = ops.clone();
        all.push(Operation::new(
            "POST",
            "/api/v3/reset-password",
            Origin::Source,
        ));
        all.push(Operation::new(
            "POST",
            "/api/v1/reset-password",
            Origin::Source,
        ));
        fold_versioned(&mut all);
        let paths: Vec<&str> = all.iter().map(|o| o.path.as_str()).collect();
        assert_eq!(
            paths,
            vec!["/api/v3/reset-password", "/api/v1/reset-password"]
        );
        // Without a concrete route it stays.
        let mut alone = ops;
        fold_versioned(&mut alone);
        assert_eq!(alone.len(), 1);
    }
}

/// Roles an API's documentation restricts operations to, singular.
const ROLES: &[&str] = &[
    "admin",
    "administrator",
    "staff",
    "superuser",
    "teacher",
    "instructor",
    "moderator",
    "manager",
    "operator",
    "supervisor",
];

/// The role an operation's description (its summary, description and tags) restricts it
/// to: "Teachers only: …", "only administrators may …", "Reset the demo data
/// (administrators)", "requires the admin role", "restricted to staff", a tag that is a
/// role (`admin`). Never the caller's own objects ("owner only").
pub(crate) fn described_restriction(said: &[String]) -> Option<String> {
    let role_of = |w: &str| -> Option<&'static str> {
        let w = w.strip_suffix('s').unwrap_or(w);
        ROLES.iter().copied().find(|r| *r == w)
    };
    // A tag that names the administrators (`admin`, `administration`); a tag named after
    // another role (`teachers`) groups the operations about them.
    if said.iter().any(|s| {
        matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "admin"
                | "admins"
                | "administration"
                | "administrator"
                | "administrators"
                | "admin-only"
                | "admin_only"
                | "superuser"
        )
    }) {
        return Some("admin".to_owned());
    }
    for s in said {
        let text = s.to_ascii_lowercase();
        // "(administrators)", "(teachers only)".
        for part in text.split('(').skip(1) {
            let inside = part.split(')').next().unwrap_or("").trim();
            let inside = inside.strip_suffix(" only").unwrap_or(inside);
            if let Some(r) = role_of(inside) {
                return Some(r.to_owned());
            }
        }
        let words: Vec<&str> = text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        for (i, w) in words.iter().enumerate() {
            let Some(r) = role_of(w) else { continue };
            let next = words.get(i + 1).copied();
            let before = |k: usize| i.checked_sub(k).and_then(|j| words.get(j)).copied();
            // "teachers only", "only administrators", "only for / by / to staff",
            // "restricted to admins", "requires the admin role", "admin rights required".
            let only_after = next == Some("only");
            let only_before = before(1) == Some("only")
                || before(2) == Some("only") && matches!(before(1), Some("for" | "by" | "to"));
            let restricted = before(2) == Some("restricted") && before(1) == Some("to");
            let requires = (1..=3)
                .any(|k| matches!(before(k), Some("requires" | "require" | "requiring")))
                && matches!(
                    next,
                    Some(
                        "role" | "rights" | "privileges" | "permission" | "permissions" | "access"
                    )
                )
                || matches!(
                    next,
                    Some(
                        "role" | "rights" | "privileges" | "permission" | "permissions" | "access"
                    )
                ) && words.get(i + 2).copied() == Some("required");
            if only_after || only_before || restricted || requires {
                return Some(r.to_owned());
            }
        }
    }
    None
}

/// A side effect an operation's description names (its operationId, summary, description
/// and tags): it seeds, resets or drops the data (`populate_db`, "Creates and populates the
/// database with dummy data", "Resets the database", a `db-init` tag).
pub(crate) fn described_side_effect(said: &[String]) -> Option<&'static str> {
    let text = said.join(" ").to_ascii_lowercase();
    let words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    // One word for both (`populatedb`, `createdb`, `resetdb`).
    let db_command = words.iter().any(|w| {
        w.len() > 2
            && w.ends_with("db")
            && ["create", "init", "populate", "reset", "drop", "seed"]
                .iter()
                .any(|a| w.starts_with(a))
    });
    // A verb of seeding or wiping next to what it acts on ("populates the database with
    // dummy data", "Drops every table"), within a few words: "Returns the data the UI
    // needs to initialize" is a read. `init`/`initialize` count only for a database.
    let store = |w: &str| {
        matches!(
            w,
            "db" | "database" | "databases" | "table" | "tables" | "schema"
        )
    };
    let strong = |w: &str| {
        matches!(
            w,
            "populate"
                | "populates"
                | "seed"
                | "seeds"
                | "reset"
                | "resets"
                | "drop"
                | "drops"
                | "wipe"
                | "wipes"
                | "truncate"
                | "truncates"
                | "recreate"
                | "recreates"
                | "reinitialize"
                | "reinitializes"
        )
    };
    let weak = |w: &str| matches!(w, "init" | "initialize" | "initializes" | "initialise");
    let near = |i: usize, what: &dyn Fn(&str) -> bool| {
        words[i.saturating_sub(1)..(i + 5).min(words.len())]
            .iter()
            .any(|w| what(w))
    };
    let acts = words.iter().enumerate().any(|(i, w)| {
        strong(w) && near(i, &|x| store(x) || x == "data") || weak(w) && near(i, &store)
    });
    if db_command || acts {
        return Some("resets or seeds data");
    }
    // "Sign out", "Log out of every device", `logout`: ends the caller's session.
    let ends_session = words.windows(2).any(|w| {
        matches!(w[0], "sign" | "log" | "logs" | "signs") && matches!(w[1], "out" | "off")
    }) || words
        .iter()
        .any(|w| matches!(*w, "logout" | "signout" | "logoff"));
    if ends_session {
        return Some("ends the session");
    }
    // "Archive the board", `boards.archive`: the object leaves every listing and read that
    // skips archived ones. The verb leads a sentence (not "Browse the archive"), or is a
    // word of an operationId.
    said.iter()
        .any(|s| {
            s.to_ascii_lowercase()
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .enumerate()
                .any(|(i, w)| {
                    matches!(w, "archive" | "archives" | "unarchive")
                        && (i == 0 || !s.contains(' '))
                })
        })
        .then_some("archives data")
}
