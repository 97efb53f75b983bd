"""Streaming response bodies read as events, as they arrive.

Two formats are read:

* **Server-Sent Events** (``text/event-stream``), decoded by httpx-sse with the
  WHATWG rules: ``data`` lines of one event joined with ``"\\n"``, ``event``,
  ``id`` (kept for the events after it) and ``retry`` fields, comment lines
  starting with ``:``, CR, LF and CRLF line ends, a leading byte order mark
  removed. An event without data is not dispatched; nor is one whose data is
  empty (``data:`` alone), which carries nothing a connector can use. The body
  is always UTF-8, whatever charset the Content-Type names. The default event
  type (``message``) is reported as ``""``.
* **JSON Lines** (``application/x-ndjson``, ``application/jsonl``,
  ``application/x-jsonlines``): one event per non-blank line.

A :class:`StreamReader` turns byte chunks into :class:`StreamEvent` objects,
from an async source (an httpx streaming response) or a sync one (a kept
sample's bytes). It caps the bytes of the whole stream, which also bounds a
line that never ends: passing the cap raises :class:`StreamTooLargeError`,
carrying the events read before it. A stream that stops in the middle of an
event (the connection closed, or the body ends without the blank line) keeps
the events before it; the unfinished one is dropped and :attr:`StreamReader.note`
says so.
"""

from __future__ import annotations

import codecs
import time
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    Callable,
    Iterable,
    Iterator,
)
from dataclasses import dataclass
from enum import StrEnum

import httpx
import orjson
from httpx_sse import ServerSentEvent
from httpx_sse._decoders import SSEDecoder, SSELineDecoder

from designer.core.errors import ResponseTooLargeError

__all__ = [
    "DEFAULT_KEEP_EVENTS",
    "DEFAULT_MAX_STREAM_BYTES",
    "NDJSON_TYPES",
    "SSE_TYPE",
    "ParsedStream",
    "StreamEvent",
    "StreamFormat",
    "StreamReader",
    "StreamTooLargeError",
    "encode_events",
    "is_stream_content_type",
    "parse_stream",
    "sniff_format",
    "stream_format",
]

SSE_TYPE = "text/event-stream"
NDJSON_TYPES = frozenset({"application/x-ndjson", "application/jsonl", "application/x-jsonlines"})

#: The bytes a stream may have in all before reading stops (a line that never ends too).
DEFAULT_MAX_STREAM_BYTES = 32 * 1024 * 1024
#: How many events a reader keeps for the error it raises at the size cap.
DEFAULT_KEEP_EVENTS = 200

_BOM = b"\xef\xbb\xbf"
_CLOSED = (httpx.RemoteProtocolError, httpx.ReadError)
_CUT_NOTE = "the stream stopped in the middle of an event; that unfinished event was dropped"
_CLOSED_NOTE = "the connection closed before the stream ended"


class StreamFormat(StrEnum):
    """How a stream's body is split into events."""

    SSE = "sse"
    NDJSON = "ndjson"


@dataclass(frozen=True, slots=True)
class StreamEvent:
    """One event of a stream.

    ``offset`` is in seconds since the first byte of the body arrived (0 for
    events re-read from kept bytes), ``event`` the SSE event name (``""`` for
    the default type and for JSON Lines), ``id`` the last event id seen (SSE),
    ``data`` the event's text and ``size`` the bytes of that text in UTF-8.
    """

    index: int
    offset: float
    event: str
    id: str | None
    data: str
    size: int
    retry: int | None = None


@dataclass(frozen=True, slots=True)
class ParsedStream:
    """The events of a whole body, and a note when it stopped mid-event."""

    format: StreamFormat
    events: list[StreamEvent]
    note: str | None
    bytes: int


class StreamTooLargeError(ResponseTooLargeError):
    """The stream passed its size cap; ``events`` are the (first kept) events read before it."""

    def __init__(self, limit: int, events: tuple[StreamEvent, ...], events_read: int) -> None:
        self.limit = limit
        self.events = events
        self.events_read = events_read
        super().__init__(
            f"The stream passed its size cap of {_size(limit)} after {events_read} "
            f"event{'s' if events_read != 1 else ''}; raise the cap or end the stream sooner"
        )


def _size(n: int) -> str:
    if n >= 1 << 20 and n % (1 << 20) == 0:
        return f"{n >> 20} MB"
    if n >= 1 << 10 and n % (1 << 10) == 0:
        return f"{n >> 10} KB"
    return f"{n} bytes"


