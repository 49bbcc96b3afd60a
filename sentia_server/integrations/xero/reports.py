"""Xero report rows (Header / Section / Row / SummaryRow, nested one level) read as labelled lines with amounts.

A report's first row is the header: its cells name the columns. Sections hold rows whose first cell is the
label (an account name, with the account id in the cell's `account` attribute) and whose other cells are values
per column. See https://developer.xero.com/documentation/api/accounting/reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from sentia_server.integrations.xero.models import Report, ReportRow

_NUMBER = re.compile(r"^\(?-?[\d,]*\.?\d+\)?$")


@dataclass(frozen=True)
class ReportLine:
    section: str
    label: str
    values: tuple[str, ...]
    kind: Literal["row", "summary"]
    account_id: str | None

    def amount(self, column: int = 0) -> Decimal | None:
        return amount(self.values[column]) if column < len(self.values) else None


@dataclass(frozen=True)
class ParsedReport:
    name: str
    type: str
    titles: tuple[str, ...]
    date: str | None
    columns: tuple[str, ...]
    lines: tuple[ReportLine, ...]

    def sections(self) -> list[tuple[str, list[ReportLine]]]:
        grouped: dict[str, list[ReportLine]] = {}
        for line in self.lines:
            grouped.setdefault(line.section, []).append(line)
        return list(grouped.items())

    def find(self, *labels: str, column: int = 0) -> ReportLine | None:
        """The first line labelled with one of `labels` (case-insensitive), trying the labels in order."""
        for label in labels:
            wanted = label.casefold()
            for line in self.lines:
                if line.label.casefold() == wanted and line.amount(column) is not None:
                    return line
        return None

    def account_lines(self, account_ids: Iterable[str]) -> list[ReportLine]:
        wanted = set(account_ids)
        return [line for line in self.lines if line.account_id is not None and line.account_id in wanted]


def amount(text: str) -> Decimal | None:
    """A report cell as a number: `1,234.56`, `-12.00` and accounting negatives `(12.00)`; None for text."""
    cleaned = text.strip().replace(",", "")
    if not cleaned or not _NUMBER.match(cleaned):
        return None
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    try:
        value = Decimal(cleaned.strip("()"))
    except InvalidOperation:
        return None
    return -value if negative else value


def _line(section: str, row: ReportRow) -> ReportLine | None:
    if row.row_type not in ("Row", "SummaryRow") or not row.cells:
        return None
    first = row.cells[0]
    account = next((attribute.value for attribute in first.attributes if attribute.id == "account"), None)
    if account is None:  # some reports carry the account id on the value cells only
        account = next(
            (a.value for cell in row.cells[1:] for a in cell.attributes if a.id == "account"),
            None,
        )
    return ReportLine(
        section=section,
        label=first.value,
        values=tuple(cell.value for cell in row.cells[1:]),
        kind="summary" if row.row_type == "SummaryRow" else "row",
        account_id=account,
    )


def parse_report(report: Report) -> ParsedReport:
    columns: tuple[str, ...] = ()
    lines: list[ReportLine] = []
    for row in report.rows:
        if row.row_type == "Header":
            columns = tuple(cell.value for cell in row.cells[1:])
        elif row.row_type == "Section":
            for inner in row.rows:
                line = _line(row.title, inner)
                if line is not None:
                    lines.append(line)
        else:
            line = _line("", row)
            if line is not None:
                lines.append(line)
    return ParsedReport(
        name=report.report_name,
        type=report.report_type,
        titles=tuple(report.report_titles),
        date=report.report_date,
        columns=columns,
        lines=tuple(lines),
    )
