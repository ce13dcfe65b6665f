//! Fixes: the change that removes a finding, as edits of the file it was found in.
//!
//! A rule builds a [`Fix`] from the parser's ranges (byte offsets into the file as it was
//! read); this module applies fixes to a text, keeps overlapping fixes apart (the first
//! wins, the others wait for the next pass), and renders unified diffs that `git apply`
//! accepts. Like ruff, a fix is [`Applicability::Safe`] when it changes nothing but the
//! flaw, and [`Applicability::Unsafe`] when it needs something of the deployment or the
//! clients (an environment variable set, a header sent).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Whether `--fix` applies a fix by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Changes nothing but the flaw: applied by `--fix`.
    Safe,
    /// Needs something of the deployment or the clients: applied only with `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    /// `safe` or `unsafe`.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// One replacement in a file. Offsets are bytes of the file as it was read; lines and
/// columns are 1-based (columns in characters), for SARIF and editors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    /// First byte replaced.
    pub start: u32,
    /// Byte after the last one replaced (`start` for an insertion).
    pub end: u32,
    /// The new text.
    pub content: String,
    /// Line of `start`.
    pub start_line: u32,
    /// Column of `start`.
    pub start_column: u32,
    /// Line of `end`.
    pub end_line: u32,
    /// Column of `end`.
    pub end_column: u32,
}

/// The change that removes one finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    /// Safe or unsafe.
    pub applicability: Applicability,
    /// What the fix does, in one sentence.
    pub message: String,
    /// The replacements, in the finding's file, in order and not overlapping.
    pub edits: Vec<Edit>,
    /// The fix as a unified diff of the finding's file (secrets in removed lines redacted).
    pub diff: String,
    /// `sha256:` of the file the offsets refer to: a file that changed since is not touched.
    pub source_sha256: String,
}

