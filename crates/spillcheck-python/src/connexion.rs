//! Connexion applications: routes come from an OpenAPI/Swagger document whose
//! `operationId`s name the Python handlers, and authentication from the document's
//! `security` requirements and the schemes' `x-bearerInfoFunc`/`x-tokenInfoFunc`
//! (or `x-basicInfoFunc`, `x-apikeyInfoFunc`).

use serde_json::Value;

use crate::model::{PathParam, RouteAuth};

/// One operation of a spec, with what the model needs to make a route of it.
#[derive(Debug, Clone)]
pub(crate) struct SpecOperation {
    pub method: String,
    pub path: String,
    pub params: Vec<PathParam>,
    /// `module.function` (after `x-openapi-router-controller`).
    pub operation_id: String,
    pub auth: RouteAuth,
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

/// Parses a JSON or YAML text into a spec, if it is an OpenAPI 3 or Swagger 2 document
/// with operation ids. Anything else (or unparsable) is `None`.
pub(crate) fn parse_spec(text: &str, yaml: bool) -> Option<Value> {
    if !text.contains("operationId") {
        return None;
    }
    let value: Value = if yaml {
        serde_norway::from_str(text).ok()?
    } else {
        serde_json::from_str(text).ok()?
    };
    (value.get("openapi").is_some() || value.get("swagger").is_some()).then_some(value)
}

fn schemes(spec: &Value) -> Option<&serde_json::Map<String, Value>> {
    spec.pointer("/components/securitySchemes")
        .or_else(|| spec.get("securityDefinitions"))
        .and_then(Value::as_object)
}

/// How a security requirement list authenticates, if it does.
fn auth_of(requirements: Option<&Value>, spec: &Value) -> RouteAuth {
    let Some(list) = requirements.and_then(Value::as_array) else {
        return RouteAuth::None;
    };
    // `security: []` or a list holding `{}` means anonymous access is allowed.
    if list.is_empty()
        || list
            .iter()
            .any(|r| r.as_object().is_some_and(serde_json::Map::is_empty))
    {
        return RouteAuth::None;
    }
    let names: Vec<&str> = list
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|o| o.keys().map(String::as_str))
        .collect();
    let func = names.iter().find_map(|n| {
        let scheme = schemes(spec)?.get(*n)?;
        [
            "x-bearerInfoFunc",
            "x-tokenInfoFunc",
            "x-basicInfoFunc",
            "x-apikeyInfoFunc",
        ]
        .iter()
        .find_map(|k| scheme.get(*k).and_then(Value::as_str))
        .map(str::to_owned)
    });
    let name = match func {
        Some(f) => format!("openapi security `{}` ({f})", names.join("`, `")),
        None => format!("openapi security `{}`", names.join("`, `")),
    };
    RouteAuth::Decorator { name }
}

/// The path prefix of a spec: Swagger `basePath` or the path of the first OpenAPI server URL.
fn base_path(spec: &Value) -> String {
    if let Some(b) = spec.get("basePath").and_then(Value::as_str) {
        return b.trim_end_matches('/').to_owned();
    }
    let url = spec
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => url,
    };
    path.trim_end_matches('/').to_owned()
}

/// Every operation with an `operationId`.
pub(crate) fn operations(spec: &Value, base_override: Option<&str>) -> Vec<SpecOperation> {
    let base =
        base_override.map_or_else(|| base_path(spec), |b| b.trim_end_matches('/').to_owned());
    let global = spec.get("security");
    let mut out = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let controller = item
            .get("x-openapi-router-controller")
            .and_then(Value::as_str);
        let shared_params = item.get("parameters");
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let Some(op_id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let controller = op
                .get("x-openapi-router-controller")
                .and_then(Value::as_str)
                .or(controller);
            let operation_id = match controller {
                Some(c) if !op_id.contains('.') => format!("{c}.{op_id}"),
                _ => op_id.to_owned(),
            };
            let mut params = Vec::new();
            for list in [shared_params, op.get("parameters")].into_iter().flatten() {
                for p in list.as_array().into_iter().flatten() {
                    if p.get("in").and_then(Value::as_str) != Some("path") {
                        continue;
                    }
                    let Some(name) = p.get("name").and_then(Value::as_str) else {
                        continue;
                    };
                    let ty = p
                        .pointer("/schema/type")
                        .or_else(|| p.get("type"))
                        .and_then(Value::as_str)
                        .unwrap_or("string");
                    let converter = match ty {
                        "integer" => "int",
                        _ if p.pointer("/schema/format").and_then(Value::as_str)
                            == Some("uuid") =>
                        {
                            "uuid"
                        }
                        _ => "string",
                    };
                    params.push(PathParam {
                        name: name.to_owned(),
                        converter: converter.to_owned(),
                    });
                }
            }
            out.push(SpecOperation {
                method: method.to_ascii_uppercase(),
                path: format!("{base}{path}"),
                params,
                operation_id,
                auth: auth_of(op.get("security").or(global), spec),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_operations_and_security() {
        let yaml = "openapi: 3.0.0\nservers: [{url: 'http://x/api/v1'}]\nsecurity: [{jwt: []}]\ncomponents:\n  securitySchemes:\n    jwt: {type: http, scheme: bearer, x-bearerInfoFunc: app.auth.decode_token}\npaths:\n  /notes/{note_id}:\n    get:\n      operationId: app.notes.get_note\n      parameters: [{name: note_id, in: path, schema: {type: integer}}]\n  /health:\n    get:\n      operationId: app.meta.health\n      security: []\n";
        let spec = parse_spec(yaml, true).unwrap();
        let ops = operations(&spec, None);
        assert_eq!(ops.len(), 2);
        let note = ops
            .iter()
            .find(|o| o.path == "/api/v1/notes/{note_id}")
            .unwrap();
        assert_eq!(note.params[0].converter, "int");
        assert!(
            matches!(&note.auth, RouteAuth::Decorator { name } if name.contains("decode_token"))
        );
        let health = ops.iter().find(|o| o.path == "/api/v1/health").unwrap();
        assert_eq!(health.auth, RouteAuth::None);
        assert!(parse_spec("{\"openapi\": \"3.0.0\"}", false).is_none());
        assert!(parse_spec("operationId: [unclosed", true).is_none());
    }
}
