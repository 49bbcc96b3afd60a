"""dependencies: pip-audit over the project's environment (or its requirement files), strict, with an offline
fallback to a local OSV advisory directory.

`produce` runs pip-audit, which writes `pip-audit.json`. When pip-audit cannot audit (it could not reach its service,
it crashed, or it skipped packages as "not found on PyPI and could not be audited") and `advisory_db` names an OSV
advisory directory, what it could not audit is matched against that directory in this interpreter
(`advisories.py`). The outcome goes to `dependencies.json`, which `evaluate` judges.

Strict mode: pip-audit's own `--strict` stops at the first package it cannot audit and then writes no report, which
hides every other package; so pip-audit runs without it and this gate applies the strict rule itself: a package that
no source could audit fails the gate. The project's own editable install is the one exception, shown in the notes.

`dependencies.json` (format "sentia-dependencies/1"):

- `target`: `{"kind": "environment", "python": ...}` or `{"kind": "requirements", "files": [...]}`
- `source`: the sources that answered: "pip-audit", "osv-directory", "pip-audit+osv-directory", or null (none did)
- `live`: `{"tool": "pip-audit", "command", "exit_code", "report" (file name or null), "error" (why pip-audit gave
  no usable report, or null), "skipped" (packages it could not audit), "skip_reason" (the first such reason)}`
- `offline`: null when not used, else `{"path", "date" ("YYYY-MM-DD" or "unknown"), "newest_modified",
  "date_basis" (how the date was derived), "advisory_files", "files_read", "error"}`
- `packages`: the packages audited, `{"name", "version", "source"}`
- `vulnerabilities`: `{"id", "aliases", "package", "version", "fixed_versions", "summary", "source"}`
- `not_audited`: `{"name", "version", "reason", "project"}`; `project` is true for the project's editable install
- `notes`: what qualifies the outcome
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from sentia_testkit.gates.advisories import (
    AdvisoryDirectory,
    AdvisoryError,
    NotAudited,
    Package,
    Unauditable,
    Vulnerability,
    first_sentence,
    installed_packages,
    match,
    pinned_requirements,
)
from sentia_testkit.gates.base import (
    GateContext,
    ToolUnavailable,
    missing_report,
    read_json,
    run_tool,
    unreadable_report,
)
from sentia_testkit.gates.config import DependenciesConfig
from sentia_testkit.gates.model import Check, Finding, GateResult, GateStatus

REPORT_FORMAT = "sentia-dependencies/1"
PIP_AUDIT_REPORT = "pip-audit.json"
EDITABLE_SKIP = "distribution marked as editable"
PROJECT_REASON = "editable install of the project"
CONFIGURE_HINT = (
    "set advisory_db in [tool.sentia.gates.dependencies] (or the SENTIA_GATES_ADVISORY_DB environment variable) to a "
    "local OSV advisory directory (vulns/<package>/*.yaml, a copy of PyPA's advisory-database) to fall back to it"
)
PIP_AUDIT_TIMEOUT = 900.0


@dataclass
class LiveAudit:
    """What pip-audit said, or why it said nothing usable (`error`)."""

    command: list[str]
    exit_code: int | None = None
    error: str | None = None
    report: str | None = None
    audited: list[Package] = field(default_factory=list)
    vulnerabilities: list[Vulnerability] = field(default_factory=list)
    skipped: list[NotAudited] = field(default_factory=list)

    @property
    def unaudited(self) -> list[NotAudited]:
        """The packages pip-audit skipped for a reason other than being editable installs."""
        return [skipped for skipped in self.skipped if not skipped.editable]

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": "pip-audit",
            "command": self.command,
            "exit_code": self.exit_code,
            "report": self.report,
            "error": self.error,
            "skipped": len(self.unaudited),
            "skip_reason": self.unaudited[0].reason if self.unaudited else None,
        }


def read_pip_audit(path: Path) -> LiveAudit:
    """pip-audit's JSON report: `dependencies[]` with `vulns[]` (`id`, `aliases`, `fix_versions`) or `skip_reason`."""
    data = read_json(path)
    live = LiveAudit(command=[], report=path.name)
    for dependency in data["dependencies"]:
        name = str(dependency["name"])
        if dependency.get("skip_reason"):
            reason = str(dependency["skip_reason"])
            version = dependency.get("version") or _version_in(reason)
            live.skipped.append(NotAudited(name, version, reason, editable=reason == EDITABLE_SKIP))
            continue
        version = str(dependency["version"])
        live.audited.append(Package(name, version))
        for vuln in dependency.get("vulns", []):
            description = str(vuln.get("description") or "").strip()
            live.vulnerabilities.append(
                Vulnerability(
                    id=str(vuln["id"]),
                    aliases=tuple(str(alias) for alias in vuln.get("aliases", [])),
                    package=name,
                    version=version,
                    fixed_versions=tuple(str(fix) for fix in vuln.get("fix_versions", [])),
                    summary=first_sentence(description),
                    source="pip-audit",
                )
            )
    return live


