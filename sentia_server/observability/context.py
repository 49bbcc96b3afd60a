"""Per-request values shared by the HTTP middleware, the tool executor and the logs."""

from __future__ import annotations

from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("sentia_request_id", default=None)
