"""A bounded record of one stream, fed event by event as it is received.

:class:`StreamLog` keeps the first events (200 by default) and counts the
rest, gathers the "text so far" from the call's text field, merges the
structure of the events' data as they come (through
:class:`~.structure.StreamStructure`, never holding every value), and records
why the stream ended. Its memory does not grow with the number of events.
"""

from __future__ import annotations

from enum import StrEnum

from designer.core.inference.stream import (
    StreamStructure,
    decode_data,
    event_text,
    is_sentinel,
    split_text_field,
    suggest_text_field,
    text_of,
)
from designer.core.streams.events import DEFAULT_KEEP_EVENTS, StreamEvent
from designer.core.structure import Shape

__all__ = ["DEFAULT_MAX_TEXT", "EndReason", "StreamLog"]

#: Characters of "text so far" kept; past them the text is marked truncated.
DEFAULT_MAX_TEXT = 1_000_000


class EndReason(StrEnum):
    """Why a stream stopped being received."""

    DONE = "done"  # the [DONE] sentinel
    SERVER_CLOSED = "server-closed"  # the body ended (or the connection closed)
    MAX_EVENTS = "max-events"  # as many events as asked for were received
    DEADLINE = "deadline"  # the time allowed ran out
    CANCELLED = "cancelled"  # the user stopped it
    SIZE_CAP = "size-cap"  # the stream passed its size cap

    @property
    def describe(self) -> str:
        """The reason as a user reads it."""
        return _DESCRIBE[self]


_DESCRIBE = {
    EndReason.DONE: "the stream said it was done",
    EndReason.SERVER_CLOSED: "the server closed the stream",
    EndReason.MAX_EVENTS: "the most events to receive were received",
    EndReason.DEADLINE: "the time allowed ran out",
    EndReason.CANCELLED: "cancelled",
    EndReason.SIZE_CAP: "the stream passed its size cap",
}


class StreamLog:
    """What was received of one stream, in bounded memory.

    Feed it with :meth:`add` (which says whether to go on reading) and close
    it with :meth:`finish`. ``events`` holds the first ``keep`` events,
    ``count`` all the events received and ``size`` their data's bytes;
    ``text`` is the text so far (up to ``max_text`` characters, then
    ``text_truncated``); ``done`` is set by the ``[DONE]`` sentinel. Without a
    ``text_field``, ``suggest_text`` looks for a known one
    (:func:`~designer.core.inference.stream.suggest_text_field`) in the first
    events and then at every power of two, and takes its text from the kept events on.
    """

    def __init__(
        self,
        *,
        keep: int = DEFAULT_KEEP_EVENTS,
        text_field: str | None = None,
        max_events: int | None = None,
        max_text: int = DEFAULT_MAX_TEXT,
        suggest_text: bool = False,
    ) -> None:
        self.keep = keep
        self.text_field = text_field
        self.max_events = max_events
        self.max_text = max_text
        self.suggest_text = suggest_text
        self.events: list[StreamEvent] = []
        self.count = 0
        self.size = 0
        self.done = False
        self.end: EndReason | None = None
        self.note: str | None = None
        self.text_truncated = False
        self._pieces: list[str] = []
        self._text_chars = 0
        self._structure = StreamStructure()
        self._text_event = ""
        self._text_path: str | None = None
        if text_field:
            self._text_event, self._text_path = split_text_field(text_field)

    @property
    def omitted(self) -> int:
        """Events received but not kept."""
        return self.count - len(self.events)

    @property
    def streaming(self) -> bool:
        """Whether the stream is still being received."""
        return self.end is None

    @property
    def text(self) -> str:
        """The text so far."""
        if len(self._pieces) > 1:
            self._pieces[:] = ["".join(self._pieces)]
        return self._pieces[0] if self._pieces else ""

    def add(self, event: StreamEvent) -> bool:
        """Record one event; False when reading should stop (done sentinel, event limit)."""
        self.count += 1
        self.size += event.size
        if len(self.events) < self.keep:
            self.events.append(event)
        if is_sentinel(event.data):
            self.done = True
            self._structure.done = True
            return False
        value = decode_data(event.data)
        self._structure.add(event, value)
        if self._text_path is not None:
            if event.event == self._text_event:
                self._add_text(text_of(value, self._text_path))
        elif self.suggest_text and (self.count <= 16 or self.count & (self.count - 1) == 0):
            self._suggest()
        return self.max_events is None or self.count < self.max_events

    def _suggest(self) -> None:
        field = suggest_text_field(self._structure.shape())
        if field is None:
            return
        self.text_field = field
        self._text_event, self._text_path = split_text_field(field)
        for event in self.events:
            self._add_text(event_text(event, field))

    def _add_text(self, piece: str | None) -> None:
        if not piece or self.text_truncated:
            return
        room = self.max_text - self._text_chars
        if len(piece) > room:
            piece = piece[:room]
            self.text_truncated = True
        self._pieces.append(piece)
        self._text_chars += len(piece)
        if len(self._pieces) > 512:
            self._pieces[:] = ["".join(self._pieces)]

    def finish(self, reason: EndReason, note: str | None = None) -> None:
        """Record why the stream ended; the first reason given stands."""
        if self.end is not None:
            return
        if self.done and reason is EndReason.SERVER_CLOSED:
            reason = EndReason.DONE
        if reason is EndReason.MAX_EVENTS and self.done:
            reason = EndReason.DONE
        self.end = reason
        self.note = note

    def shape(self) -> Shape:
        """The stream's structure as received so far (see :mod:`designer.core.inference.stream`)."""
        return self._structure.shape(text=self.text, streaming=self.streaming)
