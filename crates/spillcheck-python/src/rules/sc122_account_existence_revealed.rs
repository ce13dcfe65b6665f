//! `SC122` account-existence-revealed: the rule's metadata, documentation and check.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A login that answers an unknown account differently from a wrong password: the
    /// branch taken when the account lookup found nothing (`if user is None:`, `if not
    /// user:`, an `except NoResultFound:` around the lookup) answers with other words or
    /// another status than the branch taken when the password check fails (`if not
    /// check_password_hash(user["password"], password):`, `if user.password != password:`).
    /// The answer is what the branch returns, raises, aborts with, flashes, or puts in an
    /// error variable shown later (`error = "Incorrect username."`). Where both answers
    /// share their words, a refusal between the lookup and the password check that tests the
    /// account (`if user.disabled:`, maintenance for all but the administrator) and answers
    /// otherwise tells an existing account without its password. Also a password
    /// recovery (`forgot`/`reset`/`recover` in the view's name or path) that tells the
    /// caller an account it looked up by the request's email or name does not exist (a
    /// 404, "user not found").
    ///
    /// ## Why it matters
    /// Whoever tries a name learns whether it has an account, and then spends the password
    /// guesses only on real ones (credential stuffing, targeted phishing) (CWE-204). It is the
    /// static twin of `SC260`, which compares the live answers.
    ///
    /// ## Example
    /// ```python
    /// user = User.query.filter_by(email=data["email"]).first()
    /// if user is None:
    ///     return jsonify(error="no such user"), 404
    /// if not user.check_password(data["password"]):
    ///     return jsonify(error="wrong password"), 401
    /// ```
    ///
    /// ## Known false positives and how confidence is decided
    /// A view only an authenticated caller reaches (an auth decorator, or a credential check
    /// its first lines refuse on: an admin API behind `validate_admin_api_key(...)` resetting
    /// a named user's password) is not reported: nobody anonymous can try names there.
    /// Likely. Both answers must be found and differ in their text (case, spaces and final
    /// punctuation aside), their status or the exception raised; a branch that answers
    /// nothing written here (`return False`, `return invalid_login()`) is not compared. One
    /// test for both cases (`if user is None or not user.check_password(pw):`) is one answer
    /// and is silent. Registration's "name already taken" is inherent to sign-up and is not
    /// reported; a reset by token (`verify_reset_token(token)`) reveals nothing of who has an
    /// account. A login that skips the password hash for unknown users differs in time only:
    /// that is left to `SC260`, which measures it.
    ///
    /// ## Fix
    /// ```python
    /// user = User.query.filter_by(email=data["email"]).first()
    /// if user is None or not user.check_password(data["password"]):
    ///     return jsonify(error="invalid email or password"), 401
    /// ```
    pub static SC122 = {
        id: "SC122",
        slug: "account-existence-revealed",
        title: "Login or reset reveals whether an account exists",
        severity: Severity::Medium,
        confidence: Confidence::Likely,
        cwe: &[204],
        owasp: &[OwaspApi::Api2],
        fix: "Answer an unknown account and a wrong password with the same status and message (and a recovery request with the same acknowledgement whether or not the account exists).",
        route_level: true,
    }
}

use std::collections::BTreeSet;

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

use crate::ast_util::{callee_last, dotted, int_value, literal_text, names_in};
use crate::checker::Checker;
use crate::patterns::words;

/// What a function is for, read from its name and its route's path.
#[derive(Clone, Copy, PartialEq)]
enum Purpose {
    Login,
    Recovery,
}

