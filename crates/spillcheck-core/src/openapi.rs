//! Reading an API description: one reader of OpenAPI 3.x and Swagger 2.0 documents (JSON or
//! YAML) for the code analysis (Connexion apps route through their spec) and the probe
//! (discovery, the inventory).

use serde_json::{Map, Value};

/// A parsed OpenAPI 3.x or Swagger 2.0 document.
#[derive(Debug, Clone)]
pub struct Spec {
    doc: Value,
    swagger2: bool,
}

impl Spec {
    /// Parses a JSON or YAML text; an error says in one line why it is no API description.
    pub fn parse(text: &str) -> Result<Spec, String> {
        let doc: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(_) => serde_norway::from_str(text).map_err(|e| {
                let e = e.to_string();
                format!("not JSON or YAML: {}", e.lines().next().unwrap_or(&e))
            })?,
        };
        let Some(root) = doc.as_object() else {
            return Err("the document is not an object".into());
        };
        let version = |key: &str, major: char| {
            root.get(key)
                .and_then(Value::as_str)
                .is_some_and(|v| v.starts_with(major))
        };
        let swagger2 = version("swagger", '2');
        if !swagger2 && !version("openapi", '3') {
            return Err("neither `openapi: 3.x` nor `swagger: 2.0`".into());
        }
        Ok(Spec { doc, swagger2 })
    }

    /// The document's top-level object.
    pub fn root(&self) -> &Map<String, Value> {
        self.doc.as_object().expect("checked by parse")
    }

    /// The document as a value.
    pub fn value(&self) -> &Value {
        &self.doc
    }

    /// Swagger 2.0 (else OpenAPI 3.x).
    pub fn is_swagger2(&self) -> bool {
        self.swagger2
    }

    /// The path every operation's path is relative to: Swagger's `basePath`, or the path of
    /// the first OpenAPI server URL; empty when that path holds a variable (`/{basePath}`).
    pub fn base_path(&self) -> String {
        let root = self.root();
        let path = if self.swagger2 {
            root.get("basePath").and_then(Value::as_str).unwrap_or("")
        } else {
            let url = root
                .get("servers")
                .and_then(Value::as_array)
                .and_then(|s| s.first())
                .and_then(|s| s.get("url"))
                .and_then(Value::as_str)
                .unwrap_or("");
            // Only the path part of a server URL matters: the probe's target is the origin.
            match url.find("://") {
                Some(i) => url[i + 3..].find('/').map_or("", |j| &url[i + 3 + j..]),
                None => url,
            }
        };
        if path.contains('{') {
            return String::new();
        }
        path.trim_end_matches('/').to_owned()
    }

    /// `value`, or what its local `$ref` (`#/components/...`) points to, a few levels deep.
    pub fn resolve<'a>(&'a self, value: &'a Value) -> Option<&'a Value> {
        resolve(self.root(), value)
    }
}

/// Follows a local `$ref` (`#/components/...`) from `value` in the document `root`, a few
/// levels deep; `None` when it points nowhere (or loops).
pub fn resolve<'a>(root: &'a Map<String, Value>, mut value: &'a Value) -> Option<&'a Value> {
    for _ in 0..8 {
        let Some(r) = value.get("$ref").and_then(Value::as_str) else {
            return Some(value);
        };
        let pointer = r.strip_prefix('#')?;
        let mut cur: Option<&Value> = None;
        for part in pointer.split('/').filter(|p| !p.is_empty()) {
            let part = part.replace("~1", "/").replace("~0", "~");
            cur = match cur {
                None => root.get(&part),
                Some(v) => v.get(&part),
            };
            cur?;
        }
        value = cur?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::Spec;

    #[test]
    fn versions_base_paths_and_refs() {
        let s = Spec::parse("swagger: '2.0'\nbasePath: /api/v1/\npaths: {}\n").unwrap();
        assert!(s.is_swagger2());
        assert_eq!(s.base_path(), "/api/v1");
        let s = Spec::parse(
            r##"{"openapi": "3.1.0", "servers": [{"url": "https://x.test/v2/"}],
                 "components": {"parameters": {"Id": {"name": "id", "in": "path"}}},
                 "paths": {"/a/{id}": {"parameters": [{"$ref": "#/components/parameters/Id"}]}}}"##,
        )
        .unwrap();
        assert_eq!(s.base_path(), "/v2");
        let p = &s.value()["paths"]["/a/{id}"]["parameters"][0];
        assert_eq!(s.resolve(p).unwrap()["name"], "id");
        let templated = Spec::parse(
            r#"{"openapi": "3.0.0", "servers": [{"url": "/{basePath}"}], "paths": {}}"#,
        )
        .unwrap();
        assert_eq!(templated.base_path(), "");
        assert!(Spec::parse(r#"{"swagger": "1.2"}"#).is_err());
        assert!(Spec::parse("[1, 2]").is_err());
        assert!(
            Spec::parse("a: [")
                .unwrap_err()
                .starts_with("not JSON or YAML")
        );
    }
}
