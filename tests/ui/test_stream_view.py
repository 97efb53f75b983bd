"""The Stream tab's widgets, fed with events, and the choice of a stream's text field."""

from __future__ import annotations

import json

import pytest

from designer.core.calls.stream_log import EndReason, StreamLog
from designer.core.inference.stream import TEXT_SO_FAR, stream_shape
from designer.core.models import Api, Call, Workspace
from designer.core.streams.events import DEFAULT_KEEP_EVENTS, StreamEvent, parse_stream
from designer.core.structure import ResponseType, ValueType
from designer.ui.response.stream_section import (
    MARK,
    SUGGESTED_MARK,
    is_stream_call,
    is_text_choice,
    text_field_of,
    with_text_field,
)
from designer.ui.response.stream_view import (
    KEEP,
    StreamEventsModel,
    StreamView,
    end_text,
    offset_text,
)
from designer.ui.response.structure_model import TYPE
from designer.ui.tree.model import Item
from tests.helpers.a11y import unnamed_controls
from tests.helpers.sse_server import OPENAI_TEXT, openai_body

pytestmark = pytest.mark.gui

CONTENT = "data.choices[].delta.content"
ROLE = "data.choices[].delta.role"


def _event(n: int, data: str, event: str = "") -> StreamEvent:
    return StreamEvent(n, n / 100, event, None, data, len(data))


def _openai_events() -> list[StreamEvent]:
    return parse_stream(b"".join(openai_body()), "text/event-stream").events


def _chunk(n: int, piece: str) -> StreamEvent:
    return _event(n, json.dumps({"choices": [{"delta": {"content": piece}}]}))


def test_wording() -> None:
    assert offset_text(0.4213) == "+0.42 s"
    assert end_text(EndReason.DONE, 57, 2.31) == "Done: [DONE] after 57 events in 2.3 s"
    assert end_text(EndReason.CANCELLED, 12, 1.0) == "Ended: cancelled after 12 events in 1.0 s"
    assert end_text(EndReason.DEADLINE, 1, 0.5).startswith("Ended: the time allowed ran out")


def test_the_model_keeps_its_bound_and_counts_the_rest(qtbot) -> None:
    model = StreamEventsModel(keep=3)
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    model.append([_event(n, f"e{n}") for n in range(2)])
    assert model.rowCount() == 2
    assert model.more == 0
    model.append([_event(n, f"e{n}") for n in range(2, 10)])
    assert model.count == 10
    assert model.more == 7
    assert model.rowCount() == 4  # three kept, one "more" row
    assert model.index(3, 2).data() == "… 7 more"
    assert model.index(1, 0).data() == "+0.01 s"
    assert model.index(1, 1).data() == "message"
    assert model.index(1, 2).data() == "e1"
    model.append([_event(10, "x")])
    assert model.index(3, 2).data() == "… 8 more"
    # One insertion per batch (and one for the "more" row), never one per event.
    assert inserted == [(0, 1), (2, 2), (3, 3)]


def test_the_view_grows_its_text_by_insertion(qtbot) -> None:
    view = StreamView()
    qtbot.addWidget(view)
    view.begin(CONTENT)
    assert view.objectName() == "streamView"
    assert view.status.text() == "Waiting for the first event…"
    changes: list[int] = []
    view.text.document().contentsChange.connect(
        lambda _at, removed, _added: changes.append(removed)
    )
    view.add(_chunk(0, "Hello"))
    view.add(_chunk(1, ", "))
    assert view.model.rowCount() == 0  # queued: shown with the next flush
    view.flush()
    assert view.text.toPlainText() == "Hello, "
    assert view.status.text() == "Streaming… 2 events"
    view.add(_chunk(2, "world"))
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=1000)  # the timer flushes
    qtbot.waitUntil(lambda: view.text.toPlainText() == "Hello, world", timeout=1000)
    assert changes
    assert not any(changes)
    view.finish(None, EndReason.CANCELLED)
    assert view.status.text().startswith("Ended: cancelled after 3 events in ")
    assert view.model.rowCount() == 3


def test_the_view_suggests_a_text_field_when_the_call_names_none(qtbot) -> None:
    view = StreamView()
    qtbot.addWidget(view)
    view.begin(None)
    for event in _openai_events():
        view.add(event)
    view.flush()
    assert view.text_field == CONTENT
    assert view.text.toPlainText() == OPENAI_TEXT
    log = StreamLog(text_field=CONTENT)
    for event in _openai_events():
        log.add(event)
    log.finish(EndReason.DONE)
    view.finish(log)
    assert view.status.text().startswith("Done: [DONE] after 7 events in ")


def test_a_log_shown_again_keeps_its_bound(qtbot) -> None:
    log = StreamLog(keep=5, text_field="data")
    for n in range(50):
        log.add(_event(n, f"w{n} "))
    log.finish(EndReason.SERVER_CLOSED)
    view = StreamView()
    qtbot.addWidget(view)
    view.show_log(log, "data", 1.5)
    assert view.model.rowCount() == 6
    assert view.model.index(5, 2).data() == "… 45 more"
    assert view.text.toPlainText() == log.text  # the whole text, not that of the kept five
    assert view.status.text() == ("Done: the server ended the stream after 50 events in 1.5 s")


