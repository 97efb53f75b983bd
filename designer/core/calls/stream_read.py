"""Receiving a streaming httpx response into a :class:`~designer.core.calls.stream_log.StreamLog`.

:func:`read_stream` is the one loop the send path, the CLI and the app share:
it reads events as they arrive, feeds the log, calls ``on_event`` for each
(to show it at once), and records why the stream ended. A deadline is a
normal way for a stream to end (the log says so); passing the size cap
raises :class:`~.events.StreamTooLargeError` after the log recorded it, and a
cancelled task is recorded as cancelled before the cancellation goes on.
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

__all__ = ["read_stream"]


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
    Content-Type (Server-Sent Events when it names no stream format).
    """
    fmt = stream_format(response.headers.get("content-type", "")) or StreamFormat.SSE
    reader = StreamReader(fmt, max_bytes=max_bytes, keep=log.keep)
    events = reader.aiter_chunks(response.aiter_bytes())
    try:
        async with asyncio.timeout(deadline):
            async for event in events:
                go_on = log.add(event)
                if on_event is not None:
                    on_event(event)
                if not go_on:
                    log.finish(EndReason.DONE if log.done else EndReason.MAX_EVENTS)
                    break
            else:
                log.finish(EndReason.SERVER_CLOSED, reader.note)
    except TimeoutError:
        log.finish(EndReason.DEADLINE, f"stopped after {deadline:g} seconds")
    except StreamTooLargeError as exc:
        log.finish(EndReason.SIZE_CAP, str(exc))
        raise
    except asyncio.CancelledError:
        log.finish(EndReason.CANCELLED)
        raise
    finally:
        await events.aclose()
    return log
