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
