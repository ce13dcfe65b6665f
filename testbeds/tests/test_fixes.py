"""`spillcheck code --diff`, `--fix` and `--unsafe-fixes` on a copy of the leaky testbed:
the diff applies with `git apply` (except where it must redact a secret), `--fix` removes
the findings its safe fixes address and keeps the rest, every fixed file parses, the fixed
app still starts and serves its users (log in, write and read notes) while the fixed flaws
are gone (an unsigned token, a token in the URL), and SARIF carries the fixes and still
validates against the official schema."""
import json
import os
import py_compile
import shutil
import signal
import subprocess

import jsonschema
import requests

from conftest import TESTBEDS, free_port, login_helper

ROOT = TESTBEDS.parent
BINARY = ROOT / "target" / "debug" / "spillcheck"
SARIF_SCHEMA = ROOT / "crates" / "spillcheck-report" / "tests" / "schemas" / "sarif-schema-2.1.0.json"
# The literals config.py hard-codes: never printed whole, not even in a diff.
CONFIG_SECRETS = ["notes-dev-secret-key-2024", "super-secret", "Adm1n-Pa55!"]
SAFE = {"SC104", "SC105", "SC120", "SC121", "SC161"}
UNSAFE = {"SC106", "SC130", "SC131"}


def workspace(tmp_path):
    """A git repository holding a copy of the testbeds' runner and the leaky app."""
    ws = tmp_path / "ws"
    (ws / "testbeds").mkdir(parents=True)
    for name in ("run.sh", "seed-users.env", "login.py"):
        shutil.copy(TESTBEDS / name, ws / "testbeds" / name)
    shutil.copytree(TESTBEDS / "leaky-notes", ws / "testbeds" / "leaky-notes",
                    ignore=shutil.ignore_patterns("instance", "__pycache__"))
    git(ws, "init", "-q")
    git(ws, "add", "-A")
    git(ws, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "leaky")
    return ws


def git(ws, *args, check=True):
    return subprocess.run(["git", *args], cwd=ws, capture_output=True, text=True, check=check)


def spillcheck(ws, *args):
    return subprocess.run([str(BINARY), "code", "testbeds/leaky-notes", *args], cwd=ws,
                          capture_output=True, text=True, timeout=120, check=False)


def rules_now(ws):
    out = spillcheck(ws, "--format", "json")
    return {f["rule_id"] for f in json.loads(out.stdout)["findings"]}


