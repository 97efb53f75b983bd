"""The parts of an OpenAPI or Swagger operation: parameters, bodies, responses, security.

Used by :mod:`.openapi_import`; each function reads one part of the document
through a :class:`~.reader.Reader` and a :class:`~.refs.Resolver`, so wrong
types and bad references are reported with their place.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from designer.core.interop.notes import Notes
from designer.core.interop.openapi.schema_shape import schema_to_shape
from designer.core.interop.reader import Reader, join
from designer.core.interop.refs import Resolver
from designer.core.models import BodyType, Parameter, Placement
from designer.core.models import ValueType as ParamType
from designer.core.structure import ResponseType, Shape, ValueType

__all__ = ["Body", "body_from_shape", "pick_media", "read_parameter"]

#: The deepest dotted body parameter name: ``a.b.c``; deeper objects are JSON values.
MAX_DOTTED = 2
_BODY_PLACEHOLDER = re.compile(r"<([A-Za-z_][\w.\-]*)>")
_PLACEMENTS = {"path": Placement.PATH, "query": Placement.QUERY, "header": Placement.HEADER}
_SUCCESS = ("200", "201", "202", "203", "204", "206", "2XX", "2xx", "default")


_SCHEMA_TYPES = {
    "integer": ParamType.INTEGER,
    "number": ParamType.NUMBER,
    "boolean": ParamType.BOOLEAN,
    "array": ParamType.JSON,
    "object": ParamType.JSON,
}
_SHAPE_TYPES = {
    ValueType.INTEGER: ParamType.INTEGER,
    ValueType.NUMBER: ParamType.NUMBER,
    ValueType.BOOLEAN: ParamType.BOOLEAN,
    ValueType.LIST: ParamType.JSON,
    ValueType.OBJECT: ParamType.JSON,
    ValueType.MAP: ParamType.JSON,
    ValueType.MIXED: ParamType.JSON,
    ValueType.BINARY: ParamType.FILE,
}


def schema_type(schema: dict[str, Any]) -> ParamType:
    """The value type a parameter's schema declares (a ``type`` list: its first non-null one)."""
    declared = schema.get("type")
    names = declared if isinstance(declared, list) else [declared]
    for name in names:
        if isinstance(name, str) and name != "null":
            return _SCHEMA_TYPES.get(name, ParamType.TEXT)
    return ParamType.TEXT


def as_text(value: Any, kind: ParamType) -> str:
    """A sample as the text a parameter holds: JSON for arrays and objects."""
    if isinstance(value, list | dict):
        return orjson.dumps(value).decode() if kind is ParamType.JSON else ""
    return Reader("").scalar(value)


def sample_value(reader: Reader, *candidates: Any, kind: ParamType = ParamType.TEXT) -> str:
    """The first usable example among ``candidates``, as text."""
    for value in candidates:
        if isinstance(value, list) and kind is not ParamType.JSON:
            value = value[0] if value else None
        text = as_text(value, kind) if kind is ParamType.JSON else reader.scalar(value)
        if text:
            return text
    return ""


def read_parameter(
    raw: Any, where: str, resolver: Resolver, notes: Notes
) -> tuple[Parameter | None, dict[str, Any]]:
    """The parameter at ``where``; None for a body/form one (returned raw) or an unsupported one."""
    r = resolver.reader
    node, where, _ = resolver.resolve(raw, where)
    p = r.obj(node, where)
    name = r.get_text(p, "name", where)
    placement = r.get_text(p, "in", where)
    if not name:
        raise r.fail(join(where, "name"), "required, but missing or empty")
    if placement in ("body", "formData"):
        return None, p
    if placement == "cookie":
        notes.at("cookie parameters are not imported: send them as a header", where)
        return None, {}
    if placement not in _PLACEMENTS:
        raise r.fail(join(where, "in"), f"must be path, query, header or cookie, not {placement!r}")
    raw_schema = p.get("schema")
    content = p.get("content")
    if raw_schema is None and isinstance(content, dict) and content:
        # OpenAPI 3 may describe a parameter by one media type instead of a schema.
        entry = next(iter(content.values()))
        raw_schema = entry.get("schema") if isinstance(entry, dict) else None
        if isinstance(entry, dict) and "example" in entry and "example" not in p:
            p = {**p, "example": entry["example"]}
    schema, _, _ = resolver.resolve(raw_schema or {}, join(where, "schema"))
    schema = schema if isinstance(schema, dict) else {}
    examples = p.get("examples")
    first_example = None
    if isinstance(examples, dict) and examples:
        entry = next(iter(examples.values()))
        first_example = entry.get("value") if isinstance(entry, dict) else None
    # Swagger 2.0 declares the type on the parameter itself, OpenAPI 3 in its schema.
    kind = schema_type(schema) if "type" in schema else schema_type(p)
    schema_examples = schema.get("examples")
    value = sample_value(
        r,
        p.get("example"),
        first_example,
        p.get("x-example"),
        schema.get("example"),
        schema_examples[0] if isinstance(schema_examples, list) and schema_examples else None,
        p.get("default"),
        schema.get("default"),
        kind=kind,
    ) or sample_value(r, p.get("enum"), schema.get("enum"))
    private = p.get("x-private") is True
    required = p.get("required") is True or placement == "path"
    parameter = Parameter(
        name=name,
        value="" if private else value,
        placement=_PLACEMENTS[placement],
        private=private,
        optional=not required,
        description=r.get_text(p, "description", where),
        type=kind,
    )
    return parameter, {}