def _version_in(reason: str) -> str | None:
    """pip-audit names the skipped version at the end of its reason: "...: requests (2.19.0)"."""
    found = re.search(r"\(([^()\s]+)\)\s*$", reason)
    return found.group(1) if found else None


def run_pip_audit(ctx: GateContext) -> LiveAudit:
    config = ctx.config.dependencies
    report = ctx.report(PIP_AUDIT_REPORT)
    report.unlink(missing_ok=True)
    command = [ctx.tool("pip-audit"), "--format", "json", "--output", str(report), "--progress-spinner", "off"]
    if config.requirements:
        for requirement in config.requirements:
            command += ["--requirement", str(ctx.root / requirement)]
    else:
        command.append("--skip-editable")
    try:
        run = run_tool(command, cwd=ctx.root, timeout=PIP_AUDIT_TIMEOUT)
    except ToolUnavailable as error:
        return LiveAudit(command, error=str(error))
    if not report.is_file():
        return LiveAudit(
            command, run.exit_code, error=f"pip-audit exited {run.exit_code} without a report: {_last_line(run.stderr)}"
        )
    try:
        live = read_pip_audit(report)
    except (OSError, ValueError, KeyError, TypeError) as error:
        return LiveAudit(command, run.exit_code, error=f"cannot read {report}: {type(error).__name__}: {error}")
    live.command, live.exit_code = command, run.exit_code
    return live


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:400] if lines else "(no output)"


class Project:
    """Recognises the project's own distribution: by `[project].name` in pyproject.toml or its source directory."""

    def __init__(self, root: Path, installed: Callable[[], list[Package]]) -> None:
        self.root = root.resolve()
        self._installed = installed
        self.name: str | None = None
        try:
            name = tomllib.loads((root / "pyproject.toml").read_text()).get("project", {}).get("name")
        except (OSError, tomllib.TOMLDecodeError):
            name = None
        if isinstance(name, str):
            self.name = canonicalize_name(name)

    def owns_editable(self, item: NotAudited | Package) -> bool:
        """Whether `item` is an editable install (or requirement) of this project."""
        if not item.editable:
            return False
        location = item.location if isinstance(item, Package) else item.name
        if location is not None and Path(location).is_absolute():
            return Path(location).resolve() == self.root
        if self.name is not None and canonicalize_name(item.name) == self.name:
            return True
        # pip-audit names the editable distribution only: look up where it is installed from.
        key = canonicalize_name(item.name)
        return any(p.key == key and p.location and Path(p.location).resolve() == self.root for p in self._installed())