def start(ws, tmp_path, env_extra):
    port = free_port()
    env = dict(os.environ, SPILLCHECK_VENV=os.environ.get("SPILLCHECK_VENV", str(ROOT / ".venv")), **env_extra)
    out = subprocess.run(["bash", str(ws / "testbeds" / "run.sh"), "leaky-notes", str(port), str(tmp_path / f"state{port}")],
                         env=env, capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    return f"http://127.0.0.1:{port}", int(out.stdout.strip())


def serves_its_users(url):
    """What the app is for still works: log in, write a note, read it back and list it."""
    token = login_helper.login(url, "alice")
    auth = {"Authorization": f"Bearer {token}"}
    created = requests.post(f"{url}/api/notes", json={"title": "fixed", "body": "still works"}, headers=auth, timeout=10)
    assert created.status_code in (200, 201), created.text
    note_id = created.json()["id"]
    got = requests.get(f"{url}/api/notes/{note_id}", headers=auth, timeout=10)
    assert got.status_code == 200 and got.json()["body"] == "still works"
    listed = requests.get(f"{url}/api/notes", headers=auth, timeout=10)
    assert listed.status_code == 200 and any(n["id"] == note_id for n in listed.json())
    return token


def unsigned(token):
    import base64
    payload = token.split(".")[1]
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    return f"{header}.{payload}."


def stop(pid):
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass


def test_diff_applies_with_git_and_changes_nothing(tmp_path):
    ws = workspace(tmp_path)
    out = spillcheck(ws, "--diff")
    assert out.returncode == 1, out.stderr  # something to fix
    assert git(ws, "status", "--porcelain").stdout == ""  # --diff changes nothing
    for secret in CONFIG_SECRETS:
        assert secret not in out.stdout + out.stderr
    # config.py's fix sits next to hard-coded keys: shown redacted, named, not applicable as is.
    assert "testbeds/leaky-notes/config.py: the diff shows a secret redacted" in out.stderr
    patch = tmp_path / "fix.patch"
    patch.write_text(out.stdout)
    git(ws, "apply", "--exclude=testbeds/leaky-notes/config.py", str(patch))
    # What the diff did plus --fix on what is left equals --fix alone.
    assert spillcheck(ws, "--fix").returncode in (0, 1)
    alone = workspace(tmp_path / "alone")
    assert spillcheck(alone, "--fix").returncode in (0, 1)
    for name in ("app.py", "auth.py", "config.py"):
        assert (ws / "testbeds/leaky-notes" / name).read_text() == (alone / "testbeds/leaky-notes" / name).read_text()


def test_fix_then_unsafe_fixes_keep_the_app_working_and_remove_the_flaws(tmp_path):
    ws = workspace(tmp_path)
    before = rules_now(ws)
    assert SAFE | UNSAFE <= before

    fixed = spillcheck(ws, "--fix")
    assert "spillcheck: fixed 7 findings in 3 files" in fixed.stderr, fixed.stderr
    assert "with an unsafe fix: --unsafe-fixes" in fixed.stderr
    after = rules_now(ws)
    assert not SAFE & after, after
    assert UNSAFE <= after and (before - SAFE) == after
    for path in (ws / "testbeds/leaky-notes").glob("*.py"):
        py_compile.compile(str(path), doraise=True)
    url, pid = start(ws, tmp_path, {})
    try:
        token = serves_its_users(url)
        # The fixed flaw: an unsigned token is refused now (it was accepted before).
        forged = requests.get(f"{url}/api/notes", headers={"Authorization": f"Bearer {unsigned(token)}"}, timeout=10)
        assert forged.status_code == 401
        # Not fixed yet (unsafe): the token is still taken from the URL.
        assert requests.get(f"{url}/api/notes", params={"access_token": token}, timeout=10).status_code == 200
    finally:
        stop(pid)

    unsafe = spillcheck(ws, "--fix", "--unsafe-fixes")
    assert "spillcheck: fixed 4 findings in 2 files" in unsafe.stderr, unsafe.stderr
    assert not (SAFE | UNSAFE) & rules_now(ws)
    config = (ws / "testbeds/leaky-notes/config.py").read_text()
    assert not any(secret in config for secret in CONFIG_SECRETS)
    for path in (ws / "testbeds/leaky-notes").glob("*.py"):
        py_compile.compile(str(path), doraise=True)
    # Without the variables the unsafe fixes now read, the app refuses to start...
    port = free_port()
    env = dict(os.environ, SPILLCHECK_VENV=os.environ.get("SPILLCHECK_VENV", str(ROOT / ".venv")))
    refused = subprocess.run(["bash", str(ws / "testbeds/run.sh"), "leaky-notes", str(port), str(tmp_path / "nokeys")],
                             env=env, capture_output=True, text=True, timeout=60, check=False)
    assert refused.returncode != 0
    assert "KeyError" in (tmp_path / "nokeys" / "server.out").read_text()
    # ...and with them it serves its users as before, and the token in the URL is refused.
    url, pid = start(ws, tmp_path, {"SECRET_KEY": "k" * 40, "JWT_SECRET": "j" * 40,
                                    "NOTES_ADMIN_PASSWORD": "an-admin-password-for-the-test"})
    try:
        token = serves_its_users(url)
        assert requests.get(f"{url}/api/notes", params={"access_token": token}, timeout=10).status_code == 401
    finally:
        stop(pid)


def test_fix_keeps_everything_around_the_change(tmp_path):
    """A fix replaces its node's range only: the rest of the line (its comment) and of the
    file (an uncommitted edit) stay as they were. (Refusing to write over a file that changed
    after it was read is tested beside the writer, in the CLI crate.)"""
    ws = workspace(tmp_path)
    app = ws / "testbeds/leaky-notes/app.py"
    app.write_text(app.read_text() + "\n# edited by hand\n")
    out = spillcheck(ws, "--fix")
    assert "changed since it was analysed" not in out.stderr
    assert "CORS(app)  # expect: SC161" in app.read_text()
    assert app.read_text().endswith("# edited by hand\n")


def test_sarif_carries_fixes_and_validates(tmp_path):
    ws = workspace(tmp_path)
    out = spillcheck(ws, "--format", "sarif")
    sarif = json.loads(out.stdout)
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text()))
    fixed = {r["ruleId"]: r for r in sarif["runs"][0]["results"] if "fixes" in r}
    assert SAFE | UNSAFE <= set(fixed)
    change = fixed["SC161"]["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == "testbeds/leaky-notes/app.py"
    region = change["replacements"][0]["deletedRegion"]
    line = (ws / "testbeds/leaky-notes/app.py").read_text().splitlines()[region["startLine"] - 1]
    assert line[region["startColumn"] - 1:region["endColumn"] - 1] == ", supports_credentials=True"
    assert fixed["SC130"]["properties"]["fixApplicability"] == "unsafe"
    for secret in CONFIG_SECRETS:
        assert secret not in out.stdout
