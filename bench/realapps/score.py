"""Scores spillcheck's JSON reports against an app's truth file (see README.md here).

Standard library only: the CI regression test imports it too.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

SIDES = ("code", "probe")


def side_of_rule(rule: str) -> str:
    """Which side reports a rule: the code analysis (SC1xx, SC320) or the probe (the rest)."""
    return "code" if rule.startswith("SC1") or rule == "SC320" else "probe"


@dataclass
class Entry:
    kind: str  # "expect" or "reject"
    id: str
    rules: list[str]
    side: list[str]
    reason: str
    file: str | None = None
    lines: tuple[int, int] | None = None
    route: tuple[str, str] | None = None  # (METHOD, normalized path)

    def primary_rule(self, side: str) -> str | None:
        return next((r for r in self.rules if side_of_rule(r) == side), None)

    def matches(self, finding: dict) -> bool:
        if finding.get("rule_id") not in self.rules:
            return False
        loc = finding.get("location") or {}
        if self.file and self.lines and loc.get("path") == self.file:
            if self.lines[0] <= int(loc.get("line", 0)) <= self.lines[1]:
                return True
        route = finding.get("route")
        if self.route == ("ANY", "*"):
            return True
        if self.route and route:
            method, path = self.route
            if method in ("ANY", route.get("method", "").upper()) and path in ("*", normalize_path(route.get("path", ""))):
                return True
        return False


@dataclass
class Truth:
    name: str
    expects: list[Entry] = field(default_factory=list)
    rejects: list[Entry] = field(default_factory=list)


_PARAM = re.compile(r"\{[^}/]*\}|<[^>/]*>")


def normalize_path(path: str) -> str:
    """`/api/posts/{post_id}` and `/api/posts/<int:id>` both become `/api/posts/{}`."""
    path = path.strip()
    if path == "*":
        return path
    path = _PARAM.sub("{}", path)
    return path.rstrip("/") or "/"


def _entry(kind: str, raw: dict, where: str) -> Entry:
    for key in ("id", "rules", "reason"):
        if key not in raw:
            raise ValueError(f"{where}: {kind} entry without `{key}`")
    if not (("file" in raw and "lines" in raw) or "route" in raw):
        raise ValueError(f"{where}: {kind} {raw['id']} needs file+lines or route")
    route = None
    if "route" in raw:
        method, _, path = raw["route"].partition(" ")
        if not (path.startswith("/") or path == "*"):
            raise ValueError(f"{where}: {kind} {raw['id']}: route must be 'METHOD /path', got {raw['route']!r}")
        route = (method.upper(), normalize_path(path))
    lines = None
    if "lines" in raw:
        a, b = raw["lines"]
        lines = (int(a), int(b))
    sides_of_rules = [s for s in SIDES if any(side_of_rule(r) == s for r in raw["rules"])]
    side = raw.get("side", sides_of_rules)
    if isinstance(side, str):
        side = [side]
    for s in side:
        if s not in SIDES:
            raise ValueError(f"{where}: {kind} {raw['id']}: unknown side {s!r}")
        if kind == "expect" and s not in sides_of_rules:
            raise ValueError(f"{where}: {kind} {raw['id']}: side {s!r} but none of its rules is a {s} rule")
    return Entry(kind, raw["id"], list(raw["rules"]), list(side), raw["reason"], raw.get("file"), lines, route)


def load_truth(path: Path) -> Truth:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    truth = Truth(name=data.get("app", {}).get("name", path.stem))
    seen: set[str] = set()
    for kind, bucket in (("expect", truth.expects), ("reject", truth.rejects)):
        for raw in data.get(kind, []):
            entry = _entry(kind, raw, str(path))
            if entry.id in seen:
                raise ValueError(f"{path}: duplicate id {entry.id}")
            seen.add(entry.id)
            bucket.append(entry)
    return truth


def side_findings(report: dict, side: str) -> list[dict]:
    """The findings of a report that belong to one side."""
    return [f for f in report.get("findings", []) if side_of_rule(f.get("rule_id", "")) == side]


@dataclass
class SideScore:
    expected: list[str]  # expect ids this side should find
    found: list[str]  # of those, found
    rejects_hit: list[str]  # reject ids some finding matched
    true_findings: int
    false_findings: int
    unreviewed: list[dict]  # findings matching no entry
    per_rule: dict[str, dict[str, int]]  # rule -> {true, false, unreviewed, missed}

    @property
    def precision(self) -> float | None:
        labelled = self.true_findings + self.false_findings
        return self.true_findings / labelled if labelled else None


def variants(finding: dict) -> list[dict]:
    """The finding on each route it stands for: its own, and those its notes name (`also on
    PUT /alert/{id}/tag`, when one cause answers on several routes and spillcheck reports
    it once)."""
    out = [finding]
    for note in finding.get("notes") or []:
        if note.startswith("also on "):
            method, _, path = note[len("also on "):].partition(" ")
            out.append({**finding, "route": {"method": method, "path": path}})
    return out


def score(truth: Truth, findings: list[dict], side: str) -> SideScore:
    expects = [e for e in truth.expects if side in e.side]
    found: set[str] = set()
    rejects_hit: set[str] = set()
    true_n = false_n = 0
    unreviewed = []
    per_rule: dict[str, dict[str, int]] = {}

    def bump(rule: str, what: str) -> None:
        per_rule.setdefault(rule, {"true": 0, "false": 0, "unreviewed": 0, "missed": 0})[what] += 1

    for f in findings:
        rule = f.get("rule_id", "?")
        hits = [e for e in truth.expects if any(e.matches(v) for v in variants(f))]
        if hits:
            true_n += 1
            bump(rule, "true")
            found.update(e.id for e in hits if side in e.side)
            continue
        rejects = [e for e in truth.rejects if any(e.matches(v) for v in variants(f))]
        if rejects:
            false_n += 1
            bump(rule, "false")
            rejects_hit.update(e.id for e in rejects)
            continue
        unreviewed.append(f)
        bump(rule, "unreviewed")
    for e in expects:
        if e.id not in found:
            rule = e.primary_rule(side) or e.rules[0]
            bump(rule, "missed")
    return SideScore(
        expected=[e.id for e in expects],
        found=sorted(found),
        rejects_hit=sorted(rejects_hit),
        true_findings=true_n,
        false_findings=false_n,
        unreviewed=unreviewed,
        per_rule=per_rule,
    )


def describe(finding: dict) -> str:
    """One line naming a finding: rule, place, message."""
    loc = finding.get("location") or {}
    route = finding.get("route") or {}
    where = f"{loc['path']}:{loc.get('line')}" if loc.get("path") else ""
    if route:
        where = (where + " " if where else "") + f"{route.get('method')} {route.get('path')}"
    return f"{finding.get('rule_id')} {finding.get('confidence', '')} {where} {finding.get('message', '')[:100]}".strip()
