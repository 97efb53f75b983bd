"""The call editor: fields, path placeholders, parameters, preview, cURL, undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QTableView, QWidget

from designer.core.models import BodyType, Placement, secret_ref
from designer.ui.editing.edits import Item
from designer.ui.editors.params_table import DYNAMIC, VALUE


@pytest.fixture
def editor(window):
    shop = window.doc.workspace.apis[0]
    window.tree.select(Item("call", shop.calls[1].id))  # Get order: GET /orders/{id}
    return window.findChild(QWidget, "callEditor")


def current(window):
    return window.current_call()[1]


def test_object_names_are_stable(window, editor):
    assert editor.isVisible()
    assert window.findChild(QTableView, "paramsTable").isVisible()
    assert window.findChild(QWidget, "apiTree") is not None


def test_typing_a_name_is_one_undo_step(window, editor, qtbot):
    editor.name_edit.selectAll()
    qtbot.keyClicks(editor.name_edit, "Fetch order")
    assert current(window).name == "Fetch order"
    assert window.windowTitle().startswith("Test[*]")
    assert window.isWindowModified()
    window.doc.undo_stack.undo()
    assert current(window).name == "Get order"
    assert editor.name_edit.text() == "Get order"
    assert not window.isWindowModified()


def test_undo_shortcut_in_a_field_undoes_the_document(window, editor, qtbot):
    editor.name_edit.setFocus()
    editor.name_edit.end(False)
    qtbot.keyClicks(editor.name_edit, "!")
    assert current(window).name == "Get order!"
    qtbot.keyClick(editor.name_edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert current(window).name == "Get order"


def test_placeholder_in_path_adds_a_path_parameter(window, editor, qtbot):
    editor.path_edit.end(False)
    qtbot.keyClicks(editor.path_edit, "/lines/{line}")
    call = current(window)
    assert call.path == "/orders/{id}/lines/{line}"
    assert [(p.name, p.placement) for p in call.parameters] == [
        ("id", Placement.PATH),
        ("line", Placement.PATH),
    ]
    assert editor.path_note.isVisible()
    assert "Added path parameter 'line'" in editor.path_note.text()
    window.doc.undo_stack.undo()
    assert [p.name for p in current(window).parameters] == ["id"]
    assert current(window).path == "/orders/{id}"


def test_removing_a_placeholder_removes_its_parameter(window, editor, qtbot):
    editor.path_edit.selectAll()
    qtbot.keyClicks(editor.path_edit, "/orders")
    assert current(window).parameters == []
    assert "Removed path parameter 'id'" in editor.path_note.text()


def test_table_edits_are_undoable(window, editor):
    model = editor.params.model
    model.setData(model.index(0, VALUE), "99")
    assert current(window).parameters[0].value == "99"
    model.add_parameter()
    assert len(current(window).parameters) == 2
    window.doc.undo_stack.undo()
    window.doc.undo_stack.undo()
    assert current(window).parameters[0].value == "42"
    assert model.rowCount() == 1


def test_preview_shows_the_request_or_what_is_missing(window, editor, secrets, qtbot):
    preview = editor.preview
    # The Shop API uses a bearer token that is not set yet.
    qtbot.waitUntil(lambda: preview.error.isVisible())
    assert "bearer token" in preview.error.text()
    shop = window.doc.workspace.apis[0]
    secrets.set(secret_ref(shop, "auth.token"), "tok-123")
    preview.show_request(*window.current_call())
    qtbot.waitUntil(lambda: preview.text.toPlainText().startswith("GET "))
    text = preview.text.toPlainText()
    assert "https://shop.example.com/v1/orders/42" in text
    assert "tok-123" not in text
    model = editor.params.model
    model.setData(model.index(0, VALUE), "")
    qtbot.waitUntil(lambda: preview.error.isVisible())
    assert "needs a value" in preview.error.text()
    model.setData(model.index(0, VALUE), "7")
    qtbot.waitUntil(lambda: not preview.error.isVisible())
    assert "/orders/7" in preview.text.toPlainText()


def test_copy_as_curl_writes_secrets_as_variables(window, editor, secrets, qtbot):
    secrets.set(secret_ref(window.doc.workspace.apis[0], "auth.token"), "tok-123")
    editor.preview.show_request(*window.current_call())
    qtbot.waitUntil(lambda: editor.preview.copy_button.isEnabled())
    qtbot.mouseClick(editor.preview.copy_button, Qt.MouseButton.LeftButton)
    command = QGuiApplication.clipboard().text()
    assert command.startswith("curl ")
    assert "tok-123" not in command
    assert "••••" not in command  # a masked value cannot run
    # The same variable the CLI's curl export and the bundles use.
    assert "-H 'Authorization: Bearer '\"${CD_SECRET_SHOP_AUTH_TOKEN}\"" in command
    assert "set CD_SECRET_SHOP_AUTH_TOKEN before" in window.statusBar().currentMessage()


def test_copy_as_curl_with_secrets_asks_first(window, editor, secrets, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    secrets.set(secret_ref(window.doc.workspace.apis[0], "auth.token"), "tok-123")
    editor.preview.show_request(*window.current_call())
    qtbot.waitUntil(lambda: editor.preview.copy_revealed_button.isEnabled())
    QGuiApplication.clipboard().setText("before")
    answers = iter([QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes])
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: next(answers))
    qtbot.mouseClick(editor.preview.copy_revealed_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "before"  # cancelled: nothing copied
    qtbot.mouseClick(editor.preview.copy_revealed_button, Qt.MouseButton.LeftButton)
    command = QGuiApplication.clipboard().text()
    assert "Authorization: Bearer tok-123" in command
    assert "https://shop.example.com/v1/orders/42" in command


def test_body_and_options(window, editor, qtbot):
    editor.body_type.setCurrentIndex(editor.body_type.findData(BodyType.RAW))
    editor.body_type.activated.emit(editor.body_type.currentIndex())
    assert current(window).body_type == BodyType.RAW
    assert editor.template.isEnabled()
    assert editor.content_type.isEnabled()
    editor.template.setPlainText("<order/>")
    assert current(window).body_template == "<order/>"
    qtbot.mouseClick(editor.include_errors, Qt.MouseButton.LeftButton)
    assert current(window).include_errors


def test_content_type_shows_what_each_body_type_sends(window, editor):
    for kind, shown, editable in (
        (BodyType.JSON, "application/json", False),
        (BodyType.FORM, "application/x-www-form-urlencoded", False),
        (BodyType.RAW, "text/plain; charset=utf-8", True),
    ):
        editor.body_type.setCurrentIndex(editor.body_type.findData(kind))
        editor.body_type.activated.emit(editor.body_type.currentIndex())
        assert editor.content_type.placeholderText() == shown
        assert editor.content_type.isEnabled() is editable


def test_problem_is_shown_before_saving(window, editor):
    model = editor.params.model
    row = model.add_parameter()
    model.setData(model.index(row, 2), "path")
    assert editor.problem.isVisible()
    assert "not used in the path" in editor.problem.text()
    model.setData(
        model.index(row, DYNAMIC), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole
    )
    window.doc.undo_stack.undo()
    window.doc.undo_stack.undo()
    assert not editor.problem.isVisible()
