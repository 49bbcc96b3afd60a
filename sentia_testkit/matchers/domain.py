"""Matchers for the domain models: a dict or model matches when it validates against the model and meets the
given field constraints. Derived values (totals, results, reorder flags) may be present in a dict, as a server
returns them; they must then equal what the model derives."""

from __future__ import annotations

import types
import typing
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError

from sentia_server.domain import InventoryLevel, ManufacturingOrder, ProductSpecification, QualityRecord
from sentia_testkit.matchers._explained import ExplainedMatcher, Problem, describe, join_path, matches

_VALUE_ERROR_PREFIX = "Value error, "


class _ModelMatcher(ExplainedMatcher[Any]):
    model: ClassVar[type[BaseModel]]

    def __init__(self, **constraints: Any) -> None:
        known = set(self.model.model_fields) | set(self.model.model_computed_fields)
        unknown = sorted(set(constraints) - known)
        if unknown:
            raise TypeError(
                f"{type(self).__name__}: {self.model.__name__} has no field {', '.join(unknown)}; "
                f"its fields are {', '.join(sorted(known))}"
            )
        for field, expected in constraints.items():
            _check_choice(self.model, field, expected)
        self.constraints = constraints
        super().__init__(**constraints)

    def check(self, other: Any) -> list[Problem]:
        name = self.model.__name__
        if isinstance(other, self.model):
            return self._constraint_problems(other, lambda field: getattr(other, field))
        if not isinstance(other, dict):
            return [Problem("", f"expected {_article(name)} {name} or a dict, not {type(other).__name__}")]
        recorded, stated = split_derived(self.model, other)
        try:
            instance = self.model.model_validate(recorded)
        except ValidationError as refused:
            problems = validation_problems(refused)
            present = {key: value for key, value in other.items() if key in recorded}
            return problems + self._constraint_problems(present, present.__getitem__, only_present=True)
        problems = derived_problems(instance, stated)
        return problems + self._constraint_problems(instance, lambda field: getattr(instance, field))

    def _constraint_problems(self, source: Any, get: Any, *, only_present: bool = False) -> list[Problem]:
        problems = []
        for field, expected in self.constraints.items():
            if only_present and field not in source:
                continue
            actual = get(field)
            if not equal_value(expected, actual):
                problems.append(Problem(field, f"{describe(expected)}, got {_shown(actual)}"))
        return problems


class IsManufacturingOrder(_ModelMatcher):
    """A valid `ManufacturingOrder` (dict or model), e.g. `IsManufacturingOrder(status="released")`."""

    model = ManufacturingOrder


class IsProductSpecification(_ModelMatcher):
    """A valid `ProductSpecification` (dict or model), e.g. `IsProductSpecification(category="spirit")`."""

    model = ProductSpecification


class IsQualityRecord(_ModelMatcher):
    """A valid `QualityRecord` (dict or model), e.g. `IsQualityRecord(overall_result="pass")`."""

    model = QualityRecord


class IsInventoryLevel(_ModelMatcher):
    """A valid `InventoryLevel` (dict or model), e.g. `IsInventoryLevel(on_hand=IsPositive)`."""

    model = InventoryLevel


def _check_choice(model: type[BaseModel], field: str, expected: Any) -> None:
    """Refuse a constraint that can never hold: plain text that is not one of an enum field's values."""
    if field in model.model_fields:
        annotation = model.model_fields[field].annotation
    else:
        annotation = model.model_computed_fields[field].return_type
    if isinstance(annotation, type) and issubclass(annotation, Enum) and isinstance(expected, str):
        choices = [member.value for member in annotation]
        if expected not in choices:
            raise TypeError(
                f"{model.__name__}.{field} is never {expected!r}; it is one of {', '.join(map(str, choices))}"
            )


def validation_problems(refused: ValidationError) -> list[Problem]:
    """One problem per error pydantic found, with its field path (e.g. `lines.0.unit_price.currency`)."""
    problems = []
    for error in refused.errors():
        message = str(error["msg"]).removeprefix(_VALUE_ERROR_PREFIX)
        if error["type"] in {"missing", "extra_forbidden"}:
            message = "required field is missing" if error["type"] == "missing" else "not a field of this model"
        problems.append(Problem(join_path(*error["loc"]), message))
    return problems


def split_derived(
    model: type[BaseModel], data: dict[str, Any], path: str = ""
) -> tuple[dict[str, Any], dict[str, Any]]:
    """`data` without the model's derived fields (at every level), and the derived values it stated, by path."""
    recorded: dict[str, Any] = {}
    stated: dict[str, Any] = {}
    for key, value in data.items():
        here = join_path(path, key)
        if key in model.model_computed_fields:
            stated[here] = value
            continue
        field = model.model_fields.get(key)
        nested = _nested_model(field.annotation) if field is not None else None
        if nested is not None and isinstance(value, dict):
            value, inner = split_derived(nested, value, here)
            stated.update(inner)
        elif nested is not None and isinstance(value, list):
            items = []
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    item, inner = split_derived(nested, item, join_path(here, index))
                    stated.update(inner)
                items.append(item)
            value = items
        recorded[key] = value
    return recorded, stated


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, directly or as the items of a list (through Annotated and Optional)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Annotated, list, typing.Union, types.UnionType):
        for argument in typing.get_args(annotation):
            found = _nested_model(argument)
            if found is not None:
                return found
    return None


def derived_problems(instance: BaseModel, stated: dict[str, Any]) -> list[Problem]:
    """A problem for each stated derived value that differs from what the model derives."""
    dumped = instance.model_dump(mode="json")
    problems = []
    for path, given in stated.items():
        actual: Any = dumped
        for part in path.split("."):
            actual = actual[int(part)] if isinstance(actual, list) else actual[part]
        if not same_json(given, actual):
            problems.append(Problem(path, f"is derived as {_shown(actual)}, but the value states {_shown(given)}"))
    return problems


def same_json(given: Any, derived: Any) -> bool:
    """JSON values equal, numbers compared as exact decimals (so 258, 258.0 and "258.00" agree)."""
    if isinstance(given, dict) and isinstance(derived, dict):
        return given.keys() == derived.keys() and all(same_json(given[key], derived[key]) for key in given)
    if isinstance(given, list) and isinstance(derived, list):
        return len(given) == len(derived) and all(map(same_json, given, derived))
    if given == derived:
        return True
    left, right = as_decimal(given), as_decimal(derived)
    return left is not None and left == right


def as_decimal(value: Any) -> Decimal | None:
    """`value` as an exact decimal when it is a number or numeric text (never a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        return None
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def equal_value(expected: Any, actual: Any) -> bool:
    """A constraint met: equal (through a nested matcher), a number equal as a decimal, or a dict equal to a
    model's fields."""
    if matches(expected, actual):
        return True
    if isinstance(actual, Decimal):
        number = as_decimal(expected)
        return number is not None and number == actual
    if isinstance(actual, BaseModel) and isinstance(expected, dict):
        return same_json(expected, actual.model_dump(mode="json", include=set(expected)))
    return False


def _shown(value: Any) -> str:
    if isinstance(value, BaseModel):
        return str(value) if type(value).__str__ is not BaseModel.__str__ else repr(value)
    return repr(value)


def _article(name: str) -> str:
    return "an" if name[0] in "AEIOU" else "a"
