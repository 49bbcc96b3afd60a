"""Xero's date forms, `where` literals, report cells and error bodies as the client reads and writes them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import httpx
import pytest

from sentia_server.integrations.xero.dates import http_date, parse_date, parse_datetime, where_date
from sentia_server.integrations.xero.errors import bad_request, error_messages, rejected_items
from sentia_server.integrations.xero.models import Invoice, Report
from sentia_server.integrations.xero.reports import amount, parse_report
from sentia_server.integrations.xero.where import all_of, any_of, condition, literal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/Date(1539993600000+0000)/", datetime(2018, 10, 20, tzinfo=UTC)),
        ("/Date(1539993600000)/", datetime(2018, 10, 20, tzinfo=UTC)),
        ("/Date(1552326816230)/", datetime(2019, 3, 11, 17, 53, 36, 230000, tzinfo=UTC)),
        ("2018-10-20T00:00:00", datetime(2018, 10, 20, tzinfo=UTC)),
        ("2019-11-14T18:10:38Z", datetime(2019, 11, 14, 18, 10, 38, tzinfo=UTC)),
        ("2018-10-20", datetime(2018, 10, 20, tzinfo=UTC)),
    ],
)
def test_both_date_forms_parse_to_the_same_instant(text, expected):
    assert parse_datetime(text) == expected


def test_a_dotnet_offset_sets_the_zone_without_moving_the_instant():
    parsed = parse_datetime("/Date(1539993600000+1300)/")
    assert parsed == datetime(2018, 10, 20, tzinfo=UTC)
    assert parsed.utcoffset() == timedelta(hours=13)
    assert parse_datetime("/Date(1539993600000-0530)/").tzinfo == timezone(-timedelta(hours=5, minutes=30))


def test_dates_and_literals_for_requests():
    assert parse_date("/Date(1546128000000+0000)/") == date(2018, 12, 30)
    assert where_date(date(2026, 1, 5)) == "DateTime(2026, 01, 05)"
    assert http_date(datetime(2026, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=1)))) == "2026-03-01T11:00:00"
    with pytest.raises(ValueError, match="not a Xero date"):
        parse_datetime("yesterday")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, "true"),
        (False, "false"),
        (Decimal("12.50"), "12.50"),
        (7, "7"),
        (date(2026, 2, 1), "DateTime(2026, 02, 01)"),
        (uuid.UUID("6c8fb559-9aaa-5510-a766-3401f30694eb"), 'Guid("6c8fb559-9aaa-5510-a766-3401f30694eb")'),
        ("Cave Lumière SARL", '"Cave Lumière SARL"'),
        ('A" OR Type=="ACCPAY', '"A\\" OR Type==\\"ACCPAY"'),
        ("back\\slash", '"back\\\\slash"'),
    ],
)
def test_where_literals_quote_and_escape_caller_values(value, expected):
    assert literal(value) == expected


def test_conditions_are_combined_and_checked():
    assert condition("Contact.Name", "==", "Bodega") == 'Contact.Name=="Bodega"'
    assert any_of("Status", ["AUTHORISED"]) == 'Status=="AUTHORISED"'
    assert any_of("Status", ["AUTHORISED", "PAID"]) == '(Status=="AUTHORISED" OR Status=="PAID")'
    assert all_of(["A==1", "", "B==2"]) == "A==1 AND B==2"
    assert all_of([]) is None
    with pytest.raises(ValueError, match="not a Xero field path"):
        condition("Name) OR (1", "==", "x")
    with pytest.raises(ValueError, match="not a where operator"):
        condition("Name", "=~", "x")
    with pytest.raises(ValueError, match="at least one value"):
        any_of("Status", [])


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1,234.56", Decimal("1234.56")),
        ("-12.00", Decimal("-12.00")),
        ("(45.10)", Decimal("-45.10")),
        ("0.00", Decimal("0.00")),
        ("", None),
        ("Opening Balance", None),
        ("30 Apr 2019", None),
        ("12 days overdue", None),
    ],
)
def test_report_cells_read_as_numbers_only_when_they_are(cell, expected):
    assert amount(cell) == expected


def _cell(value: str, account: str | None = None) -> dict:
    return {"Value": value, "Attributes": [{"Id": "account", "Value": account}]} if account else {"Value": value}


def test_a_report_reads_as_labelled_lines_by_section():
    report = Report.model_validate(
        {
            "ReportName": "Balance Sheet",
            "ReportType": "BalanceSheet",
            "ReportTitles": ["Balance Sheet", "Demo", "As at 30 April 2019"],
            "ReportDate": "12 April 2019",
            "Rows": [
                {"RowType": "Header", "Cells": [_cell(""), _cell("30 Apr 2019"), _cell("31 Mar 2019")]},
                {"RowType": "Section", "Title": "Assets", "Rows": []},
                {
                    "RowType": "Section",
                    "Title": "Current Assets",
                    "Rows": [
                        {"RowType": "Row", "Cells": [_cell("Inventory", "inv-1"), _cell("25000.00"), _cell("0.00")]},
                        {"RowType": "Row", "Cells": [_cell("Debtors"), _cell("10.00", "ar-1"), _cell("5.00")]},
                        {"RowType": "SummaryRow", "Cells": [_cell("Total Current Assets"), _cell("25010.00")]},
                    ],
                },
                {"RowType": "Row", "Cells": [_cell("Net Assets"), _cell("25010.00")]},
                {"RowType": "Row", "Cells": []},
            ],
        }
    )
    parsed = parse_report(report)
    assert parsed.columns == ("30 Apr 2019", "31 Mar 2019")
    assert parsed.titles == ("Balance Sheet", "Demo", "As at 30 April 2019")
    assert [(title, len(lines)) for title, lines in parsed.sections()] == [("Current Assets", 3), ("", 1)]
    total = parsed.find("Total Bank", "total current assets")
    assert total is not None and total.kind == "summary" and total.amount() == Decimal("25010.00")
    assert total.amount(5) is None
    assert parsed.find("Nowhere") is None
    assert [line.label for line in parsed.account_lines(["inv-1", "ar-1"])] == ["Inventory", "Debtors"]


def test_validation_messages_come_out_verbatim_in_order_without_repeats():
    body = {
        "ErrorNumber": 10,
        "Type": "ValidationException",
        "Message": "A validation exception occurred",
        "Elements": [
            {"ValidationErrors": [{"Message": "Invoice # must be unique."}, {"Message": "Due Date is required"}]},
            {"ValidationErrors": [{"Message": "Invoice # must be unique."}]},
            "not an element",
        ],
    }
    assert error_messages(body) == ["Invoice # must be unique.", "Due Date is required"]
    assert error_messages({"Message": "The resource could not be found"}) == ["The resource could not be found"]
    assert error_messages({"Title": "Unauthorized", "Detail": "AuthenticationUnsuccessful"}) == [
        "AuthenticationUnsuccessful"
    ]
    assert error_messages(["a list"]) == []


def test_bad_requests_and_rejected_items_name_xero_and_what_to_do():
    response = httpx.Response(400, json={"Elements": [{"ValidationErrors": [{"Message": "Contact is archived"}]}]})
    assert str(bad_request(response, "invoice")) == (
        "xero: refused the invoice: Contact is archived (HTTP 400); correct the request and try again"
    )
    empty = httpx.Response(400, text="<html>")
    assert "refused the report request: no reason given (HTTP 400)" in str(bad_request(empty, "report request"))
    assert (
        str(rejected_items("invoice", []))
        == "xero: refused the invoice: no reason given; correct the request and try again"
    )


def test_an_invoice_with_only_iso_date_strings_gets_its_dates_from_them():
    invoice = Invoice.model_validate(
        {
            "InvoiceID": "i",
            "Type": "ACCPAY",
            "Status": "PAID",
            "Contact": {"ContactID": "c"},
            "DateString": "2026-03-01T00:00:00",
            "DueDateString": "2026-03-31T00:00:00",
        }
    )
    assert (invoice.date, invoice.due_date) == (date(2026, 3, 1), date(2026, 3, 31))
    assert Invoice.model_validate(invoice) is invoice
