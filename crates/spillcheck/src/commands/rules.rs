//! `spillcheck rules` and `spillcheck explain RULE`: the catalog and one rule's docs.
//! `spillcheck rules --format markdown` is what `docs/rules.md` is generated from.

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::bail;
use serde_json::json;
use spillcheck_core::{OwaspApi, RuleMeta};

use crate::ExitStatus;
use crate::args::{CatalogFormat, ExplainArgs, RulesArgs};
use crate::catalog::catalog;

pub(crate) fn rule_json(r: &RuleMeta, with_docs: bool) -> serde_json::Value {
    let mut v = json!({
        "id": r.id,
        "slug": r.slug,
        "title": r.title,
        "kind": r.kind().as_str(),
        "severity": r.severity.as_str(),
        "confidence": r.confidence.as_str(),
        "cwe": r.cwes().map(|c| c.to_string()).collect::<Vec<_>>(),
        "owasp": r.owasp.iter().map(|o| o.id()).collect::<Vec<_>>(),
        "fix": r.fix,
        "help_uri": r.help_uri(),
        "compliance": spillcheck_core::compliance::mapping().controls(r.id),
    });
    if with_docs {
        v["docs"] = json!(r.docs());
    }
    v
}

fn print(text: &str) -> anyhow::Result<ExitStatus> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitStatus::Success)
}

pub(crate) fn rules(args: &RulesArgs) -> anyhow::Result<ExitStatus> {
    let rules = catalog().rules();
    let text = match args.format {
        CatalogFormat::Json => {
            let v: Vec<_> = rules.iter().map(|r| rule_json(r, false)).collect();
            let mut s = serde_json::to_string_pretty(&v)?;
            s.push('\n');
            s
        }
        CatalogFormat::Markdown => markdown_catalog(rules),
        CatalogFormat::Text => {
            let mut s = String::new();
            let _ = writeln!(
                s,
                "{:<6} {:<8} {:<36} {:<12} OWASP",
                "ID", "SEVERITY", "RULE", "CWE"
            );
            for r in rules {
                let cwe: Vec<String> = r.cwe.iter().map(u16::to_string).collect();
                let owasp: Vec<&str> = r.owasp.iter().map(|o| o.id()).collect();
                let _ = writeln!(
                    s,
                    "{:<6} {:<8} {:<36} {:<12} {}",
                    r.id,
                    r.severity,
                    r.slug,
                    cwe.join(","),
                    owasp.join(",")
                );
            }
            s
        }
    };
    print(&text)
}

pub(crate) fn explain(args: &ExplainArgs) -> anyhow::Result<ExitStatus> {
    let Some(rule) = catalog().get(args.rule.trim()) else {
        bail!("unknown rule `{}` (see `spillcheck rules`)", args.rule);
    };
    let text = match args.format {
        CatalogFormat::Json => {
            let mut s = serde_json::to_string_pretty(&rule_json(rule, true))?;
            s.push('\n');
            s
        }
        CatalogFormat::Markdown => rule_markdown(rule),
        CatalogFormat::Text => {
            let mut s = format!("{} {}: {}\n", rule.id, rule.slug, rule.title);
            let _ = writeln!(s, "{}", meta_line(rule));
            let controls = controls_line(rule);
            if !controls.is_empty() {
                let _ = writeln!(s, "{controls}");
            }
            s.push('\n');
            s.push_str(&rule.docs());
            s.push('\n');
            s
        }
    };
    print(&text)
}

/// `Controls: OWASP ASVS 5.0.0 V9.1.1 · PCI DSS 4.0 6.2.4 …` (empty when none).
fn controls_line(r: &RuleMeta) -> String {
    let mapping = spillcheck_core::compliance::mapping();
    let controls = mapping.controls(r.id);
    let parts: Vec<String> = mapping
        .frameworks()
        .iter()
        .filter_map(|fw| {
            let ids = controls.get(&fw.id)?;
            Some(format!("{}: {}", fw.name, ids.join(", ")))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(
            "Controls (evidence for, see docs/compliance.md): {}",
            parts.join(" · ")
        )
    }
}

fn meta_line(r: &RuleMeta) -> String {
    let cwe: Vec<String> = r.cwes().map(|c| format!("[{c}]({})", c.url())).collect();
    let owasp: Vec<String> = r.owasp.iter().map(|o| format!("{o}")).collect();
    format!(
        "Severity: {} · Confidence: {} · Engine: {} · {} · {}",
        r.severity,
        r.confidence,
        r.kind().as_str(),
        cwe.join(", "),
        owasp.join(", ")
    )
}

fn rule_markdown(r: &RuleMeta) -> String {
    let mut s = format!(
        "### {} {}\n\n**{}**\n\n{}\n\n",
        r.id,
        r.slug,
        r.title,
        meta_line(r)
    );
    let controls = controls_line(r);
    if !controls.is_empty() {
        let _ = writeln!(s, "{controls}\n");
    }
    // Demote the rule's `##` sections under the `###` rule heading.
    for line in r.docs().lines() {
        if let Some(rest) = line.strip_prefix("## ") {
            let _ = writeln!(s, "#### {rest}");
        } else {
            let _ = writeln!(s, "{line}");
        }
    }
    s.push('\n');
    s
}

/// The whole catalog as Markdown: the content of `docs/rules.md`.
fn markdown_catalog(rules: &[&'static RuleMeta]) -> String {
    let mut s = String::from(
        "# spillcheck rules\n\n<!-- Generated by `spillcheck rules --format markdown > docs/rules.md`; do not edit. -->\n\n\
         Ids are stable: SC1xx read the code, SC2xx probe the running API, SC3xx audit tokens, secrets and logs.\n\n\
         | Id | Rule | Severity | CWE | OWASP API 2023 |\n|---|---|---|---|---|\n",
    );
    for r in rules {
        let cwe: Vec<String> = r.cwes().map(|c| c.to_string()).collect();
        let owasp: Vec<&str> = r.owasp.iter().map(|o| o.id()).collect();
        let _ = writeln!(
            s,
            "| [{}](#{}-{}) | {} | {} | {} | {} |",
            r.id,
            r.id.to_ascii_lowercase(),
            r.slug,
            r.slug,
            r.severity,
            cwe.join(", "),
            owasp.join(", ")
        );
    }
    s.push_str("\n## Coverage of the OWASP API Security Top 10 (2023)\n\n");
    for category in OwaspApi::ALL {
        let ids: Vec<&str> = rules
            .iter()
            .filter(|r| r.owasp.contains(&category))
            .map(|r| r.id)
            .collect();
        let list = if ids.is_empty() {
            "—".to_owned()
        } else {
            ids.join(", ")
        };
        let _ = writeln!(s, "- **{category}**: {list}");
    }
    s.push_str("\n## Rules\n\n");
    for r in rules {
        // An explicit anchor keeps links stable whatever the renderer does with headings.
        let _ = writeln!(
            s,
            "<a id=\"{}-{}\"></a>\n",
            r.id.to_ascii_lowercase(),
            r.slug
        );
        s.push_str(&rule_markdown(r));
    }
    s
}
