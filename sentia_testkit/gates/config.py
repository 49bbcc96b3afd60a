"""`[tool.sentia.gates]` in pyproject.toml. Loosening anything needs a reason, and every reason is printed."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

GATE_NAMES = ("tests", "coverage", "security", "dependencies", "lint", "container", "benchmarks", "load")


class ConfigError(Exception):
    """The gate configuration is invalid; the message names the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


COVERAGE_DEFAULTS = {"lines": 90.0, "functions": 85.0, "branches": 80.0, "statements": 90.0}
Percent = float


class CoverageOverride(_Section):
    """Different thresholds for one file (a path relative to the project root), always with a reason."""

    path: str
    reason: str = Field(min_length=10)
    lines: Percent | None = Field(default=None, ge=0, le=100)
    functions: Percent | None = Field(default=None, ge=0, le=100)
    branches: Percent | None = Field(default=None, ge=0, le=100)
    statements: Percent | None = Field(default=None, ge=0, le=100)


class CoverageConfig(_Section):
    report: str = "coverage.json"
    lines: Percent = Field(default=COVERAGE_DEFAULTS["lines"], ge=0, le=100)
    functions: Percent = Field(default=COVERAGE_DEFAULTS["functions"], ge=0, le=100)
    branches: Percent = Field(default=COVERAGE_DEFAULTS["branches"], ge=0, le=100)
    statements: Percent = Field(default=COVERAGE_DEFAULTS["statements"], ge=0, le=100)
    per_file: bool = True
    loosened_reason: str | None = None
    overrides: list[CoverageOverride] = Field(default_factory=list)

    @model_validator(mode="after")
    def _loosening_needs_a_reason(self) -> CoverageConfig:
        loosened = [name for name, default in COVERAGE_DEFAULTS.items() if getattr(self, name) < default]
        if (loosened or not self.per_file) and not self.loosened_reason:
            what = ", ".join(loosened) or "per_file = false"
            raise ValueError(f"coverage thresholds below the defaults ({what}) need loosened_reason")
        return self

    def loosenings(self) -> list[str]:
        notes = [
            f"global {name} threshold {getattr(self, name):g}% is below the default {default:g}%: "
            f"{self.loosened_reason}"
            for name, default in COVERAGE_DEFAULTS.items()
            if getattr(self, name) < default
        ]
        if not self.per_file:
            notes.append(f"per-file thresholds are off: {self.loosened_reason}")
        return notes


class TestsConfig(_Section):
    junit: str = "junit.xml"
    command: list[str] | None = Field(
        default=None,
        description="Runs the suite and writes junit.xml and coverage.json into {reports}; "
        "default: coverage run -m pytest, then coverage combine and coverage json.",
    )
    timeout_seconds: float = Field(default=3600, gt=0)


Level = Literal["low", "medium", "high"]


class SecurityConfig(_Section):
    report: str = "bandit.json"
    severity: Level = "medium"
    confidence: Level = "medium"
    exclude: list[str] = Field(default_factory=list)


class IgnoredVulnerability(_Section):
    id: str
    reason: str = Field(min_length=10)


class DependenciesConfig(_Section):
    report: str = "dependencies.json"
    advisory_db: str | None = Field(
        default=None, description="An OSV advisory directory (vulns/<package>/*.yaml) used when the live service fails."
    )
    ignore: list[IgnoredVulnerability] = Field(default_factory=list)
    requirements: list[str] = Field(
        default_factory=list, description="Audit these requirement files instead of the current environment."
    )


class LintConfig(_Section):
    ruff: bool = True
    ruff_format: bool = True
    mypy: bool = True
    ruff_paths: list[str] | None = Field(
        default=None, description="Paths for `ruff check` and `ruff format --check`; default: the project root."
    )
    mypy_args: list[str] = Field(default_factory=list, description="Extra mypy arguments, before the paths.")
    disabled_reason: str | None = Field(default=None, description="Why a tool is switched off; printed as a note.")

    @model_validator(mode="after")
    def _switching_off_needs_a_reason(self) -> LintConfig:
        off = self.switched_off()
        if off and len((self.disabled_reason or "").strip()) < 10:
            raise ValueError(f"switching off {', '.join(off)} needs disabled_reason (at least 10 characters)")
        return self

    def switched_off(self) -> list[str]:
        return [name for name in ("ruff", "ruff_format", "mypy") if not getattr(self, name)]


class ContainerConfig(_Section):
    dockerfiles: list[str] = Field(default_factory=lambda: ["Dockerfile"])
    workflows: str = ".github/workflows"
    hadolint_failure_threshold: Literal["error", "warning", "info", "style"] = "warning"
    loosened_reason: str | None = Field(
        default=None, description="Why no Dockerfile is checked, or why only hadolint errors fail the gate."
    )

    @model_validator(mode="after")
    def _loosening_needs_a_reason(self) -> ContainerConfig:
        loosened = self.loosenings()
        if loosened and len((self.loosened_reason or "").strip()) < 10:
            raise ValueError(f"{'; '.join(loosened)} needs loosened_reason (at least 10 characters)")
        return self

    def loosenings(self) -> list[str]:
        found: list[str] = []
        if not self.dockerfiles:
            found.append("dockerfiles = [] (no Dockerfile is checked)")
        if self.hadolint_failure_threshold == "error":
            found.append("hadolint_failure_threshold = error (warnings do not fail)")
        return found


