"""Sliding windows, distinct counts, cooldowns and the bound on tracked keys, on a fake clock."""

from __future__ import annotations

from sentia_server.security.threats.behaviour import Cooldown, DistinctCounter, WindowCounter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_window_counter_forgets_occurrences_older_than_the_window():
    clock = Clock()
    counter = WindowCounter(60, clock=clock)
    assert [counter.add("a") for _ in range(3)] == [1, 2, 3]
    assert counter.add("b") == 1
    clock.now += 60
    assert counter.add("a") == 1
    counter.reset("a")
    assert counter.add("a") == 1


def test_window_counter_tracks_at_most_max_keys_dropping_the_least_recent():
    counter = WindowCounter(60, max_keys=2, clock=Clock())
    counter.add("a")
    counter.add("b")
    counter.add("a")  # "a" is now the most recent
    counter.add("c")  # drops "b"
    assert len(counter) == 2
    assert counter.add("a") == 3
    assert counter.add("b") == 1


def test_distinct_counter_counts_each_item_once_within_the_window():
    clock = Clock()
    counter = DistinctCounter(60, clock=clock)
    assert counter.add("p", "tool-a") == 1
    assert counter.add("p", "tool-a") == 1
    assert counter.add("p", "tool-b") == 2
    clock.now += 30
    assert counter.add("p", "tool-c") == 3
    clock.now += 31  # tool-a and tool-b are older than 60 s now
    assert counter.add("p", "tool-d") == 2
    counter.reset("p")
    assert counter.add("p", "tool-d") == 1


def test_cooldown_lets_a_key_fire_once_per_period():
    clock = Clock()
    cooldown = Cooldown(10, clock=clock)
    assert cooldown.ready("k") is True
    assert cooldown.ready("k") is False
    assert cooldown.ready("other") is True
    clock.now += 10
    assert cooldown.ready("k") is True