/// Only views answer a client: a function registered by a route decorator, or the HTTP
/// method of a class-based view (`class Login(Resource): def post(self)`), whose class
/// name then says what it is for. Command-line commands (`@click.command`) answer an
/// operator at the terminal.
fn purpose(cx: &Checker<'_>, func: &ast::StmtFunctionDef) -> Option<Purpose> {
    let mut texts = vec![func.name.as_str().to_ascii_lowercase()];
    let routed = func
        .decorator_list
        .iter()
        .any(|d| crate::model::is_route_decorator(&d.expression));
    let method_view = matches!(
        func.name.as_str(),
        "get" | "post" | "put" | "patch" | "delete"
    ) && !cx.classes.is_empty();
    // A module function named for its purpose, with no decorator: a view registered
    // elsewhere (Connexion's `operationId`, `add_url_rule`), or a helper whose answer the
    // view relays.
    let bare = func.decorator_list.is_empty() && cx.classes.is_empty();
    if !routed && !method_view && !bare {
        return None;
    }
    if let Some(class) = cx.classes.last() {
        texts.push(class.name.as_str().to_ascii_lowercase());
    }
    for d in &func.decorator_list {
        crate::ast_util::each_expr(&d.expression, &mut |e| {
            if let Some(t) = crate::ast_util::str_value(e) {
                texts.push(t.to_ascii_lowercase());
            }
        });
    }
    let any = |keys: &[&str]| texts.iter().any(|t| keys.iter().any(|k| t.contains(k)));
    if any(&["forgot", "forget", "reset", "recover", "lost_password", "lost-password"]) {
        return Some(Purpose::Recovery);
    }
    if any(&[
        "login", "signin", "sign_in", "sign-in", "logon", "authenticate", "token", "auth",
    ]) {
        return Some(Purpose::Login);
    }
    None
}

/// The name an absence test is about and whether the test holds when the account is
/// absent: `not user`, `user is None`, `len(rows) == 0` (absent); `user`, `user is not
/// None`, `user and len(user) > 0` (present).
fn absence_test(test: &Expr) -> Option<(&str, bool)> {
    match test {
        Expr::Name(n) => Some((n.id.as_str(), false)),
        Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::Not) => match u.operand.as_ref() {
            Expr::Name(n) => Some((n.id.as_str(), true)),
            Expr::Call(c) if callee_last(c) == Some("len") => match c.arguments.args.first() {
                Some(Expr::Name(n)) => Some((n.id.as_str(), true)),
                _ => None,
            },
            _ => None,
        },
        Expr::Compare(c) if c.comparators.len() == 1 => {
            let right = &c.comparators[0];
            let (subject, none) = match (c.left.as_ref(), right) {
                (Expr::Name(n), Expr::NoneLiteral(_)) => (n.id.as_str(), true),
                (Expr::Call(l), other) if callee_last(l) == Some("len") => {
                    let Some(Expr::Name(n)) = l.arguments.args.first() else {
                        return None;
                    };
                    if int_value(other) != Some(0) {
                        return None;
                    }
                    (n.id.as_str(), false)
                }
                _ => return None,
            };
            let absent = match c.ops[0] {
                ast::CmpOp::Is | ast::CmpOp::Eq => true,
                ast::CmpOp::IsNot | ast::CmpOp::NotEq => false,
                ast::CmpOp::Gt if !none => false,
                _ => return None,
            };
            Some((subject, absent))
        }
        // `user and len(user) > 0`: present when every part says so.
        Expr::BoolOp(b) if matches!(b.op, ast::BoolOp::And) => {
            let parts: Vec<_> = b.values.iter().map(absence_test).collect();
            let first = parts.first().copied().flatten()?;
            (parts.iter().all(|p| *p == Some((first.0, false)))).then_some(first)
        }
        _ => None,
    }
}

/// A lowercase name that speaks of a password.
fn is_password_word(word: &str) -> bool {
    word.contains("passw") || word.contains("pwd")
}

/// The account a function looks up: its local, and the locals taken from it
/// (`password = account[2]`).
struct Subject<'s> {
    name: &'s str,
    names: Vec<&'s str>,
}

impl<'s> Subject<'s> {
    fn of(func: &'s ast::StmtFunctionDef, name: &'s str) -> Subject<'s> {
        let mut names = vec![name];
        for stmt in &func.body {
            crate::ast_util::each_stmt(stmt, &mut |st| {
                if let Stmt::Assign(a) = st
                    && names_in(&a.value).contains(&name)
                {
                    names.extend(a.targets.iter().flat_map(crate::ast_util::target_names));
                }
            });
        }
        Subject { name, names }
    }

    fn named_in(&self, e: &Expr) -> bool {
        names_in(e).iter().any(|n| self.names.contains(n))
    }
}

