"""The Type column of the parameters table, and custom methods in the call editor."""

from __future__ import annotations

import orjson
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QComboBox,
    QFileDialog,
    QLineEdit,
    QTableView,
    QWidget,
)

from designer.core.models import BodyType, Method, ValueType
from designer.core.workspace import file as wf
from designer.ui.editing.commands import EditCall
from designer.ui.editing.edits import Item
from designer.ui.editors.params_table import NAME, TYPE, VALUE


@pytest.fixture
def editor(window, secrets):
    shop = window.doc.workspace.apis[0]
    secrets.set(f"{shop.id}/auth.token", "tok")
    window.tree.select(Item("call", shop.calls[2].id))  # Create order: POST /orders
    return window.findChild(QWidget, "callEditor")


def current(window):
    return window.current_call()[1]


def body_of(editor, qtbot) -> object:
    """The body the request preview shows, once it has caught up with the last edit."""
    preview = editor.preview
    preview.show_request(*editor.current())
    preview.refresh()
    text = preview.text.toPlainText()
    assert text.startswith("POST "), preview.error.text()
    return orjson.loads(text.split("\n\n", 1)[1])


def add_body_param(editor, name: str, value: str) -> int:
    model = editor.params.model
    row = model.add_parameter()
    editor.params.view.closePersistentEditor(model.index(row, model.column_of(NAME)))
    model.setData(model.index(row, model.column_of(NAME)), name)
    model.setData(model.index(row, model.column_of(VALUE)), value)
    model.setData(model.index(row, model.column_of(2)), "body")
    return row


def choose_type(editor, qtbot, row: int, label: str) -> None:
    """Pick a type the way a user does: open the cell's combo box and choose."""
    view = editor.params.view
    index = editor.params.model.index(row, editor.params.model.column_of(TYPE))
    view.setCurrentIndex(index)
    view.edit(index)
    # Closed editors linger until deleted later: the open one is the visible one.
    (combo,) = [c for c in view.findChildren(QComboBox, "paramTypeCombo") if c.isVisible()]
    combo.setCurrentIndex(combo.findText(label))
    combo.activated.emit(combo.currentIndex())
    view.commitData(combo)
    view.closeEditor(combo, QAbstractItemDelegate.EndEditHint.NoHint)


def test_type_column_sits_next_to_the_sample(window, editor):
    view = window.findChild(QTableView, "paramsTable")
    header = view.horizontalHeader()
    model = editor.params.model
    titles = [
        model.headerData(header.logicalIndex(v), Qt.Orientation.Horizontal)
        for v in range(header.count())
    ]
    assert titles == [
        "Name",
        "Sample value",
        "Type",
        "Placement",
        "Dynamic",
        "Private",
        "Optional",
    ]


def test_choosing_a_type_is_undoable_persists_and_shows_in_the_preview(
    window, editor, qtbot, tmp_path
):
    window.doc.undo_stack.clear()
    editor.body_type.setCurrentIndex(editor.body_type.findData(BodyType.JSON))
    editor.body_type.activated.emit(editor.body_type.currentIndex())
    qty = add_body_param(editor, "quantity", "7")
    done = add_body_param(editor, "complete", "TRUE")
    assert body_of(editor, qtbot) == {"quantity": "7", "complete": "TRUE"}

    choose_type(editor, qtbot, qty, "Integer")
    choose_type(editor, qtbot, done, "Yes/no")
    model = editor.params.model
    assert model.index(qty, model.column_of(TYPE)).data() == "Integer"
    assert [p.type for p in current(window).parameters] == [ValueType.INTEGER, ValueType.BOOLEAN]
    assert body_of(editor, qtbot) == {"quantity": 7, "complete": True}
    assert window.doc.undo_stack.undoText() == "Make 'complete' yes/no"

    window.doc.undo_stack.undo()
    assert current(window).parameters[1].type is ValueType.TEXT
    assert model.index(done, model.column_of(TYPE)).data() == "Text"
    assert body_of(editor, qtbot) == {"quantity": 7, "complete": "TRUE"}
    window.doc.undo_stack.redo()
    assert body_of(editor, qtbot) == {"quantity": 7, "complete": True}

    path = tmp_path / "typed.json"
    wf.save(window.doc.workspace, path)
    saved = wf.load(path).apis[0].calls[2].parameters
    assert [(p.name, p.type) for p in saved] == [
        ("quantity", ValueType.INTEGER),
        ("complete", ValueType.BOOLEAN),
    ]


