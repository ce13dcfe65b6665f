//! The API inventory's inputs from the CLI's side: the code analysis' routes as the
//! inventory sees them, the API descriptions committed with a project, and the step that
//! adds the inventory rules' findings to a run.

use std::path::{Path, PathBuf};

use spillcheck_core::{Diagnostic, DiagnosticLevel, Finding, Location};
use spillcheck_http::discovery::{Operation, parse_openapi};
use spillcheck_http::inventory::{CodeAuth, CodeRoute, Inventory};
use spillcheck_python::{OwnerCheck, Route};

/// Where a route's handler is defined (no code frame).
pub(crate) fn handler_location(r: &Route) -> Location {
    Location {
        path: r.file.clone(),
        line: r.line,
        column: 1,
        end_line: None,
        end_column: None,
        snippet: None,
    }
}

/// The code's routes, one per method.
pub(crate) fn code_routes(routes: &[Route]) -> Vec<CodeRoute> {
    let mut out = Vec::new();
    for r in routes {
        let auth = match r.auth.declared() {
            Some(true) => CodeAuth::Required,
            Some(false) => CodeAuth::Public,
            None => CodeAuth::Open,
        };
        let owner_checked = match r.owner_check {
            OwnerCheck::Checked => Some(true),
            OwnerCheck::Missing => Some(false),
            _ => None,
        };
        for m in &r.methods {
            out.push(CodeRoute {
                method: m.clone(),
                path: r.path.clone(),
                auth,
                owner_checked,
                relay: r.relay,
                location: Some(handler_location(r)),
            });
        }
    }
    out
}

/// Whether a file is an API description by its name: `openapi` or `swagger`, `.json`,
/// `.yaml` or `.yml`.
fn is_description(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let name = name.to_ascii_lowercase();
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    matches!(ext, "json" | "yaml" | "yml") && matches!(stem, "openapi" | "swagger")
}

/// The operations of the API descriptions committed under `paths` (test folders and
/// excluded paths skipped); `None` when there is none. Unreadable ones are diagnostics.
pub(crate) fn committed_descriptions(
    paths: &[PathBuf],
    excluded: &dyn Fn(&Path) -> bool,
) -> (Option<Vec<Operation>>, Vec<Diagnostic>) {
    let (files, _) = spillcheck_tokens::scan::walk(paths);
    let mut ops: Option<Vec<Operation>> = None;
    let mut diagnostics = Vec::new();
    for file in files {
        let in_tests = file.components().any(|c| {
            matches!(
                c.as_os_str().to_str(),
                Some("tests" | "test" | "node_modules")
            )
        });
        if !is_description(&file) || in_tests || excluded(&file) {
            continue;
        }
        let shown = crate::commands::logs::display_path(&file);
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        match parse_openapi(&text) {
            Ok(found) => ops.get_or_insert_with(Vec::new).extend(found),
            Err(e) => diagnostics.push(Diagnostic {
                level: DiagnosticLevel::Warning,
                message: format!("{shown}: not read as an API description: {e}"),
                path: Some(shown),
                line: None,
            }),
        }
    }
    (ops, diagnostics)
}

/// Adds the inventory rules' findings (see `spillcheck_http::inventory::join`) and says
/// when the description was not compared.
pub(crate) fn add(
    inventory: &Inventory,
    enabled: &dyn Fn(&str) -> bool,
    findings: &mut Vec<Finding>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if !spillcheck_http::inventory::RULE_IDS
        .iter()
        .any(|r| enabled(r))
    {
        return;
    }
    if let Some(why) = inventory.not_compared() {
        diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Warning,
            message: why,
            path: None,
            line: None,
        });
    }
    spillcheck_http::inventory::join(findings, inventory.findings(enabled));
}

