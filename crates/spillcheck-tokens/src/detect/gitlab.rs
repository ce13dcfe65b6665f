//! GitLab personal access tokens (`glpat-…`).

pattern_detector! {
    GitLab = spillcheck_core::secret_patterns::GITLAB_TOKEN
}

#[cfg(test)]
mod tests {
    use crate::detect::scan;

    #[test]
    fn tokens_and_near_misses() {
        assert_eq!(
            scan("token: glpat-Xy7Rt2Lm9Qw4Zp8Vn3Ks")[0].detector,
            "gitlab-token"
        );
        assert!(scan("glpat-short").is_empty());
    }
}
