//! Google API keys (`AIza…`, 39 characters).

regex_detector! {
    GoogleApiKey, id: "google-api-key", name: "Google API key",
    keywords: &["AIza"],
    pattern: r"\b(AIza[0-9A-Za-z_-]{35})(?:[^0-9A-Za-z_-]|$)", group: 1
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
