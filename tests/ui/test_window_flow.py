"""The main window as a user drives it: calls run on their own, undo shows what it did,
rename starts only when asked, and Tab follows the layout."""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

from designer.core.inference import infer_body
from designer.core.models import Api, Call, Workspace
from designer.core.structure import ResponseType, Shape
from designer.ui.editing.edits import Item
from designer.ui.infra import workers
from designer.ui.tree import ITEM_ROLE
from tests.helpers.shape_server import ShapeServer, running_shape_server

pytestmark = pytest.mark.gui
WAIT = 20_000


@pytest.fixture
def server() -> Iterator[ShapeServer]:
    with running_shape_server() as running:
        yield running


@pytest.fixture(scope="module", autouse=True)
def _workers() -> Iterator[None]:
    yield
    workers.shutdown_workers()


def _two_calls(window, url: str) -> tuple[Api, Call, Call]:
    api = Api(name="Slow API", base_url=url, calls=[Call(name="Slow"), Call(name="Other")])
    window.doc.replace(Workspace(apis=[api]), None)
    return api, api.calls[0], api.calls[1]


def _shape(value: object) -> Shape:
    return infer_body(orjson.dumps(value), "application/json", ResponseType.AUTO)


def _initialize_button(window):
    """The primary Initialize button, at the end of the request line."""
    return window.call_editor.request_line.initialize


def _row_text(window, call_id: str) -> str:
    return str(window.tree.model.item_index(Item("call", call_id)).data())


def test_switching_calls_does_not_cancel_a_request(window, loop, server, qtbot) -> None:
    server.gate.clear()
    server.serve({"id": 1, "total": 2.5})
    _, slow, other = _two_calls(window, server.url)
    window.tree.select(Item("call", slow.id))
    panel = window.response_panel
    qtbot.mouseClick(_initialize_button(window), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _row_text(window, slow.id).startswith("↻ "))  # marked busy in the tree

    window.tree.select(Item("call", other.id))
    assert panel.statusLabel.text() == "Not initialized"
    assert not panel.ui.message.isVisible()  # no "Cancelled" on the call switched to
    server.gate.set()
    qtbot.waitUntil(lambda: window.doc.find_call(slow.id)[1].structure is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: _row_text(window, slow.id) == "Slow")
    assert window.doc.find_call(other.id)[1].structure is None
    assert window.doc.undo_stack.undoText() == "Edit response structure"

    window.tree.select(Item("call", slow.id))  # its result is there when going back
    assert panel.statusLabel.text().startswith("Last response: 200 OK")
    assert panel.model.rowCount() == 2


def test_a_failed_call_is_marked_in_the_tree(window, loop, server, qtbot) -> None:
    server.status = 500
    _, slow, _ = _two_calls(window, server.url)
    window.tree.select(Item("call", slow.id))
    qtbot.mouseClick(_initialize_button(window), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _row_text(window, slow.id).startswith("⚠ "), timeout=WAIT)
    tip = window.tree.model.item_index(Item("call", slow.id)).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.endswith("The last Initialize failed")
    server.status = 200
    qtbot.mouseClick(_initialize_button(window), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _row_text(window, slow.id) == "Slow", timeout=WAIT)


def test_undo_selects_the_call_it_changed(window, qtbot) -> None:
    api = window.doc.workspace.apis[0]
    first, second = api.calls[0], api.calls[1]
    window.tree.select(Item("call", first.id))
    window.call_editor.name_edit.setFocus()
    window.call_editor.name_edit.selectAll()
    QTest.keyClicks(window.call_editor.name_edit, "Renamed")
    window.call_editor.name_edit.editingFinished.emit()
    window.tree.select(Item("call", second.id))  # the user moves on to another call
    window.tree.view.setFocus()
    window.actions.undo.trigger()
    assert window.tree.current_item() == Item("call", first.id)  # shown, not changed unseen
    assert window.doc.find_call(first.id)[1].name == first.name
    window.tree.select(Item("call", second.id))
    window.actions.redo.trigger()
    assert window.tree.current_item() == Item("call", first.id)
    assert window.doc.find_call(first.id)[1].name == "Renamed"


