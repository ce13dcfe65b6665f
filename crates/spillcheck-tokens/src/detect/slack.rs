//! Slack tokens (`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`) and incoming-webhook URLs.

pattern_detector! {
    Slack = spillcheck_core::secret_patterns::SLACK_TOKEN
}

#[cfg(test)]
mod tests {
    use crate::detect::scan;

    #[test]
    fn tokens_and_near_misses() {
        assert_eq!(
            scan("SLACK=xoxb-2094871234-5Tq8Lm2Vb9Nc4Rz")[0].detector,
            "slack-token"
        );
        assert_eq!(
            scan(
                "url: https://hooks.slack.com/services/T0AB12CD3/B0EF45GH6/q8Vt3Lm9ZpX2rN6wK1sD4y"
            )[0]
            .detector,
            "slack-token"
        );
        assert!(scan("xoxb-short").is_empty());
    }
}
