"""Header lookups straight from the ASGI scope, and header changes straight on a response start message.

Starlette's `Headers(scope=scope)` copies the header list on construction and encodes the name on every lookup, and
a missing header costs a raised KeyError; a request crosses a dozen middleware layers that each look up a header or
two. These read the raw pairs instead, with the same answer: the first value of the name, compared case-insensitively.
"""

from __future__ import annotations

from starlette.types import Message, Scope


def request_header(scope: Scope, name: bytes) -> bytes | None:
    """The first value of the header `name` (lower case), or None."""
    for key, value in scope["headers"]:
        if key.lower() == name:
            return bytes(value)
    return None


def request_header_text(scope: Scope, name: bytes) -> str | None:
    """`request_header` decoded as Latin-1, as HTTP header values are (and as Starlette decodes them)."""
    value = request_header(scope, name)
    return None if value is None else value.decode("latin-1")


def set_response_header(message: Message, name: bytes, value: bytes) -> None:
    """Set the header `name` (lower case) of a response start message to `value`, as Starlette's
    `MutableHeaders.__setitem__` does (the first occurrence replaced, any other removed, else appended), without
    building a `MutableHeaders` for one change."""
    headers = list(message.get("headers", ()))
    found = [index for index, (key, _) in enumerate(headers) if key.lower() == name]
    if found:
        headers[found[0]] = (name, value)
        for index in reversed(found[1:]):
            del headers[index]
    else:
        headers.append((name, value))
    message["headers"] = headers
