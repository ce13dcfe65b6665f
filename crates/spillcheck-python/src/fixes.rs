//! Building fixes from the parser's ranges: the edits rules attach to their findings
//! (see `spillcheck_core::fix`). Every edit replaces the exact range of a node (or of an
//! argument with its separating comma), so the formatting around it is kept.

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};
use spillcheck_core::fix::{Applicability, Edit, Fix, apply, source_digest, unified_diff};

use crate::project::SourceFile;

impl SourceFile {
    /// An edit replacing `range` with `content`.
    pub(crate) fn edit(&self, range: TextRange, content: impl Into<String>) -> Edit {
        let start = self.index.line_column(range.start(), &self.text);
        let end = self.index.line_column(range.end(), &self.text);
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Edit {
            start: range.start().to_u32(),
            end: range.end().to_u32(),
            content: content.into(),
            start_line: n(start.line.get()),
            start_column: n(start.column.get()),
            end_line: n(end.line.get()),
            end_column: n(end.column.get()),
        }
    }

    /// The source text of a node.
    pub(crate) fn source(&self, node: &impl Ranged) -> &str {
        self.text.get(node.range().to_std_range()).unwrap_or("")
    }

    /// A fix of the given edits, with its diff and the digest of this file.
    pub(crate) fn fix(
        &self,
        applicability: Applicability,
        message: impl Into<String>,
        mut edits: Vec<Edit>,
    ) -> Option<Fix> {
        edits.sort_by_key(|e| (e.start, e.end));
        edits.dedup();
        if edits.is_empty() || edits.windows(2).any(|w| w[0].end > w[1].start) {
            return None;
        }
        let mut fix = Fix {
            applicability,
            message: message.into(),
            edits,
            diff: String::new(),
            source_sha256: String::new(),
        };
        let (after, taken) = apply(&self.text, &[&fix]);
        if taken.is_empty() || !parses(&after) {
            return None; // never offer a change that breaks the file
        }
        fix.diff = unified_diff(&self.rel, &self.text, &after);
        fix.source_sha256 = source_digest(&self.text);
        Some(fix)
    }

    /// The edit that makes `import MODULE` available, or none when the module already
    /// imports it at its top level. The import goes before the first top-level import
    /// (after the docstring and `from __future__` imports), or after the docstring.
    pub(crate) fn ensure_import(&self, module: &str) -> Option<Edit> {
        let body = &self.module()?.body;
        let imported = body.iter().any(|s| match s {
            Stmt::Import(i) => i
                .names
                .iter()
                .any(|a| a.name.as_str() == module && a.asname.is_none()),
            _ => false,
        });
        if imported {
            return None;
        }
        let mut after_docstring = TextSize::new(0);
        for (i, s) in body.iter().enumerate() {
            let docstring = i == 0
                && matches!(s, Stmt::Expr(e) if matches!(e.value.as_ref(), Expr::StringLiteral(_)));
            let future = matches!(s, Stmt::ImportFrom(f) if f.module.as_ref().is_some_and(|m| m.as_str() == "__future__"));
            if docstring || future {
                after_docstring = self.line_end(s.end());
                continue;
            }
            if matches!(s, Stmt::Import(_) | Stmt::ImportFrom(_)) {
                let at = self.line_start(s.start());
                let nl = self.newline();
                return Some(self.edit(TextRange::empty(at), format!("import {module}{nl}")));
            }
        }
        let at = after_docstring;
        let nl = self.newline();
        let text = if at.to_usize() > 0 && !self.text[..at.to_usize()].ends_with('\n') {
            format!("{nl}import {module}{nl}")
        } else {
            format!("import {module}{nl}")
        };
        Some(self.edit(TextRange::empty(at), text))
    }

