"""Xero reports computed from the simulated books, so that created invoices and seeded activity show up in them.

A small double-entry ledger is derived from the state (opening balances, approved invoices and their payments,
bank transactions, month-end stock valuations), in base currency at each document's own rate. Reports are built
from it in Xero's row shape (Header / Section / Row / SummaryRow). Options the simulator does not model, such as
tracking categories or cash basis, answer 501 rather than being ignored.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sentia_testkit.simulators.xero.backend import Tenant
from sentia_testkit.simulators.xero.records import (
    ZERO,
    Record,
    add_months,
    amount_text,
    long_date,
    money,
)

INCOME_TYPES = ("SALES", "REVENUE")
OTHER_INCOME_TYPES = ("OTHERINCOME",)
COST_TYPES = ("DIRECTCOSTS",)
EXPENSE_TYPES = ("EXPENSE", "OVERHEADS", "DEPRECIATN")
PROFIT_TYPES = INCOME_TYPES + OTHER_INCOME_TYPES + COST_TYPES + EXPENSE_TYPES
TIMEFRAME_MONTHS = {"MONTH": 1, "QUARTER": 3, "YEAR": 12}


class ReportNotSupported(Exception):
    """A report or option the simulator does not model (answered 501)."""


class ReportParameterError(Exception):
    """A parameter Xero would refuse (answered 400)."""


Entry = tuple[date, str, Decimal]


def _system_code(tenant: Tenant, system: str) -> str:
    for account in tenant.accounts.values():
        if account.get("SystemAccount") == system:
            return str(account["Code"])
    raise ReportNotSupported(f"the seed data has no {system} account")


def _first_code(tenant: Tenant, account_type: str) -> str | None:
    codes = sorted(str(a["Code"]) for a in tenant.accounts.values() if a["Type"] == account_type)
    return codes[0] if codes else None


def ledger(tenant: Tenant) -> list[Entry]:
    """Every posting in base currency; positive amounts are debits."""
    entries: list[Entry] = [(tenant.opening_date, code, amount) for code, amount in tenant.opening_balances.items()]
    tax_code = next((str(a["Code"]) for a in tenant.accounts.values() if a.get("SystemAccount") == "GST"), None)
    for invoice in tenant.invoices.values():
        if invoice["Status"] not in ("AUTHORISED", "PAID"):
            continue
        receivable = invoice["Type"] == "ACCREC"
        control = _system_code(tenant, "DEBTORS" if receivable else "CREDITORS")
        sign = Decimal(1) if receivable else Decimal(-1)
        posted = _post_lines(entries, invoice, -sign, tax_code)
        entries.append((invoice["Date"], control, sign * posted))
        for payment in invoice["Payments"]:
            base = money(payment["Amount"] / invoice["CurrencyRate"])
            entries.append((payment["Date"], payment.get("_AccountCode") or control, sign * base))
            entries.append((payment["Date"], control, -sign * base))
    for transaction in tenant.bank_transactions.values():
        if transaction["Status"] != "AUTHORISED" or transaction["Type"] == "RECEIVE-TRANSFER":
            continue  # a transfer is posted once, from its spending side
        sign = Decimal(1) if transaction["Type"].startswith("RECEIVE") else Decimal(-1)
        posted = _post_lines(entries, transaction, -sign, tax_code)
        entries.append((transaction["Date"], transaction["BankAccount"]["Code"], sign * posted))
    inventory, cost = _first_code(tenant, "INVENTORY"), _first_code(tenant, "DIRECTCOSTS")
    if inventory is not None and cost is not None:
        previous = tenant.opening_balances.get(inventory, ZERO)
        for day, value in tenant.valuations:
            change = value - previous
            entries.extend([(day, inventory, change), (day, cost, -change)])
            previous = value
    return entries


def _post_lines(entries: list[Entry], document: Record, sign: Decimal, tax_code: str | None) -> Decimal:
    """Post a document's lines (net of tax) and its tax; the base-currency total posted."""
    rate = document["CurrencyRate"]
    posted = ZERO
    for line in document["LineItems"]:
        if line.get("AccountCode") is None:
            continue
        net = (
            line["LineAmount"] - line["TaxAmount"] if document["LineAmountTypes"] == "Inclusive" else line["LineAmount"]
        )
        base = money(net / rate)
        entries.append((document["Date"], line["AccountCode"], sign * base))
        posted += base
    tax = money(document["TotalTax"] / rate)
    if tax and tax_code is not None:
        entries.append((document["Date"], tax_code, sign * tax))
        posted += tax
    return posted


