"""Times `spillcheck report REPORT --record` against a SQLite file and a PostgreSQL server
(see history_record.sh). The time of `report` without `--record` is measured too, so the
record's own cost is the difference."""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench" / "realapps"))
import run as realapps  # noqa: E402

BIN = ROOT / "target" / "release" / "spillcheck"


def timed(args):
    start = time.perf_counter()
    out = subprocess.run([str(BIN), *args], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if out.returncode not in (0, 1):
        raise SystemExit(out.stderr)
    return elapsed


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    tmp = Path(tempfile.mkdtemp(prefix="spillcheck-hist-"))
    report = tmp / "leaky.json"
    out = subprocess.run([str(BIN), "code", "testbeds/leaky-notes", "--format", "json", "-o", str(report)],
                         cwd=ROOT, capture_output=True, text=True, check=False)
    findings = len(json.loads(report.read_text())["findings"])
    base = ["report", str(report), "--format", "json", "-o", os.devnull]
    server = realapps.Postgres().start()
    try:
        server.create_db("bench", [])
        backends = {"SQLite (file)": str(tmp / "history.db"), "PostgreSQL (127.0.0.1)": server.url("bench")}
        rows = []
        plain = [timed(base) for _ in range(runs)]
        for name, db in backends.items():
            timed([*base, "--record", "--db", db])  # creates the schema
            times = [timed([*base, "--record", "--db", db]) for _ in range(runs)]
            rows.append((name, statistics.median(times), statistics.median(times) - statistics.median(plain)))
    finally:
        server.stop()
    print("# Recording a run in the history\n")
    print(f"`bench/history_record.sh {runs}` on {os.cpu_count()} cores: `spillcheck report` of the leaky testbed's "
          f"report ({findings} findings) with `--record`, one process per run, {runs} runs per backend (median). "
          "The record's own cost is the time beyond the same command without `--record` "
          f"({statistics.median(plain) * 1000:.1f} ms).\n")
    print("| backend | per run | of which recording |")
    print("|---|---|---|")
    for name, total, extra in rows:
        print(f"| {name} | {total * 1000:.1f} ms | {extra * 1000:.1f} ms |")


if __name__ == "__main__":
    main()
