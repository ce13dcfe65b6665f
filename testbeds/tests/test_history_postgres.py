"""The shared history on a real PostgreSQL server (Debian's package, initdb'd in a temp
folder, 127.0.0.1 and a free port only, stopped at the end): records and reads back like
SQLite, migrates a database of the previous schema, refuses a newer one, loses nothing
with 8 concurrent writers × 50 runs, `monitor --shard` covers each target exactly once,
export/import round-trips, and a server that cannot be reached is a one-line error (exit 2)
with the report still written and the password never shown."""
import concurrent.futures
import json
import os
import subprocess
import sys

import pytest

from conftest import TESTBEDS

ROOT = TESTBEDS.parent
BINARY = ROOT / "target" / "debug" / "spillcheck"
sys.path.insert(0, str(ROOT / "bench" / "realapps"))
import run as realapps  # noqa: E402  (its throwaway PostgreSQL server)


@pytest.fixture(scope="module")
def pg():
    server = realapps.Postgres().start()
    yield server
    server.stop()


@pytest.fixture
def db(pg, request):
    name = "h_" + request.node.name.lower()[:40]
    pg.create_db(name, [])
    return pg.url(name)


def spillcheck(*args, cwd=ROOT, env=None):
    return subprocess.run([str(BINARY), *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          check=False, env=env)


def psql(pg, db_url, sql):
    name = db_url.rsplit("/", 1)[1]
    out = subprocess.run([str(realapps.pg_bindir() / "psql"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres",
                          "-d", name, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         env={**os.environ, "PGPASSWORD": pg.password}, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def history(db_url, *args):
    out = spillcheck("history", "--db", db_url, "--format", "json", *args)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["runs"]


def test_records_and_reads_back_with_the_password_never_shown(pg, db):
    for _ in range(2):
        out = spillcheck("code", "testbeds/leaky-notes", "--record", "--db", db, "--format", "json", "-o", os.devnull)
        assert out.returncode == 1 and "recorded run" in out.stderr, out.stderr
        assert pg.password not in out.stderr + out.stdout
    runs = history(db)
    assert len(runs) == 2 and runs[1]["new"] == 0 and runs[1]["fixed"] == 0 and runs[0]["new"] == runs[0]["findings"] > 0
    listed = spillcheck("history", "--db", db, "--format", "json")
    assert pg.password not in listed.stdout + listed.stderr
    # The same through the environment variable.
    env = {**os.environ, "SPILLCHECK_DB": db}
    assert len(json.loads(spillcheck("history", "--format", "json", env=env).stdout)["runs"]) == 2


def test_migrates_a_database_of_the_previous_schema(pg, db):
    # Version 1 as an older spillcheck left it: no `scanned` column, one run recorded.
    psql(pg, db, """CREATE TABLE spillcheck_schema (version INTEGER NOT NULL); INSERT INTO spillcheck_schema VALUES (1);
        CREATE TABLE runs (id BIGSERIAL PRIMARY KEY, target TEXT NOT NULL, time BIGINT NOT NULL, tool_version TEXT NOT NULL,
          score INTEGER NOT NULL, grade TEXT NOT NULL, critical INTEGER NOT NULL, high INTEGER NOT NULL, medium INTEGER NOT NULL,
          low INTEGER NOT NULL, info INTEGER NOT NULL, new INTEGER NOT NULL, fixed INTEGER NOT NULL);
        CREATE TABLE findings (seq BIGSERIAL PRIMARY KEY, run BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
          fingerprint TEXT NOT NULL, rule_id TEXT NOT NULL, severity TEXT NOT NULL, title TEXT NOT NULL, message TEXT NOT NULL,
          path TEXT, line BIGINT, route TEXT);
        INSERT INTO runs (target, time, tool_version, score, grade, critical, high, medium, low, info, new, fixed)
          VALUES ('old-app', 1700000000, '0.0.9', 90, 'A', 0, 0, 1, 0, 0, 1, 0);""")
    runs = history(db)
    assert [(r["target"], r["score"], r["scanned"]) for r in runs] == [("old-app", 90, "")]
    assert psql(pg, db, "SELECT version FROM spillcheck_schema") == "2"


def test_a_newer_schema_is_refused_and_left_alone(pg, db):
    history(db)  # creates the schema
    psql(pg, db, "UPDATE spillcheck_schema SET version = 99")
    out = spillcheck("history", "--db", db)
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "schema version 99" in out.stderr and "upgrade spillcheck" in out.stderr
    assert pg.password not in out.stderr
    assert psql(pg, db, "SELECT version FROM spillcheck_schema") == "99"


def variants(tmp_path):
    """Saved reports of two targets whose findings change from one variant to the next."""
    base = json.loads(spillcheck("code", "testbeds/leaky-notes", "--format", "json").stdout)
    files = []
    for target in ("app-a", "app-b"):
        for k in range(5):
            report = json.loads(json.dumps(base))
            report["target"] = {"paths": [target]}
            report["findings"] = [f for i, f in enumerate(base["findings"]) if (i + k) % 5 != 0]
            path = tmp_path / f"{target}-{k}.json"
            path.write_text(json.dumps(report))
            files.append((target, path))
    return files


def test_eight_concurrent_writers_lose_nothing(pg, db, tmp_path):
    files = variants(tmp_path)
    history(db)  # the schema exists before the writers start, as after any first run

    def writer(w):
        for n in range(50):
            target, path = files[(w % 2) * 5 + (n % 5)]
            out = spillcheck("report", str(path), "--record", "--db", db, "--format", "json", "-o", os.devnull)
            assert out.returncode in (0, 1) and "recorded run" in out.stderr, out.stderr

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(writer, range(8)))
    export = tmp_path / "all.jsonl"
    assert spillcheck("history", "--db", db, "--export", str(export)).returncode == 0
    lines = export.read_text().splitlines()
    assert json.loads(lines[0])["runs"] == 400
    runs = [json.loads(line) for line in lines[1:]]
    assert len(runs) == 400 and len({r["run"]["id"] for r in runs}) == 400
    by_target = {}
    for r in sorted(runs, key=lambda r: r["run"]["id"]):
        by_target.setdefault(r["run"]["target"], []).append(r)
    assert {t: len(rs) for t, rs in by_target.items()} == {"app-a": 200, "app-b": 200}
    # Each run's new/fixed is its difference with the run recorded just before it.
    for rs in by_target.values():
        previous = set()
        for r in rs:
            now = {f["fingerprint"] for f in r["findings"]}
            assert r["run"]["new"] == len(now - previous) and r["run"]["fixed"] == len(previous - now), r["run"]
            previous = now


def test_monitor_shards_cover_every_target_exactly_once(pg, db, tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n")
    names = [f"svc-{i}" for i in range(7)]
    targets = "".join(f'\n[[target]]\nname = "{n}"\npath = "app"\n' for n in names)
    (tmp_path / "monitor.toml").write_text(f'db = "{db}"\n{targets}')
    for i in (1, 2, 3):
        out = spillcheck("monitor", "--config", str(tmp_path / "monitor.toml"), "--once", "--shard", f"{i}/3")
        assert out.returncode == 0, out.stderr
        assert pg.password not in out.stderr + out.stdout
    recorded = [r["target"] for r in history(db)]
    assert sorted(recorded) == sorted(names)  # each exactly once across the three shards
    bad = spillcheck("monitor", "--config", str(tmp_path / "monitor.toml"), "--once", "--shard", "4/3")
    assert bad.returncode == 2 and "1 <= I <= N" in bad.stderr


def test_export_import_round_trip_from_sqlite_to_postgres(pg, db, tmp_path):
    local = tmp_path / "history.db"
    for bed in ("leaky-notes", "hardened-notes", "leaky-notes"):
        spillcheck("code", f"testbeds/{bed}", "--record", "--db", str(local), "--format", "json", "-o", os.devnull)
    first = tmp_path / "sqlite.jsonl"
    assert spillcheck("history", "--db", str(local), "--export", str(first)).returncode == 0
    out = spillcheck("history", "--db", db, "--import", str(first))
    assert out.returncode == 0 and "imported 3 runs" in out.stderr, out.stderr
    second = tmp_path / "pg.jsonl"
    assert spillcheck("history", "--db", db, "--export", str(second)).returncode == 0

    def without_ids(path):
        rows = [json.loads(line) for line in path.read_text().splitlines()[1:]]
        for r in rows:
            r["run"].pop("id")
        return rows

    assert without_ids(first) == without_ids(second)
    assert spillcheck("history", "--db", db, "--import", str(tmp_path / "app")).returncode == 2


def test_an_unreachable_server_is_one_line_and_the_report_is_kept(tmp_path):
    report = tmp_path / "report.json"
    url = "postgres://spillcheck:Sup3r-s3cret-pw@127.0.0.1:1/history"
    out = spillcheck("code", "testbeds/leaky-notes", "--record", "--db", url, "--format", "json", "-o", str(report))
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "cannot connect" in out.stderr, out.stderr
    assert "Sup3r-s3cret-pw" not in out.stderr
    assert json.loads(report.read_text())["findings"]  # the report was written before the record failed


def test_a_damaged_history_is_one_line_and_the_report_is_kept(pg, db, tmp_path):
    history(db)  # the schema, then someone drops a table by hand
    psql(pg, db, "DROP TABLE findings")
    report = tmp_path / "report.json"
    out = spillcheck("code", "testbeds/leaky-notes", "--record", "--db", db, "--format", "json", "-o", str(report))
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "findings" in out.stderr, out.stderr
    assert pg.password not in out.stderr
    assert json.loads(report.read_text())["findings"]
    assert psql(pg, db, "SELECT count(*) FROM runs") == "0"  # the failed record left nothing half-written
