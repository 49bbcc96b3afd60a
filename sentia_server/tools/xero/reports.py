"""xero-get-financial-reports: any Xero report, its lines structured by section."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field, model_validator

from sentia_server.cache import CacheTier
from sentia_server.integrations.xero.reports import ParsedReport, amount, parse_report
from sentia_server.tools.context import ToolContext
from sentia_server.tools.registry import ToolInput, ToolOutput
from sentia_server.tools.xero.common import UUID_PATTERN, TenantId, TenantRef, connect, group, money_or_none

ReportName = Literal[
    "ProfitAndLoss",
    "BalanceSheet",
    "TrialBalance",
    "BudgetSummary",
    "BankSummary",
    "AgedReceivablesByContact",
    "AgedPayablesByContact",
]
_REPORT_ARGUMENTS: dict[str, frozenset[str]] = {
    "ProfitAndLoss": frozenset(
        {
            "from_date",
            "to_date",
            "periods",
            "timeframe",
            "tracking_category_id",
            "tracking_option_id",
            "standard_layout",
            "payments_only",
        }
    ),
    "BalanceSheet": frozenset(
        {"report_date", "periods", "timeframe", "tracking_option_id", "standard_layout", "payments_only"}
    ),
    "TrialBalance": frozenset({"report_date", "payments_only"}),
    "BudgetSummary": frozenset({"report_date", "periods", "timeframe"}),
    "BankSummary": frozenset({"from_date", "to_date"}),
    "AgedReceivablesByContact": frozenset({"contact_id", "report_date", "from_date", "to_date"}),
    "AgedPayablesByContact": frozenset({"contact_id", "report_date", "from_date", "to_date"}),
}
_OPTIONAL_REPORT_FIELDS = (
    "from_date",
    "to_date",
    "report_date",
    "periods",
    "timeframe",
    "contact_id",
    "tracking_category_id",
    "tracking_option_id",
    "standard_layout",
    "payments_only",
)


class FinancialReportInput(ToolInput):
    tenant_id: TenantId
    report: ReportName = Field(
        description="Which Xero report. ProfitAndLoss and BankSummary cover from_date..to_date; BalanceSheet, "
        "TrialBalance and BudgetSummary are as at report_date; the Aged reports list one contact's open invoices."
    )
    from_date: date | None = Field(default=None, description="Start of the period (ProfitAndLoss, BankSummary, Aged).")
    to_date: date | None = Field(default=None, description="End of the period (ProfitAndLoss, BankSummary, Aged).")
    report_date: date | None = Field(
        default=None, description="Date the report is as at (BalanceSheet, TrialBalance, BudgetSummary, Aged)."
    )
    periods: int | None = Field(
        default=None,
        ge=1,
        le=12,
        description="ProfitAndLoss and BalanceSheet: earlier periods to compare with (1-11). BudgetSummary: "
        "periods to show (1-12).",
    )
    timeframe: Literal["MONTH", "QUARTER", "YEAR"] | None = Field(
        default=None, description="Length of each compared period (ProfitAndLoss, BalanceSheet, BudgetSummary)."
    )
    contact_id: str | None = Field(
        default=None, pattern=UUID_PATTERN, description="The contact of an Aged report (required for those)."
    )
    tracking_category_id: str | None = Field(
        default=None, pattern=UUID_PATTERN, description="ProfitAndLoss: split the columns by this tracking category."
    )
    tracking_option_id: str | None = Field(
        default=None, pattern=UUID_PATTERN, description="ProfitAndLoss/BalanceSheet: only this tracking option."
    )
    standard_layout: bool | None = Field(
        default=None, description="Use Xero's standard layout instead of the organisation's custom one."
    )
    payments_only: bool | None = Field(default=None, description="Cash basis: only transactions that were paid.")

    @model_validator(mode="after")
    def _applies(self) -> FinancialReportInput:
        allowed = _REPORT_ARGUMENTS[self.report]
        given = [name for name in _OPTIONAL_REPORT_FIELDS if getattr(self, name) is not None]
        stray = [name for name in given if name not in allowed]
        if stray:
            raise ValueError(
                f"{', '.join(stray)}: not an argument of the {self.report} report, which takes "
                f"{', '.join(sorted(allowed))}"
            )
        if self.report.startswith("Aged") and self.contact_id is None:
            raise ValueError(f"the {self.report} report needs contact_id")
        if self.from_date and self.to_date and self.from_date > self.to_date:
            raise ValueError("from_date must not be after to_date")
        if self.periods is not None and self.periods > 11 and self.report != "BudgetSummary":
            raise ValueError(f"periods for {self.report} compares at most 11 earlier periods")
        return self

    def xero_parameters(self) -> dict[str, str | int | bool]:
        """The report's query parameters under Xero's names."""
        budget_months = {"MONTH": 1, "QUARTER": 3, "YEAR": 12}
        timeframe: str | int | None = self.timeframe
        if self.report == "BudgetSummary" and self.timeframe is not None:
            timeframe = budget_months[self.timeframe]  # BudgetSummary takes the period length in months
        tracking_option = "trackingOptionID1" if self.report == "BalanceSheet" else "trackingOptionID"
        values: dict[str, str | int | bool | None] = {
            "fromDate": self.from_date.isoformat() if self.from_date else None,
            "toDate": self.to_date.isoformat() if self.to_date else None,
            "date": self.report_date.isoformat() if self.report_date else None,
            "periods": self.periods,
            "timeframe": timeframe,
            "contactId": self.contact_id,
            "trackingCategoryID": self.tracking_category_id,
            tracking_option: self.tracking_option_id,
            "standardLayout": self.standard_layout,
            "paymentsOnly": self.payments_only,
        }
        return {key: value for key, value in values.items() if value is not None}


class ReportLineOut(ToolOutput):
    label: str = Field(description="Account name, total name or (Aged reports) the invoice date.")
    kind: Literal["row", "summary"] = Field(description="summary for Xero's total lines.")
    values: list[str] = Field(description="The cells after the label, one per column, as Xero printed them.")
    amounts: list[float | None] = Field(description="The same cells as numbers; null where a cell is not a number.")
    account_id: str | None = None


class ReportSection(ToolOutput):
    title: str
    lines: list[ReportLineOut]


class FinancialReport(ToolOutput):
    tenant: TenantRef
    report: str
    name: str
    titles: list[str]
    report_date: str | None
    columns: list[str] = Field(description="Column headings after the label column.")
    sections: list[ReportSection]
    parameters: dict[str, str | int | bool] = Field(description="The query parameters sent to Xero.")


def _report_output(tenant: TenantRef, parsed: ParsedReport, parameters: dict[str, Any]) -> FinancialReport:
    sections = [
        ReportSection(
            title=title,
            lines=[
                ReportLineOut(
                    label=line.label,
                    kind=line.kind,
                    values=list(line.values),
                    amounts=[money_or_none(amount(value)) for value in line.values],
                    account_id=line.account_id,
                )
                for line in lines
            ],
        )
        for title, lines in parsed.sections()
    ]
    return FinancialReport(
        tenant=tenant,
        report=parsed.type,
        name=parsed.name,
        titles=list(parsed.titles),
        report_date=parsed.date,
        columns=list(parsed.columns),
        sections=sections,
        parameters=parameters,
    )


@group.tool(
    "xero-get-financial-reports",
    title="Xero financial report",
    cache_tier=CacheTier.MEDIUM,
    read_only=True,
    open_world=True,
)
async def get_financial_reports(params: FinancialReportInput, ctx: ToolContext) -> FinancialReport:
    """Fetch a Xero report (profit and loss, balance sheet, trial balance, budget summary, bank summary, aged
    receivables or payables of a contact) with its lines structured by section, each value as printed and as a
    number. Use periods and timeframe to compare with earlier months, quarters or years."""
    client, tenant = await connect(ctx, params.tenant_id)
    parameters = params.xero_parameters()
    report = await client.report(tenant.tenant_id, params.report, parameters)
    return _report_output(tenant, parse_report(report), parameters)
