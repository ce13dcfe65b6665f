"""The API inventory rules (SC270–SC274) and `routes --compare-spec`: the api-drift testbed's
description omits a live debug route, documents a removed one, declares bearer auth on an open
route and marks an old, open version deprecated; each is found from the code, and confirmed by
the running app where it can be; the hardened app, whose description matches its code, gets
none; the three-way view shows the same."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from conftest import TESTBEDS, free_port, login_helper

ROOT = TESTBEDS.parent
BINARY = ROOT / "target" / "debug" / "spillcheck"
PY = os.path.join(os.environ.get("SPILLCHECK_VENV", str(ROOT / ".venv")), "bin", "python")
TOKENS = {"alice": "drift-alice-0123456789abcdef", "bob": "drift-bob-0123456789abcdef"}
INVENTORY = {"SC270", "SC271", "SC272", "SC273", "SC274"}


@pytest.fixture(scope="module")
def drift():
    port = free_port()
    env = dict(os.environ, DRIFT_TOKENS=",".join(f"{k}:{v}" for k, v in TOKENS.items()))
    proc = subprocess.Popen([PY, "app.py", "--port", str(port)], cwd=TESTBEDS / "api-drift", env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(f"{url}/health", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    yield url
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)


def findings(*args):
    out = subprocess.run([str(BINARY), *args, "--format", "json", "--confidence", "possible"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode in (0, 1), out.stderr
    return json.loads(out.stdout)["findings"]


def by_rule(fs):
    got = {}
    for f in fs:
        got.setdefault(f["rule_id"], []).append(f)
    return got


def route(f):
    return f"{f['route']['method']} {f['route']['path']}"


def test_each_drift_is_found_from_the_code():
    got = by_rule(findings("code", "testbeds/api-drift", "--select", "SC27"))
    # The code alone cannot tell that /api/notes/mine only redirects to the documented listing.
    # Nor that POST /api/beta/imports is registered only under a setting that is off.
    assert [route(f) for f in got["SC270"]] == ["GET /api/debug/config", "GET /api/notes/mine",
                                                "POST /api/beta/imports"]
    assert got["SC270"][0]["severity"] == "high"  # undocumented and open
    assert [route(f) for f in got["SC271"]] == ["GET /api/reports/{report_id}"]
    assert [route(f) for f in got["SC272"]] == ["POST /api/feedback"]
    old = got["SC273"]
    assert [route(f) for f in old] == ["GET /api/v1/users/{user_id}"]
    # One finding per route: the mismatch and the deprecation of v1 are notes of SC273.
    assert any("SC272" in n for n in old[0]["notes"]) and any("SC274" in n for n in old[0]["notes"])
    assert "SC274" not in got
    assert all(f["owasp"][0] == "API9:2023" for f in sum(got.values(), []))
    assert old[0]["location"]["path"] == "testbeds/api-drift/app.py"


def test_the_running_app_confirms_what_it_can(drift):
    got = by_rule(findings("scan", "testbeds/api-drift", "--url", drift, "--token", TOKENS["alice"],
                           "--token-b", TOKENS["bob"], "--select", "SC2"))
    # The alias redirected; the read-only scan never sends the setting-gated POST, whose
    # OPTIONS answers 404: no such route in the running app.
    assert [route(f) for f in got["SC270"]] == ["GET /api/debug/config"]
    assert got["SC270"][0]["confidence"] == "confirmed"           # the debug route answered
    assert got["SC271"][0]["confidence"] == "confirmed"           # OPTIONS says no such route
    assert "running API has no such route" in got["SC271"][0]["message"]
    assert got["SC273"][0]["confidence"] == "confirmed"           # v1 answered anonymously, v2 refused
    assert not {f["rule_id"] for f in sum(got.values(), [])} & {"SC274"}


def test_the_three_way_view(drift):
    def rows(spec):
        out = subprocess.run([str(BINARY), "routes", "testbeds/api-drift", "--compare-spec", spec, "--format", "json"],
                             cwd=ROOT, capture_output=True, text=True, check=True)
        return {f"{r['method']} {r['path']}": r for r in json.loads(out.stdout)["inventory"]["rows"]}

    from_file = rows("testbeds/api-drift/openapi.json")
    assert "spec" not in from_file["GET /api/debug/config"] and from_file["GET /api/debug/config"]["code"]["auth"] == "open"
    assert "code" not in from_file["GET /api/reports/{report_id}"]
    assert from_file["GET /api/v1/users/{user_id}"]["spec"]["deprecated"] is True
    live = rows(f"{drift}/openapi.json")
    assert live["GET /api/reports/{report_id}"]["live"] == {"state": "absent"}
    assert live["GET /api/debug/config"]["live"]["state"] == "answers"
    text = subprocess.run([str(BINARY), "routes", "testbeds/api-drift", "--compare-spec", f"{drift}/openapi.json"],
                          cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "4 only in the code, 1 only in the description" in text  # the setting-gated POST too


def test_nothing_on_the_hardened_app(beds):
    assert not INVENTORY & {f["rule_id"] for f in findings("code", "testbeds/hardened-notes")}
    bed = beds["hardened-notes"]
    live = findings("api", bed.url, "--token", login_helper.login(bed.url, "alice"),
                    "--token-b", login_helper.login(bed.url, "bob"), "--select", "SC27")
    assert live == []
