"""The parameters table stays readable in a small window: Name and Sample value come first."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QStyle, QTableView

from designer.core.demo.server import example_workspace
from designer.core.models import Parameter, Placement, ValueType
from designer.ui.editing.edits import Item
from designer.ui.editors.params_table import DYNAMIC, NAME, OPTIONAL, PRIVATE, VALUE

pytestmark = pytest.mark.gui


def _show_list_products(window, qtbot, size, params=None) -> QTableView:
    """The example's *List products* (page, per_page) in a window of ``size``."""
    workspace = example_workspace("http://127.0.0.1:9")
    api = workspace.apis[0]
    call = api.calls[0]
    if params is not None:
        api.calls[0] = call = call.model_copy(update={"params": params})
    window.doc.replace(workspace, None)
    window.resize(*size)
    window.tree.select(Item("call", call.id))
    qtbot.waitUntil(lambda: window.width() == size[0])
    QApplication.processEvents()
    return window.findChild(QTableView, "paramsTable")


def _title_fits(view: QTableView, field: int) -> None:
    model, header = view.model(), view.horizontalHeader()
    column = model.column_of(field)
    title = str(model.headerData(column, Qt.Orientation.Horizontal))
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    needed = header.fontMetrics().horizontalAdvance(title) + 2 * margin
    assert header.sectionSize(column) >= needed, f"{title!r} is cut"


def _text_fits(view: QTableView, row: int, field: int) -> None:
    index = view.model().index(row, view.model().column_of(field))
    text = str(index.data())
    needed = view.fontMetrics().horizontalAdvance(text) + 8  # the cell's text margins
    assert view.visualRect(index).width() >= needed, f"{text!r} is cut"


@pytest.mark.parametrize("size", [(1000, 650), (1280, 800)])
def test_name_and_sample_are_readable(window, qtbot, size) -> None:
    view = _show_list_products(window, qtbot, size)
    _title_fits(view, NAME)
    _title_fits(view, VALUE)
    names = [view.model().index(r, 0).data() for r in range(view.model().rowCount())]
    assert "per_page" in names
    for row in range(view.model().rowCount()):
        _text_fits(view, row, NAME)
        _text_fits(view, row, VALUE)
    header = view.horizontalHeader()
    # Every column is on screen: nothing hides behind a horizontal scroll bar.
    assert header.length() <= view.viewport().width()


def test_a_long_name_gives_way_before_the_sample_title(window, qtbot) -> None:
    params = [
        Parameter(name="include_archived_line_items", value="true", type=ValueType.INTEGER),
        Parameter(name="page", value="1", placement=Placement.HEADER),
    ]
    view = _show_list_products(window, qtbot, (1000, 650), params)
    _title_fits(view, VALUE)
    _title_fits(view, NAME)
    assert view.horizontalHeader().length() <= view.viewport().width()


def test_tick_box_columns_are_headed_by_icons_named_in_tooltips(window, qtbot) -> None:
    view = _show_list_products(window, qtbot, (1000, 650))
    model, header = view.model(), view.horizontalHeader()
    for field, title in ((DYNAMIC, "Dynamic"), (PRIVATE, "Private"), (OPTIONAL, "Optional")):
        column = model.column_of(field)
        # The title stays the header's text (screen readers, scripts) and opens the tooltip.
        assert model.headerData(column, Qt.Orientation.Horizontal) == title
        tip = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        assert tip.startswith(f"{title}: ")
        # Narrower than the title would be, wide enough for the tick box below it.
        assert header.sectionSize(column) < header.fontMetrics().horizontalAdvance(title)
        index = model.index(0, column)
        check = view.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, view)
        assert view.visualRect(index).width() >= check + 6


def test_a_name_width_the_user_drags_to_stays_until_another_call(window, qtbot) -> None:
    view = _show_list_products(window, qtbot, (1280, 800))
    header, model = view.horizontalHeader(), view.model()
    name = model.column_of(NAME)
    fitted = header.sectionSize(name)
    header.resizeSection(name, fitted + 40)  # as a drag of the section's edge does
    # An edit (here the sample of the first row) does not undo the drag.
    assert model.setData(model.index(0, model.column_of(VALUE)), "2")
    QApplication.processEvents()
    assert header.sectionSize(name) == fitted + 40
    api = window.doc.workspace.apis[0]
    window.tree.select(Item("call", api.calls[1].id))
    window.tree.select(Item("call", api.calls[0].id))
    QApplication.processEvents()
    assert header.sectionSize(name) == fitted


def test_tick_box_columns_are_titled_in_words_where_there_is_room(window, qtbot) -> None:
    view = _show_list_products(window, qtbot, (1920, 1080))
    window.splitter.setSizes([240, 1100, 560])  # a wide editor
    qtbot.waitUntil(lambda: view.viewport().width() > 900)
    QApplication.processEvents()
    header = view.horizontalHeader()
    assert header.words
    for field in (DYNAMIC, PRIVATE, OPTIONAL):
        _title_fits(view, field)  # "Dynamic", "Private", "Optional" whole
    _title_fits(view, NAME)
    _title_fits(view, VALUE)
    assert header.length() <= view.viewport().width()
    window.splitter.setSizes([240, 420, 1240])  # narrow again: icons
    qtbot.waitUntil(lambda: not header.words)


def test_the_type_box_shows_its_choice_whole_in_a_narrow_column(window, qtbot) -> None:
    from PySide6.QtWidgets import QComboBox

    from designer.ui.editors.params_table import TYPE

    view = _show_list_products(window, qtbot, (1000, 650))
    index = view.model().index(0, view.model().column_of(TYPE))
    view.setCurrentIndex(index)
    view.edit(index)
    combo = view.findChild(QComboBox, "paramTypeCombo")
    qtbot.waitUntil(lambda: combo is not None and combo.isVisible())
    assert combo.currentText() == "Text"
    assert combo.width() >= combo.sizeHint().width()  # "Text ▾", not "Te"
