//! Rule metadata, the `declare_rule!` macro and the catalog of all rules.

use std::fmt;

use crate::Error;
use crate::severity::{Confidence, Severity};

/// OWASP API Security Top 10 (2023) categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OwaspApi {
    /// API1:2023 Broken Object Level Authorization.
    Api1,
    /// API2:2023 Broken Authentication.
    Api2,
    /// API3:2023 Broken Object Property Level Authorization.
    Api3,
    /// API4:2023 Unrestricted Resource Consumption.
    Api4,
    /// API5:2023 Broken Function Level Authorization.
    Api5,
    /// API6:2023 Unrestricted Access to Sensitive Business Flows.
    Api6,
    /// API7:2023 Server Side Request Forgery.
    Api7,
    /// API8:2023 Security Misconfiguration.
    Api8,
    /// API9:2023 Improper Inventory Management.
    Api9,
    /// API10:2023 Unsafe Consumption of APIs.
    Api10,
}

impl OwaspApi {
    /// Every category in order.
    pub const ALL: [OwaspApi; 10] = [
        OwaspApi::Api1,
        OwaspApi::Api2,
        OwaspApi::Api3,
        OwaspApi::Api4,
        OwaspApi::Api5,
        OwaspApi::Api6,
        OwaspApi::Api7,
        OwaspApi::Api8,
        OwaspApi::Api9,
        OwaspApi::Api10,
    ];

    /// The id used in reports, e.g. `API1:2023`.
    pub fn id(self) -> &'static str {
        match self {
            OwaspApi::Api1 => "API1:2023",
            OwaspApi::Api2 => "API2:2023",
            OwaspApi::Api3 => "API3:2023",
            OwaspApi::Api4 => "API4:2023",
            OwaspApi::Api5 => "API5:2023",
            OwaspApi::Api6 => "API6:2023",
            OwaspApi::Api7 => "API7:2023",
            OwaspApi::Api8 => "API8:2023",
            OwaspApi::Api9 => "API9:2023",
            OwaspApi::Api10 => "API10:2023",
        }
    }

    /// The category's title.
    pub fn title(self) -> &'static str {
        match self {
            OwaspApi::Api1 => "Broken Object Level Authorization",
            OwaspApi::Api2 => "Broken Authentication",
            OwaspApi::Api3 => "Broken Object Property Level Authorization",
            OwaspApi::Api4 => "Unrestricted Resource Consumption",
            OwaspApi::Api5 => "Broken Function Level Authorization",
            OwaspApi::Api6 => "Unrestricted Access to Sensitive Business Flows",
            OwaspApi::Api7 => "Server Side Request Forgery",
            OwaspApi::Api8 => "Security Misconfiguration",
            OwaspApi::Api9 => "Improper Inventory Management",
            OwaspApi::Api10 => "Unsafe Consumption of APIs",
        }
    }

    /// The category named by an id such as `API1:2023`.
    pub fn from_id(id: &str) -> Option<OwaspApi> {
        OwaspApi::ALL.into_iter().find(|c| c.id() == id)
    }
}

impl fmt::Display for OwaspApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.id(), self.title())
    }
}

/// A CWE id; displays as `CWE-639`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cwe(pub u16);

impl Cwe {
    /// The MITRE page of this weakness.
    pub fn url(self) -> String {
        format!("https://cwe.mitre.org/data/definitions/{}.html", self.0)
    }
}

impl fmt::Display for Cwe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CWE-{}", self.0)
    }
}

/// Which engine a rule belongs to, from its id: SC1xx code, SC2xx api, SC3xx tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleKind {
    /// Static analysis of the Python source (SC1xx).
    Code,
    /// Probing the running API (SC2xx).
    Api,
    /// Tokens, secrets and logs (SC3xx).
    Tokens,
}

impl RuleKind {
    /// `code`, `api` or `tokens`.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Code => "code",
            RuleKind::Api => "api",
            RuleKind::Tokens => "tokens",
        }
    }
}

/// The sections of a rule's documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDocs {
    /// `## What it finds`.
    pub what: String,
    /// `## Why it matters`.
    pub why: String,
    /// `## Example` (Markdown, usually a code block).
    pub example: String,
    /// `## Fix`.
    pub fix: String,
}

/// One rule of the catalog: its stable id, metadata and documentation.
///
/// Declared with [`declare_rule!`](crate::declare_rule) in the rule's own file.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable id, e.g. `SC102`. Never reused.
    pub id: &'static str,
    /// kebab-case name that reads as "allow <slug>", e.g. `object-id-without-ownership-check`.
    pub slug: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// Default severity (config may override it).
    pub severity: Severity,
    /// Default confidence of a finding of this rule.
    pub confidence: Confidence,
    /// CWE ids.
    pub cwe: &'static [u16],
    /// OWASP API Security Top 10 (2023) categories.
    pub owasp: &'static [OwaspApi],
    /// The one-paragraph fix attached to each finding.
    pub fix: &'static str,
    /// The Markdown documentation, from the `///` lines of the declaration.
    pub raw_docs: &'static str,
    /// For a probe or token rule: the code rules whose findings one of its findings
    /// confirms (the same weakness seen running). The scan's correlation reads this.
    pub confirms: &'static [&'static str],
    /// For a code rule: a finding concerns one route (its handler's), so it joins a probe
    /// finding of that route only, and none when it has no route (a helper's).
    pub route_level: bool,
}

impl RuleMeta {
    /// The engine this rule belongs to, from its id.
    pub fn kind(&self) -> RuleKind {
        match self.id.as_bytes().get(2) {
            Some(b'1') => RuleKind::Code,
            Some(b'2') => RuleKind::Api,
            _ => RuleKind::Tokens,
        }
    }

