//! The code rules (SC1xx): one file per rule, holding its metadata, docs and check.
//!
//! A rule is a unit struct `Check` implementing [`Rule`]: it overrides the hooks it needs
//! (every hook does nothing by default) and is listed once in the [`rules!`] registry
//! below, which declares its module, adds its metadata to the catalog ([`RULES`]) and its
//! hooks to the dispatch ([`REGISTRY`]). The dispatcher (`checker.rs` for the file-local
//! hooks, `lib.rs` for the project hooks) decides whether a rule runs: a hook is called
//! only when its rule is enabled and never on a test file, so rules do not check either.

use ruff_python_ast::{self as ast, Expr, Stmt};
use spillcheck_core::{Finding, RuleMeta};

use crate::checker::Checker;
use crate::project::{Project, SourceFile, Summary};

/// The enabled rules, in id order: computed once per analysis for every dispatch.
pub(crate) fn enabled(enabled: &(dyn Fn(&str) -> bool + Sync)) -> Vec<&'static dyn Rule> {
    REGISTRY
        .iter()
        .filter(|(meta, _)| enabled(meta.id))
        .map(|(_, rule)| *rule)
        .collect()
}

/// A committed environment file Flask reads at start-up, with what the project's
/// deployment files say of how it is served.
pub(crate) struct EnvFile<'a> {
    /// Its path relative to the scan root.
    pub rel: &'a str,
    /// Its text.
    pub text: &'a str,
    /// The deployment file that starts a production WSGI server, and the server's name.
    pub served_by: Option<&'a (String, &'static str)>,
}

/// A code rule's hooks. File-local hooks are called during the one walk over each file's
/// tree, in the order the nodes come; [`Rule::on_file`] once per file after that walk;
/// [`Rule::on_project`] once the whole project is modelled (routes, function facts, data
/// models, ownership).
pub(crate) trait Rule: Sync {
    /// A function definition, before its decorators and body are walked.
    fn on_function<'a>(&self, _cx: &mut Checker<'a>, _func: &'a ast::StmtFunctionDef) {}
    /// An `if` statement, before its test and branches are walked.
    fn on_if<'a>(&self, _cx: &mut Checker<'a>, _stmt: &'a ast::StmtIf) {}
    /// An assignment, plain or annotated (`x = v`, `x: T = v`), with its targets. Findings
    /// reported here in a development or test configuration class (or a module named for
    /// development) are lowered to
    /// `possible` by the dispatcher.
    fn on_assign<'a>(&self, _cx: &mut Checker<'a>, _targets: &'a [Expr], _value: &'a Expr) {}
    /// A `return` with a value, or an `abort(code, description)` statement (Flask answers
    /// with it as with a return; `value` is then the call).
    fn on_return<'a>(&self, _cx: &mut Checker<'a>, _stmt: &'a Stmt, _value: &'a Expr) {}
    /// A `for` loop.
    fn on_for<'a>(&self, _cx: &mut Checker<'a>, _stmt: &'a ast::StmtFor) {}
    /// A list comprehension or a generator expression.
    fn on_comprehension<'a>(&self, _cx: &mut Checker<'a>, _expr: &'a Expr) {}
    /// A string literal (docstrings are skipped by the walk).
    fn on_string<'a>(&self, _cx: &mut Checker<'a>, _lit: &'a ast::ExprStringLiteral) {}
    /// A subscript (`request.args["token"]`).
    fn on_subscript<'a>(&self, _cx: &mut Checker<'a>, _sub: &'a ast::ExprSubscript) {}
    /// A call.
    fn on_call<'a>(&self, _cx: &mut Checker<'a>, _call: &'a ast::ExprCall) {}
    /// A committed environment file Flask reads at start-up (`.flaskenv`, `.env`).
    fn on_env_file(&self, _file: &EnvFile<'_>, _findings: &mut Vec<Finding>) {}
    /// A parsed file of the project's own code, once, before its tree may be dropped:
    /// what a project rule needs from the file goes into `summary` (findings drawn from
    /// the file alone, facts to settle in [`Rule::on_project`]). Called for every file,
    /// also under `--only` (the project rules see the whole project).
    fn on_file(&self, _file: &SourceFile, _module: &ast::ModModule, _summary: &mut Summary) {}
    /// The whole project, once every file is read and the model is built.
    fn on_project(&self, _project: &Project<'_>, _findings: &mut Vec<Finding>) {}
    /// Whether a finding of this rule inside a view's handler concerns that view's route
    /// (the scan joins it only with what the probe saw there).
    fn concerns_its_view(&self) -> bool {
        false
    }
}

/// A rule's `Check` whose hooks hand each node to the rule's own functions:
/// `hooks! { on_call => check_call, on_assign => check_assign }`. `concerns_its_view =>
/// true` says its findings in a view concern that view's route.
macro_rules! hooks {
    ($($hook:ident => $target:expr),* $(,)?) => {
        /// The rule's hooks (see [`crate::rules::Rule`]).
        pub(crate) struct Check;

        impl crate::rules::Rule for Check {
            $(hook!($hook => $target);)*
        }
    };
}

/// One hook of [`hooks!`].
macro_rules! hook {
    (on_function => $f:expr) => {
        fn on_function<'a>(
            &self,
            cx: &mut crate::checker::Checker<'a>,
            func: &'a ruff_python_ast::StmtFunctionDef,
        ) {
            $f(cx, func);
        }
    };
    (on_if => $f:expr) => {
        fn on_if<'a>(
            &self,
            cx: &mut crate::checker::Checker<'a>,
            stmt: &'a ruff_python_ast::StmtIf,
        ) {
            $f(cx, stmt);
        }
    };
    (on_assign => $f:expr) => {
        fn on_assign<'a>(
            &self,
            cx: &mut crate::checker::Checker<'a>,
            targets: &'a [ruff_python_ast::Expr],
            value: &'a ruff_python_ast::Expr,
        ) {
            $f(cx, targets, value);
        }
    };
    (on_return => $f:expr) => {
        fn on_return<'a>(
            &self,
            cx: &mut crate::checker::Checker<'a>,
            stmt: &'a ruff_python_ast::Stmt,
            value: &'a ruff_python_ast::Expr,
        ) {
            $f(cx, stmt, value);
        }
    };
    (on_for => $f:expr) => {
        fn on_for<'a>(
            &self,
            cx: &mut crate::checker::Checker<'a>,
            stmt: &'a ruff_python_ast::StmtFor,
        ) {
            $f(cx, stmt);
        }
    };
    (on_comprehension => $f:expr) => {
        fn on_comprehension<'a>(
            &self,
            cx: &mut crate::checker::Checker<'a>,
            expr: &'a ruff_python_ast::Expr,
        ) {
            $f(cx, expr);
        }
    };
    (on_string => $f:expr) => {
        fn on_string<'a>(
            &self,
            cx: &mut crate::checker::Checker<'a>,
            lit: &'a ruff_python_ast::ExprStringLiteral,
        ) {
            $f(cx, lit);
        }
    };
    (on_subscript => $f:expr) => {
        fn on_subscript<'a>(
            &self,
            cx: &mut crate::checker::Checker<'a>,
            sub: &'a ruff_python_ast::ExprSubscript,
        ) {
            $f(cx, sub);
        }
    };
    (on_call => $f:expr) => {
        fn on_call<'a>(
            &self,
            cx: &mut crate::checker::Checker<'a>,
            call: &'a ruff_python_ast::ExprCall,
        ) {
            $f(cx, call);
        }
    };
    (concerns_its_view => $v:expr) => {
        fn concerns_its_view(&self) -> bool {
            $v
        }
    };
}

