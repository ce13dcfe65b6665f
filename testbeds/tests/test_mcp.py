"""`spillcheck mcp` driven by the official MCP Python SDK client (`mcp` from PyPI): the
server initializes, lists its tools, scans the leaky testbed's code and a snippet, probes
a running leaky testbed, answers bad arguments with errors while staying up, and never
echoes back a token it was given."""
import json
import os
import signal

import pytest

from conftest import TESTBEDS, mcp_session, start

ROOT = TESTBEDS.parent
BINARY = ROOT / "target" / "debug" / "spillcheck"

LEAKY_SNIPPET = '''
from flask import Flask, jsonify
from flask_jwt_extended import get_jwt_identity, jwt_required

import db

app = Flask(__name__)


@app.get("/api/invoices/<int:invoice_id>")
@jwt_required()
def invoice(invoice_id):
    return jsonify(db.query_one("SELECT * FROM invoices WHERE id = ?", (invoice_id,)))


@app.get("/api/invoices")
@jwt_required()
def invoices():
    return jsonify(db.query_all("SELECT * FROM invoices WHERE owner = ?", (get_jwt_identity(),)))


@app.get("/api/invoices/export")
def export_invoices():
    return jsonify(db.query_all("SELECT * FROM invoices"))
'''


run = mcp_session


def structured(result):
    assert not result.is_error, result.content
    if result.structured_content is not None:
        return result.structured_content
    return json.loads(result.content[0].text)


def rules_of(report):
    return sorted({f["rule_id"] for f in report["findings"]})


