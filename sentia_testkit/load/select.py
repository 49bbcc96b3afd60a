"""Pick a load shape by name, resized by `SENTIA_LOAD_*` variables, so one locustfile serves every profile."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

from sentia_testkit.load.shapes import SHAPES, StagedShape

PROFILE_ENV = "SENTIA_LOAD_PROFILE"
DEFAULT_PROFILE = "smoke"
# The attributes a variable may override, e.g. SENTIA_LOAD_DURATION=20 or SENTIA_LOAD_USERS=5.
OVERRIDABLE: dict[str, type[int] | type[float]] = {
    "users": int,
    "spawn_rate": float,
    "duration": float,
    "steps": int,
    "spike_users": int,
    "ramp": float,
}


class UnknownProfile(ValueError):
    """A profile name that is not one of SHAPES."""


def select_shape(name: str | None = None, environ: Mapping[str, str] | None = None) -> type[StagedShape]:
    """The shape class for `name` (default: $SENTIA_LOAD_PROFILE, else smoke), with the attributes that
    `SENTIA_LOAD_<ATTRIBUTE>` variables set. Assign the result to one name in the locustfile: Locust runs the
    shape classes it finds there."""
    environ = os.environ if environ is None else environ
    name = name or environ.get(PROFILE_ENV) or DEFAULT_PROFILE
    try:
        base = SHAPES[name]
    except KeyError:
        raise UnknownProfile(f"unknown load profile {name!r}; profiles: {', '.join(SHAPES)}") from None
    overrides = {
        attribute: _positive(f"SENTIA_LOAD_{attribute.upper()}", environ[f"SENTIA_LOAD_{attribute.upper()}"], kind)
        for attribute, kind in OVERRIDABLE.items()
        if hasattr(base, attribute) and environ.get(f"SENTIA_LOAD_{attribute.upper()}")
    }
    return type(base.__name__, (base,), {**overrides, "__module__": base.__module__})


def _positive(variable: str, text: str, kind: type[int] | type[float]) -> int | float:
    try:
        value = kind(text)
    except ValueError:
        expected = "a whole number" if kind is int else "a number"
        raise ValueError(f"{variable}={text!r} is not {expected}") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{variable}={text!r} must be a positive number")
    return value
