"""The live view of a streamed response: its events as they arrive, and the text so far.

While a stream call initializes, :class:`StreamView` shows each event in a
table (time offset, event name, a preview of its data), the *text so far*
growing at the end of a text view, and a status line. Events are queued as
they arrive (:meth:`StreamView.add` does no Qt work) and flushed to the
widgets on a timer every :data:`FLUSH_MS` milliseconds: one row insertion and
one text insertion per flush, however many events came, so a fast stream
never stalls the window. The table keeps the first ``keep`` events, as the
stream's :class:`~designer.core.calls.stream_log.StreamLog` does, and one
last row counts the rest.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from designer.ui.infra.naming import named

if TYPE_CHECKING:
    from types import ModuleType

    from designer.core.calls.stream_log import EndReason
    from designer.core.streams.events import StreamEvent

__all__ = [
    "FLUSH_MS",
    "KEEP",
    "StreamEventsModel",
    "StreamRecord",
    "StreamView",
    "end_text",
    "offset_text",
]

#: How often queued events reach the widgets, in ms.
FLUSH_MS = 40
#: The least time between two insertions into the text so far, in seconds; a long
#: paragraph is laid out again at each, so they are spaced further as it grows.
TEXT_INTERVAL = 0.12
COLUMNS = ("Time", "Event", "Data")
TIME, EVENT, DATA = range(3)
_PREVIEW_CHARS = 160

AnyIndex = QModelIndex | QPersistentModelIndex
_TOP = QModelIndex()
#: The events kept of a stream, as its log keeps them (a test keeps it the core's
#: DEFAULTKEEP_EVENTS, which comes with the stream reader and httpx).
KEEP = 200


def core() -> ModuleType:
    """:mod:`designer.core.inference.stream`, imported with the first stream: it brings
    the stream reader and httpx, which the window does not need to show."""
    import designer.core.inference.stream as stream

    return stream


class StreamRecord(Protocol):
    """What the view shows of a stream received: a
    :class:`~designer.core.calls.stream_log.StreamLog`, or the panel's record of one in flight."""

    @property
    def keep(self) -> int: ...
    @property
    def events(self) -> list[StreamEvent]: ...
    @property
    def count(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def text_field(self) -> str | None: ...
    @property
    def end(self) -> EndReason | None: ...
    @property
    def note(self) -> str | None: ...


def offset_text(seconds: float) -> str:
    """``+0.42 s``."""
    return f"+{seconds:.2f} s"


def _events(count: int) -> str:
    return f"{count:,} event{'s' if count != 1 else ''}"


def end_text(reason: EndReason, count: int, seconds: float, note: str | None = None) -> str:
    """The status line of a stream that ended: ``Done: [DONE] after 57 events in 2.3 s``."""
    from designer.core.calls.stream_log import EndReason

    took = f"{_events(count)} in {seconds:.1f} s"
    if reason is EndReason.DONE:
        text = f"Done: [DONE] after {took}"
    elif reason is EndReason.SERVER_CLOSED:
        text = f"Done: the server ended the stream after {took}"
    else:
        text = f"Ended: {reason.describe} after {took}"
    return f"{text} ({note})" if note else text


def _preview(data: str, piece: str | None = None) -> str:
    """The start of an event's data on one line, led by its piece of text when it has one
    (the events of a chat completion differ in little else)."""
    flat = " ".join(data[: _PREVIEW_CHARS + 1].split())
    flat = flat if len(flat) <= _PREVIEW_CHARS else flat[:_PREVIEW_CHARS] + "…"
    if not piece or piece == data:
        return flat  # no text, or the data is the text
    return f"{json.dumps(piece, ensure_ascii=False)} · {flat}"


class StreamEventsModel(QAbstractTableModel):
    """The kept events of a stream (at most ``keep``), and a last row counting the rest."""

    def __init__(self, parent: Any = None, keep: int = KEEP) -> None:
        super().__init__(parent)
        self.keep = keep
        self._rows: list[tuple[str, str, str]] = []
        self.count = 0  # every event received
        #: the piece of text an event carries, shown first in its Data cell
        self.piece: Callable[[StreamEvent], str | None] = lambda _event: None

    @property
    def more(self) -> int:
        """Events received but not shown."""
        return self.count - len(self._rows)

    def clear(self, keep: int | None = None) -> None:
        self.beginResetModel()
        if keep is not None:
            self.keep = keep
        self._rows = []
        self.count = 0
        self.endResetModel()

    def append(self, events: list[StreamEvent]) -> None:
        """Add ``events``: new rows for those kept, the count of the rest in the last row."""
        if not events:
            return
        had_more = self.more > 0
        room = max(0, self.keep - len(self._rows))
        taken = events[:room]
        if taken:
            first = len(self._rows)
            self.beginInsertRows(_TOP, first, first + len(taken) - 1)
            self._rows.extend(
                (offset_text(e.offset), e.event or "message", _preview(e.data, self.piece(e)))
                for e in taken
            )
            self.endInsertRows()
        self._counted(len(events), had_more)

    def count_more(self, n: int) -> None:
        """Count ``n`` events received but never seen here (shown in the last row)."""
        if n > 0:
            self._counted(n, self.more > 0)

    def _counted(self, n: int, had_more: bool) -> None:
        self.count += n
        if self.more > 0 and not had_more:
            row = len(self._rows)
            self.beginInsertRows(_TOP, row, row)
            self.endInsertRows()
        elif had_more:
            row = len(self._rows)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def rowCount(self, parent: AnyIndex = _TOP) -> int:
        if parent.isValid():
            return 0
        return len(self._rows) + (1 if self.more > 0 else 0)

    def columnCount(self, parent: AnyIndex = _TOP) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if row >= len(self._rows):  # the last row: what is not shown
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return f"… {self.more:,} more" if column == DATA else ""
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"The first {len(self._rows):,} events are kept; {self.more:,} more came"
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._rows[row][column]
        if role == Qt.ItemDataRole.ToolTipRole and column == DATA:
            return self._rows[row][DATA]
        return None


class StreamView(QWidget):
    """The events, text so far and status of the stream of the call on screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("streamView")
        self.status = named(QLabel(self), "streamStatus")
        self.status.setAccessibleName("Stream status")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setWordWrap(True)
        self.model = StreamEventsModel(self)
        self.model.piece = self._piece
        self.events = named(QTableView(self), "streamEvents")
        self.events.setModel(self.model)
        self.events.setAccessibleName("Stream events")
        self.events.setToolTip("Each event as it arrived: its time, its name and its data")
        self.events.verticalHeader().hide()
        self.events.verticalHeader().setDefaultSectionSize(self.events.fontMetrics().height() + 6)
        self.events.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.events.setWordWrap(False)
        self.events.setAlternatingRowColors(True)
        self.events.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.events.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.events.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        head = self.events.horizontalHeader()
        head.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        em = self.events.fontMetrics().horizontalAdvance("m")
        # Fixed widths: no column is measured against its rows while events arrive.
        for column, width in ((TIME, 6 * em), (EVENT, 10 * em)):
            head.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            head.resizeSection(column, width)
        head.setStretchLastSection(True)
        self.text = named(QPlainTextEdit(self), "streamText")
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Text so far")
        self.text.setPlaceholderText("The text so far appears here as the stream arrives")
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont))
        self.textLabel = named(QLabel("Text so far", self), "streamTextLabel")
        self.textLabel.setBuddy(self.text)
        lower = named(QWidget(self), "streamTextPane")
        pane = QVBoxLayout(lower)
        pane.setContentsMargins(0, 4, 0, 0)
        pane.addWidget(self.textLabel)
        pane.addWidget(self.text, 1)
        self.splitter = named(QSplitter(Qt.Orientation.Vertical, self), "streamSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.events)
        self.splitter.addWidget(lower)
        self.splitter.setSizes([3, 2])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.status)
        layout.addWidget(self.splitter, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(FLUSH_MS)
        self._timer.timeout.connect(self.flush)
        self._queue: list[StreamEvent] = []
        self._pending: list[str] = []  # pieces of text waiting for the next insertion
        self._text_due = 0.0
        self._started = 0.0
        self._text_event = ""
        self._text_path: str | None = None
        self._suggesting = True
        self._chars = 0
        self._kept: list[StreamEvent] = []  # for a text field suggested once events came
        self._text_field: str | None = None
        self.streaming = False
        self.set_text_field(None)
        self.clear()

    # -- a stream in flight ----------------------------------------------------------------

    def begin(self, text_field: str | None, keep: int = KEEP) -> None:
        """Start showing a new stream; ``text_field`` makes up the text (else suggested)."""
        self.clear(keep)
        self.set_text_field(text_field)
        self._suggesting = text_field is None
        self._started = time.monotonic()
        self.streaming = True
        self.status.setText("Waiting for the first event…")
        self._timer.start()

    def begin_again(self, started: float) -> None:
        """Go on showing a stream in flight (after :meth:`show_log` showed its start)."""
        self._started = started
        self.streaming = True
        self.status.setText(f"Streaming… {_events(self.model.count)}")
        self._timer.start()

    def add(self, event: StreamEvent) -> None:
        """Queue an event that arrived; it is shown with the next flush."""
        self._queue.append(event)

    def flush(self) -> None:
        """Show the queued events: one row insertion, one text insertion."""
        if not self._queue:
            self._insert_due()  # text held back by the last flush
            return
        events, self._queue = self._queue, []
        prior = len(self._kept)  # every event before these was kept while it is below keep
        room = self.model.keep - prior
        if room > 0:
            self._kept.extend(events[:room])
        if self._suggesting and self.model.count == prior and prior < self.model.keep:
            # No text field named yet: suggest one from the events kept so far.
            field = core().suggest_text_field(core().stream_shape(self._kept))
            if field is not None:
                self._suggesting = False
                self.set_text_field(field)
                self._pending.extend(self._pieces(self._kept[:prior]))  # from the first on
        bar = self.events.verticalScrollBar()
        following = bar.value() >= bar.maximum()  # the user has not scrolled up
        self.model.append(events)
        if following:
            self.events.scrollToBottom()
        self._pending.extend(self._pieces(events))
        self._insert_due()
        if self.streaming:
            self.status.setText(f"Streaming… {_events(self.model.count)}")

    def _piece(self, event: StreamEvent) -> str | None:
        stream = core()
        if self._text_path is None or event.event != self._text_event:
            return None
        if stream.is_sentinel(event.data):
            return None
        return stream.text_of(stream.decode_data(event.data), self._text_path)  # type: ignore[no-any-return]

    def _pieces(self, events: list[StreamEvent]) -> list[str]:
        if self._text_path is None:
            return []
        return [piece for event in events if (piece := self._piece(event))]

    def _insert_due(self) -> None:
        """Insert the pending text if its time has come; the next is due after a pause
        four times as long as this insertion took, and at least :data:`TEXT_INTERVAL`."""
        now = time.monotonic()
        if self._pending and now >= self._text_due:
            self._insert_pending()
            self._text_due = now + max(TEXT_INTERVAL, 4 * (time.monotonic() - now))

    def _insert_pending(self) -> None:
        if self._pending:
            text = "".join(self._pending)
            self._pending.clear()
            self._insert(text)

    def _insert(self, text: str) -> None:
        from designer.core.calls.stream_log import DEFAULT_MAX_TEXT

        room = DEFAULT_MAX_TEXT - self._chars
        if room <= 0:
            return
        text = text[:room]
        self._chars += len(text)
        cursor = QTextCursor(self.text.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        bar = self.text.verticalScrollBar()
        bar.setValue(bar.maximum())

    def finish(self, log: StreamRecord | None, fallback: EndReason | None = None) -> None:
        """The stream ended: show the rest of its events and why it ended (from ``log``)."""
        from designer.core.calls.stream_log import EndReason

        fallback = fallback or EndReason.CANCELLED
        self._timer.stop()
        self.flush()
        self._insert_pending()
        self.streaming = False
        seconds = time.monotonic() - self._started
        if log is None:
            self.status.setText(end_text(fallback, self.model.count, seconds))
            return
        missed = log.count - self.model.count
        if missed > 0:
            # Events the service read that were not shown live (none, when fed as they came).
            self.model.count_more(missed)
            if log.text_field == self.text_field and log.text:
                self.set_text(log.text)
        self.status.setText(end_text(log.end or fallback, log.count, seconds, log.note))

    # -- a stream shown again ------------------------------------------------------------

    def show_log(self, log: StreamRecord, text_field: str | None, seconds: float) -> None:
        """Show a stream received earlier (kept events, count, text) as it ended."""
        self.clear(log.keep)
        self.set_text_field(text_field)
        self._suggesting = text_field is None
        self._started = time.monotonic() - seconds
        self._queue = list(log.events)
        self.flush()
        self._insert_pending()
        self.model.count_more(log.count - self.model.count)
        if log.text and log.text_field and log.text_field == self.text_field:
            self.set_text(log.text)  # the whole text, not only that of the kept events
        from designer.core.calls.stream_log import EndReason

        self.status.setText(end_text(log.end or EndReason.DONE, log.count, seconds, log.note))

    def clear(self, keep: int | None = None) -> None:
        self._timer.stop()
        self._queue = []
        self._kept = []
        self._pending = []
        self._text_due = 0.0
        self._chars = 0
        self.streaming = False
        self.model.clear(keep)
        self.text.clear()
        self.status.setText("No stream yet: Initialize the call to watch its events arrive.")

    # -- the text field ------------------------------------------------------------------

    @property
    def text_field(self) -> str | None:
        return self._text_field

    def set_text_field(self, field: str | None) -> None:
        self._text_field = field
        if field is None:
            self._text_event, self._text_path = "", None
        else:
            self._text_event, self._text_path = core().split_text_field(field)
        tip = f"The text of {field}, event after event" if field else "No text field chosen"
        self.text.setToolTip(tip)

    def retext(self, field: str | None) -> str:
        """Make up the text again from ``field`` over the kept events; the new text."""
        self.set_text_field(field)
        self._suggesting = False
        text = "".join(self._pieces(self._kept))
        self.set_text(text)
        return text

    def set_text(self, text: str) -> None:
        self.text.clear()
        self._pending.clear()
        self._chars = 0
        self._insert(text)
