"""Xero's error bodies turned into errors a caller can act on, with Xero's own validation messages verbatim.

A 400 from the Accounting API is a `ValidationException` whose messages sit in
`Elements[].ValidationErrors[].Message`; other failures carry `Message` or, for the identity layer, `Detail`.
See https://developer.xero.com/documentation/api/http-response-codes.
"""

from __future__ import annotations

from typing import Any

import httpx

from sentia_server.integrations.http import VendorError

VENDOR = "xero"


def error_messages(body: Any) -> list[str]:
    """Xero's validation messages, in order and without repeats; else its `Message` or `Detail`."""
    messages: list[str] = []
    if not isinstance(body, dict):
        return messages
    for element in body.get("Elements") or []:
        if isinstance(element, dict):
            for error in element.get("ValidationErrors") or []:
                text = error.get("Message") if isinstance(error, dict) else None
                if isinstance(text, str) and text and text not in messages:
                    messages.append(text)
    if not messages:
        for key in ("Message", "Detail", "error_description", "error"):
            text = body.get(key)
            if isinstance(text, str) and text:
                messages.append(text)
                break
    return messages


def body_of(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def bad_request(response: httpx.Response, what: str) -> VendorError:
    """A 400: Xero's messages verbatim when it gave any."""
    messages = error_messages(body_of(response))
    detail = "; ".join(messages) if messages else "no reason given"
    return VendorError(
        VENDOR, f"refused the {what}: {detail}", status=response.status_code, hint="correct the request and try again"
    )


def rejected_items(what: str, messages: list[str]) -> VendorError:
    """Per-item validation errors of a 200 answer to a `SummarizeErrors=false` request."""
    detail = "; ".join(messages) if messages else "no reason given"
    return VendorError(VENDOR, f"refused the {what}: {detail}", hint="correct the request and try again")
