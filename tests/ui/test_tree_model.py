"""The tree model: structure, renames, drag and drop, filtering, undo."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from designer.ui import edits
from designer.ui.edits import Item
from designer.ui.tree import ITEM_ROLE, MIME_TYPE, TreeFilterModel, WorkspaceTreeModel
from designer.ui.tree.filter import matching_rows


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


def test_proxy_passes_qtmodeltester(qtmodeltester, doc):
    proxy = TreeFilterModel()
    proxy.setSourceModel(WorkspaceTreeModel(doc))
    proxy.set_rows(matching_rows(doc.workspace, "order"))
    qtmodeltester.check(proxy, force_py=True)


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
    proxy = TreeFilterModel()
    model = WorkspaceTreeModel(doc)
    proxy.setSourceModel(model)
    proxy.set_rows(matching_rows(doc.workspace, "post"))
    assert proxy.rowCount() == 1
    shop = proxy.index(0, 0)
    assert [proxy.index(r, 0, shop).data() for r in range(proxy.rowCount(shop))] == ["Create order"]
    proxy.set_rows(matching_rows(doc.workspace, "weather"))
    assert proxy.rowCount(proxy.index(0, 0)) == 1  # a matching API shows its calls
    proxy.set_rows(matching_rows(doc.workspace, "  "))
    assert proxy.rowCount() == 2  # a blank filter shows everything


def test_view_cleanup_after_a_move_drop_removes_nothing(doc):
    # After a move drop the view asks the model to remove the dragged rows;
    # the move already happened in dropMimeData, so that request must do nothing.
    proxy = TreeFilterModel()
    proxy.setSourceModel(WorkspaceTreeModel(doc))
    shop = proxy.index(0, 0)
    assert not proxy.removeRows(0, 1, shop)
    assert not proxy.removeRows(0, 1)
    assert names(doc)[0][1] == ["List orders", "Get order", "Create order"]
