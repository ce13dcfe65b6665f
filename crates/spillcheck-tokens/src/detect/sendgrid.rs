//! SendGrid API keys (`SG.<22>.<43>`).

regex_detector! {
    SendGrid, id: "sendgrid-api-key", name: "SendGrid API key",
    keywords: &["SG."],
    pattern: r"\b(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?:[^A-Za-z0-9_-]|$)", group: 1
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
