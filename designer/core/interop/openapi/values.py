"""Typed parameter values as OpenAPI writes them: schemas and examples of the right type.

A parameter's sample is text in our model and its type says how to read it;
an export writes the schema of that type (``integer``, ``number``,
``boolean``, JSON as ``array``/``object``, a file as binary) and the sample as
a value of that type (``7``, ``true``, ``[1, 2]``), so that an import, or
another tool, reads the same thing back.
"""

from __future__ import annotations

from typing import Any

import orjson

from designer.core.http.body import nest_dotted
from designer.core.models import Parameter
from designer.core.models import ValueType as ParamType

__all__ = ["body_example", "body_schema", "typed_schema"]

#: Any JSON value but null: a JSON-typed sample that is neither a list nor an object.
_ANY_JSON = ("array", "boolean", "number", "object", "string")


def typed_schema(p: Parameter) -> tuple[dict[str, Any], Any]:
    """The schema of a parameter's value type, and its sample as a value of that type."""
    value: Any = p.value
    if p.type is ParamType.INTEGER:
        schema: dict[str, Any] = {"type": "integer"}
        value = _parse(p.value, int)
    elif p.type is ParamType.NUMBER:
        schema = {"type": "number"}
        value = _parse(p.value, float)
    elif p.type is ParamType.BOOLEAN:
        schema = {"type": "boolean"}
        value = {"true": True, "false": False}.get(p.value.strip().lower(), p.value)
    elif p.type is ParamType.JSON:
        try:
            value = orjson.loads(p.value) if p.value.strip() else None
        except orjson.JSONDecodeError:
            value = p.value
        schema = {"type": "array"} if isinstance(value, list) else {"type": "object"}
        if value is not None and not isinstance(value, list | dict):
            schema = {"type": list(_ANY_JSON)}
    elif p.type is ParamType.FILE:
        schema = {"type": "string", "format": "binary"}
        value = ""
    else:
        schema = {"type": "string"}
    return schema, value


def _parse(text: str, kind: type[int] | type[float]) -> Any:
    try:
        number = kind(text.strip())
    except ValueError:
        return text
    return (
        int(number) if kind is float and float(number).is_integer() and "." not in text else number
    )


def body_schema(parameters: list[Parameter]) -> dict[str, Any]:
    root: dict[str, Any] = {"type": "object", "properties": {}}
    for p in parameters:
        *parents, leaf = p.name.split(".")
        node = root
        for part in parents:
            child = node["properties"].setdefault(part, {"type": "object", "properties": {}})
            if "properties" not in child:
                break
            node = child
        else:
            schema, value = typed_schema(p)
            if p.value and not p.private and value not in ("", None):
                schema["examples"] = [value]
            if p.description:
                schema["description"] = p.description
            node["properties"][leaf] = schema
            if not p.optional:
                node.setdefault("required", []).append(leaf)
    return root


def body_example(parameters: list[Parameter]) -> dict[str, Any]:
    """The JSON body the parameters' samples make (private ones left out), typed."""
    pairs = []
    for p in parameters:
        _, value = typed_schema(p)
        if not p.private and value not in ("", None):
            pairs.append((p.name, value))
    return nest_dotted(pairs)
