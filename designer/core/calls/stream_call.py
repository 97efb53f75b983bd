"""How the call service receives an answer that is a stream, event by event.

A :class:`StreamWatch` lives for one Initialize. Its :meth:`~StreamWatch.hook`
is the executor's ``on_head``: when an answer's Content-Type names a stream
(Server-Sent Events, JSON Lines), or the call's response type is *Stream*, it
returns the :class:`~.stream_read.StreamReceiver`'s consumer, so events are
parsed, logged and reported while the body still arrives. The structure is
the :class:`~.stream_log.StreamLog`'s merged structure: the body is never
inferred as a whole.

A stream ends gracefully, with the events so far, at the ``[DONE]`` sentinel,
when the server closes it (mid-event too: the unfinished event is dropped),
at ``max_events``, at the deadline or when stopped; the last two only once
at least one event arrived, else they are the usual errors.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import NamedTuple, TypeVar

from designer.core.calls.initialize import InferOutcome, redact
from designer.core.calls.stream_log import EndReason, StreamLog
from designer.core.calls.stream_read import StreamEnded, StreamReceiver
from designer.core.errors import (
    CancelledError_,
    ConnectionLostError,
    DeadlineExceededError,
    ResponseTooLargeError,
)
from designer.core.http.execute import BodyConsumer, HeadHook
from designer.core.http.request import BuiltRequest
from designer.core.http.response import ResponseResult
from designer.core.models import Call
from designer.core.secrets.store import mask_secrets
from designer.core.streams.events import StreamEvent, StreamFormat, encode_events, stream_format
from designer.core.structure import ResponseType

_T = TypeVar("_T")

__all__ = ["EventHook", "StreamResult", "StreamWatch", "answer_format", "stream_note"]

#: Called with each event of a streamed answer as it arrives.
EventHook = Callable[[StreamEvent], None]


def answer_format(call: Call, head: ResponseResult) -> StreamFormat | None:
    """How the body of ``head`` is read as a stream, or None when it is not one.

    An error status is never streamed: it is inferred (or reported) as any answer.
    """
    if head.status >= 400:
        return None
    fmt = stream_format(head.content_type)
    if fmt is None and call.response_type is ResponseType.STREAM:
        return StreamFormat.NDJSON if "json" in head.content_type else StreamFormat.SSE
    return fmt


def stream_note(log: StreamLog) -> str:
    """What the user reads about a stream that ended: how many events, and what ended it."""
    count = f"{log.count} event{'s' if log.count != 1 else ''}"
    reason = log.end.describe if log.end is not None else "still streaming"
    note = f"Stream of {count} ended: {reason}"
    return f"{note} ({log.note})" if log.note else note


class StreamResult(NamedTuple):
    """A stream's answer, its structure (kind STREAM), the request sent and its log."""

    response: ResponseResult
    outcome: InferOutcome
    request: BuiltRequest
    stream: StreamLog


class _Stopped(Exception):
    pass


