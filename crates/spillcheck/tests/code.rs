//! `spillcheck code` and `spillcheck routes` through the real binary, on the testbeds
//! and on hostile trees.

mod common;

use common::{json, run, stderr, workspace};

#[test]
fn leaky_testbed_fails_the_gate_hardened_passes() {
    let root = workspace();
    let leaky = run(&["code", "testbeds/leaky-notes", "--format", "json"], &root);
    assert_eq!(leaky.status.code(), Some(1), "{}", stderr(&leaky));
    let v = json(&leaky);
    let rules: std::collections::BTreeSet<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    for rule in [
        "SC101", "SC102", "SC103", "SC104", "SC105", "SC106", "SC110", "SC111", "SC120", "SC121",
        "SC130", "SC131", "SC140", "SC141", "SC150", "SC160", "SC161", "SC170",
    ] {
        assert!(rules.contains(rule), "{rule} missing on leaky-notes");
    }
    assert_eq!(v["grade"], "F");
    // The hard-coded JWT secret is never printed whole, in any format.
    for format in ["text", "json", "sarif", "junit", "markdown"] {
        let o = run(&["code", "testbeds/leaky-notes", "--format", format], &root);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            !out.contains("\"super-secret\""),
            "{format} shows the JWT secret"
        );
        assert!(
            !out.contains("notes-dev-secret-key-2024"),
            "{format} shows the SECRET_KEY"
        );
        assert!(
            !out.contains("Adm1n-Pa55!"),
            "{format} shows the admin password"
        );
    }
    let hardened = run(
        &["code", "testbeds/hardened-notes", "--format", "json"],
        &root,
    );
    assert_eq!(hardened.status.code(), Some(0), "{}", stderr(&hardened));
    assert_eq!(json(&hardened)["findings"].as_array().unwrap().len(), 0);
    assert_eq!(json(&hardened)["score"], 100);
}

#[test]
fn routes_inventory_json() {
    let o = run(
        &["routes", "testbeds/leaky-notes", "--format", "json"],
        &workspace(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    let routes = v["routes"].as_array().unwrap();
    let find = |method: &str, path: &str| {
        routes
            .iter()
            .find(|r| {
                r["path"] == path && r["methods"].as_array().unwrap().iter().any(|m| m == method)
            })
            .unwrap_or_else(|| panic!("{method} {path} not in the inventory"))
    };
    assert_eq!(
        find("GET", "/api/notes/{note_id}")["owner_check"],
        "missing"
    );
    assert_eq!(
        find("GET", "/api/notes/{note_id}")["auth"]["kind"],
        "decorator"
    );
    assert_eq!(
        find("GET", "/api/exports/{export_id}/download")["auth"]["kind"],
        "exempt"
    );
    assert_eq!(find("GET", "/api/stats")["auth"]["kind"], "none");
    assert_eq!(find("GET", "/api/exports")["auth"]["kind"], "hook");
    assert_eq!(
        find("GET", "/api/notes/{note_id}")["params"][0]["converter"],
        "int"
    );
    assert!(routes.len() >= 20, "{} routes", routes.len());
}

#[test]
fn inline_suppression_and_baseline_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.py"),
        "from flask import Flask, session\napp = Flask(__name__)\napp.config['SECRET_KEY'] = 'hunter2-hunter2'  # spillcheck: ignore[SC130] demo key\napp.run(debug=True)\n",
    )
    .unwrap();
    let o = run(&["code", ".", "--format", "json"], dir.path());
    let v = json(&o);
    assert_eq!(v["suppressed"], 1);
    let ids: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["SC120"]);
    // Accept it, move the line, and it is still known.
    assert_eq!(
        run(&["code", ".", "--write-baseline", "b.json"], dir.path())
            .status
            .code(),
        Some(0)
    );
    std::fs::write(
        dir.path().join("app.py"),
        "from flask import Flask, session\n\n\napp = Flask(__name__)\napp.config['SECRET_KEY'] = 'hunter2-hunter2'  # spillcheck: ignore[SC130] demo key\napp.run(debug=True)\n",
    )
    .unwrap();
    let again = run(
        &["code", ".", "--baseline", "b.json", "--format", "json"],
        dir.path(),
    );
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(json(&again)["baseline"]["new"], 0);
}

