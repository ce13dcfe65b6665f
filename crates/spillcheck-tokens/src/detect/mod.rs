//! Secret and token detectors, one per file. Each names the keywords that must occur
//! in a line for it to run, so a scan is one Aho–Corasick pass over the text and the
//! regular expressions run only on the few lines that can match.

/// A detector that is one shared pattern of `spillcheck_core::secret_patterns` (the
/// redactor hides what it matches too).
macro_rules! pattern_detector {
    ($(#[$doc:meta])* $ty:ident = $pattern:path) => {
        $(#[$doc])*
        pub(crate) struct $ty;

        impl $crate::detect::Detector for $ty {
            fn id(&self) -> &'static str {
                $pattern.id
            }
            fn name(&self) -> &'static str {
                $pattern.name
            }
            fn keywords(&self) -> &'static [&'static str] {
                $pattern.keywords
            }
            fn detect(&self, line: &str, out: &mut Vec<$crate::detect::Detection>) {
                let pattern = &$pattern;
                for c in pattern.regex().captures_iter(line) {
                    let m = c.get(pattern.group).expect("capture group");
                    if !$crate::detect::is_placeholder(m.as_str()) {
                        out.push($crate::detect::Detection {
                            detector: pattern.id,
                            start: m.start(),
                            end: m.end(),
                            secret: m.as_str().to_owned(),
                        });
                    }
                }
            }
        }
    };
}

mod auth_header;
mod aws;
mod db_url;
mod generic_assignment;
mod github;
mod gitlab;
mod google;
pub(crate) mod jwt;
mod openai;
mod private_key;
mod sendgrid;
mod session_cookie;
mod slack;
mod stripe;

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

pub use jwt::looks_like_jwt;

/// One secret found in a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The detector's id, e.g. `jwt`, `aws-access-key-id`.
    pub detector: &'static str,
    /// Byte offset of the secret in the line.
    pub start: usize,
    /// Byte offset after the secret.
    pub end: usize,
    /// The secret itself (redact before showing).
    pub secret: String,
}

/// A detector of one kind of secret.
pub trait Detector: Sync + Send {
    /// Stable id, shown in findings.
    fn id(&self) -> &'static str;
    /// Human name (`JSON Web Token`).
    fn name(&self) -> &'static str;
    /// Substrings (ASCII, matched case-insensitively) one of which must be in the line.
    fn keywords(&self) -> &'static [&'static str];
    /// Appends what this detector finds in `line`.
    fn detect(&self, line: &str, out: &mut Vec<Detection>);
    /// Whether the detector applies to Python source too (provider-key formats do;
    /// generic assignments are left to the code rules SC130/SC131 there).
    fn in_python(&self) -> bool {
        true
    }
}

/// Whether a digit string passes the Luhn check (card numbers).
pub fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(c.wrapping_sub(b'0'));
        if d > 9 {
            return false;
        }
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

/// Every detector.
pub fn all() -> &'static [&'static dyn Detector] {
    &[
        &jwt::Jwt,
        &auth_header::AuthHeader,
        &aws::AwsAccessKeyId,
        &aws::AwsSecretKey,
        &github::GitHub,
        &gitlab::GitLab,
        &slack::Slack,
        &stripe::Stripe,
        &google::GoogleApiKey,
        &openai::OpenAi,
        &sendgrid::SendGrid,
        &private_key::PrivateKey,
        &db_url::DbUrl,
        &session_cookie::SessionCookie,
        &generic_assignment::GenericAssignment,
    ]
}

/// All detectors behind one keyword prefilter.
pub struct Scanner {
    /// Overlapping matcher, per line: which detectors a line needs.
    ac: AhoCorasick,
    /// Leftmost matcher over whole chunks: where candidate lines are. Leftmost
    /// semantics let Aho–Corasick use its SIMD (Teddy) searcher.
    finder: AhoCorasick,
    /// keyword index → detector indices
    owners: Vec<Vec<usize>>,
    detectors: Vec<&'static dyn Detector>,
}

impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner")
            .field("detectors", &self.detectors.len())
            .finish_non_exhaustive()
    }
}

