"""How the backend stores Shopify objects: plain dicts keyed by Shopify's GraphQL field names, so the default
resolver serves most fields, plus `_`-prefixed links between records. Global IDs are `gid://shopify/<Type>/<n>`."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

Record = dict[str, Any]

CENT = Decimal("0.01")


def gid(kind: str, number: int) -> str:
    return f"gid://shopify/{kind}/{number}"


def gid_number(value: str, kind: str) -> int | None:
    """The number of a global ID of `kind`, or None when `value` is not one (a wrong type is not found either)."""
    prefix = f"gid://shopify/{kind}/"
    if not value.startswith(prefix):
        return None
    digits = value.removeprefix(prefix).split("?", 1)[0]
    return int(digits) if digits.isdigit() else None


def money(amount: Decimal) -> str:
    return f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):.2f}"


def money_v2(amount: Decimal, currency: str) -> Record:
    return {"amount": money(amount), "currencyCode": currency}


def money_bag(amount: Decimal, currency: str, presentment_currency: str, rate: Decimal) -> Record:
    """A MoneyBag: the amount in the shop's currency and in the currency the customer paid in."""
    presentment = amount if presentment_currency == currency else amount * rate
    return {"shopMoney": money_v2(amount, currency), "presentmentMoney": money_v2(presentment, presentment_currency)}


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
