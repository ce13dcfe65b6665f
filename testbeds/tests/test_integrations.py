"""Where Python developers meet spillcheck (docs/ci.md): the pip wheel (maturin), the
pre-commit hooks (the real `pre-commit`, with `try-repo`), and the GitHub Action's
script run locally with the variables GitHub sets.

The wheel is built once per session with maturin's dev profile and the workspace's own
target folder, so only the final link is new work; a release wheel is built the same way
with `maturin build --release`.
"""
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
TESTBEDS = ROOT / "testbeds"
SARIF_SCHEMA = ROOT / "crates" / "spillcheck-report" / "tests" / "schemas" / "sarif-schema-2.1.0.json"
VERSION = tomllib.loads((ROOT / "Cargo.toml").read_text())["workspace"]["package"]["version"]
VENV_BIN = Path(sys.executable).parent

LEAKY_SNIPPET = '''from flask import Flask, jsonify, request

app = Flask(__name__)
NOTES = {}


@app.route("/api/notes/<int:note_id>")
def get_note(note_id):
    app.logger.info("auth %s", request.headers.get("Authorization"))
    return jsonify(NOTES[note_id])
'''

CLEAN_SNIPPET = '''def add(a, b):
    return a + b
'''

# A GitHub token shape; only the test's own scratch repository ever holds it.
FAKE_PAT = "ghp_" + "R4nd0mLooking" + "TokenValue0123456789ab"


def cargo_env():
    """Shares the workspace's compiled dependencies with every build the test starts."""
    env = dict(os.environ)
    env["CARGO_TARGET_DIR"] = str(ROOT / "target")
    env["MATURIN_PEP517_ARGS"] = "--profile dev"
    return env


def git(cwd, *args):
    subprocess.run(
        ["git", "-c", "user.email=t@example.invalid", "-c", "user.name=test", *args],
        cwd=cwd, check=True, capture_output=True, text=True,
    )


@pytest.fixture(scope="session")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheels")
    done = subprocess.run(
        [str(VENV_BIN / "maturin"), "build", "--profile", "dev", "--out", str(out)],
        cwd=ROOT, env=cargo_env(), capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    wheels = list(out.glob("spillcheck-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="session")
def installed(wheel, tmp_path_factory):
    """A fresh venv with nothing but the wheel: returns its bin folder."""
    venv = tmp_path_factory.mktemp("wheel-venv")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
         "--disable-pip-version-check", "--no-index", str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return venv / "bin"


def test_wheel_metadata_comes_from_cargo_and_pyproject(wheel):
    assert wheel.name.startswith(f"spillcheck-{VERSION}-py3-none-"), wheel.name
    import zipfile
    with zipfile.ZipFile(wheel) as z:
        meta_name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        meta = z.read(meta_name).decode()
        scripts = [n for n in z.namelist() if n.endswith("/scripts/spillcheck")]
    assert f"Version: {VERSION}" in meta
    assert "License-Expression: MIT" in meta
    assert "Classifier: Framework :: Flask" in meta
    assert "Classifier: Topic :: Security" in meta
    assert "Description-Content-Type: text/markdown" in meta
    assert scripts, "the binary is not in the wheel's scripts"


def test_pip_installed_binary_runs_and_scans(installed, tmp_path):
    exe = installed / "spillcheck"
    assert exe.exists()
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == f"spillcheck {VERSION}"
    # On PATH: the venv's bin folder, as `pip install` leaves it after activation.
    env = dict(os.environ, PATH=f"{installed}:/usr/bin:/bin")
    done = subprocess.run(
        ["spillcheck", "code", str(TESTBEDS / "leaky-notes"), "--format", "json"],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    rules = {f["rule_id"] for f in report["findings"]}
    assert {"SC101", "SC102", "SC110", "SC130"} <= rules, rules
    clean = subprocess.run(
        ["spillcheck", "code", str(TESTBEDS / "hardened-notes")],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert clean.returncode == 0, clean.stdout + clean.stderr


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory):
    """The working tree's hook definition and sources as a committed git repository, so
    that `try-repo` tests what is on disk now and pre-commit reuses one environment."""
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in (".pre-commit-hooks.yaml", "pyproject.toml", "Cargo.toml", "Cargo.lock",
                 "README.md", "LICENSE", "rustfmt.toml"):
        shutil.copy2(ROOT / name, repo / name)
    shutil.copytree(ROOT / "crates", repo / "crates",
                    ignore=shutil.ignore_patterns("target", "snapshots", "*.snap.new"))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "hooks")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True,
                          text=True, check=True).stdout.strip()
    return repo, head


@pytest.fixture(scope="session")
def project(tmp_path_factory):
    """A user's repository: one leaky Flask module, one clean module, a leaked token."""
    proj = tmp_path_factory.mktemp("user-project")
    (proj / "leaky.py").write_text(LEAKY_SNIPPET)
    (proj / "clean.py").write_text(CLEAN_SNIPPET)
    (proj / "deploy.env").write_text(f"GITHUB_TOKEN={FAKE_PAT}\n")
    (proj / "README.txt").write_text("nothing secret here\n")
    git(proj, "init", "-q")
    git(proj, "add", "-A")
    return proj


def try_repo(hook_repo, project, files, tmp_path):
    """`pre-commit try-repo` with every hook of the repository on `files`. try-repo
    installs the hooks' environment afresh each time (a temporary store), so the
    tests call it twice only: once on the leaky files, once on the clean ones."""
    repo, head = hook_repo
    env = cargo_env()
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    return subprocess.run(
        [str(VENV_BIN / "pre-commit"), "try-repo", str(repo), "--ref", head, "--files", *files],
        cwd=project, env=env, capture_output=True, text=True, timeout=900,
    )


def hook_results(output):
    """{hook name: 'Passed' | 'Failed' | 'Skipped'} from pre-commit's status lines."""
    results = {}
    for line in output.splitlines():
        for status in ("Passed", "Failed", "(no files to check)Skipped"):
            if line.endswith(status) and "..." in line:
                results[line.split("...")[0].strip(".").strip()] = status[-7:].strip(")")
    return results


def test_pre_commit_hooks_fail_on_leaky_files(hook_repo, project, tmp_path):
    done = try_repo(hook_repo, project, ["leaky.py", "deploy.env"], tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    results = hook_results(done.stdout)
    assert results == {"spillcheck code": "Failed", "spillcheck secrets": "Failed"}, done.stdout
    assert "SC110" in done.stdout and "leaky.py:9" in done.stdout
    assert "deploy.env" in done.stdout
    assert FAKE_PAT not in done.stdout + done.stderr


def test_pre_commit_hooks_pass_on_clean_files(hook_repo, project, tmp_path):
    done = try_repo(hook_repo, project, ["clean.py", "README.txt"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    results = hook_results(done.stdout)
    assert results == {"spillcheck code": "Passed", "spillcheck secrets": "Passed"}, done.stdout


def run_action(installed_wheel, workspace, tmp_path, **inputs):
    temp = tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)
    summary = tmp_path / "step-summary.md"
    outputs = tmp_path / "github-output"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "RUNNER_TEMP": str(temp),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_ACTION_PATH": str(ROOT),
        "INPUT_WHEEL": str(installed_wheel),
        "SPILLCHECK_PYTHON": sys.executable,
    }
    for key, value in inputs.items():
        env[key if key.startswith("SPILLCHECK_") else "INPUT_" + key.upper()] = value
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "action.sh")],
        cwd=workspace, env=env, capture_output=True, text=True, timeout=600,
    )
    outs = {}
    if outputs.exists():
        for line in outputs.read_text().splitlines():
            key, _, value = line.partition("=")
            outs[key] = value
    text = summary.read_text() if summary.exists() else ""
    return done, outs, text


