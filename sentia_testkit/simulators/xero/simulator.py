"""The Xero simulator: identity (consent page and token endpoint), connections and the Accounting API endpoints
the server uses, over a stateful backend seeded from `fixtures/xero/`. Usable in process (`transport()`) or as a server
(`SimulatorApp({"xero": XeroSimulator()})`, then point the API and identity base URLs at `/xero`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sentia_testkit.simulators.core import Fault, Simulator
from sentia_testkit.simulators.xero.backend import FIXTURES_DIR, Limits, Tenant, XeroBackend
from sentia_testkit.simulators.xero.routes import register_routes

SIMULATOR_CREDENTIALS = ("sentia-simulator-client", "sentia-simulator-client-credential")
"""The app the simulator knows: set SENTIA_XERO__CLIENT_ID and SENTIA_XERO__CLIENT_SECRET to these."""
CLIENT_ID, CLIENT_SECRET = SIMULATOR_CREDENTIALS
SERVER_SCOPES = "accounting.transactions accounting.reports.read accounting.contacts.read accounting.settings.read"
"""Read scopes plus accounting.transactions, so that xero-create-invoice works against the simulator too."""


class XeroSimulator(Simulator):
    vendor = "xero"

    def __init__(
        self,
        *,
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
        fixtures: Path = FIXTURES_DIR,
        clock: Callable[[], float] = time.time,
        today: date | None = None,
        limits: Limits | None = None,
    ) -> None:
        super().__init__()
        self.backend = XeroBackend(
            client_id=client_id, client_secret=client_secret, fixtures=fixtures, clock=clock, today=today, limits=limits
        )
        register_routes(self, self.backend)

    @property
    def tenants(self) -> dict[str, Tenant]:
        return self.backend.tenants

    def tenant_named(self, name: str) -> Tenant:
        """The organisation whose name is `name` (seed data: "Sentia Spirits Ltd", "Sentia Spirits USA Inc.")."""
        for tenant in self.backend.tenants.values():
            if tenant.organisation["Name"] == name:
                return tenant
        raise KeyError(
            f"no organisation named {name!r}; known: {[t.organisation['Name'] for t in self.tenants.values()]}"
        )

    def server_settings(self, url: str) -> dict[str, str]:
        """The SENTIA_XERO__* settings that point the Sentia server at this simulator served at `url`
        (e.g. http://127.0.0.1:8900/xero); the identity service and the API share the mount."""
        return {
            "SENTIA_XERO__CLIENT_ID": self.backend.client_id,
            "SENTIA_XERO__CLIENT_SECRET": self.backend.client_secret,
            "SENTIA_XERO__API_BASE_URL": url,
            "SENTIA_XERO__IDENTITY_BASE_URL": url,
            "SENTIA_XERO__AUTHORIZE_URL": f"{url.rstrip('/')}/identity/connect/authorize",
            "SENTIA_XERO__SCOPES": SERVER_SCOPES,
        }

    def expire_tokens(self) -> None:
        """Every access token issued so far is refused from now on (401), as after 30 minutes."""
        self.backend.expire_tokens()

    def authorize(self, *, code_challenge: str, redirect_uri: str, scope: str) -> str:
        """The consent step of the authorization code flow: the code Xero would redirect back with."""
        return self.backend.authorize(code_challenge=code_challenge, redirect_uri=redirect_uri, scope=scope)

    def refuse_consent(self, times: int = 1) -> None:
        """The user refuses the next `times` consents: the consent page redirects back with error=access_denied."""
        self.backend.consent_refusals += times

    def rate_limit(self, route: str = "*", *, problem: str = "minute", retry_after: int = 1, times: int = 1) -> None:
        """Answer the next `times` calls of `route` with Xero's 429 for the given limit."""
        headers = {"retry-after": str(retry_after), "x-rate-limit-problem": problem}
        self.faults.add(route, Fault(status=429, headers=headers, times=times))

    def reset(self) -> None:
        super().reset()
        self.backend.reset()
