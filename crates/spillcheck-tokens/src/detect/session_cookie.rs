//! Session cookies in `Cookie:`/`Set-Cookie:` headers (Flask's `session`, Django's
//! `sessionid`, `remember_token`...).

pattern_detector! {
    SessionCookie = spillcheck_core::secret_patterns::SESSION_COOKIE
}

#[cfg(test)]
mod tests {
    use crate::detect::scan;

    #[test]
    fn cookies_and_near_misses() {
        let d = scan(
            "Cookie: theme=dark; session=eyJ1c2VyX2lkIjoyfQ.ZxY9kA.q8Vt3Lm9ZpX2rN6wK1sD4yF7hJ0",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].detector, "session-cookie");
        assert!(scan("Cookie: theme=dark; lang=en").is_empty());
        assert!(scan("set a session cookie").is_empty());
    }
}
