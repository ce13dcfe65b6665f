"""`spillcheck code` gives byte-for-byte the findings it gave when the golden files were written.

The guard for work on the code analysis' speed and memory (issue "Code analysis at ruff's
speed"): a change meant to make it faster must not change what it reports. For each bundled
testbed, each real app of bench/realapps (unpacked pristine) and a copy of this machine's
Python standard library, the findings of `spillcheck code --confidence possible` (JSON, run
from the tree's root) are compared with `bench/golden/<name>.json`.

A change that is meant to change findings (a new rule, a fixed false positive) rewrites the
golden files on purpose and shows the difference in review:

    SPILLCHECK_GOLDEN_UPDATE=1 .venv/bin/python -m pytest testbeds/tests/test_code_golden.py
"""
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / "target" / "debug" / "spillcheck"
GOLDEN = ROOT / "bench" / "golden"
UPDATE = os.environ.get("SPILLCHECK_GOLDEN_UPDATE") == "1"
sys.path.insert(0, str(ROOT / "bench" / "realapps"))
import run as realapps  # noqa: E402

TESTBEDS = sorted(p.name for p in (ROOT / "testbeds").iterdir() if p.is_dir() and p.name != "tests" and any(p.rglob("*.py")))
APPS = realapps.all_apps()


def findings_of(root: Path, tmp_path: Path) -> str:
    out = tmp_path / "code.json"
    proc = subprocess.run(
        [str(BINARY), "code", ".", "--confidence", "possible", "--format", "json", "-o", str(out), "--fail-on", "critical"],
        cwd=root, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(out.read_text())
    # What was found and where, exactly as reported; not the run's own metadata.
    return json.dumps({"findings": report["findings"], "diagnostics": report["diagnostics"]}, indent=1, sort_keys=True) + "\n"


def compare(name: str, got: str) -> None:
    path = GOLDEN / f"{name}.json"
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(got)
        return
    assert path.is_file(), f"no golden file {path.relative_to(ROOT)}: write it with SPILLCHECK_GOLDEN_UPDATE=1"
    want = path.read_text()
    if got != want:
        was = {(f["rule_id"], f.get("location", {}).get("path"), f.get("location", {}).get("line"), f["message"]) for f in json.loads(want)["findings"]}
        now = {(f["rule_id"], f.get("location", {}).get("path"), f.get("location", {}).get("line"), f["message"]) for f in json.loads(got)["findings"]}
        gone, new = sorted(was - now)[:5], sorted(now - was)[:5]
        pytest.fail(f"{name}: findings differ from {path.relative_to(ROOT)} (gone: {gone}; new: {new}; "
                    "or the same findings with other details or order)")


def test_every_testbed_is_covered():
    assert {"leaky-notes", "api-zoo", "hardened-notes"} <= set(TESTBEDS), TESTBEDS


@pytest.mark.parametrize("name", TESTBEDS)
def test_testbed_findings_unchanged(name, tmp_path):
    src = tmp_path / name
    shutil.copytree(ROOT / "testbeds" / name, src, ignore=shutil.ignore_patterns("__pycache__", "*.db", "instance"))
    compare(f"testbed-{name}", findings_of(src, tmp_path))


@pytest.mark.parametrize("app", APPS, ids=[a.name for a in APPS])
def test_real_app_findings_unchanged(app, tmp_path):
    root = realapps.unpack(app, tmp_path / "src")
    compare(f"app-{app.name}", findings_of(root, tmp_path))


def test_stdlib_findings_unchanged(tmp_path):
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    copy = tmp_path / "stdlib"
    shutil.copytree(stdlib, copy, ignore=shutil.ignore_patterns("site-packages", "dist-packages", "__pycache__"))
    got = findings_of(copy, tmp_path)
    # The copy must be the real thing: about 1,800 Python files.
    assert sum(1 for _ in copy.rglob("*.py")) > 1000
    compare(f"stdlib-{sys.version_info.major}.{sys.version_info.minor}", got)
