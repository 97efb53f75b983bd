"""From a JSON Schema (as found in OpenAPI and Swagger documents) to a structure.

The reverse of :func:`~designer.core.inference.to_json_schema`, so that a call
imported from a specification shows the same typed tree as one initialized
against the real API:

- ``type`` (a name or a list; ``"null"`` and OpenAPI 3.0's ``nullable``
  make the value nullable), ``format`` (``uri`` is a URL, ``x-format:
  image-url`` an image URL; ``unix-time`` on an integer or number a Unix time,
  ``x-format: unix-time-ms`` one in milliseconds; ``date-time-rfc-2822``,
  ``ipv4``, ``ipv6``, ``cidr``), ``properties`` with ``required`` (the others are
  optional), ``items``, ``enum`` and ``const`` without a type; an object
  with an ``additionalProperties`` schema and no ``properties`` is a map;
- ``allOf`` merges its members' fields (required in any member is required);
- ``oneOf``/``anyOf``: a ``null`` member makes the value nullable; objects
  merge into one object whose fields are optional unless every member
  requires them; other combinations become a *mixed* value;
- ``contentSchema`` of ``application/json`` text is embedded JSON;
  ``x-truncated`` marks a node not described further;
- ``items`` written as a list of schemas (Swagger's tuple form) and
  ``prefixItems`` describe a list whose items may be any of them;
- ``$ref`` is followed; a schema that refers to itself (a tree, a linked
  list) is cut where it recurs, as a *truncated* node, and so is anything
  below the inference depth limit.

Shared schemas stay shared. Each referenced schema is converted once per
document and kept with its node count and height (in the resolver's memo);
every further ``$ref`` to it reuses that shape (a shallow copy, so flags
such as ``optional`` can differ per place) instead of converting it again.
A structure is bounded: at most :data:`MAX_NODES` nodes and :data:`MAX_DEPTH`
levels; a reused shape that would not fit is cut to its first level, or to a
*truncated* node. So documents whose schemas fan out (S0 refers to S1 twice,
S1 to S2 twice, …) convert in time and memory proportional to their size,
not to the 2^n nodes of their full expansion.

Structures from a schema were not seen in responses: their counts are 0.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from designer.core.inference import MAX_DEPTH
from designer.core.interop.reader import join
from designer.core.interop.refs import Resolver
from designer.core.structure import Shape, TextFormat, ValueType

__all__ = ["MAX_NODES", "schema_to_shape"]

#: The most nodes one structure holds: real responses have tens to a few hundred fields,
#: and a connector needs the ones it uses; a bigger tree is cut, marked truncated.
MAX_NODES = 250

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
    # Dates as e-mail and HTTP write them (Twilio), and the names other documents use.
    "date-time-rfc-2822": TextFormat.DATE_TIME_RFC_2822,
    "date-time-rfc2822": TextFormat.DATE_TIME_RFC_2822,
    "rfc2822": TextFormat.DATE_TIME_RFC_2822,
    "date-time-rfc-1123": TextFormat.DATE_TIME_RFC_2822,
    "date-time-rfc1123": TextFormat.DATE_TIME_RFC_2822,
    "http-date": TextFormat.DATE_TIME_RFC_2822,
    "ipv4": TextFormat.IPV4,
    "ipv6": TextFormat.IPV6,
    "cidr": TextFormat.CIDR,
}
#: Unix times, on integers and numbers: Stripe writes ``unix-time``, others ``unixtime``
#: or ``timestamp``; milliseconds are ``x-format: unix-time-ms`` (see the exporter).
_NUMBER_FORMATS = {
    "unix-time": TextFormat.UNIX_TIME,
    "unixtime": TextFormat.UNIX_TIME,
    "unix-timestamp": TextFormat.UNIX_TIME,
    "timestamp": TextFormat.UNIX_TIME,
    "unix-time-ms": TextFormat.UNIX_TIME_MS,
    "unixtime-ms": TextFormat.UNIX_TIME_MS,
    "timestamp-ms": TextFormat.UNIX_TIME_MS,
}


def schema_to_shape(schema: Any, where: str, resolver: Resolver, *, request: bool = False) -> Shape:
    """The structure described by ``schema`` (at ``where`` in the document).

    A request body leaves out ``readOnly`` properties, a response
    ``writeOnly`` ones.
    """
    return _Converter(resolver, "readOnly" if request else "writeOnly").convert(
        schema, where, 0, _Frame()
    )


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


class _Frame:
    """The size of one structure being built: nodes so far, and the deepest level reached."""

    __slots__ = ("height", "nodes", "reserved")

    def __init__(self) -> None:
        self.nodes = 0
        self.height = 0
        # Nodes kept for the fields not converted yet, so that an object's own
        # fields are all there before any of them expands deeply.
        self.reserved = 0

    def add(self, nodes: int, height: int) -> None:
        self.nodes += nodes
        self.height = max(self.height, height)

    def fits(self, nodes: int) -> bool:
        return self.nodes + self.reserved + nodes <= MAX_NODES

    def full(self) -> bool:
        return not self.fits(1)


def _copy(shape: Shape) -> Shape:
    """A shallow copy: its own flags, the same children."""
    return dataclasses.replace(shape)


def _stub(shape: Shape) -> Shape:
    """A truncated node standing for ``shape``: its type and flags, not its inside."""
    vtype = shape.type
    if vtype is ValueType.MIXED:
        vtype = shape.variants[0].type if shape.variants else ValueType.UNKNOWN
    return Shape(
        type=vtype,
        format=shape.format,
        nullable=shape.nullable,
        optional=shape.optional,
        truncated=vtype in (ValueType.OBJECT, ValueType.LIST) or shape.truncated,
    )


class _Converter:
    def __init__(self, resolver: Resolver, skip: str) -> None:
        self.resolver = resolver
        self.reader = resolver.reader
        self.skip = skip
        memo = resolver.memo.setdefault(f"shapes without {skip}", {})
        self.memo: dict[str, tuple[Shape, int, int]] = memo
        self.active: set[str] = set()
        # The nesting at which the shape being converted starts: a referenced
        # schema is converted on its own, but its nesting still counts, so
        # chains of references cannot nest deeper than MAX_DEPTH.
        self.base = 0

    def convert(self, schema: Any, where: str, depth: int, frame: _Frame) -> Shape:
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            return self._reference(schema, where, depth, frame)
        frame.add(1, depth + 1)
        if isinstance(schema, bool) or schema == {}:
            return Shape(type=ValueType.UNKNOWN)
        schema = self.reader.obj(schema, where)
        if depth >= MAX_DEPTH or frame.full():
            return Shape(type=_declared(schema), truncated=True)
        nullable = schema.get("nullable") is True or schema.get("x-nullable") is True
        for key in ("allOf", "oneOf", "anyOf"):
            if key in schema:
                members = self.reader.lst(schema[key], join(where, key))
                shape = self._combine(key, members, join(where, key), depth, frame)
                shape.nullable = shape.nullable or nullable
                return shape
        shape = self._typed(schema, where, depth, frame)
        shape.nullable = shape.nullable or nullable
        return shape

    def _reference(self, schema: Any, where: str, depth: int, frame: _Frame) -> Shape:
        """A referenced schema: converted once, then shared while it fits the frame."""
        target, at, pointer = self.resolver.resolve(schema, where)
        assert pointer is not None
        if pointer in self.active:
            frame.add(1, depth + 1)
            return Shape(type=_declared(target), truncated=True)
        entry = self.memo.get(pointer)
        if entry is None:
            absolute = self.base + depth
            if absolute >= MAX_DEPTH:
                frame.add(1, depth + 1)
                return Shape(type=_declared(target), truncated=True)
            self.active.add(pointer)
            own = _Frame()
            self.base = absolute
            try:
                shape = self.convert(target, at, 0, own)
            finally:
                self.active.discard(pointer)
                self.base = absolute - depth
            entry = (shape, own.nodes, own.height)
            self.memo[pointer] = entry
        shape, nodes, height = entry
        if frame.fits(nodes) and depth + height <= MAX_DEPTH:
            frame.add(nodes, depth + height)
            return _copy(shape)
        fields = shape.fields or {}
        if (
            shape.type is ValueType.OBJECT
            and frame.fits(1 + len(fields))
            and depth + 2 <= MAX_DEPTH
        ):
            # Too big to repeat whole here: keep its first level, cut below.
            frame.add(1 + len(fields), depth + 2)
            cut = _copy(shape)
            cut.fields = {name: _stub(child) for name, child in fields.items()}
            return cut
        frame.add(1, depth + 1)
        return _stub(shape)

    def _typed(self, schema: dict[str, Any], where: str, depth: int, frame: _Frame) -> Shape:
        declared = schema.get("type")
        names = declared if isinstance(declared, list) else [declared] if declared else []
        types = [_TYPES[n] for n in names if isinstance(n, str) and n in _TYPES]
        if not types:
            if "properties" in schema:
                types = [ValueType.OBJECT]
            elif "items" in schema or "prefixItems" in schema:
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
            variants = [self._one(t, schema, where, depth, frame) for t in types]
            return Shape(type=ValueType.MIXED, variants=variants, nullable=nullable)
        shape = self._one(types[0], schema, where, depth, frame)
        shape.nullable = nullable
        return shape

    def _one(
        self, vtype: ValueType, schema: dict[str, Any], where: str, depth: int, frame: _Frame
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
            elif isinstance(schema.get("x-format"), str) and schema["x-format"] in _FORMATS:
                shape.format = _FORMATS[schema["x-format"]]
            if "contentSchema" in schema and schema.get("contentMediaType") == "application/json":
                embedded = self.convert(
                    schema["contentSchema"], join(where, "contentSchema"), depth + 1, frame
                )
                shape.embedded = embedded
        elif vtype in (ValueType.INTEGER, ValueType.NUMBER):
            fmt = schema.get("x-format", schema.get("format"))
            if isinstance(fmt, str) and fmt in _NUMBER_FORMATS:
                shape.format = _NUMBER_FORMATS[fmt]
        if vtype in (ValueType.TEXT, ValueType.BINARY):
            if isinstance(schema.get("x-content-type"), str):
                shape.content_type = schema["x-content-type"]
            if type(schema.get("x-size")) is int:
                shape.size = schema["x-size"]
        example = schema.get("example")
        if example is None and isinstance(schema.get("examples"), list) and schema["examples"]:
            example = schema["examples"][0]
        if example is None and "default" in schema:
            example = schema["default"]
        if example is None and isinstance(schema.get("enum"), list) and schema["enum"]:
            example = schema["enum"][0]
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
            shape.items = self.convert(
                values, join(where, "additionalProperties"), depth + 1, frame
            )
        elif vtype is ValueType.OBJECT:
            shape.fields = self._fields(schema, where, depth, frame)
            shape.truncated = shape.truncated or frame.full()
        elif vtype is ValueType.LIST:
            shape.items = self._items(schema, where, depth, frame)
        return shape

    def _items(self, schema: dict[str, Any], where: str, depth: int, frame: _Frame) -> Shape | None:
        """The items of a list; a tuple (a list of schemas) allows any of its members."""
        items = schema.get("items")
        key = "items"
        if isinstance(schema.get("prefixItems"), list):
            items, key = schema["prefixItems"], "prefixItems"
        if isinstance(items, list):
            self.resolver.notes.add(
                "lists described item by item (tuple 'items' or 'prefixItems') were imported "
                "as lists whose items may be any of those types"
            )
            if not items:
                return None
            if len(items) == 1:
                return self.convert(items[0], join(join(where, key), 0), depth + 1, frame)
            return self._combine("anyOf", items, join(where, key), depth, frame)
        if items is None or items is True:
            return None
        return self.convert(items, join(where, "items"), depth + 1, frame)

    def _fields(
        self, schema: dict[str, Any], where: str, depth: int, frame: _Frame
    ) -> dict[str, Shape]:
        properties = self.reader.obj(schema.get("properties") or {}, join(where, "properties"))
        required = schema.get("required")
        needed = (
            {r for r in required if isinstance(r, str)} if isinstance(required, list) else set()
        )
        fields = {}
        kept = list(properties.items())
        frame.reserved += len(kept)
        for index, (name, sub) in enumerate(kept):
            frame.reserved -= 1
            if frame.nodes >= MAX_NODES:
                frame.reserved -= len(kept) - index - 1
                break
            at = join(join(where, "properties"), name)
            # A $ref may lead to anything, null included: only a schema can be skipped.
            target = self.resolver.resolve(sub, at)[0] if isinstance(sub, dict) else None
            if isinstance(target, dict) and target.get(self.skip) is True:
                continue
            child = self.convert(sub, at, depth + 1, frame)
            child.optional = name not in needed
            fields[name] = child
        return fields

    def _combine(
        self, key: str, members: list[Any], where: str, depth: int, frame: _Frame
    ) -> Shape:
        shapes = [self.convert(m, join(where, i), depth + 1, frame) for i, m in enumerate(members)]
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
            # A copy: children of shared (memoized) shapes must not change.
            fields.setdefault(name, _copy(child))
            if not child.optional:
                required[name] = required.get(name, 0) + 1
    for name, child in fields.items():
        count = required.get(name, 0)
        child.optional = count < len(objects) if every else count == 0
    truncated = any(s.truncated for s in objects)
    return Shape(type=ValueType.OBJECT, fields=fields, truncated=truncated)
