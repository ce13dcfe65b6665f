"""The code side of the real-app check, as a regression test (seconds).

For every app of bench/realapps (the archives of ../shared/corpus and the pinned sdists from
PyPI, hash-checked): `spillcheck code` on a pristine copy, scored against the app's truth
file. Fails when an `expect` that the last full run found (bench/realapps/state.json) is lost,
or a `reject` it did not hit comes back. Improvements pass; rerun bench/realapps.sh to record
them.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / "target" / "debug" / "spillcheck"
sys.path.insert(0, str(ROOT / "bench" / "realapps"))
import run as realapps  # noqa: E402
import score as scoring  # noqa: E402

STATE = json.loads((ROOT / "bench" / "realapps" / "state.json").read_text())
APPS = realapps.all_apps()


def test_every_app_has_a_truth_file_and_a_recorded_state():
    assert len(APPS) >= 7
    for app in APPS:
        truth = scoring.load_truth(app.truth_path)
        assert truth.expects or truth.rejects, app.name
        assert "code" in STATE.get(app.name, {}), f"{app.name}: no recorded code-side state: run bench/realapps.sh"


@pytest.mark.parametrize("app", APPS, ids=[a.name for a in APPS])
def test_code_side_keeps_what_it_found(app, tmp_path):
    root = realapps.unpack(app, tmp_path / "src")
    out = tmp_path / "code.json"
    proc = subprocess.run([str(BINARY), "code", ".", "--format", "json", "-o", str(out)], cwd=root,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(out.read_text())
    truth = scoring.load_truth(app.truth_path)
    got = scoring.score(truth, scoring.side_findings(report, "code"), "code")
    was = STATE[app.name]["code"]
    lost = sorted(set(was["found"]) - set(got.found))
    back = sorted(set(got.rejects_hit) - set(was["rejects_hit"]))
    assert not lost, f"{app.name}: expected weaknesses no longer found: {lost}"
    assert not back, f"{app.name}: false positives that had gone came back: {back}"


def test_scorer_matches_by_place_route_and_whole_api():
    truth = scoring.Truth(name="t")
    e = scoring._entry("expect", {"id": "bola", "rules": ["SC102", "SC210"], "reason": "r", "side": ["code", "probe"],
                                  "file": "api/posts.py", "lines": [10, 20], "route": "GET /api/posts/{id}"}, "t")
    w = scoring._entry("expect", {"id": "key", "rules": ["SC301"], "reason": "r", "route": "ANY *"}, "t")
    r = scoring._entry("reject", {"id": "pub", "rules": ["SC101"], "reason": "r", "route": "GET /api/tags"}, "t")
    truth.expects += [e, w]
    truth.rejects.append(r)
    at = lambda rule, path, line: {"rule_id": rule, "location": {"path": path, "line": line}}  # noqa: E731
    on = lambda rule, m, p: {"rule_id": rule, "route": {"method": m, "path": p}}  # noqa: E731
    assert e.matches(at("SC102", "api/posts.py", 12))
    assert not e.matches(at("SC102", "api/posts.py", 21))
    assert not e.matches(at("SC101", "api/posts.py", 12))
    assert e.matches(on("SC210", "GET", "/api/posts/<int:post_id>"))
    assert not e.matches(on("SC210", "DELETE", "/api/posts/{id}"))
    assert w.matches({"rule_id": "SC301"}) and not w.matches({"rule_id": "SC130"})
    s = scoring.score(truth, [at("SC102", "api/posts.py", 15), on("SC101", "GET", "/api/tags"),
                              on("SC101", "GET", "/api/other")], "code")
    assert s.found == ["bola"] and s.rejects_hit == ["pub"]
    assert (s.true_findings, s.false_findings, len(s.unreviewed)) == (1, 1, 1)
    assert s.per_rule["SC101"] == {"true": 0, "false": 1, "unreviewed": 1, "missed": 0}
