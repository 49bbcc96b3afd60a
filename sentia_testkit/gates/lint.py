"""lint: `ruff check`, `ruff format --check` and mypy, each judged from its own output.

Ruff's JSON report is read as ruff wrote it. `ruff format --check` and mypy only speak text, so their runs are
recorded (command, exit code, output) and parsed; the summary each tool prints is cross-checked against the lines
parsed and the exit code, and anything that does not add up is an ERROR, never a pass. The strictness of mypy and
the rules of ruff come from the project's own `[tool.mypy]` and `[tool.ruff]`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sentia_testkit.gates.base import GateContext, ToolUnavailable, read_json, run_tool, write_tool_record
from sentia_testkit.gates.config import LintConfig
from sentia_testkit.gates.model import Check, Finding, GateResult, GateStatus

RUFF_REPORT = "ruff.json"
RUFF_FORMAT_REPORT = "ruff-format.json"
MYPY_REPORT = "mypy.json"

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class Verdict:
    """What the parts of a multi-tool gate measured. A failed check decides the status first (a tolerated
    UNAVAILABLE part must never hide a real failure), then an unreadable report, then a missing one."""

    checks: list[Check] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def result(self, gate: str) -> GateResult:
        extra: dict[str, Any] = {"findings": self.findings, "notes": self.notes, "details": self.details}
        if any(not check.passed for check in self.checks):
            result = GateResult.from_checks(gate, self.checks, **extra)
            result.notes.extend(f"not evaluated: {reason}" for reason in self.errors + self.unavailable)
            return result
        if self.errors:
            self.notes.extend(f"not evaluated: {reason}" for reason in self.unavailable)
            return GateResult(gate, GateStatus.ERROR, "; ".join(self.errors), checks=self.checks, **extra)
        if self.unavailable:
            return GateResult(gate, GateStatus.UNAVAILABLE, "; ".join(self.unavailable), checks=self.checks, **extra)
        if not self.checks:
            return GateResult(gate, GateStatus.UNAVAILABLE, "nothing was checked", **extra)
        return GateResult.from_checks(gate, self.checks, **extra)


def relative(path: str, root: Path) -> str:
    """A tool's path relative to the project root when it lies inside it, as the tool gave it otherwise."""
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            return candidate.relative_to(root).as_posix()
        except ValueError:
            return path
    return path


def clear(path: Path) -> None:
    """Remove a report left by an earlier run, so a tool that fails now cannot be judged by stale output."""
    path.unlink(missing_ok=True)


class LintGate:
    name = "lint"
    title = "Lint and types"

    def produce(self, ctx: GateContext) -> None:
        """Run every enabled tool; a tool that cannot run at all does not stop the others."""
        ctx.reports_dir.mkdir(parents=True, exist_ok=True)
        config = ctx.config.lint
        paths = ruff_paths(config)
        problems: list[str] = []
        if config.ruff:
            report = ctx.report(RUFF_REPORT)
            clear(report)
            try:
                run = run_tool([ctx.tool("ruff"), "check", "--output-format", "json", *paths], cwd=ctx.root)
            except ToolUnavailable as error:
                problems.append(str(error))
            else:
                if run.exit_code in (0, 1):
                    report.write_text(run.stdout)
                else:
                    problems.append(f"ruff check exited {run.exit_code} without a report: {tail(run.stderr)}")
        if config.ruff_format:
            clear(ctx.report(RUFF_FORMAT_REPORT))
            try:
                run = run_tool([ctx.tool("ruff"), "format", "--check", *paths], cwd=ctx.root)
            except ToolUnavailable as error:
                problems.append(str(error))
            else:
                write_tool_record(ctx.report(RUFF_FORMAT_REPORT), run)
        if config.mypy:
            clear(ctx.report(MYPY_REPORT))
            command = [ctx.tool("mypy"), "--no-pretty", "--no-color-output", *config.mypy_args, *ctx.config.paths]
            try:
                run = run_tool(command, cwd=ctx.root)
            except ToolUnavailable as error:
                problems.append(str(error))
            else:
                write_tool_record(ctx.report(MYPY_REPORT), run)
        if problems:
            raise ToolUnavailable("; ".join(problems))

    def evaluate(self, ctx: GateContext) -> GateResult:
        config = ctx.config.lint
        verdict = Verdict()
        for tool in config.switched_off():
            verdict.notes.append(
                f"{_TOOL_NAMES[tool]} is switched off ([tool.sentia.gates.lint] {tool} = false): "
                f"{config.disabled_reason}"
            )
        if not (config.ruff or config.ruff_format or config.mypy):
            return GateResult(
                self.name,
                GateStatus.UNAVAILABLE,
                "every lint tool is switched off in [tool.sentia.gates.lint]",
                notes=verdict.notes,
            )
        if config.ruff:
            judge_ruff(ctx, verdict)
        if config.ruff_format:
            judge_ruff_format(ctx, verdict)
        if config.mypy:
            judge_mypy(ctx, verdict)
        return verdict.result(self.name)


