//! GitHub tokens: classic (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and fine-grained (`github_pat_`).

pattern_detector! {
    GitHub = spillcheck_core::secret_patterns::GITHUB_TOKEN
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
