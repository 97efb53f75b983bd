"""Call ▸ Check all calls and Call ▸ Serve mock API, driven as a user would."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import orjson
import pytest

from designer.core.inference import infer_body
from designer.core.models import Api, Call, Workspace
from designer.ui.dialogs.check import CheckDialog
from designer.ui.editing.edits import Item
from tests.helpers.drift_server import DriftServer, running_drift_server

pytestmark = pytest.mark.gui
WAIT = 20_000


@pytest.fixture
def server() -> Iterator[DriftServer]:
    with running_drift_server() as running:
        running.answer("/a", {"id": 1, "name": "x"})
        running.answer("/b", {"items": [1, 2]})
        yield running


def _workspace(window, url: str) -> Workspace:
    stored = infer_body(orjson.dumps({"id": 1, "name": "x", "price": 2.5}), "application/json")
    same = infer_body(orjson.dumps({"items": [1, 2]}), "application/json")
    api = Api(
        name="Shop",
        base_url=url,
        calls=[
            Call(name="Item", path="/a", structure=stored),
            Call(name="List", path="/b", structure=same),
        ],
    )
    ws = Workspace(apis=[api])
    window.doc.replace(ws, None)
    return ws


def _get(qtbot, url: str) -> httpx.Response | Exception:
    """GET ``url`` from a thread: the mock answers on the GUI thread's event loop."""
    result: list[httpx.Response | Exception] = []

    def fetch() -> None:
        try:
            result.append(httpx.get(url, timeout=10))
        except httpx.HTTPError as exc:
            result.append(exc)

    threading.Thread(target=fetch, daemon=True).start()
    qtbot.waitUntil(lambda: bool(result), timeout=WAIT)
    return result[0]


def _menu_action(window, name: str):
    action = window.findChild(type(window.actions.secrets), name)
    assert action is not None, name
    return action


def test_check_all_calls_lists_results_and_selects_a_call(window, loop, server, qtbot) -> None:
    ws = _workspace(window, server.url)
    before = window.doc.workspace.model_dump()
    _menu_action(window, "checkAllCallsAction").trigger()
    dialog = window.findChild(CheckDialog, "checkDialog")
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.summary.text().startswith("2 calls"), timeout=WAIT)
    assert dialog.summary.text() == "2 calls: 1 ok, 1 breaking"
    rows = [dialog.list.topLevelItem(i) for i in range(dialog.list.topLevelItemCount())]
    assert [(r.text(0), r.text(1)) for r in rows] == [
        ("Shop/Item", "BREAKING"),
        ("Shop/List", "ok"),
    ]
    dialog.list.setCurrentItem(rows[0])
    assert "price: removed" in dialog.details.toPlainText()
    dialog.list.itemClicked.emit(rows[0], 0)
    assert window.tree.current_item() == Item("call", ws.apis[0].calls[0].id)
    summary = window.response_panel.ui.summaryLabel.text()
    assert summary.startswith("Checked: 1 field removed.")
    assert window.response_panel.model._removed  # the removed field is shown struck out
    assert window.doc.workspace.model_dump() == before  # a check changes nothing


def test_serve_mock_adds_a_mock_environment_that_answers(window, loop, server, qtbot) -> None:
    _workspace(window, server.url)
    action = _menu_action(window, "serveMockAction")
    action.setChecked(True)
    qtbot.waitUntil(lambda: window.environments.active == "mock", timeout=WAIT)
    api = window.doc.workspace.apis[0]
    env = api.environment("mock")
    assert env is not None
    assert env.base_url.startswith("http://127.0.0.1:")
    answer = _get(qtbot, env.base_url + "/a")
    assert isinstance(answer, httpx.Response)
    assert answer.status_code == 200
    assert set(answer.json()) == {"id", "name", "price"}
    window.doc.undo_stack.undo()  # one undo step removes the environment
    assert window.doc.workspace.apis[0].environment("mock") is None
    window.doc.undo_stack.redo()
    action.setChecked(False)
    qtbot.waitUntil(lambda: window.mock_control.server is None, timeout=WAIT)

    assert isinstance(_get(qtbot, env.base_url + "/a"), httpx.ConnectError)
    assert action.isChecked() is False
    assert window.doc.workspace.apis[0].environment("mock") is not None


def test_the_apps_mock_answers_a_malformed_status_override_and_keeps_serving(
    window, loop, server, qtbot
) -> None:
    _workspace(window, server.url)
    action = _menu_action(window, "serveMockAction")
    action.setChecked(True)
    qtbot.waitUntil(lambda: window.environments.active == "mock", timeout=WAIT)
    env = window.doc.workspace.apis[0].environment("mock")
    assert env is not None
    try:
        for odd in ("%C2%B2", "%B2", "100"):  # "²" in UTF-8 and in Latin-1, a 1xx
            answer = _get(qtbot, f"{env.base_url}/a?__status={odd}")
            assert isinstance(answer, httpx.Response), answer
            assert answer.status_code == 400
            assert "must be an HTTP status (200 to 599)" in answer.json()["error"]["message"]
        answer = _get(qtbot, env.base_url + "/a")
        assert isinstance(answer, httpx.Response)
        assert answer.status_code == 200
    finally:
        action.setChecked(False)
        qtbot.waitUntil(lambda: window.mock_control.server is None, timeout=WAIT)
