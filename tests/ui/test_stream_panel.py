"""Initialize of a streamed answer in the response panel, against a real local stream server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from designer.core.http.execute import ExecutionSettings, Executor
from designer.core.inference.stream import TEXT_SO_FAR
from designer.core.models import Api, Call
from designer.core.secrets.store import MemorySecretStore
from designer.core.structure import ResponseType
from designer.ui.infra import workers
from designer.ui.response.panel import ResponsePanel
from designer.ui.response.stream_view import FLUSH_MS
from designer.ui.response.structure_model import SAMPLE, TYPE
from tests.helpers.sse_server import OPENAI_TEXT, StreamServer

pytestmark = pytest.mark.gui
WAIT = 20_000


@pytest.fixture(scope="module", autouse=True)
def _workers() -> Iterator[None]:
    yield
    workers.shutdown_workers()


@pytest.fixture
def server() -> Iterator[StreamServer]:
    with StreamServer() as running:
        yield running


@pytest.fixture
def executor(loop, qtbot) -> Iterator[Executor]:
    ex = Executor(ExecutionSettings(connect_timeout=5, read_timeout=10))
    yield ex
    closing = asyncio.ensure_future(ex.aclose())
    qtbot.waitUntil(closing.done)


@pytest.fixture
def panel(qtbot, executor) -> Iterator[ResponsePanel]:
    widget = ResponsePanel(executor, MemorySecretStore())
    widget.resize(760, 560)
    qtbot.addWidget(widget)
    widget.show()
    edits: list[Call] = []
    widget.callEdited.connect(edits.append)
    widget.callEdited.connect(
        lambda call: (
            widget.set_call(widget._api, call)
            if widget._call is not None and widget._call.id == call.id
            else None
        )
    )
    widget.edits = edits  # type: ignore[attr-defined]
    yield widget
    widget.shutdown()


def _show(panel: ResponsePanel, server: StreamServer, path: str, **fields: object) -> Call:
    call = Call(name="Chat", path=path, **fields)  # type: ignore[arg-type]
    panel.set_call(Api(name="AI", base_url=server.url), call)
    return call


def _done(panel: ResponsePanel) -> bool:
    return not panel.running_calls()


def test_the_first_event_shows_before_the_second_is_sent(qtbot, panel, server) -> None:
    _show(panel, server, "/gated", response_type=ResponseType.STREAM)
    view = panel.stream.view
    panel.initialize()
    assert panel.ui.tabs.currentWidget() is view  # the Stream tab comes forward
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=WAIT)
    # The server holds the second event until the gate opens: this one is live.
    assert not server.gate.is_set()
    assert view.model.index(0, 2).data() == "one"
    assert view.status.text() == "Streaming… 1 event"
    assert panel.cancelButton.isEnabled()
    server.gate.set()
    qtbot.waitUntil(lambda: _done(panel), timeout=WAIT)
    assert view.model.rowCount() == 2
    assert view.status.text().startswith("Done: the server ended the stream after 2 events in ")
    assert view.text.toPlainText() == "onetwo"  # plain text events: the data is the text


def test_text_so_far_grows_and_becomes_the_structure(qtbot, panel, server) -> None:
    steps: list[bytes | float] = []
    for piece in ("Hello", " there", ", friend", "!"):
        steps += [b'data: {"choices":[{"delta":{"content":"%s"}}]}\n\n' % piece.encode(), 0.08]
    steps.append(b"data: [DONE]\n\n")
    url = server.script("/chat", steps)
    _show(panel, server, url.removeprefix(server.url))  # Auto: found to be a stream
    view = panel.stream.view
    seen: list[str] = []
    view.text.textChanged.connect(lambda: seen.append(view.text.toPlainText()))
    with qtbot.waitSignal(panel.callEdited, timeout=WAIT) as edited:
        panel.initialize()
    qtbot.waitUntil(lambda: _done(panel), timeout=WAIT)
    assert view.text.toPlainText() == "Hello there, friend!"
    assert len(set(seen)) >= 3  # it grew while the stream came
    assert all(b.startswith(a) for a, b in zip(seen, seen[1:], strict=False))
    assert view.status.text().startswith("Done: [DONE] after 5 events in ")
    call: Call = edited.args[0]
    assert call.structure is not None
    assert call.structure.fields is not None
    assert call.structure.fields[TEXT_SO_FAR].samples == ["Hello there, friend!"]
    assert (
        panel.model.index_for_path("data.choices[].delta.content", TYPE)
        .data()
        .endswith("stream text (suggested)")
    )


def test_cancel_keeps_the_events_that_arrived(qtbot, panel, server) -> None:
    _show(panel, server, "/forever", response_type=ResponseType.STREAM)
    view = panel.stream.view
    with qtbot.waitSignal(panel.callEdited, timeout=WAIT) as edited:
        panel.initialize()
        qtbot.waitUntil(lambda: view.model.count >= 3, timeout=WAIT)
        qtbot.mouseClick(panel.cancelButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _done(panel), timeout=WAIT)
    kept = view.model.count
    assert kept >= 3
    assert view.model.rowCount() == kept
    assert view.status.text().startswith(f"Ended: cancelled after {kept} events in ")
    call: Call = edited.args[0]
    assert call.structure is not None
    assert "data" in (call.structure.fields or {})
    assert panel.model.index_for_path("data.n").isValid()  # the structure of what came
    assert not panel.ui.message.isVisible() or "error" not in panel.ui.message.text().lower()


def test_ten_thousand_events_are_counted_within_a_bound(qtbot, panel, server) -> None:
    steps = [b'data: {"choices":[{"delta":{"content":"w%d "}}]}\n\n' % n for n in range(10_000)]
    steps.append(b"data: [DONE]\n\n")
    url = server.script("/many", steps)
    _show(panel, server, url.removeprefix(server.url), response_type=ResponseType.STREAM)
    view = panel.stream.view
    inserted: list[int] = []
    view.model.rowsInserted.connect(lambda _p, first, last: inserted.append(last - first + 1))
    panel.initialize()
    qtbot.waitUntil(lambda: _done(panel), timeout=60_000)
    keep = panel.stream.logs[panel._call.id].keep  # type: ignore[union-attr]
    assert view.model.count == 10_001  # [DONE] is an event too
    assert view.model.rowCount() == keep + 1
    assert view.model.index(keep, 2).data() == f"… {10_001 - keep:,} more"
    assert view.status.text().startswith("Done: [DONE] after 10,001 events in ")
    text = view.text.toPlainText()
    assert text.startswith("w0 w1 ")
    assert text.endswith("w9999 ")
    assert sum(inserted) == keep + 1
    assert len(inserted) < keep  # rows came in batches, not one insertion per event
    assert FLUSH_MS <= 50


def test_a_stream_shown_again_after_switching_calls(qtbot, panel, server) -> None:
    call = _show(panel, server, "/gated", response_type=ResponseType.STREAM)
    api = panel._api
    view = panel.stream.view
    panel.initialize()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=WAIT)
    panel.set_call(api, Call(name="Other", path="/openai"))
    assert not panel.ui.tabs.isTabVisible(panel.stream.tab)
    assert view.model.rowCount() == 0
    panel.set_call(api, call)
    assert view.model.rowCount() == 1
    assert view.streaming
    server.gate.set()
    qtbot.waitUntil(lambda: _done(panel), timeout=WAIT)
    assert view.model.rowCount() == 2


def test_picking_another_text_field_makes_up_the_text_again(qtbot, panel, server) -> None:
    _show(panel, server, "/openai", response_type=ResponseType.STREAM)
    view = panel.stream.view
    with qtbot.waitSignal(panel.callEdited, timeout=WAIT):
        panel.initialize()
    qtbot.waitUntil(lambda: _done(panel), timeout=WAIT)
    assert view.text.toPlainText() == OPENAI_TEXT
    role = "data.choices[].delta.role"
    assert panel.stream.choice_at(panel.model.index_for_path(role)) == role
    with qtbot.waitSignal(panel.callEdited, timeout=WAIT) as edited:
        panel.stream.pick(role)
    call: Call = edited.args[0]
    assert call.stream_text_field == role
    assert call.structure is not None
    assert call.structure.fields is not None
    assert call.structure.fields[TEXT_SO_FAR].samples == ["assistant"]
    assert view.text.toPlainText() == "assistant"
    assert panel.model.index_for_path(role, TYPE).data().endswith("· stream text")
    assert panel.model.index_for_path(TEXT_SO_FAR, SAMPLE).data() == "assistant"
    panel.callEdited.emit(panel._call.model_copy(update={"stream_text_field": None}))  # as Undo
    assert view.text.toPlainText() == OPENAI_TEXT  # all of it again
    assert panel.model.index_for_path(role, TYPE).data() == "text · optional"


def test_a_kept_stream_remembers_its_event_times_for_the_mock(
    qtbot, panel, server, tmp_path
) -> None:
    from designer.core.calls.history import ResponseHistory

    panel.history = ResponseHistory(tmp_path / "history")
    steps: list[bytes | float] = []
    for piece in ("a", "b", "c"):
        steps += [b"data: %s\n\n" % piece.encode(), 0.15]
    url = server.script("/spaced", steps)
    call = _show(panel, server, url.removeprefix(server.url), response_type=ResponseType.STREAM)
    panel.initialize()
    qtbot.waitUntil(lambda: _done(panel), timeout=WAIT)
    api_id = panel._api.id  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: bool(panel.history.entries(api_id, call.id)), timeout=WAIT)
    (entry,) = panel.history.entries(api_id, call.id)
    assert entry.offsets is not None
    assert len(entry.offsets) == 3
    # The recorded spacing (the server paused 0.15 s after each event) is what is kept.
    assert entry.offsets[0] < entry.offsets[1] - 0.1 < entry.offsets[2] - 0.2
