"""Runs the code-analysis peers on a corpus and prints a Markdown table.

Wall time is the median of RUNS runs (one run for the slow tools); peak memory is
the maximum resident set size reported by /usr/bin/time for the run.
"""
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

corpus, runs, venv = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
files = list(Path(corpus).rglob("*.py"))
lines = sum(p.read_bytes().count(b"\n") for p in files)
sc = str(Path("target/release/spillcheck").resolve())
semgrep_rules = str(Path("bench/semgrep-flask.yml").resolve())

TOOLS = [
    ("spillcheck code", [sc, "code", corpus, "--format", "json", "-o", "/dev/null", "--fail-on", "critical"], runs),
    ("ruff check --select S", [str(venv / "bin/ruff"), "check", "--select", "S", "--no-cache", "--exit-zero", "-q", corpus], runs),
    ("bandit -r -q", [str(venv / "bin/bandit"), "-r", "-q", "-f", "json", "-o", "/dev/null", corpus], 1),
    ("semgrep (local Flask rules)", [str(venv / "bin/semgrep"), "--config", semgrep_rules, "--metrics=off", "--quiet", "--json", "-o", "/dev/null", corpus], 1),
]


def measure(cmd):
    t0 = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    rss_kb = int(proc.stderr.strip().splitlines()[-1]) if proc.stderr.strip() else 0
    return wall, rss_kb, proc.returncode


rows = []
for name, cmd, n in TOOLS:
    if not Path(cmd[0]).exists():
        rows.append((name, None, None, None, "not installed"))
        continue
    walls, rss = [], 0
    for _ in range(n):
        wall, kb, _rc = measure(cmd)
        walls.append(wall)
        rss = max(rss, kb)
    med = statistics.median(walls)
    rows.append((name, med, lines / med, rss / 1024, f"{n} run{'s' if n > 1 else ''}"))

base = next(r[1] for r in rows if r[0].startswith("ruff"))
print(f"# Code analysis speed\n")
print(f"Corpus: CPython {platform.python_version()} standard library without site-packages: "
      f"{len(files)} files, {lines:,} lines. Machine: {os.cpu_count()} cores. Command: `bench/code_speed.sh {runs}`.\n")
print("| tool | wall time (median) | lines/s | peak memory | vs ruff | runs |")
print("|---|---|---|---|---|---|")
for name, wall, lps, mem, note in rows:
    if wall is None:
        print(f"| {name} | – | – | – | – | {note} |")
        continue
    print(f"| {name} | {wall:.2f} s | {lps:,.0f} | {mem:.0f} MiB | {wall / base:.2f}× | {note} |")

# Scale: the same tree six times over (about 5 million lines), spillcheck and ruff once each.
# Linear time means the ratio to the one-copy median stays near 6; peak memory says whether
# the analysis holds the whole project at once.
if os.environ.get("SCALE", "1") != "0":
    import shutil
    big = Path(corpus).parent / (Path(corpus).name + "-x6")
    if not big.is_dir():
        for i in range(6):
            shutil.copytree(corpus, big / f"copy{i}", symlinks=True)
    big_files = list(big.rglob("*.py"))
    big_lines = lines * 6
    print(f"\n## Scale: the same tree six times ({len(big_files)} files, {big_lines:,} lines)\n")
    print("| tool | wall time | × one copy | lines/s | peak memory | vs ruff |")
    print("|---|---|---|---|---|---|")
    one = {name: wall for name, wall, *_ in rows if wall is not None}
    scale_rows = []
    for name, cmd, _n in TOOLS[:2]:
        cmd = [str(big) if c == corpus else c for c in cmd]
        wall, kb, _rc = measure(cmd)
        scale_rows.append((name, wall, kb))
    ruff_big = next(w for n, w, _ in scale_rows if n.startswith("ruff"))
    for name, wall, kb in scale_rows:
        print(f"| {name} | {wall:.2f} s | {wall / one[name]:.1f}× | {big_lines / wall:,.0f} | {kb / 1024:.0f} MiB | {wall / ruff_big:.2f}× |")
