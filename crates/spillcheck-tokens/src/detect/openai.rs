//! OpenAI-style API keys (`sk-…`, `sk-proj-…`).

pattern_detector! {
    OpenAi = spillcheck_core::secret_patterns::OPENAI_API_KEY
}

#[cfg(test)]
mod tests {
    use crate::detect::scan;

    #[test]
    fn keys_and_near_misses() {
        assert_eq!(
            scan("OPENAI_API_KEY=sk-proj-Q8vT3lM9zPx2Rn6Wk1Sd4Yf7Hj0Cb5Gt8Ue3")[0].detector,
            "openai-api-key"
        );
        assert!(scan("task-runner-with-a-very-long-name-indeed-yes").is_empty());
        assert!(scan("sk-short").is_empty());
    }
}
