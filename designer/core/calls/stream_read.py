"""Receiving a stream into a :class:`~designer.core.calls.stream_log.StreamLog`, as it arrives.

:class:`StreamReceiver` is the one loop the call service (and so the CLI and
the app) and :func:`read_stream` share: each piece of the body goes to
:meth:`StreamReceiver.consume` (a body consumer of the executor's ``on_head``
seam), which turns it into events, feeds the log and calls ``on_event`` for
each, at once. Reading stops at the ``[DONE]`` sentinel or the log's
``max_events``: ``consume`` then raises :class:`StreamEnded`, which the one
reading the body takes as the end. The log records why the stream ended.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx

from designer.core.calls.stream_log import EndReason, StreamLog
from designer.core.streams.events import (
    DEFAULT_MAX_STREAM_BYTES,
    StreamEvent,
    StreamFormat,
    StreamReader,
    StreamTooLargeError,
    stream_format,
)

__all__ = ["StreamEnded", "StreamReceiver", "read_stream"]

_CLOSED = (httpx.RemoteProtocolError, httpx.ReadError)


class StreamEnded(Exception):
    """Raised by :meth:`StreamReceiver.consume` when no more of the body is wanted."""


class StreamReceiver:
    """One stream being received: its reader, its log and who hears of each event."""

    def __init__(
        self,
        format: StreamFormat,
        log: StreamLog,
        *,
        max_bytes: int = DEFAULT_MAX_STREAM_BYTES,
        on_event: Callable[[StreamEvent], None] | None = None,
    ) -> None:
        self.format = format
        self.log = log
        self.reader = StreamReader(format, max_bytes=max_bytes, keep=log.keep)
        self.on_event = on_event

    def consume(self, chunk: bytes) -> None:
        """Take the next piece of the body; raises :class:`StreamEnded` when reading should
        stop, :class:`~.events.StreamTooLargeError` past the size cap (the log records it)."""
        try:
            for event in self.reader.feed(chunk):
                self._take(event)
        except StreamTooLargeError as exc:
            self.log.finish(EndReason.SIZE_CAP, str(exc))
            raise

    def _take(self, event: StreamEvent) -> None:
        go_on = self.log.add(event)
        if self.on_event is not None:
            self.on_event(event)
        if not go_on:
            self.log.finish(EndReason.DONE if self.log.done else EndReason.MAX_EVENTS)
            raise StreamEnded

    def end(self, *, closed_early: bool = False) -> None:
        """The body ended (``closed_early``: the connection closed first); its last events
        are taken and the log says the server closed the stream, with the reader's note."""
        if self.log.end is not None:
            return
        try:
            for event in self.reader.close(closed_early=closed_early):
                self._take(event)
        except StreamEnded:
            return
        self.log.finish(EndReason.SERVER_CLOSED, self.reader.note)

    def stop(self, reason: EndReason, note: str | None = None) -> None:
        """Reading stopped for ``reason`` (the deadline, a cancel)."""
        self.log.finish(reason, note)


async def read_stream(
    response: httpx.Response,
    log: StreamLog,
    *,
    max_bytes: int = DEFAULT_MAX_STREAM_BYTES,
    deadline: float | None = None,
    on_event: Callable[[StreamEvent], None] | None = None,
) -> StreamLog:
    """Read the events of streaming ``response`` (opened with ``client.stream``) into ``log``.

    Stops at the ``[DONE]`` sentinel, at the log's ``max_events``, when the
    server ends the body, or after ``deadline`` seconds; ``log.end`` and
    ``log.note`` say which. The format comes from the response's
    Content-Type (Server-Sent Events when it names no stream format). Passing
    the size cap raises :class:`~.events.StreamTooLargeError` after the log
    recorded it; a cancelled task is recorded as cancelled.
    """
    fmt = stream_format(response.headers.get("content-type", "")) or StreamFormat.SSE
    receiver = StreamReceiver(fmt, log, max_bytes=max_bytes, on_event=on_event)
    try:
        async with asyncio.timeout(deadline):
            closed = False
            try:
                async for chunk in response.aiter_bytes():
                    receiver.consume(chunk)
            except _CLOSED:
                closed = True
            receiver.end(closed_early=closed)
    except StreamEnded:
        pass
    except TimeoutError:
        receiver.stop(EndReason.DEADLINE, f"stopped after {deadline:g} seconds")
    except asyncio.CancelledError:
        receiver.stop(EndReason.CANCELLED)
        raise
    return log
