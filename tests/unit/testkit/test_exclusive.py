"""The turns behind `@pytest.mark.exclusive`: shared turns run together, an exclusive turn runs alone, and a waiting
exclusive turn holds back shared turns that ask after it. Threads stand in for xdist workers: `flock` locks taken
through separate opens of a file conflict within one process as they do between processes."""

from __future__ import annotations

import fcntl
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from sentia_testkit.exclusive import is_xdist_worker, lock_paths, turn

WAIT = 10.0


class Holder:
    """A thread that takes a turn, says when it has it, and keeps it until released."""

    def __init__(self, paths: tuple[Path, Path], *, exclusive: bool, log: list[str], name: str) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(paths, exclusive, log, name), daemon=True)
        self._thread.start()

    def _run(self, paths: tuple[Path, Path], exclusive: bool, log: list[str], name: str) -> None:
        with turn(*paths, exclusive=exclusive):
            log.append(name)
            self.entered.set()
            self.release.wait(WAIT)

    def finish(self) -> None:
        self.release.set()
        self._thread.join(WAIT)
        assert not self._thread.is_alive()


@pytest.fixture
def paths(tmp_path: Path) -> tuple[Path, Path]:
    return lock_paths(tmp_path, directory=tmp_path)


@pytest.fixture
def log() -> list[str]:
    return []


@pytest.fixture
def holders() -> Iterator[list[Holder]]:
    started: list[Holder] = []
    yield started
    for holder in started:
        holder.release.set()


def hold(holders: list[Holder], paths: tuple[Path, Path], log: list[str], name: str, *, exclusive: bool) -> Holder:
    holder = Holder(paths, exclusive=exclusive, log=log, name=name)
    holders.append(holder)
    return holder


def wait_until_turnstile_is_shut(turnstile: Path) -> None:
    """Return once some turn holds the turnstile: only an exclusive one waiting or running keeps it."""
    with turnstile.open("a") as gate:
        for _ in range(int(WAIT / 0.01)):
            try:
                fcntl.flock(gate, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return
            fcntl.flock(gate, fcntl.LOCK_UN)
            time.sleep(0.01)
    raise AssertionError("no exclusive turn took the turnstile")


def test_shared_turns_run_together(paths, log, holders):
    first = hold(holders, paths, log, "first", exclusive=False)
    second = hold(holders, paths, log, "second", exclusive=False)
    assert first.entered.wait(WAIT)
    assert second.entered.wait(WAIT)
    first.finish()
    second.finish()


def test_an_exclusive_turn_waits_for_the_shared_turn_running(paths, log, holders):
    running = hold(holders, paths, log, "running", exclusive=False)
    assert running.entered.wait(WAIT)
    alone = hold(holders, paths, log, "alone", exclusive=True)
    wait_until_turnstile_is_shut(paths[0])
    assert not alone.entered.wait(0.2)

    running.finish()

    assert alone.entered.wait(WAIT)
    alone.finish()
    assert log == ["running", "alone"]


def test_a_waiting_exclusive_turn_holds_back_shared_turns_that_ask_later(paths, log, holders):
    running = hold(holders, paths, log, "running", exclusive=False)
    assert running.entered.wait(WAIT)
    alone = hold(holders, paths, log, "alone", exclusive=True)
    wait_until_turnstile_is_shut(paths[0])
    later = hold(holders, paths, log, "later", exclusive=False)
    assert not later.entered.wait(0.2)

    running.finish()
    assert alone.entered.wait(WAIT)
    assert not later.entered.wait(0.2)
    alone.finish()

    assert later.entered.wait(WAIT)
    later.finish()
    assert log == ["running", "alone", "later"]


def test_two_exclusive_turns_take_turns(paths, log, holders):
    first = hold(holders, paths, log, "first", exclusive=True)
    assert first.entered.wait(WAIT)
    second = hold(holders, paths, log, "second", exclusive=True)
    assert not second.entered.wait(0.2)
    first.finish()
    assert second.entered.wait(WAIT)
    second.finish()
    assert log == ["first", "second"]


def test_a_turn_is_released_when_its_block_raises(paths):
    with pytest.raises(RuntimeError), turn(*paths, exclusive=True):
        raise RuntimeError("the test failed")
    with paths[1].open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_the_workers_of_one_rootdir_share_the_lock_files_and_other_rootdirs_do_not(tmp_path: Path):
    here = lock_paths(tmp_path / "project", directory=tmp_path)
    assert lock_paths(tmp_path / "project" / ".." / "project", directory=tmp_path) == here
    assert lock_paths(tmp_path / "other", directory=tmp_path) != here
    assert [path.parent for path in here] == [tmp_path, tmp_path]
    assert here[0] != here[1]


def test_only_an_xdist_worker_takes_turns(pytestconfig: pytest.Config):
    assert is_xdist_worker(pytestconfig) is hasattr(pytestconfig, "workerinput")
    assert is_xdist_worker(SimpleNamespace(workerinput={"workerid": "gw0"})) is True
    assert is_xdist_worker(SimpleNamespace()) is False


def test_without_flock_a_turn_is_no_lock_at_all(paths, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sys, "platform", "win32")
    with turn(*paths, exclusive=True), turn(*paths, exclusive=True):
        pass
    assert not paths[0].exists()
    assert not paths[1].exists()
