"""The configuration a backup of kind `configuration` holds: the effective settings without any secret, and the
database's migration revision. Secrets live in the environment or secret files and are backed up with them."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, SecretStr

from sentia_server import __version__


def _without_password(text: str) -> str:
    if "://" not in text:
        return text
    try:
        parts = urlsplit(text)
        password = parts.password
    except ValueError:
        return text
    if password is None:
        return text
    host = parts.netloc.rsplit("@", 1)[1]
    return parts._replace(netloc=f"{parts.username or ''}@{host}").geturl()


def _public(value: Any, path: str, secrets_set: list[str]) -> Any:
    if isinstance(value, BaseModel):
        document: dict[str, Any] = {}
        for name in type(value).model_fields:
            field_value = getattr(value, name)
            field_path = f"{path}.{name}" if path else name
            if isinstance(field_value, SecretStr):
                secrets_set.append(field_path)
                continue
            document[name] = _public(field_value, field_path, secrets_set)
        return document
    if isinstance(value, dict):
        return {str(key): _public(item, f"{path}.{key}", secrets_set) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_public(item, f"{path}[{index}]", secrets_set) for index, item in enumerate(value)]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, str):
        return _without_password(value)
    return value


def configuration_document(settings: BaseModel, *, alembic_revision: str | None, head_revision: str) -> dict[str, Any]:
    """The settings as JSON-ready data: secrets are left out (only the names of those that are set are listed),
    and passwords are removed from URLs."""
    secrets_set: list[str] = []
    values = _public(settings, "", secrets_set)
    return {
        "server_version": __version__,
        "settings": values,
        "secrets_set": sorted(secrets_set),
        "alembic_revision": alembic_revision,
        "code_head_revision": head_revision,
    }
