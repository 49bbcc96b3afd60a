"""The helpers every source shares: the dry check past the chosen source, waiting for readiness, log tails."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sentia_testkit.services import Probe, ServiceHandle, SourceBroken, SourceUnavailable
from sentia_testkit.services._core import check, describe_error, log_tail, wait_until


class ProbeOnly:
    def __init__(self, name: str, probe: Probe | SourceBroken) -> None:
        self.name, self._probe = name, probe

    def probe(self) -> Probe:
        if isinstance(self._probe, SourceBroken):
            raise self._probe
        return self._probe

    def start(self) -> ServiceHandle:
        raise AssertionError("the dry check must not start anything")


def test_a_broken_source_after_the_chosen_one_is_listed_but_does_not_stop_the_check() -> None:
    statuses = check(
        [
            ProbeOnly("docker", Probe(True, "answers")),
            ProbeOnly("ENV", SourceBroken("ENV=x is set but refused")),
            ProbeOnly("local", Probe(True, "binaries")),
        ]
    )

    assert [(s.source, s.usable, s.selected, s.broken, s.detail) for s in statuses] == [
        ("docker", True, True, False, "answers"),
        ("ENV", False, False, False, "ENV=x is set but refused"),
        ("local", True, False, False, "binaries"),
    ]


def test_wait_until_polls_until_ready() -> None:
    problems = ["refused", "starting up", None]
    calls: list[float] = []

    def ready() -> str | None:
        calls.append(time.monotonic())
        return problems[len(calls) - 1]

    wait_until(ready, what="the thing", timeout=5)

    assert len(calls) == 3
    assert calls[-1] - calls[0] >= 0.2  # it waits between polls instead of spinning


def test_wait_until_gives_up_after_the_timeout_with_the_last_problem() -> None:
    calls: list[str] = []

    def never() -> str:
        calls.append(f"refused #{len(calls) + 1}")
        return calls[-1]

    started = time.monotonic()
    with pytest.raises(SourceUnavailable) as raised:
        wait_until(never, what="PostgreSQL on 127.0.0.1:1", timeout=0.6)

    assert 0.6 <= time.monotonic() - started < 2
    assert str(raised.value) == f"PostgreSQL on 127.0.0.1:1 was not ready within 1 s; last error: {calls[-1]}"
    assert len(calls) >= 2


def test_log_tail_joins_the_last_lines(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.write_text("".join(f"line {n}\n" for n in range(1, 21)) + "\n\n")

    assert log_tail(log, lines=3) == "line 18 | line 19 | line 20"
    assert log_tail(log).startswith("line 6 | ")


def test_log_tail_of_an_empty_or_missing_log_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "empty.log"
    empty.write_text("\n")

    assert log_tail(empty) == "(log is empty)"
    assert log_tail(tmp_path / "missing.log") == (
        f"(no log: [Errno 2] No such file or directory: '{tmp_path / 'missing.log'}')"
    )


@pytest.mark.parametrize(
    ("exc", "expected"),
    [(TimeoutError(), "TimeoutError"), (OSError("refused."), "OSError: refused"), (ValueError("  "), "ValueError")],
)
def test_describe_error_names_the_type_and_a_message_if_any(exc: BaseException, expected: str) -> None:
    assert describe_error(exc) == expected