/// Whether `test` checks a password against `account`'s: a verifier called on it or
/// given its field (`user.check_password(pw)`, `check_password_hash(user["password"],
/// pw)`, `bcrypt.checkpw(pw, user.hash)`), or a comparison of its password with another
/// (`user.password != password`). Holds is whether the test is true when the password is
/// right.
fn password_test(test: &Expr, account: &Subject<'_>) -> Option<bool> {
    let about_account = |e: &Expr| account.named_in(e);
    match test {
        Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::Not) => {
            password_test(&u.operand, account).map(|right| !right)
        }
        Expr::Call(c) => {
            let name = callee_last(c)?.to_ascii_lowercase();
            let verifier = ["check_password", "verify_password", "checkpw", "check_pass"]
                .iter()
                .any(|k| name.contains(k))
                || matches!(name.as_str(), "verify" | "compare_digest" | "check_hash")
                    && c.arguments.args.iter().any(crate::facts::mentions_password);
            (verifier && about_account(test)).then_some(true)
        }
        Expr::Compare(c) if c.comparators.len() == 1 => {
            let sides = [c.left.as_ref(), &c.comparators[0]];
            if !(sides.iter().all(|s| crate::facts::mentions_password(s)) && about_account(test)) {
                return None;
            }
            match c.ops[0] {
                ast::CmpOp::Eq => Some(true),
                ast::CmpOp::NotEq => Some(false),
                _ => None,
            }
        }
        _ => None,
    }
}

/// What a branch answers: its texts, statuses and raised exceptions, and the statement
/// to point at.
struct Answer<'a> {
    sig: BTreeSet<String>,
    at: &'a Stmt,
}