def test_a_single_click_on_the_selected_call_does_not_start_a_rename(window, qtbot) -> None:
    view = window.tree.view
    call = window.doc.workspace.apis[0].calls[0]
    window.tree.select(Item("call", call.id))
    rect = view.visualRect(view.currentIndex())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.wait(QApplication.doubleClickInterval() + 100)  # a click, not half of a double-click
    assert view.state() != view.State.EditingState
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_F2)
    assert view.state() == view.State.EditingState  # F2 renames


def _focus_chain(start: QWidget, steps: int) -> list[str]:
    names, widget = [], start
    for _ in range(steps):
        widget = widget.nextInFocusChain()
        while not (widget.isVisible() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus) or (
            isinstance(widget.parentWidget(), QComboBox)  # an editable box's own line edit
        ):
            widget = widget.nextInFocusChain()
        names.append(widget.accessibleName() or getattr(widget, "text", str)())
    return names


def test_tab_follows_the_call_editor_layout(window) -> None:
    call = window.doc.workspace.apis[0].calls[0]
    window.tree.select(Item("call", call.id))
    names = _focus_chain(window.tree.view, 7)
    assert names == [
        "Call name",
        "Method",
        "Path",
        "Use as",
        "Response type",
        "Description",
        "Capture response headers",
    ]


def test_closing_with_a_call_in_flight_cancels_it(window, loop, server, qtbot) -> None:
    server.gate.clear()
    _, slow, _ = _two_calls(window, server.url)
    window.tree.select(Item("call", slow.id))
    panel = window.response_panel
    qtbot.mouseClick(_initialize_button(window), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.running_calls() == [slow.id])
    window.close()
    qtbot.waitUntil(lambda: panel.running_calls() == [], timeout=WAIT)


