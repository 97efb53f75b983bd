"""Streamed responses in OpenAPI: Server-Sent Events and JSON Lines, both ways.

OpenAPI 3.1 has no keyword for the items of a sequential media type (3.2 adds
``itemSchema``), so a stream response is written as its media type
(``text/event-stream`` or ``application/x-ndjson``) whose ``schema`` describes
**one event's data** (JSON Schema 2020-12, as everywhere in 3.1): the schema
of the one event group, or an ``anyOf`` of one schema per group, each titled
with its event name. :data:`STREAM_EXTENSION` beside it names the groups in
that order, the text field and the end-of-stream sentinel::

    text/event-stream:
      schema: {anyOf: [{title: message_start, ...}, {title: content_block_delta, ...}]}
      x-connector-designer-stream:
        format: sse
        events: [message_start, content_block_delta]
        text_field: content_block_delta.delta.text

Reading it back gives a stream structure (:mod:`designer.core.inference.stream`)
with those groups, and the call's text field (``repeated`` names the groups of
several events, so a mock answers several of them). A document from elsewhere
(no extension) gives one ``data`` group from the schema, or from ``itemSchema``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from designer.core.inference import to_json_schema
from designer.core.inference.stream import (
    DATA,
    IS_DONE,
    IS_STREAMING,
    SENTINELS,
    TEXT_SO_FAR,
    stream_groups,
    stream_of,
)
from designer.core.interop.openapi.schema_shape import schema_to_shape
from designer.core.models import Call
from designer.core.streams.events import SSE_TYPE, StreamFormat, stream_format
from designer.core.structure import ResponseType, Shape, ValueType

__all__ = ["NDJSON_TYPE", "STREAM_EXTENSION", "stream_content", "stream_response"]

#: The extension of a stream response's media type object.
STREAM_EXTENSION = "x-connector-designer-stream"
NDJSON_TYPE = "application/x-ndjson"


def _schema(shape: Shape) -> dict[str, Any]:
    schema = to_json_schema(shape)
    schema.pop("$schema", None)
    return schema


def stream_content(call: Call) -> dict[str, Any]:
    """The ``content`` of a stream call's success response."""
    shape = stream_of(call.structure)
    fmt = StreamFormat.SSE
    if shape is not None and shape.content_type:
        fmt = stream_format(shape.content_type) or StreamFormat.SSE
    media = SSE_TYPE if fmt is StreamFormat.SSE else NDJSON_TYPE
    groups = stream_groups(shape) if shape is not None else {}
    extension: dict[str, Any] = {"format": fmt.value, "events": list(groups)}
    repeated = [name for name, group in groups.items() if group.count > 1]
    if repeated:
        extension["repeated"] = repeated  # groups of several events (deltas), for mocks
    if call.stream_text_field:
        extension["text_field"] = call.stream_text_field
    done = (shape.fields or {}).get(IS_DONE) if shape is not None else None
    if done is not None and True in done.samples and DATA in groups:
        extension["done"] = sorted(SENTINELS)[0]
    schemas = [{"title": name, **_schema(group)} for name, group in groups.items()]
    if not schemas:
        schema: dict[str, Any] = {}
    elif len(schemas) == 1:
        schema = schemas[0]
    else:
        schema = {"anyOf": schemas}
    return {media: {"schema": schema, STREAM_EXTENSION: extension}}


def _built_ins(done: bool) -> dict[str, Shape]:
    return {
        TEXT_SO_FAR: Shape(type=ValueType.TEXT, count=1),
        IS_STREAMING: Shape(type=ValueType.BOOLEAN, count=1, samples=[False]),
        IS_DONE: Shape(type=ValueType.BOOLEAN, count=1, samples=[done]),
    }


def stream_response(
    media: str, entry: dict[str, Any], where: str, resolver: Any
) -> dict[str, Any] | None:
    """The response fields of a call whose success response is ``media`` (a stream type)
    described by the media type object ``entry``; None when ``media`` is no stream."""
    fmt = stream_format(media)
    if fmt is None:
        return None
    raw = entry.get(STREAM_EXTENSION)
    extension: dict[str, Any] = raw if isinstance(raw, dict) else {}
    names = [n for n in extension.get("events") or [] if isinstance(n, str) and n]
    key = "schema" if "schema" in entry else "itemSchema"
    schema = entry.get(key)
    at = f"{where}.{key}"
    groups: dict[str, Shape] = {}
    if isinstance(schema, dict) and schema:
        parts = schema.get("anyOf")
        if len(names) > 1 and isinstance(parts, list) and len(parts) == len(names):
            for index, (name, part) in enumerate(zip(names, parts, strict=True)):
                part = {k: v for k, v in part.items() if k != "title"}
                groups[name] = schema_to_shape(part, f"{at}.anyOf[{index}]", resolver)
        else:
            plain = {k: v for k, v in schema.items() if k != "title"}
            groups[names[0] if names else DATA] = schema_to_shape(plain, at, resolver)
    raw_repeated = extension.get("repeated")
    repeated = set(raw_repeated) if isinstance(raw_repeated, list) else set()
    groups = {
        name: replace(shape, count=2 if name in repeated else 1) for name, shape in groups.items()
    }
    done = extension.get("done") in SENTINELS
    fields = {**_built_ins(bool(done)), **groups}
    structure = Shape(
        type=ValueType.OBJECT,
        count=1,
        fields=fields,
        content_type=None if fmt is StreamFormat.SSE else NDJSON_TYPE,
    )
    out: dict[str, Any] = {
        "response_type": ResponseType.STREAM,
        "structure": structure,
        "documented": structure,
    }
    text_field = extension.get("text_field")
    if isinstance(text_field, str) and text_field:
        out["stream_text_field"] = text_field
    return out
