//! AWS access key ids (`AKIA…`, `ASIA…`) and secret access keys assigned to an AWS-ish name.

pattern_detector! {
    AwsAccessKeyId = spillcheck_core::secret_patterns::AWS_ACCESS_KEY_ID
}

pattern_detector! {
    AwsSecretKey = spillcheck_core::secret_patterns::AWS_SECRET_ACCESS_KEY
}

#[cfg(test)]
mod tests {
    use crate::detect::scan;

    #[test]
    fn keys() {
        assert_eq!(
            scan("AWS_ACCESS_KEY_ID=AKIAZ7NOTESQ3BX4WY5V")[0].detector,
            "aws-access-key-id"
        );
        let d = scan("aws_secret_access_key = q8Vt3Lm9ZpX2rN6wK1sD4yF7hJ0cB5gT8uE3iO6a");
        assert_eq!(d[0].detector, "aws-secret-access-key");
    }

    #[test]
    fn near_misses() {
        assert!(scan("AKIAIOSFODNN7EXAMPLE is the documented example key").is_empty());
        assert!(scan("request id AKIA-not-a-key").is_empty());
        assert!(scan("aws_secret_access_key = ${AWS_SECRET}").is_empty());
    }
}
