//! Stripe secret and restricted keys (`sk_live_`, `rk_live_`, and their `_test_` twins).

pattern_detector! {
    Stripe = spillcheck_core::secret_patterns::STRIPE_KEY
}

#[cfg(test)]
mod tests {
    use crate::detect::scan;

    #[test]
    fn keys_and_near_misses() {
        assert_eq!(
            scan("secret_key: sk_live_51Hx9TqLm2VbNc8RzKp4WsYd7QeFjA0uG")[0].detector,
            "stripe-key"
        );
        assert!(scan("pk_live_51Hx9TqLm2VbNc8RzKp4WsYd7 is publishable").is_empty());
        assert!(scan("sk_live_short").is_empty());
    }
}
