"""The webhook editor (objectName ``webhookEditor``): a request a service sends to the app.

A webhook is shown in the tree under its API, after the calls; this editor
changes its name, method, path, how its requests are signed (the signing
secret goes to the secret store, never to the file) and shows the structure
inferred from its samples, with *Listen for a sample…* to capture more.
Every change is an :class:`~designer.ui.editing.commands.EditApi` of its API, so
Undo covers it, and typing in a field merges into one step.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from designer.core.models import Method, Webhook, secret_ref
from designer.core.secrets.store import SecretStore
from designer.ui.editing.commands import EditApi
from designer.ui.editing.document import Document
from designer.ui.editors.widgets import SecretField, UndoRouter, set_text_keeping_cursor
from designer.ui.response.layout import StructureTree
from designer.ui.response.structure_model import TYPE, StructureModel
from designer.ui.response.type_delegate import TypeDelegate

__all__ = ["WebhookEditor"]

SIGNATURES = [
    ("Not signed", "none"),
    ("Stripe-Signature", "stripe"),
    ("X-Hub-Signature-256 (GitHub)", "github"),
    ("HMAC-SHA256 in a header", "hmac"),
]


class WebhookEditor(QWidget):
    #: the user asked to capture samples of the webhook shown
    listenRequested = Signal()
    message = Signal(str)

    def __init__(self, doc: Document, secrets: SecretStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("webhookEditor")
        self.setAccessibleName("Webhook editor")
        self._doc, self._secrets = doc, secrets
        self._hook_id: str | None = None
        self._loading = False

        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.name = QLineEdit(self)
        self.name.setObjectName("webhookEditorName")
        self.name.setAccessibleName("Webhook name")
        self.name.textEdited.connect(lambda t: self._edit("name", t.strip(), "Rename webhook"))
        self.method = QComboBox(self)
        self.method.setObjectName("webhookEditorMethod")
        self.method.setAccessibleName("Method the sender uses")
        for method in (Method.POST, Method.PUT, Method.PATCH, Method.GET, Method.DELETE):
            self.method.addItem(method.value, method)
        self.method.activated.connect(
            lambda _: self._edit("method", self.method.currentData(), "Change webhook method")
        )
        self.path = QLineEdit(self)
        self.path.setObjectName("webhookEditorPath")
        self.path.setAccessibleName("Path the sender calls")
        self.path.setPlaceholderText("/webhook")
        self.path.textEdited.connect(
            lambda t: self._edit("path", t.strip() or "/", "Edit webhook path")
        )
        self.signature = QComboBox(self)
        self.signature.setObjectName("webhookEditorSignature")
        self.signature.setAccessibleName("Signature")
        for label, value in SIGNATURES:
            self.signature.addItem(label, value)
        self.signature.activated.connect(
            lambda _: self._edit("signature", self.signature.currentData(), "Change signature")
        )
        self.header = QLineEdit(self)
        self.header.setObjectName("webhookEditorHeader")
        self.header.setAccessibleName("Signature header")
        self.header.setPlaceholderText("with HMAC: the header, e.g. X-Shopify-Hmac-Sha256")
        self.header.textEdited.connect(
            lambda t: self._edit("signature_header", t.strip(), "Edit signature header")
        )
        self.secret = SecretField(self)
        self.secret.setObjectName("webhookEditorSecret")
        self.secret.setAccessibleName("Signing secret")
        self.secret.setPlaceholderText("kept in the keychain, never in the workspace")
        self.secret.editingFinished.connect(self._store_secret)
        self.structure_model = StructureModel(self)
        self.structure_model.overridesEdited.connect(self._edit_overrides)
        self.structure = StructureTree(self)
        self.structure.setObjectName("webhookEditorStructure")
        self.structure.setAccessibleName("Webhook structure")
        self.structure.setModel(self.structure_model)
        # Types and Include are edited as a call's are (Space, F2, a double-click).
        self.structure.setItemDelegateForColumn(TYPE, TypeDelegate(self.structure))
        self.structure.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.structure.setToolTip("Space: include or exclude the field · F2: change its type")
        self.structure.placeholder = (
            "No sample yet: press Listen for a sample and send a request to the URL it shows."
        )
        self.listen = QPushButton("&Listen for a sample…", self)
        self.listen.setObjectName("webhookEditorListen")
        self.listen.clicked.connect(self.listenRequested)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("&Name:", self.name)
        form.addRow("&Method:", self.method)
        form.addRow("&Path:", self.path)
        form.addRow("Si&gnature:", self.signature)
        form.addRow("Signature hea&der:", self.header)  # Alt+H: the Help menu
        form.addRow("Signing &secret:", self.secret)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(QLabel("Structure of its requests:", self))
        layout.addWidget(self.structure, 1)
        layout.addWidget(self.listen)
        UndoRouter(self).install(self)
        doc.apiChanged.connect(lambda _api_id: self._reload())

    def current(self) -> Webhook | None:
        if self._hook_id is None:
            return None
        try:
            return self._doc.find_webhook(self._hook_id)[1]
        except KeyError:
            return None

    def set_webhook(self, hook_id: str | None) -> None:
        self._hook_id = hook_id
        self.secret.clear()
        self._reload()

    def _secret_ref(self) -> str | None:
        from designer.core.secrets.names import webhook_secret_field

        if self._hook_id is None:
            return None
        api, hook = self._doc.find_webhook(self._hook_id)
        return secret_ref(api, webhook_secret_field(hook.id))

    def _reload(self) -> None:
        hook = self.current()
        if hook is None:
            return
        api = self._doc.find_webhook(hook.id)[0]
        self._loading = True
        try:
            self.title.setText(
                f"A request that a service sends to your app for API “{api.name}”: "
                "its structure is inferred from captured samples."
            )
            set_text_keeping_cursor(self.name, hook.name)
            set_text_keeping_cursor(self.path, hook.path)
            set_text_keeping_cursor(self.header, hook.signature_header)
            self.method.setCurrentIndex(max(0, self.method.findData(hook.method)))
            self.signature.setCurrentIndex(max(0, self.signature.findData(hook.signature)))
            self.header.setEnabled(hook.signature == "hmac")
            self.secret.setEnabled(hook.signature != "none")
            ref = self._secret_ref()
            stored = bool(ref and self._secrets.get(ref))
            self.secret.setPlaceholderText(
                "set (kept in the keychain)"
                if stored
                else "kept in the keychain, never in the workspace"
            )
            self.structure_model.set_structure(hook.structure, dict(hook.overrides))
            self.structure.expandToDepth(0)
        finally:
            self._loading = False

    def _edit(self, field: str, value: Any, text: str) -> None:
        hook = self.current()
        if self._loading or hook is None or getattr(hook, field) == value:
            return
        api = self._doc.find_webhook(hook.id)[0]
        if field == "name":
            if not value:
                return
            if any(h.name.casefold() == value.casefold() for h in api.webhooks if h.id != hook.id):
                self.message.emit(f"API '{api.name}' already has a webhook named '{value}'.")
                return
        edited = hook.model_copy()
        setattr(edited, field, value)  # validated as it is assigned
        before = api.model_copy(update={"calls": []})
        hooks = [edited if h.id == hook.id else h for h in api.webhooks]
        after = before.model_copy(update={"webhooks": hooks})
        self._doc.undo_stack.push(EditApi(self._doc, before, after, text, (hook.id, field)))

    def _edit_overrides(self, overrides: dict[str, Any]) -> None:
        self._edit("overrides", dict(overrides), "Edit webhook structure")

    def _store_secret(self) -> None:
        ref = self._secret_ref()
        typed = self.secret.text()
        if ref is None or not typed:
            return
        self._secrets.set(ref, typed)
        self.secret.clear()
        self.message.emit("The signing secret is set; it is kept in the keychain.")
        self._reload()
