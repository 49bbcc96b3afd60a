"""The container gate: the final stage read from Dockerfiles, and hadolint's and actionlint's reports judged."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from pydantic import ValidationError
from support.projects import context, write_project

from sentia_testkit.gates.base import GateContext, ToolUnavailable
from sentia_testkit.gates.config import ContainerConfig
from sentia_testkit.gates.container import ContainerGate, instructions, judge_final_stage
from sentia_testkit.gates.lint import Verdict
from sentia_testkit.gates.model import GateStatus

CLEAN_DOCKERFILE = """\
    FROM python:3.11.15-slim-trixie
    USER 10001
    HEALTHCHECK CMD ["python", "-c", "print('ok')"]
    CMD ["python", "-m", "http.server"]
"""


def final_stage(tmp_path: Path, dockerfile: str) -> Verdict:
    path = tmp_path / "Dockerfile"
    path.write_text(textwrap.dedent(dockerfile))
    verdict = Verdict()
    judge_final_stage(path, "Dockerfile", verdict)
    return verdict


def user_check(verdict: Verdict) -> tuple[str, bool]:
    [check] = [c for c in verdict.checks if c.name == "Dockerfile final stage user"]
    return check.measured, check.passed


@pytest.mark.parametrize(
    ("dockerfile", "measured", "passed"),
    [
        ("FROM python:3.11\nUSER 10001\n", "10001", True),
        ("FROM python:3.11\nuser app:app\n", "app:app", True),
        ("FROM python:3.11\n", "root (no USER)", False),
        ("FROM python:3.11\nUSER root\n", "root", False),
        ("FROM python:3.11\nUSER 0:0\n", "0:0", False),
        ("FROM python:3.11\nUSER 10001\nRUN make\nUSER root\n", "root", False),
        ('FROM python:3.11 AS build\nUSER app\nFROM python:3.11-slim\nCMD ["x"]\n', "root (no USER)", False),
        ('FROM python:3.11 AS base\nUSER 10001\nFROM base AS final\nCMD ["x"]\n', "10001", True),
        ('FROM python:3.11 AS Base\nUSER 0\nFROM base\nCMD ["x"]\n', "0", False),
        ("ARG UID=10001\nFROM python:3.11\nARG UID\nUSER ${UID}\n", "10001", True),
        ("FROM python:3.11\nARG UID=0\nUSER $UID\n", "0", False),
        ("FROM python:3.11\nENV APP_USER=root\nUSER ${APP_USER}\n", "root", False),
        ("FROM python:3.11\nUSER ${APP_UID:-10001}\n", "10001", True),
        ("FROM --platform=$BUILDPLATFORM python:3.11 AS build\nUSER 1000\n", "1000", True),
    ],
)
def test_the_final_stage_user_is_read_as_docker_would(tmp_path: Path, dockerfile: str, measured: str, passed: bool):
    assert user_check(final_stage(tmp_path, dockerfile)) == (measured, passed)


def test_a_root_final_stage_is_a_finding_naming_the_file_and_line(tmp_path: Path):
    verdict = final_stage(tmp_path, 'FROM python:3.11 AS build\nUSER app\n\nFROM python:3.11-slim\nCMD ["x"]\n')

    [finding] = [f for f in verdict.findings if f.rule == "root-user"]
    assert finding.location == "Dockerfile:4"
    assert "runs as root: it has no USER instruction" in finding.message
    assert "fixed non-root uid" in finding.message


def test_a_user_from_a_variable_without_a_default_is_assumed_non_root_with_a_note(tmp_path: Path):
    verdict = final_stage(tmp_path, "FROM python:3.11\nARG APP_UID\nUSER $APP_UID\n")

    assert user_check(verdict) == ("$APP_UID", True)
    assert verdict.notes == ["Dockerfile:3 USER $APP_UID uses a variable with no default here; assumed non-root"]


@pytest.mark.parametrize(
    ("dockerfile", "measured"),
    [
        (CLEAN_DOCKERFILE, "present"),
        ('FROM python:3.11\nUSER 1\nHEALTHCHECK --interval=5s \\\n  --retries=3 \\\n  CMD ["true"]\n', "present"),
        ('FROM python:3.11 AS base\nHEALTHCHECK CMD ["true"]\nFROM base\nUSER 1\n', "present"),
        ("FROM python:3.11\nUSER 1\n", "missing"),
        ('FROM python:3.11\nHEALTHCHECK CMD ["true"]\nFROM python:3.11-slim\nUSER 1\n', "missing"),
        ('FROM python:3.11 AS base\nHEALTHCHECK CMD ["true"]\nFROM base\nHEALTHCHECK NONE\nUSER 1\n', "NONE"),
    ],
)
def test_the_final_stage_needs_a_healthcheck(tmp_path: Path, dockerfile: str, measured: str):
    verdict = final_stage(tmp_path, dockerfile)

    [check] = [c for c in verdict.checks if c.name == "Dockerfile final stage HEALTHCHECK"]
    assert (check.measured, check.passed) == (measured, measured == "present")
    assert any(f.rule == "no-healthcheck" for f in verdict.findings) is (measured != "present")


def test_instructions_skip_comments_heredoc_bodies_and_honour_the_escape_directive():
    dockerfile = textwrap.dedent(
        """\
        # escape=`
        FROM python:3.11
        # USER root
        RUN <<EOF
        USER root
        HEALTHCHECK NONE
        EOF
        RUN echo one `
        # a comment inside a continuation
          two
        USER 10001
        """
    )

    assert instructions(dockerfile) == [
        (2, "FROM", "python:3.11"),
        (4, "RUN", "<<EOF"),
        (8, "RUN", "echo one two"),
        (11, "USER", "10001"),
    ]


def test_a_dockerfile_without_from_is_an_error(tmp_path: Path):
    verdict = final_stage(tmp_path, "# nothing here\n")

    assert verdict.errors == ["Dockerfile has no FROM instruction"]


# hadolint ---------------------------------------------------------------------------------------------------------


def hadolint_entry(code: str, level: str, line: int = 2, message: str = "Pin versions") -> dict[str, object]:
    return {"code": code, "column": 1, "file": "Dockerfile", "level": level, "line": line, "message": message}


def project(tmp_path: Path, *, hadolint: list[dict[str, object]] | None, **container: object) -> GateContext:
    write_project(tmp_path, {"Dockerfile": CLEAN_DOCKERFILE})
    ctx = context(tmp_path, container=container)
    ctx.reports_dir.mkdir()
    if hadolint is not None:
        ctx.report("hadolint.json").write_text(json.dumps(hadolint))
    return ctx


def test_hadolint_findings_at_the_threshold_fail_and_those_below_are_noted(tmp_path: Path):
    entries = [
        hadolint_entry("DL3008", "warning", message="Pin versions in apt get install.\nInstead of ..."),
        hadolint_entry("DL3015", "info"),
    ]
    ctx = project(tmp_path, hadolint=entries)

    result = ContainerGate().evaluate(ctx)

    assert result.status is GateStatus.FAIL
    assert result.summary == "hadolint findings at warning or above 1 (limit 0)"
    [finding] = result.findings
    assert (finding.location, finding.rule, finding.severity) == ("Dockerfile:2", "DL3008", "warning")
    assert finding.message == "Pin versions in apt get install. Instead of ..."
    assert "1 hadolint finding(s) below the warning threshold do not fail: DL3015 (info)" in result.notes
    assert any("no workflow files in .github/workflows" in note for note in result.notes)


@pytest.mark.parametrize(
    ("threshold", "status"), [("error", GateStatus.PASS), ("warning", GateStatus.FAIL), ("style", GateStatus.FAIL)]
)
def test_the_hadolint_threshold_comes_from_the_configuration(tmp_path: Path, threshold: str, status: GateStatus):
    reason = {"loosened_reason": "warnings are reviewed by hand"} if threshold == "error" else {}
    ctx = project(
        tmp_path, hadolint=[hadolint_entry("DL3008", "warning")], hadolint_failure_threshold=threshold, **reason
    )

    result = ContainerGate().evaluate(ctx)

    assert result.status is status
    if threshold == "error":
        assert (
            "hadolint_failure_threshold = error (warnings do not fail): warnings are reviewed by hand" in result.notes
        )


def test_a_clean_dockerfile_without_workflows_passes(tmp_path: Path):
    ctx = project(tmp_path, hadolint=[])

    result = ContainerGate().evaluate(ctx)

    assert result.status is GateStatus.PASS
    assert [(c.name, c.measured) for c in result.checks] == [
        ("hadolint findings at warning or above", "0"),
        ("Dockerfile final stage user", "10001"),
        ("Dockerfile final stage HEALTHCHECK", "present"),
    ]


def test_hadolint_configuration_and_ignore_pragmas_are_printed(tmp_path: Path):
    ctx = project(tmp_path, hadolint=[])
    write_project(tmp_path, {".hadolint.yaml": "ignored: [DL3008]\n"})
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("# hadolint ignore=DL3008,DL3015\n" + dockerfile.read_text())

    result = ContainerGate().evaluate(ctx)

    assert "hadolint reads .hadolint.yaml: the rules it ignores or re-levels apply" in result.notes
    assert "1 inline hadolint ignore pragma(s): Dockerfile:1 DL3008,DL3015" in result.notes


@pytest.mark.parametrize(
    ("content", "error"),
    [("{", "JSONDecodeError"), ('{"code": "DL3008"}', "expected a JSON list"), ('[{"level": "fatal"}]', "KeyError")],
)
def test_an_unreadable_hadolint_report_is_an_error(tmp_path: Path, content: str, error: str):
    ctx = project(tmp_path, hadolint=[])
    ctx.report("hadolint.json").write_text(content)

    result = ContainerGate().evaluate(ctx)

    assert result.status is GateStatus.ERROR
    assert error in result.summary


def test_an_unknown_hadolint_level_is_an_error(tmp_path: Path):
    ctx = project(tmp_path, hadolint=[hadolint_entry("DL3008", "fatal")])

    result = ContainerGate().evaluate(ctx)

    assert result.status is GateStatus.ERROR
    assert "unknown hadolint level 'fatal' for DL3008" in result.summary


def test_a_missing_hadolint_report_leaves_the_gate_unavailable(tmp_path: Path):
    ctx = project(tmp_path, hadolint=None)

    result = ContainerGate().evaluate(ctx)

    assert result.status is GateStatus.UNAVAILABLE
    assert f"no hadolint report at {ctx.report('hadolint.json')}" in result.summary


def test_a_configured_dockerfile_that_does_not_exist_is_an_error_naming_it(tmp_path: Path):
    ctx = project(tmp_path, hadolint=[], dockerfiles=["Dockerfile", "deploy/worker.Dockerfile"])

    result = ContainerGate().evaluate(ctx)

    assert result.status is GateStatus.ERROR
    assert "the configured Dockerfile deploy/worker.Dockerfile does not exist" in result.summary
    assert "[tool.sentia.gates.container] dockerfiles" in result.summary


def test_checking_no_dockerfile_needs_a_reason():
    with pytest.raises(ValidationError, match=r"dockerfiles = \[\] \(no Dockerfile is checked\) needs loosened_reason"):
        ContainerConfig(dockerfiles=[])


def test_nothing_to_check_at_all_is_not_a_pass(tmp_path: Path):
    ctx = context(tmp_path, container={"dockerfiles": [], "loosened_reason": "this library ships no image"})

    result = ContainerGate().evaluate(ctx)

    assert result.status is GateStatus.UNAVAILABLE
    assert result.summary == "nothing was checked"
    assert "dockerfiles = [] (no Dockerfile is checked): this library ships no image" in result.notes


# actionlint -------------------------------------------------------------------------------------------------------


def with_workflow(tmp_path: Path, actionlint: list[dict[str, object]] | None) -> GateContext:
    write_project(tmp_path, {".github/workflows/ci.yml": "on: push\n", ".github/workflows/notes.txt": "not a workflow"})
    ctx = context(tmp_path, container={"dockerfiles": [], "loosened_reason": "this library ships no image"})
    ctx.reports_dir.mkdir()
    if actionlint is not None:
        ctx.report("actionlint.json").write_text(json.dumps(actionlint))
    return ctx


def test_actionlint_errors_fail_with_path_line_column_and_kind(tmp_path: Path):
    error = {
        "message": 'label "ubuntu-lastest" is unknown',
        "filepath": ".github/workflows/ci.yml",
        "line": 5,
        "column": 14,
        "kind": "runner-label",
        "snippet": "    runs-on: ubuntu-lastest",
        "end_column": 27,
    }
    ctx = with_workflow(tmp_path, [error])

    result = ContainerGate().evaluate(ctx)

    assert result.status is GateStatus.FAIL
    assert result.summary == "actionlint errors 1 (limit 0)"
    [finding] = result.findings
    assert (finding.location, finding.rule) == (".github/workflows/ci.yml:5:14", "runner-label")
    assert finding.message == 'label "ubuntu-lastest" is unknown'
    assert result.details["actionlint"]["workflows"] == [".github/workflows/ci.yml"]


def test_clean_workflows_pass(tmp_path: Path):
    result = ContainerGate().evaluate(with_workflow(tmp_path, []))

    assert result.status is GateStatus.PASS
    assert result.summary == "actionlint errors 0 (limit 0)"


def test_a_missing_actionlint_report_leaves_the_gate_unavailable(tmp_path: Path):
    ctx = with_workflow(tmp_path, None)

    result = ContainerGate().evaluate(ctx)

    assert result.status is GateStatus.UNAVAILABLE
    assert f"no actionlint report at {ctx.report('actionlint.json')}" in result.summary


def test_produce_reports_every_tool_that_cannot_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    write_project(tmp_path, {"Dockerfile": CLEAN_DOCKERFILE, ".github/workflows/ci.yml": "on: push\n"})
    ctx = context(tmp_path)
    ctx.reports_dir.mkdir()
    ctx.report("hadolint.json").write_text("[]")
    monkeypatch.setattr(GateContext, "tool", lambda _self, name: str(tmp_path / "missing" / name))

    with pytest.raises(ToolUnavailable) as raised:
        ContainerGate().produce(ctx)

    assert "hadolint is not installed" in str(raised.value)
    assert "actionlint is not installed" in str(raised.value)
    assert not ctx.report("hadolint.json").exists()


def fake_tool(directory: Path, name: str, script: str) -> None:
    directory.mkdir(exist_ok=True)
    path = directory / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)


def test_tools_that_print_no_report_are_unavailable_with_their_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    bin_dir = tmp_path / "bin"
    fake_tool(bin_dir, "hadolint", 'echo "hadolint: Dockerfile: withBinaryFile: permission denied" >&2; exit 1')
    fake_tool(bin_dir, "actionlint", "echo '[]'; exit 3")
    root = write_project(
        tmp_path / "project", {"Dockerfile": CLEAN_DOCKERFILE, ".github/workflows/ci.yml": "on: push\n"}
    )
    ctx = context(root)
    monkeypatch.setattr(GateContext, "tool", lambda _self, name: str(bin_dir / name))

    with pytest.raises(ToolUnavailable) as raised:
        ContainerGate().produce(ctx)

    assert "hadolint exited 1 without a report: hadolint: Dockerfile: withBinaryFile: permission denied" in str(
        raised.value
    )
    assert "actionlint exited 3 without a report: (no output)" in str(raised.value)
    assert ContainerGate().evaluate(ctx).status is GateStatus.UNAVAILABLE


def test_an_unreadable_actionlint_report_is_an_error(tmp_path: Path):
    ctx = with_workflow(tmp_path, None)
    ctx.report("actionlint.json").write_text('{"errors": []}')

    result = ContainerGate().evaluate(ctx)

    assert result.status is GateStatus.ERROR
    assert "expected a JSON list of errors, got dict" in result.summary


def test_an_unreadable_dockerfile_is_an_error(tmp_path: Path):
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"FROM python:3.11\nUSER \xff\n")
    verdict = Verdict()

    judge_final_stage(path, "Dockerfile", verdict)

    assert verdict.errors[0].startswith("cannot read Dockerfile: UnicodeDecodeError")


def test_instructions_before_the_first_stage_other_than_arg_are_ignored(tmp_path: Path):
    verdict = final_stage(tmp_path, "ARG BASE=python:3.11\nLABEL stray=1\nFROM ${BASE}\nUSER 1000\n")

    assert user_check(verdict) == ("1000", True)
