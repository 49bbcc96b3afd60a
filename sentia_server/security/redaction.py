"""Secrets never reach a log line: known secret values (every SecretStr of the settings, registered when a runtime is
built), credentials recognisable by their shape (Bearer/Basic values, API keys, JWTs, passwords in URLs), and the
values of keys named like secrets are replaced with a marker. Used by the structlog chain and, as a logging filter,
for every record of the standard library (MCP SDK, uvicorn, SQLAlchemy, httpx)."""

from __future__ import annotations

import base64
import logging
import re
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretBytes, SecretStr

from sentia_server.security.encryption import KeyringError, parse_keys

REDACTED = "[REDACTED]"
MIN_SECRET_LENGTH = 6
"""Shorter configured values are not redacted by value (they would blank out ordinary words); none of the
server's secrets may be that short in practice."""

SENSITIVE_KEY = re.compile(
    r"authorization|token(?!s)|secret|password|passwd|api[_-]?key|cookie|credential|private[_-]?key",
    re.IGNORECASE,
)
_CREDENTIAL_SHAPES = re.compile(
    r"(?i:bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}"  # an Authorization header value
    r"|sentia_[0-9a-f]{16}_[A-Za-z0-9_-]+"  # an API key of this server
    r"|eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"  # a JWT
    r"|(?<=://)[^/\s:@]{1,200}:[^/\s@]{1,200}(?=@)"  # user:password in a URL
    r"|\b(?:shpat|shpca|shppa|shpss)_[A-Za-z0-9]{16,}"  # Shopify access tokens
    r"|\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}"  # OpenAI and Anthropic keys
    r"|\bAtz[ar]\|[A-Za-z0-9_|=-]{16,}"  # Amazon LWA tokens
)

_ASSIGNMENT = re.compile(
    r"(?i)\b((?:[a-z]+[_-])?(?:password|passwd|pwd|secret|token|api[_-]?key)[\"']?\s{0,4}[=:]\s{0,4}[\"']?)"
    r"(?!\[REDACTED\])[^\s\"'&,;]{1,500}"
)
"""`password=...`, `client_secret: ...`, `"access_token": "..."` in free text: the value goes, the name stays."""


class SecretRedactor:
    """The process's known secret values and the redaction of text and structured values. Thread-safe: values are
    registered from whichever thread builds a runtime; the pattern is swapped atomically."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._known: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def add(self, values: Iterable[str]) -> None:
        with self._lock:
            self._values.update(value for value in values if len(value) >= MIN_SECRET_LENGTH)
            ordered = sorted(self._values, key=len, reverse=True)  # longest first, so a prefix never wins
            self._known = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._known = None

    def redact_text(self, text: str) -> str:
        known = self._known
        if known is not None:
            text = known.sub(REDACTED, text)
        text = _CREDENTIAL_SHAPES.sub(REDACTED, text)
        return _ASSIGNMENT.sub(lambda match: match.group(1) + REDACTED, text)

    def redact(self, value: Any, key: str = "") -> Any:
        """`value` with secrets replaced; the whole value when `key` names a secret."""
        if key and SENSITIVE_KEY.search(key) and value is not None:
            return REDACTED
        if isinstance(value, str):
            return self.redact_text(value)
        if isinstance(value, Mapping):
            return {k: self.redact(v, str(k)) for k, v in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            return [self.redact(item) for item in value]
        if isinstance(value, SecretStr | SecretBytes):
            return REDACTED
        return value


REDACTOR = SecretRedactor()


class RedactedEvent(dict[str, Any]):
    """A structlog event whose values the structlog chain has already redacted (its last step), so the standard
    library's record factory and handler filter do not redact it twice more."""


def secret_values(model: BaseModel) -> list[str]:
    """Every SecretStr/SecretBytes value in `model` and its nested models, lists and dicts, plus passwords of URLs
    in plain string fields (a database URL)."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, SecretStr):
            secret = value.get_secret_value()
            found.append(secret)
            # a list of entries (`key_id:base64,...`): each part is secret on its own
            found.extend(part for part in _PARTS.split(secret) if len(part) >= MIN_PART_LENGTH)
        elif isinstance(value, SecretBytes):
            found.append(value.get_secret_value().decode("utf-8", "replace"))
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, Mapping):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            found.extend(match.group(1) for match in _URL_PASSWORD.finditer(value))

    walk(model)
    key_file = getattr(model, "encryption_key_file", None)
    if isinstance(key_file, Path):
        found.extend(_key_file_values(key_file))
    return found


def _key_file_values(path: Path) -> list[str]:
    """The base64 key material of an encryption key file, which the settings name but do not hold."""
    try:
        keys = parse_keys(path.read_text(encoding="utf-8"), source=str(path))
    except (OSError, UnicodeDecodeError, KeyringError):
        return []
    return [base64.b64encode(key).decode("ascii") for _key_id, key in keys]


_PARTS = re.compile(r"[\s,:]+")
MIN_PART_LENGTH = 12
_URL_PASSWORD = re.compile(r"://[^/\s:@]{0,200}:([^/\s@]{1,200})@")


def register_secrets(model: BaseModel) -> None:
    """Redact the secret values of `model` (the settings) from every log line of this process from now on."""
    REDACTOR.add(secret_values(model))


class RedactingFilter(logging.Filter):
    """Redacts a standard-library record in place: its message with the arguments merged, and any extra fields.
    Attach to handlers: a filter on a logger does not see records propagated from its children."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, RedactedEvent):
            return True
        if isinstance(record.msg, dict):  # an event dict from another structlog chain
            record.msg = REDACTOR.redact(record.msg)
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the format: keep both, redacted
            message = f"{record.msg} {record.args!r}"
        record.msg = REDACTOR.redact_text(message)
        record.args = None
        for name, value in list(vars(record).items()):
            if name not in _RECORD_ATTRIBUTES:
                setattr(record, name, REDACTOR.redact(value, name))
        return True


def install_record_factory() -> None:
    """Redact every standard-library record when it is created, so that every handler (a test runner's capture, a
    handler a library adds) sees only redacted records, not just the server's own handler. Idempotent."""
    current = logging.getLogRecordFactory()
    if getattr(current, "sentia_redacting", False):
        return
    redacting = RedactingFilter()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        redacting.filter(record)
        return record

    factory.sentia_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
