"""amazon-advertising-data: Sponsored Products campaigns, ad groups and keywords, and campaign performance
with CTR, CPC, conversion rate, ACOS, ROAS and CPM computed from Amazon's figures."""

from __future__ import annotations

import asyncio
import time
from datetime import date, timedelta
from typing import Any, Literal, Self

from pydantic import Field, model_validator

from sentia_server.integrations.amazon import AdsClient
from sentia_server.integrations.http import VendorError
from sentia_server.tools.amazon.common import (
    REPORT_POLL_FIRST_DELAY,
    REPORT_POLL_MAX_DELAY,
    NumericId,
    ads_client,
    group,
    page_info,
    utc_now,
)
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo, fit_to_budget
from sentia_server.tools.registry import ToolInput, ToolOutput

AdState = Literal["ENABLED", "PAUSED", "ARCHIVED"]
PERFORMANCE_COLUMNS = (
    "campaignId", "campaignName", "campaignStatus", "campaignBudgetCurrencyCode", "impressions", "clicks", "cost",
    "purchases7d", "sales7d", "unitsSoldClicks7d",
)  # fmt: skip


class AdvertisingInput(ToolInput):
    data_type: Literal["campaigns", "ad_groups", "keywords", "campaign_performance"] = Field(
        description="Sponsored Products campaigns, ad groups or keywords of the configured advertising profile, or "
        "campaign performance for a date range (an Amazon Ads v3 report, created, polled and downloaded)."
    )
    states: list[AdState] = Field(default_factory=list, max_length=3, description="Only these states; empty: all.")
    campaign_ids: list[NumericId] = Field(
        default_factory=list, max_length=100, description="Only these campaigns (numeric ids)."
    )
    ad_group_ids: list[NumericId] = Field(
        default_factory=list, max_length=100, description="ad_groups, keywords: only these ad groups."
    )
    portfolio_ids: list[NumericId] = Field(
        default_factory=list, max_length=100, description="campaigns: only these portfolios."
    )
    name_contains: str | None = Field(
        default=None, min_length=1, max_length=200, description="campaigns, ad_groups: name contains this text."
    )
    match_types: list[Literal["EXACT", "PHRASE", "BROAD"]] = Field(
        default_factory=list, max_length=3, description="keywords: only these match types."
    )
    max_results: int = Field(default=100, ge=1, le=500, description="Entities per page.")
    next_token: str | None = Field(
        default=None, min_length=1, max_length=4000, description="page.next_cursor of the previous call."
    )
    start_date: date | None = Field(
        default=None, description="campaign_performance: first day (default: 30 days before end_date)."
    )
    end_date: date | None = Field(default=None, description="campaign_performance: last day (default: yesterday).")
    time_unit: Literal["SUMMARY", "DAILY"] = Field(
        default="SUMMARY", description="campaign_performance: one row per campaign, or per campaign and day."
    )
    report_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="campaign_performance: a report created by an earlier call that was not ready yet.",
    )
    wait_seconds: int = Field(
        default=30, ge=0, le=120, description="campaign_performance: how long to poll the report before returning."
    )

    @model_validator(mode="after")
    def _dates(self) -> Self:
        if self.start_date and self.end_date:
            if self.end_date < self.start_date:
                raise ValueError("end_date must not be before start_date")
            if (self.end_date - self.start_date).days > 30:
                raise ValueError("Amazon Ads reports cover at most 31 days; narrow start_date..end_date")
        return self


class Campaign(ToolOutput):
    campaign_id: str
    name: str
    state: str
    targeting_type: str | None
    daily_budget: float | None
    start_date: str | None
    end_date: str | None
    portfolio_id: str | None


class AdGroup(ToolOutput):
    ad_group_id: str
    campaign_id: str
    name: str
    state: str
    default_bid: float | None


class Keyword(ToolOutput):
    keyword_id: str
    ad_group_id: str
    campaign_id: str
    text: str
    match_type: str
    state: str
    bid: float | None


class PerformanceRow(ToolOutput):
    campaign_id: str | None = Field(description="None on the totals row.")
    campaign_name: str | None
    campaign_status: str | None
    date: str | None = Field(description="The day, with time_unit DAILY.")
    impressions: int
    clicks: int
    cost: float
    purchases: int = Field(description="Orders attributed within 7 days of a click.")
    sales: float = Field(description="Sales attributed within 7 days of a click.")
    units: int
    ctr: float | None = Field(description="Click-through rate: clicks / impressions.")
    cpc: float | None = Field(description="Cost per click.")
    cvr: float | None = Field(description="Conversion rate: purchases / clicks.")
    acos: float | None = Field(description="Advertising cost of sales: cost / sales.")
    roas: float | None = Field(description="Return on ad spend: sales / cost.")
    cpm: float | None = Field(description="Cost per thousand impressions.")