def pick_media(content: dict[str, Any]) -> str | None:
    """The media type to use among ``content``'s: JSON first, then forms, then the first."""
    media = list(content)
    lowered = [(m, m.lower().split(";")[0].strip()) for m in media]
    for wanted in ("application/json", "json", "application/x-www-form-urlencoded", "multipart/"):
        for m, low in lowered:
            if low == wanted or (wanted in ("json", "multipart/") and wanted in low):
                return m
    return media[0] if media else None


class Body:
    """What a request body becomes on a call."""

    def __init__(self) -> None:
        self.body_type = BodyType.NONE
        self.template = ""
        self.content_type = ""
        self.parameters: list[Parameter] = []


def _field(name: str, child: Shape, example: Any, *, form: bool = False) -> Parameter:
    """The body parameter of one field, typed from its shape, its sample from ``example``."""
    kind = _SHAPE_TYPES.get(child.type, ParamType.TEXT)
    if form and kind is ParamType.JSON:
        kind = ParamType.TEXT
    if not form and kind is ParamType.FILE:
        kind = ParamType.TEXT
    if example is not None and (kind is ParamType.JSON or not isinstance(example, list | dict)):
        value = as_text(example, kind)
    elif child.samples:
        value = Reader("").scalar(child.samples[0])
    elif kind is ParamType.JSON and child.optional:
        # Left out of the request while blank: never a made-up value for an optional field.
        value = ""
    elif kind is ParamType.JSON and child.type is ValueType.LIST:
        # An empty list unless its items have an example: never [""] or [0] by default.
        sample = child.items is not None and child.items.samples
        value = orjson.dumps([_skeleton(child.items)] if sample and child.items else []).decode()
    elif kind is ParamType.JSON:
        value = orjson.dumps(_skeleton(child)).decode()
    else:
        value = ""
    return Parameter(
        name=name, value=value, placement=Placement.BODY, optional=child.optional, type=kind
    )


def _flatten(shape: Shape, prefix: str, out: list[Parameter], example: Any, depth: int = 0) -> bool:
    """Dotted, typed body parameters for an object; False if a name cannot be dotted.

    Objects nested deeper than :data:`MAX_DOTTED` levels are one JSON parameter
    each, so that a deep schema gives a few parameters, not hundreds.
    """
    examples = example if isinstance(example, dict) else {}
    for name, child in (shape.fields or {}).items():
        full = f"{prefix}{name}"
        if "." in name:
            return False
        if child.type is ValueType.OBJECT and child.fields and depth < MAX_DOTTED:
            if not _flatten(child, full + ".", out, examples.get(name), depth + 1):
                return False
        else:
            out.append(_field(full, child, examples.get(name)))
    return True


def _skeleton(shape: Shape) -> Any:
    """An example value for ``shape``, iterative in spirit: depth is bounded by the converter."""
    if shape.type is ValueType.MAP:  # its samples are keys
        key = shape.samples[0] if shape.samples else "key"
        return {} if shape.items is None else {str(key): _skeleton(shape.items)}
    if shape.samples:
        return shape.samples[0]
    if shape.type is ValueType.OBJECT:
        return {name: _skeleton(child) for name, child in (shape.fields or {}).items()}
    if shape.type is ValueType.LIST:
        return [] if shape.items is None else [_skeleton(shape.items)]
    if shape.type is ValueType.MIXED and shape.variants:
        return _skeleton(shape.variants[0])
    return {
        ValueType.TEXT: "",
        ValueType.INTEGER: 0,
        ValueType.NUMBER: 0,
        ValueType.BOOLEAN: False,
    }.get(shape.type)


def body_from_shape(media: str, shape: Shape, example: Any) -> Body:
    """A call body for a request of ``media`` described by ``shape``."""
    body = Body()
    lowered = media.lower()
    if "json" in lowered:
        body.body_type = BodyType.JSON
        params: list[Parameter] = []
        if shape.type is ValueType.OBJECT and shape.fields and _flatten(shape, "", params, example):
            body.parameters = params
        else:
            value = example if example is not None else _skeleton(shape)
            body.template = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    elif lowered.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = lowered.startswith("application/x-www-form-urlencoded")
        body.body_type = BodyType.FORM if form else BodyType.MULTIPART
        examples = example if isinstance(example, dict) else {}
        for name, child in (shape.fields or {}).items():
            body.parameters.append(_field(name, child, examples.get(name), form=True))
    else:
        body.body_type = BodyType.RAW
        body.content_type = media
        body.template = example if isinstance(example, str) else ""
        for name in dict.fromkeys(_BODY_PLACEHOLDER.findall(body.template)):
            body.parameters.append(Parameter(name=name, placement=Placement.BODY))
    return body


def response_type_of(media: str) -> ResponseType:
    lowered = media.lower()
    if "json" in lowered:
        return ResponseType.JSON
    if "xml" in lowered:
        return ResponseType.XML
    if lowered.startswith("text/"):
        return ResponseType.TEXT
    return ResponseType.BINARY


def success_response(responses: dict[str, Any]) -> str | None:
    """The status code of the response to describe: 200 first, then other successes."""
    keys = [k for k in _SUCCESS if k in responses]
    keys += sorted(k for k in responses if k.startswith("2") and k not in keys)
    return keys[0] if keys else None


def response_shape(schema: Any, where: str, resolver: Resolver) -> Shape | None:
    if schema is None:
        return None
    shape = schema_to_shape(schema, where, resolver)
    return None if shape.type is ValueType.UNKNOWN and not shape.truncated else shape
