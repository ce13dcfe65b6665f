//! One vocabulary for every engine: which field names hold secrets, tokens, personal
//! data or an object's owner, and which words mean a role. The code rules, the probe's
//! rules and the token audit all ask here, so the two views of one problem agree.
//!
//! Names are compared in a normal form: ASCII letters and digits only, lower-case
//! (`password_hash`, `passwordHash` and `Password-Hash` are all `passwordhash`).

/// `password_hash` → `passwordhash`.
pub fn normalize(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether a request header of this name carries a credential: `Authorization`, or a
/// custom `X-…` header named for a token, a key, a session or authentication
/// (`X-Auth-Token`, `X-Api-Key`, `X-Session-Token`, `HTTP_X_ACCESS_TOKEN` as WSGI names
/// it); not a cross-site request token (`X-CSRF-Token`).
pub fn credential_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace('_', "-");
    // `Authorization`, and the token headers of the libraries that do not use it
    // (Flask-Security's `Authentication-Token`).
    if matches!(
        n.as_str(),
        "authorization" | "authentication-token" | "auth-token"
    ) {
        return true;
    }
    let Some(rest) = n.strip_prefix("x-").or_else(|| n.strip_prefix("http-x-")) else {
        return false;
    };
    !rest.is_empty()
        && rest.len() <= 40
        && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && ![
            "csrf",
            "xsrf",
            "request-id",
            "correlation",
            "trace",
            "forwarded",
        ]
        .iter()
        .any(|w| rest.contains(w))
        && [
            "token",
            "auth",
            "key",
            "session",
            "secret",
            "credential",
            "jwt",
        ]
        .iter()
        .any(|w| rest.contains(w))
}

/// Fields whose values must never leave the server: passwords and their hashes, keys,
/// client secrets, second-factor seeds, card security codes, PINs.
const SECRET: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passwordhash",
    "hashedpassword",
    "passhash",
    "pwhash",
    "pwdhash",
    "passwordsalt",
    "passworddigest",
    "salt",
    "secret",
    "clientsecret",
    "secretkey",
    "secretvalue",
    "apikey",
    "apisecret",
    "privatekey",
    "accesskey",
    "secretaccesskey",
    "awssecretaccesskey",
    "otpsecret",
    "totpsecret",
    "mfasecret",
    "twofactorsecret",
    "cvv",
    "cvc",
    "cvv2",
    "pin",
    "resetpin",
    "ssn",
    "socialsecuritynumber",
    "cardnumber",
    "creditcard",
    "ccnumber",
    "ccnum",
    "ccn",
    "ccno",
    "cardno",
    "creditcardnumber",
    "jwtsecret",
    "signingkey",
    "signingsecret",
    "webhooksecret",
    "hmacsecret",
    "sharedsecret",
];

/// Fields that hold bearer credentials: whoever reads them acts as their owner.
const TOKEN: &[&str] = &[
    "token",
    "accesstoken",
    "refreshtoken",
    "apitoken",
    "authtoken",
    "sessiontoken",
    "sessionkey",
    "resettoken",
    "passwordresettoken",
    "verificationtoken",
    "confirmationtoken",
    "bearertoken",
    "idtoken",
    "jwt",
];

/// Fields that hold personal data (CWE-359): contact details, identity documents,
/// birth dates, financial identifiers.
const PERSONAL: &[&str] = &[
    "email",
    "emailaddress",
    "mail",
    "phone",
    "phonenumber",
    "mobile",
    "mobilenumber",
    "telephone",
    "tel",
    "address",
    "streetaddress",
    "street",
    "postcode",
    "postalcode",
    "zipcode",
    "dob",
    "dateofbirth",
    "birthdate",
    "birthday",
    "ssn",
    "socialsecuritynumber",
    "nationalid",
    "taxid",
    "passport",
    "passportnumber",
    "iban",
    "cardnumber",
    "creditcard",
    "ccnumber",
    "ccnum",
    "ccn",
    "ccno",
    "cardno",
    "creditcardnumber",
    "card",
    "balance",
    "salary",
    "ipaddress",
];

