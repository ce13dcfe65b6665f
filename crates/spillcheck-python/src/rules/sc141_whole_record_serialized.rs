//! `SC141` whole-record-serialized: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A route that returns an entire record: `jsonify(dict(row))`, `jsonify(user.__dict__)`, `vars(obj)`, `row._asdict()`, `model_to_dict(obj)`, or a schema with `fields = "__all__"`.
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
    /// Only what reaches the answer counts: the whole record must be in a `return` of the
    /// route, or in a name the `return` reads (a row turned into a dict to compute totals
    /// is not reported). A whole record that reaches the answer is certain, so the finding
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
use spillcheck_core::Finding;

use crate::ast_util::{callee_last, dotted, each_expr};
use crate::model::Model;
use crate::project::SourceFile;

/// `SC141`: a route handler that turns a whole record into its response:
/// `dict(row)` of a `SELECT *`, `obj.__dict__`, `vars(obj)`, `row._asdict()`, `model_to_dict(obj)`.
pub(crate) fn check_routes<'a>(
    model: &'a Model<'a>,
    files: &[SourceFile],
    taints: &crate::facts::Taints<'a>,
    findings: &mut Vec<Finding>,
) {
    for site in &model.routes {
        let file = &files[site.file_index];
        if file.is_test {
            continue;
        }
        let whole = taints.of(site.func).flagged(|f| f.whole_record);
        // What the answer is made of: return values, and names they read (one step back).
        let returned = crate::facts::returned_exprs(&site.func.body);
        let mut hits: Vec<(&Expr, String)> = Vec::new();
        let mut visit = |e: &'a Expr| match e {
            Expr::Call(c) => {
                let name = callee_last(c).unwrap_or_default();
                let arg = c.arguments.args.first();
                if name == "dict"
                    && arg.is_some_and(
                        |a| matches!(a, Expr::Name(n) if whole.contains(n.id.as_str())),
                    )
                {
                    hits.push((e, "`dict(...)` of a `SELECT *` row".into()));
                } else if matches!(name, "vars" | "model_to_dict") && arg.is_some() {
                    hits.push((e, format!("`{name}(...)` of an object")));
                } else if name == "_asdict" {
                    hits.push((e, "`._asdict()` of a row".into()));
                }
            }
            Expr::Attribute(a)
                if a.attr.as_str() == "__dict__"
                    && dotted(&a.value).is_some_and(|d| d != "self") =>
            {
                hits.push((e, "`.__dict__` of an object".into()));
            }
            _ => {}
        };
        for r in returned {
            each_expr(r, &mut visit);
        }
        for (node, what) in hits {
            let method = site.route.methods.first().map_or("GET", String::as_str);
            findings.push(
                Finding::new(&SC141, format!("`{method} {}` returns {what}: every column, present and future, is published", site.route.path))
                    .at(file.at(node))
                    .on_route(method, &site.route.path),
            );
        }
    }
}

/// `SC141`'s hooks.
pub(crate) struct Check;

impl crate::rules::Rule for Check {
    fn on_project(&self, cx: &crate::project::Project<'_>, findings: &mut Vec<Finding>) {
        check_routes(cx.model, cx.files, cx.taints, findings);
    }

    fn concerns_its_view(&self) -> bool {
        true
    }
}
