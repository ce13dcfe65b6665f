"""The redaction audit: spillcheck must never commit the sins it reports. Every
subcommand and every output format runs with known secrets in play — two users' real
tokens, a user's password, the app's signing key (cracked by the token audit) — and
everything spillcheck writes is searched for them: stdout, stderr (with --verbose),
report files in every format, the history database, `history` output, MCP responses,
monitor output and webhook payloads, error messages and panic messages. None may appear
whole.
"""
import json
import sqlite3
import subprocess


from conftest import LEAKY_JWT_SECRET, TESTBEDS, WebhookReceiver, mcp_session

ROOT = TESTBEDS.parent
BINARY = ROOT / "target" / "debug" / "spillcheck"
LEAKY = TESTBEDS / "leaky-notes"
FORMATS = ["text", "json", "sarif", "junit", "markdown", "html"]
PASSWORD = "alice-Pa55!"  # testbeds/seed-users.env; the leaky app logs it on a failed login
ADMIN_PASSWORD = "Adm1n-Pa55!"  # hard-coded in testbeds/leaky-notes/config.py (SC131)


class Audit:
    """Collects every byte spillcheck produced, labelled, and finds secrets in it."""

    def __init__(self, secrets):
        self.secrets = secrets
        self.outputs = []

    def add(self, label, text):
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        self.outputs.append((label, text))

    def run(self, label, *args, env=None, cwd=None, expect=(0, 1)):
        done = subprocess.run([str(BINARY), *args], capture_output=True, text=True,
                              timeout=300, env=env, cwd=cwd)
        self.add(f"{label}: stdout", done.stdout)
        self.add(f"{label}: stderr", done.stderr)
        assert done.returncode in expect, f"{label}: exit {done.returncode}: {done.stderr[-2000:]}"
        return done

    def leaks(self):
        found = []
        for label, text in self.outputs:
            for name, value in self.secrets.items():
                if value in text:
                    found.append(f"{name} in {label}")
        return found


def mcp_calls(calls):
    """Each tool call's whole response, as JSON text."""

    async def scenario(session):
        return [json.dumps((await session.call_tool(name, arguments)).model_dump(mode="json"))
                for name, arguments in calls]

    return mcp_session(scenario)