def test_the_keychain_notice_is_a_banner_shown_until_dismissed(
    window, qtbot, settings, secrets, tmp_path
) -> None:
    from designer.ui.app import LazyExecutor
    from designer.ui.infra.settings import Settings
    from designer.ui.window.mainwindow import MainWindow

    window.show_keychain_notice("No keychain: secrets are kept in memory for this session.")
    banner = window.notice_banner
    assert banner.isVisible()
    assert banner.label.text().startswith("No keychain")
    assert QApplication.activeModalWidget() is None  # nothing to click away before working
    qtbot.mouseClick(banner.close_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    assert window.keychain_notice is not None  # the Secrets dialog still says it

    again = MainWindow(Settings(settings), secrets, LazyExecutor(), recovery_dir=tmp_path / "r2")
    qtbot.addWidget(again)
    again.show()
    again.show_keychain_notice("No keychain: secrets are kept in memory for this session.")
    assert not again.notice_banner.isVisible()  # once per machine
    assert again.keychain_notice is not None


@pytest.mark.parametrize("size", [(1000, 650), (1280, 800), (1600, 1000)])
def test_layout_holds_from_1000_by_650_up(window, qtbot, size) -> None:
    from designer.core.demo.server import example_workspace
    from designer.ui.response.structure_model import FIELD, INCLUDE

    workspace = example_workspace("http://127.0.0.1:9")
    window.doc.replace(workspace, None)
    api = workspace.apis[0]
    body = [
        {"name": "Travel Water Bottle, insulated, 750 ml", "discount_percent": 9},
        {"name": "Mug", "discount_percent": None},
    ]
    call = api.calls[0].model_copy(update={"structure": _shape({"data": body})})
    window.doc.apply_call(api.id, call)
    window.resize(*size)
    window.tree.select(Item("call", call.id))
    qtbot.waitUntil(lambda: window.width() == size[0])
    QApplication.processEvents()

    view = window.tree.view
    for row in range(len(api.calls)):  # every call name is shown whole in the tree
        index = view.model().index(row, 0, view.model().index(0, 0))
        text = str(index.data())
        needed = view.fontMetrics().horizontalAdvance(text)
        assert view.visualRect(index).width() - view.iconSize().width() - 8 >= needed, text

    tree = window.response_panel.responseTree
    head = tree.header()
    viewport = tree.viewport().width()
    include_right = head.sectionPosition(INCLUDE) + head.sectionSize(INCLUDE)
    assert include_right <= viewport  # Include is never behind a scrollbar
    assert head.sectionSize(INCLUDE) >= head.sectionSizeHint(INCLUDE)
    title = tree.fontMetrics().horizontalAdvance("discount_percent")
    assert head.sectionSize(FIELD) >= title  # Field names are readable
    for column in range(head.count()):  # no column narrower than its own title
        label = str(tree.model().headerData(column, Qt.Orientation.Horizontal))
        assert head.sectionSize(column) >= tree.fontMetrics().horizontalAdvance(label), label


def test_column_widths_do_not_change_from_call_to_call(window, qtbot) -> None:
    api = window.doc.workspace.apis[0]
    first, second = api.calls[0], api.calls[1]
    wide = _shape({"a_very_long_field_name_indeed": "x" * 200})
    narrow = _shape({"id": 1})
    window.doc.apply_call(api.id, first.model_copy(update={"structure": wide}))
    window.doc.apply_call(api.id, second.model_copy(update={"structure": narrow}))
    head = window.response_panel.responseTree.header()
    window.tree.select(Item("call", first.id))
    QApplication.processEvents()
    widths = [head.sectionSize(c) for c in range(head.count())]
    window.tree.select(Item("call", second.id))
    QApplication.processEvents()
    assert [head.sectionSize(c) for c in range(head.count())] == widths


def test_the_request_line_reads_like_an_address_bar(window, loop, server, qtbot) -> None:
    server.serve({"ok": True})
    api, slow, _ = _two_calls(window, server.url + "/v1")
    window.doc.apply_call(api.id, slow.model_copy(update={"path": "/orders"}))
    window.tree.select(Item("call", slow.id))
    line = window.call_editor.request_line
    assert line.base.text() == server.url + "/v1"
    assert line.path.text() == "/orders"
    assert line.method.currentText() == "GET"
    button = line.initialize
    assert button.isVisible()
    assert button.text() == "Initialize"
    assert button.accessibleName() == "Initialize call"
    assert not window.response_panel.initializeButton.isVisible()  # one Initialize on screen
    server.gate.clear()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not button.isEnabled())  # the state follows the panel's action
    with qtbot.waitSignal(window.response_panel.callEdited, timeout=WAIT):
        server.gate.set()
    qtbot.waitUntil(button.isEnabled, timeout=WAIT)


def test_the_secrets_button_looks_like_a_button(window) -> None:
    from PySide6.QtWidgets import QToolButton

    button = window.findChild(QToolButton, "secretsToolButton")
    assert button is not None
    assert button.isVisible()
    assert not button.autoRaise()  # framed like a button, not flat like the label beside it
    assert button.defaultAction() is window.secrets_action


def test_the_filter_follows_renames_while_it_is_on(window, qtbot) -> None:
    pane = window.tree
    api = window.doc.workspace.apis[0]
    call = api.calls[0]
    QTest.keyClicks(pane.filter_edit, "zebra")
    assert pane.model.rowCount() == 0  # nothing matches yet
    window.doc.apply_call(api.id, call.model_copy(update={"name": "Zebra crossing"}))
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1)
    shown = pane.model.index(0, 0)
    assert pane.model.rowCount(shown) == 1
    assert pane.view.isExpanded(shown)  # the API holding the match is open
    pane.filter_edit.clear()
    assert pane.model.rowCount() == len(window.doc.workspace.apis)


def test_no_label_or_tab_takes_a_menu_bar_shortcut(window) -> None:
    """Alt+F, Alt+E, Alt+V, Alt+C and Alt+H open the menus, whatever is shown."""
    import re

    from PySide6.QtWidgets import QLabel, QTabBar

    menus = {
        re.search(r"&(\w)", action.text()).group(1).lower()
        for action in window.menuBar().actions()
        if "&" in action.text()
    }
    assert menus == {"f", "e", "v", "c", "h"}
    for item in (window.doc.workspace.apis[0], window.doc.workspace.apis[0].calls[0]):
        kind = "api" if item is window.doc.workspace.apis[0] else "call"
        window.tree.select(Item(kind, item.id))
        texts = [label.text() for label in window.findChildren(QLabel) if label.isVisible()]
        for bar in window.findChildren(QTabBar):
            if bar.isVisible():
                texts += [bar.tabText(i) for i in range(bar.count())]
        taken = {(m.group(1).lower(), text) for text in texts if (m := re.search(r"&(\w)", text))}
        assert {(key, text) for key, text in taken if key in menus} == set()