@pytest.fixture(scope="module")
def leaky(tmp_path_factory):
    bed = start("leaky-notes", tmp_path_factory.mktemp("mcp"))
    yield bed
    try:
        os.kill(bed.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass


def test_tools_are_listed_with_schemas():
    async def scenario(s):
        return await s.list_tools()

    tools = {t.name: t for t in run(scenario).tools}
    assert {"scan_code", "suggest_fix", "list_routes", "probe_api", "audit_jwt", "scan_logs", "explain_rule",
            "list_rules"} <= set(tools)
    assert "url" in tools["probe_api"].input_schema["properties"]
    assert tools["explain_rule"].input_schema["required"] == ["rule"]


def test_scan_code_on_the_leaky_testbed_and_a_snippet():
    async def scenario(s):
        project = await s.call_tool("scan_code", {"paths": ["testbeds/leaky-notes"]})
        snippet = await s.call_tool("scan_code", {"code": LEAKY_SNIPPET.lstrip(), "filename": "billing/views.py"})
        capped = await s.call_tool("scan_code", {"paths": ["testbeds/leaky-notes"], "max_findings": 3})
        return structured(project), structured(snippet), structured(capped)

    project, snippet, capped = run(scenario)
    # The code rules marked `# expect:` in the leaky app.
    expected = {"SC101", "SC102", "SC103", "SC104", "SC105", "SC106", "SC110", "SC111", "SC120", "SC121",
                "SC130", "SC131", "SC140", "SC141", "SC150", "SC160", "SC161", "SC170", "SC320"}
    assert expected <= set(rules_of(project)), rules_of(project)
    assert project["score"] < 50 and project["omitted"] == 0
    assert rules_of(snippet) == ["SC101", "SC102"], snippet
    bola = next(f for f in snippet["findings"] if f["rule_id"] == "SC102")
    assert bola["location"]["path"] == "billing/views.py" and bola["location"]["line"] == 12
    assert bola["fix"] and bola["owasp"] == ["API1:2023"] and bola["cwe"] == ["CWE-639"]
    assert len(capped["findings"]) == 3 and capped["omitted"] == len(project["findings"]) - 3


FIXABLE_SNIPPET = '''
import jwt
from flask import Flask

app = Flask(__name__)
SIGNING_KEY = "x8Kq2v9LmZ4rT7wB1nC5yD3fH6jP0sQe"


def claims_of(token):
    return jwt.decode(token, SIGNING_KEY, options={"verify_signature": False})


if __name__ == "__main__":
    app.run(debug=True)
'''


def test_suggest_fix_returns_applicable_diffs_for_a_snippet_and_one_finding():
    async def scenario(s):
        every = await s.call_tool("suggest_fix", {"code": FIXABLE_SNIPPET.lstrip(), "filename": "svc/app.py"})
        scan = await s.call_tool("scan_code", {"code": FIXABLE_SNIPPET.lstrip(), "filename": "svc/app.py"})
        scan = structured(scan)
        sc104 = next(f for f in scan["findings"] if f["rule_id"] == "SC104")
        one = await s.call_tool("suggest_fix", {"code": FIXABLE_SNIPPET.lstrip(), "filename": "svc/app.py",
                                                "fingerprint": sc104["fingerprint"]})
        return structured(every), structured(one), sc104

    every, one, sc104 = run(scenario)
    by_rule = {f["rule_id"]: f for f in every["fixes"]}
    assert {"SC104", "SC120", "SC130"} <= set(by_rule), every
    assert by_rule["SC120"]["applicability"] == "safe" and by_rule["SC130"]["applicability"] == "unsafe"
    # The diff names the file as the caller does and reads the key from the environment.
    assert by_rule["SC130"]["diff"].startswith("--- a/svc/app.py\n+++ b/svc/app.py\n")
    assert '+SIGNING_KEY = os.environ["SIGNING_KEY"]' in by_rule["SC130"]["diff"]
    # The hard-coded key never leaves whole, not even in the removed line.
    assert "x8Kq2v9LmZ4rT7wB1nC5yD3fH6jP0sQe" not in json.dumps(every)
    assert '+    return jwt.decode(token, SIGNING_KEY, algorithms=["HS256"])' in by_rule["SC104"]["diff"]
    assert by_rule["SC104"]["applicability"] == "unsafe"  # the algorithm is a guess: nothing in the file signs
    assert [f["fingerprint"] for f in one["fixes"]] == [sc104["fingerprint"]]


def test_probe_api_against_the_running_leaky_testbed(leaky):
    alice, bob = leaky.token("alice"), leaky.token("bob")
    progress = []

    async def on_progress(value, total, message):
        progress.append(value)

    async def scenario(s):
        result = await s.call_tool(
            "probe_api",
            {"url": leaky.url, "token": alice, "token_b": bob, "rate": 40},
            progress_callback=on_progress,
        )
        return result

    result = run(scenario)
    report = structured(result)
    found = rules_of(report)
    for rule in ("SC201", "SC202", "SC203", "SC210", "SC211", "SC220", "SC230", "SC231", "SC301"):
        assert rule in found, found
    # Progress notifications arrived while it ran (requests sent so far, growing).
    assert progress and progress == sorted(progress), progress
    # No token given in the arguments comes back, anywhere in the answer.
    text = json.dumps([c.model_dump() for c in result.content]) + json.dumps(report)
    for token in (alice, bob):
        assert token not in text
        assert token.split(".")[2] not in text


def test_bad_arguments_are_errors_and_the_server_stays_up():
    async def scenario(s):
        answers = []
        for name, args in [
            ("explain_rule", {"rule": "SC999"}),
            ("scan_code", {"paths": ["no/such/folder"]}),
            ("scan_code", {}),
            ("probe_api", {"url": "http://203.0.113.7/"}),
            ("probe_api", {"url": "not a url"}),
            ("audit_jwt", {"token": "abc"}),
            ("explain_rule", {"wrong": 1}),
        ]:
            try:
                r = await s.call_tool(name, args)
                answers.append(("result", r.is_error, r.content[0].text if r.content else ""))
            except Exception as e:  # the SDK raises McpError for protocol-level errors
                answers.append(("error", True, str(e)))
        ok = structured(await s.call_tool("explain_rule", {"rule": "SC102"}))
        return answers, ok

    answers, ok = run(scenario)
    assert all(is_error for _, is_error, _ in answers), answers
    assert any("loopback" in text for _, _, text in answers), answers
    assert any("SC999" in text for _, _, text in answers), answers
    assert ok["id"] == "SC102" and "owner" in json.dumps(ok).lower()


def test_audit_jwt_never_echoes_the_token(leaky):
    token = leaky.token("alice")

    async def scenario(s):
        return await s.call_tool("audit_jwt", {"token": token})

    result = run(scenario)
    report = structured(result)
    assert {"SC301", "SC302", "SC303"} <= set(rules_of(report))
    text = json.dumps([c.model_dump() for c in result.content]) + json.dumps(report)
    assert token not in text and token.split(".")[2] not in text and "super-secret" not in text
