//! Connexion applications: routes come from an OpenAPI/Swagger document whose
//! `operationId`s name the Python handlers, and authentication from the document's
//! `security` requirements and the schemes' `x-bearerInfoFunc`/`x-tokenInfoFunc`
//! (or `x-basicInfoFunc`, `x-apikeyInfoFunc`).

use serde_json::Value;
use spillcheck_core::openapi::Spec;

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
/// with operation ids (the shared reader, `spillcheck_core::openapi`). Anything else (or
/// unparsable) is `None`.
pub(crate) fn parse_spec(text: &str) -> Option<Spec> {
    if !text.contains("operationId") {
        return None;
    }
    Spec::parse(text).ok()
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

/// The functions the security schemes name (`x-bearerInfoFunc: app.auth.decode_token`):
/// Connexion calls each with the credential the request carries, the bearer token first.
pub(crate) fn info_functions(doc: &Spec) -> Vec<String> {
    schemes(doc.value())
        .into_iter()
        .flat_map(|m| m.values())
        .flat_map(|scheme| {
            [
                "x-bearerInfoFunc",
                "x-tokenInfoFunc",
                "x-basicInfoFunc",
                "x-apikeyInfoFunc",
            ]
            .iter()
            .filter_map(|k| scheme.get(*k).and_then(Value::as_str).map(str::to_owned))
        })
        .collect()
}

/// Every operation with an `operationId`.
pub(crate) fn operations(doc: &Spec, base_override: Option<&str>) -> Vec<SpecOperation> {
    let base =
        base_override.map_or_else(|| doc.base_path(), |b| b.trim_end_matches('/').to_owned());
    let spec = doc.value();
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
                    // `{"$ref": "#/components/parameters/NoteId"}`
                    let Some(p) = doc.resolve(p) else { continue };
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
        let spec = parse_spec(yaml).unwrap();
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
        assert_eq!(info_functions(&spec), ["app.auth.decode_token"]);
        let health = ops.iter().find(|o| o.path == "/api/v1/health").unwrap();
        assert_eq!(health.auth, RouteAuth::None);
        assert!(parse_spec("{\"openapi\": \"3.0.0\"}").is_none());
        // A path parameter defined once under components and referenced.
        let shared = "openapi: 3.0.0\ncomponents:\n  parameters:\n    NoteId: {name: note_id, in: path, schema: {type: integer}}\npaths:\n  /notes/{note_id}:\n    parameters: [{$ref: '#/components/parameters/NoteId'}]\n    get: {operationId: app.notes.get_note}\n";
        let ops = operations(&parse_spec(shared).unwrap(), None);
        assert_eq!(ops[0].params[0].converter, "int");
        assert!(parse_spec("operationId: [unclosed").is_none());
    }
}
