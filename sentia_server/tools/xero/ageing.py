"""Receivables (or payables) ageing as tools report it: buckets per currency and in base currency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import Field

from sentia_server.analytics import ageing
from sentia_server.integrations.xero.models import Invoice
from sentia_server.tools.registry import ToolOutput
from sentia_server.tools.xero.common import in_base_currency, money

MAX_AGEING_PAGES_NOTE = "more open invoices exist than one analysis reads (2000); the ageing covers the first 2000"


class AgeingBucketOut(ToolOutput):
    label: str
    min_days_overdue: int
    max_days_overdue: int | None
    amount: float
    count: int


class CurrencyAgeing(ToolOutput):
    currency: str
    buckets: list[AgeingBucketOut]
    total: float


class ContactBalance(ToolOutput):
    contact_id: str
    name: str
    outstanding: float = Field(description="Open amount in base currency.")
    overdue: float = Field(description="Part of it past the due date, in base currency.")


class AgeingSummary(ToolOutput):
    as_of: date
    base_currency: str
    by_currency: list[CurrencyAgeing] = Field(description="Buckets in each invoice currency.")
    base_currency_buckets: list[AgeingBucketOut] = Field(
        description="All invoices converted to base currency at each invoice's own rate."
    )
    base_currency_total: float
    average_days_overdue: float | None = Field(description="Days overdue weighted by the amount due.")
    largest_balances: list[ContactBalance] = Field(description="The five contacts with the most overdue.")
    invoices_considered: int
    complete: bool = Field(description="False when more open invoices existed than were read.")
    notes: list[str]


def _buckets(buckets: list[ageing.AgeingBucket]) -> list[AgeingBucketOut]:
    return [
        AgeingBucketOut(
            label=b.label,
            min_days_overdue=b.min_days,
            max_days_overdue=b.max_days,
            amount=money(b.amount),
            count=b.count,
        )
        for b in buckets
    ]


def ageing_summary(
    invoices: list[Invoice], as_of: date, base_currency: str, *, complete: bool, notes: list[str]
) -> AgeingSummary:
    """Buckets of the invoices' amounts due, per currency and in base currency."""
    open_items = [i for i in invoices if i.amount_due > 0]
    currencies = sorted({i.currency_code or base_currency for i in open_items})
    by_currency = []
    for currency in currencies:
        items = [
            ageing.OpenItem(i.due_date, i.amount_due)
            for i in open_items
            if (i.currency_code or base_currency) == currency
        ]
        buckets = ageing.age(items, as_of)
        by_currency.append(
            CurrencyAgeing(
                currency=currency,
                buckets=_buckets(buckets),
                total=money(sum((b.amount for b in buckets), Decimal(0))),
            )
        )
    base_items = [ageing.OpenItem(i.due_date, in_base_currency(i.amount_due, i.currency_rate)) for i in open_items]
    base_buckets = ageing.age(base_items, as_of)
    average = ageing.weighted_days_overdue(base_items, as_of)
    per_contact: dict[str, list[Any]] = {}
    for invoice, item in zip(open_items, base_items, strict=True):
        entry = per_contact.setdefault(invoice.contact.contact_id, [invoice.contact.name, Decimal(0), Decimal(0)])
        entry[1] += item.amount
        if ageing.days_overdue(item.due_date, as_of) > 0:
            entry[2] += item.amount
    largest = sorted(per_contact.items(), key=lambda pair: (-pair[1][2], -pair[1][1], pair[1][0]))[:5]
    return AgeingSummary(
        as_of=as_of,
        base_currency=base_currency,
        by_currency=by_currency,
        base_currency_buckets=_buckets(base_buckets),
        base_currency_total=money(sum((b.amount for b in base_buckets), Decimal(0))),
        average_days_overdue=None if average is None else round(float(average), 1),
        largest_balances=[
            ContactBalance(contact_id=cid, name=name, outstanding=money(total), overdue=money(overdue))
            for cid, (name, total, overdue) in largest
        ],
        invoices_considered=len(open_items),
        complete=complete,
        notes=notes,
    )