def build_report(
    ctx: GateContext, live: LiveAudit, installed: Callable[[], list[Package]], *, fallback: bool = True
) -> dict[str, Any]:
    """Combine pip-audit's answer with the offline match of whatever it could not audit (see the module doc)."""
    audit = _Audit(ctx, installed)
    pending = audit.take_live(live)
    config = ctx.config.dependencies
    if (live.error is not None or pending) and fallback and config.advisory_db:
        audit.match_offline((ctx.root / config.advisory_db).resolve(), pending if live.error is None else None)
    else:
        hint = "" if config.advisory_db else f"; {CONFIGURE_HINT}"
        for skipped in pending:
            audit.unaudited(skipped, skipped.reason + hint)
    if config.requirements:
        target: dict[str, Any] = {"kind": "requirements", "files": config.requirements}
    else:
        target = {"kind": "environment", "python": sys.executable}
    return {
        "format": REPORT_FORMAT,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "target": target,
        "source": "+".join(audit.sources) or None,
        "live": live.to_dict(),
        "offline": audit.offline,
        "packages": audit.packages,
        "vulnerabilities": [vulnerability.to_dict() for vulnerability in audit.vulnerabilities],
        "not_audited": audit.not_audited,
        "notes": audit.notes,
    }


class _Audit:
    """The outcome as it is gathered from pip-audit, then from the offline directory."""

    def __init__(self, ctx: GateContext, installed: Callable[[], list[Package]]) -> None:
        self.ctx = ctx
        self.installed = installed
        self.project = Project(ctx.root, installed)
        self.sources: list[str] = []
        self.packages: list[dict[str, Any]] = []
        self.vulnerabilities: list[Vulnerability] = []
        self.not_audited: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self.offline: dict[str, Any] | None = None

    def unaudited(self, item: NotAudited, reason: str | None = None) -> None:
        entry = {"name": item.name, "version": item.version, "reason": reason or item.reason, "project": False}
        if self.project.owns_editable(item):
            entry.update(reason=PROJECT_REASON, project=True)
        self.not_audited.append(entry)

    def take_live(self, live: LiveAudit) -> list[NotAudited]:
        """Record what pip-audit audited; return what it skipped (the project's editable install aside)."""
        if live.error is not None:
            return []
        self.sources.append("pip-audit")
        self.packages += [{"name": p.name, "version": p.version, "source": "pip-audit"} for p in live.audited]
        self.vulnerabilities += live.vulnerabilities
        pending = []
        for skipped in live.skipped:
            if self.project.owns_editable(skipped):
                self.unaudited(skipped)
            else:
                pending.append(skipped)
        return pending

    def match_offline(self, path: Path, only: list[NotAudited] | None) -> None:
        """Match the audited environment (or the requirement pins) against the directory at `path`; with `only`,
        just the packages pip-audit could not audit."""
        try:
            database = AdvisoryDirectory(path)
        except AdvisoryError as error:
            for skipped in only or []:
                self.unaudited(skipped, f"{skipped.reason}; the offline advisory database cannot be used either")
            self.offline = {"path": str(path), "error": str(error)}
            return
        requirements = self.ctx.config.dependencies.requirements
        if requirements:
            candidates, unpinned = pinned_requirements([self.ctx.root / name for name in requirements])
            self.notes.append(
                "offline matching of requirement files sees only the versions they pin: the dependencies those "
                "requirements would pull in are not resolved"
            )
        else:
            candidates, unpinned = self.installed(), []
        if only is not None:
            wanted = {canonicalize_name(skipped.name): skipped for skipped in only}
            candidates = [package for package in candidates if package.key in wanted]
            unpinned = [item for item in unpinned if canonicalize_name(item.name) in wanted]
            found = {package.key for package in candidates} | {canonicalize_name(item.name) for item in unpinned}
            for key, skipped in wanted.items():
                if key not in found:
                    self.unaudited(skipped, f"{skipped.reason}; and it is not among the packages to match offline")
        for item in unpinned:
            self.unaudited(item)
        for package in candidates:
            if self.project.owns_editable(package):
                self.unaudited(NotAudited(package.name, package.version, EDITABLE_SKIP, editable=True))
                continue
            try:
                self.vulnerabilities += match(package, database.advisories(package.name))
            except (Unauditable, AdvisoryError) as error:
                self.unaudited(NotAudited(package.name, package.version, str(error)))
                continue
            self.packages.append({"name": package.name, "version": package.version, "source": "osv-directory"})
        dated = database.dated()
        self.sources.append("osv-directory")
        self.offline = {
            "path": str(path),
            "date": dated.date,
            "newest_modified": dated.newest.isoformat() if dated.newest else None,
            "date_basis": dated.describe(),
            "advisory_files": dated.files,
            "files_read": database.files_read,
            "error": None,
        }