async def _until(sending: Awaitable[_T], stop: asyncio.Event | None) -> _T:
    """``sending``'s result, or :class:`_Stopped` once ``stop`` is set first."""
    if stop is None:
        return await sending
    task = asyncio.ensure_future(sending)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait((task, stopped), return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
        if not task.done():
            task.cancel()
        await asyncio.wait((task, stopped))
    if task.cancelled():
        raise _Stopped
    return task.result()


class StreamWatch:
    """Receives the answer of one Initialize as a stream when it is one."""

    def __init__(
        self,
        call: Call,
        where: str,
        *,
        max_bytes: int,
        on_head: HeadHook | None = None,
        on_event: EventHook | None = None,
        max_events: int | None = None,
        exchange_deadline: float | None = None,
    ) -> None:
        self.call = call
        self.exchange_deadline = exchange_deadline
        self.where = where
        self.max_bytes = max_bytes
        self.on_head = on_head
        self.on_event = on_event
        self.max_events = max_events
        self.receiver: StreamReceiver | None = None
        self.head: ResponseResult | None = None
        self.request: BuiltRequest | None = None
        self._started = time.perf_counter()

    @property
    def log(self) -> StreamLog | None:
        """The log of the stream being received, or None when the answer is not a stream."""
        return None if self.receiver is None else self.receiver.log

    def sent_request(self, request: BuiltRequest) -> None:
        """Record the request as sent (its token included, for masking)."""
        self.request = request

    def hook(self, head: ResponseResult) -> BodyConsumer | None:
        """The executor's ``on_head``: a consumer of the body when it is a stream."""
        theirs = self.on_head(head) if self.on_head is not None else None
        fmt = answer_format(self.call, head)
        self.receiver = None
        if fmt is None:
            return theirs
        self.head = head
        self._started = time.perf_counter() - head.elapsed
        log = StreamLog(
            text_field=self.call.stream_text_field,
            max_events=self.max_events,
            suggest_text=not self.call.stream_text_field,
        )
        receiver = StreamReceiver(fmt, log, max_bytes=self.max_bytes, on_event=self._masked())
        self.receiver = receiver
        if theirs is None:
            return receiver.consume

        def both(chunk: bytes) -> None:
            theirs(chunk)
            receiver.consume(chunk)

        return both

    def _masked(self) -> EventHook | None:
        """``on_event``, with each event's data masked where it echoes a secret of the request."""
        hook = self.on_event
        secrets = [s for s in (self.request.secrets if self.request else ()) if len(s) >= 4]
        if hook is None or not secrets:
            return hook

        def masked(event: StreamEvent) -> None:
            hook(replace(event, data=mask_secrets(event.data, secrets)))

        return masked

    async def receive(self, sending: Awaitable[_T], stop: asyncio.Event | None) -> _T | None:
        """Await ``sending``; None when a stream ended before its body did."""
        try:
            sent = await _until(sending, stop)
        except StreamEnded:
            return None
        except _Stopped:
            if self.stop(EndReason.CANCELLED, None):
                return None
            raise CancelledError_(
                f"{self.where} was cancelled before any event arrived"
                if self.receiver is not None
                else f"{self.where} was cancelled before it was answered"
            ) from None
        except DeadlineExceededError:  # the executor's own deadline
            if self.stop(
                EndReason.DEADLINE, f"stopped at the deadline of {self.exchange_deadline:g} s"
            ):
                return None
            raise
        except ConnectionLostError:
            if self.receiver is None or not self.receiver.log.count:
                raise
            self.receiver.end(closed_early=True)
            return None
        except ResponseTooLargeError as exc:
            if self.receiver is not None:
                self.receiver.stop(EndReason.SIZE_CAP, str(exc))
            raise
        if self.receiver is not None:
            self.receiver.end()
        return sent

    def stop(self, reason: EndReason, note: str | None) -> bool:
        """End the stream for ``reason``: False when no event arrived (then it is an error)."""
        if self.receiver is None or not self.receiver.log.count:
            return False
        self.receiver.stop(reason, note)
        return True

    def result(self, whole: ResponseResult | None, request: BuiltRequest | None) -> StreamResult:
        """The Initialize of a stream: its answer (``whole`` when the server ended the
        body, else the head and the kept events), its structure, its log."""
        receiver, head = self.receiver, self.head
        assert receiver is not None
        assert head is not None
        log = receiver.log
        if whole is None:
            body = encode_events(log.events, receiver.format)
            elapsed = time.perf_counter() - self._started
            whole = replace(head, body=body, elapsed=elapsed)
        elif len(whole.body) < receiver.reader.bytes_read:
            # Only the start of a long stream was held: its kept events stand for it.
            whole = replace(whole, body=encode_events(log.events, receiver.format))
        request = request or self.request
        assert request is not None
        outcome = InferOutcome(log.shape(), ResponseType.STREAM, stream_note(log))
        return StreamResult(whole, redact(outcome, request.secrets), request, log)