fn norm(text: &str) -> String {
    text.trim()
        .trim_end_matches(['.', '!'])
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The status a named constant stands for (`HTTPStatus.NOT_FOUND`, `client.BAD_REQUEST`,
/// `status.HTTP_401_UNAUTHORIZED`, Flask-AppBuilder's `self.response_404`).
fn named_status(name: &str) -> Option<u16> {
    if let Some(code) = name
        .strip_prefix("HTTP_")
        .or_else(|| name.strip_prefix("response_"))
        .and_then(|r| r.get(..3))
        .and_then(|d| d.parse().ok())
    {
        return Some(code);
    }
    Some(match name {
        "OK" => 200,
        "CREATED" => 201,
        "ACCEPTED" => 202,
        "NO_CONTENT" => 204,
        "FOUND" => 302,
        "SEE_OTHER" => 303,
        "BAD_REQUEST" => 400,
        "UNAUTHORIZED" => 401,
        "FORBIDDEN" => 403,
        "NOT_FOUND" => 404,
        "CONFLICT" => 409,
        "GONE" => 410,
        "UNPROCESSABLE_ENTITY" => 422,
        "TOO_MANY_REQUESTS" => 429,
        _ => return None,
    })
}

fn literals(e: &Expr, out: &mut BTreeSet<String>) {
    crate::ast_util::each_expr(e, &mut |x| {
        if let Some(t) = literal_text(x) {
            out.insert(format!("'{}'", norm(&t)));
        } else if let Some(n) = int_value(x)
            && (100..600).contains(&n)
        {
            out.insert(n.to_string());
        } else if let Expr::Attribute(a) = x
            && let Some(code) = named_status(a.attr.as_str())
        {
            out.insert(code.to_string());
        }
    });
}

/// The answer of `body`: what it returns, raises or aborts with, and what it flashes or
/// keeps in a local as a message before that. None when it answers nothing written here.
fn answer_of<'a>(cx: &Checker<'a>, body: &'a [Stmt]) -> Option<Answer<'a>> {
    let mut sig = BTreeSet::new();
    let mut at = None;
    let mut ends = false;
    for stmt in body {
        match stmt {
            Stmt::Return(r) => {
                if let Some(v) = &r.value {
                    literals(v, &mut sig);
                }
                at.get_or_insert(stmt);
                ends = true;
            }
            Stmt::Raise(r) => {
                if let Some(exc) = &r.exc {
                    if let Some(class) = crate::ast_util::callee_or_dotted(exc) {
                        let last = class.rsplit('.').next().unwrap_or(&class);
                        sig.insert(last.to_owned());
                        // Werkzeug's HTTP errors answer their status.
                        let status = match last {
                            "BadRequest" => Some("400"),
                            "Unauthorized" => Some("401"),
                            "Forbidden" => Some("403"),
                            "NotFound" => Some("404"),
                            "Conflict" => Some("409"),
                            "UnprocessableEntity" => Some("422"),
                            _ => None,
                        };
                        if let Some(status) = status {
                            sig.insert(status.to_owned());
                        }
                    }
                    literals(exc, &mut sig);
                }
                at.get_or_insert(stmt);
                ends = true;
            }
            Stmt::Expr(e) => {
                if let Expr::Call(c) = e.value.as_ref() {
                    if cx.is_logging_call(c) || callee_last(c) == Some("print") {
                        continue;
                    }
                    let before = sig.len();
                    literals(&e.value, &mut sig);
                    if sig.len() > before {
                        at.get_or_insert(stmt);
                    }
                    if matches!(callee_last(c), Some("abort")) {
                        ends = true;
                    }
                }
            }
            Stmt::Assign(a) => {
                if a.targets.iter().all(|t| matches!(t, Expr::Name(_)))
                    && literal_text(&a.value).is_some()
                {
                    literals(&a.value, &mut sig);
                    at.get_or_insert(stmt);
                }
            }
            // A branch of its own that may answer first: what comes after is not
            // what this path answers.
            other => {
                let mut answers = false;
                crate::ast_util::each_stmt(other, &mut |x| {
                    answers |= matches!(x, Stmt::Return(_) | Stmt::Raise(_));
                });
                if answers {
                    return None;
                }
            }
        }
        if ends {
            break;
        }
    }
    let at = at?;
    (!sig.is_empty()).then_some(Answer { sig, at })
}

/// Whether an answer says plainly that the account does not exist, or refuses (a 4xx
/// status) where a known account is served.
fn says_absent(a: &Answer<'_>) -> bool {
    a.sig.iter().any(|s| {
        s.len() == 3 && s.starts_with('4') && s != "429"
            || [
                "not found",
                "not exist",
                "no user",
                "no account",
                "no such",
                "unknown user",
                "unknown email",
                "unknown account",
                "not registered",
                "doesn't exist",
                "does not exist",
                "isn't registered",
            ]
            .iter()
            .any(|k| s.contains(k))
    })
}

/// Whether a statement ends the block (nothing after it runs).
fn terminates(body: &[Stmt]) -> bool {
    body.last().is_some_and(|s| match s {
        Stmt::Return(_) | Stmt::Raise(_) => true,
        Stmt::Expr(e) => {
            matches!(e.value.as_ref(), Expr::Call(c) if callee_last(c) == Some("abort"))
        }
        _ => false,
    })
}

/// The answers found in a function for an absent account and for a wrong password.
#[derive(Default)]
struct Found<'a> {
    absent: Option<Answer<'a>>,
    wrong: Option<Answer<'a>>,
}

/// What a test tells about the account `account` and its password.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Test {
    /// Whether the account exists; true when the test holds for an absent account.
    Absent(bool),
    /// The password check; true when the test holds for the right password.
    Password(bool),
    /// Both at once (`user is None or not ok`, `user and ok`); true when the test holds
    /// on failure.
    Both(bool),
}

fn classify(test: &Expr, account: &Subject<'_>) -> Option<Test> {
    if let Some((name, absent)) = absence_test(test) {
        return (name == account.name).then_some(Test::Absent(absent));
    }
    if let Some(right) = password_test(test, account) {
        return Some(Test::Password(right));
    }
    match test {
        Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::Not) => {
            classify(&u.operand, account).map(|t| match t {
                Test::Absent(b) => Test::Absent(!b),
                Test::Password(b) => Test::Password(!b),
                Test::Both(b) => Test::Both(!b),
            })
        }
        Expr::BoolOp(b) => {
            let parts: Vec<Test> = b
                .values
                .iter()
                .map(|v| classify(v, account))
                .collect::<Option<_>>()?;
            let and = matches!(b.op, ast::BoolOp::And);
            // Under `and`, each part holds on success (present, right); under `or`, each
            // part holds on failure (absent, wrong).
            let on_failure = !and;
            let absence = parts.contains(&Test::Absent(on_failure));
            let password = parts.contains(&Test::Password(!on_failure));
            let both = parts.contains(&Test::Both(on_failure));
            if parts.iter().all(|p| {
                matches!(p, Test::Absent(x) if *x == on_failure)
                    || matches!(p, Test::Password(x) if *x != on_failure)
                    || matches!(p, Test::Both(x) if *x == on_failure)
            }) {
                return if both || absence && password {
                    Some(Test::Both(on_failure))
                } else if absence {
                    Some(Test::Absent(on_failure))
                } else {
                    Some(Test::Password(!on_failure))
                };
            }
            // `user and not ok`: the account exists and the password is wrong.
            if and
                && parts
                    .iter()
                    .all(|p| matches!(p, Test::Absent(false) | Test::Password(false)))
            {
                return Some(Test::Password(false));
            }
            None
        }
        _ => None,
    }
}

