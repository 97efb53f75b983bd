"""Exporting a structure as JSON Schema (draft 2020-12).

Mapping choices:

- nullable values carry ``"null"`` in a ``type`` array (``anyOf`` member for
  mixed values);
- ``required`` lists exactly the fields present in every object seen;
- a map (an object whose keys are data) is an object with
  ``additionalProperties`` holding the schema of its values and no
  ``properties``; a record the user marked as a map is written the same way,
  its values being the merge of its fields;
- detected formats become ``format`` (``url`` and ``image-url`` become
  ``uri``, the latter with ``x-format: image-url``). Formats JSON Schema does
  not define are written under the name a vendor already publishes, since
  ``format`` is an open vocabulary (unknown names are annotations, which
  validators and OpenAPI tools pass over): Unix times in seconds are
  ``{"type": "integer", "format": "unix-time"}`` as in Stripe's OpenAPI
  document, RFC 2822 dates ``format: date-time-rfc-2822`` as in Twilio's.
  Milliseconds have no published name; a tool reading ``unix-time`` would be
  off by a factor of 1,000, so they carry no ``format`` but
  ``x-format: unix-time-ms``. ``ipv4`` and ``ipv6`` are JSON Schema's own;
  networks in CIDR notation are ``format: cidr`` as in DigitalOcean's;
- text holding JSON is described with ``contentMediaType`` and
  ``contentSchema``;
- what JSON Schema has no word for uses ``x-`` keywords: ``x-truncated`` for
  nodes below the depth limit, ``x-format``, ``x-content-type`` and ``x-size``
  for text and binary bodies;
- user overrides apply: a changed type or format replaces the detected one,
  a label becomes ``title``, and an excluded field is left out of
  ``properties`` and ``required``.

The exporter is iterative so that deep structures cannot exhaust the stack.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from designer.core.inference.merge import map_values
from designer.core.structure import (
    FieldOverride,
    Shape,
    TextFormat,
    ValueType,
    child_path,
    format_applies,
)

__all__ = ["SCHEMA_DIALECT", "to_json_schema"]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_JSON_TYPES = {
    ValueType.TEXT: "string",
    ValueType.INTEGER: "integer",
    ValueType.NUMBER: "number",
    ValueType.BOOLEAN: "boolean",
    ValueType.NULL: "null",
    ValueType.OBJECT: "object",
    ValueType.MAP: "object",
    ValueType.LIST: "array",
    ValueType.BINARY: "string",
}
_FORMATS = {
    TextFormat.DATE: "date",
    TextFormat.DATE_TIME: "date-time",
    TextFormat.TIME: "time",
    TextFormat.EMAIL: "email",
    TextFormat.URL: "uri",
    TextFormat.IMAGE_URL: "uri",
    TextFormat.UUID: "uuid",
    TextFormat.DATE_TIME_RFC_2822: "date-time-rfc-2822",
    TextFormat.IPV4: "ipv4",
    TextFormat.IPV6: "ipv6",
    TextFormat.CIDR: "cidr",
    TextFormat.UNIX_TIME: "unix-time",
}
#: Formats written only as ``x-format`` (see the module's mapping choices).
_X_FORMATS = frozenset({TextFormat.IMAGE_URL, TextFormat.UNIX_TIME_MS})


def to_json_schema(
    shape: Shape,
    overrides: Mapping[str, FieldOverride] | None = None,
    *,
    title: str | None = None,
) -> dict[str, Any]:
    """The JSON Schema 2020-12 document describing ``shape``."""
    root: dict[str, Any] = {"$schema": SCHEMA_DIALECT}
    if title:
        root["title"] = title
    _Exporter(overrides or {}).fill(root, shape, "")
    return root


#: Pending nodes: the dict to fill, the shape it describes, and the shape's path.
_Work = list[tuple[dict[str, Any], Shape, str]]


class _Exporter:
    def __init__(self, overrides: Mapping[str, FieldOverride]) -> None:
        self.overrides = overrides

    def fill(self, root: dict[str, Any], shape: Shape, path: str) -> None:
        # Work list of (target dict, shape, path): each node fills its dict and
        # queues its children's dicts, so depth costs heap, not stack.
        work: _Work = [(root, shape, path)]
        while work:
            target, node, here = work.pop()
            self._node(target, node, here, work)

    def _node(
        self,
        target: dict[str, Any],
        node: Shape,
        path: str,
        work: _Work,
    ) -> None:
        override = self.overrides.get(path)
        vtype, fmt = node.type, node.format
        if override is not None:
            if override.type is not None:
                vtype = override.type
                fmt = override.format
            elif override.format is not None:
                fmt = override.format
            if override.label:
                target["title"] = override.label
        if vtype is ValueType.MIXED and node.variants and vtype is node.type:
            alternatives: list[dict[str, Any]] = []
            for variant in node.variants:
                alternative: dict[str, Any] = {}
                alternatives.append(alternative)
                work.append((alternative, variant, path))
            if node.nullable:
                alternatives.append({"type": "null"})
            target["anyOf"] = alternatives
            return
        json_type = _JSON_TYPES.get(vtype)
        if json_type is None:  # unknown, or a mixed override: anything goes
            return
        target["type"] = [json_type, "null"] if node.nullable and json_type != "null" else json_type
        if fmt is not None and format_applies(vtype, fmt):
            if fmt in _FORMATS:
                target["format"] = _FORMATS[fmt]
            if fmt in _X_FORMATS:
                target["x-format"] = fmt.value
        if node.truncated:
            target["x-truncated"] = True
        if vtype is ValueType.MAP and node.type is not ValueType.MAP:
            values = map_values(node)
            if values is not None:
                self._values(target, values, path, work)
            return
        if vtype is not node.type:
            return  # an overridden type says nothing about the detected children
        if node.type is ValueType.OBJECT and node.fields is not None:
            self._object(target, node, path, work)
        elif node.type is ValueType.MAP and node.items is not None:
            self._values(target, node.items, path, work)
        elif node.type is ValueType.LIST and node.items is not None:
            items: dict[str, Any] = {}
            target["items"] = items
            work.append((items, node.items, child_path(path, None)))
        elif node.type is ValueType.TEXT and node.embedded is not None:
            target["contentMediaType"] = "application/json"
            embedded: dict[str, Any] = {}
            target["contentSchema"] = embedded
            work.append((embedded, node.embedded, path))
        if node.content_type:
            target["x-content-type"] = node.content_type
        if node.size is not None:
            target["x-size"] = node.size

    def _values(self, target: dict[str, Any], values: Shape, path: str, work: _Work) -> None:
        schema: dict[str, Any] = {}
        target["additionalProperties"] = schema
        work.append((schema, values, child_path(path, None)))

    def _object(
        self,
        target: dict[str, Any],
        node: Shape,
        path: str,
        work: _Work,
    ) -> None:
        assert node.fields is not None
        properties: dict[str, Any] = {}
        required: list[str] = []
        for name, child in node.fields.items():
            here = child_path(path, name)
            override = self.overrides.get(here)
            if override is not None and not override.include:
                continue
            schema: dict[str, Any] = {}
            properties[name] = schema
            work.append((schema, child, here))
            if not child.optional:
                required.append(name)
        target["properties"] = properties
        if required:
            target["required"] = required
