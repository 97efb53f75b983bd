"""The structure of a stream, as one ordinary :class:`Shape`.

A stream is described by a single object, so the structure tree, type
overrides and Include work on it as on any response. Its fields are:

* ``text so far`` (text): the text of the stream's text field, concatenated
  over the events received so far (see :func:`suggest_text_field`);
* ``is streaming`` (boolean): true while events still arrive;
* ``is done`` (boolean): true once the stream ended normally;
* one field per event group holding the merged shape of that group's data:
  ``data`` for unnamed events (every JSON Lines event, and SSE events without
  an ``event:`` field), and the event name for named SSE events
  (``content_block_delta``, ``response.output_text.delta``). The built-in
  fields have spaces in their names, which event names rarely have.

A group's shape is what inference gives for all its events' data at once
(:func:`~designer.core.inference.infer_values` per batch, merged with
:func:`~designer.core.inference.merge`): its ``count`` is the number of
events, and a field seen in only some events is optional. Data that is not
JSON is text. A ``[DONE]`` sentinel ends the stream and is not data.

Paths into a stream structure start with the group: the text field of an
OpenAI chat completion stream is ``data.choices[].delta.content``, that of an
Anthropic one ``content_block_delta.delta.text``. :func:`split_text_field`
cuts such a path into the event name and the path inside the event's data,
which :func:`text_of` reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

import orjson

from designer.core.inference.infer import infer_values
from designer.core.inference.merge import merge
from designer.core.streams.events import StreamEvent, StreamReader, sniff_format, stream_format
from designer.core.structure import Shape, ValueType, child_path

__all__ = [
    "DATA",
    "IS_DONE",
    "IS_STREAMING",
    "SENTINELS",
    "TEXT_SO_FAR",
    "StreamStructure",
    "decode_data",
    "group_field",
    "infer_stream_body",
    "is_sentinel",
    "is_stream_shape",
    "path_steps",
    "stream_groups",
    "stream_of",
    "split_text_field",
    "stream_shape",
    "suggest_text_field",
    "event_text",
    "text_field_problem",
    "text_of",
]

TEXT_SO_FAR = "text so far"
IS_STREAMING = "is streaming"
IS_DONE = "is done"
#: The group of unnamed events.
DATA = "data"
#: Data that marks the end of a stream rather than being data (OpenAI's ``data: [DONE]``).
SENTINELS = frozenset({"[DONE]"})

#: Event groups kept apart; events of further names are not described.
MAX_GROUPS = 64
_BATCH = 256
_SAMPLE_CHARS = 60


class _NotJson:
    __slots__ = ()


_NOT_JSON: Any = _NotJson()


def is_sentinel(data: str) -> bool:
    """Whether an event's data marks the end of the stream."""
    return data.strip() in SENTINELS


def decode_data(data: str) -> object:
    """An event's data as a JSON value, or the text itself when it is not JSON."""
    head = data.lstrip()[:1]
    if head in ("{", "[", '"') or head.isdigit() or head in ("-", "t", "f", "n"):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return data


def group_field(event_name: str) -> str:
    """The structure field holding events named ``event_name`` (``""``: unnamed)."""
    return event_name or DATA


class StreamStructure:
    """The merged structure of a stream's event data, built one event at a time.

    Memory is bounded: each group holds its merged shape and at most a batch
    of decoded values waiting to be inferred together.
    """

    def __init__(self, *, batch: int = _BATCH) -> None:
        self._batch = batch
        self._shapes: dict[str, Shape] = {}
        self._pending: dict[str, list[object]] = {}
        self.done = False
        self.dropped_groups = 0

    def add(self, event: StreamEvent, value: object = _NOT_JSON) -> None:
        """Take one event; ``value`` is its data already decoded (see :func:`decode_data`)."""
        if is_sentinel(event.data):
            self.done = True
            return
        name = group_field(event.event)
        pending = self._pending.get(name)
        if pending is None:
            if len(self._pending) >= MAX_GROUPS:
                self.dropped_groups += 1
                return
            pending = self._pending[name] = []
        pending.append(decode_data(event.data) if value is _NOT_JSON else value)
        if len(pending) >= self._batch:
            self._flush(name)

    def _flush(self, name: str) -> None:
        pending = self._pending[name]
        if not pending:
            return
        shape = infer_values(pending)
        pending.clear()
        known = self._shapes.get(name)
        self._shapes[name] = shape if known is None else merge(known, shape)

    def groups(self) -> dict[str, Shape]:
        """The merged data shape of each group, by structure field name."""
        for name in self._pending:
            self._flush(name)
        return dict(self._shapes)

    def shape(self, *, text: str = "", streaming: bool = False) -> Shape:
        """The stream's structure; ``text`` and ``streaming`` give the built-ins' samples."""
        fields: dict[str, Shape] = {
            TEXT_SO_FAR: Shape(
                type=ValueType.TEXT, count=1, samples=[text[:_SAMPLE_CHARS]] if text else []
            ),
            IS_STREAMING: Shape(type=ValueType.BOOLEAN, count=1, samples=[streaming]),
            IS_DONE: Shape(type=ValueType.BOOLEAN, count=1, samples=[self.done]),
        }
        for name, shape in self.groups().items():
            if name not in fields:
                fields[name] = shape
        return Shape(type=ValueType.OBJECT, count=1, fields=fields)