impl Scanner {
    /// The shared scanner with every detector.
    pub fn get() -> &'static Scanner {
        static SCANNER: OnceLock<Scanner> = OnceLock::new();
        SCANNER.get_or_init(|| Scanner::new(all().to_vec()))
    }

    fn new(detectors: Vec<&'static dyn Detector>) -> Scanner {
        // Keywords are matched in their lower, Capitalised and UPPER forms with a
        // case-sensitive automaton: that keeps Aho–Corasick's SIMD (Teddy) searcher
        // available, several times faster than a case-insensitive automaton here.
        let mut keywords: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        for (i, d) in detectors.iter().enumerate() {
            for k in d.keywords() {
                for variant in case_variants(k) {
                    if let Some(pos) = keywords.iter().position(|x| *x == variant) {
                        if !owners[pos].contains(&i) {
                            owners[pos].push(i);
                        }
                    } else {
                        keywords.push(variant);
                        owners.push(vec![i]);
                    }
                }
            }
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&keywords)
            .expect("keywords build");
        let finder = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostFirst)
            .build(&keywords)
            .expect("keywords build");
        Scanner {
            ac,
            finder,
            owners,
            detectors,
        }
    }

    /// Byte offsets of every keyword occurrence in `text`.
    pub fn hits(&self, text: &[u8]) -> Vec<usize> {
        self.finder.find_iter(text).map(|m| m.start()).collect()
    }

    /// Every detection in one line. `python` excludes detectors that leave Python to the
    /// code rules.
    pub fn scan_line(&self, line: &str, python: bool, out: &mut Vec<Detection>) {
        let mut wanted = 0u64;
        for m in self.ac.find_overlapping_iter(line) {
            for &d in &self.owners[m.pattern().as_usize()] {
                wanted |= 1 << d;
            }
        }
        if wanted == 0 {
            return;
        }
        let before = out.len();
        for (i, d) in self.detectors.iter().enumerate() {
            if wanted & (1 << i) != 0 && (!python || d.in_python()) {
                d.detect(line, out);
            }
        }
        // One secret, one detection: keep the most specific (first registered) detector
        // when two cover overlapping spans (a JWT after `Bearer`).
        if out.len() - before > 1 {
            let mut found: Vec<Detection> = out.drain(before..).collect();
            dedup_overlaps(&mut found);
            out.extend(found);
        }
    }
}

fn dedup_overlaps(found: &mut Vec<Detection>) {
    let order = |id: &str| {
        all()
            .iter()
            .position(|d| d.id() == id)
            .unwrap_or(usize::MAX)
    };
    found.sort_by_key(|d| (order(d.detector), d.start));
    let mut kept: Vec<Detection> = Vec::new();
    for d in found.drain(..) {
        if !kept.iter().any(|k| d.start < k.end && k.start < d.end) {
            kept.push(d);
        }
    }
    kept.sort_by_key(|d| d.start);
    *found = kept;
}

/// Matching forms of a keyword. A keyword of lowercase letters only is a word to match
/// in any case: its lower and UPPER forms (and Capitalised when 3 letters or fewer;
/// longer words are written from their second letter, `uthorization`, so the first
/// letter's case does not matter). Anything else (`eyJ`, `AKIA`, `ghp_`) is exact.
fn case_variants(k: &str) -> Vec<String> {
    if !k.bytes().all(|b| b.is_ascii_lowercase()) {
        return vec![k.to_owned()];
    }
    let mut v = vec![k.to_owned(), k.to_ascii_uppercase()];
    if k.len() <= 3 {
        let mut cap = k.to_owned();
        cap[..1].make_ascii_uppercase();
        v.push(cap);
    }
    v
}

/// Shannon entropy in bits per character.
pub fn entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in s.bytes() {
        counts[usize::from(b)] += 1;
    }
    #[expect(clippy::cast_precision_loss, reason = "lengths of secrets are small")]
    let len = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

/// Values that are examples, placeholders or references, not secrets (the shared
/// vocabulary's [`spillcheck_core::vocab::is_placeholder_value`]).
pub use spillcheck_core::vocab::is_placeholder_value as is_placeholder;

#[cfg(test)]
pub(crate) fn scan(line: &str) -> Vec<Detection> {
    let mut out = Vec::new();
    Scanner::get().scan_line(line, false, &mut out);
    out
}
