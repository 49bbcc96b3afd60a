"""OpenAI's errors as VendorErrors that say what to do.

A 4xx answer reaches the SDK, which raises it as an `APIStatusError` whose body is OpenAI's `error` object
(`message`, `type`, `param`, `code`; https://platform.openai.com/docs/guides/error-codes). 429, 5xx and timeouts
never get this far: the HTTP layer retries them and raises its own VendorError.
"""

from __future__ import annotations

from collections.abc import Mapping

import openai

from sentia_server.integrations.http import VendorError

VENDOR = "openai"
MESSAGE_LIMIT = 300


def vendor_message(body: object, secret: str | None) -> str:
    """OpenAI's own explanation (`error.message`), shortened, with the API key masked should it appear."""
    message = body.get("message") if isinstance(body, Mapping) else None
    text = str(message).strip() if message else "(no message)"
    if secret:
        text = text.replace(secret, "***")
    return text[:MESSAGE_LIMIT]


def status_error(error: openai.APIStatusError, secret: str | None) -> VendorError:
    status = error.status_code
    message = vendor_message(error.body, secret)
    if status == 401:
        return VendorError(
            VENDOR,
            f"rejected the API key: {message}",
            status=status,
            hint="check SENTIA_OPENAI__API_KEY (and SENTIA_OPENAI__ORGANIZATION and __PROJECT when set)",
        )
    if status == 403:
        return VendorError(
            VENDOR,
            f"refused access: {message}",
            status=status,
            hint="the key's project may not use this model; check the key's permissions and SENTIA_OPENAI__PROJECT",
        )
    if status == 404:
        return VendorError(
            VENDOR,
            f"does not know the model or endpoint: {message}",
            status=status,
            hint="check SENTIA_OPENAI__MODEL and SENTIA_OPENAI__BASE_URL",
        )
    return VendorError(
        VENDOR,
        f"refused the request: {message}",
        status=status,
        hint="check SENTIA_OPENAI__MODEL, __MAX_TOKENS and __TEMPERATURE (some models accept only their default "
        "temperature)",
    )


def malformed(status: int | None) -> VendorError:
    return VendorError(
        VENDOR,
        "answered with a body that is not a valid chat completion",
        status=status,
        hint="the vendor may be having an incident, or SENTIA_OPENAI__BASE_URL does not point at the OpenAI API; "
        "try again later",
        retryable=True,
    )


def unreachable(error: openai.APIConnectionError) -> VendorError:
    """The HTTP layer's own error when it is what stopped the request (the SDK wraps what its transport raises),
    else the SDK's connection error in words."""
    if isinstance(error.__cause__, VendorError):
        return error.__cause__
    what = "did not answer in time" if isinstance(error, openai.APITimeoutError) else "could not be reached"
    return VendorError(VENDOR, what, hint="check the network and SENTIA_OPENAI__BASE_URL; try again later")
