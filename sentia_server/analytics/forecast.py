"""Forecasts of a monthly series by exponential smoothing (statsmodels' ETS state-space model), with prediction
intervals. A forecast is only made from enough real history; too little, or a series with no variation at all,
is refused with the reason rather than answered with a guess."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MIN_HISTORY_POINTS = 6
MAX_PERIODS = 24
SEASONAL_PERIOD = 12
"""Monthly seasonality is considered only when at least two full years of history exist."""


class ForecastRefused(ValueError):
    """The history does not support a forecast; the message says why."""


@dataclass(frozen=True)
class ForecastPoint:
    step: int
    """1 for the first period after the history."""
    mean: float
    lower: float
    upper: float


@dataclass(frozen=True)
class Forecast:
    method: str
    history_points: int
    confidence: float
    points: list[ForecastPoint]
    notes: list[str]


@dataclass(frozen=True)
class _Shape:
    """One exponential-smoothing model form: additive error, with a trend (damped or not) and maybe a season."""

    code: str
    description: str
    damped: bool
    seasonal: bool


HOLT = _Shape(
    "ETS(A,A,N)",
    "ETS(A,A,N): exponential smoothing with additive error and trend (Holt's linear method)",
    damped=False,
    seasonal=False,
)
DAMPED = _Shape(
    "ETS(A,Ad,N)",
    "ETS(A,Ad,N): exponential smoothing with additive error and a damped trend",
    damped=True,
    seasonal=False,
)
SEASONAL = _Shape(
    "ETS(A,A,A)",
    "ETS(A,A,A): exponential smoothing with additive error, trend and 12-month seasonality",
    damped=False,
    seasonal=True,
)
DAMPED_SEASONAL = _Shape(
    "ETS(A,Ad,A)",
    "ETS(A,Ad,A): exponential smoothing with additive error, a damped trend and 12-month seasonality",
    damped=True,
    seasonal=True,
)


def _shapes(points: int) -> list[_Shape]:
    """The forms worth fitting to `points` months: a season needs two full years to be estimated at all, and a
    damped trend has one more parameter, so a short history gets Holt's method alone."""
    if points < 2 * SEASONAL_PERIOD:
        return [HOLT, DAMPED] if points >= 12 else [HOLT]
    return [HOLT, DAMPED, SEASONAL, DAMPED_SEASONAL]


SMOOTHING_STARTS = ((0.1, 0.01, 0.01), (0.3, 0.05, 0.05))
"""Starting smoothing weights (level, trend, season) tried besides statsmodels' own. The likelihood of a seasonal
ETS has local optima, and which one L-BFGS-B reaches from a single start depends on the SciPy release (the backtests
saw a seasonal fit worse than the plain trend it contains); the best of a few starts does not."""


def _fit(ets_model: Any, series: Any, shape: _Shape) -> tuple[_Shape, Any]:
    """The maximum-likelihood fit of one form: the best of statsmodels' default start and `SMOOTHING_STARTS`."""
    model = ets_model(
        series,
        error="add",
        trend="add",
        damped_trend=shape.damped,
        seasonal="add" if shape.seasonal else None,
        seasonal_periods=SEASONAL_PERIOD if shape.seasonal else None,
    )
    names = list(model.param_names)
    fits = [model.fit(disp=False)]
    for weights in SMOOTHING_STARTS:
        start = list(model.start_params)
        for name, weight in zip(("smoothing_level", "smoothing_trend", "smoothing_seasonal"), weights, strict=True):
            if name in names:
                start[names.index(name)] = weight
        fits.append(model.fit(start_params=start, disp=False))
    return shape, max(fits, key=_log_likelihood)


def _log_likelihood(fitted: Any) -> float:
    value = float(fitted.llf)
    return value if math.isfinite(value) else -math.inf


def _criterion(candidate: tuple[_Shape, Any]) -> float:
    """The fit's AIC; one that is undefined never wins. Not AICc: with 24 to 35 months its small-sample penalty
    rejects a real 12-month season (the backtests show the forecast error tripling), while AIC still prefers the
    plain trend on a series without one."""
    value = float(candidate[1].aic)
    return value if math.isfinite(value) else math.inf


def _statsmodels() -> tuple[Any, Any]:
    """pandas and statsmodels' ETSModel, loaded when first needed (they take a second to import). Neither ships
    type information, so their results are checked and converted to floats here."""
    import pandas
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    return pandas, ETSModel


def ets_forecast(history: Sequence[float], periods: int, *, confidence: float = 0.95) -> Forecast:
    """Forecast `periods` steps after `history` (oldest first) with additive-error ETS: Holt's trend, a damped
    trend, and (from two full years of history) additive monthly seasonality are fitted, and the form with the
    lowest AIC (Akaike's information criterion) makes the forecast. The intervals are the model's own: they
    leave out the uncertainty of the fitted parameters, so on short histories they are narrower than they should be."""
    if not 1 <= periods <= MAX_PERIODS:
        raise ForecastRefused(f"periods must be between 1 and {MAX_PERIODS}, not {periods}")
    if not 0 < confidence < 1:
        raise ForecastRefused(f"confidence must be between 0 and 1, not {confidence}")
    values = [float(value) for value in history]
    if len(values) < MIN_HISTORY_POINTS:
        raise ForecastRefused(
            f"{len(values)} months of history; at least {MIN_HISTORY_POINTS} are needed to fit a trend"
        )
    if not all(math.isfinite(value) for value in values):
        raise ForecastRefused("the history contains a value that is not a finite number")
    if max(values) == min(values):
        raise ForecastRefused("the history has no variation at all, so no trend or error can be estimated")
    pandas, ets_model = _statsmodels()
    series = pandas.Series(values, dtype="float64")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        candidates = [_fit(ets_model, series, shape) for shape in _shapes(len(values))]
        shape, fitted = min(candidates, key=_criterion)
        prediction = fitted.get_prediction(start=len(values), end=len(values) + periods - 1)
        means = [float(value) for value in prediction.predicted_mean]
        bounds = prediction.pred_int(alpha=1 - confidence)
        lowers = [float(value) for value in bounds.iloc[:, 0]]
        uppers = [float(value) for value in bounds.iloc[:, 1]]
    notes = sorted({str(warning.message) for warning in caught if "converge" in str(warning.message).lower()})
    if not all(math.isfinite(value) for value in [*means, *lowers, *uppers]):
        raise ForecastRefused("the model could not be fitted to this history (its estimates are not finite)")
    if len(candidates) > 1:
        notes.append(f"chosen by AIC among {', '.join(candidate.code for candidate, _ in candidates)}")
    method = shape.description
    points = [
        ForecastPoint(step=index + 1, mean=mean, lower=lower, upper=upper)
        for index, (mean, lower, upper) in enumerate(zip(means, lowers, uppers, strict=True))
    ]
    return Forecast(
        method=f"{method}, fitted by maximum likelihood with statsmodels",
        history_points=len(values),
        confidence=confidence,
        points=points,
        notes=notes,
    )
