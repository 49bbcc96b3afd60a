"""The figures modules on edge cases: undefined ratios, empty and irregular series, degenerate statistics, named
periods. The integration tests cover the ordinary paths through the tools."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sentia_server.ai import periods
from sentia_server.ai.figures import stats
from sentia_server.ai.figures.competition import CompanyIn, competition_figures
from sentia_server.ai.figures.content import content_figures, word_range
from sentia_server.ai.figures.financial import Statements, _divide, financial_figures, growth
from sentia_server.ai.figures.inventory import DemandItem, Policy, inventory_figures
from sentia_server.ai.figures.planning import planning_figures
from sentia_server.ai.figures.sales import sales_figures
from sentia_server.ai.figures.timeseries import forecast, monthly_series
from sentia_server.analytics.forecast import ForecastRefused

# financial


def test_zero_denominators_leave_ratios_undefined_and_say_so():
    figures = financial_figures(
        Statements(
            currency="GBP",
            period_days=30,
            revenue=Decimal(0),
            gross_profit=Decimal(0),
            net_profit=Decimal(-5),
            current_assets=Decimal(10),
            current_liabilities=Decimal(0),
            inventory=Decimal(1),
            receivables=Decimal(1),
            payables=Decimal(1),
            cost_of_sales=Decimal(0),
            cash=Decimal(1),
            total_liabilities=Decimal(1),
            equity=Decimal(0),
        )
    )
    assert figures.ratios.gross_margin is None and figures.ratios.current_ratio is None
    assert "gross_margin: undefined (a denominator is zero or revenue is not positive)" in figures.not_computed
    assert "debt_to_equity: undefined (a denominator is zero or revenue is not positive)" in figures.not_computed
    assert any(line.startswith("cash_conversion_cycle: revenue over the period is 0") for line in figures.not_computed)
    assert figures.statements.gross_profit == 0.0


def test_a_division_with_an_unknown_side_is_unknown():
    assert _divide(None, Decimal(1)) is None and _divide(Decimal(1), None) is None
    assert _divide(Decimal(1), Decimal(4)) == Decimal("0.25")


def test_growth_skips_changes_from_zero():
    from sentia_server.ai.figures.financial import PeriodResult

    result = growth(
        [
            PeriodResult(period_end=date(2026, 2, 28), revenue=Decimal(0)),
            PeriodResult(period_end=date(2026, 1, 31), revenue=Decimal(10)),
            PeriodResult(period_end=date(2026, 3, 31), revenue=Decimal(5)),
        ]
    )
    assert result.revenue_growth == [-1.0, None]
    assert result.average_revenue_growth == -1.0
    assert result.net_margin_by_period == [None, None, None]


# time series and periods


def test_monthly_series_sum_and_mean():
    points = [(date(2026, 1, 5), Decimal(2)), (date(2026, 1, 20), Decimal(4)), (date(2026, 3, 1), Decimal(6))]
    assert monthly_series(points) == [
        (date(2026, 1, 1), Decimal(6)),
        (date(2026, 2, 1), Decimal(0)),
        (date(2026, 3, 1), Decimal(6)),
    ]
    with pytest.raises(ForecastRefused, match="month 2026-02 has no value, and an average cannot be assumed"):
        monthly_series(points, "mean")
    assert monthly_series(points[:2], "mean") == [(date(2026, 1, 1), Decimal(3))]
    assert monthly_series([]) == []


def test_a_forecast_never_shows_a_negative_lower_bound_for_a_quantity():
    series = [(date(2025, month, 1), Decimal(value)) for month, value in enumerate([5, 1, 6, 0, 7, 1, 8, 0], 1)]
    result = forecast(series, 3, 0.99)
    assert all(point.lower >= 0 for point in result.forecast)
    assert result.notes.count("lower bounds below 0 are shown as 0: the quantity cannot be negative") == 1
    signed = forecast(series, 3, 0.99, non_negative=False)
    assert any(point.lower < 0 for point in signed.forecast)


@pytest.mark.parametrize(
    ("name", "today", "expected"),
    [
        ("current_month", date(2026, 4, 10), (date(2026, 4, 1), date(2026, 4, 9))),
        ("current_month", date(2026, 4, 1), (date(2026, 4, 1), date(2026, 4, 1))),
        ("last_month", date(2026, 1, 10), (date(2025, 12, 1), date(2025, 12, 31))),
        ("current_quarter", date(2026, 5, 20), (date(2026, 4, 1), date(2026, 5, 19))),
        ("last_quarter", date(2026, 2, 3), (date(2025, 10, 1), date(2025, 12, 31))),
        ("ytd", date(2026, 1, 1), (date(2026, 1, 1), date(2026, 1, 1))),
        ("ytd", date(2026, 6, 1), (date(2026, 1, 1), date(2026, 5, 31))),
        ("last_year", date(2026, 6, 1), (date(2025, 1, 1), date(2025, 12, 31))),
    ],
)
def test_named_periods(name, today, expected):
    assert periods.named_period(name, today) == expected


def test_custom_periods_need_dates_and_other_periods():
    with pytest.raises(ValueError, match="a custom period needs date_from and date_to"):
        periods.named_period("custom", date(2026, 1, 1))
    assert periods.previous_period(date(2026, 3, 1), date(2026, 3, 10)) == (date(2026, 2, 19), date(2026, 2, 28))
    assert periods.last_days(7, date(2026, 3, 10)) == (date(2026, 3, 3), date(2026, 3, 9))
    assert periods.full_months_before(date(2026, 3, 10), 2) == (date(2026, 1, 1), date(2026, 2, 28))
    assert isinstance(periods.utc_today(), date)


# statistics


def test_csv_cells_become_numbers_text_or_blanks():
    rows = stats.parse_csv("a,b,c\n1,2.5,x\n,1e3,y\n")
    assert rows == [{"a": 1, "b": 2.5, "c": "x"}, {"a": None, "b": 1000.0, "c": "y"}]
    with pytest.raises(stats.TableError, match="the CSV has no header line"):
        stats.parse_csv("")


def test_columns_that_cannot_be_used_are_named():
    rows = [{"a": None, "b": True}, {"a": None, "b": 1}]
    with pytest.raises(stats.TableError, match="column 'a' has no values"):
        stats.numeric_column(rows, "a")
    with pytest.raises(stats.TableError, match="column 'b' is not numeric"):
        stats.numeric_column(rows, "b")
    assert stats.numeric_columns(rows) == []


def test_degenerate_statistics_are_none_not_errors():
    single = stats.summary("x", [5.0, None])
    assert (single.count, single.missing, single.std_dev, single.q1, single.q3) == (1, 1, None, 5.0, 5.0)
    flat = stats.correlation("a", [1.0, 1.0, 1.0], "b", [1.0, 2.0, 3.0], 0.95)
    assert (flat.pearson_r, flat.confidence_low) == (None, None)
    three = stats.correlation("a", [1.0, 2.0, 3.0], "b", [2.0, 4.0, 5.0], 0.95)
    assert three.pearson_r is not None and three.confidence_low is None
    short = stats.trend("x", [1.0], None)
    assert (short.slope, short.r_squared) == (None, None)
    level = stats.trend("x", [3.0, 3.0, 3.0], None)
    assert (level.slope, level.r_squared, level.per) == (0.0, None, "row")
    assert stats.anomalies("x", [2.0, 2.0, 2.0]) == []


def test_a_regression_needs_more_rows_than_predictors():
    with pytest.raises(stats.TableError, match="2 complete rows for 1 predictors"):
        stats.regression("y", [1.0, 2.0, None], {"x": [1.0, 2.0, 3.0]})
    flat = stats.regression("y", [1.0, 1.0, 1.0, 1.0], {"x": [1.0, 2.0, 3.0, 4.0]})
    assert flat.r_squared is None and flat.rmse == 0.0


def test_groups_and_patterns_skip_blanks():
    rows = [{"g": "a"}, {"g": "a"}, {"g": "b"}]
    result = stats.groups(rows, "g", {"v": [1.0, None, None]})
    assert [(g.group, g.means["v"], g.totals["v"]) for g in result] == [("a", 1.0, 1.0), ("b", None, 0.0)]
    days = [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)]
    pattern = stats.pattern("v", [1.0, None, 5.0], days)
    assert (pattern.strongest_weekday, pattern.weakest_weekday) == ("Wednesday", "Monday")


# the rest


def test_inventory_with_one_day_and_a_reorder_now():
    item = DemandItem("A", None, on_hand=1, daily_demand=[4.0], unit_cost=None, lead_time_days=2)
    policy = Policy(service_level=0.9, horizon_days=10, ordering_cost=None, holding_rate=None)
    figures = inventory_figures([item], policy, include_abc=False)
    [result] = figures.items
    assert (result.status, result.demand_std_dev, result.reorder_point) == ("reorder_now", 0.0, 8.0)
    assert (figures.abc_counts, figures.abc_basis, figures.total_stock_value) == (None, None, None)


def test_content_lengths_by_name():
    assert word_range("short", None) == (50, 250)
    figures = content_figures("one two", (1, 5), [])
    assert (figures.word_count, figures.within_target, figures.keywords) == (2, True, [])


def test_planning_and_competition_without_the_optional_parts():
    figures = planning_figures("10_years", [], [])
    assert (figures.horizon_years, figures.scenario_probability_total, figures.expected_revenue_impact_pct) == (
        10,
        None,
        None,
    )
    market = competition_figures(CompanyIn(name="A"), [CompanyIn(name="B")], None)
    assert (market.hhi, market.concentration, market.market_size, market.shares) == (None, None, None, [])


@pytest.mark.parametrize(
    ("shares", "band"), [((0.4, 0.3), "moderately_concentrated"), ((0.6, 0.3), "highly_concentrated")]
)
def test_concentration_bands(shares, band):
    company = CompanyIn(name="A", market_share=shares[0])
    assert competition_figures(company, [CompanyIn(name="B", market_share=shares[1])], None).concentration == band


def test_sales_without_any_sale_have_no_rows():
    figures = sales_figures([], date(2026, 1, 1), date(2026, 1, 2), targets={"GBP": Decimal(100)})
    assert [row.orders for row in figures.currencies] == [0]
    assert figures.currencies[0].average_order_value is None
    assert figures.targets is not None and figures.targets[0].gap == 100.0
