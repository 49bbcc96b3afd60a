"""Unleashed's error answers turned into errors a caller can act on.

Unleashed explains a refused request in the `Description` of its JSON body (400); a wrong signature gets 403
Forbidden and an unknown API id 401 (https://apidocs.unleashedsoftware.com/AuthenticationHelp).
"""

from __future__ import annotations

from typing import Any

import httpx

from sentia_server.integrations.http import VendorError

VENDOR = "unleashed"
CREDENTIAL_SETTINGS = "SENTIA_UNLEASHED__API_ID and SENTIA_UNLEASHED__API_KEY"


def description(response: httpx.Response) -> str | None:
    """Unleashed's `Description` (any case) of an error body, when it gave one."""
    try:
        body: Any = response.json()
    except ValueError:
        return None
    if isinstance(body, dict):
        for key in ("Description", "description", "Message", "message"):
            text = body.get(key)
            if isinstance(text, str) and text.strip():
                return text.strip()[:300]
    return None


def status_error(response: httpx.Response, what: str) -> VendorError:
    """The error for a 400, 401 or 403 answer to a request for `what`."""
    status = response.status_code
    if status == 401:
        return VendorError(VENDOR, "did not accept the API id", status=status, hint=f"check {CREDENTIAL_SETTINGS}")
    if status == 403:
        return VendorError(
            VENDOR,
            "refused the request signature",
            status=status,
            hint=f"check that {CREDENTIAL_SETTINGS} are the id and key of the same Unleashed company",
        )
    reason = description(response) or "no reason given"
    return VendorError(VENDOR, f"refused the {what}: {reason}", status=status, hint="correct the filters and try again")


def unexpected(what: str, response: httpx.Response) -> VendorError:
    return VendorError(
        VENDOR,
        f"returned {what} in an unexpected shape",
        status=response.status_code,
        hint="the API may have changed or be having an incident; try again later",
        retryable=True,
    )


def not_json(response: httpx.Response) -> VendorError:
    return VendorError(
        VENDOR,
        "returned a body that is not valid JSON",
        status=response.status_code,
        hint="Unleashed may be having an incident; try again later",
        retryable=True,
    )
