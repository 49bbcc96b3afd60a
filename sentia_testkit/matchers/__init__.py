"""Matchers compared with `==` (dirty-equals types) for manufacturing data, money, pages, secrets and input,
and the performance checks `responds_within` and `uses_memory_within`. A failed comparison names every broken
rule and its field path: in the matcher's repr, in `matcher.explain()`, and under the failing assert."""

from sentia_testkit.matchers._explained import ExplainedMatcher, Problem
from sentia_testkit.matchers.collections import IsPaginated, IsSortedBy
from sentia_testkit.matchers.domain import (
    IsInventoryLevel,
    IsManufacturingOrder,
    IsProductSpecification,
    IsQualityRecord,
)
from sentia_testkit.matchers.money import IsCurrency, IsMoney
from sentia_testkit.matchers.performance import Measured, responds_within, uses_memory_within
from sentia_testkit.matchers.security import IsSanitizedInput, IsSecureToken

__all__ = [
    "ExplainedMatcher",
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
    "Measured",
    "Problem",
    "responds_within",
    "uses_memory_within",
]
