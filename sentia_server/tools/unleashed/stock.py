"""Stock judgements computed from Unleashed's figures: low, negative and over-stock flags, ABC classes by stock
value, and how much to reorder. Numbers in, numbers out; no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

ZERO = Decimal(0)
A_SHARE = Decimal("0.80")
B_SHARE = Decimal("0.95")


@dataclass(frozen=True)
class Levels:
    """A product's alert levels in Unleashed (any may be unset)."""

    min_stock: Decimal | None = None
    max_stock: Decimal | None = None
    reorder_point: Decimal | None = None
    minimum_order_quantity: Decimal | None = None


@dataclass(frozen=True)
class Flags:
    low: bool
    negative: bool
    over: bool
    below_reorder_point: bool
    low_threshold: Decimal | None


def flags(
    on_hand: Decimal, available: Decimal, on_purchase: Decimal, levels: Levels, threshold: Decimal | None
) -> Flags:
    """Low: available at or below `threshold` (else the product's minimum stock alert level); negative: on hand
    below zero; over: on hand above the maximum alert level; below the reorder point: available plus what is on
    order at or below it."""
    low_threshold = threshold if threshold is not None else levels.min_stock
    return Flags(
        low=low_threshold is not None and available <= low_threshold,
        negative=on_hand < 0,
        over=levels.max_stock is not None and levels.max_stock > 0 and on_hand > levels.max_stock,
        below_reorder_point=levels.reorder_point is not None and available + on_purchase <= levels.reorder_point,
        low_threshold=low_threshold,
    )


def abc_classes(values: Sequence[Decimal]) -> list[str]:
    """Pareto classes by value: A for the items making up the first 80% of the total, B the next 15%, C the rest
    (an item is classed by the cumulative share before it). Items without value are C."""
    total = sum((v for v in values if v > 0), ZERO)
    classes = ["C"] * len(values)
    if total <= 0:
        return classes
    running = ZERO
    for index in sorted(range(len(values)), key=lambda i: values[i], reverse=True):
        if values[index] <= 0:
            break
        share = running / total
        classes[index] = "A" if share < A_SHARE else "B" if share < B_SHARE else "C"
        running += values[index]
    return classes


def reorder_quantity(available: Decimal, on_purchase: Decimal, levels: Levels) -> Decimal | None:
    """How much to order to bring available plus on-order stock back to the maximum alert level (or, without
    one, to the reorder point), rounded up to the minimum order quantity; None when nothing needs ordering or the
    product has no reorder point."""
    if levels.reorder_point is None or available + on_purchase > levels.reorder_point:
        return None
    target = levels.max_stock if levels.max_stock and levels.max_stock > levels.reorder_point else levels.reorder_point
    needed = target - available - on_purchase
    if needed <= 0:
        return None
    minimum = levels.minimum_order_quantity
    if minimum is not None and minimum > 0:
        needed = (needed / minimum).to_integral_value(rounding=ROUND_CEILING) * minimum
    return needed