fn walk<'a>(cx: &Checker<'a>, body: &'a [Stmt], account: &Subject<'_>, found: &mut Found<'a>) {
    for (i, stmt) in body.iter().enumerate() {
        let rest = &body[i + 1..];
        match stmt {
            Stmt::If(s) => {
                let mut clauses: Vec<(Option<&'a Expr>, &'a [Stmt])> =
                    vec![(Some(s.test.as_ref()), s.body.as_slice())];
                clauses.extend(
                    s.elif_else_clauses
                        .iter()
                        .map(|c| (c.test.as_ref(), c.body.as_slice())),
                );
                for (k, (test, branch)) in clauses.iter().enumerate() {
                    if let Some(test) = test
                        && let Some(kind) = classify(test, account)
                    {
                        // The branch taken when the test fails: the next `else`, or what
                        // follows the `if` when this branch ends the function's path.
                        let otherwise = || match clauses.get(k + 1) {
                            Some((None, b)) => answer_of(cx, b),
                            None if terminates(branch) => answer_of(cx, rest),
                            _ => None,
                        };
                        let this = || answer_of(cx, branch);
                        match kind {
                            Test::Absent(holds) if found.absent.is_none() => {
                                found.absent = if holds { this() } else { otherwise() };
                            }
                            Test::Password(right) if found.wrong.is_none() => {
                                found.wrong = if right { otherwise() } else { this() };
                            }
                            // One answer for both cases, where neither was answered yet.
                            Test::Both(failure)
                                if found.absent.is_none() && found.wrong.is_none() =>
                            {
                                let shared = if failure { this() } else { otherwise() };
                                if let Some(a) = shared {
                                    found.wrong = Some(Answer {
                                        sig: a.sig.clone(),
                                        at: a.at,
                                    });
                                    found.absent = Some(a);
                                }
                            }
                            _ => {}
                        }
                    }
                    walk(cx, branch, account, found);
                }
            }
            Stmt::Try(t) => {
                // `try: user = User.objects.get(email=e) except DoesNotExist: return ...`
                let looks_up = t.body.iter().any(|s| {
                    matches!(s, Stmt::Assign(a) if a.targets.iter().any(|x| matches!(x, Expr::Name(n) if n.id.as_str() == account.name)))
                });
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    let missing = h.type_.as_deref().and_then(dotted).is_some_and(|n| {
                        let n = n.to_ascii_lowercase();
                        ["doesnotexist", "noresultfound", "notfound", "keyerror", "indexerror"]
                            .iter()
                            .any(|k| n.contains(k))
                    });
                    if looks_up && missing && found.absent.is_none() {
                        found.absent = answer_of(cx, &h.body);
                    }
                    walk(cx, &h.body, account, found);
                }
                walk(cx, &t.body, account, found);
                walk(cx, &t.orelse, account, found);
                walk(cx, &t.finalbody, account, found);
            }
            Stmt::With(w) => walk(cx, &w.body, account, found),
            Stmt::For(f) => walk(cx, &f.body, account, found),
            Stmt::While(w) => walk(cx, &w.body, account, found),
            _ => {}
        }
    }
}

