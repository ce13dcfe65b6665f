//! Inline suppressions: `# spillcheck: ignore[SC102] reason` on the flagged line
//! or on a decorator line above a flagged `def`, and
//! `# spillcheck: file-ignore[SC130]` anywhere in a file for the whole file.
//!
//! A suppression must name its rules (ids or slugs); a bare `ignore` or an
//! unknown rule is reported back as a problem so suppressions stay honest.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use regex::Regex;

use crate::catalog::Catalog;

fn pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"#\s*spillcheck:\s*(file-ignore|ignore)\b(?:\[([^\]]*)\])?").expect("compiles")
    })
}

/// The suppressions of one file.
#[derive(Debug, Clone, Default)]
pub struct Suppressions {
    /// line (1-based) → rule ids suppressed on it.
    lines: BTreeMap<u32, BTreeSet<String>>,
    /// Rule ids suppressed for the whole file.
    file: BTreeSet<String>,
    /// line → (indentation, first character); blank lines are left out.
    shape: BTreeMap<u32, (usize, char)>,
    /// Lines that start a `def`, `async def` or `class`.
    defs: BTreeSet<u32>,
    /// Problems with the comments themselves: (line, message).
    problems: Vec<(u32, String)>,
}

impl Suppressions {
    /// Parses the suppression comments of a source file, resolving names against the catalog.
    pub fn parse(source: &str, catalog: &Catalog) -> Suppressions {
        let mut s = Suppressions::default();
        for (i, line) in source.lines().enumerate() {
            let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let trimmed = line.trim_start();
            if let Some(first) = trimmed.chars().next() {
                s.shape.insert(n, (line.len() - trimmed.len(), first));
            }
            if trimmed.starts_with("def ")
                || trimmed.starts_with("async def ")
                || trimmed.starts_with("class ")
            {
                s.defs.insert(n);
            }
            if !line.contains("spillcheck:") {
                continue;
            }
            for caps in pattern().captures_iter(line) {
                let whole_file = &caps[1] == "file-ignore";
                let Some(list) = caps.get(2).map(|m| m.as_str()) else {
                    s.problems.push((n, "suppression must name the rules it silences, e.g. `# spillcheck: ignore[SC102] reason`".to_owned()));
                    continue;
                };
                for name in list.split(',').map(str::trim).filter(|x| !x.is_empty()) {
                    match catalog.get(name) {
                        Some(rule) => {
                            let set = if whole_file {
                                &mut s.file
                            } else {
                                s.lines.entry(n).or_default()
                            };
                            set.insert(rule.id.to_owned());
                        }
                        None => s
                            .problems
                            .push((n, format!("suppression names unknown rule `{name}`"))),
                    }
                }
            }
        }
        s
    }

    /// Whether a finding of `rule_id` at `line` is suppressed: by a comment on that line,
    /// on a decorator line directly above it (a flagged `def`), or file-wide.
    pub fn is_suppressed(&self, rule_id: &str, line: u32) -> bool {
        if self.file.contains(rule_id) {
            return true;
        }
        let on = |n: u32| self.lines.get(&n).is_some_and(|set| set.contains(rule_id));
        if on(line) {
            return true;
        }
        // Walk up over the decorator block directly above `line`: decorators at the
        // def's indentation, their continuation lines (deeper, or a closing bracket).
        if !self.defs.contains(&line) {
            return false;
        }
        let Some(&(def_indent, _)) = self.shape.get(&line) else {
            return false;
        };
        let mut n = line;
        while n > 1 && line - n < 40 {
            n -= 1;
            let Some(&(indent, first)) = self.shape.get(&n) else {
                break;
            };
            let continuation =
                indent > def_indent || (indent == def_indent && matches!(first, ')' | ']' | '}'));
            let decorator = indent == def_indent && first == '@';
            if !(decorator || continuation) {
                break;
            }
            if on(n) {
                return true;
            }
        }
        false
    }

    /// Problems with the suppression comments: (line, message).
    pub fn problems(&self) -> &[(u32, String)] {
        &self.problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, OwaspApi};
    use crate::severity::{Confidence, Severity};

    crate::declare_rule! {
        /// ## What it finds
        /// x
        static SC102 = {
            id: "SC102", slug: "object-id-without-ownership-check", title: "t",
            severity: Severity::High, confidence: Confidence::Likely,
            cwe: &[639], owasp: &[OwaspApi::Api1], fix: "f",
        }
    }
    crate::declare_rule! {
        /// ## What it finds
        /// x
        static SC130 = {
            id: "SC130", slug: "hardcoded-secret-key", title: "t",
            severity: Severity::High, confidence: Confidence::Likely,
            cwe: &[798], owasp: &[OwaspApi::Api8], fix: "f",
        }
    }

    fn catalog() -> Catalog {
        Catalog::new(vec![&SC102, &SC130])
    }

    #[test]
    fn same_line_and_slug() {
        let src = "a = 1\nx = note(id)  # spillcheck: ignore[object-id-without-ownership-check] shared on purpose\n";
        let s = Suppressions::parse(src, &catalog());
        assert!(s.is_suppressed("SC102", 2));
        assert!(!s.is_suppressed("SC102", 1));
        assert!(!s.is_suppressed("SC130", 2));
        assert!(s.problems().is_empty());
    }

    #[test]
    fn decorator_line_covers_def() {
        let src = "\
@app.route(  # spillcheck: ignore[SC102] public catalogue
    \"/notes/<int:id>\",
    methods=[\"GET\"],
)
@require_auth
def get_note(id):
    return x
";
        let s = Suppressions::parse(src, &catalog());
        assert!(s.is_suppressed("SC102", 6));
        assert!(!s.is_suppressed("SC102", 7));
    }

    #[test]
    fn suppression_does_not_leak_to_next_function() {
        let src = "\
@app.get(\"/a\")  # spillcheck: ignore[SC102] ok
def a(id):
    pass

@app.get(\"/b\")
def b(id):
    pass
";
        let s = Suppressions::parse(src, &catalog());
        assert!(s.is_suppressed("SC102", 2));
        assert!(!s.is_suppressed("SC102", 6));
    }

    #[test]
    fn file_ignore_and_problems() {
        let src = "# spillcheck: file-ignore[SC130]\nX = 1  # spillcheck: ignore\nY = 2  # spillcheck: ignore[SC999]\n";
        let s = Suppressions::parse(src, &catalog());
        assert!(s.is_suppressed("SC130", 3));
        assert_eq!(s.problems().len(), 2);
        assert!(s.problems()[1].1.contains("SC999"));
    }
}
