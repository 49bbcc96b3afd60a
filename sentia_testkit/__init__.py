"""The sentia testkit: a pytest plugin and quality gates for manufacturing services and MCP servers."""

from importlib.metadata import version

__version__ = version("sentia")

# The public API of the matchers and the leak check, imported on first use: the pytest plugin imports this package
# in every run, and dirty-equals, pydantic's domain models and tracemalloc's helpers are only for tests that use them.
_LAZY = {
    **dict.fromkeys(
        (
            "IsCurrency",
            "IsInventoryLevel",
            "IsManufacturingOrder",
            "IsMoney",
            "IsPaginated",
            "IsProductSpecification",
            "IsQualityRecord",
            "IsSanitizedInput",
            "IsSecureToken",
            "IsSortedBy",
            "responds_within",
            "uses_memory_within",
        ),
        "sentia_testkit.matchers",
    ),
    **dict.fromkeys(("assert_no_leak", "LeakDetected"), "sentia_testkit.memory"),
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sentia_testkit' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