/// A refusal of the function's own body that comes after the account lookup's "unknown"
/// answer and before the password check, tests the account (`if user.disabled:`, `if
/// maintenance and user.login != admin:`) and answers otherwise than an unknown account:
/// it tells an existing account without its password.
fn answered_before_password<'a>(
    cx: &Checker<'a>,
    func: &'a ast::StmtFunctionDef,
    account: &Subject<'_>,
    absent: &Answer<'a>,
    wrong: &Answer<'a>,
) -> Option<Answer<'a>> {
    let holds = |st: &Stmt, inner: &Stmt| st.range().contains_range(inner.range());
    let first = func.body.iter().position(|st| holds(st, absent.at))?;
    let last = func.body.iter().position(|st| holds(st, wrong.at))?;
    for st in func.body.get(first + 1..last)? {
        let Stmt::If(s) = st else { continue };
        if !s.elif_else_clauses.is_empty()
            || !account.named_in(&s.test)
            || classify(&s.test, account).is_some()
            || !terminates(&s.body)
        {
            continue;
        }
        let Some(early) = answer_of(cx, &s.body) else {
            continue;
        };
        if early.sig != absent.sig {
            return Some(early);
        }
    }
    None
}

/// The locals a function tests for absence, in order (the account candidates).
fn tested_locals(body: &[Stmt]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    fn add<'b>(out: &mut Vec<&'b str>, n: &'b str) {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    for stmt in body {
        crate::ast_util::each_stmt(stmt, &mut |s| {
            let tests: Vec<&Expr> = match s {
                Stmt::If(i) => std::iter::once(i.test.as_ref())
                    .chain(i.elif_else_clauses.iter().filter_map(|c| c.test.as_ref()))
                    .collect(),
                // `user = User.query.filter_by(...).first_or_404()`: absent is a 404.
                Stmt::Assign(a)
                    if matches!(a.value.as_ref(), Expr::Call(c) if callee_last(c).is_some_and(|n| n.ends_with("_or_404"))) =>
                {
                    for n in a.targets.iter().flat_map(crate::ast_util::target_names) {
                        add(&mut out, n);
                    }
                    Vec::new()
                }
                // `try: user = User.objects.get(...)`: absent when it raises.
                Stmt::Try(t) => {
                    for x in &t.body {
                        if let Stmt::Assign(a) = x {
                            for n in a.targets.iter().flat_map(crate::ast_util::target_names) {
                                add(&mut out, n);
                            }
                        }
                    }
                    Vec::new()
                }
                _ => Vec::new(),
            };
            for t in tests {
                let parts: Vec<&Expr> = match t {
                    Expr::BoolOp(b) => b.values.iter().collect(),
                    other => vec![other],
                };
                for p in parts.into_iter().chain(std::iter::once(t)) {
                    if let Some((n, _)) = absence_test(p) {
                        add(&mut out, n);
                    }
                }
            }
        });
    }
    out
}

/// Whether the account `name` is looked up by what the caller sent (the request, or a
/// local named for an email, user name, login or phone): not by a token.
fn looked_up_by_identifier(func: &ast::StmtFunctionDef, name: &str) -> bool {
    let values = crate::facts::values_assigned(&func.body, name);
    // A lookup by a secret the caller holds (`verify_reset_token(args["token"])`, `…
    // WHERE username = %s AND reset_pin = %s`): "not found" means the secret is wrong.
    let by_secret = values.iter().any(|v| {
        crate::ast_util::any_expr(v, &mut |x| {
            let text = match x {
                Expr::Name(n) => n.id.to_string(),
                Expr::Attribute(a) => a.attr.to_string(),
                other => match literal_text(other) {
                    Some(t) => t.into_owned(),
                    None => return false,
                },
            };
            let t = text.to_ascii_lowercase();
            ["token", "pin", "code", "hash", "nonce", "otp", "secret", "key"]
                .iter()
                .any(|k| words(&t).iter().any(|w| w == k))
        })
    });
    !by_secret
        && values.iter().any(|v| {
            names_in(v).iter().any(|n| {
                let ws = words(n);
                ws.iter().any(|w| {
                    matches!(
                        w.as_str(),
                        "request" | "email" | "username" | "login" | "phone" | "mobile" | "data"
                            | "form" | "args" | "payload" | "body" | "json" | "identifier"
                    )
                }) || matches!(*n, "user_name" | "name")
            }) || crate::ast_util::any_expr(v, &mut |x| {
                matches!(x, Expr::Attribute(a) if matches!(a.attr.as_str(), "email" | "username" | "data" | "json" | "form"))
            })
        })
}

