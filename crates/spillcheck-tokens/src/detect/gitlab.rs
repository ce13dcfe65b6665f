//! GitLab personal access tokens (`glpat-…`).

regex_detector! {
    GitLab, id: "gitlab-token", name: "GitLab token",
    keywords: &["glpat-"],
    pattern: r"\b(glpat-[A-Za-z0-9_-]{20,})", group: 1
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
