"""container: hadolint on the Dockerfiles, the final stage's user and HEALTHCHECK, and actionlint on the workflows.

hadolint's DL3002 only catches an explicit `USER root`; an image whose final stage never sets a user runs as root
all the same, so the final stage is read here too (following `FROM <earlier stage>` to what it inherits).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sentia_testkit.gates.base import GateContext, ToolUnavailable, read_json, run_tool
from sentia_testkit.gates.lint import Verdict, clear, relative, tail
from sentia_testkit.gates.model import Check, Finding, GateResult

HADOLINT_REPORT = "hadolint.json"
ACTIONLINT_REPORT = "actionlint.json"
LEVELS = ("error", "warning", "info", "style")
"""hadolint's levels, most severe first."""
HADOLINT_CONFIGS = (".hadolint.yaml", ".hadolint.yml", "hadolint.yaml")
_IGNORE_PRAGMA = re.compile(r"^\s*#\s*hadolint\s+(?:global\s+)?ignore=(\S+)", re.IGNORECASE)


class ContainerGate:
    name = "container"
    title = "Container and CI config"

    def produce(self, ctx: GateContext) -> None:
        ctx.reports_dir.mkdir(parents=True, exist_ok=True)
        problems: list[str] = []
        hadolint_report = ctx.report(HADOLINT_REPORT)
        clear(hadolint_report)
        dockerfiles = [name for name in ctx.config.container.dockerfiles if (ctx.root / name).is_file()]
        if dockerfiles:
            threshold = ctx.config.container.hadolint_failure_threshold
            try:
                run = run_tool(
                    [ctx.tool("hadolint"), "--no-color", "-f", "json", "-t", threshold, *dockerfiles], cwd=ctx.root
                )
            except ToolUnavailable as error:
                problems.append(str(error))
            else:
                if _is_json_list(run.stdout):
                    hadolint_report.write_text(run.stdout)
                else:
                    problems.append(f"hadolint exited {run.exit_code} without a report: {tail(run.stderr)}")
        actionlint_report = ctx.report(ACTIONLINT_REPORT)
        clear(actionlint_report)
        workflows = workflow_files(ctx.root / ctx.config.container.workflows)
        if workflows:
            command = [ctx.tool("actionlint"), "-no-color", "-format", "{{json .}}"]
            command += [path.relative_to(ctx.root).as_posix() for path in workflows]
            try:
                run = run_tool(command, cwd=ctx.root)
            except ToolUnavailable as error:
                problems.append(str(error))
            else:
                if run.exit_code in (0, 1) and _is_json_list(run.stdout):
                    actionlint_report.write_text(run.stdout)
                else:
                    problems.append(f"actionlint exited {run.exit_code} without a report: {tail(run.stderr)}")
        if problems:
            raise ToolUnavailable("; ".join(problems))

    def evaluate(self, ctx: GateContext) -> GateResult:
        config = ctx.config.container
        verdict = Verdict()
        verdict.notes.extend(f"{what}: {config.loosened_reason}" for what in config.loosenings())
        existing = []
        for name in config.dockerfiles:
            if (ctx.root / name).is_file():
                existing.append(name)
            else:
                verdict.errors.append(
                    f"the configured Dockerfile {name} does not exist under {ctx.root} "
                    "(fix [tool.sentia.gates.container] dockerfiles)"
                )
        if existing:
            judge_hadolint(ctx, existing, verdict)
            for name in existing:
                judge_final_stage(ctx.root / name, name, verdict)
        judge_actionlint(ctx, verdict)
        return verdict.result(self.name)


def _is_json_list(text: str) -> bool:
    try:
        return isinstance(json.loads(text), list)
    except json.JSONDecodeError:
        return False


def workflow_files(directory: Path) -> list[Path]:
    """The workflow files GitHub reads: `*.yml` and `*.yaml` directly in the directory."""
    if not directory.is_dir():
        return []
    return sorted(path for path in directory.iterdir() if path.is_file() and path.suffix in (".yml", ".yaml"))


# hadolint -----------------------------------------------------------------------------------------------------------


def judge_hadolint(ctx: GateContext, dockerfiles: list[str], verdict: Verdict) -> None:
    path = ctx.report(HADOLINT_REPORT)
    threshold = ctx.config.container.hadolint_failure_threshold
    if not path.is_file():
        verdict.unavailable.append(f"no hadolint report at {path}; run `hadolint -f json {' '.join(dockerfiles)}`")
        return
    try:
        findings = hadolint_findings(read_json(path))
    except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        verdict.errors.append(f"cannot read {path}: {type(error).__name__}: {error}")
        return
    for config_file in HADOLINT_CONFIGS:
        if (ctx.root / config_file).is_file():
            verdict.notes.append(f"hadolint reads {config_file}: the rules it ignores or re-levels apply")
    for name in dockerfiles:
        pragmas = [
            f"{name}:{number} {match[1]}"
            for number, line in enumerate((ctx.root / name).read_text().splitlines(), start=1)
            if (match := _IGNORE_PRAGMA.match(line))
        ]
        if pragmas:
            verdict.notes.append(f"{len(pragmas)} inline hadolint ignore pragma(s): {'; '.join(pragmas)}")
    failing = [f for f in findings if LEVELS.index(f.severity) <= LEVELS.index(threshold)]
    verdict.checks.append(Check(f"hadolint findings at {threshold} or above", str(len(failing)), "0", not failing))
    verdict.findings.extend(failing)
    below = [f for f in findings if f not in failing]
    if below:
        rules = ", ".join(sorted({f"{f.rule} ({f.severity})" for f in below}))
        verdict.notes.append(f"{len(below)} hadolint finding(s) below the {threshold} threshold do not fail: {rules}")
    verdict.details["hadolint"] = {
        "dockerfiles": dockerfiles,
        "threshold": threshold,
        "by_level": dict(Counter(f.severity for f in findings)),
        "below_threshold": [f"{f.location} {f.rule} {f.message} ({f.severity})" for f in below],
    }


