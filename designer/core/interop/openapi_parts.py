"""The parts of an OpenAPI or Swagger operation: parameters, bodies, responses, security.

Used by :mod:`.openapi_import`; each function reads one part of the document
through a :class:`~.reader.Reader` and a :class:`~.refs.Resolver`, so wrong
types and bad references are reported with their place.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from ..models import (
    ApiKeyHeaderAuth,
    ApiKeyQueryAuth,
    Auth,
    BasicAuth,
    BearerAuth,
    BodyType,
    NoAuth,
    Parameter,
    Placement,
)
from ..structure import ResponseType, Shape, ValueType
from .reader import Reader, join
from .refs import Resolver
from .schema_shape import schema_to_shape

__all__ = ["Body", "auth_from_scheme", "body_from_shape", "pick_media", "read_parameter"]

_BODY_PLACEHOLDER = re.compile(r"<([A-Za-z_][\w.\-]*)>")
_PLACEMENTS = {"path": Placement.PATH, "query": Placement.QUERY, "header": Placement.HEADER}
_SUCCESS = ("200", "201", "202", "203", "204", "206", "2XX", "2xx", "default")


def sample_value(reader: Reader, *candidates: Any) -> str:
    """The first usable example among ``candidates``, as text."""
    for value in candidates:
        if isinstance(value, list):
            value = value[0] if value else None
        text = reader.scalar(value)
        if text:
            return text
    return ""


def read_parameter(
    raw: Any, where: str, resolver: Resolver, notes: set[str]
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
        notes.add(f"cookie parameters (such as {name!r}) are not imported: send them as a header")
        return None, {}
    if placement not in _PLACEMENTS:
        raise r.fail(join(where, "in"), f"must be path, query, header or cookie, not {placement!r}")
    schema, _, _ = resolver.resolve(p.get("schema") or {}, join(where, "schema"))
    schema = schema if isinstance(schema, dict) else {}
    examples = p.get("examples")
    first_example = None
    if isinstance(examples, dict) and examples:
        entry = next(iter(examples.values()))
        first_example = entry.get("value") if isinstance(entry, dict) else None
    value = sample_value(
        r,
        p.get("example"),
        first_example,
        p.get("x-example"),
        schema.get("example"),
        schema.get("examples"),
        p.get("default"),
        schema.get("default"),
        p.get("enum"),
        schema.get("enum"),
    )
    private = p.get("x-private") is True
    required = p.get("required") is True or placement == "path"
    parameter = Parameter(
        name=name,
        value="" if private else value,
        placement=_PLACEMENTS[placement],
        private=private,
        optional=not required,
        description=r.get_text(p, "description", where),
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


_NESTED = (ValueType.LIST, ValueType.MIXED, ValueType.OBJECT, ValueType.MAP)


def _flatten(shape: Shape, prefix: str, out: list[Parameter]) -> bool:
    """Dotted body parameters for an object of scalars; False if it holds lists or mixed values."""
    for name, child in (shape.fields or {}).items():
        full = f"{prefix}{name}"
        if child.type is ValueType.OBJECT and child.fields:
            if not _flatten(child, full + ".", out):
                return False
        elif child.type in _NESTED or "." in name:
            return False
        else:
            value = "" if not child.samples else Reader("").scalar(child.samples[0])
            out.append(
                Parameter(name=full, value=value, placement=Placement.BODY, optional=child.optional)
            )
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
        if shape.type is ValueType.OBJECT and shape.fields and _flatten(shape, "", params):
            body.parameters = params
        else:
            value = example if example is not None else _skeleton(shape)
            body.template = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    elif lowered.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = lowered.startswith("application/x-www-form-urlencoded")
        body.body_type = BodyType.FORM if form else BodyType.MULTIPART
        for name, child in (shape.fields or {}).items():
            value = "" if not child.samples else Reader("").scalar(child.samples[0])
            body.parameters.append(
                Parameter(name=name, value=value, placement=Placement.BODY, optional=child.optional)
            )
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


def auth_from_scheme(scheme: dict[str, Any], name: str, notes: set[str]) -> Auth:
    """The authentication an OpenAPI or Swagger security scheme describes."""
    kind = scheme.get("type")
    where = scheme.get("in")
    if kind == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
        return BearerAuth()
    if (kind == "http" and str(scheme.get("scheme", "")).lower() == "basic") or kind == "basic":
        username = scheme.get("x-username")
        return BasicAuth(username=username if isinstance(username, str) else "")
    if kind == "apiKey" and isinstance(scheme.get("name"), str) and scheme["name"]:
        if where == "header":
            prefix = scheme.get("x-prefix")
            return ApiKeyHeaderAuth(
                header=scheme["name"], prefix=prefix if isinstance(prefix, str) else ""
            )
        if where == "query":
            return ApiKeyQueryAuth(parameter=scheme["name"])
    if kind in ("oauth2", "openIdConnect"):
        notes.add(
            f"security scheme {name!r} ({kind}) was imported as a bearer token: get a token "
            f"from the provider and set it in the API's authentication"
        )
        return BearerAuth()
    notes.add(f"security scheme {name!r} ({kind}) is not supported: set authentication by hand")
    return NoAuth()