/// Whether the local `name` holds a looked-up record: it is given values in the function
/// and none is a field of what the caller sent (`data.get("email")`, `form["password"]`),
/// which is the input, not the account; nor is it named for a password.
fn holds_record(func: &ast::StmtFunctionDef, name: &str) -> bool {
    let values = crate::facts::values_assigned(&func.body, name);
    let field_read = |v: &Expr| match v {
        Expr::Call(c) => {
            matches!(callee_last(c), Some("get" | "getlist"))
                && c.arguments.args.first().is_some_and(|a| literal_text(a).is_some())
        }
        Expr::Subscript(s) => literal_text(&s.slice).is_some(),
        Expr::Attribute(a) => dotted(&a.value).is_some_and(|d| d.starts_with("request")),
        _ => false,
    };
    !values.is_empty()
        && !values.iter().any(|v| field_read(v))
        && !is_password_word(&name.to_ascii_lowercase())
}

fn check_function<'a>(cx: &mut Checker<'a>, func: &'a ast::StmtFunctionDef) {
    if !cx.web {
        return;
    }
    let Some(purpose) = purpose(cx, func) else {
        return;
    };
    // Only a caller already checked reaches it (an admin API resetting a named user's
    // password behind `validate_admin_api_key(...)`): nobody anonymous can try names.
    if crate::model::guarded_by_name(func) {
        return;
    }
    for account in tested_locals(&func.body) {
        if !holds_record(func, account) {
            continue;
        }
        let mut found = Found::default();
        let subject = Subject::of(func, account);
        walk(cx, &func.body, &subject, &mut found);
        // `User.query.filter_by(...).first_or_404()`: an unknown account is a 404.
        if found.absent.is_none()
            && let Some(at) = func.body.iter().find(|st| {
                matches!(st, Stmt::Assign(a)
                    if a.targets.iter().any(|t| matches!(t, Expr::Name(n) if n.id.as_str() == account))
                    && matches!(a.value.as_ref(), Expr::Call(c) if callee_last(c).is_some_and(|n| n.ends_with("_or_404"))))
            })
        {
            found.absent = Some(Answer {
                sig: BTreeSet::from(["404".to_owned()]),
                at,
            });
        }
        let Some(absent) = found.absent else {
            continue;
        };
        match purpose {
            Purpose::Login => {
                let Some(wrong) = found.wrong else {
                    continue;
                };
                // One answer against another, each named by its line.
                let report = |cx: &mut Checker<'a>, here: &'a Stmt, there: &'a Stmt, what: &str| {
                    let (h, t) = (cx.file.line_of(here.start()), cx.file.line_of(there.start()));
                    let what = what.replace("{h}", &h.to_string()).replace("{t}", &t.to_string());
                    cx.report(
                        &SC122,
                        here,
                        format!("{what}: whoever tries a name learns whether it has an account"),
                    );
                };
                if absent.sig == wrong.sig {
                    // The same words for both, but a refusal between the lookup and the
                    // password check (a disabled account, maintenance for all but the
                    // administrator) answers an existing account before its password.
                    if let Some(early) = answered_before_password(cx, func, &subject, &absent, &wrong) {
                        report(
                            cx,
                            early.at,
                            absent.at,
                            "an existing account is answered here (line {h}) before its password is checked, otherwise than an unknown one (line {t})",
                        );
                        return;
                    }
                    continue;
                }
                report(
                    cx,
                    absent.at,
                    wrong.at,
                    "an unknown account is answered here (line {h}) otherwise than a wrong password (line {t})",
                );
                return;
            }
            Purpose::Recovery => {
                if found.wrong.is_some()
                    || !says_absent(&absent)
                    || !looked_up_by_identifier(func, account)
                {
                    continue;
                }
                cx.report(
                    &SC122,
                    absent.at,
                    "the recovery request says when no account has the email or name it was given: whoever asks learns which accounts exist",
                );
                return;
            }
        }
    }
}

hooks! {
    on_function => check_function,
    concerns_its_view => true,
}
