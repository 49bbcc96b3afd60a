"""A stateful simulator of the Unleashed API: HMAC-signed requests, path pagination and the inventory,
production, purchasing and sales resources (see simulator.py)."""

from sentia_testkit.simulators.unleashed.backend import Account, UnleashedBackend
from sentia_testkit.simulators.unleashed.signature import expected_signature
from sentia_testkit.simulators.unleashed.simulator import ACCOUNT, API_ID, API_KEY, UnleashedSimulator

__all__ = ["ACCOUNT", "API_ID", "API_KEY", "Account", "UnleashedBackend", "UnleashedSimulator", "expected_signature"]
