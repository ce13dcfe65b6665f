//! What a view does that a scanner must not trigger: dropping or creating tables, deleting
//! records, logging the caller out. (`session.clear()` is not one: logins clear the session
//! before they fill it.) The probe never sends such an
//! operation (`spillcheck scan`, `--source`), whatever its path says.

use ruff_python_ast::visitor::{Visitor, walk_expr};
use ruff_python_ast::{self as ast, Expr};

use crate::ast_util::{callee_last, dotted, literal_text};

/// The first side effect `func`'s own body has, in words for a diagnostic.
pub(crate) fn side_effect(func: &ast::StmtFunctionDef) -> Option<&'static str> {
    struct V(Option<&'static str>);
    impl<'a> Visitor<'a> for V {
        fn visit_expr(&mut self, e: &'a Expr) {
            if self.0.is_some() {
                return;
            }
            if let Expr::Call(c) = e {
                let callee = dotted(&c.func).unwrap_or_default();
                self.0 = match callee_last(c) {
                    Some("drop_all" | "create_all" | "drop_table" | "reflect_and_drop") => {
                        Some("drops or creates tables")
                    }
                    Some("logout_user" | "unset_jwt_cookies" | "revoke_token") => {
                        Some("logs the caller out")
                    }
                    Some("delete") if callee.ends_with("session.delete") => Some("deletes records"),
                    _ => None,
                };
            }
            if self.0.is_none()
                && let Some(text) = literal_text(e)
            {
                let t = text.trim_start().to_ascii_uppercase();
                if t.starts_with("DROP TABLE")
                    || t.starts_with("TRUNCATE")
                    || t.starts_with("DELETE FROM")
                {
                    self.0 = Some("deletes records");
                }
            }
            walk_expr(self, e);
        }
    }
    let mut v = V(None);
    for stmt in &func.body {
        v.visit_stmt(stmt);
        if v.0.is_some() {
            break;
        }
    }
    // A login that signs the caller out when the credentials fail is a login: the probe
    // sends it (it is how the users sign in, and its answers are checked).
    if v.0 == Some("logs the caller out") && logs_in(func) {
        return None;
    }
    v.0
}

/// Whether `func` signs someone in (`login_user(user)`).
fn logs_in(func: &ast::StmtFunctionDef) -> bool {
    struct L(bool);
    impl<'a> Visitor<'a> for L {
        fn visit_expr(&mut self, e: &'a Expr) {
            if let Expr::Call(c) = e
                && callee_last(c) == Some("login_user")
            {
                self.0 = true;
            }
            walk_expr(self, e);
        }
    }
    let mut l = L(false);
    for stmt in &func.body {
        l.visit_stmt(stmt);
    }
    l.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruff_python_ast::Stmt;

    fn of(src: &str) -> Option<&'static str> {
        let parsed = ruff_python_parser::parse_module(src).unwrap();
        let module = parsed.into_syntax();
        let Stmt::FunctionDef(f) = &module.body[0] else {
            panic!("a function first")
        };
        side_effect(f)
    }

    #[test]
    fn destructive_handlers() {
        assert_eq!(
            of("def reset():\n    db.drop_all()\n    db.create_all()\n    return 'ok'\n"),
            Some("drops or creates tables")
        );
        assert_eq!(
            of("def out():\n    logout_user()\n    return redirect('/')\n"),
            Some("logs the caller out")
        );
        assert_eq!(
            of(
                "def do_login():\n    if ok and login_user(user):\n        return redirect('/')\n    logout_user()\n    return redirect('/')\n"
            ),
            None
        );
        assert_eq!(
            of("def purge():\n    db.execute('DELETE FROM notes')\n    return ''\n"),
            Some("deletes records")
        );
        assert_eq!(
            of("def login():\n    session.clear()\n    session['user_id'] = 1\n    return ''\n"),
            None
        );
        assert_eq!(
            of("def read(id):\n    cache.clear()\n    return jsonify(Note.query.get(id))\n"),
            None
        );
        assert_eq!(
            of("def notes():\n    return db.execute('SELECT * FROM notes WHERE deleted = 0')\n"),
            None
        );
    }
}
