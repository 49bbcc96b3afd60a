"""Structured logging to stderr (stdout belongs to JSON-RPC on the stdio transport), with secrets redacted.

Exceptions are logged as their type and message, never as a stack trace: traces can carry arguments and
internals. Set SENTIA_LOG_LEVEL=DEBUG and reproduce locally to investigate.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, WrappedLogger

from sentia_server.observability.context import request_id_var
from sentia_server.security.redaction import (
    REDACTED,
    REDACTOR,
    RedactedEvent,
    RedactingFilter,
    install_record_factory,
)

__all__ = ["REDACTED", "configure_logging", "redact_secrets", "redact_text"]


def redact_text(text: str) -> str:
    return REDACTOR.redact_text(text)


def redact_secrets(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """Replace known secret values, values of sensitive keys, and credentials anywhere in text, with a marker."""
    return RedactedEvent({key: REDACTOR.redact(value, key) for key, value in event_dict.items()})


def summarize_exception(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """Turn `exc_info` into `error_type` and `error`, so no stack trace reaches the log."""
    exc_info = event_dict.pop("exc_info", None)
    error: BaseException | None = None
    if isinstance(exc_info, BaseException):
        error = exc_info
    elif isinstance(exc_info, tuple):
        error = exc_info[1]
    elif exc_info:
        error = sys.exc_info()[1]
    if error is not None:
        event_dict.setdefault("error_type", type(error).__name__)
        event_dict.setdefault("error", str(error))
    return event_dict


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever `sys.stderr` is when a record is emitted, so a swapped stream is followed."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr  # emit runs under the handler's lock
        super().emit(record)


def drop_color_message(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """uvicorn attaches an ANSI-coloured copy of its message; the plain one is enough."""
    event_dict.pop("color_message", None)
    return event_dict


def add_request_id(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """The id of the HTTP request being served, read when a line is logged rather than bound for every request."""
    request_id = request_id_var.get()
    if request_id is not None:
        event_dict.setdefault("request_id", request_id)
    return event_dict


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    """Route structlog and the standard library (MCP SDK, uvicorn, SQLAlchemy) through one stderr handler."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        add_request_id,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        drop_color_message,
        summarize_exception,
        redact_secrets,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    install_record_factory()
    handler = _StderrHandler()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.ExtraAdder(), *shared],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Request lines are logged by our own middleware with the request id; uvicorn's access log would repeat them.
    logging.getLogger("uvicorn.access").handlers[:] = []
    logging.getLogger("uvicorn.access").propagate = False
    for noisy in (
        "alembic",
        "httpx",
        "httpx2",
        "httpcore",
        "mcp.server.streamable_http",
        "mcp.server.streamable_http_manager",
    ):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
