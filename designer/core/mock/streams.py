"""Streamed answers of the mock: Server-Sent Events or JSON Lines, sent over time.

A call whose response type is *stream* (or whose structure is a stream's, see
:mod:`designer.core.inference.stream`) is answered with events:

* replayed from a kept response (the call's newest streamed response in the
  app's response history, or a bundle's sample) with the spacing it was
  recorded with; a sample without recorded times is spaced evenly
  (:data:`EVEN_SPACING`);
* otherwise made from the structure: for each event group, in the order of
  the structure, a few events whose data the :class:`ValueMaker` builds (one
  when the group was seen once), so that inferring them again gives the
  same structure; unnamed Server-Sent Events end with ``data: [DONE]`` when
  the structure says the stream ended so (OpenAI's convention).

The format is JSON Lines when the kept sample or the structure's content
type says so, Server-Sent Events otherwise. ``speed`` divides every pause.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import orjson

from designer.core.calls.history import ResponseHistory
from designer.core.http.server import Headers, Reply
from designer.core.inference.stream import (
    DATA,
    IS_DONE,
    IS_STREAMING,
    TEXT_SO_FAR,
    is_stream_shape,
    stream_of,
)
from designer.core.mock.values import ValueMaker
from designer.core.models import Api
from designer.core.streams.events import (
    SSE_TYPE,
    StreamEvent,
    StreamFormat,
    encode_events,
    parse_stream,
    stream_format,
)
from designer.core.structure import ResponseType, Shape

__all__ = [
    "EVEN_SPACING",
    "StreamSample",
    "is_stream_shape",
    "kept_stream_samples",
    "made_events",
    "stream_reply",
    "wants_stream",
]

NDJSON_TYPE = "application/x-ndjson"
#: Seconds between events when a kept sample has no recorded times, and between made events.
EVEN_SPACING = 0.05
#: Events made for a group seen more than once (enough for optional and nullable to show).
_REPEATED = 4
_BUILT_INS = (TEXT_SO_FAR, IS_STREAMING, IS_DONE)


@dataclass(frozen=True, slots=True)
class StreamSample:
    """A kept streamed response: its Content-Type, body, and when each event arrived."""

    content_type: str
    body: bytes
    offsets: tuple[float, ...] | None = None


def _format(shape: Shape | None, content_type: str | None) -> StreamFormat:
    for candidate in (content_type, shape.content_type if shape is not None else None):
        fmt = stream_format(candidate or "")
        if fmt is not None:
            return fmt
    return StreamFormat.SSE


def _done(shape: Shape) -> bool:
    node = (shape.fields or {}).get(IS_DONE)
    return node is not None and True in node.samples


def made_events(shape: Shape, maker: ValueMaker, format: StreamFormat) -> list[StreamEvent]:
    """Events whose data fits each group of the stream structure ``shape``."""
    events: list[StreamEvent] = []

    def add(name: str, data: str) -> None:
        size = len(data.encode("utf-8"))
        events.append(StreamEvent(len(events), 0.0, name, None, data, size))

    for field, group in (shape.fields or {}).items():
        if field in _BUILT_INS:
            continue
        name = "" if field == DATA or format is StreamFormat.NDJSON else field
        repeated = group.count > 1
        for index in range(_REPEATED if repeated else 1):
            value = maker.value(group, index if repeated else None)
            add(name, value if isinstance(value, str) else orjson.dumps(value).decode())
    if format is StreamFormat.SSE and DATA in (shape.fields or {}) and _done(shape):
        add("", "[DONE]")
    return events


def _parts(
    events: Sequence[StreamEvent],
    format: StreamFormat,
    offsets: Sequence[float] | None,
    speed: float,
) -> tuple[tuple[float, bytes], ...]:
    if offsets is None or len(offsets) != len(events):
        offsets = [i * EVEN_SPACING for i in range(len(events))]
    out = []
    previous = 0.0
    for event, offset in zip(events, offsets, strict=True):
        pause = max(0.0, offset - previous) / speed
        previous = max(previous, offset)
        out.append((pause, encode_events([event], format)))
    return tuple(out)


def _media(format: StreamFormat) -> str:
    return SSE_TYPE if format is StreamFormat.SSE else NDJSON_TYPE


def stream_reply(
    shape: Shape | None,
    maker: ValueMaker,
    *,
    status: int = 200,
    headers: Headers = (),
    sample: StreamSample | None = None,
    speed: float = 1.0,
) -> Reply:
    """A streamed answer: ``sample`` replayed, else events made from ``shape``."""
    if sample is not None:
        parsed = parse_stream(sample.body, sample.content_type)
        fmt = parsed.format
        parts = _parts(parsed.events, fmt, sample.offsets, speed)
    else:
        fmt = _format(shape, None)
        events = made_events(shape, maker, fmt) if shape is not None else []
        parts = _parts(events, fmt, None, speed)
    content_type = f"{_media(fmt)}; charset=utf-8"
    return Reply(status, content_type, b"", headers, parts or ((0.0, b""),))


def wants_stream(response_type: ResponseType, shape: Shape | None) -> bool:
    """Whether a call answers as a stream: its response type says so, or its structure."""
    return response_type is ResponseType.STREAM or is_stream_shape(shape)


def kept_stream_samples(apis: Iterable[Api], history: ResponseHistory) -> dict[str, StreamSample]:
    """The newest whole, successful streamed response kept for each streamed call of ``apis``,
    by ``"api id/call id"``."""
    out: dict[str, StreamSample] = {}
    for api in apis:
        for call in api.calls:
            if not wants_stream(call.response_type, stream_of(call.structure)):
                continue
            for entry in history.entries(api.id, call.id):
                if entry.truncated or not 200 <= entry.status < 300:
                    continue
                if stream_format(entry.content_type) is None:
                    continue
                out[f"{api.id}/{call.id}"] = StreamSample(
                    entry.content_type, entry.body, entry.offsets
                )
                break
    return out