_TOOL_NAMES = {"ruff": "ruff check", "ruff_format": "ruff format --check", "mypy": "mypy"}


def ruff_paths(config: LintConfig) -> list[str]:
    return config.ruff_paths or ["."]


def tail(text: str, limit: int = 500) -> str:
    """The end of a tool's output, for messages: colour codes removed, "(no output)" when there is none."""
    text = _ANSI.sub("", text).strip()
    return text[-limit:] if text else "(no output)"


def _read_record(path: Path) -> dict[str, Any]:
    record = read_json(path)
    if not isinstance(record, dict) or not isinstance(record.get("exit_code"), int):
        raise ValueError("not a tool record (command, exit_code, stdout, stderr)")
    if not isinstance(record.get("stdout"), str) or not isinstance(record.get("stderr"), str):
        raise ValueError("the tool record has no stdout/stderr text")
    return record


# ruff check ---------------------------------------------------------------------------------------------------------


def judge_ruff(ctx: GateContext, verdict: Verdict) -> None:
    path = ctx.report(RUFF_REPORT)
    if not path.is_file():
        verdict.unavailable.append(f"no ruff report at {path}; run `ruff check --output-format json`")
        return
    try:
        findings = ruff_findings(read_json(path), ctx.root)
    except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        verdict.errors.append(f"cannot read {path}: {type(error).__name__}: {error}")
        return
    verdict.checks.append(Check("ruff violations", str(len(findings)), "0", not findings))
    verdict.findings.extend(findings)
    verdict.details["ruff"] = {"violations": len(findings), "by_rule": dict(Counter(f.rule or "?" for f in findings))}


def ruff_findings(report: Any, root: Path) -> list[Finding]:
    """One finding per diagnostic of `ruff check --output-format json` (a list; syntax errors have no code)."""
    if not isinstance(report, list):
        raise ValueError(f"expected a JSON list of diagnostics, got {type(report).__name__}")
    findings = []
    for item in report:
        where = item["location"] or {}
        location = f"{relative(item['filename'], root)}:{where.get('row', '?')}:{where.get('column', '?')}"
        findings.append(Finding(location, item["message"], "error", item.get("code") or "syntax-error"))
    return findings


# ruff format --check ------------------------------------------------------------------------------------------------

_WOULD_REFORMAT = (
    re.compile(r"^Would reformat: (?P<path>.+)$"),  # ruff before the diagnostic-style output
    re.compile(r"^(?P<path>.+?):\d+:\d+: unformatted: "),  # --output-format concise
)
_ARROW = re.compile(r"^\s*--> (?P<path>.+?):\d+:\d+\s*$")
_WOULD_COUNT = re.compile(r"(\d+) files? would be reformatted")
_ALREADY_COUNT = re.compile(r"(\d+) files? already formatted")


@dataclass(frozen=True)
class FormatCheck:
    unformatted: list[str]
    already_formatted: int


def parse_ruff_format(exit_code: int, output: str) -> FormatCheck:
    """Files `ruff format --check` would reformat, cross-checked with its summary line and exit code."""
    lines = _ANSI.sub("", output).splitlines()
    files: list[str] = []
    for index, line in enumerate(lines):
        for pattern in _WOULD_REFORMAT:
            if match := pattern.match(line):
                files.append(match["path"])
        if line.startswith("unformatted:") and index + 1 < len(lines) and (match := _ARROW.match(lines[index + 1])):
            files.append(match["path"])
    text = "\n".join(lines)
    would = _WOULD_COUNT.search(text)
    already = _ALREADY_COUNT.search(text)
    if exit_code >= 2:
        raise ValueError(f"ruff format --check exited {exit_code}: {tail(text)}")
    if would is None and already is None:
        raise ValueError(f"ruff format --check printed no summary (did it find any Python files?): {tail(text)}")
    claimed = int(would[1]) if would else 0
    if exit_code == 0 and (claimed or files):
        raise ValueError(f"ruff format --check exited 0 but reports {max(claimed, len(files))} file(s) to reformat")
    if exit_code == 1 and (claimed == 0 or claimed != len(files)):
        raise ValueError(
            f"ruff format --check exited 1 and says {claimed} file(s) would be reformatted, "
            f"but {len(files)} file name(s) could be read from its output"
        )
    return FormatCheck(sorted(set(files)), int(already[1]) if already else 0)


