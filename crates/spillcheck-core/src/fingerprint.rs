//! Fingerprints: a finding's identity across runs.
//!
//! A fingerprint hashes what makes a finding *this* finding and nothing that
//! moves when unrelated code changes: the rule, the file path, the route, the
//! finding's key (a parameter, a redacted secret), and the text of the flagged
//! line with white space collapsed — not its line number. Findings that would
//! still collide (the same line text twice in a file) are told apart by their
//! order of appearance. The text used is the redacted one, so a fingerprint
//! never hashes a secret whole.

use std::collections::HashMap;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::finding::Finding;

/// The identity material of one finding, before disambiguation.
fn material(f: &Finding) -> String {
    let mut m = String::new();
    m.push_str(&f.rule_id);
    m.push('\0');
    if let Some(loc) = &f.location {
        m.push_str(&loc.path);
        m.push('\0');
        let text = loc
            .snippet
            .as_ref()
            .and_then(|s| s.line(loc.line))
            .unwrap_or_default();
        m.push_str(&text.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    m.push('\0');
    if let Some(route) = &f.route {
        m.push_str(&route.method);
        m.push(' ');
        m.push_str(&route.path);
    } else if let (None, Some(http)) = (&f.location, &f.http) {
        m.push_str(&http.method);
        m.push(' ');
        m.push_str(url_path(&http.url));
    }
    m.push('\0');
    if let Some(key) = &f.key {
        m.push_str(key);
    }
    m
}

/// The path part of a URL, without scheme, host and query.
fn url_path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    path.split(['?', '#']).next().unwrap_or(path)
}

fn hash(material: &str) -> String {
    let digest = Sha256::digest(material.as_bytes());
    let mut out = String::from("sha256:");
    for b in &digest[..16] {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Assigns `fingerprint` to every finding. Stable given the same findings in any order
/// of line numbers; duplicates are numbered in their order by location.
pub fn assign(findings: &mut [Finding]) {
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&i| {
        let f = &findings[i];
        (
            f.location
                .as_ref()
                .map(|l| (l.path.clone(), l.line, l.column)),
            f.message.clone(),
        )
    });
    let mut seen: HashMap<String, u32> = HashMap::new();
    for i in order {
        let m = material(&findings[i]);
        let n = seen.entry(m.clone()).or_insert(0);
        let fp = if *n == 0 {
            hash(&m)
        } else {
            hash(&format!("{m}\0#{n}"))
        };
        *n += 1;
        findings[i].fingerprint = fp;
    }
}
