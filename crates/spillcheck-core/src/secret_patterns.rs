//! What provider keys and credentials look like: one definition, read by the secret
//! detectors of `spillcheck-tokens` (SC320, SC310) and by the [`Redactor`](crate::Redactor)
//! that keeps them out of every output, so that what one finds the other hides.

use std::sync::OnceLock;

use regex::Regex;

/// One kind of secret recognised by a regular expression.
#[derive(Debug)]
pub struct SecretPattern {
    /// Stable id, shown in findings (`aws-access-key-id`).
    pub id: &'static str,
    /// Human name (`AWS access key id`).
    pub name: &'static str,
    /// Substrings (ASCII, matched case-insensitively) one of which must be in the text
    /// for the expression to be worth running.
    pub keywords: &'static [&'static str],
    /// The expression; the secret is capture [`SecretPattern::group`].
    pub pattern: &'static str,
    /// The capture group that holds the secret.
    pub group: usize,
    compiled: OnceLock<Regex>,
}

impl SecretPattern {
    const fn new(
        id: &'static str,
        name: &'static str,
        keywords: &'static [&'static str],
        pattern: &'static str,
        group: usize,
    ) -> SecretPattern {
        SecretPattern {
            id,
            name,
            keywords,
            pattern,
            group,
            compiled: OnceLock::new(),
        }
    }

    /// The compiled expression (compiled once, on first use).
    pub fn regex(&self) -> &Regex {
        self.compiled
            .get_or_init(|| Regex::new(self.pattern).expect("secret pattern compiles"))
    }

    /// Whether `text` holds one of the keywords (ASCII case ignored).
    pub fn may_match(&self, text: &str) -> bool {
        let text = text.as_bytes();
        self.keywords.iter().any(|k| {
            text.windows(k.len())
                .any(|w| w.eq_ignore_ascii_case(k.as_bytes()))
        })
    }
}

/// AWS access key ids (`AKIA…`, `ASIA…`).
pub static AWS_ACCESS_KEY_ID: SecretPattern = SecretPattern::new(
    "aws-access-key-id",
    "AWS access key id",
    &["AKIA", "ASIA"],
    r"\b((?:AKIA|ASIA)[0-9A-Z]{16})\b",
    1,
);

/// AWS secret access keys assigned to an AWS-ish name.
pub static AWS_SECRET_ACCESS_KEY: SecretPattern = SecretPattern::new(
    "aws-secret-access-key",
    "AWS secret access key",
    &["aws"],
    r#"(?i)aws[a-z0-9_.-]{0,24}(?:secret|sk)[a-z0-9_.-]{0,16}["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})(?:[^A-Za-z0-9/+=]|$)"#,
    1,
);

/// GitHub tokens: classic (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and fine-grained
/// (`github_pat_`).
pub static GITHUB_TOKEN: SecretPattern = SecretPattern::new(
    "github-token",
    "GitHub token",
    &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
    r"\b((?:gh[pousr]_[A-Za-z0-9]{36})|(?:github_pat_[A-Za-z0-9_]{82}))\b",
    1,
);

/// GitLab personal access tokens (`glpat-…`).
pub static GITLAB_TOKEN: SecretPattern = SecretPattern::new(
    "gitlab-token",
    "GitLab token",
    &["glpat-"],
    r"\b(glpat-[A-Za-z0-9_-]{20,})",
    1,
);

/// Google API keys (`AIza…`, 39 characters).
pub static GOOGLE_API_KEY: SecretPattern = SecretPattern::new(
    "google-api-key",
    "Google API key",
    &["AIza"],
    r"\b(AIza[0-9A-Za-z_-]{35})(?:[^0-9A-Za-z_-]|$)",
    1,
);

/// OpenAI-style API keys (`sk-…`, `sk-proj-…`).
pub static OPENAI_API_KEY: SecretPattern = SecretPattern::new(
    "openai-api-key",
    "OpenAI-style API key",
    &["sk-"],
    r"(?:^|[^A-Za-z0-9_-])(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,})",
    1,
);

/// PEM private keys: the header and what follows on the same line (in a file, the key
/// material follows on the next lines).
pub static PRIVATE_KEY: SecretPattern = SecretPattern::new(
    "private-key",
    "PEM private key",
    &["PRIVATE KEY-----"],
    r"(-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----[A-Za-z0-9+/=\\n]*)",
    1,
);

/// SendGrid API keys (`SG.<22>.<43>`).
pub static SENDGRID_API_KEY: SecretPattern = SecretPattern::new(
    "sendgrid-api-key",
    "SendGrid API key",
    &["SG."],
    r"\b(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?:[^A-Za-z0-9_-]|$)",
    1,
);

/// Session cookies in a `Cookie`/`Set-Cookie` header or assignment (`session`,
/// `sessionid`, `remember_token`...).
pub static SESSION_COOKIE: SecretPattern = SecretPattern::new(
    "session-cookie",
    "Session cookie",
    &["ookie"],
    r#"(?i)(?:set-)?cookie["']?\s*[:=]\s*["']?[^\n"']*?\b(?:session|sessionid|session_id|remember_token|auth_token|connect\.sid|jsessionid)=([A-Za-z0-9._~+/%-]{16,})"#,
    1,
);

/// Slack tokens (`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`) and incoming-webhook URLs.
pub static SLACK_TOKEN: SecretPattern = SecretPattern::new(
    "slack-token",
    "Slack token or webhook",
    &["xox", "hooks.slack.com"],
    r"\b(xox[abprs]-[0-9A-Za-z]{8,}-[0-9A-Za-z-]{8,}|https://hooks\.slack\.com/services/T[0-9A-Z]{6,}/B[0-9A-Z]{6,}/[0-9A-Za-z]{16,})",
    1,
);

/// Stripe secret and restricted keys (`sk_live_`, `rk_live_`, and their `_test_` twins).
pub static STRIPE_KEY: SecretPattern = SecretPattern::new(
    "stripe-key",
    "Stripe secret key",
    &["sk_live_", "rk_live_", "sk_test_", "rk_test_"],
    r"\b([sr]k_(?:live|test)_[0-9A-Za-z]{16,})",
    1,
);

/// Every provider-key pattern, in the order the detectors run them.
pub static PROVIDER_KEYS: [&SecretPattern; 11] = [
    &AWS_ACCESS_KEY_ID,
    &AWS_SECRET_ACCESS_KEY,
    &GITHUB_TOKEN,
    &GITLAB_TOKEN,
    &SLACK_TOKEN,
    &STRIPE_KEY,
    &GOOGLE_API_KEY,
    &OPENAI_API_KEY,
    &SENDGRID_API_KEY,
    &PRIVATE_KEY,
    &SESSION_COOKIE,
];

#[cfg(test)]
mod tests {
    use super::PROVIDER_KEYS;

    #[test]
    fn every_pattern_compiles_and_has_a_keyword_and_group() {
        for p in PROVIDER_KEYS {
            assert!(p.regex().captures_len() > p.group, "{}", p.id);
            assert!(!p.keywords.is_empty(), "{}", p.id);
        }
    }
}
