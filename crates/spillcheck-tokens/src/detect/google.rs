//! Google API keys (`AIza…`, 39 characters).

pattern_detector! {
    GoogleApiKey = spillcheck_core::secret_patterns::GOOGLE_API_KEY
}

#[cfg(test)]
mod tests {
    use crate::detect::scan;

    #[test]
    fn keys_and_near_misses() {
        assert_eq!(
            scan("key=AIzaSyD4q8Vt3Lm9ZpX2rN6wK1sD4yF7hJ0cB5g")[0].detector,
            "google-api-key"
        );
        assert!(scan("AIzaTooShort").is_empty());
    }
}
