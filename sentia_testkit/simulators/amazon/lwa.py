"""Login with Amazon's token endpoint: checks the app's client id and secret and the refresh token, and issues
one-hour access tokens that the API simulators verify."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from urllib.parse import parse_qs

import httpx

from sentia_testkit.simulators.core import SimulatorRequest, json_response

ACCESS_TOKEN_LIFETIME = timedelta(seconds=3600)


@dataclass
class IssuedToken:
    principal: str
    client_id: str
    expires_at: datetime


TokenCheck = tuple[Literal["valid", "expired", "invalid"], IssuedToken | None]


class LoginWithAmazon:
    """Apps (client id → secret and the refresh tokens it was granted, each naming a principal: a seller or an
    advertiser) and the access tokens issued to them."""

    def __init__(self, apps: list[Mapping[str, Any]], clock: Callable[[], datetime]) -> None:
        self.apps = list(apps)
        self._apps = {str(app["client_id"]): app for app in apps}
        self._clock = clock
        self._counter = itertools.count(1)
        self.tokens: dict[str, IssuedToken] = {}

    def token_endpoint(self, request: SimulatorRequest) -> httpx.Response:
        """POST /auth/o2/token with a form body, as LWA expects it."""
        form = {key: values[0] for key, values in parse_qs(request.request.content.decode()).items()}
        if form.get("grant_type") != "refresh_token":
            return _oauth_error(400, "unsupported_grant_type", "The authorization grant type is not supported")
        app = self._apps.get(form.get("client_id", ""))
        if app is None or form.get("client_secret") != app["client_secret"]:
            return _oauth_error(401, "invalid_client", "Client authentication failed")
        principal = app["refresh_tokens"].get(form.get("refresh_token", ""))
        if principal is None:
            return _oauth_error(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token")
        token = f"Atza|IwEBI-sim-{next(self._counter):06d}"
        self.tokens[token] = IssuedToken(str(principal), str(app["client_id"]), self._clock() + ACCESS_TOKEN_LIFETIME)
        return json_response(
            200,
            {
                "access_token": token,
                "refresh_token": form["refresh_token"],
                "token_type": "bearer",
                "expires_in": int(ACCESS_TOKEN_LIFETIME.total_seconds()),
            },
        )

    def check(self, token: str | None) -> TokenCheck:
        issued = self.tokens.get(token or "")
        if issued is None:
            return "invalid", None
        if self._clock() >= issued.expires_at:
            return "expired", issued
        return "valid", issued

    def expire_tokens(self) -> None:
        """Make every issued access token expired, as an hour passing would."""
        past = self._clock() - timedelta(seconds=1)
        for issued in self.tokens.values():
            issued.expires_at = past


def _oauth_error(status: int, error: str, description: str) -> httpx.Response:
    return json_response(status, {"error_description": description, "error": error})