def test_a_sample_that_does_not_fit_is_marked_and_explained(window, editor, qtbot):
    editor.body_type.setCurrentIndex(editor.body_type.findData(BodyType.JSON))
    editor.body_type.activated.emit(editor.body_type.currentIndex())
    row = add_body_param(editor, "quantity", "seven")
    choose_type(editor, qtbot, row, "Integer")
    model = editor.params.model
    value = model.index(row, model.column_of(VALUE))
    assert value.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "is not a whole number" in value.data(Qt.ItemDataRole.ToolTipRole)
    preview = editor.preview
    preview.show_request(*editor.current())
    preview.refresh()
    assert "Parameter 'quantity' of call 'Create order' in API 'Shop': 'seven' is not a whole" in (
        preview.error.text()
    )
    model.setData(value, "7")
    assert value.data(Qt.ItemDataRole.BackgroundRole) is None
    assert body_of(editor, qtbot) == {"quantity": 7}


def test_a_custom_method_can_be_typed_and_undone(window, editor, qtbot):
    combo = window.findChild(QComboBox, "callMethod")
    assert combo is editor.method
    assert combo.isEditable()
    combo.setFocus()
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), "purge now")  # the space is refused as it is typed
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)
    assert current(window).method == "PURGENOW"
    assert isinstance(current(window).method, Method)
    assert combo.currentText() == "PURGENOW"
    editor.preview.show_request(*editor.current())
    qtbot.waitUntil(lambda: editor.preview.text.toPlainText().startswith("PURGENOW "))
    window.doc.undo_stack.undo()
    assert current(window).method is Method.POST
    assert combo.currentText() == "POST"
    # Choosing a common method from the list still works.
    combo.setCurrentIndex(combo.findText("PUT"))
    combo.activated.emit(combo.currentIndex())
    assert current(window).method is Method.PUT


def test_a_loaded_custom_method_is_shown(window, editor):
    before = window.doc.workspace.apis[0].calls[2]
    after = before.model_copy(update={"method": Method("LINK")})
    window.doc.undo_stack.push(EditCall(window.doc, before, after, "Change method"))
    assert editor.method.currentText() == "LINK"
    window.doc.undo_stack.undo()
    assert editor.method.currentText() == "POST"


def test_screenshot_of_the_editor_with_types(window, editor, qtbot, tmp_path):
    editor.body_type.setCurrentIndex(editor.body_type.findData(BodyType.JSON))
    editor.body_type.activated.emit(editor.body_type.currentIndex())
    for name, value, label in (
        ("petId", "198772", "Integer"),
        ("quantity", "7", "Integer"),
        ("complete", "true", "Yes/no"),
        ("tags", '["small", "brown"]', "JSON"),
        ("status", "placed", "Text"),
    ):
        choose_type(editor, qtbot, add_body_param(editor, name, value), label)
    body_of(editor, qtbot)
    view = editor.params.view
    header = view.horizontalHeader()
    type_column = editor.params.model.column_of(TYPE)
    # Wide enough for its longest label, and the sample keeps most of the width.
    assert header.sectionSize(type_column) >= view.fontMetrics().horizontalAdvance("Yes/no")
    assert header.sectionSize(editor.params.model.column_of(VALUE)) > 2 * header.sectionSize(
        type_column
    )
    assert window.grab().save(str(tmp_path / "typed.png"))


def test_a_file_sample_is_chosen_in_a_file_dialog(window, editor, qtbot, monkeypatch, tmp_path):
    photo = tmp_path / "tom.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n")
    editor.body_type.setCurrentIndex(editor.body_type.findData(BodyType.MULTIPART))
    editor.body_type.activated.emit(editor.body_type.currentIndex())
    row = add_body_param(editor, "photo", "")
    choose_type(editor, qtbot, row, "File")
    asked: list[str] = []

    def pick(parent, caption, start, *args):
        asked.append(caption)
        return str(photo), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(pick))
    view = editor.params.view
    index = editor.params.model.index(row, editor.params.model.column_of(VALUE))
    view.setCurrentIndex(index)
    view.edit(index)
    (line,) = [e for e in view.findChildren(QLineEdit) if e.isVisible()]
    assert line.accessibleName() == "Path of the file to send"
    line.findChild(QAction, "chooseFileAction").trigger()
    assert asked == ["Choose the file to send"]
    assert current(window).parameters[0].value == str(photo)
    preview = editor.preview
    preview.show_request(*editor.current())
    preview.refresh()
    assert f"photo=@{photo}" in preview.text.toPlainText()
    window.doc.undo_stack.undo()
    assert current(window).parameters[0].value == ""
