"""The inferred structure of a response: a typed tree of :class:`Shape` nodes.

A shape describes every value seen at one place in a response body: its type,
string format, whether it was sometimes null (*nullable*) or missing from its
object (*optional*), how often it was seen and a couple of short samples.
Objects hold their fields by name, lists hold the shape of their items, and a
*mixed* value lists the alternatives that were seen. A *map* is an object
whose keys are data (ids, dates, currency codes) rather than field names: it
holds the merged shape of all its values in ``items``, like a list, and a
couple of its keys as samples, so it stays small however many keys it has.

Paths name a node the way users read it: ``data[].customer.email``; ``[]`` is
"each item of the list", the root is the empty path.

These are plain dataclasses rather than pydantic models on purpose: inference
is on the hot path of ``connector-designer infer``, and importing pydantic's
model machinery would cost more than inferring a large body. Pydantic still
validates them where they appear inside the workspace models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

__all__ = [
    "FieldOverride",
    "ResponseType",
    "Sample",
    "Shape",
    "NUMBER_FORMATS",
    "TextFormat",
    "ValueType",
    "child_path",
    "format_applies",
]

Sample = str | int | float | bool | None


class ValueType(StrEnum):
    """The type of a value, as shown in the type column of the structure tree."""

    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    NULL = "null"
    OBJECT = "object"
    MAP = "map"
    LIST = "list"
    MIXED = "mixed"
    UNKNOWN = "unknown"
    BINARY = "binary"


class TextFormat(StrEnum):
    """A format detected on values; detected only when every value matches.

    Most are formats of text. ``unix-time`` and ``unix-time-ms`` are dates
    written as numbers (seconds or milliseconds since 1970, UTC): they apply to
    integers and numbers, so the original encoding is kept beside the meaning.
    ``date-time-rfc-2822`` is a date written as e-mail and HTTP headers write
    it (``Fri, 18 Oct 2019 17:02:00 +0000``; RFC 1123 and HTTP-date are forms
    of it). The name stays ``TextFormat`` because files and exports spell it.
    """

    DATE = "date"
    DATE_TIME = "date-time"
    TIME = "time"
    EMAIL = "email"
    URL = "url"
    IMAGE_URL = "image-url"
    UUID = "uuid"
    DATE_TIME_RFC_2822 = "date-time-rfc-2822"
    IPV4 = "ipv4"
    IPV6 = "ipv6"
    CIDR = "cidr"
    UNIX_TIME = "unix-time"
    UNIX_TIME_MS = "unix-time-ms"


#: Formats of integers and numbers: Unix times; every other format is a format of text.
NUMBER_FORMATS = frozenset({TextFormat.UNIX_TIME, TextFormat.UNIX_TIME_MS})


def format_applies(kind: ValueType, fmt: TextFormat) -> bool:
    """Whether values of type ``kind`` can have format ``fmt``."""
    if fmt in NUMBER_FORMATS:
        return kind is ValueType.INTEGER or kind is ValueType.NUMBER
    return kind is ValueType.TEXT


class ResponseType(StrEnum):
    """How a response body is read; ``auto`` detects it from Content-Type."""

    AUTO = "auto"
    JSON = "json"
    XML = "xml"
    TEXT = "text"
    BINARY = "binary"
    # A streamed body (Server-Sent Events, JSON Lines), read as events: designer.core.streams.
    STREAM = "stream"


@dataclass(slots=True)
class Shape:
    """The structure of all values seen at one place of a response.

    ``count`` is how many values were seen here, nulls included; for a field
    it is the number of objects that had the field, so ``optional`` is
    ``count < parent.count``. ``samples`` holds up to two short values (for a
    map, two of its keys). ``items`` is the shape of a list's items or of a
    map's values (its ``count`` is then the number of items or keys seen).
    ``embedded`` is the structure of text that holds JSON; ``truncated`` marks
    a node below the depth limit whose inside was not inferred. ``content_type``
    and ``size`` describe text and binary bodies.
    """

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}

    type: ValueType
    format: TextFormat | None = None
    nullable: bool = False
    optional: bool = False
    count: int = 0
    samples: list[Sample] = field(default_factory=list)
    fields: dict[str, Shape] | None = None
    items: Shape | None = None
    variants: list[Shape] | None = None
    embedded: Shape | None = None
    truncated: bool = False
    content_type: str | None = None
    size: int | None = None

    @property
    def label(self) -> str:
        """The type as users read it: ``text (date)``, ``integer (unix-time)``, ``list of text``."""
        if self.format is not None and format_applies(self.type, self.format):
            return f"{self.type.value} ({self.format.value})"
        if self.type is ValueType.LIST or self.type is ValueType.MAP:
            inner = self.items.label if self.items is not None else ValueType.UNKNOWN.value
            return f"{self.type.value} of {inner}"
        if self.type is ValueType.MIXED and self.variants:
            return " or ".join(v.label for v in self.variants)
        return self.type.value


@dataclass(slots=True)
class FieldOverride:
    """A user's choice about one field, kept on the call across re-initializations."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}

    type: ValueType | None = None
    format: TextFormat | None = None
    include: bool = True
    label: str | None = None


def child_path(parent: str, name: str | None) -> str:
    """The path of field ``name`` (or of the list items when ``name`` is None) under ``parent``."""
    if name is None:
        return f"{parent}[]"  # each item of a list, or each value of a map
    if name == "" or any(c in name for c in '.[]"'):
        escaped = name.replace("\\", "\\\\").replace('"', '\\"')
        return f'{parent}["{escaped}"]'
    return f"{parent}.{name}" if parent else name


def shape_to_dict(shape: Shape) -> dict[str, Any]:
    """A compact JSON-ready dict of ``shape``: only what differs from the defaults.

    Workspace files store structures this way so that re-initializing a call
    changes only the lines that really changed.
    """
    out: dict[str, Any] = {"type": shape.type.value}
    if shape.format is not None:
        out["format"] = shape.format.value
    if shape.nullable:
        out["nullable"] = True
    if shape.optional:
        out["optional"] = True
    out["count"] = shape.count
    if shape.samples:
        out["samples"] = list(shape.samples)
    if shape.fields is not None:
        out["fields"] = {name: shape_to_dict(child) for name, child in shape.fields.items()}
    if shape.items is not None:
        out["items"] = shape_to_dict(shape.items)
    if shape.variants is not None:
        out["variants"] = [shape_to_dict(v) for v in shape.variants]
    if shape.embedded is not None:
        out["embedded"] = shape_to_dict(shape.embedded)
    if shape.truncated:
        out["truncated"] = True
    if shape.content_type is not None:
        out["content_type"] = shape.content_type
    if shape.size is not None:
        out["size"] = shape.size
    return out


def override_to_dict(override: FieldOverride) -> dict[str, Any]:
    """A compact JSON-ready dict of ``override``: only the choices the user made."""
    out: dict[str, Any] = {}
    if override.type is not None:
        out["type"] = override.type.value
    if override.format is not None:
        out["format"] = override.format.value
    if not override.include:
        out["include"] = False
    if override.label is not None:
        out["label"] = override.label
    return out
