"""From a JSON Schema (as found in OpenAPI and Swagger documents) to a structure.

The reverse of :func:`~designer.core.inference.to_json_schema`, so that a call
imported from a specification shows the same typed tree as one initialized
against the real API:

- ``type`` (a name or a list; ``"null"`` and OpenAPI 3.0's ``nullable``
  make the value nullable), ``format`` (``uri`` is a URL, ``x-format:
  image-url`` an image URL), ``properties`` with ``required`` (the others are
  optional), ``items``, ``enum`` and ``const`` without a type; an object
  with an ``additionalProperties`` schema and no ``properties`` is a map;
- ``allOf`` merges its members' fields (required in any member is required);
- ``oneOf``/``anyOf``: a ``null`` member makes the value nullable; objects
  merge into one object whose fields are optional unless every member
  requires them; other combinations become a *mixed* value;
- ``contentSchema`` of ``application/json`` text is embedded JSON;
  ``x-truncated`` marks a node not described further;
- ``$ref`` is followed; a schema that refers to itself (a tree, a linked
  list) is cut where it recurs, as a *truncated* node, and so is anything
  below the inference depth limit.

Structures from a schema were not seen in responses: their counts are 0.
"""

from __future__ import annotations

from typing import Any

from ..inference import MAX_DEPTH
from ..structure import Shape, TextFormat, ValueType
from .reader import join
from .refs import Resolver

__all__ = ["schema_to_shape"]

_TYPES = {
    "string": ValueType.TEXT,
    "integer": ValueType.INTEGER,
    "number": ValueType.NUMBER,
    "boolean": ValueType.BOOLEAN,
    "null": ValueType.NULL,
    "object": ValueType.OBJECT,
    "array": ValueType.LIST,
}
_FORMATS = {
    "date": TextFormat.DATE,
    "date-time": TextFormat.DATE_TIME,
    "time": TextFormat.TIME,
    "email": TextFormat.EMAIL,
    "uri": TextFormat.URL,
    "url": TextFormat.URL,
    "uuid": TextFormat.UUID,
}


def schema_to_shape(schema: Any, where: str, resolver: Resolver) -> Shape:
    """The structure described by ``schema`` (at ``where`` in the document)."""
    return _Converter(resolver).convert(schema, where, 0, frozenset())


def _value_type(value: Any) -> ValueType:
    if value is None:
        return ValueType.NULL
    if isinstance(value, bool):
        return ValueType.BOOLEAN
    if isinstance(value, int):
        return ValueType.INTEGER
    if isinstance(value, float):
        return ValueType.NUMBER
    if isinstance(value, str):
        return ValueType.TEXT
    return ValueType.LIST if isinstance(value, list) else ValueType.OBJECT


