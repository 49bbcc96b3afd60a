"""A stateful simulator of Xero's identity service and Accounting API (see simulator.py)."""

from sentia_testkit.simulators.xero.backend import Limits, Tenant, XeroBackend
from sentia_testkit.simulators.xero.simulator import CLIENT_ID, CLIENT_SECRET, XeroSimulator

__all__ = ["CLIENT_ID", "CLIENT_SECRET", "Limits", "Tenant", "XeroBackend", "XeroSimulator"]
