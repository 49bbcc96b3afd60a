"""Building domain examples, and reading why an invalid one is rejected."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError


def gbp(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "GBP"}


def rejection(model: type[BaseModel], data: dict[str, Any]) -> str:
    """The messages of the errors that refuse `data`, one per line; fails the test when `data` is accepted."""
    with pytest.raises(ValidationError) as refused:
        model.model_validate(data)
    return "\n".join(str(error["msg"]) for error in refused.value.errors())


def merged(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """`base` with `changes` applied; a value of `...` removes the key."""
    result = {**base, **changes}
    return {key: value for key, value in result.items() if value is not ...}
