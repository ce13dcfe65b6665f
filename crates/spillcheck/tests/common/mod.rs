//! Helpers shared by the CLI integration tests.
#![allow(dead_code, reason = "each test file uses a different subset")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root.
pub(crate) fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_owned()
}

/// Runs the spillcheck binary in `dir` (with `NO_COLOR` cleared so colour logic is real).
pub(crate) fn run(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spillcheck"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("spillcheck runs")
}

/// Standard error as text.
pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Standard output parsed as JSON.
pub(crate) fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stderr(o)))
}

pub(crate) fn python() -> PathBuf {
    let p = workspace().join(".venv/bin/python");
    assert!(
        p.exists(),
        "{} missing: run scripts/setup.sh first",
        p.display()
    );
    p
}

pub(crate) struct Testbed {
    pub(crate) pid: u32,
    pub(crate) port: u16,
    pub(crate) state: tempfile::TempDir,
}

impl Drop for Testbed {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.pid.to_string()).status();
    }
}

pub(crate) fn start(name: &str) -> Testbed {
    start_with(name, &[])
}

/// Starts a testbed with extra environment (e.g. the hardened app's `NOTES_JWT_SECRET`).
pub(crate) fn start_with(name: &str, env: &[(&str, &str)]) -> Testbed {
    let port = free_port();
    let state = tempfile::tempdir().unwrap();
    let out = Command::new("bash")
        .arg(workspace().join("testbeds/run.sh"))
        .args([name, &port.to_string()])
        .arg(state.path())
        .env("SPILLCHECK_VENV", workspace().join(".venv"))
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{name} did not start: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pid = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    Testbed { pid, port, state }
}

pub(crate) fn login(bed: &Testbed, user: &str) -> String {
    let out = Command::new(python())
        .arg(workspace().join("testbeds/login.py"))
        .args([format!("http://127.0.0.1:{}", bed.port), user.to_owned()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

impl Testbed {
    /// The base URL.
    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A `--token-cmd` that logs `user` in.
    pub(crate) fn token_cmd(&self, user: &str) -> String {
        format!(
            "{} {} {} {user}",
            python().display(),
            workspace().join("testbeds/login.py").display(),
            self.url()
        )
    }
}

/// A port nothing listens on (yet).
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Whether a report holds SC303's finding on an untimed itsdangerous token.
pub(crate) fn reports_untimed_itsdangerous(report: &serde_json::Value) -> bool {
    report["findings"].as_array().is_some_and(|all| {
        all.iter().any(|f| {
            f["rule_id"] == "SC303"
                && f["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("itsdangerous"))
        })
    })
}
