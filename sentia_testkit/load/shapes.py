"""Named load shapes (smoke, steady, step, spike, stress, soak) as Locust `LoadTestShape` subclasses.

Every shape is a list of stages computed from a few class attributes (`users`, `duration`, `spawn_rate`...), so a
subclass, or `select_shape` with `SENTIA_LOAD_*` variables, can make a shorter or larger run of the same form.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import ClassVar

from locust import LoadTestShape

Tick = tuple[int, float]


@dataclass(frozen=True)
class Stage:
    """Until `end` seconds into the run, hold `users` users, starting or stopping `spawn_rate` of them a second."""

    end: float
    users: int
    spawn_rate: float


class StagedShape(LoadTestShape):
    """A shape made of consecutive stages; the run stops after the last one."""

    abstract: ClassVar[bool] = True
    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    users: ClassVar[int] = 10
    spawn_rate: ClassVar[float] = 10.0
    duration: ClassVar[float] = 60.0
    """Seconds, every stage included."""

    def stages(self) -> list[Stage]:
        return [Stage(self.duration, self.users, self.spawn_rate)]

    def at(self, seconds: float) -> Tick | None:
        """What the shape asks for `seconds` into the run: (users, spawn rate), or None once it is over."""
        for stage in self.stages():
            if seconds < stage.end:
                return stage.users, stage.spawn_rate
        return None

    def tick(self) -> Tick | None:
        return self.at(time.perf_counter() - self.start_time)


class SmokeShape(StagedShape):
    name = "smoke"
    description = "a few users for well under a minute: does every request work at all?"
    users = 10
    spawn_rate = 10.0
    duration = 40.0


class SteadyShape(StagedShape):
    name = "steady"
    description = "the expected daily load, held long enough for stable percentiles"
    users = 50
    spawn_rate = 5.0
    duration = 600.0


class StepShape(StagedShape):
    name = "step"
    description = "`users` reached in `steps` equal steps, each held duration/steps: where does latency bend?"
    users = 100
    spawn_rate = 10.0
    duration = 300.0
    steps: ClassVar[int] = 5

    def stages(self) -> list[Stage]:
        length = self.duration / self.steps
        return [
            Stage(length * step, round(self.users * step / self.steps), self.spawn_rate)
            for step in range(1, self.steps + 1)
        ]


class SpikeShape(StagedShape):
    name = "spike"
    description = "a baseline, a sudden burst to `spike_users` in about five seconds, and the baseline again"
    users = 20
    spawn_rate = 10.0
    duration = 180.0
    spike_users: ClassVar[int] = 200

    def stages(self) -> list[Stage]:
        third = self.duration / 3
        burst_rate = max(self.spike_users / 5, self.spawn_rate)
        return [
            Stage(third, self.users, self.spawn_rate),
            Stage(2 * third, self.spike_users, burst_rate),
            Stage(self.duration, self.users, burst_rate),
        ]


class StressShape(StagedShape):
    name = "stress"
    description = "a linear ramp to 1000 concurrent users over `ramp` seconds, then held to the end"
    users = 1000
    duration = 420.0
    ramp: ClassVar[float] = 300.0

    def stages(self) -> list[Stage]:
        return [Stage(self.duration, self.users, self.users / self.ramp)]


class SoakShape(StagedShape):
    name = "soak"
    description = "a moderate load held for an hour: memory, connections and caches must stay flat"
    users = 50
    spawn_rate = 5.0
    duration = 3600.0


SHAPES: dict[str, type[StagedShape]] = {
    shape.name: shape for shape in (SmokeShape, SteadyShape, StepShape, SpikeShape, StressShape, SoakShape)
}
