"""spillcheck pointed at hostile things (docs/robustness.md): a raw-socket server that
misbehaves in every way (testbeds/hostile/server.py), a self-signed TLS server speaking
HTTP/2, a load run at full speed, and a long monitor run whose memory must stay flat.
"""
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "testbeds" / "hostile"
BINARY = ROOT / "target" / "debug" / "spillcheck"
ARTIFACTS = ROOT / "target" / "test-artifacts"
TOKEN = "hostile-test-token-0123456789abcdef"


def start(args, ready):
    proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{args[0]} exited: {proc.stdout.read()}")
        if ready():
            return proc
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{args[0]} did not start")


def answers(url, **kw):
    def probe():
        try:
            requests.get(url, timeout=1, **kw)
            return True
        except requests.RequestException:
            return False
    return probe


@pytest.fixture(scope="module")
def hostile():
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start([str(HOSTILE / "server.py"), str(port)], answers(url + "/ok"))
    yield url
    proc.kill()


def measured(args, timeout=300):
    """Runs spillcheck in a fresh Python process whose only child it is: (exit code,
    stdout, stderr, peak RSS in MiB, seconds)."""
    script = (
        "import json, resource, subprocess, sys, time\n"
        "t = time.time()\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "json.dump([r.returncode, r.stdout, r.stderr,\n"
        "    resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, time.time() - t], sys.stdout)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(BINARY), *args],
                          capture_output=True, text=True, timeout=timeout)
    return tuple(json.loads(done.stdout))


def test_hostile_http_target_bounded_and_noted(hostile, tmp_path):
    report_path = tmp_path / "hostile.json"
    code, _, err, peak_mib, seconds = measured([
        "api", hostile, "--openapi", hostile + "/openapi.json", "--token", TOKEN,
        "--timeout", "3", "--rate", "0", "--max-body", "1048576",
        "--format", "json", "-o", str(report_path), "--verbose",
    ])
    assert code in (0, 1), err
    report = json.loads(report_path.read_text())
    notes = [d["message"] for d in report["diagnostics"]]

    def noted(path, words):
        hits = [n for n in notes if f"GET {path}:" in n]
        assert hits, f"no note for {path}: {notes}"
        assert any(words in n for n in hits), hits

    noted("/slow", "no answer: timed out")                 # timeout holds
    noted("/slowloris", "cut short")                       # a trickling body is cut by the timeout
    noted("/malformed", "no answer")                       # not HTTP
    noted("/bad-length", "no answer")
    noted("/many-headers", "no answer")                    # 5000 headers refused by the parser
    noted("/huge-header", "no answer")
    noted("/tcp-rst", "cut short")                         # reset mid-body
    noted("/close-early", "cut short")
    noted("/retry-after", "429")                           # Retry-After: 3600 honoured up to 10 s
    noted("/redirect-loop", "redirects")
    # The control endpoint was tested normally: it accepts no token at all.
    assert any(f["rule_id"] == "SC201" and "/ok" in f["message"] for f in report["findings"])
    # Bodies: endless and 5 GB bodies are cut at the cap, bombs are never decompressed.
    lines = [l for l in err.splitlines() if "GET " in l]
    for path in ("/endless", "/huge"):
        assert any(f"{path} → 200 (1048576 B, cut" in l for l in lines), (path, lines)
    for path in ("/gzip-bomb", "/deflate-bomb"):
        sizes = [int(l.split("(")[1].split(" B")[0]) for l in lines if f"{path} → 200" in l]
        assert sizes and max(sizes) <= 1048576, (path, sizes)
    assert peak_mib < 300, f"peak RSS {peak_mib} MiB"
    assert seconds < 90, seconds
    # The verbose log never shows the token.
    assert TOKEN not in err and TOKEN not in report_path.read_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "hostile-http.txt").write_text(
        f"exit {code}, {seconds:.1f} s, peak RSS {peak_mib} MiB\n" + "\n".join(notes) + "\n")


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    port = free_port()
    url = f"https://127.0.0.1:{port}"
    certs = tmp_path_factory.mktemp("certs")
    proc = start([str(HOSTILE / "tls_app.py"), str(port), str(certs)], answers(url + "/openapi.json", verify=False))
    yield url
    proc.kill()


def test_invalid_tls_certificate_refused_unless_insecure_then_http2(tls_server):
    refused = subprocess.run([str(BINARY), "api", tls_server, "--token", TOKEN],
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2
    assert "TLS failure" in refused.stderr and "certificate" in refused.stderr
    assert refused.stderr.count("\n") == 1 and TOKEN not in refused.stderr
    seen_before = len(requests.get(tls_server + "/_requests", verify=False, timeout=5).json())
    accepted = subprocess.run(
        [str(BINARY), "api", tls_server, "--token", TOKEN, "--insecure",
         "--openapi", tls_server + "/openapi.json", "--format", "json"],
        capture_output=True, text=True, timeout=120)
    assert accepted.returncode in (0, 1), accepted.stderr
    report = json.loads(accepted.stdout)
    assert not any("not fully tested" in d["message"] for d in report["diagnostics"])
    seen = requests.get(tls_server + "/_requests", verify=False, timeout=5).json()[seen_before:]
    probe_requests = [r for r in seen if r["path"] != "/_requests"]
    assert len(probe_requests) > 10
    assert {r["http_version"] for r in probe_requests} == {"2"}   # ALPN chose HTTP/2


def test_load_at_full_speed_has_no_errors_of_its_own(beds):
    bed = beds["leaky-notes"]
    code, out, err, peak_mib, seconds = measured([
        "api", bed.url, "--token", bed.token("alice"), "--token-b", bed.token("bob"),
        "--rate", "0", "--concurrency", "64", "--max-requests", "400", "--allow-writes",
        "--format", "json",
    ])
    assert code in (0, 1), err
    report = json.loads(out)
    problems = [d["message"] for d in report["diagnostics"] if "not fully tested" in d["message"]]
    assert problems == [], problems
    assert "error" not in err.lower(), err
    assert any(f["rule_id"] == "SC210" for f in report["findings"])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "load.txt").write_text(f"{seconds:.1f} s, peak RSS {peak_mib} MiB\n{err}")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_memory_stays_flat_across_a_long_monitor_run(tmp_path):
    rounds = 400
    cfg = tmp_path / "monitor.toml"
    cfg.write_text(f'interval = 0\ndb = "h.db"\n[[target]]\nname = "leaky"\npath = "{ROOT}/testbeds/leaky-notes"\n')
    proc = subprocess.Popen([str(BINARY), "monitor", "--config", str(cfg), "--rounds", str(rounds)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    samples = []
    while proc.poll() is None:
        try:
            samples.append(rss_kib(proc.pid))
        except OSError:
            break
        time.sleep(0.05)
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert out.count("leaky: score") == rounds
    samples = [s for s in samples if s > 0]
    assert len(samples) >= 20, len(samples)
    quarter = len(samples) // 4
    early = sorted(samples[quarter:2 * quarter])[quarter // 2]
    late = sorted(samples[-quarter:])[quarter // 2]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "monitor-memory.txt").write_text(
        f"{rounds} rounds, {len(samples)} samples; median RSS second quarter {early} KiB, "
        f"last quarter {late} KiB, max {max(samples)} KiB\n")
    assert late <= early * 1.15 + 4096, (early, late)
    history = subprocess.run([str(BINARY), "history", "leaky", "--db", str(tmp_path / "h.db"), "--format", "json"],
                             capture_output=True, text=True, check=True)
    assert len(json.loads(history.stdout)["runs"]) == rounds
