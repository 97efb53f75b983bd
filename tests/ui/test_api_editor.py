"""The API editor: fields, authentication with secrets, shared headers."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from designer.core.models import ApiKeyHeaderAuth, BearerAuth, NoAuth, secret_ref
from designer.ui.editing.edits import Item
from designer.ui.editors.params_table import VALUE


@pytest.fixture
def editor(window):
    window.tree.select(Item("api", window.doc.workspace.apis[0].id))
    return window.findChild(QWidget, "apiEditor")


def shop(window):
    return window.doc.workspace.apis[0]


def test_shows_the_api(window, editor):
    assert editor.isVisible()
    assert editor.name_edit.text() == "Shop"
    assert editor.base_url.text() == "https://shop.example.com/v1"
    assert editor.auth_type.currentText() == "Bearer token"
    assert editor.secret.isVisible()
    assert editor.secret_label.text() == "&Token:"
    assert not editor.auth_fields["username"].isVisible()


def test_a_long_value_shows_from_its_start(window, editor):
    from designer.ui.editing.commands import EditApi

    text = "A long description of the shop API, " * 6
    before = shop(window)
    after = before.model_copy(update={"description": text})
    window.doc.undo_stack.push(EditApi(window.doc, before, after, "Edit description"))
    assert editor.description.text() == text
    assert editor.description.cursorPosition() == 0  # not scrolled to the end


def test_base_url_edit_is_undoable_and_keeps_calls(window, editor, qtbot):
    editor.base_url.selectAll()
    qtbot.keyClicks(editor.base_url, "http://localhost:8000")
    assert shop(window).base_url == "http://localhost:8000"
    assert len(shop(window).calls) == 3
    window.doc.undo_stack.undo()
    assert shop(window).base_url == "https://shop.example.com/v1"
    assert len(shop(window).calls) == 3


def test_secret_field_writes_the_store_and_reveals(window, editor, secrets, qtbot):
    assert editor.secret.echoMode() == QLineEdit.EchoMode.Password
    qtbot.keyClicks(editor.secret, "tok")
    assert secrets.get(secret_ref(shop(window), "auth.token")) == "tok"
    assert not window.doc.is_dirty  # secrets are not part of the file
    editor.secret.reveal_action.trigger()
    assert editor.secret.echoMode() == QLineEdit.EchoMode.Normal
    editor.secret.reveal_action.trigger()
    assert editor.secret.echoMode() == QLineEdit.EchoMode.Password


def test_changing_auth_type_shows_its_fields(window, editor, qtbot):
    row = editor.auth_type.findText("API key in a header")
    editor.auth_type.setCurrentIndex(row)
    editor.auth_type.activated.emit(row)
    assert isinstance(shop(window).auth, ApiKeyHeaderAuth)
    assert editor.auth_fields["header"].isVisible()
    assert editor.auth_fields["header"].text() == "Authorization"
    assert editor.secret_label.text() == "&Key:"
    qtbot.keyClicks(editor.auth_fields["prefix"], "Token ")
    assert shop(window).auth.prefix == "Token "
    none = editor.auth_type.findText("None")
    editor.auth_type.setCurrentIndex(none)
    editor.auth_type.activated.emit(none)
    assert isinstance(shop(window).auth, NoAuth)
    assert not editor.secret.isVisible()
    assert editor.auth_note.isVisible()
    window.doc.undo_stack.undo()
    window.doc.undo_stack.undo()
    window.doc.undo_stack.undo()
    assert isinstance(shop(window).auth, BearerAuth)


def test_shared_headers_table(window, editor):
    model = editor.headers.model
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Value"
    model.setData(model.index(0, model.column_of(VALUE)), "application/xml")
    assert shop(window).headers[0].value == "application/xml"
    row = model.add_parameter()
    assert shop(window).headers[row].placement.value == "header"


def test_duplicate_api_name_is_refused(window, editor, qtbot):
    editor.name_edit.selectAll()
    qtbot.keyClicks(editor.name_edit, "weather")
    assert shop(window).name == "weathe"  # each keystroke applies, until the name is taken
    assert "already exists" in window.statusBar().currentMessage()
    editor.name_edit.editingFinished.emit()
    assert editor.name_edit.text() == "weathe"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://localhost:99999", "The base URL has port 99999, out of the range 1 to 65535."),
        (
            "http://[::1",
            "The base URL has an IPv6 address without its closing bracket: write it as "
            "http://[::1]:8080.",
        ),
    ],
)
def test_base_url_is_checked_while_typing(window, editor, qtbot, url, message):
    editor.base_url.selectAll()
    qtbot.keyClicks(editor.base_url, url)
    assert editor.problem.isVisible()
    assert editor.problem.text() == message
    editor.base_url.selectAll()
    qtbot.keyClicks(editor.base_url, "http://[::1]:8080/v1")
    assert not editor.problem.isVisible()


def _replace(window, **update):
    from designer.ui.editing.commands import EditApi

    before = shop(window)
    window.doc.undo_stack.push(
        EditApi(window.doc, before, before.model_copy(update=update), "Edit")
    )


def test_a_secret_read_from_a_variable_is_shown_as_such(window, editor, secrets, monkeypatch):
    secrets.set(secret_ref(shop(window), "auth.token"), "stored-token")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    _replace(window, secret_variables={"auth.token": "OPENAI_API_KEY"})
    assert editor.secret.isReadOnly()
    assert editor.secret.text() == ""
    assert editor.secret.placeholderText() == "read from $OPENAI_API_KEY when a request is sent"
    # Started from the desktop, without the variable: the token can be entered here.
    monkeypatch.delenv("OPENAI_API_KEY")
    _replace(window, secret_variables={})
    _replace(window, secret_variables={"auth.token": "OPENAI_API_KEY"})
    assert not editor.secret.isReadOnly()
    assert editor.secret.placeholderText() == "$OPENAI_API_KEY is not set: enter the token here"
    assert editor.secret.text() == "stored-token"


def test_basic_with_the_key_as_user_name(window, editor, qtbot):
    from designer.core.models import BasicAuth

    _replace(window, auth=BasicAuth(key_as_username=True))
    assert editor.key_as_username.isVisible()
    assert editor.key_as_username.isChecked()
    assert not editor.auth_fields["username"].isVisible()
    assert editor.secret_label.text() == "&Key:"
    editor.key_as_username.click()
    assert shop(window).auth == BasicAuth()
    assert editor.auth_fields["username"].isVisible()
    assert editor.secret_label.text() == "&Password:"
    window.doc.undo_stack.undo()
    assert shop(window).auth == BasicAuth(key_as_username=True)