def test_a_call_hidden_by_the_filter_stays_on_screen_and_is_selected_again(window) -> None:
    pane = window.tree
    shop, weather = window.doc.workspace.apis
    pane.view.collapse(pane.model.api_index(weather.id))
    pane.select(Item("call", shop.calls[1].id))
    assert window.call_editor.name_edit.text() == "Get order"
    QTest.keyClicks(pane.filter_edit, "forecast")
    assert pane.model.rowCount() == 1  # only Weather shows
    # The call being edited is hidden from the tree, not closed: editors and actions keep it.
    assert window.call_editor.name_edit.text() == "Get order"
    assert window.current_call() == (shop, shop.calls[1])
    assert pane.view.isExpanded(pane.model.api_index(weather.id))  # opened to show the match
    pane.filter_edit.clear()
    index = pane.view.currentIndex()
    assert index.data() == "Get order"  # selected again
    assert pane.view.selectionModel().isSelected(index)
    # The tree is as it was before the filter: Shop open, Weather closed again.
    assert pane.view.isExpanded(pane.model.api_index(shop.id))
    assert not pane.view.isExpanded(pane.model.api_index(weather.id))


def test_choosing_a_call_while_filtered_is_kept_when_the_filter_clears(window) -> None:
    pane = window.tree
    weather = window.doc.workspace.apis[1]
    QTest.keyClicks(pane.filter_edit, "forecast")
    forecast = pane.model.index(0, 0, pane.model.index(0, 0))
    pane.view.setCurrentIndex(forecast)
    assert window.call_editor.name_edit.text() == "Forecast"
    pane.filter_edit.clear()
    assert pane.current_item() == Item("call", weather.calls[0].id)
    assert pane.view.currentIndex().data() == "Forecast"
    assert window.call_editor.name_edit.text() == "Forecast"


def test_the_environments_tab_is_built_when_shown(window) -> None:
    editor = window.api_editor
    api = window.doc.workspace.apis[0]
    window.tree.select(Item("api", api.id))
    assert editor.findChild(QWidget, "environmentsEditor") is None  # not needed yet
    row = next(r for r in range(editor.tabs.count()) if "onments" in editor.tabs.tabText(r))
    editor.tabs.setCurrentIndex(row)
    built = editor.tabs.currentWidget()
    assert built is editor.environments
    assert built.isVisible()
    assert editor.tabs.tabText(row) == "Envir&onments"
    # It takes its place in the Tab order, among the API editor's fields, as if it had
    # been built with them: not at the end of the window, after the response panel.
    seen, widget = [], editor.name_edit
    while widget.objectName() != "manualResponseButton":
        widget = widget.nextInFocusChain()
        seen.append(widget)
    assert any(built.isAncestorOf(w) for w in seen)


def test_clearing_the_filter_opens_large_apis_one_turn_at_a_time(window, qtbot) -> None:
    from tests.helpers.workspaces import big_workspace

    pane = window.tree
    window.doc.replace(big_workspace(600, 300), None)  # two APIs of 300 calls
    first, second = window.doc.workspace.apis
    pane.view.expand(pane.model.api_index(second.id))
    pane.select(Item("call", second.calls[-1].id))
    QTest.keyClicks(pane.filter_edit, "zz-no-match")
    assert pane.model.rowCount() == 0
    pane.filter_edit.clear()
    # At once: every API shows, the large ones still closed (each takes a turn to lay out).
    assert pane.model.rowCount() == 2
    assert not pane.view.isExpanded(pane.model.api_index(second.id))
    # Then, turn by turn: the current call's API first, with the call selected again.
    qtbot.waitUntil(lambda: pane.view.isExpanded(pane.model.api_index(second.id)))
    qtbot.waitUntil(lambda: pane.view.isExpanded(pane.model.api_index(first.id)))
    assert pane.view.currentIndex().data(ITEM_ROLE) == Item("call", second.calls[-1].id)
    assert pane.current_item() == Item("call", second.calls[-1].id)


