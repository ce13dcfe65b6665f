//! `SC130` hardcoded-secret-key: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A string literal assigned to a signing key: `SECRET_KEY = "..."`, `app.secret_key = "..."`, `app.config["JWT_SECRET_KEY"] = "..."`, or a literal passed as the key to `jwt.encode`/`jwt.decode` or an itsdangerous serializer, inline (even a word: `jwt.encode(claims, "secret")`) or through a module constant, whatever the constant is called (`JWT_WEAK_SECRET = "secret"`, reported on the constant). So is a literal fallback of an environment lookup (`os.environ.get("SECRET_KEY", "dev")`, a project helper named for the environment: `read_env("APP_SECRET_KEY", "pyfarm")`), also inside a mapping or keywords given to the configuration (`app.config.update({"SECRET_KEY": ...})`). Placeholders, empty strings and environment lookups without a fallback are not reported.
    ///
    /// ## Why it matters
    /// Whoever reads the source (every developer, every CI log, anyone with the repository) can sign session cookies and tokens for any user. Short dictionary words are also cracked offline from a single token in minutes.
    ///
    /// ## Example
    /// ```python
    /// app.config["SECRET_KEY"] = "dev"
    /// JWT_SECRET = "s3cr3t"
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// A placeholder committed as the value (`"change-me"`, `"your-secret-key"`) is reported: an
    /// app configured with it signs with it. Template markers (`"<secret>"`, `"${SECRET}"`, empty
    /// strings) are not. Keys in development or test configuration classes, in modules named for
    /// development (`settings_dev.py`, `local.py`) and in example or documentation folders are
    /// `possible`, and so is a default the project refuses to run with, anywhere in it: a
    /// start-up check that compares the setting with the value or its constant (`if
    /// config["SECRET_KEY"] == CHANGE_ME_SECRET_KEY: sys.exit(1)`) or refuses a key that short
    /// (`if len(config["JWT_SECRET"]) < 32: raise ...`). Flask's `SECRET_KEY` is `possible` in a
    /// project that never uses what it signs: no `session`, no Flask-Login `login_user`, no
    /// Flask-WTF form, itsdangerous serializer, JWT or OAuth library, and no code that reads the
    /// key (an API that authenticates each request by a bearer token or Kerberos).
    ///
    /// ## Fix
    /// ```python
    /// app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    /// ```
    ///
    /// `spillcheck code --fix --unsafe-fixes` replaces the literal with `os.environ["NAME"]`, so the app stops at start-up when the variable is missing; unsafe because the deployment must set it. See `docs/fixes.md`.
    pub static SC130 = {
        id: "SC130",
        slug: "hardcoded-secret-key",
        title: "Hardcoded secret or signing key",
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: &[540, 798],
        owasp: &[OwaspApi::Api8],
        fix: "Load `SECRET_KEY` and JWT signing keys from the environment or a secret manager, fail at start-up when they are missing, and rotate any key that was ever committed.",
    }
}

use ruff_python_ast::{self as ast, Expr};

use crate::ast_util::{callee, callee_last, dotted, str_value};
use crate::fixes::from_environment;
use crate::recognizers::{hardcoded_literal, target_name};
use crate::checker::Checker;
use crate::patterns::{is_placeholder, is_signing_key_name, is_template_marker};




fn report_literal(cx: &mut Checker<'_>, node: &Expr, name: &str, literal: &str, fallback: bool) {
    let fix = from_environment(cx, node, name);
    let how = if fallback {
        "as the fallback of an environment lookup"
    } else {
        "in the source"
    };
    let placeholder = if is_placeholder(literal) {
        " (a placeholder, but the app signs with it until someone replaces it)"
    } else {
        ""
    };
    let finding = cx.report(
        &SC130,
        node,
        format!("signing key `{name}` is hard-coded {how}{placeholder}"),
    );
    finding.secrets.push(literal.to_owned());
    finding.autofix = fix;
    let index = cx.findings.len() - 1;
    cx.lower_in_main_block(index);
    // Known once every file is read: the project refuses this value, the constant it is
    // bound to, or a key this short (a check at start-up exits or raises).
    cx.deferred.push((
        index,
        crate::project::Deferred::PossibleIfRefused {
            name: name.to_owned(),
            literal: literal.to_owned(),
        },
    ));
    // Flask's own key signs the session: a project that never uses the session, a login,
    // CSRF tokens or a serializer signs nothing with it.
    if name.eq_ignore_ascii_case("secret_key") {
        cx.deferred
            .push((index, crate::project::Deferred::PossibleUnlessSigned));
    }
}

