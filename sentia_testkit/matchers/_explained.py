"""The base of the testkit's matchers: a dirty-equals type that remembers every rule the last value broke, so a
failing `assert value == IsSomething()` says what is wrong and where, not only that it is wrong."""

from __future__ import annotations

from typing import Any, TypeVar

from dirty_equals import DirtyEquals

T = TypeVar("T")


class Problem(tuple[str, str]):
    """One broken rule: the field path it concerns ("" for the value as a whole) and what is wrong."""

    __slots__ = ()

    def __new__(cls, path: str, message: str) -> Problem:
        return super().__new__(cls, (path, message))

    @property
    def path(self) -> str:
        return self[0]

    @property
    def message(self) -> str:
        return self[1]

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ExplainedMatcher(DirtyEquals[T]):
    """A matcher whose `check` lists every problem with a value; it matches when there are none.

    After a failed comparison `problems` holds them, the repr ends with them, and the pytest plugin prints them
    one per line under the failing assert (`pytest_assertrepr_compare`)."""

    __sentia_explains__ = True

    def __init__(self, *repr_args: Any, **repr_kwargs: Any) -> None:
        super().__init__(*repr_args, **repr_kwargs)
        self.problems: list[Problem] = []

    def check(self, other: Any) -> list[Problem]:
        # TypeError, not NotImplementedError: dirty-equals compares matcher classes by instantiating them (typing's
        # generic cache does that), and it treats a TypeError as "not equal".
        raise TypeError(f"{type(self).__name__} does not define check()")

    def equals(self, other: Any) -> bool:
        self.problems = list(self.check(other))
        return not self.problems

    def explain(self) -> list[str]:
        """The problems of the last value compared, one line each."""
        return [str(problem) for problem in self.problems]

    def _repr_ne(self) -> str:
        base = super()._repr_ne()
        if not self.problems:
            return base
        return f"{base} [{len(self.problems)} problem(s): {'; '.join(self.explain())}]"


def join_path(*parts: object) -> str:
    """`lines`, 0, `sku` -> "lines.0.sku"; empty parts are dropped."""
    return ".".join(str(part) for part in parts if part != "")


def matches(expected: Any, actual: Any) -> bool:
    """`expected == actual`, with `expected` on the left so a nested matcher compares; errors count as no match."""
    try:
        return bool(expected == actual)
    except (TypeError, ValueError, ArithmeticError):
        return False


def describe(expected: Any) -> str:
    """How a constraint reads in a message: a nested matcher's own explanation when it has one."""
    if isinstance(expected, ExplainedMatcher) and expected.problems:
        return "; ".join(expected.explain())
    return f"expected {expected!r}"


def assertion_lines(matcher: object) -> list[str] | None:
    """The lines pytest shows under a failing `==` with `matcher`: what was expected, then each problem."""
    if not isinstance(matcher, ExplainedMatcher) or not matcher.problems:
        return None
    base = DirtyEquals._repr_ne(matcher)
    count = len(matcher.problems)
    lines = [f"value does not match {base}: {count} problem{'s' if count > 1 else ''}"]
    lines += [f"  {line}" for line in matcher.explain()]
    return lines
