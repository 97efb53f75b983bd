"""The tree model: structure, renames, drag and drop, filtering, undo."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from designer.ui.editing import edits
from designer.ui.editing.edits import Item
from designer.ui.tree import ITEM_ROLE, MIME_TYPE, WorkspaceTreeModel


def names(doc):
    return [(a.name, [c.name for c in a.calls]) for a in doc.workspace.apis]


def test_model_passes_qtmodeltester(qtmodeltester, doc):
    model = WorkspaceTreeModel(doc)
    qtmodeltester.check(model, force_py=True)
    api = doc.workspace.apis[0]
    edits.add_call(doc, api.id)
    edits.add_api(doc)
    edits.move(doc, [Item("call", api.calls[0].id)], doc.workspace.apis[1].id, 0)
    doc.undo_stack.undo()
    doc.undo_stack.undo()


def test_filtered_model_passes_qtmodeltester(qtmodeltester, doc):
    model = WorkspaceTreeModel(doc)
    assert model.set_filter("order")
    qtmodeltester.check(model, force_py=True)
    # Changes to the rows while the filter is on reset the model, matched again.
    shop = doc.workspace.apis[0]
    edits.add_call(doc, shop.id)
    edits.add_api(doc)
    edits.move(doc, [Item("call", shop.calls[0].id)], doc.workspace.apis[1].id, 0)
    assert model.rowCount() == 2  # Shop, and Weather now holding "List orders"
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert model.rowCount() == 1


def test_rows_and_data(doc):
    model = WorkspaceTreeModel(doc)
    assert model.rowCount() == 2
    shop = model.index(0, 0)
    assert shop.data() == "Shop"
    assert model.rowCount(shop) == 3
    call = model.index(1, 0, shop)
    assert call.data() == "Get order"
    assert call.data(Qt.ItemDataRole.ToolTipRole) == "GET /orders/{id}"
    assert call.parent() == shop
    assert call.data(ITEM_ROLE) == Item("call", doc.workspace.apis[0].calls[1].id)
    assert not call.data(Qt.ItemDataRole.DecorationRole).isNull()


def test_rename_inline_is_undoable_and_refuses_duplicates(doc, qtbot):
    model = WorkspaceTreeModel(doc)
    call = model.index(0, 0, model.index(0, 0))
    assert model.setData(call, "All orders")
    assert doc.workspace.apis[0].calls[0].name == "All orders"
    with qtbot.waitSignal(model.message) as blocker:
        assert not model.setData(call, "Get order")
    assert "already has a call named 'Get order'" in blocker.args[0]
    doc.undo_stack.undo()
    assert doc.workspace.apis[0].calls[0].name == "List orders"


def test_drag_call_to_other_api(doc):
    model = WorkspaceTreeModel(doc)
    shop, weather = model.index(0, 0), model.index(1, 0)
    mime = model.mimeData([model.index(1, 0, shop)])
    assert mime.hasFormat(MIME_TYPE)
    assert model.canDropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, weather)
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, weather)
    assert names(doc) == [
        ("Shop", ["List orders", "Create order"]),
        ("Weather", ["Get order", "Forecast"]),
    ]
    doc.undo_stack.undo()
    assert names(doc) == [
        ("Shop", ["List orders", "Get order", "Create order"]),
        ("Weather", ["Forecast"]),
    ]


def test_drag_reorders_calls_and_apis(doc):
    model = WorkspaceTreeModel(doc)
    shop = model.index(0, 0)
    mime = model.mimeData([model.index(0, 0, shop)])
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, shop)  # onto the API: last
    assert names(doc)[0][1] == ["Get order", "Create order", "List orders"]
    mime = model.mimeData([model.index(1, 0)])
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert [a.name for a in doc.workspace.apis] == ["Weather", "Shop"]


def test_calls_cannot_drop_among_apis(doc):
    model = WorkspaceTreeModel(doc)
    mime = model.mimeData([model.index(0, 0, model.index(0, 0))])
    assert not model.canDropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert not model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())


def test_filter_keeps_parents_of_matches(doc):
    model = WorkspaceTreeModel(doc)
    assert model.set_filter("post")
    assert model.rowCount() == 1
    shop = model.index(0, 0)
    assert [model.index(r, 0, shop).data() for r in range(model.rowCount(shop))] == ["Create order"]
    create = Item("call", doc.workspace.apis[0].calls[2].id)
    assert model.index(0, 0, shop).data(ITEM_ROLE) == create
    assert not model.set_filter("POST ")  # the same rows: no reset
    assert model.set_filter("weather")
    assert model.rowCount(model.index(0, 0)) == 1  # a matching API shows its calls
    assert model.index(0, 0).data() == "Weather"
    hidden = Item("call", doc.workspace.apis[0].calls[0].id)
    assert not model.item_index(hidden).isValid()
    assert model.set_filter("  ")
    assert model.rowCount() == 2  # a blank filter shows everything
    assert model.item_index(hidden).row() == 0


def test_rename_while_filtered_is_matched_again(doc, qtbot):
    model = WorkspaceTreeModel(doc)
    model.set_filter("zebra")
    assert model.rowCount() == 0
    api = doc.workspace.apis[1]
    doc.apply_call(api.id, api.calls[0].model_copy(update={"name": "Zebra crossing"}))
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert model.index(0, 0, model.index(0, 0)).data() == "Zebra crossing"


def test_drop_while_filtered_lands_among_the_shown_rows(doc):
    shop = doc.workspace.apis[0]
    receipt = shop.calls[1].model_copy(update={"name": "Get receipt", "path": "/receipts/{id}"})
    doc.apply_call(shop.id, receipt)
    model = WorkspaceTreeModel(doc)
    model.set_filter("order")  # List orders and Create order; Get receipt hidden between
    shown = model.index(0, 0)
    assert [model.index(r, 0, shown).data() for r in range(2)] == ["List orders", "Create order"]
    mime = model.mimeData([model.index(0, 0, shown)])
    # Before the second shown row ("Create order"), not before the second stored one.
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, 1, 0, shown)
    assert names(doc)[0][1] == ["Get receipt", "List orders", "Create order"]
    mime = model.mimeData([model.index(0, 0, model.index(0, 0))])
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, 2, 0, model.index(0, 0))
    assert names(doc)[0][1] == ["Get receipt", "Create order", "List orders"]  # after the last


def test_view_cleanup_after_a_move_drop_removes_nothing(doc):
    # After a move drop the view asks the model to remove the dragged rows;
    # the move already happened in dropMimeData, so that request must do nothing.
    model = WorkspaceTreeModel(doc)
    shop = model.index(0, 0)
    assert not model.removeRows(0, 1, shop)
    assert not model.removeRows(0, 1)
    assert names(doc)[0][1] == ["List orders", "Get order", "Create order"]
