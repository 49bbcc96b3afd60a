"""The samples of "Scan your MCP server" in docs/testkit.md work as written: the pytest samples pass and the command
scans the reference time server cleanly, writing both reports."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from defusedxml import ElementTree

pytest_plugins = ["pytester"]

DOC = Path(__file__).resolve().parents[4] / "docs" / "testkit.md"
SECTION = "## Scan your MCP server"


def section() -> str:
    text = DOC.read_text()
    start = text.index(SECTION)
    following = text.find("\n## ", start + len(SECTION))
    return text[start : following if following != -1 else len(text)]


def samples(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", section(), flags=re.MULTILINE | re.DOTALL)


def test_the_section_has_its_samples():
    assert len(samples("python")) == 2
    assert len(samples("bash")) == 1


@pytest.mark.parametrize(("index", "passed"), [(0, 4), (1, 1)])
def test_each_pytest_sample_passes(pytester: pytest.Pytester, index: int, passed: int):
    pytester.makepyfile(**{f"test_sample_{index}": samples("python")[index]})
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=passed)


def test_the_command_sample_scans_the_time_server(tmp_path):
    [command] = samples("bash")
    bin_dir = str(Path(sys.executable).parent)
    done = subprocess.run(
        shlex.split(command),
        cwd=tmp_path,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "scan.json").read_text())
    assert {result["tool"] for result in report["results"]} == {"get_current_time", "convert_time"}
    suite = ElementTree.parse(tmp_path / "scan.xml").getroot()
    assert (suite.get("tests"), suite.get("failures")) == ("8", "0")