def test_action_gates_writes_valid_sarif_and_a_summary(wheel, tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(TESTBEDS / "leaky-notes", ws / "app")
    done, outs, summary = run_action(wheel, ws, tmp_path, path="app", fail_on="high", sarif="results.sarif")
    assert done.returncode == 1, done.stderr
    assert "::error title=spillcheck::gate failed" in done.stderr
    sarif = json.loads((ws / "results.sarif").read_text())
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text()))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in sarif["runs"][0]["results"]}
    assert "app/notes.py" in uris, uris  # relative to the workspace, as code scanning wants
    assert outs["grade"] == "F" and int(outs["findings"]) == len(sarif["runs"][0]["results"])
    assert outs["sarif"] == "results.sarif"
    assert f"spillcheck: {outs['score']}/100" in summary and "SC102" in summary


def test_action_baseline_passes_old_findings_and_fails_new_ones(wheel, tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(TESTBEDS / "hardened-notes", ws / "app")
    subprocess.run(
        [str(ROOT / "target" / "debug" / "spillcheck"), "code", "app",
         "--write-baseline", "baseline.json"],
        cwd=ws, check=True, capture_output=True,
    )
    done, outs, _ = run_action(wheel, ws, tmp_path, path="app", baseline="baseline.json")
    assert done.returncode == 0, done.stderr
    assert outs["grade"] == "A", outs
    # A pull request adds a route that logs the Authorization header: only it fails.
    (ws / "app" / "debugging.py").write_text(LEAKY_SNIPPET)
    done, outs, summary = run_action(wheel, ws, tmp_path, path="app", baseline="baseline.json")
    assert done.returncode == 1, done.stderr
    assert "SC110" in summary and "debugging.py" in summary


def test_action_diff_base_reports_only_changed_files(wheel, tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(TESTBEDS / "leaky-notes", ws)
    git(ws, "init", "-q")
    git(ws, "add", "-A")
    git(ws, "commit", "-qm", "base")
    done, outs, _ = run_action(wheel, ws, tmp_path, path=".", diff_base="HEAD")
    assert done.returncode == 0, done.stderr
    assert outs["findings"] == "0"
    with open(ws / "notes.py", "a") as f:
        f.write("\n# touched by the pull request\n")
    done, outs, _ = run_action(wheel, ws, tmp_path, path=".", diff_base="HEAD", sarif="s.sarif")
    assert done.returncode == 1, done.stderr
    sarif = json.loads((ws / "s.sarif").read_text())
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in sarif["runs"][0]["results"]}
    assert uris == {"notes.py"}, uris


def test_action_probe_keeps_tokens_out_of_everything(wheel, tmp_path, beds):
    bed = beds["leaky-notes"]
    token_a, token_b = bed.token("alice"), bed.token("bob")
    ws = tmp_path / "ws"
    ws.mkdir()
    done, outs, summary = run_action(
        wheel, ws, tmp_path, path="", url=bed.url, SPILLCHECK_TOKEN=token_a,
        SPILLCHECK_TOKEN_B=token_b, fail_on="critical", sarif="api.sarif",
    )
    assert done.returncode == 1, done.stderr
    sarif_text = (ws / "api.sarif").read_text()
    assert "SC210" in sarif_text
    everything = done.stdout + done.stderr + summary + sarif_text + "".join(outs.values())
    for token in (token_a, token_b):
        assert token not in everything
