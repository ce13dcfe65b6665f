#!/usr/bin/env python3
"""The real-app check: spillcheck on real Flask apps, scored against truth files.

    bench/realapps.sh [--code-only] [--app NAME ...] [--bin PATH]
    python3 bench/realapps/run.py token APP BASE_URL ROLE      (used as --token-cmd)

For each app (a folder here with app.toml, harness.py, requirements.txt, and a truth file
NAME.toml beside them): unpack its source afresh into bench/out/realapps/NAME/src, make its
venv, start the services it needs (PostgreSQL from Debian's package, initdb'd in a temp
folder, on a free port on 127.0.0.1; Redis in the app's state folder), start the app on 127.0.0.1, create its users the way a
user of the app would, run `spillcheck code` and `spillcheck scan` with only the URL and the
users' credentials, stop everything, and score both reports. The numbers go to state.json
(here) and bench/results/realapps.md.

Standard library only.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime
import hashlib
import importlib.util
import json
import os
import platform
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
WORK = ROOT / "bench" / "out" / "realapps"
STATE = HERE / "state.json"
RESULTS = ROOT / "bench" / "results" / "realapps.md"
sys.path.insert(0, str(HERE))
import score as scoring  # noqa: E402


def log(msg: str) -> None:
    print(f"realapps: {msg}", file=sys.stderr, flush=True)


def corpus_dir() -> Path:
    env = os.environ.get("SPILLCHECK_CORPUS")
    return Path(env) if env else ROOT.parent / "shared" / "corpus"


# ---------------------------------------------------------------------------------------------
# Apps and their sources


class App:
    def __init__(self, folder: Path):
        self.folder = folder
        self.conf = tomllib.loads((folder / "app.toml").read_text(encoding="utf-8"))
        self.name = self.conf["name"]
        self.truth_path = HERE / f"{self.name}.toml"
        self.work = WORK / self.name
        self.src_parent = self.work / "src"
        self._harness = None

    @property
    def source(self) -> dict:
        return self.conf["source"]

    @property
    def origin(self) -> str:
        s = self.source
        return f"corpus {s['corpus']}" if "corpus" in s else f"PyPI {s['pypi']}"

    @property
    def root(self) -> Path:
        """The app's root folder (what `spillcheck code` scans)."""
        return self.src_parent / self.source["dir"]

    @property
    def harness(self):
        if self._harness is None:
            spec = importlib.util.spec_from_file_location(f"harness_{self.name.replace('-', '_')}", self.folder / "harness.py")
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            self._harness = module
        return self._harness


def all_apps() -> list[App]:
    return [App(p.parent) for p in sorted(HERE.glob("*/app.toml"))]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch_archive(app: App) -> Path:
    """The app's archive: from the corpus, or downloaded once from PyPI (hash checked)."""
    s = app.source
    if "corpus" in s:
        path = corpus_dir() / s["corpus"]
        if not path.is_file():
            raise SystemExit(f"realapps: {path} is missing (set SPILLCHECK_CORPUS to the corpus folder)")
        return path
    cache = WORK / "_downloads"
    cache.mkdir(parents=True, exist_ok=True)
    name, _, version = s["pypi"].partition("==")
    for cand in cache.iterdir():
        if cand.name.lower().replace("_", "-").startswith(f"{name.lower()}-{version}") and sha256_file(cand) == s["sha256"]:
            return cand
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--no-binary", ":all:", "--dest", str(cache), s["pypi"]],
        check=True,
    )
    for cand in cache.iterdir():
        if cand.name.lower().replace("_", "-").startswith(f"{name.lower()}-{version}"):
            got = sha256_file(cand)
            if got != s["sha256"]:
                raise SystemExit(f"realapps: {cand.name}: sha256 {got} is not the pinned {s['sha256']}")
            return cand
    raise SystemExit(f"realapps: pip download of {s['pypi']} left no archive")


def unpack(app: App, dest: Path | None = None) -> Path:
    """A fresh copy of the app's source (every run starts from the pristine tree); returns its root."""
    archive = fetch_archive(app)
    parent = dest or app.src_parent
    if parent.exists():
        shutil.rmtree(parent)
    parent.mkdir(parents=True)
    if archive.name.endswith((".tar.gz", ".tgz")):
        with tarfile.open(archive) as tar:
            tar.extractall(parent, filter="data")
    else:
        with zipfile.ZipFile(archive) as z:
            z.extractall(parent)
    root = parent / app.source["dir"]
    if not root.is_dir():
        raise SystemExit(f"realapps: {archive.name} did not unpack to {app.source['dir']}")
    return root


