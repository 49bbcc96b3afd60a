"""Xero tools: financial reports, invoices (list and create), contacts, bank transactions, and analyses computed
from the organisation's own books. `group` holds them all, in this order."""

from sentia_server.tools.xero import analytics, bank_transactions, contacts, create_invoice, invoices, reports
from sentia_server.tools.xero.common import group

__all__ = ["analytics", "bank_transactions", "contacts", "create_invoice", "group", "invoices", "reports"]