class BenchmarksConfig(_Section):
    report: str = "benchmarks.json"
    baseline: str = Field(
        default="benchmarks/baseline.json",
        description="A pytest-benchmark JSON report committed to the repository, relative to the project root.",
    )
    command: list[str] | None = Field(
        default=None,
        description="Runs the benchmarks once and writes pytest-benchmark's JSON to {report} ({reports} is replaced "
        "too). Default: python -m pytest benchmarks --benchmark-only --benchmark-json={report} with steady rounds.",
    )
    runs: int = Field(
        default=5,
        ge=1,
        le=20,
        description="Processes the benchmarks run in, one after another; the fastest run's median counts, because "
        "a process's memory layout alone, or a burst of load, can slow a median by a third.",
    )
    confirm_runs: int = Field(
        default=3,
        ge=0,
        le=20,
        description="Further processes, each re-measuring only the benchmarks still beyond the tolerance (and the "
        "reference), until none is; a burst of load during the first runs passes, a real slowdown holds in every one.",
    )
    timeout_seconds: float = Field(default=1800, gt=0, description="For each run.")
    reference: str | None = Field(
        default=None,
        description="Name of a benchmark of fixed work measured in the same run; every median is divided by its "
        "median, so the comparison holds on a faster or slower machine.",
    )
    tolerance: float = Field(default=0.5, gt=0, le=5, description="Allowed slowdown of a normalised median.")


class LoadConfig(_Section):
    stats_csv: str = Field(
        default="load_stats.csv", description="Locust's PREFIX_stats.csv (from --csv PREFIX), relative to {reports}."
    )
    command: list[str] | None = Field(
        default=None,
        description="Runs the load test against a running server and writes the stats CSV; {reports} is replaced. "
        "Default: none (the CSV of an earlier run is judged).",
    )
    timeout_seconds: float = Field(default=1800, gt=0)
    max_failure_ratio: float = Field(default=0.01, ge=0, le=1)
    max_p95_ms: float = Field(default=1000, gt=0)
    min_requests: int = Field(default=1, ge=1)


class GatesConfig(_Section):
    reports_dir: str = "reports"
    paths: list[str] = Field(default_factory=list, description="Source packages the analyzers look at.")
    tolerate_unavailable: dict[str, str] = Field(default_factory=dict)
    tests: TestsConfig = Field(default_factory=TestsConfig)
    coverage: CoverageConfig = Field(default_factory=CoverageConfig)
    security: SecurityConfig = Field(default_factory=SecurityConfig)
    dependencies: DependenciesConfig = Field(default_factory=DependenciesConfig)
    lint: LintConfig = Field(default_factory=LintConfig)
    container: ContainerConfig = Field(default_factory=ContainerConfig)
    benchmarks: BenchmarksConfig = Field(default_factory=BenchmarksConfig)
    load: LoadConfig = Field(default_factory=LoadConfig)

    @model_validator(mode="after")
    def _tolerances_name_gates_and_reasons(self) -> GatesConfig:
        for gate, reason in self.tolerate_unavailable.items():
            if gate not in GATE_NAMES:
                raise ValueError(f"tolerate_unavailable names an unknown gate {gate!r}; gates: {', '.join(GATE_NAMES)}")
            if len(reason.strip()) < 10:
                raise ValueError(f"tolerate_unavailable.{gate} needs a reason of at least 10 characters")
        return self


ADVISORY_DB_ENV = "SENTIA_GATES_ADVISORY_DB"


def load_config(pyproject: Path) -> GatesConfig:
    """The gates section of `pyproject`, or the defaults when there is none. The environment variable
    SENTIA_GATES_ADVISORY_DB, when set, names the offline advisory database instead (machines keep it in
    different places)."""
    try:
        data = tomllib.loads(pyproject.read_text()) if pyproject.is_file() else {}
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{pyproject}: {error}") from None
    section = data.get("tool", {}).get("sentia", {}).get("gates", {})
    try:
        config = GatesConfig.model_validate(section)
    except ValidationError as error:
        problems = [
            f"[tool.sentia.gates{''.join(f'.{part}' for part in detail['loc'])}]: {detail['msg']}"
            for detail in error.errors(include_url=False, include_input=False)
        ]
        raise ConfigError(f"{pyproject}: " + "; ".join(problems)) from None
    if advisory_db := os.environ.get(ADVISORY_DB_ENV):
        config.dependencies.advisory_db = advisory_db
    return config