def hadolint_findings(report: Any) -> list[Finding]:
    """One finding per entry of `hadolint -f json` (a list of {file, line, code, level, message})."""
    if not isinstance(report, list):
        raise ValueError(f"expected a JSON list of findings, got {type(report).__name__}")
    findings = []
    for item in report:
        level = item["level"]
        if level not in LEVELS:
            raise ValueError(f"unknown hadolint level {level!r} for {item['code']}")
        message = " ".join(str(item["message"]).split())
        findings.append(Finding(f"{item['file']}:{item['line']}", message, level, item["code"]))
    return findings


# The final stage ----------------------------------------------------------------------------------------------------


@dataclass
class Stage:
    line: int
    base: str
    alias: str | None
    user: tuple[int, str] | None = None
    """The last USER instruction: (line, value)."""
    healthcheck: tuple[int, str] | None = None
    """The last HEALTHCHECK instruction: (line, arguments)."""
    variables: dict[str, str] = field(default_factory=dict)


_DIRECTIVE = re.compile(r"^#\s*(\w+)\s*=\s*(\S+)\s*$")
_HEREDOC = re.compile(r"<<-?\s*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\1")
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+][^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))")


def instructions(text: str) -> list[tuple[int, str, str]]:
    """(line, INSTRUCTION, arguments) for each instruction: continuation lines joined, comments and heredoc
    bodies skipped, the `# escape=` parser directive honoured."""
    lines = text.splitlines()
    escape = "\\"
    for line in lines:
        directive = _DIRECTIVE.match(line)
        if not directive:
            break
        if directive[1].lower() == "escape":
            escape = directive[2]
    found: list[tuple[int, str, str]] = []
    index = 0
    while index < len(lines):
        start = index
        stripped = lines[index].strip()
        index += 1
        if not stripped or stripped.startswith("#"):
            continue
        parts = [stripped]
        continued = stripped.endswith(escape)
        while continued and index < len(lines):
            parts[-1] = parts[-1].removesuffix(escape)
            following = lines[index].strip()
            index += 1
            if following.startswith("#"):
                continue
            parts.append(following)
            continued = following.endswith(escape)
        if continued:  # the file ends inside a continuation
            parts[-1] = parts[-1].removesuffix(escape)
        logical = " ".join(" ".join(parts).split())
        keyword, _, arguments = logical.partition(" ")
        for heredoc in _HEREDOC.finditer(arguments):
            while index < len(lines) and lines[index].strip() != heredoc[2]:
                index += 1
            index += 1
        found.append((start + 1, keyword.upper(), arguments.strip()))
    return found


def stages(text: str) -> tuple[list[Stage], dict[str, str]]:
    """The build stages in order, and the global ARG defaults (declared before the first FROM)."""
    result: list[Stage] = []
    global_args: dict[str, str] = {}
    for line, keyword, arguments in instructions(text):
        if keyword == "FROM":
            words = [word for word in arguments.split() if not word.startswith("--")]
            alias = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
            result.append(Stage(line, words[0] if words else "", alias.lower() if alias else None))
            continue
        if keyword == "ARG":
            name, _, default = arguments.partition("=")
            name = name.strip()
            target = result[-1].variables if result else global_args
            if default:
                target[name] = default.strip().strip("\"'")
            elif name in global_args:
                target[name] = global_args[name]
            continue
        if not result:
            continue
        stage = result[-1]
        if keyword == "ENV":
            for assignment in re.findall(r"(\w+)=(\"[^\"]*\"|'[^']*'|\S+)", arguments):
                stage.variables[assignment[0]] = assignment[1].strip("\"'")
        elif keyword == "USER":
            stage.user = (line, arguments)
        elif keyword == "HEALTHCHECK":
            stage.healthcheck = (line, arguments)
    return result, global_args


def _effective(chain: list[Stage], attribute: str) -> tuple[int, str] | None:
    for stage in chain:
        value: tuple[int, str] | None = getattr(stage, attribute)
        if value is not None:
            return value
    return None