    /// CWE ids as typed values.
    pub fn cwes(&self) -> impl Iterator<Item = Cwe> + '_ {
        self.cwe.iter().map(|&c| Cwe(c))
    }

    /// The documentation with the one-space indent of `///` comments removed.
    pub fn docs(&self) -> String {
        let mut out = String::with_capacity(self.raw_docs.len());
        for line in self.raw_docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_owned()
    }

    /// The documentation split into its required sections; `None` if one is missing.
    pub fn sections(&self) -> Option<RuleDocs> {
        let docs = self.docs();
        let section = |name: &str| -> Option<String> {
            let header = format!("## {name}");
            let start = docs.find(&header)? + header.len();
            let rest = &docs[start..];
            let end = rest.find("\n## ").unwrap_or(rest.len());
            let body = rest[..end].trim();
            (!body.is_empty()).then(|| body.to_owned())
        };
        Some(RuleDocs {
            what: section("What it finds")?,
            why: section("Why it matters")?,
            example: section("Example")?,
            fix: section("Fix")?,
        })
    }

    /// Where the rule's documentation is published.
    pub fn help_uri(&self) -> String {
        format!(
            "https://github.com/spillcheck/spillcheck/blob/main/docs/rules.md#{}-{}",
            self.id.to_ascii_lowercase(),
            self.slug
        )
    }
}

/// Declares one rule: its `///` documentation and its metadata, as a `static`.
/// `confirms` (probe and token rules: the code rules it confirms) and `route_level` (code
/// rules whose findings concern one route) are optional, after `fix`.
///
/// ```
/// use spillcheck_core::{declare_rule, Severity, Confidence, OwaspApi};
/// declare_rule! {
///     /// ## What it finds
///     /// Something.
///     /// ## Why it matters
///     /// Because.
///     /// ## Example
///     /// `bad()`
///     /// ## Fix
///     /// `good()`
///     pub static SC999 = {
///         id: "SC999", slug: "example-rule", title: "An example",
///         severity: Severity::Low, confidence: Confidence::Likely,
///         cwe: &[200], owasp: &[OwaspApi::Api8],
///         fix: "Do the good thing.",
///     }
/// }
/// assert_eq!(SC999.id, "SC999");
/// assert!(SC999.sections().is_some());
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $name:ident = {
            id: $id:literal,
            slug: $slug:literal,
            title: $title:literal,
            severity: $severity:expr,
            confidence: $confidence:expr,
            cwe: $cwe:expr,
            owasp: $owasp:expr,
            fix: $fix:literal
            $(, confirms: $confirms:expr)?
            $(, route_level: $route_level:expr)?
            $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        $vis static $name: $crate::RuleMeta = $crate::RuleMeta {
            id: $id,
            slug: $slug,
            title: $title,
            severity: $severity,
            confidence: $confidence,
            cwe: $cwe,
            owasp: $owasp,
            fix: $fix,
            raw_docs: concat!($($doc, "\n"),*),
            confirms: $crate::declare_rule!(@or [$($confirms)?] &[]),
            route_level: $crate::declare_rule!(@or [$($route_level)?] false),
        };
    };
    (@or [] $default:expr) => {
        $default
    };
    (@or [$value:expr] $default:expr) => {
        $value
    };
}

/// All rules known to this build, sorted by id.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    rules: Vec<&'static RuleMeta>,
}

impl Catalog {
    /// A catalog of the given rules, sorted by id.
    ///
    /// Panics on a duplicate id or slug: that is a programming error caught by the tests.
    pub fn new(mut rules: Vec<&'static RuleMeta>) -> Catalog {
        rules.sort_by_key(|r| r.id);
        for pair in rules.windows(2) {
            assert_ne!(pair[0].id, pair[1].id, "duplicate rule id");
        }
        let mut slugs: Vec<_> = rules.iter().map(|r| r.slug).collect();
        slugs.sort_unstable();
        for pair in slugs.windows(2) {
            assert_ne!(pair[0], pair[1], "duplicate rule slug");
        }
        Catalog { rules }
    }

    /// Every rule, sorted by id.
    pub fn rules(&self) -> &[&'static RuleMeta] {
        &self.rules
    }

    /// The rule with this id (`SC102`, any case) or slug.
    pub fn get(&self, name: &str) -> Option<&'static RuleMeta> {
        self.rules
            .iter()
            .copied()
            .find(|r| r.id.eq_ignore_ascii_case(name) || r.slug == name)
    }

    /// Resolves a selector to rule ids: an id, a slug, an id prefix (`SC1`, `SC10`) or `ALL`.
    pub fn resolve(&self, selector: &str, origin: &str) -> Result<Vec<&'static str>, Error> {
        let s = selector.trim();
        if s.eq_ignore_ascii_case("all") {
            return Ok(self.rules.iter().map(|r| r.id).collect());
        }
        if let Some(rule) = self.get(s) {
            return Ok(vec![rule.id]);
        }
        let upper = s.to_ascii_uppercase();
        let ids: Vec<_> = if upper.len() >= 3 && upper.starts_with("SC") {
            self.rules
                .iter()
                .filter(|r| r.id.starts_with(&upper))
                .map(|r| r.id)
                .collect()
        } else {
            Vec::new()
        };
        if ids.is_empty() {
            return Err(Error::UnknownRule {
                origin: origin.to_owned(),
                name: s.to_owned(),
            });
        }
        Ok(ids)
    }
}
