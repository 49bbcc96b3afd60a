"""Anthropic's errors as VendorErrors that say what to do.

A 4xx answer reaches the SDK, which raises it as an `APIStatusError` carrying Anthropic's body
`{"type": "error", "error": {"type", "message"}}` (https://docs.anthropic.com/en/api/errors). 429, 529 (overloaded),
other 5xx and timeouts never get this far: the HTTP layer retries them and raises its own VendorError.
"""

from __future__ import annotations

from collections.abc import Mapping

import anthropic

from sentia_server.integrations.http import VendorError

VENDOR = "anthropic"
MESSAGE_LIMIT = 300


def vendor_message(body: object, secret: str | None) -> str:
    """Anthropic's own explanation (`error.message`), shortened, with the API key masked should it appear."""
    error = body.get("error", body) if isinstance(body, Mapping) else None
    message = error.get("message") if isinstance(error, Mapping) else None
    text = str(message).strip() if message else "(no message)"
    if secret:
        text = text.replace(secret, "***")
    return text[:MESSAGE_LIMIT]


def status_error(error: anthropic.APIStatusError, secret: str | None) -> VendorError:
    status = error.status_code
    message = vendor_message(error.body, secret)
    if status == 401:
        return VendorError(
            VENDOR, f"rejected the API key: {message}", status=status, hint="check SENTIA_ANTHROPIC__API_KEY"
        )
    if status == 403:
        return VendorError(
            VENDOR,
            f"refused access: {message}",
            status=status,
            hint="the key's workspace may not use this model; check the key's permissions in the Anthropic Console",
        )
    if status == 404:
        return VendorError(
            VENDOR,
            f"does not know the model or endpoint: {message}",
            status=status,
            hint="check SENTIA_ANTHROPIC__MODEL and SENTIA_ANTHROPIC__BASE_URL",
        )
    if status == 413:
        return VendorError(
            VENDOR, f"refused a request that is too large: {message}", status=status, hint="pass less data"
        )
    return VendorError(
        VENDOR,
        f"refused the request: {message}",
        status=status,
        hint="check SENTIA_ANTHROPIC__MODEL, __MAX_TOKENS and __TEMPERATURE",
    )


def malformed(status: int | None) -> VendorError:
    return VendorError(
        VENDOR,
        "answered with a body that is not a valid message",
        status=status,
        hint="the vendor may be having an incident, or SENTIA_ANTHROPIC__BASE_URL does not point at the Anthropic "
        "API; try again later",
        retryable=True,
    )


def unreachable(error: anthropic.APIConnectionError) -> VendorError:
    """The HTTP layer's own error when it is what stopped the request (the SDK wraps what its transport raises),
    else the SDK's connection error in words."""
    if isinstance(error.__cause__, VendorError):
        return error.__cause__
    what = "did not answer in time" if isinstance(error, anthropic.APITimeoutError) else "could not be reached"
    return VendorError(VENDOR, what, hint="check the network and SENTIA_ANTHROPIC__BASE_URL; try again later")