def _stream_call() -> Call:
    return Call(
        name="Chat",
        path="/openai",
        response_type=ResponseType.STREAM,
        structure=stream_shape(_openai_events(), CONTENT),
    )


def test_the_built_in_names_are_the_cores() -> None:
    from designer.core.inference import stream as core
    from designer.ui.response import stream_section as ui

    names = (ui.TEXT_SO_FAR, ui.IS_STREAMING, ui.IS_DONE, ui.DATA)
    assert names == (core.TEXT_SO_FAR, core.IS_STREAMING, core.IS_DONE, core.DATA)
    assert KEEP == DEFAULT_KEEP_EVENTS


def test_text_field_helpers() -> None:
    call = _stream_call()
    assert is_stream_call(call)
    assert not is_stream_call(Call(name="Plain", path="/x"))
    assert text_field_of(call) == (CONTENT, True)
    picked = with_text_field(call, ROLE, "assistant")
    assert text_field_of(picked) == (ROLE, False)
    assert picked.structure is not None
    assert picked.structure.fields is not None
    assert picked.structure.fields[TEXT_SO_FAR].samples == ["assistant"]
    structure = call.structure
    assert structure is not None
    assert structure.fields is not None
    assert not is_text_choice(TEXT_SO_FAR, structure.fields[TEXT_SO_FAR])
    assert not is_text_choice("data", structure.fields["data"])


def test_picking_the_text_field_is_saved_and_undone(qtbot, window) -> None:
    call = _stream_call()
    window.doc.replace(
        Workspace(name="T", apis=[Api(name="AI", base_url="http://x", calls=[call])]), None
    )
    window.tree.select(Item("call", call.id))
    panel = window.response_panel
    qtbot.waitUntil(lambda: panel._call is not None and panel._call.id == call.id)
    section = panel.stream
    assert panel.ui.tabs.isTabVisible(section.tab)
    panel.ui.tabs.setCurrentIndex(section.tab)
    assert unnamed_controls(window) == []
    panel.ui.tabs.setCurrentIndex(0)
    model = panel.model
    content = model.index_for_path(CONTENT, TYPE)
    assert content.data() == f"text · optional · {SUGGESTED_MARK}"  # the suggestion, marked
    assert model.index_for_path(TEXT_SO_FAR).isValid()  # built-ins beside the groups
    assert model.index_for_path("is streaming").isValid()
    assert model.index_for_path("is done").isValid()
    role = model.index_for_path(ROLE)
    assert section.choice_at(role) == ROLE
    assert section.choice_at(model.index_for_path(TEXT_SO_FAR)) is None
    assert section.choice_at(model.index_for_path("data.created")) is None  # a number
    section.context_menu(panel.mapToGlobal(panel.rect().center()), role)
    assert section.menu is not None
    assert section.useAction in section.menu.actions()
    section.menu.close()
    section.useAction.trigger()
    _, saved = window.doc.find_call(call.id)
    assert saved.stream_text_field == ROLE
    assert window.doc.undo_stack.undoText() == "Edit response structure"
    assert model.index_for_path(ROLE, TYPE).data() == f"text · optional · {MARK}"
    assert not model.index_for_path(CONTENT, TYPE).data().endswith(SUGGESTED_MARK)
    window.doc.undo_stack.undo()
    _, restored = window.doc.find_call(call.id)
    assert restored.stream_text_field is None
    qtbot.waitUntil(lambda: model.index_for_path(CONTENT, TYPE).data().endswith(SUGGESTED_MARK))
    assert not model.index_for_path(ROLE, TYPE).data().endswith(MARK)


def test_overrides_and_include_work_on_a_stream_structure(qtbot, window) -> None:
    from PySide6.QtCore import Qt

    from designer.ui.response.structure_model import INCLUDE, TYPE

    call = _stream_call()
    window.doc.replace(
        Workspace(name="T", apis=[Api(name="AI", base_url="http://x", calls=[call])]), None
    )
    window.tree.select(Item("call", call.id))
    panel = window.response_panel
    qtbot.waitUntil(lambda: panel._call is not None and panel._call.id == call.id)
    model = panel.model
    created = model.index_for_path("data.created", INCLUDE)
    assert model.setData(created, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    kind = model.index_for_path("data.created", TYPE)
    assert model.setData(kind, "text", Qt.ItemDataRole.EditRole)
    _, saved = window.doc.find_call(call.id)
    assert saved.overrides["data.created"].include is False
    assert saved.overrides["data.created"].type is ValueType.TEXT
    done = model.index_for_path("is done", INCLUDE)
    assert model.setData(done, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    _, saved = window.doc.find_call(call.id)
    assert saved.overrides["is done"].include is False
    assert model.index_for_path(CONTENT, TYPE).data().endswith(SUGGESTED_MARK)
