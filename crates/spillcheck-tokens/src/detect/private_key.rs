//! PEM private keys (`-----BEGIN ... PRIVATE KEY-----`). The header line is reported;
//! the key material follows on the next lines.

pattern_detector! {
    PrivateKey = spillcheck_core::secret_patterns::PRIVATE_KEY
}

#[cfg(test)]
mod tests {
    use crate::detect::scan;

    #[test]
    fn keys_and_near_misses() {
        assert_eq!(
            scan("-----BEGIN RSA PRIVATE KEY-----")[0].detector,
            "private-key"
        );
        assert_eq!(
            scan(r#"{"key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC"}"#)[0]
                .detector,
            "private-key"
        );
        assert!(scan("-----BEGIN PUBLIC KEY-----").is_empty());
        assert!(scan("-----BEGIN CERTIFICATE-----").is_empty());
    }
}
