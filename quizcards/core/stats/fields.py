"""A JSON shape defined once: each field's name, kind, nullability and description give its value and schema.

``Shape.json`` writes an object from a value, ``Shape.schema`` describes it as
JSON Schema; both walk the same ``Field`` definitions, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from quizcards.core.scheduler import easiness_number

T = TypeVar("T")


def _as_is(value: Any) -> object:
    return value


@dataclass(frozen=True, slots=True)
class Kind:
    """A JSON value's type: its JSON Schema, and how a figure's value becomes it."""

    schema: Mapping[str, Any]
    convert: Callable[[Any], object] = _as_is


@dataclass(frozen=True, slots=True)
class Field(Generic[T]):
    """One member of a JSON object, read from a value of type T."""

    name: str
    kind: Kind
    description: str
    read: Callable[[T], Any]
    nullable: bool = False

    def json(self, value: T) -> object:
        raw = self.read(value)
        return None if raw is None and self.nullable else self.kind.convert(raw)

    def json_schema(self) -> dict[str, Any]:
        schema = dict(self.kind.schema)
        if self.nullable:
            schema = {"anyOf": [schema, {"type": "null"}]}
        return {"description": self.description, **schema}


@dataclass(frozen=True, slots=True)
class Shape(Generic[T]):
    """A JSON object: its fields, in the order they are written; every one is always present."""

    fields: tuple[Field[T], ...]
    schema: dict[str, Any] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "schema",
            {
                "type": "object",
                "properties": {f.name: f.json_schema() for f in self.fields},
                "required": [f.name for f in self.fields],
            },
        )

    def json(self, value: T) -> dict[str, Any]:
        return {f.name: f.json(value) for f in self.fields}

    def kind(self) -> Kind:
        """This object as the value of another object's field."""
        return Kind(self.schema, self.json)

    def list_kind(self, *, min_items: int | None = None, max_items: int | None = None) -> Kind:
        """A list of these objects as the value of a field."""
        return list_of(self.kind(), min_items=min_items, max_items=max_items)


def list_of(item: Kind, *, min_items: int | None = None, max_items: int | None = None) -> Kind:
    schema: dict[str, Any] = {"type": "array", "items": dict(item.schema)}
    if min_items is not None:
        schema["minItems"] = min_items
    if max_items is not None:
        schema["maxItems"] = max_items
    convert = item.convert
    return Kind(schema, lambda values: [convert(value) for value in values])


def const(value: object) -> Kind:
    return Kind({"const": value})


def integer(minimum: int, maximum: int | None = None) -> Kind:
    schema: dict[str, Any] = {"type": "integer", "minimum": minimum}
    if maximum is not None:
        schema["maximum"] = maximum
    return Kind(schema)


DAY = Kind({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}, date.isoformat)
COUNT = integer(0)
TEXT = Kind({"type": "string"})
FLAG = Kind({"type": "boolean"})
# Rounded so that a script compares what it prints; four places tell 1 in 10,000 apart.
RATE = Kind({"type": "number", "minimum": 0, "maximum": 1}, lambda rate: round(rate, 4))
# EF as a number, 2.5, from hundredths (SM-2 never lowers it below 1.3), as every export writes it.
EASINESS = Kind({"type": "number", "minimum": 1.3}, easiness_number)
