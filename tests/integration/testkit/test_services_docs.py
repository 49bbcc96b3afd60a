"""Every code sample of "Use PostgreSQL and Redis in your tests" in docs/testkit.md runs against the real servers."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from sentia_testkit import cli
from sentia_testkit.services import ServiceHandle, postgres, redis

pytest_plugins = ["pytester"]

DOC = Path(__file__).resolve().parents[3] / "docs" / "testkit.md"
SECTION = "## Use PostgreSQL and Redis in your tests"
_FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _samples(language: str) -> list[str]:
    text = DOC.read_text()
    start = text.index(SECTION)
    following = text.find("\n## ", start + len(SECTION))
    section = text[start : following if following != -1 else len(text)]
    return [body for lang, body in _FENCE.findall(section) if lang == language]


@pytest.fixture
def servers_from_session(
    monkeypatch: pytest.MonkeyPatch, sentia_postgres_server: ServiceHandle, sentia_redis_server: ServiceHandle
) -> None:
    """Point the samples at this session's servers, whatever source they came from."""
    monkeypatch.setenv(postgres.ENV, sentia_postgres_server.url)
    monkeypatch.setenv(redis.ENV, sentia_redis_server.url)


@pytest.mark.usefixtures("servers_from_session")
def test_python_samples_pass(pytester: pytest.Pytester) -> None:
    samples = _samples("python")
    assert samples, f"no python sample found under {SECTION!r} in {DOC}"
    for number, sample in enumerate(samples):
        pytester.makepyfile(**{f"test_sample_{number}": sample})

    result = pytester.runpytest("-W", "error")

    assert result.ret == 0, result.stdout.str()
    assert result.parseoutcomes().get("passed", 0) >= 2


@pytest.mark.usefixtures("servers_from_session")
def test_console_samples_run(capsys: pytest.CaptureFixture[str]) -> None:
    commands = [line[2:] for sample in _samples("console") for line in sample.splitlines() if line.startswith("$ ")]
    assert commands, f"no console sample found under {SECTION!r} in {DOC}"
    for command in commands:
        program, *args = shlex.split(command)
        assert program == "sentia-testkit", f"unexpected command in the docs: {command}"

        assert cli.main(args) == 0, capsys.readouterr().out
