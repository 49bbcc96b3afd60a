"""One handler per simulated Xero endpoint, named after its operationId in Xero's OpenAPI document.

Accounting endpoints check the bearer token (401 in Xero's shape), the `Xero-Tenant-Id` header and the token's
scopes (403), count the call against the organisation's limits (429 with `Retry-After` and
`X-Rate-Limit-Problem`), and send the remaining-calls headers on every answer. Query parameters, `where` fields
and `order` keys outside what is simulated answer 501.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable, Collection, Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode

import httpx

from sentia_testkit.simulators.core import Handler, Simulator, SimulatorRequest, json_response
from sentia_testkit.simulators.xero import errors
from sentia_testkit.simulators.xero.backend import GRANTED_SCOPES, Tenant, ValidationFailed, XeroBackend
from sentia_testkit.simulators.xero.records import Record, dotnet, parse_iso_datetime, to_json
from sentia_testkit.simulators.xero.reports import ReportNotSupported, ReportParameterError, build_report
from sentia_testkit.simulators.xero.where import NotSupported, compile_order, compile_where, sort_records

API = "/api.xro/2.0"
MAX_PAGE_SIZE = 1000
TRANSACTIONS = frozenset({"accounting.transactions", "accounting.transactions.read"})
CONTACTS = frozenset({"accounting.contacts", "accounting.contacts.read"})
REPORTS = frozenset({"accounting.reports.read"})
SETTINGS = frozenset({"accounting.settings", "accounting.settings.read"})
WRITE_TRANSACTIONS = frozenset({"accounting.transactions"})

INVOICE_FIELDS = (
    "Type",
    "Status",
    "Date",
    "DueDate",
    "Total",
    "SubTotal",
    "AmountDue",
    "AmountPaid",
    "Contact.ContactID",
    "Contact.Name",
    "InvoiceNumber",
    "Reference",
    "CurrencyCode",
    "UpdatedDateUTC",
    "InvoiceID",
)
INVOICE_ORDER = ("Date", "DueDate", "Total", "InvoiceNumber", "UpdatedDateUTC", "Contact.Name", "AmountDue")
CONTACT_FIELDS = (
    "Name",
    "EmailAddress",
    "ContactNumber",
    "ContactStatus",
    "IsCustomer",
    "IsSupplier",
    "ContactID",
    "AccountNumber",
    "DefaultCurrency",
    "UpdatedDateUTC",
)
CONTACT_ORDER = ("Name", "UpdatedDateUTC", "ContactNumber", "EmailAddress")
BANK_FIELDS = (
    "Type",
    "Status",
    "Date",
    "Total",
    "SubTotal",
    "IsReconciled",
    "BankAccount.AccountID",
    "BankAccount.Code",
    "Contact.ContactID",
    "Contact.Name",
    "Reference",
    "CurrencyCode",
    "BankTransactionID",
    "UpdatedDateUTC",
)
BANK_ORDER = ("Date", "Total", "Reference", "UpdatedDateUTC")
PAYMENT_FIELDS = (
    "Date",
    "Status",
    "PaymentType",
    "Amount",
    "Invoice.InvoiceID",
    "Invoice.Type",
    "Account.AccountID",
    "Account.Code",
    "Reference",
    "IsReconciled",
)
PAYMENT_ORDER = ("Date", "Amount", "UpdatedDateUTC")
ACCOUNT_FIELDS = (
    "Type",
    "Status",
    "Code",
    "Class",
    "SystemAccount",
    "AccountID",
    "Name",
    "BankAccountType",
    "CurrencyCode",
)
ACCOUNT_ORDER = ("Code", "Name")

AccountingHandler = Callable[[SimulatorRequest, Tenant], httpx.Response]


def envelope(**payload: Any) -> Record:
    return {
        "Id": str(uuid.uuid4()),
        "Status": "OK",
        "ProviderName": "Sentia Xero simulator",
        "DateTimeUTC": dotnet(datetime.now(UTC)),
        **payload,
    }


def _basic_credentials(request: SimulatorRequest) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:], validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def _bearer(request: SimulatorRequest) -> str | None:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


def _only(params: httpx.QueryParams, allowed: Collection[str]) -> None:
    unknown = sorted(set(params.keys()) - set(allowed))
    if unknown:
        raise NotSupported(f"query parameters {', '.join(unknown)} are not implemented by the simulator")


def _csv(params: httpx.QueryParams, name: str) -> list[str] | None:
    value = params.get(name)
    return [part.strip().strip('"').lower() for part in value.split(",") if part.strip()] if value else None


def _modified_since(request: SimulatorRequest, records: Iterable[Record]) -> list[Record]:
    header = request.headers.get("if-modified-since")
    if not header:
        return list(records)
    since = parse_iso_datetime(header)
    return [record for record in records if record["UpdatedDateUTC"] >= since]


def _listed(
    request: SimulatorRequest,
    records: list[Record],
    key: str,
    fields: Collection[str],
    order: Collection[str],
    *,
    summary: Callable[[Record], Record] | None = None,
) -> httpx.Response:
    """Filter by `where`, sort by `order`, and page: with `page` Xero sends a `pagination` object; without it,
    every match (invoices then come without their line items)."""
    params = request.query
    predicate = compile_where(params.get("where"), fields)
    keys = compile_order(params.get("order"), order)
    matching = sort_records([record for record in records if predicate(record)], keys)
    page_text = params.get("page")
    if page_text is None:
        shaped = [summary(record) if summary else record for record in matching]
        return json_response(200, envelope(**{key: to_json(shaped)}))
    try:
        page = int(page_text)
        size = min(int(params.get("pageSize", "100")), MAX_PAGE_SIZE)
    except ValueError:
        return errors.bad_request("page and pageSize must be whole numbers")
    if page < 1 or size < 1:
        return errors.bad_request("page and pageSize must be 1 or more")
    chunk = matching[(page - 1) * size : page * size]
    pagination = {
        "page": page,
        "pageSize": size,
        "pageCount": max(1, -(-len(matching) // size)),
        "itemCount": len(matching),
    }
    return json_response(200, envelope(pagination=pagination, **{key: to_json(chunk)}))


def register_routes(simulator: Simulator, backend: XeroBackend) -> None:
    def accounting(
        path: str, name: str, scopes: frozenset[str], method: str = "GET"
    ) -> Callable[[AccountingHandler], Handler]:
        def decorate(handler: AccountingHandler) -> Handler:
            def wrapped(request: SimulatorRequest) -> httpx.Response:
                token = _bearer(request)
                if token is None or not backend.token_valid(token):
                    return errors.unauthorized()
                tenant = backend.tenant(request.headers.get("xero-tenant-id"))
                if tenant is None or not set(backend.access_tokens[token].scope.split()) & scopes:
                    return errors.forbidden()
                problem, wait, remaining = backend.count_call(tenant)
                if problem is not None:
                    return errors.rate_limited(problem, wait, remaining)
                try:
                    response = handler(request, tenant)
                except NotSupported as error:
                    response = errors.not_implemented(str(error))
                response.headers.update(remaining)
                return response

            return simulator.route(method, API + path, name=name)(wrapped)

        return decorate

    @simulator.route("POST", "/connect/token", name="token")
    def token(request: SimulatorRequest) -> httpx.Response:
        form = {key: values[0] for key, values in parse_qs(request.request.content.decode()).items()}
        basic = _basic_credentials(request)
        grant = form.get("grant_type")
        if grant == "client_credentials":
            if basic is None or not backend.client_ok(*basic):
                return errors.token_error("invalid_client")
            scope = form.get("scope") or " ".join(sorted(GRANTED_SCOPES))
            if not backend.scopes_granted(scope):
                return errors.token_error("invalid_scope")
            return json_response(200, backend.issue_access(scope, refresh=False))
        if grant not in ("authorization_code", "refresh_token"):
            return errors.token_error("unsupported_grant_type")
        client_id = basic[0] if basic is not None else form.get("client_id")
        if (basic is not None and not backend.client_ok(*basic)) or client_id != backend.client_id:
            return errors.token_error("invalid_client")
        if grant == "authorization_code":
            answer = backend.redeem_code(
                form.get("code", ""), form.get("redirect_uri", ""), form.get("code_verifier", "")
            )
        else:
            answer = backend.rotate(form.get("refresh_token", ""))
        return errors.token_error("invalid_grant") if answer is None else json_response(200, answer)

    @simulator.route("GET", "/identity/connect/authorize", name="authorize")
    def authorize(request: SimulatorRequest) -> httpx.Response:
        """The consent page, answered at once as if the user approved (or refused, see `refuse_consent`): a
        redirect to `redirect_uri` with a code, or with an OAuth `error` code. Xero shows its own error page,
        without redirecting, when the client or the redirect URI is wrong."""
        query = request.query
        redirect_uri = query.get("redirect_uri")
        if query.get("client_id") != backend.client_id:
            return errors.consent_page_error("unauthorized_client")
        if not redirect_uri:
            return errors.consent_page_error("invalid_request")
        state = {"state": query["state"]} if "state" in query else {}
        scope = query.get("scope", "")
        problem = None
        if query.get("response_type") != "code":
            problem = "unsupported_response_type"
        elif not query.get("code_challenge") or query.get("code_challenge_method") != "S256":
            problem = "invalid_request"
        elif not scope or not backend.scopes_granted(scope):
            problem = "invalid_scope"
        code = None
        if problem is None:
            code = backend.consent(code_challenge=query["code_challenge"], redirect_uri=redirect_uri, scope=scope)
        answer = {"code": code, "scope": scope, **state} if code else {"error": problem or "access_denied", **state}
        separator = "&" if "?" in redirect_uri else "?"
        return httpx.Response(302, headers={"location": f"{redirect_uri}{separator}{urlencode(answer)}"})

    def connections(request: SimulatorRequest) -> httpx.Response:
        token_value = _bearer(request)
        if token_value is None or not backend.token_valid(token_value):
            return errors.unauthorized()
        try:
            _only(request.query, ())
        except NotSupported as error:
            return errors.not_implemented(str(error))
        return json_response(200, backend.connections())

    simulator.route("GET", "/connections", name="getConnections")(connections)
    simulator.route("GET", "/Connections", name="getConnections")(connections)

    @accounting("/Invoices", "getInvoices", TRANSACTIONS)
    def get_invoices(request: SimulatorRequest, tenant: Tenant) -> httpx.Response:
        params = request.query
        _only(
            params,
            ("where", "order", "Statuses", "ContactIDs", "IDs", "InvoiceNumbers", "page", "pageSize", "searchTerm"),
        )
        records = backend.invoice_list(tenant)
        statuses = [s.upper() for s in _csv(params, "Statuses") or []]
        records = [r for r in records if (r["Status"] in statuses if statuses else r["Status"] != "DELETED")]
        for name, field in (("ContactIDs", "ContactID"), ("IDs", "InvoiceID")):
            wanted = _csv(params, name)
            if wanted:
                records = [r for r in records if (r["Contact"] if field == "ContactID" else r)[field] in wanted]
        numbers = _csv(params, "InvoiceNumbers")
        if numbers:
            records = [r for r in records if r["InvoiceNumber"].lower() in numbers]
        term = (params.get("searchTerm") or "").lower()
        if term:
            records = [
                r for r in records if term in r["InvoiceNumber"].lower() or term in (r["Reference"] or "").lower()
            ]
        records = _modified_since(request, records)
        return _listed(request, records, "Invoices", INVOICE_FIELDS, INVOICE_ORDER, summary=_without_lines)

    def store_invoices(request: SimulatorRequest, tenant: Tenant) -> httpx.Response:
        _only(request.query, ("summarizeErrors",))
        key = request.headers.get("idempotency-key")
        if key is not None and len(key) > 128:
            return errors.bad_request("Idempotency-Key must be 128 characters or fewer")
        if key is not None and key in tenant.idempotent:
            status, body = tenant.idempotent[key]
            return json_response(status, body)
        try:
            payload = request.json()
        except ValueError:
            return errors.bad_request("The request body is not valid JSON")
        items = payload.get("Invoices") if isinstance(payload, dict) else None
        if not isinstance(items, list) or not items:
            return errors.bad_request("The request must contain an Invoices array with at least one invoice")
        summarize = request.query.get("summarizeErrors", "true").lower() != "false"
        problems = [_problems(backend, tenant, item) for item in items]
        if summarize and any(problems):
            elements = [_rejected(item, found) for item, found in zip(items, problems, strict=True) if found]
            return errors.validation_exception(elements)
        answers = []
        for item, found in zip(items, problems, strict=True):
            if found:
                answers.append(_rejected(item, found))
            else:
                record = backend.create_invoice(tenant, item)
                answers.append({**to_json(record), "StatusAttributeString": "OK"})
        body = envelope(Invoices=answers)
        if key is not None:
            tenant.idempotent[key] = (200, body)
        return json_response(200, body)

    accounting("/Invoices", "createInvoices", WRITE_TRANSACTIONS, method="PUT")(store_invoices)
    accounting("/Invoices", "updateOrCreateInvoices", WRITE_TRANSACTIONS, method="POST")(store_invoices)

    @accounting("/Invoices/{invoice_id}/Email", "emailInvoice", WRITE_TRANSACTIONS, method="POST")
    def email_invoice(request: SimulatorRequest, tenant: Tenant) -> httpx.Response:
        try:
            refusal = backend.email_invoice(tenant, request.params["invoice_id"])
        except KeyError:
            return errors.not_found()
        return errors.bad_request(refusal) if refusal else httpx.Response(204)

    @accounting("/Contacts", "getContacts", CONTACTS)
    def get_contacts(request: SimulatorRequest, tenant: Tenant) -> httpx.Response:
        params = request.query
        _only(params, ("where", "order", "IDs", "includeArchived", "searchTerm", "page", "pageSize"))
        records = backend.contact_list(tenant)
        if params.get("includeArchived", "false").lower() != "true":
            records = [r for r in records if r["ContactStatus"] != "ARCHIVED"]
        ids = _csv(params, "IDs")
        if ids:
            records = [r for r in records if r["ContactID"] in ids]
        term = (params.get("searchTerm") or "").lower()
        if term:
            searched = ("Name", "FirstName", "LastName", "ContactNumber", "CompanyNumber", "EmailAddress")
            records = [r for r in records if any(term in str(r.get(f) or "").lower() for f in searched)]
        records = _modified_since(request, records)
        return _listed(request, records, "Contacts", CONTACT_FIELDS, CONTACT_ORDER)

    @accounting("/Contacts/{contact_id}", "getContact", CONTACTS)
    def get_contact(request: SimulatorRequest, tenant: Tenant) -> httpx.Response:
        _only(request.query, ())
        wanted = request.params["contact_id"].lower()
        for record in backend.contact_list(tenant):
            if wanted in (record["ContactID"], str(record.get("ContactNumber", "")).lower()):
                return json_response(200, envelope(Contacts=[to_json(record)]))
        return errors.not_found()

    @accounting("/BankTransactions", "getBankTransactions", TRANSACTIONS)
    def get_bank_transactions(request: SimulatorRequest, tenant: Tenant) -> httpx.Response:
        _only(request.query, ("where", "order", "page", "pageSize"))
        records = _modified_since(request, tenant.bank_transactions.values())
        return _listed(request, records, "BankTransactions", BANK_FIELDS, BANK_ORDER)

    @accounting("/Payments", "getPayments", TRANSACTIONS)
    def get_payments(request: SimulatorRequest, tenant: Tenant) -> httpx.Response:
        _only(request.query, ("where", "order", "page", "pageSize"))
        records = _modified_since(request, backend.payment_list(tenant))
        return _listed(request, records, "Payments", PAYMENT_FIELDS, PAYMENT_ORDER)

    @accounting("/Accounts", "getAccounts", SETTINGS)
    def get_accounts(request: SimulatorRequest, tenant: Tenant) -> httpx.Response:
        _only(request.query, ("where", "order"))
        records = _modified_since(request, tenant.accounts.values())
        return _listed(request, records, "Accounts", ACCOUNT_FIELDS, ACCOUNT_ORDER)

    @accounting("/Organisation", "getOrganisations", SETTINGS | TRANSACTIONS | CONTACTS | REPORTS)
    def get_organisation(request: SimulatorRequest, tenant: Tenant) -> httpx.Response:
        _only(request.query, ())
        return json_response(200, envelope(Organisations=[tenant.organisation]))

    @accounting("/Reports/{name}", "getReport", REPORTS)
    def get_report(request: SimulatorRequest, tenant: Tenant) -> httpx.Response:
        params = {key: request.query[key] for key in request.query}
        try:
            report = build_report(tenant, request.params["name"], params, backend.today())
        except ReportNotSupported as error:
            return errors.not_implemented(str(error))
        except ReportParameterError as error:
            return errors.bad_request(str(error))
        return json_response(200, envelope(Reports=[to_json(report)]))


def _without_lines(record: Record) -> Record:
    return {key: value for key, value in record.items() if key != "LineItems"}


def _problems(backend: XeroBackend, tenant: Tenant, item: Any) -> list[str]:
    if not isinstance(item, dict):
        return ["Each invoice must be a JSON object"]
    try:
        backend.create_invoice(tenant, item, commit=False)
    except ValidationFailed as failure:
        return failure.messages
    return []


def _rejected(item: Any, messages: list[str]) -> Record:
    """An invoice Xero did not accept, echoed back with its validation errors."""
    echoed = dict(item) if isinstance(item, dict) else {}
    echoed.setdefault("InvoiceID", "00000000-0000-0000-0000-000000000000")
    return {
        **echoed,
        "HasErrors": True,
        "StatusAttributeString": "ERROR",
        "ValidationErrors": [{"Message": message} for message in messages],
    }
