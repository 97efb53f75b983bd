"""The main window end to end: add, edit, save, reopen, prompts, shortcuts."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QMessageBox,
    QWidget,
)

from designer.core.workspace import file as workspace_file
from designer.ui.editing.edits import Item
from designer.ui.editors.params_table import NAME, VALUE
from designer.ui.infra.settings import Settings
from designer.ui.window import files as files_module
from designer.ui.window.files import FileActions
from tests.helpers.a11y import unnamed_controls

Button = QMessageBox.StandardButton


@pytest.fixture
def errors(monkeypatch):
    """Capture the warnings the window would show instead of blocking on them."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        files_module, "show_error", lambda _w, title, text: shown.append((title, text))
    )
    return shown


def answer(monkeypatch, button):
    asked = []

    def ask(self):
        asked.append(self)
        return button

    monkeypatch.setattr(FileActions, "ask_unsaved", ask)
    return asked


def test_layout_and_object_names(window):
    for name in ("apiTree", "apiEditor", "responsePanel"):
        assert window.findChild(QWidget, name) is not None, name
    # The call editor is built when a call is first shown, with its stable names.
    assert window.findChild(QWidget, "callEditor") is None
    window.tree.select(Item("call", window.doc.workspace.apis[0].calls[0].id))
    for name in ("callEditor", "paramsTable", "callName"):
        assert window.findChild(QWidget, name) is not None, name
    assert window.editors.currentWidget() is window.call_editor
    assert window.windowTitle() == "Test[*] — Connector Designer"
    assert window.width() >= 1000


def test_create_api_and_call_edit_save_and_reopen(window, tmp_path, qtbot):
    window.actions.add_api.trigger()
    api = window.doc.workspace.apis[-1]
    assert window.tree.current_item() == Item("api", api.id)
    window.actions.add_call.trigger()
    call = window.doc.workspace.apis[-1].calls[0]
    assert window.tree.current_item() == Item("call", call.id)
    editor = window.call_editor
    editor.path_edit.setFocus()
    qtbot.keyClicks(editor.path_edit, "/users/{user}")
    model = editor.params.model
    model.setData(model.index(0, model.column_of(VALUE)), "7")
    model.add_parameter()
    model.setData(model.index(1, model.column_of(NAME)), "verbose")

    path = tmp_path / "mine.workspace.json"
    assert window.files._save_to(path)
    assert not window.isWindowModified()
    assert window.windowTitle() == "mine.workspace.json[*] — Connector Designer"
    assert window.settings.recent_files() == [path.resolve()]
    assert workspace_file.load(path) == window.doc.workspace

    window.doc.undo_stack.undo()  # the rename of param1
    assert window.isWindowModified()
    window.doc.undo_stack.redo()
    assert not window.isWindowModified()


def test_save_refuses_a_workspace_that_would_not_load(window, tmp_path, errors):
    shop = window.doc.workspace.apis[0]
    window.tree.select(Item("call", shop.calls[0].id))
    model = window.call_editor.params.model
    model.add_parameter()
    model.setData(model.index(1, model.column_of(NAME)), "id")
    model.setData(model.index(1, 2), "path")  # a path parameter the path doesn't use
    assert not window.files._save_to(tmp_path / "x.workspace.json")
    assert errors
    assert "not used in the path" in errors[0][1]
    assert not (tmp_path / "x.workspace.json").exists()


def test_open_reports_a_broken_file(window, tmp_path, errors):
    broken = tmp_path / "broken.workspace.json"
    broken.write_text("{not json")
    assert not window.files.load(broken, ask=False)
    assert errors[0][0] == "Could not open workspace"
    assert window.doc.workspace.name == "Test"


def test_close_with_unsaved_changes_can_be_cancelled(window, monkeypatch):
    window.actions.add_api.trigger()
    asked = answer(monkeypatch, Button.Cancel)
    assert not window.close()
    assert asked
    assert window.isVisible()
    answer(monkeypatch, Button.Discard)
    assert window.close()


def test_close_can_save_first(window, monkeypatch, tmp_path):
    path = tmp_path / "saved.workspace.json"
    window.files._save_to(path)
    window.actions.add_api.trigger()
    answer(monkeypatch, Button.Save)
    assert window.close()
    assert [a.name for a in workspace_file.load(path).apis][-1] == "New API"


def test_new_asks_then_starts_empty(window, monkeypatch):
    window.actions.add_api.trigger()
    answer(monkeypatch, Button.Discard)
    window.actions.new.trigger()
    assert window.doc.workspace.apis == []
    assert not window.isWindowModified()
    assert not window.actions.add_call.isEnabled()


