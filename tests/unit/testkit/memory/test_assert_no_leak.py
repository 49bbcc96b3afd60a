"""assert_no_leak: a 1 KiB-per-call leak is caught within 200 calls, and 50 clean functions (several of which
fill caches while warming up) pass."""

from __future__ import annotations

import array
import collections
import copy
import dataclasses
import datetime
import decimal
import fractions
import functools
import gc
import hashlib
import io
import itertools
import json
import re
import string
import textwrap
import tracemalloc
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from sentia_server.domain import InventoryLevel, ManufacturingOrder, Money
from sentia_testkit import memory
from sentia_testkit.memory import LeakDetected, assert_no_leak, measure_growth, robust_slope, theil_sen_slope

KIB = 1024
_kept: list[object] = []


def leak_one_kib() -> None:
    _kept.append(bytearray(KIB))


@pytest.fixture(autouse=True)
def _release_leaks():
    yield
    _kept.clear()


def test_a_kib_per_call_leak_is_caught_within_200_calls_with_its_slope_and_line():
    with pytest.raises(LeakDetected) as caught:
        assert_no_leak(leak_one_kib, iterations=200)
    report = caught.value.report
    assert KIB <= report.slope_bytes_per_iteration < 1.2 * KIB
    assert report.leaked
    message = str(caught.value)
    assert message.startswith("leak_one_kib keeps about 1,0")
    assert "over 200 calls after 20 warm-up calls; limit 128 bytes per call" in message
    assert "test_assert_no_leak.py:" in message.splitlines()[2]
    assert "Free what each call keeps" in message


def test_a_leak_in_a_closure_with_arguments_is_caught():
    store: dict[int, bytes] = {}

    def remember(size: int, *, salt: int) -> None:
        store[len(store) + salt] = bytes(size)

    with pytest.raises(LeakDetected, match="remember keeps about"):
        assert_no_leak(remember, 512, salt=3, iterations=100, warmup=5)


def test_a_small_leak_passes_the_default_threshold_but_not_a_lower_one():
    def leak_small() -> None:
        _kept.append(bytes(60))

    assert not assert_no_leak(leak_small).leaked
    with pytest.raises(LeakDetected):
        assert_no_leak(leak_small, threshold_bytes_per_iteration=32)


def test_a_one_off_allocation_is_not_a_leak():
    calls = itertools.count()

    def grows_once() -> None:
        if next(calls) == 100:
            _kept.append(bytearray(64 * KIB))

    report = assert_no_leak(grows_once, warmup=0)
    assert report.slope_bytes_per_iteration < 128


def test_tracing_started_elsewhere_keeps_running():
    tracemalloc.start()
    try:
        with pytest.raises(LeakDetected):
            assert_no_leak(leak_one_kib, iterations=50)
        assert tracemalloc.is_tracing()
    finally:
        tracemalloc.stop()
    assert not tracemalloc.is_tracing()


def test_an_error_in_the_function_goes_through_and_leaves_nothing_switched_on():
    calls = itertools.count()

    def fails_later() -> None:
        if next(calls) == 30:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        assert_no_leak(fails_later)
    assert not tracemalloc.is_tracing()
    assert gc.get_freeze_count() == 0


def test_the_memray_hint_appears_when_pytest_memray_is_installed(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(memory.importlib.util, "find_spec", lambda name: object())
    with pytest.raises(LeakDetected, match=r"run pytest --memray with @pytest.mark.limit_leaks"):
        assert_no_leak(leak_one_kib, iterations=20, warmup=0)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"iterations": 5}, "iterations must be a whole number of 10 or more, not 5"),
        ({"iterations": True}, "iterations must be a whole number"),
        ({"warmup": -1}, "warmup must be a whole number of 0 or more, not -1"),
        ({"warmup": 1.5}, "warmup must be a whole number"),
        ({"threshold_bytes_per_iteration": -1}, "threshold_bytes_per_iteration must be 0 or more"),
    ],
)
def test_wrong_options_are_refused(options: dict[str, Any], message: str):
    with pytest.raises(ValueError, match=message):
        assert_no_leak(leak_one_kib, **options)


