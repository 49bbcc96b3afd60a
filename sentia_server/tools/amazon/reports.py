"""amazon-get-reports: create Selling Partner reports, poll their status, download their rows and list them."""

from __future__ import annotations

import asyncio
import csv
import io
import time
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, Self

from pydantic import AwareDatetime, Field, model_validator

from sentia_server.integrations.amazon import Marketplace, SellingPartnerClient
from sentia_server.integrations.http import VendorError
from sentia_server.tools.amazon.common import (
    MARKETPLACE_FIELD,
    REPORT_POLL_FIRST_DELAY,
    REPORT_POLL_MAX_DELAY,
    group,
    iso_time,
    page_info,
    parse_time,
    selling_partner_client,
)
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo, fit_to_budget
from sentia_server.tools.registry import ToolInput, ToolOutput


class ReportType(StrEnum):
    ORDERS_BY_ORDER_DATE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
    ORDERS_BY_LAST_UPDATE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"
    MERCHANT_LISTINGS_ALL = "GET_MERCHANT_LISTINGS_ALL_DATA"
    MERCHANT_LISTINGS_ACTIVE = "GET_MERCHANT_LISTINGS_DATA"
    FBA_INVENTORY = "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA"
    AFN_INVENTORY = "GET_AFN_INVENTORY_DATA"
    SETTLEMENT_FLAT_FILE = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"
    SETTLEMENT_XML = "GET_V2_SETTLEMENT_REPORT_DATA_XML"
    SELLER_FEEDBACK = "GET_SELLER_FEEDBACK_DATA"
    SELLER_PERFORMANCE = "GET_V1_SELLER_PERFORMANCE_REPORT"


SCHEDULED_REPORTS = frozenset({ReportType.SETTLEMENT_FLAT_FILE, ReportType.SETTLEMENT_XML})
ProcessingStatus = Literal["IN_QUEUE", "IN_PROGRESS", "DONE", "CANCELLED", "FATAL"]


class GetReportsInput(ToolInput):
    action: Literal["create", "status", "download", "list"] = Field(
        description="create: request a report; status: read a report's state; download: fetch a DONE report's "
        "rows; list: find reports (settlement reports are created by Amazon and only listed and downloaded)."
    )
    marketplace: Marketplace = MARKETPLACE_FIELD
    report_type: ReportType | None = Field(default=None, description="The report to create (action create).")
    report_types: list[ReportType] = Field(
        default_factory=list, max_length=10, description="Report types to list (action list); empty means all."
    )
    data_start_time: AwareDatetime | None = Field(default=None, description="create: start of the data period.")
    data_end_time: AwareDatetime | None = Field(default=None, description="create: end of the data period.")
    report_id: str | None = Field(
        default=None, pattern=r"^[0-9]{1,30}$", description="The report, for status and download."
    )
    wait_seconds: int = Field(
        default=0,
        ge=0,
        le=120,
        description="create, status, download: poll the report until it is DONE, CANCELLED or FATAL, for up to "
        "this many seconds (0: do not wait).",
    )
    processing_statuses: list[ProcessingStatus] = Field(
        default_factory=list, max_length=5, description="list: only reports in these states."
    )
    created_since: AwareDatetime | None = Field(
        default=None, description="list: reports created since this time (Amazon's default: 90 days ago)."
    )
    row_offset: int = Field(default=0, ge=0, description="download: first data row to return (0-based).")
    max_rows: int = Field(default=500, ge=1, le=10_000, description="download: most rows to return.")
    page_size: int = Field(default=10, ge=1, le=100, description="list: reports per page.")
    next_token: str | None = Field(
        default=None, min_length=1, max_length=4000, description="list: page.next_cursor of the previous call."
    )

    @model_validator(mode="after")
    def _action_arguments(self) -> Self:
        if self.action == "create":
            if self.report_type is None:
                raise ValueError("action create needs report_type")
            if self.report_type in SCHEDULED_REPORTS:
                raise ValueError(
                    f"{self.report_type.value} is created by Amazon on a schedule; use action list, then download"
                )
            if self.data_start_time and self.data_end_time and self.data_end_time <= self.data_start_time:
                raise ValueError("data_end_time must be later than data_start_time")
        if self.action in ("status", "download") and self.report_id is None:
            raise ValueError(f"action {self.action} needs report_id")
        return self


class Report(ToolOutput):
    report_id: str
    report_type: str
    processing_status: str = Field(description="IN_QUEUE, IN_PROGRESS, DONE, CANCELLED (no data) or FATAL.")
    marketplace_ids: list[str]
    created_time: datetime | None
    data_start_time: datetime | None
    data_end_time: datetime | None
    processing_end_time: datetime | None
    report_document_id: str | None
    report_schedule_id: str | None


class ReportRow(ToolOutput):
    values: dict[str, str] = Field(description="Cell values by column name.")


class GetReportsOutput(ToolOutput):
    action: str
    report: Report | None
    reports: list[Report]
    columns: list[str]
    rows: list[ReportRow]
    total_rows: int | None = Field(description="Data rows in the whole document.")
    text: str | None = Field(description="The document text when it is not tab-separated (e.g. XML), trimmed.")
    note: str | None
    page: PageInfo


def _report(raw: dict[str, Any]) -> Report:
    return Report(
        report_id=str(raw.get("reportId", "")),
        report_type=str(raw.get("reportType", "")),
        processing_status=str(raw.get("processingStatus", "")),
        marketplace_ids=[str(value) for value in raw.get("marketplaceIds", [])],
        created_time=parse_time(raw.get("createdTime")),
        data_start_time=parse_time(raw.get("dataStartTime")),
        data_end_time=parse_time(raw.get("dataEndTime")),
        processing_end_time=parse_time(raw.get("processingEndTime")),
        report_document_id=raw.get("reportDocumentId"),
        report_schedule_id=raw.get("reportScheduleId"),
    )