/// `spillcheck routes --compare-spec FILE|URL`: the code's routes, the description and, for
/// a URL, the live API's routes.
pub(crate) fn compare_spec(spec: &str, routes: &[Route]) -> anyhow::Result<Inventory> {
    let code = Some(code_routes(routes));
    if !(spec.starts_with("http://") || spec.starts_with("https://")) {
        let text = std::fs::read_to_string(spec)
            .map_err(|e| anyhow::anyhow!("{spec}: cannot read the API description ({e})"))?;
        let ops = parse_openapi(&text).map_err(|e| anyhow::anyhow!("{spec}: {e}"))?;
        return Ok(Inventory::build(code, Some(&ops), &[]));
    }
    let url = url::Url::parse(spec).map_err(|e| anyhow::anyhow!("{spec}: not a URL ({e})"))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let answer = client.get(url.clone()).send().await.map_err(|e| {
            anyhow::anyhow!(
                "{}: {}",
                url.origin().ascii_serialization(),
                e.without_url()
            )
        })?;
        if !answer.status().is_success() {
            anyhow::bail!("{spec}: answered {}", answer.status().as_u16());
        }
        let text = answer.text().await?;
        let ops = parse_openapi(&text).map_err(|e| anyhow::anyhow!("{spec}: {e}"))?;
        // Every operation of either view, asked whether its path routes (`OPTIONS`).
        let mut keys: Vec<(String, String)> = ops
            .iter()
            .map(|o| (o.method.clone(), o.path.clone()))
            .chain(
                routes
                    .iter()
                    .flat_map(|r| r.methods.iter().map(|m| (m.clone(), r.path.clone()))),
            )
            .filter(|(m, _)| m != "HEAD" && m != "OPTIONS")
            .collect();
        keys.sort();
        keys.dedup_by(|a, b| {
            a.0 == b.0
                && spillcheck_core::correlate::normalize_template(&a.1)
                    == spillcheck_core::correlate::normalize_template(&b.1)
        });
        let mut live = Vec::new();
        for (method, template) in keys {
            let mut target = url.clone();
            target.set_path(&concrete_path(&template, &ops));
            target.set_query(None);
            let Ok(options) = client
                .request(reqwest::Method::OPTIONS, target)
                .send()
                .await
            else {
                continue;
            };
            let state = match options.status().as_u16() {
                404 => spillcheck_http::inventory::Live::Absent,
                status => {
                    // A route that matches the path but not the method answers 405 to it;
                    // `Allow` lists the methods it has.
                    let allow = options
                        .headers()
                        .get("allow")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_ascii_uppercase();
                    if !allow.is_empty() && !allow.split(',').any(|m| m.trim() == method) {
                        spillcheck_http::inventory::Live::Absent
                    } else {
                        spillcheck_http::inventory::Live::Answers {
                            status,
                            anonymous: None,
                            alias: false,
                        }
                    }
                }
            };
            live.push((method, template, state));
        }
        Ok(Inventory::build(code, Some(&ops), &live))
    })
}

/// A concrete path for a template: the description's example for each parameter, else `1`.
fn concrete_path(template: &str, ops: &[Operation]) -> String {
    let example = |name: &str| {
        ops.iter()
            .flat_map(|o| o.params.iter())
            .find(|p| p.name == name)
            .and_then(|p| p.example.as_ref())
            .map(spillcheck_http::discovery::value_text)
    };
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        out.push_str(&example(name).unwrap_or_else(|| "1".to_owned()));
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// The inventory as a table (text) or JSON.
pub(crate) fn render(
    inventory: &Inventory,
    format: crate::args::CatalogFormat,
) -> anyhow::Result<String> {
    use spillcheck_http::inventory::Live;
    use std::fmt::Write as _;
    if format != crate::args::CatalogFormat::Text {
        let mut s = serde_json::to_string_pretty(
            &serde_json::json!({ "schema": 1, "inventory": inventory }),
        )?;
        s.push('\n');
        return Ok(s);
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<7} {:<44} {:<20} {:<22} LIVE",
        "METHOD", "PATH", "CODE", "DESCRIPTION"
    );
    for row in &inventory.rows {
        let code = row.code.as_ref().map_or("-".to_owned(), |c| {
            format!("{:?}", c.auth).to_ascii_lowercase()
        });
        let spec = row.spec.as_ref().map_or("-".to_owned(), |d| {
            if d.deprecated {
                format!("{} (deprecated)", d.security)
            } else {
                d.security.to_owned()
            }
        });
        let live = match row.live {
            Some(Live::Answers { status, .. }) => format!("routed ({status})"),
            Some(Live::Absent) => "absent".to_owned(),
            None if inventory.has_live => "?".to_owned(),
            None => String::new(),
        };
        let _ = writeln!(
            s,
            "{:<7} {:<44} {:<20} {:<22} {live}",
            row.method, row.path, code, spec
        );
    }
    let only_code = inventory
        .rows
        .iter()
        .filter(|r| r.code.is_some() && r.spec.is_none())
        .count();
    let only_spec = inventory
        .rows
        .iter()
        .filter(|r| r.spec.is_some() && r.code.is_none())
        .count();
    let _ = writeln!(
        s,
        "{} operations: {only_code} only in the code, {only_spec} only in the description",
        inventory.rows.len()
    );
    if let Some(why) = inventory.not_compared() {
        let _ = writeln!(s, "note: {why}");
    }
    Ok(s)
}