def balances(entries: list[Entry], until: date, since: date | None = None) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for day, code, amount in entries:
        if day <= until and (since is None or day >= since):
            totals[code] += amount
    return totals


# Row builders


def _cell(value: str, account_id: str | None = None, attribute: str = "account") -> Record:
    cell: Record = {"Value": value}
    if account_id is not None:
        cell["Attributes"] = [{"Value": account_id, "Id": attribute}]
    return cell


def _row(label: str, values: list[str], account_id: str | None = None, *, summary: bool = False) -> Record:
    cells = [_cell(label, account_id)] + [_cell(value, account_id) for value in values]
    return {"RowType": "SummaryRow" if summary else "Row", "Cells": cells}


def _section(title: str, rows: list[Record]) -> Record:
    return {"RowType": "Section", "Title": title, "Rows": rows}


def _header(first: str, columns: list[str]) -> Record:
    return {"RowType": "Header", "Cells": [_cell(first)] + [_cell(column) for column in columns]}


def _report(tenant: Tenant, name: str, kind: str, period: str, rows: list[Record], today: date) -> Record:
    return {
        "ReportID": kind,
        "ReportName": name,
        "ReportType": kind,
        "ReportTitles": [name, str(tenant.organisation["Name"]), period],
        "ReportDate": f"{today.day} {today:%B %Y}",
        "UpdatedDateUTC": datetime.now(UTC).replace(microsecond=0),
        "Fields": [],
        "Rows": rows,
    }


def _texts(values: list[Decimal]) -> list[str]:
    return [amount_text(value) for value in values]


def _accounts_of(tenant: Tenant, types: tuple[str, ...]) -> list[Record]:
    return sorted((a for a in tenant.accounts.values() if a["Type"] in types), key=lambda a: str(a["Code"]))


def _lines_for(
    tenant: Tenant, types: tuple[str, ...], columns: Sequence[Mapping[str, Decimal]], sign: Decimal
) -> tuple[list[Record], list[Decimal]]:
    """Rows of the accounts of `types` that are non-zero in some column, and each column's total."""
    rows, totals = [], [ZERO] * len(columns)
    for account in _accounts_of(tenant, types):
        values = [sign * column.get(str(account["Code"]), ZERO) for column in columns]
        if any(values):
            rows.append(_row(str(account["Name"]), [amount_text(v) for v in values], str(account["AccountID"])))
            totals = [total + value for total, value in zip(totals, values, strict=True)]
    return rows, totals


# Reports


