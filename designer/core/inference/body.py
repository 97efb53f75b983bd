"""From response bytes to a structure: JSON, XML, text and binary bodies.

JSON is parsed with orjson. What orjson refuses but JSON allows falls back
to :mod:`designer.core.jsonvalues` (its policy for odd but valid JSON), and
documents nested deeper than orjson's limit are streamed with ijson into a
depth-limited tree whose cut-off containers become ``truncated`` nodes: a deep
document degrades to a marker, never to a RecursionError.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import orjson

from designer.core.errors import BodyParseError
from designer.core.inference.infer import MAX_DEPTH, Truncated, infer_value
from designer.core.jsonvalues import after_fast_parse, decode_json_bytes, loads_lenient
from designer.core.structure import ResponseType, Shape, ValueType

__all__ = ["detect_kind", "infer_body", "parse_json"]

_JSON_TYPES = re.compile(r"^application/(?:[\w.+-]*\+)?json$|^text/json$|^application/jsonl?$")
_XML_TYPES = re.compile(r"^(?:application|text)/(?:[\w.+-]*\+)?xml$")
_TEXT_SAMPLE = 80
# The media types of streamed bodies (kept equal to designer.core.streams.events').
_STREAM_TYPES = frozenset(
    {"text/event-stream", "application/x-ndjson", "application/jsonl", "application/x-jsonlines"}
)


def detect_kind(body: bytes, content_type: str) -> ResponseType:
    """How to read a body, from its media type, or by sniffing when there is none."""
    media = content_type.split(";", 1)[0].strip().lower()
    # -- streams: before JSON, whose pattern also takes application/jsonl --
    if media in _STREAM_TYPES:
        return ResponseType.STREAM
    # -- end streams --
    if _JSON_TYPES.match(media):
        return ResponseType.JSON
    if _XML_TYPES.match(media):
        return ResponseType.XML
    if media.startswith("text/"):
        return ResponseType.TEXT
    if media:
        return ResponseType.BINARY
    head = body[:512].lstrip()
    if head[:1] in (b"{", b"["):
        return ResponseType.JSON
    if head[:1] == b"<":
        return ResponseType.XML
    try:
        body[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return ResponseType.BINARY
    return ResponseType.TEXT


def infer_body(
    body: bytes,
    content_type: str = "",
    response_type: ResponseType = ResponseType.AUTO,
    *,
    sample_limit: int | None = None,
    notes: list[str] | None = None,
    kinds: Mapping[str, ValueType] | None = None,
) -> Shape:
    """The structure of a response body.

    ``kinds`` names the paths whose objects must be read as maps or as records
    (see :func:`~designer.core.inference.infer_value`).

    Raises :class:`BodyParseError` when the body is not valid for its type
    (the given ``response_type``, or the one detected from ``content_type``).
    ``notes`` receives what the user should know about odd but valid JSON
    (see :mod:`designer.core.jsonvalues`).
    """
    kind = (
        response_type if response_type is not ResponseType.AUTO else detect_kind(body, content_type)
    )
    media = content_type.split(";", 1)[0].strip().lower() or None
    if kind is ResponseType.JSON:
        return infer_value(parse_json(body, notes), sample_limit=sample_limit, kinds=kinds)
    if kind is ResponseType.STREAM:
        from designer.core.inference.stream import infer_stream_body  # only streamed bodies need it

        return infer_stream_body(body, content_type)
    if kind is ResponseType.XML:
        from designer.core.inference.xml import (
            parse_xml,  # defusedxml is only needed for XML bodies
        )

        return infer_value(parse_xml(body), sample_limit=sample_limit, kinds=kinds)
    if kind is ResponseType.TEXT:
        text = body.decode("utf-8", errors="replace")
        sample = text[:_TEXT_SAMPLE] + ("…" if len(text) > _TEXT_SAMPLE else "")
        return Shape(
            type=ValueType.TEXT, count=1, samples=[sample], content_type=media, size=len(body)
        )
    return Shape(type=ValueType.BINARY, count=1, content_type=media, size=len(body))


def parse_json(body: bytes, notes: list[str] | None = None) -> Any:
    """Parse a JSON body; errors name the line and column.

    orjson reads the common case; what it refuses but JSON allows (lone
    surrogate escapes, integers beyond 64 bits, UTF-16, NaN from lenient
    servers) is read by :func:`~designer.core.jsonvalues.loads_lenient`.
    """
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        orjson_error = exc
    else:
        return after_fast_parse(body, value, notes)
    message = str(orjson_error).lower()
    if "depth" in message or "recursion" in message:
        return _parse_deep(body)
    text = decode_json_bytes(body)
    try:
        return loads_lenient(body if text is None else text, notes)
    except json.JSONDecodeError as exc:
        raise BodyParseError(
            f"Response is not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}",
            exc.lineno,
            exc.colno,
        ) from exc
    except RecursionError:
        return _parse_deep(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BodyParseError(f"Response is not valid JSON: {orjson_error}") from exc


def _parse_deep(body: bytes) -> Any:
    """Build a tree from a very deeply nested document without recursion.

    Containers deeper than the inference limit are replaced by
    :class:`Truncated` markers and their content is skipped.
    """
    import ijson  # only documents nested beyond orjson's limit need it

    stack: list[Any] = []
    keys: list[str | None] = []
    root: Any = None
    skipping = 0
    key: str | None = None

    def attach(value: Any) -> None:
        nonlocal root, key
        if not stack:
            root = value
        elif isinstance(stack[-1], list):
            stack[-1].append(value)
        else:
            stack[-1][key] = value

    try:
        # basic_parse: parse() builds a prefix string per event, quadratic in depth.
        for event, value in ijson.basic_parse(body, use_float=True):
            if skipping:
                if event in ("start_map", "start_array"):
                    skipping += 1
                elif event in ("end_map", "end_array"):
                    skipping -= 1
                continue
            if event == "map_key":
                key = value
            elif event in ("start_map", "start_array"):
                container: Any = {} if event == "start_map" else []
                if len(stack) >= MAX_DEPTH + 2:
                    attach(Truncated(dict if event == "start_map" else list))
                    skipping = 1
                    continue
                attach(container)
                stack.append(container)
                keys.append(key)
            elif event in ("end_map", "end_array"):
                stack.pop()
                key = keys.pop()
            else:
                attach(value)
    except ijson.JSONError as exc:
        raise BodyParseError(f"Response is not valid JSON: {exc}") from exc
    return root
