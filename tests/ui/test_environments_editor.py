"""The Environments tab of the API editor: add, rename, remove, overrides and secrets.

Every model edit is one undo step on the document's stack; the toolbar's
switcher follows additions and renames; the call editor's preview shows the
active environment.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from designer.core.models import Parameter, Placement, secret_ref
from designer.ui.editing.edits import Item

pytestmark = pytest.mark.gui


@pytest.fixture
def envs(window: Any) -> Any:
    api = window.doc.workspace.apis[0]
    window.tree.select(Item("api", api.id))
    editor = window.api_editor
    editor.tabs.setCurrentWidget(editor.environments)
    return editor.environments


def _api(window: Any) -> Any:
    return window.doc.workspace.apis[0]


def _switcher_names(window: Any) -> list[str]:
    switcher = window.environments
    return [switcher.itemText(i) for i in range(switcher.count())]


def test_add_suggests_development_then_live_and_is_undoable(window: Any, envs: Any) -> None:
    assert envs.empty.isVisible()
    assert not envs.form.isVisible()
    envs.add_button.click()
    window.focusWidget().clearFocus()  # leave the name editor the click opened
    envs.add_environment()
    assert [e.name for e in _api(window).environments] == ["development", "live"]
    assert envs.list.currentItem().text() == "live"
    assert envs.form.isVisible()
    assert not envs.empty.isVisible()
    assert _switcher_names(window) == ["No environment", "development", "live"]
    window.doc.undo_stack.undo()
    assert [e.name for e in _api(window).environments] == ["development"]
    assert _switcher_names(window) == ["No environment", "development"]
    assert len(_api(window).calls) == 3  # API edits keep the calls


def test_rename_in_place_follows_in_the_switcher(window: Any, envs: Any) -> None:
    envs.add_environment("live")
    window.environments.setCurrentIndex(1)
    window.environments.activated.emit(1)
    item = envs.list.item(0)
    item.setText("production")  # what editing the item in place does
    assert [e.name for e in _api(window).environments] == ["production"]
    assert _switcher_names(window) == ["No environment", "production"]
    assert window.environments.active == "production"
    window.doc.undo_stack.undo()
    assert window.environments.active == "live"


def test_duplicate_or_blank_names_are_refused(window: Any, envs: Any, qtbot: Any) -> None:
    envs.add_environment("live")
    envs.add_environment("dev")
    with qtbot.waitSignal(envs.message) as said:
        envs.list.item(1).setText("LIVE")
    assert "already has an environment named 'LIVE'" in said.args[0]
    assert envs.list.item(1).text() == "dev"
    assert not envs.rename_environment(_api(window).environments[0].id, "  ")
    assert [e.name for e in _api(window).environments] == ["live", "dev"]


def test_remove_selects_the_neighbour_and_undo_restores(window: Any, envs: Any) -> None:
    for name in ("development", "live", "staging"):
        envs.add_environment(name)
    envs.list.setCurrentRow(1)
    envs.remove_button.click()
    assert [e.name for e in _api(window).environments] == ["development", "staging"]
    assert envs.selected().name == "staging"
    window.doc.undo_stack.undo()
    assert [e.name for e in _api(window).environments] == ["development", "live", "staging"]


def test_overrides_edit_the_model_one_undo_step_per_field(
    window: Any, envs: Any, qtbot: Any
) -> None:
    api = _api(window)
    envs.add_environment("live")
    form = envs.form
    assert form.base_url.placeholderText() == api.base_url
    qtbot.keyClicks(form.base_url, "https://live.shop.test/v1")
    assert _api(window).environments[0].base_url == "https://live.shop.test/v1"
    accept = form.values["Accept"]
    assert accept.placeholderText() == "application/json"
    qtbot.keyClicks(accept, "text/csv")
    assert _api(window).environments[0].parameters == {"Accept": "text/csv"}
    window.doc.undo_stack.undo()
    assert _api(window).environments[0].parameters == {}
    window.doc.undo_stack.undo()
    assert _api(window).environments[0].base_url == ""
    window.doc.undo_stack.redo()
    assert form.base_url.text() == "https://live.shop.test/v1"


def test_secret_fields_store_per_environment_refs_and_reveal(
    window: Any, envs: Any, qtbot: Any
) -> None:
    api = _api(window)
    window.doc.undo_stack.push(_with_private_header(window, api))
    envs.add_environment("live")
    env = _api(window).environments[0]
    form = envs.form
    token = form.secret_fields[secret_ref(api, "auth.token")]
    assert token.echoMode().name == "Password"
    assert token.placeholderText() == "not set"
    qtbot.keyClicks(token, "live-t0ken")
    assert window.secrets.get(secret_ref(api, "auth.token", environment=env)) == "live-t0ken"
    assert window.secrets.get(secret_ref(api, "auth.token")) is None
    token.reveal_action.trigger()
    assert token.echoMode().name == "Normal"
    header = form.secret_fields[secret_ref(api, "header.X-Key")]
    qtbot.keyClicks(header, "hk")
    assert window.secrets.get(secret_ref(api, "header.X-Key", environment=env)) == "hk"
    assert "live-t0ken" not in _api(window).model_dump_json()
    token.clear()
    qtbot.keyClicks(token, "x")
    qtbot.keyClick(token, Qt.Key.Key_Backspace)
    assert window.secrets.get(secret_ref(api, "auth.token", environment=env)) is None


def _with_private_header(window: Any, api: Any) -> Any:
    from designer.ui.editing.commands import EditApi

    before = api.model_copy(update={"calls": []})
    headers = [*api.headers, Parameter(name="X-Key", private=True, placement=Placement.HEADER)]
    return EditApi(window.doc, before, before.model_copy(update={"headers": headers}), "h")


def test_the_preview_shows_the_active_environment(window: Any, envs: Any, qtbot: Any) -> None:
    api = _api(window)
    env = envs.add_environment("live")
    qtbot.keyClicks(envs.form.base_url, "https://live.shop.test/v2")
    window.secrets.set(secret_ref(api, "auth.token"), "own-token")
    window.secrets.set(secret_ref(api, "auth.token", environment=env), "live-token")
    window.tree.select(Item("call", api.calls[0].id))
    preview = window.call_editor.preview
    qtbot.waitUntil(lambda: "shop.example.com/v1/orders" in preview.text.toPlainText())
    window.environments.setCurrentIndex(window.environments.findData("live"))
    window.environments.activated.emit(window.environments.currentIndex())
    qtbot.waitUntil(lambda: "live.shop.test/v2/orders" in preview.text.toPlainText())
    assert "live-token" not in preview.text.toPlainText()  # masked, as ever


def test_ctrl_z_in_an_environment_field_undoes_the_document_edit(
    window: Any, envs: Any, qtbot: Any
) -> None:
    envs.add_environment("live")
    field = envs.form.values["Accept"]  # built for this API, after the editor
    field.setFocus()
    qtbot.keyClicks(field, "text/csv")
    qtbot.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _api(window).environments[0].parameters == {}
    assert field.text() == ""
    assert window.doc.undo_stack.canRedo()  # the document's undo, not the field's own


def test_environment_base_url_is_checked_while_typing(window: Any, envs: Any, qtbot: Any) -> None:
    envs.add_environment("live")
    form = envs.form
    qtbot.keyClicks(form.base_url, "http://live.shop.test:99999")
    assert form.url_problem.isVisible()
    assert form.url_problem.text() == ("This base URL has port 99999, out of the range 1 to 65535.")
    form.base_url.selectAll()
    qtbot.keyClicks(form.base_url, "http://live.shop.test:8443/v1")
    assert not form.url_problem.isVisible()
    assert _api(window).environments[0].base_url == "http://live.shop.test:8443/v1"