def stream_shape(events: Iterable[StreamEvent], text_field: str | None = None) -> Shape:
    """The structure of a stream of ``events`` (the built-ins' samples as at its end)."""
    structure = StreamStructure()
    pieces: list[str] = []
    event_name, inner = split_text_field(text_field) if text_field else ("", None)
    for event in events:
        value = _NOT_JSON if is_sentinel(event.data) else decode_data(event.data)
        structure.add(event, value)
        if inner is not None and event.event == event_name and value is not _NOT_JSON:
            piece = text_of(value, inner)
            if piece:
                pieces.append(piece)
    return structure.shape(text="".join(pieces))


def infer_stream_body(
    body: bytes, content_type: str = "", *, text_field: str | None = None
) -> Shape:
    """The structure of a kept stream body (Server-Sent Events or JSON Lines).

    The format is the one ``content_type`` names, else sniffed. The body is
    already in memory, so no size cap applies and events are not kept: the
    structure is merged as they are read. "text so far" follows
    ``text_field``, else the suggested one.
    """
    fmt = stream_format(content_type) or sniff_format(body)

    def events() -> Iterator[StreamEvent]:
        reader = StreamReader(fmt, max_bytes=max(1, len(body)), keep=0, clock=lambda: 0.0)
        return reader.iter_chunks([body])

    shape = stream_shape(events())
    field = text_field or suggest_text_field(shape)
    return shape if field is None else stream_shape(events(), field)


# -- paths ---------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _segments(path: str) -> tuple[str | None, ...]:
    """The steps of a structure path: field names, and None for ``[]`` (each item)."""
    steps: list[str | None] = []
    i, n = 0, len(path)
    while i < n:
        c = path[i]
        if c == ".":
            i += 1
            continue
        if path.startswith("[]", i):
            steps.append(None)
            i += 2
            continue
        if path.startswith('["', i):
            i += 2
            name: list[str] = []
            while i < n and path[i] != '"':
                if path[i] == "\\" and i + 1 < n:
                    i += 1
                name.append(path[i])
                i += 1
            steps.append("".join(name))
            i += 2  # the closing quote and bracket
            continue
        j = i
        while j < n and path[j] not in ".[":
            j += 1
        steps.append(path[i:j])
        i = j
    return tuple(steps)


def path_steps(path: str) -> tuple[str | None, ...]:
    """The steps of a structure path: field names, and None for ``[]`` (each item)."""
    return _segments(path)


def _join(steps: Iterable[str | None]) -> str:
    path = ""
    for step in steps:
        path = child_path(path, step)
    return path


def split_text_field(path: str) -> tuple[str, str]:
    """``path`` in a stream structure as (event name, path inside that event's data).

    The event name is ``""`` for unnamed events (the ``data`` group).
    """
    steps = _segments(path)
    if not steps or steps[0] is None:
        return "", path
    group = steps[0]
    return ("" if group == DATA else group), _join(steps[1:])


def text_of(data: object, path: str) -> str | None:
    """The text at ``path`` inside one event's decoded data, or None when there is none.

    ``[]`` steps into the first item of a list (the first choice of a chat completion).
    """
    value = data
    for step in _segments(path):
        if step is None:
            if not isinstance(value, list) or not value:
                return None
            value = value[0]
        elif isinstance(value, Mapping):
            value = value.get(step)
        else:
            return None
    return value if isinstance(value, str) else None


