"""Builds the `where` filters Xero's Accounting API accepts, with every caller-supplied value quoted safely.

Xero evaluates `where` as a .NET-style expression (`Type=="ACCREC" AND Date>=DateTime(2026, 01, 01)`); a value
that carried an unescaped quote could rewrite the filter, so strings are escaped and ids must be GUIDs.
See https://developer.xero.com/documentation/api/accounting/requests-and-responses (filtering with `where`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sentia_server.integrations.xero.dates import where_date

_FIELD = re.compile(r"^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$")
_OPERATORS = ("==", "!=", ">=", "<=", ">", "<")

Value = str | bool | int | Decimal | date | uuid.UUID


def literal(value: Value) -> str:
    """A value as a `where` literal: strings quoted and escaped, GUIDs as `Guid("...")`, dates as `DateTime(...)`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, uuid.UUID):
        return f'Guid("{value}")'
    if isinstance(value, date):
        return where_date(value)
    if isinstance(value, int | Decimal):
        return str(value)
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def condition(field: str, operator: str, value: Value) -> str:
    if not _FIELD.match(field):
        raise ValueError(f"not a Xero field path: {field!r}")
    if operator not in _OPERATORS:
        raise ValueError(f"not a where operator: {operator!r}")
    return f"{field}{operator}{literal(value)}"


def any_of(field: str, values: Iterable[Value]) -> str:
    """`(F=="a" OR F=="b")`, or a single condition when there is one value."""
    parts = [condition(field, "==", value) for value in values]
    if not parts:
        raise ValueError(f"any_of({field!r}) needs at least one value")
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def all_of(conditions: Iterable[str]) -> str | None:
    """The conditions joined with AND, or None when there are none (then no `where` is sent)."""
    parts = [part for part in conditions if part]
    return " AND ".join(parts) if parts else None
