"""Adding from the tree: buttons at its foot, and a context menu on its empty space."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QToolButton

from designer.ui.editing.edits import Item


def test_the_buttons_under_the_tree_add_an_api_and_a_call(window, qtbot):
    add_api = window.findChild(QToolButton, "addApiButton")
    add_call = window.findChild(QToolButton, "addCallButton")
    assert add_api.isVisible()
    assert add_call.isVisible()
    assert add_api.text() == "Add API"
    assert "Ctrl+Shift+A" in add_api.toolTip()
    count = len(window.doc.workspace.apis)
    qtbot.mouseClick(add_api, Qt.MouseButton.LeftButton)
    if window.tree.view.state() == window.tree.view.State.EditingState:
        qtbot.keyClick(window.tree.view.focusWidget() or window.tree.view, Qt.Key.Key_Escape)
    assert len(window.doc.workspace.apis) == count + 1
    new_api = window.doc.workspace.apis[-1]
    assert window.tree.current_item() == Item("api", new_api.id)
    qtbot.mouseClick(add_call, Qt.MouseButton.LeftButton)
    assert [c.name for c in window.doc.api(new_api.id).calls] == ["New call"]


def test_a_right_click_on_empty_tree_space_offers_to_add(window, qtbot):
    view = window.tree.view
    empty = QPoint(20, view.viewport().height() - 5)
    assert not view.indexAt(empty).isValid()
    view.customContextMenuRequested.emit(empty)
    menu = view.context_menu
    assert menu is not None
    qtbot.waitUntil(menu.isVisible)
    assert [a.text() for a in menu.actions()] == ["Add &API", "Add &Call"]
    menu.close()
    on_item = view.visualRect(window.tree.model.index(0, 0)).center()
    view.customContextMenuRequested.emit(on_item)
    texts = [a.text() for a in view.context_menu.actions() if not a.isSeparator()]
    assert texts == [
        "Add &API",
        "Add &Call",
        "Re&name",
        "&Duplicate",
        "&Update from Source…",
        "De&lete",
    ]
    view.context_menu.close()
