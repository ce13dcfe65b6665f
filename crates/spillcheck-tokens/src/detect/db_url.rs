//! Connection URLs with a password: `postgresql://user:PASSWORD@host/db`.

regex_detector! {
    DbUrl, id: "url-password", name: "Password in a connection URL",
    keywords: &["://"],
    pattern: r"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|sqlserver|oracle|ldaps?|smtps?|ftps?|sftp|https?|[a-z]+\+[a-z0-9]+)://[^\s:/@'\x22]+:([^\s@/'\x22]{3,})@[A-Za-z0-9.-]+", group: 1
}

#[cfg(test)]
mod tests {
    use crate::detect::scan;

    #[test]
    fn urls_and_near_misses() {
        let d = scan("DATABASE_URL=postgresql://notes:N0tes-db-Pa55@db.internal:5432/notes");
        assert_eq!(d[0].detector, "url-password");
        assert_eq!(d[0].secret, "N0tes-db-Pa55");
        assert_eq!(
            scan("SQLALCHEMY_DATABASE_URI = 'mysql+pymysql://app:S3cret!x@db/app'")[0].secret,
            "S3cret!x"
        );
        assert!(scan("redis://cache.internal:6379/0").is_empty());
        assert!(scan("postgresql://user:${DB_PASSWORD}@db/app").is_empty());
        assert!(scan("postgresql://user:<password>@db/app").is_empty());
        assert!(scan("https://example.com/path?a=b").is_empty());
    }
}
