"""What the repository tracks: no stray files from shell accidents or tool caches."""
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Letters, digits and . _ - / only: a name with spaces, quotes, pipes or parentheses is the
# sign of a shell accident (a redirection that took part of a command line as a file name).
NAME = re.compile(r"^[A-Za-z0-9._/-]+$")
CACHES = (".schemathesis/", ".hypothesis/", ".pytest_cache/", "__pycache__/", ".mypy_cache/", ".ruff_cache/")


def tracked():
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [p.decode("utf-8", "replace") for p in out.split(b"\0") if p]


def test_tracked_file_names_are_plain():
    files = tracked()
    assert len(files) > 100
    bad = [f for f in files if not NAME.match(f)]
    assert not bad, f"tracked files with odd names (shell accident?): {bad}"


def test_no_tool_caches_are_tracked():
    bad = [f for f in tracked() if any(c in f"/{f}" or f.startswith(c) for c in CACHES) or f.endswith(".pyc")]
    assert not bad, f"tool caches tracked: {bad[:5]}"
