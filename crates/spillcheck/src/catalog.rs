//! The full rule catalog: every engine's rules in one table.

use std::sync::OnceLock;

use spillcheck_core::{Catalog, RuleMeta};

/// All rules of this build.
pub(crate) fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let mut rules: Vec<&'static RuleMeta> = Vec::new();
        rules.extend(spillcheck_python::rules::RULES);
        rules.extend(spillcheck_http::rules::RULES);
        rules.extend(spillcheck_tokens::rules::RULES);
        Catalog::new(rules)
    })
}

#[cfg(test)]
mod tests {
    use super::catalog;

    #[test]
    fn every_rule_has_a_compliance_entry_and_every_control_is_used() {
        let mapping = spillcheck_core::compliance::mapping();
        for rule in catalog().rules() {
            assert!(
                mapping.knows(rule.id),
                "{} is missing from compliance.toml",
                rule.id
            );
        }
        // No framework defines a control no rule maps to (a typo would show up here).
        for fw in mapping.frameworks() {
            for control in fw.controls.keys() {
                let used = catalog().rules().iter().any(|r| {
                    mapping
                        .controls(r.id)
                        .get(&fw.id)
                        .is_some_and(|c| c.contains(control))
                });
                assert!(
                    used,
                    "{} {control} is defined but no rule maps to it",
                    fw.id
                );
            }
            assert!(!fw.source.is_empty() && !fw.version.is_empty(), "{}", fw.id);
        }
        assert_eq!(mapping.frameworks().len(), 6);
    }

    #[test]
    fn joins_name_code_rules_and_route_level_is_a_code_property() {
        use spillcheck_core::RuleKind;
        let mut joins = 0;
        for rule in catalog().rules() {
            for code in rule.confirms {
                let target = catalog().get(code).unwrap_or_else(|| {
                    panic!("{} confirms {code}, which is not in the catalog", rule.id)
                });
                assert_eq!(target.kind(), RuleKind::Code, "{} confirms {code}", rule.id);
                assert_ne!(rule.kind(), RuleKind::Code, "{} is a code rule", rule.id);
                joins += 1;
            }
            if rule.route_level {
                assert_eq!(rule.kind(), RuleKind::Code, "{}", rule.id);
            }
        }
        // Every probe rule of the first catalog that had a code twin still has it.
        assert_eq!(joins, 22);
        for (api, code) in [
            ("SC201", "SC101"),
            ("SC210", "SC102"),
            ("SC230", "SC140"),
            ("SC244", "SC112"),
            ("SC213", "SC142"),
        ] {
            assert!(catalog().get(api).unwrap().confirms.contains(&code));
        }
    }
}
