"""The Xero simulator's state: one organisation per tenant, seeded from `fixtures/xero/*.json`, plus the OAuth
state of one app (client credentials, authorization codes, rotating refresh tokens) and per-tenant call counts.

One method per business operation; the HTTP mapping lives in routes.py, the error shapes in errors.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sentia_testkit.simulators.seed_data import seed_dir
from sentia_testkit.simulators.xero.records import ZERO, Record, money, parse_iso_datetime

FIXTURES_DIR = seed_dir("xero")
ACCESS_TOKEN_SECONDS = 1800
REFRESH_TOKEN_SECONDS = 60 * 24 * 3600
GRANTED_SCOPES = frozenset(
    {
        "offline_access",
        "openid",
        "profile",
        "email",
        "accounting.transactions",
        "accounting.transactions.read",
        "accounting.reports.read",
        "accounting.contacts",
        "accounting.contacts.read",
        "accounting.settings",
        "accounting.settings.read",
    }
)
CREATABLE_STATUSES = ("DRAFT", "SUBMITTED", "AUTHORISED")
AUTH_SCHEME = "Bearer"
_NAMESPACE = uuid.UUID("0b0c6d3e-54a8-4b0f-a0a1-7e2f3c9d4e10")


@dataclass(frozen=True)
class Limits:
    """Xero's documented limits; lower them in a test to reach a 429 quickly."""

    per_minute: int = 60
    per_day: int = 5000
    app_per_minute: int = 10_000


@dataclass
class IssuedToken:
    expires_at: float
    scope: str


@dataclass
class PendingCode:
    code_challenge: str
    redirect_uri: str
    scope: str


@dataclass
class Tenant:
    """One organisation's books."""

    connection: Record
    organisation: Record
    accounts: dict[str, Record]
    contacts: dict[str, Record]
    invoices: dict[str, Record]
    bank_transactions: dict[str, Record]
    opening_date: date
    opening_balances: dict[str, Decimal]
    valuations: list[tuple[date, Decimal]]
    monthly_budget: dict[str, Decimal]
    tax_rates: dict[str, Decimal]
    currency_rates: dict[str, Decimal]
    emailed: list[str] = field(default_factory=list)
    idempotent: dict[str, Any] = field(default_factory=dict)
    minute_calls: deque[float] = field(default_factory=deque)
    day_calls: deque[float] = field(default_factory=deque)
    created: int = 0

    @property
    def tenant_id(self) -> str:
        return str(self.connection["tenantId"])

    @property
    def base_currency(self) -> str:
        return str(self.organisation["BaseCurrency"])

    def account_by_code(self, code: str | None) -> Record | None:
        return next((a for a in self.accounts.values() if code is not None and a.get("Code") == code), None)


