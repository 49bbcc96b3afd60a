"""Monthly series from dated values, and their forecast by exponential smoothing (`analytics.forecast`).

Dated values of any frequency are brought to calendar months: summed (sales, units, orders) or averaged (levels
and rates). A forecast is made from months only; a month inside the history without any value is refused for an
average (it cannot be 0), and months before the first value are not history.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field

from sentia_server.analytics.forecast import ForecastRefused, ets_forecast
from sentia_server.analytics.trend import linear_trend, month_of, months_between, shift_months
from sentia_server.tools.registry import ToolOutput

Aggregation = Literal["sum", "mean"]
CLIPPED = "lower bounds below 0 are shown as 0: the quantity cannot be negative"


class MonthValue(ToolOutput):
    month: str = Field(description="YYYY-MM")
    value: float


class ForecastMonth(ToolOutput):
    month: str = Field(description="YYYY-MM")
    value: float
    lower: float
    upper: float


class ForecastOut(ToolOutput):
    method: str
    history_points: int = Field(description="Months of history the model was fitted to.")
    confidence: float
    trend_per_month: float | None = Field(description="Least-squares slope of the history per month.")
    history: list[MonthValue]
    forecast: list[ForecastMonth]
    notes: list[str]


def monthly_series(
    points: Iterable[tuple[date, Decimal]], aggregation: Aggregation = "sum"
) -> list[tuple[date, Decimal]]:
    """One value per month from the first month with a value to the last."""
    values = list(points)
    if not values:
        return []
    first, last = min(day for day, _ in values), max(day for day, _ in values)
    totals: dict[date, Decimal] = {month: Decimal(0) for month in months_between(first, last)}
    counts: dict[date, int] = dict.fromkeys(totals, 0)
    for day, value in values:
        totals[month_of(day)] += value
        counts[month_of(day)] += 1
    if aggregation == "sum":
        return sorted(totals.items())
    empty = [month for month, count in counts.items() if count == 0]
    if empty:
        raise ForecastRefused(
            f"month {empty[0]:%Y-%m} has no value, and an average cannot be assumed; pass every month or use sum"
        )
    return sorted((month, totals[month] / counts[month]) for month in totals)


def forecast(
    series: list[tuple[date, Decimal]], periods: int, confidence: float, *, non_negative: bool = True
) -> ForecastOut:
    """`periods` months after the series; ForecastRefused (with the reason) when the history does not allow it."""
    model = ets_forecast([float(value) for _, value in series], periods, confidence=confidence)
    notes = list(model.notes)
    last = series[-1][0]
    months = []
    for point in model.points:
        lower = point.lower
        if non_negative and lower < 0:
            lower = 0.0
            if CLIPPED not in notes:
                notes.append(CLIPPED)
        months.append(
            ForecastMonth(
                month=f"{shift_months(last, point.step):%Y-%m}",
                value=round(point.mean, 2),
                lower=round(lower, 2),
                upper=round(point.upper, 2),
            )
        )
    trend = linear_trend([float(value) for _, value in series])
    return ForecastOut(
        method=model.method,
        history_points=model.history_points,
        confidence=model.confidence,
        trend_per_month=None if trend is None else round(trend.slope, 2),
        history=[MonthValue(month=f"{month:%Y-%m}", value=round(float(value), 2)) for month, value in series],
        forecast=months,
        notes=notes,
    )