/// Fields that name an object's owner.
const OWNER: &[&str] = &[
    "userid",
    "ownerid",
    "authorid",
    "creatorid",
    "createdby",
    "createdbyid",
    "accountid",
    "customerid",
    "memberid",
    "profileid",
    "uploaderid",
    "senderid",
    "recipientid",
    "touserid",
    "fromuserid",
    "patientid",
    "employeeid",
    "tenantid",
    // The tenant of a multi-tenant app: a record of one company is private to it.
    "tenant",
    "companyid",
    "company",
    "organizationid",
    "organisationid",
    "orgid",
    "workspaceid",
    "owner",
    "user",
    "author",
    "creator",
    "ownedby",
];

/// Words of roles and privileges (`is_admin`, `role`, `@admin_required`).
pub const ROLE_WORDS: &[&str] = &[
    "admin",
    "role",
    "permission",
    "staff",
    "superuser",
    "moderator",
    "privilege",
    // A capability granted to some groups (mwdb-core's `@requires_capabilities(
    // Capabilities.manage_users)`).
    "capabilit",
];

/// The last path segments of an account collection or sign-up (`POST /users`,
/// `POST /user`, `POST /register`): where a body with a new password makes an account.
pub const ACCOUNT_CREATION_SEGMENTS: &[&str] = &[
    "register", "signup", "sign-up", "sign_up", "users", "accounts", "user", "account", "members",
    "member",
];

/// A field for the password the caller has now (`old_password`, `currentPassword`): what a
/// change of password asks, never a registration.
pub fn names_current_password(field: &str) -> bool {
    let n = normalize(field);
    n.contains("pass")
        && ["old", "current", "existing", "previous"]
            .iter()
            .any(|w| n.contains(w))
}

/// A secret that must never leave the server (`password_hash`, `api_key`, `cvv`).
pub fn is_secret_field(name: &str) -> bool {
    SECRET.contains(&normalize(name).as_str()) || names_a_pin(name)
}

/// Whether a value has a PIN's shape: three to twelve digits (a setting such as
/// `PrependPin: "True"` is named like one and holds none).
pub fn pin_shaped(value: &str) -> bool {
    let v = value.trim();
    (3..=12).contains(&v.len()) && v.chars().all(|c| c.is_ascii_digit())
}

