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
    pub static SC141 = {
        id: "SC141",
        slug: "whole-record-serialized",
        title: "Whole database record serialized into a response",
        severity: Severity::Medium,
        confidence: Confidence::Possible,
        cwe: &[213],
        owasp: &[OwaspApi::Api3],
        fix: "Return an explicit allow-list of fields instead of the whole row or object.",
    }
}
