from __future__ import annotations

import hashlib
from decimal import Decimal

from sentia_server.cache.keys import KEY_VERSION, canonical_json, tool_cache_key


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_argument_order_does_not_change_the_key():
    first = tool_cache_key("xero-get-invoices", "acme", {"status": "PAID", "page": 1, "filters": {"b": 2, "a": 1}})
    second = tool_cache_key("xero-get-invoices", "acme", {"filters": {"a": 1, "b": 2}, "page": 1, "status": "PAID"})
    assert first == second


def test_tenant_tool_and_arguments_each_separate_entries():
    base = tool_cache_key("list-tools", "acme", {"category": "system"})
    assert base == f"tool:{KEY_VERSION}:acme:list-tools:" + sha256_of('{"category":"system"}')
    assert base != tool_cache_key("list-tools", "other", {"category": "system"})
    assert base != tool_cache_key("system-status", "acme", {"category": "system"})
    assert base != tool_cache_key("list-tools", "acme", {"category": None})


def test_canonical_json_is_compact_sorted_and_keeps_unicode():
    assert canonical_json({"b": "Zürich", "a": [1, 2]}) == '{"a":[1,2],"b":"Zürich"}'


def test_nested_keys_are_sorted_at_every_level_and_non_string_keys_are_spelled_as_strings():
    assert canonical_json({"z": {"b": 1, "a": [{"d": 1, "c": 2}]}, "a": None}) == (
        '{"a":null,"z":{"a":[{"c":2,"d":1}],"b":1}}'
    )
    assert canonical_json({2: "b", 1: "a"}) == '{"1":"a","2":"b"}'


def test_a_value_without_a_json_type_is_spelled_as_its_str():
    assert canonical_json({"amount": Decimal("1.10")}) == '{"amount":"1.10"}'


def test_an_integer_beyond_64_bits_is_spelled_in_full_and_keys_a_call():
    # A cacheable tool may take an unbounded integer (shopify-get-products' inventory_min): its key must not fail.
    assert (
        canonical_json({"b": 10**30, "a": -(2**63) - 1})
        == '{"a":-9223372036854775809,"b":1000000000000000000000000000000}'
    )
    assert tool_cache_key("shopify-get-products", "acme", {"inventory_min": 10**30}) != tool_cache_key(
        "shopify-get-products", "acme", {"inventory_min": 10**30 + 1}
    )