#[test]
fn hostile_files_are_diagnostics_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("broken.py"), "def f(:\n    pass\n").unwrap();
    std::fs::write(d.join("latin1.py"), b"x = '\xe9t\xe9'\n").unwrap();
    std::fs::write(d.join("binary.py"), b"\x00\x01\x02ELF").unwrap();
    let deep = format!("x = {}1{}\n", "(".repeat(200), ")".repeat(200));
    std::fs::write(d.join("deep.py"), deep).unwrap();
    std::fs::write(
        d.join("ok.py"),
        "from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n",
    )
    .unwrap();
    let o = run(&["code", ".", "--format", "json"], d);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the finding in ok.py fails the gate: {}",
        stderr(&o)
    );
    let v = json(&o);
    let diags: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| format!("{} {}", x["path"], x["message"]))
        .collect();
    assert!(
        diags
            .iter()
            .any(|m| m.contains("broken.py") && m.contains("syntax error at 1:")),
        "{diags:?}"
    );
    assert!(
        diags
            .iter()
            .any(|m| m.contains("latin1.py") && m.contains("not UTF-8")),
        "{diags:?}"
    );
    assert!(
        diags
            .iter()
            .any(|m| m.contains("binary.py") && m.contains("binary")),
        "{diags:?}"
    );
    assert_eq!(
        v["findings"][0]["rule_id"], "SC120",
        "the rest of the tree is still analysed"
    );
    // --strict: the run was incomplete, so it fails even when the gate passes.
    let strict = run(&["code", ".", "--strict", "--ignore", "SC120"], d);
    assert_eq!(strict.status.code(), Some(1), "{}", stderr(&strict));
    let lenient = run(&["code", ".", "--ignore", "SC120"], d);
    assert_eq!(lenient.status.code(), Some(0), "{}", stderr(&lenient));
}

#[test]
fn missing_path_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["code", "does-not-exist"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("does-not-exist"));
}

#[cfg(unix)]
#[test]
fn symlink_loops_do_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("pkg")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("pkg/loop")).unwrap();
    std::fs::write(dir.path().join("pkg/a.py"), "x = 1\n").unwrap();
    let o = run(&["code", ".", "--format", "json"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_literal_credential_answered_is_reported_redacted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.py"),
        "from flask import Flask, jsonify\napp = Flask(__name__)\n\n\n@app.get(\"/admin/users\")\ndef admin_users():\n    users = [{\"id\": 1, \"api_key\": \"sk-adm1n-7Qx92LmZ4\"}]\n    return jsonify(users=users)\n",
    )
    .unwrap();
    for format in ["json", "text", "sarif", "markdown"] {
        let o = run(&["code", ".", "--format", format], dir.path());
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("SC140"), "{format}: {out}");
        assert!(
            !out.contains("sk-adm1n-7Qx92LmZ4"),
            "{format} prints the key whole: {out}"
        );
    }
}

#[test]
fn a_report_written_into_the_scanned_folder_is_not_scanned_again() {
    // The report's snippets quote the code with its secrets redacted (`F12Z…#07f123`);
    // read again as a project file, the redactions looked like high-entropy secrets.
    let root = workspace();
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root.join("testbeds/leaky-notes")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let first = json(&run(
        &["code", ".", "--format", "json", "--confidence", "possible"],
        dir.path(),
    ));
    let before = first["findings"].as_array().unwrap().len();
    assert!(before > 0);
    for (format, name) in [("json", "code.json"), ("sarif", "code.sarif.json")] {
        let o = run(&["code", ".", "--format", format], dir.path());
        std::fs::write(dir.path().join(name), &o.stdout).unwrap();
    }
    let again = json(&run(
        &["code", ".", "--format", "json", "--confidence", "possible"],
        dir.path(),
    ));
    let on_reports: Vec<&serde_json::Value> = again["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["location"]["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("code."))
        })
        .collect();
    assert!(on_reports.is_empty(), "{on_reports:?}");
    assert_eq!(again["findings"].as_array().unwrap().len(), before);
}