class DependenciesGate:
    name = "dependencies"
    title = "Dependencies"

    def __init__(self, *, installed: Callable[[], list[Package]] = installed_packages) -> None:
        """`installed` lists the distributions of the audited environment (this interpreter's by default)."""
        self._installed = installed

    def produce(self, ctx: GateContext) -> None:
        ctx.reports_dir.mkdir(parents=True, exist_ok=True)
        path = ctx.report(ctx.config.dependencies.report)
        path.unlink(missing_ok=True)
        live = run_pip_audit(ctx)
        path.write_text(json.dumps(build_report(ctx, live, self._installed), indent=2) + "\n")

    def evaluate(self, ctx: GateContext) -> GateResult:
        config = ctx.config.dependencies
        path = ctx.report(config.report)
        notes: list[str] = []
        if path.is_file():
            try:
                report = read_json(path)
                _validate(report)
            except (OSError, ValueError, KeyError, TypeError) as error:
                return unreadable_report(self.name, path, error)
        else:
            live_path = ctx.report(PIP_AUDIT_REPORT)
            if not live_path.is_file():
                return missing_report(self.name, path, "run `quality-gates --only dependencies` to audit the packages")
            try:
                live = read_pip_audit(live_path)
            except (OSError, ValueError, KeyError, TypeError) as error:
                return unreadable_report(self.name, live_path, error)
            report = build_report(ctx, live, self._installed, fallback=False)
            notes.append(f"{path.name} is missing: judged {live_path} alone, without the offline fallback")
        return judge(report, config, notes)


def _validate(report: Any) -> None:
    if not isinstance(report, dict) or report.get("format") != REPORT_FORMAT:
        raise ValueError(f"not a {REPORT_FORMAT} report")
    for key, kind in (("packages", list), ("vulnerabilities", list), ("not_audited", list), ("live", dict)):
        if not isinstance(report.get(key), kind):
            raise ValueError(f"`{key}` is missing or not a {kind.__name__}")


