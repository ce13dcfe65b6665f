//! GitHub tokens: classic (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and fine-grained (`github_pat_`).

regex_detector! {
    GitHub, id: "github-token", name: "GitHub token",
    keywords: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
    pattern: r"\b((?:gh[pousr]_[A-Za-z0-9]{36})|(?:github_pat_[A-Za-z0-9_]{82}))\b", group: 1
}

#[cfg(test)]
mod tests {
    use crate::detect::scan;

    #[test]
    fn tokens_and_near_misses() {
        assert_eq!(
            scan("GITHUB_TOKEN=ghp_R8x2Lm4Qv9Tz1Wc5Yb7Nd3Fh6Jk0Ps2Ua4Ie")[0].detector,
            "github-token"
        );
        assert!(scan("ghp_short").is_empty());
        assert!(scan("see https://github.com/org/ghp_repo").is_empty());
    }
}
