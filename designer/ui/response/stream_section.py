"""The stream part of the response panel: the live Stream tab and the choice of the text field.

A call whose answer is a stream (its response type is *Stream*, or its
structure has the stream's built-in fields) gets a *Stream* tab
(:class:`~.stream_view.StreamView`). While it initializes, each event the
call service reads is counted (the first ones kept) and queued for the view,
so the tab shows the stream of the call on screen even when the user
switched away and back.

In the structure tree of a stream call, the field that makes up *text so
far* is marked, the suggested one when the call names none, and a text
field inside an event group offers *Use as stream text* in its context menu;
the choice becomes a new call (:attr:`StreamSection.picked`) that the panel
hands to the document as one undoable edit.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QTabWidget, QTreeView

from designer.core.models import Call
from designer.core.structure import ResponseType, Shape, ValueType
from designer.ui.response.controller import RunController
from designer.ui.response.stream_view import KEEP, StreamRecord, StreamView, core
from designer.ui.response.structure_model import StructureModel

if TYPE_CHECKING:
    from designer.core.calls.stream_log import EndReason
    from designer.core.streams.events import StreamEvent

__all__ = [
    "SAMPLE_CHARS",
    "StreamSection",
    "is_stream_call",
    "is_text_choice",
    "text_field_of",
    "with_text_field",
]

#: Characters of *text so far* kept as its sample, as the core's stream structure keeps.
SAMPLE_CHARS = 60
#: The built-in fields of a stream's structure and its group of unnamed events, as
#: :mod:`designer.core.inference.stream` names them (a test keeps them the same):
#: importing that module brings httpx, which the window does not need to start.
TEXT_SO_FAR, IS_STREAMING, IS_DONE, DATA = "text so far", "is streaming", "is done", "data"
_BUILT_IN = (TEXT_SO_FAR, IS_STREAMING, IS_DONE)
MARK, SUGGESTED_MARK = "stream text", "stream text (suggested)"


def _is_stream_shape(shape: Shape | None) -> bool:
    fields = shape.fields if shape is not None and shape.type is ValueType.OBJECT else None
    return bool(fields) and all(name in fields for name in _BUILT_IN)  # type: ignore[operator]


def is_stream_call(call: Call) -> bool:
    """Whether ``call`` answers with a stream: chosen as such, or inferred as one."""
    return call.response_type is ResponseType.STREAM or _is_stream_shape(call.structure)


def text_field_of(call: Call) -> tuple[str | None, bool]:
    """The field that makes up the text of ``call``'s stream, and whether it is only suggested."""
    if call.stream_text_field:
        return call.stream_text_field, False
    if call.structure is None or not _is_stream_shape(call.structure):
        return None, False
    return core().suggest_text_field(call.structure), True


def is_text_choice(path: str, shape: Shape | None) -> bool:
    """Whether the field at ``path`` (of ``shape``) can be a stream's text field: text, in
    an event group (or the data of plain text events)."""
    if shape is None or not path or path.split(".", 1)[0].split("[", 1)[0] in _BUILT_IN:
        return False
    event, inner = core().split_text_field(path)
    if not inner and not (event == "" and path == DATA):
        return False  # a whole group of JSON events holds no text of its own
    if shape.type is ValueType.TEXT:
        return True
    return shape.type is ValueType.MIXED and any(
        v.type is ValueType.TEXT for v in shape.variants or ()
    )


def with_text_field(call: Call, field: str, text: str | None) -> Call:
    """``call`` with ``field`` as its stream's text field; ``text`` (when known) the new
    *text so far*, whose sample the structure shows."""
    structure = call.structure
    if text is not None and structure is not None and _is_stream_shape(structure):
        fields = dict(structure.fields or {})
        fields[TEXT_SO_FAR] = dataclasses.replace(
            fields[TEXT_SO_FAR], samples=[text[:SAMPLE_CHARS]] if text else []
        )
        structure = dataclasses.replace(structure, fields=fields)
    return call.model_copy(update={"stream_text_field": field, "structure": structure})