def _media(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def stream_format(content_type: str) -> StreamFormat | None:
    """The stream format a Content-Type names, or None when it names no stream."""
    media = _media(content_type)
    if media == SSE_TYPE:
        return StreamFormat.SSE
    if media in NDJSON_TYPES:
        return StreamFormat.NDJSON
    return None


def is_stream_content_type(content_type: str) -> bool:
    """Whether ``content_type`` (parameters ignored) is an event stream or JSON Lines."""
    return stream_format(content_type) is not None


def sniff_format(body: bytes) -> StreamFormat:
    """The format of a body read as a stream without a Content-Type: JSON Lines when it
    starts with a JSON object or array, Server-Sent Events otherwise."""
    head = body[:512].removeprefix(_BOM).lstrip()
    return StreamFormat.NDJSON if head[:1] in (b"{", b"[") else StreamFormat.SSE


class StreamReader:
    """Reads one stream's bytes as events; use one reader per stream.

    After reading, ``bytes_read`` and ``events_read`` count what was read,
    ``closed_early`` says the connection closed before the body ended, ``cut``
    that an unfinished event was dropped, and ``note`` says either to the user.
    ``kept`` holds the first ``keep`` events (all with ``keep=None``), which
    :class:`StreamTooLargeError` carries.
    """

    def __init__(
        self,
        format: StreamFormat,
        *,
        max_bytes: int = DEFAULT_MAX_STREAM_BYTES,
        keep: int | None = DEFAULT_KEEP_EVENTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.format = format
        self.max_bytes = max_bytes
        self.keep = keep
        self.bytes_read = 0
        self.events_read = 0
        self.closed_early = False
        self.cut = False
        self.kept: list[StreamEvent] = []
        self._clock = clock
        self._started: float | None = None
        self._over = False
        self._at_end = False
        self._bom_checked = False
        self._bom_pending = b""
        self._decoder: _Sse | _Lines = _Sse(self) if format is StreamFormat.SSE else _Lines(self)

    @property
    def note(self) -> str | None:
        """What the user should know about how the stream ended, or None."""
        if self.cut and self.closed_early:
            return f"{_CLOSED_NOTE}: {_CUT_NOTE}"
        if self.cut:
            return _CUT_NOTE
        if self.closed_early:
            return _CLOSED_NOTE
        return None

    # -- reading ---------------------------------------------------------------------------

    def feed(self, chunk: bytes) -> Iterator[StreamEvent]:
        """The events that ``chunk``, the next piece of the body, completes, as it arrives.

        Raises :class:`StreamTooLargeError` (after the events within the cap)
        once the stream passes its cap.
        """
        taken = self._take(chunk)
        if taken:
            yield from self._decoder.feed(taken)
        self._check_over()

    def close(self, *, closed_early: bool = False) -> Iterator[StreamEvent]:
        """The body ended (``closed_early``: the connection closed first): its last events.

        An unfinished event is dropped and :attr:`note` says so.
        """
        if closed_early:
            self.closed_early = True
        self._check_over()
        yield from self._decoder.end()

    async def aiter_chunks(self, chunks: AsyncIterable[bytes]) -> AsyncGenerator[StreamEvent, None]:
        """The events of a stream whose bytes come from ``chunks`` (e.g. ``aiter_bytes()``)."""
        closed = False
        try:
            async for chunk in chunks:
                for event in self.feed(chunk):
                    yield event
        except _CLOSED:
            closed = True
        for event in self.close(closed_early=closed):
            yield event

    def iter_chunks(self, chunks: Iterable[bytes]) -> Iterator[StreamEvent]:
        """The events of a stream whose bytes come from ``chunks`` (a kept body, a file)."""
        closed = False
        try:
            for chunk in chunks:
                yield from self.feed(chunk)
        except _CLOSED:
            closed = True
        yield from self.close(closed_early=closed)

    # -- internals -------------------------------------------------------------------------

    def _take(self, chunk: bytes) -> bytes:
        """Count ``chunk`` against the cap; the part within the cap, BOM removed."""
        if not chunk:
            return chunk
        if self._started is None:
            self._started = self._clock()
        self.bytes_read += len(chunk)
        if self.bytes_read > self.max_bytes:
            self._over = True
            chunk = chunk[: len(chunk) - (self.bytes_read - self.max_bytes)]
        if not self._bom_checked:
            # The BOM may arrive split over chunks: hold back a prefix of it.
            chunk = self._bom_pending + chunk
            if len(chunk) < len(_BOM) and _BOM.startswith(chunk):
                self._bom_pending = chunk
                return b""
            self._bom_checked = True
            self._bom_pending = b""
            chunk = chunk.removeprefix(_BOM)
        return chunk

    def _check_over(self) -> None:
        if self._over:
            raise StreamTooLargeError(self.max_bytes, tuple(self.kept), self.events_read)

    def _leftover_bom(self) -> bytes:
        """Bytes held back as a possible BOM when the body ended before three bytes."""
        self._bom_checked = True
        left, self._bom_pending = self._bom_pending, b""
        return left

    def _event(self, event: str, id: str | None, data: str, retry: int | None) -> StreamEvent:
        offset = 0.0 if self._started is None else max(0.0, self._clock() - self._started)
        made = StreamEvent(
            index=self.events_read,
            offset=offset,
            event=event,
            id=id,
            data=data,
            size=len(data.encode("utf-8")),
            retry=retry,
        )
        self.events_read += 1
        if self.keep is None or len(self.kept) < self.keep:
            self.kept.append(made)
        return made

    def _from_sse(self, sse: ServerSentEvent) -> StreamEvent | None:
        if sse.data == "":
            return None  # no data: not dispatched
        if self._at_end:
            # Dispatched by the blank line added after the body: it never ended.
            self.cut = True
            return None
        name = "" if sse.event == "message" else sse.event
        return self._event(name, sse.id or None, sse.data, sse.retry)


class _Sse:
    """Server-Sent Events, decoded by httpx-sse's line and event decoders a piece at a time.

    The body is UTF-8 whatever the Content-Type says. At its end, ``:`` first
    ends a line whose CR was held back (it could have been the start of CRLF)
    and opens a comment line; then, flagged as past the end, a blank line
    dispatches an unfinished event, which the reader drops as cut.
    """

    def __init__(self, reader: StreamReader) -> None:
        self._reader = reader
        self._text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._lines = SSELineDecoder()
        self._events = SSEDecoder()

    def feed(self, data: bytes) -> Iterator[StreamEvent]:
        yield from self._decode(self._text.decode(data))

    def _decode(self, text: str) -> Iterator[StreamEvent]:
        if not text:
            return
        for line in self._lines.decode(text):
            sse = self._events.decode(line.rstrip("\n"))
            if sse is not None:
                event = self._reader._from_sse(sse)
                if event is not None:
                    yield event

    def end(self) -> Iterator[StreamEvent]:
        reader = self._reader
        yield from self.feed(reader._leftover_bom())
        yield from self._decode(self._text.decode(b"", True))
        yield from self._decode(":")
        reader._at_end = True
        yield from self._decode("\n\n")


class _Lines:
    """JSON Lines: one event per non-blank line, LF or CRLF ended."""

    def __init__(self, reader: StreamReader) -> None:
        self._reader = reader
        self._buffer = bytearray()

    def feed(self, chunk: bytes) -> Iterator[StreamEvent]:
        if not chunk:
            return
        start = len(self._buffer)
        self._buffer += chunk
        end = self._buffer.rfind(b"\n", start)
        if end < 0:
            return
        complete = bytes(self._buffer[: end + 1])
        del self._buffer[: end + 1]
        for line in complete.split(b"\n")[:-1]:
            event = self._line(line)
            if event is not None:
                yield event

    def end(self) -> Iterator[StreamEvent]:
        reader = self._reader
        self._buffer[:0] = reader._leftover_bom()
        rest = bytes(self._buffer).strip()
        self._buffer.clear()
        if not rest:
            return
        # A last line without its line end is whole when it is JSON and the
        # server ended the body; otherwise it was cut.
        if not reader.closed_early:
            try:
                orjson.loads(rest)
            except orjson.JSONDecodeError:
                pass
            else:
                event = self._line(rest)
                if event is not None:
                    yield event
                return
        reader.cut = True

    def _line(self, line: bytes) -> StreamEvent | None:
        text = line.decode("utf-8", errors="replace").strip()
        if not text:
            return None
        return self._reader._event("", None, text, None)


def parse_stream(
    body: bytes,
    content_type: str = "",
    *,
    max_bytes: int = DEFAULT_MAX_STREAM_BYTES,
    format: StreamFormat | None = None,
) -> ParsedStream:
    """All the events of a kept stream body (a sample), read at once.

    The format is ``format``, else the one ``content_type`` names, else
    sniffed. Raises :class:`StreamTooLargeError` past ``max_bytes``.
    """
    fmt = format or stream_format(content_type) or sniff_format(body)
    reader = StreamReader(fmt, max_bytes=max_bytes, keep=None, clock=lambda: 0.0)
    events = list(reader.iter_chunks([body]))
    return ParsedStream(format=fmt, events=events, note=reader.note, bytes=reader.bytes_read)


def encode_events(events: Iterable[StreamEvent], format: StreamFormat) -> bytes:
    """``events`` written as a stream body: the inverse of reading one (for mocks, exports).

    Server-Sent Events write ``event``, ``id``, ``retry`` and one ``data`` line
    per line of the data (a CR in the data becomes a line break, as SSE cannot
    carry one); JSON Lines write each event's data on its own line.
    """
    out: list[str] = []
    last_id: str | None = None
    for event in events:
        if format is StreamFormat.NDJSON:
            out.append(" ".join(event.data.splitlines()) + "\n")
            continue
        if event.event:
            out.append(f"event: {event.event}\n")
        if event.id is not None and event.id != last_id:
            out.append(f"id: {event.id}\n")
            last_id = event.id
        if event.retry is not None:
            out.append(f"retry: {event.retry}\n")
        lines = event.data.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        out.extend(f"data: {line}\n" for line in lines)
        out.append("\n")
    return "".join(out).encode("utf-8")