    /// The file's line ending (`\r\n` when its first line ends so), for inserted lines.
    pub(crate) fn newline(&self) -> &'static str {
        match self.text.find('\n') {
            Some(i) if i > 0 && self.text.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        }
    }

    /// The offset of the start of the line holding `offset`.
    pub(crate) fn line_start(&self, offset: TextSize) -> TextSize {
        let before = &self.text[..offset.to_usize()];
        TextSize::try_from(before.rfind('\n').map_or(0, |i| i + 1)).unwrap_or(offset)
    }

    /// The offset after the newline ending the line holding `offset` (or the end of text).
    pub(crate) fn line_end(&self, offset: TextSize) -> TextSize {
        let after = &self.text[offset.to_usize()..];
        let len = after.find('\n').map_or(after.len(), |i| i + 1);
        offset + TextSize::try_from(len).unwrap_or_default()
    }

    /// The indentation of the line holding `offset`, when only whitespace stands before
    /// `offset` on it (a statement that starts its line).
    pub(crate) fn indent_before(&self, offset: TextSize) -> Option<&str> {
        let start = self.line_start(offset);
        let lead = &self.text[start.to_usize()..offset.to_usize()];
        lead.chars().all(|c| c == ' ' || c == '\t').then_some(lead)
    }

    /// Whether a top-level name is bound in this module (imported, assigned, defined): an
    /// expression rooted in it means the same anywhere in the file.
    pub(crate) fn module_binds(&self, name: &str) -> bool {
        let Some(module) = self.module() else {
            return false;
        };
        module.body.iter().any(|s| match s {
            Stmt::Import(i) => i.names.iter().any(|a| {
                a.asname.as_ref().map_or_else(
                    || a.name.as_str().split('.').next() == Some(name),
                    |n| n.as_str() == name,
                )
            }),
            Stmt::ImportFrom(i) => i
                .names
                .iter()
                .any(|a| a.asname.as_ref().unwrap_or(&a.name).as_str() == name),
            Stmt::Assign(a) => a
                .targets
                .iter()
                .any(|t| matches!(t, Expr::Name(n) if n.id.as_str() == name)),
            Stmt::AnnAssign(a) => {
                matches!(a.target.as_ref(), Expr::Name(n) if n.id.as_str() == name)
            }
            Stmt::FunctionDef(f) => f.name.as_str() == name,
            Stmt::ClassDef(c) => c.name.as_str() == name,
            _ => false,
        })
    }

    /// Whether every name an expression reads is bound at module level (or it reads
    /// none): its text can be copied to another function of the file.
    pub(crate) fn portable(&self, expr: &Expr) -> bool {
        let mut ok = true;
        crate::ast_util::each_expr(expr, &mut |e| {
            if let Expr::Name(n) = e
                && !self.module_binds(n.id.as_str())
            {
                ok = false;
            }
        });
        ok
    }
}

/// Whether a fixed text still parses as Python.
fn parses(text: &str) -> bool {
    ruff_python_parser::parse_module(text).is_ok()
}

/// The range that removes item `index` of a comma-separated sequence (arguments, list
/// elements, dict items) together with one separating comma: `a, b, c` without `b` is
/// `a, c`; without `a` it is `b, c`.
pub(crate) fn remove_item(items: &[TextRange], index: usize) -> Option<TextRange> {
    let this = *items.get(index)?;
    if index > 0 {
        Some(TextRange::new(items[index - 1].end(), this.end()))
    } else if let Some(next) = items.get(1) {
        Some(TextRange::new(this.start(), next.start()))
    } else {
        Some(this)
    }
}

/// The ranges of a call's arguments in source order (positional and keyword).
pub(crate) fn argument_ranges(call: &ast::ExprCall) -> Vec<TextRange> {
    let mut ranges: Vec<TextRange> = call
        .arguments
        .args
        .iter()
        .map(Ranged::range)
        .chain(call.arguments.keywords.iter().map(Ranged::range))
        .collect();
    ranges.sort_by_key(Ranged::start);
    ranges
}

/// The edit removing keyword `name` from a call.
pub(crate) fn remove_keyword(file: &SourceFile, call: &ast::ExprCall, name: &str) -> Option<Edit> {
    let keyword = call
        .arguments
        .keywords
        .iter()
        .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == name))?;
    let ranges = argument_ranges(call);
    let index = ranges.iter().position(|r| *r == keyword.range())?;
    Some(file.edit(remove_item(&ranges, index)?, ""))
}

/// The edit adding `text` (`algorithms=["HS256"]`) as the last argument of a call.
pub(crate) fn append_argument(call: &ast::ExprCall, file: &SourceFile, text: &str) -> Edit {
    if let Some(last) = argument_ranges(call).last() {
        file.edit(TextRange::empty(last.end()), format!(", {text}"))
    } else {
        // `f()`: right after the opening parenthesis.
        let open = call.arguments.range().start() + TextSize::new(1);
        file.edit(TextRange::empty(open), text.to_owned())
    }
}

/// The expression that reads setting `name` from the environment and fails at start-up
/// when it is missing.
pub(crate) fn env_required(name: &str) -> String {
    format!("os.environ[\"{name}\"]")
}