class CampaignPerformance(ToolOutput):
    report_id: str
    status: str = Field(description="PENDING, PROCESSING, COMPLETED or FAILED.")
    start_date: date
    end_date: date
    time_unit: str
    currency: str | None
    rows: list[PerformanceRow]
    totals: PerformanceRow | None = Field(description="Sums over the returned rows, with ratios computed from them.")
    note: str | None


class AdvertisingOutput(ToolOutput):
    data_type: str
    profile_id: str
    campaigns: list[Campaign] | None
    ad_groups: list[AdGroup] | None
    keywords: list[Keyword] | None
    performance: CampaignPerformance | None
    page: PageInfo


def _ratio(numerator: float, denominator: float, digits: int = 4) -> float | None:
    return round(numerator / denominator, digits) if denominator else None


def _metrics(
    campaign: tuple[str | None, str | None, str | None], day: str | None, sums: dict[str, float]
) -> PerformanceRow:
    impressions, clicks, cost = int(sums["impressions"]), int(sums["clicks"]), round(sums["cost"], 2)
    purchases, sales, units = int(sums["purchases"]), round(sums["sales"], 2), int(sums["units"])
    return PerformanceRow(
        campaign_id=campaign[0],
        campaign_name=campaign[1],
        campaign_status=campaign[2],
        date=day,
        impressions=impressions,
        clicks=clicks,
        cost=cost,
        purchases=purchases,
        sales=sales,
        units=units,
        ctr=_ratio(clicks, impressions),
        cpc=_ratio(cost, clicks, 2),
        cvr=_ratio(purchases, clicks),
        acos=_ratio(cost, sales),
        roas=_ratio(sales, cost, 2),
        cpm=_ratio(cost * 1000, impressions, 2),
    )


def _number(row: dict[str, Any], key: str) -> float:
    value = row.get(key)
    return float(value) if isinstance(value, int | float) else 0.0


def _performance_rows(raw_rows: list[dict[str, Any]], params: AdvertisingInput) -> list[PerformanceRow]:
    rows = []
    for raw in raw_rows:
        campaign_id = str(raw.get("campaignId", ""))
        if params.campaign_ids and campaign_id not in params.campaign_ids:
            continue
        if params.states and raw.get("campaignStatus") not in params.states:
            continue
        sums = {
            "impressions": _number(raw, "impressions"),
            "clicks": _number(raw, "clicks"),
            "cost": _number(raw, "cost"),
            "purchases": _number(raw, "purchases7d"),
            "sales": _number(raw, "sales7d"),
            "units": _number(raw, "unitsSoldClicks7d"),
        }
        identity = (campaign_id, raw.get("campaignName"), raw.get("campaignStatus"))
        rows.append(_metrics(identity, raw.get("date"), sums))
    return rows


async def _campaign_performance(params: AdvertisingInput, client: AdsClient) -> CampaignPerformance:
    end = params.end_date or (utc_now().date() - timedelta(days=1))
    start = params.start_date or (end - timedelta(days=29))
    if params.report_id is None:
        columns = [*PERFORMANCE_COLUMNS, "date" if params.time_unit == "DAILY" else "startDate"]
        created = await client.create_report(
            name=f"Sentia campaign performance {start.isoformat()}..{end.isoformat()}",
            start_date=start.isoformat(),
            end_date=end.isoformat(),
            report_type="spCampaigns",
            group_by=["campaign"],
            columns=columns,
            time_unit=params.time_unit,
        )
        report_id = str(created.get("reportId", ""))
    else:
        report_id = params.report_id
    deadline = time.monotonic() + params.wait_seconds
    delay = REPORT_POLL_FIRST_DELAY
    while True:
        report = await client.get_report(report_id)
        status = str(report.get("status", ""))
        remaining = deadline - time.monotonic()
        if status in ("COMPLETED", "FAILED") or remaining <= 0:
            break
        await asyncio.sleep(min(delay, remaining))
        delay = min(delay * 2, REPORT_POLL_MAX_DELAY)
    if status == "FAILED":
        raise VendorError(
            "amazon_ads",
            f"report {report_id} failed: {report.get('failureReason') or 'no reason given'}",
            hint="create the report again, perhaps for a shorter period",
        )
    first = date.fromisoformat(str(report.get("startDate", start.isoformat())))
    last = date.fromisoformat(str(report.get("endDate", end.isoformat())))
    unit = str((report.get("configuration") or {}).get("timeUnit", params.time_unit))
    if status != "COMPLETED":
        return CampaignPerformance(
            report_id=report_id,
            status=status,
            start_date=first,
            end_date=last,
            time_unit=unit,
            currency=None,
            rows=[],
            totals=None,
            note="the report is not ready yet: call again with this report_id",
        )
    raw_rows = await client.download_report(str(report.get("url")))
    rows = _performance_rows(raw_rows, params)
    keys = ("impressions", "clicks", "cost", "purchases", "sales", "units")
    totals = {key: float(sum(getattr(row, key) for row in rows)) for key in keys}
    currencies = {str(raw["campaignBudgetCurrencyCode"]) for raw in raw_rows if raw.get("campaignBudgetCurrencyCode")}
    return CampaignPerformance(
        report_id=report_id,
        status=status,
        start_date=first,
        end_date=last,
        time_unit=unit,
        currency=currencies.pop() if len(currencies) == 1 else None,
        rows=rows,
        totals=_metrics((None, None, None), None, totals) if rows else None,
        note=None if rows else "no campaign had impressions in this period",
    )


