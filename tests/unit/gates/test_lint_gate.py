"""The lint gate judging reports written by hand: ruff's JSON, and the recorded runs of ruff format and mypy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError
from support.projects import context

from sentia_testkit.gates.base import GateContext, ToolUnavailable
from sentia_testkit.gates.config import LintConfig
from sentia_testkit.gates.lint import LintGate, parse_mypy, parse_ruff_format
from sentia_testkit.gates.model import GateStatus

ALL_OFF_BUT = {
    "ruff": {"ruff_format": False, "mypy": False, "disabled_reason": "judged by another gate here"},
    "ruff_format": {"ruff": False, "mypy": False, "disabled_reason": "judged by another gate here"},
    "mypy": {"ruff": False, "ruff_format": False, "disabled_reason": "judged by another gate here"},
}


def only(tool: str, root: Path) -> GateContext:
    return context(root, paths=["app"], lint=ALL_OFF_BUT[tool])


def ruff_diagnostic(root: Path, code: str | None, message: str, row: int = 1, column: int = 8) -> dict[str, object]:
    return {
        "code": code,
        "filename": str(root / "app" / "orders.py"),
        "location": {"row": row, "column": column},
        "end_location": {"row": row, "column": column + 2},
        "message": message,
        "fix": None,
        "noqa_row": row,
        "url": None,
    }


def write_record(ctx: GateContext, name: str, exit_code: int, stdout: str, stderr: str = "") -> None:
    ctx.reports_dir.mkdir(parents=True, exist_ok=True)
    record = {"command": ["tool"], "exit_code": exit_code, "stdout": stdout, "stderr": stderr}
    ctx.report(name).write_text(json.dumps(record))


def write_clean_reports(ctx: GateContext) -> None:
    ctx.reports_dir.mkdir(parents=True, exist_ok=True)
    ctx.report("ruff.json").write_text("[]")
    write_record(ctx, "ruff-format.json", 0, "4 files already formatted\n")
    write_record(ctx, "mypy.json", 0, "Success: no issues found in 4 source files\n")


# ruff check ------------------------------------------------------------------------------------------------------


def test_ruff_violations_fail_with_rule_and_location_relative_to_the_root(tmp_path: Path):
    ctx = only("ruff", tmp_path)
    ctx.reports_dir.mkdir()
    diagnostics = [ruff_diagnostic(tmp_path, "F401", "`os` imported but unused"), ruff_diagnostic(tmp_path, None, "x")]
    ctx.report("ruff.json").write_text(json.dumps(diagnostics))

    result = LintGate().evaluate(ctx)

    assert result.status is GateStatus.FAIL
    assert result.summary == "ruff violations 2 (limit 0)"
    assert [(f.location, f.rule, f.message) for f in result.findings] == [
        ("app/orders.py:1:8", "F401", "`os` imported but unused"),
        ("app/orders.py:1:8", "syntax-error", "x"),
    ]
    assert result.details["ruff"]["by_rule"] == {"F401": 1, "syntax-error": 1}


@pytest.mark.parametrize("content", ["{not json", '{"violations": []}', '[{"filename": "a.py"}]'])
def test_an_unreadable_ruff_report_is_an_error_naming_it(tmp_path: Path, content: str):
    ctx = only("ruff", tmp_path)
    ctx.reports_dir.mkdir()
    ctx.report("ruff.json").write_text(content)

    result = LintGate().evaluate(ctx)

    assert result.status is GateStatus.ERROR
    assert f"cannot read {ctx.report('ruff.json')}" in result.summary


# ruff format --check ---------------------------------------------------------------------------------------------

DIAGNOSTIC_STYLE = """\
unformatted: File would be reformatted
 --> app/orders.py:2:1
  |
1 | import os
  - def f( a ):
2 + def f(a):
  |

unformatted: File would be reformatted
 --> app/stock.py:1:1
  |

