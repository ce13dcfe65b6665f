//! SendGrid API keys (`SG.<22>.<43>`).

pattern_detector! {
    SendGrid = spillcheck_core::secret_patterns::SENDGRID_API_KEY
}

#[cfg(test)]
mod tests {
    use crate::detect::scan;

    #[test]
    fn keys_and_near_misses() {
        let key = "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";
        assert_eq!(
            scan(&format!("api_key: {key}"))[0].detector,
            "sendgrid-api-key"
        );
        assert!(scan("SG.short.value").is_empty());
    }
}