def test_unmodified_workspace_closes_without_asking(window, monkeypatch):
    asked = answer(monkeypatch, Button.Cancel)
    assert window.close()
    assert not asked


def test_layout_is_remembered(window, settings):
    window.resize(1100, 700)
    window.splitter.setSizes([300, 500, 300])
    assert window.close()
    stored = Settings(settings)
    assert stored.geometry() is not None
    assert stored.splitter_state("main") is not None


def test_recent_menu_opens_a_file(window, tmp_path):
    path = tmp_path / "r.workspace.json"
    window.files._save_to(path)
    window.doc.replace(workspace_file.load(path).model_copy(update={"name": "Other"}), None)
    window.actions.recent.aboutToShow.emit()
    entry = window.actions.recent.actions()[0]
    assert entry.text() == "r.workspace.json"
    entry.trigger()
    assert window.doc.path == path.resolve()


def test_tree_shortcuts_only_act_in_the_tree(window, qtbot):
    shop = window.doc.workspace.apis[0]
    window.tree.select(Item("call", shop.calls[0].id))
    window.call_editor.name_edit.setFocus()
    window.call_editor.name_edit.end(False)  # Delete at the end of the text: nothing to delete
    qtbot.keyClick(window.call_editor.name_edit, Qt.Key.Key_Delete)
    assert len(window.doc.workspace.apis[0].calls) == 3
    window.tree.view.setFocus()
    qtbot.keyClick(window.tree.view, Qt.Key.Key_Delete)
    assert [c.name for c in window.doc.workspace.apis[0].calls] == ["Get order", "Create order"]
    assert window.statusBar().currentMessage().startswith("Deleted “List orders”. Undo (")
    qtbot.keyClick(window.tree.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert len(window.doc.workspace.apis[0].calls) == 3


def test_filter_box(window, qtbot):
    qtbot.keyClicks(window.tree.filter_edit, "forecast")
    model = window.tree.model
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == "Weather"
    window.tree.select(Item("call", window.doc.workspace.apis[0].calls[0].id))
    assert window.tree.filter_edit.text() == ""  # selecting a hidden item clears the filter


def test_response_panel_edits_are_undoable(window):
    api, call = window.doc.workspace.apis[0], window.doc.workspace.apis[0].calls[0]
    window.tree.select(Item("call", call.id))
    window.response_panel.callEdited.emit(call.model_copy(update={"include_errors": True}))
    assert window.doc.find_call(call.id)[1].include_errors
    window.doc.undo_stack.undo()
    assert not window.doc.find_call(call.id)[1].include_errors
    assert api.id == window.current_api().id


def test_status_path_is_absolute(window, tmp_path):
    window.files._save_to(tmp_path / "s.workspace.json")
    assert Path(window.statusBar().currentMessage().removeprefix("Saved ")).is_absolute()


def test_unsaved_prompt_offers_save_discard_cancel(window, monkeypatch):
    monkeypatch.undo()  # the real prompt, with the dialog's exec() answered below
    seen = []

    def exec_(box):
        seen.append((box.text(), box.standardButtons()))
        return Button.Cancel

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    window.actions.add_api.trigger()
    assert not window.files.maybe_save()
    text, buttons = seen[0]
    assert text == "Save the changes to “Test”?"
    assert buttons == Button.Save | Button.Discard | Button.Cancel
    monkeypatch.setattr(QMessageBox, "exec", lambda box: Button.Discard)
    assert window.close()


def test_undo_action_names_the_edit_and_works_from_the_tree(window, qtbot):
    shop = window.doc.workspace.apis[0]
    window.tree.select(Item("api", shop.id))
    window.actions.add_call.trigger()
    assert window.actions.undo.text() == "&Undo Add call"
    window.tree.view.setFocus()
    qtbot.keyClick(window.tree.view, Qt.Key.Key_Escape)  # leave the inline name editor
    qtbot.keyClick(window.tree.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(window.doc.workspace.apis[0].calls) == 3
    assert window.actions.redo.text() == "&Redo Add call"


def test_every_control_has_a_name_a_tooltip_and_keyboard_focus(window):
    api = window.doc.workspace.apis[0]
    window.tree.select(Item("api", api.id))
    assert unnamed_controls(window) == []
    window.tree.select(Item("call", api.calls[0].id))
    assert unnamed_controls(window) == []