class ValidationFailed(Exception):
    """Validation messages for one item, in Xero's wording style."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


class XeroBackend:
    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        fixtures: Path = FIXTURES_DIR,
        clock: Callable[[], float] = time.time,
        today: date | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.fixtures = fixtures
        self.clock = clock
        self._today = today
        self.limits = limits or Limits()
        self.reset()

    def reset(self) -> None:
        """Back to the seed data, with no tokens issued and every organisation connected."""
        self.tenants: dict[str, Tenant] = {}
        files = sorted(self.fixtures.glob("*.json"))
        if not files:
            raise FileNotFoundError(f"no Xero seed data (*.json) in {self.fixtures}")
        for path in files:
            tenant = _load_tenant(json.loads(path.read_text(encoding="utf-8")))
            self.tenants[tenant.tenant_id] = tenant
        self.connected: list[str] = list(self.tenants)
        self.access_tokens: dict[str, IssuedToken] = {}
        self.refresh_tokens: dict[str, IssuedToken] = {}
        self.codes: dict[str, PendingCode] = {}
        self.consent_refusals = 0
        self.app_calls: deque[float] = deque()

    def today(self) -> date:
        return self._today or datetime.fromtimestamp(self.clock(), UTC).date()

    # OAuth

    def client_ok(self, client_id: str | None, client_secret: str | None) -> bool:
        return secrets.compare_digest(client_id or "", self.client_id) and secrets.compare_digest(
            client_secret or "", self.client_secret
        )

    def scopes_granted(self, scope: str) -> bool:
        return set(scope.split()) <= GRANTED_SCOPES

    def issue_access(self, scope: str, *, refresh: bool) -> Record:
        now = self.clock()
        access = secrets.token_urlsafe(32)
        self.access_tokens[access] = IssuedToken(now + ACCESS_TOKEN_SECONDS, scope)
        answer: Record = {
            "access_token": access,
            "expires_in": ACCESS_TOKEN_SECONDS,
            "token_type": AUTH_SCHEME,
            "scope": scope,
        }
        if refresh:
            token = secrets.token_urlsafe(32)
            self.refresh_tokens[token] = IssuedToken(now + REFRESH_TOKEN_SECONDS, scope)
            answer["refresh_token"] = token
        return answer

    def authorize(self, *, code_challenge: str, redirect_uri: str, scope: str) -> str:
        """What the consent page does when the user approves: an authorization code for this PKCE challenge."""
        code = secrets.token_urlsafe(24)
        self.codes[code] = PendingCode(code_challenge, redirect_uri, scope)
        return code

    def consent(self, *, code_challenge: str, redirect_uri: str, scope: str) -> str | None:
        """The user at the consent page: approves (an authorization code), or refuses (None) while
        `consent_refusals` is above zero."""
        if self.consent_refusals > 0:
            self.consent_refusals -= 1
            return None
        return self.authorize(code_challenge=code_challenge, redirect_uri=redirect_uri, scope=scope)

    def redeem_code(self, code: str, redirect_uri: str, verifier: str) -> Record | None:
        pending = self.codes.pop(code, None)
        if pending is None or pending.redirect_uri != redirect_uri or _challenge(verifier) != pending.code_challenge:
            return None
        return self.issue_access(pending.scope, refresh=True)

    def rotate(self, refresh_token: str) -> Record | None:
        """A refresh grant: the old refresh token is spent and a new one issued with the new access token."""
        issued = self.refresh_tokens.pop(refresh_token, None)
        if issued is None or issued.expires_at <= self.clock():
            return None
        return self.issue_access(issued.scope, refresh=True)

    def token_valid(self, token: str) -> bool:
        issued = self.access_tokens.get(token)
        return issued is not None and issued.expires_at > self.clock()

    def expire_tokens(self) -> None:
        """Every access token issued so far expires now (refresh tokens stay valid)."""
        past = self.clock() - 1
        for issued in self.access_tokens.values():
            issued.expires_at = past

    def connections(self) -> list[Record]:
        return [self.tenants[tenant_id].connection for tenant_id in self.connected]

    def disconnect(self, tenant_id: str) -> None:
        self.connected.remove(tenant_id)

    def tenant(self, tenant_id: str | None) -> Tenant | None:
        if tenant_id is None:
            return None
        for known in self.connected:
            if known.lower() == tenant_id.strip().lower():
                return self.tenants[known]
        return None

    # Limits

    def count_call(self, tenant: Tenant) -> tuple[str | None, int, dict[str, str]]:
        """Record a call; the exceeded limit (or None), the seconds until it frees up, and the remaining-calls
        headers Xero sends with every answer."""
        now = self.clock()
        for window, calls in ((60, tenant.minute_calls), (86_400, tenant.day_calls), (60, self.app_calls)):
            while calls and calls[0] <= now - window:
                calls.popleft()
        problem, wait = None, 0
        checks = (
            ("minute", tenant.minute_calls, self.limits.per_minute, 60),
            ("day", tenant.day_calls, self.limits.per_day, 86_400),
            ("appminute", self.app_calls, self.limits.app_per_minute, 60),
        )
        for name, calls, limit, window in checks:
            if len(calls) >= limit:
                problem, wait = name, max(1, int(calls[0] + window - now + 0.999))
                break
        if problem is None:
            for calls in (tenant.minute_calls, tenant.day_calls, self.app_calls):
                calls.append(now)
        remaining = {
            "X-MinLimit-Remaining": str(max(self.limits.per_minute - len(tenant.minute_calls), 0)),
            "X-DayLimit-Remaining": str(max(self.limits.per_day - len(tenant.day_calls), 0)),
            "X-AppMinLimit-Remaining": str(max(self.limits.app_per_minute - len(self.app_calls), 0)),
        }
        return problem, wait, remaining

    # Invoices

    def create_invoice(self, tenant: Tenant, data: Record, *, commit: bool = True) -> Record:
        """Validate and (when `commit`) store one invoice; ValidationFailed carries every problem found."""
        problems: list[str] = []
        kind = data.get("Type")
        if kind not in ("ACCREC", "ACCPAY"):
            problems.append("Invoice Type must be ACCREC or ACCPAY")
        status = data.get("Status", "DRAFT")
        if status not in CREATABLE_STATUSES:
            problems.append(f"Invoice not of valid status for creation: {status}")
        contact = self._contact_for(tenant, data.get("Contact"), problems)
        currency = data.get("CurrencyCode") or tenant.base_currency
        if currency not in tenant.currency_rates:
            problems.append(f"The currency '{currency}' is not enabled for this organisation.")
        line_types = data.get("LineAmountTypes", "Exclusive")
        if line_types not in ("Exclusive", "Inclusive", "NoTax"):
            problems.append(f"LineAmountTypes '{line_types}' is not valid")
        lines = [self._line(tenant, raw, line_types, status, problems) for raw in data.get("LineItems") or []]
        if not lines:
            problems.append("At least one line item must be specified")
        number = data.get("InvoiceNumber")
        if number and any(
            i["InvoiceNumber"] == number and i["Type"] == kind and i["Status"] != "DELETED"
            for i in tenant.invoices.values()
        ):
            problems.append("Invoice # must be unique.")
        issued = _optional_date(data.get("Date"), "Date", problems) or self.today()
        due = _optional_date(data.get("DueDate"), "DueDate", problems)
        if status == "AUTHORISED" and due is None:
            problems.append("Due Date is required for an AUTHORISED invoice")
        if problems or contact is None:
            raise ValidationFailed(problems)
        if not commit:
            return data
        tenant.created += 1
        if not number and kind == "ACCREC":
            number = f"INV-{len([i for i in tenant.invoices.values() if i['Type'] == 'ACCREC']) + 1:04d}"
        rate = data.get("CurrencyRate") or tenant.currency_rates[currency]
        record: Record = {
            "Type": kind,
            "InvoiceID": str(uuid.uuid5(_NAMESPACE, f"{tenant.tenant_id}/created/{tenant.created}")),
            "InvoiceNumber": number or "",
            "Reference": data.get("Reference", ""),
            "Contact": {"ContactID": contact["ContactID"], "Name": contact["Name"]},
            "Date": issued,
            "DueDate": due,
            "Status": status,
            "LineAmountTypes": line_types,
            "LineItems": lines,
            "CurrencyCode": currency,
            "CurrencyRate": Decimal(str(rate)),
            "Payments": [],
            "SentToContact": False,
            "HasAttachments": False,
            "UpdatedDateUTC": datetime.fromtimestamp(self.clock(), UTC).replace(microsecond=0),
        }
        for key in ("Url", "BrandingThemeID"):
            if data.get(key):
                record[key] = data[key]
        _settle(record)
        tenant.invoices[record["InvoiceID"]] = record
        return record

    def _contact_for(self, tenant: Tenant, raw: Any, problems: list[str]) -> Record | None:
        contact_id = raw.get("ContactID") if isinstance(raw, dict) else None
        if not contact_id:
            problems.append("A Contact must be specified for this type of transaction")
            return None
        contact = tenant.contacts.get(str(contact_id).lower())
        if contact is None:
            problems.append(f"The Contact with ContactID {contact_id} could not be found")
        elif contact["ContactStatus"] != "ACTIVE":
            problems.append(f"The contact '{contact['Name']}' is archived and cannot be used on new transactions")
        return contact

    def _line(self, tenant: Tenant, raw: Any, line_types: str, status: Any, problems: list[str]) -> Record:
        raw = raw if isinstance(raw, dict) else {}
        description = raw.get("Description") or ""
        if not description and not raw.get("ItemCode"):
            problems.append("Description or ItemCode must be specified for each line item")
        code = raw.get("AccountCode")
        account = tenant.account_by_code(code)
        if not code and status != "DRAFT":
            problems.append("Account code must be specified for each line item of an approved invoice")
        elif code and account is None:
            problems.append(f"Account code '{code}' is not a valid code for this document.")
        elif account is not None and account["Status"] != "ACTIVE":
            problems.append(
                f"Account code '{code}' has been archived, or deleted. Each line item must reference a valid account."
            )
        tax_type = raw.get("TaxType") or (account or {}).get("TaxType") or "NONE"
        if tax_type not in tenant.tax_rates:
            problems.append(
                f"The TaxType code '{tax_type}' does not exist or cannot be used for this type of transaction."
            )
        try:
            quantity = Decimal(str(raw.get("Quantity", 1)))
            unit = Decimal(str(raw.get("UnitAmount", 0)))
            discount = Decimal(str(raw.get("DiscountRate") or 0))
        except ArithmeticError:
            problems.append("Quantity, UnitAmount and DiscountRate must be numbers")
            quantity, unit, discount = Decimal(1), ZERO, ZERO
        line: Record = {
            "LineItemID": str(uuid.uuid4()),
            "Description": description,
            "Quantity": quantity,
            "UnitAmount": unit,
            "AccountCode": code,
            "TaxType": tax_type,
        }
        if raw.get("ItemCode"):
            line["ItemCode"] = raw["ItemCode"]
        if discount:
            line["DiscountRate"] = discount
        if raw.get("Tracking"):
            line["Tracking"] = raw["Tracking"]
        _price_line(line, tenant.tax_rates.get(tax_type, ZERO), line_types, discount)
        return line

    def email_invoice(self, tenant: Tenant, invoice_id: str) -> str | None:
        """None when sent, else why not (Xero's 400); KeyError when there is no such invoice."""
        invoice = tenant.invoices[invoice_id.lower()]
        contact = tenant.contacts.get(invoice["Contact"]["ContactID"])
        if invoice["Type"] != "ACCREC" or invoice["Status"] not in ("SUBMITTED", "AUTHORISED", "PAID"):
            return "Only approved sales invoices can be emailed"
        if contact is None or not contact.get("EmailAddress"):
            return "The contact has no email address"
        invoice["SentToContact"] = True
        tenant.emailed.append(invoice_id.lower())
        return None

    # Reads

    def invoice_list(self, tenant: Tenant) -> list[Record]:
        return list(tenant.invoices.values())

    def contact_list(self, tenant: Tenant) -> list[Record]:
        """Contacts with their Balances computed from the open invoices, in base currency, as Xero reports them."""
        today = self.today()
        totals: dict[str, dict[str, list[Decimal]]] = {}
        for invoice in tenant.invoices.values():
            if invoice["Status"] not in ("AUTHORISED", "SUBMITTED") or invoice["AmountDue"] <= 0:
                continue
            side = "AccountsReceivable" if invoice["Type"] == "ACCREC" else "AccountsPayable"
            base = money(invoice["AmountDue"] / invoice["CurrencyRate"])
            entry = totals.setdefault(invoice["Contact"]["ContactID"], {}).setdefault(side, [ZERO, ZERO])
            entry[0] += base
            if invoice["DueDate"] is not None and invoice["DueDate"] < today:
                entry[1] += base
        contacts = []
        for contact in tenant.contacts.values():
            sides = totals.get(contact["ContactID"], {})
            balances = {
                side: {"Outstanding": sides.get(side, [ZERO, ZERO])[0], "Overdue": sides.get(side, [ZERO, ZERO])[1]}
                for side in ("AccountsReceivable", "AccountsPayable")
            }
            contacts.append({**contact, "Balances": balances})
        return contacts

    def payment_list(self, tenant: Tenant) -> list[Record]:
        payments = []
        for invoice in tenant.invoices.values():
            for payment in invoice["Payments"]:
                account = tenant.account_by_code(payment.get("_AccountCode")) or {}
                payments.append(
                    {
                        "PaymentID": payment["PaymentID"],
                        "Date": payment["Date"],
                        "Amount": payment["Amount"],
                        "CurrencyRate": invoice["CurrencyRate"],
                        "PaymentType": "ACCRECPAYMENT" if invoice["Type"] == "ACCREC" else "ACCPAYPAYMENT",
                        "Status": "AUTHORISED",
                        "Reference": payment.get("Reference", ""),
                        "IsReconciled": True,
                        "Invoice": {
                            "InvoiceID": invoice["InvoiceID"],
                            "InvoiceNumber": invoice["InvoiceNumber"],
                            "Type": invoice["Type"],
                            "CurrencyCode": invoice["CurrencyCode"],
                        },
                        "Account": {"AccountID": account.get("AccountID"), "Code": account.get("Code")},
                        "UpdatedDateUTC": datetime.combine(payment["Date"], datetime.min.time(), UTC),
                    }
                )
        return payments


def _optional_date(value: Any, name: str, problems: list[str]) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        problems.append(f"{name} must be a date in the form YYYY-MM-DD")
        return None


def _price_line(line: Record, rate: Decimal, line_types: str, discount: Decimal) -> None:
    """LineAmount and TaxAmount the way Xero computes them from quantity, unit amount, discount and tax type."""
    amount = money(line["Quantity"] * line["UnitAmount"] * (1 - discount / 100))
    line["LineAmount"] = amount
    if line_types == "Inclusive":
        line["TaxAmount"] = money(amount * rate / (1 + rate))
    elif line_types == "Exclusive":
        line["TaxAmount"] = money(amount * rate)
    else:
        line["TaxAmount"] = ZERO


def _settle(invoice: Record) -> None:
    """Totals from the lines, paid and due amounts from the payments, and PAID once nothing is due."""
    lines = invoice["LineItems"]
    tax = sum((line["TaxAmount"] for line in lines), ZERO)
    amounts = sum((line["LineAmount"] for line in lines), ZERO)
    sub_total = amounts - tax if invoice["LineAmountTypes"] == "Inclusive" else amounts
    paid = sum((payment["Amount"] for payment in invoice["Payments"]), ZERO)
    invoice.update(
        SubTotal=sub_total,
        TotalTax=tax,
        Total=sub_total + tax,
        AmountPaid=paid,
        AmountCredited=ZERO,
        AmountDue=sub_total + tax - paid,
    )
    if invoice["Payments"] and invoice["AmountDue"] <= 0 and invoice["Status"] == "AUTHORISED":
        invoice["Status"] = "PAID"
    if invoice["Status"] == "PAID":
        invoice["FullyPaidOnDate"] = max(payment["Date"] for payment in invoice["Payments"])


def _decimals(values: Iterable[tuple[str, Any]]) -> dict[str, Decimal]:
    return {key: Decimal(str(value)) for key, value in values}


def _load_tenant(seed: Record) -> Tenant:
    accounts = {
        a["AccountID"]: {**a, "UpdatedDateUTC": parse_iso_datetime(a["UpdatedDateUTC"])} for a in seed["Accounts"]
    }
    contacts = {
        c["ContactID"]: {**c, "UpdatedDateUTC": parse_iso_datetime(c["UpdatedDateUTC"])} for c in seed["Contacts"]
    }
    tax_rates = _decimals(seed["TaxRates"].items())
    tenant = Tenant(
        connection=seed["Connection"],
        organisation=seed["Organisation"],
        accounts=accounts,
        contacts=contacts,
        invoices={},
        bank_transactions={},
        opening_date=date.fromisoformat(seed["OpeningBalances"]["Date"]),
        opening_balances=_decimals(seed["OpeningBalances"]["Balances"].items()),
        valuations=[
            (date.fromisoformat(v["Date"]), Decimal(str(v["InventoryValue"]))) for v in seed["InventoryValuations"]
        ],
        monthly_budget=_decimals(seed["MonthlyBudget"].items()),
        tax_rates=tax_rates,
        currency_rates=_decimals(seed["CurrencyRates"].items()),
    )
    for raw in seed["Invoices"]:
        contact = contacts[raw["ContactID"]]
        invoice: Record = {
            **{k: v for k, v in raw.items() if k not in ("ContactID", "LineItems", "Payments")},
            "Contact": {"ContactID": contact["ContactID"], "Name": contact["Name"]},
            "Date": date.fromisoformat(raw["Date"]),
            "DueDate": date.fromisoformat(raw["DueDate"]),
            "CurrencyRate": Decimal(str(raw["CurrencyRate"])),
            "UpdatedDateUTC": parse_iso_datetime(raw["UpdatedDateUTC"]),
            "HasAttachments": False,
            "LineItems": [],
            "Payments": [
                {
                    "PaymentID": p["PaymentID"],
                    "Date": date.fromisoformat(p["Date"]),
                    "Amount": money(p["Amount"]),
                    "Reference": p.get("Reference", ""),
                    "_AccountCode": p["AccountCode"],
                }
                for p in raw["Payments"]
            ],
        }
        for index, raw_line in enumerate(raw["LineItems"]):
            line: Record = {
                "LineItemID": str(uuid.uuid5(_NAMESPACE, f"{raw['InvoiceID']}/{index}")),
                "Description": raw_line["Description"],
                "Quantity": Decimal(str(raw_line["Quantity"])),
                "UnitAmount": Decimal(str(raw_line["UnitAmount"])),
                "AccountCode": raw_line["AccountCode"],
                "TaxType": raw_line["TaxType"],
            }
            if "ItemCode" in raw_line:
                line["ItemCode"] = raw_line["ItemCode"]
            _price_line(line, tax_rates[line["TaxType"]], invoice["LineAmountTypes"], ZERO)
            invoice["LineItems"].append(line)
        _settle(invoice)
        tenant.invoices[invoice["InvoiceID"]] = invoice
    for raw in seed["BankTransactions"]:
        tenant.bank_transactions[raw["BankTransactionID"]] = _bank_transaction(tenant, raw)
    return tenant


def _bank_transaction(tenant: Tenant, raw: Record) -> Record:
    contact = tenant.contacts[raw["ContactID"]]
    account = tenant.account_by_code(raw["BankAccountCode"])
    if account is None:
        raise ValueError(f"seed data: bank account {raw['BankAccountCode']} is not in the chart of accounts")
    lines = []
    for index, raw_line in enumerate(raw["LineItems"]):
        line: Record = {
            "LineItemID": str(uuid.uuid5(_NAMESPACE, f"{raw['BankTransactionID']}/{index}")),
            "Description": raw_line["Description"],
            "Quantity": Decimal(str(raw_line["Quantity"])),
            "UnitAmount": Decimal(str(raw_line["UnitAmount"])),
            "AccountCode": raw_line["AccountCode"],
            "TaxType": raw_line["TaxType"],
        }
        _price_line(line, tenant.tax_rates[line["TaxType"]], raw["LineAmountTypes"], ZERO)
        lines.append(line)
    record: Record = {
        **{k: v for k, v in raw.items() if k not in ("ContactID", "BankAccountCode", "LineItems")},
        "Contact": {"ContactID": contact["ContactID"], "Name": contact["Name"]},
        "BankAccount": {"AccountID": account["AccountID"], "Code": account["Code"], "Name": account["Name"]},
        "Date": date.fromisoformat(raw["Date"]),
        "CurrencyRate": Decimal(str(raw["CurrencyRate"])),
        "UpdatedDateUTC": parse_iso_datetime(raw["UpdatedDateUTC"]),
        "LineItems": lines,
        "HasAttachments": False,
    }
    tax = sum((line["TaxAmount"] for line in lines), ZERO)
    amounts = sum((line["LineAmount"] for line in lines), ZERO)
    sub_total = amounts - tax if raw["LineAmountTypes"] == "Inclusive" else amounts
    record.update(SubTotal=sub_total, TotalTax=tax, Total=sub_total + tax)
    return record
