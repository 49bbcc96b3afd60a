from __future__ import annotations

from sentia_server.cache.keys import canonical_json, tool_cache_key


def test_argument_order_does_not_change_the_key():
    first = tool_cache_key("xero-get-invoices", "acme", {"status": "PAID", "page": 1, "filters": {"b": 2, "a": 1}})
    second = tool_cache_key("xero-get-invoices", "acme", {"filters": {"a": 1, "b": 2}, "page": 1, "status": "PAID"})
    assert first == second


def test_tenant_tool_and_arguments_each_separate_entries():
    base = tool_cache_key("list-tools", "acme", {"category": "system"})
    assert base.startswith("tool:v1:acme:list-tools:")
    assert base != tool_cache_key("list-tools", "other", {"category": "system"})
    assert base != tool_cache_key("system-status", "acme", {"category": "system"})
    assert base != tool_cache_key("list-tools", "acme", {"category": None})


def test_canonical_json_is_compact_sorted_and_keeps_unicode():
    assert canonical_json({"b": "Zürich", "a": [1, 2]}) == '{"a":[1,2],"b":"Zürich"}'