def venv(app: App) -> Path:
    """The app's venv with its pinned requirements; rebuilt only when they change."""
    req = app.folder / "requirements.txt"
    path = app.work / "venv"
    stamp = path / ".requirements.sha256"
    want = sha256_file(req)
    python = path / "bin" / "python"
    if python.exists() and stamp.exists() and stamp.read_text() == want:
        return python
    log(f"{app.name}: installing {req.relative_to(ROOT)}")
    if path.exists():
        shutil.rmtree(path)
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(req)], check=True)
    stamp.write_text(want)
    return python


# ---------------------------------------------------------------------------------------------
# Services


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float, proc: subprocess.Popen | None = None) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            return False
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
        time.sleep(0.2)
    return False


def pg_bindir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not found:
        raise SystemExit("realapps: PostgreSQL is not installed (scripts/setup.sh installs Debian's postgresql)")
    return found[-1].parent


class Postgres:
    """A throwaway PostgreSQL server: initdb in a temp folder, 127.0.0.1 and a free port only."""

    def __init__(self):
        self.bindir = pg_bindir()
        self.dir = Path(tempfile.mkdtemp(prefix="spillcheck-pg-"))
        self.port = free_port()
        self.as_user = []
        if os.geteuid() == 0:  # initdb refuses to run as root: use Debian's postgres account
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.dir, "postgres")
        self.password = secrets.token_urlsafe(12)

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> "Postgres":
        pwfile = self.dir / "pw"
        pwfile.write_text(self.password)
        if self.as_user:
            shutil.chown(pwfile, "postgres")
        self._run(str(self.bindir / "initdb"), "-D", str(self.dir / "data"), "-U", "postgres", "-A", "scram-sha-256",
                  "--pwfile", str(pwfile), "-E", "UTF8", "--locale", "C")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.dir / "data"), "-l", str(self.dir / "server.log"), "-w",
                  "-o", f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off", "start")
        log(f"PostgreSQL on 127.0.0.1:{self.port}")
        return self

    def url(self, db: str) -> str:
        return f"postgresql://postgres:{self.password}@127.0.0.1:{self.port}/{db}"

    def create_db(self, db: str, extensions: list[str]) -> None:
        env = {**os.environ, "PGPASSWORD": self.password}
        psql = [str(self.bindir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1"]
        subprocess.run([*psql, "-c", f'DROP DATABASE IF EXISTS "{db}"'], check=True, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        subprocess.run([*psql, "-c", f'CREATE DATABASE "{db}"'], check=True, env=env, stdout=subprocess.DEVNULL)
        for ext in extensions:
            subprocess.run([*psql, "-d", db, "-c", f"CREATE EXTENSION IF NOT EXISTS {ext}"], check=True, env=env,
                           stdout=subprocess.DEVNULL)

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# HTTP for the harnesses (the way a user of each app registers and logs in)


class Client:
    def __init__(self, base: str):
        self.base = base.rstrip("/")

    def request(self, method: str, path: str, *, json_body=None, form=None, basic=None, headers=None, cookies=None):
        """Returns (status, headers, body) where body is parsed JSON when it is JSON. No redirects followed."""
        import base64
        import urllib.parse

        h = dict(headers or {})
        data = None
        if json_body is not None:
            data = json.dumps(json_body).encode()
            h["Content-Type"] = "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
        if basic:
            h["Authorization"] = "Basic " + base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
        if cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *a, **k):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        req = urllib.request.Request(self.base + path, data=data, headers=h, method=method)
        try:
            with opener.open(req, timeout=30) as resp:
                status, rh, raw = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as err:
            status, rh, raw = err.code, err.headers, err.read()
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        return status, rh, body

    def cookie(self, headers, name: str) -> str | None:
        for value in headers.get_all("Set-Cookie") or []:
            first = value.split(";", 1)[0]
            k, _, v = first.partition("=")
            if k.strip() == name:
                return v.strip()
        return None


def expect_ok(what: str, status: int, body) -> None:
    if status >= 400:
        raise RuntimeError(f"{what}: HTTP {status}: {str(body)[:200]}")


# ---------------------------------------------------------------------------------------------
# Running one app


def credentials(app: App) -> dict:
    """Throwaway users of this run: role -> {user, password, email} (the file stays in bench/out)."""
    path = app.work / "state" / "users.json"
    return json.loads(path.read_text())


def make_credentials(app: App) -> dict:
    users = {}
    for role in getattr(app.harness, "ROLES", ["a", "b"]):
        default = {"a": "alice", "b": "bob"}.get(role, role)
        name = getattr(app.harness, "USERNAMES", {}).get(role, default)
        users[role] = {"user": name, "password": "Pw-" + secrets.token_urlsafe(12), "email": f"{name}@example.com"}
    save_credentials(app, users)
    return users


def save_credentials(app: App, users: dict) -> None:
    path = app.work / "state" / "users.json"
    path.write_text(json.dumps(users))
    path.chmod(0o600)


def template(value, ctx: dict):
    if isinstance(value, str):
        return value.format(**ctx)
    if isinstance(value, list):
        return [template(v, ctx) for v in value]
    if isinstance(value, dict):
        return {k: template(v, ctx) for k, v in value.items()}
    return value


def spillcheck_json(argv: list[str], out: Path, cwd: Path, env: dict | None = None) -> tuple[dict | None, float, str]:
    start = time.monotonic()
    proc = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    if proc.returncode not in (0, 1) or not out.exists():
        log(f"{argv[1]} exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
        return None, wall, proc.stderr
    return json.loads(out.read_text()), wall, proc.stderr


def run_code(app: App, binary: Path) -> dict:
    out = app.work / "code.json"
    out.unlink(missing_ok=True)
    report, wall, _ = spillcheck_json([str(binary), "code", ".", "--format", "json", "-o", str(out)], out, app.root)
    return {"report": report, "wall": wall}


def requests_sent(stderr: str) -> int | None:
    # `probed N operations with M requests in S s`
    for line in stderr.splitlines():
        if "probed" in line and "requests" in line:
            words = line.split()
            for i, w in enumerate(words):
                if w == "with" and i + 1 < len(words) and words[i + 1].isdigit():
                    return int(words[i + 1])
    return None


@contextlib.contextmanager
def running(app: App, pg: Postgres | None, login: str = "token"):
    """Starts the app on a free port of 127.0.0.1 with its users created; yields
    (base URL, users, the spillcheck scan arguments, extra environment) that log in as them:
    token commands (`login="token"`) or the users' credentials for `--user` (`login="user"`,
    unless the app's `run.user_login` is false). Stops it after."""
    state = app.work / "state"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    run = app.conf.get("run", {})
    ctx = {"port": port, "state": str(state), "src": str(app.root), "base": base, "here": str(app.folder),
           "secret": secrets.token_hex(16)}
    if "postgresql" in run.get("services", []):
        db = app.name.replace("-", "_")
        pg.create_db(db, run.get("pg_extensions", []))
        ctx.update(pg_url=pg.url(db), pg_host="127.0.0.1", pg_port=pg.port, pg_password=pg.password, pg_db=db)
    stack = contextlib.ExitStack()  # services of this run, stopped when it ends or fails to start
    if "redis" in run.get("services", []):
        # One throwaway Redis per run, in memory only, in the app's state folder.
        ctx["redis_port"] = free_port()
        redis = subprocess.Popen(["redis-server", "--port", str(ctx["redis_port"]), "--bind", "127.0.0.1",
                                  "--save", "", "--appendonly", "no", "--dir", str(state)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        stack.callback(lambda: (redis.terminate(), redis.wait()))
        if not wait_port(ctx["redis_port"], 20, redis):
            stack.close()
            raise RuntimeError(f"{app.name}: redis-server did not start")
    try:
        python = venv(app)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SPILLCHECK_", "FLASK_", "VIRTUAL_ENV"))}
        env.update({"PATH": f"{python.parent}:{env.get('PATH', '')}", "PYTHONDONTWRITEBYTECODE": "1",
                    "PYTHONPATH": str(app.root)})
        env.update(template(run.get("env", {}), ctx))
        setup_env = {"python": str(python), "env": env, "cwd": app.root, "ctx": ctx, "state": state,
                     "save_users": lambda u: save_credentials(app, u)}
        if hasattr(app.harness, "prepare"):
            app.harness.prepare(setup_env)
        for step in run.get("prepare", []):
            subprocess.run(template(step, ctx), cwd=app.root, env=env, check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        server_log = open(state / "server.log", "wb")
        proc = subprocess.Popen(template(run["start"], ctx), cwd=app.root, env=env, stdout=server_log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    except BaseException:
        stack.close()
        raise
    try:
        if not wait_port(port, run.get("start_timeout", 60), proc):
            raise RuntimeError(f"{app.name} did not start: see {state / 'server.log'}")
        client = Client(base)
        users = make_credentials(app)
        app.harness.create_users(client, users, setup_env)
        argv = ["--url", base, "--allow-writes"]
        login_env = {}
        if login == "user" and run.get("user_login", True):
            # Only the URL and the users' credentials: spillcheck logs in itself. The
            # credentials go in the environment, never on the command line.
            names = {"a": "SPILLCHECK_USER", "b": "SPILLCHECK_USER_B", "admin": "SPILLCHECK_ADMIN_USER"}
            field = run.get("login_name", "user")
            for role, u in users.items():
                if role in names:
                    login_env[names[role]] = f"{u[field]}:{u['password']}"
        else:
            me = f"{sys.executable} {Path(__file__).resolve()} token {app.name} {base}"
            flags = {"a": "--token-cmd", "b": "--token-b-cmd", "admin": "--admin-token-cmd"}
            for role in users:
                if role in flags:
                    argv += [flags[role], f"{me} {role}"]
        argv += template(run.get("scan_args", []), ctx)
        yield base, users, argv, login_env
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        server_log.close()
        stack.close()


def run_probe(app: App, binary: Path, pg: Postgres | None, login: str = "token") -> dict:
    with running(app, pg, login) as (_, _, scan_args, login_env):
        out = app.work / "scan.json"
        out.unlink(missing_ok=True)
        argv = [str(binary), "scan", ".", "--format", "json", "-o", str(out), *scan_args]
        scan_env = {k: v for k, v in os.environ.items() if not k.startswith("SPILLCHECK_")}
        scan_env.update(login_env)
        report, wall, stderr = spillcheck_json(argv, out, app.root, scan_env)
        (app.work / "state" / "scan.stderr").write_text(stderr)
        return {"report": report, "wall": wall, "requests": requests_sent(stderr)}


# ---------------------------------------------------------------------------------------------
# Results


def side_state(truth: scoring.Truth, report: dict | None, side: str, extra: dict) -> dict:
    if report is None:
        return {"error": "no report", **extra}
    findings = scoring.side_findings(report, side)
    s = scoring.score(truth, findings, side)
    return {
        "expected": len(s.expected),
        "found": s.found,
        "rejects_hit": s.rejects_hit,
        "true": s.true_findings,
        "false": s.false_findings,
        "unreviewed": [scoring.describe(f) for f in s.unreviewed],
        "findings": len(findings),
        "per_rule": s.per_rule,
        **extra,
    }


def fmt_precision(true: int, false: int) -> str:
    return f"{100 * true / (true + false):.0f}%" if true + false else "–"


def render(state: dict) -> str:
    lines = [
        "# The real-app check",
        "",
        "Generated by `bench/realapps.sh` (see `bench/realapps/README.md`); do not edit. Each app's",
        "findings at the default confidence are scored against its truth file: *found* counts the",
        "`expect` entries of that side a finding matched, *rejects hit* the `reject` entries some",
        "finding matched (false positives), *unreviewed* the findings no entry matches. Precision is",
        "true / (true + false) over findings that match an entry.",
        "",
    ]
    meta = state.get("_meta", {})
    if meta:
        lines += [f"Last run: {meta.get('date')} · spillcheck {meta.get('commit')} · {meta.get('machine')}", ""]
    apps = [k for k in state if not k.startswith("_")]
    for side, title in (("code", "Code analysis (`spillcheck code`)"), ("probe", "Probe (`spillcheck scan`, probe findings)")):
        lines += [f"## {title}", ""]
        extra = " requests |" if side == "probe" else ""
        lines += [f"| app | origin | expected found | rejects hit | unreviewed | findings | precision (labelled) | wall |{extra}",
                  "|---|---|---|---|---|---|---|---|" + ("---|" if side == "probe" else "")]
        tot = {"exp": 0, "found": 0, "rej": 0, "unrev": 0, "true": 0, "false": 0, "n": 0}
        for name in apps:
            s = state[name].get(side)
            origin = state[name].get("origin", "")
            if not s or "error" in s:
                why = (s or {}).get("error", "not run")
                lines.append(f"| {name} | {origin} | {why} | | | | | |" + (" |" if side == "probe" else ""))
                continue
            tot["exp"] += s["expected"]; tot["found"] += len(s["found"]); tot["rej"] += len(s["rejects_hit"])
            tot["unrev"] += len(s["unreviewed"]); tot["true"] += s["true"]; tot["false"] += s["false"]; tot["n"] += s["findings"]
            row = (f"| {name} | {origin} | {len(s['found'])} / {s['expected']} | {len(s['rejects_hit'])} | {len(s['unreviewed'])} "
                   f"| {s['findings']} | {fmt_precision(s['true'], s['false'])} ({s['true']}/{s['true'] + s['false']}) | {s['wall']:.2f} s |")
            if side == "probe":
                row += f" {s.get('requests') if s.get('requests') is not None else '–'} |"
            lines.append(row)
        lines.append(f"| **all** | | {tot['found']} / {tot['exp']} | {tot['rej']} | {tot['unrev']} | {tot['n']} "
                     f"| {fmt_precision(tot['true'], tot['false'])} ({tot['true']}/{tot['true'] + tot['false']}) | |"
                     + (" |" if side == "probe" else ""))
        lines += ["", f"### Per rule ({side})", "", "| rule | true | false | unreviewed | missed |", "|---|---|---|---|---|"]
        per: dict[str, dict[str, int]] = {}
        for name in apps:
            s = state[name].get(side) or {}
            for rule, counts in s.get("per_rule", {}).items():
                agg = per.setdefault(rule, {"true": 0, "false": 0, "unreviewed": 0, "missed": 0})
                for k, v in counts.items():
                    agg[k] += v
        for rule in sorted(per):
            c = per[rule]
            lines.append(f"| {rule} | {c['true']} | {c['false']} | {c['unreviewed']} | {c['missed']} |")
        lines.append("")
    lines += ["## Findings to review", "", "Findings no truth entry matches (label them in the truth files):", ""]
    any_unrev = False
    for name in apps:
        for side in ("code", "probe"):
            for d in (state[name].get(side) or {}).get("unreviewed", []):
                lines.append(f"- {name} ({side}): `{d}`")
                any_unrev = True
    if not any_unrev:
        lines.append("- none")
    lines += ["", "## Rejects hit (false positives)", ""]
    any_rej = False
    for name in apps:
        truth = scoring.load_truth(HERE / f"{name}.toml")
        reasons = {e.id: e.reason for e in truth.rejects}
        for side in ("code", "probe"):
            for rid in (state[name].get(side) or {}).get("rejects_hit", []):
                lines.append(f"- {name} ({side}) `{rid}`: {reasons.get(rid, '')}")
                any_rej = True
    if not any_rej:
        lines.append("- none")
    lines.append("")
    return "\n".join(lines)


def git_commit() -> str:
    with contextlib.suppress(Exception):
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        return rev + ("+changes" if dirty else "")
    return "?"


def main_run(args) -> int:
    binary = Path(args.bin).resolve()
    if not binary.exists():
        raise SystemExit(f"realapps: no spillcheck binary at {binary}")
    apps = [a for a in all_apps() if not args.app or a.name in args.app]
    if args.app and len(apps) != len(args.app):
        raise SystemExit(f"realapps: unknown app in {args.app}; known: {[a.name for a in all_apps()]}")
    state = json.loads(STATE.read_text()) if STATE.exists() else {}
    pg = None
    try:
        for app in apps:
            truth = scoring.load_truth(app.truth_path)
            (app.work / "state").mkdir(parents=True, exist_ok=True)
            unpack(app)
            code = run_code(app, binary)
            entry = state.setdefault(app.name, {})
            entry["origin"] = app.origin
            entry["code"] = side_state(truth, code["report"], "code", {"wall": code["wall"]})
            log(f"{app.name}: code {len(entry['code'].get('found', []))}/{entry['code'].get('expected')} expected, "
                f"{len(entry['code'].get('rejects_hit', []))} rejects hit")
            if args.code_only:
                continue
            if "postgresql" in app.conf.get("run", {}).get("services", []) and pg is None:
                pg = Postgres().start()
            shutil.rmtree(app.work / "state")
            (app.work / "state").mkdir(parents=True)
            unpack(app)  # the scan starts from a pristine tree too
            # An app whose server dies while booting (privacyidea's worker once lost a race
            # on its node table) gets one more start from a fresh state; a second failure is
            # recorded, and the other apps still run.
            for attempt in (1, 2):
                try:
                    probe = run_probe(app, binary, pg, args.login)
                    entry["probe"] = side_state(truth, probe["report"], "probe", {"wall": probe["wall"], "requests": probe["requests"]})
                    break
                except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
                    err = getattr(exc, "stderr", None) or ""
                    err = (err.decode(errors="replace") if isinstance(err, bytes) else err)[-300:]
                    log(f"{app.name}: probe failed (attempt {attempt}): {exc} {err}")
                    entry["probe"] = {"error": f"could not run: {str(exc)[:120]}"}
                    shutil.rmtree(app.work / "state")
                    (app.work / "state").mkdir(parents=True)
                    unpack(app)
            p = entry["probe"]
            log(f"{app.name}: probe {len(p.get('found', []))}/{p.get('expected')} expected, "
                f"{len(p.get('rejects_hit', []))} rejects hit, {p.get('requests')} requests")
    finally:
        if pg is not None:
            pg.stop()
    known = {a.name for a in all_apps()}
    state = {k: v for k, v in state.items() if k in known or k == "_meta"}
    state["_meta"] = {"date": datetime.date.today().isoformat(), "commit": git_commit(),
                      "machine": f"{os.cpu_count()} cores, {platform.machine()}"}
    STATE.write_text(json.dumps(state, indent=1, sort_keys=True) + "\n")
    RESULTS.write_text(render(state))
    log(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


def main_serve(args) -> int:
    """Starts one app as the check does and waits: for working on the probe by hand."""
    app = next((a for a in all_apps() if a.name == args.app), None)
    if app is None:
        raise SystemExit(f"realapps: unknown app {args.app}")
    (app.work / "state").mkdir(parents=True, exist_ok=True)
    shutil.rmtree(app.work / "state")
    (app.work / "state").mkdir(parents=True)
    unpack(app)
    pg = Postgres().start() if "postgresql" in app.conf.get("run", {}).get("services", []) else None
    try:
        with running(app, pg, args.login) as (base, _, scan_args, login_env):
            print(f"{app.name} on {base}; in {app.root}:", flush=True)
            env = " ".join(f"{k}={shlex.quote(v)}" for k, v in login_env.items())
            print(f"  {env} spillcheck scan . " + " ".join(shlex.quote(a) for a in scan_args), flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                time.sleep(args.seconds)
    finally:
        if pg is not None:
            pg.stop()
    return 0


def main_token(args) -> int:
    app = next((a for a in all_apps() if a.name == args.app), None)
    if app is None:
        raise SystemExit(f"realapps: unknown app {args.app}")
    users = credentials(app)
    token = app.harness.login(Client(args.base), users[args.role])
    if not token:
        raise SystemExit(f"realapps: {args.app}: login of {args.role} gave no token")
    print(token)
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd")
    r = sub.add_parser("run", help="run the check (default)")
    r.add_argument("--code-only", action="store_true", help="only `spillcheck code` (seconds, no services)")
    r.add_argument("--app", action="append", help="only this app (repeatable)")
    r.add_argument("--bin", default=str(ROOT / "target" / "release" / "spillcheck"))
    r.add_argument("--login", choices=["user", "token"], default="user",
                   help="user: spillcheck logs in with --user credentials (the default, as a user "
                        "would run it); token: token commands from each app's harness")
    sv = sub.add_parser("serve", help="start one app with its users, print the scan command, wait")
    sv.add_argument("app")
    sv.add_argument("--seconds", type=float, default=3600)
    sv.add_argument("--login", choices=["user", "token"], default="user")
    t = sub.add_parser("token", help="log in as a role and print its token (for --token-cmd)")
    t.add_argument("app")
    t.add_argument("base")
    t.add_argument("role")
    argv = sys.argv[1:]
    if not argv or argv[0] not in ("run", "serve", "token", "-h", "--help"):
        argv = ["run", *argv]
    args = p.parse_args(argv)
    # `timeout` and CI runners stop with SIGTERM: raise so that every `finally` stops the
    # app, Redis and PostgreSQL (they run in sessions of their own and would outlive us).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    return {"token": main_token, "serve": main_serve}.get(args.cmd, main_run)(args)


if __name__ == "__main__":
    sys.exit(main())
