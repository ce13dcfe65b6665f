//! Whether the project is a web application, told from its files' text before any is
//! parsed: the route analysis then needs every tree, which is kept. Elsewhere (a library,
//! a standard library scanned whole) each file's tree, text and line index are dropped as
//! soon as the file is summarized: what the project rules need from it is in its summary
//! ([`crate::rules::Rule::on_file`]), so memory does not grow with the project.

/// Whether a module imports a web framework (an `import` or `from` line naming one) or
/// registers a route (`@bp.route(`, `@api.get("/`, `add_url_rule(`, `add_resource(`, as
/// in a package scanned without the module that makes its app): the project is then a web
/// application and keeps every tree.
pub(crate) fn web_text(text: &str) -> bool {
    const FRAMEWORKS: &[&str] = &[
        "flask",
        "flask_restful",
        "flask_restx",
        "flask_smorest",
        "apifairy",
        "werkzeug",
        "connexion",
        "quart",
        "fastapi",
        "django",
        "falcon",
        "bottle",
        "sanic",
        "starlette",
        "tornado",
        "aiohttp",
        "pyramid",
        "cherrypy",
        "litestar",
    ];
    let is_framework = |name: &str| {
        let top: String = name
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        FRAMEWORKS.contains(&top.as_str()) || top.starts_with("flask_")
    };
    let registers_route = |line: &str| {
        if line.contains("add_url_rule(") || line.contains("add_resource(") {
            return true;
        }
        let Some(decorator) = line.strip_prefix('@') else {
            return false;
        };
        let Some((callee, args)) = decorator.split_once('(') else {
            return false;
        };
        let verb = callee.rsplit('.').next().unwrap_or(callee);
        let path = args.trim_start().trim_start_matches(['"', '\'']);
        callee.contains('.')
            && (verb == "route"
                || matches!(verb, "get" | "post" | "put" | "patch" | "delete")
                    && args.trim_start().starts_with(['"', '\''])
                    && path.starts_with('/'))
    };
    text.lines().any(|line| {
        let line = line.trim_start();
        if registers_route(line) {
            return true;
        }
        if let Some(rest) = line.strip_prefix("from ") {
            return is_framework(rest);
        }
        // `import os, flask`: every module of the line.
        line.strip_prefix("import ")
            .is_some_and(|rest| rest.split(',').any(is_framework))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn web_applications_are_told_by_their_imports() {
        assert!(super::web_text("import os\nfrom flask import Flask\n"));
        assert!(super::web_text("    import flask_login"));
        assert!(!super::web_text("# a flask of water\nimport bottleneck\n"));
        assert!(super::web_text("import os, flask\n"));
        assert!(super::web_text(
            "try:\n    from werkzeug.security import check_password_hash\n"
        ));
    }

    #[test]
    fn and_by_their_route_registrations() {
        assert!(super::web_text(
            "from . import bp\n\n@bp.route('/notes')\ndef notes(): ..."
        ));
        assert!(super::web_text(
            "@api.get(\"/users/<int:id>\")\ndef user(id): ..."
        ));
        assert!(super::web_text("app.add_url_rule('/x', view_func=v)"));
        assert!(super::web_text("api.add_resource(Notes, '/notes')"));
        assert!(!super::web_text(
            "@mock.patch('os.path.exists')\ndef test(m): ..."
        ));
        assert!(!super::web_text(
            "@functools.cache\ndef f(): ...\nd.get('/x')"
        ));
    }
}
