"""*Listen for a Sample*: the dialog captures signed requests on the app's loop and saves."""

from __future__ import annotations

import threading

import httpx
import orjson
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from designer.core.models import Api, Webhook, Workspace, secret_ref
from designer.core.secrets.names import webhook_secret_field
from designer.core.webhooks.signature import sign
from designer.core.workspace import file as workspace_file
from designer.ui.dialogs.listen import ListenDialog
from designer.ui.editing.edits import Item
from designer.ui.response.structure_model import INCLUDE

pytestmark = pytest.mark.gui
WAIT = 20_000
CANARY = "whsec_CANARY_dialog_91"


def _post(url: str, body: bytes, secret: str) -> None:
    hook = Webhook(name="x", signature="github")
    httpx.post(url, content=body, headers=dict([sign(hook, secret, body)]), timeout=5)


def test_listen_capture_cancel_and_save(window, loop, qtbot, secrets, tmp_path):
    api = Api(name="Shop", base_url="https://shop.example")
    window.doc.replace(Workspace(apis=[api]), None)
    window.tree.select(Item("api", api.id))
    action = window.findChild(QAction, "listenForSampleAction")
    action.trigger()
    dialog = window.findChild(ListenDialog, "listenDialog")
    assert dialog is not None
    dialog.name.setEditText("push")
    dialog.path.setText("/hooks/github")
    dialog.scheme.setCurrentIndex(dialog.scheme.findData("github"))
    dialog.secret.setText(CANARY)
    dialog.count.setValue(5)
    dialog.listen.click()
    qtbot.waitUntil(lambda: "http://127.0.0.1:" in dialog.url.text(), timeout=WAIT)
    url = dialog.url.text().split(": ", 1)[1]
    assert url.endswith("/hooks/github")

    bodies = [
        orjson.dumps({"ref": "refs/heads/main", "commits": [{"id": "a1"}]}),
        orjson.dumps({"ref": "refs/heads/dev", "commits": [], "forced": True}),
    ]
    sender = threading.Thread(
        target=lambda: [_post(url, bodies[0], CANARY), _post(url, bodies[1], "wrong")]
    )
    sender.start()
    qtbot.waitUntil(lambda: len(dialog.listener.captured) == 2, timeout=WAIT)
    sender.join(30)
    assert not sender.is_alive()
    log = dialog.log.toPlainText()
    assert "[1] POST /hooks/github · " in log
    assert "signature verified" in log
    assert "signature NOT verified: the X-Hub-Signature-256 signature does not match" in log
    forced = dialog.shape.fields["body"].fields["forced"]
    assert forced.optional  # merged: in one sample of two
    index = dialog.model.index_for_path("body.forced", INCLUDE)
    assert index.isValid()
    dialog.model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    window.resize(1000, 700)
    dialog.grab().save(str(tmp_path / "listen-dialog.png"))

    dialog.cancel.click()  # Cancel before the count is reached
    qtbot.waitUntil(lambda: dialog.listen.isEnabled(), timeout=WAIT)
    assert dialog.url.text() == "Stopped: 2 request(s) captured."
    with pytest.raises(httpx.ConnectError):
        httpx.post(url, content=b"{}", timeout=2)

    dialog.save.click()
    (hook,) = window.doc.api(api.id).webhooks
    assert (hook.name, hook.path, hook.signature) == ("push", "/hooks/github", "github")
    assert hook.structure is not None
    assert hook.overrides["body.forced"].include is False  # edited like a call's structure
    assert secrets.get(secret_ref(window.doc.api(api.id), webhook_secret_field(hook.id))) == CANARY
    window.doc.undo_stack.undo()
    assert window.doc.api(api.id).webhooks == []
    window.doc.undo_stack.redo()
    saved = tmp_path / "shop.json"
    workspace_file.save(window.doc.workspace, saved)
    assert CANARY not in saved.read_text()
    assert "push" in saved.read_text()


def test_an_existing_webhook_is_chosen_by_name(window, loop, qtbot):
    hooks = [
        Webhook(name="push", path="/hooks/github", signature="github"),
        Webhook(name="order", path="/hooks/shop", signature="hmac", signature_header="X-Sig"),
    ]
    api = Api(name="Shop", webhooks=hooks)
    window.doc.replace(Workspace(apis=[api]), None)
    window.tree.select(Item("api", api.id))
    window.findChild(QAction, "listenForSampleAction").trigger()
    dialog = window.findChild(ListenDialog, "listenDialog")
    assert [dialog.name.itemText(i) for i in range(dialog.name.count())] == ["push", "order"]
    assert dialog.path.text() == "/hooks/github"
    dialog.name.setCurrentIndex(1)
    assert dialog.path.text() == "/hooks/shop"
    assert dialog.scheme.currentData() == "hmac"
    assert dialog.header.text() == "X-Sig"
    assert dialog.hook.id == hooks[1].id
    dialog.name.setEditText("refund")  # a new one: the settings shown are kept
    assert dialog.hook.id not in {h.id for h in hooks}
    assert dialog.path.text() == "/hooks/shop"
    dialog.close()


def test_strangers_requests_are_answered_and_counted_not_logged_one_by_one(
    window, loop, qtbot, secrets
):
    api = Api(name="Shop", base_url="https://shop.example")
    window.doc.replace(Workspace(apis=[api]), None)
    window.tree.select(Item("api", api.id))
    window.findChild(QAction, "listenForSampleAction").trigger()
    dialog = window.findChild(ListenDialog, "listenDialog")
    dialog.name.setEditText("paid")
    dialog.path.setText("/hooks/stripe")
    dialog.scheme.setCurrentIndex(dialog.scheme.findData("stripe"))
    dialog.secret.setText(CANARY)
    dialog.count.setValue(5)
    dialog.listen.click()
    qtbot.waitUntil(lambda: "http://127.0.0.1:" in dialog.url.text(), timeout=WAIT)
    url = dialog.url.text().split(": ", 1)[1]
    base = url.rsplit("/hooks/", 1)[0]
    answers: list[int] = []

    def strangers() -> None:
        with httpx.Client(timeout=5) as client:
            for n in range(200):
                answers.append(client.get(f"{base}/probe/{n}").status_code)
            forged = {"Stripe-Signature": b"t=\xb2,v1=00"}
            answers.append(client.post(url, content=b"{}", headers=forged).status_code)

    sender = threading.Thread(target=strangers)
    sender.start()
    qtbot.waitUntil(lambda: len(dialog.listener.captured) == 1, timeout=WAIT)
    sender.join(10)
    assert answers == [404] * 200 + [200]
    log = dialog.log.toPlainText()
    assert log.count("ignored GET /probe/") == 20
    assert "signature NOT verified: the Stripe-Signature header has no t= timestamp" in log
    dialog.cancel.click()
    qtbot.waitUntil(lambda: dialog.listen.isEnabled(), timeout=WAIT)
    assert dialog.url.text() == (
        "Stopped: 1 request(s) captured, 200 to other paths or methods ignored."
    )
    dialog.close()
