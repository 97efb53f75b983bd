"""Webhooks are first-class: a node under their API in the tree, and an editor."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from designer.core.models import Webhook, secret_ref
from designer.core.secrets.names import webhook_secret_field
from designer.ui.editing.commands import EditApi
from designer.ui.editing.edits import Item, delete
from designer.ui.tree.model import ITEM_ROLE


def _save_webhook(window, hook: Webhook) -> None:
    """As Listen ▸ Save does: the API's settings with one more webhook, one undo step."""
    api = window.doc.workspace.apis[0]
    before = api.model_copy(update={"calls": []})
    after = before.model_copy(update={"webhooks": [*api.webhooks, hook]})
    window.doc.undo_stack.push(EditApi(window.doc, before, after, "Save webhook sample"))


def _rows(window) -> list[tuple[str, str]]:
    model = window.tree.model
    shop = model.index(0, 0)
    return [
        (model.index(r, 0, shop).data(ITEM_ROLE).kind, model.index(r, 0, shop).data())
        for r in range(model.rowCount(shop))
    ]


def test_a_saved_webhook_shows_under_its_api_and_opens_its_editor(window, qtbot, secrets):
    hook = Webhook.model_validate(
        {
            "name": "Order paid",
            "path": "/hooks/paid",
            "signature": "stripe",
            "structure": {
                "type": "object",
                "count": 1,
                "fields": {"amount": {"type": "integer", "count": 1}},
            },
        }
    )
    _save_webhook(window, hook)
    assert _rows(window)[-1] == ("webhook", "Order paid")
    assert [k for k, _ in _rows(window)] == ["call", "call", "call", "webhook"]
    window.tree.select(Item("webhook", hook.id))
    editor = window.findChild(QWidget, "webhookEditor")
    assert editor is not None
    assert editor.isVisible()
    assert editor.path.text() == "/hooks/paid"
    assert editor.signature.currentData() == "stripe"
    assert editor.structure_model.rowCount() > 0  # its inferred structure
    # Edits are undoable edits of the API, the tree follows.
    editor.name.selectAll()
    qtbot.keyClicks(editor.name, "Payment received")
    assert window.doc.workspace.apis[0].webhooks[0].name == "Payment received"
    assert _rows(window)[-1] == ("webhook", "Payment received")
    editor.path.selectAll()
    qtbot.keyClicks(editor.path, "/stripe")
    assert window.doc.workspace.apis[0].webhooks[0].path == "/stripe"
    # The signing secret goes to the secret store, never into the workspace.
    editor.secret.setText("whsec_123")
    editor.secret.editingFinished.emit()
    api = window.doc.workspace.apis[0]
    assert secrets.get(secret_ref(api, webhook_secret_field(hook.id))) == "whsec_123"
    assert "whsec_123" not in window.doc.workspace.model_dump_json()
    window.doc.undo_stack.undo()
    assert window.doc.workspace.apis[0].webhooks[0].path == "/hooks/paid"
    # Its structure is edited as a call's: unticking Include is an undoable edit.
    from PySide6.QtCore import Qt

    from designer.ui.response.structure_model import INCLUDE

    model = editor.structure_model
    amount = model.index_for_path("amount", INCLUDE)
    model.setData(amount, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert window.doc.workspace.apis[0].webhooks[0].overrides["amount"].include is False
    window.doc.undo_stack.undo()
    assert "amount" not in window.doc.workspace.apis[0].webhooks[0].overrides


def test_deleting_a_webhook_node_removes_it_and_undo_brings_it_back(window):
    hook = Webhook(name="Order paid", path="/hooks/paid")
    _save_webhook(window, hook)
    window.tree.select(Item("webhook", hook.id))
    delete(window.doc, [Item("webhook", hook.id)])
    assert window.doc.workspace.apis[0].webhooks == []
    assert [k for k, _ in _rows(window)] == ["call", "call", "call"]
    window.doc.undo_stack.undo()
    assert _rows(window)[-1] == ("webhook", "Order paid")


def test_webhooks_stay_out_of_the_way_of_a_filter(window, qtbot):
    _save_webhook(window, Webhook(name="Order paid", path="/hooks/paid"))
    window.tree.filter_edit.setText("order")
    model = window.tree.model
    kinds = [
        model.index(r, 0, model.index(0, 0)).data(ITEM_ROLE).kind
        for r in range(model.rowCount(model.index(0, 0)))
    ]
    assert kinds == ["call", "call", "call"][: len(kinds)]
    assert "webhook" not in kinds
    window.tree.filter_edit.setText("")
    assert _rows(window)[-1] == ("webhook", "Order paid")