2 files would be reformatted, 3 files already formatted
"""


@pytest.mark.parametrize(
    ("exit_code", "output", "unformatted", "already"),
    [
        (1, DIAGNOSTIC_STYLE, ["app/orders.py", "app/stock.py"], 3),
        (
            1,
            "Would reformat: app/orders.py\n1 file would be reformatted, 2 files already formatted\n",
            ["app/orders.py"],
            2,
        ),
        (
            1,
            "app/orders.py:2:1: unformatted: File would be reformatted\n1 file would be reformatted\n",
            ["app/orders.py"],
            0,
        ),
        (
            1,
            "\x1b[1m\x1b[91munformatted:\x1b[0m x\n \x1b[94m--> \x1b[0mapp/a.py:1:1\n1 file would be reformatted\n",
            ["app/a.py"],
            0,
        ),
        (0, "3 files already formatted\n", [], 3),
        (0, "1 file already formatted\n", [], 1),
    ],
)
def test_ruff_format_output_is_parsed_in_every_style(exit_code: int, output: str, unformatted: list[str], already: int):
    result = parse_ruff_format(exit_code, output)

    assert result.unformatted == unformatted
    assert result.already_formatted == already


@pytest.mark.parametrize(
    ("exit_code", "output", "message"),
    [
        (
            2,
            "invalid-syntax: Expected an identifier\n --> app/a.py:1:5\n",
            "ruff format --check exited 2: invalid-syntax",
        ),
        (0, "warning: No Python files found under the given path(s)\n", "printed no summary"),
        (0, "1 file would be reformatted\n", "exited 0 but reports 1 file(s) to reformat"),
        (1, "2 files would be reformatted\nWould reformat: app/a.py\n", "says 2 file(s) would be reformatted, but 1"),
        (1, "3 files already formatted\n", "says 0 file(s) would be reformatted"),
    ],
)
def test_ruff_format_output_that_does_not_add_up_is_refused(exit_code: int, output: str, message: str):
    with pytest.raises(ValueError, match="ruff format") as raised:
        parse_ruff_format(exit_code, output)

    assert message in str(raised.value)


def test_files_to_reformat_fail_the_gate(tmp_path: Path):
    ctx = only("ruff_format", tmp_path)
    write_record(ctx, "ruff-format.json", 1, DIAGNOSTIC_STYLE)

    result = LintGate().evaluate(ctx)

    assert result.status is GateStatus.FAIL
    assert result.summary == "files not formatted 2 (limit 0)"
    assert [(f.location, f.rule) for f in result.findings] == [("app/orders.py", "format"), ("app/stock.py", "format")]
    assert "run `ruff format`" in result.findings[0].message


def test_a_crashed_ruff_format_is_an_error_not_a_pass(tmp_path: Path):
    ctx = only("ruff_format", tmp_path)
    write_record(ctx, "ruff-format.json", 2, "", "error: Failed to parse pyproject.toml")

    result = LintGate().evaluate(ctx)

    assert result.status is GateStatus.ERROR
    assert "exited 2" in result.summary
    assert "Failed to parse pyproject.toml" in result.summary


def test_a_record_that_is_not_a_tool_record_is_an_error(tmp_path: Path):
    ctx = only("ruff_format", tmp_path)
    ctx.reports_dir.mkdir()
    ctx.report("ruff-format.json").write_text('{"exit_code": "0"}')

    result = LintGate().evaluate(ctx)

    assert result.status is GateStatus.ERROR
    assert "not a tool record" in result.summary


# mypy -------------------------------------------------------------------------------------------------------------

MYPY_TWO_ERRORS = """\
app/orders.py:2: error: Incompatible types in assignment (expression has type "str", variable "int")  [assignment]
app/orders.py:3: note: See https://mypy.rtfd.io/en/stable/_refs.html#code-assignment for more info
app/stock.py:7:5: error: Function is missing a type annotation  [no-untyped-def]
Found 2 errors in 2 files (checked 5 source files)
"""


def test_mypy_errors_are_read_with_file_line_and_code(tmp_path: Path):
    run = parse_mypy(1, MYPY_TWO_ERRORS, "", tmp_path)

    assert run.checked_files == 5
    assert [(f.location, f.rule) for f in run.errors] == [
        ("app/orders.py:2", "assignment"),
        ("app/stock.py:7", "no-untyped-def"),
    ]
    assert run.errors[0].message.startswith("Incompatible types in assignment")


def test_mypy_errors_without_a_line_or_code_and_absolute_paths_are_read(tmp_path: Path):
    output = f"{tmp_path}/app/orders.py: error: Duplicate module named 'orders'\n"
    output += "Found 1 error in 1 file (checked 1 source file)\n"

    run = parse_mypy(1, output, "", tmp_path)

    assert [(f.location, f.rule) for f in run.errors] == [("app/orders.py", None)]


@pytest.mark.parametrize(
    ("exit_code", "stdout", "stderr", "message"),
    [
        (
            2,
            "app: error: Cannot read file\nFound 1 error in 1 file (errors prevented further checking)\n",
            "",
            "mypy exited 2",
        ),
        (0, "", "", "without its `Success: no issues found` summary"),
        (0, "app/a.py:1: error: bad  [misc]\nSuccess: no issues found in 1 source file\n", "", "without its `Success"),
        (1, "app/a.py:1: error: bad  [misc]\nFound 2 errors in 1 file (checked 1 source file)\n", "", "says 2 errors"),
        (1, "Traceback (most recent call last):\n  ...\n", "", "printed no `Found N errors` summary"),
        (3, "", "mypy: can't read file 'nope': No such file or directory", "can't read file"),
    ],
)
def test_mypy_output_that_does_not_add_up_is_refused(
    exit_code: int, stdout: str, stderr: str, message: str, tmp_path: Path
):
    with pytest.raises(ValueError, match="mypy") as raised:
        parse_mypy(exit_code, stdout, stderr, tmp_path)

    assert message in str(raised.value)


def test_mypy_errors_fail_the_gate_and_a_clean_run_passes(tmp_path: Path):
    ctx = only("mypy", tmp_path)
    write_record(ctx, "mypy.json", 1, MYPY_TWO_ERRORS)
    failed = LintGate().evaluate(ctx)
    write_record(ctx, "mypy.json", 0, "Success: no issues found in 5 source files\n")
    passed = LintGate().evaluate(ctx)

    assert failed.status is GateStatus.FAIL
    assert failed.summary == "mypy errors 2 (limit 0)"
    assert failed.details["mypy"]["by_code"] == {"assignment": 1, "no-untyped-def": 1}
    assert passed.status is GateStatus.PASS
    assert passed.details["mypy"]["checked_files"] == 5


def test_mypy_that_could_not_check_is_an_error(tmp_path: Path):
    ctx = only("mypy", tmp_path)
    write_record(ctx, "mypy.json", 2, "", "mypy: error: Missing target module, package, files, or command.")

    result = LintGate().evaluate(ctx)

    assert result.status is GateStatus.ERROR
    assert "mypy exited 2 (it could not check the code)" in result.summary
    assert "Missing target module" in result.summary


# The gate as a whole ----------------------------------------------------------------------------------------------


def test_clean_reports_pass_with_every_measured_value_in_the_summary(tmp_path: Path):
    ctx = context(tmp_path, paths=["app"])
    write_clean_reports(ctx)

    result = LintGate().evaluate(ctx)

    assert result.status is GateStatus.PASS
    assert result.summary == "ruff violations 0 (limit 0); files not formatted 0 (limit 0); mypy errors 0 (limit 0)"
    assert result.notes == []


def test_missing_reports_leave_the_gate_unavailable_naming_each(tmp_path: Path):
    ctx = context(tmp_path, paths=["app"])

    result = LintGate().evaluate(ctx)

    assert result.status is GateStatus.UNAVAILABLE
    for name in ("ruff.json", "ruff-format.json", "mypy.json"):
        assert str(ctx.report(name)) in result.summary


def test_a_failure_is_not_hidden_by_a_missing_report(tmp_path: Path):
    ctx = context(tmp_path, paths=["app"], tolerate_unavailable={"lint": "mypy is not installed on this runner"})
    ctx.reports_dir.mkdir()
    ctx.report("ruff.json").write_text(json.dumps([ruff_diagnostic(tmp_path, "F401", "unused")]))
    write_record(ctx, "ruff-format.json", 0, "1 file already formatted\n")

    result = LintGate().evaluate(ctx)

    assert result.status is GateStatus.FAIL
    assert result.blocking
    assert any(note.startswith("not evaluated: no mypy record") for note in result.notes)


def test_an_unreadable_report_outweighs_a_missing_one(tmp_path: Path):
    ctx = context(tmp_path, paths=["app"])
    ctx.reports_dir.mkdir()
    ctx.report("ruff.json").write_text("[]")
    write_record(ctx, "mypy.json", 2, "", "mypy crashed")

    result = LintGate().evaluate(ctx)

    assert result.status is GateStatus.ERROR
    assert "mypy exited 2" in result.summary
    assert len(result.notes) == 1
    assert result.notes[0].startswith("not evaluated: no ruff format record at ")


def test_a_switched_off_tool_is_printed_with_its_reason(tmp_path: Path):
    ctx = context(tmp_path, paths=["app"], lint={"mypy": False, "disabled_reason": "types are checked by pyright here"})
    write_clean_reports(ctx)
    ctx.report("mypy.json").unlink()

    result = LintGate().evaluate(ctx)

    assert result.status is GateStatus.PASS
    assert result.notes == [
        "mypy is switched off ([tool.sentia.gates.lint] mypy = false): types are checked by pyright here"
    ]
    assert [check.name for check in result.checks] == ["ruff violations", "files not formatted"]


def test_switching_every_tool_off_leaves_nothing_to_pass(tmp_path: Path):
    off = {"ruff": False, "ruff_format": False, "mypy": False, "disabled_reason": "linted in another pipeline"}
    ctx = context(tmp_path, paths=["app"], lint=off)

    result = LintGate().evaluate(ctx)

    assert result.status is GateStatus.UNAVAILABLE
    assert result.summary == "every lint tool is switched off in [tool.sentia.gates.lint]"
    assert len(result.notes) == 3


@pytest.mark.parametrize("reason", [None, "because"])
def test_switching_a_tool_off_needs_a_reason(reason: str | None):
    with pytest.raises(ValidationError, match="switching off ruff_format needs disabled_reason"):
        LintConfig(ruff_format=False, disabled_reason=reason)


def test_produce_runs_every_tool_and_reports_each_that_cannot_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    ctx = context(tmp_path, paths=["app"])
    write_clean_reports(ctx)
    monkeypatch.setattr(GateContext, "tool", lambda _self, name: str(tmp_path / "missing" / name))

    with pytest.raises(ToolUnavailable) as raised:
        LintGate().produce(ctx)

    assert str(raised.value).count("is not installed") == 3
    assert not any(ctx.report(name).exists() for name in ("ruff.json", "ruff-format.json", "mypy.json"))
    assert LintGate().evaluate(ctx).status is GateStatus.UNAVAILABLE


def fake_tool(directory: Path, name: str, script: str) -> None:
    directory.mkdir(exist_ok=True)
    path = directory / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)


def test_a_ruff_that_crashes_writes_no_report_and_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    bin_dir = tmp_path / "bin"
    fake_tool(bin_dir, "ruff", 'echo "ruff failed: unknown rule selector XYZ" >&2; exit 2')
    ctx = only("ruff", tmp_path / "project")
    monkeypatch.setattr(GateContext, "tool", lambda _self, name: str(bin_dir / name))
    ctx.root.mkdir()

    with pytest.raises(ToolUnavailable, match="ruff check exited 2 without a report: ruff failed: unknown rule"):
        LintGate().produce(ctx)

    assert not ctx.report("ruff.json").exists()


def test_paths_outside_the_project_are_kept_as_the_tool_gave_them(tmp_path: Path):
    ctx = only("ruff", tmp_path / "project")
    ctx.reports_dir.mkdir(parents=True)
    ctx.report("ruff.json").write_text(json.dumps([ruff_diagnostic(tmp_path / "elsewhere", "E501", "too long")]))

    [finding] = LintGate().evaluate(ctx).findings

    assert finding.location == f"{tmp_path}/elsewhere/app/orders.py:1:8"


def test_a_record_without_output_text_is_an_error(tmp_path: Path):
    ctx = only("mypy", tmp_path)
    ctx.reports_dir.mkdir()
    ctx.report("mypy.json").write_text('{"exit_code": 0, "stdout": null, "stderr": ""}')

    result = LintGate().evaluate(ctx)

    assert result.status is GateStatus.ERROR
    assert "the tool record has no stdout/stderr text" in result.summary