def profit_and_loss(tenant: Tenant, params: Mapping[str, str], today: date) -> Record:
    _refuse(params, ("trackingCategoryID", "trackingCategoryID2", "trackingOptionID", "trackingOptionID2"))
    _refuse_true(params, "paymentsOnly")
    end = _date(params, "toDate") or today
    start = _date(params, "fromDate") or date(end.year, end.month, 1)
    if start > end:
        raise ReportParameterError("fromDate must not be after toDate")
    step = TIMEFRAME_MONTHS[_timeframe(params)]
    compared = _periods(params, maximum=11) if "periods" in params else 0
    ranges = [(add_months(start, -k * step), add_months(end, -k * step)) for k in range(compared + 1)]
    entries = ledger(tenant)
    columns = [balances(entries, until=to, since=frm) for frm, to in ranges]
    rows: list[Record] = [_header("", [f"{long_date(frm)} to {long_date(to)}" for frm, to in ranges])]
    income, income_total = _lines_for(tenant, INCOME_TYPES, columns, Decimal(-1))
    costs, cost_total = _lines_for(tenant, COST_TYPES, columns, Decimal(1))
    other, other_total = _lines_for(tenant, OTHER_INCOME_TYPES, columns, Decimal(-1))
    expenses, expense_total = _lines_for(tenant, EXPENSE_TYPES, columns, Decimal(1))
    gross = [i - c for i, c in zip(income_total, cost_total, strict=True)]
    net = [g + o - e for g, o, e in zip(gross, other_total, expense_total, strict=True)]
    rows.append(_section("Trading Income", [*income, _row("Total Trading Income", _texts(income_total), summary=True)]))
    if costs:
        rows.append(_section("Cost of Sales", [*costs, _row("Total Cost of Sales", _texts(cost_total), summary=True)]))
    rows.append(_section("", [_row("Gross Profit", _texts(gross))]))
    if other:
        rows.append(_section("Other Income", [*other, _row("Total Other Income", _texts(other_total), summary=True)]))
    if expenses:
        rows.append(
            _section(
                "Operating Expenses", [*expenses, _row("Total Operating Expenses", _texts(expense_total), summary=True)]
            )
        )
    rows.append(_section("", [_row("Net Profit", _texts(net))]))
    period = f"For the period {long_date(start)} to {long_date(end)}"
    return _report(tenant, "Profit and Loss", "ProfitAndLoss", period, rows, today)


def _fiscal_year_start(tenant: Tenant, day: date) -> date:
    """The first day of the financial year that contains `day`."""
    end_month = int(tenant.organisation.get("FinancialYearEndMonth", 12))
    end_day = int(tenant.organisation.get("FinancialYearEndDay", 31))

    def year_end(year: int) -> date:
        return date(year, end_month, min(end_day, calendar.monthrange(year, end_month)[1]))

    if day > year_end(day.year):
        return year_end(day.year) + timedelta(days=1)
    return year_end(day.year - 1) + timedelta(days=1)


def _position(tenant: Tenant, entries: list[Entry], day: date) -> dict[str, Decimal]:
    """Balance-sheet balances at `day`, with this year's profit as Current Year Earnings and earlier years' profit
    added to Retained Earnings (credit balances negative)."""
    totals = balances(entries, until=day)
    year_start = _fiscal_year_start(tenant, day)
    this_year = balances(entries, until=day, since=year_start)
    profit_codes = {str(a["Code"]) for a in tenant.accounts.values() if a["Type"] in PROFIT_TYPES}
    earnings = sum((this_year.get(code, ZERO) for code in profit_codes), ZERO)
    earlier = sum((totals.get(code, ZERO) for code in profit_codes), ZERO) - earnings
    position = {code: value for code, value in totals.items() if code not in profit_codes}
    retained = next(
        (str(a["Code"]) for a in tenant.accounts.values() if a.get("SystemAccount") == "RETAINEDEARNINGS"), None
    )
    if retained is not None:
        position[retained] = position.get(retained, ZERO) + earlier
    position["__current_year_earnings__"] = earnings
    return position


