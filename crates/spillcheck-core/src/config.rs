//! Configuration: `[tool.spillcheck]` in `pyproject.toml`, or `spillcheck.toml`
//! (same keys, at top level). Keys are kebab-case; snake_case spellings are accepted.
//! An unknown key is an error that names it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::Error;
use crate::catalog::Catalog;
use crate::finding::Finding;
use crate::severity::Severity;

/// The user's configuration, as written.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Rules to run (ids, slugs, prefixes such as `SC1`, or `ALL`). Default: all.
    pub select: Option<Vec<String>>,
    /// Rules to skip, applied after `select`.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Rules to add to `select` (or to the default of all).
    #[serde(default, alias = "extend_select")]
    pub extend_select: Vec<String>,
    /// Severity overrides: `{ SC222 = "info" }`.
    #[serde(default, alias = "severity_overrides", alias = "severity-overrides")]
    pub severity: BTreeMap<String, Severity>,
    /// Glob patterns of paths to leave out of the code analysis (`tests/**`, `migrations/*`).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Extra decorator names that authenticate a route (`my_auth.required`).
    #[serde(default, alias = "auth_decorators")]
    pub auth_decorators: Vec<String>,
    /// Routes that are public by design (`/health`, `GET /api/catalog/*`): no auth findings.
    #[serde(default, alias = "public_routes")]
    pub public_routes: Vec<String>,
    /// Default for `--fail-under`.
    #[serde(default, alias = "fail_under")]
    pub fail_under: Option<u8>,
    /// Default for `--fail-on`.
    #[serde(default, alias = "fail_on")]
    pub fail_on: Option<Severity>,
    /// Default for `--confidence`: the least sure findings reported (`possible`, `likely`,
    /// `confirmed`). Default `likely`.
    #[serde(default)]
    pub confidence: Option<crate::severity::Confidence>,
    /// Where the configuration was read from, when it was.
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

/// Which rules are enabled, resolved against the catalog.
#[derive(Debug, Clone, Default)]
pub struct RuleSelection {
    enabled: BTreeSet<&'static str>,
    severity: BTreeMap<&'static str, Severity>,
}

impl RuleSelection {
    /// Whether a rule runs and its findings are kept.
    pub fn is_enabled(&self, rule_id: &str) -> bool {
        self.enabled.contains(rule_id)
    }

    /// Drops findings of disabled rules and applies severity overrides.
    pub fn apply(&self, findings: &mut Vec<Finding>) {
        findings.retain(|f| self.is_enabled(&f.rule_id));
        for f in findings {
            if let Some(&s) = self.severity.get(f.rule_id.as_str()) {
                f.severity = s;
            }
        }
    }
}

#[derive(Deserialize)]
struct PyProject {
    tool: Option<Tools>,
}

#[derive(Deserialize)]
struct Tools {
    spillcheck: Option<toml::Value>,
}

impl Config {
    /// Reads a configuration file: `pyproject.toml` (its `[tool.spillcheck]` table) or
    /// any other TOML file holding the keys at top level.
    pub fn read(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
        let mut config = if is_pyproject {
            Config::from_pyproject(&text)
                .map_err(|message| Error::Config {
                    path: path.to_owned(),
                    message,
                })?
                .unwrap_or_default()
        } else {
            toml::from_str::<Config>(&text).map_err(|e| Error::Config {
                path: path.to_owned(),
                message: one_line(&e.to_string()),
            })?
        };
        config.source = Some(path.to_owned());
        Ok(config)
    }

    /// The `[tool.spillcheck]` table of a pyproject.toml, if it has one.
    fn from_pyproject(text: &str) -> Result<Option<Config>, String> {
        let doc: PyProject = toml::from_str(text).map_err(|e| one_line(&e.to_string()))?;
        let Some(table) = doc.tool.and_then(|t| t.spillcheck) else {
            return Ok(None);
        };
        table
            .try_into::<Config>()
            .map(Some)
            .map_err(|e| format!("[tool.spillcheck]: {}", one_line(&e.to_string())))
    }

    /// Finds the configuration for `start` (a file or folder): the nearest
    /// `spillcheck.toml`, `.spillcheck.toml`, or `pyproject.toml` with a
    /// `[tool.spillcheck]` table, in it or its ancestors.
    pub fn discover(start: &Path) -> Result<Option<Config>, Error> {
        let start = if start.is_file() {
            start.parent().unwrap_or(start)
        } else {
            start
        };
        let start = start.canonicalize().unwrap_or_else(|_| start.to_owned());
        for dir in start.ancestors() {
            for name in ["spillcheck.toml", ".spillcheck.toml"] {
                let candidate = dir.join(name);
                if candidate.is_file() {
                    return Config::read(&candidate).map(Some);
                }
            }
            let pyproject = dir.join("pyproject.toml");
            if pyproject.is_file() {
                let text = std::fs::read_to_string(&pyproject).map_err(|source| Error::Io {
                    path: pyproject.clone(),
                    source,
                })?;
                if text.contains("tool.spillcheck") {
                    return Config::read(&pyproject).map(Some);
                }
            }
        }
        Ok(None)
    }