/// The `sha256:` digest a [`Fix`] records of its file.
pub fn source_digest(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Whether two sets of edits touch the same bytes (two insertions at one point count:
/// their order would be a guess).
pub fn overlaps(a: &[Edit], b: &[Edit]) -> bool {
    a.iter().any(|x| {
        b.iter().any(|y| {
            if x == y {
                return false; // the same edit (`import os` asked for twice) is applied once
            }
            x.start < y.end && y.start < x.end || x.start == y.start
        })
    })
}

/// Applies `fixes` to `text`: each fix whole or not at all, skipping one that overlaps a fix
/// already taken (it waits for the next pass) or reaches past the text. Identical edits of
/// different fixes are applied once. Returns the new text and the indices of the fixes taken.
pub fn apply(text: &str, fixes: &[&Fix]) -> (String, Vec<usize>) {
    let mut taken: Vec<usize> = Vec::new();
    let mut edits: Vec<&Edit> = Vec::new();
    for (i, fix) in fixes.iter().enumerate() {
        let in_text = fix.edits.iter().all(|e| {
            e.start <= e.end
                && (e.end as usize) <= text.len()
                && text.is_char_boundary(e.start as usize)
                && text.is_char_boundary(e.end as usize)
        });
        let chosen: Vec<Edit> = edits.iter().map(|e| (*e).clone()).collect();
        if fix.edits.is_empty() || !in_text || overlaps(&fix.edits, &chosen) {
            continue;
        }
        for e in &fix.edits {
            if !edits.contains(&e) {
                edits.push(e);
            }
        }
        taken.push(i);
    }
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0usize;
    for e in edits {
        out.push_str(&text[at..e.start as usize]);
        out.push_str(&e.content);
        at = e.end as usize;
    }
    out.push_str(&text[at..]);
    (out, taken)
}

/// Lines of `text` with their endings kept (a last line without one stays so).
fn split_lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// A unified diff (`--- a/PATH`, `+++ b/PATH`, three lines of context) from `before` to
/// `after`, or an empty string when they are equal. Made for `git apply`: a last line with
/// no newline is marked as diff marks it.
pub fn unified_diff(path: &str, before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    let a = split_lines(before);
    let b = split_lines(after);
    let ops = line_ops(&a, &b);
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    // Group the changes into hunks with up to three lines of context around them.
    const CONTEXT: usize = 3;
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| !matches!(op, Op::Same(..)))
        .map(|(i, _)| i)
        .collect();
    let mut k = 0;
    while k < changed.len() {
        let first = changed[k].saturating_sub(CONTEXT);
        let mut last = changed[k];
        while k + 1 < changed.len() && changed[k + 1] <= last + 2 * CONTEXT + 1 {
            k += 1;
            last = changed[k];
        }
        let last = (last + CONTEXT).min(ops.len() - 1);
        let hunk = &ops[first..=last];
        let (a_start, b_start) = starts(&ops[..first]);
        let a_len = hunk.iter().filter(|o| !matches!(o, Op::Add(_))).count();
        let b_len = hunk.iter().filter(|o| !matches!(o, Op::Del(_))).count();
        let _ = writeln!(
            out,
            "@@ -{} +{} @@",
            range(a_start, a_len),
            range(b_start, b_len)
        );
        for op in hunk {
            let (mark, line) = match op {
                Op::Same(i) => (' ', a[*i]),
                Op::Del(i) => ('-', a[*i]),
                Op::Add(j) => ('+', b[*j]),
            };
            out.push(mark);
            out.push_str(line);
            if !line.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
        k += 1;
    }
    out
}

fn range(start: usize, len: usize) -> String {
    // An empty side names the line before it (`-0,0` for an empty file).
    let shown = if len == 0 { start } else { start + 1 };
    if len == 1 {
        format!("{shown}")
    } else {
        format!("{shown},{len}")
    }
}

/// 0-based line numbers in `a` and `b` where the ops after `before` start.
fn starts(before: &[Op]) -> (usize, usize) {
    let a = before.iter().filter(|o| !matches!(o, Op::Add(_))).count();
    let b = before.iter().filter(|o| !matches!(o, Op::Del(_))).count();
    (a, b)
}

#[derive(Debug, Clone, Copy)]
enum Op {
    Same(usize),
    Del(usize),
    Add(usize),
}

/// The line operations from `a` to `b`: the common head and tail are kept, the middle is
/// a longest-common-subsequence diff (fixes change a few lines, so the middle is small).
fn line_ops(old: &[&str], new: &[&str]) -> Vec<Op> {
    let head = old.iter().zip(new).take_while(|(x, y)| x == y).count();
    let tail = old[head..]
        .iter()
        .rev()
        .zip(new[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (om, nm) = (&old[head..old.len() - tail], &new[head..new.len() - tail]);
    let mut ops: Vec<Op> = (0..head).map(Op::Same).collect();
    // LCS table over the middle, which is a handful of lines for a fix.
    let (rows, cols) = (om.len(), nm.len());
    if rows * cols <= 4_000_000 {
        let mut lcs = vec![0u32; (rows + 1) * (cols + 1)];
        let at = |r: usize, c: usize| r * (cols + 1) + c;
        for r in (0..rows).rev() {
            for c in (0..cols).rev() {
                lcs[at(r, c)] = if om[r] == nm[c] {
                    lcs[at(r + 1, c + 1)] + 1
                } else {
                    lcs[at(r + 1, c)].max(lcs[at(r, c + 1)])
                };
            }
        }
        let (mut r, mut c) = (0, 0);
        while r < rows || c < cols {
            if r < rows && c < cols && om[r] == nm[c] {
                ops.push(Op::Same(head + r));
                r += 1;
                c += 1;
            } else if r < rows && (c == cols || lcs[at(r + 1, c)] >= lcs[at(r, c + 1)]) {
                // Removed lines before added ones, as diff shows them.
                ops.push(Op::Del(head + r));
                r += 1;
            } else {
                ops.push(Op::Add(head + c));
                c += 1;
            }
        }
    } else {
        ops.extend((0..rows).map(|r| Op::Del(head + r)));
        ops.extend((0..cols).map(|c| Op::Add(head + c)));
    }
    let old_tail = old.len() - tail;
    ops.extend((0..tail).map(|k| Op::Same(old_tail + k)));
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: u32, end: u32, content: &str) -> Edit {
        Edit {
            start,
            end,
            content: content.to_owned(),
            start_line: 1,
            start_column: 1,
            end_line: 1,
            end_column: 1,
        }
    }

    fn fix(edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Safe,
            message: String::new(),
            edits,
            diff: String::new(),
            source_sha256: String::new(),
        }
    }

    #[test]
    fn applies_in_order_and_skips_overlaps() {
        let text = "debug = True\nkey = 'x'\n";
        let a = fix(vec![edit(8, 12, "False")]);
        let b = fix(vec![edit(10, 12, "ue")]);
        let c = fix(vec![edit(19, 22, "env"), edit(0, 0, "import os\n")]);
        let (out, taken) = apply(text, &[&a, &b, &c]);
        assert_eq!(out, "import os\ndebug = False\nkey = env\n");
        assert_eq!(taken, vec![0, 2]);
    }

    #[test]
    fn identical_edits_of_two_fixes_apply_once() {
        let text = "a = 1\nb = 2\n";
        let imp = edit(0, 0, "import os\n");
        let a = fix(vec![imp.clone(), edit(4, 5, "x")]);
        let b = fix(vec![imp, edit(10, 11, "y")]);
        let (out, taken) = apply(text, &[&a, &b]);
        assert_eq!(out, "import os\na = x\nb = y\n");
        assert_eq!(taken, vec![0, 1]);
    }

    #[test]
    fn out_of_range_or_split_character_is_refused() {
        let text = "é = 1\n";
        let bad = fix(vec![edit(1, 2, "e")]);
        let past = fix(vec![edit(3, 99, "")]);
        let (out, taken) = apply(text, &[&bad, &past]);
        assert_eq!(out, text);
        assert!(taken.is_empty());
    }

    #[test]
    fn diff_has_context_and_counts() {
        let before: String = (1..=12)
            .map(|i| format!("line {i}"))
            .collect::<Vec<_>>()
            .join("\n")
            + "\n";
        let after = before.replace("line 6\n", "line six\nline 6b\n");
        let d = unified_diff("app.py", &before, &after);
        assert!(
            d.starts_with("--- a/app.py\n+++ b/app.py\n@@ -3,7 +3,8 @@\n"),
            "{d}"
        );
        assert!(d.contains("-line 6\n+line six\n+line 6b\n"), "{d}");
        assert_eq!(unified_diff("x", "a\n", "a\n"), "");
    }

    #[test]
    fn diff_marks_a_missing_final_newline_and_far_apart_changes_get_two_hunks() {
        let before = (1..=20)
            .map(|i| format!("l{i}"))
            .collect::<Vec<_>>()
            .join("\n")
            + "\nend";
        let after = before.replace("l2\n", "L2\n").replace("end", "END");
        let d = unified_diff("f", &before, &after);
        assert_eq!(d.matches("@@ -").count(), 2, "{d}");
        assert!(
            d.ends_with("-end\n\\ No newline at end of file\n+END\n\\ No newline at end of file\n"),
            "{d}"
        );
    }

    #[test]
    fn digest_is_stable() {
        assert_eq!(source_digest("").len(), 7 + 64);
        assert_ne!(source_digest("a"), source_digest("b"));
    }
}
