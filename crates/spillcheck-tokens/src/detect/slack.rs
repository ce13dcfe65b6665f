//! Slack tokens (`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`) and incoming-webhook URLs.

regex_detector! {
    Slack, id: "slack-token", name: "Slack token or webhook",
    keywords: &["xox", "hooks.slack.com"],
    pattern: r"\b(xox[abprs]-[0-9A-Za-z]{8,}-[0-9A-Za-z-]{8,}|https://hooks\.slack\.com/services/T[0-9A-Z]{6,}/B[0-9A-Z]{6,}/[0-9A-Za-z]{16,})", group: 1
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