/// The registry: one line a rule, `module: METADATA`, in id order. Generates the module
/// declarations, the catalog list and the dispatch list.
macro_rules! rules {
    ($($module:ident: $meta:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// Every rule of this crate, in id order.
        pub static RULES: &[&RuleMeta] = &[$(&$module::$meta),*];

        /// Every rule with its hooks, in id order.
        pub(crate) static REGISTRY: &[(&RuleMeta, &dyn Rule)] = &[$((&$module::$meta, &$module::Check)),*];
    };
}

rules![
    sc101_route_without_auth: SC101,
    sc102_object_id_without_ownership_check: SC102,
    sc103_token_verifier_accepts_anything: SC103,
    sc104_jwt_signature_not_verified: SC104,
    sc105_jwt_none_algorithm_allowed: SC105,
    sc106_token_read_from_query_string: SC106,
    sc107_token_issued_without_expiry: SC107,
    sc108_secret_in_token_payload: SC108,
    sc109_token_in_redirect_url: SC109,
    sc110_authorization_header_logged: SC110,
    sc111_sensitive_value_logged: SC111,
    sc112_token_cookie_readable_by_scripts: SC112,
    sc120_debug_mode_enabled: SC120,
    sc121_exception_details_in_response: SC121,
    sc122_account_existence_revealed: SC122,
    sc130_hardcoded_secret_key: SC130,
    sc131_hardcoded_credential: SC131,
    sc140_sensitive_field_serialized: SC140,
    sc141_whole_record_serialized: SC141,
    sc142_mass_assignment_from_request: SC142,
    sc150_plaintext_secret_storage: SC150,
    sc160_insecure_transport_config: SC160,
    sc161_cors_wildcard_with_credentials: SC161,
    sc170_sensitive_file_served: SC170,
];
