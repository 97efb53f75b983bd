"""The inferred structure of a response: a typed tree of :class:`Shape` nodes.

A shape describes every value seen at one place in a response body: its type,
string format, whether it was sometimes null (*nullable*) or missing from its
object (*optional*), how often it was seen and a couple of short samples.
Objects hold their fields by name, lists hold the shape of their items, and a
*mixed* value lists the alternatives that were seen.

Paths name a node the way users read it: ``data[].customer.email``; ``[]`` is
"each item of the list", the root is the empty path.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["FieldOverride", "Shape", "TextFormat", "ValueType", "child_path"]

Sample = str | int | float | bool | None


class ValueType(StrEnum):
    """The type of a value, as shown in the type column of the structure tree."""

    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    NULL = "null"
    OBJECT = "object"
    LIST = "list"
    MIXED = "mixed"
    UNKNOWN = "unknown"
    BINARY = "binary"


class TextFormat(StrEnum):
    """A format detected on text values; detected only when every value matches."""

    DATE = "date"
    DATE_TIME = "date-time"
    TIME = "time"
    EMAIL = "email"
    URL = "url"
    IMAGE_URL = "image-url"
    UUID = "uuid"


class Shape(BaseModel):
    """The structure of all values seen at one place of a response."""

    model_config = ConfigDict(extra="forbid")

    type: ValueType
    format: TextFormat | None = None
    nullable: bool = Field(False, description="null was seen besides other values")
    optional: bool = Field(False, description="missing from some of the objects holding it")
    count: int = Field(0, ge=0, description="how many values were seen here (nulls included)")
    samples: list[Sample] = Field(default_factory=list, description="up to two short samples")
    fields: dict[str, Shape] | None = Field(None, description="the fields of an object")
    items: Shape | None = Field(None, description="the shape of a list's items")
    variants: list[Shape] | None = Field(None, description="the alternatives of a mixed value")
    embedded: Shape | None = Field(None, description="the structure of text that holds JSON")
    truncated: bool = Field(False, description="deeper levels were not inferred (depth limit)")
    content_type: str | None = Field(None, description="for text and binary bodies")
    size: int | None = Field(None, ge=0, description="body size in bytes, for text and binary")


class FieldOverride(BaseModel):
    """A user's choice about one field, kept on the call across re-initializations."""

    model_config = ConfigDict(extra="forbid")

    type: ValueType | None = None
    format: TextFormat | None = None
    include: bool = True
    label: str | None = Field(None, description="display name shown instead of the field name")


def child_path(parent: str, name: str | None) -> str:
    """The path of field ``name`` (or of the list items when ``name`` is None) under ``parent``."""
    if name is None:
        return f"{parent}[]"
    if name == "" or any(c in name for c in ".[]\"") :
        escaped = name.replace("\\", "\\\\").replace('"', '\\"')
        return f'{parent}["{escaped}"]'
    return f"{parent}.{name}" if parent else name
