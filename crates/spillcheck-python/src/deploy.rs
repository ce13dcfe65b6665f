//! How a project is served in production, read from its deployment files: a `Procfile`,
//! a `Dockerfile`, a compose file, a start script or a WSGI server's configuration that
//! starts a production WSGI server (gunicorn, uWSGI, Waitress, …). Settings only the
//! development server reads (`FLASK_DEBUG` in `.flaskenv`, which `flask run` loads) do
//! not reach such a deployment.

use crate::files::{self, FoundFile};

/// WSGI/ASGI servers a deployment starts instead of Flask's development server.
const SERVERS: &[&str] = &[
    "gunicorn",
    "uwsgi",
    "waitress-serve",
    "waitress.serve",
    "hypercorn",
    "uvicorn",
    "mod_wsgi",
    "bjoern",
    "cheroot",
];

/// Whether a file's name says it deploys or starts the application.
fn is_deployment_file(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name.as_str(), ""));
    let yaml = matches!(ext, "yml" | "yaml");
    name == "procfile"
        || name.starts_with("dockerfile")
        || ext == "dockerfile"
        || yaml && (stem.starts_with("docker-compose") || stem == "compose" || stem == "app")
        || matches!(ext, "sh" | "service")
        || ext == "ini" && stem.starts_with("uwsgi")
        || ext == "py" && stem.starts_with("gunicorn")
        || name == "supervisord.conf"
        || name == "fly.toml"
}

/// The first deployment file that starts a production server, with the server's name
/// (`("Procfile", "gunicorn")`). Comment lines do not count.
pub(crate) fn production_server(found: &[FoundFile]) -> Option<(String, &'static str)> {
    found
        .iter()
        .filter(|f| is_deployment_file(&f.rel))
        .find_map(|f| {
            let text = files::read_text(&f.path, 256 * 1024).ok()?;
            let server = text
                .lines()
                .map(str::trim_start)
                .filter(|l| !l.starts_with('#'))
                .find_map(|l| {
                    let lower = l.to_ascii_lowercase();
                    SERVERS.iter().find(|s| lower.contains(*s)).copied()
                })?;
            Some((f.rel.clone(), server))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_files_by_name() {
        for yes in [
            "Procfile",
            "deploy/Dockerfile",
            "Dockerfile.prod",
            "docker-compose.yml",
            "boot.sh",
            "uwsgi.ini",
            "gunicorn.conf.py",
        ] {
            assert!(is_deployment_file(yes), "{yes}");
        }
        for no in ["requirements.txt", "app.py", "README.md", ".flaskenv"] {
            assert!(!is_deployment_file(no), "{no}");
        }
    }
}