/// An environment variable's name for a setting or argument name: `app.secret_key` →
/// `SECRET_KEY`, `JWT-secret` → `JWT_SECRET`.
pub(crate) fn env_name(name: &str) -> Option<String> {
    let upper: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    let upper = upper.trim_matches('_').to_owned();
    (!upper.is_empty() && !upper.starts_with(|c: char| c.is_ascii_digit())).then_some(upper)
}

/// The environment variable an `os.environ.get("NAME", default)` / `os.getenv("NAME")`
/// call reads, if it names one with a literal.
pub(crate) fn env_lookup_name(expr: &Expr) -> Option<&str> {
    let Expr::Call(c) = expr else { return None };
    let name = crate::ast_util::callee(c)?;
    let lookup = name.ends_with("environ.get")
        || name.ends_with("getenv")
        || name.ends_with("environ.setdefault");
    if !lookup {
        return None;
    }
    c.arguments
        .args
        .first()
        .and_then(crate::ast_util::str_value)
        .or_else(|| {
            c.arguments
                .find_keyword("key")
                .and_then(|k| crate::ast_util::str_value(&k.value))
        })
}

/// The edits that delete statement `stmt` with its whole lines, when it stands on lines
/// of its own; a `pass` takes its place when it was the only statement of its block.
pub(crate) fn delete_statement(file: &SourceFile, stmt: &Stmt) -> Option<Edit> {
    let only_in_block = block_of(&file.module()?.body, stmt.range())?.len() == 1;
    let indent = file.indent_before(stmt.start())?.to_owned();
    let start = file.line_start(stmt.start());
    let end = file.line_end(stmt.end());
    // Something after the statement on its last line (`; x = 1`) keeps it.
    let rest = file.text[stmt.end().to_usize()..end.to_usize()].trim();
    if !(rest.is_empty() || rest.starts_with('#')) {
        return None;
    }
    let content = if only_in_block {
        format!("{indent}pass{}", file.newline())
    } else {
        String::new()
    };
    Some(file.edit(TextRange::new(start, end), content))
}

/// The block (list of statements) that holds the statement at `range`, searched from
/// `body` down through compound statements.
pub(crate) fn block_of(body: &[Stmt], range: TextRange) -> Option<&[Stmt]> {
    if body.iter().any(|s| s.range() == range) {
        return Some(body);
    }
    let inner = body.iter().find(|s| s.range().contains_range(range))?;
    match inner {
        Stmt::FunctionDef(f) => block_of(&f.body, range),
        Stmt::ClassDef(c) => block_of(&c.body, range),
        Stmt::If(i) => block_of(&i.body, range).or_else(|| {
            i.elif_else_clauses
                .iter()
                .find_map(|c| block_of(&c.body, range))
        }),
        Stmt::For(f) => block_of(&f.body, range).or_else(|| block_of(&f.orelse, range)),
        Stmt::While(w) => block_of(&w.body, range).or_else(|| block_of(&w.orelse, range)),
        Stmt::With(w) => block_of(&w.body, range),
        Stmt::Try(t) => block_of(&t.body, range)
            .or_else(|| {
                t.handlers.iter().find_map(|h| match h {
                    ast::ExceptHandler::ExceptHandler(h) => block_of(&h.body, range),
                })
            })
            .or_else(|| block_of(&t.orelse, range))
            .or_else(|| block_of(&t.finalbody, range)),
        Stmt::Match(m) => m.cases.iter().find_map(|c| block_of(&c.body, range)),
        _ => None,
    }
}

/// The fix for a hard-coded value: read it from the environment and fail at start-up when
/// it is missing (`os.environ["SECRET_KEY"]`). An environment lookup with a literal
/// fallback keeps its variable and loses the fallback. Unsafe: the deployment must set it.
pub(crate) fn from_environment(
    cx: &crate::checker::Checker<'_>,
    value: &Expr,
    name: &str,
) -> Option<spillcheck_core::Fix> {
    use crate::fixes::{env_lookup_name, env_name, env_required};
    let var = match value {
        Expr::StringLiteral(_) => env_name(name)?,
        Expr::Call(_) => env_lookup_name(value)?.to_owned(),
        Expr::BoolOp(b) => env_lookup_name(b.values.first()?)?.to_owned(),
        _ => return None,
    };
    let mut edits = vec![
        cx.file
            .edit(ruff_text_size::Ranged::range(value), env_required(&var)),
    ];
    edits.extend(cx.file.ensure_import("os"));
    cx.file.fix(
        spillcheck_core::Applicability::Unsafe,
        format!("read `{name}` from the environment variable `{var}` (the app stops at start-up when it is not set)"),
        edits,
    )
}