def final_stage_chain(all_stages: list[Stage]) -> list[Stage]:
    """The final stage, then each earlier stage it is built `FROM`, nearest first."""
    chain = [all_stages[-1]]
    while True:
        base = chain[-1].base.lower()
        earlier = [s for s in all_stages[: all_stages.index(chain[-1])] if s.alias == base]
        if not earlier:
            return chain
        chain.append(earlier[-1])


def resolve(value: str, variables: dict[str, str]) -> str | None:
    """Expand $NAME / ${NAME} / ${NAME:-default} from known ARG/ENV values; None when one is unknown."""
    unknown = False

    def replace(match: re.Match[str]) -> str:
        nonlocal unknown
        name = match[1] or match[2]
        if name in variables:
            return variables[name]
        default = re.match(r"\$\{\w+:?-([^}]*)\}", match[0])
        if default:
            return default[1]
        unknown = True
        return match[0]

    expanded = _VARIABLE.sub(replace, value)
    return None if unknown else expanded


def is_root(user: str) -> bool:
    name = user.split(":", 1)[0].strip().strip("\"'")
    return name in ("root", "0")


def judge_final_stage(path: Path, name: str, verdict: Verdict) -> None:
    """The image must not run as root and must say how to check its health."""
    try:
        all_stages, global_args = stages(path.read_text())
    except (OSError, UnicodeDecodeError) as error:
        verdict.errors.append(f"cannot read {name}: {type(error).__name__}: {error}")
        return
    if not all_stages:
        verdict.errors.append(f"{name} has no FROM instruction")
        return
    chain = final_stage_chain(all_stages)
    final = chain[0]
    variables = dict(global_args)
    for stage in reversed(chain):
        variables.update(stage.variables)
    user = _effective(chain, "user")
    if user is None:
        verdict.checks.append(Check(f"{name} final stage user", "root (no USER)", "non-root", False))
        verdict.findings.append(
            Finding(
                f"{name}:{final.line}",
                f"the final stage (FROM {final.base}) runs as root: it has no USER instruction; "
                "add `USER <uid>` with a fixed non-root uid",
                "error",
                "root-user",
            )
        )
    else:
        line, value = user
        resolved = resolve(value, variables)
        if resolved is None:
            verdict.checks.append(Check(f"{name} final stage user", value, "non-root", True))
            verdict.notes.append(f"{name}:{line} USER {value} uses a variable with no default here; assumed non-root")
        else:
            root = is_root(resolved)
            verdict.checks.append(Check(f"{name} final stage user", resolved, "non-root", not root))
            if root:
                verdict.findings.append(
                    Finding(
                        f"{name}:{line}",
                        f"the final stage runs as root (USER {value}); use a fixed non-root uid",
                        "error",
                        "root-user",
                    )
                )
    healthcheck = _effective(chain, "healthcheck")
    disabled = healthcheck is not None and healthcheck[1].strip().upper() == "NONE"
    present = healthcheck is not None and not disabled
    verdict.checks.append(
        Check(
            f"{name} final stage HEALTHCHECK",
            "present" if present else ("NONE" if disabled else "missing"),
            "present",
            present,
        )
    )
    if not present:
        where = healthcheck[0] if healthcheck else final.line
        verdict.findings.append(
            Finding(
                f"{name}:{where}",
                f"the final stage (FROM {final.base}) has no HEALTHCHECK"
                + (" (HEALTHCHECK NONE switches it off)" if disabled else "")
                + "; add `HEALTHCHECK CMD <command that exits 0 when healthy>`",
                "error",
                "no-healthcheck",
            )
        )


# actionlint ---------------------------------------------------------------------------------------------------------


def judge_actionlint(ctx: GateContext, verdict: Verdict) -> None:
    directory = ctx.root / ctx.config.container.workflows
    workflows = workflow_files(directory)
    if not workflows:
        verdict.notes.append(f"no workflow files in {ctx.config.container.workflows}: actionlint had nothing to check")
        return
    path = ctx.report(ACTIONLINT_REPORT)
    if not path.is_file():
        verdict.unavailable.append(f"no actionlint report at {path}; run `actionlint -format '{{{{json .}}}}'`")
        return
    try:
        findings = actionlint_findings(read_json(path), ctx.root)
    except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        verdict.errors.append(f"cannot read {path}: {type(error).__name__}: {error}")
        return
    verdict.checks.append(Check("actionlint errors", str(len(findings)), "0", not findings))
    verdict.findings.extend(findings)
    verdict.details["actionlint"] = {
        "workflows": [relative(str(p), ctx.root) for p in workflows],
        "by_kind": dict(Counter(f.rule or "?" for f in findings)),
    }


def actionlint_findings(report: Any, root: Path) -> list[Finding]:
    """One finding per error of `actionlint -format '{{json .}}'`: {filepath, line, column, kind, message}."""
    if not isinstance(report, list):
        raise ValueError(f"expected a JSON list of errors, got {type(report).__name__}")
    return [
        Finding(
            f"{relative(item['filepath'], root)}:{item['line']}:{item['column']}",
            item["message"],
            "error",
            item["kind"],
        )
        for item in report
    ]
