//! Fix fixtures: each `tests/fixes/SCnnn*.py` is analysed, every fix of rule SCnnn in it
//! is applied (safe and unsafe, pass after pass as `spillcheck code --fix` does), and the
//! result must equal `SCnnn*.fixed.py` byte for byte, parse, and no longer be reported by
//! that rule. `SPILLCHECK_FIXES_UPDATE=1` writes the `.fixed.py` files (review the diff).

use std::path::{Path, PathBuf};

use spillcheck_core::Finding;
use spillcheck_core::fix::apply;
use spillcheck_python::{ModelOptions, Options, analyze};

fn findings(dir: &Path, file: &Path) -> Vec<Finding> {
    let all = |_: &str| true;
    let analysis = analyze(&Options {
        paths: vec![file.to_path_buf()],
        root: dir.to_path_buf(),
        exclude: globset::GlobSet::empty(),
        model: ModelOptions::default(),
        enabled: &all,
        only: None,
    });
    assert_eq!(analysis.parse_errors, 0, "{}", file.display());
    analysis.findings
}

fn of_rule<'a>(findings: &'a [Finding], rule: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.rule_id == rule).collect()
}

fn check(before: &Path) {
    let name = before.file_name().unwrap().to_string_lossy().to_string();
    let rule = &name[..5];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(&name);
    std::fs::copy(before, &file).unwrap();
    let first = findings(dir.path(), &file);
    let reported = of_rule(&first, rule);
    assert!(!reported.is_empty(), "{name}: no {rule} finding to fix");
    for f in &reported {
        assert!(
            f.autofix.is_some(),
            "{name}: {rule} at line {} has no fix",
            f.location.as_ref().unwrap().line
        );
    }
    for _ in 0..5 {
        let text = std::fs::read_to_string(&file).unwrap();
        let now = findings(dir.path(), &file);
        let fixes: Vec<_> = of_rule(&now, rule)
            .into_iter()
            .filter_map(|f| f.autofix.as_ref())
            .collect();
        let (after, taken) = apply(&text, &fixes);
        if taken.is_empty() {
            break;
        }
        std::fs::write(&file, after).unwrap();
    }
    let fixed = std::fs::read_to_string(&file).unwrap();
    assert!(
        ruff_python_parser::parse_module(&fixed).is_ok(),
        "{name}: the fixed file does not parse:\n{fixed}"
    );
    let left = findings(dir.path(), &file);
    assert!(
        of_rule(&left, rule).is_empty(),
        "{name}: {rule} still reported after its fixes:\n{fixed}"
    );
    let want = before.with_extension("fixed.py");
    if std::env::var_os("SPILLCHECK_FIXES_UPDATE").is_some() {
        std::fs::write(&want, &fixed).unwrap();
    }
    let expected = std::fs::read_to_string(&want).unwrap_or_else(|_| {
        panic!(
            "{}: missing; run with SPILLCHECK_FIXES_UPDATE=1",
            want.display()
        )
    });
    assert_eq!(fixed, expected, "{name}: the fix changed");
}

#[test]
fn every_fix_fixture_is_fixed_as_recorded() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixes");
    let mut seen = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let n = p.file_name().unwrap().to_string_lossy().to_string();
        if p.extension().is_some_and(|e| e == "py") && !n.ends_with(".fixed.py") {
            check(&p);
            seen.push(n[..5].to_owned());
        }
    }
    seen.sort();
    seen.dedup();
    // Every rule the documentation says has a fix has a fixture here.
    assert_eq!(
        seen,
        [
            "SC104", "SC105", "SC106", "SC120", "SC121", "SC130", "SC131", "SC161"
        ]
    );
}

#[test]
fn a_key_borrowed_from_a_refresh_tokens_decode_is_an_unsafe_fix() {
    // The only verified decode in the file reads refresh tokens: its key would lock every
    // access token out of the reports, so the fix needs a reviewer.
    let source = |key: &str| {
        format!(
            r#"import jwt
from flask import request

from . import config


def read_refresh(token):
    return jwt.decode(token, config.{key}, algorithms=["HS256"])


def report_claims():
    token = request.headers["Authorization"].split()[1]
    return jwt.decode(token, options={{"verify_signature": False}})
"#
        )
    };
    for (key, want) in [
        ("REFRESH_SECRET", spillcheck_core::Applicability::Unsafe),
        ("JWT_SECRET", spillcheck_core::Applicability::Safe),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("security.py");
        std::fs::write(&file, source(key)).unwrap();
        let all = findings(dir.path(), &file);
        let sc104 = of_rule(&all, "SC104");
        let fix = sc104
            .first()
            .and_then(|f| f.autofix.as_ref())
            .unwrap_or_else(|| panic!("{key}: no SC104 fix: {all:?}"));
        assert_eq!(fix.applicability, want, "{key}: {}", fix.message);
    }
}
