"""Saved example responses and typed values, as the collection exports write them.

A call's structure is written as a saved example response (a JSON body
built from the structure, with the samples it kept), which Postman shows as
documentation and which an import reads back into the same structure.
Parameter values are written with their type in JSON bodies: ``7`` and
``true``, not ``"7"`` and ``"true"``.
"""

from __future__ import annotations

from typing import Any

import orjson

from designer.core.models import Call, Parameter, ValueType
from designer.core.structure import Shape
from designer.core.structure import ValueType as Kind

__all__ = ["example_response", "typed_value"]

_MAX_NODES = 2_000  # a structure is bounded, and so is its example


def typed_value(parameter: Parameter, text: str) -> Any:
    """``text`` as the JSON value its parameter's type says; text when it does not parse."""
    kind = parameter.type
    try:
        if kind is ValueType.INTEGER:
            return int(text)
        if kind is ValueType.NUMBER:
            number = float(text)
            return int(number) if number.is_integer() and "." not in text else number
        if kind is ValueType.BOOLEAN and text.strip().lower() in ("true", "false"):
            return text.strip().lower() == "true"
        if kind is ValueType.JSON:
            return orjson.loads(text)
    except (ValueError, orjson.JSONDecodeError):
        pass
    return text


def _scalar(shape: Shape) -> Any:
    sample = shape.samples[0] if shape.samples else None
    if shape.type is Kind.TEXT:
        return sample if isinstance(sample, str) else ""
    if shape.type is Kind.INTEGER:
        return sample if isinstance(sample, int) and not isinstance(sample, bool) else 0
    if shape.type is Kind.NUMBER:
        # Written with a decimal point, so that it reads back as a number.
        return float(sample) if isinstance(sample, int | float) else 0.5
    if shape.type is Kind.BOOLEAN:
        return sample if isinstance(sample, bool) else True
    return None


def _value(shape: Shape, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0 or shape.truncated:
        return None
    if shape.type is Kind.OBJECT:
        return {name: _value(field, budget) for name, field in (shape.fields or {}).items()}
    if shape.type is Kind.LIST:
        return [] if shape.items is None else [_value(shape.items, budget)]
    if shape.type is Kind.MIXED and shape.variants:
        return _value(shape.variants[0], budget)
    return _scalar(shape)


def example_response(call: Call) -> dict[str, Any] | None:
    """A saved example response of ``call`` built from its structure; None without one."""
    shape = call.structure
    if shape is None or shape.type in (Kind.BINARY, Kind.UNKNOWN):
        return None
    if shape.type is Kind.TEXT and not shape.fields:
        return None  # a text or XML body: its structure is not JSON
    body = orjson.dumps(_value(shape, [_MAX_NODES]), option=orjson.OPT_INDENT_2).decode()
    return {
        "name": "Example",
        "status": "OK",
        "code": 200,
        "header": [{"key": "Content-Type", "value": "application/json"}],
        "body": body,
    }
