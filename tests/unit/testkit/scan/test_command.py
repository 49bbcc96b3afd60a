"""`sentia-testkit scan`: arguments, exit statuses and the report files."""

from __future__ import annotations

import json

import pytest
from defusedxml import ElementTree

from sentia_testkit.cli import main

BROKEN = "support.broken_mcp_server:server"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["scan"], "give exactly one target: TARGET or --stdio COMMAND"),
        (["scan", BROKEN, "--stdio", "python -m x"], "give exactly one target"),
        (["scan", "https://x.example/mcp", "--header", "no colon"], "a header is NAME: VALUE"),
        (["scan", "pkg.module"], "is not a target"),
    ],
)
def test_usage_errors_exit_2(capsys, argv, message):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_an_unreachable_target_exits_2(capsys):
    assert main(["scan", "no_such_module_here:server", "--plain"]) == 2
    assert "scan of object no_such_module_here:server failed: cannot import 'no_such_module_here'" in (
        capsys.readouterr().out
    )


def test_findings_exit_1_and_land_in_both_reports(tmp_path, capsys):
    json_path, junit_path = tmp_path / "scan.json", tmp_path / "scan.xml"
    argv = ["scan", BROKEN, "--tool", "leaky-lookup", "--max-examples", "2", "--no-security", "--plain"]
    assert main([*argv, "--json", str(json_path), "--junit", str(junit_path)]) == 1
    out = capsys.readouterr().out
    assert "[high] valid-input: internal error on valid arguments (leaky-lookup)" in out
    data = json.loads(json_path.read_text())
    assert [(result["check"], len(result["findings"])) for result in data["results"]] == [
        ("definition", 0),
        ("valid-input", 1),
        ("invalid-input", 0),
    ]
    suite = ElementTree.parse(junit_path).getroot()
    assert suite.get("failures") == "1" and suite.get("tests") == "3"


def test_a_clean_tool_exits_0_and_low_findings_fail_only_on_request(capsys):
    assert main(["scan", BROKEN, "--tool", "echo", "--max-examples", "3", "--payloads", "1"]) == 0
    assert "no findings" in capsys.readouterr().out
    lenient = ["scan", BROKEN, "--tool", "trusting-divide", "--max-examples", "3", "--no-security", "--plain"]
    assert main([*lenient, "--fail-on", "critical"]) == 0
    assert main([*lenient, "--fail-on", "high"]) == 1


def test_no_matching_tool_is_a_target_error(capsys):
    assert main(["scan", BROKEN, "--tool", "absent", "--plain"]) == 2
    assert "none of the named tools exist" in capsys.readouterr().out
