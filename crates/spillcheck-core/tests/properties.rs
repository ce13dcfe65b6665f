//! Property tests (proptest): redaction never lets a secret through whole, and
//! fingerprints are stable under what must not change them and differ under what must.

use proptest::prelude::*;
use spillcheck_core::fingerprint::assign;
use spillcheck_core::{Confidence, Finding, Location, Redactor, Severity, Snippet, redact};

fn finding(rule: &str, path: &str, line: u32, text: &str, key: Option<&str>) -> Finding {
    Finding {
        rule_id: rule.into(),
        rule: "slug".into(),
        title: "title".into(),
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: Vec::new(),
        owasp: Vec::new(),
        message: "message".into(),
        location: Some(Location {
            path: path.into(),
            line,
            column: 1,
            end_line: None,
            end_column: None,
            snippet: Some(Snippet {
                start_line: line,
                lines: vec![text.into()],
            }),
        }),
        route: None,
        http: None,
        fingerprint: String::new(),
        fix: String::new(),
        new: None,
        notes: Vec::new(),
        key: key.map(str::to_owned),
        autofix: None,
        compliance: std::collections::BTreeMap::new(),
        secrets: Vec::new(),
        app_wide: false,
    }
}

fn secret() -> impl Strategy<Value = String> {
    // Printable, no white space (a token, a key, a password), 8 to 80 characters.
    "[!-~]{8,80}"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn a_registered_secret_never_survives_scrubbing(
        secret in secret(),
        before in "\\PC{0,40}",
        after in "\\PC{0,40}",
        times in 1usize..4,
    ) {
        let mut r = Redactor::new();
        r.add(&secret);
        let text = format!("{before}{}{after}", secret.repeat(times));
        let out = r.scrub(&text);
        prop_assert!(!out.contains(&secret), "{out}");
    }

    #[test]
    fn redacted_form_is_short_and_never_the_secret(secret in secret()) {
        let shown = redact(&secret);
        prop_assert!(!shown.contains(&secret));
        let prefix = shown.split('…').next().unwrap();
        prop_assert!(prefix.chars().count() <= 6);
        prop_assert!(prefix.chars().count() * 3 <= secret.chars().count());
        prop_assert_eq!(shown, redact(&secret)); // deterministic
    }

    #[test]
    fn token_shaped_values_are_scrubbed_without_registration(
        head in "[A-Za-z0-9_-]{10,40}",
        body in "[A-Za-z0-9_-]{10,80}",
        sig in "[A-Za-z0-9_-]{20,60}",
        before in "[ -~]{0,30}",
    ) {
        let jwt = format!("eyJ{head}.eyJ{body}.{sig}");
        let text = format!("{before} Authorization: Bearer {jwt} tail");
        let out = Redactor::new().scrub(&text);
        prop_assert!(!out.contains(&jwt), "{out}");
    }

    #[test]
    fn fingerprints_ignore_line_numbers_and_white_space(
        rule in "SC[1-3][0-9]{2}",
        path in "[a-z]{1,8}/[a-z]{1,8}\\.py",
        text in "[a-z_]{1,10}\\([a-z_, ]{0,20}\\)",
        line in 1u32..10_000,
        shift in 1u32..500,
        indent in 0usize..12,
    ) {
        let mut a = vec![finding(&rule, &path, line, &text, None)];
        let moved = format!("{}{}", " ".repeat(indent), text.replace(", ", ",  "));
        let mut b = vec![finding(&rule, &path, line + shift, &moved, None)];
        assign(&mut a);
        assign(&mut b);
        prop_assert_eq!(&a[0].fingerprint, &b[0].fingerprint);
        prop_assert!(a[0].fingerprint.starts_with("sha256:"));
    }

    #[test]
    fn fingerprints_differ_by_rule_file_text_and_key(
        path in "[a-z]{1,8}\\.py",
        text in "[a-z_]{3,12}\\(\\)",
        line in 1u32..1000,
    ) {
        let base = finding("SC102", &path, line, &text, Some("note_id"));
        let variants = [
            finding("SC101", &path, line, &text, Some("note_id")),
            finding("SC102", &format!("other/{path}"), line, &text, Some("note_id")),
            finding("SC102", &path, line, &format!("{text}.x"), Some("note_id")),
            finding("SC102", &path, line, &text, Some("user_id")),
        ];
        let mut all = vec![base];
        all.extend(variants);
        assign(&mut all);
        let mut prints: Vec<&str> = all.iter().map(|f| f.fingerprint.as_str()).collect();
        prints.sort_unstable();
        prints.dedup();
        prop_assert_eq!(prints.len(), 5);
    }

    #[test]
    fn duplicate_findings_get_distinct_stable_fingerprints(n in 2usize..6, line in 1u32..100) {
        let make = || (0..n).map(|i| finding("SC110", "a.py", line + u32::try_from(i).unwrap() * 10, "log(x)", None)).collect::<Vec<_>>();
        let mut a = make();
        let mut b = make();
        b.reverse();
        assign(&mut a);
        assign(&mut b);
        let mut pa: Vec<String> = a.iter().map(|f| f.fingerprint.clone()).collect();
        let mut pb: Vec<String> = b.iter().map(|f| f.fingerprint.clone()).collect();
        pa.sort();
        pb.sort();
        prop_assert_eq!(&pa, &pb);
        pa.dedup();
        prop_assert_eq!(pa.len(), n);
    }
}