    /// Resolves `select`/`ignore`/`severity` (plus command-line additions) against the
    /// catalog. An unknown rule anywhere is an error naming it.
    pub fn selection(
        &self,
        catalog: &Catalog,
        cli_select: &[String],
        cli_ignore: &[String],
    ) -> Result<RuleSelection, Error> {
        let origin = |what: &str| match &self.source {
            Some(p) => format!("{}: `{what}`", p.display()),
            None => format!("`{what}`"),
        };
        let mut enabled: BTreeSet<&'static str> = BTreeSet::new();
        let select: Vec<(String, String)> = if !cli_select.is_empty() {
            cli_select
                .iter()
                .map(|s| (s.clone(), "--select".to_owned()))
                .collect()
        } else if let Some(sel) = &self.select {
            sel.iter().map(|s| (s.clone(), origin("select"))).collect()
        } else {
            vec![("ALL".to_owned(), String::new())]
        };
        for (name, from) in &select {
            enabled.extend(catalog.resolve(name, from)?);
        }
        for name in &self.extend_select {
            enabled.extend(catalog.resolve(name, &origin("extend-select"))?);
        }
        for name in &self.ignore {
            for id in catalog.resolve(name, &origin("ignore"))? {
                enabled.remove(id);
            }
        }
        for name in cli_ignore {
            for id in catalog.resolve(name, "--ignore")? {
                enabled.remove(id);
            }
        }
        let mut severity = BTreeMap::new();
        for (name, &s) in &self.severity {
            for id in catalog.resolve(name, &origin("severity"))? {
                severity.insert(id, s);
            }
        }
        Ok(RuleSelection { enabled, severity })
    }

    /// The compiled `exclude` globs. A pattern without a `/` matches at any depth.
    pub fn exclude_set(&self) -> Result<GlobSet, Error> {
        let mut builder = GlobSetBuilder::new();
        for pattern in &self.exclude {
            let bad =
                |e: globset::Error| Error::Invalid(format!("exclude pattern `{pattern}`: {e}"));
            builder.add(Glob::new(pattern).map_err(bad)?);
            if !pattern.contains('/') {
                builder.add(Glob::new(&format!("**/{pattern}")).map_err(bad)?);
                builder.add(Glob::new(&format!("**/{pattern}/**")).map_err(bad)?);
            }
        }
        builder
            .build()
            .map_err(|e| Error::Invalid(format!("exclude patterns: {e}")))
    }
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_named() {
        let err = toml::from_str::<Config>("selct = [\"SC1\"]")
            .unwrap_err()
            .to_string();
        assert!(err.contains("selct"), "{err}");
    }

    #[test]
    fn pyproject_table_and_aliases() {
        let text = "[project]\nname='x'\n[tool.spillcheck]\nignore=['SC222']\npublic_routes=['/health']\nfail-under = 80\n";
        let c = Config::from_pyproject(text).unwrap().unwrap();
        assert_eq!(c.ignore, vec!["SC222"]);
        assert_eq!(c.public_routes, vec!["/health"]);
        assert_eq!(c.fail_under, Some(80));
        assert!(
            Config::from_pyproject("[project]\nname='x'\n")
                .unwrap()
                .is_none()
        );
        let err = Config::from_pyproject("[tool.spillcheck]\nbogus = 1\n").unwrap_err();
        assert!(
            err.contains("bogus") && err.contains("tool.spillcheck"),
            "{err}"
        );
    }

    #[test]
    fn exclude_globs() {
        let c = Config {
            exclude: vec!["tests".into(), "migrations/*.py".into()],
            ..Config::default()
        };
        let set = c.exclude_set().unwrap();
        assert!(set.is_match("app/tests/test_a.py"));
        assert!(set.is_match("migrations/0001.py"));
        assert!(!set.is_match("app/views.py"));
    }
}

/// The `public-routes` patterns compiled: `"/health"`, `"GET /api/catalog/*"` (`*` matches
/// anything, the method is optional). Shared by the code model and the probe.
#[derive(Debug, Clone, Default)]
pub struct PublicRoutes(Vec<(Option<String>, regex::Regex)>);

impl PublicRoutes {
    /// Compiles the patterns (ones that do not compile are skipped).
    pub fn new(patterns: &[String]) -> PublicRoutes {
        PublicRoutes(
            patterns
                .iter()
                .filter_map(|p| {
                    let (method, path) = match p.trim().split_once(' ') {
                        Some((m, rest)) => (Some(m.to_ascii_uppercase()), rest.trim()),
                        None => (None, p.trim()),
                    };
                    let escaped = regex::escape(path).replace(r"\*", ".*");
                    regex::Regex::new(&format!("^{escaped}$"))
                        .ok()
                        .map(|r| (method, r))
                })
                .collect(),
        )
    }

    /// Whether `method path` is public.
    pub fn matches(&self, method: &str, path: &str) -> bool {
        self.0.iter().any(|(m, r)| {
            m.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method)) && r.is_match(path)
        })
    }
}

#[cfg(test)]
mod public_tests {
    use super::PublicRoutes;

    #[test]
    fn public_route_patterns() {
        let p = PublicRoutes::new(&["/health".into(), "GET /api/catalog/*".into()]);
        assert!(p.matches("POST", "/health"));
        assert!(p.matches("get", "/api/catalog/x/y"));
        assert!(!p.matches("DELETE", "/api/catalog/x"));
        assert!(!p.matches("GET", "/healthz"));
    }
}
