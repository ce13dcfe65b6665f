//! Small helpers shared by renderers.

use spillcheck_core::Finding;

/// `path:line:col`, or the route, or the URL: where a finding is.
pub(crate) fn where_(f: &Finding) -> String {
    if let Some(l) = &f.location {
        return format!("{}:{}:{}", l.path, l.line, l.column);
    }
    if let Some(r) = &f.route {
        return format!("{} {}", r.method, r.path);
    }
    if let Some(h) = &f.http {
        return format!("{} {}", h.method, h.url);
    }
    String::new()
}

/// Escapes text for XML attributes and content. Control characters other than
/// tab and newlines are not allowed in XML 1.0 and are dropped.
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

/// Cuts `s` to at most `max` characters, marking the cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}