/// A personal identification number by its last word: `door_pin`, `libraryCardPin`,
/// `card_pin_code` (not `spin`, `pippin`: the word must stand alone).
pub fn names_a_pin(name: &str) -> bool {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if (!c.is_ascii_alphanumeric() || (c.is_ascii_uppercase() && prev_lower))
            && !current.is_empty()
        {
            words.push(std::mem::take(&mut current));
        }
        if c.is_ascii_alphanumeric() {
            current.push(c.to_ascii_lowercase());
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    if !current.is_empty() {
        words.push(current);
    }
    match words.as_slice() {
        [.., last] if last == "pin" => true,
        [.., pin, code] => pin == "pin" && code == "code",
        _ => false,
    }
}

/// A bearer credential (`access_token`, `refresh_token`).
pub fn is_token_field(name: &str) -> bool {
    TOKEN.contains(&normalize(name).as_str())
}

/// A secret or a bearer credential: what must not appear in a response (SC140, SC230).
pub fn is_sensitive_field(name: &str) -> bool {
    let n = normalize(name);
    SECRET.contains(&n.as_str()) || TOKEN.contains(&n.as_str()) || names_a_pin(name)
}

/// A cookie whose value is a credential: a token, a JWT, a session id (`access_token`,
/// `jwt`, `session`, `remember_token`, `sid`). A CSRF cookie is meant to be read by the
/// page and is none.
pub fn is_credential_cookie(name: &str) -> bool {
    let n = normalize(name);
    if n.contains("csrf") || n.contains("xsrf") {
        return false;
    }
    TOKEN.contains(&n.as_str())
        || n.ends_with("token")
        || n.ends_with("jwt")
        || n.ends_with("session")
        || n.ends_with("sessionid")
        || matches!(n.as_str(), "sid" | "auth")
}

/// Personal data (`email`, `phone`, `date_of_birth`).
pub fn is_personal_field(name: &str) -> bool {
    PERSONAL.contains(&normalize(name).as_str())
}

/// Personal data beyond a contact address: what makes a record private even where
/// profiles are public (`phone`, `address`, `date_of_birth`, `balance`).
pub fn is_private_field(name: &str) -> bool {
    let n = normalize(name);
    PERSONAL.contains(&n.as_str()) && !matches!(n.as_str(), "email" | "emailaddress" | "mail")
}

/// A field naming the object's owner (`user_id`, `owner_id`, `author`).
pub fn is_owner_field(name: &str) -> bool {
    // `justified_user_id`, `approved_user_id`: who last did something to the record, set from
    // the caller when they do it; the record is not theirs (`created_user_id` still is).
    fn records_an_act(n: &str) -> bool {
        const ACTS: &[&str] = &[
            "justified",
            "approved",
            "reviewed",
            "updated",
            "modified",
            "lastmodified",
            "deleted",
            "edited",
            "verified",
            "resolved",
            "closed",
            "acknowledged",
            "rejected",
            "locked",
            "changed",
            "confirmed",
            "cancelled",
            "canceled",
            "archived",
            "last",
        ];
        ACTS.iter().any(|a| n.starts_with(a))
    }
    let n = normalize(name);
    OWNER.contains(&n.as_str())
        || (n.ends_with("userid") && n.len() > 6 && !records_an_act(&n))
        // a reference to the account that holds it: `from_account`, `account_number`
        || n.ends_with("account") && n.len() > 7
        || matches!(n.as_str(), "accountnumber" | "sender" | "recipient")
}

/// A request header every client sends or that carries the credentials (`Authorization`,
/// `Content-Type`, `X-Api-Key`, `X-Forwarded-For`, a CSRF token): not an input a handler
/// reads for itself (`X-User-Id`, `Hide-Info`).
pub fn is_standard_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(
        n.as_str(),
        "authorization"
            | "content-type"
            | "content-length"
            | "accept"
            | "accept-language"
            | "accept-encoding"
            | "user-agent"
            | "cookie"
            | "host"
            | "origin"
            | "referer"
            | "connection"
            | "cache-control"
            | "pragma"
            | "x-requested-with"
            | "x-real-ip"
            | "if-none-match"
            | "if-modified-since"
            | "range"
            | "authentication-token"
            | "auth-token"
    ) || n.starts_with("x-forwarded")
        || n.starts_with("sec-")
        || n.contains("csrf")
        || n.contains("xsrf")
        || is_credential_cookie(&n)
        || n.ends_with("key")
        || n.ends_with("secret")
        || n.contains("signature")
}

/// Whether a name speaks of a role or privilege.
pub fn mentions_role(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ROLE_WORDS.iter().any(|w| n.contains(w))
}

/// Words of documentation and demo values, which grant nothing (`changeme`,
/// `your-api-key`, `dummy`, `secret-key-here`, `test-…`). Compared lower-case, anywhere in
/// the value.
pub const DEMO_WORDS: &[&str] = &[
    "example",
    "changeme",
    "change-me",
    "change_me",
    "change me",
    "change this",
    "change-this",
    "placeholder",
    "your",
    "dummy",
    "sample",
    "fake",
    "mock",
    "demo",
    "test-",
    "not-a-",
    "todo",
    "fixme",
    "replace",
    "insert",
    "secret-key-here",
    "enter-",
];

/// Marks of a masked, elided or referenced value rather than the value: masks (`xxxx`,
/// `****`, `...`, `redacted`), references to fill in (`<key>`, `${VAR}`, `{{ var }}`,
/// `%(var)s`, `env(…)`) and sequences typed for an example.
pub const MASK_MARKS: &[&str] = &[
    "xxxx",
    "****",
    "redacted",
    "<",
    "${",
    "{{",
    "%(",
    "env(",
    "...",
    // An ellipsis: a value cut short, such as a secret a scanner's report redacted
    // (`ap…#b60158`).
    "\u{2026}",
    "1234567890",
    "abcdef",
];

/// Documentation and demo values, which grant nothing: `AKIAIOSFODNN7EXAMPLE`,
/// `…DEMODEMO`, `ASIADEMO…`, `changeme`, `your-api-key`, `dummy`, `fake`, `test-…`. A
/// credential set with one of them is a demo set; a mask (`****`) says nothing of its
/// siblings.
pub fn is_demo_value(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    DEMO_WORDS.iter().any(|w| lower.contains(w))
}