def judge_ruff_format(ctx: GateContext, verdict: Verdict) -> None:
    path = ctx.report(RUFF_FORMAT_REPORT)
    if not path.is_file():
        verdict.unavailable.append(f"no ruff format record at {path}; run `ruff format --check`")
        return
    try:
        record = _read_record(path)
        result = parse_ruff_format(record["exit_code"], record["stdout"] + "\n" + record["stderr"])
    except (OSError, json.JSONDecodeError, ValueError) as error:
        verdict.errors.append(f"cannot judge {path}: {error}")
        return
    count = len(result.unformatted)
    verdict.checks.append(Check("files not formatted", str(count), "0", count == 0))
    verdict.findings.extend(
        Finding(relative(name, ctx.root), "would be reformatted: run `ruff format`", "error", "format")
        for name in result.unformatted
    )
    verdict.details["ruff_format"] = {"unformatted": result.unformatted, "already_formatted": result.already_formatted}


# mypy ---------------------------------------------------------------------------------------------------------------

_MYPY_LINE = re.compile(
    r"^(?P<file>[^\s:][^:]*?)(?::(?P<line>\d+))?(?::(?P<column>\d+))?(?::\d+:\d+)?: "
    r"(?P<severity>error|note): (?P<message>.*?)(?:  \[(?P<code>[\w-]+)\])?$"
)
_MYPY_SUCCESS = re.compile(r"^Success: no issues found in (\d+) source files?$", re.MULTILINE)
_MYPY_FOUND = re.compile(r"^Found (\d+) errors? in (\d+) files? \(checked (\d+) source files?\)$", re.MULTILINE)


@dataclass(frozen=True)
class MypyRun:
    errors: list[Finding]
    checked_files: int


def parse_mypy(exit_code: int, stdout: str, stderr: str, root: Path) -> MypyRun:
    """Error lines (`file:line: error: message  [code]`), cross-checked with mypy's summary and exit code."""
    text = _ANSI.sub("", stdout)
    if exit_code >= 2:
        output = f"{text}\n{stderr}"
        raise ValueError(f"mypy exited {exit_code} (it could not check the code): {tail(output)}")
    errors = []
    for line in text.splitlines():
        match = _MYPY_LINE.match(line)
        if match and match["severity"] == "error":
            location = relative(match["file"], root) + (f":{match['line']}" if match["line"] else "")
            errors.append(Finding(location, match["message"], "error", match["code"]))
    success = _MYPY_SUCCESS.search(text)
    found = _MYPY_FOUND.search(text)
    if exit_code == 0:
        if success is None or errors:
            raise ValueError(f"mypy exited 0 without its `Success: no issues found` summary: {tail(text)}")
        return MypyRun([], int(success[1]))
    if exit_code == 1 and found is not None and int(found[1]) == len(errors) and errors:
        return MypyRun(errors, int(found[3]))
    claimed = f"says {found[1]} errors" if found else "printed no `Found N errors` summary"
    raise ValueError(
        f"mypy exited {exit_code} and {claimed}, but {len(errors)} error line(s) could be parsed: {tail(text)}"
    )


def judge_mypy(ctx: GateContext, verdict: Verdict) -> None:
    path = ctx.report(MYPY_REPORT)
    if not path.is_file():
        verdict.unavailable.append(f"no mypy record at {path}; run mypy on {', '.join(ctx.config.paths) or '.'}")
        return
    try:
        record = _read_record(path)
        run = parse_mypy(record["exit_code"], record["stdout"], record["stderr"], ctx.root)
    except (OSError, json.JSONDecodeError, ValueError) as error:
        verdict.errors.append(f"cannot judge {path}: {error}")
        return
    verdict.checks.append(Check("mypy errors", str(len(run.errors)), "0", not run.errors))
    verdict.findings.extend(run.errors)
    verdict.details["mypy"] = {
        "errors": len(run.errors),
        "checked_files": run.checked_files,
        "by_code": dict(Counter(f.rule or "?" for f in run.errors)),
    }