/// `SC130` on assignments to signing-key names.
pub(crate) fn check_assign(cx: &mut Checker<'_>, targets: &[Expr], value: &Expr) {
    let Some((literal, fallback)) = hardcoded_literal(value) else {
        return;
    };
    if is_template_marker(literal) {
        return;
    }
    for t in targets {
        if let Some(name) = target_name(t)
            && is_signing_key_name(&name)
        {
            // `SECRET_KEY = "SECRET_KEY"` (a setting's name), `SECRET = "secret"` (a label):
            // the identifier's own spelling. As a fallback it is the key all the same.
            if !fallback && literal.eq_ignore_ascii_case(&name) {
                return;
            }
            report_literal(cx, value, &name, literal, fallback);
            return;
        }
    }
}

/// `SC130` on calls: `config.update(SECRET_KEY="...")`, `jwt.encode(payload, "literal")`.
pub(crate) fn check_call(cx: &mut Checker<'_>, call: &ast::ExprCall) {
    // A mapping passed to the configuration: `config.update({"SECRET_KEY": "..."})` (a
    // `dict(SECRET_KEY=...)` inside is read by the keyword loop below, on that call).
    let mapped: Vec<(&str, &Expr)> = crate::recognizers::mapped_settings(call)
        .into_iter()
        .filter(|(_, v)| {
            let at = ruff_text_size::Ranged::range(*v);
            !call.arguments.args.iter().any(|a| {
                matches!(a, Expr::Call(c) if ruff_text_size::Ranged::range(c).contains_range(at))
            })
        })
        .collect();
    for (name, value) in mapped {
        if is_signing_key_name(name)
            && let Some((literal, fallback)) = crate::recognizers::hardcoded_literal(value)
            && !is_template_marker(literal)
        {
            report_literal(cx, value, name, literal, fallback);
        }
    }
    for k in &call.arguments.keywords {
        let Some(arg) = &k.arg else { continue };
        if is_signing_key_name(arg.as_str())
            && matches!(
                callee_last(call),
                Some("update" | "from_mapping" | "dict" | "Config" | "setdefault")
            )
            && let Some((literal, fallback)) = crate::recognizers::hardcoded_literal(&k.value)
            && !is_template_marker(literal)
        {
            report_literal(cx, &k.value, arg.as_str(), literal, fallback);
        }
    }
    if !matches!(
        callee_last(call),
        Some(
            "encode"
                | "decode"
                | "URLSafeTimedSerializer"
                | "URLSafeSerializer"
                | "TimedSerializer"
                | "Serializer"
                | "TimestampSigner"
                | "Signer"
        )
    ) {
        return;
    }
    let name = callee(call).unwrap_or_default().to_ascii_lowercase();
    let is_jwt = name.contains("jwt") && (name.ends_with(".encode") || name.ends_with(".decode"));
    let is_signer = matches!(
        callee_last(call),
        Some(
            "URLSafeTimedSerializer"
                | "URLSafeSerializer"
                | "TimedSerializer"
                | "Serializer"
                | "TimestampSigner"
                | "Signer"
        )
    );
    if is_jwt || is_signer {
        let key = if is_jwt {
            call.arguments.find_argument_value("key", 1)
        } else {
            call.arguments.find_argument_value("secret_key", 0)
        };
        // A key named by a module constant (`JWT_WEAK_SECRET = "secret"`): the value signs
        // whatever the constant is called. Reported on the constant, once.
        if let Some(Expr::Name(n)) = key
            && let Some(value) = cx.constants.get(n.id.as_str()).copied()
            && let Some(literal) = str_value(value)
            && !is_template_marker(literal)
        {
            let here = cx.file.at(value);
            if !cx
                .findings
                .iter()
                .any(|f| f.rule_id == SC130.id && f.location.as_ref() == Some(&here))
            {
                report_literal(cx, value, n.id.as_str(), literal, false);
            }
            return;
        }
        // Inline, even a word (`jwt.encode(claims, "secret")`): it is the key.
        if let Some(key) = key
            && let Some(literal) = str_value(key)
            && !is_template_marker(literal)
        {
            let what = dotted(&call.func).unwrap_or_default();
            report_literal(cx, key, &format!("{what}(key)"), literal, false);
            // A key passed inline has no setting name to read: no fix.
            if let Some(f) = cx.findings.last_mut() {
                f.autofix = None;
            }
        }
    }
}

hooks! {
    on_assign => check_assign,
    on_call => check_call,
}