def judge(report: dict[str, Any], config: DependenciesConfig, notes: list[str] | None = None) -> GateResult:
    notes = list(notes or [])
    live, offline = report["live"], report.get("offline")
    sources = str(report.get("source") or "").split("+")
    if live.get("error"):
        fell_back = "; fell back to the offline advisory database" if "osv-directory" in sources else ""
        notes.append(f"pip-audit could not audit: {live['error']}{fell_back}")
    elif live.get("skipped"):
        notes.append(f"pip-audit could not audit {live['skipped']} packages, e.g. {live.get('skip_reason')}")
    if offline and offline.get("error"):
        notes.append(f"the offline advisory database cannot be used: {offline['error']}")
    if not report.get("source"):
        reasons = [f"pip-audit could not audit: {live.get('error')}"]
        if offline and offline.get("error"):
            reasons.append(f"the offline advisory database at {offline['path']} cannot be used: {offline['error']}")
        else:
            reasons.append(f"no offline advisory database is configured: {CONFIGURE_HINT}")
        return GateResult("dependencies", GateStatus.UNAVAILABLE, "; ".join(reasons), notes=notes, details=report)
    if "osv-directory" in sources and offline:
        notes.append(
            f"audited against the offline advisory database at {offline['path']}, dated {offline['date']}: "
            f"advisories published after that date are not known (the date is {offline['date_basis']})"
        )
    notes += report.get("notes", [])

    ignores = {item.id: item for item in config.ignore}
    used: set[str] = set()
    findings: list[Finding] = []
    open_vulns: list[dict[str, Any]] = []
    for vuln in report["vulnerabilities"]:
        label = vuln["id"] + (f" ({', '.join(vuln['aliases'])})" if vuln.get("aliases") else "")
        ignored = next((ignores[i] for i in (vuln["id"], *vuln.get("aliases", [])) if i in ignores), None)
        if ignored is not None:
            used.add(ignored.id)
            notes.append(f"ignored {label} in {vuln['package']} {vuln['version']}: {ignored.reason}")
            continue
        open_vulns.append(vuln)
        fixed = ", ".join(vuln.get("fixed_versions") or []) or "no fixed version is known"
        summary = f": {vuln['summary']}" if vuln.get("summary") else ""
        findings.append(
            Finding(
                f"{vuln['package']}=={vuln['version']}",
                f"{label} affects {vuln['package']} {vuln['version']}{summary} (fixed in: {fixed}; source "
                f"{vuln.get('source', 'unknown')})",
                "error",
                vuln["id"],
            )
        )
    for item in config.ignore:
        if item.id not in used:
            notes.append(f"ignore entry {item.id} matches no reported vulnerability (remove it): {item.reason}")

    failed_audits: list[dict[str, Any]] = []
    for entry in report["not_audited"]:
        version = f" {entry['version']}" if entry.get("version") else ""
        if entry.get("project"):
            notes.append(f"not audited: {PROJECT_REASON} ({entry['name']}{version})")
            continue
        failed_audits.append(entry)
        location = f"{entry['name']}=={entry['version']}" if entry.get("version") else entry["name"]
        findings.append(Finding(location, f"could not be audited: {entry['reason']}", "error", "not-audited"))

    audited = report["packages"]
    checks = [
        Check("known vulnerabilities", str(len(open_vulns)), "0", not open_vulns),
        Check("packages not audited", str(len(failed_audits)), "0", not failed_audits),
        Check("packages audited", str(len(audited)), ">= 1", len(audited) >= 1),
    ]
    result = GateResult.from_checks("dependencies", checks, findings=findings, notes=notes, details=report)
    ignored_count = len(report["vulnerabilities"]) - len(open_vulns)
    where = _describe_sources(audited, offline)
    if result.status is GateStatus.PASS:
        result.summary = f"no known vulnerabilities in {len(audited)} packages ({where})" + (
            f"; {ignored_count} ignored with reasons" if ignored_count else ""
        )
        return result
    parts = []
    if open_vulns:
        named = ", ".join(f"{v['id']} in {v['package']} {v['version']}" for v in open_vulns[:5])
        more = f" and {len(open_vulns) - 5} more" if len(open_vulns) > 5 else ""
        parts.append(f"known vulnerabilities {len(open_vulns)} (limit 0): {named}{more}")
    if failed_audits:
        named = ", ".join(f"{e['name']} {e.get('version') or ''}".strip() for e in failed_audits[:5])
        more = f" and {len(failed_audits) - 5} more" if len(failed_audits) > 5 else ""
        parts.append(f"packages not audited {len(failed_audits)} (limit 0): {named}{more}")
    if not audited:
        parts.append("packages audited 0 (limit >= 1)")
    result.summary = "; ".join(parts) + f" ({where})"
    return result


def _describe_sources(audited: list[dict[str, Any]], offline: dict[str, Any] | None) -> str:
    """Which source audited how many packages, e.g. "pip-audit 3, the offline advisory database dated 2024-10-10 40"."""
    counts = Counter(str(package.get("source")) for package in audited)
    described = []
    if counts["pip-audit"]:
        described.append(f"{counts['pip-audit']} by pip-audit")
    if counts["osv-directory"]:
        date = offline["date"] if offline else "unknown"
        described.append(f"{counts['osv-directory']} by the offline advisory database dated {date}")
    return ", ".join(described) or "no package audited"
