"""Request header lookups straight from the ASGI scope.

Starlette's `Headers(scope=scope)` copies the header list on construction and encodes the name on every lookup, and
a missing header costs a raised KeyError; a request crosses a dozen middleware layers that each look up a header or
two. These read the raw pairs instead, with the same answer: the first value of the name, compared case-insensitively.
"""

from __future__ import annotations

from starlette.types import Scope


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
