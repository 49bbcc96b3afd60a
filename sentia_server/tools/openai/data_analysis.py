"""openai-data-analysis: statistics of a table the caller passes (records or CSV), computed by the server, and the
model's interpretation of them.

Data comes in the call only: the old tool's database queries, file paths and API endpoints let a caller reach the
server's database, files and network, so they are gone; fetch the data with the vendor tools and pass it here.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations
from typing import Annotated, Literal

import anyio
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field, model_validator

from sentia_server.ai.figures import stats
from sentia_server.ai.figures.timeseries import ForecastOut, forecast, monthly_series
from sentia_server.ai.narrative import Narrative
from sentia_server.ai.tooling import AiResult, AiTool
from sentia_server.analytics.forecast import MAX_PERIODS, ForecastRefused
from sentia_server.tools.context import ToolContext
from sentia_server.tools.openai.common import VENDOR, Context, openai_tool
from sentia_server.tools.registry import ToolInput, ToolOutput

NAME = "openai-data-analysis"
MAX_ROWS = 10_000
MAX_CORRELATIONS = 45
AnalysisType = Literal[
    "statistical_summary",
    "correlation_analysis",
    "trend_analysis",
    "pattern_recognition",
    "anomaly_detection",
    "predictive_modeling",
    "comparative_analysis",
    "time_series_analysis",
]
Column = Annotated[str, Field(min_length=1, max_length=100)]
Cell = str | int | float | bool | None


class DataAnalysisInput(ToolInput):
    analysis_type: AnalysisType = Field(description="The statistics to compute.")
    records: list[dict[Column, Cell]] | None = Field(
        default=None, min_length=1, max_length=MAX_ROWS, description="The table as rows of column -> value."
    )
    csv: str | None = Field(
        default=None, min_length=1, max_length=2_000_000, description="The table as CSV text with a header line."
    )
    variables: list[Column] = Field(
        default_factory=list, max_length=20, description="Numeric columns to analyse; default every numeric column."
    )
    target_variable: Column | None = Field(default=None, description="predictive_modeling: the column to explain.")
    time_column: Column | None = Field(
        default=None, description="Column of ISO dates: trend over time, patterns and time series need it."
    )
    group_by: Column | None = Field(default=None, description="comparative_analysis: the column defining groups.")
    confidence_level: float = Field(
        description="Of the correlation intervals and the forecast's intervals.", default=0.95, ge=0.8, le=0.99
    )
    forecast_months: int = Field(default=6, ge=1, le=MAX_PERIODS, description="time_series_analysis: months ahead.")
    output_format: Literal["detailed_report", "executive_summary", "technical_analysis"] = Field(
        default="detailed_report", description="How the interpretation is written."
    )
    business_context: Context

    @model_validator(mode="after")
    def _consistent(self) -> DataAnalysisInput:
        if (self.records is None) == (self.csv is None):
            raise ValueError("pass the table as records or as csv (one of them)")
        needs = {
            "predictive_modeling": ("target_variable", self.target_variable),
            "comparative_analysis": ("group_by", self.group_by),
            "pattern_recognition": ("time_column", self.time_column),
            "time_series_analysis": ("time_column", self.time_column),
        }
        if self.analysis_type in needs and needs[self.analysis_type][1] is None:
            raise ValueError(f"{self.analysis_type} needs {needs[self.analysis_type][0]}")
        return self


class DataFigures(ToolOutput):
    rows: int
    variables: list[str]
    summaries: list[stats.Summary] | None = None
    frequencies: list[stats.Frequency] | None = None
    correlations: list[stats.Correlation] | None = None
    trends: list[stats.Trend] | None = None
    anomalies: list[stats.Anomaly] | None = None
    groups: list[stats.GroupStats] | None = None
    regression: stats.Regression | None = None
    patterns: list[stats.Pattern] | None = None
    time_series: ForecastOut | None = None


class DataAnalysisResult(AiResult):
    analysis_type: str
    figures: DataFigures
    analysis: Narrative


def _table(params: DataAnalysisInput) -> list[dict[str, Cell]]:
    if params.records is not None:
        return [dict(row) for row in params.records]
    rows = stats.parse_csv(params.csv or "")
    if len(rows) > MAX_ROWS:
        raise stats.TableError(f"the CSV has {len(rows)} rows; at most {MAX_ROWS} are analysed")
    return rows


def compute(params: DataAnalysisInput, rows: list[dict[str, Cell]]) -> DataFigures:
    """The analysis's figures; TableError when the table does not allow it."""
    chosen = params.variables or [
        name for name in stats.numeric_columns(rows) if name not in (params.time_column, params.group_by)
    ]
    if params.target_variable and params.target_variable not in chosen:
        chosen = [*chosen, params.target_variable]
    if not chosen:
        raise stats.TableError("the table has no numeric column to analyse")
    columns = {name: stats.numeric_column(rows, name) for name in chosen}
    days = stats.time_column(rows, params.time_column) if params.time_column else None
    figures = DataFigures(rows=len(rows), variables=chosen)
    kind = params.analysis_type
    if kind == "statistical_summary":
        figures.summaries = [stats.summary(name, column) for name, column in columns.items()]
        figures.frequencies = stats.frequencies(rows, list(columns))
    elif kind == "correlation_analysis":
        pairs = list(combinations(columns, 2))[:MAX_CORRELATIONS]
        figures.correlations = [
            stats.correlation(a, columns[a], b, columns[b], params.confidence_level) for a, b in pairs
        ]
    elif kind == "trend_analysis":
        figures.trends = [stats.trend(name, column, days) for name, column in columns.items()]
    elif kind == "anomaly_detection":
        figures.anomalies = [found for name, column in columns.items() for found in stats.anomalies(name, column)]
        figures.summaries = [stats.summary(name, column) for name, column in columns.items()]
    elif kind == "comparative_analysis":
        figures.groups = stats.groups(rows, params.group_by or "", columns)
    elif kind == "predictive_modeling":
        target = params.target_variable or ""
        predictors = {name: column for name, column in columns.items() if name != target}
        if not predictors:
            raise stats.TableError("predictive_modeling needs at least one numeric predictor besides the target")
        figures.regression = stats.regression(target, columns[target], predictors)
    elif kind == "pattern_recognition":
        figures.patterns = [stats.pattern(name, column, days or []) for name, column in columns.items()]
    else:
        first = params.target_variable or chosen[0]
        points = [(day, value) for day, value in zip(days or [], columns[first], strict=True) if value is not None]
        series = monthly_series([(day, Decimal(str(value))) for day, value in points])
        try:
            figures.time_series = forecast(series, params.forecast_months, params.confidence_level, non_negative=False)
        except ForecastRefused as error:
            raise stats.TableError(f"no forecast of {first}: {error}") from None
    return figures


@openai_tool(NAME, "OpenAI: data analysis")
async def data_analysis(params: DataAnalysisInput, ctx: ToolContext) -> DataAnalysisResult:
    """Analyse a table you pass (records or CSV, up to 10,000 rows): the server computes summary statistics,
    correlations with confidence intervals, trends, anomalies (robust z-scores), group comparisons, a least-squares
    regression, weekday and month patterns, or a monthly forecast; the model interprets them for your context."""
    ai = AiTool.start(ctx, NAME, VENDOR)
    try:
        rows = _table(params)
        figures = await anyio.to_thread.run_sync(compute, params, rows)  # a forecast fit is CPU work: off the loop
    except stats.TableError as error:
        raise ToolError(f"{NAME}: {error}") from None
    answer = await ai.write(
        Narrative,
        task=f"Interpret this {params.analysis_type.replace('_', ' ')} of the caller's data.",
        options={"output_format": params.output_format, "confidence_level": params.confidence_level},
        data=figures,
        material=params.business_context,
    )
    return DataAnalysisResult(
        analysis_type=params.analysis_type,
        figures=figures,
        analysis=answer.value,
        usage=answer.usage,
        sources=[f"a table of {len(rows)} rows passed by the caller"],
        notes=[],
    )
