"""Runs spillcheck api and schemathesis against fresh leaky-notes testbeds; prints Markdown.

Requests are counted on the server side (the testbed logs every request it receives), so
both tools are measured the same way. Found expected findings are matched against
testbeds/leaky-notes/expected.toml: spillcheck's by rule and route; schemathesis' by the
only two of its checks that correspond to an expected finding (ST401 "API accepts requests
without authentication" = SC201 on that operation, ST101 "Server error" = SC220 on that
operation, since every leaky 500 carries a traceback).
"""
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = os.path.join(ROOT, ".venv", "bin", "python")
SPILLCHECK = os.path.join(ROOT, "target", "release", "spillcheck")
EXPECTED = tomllib.load(open(os.path.join(ROOT, "testbeds", "leaky-notes", "expected.toml"), "rb"))["finding"]
ST_MAP = {"ST401": "SC201", "ST101": "SC220"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Testbed:
    def __enter__(self):
        self.port = free_port()
        self.state = tempfile.mkdtemp()
        out = subprocess.run(["bash", os.path.join(ROOT, "testbeds", "run.sh"), "leaky-notes", str(self.port), self.state],
                             capture_output=True, text=True, check=True)
        self.pid = int(out.stdout.strip())
        self.url = f"http://127.0.0.1:{self.port}"
        self.tokens = [subprocess.run([PY, os.path.join(ROOT, "testbeds", "login.py"), self.url, u],
                                      capture_output=True, text=True, check=True).stdout.strip() for u in ("alice", "bob")]
        self.before = self.requests()
        return self

    def requests(self):
        with open(os.path.join(self.state, "app.log"), errors="replace") as fh:
            return sum(1 for line in fh if re.search(r" INFO [A-Z]+ /", line))

    def __exit__(self, *exc):
        subprocess.run(["kill", str(self.pid)])
        shutil.rmtree(self.state, ignore_errors=True)


def matched(found):
    """How many expected entries a list of (rule, method, path) covers, each used once."""
    used = set()
    hits = 0
    for e in EXPECTED:
        for i, (rule, method, path) in enumerate(found):
            if i in used or rule != e["rule"]:
                continue
            if e["method"] in ("*", method) and e["route"] in ("*", path):
                used.add(i)
                hits += 1
                break
    return hits


def run_spillcheck():
    with Testbed() as bed:
        out = os.path.join(bed.state, "report.json")
        start = time.perf_counter()
        p = subprocess.run([SPILLCHECK, "api", bed.url, "--token", bed.tokens[0], "--token-b", bed.tokens[1],
                            "--rate", "0", "--allow-writes", "--format", "json", "--output", out],
                           capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        assert p.returncode in (0, 1), p.stderr
        report = json.load(open(out))
        found = [(f["rule_id"], (f.get("route") or {}).get("method", ""), (f.get("route") or {}).get("path", ""))
                 for f in report["findings"]]
        return elapsed, bed.requests() - bed.before, len(found), matched(found)


def run_schemathesis(venv):
    with Testbed() as bed:
        out = os.path.join(bed.state, "st.json")
        start = time.perf_counter()
        p = subprocess.run([os.path.join(venv, "bin", "st"), "run", f"{bed.url}/openapi.json",
                            "-H", f"Authorization: Bearer {bed.tokens[0]}", "--seed", "1",
                            "--report", "json", "--report-json-path", out],
                           capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        assert os.path.exists(out), p.stdout[-2000:] + p.stderr[-2000:]
        report = json.load(open(out))
        found, failures = [], 0
        for f in report["failures"]:
            failures += len(f["operations"])
            for op in f["operations"]:
                method, path = op.split(" ", 1)
                if f["code"] in ST_MAP:
                    found.append((ST_MAP[f["code"]], method, path))
        return elapsed, bed.requests() - bed.before, failures, matched(found)


def main():
    runs, venv = int(sys.argv[1]), sys.argv[2]
    version = subprocess.run([os.path.join(venv, "bin", "st"), "--version"], capture_output=True, text=True).stdout.strip()
    rows = []
    for name, fn in (("spillcheck api (2 tokens, --rate 0, --allow-writes)", run_spillcheck),
                     (f"schemathesis ({version}, default checks, 1 token)", lambda: run_schemathesis(venv))):
        results = [fn() for _ in range(runs)]
        times = [r[0] for r in results]
        rows.append((name, statistics.median(times), min(times), max(times),
                     statistics.median(r[1] for r in results), results[-1][2], results[-1][3]))
    print("# `spillcheck api` vs schemathesis on testbeds/leaky-notes\n")
    print(f"Command: `bench/api_speed.sh {runs}` ({runs} runs each, a fresh testbed per run, release build,")
    print(f"{os.cpu_count()} cores). Requests are counted by the testbed itself. The expected findings are the")
    print(f"{len(EXPECTED)} entries of `testbeds/leaky-notes/expected.toml` (some need an admin token, a limited")
    print("token or logs, which neither run has).\n")
    print("| tool | wall time (median, min–max) | requests | findings / failures | expected findings reported |")
    print("|---|---|---|---|---|")
    for name, med, lo, hi, req, n, hit in rows:
        print(f"| {name} | {med:.2f} s ({lo:.2f}–{hi:.2f}) | {req:.0f} | {n} | {hit} of {len(EXPECTED)} |")


if __name__ == "__main__":
    main()
