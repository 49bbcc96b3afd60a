"""The named load shapes: the (users, spawn rate) each asks for over time, and picking one by name."""

from __future__ import annotations

import time

import pytest
from locust.util.load_locustfile import is_shape_class

from sentia_testkit.load import SHAPES, Stage, StagedShape, select_shape
from sentia_testkit.load.select import UnknownProfile
from sentia_testkit.load.shapes import SmokeShape, SpikeShape, StepShape, StressShape


def ticks(shape: StagedShape, seconds: list[float]) -> list[tuple[int, float] | None]:
    return [shape.at(second) for second in seconds]


def test_the_six_profiles_are_named():
    assert list(SHAPES) == ["smoke", "steady", "step", "spike", "stress", "soak"]
    assert all(shape.description for shape in SHAPES.values())


@pytest.mark.parametrize(
    ("name", "users", "duration"),
    [
        ("smoke", 10, 40),
        ("steady", 50, 600),
        ("step", 100, 300),
        ("spike", 20, 180),
        ("stress", 1000, 420),
        ("soak", 50, 3600),
    ],
)
def test_each_profile_runs_for_its_duration_then_stops(name: str, users: int, duration: float):
    shape = SHAPES[name]()
    first = shape.at(0)
    assert first is not None and first[1] > 0
    assert shape.at(duration - 0.01) is not None
    assert shape.at(duration) is None
    assert shape.users == users


def test_smoke_holds_ten_users_for_forty_seconds():
    assert ticks(SmokeShape(), [0, 20, 39.9, 40]) == [(10, 10.0), (10, 10.0), (10, 10.0), None]


def test_step_climbs_in_five_equal_steps():
    assert ticks(StepShape(), [0, 59, 60, 120, 180, 240, 299, 300]) == [
        (20, 10.0),
        (20, 10.0),
        (40, 10.0),
        (60, 10.0),
        (80, 10.0),
        (100, 10.0),
        (100, 10.0),
        None,
    ]


def test_spike_bursts_to_two_hundred_in_five_seconds_and_falls_back():
    assert ticks(SpikeShape(), [0, 59, 60, 119, 120, 179, 180]) == [
        (20, 10.0),
        (20, 10.0),
        (200, 40.0),
        (200, 40.0),
        (20, 40.0),
        (20, 40.0),
        None,
    ]


def test_stress_ramps_linearly_to_a_thousand_users():
    users, rate = StressShape().at(0) or (0, 0.0)
    assert users == 1000
    assert users / rate == pytest.approx(300)
    assert StressShape().at(419) == (1000, pytest.approx(1000 / 300))


def test_tick_follows_the_time_since_the_shape_started():
    shape = SmokeShape()
    assert shape.tick() == (10, 10.0)
    shape.start_time = time.perf_counter() - 41
    assert shape.tick() is None
    shape.reset_time()
    assert shape.tick() == (10, 10.0)


def test_a_subclass_resizes_a_profile():
    class ShortStep(StepShape):
        users = 9
        steps = 3
        duration = 6.0

    assert ShortStep().stages() == [Stage(2.0, 3, 10.0), Stage(4.0, 6, 10.0), Stage(6.0, 9, 10.0)]


def test_select_shape_defaults_to_smoke_and_is_a_shape_locust_runs():
    shape = select_shape(environ={})
    assert issubclass(shape, SmokeShape)
    assert is_shape_class(shape)
    assert not is_shape_class(StagedShape)


def test_select_shape_reads_the_profile_and_its_size_from_the_environment():
    shape = select_shape(
        environ={
            "SENTIA_LOAD_PROFILE": "spike",
            "SENTIA_LOAD_DURATION": "9",
            "SENTIA_LOAD_SPIKE_USERS": "30",
            "SENTIA_LOAD_RAMP": "5",
        }
    )
    assert issubclass(shape, SpikeShape)
    assert not hasattr(shape, "ramp")
    assert ticks(shape(), [0, 3, 6, 9]) == [(20, 10.0), (30, 10.0), (20, 10.0), None]


def test_an_explicit_name_wins_over_the_environment():
    assert issubclass(select_shape("stress", environ={"SENTIA_LOAD_PROFILE": "soak"}), StressShape)


def test_the_stress_ramp_can_be_shortened():
    shape = select_shape("stress", environ={"SENTIA_LOAD_USERS": "40", "SENTIA_LOAD_RAMP": "4"})
    assert shape().at(0) == (40, 10.0)


def test_an_unknown_profile_names_the_known_ones():
    with pytest.raises(UnknownProfile, match=r"unknown load profile 'burst'; profiles: smoke, steady, step, spike"):
        select_shape("burst", environ={})


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SENTIA_LOAD_USERS", "ten", r"SENTIA_LOAD_USERS='ten' is not a whole number"),
        ("SENTIA_LOAD_DURATION", "0", r"SENTIA_LOAD_DURATION='0' must be a positive number"),
        ("SENTIA_LOAD_SPAWN_RATE", "nan", r"SENTIA_LOAD_SPAWN_RATE='nan' must be a positive number"),
    ],
)
def test_a_bad_size_is_refused_with_the_variable_named(variable: str, value: str, message: str):
    with pytest.raises(ValueError, match=message):
        select_shape("smoke", environ={variable: value})
