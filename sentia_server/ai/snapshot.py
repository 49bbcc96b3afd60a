"""A business snapshot for reports: the caller's KPIs, and, when asked, the period's Shopify sales and Xero
statements, each computed by the figures modules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sentia_server.ai.figures.financial import FinancialFigures, financial_figures
from sentia_server.ai.figures.kpis import KpiFigures, KpiIn, kpi_figures
from sentia_server.ai.figures.sales import SalesFigures, sales_figures
from sentia_server.ai.sources.shopify import shopify_sales
from sentia_server.ai.sources.xero import xero_statements
from sentia_server.tools.context import ToolContext
from sentia_server.tools.registry import ToolOutput


class Snapshot(ToolOutput):
    kpis: KpiFigures
    sales: SalesFigures | None
    financials: FinancialFigures | None
    organisation: str | None


@dataclass
class SnapshotRequest:
    start: date
    end: date
    kpis: list[KpiIn]
    shop: str | None = None
    """A Shopify shop (or all) whose sales to add."""
    financials: bool = False
    tenant_id: str | None = None
    max_orders: int = 5000
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


async def business_snapshot(ctx: ToolContext, request: SnapshotRequest) -> Snapshot:
    """The snapshot; what was read goes to `request.sources`, caveats to `request.notes`."""
    sales = financials = organisation = None
    if request.kpis:
        request.sources.append(f"{len(request.kpis)} KPIs passed by the caller")
    if request.shop is not None:
        pull = await shopify_sales(ctx, request.shop, request.start, request.end, max_orders=request.max_orders)
        sales = sales_figures(pull.sales, request.start, request.end)
        request.sources.append(pull.source(request.start, request.end))
        if not pull.complete:
            request.notes.append("max_orders stopped the reading of orders early: sales figures are partial")
    if request.financials:
        statements, xero = await xero_statements(ctx, request.tenant_id, request.start, request.end)
        financials = financial_figures(statements)
        organisation = xero.tenant.tenant_name
        request.sources += xero.sources
        request.notes += xero.notes
    return Snapshot(kpis=kpi_figures(request.kpis), sales=sales, financials=financials, organisation=organisation)
