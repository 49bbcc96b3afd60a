"""Statistics of a table of records: the figures of `openai-data-analysis`.

A table is a list of rows (column -> value). A numeric column holds numbers only (blanks allowed); a time column
holds ISO dates or date-times. The analyses: summary statistics (count, mean, median, standard deviation,
quartiles); Pearson correlations with a Fisher-z confidence interval; linear trends over time (or row order);
anomalies by robust z-score (|x - median| / (1.4826 * MAD), or / (1.2533 * mean absolute deviation) when
the MAD is 0, above 3.5); group comparisons; ordinary least squares
regression (R squared, adjusted R squared, RMSE); and means by weekday and by month.
"""

from __future__ import annotations

import csv
import io
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime

import numpy

from sentia_server.tools.registry import ToolOutput

Cell = str | int | float | bool | None
Row = Mapping[str, Cell]
ROBUST_Z = 3.5
MAX_ANOMALIES = 50
TOP_VALUES = 5


class TableError(ValueError):
    """The table cannot be analysed as asked; the message says why."""


def parse_csv(text: str) -> list[dict[str, Cell]]:
    """Rows of a CSV document with a header line; numbers become numbers, empty cells None."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise TableError("the CSV has no header line")
    rows: list[dict[str, Cell]] = []
    for row in reader:
        rows.append({name: _cell(value) for name, value in row.items() if name is not None})
    return rows


def _cell(value: str | None) -> Cell:
    if value is None or value.strip() == "":
        return None
    try:
        return float(value) if any(mark in value for mark in ".eE") else int(value)
    except ValueError:
        return value.strip()


def numeric_column(rows: Sequence[Row], name: str) -> list[float | None]:
    """The column as numbers (None for blanks); TableError when it holds text."""
    values: list[float | None] = []
    for index, row in enumerate(rows):
        value = row.get(name)
        if value is None:
            values.append(None)
        elif isinstance(value, bool) or not isinstance(value, int | float):
            raise TableError(f"column {name!r} is not numeric (row {index + 1} holds {str(value)[:40]!r})")
        else:
            values.append(float(value))
    if all(value is None for value in values):
        raise TableError(f"column {name!r} has no values")
    return values


def time_column(rows: Sequence[Row], name: str) -> list[date]:
    days = []
    for index, row in enumerate(rows):
        value = row.get(name)
        try:
            days.append(datetime.fromisoformat(str(value)).date())
        except ValueError:
            raise TableError(f"column {name!r} row {index + 1} is not an ISO date: {str(value)[:40]!r}") from None
    return days


def numeric_columns(rows: Sequence[Row]) -> list[str]:
    """Every column whose values are all numbers (or blank)."""
    names = list(dict.fromkeys(name for row in rows for name in row))
    found = []
    for name in names:
        values = [row.get(name) for row in rows if row.get(name) is not None]
        if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            found.append(name)
    return found


class Summary(ToolOutput):
    variable: str
    count: int
    missing: int
    mean: float
    median: float
    std_dev: float | None
    minimum: float
    q1: float
    q3: float
    maximum: float


class Frequency(ToolOutput):
    variable: str
    distinct: int
    top_values: dict[str, int]


def summary(name: str, column: list[float | None]) -> Summary:
    values = [value for value in column if value is not None]
    quartiles = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else [values[0]] * 3
    return Summary(
        variable=name,
        count=len(values),
        missing=len(column) - len(values),
        mean=round(statistics.fmean(values), 6),
        median=round(statistics.median(values), 6),
        std_dev=round(statistics.stdev(values), 6) if len(values) > 1 else None,
        minimum=min(values),
        q1=round(quartiles[0], 6),
        q3=round(quartiles[2], 6),
        maximum=max(values),
    )


def frequencies(rows: Sequence[Row], numeric: list[str]) -> list[Frequency]:
    """The most common values of every non-numeric column."""
    names = [name for name in dict.fromkeys(n for row in rows for n in row) if name not in numeric]
    result = []
    for name in names:
        counts = Counter(str(row[name]) for row in rows if row.get(name) is not None)
        result.append(Frequency(variable=name, distinct=len(counts), top_values=dict(counts.most_common(TOP_VALUES))))
    return result


class Correlation(ToolOutput):
    variable_a: str
    variable_b: str
    pearson_r: float | None
    pairs: int
    confidence_low: float | None
    confidence_high: float | None


def _pairs(a: list[float | None], b: list[float | None]) -> tuple[list[float], list[float]]:
    kept = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    return [x for x, _ in kept], [y for _, y in kept]


def correlation(name_a: str, a: list[float | None], name_b: str, b: list[float | None], level: float) -> Correlation:
    xs, ys = _pairs(a, b)
    r: float | None = None
    low = high = None
    if len(xs) >= 3 and len(set(xs)) > 1 and len(set(ys)) > 1:
        r = statistics.correlation(xs, ys)
        if len(xs) > 3 and abs(r) < 1:
            z = math.atanh(r)
            margin = statistics.NormalDist().inv_cdf(0.5 + level / 2) / math.sqrt(len(xs) - 3)
            low, high = round(math.tanh(z - margin), 4), round(math.tanh(z + margin), 4)
    return Correlation(
        variable_a=name_a,
        variable_b=name_b,
        pearson_r=None if r is None else round(r, 4),
        pairs=len(xs),
        confidence_low=low,
        confidence_high=high,
    )


class Trend(ToolOutput):
    variable: str
    points: int
    slope: float | None
    per: str
    r_squared: float | None
    fitted_change: float | None


def trend(name: str, column: list[float | None], days: list[date] | None) -> Trend:
    """Least-squares line of the column over time (per day) or over row order (per row)."""
    xs_all: list[float | None] = (
        [float(day.toordinal()) for day in days] if days else [float(i) for i in range(len(column))]
    )
    xs, ys = _pairs(xs_all, column)
    per = "day" if days else "row"
    if len(xs) < 2 or len(set(xs)) < 2:
        return Trend(variable=name, points=len(xs), slope=None, per=per, r_squared=None, fitted_change=None)
    slope, intercept = statistics.linear_regression(xs, ys)
    fitted = [slope * x + intercept for x in xs]
    total = sum((y - statistics.fmean(ys)) ** 2 for y in ys)
    residual = sum((y - f) ** 2 for y, f in zip(ys, fitted, strict=True))
    return Trend(
        variable=name,
        points=len(xs),
        slope=round(slope, 6),
        per=per,
        r_squared=round(1 - residual / total, 4) if total else None,
        fitted_change=round(slope * (max(xs) - min(xs)), 6),
    )


class Anomaly(ToolOutput):
    row: int
    variable: str
    value: float
    robust_z: float


def anomalies(name: str, column: list[float | None]) -> list[Anomaly]:
    values = [value for value in column if value is not None]
    center = statistics.median(values)
    deviations = [abs(value - center) for value in values]
    spread = 1.4826 * statistics.median(deviations)
    if spread == 0:  # most values equal: the mean absolute deviation still measures the rest
        spread = 1.2533 * statistics.fmean(deviations)
    if spread == 0:
        return []
    found = []
    for index, value in enumerate(column):
        if value is not None and abs(value - center) / spread > ROBUST_Z:
            found.append(
                Anomaly(row=index + 1, variable=name, value=value, robust_z=round((value - center) / spread, 3))
            )
    return found[:MAX_ANOMALIES]


class GroupStats(ToolOutput):
    group: str
    rows: int
    means: dict[str, float | None]
    totals: dict[str, float]


def groups(rows: Sequence[Row], group_by: str, columns: dict[str, list[float | None]]) -> list[GroupStats]:
    members: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        members[str(row.get(group_by))].append(index)
    result = []
    for name in sorted(members):
        indexes = members[name]
        means: dict[str, float | None] = {}
        totals: dict[str, float] = {}
        for variable, column in columns.items():
            values = [value for value in (column[i] for i in indexes) if value is not None]
            means[variable] = round(statistics.fmean(values), 6) if values else None
            totals[variable] = round(math.fsum(values), 6)
        result.append(GroupStats(group=name, rows=len(indexes), means=means, totals=totals))
    return result


class Regression(ToolOutput):
    target: str
    predictors: list[str]
    observations: int
    intercept: float
    coefficients: dict[str, float]
    r_squared: float | None
    adjusted_r_squared: float | None
    rmse: float


def regression(target: str, y: list[float | None], predictors: dict[str, list[float | None]]) -> Regression:
    """Ordinary least squares of the target on the predictors, over the rows where all are present."""
    names = list(predictors)
    complete = [i for i in range(len(y)) if y[i] is not None and all(predictors[n][i] is not None for n in names)]
    if len(complete) <= len(names) + 1:
        raise TableError(
            f"{len(complete)} complete rows for {len(names)} predictors; a regression needs more rows than "
            "predictors plus one"
        )
    matrix = numpy.array([[1.0] + [float(predictors[n][i] or 0) for n in names] for i in complete])
    target_values = numpy.array([float(y[i] or 0) for i in complete])
    solution, *_ = numpy.linalg.lstsq(matrix, target_values, rcond=None)
    fitted = matrix @ solution
    residual = float(numpy.sum((target_values - fitted) ** 2))
    total = float(numpy.sum((target_values - target_values.mean()) ** 2))
    count, k = len(complete), len(names)
    r2 = 1 - residual / total if total else None
    return Regression(
        target=target,
        predictors=names,
        observations=count,
        intercept=round(float(solution[0]), 6),
        coefficients={name: round(float(solution[i + 1]), 6) for i, name in enumerate(names)},
        r_squared=None if r2 is None else round(r2, 4),
        adjusted_r_squared=None if r2 is None else round(1 - (1 - r2) * (count - 1) / (count - k - 1), 4),
        rmse=round(math.sqrt(residual / count), 6),
    )


class Pattern(ToolOutput):
    variable: str
    mean_by_weekday: dict[str, float]
    mean_by_month: dict[str, float]
    strongest_weekday: str
    weakest_weekday: str


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def pattern(name: str, column: list[float | None], days: list[date]) -> Pattern:
    by_weekday: dict[str, list[float]] = defaultdict(list)
    by_month: dict[str, list[float]] = defaultdict(list)
    for day, value in zip(days, column, strict=True):
        if value is not None:
            by_weekday[WEEKDAYS[day.weekday()]].append(value)
            by_month[MONTHS[day.month - 1]].append(value)
    weekday_means = {d: round(statistics.fmean(by_weekday[d]), 6) for d in WEEKDAYS if d in by_weekday}
    month_means = {m: round(statistics.fmean(by_month[m]), 6) for m in MONTHS if m in by_month}
    ranked = sorted(weekday_means, key=lambda d: weekday_means[d])
    return Pattern(
        variable=name,
        mean_by_weekday=weekday_means,
        mean_by_month=month_means,
        strongest_weekday=ranked[-1],
        weakest_weekday=ranked[0],
    )
