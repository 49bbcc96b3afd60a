"""The Xero tools' input models refuse arguments that do not fit together, naming the problem."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from sentia_server.tools.xero.analytics import AnalyticsInput
from sentia_server.tools.xero.bank_transactions import BankTransactionsInput
from sentia_server.tools.xero.create_invoice import CreateInvoiceInput
from sentia_server.tools.xero.reports import FinancialReportInput

CONTACT = "6c8fb559-9aaa-5510-a766-3401f30694eb"
LINE = {"description": "Sentia Botanical Gin", "unit_amount": "24.00"}


@pytest.mark.parametrize(
    ("model", "arguments", "message"),
    [
        (
            FinancialReportInput,
            {"report": "TrialBalance", "periods": 2},
            "periods: not an argument of the TrialBalance",
        ),
        (
            FinancialReportInput,
            {"report": "AgedPayablesByContact"},
            "the AgedPayablesByContact report needs contact_id",
        ),
        (
            FinancialReportInput,
            {"report": "BankSummary", "from_date": "2026-02-01", "to_date": "2026-01-01"},
            "from_date must not be after to_date",
        ),
        (FinancialReportInput, {"report": "BalanceSheet", "periods": 12}, "compares at most 11 earlier periods"),
        (FinancialReportInput, {"report": "CashFlow"}, "report"),
        (BankTransactionsInput, {"bank_account_code": "090", "bank_account_id": CONTACT}, "not both"),
        (BankTransactionsInput, {"date_from": "2026-02-01", "date_to": "2026-01-01"}, "date_from must not be after"),
        (BankTransactionsInput, {"min_total": 10, "max_total": 5}, "min_total must not be after max_total"),
        (BankTransactionsInput, {"types": ["TRANSFER-IN"]}, "types.0"),
        (
            CreateInvoiceInput,
            {"contact_id": CONTACT, "line_items": [LINE], "email_to_contact": True},
            "email_to_contact needs an AUTHORISED sales invoice",
        ),
        (
            CreateInvoiceInput,
            {"contact_id": CONTACT, "line_items": [LINE], "invoice_date": "2026-11-27", "due_date": "2026-11-01"},
            "due_date must not be before invoice_date",
        ),
        (CreateInvoiceInput, {"contact_id": CONTACT, "line_items": []}, "at least 1 item"),
        (
            CreateInvoiceInput,
            {"contact_id": CONTACT, "line_items": [LINE], "idempotency_key": "has spaces"},
            "idempotency_key",
        ),
        (CreateInvoiceInput, {"contact_id": "not-a-guid", "line_items": [LINE]}, "contact_id"),
        (AnalyticsInput, {"analysis": "forecast", "as_of": "2026-01-01"}, "as_of applies to receivables_aging only"),
        (AnalyticsInput, {"analysis": "financial_ratios", "periods": 3}, "periods and confidence apply to forecast"),
        (AnalyticsInput, {"analysis": "receivables_aging", "to_date": "2026-01-01"}, "do not apply"),
        (AnalyticsInput, {"analysis": "forecast", "periods": 25}, "less than or equal to 24"),
        (
            AnalyticsInput,
            {"analysis": "cash_flow_trend", "from_date": "2026-05-01", "to_date": "2026-01-01"},
            "from_date must not be after to_date",
        ),
    ],
)
def test_arguments_that_do_not_fit_are_refused_with_the_reason(model: Any, arguments: dict[str, Any], message: str):
    with pytest.raises(ValidationError, match=message):
        model.model_validate(arguments)


def test_report_arguments_are_sent_under_xeros_names():
    balance = FinancialReportInput.model_validate(
        {
            "report": "BalanceSheet",
            "report_date": "2026-10-31",
            "periods": 3,
            "timeframe": "QUARTER",
            "tracking_option_id": CONTACT,
            "standard_layout": True,
            "payments_only": False,
        }
    )
    assert balance.xero_parameters() == {
        "date": "2026-10-31",
        "periods": 3,
        "timeframe": "QUARTER",
        "trackingOptionID1": CONTACT,
        "standardLayout": True,
        "paymentsOnly": False,
    }
    profit = FinancialReportInput.model_validate(
        {"report": "ProfitAndLoss", "tracking_category_id": CONTACT, "tracking_option_id": CONTACT}
    )
    assert profit.xero_parameters() == {"trackingCategoryID": CONTACT, "trackingOptionID": CONTACT}


def test_the_default_analysis_period_is_the_last_full_months():
    from datetime import date

    assert AnalyticsInput.model_validate({"analysis": "cash_flow_trend"}).period(date(2026, 11, 27)) == (
        date(2025, 11, 1),
        date(2026, 10, 31),
    )
    assert AnalyticsInput.model_validate({"analysis": "forecast"}).period(date(2026, 1, 5), 36) == (
        date(2023, 1, 1),
        date(2025, 12, 31),
    )
