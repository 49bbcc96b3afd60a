"""Backtests of `ets_forecast` on series of known structure: hold out the last periods, forecast them, and check
the forecast beats the naive baseline a planner would otherwise use and that its intervals cover the outcomes.

Each series is seeded, so the numbers are the same on every run; each check is over several seeds, so it judges
the method rather than one lucky draw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

from sentia_server.analytics.forecast import ets_forecast

SEEDS = range(8)
Series = Callable[[int], np.ndarray]


def trend(length: int) -> Series:
    """Monthly sales growing by 25 units a month from 1000, with noise of standard deviation 30."""

    def build(seed: int) -> np.ndarray:
        months = np.arange(length)
        return 1000 + 25 * months + np.random.default_rng(seed).normal(0, 30, length)

    return build


def seasonal_trend(length: int) -> Series:
    """Growth of 15 a month from 2000, a 12-month cycle of amplitude 300 (a Christmas peak), noise of 40."""

    def build(seed: int) -> np.ndarray:
        months = np.arange(length)
        cycle = 300 * np.sin(2 * np.pi * months / 12)
        return 2000 + 15 * months + cycle + np.random.default_rng(seed).normal(0, 40, length)

    return build


@dataclass(frozen=True)
class Backtest:
    method: str
    forecast_mae: float
    naive_mae: float
    forecast_mase: float
    naive_mase: float
    coverage: float


def backtest(series: np.ndarray, horizon: int, season: int, confidence: float = 0.95) -> Backtest:
    """Forecast the last `horizon` points from the others. The naive baseline repeats the last value (season 1) or
    the last season's values; MASE scales errors by the in-sample error of the one-season-back forecast."""
    history, actual = series[:-horizon], series[-horizon:]
    forecast = ets_forecast(list(history), horizon, confidence=confidence)
    mean = np.array([point.mean for point in forecast.points])
    lower = np.array([point.lower for point in forecast.points])
    upper = np.array([point.upper for point in forecast.points])
    naive = np.resize(history[-season:], horizon)
    scale = np.mean(np.abs(history[season:] - history[:-season]))
    forecast_mae, naive_mae = float(np.mean(np.abs(mean - actual))), float(np.mean(np.abs(naive - actual)))
    return Backtest(
        method=forecast.method,
        forecast_mae=forecast_mae,
        naive_mae=naive_mae,
        forecast_mase=forecast_mae / scale,
        naive_mase=naive_mae / scale,
        coverage=float(np.mean((lower <= actual) & (actual <= upper))),
    )


@pytest.mark.parametrize(
    ("series", "horizon", "season", "methods", "least_coverage"),
    [
        pytest.param(trend(24), 6, 1, {"ETS(A,A,N)", "ETS(A,Ad,N)"}, 0.7, id="trend, 18 months of history"),
        pytest.param(trend(36), 6, 1, {"ETS(A,A,N)", "ETS(A,Ad,N)"}, 0.7, id="trend, 30 months, no season"),
        pytest.param(seasonal_trend(30), 6, 12, {"ETS(A,A,A)", "ETS(A,Ad,A)"}, 0.5, id="trend and season, 24 months"),
        pytest.param(seasonal_trend(48), 12, 12, {"ETS(A,A,A)"}, 0.7, id="trend and 12-month season, 36 months"),
    ],
)
@pytest.mark.timeout(600)  # eight seeds of a dozen statsmodels fits each: over the default 120 s on a slow machine
def test_the_forecast_beats_the_naive_baseline_and_its_intervals_cover_most_outcomes(
    series, horizon, season, methods, least_coverage
):
    """The form chosen is the series' own (no season is invented, a real one is found), and the 95% intervals
    cover most held-out points (fewer on two years of history, where they leave out parameter uncertainty)."""
    results = [backtest(series(seed), horizon, season) for seed in SEEDS]
    assert {result.method.split(":")[0] for result in results} <= methods
    forecast_mae = np.mean([result.forecast_mae for result in results])
    naive_mae = np.mean([result.naive_mae for result in results])
    assert forecast_mae < 0.6 * naive_mae, (forecast_mae, naive_mae)
    assert np.mean([result.forecast_mase for result in results]) < np.mean([result.naive_mase for result in results])
    wins = sum(result.forecast_mae < result.naive_mae for result in results)
    assert wins >= len(results) - 1, f"the forecast lost to the naive baseline on {len(results) - wins} series"
    coverage = np.mean([result.coverage for result in results])
    assert coverage >= least_coverage, f"95% intervals covered {coverage:.0%} of held-out points"


def test_a_trend_is_continued_not_flattened():
    """On a noiseless straight line, every forecast point continues the line."""
    line = [500 + 40 * month for month in range(18)]
    wobble = [value + (3 if month % 2 else -3) for month, value in enumerate(line)]
    forecast = ets_forecast(wobble, 6)
    expected = [500 + 40 * month for month in range(18, 24)]
    assert [point.mean for point in forecast.points] == pytest.approx(expected, abs=15)


def test_wider_confidence_gives_wider_intervals_around_the_same_forecast():
    series = list(seasonal_trend(36)(3))
    narrow, wide = ets_forecast(series, 6, confidence=0.8), ets_forecast(series, 6, confidence=0.99)
    for low, high in zip(narrow.points, wide.points, strict=True):
        assert low.mean == pytest.approx(high.mean)
        assert high.lower < low.lower < low.mean < low.upper < high.upper
