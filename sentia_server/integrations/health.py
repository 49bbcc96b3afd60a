"""Each vendor's last known state, recorded passively from the calls the HTTP layer really makes.

Health probes read this book and never call a vendor themselves: a probe every few seconds per replica would spend
the vendors' rate limits and could itself trip their abuse protection. The book keeps only what an operator can
act on (when the vendor last answered, when it last failed, the error class and HTTP status, the circuit
breaker's state), never a message, URL or header, which can carry credentials.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from sentia_server.integrations.http import CircuitBreaker

VendorStatus = Literal["ok", "degraded", "unknown", "not_configured"]
CircuitState = Literal["closed", "open", "half_open"]

# Statuses that say the vendor (or our access to it) is in trouble. Other 4xx answers mean the vendor is up and
# judged one request (an unknown id, a validation error): they count as the vendor answering.
_TROUBLE_STATUSES = frozenset({401, 403, 429})


@dataclass(frozen=True, slots=True)
class LastError:
    """The class of the last failure (`ConnectError`, `ReadTimeout`, `VendorError` ...) and its HTTP status."""

    type: str
    status: int | None


@dataclass(frozen=True, slots=True)
class VendorState:
    name: str
    status: VendorStatus
    circuit: CircuitState | None = None
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    last_error: LastError | None = None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready, without the name (reports key vendors by name)."""
        return {
            "status": self.status,
            "circuit": self.circuit,
            "last_success_at": _iso(self.last_success_at),
            "last_failure_at": _iso(self.last_failure_at),
            "last_error": None
            if self.last_error is None
            else {"type": self.last_error.type, "status": self.last_error.status},
        }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


class _Record:
    __slots__ = ("breakers", "last_error", "last_failure_at", "last_success_at")

    def __init__(self) -> None:
        # Breakers are mutable dataclasses (not hashable), so they are kept by identity; an entry goes with its client.
        self.breakers: weakref.WeakValueDictionary[int, CircuitBreaker] = weakref.WeakValueDictionary()
        self.last_success_at: datetime | None = None
        self.last_failure_at: datetime | None = None
        self.last_error: LastError | None = None


class VendorStateBook:
    """The outcomes of one server process's vendor calls, by vendor name."""

    def __init__(self) -> None:
        self._records: dict[str, _Record] = {}

    def record(self, vendor: str, breaker: CircuitBreaker, error: BaseException | None = None) -> None:
        """Note one finished call: `error` is None on success, else the error the caller received."""
        entry = self._records.setdefault(vendor, _Record())
        entry.breakers[id(breaker)] = breaker
        now = datetime.now(UTC)
        status = getattr(error, "status", None)
        if error is None or (status is not None and status < 500 and status not in _TROUBLE_STATUSES):
            entry.last_success_at = now
            return
        entry.last_failure_at = now
        entry.last_error = LastError(type=_error_class(error), status=status)

    def state(self, vendor: str, *, configured: bool) -> VendorState:
        """What is known of `vendor`: `unknown` until a call was made, `degraded` while its circuit is open or
        after a failure that no success has followed."""
        if not configured:
            return VendorState(vendor, "not_configured")
        entry = self._records.get(vendor)
        if entry is None:
            return VendorState(vendor, "unknown")
        circuit = _circuit_state(list(entry.breakers.values()))
        failed_last = entry.last_failure_at is not None and (
            entry.last_success_at is None or entry.last_failure_at >= entry.last_success_at
        )
        return VendorState(
            vendor,
            "degraded" if circuit != "closed" or failed_last else "ok",
            circuit,
            entry.last_success_at,
            entry.last_failure_at,
            entry.last_error,
        )

    def states(self, configured: dict[str, bool]) -> tuple[VendorState, ...]:
        """The state of every vendor in `configured` (name → whether its credentials are set), in that order."""
        return tuple(self.state(name, configured=is_set) for name, is_set in configured.items())


def _error_class(error: BaseException) -> str:
    """The transport error behind a VendorError (ConnectError, ReadTimeout) when there is one, else its own class."""
    context = error.__context__
    if context is not None and error.__suppress_context__:
        return type(context).__name__
    return type(error).__name__


def _circuit_state(breakers: Iterable[CircuitBreaker]) -> CircuitState:
    """The worst state over the vendor's breakers (one per client and tenant)."""
    now = time.monotonic()
    worst: CircuitState = "closed"
    for breaker in breakers:
        if breaker.opened_at is None:
            continue
        if not breaker.allow(now):
            return "open"
        worst = "half_open"
    return worst


_books: weakref.WeakSet[VendorStateBook] = weakref.WeakSet()


def observe(book: VendorStateBook) -> VendorStateBook:
    """Let `book` receive the outcomes of every vendor call in this process until `forget` (or until it is gone)."""
    _books.add(book)
    return book


def forget(book: VendorStateBook) -> None:
    _books.discard(book)


def record_outcome(vendor: str, breaker: CircuitBreaker, error: BaseException | None = None) -> None:
    """Called by the HTTP layer after each call; costs a dictionary update per observing book."""
    for book in list(_books):
        book.record(vendor, breaker, error)
