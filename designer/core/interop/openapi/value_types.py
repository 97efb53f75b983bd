"""Parameter value types as JSON Schema, both ways, for OpenAPI exports and imports.

``integer``, ``number`` and ``boolean`` are themselves; ``json`` is any JSON
value, most often an array or an object; ``file`` is a binary string, the
OpenAPI way of saying "a file part" in a multipart body; ``text`` is a string.
"""

from __future__ import annotations

from typing import Any

import orjson

from designer.core.models import ValueType
from designer.core.values import BadValue, json_value

__all__ = ["schema_value_type", "typed_example", "value_type_schema"]

_SCHEMAS: dict[ValueType, dict[str, Any]] = {
    ValueType.TEXT: {"type": "string"},
    ValueType.INTEGER: {"type": "integer"},
    ValueType.NUMBER: {"type": "number"},
    ValueType.BOOLEAN: {"type": "boolean"},
    # A json parameter holds a list or an object: single values have their own types.
    ValueType.JSON: {"type": ["array", "object"]},
    ValueType.FILE: {"type": "string", "format": "binary"},
}


def value_type_schema(kind: ValueType) -> dict[str, Any]:
    """The JSON Schema (OpenAPI 3.1) of a parameter's value type; a new dict each call."""
    return dict(_SCHEMAS[kind])


def typed_example(kind: ValueType, sample: str) -> Any:
    """The sample as a value of its type (``7``, ``true``, a list), or the text when it does
    not fit, so an export shows what a request would send."""
    if kind in (ValueType.TEXT, ValueType.FILE):
        return sample
    try:
        value = json_value(kind, sample)
    except BadValue:
        return sample
    return value if isinstance(value, bool) else orjson.loads(orjson.dumps(value))


def schema_value_type(schema: Any) -> ValueType:
    """The value type a (resolved) schema describes; text when it says nothing clearer.

    ``type`` may be a list (OpenAPI 3.1): ``null`` in it is ignored, and a
    mix of kinds is JSON. A ``string`` with ``format: binary`` is a file.
    """
    if not isinstance(schema, dict):
        return ValueType.TEXT
    declared = schema.get("type")
    kinds = [declared] if isinstance(declared, str) else list(declared or [])
    kinds = [k for k in kinds if k != "null"] or (["null"] if kinds else [])
    if not kinds:
        if "properties" in schema:
            return ValueType.JSON
        if "items" in schema:
            return ValueType.JSON
        return ValueType.TEXT
    if len(kinds) > 1:
        return ValueType.NUMBER if set(kinds) == {"integer", "number"} else ValueType.JSON
    kind = kinds[0]
    if kind == "string":
        return ValueType.FILE if schema.get("format") == "binary" else ValueType.TEXT
    simple = {"integer": ValueType.INTEGER, "number": ValueType.NUMBER}
    if kind in simple:
        return simple[kind]
    if kind == "boolean":
        return ValueType.BOOLEAN
    return ValueType.JSON  # array, object, null
