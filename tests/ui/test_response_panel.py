"""The response panel end to end: Initialize against real local servers, edit, fail, cancel."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from designer.core.demo.server import DemoServer, example_secrets, example_workspace
from designer.core.demo.server import start_demo_server as start_demo
from designer.core.http.execute import ExecutionSettings, Executor
from designer.core.models import Api, Call, Parameter, Placement
from designer.core.secrets.store import MemorySecretStore
from designer.core.structure import FieldOverride, ValueType
from designer.ui.infra import workers
from designer.ui.response import jobs, runner
from designer.ui.response.manual_dialog import ManualResponse
from designer.ui.response.panel import ResponsePanel
from designer.ui.response.structure_model import INCLUDE, SAMPLE, TYPE
from tests.helpers.shape_server import ShapeServer
from tests.helpers.slow_jobs import late_infer_spooled, never_done

pytestmark = pytest.mark.gui
WAIT = 20_000  # ms; the first Initialize also starts a worker process


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    server = start_demo()
    yield server
    server.stop()


@pytest.fixture(scope="module", autouse=True)
def _workers() -> Iterator[None]:
    yield
    workers.shutdown_workers()


@pytest.fixture
def shape_server() -> Iterator[ShapeServer]:
    server = ShapeServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.gate.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def executor(loop, qtbot) -> Iterator[Executor]:
    ex = Executor(ExecutionSettings(connect_timeout=5, read_timeout=10))
    yield ex
    closing = asyncio.ensure_future(ex.aclose())
    qtbot.waitUntil(closing.done)


@pytest.fixture
def secrets() -> MemorySecretStore:
    return MemorySecretStore()


@pytest.fixture
def panel(qtbot, executor, secrets) -> Iterator[ResponsePanel]:
    widget = ResponsePanel(executor, secrets)
    widget.resize(760, 560)
    qtbot.addWidget(widget)
    widget.show()
    edits: list[Call] = []
    # Stand in for the shell: apply each edit and hand the call back.
    widget.callEdited.connect(edits.append)
    # Like the shell, a result is handed back only to the call on screen.
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


def _api(url: str, *calls: Call) -> Api:
    return Api(name="Test API", base_url=url, calls=list(calls))


def _initialize(qtbot, panel: ResponsePanel) -> None:
    assert panel.initializeButton.isEnabled()
    qtbot.mouseClick(panel.initializeButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.initializeButton.isEnabled(), timeout=WAIT)


def _demo_call(demo: DemoServer, name: str) -> tuple[Api, Call]:
    ws = example_workspace(demo.url)
    api = ws.apis[0]
    return api, next(c for c in api.calls if c.name == name)


def test_empty_state(panel) -> None:
    assert panel.ui.emptyLabel.isVisible()
    assert panel.ui.emptyLabel.text() == "Select a call to initialize it"
    assert not panel.initializeButton.isEnabled()
    assert not panel.cancelButton.isEnabled()


def test_initialize_the_demo_products(qtbot, panel, demo) -> None:
    panel.set_call(*_demo_call(demo, "List products"))
    with qtbot.waitSignal(panel.callEdited, timeout=WAIT) as edited:
        qtbot.mouseClick(panel.initializeButton, Qt.MouseButton.LeftButton)
        assert panel.cancelButton.isEnabled()
    call: Call = edited.args[0]
    assert call.structure is not None
    assert panel.statusLabel.text().startswith("200 OK · ")
    model = panel.model
    assert model.index_for_path("data[].vendor.email", TYPE).data() == "text (email)"
    assert model.index_for_path("data[].rating", TYPE).data() == "number · optional"
    assert model.index_for_path("data[].images[].url", TYPE).data() == "text (image-url)"
    assert panel.responseTree.isExpanded(model.index_for_path("data[]"))
    qtbot.waitUntil(lambda: '"sku": "SKU-00001"' in panel.ui.raw.text.toPlainText())
    assert panel.ui.headers.rowCount() >= 3
    qtbot.waitUntil(lambda: not panel.cancelButton.isEnabled())


def test_going_back_to_a_call_shows_its_last_response(qtbot, panel, demo) -> None:
    api, order = _demo_call(demo, "Get order")
    _, feed = _demo_call(demo, "News feed (XML)")
    panel.set_call(api, order)
    _initialize(qtbot, panel)
    status = panel.statusLabel.text()
    qtbot.waitUntil(lambda: '"lines"' in panel.ui.raw.text.toPlainText())
    panel.set_call(api, feed)
    assert panel.statusLabel.text() == "Not initialized"
    assert panel.ui.raw.text.toPlainText() == ""
    panel.set_call(api, panel.edits[-1])  # the order call, as initialized
    assert panel.statusLabel.text() == f"Last response: {status}"
    qtbot.waitUntil(lambda: '"lines"' in panel.ui.raw.text.toPlainText())
    assert panel.ui.headers.rowCount() >= 3


def test_only_so_much_is_kept(qtbot, panel, demo, monkeypatch) -> None:
    from designer.ui.response import history_bar

    monkeypatch.setattr(history_bar, "KEEP_BYTES", 10)  # smaller than any body
    api, order = _demo_call(demo, "Get order")
    _, feed = _demo_call(demo, "News feed (XML)")
    panel.set_call(api, order)
    _initialize(qtbot, panel)
    panel.set_call(api, feed)
    panel.set_call(api, panel.edits[-1])
    assert panel.statusLabel.text() == "Initialized earlier"
    assert panel.ui.headers.rowCount() == 0


def test_change_a_type_and_exclude_a_field(qtbot, panel, demo) -> None:
    panel.set_call(*_demo_call(demo, "Get order"))
    _initialize(qtbot, panel)
    model = panel.model
    placed = model.index_for_path("placed_at", TYPE)
    with qtbot.waitSignal(panel.callEdited) as edited:
        model.setData(placed, "text")
    assert edited.args[0].overrides == {"placed_at": FieldOverride(type=ValueType.TEXT)}
    lines = model.index_for_path("lines", INCLUDE)
    with qtbot.waitSignal(panel.callEdited) as edited:
        model.setData(lines, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert edited.args[0].overrides["lines"] == FieldOverride(include=False)
    assert edited.args[0].overrides["placed_at"].type is ValueType.TEXT
    assert model.index_for_path("placed_at", TYPE).data() == "text", "the tree kept the edit"


def test_type_combo_box_edits_the_type(qtbot, panel, demo) -> None:
    panel.set_call(*_demo_call(demo, "Get order"))
    _initialize(qtbot, panel)
    index = panel.model.index_for_path("id", TYPE)
    panel.responseTree.setCurrentIndex(index)
    panel.responseTree.edit(index)
    combo = panel.responseTree.findChild(object, "typeCombo")
    assert combo is not None
    with qtbot.waitSignal(panel.callEdited) as edited:
        combo.setCurrentText("text")
        combo.activated.emit(combo.currentIndex())
    assert edited.args[0].overrides["id"].type is ValueType.TEXT


def test_keyboard_toggles_include_and_edits_the_type(qtbot, panel, demo) -> None:
    panel.set_call(*_demo_call(demo, "Get order"))
    _initialize(qtbot, panel)
    tree = panel.responseTree
    tree.setFocus()
    tree.setCurrentIndex(panel.model.index_for_path("status"))
    with qtbot.waitSignal(panel.callEdited) as edited:
        QTest.keyClick(tree, Qt.Key.Key_Space)
    assert edited.args[0].overrides["status"] == FieldOverride(include=False)
    QTest.keyClick(tree, Qt.Key.Key_F2)
    assert tree.findChild(object, "typeCombo") is not None
    assert tree.currentIndex().column() == TYPE


def test_reinitialize_shows_what_changed(qtbot, panel, shape_server) -> None:
    deep = {"a": {"b": {"c": {"d": 1}}}}
    shape_server.serve({"data": [{"id": 1, "name": "Ada", "nick": "A"}], "page": 1, **deep})
    panel.set_call(_api(shape_server.url), Call(name="List"))
    _initialize(qtbot, panel)
    deep["a"]["b"]["c"]["d"] = "one"
    shape_server.serve(
        {"data": [{"id": "u1", "name": "Ada", "email": "a@b.example"}], "page": 1, **deep}
    )
    _initialize(qtbot, panel)
    assert panel.ui.summaryLabel.text() == (
        "Re-initialized: 1 field added, 1 field removed, 2 changed type."
    )
    deepest = panel.model.index_for_path("a.b.c.d")
    assert panel.responseTree.isExpanded(deepest.parent()), "a change deep down is shown"
    added = panel.model.index_for_path("data[].email")
    assert added.data(Qt.ItemDataRole.BackgroundRole) is not None
    removed = panel.model.index_for_path("data[].nick", SAMPLE)
    assert removed.data() == "removed"
    assert panel.responseTree.isExpanded(removed.parent())  # shown where it was
    assert "Type changed from integer to text" in panel.model.index_for_path("data[].id").data(
        Qt.ItemDataRole.ToolTipRole
    )


def test_overrides_survive_a_reinitialize(qtbot, panel, shape_server) -> None:
    shape_server.serve({"a": 1, "b": "x"})
    panel.set_call(_api(shape_server.url), Call(name="Get"))
    _initialize(qtbot, panel)
    with qtbot.waitSignal(panel.callEdited):
        panel.model.setData(
            panel.model.index_for_path("b", INCLUDE),
            Qt.CheckState.Unchecked.value,
            Qt.ItemDataRole.CheckStateRole,
        )
    _initialize(qtbot, panel)
    assert panel.edits[-1].overrides == {"b": FieldOverride(include=False)}
    assert panel.ui.summaryLabel.text() == "Re-initialized: no changes."


def test_refused_connection_is_explained_inline(qtbot, panel, refused_port) -> None:
    url = f"http://127.0.0.1:{refused_port}"
    panel.set_call(_api(url), Call(name="Nothing there"))
    _initialize(qtbot, panel)
    message = panel.ui.message
    assert message.isVisible()
    assert message.text().startswith("Connection refused by 127.0.0.1:")
    assert message.text().endswith("is the server running?")
    assert panel.statusLabel.text() == "No response"
    assert panel.edits == []


def test_invalid_json_shows_a_note_and_the_text(qtbot, panel, shape_server) -> None:
    shape_server.body = b'{"a": 1, oops}'
    panel.set_call(_api(shape_server.url), Call(name="Broken"))
    _initialize(qtbot, panel)
    assert "not valid JSON" in panel.ui.message.text()
    assert panel.ui.message.text().endswith("showing it as text")
    qtbot.waitUntil(lambda: panel.ui.raw.text.toPlainText() == '{"a": 1, oops}')
    assert panel.edits[-1].structure.type is ValueType.TEXT


def test_error_status_is_explained_and_its_body_shown(qtbot, panel, demo) -> None:
    api, call = _demo_call(demo, "Get order")
    call.parameters[0].value = "77"
    panel.set_call(api, call)
    _initialize(qtbot, panel)
    assert "returned 404 Not Found" in panel.ui.message.text()
    assert "Include errors in response" in panel.ui.message.text()
    assert panel.statusLabel.text().startswith("404 Not Found")
    qtbot.waitUntil(lambda: "orders 1001 to 1040 exist" in panel.ui.raw.text.toPlainText())


def test_missing_value_is_explained_before_sending(qtbot, panel, demo) -> None:
    call = Call(
        name="Get",
        path="/v1/orders/{id}",
        parameters=[Parameter(name="id", placement=Placement.PATH)],
    )
    panel.set_call(_api(demo.url), call)
    _initialize(qtbot, panel)
    assert "Parameter 'id'" in panel.ui.message.text()
    assert "needs a value" in panel.ui.message.text()


def test_private_api_key_from_the_secret_store(qtbot, panel, demo, secrets) -> None:
    api, call = _demo_call(demo, "Get account")
    panel.set_call(api, call)
    _initialize(qtbot, panel)
    assert "Parameter 'X-API-Key'" in panel.ui.message.text()
    ws = example_workspace(demo.url)
    for ref, value in example_secrets(ws).items():
        secrets.set(ref, value)
    _initialize(qtbot, panel)
    assert panel.statusLabel.text().startswith("200 OK")
    assert panel.model.index_for_path("usage.daily_limit").isValid()


def test_xml_feed(qtbot, panel, demo) -> None:
    panel.set_call(*_demo_call(demo, "News feed (XML)"))
    _initialize(qtbot, panel)
    assert not panel.ui.message.isVisible(), panel.ui.message.text()
    assert panel.edits[-1].structure is not None
    qtbot.waitUntil(lambda: "<title>" in panel.ui.raw.text.toPlainText())


def test_cancel_stops_a_running_call(qtbot, panel, shape_server) -> None:
    shape_server.gate.clear()
    panel.set_call(_api(shape_server.url), Call(name="Slow"))
    qtbot.mouseClick(panel.initializeButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.statusLabel.text().startswith("Sending… "))
    assert panel.statusLabel.text().endswith(" s")  # the elapsed time
    assert panel.cancelButton.isEnabled()
    assert not panel.initializeButton.isEnabled()
    qtbot.mouseClick(panel.cancelButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.initializeButton.isEnabled())
    assert not panel.cancelButton.isEnabled()
    assert panel.statusLabel.text() == "Cancelled"
    assert panel.edits == []
    assert not panel.ui.progress.isVisible()


def test_ctrl_return_initializes(qtbot, panel, shape_server) -> None:
    shape_server.serve({"ok": True})
    panel.set_call(_api(shape_server.url), Call(name="Key"))
    panel.activateWindow()
    panel.responseTree.setFocus()
    with qtbot.waitSignal(panel.callEdited, timeout=WAIT):
        QTest.keyClick(panel.responseTree, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_manual_response_replace_then_merge(qtbot, panel, shape_server) -> None:
    panel.set_call(_api(shape_server.url), Call(name="Offline"))
    with qtbot.waitSignal(panel.callEdited, timeout=WAIT):
        panel.apply_manual(ManualResponse(b'{"id": 1, "name": "Ada"}', "", merge=False))
    assert panel.model.index_for_path("name").isValid()
    with qtbot.waitSignal(panel.callEdited, timeout=WAIT) as edited:
        panel.apply_manual(ManualResponse(b'{"id": 2, "email": "a@b.example"}', "", merge=True))
    fields = edited.args[0].structure.fields
    assert set(fields) == {"id", "name", "email"}
    assert fields["name"].optional
    assert fields["email"].optional
    assert panel.ui.summaryLabel.text() == "Re-initialized: 1 field added, 1 became optional."
    with qtbot.waitSignal(panel.callEdited, timeout=WAIT) as edited:
        panel.apply_manual(ManualResponse(b'{"other": true}', "", merge=False))
    assert set(edited.args[0].structure.fields) == {"other"}
    qtbot.waitUntil(lambda: '"other": true' in panel.ui.raw.text.toPlainText())


def test_manual_response_that_does_not_parse(qtbot, panel, shape_server) -> None:
    panel.set_call(_api(shape_server.url), Call(name="Offline"))
    panel.apply_manual(ManualResponse(b'{"id": ', "application/json", merge=False))
    qtbot.waitUntil(lambda: panel.ui.message.isVisible(), timeout=WAIT)
    assert "not valid JSON" in panel.ui.message.text()
    assert panel.edits == []


def test_manual_dialog_offers_merge_only_with_a_structure(qtbot, panel, shape_server) -> None:
    panel.set_call(_api(shape_server.url), Call(name="Offline"))
    panel.enter_manually()
    dialog = panel.findChild(object, "manualResponseDialog")
    assert dialog is not None
    assert not dialog.mergeButton.isEnabled()
    assert dialog.replaceButton.isChecked()
    dialog.bodyEdit.setPlainText('{"a": 1}')
    with qtbot.waitSignal(panel.callEdited, timeout=WAIT):
        dialog.accept()


def test_large_body_shows_a_sample_tree_first(qtbot, panel, demo, monkeypatch) -> None:
    monkeypatch.setattr(runner, "TWO_PASS_BYTES", 10_000)
    monkeypatch.setattr(runner, "SAMPLE_LIMIT", 10)
    monkeypatch.setattr(jobs, "PREVIEW_BYTES", 20_000)
    # On a big body the full pass takes seconds; here it would race the quick one.
    monkeypatch.setattr(jobs, "infer_spooled", late_infer_spooled)
    counts: list[int] = []
    panel.model.modelReset.connect(
        lambda: (
            counts.append(panel.model.shape().fields["items"].items.count)
            if panel.model.shape() is not None
            else None
        )
    )
    call = Call(name="Big", path="/v1/big", parameters=[Parameter(name="items", value="3000")])
    panel.set_call(_api(demo.url), call)
    _initialize(qtbot, panel)
    assert counts[0] == 10, "the first tree comes from a sample of the body's start"
    assert counts[-1] == 3000, "the final tree covers every item"
    assert panel.edits[-1].structure.fields["items"].items.count == 3000
    assert len(panel.edits) == 1, "the preview is shown, not applied to the call"


def test_cancel_stops_the_full_pass_of_a_large_body(qtbot, panel, demo, monkeypatch) -> None:
    monkeypatch.setattr(runner, "TWO_PASS_BYTES", 10_000)
    monkeypatch.setattr(jobs, "PREVIEW_BYTES", 20_000)
    monkeypatch.setattr(jobs, "infer_spooled", never_done)  # the full pass never ends
    call = Call(name="Big", path="/v1/big", parameters=[Parameter(name="items", value="3000")])
    panel.set_call(_api(demo.url), call)
    qtbot.mouseClick(panel.initializeButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "refining" in panel.ui.summaryLabel.text(), timeout=WAIT)
    (own,) = workers._solos
    qtbot.waitUntil(lambda: bool(getattr(own, "_processes", None)), timeout=WAIT)
    (process,) = own._processes.values()
    qtbot.mouseClick(panel.cancelButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.initializeButton.isEnabled(), timeout=WAIT)
    assert panel.statusLabel.text() == "Cancelled"
    qtbot.waitUntil(lambda: not process.is_alive(), timeout=5_000)
    assert not workers._solos
    assert panel.edits == [], "nothing of the cancelled run reached the call"


def test_raw_view_pages_and_saves(qtbot, panel, demo, tmp_path) -> None:
    panel.ui.raw.page_chars = 4000
    call = Call(name="Big", path="/v1/big", parameters=[Parameter(name="items", value="100")])
    panel.set_call(_api(demo.url), call)
    _initialize(qtbot, panel)
    raw = panel.ui.raw
    qtbot.waitUntil(lambda: raw.showMoreButton.isEnabled())
    first = raw.text.toPlainText()
    assert 4000 <= len(first) < 9000
    assert raw.infoLabel.text().startswith("Showing ")
    qtbot.mouseClick(raw.showMoreButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: len(raw.text.toPlainText()) > len(first) and raw.showMoreButton.isEnabled()
    )
    assert raw.text.toPlainText().startswith(first)
    target = tmp_path / "body.json"
    raw.save_to(str(target))
    qtbot.waitUntil(target.exists)
    assert orjson.loads(target.read_bytes())["count"] == 100


def test_switching_calls_keeps_the_request_running(qtbot, panel, shape_server) -> None:
    shape_server.gate.clear()
    shape_server.serve({"id": 7, "name": "slow"})
    api = _api(shape_server.url, Call(name="Slow"), Call(name="Other"))
    slow, other = api.calls
    states: list[tuple[str, str]] = []
    panel.callStateChanged.connect(lambda call_id, state: states.append((call_id, state)))
    panel.set_call(api, slow)
    qtbot.mouseClick(panel.initializeButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.cancelButton.isEnabled())
    assert states == [(slow.id, "busy")]

    panel.set_call(api, other)  # the slow call goes on running
    assert panel.initializeButton.isEnabled()  # the call on screen is not busy
    assert not panel.cancelButton.isEnabled()
    assert panel.statusLabel.text() == "Not initialized"
    assert not panel.ui.message.isVisible()
    assert panel.running_calls() == [slow.id]

    with qtbot.waitSignal(panel.callEdited, timeout=WAIT) as edited:
        shape_server.gate.set()
    landed = edited.args[0]
    assert landed.id == slow.id  # the result lands on its own call ...
    assert list(landed.structure.fields) == ["id", "name"]
    assert panel.model.shape() is None  # ... not on the call on screen
    qtbot.waitUntil(lambda: states[-1] == (slow.id, ""))
    assert panel.statusLabel.text() == "Not initialized"

    panel.set_call(api, landed)  # going back shows its response
    assert panel.statusLabel.text().startswith("Last response: 200 OK")
    assert panel.model.rowCount() > 0


def test_the_call_on_screen_shows_its_own_run(qtbot, panel, shape_server) -> None:
    shape_server.gate.clear()
    api = _api(shape_server.url, Call(name="Slow"), Call(name="Other"))
    slow, other = api.calls
    panel.set_call(api, slow)
    qtbot.mouseClick(panel.initializeButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.cancelButton.isEnabled())
    panel.set_call(api, other)
    panel.set_call(api, slow)  # back: in flight, with its elapsed time, and cancellable
    assert panel.statusLabel.text().startswith("Sending… ")
    assert panel.ui.progress.isVisibleTo(panel)
    assert panel.cancelButton.isEnabled()
    assert not panel.initializeButton.isEnabled()
    qtbot.mouseClick(panel.cancelButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.initializeButton.isEnabled())
    assert panel.statusLabel.text() == "Cancelled"
    assert panel.edits == []


def test_a_failed_reinitialize_marks_the_structure_as_older(qtbot, panel, shape_server) -> None:
    shape_server.serve({"id": 1})
    api = _api(shape_server.url, Call(name="Flaky"), Call(name="Other"))
    panel.set_call(api, api.calls[0])
    _initialize(qtbot, panel)
    assert panel.statusLabel.text().startswith("200 OK")
    shape_server.status = 404
    _initialize(qtbot, panel)
    message = panel.ui.message
    assert message.isVisible()
    assert "404" in message.text()
    stale = panel.ui.summaryLabel.text()
    assert stale.startswith("The last attempt failed: structure from the response of ")
    assert panel.model.rowCount() > 0  # the older structure is still shown, marked as older

    panel.set_call(api, api.calls[1])
    panel.set_call(api, panel.edits[-1])  # coming back says that the last attempt failed
    assert not panel.statusLabel.text().startswith("Last response: 200")
    assert panel.statusLabel.text().startswith("404")
    assert message.isVisible()
    assert "404" in message.text()
    assert panel.ui.summaryLabel.text() == stale


def test_broken_body_asks_before_replacing_a_structure(qtbot, panel, shape_server) -> None:
    """A cut-off body shows its raw text; the stored structure goes only if the user says so."""
    shape_server.body = b'{"id": 7, "name": "x"}'
    panel.set_call(_api(shape_server.url), Call(name="Get item"))
    _initialize(qtbot, panel)
    designed = panel.edits[-1]
    assert designed.structure.type is ValueType.OBJECT

    shape_server.body = b'{"id": 7, "na'
    _initialize(qtbot, panel)
    qtbot.waitUntil(lambda: panel._confirm is not None, timeout=WAIT)
    box = panel._confirm
    assert box.objectName() == "replaceStructureDialog"
    assert box.text().startswith("The response of “Get item” can only be read as text: ")
    qtbot.waitUntil(lambda: panel.ui.raw.text.toPlainText() == '{"id": 7, "na')
    keep = next(b for b in box.buttons() if b.text() == "Keep Structure")
    keep.click()
    assert panel.edits[-1] is designed
    assert panel.ui.message.text().endswith("the stored structure is kept.")
    assert panel.model.shape() is designed.structure

    _initialize(qtbot, panel)
    qtbot.waitUntil(lambda: panel._confirm is not None, timeout=WAIT)
    replace = next(b for b in panel._confirm.buttons() if b.text() == "Replace with Text")
    replace.click()
    assert panel.edits[-1].structure.type is ValueType.TEXT


def _rates(codes: str) -> dict[str, Any]:
    return {"base": "EUR", "rates": {f"{c}X": 1.5 for c in codes.split()}}


CODES = "AA AB AC AD AE BA BB BC BD BE CA CB CC CD CE DA DB DC DD DE EA EB EC ED EE"


def test_a_map_reinitialized_with_other_keys_reports_no_drift(qtbot, panel, shape_server) -> None:
    shape_server.serve(_rates(CODES))
    panel.set_call(_api(shape_server.url), Call(name="Rates"))
    _initialize(qtbot, panel)
    model = panel.model
    assert model.index_for_path("rates", TYPE).data() == "map of number"
    assert model.index_for_path("rates", SAMPLE).data() == "25 keys: AAX, ABX, …"
    shape_server.serve(_rates("FA FB FC " + " ".join(CODES.split()[15:])))
    _initialize(qtbot, panel)
    assert panel.ui.summaryLabel.text() == "Re-initialized: no changes."
    assert model.index_for_path("rates", SAMPLE).data() == "13 keys: FAX, FBX, …"
    panel.responseTree.expandAll()


def test_choosing_object_for_a_map_lists_its_fields_on_the_next_initialize(
    qtbot, panel, shape_server
) -> None:
    shape_server.serve(_rates("AA AB AC AD"))
    panel.set_call(_api(shape_server.url), Call(name="Rates"))
    _initialize(qtbot, panel)
    index = panel.model.index_for_path("rates", TYPE)
    panel.responseTree.setCurrentIndex(index)
    panel.responseTree.edit(index)
    combo = panel.responseTree.findChild(object, "typeCombo")
    assert [combo.itemText(i) for i in range(combo.count())] == ["object", "map"]
    with qtbot.waitSignal(panel.callEdited) as edited:
        combo.setCurrentText("object")
        combo.activated.emit(combo.currentIndex())
    assert edited.args[0].overrides["rates"] == FieldOverride(type=ValueType.OBJECT)
    _initialize(qtbot, panel)
    assert panel.model.index_for_path("rates.ADX", TYPE).data() == "number"
    assert panel.edits[-1].overrides == {"rates": FieldOverride(type=ValueType.OBJECT)}


def test_stacked_compression_is_refused_inline(qtbot, panel) -> None:
    from tests.helpers import servers as s

    with s.FaultServer(s.gzip_layers(1000, 3)) as stacked:
        panel.set_call(_api(stacked.url), Call(name="Stacked"))
        _initialize(qtbot, panel)
        assert panel.ui.message.text() == (
            f"Response from 127.0.0.1:{stacked.port} (Test API/Stacked) is refused: it stacks "
            "3 compressions (gzip, gzip, gzip); at most 2 are accepted"
        )
    assert panel.statusLabel.text() == "No response"
    assert panel.edits == []


def test_the_answer_is_shown_against_the_spec_beside_the_diff(qtbot, panel, tmp_path) -> None:
    from designer.core.interop.openapi.importer import import_openapi
    from tests.helpers.drift_server import running_drift_server

    schema = {
        "type": "object",
        "required": ["id", "amount", "created"],
        "properties": {
            "id": {"type": "string"},
            "amount": {"type": "integer"},
            "created": {"type": "integer", "format": "unix-time"},
            "status": {"type": "string"},
        },
    }
    with running_drift_server() as server:
        doc = {
            "openapi": "3.1.0",
            "info": {"title": "Payments", "version": "1"},
            "servers": [{"url": server.url}],
            "paths": {
                "/charge": {
                    "get": {
                        "summary": "Get charge",
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {"application/json": {"schema": schema}},
                            }
                        },
                    }
                }
            },
        }
        (api,) = import_openapi(doc, "payments.json").apis
        call = api.calls[0]
        panel.set_call(api, call)
        tab = panel.ui.tabs
        assert tab.isTabEnabled(panel.ui.specTab)
        assert "Initialize the call" in panel.ui.specSummary.text()
        server.answer(
            "/charge",
            {"id": "ch_1", "created": "2025-03-08T23:29:02Z", "status": None, "livemode": False},
        )
        _initialize(qtbot, panel)
    summary = panel.ui.summaryLabel.text()
    assert "Against the spec: 1 field not in the spec" in summary
    assert "1 required field missing" in summary
    table = panel.ui.spec
    rows = {
        table.item(r, 0).text(): [table.item(r, c).text() for c in range(1, 4)]
        for r in range(table.rowCount())
    }
    assert rows["livemode"] == ["not in the spec", "—", "boolean"]
    assert rows["amount"] == ["required, missing", "integer", "—"]
    assert rows["created"] == ["other type", "integer (unix-time)", "text (date-time)"]
    assert rows["status"] == ["null not allowed", "text", "null"]
    assert "departs from the spec" in panel.ui.specSummary.text()
    # The documented structure stays on the call the panel hands back.
    assert panel.edits[-1].documented is not None
    tab.setCurrentIndex(panel.ui.specTab)
    panel.grab().save(str(tmp_path / "against-spec.png"))
    assert (tmp_path / "against-spec.png").stat().st_size > 0
    # A call that was not imported from a spec has nothing to compare with.
    panel.set_call(api, Call(name="Other", path="/other"))
    assert not tab.isTabEnabled(panel.ui.specTab)


def test_earlier_responses_are_kept_between_runs_and_can_be_shown_and_cleared(
    qtbot, panel, demo, executor, secrets, tmp_path
) -> None:
    from designer.core.calls.history import ResponseHistory

    folder = tmp_path / "cache" / "responses"
    panel.history = ResponseHistory(folder)
    api, order = _demo_call(demo, "Get order")
    first = order.model_copy(
        update={"parameters": [p.model_copy(update={"value": "1001"}) for p in order.parameters]}
    )
    panel.set_call(api, first)
    _initialize(qtbot, panel)
    second = first.model_copy(
        update={"parameters": [p.model_copy(update={"value": "1002"}) for p in first.parameters]}
    )
    panel.set_call(api, second)
    _initialize(qtbot, panel)
    qtbot.waitUntil(lambda: panel.historyCombo.count() == 2)

    # The next run of the app: a new panel over the same cache folder.
    again = ResponsePanel(executor, secrets)
    qtbot.addWidget(again)
    again.history = ResponseHistory(folder)
    again.show()
    again.set_call(api, second)
    assert again.historyCombo.count() == 2
    assert again.historyCombo.itemText(0).startswith("Today ")
    assert again.statusLabel.text().startswith("Response of Today ")
    qtbot.waitUntil(lambda: '"id": 1002' in again.ui.raw.text.toPlainText())
    again.historyCombo.setCurrentIndex(1)
    again.historyCombo.activated.emit(1)
    qtbot.waitUntil(lambda: '"id": 1001' in again.ui.raw.text.toPlainText())
    assert again.ui.headers.rowCount() >= 3
    qtbot.mouseClick(again.clearHistoryButton, Qt.MouseButton.LeftButton)
    assert not again.historyCombo.isEnabled()
    assert ResponseHistory(folder).entries(api.id, second.id) == []
    again.shutdown()


def test_a_field_that_became_optional_is_marked_in_its_type_cell(
    qtbot, panel, shape_server
) -> None:
    shape_server.serve({"data": [{"id": 1, "nick": "A"}, {"id": 2, "nick": "B"}]})
    panel.set_call(_api(shape_server.url), Call(name="List"))
    _initialize(qtbot, panel)
    shape_server.serve({"data": [{"id": 1, "nick": "A"}, {"id": 2}]})
    _initialize(qtbot, panel)
    nick_type = panel.model.index_for_path("data[].nick", TYPE)
    assert nick_type.data() == "text · optional"
    assert nick_type.data(Qt.ItemDataRole.BackgroundRole) is not None
    # The row itself stays plain: many fields may become optional at once.
    assert panel.model.index_for_path("data[].nick").data(Qt.ItemDataRole.BackgroundRole) is None
    steady = panel.model.index_for_path("data[].id", TYPE)
    assert steady.data(Qt.ItemDataRole.BackgroundRole) is None


def test_type_and_sample_columns_fit_what_they_show(qtbot, panel, shape_server) -> None:
    panel.resize(560, 600)  # the panel's width in a 1280x800 window
    shape_server.serve(
        {
            "data": [
                {"released": "2024-02-26T10:00:00Z", "rating": 2.5, "tags": ["a", "b"]},
                {"tags": ["c"]},
            ]
        }
    )
    panel.set_call(_api(shape_server.url), Call(name="List"))
    _initialize(qtbot, panel)
    tree = panel.responseTree
    tree.expandAll()
    qtbot.wait(50)
    head = tree.header()
    for path in ("data[].released", "data[].rating"):
        index = panel.model.index_for_path(path, TYPE)
        text = index.data()
        assert "·" in text  # e.g. "text (date-time) · optional"
        needed = tree.fontMetrics().horizontalAdvance(text) + 6  # the cell's margins
        assert head.sectionSize(TYPE) >= needed, f"{text!r} is cut"
    assert head.length() <= tree.viewport().width()
