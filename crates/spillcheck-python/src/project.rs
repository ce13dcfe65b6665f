//! A parsed source file and its locations.

use ruff_python_ast::ModModule;
use ruff_python_parser::Parsed;
use ruff_source_file::LineIndex;
use ruff_text_size::{Ranged, TextRange, TextSize};
use spillcheck_core::{Location, Snippet};

/// One Python file: text, line index and (when it parsed) its AST.
pub(crate) struct SourceFile {
    pub rel: String,
    pub text: String,
    pub index: LineIndex,
    pub parsed: Option<Parsed<ModModule>>,
    /// Under a test folder or named like a test: secrets there are fixtures.
    pub is_test: bool,
}

impl std::fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceFile")
            .field("rel", &self.rel)
            .finish_non_exhaustive()
    }
}

/// Whether a relative path is test code.
pub(crate) fn is_test_path(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.starts_with("test_")
        || name.ends_with("_test.py")
        || name == "conftest.py"
        || name == "tests.py"
        || rel.split('/').any(|seg| {
            matches!(
                seg,
                "tests" | "test" | "testing" | "fixtures" | "examples_test"
            )
        })
}

impl SourceFile {
    /// Parses `text`; a syntax error leaves `parsed` empty and returns the error.
    pub(crate) fn parse(rel: String, text: String) -> (SourceFile, Option<(u32, u32, String)>) {
        let index = LineIndex::from_source_text(&text);
        let is_test = is_test_path(&rel);
        let mut file = SourceFile {
            rel,
            text,
            index,
            parsed: None,
            is_test,
        };
        if let Err((line, msg)) = crate::nesting::check(&file.text) {
            return (
                file,
                Some((line, 1, format!("{msg} (Python refuses this too)"))),
            );
        }
        match ruff_python_parser::parse_module(&file.text) {
            Ok(parsed) => {
                file.parsed = Some(parsed);
                (file, None)
            }
            Err(err) => {
                let lc = file.index.line_column(err.location.start(), &file.text);
                let msg = format!("{}", err.error);
                (
                    file,
                    Some((
                        u32::try_from(lc.line.get()).unwrap_or(0),
                        u32::try_from(lc.column.get()).unwrap_or(0),
                        msg,
                    )),
                )
            }
        }
    }

    pub(crate) fn module(&self) -> Option<&ModModule> {
        self.parsed.as_ref().map(Parsed::syntax)
    }

    /// 1-based line of an offset.
    pub(crate) fn line_of(&self, offset: TextSize) -> u32 {
        u32::try_from(self.index.line_index(offset).get()).unwrap_or(u32::MAX)
    }

    /// A report location for `range`, with two lines of context.
    pub(crate) fn location(&self, range: TextRange) -> Location {
        let start = self.index.line_column(range.start(), &self.text);
        let end = self.index.line_column(range.end(), &self.text);
        let line = u32::try_from(start.line.get()).unwrap_or(u32::MAX);
        let end_line = u32::try_from(end.line.get()).unwrap_or(u32::MAX);
        Location {
            path: self.rel.clone(),
            line,
            column: u32::try_from(start.column.get()).unwrap_or(1),
            end_line: Some(end_line),
            end_column: Some(u32::try_from(end.column.get()).unwrap_or(1)),
            snippet: Some(Snippet::from_source(&self.text, line, 2)),
        }
    }

    /// A location pointing at a whole node.
    pub(crate) fn at(&self, node: &impl Ranged) -> Location {
        self.location(node.range())
    }
}
