"""The Unleashed simulator: the inventory and production resources the server reads, signed and paged as the
real API, over a stateful backend seeded from `fixtures/unleashed/`. Usable in process (`transport()`) or as a
server (`SimulatorApp({"unleashed": UnleashedSimulator()})`, then point SENTIA_UNLEASHED__BASE_URL at
`/unleashed`)."""

from __future__ import annotations

from pathlib import Path

from sentia_testkit.simulators.core import Fault, Simulator
from sentia_testkit.simulators.unleashed.backend import FIXTURES_DIR, Account, UnleashedBackend
from sentia_testkit.simulators.unleashed.routes import register_routes

API_ID = "5e1a7c3d-2b4f-4e8a-9c6d-0f1e2d3c4b5a"
API_KEY = "sentia-simulator-unleashed-api-key-not-a-real-secret"
"""The credentials of the seed account "Sentia Spirits Ltd": set SENTIA_UNLEASHED__API_ID and __API_KEY to these."""
ACCOUNT = "Sentia Spirits Ltd"


class UnleashedSimulator(Simulator):
    vendor = "unleashed"

    def __init__(self, *, fixtures: Path = FIXTURES_DIR) -> None:
        super().__init__()
        self.backend = UnleashedBackend(fixtures=fixtures)
        register_routes(self, self.backend)

    @property
    def accounts(self) -> dict[str, Account]:
        return self.backend.accounts

    def account_named(self, name: str = ACCOUNT) -> Account:
        return self.backend.account_named(name)

    def server_settings(self, url: str) -> dict[str, str]:
        """The SENTIA_UNLEASHED__* settings that point the Sentia server at this simulator served at `url`
        (e.g. http://127.0.0.1:8900/unleashed)."""
        account = self.account_named()
        return {
            "SENTIA_UNLEASHED__API_ID": account.api_id,
            "SENTIA_UNLEASHED__API_KEY": account.api_key,
            "SENTIA_UNLEASHED__BASE_URL": url,
        }

    def rate_limit(self, route: str = "*", *, retry_after: int = 1, times: int = 1) -> None:
        """Answer the next `times` calls of `route` with 429 Too Many Requests and a Retry-After."""
        body = b'{"Description": "Too Many Requests"}'
        headers = {"retry-after": str(retry_after), "content-type": "application/json"}
        self.faults.add(route, Fault(status=429, headers=headers, body=body, times=times))

    def reset(self) -> None:
        super().reset()
        self.backend.reset()
