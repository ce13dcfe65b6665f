//! Hostile source trees: each problem is a diagnostic, the run completes, memory stays
//! bounded (docs/robustness.md).

mod common;

use std::os::unix::ffi::OsStrExt as _;
use std::path::Path;

use common::{json, run};

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn diagnostics(report: &serde_json::Value) -> Vec<(String, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap_or_default().to_owned(),
                d["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn note_for<'a>(diags: &'a [(String, String)], path: &str) -> &'a str {
    diags.iter().find(|(p, _)| p == path).map_or_else(
        || panic!("no diagnostic for {path}: {diags:?}"),
        |(_, m)| m.as_str(),
    )
}

#[test]
fn hostile_tree_gives_diagnostics_and_still_finds_the_real_problem() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Nesting deeper than Python accepts, in every shape that recurses.
    write(
        d,
        "parens.py",
        &format!("x = {}1{}\n", "(".repeat(100_000), ")".repeat(100_000)),
    );
    write(
        d,
        "binop.py",
        &format!("x = {}\n", vec!["a"; 200_000].join("+")),
    );
    write(d, "attrs.py", &format!("x = a{}\n", ".b".repeat(100_000)));
    write(d, "calls.py", &format!("x = f{}\n", "()".repeat(100_000)));
    write(
        d,
        "lambdas.py",
        &format!("x = {}1\n", "lambda: ".repeat(100_000)),
    );
    let deep_if: String = (0..2000).fold(String::new(), |mut s, i| {
        s.push_str(&"  ".repeat(i));
        s.push_str("if x:\n");
        s
    });
    write(
        d,
        "indent.py",
        &format!("{deep_if}{}pass\n", "  ".repeat(2000)),
    );
    // Deep but legal: analysed, no overflow (64 MiB stacks).
    write(
        d,
        "legal_deep.py",
        &format!("x = {}\n", vec!["a"; 4_000].join(" + ")),
    );
    // Too large, not UTF-8, binary, a non-UTF-8 name, a link loop, a dangling link, a FIFO.
    let big = "VALUE = 'a fairly long line of generated data, repeated to make the file large'\n";
    write(
        d,
        "generated.py",
        &big.repeat(11 * 1024 * 1024 / big.len() + 1),
    );
    std::fs::write(d.join("latin1.py"), b"s = 'caf\xe9'\n").unwrap();
    std::fs::write(d.join("blob.py"), b"\x00\x01\x02binary\x00").unwrap();
    let odd = std::ffi::OsStr::from_bytes(b"odd_\xff\xfe.py");
    std::fs::write(d.join(odd), "y = 2\n").unwrap();
    std::os::unix::fs::symlink(".", d.join("loop")).unwrap();
    std::os::unix::fs::symlink("nowhere.py", d.join("dangling.py")).unwrap();
    let fifo = d.join("fifo.py");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Thousands of files, and among all that, one real problem that must still be found.
    std::fs::create_dir(d.join("many")).unwrap();
    for i in 0..3000 {
        write(
            &d.join("many"),
            &format!("m{i}.py"),
            &format!("def f{i}(x):\n    return x + {i}\n"),
        );
    }
    write(
        d,
        "app.py",
        "import logging\nfrom flask import Flask, request\napp = Flask(__name__)\nlog = logging.getLogger(__name__)\n\n@app.get('/x')\ndef x():\n    log.info('auth %s', request.headers['Authorization'])\n    return 'ok'\n",
    );

    let start = std::time::Instant::now();
    let out = run(&["code", ".", "--format", "json"], d);
    let elapsed = start.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let report = json(&out);
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"SC110"), "{rules:?}");
    let diags = diagnostics(&report);
    assert!(note_for(&diags, "parens.py").contains("nested brackets"));
    for f in ["binop.py", "attrs.py", "calls.py"] {
        assert!(note_for(&diags, f).contains("chained operators"), "{f}");
    }
    assert!(note_for(&diags, "lambdas.py").contains("nested keywords"));
    assert!(note_for(&diags, "indent.py").contains("indentation"));
    assert!(note_for(&diags, "generated.py").contains("limit"));
    assert!(note_for(&diags, "latin1.py").contains("not UTF-8"));
    assert!(note_for(&diags, "blob.py").contains("binary"));
    assert!(note_for(&diags, "dangling.py").contains("symbolic link"));
    assert!(note_for(&diags, "fifo.py").contains("not a regular file"));
    assert!(
        !diags.iter().any(|(p, _)| p == "legal_deep.py"),
        "{diags:?}"
    );
    assert!(elapsed.as_secs() < 120, "took {elapsed:?}");
}

#[test]
fn memory_stays_bounded_on_a_50_mb_generated_file() {
    let dir = tempfile::tempdir().unwrap();
    let line = "@app.route('/items/<int:item_id>')\ndef item(item_id):\n    return {'id': item_id, 'values': [1, 2, 3]}\n\n";
    let text = line.repeat(50 * 1024 * 1024 / line.len());
    std::fs::write(dir.path().join("gen.py"), text).unwrap();
    let (status, peak) = peak_rss_of(&["code", ".", "--format", "json"], dir.path());
    // The file is over the per-file limit: skipped with a diagnostic, never parsed.
    assert_eq!(status, 0);
    assert!(peak < 150 * 1024, "peak RSS {peak} KiB");
}

/// Exit status and peak resident memory (KiB) of one spillcheck run, via
/// `getrusage(RUSAGE_CHILDREN)` in a fresh Python process whose only child it is.
fn peak_rss_of(args: &[&str], dir: &Path) -> (i32, u64) {
    let script = "import resource, subprocess, sys\nr = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\nprint(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)";
    let out = std::process::Command::new(common::python())
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_spillcheck"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut parts = text.split_whitespace().map(|p| p.parse::<i64>().unwrap());
    let status = i32::try_from(parts.next().unwrap()).unwrap();
    (status, u64::try_from(parts.next().unwrap()).unwrap())
}
