"""Where the call editor's parts meet: body placement and body type, method and defaults,
the path and its parameters."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from designer.core.models import BodyType, Method, Placement, UseAs
from designer.ui.editing.edits import Item
from designer.ui.editors.params_table import PLACEMENT, VALUE


def current(window):
    return window.current_call()[1]


def show(window, name: str) -> QWidget:
    shop = window.doc.workspace.apis[0]
    window.tree.select(Item("call", next(c.id for c in shop.calls if c.name == name)))
    editor = window.findChild(QWidget, "callEditor")
    assert current(window).name == name
    return editor


def test_a_body_placement_gives_the_call_a_json_body_in_one_undo_step(window):
    editor = show(window, "Get order")  # GET, body None
    model = editor.params.model
    row = model.add_parameter()
    assert current(window).parameters[row].placement == Placement.QUERY  # a GET: query
    assert current(window).body_type == BodyType.NONE
    model.setData(model.index(row, PLACEMENT), "body")
    call = current(window)
    assert call.parameters[row].placement == Placement.BODY
    assert call.body_type == BodyType.JSON
    assert "Body type set to JSON" in editor.path_note.text()
    assert editor.path_note.isVisible()
    assert editor.body_type.currentData() == BodyType.JSON
    window.doc.undo_stack.undo()  # placement and body type together
    call = current(window)
    assert call.parameters[row].placement == Placement.QUERY
    assert call.body_type == BodyType.NONE


def test_the_body_tab_says_when_body_parameters_are_not_sent(window):
    editor = show(window, "Create order")
    editor.params.model.add_parameter()
    assert current(window).body_type == BodyType.JSON
    editor.body_type.setCurrentIndex(editor.body_type.findData(BodyType.NONE))
    editor.body_type.activated.emit(editor.body_type.currentIndex())
    assert current(window).body_type == BodyType.NONE  # the user's choice stands
    assert "body parameters 'param1' are not sent" in editor.body.hint.text()


def test_post_parameters_default_to_the_body(window):
    editor = show(window, "Create order")  # POST /orders, no parameters
    editor.params.add_row()
    call = current(window)
    assert [(p.name, p.placement) for p in call.parameters] == [("param1", Placement.BODY)]
    assert call.body_type == BodyType.JSON


@pytest.mark.parametrize(
    ("method", "use_as"),
    [("POST", UseAs.ACTION), ("PUT", UseAs.ACTION), ("DELETE", UseAs.ACTION), ("HEAD", UseAs.DATA)],
)
def test_a_writing_method_makes_the_call_an_action(window, method, use_as):
    editor = show(window, "Get order")
    assert current(window).use_as == UseAs.DATA
    editor.method.setEditText(method)
    editor._edit_method()
    assert current(window).method == Method(method)
    assert current(window).use_as == use_as
    assert editor.use_as.currentData() == use_as
    window.doc.undo_stack.undo()
    assert (current(window).method, current(window).use_as) == (Method.GET, UseAs.DATA)


def test_a_use_as_chosen_by_hand_is_kept_when_the_method_changes(window):
    editor = show(window, "Create order")  # POST, made as Data
    editor.method.setEditText("PATCH")
    editor._edit_method()
    # Data on a POST was not the default: the user's choice is kept.
    assert current(window).use_as == UseAs.DATA
    assert current(window).parameters == []
    model = editor.params.model
    model.add_parameter()
    model.setData(model.index(0, VALUE), "3")
    assert current(window).parameters[0].value == "3"


def test_a_retyped_path_placeholder_keeps_its_sample(window, qtbot):
    editor = show(window, "Get order")  # /orders/{id}, sample 42
    editor.path_edit.setFocus()
    editor.path_edit.end(False)
    for _ in range(3):  # "id}" erased
        qtbot.keyClick(editor.path_edit, Qt.Key.Key_Backspace)
    assert current(window).path == "/orders/{"
    assert current(window).parameters == []
    assert "Removed path parameter 'id'" in editor.path_note.text()
    qtbot.keyClicks(editor.path_edit, "order_id}")
    call = current(window)
    assert call.path == "/orders/{order_id}"
    assert [(p.name, p.value, p.placement) for p in call.parameters] == [
        ("order_id", "42", Placement.PATH)
    ]
    assert "Renamed path parameter 'id' to 'order_id', keeping its sample" in (
        editor.path_note.text()
    )
    assert editor.params.model.data(editor.params.model.index(0, VALUE)) == "42"
    window.doc.undo_stack.undo()  # the typing is one step
    assert current(window).path == "/orders/{id}"
    assert [(p.name, p.value) for p in current(window).parameters] == [("id", "42")]


def test_the_note_under_the_path_does_not_move_the_form_and_goes_away(window, qtbot):
    editor = show(window, "Get order")
    qtbot.waitUntil(lambda: editor.description.isVisible())
    before = editor.description.mapTo(editor, editor.description.rect().topLeft())
    tabs_before = editor.tabs.mapTo(editor, editor.tabs.rect().topLeft())
    editor._note_timer.setInterval(200)
    editor.path_edit.end(False)
    qtbot.keyClicks(editor.path_edit, "/lines/{line}")
    assert editor.path_note.isVisible()
    assert "Added path parameter 'line'" in window.statusBar().currentMessage()
    qtbot.wait(50)  # laid out again
    assert editor.description.mapTo(editor, editor.description.rect().topLeft()) == before
    assert editor.tabs.mapTo(editor, editor.tabs.rect().topLeft()) == tabs_before
    qtbot.waitUntil(lambda: not editor.path_note.isVisible(), timeout=3000)
    assert editor.description.mapTo(editor, editor.description.rect().topLeft()) == before


def test_tab_goes_from_the_tab_bar_into_the_parameters(window, qtbot):
    from PySide6.QtWidgets import QApplication

    editor = show(window, "Get order")
    editor.tabs.tabBar().setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.tabs.tabBar())
    qtbot.keyClick(editor.tabs.tabBar(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is editor.params.view
    # Alt+P is the Parameters tab's alone (Response is Alt+O).
    labels = [w.text() for w in editor.findChildren(QLabel) if "&" in w.text()]
    assert "Resp&onse:" in labels
    assert not [t for t in labels if "&p" in t.lower()]


def test_no_two_mnemonics_of_the_call_view_share_a_letter(window):
    import re

    from PySide6.QtWidgets import QAbstractButton, QTabWidget

    show(window, "Get order")
    letters: dict[str, list[str]] = {}
    for menu in window.menuBar().actions():
        letters.setdefault(re.search(r"&(\w)", menu.text()).group(1).lower(), []).append(
            menu.text()
        )
    texts = [w.text() for w in window.findChildren(QLabel) if w.isVisible() and w.buddy()]
    texts += [w.text() for w in window.findChildren(QAbstractButton) if w.isVisible()]
    for tabs in window.findChildren(QTabWidget):
        if tabs.isVisible():
            texts += [tabs.tabText(i) for i in range(tabs.count())]
    for text in texts:
        found = re.search(r"&(\w)", text.replace("&&", ""))
        if found:
            letters.setdefault(found.group(1).lower(), []).append(text)
    assert {k: v for k, v in letters.items() if len(v) > 1} == {}