async def _poll_report(client: SellingPartnerClient, report_id: str, wait_seconds: int) -> dict[str, Any]:
    """getReport until the report is finished or `wait_seconds` have passed, backing off from half a second."""
    deadline = time.monotonic() + wait_seconds
    delay = REPORT_POLL_FIRST_DELAY
    while True:
        raw = await client.get_report(report_id)
        remaining = deadline - time.monotonic()
        if raw.get("processingStatus") in ("DONE", "CANCELLED", "FATAL") or remaining <= 0:
            return raw
        await asyncio.sleep(min(delay, remaining))
        delay = min(delay * 2, REPORT_POLL_MAX_DELAY)


def _empty_reports_output(action: str, report: Report | None, note: str | None) -> GetReportsOutput:
    return GetReportsOutput(
        action=action,
        report=report,
        reports=[],
        columns=[],
        rows=[],
        total_rows=None,
        text=None,
        note=note,
        page=page_info(1 if report else 0, None, None),
    )


async def _download(params: GetReportsInput, ctx: ToolContext, client: SellingPartnerClient) -> GetReportsOutput:
    raw = await _poll_report(client, str(params.report_id), params.wait_seconds)
    report = _report(raw)
    if report.processing_status in ("CANCELLED", "FATAL"):
        raise VendorError(
            "amazon",
            f"report {report.report_id} ended {report.processing_status}",
            hint="CANCELLED means there was no data for the period; FATAL means Amazon could not build it: "
            "create it again, perhaps for a shorter period",
        )
    if report.report_document_id is None:
        pending = f"report {report.report_id} is {report.processing_status}; call again (or with wait_seconds)"
        return _empty_reports_output(params.action, report, pending)
    document = await client.get_report_document(report.report_document_id)
    text = await client.download_document(document)
    budget = ctx.runtime.settings.tool_response_budget_bytes
    lines = text.splitlines()
    if not lines or "\t" not in lines[0]:
        trimmed = text[: budget // 2]
        note = None if len(trimmed) == len(text) else f"text trimmed to {len(trimmed)} of {len(text)} characters"
        output = _empty_reports_output(params.action, report, note)
        output.text = trimmed
        return output
    table = list(csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
    columns, data = table[0], [row for row in table[1:] if any(row)]
    window = data[params.row_offset : params.row_offset + params.max_rows]
    rows = [ReportRow(values=dict(zip(columns, row, strict=False))) for row in window]
    kept, reason = fit_to_budget(rows, budget)
    next_offset = params.row_offset + len(kept)
    return GetReportsOutput(
        action=params.action,
        report=report,
        reports=[],
        columns=columns,
        rows=kept,
        total_rows=len(data),
        text=None,
        note=f"rows {params.row_offset} to {next_offset - 1} of {len(data)}" if kept else "no rows in this range",
        page=PageInfo(
            returned=len(kept),
            has_more=next_offset < len(data),
            next_cursor=None,
            next_page=None,
            truncated=reason is not None,
            truncated_reason=None if reason is None else f"{reason}; continue with row_offset={next_offset}",
        ),
    )


@group.tool(
    "amazon-get-reports",
    title="Amazon reports",
    read_only=True,
    open_world=True,
)
async def get_reports(params: GetReportsInput, ctx: ToolContext) -> GetReportsOutput:
    """Work with Amazon seller reports (Reports API 2021-06-30): create one (orders, listings, FBA inventory...),
    read its processing status (optionally waiting until it is DONE), download a DONE report's tab-separated rows
    (GZIP documents are decompressed; use row_offset to continue), or list reports including Amazon's settlement
    reports."""
    client = selling_partner_client(ctx)
    market = client.marketplace(params.marketplace)
    if params.action == "download":
        return await _download(params, ctx, client)
    if params.action == "list":
        found = await client.get_reports(
            marketplace=market,
            report_types=[kind.value for kind in (params.report_types or list(ReportType))],
            processing_statuses=params.processing_statuses,
            created_since=iso_time(params.created_since) if params.created_since else None,
            page_size=params.page_size,
            next_token=params.next_token,
        )
        reports = [_report(raw) for raw in found.get("reports", []) if isinstance(raw, dict)]
        output = _empty_reports_output(params.action, None, None)
        output.reports = reports
        output.page = page_info(len(reports), found.get("nextToken"), None)
        return output
    report_id = params.report_id
    if params.action == "create" and params.report_type is not None:
        report_id = await client.create_report(
            market,
            params.report_type.value,
            data_start_time=iso_time(params.data_start_time) if params.data_start_time else None,
            data_end_time=iso_time(params.data_end_time) if params.data_end_time else None,
        )
    raw = await _poll_report(client, str(report_id), params.wait_seconds)
    report = _report(raw)
    note = None
    if report.processing_status == "DONE":
        note = "ready: call again with action download and this report_id"
    elif report.processing_status in ("IN_QUEUE", "IN_PROGRESS"):
        note = "still being prepared: call again with action status (and wait_seconds) later"
    elif report.processing_status == "CANCELLED":
        note = "Amazon cancelled this report: there was no data for the period"
    elif report.processing_status == "FATAL":
        note = "Amazon could not build this report: create it again, perhaps for a shorter period"
    return _empty_reports_output(params.action, report, note)
