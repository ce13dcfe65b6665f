//! Connection URLs with a password: `postgresql://user:PASSWORD@host/db`.

/// Connection URLs with a password; the userinfo that only shows a URL's shape
/// (`user:pass@`, `username:password@`, `scott:tiger@`, `USER:PASSWORD@`, a password
/// equal to the user, a local server's default `root:admin@localhost`) is skipped.
pub(crate) struct DbUrl;

impl crate::detect::Detector for DbUrl {
    fn id(&self) -> &'static str {
        "url-password"
    }
    fn name(&self) -> &'static str {
        "Password in a connection URL"
    }
    fn keywords(&self) -> &'static [&'static str] {
        &["://"]
    }
    fn detect(&self, line: &str, out: &mut Vec<crate::detect::Detection>) {
        static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
        let re = RE.get_or_init(|| {
            regex::Regex::new(r"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|sqlserver|oracle|ldaps?|smtps?|ftps?|sftp|https?|[a-z]+\+[a-z0-9]+)://([^\s:/@'\x22]+):([^\s@/'\x22]{3,})@([A-Za-z0-9.-]+)")
                .expect("detector pattern compiles")
        });
        for c in re.captures_iter(line) {
            let (user, pass, host) = (&c[1], c.get(2).expect("password"), &c[3]);
            let after = &line[c.get(0).expect("match").end()..];
            if crate::detect::is_placeholder(pass.as_str())
                || shape_only(user, pass.as_str(), host)
                || template(user, host, after)
            {
                continue;
            }
            out.push(crate::detect::Detection {
                detector: "url-password",
                start: pass.start(),
                end: pass.end(),
                secret: pass.as_str().to_owned(),
            });
        }
    }
}

/// A URL written to show its format: `http://user:passw@hostname:port/path` (a port that
/// is a word), or a generic user at a placeholder host (`user:…@hostname`, `…@example.com`).
fn template(user: &str, host: &str, after: &str) -> bool {
    let word_port = after
        .strip_prefix(':')
        .is_some_and(|p| p.starts_with(|c: char| c.is_ascii_alphabetic()));
    let placeholder_host = matches!(
        host.to_ascii_lowercase().as_str(),
        "hostname"
            | "host"
            | "server"
            | "domain"
            | "yourhost"
            | "your-host"
            | "example.com"
            | "example.org"
            | "example.net"
    );
    let generic_user = matches!(
        user.to_ascii_lowercase().as_str(),
        "user" | "username" | "login" | "name" | "usr"
    );
    word_port || placeholder_host && generic_user
}

fn shape_only(user: &str, pass: &str, host: &str) -> bool {
    let local = matches!(
        host.to_ascii_lowercase().as_str(),
        "localhost" | "127.0.0.1" | "0.0.0.0" | "host" | "hostname"
    );
    spillcheck_core::vocab::is_placeholder_password(user, pass)
        || local
            && matches!(
                pass.to_ascii_lowercase().as_str(),
                "admin" | "root" | "postgres" | "mysql" | "guest" | "test"
            )
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
        // Userinfo that only shows the shape of a URL.
        assert!(scan("postgresql://username:password@host:5432/db").is_empty());
        assert!(scan("mysql+pymysql://scott:tiger@localhost/test").is_empty());
        assert!(scan("# postgresql://foo:bar@localhost:5432/mydatabase").is_empty());
        assert!(scan("ftp://anonymous:anon@my-ftp-server.com:21/files").is_empty());
        assert!(scan("mysql://root:admin@localhost/migration").is_empty());
        assert!(scan("postgresql://USER:PASSWORD@db/app").is_empty());
        // A comment showing the format of a URL.
        assert!(scan("# like http://user:passw@hostname:port/path").is_empty());
        assert!(scan("smtp://user:s3cr3tpw@example.com").is_empty());
        assert_eq!(
            scan("smtp://mailer:s3cr3tpw@smtp.example.com:587")[0].secret,
            "s3cr3tpw"
        );
    }
}
