//! A guard run before parsing: source nested deeper than Python itself accepts is not
//! parsed (the parser, the visitors and even dropping such a tree recurse once per
//! level, and a hostile file could overflow the stack).
//!
//! CPython refuses more than 200 nested brackets ("too many nested parentheses") and
//! 100 indentation levels ("too many levels of indentation"), and a statement with tens
//! of thousands of chained operators exhausts its compiler's recursion. A single pass
//! over the bytes, skipping strings and comments, measures the three.

/// Deepest bracket nesting accepted (CPython: 200).
pub(crate) const MAX_BRACKETS: usize = 200;
/// Deepest indentation accepted (CPython: 100).
pub(crate) const MAX_INDENT: usize = 100;
/// Most operators, attribute dots, calls and subscripts chained in one expression with
/// no comma, colon or `=` between them: what builds a left-deep tree.
pub(crate) const MAX_CHAIN: usize = 5_000;

/// `Err((line, message))` when the source is nested beyond what is analysed.
pub(crate) fn check(text: &str) -> Result<(), (u32, String)> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut line: u32 = 1;
    let mut depth = 0usize;
    let mut chain = 0usize;
    // Keywords that nest without brackets or operators (`lambda: lambda: ...`,
    // `a if b else c if d else ...`, `not not x`), per logical line.
    let mut keywords = 0usize;
    let mut indents: Vec<usize> = Vec::new();
    let mut at_line_start = true;
    while i < b.len() {
        let c = b[i];
        if at_line_start && depth == 0 {
            at_line_start = false;
            let mut width = 0;
            while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                width += if b[i] == b'\t' { 8 } else { 1 };
                i += 1;
            }
            let blank = i >= b.len() || matches!(b[i], b'\n' | b'\r' | b'#');
            if !blank {
                // The indentation stack, as Python's tokenizer keeps it.
                while indents.last().is_some_and(|&top| top > width) {
                    indents.pop();
                }
                if width > 0 && indents.last() != Some(&width) {
                    indents.push(width);
                }
                if indents.len() > MAX_INDENT {
                    return Err((
                        line,
                        format!("more than {MAX_INDENT} levels of indentation"),
                    ));
                }
            }
            continue;
        }
        match c {
            b'\n' => {
                line += 1;
                if depth == 0 && !(i > 0 && b[i - 1] == b'\\') {
                    chain = 0;
                    keywords = 0;
                    at_line_start = true;
                }
                i += 1;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'\'' | b'"' => {
                let triple = i + 2 < b.len() && b[i + 1] == c && b[i + 2] == c;
                i = skip_string(b, i, c, triple, &mut line);
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                chain += 1; // calls and subscripts chain too: f()()(), x[0][0]
                if depth > MAX_BRACKETS {
                    return Err((line, format!("more than {MAX_BRACKETS} nested brackets")));
                }
                if chain > MAX_CHAIN {
                    return Err((
                        line,
                        format!("more than {MAX_CHAIN} chained operators in one statement"),
                    ));
                }
                i += 1;
            }
            // Element and statement separators end a chain: a long list of numbers,
            // arguments or dict items is flat, however long.
            b',' | b':' | b';' | b'=' => {
                chain = 0;
                i += 1;
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80)
                {
                    i += 1;
                }
                if matches!(
                    &b[start..i],
                    b"lambda" | b"if" | b"else" | b"not" | b"await" | b"yield"
                ) {
                    keywords += 1;
                    if keywords > MAX_CHAIN {
                        return Err((
                            line,
                            format!("more than {MAX_CHAIN} nested keywords in one statement"),
                        ));
                    }
                }
            }
            c if c.is_ascii_digit()
                || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) =>
            {
                // A number (1.5, 1e-3, 0x_ff, 2j): its dots and signs are not operators.
                i += 1;
                while i < b.len() {
                    let d = b[i];
                    let sign = (d == b'+' || d == b'-') && matches!(b[i - 1], b'e' | b'E');
                    if d.is_ascii_alphanumeric() || d == b'_' || d == b'.' || sign {
                        i += 1;
                    } else {
                        break;
                    }
                }
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'+' | b'-' | b'*' | b'/' | b'%' | b'|' | b'&' | b'^' | b'.' | b'@' | b'<' | b'>' => {
                chain += 1;
                if chain > MAX_CHAIN {
                    return Err((
                        line,
                        format!("more than {MAX_CHAIN} chained operators in one statement"),
                    ));
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// Index just past the string opened at `start` (prefix letters need no handling: the
/// quote is what opens it).
fn skip_string(b: &[u8], start: usize, quote: u8, triple: bool, line: &mut u32) -> usize {
    let mut i = start + if triple { 3 } else { 1 };
    while i < b.len() {
        match b[i] {
            b'\\' => {
                if b.get(i + 1) == Some(&b'\n') {
                    *line += 1;
                }
                i += 2;
            }
            b'\n' => {
                *line += 1;
                if !triple {
                    return i; // unterminated: the parser will say so
                }
                i += 1;
            }
            c if c == quote => {
                if !triple {
                    return i + 1;
                }
                if b.get(i + 1) == Some(&quote) && b.get(i + 2) == Some(&quote) {
                    return i + 3;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    i
}

#[cfg(test)]
#[allow(clippy::format_collect)] // test inputs, built once
mod tests {
    use super::*;

    #[test]
    fn ordinary_code_passes() {
        let code = "def f(a, b):\n    if a:\n        return {'x': [1, (2, 3)]}  # ((((\n    s = ')))' + \"\"\"\n((((\n\"\"\"\n    return a.b.c + b * 2\n";
        assert_eq!(check(code), Ok(()));
    }

    #[test]
    fn deep_brackets_are_refused_with_their_line() {
        let code = format!("x = 1\ny = {}1{}\n", "(".repeat(300), ")".repeat(300));
        let (line, msg) = check(&code).unwrap_err();
        assert_eq!(line, 2);
        assert!(msg.contains("nested brackets"));
        let ok = format!("y = {}1{}\n", "[".repeat(150), "]".repeat(150));
        assert_eq!(check(&ok), Ok(()));
    }

    #[test]
    fn long_operator_chains_and_deep_indentation_are_refused() {
        let chain = format!("x = {}\n", vec!["a"; 6000].join(" + "));
        assert!(check(&chain).unwrap_err().1.contains("chained operators"));
        let attrs = format!("x = a{}\n", ".b".repeat(6000));
        assert!(check(&attrs).is_err());
        let deep: String = (0..150)
            .map(|i| format!("{}if x:\n", "    ".repeat(i)))
            .collect();
        assert!(check(&deep).unwrap_err().1.contains("indentation"));
        // Many short statements are not a chain, nor is a long data literal.
        let many: String = (0..20_000).map(|i| format!("v{i} = a + b.c\n")).collect();
        assert_eq!(check(&many), Ok(()));
        let data = format!(
            "DATA = [{}]\n",
            (0..20_000)
                .map(|i| format!("-{i}.5e-3"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        assert_eq!(check(&data), Ok(()));
        let table = format!(
            "T = {{{}}}\n",
            (0..20_000)
                .map(|i| format!("'k{i}': (x.y, -1)"))
                .collect::<Vec<_>>()
                .join(",\n")
        );
        assert_eq!(check(&table), Ok(()));
        let calls = format!("x = f{}\n", "()".repeat(6000));
        assert!(check(&calls).is_err());
        let lambdas = format!("x = {}1\n", "lambda: ".repeat(6000));
        assert!(check(&lambdas).unwrap_err().1.contains("keywords"));
        let ternary = format!("x = {}c\n", "a if b else ".repeat(3000));
        assert!(check(&ternary).is_err());
    }

    #[test]
    fn brackets_inside_strings_and_comments_do_not_count() {
        let code = format!(
            "s = '{}'\n# {}\nt = \"\"\"{}\"\"\"\n",
            "(".repeat(500),
            "[".repeat(500),
            "{".repeat(500)
        );
        assert_eq!(check(&code), Ok(()));
    }
}