def balance_sheet(tenant: Tenant, params: Mapping[str, str], today: date) -> Record:
    _refuse(params, ("trackingOptionID1", "trackingOptionID2"))
    _refuse_true(params, "paymentsOnly")
    day = _date(params, "date") or today
    step = TIMEFRAME_MONTHS[_timeframe(params)]
    compared = _periods(params, maximum=11) if "periods" in params else 0
    days = [add_months(day, -k * step) for k in range(compared + 1)]
    entries = ledger(tenant)
    columns = [_position(tenant, entries, d) for d in days]
    rows: list[Record] = [_header("", [long_date(d) for d in days]), _section("Assets", [])]
    assets_total = [ZERO] * len(days)
    asset_sections: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("Bank", ("BANK",)),
        ("Current Assets", ("CURRENT", "INVENTORY", "PREPAYMENT")),
        ("Fixed Assets", ("FIXED",)),
        ("Non-current Assets", ("NONCURRENT",)),
    )
    for title, types in asset_sections:
        lines, totals = _lines_for(tenant, types, columns, Decimal(1))
        if lines:
            rows.append(_section(title, [*lines, _row(f"Total {title}", _texts(totals), summary=True)]))
            assets_total = [a + t for a, t in zip(assets_total, totals, strict=True)]
    rows.append(_section("", [_row("Total Assets", _texts(assets_total), summary=True)]))
    rows.append(_section("Liabilities", []))
    liabilities_total = [ZERO] * len(days)
    liability_sections: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("Current Liabilities", ("CURRLIAB", "PAYG")),
        ("Non-current Liabilities", ("TERMLIAB", "LIABILITY")),
    )
    for title, types in liability_sections:
        lines, totals = _lines_for(tenant, types, columns, Decimal(-1))
        if lines:
            rows.append(_section(title, [*lines, _row(f"Total {title}", _texts(totals), summary=True)]))
            liabilities_total = [a + t for a, t in zip(liabilities_total, totals, strict=True)]
    rows.append(_section("", [_row("Total Liabilities", _texts(liabilities_total), summary=True)]))
    net_assets = [a - li for a, li in zip(assets_total, liabilities_total, strict=True)]
    rows.append(_section("", [_row("Net Assets", _texts(net_assets))]))
    equity_lines, equity_total = _lines_for(tenant, ("EQUITY",), columns, Decimal(-1))
    earnings = [-column["__current_year_earnings__"] for column in columns]
    equity_total = [e + c for e, c in zip(equity_total, earnings, strict=True)]
    rows.append(
        _section(
            "Equity",
            [
                _row("Current Year Earnings", _texts(earnings)),
                *equity_lines,
                _row("Total Equity", _texts(equity_total), summary=True),
            ],
        )
    )
    return _report(tenant, "Balance Sheet", "BalanceSheet", f"As at {long_date(day)}", rows, today)


def trial_balance(tenant: Tenant, params: Mapping[str, str], today: date) -> Record:
    _refuse_true(params, "paymentsOnly")
    day = _date(params, "date") or today
    entries = ledger(tenant)
    position = _position(tenant, entries, day)
    this_year = balances(entries, until=day, since=_fiscal_year_start(tenant, day))
    rows: list[Record] = [_header("Account", ["Debit", "Credit", "YTD Debit", "YTD Credit"])]
    debit_total = credit_total = ZERO
    groups = (
        ("Revenue", INCOME_TYPES + OTHER_INCOME_TYPES),
        ("Expenses", COST_TYPES + EXPENSE_TYPES),
        ("Assets", ("BANK", "CURRENT", "INVENTORY", "PREPAYMENT", "FIXED", "NONCURRENT")),
        ("Liabilities", ("CURRLIAB", "PAYG", "TERMLIAB", "LIABILITY")),
        ("Equity", ("EQUITY",)),
    )
    for title, types in groups:
        lines = []
        for account in _accounts_of(tenant, types):
            code = str(account["Code"])
            value = this_year.get(code, ZERO) if account["Type"] in PROFIT_TYPES else position.get(code, ZERO)
            if not value:
                continue
            debit, credit = (value, ZERO) if value > 0 else (ZERO, -value)
            debit_total, credit_total = debit_total + debit, credit_total + credit
            figures = [amount_text(debit), amount_text(credit)] * 2
            lines.append(_row(f"{account['Name']} ({code})", figures, str(account["AccountID"])))
        if lines:
            rows.append(_section(title, lines))
    totals = [amount_text(debit_total), amount_text(credit_total)] * 2
    rows.append(_section("", [_row("Total", totals, summary=True)]))
    return _report(tenant, "Trial Balance", "TrialBalance", f"As at {long_date(day)}", rows, today)