def event_text(event: StreamEvent, text_field: str) -> str | None:
    """The piece of text ``event`` carries in the stream's ``text_field``: None for an event
    of another group, the end sentinel, or an event without text there."""
    name, inner = split_text_field(text_field)
    if event.event != name or is_sentinel(event.data):
        return None
    return text_of(decode_data(event.data), inner)


def _at(shape: Shape, path: str) -> Shape | None:
    node: Shape | None = shape
    for step in _segments(path):
        if node is None:
            return None
        if step is None:
            node = node.items if node.type is ValueType.LIST else None
        else:
            node = (node.fields or {}).get(step) if node.type is ValueType.OBJECT else None
    return node


def _holds_text(shape: Shape | None) -> bool:
    if shape is None:
        return False
    if shape.type is ValueType.TEXT:
        return True
    return shape.type is ValueType.MIXED and any(
        v.type is ValueType.TEXT for v in shape.variants or ()
    )


#: Where streaming APIs put each event's piece of text, by event name (None: any group).
_TEXT_FIELDS: tuple[tuple[str | None, str], ...] = (
    (None, "choices[].delta.content"),  # OpenAI chat completions (and compatible APIs)
    ("content_block_delta", "delta.text"),  # Anthropic messages
    ("response.output_text.delta", "delta"),  # OpenAI Responses API
    (None, "message.content"),  # Ollama /api/chat
    (None, "response"),  # Ollama /api/generate
    (None, "delta.text"),  # Anthropic-shaped data without event names
    (None, "choices[].text"),  # OpenAI legacy completions
    (None, "text"),
)


def _groups(shape: Shape) -> Iterator[tuple[str, Shape]]:
    for name, child in (shape.fields or {}).items():
        if name not in (TEXT_SO_FAR, IS_STREAMING, IS_DONE):
            yield name, child


def suggest_text_field(shape: Shape) -> str | None:
    """The path of the field that carries each event's piece of text, when it is a known one.

    Recognises OpenAI chat completion chunks, Anthropic ``content_block_delta``
    events, OpenAI Responses ``response.output_text.delta`` events and Ollama's
    JSON Lines, among others; None when no group has such a text field.
    """
    groups = dict(_groups(shape))
    for event_name, inner in _TEXT_FIELDS:
        names = [event_name] if event_name is not None else list(groups)
        for name in names:
            group = groups.get(name)
            if group is not None and _holds_text(_at(group, inner)):
                return _join([name, *_segments(inner)])
    if DATA in groups and groups[DATA].type is ValueType.TEXT:
        return DATA  # plain text events: the data is the text
    return None


def text_field_problem(shape: Shape, path: str) -> str | None:
    """Why ``path`` cannot be the text field of the stream ``shape``; None when it can.

    The text field is a text value inside an event group (``data.choices[].delta.content``),
    or ``data`` itself for events whose data is plain text.
    """
    groups = dict(_groups(shape))
    head = path_steps(path)[0] if path else None
    if head is None or head not in groups:
        known = ", ".join(groups) or "none"
        return f"'{path}' is not in an event group of the stream (its groups: {known})"
    if not _holds_text(_at(shape, path)):
        return f"'{path}' is not a text field of the stream"
    return None


def is_stream_shape(shape: Shape | None) -> bool:
    """Whether ``shape`` is a stream's structure (it has the built-in stream fields)."""
    if shape is None or shape.type is not ValueType.OBJECT or not shape.fields:
        return False
    return all(name in shape.fields for name in (TEXT_SO_FAR, IS_STREAMING, IS_DONE))


def stream_of(structure: Shape | None) -> Shape | None:
    """The stream structure in a call's ``structure``: itself, or the ``body`` of an envelope
    (a call that includes errors or captures headers); None when there is none."""
    if is_stream_shape(structure):
        return structure
    body = (structure.fields or {}).get("body") if structure is not None else None
    return body if is_stream_shape(body) else None


def stream_groups(shape: Shape) -> dict[str, Shape]:
    """The event groups of a stream structure, by field name (``data`` for unnamed events)."""
    return dict(_groups(shape))