class _Received:
    """What the panel keeps of a stream in flight: its first events and their count.

    The call service's own log merges the structure and gathers the text; the
    panel does not do that work twice on the event loop.
    """

    def __init__(self, text_field: str | None, keep: int = KEEP) -> None:
        self.text_field, self.keep = text_field, keep
        self.events: list[StreamEvent] = []
        self.count = 0
        self.text = ""
        self.end: EndReason | None = None
        self.note: str | None = None

    def add(self, event: StreamEvent) -> None:
        self.count += 1
        if len(self.events) < self.keep:
            self.events.append(event)


class StreamSection(QObject):
    """The Stream tab and the text field choice of the response panel."""

    #: the user chose a text field: (the new call)
    picked = Signal(object)

    def __init__(self, tabs: QTabWidget, model: StructureModel, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName("streamSection")
        self.view = StreamView(tabs)
        self._tabs = tabs
        self.tab = tabs.addTab(self.view, "Strea&m")
        tabs.setTabToolTip(self.tab, "The events of the stream as they arrive, and its text")
        tabs.setTabVisible(self.tab, False)
        self._model = model
        self._call: Call | None = None
        #: the stream of each call received in this session, by call id
        self.logs: dict[str, StreamRecord] = {}
        self._seconds: dict[str, float] = {}
        self._started: dict[str, float] = {}
        self._shown_id: str | None = None  # the call whose stream the view shows
        self.useAction = QAction("Use as stream text", self)
        self.useAction.setObjectName("useAsStreamTextAction")
        self.useAction.setToolTip("Make up 'text so far' from this field of each event")
        self.menu: QMenu | None = None

    # -- the call on screen --------------------------------------------------------------

    def show_call(self, call: Call | None) -> None:
        """Show the stream state of ``call``: its tab, its stream, its text field's mark."""
        self._call = call
        stream = call is not None and is_stream_call(call)
        self._tabs.setTabVisible(self.tab, stream)
        self.mark(call)
        if call is None or call.id == self._shown_id:
            if call is not None and call.id in self.logs and call.id not in self._started:
                field = text_field_of(call)[0]
                if field != self.view.text_field:  # another field picked, or that undone
                    self._retext(call.id, field)
            return
        self._shown_id = call.id
        log = self.logs.get(call.id)
        if log is None:
            self.view.clear()
        elif call.id in self._started:
            self._show_live(call)
        else:
            field = text_field_of(call)[0] or log.text_field
            self.view.show_log(log, field, self._seconds.get(call.id, 0.0))

    def _show_live(self, call: Call) -> None:
        """Show the stream of ``call``, in flight, from its first event on."""
        log = self.logs[call.id]
        self._shown_id = call.id
        self._tabs.setTabVisible(self.tab, True)
        self._tabs.setCurrentIndex(self.tab)
        field = log.text_field
        if log.count == 0:
            self.view.begin(field, log.keep)
            return
        started = self._started[call.id]
        self.view.show_log(log, field, time.monotonic() - started)
        self.view.begin_again(started)

    def mark(self, call: Call | None) -> None:
        field, suggested = text_field_of(call) if call is not None else (None, False)
        self._model.set_marks({field: SUGGESTED_MARK if suggested else MARK} if field else {})

    # -- a stream in flight --------------------------------------------------------------

    def watch(self, runs: RunController) -> None:
        """End the stream of a run that was cancelled or failed, keeping what arrived."""
        runs.cancelled.connect(lambda call_id: self._ended(call_id, cancelled=True))
        runs.finished.connect(lambda call_id: self._ended(call_id, cancelled=False))

    def _ended(
        self, call_id: str, received: StreamRecord | None = None, *, cancelled: bool = False
    ) -> None:
        if call_id in self._started:  # a stream of this call was being received
            from designer.core.calls.stream_log import EndReason

            reason = EndReason.CANCELLED if cancelled else EndReason.SERVER_CLOSED
            self.end(call_id, received, reason)

    def ended(self, call_id: str, received: StreamRecord | None) -> None:
        """The Initialize of ``call_id`` succeeded; ``received`` is the service's record
        of its stream (None when the answer was not one)."""
        self._ended(call_id, received)

    def begin(self, call: Call) -> Callable[[StreamEvent], None]:
        """``call`` starts initializing: the callback for each event of its answer's stream.

        The Stream tab comes forward at once for a stream call, with the first
        event for a call whose answer turns out to be a stream.
        """
        field = text_field_of(call)[0] if call.structure is not None else call.stream_text_field
        log = _Received(field)
        self.logs[call.id] = log
        self._started[call.id] = time.monotonic()
        shown = self._call is not None and self._call.id == call.id
        if shown and is_stream_call(call):
            self._show_live(call)

        def on_event(event: StreamEvent) -> None:
            log.add(event)
            if self._shown_id != call.id or self.logs.get(call.id) is not log:
                return
            if self.view.streaming:
                self.view.add(event)
            elif self._call is not None and self._call.id == call.id:
                self._show_live(self._call)  # the first event of an answer not known as a stream

        return on_event

    def offsets(self, call_id: str) -> list[float] | None:
        """The event times of the stream ``call_id`` last received, for the response history
        (so the mock replays its spacing); None unless every one of its events was kept."""
        log = self.logs.get(call_id)
        if log is None or not log.events or log.count != len(log.events):
            return None
        return [event.offset for event in log.events]

    def end(self, call_id: str, received: StreamRecord | None, reason: EndReason) -> None:
        """The stream of ``call_id`` ended: ``received`` is the service's record, if any."""
        live = self.logs.get(call_id)
        if not isinstance(live, _Received) or call_id not in self._started:
            return  # no stream in flight, or its end is already recorded
        started = self._started.pop(call_id)
        if live.count == 0 and received is None:
            del self.logs[call_id]  # no stream came: nothing to show
            if self._shown_id == call_id and self.view.streaming:
                self.view.finish(None, reason)
            return
        live.end = reason
        log = self.logs[call_id] = received or live
        self._seconds[call_id] = time.monotonic() - started
        if self._shown_id == call_id:
            self.view.finish(log, reason)

    # -- the text field ------------------------------------------------------------------

    def connect_tree(self, tree: QTreeView) -> None:
        """Offer *Use as stream text* in the context menu of ``tree``'s text fields."""
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(
            lambda pos: self.context_menu(tree.viewport().mapToGlobal(pos), _index(tree, pos))
        )

    def context_menu(self, where: QPoint, index: QModelIndex) -> None:
        """The tree's context menu for the row at ``index``, at ``where`` on screen."""
        path = self.choice_at(index)
        if path is None:
            return
        menu = self.menu = QMenu(self._tabs)
        menu.setObjectName("streamFieldMenu")
        menu.addAction(self.useAction)
        self._arm(path)
        menu.popup(where)  # not exec(): no nested event loop inside the asyncio one

    def choice_at(self, index: QModelIndex) -> str | None:
        """The path of the row at ``index`` when it can be the call's text field."""
        if self._call is None or not is_stream_call(self._call) or not index.isValid():
            return None
        path = self._model.path(index)
        return path if is_text_choice(path, self._model.shape_at(index)) else None

    def _arm(self, path: str) -> None:
        current = text_field_of(self._call)[0] if self._call is not None else None
        self.useAction.setEnabled(path != current or self._call_field() is None)
        try:
            self.useAction.triggered.disconnect()
        except (RuntimeError, TypeError):
            pass  # nothing connected yet
        self.useAction.triggered.connect(lambda: self.pick(path))

    def _call_field(self) -> str | None:
        return None if self._call is None else self._call.stream_text_field

    def pick(self, path: str) -> None:
        """Make ``path`` the text field of the call on screen (emits :attr:`picked`)."""
        call = self._call
        if call is None or path == call.stream_text_field:
            return
        text: str | None = None
        log = self.logs.get(call.id)
        if log is not None and call.id not in self._started and self._shown_id == call.id:
            text = self._retext(call.id, path)
        self.picked.emit(with_text_field(call, path, text))

    def _retext(self, call_id: str, field: str | None) -> str:
        """Show the text of ``field`` for the stream of ``call_id``: all of it when that is
        the field the stream was received with, else from its kept events."""
        log = self.logs[call_id]
        if field is not None and field == log.text_field and log.text:
            self.view.set_text_field(field)
            self.view.set_text(log.text)
            return log.text
        return self.view.retext(field)


def _index(tree: QTreeView, pos: QPoint) -> QModelIndex:
    """The row under ``pos``; the current row for the keyboard's menu key, away from rows."""
    index = tree.indexAt(pos)
    return index if index.isValid() else tree.currentIndex()