def budget_summary(tenant: Tenant, params: Mapping[str, str], today: date) -> Record:
    day = _date(params, "date") or today
    periods = _periods(params, maximum=12)
    months = _int(params, "timeframe", default=1)
    if months not in (1, 3, 12):
        raise ReportParameterError("timeframe must be 1 (month), 3 (quarter) or 12 (year)")
    starts = [add_months(day.replace(day=1), k * months) for k in range(periods)]
    rows: list[Record] = [_header("Account", [f"{start:%b-%y}" for start in starts])]
    net = [ZERO] * periods
    for title, positive in (("Income", True), ("Expenses", False)):
        lines = []
        for account in sorted(tenant.accounts.values(), key=lambda a: str(a["Code"])):
            monthly = tenant.monthly_budget.get(str(account["Code"]))
            if monthly is None or (monthly > 0) != positive:
                continue
            value = abs(monthly) * months
            lines.append(_row(str(account["Name"]), [amount_text(value)] * periods, str(account["AccountID"])))
            net = [n + (value if positive else -value) for n in net]
        if lines:
            rows.append(_section(title, lines))
    rows.append(_section("", [_row("Net Profit", _texts(net))]))
    period = f"{starts[0]:%B %Y} to {add_months(starts[-1], months - 1):%B %Y}"
    return _report(tenant, "Budget Summary", "BudgetSummary", period, rows, today)


def bank_summary(tenant: Tenant, params: Mapping[str, str], today: date) -> Record:
    end = _date(params, "toDate") or today
    start = _date(params, "fromDate") or date(end.year, end.month, 1)
    entries = ledger(tenant)
    opening = balances(entries, until=start - timedelta(days=1))
    rows: list[Record] = [
        _header("Bank Accounts", ["Opening Balance", "Cash Received", "Cash Spent", "Closing Balance"])
    ]
    lines, sums = [], [ZERO] * 4
    for account in _accounts_of(tenant, ("BANK",)):
        code = str(account["Code"])
        moves = [amount for day, c, amount in entries if c == code and start <= day <= end]
        received = sum((m for m in moves if m > 0), ZERO)
        spent = -sum((m for m in moves if m < 0), ZERO)
        values = [opening.get(code, ZERO), received, spent, opening.get(code, ZERO) + received - spent]
        lines.append(_row(str(account["Name"]), _texts(values), str(account["AccountID"])))
        sums = [s + v for s, v in zip(sums, values, strict=True)]
    rows.append(_section("", [*lines, _row("Total", _texts(sums), summary=True)]))
    return _report(tenant, "Bank Summary", "BankSummary", f"From {long_date(start)} to {long_date(end)}", rows, today)


def _aged(kind: str, name: str, report_type: str) -> Callable[[Tenant, Mapping[str, str], date], Record]:
    def build(tenant: Tenant, params: Mapping[str, str], today: date) -> Record:
        contact_id = params.get("contactId")
        if not contact_id:
            raise ReportParameterError("contactId is required")
        contact = tenant.contacts.get(contact_id.lower())
        if contact is None:
            raise ReportParameterError(f"The contact with ContactID {contact_id} could not be found")
        day = _date(params, "date") or today
        start, end = _date(params, "fromDate"), _date(params, "toDate") or day
        rows: list[Record] = [_header("Date", ["Number", "Due Date", "", "Total", "Paid", "Credited", "Due"])]
        lines, sums = [], [ZERO] * 4
        invoices = sorted(
            (
                i
                for i in tenant.invoices.values()
                if i["Contact"]["ContactID"] == contact["ContactID"]
                and i["Type"] == kind
                and i["Status"] in ("AUTHORISED", "PAID")
            ),
            key=lambda i: (i["Date"], i["InvoiceNumber"]),
        )
        for invoice in invoices:
            if invoice["Date"] > end or (start is not None and invoice["Date"] < start):
                continue
            paid = sum((p["Amount"] for p in invoice["Payments"] if p["Date"] <= day), ZERO)
            due = invoice["Total"] - paid
            if due <= 0:
                continue
            late = (day - invoice["DueDate"]).days
            values = [invoice["Total"], paid, ZERO, due]
            cells = [
                invoice["Date"].isoformat() + "T00:00:00",
                invoice["InvoiceNumber"],
                invoice["DueDate"].isoformat() + "T00:00:00",
                f"{late} days overdue" if late > 0 else "",
                *_texts(values),
            ]
            lines.append({"RowType": "Row", "Cells": [_cell(c, invoice["InvoiceID"], "invoiceID") for c in cells]})
            sums = [s + v for s, v in zip(sums, values, strict=True)]
        rows.append(_section("", [*lines, _row("Total", ["", "", "", *_texts(sums)], summary=True)]))
        period = f"Showing payments to {long_date(day)}"
        report = _report(tenant, name, report_type, period, rows, today)
        report["ReportTitles"] = ["Invoices", str(contact["Name"]), period]
        return report

    return build