def test_the_robust_slope_ignores_a_few_jumps_but_not_a_steady_climb():
    steady = [100 * index for index in range(40)]
    assert robust_slope(steady) == 100
    stepped = [0] * 20 + [50_000] * 20
    assert robust_slope(stepped) == 0
    bursts = [1000 * (index // 5) for index in range(100)]
    assert robust_slope(bursts) > 100


def test_theil_sen_ignores_outliers_and_needs_two_samples():
    assert theil_sen_slope([0, 10, 20, 30, 10_000, 50]) == 10
    assert theil_sen_slope(array.array("q", [5, 5])) == 0
    with pytest.raises(ValueError, match="at least two samples"):
        theil_sen_slope([1])


# Fifty clean functions: each keeps nothing from one call to the next once warmed up.

_memo: dict[int, int] = {}


@functools.cache
def _square(number: int) -> int:
    return number * number


@functools.lru_cache(maxsize=16)
def _bounded(number: int) -> str:
    return str(number) * 20


def _fibonacci(number: int) -> int:
    if number not in _memo:
        _memo[number] = number if number < 2 else _fibonacci(number - 1) + _fibonacci(number - 2)
    return _memo[number]


@dataclasses.dataclass
class _Point:
    x: int
    y: int


class _Node:
    def __init__(self) -> None:
        self.partner = _Node.__new__(_Node)
        self.partner.partner = self


ORDER = {
    "order_number": "MO-1",
    "customer": "Selfridges",
    "lines": [{"sku": "SEN-GIN-70", "quantity": 2, "unit_price": {"amount": "21.50", "currency": "GBP"}}],
    "created_date": "2026-01-01",
    "due_date": "2026-02-01",
}
_counter = itertools.count()
_deque: collections.deque[int] = collections.deque(maxlen=50)
_ring: dict[int, bytes] = {}


def _ring_buffer() -> None:
    _ring[next(_counter) % 20] = bytes(100)


CLEAN: dict[str, Callable[[], object]] = {
    "lru_cache filled in warm-up": lambda: [_square(n) for n in range(100)],
    "bounded lru_cache evicting": lambda: [_bounded(n) for n in range(40)],
    "dict memo filled in warm-up": lambda: _fibonacci(300),
    "re.compile cache": lambda: re.compile(r"(?P<sku>[A-Z]+-\d+)").match("SEN-70"),
    "re.sub": lambda: re.sub(r"\s+", " ", "a  b   c" * 10),
    "re.findall": lambda: re.findall(r"\d+", "1 22 333 4444" * 5),
    "pydantic order validation": lambda: ManufacturingOrder.model_validate(ORDER).total,
    "pydantic inventory validation": lambda: (
        InventoryLevel(sku="A-1", location="MAIN", on_hand=3, reorder_point=1, unit="bottle").needs_reorder
    ),
    "pydantic dump to JSON": lambda: ManufacturingOrder.model_validate(ORDER).model_dump_json(),
    "money arithmetic": lambda: Money(amount=Decimal("1.10"), currency="GBP") * 3,
    "json round trip": lambda: json.loads(json.dumps({"a": list(range(100)), "b": {"c": "d"}})),
    "json with indent": lambda: json.dumps({"k": [1.5, None, True]}, indent=2),
    "Decimal arithmetic": lambda: sum((Decimal("1.1") * n for n in range(100)), Decimal(0)),
    "Decimal quantize": lambda: Decimal("3.14159").quantize(Decimal("0.01"), rounding=decimal.ROUND_HALF_UP),
    "Decimal local context": lambda: decimal.localcontext().__enter__(),
    "fractions": lambda: sum(fractions.Fraction(1, n) for n in range(1, 30)),
    "list built then discarded": lambda: [bytes(64) for _ in range(200)],
    "dict built then discarded": lambda: {n: str(n) for n in range(200)},
    "set built then discarded": lambda: {n * 7 for n in range(200)},
    "tuple of strings": lambda: tuple(str(n) for n in range(100)),
    "nested comprehension": lambda: [[n] * 5 for n in range(50)],
    "generator drained": lambda: sum(n for n in range(1000)),
    "string join": lambda: ",".join(str(n) for n in range(200)),
    "string format": lambda: f"{12.5:.2f} {'x' * 50} {1e9:,}",
    "str.translate": lambda: "hello world".translate(str.maketrans("lo", "01")),
    "bytes hashing": lambda: hashlib.sha256(b"x" * 4096).hexdigest(),
    "bytearray growth": lambda: bytearray(b"a") * 5000,
    "reference cycle": _Node,
    "reference cycle list": lambda: (lambda items: items.append(items))([]),
    "dataclass instances": lambda: [_Point(n, n) for n in range(100)],
    "dataclass asdict": lambda: dataclasses.asdict(_Point(1, 2)),
    "deepcopy": lambda: copy.deepcopy({"a": [1, 2, {"b": 3}]}),
    "uuid4": lambda: str(uuid.uuid4()),
    "datetime parsing": lambda: datetime.datetime.fromisoformat("2026-11-27T09:30:00+00:00").isoformat(),
    "date arithmetic": lambda: datetime.date(2026, 1, 1) + datetime.timedelta(days=30),
    "StringIO": lambda: io.StringIO("line\n" * 100).readlines(),
    "BytesIO": lambda: io.BytesIO(b"x" * 1000).read(),
    "textwrap": lambda: textwrap.wrap("word " * 100, width=30),
    "string.Template": lambda: string.Template("$a-$b").substitute(a=1, b=2),
    "sorted with key": lambda: sorted(range(300), key=lambda n: -n),
    "Counter": lambda: collections.Counter("manufacturing" * 20).most_common(3),
    "defaultdict": lambda: collections.defaultdict(list, {1: [2]})[3],
    "bounded deque": lambda: _deque.append(next(_counter)),
    "ring buffer dict": _ring_buffer,
    "itertools chain": lambda: list(itertools.chain(range(50), range(50))),
    "exception raised and caught": lambda: _raise_and_catch(),
    "closure created": lambda: (lambda n: lambda: n)(5)(),
    "functools.partial": lambda: functools.partial(int, base=2)("1010"),
    "class created": lambda: type("Temporary", (), {"x": 1})().x,
    "array module": lambda: array.array("d", range(500)).tolist(),
}


def _raise_and_catch() -> str:
    try:
        raise ValueError("expected")
    except ValueError as error:
        return str(error)


def test_there_are_fifty_clean_functions():
    assert len(CLEAN) == 50


@pytest.mark.parametrize("name", list(CLEAN))
def test_a_clean_function_is_not_reported(name: str):
    report = measure_growth(CLEAN[name])
    assert not report.leaked, report.describe(name)
    assert report.slope_bytes_per_iteration <= memory.DEFAULT_THRESHOLD