def _ads_filters(params: AdvertisingInput) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    if params.states:
        filters["stateFilter"] = {"include": list(params.states)}
    if params.campaign_ids:
        filters["campaignIdFilter"] = {"include": params.campaign_ids}
    if params.ad_group_ids and params.data_type != "campaigns":
        filters["adGroupIdFilter"] = {"include": params.ad_group_ids}
    if params.portfolio_ids and params.data_type == "campaigns":
        filters["portfolioIdFilter"] = {"include": params.portfolio_ids}
    if params.name_contains and params.data_type != "keywords":
        filters["nameFilter"] = {"queryTermMatchType": "BROAD_MATCH", "include": [params.name_contains]}
    if params.match_types and params.data_type == "keywords":
        filters["matchTypeFilter"] = list(params.match_types)
    return filters


@group.tool(
    "amazon-advertising-data",
    title="Amazon Ads data",
    read_only=True,
    open_world=True,
)
async def advertising_data(params: AdvertisingInput, ctx: ToolContext) -> AdvertisingOutput:
    """Read Amazon Ads Sponsored Products data of the configured advertising profile: campaigns, ad groups or
    keywords with state, id and name filters, or campaign performance for a date range (impressions, clicks, cost,
    7-day attributed purchases and sales) with CTR, CPC, conversion rate, ACOS, ROAS and CPM computed from Amazon's
    figures. A performance report that is not ready within wait_seconds returns its report_id to ask again."""
    client = ads_client(ctx)
    budget = ctx.runtime.settings.tool_response_budget_bytes
    output = AdvertisingOutput(
        data_type=params.data_type,
        profile_id=client.profile_id,
        campaigns=None,
        ad_groups=None,
        keywords=None,
        performance=None,
        page=page_info(0, None, None),
    )
    if params.data_type == "campaign_performance":
        performance = await _campaign_performance(params, client)
        performance.rows, reason = fit_to_budget(performance.rows, budget)
        output.performance = performance
        output.page = page_info(len(performance.rows), None, reason)
        return output
    resource = {"campaigns": "campaigns", "ad_groups": "adGroups", "keywords": "keywords"}[params.data_type]
    body = await client.list_sp(
        resource, _ads_filters(params), max_results=params.max_results, next_token=params.next_token
    )
    entities = [entity for entity in body.get(resource, []) if isinstance(entity, dict)]
    token = body.get("nextToken") if isinstance(body.get("nextToken"), str) else None
    if params.data_type == "campaigns":
        campaigns = [
            Campaign(
                campaign_id=str(raw.get("campaignId")),
                name=str(raw.get("name", "")),
                state=str(raw.get("state", "")),
                targeting_type=raw.get("targetingType"),
                daily_budget=(raw.get("budget") or {}).get("budget"),
                start_date=raw.get("startDate"),
                end_date=raw.get("endDate"),
                portfolio_id=raw.get("portfolioId"),
            )
            for raw in entities
        ]
        output.campaigns, reason = fit_to_budget(campaigns, budget)
        output.page = page_info(len(output.campaigns), token, reason)
    elif params.data_type == "ad_groups":
        groups = [
            AdGroup(
                ad_group_id=str(raw.get("adGroupId")),
                campaign_id=str(raw.get("campaignId")),
                name=str(raw.get("name", "")),
                state=str(raw.get("state", "")),
                default_bid=raw.get("defaultBid"),
            )
            for raw in entities
        ]
        output.ad_groups, reason = fit_to_budget(groups, budget)
        output.page = page_info(len(output.ad_groups), token, reason)
    else:
        keywords = [
            Keyword(
                keyword_id=str(raw.get("keywordId")),
                ad_group_id=str(raw.get("adGroupId")),
                campaign_id=str(raw.get("campaignId")),
                text=str(raw.get("keywordText", "")),
                match_type=str(raw.get("matchType", "")),
                state=str(raw.get("state", "")),
                bid=raw.get("bid"),
            )
            for raw in entities
        ]
        output.keywords, reason = fit_to_budget(keywords, budget)
        output.page = page_info(len(output.keywords), token, reason)
    return output