REPORTS: dict[str, Callable[[Tenant, Mapping[str, str], date], Record]] = {
    "ProfitAndLoss": profit_and_loss,
    "BalanceSheet": balance_sheet,
    "TrialBalance": trial_balance,
    "BudgetSummary": budget_summary,
    "BankSummary": bank_summary,
    "AgedReceivablesByContact": _aged("ACCREC", "Aged Receivables By Contact", "AgedReceivablesByContact"),
    "AgedPayablesByContact": _aged("ACCPAY", "Aged Payables By Contact", "AgedPayablesByContact"),
}
PARAMETERS: dict[str, frozenset[str]] = {
    "ProfitAndLoss": frozenset(
        {
            "fromDate",
            "toDate",
            "periods",
            "timeframe",
            "trackingCategoryID",
            "trackingCategoryID2",
            "trackingOptionID",
            "trackingOptionID2",
            "standardLayout",
            "paymentsOnly",
        }
    ),
    "BalanceSheet": frozenset(
        {"date", "periods", "timeframe", "trackingOptionID1", "trackingOptionID2", "standardLayout", "paymentsOnly"}
    ),
    "TrialBalance": frozenset({"date", "paymentsOnly"}),
    "BudgetSummary": frozenset({"date", "periods", "timeframe"}),
    "BankSummary": frozenset({"fromDate", "toDate"}),
    "AgedReceivablesByContact": frozenset({"contactId", "date", "fromDate", "toDate"}),
    "AgedPayablesByContact": frozenset({"contactId", "date", "fromDate", "toDate"}),
}


def build_report(tenant: Tenant, name: str, params: Mapping[str, str], today: date) -> Record:
    builder = REPORTS.get(name)
    if builder is None:
        raise ReportNotSupported(f"the {name} report is not implemented by the simulator")
    unknown = sorted(set(params) - PARAMETERS[name])
    if unknown:
        raise ReportNotSupported(f"{name} parameters {', '.join(unknown)} are not implemented by the simulator")
    return builder(tenant, params, today)


# Parameters


def _refuse(params: Mapping[str, str], names: tuple[str, ...]) -> None:
    used = [name for name in names if params.get(name)]
    if used:
        raise ReportNotSupported(f"{', '.join(used)} (tracking) is not implemented by the simulator")


def _refuse_true(params: Mapping[str, str], name: str) -> None:
    if params.get(name, "false").lower() == "true":
        raise ReportNotSupported(f"{name}=true (cash basis) is not implemented by the simulator")


def _date(params: Mapping[str, str], name: str) -> date | None:
    value = params.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ReportParameterError(f"{name} must be a date in the form YYYY-MM-DD") from None


def _int(params: Mapping[str, str], name: str, *, default: int) -> int:
    value = params.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ReportParameterError(f"{name} must be a whole number") from None


def _periods(params: Mapping[str, str], *, maximum: int) -> int:
    periods = _int(params, "periods", default=1)
    if not 1 <= periods <= maximum:
        raise ReportParameterError(f"periods must be between 1 and {maximum}")
    return periods


def _timeframe(params: Mapping[str, str]) -> str:
    timeframe = params.get("timeframe", "MONTH").upper()
    if timeframe not in TIMEFRAME_MONTHS:
        raise ReportParameterError("timeframe must be MONTH, QUARTER or YEAR")
    return timeframe
