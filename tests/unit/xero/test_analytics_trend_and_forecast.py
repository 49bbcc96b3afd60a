"""Monthly series, the straight-line trend, and ETS forecasts that continue the history's trend."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest

from sentia_server.analytics.forecast import MIN_HISTORY_POINTS, ForecastRefused, ets_forecast
from sentia_server.analytics.trend import linear_trend, monthly_totals, months_between, shift_months


def test_monthly_totals_fill_empty_months_with_zero_and_ignore_dates_outside():
    entries = [
        (date(2026, 1, 5), Decimal(10)),
        (date(2026, 1, 31), Decimal(5)),
        (date(2026, 3, 1), Decimal(7)),
        (date(2025, 12, 31), Decimal(100)),
    ]
    assert monthly_totals(entries, date(2026, 1, 1), date(2026, 3, 31)) == [
        (date(2026, 1, 1), Decimal(15)),
        (date(2026, 2, 1), Decimal(0)),
        (date(2026, 3, 1), Decimal(7)),
    ]


def test_months_cross_year_ends_in_both_directions():
    assert months_between(date(2025, 11, 20), date(2026, 1, 3)) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
    ]
    assert shift_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert shift_months(date(2026, 11, 1), 14) == date(2028, 1, 1)


def test_linear_trend_of_a_straight_line_is_exact():
    trend = linear_trend([3.0, 5.0, 7.0, 9.0])
    assert trend is not None
    assert (trend.slope, trend.intercept) == (2.0, 3.0)
    assert linear_trend([1.0]) is None


def test_a_series_with_a_known_linear_trend_is_continued():
    wiggle = [0.4, -0.3, 0.2, -0.4, 0.3, -0.1, 0.1, -0.2, 0.3, -0.3, 0.2, -0.2]
    history = [1000.0 + 50.0 * month + wiggle[month] for month in range(12)]
    forecast = ets_forecast(history, 3)
    assert forecast.history_points == 12
    assert "ETS(A,A,N)" in forecast.method
    # The line 1000 + 50 x month continues: months 12, 13, 14 are about 1600, 1650, 1700.
    for point, expected in zip(forecast.points, (1600.0, 1650.0, 1700.0), strict=True):
        assert math.isclose(point.mean, expected, abs_tol=5.0)
        assert point.lower < point.mean < point.upper
    assert [point.step for point in forecast.points] == [1, 2, 3]


def test_two_years_of_history_add_monthly_seasonality():
    history = [2000.0 + 10 * month + (600.0 if month % 12 == 11 else 0.0) + (month % 3) for month in range(26)]
    forecast = ets_forecast(history, 12, confidence=0.8)
    assert "12-month seasonality" in forecast.method
    assert forecast.confidence == 0.8
    december = forecast.points[9]  # month 35 is a December (month % 12 == 11)
    november = forecast.points[8]
    assert december.mean > november.mean + 300


@pytest.mark.parametrize(
    ("history", "periods", "confidence", "message"),
    [
        ([1.0, 2.0, 3.0, 4.0, 5.0], 3, 0.95, f"5 months of history; at least {MIN_HISTORY_POINTS} are needed"),
        ([5.0] * 12, 3, 0.95, "no variation at all"),
        ([1.0, 2.0, 3.0, 4.0, 5.0, float("nan")], 3, 0.95, "not a finite number"),
        ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 0, 0.95, "periods must be between 1 and 24"),
        ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 25, 0.95, "periods must be between 1 and 24"),
        ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 3, 1.0, "confidence must be between 0 and 1"),
    ],
)
def test_a_forecast_is_refused_with_the_reason(history, periods, confidence, message):
    with pytest.raises(ForecastRefused, match=message):
        ets_forecast(history, periods, confidence=confidence)


class _Bounds:
    def __init__(self, value: float) -> None:
        self.iloc = self
        self.value = value

    def __getitem__(self, key: object) -> list[float]:
        return [self.value]


class _Model:
    """Stands in for ETSModel to produce what a real fit can: a convergence warning, or estimates that are not
    finite."""

    mean = 0.0

    def __init__(self, series: object, **options: object) -> None:
        self.options = options
        # An undefined criterion for the damped form, as a fit with too many parameters for its history gives.
        self.aic = float("nan") if options.get("damped_trend") else 100.0
        self.llf = float("nan") if options.get("damped_trend") else -48.0
        self.param_names = ["smoothing_level", "smoothing_trend", "initial_level", "initial_trend"]
        self.start_params = [0.5, 0.05, 1.0, 1.0]
        self.starts: list[object] = []

    def fit(self, disp: bool, start_params: object = None) -> _Model:
        self.starts.append(start_params)
        import warnings

        warnings.warn("Maximum Likelihood optimization failed to converge. Check mle_retvals", stacklevel=1)
        return self

    def get_prediction(self, start: int, end: int) -> _Model:
        return self

    @property
    def predicted_mean(self) -> list[float]:
        return [self.mean]

    def pred_int(self, alpha: float) -> _Bounds:
        return _Bounds(self.mean)


def test_fit_warnings_are_reported_and_non_finite_estimates_refused(monkeypatch):
    import pandas

    from sentia_server.analytics import forecast as module

    monkeypatch.setattr(module, "_statsmodels", lambda: (pandas, _Model))
    history = [1.0, 2.0, 3.0, 5.0, 8.0, 13.0]
    _Model.mean = 21.0
    result = ets_forecast(history, 1)
    assert result.notes == ["Maximum Likelihood optimization failed to converge. Check mle_retvals"]
    assert (result.points[0].mean, result.points[0].lower, result.points[0].upper) == (21.0, 21.0, 21.0)
    _Model.mean = float("inf")
    with pytest.raises(ForecastRefused, match="could not be fitted to this history"):
        ets_forecast(history, 1)


def test_a_form_whose_criterion_is_undefined_never_wins(monkeypatch):
    import pandas

    from sentia_server.analytics import forecast as module

    monkeypatch.setattr(module, "_statsmodels", lambda: (pandas, _Model))
    _Model.mean = 21.0
    result = ets_forecast([float(value) for value in range(1, 15)], 1)
    assert result.method.startswith("ETS(A,A,N)")
    assert "chosen by AIC among ETS(A,A,N), ETS(A,Ad,N)" in result.notes


def test_each_form_is_fitted_from_several_starts_and_the_most_likely_fit_kept(monkeypatch):
    import pandas

    from sentia_server.analytics import forecast as module

    made: list[_Model] = []

    class Recording(_Model):
        def __init__(self, series: object, **options: object) -> None:
            super().__init__(series, **options)
            made.append(self)

    monkeypatch.setattr(module, "_statsmodels", lambda: (pandas, Recording))
    Recording.mean = 21.0
    ets_forecast([float(value) for value in range(1, 15)], 1)
    holt = next(model for model in made if not model.options.get("damped_trend"))
    # statsmodels' own start, then each of SMOOTHING_STARTS on the weights this form has (no seasonal weight here).
    assert holt.starts == [None, [0.1, 0.01, 1.0, 1.0], [0.3, 0.05, 1.0, 1.0]]