/// Values that are examples, placeholders or references, not secrets: demo values
/// ([`is_demo_value`]) and masks, references and example sequences ([`MASK_MARKS`]).
/// Shared by the code rules (SC130, SC131, SC320) and the probe (SC230).
pub fn is_placeholder_value(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    is_demo_value(value) || MASK_MARKS.iter().any(|w| lower.contains(w))
}

/// Userinfo that documents the shape of a URL rather than a credential: a password such as
/// `pass`, `password`, `secret`, `tiger` (`scott:tiger`), one equal to the user name, a
/// port-like number, an upper-case name (`USER:PASSWORD`).
pub fn is_placeholder_password(user: &str, pass: &str) -> bool {
    let p = pass.to_ascii_lowercase();
    matches!(
        p.as_str(),
        "pass"
            | "password"
            | "passwd"
            | "pwd"
            | "pw"
            | "secret"
            | "token"
            | "tiger"
            | "mypassword"
            | "yourpassword"
            | "dbpassword"
            | "db_password"
    ) || p == user.to_ascii_lowercase()
        // Metasyntactic pairs of examples (`postgresql://foo:bar@localhost/db`).
        || {
            const META: &[&str] = &["foo", "bar", "baz", "qux", "spam", "eggs"];
            META.contains(&user.to_ascii_lowercase().as_str()) && META.contains(&p.as_str())
        }
        // Anonymous FTP: any password is accepted.
        || user.eq_ignore_ascii_case("anonymous")
        || pass.chars().all(|c| c.is_ascii_digit() || c == '\\')
        || pass.len() > 2 && pass.chars().all(|c| c.is_ascii_uppercase() || c == '_')
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_pin_by_its_last_word() {
        for f in ["pin", "door_pin", "libraryCardPin", "card_pin_code", "PIN"] {
            assert!(super::is_sensitive_field(f), "{f}");
        }
        for f in ["spin", "pippin", "pin_attempts", "pinned", "chopin"] {
            assert!(!super::is_sensitive_field(f), "{f}");
        }
    }

    #[test]
    fn credential_headers_by_name() {
        for h in [
            "Authorization",
            "X-Auth-Token",
            "X-Session-Token",
            "x-api-key",
            "HTTP_X_ACCESS_TOKEN",
            "Authentication-Token",
        ] {
            assert!(super::credential_header(h), "{h}");
        }
        for h in [
            "X-CSRF-Token",
            "X-Request-Id",
            "X-Username",
            "Content-Type",
            "X-Forwarded-For",
        ] {
            assert!(!super::credential_header(h), "{h}");
        }
    }

    use super::*;

    #[test]
    fn example_passwords() {
        assert!(is_placeholder_password("foo", "bar") && is_placeholder_password("app", "app"));
        assert!(
            !is_placeholder_password("foo", "Xk2-bar")
                && !is_placeholder_password("bar", "s3cr3t!")
        );
    }

    #[test]
    fn names_are_compared_in_normal_form() {
        assert!(is_secret_field("password_hash"));
        assert!(is_secret_field("passwordHash"));
        assert!(is_sensitive_field("Refresh-Token"));
        assert!(is_personal_field("date_of_birth"));
        assert!(is_private_field("phone") && !is_private_field("email"));
        assert!(is_owner_field("owner_id") && is_owner_field("to_user_id"));
        assert!(is_owner_field("created_user_id") && is_owner_field("assigned_user_id"));
        assert!(!is_owner_field("justified_user_id") && !is_owner_field("last_modified_user_id"));
        assert!(!is_owner_field("username") && !is_secret_field("title"));
        assert!(mentions_role("is_admin") && !mentions_role("title"));
    }

    #[test]
    fn placeholders_and_demo_values() {
        assert!(is_demo_value("AKIAIOSFODNN7EXAMPLE") && is_demo_value("ASIADEMO0000"));
        assert!(is_placeholder_value("sk_live_****") && is_placeholder_value("${API_KEY}"));
        assert!(!is_demo_value("sk_live_****") && !is_placeholder_value("q8Zt2LmW9vKx"));
        // What a report shows of a secret it redacted is no secret.
        assert!(is_placeholder_value(&crate::redact::redact(
            "api_pass_7Qx9"
        )));
    }
}
