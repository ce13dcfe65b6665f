"""Runs `spillcheck code --confidence possible` on each unpacked project of the spot check and
writes a Markdown summary (per project and per rule, at the default confidence: likely or
confirmed) to stdout; every finding's line, `possible` ones too, goes to OUT/findings.txt
(`project RULE confidence path:line message`) for `bench/spotcheck.sh --diff`."""
import collections
import json
import subprocess
import sys
import time
from pathlib import Path

binary, out = Path(sys.argv[1]), Path(sys.argv[2])
rows, rules, lines = [], collections.Counter(), []
total_wall, possible = 0.0, 0
for src in sorted((out / "src").iterdir()):
    start = time.perf_counter()
    proc = subprocess.run([str(binary), "code", str(src), "--format", "json", "--confidence", "possible"],
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    total_wall += wall
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        rows.append((src.name, None, {}, wall, proc.stderr.strip().splitlines()[-1:] or ["?"]))
        continue
    every = report.get("findings", [])
    found = [f for f in every if f.get("confidence") != "possible"]
    per = collections.Counter(f["rule_id"] for f in found)
    rules.update(per)
    possible += len(every) - len(found)
    for f in every:
        loc = f.get("location") or {}
        lines.append(f"{src.name} {f['rule_id']} {f.get('confidence')} {loc.get('path')}:{loc.get('line')} "
                     f"{f.get('message', '')[:160]}")
    rows.append((src.name, len(found), per, wall, None))
(out / "findings.txt").write_text("\n".join(sorted(lines)) + "\n")
version = subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout.strip()
print("# Spot check: `spillcheck code` on 46 Flask projects from PyPI\n")
print(f"{version}; findings at confidence likely or confirmed (the default `--confidence`);"
      f" {sum(r[1] or 0 for r in rows)} findings (and {possible} at `possible`), {total_wall:.1f} s in all.\n")
print("| project | findings | rules | seconds |\n|---|---|---|---|")
for name, n, per, wall, err in rows:
    what = ", ".join(f"{r} {c}" for r, c in sorted(per.items())) if n is not None else f"error: {err[0]}"
    print(f"| {name} | {n if n is not None else '-'} | {what} | {wall:.2f} |")
print("\n| rule | findings |\n|---|---|")
for r, c in sorted(rules.items()):
    print(f"| {r} | {c} |")