def test_no_secret_leaves_whole(beds, tmp_path):
    bed = beds["leaky-notes"]
    token_a, token_b = bed.token("alice"), bed.token("bob")
    secrets = {"token A": token_a, "token B": token_b, "password": PASSWORD,
               "admin password": ADMIN_PASSWORD, "signing key": LEAKY_JWT_SECRET}
    audit = Audit(secrets)
    # The app's log now holds both tokens and (the leaky app logs login bodies) the password.
    bed.get("/api/notes", token=token_a)
    bed.get("/api/notes", token=token_b)
    bed.send("POST", "/api/login", json={"email": "bob@notes.test", "password": PASSWORD})
    log = bed.log
    # The inputs really hold every secret: else the audit would prove nothing.
    raw_log = log.read_text()
    assert token_a in raw_log and token_b in raw_log and PASSWORD in raw_log
    assert ADMIN_PASSWORD in (LEAKY / "config.py").read_text()
    assert LEAKY_JWT_SECRET in (LEAKY / "config.py").read_text()
    db = tmp_path / "history.db"

    # Every report-producing command in every format, to stdout and to files.
    for fmt in FORMATS:
        out = tmp_path / f"code.{fmt}"
        audit.run(f"code {fmt}", "code", str(LEAKY), "--format", fmt, "-o", str(out))
        audit.add(f"code {fmt} file", out.read_text())
        audit.run(f"logs {fmt}", "logs", str(log), "--format", fmt)
        audit.run(f"jwt {fmt}", "jwt", token_a, "--format", fmt)
    # The probe with everything on: both tokens, logs (canary), --verbose, writes, history.
    scan_json = tmp_path / "scan.json"
    audit.run("api verbose", "api", bed.url, "--token", token_a, "--token-b", token_b,
              "--logs", str(log), "--allow-writes", "--verbose", "--rate", "0",
              "--record", "--db", str(db), "--format", "json", "-o", str(scan_json))
    audit.add("api json file", scan_json.read_text())
    report = json.loads(scan_json.read_text())
    assert any(f["rule_id"] == "SC210" for f in report["findings"])  # the probe really ran
    for fmt in FORMATS:
        audit.run(f"report {fmt}", "report", str(scan_json), "--format", fmt, "--db", str(db))
    audit.run("scan", "scan", str(LEAKY), "--url", bed.url, "--token", token_a,
              "--token-b", token_b, "--verbose", "--record", "--db", str(db), "--format", "html")
    # Tokens through the environment, as CI passes them.
    env = {"PATH": "/usr/bin:/bin", "SPILLCHECK_TOKEN": token_a, "SPILLCHECK_TOKEN_B": token_b}
    audit.run("api env", "api", bed.url, "--format", "markdown", env=env)
    # The history: its database, byte for byte and row by row, and `history`.
    audit.add("history.db bytes", db.read_bytes().decode("latin-1"))
    with sqlite3.connect(db) as conn:
        for table in ("runs", "findings"):
            audit.add(f"history.db {table}", repr(conn.execute(f"SELECT * FROM {table}").fetchall()))
    audit.run("history text", "history", "--db", str(db))
    audit.run("history json", "history", "--db", str(db), "--format", "json")
    # monitor, with tokens from environment variables and a webhook that always posts.
    hook = WebhookReceiver()
    cfg = tmp_path / "monitor.toml"
    cfg.write_text(f'''db = "{db}"
[[webhook]]
url = "{hook.url}/hook"
always = true
[[target]]
name = "leaky"
path = "{LEAKY}"
url = "{bed.url}"
token-env = "AUDIT_TOKEN_A"
token-b-env = "AUDIT_TOKEN_B"
''')
    menv = {"PATH": "/usr/bin:/bin", "AUDIT_TOKEN_A": token_a, "AUDIT_TOKEN_B": token_b}
    audit.run("monitor", "monitor", "--config", str(cfg), "--once", env=menv)
    assert hook.received, "the webhook got nothing"
    for i, (_, _, body) in enumerate(hook.received):
        audit.add(f"webhook {i}", body)
    hook.close()
    # MCP responses.
    for i, text in enumerate(mcp_calls([
        ("probe_api", {"url": bed.url, "token": token_a, "token_b": token_b}),
        ("audit_jwt", {"token": token_a}),
        ("scan_logs", {"paths": [str(log)]}),
        ("scan_code", {"paths": [str(LEAKY)]}),
    ])):
        audit.add(f"mcp response {i}", text)
    # Error messages: a dead target, a misplaced token, a token that is not a JWT, a bad
    # config; and a panic whose message carries the secrets.
    audit.run("dead url", "api", "http://127.0.0.1:9", "--token", token_a, expect=(2,))
    audit.run("misplaced token", "api", bed.url, token_a, "--token", token_a, expect=(2,))
    audit.run("password as jwt", "jwt", PASSWORD, expect=(2,))
    audit.run("panic", "api", bed.url, "--token", token_a,
              env={"PATH": "/usr/bin:/bin", "SPILLCHECK_TEST_PANIC": f"boom {token_a} {token_b}",
                   "SPILLCHECK_TOKEN_B": token_b},
              expect=(2,))
    panic_err = audit.outputs[-1][1]
    assert "internal error" in panic_err and "boom" in panic_err

    # The audit itself must have seen the secrets where spillcheck reports them (else it
    # proves nothing): the findings name the signing key and the tokens, redacted.
    everything = "\n".join(text for _, text in audit.outputs)
    assert any(f["rule_id"] == "SC301" for f in report["findings"])  # the key was cracked
    assert "…#" in everything  # redacted forms are there
    assert len(audit.outputs) > 60
    assert audit.leaks() == []