def test_typing_again_stops_large_apis_from_opening(window, qtbot) -> None:
    from tests.helpers.workspaces import big_workspace

    pane = window.tree
    window.doc.replace(big_workspace(600, 300), None)
    first = window.doc.workspace.apis[0]
    assert pane.view.isExpanded(pane.model.api_index(first.id))
    QTest.keyClicks(pane.filter_edit, "zz")
    pane.filter_edit.clear()  # the large APIs are to open in the next turns...
    QTest.keyClicks(pane.filter_edit, "service 1")  # ...but the user types on at once
    assert pane.model.rowCount() == 1  # Service 1, with its 300 calls: too many to open
    qtbot.wait(50)
    assert not pane.view.isExpanded(pane.model.api_index(first.id))


def test_the_empty_structure_hint_names_the_buttons_as_they_read(window) -> None:
    from PySide6.QtWidgets import QPushButton

    window.tree.select(Item("call", window.doc.workspace.apis[0].calls[0].id))
    tree = window.response_panel.findChild(QWidget, "responseTree")
    hint = tree.placeholder
    initialize = window.call_editor.request_line.initialize.text().replace("&", "")
    manual = window.findChild(QPushButton, "manualResponseButton").text().replace("&", "")
    assert f"Press {initialize} (" in hint
    assert manual.rstrip("…") in hint
    shortcut = window.response_panel.initializeAction.shortcut().toString()
    assert shortcut in hint


def test_the_first_call_shown_in_a_small_window_has_its_whole_path(window, qtbot) -> None:
    # The call editor is built as the first call is shown: its request line must fit
    # the URL to its final layout, not to the widths its parts had while being built.
    api = window.doc.workspace.apis[0]
    window.doc.apply_api_settings(
        api.model_copy(update={"base_url": "http://127.0.0.1:43483/v1/stores/eu-west/tenants"})
    )
    window.resize(1000, 650)
    qtbot.wait(20)
    window.tree.select(Item("call", api.calls[0].id))
    line = window.call_editor.request_line
    qtbot.waitUntil(lambda: line.path.isVisible())
    needed = line.path.fontMetrics().horizontalAdvance(line.path.text())
    # Once the layout has settled (however long that takes on a busy machine).
    qtbot.waitUntil(lambda: line.path.width() >= needed, timeout=5000)


def test_large_apis_reopen_when_the_hidden_current_call_was_deleted(window, qtbot) -> None:
    from designer.ui.editing import edits
    from tests.helpers.workspaces import big_workspace

    pane = window.tree
    window.doc.replace(big_workspace(600, 300), None)
    first, second = window.doc.workspace.apis
    pane.view.expand(pane.model.api_index(second.id))
    doomed = Item("call", second.calls[-1].id)
    pane.select(doomed)
    QTest.keyClicks(pane.filter_edit, "zz-no-match")
    edits.delete(window.doc, [doomed])  # Edit ▸ Delete acts on the call on screen
    pane.filter_edit.clear()
    qtbot.waitUntil(lambda: pane.view.isExpanded(pane.model.api_index(second.id)))
    qtbot.waitUntil(lambda: pane.view.isExpanded(pane.model.api_index(first.id)))
    assert pane.current_item() is None


def test_a_window_closed_before_the_warm_up_starts_no_worker(window, qtbot) -> None:
    from PySide6.QtCore import QTimer

    # Showing a call warms the worker pool up half a second later...
    window.tree.select(Item("call", window.doc.workspace.apis[0].calls[1].id))
    window.close()
    workers.shutdown_workers()  # ...as quitting does, whether or not it had started
    later: list[bool] = []
    QTimer.singleShot(600, lambda: later.append(True))  # fires after the warm-up's timer
    qtbot.waitUntil(lambda: bool(later), timeout=10_000)
    assert workers._pool is None  # nothing outlives the window
