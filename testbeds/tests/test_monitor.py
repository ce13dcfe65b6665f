"""`spillcheck monitor` catches a regression between two runs (docs/monitor.md).

A copy of the hardened app is scanned (code + launched app probed with alice's and
bob's tokens) and recorded; then its ownership check on GET /api/notes/<id> is
removed, as a careless refactor would, and the next `monitor --once` must exit 1,
print the alert, post the payload to the webhook receiver (a local HTTP server started
here) in JSON and Slack form, survive a dead webhook, and `history` must show both runs.
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path


from conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
TESTBEDS = ROOT / "testbeds"
BINARY = ROOT / "target" / "debug" / "spillcheck"
PY = sys.executable

OWNED_QUERY = '''        "SELECT id, owner_id, title, body FROM notes WHERE id = ? AND owner_id = ?",
        (note_id, g.user["sub"]),'''
UNOWNED_QUERY = '''        "SELECT id, owner_id, title, body FROM notes WHERE id = ?",
        (note_id,),'''


def write_config(tmp, app, port, receiver):
    dead = free_port()  # nothing listens there: the webhook is refused and retried
    launch = (
        f"set -a; . {TESTBEDS}/seed-users.env; set +a; "
        f"NOTES_DB={tmp}/notes.db NOTES_LOG={tmp}/app.log NOTES_JWT_SECRET=monitor-test-secret-0123456789abcdef "
        f"exec {PY} {app}/app.py --port {port}"
    )
    url = f"http://127.0.0.1:{port}"
    (tmp / "monitor.toml").write_text(f'''
interval = "1s"
db = "history.db"

[alert]
severity = "high"
score-drop = 5

[[webhook]]
url = "{receiver.url}/hook"

[[webhook]]
url = "{receiver.url}/slack/T000/SECRETPATH"
format = "slack"

[[webhook]]
url = "http://127.0.0.1:{dead}/down"
retries = 2
timeout = 2

[[target]]
name = "notes"
path = "app"
url = "{url}"
launch = "rm -f {tmp}/notes.db; {launch}"
token-cmd = "{PY} {TESTBEDS}/login.py {url} alice"
token-b-cmd = "{PY} {TESTBEDS}/login.py {url} bob"
args = ["--allow-writes", "--rate", "0"]
''')
    return tmp / "monitor.toml"


def monitor(config, *extra):
    return subprocess.run(
        [str(BINARY), "monitor", "--config", str(config), *extra],
        capture_output=True, text=True, timeout=300, cwd=config.parent,
    )


def test_monitor_once_flags_a_removed_ownership_check(tmp_path, receiver):
    app = tmp_path / "app"
    shutil.copytree(TESTBEDS / "hardened-notes", app, ignore=shutil.ignore_patterns("instance", "__pycache__"))
    config = write_config(tmp_path, app, free_port(), receiver)

    first = monitor(config, "--once")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "notes: score 100 (A) · first run" in first.stdout
    assert receiver.received == []  # nothing regressed: only `always` hooks would post

    notes = app / "notes.py"
    source = notes.read_text()
    assert OWNED_QUERY in source
    notes.write_text(source.replace(OWNED_QUERY, UNOWNED_QUERY))

    second = monitor(config, "--once")
    assert second.returncode == 1, second.stdout + second.stderr
    assert "REGRESSION" in second.stdout
    assert "+ SC210" in second.stdout, second.stdout  # confirmed by the probe: bob reads alice's note
    # The dead webhook was retried with backoff and given up on, without failing the run.
    assert second.stderr.count("retrying in") == 2, second.stderr
    assert "gave up after 3 attempts" in second.stderr
    assert "SECRETPATH" not in second.stderr + second.stdout

    by_path = {path: (ctype, json.loads(body)) for path, ctype, body in receiver.received}
    ctype, payload = by_path["/hook"]
    assert ctype == "application/json"
    assert payload["event"] == "regression" and payload["target"] == "notes"
    assert payload["previous_score"] == 100 and payload["score"] < 100
    assert payload["score_change"] == payload["score"] - 100
    rules = {f["rule_id"] for f in payload["new"]}
    assert "SC210" in rules, rules
    assert any("notes.py" in f["where"] or "/api/notes/" in f["where"] for f in payload["new"])
    _, slack = by_path["/slack/T000/SECRETPATH"]
    assert set(slack) == {"text"} and "REGRESSION" in slack["text"] and "SC210" in slack["text"]

    history = subprocess.run(
        [str(BINARY), "history", "notes", "--db", str(tmp_path / "history.db"), "--format", "json"],
        capture_output=True, text=True, check=True,
    )
    runs = json.loads(history.stdout)["runs"]
    assert [r["target"] for r in runs] == ["notes", "notes"]
    assert runs[0]["score"] == 100 and runs[1]["score"] == payload["score"]
    assert runs[1]["new"] == len(payload["new"]) and runs[1]["new"] >= 1
    table = subprocess.run(
        [str(BINARY), "history", "--db", str(tmp_path / "history.db")],
        capture_output=True, text=True, check=True,
    ).stdout
    assert "2 runs" in table and "notes" in table


def test_monitor_config_errors_are_one_line(tmp_path):
    bad = tmp_path / "monitor.toml"
    bad.write_text('[[target]]\nname = "x"\n')
    done = monitor(bad, "--once")
    assert done.returncode == 2
    assert "neither `path` nor `url`" in done.stderr and done.stderr.count("\n") == 1
    bad.write_text('intervall = 5\n[[target]]\nname = "x"\npath = "."\n')
    done = monitor(bad, "--once")
    assert done.returncode == 2 and "intervall" in done.stderr


def test_a_corrupt_history_database_stops_monitor_and_is_kept(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "x.py").write_text("x = 1\n")
    (tmp_path / "history.db").write_bytes(b"not a database" * 100)
    cfg = tmp_path / "monitor.toml"
    cfg.write_text('db = "history.db"\n[[target]]\nname = "x"\npath = "app"\n')
    done = monitor(cfg, "--once")
    assert done.returncode == 2
    assert "left untouched" in done.stderr
    assert (tmp_path / "history.db").read_bytes() == b"not a database" * 100
