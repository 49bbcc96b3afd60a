"""Shopify global IDs (`gid://shopify/Product/123`): callers may give the number alone or the full ID."""

from __future__ import annotations

import re

_GID = re.compile(r"^gid://shopify/(?P<kind>[A-Za-z]+)/(?P<number>\d+)(\?.*)?$")


def to_gid(kind: str, value: str | int) -> str:
    """`to_gid("Product", "123")` → `gid://shopify/Product/123`; a global ID of another type is refused."""
    text = str(value).strip()
    if text.isdigit():
        return f"gid://shopify/{kind}/{text}"
    match = _GID.match(text)
    if match is None or match["kind"] != kind:
        raise ValueError(f"{text!r} is not a Shopify {kind} ID (expected a number or gid://shopify/{kind}/<number>)")
    return text


def gid_pattern(kind: str) -> str:
    """A JSON-schema pattern accepting the number or the global ID of `kind`."""
    return rf"^(gid://shopify/{kind}/)?[0-9]+$"