class _Converter:
    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.reader = resolver.reader

    def convert(self, schema: Any, where: str, depth: int, active: frozenset[str]) -> Shape:
        schema, where, pointer = self.resolver.resolve(schema, where)
        if pointer is not None:
            if pointer in active:
                return Shape(type=_declared(schema), truncated=True)
            active = active | {pointer}
        if isinstance(schema, bool) or schema == {}:
            return Shape(type=ValueType.UNKNOWN)
        schema = self.reader.obj(schema, where)
        if depth >= MAX_DEPTH:
            return Shape(type=_declared(schema), truncated=True)
        nullable = schema.get("nullable") is True or schema.get("x-nullable") is True
        for key in ("allOf", "oneOf", "anyOf"):
            if key in schema:
                members = self.reader.lst(schema[key], join(where, key))
                shape = self._combine(key, members, join(where, key), depth, active)
                shape.nullable = shape.nullable or nullable
                return shape
        shape = self._typed(schema, where, depth, active)
        shape.nullable = shape.nullable or nullable
        return shape

    def _typed(
        self, schema: dict[str, Any], where: str, depth: int, active: frozenset[str]
    ) -> Shape:
        declared = schema.get("type")
        names = declared if isinstance(declared, list) else [declared] if declared else []
        types = [_TYPES[n] for n in names if isinstance(n, str) and n in _TYPES]
        if not types:
            if "properties" in schema:
                types = [ValueType.OBJECT]
            elif "items" in schema:
                types = [ValueType.LIST]
            elif "const" in schema:
                types = [_value_type(schema["const"])]
            elif isinstance(schema.get("enum"), list) and schema["enum"]:
                types = list(dict.fromkeys(_value_type(v) for v in schema["enum"]))
        nullable = ValueType.NULL in types and len(types) > 1
        types = [t for t in types if t is not ValueType.NULL] if nullable else types
        if not types:
            return Shape(type=ValueType.UNKNOWN, truncated=schema.get("x-truncated") is True)
        if len(types) > 1:
            variants = [self._one(t, schema, where, depth, active) for t in types]
            return Shape(type=ValueType.MIXED, variants=variants, nullable=nullable)
        shape = self._one(types[0], schema, where, depth, active)
        shape.nullable = nullable
        return shape

    def _one(
        self,
        vtype: ValueType,
        schema: dict[str, Any],
        where: str,
        depth: int,
        active: frozenset[str],
    ) -> Shape:
        shape = Shape(type=vtype, truncated=schema.get("x-truncated") is True)
        if vtype is ValueType.TEXT:
            fmt = schema.get("format")
            if fmt == "binary":
                shape.type = ValueType.BINARY
            elif schema.get("x-format") == "image-url":
                shape.format = TextFormat.IMAGE_URL
            elif isinstance(fmt, str) and fmt in _FORMATS:
                shape.format = _FORMATS[fmt]
            if "contentSchema" in schema and schema.get("contentMediaType") == "application/json":
                embedded = self.convert(
                    schema["contentSchema"], join(where, "contentSchema"), depth + 1, active
                )
                shape.embedded = embedded
        if vtype in (ValueType.TEXT, ValueType.BINARY):
            if isinstance(schema.get("x-content-type"), str):
                shape.content_type = schema["x-content-type"]
            if type(schema.get("x-size")) is int:
                shape.size = schema["x-size"]
        example = schema.get("example")
        if example is None and isinstance(schema.get("examples"), list) and schema["examples"]:
            example = schema["examples"][0]
        if isinstance(example, str | int | float | bool) and vtype not in (
            ValueType.OBJECT,
            ValueType.LIST,
        ):
            shape.samples = [example]
        values = schema.get("additionalProperties")
        if vtype is ValueType.OBJECT and "properties" not in schema and _described(values):
            # Keys are data: a map of the additionalProperties schema (``{}`` allows
            # anything: a free-form object, left as an object without fields).
            shape.type = ValueType.MAP
            where = join(where, "additionalProperties")
            shape.items = self.convert(values, where, depth + 1, active)
        elif vtype is ValueType.OBJECT:
            shape.fields = self._fields(schema, where, depth, active)
        elif vtype is ValueType.LIST and "items" in schema:
            shape.items = self.convert(schema["items"], join(where, "items"), depth + 1, active)
        return shape

    def _fields(
        self, schema: dict[str, Any], where: str, depth: int, active: frozenset[str]
    ) -> dict[str, Shape]:
        properties = self.reader.obj(schema.get("properties") or {}, join(where, "properties"))
        required = schema.get("required")
        needed = (
            {r for r in required if isinstance(r, str)} if isinstance(required, list) else set()
        )
        fields = {}
        for name, sub in properties.items():
            child = self.convert(sub, join(join(where, "properties"), name), depth + 1, active)
            child.optional = name not in needed
            fields[name] = child
        return fields

    def _combine(
        self, key: str, members: list[Any], where: str, depth: int, active: frozenset[str]
    ) -> Shape:
        shapes = [self.convert(m, join(where, i), depth + 1, active) for i, m in enumerate(members)]
        nullable = any(s.type is ValueType.NULL for s in shapes)
        shapes = [s for s in shapes if s.type not in (ValueType.NULL, ValueType.UNKNOWN)]
        if not shapes:
            return Shape(type=ValueType.NULL if nullable else ValueType.UNKNOWN)
        objects = [s for s in shapes if s.type is ValueType.OBJECT]
        if len(objects) == len(shapes) and len(shapes) > 1:
            merged = _merge_objects(objects, every=key != "allOf")
            merged.nullable = nullable
            return merged
        if key == "allOf" or len(shapes) == 1:
            shapes[0].nullable = shapes[0].nullable or nullable
            return shapes[0]
        variants: list[Shape] = []
        for shape in shapes:
            if all(v.type is not shape.type for v in variants):
                variants.append(shape)
        if len(variants) == 1:
            variants[0].nullable = variants[0].nullable or nullable
            return variants[0]
        return Shape(type=ValueType.MIXED, variants=variants, nullable=nullable)


def _described(schema: Any) -> bool:
    """Whether ``schema`` (an ``additionalProperties`` value) says something about values."""
    return isinstance(schema, dict) and bool(schema)


def _declared(schema: Any) -> ValueType:
    if isinstance(schema, dict):
        declared = schema.get("type")
        if isinstance(declared, str) and declared in _TYPES:
            return _TYPES[declared]
        if "properties" in schema:
            return ValueType.OBJECT
    return ValueType.OBJECT if isinstance(schema, dict) else ValueType.UNKNOWN


def _merge_objects(objects: list[Shape], *, every: bool) -> Shape:
    """One object with every member's fields.

    ``every`` (oneOf/anyOf): a field is required only if every member requires
    it; otherwise (allOf) a field required by any member is required.
    """
    fields: dict[str, Shape] = {}
    required: dict[str, int] = {}
    for shape in objects:
        for name, child in (shape.fields or {}).items():
            fields.setdefault(name, child)
            if not child.optional:
                required[name] = required.get(name, 0) + 1
    for name, child in fields.items():
        count = required.get(name, 0)
        child.optional = count < len(objects) if every else count == 0
    truncated = any(s.truncated for s in objects)
    return Shape(type=ValueType.OBJECT, fields=fields, truncated=truncated)
